import { bucketIndex, classifyFeatures, vectorize, type TextClassifier } from './classifier';
import type { LabelledText } from './csv';
import { extractFeatures, type FeatureCounts, type FeatureSpec } from './features';
import { argmax, predictProba, trainLinear, type SparseVector } from './linear';
import { evaluate, type Evaluation } from './metrics';
import { deserializeModel, serializeModel } from './model-io';
import { hashString } from './prng';
import { stratifiedSplit } from './split';

/** Options for {@link trainTextClassifier}. */
export interface TrainOptions {
  name: string;
  spec: FeatureSpec;
  seed: number;
  /** Share held out for the reported figures (0 trains on everything and reports nothing). */
  holdout: number;
  /** Buckets seen in fewer training documents are dropped (keeps models small, cuts noise). */
  minDf: number;
  /** L2 strengths tried on a validation split carved from the training part. */
  l2Grid: number[];
  epochs: number;
  learningRate: number;
  textColumn?: string;
  labelColumn?: string;
  source?: string;
  /** Progress in abstract steps (feature extraction, then epochs). */
  onProgress?: (done: number, total: number, phase: string) => void;
}

/** A trained model and its figures on the held-out rows. */
export interface TrainResult {
  model: TextClassifier;
  heldOut: Evaluation | null;
  tuning: { l2: number; accuracy: number; macroF1: number }[];
}

/** Hash of the labelled rows in order, so eval can tell whether it sees the training data. */
export function fingerprintRows(rows: LabelledText[]): string {
  let h = 0x811c9dc5;
  for (const r of rows) h = hashString(`${r.label}\u0001${r.text}\u0002`, h);
  return `${rows.length}:${h.toString(16).padStart(8, '0')}`;
}

/** Document frequencies over the given rows; IDF smoothed as in scikit-learn. */
function buildVocabulary(counts: FeatureCounts[], rows: number[], minDf: number): { buckets: Int32Array; idf: Float32Array } {
  const df = new Map<number, number>();
  for (const i of rows) for (const b of (counts[i] as FeatureCounts).keys()) df.set(b, (df.get(b) ?? 0) + 1);
  const kept = [...df.entries()].filter(([, d]) => d >= minDf).sort((a, b) => a[0] - b[0]);
  const n = rows.length;
  return {
    buckets: Int32Array.from(kept, ([b]) => b),
    idf: Float32Array.from(kept, ([, d]) => Math.log((1 + n) / (1 + d)) + 1),
  };
}

function scoreOn(model: Parameters<typeof predictProba>[0], xs: SparseVector[], ys: number[], rows: number[], labels: string[]) {
  const gold: string[] = [];
  const pred: string[] = [];
  for (const i of rows) {
    gold.push(labels[ys[i] as number] as string);
    pred.push(labels[argmax(predictProba(model, xs[i] as SparseVector))] as string);
  }
  return evaluate(gold, pred);
}

/**
 * Trains a text classifier: seeded stratified hold-out split, vocabulary and IDF from the
 * training part only, L2 chosen on a validation split inside the training part, final fit on the
 * whole training part. The held-out figures are computed on the quantised model as shipped.
 */
export function trainTextClassifier(rows: LabelledText[], opts: TrainOptions): TrainResult {
  if (rows.length < 2) throw new Error('need at least two labelled rows to train');
  const labels = [...new Set(rows.map((r) => r.label))].sort();
  if (labels.length < 2) throw new Error(`need at least two distinct labels, found: ${labels.join(', ')}`);
  const labelIdx = new Map(labels.map((l, i) => [l, i]));
  const ys = rows.map((r) => labelIdx.get(r.label) as number);
  const split = opts.holdout > 0 ? stratifiedSplit(rows, opts.holdout, opts.seed) : { train: rows.map((_, i) => i), test: [] };

  const totalSteps = rows.length + opts.epochs * (opts.l2Grid.length > 1 ? opts.l2Grid.length + 1 : 1);
  let done = 0;
  const counts = rows.map((r) => {
    const c = extractFeatures(r.text, opts.spec);
    if (++done % 500 === 0) opts.onProgress?.(done, totalSteps, 'features');
    return c;
  });
  opts.onProgress?.(done, totalSteps, 'features');

  const vocab = buildVocabulary(counts, split.train, opts.minDf);
  const index = bucketIndex(vocab.buckets);
  const xs = counts.map((c) => vectorize(c, index, vocab.idf));
  const fit = (trainRows: number[], l2: number, seed: number) =>
    trainLinear(
      trainRows.map((i) => xs[i] as SparseVector),
      trainRows.map((i) => ys[i] as number),
      labels.length,
      vocab.buckets.length,
      {
        l2,
        epochs: opts.epochs,
        learningRate: opts.learningRate,
        seed,
        onEpoch: () => opts.onProgress?.(++done, totalSteps, `l2=${l2}`),
      },
    );

  const tuning: TrainResult['tuning'] = [];
  let bestL2 = opts.l2Grid[0] ?? 1e-5;
  if (opts.l2Grid.length > 1) {
    const trainRows = split.train.map((i) => rows[i] as LabelledText);
    const inner = stratifiedSplit(trainRows, 0.15, opts.seed + 1);
    const innerTrain = inner.train.map((i) => split.train[i] as number);
    const innerVal = inner.test.map((i) => split.train[i] as number);
    let best = -1;
    for (const l2 of opts.l2Grid) {
      const e = scoreOn(fit(innerTrain, l2, opts.seed), xs, ys, innerVal, labels);
      tuning.push({ l2, accuracy: e.accuracy, macroF1: e.macroF1 });
      // Accuracy first; macro-F1 breaks ties (and near-ties) in favour of the rarer classes.
      const score = e.accuracy + 0.1 * e.macroF1;
      if (score > best) {
        best = score;
        bestL2 = l2;
      }
    }
  }
  const weights = fit(split.train, bestL2, opts.seed);

  const raw: TextClassifier = {
    name: opts.name,
    labels,
    spec: opts.spec,
    buckets: vocab.buckets,
    idf: vocab.idf,
    weights,
    index,
    training: {
      seed: opts.seed,
      holdout: opts.holdout,
      ...(opts.textColumn ? { textColumn: opts.textColumn } : {}),
      ...(opts.labelColumn ? { labelColumn: opts.labelColumn } : {}),
      ...(opts.source ? { source: opts.source } : {}),
      rows: rows.length,
      fingerprint: fingerprintRows(rows),
      hyper: { l2: bestL2, epochs: opts.epochs, learningRate: opts.learningRate, minDf: opts.minDf },
    },
  };
  // Round-trip through the file format so the figures are those of the model as shipped.
  const model = deserializeModel(serializeModel(raw));
  let heldOut: Evaluation | null = null;
  if (split.test.length > 0) {
    heldOut = evaluate(
      split.test.map((i) => rows[i]!.label),
      split.test.map((i) => classifyFeatures(model, counts[i] as FeatureCounts).label),
    );
    model.training.heldOut = { n: heldOut.n, accuracy: round4(heldOut.accuracy), macroF1: round4(heldOut.macroF1) };
  }
  return { model, heldOut, tuning };
}

function round4(x: number): number {
  return Math.round(x * 10000) / 10000;
}

/** The rows eval should score: all of them, or only those the model's training held out. */
export function heldOutRows(rows: LabelledText[], training: { seed: number; holdout: number }): LabelledText[] {
  if (training.holdout <= 0) return [];
  return stratifiedSplit(rows, training.holdout, training.seed).test.map((i) => rows[i] as LabelledText);
}
