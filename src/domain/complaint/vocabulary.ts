/**
 * The complaint's words, declared once: statuses and their groups, priorities, the events a complaint's
 * life is made of, and the SLA tiers. Everything else (workflow, activities, API, read model) imports
 * them from here, so a new status or event is one edit, and a typo is a type error.
 */

import { isOneOf } from '../../shared/one-of';

export const STATUSES = [
  'received',
  'triaged',
  'assigned',
  'in_progress',
  'pending_customer',
  'resolved',
  'closed',
  'withdrawn',
  // Processing failed in a way retrying cannot mend (text the database refuses, a step that keeps
  // failing): parked for a supervisor, who fixes and retries it (or the customer withdraws it).
  'needs_attention',
] as const;
export type ComplaintStatus = (typeof STATUSES)[number];

/** Being worked: in its department's queue or with a handler. SLA timers run only here. */
export const OPEN_STATUSES = ['triaged', 'assigned', 'in_progress', 'pending_customer'] as const satisfies readonly ComplaintStatus[];
/** A handler is working the complaint: these count towards the handler's load. */
export const WORKED_STATUSES = ['assigned', 'in_progress', 'pending_customer'] as const satisfies readonly ComplaintStatus[];
/** Nothing more happens until a reopen (closed) or ever (withdrawn). */
export const FINISHED_STATUSES = ['closed', 'withdrawn'] as const satisfies readonly ComplaintStatus[];
/** A message from the customer can still be added to the complaint (a channel reply). */
export const REPLYABLE_STATUSES = ['received', ...OPEN_STATUSES, 'resolved'] as const satisfies readonly ComplaintStatus[];

/** Whether `status` is one of `group` (a typed `includes` for the readonly tuples above). */
/** Whether a status (read as a plain string) is one of a group's. */
export const isIn = (group: readonly ComplaintStatus[], status: string): status is ComplaintStatus => isOneOf(group, status);

export const PRIORITIES = ['P1', 'P2', 'P3', 'P4'] as const;
export type Priority = (typeof PRIORITIES)[number];

/**
 * Everything that can happen to a complaint. Most are timeline events of the read model under the same
 * name; `tier_due`, `routing_deferred` and `survey_sent` only move the core's state (their writes, if
 * any, are the activity's own: the router's, the survey's).
 */
export const EVENT_TYPES = [
  'triaged',
  'assigned',
  'routing_deferred',
  'reassigned',
  'escalated',
  'priority_changed',
  'recategorized',
  'transferred',
  'note',
  'first_response',
  'response',
  'awaiting_customer',
  'customer_reply',
  'resolved',
  'reopened',
  'withdrawn',
  'survey_sent',
  'survey_answered',
  'survey_expired',
  'closed',
  'tier_due',
  'sla_warning',
  'sla_breached',
  'unassigned',
  'retried',
  'needs_attention',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/**
 * The SLA tiers of one clock cycle, each fired at most once per cycle (a reopen starts a new cycle):
 * warnings at the warning threshold, breaches at the deadlines, level 3 past the resolution deadline,
 * and the escalation of a complaint nobody has taken.
 */
export const TIERS = ['warn-first', 'breach-first', 'warn-resolution', 'breach-resolution', 'level3', 'unassigned'] as const;
export type Tier = (typeof TIERS)[number];

/** How long after closing a complaint may still be reopened, unless configured (REOPEN_WINDOW_DAYS). */
export const REOPEN_WINDOW_MS = 30 * 24 * 3600 * 1000;
