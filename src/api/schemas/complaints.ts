import { z } from 'zod';
import { CHANNELS, LANGUAGES, PRIORITIES, STATUSES } from '../../shared/constants';
import { IDEMPOTENCY_KEY_PATTERN } from '../../shared/idempotency';
import { isoTime } from './common';

export const customerInput = z
  .object({
    id: z.string().trim().min(1).max(200).optional(),
    name: z.string().trim().min(1).max(200).optional(),
    email: z.email().max(320).optional(),
    phone: z
      .string()
      .regex(/^\+[1-9]\d{6,14}$/, 'must be E.164, e.g. +8613800138000')
      .optional(),
    language: z.enum(LANGUAGES).optional(),
  })
  .strict();

export const createComplaintBody = z
  .object({
    channel: z.enum(CHANNELS),
    body: z.string().trim().min(1, 'must not be empty').max(20_000),
    subject: z.string().trim().min(1).max(500).optional(),
    customer: customerInput.default({}),
    externalRef: z.string().trim().min(1).max(200).optional(),
    occurredAt: isoTime.optional(),
    metadata: z
      .record(z.string().min(1).max(100), z.string().max(2000))
      .refine((m) => Object.keys(m).length <= 50, 'at most 50 keys')
      .default({}),
  })
  .strict()
  .meta({ id: 'ComplaintCreate' });

export type CreateComplaintBody = z.infer<typeof createComplaintBody>;

export const idempotencyHeaders = z.looseObject({
  'idempotency-key': z.string().trim().min(1).max(200).optional(),
});

/** An action's key: 1–255 visible ASCII characters; the first request with it fixes its action and body. */
export const actionIdempotencyHeaders = z.looseObject({
  'idempotency-key': z
    .string()
    .regex(IDEMPOTENCY_KEY_PATTERN, 'an Idempotency-Key is 1 to 255 visible ASCII characters')
    .optional()
    .describe('Makes a retried action safe: the same key on this complaint returns the first outcome, even after the complaint has ended. Reusing it for another action or body → 422.'),
});

export const createComplaintResponse = z
  .object({
    id: z.string(),
    status: z.enum(STATUSES),
    workflowId: z.string(),
    links: z.object({ self: z.string(), timeline: z.string(), history: z.string() }),
  })
  .meta({ id: 'ComplaintAccepted' });

const timelineEntry = z.object({
  at: z.string(),
  type: z.string(),
  actor: z.string(),
  role: z.string(),
  data: z.record(z.string(), z.unknown()),
});

export const complaintSummary = z
  .object({
    id: z.string(),
    workflowId: z.string(),
    status: z.enum(STATUSES),
    channel: z.enum(CHANNELS),
    customer: z.object({
      id: z.string().nullable(),
      name: z.string().nullable(),
      email: z.string().nullable(),
      phone: z.string().nullable(),
      language: z.string().nullable(),
    }),
    subject: z.string().nullable(),
    body: z.string(),
    externalRef: z.string().nullable(),
    metadata: z.record(z.string(), z.string()),
    language: z.string().nullable(),
    category: z.string().nullable(),
    needsHumanTriage: z.boolean().meta({ description: 'the category is triage\'s best guess below TRIAGE_CONFIDENCE_THRESHOLD: it stays triaged, unrouted, until a supervisor confirms or corrects the category' }),
    intent: z.string().nullable(),
    priority: z.enum(PRIORITIES).nullable(),
    priorityReasons: z.array(z.string()),
    sentiment: z.object({ label: z.string(), score: z.number() }).nullable(),
    keywords: z.array(z.string()),
    summary: z.string().nullable(),
    department: z.string().nullable(),
    assignee: z.string().nullable(),
    resolution: z.string().nullable(),
    sla: z.object({
      firstResponseDueAt: z.string().nullable(),
      resolutionDueAt: z.string().nullable(),
      pausedMs: z.number(),
      breached: z.boolean(),
      escalationLevel: z.number().int().min(0).max(3),
    }),
    survey: z.object({ status: z.string().nullable(), score: z.number().nullable() }),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'ComplaintSummary' });

export const suggestionView = z
  .discriminatedUnion('kind', [
    z.object({ kind: z.literal('article'), articleId: z.string(), title: z.string(), score: z.number() }),
    z.object({ kind: z.literal('resolution'), complaintId: z.string(), resolution: z.string().nullable(), surveyScore: z.number().int().nullable(), score: z.number() }),
  ])
  .meta({ id: 'Suggestion', description: 'a published article (BM25 score) or how a similar past complaint was resolved (term-set cosine 0..1)' });
