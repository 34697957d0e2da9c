import { and, arrayContains, asc, count, eq, sql } from 'drizzle-orm';
import { isWorkingTime, nextWorkingInstant } from '../../shared/business-time';
import type { RoutingFile } from '../../routing/routing-file';
import type { Db } from '../client';
import { departments, handlers, type DepartmentRow, type HandlerRow } from '../schema';
import { applyTransitionTx, getComplaint, stepOrder, stepRecorded, type TransitionInput } from './complaints';

/**
 * Seeds departments and handlers from the routing file, once: only while the departments table is empty,
 * so edits made through the API after the first start are never overwritten.
 */
export async function seedRouting(db: Db, file: RoutingFile): Promise<boolean> {
  return db.transaction(async (tx) => {
    // Serialise concurrent first starts; the loser sees the rows the winner wrote.
    await tx.execute(sql`lock table ${departments} in share row exclusive mode`);
    const [{ n }] = (await tx.select({ n: count() }).from(departments)) as [{ n: number }];
    if (n > 0) return false;
    await tx.insert(departments).values(
      // categories stay empty until the taxonomy is seeded or saved: it alone says which department serves what.
      file.departments.map((d) => ({ id: d.id, name: d.name, nameZh: d.nameZh ?? null, categories: [], escalationContacts: d.escalationContacts, calendar: d.calendar ?? null })),
    );
    if (file.handlers.length > 0) {
      await tx.insert(handlers).values(
        file.handlers.map((h) => ({
          id: h.id,
          name: h.name,
          email: h.email ?? null,
          phone: h.phone ?? null,
          departmentId: h.department,
          skills: h.skills,
          languages: h.languages,
          capacity: h.capacity,
          active: h.active,
          shift: h.shift ?? null,
        })),
      );
    }
    return true;
  });
}

/** The department that serves a category, or the fallback department. */
export async function departmentForCategory(db: Db, category: string, fallback: string): Promise<string> {
  return (await departmentServing(db, category, fallback)).id;
}

/** The department (id and calendar) that serves a category, or the fallback department. */
export async function departmentServing(db: Db, category: string, fallback: string): Promise<Pick<DepartmentRow, 'id' | 'calendar'>> {
  const [row] = await db
    .select({ id: departments.id, calendar: departments.calendar })
    .from(departments)
    .where(arrayContains(departments.categories, [category]))
    .orderBy(asc(departments.id))
    .limit(1);
  if (row) return row;
  const [fb] = await db.select({ id: departments.id, calendar: departments.calendar }).from(departments).where(eq(departments.id, fallback));
  return fb ?? { id: fallback, calendar: null };
}

export async function listDepartments(db: Db): Promise<DepartmentRow[]> {
  return db.select().from(departments).orderBy(asc(departments.id));
}

export async function getHandler(db: Db, id: string): Promise<HandlerRow | undefined> {
  const [row] = await db.select().from(handlers).where(eq(handlers.id, id));
  return row;
}

type Candidate = { id: string; openCount: number; capacity: number; lastAssignedAt: Date | null };

