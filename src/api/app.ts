import { randomUUID } from 'node:crypto';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { Client } from '@temporalio/client';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { jsonSchemaTransform, jsonSchemaTransformObject, serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { ApiToken } from '../config';
import type { Database } from '../db/client';
import { createAuthenticator, routeRoles } from './auth';
import { getComplaint } from '../db/queries/complaints';
import { createEngine } from './engine';
import { registerMetrics } from './metrics';
import { KnowledgeBase } from '../kb/knowledge-base';
import { kbRoutes } from './routes/kb';
import { AppError, errorHandler } from './errors';
import { createAgentScope, type AgentVisibility } from './agent-scope';
import { createComplaintLookup } from './complaint-lookup';
import { createIntake } from './intake';
import { registerHardening, type HardeningOptions } from './hardening';
import { actionRoutes } from './routes/actions';
import { attentionRoutes } from './routes/attention';
import { auditRoutes } from './routes/audit';
import { complaintRoutes } from './routes/complaints';
import { routingRoutes } from './routes/routing';
import { taxonomyRoutes } from './routes/taxonomy';
import { taxonomyModelRoutes } from './routes/taxonomy-models';
import { privacyRoutes } from './routes/privacy';
import { historyRoutes, type HistoryRouteDeps } from './routes/history';
import { channelRoutes } from './routes/channels';
import { outboxRoutes } from './routes/outbox';
import { createSurveyOpener, surveyRoutes } from './routes/surveys';
import { healthRoutes } from './routes/health';
import { analyticsRoutes } from './routes/analytics';
import { dashboardRoutes } from './routes/dashboard';

export interface AppDeps {
  database: Database;
  temporal: Client;
  tokens: readonly ApiToken[];
  bodyLimit?: number;
  logger?: FastifyServerOptions['logger'];
  taskQueue?: string;
  /** Signs survey links; the same secret as the worker's. */
  surveySecret: string;
  /** Keys the derivation of complaint ids from idempotency keys and channel references (ID_SECRET). */
  idSecret: string;
  /** How long a closed complaint may be reopened (REOPEN_WINDOW_DAYS); travels into each new workflow. Default 30 days. */
  reopenWindowMs?: number;
  /** Replays workflow histories against the current code (see src/audit/replay.ts). */
  replay: HistoryRouteDeps['replay'];
  /** Rate limit and CORS (see src/api/hardening.ts). */
  hardening?: HardeningOptions;
  /** What agents may read: their department's complaints (default) or only their own (AGENT_VISIBILITY). */
  agentVisibility?: AgentVisibility;
  /** Inbound channels: Twilio's token checks its webhooks; per-source secrets check the others. */
  channels?: { publicBaseUrl: string; twilioAuthToken?: string; webhookSecrets: Readonly<Record<string, string>>; legacyWebhookSignatures?: boolean; integrators?: Readonly<Record<string, string>> };
}

/** The style element Swagger UI inserts when it renders (swagger-ui-dist 5). */
const SWAGGER_UI_STYLE_HASH = "'sha256-RL3ie0nH+Lzz2YNqQN83mnU0J1ot4QL7b99vMdIX99w='";

// An incoming x-request-id is kept only if it looks like one; anything else could forge log lines.
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** Builds the HTTP app over injected dependencies; the caller decides whether to listen or `inject`. */
export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({
    logger: deps.logger ?? false,
    bodyLimit: deps.bodyLimit ?? 1024 * 1024,
    // Survey tokens travel in the path and are longer than the router's default limit of 100.
    routerOptions: { maxParamLength: 400 },
    // Malformed or over-long URLs are refused before routing; they get the catalogue's error shape too.
    frameworkErrors: (err, req, reply) => errorHandler(err, req, reply),
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    },
  }).withTypeProvider<ZodTypeProvider>();

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler(errorHandler);
  // JSON only: a text/plain body is refused with 415 instead of reaching validation as a string.
  app.removeContentTypeParser(['text/plain']);
  app.setNotFoundHandler((req, reply) => errorHandler(new AppError('NOT_FOUND', `No route ${req.method} ${req.url.split('?')[0]}.`), req, reply));

  app.addHook('onRequest', async (req, reply) => {
    void reply.header('x-request-id', req.id);
  });
  await registerHardening(app, createAuthenticator(deps.tokens), deps.hardening ?? {});

  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: { title: 'Complaint desk API', version: '1.0.0', description: 'Complaint intake, lifecycle actions and audit. See API.md.' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
    // Each guarded operation names the roles it admits (`x-roles`): for readers, and for the fuzzer, which
    // calls every operation with a token that may call it.
    transform: (input) => {
      const out = jsonSchemaTransform(input);
      const roles = routeRoles(input.route.onRequest);
      return roles ? { ...out, schema: { ...out.schema, 'x-roles': [...roles] } } : out;
    },
    transformObject: jsonSchemaTransformObject,
  });
  // The plugin's own policy (scripts from our origin only), plus the one style element Swagger UI adds at
  // run time, by hash (the browser test fails if an upgrade changes it); upgrade-insecure-requests is left
  // out, or the page would load its own files over https from a service that listens on plain http.
  await app.register(swaggerUi, {
    routePrefix: '/docs',
    staticCSP: true,
    transformStaticCSP: (header) => header.replace(/\s*upgrade-insecure-requests;?/, '').replace("style-src 'self' https:", `style-src 'self' https: ${SWAGGER_UI_STYLE_HASH}`).trim(),
  });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  const { complaintsAccepted } = registerMetrics(app);
  const engine = createEngine({ client: deps.temporal, taskQueue: deps.taskQueue, storedStatus: async (id) => (await getComplaint(deps.database.db, id))?.status });
  const pingDb = () => deps.database.ping(2000);
  const pingEngine = () => deps.temporal.connection.withDeadline(Date.now() + 2000, async () => void (await deps.temporal.workflowService.getSystemInfo({})));

  await app.register(healthRoutes({ pingDb, pingEngine }));
  const agents = createAgentScope(deps.database.db, deps.agentVisibility);
  const lookup = createComplaintLookup(deps.database.db, engine, agents);
  const intake = createIntake({ db: deps.database.db, engine, pingDb, complaintsAccepted, idSecret: deps.idSecret, reopenWindowMs: deps.reopenWindowMs });
  await app.register(complaintRoutes({ db: deps.database.db, intake, lookup, agents }));
  await app.register(actionRoutes({ db: deps.database.db, engine, lookup, reopenWindowMs: deps.reopenWindowMs }));
  await app.register(attentionRoutes({ engine, lookup }));
  await app.register(surveyRoutes({ db: deps.database.db, engine, secret: deps.surveySecret }));
  const channels = deps.channels ?? { publicBaseUrl: 'http://localhost', webhookSecrets: {} };
  await app.register(channelRoutes({ db: deps.database.db, engine, intake, idSecret: deps.idSecret, openSurvey: createSurveyOpener(deps.database.db, deps.surveySecret), ...channels }));
  await app.register(outboxRoutes({ db: deps.database.db }));
  await app.register(auditRoutes({ db: deps.database.db }));
  await app.register(routingRoutes({ db: deps.database.db, engine }));
  await app.register(taxonomyRoutes({ db: deps.database.db }));
  await app.register(taxonomyModelRoutes({ db: deps.database.db, temporal: deps.temporal, taskQueue: deps.taskQueue }));
  await app.register(historyRoutes({ client: deps.temporal, lookup, replay: deps.replay }));
  await app.register(privacyRoutes({ db: deps.database.db }));
  await app.register(analyticsRoutes({ db: deps.database.db }));
  await app.register(kbRoutes({ db: deps.database.db, kb: new KnowledgeBase(deps.database.db) }));
  await app.register(dashboardRoutes());
  return app;
}
