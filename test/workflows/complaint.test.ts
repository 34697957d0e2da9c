import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { createActivities } from '../../activities';
import { handlers } from '../../src/db/schema';
import { registerSearchAttributes } from '../../src/temporal/search-attributes';
import { getComplaint } from '../../src/db/queries/complaints';
import { getTimeline } from '../../src/db/queries/timeline';
import type { ComplaintWorkflowInput } from '../../src/shared/types';
import { complaintWorkflow } from '../../workflows';
import { resolveUpdate, statusQuery } from '../../workflows/complaint.messages';
import { createTestDatabase, type TestDatabase } from '../helpers/db';
import { activityDeps, quietRuntime, uniqueTaskQueue, workflowBundle } from '../helpers/stack';

let env: TestWorkflowEnvironment;
let database: TestDatabase;

beforeAll(async () => {
  quietRuntime();
  env = await TestWorkflowEnvironment.createTimeSkipping({ server: { executable: { type: 'existing-path', path: inject('temporalTestServer') } } });
  await registerSearchAttributes(env.connection, env.namespace ?? 'default');
  database = await createTestDatabase();
}, 120_000);

afterAll(async () => {
  await env?.teardown();
  await database?.dispose();
});

let n = 0;
const input = (body: string, extra: Partial<ComplaintWorkflowInput> = {}): ComplaintWorkflowInput => ({
  id: `wf${Date.now().toString(36)}${n++}`,
  channel: 'api',
  body,
  customer: {},
  metadata: {},
  submittedBy: { subject: 'test-integrator', role: 'integrator' },
  receivedAt: new Date().toISOString(),
  ...extra,
});

async function withWorker<T>(fn: (taskQueue: string) => Promise<T>): Promise<T> {
  const taskQueue = uniqueTaskQueue('wf');
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle: await workflowBundle(),
    activities: createActivities(activityDeps(database)),
  });
  return worker.runUntil(fn(taskQueue));
}

describe('complaintWorkflow', () => {
  it('persists, triages, assigns, and closes after a resolve update', async () => {
    await withWorker(async (taskQueue) => {
      const i = input('我的快递一直没收到，物流信息一周没有更新', { customer: { language: 'zh' } });
      const handle = await env.client.workflow.start(complaintWorkflow, { taskQueue, workflowId: `complaint-${i.id}`, args: [i] });
      // Poll the live state until the assignment lands.
      for (let t = 0; t < 100 && (await handle.query(statusQuery)).status !== 'assigned'; t++) await new Promise((r) => setTimeout(r, 50));
      const live = await handle.query(statusQuery);
      expect(live).toMatchObject({ status: 'assigned', category: 'delivery', department: 'logistics' });
      expect(['h-wang', 'h-dave']).toContain(live.assignee);

      await expect(handle.executeUpdate(resolveUpdate, { args: [{ resolution: '   ', actor: { subject: 'sup', role: 'supervisor' } }] })).rejects.toBeInstanceOf(WorkflowUpdateFailedError);
      const done = await handle.executeUpdate(resolveUpdate, { args: [{ resolution: '已补发', actor: { subject: 'sup', role: 'supervisor' } }] });
      expect(done).toEqual({ id: i.id, status: 'resolved' });
      expect(await handle.result()).toEqual({ id: i.id, status: 'closed' });

      const row = await getComplaint(database.db, i.id);
      expect(row).toMatchObject({ status: 'closed', resolution: '已补发', language: 'zh' });
      expect((await getTimeline(database.db, i.id)).map((e) => e.type)).toEqual(['received', 'triaged', 'assigned', 'resolved', 'closed']);
      // The validator refused the blank resolution before it reached history: no event for it.
      const history = await handle.fetchHistory();
      const updates = history.events!.filter((e) => e.workflowExecutionUpdateAcceptedEventAttributes);
      expect(updates).toHaveLength(1);
    });
  });

  it('waits in the department queue and re-checks on a durable timer until a handler has room', async () => {
    // Nobody in quality has room: the complaint must wait as triaged, not fail or be lost.
    await database.db.update(handlers).set({ capacity: 0 }).where(eq(handlers.departmentId, 'quality'));
    await withWorker(async (taskQueue) => {
      const i = input('The blender arrived broken and defective.', { customer: { language: 'en' } });
      const handle = await env.client.workflow.start(complaintWorkflow, { taskQueue, workflowId: `complaint-${i.id}`, args: [i] });
      for (let t = 0; t < 100 && (await handle.query(statusQuery)).status !== 'triaged'; t++) await new Promise((r) => setTimeout(r, 50));
      expect((await handle.query(statusQuery)).status).toBe('triaged');

      await database.db.update(handlers).set({ capacity: 5 }).where(eq(handlers.id, 'h-erin'));
      // Skip past the 5-minute re-check: time-skipping makes this instant.
      await env.sleep('6 minutes');
      const live = await handle.query(statusQuery);
      expect(live).toMatchObject({ status: 'assigned', assignee: 'h-erin' });
      const [erin] = await database.db.select().from(handlers).where(eq(handlers.id, 'h-erin'));
      expect(erin!.openCount).toBe(1);
      await handle.executeUpdate(resolveUpdate, { args: [{ resolution: 'Replaced', actor: { subject: 'sup', role: 'supervisor' } }] });
      await handle.result();
      const [after] = await database.db.select().from(handlers).where(eq(handlers.id, 'h-erin'));
      expect(after!.openCount).toBe(0);
    });
  });
});
