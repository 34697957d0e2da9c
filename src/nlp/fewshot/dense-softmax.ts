/** A dense softmax regression: `w` is row-major by feature, `classes` per row. */
export interface DenseSoftmax {
  classes: number;
  dimension: number;
  w: Float32Array;
  bias: Float32Array;
}

export interface DenseTrainOptions {
  /** L2 penalty on the weights (not the bias), per example as in scikit-learn's 1 / (C n). */
  l2: number;
  /** Full-batch Adam steps; the loss is convex, so a fixed budget reaches its minimum closely. */
  iterations: number;
  learningRate: number;
  /** Optional per-example weights (e.g. label-name examples count less). */
  weights?: number[];
}

/**
 * Multinomial logistic regression on dense vectors by full-batch Adam. Deterministic: no sampling.
 * Few-shot sets are small (hundreds of rows), so a full batch each step costs little.
 */
export function trainDenseSoftmax(xs: Float32Array[], ys: number[], classes: number, opts: DenseTrainOptions): DenseSoftmax {
  const n = xs.length;
  const d = xs[0]?.length ?? 0;
  const K = classes;
  const w = new Float32Array(d * K);
  const bias = new Float32Array(K);
  const gw = new Float32Array(d * K);
  const gb = new Float32Array(K);
  const m = new Float32Array(d * K + K);
  const v = new Float32Array(d * K + K);
  const z = new Float64Array(K);
  const weights = opts.weights ?? xs.map(() => 1);
  const totalWeight = weights.reduce((a, b) => a + b, 0);
  const b1 = 0.9;
  const b2 = 0.999;
  for (let t = 1; t <= opts.iterations; t++) {
    gw.fill(0);
    gb.fill(0);
    for (let i = 0; i < n; i++) {
      const x = xs[i]!;
      denseLogitsInto({ classes: K, dimension: d, w, bias }, x, z);
      softmax(z);
      const scale = weights[i]! / totalWeight;
      z[ys[i]!] = z[ys[i]!]! - 1;
      for (let k = 0; k < K; k++) {
        const g = z[k]! * scale;
        z[k] = g;
        gb[k] = gb[k]! + g;
      }
      for (let j = 0; j < d; j++) {
        const xj = x[j]!;
        if (xj === 0) continue;
        const base = j * K;
        for (let k = 0; k < K; k++) gw[base + k] = gw[base + k]! + xj * z[k]!;
      }
    }
    const lr = (opts.learningRate * Math.sqrt(1 - b2 ** t)) / (1 - b1 ** t);
    for (let j = 0; j < w.length; j++) {
      const g = gw[j]! + opts.l2 * w[j]!;
      m[j] = b1 * m[j]! + (1 - b1) * g;
      v[j] = b2 * v[j]! + (1 - b2) * g * g;
      w[j] = w[j]! - (lr * m[j]!) / (Math.sqrt(v[j]!) + 1e-8);
    }
    for (let k = 0; k < K; k++) {
      const j = w.length + k;
      const g = gb[k]!;
      m[j] = b1 * m[j]! + (1 - b1) * g;
      v[j] = b2 * v[j]! + (1 - b2) * g * g;
      bias[k] = bias[k]! - (lr * m[j]!) / (Math.sqrt(v[j]!) + 1e-8);
    }
  }
  return { classes: K, dimension: d, w, bias };
}

/** Logits of one vector into `out`. */
export function denseLogitsInto(model: DenseSoftmax, x: ArrayLike<number>, out: Float64Array): Float64Array {
  const K = model.classes;
  for (let k = 0; k < K; k++) out[k] = model.bias[k]!;
  for (let j = 0; j < model.dimension; j++) {
    const xj = x[j]!;
    if (xj === 0) continue;
    const base = j * K;
    for (let k = 0; k < K; k++) out[k] = out[k]! + xj * model.w[base + k]!;
  }
  return out;
}

/** Softmax in place, stabilised by the maximum. */
export function softmax(z: Float64Array): Float64Array {
  let max = -Infinity;
  for (let k = 0; k < z.length; k++) max = Math.max(max, z[k]!);
  let sum = 0;
  for (let k = 0; k < z.length; k++) {
    const e = Math.exp(z[k]! - max);
    z[k] = e;
    sum += e;
  }
  for (let k = 0; k < z.length; k++) z[k] = z[k]! / sum;
  return z;
}

