import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Db } from '../../db/client';
import { listAuditLog, type AuditFilters } from '../../db/queries/audit';
import type { AuditLogRow } from '../../db/schema';
import { requireRoles } from '../auth';
import { csvLine, sendCsv } from '../csv';
import { authErrors, jsonOrCsv } from '../schemas/common';
import { auditPage, auditQuery } from '../schemas/complaints';

const CSV_COLUMNS = ['id', 'at', 'actor', 'role', 'action', 'complaintId', 'data', 'hash'] as const;

const csvRow = (r: AuditLogRow): string => csvLine([r.id, r.at, r.actor, r.role, r.action, r.complaintId, r.data, r.hash]);

/** Every matching entry as CSV, a page at a time, so an export of millions never sits in memory. */
async function* csvExport(db: Db, filters: AuditFilters): AsyncGenerator<string> {
  yield CSV_COLUMNS.join(',') + '\r\n';
  let before: number | undefined;
  for (;;) {
    const page = await listAuditLog(db, filters, 1000, before);
    for (const r of page) yield csvRow(r);
    if (page.length < 1000) return;
    before = page[page.length - 1]!.id;
  }
}

/** The append-only log of human actions; read-only here, and no route can change it. */
export const auditRoutes =
  ({ db }: { db: Db }): FastifyPluginAsyncZod =>
  async (app) => {
    app.get(
      '/v1/audit/log',
      {
        onRequest: requireRoles('auditor'),
        schema: {
          tags: ['audit'],
          summary: 'Every human action, newest first; ?format=csv streams them all as CSV',
          querystring: auditQuery.extend({ format: z.enum(['json', 'csv']).default('json') }),
          response: { 200: jsonOrCsv(auditPage), ...authErrors },
        },
      },
      async (req, reply) => {
        const { limit, cursor, from, to, format, ...rest } = req.query;
        const filters = { ...rest, from: from ? new Date(from) : undefined, to: to ? new Date(to) : undefined };
        if (format === 'csv') {
          return sendCsv(reply, 'audit-log.csv', csvExport(db, filters));
        }
        const rows = await listAuditLog(db, filters, limit + 1, cursor ? Number(cursor) : undefined);
        const page = rows.slice(0, limit);
        return {
          items: page.map((r) => ({ at: r.at.toISOString(), actor: r.actor, role: r.role, action: r.action, complaintId: r.complaintId, data: r.data })),
          nextCursor: rows.length > limit ? String(page[page.length - 1]!.id) : null,
        };
      },
    );
  };
