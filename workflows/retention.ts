import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities';

const { applyRetention } = proxyActivities<Activities>({ startToCloseTimeout: '5 minutes', retry: { maximumInterval: '5 minutes' } });

export interface RetentionInput {
  /** Closed complaints older than this many days lose their personal data. */
  days: number;
}

/** Run by a Temporal Schedule (daily): redacts expired complaints in batches until none are left. */
export async function retentionWorkflow({ days }: RetentionInput): Promise<number> {
  let total = 0;
  for (;;) {
    const n = await applyRetention(days);
    total += n;
    if (n === 0) return total;
  }
}
