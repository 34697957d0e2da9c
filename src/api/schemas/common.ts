import { z } from 'zod';

/** The API.md error shape, documented once and referenced by every route. */
export const errorResponse = z
  .object({
    error: z.object({
      code: z.string().meta({ example: 'VALIDATION_FAILED' }),
      message: z.string(),
      details: z.array(z.looseObject({ path: z.string().optional(), message: z.string() })),
    }),
  })
  .meta({ id: 'Error' });

/** Error responses every authenticated route may return, for the OpenAPI document. */
// Every guarded route can also refuse malformed input (400) or an over-long path (414), and any route
// can be rate limited (429).
export const authErrors = { 400: errorResponse, 401: errorResponse, 403: errorResponse, 414: errorResponse, 429: errorResponse, 503: errorResponse } as const;

/** What a public route can answer besides its success: bad input, unknown or refused credential, rate limit. */
export const publicErrors = { 400: errorResponse, 403: errorResponse, 404: errorResponse, 414: errorResponse, 429: errorResponse } as const;

export const idParams = z.object({ id: z.string().regex(/^[a-z0-9]{1,64}$/, 'not a complaint id') });

// Bounded to 1970..9999 UTC: PostgreSQL and Date.toISOString disagree on years outside it, and a window
// shifted back from year 0315 (the previous-period comparison) would reach negative years.
export const EARLIEST_TIME = Date.UTC(1970, 0, 1);
export const LATEST_TIME = Date.UTC(9999, 11, 31);
/** True for a time (ms) the API accepts anywhere: 1970-01-01 … 9999-12-31 UTC; cursors are held to it too. */
export const withinTimeBounds = (t: number): boolean => t >= EARLIEST_TIME && t <= LATEST_TIME;
export const isoTime = z.iso.datetime({ offset: true }).refine((s) => withinTimeBounds(Date.parse(s)), 'must be between 1970-01-01 and 9999-12-31');

/** A 200 that is JSON by default and CSV under ?format=csv, documented as both media types. */
export function jsonOrCsv<T extends z.ZodType>(json: T) {
  return { content: { 'application/json': { schema: json }, 'text/csv': { schema: z.string() } } };
}
