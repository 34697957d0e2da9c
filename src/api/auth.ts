import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ApiToken } from '../config';
import type { Role } from '../shared/constants';
import type { Actor } from '../shared/types';
import { AppError } from './errors';

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Actor & { role: Role };
  }
}

const digest = (s: string): Buffer => createHash('sha256').update(s).digest();

/**
 * Verifies bearer tokens. Tokens are compared as SHA-256 digests with timingSafeEqual against every entry,
 * so neither a token's content nor its length leaks through response timing.
 */
export function createAuthenticator(tokens: readonly ApiToken[]) {
  const table = tokens.map((t) => ({ digest: digest(t.token), role: t.role, subject: t.subject }));
  return (header: string | undefined): (Actor & { role: Role }) | undefined => {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
    if (!m) return undefined;
    const d = digest(m[1]!);
    let found: (typeof table)[number] | undefined;
    for (const entry of table) if (timingSafeEqual(entry.digest, d)) found = entry;
    return found && { subject: found.subject, role: found.role };
  };
}

/** A role check that says which roles it admits, so the route table can be audited (see routeRoles). */
export type RoleGuard = ((req: FastifyRequest, reply: FastifyReply) => Promise<void>) & { roles: readonly Role[] };

/** A preHandler that admits only the given roles (401 without a valid token, 403 with the wrong role). */
export function requireRoles(...roles: Role[]): RoleGuard {
  const guard = async (req: FastifyRequest, _reply: FastifyReply): Promise<void> => {
    if (!req.principal) throw new AppError('UNAUTHENTICATED');
    if (!roles.includes(req.principal.role)) {
      throw new AppError('FORBIDDEN', `Role ${req.principal.role} may not do this; allowed: ${roles.join(', ')}.`);
    }
  };
  return Object.assign(guard, { roles });
}

/** The roles a route's guard admits, or undefined for a route without one (public or signed). */
export function routeRoles(onRequest: unknown): readonly Role[] | undefined {
  const hooks = Array.isArray(onRequest) ? onRequest : [onRequest];
  return (hooks.find((h) => typeof h === 'function' && Array.isArray((h as RoleGuard).roles)) as RoleGuard | undefined)?.roles;
}
