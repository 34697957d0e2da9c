import { describe, expect, it } from 'vitest';
import { derivedComplaintId, newComplaintId } from '../../src/api/complaint-ids';

describe('complaint ids', () => {
  it('fresh ids are 16 lowercase base32 characters and do not repeat', () => {
    const ids = new Set(Array.from({ length: 1000 }, newComplaintId));
    expect(ids.size).toBe(1000);
    for (const id of ids) expect(id).toMatch(/^[0-9a-hjkmnp-tv-z]{16}$/);
  });

  it('derived ids are stable per integrator and scope', () => {
    expect(derivedComplaintId('shop', 'k1', 'web', undefined)).toBe(derivedComplaintId('shop', 'k1', 'app', undefined));
    expect(derivedComplaintId('shop', 'k1', 'web', undefined)).not.toBe(derivedComplaintId('other', 'k1', 'web', undefined));
    expect(derivedComplaintId('shop', undefined, 'web', 'T-1')).toBe(derivedComplaintId('shop', 'any', 'web', 'T-1'));
    expect(derivedComplaintId('shop', undefined, 'web', 'T-1')).not.toBe(derivedComplaintId('shop', undefined, 'sms', 'T-1'));
    expect(derivedComplaintId('shop', undefined, 'web', undefined)).toBeUndefined();
  });
});
