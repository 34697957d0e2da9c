import { createRng, shuffleInPlace } from './prng';

/** A sparse example: feature indices and their (already weighted, normalised) values. */
export interface SparseVector {
  idx: Int32Array;
  val: Float64Array;
}

/** Multinomial logistic regression weights: row-major by feature, `k` classes per row. */
export interface LinearWeights {
  classes: number;
  features: number;
  w: Float64Array | Float32Array;
  bias: Float64Array | Float32Array;
}

/** Hyper-parameters for {@link trainLinear}. */
export interface LinearTrainOptions {
  /** L2 strength applied to the weights an example touches (lazy, per occurrence). */
  l2: number;
  epochs: number;
  /** Adagrad base step. */
  learningRate: number;
  seed: number;
  /** Optional per-class loss weights (for imbalance). */
  classWeights?: number[];
  /**
   * Returns the mean of the end-of-epoch weights instead of the last ones: smooths the noise of
   * the final SGD steps and generalises better at no extra cost per example.
   */
  average?: boolean;
  /** Called after each epoch, e.g. to drive a progress bar. */
  onEpoch?: (epoch: number) => void;
}

/**
 * Softmax in place, stabilised by subtracting the maximum logit (log-sum-exp), so logits of
 * ±1e300 give probabilities, not NaN.
 */
export function softmaxInPlace(z: Float64Array): Float64Array {
  let max = -Infinity;
  for (let k = 0; k < z.length; k++) if ((z[k] as number) > max) max = z[k] as number;
  if (!Number.isFinite(max)) {
    // All -Infinity (or NaN): no evidence either way.
    z.fill(1 / z.length);
    return z;
  }
  let sum = 0;
  for (let k = 0; k < z.length; k++) {
    const e = Math.exp((z[k] as number) - max);
    z[k] = e;
    sum += e;
  }
  for (let k = 0; k < z.length; k++) z[k] = (z[k] as number) / sum;
  return z;
}

/** Logits for one example: bias plus the sparse dot product for every class. */
export function logits(model: LinearWeights, x: SparseVector, out = new Float64Array(model.classes)): Float64Array {
  const K = model.classes;
  for (let k = 0; k < K; k++) out[k] = model.bias[k] as number;
  for (let i = 0; i < x.idx.length; i++) {
    const base = (x.idx[i] as number) * K;
    const v = x.val[i] as number;
    for (let k = 0; k < K; k++) out[k] = (out[k] as number) + v * (model.w[base + k] as number);
  }
  return out;
}

/** Class probabilities for one example. */
export function predictProba(model: LinearWeights, x: SparseVector): Float64Array {
  return softmaxInPlace(logits(model, x));
}

/** Index of the largest value (first on ties, so results are deterministic). */
export function argmax(values: ArrayLike<number>): number {
  let best = 0;
  for (let k = 1; k < values.length; k++) if ((values[k] as number) > (values[best] as number)) best = k;
  return best;
}

/**
 * Trains multinomial logistic regression by Adagrad SGD on cross-entropy with L2. The example
 * order is shuffled each epoch by a seeded generator, so a seed fixes the result exactly.
 */
export function trainLinear(
  xs: SparseVector[],
  ys: number[],
  classes: number,
  features: number,
  opts: LinearTrainOptions,
): LinearWeights {
  const K = classes;
  const w = new Float64Array(features * K);
  const gw = new Float64Array(features * K);
  const bias = new Float64Array(K);
  const gb = new Float64Array(K);
  const model: LinearWeights = { classes: K, features, w, bias };
  const order = xs.map((_, i) => i);
  const rng = createRng(opts.seed);
  const z = new Float64Array(K);
  const g = new Float64Array(K);
  const eps = 1e-8;
  const avgW = new Float64Array(opts.average ? features * K : 0);
  const avgB = new Float64Array(K);
  const lr = opts.learningRate;
  for (let epoch = 0; epoch < opts.epochs; epoch++) {
    shuffleInPlace(order, rng);
    for (const n of order) {
      const x = xs[n] as SparseVector;
      const y = ys[n] as number;
      softmaxInPlace(logits(model, x, z));
      const cw = opts.classWeights?.[y] ?? 1;
      for (let k = 0; k < K; k++) g[k] = cw * ((z[k] as number) - (k === y ? 1 : 0));
      for (let k = 0; k < K; k++) {
        const gk = g[k] as number;
        gb[k] = (gb[k] as number) + gk * gk;
        bias[k] = (bias[k] as number) - (lr * gk) / (Math.sqrt(gb[k] as number) + eps);
      }
      for (let i = 0; i < x.idx.length; i++) {
        const base = (x.idx[i] as number) * K;
        const v = x.val[i] as number;
        for (let k = 0; k < K; k++) {
          const j = base + k;
          const grad = (g[k] as number) * v + opts.l2 * (w[j] as number);
          if (grad === 0) continue;
          gw[j] = (gw[j] as number) + grad * grad;
          w[j] = (w[j] as number) - (lr * grad) / (Math.sqrt(gw[j] as number) + eps);
        }
      }
    }
    if (opts.average) {
      for (let j = 0; j < w.length; j++) avgW[j] = (avgW[j] as number) + (w[j] as number);
      for (let k = 0; k < K; k++) avgB[k] = (avgB[k] as number) + (bias[k] as number);
    }
    opts.onEpoch?.(epoch + 1);
  }
  if (!opts.average || opts.epochs === 0) return model;
  for (let j = 0; j < w.length; j++) avgW[j] = (avgW[j] as number) / opts.epochs;
  for (let k = 0; k < K; k++) avgB[k] = (avgB[k] as number) / opts.epochs;
  return { classes: K, features, w: avgW, bias: avgB };
}
