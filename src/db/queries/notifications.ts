import { and, asc, eq, like } from 'drizzle-orm';
import type { Db } from '../client';
import { notifications, type NotificationRow } from '../schema';
import type { Tx } from './complaints';

export interface OutboxMessage {
  dedupeKey: string;
  complaintId: string;
  channel: 'email' | 'sms' | 'internal';
  recipient: string;
  template: string;
  language: string;
  subject: string;
  body: string;
  data?: Record<string, unknown>;
}

/** A complaint step's messages still waiting to go out on a channel. */
export async function pendingMessages(db: Db, dedupePrefix: string, channel: OutboxMessage['channel']): Promise<NotificationRow[]> {
  return db
    .select()
    .from(notifications)
    .where(and(eq(notifications.status, 'pending'), eq(notifications.channel, channel), like(notifications.dedupeKey, `${dedupePrefix.replace(/[\\%_]/g, '\\$&')}%`)));
}

/** Marks a message delivered. */
export async function markSent(db: Db, id: number): Promise<void> {
  await db.update(notifications).set({ status: 'sent', sentAt: new Date() }).where(eq(notifications.id, id));
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
