import { and, count, desc, eq, inArray, isNull, lt, max, ne, notInArray, or, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../client';
import { complaints, kbArticles, type ArticleRow, type ArticleStatus } from '../schema';
import { appendAudit } from './audit';

export interface ArticleFields {
  title: string;
  body: string;
  language: string;
  category?: string | null;
  tags?: string[];
}

export interface ArticleActor {
  subject: string;
  role: string;
}

/** Creates an article (a draft unless told otherwise) and audits who did it, in one transaction. */
export async function createArticle(db: Db, id: string, f: ArticleFields, actor: ArticleActor, opts: { status?: ArticleStatus; sample?: boolean; sourceComplaintId?: string } = {}): Promise<ArticleRow | undefined> {
  return db.transaction(async (tx) => {
    const now = new Date();
    const status = opts.status ?? 'draft';
    const [row] = await tx
      .insert(kbArticles)
      .values({ id, ...f, category: f.category ?? null, tags: f.tags ?? [], status, sample: opts.sample ?? false, sourceComplaintId: opts.sourceComplaintId ?? null, createdBy: actor.subject, createdAt: now, updatedAt: now, publishedAt: status === 'published' ? now : null })
      .onConflictDoNothing()
      .returning();
    if (row && actor.role !== 'system') await appendAudit(tx, { at: now, actor: actor.subject, role: actor.role, action: 'kb_article_created', data: { articleId: id, title: f.title } });
    return row;
  });
}

export const getArticle = async (db: Db, id: string): Promise<ArticleRow | undefined> => (await db.select().from(kbArticles).where(eq(kbArticles.id, id)))[0];

export type ArticleChange = { kind: 'edit'; fields: Partial<ArticleFields> } | { kind: 'status'; to: ArticleStatus };

/**
 * Applies an edit or a status change if the article is still at `expectedVersion` (optimistic
 * concurrency: two agents editing at once never silently overwrite each other). Returns the new row,
 * 'stale' when someone changed it first, or undefined when there is no such article.
 */
export async function changeArticle(db: Db, id: string, expectedVersion: number | undefined, change: ArticleChange, actor: ArticleActor): Promise<ArticleRow | 'stale' | undefined> {
  return db.transaction(async (tx) => {
    const [current] = await tx.select().from(kbArticles).where(eq(kbArticles.id, id)).for('update');
    if (!current) return undefined;
    if (expectedVersion !== undefined && current.version !== expectedVersion) return 'stale';
    const now = new Date();
    const set = change.kind === 'edit' ? { ...change.fields } : { status: change.to, ...(change.to === 'published' ? { publishedAt: now } : {}) };
    const [row] = await tx
      .update(kbArticles)
      .set({ ...set, version: current.version + 1, updatedAt: now })
      .where(eq(kbArticles.id, id))
      .returning();
    const action = change.kind === 'edit' ? 'kb_article_edited' : `kb_article_${change.to}`;
    await appendAudit(tx, { at: now, actor: actor.subject, role: actor.role, action, data: { articleId: id, version: row!.version, ...(change.kind === 'edit' ? { fields: Object.keys(change.fields) } : { from: current.status }) } });
    return row;
  });
}

export interface ArticleFilters {
  status?: ArticleStatus;
  language?: string;
  category?: string;
  sample?: boolean;
}

/** Newest first, keyset-paginated on (updated_at, id). */
export async function listArticles(db: Db, f: ArticleFilters, limit: number, after?: { updatedAt: Date; id: string }): Promise<ArticleRow[]> {
  const where: SQL[] = [];
  if (f.status) where.push(eq(kbArticles.status, f.status));
  if (f.language) where.push(eq(kbArticles.language, f.language));
  if (f.category) where.push(eq(kbArticles.category, f.category));
  if (f.sample !== undefined) where.push(eq(kbArticles.sample, f.sample));
  if (after) where.push(or(lt(kbArticles.updatedAt, after.updatedAt), and(eq(kbArticles.updatedAt, after.updatedAt), lt(kbArticles.id, after.id)))!);
  return db
    .select()
    .from(kbArticles)
    .where(where.length ? and(...where) : undefined)
    .orderBy(desc(kbArticles.updatedAt), desc(kbArticles.id))
    .limit(limit);
}

/** Articles that a new draft must not repeat: everything but the rejected and retired. */
export const liveArticles = (db: Db): Promise<ArticleRow[]> => db.select().from(kbArticles).where(notInArray(kbArticles.status, ['rejected', 'retired']));

export const publishedArticles = (db: Db): Promise<ArticleRow[]> => db.select().from(kbArticles).where(eq(kbArticles.status, 'published'));

/** Changes whenever any article does: a search index compares it to know it must rebuild. */
export async function articlesStamp(db: Db): Promise<string> {
  const [r] = await db.select({ n: count(), latest: max(kbArticles.updatedAt) }).from(kbArticles);
  return `${r?.n ?? 0}:${r?.latest ? new Date(r.latest).getTime() : 0}`;
}

/** tsquery text OR-ing the terms, each quoted so no character of a complaint can change the query. */
export function anyTermQuery(terms: readonly string[]): string {
  return terms.map((t) => `'${t.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`).join(' | ');
}

export interface SimilarRow {
  id: string;
  status: string;
  category: string | null;
  resolution: string | null;
  surveyScore: number | null;
  createdAt: Date;
  closedAt: Date | null;
  score: number;
}

/** How many recent candidates sharing a term are scored: bounds the cost when a term is common. */
const CANDIDATES = 2000;

/**
 * Past complaints (resolved or closed, not erased) sharing the most distinctive terms, scored by the
 * cosine of the two term sets. GIN finds candidates sharing any query term; the most recent are scored.
 */
export async function similarComplaints(db: Db, opts: { excludeId?: string; queryTerms: string[]; terms: string[]; limit: number; withResolution?: boolean }): Promise<SimilarRow[]> {
  if (opts.queryTerms.length === 0 || opts.terms.length === 0) return [];
  const q = anyTermQuery(opts.queryTerms);
  // One JSON parameter: drizzle would spread a JS array into a row of parameters.
  const mine = sql`(select jsonb_array_elements_text(${JSON.stringify(opts.terms)}::jsonb))`;
  const candidates = db
    .select({ id: complaints.id, terms: complaints.searchTerms })
    .from(complaints)
    .where(
      and(
        sql`array_to_tsvector(${complaints.searchTerms}) @@ ${q}::tsquery`,
        inArray(complaints.status, ['resolved', 'closed']),
        isNull(complaints.erasedAt),
        opts.excludeId ? ne(complaints.id, opts.excludeId) : undefined,
        opts.withResolution ? sql`${complaints.resolution} is not null` : undefined,
      ),
    )
    .orderBy(desc(complaints.createdAt))
    .limit(CANDIDATES)
    .as('candidates');
  const score = sql<number>`(select count(*) from unnest(${candidates.terms}) t where t in ${mine})::float8 / sqrt(greatest(cardinality(${candidates.terms}), 1) * ${opts.terms.length}::float8)`.as('score');
  const rows = await db
    .select({ id: complaints.id, status: complaints.status, category: complaints.category, resolution: complaints.resolution, surveyScore: complaints.surveyScore, createdAt: complaints.createdAt, closedAt: complaints.closedAt, score })
    .from(candidates)
    .innerJoin(complaints, eq(complaints.id, candidates.id))
    .orderBy(sql`score desc`, desc(complaints.createdAt))
    .limit(opts.limit);
  return rows.map((r) => ({ ...r, score: Math.round(Number(r.score) * 1000) / 1000 }));
}

/** The resolution texts of the given complaints, read fresh (an erased one reads as redacted). */
export async function resolutionsOf(db: Db, ids: string[]): Promise<Map<string, { resolution: string | null; surveyScore: number | null }>> {
  if (ids.length === 0) return new Map();
  const rows = await db.select({ id: complaints.id, resolution: complaints.resolution, surveyScore: complaints.surveyScore }).from(complaints).where(inArray(complaints.id, ids));
  return new Map(rows.map((r) => [r.id, { resolution: r.resolution, surveyScore: r.surveyScore }]));
}
