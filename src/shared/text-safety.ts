/**
 * Text a complaint can carry all the way through: PostgreSQL stores neither NUL nor (in jsonb) a lone
 * UTF-16 surrogate, and refuses a search word longer than its lexeme limit. Pure: the API checks intake
 * with it, and the workflow normalises a complaint a supervisor retries with it.
 */
import type { ComplaintWorkflowInput } from './types';

// A high surrogate not followed by a low one, or a low one not preceded by a high one.
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const LONE_SURROGATES = new RegExp(LONE_SURROGATE.source, 'g');
// Whitespace as people see it: \s plus the zero-width and other invisible format characters
// (U+200B zero-width space, U+2060 word joiner, U+FEFF byte-order mark ...), which \s leaves out.
const INVISIBLE = /^[\s\p{Cf}\u3164\u115f\u1160\uffa0]*$/u;

/** Why `text` cannot be stored as it is, or undefined when it can. */
export function unstorable(text: string): string | undefined {
  if (text.includes('\u0000')) return 'must not contain NUL characters';
  if (LONE_SURROGATE.test(text)) return 'must not contain lone UTF-16 surrogates';
  return undefined;
}

/** True when nothing visible is left: empty, spaces, ideographic spaces, zero-width characters. */
export const isBlank = (text: string): boolean => INVISIBLE.test(text);

/** The text with every lone surrogate replaced by U+FFFD and every NUL removed: storable as it reads. */
export const storable = (text: string): string => text.replace(LONE_SURROGATES, '\ufffd').replaceAll('\u0000', '');

/** A complaint's intake with every text made storable: what a parked complaint is shown and retried with. */
export function storableInput(input: ComplaintWorkflowInput): ComplaintWorkflowInput {
  const clean = (v: string | undefined) => (v === undefined ? undefined : storable(v));
  return {
    ...input,
    body: storable(input.body),
    subject: clean(input.subject),
    externalRef: clean(input.externalRef),
    customer: Object.fromEntries(Object.entries(input.customer).map(([k, v]) => [k, typeof v === 'string' ? storable(v) : v])),
    metadata: Object.fromEntries(Object.entries(input.metadata).map(([k, v]) => [storable(k), storable(String(v))])),
  };
}

/**
 * The longest search term kept. PostgreSQL refuses a lexeme over 2,047 bytes; no word people search
 * for is anywhere near 100 characters, and a longer "word" (a pasted hash, a run of one letter) only
 * bloats the index.
 */
export const MAX_TERM_LENGTH = 100;
