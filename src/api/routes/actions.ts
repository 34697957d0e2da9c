import { createHash } from 'node:crypto';
import type { UpdateDefinition } from '@temporalio/common';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { z } from 'zod';
import type { Role } from '../../shared/constants';
import { keyedUpdateId, type KeyedAction } from '../../shared/idempotency';
import { REOPEN_WINDOW_MS } from '../../domain/complaint/vocabulary';
import type { Actor, ComplaintState } from '../../shared/types';
import type { Db } from '../../db/client';
import { actionKeyResult, claimActionKey, getActionKey } from '../../db/queries/action-keys';
import { reopenableUntil } from '../../db/queries/timeline';
import type { ComplaintRow } from '../../db/schema';
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
import { requireRoles } from '../auth';
import type { ComplaintLookup } from '../complaint-lookup';
import type { Engine } from '../engine';
import { AppError } from '../errors';
import { authErrors, errorResponse, idParams } from '../schemas/common';
import { actionBodies, actionIdempotencyHeaders, actionResult, resolveBody } from '../schemas/complaints';
import { workflowInputFromRow } from '../views';

export interface ActionRouteDeps {
  db: Db;
  engine: Engine;
  lookup: ComplaintLookup;
  /** REOPEN_WINDOW_DAYS, for complaints closed before their runs carried the window themselves. */
  reopenWindowMs?: number;
}

interface ActionSpec<B extends z.ZodType> {
  path: KeyedAction;
  summary: string;
  roles: Role[];
  /** Agents may act only on complaints assigned to them. */
  agentOwn: boolean;
  body: B;
  update: UpdateDefinition<ActionResult, [never]>;
  /** Extra checks on who may do what, beyond the role. */
  guard?: (actor: Actor, body: z.infer<B>, live: ComplaintState | undefined, row: ComplaintRow) => void;
  /** Checks of the body against stored settings (the taxonomy), before anything reaches the workflow. */
  check?: (db: Db, body: z.infer<B>) => Promise<void>;
}

/** A category correction must name a category of the taxonomy in force (the value is not echoed back). */
async function knownCategory(db: Db, body: { category: string }): Promise<void> {
  const t = await getTaxonomy(db);
  if (t && !hasCategory(t.document, body.category)) {
    throw new AppError('VALIDATION_FAILED', 'Unknown category.', [{ path: 'body.category', message: `not a category of taxonomy version ${t.version} (GET /v1/taxonomy lists them)` }]);
  }
}

const spec = <B extends z.ZodType>(s: ActionSpec<B>) => s as unknown as ActionSpec<z.ZodType>;

/** API.md's action table: route, who may call it, and the workflow update it sends. */
const ACTIONS = [
  spec({ path: 'assign', summary: 'Reassign to a handler', roles: ['supervisor'], agentOwn: false, body: actionBodies.assign, update: assignUpdate as never }),
  spec({
    path: 'escalate',
    summary: 'Escalate (supervisor: any level; agent: request level 1 on own complaints)',
    roles: ['supervisor', 'agent'],
    agentOwn: true,
    body: actionBodies.escalate,
    update: escalateUpdate as never,
    guard: (actor, body: z.infer<typeof actionBodies.escalate>, live, row) => {
      const target = body.level ?? (live?.sla?.escalationLevel ?? row.escalationLevel) + 1;
      if (actor.role === 'agent' && target > 1) throw new AppError('FORBIDDEN', 'Agents may request escalation to level 1 (team lead) only.');
    },
  }),
  spec({ path: 'priority', summary: 'Change the priority; SLA targets follow from the original start', roles: ['supervisor'], agentOwn: false, body: actionBodies.priority, update: reprioritizeUpdate as never }),
  spec({
    path: 'category',
    summary: 'Correct or confirm the category (one of GET /v1/taxonomy; kept as a training example; re-routes when another department serves it; confirming the same category routes a complaint that needsHumanTriage)',
    roles: ['supervisor'],
    agentOwn: false,
    body: actionBodies.category,
    update: recategorizeUpdate as never,
    check: knownCategory,
  }),
  spec({ path: 'transfer', summary: 'Transfer to another department', roles: ['supervisor', 'agent'], agentOwn: true, body: actionBodies.transfer, update: transferUpdate as never }),
  spec({ path: 'notes', summary: 'Add an internal note', roles: ['agent', 'supervisor'], agentOwn: false, body: actionBodies.notes, update: noteUpdate as never }),
  spec({ path: 'responses', summary: 'Respond to the customer (the first stops the first-response clock)', roles: ['agent'], agentOwn: true, body: actionBodies.responses, update: respondUpdate as never }),
  spec({ path: 'await-customer', summary: 'Ask the customer; pauses the SLA clock', roles: ['agent'], agentOwn: true, body: actionBodies['await-customer'], update: awaitCustomerUpdate as never }),
  spec({ path: 'customer-replies', summary: "Record the customer's reply; resumes the clock", roles: ['integrator'], agentOwn: false, body: actionBodies['customer-replies'], update: customerReplyUpdate as never }),
  spec({ path: 'resolve', summary: 'Resolve (agent: own complaints; supervisor: any)', roles: ['agent', 'supervisor'], agentOwn: true, body: resolveBody, update: resolveUpdate as never }),
  spec({ path: 'withdraw', summary: 'Withdraw at the customer’s request', roles: ['integrator'], agentOwn: false, body: actionBodies.withdraw, update: withdrawUpdate as never }),
];

