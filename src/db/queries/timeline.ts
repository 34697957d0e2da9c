import { and, asc, desc, eq } from 'drizzle-orm';
import type { Db } from '../client';
import { complaintEvents, type ComplaintEventRow } from '../schema';

/** The complaint's timeline, oldest first. */
export async function getTimeline(db: Db, complaintId: string): Promise<ComplaintEventRow[]> {
  return db.select().from(complaintEvents).where(eq(complaintEvents.complaintId, complaintId)).orderBy(asc(complaintEvents.seq), asc(complaintEvents.id));
}

/**
 * The end of a closed complaint's reopen window (epoch ms), as its last `closed` event names it: written
 * by runs since the pure core ('lifecycle-core'), whose workflow stays alive until then. Undefined for a
 * complaint closed before, whose run ended at close.
 */
export async function reopenableUntil(db: Db, complaintId: string): Promise<number | undefined> {
  const [closed] = await db
    .select({ data: complaintEvents.data })
    .from(complaintEvents)
    .where(and(eq(complaintEvents.complaintId, complaintId), eq(complaintEvents.type, 'closed')))
    .orderBy(desc(complaintEvents.seq), desc(complaintEvents.id))
    .limit(1);
  const until = (closed?.data as { reopenableUntil?: unknown } | undefined)?.reopenableUntil;
  return typeof until === 'string' ? Date.parse(until) : undefined;
}
