import { logits, type LinearWeights, type SparseVector } from './linear';

/** Mean negative log-likelihood of the gold classes under softmax(logits / temperature). */
function meanNll(all: Float64Array[], gold: number[], temperature: number): number {
  let sum = 0;
  for (let n = 0; n < all.length; n++) {
    const z = all[n] as Float64Array;
    let max = -Infinity;
    for (let k = 0; k < z.length; k++) max = Math.max(max, (z[k] as number) / temperature);
    let total = 0;
    for (let k = 0; k < z.length; k++) total += Math.exp((z[k] as number) / temperature - max);
    sum += max + Math.log(total) - (z[gold[n] as number] as number) / temperature;
  }
  return sum / Math.max(1, all.length);
}

/**
 * Softmax temperature that minimises the log-loss of `model` on validation examples (golden-section
 * search over log T in [0.01, 100]; the log-loss is unimodal in T). Hinge margins are not
 * probabilities and cross-entropy training is over-confident; dividing the logits by T makes the
 * reported confidence a calibrated probability without moving any argmax.
 */
export function fitTemperature(model: LinearWeights, xs: SparseVector[], gold: number[]): number {
  return fitTemperatureToLogits(
    xs.map((x) => logits(model, x)),
    gold,
  );
}

/** {@link fitTemperature} over logits already computed (any model's). */
export function fitTemperatureToLogits(all: Float64Array[], gold: number[]): number {
  if (all.length === 0) return 1;
  let lo = Math.log(0.01);
  let hi = Math.log(100);
  const phi = (Math.sqrt(5) - 1) / 2;
  for (let it = 0; it < 50; it++) {
    const a = hi - phi * (hi - lo);
    const b = lo + phi * (hi - lo);
    if (meanNll(all, gold, Math.exp(a)) <= meanNll(all, gold, Math.exp(b))) hi = b;
    else lo = a;
  }
  return Math.exp((lo + hi) / 2);
}
