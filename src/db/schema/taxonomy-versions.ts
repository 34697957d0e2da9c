import { integer, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import type { Taxonomy } from '../../taxonomy/taxonomy';

/**
 * Every version of the category taxonomy, append-only: the highest version is the one triage uses. The
 * shipped file (TAXONOMY_FILE) seeds version 1; `PUT /v1/taxonomy` adds the next. A complaint's triaged
 * event records the version it was classified under.
 */
export const taxonomyVersions = pgTable('taxonomy_versions', {
  version: integer('version').primaryKey(),
  document: jsonb('document').$type<Taxonomy>().notNull(),
  /** Who saved it: `seed` for the file, else the admin's subject. */
  createdBy: text('created_by').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
});

export type TaxonomyVersionRow = typeof taxonomyVersions.$inferSelect;
