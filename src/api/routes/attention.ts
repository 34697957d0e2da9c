import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { retryUpdate } from '../../../workflows/complaint.messages';
import { isBlank, unstorable } from '../../shared/text-safety';
import { requireRoles } from '../auth';
import type { ComplaintLookup } from '../complaint-lookup';
import type { Engine } from '../engine';
import { authErrors, errorResponse, idParams } from '../schemas/common';
import { actionResult } from '../schemas/complaints';

export interface AttentionRouteDeps {
  engine: Engine;
  lookup: ComplaintLookup;
}

/** Text a retry may put in place of what could not be processed: storable and not blank. */
const storableText = (max: number) =>
  z
    .string()
    .trim()
    .min(1, 'must not be empty')
    .max(max)
    .superRefine((s, ctx) => {
      const problem = unstorable(s) ?? (isBlank(s) ? 'must not be empty or only invisible characters' : undefined);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    });

export const retryBody = z
  .object({
    reason: storableText(2000),
    body: storableText(20_000).optional().meta({ description: 'the complaint text corrected; the stored one is kept when left out' }),
    subject: storableText(500).optional(),
  })
  .strict()
  .meta({ id: 'RetryComplaint' });

/**
 * A complaint whose processing failed for good waits in needs_attention (listed by
 * `?status=needs_attention`, announced by an alert); a supervisor corrects it if need be and retries it.
 */
export const attentionRoutes =
  ({ engine, lookup }: AttentionRouteDeps): FastifyPluginAsyncZod =>
  async (app) => {
    app.post(
      '/v1/complaints/:id/retry',
      {
        onRequest: requireRoles('supervisor'),
        schema: {
          tags: ['actions'],
          summary: 'Retry a complaint in needs_attention, optionally with its body or subject corrected',
          params: idParams,
          body: retryBody,
          response: { 200: actionResult, 404: errorResponse, 409: errorResponse, ...authErrors },
        },
      },
      async (req) => {
        const actor = req.principal!;
        const { row } = await lookup(req.params.id, actor);
        return engine.update(row.id, retryUpdate, { ...req.body, actor });
      },
    );
  };
