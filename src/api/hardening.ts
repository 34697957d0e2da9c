import cors from '@fastify/cors';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Role } from '../shared/constants';
import type { Actor } from '../shared/types';
import { routeRoles } from './auth';
import { AppError } from './errors';

export interface HardeningOptions {
  /** Requests per minute per bearer token (per client address without one); undefined = no limit. */
  rateLimitPerMinute?: number;
  /** Browser origins allowed to call the API; none = CORS off (no Access-Control-* headers at all). */
  corsOrigins?: readonly string[];
  /** Failed authentications (a bearer token that matches none) per minute per client address; undefined = no limit. */
  failedAuthPerMinute?: number;
}

/** Turns an Authorization header into the caller, or undefined (see createAuthenticator). */
export type Authenticate = (header: string | undefined) => (Actor & { role: Role }) | undefined;

export interface RouteEntry {
  method: string;
  url: string;
  /** Roles the route's guard admits; undefined = no bearer guard (public, or checked by a signature). */
  roles?: readonly Role[];
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Every route with the roles it admits: the security matrix test walks it. */
    routeTable: RouteEntry[];
  }
}

// Survey tokens and other credentials travel in paths; logs get the path with them masked.
const SECRET_IN_PATH = /(\/v1\/(?:channels\/voice\/)?surveys?\/)[^/?#]+/g;
export const redactUrl = (url: string): string => url.replace(SECRET_IN_PATH, '$1[redacted]').replace(/([?&](?:token|signature|key)=)[^&#]*/gi, '$1[redacted]');

/** Log options that keep credentials out: no auth or signature headers, no tokens in URLs. */
export function safeLogger(level: string) {
  return {
    level,
    serializers: {
      req: (req: FastifyRequest) => ({ method: req.method, url: redactUrl(req.url), requestId: req.id, remoteAddress: req.ip }),
    },
  };
}

/** Deepest nesting of objects and arrays a JSON body may have; real bodies use three or four levels. */
export const MAX_JSON_DEPTH = 64;

/**
 * True when the JSON text nests objects or arrays deeper than `max`, found by one scan of the raw text
 * (brackets inside strings skipped) before anything is parsed: every later walk of the body (the NUL
 * check, validation, serialisation) may then recurse without risk of overflowing the stack.
 */
export function jsonTooDeep(text: string, max = MAX_JSON_DEPTH): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c /* \\ */) i++;
      else if (c === 0x22 /* " */) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b /* [ */ || c === 0x7b /* { */) {
      if (++depth > max) return true;
    } else if (c === 0x5d /* ] */ || c === 0x7d /* } */) depth--;
  }
  return false;
}

/** The catalogue's refusal of a body nested too deep. */
export const tooDeepError = (): AppError => new AppError('INVALID_JSON', `The body nests objects or arrays more than ${MAX_JSON_DEPTH} deep.`, [{ path: 'body', message: `nested more than ${MAX_JSON_DEPTH} deep` }]);

/** The path of the first string holding a NUL character ('' for the value itself), or undefined. */
export function nulPath(v: unknown, path = ''): string | undefined {
  if (typeof v === 'string') return v.includes('\u0000') ? path : undefined;
  if (Buffer.isBuffer(v) || v === null || typeof v !== 'object') return undefined;
  for (const [k, x] of Object.entries(v)) {
    const found = nulPath(k, path ? `${path}.${k}` : k) ?? nulPath(x, path ? `${path}.${k}` : k);
    if (found !== undefined) return found;
  }
  return undefined;
}

/**
 * Counts failed authentications per client address in fixed one-minute windows. Guessing tokens needs
 * many tries, and each try is cheap to refuse but costs a digest per configured token: past the limit an
 * address gets 429 for the rest of the window, while a valid token from it is never counted or refused.
 */
export function createAuthFailureThrottle(limit: number, windowMs = 60_000, now: () => number = Date.now) {
  let windowStart = now();
  let failures = new Map<string, number>();
  const roll = () => {
    const t = now();
    // One window for all addresses: the map is dropped whole, so it never outgrows one minute's callers.
    if (t - windowStart >= windowMs) {
      windowStart = t - ((t - windowStart) % windowMs);
      failures = new Map();
    }
  };
  return {
    /** Records one failure; the seconds to wait when the address is past its limit, else undefined. */
    fail(address: string): number | undefined {
      roll();
      const n = (failures.get(address) ?? 0) + 1;
      failures.set(address, n);
      return n > limit ? Math.max(1, Math.ceil((windowStart + windowMs - now()) / 1000)) : undefined;
    },
  };
}

/**
 * The caller (parsed once per request into req.principal), security headers (helmet), CORS only for
 * configured origins, a rate limit per principal and a limit on failed authentications per address.
 * The rate limit is keyed on the parsed principal, so spellings of one token (`bearer x`, `Bearer\tx`)
 * share one bucket, and the limiter never holds a token itself.
 */
export async function registerHardening(app: FastifyInstance, authenticate: Authenticate, opts: HardeningOptions): Promise<void> {
  app.decorate('routeTable', [] as RouteEntry[]);
  app.addHook('onRoute', (r) => {
    for (const method of [r.method].flat()) if (method !== 'HEAD') app.routeTable.push({ method, url: r.url, roles: routeRoles(r.onRequest) });
  });
  // Every JSON body is checked for depth before it is parsed (see jsonTooDeep); the parser is otherwise
  // Fastify's own, with its prototype-poisoning checks.
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (req, body, done) => {
    if (jsonTooDeep(body as string)) return done(tooDeepError(), undefined);
    return parseJson(req, body as string, done);
  });
  const throttle = opts.failedAuthPerMinute ? createAuthFailureThrottle(opts.failedAuthPerMinute) : undefined;
  app.addHook('onRequest', async (req) => {
    const header = req.headers.authorization;
    req.principal = authenticate(header);
    if (req.principal || header === undefined || !throttle) return;
    const wait = throttle.fail(req.ip);
    if (wait !== undefined) throw new AppError('RATE_LIMITED', `More than ${opts.failedAuthPerMinute} failed authentications per minute from this address; retry in ${wait} s.`, [{ message: 'failed authentications rate limited', limit: opts.failedAuthPerMinute }], wait);
  });
  // PostgreSQL text cannot hold NUL: refuse it as bad input instead of failing in the database.
  app.addHook('preValidation', async (req) => {
    for (const [where, v] of [['body', req.body], ['querystring', req.query], ['params', req.params]] as const) {
      const at = nulPath(v);
      if (at !== undefined) throw new AppError('VALIDATION_FAILED', 'NUL characters are not accepted.', [{ path: [where, at].filter(Boolean).join('.'), message: 'contains a NUL character' }]);
    }
  });
  // The API serves JSON and two pages, /dashboard and /docs, which send their own Content-Security-Policy.
  await app.register(helmet, { contentSecurityPolicy: false, crossOriginEmbedderPolicy: false });
  if (opts.corsOrigins?.length) await app.register(cors, { origin: [...opts.corsOrigins], credentials: false, exposedHeaders: ['x-request-id', 'retry-after', 'location'] });
  if (opts.rateLimitPerMinute) {
    await app.register(rateLimit, {
      max: opts.rateLimitPerMinute,
      timeWindow: 60_000,
      keyGenerator: (req) => (req.principal ? `p:${req.principal.role}:${req.principal.subject}` : `a:${req.ip}`),
      errorResponseBuilder: (_req, ctx) => new AppError('RATE_LIMITED', `More than ${ctx.max} requests per minute; retry in ${ctx.after}.`, [{ message: 'rate limited', limit: ctx.max }]),
    });
  }
}
