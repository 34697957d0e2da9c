/**
 * The complaint's pure core: `decide` turns a command into the events it causes (or a refusal naming
 * the current status), `evolve` applies one event to the state. The workflow holds the state, asks
 * `decide`, runs each event's effects (read-model writes, notices) and applies `evolve`; nothing here
 * knows Temporal, a database or a clock (every command carries its instant).
 */
import type { Actor } from '../../shared/types';
import { dueTiers, pendingTiers } from './sla';
import type { ComplaintCore, ComplaintEvent, EventOf, TriageFacts } from './state';
import { isAllowed, TRANSITIONS, type ClockEffect, type CommandType } from './transitions';
import { isIn, PRIORITIES, WORKED_STATUSES, type ComplaintStatus, type Priority, type Tier } from './vocabulary';

type Cmd<T extends CommandType, A> = { type: T; at: number } & A;
interface By {
  actor: Actor;
}

/** A request to the core. Facts that only an activity can establish (was the category's department another one?) travel in the command. */
export type Command =
  | Cmd<'assign', By & { handlerId: string; reason: string }>
  | Cmd<'escalate', By & { reason: string; level?: number }>
  | Cmd<'reprioritize', By & { priority: Priority; reason: string }>
  | Cmd<'recategorize', By & { category: string; reason: string; outcome?: { department: string; moved: boolean } }>
  | Cmd<'transfer', By & { department: string; reason: string; outcome?: { category?: string } }>
  | Cmd<'note', By & { text: string }>
  | Cmd<'respond', By & { text: string }>
  | Cmd<'awaitCustomer', By & { question: string }>
  | Cmd<'customerReply', By & { text: string }>
  | Cmd<'resolve', By & { resolution: string }>
  /** `handlerCanTake`: whether the handler who had it can take it now (the routing's answer; unknown = yes). */
  | Cmd<'reopen', By & { reason: string; handlerCanTake?: boolean }>
  | Cmd<'withdraw', By & { reason: string }>
  | Cmd<'survey', { score: number; comment?: string; nonce: string; actor?: Actor }>
  | Cmd<'retry', By & { reason: string; body?: string; subject?: string }>
  | Cmd<'triage', { facts: TriageFacts }>
  | Cmd<'route', { assignee: string | null; nextShiftAt?: number }>
  | Cmd<'release', { handlerId: string; reason: string }>
  | Cmd<'tick', Record<never, never>>
  | Cmd<'park', { stage: 'intake' | 'assignment'; failure: { type: string; message: string } }>
  | Cmd<'inviteSurvey', { nonce: string }>
  | Cmd<'expireSurvey', Record<never, never>>
  | Cmd<'close', Record<never, never>>;

export type CommandOf<T extends CommandType> = Extract<Command, { type: T }>;

export const INVALID_STATE = 'INVALID_STATE';
export const INVALID_ARGUMENT = 'INVALID_ARGUMENT';

/** Why a command was refused: the code the API maps (409 / 400), the message, the status it was refused in, and the offending field for a bad argument. */
export interface Refusal {
  code: typeof INVALID_STATE | typeof INVALID_ARGUMENT;
  message: string;
  status: ComplaintStatus;
  field?: string;
}

export type Decision = { events: ComplaintEvent[] } | { refusal: Refusal };

export const SYSTEM: Actor = { subject: 'system', role: 'system' };
const ROUTER: Actor = { subject: 'router', role: 'system' };
const CUSTOMER: Actor = { subject: 'customer', role: 'customer' };

class Refused extends Error {
  constructor(readonly refusal: Refusal) {
    super(refusal.message);
  }
}

/**
 * What `command` would do to a complaint in state `s`: its events, in order, or why it is refused. Pure:
 * the same state and command always give the same answer, so a validator can ask it before the command
 * reaches history and the handler ask again after.
 */
export function decide(s: ComplaintCore, command: Command): Decision {
  try {
    return { events: decideOrThrow(s, command) };
  } catch (err) {
    if (err instanceof Refused) return { refusal: err.refusal };
    throw err;
  }
}

