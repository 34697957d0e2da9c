import { createRng, shuffleInPlace } from './prng';

/**
 * A small classifier over sentence vectors: softmax regression (`hidden` 0) or one hidden ReLU
 * layer. Weights are row-major by input: `w1` is dim × hidden, `w2` is (hidden or dim) × classes.
 */
export interface DenseNet {
  dim: number;
  hidden: number;
  classes: number;
  w1: Float32Array;
  b1: Float32Array;
  w2: Float32Array;
  b2: Float32Array;
}

/** Hyper-parameters for {@link trainDense}. */
export interface DenseTrainOptions {
  /** Hidden units (0: softmax regression on the vector itself). */
  hidden: number;
  epochs: number;
  /** Adam step. */
  learningRate: number;
  /** Decoupled weight decay per step (AdamW), on weights only. */
  weightDecay: number;
  /** Share of hidden units dropped in training (inverted dropout); 0 for none. */
  dropout: number;
  batchSize: number;
  seed: number;
  /** Optional per-class loss weights. */
  classWeights?: number[];
  onEpoch?: (epoch: number, net: DenseNet) => void;
}

/**
 * The sentence vectors are about unit length, so each of their 512 components is about 0.04:
 * multiplied by √dim they are of unit scale, which suits the default initialisation and steps.
 * A constant, not fitted: nothing here is learnt from the data outside the weights.
 */
export const inputScale = (dim: number): number => Math.sqrt(dim);

/** Logits of one vector into `out` (and the hidden activations into `h`, when there is a hidden layer). */
export function denseLogits(net: DenseNet, x: ArrayLike<number>, out = new Float64Array(net.classes), h = new Float64Array(net.hidden)): Float64Array {
  const { dim, hidden: H, classes: K } = net;
  const s = inputScale(dim);
  for (let k = 0; k < K; k++) out[k] = net.b2[k]!;
  if (H === 0) {
    for (let i = 0; i < dim; i++) {
      const v = x[i]! * s;
      const base = i * K;
      for (let k = 0; k < K; k++) out[k] = out[k]! + v * net.w2[base + k]!;
    }
    return out;
  }
  for (let j = 0; j < H; j++) h[j] = net.b1[j]!;
  for (let i = 0; i < dim; i++) {
    const v = x[i]! * s;
    if (v === 0) continue;
    const base = i * H;
    for (let j = 0; j < H; j++) h[j] = h[j]! + v * net.w1[base + j]!;
  }
  for (let j = 0; j < H; j++) {
    const a = h[j]!;
    if (a <= 0) {
      h[j] = 0;
      continue;
    }
    const base = j * K;
    for (let k = 0; k < K; k++) out[k] = out[k]! + a * net.w2[base + k]!;
  }
  return out;
}

/** Adam with decoupled weight decay over one parameter block. */
class AdamBlock {
  private readonly m: Float32Array;
  private readonly v: Float32Array;
  constructor(
    readonly p: Float32Array,
    readonly g: Float32Array,
    private readonly decay: boolean,
  ) {
    this.m = new Float32Array(p.length);
    this.v = new Float32Array(p.length);
  }
  step(lr: number, t: number, weightDecay: number): void {
    const b1 = 0.9;
    const b2 = 0.999;
    const a = (lr * Math.sqrt(1 - b2 ** t)) / (1 - b1 ** t);
    const wd = this.decay ? 1 - lr * weightDecay : 1;
    const { p, g, m, v } = this;
    for (let i = 0; i < p.length; i++) {
      const gi = g[i]!;
      const mi = b1 * m[i]! + (1 - b1) * gi;
      const vi = b2 * v[i]! + (1 - b2) * gi * gi;
      m[i] = mi;
      v[i] = vi;
      p[i] = p[i]! * wd - (a * mi) / (Math.sqrt(vi) + 1e-8);
    }
    g.fill(0);
  }
}

/**
 * Trains by mini-batch Adam on the softmax cross-entropy, seeded: the initial weights, the example
 * order and the dropout masks all come from one generator, so a seed fixes the result exactly.
 */
