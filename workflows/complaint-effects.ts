import { ActivityFailure, ApplicationFailure, proxyActivities, proxyLocalActivities } from '@temporalio/workflow';
import type { SearchAttributeUpdatePair } from '@temporalio/common';
import type { Activities } from '../activities';
import type { Audience } from '../activities/notify';
import { slaView, type ComplaintCore, type ComplaintEvent, type Refusal } from '../src/domain/complaint';
import { ASSIGNEE_ATTR, CATEGORY_ATTR, DEPARTMENT_ATTR, PRIORITY_ATTR, STATUS_ATTR } from '../src/shared/search-attributes';
import type { ComplaintState } from '../src/shared/types';
import type { TemplateName } from '../src/notify/templates';
import type { ComplaintRunInput } from './complaint-legacy';

// No maximumAttempts: a database or SMTP outage of any length delays a complaint but never loses it.
// Business refusals are thrown non-retryable by the activities themselves.
export const acts = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

// The short database steps of the hot path (read-model writes, triage, assignment, notices) as local
// activities: one marker in history each and no round trip through the task queue. Same retries: beyond
// the local threshold a retry waits on a durable timer, so an outage still never loses a step.
export const io = proxyLocalActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  localRetryThreshold: '10 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

export const SURVEY_WINDOW_MS = 3 * 24 * 3600_000;

/** The core's refusal as the failure the API maps: INVALID_STATE (409) naming the status, INVALID_ARGUMENT (400) naming the field. */
export const refusalFailure = (r: Refusal): ApplicationFailure => ApplicationFailure.create({ type: r.code, message: r.message, details: [r.field ?? r.status], nonRetryable: true });

/** An activity's business refusal reaches the update's caller as itself, not wrapped. */
export const unwrap = <T>(p: Promise<T>): Promise<T> =>
  p.catch((err) => {
    throw err instanceof ActivityFailure && err.cause instanceof ApplicationFailure ? err.cause : err;
  });

/** What operators and the auditors' replay queries find the complaint by. */
export function searchAttributesOf(s: ComplaintCore): SearchAttributeUpdatePair[] {
  return [
    { key: STATUS_ATTR, value: s.status },
    ...(s.category ? [{ key: CATEGORY_ATTR, value: s.category }] : []),
    ...(s.priority ? [{ key: PRIORITY_ATTR, value: s.priority }] : []),
    ...(s.department ? [{ key: DEPARTMENT_ATTR, value: s.department }] : []),
    { key: ASSIGNEE_ATTR, value: s.assignee ?? null },
  ];
}

/** The live state the status query answers. */
export function stateView(s: ComplaintCore, input: ComplaintRunInput, writtenAt: string | undefined): ComplaintState {
  return {
    id: input.id,
    status: s.status,
    category: s.category,
    needsHumanTriage: s.needsHumanTriage ?? false,
    department: s.department,
    priority: s.priority,
    assignee: s.assignee,
    resolution: s.resolution,
    updatedAt: writtenAt ?? input.receivedAt,
    sla: slaView(s, Date.now()),
    survey: s.survey && { status: s.survey.status, score: s.survey.score },
    input,
  };
}

/** What the effects of an event need from the shell: its input, the state, and the numbered, serial writes. */
export interface Effects {
  input: ComplaintRunInput;
  state(): ComplaintCore;
  /** The next step's number and place: call it inside `serial`, when the write runs. */
  step(): { complaintId: string; seq: number; wft: number };
  serial<T>(write: () => Promise<T>): Promise<T>;
  /** The time of a step that writes the complaint's row (its updated_at), kept for the status query. */
  rowAt(): string;
  writtenAt?: string;
}

/**
 * What an event does outside the workflow, queued now (in step order) against the state right after it:
 * its timeline entry with the status and fields it sets, the notices it sends, the queues it frees.
 * Events whose write is the activity's own (triage, routing, reassignment, recategorisation, transfer,
 * parking) were written before the core heard of them.
 */
