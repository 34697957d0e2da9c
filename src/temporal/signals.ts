import type { Client } from '@temporalio/client';
import { complaintWorkflowId } from '../shared/constants';
import { wakeSignal } from '../../workflows/complaint.messages';

/**
 * Wakes waiting complaints' workflows. Best effort on purpose: a complaint that has meanwhile ended or
 * moved on ignores it, and one that misses it re-checks on its own timer.
 */
export function wakeComplaintsWith(client: Client): (ids: string[]) => Promise<void> {
  return async (ids) => {
    await Promise.allSettled(ids.map((id) => client.workflow.getHandle(complaintWorkflowId(id)).signal(wakeSignal)));
  };
}
