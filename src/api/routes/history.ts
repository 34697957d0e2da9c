import type { Client } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { readableHistory } from '../../audit/history';
import { complaintWorkflowId } from '../../shared/constants';
import { requireRoles } from '../auth';
import type { ComplaintLookup } from '../complaint-lookup';
import { engineFailure } from '../engine';
import { AppError } from '../errors';
import { authErrors, errorResponse, idParams } from '../schemas/common';

export interface ReplayRequest {
  ids?: string[];
  query?: string;
}
export interface ReplayReport {
  replayed: number;
  failures: Array<{ id: string; runId?: string; error: string }>;
}

export interface HistoryRouteDeps {
  client: Client;
  lookup: ComplaintLookup;
  /** Replays histories against the current workflow code (injected: the replayer lives with the worker code). */
  replay: (req: ReplayRequest) => Promise<ReplayReport>;
}

const GRPC_INVALID_ARGUMENT = 3;
const GRPC_NOT_FOUND = 5;

function grpcCodeOf(err: unknown): number | undefined {
  const e = err as { code?: unknown; cause?: unknown };
  if (typeof e?.code === 'number') return e.code;
  return e?.cause ? grpcCodeOf(e.cause) : undefined;
}

// Temporal's run ids are UUIDs; anything else would reach the engine only to be refused there.
const historyQuery = z.object({ format: z.enum(['readable', 'raw']).default('readable'), runId: z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, 'not a run id').optional() }).strict();
const entry = z.object({ eventId: z.number(), at: z.string(), type: z.string(), name: z.string().optional(), data: z.unknown().optional() });
/** ?format=raw: Temporal's own history JSON, as the replayer takes it. */
const raw = z.looseObject({ events: z.array(z.unknown()) }).meta({ id: 'RawHistory' });
const readable = z.object({ id: z.string(), workflowId: z.string(), runs: z.array(z.object({ runId: z.string(), status: z.string(), events: z.array(entry) })) }).meta({ id: 'History' });
const replayBody = z
  .object({ ids: z.array(z.string().regex(/^[a-z0-9]{1,64}$/)).min(1).max(1000).optional(), query: z.string().trim().min(1).max(2000).optional() })
  .strict()
  .refine((b) => (b.ids ? 1 : 0) + (b.query ? 1 : 0) === 1, { message: 'give exactly one of ids or query', path: ['ids'] });
const replayResult = z.object({ replayed: z.number(), failures: z.array(z.object({ id: z.string(), runId: z.string().optional(), error: z.string() })) }).meta({ id: 'ReplayReport' });

/** Auditors' view of the engine: a complaint's workflow history, and replay against today's code. */
export const historyRoutes =
  ({ client, lookup, replay }: HistoryRouteDeps): FastifyPluginAsyncZod =>
  async (app) => {
    app.get(
      '/v1/complaints/:id/history',
      {
        onRequest: requireRoles('auditor'),
        schema: { tags: ['audit'], summary: "The complaint's workflow history: readable steps, or ?format=raw for the replayer", params: idParams, querystring: historyQuery, response: { 200: z.union([readable, raw]), 404: errorResponse, ...authErrors } },
      },
      async (req, reply) => {
        const { row } = await lookup(req.params.id, req.principal!);
        const workflowId = complaintWorkflowId(row.id);
        const runs: Array<{ runId: string; status: string }> = [];
        try {
          for await (const wf of client.workflow.list({ query: `WorkflowId = '${workflowId}'` })) runs.push({ runId: wf.runId, status: wf.status.name });
        } catch (err) {
          engineFailure(err);
        }
        runs.reverse(); // oldest run first
        if (runs.length === 0) throw new AppError('NOT_FOUND', `No workflow history for ${row.id} (retention may have removed it).`);
        if (req.query.format === 'raw') {
          const runId = req.query.runId ?? runs[runs.length - 1]!.runId;
          const history = await client.workflow
            .getHandle(workflowId, runId)
            .fetchHistory()
            .catch((err: unknown) => {
              // A run id of another workflow (or none): the engine says NOT_FOUND, and so do we.
              if (grpcCodeOf(err) === GRPC_NOT_FOUND) throw new AppError('NOT_FOUND', `No run ${runId} of complaint ${row.id}.`);
              return engineFailure(err);
            });
          // historyToJSON is the replayer's own encoding (int64s as strings); parsed so the reply is checked against RawHistory.
          return reply.type('application/json').send(JSON.parse(historyToJSON(history)) as z.infer<typeof raw>);
        }
        const out = [];
        for (const r of runs) {
          const history = await client.workflow.getHandle(workflowId, r.runId).fetchHistory().catch(engineFailure);
          out.push({ ...r, events: readableHistory(history.events ?? []) });
        }
        return { id: row.id, workflowId, runs: out };
      },
    );

    app.post(
      '/v1/audit/replay',
      { onRequest: requireRoles('auditor'), schema: { tags: ['audit'], summary: 'Replay histories against the running code: {ids} or {query}', body: replayBody, response: { 200: replayResult, ...authErrors } } },
      async (req) => {
        try {
          return await replay(req.body);
        } catch (err) {
          // The engine refuses a visibility query it cannot parse: the caller's mistake, not ours.
          if (req.body.query && grpcCodeOf(err) === GRPC_INVALID_ARGUMENT) {
            throw new AppError('VALIDATION_FAILED', 'The engine cannot run this visibility query.', [{ path: 'body.query', message: 'not a valid visibility query (e.g. ComplaintStatus = \'closed\')' }]);
          }
          return engineFailure(err);
        }
      },
    );
  };
