import { sql } from 'drizzle-orm';
import { boolean, index, integer, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';

export const ARTICLE_STATUSES = ['draft', 'published', 'retired', 'rejected'] as const;
export type ArticleStatus = (typeof ARTICLE_STATUSES)[number];

/**
 * Knowledge-base articles: policies, FAQ, past cases. Only `published` ones are searched and suggested.
 * Drafts learnt from a well-rated resolution carry their complaint, once (the unique index), so a
 * retried activity never drafts twice. `version` guards edits against lost updates.
 */
export const kbArticles = pgTable(
  'kb_articles',
  {
    id: text('id').primaryKey(),
    title: text('title').notNull(),
    body: text('body').notNull(),
    language: text('language').notNull(),
    category: text('category'),
    tags: text('tags').array().notNull().default(sql`'{}'::text[]`),
    status: text('status').$type<ArticleStatus>().notNull(),
    sample: boolean('sample').notNull().default(false),
    sourceComplaintId: text('source_complaint_id'),
    version: integer('version').notNull().default(1),
    createdBy: text('created_by').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    publishedAt: timestamp('published_at', { withTimezone: true, mode: 'date' }),
  },
  (t) => [
    uniqueIndex('kb_articles_source_idx').on(t.sourceComplaintId).where(sql`${t.sourceComplaintId} is not null`),
    index('kb_articles_status_idx').on(t.status, t.updatedAt.desc().nullsFirst()),
  ],
);

export type ArticleRow = typeof kbArticles.$inferSelect;
