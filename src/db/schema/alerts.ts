import { doublePrecision, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex, bigserial } from 'drizzle-orm/pg-core';

/**
 * Early-warning alerts raised by the detector workflow. `dedupeKey` makes raising idempotent: the same
 * spike (kind, category, day) or the same cluster (its first complaint) seen again updates the row
 * instead of raising a second alert, so a detector run every few minutes alerts once.
 */
export const alerts = pgTable(
  'alerts',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    dedupeKey: text('dedupe_key').notNull(),
    kind: text('kind').notNull(),
    category: text('category'),
    windowStart: timestamp('window_start', { withTimezone: true, mode: 'date' }).notNull(),
    windowEnd: timestamp('window_end', { withTimezone: true, mode: 'date' }).notNull(),
    observed: integer('observed').notNull(),
    expected: doublePrecision('expected'),
    pValue: doublePrecision('p_value'),
    complaintIds: jsonb('complaint_ids').$type<string[]>().notNull().default([]),
    summary: text('summary').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    acknowledgedAt: timestamp('acknowledged_at', { withTimezone: true, mode: 'date' }),
    acknowledgedBy: text('acknowledged_by'),
  },
  (t) => [uniqueIndex('alerts_dedupe_idx').on(t.dedupeKey), index('alerts_created_idx').on(t.createdAt.desc().nullsFirst(), t.id.desc().nullsFirst())],
);

export type AlertRow = typeof alerts.$inferSelect;