export function trainDense(xs: ArrayLike<number>[], ys: number[], classes: number, opts: DenseTrainOptions): DenseNet {
  const dim = xs[0]?.length ?? 0;
  const H = opts.hidden;
  const K = classes;
  const rng = createRng(opts.seed);
  const gauss = (): number => {
    const u = Math.max(rng(), 1e-12);
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng());
  };
  const inner = H === 0 ? dim : H;
  const net: DenseNet = {
    dim,
    hidden: H,
    classes: K,
    w1: Float32Array.from({ length: dim * H }, () => gauss() * Math.sqrt(2 / dim)),
    b1: new Float32Array(H),
    w2: Float32Array.from({ length: inner * K }, () => (H === 0 ? 0 : gauss() * Math.sqrt(1 / inner))),
    b2: new Float32Array(K),
  };
  const blocks = [
    new AdamBlock(net.w1, new Float32Array(net.w1.length), true),
    new AdamBlock(net.b1, new Float32Array(H), false),
    new AdamBlock(net.w2, new Float32Array(net.w2.length), true),
    new AdamBlock(net.b2, new Float32Array(K), false),
  ] as const;
  const [gw1, gb1, gw2, gb2] = blocks.map((b) => b.g) as [Float32Array, Float32Array, Float32Array, Float32Array];
  const s = inputScale(dim);
  const order = xs.map((_, i) => i);
  const z = new Float64Array(K);
  const h = new Float64Array(H);
  const gh = new Float64Array(H);
  const xsc = new Float64Array(dim);
  const keep = 1 - opts.dropout;
  let t = 0;
  for (let epoch = 0; epoch < opts.epochs; epoch++) {
    shuffleInPlace(order, rng);
    for (let start = 0; start < order.length; start += opts.batchSize) {
      const end = Math.min(order.length, start + opts.batchSize);
      const batch = end - start;
      for (let b = start; b < end; b++) {
        const n = order[b]!;
        const x = xs[n]!;
        const y = ys[n]!;
        for (let i = 0; i < dim; i++) xsc[i] = x[i]! * s;
        // Forward, with the dropout mask applied to the hidden activations.
        for (let k = 0; k < K; k++) z[k] = net.b2[k]!;
        if (H > 0) {
          for (let j = 0; j < H; j++) h[j] = net.b1[j]!;
          for (let i = 0; i < dim; i++) {
            const v = xsc[i]!;
            const base = i * H;
            for (let j = 0; j < H; j++) h[j] = h[j]! + v * net.w1[base + j]!;
          }
          for (let j = 0; j < H; j++) {
            const a = h[j]! > 0 && (keep >= 1 || rng() < keep) ? h[j]! / keep : 0;
            h[j] = a;
            if (a === 0) continue;
            const base = j * K;
            for (let k = 0; k < K; k++) z[k] = z[k]! + a * net.w2[base + k]!;
          }
        } else {
          for (let i = 0; i < dim; i++) {
            const v = xsc[i]!;
            const base = i * K;
            for (let k = 0; k < K; k++) z[k] = z[k]! + v * net.w2[base + k]!;
          }
        }
        // Softmax cross-entropy gradient with respect to the logits, averaged over the batch.
        let max = -Infinity;
        for (let k = 0; k < K; k++) max = Math.max(max, z[k]!);
        let sum = 0;
        for (let k = 0; k < K; k++) {
          z[k] = Math.exp(z[k]! - max);
          sum += z[k]!;
        }
        const wy = (opts.classWeights?.[y] ?? 1) / batch;
        for (let k = 0; k < K; k++) {
          z[k] = wy * (z[k]! / sum - (k === y ? 1 : 0));
          gb2[k] = gb2[k]! + z[k]!;
        }
        if (H > 0) {
          for (let j = 0; j < H; j++) {
            const a = h[j]!;
            if (a === 0) {
              gh[j] = 0;
              continue;
            }
            const base = j * K;
            let back = 0;
            for (let k = 0; k < K; k++) {
              gw2[base + k] = gw2[base + k]! + a * z[k]!;
              back += net.w2[base + k]! * z[k]!;
            }
            // Through the ReLU and the dropout scaling (a > 0 means the unit was kept).
            gh[j] = back / keep;
            gb1[j] = gb1[j]! + gh[j]!;
          }
          for (let i = 0; i < dim; i++) {
            const v = xsc[i]!;
            const base = i * H;
            for (let j = 0; j < H; j++) gw1[base + j] = gw1[base + j]! + v * gh[j]!;
          }
        } else {
          for (let i = 0; i < dim; i++) {
            const v = xsc[i]!;
            const base = i * K;
            for (let k = 0; k < K; k++) gw2[base + k] = gw2[base + k]! + v * z[k]!;
          }
        }
      }
      t++;
      for (const block of blocks) block.step(opts.learningRate, t, opts.weightDecay);
    }
    opts.onEpoch?.(epoch + 1, net);
  }
  return net;
}
