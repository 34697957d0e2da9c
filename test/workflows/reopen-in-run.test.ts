import { eventually } from '../helpers/eventually';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { historyToJSON, type History } from '@temporalio/common/lib/proto-utils';
import { WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import { type TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { eq } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createActivities } from '../../activities';
import { getComplaint } from '../../src/db/queries/complaints';
import { getTimeline } from '../../src/db/queries/timeline';
import { departments, handlers, surveys } from '../../src/db/schema';
import { computeDeadlines } from '../../src/shared/sla-clock';
import { loadSlaPolicy } from '../../src/sla/policy';
import type { BusinessCalendar } from '../../src/shared/sla-types';
import type { ComplaintWorkflowInput } from '../../src/shared/types';
import { complaintWorkflow } from '../../workflows';
import { noteUpdate, reopenUpdate, resolveUpdate, statusQuery, surveyUpdate, withdrawUpdate } from '../../workflows/complaint.messages';
import { createTestDatabase, type TestDatabase } from '../helpers/db';
import { activityDeps, quietRuntime, uniqueTaskQueue, workflowBundle, startTimeSkipping } from '../helpers/stack';

// Issue 21: since 'lifecycle-core' a closed complaint's run stays alive through its reopen window, so a
// reopen is an update on the same run that keeps what the run knows (the department's calendar, the
// unassigned escalation) instead of a new run rebuilt from the read model.

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
  await database.db.update(departments).set({ calendar: null });
}, 60_000);

afterEach(async () => {
  await env?.teardown();
});

async function withWorker<T>(fn: (taskQueue: string) => Promise<T>): Promise<T> {
  const taskQueue = uniqueTaskQueue('core');
  const worker = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowBundle: await workflowBundle(), activities: createActivities(await activityDeps(database)) });
  return worker.runUntil(fn(taskQueue));
}

let n = 0;
const input = async (body: string, extra: Partial<ComplaintWorkflowInput> = {}): Promise<ComplaintWorkflowInput> => ({
  id: `co${Date.now().toString(36)}${n++}`,
  channel: 'api',
  body,
  customer: { email: 'customer@example.com', language: 'en' },
  metadata: {},
  submittedBy: { subject: 'test-integrator', role: 'integrator' },
  receivedAt: new Date(await env.currentTimeMs()).toISOString(),
  ...extra,
});

const supervisor = { subject: 'sup', role: 'supervisor' as const };
/** Every hour of every day, in UTC: a department that works around the clock. */
const ALWAYS: BusinessCalendar = { timeZone: 'UTC', week: Array.from({ length: 7 }, () => [[0, 1440] as const]), exceptions: {} };

type Handle = WorkflowHandle<typeof complaintWorkflow>;

async function untilStatus(handle: Handle, status: string): Promise<void> {
  await eventually(async () => ((await handle.query(statusQuery)).status === status ? true : undefined), undefined, 25);
}

async function eventsOfType(id: string, type: string, n = 1) {
  return eventually(async () => {
    const found = (await getTimeline(database.db, id)).filter((e) => e.type === type);
    return found.length >= n ? found : undefined;
  }, undefined, 25);
}

/** Resolves, answers the survey with a 5 and waits for the close. */
async function close(handle: Handle, id: string): Promise<void> {
  await handle.executeUpdate(resolveUpdate, { args: [{ resolution: 'Sorted', actor: supervisor }] });
  // The invitation of this resolution: a reopened complaint has had one before.
  const nonce = await eventually(async () => (await database.db.select().from(surveys).where(eq(surveys.complaintId, id))).find((r) => r.answeredAt === null)?.nonce, undefined, 25);
  await handle.executeUpdate(surveyUpdate, { args: [{ score: 5, nonce }] });
  await untilStatus(handle, 'closed');
}

/** With RECORD_HISTORIES=1: golden histories of the new shape for test/workflows/replay.test.ts. */
async function keepHistory(name: string, handle: { fetchHistory(): Promise<History> }): Promise<void> {
  if (process.env.RECORD_HISTORIES !== '1') return;
  writeFileSync(path.join('test', 'histories', `${name}.json`), historyToJSON(await handle.fetchHistory()));
}

