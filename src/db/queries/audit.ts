import { and, asc, count, desc, eq, gt, gte, lt, lte, sql, type SQL } from 'drizzle-orm';
import { ChainVerifier, GENESIS_HASH, keyedEntryHash, type AuditKeyring, type ChainReport } from '../../audit/chain';
import type { Db } from '../client';
import { auditChain, auditLog, type AuditLogRow } from '../schema';
import type { Tx } from './complaints';

// The audit key travels with the database handle, so the many writers that append an entry inside their
// own transaction (applyTransition, erasure, the knowledge base) need no extra argument. drizzle gives
// every transaction of a database that database's dialect object: it identifies the handle from a tx.
const keyrings = new WeakMap<object, AuditKeyring>();
const handleOf = (db: Db | Tx): object => (db as unknown as { dialect: object }).dialect;

/** Makes `db` (and every transaction on it) sign the audit entries it appends with `keyring`'s current key. */
export function bindAuditKeyring(db: Db, keyring: AuditKeyring): void {
  keyrings.set(handleOf(db), keyring);
}

function keyringOf(tx: Db | Tx): AuditKeyring {
  const k = keyrings.get(handleOf(tx));
  if (!k) throw new Error('no audit key on this database handle: open it with an auditKeyring (AUDIT_KEY)');
  return k;
}

export interface AuditEntry {
  at: Date;
  actor: string;
  role: string;
  action: string;
  complaintId?: string | null;
  data?: Record<string, unknown>;
}

// Any fixed number: every process that appends to the chain takes the same transaction lock.
const AUDIT_CHAIN_LOCK = 727_274_002;

/**
 * Appends one entry to the chain, signed with the handle's current audit key. The transaction lock
 * serialises appends, so each entry links to the one committed before it; it is held only until the
 * caller's transaction commits.
 */
export async function appendAudit(tx: Tx, e: AuditEntry): Promise<void> {
  const { current } = keyringOf(tx);
  await tx.execute(sql`select pg_advisory_xact_lock(${AUDIT_CHAIN_LOCK})`);
  const [last] = await tx.select({ hash: auditLog.hash }).from(auditLog).orderBy(desc(auditLog.id)).limit(1);
  const prevHash = last?.hash ?? GENESIS_HASH;
  const fields = { at: e.at, actor: e.actor, role: e.role, action: e.action, complaintId: e.complaintId ?? null, data: e.data ?? {} };
  await tx.insert(auditLog).values({ ...fields, prevHash, keyId: current.id, hash: keyedEntryHash(current.key, current.id, prevHash, fields) });
}

/** Records an action taken outside any complaint's workflow (settings, staff changes). */
export async function insertAudit(db: Db, e: Omit<AuditEntry, 'at'>): Promise<void> {
  await db.transaction((tx) => appendAudit(tx, { ...e, at: new Date() }));
}

export interface AuditFilters {
  actor?: string;
  role?: string;
  action?: string;
  complaintId?: string;
  from?: Date;
  to?: Date;
}

/** A page of the audit log, newest first, by keyset on the id (ids only grow). */
export async function listAuditLog(db: Db, f: AuditFilters, limit: number, beforeId?: number): Promise<AuditLogRow[]> {
  const c: (SQL | undefined)[] = [
    f.actor !== undefined ? eq(auditLog.actor, f.actor) : undefined,
    f.role !== undefined ? eq(auditLog.role, f.role) : undefined,
    f.action !== undefined ? eq(auditLog.action, f.action) : undefined,
    f.complaintId !== undefined ? eq(auditLog.complaintId, f.complaintId) : undefined,
    f.from && gte(auditLog.at, f.from),
    f.to && lte(auditLog.at, f.to),
    beforeId !== undefined ? lt(auditLog.id, beforeId) : undefined,
  ];
  const conds = c.filter((x): x is SQL => x !== undefined);
  return db.select().from(auditLog).where(conds.length ? and(...conds) : undefined).orderBy(desc(auditLog.id)).limit(limit);
}

/** The chain's head as the anchor records it: the newest entry, its hash, how many entries, the switch-over. */
export interface AuditHead {
  lastId: number;
  hash: string;
  count: number;
  keyedFrom: number | null;
}

/** The head of the chain now (lastId 0 and the genesis hash when the log is empty). */
export async function auditHead(db: Db): Promise<AuditHead> {
  const [last] = await db.select({ id: auditLog.id, hash: auditLog.hash }).from(auditLog).orderBy(desc(auditLog.id)).limit(1);
  const [sw] = await db.select().from(auditChain).limit(1);
  return { lastId: last?.id ?? 0, hash: last?.hash ?? GENESIS_HASH, count: await auditCountUpTo(db), keyedFrom: sw?.keyedFrom ?? null };
}

/** How many entries there are with an id up to `id` (all of them without one). */
export async function auditCountUpTo(db: Db, id?: number): Promise<number> {
  const [r] = await db.select({ n: count() }).from(auditLog).where(id === undefined ? undefined : lte(auditLog.id, id));
  return Number(r!.n);
}

/** The hash of the entry with this id; undefined when there is no such entry. */
export async function auditHashAt(db: Db, id: number): Promise<{ hash: string | null } | undefined> {
  const [row] = await db.select({ hash: auditLog.hash }).from(auditLog).where(eq(auditLog.id, id));
  return row;
}

export interface AuditLogReport extends ChainReport {
  /** Entries after this id must be keyed; null when the switch-over record is missing (itself a break). */
  keyedFrom: number | null;
}

/**
 * Checks the whole chain, oldest first, a page at a time, under `keyring` and the switch-over recorded
 * in audit_chain; names the first broken entry and the kind of tampering it shows.
 */
export async function verifyAuditLog(db: Db, keyring: AuditKeyring | undefined, pageSize = 1000): Promise<AuditLogReport> {
  const [sw] = await db.select().from(auditChain).limit(1);
  const keyedFrom = sw?.keyedFrom ?? null;
  // Without the record, nothing says where plain SHA-256 stops: every entry must then be keyed.
  const v = new ChainVerifier({ keyring, keyedFrom: keyedFrom ?? 0 });
  let afterId = 0;
  while (v.going) {
    const page = await db.select().from(auditLog).where(gt(auditLog.id, afterId)).orderBy(asc(auditLog.id)).limit(pageSize);
    if (page.length === 0) break;
    for (const e of page) v.push(e);
    afterId = page[page.length - 1]!.id;
  }
  const report = v.end();
  if (!report.firstBroken && keyedFrom === null) {
    return { ...report, keyedFrom, firstBroken: { id: 0, kind: 'forged', reason: 'the switch-over record (table audit_chain) is missing: it was deleted' } };
  }
  return { ...report, keyedFrom };
}
