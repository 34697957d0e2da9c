import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';

const devConfigSchema = z.object({
  namespace: z.string().min(1).default('default'),
  ip: z.string().min(1).default('127.0.0.1'),
  port: z.number().int().min(0).max(65535).default(7233),
  ui: z.boolean().default(true),
  uiPort: z.number().int().min(0).max(65535).default(8233),
  dbFile: z.string().min(1).optional(),
  logLevel: z.enum(['debug', 'info', 'warn', 'error']).default('warn'),
  searchAttributes: z.record(z.string().regex(/^[A-Za-z][A-Za-z0-9_]*$/), z.enum(['Text', 'Keyword', 'Int', 'Double', 'Bool', 'Datetime', 'KeywordList'])).default({}),
  dynamicConfig: z.record(z.string(), z.unknown()).default({}),
});

export type TemporalDevConfig = z.infer<typeof devConfigSchema>;

/** Reads temporal-dev.yml; a bad field names itself and the file. */
export function readTemporalDevConfig(file: string): TemporalDevConfig {
  const parsed = devConfigSchema.safeParse(parseYaml(readFileSync(file, 'utf8')) ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Error(`${path.basename(file)}: ${issue.path.join('.')}: ${issue.message}`);
  }
  return parsed.data;
}

export interface DevServerOptions {
  cli: string;
  config: TemporalDevConfig;
  /** Absolute path of the SQLite file; undefined keeps state in memory (tests). */
  dbPath?: string;
  port?: number;
  uiPort?: number;
  headless?: boolean;
  /** Where the server's own output goes; 'ignore' for tests. */
  stdio?: 'inherit' | 'ignore';
}

export interface RunningDevServer {
  address: string;
  uiUrl?: string;
  namespace: string;
  stop(): Promise<void>;
}

/** A free loopback port, for tests that must not collide with a developer's running `npm start`. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

async function portInUse(ip: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: ip, port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

function buildArgs(o: DevServerOptions, port: number, uiPort: number): string[] {
  const c = o.config;
  const args = ['server', 'start-dev', '--ip', c.ip, '--port', String(port), '--namespace', c.namespace, '--log-level', c.logLevel];
  if (o.headless || !c.ui) args.push('--headless');
  else args.push('--ui-port', String(uiPort));
  if (o.dbPath) args.push('--db-filename', o.dbPath);
  for (const [name, type] of Object.entries(c.searchAttributes)) args.push('--search-attribute', `${name}=${type}`);
  for (const [key, value] of Object.entries(c.dynamicConfig)) args.push('--dynamic-config-value', `${key}=${JSON.stringify(value)}`);
  return args;
}

async function waitUntilServing(address: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the Temporal dev server exited with code ${child.exitCode} while starting`);
    try {
      const connection = await Connection.connect({ address, connectTimeout: 1000 });
      try {
        await connection.workflowService.getSystemInfo({});
        return;
      } finally {
        await connection.close();
      }
    } catch (err) {
      lastError = err;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  throw new Error(`the Temporal dev server did not answer on ${address} within ${timeoutMs} ms: ${String(lastError)}`);
}

/**
 * Runs as `node -e WATCHDOG <parent pid> <cli> <args…>`: starts the server, passes SIGTERM / SIGINT on, and
 * stops it (SIGTERM, SIGKILL after 10 s) as soon as the parent is gone: its pid no longer answers, or this
 * process was handed to another parent. Plain JavaScript with no imports of ours, so it needs no loader.
 * Exits with the server's exit code.
 */
const WATCHDOG = `
const { spawn } = require('node:child_process');
const [parentPid, cli, ...args] = process.argv.slice(1);
const parent = Number(parentPid);
const server = spawn(cli, args, { stdio: 'inherit' });
let stopping = false;
const stop = (signal) => {
  if (stopping) return;
  stopping = true;
  server.kill(signal);
  setTimeout(() => server.kill('SIGKILL'), 10000).unref();
};
for (const s of ['SIGTERM', 'SIGINT']) process.on(s, () => stop(s));
const alive = () => { try { process.kill(parent, 0); return process.ppid === parent; } catch { return false; } };
const timer = setInterval(() => { if (!alive()) stop('SIGTERM'); }, 500);
server.on('exit', (code, signal) => { clearInterval(timer); process.exit(code ?? (signal ? 1 : 0)); });
server.on('error', (err) => { console.error(err.message); process.exit(127); });
`;

/**
 * Starts `temporal server start-dev` as configured and resolves once its frontend answers.
 * The caller owns the process: call stop() (SIGTERM, then SIGKILL after 10 s) on the way out; if the caller
 * dies without stopping it (SIGKILL, a crash), the watchdog stops the server within a second or so.
 */
export async function startTemporalDevServer(o: DevServerOptions): Promise<RunningDevServer> {
  const port = o.port ?? o.config.port;
  const uiPort = o.uiPort ?? o.config.uiPort;
  if (await portInUse(o.config.ip, port)) {
    throw new Error(`port ${port} on ${o.config.ip} is taken: is another Temporal server (or npm start) running? Set TEMPORAL_PORT to use another.`);
  }
  if (o.dbPath) mkdirSync(path.dirname(o.dbPath), { recursive: true });
  // Through a watchdog, so the server never outlives us: a SIGKILLed `npm start` cannot stop its children,
  // and a server left running would hold the port and the SQLite file that the next start needs.
  const child = spawn(process.execPath, ['-e', WATCHDOG, String(process.pid), o.cli, ...buildArgs(o, port, uiPort)], { stdio: ['ignore', o.stdio ?? 'inherit', o.stdio ?? 'inherit'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const address = `${o.config.ip}:${port}`;
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  };
  try {
    await waitUntilServing(address, child, 60_000);
  } catch (err) {
    await stop();
    throw err;
  }
  const headless = o.headless || !o.config.ui;
  return { address, uiUrl: headless ? undefined : `http://${o.config.ip}:${uiPort}`, namespace: o.config.namespace, stop };
}
