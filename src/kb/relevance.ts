import type { LabelledText } from '../nlp/csv';
import { createRng, shuffleInPlace } from '../nlp/prng';
import type { RankDoc, Ranker } from './ranking';

/** A labelled relevance set: articles, and queries each with the one article that answers it. */
export interface RelevanceSet {
  name: string;
  articles: RankDoc[];
  queries: { text: string; articleId: string }[];
}

export interface RelevanceFigures {
  queries: number;
  articles: number;
  mrrAt10: number;
  recallAt1: number;
  recallAt3: number;
  recallAt10: number;
}

/** "card_arrival" → "Card arrival". */
const titleOf = (label: string): string => label.replace(/[_-]+/g, ' ').replace(/^./, (c) => c.toUpperCase());

/**
 * One article per label, written from a share of its texts (the questions the article answers, as an
 * FAQ lists them); the label's other texts are the queries. `phrasings` caps how many texts an article
 * gets, to measure a sparse knowledge base as well as a rich one.
 */
export function relevanceSetFromLabels(name: string, rows: readonly LabelledText[], opts: { seed: number; querySharePerLabel: number; phrasings?: number; queriesPerLabel?: number }): RelevanceSet {
  const byLabel = new Map<string, string[]>();
  for (const r of rows) (byLabel.get(r.label) ?? byLabel.set(r.label, []).get(r.label)!).push(r.text);
  const rng = createRng(opts.seed);
  const set: RelevanceSet = { name, articles: [], queries: [] };
  for (const label of [...byLabel.keys()].sort()) {
    const texts = shuffleInPlace([...byLabel.get(label)!], rng);
    const cut = Math.max(1, Math.round(texts.length * opts.querySharePerLabel));
    const queries = texts.slice(0, Math.min(cut, opts.queriesPerLabel ?? cut));
    const answers = texts.slice(cut, opts.phrasings ? cut + opts.phrasings : undefined);
    set.articles.push({ id: label, title: titleOf(label), body: answers.join('\n') });
    for (const q of queries) set.queries.push({ text: q, articleId: label });
  }
  return set;
}

/** Mean reciprocal rank within the top 10, and recall at 1, 3 and 10. */
export function measureRelevance(ranker: Ranker, set: RelevanceSet): RelevanceFigures {
  let rr = 0;
  const hitsAt = { 1: 0, 3: 0, 10: 0 };
  for (const q of set.queries) {
    const rank = ranker.search(q.text, 10).findIndex((h) => h.id === q.articleId) + 1;
    if (rank === 0) continue;
    rr += 1 / rank;
    if (rank <= 1) hitsAt[1]++;
    if (rank <= 3) hitsAt[3]++;
    hitsAt[10]++;
  }
  const n = set.queries.length || 1;
  const r4 = (x: number) => Math.round(x * 10_000) / 10_000;
  return { queries: set.queries.length, articles: set.articles.length, mrrAt10: r4(rr / n), recallAt1: r4(hitsAt[1] / n), recallAt3: r4(hitsAt[3] / n), recallAt10: r4(hitsAt[10] / n) };
}
