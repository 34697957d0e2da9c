import { describe, expect, it } from 'vitest';
import { fitTemperature } from '../../../src/nlp/calibrate';
import { argmax, logits, predictProba, softmaxInPlace, trainLinear, type SparseVector } from '../../../src/nlp/linear';
import { createRng } from '../../../src/nlp/prng';

const vec = (pairs: [number, number][]): SparseVector => ({
  idx: Int32Array.from(pairs.map(([i]) => i)),
  val: Float64Array.from(pairs.map(([, v]) => v)),
});

/** Three classes, each owning two features, plus a shared noise feature. */
function toySet(n: number, seed: number) {
  const rng = createRng(seed);
  const xs: SparseVector[] = [];
  const ys: number[] = [];
  for (let i = 0; i < n; i++) {
    const y = i % 3;
    xs.push(vec([[y * 2 + (rng() < 0.5 ? 0 : 1), 1], [6, rng()]]));
    ys.push(y);
  }
  return { xs, ys };
}

describe('softmax', () => {
  it('stays finite with huge logits', () => {
    const p = softmaxInPlace(Float64Array.from([1e308, -1e308, 1e308 - 1e292]));
    expect(p.every(Number.isFinite)).toBe(true);
    expect(p[0]! + p[1]! + p[2]!).toBeCloseTo(1, 12);
    expect(p[1]).toBe(0);
  });

  it('is uniform when every logit is -Infinity', () => {
    expect(Array.from(softmaxInPlace(Float64Array.from([-Infinity, -Infinity])))).toEqual([0.5, 0.5]);
  });
});

describe('trainLinear', () => {
  const opts = { l2: 1e-6, epochs: 10, learningRate: 0.3, seed: 7 };

  it('learns a separable toy set', () => {
    const { xs, ys } = toySet(300, 1);
    const model = trainLinear(xs, ys, 3, 7, opts);
    const test = toySet(60, 2);
    const correct = test.xs.filter((x, i) => argmax(predictProba(model, x)) === test.ys[i]).length;
    expect(correct).toBe(60);
    expect(predictProba(model, test.xs[0]!)[test.ys[0]!]).toBeGreaterThan(0.8);
  });

  it('is deterministic for a seed and differs across seeds', () => {
    const { xs, ys } = toySet(90, 3);
    const a = trainLinear(xs, ys, 3, 7, opts);
    const b = trainLinear(xs, ys, 3, 7, opts);
    const c = trainLinear(xs, ys, 3, 7, { ...opts, seed: 8 });
    expect(Array.from(a.w)).toEqual(Array.from(b.w));
    expect(Array.from(a.w)).not.toEqual(Array.from(c.w));
  });
});

describe('squared-hinge loss', () => {
  const opts = { l2: 1e-6, epochs: 10, learningRate: 0.1, seed: 7, loss: 'squared-hinge' as const };

  it('learns the toy set and pushes margins past one', () => {
    const { xs, ys } = toySet(300, 1);
    const model = trainLinear(xs, ys, 3, 7, opts);
    const test = toySet(60, 2);
    const correct = test.xs.filter((x, i) => argmax(logits(model, x)) === test.ys[i]).length;
    expect(correct).toBe(60);
    const z = logits(model, test.xs[0]!);
    expect(z[test.ys[0]!]).toBeGreaterThan(0.5);
  });

  it('is deterministic for a seed', () => {
    const { xs, ys } = toySet(90, 3);
    expect(Array.from(trainLinear(xs, ys, 3, 7, opts).w)).toEqual(Array.from(trainLinear(xs, ys, 3, 7, opts).w));
  });
});

describe('fitTemperature', () => {
  it('sharpens under-confident logits and softens over-confident ones', () => {
    // Two classes, logit gap ±0.1, always right: the best temperature is small (sharper).
    const sure = { classes: 2, features: 1, w: Float64Array.from([0.1, -0.1]), bias: new Float64Array(2) };
    const xs = [vec([[0, 1]]), vec([[0, -1]])];
    expect(fitTemperature(sure, xs, [0, 1])).toBeLessThan(0.2);
    // Logit gap ±10 but right only 3 times in 4: the best temperature spreads the probabilities.
    const loud = { classes: 2, features: 1, w: Float64Array.from([10, -10]), bias: new Float64Array(2) };
    const t = fitTemperature(loud, [xs[0]!, xs[0]!, xs[0]!, xs[0]!], [0, 0, 0, 1]);
    // softmax(20 / T) = 0.75 → T = 20 / ln 3.
    expect(t).toBeCloseTo(20 / Math.log(3), 2);
  });
});
