import { eq } from 'drizzle-orm';
import type { Db } from '../src/db/client';
import { applyTransitionTx, getComplaint, type Tx } from '../src/db/queries/complaints';
import { enqueueMessages, markSent, pendingMessages, type OutboxMessage } from '../src/db/queries/notifications';
import type { Mailer } from '../src/notify/mailer';
import { departments, handlers, type ComplaintRow } from '../src/db/schema';
import { render, type TemplateName } from '../src/notify/templates';

export type Audience = 'customer' | 'assignee' | { level: 1 | 2 | 3 };

export interface NotifyCommand {
  complaintId: string;
  seq: number;
  at: string;
  template: TemplateName;
  audience: Audience;
  vars?: Record<string, string | number | undefined>;
}

export interface NotifyDeps {
  db: Db;
  /** Sends email; undefined leaves email messages pending in the outbox. */
  mailer?: Mailer;
}

type Recipient = { channel: OutboxMessage['channel']; address: string; language: string | null };

const isEmail = (s: string): boolean => s.includes('@');

async function recipientsFor(tx: Tx, row: ComplaintRow, audience: Audience): Promise<Recipient[]> {
  if (audience === 'customer') {
    const language = row.customerLanguage ?? row.language;
    const out: Recipient[] = [];
    if (row.customerEmail) out.push({ channel: 'email', address: row.customerEmail, language });
    if (row.customerPhone) out.push({ channel: 'sms', address: row.customerPhone, language });
    return out;
  }
  if (audience === 'assignee') {
    if (!row.assignee) return [];
    const [h] = await tx.select().from(handlers).where(eq(handlers.id, row.assignee));
    return h ? [{ channel: h.email ? 'email' : 'internal', address: h.email ?? h.id, language: row.language }] : [];
  }
  if (!row.department) return [];
  const [d] = await tx.select().from(departments).where(eq(departments.id, row.department));
  return (d?.escalationContacts[String(audience.level)] ?? []).map((address) => ({ channel: isEmail(address) ? 'email' : 'sms', address, language: row.language }));
}

/**
 * Queues one message per recipient in the outbox and notes it on the timeline, in one transaction.
 * The dedupe key comes from the workflow's step number, so a retry never queues a message twice.
 */
export async function notifyTx(tx: Tx, cmd: NotifyCommand): Promise<number> {
  const row = await getComplaint(tx, cmd.complaintId);
  if (!row) throw new Error(`complaint ${cmd.complaintId} is not in the read model`);
  const recipients = await recipientsFor(tx, row, cmd.audience);
  const vars = { id: row.id, ...cmd.vars };
  const messages = recipients.map((r) => {
    const m = render(cmd.template, r.language, vars);
    return { dedupeKey: `${row.id}:${cmd.seq}:${r.channel}:${r.address}`, complaintId: row.id, channel: r.channel, recipient: r.address, template: cmd.template, language: m.language, subject: m.subject, body: m.body, data: vars };
  });
  await enqueueMessages(tx, messages);
  const audience = typeof cmd.audience === 'string' ? cmd.audience : `level${cmd.audience.level}`;
  await applyTransitionTx(tx, {
    complaintId: row.id,
    seq: cmd.seq,
    event: { type: 'notification', actor: { subject: 'notifier', role: 'system' }, at: cmd.at, data: { template: cmd.template, audience, recipients: messages.map((m) => `${m.channel}:${m.recipient}`) } },
  });
  return messages.length;
}

/**
 * Sends the step's pending email messages. After the outbox commit, so nothing is sent for a step that
 * was not recorded; a retry skips what is already marked sent, and a resend after a crash between send
 * and mark carries the same Message-ID.
 */
export async function deliverEmail(db: Db, mailer: Mailer | undefined, complaintId: string, seq: number): Promise<number> {
  return deliverPendingEmail(db, mailer, `${complaintId}:${seq}:`);
}

/** Sends every pending email whose dedupe key starts with `prefix` (one step's, or one alert's), marking each sent. */
export async function deliverPendingEmail(db: Db, mailer: Mailer | undefined, prefix: string): Promise<number> {
  if (!mailer) return 0;
  const pending = await pendingMessages(db, prefix, 'email');
  for (const m of pending) {
    await mailer.send({ to: m.recipient, subject: m.subject, text: m.body, messageId: `<${m.dedupeKey.replace(/[^A-Za-z0-9.:+-]/g, '.')}@complaint-desk>` });
    await markSent(db, m.id);
  }
  return pending.length;
}

export function createNotifyActivities({ db, mailer }: NotifyDeps) {
  return {
    /** Queues a templated message to the customer, the handler, or an escalation level's contacts, and sends its email. */
    async notify(cmd: NotifyCommand): Promise<number> {
      const queued = await db.transaction((tx) => notifyTx(tx, cmd));
      await deliverEmail(db, mailer, cmd.complaintId, cmd.seq);
      return queued;
    },
  };
}
