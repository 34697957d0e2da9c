import { bigint, bigserial, index, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * Every human action, append-only (triggers refuse UPDATE, DELETE and TRUNCATE) and hash-chained (see
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
    /** The previous entry's hash: removing or inserting an entry breaks the link of the entry after it. */
    prevHash: text('prev_hash'),
    /** HMAC-SHA256 under the audit key `keyId` (plain SHA-256 for entries written before the key). */
    hash: text('hash'),
    /** Which audit key signed the entry (a fingerprint, not the key); null on the plain SHA-256 entries. */
    keyId: text('key_id'),
  },
  (t) => [index('audit_log_at_idx').on(t.at), index('audit_log_complaint_idx').on(t.complaintId, t.at), index('audit_log_actor_idx').on(t.actor, t.at)],
);

export type AuditLogRow = typeof auditLog.$inferSelect;

/**
 * The switch-over to the keyed chain, one row written by the migration that introduced it: every entry
 * with an id above `keyedFrom` must carry an HMAC, so recomputing later entries as plain SHA-256 (a
 * downgrade) is refused. Append-only like the log, and anchored in Temporal with the chain head.
 */
export const auditChain = pgTable('audit_chain', {
  keyedFrom: bigint('keyed_from', { mode: 'number' }).primaryKey(),
});
