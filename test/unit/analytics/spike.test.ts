import { describe, expect, it } from 'vitest';
import { DEFAULT_SPIKE_OPTIONS, detectSpike, ewma, poissonUpperTail, weekdayFactors } from '../../../src/analytics/spike';

describe('poissonUpperTail', () => {
  it('matches hand-computed Poisson tails', () => {
    // P(X ≥ 1 | 2) = 1 − e^−2
    expect(poissonUpperTail(1, 2)).toBeCloseTo(1 - Math.exp(-2), 12);
    // P(X ≥ 3 | 1) = 1 − e^−1 (1 + 1 + 1/2)
    expect(poissonUpperTail(3, 1)).toBeCloseTo(1 - Math.exp(-1) * 2.5, 12);
    expect(poissonUpperTail(0, 5)).toBe(1);
    expect(poissonUpperTail(4, 0)).toBe(0);
  });
});

describe('ewma', () => {
  it('seeds with the first week mean, then smooths', () => {
    // seed = mean(7 sevens) = 7; then 0.5·14 + 0.5·7 = 10.5
    expect(ewma([7, 7, 7, 7, 7, 7, 7, 14], 0.5)).toBeCloseTo(10.5, 12);
  });
});

describe('weekdayFactors', () => {
  it('finds a busy weekday and shrinks it towards 1 by the weeks seen', () => {
    // 4 weeks, oldest day a Monday (weekday 1), last a Sunday (0): Mondays 8, other days 2.
    const history = Array.from({ length: 28 }, (_, i) => (i % 7 === 0 ? 8 : 2));
    const f = weekdayFactors(history, 0, 28);
    const mean = (8 + 6 * 2) / 7;
    // raw Monday factor 8/mean, weight 4/(4+2)
    expect(f[1]).toBeCloseTo((4 / 6) * (8 / mean) + 2 / 6, 12);
    expect(f[2]).toBeCloseTo((4 / 6) * (2 / mean) + 2 / 6, 12);
  });

  it('is flat with too little history', () => {
    expect(weekdayFactors([1, 2, 3], 0, 28)).toEqual([1, 1, 1, 1, 1, 1, 1]);
  });
});

describe('detectSpike', () => {
  const flat = new Array<number>(28).fill(3);

  it('flags a burst far above a steady baseline', () => {
    const r = detectSpike(flat, 15, 3);
    expect(r.expected).toBeCloseTo(3, 6);
    expect(r.spike).toBe(true);
    expect(r.pValue).toBeLessThan(1e-5);
  });

  it('does not flag ordinary variation', () => {
    expect(detectSpike(flat, 6, 3).spike).toBe(false);
  });

  it('does not flag a few complaints in a quiet category', () => {
    expect(detectSpike(new Array<number>(28).fill(0), 4, 3).spike).toBe(false);
  });

  it('expects the busy weekday to be busy (seasonality)', () => {
    // Mondays carry 12, other days 2; the day under test is a Monday with 14: not a spike. 14 on a Tuesday is.
    const history = Array.from({ length: 28 }, (_, i) => (i % 7 === 0 ? 12 : 2)); // oldest is a Monday
    expect(detectSpike(history, 14, 1).spike).toBe(false);
    const shifted = Array.from({ length: 28 }, (_, i) => ((i + 1) % 7 === 0 ? 12 : 2)); // oldest a Sunday, last a Monday
    expect(detectSpike(shifted, 14, 2).spike).toBe(true);
  });
});

describe('detectSpike before enough history (#20 item 14)', () => {
  it('never alerts with fewer than minHistoryDays days of history, however big the day', () => {
    // A week, pinned here by hand.
    expect(DEFAULT_SPIKE_OPTIONS.minHistoryDays).toBe(7);
    for (let days = 0; days < 7; days++) expect(detectSpike(new Array<number>(days).fill(0), 50, 3).spike, `${days} days`).toBe(false);
    // From then on the same day is a spike.
    expect(detectSpike(new Array<number>(7).fill(0), 50, 3).spike).toBe(true);
  });
});
