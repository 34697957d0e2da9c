import type { Db } from '../src/db/client';
import { waitingInDepartment } from '../src/db/queries/queues';
import { getHandler } from '../src/db/queries/routing';
import { isWorkingTime } from '../src/shared/business-time';

export interface RoutingDeps {
  db: Db;
  wakeComplaints: (ids: string[]) => Promise<void>;
}

/** How many waiting complaints one freed place wakes: enough to fill it, few enough to stay cheap. */
export const WAKE_BATCH = 20;

export function createRoutingActivities({ db, wakeComplaints }: RoutingDeps) {
  return {
    /**
     * Capacity freed up in a department: wake the complaints waiting longest in its queue so they try
     * assignment now instead of at their next re-check. A lost wake-up costs minutes, never a complaint.
     */
    async wakeDepartmentQueue(department: string): Promise<number> {
      const ids = await waitingInDepartment(db, department, WAKE_BATCH);
      await wakeComplaints(ids);
      return ids.length;
    },

    /**
     * Whether a handler may be given a complaint now: still active, and on shift at `atMs` (workflow
     * time). A reopened complaint goes back to its handler only then; otherwise to the queue.
     */
    async handlerCanTake(handlerId: string, atMs: number): Promise<boolean> {
      const h = await getHandler(db, handlerId);
      return Boolean(h?.active) && (!h!.shift || isWorkingTime(h!.shift, atMs));
    },
  };
}
