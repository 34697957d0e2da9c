import { z } from 'zod';
import { ARTICLE_STATUSES } from '../../db/schema/kb-articles';

const articleLanguage = z.enum(['en', 'zh']);
const category = z.string().trim().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, 'a category id like billing or product_quality');
const tags = z.array(z.string().trim().min(1).max(60)).max(30);

export const articleIdParams = z.object({ id: z.string().regex(/^[a-z0-9-]{3,80}$/, 'not an article id') });

export const articleCreate = z
  .object({
    title: z.string().trim().min(3).max(300),
    body: z.string().trim().min(10).max(50_000),
    language: articleLanguage,
    category: category.optional(),
    tags: tags.optional(),
  })
  .strict()
  .meta({ id: 'ArticleCreate' });

// No defaults: a PATCH leaves out what it does not change. `version` is the one the editor last read.
export const articlePatch = articleCreate
  .partial()
  .extend({ category: category.nullable().optional(), version: z.number().int().min(1) })
  .strict()
  .refine((p) => Object.keys(p).some((k) => k !== 'version'), { message: 'nothing to change: send at least one of title, body, language, category, tags' })
  .meta({ id: 'ArticlePatch' });

export const articleTransition = z
  .object({ version: z.number().int().min(1).optional().meta({ description: 'refuse (409) if the article changed since this version' }) })
  .strict()
  .default({});

export const articleView = z
  .object({
    id: z.string(),
    title: z.string(),
    body: z.string(),
    language: z.string(),
    category: z.string().nullable(),
    tags: z.array(z.string()),
    status: z.enum(ARTICLE_STATUSES),
    sample: z.boolean(),
    sourceComplaintId: z.string().nullable(),
    version: z.number().int(),
    createdBy: z.string(),
    createdAt: z.string(),
    updatedAt: z.string(),
    publishedAt: z.string().nullable(),
  })
  .meta({ id: 'Article' });

export const articleListQuery = z.object({
  status: z.enum(ARTICLE_STATUSES).optional(),
  lang: articleLanguage.optional(),
  category: category.optional(),
  sample: z.enum(['true', 'false']).transform((v) => v === 'true').optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(200).optional(),
});

export const articlePage = z.object({ items: z.array(articleView), nextCursor: z.string().nullable() }).meta({ id: 'ArticlePage' });

export const searchQuery = z.object({
  q: z.string().trim().min(1).max(2000),
  lang: articleLanguage.optional(),
  category: category.optional(),
  limit: z.coerce.number().int().min(1).max(50).default(10),
});

export const searchResponse = z
  .object({
    items: z.array(z.object({ id: z.string(), title: z.string(), language: z.string(), category: z.string().nullable(), tags: z.array(z.string()), score: z.number(), snippet: z.string() })),
  })
  .meta({ id: 'ArticleSearchResults' });

export const similarQuery = z.object({ limit: z.coerce.number().int().min(1).max(50).default(5) });

export const similarResponse = z
  .object({
    items: z.array(
      z.object({
        id: z.string(),
        status: z.string(),
        category: z.string().nullable(),
        resolution: z.string().nullable(),
        surveyScore: z.number().int().nullable(),
        createdAt: z.string(),
        closedAt: z.string().nullable(),
        score: z.number().meta({ description: 'cosine of the two complaints’ term sets, 0..1' }),
      }),
    ),
  })
  .meta({ id: 'SimilarComplaints' });
