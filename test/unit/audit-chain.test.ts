import { describe, expect, it } from 'vitest';
import { auditKeyId, auditKeyring, keyedEntryHash, verifyChain, GENESIS_HASH, type ChainEntry } from '../../src/audit/chain';

const KEY = 'unit-test-audit-key-0123456789';
const ring = auditKeyring(KEY);

/** Five keyed entries, linked, as appendAudit writes them. */
function chain(key = KEY, edit: (i: number, e: ChainEntry) => ChainEntry = (_, e) => e): ChainEntry[] {
  const out: ChainEntry[] = [];
  let prev = GENESIS_HASH;
  for (let i = 0; i < 5; i++) {
    const e = edit(i, { id: i + 1, at: new Date(Date.UTC(2026, 0, 1, 0, i)), actor: 'admin', role: 'admin', action: 'handler_updated', complaintId: null, data: { i }, prevHash: prev, hash: null, keyId: auditKeyId(KEY) });
    e.hash = keyedEntryHash(key, e.keyId!, prev, e);
    out.push(e);
    prev = e.hash;
  }
  return out;
}

describe('verifyChain', () => {
  it('holds on an untouched keyed chain', () => {
    expect(verifyChain(chain(), { keyring: ring, keyedFrom: 0 })).toEqual({ checked: 5, keyed: 5 });
  });

  it('names a chain recomputed under another key, with the real key id kept, as forged from the first rewritten entry', () => {
    const good = chain();
    const forged = chain('a-guessed-key-of-the-attacker', (i, e) => (i === 2 ? { ...e, actor: 'someone-else' } : e));
    // The attacker cannot touch the first two without the key either; only from entry 3 on is it rewritten.
    const mixed = [...good.slice(0, 2), ...relink(forged.slice(2), good[1]!.hash!, 'a-guessed-key-of-the-attacker')];
    expect(verifyChain(mixed, { keyring: ring, keyedFrom: 0 }).firstBroken).toEqual({ id: 3, kind: 'forged', reason: expect.stringMatching(/recomputed without the key/) });
  });

  it('names an edited entry whose successor still links to its old hash as edited, the newest one too', () => {
    const c = chain();
    c[2] = { ...c[2]!, data: { i: 'changed' } };
    expect(verifyChain(c, { keyring: ring, keyedFrom: 0 }).firstBroken).toMatchObject({ id: 3, kind: 'edited' });
    const last = chain();
    last[4] = { ...last[4]!, actor: 'x' };
    expect(verifyChain(last, { keyring: ring, keyedFrom: 0 }).firstBroken).toMatchObject({ id: 5, kind: 'edited' });
  });
});

/** Re-links entries after `prev` and signs them under `key`, as an attacker recomputing a stretch does. */
function relink(entries: ChainEntry[], prev: string, key: string): ChainEntry[] {
  return entries.map((e) => {
    const hash = keyedEntryHash(key, e.keyId!, prev, e);
    const out = { ...e, prevHash: prev, hash };
    prev = hash;
    return out;
  });
}
