import { DefaultLogger, Runtime, type Worker } from '@temporalio/worker';
import type { FastifyInstance } from 'fastify';
import type { Client } from '@temporalio/client';
import { buildApp } from '../api/app';
import { safeLogger } from '../api/hardening';
import { createReplayer } from '../audit/replayer';
import { auditKeyring, type AuditKeyring } from '../audit/chain';
import { ConfigError, type Config } from '../config';
import { bindAuditKeyring } from '../db/queries/audit';
import { openDatabase, pgliteDirFor, type Database } from '../db/client';
import { rollupFolder } from '../db/queries/analytics-rollup';
import { seedRouting } from '../db/queries/routing';
import { KnowledgeBase } from '../kb/knowledge-base';
import { loadSeedArticles, seedArticles } from '../kb/seed';
import { every } from '../lib/periodic';
import { loadModels } from '../nlp';
import { loadEmbedder } from '../nlp/embedding';
import { useModelFiles } from '../embedded/use-model';
import { startOutboxRelay } from '../notify/deliver';
import { createSenders } from '../notify/senders';
import { loadSlaPolicy } from '../sla/policy';
import { loadRoutingFile } from '../routing/routing-file';
import { loadTriageRules } from '../triage/rules';
import { seedTaxonomy } from '../db/queries/taxonomy';
import { loadTaxonomyFile } from '../taxonomy/taxonomy';
import { connectWorker } from '../temporal/connection';
import { ensureDetectorSchedule, ensureLearningSchedule, ensureRetentionSchedule } from '../temporal/schedules';
import { wakeComplaintsWith } from '../temporal/signals';
import { ensureAuditAnchor } from '../temporal/audit-anchor';
import { createComplaintWorker } from '../worker';

/**
 * The audit keyring of the configuration. Production always has AUDIT_KEY (config refuses to load
 * without it); a development or test caller that has none must set one: no key is ever a constant here.
 */
export function auditKeyringOf(config: Config): AuditKeyring {
  if (!config.audit.key) throw new ConfigError('AUDIT_KEY', 'is not set: the audit chain needs a key of at least 16 characters (see README, Audit log)');
  return auditKeyring(config.audit.key, config.audit.previousKeys);
}

/** Opens the configured database, applies migrations and seeds routing on first start. */
export async function prepareDatabase(config: Config): Promise<Database> {
  const database = await openDatabase({
    url: config.database.url,
    pgliteDir: pgliteDirFor(config.dataDir),
    poolSize: config.database.poolSize,
    auditKeyring: config.audit.key ? auditKeyringOf(config) : undefined,
  });
  await database.migrate();
  await seedRouting(database.db, loadRoutingFile(config.files.routing));
  await seedTaxonomy(database.db, loadTaxonomyFile(config.files.taxonomy));
  await seedArticles(database.db, loadSeedArticles());
  return database;
}

/** How often a worker vacuums the rollup's delta queue: often enough that it stays a few pages long. */
const ROLLUP_VACUUM_EVERY_MS = 30_000;

/** Builds the complaint worker with every dependency wired from config. */
export async function startWorker(config: Config, address: string, database: Database, client: Client): Promise<{ worker: Worker; running: Promise<void> }> {
  bindAuditKeyring(database.db, auditKeyringOf(config));
  const routing = loadRoutingFile(config.files.routing);
  const triageRules = loadTriageRules(config.files.triageRules);
  const taxonomySeed = loadTaxonomyFile(config.files.taxonomy);
  const [models, embedder] = await Promise.all([loadModels(), loadEmbedder(useModelFiles(process.cwd()))]);
  const connection = await connectWorker(config.temporal, address);
  const senders = createSenders(config);
  // The only sender: steps queue their notices and nudge it, it delivers and retries with backoff.
  const relay = startOutboxRelay(database.db, senders, { intervalMs: config.channels.relayIntervalMs, onError: (err) => console.error('outbox relay:', err instanceof Error ? err.message : err) });
  const worker = await createComplaintWorker({
    connection,
    namespace: config.temporal.namespace,
    deps: {
      db: database.db,
      triageRules,
      taxonomySeed,
      confidenceThreshold: config.triage.confidenceThreshold,
      models,
      embedder,
      defaultDepartment: routing.defaultDepartment,
      slaPolicy: loadSlaPolicy(config.files.slaPolicy),
      surveySecret: config.surveys.secret,
      publicBaseUrl: config.surveys.publicBaseUrl,
      unassignedEscalationMs: routing.unassignedEscalationAfter,
      wakeComplaints: wakeComplaintsWith(client),
      outbox: relay,
      kb: new KnowledgeBase(database.db),
    },
    maxActivities: config.worker.maxActivities,
    maxWorkflowTasks: config.worker.maxWorkflowTasks,
  });
  await ensureRetentionSchedule(client, config.retentionDays);
  await ensureDetectorSchedule(client, config.detectorIntervalMinutes);
  await ensureLearningSchedule(client, config.triage.learningIntervalMinutes, config.triage.learningMinCorrections);
  // Anchors the chain head this worker starts from, and keeps anchoring it every interval.
  await ensureAuditAnchor(client, config.audit.anchorIntervalMs);
  // Keeps the analytics rollup's delta table short; one folder at a time across all workers.
  const folder = every(config.database.rollupFoldIntervalMs, rollupFolder(database.db, ROLLUP_VACUUM_EVERY_MS), (err) => console.error('rollup fold:', err instanceof Error ? err.message : err));
  const running = worker.run().finally(async () => {
    await Promise.all([relay.stop(), folder.stop()]);
    senders.email?.close();
    await connection.close();
    await embedder.release();
  });
  return { worker, running };
}