/**
 * A ridge-regression classifier (as scikit-learn's RidgeClassifier: targets ±1 per class, centred
 * data, unpenalised intercept), solved exactly in closed form through a Cholesky factorisation of
 * the d × d Gram matrix. Its scores times `scale` serve as logits. A few hundred examples of 512
 * dimensions solve in a fraction of a second, against seconds for iterative logistic regression,
 * which makes the cross-validated calibration affordable.
 */
export function trainRidge(xs: Float32Array[], ys: number[], classes: number, opts: { alpha: number; scale: number; weights?: number[] }): DenseSoftmax {
  const n = xs.length;
  const d = xs[0]?.length ?? 0;
  const K = classes;
  const weights = opts.weights ?? xs.map(() => 1);
  const total = weights.reduce((a, b) => a + b, 0);
  const mean = new Float64Array(d);
  const ymean = new Float64Array(K).fill(-1);
  for (let i = 0; i < n; i++) {
    const x = xs[i]!;
    const wi = weights[i]! / total;
    for (let j = 0; j < d; j++) mean[j] = mean[j]! + wi * x[j]!;
    ymean[ys[i]!] = ymean[ys[i]!]! + 2 * wi;
  }
  // A = Xcᵀ W Xc + alpha I, B = Xcᵀ W Yc.
  const A = new Float64Array(d * d);
  const B = new Float64Array(d * K);
  const xc = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    const x = xs[i]!;
    const wi = weights[i]!;
    for (let j = 0; j < d; j++) xc[j] = x[j]! - mean[j]!;
    for (let a = 0; a < d; a++) {
      const va = wi * xc[a]!;
      if (va === 0) continue;
      const row = a * d;
      for (let b = 0; b <= a; b++) A[row + b] = A[row + b]! + va * xc[b]!;
      const brow = a * K;
      for (let k = 0; k < K; k++) B[brow + k] = B[brow + k]! + va * ((k === ys[i] ? 1 : -1) - ymean[k]!);
    }
  }
  for (let a = 0; a < d; a++) A[a * d + a] = A[a * d + a]! + opts.alpha;
  // Cholesky A = L Lᵀ in the lower triangle.
  for (let j = 0; j < d; j++) {
    let s = A[j * d + j]!;
    for (let k = 0; k < j; k++) s -= A[j * d + k]! * A[j * d + k]!;
    const ljj = Math.sqrt(Math.max(s, 1e-12));
    A[j * d + j] = ljj;
    for (let i = j + 1; i < d; i++) {
      let t = A[i * d + j]!;
      for (let k = 0; k < j; k++) t -= A[i * d + k]! * A[j * d + k]!;
      A[i * d + j] = t / ljj;
    }
  }
  // Solve L Z = B, then Lᵀ W = Z, for all classes at once.
  for (let i = 0; i < d; i++) {
    for (let k = 0; k < i; k++) {
      const l = A[i * d + k]!;
      if (l === 0) continue;
      for (let c = 0; c < K; c++) B[i * K + c] = B[i * K + c]! - l * B[k * K + c]!;
    }
    const lii = A[i * d + i]!;
    for (let c = 0; c < K; c++) B[i * K + c] = B[i * K + c]! / lii;
  }
  for (let i = d - 1; i >= 0; i--) {
    for (let k = i + 1; k < d; k++) {
      const l = A[k * d + i]!;
      if (l === 0) continue;
      for (let c = 0; c < K; c++) B[i * K + c] = B[i * K + c]! - l * B[k * K + c]!;
    }
    const lii = A[i * d + i]!;
    for (let c = 0; c < K; c++) B[i * K + c] = B[i * K + c]! / lii;
  }
  const w = new Float32Array(d * K);
  const bias = new Float32Array(K);
  for (let c = 0; c < K; c++) {
    let b = ymean[c]!;
    for (let j = 0; j < d; j++) b -= mean[j]! * B[j * K + c]!;
    bias[c] = b * opts.scale;
  }
  for (let i = 0; i < w.length; i++) w[i] = B[i]! * opts.scale;
  return { classes: K, dimension: d, w, bias };
}
