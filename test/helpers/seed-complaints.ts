import { boolean, integer, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import { surveys } from '../../src/db/schema';
import type { Db } from '../../src/db/client';

const at = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

/**
 * Only the read model's columns a seed writes: inserting through the full schema would name every column,
 * and a migration test seeds a database migrated only up to an earlier schema that lacks the newer ones.
 */
const complaints = pgTable('complaints', {
  id: text('id').primaryKey(),
  workflowId: text('workflow_id').notNull(),
  status: text('status').notNull(),
  channel: text('channel').notNull(),
  body: text('body').notNull(),
  submittedBy: text('submitted_by').notNull(),
  category: text('category'),
  department: text('department'),
  assignee: text('assignee'),
  priority: text('priority'),
  customerId: text('customer_id'),
  firstRespondedAt: at('first_responded_at'),
  resolvedAt: at('resolved_at'),
  breached: boolean('breached').notNull(),
  surveyScore: integer('survey_score'),
  reopenCount: integer('reopen_count').notNull(),
  escalationLevel: integer('escalation_level').notNull(),
  keywords: jsonb('keywords').$type<string[]>().notNull(),
  createdAt: at('created_at').notNull(),
  updatedAt: at('updated_at').notNull(),
});
type NewComplaintRow = typeof complaints.$inferInsert;

const HOUR = 3_600_000;

export interface SeedComplaint {
  id: string;
  createdAt: string;
  category?: string;
  channel?: string;
  status?: string;
  /** Hours after creation. */
  firstResponseAfterH?: number;
  resolvedAfterH?: number;
  breached?: boolean;
  surveyScore?: number;
  /** Every survey answer, oldest first (a reopened complaint answered again); default: surveyScore's one. */
  surveyScores?: number[];
  reopenCount?: number;
  escalationLevel?: number;
  keywords?: string[];
  customerId?: string;
  body?: string;
  department?: string;
  assignee?: string;
  priority?: string;
}

/** Writes read-model rows as the workflow activities would have left them, for figures computed by hand. */
export async function seedComplaints(db: Db, rows: SeedComplaint[]): Promise<void> {
  const values: NewComplaintRow[] = rows.map((r) => {
    const created = new Date(r.createdAt);
    const after = (h?: number) => (h === undefined ? null : new Date(created.getTime() + h * HOUR));
    return {
      id: r.id,
      workflowId: `complaint-${r.id}`,
      status: r.status ?? 'closed',
      channel: r.channel ?? 'web',
      body: r.body ?? `complaint ${r.id}`,
      submittedBy: 'seed',
      category: r.category ?? 'billing',
      department: r.department ?? r.category ?? 'billing',
      assignee: r.assignee ?? null,
      priority: r.priority ?? 'P3',
      customerId: r.customerId ?? `cust-${r.id}`,
      firstRespondedAt: after(r.firstResponseAfterH),
      resolvedAt: after(r.resolvedAfterH),
      breached: r.breached ?? false,
      surveyScore: r.surveyScore ?? null,
      reopenCount: r.reopenCount ?? 0,
      escalationLevel: r.escalationLevel ?? 0,
      keywords: r.keywords ?? [],
      createdAt: created,
      updatedAt: created,
    };
  });
  for (let i = 0; i < values.length; i += 500) await db.insert(complaints).values(values.slice(i, i + 500));
  // The survey answers themselves, as the survey activity records them: satisfaction counts these.
  const answers = rows.flatMap((r) =>
    (r.surveyScores ?? (r.surveyScore === undefined ? [] : [r.surveyScore])).map((score, k) => {
      const at = new Date(new Date(r.createdAt).getTime() + (k + 1) * HOUR);
      return { nonce: `seed-${r.id}-${k}`, complaintId: r.id, createdAt: at, expiresAt: new Date(at.getTime() + 72 * HOUR), answeredAt: at, score };
    }),
  );
  for (let i = 0; i < answers.length; i += 500) await db.insert(surveys).values(answers.slice(i, i + 500));
}
