import path from 'node:path';
import { z } from 'zod';
import { MissingSecretsError, MIN_SECRET_LENGTH, resolveSecrets, type ResolvedSecrets, type Secrets } from './secrets';
import { ROLES, type Role } from './shared/constants';

/**
 * The only reader of process.env. Everything else receives a frozen Config, so a test or a CLI can
 * build one from any environment and nothing reads settings behind its back.
 */

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(`${variable}: ${message}`);
    this.name = 'ConfigError';
  }
}

export interface ApiToken {
  role: Role;
  token: string;
  subject: string;
}

const port = z.coerce.number().int().min(1).max(65535);
const bool = z.enum(['true', 'false', '1', '0', 'yes', 'no']).transform((v) => ['true', '1', 'yes'].includes(v));
const optionalString = z.string().trim().min(1).optional();

const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  TEMPORAL_ADDRESS: optionalString,
  TEMPORAL_NAMESPACE: z.string().trim().min(1).default('default'),
  TEMPORAL_API_KEY: optionalString,
  TEMPORAL_TLS: bool.optional(),
  TEMPORAL_TLS_CERT: optionalString,
  TEMPORAL_TLS_KEY: optionalString,
  TEMPORAL_TLS_CA: optionalString,
  TEMPORAL_TLS_SERVER_NAME: optionalString,
  TEMPORAL_CLI: optionalString,
  TEMPORAL_TEST_SERVER: optionalString,
  TEMPORAL_PORT: port.optional(),
  TEMPORAL_UI_PORT: port.optional(),
  TEMPORAL_DEV_CONFIG: optionalString,
  DATABASE_URL: z
    .string()
    .trim()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
    .optional(),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  DATA_DIR: z.string().trim().min(1).default('.data'),
  HOST: z.string().trim().min(1).default('127.0.0.1'),
  PORT: port.default(3000),
  API_TOKENS: optionalString,
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  BODY_LIMIT_BYTES: z.coerce.number().int().min(1024).max(50 * 1024 * 1024).default(1024 * 1024),
  TRIAGE_RULES_FILE: optionalString,
  TAXONOMY_FILE: optionalString,
  TRIAGE_CONFIDENCE_THRESHOLD: z.coerce.number().min(0).max(1).default(0.5),
  LEARNING_INTERVAL_MINUTES: z.coerce.number().int().min(1).max(10080).default(15),
  LEARNING_MIN_CORRECTIONS: z.coerce.number().int().min(1).max(100000).default(10),
  SLA_POLICY_FILE: optionalString,
  SMTP_URL: z.string().regex(/^smtps?:\/\//, 'must be an smtp:// or smtps:// URL').optional(),
  MAIL_FROM: z.string().min(3).default('Complaint desk <complaints@localhost>'),
  DETECTOR_INTERVAL_MINUTES: z.coerce.number().int().min(1).max(1440).default(5),
  CHROMIUM_PATH: optionalString,
  RETENTION_DAYS: z.coerce.number().int().min(1).max(36_500).default(365),
  REOPEN_WINDOW_DAYS: z.coerce.number().int().min(1).max(3650).default(30),
  SURVEY_SECRET: z.string().min(MIN_SECRET_LENGTH, `must be at least ${MIN_SECRET_LENGTH} characters`).optional(),
  ID_SECRET: z.string().min(MIN_SECRET_LENGTH, `must be at least ${MIN_SECRET_LENGTH} characters`).optional(),
  AUDIT_KEY: z.string().min(MIN_SECRET_LENGTH, `must be at least ${MIN_SECRET_LENGTH} characters`).optional(),
  MASTER_KEY: z.string().min(MIN_SECRET_LENGTH, `must be at least ${MIN_SECRET_LENGTH} characters`).optional(),
  AUDIT_PREVIOUS_KEYS: optionalString,
  AUDIT_ANCHOR_INTERVAL_MINUTES: z.coerce.number().int().min(1).max(1440).default(5),
  PUBLIC_BASE_URL: z.url().optional(),
  ROUTING_FILE: optionalString,
  TWILIO_ACCOUNT_SID: z.string().regex(/^AC[0-9a-fA-F]{32}$/, 'must be a Twilio account SID (AC + 32 hex digits)').optional(),
  TWILIO_AUTH_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  TWILIO_FROM: optionalString,
  TWILIO_MESSAGING_SERVICE_SID: z.string().regex(/^MG[0-9a-fA-F]{32}$/, 'must be a messaging service SID (MG + 32 hex digits)').optional(),
  TWILIO_API_BASE: z.url().optional(),
  CHANNEL_WEBHOOK_SECRETS: optionalString,
  CHANNEL_WEBHOOK_LEGACY_SIGNATURES: bool.default(true),
  CHANNEL_INTEGRATORS: optionalString,
  RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).max(1_000_000).default(1200),
  AGENT_VISIBILITY: z.enum(['department', 'own']).default('department'),
  AUTH_FAILURES_PER_MINUTE: z.coerce.number().int().min(1).max(1_000_000).default(100),
  CORS_ORIGINS: optionalString,
  OUTBOX_RELAY_INTERVAL_MS: z.coerce.number().int().min(100).max(3_600_000).default(5000),
  ROLLUP_FOLD_INTERVAL_MS: z.coerce.number().int().min(100).max(3_600_000).default(2000),
  WORKER_MAX_ACTIVITIES: z.coerce.number().int().min(1).max(10_000).default(100),
  WORKER_MAX_WORKFLOW_TASKS: z.coerce.number().int().min(2).max(10_000).default(100),
});

