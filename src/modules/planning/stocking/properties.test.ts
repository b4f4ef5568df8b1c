import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { leadTimeDemand, type LeadTimeDemand } from './lead-time-demand.js';
import { stockingLevels } from './reorder.js';
import { serviceMeasures } from './service-level.js';
import type { ServiceTarget } from './targets.js';

// Per-period demand of spare parts: slow movers to fast, under- to over-dispersed; lead times of 1 to 12 periods.
const demand: fc.Arbitrary<LeadTimeDemand> = fc
  .record({
    mean: fc.double({ min: 0.01, max: 40, noNaN: true }),
    vmr: fc.oneof(fc.double({ min: 0.05, max: 6, noNaN: true }), fc.constantFrom(0.9, 1, 1.1)),
    leadTime: fc.integer({ min: 1, max: 12 }),
    leadTimeVariance: fc.oneof(fc.constant(0), fc.double({ min: 0, max: 4, noNaN: true })),
  })
  .map(({ mean, vmr, leadTime, leadTimeVariance }) =>
    leadTimeDemand({ mean, variance: mean * vmr, leadTime, leadTimeVariance }),
  );
const targetValue = fc.double({ min: 0.05, max: 0.9995, noNaN: true });
const kind = fc.constantFrom<ServiceTarget['kind']>('cycle-service-level', 'fill-rate');
const orderQuantity = fc.oneof(
  fc.integer({ min: 1, max: 200 }),
  fc.double({ min: 0.5, max: 200, noNaN: true }),
);

describe('safety stock properties', () => {
  it('a higher target never lowers the reorder point', () => {
    fc.assert(
      fc.property(demand, kind, targetValue, targetValue, orderQuantity, (d, k, a, b, q) => {
        const [lo, hi] = a <= b ? [a, b] : [b, a];
        const low = stockingLevels({ demand: d, target: { kind: k, value: lo }, orderQuantity: q });
        const high = stockingLevels({ demand: d, target: { kind: k, value: hi }, orderQuantity: q });
        // Targets an ulp apart may give reorder points an ulp apart either way (the inverse
        // normal is monotone in exact arithmetic, not at the last bit): allow that, no more.
        const ulps = 1e-12 * Math.max(1, Math.abs(low.reorderPoint));
        expect(high.reorderPoint).toBeGreaterThanOrEqual(low.reorderPoint - ulps);
        expect(high.orderUpTo).toBe(high.reorderPoint + q);
      }),
      { numRuns: 300 },
    );
  });

  it('for whole-unit demand the chosen level meets the target and one unit less does not', () => {
    fc.assert(
      fc.property(demand, kind, targetValue, orderQuantity, (d, k, value, q) => {
        fc.pre(d.kind === 'poisson' || d.kind === 'negative-binomial');
        const r = stockingLevels({ demand: d, target: { kind: k, value }, orderQuantity: q });
        const m = serviceMeasures(d);
        const at = (s: number) => (k === 'cycle-service-level' ? m.cycleServiceLevel(s) : m.fillRate(s, q));
        expect(Number.isInteger(r.reorderPoint)).toBe(true);
        expect(r.reorderPoint).toBeGreaterThanOrEqual(0);
        expect(at(r.reorderPoint)).toBeGreaterThanOrEqual(value);
        if (r.reorderPoint > 0) expect(at(r.reorderPoint - 1)).toBeLessThan(value);
      }),
      { numRuns: 400 },
    );
  });

  it('for normal demand the level meets the target to rounding, and its whole units meet it outright', () => {
    fc.assert(
      fc.property(demand, kind, targetValue, orderQuantity, (d, k, value, q) => {
        fc.pre(d.kind === 'normal');
        const r = stockingLevels({ demand: d, target: { kind: k, value }, orderQuantity: q });
        const m = serviceMeasures(d);
        const at = (s: number) => (k === 'cycle-service-level' ? m.cycleServiceLevel(s) : m.fillRate(s, q));
        expect(at(r.reorderPoint)).toBeGreaterThanOrEqual(value * (1 - 1e-9));
        expect(at(r.reorderPointUnits)).toBeGreaterThanOrEqual(value);
      }),
      { numRuns: 300 },
    );
  });

  it('fill rate and cycle service level lie in [0, 1] and never fall as stock rises', () => {
    fc.assert(
      fc.property(demand, orderQuantity, fc.integer({ min: 0, max: 400 }), (d, q, top) => {
        const m = serviceMeasures(d);
        let lastFill = -1;
        let lastCsl = -1;
        const step = m.discrete ? 1 : 0.37;
        for (let s = 0; s <= top; s += step) {
          const fill = m.fillRate(s, q);
          const csl = m.cycleServiceLevel(s);
          for (const v of [fill, csl]) {
            expect(v).toBeGreaterThanOrEqual(0);
            expect(v).toBeLessThanOrEqual(1);
          }
          expect(fill).toBeGreaterThanOrEqual(lastFill);
          expect(csl).toBeGreaterThanOrEqual(lastCsl);
          lastFill = fill;
          lastCsl = csl;
        }
      }),
      { numRuns: 200 },
    );
  });
});
