import { and, asc, count, desc, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '../client';
import { taxonomyModels, trainingExamples, type TaxonomyModelRow } from '../schema';
import { appendAudit } from './audit';

/** The active classifier of a taxonomy version, if one was trained. */
export async function activeTaxonomyModel(db: Db, taxonomyVersion: number): Promise<TaxonomyModelRow | undefined> {
  const [row] = await db
    .select()
    .from(taxonomyModels)
    .where(and(eq(taxonomyModels.taxonomyVersion, taxonomyVersion), eq(taxonomyModels.active, true)));
  return row;
}

/** The name of the active classifier (one indexed read: triage asks it per complaint, to follow a swap). */
export async function activeTaxonomyModelName(db: Db, taxonomyVersion: number): Promise<string | undefined> {
  const [row] = await db
    .select({ name: taxonomyModels.name })
    .from(taxonomyModels)
    .where(and(eq(taxonomyModels.taxonomyVersion, taxonomyVersion), eq(taxonomyModels.active, true)));
  return row?.name;
}

export type NewTaxonomyModel = Omit<typeof taxonomyModels.$inferInsert, 'id' | 'name' | 'createdAt' | 'active'>;

// Any fixed number: storing and activating models of the taxonomy classifier take turns across workers.
const TAXONOMY_MODELS_LOCK = 727_274_021;

/**
 * Stores a trained classifier under the next name of its taxonomy version (`t3-m4`). `activate`: it
 * replaces the active one, in the same transaction; `initial`: it becomes active only if the version has
 * no active model yet (another worker may have trained one first: then nothing is stored and undefined
 * comes back); `keep`: stored inactive (a candidate that lost), for the record and the learning curve.
 */
export async function storeTaxonomyModel(db: Db, m: NewTaxonomyModel, mode: 'initial' | 'activate' | 'keep'): Promise<TaxonomyModelRow | undefined> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${TAXONOMY_MODELS_LOCK})`);
    const mine = and(eq(taxonomyModels.taxonomyVersion, m.taxonomyVersion), eq(taxonomyModels.active, true));
    if (mode === 'initial' && (await tx.select({ id: taxonomyModels.id }).from(taxonomyModels).where(mine)).length > 0) return undefined;
    const [{ n }] = (await tx.select({ n: count() }).from(taxonomyModels).where(eq(taxonomyModels.taxonomyVersion, m.taxonomyVersion))) as [{ n: number }];
    const name = `t${m.taxonomyVersion}-m${Number(n) + 1}`;
    const active = mode !== 'keep';
    if (active) await tx.update(taxonomyModels).set({ active: false }).where(mine);
    const [row] = await tx
      .insert(taxonomyModels)
      .values({ ...m, name, active })
      .returning();
    await appendAudit(tx, { at: new Date(), actor: m.createdBy, role: 'system', action: 'taxonomy_model_trained', data: { name, taxonomyVersion: m.taxonomyVersion, active, accuracy: m.accuracy, previousAccuracy: m.previousAccuracy, corrections: m.corrections, heldBack: m.heldBack, decision: m.decision } });
    return row;
  });
}

/** Makes a kept model the active one of its taxonomy version (an admin's roll back or forward), audited. */
export async function activateTaxonomyModel(db: Db, name: string, actor: { subject: string; role: string }): Promise<TaxonomyModelRow | undefined> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${TAXONOMY_MODELS_LOCK})`);
    const [row] = await tx.select().from(taxonomyModels).where(eq(taxonomyModels.name, name));
    if (!row) return undefined;
    await tx.update(taxonomyModels).set({ active: false }).where(and(eq(taxonomyModels.taxonomyVersion, row.taxonomyVersion), eq(taxonomyModels.active, true)));
    const [active] = await tx.update(taxonomyModels).set({ active: true }).where(eq(taxonomyModels.name, name)).returning();
    await appendAudit(tx, { at: new Date(), actor: actor.subject, role: actor.role, action: 'taxonomy_model_activated', data: { name, taxonomyVersion: row.taxonomyVersion } });
    return active;
  });
}

/** Every kept model, newest first, without its weights. */
export async function listTaxonomyModels(db: Db, taxonomyVersion?: number) {
  return db
    .select({
      name: taxonomyModels.name,
      taxonomyVersion: taxonomyModels.taxonomyVersion,
      active: taxonomyModels.active,
      examples: taxonomyModels.examples,
      corrections: taxonomyModels.corrections,
      heldBack: taxonomyModels.heldBack,
      accuracy: taxonomyModels.accuracy,
      previousAccuracy: taxonomyModels.previousAccuracy,
      decision: taxonomyModels.decision,
      createdBy: taxonomyModels.createdBy,
      createdAt: taxonomyModels.createdAt,
    })
    .from(taxonomyModels)
    .where(taxonomyVersion === undefined ? undefined : eq(taxonomyModels.taxonomyVersion, taxonomyVersion))
    .orderBy(desc(taxonomyModels.id));
}

export interface Correction {
  complaintId: string;
  text: string;
  label: string;
}

/** Supervisors' category corrections whose category is among `categories`, oldest first. */
export async function categoryCorrections(db: Db, categories: string[]): Promise<Correction[]> {
  if (categories.length === 0) return [];
  return db
    .select({ complaintId: trainingExamples.complaintId, text: trainingExamples.text, label: trainingExamples.label })
    .from(trainingExamples)
    .where(and(eq(trainingExamples.task, 'category'), inArray(trainingExamples.label, categories)))
    .orderBy(asc(trainingExamples.id));
}
