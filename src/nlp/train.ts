import { bucketIndex, classifyFeatures, vectorize, type TextClassifier } from './classifier';
import type { LabelledText } from './csv';
import { extractFeatures, type FeatureSpec, type TermFrequencies } from './features';
import { fitTemperature } from './calibrate';
import { argmax, predictProba, trainLinear, type LinearLoss, type LinearWeights, type SparseVector } from './linear';
import { evaluate, type Evaluation } from './metrics';
import { deserializeModel, quantizeWeights, serializeModel } from './model-io';
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
  /**
   * Settings tried on a validation split carved from the training part; the best is refitted on
   * the whole training part. With Adagrad and a fixed epoch budget the step size acts as the main
   * regulariser, so the grid is over both.
   */
  grid: { learningRate: number; l2: number }[];
  epochs: number;
  /** Training loss (default `log`); see {@link LinearLoss}. */
  loss?: LinearLoss;
  /** Average the end-of-epoch weights (see {@link LinearTrainOptions.average}). */
  average?: boolean;
  /**
   * Class weight = (N / (K · n_k))^power: 0 is unweighted, 1 fully balanced. A small power lifts
   * rare classes that plain training would never predict, without giving up much accuracy.
   */
  classWeightPower?: number;
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
  tuning: { learningRate: number; l2: number; accuracy: number; macroF1: number }[];
}

/** Hash of the labelled rows in order, so eval can tell whether it sees the training data. */
export function fingerprintRows(rows: LabelledText[]): string {
  let h = 0x811c9dc5;
  for (const r of rows) h = hashString(`${r.label}\u0001${r.text}\u0002`, h);
  return `${rows.length}:${h.toString(16).padStart(8, '0')}`;
}

