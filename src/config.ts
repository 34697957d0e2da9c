import path from 'node:path';
import { z } from 'zod';
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
  SLA_POLICY_FILE: optionalString,
  SMTP_URL: z.string().regex(/^smtps?:\/\//, 'must be an smtp:// or smtps:// URL').optional(),
  MAIL_FROM: z.string().min(3).default('Complaint desk <complaints@localhost>'),
  DETECTOR_INTERVAL_MINUTES: z.coerce.number().int().min(1).max(1440).default(5),
  CHROMIUM_PATH: optionalString,
  RETENTION_DAYS: z.coerce.number().int().min(1).max(36_500).default(365),
  SURVEY_SECRET: z.string().min(16, 'must be at least 16 characters').optional(),
  AUDIT_KEY: z.string().min(16, 'must be at least 16 characters').optional(),
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
  RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).max(1_000_000).default(1200),
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
    /** Origins allowed to call the API from a browser; empty = CORS off. */
    corsOrigins: string[];
  };
  worker: { maxActivities: number; maxWorkflowTasks: number };
  files: { triageRules?: string; routing?: string; slaPolicy?: string };
  surveys: { secret: string; publicBaseUrl: string };
  audit: {
    /** Signs new audit entries (HMAC-SHA256). Required in production; elsewhere the caller supplies one when unset. */
    key?: string;
    /** Keys rotated out: they sign nothing new, but still verify the entries they signed. */
    previousKeys: string[];
    /** How often the audit anchor workflow checkpoints the chain head in Temporal. */
    anchorIntervalMs: number;
  };
  /** Closed complaints keep personal data this many days, then it is redacted. */
  retentionDays: number;
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
    /** How often the outbox relay retries messages whose first delivery failed. */
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
  if (env.NODE_ENV === 'production' && !env.SURVEY_SECRET) {
    throw new ConfigError('SURVEY_SECRET', 'must be set in production (it signs survey links)');
  }
  if (env.NODE_ENV === 'production' && !env.AUDIT_KEY) {
    throw new ConfigError('AUDIT_KEY', 'must be set in production (it keys the audit chain)');
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
  return Object.freeze({
    env: e.NODE_ENV,
    dataDir: path.resolve(root, e.DATA_DIR),
    temporal: buildTemporal(e, root),
    database: { url: e.DATABASE_URL, poolSize: e.DATABASE_POOL_SIZE, rollupFoldIntervalMs: e.ROLLUP_FOLD_INTERVAL_MS },
    api: {
      host: e.HOST,
      port: e.PORT,
      bodyLimit: e.BODY_LIMIT_BYTES,
      tokens,
      devTokens: !e.API_TOKENS,
      rateLimitPerMinute: e.RATE_LIMIT_PER_MINUTE,
      corsOrigins: parseOrigins(e.CORS_ORIGINS),
    },
    worker: { maxActivities: e.WORKER_MAX_ACTIVITIES, maxWorkflowTasks: e.WORKER_MAX_WORKFLOW_TASKS },
    files: { triageRules: e.TRIAGE_RULES_FILE, routing: e.ROUTING_FILE, slaPolicy: e.SLA_POLICY_FILE },
    // A fixed development secret keeps survey links valid across restarts of `npm start`; production must set its own.
    surveys: { secret: e.SURVEY_SECRET ?? 'development-only-survey-secret', publicBaseUrl: (e.PUBLIC_BASE_URL ?? `http://${e.HOST}:${e.PORT}`).replace(/\/$/, '') },
    audit: { key: e.AUDIT_KEY, previousKeys: parsePreviousKeys(e.AUDIT_PREVIOUS_KEYS), anchorIntervalMs: e.AUDIT_ANCHOR_INTERVAL_MINUTES * 60_000 },
    logLevel: e.LOG_LEVEL,
    retentionDays: e.RETENTION_DAYS,
    detectorIntervalMinutes: e.DETECTOR_INTERVAL_MINUTES,
    chromiumPath: e.CHROMIUM_PATH ?? '/usr/bin/chromium',
    mail: { smtpUrl: e.SMTP_URL, from: e.MAIL_FROM },
    twilio: buildTwilio(e),
    channels: { webhookSecrets: parseWebhookSecrets(e.CHANNEL_WEBHOOK_SECRETS), relayIntervalMs: e.OUTBOX_RELAY_INTERVAL_MS },
  });
}
