import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { chooseMethod } from './backtest.js';
import { classifyDemand } from './classification.js';
import { FORECAST_METHODS, forecastSeries, type MethodSpec } from './methods.js';
import { minimizeScalarBounded, npSum, roundHalfEven } from './numeric.js';

// Demand histories as spare parts show them: mostly zeros, whole units, the odd lump; some fractional.
const demand = fc.oneof(
  fc.constant(0),
  fc.constant(0),
  fc.integer({ min: 1, max: 5 }),
  fc.integer({ min: 0, max: 500 }),
  // Fractions, but no subnormal ones: those lose bits when scaled, and no demand is 1e-310.
  fc.double({ min: 1e-6, max: 50, noNaN: true, noDefaultInfinity: true }),
);
const unit = fc.oneof(fc.constantFrom(0, 1), fc.double({ min: 1e-6, max: 1, noNaN: true }));
const series = fc.array(demand, { minLength: 3, maxLength: 60 });
const spec: fc.Arbitrary<MethodSpec> = fc.oneof(
  fc.constantFrom(...FORECAST_METHODS.filter((m) => m !== 'moving-average')).map((method) => ({ method })),
  fc.record({ method: fc.constant('ses' as const), alpha: unit }),
  fc.record({ method: fc.constant('tsb' as const), alphaD: unit, alphaP: unit }),
  fc.record({ method: fc.constant('moving-average' as const), window: fc.integer({ min: 1, max: 3 }) }),
);

const max = (xs: number[]) => xs.reduce((a, b) => Math.max(a, b), 0);

describe('forecast properties', () => {
  it('forecasts are finite, not negative and no higher than the largest demand seen', () => {
    fc.assert(
      fc.property(series, spec, (values, s) => {
        const f = forecastSeries(values, s, 1);
        expect(Number.isFinite(f.level)).toBe(true);
        expect(f.level).toBeGreaterThanOrEqual(0);
        expect(f.level).toBeLessThanOrEqual(max(values) * (1 + 1e-12));
      }),
      { numRuns: 400 },
    );
  });

  it('a history of zeros forecasts zero, whatever the method', () => {
    fc.assert(
      fc.property(fc.integer({ min: 3, max: 40 }), spec, (n, s) => {
        expect(forecastSeries(new Array<number>(n).fill(0), s, 3).values).toEqual([0, 0, 0]);
      }),
    );
  });

  it('every method forecasts the same value for every period of the horizon', () => {
    fc.assert(
      fc.property(series, spec, fc.integer({ min: 1, max: 24 }), (values, s, h) => {
        const f = forecastSeries(values, s, h);
        expect(f.values).toHaveLength(h);
        expect(new Set(f.values)).toEqual(new Set([f.level]));
        expect(forecastSeries(values, s, 1).level).toBe(f.level);
      }),
    );
  });

  it('doubling every demand doubles every forecast, bit for bit (optimised α unchanged)', () => {
    // Scaling by 2 is exact in binary floating point, so even the optimiser must take the same path.
    fc.assert(
      fc.property(series, spec, (values, s) => {
        const once = forecastSeries(values, s, 1);
        const twice = forecastSeries(
          values.map((v) => v * 2),
          s,
          1,
        );
        expect(twice.level).toBe(once.level * 2);
        expect(twice.params).toEqual(once.params);
      }),
      { numRuns: 300 },
    );
  });

  it('SBA is Croston times 0.95, and TSB with α_p 0 is the first period’s occurrence times the smoothed size', () => {
    fc.assert(
      fc.property(series, (values) => {
        const croston = forecastSeries(values, { method: 'croston' }, 1).level;
        expect(forecastSeries(values, { method: 'sba' }, 1).level).toBe(croston * 0.95);
        const t = forecastSeries(values, { method: 'tsb', alphaD: 1, alphaP: 0 }, 1).level;
        const lastSize = [...values].reverse().find((v) => v > 0) ?? 0;
        expect(t).toBe(values.every((v) => v === 0) ? 0 : (values[0]! > 0 ? 1 : 0) * lastSize);
      }),
    );
  });

  it('the automatic choice never plans zero for a part that has demand, and gives reasons', () => {
    fc.assert(
      fc.property(series, (values) => {
        const choice = chooseMethod(values);
        if (values.some((v) => v > 0)) expect(choice.spec.method).not.toBe('zero');
        expect(choice.reasons.length).toBeGreaterThan(0);
        const c = classifyDemand(values);
        if (c.adi !== null && c.adi <= 1.32) expect(['smooth', 'erratic']).toContain(c.class);
      }),
      { numRuns: 150 },
    );
  });
});

describe('numeric primitives', () => {
  it('rounds halves to even like Python and everything else to the nearest integer', () => {
    fc.assert(
      fc.property(fc.integer({ min: -1e6, max: 1e6 }), (k) => {
        expect(roundHalfEven(k + 0.5)).toBe(k % 2 === 0 ? k : k + 1);
        expect(roundHalfEven(k + 0.49)).toBe(k);
        expect(roundHalfEven(k + 0.51)).toBe(k + 1);
      }),
    );
  });

  it('sums integers exactly, in any order (the pairwise order only matters for fractions)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 10_000 }), { maxLength: 400 }), (xs) => {
        expect(npSum(xs)).toBe(xs.reduce((a, b) => a + b, 0));
      }),
    );
  });

  it('finds the minimum of a convex function inside the bounds, or the nearer bound', () => {
    fc.assert(
      fc.property(fc.double({ min: -1, max: 2, noNaN: true }), (c) => {
        const m = minimizeScalarBounded((x) => (x - c) ** 2, 0.1, 0.3);
        const expected = Math.min(0.3, Math.max(0.1, c));
        expect(Math.abs(m.x - expected)).toBeLessThan(1e-4);
        expect(m.converged).toBe(true);
      }),
    );
  });
});
