import { jsonb, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * Idempotency keys of actions on a complaint (`Idempotency-Key` on `POST /v1/complaints/:id/<action>`).
 * The API claims a key before it sends the update: the first request fixes the key's action, actor and
 * body fingerprint, so the same key with anything else is refused. The workflow stores the outcome in
 * the same row once the action has run, so a retry after the workflow has ended still gets the first
 * answer. Rows are never deleted, like the complaints they belong to; they hold no personal data (a
 * hash of the body, and the complaint's status).
 */
export const actionKeys = pgTable(
  'action_keys',
  {
    complaintId: text('complaint_id').notNull(),
    key: text('key').notNull(),
    action: text('action').notNull(),
    actor: text('actor').notNull(),
    /** sha256 of the request body, canonically serialised. */
    fingerprint: text('fingerprint').notNull(),
    result: jsonb('result').$type<{ id: string; status: string }>(),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    completedAt: timestamp('completed_at', { withTimezone: true, mode: 'date' }),
  },
  (t) => [primaryKey({ columns: [t.complaintId, t.key] })],
);

export type ActionKeyRow = typeof actionKeys.$inferSelect;
