import { and, asc, desc, eq, inArray, sql } from 'drizzle-orm';
import { OPEN_ASSIGNED_STATUSES } from '../../shared/constants';
import type { Db } from '../client';
import { complaints, type ComplaintRow } from '../schema';

/** The deadline a handler works against: the first response until it is given, then the resolution. */
const nextDeadline = sql`coalesce(case when ${complaints.firstRespondedAt} is null then ${complaints.firstResponseDueAt} end, ${complaints.resolutionDueAt})`;

/** A handler's open complaints, the nearest SLA deadline first (none last). */
export async function handlerQueue(db: Db, handlerId: string, limit: number): Promise<ComplaintRow[]> {
  return db
    .select()
    .from(complaints)
    .where(and(eq(complaints.assignee, handlerId), inArray(complaints.status, [...OPEN_ASSIGNED_STATUSES])))
    .orderBy(sql`${nextDeadline} asc nulls last`, asc(complaints.createdAt))
    .limit(limit);
}

/**
 * The open complaints to take off a handler: all of them on deactivation, or the newest beyond a cut
 * capacity (the oldest stay with the handler who already knows them).
 */
export async function complaintsToRelease(db: Db, handlerId: string, keep: number): Promise<string[]> {
  const open = await db
    .select({ id: complaints.id })
    .from(complaints)
    .where(and(eq(complaints.assignee, handlerId), inArray(complaints.status, [...OPEN_ASSIGNED_STATUSES])))
    .orderBy(desc(complaints.assignedAt), desc(complaints.id));
  return open.slice(0, Math.max(0, open.length - keep)).map((r) => r.id);
}

/** The complaints waiting longest in a department's queue (status triaged), oldest first. */
export async function waitingInDepartment(db: Db, department: string, limit: number): Promise<string[]> {
  const rows = await db
    .select({ id: complaints.id })
    .from(complaints)
    .where(and(eq(complaints.status, 'triaged'), eq(complaints.department, department)))
    .orderBy(asc(complaints.createdAt))
    .limit(limit);
  return rows.map((r) => r.id);
}
