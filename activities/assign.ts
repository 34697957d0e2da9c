import { eq } from 'drizzle-orm';
import type { Db } from '../src/db/client';
import { getComplaint } from '../src/db/queries/complaints';
import { assignLeastLoaded } from '../src/db/queries/routing';
import { handlers } from '../src/db/schema';
import { deliverStep, type Senders } from '../src/notify/deliver';
import type { AssignmentOutcome } from '../src/shared/types';
import { queueTx } from './notify';

export interface AssignDeps {
  db: Db;
  senders: Senders;
}

/**
 * Tells the customer who has their complaint and the handler what they got, under the assignment's own
 * step: queued after the assignment commits, deduplicated by that step, so a retry sends nothing twice.
 */
async function noticeAssignment({ db, senders }: AssignDeps, complaintId: string, seq: number, handlerId: string): Promise<void> {
  await db.transaction(async (tx) => {
    const row = await getComplaint(tx, complaintId);
    if (!row || row.assignee !== handlerId) return; // moved on meanwhile: the newer step speaks
    const [h] = await tx.select().from(handlers).where(eq(handlers.id, handlerId));
    await queueTx(tx, row, { seq, template: 'assigned', audience: 'customer', vars: { handler: h?.name ?? handlerId } });
    await queueTx(tx, row, { seq, template: 'assignment_notice', audience: 'assignee', vars: { category: row.category ?? '', priority: row.priority ?? '', summary: row.summary ?? '' } });
  });
  await deliverStep(db, senders, complaintId, seq);
}

export interface AssignCommand {
  complaintId: string;
  seq: number;
  at: string;
  department: string;
  category: string;
  language: string;
}

export function createAssignActivities(deps: AssignDeps) {
  const { db } = deps;
  return {
    /**
     * Assigns the least-loaded eligible handler of the department, or returns assignee null when nobody is
     * eligible (the workflow then waits in the department queue and tries again).
     */
    async assignComplaint(cmd: AssignCommand): Promise<AssignmentOutcome> {
      const { assignee, nextShiftAt } = await assignLeastLoaded(db, {
        complaintId: cmd.complaintId,
        department: cmd.department,
        category: cmd.category,
        language: cmd.language,
        transition: { seq: cmd.seq, event: { type: 'assigned', actor: { subject: 'router', role: 'system' }, at: cmd.at } },
      });
      if (assignee) await noticeAssignment(deps, cmd.complaintId, cmd.seq, assignee);
      return { assignee, department: cmd.department, nextShiftAt };
    },
  };
}
