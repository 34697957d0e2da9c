import { performance } from 'node:perf_hooks';
import proto from '@temporalio/proto';
import { sql } from 'drizzle-orm';
import type { WorkflowHandle } from '@temporalio/client';
import { queryRows, type Db } from '../src/db/client';
import { listMessages } from '../src/db/queries/notifications';
import { quantile, round } from './load';
import { intakeRequests } from './intake';
import type { BenchStack } from './stack';

const POLL_MS = 20;
// The proto package is CommonJS: its namespace is reachable through the default export only.
const EVENT_TYPES = proto.temporal.api.enums.v1.EventType;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface TriageLatencyFigures {
  ratePerSecond: number;
  durationS: number;
  sent: number;
  accepted: number;
  assigned: number;
  latencyMs: { p50: number; p90: number; p99: number; max: number };
}

export interface HistoryFigures {
  complaintId: string;
  eventsAtAssigned: number;
  eventsAtClose: number;
  typesAtAssigned: Record<string, number>;
  typesAtClose: Record<string, number>;
}

/** POSTs at a fixed rate (open loop: the schedule does not wait for answers), recording each send time. */
async function sendAtRate(baseUrl: string, rate: number, durationS: number, sent: Map<string, number>): Promise<number> {
  const requests = intakeRequests();
  const total = Math.max(1, Math.round(rate * durationS));
  const start = performance.now();
  const inFlight: Promise<void>[] = [];
  for (let i = 0; i < total; i++) {
    const due = start + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    const r = requests[i % requests.length]!;
    const t0 = performance.now();
    inFlight.push(
      fetch(`${baseUrl}${r.path}`, { method: 'POST', headers: { authorization: 'Bearer dev-integrator', 'content-type': 'application/json' }, body: r.body })
        .then(async (res) => {
          if (res.status === 201) sent.set(((await res.json()) as { id: string }).id, t0);
        })
        .catch(() => {}),
    );
  }
  await Promise.all(inFlight);
  return total;
}

/** Polls the read model for the pending complaints that have reached `assigned`, all in one query per tick. */
async function watchAssigned(db: Db, sent: Map<string, number>, done: Map<string, number>, stop: () => boolean): Promise<void> {
  while (!stop()) {
    const pending = [...sent.keys()].filter((id) => !done.has(id));
    if (pending.length > 0) {
      const rows = await queryRows<{ id: string }>(db, sql`select id from complaints where assigned_at is not null and id in ${pending}`);
      const now = performance.now();
      for (const { id } of rows) done.set(id, now - sent.get(id)!);
    }
    await sleep(POLL_MS);
  }
}

/** POST → `assigned` in the read model, at a fixed rate, for every complaint sent. */
export async function benchTriageLatency(stack: BenchStack, rate: number, durationS: number, tailS: number): Promise<TriageLatencyFigures> {
  const sent = new Map<string, number>();
  const done = new Map<string, number>();
  let sending = true;
  let tailDeadline = Number.POSITIVE_INFINITY;
  const watcher = watchAssigned(stack.database.db, sent, done, () => (!sending && done.size >= sent.size) || performance.now() > tailDeadline);
  const total = await sendAtRate(stack.baseUrl, rate, durationS, sent);
  sending = false;
  tailDeadline = performance.now() + tailS * 1000;
  await watcher;
  // A complaint still not assigned when the wait ended counts as slower than any that was: never dropped.
  const latencies = [...sent.keys()].map((id) => done.get(id) ?? Number.POSITIVE_INFINITY);
  return {
    ratePerSecond: rate,
    durationS,
    sent: total,
    accepted: sent.size,
    assigned: done.size,
    latencyMs: { p50: round(quantile(latencies, 0.5)), p90: round(quantile(latencies, 0.9)), p99: round(quantile(latencies, 0.99)), max: round(Math.max(...latencies)) },
  };
}

const typeCounts = (events: Array<{ eventType?: unknown }>): Record<string, number> => {
  const out: Record<string, number> = {};
  for (const e of events) {
    const name = typeof e.eventType === 'number' ? (EVENT_TYPES[e.eventType] ?? String(e.eventType)) : String(e.eventType);
    const short = name.replace(/^EVENT_TYPE_/, '');
    out[short] = (out[short] ?? 0) + 1;
  }
  return out;
};

async function api<T>(stack: BenchStack, method: string, path: string, token: string | undefined, body?: unknown): Promise<T> {
  const headers: Record<string, string> = body === undefined ? {} : { 'content-type': 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  const res = await fetch(`${stack.baseUrl}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  if (!res.ok) throw new Error(`${method} ${path} → ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

async function until<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await sleep(50);
  }
}

/**
 * The history once the workflow has finished the task that recorded the assignment: its last event is a
 * completed workflow task (or a timer it then started) and nothing was added for 300 ms.
 */
async function settledHistory(handle: WorkflowHandle): Promise<Array<{ eventType?: unknown }>> {
  let last = -1;
  return until('settled history', async () => {
    const events = (await handle.fetchHistory()).events ?? [];
    const tail = events.at(-1)?.eventType;
    const idle = tail === EVENT_TYPES.EVENT_TYPE_WORKFLOW_TASK_COMPLETED || tail === EVENT_TYPES.EVENT_TYPE_TIMER_STARTED;
    const stable = events.length === last;
    last = events.length;
    if (idle && stable) return events;
    await sleep(250);
    return undefined;
  });
}

const statusOf = async (stack: BenchStack, id: string) => (await queryRows<{ status: string }>(stack.database.db, sql`select status from complaints where id = ${id}`))[0]?.status;

/**
 * One complaint through the whole API lifecycle as the e2e test drives it (intake, triage, assignment to
 * a seeded handler, supervisor's resolve, the customer's survey answer, close), counting its history events
 * once it has settled at `assigned` and again when closed.
 */
export async function benchHistory(stack: BenchStack): Promise<HistoryFigures> {
  const created = await api<{ id: string; workflowId: string }>(stack, 'POST', '/v1/complaints', 'dev-integrator', {
    channel: 'web',
    body: 'The parcel never arrived and tracking has not moved for a week.',
    customer: { id: 'bench-history', language: 'en', email: 'bench-history@example.com' },
  });
  const handle = stack.client.workflow.getHandle(created.workflowId);
  await until('assigned', async () => ((await statusOf(stack, created.id)) === 'assigned' ? true : undefined));
  const atAssigned = await settledHistory(handle);
  await api(stack, 'POST', `/v1/complaints/${created.id}/resolve`, 'dev-supervisor', { resolution: 'Reshipped with express delivery.' });
  const link = await until('survey invitation', async () => (await listMessages(stack.database.db, created.id)).find((m) => m.template === 'survey_invitation')?.body.match(/\/v1\/surveys\/(\S+)/)?.[1]);
  await api(stack, 'POST', `/v1/surveys/${link}`, undefined, { score: 5 });
  // The run stays alive through the reopen window after the close: count once the close has settled.
  await until('closed', async () => ((await statusOf(stack, created.id)) === 'closed' ? true : undefined));
  const atClose = await settledHistory(handle);
  return { complaintId: created.id, eventsAtAssigned: atAssigned.length, eventsAtClose: atClose.length, typesAtAssigned: typeCounts(atAssigned), typesAtClose: typeCounts(atClose) };
}
