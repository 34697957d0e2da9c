import {
  ApplicationFailure,
  allHandlersFinished,
  condition,
  proxyActivities,
  setHandler,
  upsertSearchAttributes,
} from '@temporalio/workflow';
import type { SearchAttributeUpdatePair } from '@temporalio/common';
import type { Activities } from '../activities';
import { ASSIGNEE_ATTR, CATEGORY_ATTR, DEPARTMENT_ATTR, PRIORITY_ATTR, STATUS_ATTR } from '../src/shared/search-attributes';
import type { ComplaintStatus } from '../src/shared/constants';
import type { Actor, ComplaintState, ComplaintWorkflowInput, TriageOutcome } from '../src/shared/types';
import { INVALID_ARGUMENT, INVALID_STATE, resolveUpdate, statusQuery, type ActionResult, type ResolveArgs } from './complaint.messages';

// No maximumAttempts: a database or SMTP outage of any length delays a complaint but never loses it.
// Business refusals are thrown non-retryable by the activities themselves.
const acts = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

/** How often an unassigned complaint re-checks for a free handler (safety net; signals come later). */
const QUEUE_RECHECK = '5 minutes';

const RESOLVABLE: readonly ComplaintStatus[] = ['triaged', 'assigned', 'in_progress', 'pending_customer'];

export interface ComplaintOutcome {
  id: string;
  status: ComplaintStatus;
}

/**
 * One complaint from intake to close: persist, triage, assign, wait for resolution, close.
 * Every step is written to the read model with a step number (`seq`) that makes the write idempotent.
 */
export async function complaintWorkflow(input: ComplaintWorkflowInput): Promise<ComplaintOutcome> {
  let seq = 1; // step 1 is the insert; every later persisted step takes the next number
  const state: ComplaintState = { id: input.id, status: 'received', updatedAt: input.receivedAt };
  const now = (): string => new Date().toISOString(); // workflow time: deterministic on replay

  setHandler(statusQuery, () => ({ ...state, input }));

  // Read-model writes run one at a time, in step order. An update handler (resolve) and the main flow
  // can both want to write at once; without this a later step could land first and the earlier one's
  // fields (the resolution text) would be dropped as "overtaken".
  let writes: Promise<unknown> = Promise.resolve();
  const serial = <T>(write: () => Promise<T>): Promise<T> => {
    const next = writes.then(write);
    writes = next.catch(() => undefined);
    return next;
  };

  const syncSearchAttributes = (): void => {
    const pairs: SearchAttributeUpdatePair[] = [{ key: STATUS_ATTR, value: state.status }];
    if (state.category) pairs.push({ key: CATEGORY_ATTR, value: state.category });
    if (state.priority) pairs.push({ key: PRIORITY_ATTR, value: state.priority });
    if (state.department) pairs.push({ key: DEPARTMENT_ATTR, value: state.department });
    if (state.assignee) pairs.push({ key: ASSIGNEE_ATTR, value: state.assignee });
    upsertSearchAttributes(pairs);
  };

  const transition = async (status: ComplaintStatus, actor: Actor, type: string, data: Record<string, unknown> = {}): Promise<void> => {
    state.status = status;
    state.updatedAt = now();
    const patch = status === 'resolved' ? { resolution: state.resolution } : undefined;
    syncSearchAttributes();
    const at = state.updatedAt;
    // The step number is taken when the write runs, so numbers follow the order writes reach the database.
    await serial(() => acts.recordTransition({ complaintId: input.id, seq: ++seq, status, patch, event: { type, actor, at, data } }));
  };

  setHandler(
    resolveUpdate,
    async ({ resolution, actor }: ResolveArgs): Promise<ActionResult> => {
      state.resolution = resolution.trim();
      await transition('resolved', actor, 'resolved', { resolution: state.resolution });
      // Report the status this update produced; the main loop may already be closing the complaint.
      return { id: input.id, status: 'resolved' };
    },
    {
      validator: ({ resolution }: ResolveArgs): void => {
        if (!RESOLVABLE.includes(state.status)) {
          throw ApplicationFailure.create({ type: INVALID_STATE, message: `cannot resolve a complaint that is ${state.status}`, details: [state.status], nonRetryable: true });
        }
        if (typeof resolution !== 'string' || resolution.trim() === '') {
          throw ApplicationFailure.create({ type: INVALID_ARGUMENT, message: 'resolution must not be empty', details: ['resolution'], nonRetryable: true });
        }
      },
    },
  );

  await acts.insertComplaint(input);
  const triage = await triageStep(input, ++seq, now());
  Object.assign(state, { status: 'triaged', category: triage.category, priority: triage.priority, department: triage.department, updatedAt: now() });
  syncSearchAttributes();

  await assignStep(input, triage, state, () => ++seq, now, syncSearchAttributes, serial);
  await condition(() => state.status === 'resolved');
  await transition('closed', { subject: 'system', role: 'system' }, 'closed');
  // An update that arrived at the last moment must finish (and its caller get an answer) before we end.
  await condition(allHandlersFinished);
  return { id: input.id, status: state.status };
}

function triageStep(input: ComplaintWorkflowInput, seq: number, at: string): Promise<TriageOutcome> {
  return acts.triageComplaint({ complaintId: input.id, seq, at, subject: input.subject, body: input.body, declaredLanguage: input.customer.language });
}

/** Tries to assign until a handler takes it or it is resolved while waiting in the department queue. */
async function assignStep(
  input: ComplaintWorkflowInput,
  triage: TriageOutcome,
  state: ComplaintState,
  nextSeq: () => number,
  now: () => string,
  sync: () => void,
  serial: <T>(write: () => Promise<T>) => Promise<T>,
): Promise<void> {
  while (state.status === 'triaged') {
    const { assignee } = await serial(() =>
      acts.assignComplaint({
        complaintId: input.id,
        seq: nextSeq(),
        at: now(),
        department: triage.department,
        category: triage.category,
        language: triage.language,
      }),
    );
    // A supervisor may have resolved it while the activity ran; that decision stands.
    if (assignee && state.status === 'triaged') {
      Object.assign(state, { status: 'assigned', assignee, updatedAt: now() });
      sync();
      return;
    }
    await condition(() => state.status !== 'triaged', QUEUE_RECHECK);
  }
}
