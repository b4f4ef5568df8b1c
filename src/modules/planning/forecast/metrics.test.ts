import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { mase, naiveMae, naiveMse, rmsse, summarize } from './metrics.js';

interface MetricCase {
  name: string;
  train: number[];
  test: number[];
  forecast: number[];
  seasonalLag: number;
  mase: number | null;
  rmsse: number | null;
}

// Computed with numpy by tools/reference/statsforecast_ref.py on real series.
const { metrics } = JSON.parse(
  readFileSync(new URL('../../../../test/fixtures/forecast/reference.json', import.meta.url), 'utf8'),
) as { metrics: MetricCase[] };

describe('MASE and RMSSE agree with a numpy computation on real series', () => {
  it('has cases to compare', () => expect(metrics.length).toBeGreaterThanOrEqual(12));
  for (const c of metrics) {
    it(c.name, () => {
      const m = mase(c.train, c.test, c.forecast, c.seasonalLag);
      const r = rmsse(c.train, c.test, c.forecast);
      if (c.mase === null) expect(Number.isFinite(m)).toBe(false);
      else expect(m).toBeCloseTo(c.mase, 12);
      if (c.rmsse === null) expect(Number.isFinite(r)).toBe(false);
      else expect(r).toBeCloseTo(c.rmsse, 12);
    });
  }
});

describe('MASE', () => {
  it('scales the holdout MAE by the in-sample seasonal naive MAE', () => {
    // lag 2: |3-1| + |4-2| + |5-3| over 3 = 2; holdout MAE (1 + 3) / 2 = 2 → 1.
    expect(mase([1, 2, 3, 4, 5], [6, 8], [5, 5], 2)).toBe(1);
    expect(naiveMae([1, 2, 3, 4, 5], 2)).toBe(2);
  });

  it('falls back to the one-step naive scale when the training part is shorter than the season', () => {
    expect(mase([1, 3, 2], [2], [4], 12)).toBe(2 / 1.5);
  });

  it('is infinite when the scale is 0 and the forecast misses, NaN when both are 0', () => {
    expect(mase([2, 2, 2, 2], [3], [2], 1)).toBe(Infinity);
    expect(mase([2, 2, 2, 2], [2], [2], 1)).toBeNaN();
  });

  it('refuses forecasts and actuals that do not pair up', () => {
    expect(() => mase([1, 2], [1, 2], [1], 1)).toThrow(/pair up/);
  });
});

describe('RMSSE', () => {
  it('is the root of holdout MSE over the in-sample one-step naive MSE', () => {
    // naive MSE: (1 + 1 + 4) / 3 = 2; holdout MSE (4 + 0) / 2 = 2 → 1.
    expect(naiveMse([0, 1, 2, 0])).toBe(2);
    expect(rmsse([0, 1, 2, 0], [3, 1], [1, 1])).toBe(1);
  });

  it('punishes a zero forecast for missing the lumps that MASE forgives', () => {
    const train = [0, 0, 6, 0, 0, 0, 0, 6, 0, 0, 0, 0];
    const test = [0, 0, 0, 6, 0, 0];
    const zero = [0, 0, 0, 0, 0, 0];
    const rate = new Array<number>(6).fill(1);
    expect(mase(train, test, zero, 1)).toBeLessThan(mase(train, test, rate, 1));
    expect(rmsse(train, test, zero)).toBeGreaterThan(rmsse(train, test, rate));
  });
});

describe('summarize', () => {
  it('gives mean and median of the finite values and counts what it drops', () => {
    expect(summarize([3, 1, Infinity, 2, NaN, 10])).toEqual({ mean: 4, median: 2.5, count: 4, dropped: 2 });
    expect(summarize([5, 1, 3])).toEqual({ mean: 3, median: 3, count: 3, dropped: 0 });
    const empty = summarize([NaN]);
    expect(empty.mean).toBeNaN();
    expect(empty.dropped).toBe(1);
  });
});
