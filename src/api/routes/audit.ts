import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Db } from '../../db/client';
import { listAuditLog } from '../../db/queries/audit';
import { requireRoles } from '../auth';
import { authErrors, errorResponse } from '../schemas/common';
import { auditPage, auditQuery } from '../schemas/complaints';

/** The append-only log of human actions; read-only here, and no route can change it. */
export const auditRoutes =
  ({ db }: { db: Db }): FastifyPluginAsyncZod =>
  async (app) => {
    app.get(
      '/v1/audit/log',
      { onRequest: requireRoles('auditor'), schema: { tags: ['audit'], summary: 'Every human action, newest first', querystring: auditQuery, response: { 200: auditPage, 400: errorResponse, ...authErrors } } },
      async (req) => {
        const { limit, cursor, from, to, ...filters } = req.query;
        const rows = await listAuditLog(db, { ...filters, from: from ? new Date(from) : undefined, to: to ? new Date(to) : undefined }, limit + 1, cursor ? Number(cursor) : undefined);
        const page = rows.slice(0, limit);
        return {
          items: page.map((r) => ({ at: r.at.toISOString(), actor: r.actor, role: r.role, action: r.action, complaintId: r.complaintId, data: r.data })),
          nextCursor: rows.length > limit ? String(page[page.length - 1]!.id) : null,
        };
      },
    );
  };