function decideOrThrow(s: ComplaintCore, c: Command): ComplaintEvent[] {
  const state = (message: string): never => {
    throw new Refused({ code: INVALID_STATE, message, status: s.status });
  };
  const argument = (field: string, message: string): never => {
    throw new Refused({ code: INVALID_ARGUMENT, message, status: s.status, field });
  };
  const nonEmpty = (field: string, value: unknown): string => (typeof value !== 'string' || value.trim() === '' ? argument(field, `${field} must not be empty`) : value.trim());
  // Every person's action is recorded under its actor: an action without one must not reach history.
  const actor = 'actor' in c ? c.actor : undefined;
  if (TRANSITIONS[c.type].by === 'person' && c.type !== 'survey' && (typeof actor?.subject !== 'string' || actor.subject === '' || typeof actor.role !== 'string')) argument('actor', 'actor is required');
  if (!isAllowed(c.type, s.status)) state(`cannot ${c.type} a complaint that is ${s.status}`);
  const by = actor ?? SYSTEM;
  const ev = <E extends ComplaintEvent>(e: Omit<E, 'at' | 'actor'> & { actor?: Actor }): E => ({ at: c.at, actor: by, ...e }) as E;

  switch (c.type) {
    case 'assign': {
      nonEmpty('handlerId', c.handlerId);
      const reason = nonEmpty('reason', c.reason);
      const status: ComplaintStatus = s.status === 'triaged' || s.status === 'assigned' ? 'assigned' : s.status;
      return [ev<EventOf<'reassigned'>>({ type: 'reassigned', status, data: { handlerId: c.handlerId, reason } })];
    }
    case 'escalate': {
      const reason = nonEmpty('reason', c.reason);
      const level = c.level ?? s.level + 1;
      if (!Number.isInteger(level) || level < 1 || level > 3) argument('level', 'level must be 1, 2 or 3');
      if (level <= s.level) state(`already at escalation level ${s.level}`);
      return [ev<EventOf<'escalated'>>({ type: 'escalated', data: { level, reason } })];
    }
    case 'reprioritize': {
      const reason = nonEmpty('reason', c.reason);
      if (!(PRIORITIES as readonly string[]).includes(c.priority)) argument('priority', 'priority must be P1, P2, P3 or P4');
      if (c.priority === s.priority) argument('priority', `already ${c.priority}`);
      return [ev<EventOf<'priority_changed'>>({ type: 'priority_changed', data: { from: s.priority, to: c.priority, reason } })];
    }
    case 'recategorize': {
      nonEmpty('category', c.category);
      nonEmpty('reason', c.reason);
      // Confirming triage's guess is a correction to the same category; otherwise that changes nothing.
      if (c.category === s.category && !s.needsHumanTriage) argument('category', `already ${c.category}`);
      const moved = c.outcome?.moved ?? false;
      const department = c.outcome?.department ?? s.department ?? '';
      return [ev<EventOf<'recategorized'>>({ type: 'recategorized', ...(moved ? { status: 'triaged' as const } : {}), data: { category: c.category, department, moved, from: s.department } })];
    }
    case 'transfer': {
      nonEmpty('department', c.department);
      nonEmpty('reason', c.reason);
      if (c.department === s.department) argument('department', `already in department ${c.department}`);
      return [ev<EventOf<'transferred'>>({ type: 'transferred', status: 'triaged', data: { department: c.department, category: c.outcome?.category ?? s.category, from: s.department } })];
    }
    case 'note':
      return [ev<EventOf<'note'>>({ type: 'note', data: { text: nonEmpty('text', c.text) } })];
    case 'respond': {
      const text = nonEmpty('text', c.text);
      return [ev<EventOf<'first_response' | 'response'>>({ type: s.clock.firstResponseAtMs === undefined ? 'first_response' : 'response', status: 'in_progress', data: { text } })];
    }
    case 'awaitCustomer':
      return [ev<EventOf<'awaiting_customer'>>({ type: 'awaiting_customer', status: 'pending_customer', data: { question: nonEmpty('question', c.question) } })];
    case 'customerReply': {
      const text = nonEmpty('text', c.text);
      return [ev<EventOf<'customer_reply'>>({ type: 'customer_reply', ...(s.status === 'pending_customer' ? { status: 'in_progress' as const } : {}), data: { text } })];
    }
    case 'resolve':
      return [ev<EventOf<'resolved'>>({ type: 'resolved', status: 'resolved', data: { resolution: nonEmpty('resolution', c.resolution) } })];
    case 'reopen': {
      const reason = nonEmpty('reason', c.reason);
      if (s.status === 'closed' && s.closedAtMs !== undefined && c.at > s.closedAtMs + s.reopenWindowMs) state('the reopen window has passed: submit a new complaint instead');
      // Back to the handler who had it only if they can take it now (active, on shift): else the queue.
      const keeps = !!s.assignee && c.handlerCanTake !== false;
      const previous = s.assignee && !keeps ? { previousAssignee: s.assignee } : {};
      return [ev<EventOf<'reopened'>>({ type: 'reopened', status: keeps ? 'in_progress' : 'triaged', data: { reason, reopenCount: s.reopenCount + 1, ...previous } })];
    }
    case 'withdraw':
      return [ev<EventOf<'withdrawn'>>({ type: 'withdrawn', status: 'withdrawn', data: { reason: nonEmpty('reason', c.reason) } })];
    case 'survey': {
      if (!s.survey || s.survey.nonce !== c.nonce) state('this survey link is no longer valid');
      if (s.survey!.status !== 'pending') state('this survey was already answered');
      if (!Number.isInteger(c.score) || c.score < 1 || c.score > 5) argument('score', 'score must be an integer from 1 to 5');
      return [ev<EventOf<'survey_answered'>>({ type: 'survey_answered', actor: c.actor ?? CUSTOMER, data: { nonce: c.nonce, score: c.score, ...(c.comment === undefined ? {} : { comment: c.comment }) } })];
    }
    case 'retry': {
      const reason = nonEmpty('reason', c.reason);
      if (c.body !== undefined) nonEmpty('body', c.body);
      const fix = { ...(c.body === undefined ? {} : { body: c.body.trim() }), ...(c.subject === undefined ? {} : { subject: c.subject.trim() }) };
      return [ev<EventOf<'retried'>>({ type: 'retried', status: s.parked?.resume ?? 'received', data: { reason, corrected: Object.keys(fix), ...fix } })];
    }
    case 'triage':
      return [ev<EventOf<'triaged'>>({ type: 'triaged', status: 'triaged', data: c.facts })];
    case 'route':
      // A supervisor may have acted while the router ran (the command is refused from any other status).
      return c.assignee
        ? [ev<EventOf<'assigned'>>({ type: 'assigned', actor: ROUTER, status: 'assigned', data: { assignee: c.assignee, ...(c.nextShiftAt === undefined ? {} : { nextShiftAt: c.nextShiftAt }) } })]
        : [ev<EventOf<'routing_deferred'>>({ type: 'routing_deferred', data: c.nextShiftAt === undefined ? {} : { nextShiftAt: c.nextShiftAt } })];
    case 'release':
      // Only a complaint still with that handler is released; a late or repeated signal changes nothing.
      if (s.assignee !== c.handlerId) state(`not assigned to ${c.handlerId}`);
      return [ev<EventOf<'unassigned'>>({ type: 'unassigned', status: 'triaged', data: { handlerId: c.handlerId, reason: c.reason } })];
    case 'tick':
      return tickEvents(s, c.at);
    case 'park':
      return [ev<EventOf<'needs_attention'>>({ type: 'needs_attention', status: 'needs_attention', data: { stage: c.stage, failure: c.failure } })];
    case 'inviteSurvey':
      return [ev<EventOf<'survey_sent'>>({ type: 'survey_sent', data: { nonce: c.nonce } })];
    case 'expireSurvey':
      if (s.survey?.status !== 'pending') state('no survey is pending');
      return [ev<EventOf<'survey_expired'>>({ type: 'survey_expired', data: {} })];
    case 'close':
      return [ev<EventOf<'closed'>>({ type: 'closed', status: 'closed', data: { reopenableUntil: new Date(c.at + s.reopenWindowMs).toISOString() } })];
  }
}

