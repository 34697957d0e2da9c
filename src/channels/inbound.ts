import { createHmac, timingSafeEqual } from 'node:crypto';
import { simpleParser, type AddressObject } from 'mailparser';
import { dominantLanguage } from '../nlp/language';

/** An inbound email, whether it arrived as raw MIME or as a mail gateway's parsed JSON. */
export interface InboundEmail {
  messageId?: string;
  from: string;
  fromName?: string;
  subject?: string;
  text: string;
  /** In-Reply-To and References: the ids of the messages this one answers. */
  threadIds: string[];
}

const firstAddress = (a: AddressObject | AddressObject[] | undefined) => (Array.isArray(a) ? a[0] : a)?.value[0];

/** Parses raw MIME (message/rfc822) with mailparser: headers, charsets, multipart and encodings included. */
export async function parseRawEmail(raw: Buffer): Promise<InboundEmail> {
  const mail = await simpleParser(raw);
  const from = firstAddress(mail.from);
  const refs = typeof mail.references === 'string' ? [mail.references] : (mail.references ?? []);
  return {
    messageId: mail.messageId,
    from: from?.address ?? '',
    fromName: from?.name || undefined,
    subject: mail.subject,
    text: mail.text ?? (typeof mail.html === 'string' ? mail.html.replace(/<[^>]+>/g, ' ') : ''),
    threadIds: [...(mail.inReplyTo ? [mail.inReplyTo] : []), ...refs],
  };
}

/**
 * The part of a reply the customer wrote: everything above the quoted original ("On … wrote:",
 * "在 … 写道：", "-----Original Message-----") and without ">"-quoted lines.
 */
export function replyText(text: string): string {
  const lines = text.replace(/\r\n/g, '\n').split('\n');
  const cut = lines.findIndex((l) => /^On .+wrote:\s*$/.test(l.trim()) || /^在.+写道[:：]\s*$/.test(l.trim()) || /^-{2,}\s*(Original Message|原始邮件)/i.test(l.trim()));
  return (cut >= 0 ? lines.slice(0, cut) : lines)
    .filter((l) => !l.startsWith('>'))
    .join('\n')
    .trim();
}

// Complaint ids: 16 characters of lower-case Crockford base32 (see src/api/complaint-ids.ts).
const ID_IN_TEXT = /(?:^|[^0-9a-z])([0-9a-hjkmnp-tv-z]{16})(?![0-9a-z])/g;
// Our Message-IDs start with the complaint id: <id:seq:email:address@complaint-desk>.
const ID_IN_MESSAGE_ID = /^<?([0-9a-hjkmnp-tv-z]{16})[.:][^@]*@complaint-desk>?$/;

/** Complaint ids this email may continue: from our Message-IDs it answers, then from its subject. */
export function threadCandidates(mail: Pick<InboundEmail, 'subject' | 'threadIds'>): string[] {
  const fromHeaders = mail.threadIds.map((t) => ID_IN_MESSAGE_ID.exec(t.trim())?.[1]).filter((x): x is string => Boolean(x));
  const fromSubject = [...(mail.subject ?? '').toLowerCase().matchAll(ID_IN_TEXT)].map((m) => m[1] as string);
  return [...new Set([...fromHeaders, ...fromSubject])];
}

/** The customer's language as the text shows it (they wrote in it). */
export const languageOf = (text: string): 'zh' | 'en' => dominantLanguage(text);

// Callers from mainland China, Hong Kong, Macau and Taiwan are greeted in Chinese unless the number says otherwise.
const CHINESE_PREFIXES = ['+86', '+852', '+853', '+886'];

/** The language to greet a caller in: the line's own setting (?lang=), else the caller's country code. */
export function callerLanguage(from: string | undefined, lang: string | undefined): 'zh' | 'en' {
  if (lang === 'zh' || lang === 'en') return lang;
  return CHINESE_PREFIXES.some((p) => (from ?? '').startsWith(p)) ? 'zh' : 'en';
}

