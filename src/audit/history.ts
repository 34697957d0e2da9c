import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import { tsToMs } from '@temporalio/common/lib/time';
import type { temporal } from '@temporalio/proto';

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

/** The marker the SDK records for each local activity (the short read-model steps of the workflow). */
const LOCAL_ACTIVITY_MARKER = 'core_local_activity';

/** One step of a workflow's history as an auditor reads it. */
export interface HistoryEntry {
  eventId: number;
  at: string;
  type: string;
  name?: string;
  data?: unknown;
}

const decode = (payloads: { payloads?: Payload[] | null } | null | undefined): unknown[] =>
  (payloads?.payloads ?? []).map((p) => {
    try {
      return defaultPayloadConverter.fromPayload(p);
    } catch {
      return '<undecodable payload>';
    }
  });

const one = (payloads: { payloads?: Payload[] | null } | null | undefined): unknown => {
  const all = decode(payloads);
  return all.length <= 1 ? all[0] : all;
};

/**
 * Turns a raw history into readable steps: each activity (regular or local) with its result, each timer, signal and update
 * with its arguments (which carry the actor) and time. Workflow-task bookkeeping is left out; the raw
 * form (?format=raw) has every event.
 */
export function readableHistory(events: HistoryEvent[]): HistoryEntry[] {
  const activityNames = new Map<number, string>();
  const out: HistoryEntry[] = [];
  for (const e of events) {
    const base = { eventId: Number(e.eventId), at: new Date(tsToMs(e.eventTime)).toISOString() };
    const push = (type: string, name?: string, data?: unknown) => out.push({ ...base, type, ...(name ? { name } : {}), ...(data !== undefined ? { data } : {}) });
    if (e.workflowExecutionStartedEventAttributes) push('workflow_started', e.workflowExecutionStartedEventAttributes.workflowType?.name ?? undefined, one(e.workflowExecutionStartedEventAttributes.input));
    else if (e.activityTaskScheduledEventAttributes) {
      const name = e.activityTaskScheduledEventAttributes.activityType?.name ?? 'activity';
      activityNames.set(Number(e.eventId), name);
      push('activity_scheduled', name, one(e.activityTaskScheduledEventAttributes.input));
    } else if (e.activityTaskCompletedEventAttributes) push('activity_completed', activityNames.get(Number(e.activityTaskCompletedEventAttributes.scheduledEventId)), one(e.activityTaskCompletedEventAttributes.result));
    else if (e.activityTaskFailedEventAttributes) push('activity_failed', activityNames.get(Number(e.activityTaskFailedEventAttributes.scheduledEventId)), e.activityTaskFailedEventAttributes.failure?.message);
    else if (e.markerRecordedEventAttributes?.markerName === LOCAL_ACTIVITY_MARKER) {
      // A local activity is one marker: what ran (in `data`) and its result, or its failure.
      const m = e.markerRecordedEventAttributes;
      const name = (one(m.details?.data) as { activity_type?: string } | undefined)?.activity_type;
      if (m.failure) push('activity_failed', name, m.failure.message);
      else push('activity_completed', name, one(m.details?.result));
    } else if (e.timerStartedEventAttributes) push('timer_started', e.timerStartedEventAttributes.timerId ?? undefined, { durationMs: tsToMs(e.timerStartedEventAttributes.startToFireTimeout) });
    else if (e.timerFiredEventAttributes) push('timer_fired', e.timerFiredEventAttributes.timerId ?? undefined);
    else if (e.timerCanceledEventAttributes) push('timer_canceled', e.timerCanceledEventAttributes.timerId ?? undefined);
    else if (e.workflowExecutionSignaledEventAttributes) push('signal', e.workflowExecutionSignaledEventAttributes.signalName ?? undefined, one(e.workflowExecutionSignaledEventAttributes.input));
    else if (e.workflowExecutionUpdateAcceptedEventAttributes) {
      const req = e.workflowExecutionUpdateAcceptedEventAttributes.acceptedRequest;
      push('update_accepted', req?.input?.name ?? undefined, one(req?.input?.args));
    } else if (e.workflowExecutionUpdateCompletedEventAttributes) {
      const o = e.workflowExecutionUpdateCompletedEventAttributes.outcome;
      push('update_completed', undefined, o?.success ? one(o.success) : { failure: o?.failure?.message });
    } else if (e.upsertWorkflowSearchAttributesEventAttributes) push('search_attributes');
    else if (e.workflowExecutionCompletedEventAttributes) push('workflow_completed', undefined, one(e.workflowExecutionCompletedEventAttributes.result));
    else if (e.workflowExecutionContinuedAsNewEventAttributes) push('continued_as_new', undefined, { newRunId: e.workflowExecutionContinuedAsNewEventAttributes.newExecutionRunId });
    else if (e.workflowExecutionTerminatedEventAttributes) push('workflow_terminated', undefined, { reason: e.workflowExecutionTerminatedEventAttributes.reason });
    else if (e.workflowExecutionFailedEventAttributes) push('workflow_failed', undefined, { failure: e.workflowExecutionFailedEventAttributes.failure?.message });
  }
  return out;
}
