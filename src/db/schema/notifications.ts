import { bigserial, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';

/**
 * The outbox: every message to a customer or to staff is written here first, keyed by a dedupe key
 * derived from the workflow (so a retried activity never queues a message twice); a sender delivers it.
 * Channels: email, sms, voice (a survey call to a customer reachable only by phone), internal.
 */
export const notifications = pgTable(
  'notifications',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    dedupeKey: text('dedupe_key').notNull(),
    complaintId: text('complaint_id').notNull(),
    channel: text('channel').notNull(),
    recipient: text('recipient').notNull(),
    template: text('template').notNull(),
    language: text('language').notNull(),
    subject: text('subject').notNull(),
    body: text('body').notNull(),
    data: jsonb('data').$type<Record<string, unknown>>().notNull().default({}),
    /** pending → sending (claimed by one sender) → sent | failed (permanent: bad address, invalid number). */
    status: text('status').notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    lastError: text('last_error'),
    /** A transient failure waits until then; the outbox relay retries with exponential backoff. */
    nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true, mode: 'date' }),
    /** When a sender claimed it: a claim older than a few minutes belonged to a sender that died. */
    claimedAt: timestamp('claimed_at', { withTimezone: true, mode: 'date' }),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    sentAt: timestamp('sent_at', { withTimezone: true, mode: 'date' }),
  },
  (t) => [uniqueIndex('notifications_dedupe_idx').on(t.dedupeKey), index('notifications_complaint_idx').on(t.complaintId, t.createdAt), index('notifications_status_idx').on(t.status, t.createdAt)],
);

export type NotificationRow = typeof notifications.$inferSelect;
