import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { bundleWorkflowCode, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import type { HistoryAndWorkflowId } from '@temporalio/common';
import { complaintWorkflowId } from '../shared/constants';
import { WORKFLOWS_PATH } from '../worker';

export interface ReplayReport {
  replayed: number;
  failures: Array<{ id: string; runId?: string; error: string }>;
}

let bundle: Promise<WorkflowBundleWithSourceMap> | undefined;

/** The current workflow code, bundled once per process: what replays are judged against. */
export function currentBundle(): Promise<WorkflowBundleWithSourceMap> {
  bundle ??= bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error: console.error } });
  return bundle;
}

/**
 * Replays histories against the current workflow code with the SDK's replayer. A history that the code
 * would not produce again fails with its determinism error; nothing runs for real (no activities).
 */
export async function replayHistories(histories: AsyncIterable<HistoryAndWorkflowId> | Iterable<HistoryAndWorkflowId>, onProgress?: (done: number) => void): Promise<ReplayReport> {
  const report: ReplayReport = { replayed: 0, failures: [] };
  const results = Worker.runReplayHistories({ workflowBundle: await currentBundle(), replayName: 'audit-replay' }, histories);
  for await (const r of results) {
    report.replayed++;
    if (r.error) report.failures.push({ id: r.workflowId.replace(/^complaint-/, ''), runId: r.runId, error: r.error.message });
    onProgress?.(report.replayed);
  }
  return report;
}

/** Histories of the given complaints (every run, so a reopened complaint replays whole). */
export async function* historiesOfComplaints(client: Client, ids: string[]): AsyncIterable<HistoryAndWorkflowId> {
  for (const id of ids) {
    const query = `WorkflowId = '${complaintWorkflowId(id).replace(/'/g, '')}'`;
    yield* client.workflow.list({ query }).intoHistories();
  }
}

/** Histories matching a visibility query, e.g. `ComplaintStatus = 'closed'`. */
export function historiesOfQuery(client: Client, query: string): AsyncIterable<HistoryAndWorkflowId> {
  return client.workflow.list({ query }).intoHistories();
}

/** Histories saved as JSON files (the raw format of GET …/history?format=raw and `temporal workflow show -o json`). */
export async function* historiesInDir(dir: string): AsyncIterable<HistoryAndWorkflowId> {
  for (const f of (await readdir(dir)).filter((n) => n.endsWith('.json')).sort()) {
    yield { workflowId: path.basename(f, '.json'), history: historyFromJSON(JSON.parse(await readFile(path.join(dir, f), 'utf8'))) };
  }
}
