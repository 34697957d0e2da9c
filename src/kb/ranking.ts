import { searchTerms } from './terms';

/** A document to rank: its title counts more than its body (an FAQ's title is the question itself). */
export interface RankDoc {
  id: string;
  title: string;
  body: string;
}

export interface Hit {
  id: string;
  score: number;
}

export interface Ranker {
  search(query: string, limit: number, accept?: (id: string) => boolean): Hit[];
}

interface Posting {
  doc: number;
  tf: number;
}

/** Term counts of a document, with the title's terms counted `titleWeight` times. */
function docTerms(d: RankDoc, titleWeight: number): Map<string, number> {
  const counts = new Map<string, number>();
  for (const t of searchTerms(d.title)) counts.set(t, (counts.get(t) ?? 0) + titleWeight);
  for (const t of searchTerms(d.body)) counts.set(t, (counts.get(t) ?? 0) + 1);
  return counts;
}

function topHits(scores: Float64Array, ids: readonly string[], limit: number, accept?: (id: string) => boolean): Hit[] {
  const hits: Hit[] = [];
  for (let i = 0; i < scores.length; i++) if (scores[i]! > 0 && (!accept || accept(ids[i]!))) hits.push({ id: ids[i]!, score: scores[i]! });
  hits.sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : 1));
  return hits.slice(0, limit);
}

export interface Bm25Options {
  k1?: number;
  b?: number;
  titleWeight?: number;
}

/**
 * Okapi BM25 over an inverted index in memory. A knowledge base is thousands of articles, not millions,
 * so rebuilding on change costs milliseconds and keeps Chinese and English on one tokenizer of ours.
 */
export class Bm25Index implements Ranker {
  private readonly postings = new Map<string, Posting[]>();
  private readonly lengths: Float64Array;
  private readonly avgLength: number;
  private readonly ids: string[];
  private readonly k1: number;
  private readonly b: number;

  constructor(docs: readonly RankDoc[], opts: Bm25Options = {}) {
    this.k1 = opts.k1 ?? 1.2;
    this.b = opts.b ?? 0.75;
    this.ids = docs.map((d) => d.id);
    this.lengths = new Float64Array(docs.length);
    docs.forEach((d, i) => {
      for (const [term, tf] of docTerms(d, opts.titleWeight ?? 3)) {
        let list = this.postings.get(term);
        if (!list) this.postings.set(term, (list = []));
        list.push({ doc: i, tf });
        this.lengths[i]! += tf;
      }
    });
    this.avgLength = docs.length ? this.lengths.reduce((a, b) => a + b, 0) / docs.length : 1;
  }

  get size(): number {
    return this.ids.length;
  }

  search(query: string, limit: number, accept?: (id: string) => boolean): Hit[] {
    const n = this.ids.length;
    const scores = new Float64Array(n);
    for (const term of new Set(searchTerms(query))) {
      const list = this.postings.get(term);
      if (!list) continue;
      const idf = Math.log(1 + (n - list.length + 0.5) / (list.length + 0.5));
      for (const { doc, tf } of list) {
        const norm = this.k1 * (1 - this.b + (this.b * this.lengths[doc]!) / this.avgLength);
        scores[doc]! += (idf * tf * (this.k1 + 1)) / (tf + norm);
      }
    }
    return topHits(scores, this.ids, limit, accept);
  }
}

/**
 * TF-IDF vectors compared by cosine: the measured alternative to BM25 for search, and the similarity
 * used to tell whether a new draft repeats an article (a bounded 0..1 score a threshold can mean).
 */
export class TfidfIndex implements Ranker {
  private readonly df = new Map<string, number>();
  private readonly vectors: Map<string, number>[];
  private readonly ids: string[];

  constructor(docs: readonly RankDoc[], private readonly titleWeight = 3) {
    this.ids = docs.map((d) => d.id);
    const counts = docs.map((d) => docTerms(d, titleWeight));
    for (const c of counts) for (const t of c.keys()) this.df.set(t, (this.df.get(t) ?? 0) + 1);
    this.vectors = counts.map((c) => this.weigh(c));
  }

  private idf(term: string): number {
    return Math.log((1 + this.ids.length) / (1 + (this.df.get(term) ?? 0))) + 1;
  }

  /** Sublinear tf × idf, L2-normalised. */
  private weigh(counts: Map<string, number>): Map<string, number> {
    const v = new Map<string, number>();
    let norm = 0;
    for (const [t, tf] of counts) {
      const w = (1 + Math.log(tf)) * this.idf(t);
      v.set(t, w);
      norm += w * w;
    }
    norm = Math.sqrt(norm) || 1;
    for (const [t, w] of v) v.set(t, w / norm);
    return v;
  }

  vectorOf(doc: RankDoc): Map<string, number> {
    return this.weigh(docTerms(doc, this.titleWeight));
  }

  search(query: string, limit: number, accept?: (id: string) => boolean): Hit[] {
    const q = this.vectorOf({ id: '', title: '', body: query });
    const scores = new Float64Array(this.ids.length);
    this.vectors.forEach((v, i) => (scores[i] = cosine(q, v)));
    return topHits(scores, this.ids, limit, accept);
  }

  /** The indexed documents most like `doc` (itself excluded), with cosine similarity 0..1. */
  nearest(doc: RankDoc, limit: number): Hit[] {
    const q = this.vectorOf(doc);
    const scores = new Float64Array(this.ids.length);
    this.vectors.forEach((v, i) => (scores[i] = cosine(q, v)));
    return topHits(scores, this.ids, limit, (id) => id !== doc.id);
  }
}

export function cosine(a: Map<string, number>, b: Map<string, number>): number {
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  let dot = 0;
  for (const [t, w] of small) dot += w * (large.get(t) ?? 0);
  return dot;
}
