import { type TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { and, eq, ne } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createActivities } from '../../activities';
import { handlers } from '../../src/db/schema';
import type { ComplaintWorkflowInput } from '../../src/shared/types';
import { complaintWorkflow } from '../../workflows';
import { assignUpdate, statusQuery, withdrawUpdate } from '../../workflows/complaint.messages';
import { createTestDatabase, type TestDatabase } from '../helpers/db';
import { eventually } from '../helpers/eventually';
import { activityDeps, quietRuntime, uniqueTaskQueue, workflowBundle, startTimeSkipping } from '../helpers/stack';

// A person's action whose write is an activity (reassignment) must not undo what another person decided
// while that write ran: the core is asked again when it returns, and the later decision stands.

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
}, 60_000);

afterEach(async () => {
  await env?.teardown();
});

const supervisor = { subject: 'sup-1', role: 'supervisor' } as const;
const integrator = { subject: 'dev-integrator', role: 'integrator' } as const;

describe('concurrent actions', () => {
  it('a withdrawal that lands while a reassignment is being written stands: the run ends withdrawn and the reassignment is refused', async () => {
    let entered = false;
    let open!: () => void;
    const gate = new Promise<void>((r) => (open = r));
    const base = createActivities(await activityDeps(database));
    const activities = {
      ...base,
      async reassignComplaint(cmd: Parameters<typeof base.reassignComplaint>[0]): Promise<void> {
        entered = true;
        await gate;
        return base.reassignComplaint(cmd);
      },
    };
    const taskQueue = uniqueTaskQueue('races');
    const worker = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowBundle: await workflowBundle(), activities });
    await worker.runUntil(async () => {
      const i: ComplaintWorkflowInput = {
        id: `race${Date.now().toString(36)}`,
        channel: 'api',
        body: 'The parcel tracking has not moved for days.',
        customer: { email: 'customer@example.com', language: 'en' },
        metadata: {},
        submittedBy: integrator,
        receivedAt: new Date(await env.currentTimeMs()).toISOString(),
      };
      const handle = await env.client.workflow.start(complaintWorkflow, { taskQueue, workflowId: `complaint-${i.id}`, args: [i] });
      const assigned = await eventually(async () => {
        const s = await handle.query(statusQuery);
        return s.status === 'assigned' ? s : undefined;
      }, undefined, 25);
      const [other] = await database.db
        .select()
        .from(handlers)
        .where(and(eq(handlers.departmentId, assigned.department!), eq(handlers.active, true), ne(handlers.id, assigned.assignee!)));
      expect(other, 'a second active handler in the department').toBeDefined();

      const reassign = handle.executeUpdate(assignUpdate, { args: [{ handlerId: other!.id, reason: 'rebalancing', actor: supervisor }] });
      const reassigned = reassign.then(
        () => 'accepted',
        (err: Error) => (err.cause instanceof Error ? err.cause.message : err.message),
      );
      await eventually(async () => (entered ? true : undefined), undefined, 25);
      // The withdrawal is decided at once; its write waits behind the reassignment's, still held.
      const withdraw = handle.executeUpdate(withdrawUpdate, { args: [{ reason: 'sorted it out myself', actor: integrator }] });
      await eventually(async () => ((await handle.query(statusQuery)).status === 'withdrawn' ? true : undefined), undefined, 25);
      open();
      expect(await withdraw).toEqual({ id: i.id, status: 'withdrawn' });
      expect(await reassigned).toMatch(/withdrawn/);
      expect(await handle.result()).toEqual({ id: i.id, status: 'withdrawn' });
    });
  });
});
