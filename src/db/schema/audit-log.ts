import { bigserial, index, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * Every human action, append-only (a trigger refuses UPDATE and DELETE) and hash-chained (see
 * src/audit/chain.ts). Written in the same transaction as the timeline event of the action, so the two
 * never disagree.
 */
export const auditLog = pgTable(
  'audit_log',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    at: timestamp('at', { withTimezone: true, mode: 'date' }).notNull(),
    actor: text('actor').notNull(),
    role: text('role').notNull(),
    action: text('action').notNull(),
    complaintId: text('complaint_id'),
    data: jsonb('data').$type<Record<string, unknown>>().notNull().default({}),
    /** SHA-256 of the previous entry's hash and this entry: editing any entry breaks every hash after it. */
    prevHash: text('prev_hash'),
    hash: text('hash'),
  },
  (t) => [index('audit_log_at_idx').on(t.at), index('audit_log_complaint_idx').on(t.complaintId, t.at), index('audit_log_actor_idx').on(t.actor, t.at)],
);

export type AuditLogRow = typeof auditLog.$inferSelect;
