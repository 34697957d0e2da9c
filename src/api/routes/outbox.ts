import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Db } from '../../db/client';
import { listOutbox } from '../../db/queries/notifications';
import { requireRoles } from '../auth';
import { authErrors } from '../schemas/common';

const outboxQuery = z
  .object({
    status: z.enum(['pending', 'sending', 'sent', 'failed']).optional(),
    channel: z.enum(['email', 'sms', 'voice', 'internal']).optional(),
    complaintId: z.string().trim().min(1).max(64).optional(),
    limit: z.coerce.number().int().min(1).max(500).default(50),
    /** Keyset pagination: messages older than this id (the previous page's nextBefore). */
    before: z.coerce.number().int().min(1).optional(),
  })
  .strict();

const outboxMessage = z
  .object({
    id: z.number(),
    complaintId: z.string(),
    channel: z.string(),
    recipient: z.string(),
    template: z.string(),
    language: z.string(),
    subject: z.string(),
    body: z.string(),
    status: z.string(),
    attempts: z.number(),
    lastError: z.string().nullable(),
    createdAt: z.string(),
    sentAt: z.string().nullable(),
  })
  .meta({ id: 'OutboxMessage' });

const outboxPage = z.object({ items: z.array(outboxMessage), nextBefore: z.number().nullable() }).meta({ id: 'OutboxPage' });

/** The outbox: every message the service queued, sent, is retrying or gave up on (admins). */
export const outboxRoutes =
  ({ db }: { db: Db }): FastifyPluginAsyncZod =>
  async (app) => {
    app.get(
      '/v1/outbox',
      { onRequest: requireRoles('admin'), schema: { tags: ['channels'], summary: 'Outgoing messages, newest first', querystring: outboxQuery, response: { 200: outboxPage, ...authErrors } } },
      async (req) => {
        const { limit, before, ...filters } = req.query;
        const rows = await listOutbox(db, filters, limit + 1, before);
        const page = rows.slice(0, limit);
        return {
          items: page.map((r) => ({ ...r, createdAt: r.createdAt.toISOString(), sentAt: r.sentAt?.toISOString() ?? null })),
          nextBefore: rows.length > limit ? (page[page.length - 1]?.id ?? null) : null,
        };
      },
    );
  };
