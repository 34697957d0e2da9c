import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { Priority } from '../src/shared/constants';
import type { Actor, ComplaintState } from '../src/shared/types';

/*
 * The complaint workflow's message contract, shared by the workflow and the API. The names in quotes
 * are recorded in every history: never rename one; add a new message instead.
 *
 * Human actions are updates, not signals: the caller must learn whether the action was accepted (409
 * when the status forbids it), validators refuse bad input before anything reaches the history, and a
 * 2xx then means the workflow recorded it. Signals are kept for internal, idempotent nudges where no
 * answer is owed.
 */

/** The live state (status, assignee, SLA ...), answered from workflow memory. */
export const statusQuery = defineQuery<ComplaintState>('status');

/** The outcome of an accepted action: the status it left the complaint in. */
export interface ActionResult {
  id: string;
  status: ComplaintState['status'];
}

interface ByActor {
  actor: Actor;
}

export interface ResolveArgs extends ByActor {
  resolution: string;
}
export interface AssignArgs extends ByActor {
  handlerId: string;
  reason: string;
}
export interface EscalateArgs extends ByActor {
  reason: string;
  level?: number;
}
export interface ReprioritizeArgs extends ByActor {
  priority: Priority;
  reason: string;
}
export interface RecategorizeArgs extends ByActor {
  category: string;
  reason: string;
}
export interface TransferArgs extends ByActor {
  department: string;
  reason: string;
}
export interface TextArgs extends ByActor {
  text: string;
}
export interface QuestionArgs extends ByActor {
  question: string;
}
export interface ReasonArgs extends ByActor {
  reason: string;
}
export interface SurveyArgs {
  score: number;
  comment?: string;
  /** The token's nonce: a second answer with the same token is refused. */
  nonce: string;
}

/** A supervisor's retry of a complaint parked in needs_attention, optionally with its text corrected. */
export interface RetryArgs extends ByActor {
  reason: string;
  body?: string;
  subject?: string;
}

export const resolveUpdate = defineUpdate<ActionResult, [ResolveArgs]>('resolve');
export const assignUpdate = defineUpdate<ActionResult, [AssignArgs]>('assign');
export const escalateUpdate = defineUpdate<ActionResult, [EscalateArgs]>('escalate');
export const transferUpdate = defineUpdate<ActionResult, [TransferArgs]>('transfer');
export const reprioritizeUpdate = defineUpdate<ActionResult, [ReprioritizeArgs]>('reprioritize');
export const recategorizeUpdate = defineUpdate<ActionResult, [RecategorizeArgs]>('recategorize');
export const noteUpdate = defineUpdate<ActionResult, [TextArgs]>('note');
export const respondUpdate = defineUpdate<ActionResult, [TextArgs]>('respond');
export const awaitCustomerUpdate = defineUpdate<ActionResult, [QuestionArgs]>('awaitCustomer');
export const customerReplyUpdate = defineUpdate<ActionResult, [TextArgs]>('customerReply');
export const reopenUpdate = defineUpdate<ActionResult, [ReasonArgs]>('reopen');
export const withdrawUpdate = defineUpdate<ActionResult, [ReasonArgs]>('withdraw');
export const surveyUpdate = defineUpdate<ActionResult, [SurveyArgs]>('survey');
export const retryUpdate = defineUpdate<ActionResult, [RetryArgs]>('retry');

/** A handler got room or a shift started: an unassigned complaint should try assignment again now. */
export const wakeSignal = defineSignal('wake');

export interface ReleaseArgs {
  handlerId: string;
  reason: string;
}

/**
 * The handler was deactivated or their capacity cut: a complaint still assigned to them goes back to its
 * department queue and is routed again. A signal: the admin's change is already done and owes the
 * complaint no answer, and a repeated or late one is ignored (the complaint is no longer theirs).
 */
export const releaseSignal = defineSignal<[ReleaseArgs]>('release');

/** Failure types the workflow raises; the API maps them onto its error catalogue. */
export const INVALID_STATE = 'INVALID_STATE';
export const INVALID_ARGUMENT = 'INVALID_ARGUMENT';
export const NOT_FOUND = 'NOT_FOUND';
