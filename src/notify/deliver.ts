import type { Db } from '../db/client';
import { claimMessage, dueMessageIds, markFailed, markSent, pendingStepMessages, scheduleRetry, type OutboxMessage } from '../db/queries/notifications';
import type { NotificationRow } from '../db/schema';
import { surveyCallTwiml } from '../channels/twiml';
import { every } from '../lib/periodic';
import type { Mailer } from './mailer';
import type { SmsSender, VoiceCaller } from './twilio';

/** Whatever is configured to deliver; a channel without a sender keeps its messages pending in the outbox. */
export interface Senders {
  email?: Mailer;
  sms?: SmsSender;
  voice?: VoiceCaller;
}

export const configuredChannels = (s: Senders): OutboxMessage['channel'][] => (['email', 'sms', 'voice'] as const).filter((c) => s[c] !== undefined);

/**
 * A failure that no retry can fix: SMTP 5xx or a refused envelope (bad address), Twilio 4xx other than
 * 429 (invalid number, unsubscribed, unverified). Anything else (timeouts, refused connections, 4xx
 * SMTP, 429, 5xx) is transient and retried with backoff.
 */
export function isPermanentFailure(err: unknown): boolean {
  const e = err as { responseCode?: unknown; code?: unknown; status?: unknown; permanent?: unknown };
  if (e?.permanent === true) return true;
  if (typeof e?.responseCode === 'number') return e.responseCode >= 500 && e.responseCode < 600;
  if (e?.code === 'EENVELOPE') return true;
  if (typeof e?.status === 'number' && typeof e?.code === 'number') return e.status >= 400 && e.status < 500 && e.status !== 429;
  return false;
}

/** 30 s, 1 min, 2 min … capped at an hour: an outage of any length delays messages, never drops them. */
export const retryDelayMs = (attempts: number): number => Math.min(3_600_000, 30_000 * 2 ** Math.max(0, attempts - 1));

const describe = (err: unknown): string => {
  const e = err as { message?: string; responseCode?: number; status?: number; code?: unknown };
  return [e?.responseCode ?? e?.status, e?.code, e?.message].filter((x) => x !== undefined && x !== '').join(' ').slice(0, 500) || 'unknown error';
};

/** The survey call's keypad answer comes back to this URL (the survey link's token, on the voice route). */
export const surveyCallbackUrl = (surveyLink: string): string => surveyLink.replace('/v1/surveys/', '/v1/channels/voice/survey/');

async function send(senders: Senders, m: NotificationRow): Promise<void> {
  if (m.channel === 'email') {
    // Stable per message: a resend after a crash between send and mark carries the same Message-ID.
    await senders.email!.send({ to: m.recipient, subject: m.subject, text: m.body, messageId: `<${m.dedupeKey.replace(/[^A-Za-z0-9.:+-]/g, '.')}@complaint-desk>` });
  } else if (m.channel === 'sms') {
    await senders.sms!.send(m.recipient, `${m.subject}\n${m.body}`);
  } else if (m.channel === 'voice') {
    const link = String(m.data.link ?? '');
    if (!link) throw Object.assign(new Error('a survey call needs the survey link'), { permanent: true });
    await senders.voice!.call(m.recipient, surveyCallTwiml(m.language === 'zh' ? 'zh' : 'en', surveyCallbackUrl(link)));
  }
}

/** One attempt at one message, if this caller wins its claim. Returns the outcome. */
export async function deliverOne(db: Db, senders: Senders, id: number): Promise<'sent' | 'retry' | 'failed' | 'skipped'> {
  const m = await claimMessage(db, id);
  if (!m || !senders[m.channel as keyof Senders]) return 'skipped';
  try {
    await send(senders, m);
  } catch (err) {
    if (isPermanentFailure(err)) {
      await markFailed(db, m, describe(err));
      return 'failed';
    }
    await scheduleRetry(db, m.id, describe(err), new Date(Date.now() + retryDelayMs(m.attempts)));
    return 'retry';
  }
  await markSent(db, m.id);
  return 'sent';
}

/**
 * First attempt at a step's messages, straight after the outbox commit. Never throws for a delivery
 * failure: the step is recorded, so the workflow moves on and the relay retries what is left.
 */
export async function deliverStep(db: Db, senders: Senders, complaintId: string, seq: number): Promise<void> {
  await deliverPrefix(db, senders, `${complaintId}:${seq}:`);
}

/** First attempt at every pending message whose dedupe key starts with `prefix` (one step's, one alert's). */
export async function deliverPrefix(db: Db, senders: Senders, prefix: string): Promise<void> {
  for (const m of await pendingStepMessages(db, prefix, configuredChannels(senders))) await deliverOne(db, senders, m.id);
}

/** Retries what is due: the relay's one pass. Returns how many messages it tried. */
export async function relayOnce(db: Db, senders: Senders, batch = 50): Promise<number> {
  const ids = await dueMessageIds(db, configuredChannels(senders), batch);
  for (const id of ids) await deliverOne(db, senders, id);
  return ids.length;
}

/** Runs {@link relayOnce} every `intervalMs` until stopped; a failed pass goes to `onError` and is tried again. */
export function startOutboxRelay(db: Db, senders: Senders, intervalMs: number, onError: (err: unknown) => void = () => undefined): { stop(): Promise<void> } {
  return every(intervalMs, () => relayOnce(db, senders), onError);
}