export type SuggestionView = z.infer<typeof suggestionView>;

export const complaintView = complaintSummary
  .extend({
    timeline: z.array(timelineEntry),
    suggestions: z.array(suggestionView).optional().meta({ description: 'for staff only: what triage pushed to the handler, best first' }),
  })
  .meta({ id: 'Complaint' });

export type ComplaintSummaryView = z.infer<typeof complaintSummary>;
export type ComplaintView = z.infer<typeof complaintView>;

const boolParam = z.enum(['true', 'false']).transform((v) => v === 'true');

export const listComplaintsQuery = z
  .object({
    limit: z.coerce.number().int().min(1).max(500).default(50),
    cursor: z.string().max(200).optional(),
    status: z.enum(STATUSES).optional(),
    category: z.string().min(1).max(100).optional(),
    priority: z.enum(PRIORITIES).optional(),
    department: z.string().min(1).max(100).optional(),
    assignee: z.string().min(1).max(100).optional(),
    channel: z.enum(CHANNELS).optional(),
    breached: boolParam.optional(),
    needsHumanTriage: boolParam.optional().meta({ description: 'true: the complaints waiting for a supervisor to confirm their category' }),
    customerId: z.string().min(1).max(200).optional(),
    q: z.string().min(1).max(200).optional(),
    createdFrom: isoTime.optional(),
    createdTo: isoTime.optional(),
    /** csv streams every match (limit and cursor are ignored) with the columns of src/api/complaints-csv.ts. */
    format: z.enum(['json', 'csv']).default('json'),
  })
  .strict();

export const complaintPage = z
  .object({ items: z.array(complaintSummary), nextCursor: z.string().nullable() })
  .meta({ id: 'ComplaintPage' });

export const resolveBody = z.object({ resolution: z.string().trim().min(1, 'must not be empty').max(20_000) }).strict();

export const actionResult = z.object({ id: z.string(), status: z.enum(STATUSES) }).meta({ id: 'ActionResult' });

const text = (max = 20_000) => z.string().trim().min(1, 'must not be empty').max(max);
export const actionBodies = {
  assign: z.object({ handlerId: text(100), reason: text(2000) }).strict(),
  escalate: z.object({ reason: text(2000), level: z.number().int().min(1).max(3).optional() }).strict(),
  transfer: z.object({ department: text(100), reason: text(2000) }).strict(),
  priority: z.object({ priority: z.enum(PRIORITIES), reason: text(2000) }).strict(),
  category: z.object({ category: text(100), reason: text(2000) }).strict(),
  notes: z.object({ text: text() }).strict(),
  responses: z.object({ text: text() }).strict(),
  'await-customer': z.object({ question: text() }).strict(),
  'customer-replies': z.object({ text: text() }).strict(),
  reopen: z.object({ reason: text(2000) }).strict(),
  withdraw: z.object({ reason: text(2000) }).strict(),
};

export const auditQuery = z
  .object({
    limit: z.coerce.number().int().min(1).max(500).default(50),
    // An audit entry's id: at most 15 digits, so it stays an exact JavaScript number and a PostgreSQL bigint.
    cursor: z.string().regex(/^\d{1,15}$/, 'not a cursor this API issued').optional(),
    actor: z.string().min(1).max(200).optional(),
    role: z.string().min(1).max(50).optional(),
    action: z.string().min(1).max(100).optional(),
    complaintId: z.string().min(1).max(64).optional(),
    from: isoTime.optional(),
    to: isoTime.optional(),
  })
  .strict();

export const auditPage = z
  .object({
    items: z.array(z.object({ at: z.string(), actor: z.string(), role: z.string(), action: z.string(), complaintId: z.string().nullable(), data: z.record(z.string(), z.unknown()) })),
    nextCursor: z.string().nullable(),
  })
  .meta({ id: 'AuditPage' });

export const surveyAnswer = z.object({ score: z.number().int().min(1).max(5), comment: z.string().trim().max(2000).optional() }).strict();
export const surveyView = z
  .object({ complaintId: z.string(), question: z.object({ en: z.string(), zh: z.string() }), scale: z.object({ min: z.literal(1), max: z.literal(5) }), status: z.enum(['pending', 'answered', 'expired']) })
  .meta({ id: 'Survey' });
