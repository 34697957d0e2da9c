import { bigserial, index, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * Labelled examples from people: a supervisor's correction of a complaint's category. `npm run train --
 * --from-db` adds them to the training data, so the classifier learns from the corrections.
 */
export const trainingExamples = pgTable(
  'training_examples',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    complaintId: text('complaint_id').notNull(),
    task: text('task').notNull(),
    language: text('language'),
    text: text('text').notNull(),
    label: text('label').notNull(),
    previousLabel: text('previous_label'),
    actor: text('actor').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [index('training_examples_task_idx').on(t.task, t.createdAt)],
);

export type TrainingExampleRow = typeof trainingExamples.$inferSelect;
