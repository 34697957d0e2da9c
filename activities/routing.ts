import { and, asc, eq } from 'drizzle-orm';
import type { Db } from '../src/db/client';
import { complaints } from '../src/db/schema';

export interface RoutingDeps {
  db: Db;
  wakeComplaints: (ids: string[]) => Promise<void>;
}

/** How many waiting complaints one freed place wakes: enough to fill it, few enough to stay cheap. */
const WAKE_BATCH = 20;

export function createRoutingActivities({ db, wakeComplaints }: RoutingDeps) {
  return {
    /**
     * Capacity freed up in a department: wake the complaints waiting longest in its queue so they try
     * assignment now instead of at their next re-check. A lost wake-up costs minutes, never a complaint.
     */
    async wakeDepartmentQueue(department: string): Promise<number> {
      const waiting = await db
        .select({ id: complaints.id })
        .from(complaints)
        .where(and(eq(complaints.status, 'triaged'), eq(complaints.department, department)))
        .orderBy(asc(complaints.createdAt))
        .limit(WAKE_BATCH);
      await wakeComplaints(waiting.map((w) => w.id));
      return waiting.length;
    },
  };
}
