import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Client } from '@temporalio/client';
import { tsToMs } from '@temporalio/common';
import proto from '@temporalio/proto';
import { bundleWorkflowCode, Worker } from '@temporalio/worker';
import { sql } from 'drizzle-orm';
import { queryRows, type Db } from '../src/db/client';
import { complaintWorkflowId } from '../src/shared/constants';
import { connectWorker } from '../src/temporal/connection';
import { runLoad, quantile, round, type LoadFigures, type LoadRequest } from './load';
import { SAMPLE_TEXTS } from './sample-texts';
import { ROOT, type BenchStack } from './stack';

const NOOP_QUEUE = 'bench-noop';

export interface RawStartFigures {
  concurrency: number;
  durationS: number;
  started: number;
  failed: number;
  startsPerSecond: number;
  latencyMs: { p50: number; p99: number };
  /** From the first start until the no-op worker had completed every one (or the wait gave up). */
  completedAfterS?: number;
  /** The workflow ids started, for their histories. */
  ids: string[];
  /** Workflow tasks of (up to 60 of) these no-ops: what a task costs on this server and machine right now. */
  workflowTasks?: WorkflowTaskFigures;
}

/** One round: the yardstick, then ours, then the wait until the worker has assigned all of ours. */
export interface IntakeRound {
  raw: RawStartFigures;
  ours: LoadFigures;
  /** POSTs accepted/s over no-op starts/s: the API's overhead on a start. */
  ratio: number;
  backlog: BacklogFigures;
  /** No-ops started and completed over the time from the first start to the last completion. */
  noopsCompletedPerSecond: number;
  /** Complaints accepted and assigned over the time from the first POST to the last assignment. */
  assignedPerSecond: number;
  /** assignedPerSecond / noopsCompletedPerSecond: issue #21's end-to-end figure (target ≥ 0.7). */
  endToEndRatio: number;
  /** The round's complaint runs' workflow tasks, from their histories (WorkflowTaskStarted → Completed). */
  workflowTasks: WorkflowTaskFigures;
}

export interface WorkflowTaskFigures {
  runs: number;
  tasks: number;
  /** Started → completed, server-side event times: what a task cost, including any local activity it ran. */
  maxMs: number;
  p99Ms: number;
  p50Ms: number;
  overOneSecond: number;
}

export interface IntakeFigures {
  rounds: IntakeRound[];
  /** The round with the median ratio: its figures are the ones reported. */
  median: IntakeRound;
  /** The round with the median end-to-end ratio. */
  medianEndToEnd: IntakeRound;
  /** Every round's accepted complaints over every round's intake and drain time. */
  assignedPerSecond: number;
  /** Every round's no-ops over every round's start-and-complete time. */
  noopsCompletedPerSecond: number;
  /** The longest workflow task of any round's complaint runs. */
  maxWorkflowTaskMs: number;
}

export interface BacklogFigures {
  accepted: number;
  assigned: number;
  /** From the start of the round's intake until its last accepted complaint was assigned (or the wait gave up). */
  seconds: number;
  drained: boolean;
}

/** POST bodies cycling through the sample texts, so triage sees every category and both languages. */
export function intakeRequests(): LoadRequest[] {
  return SAMPLE_TEXTS.map((body, i) => ({
    method: 'POST',
    path: '/v1/complaints',
    body: JSON.stringify({ channel: 'web', body, customer: { email: `bench-${i}@example.com`, language: /[\u4e00-\u9fff]/.test(body) ? 'zh' : 'en' } }),
  }));
}

/** The no-op workflow's own bundle and worker, on its own task queue beside the complaint worker. */
export async function startNoopWorker(stack: BenchStack): Promise<{ stop: () => Promise<void> }> {
  const silent = { log() {}, trace() {}, debug() {}, info() {}, warn: console.warn, error: console.error };
  const workflowBundle = await bundleWorkflowCode({ workflowsPath: path.join(ROOT, 'bench', 'noop-workflow.ts'), logger: silent });
  const connection = await connectWorker(stack.config.temporal, stack.address);
  const worker = await Worker.create({ connection, namespace: stack.config.temporal.namespace, taskQueue: NOOP_QUEUE, workflowBundle });
  const running = worker.run();
  return {
    async stop() {
      worker.shutdown();
      await running;
      await connection.close();
    },
  };
}

