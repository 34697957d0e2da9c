import type { SlaClock, SlaPause, SlaPolicy } from '../../shared/sla-types';
import type { Actor } from '../../shared/types';
import type { ComplaintStatus, EventType, Priority, Tier } from './vocabulary';

export interface SurveyState {
  nonce: string;
  status: 'pending' | 'answered' | 'expired';
  score?: number;
  comment?: string;
}

/**
 * Everything the complaint's life depends on, as plain data: the workflow holds one, evolves it with each
 * event, and carries it whole into the next run (continue-as-new). No Temporal, no I/O.
 */
export interface ComplaintCore {
  status: ComplaintStatus;
  category?: string;
  /** Triage was unsure of the category: no assignment until a supervisor confirms or corrects it. */
  needsHumanTriage?: boolean;
  department?: string;
  priority?: Priority;
  language?: string;
  assignee?: string | null;
  resolution?: string;
  /** The SLA policy pinned at triage, with the department's calendar: kept through reopens. */
  sla?: SlaPolicy;
  clock: SlaClock & { pauses: SlaPause[] };
  level: number;
  breached: boolean;
  /** Tiers already fired in this clock cycle: each fires exactly once. */
  fired: Tier[];
  survey?: SurveyState;
  reopenCount: number;
  /** When the complaint last went into its department queue (for the unassigned escalation). */
  queuedAtMs?: number;
  /** Nobody eligible on shift: when the first shift starts. */
  nextShiftAt?: number;
  unassignedEscalationMs?: number;
  /** Parked in needs_attention: the status a supervisor's retry goes back to. */
  parked?: { resume: ComplaintStatus };
  /** When it was closed: a reopen is accepted until `closedAtMs + reopenWindowMs`. */
  closedAtMs?: number;
  reopenWindowMs: number;
}

/** A complaint as intake hands it over: received, its SLA clock running from `receivedAtMs`. */
export function initialState(receivedAtMs: number, reopenWindowMs: number): ComplaintCore {
  return { status: 'received', clock: { startedAtMs: receivedAtMs, pauses: [] }, level: 0, breached: false, fired: [], reopenCount: 0, reopenWindowMs };
}

/** What triage decided: the complaint's category, department, priority and the SLA it is held to. */
export interface TriageFacts {
  category: string;
  priority: Priority;
  department: string;
  language: string;
  sla: SlaPolicy;
  unassignedEscalationMs: number;
  needsHumanTriage?: boolean;
}

type Ev<T extends EventType, D> = { type: T; at: number; actor: Actor; status?: ComplaintStatus; data: D };

/**
 * One thing that happened. `status` is the status it leaves the complaint in when the step sets one (the
 * read model writes it with the event); `data` is what the timeline shows.
 */
export type ComplaintEvent =
  | Ev<'triaged', TriageFacts>
  | Ev<'assigned', { assignee: string; nextShiftAt?: number }>
  | Ev<'routing_deferred', { nextShiftAt?: number }>
  | Ev<'reassigned', { handlerId: string; reason: string }>
  | Ev<'escalated', { level: number; reason: string }>
  | Ev<'priority_changed', { from?: Priority; to: Priority; reason: string }>
  | Ev<'recategorized', { category: string; department: string; moved: boolean; from?: string }>
  | Ev<'transferred', { department: string; category?: string; from?: string }>
  | Ev<'note', { text: string }>
  | Ev<'first_response', { text: string }>
  | Ev<'response', { text: string }>
  | Ev<'awaiting_customer', { question: string }>
  | Ev<'customer_reply', { text: string }>
  | Ev<'resolved', { resolution: string }>
  | Ev<'reopened', { reason: string; reopenCount: number; previousAssignee?: string }>
  | Ev<'withdrawn', { reason: string }>
  | Ev<'survey_sent', { nonce: string }>
  | Ev<'survey_answered', { nonce: string; score: number; comment?: string }>
  | Ev<'survey_expired', Record<string, never>>
  /** `reopenableUntil`: the end of the reopen window (ISO), the instant the run ends if nobody reopens it. */
  | Ev<'closed', { reopenableUntil: string }>
  | Ev<'tier_due', { tier: Tier }>
  | Ev<'sla_warning', { target: 'first response' | 'resolution'; dueAt: string }>
  | Ev<'sla_breached', { reason: string }>
  | Ev<'unassigned', { handlerId: string; reason: string }>
  | Ev<'retried', { reason: string; corrected: string[]; body?: string; subject?: string }>
  | Ev<'needs_attention', { stage: 'intake' | 'assignment'; failure: { type: string; message: string } }>;

export type EventOf<T extends EventType> = Extract<ComplaintEvent, { type: T }>;
