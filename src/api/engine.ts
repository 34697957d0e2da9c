import { type Client, ServiceError, WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure, type UpdateDefinition } from '@temporalio/common';
import { COMPLAINT_WORKFLOW_TYPE, TASK_QUEUE, complaintWorkflowId } from '../shared/constants';
import { CHANNEL_ATTR, STATUS_ATTR } from '../shared/search-attributes';
import type { ComplaintStatus } from '../shared/constants';
import type { Actor, ComplaintState, ComplaintWorkflowInput } from '../shared/types';
import { INVALID_ARGUMENT, INVALID_STATE, NOT_FOUND, releaseSignal, statusQuery, wakeSignal } from '../../workflows/complaint.messages';
import { AppError, RETRY_AFTER_UNAVAILABLE } from './errors';

/** gRPC codes that mean "the engine cannot take this now", as opposed to "this request is wrong". */
const UNAVAILABLE_CODES = new Set([4 /* DEADLINE_EXCEEDED */, 14 /* UNAVAILABLE */, 8 /* RESOURCE_EXHAUSTED */]);

function grpcCode(err: unknown): number | undefined {
  const e = err as { code?: unknown; cause?: unknown };
  if (typeof e?.code === 'number') return e.code;
  return e?.cause ? grpcCode(e.cause) : undefined;
}

/** Maps engine outages to 503 with Retry-After; anything else is rethrown unchanged. */
export function engineFailure(err: unknown): never {
  const code = grpcCode(err);
  if ((code !== undefined && UNAVAILABLE_CODES.has(code)) || (err instanceof ServiceError && /connect|unavailable|deadline/i.test(err.message))) {
    throw new AppError('ENGINE_UNAVAILABLE', undefined, [], RETRY_AFTER_UNAVAILABLE);
  }
  throw err;
}

export interface EngineOptions {
  client: Client;
  taskQueue?: string;
  /** How long a call to the engine may take before the request fails with 503 (ms). */
  callTimeoutMs?: number;
  /** The read model's status of a complaint: what a refusal names when the ended workflow's result cannot be read. */
  storedStatus?: (id: string) => Promise<string | undefined>;
}

/**
 * The API's only door to Temporal: starts complaint workflows and sends them queries and updates, with
 * deadlines, and with engine errors mapped onto the error catalogue.
 */
