import { createRng, shuffleInPlace } from './prng';

/** A sparse example: feature indices and their (already weighted, normalised) values. */
export interface SparseVector {
  idx: Int32Array;
  val: Float64Array;
}

/** Linear classifier weights: row-major by feature, `k` classes per row. */
export interface LinearWeights {
  classes: number;
  features: number;
  w: Float64Array | Float32Array;
  bias: Float64Array | Float32Array;
}

/**
 * Training loss. `log`: multinomial cross-entropy (softmax regression). `squared-hinge`: one
 * squared hinge per class, one-vs-rest, as scikit-learn's LinearSVC; it puts every update into
 * the examples near a class boundary (0.1 to 1.9 held-out points on the shipped models' data).
 * Hinge margins are not probabilities: the trainer fits a softmax temperature for them.
 */
export type LinearLoss = 'log' | 'squared-hinge';

/** Hyper-parameters for {@link trainLinear}. */
export interface LinearTrainOptions {
  /** Defaults to `log`. */
  loss?: LinearLoss;
  /** L2 strength applied to the weights an example's gradient touches (lazy, per occurrence). */
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

/** Gradient of the loss with respect to the logits `z` (overwritten) into `g`. */
function lossGradient(loss: LinearLoss, z: Float64Array, y: number, weight: number, g: Float64Array): void {
  const K = z.length;
  if (loss === 'log') {
    softmaxInPlace(z);
    for (let k = 0; k < K; k++) g[k] = weight * ((z[k] as number) - (k === y ? 1 : 0));
    return;
  }
  for (let k = 0; k < K; k++) {
    const t = k === y ? 1 : -1;
    const slack = 1 - t * (z[k] as number);
    g[k] = slack > 0 ? -2 * weight * t * slack : 0;
  }
}

/**
 * Trains a linear classifier (multinomial logistic regression, or one-vs-rest squared hinge) by
 * Adagrad SGD with L2. The example order is shuffled each epoch by a seeded generator, so a seed
 * fixes the result exactly.
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
  const active = new Int32Array(K);
  const eps = 1e-8;
  const avgW = new Float64Array(opts.average ? features * K : 0);
  const avgB = new Float64Array(K);
  const lr = opts.learningRate;
  const loss = opts.loss ?? 'log';
  for (let epoch = 0; epoch < opts.epochs; epoch++) {
    shuffleInPlace(order, rng);
    for (const n of order) {
      const x = xs[n] as SparseVector;
      const y = ys[n] as number;
      logits(model, x, z);
      lossGradient(loss, z, y, opts.classWeights?.[y] ?? 1, g);
      // Only the classes the loss moves are updated (or decayed): once a hinge is met it leaves
      // most of the 77 intent classes alone, which makes an epoch several times faster.
      let nActive = 0;
      for (let k = 0; k < K; k++) {
        const gk = g[k] as number;
        if (gk === 0) continue;
        active[nActive++] = k;
        gb[k] = (gb[k] as number) + gk * gk;
        bias[k] = (bias[k] as number) - (lr * gk) / (Math.sqrt(gb[k] as number) + eps);
      }
      for (let i = 0; i < x.idx.length; i++) {
        const base = (x.idx[i] as number) * K;
        const v = x.val[i] as number;
        for (let a = 0; a < nActive; a++) {
          const k = active[a] as number;
          const j = base + k;
          const grad = (g[k] as number) * v + opts.l2 * (w[j] as number);
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
