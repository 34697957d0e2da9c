import type { ComplaintStatus } from './constants';

/**
 * The complaint state machine: which action is allowed from which status. The workflow's update
 * validators consult it, so an illegal action is refused before anything reaches the history.
 */
export const ACTIONS = ['assign', 'escalate', 'reprioritize', 'recategorize', 'transfer', 'note', 'respond', 'awaitCustomer', 'customerReply', 'resolve', 'reopen', 'withdraw', 'survey', 'retry'] as const;
export type Action = (typeof ACTIONS)[number];

const OPEN: readonly ComplaintStatus[] = ['triaged', 'assigned', 'in_progress', 'pending_customer'];
const WORKED: readonly ComplaintStatus[] = ['assigned', 'in_progress', 'pending_customer'];

export const ALLOWED_FROM: Readonly<Record<Action, readonly ComplaintStatus[]>> = {
  assign: OPEN,
  escalate: OPEN,
  reprioritize: OPEN,
  recategorize: OPEN,
  transfer: OPEN,
  note: [...OPEN, 'resolved'],
  respond: WORKED,
  awaitCustomer: ['assigned', 'in_progress'],
  customerReply: [...OPEN, 'resolved'],
  resolve: OPEN,
  // A closed complaint whose workflow has ended is reopened by a continuation run (see the API).
  reopen: ['resolved', 'closed'],
  withdraw: ['received', 'needs_attention', ...OPEN],
  survey: ['resolved'],
  // A complaint whose processing failed for good runs again once a supervisor has looked at it.
  retry: ['needs_attention'],
};

/** Whether `action` may run while the complaint is `status`. */
export const isAllowed = (action: Action, status: ComplaintStatus): boolean => ALLOWED_FROM[action].includes(status);

/** How long after closing a complaint may still be reopened. */
export const REOPEN_WINDOW_MS = 30 * 24 * 3600 * 1000;
