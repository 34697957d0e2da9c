import { createHash, createHmac } from 'node:crypto';

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

const bodyOf = (e: ChainedFields): string =>
  canonicalJson({ at: e.at.toISOString(), actor: e.actor, role: e.role, action: e.action, complaintId: e.complaintId, data: e.data });

/** The plain hash of entries written before the audit key: SHA-256 over the previous hash and the entry. */
export function entryHash(prevHash: string, e: ChainedFields): string {
  return createHash('sha256').update(`${prevHash}\n${bodyOf(e)}`).digest('hex');
}

/**
 * The keyed hash: HMAC-SHA256 under the audit key over the previous hash, the key id and the entry.
 * Without the key nobody can compute it, so an entry edited and re-hashed by the database owner, with
 * every later entry recomputed, no longer verifies.
 */
export function keyedEntryHash(key: string, keyId: string, prevHash: string, e: ChainedFields): string {
  return createHmac('sha256', key).update(`${prevHash}\n${keyId}\n${bodyOf(e)}`).digest('hex');
}

/**
 * A key's id, stored on each entry it signs: a fingerprint (SHA-256 of a fixed label and the key, 16 hex
 * digits), so rotating keys needs no second setting, and it reveals nothing the HMACs do not already.
 */
export function auditKeyId(key: string): string {
  return createHash('sha256').update(`complaint-desk audit key id\n${key}`).digest('hex').slice(0, 16);
}

/** The key new entries are signed with, and every key that may have signed older ones, by id. */
export interface AuditKeyring {
  current: { id: string; key: string };
  byId: ReadonlyMap<string, string>;
}

/** The keyring of AUDIT_KEY (signs new entries) and AUDIT_PREVIOUS_KEYS (still verify the entries they signed). */
export function auditKeyring(current: string, previous: readonly string[] = []): AuditKeyring {
  const byId = new Map<string, string>();
  for (const key of [current, ...previous]) byId.set(auditKeyId(key), key);
  return { current: { id: auditKeyId(current), key: current }, byId };
}

/** The five ways the chain can be found tampered with, as `npm run audit:verify` names them. */
export const TAMPER_KINDS = {
  edited: 'edited entry',
  removed: 'entry removed mid-chain',
  inserted: 'entry inserted mid-chain',
  forged: 'chain recomputed / entries forged without the key',
  truncated: 'newest entries deleted / table truncated',
} as const;
export type TamperKind = keyof typeof TAMPER_KINDS;

export interface ChainBreak {
  id: number;
  kind: TamperKind;
  reason: string;
}

export interface ChainReport {
  checked: number;
  /** How many of the checked entries are keyed (the rest are plain SHA-256 from before the key). */
  keyed?: number;
  /** The first entry whose hash does not hold, and why; absent when the whole chain holds. */
  firstBroken?: ChainBreak;
}

export interface ChainEntry extends ChainedFields {
  id: number;
  prevHash: string | null;
  hash: string | null;
  keyId?: string | null;
}

export interface ChainRules {
  /** Entries with a greater id must be keyed (the switch-over recorded by the migration). Unset: plain chain only. */
  keyedFrom?: number;
  keyring?: AuditKeyring;
}

type Content = { ok: true } | { ok: false; kind: 'edited' | 'forged'; reason: string };

/** Does the entry's hash hold over its content, under the scheme its position requires? */
function checkContent(e: ChainEntry, prev: string, rules: ChainRules): Content {
  const mustBeKeyed = rules.keyedFrom !== undefined && e.id > rules.keyedFrom;
  if (!e.keyId) {
    if (e.hash !== entryHash(prev, e)) return { ok: false, kind: 'edited', reason: 'its content does not match its hash (the entry was edited)' };
    if (mustBeKeyed) return { ok: false, kind: 'forged', reason: `a plain SHA-256 entry after the switch to keyed hashes at entry ${rules.keyedFrom} (recomputed without the key: a downgrade)` };
    return { ok: true };
  }
  const key = rules.keyring?.byId.get(e.keyId);
  if (key === undefined) {
    return { ok: false, kind: 'forged', reason: `signed with audit key ${e.keyId}, which is not among the configured keys (AUDIT_KEY, AUDIT_PREVIOUS_KEYS)` };
  }
  if (e.hash !== keyedEntryHash(key, e.keyId, prev, e)) return { ok: false, kind: 'edited', reason: 'its content does not match its HMAC (the entry was edited)' };
  return { ok: true };
}

/**
 * Checks entries fed in id order, a page at a time. Each entry is judged with the one after it in hand,
 * which tells the tamper kinds apart: an entry whose hash fails while the next entry links past it was
 * inserted; one whose next entry still links to it and holds was edited in place; one whose next entry
 * links to it but fails as well belongs to a recomputed stretch (forged without the key).
 */
export class ChainVerifier {
  private prev = GENESIS_HASH;
  private prevPrev: string | undefined;
  private prevId: number | undefined;
  private pending: ChainEntry | undefined;
  private checked = 0;
  private keyed = 0;
  private broken: ChainBreak | undefined;

  constructor(
    private readonly rules: ChainRules = {},
    start = GENESIS_HASH,
  ) {
    this.prev = start;
  }

  /** False once a break is found: the rest of the log need not be read. */
  get going(): boolean {
    return this.broken === undefined;
  }

  push(e: ChainEntry): void {
    if (this.broken) return;
    if (this.pending) this.judge(this.pending, e);
    this.pending = this.broken ? undefined : e;
  }

  end(): ChainReport {
    if (this.pending && !this.broken) this.judge(this.pending, undefined);
    this.pending = undefined;
    return { checked: this.checked, keyed: this.keyed, ...(this.broken ? { firstBroken: this.broken } : {}) };
  }

  private judge(e: ChainEntry, next: ChainEntry | undefined): void {
    if (e.prevHash !== this.prev) {
      if (this.prevPrev !== undefined && e.prevHash === this.prevPrev && this.prevId !== undefined) {
        this.broken = { id: this.prevId, kind: 'inserted', reason: `the entry after it (${e.id}) links past it (an entry was inserted mid-chain)` };
      } else this.broken = { id: e.id, kind: 'removed', reason: 'does not link to the entry before it (an entry was removed mid-chain)' };
      return;
    }
    const content = checkContent(e, this.prev, this.rules);
    if (!content.ok) {
      if (next && next.prevHash === this.prev) {
        this.broken = { id: e.id, kind: 'inserted', reason: `its hash does not hold and the entry after it (${next.id}) links past it (an entry was inserted mid-chain)` };
      } else if (content.kind === 'edited' && next && next.prevHash === e.hash && !checkContent(next, e.hash ?? '', this.rules).ok) {
        this.broken = { id: e.id, kind: 'forged', reason: 'its hash and the hashes after it were recomputed without the key (the chain was rewritten from here)' };
      } else this.broken = { id: e.id, kind: content.kind, reason: content.reason };
      return;
    }
    this.prevPrev = this.prev;
    this.prev = e.hash!;
    this.prevId = e.id;
    this.checked++;
    if (e.keyId) this.keyed++;
  }
}

/** Walks entries in id order and checks each link; stops at the first break. */
export function verifyChain(entries: Iterable<ChainEntry>, rules: ChainRules = {}, start = GENESIS_HASH): ChainReport {
  const v = new ChainVerifier(rules, start);
  for (const e of entries) {
    v.push(e);
    if (!v.going) break;
  }
  return v.end();
}