export function createEngine({ client, taskQueue = TASK_QUEUE, callTimeoutMs = 5000, storedStatus }: EngineOptions) {
  const withDeadline = <T>(fn: () => Promise<T>, ms = callTimeoutMs): Promise<T> => client.connection.withDeadline(Date.now() + ms, fn).catch(engineFailure);

  return {
    /**
     * Starts the complaint's workflow. Returns true when this call started it, false when a workflow with
     * this id already exists or existed (a retried submission): REJECT_DUPLICATE keeps even a closed
     * complaint's id taken, so a retry after close does not open a second complaint.
     */
    async start(input: ComplaintWorkflowInput): Promise<boolean> {
      try {
        await withDeadline(() =>
          client.workflow.start(COMPLAINT_WORKFLOW_TYPE, {
            taskQueue,
            workflowId: complaintWorkflowId(input.id),
            args: [input],
            workflowIdReusePolicy: 'REJECT_DUPLICATE',
            workflowIdConflictPolicy: 'FAIL',
            typedSearchAttributes: [
              { key: STATUS_ATTR, value: 'received' },
              { key: CHANNEL_ATTR, value: input.channel },
            ],
          }),
        );
        return true;
      } catch (err) {
        if (err instanceof WorkflowExecutionAlreadyStartedError) return false;
        throw err;
      }
    },

    /**
     * Reopens a closed complaint whose workflow has ended: a new run under the same workflow id
     * (ALLOW_DUPLICATE for this start only), linked to the old one by the id and by its "reopened" event.
     * Returns false when a run is already going (someone reopened it first). A keyed reopen's update id
     * goes with it, so the new run stores the outcome under the caller's key.
     */
    async startReopen(input: ComplaintWorkflowInput, reason: string, actor: Actor, updateId?: string): Promise<boolean> {
      try {
        await withDeadline(() =>
          client.workflow.start(COMPLAINT_WORKFLOW_TYPE, {
            taskQueue,
            workflowId: complaintWorkflowId(input.id),
            args: [{ ...input, reopen: { reason, actor, ...(updateId ? { updateId } : {}) } }],
            workflowIdReusePolicy: 'ALLOW_DUPLICATE',
            workflowIdConflictPolicy: 'FAIL',
          }),
        );
        return true;
      } catch (err) {
        if (err instanceof WorkflowExecutionAlreadyStartedError) return false;
        throw err;
      }
    },

    /** Sends each complaint back to its queue if it is still with the handler (best effort per complaint). */
    async release(ids: string[], handlerId: string, reason: string): Promise<void> {
      await Promise.allSettled(ids.map((id) => withDeadline(() => client.workflow.getHandle(complaintWorkflowId(id)).signal(releaseSignal, { handlerId, reason }))));
    },

    /** Nudges waiting complaints to try assignment now (best effort: each also re-checks on a timer). */
    async wake(ids: string[]): Promise<void> {
      await Promise.allSettled(ids.map((id) => withDeadline(() => client.workflow.getHandle(complaintWorkflowId(id)).signal(wakeSignal))));
    },

    /** Waits (briefly) for a run that is finishing, e.g. one that has just written "closed". */
    async awaitEnd(id: string, timeoutMs = 5000): Promise<void> {
      await withDeadline(() => client.workflow.getHandle(complaintWorkflowId(id)).result(), timeoutMs).catch(() => undefined);
    },

    /** The live state, or undefined when the workflow does not exist or cannot answer in time. */
    async state(id: string, timeoutMs = 2000): Promise<ComplaintState | undefined> {
      try {
        return await withDeadline(() => client.workflow.getHandle(complaintWorkflowId(id)).query(statusQuery), timeoutMs);
      } catch {
        // The read model still answers; a live overlay is a refinement, not a requirement.
        return undefined;
      }
    },

    /** Runs a workflow update and maps its refusals: INVALID_STATE → 409, INVALID_ARGUMENT → 400, gone → 409 naming the final status. */
    async update<Ret, Args extends [unknown, ...unknown[]]>(id: string, def: UpdateDefinition<Ret, Args>, ...args: Args): Promise<Ret> {
      try {
        return await withDeadline(() => client.workflow.getHandle(complaintWorkflowId(id)).executeUpdate(def, { args }), 30_000);
      } catch (err) {
        throw await mapUpdateError(err, id);
      }
    },

    /**
     * An update that a repeated request must not repeat: Temporal keeps one outcome per update id within a
     * run, so a channel's message id or a caller's idempotency key (`<action>:<key>`) makes a retry return
     * the first outcome instead of running again.
     */
    async updateOnce<Ret, Arg>(id: string, updateId: string, def: UpdateDefinition<Ret, [Arg]>, arg: Arg): Promise<Ret> {
      try {
        return await withDeadline(() => client.workflow.getHandle(complaintWorkflowId(id)).executeUpdate(def, { args: [arg], updateId }), 30_000);
      } catch (err) {
        throw await mapUpdateError(err, id);
      }
    },
  };

  /**
   * Maps an update's failure onto the catalogue. An update sent to a workflow that has ended is refused
   * with the status it ended in (`withdrawn`, `closed`), taken from its result, in the same shape as the
   * running workflow's own refusals.
   */
  async function mapUpdateError(err: unknown, id: string): Promise<unknown> {
    const mapped = mapRefusal(err);
    if (mapped !== undefined) return mapped;
    // Routes check that the complaint exists first, so "not found" here means its workflow has ended.
    if (err instanceof WorkflowNotFoundError || grpcCode(err) === 5 /* NOT_FOUND */ || /already completed/i.test(String((err as Error)?.message))) {
      const ended = await withDeadline(() => client.workflow.getHandle(complaintWorkflowId(id)).result() as Promise<{ status?: ComplaintStatus }>, 5000).then(
        (outcome) => outcome?.status,
        () => undefined,
      );
      const status = ended ?? (await storedStatus?.(id).catch(() => undefined));
      return finishedError(status ?? 'closed');
    }
    return err;
  }
}

export type Engine = ReturnType<typeof createEngine>;

/** The 409 for an action on a complaint whose workflow has ended in `status`. */
export const finishedError = (status: string): AppError => new AppError('INVALID_STATE', `The complaint is ${status}.`, [{ message: status, status }]);

function mapRefusal(err: unknown): AppError | undefined {
  if (err instanceof AppError) return err;
  if (err instanceof WorkflowUpdateFailedError && err.cause instanceof ApplicationFailure) {
    const f = err.cause;
    if (f.type === INVALID_STATE) return new AppError('INVALID_STATE', f.message, [{ message: f.message, status: f.details?.[0] }]);
    if (f.type === INVALID_ARGUMENT) return new AppError('VALIDATION_FAILED', f.message, [{ path: `body.${String(f.details?.[0] ?? '')}`, message: f.message }]);
    if (f.type === NOT_FOUND) return new AppError('VALIDATION_FAILED', f.message, [{ message: f.message }]);
  }
  return undefined;
}

