import type { Client } from '@temporalio/client';
import { auditCountUpTo, auditHashAt, auditHead } from '../db/queries/audit';
import type { Db } from '../db/client';
import { AUDIT_ANCHOR_WORKFLOW_ID, CHECKPOINT_ACTIVITY, type AuditAnchorInput, type AuditCheckpoint } from '../shared/audit-anchor';
import type { ChainBreak } from './chain';
import { readableHistory } from './history';

/**
 * The checkpoints the anchor workflow's newest run holds in its history: those carried into its input by
 * continue-as-new, then each checkpoint activity's result, oldest first. Read from the history, not by a
 * query, so no worker has to be running to check the anchor.
 */
export async function anchoredCheckpoints(client: Client, workflowId = AUDIT_ANCHOR_WORKFLOW_ID): Promise<AuditCheckpoint[]> {
  const history = await client.workflow.getHandle(workflowId).fetchHistory();
  const out: AuditCheckpoint[] = [];
  for (const step of readableHistory(history.events ?? [])) {
    if (step.type === 'workflow_started') out.push(...((step.data as AuditAnchorInput | undefined)?.checkpoints ?? []));
    else if (step.type === 'activity_completed' && step.name === CHECKPOINT_ACTIVITY) out.push(step.data as AuditCheckpoint);
  }
  return out;
}

export interface AnchorReport {
  /** How many checkpoints were compared with the table. */
  checkpoints: number;
  /** The newest checkpoint's time, when there is one. */
  newest?: string;
  firstBroken?: ChainBreak;
}

/**
 * Compares the table with the anchored checkpoints, newest first: each anchored entry must still be there
 * with the anchored hash and as many entries up to it. The chain alone cannot see its own end cut off (or
 * the whole table emptied); the anchor can, back to the newest checkpoint.
 */
export async function checkAnchors(db: Db, checkpoints: readonly AuditCheckpoint[]): Promise<AnchorReport> {
  const head = await auditHead(db);
  const newestFirst = [...checkpoints].reverse();
  const report = { checkpoints: checkpoints.length, ...(newestFirst[0] ? { newest: newestFirst[0].at } : {}) };
  for (const cp of newestFirst) {
    if (cp.keyedFrom !== head.keyedFrom) {
      return { ...report, firstBroken: { id: 0, kind: 'forged', reason: `the switch-over record says ${head.keyedFrom ?? 'nothing'}, the checkpoint of ${cp.at} anchored ${cp.keyedFrom ?? 'nothing'} (audit_chain was rewritten)` } };
    }
    if (cp.lastId === 0) continue;
    const entry = await auditHashAt(db, cp.lastId);
    const upTo = await auditCountUpTo(db, cp.lastId);
    const anchored = `the checkpoint of ${cp.at} anchored ${cp.count} entries up to entry ${cp.lastId}`;
    if (!entry && (upTo === 0 || head.lastId < cp.lastId)) {
      const now =
        upTo === 0 ? `the log now holds none of them (${head.count} entries in all): the table was truncated` : `the log now ends at entry ${head.lastId} (${head.count} entries): the newest entries were deleted`;
      return { ...report, firstBroken: { id: cp.lastId, kind: 'truncated', reason: `${anchored}; ${now}` } };
    }
    if (!entry) return { ...report, firstBroken: { id: cp.lastId, kind: 'removed', reason: `entry ${cp.lastId}, anchored at ${cp.at}, is missing (removed mid-chain)` } };
    if (entry.hash !== cp.hash) {
      return { ...report, firstBroken: { id: cp.lastId, kind: 'forged', reason: `its hash differs from the one anchored at ${cp.at} (the chain up to it was recomputed or replaced)` } };
    }
    if (upTo !== cp.count) {
      const kind = upTo < cp.count ? 'removed' : 'inserted';
      return { ...report, firstBroken: { id: cp.lastId, kind, reason: `${upTo} entries up to it where ${anchored} (an entry was ${kind} before it)` } };
    }
  }
  return report;
}
