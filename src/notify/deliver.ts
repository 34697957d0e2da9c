import type { Db } from '../db/client';
import { claimMessage, dueMessages, markFailed, markSent, scheduleRetry, type OutboxMessage } from '../db/queries/notifications';
import type { NotificationRow } from '../db/schema';
import { surveyCallTwiml } from '../channels/twiml';
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
export async function deliverOne(db: Db, senders: Senders, id: number, retryDelay: (attempts: number) => number = retryDelayMs): Promise<'sent' | 'retry' | 'failed' | 'skipped'> {
  const m = await claimMessage(db, id);
  if (!m || !senders[m.channel as keyof Senders]) return 'skipped';
  try {
    await send(senders, m);
  } catch (err) {
    if (isPermanentFailure(err)) {
      await markFailed(db, m, describe(err));
      return 'failed';
    }
    await scheduleRetry(db, m.id, describe(err), new Date(Date.now() + retryDelay(m.attempts)));
    return 'retry';
  }
  await markSent(db, m.id);
  return 'sent';
}

export interface PassOptions {
  /** Messages read per query. */
  batch?: number;
  /** Recipients served at once per channel; one recipient's messages go one after another, oldest first. */
  concurrency?: number;
  /** Wait before the next attempt after a transient failure, by attempts so far (default {@link retryDelayMs}). */
  retryDelay?: (attempts: number) => number;
}

/**
 * One attempt at every due message of `channels`, oldest first. Recipients are served `concurrency` at a
 * time, each recipient's messages in order (the acknowledgement before the assignment notice). Returns
 * how many messages it tried.
 */
export async function relayOnce(db: Db, senders: Senders, { batch = 50, concurrency = 4, retryDelay = retryDelayMs }: PassOptions = {}, channels = configuredChannels(senders)): Promise<number> {
  const due = await dueMessages(db, channels, batch);
  const byRecipient = new Map<string, number[]>();
  for (const m of due) {
    const key = `${m.channel}:${m.recipient}`;
    byRecipient.set(key, [...(byRecipient.get(key) ?? []), m.id]);
  }
  const queues = [...byRecipient.values()];
  await Promise.all(
    Array.from({ length: Math.min(concurrency, queues.length) }, async () => {
      for (let q = queues.shift(); q; q = queues.shift()) for (const id of q) await deliverOne(db, senders, id, retryDelay);
    }),
  );
  return due.length;
}

/** What a step needs of delivery: to say, once its outbox transaction has committed, that messages wait. */
export interface OutboxNudge {
  /** Asks for a pass soon; never waits for it, never throws. */
  nudge(): void;
}

export interface OutboxRelay extends OutboxNudge {
  /** Stops sweeping and waits for the passes under way (a send is bounded by its sender's timeouts). */
  stop(): Promise<void>;
}

export interface RelayOptions extends PassOptions {
  /** The sweep: retries that have come due, and messages queued by other processes. */
  intervalMs: number;
  /** A failed pass (database down) lands here; the next nudge or sweep tries again. */
  onError?: (err: unknown) => void;
}

/**
 * The only sender of the outbox. A step queues its messages in its own transaction and nudges the relay
 * of its process, which starts a pass at once, so a notice normally goes out within moments of its step
 * while nothing the step's caller waits on depends on SMTP or Twilio answering. A sweep every
 * `intervalMs` picks up retries and what other processes queued; claims keep two relays (or two passes)
 * from sending one message twice.
 *
 * Each channel has its own lane: a hung SMTP host holds back email only, never SMS or calls. A nudge while
 * a lane's pass runs asks for one more pass after it, so nothing queued meanwhile waits for the sweep.
 */
export function startOutboxRelay(db: Db, senders: Senders, { intervalMs, onError = () => undefined, ...pass }: RelayOptions): OutboxRelay {
  let stopped = false;
  const lanes = configuredChannels(senders).map((channel) => {
    let again = false;
    let running: Promise<void> | undefined;
    const loop = async (): Promise<void> => {
      while (again && !stopped) {
        again = false;
        try {
          // A full batch may leave more behind: go on until a pass finds less than a batch due.
          while ((await relayOnce(db, senders, pass, [channel])) >= (pass.batch ?? 50) && !stopped);
        } catch (err) {
          onError(err);
        }
      }
      // No await between the last look at `again` and this line: a nudge after it starts a new loop.
      running = undefined;
    };
    return {
      kick() {
        again = true;
        running ??= loop();
      },
      idle: () => running ?? Promise.resolve(),
    };
  });
  const nudge = () => {
    if (!stopped) for (const lane of lanes) lane.kick();
  };
  const timer = setInterval(nudge, intervalMs);
  timer.unref();
  return {
    nudge,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await Promise.all(lanes.map((l) => l.idle()));
    },
  };
}
