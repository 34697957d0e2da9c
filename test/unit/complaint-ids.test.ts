import { createHash, createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { derivedComplaintId, newComplaintId } from '../../src/api/complaint-ids';

const SECRET = 'unit-id-secret-0123456789abcdef';

describe('complaint ids', () => {
  it('fresh ids are 16 lowercase base32 characters and do not repeat', () => {
    const ids = new Set(Array.from({ length: 1000 }, newComplaintId));
    expect(ids.size).toBe(1000);
    for (const id of ids) expect(id).toMatch(/^[0-9a-hjkmnp-tv-z]{16}$/);
  });

  it('derived ids are stable per integrator and scope', () => {
    const d = (...a: [string, string | undefined, string, string | undefined]) => derivedComplaintId(SECRET, ...a);
    expect(d('shop', 'k1', 'web', undefined)).toBe(d('shop', 'k1', 'app', undefined));
    expect(d('shop', 'k1', 'web', undefined)).not.toBe(d('other', 'k1', 'web', undefined));
    expect(d('shop', undefined, 'web', 'T-1')).toBe(d('shop', 'any', 'web', 'T-1'));
    expect(d('shop', undefined, 'web', 'T-1')).not.toBe(d('shop', undefined, 'sms', 'T-1'));
    expect(d('shop', undefined, 'web', undefined)).toBeUndefined();
  });

  it('derived ids depend on the server secret, and are not the bare hash of the scope', () => {
    const a = derivedComplaintId(SECRET, 'shop', 'k1', 'web', undefined);
    expect(a).toMatch(/^[0-9a-hjkmnp-tv-z]{16}$/);
    expect(derivedComplaintId('another-secret-0123456789abcdef', 'shop', 'k1', 'web', undefined)).not.toBe(a);
    // Pinned by hand: the first 80 bits of HMAC-SHA256(secret, scope) in base32, and not of SHA-256(scope).
    const base32 = (b: Buffer) => {
      const alphabet = '0123456789abcdefghjkmnpqrstvwxyz';
      let bits = '';
      for (const byte of b) bits += byte.toString(2).padStart(8, '0');
      return bits.match(/.{5}/g)!.map((g) => alphabet[parseInt(g, 2)]).join('');
    };
    const scope = 'key\u0000shop\u0000k1';
    expect(a).toBe(base32(createHmac('sha256', SECRET).update(scope).digest().subarray(0, 10)));
    expect(a).not.toBe(base32(createHash('sha256').update(scope).digest().subarray(0, 10)));
  });
});
