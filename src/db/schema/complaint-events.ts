import { bigserial, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { complaints } from './complaints';

/**
 * The timeline: append-only (a trigger in the migrations refuses UPDATE and DELETE). `seq` is assigned by
 * the workflow, so an activity retried after a crash inserts the same (complaint_id, seq, type) and is
 * ignored. Another step at the same seq is kept: the path a lost workflow task took is evidence too.
 */
export const complaintEvents = pgTable(
  'complaint_events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    complaintId: text('complaint_id')
      .notNull()
      .references(() => complaints.id),
    seq: integer('seq').notNull(),
    at: timestamp('at', { withTimezone: true, mode: 'date' }).notNull(),
    type: text('type').notNull(),
    actor: text('actor').notNull(),
    role: text('role').notNull(),
    data: jsonb('data').$type<Record<string, unknown>>().notNull().default({}),
  },
  (t) => [uniqueIndex('complaint_events_step_idx').on(t.complaintId, t.seq, t.type), index('complaint_events_at_idx').on(t.at)],
);

export type ComplaintEventRow = typeof complaintEvents.$inferSelect;