/** The next Saturday 12:00 UTC at least a day after `ms`: a weekend evening in Shanghai, the global calendar's zone. */
function saturdayNoonAfter(ms: number): number {
  const t = new Date(ms + 24 * 3600_000);
  t.setUTCHours(12, 0, 0, 0);
  while (t.getUTCDay() !== 6) t.setUTCDate(t.getUTCDate() + 1);
  return t.getTime();
}

describe('reopen after close: the same run, with what it knew', () => {
  it('keeps the workflow run and the department calendar: the new cycle is due by the department hours, not the global ones', async () => {
    await database.db.update(departments).set({ calendar: ALWAYS }).where(eq(departments.id, 'logistics'));
    await withWorker(async (taskQueue) => {
      const i = await input('The parcel tracking has not moved.'); // P3 delivery: 8 working hours to respond
      const handle = await env.client.workflow.start(complaintWorkflow, { taskQueue, workflowId: `complaint-${i.id}`, args: [i] });
      await untilStatus(handle, 'assigned');
      expect(await handle.query(statusQuery)).toMatchObject({ department: 'logistics', priority: 'P3' });
      const runId = (await handle.describe()).runId;
      await close(handle, i.id);

      await env.sleep(saturdayNoonAfter(await env.currentTimeMs()) - (await env.currentTimeMs()));
      expect(await handle.executeUpdate(reopenUpdate, { args: [{ reason: 'it happened again', actor: supervisor }] })).toEqual({ id: i.id, status: 'in_progress' });
      expect((await handle.describe()).runId).toBe(runId);
      const [reopened] = await eventsOfType(i.id, 'reopened');
      const reopenedAt = reopened!.at.getTime();
      const due = (await handle.query(statusQuery)).sla!.firstResponseDueAt!;
      // The department works around the clock: 8 hours after the reopen, on a Saturday.
      expect(due).toBe(new Date(reopenedAt + 8 * 3600_000).toISOString());
      // The global policy (Shanghai, weekdays 09-18) would have put it into the next week (what the restart path did).
      const global = computeDeadlines(loadSlaPolicy(), 'P3', 'delivery', { startedAtMs: reopenedAt, pauses: [] }, reopenedAt).firstResponse.dueAt!;
      expect(global - reopenedAt).toBeGreaterThan(24 * 3600_000);
      expect((await getComplaint(database.db, i.id))!.reopenCount).toBe(1);

      // Worked as any open complaint, in the same run, to a second close.
      await close(handle, i.id);
      expect((await getTimeline(database.db, i.id)).map((e) => e.type).filter((t) => !['notification', 'kb_draft', 'survey_answered'].includes(t))).toEqual([
        'received', 'triaged', 'assigned', 'resolved', 'closed', 'reopened', 'resolved', 'closed',
      ]);
      await keepHistory('core-reopen-in-run', handle);
      await handle.terminate('test over');
    });
  });

  it('keeps the unassigned escalation: reopened into a queue with nobody eligible, it escalates after the configured 30 minutes; never to an inactive handler', async () => {
    await withWorker(async (taskQueue) => {
      const i = await input('The toaster arrived broken and defective.');
      const handle = await env.client.workflow.start(complaintWorkflow, { taskQueue, workflowId: `complaint-${i.id}`, args: [i] });
      await untilStatus(handle, 'assigned');
      const { assignee, department } = await handle.query(statusQuery);
      await close(handle, i.id);
      // Everyone in the department leaves: the handler who had it among them.
      await database.db.update(handlers).set({ active: false }).where(eq(handlers.departmentId, department!));

      expect(await handle.executeUpdate(reopenUpdate, { args: [{ reason: 'broken again', actor: supervisor }] })).toEqual({ id: i.id, status: 'triaged' });
      expect(await handle.query(statusQuery)).toMatchObject({ status: 'triaged', assignee: null });
      const [reopened] = await eventsOfType(i.id, 'reopened');
      expect(reopened!.data).toMatchObject({ previousAssignee: assignee });
      await env.sleep('29 minutes');
      expect((await getTimeline(database.db, i.id)).some((e) => e.type === 'escalated')).toBe(false);
      expect(await handle.query(statusQuery)).toMatchObject({ status: 'triaged', assignee: null });
      await env.sleep('2 minutes');
      const [escalated] = await eventsOfType(i.id, 'escalated');
      expect(escalated!.data).toMatchObject({ level: 1, reason: 'unassigned_too_long' });
      expect(escalated!.at.getTime() - reopened!.at.getTime()).toBeGreaterThanOrEqual(30 * 60_000);
      expect((await getComplaint(database.db, i.id))!.assignee).toBeNull();
      await handle.terminate('test over');
    });
  });

  it('after the reopen window the run ends, and a reopen is refused', async () => {
    await withWorker(async (taskQueue) => {
      const i = await input('The staff ignored my question.', { reopenWindowMs: 2 * 24 * 3600_000 });
      const handle = await env.client.workflow.start(complaintWorkflow, { taskQueue, workflowId: `complaint-${i.id}`, args: [i] });
      await untilStatus(handle, 'assigned');
      await close(handle, i.id);
      const [closed] = await eventsOfType(i.id, 'closed');
      expect(closed!.data).toEqual({ reopenableUntil: new Date(closed!.at.getTime() + 2 * 24 * 3600_000).toISOString() });
      await env.sleep('1 day');
      expect((await handle.describe()).status.name).toBe('RUNNING');
      expect(await handle.result()).toEqual({ id: i.id, status: 'closed' }); // time skips to the end of the window
      expect((await env.currentTimeMs()) - closed!.at.getTime()).toBeGreaterThanOrEqual(2 * 24 * 3600_000);
      expect((await handle.describe()).status.name).toBe('COMPLETED');
      await expect(handle.executeUpdate(reopenUpdate, { args: [{ reason: 'too late', actor: supervisor }] })).rejects.toThrow();
    });
  });

  it('a withdrawn complaint ends its run', async () => {
    await withWorker(async (taskQueue) => {
      const i = await input('The staff were rude to me.');
      const handle = await env.client.workflow.start(complaintWorkflow, { taskQueue, workflowId: `complaint-${i.id}`, args: [i] });
      await untilStatus(handle, 'assigned');
      await handle.executeUpdate(withdrawUpdate, { args: [{ reason: 'sorted', actor: { subject: 'test-integrator', role: 'integrator' } }] });
      expect(await handle.result()).toEqual({ id: i.id, status: 'withdrawn' });
      await expect(handle.executeUpdate(reopenUpdate, { args: [{ reason: 'x', actor: supervisor }] })).rejects.toBeInstanceOf(Error);
    });
  });

  it('continue-as-new after a reopen carries the core state as it is: reopen count, calendar, clock, level', async () => {
    await database.db.update(departments).set({ calendar: ALWAYS }).where(eq(departments.id, 'logistics'));
    await withWorker(async (taskQueue) => {
      const i = { ...(await input('The parcel tracking has not moved.')), historyLimit: 80 };
      const handle = await env.client.workflow.start(complaintWorkflow, { taskQueue, workflowId: `complaint-${i.id}`, args: [i] });
      await untilStatus(handle, 'assigned');
      await close(handle, i.id);
      await handle.executeUpdate(reopenUpdate, { args: [{ reason: 'again', actor: supervisor }] });
      const before = await handle.query(statusQuery);
      const firstRun = (await handle.describe()).runId;
      let runId = firstRun;
      for (let k = 0; k < 40 && runId === firstRun; k++) {
        await handle.executeUpdate(noteUpdate, { args: [{ text: `note ${k}`, actor: supervisor }] }).catch(() => undefined);
        runId = (await env.client.workflow.getHandle(handle.workflowId).describe()).runId;
      }
      expect(runId).not.toBe(firstRun);
      const next = env.client.workflow.getHandle(handle.workflowId);
      const after = await next.query(statusQuery);
      expect(after).toMatchObject({ status: before.status, assignee: before.assignee, department: 'logistics', sla: before.sla });
      // A reopen after the next close still counts on from the first one.
      await close(next as Handle, i.id);
      await next.executeUpdate(reopenUpdate, { args: [{ reason: 'and again', actor: supervisor }] });
      expect((await getComplaint(database.db, i.id))!.reopenCount).toBe(2);
      const seqs = (await getTimeline(database.db, i.id)).map((e) => e.seq);
      expect(new Set(seqs).size).toBe(seqs.length);
      await expect(next.executeUpdate(reopenUpdate, { args: [{ reason: 'x', actor: supervisor }] })).rejects.toBeInstanceOf(WorkflowUpdateFailedError);
      await keepHistory('core-continued-as-new-after-reopen', next);
      await next.terminate('test over');
    });
  });
});
