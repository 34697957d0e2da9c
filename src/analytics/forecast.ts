/**
 * Next days' volume by Holt-Winters (additive trend and weekly season). Why this method: daily
 * complaint counts have a level that drifts, a slow trend and a strong weekday pattern; Holt-Winters
 * models exactly those three with three smoothing weights, is explainable in one paragraph, and needs
 * only two weeks of history. Weights are fixed (not fitted) so a forecast is reproducible; the
 * backtest reports how well they do on this data. Pure.
 */

export interface HoltWintersParams {
  alpha: number;
  beta: number;
  gamma: number;
  season: number;
}

export const DEFAULT_HW: HoltWintersParams = { alpha: 0.3, beta: 0.05, gamma: 0.2, season: 7 };

/**
 * Forecasts `horizon` steps after `series` (oldest first). With fewer than two seasons of history it
 * falls back to the mean of the last season (a trend or weekday pattern cannot be estimated yet).
 * Forecasts are counts, so they are clipped at 0.
 */
export function holtWinters(series: readonly number[], horizon: number, p: HoltWintersParams = DEFAULT_HW): number[] {
  const m = p.season;
  if (series.length < 2 * m) {
    const tail = series.slice(-m);
    const mean = tail.length ? tail.reduce((a, b) => a + b, 0) / tail.length : 0;
    return new Array<number>(horizon).fill(mean);
  }
  const first = series.slice(0, m);
  const second = series.slice(m, 2 * m);
  const avg1 = first.reduce((a, b) => a + b, 0) / m;
  const avg2 = second.reduce((a, b) => a + b, 0) / m;
  let level = avg1;
  let trend = (avg2 - avg1) / m;
  const seasonal = first.map((v) => v - avg1);
  for (let t = m; t < series.length; t++) {
    const s = seasonal[t % m]!;
    const prevLevel = level;
    level = p.alpha * (series[t]! - s) + (1 - p.alpha) * (level + trend);
    trend = p.beta * (level - prevLevel) + (1 - p.beta) * trend;
    seasonal[t % m] = p.gamma * (series[t]! - level) + (1 - p.gamma) * s;
  }
  const n = series.length;
  return Array.from({ length: horizon }, (_, h) => Math.max(0, level + (h + 1) * trend + seasonal[(n + h) % m]!));
}

export interface BacktestResult {
  /** Mean absolute error per day over the held-out days. */
  mae: number;
  /** The same for the seasonal-naive forecast (same weekday last week), the bar to beat. */
  naiveMae: number;
  days: number;
}

/**
 * Rolling-origin backtest: for each of the last `folds` weeks, forecast 7 days from the history before
 * them and compare with what happened. Returns null when the series is too short for one fold.
 */
export function backtest(series: readonly number[], folds = 4, horizon = 7, p: HoltWintersParams = DEFAULT_HW): BacktestResult | null {
  let err = 0;
  let naiveErr = 0;
  let days = 0;
  for (let f = folds; f >= 1; f--) {
    const cut = series.length - f * horizon;
    if (cut < 2 * p.season) continue;
    const train = series.slice(0, cut);
    const actual = series.slice(cut, cut + horizon);
    const fc = holtWinters(train, horizon, p);
    actual.forEach((a, i) => {
      err += Math.abs(a - fc[i]!);
      naiveErr += Math.abs(a - train[train.length - p.season + (i % p.season)]!);
      days++;
    });
  }
  if (days === 0) return null;
  return { mae: err / days, naiveMae: naiveErr / days, days };
}
