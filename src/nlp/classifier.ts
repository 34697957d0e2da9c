import { extractFeatures, type FeatureSpec, type TermFrequencies } from './features';
import { denseLogits, type DenseNet } from './dense';
import { argmax, softmaxInPlace, type SparseVector } from './linear';

/** What training recorded, so eval can re-derive the held-out rows and reports stay honest. */
export interface TrainingInfo {
  seed: number;
  holdout: number;
  textColumn?: string;
  labelColumn?: string;
  source?: string;
  rows: number;
  /** Hash of every (text, label) pair, in order: eval warns when it is given different data. */
  fingerprint: string;
  hyper: Record<string, number | string>;
  heldOut?: { n: number; accuracy: number; macroF1: number };
}

/**
 * A second reader of the same text: a small network over its sentence vector (the multilingual
 * Universal Sentence Encoder), whose logits are added to the sparse model's. Both sides carry their
 * own softmax temperature (folded into their weights), so the sparse side alone is still the
 * calibrated bag-of-n-grams model: that is what a caller without the encoder gets.
 */
export interface DenseHead {
  /** The sentence vectors it reads (see {@link SENTENCE_ENCODER}). */
  encoder: string;
  net: DenseNet;
  /** Logits = sparse × (sparse logits) + dense × (head logits); chosen on validation. */
  blend: { sparse: number; dense: number };
}

/** The encoder whose vectors a dense head reads: Universal Sentence Encoder Multilingual v3, 512-d. */
export const SENTENCE_ENCODER = 'use-multilingual-v3';

/** A trained text classifier: feature spec, kept hash buckets with their IDF, and weights. */
export interface TextClassifier {
  name: string;
  labels: string[];
  spec: FeatureSpec;
  /** Sorted hash buckets that survived the document-frequency cut, one weight row each. */
  buckets: Int32Array;
  idf: Float32Array;
  /**
   * Weights as stored: int8, row-major (feature × class), with one scale per class. Inference
   * reads them directly: a row of 77 bytes instead of 308 keeps the scattered reads in cache.
   */
  q: Int8Array;
  scales: Float32Array;
  bias: Float32Array;
  training: TrainingInfo;
  /** Optional sentence-vector head (see {@link DenseHead}). */
  dense?: DenseHead;
  /** bucket → row, built on load: a dense table is far faster than a Map. Read it with {@link rowOf}. */
  index: BucketIndex;
}

/** A prediction with its confidence (the winning class probability). */
export interface Prediction {
  label: string;
  confidence: number;
  probabilities: Float64Array;
}

/**
 * bucket → row. Two bytes a bucket when the rows fit (every English model): the lookups are
 * scattered over the whole table, and a 2 MB table instead of 4 MB keeps more of them in cache.
 * The largest value of the element type stands for "no row": every marker is at least the row
 * count, which is how readers tell it from a row.
 */
export type BucketIndex = Uint16Array | Int32Array;

const NO_ROW16 = 0xffff;
const NO_ROW32 = 0x7fffffff;

/** Builds the bucket → row lookup for a classifier's kept buckets. */
export function bucketIndex(buckets: Int32Array, hashBits: number): BucketIndex {
  const index = buckets.length < NO_ROW16 ? new Uint16Array(2 ** hashBits).fill(NO_ROW16) : new Int32Array(2 ** hashBits).fill(NO_ROW32);
  buckets.forEach((b, i) => {
    index[b] = i;
  });
  return index;
}

/** The row of a bucket, or −1 when the classifier kept no row for it. */
export function rowOf(model: Pick<TextClassifier, 'index' | 'idf'>, bucket: number): number {
  const j = model.index[bucket] ?? NO_ROW32;
  return j >= model.idf.length ? -1 : j;
}

/**
 * Sublinear TF (1 + ln tf) × IDF, then L2-normalised: as one vector, or with `blockNorm` the word
 * block and the char block each to unit length. Buckets outside the vocabulary are dropped, as
 * they were in training, so long texts are not diluted by noise the model never weighed.
 */
