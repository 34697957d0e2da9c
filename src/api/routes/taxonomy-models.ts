import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Db } from '../../db/client';
import { activateTaxonomyModel, listTaxonomyModels } from '../../db/queries/taxonomy-models';
import { TASK_QUEUE } from '../../shared/constants';
import { requireRoles } from '../auth';
import { engineFailure } from '../engine';
import { AppError } from '../errors';
import { authErrors, errorResponse } from '../schemas/common';

export interface TaxonomyModelRouteDeps {
  db: Db;
  temporal: Client;
  taskQueue?: string;
}

const modelView = z
  .object({
    name: z.string(),
    taxonomyVersion: z.number().int(),
    active: z.boolean(),
    examples: z.number().int(),
    corrections: z.number().int(),
    heldBack: z.number().int(),
    accuracy: z.number().nullable(),
    previousAccuracy: z.number().nullable(),
    decision: z.string(),
    createdBy: z.string(),
    createdAt: z.string(),
  })
  .meta({ id: 'TaxonomyModel' });

const retrainResult = z
  .object({
    trained: z.boolean(),
    name: z.string().optional(),
    active: z.boolean().optional(),
    accuracy: z.number().nullable().optional(),
    previousAccuracy: z.number().nullable().optional(),
    corrections: z.number().int(),
    heldBack: z.number().int(),
    decision: z.string(),
  })
  .meta({ id: 'TaxonomyRetrainResult' });

const nameParams = z.object({ name: z.string().regex(/^t\d{1,9}-m\d{1,9}$/, 'not a model name (t<taxonomy version>-m<n>)') });

const view = (r: Awaited<ReturnType<typeof listTaxonomyModels>>[number]) => ({ ...r, createdAt: r.createdAt.toISOString() });

/**
 * The taxonomy classifier's versions: every model the learning loop trained, with its accuracy on the
 * held-back corrections against how many corrections it learnt from (the learning curve); an admin may
 * activate any kept one (roll back) or ask for a retraining now.
 */
export const taxonomyModelRoutes =
  ({ db, temporal, taskQueue = TASK_QUEUE }: TaxonomyModelRouteDeps): FastifyPluginAsyncZod =>
  async (app) => {
    app.get(
      '/v1/taxonomy/models',
      { onRequest: requireRoles('supervisor', 'auditor', 'admin'), schema: { tags: ['taxonomy'], summary: 'Every kept version of the taxonomy classifier, newest first: its held-back accuracy, corrections learnt from, and whether it is active', response: { 200: z.object({ items: z.array(modelView) }), ...authErrors } } },
      async () => ({ items: (await listTaxonomyModels(db)).map(view) }),
    );

    app.post(
      '/v1/taxonomy/models/:name/activate',
      { onRequest: requireRoles('admin'), schema: { tags: ['taxonomy'], summary: 'Make a kept classifier version the active one of its taxonomy version (roll back or forward); audited; the next complaint uses it', params: nameParams, response: { 200: modelView, 404: errorResponse, ...authErrors } } },
      async (req) => {
        const row = await activateTaxonomyModel(db, req.params.name, req.principal!);
        if (!row) throw new AppError('NOT_FOUND', `No classifier ${req.params.name}.`);
        return view(row);
      },
    );

    app.post(
      '/v1/taxonomy/models/retrain',
      { onRequest: requireRoles('admin'), schema: { tags: ['taxonomy'], summary: 'Retrain the classifier now from the taxonomy and the corrections; it replaces the active one only if not worse on the held-back corrections', response: { 200: retrainResult, ...authErrors } } },
      async (req) => {
        const run = () =>
          temporal.workflow.execute('taxonomyLearningWorkflow', {
            taskQueue,
            workflowId: `taxonomy-learning-${randomUUID()}`,
            args: [{ minCorrections: 1, force: true, actor: req.principal!.subject }],
          });
        return (await temporal.connection.withDeadline(Date.now() + 15 * 60_000, run).catch(engineFailure)) as z.infer<typeof retrainResult>;
      },
    );
  };
