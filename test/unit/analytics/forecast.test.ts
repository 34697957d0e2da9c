import { describe, expect, it } from 'vitest';
import { backtest, holtWinters } from '../../../src/analytics/forecast';
import { hotTopics } from '../../../src/analytics/hot-topics';
import { denseDailySeries } from '../../../src/analytics/daily-series';

describe('holtWinters', () => {
  it('reproduces a pure weekly pattern exactly', () => {
    const week = [10, 12, 11, 9, 8, 3, 2];
    const series = [...week, ...week, ...week, ...week];
    holtWinters(series, 7).forEach((v, i) => expect(v).toBeCloseTo(week[i]!, 6));
  });

  it('falls back to the last week mean with under two weeks of history', () => {
    expect(holtWinters([1, 2, 3, 4, 5, 6, 7, 8], 3)).toEqual([5, 5, 5]);
  });

  it('backtests against seasonal-naive on the held-out weeks', () => {
    const week = [10, 12, 11, 9, 8, 3, 2];
    const series = Array.from({ length: 42 }, (_, i) => week[i % 7]!);
    const r = backtest(series)!;
    expect(r.days).toBe(28);
    expect(r.mae).toBeCloseTo(0, 6);
    expect(r.naiveMae).toBe(0);
    expect(backtest([1, 2, 3])).toBeNull();
  });
});

describe('hotTopics', () => {
  it('ranks keywords by volume-normalised growth, once per complaint', () => {
    const current = [['refund', 'refund', 'app'], ['refund'], ['refund', 'crash'], ['crash'], ['app']];
    const previous = [['app'], ['app'], ['refund'], ['login'], ['login']];
    const items = hotTopics(current, previous);
    // refund: 3 now vs 1 before, growth (3+1)/(1+1) = 2; crash 2 vs 0: (2+1)/1 = 3; app 2 vs 2: no rise.
    expect(items.map((i) => i.keyword)).toEqual(['crash', 'refund']);
    expect(items[0]).toMatchObject({ current: 2, previous: 0, growth: 3 });
    expect(items[1]).toMatchObject({ current: 3, previous: 1, growth: 2 });
  });
});

describe('denseDailySeries', () => {
  it('fills quiet days with zeros', () => {
    const s = denseDailySeries([{ key: 'a', day: '2024-01-02', count: 3 }, { key: 'a', day: '2024-01-04', count: 1 }], '2024-01-01', 5);
    expect(s.get('a')).toEqual([0, 3, 0, 1, 0]);
  });
});
