/**
 * A staff update while SMTP hangs (issue #21 item 3): how long `POST /v1/complaints/:id/responses` takes
 * to answer when the mail server accepts connections and never says a word (a hung host; the SMTP
 * client gives up on the greeting after 15 s).
 *
 *   npm run bench:respond -- [--complaints 12] [--rounds 5] [--concurrency 4] [--smtp hung|up|none]
 *
 * The stack is the one `npm start` runs (bench/stack.ts: embedded Temporal dev server, migrated PGlite
 * or DATABASE_URL, complaint worker with its outbox relay, HTTP API), with SMTP_URL pointing at a
 * loopback TCP server that accepts and never answers (`--smtp hung`, the default). For comparison,
 * `--smtp up` is a working loopback SMTP server (and the bench also reports how long each response email
 * took from its step's transaction to the server: sent_at − created_at), `--smtp none` leaves SMTP_URL
 * unset (email stays in the outbox). `--complaints` complaints with a customer email
 * are created and assigned to h-alice (the dev agent; a supervisor reassigns those routed elsewhere).
 * One warm-up round is not counted; then each round sends one response to every complaint, from
 * `--concurrency` closed-loop clients. Timed path: the HTTP request as the agent's client sees it
 * (fetch → response body), over loopback. Writes bench/results/<time>-respond-<smtp>.json and .md (commit,
 * machine, settings, every round).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { sql } from 'drizzle-orm';
import { installRuntime } from '../src/cli/stack';
import { queryRows } from '../src/db/client';
import { startHungSmtp, startSmtp } from '../test/helpers/loopback';
import { quantile, round } from './load';
import { ROOT, startBenchStack, type BenchStack } from './stack';

const { values } = parseArgs({ options: { complaints: { type: 'string', default: '12' }, rounds: { type: 'string', default: '5' }, concurrency: { type: 'string', default: '4' }, smtp: { type: 'string', default: 'hung' } } });
const smtpMode = values.smtp as 'hung' | 'up' | 'none';
if (!['hung', 'up', 'none'].includes(smtpMode)) throw new Error('--smtp is hung, up or none');
const settings = { complaints: Number(values.complaints), rounds: Number(values.rounds), concurrency: Number(values.concurrency), smtpMode };
const SMTP_SETTING = {
  hung: 'loopback TCP server that accepts and never answers (SMTP client: 15 s connection/greeting timeout)',
  up: 'loopback SMTP server (smtp-server) that accepts every message',
  none: 'SMTP_URL unset: email stays in the outbox',
}[smtpMode];
const AGENT = 'h-alice';
const t0 = performance.now();
const log = (line: string) => console.log(`[bench:respond ${round((performance.now() - t0) / 1000)}s] ${line}`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function api<T>(stack: BenchStack, method: string, url: string, token: string, body?: unknown): Promise<{ status: number; json: T }> {
  const res = await fetch(`${stack.baseUrl}${url}`, { method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: res.status, json: (await res.json()) as T };
}

async function until<T>(what: string, check: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await sleep(200);
  }
}

const TEXTS = ['Your support agent hung up on me twice and nobody called back.', '客服态度很差，电话打了三次都没人处理。', 'I cannot log in to my account since the password reset.'];

/** Complaints with a customer email, assigned to the dev agent. */
async function assignedComplaints(stack: BenchStack, n: number): Promise<string[]> {
  const ids = await Promise.all(
    Array.from({ length: n }, async (_, i) => {
      const r = await api<{ id: string }>(stack, 'POST', '/v1/complaints', 'dev-integrator', { channel: 'web', body: TEXTS[i % TEXTS.length], customer: { email: `respond-${i}@example.com`, language: i % 3 === 1 ? 'zh' : 'en' } });
      if (r.status !== 201) throw new Error(`POST /v1/complaints → ${r.status} ${JSON.stringify(r.json)}`);
      return r.json.id;
    }),
  );
  // Old code waits 15 s per notice on the hung host (acknowledgement, then assignment), so this is generous.
  const rows = await until(
    'every complaint assigned',
    async () => {
      const rs = await queryRows<{ id: string; assignee: string | null }>(stack.database.db, sql`select id, assignee from complaints where id in ${ids} and assigned_at is not null`);
      return rs.length === ids.length ? rs : undefined;
    },
    180_000,
  );
  await Promise.all(
    rows
      .filter((r) => r.assignee !== AGENT)
      .map(async (r) => {
        const res = await api(stack, 'POST', `/v1/complaints/${r.id}/assign`, 'dev-supervisor', { handlerId: AGENT, reason: 'bench: the dev agent answers' });
        if (res.status !== 200) throw new Error(`assign ${r.id} → ${res.status} ${JSON.stringify(res.json)}`);
      }),
  );
  return ids;
}