export type Env = z.infer<typeof envSchema>;

export interface Config {
  env: Env['NODE_ENV'];
  dataDir: string;
  temporal: {
    /** Unset: run the embedded dev server from temporal-dev.yml. */
    address?: string;
    namespace: string;
    apiKey?: string;
    tls?: { certPath?: string; keyPath?: string; caPath?: string; serverName?: string };
    cliPath?: string;
    testServerPath?: string;
    portOverride?: number;
    uiPortOverride?: number;
    devConfigPath: string;
  };
  database: {
    /** Unset: embedded PGlite under dataDir. */
    url?: string;
    poolSize: number;
    /** How often the analytics rollup's pending deltas are folded in (readers see them either way). */
    rollupFoldIntervalMs: number;
  };
  api: {
    host: string;
    port: number;
    bodyLimit: number;
    tokens: ApiToken[];
    /** True when API_TOKENS was empty and the dev-<role> tokens are accepted. */
    devTokens: boolean;
    /** Requests per minute per bearer token (per client address without one). */
    rateLimitPerMinute: number;
    /** What agents may read: their department's complaints, or only their own. */
    agentVisibility: 'department' | 'own';
    /** Failed authentications per minute per client address; more get 429 (valid tokens still pass). */
    failedAuthPerMinute: number;
    /** Origins allowed to call the API from a browser; empty = CORS off. */
    corsOrigins: string[];
  };
  worker: { maxActivities: number; maxWorkflowTasks: number };
  files: { triageRules?: string; routing?: string; slaPolicy?: string; taxonomy?: string };
  /** A category decided below this confidence is a guess: the complaint waits for a supervisor (needsHumanTriage). */
  triage: { confidenceThreshold: number; learningIntervalMinutes: number; learningMinCorrections: number };
  surveys: { secret: string; publicBaseUrl: string };
  /** Every secret of the service (see src/secrets.ts): from the environment, or generated for development. */
  secrets: Secrets;
  /** Which secrets a development start generated or read from DATA_DIR, for the start-up notice. */
  secretsOrigin: Pick<ResolvedSecrets, 'generated' | 'kept' | 'file'>;
  audit: {
    /** Signs new audit entries (HMAC-SHA256). Required in production; generated once into DATA_DIR in development (src/secrets.ts). */
    key?: string;
    /** Keys rotated out: they sign nothing new, but still verify the entries they signed. */
    previousKeys: string[];
    /** How often the audit anchor workflow checkpoints the chain head in Temporal. */
    anchorIntervalMs: number;
  };
  /** Closed complaints keep personal data this many days, then it is redacted. */
  retentionDays: number;
  /** A closed complaint may be reopened this long (REOPEN_WINDOW_DAYS); its workflow run stays alive that long. */
  reopenWindowMs: number;
  /** The early-warning detector runs this often (a Temporal Schedule). */
  detectorIntervalMinutes: number;
  /** The browser the dashboard's browser test drives (Debian's chromium by default). */
  chromiumPath: string;
  /** Unset: emails stay in the outbox as pending. */
  mail: { smtpUrl?: string; from: string };
  /** Unset: SMS and calls stay in the outbox as pending, and Twilio's webhooks are refused. */
  twilio?: TwilioConfig;
  channels: {
    /** Per-source HMAC secrets of POST /v1/channels/webhook/:source; a source not listed is refused. */
    webhookSecrets: Readonly<Record<string, string>>;
    /** Accept the deprecated X-Signature header (it signs no timestamp) beside the Standard Webhooks headers. */
    legacyWebhookSignatures: boolean;
    /** Channel source (sms, voice, email, a webhook source) → the integrator whose complaints they are. */
    integrators: Readonly<Record<string, string>>;
    /** How often the outbox relay sweeps for due retries and for messages other processes queued (its own process nudges it at once). */
    relayIntervalMs: number;
  };
  logLevel: Env['LOG_LEVEL'];
}