/** Builds the API and starts listening. */
export async function startApi(config: Config, database: Database, client: Client): Promise<FastifyInstance> {
  bindAuditKeyring(database.db, auditKeyringOf(config));
  const app = await buildApp({
    database,
    temporal: client,
    tokens: config.api.tokens,
    bodyLimit: config.api.bodyLimit,
    surveySecret: config.surveys.secret,
    idSecret: config.secrets.ID_SECRET,
    agentVisibility: config.api.agentVisibility,
    reopenWindowMs: config.reopenWindowMs,
    replay: createReplayer(client),
    channels: { publicBaseUrl: config.surveys.publicBaseUrl, twilioAuthToken: config.twilio?.authToken, webhookSecrets: config.channels.webhookSecrets, legacyWebhookSignatures: config.channels.legacyWebhookSignatures, integrators: config.channels.integrators },
    hardening: { rateLimitPerMinute: config.api.rateLimitPerMinute, failedAuthPerMinute: config.api.failedAuthPerMinute, corsOrigins: config.api.corsOrigins },
    logger: safeLogger(config.logLevel),
  });
  await app.listen({ host: config.api.host, port: config.api.port });
  return app;
}

/**
 * The SDK runtime, installed before any worker: we own the shutdown signals (the SDK would otherwise
 * start draining the worker behind our back), and its INFO lines (webpack's bundle report among them)
 * would drown the start banner; warnings still show.
 */
export function installRuntime(): void {
  Runtime.install({ logger: new DefaultLogger('WARN'), shutdownSignals: [] });
}

/** Drains the worker: running activities finish, polling stops, then the promise of run() settles. */
export async function stopWorker(worker: Worker, running: Promise<void>): Promise<void> {
  if (worker.getState() === 'RUNNING') worker.shutdown();
  await running;
}

/**
 * Runs the stop steps in order on SIGINT/SIGTERM; each step runs even if an earlier one failed, so the
 * embedded Temporal server is never left behind. A second signal exits at once.
 */
export function onShutdown(steps: Array<() => Promise<unknown>>): void {
  let stopping = false;
  const handler = async (signal: string) => {
    if (stopping) process.exit(130);
    stopping = true;
    console.error(`\n[complaint-desk] ${signal}: finishing in-flight work and stopping ...`);
    let failed = false;
    for (const step of steps) {
      try {
        await step();
      } catch (err) {
        failed = true;
        console.error('[complaint-desk] shutdown step failed:', err);
      }
    }
    console.error(`[complaint-desk] ${failed ? 'stopped, with a failed step (above)' : 'stopped cleanly'}`);
    process.exit(failed ? 1 : 0);
  };
  process.on('SIGINT', (s) => void handler(s));
  process.on('SIGTERM', (s) => void handler(s));
}

/** Prints a fatal start-up error without a stack for configuration mistakes, and exits. */
export function fail(err: unknown): never {
  const e = err as Error;
  console.error(`[complaint-desk] cannot start: ${e.name === 'ConfigError' || e.name === 'Error' ? e.message : (e.stack ?? String(e))}`);
  process.exit(1);
}