/** One response to every complaint, from `concurrency` closed-loop clients; each call's latency in ms. */
async function respondRound(stack: BenchStack, ids: string[], concurrency: number, roundNo: number): Promise<number[]> {
  const queue = [...ids];
  const ms: number[] = [];
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let id = queue.shift(); id !== undefined; id = queue.shift()) {
        const start = performance.now();
        const r = await api(stack, 'POST', `/v1/complaints/${id}/responses`, 'dev-agent', { text: `Round ${roundNo}: we are looking into it.` });
        ms.push(performance.now() - start);
        if (r.status !== 200) throw new Error(`respond ${id} → ${r.status} ${JSON.stringify(r.json)}`);
      }
    }),
  );
  return ms;
}

async function main(): Promise<void> {
  installRuntime();
  const hung = smtpMode === 'hung' ? await startHungSmtp() : undefined;
  const up = smtpMode === 'up' ? await startSmtp() : undefined;
  const smtpUrl = hung?.url ?? up?.url;
  log(`SMTP: ${SMTP_SETTING}${smtpUrl ? ` on ${smtpUrl}` : ''}; starting the stack ...`);
  const stack = await startBenchStack(smtpUrl ? { SMTP_URL: smtpUrl } : {});
  const startedAt = new Date().toISOString();
  try {
    log(`creating ${settings.complaints} complaints and waiting until each is assigned to ${AGENT} ...`);
    const ids = await assignedComplaints(stack, settings.complaints);
    log('warm-up round (not counted) ...');
    await respondRound(stack, ids, settings.concurrency, 0);
    const rounds: Array<{ round: number; p50Ms: number; p99Ms: number; maxMs: number; seconds: number }> = [];
    const all: number[] = [];
    for (let r = 1; r <= settings.rounds; r++) {
      const s = performance.now();
      const ms = await respondRound(stack, ids, settings.concurrency, r);
      all.push(...ms);
      rounds.push({ round: r, p50Ms: round(quantile(ms, 0.5)), p99Ms: round(quantile(ms, 0.99)), maxMs: round(Math.max(...ms)), seconds: round((performance.now() - s) / 1000, 2) });
      log(`round ${r}: ${JSON.stringify(rounds.at(-1))}`);
    }
    // With a working server: how long each response email took from its step to the server.
    let deliveryMs: { p50: number; p99: number; max: number } | undefined;
    if (up) {
      const delays = await until(
        'every response email sent',
        async () => {
          const rs = await queryRows<{ ms: number | null }>(
            stack.database.db,
            sql`select extract(epoch from (sent_at - created_at)) * 1000 as ms from notifications where complaint_id in ${ids} and template = 'agent_response' and channel = 'email'`,
          );
          return rs.every((r) => r.ms !== null) ? rs.map((r) => Number(r.ms)) : undefined;
        },
        60_000,
      );
      deliveryMs = { p50: round(quantile(delays, 0.5)), p99: round(quantile(delays, 0.99)), max: round(Math.max(...delays)) };
    }
    const outbox = await queryRows<{ status: string; n: number }>(
      stack.database.db,
      sql`select status, count(*)::int as n from notifications where complaint_id in ${ids} and channel = 'email' and template = 'agent_response' group by status order by status`,
    );
    const p50s = rounds.map((r) => r.p50Ms);
    const p99s = rounds.map((r) => r.p99Ms);
    let commit = 'unknown';
    try {
      commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
      if (execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: ROOT, encoding: 'utf8' }).trim()) commit += '+dirty';
    } catch {
      // not a git checkout
    }
    const cpus = os.cpus();
    const report = {
      bench: 'respond',
      startedAt,
      commit,
      machine: { cpus: cpus.length, cpuModel: cpus[0]?.model ?? 'unknown', memoryGb: round(os.totalmem() / 2 ** 30, 0), loadAverage: os.loadavg().map((x) => round(x)), node: process.version },
      settings: { ...settings, smtp: SMTP_SETTING, database: process.env.DATABASE_URL ? 'postgres' : 'pglite', temporal: process.env.TEMPORAL_ADDRESS ? 'external' : 'embedded dev server (SQLite file)', timed: 'POST /v1/complaints/:id/responses as dev-agent, fetch to response body, loopback' },
      figures: {
        // The median of the rounds' figures with their spread, and all calls pooled.
        p50Ms: { median: quantile(p50s, 0.5), min: Math.min(...p50s), max: Math.max(...p50s) },
        p99Ms: { median: quantile(p99s, 0.5), min: Math.min(...p99s), max: Math.max(...p99s) },
        pooled: { calls: all.length, p50Ms: round(quantile(all, 0.5)), p99Ms: round(quantile(all, 0.99)), maxMs: round(Math.max(...all)) },
        smtpConnections: hung?.connections(),
        responseEmails: Object.fromEntries(outbox.map((o) => [o.status, o.n])),
        responseEmailDeliveryMs: deliveryMs,
      },
      rounds,
    };
    const dir = path.join(ROOT, 'bench', 'results');
    mkdirSync(dir, { recursive: true });
    const base = path.join(dir, `${startedAt.replace(/[:.]/g, '-').replace(/-\d{3}Z$/, 'Z')}-respond-${smtpMode}`);
    writeFileSync(`${base}.json`, `${JSON.stringify(report, null, 2)}\n`);
    const f = report.figures;
    writeFileSync(
      `${base}.md`,
      [
        `# respond, SMTP ${smtpMode}, ${startedAt} (commit ${commit})`,
        '',
        `${report.machine.cpus} × ${report.machine.cpuModel}, ${report.machine.memoryGb} GB, Node ${report.machine.node}, load ${report.machine.loadAverage.join(' ')}.`,
        '',
        `| figure | median of ${settings.rounds} rounds | spread (min–max) |`,
        '| --- | --- | --- |',
        `| p50 | ${f.p50Ms.median} ms | ${f.p50Ms.min}–${f.p50Ms.max} ms |`,
        `| p99 | ${f.p99Ms.median} ms | ${f.p99Ms.min}–${f.p99Ms.max} ms |`,
        '',
        `All ${f.pooled.calls} calls pooled: p50 ${f.pooled.p50Ms} ms, p99 ${f.pooled.p99Ms} ms, max ${f.pooled.maxMs} ms. Response emails by outbox status: ${JSON.stringify(f.responseEmails)}.` +
          (f.smtpConnections === undefined ? '' : ` Connections to the hung host: ${f.smtpConnections}.`) +
          (f.responseEmailDeliveryMs ? ` Step → SMTP server per response email: p50 ${f.responseEmailDeliveryMs.p50} ms, p99 ${f.responseEmailDeliveryMs.p99} ms, max ${f.responseEmailDeliveryMs.max} ms.` : ''),
        '',
        '```json',
        JSON.stringify(report.settings, null, 2),
        '```',
        '',
      ].join('\n'),
    );
    log(`p50 ${f.p50Ms.median} ms (rounds ${p50s.join(', ')}), p99 ${f.p99Ms.median} ms (rounds ${p99s.join(', ')}); pooled ${JSON.stringify(f.pooled)}`);
    log(`response emails ${JSON.stringify(f.responseEmails)}${f.smtpConnections === undefined ? '' : `; connections to the hung host ${f.smtpConnections}`}${f.responseEmailDeliveryMs ? `; step → SMTP server ${JSON.stringify(f.responseEmailDeliveryMs)} ms` : ''}; commit ${commit}`);
    log(`wrote ${base}.json and .md`);
  } finally {
    // Drop the hung connections first, so no send holds the worker's drain for its 15 s timeout.
    await hung?.close();
    await stack.stop();
    await up?.close();
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
