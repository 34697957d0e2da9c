import { randomBytes } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode, DefaultLogger, NativeConnection, Runtime, type Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import type { FastifyInstance } from 'fastify';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { inject } from 'vitest';
import { registerSearchAttributes } from '../../src/temporal/search-attributes';
import { buildApp, type AppDeps } from '../../src/api/app';
import { createReplayer } from '../../src/audit/replayer';
import { devApiTokens } from '../../src/config';
import { KnowledgeBase } from '../../src/kb/knowledge-base';
import { useModelFiles } from '../../src/embedded/use-model';
import { loadModels, type TriageModels } from '../../src/nlp';
import { loadEmbedder, type Embedder } from '../../src/nlp/embedding';
import { loadSlaPolicy } from '../../src/sla/policy';
import { loadRoutingFile } from '../../src/routing/routing-file';
import { loadTriageRules } from '../../src/triage/rules';
import { loadTaxonomyFile } from '../../src/taxonomy/taxonomy';
import { wakeComplaintsWith } from '../../src/temporal/signals';
import { createComplaintWorker, WORKFLOWS_PATH } from '../../src/worker';
import { startOutboxRelay, type OutboxNudge, type RelayOptions, type Senders } from '../../src/notify/deliver';
import { createTestDatabase, type TestDatabase } from './db';
export { eventually } from './eventually';

let bundle: Promise<WorkflowBundleWithSourceMap> | undefined;

/** The workflow bundle, built once per test file (webpack takes a few seconds). */
export function workflowBundle(): Promise<WorkflowBundleWithSourceMap> {
  bundle ??= bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: { log() {}, trace() {}, debug() {}, info() {}, warn: console.warn, error: console.error } });
  return bundle;
}

let runtimeInstalled = false;

/** Worker INFO lines would bury test output; warnings and errors still show. Once per test process. */
export function quietRuntime(): void {
  if (runtimeInstalled) return;
  runtimeInstalled = true;
  Runtime.install({ logger: new DefaultLogger('WARN'), shutdownSignals: [] });
}

export const uniqueTaskQueue = (name: string): string => `${name}-${randomBytes(4).toString('hex')}`;

export interface TestStack {
  app: FastifyInstance;
  client: Client;
  database: TestDatabase;
  worker: Worker;
  taskQueue: string;
  stop(): Promise<void>;
}

let models: Promise<TriageModels> | undefined;
let embedder: Promise<Embedder> | undefined;

/**
 * Activity dependencies as the real worker wires them (the shipped models load once per test file). The
 * confidence threshold is 0 unless a test asks for one: the lifecycle scenarios are about what happens
 * after routing, and their short texts would otherwise wait for a supervisor (needsHumanTriage).
 */
export async function activityDeps(database: TestDatabase, slaPolicyFile?: string, wakeComplaints: (ids: string[]) => Promise<void> = async () => {}, confidenceThreshold = 0) {
  models ??= loadModels();
  embedder ??= loadEmbedder(useModelFiles(process.cwd()));
  return {
    models: await models,
    embedder: await embedder,
    triageRules: loadTriageRules(),
    taxonomySeed: loadTaxonomyFile(),
    confidenceThreshold,
    unassignedEscalationMs: loadRoutingFile().unassignedEscalationAfter,
    wakeComplaints,
    db: database.db,
    defaultDepartment: loadRoutingFile().defaultDepartment,
    slaPolicy: loadSlaPolicy(slaPolicyFile),
    surveySecret: TEST_SURVEY_SECRET,
    publicBaseUrl: TEST_PUBLIC_BASE_URL,
    // No senders, so no relay: messages stay in the outbox, as on the embedded default without SMTP_URL.
    // Tests that deliver start a relay over their senders (startTestStack does, or call relayOnce).
    outbox: noRelay,
    kb: new KnowledgeBase(database.db),
  };
}

/** Nothing to deliver with: a nudge has no relay to wake. */
const noRelay: OutboxNudge = { nudge: () => undefined };

export const TEST_PUBLIC_BASE_URL = 'http://complaints.test';

export const TEST_SURVEY_SECRET = 'test-survey-secret-0123456789';

/** Keys complaint ids in tests: random per test process, as a development start generates its own. */
export const TEST_ID_SECRET = randomBytes(32).toString('base64url');

/**
 * The whole service for one test file: its own database and task queue, a worker on the shared dev
 * server with its outbox relay over `senders` (none: messages stay pending), and the HTTP app (driven
 * through `inject`). `relay` tunes the relay's sweep and backoff (a test cannot wait 30 s for a retry).
 */
export async function startTestStack(
  name: string,
  opts: { senders?: Senders; relay?: Partial<Pick<RelayOptions, 'intervalMs' | 'retryDelay'>>; channels?: AppDeps['channels']; hardening?: AppDeps['hardening']; logger?: AppDeps['logger']; confidenceThreshold?: number; agentVisibility?: AppDeps['agentVisibility']; reopenWindowMs?: number } = {},
): Promise<TestStack> {
  quietRuntime();
  const address = inject('temporalAddress');
  const taskQueue = uniqueTaskQueue(name);
  const database = await createTestDatabase();
  const nativeConnection = await NativeConnection.connect({ address });
  const connection = await Connection.connect({ address });
  const client = new Client({ connection, namespace: 'default' });
  const relay = startOutboxRelay(database.db, opts.senders ?? {}, { intervalMs: 1000, onError: (err) => console.error('outbox relay:', err), ...opts.relay });
  const worker = await createComplaintWorker({
    connection: nativeConnection,
    namespace: 'default',
    taskQueue,
    workflowBundle: await workflowBundle(),
    deps: { ...(await activityDeps(database, undefined, wakeComplaintsWith(client), opts.confidenceThreshold)), outbox: relay },
  });
  const running = worker.run();
  const app = await buildApp({ database, temporal: client, tokens: devApiTokens(), taskQueue, bodyLimit: 1024 * 1024, surveySecret: TEST_SURVEY_SECRET, idSecret: TEST_ID_SECRET, replay: createReplayer(client), channels: opts.channels, hardening: opts.hardening, logger: opts.logger, agentVisibility: opts.agentVisibility, reopenWindowMs: opts.reopenWindowMs });
  return {
    app,
    client,
    database,
    worker,
    taskQueue,
    async stop() {
      await app.close();
      worker.shutdown();
      await running;
      await relay.stop();
      await nativeConnection.close();
      await connection.close();
      await database.dispose();
    },
  };
}

export const auth = (role: string) => ({ authorization: `Bearer dev-${role}` });

/**
 * A fresh time-skipping test server (the pinned binary), with the search attributes the workflow writes:
 * a test's clock then starts at the real now, whatever an earlier test skipped through.
 */
export async function startTimeSkipping(): Promise<TestWorkflowEnvironment> {
  const env = await TestWorkflowEnvironment.createTimeSkipping({ server: { executable: { type: 'existing-path', path: inject('temporalTestServer') } } });
  await registerSearchAttributes(env.connection, env.namespace ?? 'default');
  return env;
}