/** A body's fingerprint: sha256 of its JSON with keys sorted, so key order does not make it "another body". */
function fingerprint(body: unknown): string {
  const canonical = (v: unknown): unknown =>
    Array.isArray(v) ? v.map(canonical) : v && typeof v === 'object' ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, canonical((v as Record<string, unknown>)[k])])) : v;
  return createHash('sha256').update(JSON.stringify(canonical(body ?? {}))).digest('hex');
}

/**
 * An action with an idempotency key. The key is claimed first: the same key with another action, actor or
 * body is refused (422). A stored outcome is the answer; otherwise the update runs as `<action>:<key>`,
 * which Temporal answers with the first outcome while the run lasts. A refusal after that may mean the
 * first call's answer was lost and the workflow has moved on or ended: the outcome stored by then is the
 * answer, and a refusal only when there is none.
 */
function keyed(db: Db) {
  /**
   * The outcome this caller already got for this very request, if its first call went through. Asked
   * before the complaint is looked up: an agent's own transfer may have taken the complaint out of what
   * the agent may read, and the retry is still owed its answer (which names nothing but its status).
   */
  const answered = async (complaintId: string, action: KeyedAction, key: string | undefined, actor: Actor, body: unknown): Promise<ActionResult | undefined> => {
    if (key === undefined) return undefined;
    const held = await getActionKey(db, complaintId, key);
    return held?.result && held.action === action && held.actor === actor.subject && held.fingerprint === fingerprint(body) ? (held.result as ActionResult) : undefined;
  };
  const run = async (complaintId: string, action: KeyedAction, key: string, actor: Actor, body: unknown, run: (updateId: string) => Promise<ActionResult>): Promise<ActionResult> => {
    const claim = { complaintId, key, action, actor: actor.subject, fingerprint: fingerprint(body) };
    const held = await claimActionKey(db, claim);
    if (held.action !== claim.action || held.actor !== claim.actor || held.fingerprint !== claim.fingerprint) {
      const what = held.action !== claim.action ? `the action ${held.action}` : held.actor !== claim.actor ? 'another caller' : 'another body';
      throw new AppError('IDEMPOTENCY_KEY_REUSED', `This Idempotency-Key was used on this complaint for ${what}.`, [{ path: 'headers.idempotency-key', message: `already used for ${what}` }]);
    }
    if (held.result) return held.result as ActionResult;
    try {
      return await run(keyedUpdateId(action, key));
    } catch (err) {
      if (!(err instanceof AppError) || err.code !== 'INVALID_STATE') throw err;
      const stored = await actionKeyResult(db, complaintId, key);
      if (stored) return stored as ActionResult;
      throw err;
    }
  };
  return { answered, run };
}

export const actionRoutes =
  ({ db, engine, lookup, reopenWindowMs = REOPEN_WINDOW_MS }: ActionRouteDeps): FastifyPluginAsyncZod =>
  async (app) => {
    const response = { 200: actionResult, 404: errorResponse, 409: errorResponse, 422: errorResponse, ...authErrors };
    const withKey = keyed(db);


    for (const a of ACTIONS) {
      app.post(
        `/v1/complaints/:id/${a.path}`,
        { onRequest: requireRoles(...a.roles), schema: { tags: ['actions'], summary: a.summary, params: idParams, headers: actionIdempotencyHeaders, body: a.body, response } },
        async (req) => {
          const actor = req.principal!;
          const key = req.headers['idempotency-key'];
          const done = await withKey.answered(req.params.id, a.path, key, actor, req.body);
          if (done) return done;
          const { row, live } = await lookup(req.params.id, actor);
          const args = { ...(req.body as object), actor };
          const update = a.update as UpdateDefinition<ActionResult, [unknown]>;
          const checked = async (): Promise<void> => {
            if (a.agentOwn && actor.role === 'agent' && (live?.assignee ?? row.assignee) !== actor.subject) {
              throw new AppError('FORBIDDEN', 'Agents may do this only on complaints assigned to them.');
            }
            a.guard?.(actor, req.body, live, row);
            await a.check?.(db, req.body);
          };
          if (key === undefined) {
            await checked();
            return engine.update(row.id, update, args);
          }
          // The guards run only when the action runs: a retry whose first call succeeded gets its outcome
          // even though the action has since changed what the guards see (an agent's own transfer, say).
          return withKey.run(row.id, a.path, key, actor, req.body, async (updateId) => (await checked(), engine.updateOnce(row.id, updateId, update, args)));
        },
      );
    }

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
