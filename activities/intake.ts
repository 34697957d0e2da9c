import type { StepRef } from '../src/db/queries/complaints';
import type { ComplaintWorkflowInput, TriageOutcome } from '../src/shared/types';
import type { NotifyCommand } from './notify';
import type { TriageRequest } from './triage';

/** The steps intake is made of, as their own activities build them. */
export interface IntakeParts {
  insertComplaint(input: ComplaintWorkflowInput): Promise<void>;
  triageComplaint(req: TriageRequest): Promise<TriageOutcome>;
  notify(cmd: NotifyCommand): Promise<number>;
}

export interface ReceiveRequest {
  input: ComplaintWorkflowInput;
  triage: TriageRequest;
  /** The acknowledgement's own step, numbered after triage's. */
  ack: StepRef & { at: string };
}

/**
 * Intake as one activity (issue #21, throughput): the complaint into the read model, triaged, and its
 * acknowledgement queued in the outbox. One activity instead of three local ones: the workflow task that
 * starts it ends at once instead of staying open through triage (CPU-heavy, and queued behind every other
 * complaint's under a burst). Each part is idempotent by its step number, so a retry after a crash or an
 * outage redoes only what did not happen.
 */
export function createIntakeActivities(parts: IntakeParts) {
  return {
    async receiveComplaint(req: ReceiveRequest): Promise<TriageOutcome> {
      await parts.insertComplaint(req.input);
      const outcome = await parts.triageComplaint(req.triage);
      await parts.notify({ ...req.ack, template: 'acknowledgement', audience: 'customer', vars: {} });
      return outcome;
    },
  };
}
