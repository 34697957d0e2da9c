import { describe, expect, it } from 'vitest';
import { denseLogitsInto, softmax, trainLogistic } from '../../../../src/nlp/fewshot/dense-softmax';
import { createRng } from '../../../../src/nlp/prng';

// Vectors like sentence embeddings: a large shared direction plus a small class-dependent part,
// the case where plain gradient steps crawl.
function data(n: number, d: number, K: number, seed: number) {
  const rng = createRng(seed);
  const centres = Array.from({ length: K }, () => Float64Array.from({ length: d }, () => rng() - 0.5));
  const xs: Float32Array[] = [];
  const ys: number[] = [];
  for (let i = 0; i < n; i++) {
    const y = i % K;
    xs.push(Float32Array.from({ length: d }, (_, j) => (j === 0 ? 3 : 0) + 0.3 * centres[y]![j]! + 0.2 * (rng() - 0.5)));
    ys.push(y);
  }
  return { xs, ys };
}

describe('trainLogistic', () => {
  it("reaches the minimum of ½‖W‖² + C Σ wᵢ CEᵢ: the gradient vanishes at its weights", () => {
    const d = 24;
    const K = 5;
    const C = 10;
    const { xs, ys } = data(120, d, K, 3);
    const weights = xs.map((_, i) => (i % 7 === 0 ? 3 : 1));
    const m = trainLogistic(xs, ys, K, { C, maxIterations: 2000, tolerance: 1e-9, weights });
    const gw = new Float64Array(d * K);
    const gb = new Float64Array(K);
    const z = new Float64Array(K);
    xs.forEach((x, i) => {
      softmax(denseLogitsInto(m, x, z));
      for (let k = 0; k < K; k++) {
        const g = C * weights[i]! * (z[k]! - (k === ys[i] ? 1 : 0));
        gb[k] = gb[k]! + g;
        for (let j = 0; j < d; j++) gw[j * K + k] = gw[j * K + k]! + g * x[j]!;
      }
    });
    for (let j = 0; j < d * K; j++) gw[j] = gw[j]! + m.w[j]!;
    const scale = Math.max(...Array.from(m.w, Math.abs));
    expect(scale).toBeGreaterThan(0.5);
    // float32 weights: relative to the weights' size, the gradient is rounding noise.
    expect(Math.max(...Array.from(gw, Math.abs)) / scale).toBeLessThan(1e-3);
    expect(Math.max(...Array.from(gb, Math.abs)) / scale).toBeLessThan(1e-3);
  });

  it('continues from a warm start to the same minimum', () => {
    const { xs, ys } = data(90, 16, 3, 5);
    const cold = trainLogistic(xs, ys, 3, { C: 5, maxIterations: 2000, tolerance: 1e-9 });
    const rough = trainLogistic(xs.slice(0, 60), ys.slice(0, 60), 3, { C: 5, maxIterations: 2000, tolerance: 1e-9 });
    const warm = trainLogistic(xs, ys, 3, { C: 5, maxIterations: 2000, tolerance: 1e-9, init: rough });
    for (let j = 0; j < cold.w.length; j++) expect(warm.w[j]).toBeCloseTo(cold.w[j]!, 3);
    for (let k = 0; k < 3; k++) expect(warm.bias[k]).toBeCloseTo(cold.bias[k]!, 3);
  });
});
