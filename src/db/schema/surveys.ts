import { integer, pgTable, text, timestamp, index } from 'drizzle-orm/pg-core';

/** One satisfaction survey per resolution; the nonce is in the signed token, the row records the answer. */
export const surveys = pgTable(
  'surveys',
  {
    nonce: text('nonce').primaryKey(),
    complaintId: text('complaint_id').notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true, mode: 'date' }).notNull(),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull(),
    answeredAt: timestamp('answered_at', { withTimezone: true, mode: 'date' }),
    score: integer('score'),
    comment: text('comment'),
  },
  (t) => [index('surveys_complaint_idx').on(t.complaintId)],
);

export type SurveyRow = typeof surveys.$inferSelect;
