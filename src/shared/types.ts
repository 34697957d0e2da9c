import type { Channel, ComplaintStatus, Language, Priority, Role } from './constants';
import type { SlaPolicy } from './sla-types';

/** Who did something: every human action carries one, and it is written to the timeline. */
export interface Actor {
  subject: string;
  /** 'customer' answers surveys and replies through channels; 'system' is the workflow itself. */
  role: Role | 'system' | 'customer';
}

export const SYSTEM_ACTOR: Actor = { subject: 'system', role: 'system' };

export interface CustomerInput {
  id?: string;
  name?: string;
  email?: string;
  phone?: string;
  language?: Language;
}

/** What intake hands the workflow: everything needed to persist the complaint, nothing derived. */
export interface ComplaintWorkflowInput {
  id: string;
  channel: Channel;
  body: string;
  subject?: string;
  customer: CustomerInput;
  externalRef?: string;
  occurredAt?: string;
  metadata: Record<string, string>;
  /** The integrator that submitted it: integrators only ever see their own complaints. */
  submittedBy: Actor;
  /** ISO time the API accepted it; the SLA clock starts here, not when a worker first runs. */
  receivedAt: string;
  /**
   * HMAC of the submitted request when it came with an Idempotency-Key: a retry with the same key must
   * carry the same request (src/api/intake.ts). Keyed, so it reveals nothing of the text.
   */
  requestHash?: string;
  /**
   * How long after closing the complaint may be reopened (REOPEN_WINDOW_DAYS): its run stays alive that
   * long, so a reopen is an update on the same run. Absent (runs started before): 30 days.
   */
  reopenWindowMs?: number;
}

export interface TriageOutcome {
  language: Language | 'mixed';
  category: string;
  department: string;
  priority: Priority;
  priorityReasons: string[];
  intent?: string;
  sentiment?: { label: 'negative' | 'neutral' | 'positive'; score: number };
  keywords: string[];
  summary: string;
  /** Which rule or model decided the category, for the auditor. */
  decidedBy: string;
  /** Confidence in the category (1 when a rule decided it). */
  confidence?: number;
  /** Best guess below the threshold: the workflow routes nothing until a supervisor confirms the category. */
  needsHumanTriage?: boolean;
  /** The taxonomy version the category comes from. */
  taxonomyVersion?: number;
  /** The SLA policy this complaint is held to, pinned at triage (recorded in history, so a later
   *  change of the policy file never moves the deadlines of complaints already running). */
  sla: SlaPolicy;
  /** A complaint nobody could take for this long escalates to level 1. */
  unassignedEscalationMs: number;
}

/** The SLA as GET shows it. */
export interface SlaView {
  firstResponseDueAt: string | null;
  resolutionDueAt: string | null;
  firstRespondedAt: string | null;
  pausedMs: number;
  breached: boolean;
  escalationLevel: number;
}

export interface AssignmentOutcome {
  assignee: string | null;
  department: string;
  /** Nobody eligible is on shift: when the first eligible shift starts (epoch ms). */
  nextShiftAt?: number;
}

/** The live state the workflow answers `statusQuery` with. */
export interface ComplaintState {
  id: string;
  status: ComplaintStatus;
  category?: string;
  /** Waiting for a supervisor to confirm the category (see TriageOutcome.needsHumanTriage). */
  needsHumanTriage?: boolean;
  department?: string;
  priority?: Priority;
  assignee?: string | null;
  resolution?: string;
  updatedAt: string;
  sla?: SlaView;
  survey?: { status: 'pending' | 'answered' | 'expired'; score?: number };
  /** What intake submitted, so the API can show a complaint before the read model has caught up. */
  input?: ComplaintWorkflowInput;
}
