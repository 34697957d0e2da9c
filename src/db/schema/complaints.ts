import { sql } from 'drizzle-orm';
import { bigint, boolean, index, integer, jsonb, pgTable, real, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * The read model: one row per complaint, written only by workflow activities. The workflow is the source
 * of truth; `version` is the workflow's own step counter, so a late retry never moves a row backwards.
 */
export const complaints = pgTable(
  'complaints',
  {
    id: text('id').primaryKey(),
    workflowId: text('workflow_id').notNull(),
    /** (wft, seq) of the last step applied, as src/db/queries/complaints.ts stepOrder encodes it. */
    version: bigint('version', { mode: 'number' }).notNull().default(0),
    status: text('status').notNull(),
    channel: text('channel').notNull(),
    subject: text('subject'),
    body: text('body').notNull(),
    customerId: text('customer_id'),
    customerName: text('customer_name'),
    customerEmail: text('customer_email'),
    customerPhone: text('customer_phone'),
    customerLanguage: text('customer_language'),
    externalRef: text('external_ref'),
    /** HMAC of the request that opened it under an Idempotency-Key; a reuse of the key with another request is refused. */
    requestHash: text('request_hash'),
    submittedBy: text('submitted_by').notNull(),
    metadata: jsonb('metadata').$type<Record<string, string>>().notNull().default({}),
    language: text('language'),
    category: text('category'),
    /** Triage's confidence in the category (1 when a rule decided it). */
    categoryConfidence: real('category_confidence'),
    /** The category is triage's best guess below TRIAGE_CONFIDENCE_THRESHOLD: not routed until a supervisor confirms it. */
    needsHumanTriage: boolean('needs_human_triage').notNull().default(false),
    /** The taxonomy version the complaint was triaged under. */
    taxonomyVersion: integer('taxonomy_version'),
    /** The taxonomy classifier version (taxonomy_models.name) that read the complaint, when a model decided. */
    categoryModel: text('category_model'),
    intent: text('intent'),
    priority: text('priority'),
    priorityReasons: jsonb('priority_reasons').$type<string[]>().notNull().default([]),
    sentimentLabel: text('sentiment_label'),
    sentimentScore: real('sentiment_score'),
    keywords: jsonb('keywords').$type<string[]>().notNull().default([]),
    summary: text('summary'),
    department: text('department'),
    assignee: text('assignee'),
    resolution: text('resolution'),
    firstResponseDueAt: timestamp('first_response_due_at', { withTimezone: true, mode: 'date' }),
    resolutionDueAt: timestamp('resolution_due_at', { withTimezone: true, mode: 'date' }),
    pausedMs: bigint('paused_ms', { mode: 'number' }).notNull().default(0),
    breached: boolean('breached').notNull().default(false),
    escalationLevel: integer('escalation_level').notNull().default(0),
    firstRespondedAt: timestamp('first_responded_at', { withTimezone: true, mode: 'date' }),
    reopenCount: integer('reopen_count').notNull().default(0),
    surveyStatus: text('survey_status'),
    surveyScore: integer('survey_score'),
    occurredAt: timestamp('occurred_at', { withTimezone: true, mode: 'date' }),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull(),
    assignedAt: timestamp('assigned_at', { withTimezone: true, mode: 'date' }),
    resolvedAt: timestamp('resolved_at', { withTimezone: true, mode: 'date' }),
    closedAt: timestamp('closed_at', { withTimezone: true, mode: 'date' }),
    /** Personal data redacted (erasure request or retention); the complaint's facts stay for statistics. */
    erasedAt: timestamp('erased_at', { withTimezone: true, mode: 'date' }),
    /** Our language-neutral search terms (src/kb/terms.ts), for finding similar past complaints. */
    searchTerms: text('search_terms').array(),
    /** Knowledge-base articles and past resolutions pushed to the handler at triage, with scores. */
    suggestions: jsonb('suggestions').$type<Suggestion[]>().notNull().default([]),
  },
  (t) => [
    // Keyset pagination walks (created_at, id) newest first; the filters below narrow it. NULLS FIRST
    // matches ORDER BY … DESC as written (its default): an index built DESC NULLS LAST cannot serve it.
    index('complaints_created_idx').on(t.createdAt.desc().nullsFirst(), t.id.desc().nullsFirst()),
    index('complaints_status_idx').on(t.status, t.createdAt.desc().nullsFirst()),
    index('complaints_category_idx').on(t.category, t.createdAt.desc().nullsFirst()),
    index('complaints_assignee_idx').on(t.assignee, t.status),
    // The two commonest list filters (a triage view, a department's queue by priority) read newest first
    // straight from the index instead of intersecting two and sorting (bench/: see the commit).
    index('complaints_status_category_created_idx').on(t.status, t.category, t.createdAt.desc().nullsFirst(), t.id.desc().nullsFirst()),
    index('complaints_department_priority_created_idx').on(t.department, t.priority, t.createdAt.desc().nullsFirst(), t.id.desc().nullsFirst()),
    index('complaints_department_idx').on(t.department, t.status),
    index('complaints_customer_idx').on(t.customerId, t.createdAt.desc().nullsFirst()),
    index('complaints_submitted_by_idx').on(t.submittedBy, t.createdAt.desc().nullsFirst()),
    // Analytics scan a time range and group by one of these; the category index above serves category.
    index('complaints_channel_created_idx').on(t.channel, t.createdAt),
    index('complaints_department_created_idx').on(t.department, t.createdAt),
    // Similar complaints: a term-set match through GIN, without PostgreSQL's parser (it cannot segment Chinese).
    index('complaints_search_terms_idx').using('gin', sql`array_to_tsvector(${t.searchTerms})`),
    // The supervisors' triage queue: few rows, read newest first.
    index('complaints_needs_human_triage_idx').on(t.createdAt.desc().nullsFirst(), t.id.desc().nullsFirst()).where(sql`${t.needsHumanTriage}`),
    index('complaints_external_ref_idx').on(t.channel, t.externalRef).where(sql`${t.externalRef} is not null`),
  ],
);

/** One suggestion on a complaint: a published article, or how a similar past complaint was resolved. */
export type Suggestion =
  | { kind: 'article'; articleId: string; title: string; score: number }
  // The resolution's text is read when the complaint is shown, never copied: erasing that complaint erases it.
  | { kind: 'resolution'; complaintId: string; score: number };

export type ComplaintRow = typeof complaints.$inferSelect;
export type NewComplaintRow = typeof complaints.$inferInsert;
