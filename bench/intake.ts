import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Client } from '@temporalio/client';
import { bundleWorkflowCode, Worker } from '@temporalio/worker';
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
}

export interface IntakeFigures {
  /** Accepted in the one-second warm-up before `ours`: they join the worker's backlog too. */
  warmUpAccepted: number;
  ours: LoadFigures;
  raw: RawStartFigures;
  ratio: number;
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

/** `concurrency` loops each starting the no-op workflow as soon as their last start returned. */
export async function rawStarts(client: Client, concurrency: number, durationS: number): Promise<RawStartFigures> {
  const latencies: number[] = [];
  let failed = 0;
  const run = `${process.pid}-${Date.now().toString(36)}`;
  let n = 0;
  const start = performance.now();
  const end = start + durationS * 1000;
  const loop = async () => {
    while (performance.now() < end) {
      const t0 = performance.now();
      try {
        await client.workflow.start('noopWorkflow', { taskQueue: NOOP_QUEUE, workflowId: `noop-${run}-${n++}` });
        latencies.push(performance.now() - t0);
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
    startsPerSecond: round(latencies.length / took),
    latencyMs: { p50: round(quantile(latencies, 0.5)), p99: round(quantile(latencies, 0.99)) },
  };
}

/**
 * Intake at the highest rate the service sustains at `connections` concurrent clients, against the raw
 * engine's rate for no-op starts at the same concurrency. Raw goes first so that the complaint worker's
 * backlog from our run (triage and assignment of every accepted complaint) does not slow the yardstick.
 */
export async function benchIntake(stack: BenchStack, connections: number, durationS: number): Promise<IntakeFigures> {
  const noop = await startNoopWorker(stack);
  try {
    await rawStarts(stack.client, connections, 1); // warm-up: connection, JIT
    const raw = await rawStarts(stack.client, connections, durationS);
    const warmUp = await runLoad({ baseUrl: stack.baseUrl, token: 'dev-integrator', requests: intakeRequests(), connections: 2, durationS: 1 });
    const ours = await runLoad({ baseUrl: stack.baseUrl, token: 'dev-integrator', requests: intakeRequests(), connections, durationS });
    return { warmUpAccepted: warmUp.ok, ours, raw, ratio: round(ours.okPerSecond / raw.startsPerSecond, 2) };
  } finally {
    await noop.stop();
  }
}
