import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  inService,
  modelShares,
  retirementAdjustment,
  thinnedMoments,
  type RetirementSchedule,
} from './retirement.js';

const mx100: RetirementSchedule = {
  equipmentModel: 'MX-100',
  phaseDownFrom: '2027-01-01T00:00:00Z',
  retireOn: '2027-04-01T00:00:00Z',
  reason: 'ECN-12 end of support',
};
const mx200: RetirementSchedule = {
  equipmentModel: 'MX-200',
  phaseDownFrom: null,
  retireOn: '2027-02-15T00:00:00Z',
  reason: 'ECN-13 recall',
};
// MX-100 6 units, MX-200 3, no model 1: shares 0.6, 0.3, 0.1.
const demand = [
  { model: 'MX-100', quantity: 4 },
  { model: 'MX-200', quantity: 3 },
  { model: null, quantity: 1 },
  { model: 'MX-100', quantity: 2 },
];
const starts = ['2026-12-01', '2027-01-01', '2027-02-01', '2027-03-01', '2027-04-01'];

describe('retired equipment models', () => {
  it('shares recent demand by model, unknown model last', () => {
    expect(modelShares(demand)).toEqual([
      { model: 'MX-100', quantity: 6, share: 0.6 },
      { model: 'MX-200', quantity: 3, share: 0.3 },
      { model: null, quantity: 1, share: 0.1 },
    ]);
    expect(modelShares([{ model: 'X', quantity: 0 }])).toEqual([]);
  });

  it('keeps a model in service until its phase-down, then linearly to none at its retirement', () => {
    expect(inService(mx100, '2026-12-31T00:00:00Z')).toBe(1);
    // 1 Jan to 1 Apr 2027 is 90 days; 1 Feb is 31 days in, 59 days before the end.
    expect(inService(mx100, '2027-02-01T00:00:00Z')).toBeCloseTo(59 / 90, 12);
    expect(inService(mx100, '2027-04-01T00:00:00Z')).toBe(0);
    expect(inService(mx200, '2027-02-14T23:59:59Z')).toBe(1);
    expect(inService(mx200, '2027-02-15T00:00:00Z')).toBe(0);
  });

  it('scales each period by the share still in service at its start, naming models and shares', () => {
    const a = retirementAdjustment({
      periodStarts: starts,
      demand,
      schedules: [mx100, mx200],
      source: 'work order consumption over the last 12 months',
    });
    // Dec, Jan: untouched. Feb: 1 − 0.6 × 31/90. Mar: 1 − 0.6 × 59/90 − 0.3. Apr: 1 − 0.6 − 0.3.
    const expected = [1, 1, 1 - (0.6 * 31) / 90, 1 - (0.6 * 59) / 90 - 0.3, 0.1];
    a.factors.forEach((f, k) => expect(f).toBeCloseTo(expected[k]!, 12));
    expect(a.retiring.map((r) => [r.model, r.share])).toEqual([
      ['MX-100', 0.6],
      ['MX-200', 0.3],
    ]);
    expect(a.reasons).toEqual([
      'demand by equipment model (work order consumption over the last 12 months, 10 in all): MX-100 60%, MX-200 30%, no model 10%',
      'MX-100 is phased down from 2027-01-01 and retired on 2027-04-01 (ECN-12 end of support): its 60% of demand falls linearly to nothing by then',
      'MX-200 is retired on 2027-02-15 (ECN-13 recall): its 30% of demand ends then',
      'forecast scaled by the share of demand still in service at each period’s start: 2027-02 × 0.7933, 2027-03 × 0.3067, 2027-04 × 0.1',
    ]);
  });

  it('leaves the forecast alone without a retiring model in the demand', () => {
    const a = retirementAdjustment({
      periodStarts: starts,
      demand: [{ model: 'MX-300', quantity: 5 }],
      schedules: [mx100],
      source: 'x',
    });
    expect(a).toMatchObject({ factors: [1, 1, 1, 1, 1], retiring: [], reasons: [] });
  });

  it('thins demand moments as units whose machine is still in service', () => {
    // μ 4, σ² 6, f 0.5: mean 2, variance 0.25 × 6 + 0.5 × 0.5 × 4 = 2.5.
    const t = thinnedMoments({ mean: 4, variance: 6 }, 0.5);
    expect([t.mean, t.variance]).toEqual([2, 2.5]);
    // Poisson stays Poisson: variance = mean.
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 50, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (mu, f) => {
          const p = thinnedMoments({ mean: mu, variance: mu }, f);
          expect(p.variance).toBeCloseTo(p.mean, 9);
        },
      ),
    );
  });

  it('never scales a period below zero or above one (property)', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            model: fc.constantFrom('A', 'B', 'C', null),
            quantity: fc.integer({ min: 0, max: 9 }),
          }),
        ),
        fc.integer({ min: 0, max: 400 }),
        (d, offset) => {
          const a = retirementAdjustment({
            periodStarts: starts,
            demand: d,
            schedules: [
              { ...mx100, equipmentModel: 'A' },
              {
                ...mx200,
                equipmentModel: 'B',
                retireOn: new Date(Date.UTC(2026, 11, 1) + offset * 86_400_000).toISOString(),
              },
            ],
            source: 'x',
          });
          for (const f of a.factors) {
            expect(f).toBeGreaterThanOrEqual(0);
            expect(f).toBeLessThanOrEqual(1);
          }
          // Factors never rise again once a model starts leaving.
          for (let k = 1; k < a.factors.length; k++)
            expect(a.factors[k]!).toBeLessThanOrEqual(a.factors[k - 1]! + 1e-12);
        },
      ),
    );
  });
});
