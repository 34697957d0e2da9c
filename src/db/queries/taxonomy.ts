import { desc, eq, inArray, sql } from 'drizzle-orm';
import { categoriesByDepartment, type Taxonomy } from '../../taxonomy/taxonomy';
import type { Db } from '../client';
import { departments, handlers, taxonomyVersions, type TaxonomyVersionRow } from '../schema';
import { appendAudit, type AuditEntry } from './audit';
import type { Tx } from './complaints';

// Any fixed number: concurrent saves (and first starts) of the taxonomy take turns.
const TAXONOMY_LOCK = 727_274_019;

/** A taxonomy that names departments the database does not have, or a save that lost a race. */
export class TaxonomyRejected extends Error {
  constructor(
    readonly reason: 'unknown_department' | 'version_conflict',
    message: string,
    readonly details: { path: string; message: string }[] = [],
  ) {
    super(message);
    this.name = 'TaxonomyRejected';
  }
}

/** The version triage should use now (the highest), or undefined before the first seed. */
export async function currentTaxonomyVersion(db: Db | Tx): Promise<number | undefined> {
  const [row] = await db.select({ version: taxonomyVersions.version }).from(taxonomyVersions).orderBy(desc(taxonomyVersions.version)).limit(1);
  return row?.version;
}

/** One stored version, or the current one when `version` is left out. */
export async function getTaxonomy(db: Db | Tx, version?: number): Promise<TaxonomyVersionRow | undefined> {
  const q = db.select().from(taxonomyVersions);
  const [row] = version === undefined ? await q.orderBy(desc(taxonomyVersions.version)).limit(1) : await q.where(eq(taxonomyVersions.version, version));
  return row;
}

/**
 * `departments.categories` is a projection of the taxonomy (category → department lives only there),
 * rewritten with each version so that routing queries and the departments API read it in one place.
 */
async function projectDepartments(tx: Tx, taxonomy: Taxonomy): Promise<void> {
  const served = categoriesByDepartment(taxonomy);
  await tx.update(departments).set({ categories: [], updatedAt: new Date() }).where(sql`cardinality(${departments.categories}) > 0`);
  for (const [id, categories] of served) await tx.update(departments).set({ categories, updatedAt: new Date() }).where(eq(departments.id, id));
}

async function checkDepartments(tx: Tx, taxonomy: Taxonomy): Promise<void> {
  const wanted = [...new Set(taxonomy.categories.map((c) => c.department))];
  const found = new Set((await tx.select({ id: departments.id }).from(departments).where(inArray(departments.id, wanted))).map((d) => d.id));
  const details = taxonomy.categories.flatMap((c, i) => (found.has(c.department) ? [] : [{ path: `body.categories.${i}.department`, message: `no department "${c.department}"` }]));
  if (details.length) throw new TaxonomyRejected('unknown_department', `The taxonomy names ${details.length === 1 ? 'a department' : 'departments'} that do not exist.`, details);
}

/**
 * Seeds version 1 from the taxonomy file, once: only while no version is stored, so a taxonomy saved
 * through the API is never overwritten by a restart. Returns whether it seeded.
 */
export async function seedTaxonomy(db: Db, taxonomy: Taxonomy): Promise<boolean> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${TAXONOMY_LOCK})`);
    if ((await currentTaxonomyVersion(tx)) !== undefined) return false;
    await checkDepartments(tx, taxonomy);
    await tx.insert(taxonomyVersions).values({ version: 1, document: taxonomy, createdBy: 'seed' });
    await projectDepartments(tx, taxonomy);
    return true;
  });
}

/**
 * Stores the next version (departments must exist; `expectedVersion`, when given, must still be the
 * current one) with its audit entry and the departments' projection, in one transaction.
 */
export async function saveTaxonomy(db: Db, taxonomy: Taxonomy, audit: Omit<AuditEntry, 'at' | 'action' | 'data'>, expectedVersion?: number): Promise<TaxonomyVersionRow> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${TAXONOMY_LOCK})`);
    const current = (await currentTaxonomyVersion(tx)) ?? 0;
    if (expectedVersion !== undefined && expectedVersion !== current) {
      throw new TaxonomyRejected('version_conflict', `The taxonomy is at version ${current}, not ${expectedVersion}; read it again and reapply your change.`, [{ path: 'body.expectedVersion', message: `current version is ${current}` }]);
    }
    await checkDepartments(tx, taxonomy);
    const [row] = await tx.insert(taxonomyVersions).values({ version: current + 1, document: taxonomy, createdBy: audit.actor }).returning();
    await projectDepartments(tx, taxonomy);
    await appendAudit(tx, { ...audit, at: row!.createdAt, action: 'taxonomy_replaced', data: { version: row!.version, previousVersion: current, categories: taxonomy.categories.map((c) => `${c.id}→${c.department}`) } });
    return row!;
  });
}

/** Categories no active handler of their department takes (as a skill): complaints there would wait unassigned. */
export async function categoriesWithoutHandlers(db: Db, taxonomy: Taxonomy): Promise<string[]> {
  const rows = await db.select({ department: handlers.departmentId, skills: handlers.skills }).from(handlers).where(eq(handlers.active, true));
  return taxonomy.categories.filter((c) => !rows.some((h) => h.department === c.department && h.skills.includes(c.id))).map((c) => c.id);
}
