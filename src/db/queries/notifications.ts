import { and, asc, desc, eq, inArray, isNull, lt, lte, or, sql } from 'drizzle-orm';
import type { Db } from '../client';
import { complaintEvents, notifications, type NotificationRow } from '../schema';
import type { Tx } from './complaints';

export interface OutboxMessage {
  dedupeKey: string;
  complaintId: string;
  channel: 'email' | 'sms' | 'voice' | 'internal';
  recipient: string;
  template: string;
  language: string;
  subject: string;
  body: string;
  data?: Record<string, unknown>;
}

/** A claim older than this belonged to a sender that died mid-send; the relay may take the message over.
 * Every sender bounds its own waits well inside it (SMTP: 60 s at most; Twilio: 30 s). */
export const STALE_CLAIM_MS = 2 * 60_000;

/**
 * Claims a message for sending: only one sender (a relay pass, in any process) wins,
 * so a message is never sent twice by two live senders.
 */
export async function claimMessage(db: Db, id: number, now = new Date()): Promise<NotificationRow | undefined> {
  const stale = new Date(now.getTime() - STALE_CLAIM_MS);
  const [row] = await db
    .update(notifications)
    .set({ status: 'sending', claimedAt: now, attempts: sql`${notifications.attempts} + 1` })
    .where(and(eq(notifications.id, id), or(eq(notifications.status, 'pending'), and(eq(notifications.status, 'sending'), lt(notifications.claimedAt, stale)))))
    .returning();
  return row;
}

/** Messages the relay should (re)try now, oldest first: pending and due, or claimed by a sender that died. */
export async function dueMessages(db: Db, channels: readonly OutboxMessage['channel'][], limit: number, now = new Date()): Promise<Array<{ id: number; channel: string; recipient: string }>> {
  if (channels.length === 0) return [];
  const stale = new Date(now.getTime() - STALE_CLAIM_MS);
  return db
    .select({ id: notifications.id, channel: notifications.channel, recipient: notifications.recipient })
    .from(notifications)
    .where(
      and(
        inArray(notifications.channel, [...channels]),
        or(and(eq(notifications.status, 'pending'), or(isNull(notifications.nextAttemptAt), lte(notifications.nextAttemptAt, now))), and(eq(notifications.status, 'sending'), lt(notifications.claimedAt, stale))),
      ),
    )
    .orderBy(asc(notifications.id))
    .limit(limit);
}

/** Marks a message delivered. */
export async function markSent(db: Db, id: number): Promise<void> {
  await db.update(notifications).set({ status: 'sent', sentAt: new Date(), lastError: null }).where(eq(notifications.id, id));
}

/** Puts a message back for a later attempt after a transient failure. */
export async function scheduleRetry(db: Db, id: number, error: string, at: Date): Promise<void> {
  await db.update(notifications).set({ status: 'pending', lastError: error, nextAttemptAt: at, claimedAt: null }).where(eq(notifications.id, id));
}

/**
 * Gives a message up (bad address, invalid number) and notes it on the complaint's timeline, in one
 * transaction. The event's seq is the message id negated: workflow steps are positive, so it never takes
 * a step's place, and a repeat of this call inserts nothing.
 */
export async function markFailed(db: Db, m: NotificationRow, error: string): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.update(notifications).set({ status: 'failed', lastError: error, claimedAt: null }).where(eq(notifications.id, m.id));
    await tx
      .insert(complaintEvents)
      .values({ complaintId: m.complaintId, seq: -m.id, at: new Date(), type: 'notification_failed', actor: 'notifier', role: 'system', data: { template: m.template, channel: m.channel, recipient: m.recipient, error } })
      .onConflictDoNothing();
  });
}

/** The outbox, newest first, for GET /v1/outbox. */
export async function listOutbox(db: Db, filters: { status?: string; channel?: string; complaintId?: string }, limit: number, beforeId?: number): Promise<NotificationRow[]> {
  return db
    .select()
    .from(notifications)
    .where(
      and(
        filters.status ? eq(notifications.status, filters.status) : undefined,
        filters.channel ? eq(notifications.channel, filters.channel) : undefined,
        filters.complaintId ? eq(notifications.complaintId, filters.complaintId) : undefined,
        beforeId !== undefined ? lt(notifications.id, beforeId) : undefined,
      ),
    )
    .orderBy(desc(notifications.id))
    .limit(limit);
}

/** Queues messages in the outbox; a message whose dedupe key is already there is not queued again. */
export async function enqueueMessages(tx: Tx, messages: OutboxMessage[]): Promise<number> {
  if (messages.length === 0) return 0;
  const rows = await tx.insert(notifications).values(messages).onConflictDoNothing().returning({ id: notifications.id });
  return rows.length;
}

/** A complaint's outgoing messages, oldest first. */
export async function listMessages(db: Db, complaintId: string): Promise<NotificationRow[]> {
  return db.select().from(notifications).where(eq(notifications.complaintId, complaintId)).orderBy(asc(notifications.id));
}
