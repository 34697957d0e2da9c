import { eq } from 'drizzle-orm';
import type { Db } from '../src/db/client';
import { applyTransitionTx, getComplaint, type Tx, type StepRef } from '../src/db/queries/complaints';
import { enqueueMessages, type OutboxMessage } from '../src/db/queries/notifications';
import type { OutboxNudge } from '../src/notify/deliver';
import { departments, handlers, type ComplaintRow } from '../src/db/schema';
import { render, type TemplateName } from '../src/notify/templates';

export type Audience = 'customer' | 'assignee' | { level: 1 | 2 | 3 };

export interface NotifyCommand extends StepRef {
  at: string;
  template: TemplateName;
  audience: Audience;
  vars?: Record<string, string | number | undefined>;
}

export interface NotifyDeps {
  db: Db;
  /** The outbox relay of this process, nudged after a step's messages are committed; it alone sends them. */
  outbox: OutboxNudge;
}

type Recipient = { channel: OutboxMessage['channel']; address: string; language: string | null };

const isEmail = (s: string): boolean => s.includes('@');

// A customer reachable only by phone is asked for the survey score by a call with a keypad answer.
const SURVEY_TEMPLATES: ReadonlySet<TemplateName> = new Set(['survey_invitation', 'survey_reminder']);

async function recipientsFor(tx: Tx, row: ComplaintRow, audience: Audience, template: TemplateName): Promise<Recipient[]> {
  if (audience === 'customer') {
    const language = row.customerLanguage ?? row.language;
    const out: Recipient[] = [];
    if (row.customerEmail) out.push({ channel: 'email', address: row.customerEmail, language });
    if (row.customerPhone) out.push({ channel: !row.customerEmail && SURVEY_TEMPLATES.has(template) ? 'voice' : 'sms', address: row.customerPhone, language });
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

/** Renders and queues one message per recipient; a dedupe key from the step keeps a retry from queueing twice. */
export async function queueTx(tx: Tx, row: ComplaintRow, cmd: Pick<NotifyCommand, 'seq' | 'template' | 'audience' | 'vars'>): Promise<OutboxMessage[]> {
  const recipients = await recipientsFor(tx, row, cmd.audience, cmd.template);
  const vars = { id: row.id, ...cmd.vars };
  const messages = recipients.map((r) => {
    const m = render(cmd.template, r.language, vars);
    return { dedupeKey: `${row.id}:${cmd.seq}:${cmd.template}:${r.channel}:${r.address}`, complaintId: row.id, channel: r.channel, recipient: r.address, template: cmd.template, language: m.language, subject: m.subject, body: m.body, data: vars };
  });
  await enqueueMessages(tx, messages);
  return messages;
}

/**
 * Queues one message per recipient in the outbox and notes it on the timeline, in one transaction.
 * The dedupe key comes from the workflow's step number, so a retry never queues a message twice.
 */
export async function notifyTx(tx: Tx, cmd: NotifyCommand): Promise<number> {
  const row = await getComplaint(tx, cmd.complaintId);
  if (!row) throw new Error(`complaint ${cmd.complaintId} is not in the read model`);
  const messages = await queueTx(tx, row, cmd);
  const audience = typeof cmd.audience === 'string' ? cmd.audience : `level${cmd.audience.level}`;
  await applyTransitionTx(tx, {
    complaintId: row.id,
    seq: cmd.seq,
    wft: cmd.wft,
    event: { type: 'notification', actor: { subject: 'notifier', role: 'system' }, at: cmd.at, data: { template: cmd.template, audience, recipients: messages.map((m) => `${m.channel}:${m.recipient}`) } },
  });
  return messages.length;
}

export function createNotifyActivities({ db, outbox }: NotifyDeps) {
  return {
    /**
     * Queues a templated message to the customer, the handler, or an escalation level's contacts, and
     * nudges the relay. It never sends: the step (and whoever waits on it, such as an agent's response)
     * must not wait on SMTP or Twilio; the relay delivers, retries and gives up on bad addresses.
     */
    async notify(cmd: NotifyCommand): Promise<number> {
      const queued = await db.transaction((tx) => notifyTx(tx, cmd));
      outbox.nudge();
      return queued;
    },
  };
}
