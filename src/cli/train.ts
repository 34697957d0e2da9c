/**
 * Trains a text classifier from a CSV and prints its figures on a seeded, stratified held-out split.
 *
 *   npm run train -- --input <csv> --text <col> --label <col> --out <model.json>
 *                    [--seed 42] [--holdout 0.2] [--lang en|zh] [--lexicon] [--epochs N] [--min-df N]
 *                    [--loss log|squared-hinge] [--dense] [--from-db [--task category]]
 *   npm run train -- --recipe <shipped model name> --input <csv> --out <model.json>
 *
 * --dense adds a head over each text's sentence vector (the multilingual Universal Sentence Encoder,
 * which embeds every row first), blended with the n-gram model; its settings and its share of the blend
 * are chosen on the validation split. --recipe trains exactly as `npm run train:all` does for one of the
 * shipped models (src/nlp/catalog.ts): its columns, features, settings and dense head.
 *
 * --from-db adds the labelled examples people made in the service (supervisors' category corrections,
 * table training_examples) to the CSV's rows, or trains on them alone without --input. Their labels
 * are the service's own categories, so a model trained on them answers in those categories directly.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import cliProgress from 'cli-progress';
import { labelledRowsFromCsv } from '../nlp/csv';
import { MODEL_RECIPES, SHIPPED_HOLDOUT, SHIPPED_SEED, DEFAULT_DENSE } from '../nlp/catalog';
import { SENTENCE_ENCODER } from '../nlp/classifier';
import type { FeatureSpec } from '../nlp/features';
import { columnSentenceVectors, sentenceVectors } from '../nlp/sentence-vectors';
import { detectLanguage } from '../nlp/language';
import type { LinearLoss } from '../nlp/linear';
import { useModelFiles } from '../embedded/use-model';
import { loadEmbedder } from '../nlp/embedding';
import { trainFewShot } from '../nlp/fewshot';
import { evaluate, formatEvaluation } from '../nlp/metrics';
import { stratifiedSplit } from '../nlp/split';
import { modelToJson } from '../nlp/model-io';
import { trainTextClassifier, type TrainOptions } from '../nlp/train';
import { examplesFromDatabase } from './training-examples';

const USAGE =
  'usage: npm run train -- (--input <csv> --text <column> --label <column> | --from-db) [--from-db] --out <model.json> [--fewshot] [--dense] [--task category] [--seed 42] [--holdout 0.2] [--lang en|zh] [--lexicon] [--epochs 15] [--min-df 2] [--loss log|squared-hinge]\n       npm run train -- --recipe <' +
  MODEL_RECIPES.map((r) => r.name).join('|') +
  '> --input <csv> --out <model.json>';

function fail(message: string): never {
  process.stderr.write(`train: ${message}\n${USAGE}\n`);
  process.exit(2);
}

function numberFlag(name: string, raw: string, min: number, max: number): number {
  const n = Number(raw);
  if (!Number.isFinite(n) || n < min || n > max) fail(`--${name} must be a number in [${min}, ${max}], got "${raw}"`);
  return n;
}

async function main(): Promise<void> {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        input: { type: 'string' },
        text: { type: 'string' },
        label: { type: 'string' },
        out: { type: 'string' },
        seed: { type: 'string', default: '42' },
        holdout: { type: 'string', default: '0.2' },
        lang: { type: 'string' },
        lexicon: { type: 'boolean', default: false },
        epochs: { type: 'string', default: '15' },
        'min-df': { type: 'string', default: '2' },
        loss: { type: 'string', default: 'log' },
        'from-db': { type: 'boolean', default: false },
        task: { type: 'string', default: 'category' },
        fewshot: { type: 'boolean', default: false },
        dense: { type: 'boolean', default: false },
        recipe: { type: 'string' },
      },
    }));
  } catch (err) {
    fail((err as Error).message);
  }
  const recipe = values.recipe === undefined ? undefined : MODEL_RECIPES.find((r) => r.name === values.recipe);
  if (values.recipe !== undefined && !recipe) fail(`unknown --recipe ${values.recipe}; known: ${MODEL_RECIPES.map((r) => r.name).join(', ')}`);
  if (recipe) {
    values.text ??= recipe.textColumn;
    values.label ??= recipe.labelColumn;
    if (values['from-db']) fail('--recipe trains a shipped model from its CSV; it does not take --from-db');
  }
  const fromDb = values['from-db'] === true;
  for (const required of fromDb && !values.input ? (['out'] as const) : (['input', 'text', 'label', 'out'] as const)) if (!values[required]) fail(`--${required} is required`);
  const seed = numberFlag('seed', values.seed, 0, 2 ** 32 - 1);
  const holdout = numberFlag('holdout', values.holdout, 0, 0.9);
  const epochs = numberFlag('epochs', values.epochs, 1, 200);
  const minDf = numberFlag('min-df', values['min-df'], 1, 1000);
  if (values.lang && values.lang !== 'en' && values.lang !== 'zh') fail(`--lang must be en or zh, got "${values.lang}"`);
  if (values.loss !== 'log' && values.loss !== 'squared-hinge') fail(`--loss must be log or squared-hinge, got "${values.loss}"`);
  const loss: LinearLoss = values.loss;
  // The squared hinge takes steps a tenth of the log loss's (measured on the shipped models' data).
  const steps = loss === 'log' ? [0.03, 0.1, 0.3] : [0.003, 0.01, 0.03];

  let rows: Array<{ text: string; label: string }> = [];
  let csv = '';
  if (values.input) {
    try {
      csv = await readFile(values.input, 'utf8');
    } catch {
      fail(`cannot read --input ${values.input}`);
    }
    try {
      rows = labelledRowsFromCsv(csv, values.text as string, values.label as string);
    } catch (err) {
      fail((err as Error).message);
    }
  }
  if (fromDb) {
    const extra = await examplesFromDatabase(values.task, values.lang as 'en' | 'zh' | undefined);
    process.stderr.write(`train: ${extra.length} labelled examples from the database (task ${values.task})\n`);
    rows = [...rows, ...extra];
  }
  if (values.fewshot) {
    if (rows.length < 2) fail(`only ${rows.length} labelled rows: too few to train`);
    await trainFewShotModel(rows, values.out as string, holdout, seed);
    return;
  }
  if (rows.length < 10) fail(`only ${rows.length} labelled rows in ${values.input}: too few to train`);
  // Without --lang, the language of most rows decides the tokeniser.
  const lang = (values.lang as 'en' | 'zh' | undefined) ?? (rows.slice(0, 500).filter((r) => detectLanguage(r.text) !== 'en').length > 250 ? 'zh' : 'en');
  const spec: FeatureSpec =
    lang === 'zh'
      ? { lang, hashBits: 20, wordNgrams: 2, charNgrams: [1, 3], lexicon: false }
      : { lang, hashBits: 20, wordNgrams: 2, charNgrams: [2, 4], lexicon: values.lexicon };

  const denseRecipe = recipe ? recipe.dense : values.dense ? DEFAULT_DENSE : undefined;
  let dense: TrainOptions['dense'];
  if (denseRecipe) {
    const embedder = await loadEmbedder(useModelFiles(process.cwd()));
    try {
      const t0 = performance.now();
      const progress = (done: number, total: number) => process.stderr.write(`\rembedding ${done}/${total}`);
      // A recipe embeds its column as train:all does, so both give the same bytes.
      const byText = recipe ? await columnSentenceVectors(embedder, csv, recipe.textColumn, progress) : undefined;
      const embeddings = byText ? rows.map((r) => byText.get(r.text)!) : await sentenceVectors(embedder, rows.map((r) => r.text), progress);
      process.stderr.write(` (${((performance.now() - t0) / 1000).toFixed(0)} s)\n`);
      dense = { encoder: SENTENCE_ENCODER, embeddings, ...denseRecipe };
    } finally {
      await embedder.release();
    }
  }

  const bar = new cliProgress.SingleBar({ format: 'training [{bar}] {percentage}% {phase}', stream: process.stderr }, cliProgress.Presets.shades_classic);
  bar.start(1, 0, { phase: '' });
  const result = trainTextClassifier(rows, {
    name: recipe?.name ?? basename(values.out as string, '.json'),
    ...(recipe
      ? { spec: recipe.spec, seed: SHIPPED_SEED, holdout: SHIPPED_HOLDOUT, minDf: recipe.minDf, epochs: recipe.epochs, grid: recipe.grid, loss: recipe.loss, average: recipe.average, classWeightPower: recipe.classWeightPower }
      : { spec, seed, holdout, minDf, epochs, grid: steps.map((learningRate) => ({ learningRate, l2: 1e-6 })), loss }),
    ...(dense ? { dense } : {}),
    textColumn: (values.text as string | undefined) ?? 'text',
    labelColumn: (values.label as string | undefined) ?? 'label',
    source: recipe ? basename(values.input as string) : [values.input ? basename(values.input) : undefined, fromDb ? `db:training_examples/${values.task}` : undefined].filter(Boolean).join(' + '),
    onProgress: (done, total, phase) => {
      bar.setTotal(total);
      bar.update(done, { phase });
    },
  });
  bar.stop();
  for (const t of result.denseTuning) process.stderr.write(`validation ${t.setting}: accuracy=${t.accuracy.toFixed(4)}\n`);
  await writeFile(values.out as string, modelToJson(result.model), 'utf8');
  console.log(`model: ${values.out} (${rows.length} rows, ${result.model.labels.length} labels, lang ${lang}, seed ${seed})`);
  if (result.heldOut) {
    console.log(`held-out ${Math.round(holdout * 100)}% split: accuracy=${result.heldOut.accuracy.toFixed(4)} macro-F1=${result.heldOut.macroF1.toFixed(4)}`);
    console.log(formatEvaluation(result.heldOut));
  } else {
    console.log('no held-out split (--holdout 0): trained on every row');
  }
}

/**
 * `--fewshot`: the taxonomy classifier's kind of model (sentence embeddings + TF-IDF, calibrated), from
 * the rows given, judged on a stratified held-out split of them; `npm run classify` reads it as any
 * other model.
 */
