import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { REOPEN_WINDOW_MS } from '../../domain/complaint/vocabulary';
import type { Db } from '../../db/client';
import { reopenableUntil } from '../../db/queries/timeline';
import { getTaxonomy } from '../../db/queries/taxonomy';
import { hasCategory } from '../../taxonomy/taxonomy';
import {
  assignUpdate,
  awaitCustomerUpdate,
  customerReplyUpdate,
  escalateUpdate,
  noteUpdate,
  recategorizeUpdate,
  reopenUpdate,
  reprioritizeUpdate,
  resolveUpdate,
  respondUpdate,
  transferUpdate,
  withdrawUpdate,
  type ActionResult,
} from '../../../workflows/complaint.messages';
import { ACTION_RESPONSES, defineAction, keyedActions, withActor, type ActionRoute } from '../action-route';
import { requireRoles } from '../auth';
import type { ComplaintLookup } from '../complaint-lookup';
import type { Engine } from '../engine';
import { AppError } from '../errors';
import { idParams } from '../schemas/common';
import { actionBodies, actionIdempotencyHeaders, resolveBody } from '../schemas/complaints';
import { workflowInputFromRow } from '../views';

export interface ActionRouteDeps {
  db: Db;
  engine: Engine;
  lookup: ComplaintLookup;
  /** REOPEN_WINDOW_DAYS, for complaints closed before their runs carried the window themselves. */
  reopenWindowMs?: number;
}

/** A category correction must name a category of the taxonomy in force (the value is not echoed back). */
async function knownCategory(db: Db, body: { category: string }): Promise<void> {
  const t = await getTaxonomy(db);
  if (t && !hasCategory(t.document, body.category)) {
    throw new AppError('VALIDATION_FAILED', 'Unknown category.', [{ path: 'body.category', message: `not a category of taxonomy version ${t.version} (GET /v1/taxonomy lists them)` }]);
  }
}

/** API.md's action table: route, who may call it, and the workflow update it sends. */
const ACTIONS: readonly ActionRoute[] = [
  defineAction({ path: 'assign', summary: 'Reassign to a handler', roles: ['supervisor'], agentOwn: false, body: actionBodies.assign, update: assignUpdate, toArgs: withActor }),
  defineAction({
    path: 'escalate',
    summary: 'Escalate (supervisor: any level; agent: request level 1 on own complaints)',
    roles: ['supervisor', 'agent'],
    agentOwn: true,
    body: actionBodies.escalate,
    update: escalateUpdate,
    toArgs: withActor,
    guard: (actor, body, live, row) => {
      const target = body.level ?? (live?.sla?.escalationLevel ?? row.escalationLevel) + 1;
      if (actor.role === 'agent' && target > 1) throw new AppError('FORBIDDEN', 'Agents may request escalation to level 1 (team lead) only.');
    },
  }),
  defineAction({ path: 'priority', summary: 'Change the priority; SLA targets follow from the original start', roles: ['supervisor'], agentOwn: false, body: actionBodies.priority, update: reprioritizeUpdate, toArgs: withActor }),
  defineAction({
    path: 'category',
    summary: 'Correct or confirm the category (one of GET /v1/taxonomy; kept as a training example; re-routes when another department serves it; confirming the same category routes a complaint that needsHumanTriage)',
    roles: ['supervisor'],
    agentOwn: false,
    body: actionBodies.category,
    update: recategorizeUpdate,
    toArgs: withActor,
    check: knownCategory,
  }),
  defineAction({ path: 'transfer', summary: 'Transfer to another department', roles: ['supervisor', 'agent'], agentOwn: true, body: actionBodies.transfer, update: transferUpdate, toArgs: withActor }),
  defineAction({ path: 'notes', summary: 'Add an internal note', roles: ['agent', 'supervisor'], agentOwn: false, body: actionBodies.notes, update: noteUpdate, toArgs: withActor }),
  defineAction({ path: 'responses', summary: 'Respond to the customer (the first stops the first-response clock)', roles: ['agent'], agentOwn: true, body: actionBodies.responses, update: respondUpdate, toArgs: withActor }),
  defineAction({ path: 'await-customer', summary: 'Ask the customer; pauses the SLA clock', roles: ['agent'], agentOwn: true, body: actionBodies['await-customer'], update: awaitCustomerUpdate, toArgs: withActor }),
  defineAction({ path: 'customer-replies', summary: "Record the customer's reply; resumes the clock", roles: ['integrator'], agentOwn: false, body: actionBodies['customer-replies'], update: customerReplyUpdate, toArgs: withActor }),
  defineAction({ path: 'resolve', summary: 'Resolve (agent: own complaints; supervisor: any)', roles: ['agent', 'supervisor'], agentOwn: true, body: resolveBody, update: resolveUpdate, toArgs: withActor }),
  defineAction({ path: 'withdraw', summary: 'Withdraw at the customer’s request', roles: ['integrator'], agentOwn: false, body: actionBodies.withdraw, update: withdrawUpdate, toArgs: withActor }),
];

export const actionRoutes =
  ({ db, engine, lookup, reopenWindowMs = REOPEN_WINDOW_MS }: ActionRouteDeps): FastifyPluginAsyncZod =>
  async (app) => {
    const response = ACTION_RESPONSES;
    const withKey = keyedActions(db);
    for (const a of ACTIONS) a.register(app, { db, engine, lookup, keys: withKey });

    app.post(
      '/v1/complaints/:id/reopen',
      {
        onRequest: requireRoles('supervisor', 'integrator'),
        schema: { tags: ['actions'], summary: 'Reopen (within the reopen window after closing, 30 days unless configured)', params: idParams, headers: actionIdempotencyHeaders, body: actionBodies.reopen, response },
      },
      async (req) => {
        const actor = req.principal!;
        const { row, live } = await lookup(req.params.id, actor);
        const reopen = async (updateId?: string): Promise<ActionResult> => {
          const send = () => (updateId ? engine.updateOnce(row.id, updateId, reopenUpdate, { reason: req.body.reason, actor }) : engine.update(row.id, reopenUpdate, { reason: req.body.reason, actor }));
          if (live || row.status !== 'closed') return send();
          // Closed since the pure core ('lifecycle-core'): the run stays alive until the end of the reopen
          // window its closed event names, and takes the reopen as an update on the same run; after that the
          // run has ended, and the complaint is not reopened.
          const until = await reopenableUntil(db, row.id);
          const windowEnd = until ?? (row.closedAt ? row.closedAt.getTime() + reopenWindowMs : undefined);
          if (windowEnd === undefined || Date.now() > windowEnd) {
            throw new AppError('INVALID_STATE', 'The reopen window has passed: submit a new complaint instead.', [{ message: 'reopen window passed', status: row.status }]);
          }
          if (until !== undefined) return send();
          // Closed before the core: that workflow has ended; reopening continues it as a new, linked run (the
          // frozen legacy workflow rebuilds it from the read model).
          const input = workflowInputFromRow(row);
          let started = await engine.startReopen(input, req.body.reason, actor, updateId);
          if (!started) {
            // The read model says closed a moment before the run itself ends; let it end, then continue it.
            await engine.awaitEnd(row.id);
            started = await engine.startReopen(input, req.body.reason, actor, updateId);
          }
          if (!started) return send();
          return { id: row.id, status: row.assignee ? ('in_progress' as const) : ('triaged' as const) };
        };
        const key = req.headers['idempotency-key'];
        return key === undefined ? reopen() : withKey.run(row.id, 'reopen', key, actor, req.body, reopen);
      },
    );
  };
