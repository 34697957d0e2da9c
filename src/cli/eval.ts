/**
 * Evaluates a model on a labelled CSV: accuracy, macro-F1, per-class precision/recall, confusion.
 *
 *   npm run eval -- --model <model.json> --input <csv> [--text <col>] [--label <col>] [--holdout-only] [--json]
 *
 * --holdout-only re-derives the rows the model's training held out (same seed, same ratio, same
 * stratified split of the same CSV), so the figures are on data the model never saw.
 */
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { useModelFiles } from '../embedded/use-model';
import { classifyText } from '../nlp/classifier';
import { labelledRowsFromCsv } from '../nlp/csv';
import { loadEmbedder } from '../nlp/embedding';
import { sentenceVectors } from '../nlp/sentence-vectors';
import { evaluate, formatEvaluation } from '../nlp/metrics';
import { loadModel } from '../nlp/model-io';
import { fingerprintRows, heldOutRows } from '../nlp/train';

const USAGE = 'usage: npm run eval -- --model <model.json> --input <csv> [--text <column>] [--label <column>] [--holdout-only] [--json]';

function fail(message: string): never {
  process.stderr.write(`eval: ${message}\n${USAGE}\n`);
  process.exit(2);
}

async function main(): Promise<void> {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        model: { type: 'string' },
        input: { type: 'string' },
        text: { type: 'string' },
        label: { type: 'string' },
        'holdout-only': { type: 'boolean', default: false },
        json: { type: 'boolean', default: false },
      },
    }));
  } catch (err) {
    fail((err as Error).message);
  }
  if (!values.model) fail('--model is required');
  if (!values.input) fail('--input is required');
  let model;
  try {
    model = await loadModel(values.model);
  } catch (err) {
    fail(`cannot load model ${values.model}: ${(err as Error).message}`);
  }
  // Columns default to those the model was trained on.
  const textCol = values.text ?? model.training.textColumn;
  const labelCol = values.label ?? model.training.labelColumn;
  if (!textCol || !labelCol) fail('--text and --label are required (the model does not record its columns)');
  let csv: string;
  try {
    csv = await readFile(values.input, 'utf8');
  } catch {
    fail(`cannot read --input ${values.input}`);
  }
  let rows;
  try {
    rows = labelledRowsFromCsv(csv, textCol, labelCol);
  } catch (err) {
    fail((err as Error).message);
  }
  let scope = 'all rows';
  if (values['holdout-only']) {
    if (model.training.holdout <= 0) fail('the model was trained on every row (holdout 0): there is no held-out split');
    if (fingerprintRows(rows) !== model.training.fingerprint) {
      process.stderr.write(
        `eval: warning: ${values.input} (${column(textCol, labelCol)}) is not the data this model was trained on; the held-out rows are re-derived but may overlap training rows\n`,
      );
    }
    rows = heldOutRows(rows, model.training);
    scope = `held-out ${Math.round(model.training.holdout * 100)}% split (seed ${model.training.seed})`;
  }
  if (rows.length === 0) fail('no labelled rows to evaluate');
  const started = performance.now();
  // A model with a dense head reads each text's sentence vector too (the encoder's time is included).
  let vectors: Float32Array[] | undefined;
  if (model.dense) {
    const embedder = await loadEmbedder(useModelFiles(process.cwd()));
    vectors = await sentenceVectors(
      embedder,
      rows.map((r) => r.text),
    );
    await embedder.release();
  }
  const predicted = rows.map((r, i) => classifyText(model, r.text, vectors?.[i]).label);
  const seconds = (performance.now() - started) / 1000;
  const e = evaluate(
    rows.map((r) => r.label),
    predicted,
  );
  if (values.json) {
    console.log(JSON.stringify({ model: model.name, scope, ...e }));
    return;
  }
  console.log(`model ${model.name} on ${values.input}, ${scope}: ${rows.length} rows, ${Math.round(rows.length / seconds)} texts/s`);
  console.log(formatEvaluation(e));
}

function column(text: string, label: string): string {
  return `text=${text}, label=${label}`;
}

main().catch((err: unknown) => {
  process.stderr.write(`eval: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