export interface TwilioConfig {
  accountSid: string;
  authToken: string;
  /** A sender number, or a messaging service SID: one of them. */
  from?: string;
  messagingServiceSid?: string;
  /** Another API host (a proxy, or a loopback server in tests); Twilio's own by default. */
  apiBase?: string;
}

/** Parses `source:secret` entries (e.g. `wechat:s3cret,weibo:0ther`); a bad entry names its position only. */
export function parseWebhookSecrets(raw: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  (raw ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .forEach((entry, i) => {
      const at = entry.indexOf(':');
      const source = entry.slice(0, at);
      const secret = entry.slice(at + 1);
      if (at < 1 || !/^[a-z0-9-]{1,40}$/.test(source)) throw new ConfigError('CHANNEL_WEBHOOK_SECRETS', `entry ${i + 1} needs a source name of a-z, 0-9 and -`);
      if (secret.length < 16) throw new ConfigError('CHANNEL_WEBHOOK_SECRETS', `entry ${i + 1} (${source}) needs a secret of at least 16 characters`);
      out[source] = secret;
    });
  return out;
}

/**
 * Parses `source:integrator` entries (e.g. `sms:acme,voice:acme,wechat:acme`): the complaints that
 * arrive through a source belong to that integrator, whose token then sees them. The integrator must
 * be the subject of an integrator token, or nobody could ever see them.
 */
export function parseChannelIntegrators(raw: string | undefined, tokens: readonly ApiToken[]): Record<string, string> {
  const integrators = new Set(tokens.filter((t) => t.role === 'integrator').map((t) => t.subject));
  const out: Record<string, string> = {};
  (raw ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .forEach((entry, i) => {
      const at = entry.indexOf(':');
      const source = entry.slice(0, at);
      const subject = entry.slice(at + 1).trim();
      if (at < 1 || !/^[a-z0-9-]{1,40}$/.test(source)) throw new ConfigError('CHANNEL_INTEGRATORS', `entry ${i + 1} needs a source name of a-z, 0-9 and -`);
      if (!integrators.has(subject)) throw new ConfigError('CHANNEL_INTEGRATORS', `entry ${i + 1} (${source}) names "${subject}", which is no integrator's subject in API_TOKENS`);
      out[source] = subject;
    });
  return out;
}

/** Comma-separated keys rotated out of AUDIT_KEY; a short one is named by position, never shown. */
function parsePreviousKeys(raw: string | undefined): string[] {
  const keys = (raw ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  keys.forEach((k, i) => {
    if (k.length < 16) throw new ConfigError('AUDIT_PREVIOUS_KEYS', `entry ${i + 1} needs at least 16 characters`);
  });
  return keys;
}

/** `https://a.example,https://b.example` → the origins, each checked to be a bare origin. */
function parseOrigins(raw: string | undefined): string[] {
  const origins = (raw ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  origins.forEach((o, i) => {
    if (!/^https?:\/\/[^/\s]+$/.test(o)) throw new ConfigError('CORS_ORIGINS', `entry ${i + 1} must be an origin like https://app.example.com (got "${o}")`);
  });
  return origins;
}

function buildTwilio(e: Env): TwilioConfig | undefined {
  const given = [e.TWILIO_ACCOUNT_SID, e.TWILIO_AUTH_TOKEN].filter(Boolean).length;
  if (given === 0) return undefined;
  if (given === 1) throw new ConfigError(e.TWILIO_ACCOUNT_SID ? 'TWILIO_AUTH_TOKEN' : 'TWILIO_ACCOUNT_SID', 'Twilio needs both TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN');
  if (!e.TWILIO_FROM && !e.TWILIO_MESSAGING_SERVICE_SID) throw new ConfigError('TWILIO_FROM', 'set TWILIO_FROM (a number) or TWILIO_MESSAGING_SERVICE_SID');
  return {
    accountSid: e.TWILIO_ACCOUNT_SID!,
    authToken: e.TWILIO_AUTH_TOKEN!,
    from: e.TWILIO_FROM,
    messagingServiceSid: e.TWILIO_MESSAGING_SERVICE_SID,
    apiBase: e.TWILIO_API_BASE?.replace(/\/$/, ''),
  };
}

/** Parses `role:token[:subject]` entries; a bad entry names its position, never the token itself. */
export function parseApiTokens(raw: string): ApiToken[] {
  return raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((entry, i) => {
      const [role, token, ...rest] = entry.split(':');
      if (!role || !(ROLES as readonly string[]).includes(role)) {
        throw new ConfigError('API_TOKENS', `entry ${i + 1} has role "${role ?? ''}"; expected one of ${ROLES.join(', ')}`);
      }
      if (!token || token.length < 8) {
        throw new ConfigError('API_TOKENS', `entry ${i + 1} (${role}) needs a token of at least 8 characters`);
      }
      const subject = rest.join(':') || `${role}-${i + 1}`;
      return { role: role as Role, token, subject };
    });
}

/** The tokens a developer can use without configuring anything; refused in production. */
export function devApiTokens(): ApiToken[] {
  return ROLES.map((role) => ({ role, token: `dev-${role}`, subject: role === 'agent' ? 'h-alice' : `dev-${role}` }));
}

function buildTemporal(env: Env, root: string): Config['temporal'] {
  const tlsWanted = env.TEMPORAL_TLS ?? Boolean(env.TEMPORAL_TLS_CERT || env.TEMPORAL_API_KEY);
  return {
    address: env.TEMPORAL_ADDRESS,
    namespace: env.TEMPORAL_NAMESPACE,
    apiKey: env.TEMPORAL_API_KEY,
    tls: tlsWanted
      ? {
          certPath: env.TEMPORAL_TLS_CERT,
          keyPath: env.TEMPORAL_TLS_KEY,
          caPath: env.TEMPORAL_TLS_CA,
          serverName: env.TEMPORAL_TLS_SERVER_NAME,
        }
      : undefined,
    cliPath: env.TEMPORAL_CLI,
    testServerPath: env.TEMPORAL_TEST_SERVER,
    portOverride: env.TEMPORAL_PORT,
    uiPortOverride: env.TEMPORAL_UI_PORT,
    devConfigPath: path.resolve(root, env.TEMPORAL_DEV_CONFIG ?? 'temporal-dev.yml'),
  };
}

function checkConsistency(env: Env): void {
  if (Boolean(env.TEMPORAL_TLS_CERT) !== Boolean(env.TEMPORAL_TLS_KEY)) {
    throw new ConfigError(env.TEMPORAL_TLS_CERT ? 'TEMPORAL_TLS_KEY' : 'TEMPORAL_TLS_CERT', 'mTLS needs both TEMPORAL_TLS_CERT and TEMPORAL_TLS_KEY');
  }
  if (env.NODE_ENV === 'production' && !env.API_TOKENS) {
    throw new ConfigError('API_TOKENS', 'must be set in production (the dev-<role> tokens are refused there)');
  }
}

/** The secrets from the environment; production refuses to start without every one of them. */
function secretsOf(e: Env, dataDir: string): ResolvedSecrets {
  try {
    return resolveSecrets({ SURVEY_SECRET: e.SURVEY_SECRET, ID_SECRET: e.ID_SECRET, AUDIT_KEY: e.AUDIT_KEY, MASTER_KEY: e.MASTER_KEY }, e.NODE_ENV === 'production', dataDir);
  } catch (err) {
    if (err instanceof MissingSecretsError) throw new ConfigError(err.missing[0]!, err.message);
    throw new ConfigError('DATA_DIR', `cannot keep the development secrets under ${dataDir}: ${(err as Error).message}`);
  }
}

/**
 * Reads and validates the environment. Throws ConfigError naming the first bad variable.
 * @param env the environment to read (process.env by default; tests pass their own)
 * @param root the project root that relative paths resolve against
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, root: string = process.cwd()): Readonly<Config> {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const variable = String(issue.path[0] ?? 'environment');
    // Never echo a secret back into a log: tokens, keys and URLs (which may carry passwords) are named, not shown.
    const shown = /TOKEN|KEY|URL|PASSWORD|SECRET|SID/.test(variable) ? '' : ` (got "${String(env[variable] ?? '')}")`;
    throw new ConfigError(variable, `${issue.message}${shown}`);
  }
  const e = parsed.data;
  checkConsistency(e);
  const tokens = e.API_TOKENS ? parseApiTokens(e.API_TOKENS) : devApiTokens();
  const dataDir = path.resolve(root, e.DATA_DIR);
  const secrets = secretsOf(e, dataDir);
  return Object.freeze({
    env: e.NODE_ENV,
    dataDir,
    temporal: buildTemporal(e, root),
    database: { url: e.DATABASE_URL, poolSize: e.DATABASE_POOL_SIZE, rollupFoldIntervalMs: e.ROLLUP_FOLD_INTERVAL_MS },
    api: {
      host: e.HOST,
      port: e.PORT,
      bodyLimit: e.BODY_LIMIT_BYTES,
      tokens,
      devTokens: !e.API_TOKENS,
      rateLimitPerMinute: e.RATE_LIMIT_PER_MINUTE,
      agentVisibility: e.AGENT_VISIBILITY,
      failedAuthPerMinute: e.AUTH_FAILURES_PER_MINUTE,
      corsOrigins: parseOrigins(e.CORS_ORIGINS),
    },
    worker: { maxActivities: e.WORKER_MAX_ACTIVITIES, maxWorkflowTasks: e.WORKER_MAX_WORKFLOW_TASKS },
    files: { triageRules: e.TRIAGE_RULES_FILE, routing: e.ROUTING_FILE, slaPolicy: e.SLA_POLICY_FILE, taxonomy: e.TAXONOMY_FILE },
    triage: { confidenceThreshold: e.TRIAGE_CONFIDENCE_THRESHOLD, learningIntervalMinutes: e.LEARNING_INTERVAL_MINUTES, learningMinCorrections: e.LEARNING_MIN_CORRECTIONS },
    surveys: { secret: secrets.values.SURVEY_SECRET, publicBaseUrl: (e.PUBLIC_BASE_URL ?? `http://${e.HOST}:${e.PORT}`).replace(/\/$/, '') },
    secrets: Object.freeze({ ...secrets.values }),
    secretsOrigin: { generated: secrets.generated, kept: secrets.kept, file: secrets.file },
    audit: { key: secrets.values.AUDIT_KEY, previousKeys: parsePreviousKeys(e.AUDIT_PREVIOUS_KEYS), anchorIntervalMs: e.AUDIT_ANCHOR_INTERVAL_MINUTES * 60_000 },
    logLevel: e.LOG_LEVEL,
    retentionDays: e.RETENTION_DAYS,
    reopenWindowMs: e.REOPEN_WINDOW_DAYS * 24 * 3600 * 1000,
    detectorIntervalMinutes: e.DETECTOR_INTERVAL_MINUTES,
    chromiumPath: e.CHROMIUM_PATH ?? '/usr/bin/chromium',
    mail: { smtpUrl: e.SMTP_URL, from: e.MAIL_FROM },
    twilio: buildTwilio(e),
    channels: { webhookSecrets: parseWebhookSecrets(e.CHANNEL_WEBHOOK_SECRETS), legacyWebhookSignatures: e.CHANNEL_WEBHOOK_LEGACY_SIGNATURES, integrators: parseChannelIntegrators(e.CHANNEL_INTEGRATORS, tokens), relayIntervalMs: e.OUTBOX_RELAY_INTERVAL_MS },
  });
}
