import { createHash } from 'node:crypto';

/** The hash before the first entry. */
export const GENESIS_HASH = '0'.repeat(64);

/** JSON with keys sorted at every level, so the same entry always hashes the same (jsonb reorders keys). */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    return `{${entries
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`)
      .join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

export interface ChainedFields {
  at: Date;
  actor: string;
  role: string;
  action: string;
  complaintId: string | null;
  data: Record<string, unknown>;
}

/** The entry's hash: SHA-256 over the previous hash and the entry's canonical form. */
export function entryHash(prevHash: string, e: ChainedFields): string {
  const body = canonicalJson({ at: e.at.toISOString(), actor: e.actor, role: e.role, action: e.action, complaintId: e.complaintId, data: e.data });
  return createHash('sha256').update(`${prevHash}\n${body}`).digest('hex');
}

export interface ChainReport {
  checked: number;
  /** The first entry whose hash does not hold, and why; absent when the whole chain holds. */
  firstBroken?: { id: number; reason: string };
}

/** Walks entries in id order and checks each link; stops at the first break. */
export function verifyChain(entries: Iterable<ChainedFields & { id: number; prevHash: string | null; hash: string | null }>, start = GENESIS_HASH): ChainReport {
  let prev = start;
  let checked = 0;
  for (const e of entries) {
    if (e.prevHash !== prev) return { checked, firstBroken: { id: e.id, reason: 'does not link to the entry before it (an entry was removed or inserted)' } };
    if (e.hash !== entryHash(prev, e)) return { checked, firstBroken: { id: e.id, reason: 'its content does not match its hash (the entry was edited)' } };
    prev = e.hash;
    checked++;
  }
  return { checked };
}
