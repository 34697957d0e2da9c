/**
 * Idempotent actions: a staff or integrator action sent with an `Idempotency-Key` header runs as the
 * Temporal update `<action>:<key>`. Within a run, Temporal answers a retried update id with the first
 * outcome; across runs and after the workflow has ended, the outcome the workflow stored under that id
 * in the read model answers instead. Pure, so the workflow and the API share it.
 */

/** The action routes (`POST /v1/complaints/:id/<action>`) whose outcomes are kept under a key. */
export const KEYED_ACTIONS = [
  'assign',
  'escalate',
  'priority',
  'category',
  'transfer',
  'notes',
  'responses',
  'await-customer',
  'customer-replies',
  'resolve',
  'reopen',
  'withdraw',
] as const;
export type KeyedAction = (typeof KEYED_ACTIONS)[number];

/** What a client may send as a key: 1–255 visible ASCII characters, as Stripe and the IETF draft allow. */
export const IDEMPOTENCY_KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;

/** The Temporal update id of an action sent with a key. */
export const keyedUpdateId = (action: KeyedAction, key: string): string => `${action}:${key}`;

/** The action and key of a keyed update id, or undefined for any other update id (random, a channel message's). */
export function parseKeyedUpdateId(updateId: string | undefined): { action: KeyedAction; key: string } | undefined {
  if (!updateId) return undefined;
  const colon = updateId.indexOf(':');
  if (colon < 1) return undefined;
  const action = updateId.slice(0, colon);
  const key = updateId.slice(colon + 1);
  if (!(KEYED_ACTIONS as readonly string[]).includes(action) || !IDEMPOTENCY_KEY_PATTERN.test(key)) return undefined;
  return { action: action as KeyedAction, key };
}
