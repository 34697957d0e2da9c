import type { ListedComplaint } from '../db/queries/complaints';
import type { ComplaintEventRow, ComplaintRow, Suggestion } from '../db/schema';
import type { ComplaintState, ComplaintWorkflowInput } from '../shared/types';
import type { ComplaintSummaryView, ComplaintView, SuggestionView } from './schemas/complaints';

const iso = (d: Date | null | undefined): string | null => (d ? d.toISOString() : null);

/**
 * A read-model row as the API shows it, with the live workflow state laid over it when there is one.
 * Without `contact` (an agent's view of a complaint not assigned to them) the customer's name, email and
 * phone are left out.
 */
export function summaryView(row: ListedComplaint, live?: ComplaintState, contact = true): ComplaintSummaryView {
  return {
    id: row.id,
    workflowId: row.workflowId,
    status: (live?.status ?? row.status) as ComplaintSummaryView['status'],
    channel: row.channel as ComplaintSummaryView['channel'],
    customer: contact
      ? { id: row.customerId, name: row.customerName, email: row.customerEmail, phone: row.customerPhone, language: row.customerLanguage }
      : { id: row.customerId, name: null, email: null, phone: null, language: row.customerLanguage },
    subject: row.subject,
    body: row.body,
    externalRef: row.externalRef,
    metadata: row.metadata,
    language: row.language,
    category: live?.category ?? row.category,
    needsHumanTriage: live?.needsHumanTriage ?? row.needsHumanTriage,
    intent: row.intent,
    priority: (live?.priority ?? row.priority) as ComplaintSummaryView['priority'],
    priorityReasons: row.priorityReasons,
    sentiment: row.sentimentLabel ? { label: row.sentimentLabel, score: row.sentimentScore ?? 0 } : null,
    keywords: row.keywords,
    summary: row.summary,
    department: live?.department ?? row.department,
    assignee: live?.assignee ?? row.assignee,
    resolution: live?.resolution ?? row.resolution,
    sla: live?.sla
      ? { firstResponseDueAt: live.sla.firstResponseDueAt, resolutionDueAt: live.sla.resolutionDueAt, pausedMs: live.sla.pausedMs, breached: live.sla.breached, escalationLevel: live.sla.escalationLevel }
      : {
          firstResponseDueAt: iso(row.firstResponseDueAt),
          resolutionDueAt: iso(row.resolutionDueAt),
          pausedMs: row.pausedMs,
          breached: row.breached,
          escalationLevel: row.escalationLevel,
        },
    survey: live?.survey ? { status: live.survey.status, score: live.survey.score ?? null } : { status: row.surveyStatus, score: row.surveyScore },
    createdAt: row.createdAt.toISOString(),
    updatedAt: (live && live.updatedAt > row.updatedAt.toISOString() ? live.updatedAt : row.updatedAt.toISOString()),
  };
}

/** The full complaint: summary plus timeline, and for staff the suggestions made to its handler. */
export function complaintView(row: ComplaintRow, events: ComplaintEventRow[], live?: ComplaintState, suggestions?: SuggestionView[], contact = true): ComplaintView {
  return {
    ...summaryView(row, live, contact),
    // A customer acts under their address (`customer:<email>`): that is contact detail too.
    timeline: events.map((e) => ({ at: e.at.toISOString(), type: e.type, actor: contact || e.role !== 'customer' ? e.actor : 'customer', role: e.role, data: e.data })),
    ...(suggestions ? { suggestions } : {}),
  };
}

/** Stored suggestions with past resolutions read fresh, so an erased complaint's words never reappear. */
export function suggestionViews(stored: Suggestion[], resolutions: Map<string, { resolution: string | null; surveyScore: number | null }>): SuggestionView[] {
  return stored.map((s) => (s.kind === 'article' ? s : { ...s, resolution: resolutions.get(s.complaintId)?.resolution ?? null, surveyScore: resolutions.get(s.complaintId)?.surveyScore ?? null }));
}

/** The intake input a continuation run needs, rebuilt from the read model of a closed complaint. */
export function workflowInputFromRow(row: ComplaintRow): ComplaintWorkflowInput {
  return {
    id: row.id,
    channel: row.channel as ComplaintWorkflowInput['channel'],
    body: row.body,
    subject: row.subject ?? undefined,
    customer: {
      id: row.customerId ?? undefined,
      name: row.customerName ?? undefined,
      email: row.customerEmail ?? undefined,
      phone: row.customerPhone ?? undefined,
      language: (row.customerLanguage ?? undefined) as ComplaintWorkflowInput['customer']['language'],
    },
    externalRef: row.externalRef ?? undefined,
    occurredAt: row.occurredAt?.toISOString(),
    metadata: row.metadata,
    submittedBy: { subject: row.submittedBy, role: 'integrator' },
    receivedAt: row.createdAt.toISOString(),
    requestHash: row.requestHash ?? undefined,
  };
}

/**
 * For the moment between a 201 and the workflow's first write: the complaint as the workflow holds it,
 * so a GET straight after intake never answers 404 for a complaint that exists.
 */
export function rowFromWorkflowInput(input: ComplaintWorkflowInput, workflowId: string): ComplaintRow {
  const at = new Date(input.receivedAt);
  return {
    id: input.id,
    workflowId,
    version: 0,
    status: 'received',
    channel: input.channel,
    subject: input.subject ?? null,
    body: input.body,
    customerId: input.customer.id ?? null,
    customerName: input.customer.name ?? null,
    customerEmail: input.customer.email ?? null,
    customerPhone: input.customer.phone ?? null,
    customerLanguage: input.customer.language ?? null,
    externalRef: input.externalRef ?? null,
    requestHash: input.requestHash ?? null,
    submittedBy: input.submittedBy.subject,
    metadata: input.metadata,
    language: null,
    category: null,
    categoryConfidence: null,
    needsHumanTriage: false,
    taxonomyVersion: null,
    categoryModel: null,
    intent: null,
    priority: null,
    priorityReasons: [],
    sentimentLabel: null,
    sentimentScore: null,
    keywords: [],
    summary: null,
    department: null,
    assignee: null,
    resolution: null,
    firstResponseDueAt: null,
    resolutionDueAt: null,
    pausedMs: 0,
    breached: false,
    escalationLevel: 0,
    firstRespondedAt: null,
    reopenCount: 0,
    surveyStatus: null,
    surveyScore: null,
    occurredAt: input.occurredAt ? new Date(input.occurredAt) : null,
    createdAt: at,
    updatedAt: at,
    searchTerms: null,
    suggestions: [],
    assignedAt: null,
    resolvedAt: null,
    closedAt: null,
    erasedAt: null,
  };
}
