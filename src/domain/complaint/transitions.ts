import { OPEN_STATUSES, WORKED_STATUSES, type ComplaintStatus, type EventType } from './vocabulary';

/**
 * Where the status goes. A status: always there. The named rules depend on the complaint:
 * - `unchanged`: stays where it is;
 * - `assigned-unless-worked`: a complaint nobody has answered yet is (again) simply assigned; one in
 *   progress or waiting on the customer stays so;
 * - `in_progress-if-waiting`: a customer's reply ends a wait on the customer, and changes nothing else;
 * - `triaged-if-moved`: back to the queue when the new category belongs to another department;
 * - `assigned-if-routed`: assigned when the router found a handler, still in the queue otherwise;
 * - `in_progress-or-triaged`: back to the handler who had it if they can take it now, else the queue;
 * - `parked-status`: wherever the complaint was when it was parked (received before intake ran).
 */
export type NextStatus =
  | ComplaintStatus
  | 'unchanged'
  | 'assigned-unless-worked'
  | 'in_progress-if-waiting'
  | 'triaged-if-moved'
  | 'assigned-if-routed'
  | 'in_progress-or-triaged'
  | 'parked-status';

/**
 * What a step does to the SLA clock:
 * - `stop-first-response`: the first response (or question to the customer) stops the first-response clock;
 * - `pause` / `resume`: waiting on the customer does not count;
 * - `stop-resolution`: resolving stops the resolution clock;
 * - `new-cycle`: a reopen starts a fresh clock from now, every tier armed again;
 * - `reprice`: a priority change applies the new targets from the original start, nothing due before now.
 */
export type ClockEffect = 'stop-first-response' | 'pause' | 'resume' | 'stop-resolution' | 'new-cycle' | 'reprice';

export interface Transition {
  /** Statuses the command is accepted from; from any other it is refused (INVALID_STATE). */
  from: readonly ComplaintStatus[];
  to: NextStatus;
  /** The event(s) it records, first the main one; `tick` records whichever tiers are due. */
  events: readonly EventType[];
  clock: readonly ClockEffect[];
  /** A person's action (an update with a validator) or the workflow's own step. */
  by: 'person' | 'system';
}

const OPEN = OPEN_STATUSES;
const WORKED = WORKED_STATUSES;

/**
 * The complaint's state machine: for every command, where it may start, where it goes, what it records
 * and what it does to the SLA clock. The one place to look up "what can happen from status X".
 */
export const TRANSITIONS = {
  // ---- people (update handlers; names as the updates in workflows/complaint.messages.ts) ----
  assign: { by: 'person', from: OPEN, to: 'assigned-unless-worked', events: ['reassigned'], clock: [] },
  escalate: { by: 'person', from: OPEN, to: 'unchanged', events: ['escalated'], clock: [] },
  reprioritize: { by: 'person', from: OPEN, to: 'unchanged', events: ['priority_changed'], clock: ['reprice'] },
  recategorize: { by: 'person', from: OPEN, to: 'triaged-if-moved', events: ['recategorized'], clock: [] },
  transfer: { by: 'person', from: OPEN, to: 'triaged', events: ['transferred'], clock: [] },
  note: { by: 'person', from: [...OPEN, 'resolved'], to: 'unchanged', events: ['note'], clock: [] },
  respond: { by: 'person', from: WORKED, to: 'in_progress', events: ['first_response', 'response'], clock: ['stop-first-response', 'resume'] },
  awaitCustomer: { by: 'person', from: ['assigned', 'in_progress'], to: 'pending_customer', events: ['awaiting_customer'], clock: ['pause', 'stop-first-response'] },
  customerReply: { by: 'person', from: [...OPEN, 'resolved'], to: 'in_progress-if-waiting', events: ['customer_reply'], clock: ['resume'] },
  resolve: { by: 'person', from: OPEN, to: 'resolved', events: ['resolved'], clock: ['stop-resolution'] },
  // From closed only within the reopen window (the run ends with it; decide refuses past it).
  reopen: { by: 'person', from: ['resolved', 'closed'], to: 'in_progress-or-triaged', events: ['reopened'], clock: ['new-cycle'] },
  withdraw: { by: 'person', from: ['received', 'needs_attention', ...OPEN], to: 'withdrawn', events: ['withdrawn'], clock: ['resume'] },
  survey: { by: 'person', from: ['resolved'], to: 'unchanged', events: ['survey_answered'], clock: [] },
  retry: { by: 'person', from: ['needs_attention'], to: 'parked-status', events: ['retried'], clock: [] },
  // ---- the workflow's own steps ----
  triage: { by: 'system', from: ['received'], to: 'triaged', events: ['triaged'], clock: [] },
  route: { by: 'system', from: ['triaged'], to: 'assigned-if-routed', events: ['assigned', 'routing_deferred'], clock: [] },
  release: { by: 'system', from: WORKED, to: 'triaged', events: ['unassigned'], clock: [] },
  tick: { by: 'system', from: OPEN, to: 'unchanged', events: ['tier_due', 'sla_warning', 'sla_breached', 'escalated'], clock: [] },
  park: { by: 'system', from: ['received', 'triaged'], to: 'needs_attention', events: ['needs_attention'], clock: [] },
  inviteSurvey: { by: 'system', from: ['resolved'], to: 'unchanged', events: ['survey_sent'], clock: [] },
  expireSurvey: { by: 'system', from: ['resolved'], to: 'unchanged', events: ['survey_expired'], clock: [] },
  close: { by: 'system', from: ['resolved'], to: 'closed', events: ['closed'], clock: [] },
} as const satisfies Record<string, Transition>;

export type CommandType = keyof typeof TRANSITIONS;
export const COMMAND_TYPES = Object.keys(TRANSITIONS) as CommandType[];
/** The commands people send (as workflow updates), each checked by a validator before it reaches history. */
export type PersonCommandType = { [K in CommandType]: (typeof TRANSITIONS)[K]['by'] extends 'person' ? K : never }[CommandType];

/** Whether `command` may run while the complaint is `status`. */
export const isAllowed = (command: CommandType, status: ComplaintStatus): boolean => (TRANSITIONS[command].from as readonly ComplaintStatus[]).includes(status);