/** The SLA tiers due at `at`, each with what it does: a warning, a breach (recorded once) and an escalation to its level. */
function tickEvents(start: ComplaintCore, at: number): ComplaintEvent[] {
  const events: ComplaintEvent[] = [];
  let s = start;
  const push = (e: ComplaintEvent): void => {
    events.push(e);
    s = evolve(s, e);
  };
  const escalate = (level: number, reason: string): void => {
    if (level > s.level) push({ type: 'escalated', at, actor: SYSTEM, data: { level, reason } });
  };
  const breach = (level: number, reason: string): void => {
    if (!s.breached) push({ type: 'sla_breached', at, actor: SYSTEM, data: { reason } });
    escalate(level, reason);
  };
  const instants = new Map(pendingTiers(start, at).map((t) => [t.tier, t] as const));
  for (const tier of dueTiers(start, at)) {
    push({ type: 'tier_due', at, actor: SYSTEM, data: { tier } });
    const dueAt = new Date(instants.get(tier as Exclude<Tier, 'unassigned'>)?.dueAt ?? at).toISOString();
    if (tier === 'warn-first') push({ type: 'sla_warning', at, actor: SYSTEM, data: { target: 'first response', dueAt } });
    else if (tier === 'warn-resolution') push({ type: 'sla_warning', at, actor: SYSTEM, data: { target: 'resolution', dueAt } });
    else if (tier === 'breach-first') breach(1, 'first_response_breach');
    else if (tier === 'breach-resolution') breach(2, 'resolution_breach');
    else if (tier === 'level3') breach(3, 'resolution_breach_overdue');
    else escalate(1, 'unassigned_too_long');
  }
  return events;
}