/** Lowest load ratio first; among equals the one assigned least recently (never assigned first), then id. */
function byLoadThenRoundRobin(a: Candidate, b: Candidate): number {
  const load = a.openCount / a.capacity - b.openCount / b.capacity;
  if (load !== 0) return load;
  const at = (a.lastAssignedAt?.getTime() ?? -Infinity) - (b.lastAssignedAt?.getTime() ?? -Infinity);
  if (at !== 0 && !Number.isNaN(at)) return at;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

export interface AssignResult {
  assignee: string | null;
  /** When nobody is on shift: the earliest instant an eligible handler's shift starts. */
  nextShiftAt?: number;
}

export interface AssignRequest {
  complaintId: string;
  department: string;
  category: string;
  /** zh / en; undefined or 'mixed' accepts a handler of either language. */
  language?: string;
  transition: Omit<TransitionInput, 'complaintId' | 'status' | 'patch'>;
}

/**
 * Assigns the complaint to the least-loaded eligible handler (load = open / capacity; ties go to whoever
 * was assigned least recently, i.e. round-robin) in one transaction. The handler row is locked and the
 * capacity re-checked under the lock, so concurrent assignments can never push a handler over capacity.
 * Idempotent: a retry finds the complaint already assigned and returns that handler.
 */
export async function assignLeastLoaded(db: Db, req: AssignRequest, nowMs: number = Date.now()): Promise<AssignResult> {
  return db.transaction(async (tx) => {
    const current = await getComplaint(tx, req.complaintId);
    // This very step already ran (a retry, or a re-run local activity), or a later one did: its choice stands.
    const done = current && (current.version >= stepOrder(req.transition.seq, req.transition.wft) || (await stepRecorded(tx, req.complaintId, req.transition.seq, req.transition.event.type)));
    if (current?.assignee && done) return { assignee: current.assignee };
    const langOk = req.language === 'zh' || req.language === 'en' ? arrayContains(handlers.languages, [req.language]) : undefined;
    // Every eligible handler is locked, always in id order so that concurrent assignments cannot
    // deadlock; then the least loaded one on shift now takes it (ties: least recently assigned).
    const locked = await tx
      .select({ id: handlers.id, shift: handlers.shift, openCount: handlers.openCount, capacity: handlers.capacity, lastAssignedAt: handlers.lastAssignedAt })
      .from(handlers)
      .where(
        and(
          eq(handlers.departmentId, req.department),
          eq(handlers.active, true),
          sql`${handlers.openCount} < ${handlers.capacity}`,
          arrayContains(handlers.skills, [req.category]),
          langOk,
        ),
      )
      .orderBy(asc(handlers.id))
      .for('update');
    const candidates = locked.sort(byLoadThenRoundRobin);
    const pick = candidates.find((c) => !c.shift || isWorkingTime(c.shift, nowMs));
    if (!pick) {
      const starts = candidates.map((c) => nextWorkingInstant(c.shift!, nowMs));
      return { assignee: null, nextShiftAt: starts.length > 0 ? Math.min(...starts) : undefined };
    }
    await applyTransitionTx(tx, {
      ...req.transition,
      complaintId: req.complaintId,
      status: 'assigned',
      patch: { assignee: pick.id, department: req.department },
      event: { ...req.transition.event, data: { ...req.transition.event.data, assignee: pick.id, department: req.department } },
    });
    return { assignee: pick.id };
  });
}

export async function listHandlers(db: Db, departmentId?: string): Promise<HandlerRow[]> {
  return db.select().from(handlers).where(departmentId ? eq(handlers.departmentId, departmentId) : undefined).orderBy(asc(handlers.id));
}

export async function getDepartment(db: Db, id: string): Promise<DepartmentRow | undefined> {
  const [row] = await db.select().from(departments).where(eq(departments.id, id));
  return row;
}

/** Inserts a department; false when the id is taken. */
export async function insertDepartment(db: Db, d: typeof departments.$inferInsert): Promise<boolean> {
  return (await db.insert(departments).values(d).onConflictDoNothing().returning({ id: departments.id })).length > 0;
}

export async function updateDepartment(db: Db, id: string, patch: Partial<typeof departments.$inferInsert>): Promise<DepartmentRow | undefined> {
  const [row] = await db.update(departments).set({ ...patch, updatedAt: new Date() }).where(eq(departments.id, id)).returning();
  return row;
}

/** Inserts a handler; false when the id is taken. */
export async function insertHandler(db: Db, h: typeof handlers.$inferInsert): Promise<boolean> {
  return (await db.insert(handlers).values(h).onConflictDoNothing().returning({ id: handlers.id })).length > 0;
}

export async function updateHandler(db: Db, id: string, patch: Partial<typeof handlers.$inferInsert>): Promise<HandlerRow | undefined> {
  const [row] = await db.update(handlers).set({ ...patch, updatedAt: new Date() }).where(eq(handlers.id, id)).returning();
  return row;
}
