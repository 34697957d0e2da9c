import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Db } from '../../db/client';
import { complaintsCsv } from '../complaints-csv';
import { resolutionsOf } from '../../db/queries/kb';
import { sendCsv } from '../csv';
import { listComplaints, type Cursor } from '../../db/queries/complaints';
import { getTimeline } from '../../db/queries/timeline';
import type { ComplaintRow } from '../../db/schema';
import { requireRoles } from '../auth';
import type { Intake } from '../intake';
import { AppError } from '../errors';
import { authErrors, jsonOrCsv, errorResponse, idParams, withinTimeBounds } from '../schemas/common';
import {
  complaintPage,
  complaintView as complaintViewSchema,
  createComplaintBody,
  createComplaintResponse,
  idempotencyHeaders,
  listComplaintsQuery,
} from '../schemas/complaints';
import { complaintView, suggestionViews, summaryView } from '../views';
import { contactVisible, type AgentScopes } from '../agent-scope';
import type { ComplaintLookup } from '../complaint-lookup';

export interface ComplaintRouteDeps {
  db: Db;
  intake: Intake;
  lookup: ComplaintLookup;
  agents: AgentScopes;
}

const encodeCursor = (row: Pick<ComplaintRow, 'createdAt' | 'id'>): string => Buffer.from(JSON.stringify([row.createdAt.toISOString(), row.id])).toString('base64url');

function decodeCursor(raw: string): Cursor {
  try {
    const [at, id] = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as [string, string];
    const createdAt = new Date(at);
    // A forged time outside the years PostgreSQL and toISOString agree on would fail in the query.
    if (typeof id !== 'string' || id.length > 64 || !withinTimeBounds(createdAt.getTime())) throw new Error('bad cursor');
    return { createdAt, id };
  } catch {
    throw new AppError('VALIDATION_FAILED', 'Invalid cursor.', [{ path: 'querystring.cursor', message: 'not a cursor this API issued' }]);
  }
}

const links = (id: string) => ({ self: `/v1/complaints/${id}`, timeline: `/v1/complaints/${id}#timeline`, history: `/v1/complaints/${id}/history` });

export const complaintRoutes =
  ({ db, intake, lookup, agents }: ComplaintRouteDeps): FastifyPluginAsyncZod =>
  async (app) => {
    app.post(
      '/v1/complaints',
      {
        onRequest: requireRoles('integrator', 'admin'),
        schema: {
          tags: ['complaints'],
          summary: 'Submit a complaint (idempotent by Idempotency-Key or by channel + externalRef)',
          headers: idempotencyHeaders,
          body: createComplaintBody,
          response: { 200: createComplaintResponse, 201: createComplaintResponse, 413: errorResponse, 415: errorResponse, 422: errorResponse, ...authErrors },
        },
      },
      async (req, reply) => {
        const { id, created, status, workflowId } = await intake(req.body, req.principal!, req.headers['idempotency-key']);
        reply.header('location', `/v1/complaints/${id}`);
        return reply.status(created ? 201 : 200).send({ id, status: status as 'received', workflowId, links: links(id) });
      },
    );

    app.get(
      '/v1/complaints/:id',
      {
        onRequest: requireRoles('integrator', 'agent', 'supervisor', 'auditor', 'admin'),
        schema: { tags: ['complaints'], summary: 'One complaint with its timeline', params: idParams, response: { 200: complaintViewSchema, 404: errorResponse, ...authErrors } },
      },
      async (req) => {
        const { row, live } = await lookup(req.params.id, req.principal!);
        // Suggestions name other customers' complaints: staff see them, integrators do not.
        const staff = req.principal!.role !== 'integrator';
        const suggestions = staff ? suggestionViews(row.suggestions, await resolutionsOf(db, row.suggestions.flatMap((s) => (s.kind === 'resolution' ? [s.complaintId] : [])))) : undefined;
        return complaintView(row, await getTimeline(db, row.id), live, suggestions, contactVisible(req.principal!, live?.assignee ?? row.assignee));
      },
    );

    app.get(
      '/v1/complaints',
      {
        onRequest: requireRoles('integrator', 'agent', 'supervisor', 'auditor', 'admin'),
        schema: {
          tags: ['complaints'],
          summary: 'List complaints, newest first; ?format=csv streams every match as CSV',
          querystring: listComplaintsQuery,
          response: { 200: jsonOrCsv(complaintPage), ...authErrors },
        },
      },
      async (req, reply) => {
        const { limit, cursor, createdFrom, createdTo, format, ...rest } = req.query;
        const actor = req.principal!;
        const filters = {
          ...rest,
          createdFrom: createdFrom ? new Date(createdFrom) : undefined,
          createdTo: createdTo ? new Date(createdTo) : undefined,
          submittedBy: actor.role === 'integrator' ? actor.subject : undefined,
          agentScope: await agents.of(actor),
        };
        if (format === 'csv') {
          return sendCsv(reply, 'complaints.csv', complaintsCsv(db, filters));
        }
        const rows = await listComplaints(db, filters, limit + 1, cursor ? decodeCursor(cursor) : undefined);
        const page = rows.slice(0, limit);
        return { items: page.map((r) => summaryView(r, undefined, contactVisible(actor, r.assignee))), nextCursor: rows.length > limit ? encodeCursor(page[page.length - 1]!) : null };
      },
    );

  };
