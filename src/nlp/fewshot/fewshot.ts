import type { Embedder } from '../embedding/encoder';
import { extractFeatures, type FeatureSpec } from '../features';
import { detectLanguage } from '../language';
import { logits as sparseLogits, trainLinear, type LinearWeights, type SparseVector } from '../linear';
import { createRng, hashString, shuffleInPlace } from '../prng';
import { denseLogitsInto, softmax, trainLogistic, trainRidge, type DenseSoftmax } from './dense-softmax';

export interface LabelledText {
  text: string;
  label: string;
}

export interface Prediction {
  label: string;
  /** Calibrated probability of `label` (see {@link FewShotOptions.calibrationFolds}). */
  confidence: number;
  scores: Record<string, number>;
}

export interface FewShotClassifier {
  /** Names this model: a hash of its labels, settings and weights. */
  version: string;
  labels: string[];
  predict(texts: string[]): Promise<Prediction[]>;
  toJSON(): unknown;
}

/**
 * Settings of the few-shot classifier. The defaults were chosen on validation rows carved from the
 * training splits of three tasks (docs/nlp.md, "Few-shot triage"), never on held-out rows.
 */
export interface FewShotOptions {
  /** Share of the sentence-embedding model in the probability average; the rest is the TF-IDF model. */
  embeddingWeight?: number;
  /** The model over the sentence vectors: multinomial logistic regression, or closed-form ridge. */
  denseModel?: 'ridge' | 'logistic';
  /** Ridge penalty, and the factor that turns ridge scores into logits before mixing. */
  ridgeAlpha?: number;
  ridgeScale?: number;
  /** Inverse regularisation of the logistic model (scikit-learn's `C`), its step budget and stopping tolerance. */
  C?: number;
  iterations?: number;
  tolerance?: number;
  /** L2 penalty and epochs of the TF-IDF model (Adagrad SGD, as the full-data models). */
  sparseL2?: number;
  sparseEpochs?: number;
  sparseLearningRate?: number;
  /** Extra texts per label (e.g. its zh and en names), embedded as examples of weight `labelTextWeight`. */
  labelTexts?: Record<string, string[]>;
  labelTextWeight?: number;
  /**
   * Folds of the cross-validation whose out-of-fold predictions fit the softmax temperature over
   * the mixture's log-probabilities (0: no calibration, temperature 1).
   */
  calibrationFolds?: number;
  /** Step budget of the logistic model on each fold (warm-started from the model of all examples). */
  calibrationIterations?: number;
  seed?: number;
}

export const FEWSHOT_DEFAULTS: Required<Omit<FewShotOptions, 'labelTexts'>> = {
  embeddingWeight: 0.5,
  denseModel: 'logistic',
  ridgeAlpha: 1,
  ridgeScale: 10,
  C: 10,
  iterations: 60,
  tolerance: 1e-4,
  sparseL2: 1e-6,
  sparseEpochs: 20,
  sparseLearningRate: 0.1,
  labelTextWeight: 3,
  calibrationFolds: 3,
  calibrationIterations: 20,
  seed: 19,
};

const EN_SPEC: FeatureSpec = { lang: 'en', hashBits: 20, wordNgrams: 2, charNgrams: [2, 4], lexicon: false, blockNorm: true };
const ZH_SPEC: FeatureSpec = { lang: 'zh', hashBits: 20, wordNgrams: 2, charNgrams: [1, 3], lexicon: false };

interface SparseModel {
  spec: FeatureSpec;
  buckets: Int32Array;
  idf: Float32Array;
  weights: LinearWeights;
}

interface Parts {
  labels: string[];
  settings: Required<Omit<FewShotOptions, 'labelTexts'>>;
  dense: DenseSoftmax;
  sparse: SparseModel | null;
  temperature: number;
}

/** Sublinear-TF IDF vectors over a vocabulary built from the training texts only. */
function fitSparse(texts: string[], ys: number[], classes: number, spec: FeatureSpec, s: Parts['settings']): SparseModel {
  const counts = texts.map((t) => extractFeatures(t, spec));
  const df = new Map<number, number>();
  for (const c of counts) for (const b of c.buckets) df.set(b, (df.get(b) ?? 0) + 1);
  const kept = [...df.entries()].sort((a, b) => a[0] - b[0]);
  const buckets = Int32Array.from(kept, ([b]) => b);
  const idf = Float32Array.from(kept, ([, d]) => Math.log((1 + texts.length) / (1 + d)) + 1);
  const model: SparseModel = { spec, buckets, idf, weights: { classes, features: buckets.length, w: new Float64Array(0), bias: new Float64Array(classes) } };
  const xs = texts.map((t) => sparseVector(model, t));
  model.weights = trainLinear(xs, ys, classes, buckets.length, { l2: s.sparseL2, epochs: s.sparseEpochs, learningRate: s.sparseLearningRate, seed: s.seed, loss: 'log', average: true });
  return model;
}

const rowMaps = new WeakMap<SparseModel, Map<number, number>>();

