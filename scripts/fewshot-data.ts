/**
 * Writes the few-shot CSVs of the three shared tasks into a directory, with the same train /
 * held-out split as `npm run train:all` (stratifiedSplit, seed 42, 20 % held out):
 *   <task>-train.csv, <task>-test.csv       the training part and the held-out part
 *   <task>-fit.csv,   <task>-val.csv        the training part split again (seed 7, 20 %) for choosing settings
 *
 *   npx tsx scripts/fewshot-data.ts --data ../shared/data --out /tmp/fewshot
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { SHIPPED_HOLDOUT, SHIPPED_SEED } from '../src/nlp/catalog';
import { labelledRowsFromCsv, type LabelledText } from '../src/nlp/csv';
import { stratifiedSplit } from '../src/nlp/split';

export const FEWSHOT_TASKS = [
  { name: 'banking77', file: 'banking77_intents_en.csv', text: 'text', label: 'category' },
  { name: 'shopping-zh', file: 'shopping_reviews_zh.csv', text: 'review', label: 'cat' },
  { name: 'airline-reasons', file: 'airline_tweets_en.csv', text: 'text', label: 'negativereason' },
];

const { values } = parseArgs({ options: { data: { type: 'string', default: '../shared/data' }, out: { type: 'string', default: '/tmp/fewshot' } } });
mkdirSync(values.out, { recursive: true });
const csv = (rows: LabelledText[]) => `text,label\n${rows.map((r) => `"${r.text.replaceAll('"', '""')}","${r.label.replaceAll('"', '""')}"`).join('\n')}\n`;
for (const t of FEWSHOT_TASKS) {
  const rows = labelledRowsFromCsv(readFileSync(join(values.data, t.file), 'utf8'), t.text, t.label);
  const outer = stratifiedSplit(rows, SHIPPED_HOLDOUT, SHIPPED_SEED);
  const train = outer.train.map((i) => rows[i]!);
  const inner = stratifiedSplit(train, 0.2, 7);
  const files: [string, LabelledText[]][] = [
    ['train', train],
    ['test', outer.test.map((i) => rows[i]!)],
    ['fit', inner.train.map((i) => train[i]!)],
    ['val', inner.test.map((i) => train[i]!)],
  ];
  for (const [part, list] of files) writeFileSync(join(values.out, `${t.name}-${part}.csv`), csv(list));
  console.log(`${t.name}: ${files.map(([p, l]) => `${p} ${l.length}`).join(', ')}`);
}
