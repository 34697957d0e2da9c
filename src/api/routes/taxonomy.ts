import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Db } from '../../db/client';
import { categoriesWithoutHandlers, getTaxonomy, saveTaxonomy, TaxonomyRejected } from '../../db/queries/taxonomy';
import type { TaxonomyVersionRow } from '../../db/schema';
import { taxonomySchema } from '../../taxonomy/taxonomy';
import { requireRoles } from '../auth';
import { AppError } from '../errors';
import { authErrors, errorResponse } from '../schemas/common';
import { taxonomyPut, taxonomyView } from '../schemas/taxonomy';

export interface TaxonomyRouteDeps {
  db: Db;
}

/** The category taxonomy: staff read it, admins replace it (a new version, audited, used by the next complaint). */
export const taxonomyRoutes =
  ({ db }: TaxonomyRouteDeps): FastifyPluginAsyncZod =>
  async (app) => {
    const view = async (row: TaxonomyVersionRow) => ({
      version: row.version,
      createdAt: row.createdAt.toISOString(),
      createdBy: row.createdBy,
      fallbackCategory: row.document.fallbackCategory,
      categories: row.document.categories,
      warnings: (await categoriesWithoutHandlers(db, row.document)).map((category) => ({ category, message: 'no active handler of its department has this category as a skill: its complaints will wait unassigned' })),
    });

    app.get(
      '/v1/taxonomy',
      { onRequest: requireRoles('agent', 'supervisor', 'auditor', 'admin'), schema: { tags: ['taxonomy'], summary: 'The category taxonomy in force (its version, categories, departments and examples)', response: { 200: taxonomyView, 404: errorResponse, ...authErrors } } },
      async () => {
        const row = await getTaxonomy(db);
        if (!row) throw new AppError('NOT_FOUND', 'No taxonomy has been stored yet.');
        return view(row);
      },
    );

    app.put(
      '/v1/taxonomy',
      {
        onRequest: requireRoles('admin'),
        schema: { tags: ['taxonomy'], summary: 'Replace the taxonomy: validated, stored as the next version, audited; new complaints use it at once', body: taxonomyPut, response: { 200: taxonomyView, 409: errorResponse, ...authErrors } },
      },
      async (req) => {
        const { expectedVersion, ...document } = req.body;
        const parsed = taxonomySchema.safeParse(document);
        if (!parsed.success) {
          const details = parsed.error.issues.map((i) => ({ path: ['body', ...i.path.map(String)].join('.'), message: i.message }));
          throw new AppError('VALIDATION_FAILED', `Invalid taxonomy: ${details.map((d) => d.path).join(', ')}`, details);
        }
        try {
          return await view(await saveTaxonomy(db, parsed.data, { actor: req.principal!.subject, role: req.principal!.role }, expectedVersion));
        } catch (err) {
          if (err instanceof TaxonomyRejected) throw new AppError(err.reason === 'version_conflict' ? 'INVALID_STATE' : 'VALIDATION_FAILED', err.message, err.details);
          throw err;
        }
      },
    );
  };
