import { sql } from 'drizzle-orm';
import { boolean, integer, pgTable, real, serial, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';

/**
 * Every version of the taxonomy classifier (the few-shot model over sentence embeddings), kept and named
 * (`t<taxonomy version>-m<n>`): one is active per taxonomy version; the rest stay for an admin to roll
 * back to and for the learning curve (accuracy on the held-back corrections against how many
 * corrections it learnt from).
 */
export const taxonomyModels = pgTable(
  'taxonomy_models',
  {
    id: serial('id').primaryKey(),
    name: text('name').notNull().unique(),
    taxonomyVersion: integer('taxonomy_version').notNull(),
    active: boolean('active').notNull().default(false),
    /** Examples from the taxonomy document, and supervisors' corrections, it was trained on. */
    examples: integer('examples').notNull(),
    corrections: integer('corrections').notNull(),
    /** Corrections held back from training to judge it; its accuracy on them (null: none held back yet). */
    heldBack: integer('held_back').notNull().default(0),
    accuracy: real('accuracy'),
    /** The accuracy of the model that was active when this one was judged, on the same held-back slice. */
    previousAccuracy: real('previous_accuracy'),
    /** Why it is (or is not) active: `initial`, `not worse`, `worse than <name>`, `rolled back by <actor>`. */
    decision: text('decision').notNull(),
    /** The model as its own JSON text (not jsonb: its name is a hash of the text, which jsonb would reorder). */
    model: text('model').notNull(),
    createdBy: text('created_by').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('taxonomy_models_one_active_idx').on(t.taxonomyVersion).where(sql`${t.active}`)],
);

export type TaxonomyModelRow = typeof taxonomyModels.$inferSelect;
