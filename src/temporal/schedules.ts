import { type Client, ScheduleAlreadyRunning } from '@temporalio/client';
import { TASK_QUEUE } from '../shared/constants';
import { DETECTOR_SCHEDULE_ID } from '../shared/detector';

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

/**
 * Creates the early-warning schedule (every `minutes`) once; a later start updates its interval.
 * Overlap SKIP: a slow run is never doubled up by the next tick.
 */
export async function ensureDetectorSchedule(client: Client, minutes: number, taskQueue = TASK_QUEUE): Promise<void> {
  const action = { type: 'startWorkflow' as const, workflowType: 'detectorWorkflow', taskQueue, args: [] };
  const spec = { intervals: [{ every: `${minutes} minutes` }] };
  try {
    await client.schedule.create({ scheduleId: DETECTOR_SCHEDULE_ID, spec, action, policies: { overlap: 'SKIP' } });
  } catch (err) {
    if (!(err instanceof ScheduleAlreadyRunning)) throw err;
    await client.schedule.getHandle(DETECTOR_SCHEDULE_ID).update((s) => ({ ...s, spec, action }));
  }
}

export const LEARNING_SCHEDULE_ID = 'taxonomy-learning';

/**
 * Creates the learning loop's schedule (every `minutes`: retrain once `minCorrections` corrections came
 * in) once; a later start updates it. Overlap SKIP: one training at a time.
 */
export async function ensureLearningSchedule(client: Client, minutes: number, minCorrections: number, taskQueue = TASK_QUEUE): Promise<void> {
  const action = { type: 'startWorkflow' as const, workflowType: 'taxonomyLearningWorkflow', taskQueue, args: [{ minCorrections }] };
  const spec = { intervals: [{ every: `${minutes} minutes` }] };
  try {
    await client.schedule.create({ scheduleId: LEARNING_SCHEDULE_ID, spec, action, policies: { overlap: 'SKIP' } });
  } catch (err) {
    if (!(err instanceof ScheduleAlreadyRunning)) throw err;
    await client.schedule.getHandle(LEARNING_SCHEDULE_ID).update((s) => ({ ...s, spec, action }));
  }
}
