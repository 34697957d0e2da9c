import { type Client, ScheduleAlreadyRunning } from '@temporalio/client';
import { TASK_QUEUE } from '../shared/constants';

export const RETENTION_SCHEDULE_ID = 'complaint-retention';

/**
 * Creates the daily retention schedule once; a later start finds it and, if the retention period
 * changed, updates it. Schedules live in Temporal, so any number of workers share one.
 */
export async function ensureRetentionSchedule(client: Client, days: number, taskQueue = TASK_QUEUE): Promise<void> {
  const action = { type: 'startWorkflow' as const, workflowType: 'retentionWorkflow', taskQueue, args: [{ days }] };
  try {
    await client.schedule.create({ scheduleId: RETENTION_SCHEDULE_ID, spec: { intervals: [{ every: '1 day' }] }, action });
  } catch (err) {
    if (!(err instanceof ScheduleAlreadyRunning)) throw err;
    await client.schedule.getHandle(RETENTION_SCHEDULE_ID).update((s) => ({ ...s, action }));
  }
}
