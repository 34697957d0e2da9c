import { describe, expect, it } from 'vitest';
import { addInto, bucketBounds, estimatePercentile, type Histogram } from '../../../src/analytics/histogram';

/** The bucket migration 0015's complaint_stats_bucket gives a duration. */
const bucketOf = (s: number): number => (s < 1 ? 0 : Math.floor(16 * Math.log2(s)) + 1);

/** percentile_cont: linear interpolation at position p·(n−1) of the sorted values. */
function percentileCont(values: number[], p: number): number {
  const xs = [...values].sort((a, b) => a - b);
  const pos = p * (xs.length - 1);
  const lo = Math.floor(pos);
  return xs[lo]! + (xs[Math.min(lo + 1, xs.length - 1)]! - xs[lo]!) * (pos - lo);
}

const histogramOf = (values: number[]): Histogram => values.reduce<Histogram>((h, v) => addInto(h, { [bucketOf(v)]: 1 }), {});

describe('duration histograms', () => {
  it('buckets are contiguous and 2^(1/16) wide', () => {
    expect(bucketBounds(0)).toEqual([0, 1]);
    expect(bucketBounds(1)[0]).toBe(1);
    for (const b of [1, 17, 200]) {
      expect(bucketBounds(b + 1)[0]).toBeCloseTo(bucketBounds(b)[1], 9);
      expect(bucketBounds(b)[1] / bucketBounds(b)[0]).toBeCloseTo(2 ** (1 / 16), 12);
      const [lo, hi] = bucketBounds(b);
      expect(bucketOf((lo + hi) / 2)).toBe(b);
    }
  });

  it('estimates percentile_cont within a bucket width on skewed durations', () => {
    let s = 7;
    const rand = () => ((s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const values = Array.from({ length: 5000 }, () => Math.exp(6 + 3 * rand() * rand() * 4)); // minutes to weeks, long tail
    const h = histogramOf(values);
    for (const p of [0.1, 0.5, 0.9, 0.99]) {
      const exact = percentileCont(values, p);
      expect(Math.abs(estimatePercentile(h, p)! - exact) / exact).toBeLessThan(0.045);
    }
  });

  it('is null when empty, and adding histograms adds counts', () => {
    expect(estimatePercentile({}, 0.5)).toBeNull();
    expect(estimatePercentile({ '5': 0 }, 0.5)).toBeNull();
    expect(addInto({ '1': 2, '3': 1 }, { '3': 4, '9': 1 })).toEqual({ '1': 2, '3': 5, '9': 1 });
    // sub-second durations land in bucket 0 and are spread linearly over [0, 1)
    expect(estimatePercentile({ '0': 1 }, 0.5)).toBeCloseTo(0.5, 12);
  });
});
