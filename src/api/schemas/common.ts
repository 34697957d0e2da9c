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

export const isoTime = z.iso.datetime({ offset: true });
