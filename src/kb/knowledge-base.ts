import { randomBytes } from 'node:crypto';
import type { Db } from '../db/client';
import { articlesStamp, createArticle, liveArticles, publishedArticles, similarComplaints, type SimilarRow } from '../db/queries/kb';
import type { ArticleRow, Suggestion } from '../db/schema';
import { Bm25Index, TfidfIndex, type RankDoc } from './ranking';
import { searchTerms } from './terms';

export interface ArticleHit {
  article: ArticleRow;
  score: number;
}

/** A draft this close (TF-IDF cosine) to a live article repeats it, and is not made. */
export const DUPLICATE_SIMILARITY = 0.5;
/** A suggested article scores at least this share of the best one. */
const RELATIVE_CUTOFF = 0.2;
/** Terms kept per complaint for similarity: enough for a long narrative, bounded for the index. */
const MAX_TERMS = 256;
/** The most distinctive terms a similar-complaint lookup asks the index for. */
const QUERY_TERMS = 24;

const asDoc = (a: Pick<ArticleRow, 'id' | 'title' | 'body' | 'tags'>): RankDoc => ({ id: a.id, title: a.title, body: `${a.body}\n${a.tags.join(' ')}` });

export const newArticleId = (): string => `kb${randomBytes(8).toString('hex')}`;

/** A complaint's search terms, each once, the first MAX_TERMS in reading order. */
export function complaintTerms(text: string): string[] {
  return [...new Set(searchTerms(text))].slice(0, MAX_TERMS);
}

/** Query terms for similar complaints: the complaint's keywords first (distinctive), then its own terms. */
export function similarityQuery(keywords: readonly string[], terms: readonly string[]): string[] {
  return [...new Set([...searchTerms(keywords.join(' ')), ...terms])].slice(0, QUERY_TERMS);
}

/**
 * Search over the published articles with BM25 (chosen over TF-IDF cosine by `npm run kb:eval`),
 * rebuilt in memory whenever the articles change. Each process (API, worker) keeps its own index and
 * checks a one-row stamp before searching, so an article published anywhere is found everywhere.
 */
export class KnowledgeBase {
  private cache?: { stamp: string; index: Bm25Index; byId: Map<string, ArticleRow> };
  private building?: Promise<NonNullable<KnowledgeBase['cache']>>;

  constructor(private readonly db: Db) {}

  private async current(): Promise<NonNullable<KnowledgeBase['cache']>> {
    const stamp = await articlesStamp(this.db);
    if (this.cache?.stamp === stamp) return this.cache;
    this.building ??= (async () => {
      const rows = await publishedArticles(this.db);
      const built = { stamp, index: new Bm25Index(rows.map(asDoc)), byId: new Map(rows.map((r) => [r.id, r])) };
      this.cache = built;
      return built;
    })().finally(() => (this.building = undefined));
    return this.building;
  }

  /** Published articles for a query, best first; `language` and `category` narrow them. */
  async search(query: string, opts: { language?: string; category?: string; limit: number }): Promise<ArticleHit[]> {
    const { index, byId } = await this.current();
    const accept = (id: string) => {
      const a = byId.get(id)!;
      return (!opts.language || a.language === opts.language) && (!opts.category || a.category === opts.category);
    };
    return index.search(query, opts.limit, accept).map((h) => ({ article: byId.get(h.id)!, score: Math.round(h.score * 1000) / 1000 }));
  }

  /**
   * What triage pushes to the handler: up to three best articles in the complaint's language (any language
   * when it has none there) scoring at least a fifth of the best, and how the two most similar past
   * complaints were resolved.
   */
  async suggest(c: { id: string; text: string; language?: string; keywords: readonly string[]; terms: string[] }): Promise<Suggestion[]> {
    const language = c.language === 'en' || c.language === 'zh' ? c.language : undefined;
    let hits = await this.search(c.text, { language, limit: 3 });
    if (hits.length === 0 && language) hits = await this.search(c.text, { limit: 3 });
    // An article far below the best matched on a word or two in passing: it would only cost a handler's time.
    hits = hits.filter((h) => h.score >= RELATIVE_CUTOFF * hits[0]!.score);
    const past = await this.similar(c.id, c.keywords, c.terms, 2, true);
    return [
      ...hits.map((h): Suggestion => ({ kind: 'article', articleId: h.article.id, title: h.article.title, score: h.score })),
      ...past.map((p): Suggestion => ({ kind: 'resolution', complaintId: p.id, score: p.score })),
    ];
  }

  /** The most similar past complaints (resolved or closed), with their outcomes. */
  similar(excludeId: string | undefined, keywords: readonly string[], terms: string[], limit: number, withResolution = false): Promise<SimilarRow[]> {
    return similarComplaints(this.db, { excludeId, queryTerms: similarityQuery(keywords, terms), terms, limit, withResolution });
  }

  /**
   * Learns from a well-rated resolution: a draft article for an agent to review, unless a live article
   * already says the same (then it names that one). Idempotent per complaint.
   */
  async draftFromResolution(c: { complaintId: string; title: string; problem: string; resolution: string; language: string; category: string | null }): Promise<{ created: boolean; articleId?: string; duplicateOf?: string; similarity?: number }> {
    // The draft joins the index only so its terms count in the IDF; nearest() never returns itself.
    const draft = { id: '\u0000draft', title: c.title, body: `${c.problem}\n\n${c.resolution}`, tags: [] };
    const live = await liveArticles(this.db);
    const own = live.find((a) => a.sourceComplaintId === c.complaintId);
    if (own) return { created: false, articleId: own.id };
    if (live.length > 0) {
      const [nearest] = new TfidfIndex([...live.map(asDoc), asDoc(draft)]).nearest(asDoc(draft), 1);
      if (nearest && nearest.score >= DUPLICATE_SIMILARITY) return { created: false, duplicateOf: nearest.id, similarity: Math.round(nearest.score * 1000) / 1000 };
    }
    const id = newArticleId();
    const body = `Problem\n${c.problem}\n\nWhat resolved it\n${c.resolution}`;
    const row = await createArticle(this.db, id, { title: c.title, body, language: c.language, category: c.category, tags: ['learnt'] }, { subject: 'kb-learning', role: 'system' }, { sourceComplaintId: c.complaintId });
    return row ? { created: true, articleId: id } : { created: false };
  }
}