export function effectsOf(e: ComplaintEvent, fx: Effects): Promise<unknown> {
  const s = fx.state();
  const record = (data: Record<string, unknown>, patch?: Record<string, unknown>): Promise<unknown> => {
    const at = fx.rowAt();
    const sla = slaView(s, Date.now());
    return fx.serial(() => io.recordTransition({ ...fx.step(), status: e.status, patch, sla, event: { type: e.type, actor: e.actor, at, data } }));
  };
  const notify = (template: TemplateName, audience: Audience, vars: Record<string, string | number | undefined> = {}): Promise<unknown> =>
    fx.serial(() => io.notify({ ...fx.step(), at: new Date().toISOString(), template, audience, vars }));
  /** A place in the department freed up: the complaints waiting there try again now. */
  const wakeQueue = (department: string | undefined): Promise<unknown> => (department ? fx.serial(() => acts.wakeDepartmentQueue(department)) : Promise.resolve());
  const all = (...p: Array<Promise<unknown>>): Promise<unknown> => Promise.all(p);

  switch (e.type) {
    case 'triaged':
      return notify('acknowledgement', 'customer');
    case 'recategorized':
      return e.data.moved ? wakeQueue(e.data.from) : Promise.resolve();
    case 'transferred':
      return wakeQueue(e.data.from);
    case 'escalated':
      // The level's contacts, and the handler of the complaint too.
      return all(record(e.data), notify('escalation', { level: s.level as 1 | 2 | 3 }, { level: s.level, reason: e.data.reason }), ...(s.assignee ? [notify('escalation', 'assignee', { level: s.level, reason: e.data.reason })] : []));
    case 'sla_warning':
      return notify('sla_warning', 'assignee', e.data);
    case 'sla_breached':
    case 'note':
    case 'customer_reply':
    case 'closed':
      return all(record(e.data), ...(e.type === 'closed' && (s.survey?.score ?? 0) >= 4 ? [fx.serial(() => acts.draftArticleFromResolution({ ...fx.step(), at: fx.rowAt() }))] : []));
    case 'priority_changed':
      return record(e.data, { priority: e.data.to });
    case 'first_response':
    case 'response':
      return all(record(e.data), notify('agent_response', 'customer', { text: e.data.text }));
    case 'awaiting_customer':
      return all(record(e.data), notify('question', 'customer', { text: e.data.question }));
    case 'resolved':
      // Both queued now, so the customer hears of the resolution before the survey invitation.
      return all(record(e.data, { resolution: e.data.resolution }), notify('resolution', 'customer', { text: e.data.resolution }), wakeQueue(s.department));
    case 'reopened':
      return all(
        record(e.data, { reopenCount: e.data.reopenCount, surveyStatus: null, surveyScore: null, ...(e.data.previousAssignee ? { assignee: null } : {}) }),
        notify('reopened', 'assignee', { reason: e.data.reason }),
      );
    case 'withdrawn':
      return all(record(e.data), wakeQueue(s.department));
    case 'unassigned':
      return record(e.data, { assignee: null });
    case 'retried': {
      const { body, subject, ...data } = e.data;
      return record(data, { ...(body === undefined ? {} : { body }), ...(subject === undefined ? {} : { subject }) });
    }
    case 'survey_sent':
      return fx.serial(() => acts.sendSurvey({ ...fx.step(), at: new Date(e.at).toISOString(), nonce: e.data.nonce, expiresAt: new Date(e.at + SURVEY_WINDOW_MS).toISOString(), reminder: false }));
    case 'survey_answered':
      return fx.serial(() => acts.recordSurveyAnswer({ ...fx.step(), at: fx.rowAt(), nonce: e.data.nonce, score: e.data.score, comment: e.data.comment }));
    case 'survey_expired':
      return record(e.data, { surveyStatus: 'expired' });
    default:
      // assigned, routing_deferred, reassigned, needs_attention: written by their activity; tier_due: state only.
      return Promise.resolve();
  }
}
