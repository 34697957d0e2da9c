import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { RetrainOutcome } from '../activities/taxonomy-learning';

const { retrainTaxonomyModel } = proxyActivities<Activities>({
  // Training embeds every example and correction once: minutes at most, even with thousands of them.
  startToCloseTimeout: '15 minutes',
  retry: { maximumInterval: '1 minute', maximumAttempts: 5 },
});

export interface LearningRequest {
  /** Retrain once this many corrections came in since the active model. */
  minCorrections: number;
  /** Retrain now, whatever came in (an admin's request). */
  force?: boolean;
  actor?: string;
}

/**
 * The learning loop, run by a Temporal Schedule: supervisors' category corrections retrain the taxonomy
 * classifier once enough of them came in. The activity judges the candidate on held-back corrections
 * and swaps it in only if it is not worse; every model is kept, named, for the learning curve and a
 * roll back. This only orchestrates: the decision is in the activity, recorded in this run's history.
 */
export async function taxonomyLearningWorkflow(req: LearningRequest): Promise<RetrainOutcome> {
  return retrainTaxonomyModel(req);
}
