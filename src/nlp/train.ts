import { bucketIndex, classifyFeatures, vectorize, type DenseHead, type TextClassifier } from './classifier';
import type { LabelledText } from './csv';
import { denseLogits, inputScale, trainDense, type DenseNet } from './dense';
import { extractFeatures, type FeatureSpec, type TermFrequencies } from './features';
import { fitTemperature, fitTemperatureToLogits } from './calibrate';
import { argmax, logits, predictProba, trainLinear, type LinearLoss, type LinearWeights, type SparseVector } from './linear';
import { evaluate, type Evaluation } from './metrics';
import { deserializeModel, quantizeWeights, serializeModel } from './model-io';
import { hashString } from './prng';
import { stratifiedSplit, type Split } from './split';

/**
 * One way to fit the dense head. `adagrad`: softmax regression on the sentence vector by the sparse
 * models' Adagrad SGD (`hidden` must be 0). `adam`: mini-batch Adam, with an optional hidden ReLU layer.
 */
export interface DenseSetting {
  optimizer: 'adagrad' | 'adam';
  hidden: number;
  epochs: number;
  learningRate: number;
  /** adagrad: L2 per touched weight; adam: decoupled weight decay. */
  l2: number;
  dropout?: number;
  batchSize?: number;
}

/** The dense head's training: vectors, settings and blend weights to try on validation. */
export interface DenseOptions {
  /** Name of the encoder the vectors come from (recorded in the model). */
  encoder: string;
  /**
   * One sentence vector per row, aligned with `rows`. The held-out rows' vectors are read only to
   * score the finished model, never to fit or choose anything.
   */
  embeddings: ArrayLike<number>[];
  grid: DenseSetting[];
  /** Shares of the blended logits given to the head, tried on validation; 0 keeps the sparse model alone. */
  blendGrid: number[];
}

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
  /** A dense head over sentence vectors, blended with the sparse model (see {@link DenseHead}). */
  dense?: DenseOptions;
  /**
   * The train / held-out split to use instead of the seeded stratified one (tests use it to prove
   * that nothing fitted depends on the held-out rows).
   */
  split?: Split;
  /** Progress in abstract steps (feature extraction, then epochs). */
  onProgress?: (done: number, total: number, phase: string) => void;
}

/** A trained model and its figures on the held-out rows. */
export interface TrainResult {
  model: TextClassifier;
  heldOut: Evaluation | null;
  tuning: { learningRate: number; l2: number; accuracy: number; macroF1: number }[];
  /** Validation figures of the dense settings and of the blend weights tried (empty without `dense`). */
  denseTuning: { setting: string; accuracy: number; macroF1: number }[];
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
  const split = opts.split ?? (opts.holdout > 0 ? stratifiedSplit(rows, opts.holdout, opts.seed) : { train: rows.map((_, i) => i), test: [] });
  if (opts.dense && opts.dense.embeddings.length !== rows.length) throw new Error(`dense: ${opts.dense.embeddings.length} vectors for ${rows.length} rows`);

  const denseEpochs = opts.dense ? opts.dense.grid.reduce((a, g) => a + g.epochs, 0) + Math.max(0, ...opts.dense.grid.map((g) => g.epochs)) : 0;
  const totalSteps = rows.length + opts.epochs * (opts.grid.length + 1) + denseEpochs;
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
  let bestInner: LinearWeights | null = null;
  if (innerVal.length > 0 && innerTrain.length > 0) {
    let best = -1;
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
  const denseTuning: TrainResult['denseTuning'] = [];
  const denseFit =
    opts.dense && bestInner
      ? fitDenseHead(opts.dense, ys, labels, innerTrain, innerVal, split.train, opts.seed, classWeights, withTemperature(bestInner, temperature), xs, denseTuning, () => opts.onProgress?.(++done, totalSteps, 'dense'))
      : undefined;

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
        ...(denseFit?.hyper ?? {}),
      },
    },
    ...(denseFit?.head ? { dense: denseFit.head } : {}),
  };
  // Round-trip through the file format so the figures are those of the model as shipped.
  const model = deserializeModel(serializeModel(raw));
  let heldOut: Evaluation | null = null;
  if (split.test.length > 0) {
    heldOut = evaluate(
      split.test.map((i) => rows[i]!.label),
      split.test.map((i) => classifyFeatures(model, counts[i] as TermFrequencies, opts.dense?.embeddings[i]).label),
    );
    model.training.heldOut = { n: heldOut.n, accuracy: round4(heldOut.accuracy), macroF1: round4(heldOut.macroF1) };
  }
  return { model, heldOut, tuning, denseTuning };
}

const settingName = (g: DenseSetting): string => `${g.optimizer} h${g.hidden} lr=${g.learningRate} l2=${g.l2} ep=${g.epochs}${g.dropout ? ` drop=${g.dropout}` : ''}`;

