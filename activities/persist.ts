import type { Db } from '../src/db/client';
import { storeActionOutcome } from '../src/db/queries/action-keys';
import { upsertAlert } from '../src/db/queries/analytics';
import { applyTransition, applyTransitionTx, insertComplaint, insertComplaintTx, type StepRef, type TransitionInput } from '../src/db/queries/complaints';
import type { OutboxNudge } from '../src/notify/deliver';
import { complaintWorkflowId } from '../src/shared/constants';
import { storableInput } from '../src/shared/text-safety';
import type { ComplaintWorkflowInput } from '../src/shared/types';
import { notifySupervisors } from './detector';
import { classified } from './failures';

export interface PersistDeps {
  db: Db;
  outbox: OutboxNudge;
}

/** Why a complaint was parked: the step that failed and the failure's type and message (no customer data). */
export interface AttentionRequest extends StepRef {
  at: string;
  input: ComplaintWorkflowInput;
  stage: 'intake' | 'assignment';
  failure: { type: string; message: string };
}

/**
 * Read-model writes. Each is idempotent by the workflow's step number, so Temporal may retry any of them
 * after a crash or a database outage without duplicating a row or an event.
 */
export function createPersistActivities({ db, outbox }: PersistDeps) {
  return {
    /** Writes the complaint as received, with the first timeline event. */
    async insertComplaint(input: ComplaintWorkflowInput): Promise<void> {
      await classified(() => insertComplaint(db, input, complaintWorkflowId(input.id)));
    },
    /** Writes one workflow step (status, fields, timeline event) atomically. */
    async recordTransition(t: TransitionInput): Promise<void> {
      await applyTransition(db, t);
    },
    /** Keeps a keyed action's outcome, so a retry after the workflow has ended gets the same answer. */
    async recordActionOutcome(o: { complaintId: string; key: string; action: string; result: { id: string; status: string }; at: string }): Promise<void> {
      await storeActionOutcome(db, { ...o, at: new Date(o.at) });
    },
    /**
     * Parks a complaint whose processing failed for good: status needs_attention with its timeline entry
     * (the row is written first, with its text made storable, when intake never got that far), then a
     * needs_attention alert for supervisors and its message through the outbox. Each part is idempotent.
     */
    async flagNeedsAttention(req: AttentionRequest): Promise<void> {
      const input = storableInput(req.input);
      await db.transaction(async (tx) => {
        await insertComplaintTx(tx, input, complaintWorkflowId(input.id));
        await applyTransitionTx(tx, {
          complaintId: req.complaintId,
          seq: req.seq,
          wft: req.wft,
          status: 'needs_attention',
          event: { type: 'needs_attention', actor: { subject: 'system', role: 'system' }, at: req.at, data: { stage: req.stage, failure: req.failure } },
        });
      });
      const at = new Date(req.at);
      const { alert } = await upsertAlert(db, {
        dedupeKey: `needs_attention:${req.complaintId}:${req.seq}`,
        kind: 'needs_attention',
        category: null,
        windowStart: at,
        windowEnd: at,
        observed: 1,
        expected: null,
        pValue: null,
        complaintIds: [req.complaintId],
        summary: `Complaint ${req.complaintId} cannot be processed (${req.stage}: ${req.failure.type}); fix it and retry it (POST /v1/complaints/${req.complaintId}/retry)`,
      });
      await notifySupervisors(db, alert);
      outbox.nudge();
    },
  };
}
