import type { Db } from '../src/db/client';
import { storeActionOutcome } from '../src/db/queries/action-keys';
import { applyTransition, insertComplaint, type TransitionInput } from '../src/db/queries/complaints';
import { complaintWorkflowId } from '../src/shared/constants';
import type { ComplaintWorkflowInput } from '../src/shared/types';

export interface PersistDeps {
  db: Db;
}

/**
 * Read-model writes. Each is idempotent by the workflow's step number, so Temporal may retry any of them
 * after a crash or a database outage without duplicating a row or an event.
 */
export function createPersistActivities({ db }: PersistDeps) {
  return {
    /** Writes the complaint as received, with the first timeline event. */
    async insertComplaint(input: ComplaintWorkflowInput): Promise<void> {
      await insertComplaint(db, input, complaintWorkflowId(input.id));
    },
    /** Writes one workflow step (status, fields, timeline event) atomically. */
    async recordTransition(t: TransitionInput): Promise<void> {
      await applyTransition(db, t);
    },
    /** Keeps a keyed action's outcome, so a retry after the workflow has ended gets the same answer. */
    async recordActionOutcome(o: { complaintId: string; key: string; action: string; result: { id: string; status: string }; at: string }): Promise<void> {
      await storeActionOutcome(db, { ...o, at: new Date(o.at) });
    },
  };
}
