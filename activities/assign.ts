import type { Db } from '../src/db/client';
import { assignLeastLoaded } from '../src/db/queries/routing';
import type { AssignmentOutcome } from '../src/shared/types';

export interface AssignDeps {
  db: Db;
}

export interface AssignCommand {
  complaintId: string;
  seq: number;
  at: string;
  department: string;
  category: string;
  language: string;
}

export function createAssignActivities({ db }: AssignDeps) {
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
      return { assignee, department: cmd.department, nextShiftAt };
    },
  };
}
