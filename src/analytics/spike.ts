/**
 * Volume spikes: is today's count for a category out of line with its own past?
 *
 * The baseline is an EWMA of the category's daily counts after removing the day-of-week pattern
 * (complaints follow the working week), multiplied back by the weekday factor of the day under test.
 * The test is Poisson: counts of independent arrivals are Poisson around their rate, so the chance of
 * seeing at least `observed` when `expected` is the rate is the p-value. Pure; no clock, no I/O.
 */

export interface SpikeOptions {
  /** EWMA smoothing: weight of the newest day (0..1). */
  alpha: number;
  /** Alert when P(X ≥ observed | expected) is below this. */
  pValue: number;
  /** Never alert on fewer complaints than this, however quiet the baseline: 3 complaints are not a spike. */
  minCount: number;
  /** The expected rate never goes below this, so a category with no history does not alert on its first few. */
  minExpected: number;
  /** Days of history needed before weekday factors are trusted (fewer: factors are 1). */
  seasonalMinDays: number;
  /**
   * Days of history needed before any alert: a fresh install has no past, and a baseline of zeros
   * (the days before it) made its first ordinary day a "spike" twice over.
   */
  minHistoryDays: number;
}

export const DEFAULT_SPIKE_OPTIONS: SpikeOptions = { alpha: 0.2, pValue: 0.001, minCount: 5, minExpected: 0.5, seasonalMinDays: 28, minHistoryDays: 7 };

export interface SpikeResult {
  expected: number;
  observed: number;
  pValue: number;
  spike: boolean;
}

/** P(X ≥ k) for X ~ Poisson(lambda), summed in log space so large k does not overflow. */
export function poissonUpperTail(k: number, lambda: number): number {
  if (k <= 0) return 1;
  if (lambda <= 0) return 0;
  // 1 − P(X ≤ k−1); the terms are built by recurrence from P(X=0).
  let term = Math.exp(-lambda);
  let cdf = term;
  for (let i = 1; i < k; i++) {
    term *= lambda / i;
    cdf += term;
  }
  return Math.max(0, 1 - cdf);
}

/**
 * Multiplicative weekday factors from a daily history whose last element fell on `lastWeekday`
 * (0 = Sunday). Each factor is shrunk towards 1 by the number of weeks seen, so one busy Monday does
 * not make every Monday busy.
 */
export function weekdayFactors(history: readonly number[], lastWeekday: number, minDays: number): number[] {
  const factors = new Array<number>(7).fill(1);
  if (history.length < minDays) return factors;
  const mean = history.reduce((a, b) => a + b, 0) / history.length;
  if (mean === 0) return factors;
  const sums = new Array<number>(7).fill(0);
  const counts = new Array<number>(7).fill(0);
  history.forEach((v, i) => {
    const wd = (((lastWeekday - (history.length - 1 - i)) % 7) + 7) % 7;
    sums[wd]! += v;
    counts[wd]! += 1;
  });
  for (let wd = 0; wd < 7; wd++) {
    const n = counts[wd]!;
    if (n === 0) continue;
    const raw = sums[wd]! / n / mean;
    const weight = n / (n + 2); // two pseudo-weeks of prior at factor 1
    factors[wd] = weight * raw + (1 - weight);
  }
  return factors;
}

/** EWMA of a series, seeded with the mean of its first week so the start does not dominate. */
export function ewma(series: readonly number[], alpha: number): number {
  if (series.length === 0) return 0;
  const seedN = Math.min(7, series.length);
  let level = series.slice(0, seedN).reduce((a, b) => a + b, 0) / seedN;
  for (let i = seedN; i < series.length; i++) level = alpha * series[i]! + (1 - alpha) * level;
  return level;
}

/**
 * Tests one day's count against the category's history.
 * @param history daily counts before the day under test, oldest first; only days the service was
 *   receiving complaints (a day before the install is unknown, not zero)
 * @param observed the count of the day under test
 * @param weekday the weekday of the day under test (0 = Sunday)
 */
export function detectSpike(history: readonly number[], observed: number, weekday: number, opts: SpikeOptions = DEFAULT_SPIKE_OPTIONS): SpikeResult {
  const lastWeekday = (weekday + 6) % 7;
  const factors = weekdayFactors(history, lastWeekday, opts.seasonalMinDays);
  const deseasonalised = history.map((v, i) => {
    const wd = (((lastWeekday - (history.length - 1 - i)) % 7) + 7) % 7;
    return v / factors[wd]!;
  });
  const expected = Math.max(opts.minExpected, ewma(deseasonalised, opts.alpha) * factors[weekday]!);
  const pValue = poissonUpperTail(observed, expected);
  const enough = history.length >= opts.minHistoryDays;
  return { expected, observed, pValue, spike: enough && observed >= opts.minCount && pValue < opts.pValue };
}
