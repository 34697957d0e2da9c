import { and, desc, eq, gte, lt, lte, type SQL } from 'drizzle-orm';
import type { Db } from '../client';
import { auditLog, type AuditLogRow } from '../schema';

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

/** Records an action taken outside any complaint's workflow (settings, staff changes). */
export async function insertAudit(db: Db, e: { actor: string; role: string; action: string; complaintId?: string; data?: Record<string, unknown> }): Promise<void> {
  await db.insert(auditLog).values({ at: new Date(), actor: e.actor, role: e.role, action: e.action, complaintId: e.complaintId ?? null, data: e.data ?? {} });
}