/** No-op runs of this bench still open: the engine has yet to hand them to the no-op worker, or hear back. */
async function openNoops(client: Client): Promise<number> {
  const { count } = await client.workflow.count(`WorkflowType = 'noopWorkflow' AND ExecutionStatus = 'Running'`);
  return count;
}

/**
 * Waits until the no-op worker has completed every no-op run. The engine starts workflows faster than
 * it runs their first task: a 3 s burst leaves most of its no-ops open (280 of 320). Left open, they ran
 * while our side was measured right after, and ours paid for the yardstick's backlog: ratio 0.73 in the
 * quick run before this wait, 0.93 with it (bench/results/, 2026-11-30).
 */
async function drainNoops(client: Client, sinceMs: number, timeoutS: number): Promise<number> {
  await waitUntil(async () => (await openNoops(client)) === 0, timeoutS);
  return round((performance.now() - sinceMs) / 1000);
}

/** Checks every 200 ms until `done` holds or `timeoutS` has passed; returns whether it held. */
async function waitUntil(done: () => Promise<boolean>, timeoutS: number): Promise<boolean> {
  const deadline = performance.now() + timeoutS * 1000;
  for (;;) {
    if (await done()) return true;
    if (performance.now() >= deadline) return false;
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** `concurrency` loops each starting the no-op workflow as soon as their last start returned. */
export async function rawStarts(client: Client, concurrency: number, durationS: number): Promise<RawStartFigures> {
  const latencies: number[] = [];
  const ids: string[] = [];
  let failed = 0;
  const run = `${process.pid}-${Date.now().toString(36)}`;
  let n = 0;
  const start = performance.now();
  const end = start + durationS * 1000;
  const loop = async () => {
    while (performance.now() < end) {
      const t0 = performance.now();
      const workflowId = `noop-${run}-${n++}`;
      try {
        await client.workflow.start('noopWorkflow', { taskQueue: NOOP_QUEUE, workflowId });
        latencies.push(performance.now() - t0);
        ids.push(workflowId);
      } catch {
        failed++;
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, loop));
  const took = (performance.now() - start) / 1000;
  return {
    concurrency,
    durationS: round(took, 2),
    started: latencies.length,
    failed,
    ids,
    startsPerSecond: round(latencies.length / took),
    latencyMs: { p50: round(quantile(latencies, 0.5)), p99: round(quantile(latencies, 0.99)) },
  };
}

async function complaintIds(db: Db): Promise<Set<string>> {
  const rows = await queryRows<{ id: string }>(db, sql`select id from complaints`);
  return new Set(rows.map((r) => r.id));
}

const { EventType } = proto.temporal.api.enums.v1;

/**
 * Every workflow task of the given complaint runs, from their histories: the gap between a task's
 * WorkflowTaskStarted and its WorkflowTaskCompleted (or Failed / TimedOut) event. A local activity runs
 * inside the task that scheduled it, so its time is in here too; the SDK's TMPRL1104 warning fires at 5 s,
 * this sees every task.
 */
async function workflowTaskDurations(client: Client, workflowIds: string[]): Promise<WorkflowTaskFigures> {
  const gaps: number[] = [];
  const ends = new Set([EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED, EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED, EventType.EVENT_TYPE_WORKFLOW_TASK_TIMED_OUT]);
  for (const id of workflowIds) {
    const history = await client.workflow.getHandle(id).fetchHistory();
    let started: number | undefined;
    for (const e of history.events ?? []) {
      const at = e.eventTime ? tsToMs(e.eventTime) : undefined;
      if (e.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED) started = at;
      else if (started !== undefined && at !== undefined && e.eventType != null && ends.has(e.eventType)) {
        gaps.push(at - started);
        started = undefined;
      }
    }
  }
  return {
    runs: workflowIds.length,
    tasks: gaps.length,
    maxMs: gaps.length ? Math.max(...gaps) : 0,
    p99Ms: round(quantile(gaps, 0.99)),
    p50Ms: round(quantile(gaps, 0.5)),
    overOneSecond: gaps.filter((g) => g > 1000).length,
  };
}

async function countAssigned(db: Db): Promise<number> {
  const [row] = await queryRows<{ n: number }>(db, sql`select count(*)::int as n from complaints where assigned_at is not null`);
  return Number(row!.n);
}

/** Waits until `accepted` more complaints than `before` are assigned: the end of a round's backlog. */
async function drain(db: Db, before: number, accepted: number, sinceMs: number, timeoutS: number): Promise<BacklogFigures> {
  let assigned = 0;
  const drained = await waitUntil(async () => (assigned = (await countAssigned(db)) - before) >= accepted, timeoutS);
  return { accepted, assigned, seconds: round((performance.now() - sinceMs) / 1000), drained };
}

export interface IntakeSettings {
  connections: number;
  /** Seconds of each side of a round. */
  roundS: number;
  rounds: number;
  drainTimeoutS: number;
}

async function intakeRound(stack: BenchStack, s: IntakeSettings): Promise<IntakeRound> {
  const rawSince = performance.now();
  const raw = await rawStarts(stack.client, s.connections, s.roundS);
  raw.completedAfterS = await drainNoops(stack.client, rawSince, s.drainTimeoutS);
  const before = await countAssigned(stack.database.db);
  const known = await complaintIds(stack.database.db);
  const since = performance.now();
  const ours = await runLoad({ baseUrl: stack.baseUrl, token: 'dev-integrator', requests: intakeRequests(), connections: s.connections, durationS: s.roundS });
  const backlog = await drain(stack.database.db, before, ours.ok, since, s.drainTimeoutS);
  const fresh = [...(await complaintIds(stack.database.db))].filter((id) => !known.has(id));
  const workflowTasks = await workflowTaskDurations(stack.client, fresh.map(complaintWorkflowId));
  raw.workflowTasks = await workflowTaskDurations(stack.client, raw.ids.filter((_, i) => i % Math.ceil(raw.ids.length / 60) === 0));
  const noopsCompletedPerSecond = round(raw.started / (raw.completedAfterS ?? NaN));
  const assignedPerSecond = round(backlog.accepted / backlog.seconds);
  return { raw, ours, ratio: round(ours.okPerSecond / raw.startsPerSecond, 2), backlog, noopsCompletedPerSecond, assignedPerSecond, endToEndRatio: round(assignedPerSecond / noopsCompletedPerSecond, 2), workflowTasks };
}

/**
 * Intake at the highest rate the service sustains at `connections` concurrent clients, against the raw
 * engine's rate for no-op starts at the same concurrency, in rounds: raw, the wait until the no-op
 * worker has completed all of them, ours, then the wait until the worker has assigned all of ours, so
 * neither side starts with a backlog, its own or the other's. The dev server's
 * own rate drifts as its SQLite file fills (93 → 81 → 74 no-op starts/s over three rounds), so each
 * ratio compares two runs a few seconds apart, and the median round is reported. A warm-up round
 * first (JIT, connection pools, the worker's caches) is not counted.
 */
export async function benchIntake(stack: BenchStack, s: IntakeSettings): Promise<IntakeFigures> {
  const noop = await startNoopWorker(stack);
  try {
    await intakeRound(stack, { ...s, roundS: 1 });
    const rounds: IntakeRound[] = [];
    for (let i = 0; i < s.rounds; i++) rounds.push(await intakeRound(stack, s));
    const middle = (by: (r: IntakeRound) => number) => [...rounds].sort((a, b) => by(a) - by(b))[Math.floor(rounds.length / 2)]!;
    const sum = (f: (r: IntakeRound) => number) => rounds.reduce((n, r) => n + f(r), 0);
    return {
      rounds,
      median: middle((r) => r.ratio),
      medianEndToEnd: middle((r) => r.endToEndRatio),
      assignedPerSecond: round(sum((r) => r.backlog.accepted) / sum((r) => r.backlog.seconds)),
      noopsCompletedPerSecond: round(sum((r) => r.raw.started) / sum((r) => r.raw.completedAfterS ?? NaN)),
      maxWorkflowTaskMs: Math.max(...rounds.map((r) => r.workflowTasks.maxMs)),
    };
  } finally {
    await noop.stop();
  }
}