export function vectorize({ buckets, tf, words }: TermFrequencies, index: BucketIndex, idf: ArrayLike<number>, blockNorm = false): SparseVector {
  const rows = idf.length; // see BucketIndex: any value at or above it marks "no row"
  const idx = new Int32Array(buckets.length);
  const val = new Float64Array(buckets.length);
  let n = 0;
  let wordsKept = 0;
  let normWords = 0;
  let normRest = 0;
  for (let i = 0; i < buckets.length; i++) {
    const j = index[buckets[i] as number] as number;
    if (j >= rows) continue;
    const v = (tf[i] as number) * (idf[j] as number);
    idx[n] = j;
    val[n++] = v;
    if (i < words) {
      normWords += v * v;
      wordsKept = n;
    } else normRest += v * v;
  }
  if (!blockNorm) {
    normWords += normRest;
    normRest = normWords;
  }
  const scaleWords = normWords > 0 ? 1 / Math.sqrt(normWords) : 0;
  const scaleRest = normRest > 0 ? 1 / Math.sqrt(normRest) : 0;
  for (let i = 0; i < n; i++) val[i] = (val[i] as number) * (i < wordsKept ? scaleWords : scaleRest);
  return { idx: idx.subarray(0, n), val: val.subarray(0, n) };
}

/** Logits straight from the int8 weights: accumulate, then apply each class's scale once. */
function inferenceLogits(model: TextClassifier, x: SparseVector): Float64Array {
  const K = model.labels.length;
  const q = model.q;
  const out = new Float64Array(K);
  const K4 = K - (K % 4);
  for (let i = 0; i < x.idx.length; i++) {
    const base = (x.idx[i] as number) * K;
    const v = x.val[i] as number;
    let k = 0;
    // Unrolled by four: V8 does not vectorise, and this loop is most of the triage time.
    for (; k < K4; k += 4) {
      out[k] = (out[k] as number) + v * (q[base + k] as number);
      out[k + 1] = (out[k + 1] as number) + v * (q[base + k + 1] as number);
      out[k + 2] = (out[k + 2] as number) + v * (q[base + k + 2] as number);
      out[k + 3] = (out[k + 3] as number) + v * (q[base + k + 3] as number);
    }
    for (; k < K; k++) out[k] = (out[k] as number) + v * (q[base + k] as number);
  }
  for (let k = 0; k < K; k++) out[k] = (out[k] as number) * (model.scales[k] as number) + (model.bias[k] as number);
  return out;
}

/**
 * Classifies pre-extracted feature counts (lets callers share one extraction across models). With a
 * dense head and the text's sentence vector, the two sides' logits are blended; without the vector,
 * the sparse side answers alone (calibrated on its own).
 */
export function classifyFeatures(model: TextClassifier, features: TermFrequencies, embedding?: ArrayLike<number>): Prediction {
  const z = inferenceLogits(model, vectorize(features, model.index, model.idf, model.spec.blockNorm === true));
  if (model.dense && embedding) {
    const d = denseLogits(model.dense.net, embedding);
    const { sparse, dense } = model.dense.blend;
    for (let k = 0; k < z.length; k++) z[k] = sparse * (z[k] as number) + dense * (d[k] as number);
  }
  const probabilities = softmaxInPlace(z);
  const best = argmax(probabilities);
  return { label: model.labels[best] as string, confidence: probabilities[best] as number, probabilities };
}

/** Classifies a text (with its sentence vector, when the model has a dense head and the caller has it). */
export function classifyText(model: TextClassifier, text: string, embedding?: ArrayLike<number>): Prediction {
  return classifyFeatures(model, extractFeatures(text, model.spec), embedding);
}

/** Probability of a given label (0 when the model does not know it). */
export function probabilityOf(model: TextClassifier, p: Prediction, label: string): number {
  const k = model.labels.indexOf(label);
  return k < 0 ? 0 : (p.probabilities[k] as number);
}
