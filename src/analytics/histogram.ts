/**
 * Log-scale duration histograms as the analytics rollup keeps them (`complaint_stats_bucket` in
 * migration 0015): bucket 0 holds [0, 1) s, bucket b ≥ 1 holds [2^((b-1)/16), 2^(b/16)) s, so every
 * bucket is 4.4 % wide and an estimated percentile is off by less than that.
 */
export type Histogram = Record<string, number>;

const PER_DOUBLING = 16;

export function bucketBounds(bucket: number): [number, number] {
  if (bucket <= 0) return [0, 1];
  return [2 ** ((bucket - 1) / PER_DOUBLING), 2 ** (bucket / PER_DOUBLING)];
}

/** Adds `b` into `into` (the rollup sums histograms bucket by bucket). */
export function addInto(into: Histogram, b: Histogram): Histogram {
  for (const [k, v] of Object.entries(b)) into[k] = (into[k] ?? 0) + v;
  return into;
}

/**
 * The `p` percentile as PostgreSQL's percentile_cont defines it (position p·(n−1) in the sorted
 * values), with the values of a bucket spread evenly over it on the log scale. Null when empty.
 */
export function estimatePercentile(h: Histogram, p: number): number | null {
  const buckets = Object.entries(h)
    .map(([k, v]) => [Number(k), v] as const)
    .filter(([, v]) => v > 0)
    .sort((a, b) => a[0] - b[0]);
  const n = buckets.reduce((s, [, v]) => s + v, 0);
  if (n === 0) return null;
  return valueAtRank(buckets, p * (n - 1));
}

function valueAtRank(buckets: ReadonlyArray<readonly [number, number]>, rank: number): number {
  let before = 0;
  for (const [bucket, count] of buckets) {
    if (rank < before + count) return spread(bucket, (rank - before + 0.5) / count);
    before += count;
  }
  const [last] = buckets[buckets.length - 1]!;
  return spread(last, 1);
}

/** The point a fraction `f` (0..1) of the way through a bucket: linear in [0, 1), geometric above. */
function spread(bucket: number, f: number): number {
  const [lo, hi] = bucketBounds(bucket);
  return bucket <= 0 ? lo + (hi - lo) * f : lo * (hi / lo) ** f;
}
