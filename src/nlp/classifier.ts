import { extractFeatures, type FeatureCounts, type FeatureSpec } from './features';
import { argmax, predictProba, type LinearWeights, type SparseVector } from './linear';

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

/** A trained text classifier: feature spec, kept hash buckets with their IDF, and weights. */
export interface TextClassifier {
  name: string;
  labels: string[];
  spec: FeatureSpec;
  /** Sorted hash buckets that survived the document-frequency cut, one weight row each. */
  buckets: Int32Array;
  idf: Float32Array;
  weights: LinearWeights;
  training: TrainingInfo;
  /** bucket → row, built on load. */
  index: Map<number, number>;
}

/** A prediction with its confidence (the winning class probability). */
export interface Prediction {
  label: string;
  confidence: number;
  probabilities: Float64Array;
}

/** Builds the bucket → row lookup for a classifier's kept buckets. */
export function bucketIndex(buckets: Int32Array): Map<number, number> {
  const index = new Map<number, number>();
  buckets.forEach((b, i) => index.set(b, i));
  return index;
}

/**
 * Sublinear TF (1 + ln tf) × IDF, then L2-normalised. Buckets outside the vocabulary are dropped,
 * as they were in training, so long texts are not diluted by noise the model never weighed.
 */
export function vectorize(counts: FeatureCounts, index: Map<number, number>, idf: ArrayLike<number>): SparseVector {
  const idx: number[] = [];
  const val: number[] = [];
  let norm = 0;
  for (const [bucket, c] of counts) {
    const j = index.get(bucket);
    if (j === undefined) continue;
    const v = (1 + Math.log(c)) * (idf[j] as number);
    idx.push(j);
    val.push(v);
    norm += v * v;
  }
  const scale = norm > 0 ? 1 / Math.sqrt(norm) : 0;
  return { idx: Int32Array.from(idx), val: Float64Array.from(val, (v) => v * scale) };
}

/** Classifies pre-extracted feature counts (lets callers share one extraction across models). */
export function classifyFeatures(model: TextClassifier, counts: FeatureCounts): Prediction {
  const probabilities = predictProba(model.weights, vectorize(counts, model.index, model.idf));
  const best = argmax(probabilities);
  return { label: model.labels[best] as string, confidence: probabilities[best] as number, probabilities };
}

/** Classifies a text. */
export function classifyText(model: TextClassifier, text: string): Prediction {
  return classifyFeatures(model, extractFeatures(text, model.spec));
}

/** Probability of a given label (0 when the model does not know it). */
export function probabilityOf(model: TextClassifier, p: Prediction, label: string): number {
  const k = model.labels.indexOf(label);
  return k < 0 ? 0 : (p.probabilities[k] as number);
}