function applyClock(s: ComplaintCore, effects: readonly ClockEffect[], at: number): ComplaintCore['clock'] {
  let clock = { ...s.clock, pauses: s.clock.pauses.map((p) => ({ ...p })) };
  for (const effect of effects) {
    if (effect === 'stop-first-response') clock.firstResponseAtMs ??= at;
    else if (effect === 'pause') clock.pauses.push({ fromMs: at });
    else if (effect === 'resume') {
      const open = clock.pauses.find((p) => p.toMs === undefined);
      if (open) open.toMs = at;
    } else if (effect === 'stop-resolution') clock.resolvedAtMs = at;
    else if (effect === 'new-cycle') clock = { startedAtMs: at, pauses: [] };
    else clock.priorityChangedAtMs = at;
  }
  return clock;
}

/** The clock effects of each event: those of the transition that records it (see TRANSITIONS). */
const CLOCK_OF_EVENT: Partial<Record<ComplaintEvent['type'], readonly ClockEffect[]>> = Object.fromEntries(
  Object.values(TRANSITIONS).flatMap((t) => (t.clock.length > 0 ? t.events.map((e) => [e, t.clock] as const) : [])),
);

const withoutUnassigned = (fired: readonly Tier[]): Tier[] => fired.filter((t) => t !== 'unassigned');

/** The state after `e`. Pure: returns a new state, the old one is left as it was. */
export function evolve(s: ComplaintCore, e: ComplaintEvent): ComplaintCore {
  const clock = applyClock(s, CLOCK_OF_EVENT[e.type] ?? [], e.at);
  const n: ComplaintCore = { ...s, clock, fired: [...s.fired], ...(e.status ? { status: e.status } : {}) };
  // The clock is paused exactly while the complaint waits on the customer: whatever ends the wait (a
  // resolution, a transfer, a release) resumes it, not only the customer's reply.
  if (n.status !== 'pending_customer') {
    const open = clock.pauses.find((p) => p.toMs === undefined);
    if (open) open.toMs = e.at;
  }
  // Parked only while in needs_attention (a withdrawal ends it as well as a retry).
  if (n.status !== 'needs_attention') n.parked = undefined;
  const queue = (): void => {
    n.assignee = null;
    n.queuedAtMs = e.at;
    n.fired = withoutUnassigned(n.fired);
  };
  switch (e.type) {
    case 'triaged': {
      const f = e.data;
      Object.assign(n, { category: f.category, priority: f.priority, department: f.department, language: f.language, sla: f.sla, unassignedEscalationMs: f.unassignedEscalationMs, queuedAtMs: e.at, needsHumanTriage: f.needsHumanTriage === true });
      break;
    }
    case 'assigned':
      n.assignee = e.data.assignee;
      n.nextShiftAt = e.data.nextShiftAt;
      break;
    case 'routing_deferred':
      n.nextShiftAt = e.data.nextShiftAt;
      break;
    case 'reassigned':
      n.assignee = e.data.handlerId;
      break;
    case 'escalated':
      n.level = Math.max(n.level, Math.min(e.data.level, 3));
      break;
    case 'priority_changed':
      n.priority = e.data.to;
      break;
    case 'recategorized':
      n.category = e.data.category;
      // A person has decided the category: routing may go ahead.
      n.needsHumanTriage = false;
      if (e.data.moved) {
        n.department = e.data.department;
        queue();
      }
      break;
    case 'transferred':
      n.category = e.data.category ?? n.category;
      n.needsHumanTriage = false; // a person chose where it belongs
      n.department = e.data.department;
      queue();
      break;
    case 'resolved':
      n.resolution = e.data.resolution;
      break;
    case 'reopened':
      n.reopenCount = e.data.reopenCount;
      n.fired = [];
      n.survey = undefined;
      n.closedAtMs = undefined;
      if (e.status === 'triaged') queue();
      break;
    case 'survey_sent':
      n.survey = { nonce: e.data.nonce, status: 'pending' };
      break;
    case 'survey_answered':
      n.survey = { nonce: e.data.nonce, status: 'answered', score: e.data.score, ...(e.data.comment === undefined ? {} : { comment: e.data.comment }) };
      break;
    case 'survey_expired':
      if (n.survey) n.survey = { ...n.survey, status: 'expired' };
      break;
    case 'closed':
      n.closedAtMs = e.at;
      break;
    case 'tier_due':
      n.fired.push(e.data.tier);
      break;
    case 'sla_breached':
      n.breached = true;
      break;
    case 'unassigned':
      queue();
      break;
    case 'retried':
      n.parked = undefined;
      break;
    case 'needs_attention':
      n.parked = { resume: s.status };
      break;
    default:
      break;
  }
  return n;
}

/** Whether the complaint is with a handler (for the release signal's quick check). */
export const isWorked = (s: ComplaintCore): boolean => isIn(WORKED_STATUSES, s.status);
