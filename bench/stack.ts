import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import type { Worker } from '@temporalio/worker';
import type { FastifyInstance } from 'fastify';
import { prepareDatabase, startApi, startWorker, stopWorker } from '../src/cli/stack';
import { loadConfig, type Config } from '../src/config';
import type { Database } from '../src/db/client';
import { ensureTemporalBinaries } from '../src/embedded/tools';
import { freePort, readTemporalDevConfig, startTemporalDevServer, type RunningDevServer } from '../src/embedded/temporal-dev-server';
import { connectClient } from '../src/temporal/connection';
import { freshDatabaseUrl } from './databases';

export const ROOT = path.resolve(import.meta.dirname, '..');

/**
 * The environment `npm start` would see, pointed at throwaway state: a temp DATA_DIR, free ports, the
 * dev tokens, handlers that never fill up, and no per-token rate limit (the bench is one token hammering
 * on purpose). Request logging is off: at thousands of requests a second it would measure the terminal.
 */
export async function benchEnv(dataDir: string, overrides: Record<string, string> = {}): Promise<NodeJS.ProcessEnv> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATA_DIR: dataDir,
    PORT: String(await freePort()),
    TEMPORAL_PORT: String(await freePort()),
    ROUTING_FILE: path.join(ROOT, 'bench', 'routing.yml'),
    RATE_LIMIT_PER_MINUTE: '1000000',
    LOG_LEVEL: 'warn',
    NODE_ENV: 'development',
    // A throwaway key per run: the bench's audit log is discarded with its data directory.
    AUDIT_KEY: randomBytes(32).toString('base64url'),
    ...overrides,
  };
  delete env.API_TOKENS;
  return env;
}

export const tempDir = (name: string): string => mkdtempSync(path.join(os.tmpdir(), `complaint-bench-${name}-`));

/** The same steps as start.ts's temporalFor, headless: the embedded dev server unless TEMPORAL_ADDRESS is set. */
async function startTemporal(config: Config): Promise<{ address: string; server?: RunningDevServer }> {
  if (config.temporal.address) return { address: config.temporal.address };
  const { cli } = ensureTemporalBinaries(config, ROOT);
  const dev = readTemporalDevConfig(config.temporal.devConfigPath);
  const server = await startTemporalDevServer({
    cli,
    config: { ...dev, namespace: config.temporal.namespace },
    dbPath: dev.dbFile ? path.join(config.dataDir, dev.dbFile) : undefined,
    port: config.temporal.portOverride,
    headless: true,
    stdio: 'ignore',
  });
  return { address: server.address, server };
}

export interface BenchStack {
  config: Config;
  address: string;
  database: Database;
  client: Client;
  app: FastifyInstance;
  baseUrl: string;
  stop(): Promise<void>;
}

/** PGlite in the temp DATA_DIR, or a fresh database on the DATABASE_URL server (dropped on stop). */
export async function openBenchDatabase(env: NodeJS.ProcessEnv, name: string): Promise<{ env: NodeJS.ProcessEnv; drop: () => Promise<void> }> {
  if (!env.DATABASE_URL) return { env, drop: async () => {} };
  const fresh = await freshDatabaseUrl(env.DATABASE_URL, name);
  return { env: { ...env, DATABASE_URL: fresh.url }, drop: fresh.drop };
}

/**
 * The whole service as `npm start` runs it (embedded Temporal, migrated database, complaint worker,
 * HTTP API on loopback), built from src/cli/stack.ts so the bench measures what ships. `overrides` are
 * environment variables on top of the bench's own (e.g. SMTP_URL).
 */
export async function startBenchStack(overrides: Record<string, string> = {}): Promise<BenchStack> {
  const dataDir = tempDir('stack');
  const db = await openBenchDatabase(await benchEnv(dataDir, overrides), 'stack');
  const config = loadConfig(db.env, ROOT);
  const temporal = await startTemporal(config);
  const database = await prepareDatabase(config);
  const { client, close: closeClient } = await connectClient(config.temporal, temporal.address);
  const { worker, running } = await startWorker(config, temporal.address, database, client);
  const app = await startApi(config, database, client);
  return {
    config,
    address: temporal.address,
    database,
    client,
    app,
    baseUrl: `http://${config.api.host}:${config.api.port}`,
    stop: () => stopAll(app, worker, running, closeClient, database, db.drop, temporal.server, dataDir),
  };
}

async function stopAll(app: FastifyInstance, worker: Worker, running: Promise<void>, closeClient: () => Promise<void>, database: Database, drop: () => Promise<void>, server: RunningDevServer | undefined, dataDir: string): Promise<void> {
  // Same order as npm start's shutdown; each step runs even if an earlier one failed.
  const steps = [() => app.close(), () => stopWorker(worker, running), closeClient, () => database.close(), drop, async () => server?.stop()];
  for (const step of steps) await step().catch((err: unknown) => console.error('[bench] stop step failed:', err));
  rmSync(dataDir, { recursive: true, force: true });
}