/** Fits the dense head with one setting on the given rows (all of them training rows). */
function fitDense(g: DenseSetting, vectors: ArrayLike<number>[], ys: number[], rows: number[], classes: number, seed: number, classWeights: number[], onEpoch: () => void): DenseNet {
  const xs = rows.map((i) => vectors[i] as ArrayLike<number>);
  const y = rows.map((i) => ys[i] as number);
  const dim = xs[0]?.length ?? 0;
  if (g.optimizer === 'adam') {
    return trainDense(xs, y, classes, { hidden: g.hidden, epochs: g.epochs, learningRate: g.learningRate, weightDecay: g.l2, dropout: g.dropout ?? 0, batchSize: g.batchSize ?? 32, seed, classWeights, onEpoch });
  }
  if (g.hidden !== 0) throw new Error('dense: the adagrad optimizer fits no hidden layer');
  // The sparse trainer on the raw vector, as a "sparse" vector of every component; the weights are
  // then divided by the input scale that dense inference multiplies by.
  const idx = Int32Array.from({ length: dim }, (_, i) => i);
  const w = trainLinear(
    xs.map((x) => ({ idx, val: Float64Array.from(x as ArrayLike<number>) })),
    y,
    classes,
    dim,
    { loss: 'log', l2: g.l2, epochs: g.epochs, learningRate: g.learningRate, seed, classWeights, onEpoch },
  );
  const s = inputScale(dim);
  return { dim, hidden: 0, classes, w1: new Float32Array(0), b1: new Float32Array(0), w2: Float32Array.from(w.w, (v) => v / s), b2: Float32Array.from(w.bias) };
}

/** Divides the head's output layer by its temperature (its logits are linear in it). */
function scaleOutput(net: DenseNet, by: number): DenseNet {
  return { ...net, w2: net.w2.map((v) => v * by), b2: net.b2.map((v) => v * by) };
}

/**
 * The dense head: each setting fitted on the inner training rows and scored on validation; the
 * best one's temperature fitted there; then the share of the blend, tried on validation against the
 * (temperature-scaled) sparse model of the same inner rows, and the blend's own temperature. The
 * chosen setting is then refitted on the whole training part. Returns no head when the sparse model
 * alone did best on validation.
 */
function fitDenseHead(
  dense: DenseOptions,
  ys: number[],
  labels: string[],
  innerTrain: number[],
  innerVal: number[],
  train: number[],
  seed: number,
  classWeights: number[],
  sparseInner: LinearWeights,
  xs: SparseVector[],
  tuning: TrainResult['denseTuning'],
  onEpoch: () => void,
): { head?: DenseHead; hyper: Record<string, number | string> } {
  const K = labels.length;
  const gold = innerVal.map((i) => ys[i] as number);
  const score = (z: Float64Array[]) => {
    const e = evaluate(
      gold.map((y) => labels[y] as string),
      z.map((v) => labels[argmax(v)] as string),
    );
    return { e, score: e.accuracy + 0.1 * e.macroF1 };
  };
  const zs = innerVal.map((i) => logits(sparseInner, xs[i] as SparseVector));
  // Setting and share are chosen together: a head that is weaker alone may still add more to the blend.
  let best: { g: DenseSetting; alpha: number; denseT: number; blended: Float64Array[]; score: number } | undefined;
  for (const g of dense.grid) {
    const net = fitDense(g, dense.embeddings, ys, innerTrain, K, seed, classWeights, onEpoch);
    const z = innerVal.map((i) => denseLogits(net, dense.embeddings[i] as ArrayLike<number>));
    const alone = score(z);
    tuning.push({ setting: settingName(g), accuracy: alone.e.accuracy, macroF1: alone.e.macroF1 });
    const denseT = fitTemperatureToLogits(z, gold);
    for (const a of dense.blendGrid) {
      const blended = zs.map((v, n) => v.map((x, k) => (1 - a) * x + (a * (z[n]![k] as number)) / denseT));
      const r = score(blended);
      tuning.push({ setting: `${settingName(g)} blend ${a}`, accuracy: r.e.accuracy, macroF1: r.e.macroF1 });
      if (!best || r.score > best.score) best = { g, alpha: a, denseT, blended, score: r.score };
    }
  }
  if (!best) return { hyper: {} };
  const { alpha, denseT, blended } = best;
  if (alpha === 0) return { hyper: { dense: 'none (the n-gram model alone did best on validation)' } };
  const blendT = fitTemperatureToLogits(blended, gold);
  const net = scaleOutput(fitDense(best.g, dense.embeddings, ys, train, K, seed, classWeights, onEpoch), 1 / denseT);
  return {
    head: { encoder: dense.encoder, net, blend: { sparse: Math.fround((1 - alpha) / blendT), dense: Math.fround(alpha / blendT) } },
    hyper: { dense: settingName(best.g), denseTemperature: round4(denseT), blend: alpha, blendTemperature: round4(blendT) },
  };
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
