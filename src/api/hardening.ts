import { createHash } from 'node:crypto';
import cors from '@fastify/cors';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Role } from '../shared/constants';
import { routeRoles } from './auth';
import { AppError } from './errors';

export interface HardeningOptions {
  /** Requests per minute per bearer token (per client address without one); undefined = no limit. */
  rateLimitPerMinute?: number;
  /** Browser origins allowed to call the API; none = CORS off (no Access-Control-* headers at all). */
  corsOrigins?: readonly string[];
}

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
 * Security headers (helmet), CORS only for configured origins, and a rate limit per token. The key is a
 * digest of the Authorization header, so the limiter never holds a token itself.
 */
export async function registerHardening(app: FastifyInstance, opts: HardeningOptions): Promise<void> {
  app.decorate('routeTable', [] as RouteEntry[]);
  app.addHook('onRoute', (r) => {
    for (const method of [r.method].flat()) if (method !== 'HEAD') app.routeTable.push({ method, url: r.url, roles: routeRoles(r.onRequest) });
  });
  // PostgreSQL text cannot hold NUL: refuse it as bad input instead of failing in the database.
  app.addHook('preValidation', async (req) => {
    for (const [where, v] of [['body', req.body], ['querystring', req.query], ['params', req.params]] as const) {
      const at = nulPath(v);
      if (at !== undefined) throw new AppError('VALIDATION_FAILED', 'NUL characters are not accepted.', [{ path: [where, at].filter(Boolean).join('.'), message: 'contains a NUL character' }]);
    }
  });
  // The API serves JSON and two small pages; /docs (Swagger UI) sets its own CSP.
  await app.register(helmet, { contentSecurityPolicy: false, crossOriginEmbedderPolicy: false });
  if (opts.corsOrigins?.length) await app.register(cors, { origin: [...opts.corsOrigins], credentials: false, exposedHeaders: ['x-request-id', 'retry-after', 'location'] });
  if (opts.rateLimitPerMinute) {
    await app.register(rateLimit, {
      max: opts.rateLimitPerMinute,
      timeWindow: 60_000,
      keyGenerator: (req) => {
        const auth = req.headers.authorization;
        return auth ? `t:${createHash('sha256').update(auth).digest('base64url')}` : `a:${req.ip}`;
      },
      errorResponseBuilder: (_req, ctx) => new AppError('RATE_LIMITED', `More than ${ctx.max} requests per minute; retry in ${ctx.after}.`, [{ message: 'rate limited', limit: ctx.max }]),
    });
  }
}
