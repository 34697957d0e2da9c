import type { Client } from '@temporalio/client';
import { AUDIT_ANCHOR_WORKFLOW_ID, AUDIT_ANCHOR_WORKFLOW_TYPE, type AuditAnchorInput } from '../shared/audit-anchor';
import { TASK_QUEUE } from '../shared/constants';
import { checkpointSignal } from '../../workflows/audit-anchor.messages';

/** Checkpoints the anchor workflow carries through continue-as-new (about a day at the default interval). */
export const ANCHOR_KEEP = 300;

/**
 * Starts the audit anchor if it is not running, and in either case asks it for a checkpoint now, so every
 * start of a worker anchors the chain head it starts from. One anchor per namespace, shared by all workers.
 */
export async function ensureAuditAnchor(client: Client, intervalMs: number, opts: { taskQueue?: string; workflowId?: string } = {}): Promise<void> {
  const input: AuditAnchorInput = { intervalMs, keep: ANCHOR_KEEP, checkpoints: [] };
  await client.workflow.signalWithStart(AUDIT_ANCHOR_WORKFLOW_TYPE, {
    workflowId: opts.workflowId ?? AUDIT_ANCHOR_WORKFLOW_ID,
    taskQueue: opts.taskQueue ?? TASK_QUEUE,
    args: [input],
    signal: checkpointSignal,
  });
}
