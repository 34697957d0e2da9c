import { z } from 'zod';
import type { Db } from '../db/client';
import { createArticle } from '../db/queries/kb';
import { defaultsFile, readConfigFile } from '../lib/config-file';

const seedSchema = z.object({
  articles: z.array(
    z.object({
      id: z.string().regex(/^[a-z0-9-]{3,80}$/),
      language: z.enum(['en', 'zh']),
      category: z.string().min(1),
      title: z.string().min(1),
      tags: z.array(z.string()).default([]),
      body: z.string().min(1),
    }),
  ),
});

export type SeedArticles = z.infer<typeof seedSchema>['articles'];

export function loadSeedArticles(file = defaultsFile('kb-articles.yml')): SeedArticles {
  return readConfigFile(file, seedSchema).articles;
}

/**
 * Publishes the sample articles that are not there yet (by id): a sample an admin retired or edited stays
 * as they left it. Returns how many were added.
 */
export async function seedArticles(db: Db, articles: SeedArticles): Promise<number> {
  let added = 0;
  for (const a of articles) {
    const row = await createArticle(db, a.id, { title: a.title, body: a.body.trim(), language: a.language, category: a.category, tags: a.tags }, { subject: 'seed', role: 'system' }, { status: 'published', sample: true });
    if (row) added++;
  }
  return added;
}
