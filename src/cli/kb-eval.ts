/**
 * Measures knowledge-base search on labelled relevance sets built from the shared data:
 *
 *   npm run kb:eval [-- --data ../shared/data] [--json]
 *
 * banking77: each of the 77 intents becomes an article written from 80% of its questions; the other
 * 20% are the queries (rich: every phrasing; sparse: 5 phrasings per article, like a short FAQ).
 * Chinese: each product line's negative reviews make an article; held-out reviews are the queries.
 * BM25 and TF-IDF cosine are measured side by side: the service uses the better (BM25).
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { labelledRowsFromCsv } from '../nlp/csv';
import { Bm25Index, TfidfIndex, type Ranker } from '../kb/ranking';
import { measureRelevance, relevanceSetFromLabels, type RelevanceSet } from '../kb/relevance';

const TARGET_RECALL_AT_3 = 0.85;

function sets(dataDir: string): RelevanceSet[] {
  const read = (file: string) => readFileSync(path.join(dataDir, file), 'utf8');
  const banking = labelledRowsFromCsv(read('banking77_intents_en.csv'), 'text', 'category');
  const shopping = labelledRowsFromCsv(read('shopping_reviews_zh.csv'), 'review', 'cat');
  const negative = new Set(labelledRowsFromCsv(read('shopping_reviews_zh.csv'), 'review', 'label').filter((r) => r.label === '0').map((r) => r.text));
  return [
    relevanceSetFromLabels('banking77 (en), rich articles', banking, { seed: 42, querySharePerLabel: 0.2 }),
    relevanceSetFromLabels('banking77 (en), sparse articles (5 phrasings)', banking, { seed: 42, querySharePerLabel: 0.2, phrasings: 5 }),
    relevanceSetFromLabels('shopping reviews (zh), 10 product lines', shopping.filter((r) => negative.has(r.text)), { seed: 42, querySharePerLabel: 0.2, phrasings: 200, queriesPerLabel: 100 }),
  ];
}

function main(): void {
  const { values } = parseArgs({ options: { data: { type: 'string', default: '../shared/data' }, json: { type: 'boolean', default: false } } });
  if (!existsSync(path.join(values.data, 'banking77_intents_en.csv'))) {
    process.stderr.write(`kb:eval: no labelled data in ${values.data} (pass --data <dir with banking77_intents_en.csv>)\n`);
    process.exit(2);
  }
  const rankers: [string, (s: RelevanceSet) => Ranker][] = [
    ['BM25', (s) => new Bm25Index(s.articles)],
    ['TF-IDF cosine', (s) => new TfidfIndex(s.articles)],
  ];
  const results = sets(values.data).flatMap((set) => rankers.map(([name, build]) => ({ set: set.name, ranker: name, ...measureRelevance(build(set), set) })));
  if (values.json) {
    process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
  } else {
    process.stdout.write('| set | ranker | queries | MRR@10 | recall@1 | recall@3 | recall@10 |\n| --- | --- | --- | --- | --- | --- | --- |\n');
    for (const r of results) process.stdout.write(`| ${r.set} | ${r.ranker} | ${r.queries} | ${r.mrrAt10.toFixed(3)} | ${r.recallAt1.toFixed(3)} | ${r.recallAt3.toFixed(3)} | ${r.recallAt10.toFixed(3)} |\n`);
  }
  const main = results.find((r) => r.ranker === 'BM25')!;
  process.stderr.write(`target: BM25 recall@3 on "${main.set}" ≥ ${TARGET_RECALL_AT_3}: ${main.recallAt3.toFixed(3)} ${main.recallAt3 >= TARGET_RECALL_AT_3 ? 'met' : 'NOT met'}\n`);
  process.exit(main.recallAt3 >= TARGET_RECALL_AT_3 ? 0 : 1);
}

main();