function sparseVector(model: SparseModel, text: string): SparseVector {
  let rows = rowMaps.get(model);
  if (!rows) {
    rows = new Map();
    model.buckets.forEach((b, i) => rows!.set(b, i));
    rowMaps.set(model, rows);
  }
  const f = extractFeatures(text, model.spec);
  const idx: number[] = [];
  const val: number[] = [];
  let norm = 0;
  f.buckets.forEach((b, i) => {
    const r = rows.get(b);
    if (r === undefined) return;
    const v = f.tf[i]! * model.idf[r]!;
    idx.push(r);
    val.push(v);
    norm += v * v;
  });
  const scale = norm > 0 ? 1 / Math.sqrt(norm) : 0;
  return { idx: Int32Array.from(idx), val: Float64Array.from(val, (v) => v * scale) };
}

/** Log of the probability mixture, before the temperature. */
function mixtureLogProbs(parts: Omit<Parts, 'temperature'>, vector: Float32Array, text: string): Float64Array {
  const K = parts.labels.length;
  const pd = softmax(denseLogitsInto(parts.dense, vector, new Float64Array(K)));
  const w = parts.sparse ? parts.settings.embeddingWeight : 1;
  const out = new Float64Array(K);
  if (parts.sparse && w < 1) {
    const ps = softmax(sparseLogits(parts.sparse.weights, sparseVector(parts.sparse, text)));
    for (let k = 0; k < K; k++) out[k] = Math.log(w * pd[k]! + (1 - w) * ps[k]! + 1e-12);
  } else for (let k = 0; k < K; k++) out[k] = Math.log(pd[k]! + 1e-12);
  return out;
}

function fitParts(
  texts: string[],
  vectors: Float32Array[],
  ys: number[],
  labels: string[],
  extra: { vectors: Float32Array[]; ys: number[] },
  settings: Parts['settings'],
  init?: DenseSoftmax,
): Omit<Parts, 'temperature'> {
  const K = labels.length;
  const weights = [...texts.map(() => 1), ...extra.ys.map(() => settings.labelTextWeight)];
  const xs = [...vectors, ...extra.vectors];
  const allYs = [...ys, ...extra.ys];
  const dense =
    settings.denseModel === 'ridge'
      ? trainRidge(xs, allYs, K, { alpha: settings.ridgeAlpha, scale: settings.ridgeScale, weights })
      : trainLogistic(xs, allYs, K, { C: settings.C, maxIterations: settings.iterations, tolerance: settings.tolerance, weights, init });
  let sparse: SparseModel | null = null;
  if (settings.embeddingWeight < 1) {
    const zh = texts.filter((t) => detectLanguage(t) === 'zh').length;
    sparse = fitSparse(texts, ys, K, zh * 2 > texts.length ? ZH_SPEC : EN_SPEC, settings);
  }
  return { labels, settings, dense, sparse };
}

/** Temperature minimising the log-loss of softmax(logp / T) (golden-section search over log T). */
function fitTemperature(logps: Float64Array[], gold: number[]): number {
  if (logps.length === 0) return 1;
  const nll = (t: number): number => {
    let sum = 0;
    for (let n = 0; n < logps.length; n++) {
      const z = logps[n]!;
      let max = -Infinity;
      for (let k = 0; k < z.length; k++) max = Math.max(max, z[k]! / t);
      let total = 0;
      for (let k = 0; k < z.length; k++) total += Math.exp(z[k]! / t - max);
      sum += max + Math.log(total) - z[gold[n]!]! / t;
    }
    return sum;
  };
  let lo = Math.log(0.05);
  let hi = Math.log(20);
  const phi = (Math.sqrt(5) - 1) / 2;
  for (let it = 0; it < 40; it++) {
    const a = hi - phi * (hi - lo);
    const b = lo + phi * (hi - lo);
    if (nll(Math.exp(a)) <= nll(Math.exp(b))) hi = b;
    else lo = a;
  }
  return Math.exp((lo + hi) / 2);
}

/**
 * Trains a classifier from a handful of examples per label, in any language: multinomial logistic
 * regression over the multilingual sentence vectors (so English examples classify Chinese text and
 * the other way round), averaged with a TF-IDF logistic regression over the examples' words and
 * character n-grams, then calibrated by a temperature fitted on k-fold out-of-fold predictions of
 * the examples themselves.
 */