async function trainFewShotModel(rows: Array<{ text: string; label: string }>, out: string, holdout: number, seed: number): Promise<void> {
  const indices = holdout > 0 ? stratifiedSplit(rows, holdout, seed) : { train: rows.map((_, i) => i), test: [] };
  const split = { train: indices.train.map((i) => rows[i]!), test: indices.test.map((i) => rows[i]!) };
  const embedder = await loadEmbedder(useModelFiles(process.cwd()));
  try {
    const model = await trainFewShot(split.train, embedder, { seed });
    await writeFile(out, JSON.stringify(model.toJSON()), 'utf8');
    console.log(`model: ${out} (few-shot ${model.version}, ${split.train.length} rows, ${model.labels.length} labels, seed ${seed})`);
    if (split.test.length === 0) return console.log('no held-out split (--holdout 0): trained on every row');
    const predicted = await model.predict(split.test.map((r) => r.text));
    const e = evaluate(
      split.test.map((r) => r.label),
      predicted.map((p) => p.label),
    );
    console.log(`held-out ${Math.round(holdout * 100)}% split: accuracy=${e.accuracy.toFixed(4)} macro-F1=${e.macroF1.toFixed(4)}`);
    console.log(formatEvaluation(e));
  } finally {
    await embedder.release();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`train: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
