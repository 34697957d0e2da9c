import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../../src/embedded/temporal-dev-server';

// Graceful shutdown of the whole service (`npm start` on the embedded defaults): SIGTERM in the middle of a
// burst of submissions. Every submission answered 2xx must be there after a restart and be triaged;
// the rest must have been refused (never accepted and then lost); the process exits 0.
const dataDir = mkdtempSync(path.join(tmpdir(), 'shutdown-'));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

async function startService(env: Record<string, string>): Promise<{ child: ChildProcess; exited: Promise<number | null>; base: string }> {
  // Its output (and the dev server's) goes to a log, shown only if it fails to start.
  const logFile = path.join(dataDir, `service-${Date.now()}.log`);
  const out = openSync(logFile, 'a');
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/start.ts'], { env: { ...process.env, ...env, DATA_DIR: dataDir, LOG_LEVEL: 'warn' }, stdio: ['ignore', out, out] });
  closeSync(out);
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  const base = `http://127.0.0.1:${env.PORT}`;
  for (let i = 0; i < 900; i++) {
    const ok = await fetch(`${base}/readyz`).then((r) => r.ok).catch(() => false);
    if (ok) return { child, exited, base };
    await sleep(200);
  }
  child.kill('SIGKILL');
  throw new Error(`the service did not become ready in 180 s; its log ends:\n${readFileSync(logFile, 'utf8').slice(-3000)}`);
}

const auth = (role: string) => ({ authorization: `Bearer dev-${role}`, 'content-type': 'application/json' });

describe('SIGTERM under load', () => {
  it('finishes what it accepted, refuses the rest, exits 0; after a restart every accepted complaint is there and triaged', async () => {
    const env = { AUDIT_KEY: randomBytes(32).toString('base64url'), PORT: String(await freePort()), TEMPORAL_PORT: String(await freePort()), TEMPORAL_UI_PORT: String(await freePort()) };
    const first = await startService(env);
    const submit = (i: number) =>
      fetch(`${first.base}/v1/complaints`, { method: 'POST', headers: { ...auth('integrator'), 'idempotency-key': `shutdown-${i}` }, body: JSON.stringify({ channel: 'web', body: `Shutdown test ${i}: my parcel never arrived.`, customer: { id: `sd-${i}`, language: 'en' } }) })
        .then(async (r) => ({ status: r.status, id: r.ok ? ((await r.json()) as { id: string }).id : undefined }))
        .catch(() => ({ status: 0, id: undefined }));
    // A burst in flight, then SIGTERM while it is still arriving.
    const burst: Promise<{ status: number; id?: string }>[] = [];
    for (let i = 0; i < 60; i++) {
      burst.push(submit(i));
      if (i === 20) first.child.kill('SIGTERM');
      await sleep(5);
    }
    const answers = await Promise.all(burst);
    expect(await first.exited).toBe(0);
    const accepted = answers.filter((a) => a.status === 201).map((a) => a.id!);
    // Everything is either accepted (201) or refused outright: no 5xx half-way through.
    expect(answers.filter((a) => a.status !== 201 && a.status !== 0 && a.status !== 503)).toEqual([]);
    expect(accepted.length).toBeGreaterThan(0);

    const second = await startService(env);
    try {
      for (const id of accepted) {
        // Triaged, and assigned while the department's handlers have room (the rest wait in its queue).
        const moved = (s: string) => s === 'assigned' || s === 'triaged';
        let status = '';
        for (let t = 0; t < 300 && !moved(status); t++) {
          status = ((await (await fetch(`${second.base}/v1/complaints/${id}`, { headers: auth('supervisor') })).json()) as { status: string }).status;
          if (!moved(status)) await sleep(100);
        }
        expect([id, moved(status)]).toEqual([id, true]);
      }
    } finally {
      second.child.kill('SIGTERM');
      expect(await second.exited).toBe(0);
    }
  }, 400_000);
});

/** Processes whose command line mentions `needle` (read from /proc: no ps needed). */
function processesMentioning(needle: string): string[] {
  const found: string[] = [];
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
      if (cmd.includes(needle)) found.push(`${pid} ${cmd.slice(0, 160)}`);
    } catch {
      // gone meanwhile
    }
  }
  return found;
}

const portAnswers = (port: string) =>
  new Promise<boolean>((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port: Number(port) });
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });

describe('kill -9', () => {
  it('the embedded Temporal dev server dies with the service, and the next start on the same ports and data comes up', async () => {
    const env = { PORT: String(await freePort()), TEMPORAL_PORT: String(await freePort()), TEMPORAL_UI_PORT: String(await freePort()) };
    const first = await startService(env);
    const sqlite = path.join(dataDir, 'temporal.sqlite');
    expect(await portAnswers(env.TEMPORAL_PORT)).toBe(true);
    expect(processesMentioning(sqlite).length).toBeGreaterThan(0);
    first.child.kill('SIGKILL');
    await first.exited;
    // Nothing of ours may hold the port or the SQLite file for long: the watchdog stops the server.
    let freed = false;
    for (let i = 0; i < 100 && !freed; i++) {
      freed = !(await portAnswers(env.TEMPORAL_PORT)) && processesMentioning(sqlite).length === 0;
      if (!freed) await sleep(200);
    }
    expect({ freed, left: processesMentioning(sqlite) }).toEqual({ freed: true, left: [] });

    const second = await startService(env);
    try {
      const r = await fetch(`${second.base}/v1/complaints`, { method: 'POST', headers: { ...auth('integrator'), 'idempotency-key': 'after-kill-9' }, body: JSON.stringify({ channel: 'web', body: 'After a kill -9 the desk still takes complaints.' }) });
      expect(r.status).toBe(201);
    } finally {
      second.child.kill('SIGTERM');
      expect(await second.exited).toBe(0);
    }
    expect(processesMentioning(sqlite)).toEqual([]);
  }, 400_000);
});