export async function trainFewShot(examples: LabelledText[], embedder: Embedder, opts: FewShotOptions = {}): Promise<FewShotClassifier> {
  if (examples.length === 0) throw new Error('trainFewShot: no examples');
  const settings = { ...FEWSHOT_DEFAULTS, ...Object.fromEntries(Object.entries(opts).filter(([k, v]) => v !== undefined && k !== 'labelTexts')) } as Parts['settings'];
  const labels = [...new Set(examples.map((e) => e.label))].sort();
  const labelIndex = new Map(labels.map((l, i) => [l, i]));
  const texts = examples.map((e) => e.text);
  const ys = examples.map((e) => labelIndex.get(e.label)!);
  const extraTexts: string[] = [];
  const extraYs: number[] = [];
  for (const [label, names] of Object.entries(opts.labelTexts ?? {})) {
    const y = labelIndex.get(label);
    if (y === undefined) continue;
    for (const name of names) {
      extraTexts.push(name);
      extraYs.push(y);
    }
  }
  const allVectors = await embedder.embed([...texts, ...extraTexts]);
  const vectors = allVectors.slice(0, texts.length);
  const extra = { vectors: allVectors.slice(texts.length), ys: extraYs };
  const parts = fitParts(texts, vectors, ys, labels, extra, settings);

  let temperature = 1;
  const folds = Math.min(settings.calibrationFolds, examples.length);
  if (folds >= 2) {
    // Stratified folds: each label's examples dealt round-robin after a seeded shuffle.
    const fold = new Int32Array(examples.length);
    const rng = createRng(settings.seed);
    const byLabel = new Map<number, number[]>();
    ys.forEach((y, i) => byLabel.set(y, [...(byLabel.get(y) ?? []), i]));
    let offset = 0;
    for (const idxs of byLabel.values()) {
      shuffleInPlace(idxs, rng).forEach((i, j) => (fold[i] = (j + offset) % folds));
      offset += idxs.length;
    }
    const logps: Float64Array[] = [];
    const gold: number[] = [];
    for (let f = 0; f < folds; f++) {
      const train = ys.map((_, i) => i).filter((i) => fold[i] !== f);
      const test = ys.map((_, i) => i).filter((i) => fold[i] === f);
      if (train.length === 0 || test.length === 0) continue;
      const p = fitParts(
        train.map((i) => texts[i]!),
        train.map((i) => vectors[i]!),
        train.map((i) => ys[i]!),
        labels,
        extra,
        { ...settings, iterations: settings.calibrationIterations },
        // Warm start from the model of all examples: a fold differs from it by a fifth of the rows.
        parts.dense,
      );
      for (const i of test) {
        logps.push(mixtureLogProbs(p, vectors[i]!, texts[i]!));
        gold.push(ys[i]!);
      }
    }
    temperature = fitTemperature(logps, gold);
  }
  // Built from its own JSON, so a trained model and a reloaded one predict exactly alike.
  return loadFewShot(toJson({ ...parts, temperature }), embedder);
}

function build(parts: Parts, embedder: Embedder): FewShotClassifier {
  const json = toJson(parts);
  const version = `fewshot-${hashString(JSON.stringify(json)).toString(16).padStart(8, '0')}`;
  return {
    version,
    labels: parts.labels,
    async predict(texts) {
      const vectors = await embedder.embed(texts);
      return texts.map((text, i) => {
        const z = mixtureLogProbs(parts, vectors[i]!, text);
        for (let k = 0; k < z.length; k++) z[k] = z[k]! / parts.temperature;
        softmax(z);
        let best = 0;
        for (let k = 1; k < z.length; k++) if (z[k]! > z[best]!) best = k;
        const scores: Record<string, number> = {};
        parts.labels.forEach((l, k) => (scores[l] = z[k]!));
        return { label: parts.labels[best]!, confidence: z[best]!, scores };
      });
    },
    toJSON: () => ({ ...json, version }),
  };
}

const f32 = (a: Float32Array | Float64Array): string => Buffer.from(Float32Array.from(a).buffer).toString('base64');
const fromF32 = (s: string): Float32Array => {
  const b = Buffer.from(s, 'base64');
  return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
};

function toJson(p: Parts) {
  return {
    format: 'fewshot-v1',
    labels: p.labels,
    settings: p.settings,
    temperature: p.temperature,
    dense: { classes: p.dense.classes, dimension: p.dense.dimension, w: f32(p.dense.w), bias: f32(p.dense.bias) },
    sparse: p.sparse && {
      spec: p.sparse.spec,
      buckets: Buffer.from(p.sparse.buckets.buffer.slice(0)).toString('base64'),
      idf: f32(p.sparse.idf),
      w: f32(p.sparse.weights.w),
      bias: f32(p.sparse.weights.bias),
    },
  };
}

/** Restores a classifier saved with `toJSON()`; predictions are identical. */
export function loadFewShot(json: unknown, embedder: Embedder): FewShotClassifier {
  const j = json as ReturnType<typeof toJson> & { version?: string };
  if (!j || j.format !== 'fewshot-v1') throw new Error('loadFewShot: not a fewshot-v1 model');
  const K = j.labels.length;
  const sparse: SparseModel | null = j.sparse && {
    spec: j.sparse.spec,
    buckets: (() => {
      const b = Buffer.from(j.sparse.buckets, 'base64');
      return new Int32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
    })(),
    idf: fromF32(j.sparse.idf),
    weights: { classes: K, features: fromF32(j.sparse.idf).length, w: fromF32(j.sparse.w), bias: fromF32(j.sparse.bias) },
  };
  const parts: Parts = {
    labels: j.labels,
    settings: j.settings,
    temperature: j.temperature,
    dense: { classes: j.dense.classes, dimension: j.dense.dimension, w: fromF32(j.dense.w), bias: fromF32(j.dense.bias) },
    sparse,
  };
  const restored = build(parts, embedder);
  if (j.version && restored.version !== j.version) throw new Error(`loadFewShot: version ${j.version} does not match its content (${restored.version})`);
  return restored;
}