/**
 * Checks a webhook's `X-Signature: sha256=<hex>` (HMAC-SHA256 of the raw body with the source's secret),
 * in constant time. Deprecated: it signs no time, so a captured request stays valid for ever; accepted
 * beside the Standard Webhooks headers until senders have moved (see checkStandardWebhook).
 */
export function validHmacSignature(secret: string, rawBody: string, header: string | undefined): boolean {
  const m = /^sha256=([0-9a-f]{64})$/i.exec((header ?? '').trim());
  if (!m) return false;
  const expected = createHmac('sha256', secret).update(rawBody, 'utf8').digest();
  const given = Buffer.from(m[1]!, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** Signs a body as {@link validHmacSignature} expects (for senders, and for tests). */
export const hmacSignature = (secret: string, rawBody: string): string => `sha256=${createHmac('sha256', secret).update(rawBody, 'utf8').digest('hex')}`;

/** How far a webhook's timestamp may be from our clock (Standard Webhooks recommends five minutes). */
export const WEBHOOK_TOLERANCE_SECONDS = 300;

/** The key of a source's secret: `whsec_<base64>` as Standard Webhooks issues them, else the text's own bytes. */
const webhookKey = (secret: string): Buffer => (secret.startsWith('whsec_') ? Buffer.from(secret.slice(6), 'base64') : Buffer.from(secret, 'utf8'));

const standardSignature = (secret: string, id: string, timestamp: string, rawBody: string): Buffer =>
  createHmac('sha256', webhookKey(secret)).update(`${id}.${timestamp}.${rawBody}`, 'utf8').digest();

export type WebhookCheck = { ok: true } | { ok: false; reason: string };

/**
 * Checks a Standard Webhooks signature (https://www.standardwebhooks.com): `webhook-signature` holds one or
 * more `v1,<base64 HMAC-SHA256 of "<webhook-id>.<webhook-timestamp>.<body>">`, and the timestamp (Unix
 * seconds) must lie within the tolerance of our clock, so a captured request cannot be replayed later
 * (within the window a replay finds the complaint its message id already opened).
 */
export function checkStandardWebhook(
  secret: string,
  headers: { id?: string; timestamp?: string; signature?: string },
  rawBody: string,
  nowSeconds = Math.floor(Date.now() / 1000),
  toleranceSeconds = WEBHOOK_TOLERANCE_SECONDS,
): WebhookCheck {
  const { id, timestamp, signature } = headers;
  if (!id || !timestamp || !signature) return { ok: false, reason: 'webhook-id, webhook-timestamp and webhook-signature are all required' };
  if (!/^\d{1,12}$/.test(timestamp)) return { ok: false, reason: 'webhook-timestamp must be Unix seconds' };
  if (Math.abs(nowSeconds - Number(timestamp)) > toleranceSeconds) return { ok: false, reason: `webhook-timestamp is more than ${toleranceSeconds} s from the server's clock` };
  const expected = standardSignature(secret, id, timestamp, rawBody);
  const match = signature
    .split(' ')
    .map((s) => /^v1,([A-Za-z0-9+/=]+)$/.exec(s.trim())?.[1])
    .some((b64) => {
      const given = b64 ? Buffer.from(b64, 'base64') : Buffer.alloc(0);
      return given.length === expected.length && timingSafeEqual(given, expected);
    });
  return match ? { ok: true } : { ok: false, reason: 'webhook-signature does not match this body' };
}

/** The three Standard Webhooks headers for a body (for senders, and for tests). */
export function standardWebhookHeaders(secret: string, id: string, rawBody: string, timestampSeconds = Math.floor(Date.now() / 1000)): Record<string, string> {
  const timestamp = String(timestampSeconds);
  return { 'webhook-id': id, 'webhook-timestamp': timestamp, 'webhook-signature': `v1,${standardSignature(secret, id, timestamp, rawBody).toString('base64')}` };
}
