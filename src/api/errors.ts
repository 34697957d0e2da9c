import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';

/**
 * The one error catalogue: every error the API returns has a code here, and one handler renders them all
 * in the API.md shape `{"error": {"code", "message", "details"}}`.
 */
export const ERRORS = {
  VALIDATION_FAILED: { status: 400, message: 'The request is invalid.' },
  INVALID_JSON: { status: 400, message: 'The body is not valid JSON.' },
  UNAUTHENTICATED: { status: 401, message: 'A valid bearer token is required.' },
  FORBIDDEN: { status: 403, message: 'Your role may not do this.' },
  NOT_FOUND: { status: 404, message: 'Not found.' },
  INVALID_STATE: { status: 409, message: 'Not allowed in the current state.' },
  PAYLOAD_TOO_LARGE: { status: 413, message: 'The body is too large.' },
  URI_TOO_LONG: { status: 414, message: 'The URL is too long.' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, message: 'Send application/json.' },
  IDEMPOTENCY_KEY_REUSED: { status: 422, message: 'This Idempotency-Key was used with a different request.' },
  RATE_LIMITED: { status: 429, message: 'Too many requests.' },
  ENGINE_UNAVAILABLE: { status: 503, message: 'The workflow engine is unavailable; nothing was accepted. Retry later.' },
  DATABASE_UNAVAILABLE: { status: 503, message: 'The database is unavailable; nothing was accepted. Retry later.' },
  INTERNAL: { status: 500, message: 'Something went wrong on our side.' },
} as const;

export type ErrorCode = keyof typeof ERRORS;

export interface ErrorDetail {
  path?: string;
  message: string;
  [k: string]: unknown;
}

export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message?: string,
    readonly details: ErrorDetail[] = [],
    readonly retryAfterSeconds?: number,
  ) {
    super(message ?? ERRORS[code].message);
    this.name = 'AppError';
  }

  get status(): number {
    return ERRORS[this.code].status;
  }
}

/** Seconds a client should wait after a 503: long enough for a restart, short enough to keep intake flowing. */
export const RETRY_AFTER_UNAVAILABLE = 5;

function fromFastify(err: FastifyError): AppError | undefined {
  if (hasZodFastifySchemaValidationErrors(err)) {
    const where = err.validationContext ?? 'body';
    const details = err.validation.map((v) => ({
      path: [where, ...String(v.instancePath).split('/').filter(Boolean)].join('.'),
      message: v.message ?? 'invalid',
    }));
    return new AppError('VALIDATION_FAILED', `Invalid ${where}: ${details.map((d) => d.path).join(', ')}`, details);
  }
  switch (err.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new AppError('INVALID_JSON', err.message);
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new AppError('PAYLOAD_TOO_LARGE');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new AppError('UNSUPPORTED_MEDIA_TYPE');
    case 'FST_ERR_RATE_LIMIT':
      return new AppError('RATE_LIMITED');
  }
  if (err.statusCode === 413) return new AppError('PAYLOAD_TOO_LARGE');
  if (err.statusCode === 415) return new AppError('UNSUPPORTED_MEDIA_TYPE');
  if (err.statusCode === 414) return new AppError('URI_TOO_LONG');
  // Any other refusal Fastify raises itself (an odd method without a body type, a malformed URL...) is
  // the client's mistake: say so, instead of a 500 that would page someone.
  if (typeof err.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 500) return new AppError(err.statusCode === 404 ? 'NOT_FOUND' : 'VALIDATION_FAILED', err.message);
  if (err instanceof SyntaxError) return new AppError('INVALID_JSON', err.message);
  return undefined;
}

/** The single error handler: known errors keep their code; anything else is logged and becomes INTERNAL. */
export function errorHandler(err: FastifyError | AppError, req: FastifyRequest, reply: FastifyReply): FastifyReply {
  const known = err instanceof AppError ? err : fromFastify(err);
  const e = known ?? new AppError('INTERNAL');
  if (!known) req.log.error({ err }, 'unhandled error');
  if (e.retryAfterSeconds !== undefined) void reply.header('retry-after', String(e.retryAfterSeconds));
  return reply.status(e.status).send({ error: { code: e.code, message: e.message, details: e.details } });
}
