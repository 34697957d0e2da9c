import { z } from 'zod';
import { taxonomySchema } from '../../taxonomy/taxonomy';

/** PUT /v1/taxonomy: the whole document (it replaces the current one), optionally pinned to the version read. */
export const taxonomyPut = z
  .object({
    /** The version the change was made from: refused with 409 when another save came in between. */
    expectedVersion: z.number().int().min(0).optional(),
    fallbackCategory: z.string(),
    categories: z.array(z.unknown()),
  })
  .strict()
  .meta({ id: 'TaxonomyReplace', description: 'the whole taxonomy, validated as TAXONOMY_FILE is; see Taxonomy for the fields' });

const categoryView = z.object({
  id: z.string(),
  name: z.object({ en: z.string(), zh: z.string() }),
  department: z.string(),
  description: z.string(),
  examples: z.array(z.string()),
  keywords: z.array(z.string()),
});

export const taxonomyView = z
  .object({
    version: z.number().int(),
    createdAt: z.string(),
    createdBy: z.string(),
    fallbackCategory: z.string(),
    categories: z.array(categoryView),
    /** Categories that no active handler of their department takes: their complaints would wait unassigned. */
    warnings: z.array(z.object({ category: z.string(), message: z.string() })),
  })
  .meta({ id: 'Taxonomy' });

export { taxonomySchema };