/** Document frequencies over the given rows; IDF smoothed as in scikit-learn. */
function buildVocabulary(counts: TermFrequencies[], rows: number[], minDf: number): { buckets: Int32Array; idf: Float32Array } {
  const df = new Map<number, number>();
  for (const i of rows) for (const b of (counts[i] as TermFrequencies).buckets) df.set(b, (df.get(b) ?? 0) + 1);
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
 * training part only, step size chosen and softmax temperature fitted on a validation split inside
 * the training part, final fit on the whole training part. The held-out figures are computed on
 * the quantised model as shipped.
 */
export function trainTextClassifier(rows: LabelledText[], opts: TrainOptions): TrainResult {
  if (rows.length < 2) throw new Error('need at least two labelled rows to train');
  const labels = [...new Set(rows.map((r) => r.label))].sort();
  if (labels.length < 2) throw new Error(`need at least two distinct labels, found: ${labels.join(', ')}`);
  const labelIdx = new Map(labels.map((l, i) => [l, i]));
  const ys = rows.map((r) => labelIdx.get(r.label) as number);
  const split = opts.holdout > 0 ? stratifiedSplit(rows, opts.holdout, opts.seed) : { train: rows.map((_, i) => i), test: [] };

  const totalSteps = rows.length + opts.epochs * (opts.grid.length + 1);
  let done = 0;
  const counts = rows.map((r) => {
    const c = extractFeatures(r.text, opts.spec);
    if (++done % 500 === 0) opts.onProgress?.(done, totalSteps, 'features');
    return c;
  });
  opts.onProgress?.(done, totalSteps, 'features');

  const vocab = buildVocabulary(counts, split.train, opts.minDf);
  const index = bucketIndex(vocab.buckets, opts.spec.hashBits);
  const xs = counts.map((c) => vectorize(c, index, vocab.idf, opts.spec.blockNorm === true));
  const classWeights = balancedWeights(split.train.map((i) => ys[i] as number), labels.length, opts.classWeightPower ?? 0);
  const fit = (trainRows: number[], { l2, learningRate }: { l2: number; learningRate: number }, seed: number) =>
    trainLinear(
      trainRows.map((i) => xs[i] as SparseVector),
      trainRows.map((i) => ys[i] as number),
      labels.length,
      vocab.buckets.length,
      {
        l2,
        epochs: opts.epochs,
        learningRate,
        seed,
        average: opts.average ?? false,
        loss: opts.loss ?? 'log',
        classWeights,
        onEpoch: () => opts.onProgress?.(++done, totalSteps, `lr=${learningRate} l2=${l2}`),
      },
    );

  const tuning: TrainResult['tuning'] = [];
  let bestSetting = opts.grid[0] ?? { learningRate: 0.1, l2: 1e-6 };
  // The validation split serves twice: to pick the setting, and to fit the softmax temperature
  // that turns the chosen model's logits into calibrated confidences.
  const trainRows = split.train.map((i) => rows[i] as LabelledText);
  const inner = stratifiedSplit(trainRows, 0.15, opts.seed + 1);
  const innerTrain = inner.train.map((i) => split.train[i] as number);
  const innerVal = inner.test.map((i) => split.train[i] as number);
  let temperature = 1;
  if (innerVal.length > 0 && innerTrain.length > 0) {
    let best = -1;
    let bestInner: LinearWeights | null = null;
    for (const setting of opts.grid) {
      const innerModel = fit(innerTrain, setting, opts.seed);
      const e = scoreOn(innerModel, xs, ys, innerVal, labels);
      tuning.push({ ...setting, accuracy: e.accuracy, macroF1: e.macroF1 });
      // Accuracy first; macro-F1 breaks ties (and near-ties) in favour of the rarer classes.
      const score = e.accuracy + 0.1 * e.macroF1;
      if (score > best) {
        best = score;
        bestSetting = setting;
        bestInner = innerModel;
      }
    }
    if (bestInner) {
      temperature = fitTemperature(
        bestInner,
        innerVal.map((i) => xs[i] as SparseVector),
        innerVal.map((i) => ys[i] as number),
      );
    }
  }
  const weights = withTemperature(fit(split.train, bestSetting, opts.seed), temperature);

  const pruned = pruneZeroRows(vocab, quantizeWeights(weights.w, labels.length), labels.length);
  const raw: TextClassifier = {
    name: opts.name,
    labels,
    spec: opts.spec,
    ...pruned,
    bias: Float32Array.from(weights.bias),
    index: bucketIndex(pruned.buckets, opts.spec.hashBits),
    training: {
      seed: opts.seed,
      holdout: opts.holdout,
      ...(opts.textColumn ? { textColumn: opts.textColumn } : {}),
      ...(opts.labelColumn ? { labelColumn: opts.labelColumn } : {}),
      ...(opts.source ? { source: opts.source } : {}),
      rows: rows.length,
      fingerprint: fingerprintRows(rows),
      hyper: {
        l2: bestSetting.l2,
        learningRate: bestSetting.learningRate,
        epochs: opts.epochs,
        minDf: opts.minDf,
        classWeightPower: opts.classWeightPower ?? 0,
        average: String(opts.average ?? false),
        loss: opts.loss ?? 'log',
        temperature: round4(temperature),
      },
    },
  };
  // Round-trip through the file format so the figures are those of the model as shipped.
  const model = deserializeModel(serializeModel(raw));
  let heldOut: Evaluation | null = null;
  if (split.test.length > 0) {
    heldOut = evaluate(
      split.test.map((i) => rows[i]!.label),
      split.test.map((i) => classifyFeatures(model, counts[i] as TermFrequencies).label),
    );
    model.training.heldOut = { n: heldOut.n, accuracy: round4(heldOut.accuracy), macroF1: round4(heldOut.macroF1) };
  }
  return { model, heldOut, tuning };
}

/**
 * Divides weights and bias by the softmax temperature, so the shipped file needs no new field and
 * inference no extra step: the per-class int8 scales absorb it.
 */
function withTemperature(model: LinearWeights, temperature: number): LinearWeights {
  if (temperature === 1) return model;
  return {
    ...model,
    w: model.w.map((v) => v / temperature),
    bias: model.bias.map((v) => v / temperature),
  };
}

/**
 * Drops features whose int8 weights are all zero: they cannot move a prediction, only the L2 norm,
 * and they are most of a large vocabulary. The held-out figures are measured after this.
 */
function pruneZeroRows(
  vocab: { buckets: Int32Array; idf: Float32Array },
  { q, scales }: { q: Int8Array; scales: Float32Array },
  K: number,
): { buckets: Int32Array; idf: Float32Array; q: Int8Array; scales: Float32Array } {
  const keep: number[] = [];
  for (let j = 0; j < vocab.buckets.length; j++) {
    for (let k = 0; k < K; k++) {
      if (q[j * K + k] !== 0) {
        keep.push(j);
        break;
      }
    }
  }
  const outQ = new Int8Array(keep.length * K);
  keep.forEach((j, r) => outQ.set(q.subarray(j * K, j * K + K), r * K));
  return {
    buckets: Int32Array.from(keep, (j) => vocab.buckets[j] as number),
    idf: Float32Array.from(keep, (j) => vocab.idf[j] as number),
    q: outQ,
    scales,
  };
}

function balancedWeights(ys: number[], classes: number, power: number): number[] {
  const n = new Array<number>(classes).fill(0);
  for (const y of ys) n[y] = (n[y] as number) + 1;
  return n.map((c) => (c > 0 && power > 0 ? (ys.length / (classes * c)) ** power : 1));
}

function round4(x: number): number {
  return Math.round(x * 10000) / 10000;
}

/** The rows eval should score: all of them, or only those the model's training held out. */
export function heldOutRows(rows: LabelledText[], training: { seed: number; holdout: number }): LabelledText[] {
  if (training.holdout <= 0) return [];
  return stratifiedSplit(rows, training.holdout, training.seed).test.map((i) => rows[i] as LabelledText);
}
