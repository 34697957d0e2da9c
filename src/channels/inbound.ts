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
 * in constant time.
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
