import { asc, eq } from 'drizzle-orm';
import type { Db } from '../client';
import { complaintEvents, type ComplaintEventRow } from '../schema';

/** The complaint's timeline, oldest first. */
export async function getTimeline(db: Db, complaintId: string): Promise<ComplaintEventRow[]> {
  return db.select().from(complaintEvents).where(eq(complaintEvents.complaintId, complaintId)).orderBy(asc(complaintEvents.seq), asc(complaintEvents.id));
}
