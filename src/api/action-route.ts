import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { UpdateDefinition } from '@temporalio/common';
import type { FastifyRequest, RawServerDefault, RouteGenericInterface } from 'fastify';
import type { FastifyPluginAsyncZod, ZodTypeProvider } from 'fastify-type-provider-zod';
import type { z } from 'zod';
import type { Role } from '../shared/constants';
import { keyedUpdateId, type KeyedAction } from '../shared/idempotency';
import type { Actor, ComplaintState } from '../shared/types';
import type { Db } from '../db/client';
import { actionKeyResult, claimActionKey, getActionKey } from '../db/queries/action-keys';
import type { ComplaintRow } from '../db/schema';
import type { ActionResult } from '../../workflows/complaint.messages';
import { requireRoles } from './auth';
import type { ComplaintLookup } from './complaint-lookup';
import type { Engine } from './engine';
import { AppError } from './errors';
import { authErrors, errorResponse, idParams } from './schemas/common';
import { actionIdempotencyHeaders, actionResult } from './schemas/complaints';

/** The Fastify instance a zod-typed plugin receives. */
export type ZodApp = Parameters<FastifyPluginAsyncZod>[0];

/**
 * The body a handler receives once the schema `B` has validated it: `z.output<B>` for a concrete schema.
 * It is spelled through Fastify's own request type rather than as `z.output<B>` because inside generic
 * code both are deferred conditional types that TypeScript cannot relate; spelled this way it is the very
 * type of `req.body` in the route below, so the body reaches `guard`, `check` and `toArgs` uncast.
 */
export type ValidatedBody<B extends z.ZodType> = FastifyRequest<RouteGenericInterface, RawServerDefault, IncomingMessage, { body: B }, ZodTypeProvider>['body'];

/** What every action route adds to the body: who acts, from the bearer token. */
export interface ByActor {
  actor: Actor;
}

/** The usual update argument: the validated body as it is, with the actor added. */
export const withActor = <T extends object>(body: T, actor: Actor): T & ByActor => ({ ...body, actor });

/**
 * One action route: `POST /v1/complaints/:id/<path>`, its body schema, and the workflow update it sends.
 * `A` is the update's argument type, taken from `update` alone.
 */
export interface ActionSpec<B extends z.ZodType, A> {
  path: KeyedAction;
  summary: string;
  roles: Role[];
  /** Agents may act only on complaints assigned to them. */
  agentOwn: boolean;
  body: B;
  update: UpdateDefinition<ActionResult, [A]>;
  /**
   * The update's argument from the validated body and the actor: usually `withActor`. Its result must be
   * an `A`, and `NoInfer` keeps it from widening `A`, so a body bound to an update it does not fit (a
   * missing or mistyped field) fails to compile here, at the action's own line. It is required, even when
   * it is just `withActor`, because only here, where the body and the update are concrete, can TypeScript
   * check the conversion; the shared route below is generic and could not.
   */
  toArgs: (body: ValidatedBody<B>, actor: Actor) => NoInfer<A>;
  /** Extra checks on who may do what, beyond the role. */
  guard?: (actor: Actor, body: ValidatedBody<B>, live: ComplaintState | undefined, row: ComplaintRow) => void;
  /** Checks of the body against stored settings (the taxonomy), before anything reaches the workflow. */
  check?: (db: Db, body: ValidatedBody<B>) => Promise<void>;
}

/** What an action route needs at registration. */
export interface ActionContext {
  db: Db;
  engine: Engine;
  lookup: ComplaintLookup;
  keys: KeyedActions;
}

/** An action whose body and update types were checked against each other by `defineAction`, ready to register. */
export interface ActionRoute {
  readonly path: KeyedAction;
  register(app: ZodApp, ctx: ActionContext): void;
}

/** The answers every action route documents. */
export const ACTION_RESPONSES = { 200: actionResult, 404: errorResponse, 409: errorResponse, 422: errorResponse, ...authErrors };

/**
 * Declares an action route. The route checks the caller's role and, for `agentOwn`, that an agent holds
 * the complaint, then the `guard` and `check`, then sends the update; with an Idempotency-Key it claims
 * the key first and answers a repeat with the stored outcome (see `keyedActions`).
 */
export function defineAction<B extends z.ZodType, A>(a: ActionSpec<B, A>): ActionRoute {
  return {
    path: a.path,
    register(app, { db, engine, lookup, keys }) {
      app.post(
        `/v1/complaints/:id/${a.path}`,
        { onRequest: requireRoles(...a.roles), schema: { tags: ['actions'], summary: a.summary, params: idParams, headers: actionIdempotencyHeaders, body: a.body, response: ACTION_RESPONSES } },
        async (req) => {
          const actor = req.principal!;
          const key = req.headers['idempotency-key'];
          const done = await keys.answered(req.params.id, a.path, key, actor, req.body);
          if (done) return done;
          const { row, live } = await lookup(req.params.id, actor);
          const checked = async (): Promise<void> => {
            if (a.agentOwn && actor.role === 'agent' && (live?.assignee ?? row.assignee) !== actor.subject) {
              throw new AppError('FORBIDDEN', 'Agents may do this only on complaints assigned to them.');
            }
            a.guard?.(actor, req.body, live, row);
            await a.check?.(db, req.body);
          };
          if (key === undefined) {
            await checked();
            return engine.update(row.id, a.update, a.toArgs(req.body, actor));
          }
          // The guards run only when the action runs: a retry whose first call succeeded gets its outcome
          // even though the action has since changed what the guards see (an agent's own transfer, say).
          return keys.run(row.id, a.path, key, actor, req.body, async (updateId) => (await checked(), engine.updateOnce(row.id, updateId, a.update, a.toArgs(req.body, actor))));
        },
      );
    },
  };
}

/** A body's fingerprint: sha256 of its JSON with keys sorted, so key order does not make it "another body". */
function fingerprint(body: unknown): string {
  const canonical = (v: unknown): unknown =>
    Array.isArray(v) ? v.map(canonical) : v && typeof v === 'object' ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, canonical((v as Record<string, unknown>)[k])])) : v;
  return createHash('sha256').update(JSON.stringify(canonical(body ?? {}))).digest('hex');
}

export type KeyedActions = ReturnType<typeof keyedActions>;

/**
 * An action with an idempotency key. The key is claimed first: the same key with another action, actor or
 * body is refused (422). A stored outcome is the answer; otherwise the update runs as `<action>:<key>`,
 * which Temporal answers with the first outcome while the run lasts. A refusal after that may mean the
 * first call's answer was lost and the workflow has moved on or ended: the outcome stored by then is the
 * answer, and a refusal only when there is none.
 */
export function keyedActions(db: Db) {
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
