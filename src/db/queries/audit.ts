import { and, asc, desc, eq, gt, gte, lt, lte, sql, type SQL } from 'drizzle-orm';
import { entryHash, GENESIS_HASH, verifyChain, type ChainReport } from '../../audit/chain';
import type { Db } from '../client';
import { auditLog, type AuditLogRow } from '../schema';
import type { Tx } from './complaints';

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
 * Appends one entry to the hash chain. The transaction lock serialises appends, so each entry links to
 * the one committed before it; it is held only until the caller's transaction commits.
 */
export async function appendAudit(tx: Tx, e: AuditEntry): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(${AUDIT_CHAIN_LOCK})`);
  const [last] = await tx.select({ hash: auditLog.hash }).from(auditLog).orderBy(desc(auditLog.id)).limit(1);
  const prevHash = last?.hash ?? GENESIS_HASH;
  const fields = { at: e.at, actor: e.actor, role: e.role, action: e.action, complaintId: e.complaintId ?? null, data: e.data ?? {} };
  await tx.insert(auditLog).values({ ...fields, prevHash, hash: entryHash(prevHash, fields) });
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

/** Checks the whole chain, oldest first, a page at a time; names the first broken entry. */
export async function verifyAuditLog(db: Db, pageSize = 1000): Promise<ChainReport> {
  let total = 0;
  let prev = GENESIS_HASH;
  let afterId = 0;
  for (;;) {
    const page = await db.select().from(auditLog).where(gt(auditLog.id, afterId)).orderBy(asc(auditLog.id)).limit(pageSize);
    if (page.length === 0) return { checked: total };
    const r = verifyChain(page, prev);
    total += r.checked;
    if (r.firstBroken) return { checked: total, firstBroken: r.firstBroken };
    prev = page[page.length - 1]!.hash!;
    afterId = page[page.length - 1]!.id;
  }
}
