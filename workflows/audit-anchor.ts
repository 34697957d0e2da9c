import { condition, continueAsNew, proxyActivities, setHandler, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { AuditAnchorInput, AuditCheckpoint } from '../src/shared/audit-anchor';
import { checkpointSignal, checkpointsQuery } from './audit-anchor.messages';

const { checkpointAuditChain } = proxyActivities<Activities>({ startToCloseTimeout: '1 minute', retry: { maximumInterval: '1 minute' } });

/** Rounds per run before continue-as-new (each is about six events), well inside the history limits. */
const ROUNDS_PER_RUN = 500;

/**
 * Anchors the audit chain outside the database: every interval (and whenever a worker starts) it records
 * the chain's head as an activity result in this workflow's history, which the database owner cannot
 * rewrite. `npm run audit:verify` reads the checkpoints back from the history and compares them with the
 * table, which reveals deleted newest entries, a truncated table and a recomputed chain. The recent
 * checkpoints ride along through continue-as-new in the input, so the newest run's history always holds
 * them.
 */
export async function auditAnchorWorkflow(input: AuditAnchorInput): Promise<never> {
  const checkpoints: AuditCheckpoint[] = [...input.checkpoints];
  let requested = false;
  setHandler(checkpointSignal, () => {
    requested = true;
  });
  setHandler(checkpointsQuery, () => checkpoints);
  for (let round = 0; ; round++) {
    requested = false;
    const cp = await checkpointAuditChain();
    const last = checkpoints[checkpoints.length - 1];
    // An unchanged head adds nothing to check against; the next change is anchored as it happens.
    if (!last || last.lastId !== cp.lastId || last.hash !== cp.hash || last.count !== cp.count || last.keyedFrom !== cp.keyedFrom) {
      checkpoints.push(cp);
      if (checkpoints.length > input.keep) checkpoints.splice(0, checkpoints.length - input.keep);
    }
    await condition(() => requested, input.intervalMs);
    if (round + 1 >= (input.roundsPerRun ?? ROUNDS_PER_RUN) || workflowInfo().continueAsNewSuggested) {
      // A checkpoint asked for just now is taken first thing in the next run.
      await continueAsNew<typeof auditAnchorWorkflow>({ ...input, checkpoints });
    }
  }
}
