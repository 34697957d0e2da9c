import { createHmac, randomBytes } from 'node:crypto';

// Crockford-style base32 in lower case: unambiguous to read out over the phone, safe in URLs and subjects.
const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';

function base32(bytes: Buffer): string {
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  return out;
}

/** A fresh complaint id: 80 random bits, 16 characters. */
export const newComplaintId = (): string => base32(randomBytes(10));

/**
 * The id a retried submission must get again. Derived, not looked up: the workflow id is then the lock,
 * and Temporal's id-conflict check decides "first time or repeat" atomically (no check-then-start race).
 * The integrator is part of the scope, so two integrators' keys never collide; the derivation is an HMAC
 * under the server's ID_SECRET, so nobody who knows an integrator's name and key can compute the id
 * (a bare hash could be). Ids are stored with each complaint and never derived again for an existing
 * one, so a new secret changes only the ids of submissions not made yet.
 */
export function derivedComplaintId(secret: string, integrator: string, idempotencyKey: string | undefined, channel: string, externalRef: string | undefined): string | undefined {
  // The integrator's own reference identifies the complaint across retries even when the key changes.
  const scope = externalRef ? `ref\u0000${integrator}\u0000${channel}\u0000${externalRef}` : idempotencyKey ? `key\u0000${integrator}\u0000${idempotencyKey}` : undefined;
  return scope ? base32(createHmac('sha256', secret).update(scope).digest().subarray(0, 10)) : undefined;
}
