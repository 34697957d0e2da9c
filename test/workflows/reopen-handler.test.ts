import { eventually } from '../helpers/eventually';
import type { WorkflowHandle } from '@temporalio/client';
import { type TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { eq } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createActivities } from '../../activities';
import { getComplaint } from '../../src/db/queries/complaints';
import { getTimeline } from '../../src/db/queries/timeline';
import { handlers } from '../../src/db/schema';
import type { BusinessCalendar } from '../../src/shared/sla-types';
import type { ComplaintWorkflowInput } from '../../src/shared/types';
import { complaintWorkflow } from '../../workflows';
import { reopenUpdate, resolveUpdate, statusQuery } from '../../workflows/complaint.messages';
import { createTestDatabase, type TestDatabase } from '../helpers/db';
import { activityDeps, quietRuntime, uniqueTaskQueue, workflowBundle, startTimeSkipping } from '../helpers/stack';

// Issue 20 item 15: a reopened complaint never goes back to a handler who is inactive or off shift;
// it goes to the queue and is assigned afresh to someone who can take it.

let env: TestWorkflowEnvironment;
let database: TestDatabase;

beforeAll(async () => {
  quietRuntime();
  database = await createTestDatabase();
}, 120_000);

afterAll(async () => {
  await database?.dispose();
});

beforeEach(async () => {
  env = await startTimeSkipping();
  await database.db.update(handlers).set({ active: true, shift: null });
}, 60_000);

afterEach(async () => {
  await env?.teardown();
});

async function withWorker<T>(fn: (taskQueue: string) => Promise<T>): Promise<T> {
  const taskQueue = uniqueTaskQueue('reopen');
  const worker = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowBundle: await workflowBundle(), activities: createActivities(await activityDeps(database)) });
  return worker.runUntil(fn(taskQueue));
}

let n = 0;
const input = async (): Promise<ComplaintWorkflowInput> => ({
  id: `ro${Date.now().toString(36)}${n++}`,
  channel: 'api',
  body: 'I was charged twice for my order and want a refund of the duplicate payment.',
  customer: { email: 'customer@example.com', language: 'en' },
  metadata: {},
  submittedBy: { subject: 'test-integrator', role: 'integrator' },
  receivedAt: new Date(await env.currentTimeMs()).toISOString(),
});

const supervisor = { subject: 'sup', role: 'supervisor' as const };

async function untilStatus(handle: WorkflowHandle<typeof complaintWorkflow>, statuses: string[]): Promise<{ status: string; assignee?: string | null }> {
  return eventually(async () => {
    const s = await handle.query(statusQuery);
    return statuses.includes(s.status) ? s : undefined;
  }, undefined, 25);
}

/** A shift with one working hour three days from today: off shift now. */
function offShiftNow(nowMs: number): BusinessCalendar {
  const week: Array<Array<readonly [number, number]>> = [[], [], [], [], [], [], []];
  week[(new Date(nowMs).getUTCDay() + 3) % 7] = [[9 * 60, 10 * 60]];
  return { timeZone: 'UTC', week, exceptions: {} };
}

describe('reopen never assigns to a handler who cannot take the complaint', () => {
  it('a closed complaint whose handler was deactivated is reopened into the queue and assigned to an active handler', async () => {
    await withWorker(async (taskQueue) => {
      const i = await input();
      const handle = await env.client.workflow.start(complaintWorkflow, { taskQueue, workflowId: `complaint-${i.id}`, args: [i] });
      const first = (await untilStatus(handle, ['assigned'])).assignee!;
      expect(first).toBeTruthy();
      await handle.executeUpdate(resolveUpdate, { args: [{ resolution: 'Refunded', actor: supervisor }] });
      expect(await handle.result()).toEqual({ id: i.id, status: 'closed' });
      await database.db.update(handlers).set({ active: false }).where(eq(handlers.id, first));

      const next = await env.client.workflow.start(complaintWorkflow, {
        taskQueue,
        workflowId: `complaint-${i.id}`,
        args: [{ ...i, reopen: { reason: 'charged again', actor: supervisor } }],
        workflowIdReusePolicy: 'ALLOW_DUPLICATE',
      });
      const reopened = await untilStatus(next, ['assigned']);
      expect(reopened.assignee).toBeTruthy();
      expect(reopened.assignee).not.toBe(first);
      const row = await getComplaint(database.db, i.id);
      expect(row?.assignee).toBe(reopened.assignee);
      const [h] = await database.db.select().from(handlers).where(eq(handlers.id, row!.assignee!));
      expect(h?.active).toBe(true);
      const event = (await getTimeline(database.db, i.id)).find((e) => e.type === 'reopened');
      expect(event?.data).toMatchObject({ previousAssignee: first });
    });
  });

  it('a resolved complaint whose handler is off shift is reopened into the queue, not back to them', async () => {
    await withWorker(async (taskQueue) => {
      const i = await input();
      const handle = await env.client.workflow.start(complaintWorkflow, { taskQueue, workflowId: `complaint-${i.id}`, args: [i] });
      const first = (await untilStatus(handle, ['assigned'])).assignee!;
      await handle.executeUpdate(resolveUpdate, { args: [{ resolution: 'Refunded', actor: supervisor }] });
      // Everyone in the department is off shift now: the complaint must wait in the queue.
      const row = await getComplaint(database.db, i.id);
      await database.db.update(handlers).set({ shift: offShiftNow(await env.currentTimeMs()) }).where(eq(handlers.departmentId, row!.department!));
      expect(await handle.executeUpdate(reopenUpdate, { args: [{ reason: 'still charged twice', actor: supervisor }] })).toEqual({ id: i.id, status: 'triaged' });
      const state = await handle.query(statusQuery);
      expect(state).toMatchObject({ status: 'triaged', assignee: null });
      expect((await getComplaint(database.db, i.id))?.assignee).toBeNull();
      expect(first).toBeTruthy();
    });
  });
});
