/**
 * Chooses the few-shot settings on VALIDATION rows only: shots are drawn from <task>-fit.csv and
 * scored on (a seeded sample of at most 2,000 rows of) <task>-val.csv, both carved from the
 * training split by scripts/fewshot-data.ts. Prints one line per task and setting.
 *
 *   npx tsx scripts/fewshot-tune.ts --dir /tmp/fewshot [--shots 10] [--seeds 3]
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { useModelFiles } from '../src/embedded/use-model';
import { labelledRowsFromCsv } from '../src/nlp/csv';
import { cachingEmbedder, loadEmbedder } from '../src/nlp/embedding';
import { evaluateFewShot, type FewShotOptions } from '../src/nlp/fewshot';
import { createRng, shuffleInPlace } from '../src/nlp/prng';

const { values } = parseArgs({
  options: { dir: { type: 'string', default: '/tmp/fewshot' }, shots: { type: 'string', default: '10' }, seeds: { type: 'string', default: '3' }, only: { type: 'string' }, configs: { type: 'string' } },
});
const CONFIGS: Record<string, FewShotOptions> = {
  'lr-use': { denseModel: 'logistic', embeddingWeight: 1, calibrationFolds: 0 },
  'ridge-names3-mix0.5-cal5': { denseModel: 'ridge', embeddingWeight: 0.5, labelTexts: {}, calibrationFolds: 5 },
  'ridge-a0.3': { denseModel: 'ridge', embeddingWeight: 1, ridgeAlpha: 0.3, calibrationFolds: 0 },
  'ridge-a1': { denseModel: 'ridge', embeddingWeight: 1, ridgeAlpha: 1, calibrationFolds: 0 },
  'ridge-a3': { denseModel: 'ridge', embeddingWeight: 1, ridgeAlpha: 3, calibrationFolds: 0 },
  'ridge-a1-mix0.5': { denseModel: 'ridge', embeddingWeight: 0.5, ridgeAlpha: 1, calibrationFolds: 0 },
  'ridge-a1-mix0.7': { denseModel: 'ridge', embeddingWeight: 0.7, ridgeAlpha: 1, calibrationFolds: 0 },
  'ridge-a1-mix0.85': { denseModel: 'ridge', embeddingWeight: 0.85, ridgeAlpha: 1, calibrationFolds: 0 },
  'ridge-a1-s5-mix0.7': { denseModel: 'ridge', embeddingWeight: 0.7, ridgeAlpha: 1, ridgeScale: 5, calibrationFolds: 0 },
  'ridge-a1-s20-mix0.7': { denseModel: 'ridge', embeddingWeight: 0.7, ridgeAlpha: 1, ridgeScale: 20, calibrationFolds: 0 },
  'ridge-a1-names': { denseModel: 'ridge', embeddingWeight: 1, ridgeAlpha: 1, calibrationFolds: 0, labelTexts: {} },
  // Second round (issue #19): logistic regression, C = 10, 60 steps, label names weight 3, mixed with TF-IDF.
  'ridge-names3-mix0.5': { denseModel: 'ridge', embeddingWeight: 0.5, calibrationFolds: 0, labelTexts: {} },
  'lr-names3-only': { denseModel: 'logistic', embeddingWeight: 1, calibrationFolds: 0, labelTexts: {} },
  'lr-names3-mix0.5': { denseModel: 'logistic', embeddingWeight: 0.5, calibrationFolds: 0, labelTexts: {} },
  'lr-names3-mix0.6': { denseModel: 'logistic', embeddingWeight: 0.6, calibrationFolds: 0, labelTexts: {} },
  'lr-names3-mix0.7': { denseModel: 'logistic', embeddingWeight: 0.7, calibrationFolds: 0, labelTexts: {} },
  'lr-names3-mix0.8': { denseModel: 'logistic', embeddingWeight: 0.8, calibrationFolds: 0, labelTexts: {} },
  'lr3-names3-mix0.5': { denseModel: 'logistic', C: 3, embeddingWeight: 0.5, calibrationFolds: 0, labelTexts: {} },
  'lr30-names3-mix0.5': { denseModel: 'logistic', C: 30, embeddingWeight: 0.5, calibrationFolds: 0, labelTexts: {} },
  // The defaults (FEWSHOT_DEFAULTS: logistic C 10, names weight 3, mix 0.5), calibrated by 3 warm-started folds.
  chosen: { labelTexts: {} },
  'chosen-uncalibrated': { labelTexts: {}, calibrationFolds: 0 },
  'names-mix0.5': { denseModel: 'ridge', embeddingWeight: 0.5, calibrationFolds: 0, labelTexts: {}, labelTextWeight: 1 },
  'names-mix0.35': { denseModel: 'ridge', embeddingWeight: 0.35, calibrationFolds: 0, labelTexts: {}, labelTextWeight: 1 },
  'names3-mix0.5': { denseModel: 'ridge', embeddingWeight: 0.5, calibrationFolds: 0, labelTexts: {}, labelTextWeight: 3 },
  'names-mix0.5-s5': { denseModel: 'ridge', embeddingWeight: 0.5, ridgeScale: 5, calibrationFolds: 0, labelTexts: {}, labelTextWeight: 1 },
  'names-mix0.5-s20': { denseModel: 'ridge', embeddingWeight: 0.5, ridgeScale: 20, calibrationFolds: 0, labelTexts: {}, labelTextWeight: 1 },
  'names-mix0.5-a3': { denseModel: 'ridge', embeddingWeight: 0.5, ridgeAlpha: 3, calibrationFolds: 0, labelTexts: {}, labelTextWeight: 1 },
};
const tasks = ['banking77', 'shopping-zh', 'airline-reasons'].filter((t) => !values.only || values.only.split(',').includes(t));
const configs = values.configs ? values.configs.split(',') : Object.keys(CONFIGS);
const embedder = cachingEmbedder(await loadEmbedder(useModelFiles(process.cwd())));
for (const task of tasks) {
  const read = (part: string) => labelledRowsFromCsv(readFileSync(join(values.dir, `${task}-${part}.csv`), 'utf8'), 'text', 'label');
  const fit = read('fit');
  const val = shuffleInPlace(read('val'), createRng(5)).slice(0, 2000);
  for (const name of configs) {
    const options = { ...CONFIGS[name]! };
    if (options.labelTexts) {
      // Label names as extra examples: "card_arrival" → "card arrival".
      options.labelTexts = Object.fromEntries([...new Set(fit.map((r) => r.label))].map((l) => [l, [l.replaceAll('_', ' ')]]));
    }
    const started = performance.now();
    const r = await evaluateFewShot(fit, val, embedder, { shots: Number(values.shots), seeds: Number(values.seeds), options, labelNames: false });
    console.log(`${task.padEnd(16)} ${name.padEnd(12)} val accuracy ${r.accuracy.toFixed(4)} macro-F1 ${r.macroF1.toFixed(4)} ECE ${r.ece.toFixed(4)} (${((performance.now() - started) / 1000).toFixed(0)} s)`);
  }
}
await embedder.release();
