import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Survey links carry a signed token: `<complaintId>.<nonce>.<expiresAtSeconds>.<hmac>`. The HMAC makes it
 * unforgeable, the expiry bounds it, and the nonce makes it single-use (the workflow accepts one answer
 * per nonce). No database lookup is needed to reject a forged or expired token.
 */
const sign = (secret: string, payload: string): string => createHmac('sha256', secret).update(payload).digest('base64url');

export function createSurveyToken(secret: string, complaintId: string, nonce: string, expiresAt: Date): string {
  const payload = `${complaintId}.${nonce}.${Math.floor(expiresAt.getTime() / 1000)}`;
  return `${payload}.${sign(secret, payload)}`;
}

export interface SurveyTokenClaims {
  complaintId: string;
  nonce: string;
  expiresAt: Date;
}

/** The token's claims when its signature holds; undefined when forged or malformed. Expiry is the caller's. */
export function verifySurveyToken(secret: string, token: string): SurveyTokenClaims | undefined {
  const parts = token.split('.');
  if (parts.length !== 4) return undefined;
  const [complaintId, nonce, exp, mac] = parts as [string, string, string, string];
  const expected = Buffer.from(sign(secret, `${complaintId}.${nonce}.${exp}`));
  const given = Buffer.from(mac);
  if (expected.length !== given.length || !timingSafeEqual(expected, given) || !/^\d+$/.test(exp)) return undefined;
  return { complaintId, nonce, expiresAt: new Date(Number(exp) * 1000) };
}
