import { describe, expect, it } from 'vitest';
import { AppError } from '../../../platform/errors.js';
import { lnGamma, normalLoss, normalPpf, poissonTable, tableCdf, tableLoss } from './distributions.js';
import { demandMoments, leadTimeDemand, leadTimeDemandFromHistory, VMR_CUTS } from './lead-time-demand.js';
import { normalLossInverse, stockingLevels } from './reorder.js';
import { serviceMeasures } from './service-level.js';
import { DEFAULT_SLA_POLICY, parseSlaPolicy, resolveServiceTarget } from './targets.js';

const code = (fn: () => unknown) => {
  try {
    fn();
  } catch (e) {
    return e instanceof AppError ? e.code : String(e);
  }
  return 'no error';
};

describe('textbook values', () => {
  it('gives the standard normal quantiles and loss function as the tables print them', () => {
    // Silver, Pyke & Thomas, table B.1: z for 90/95/99 %, G(z) at 0, 1 and 2.
    expect(normalPpf(0.9)).toBeCloseTo(1.2816, 4);
    expect(normalPpf(0.95)).toBeCloseTo(1.6449, 4);
    expect(normalPpf(0.99)).toBeCloseTo(2.3263, 4);
    expect(normalLoss(0)).toBeCloseTo(0.3989, 4);
    expect(normalLoss(1)).toBeCloseTo(0.0833, 4);
    expect(normalLoss(2)).toBeCloseTo(0.0085, 4);
    expect(normalLossInverse(normalLoss(1.5))).toBeCloseTo(1.5, 12);
  });

  it('gives Poisson cumulative probabilities and expected shortages computed by hand', () => {
    const t = poissonTable(2);
    const e2 = Math.exp(-2);
    expect(tableCdf(t, 0)).toBeCloseTo(e2, 15);
    expect(tableCdf(t, 2)).toBeCloseTo(e2 * (1 + 2 + 2), 15);
    // E[(D − 0)⁺] is the mean; E[(D − 1)⁺] = mean − 1 + P(D = 0).
    expect(tableLoss(t, 0)).toBeCloseTo(2, 14);
    expect(tableLoss(t, 1)).toBeCloseTo(1 + e2, 14);
    expect(tableLoss(t, -3)).toBeCloseTo(5, 14);
  });

  it('gives ln Γ of whole numbers as ln of the factorial', () => {
    expect(lnGamma(1)).toBeCloseTo(0, 14);
    expect(lnGamma(11)).toBeCloseTo(Math.log(3628800), 12);
    expect(lnGamma(0.5)).toBeCloseTo(Math.log(Math.sqrt(Math.PI)), 14);
  });

  it('finds the Poisson reorder point of the worked example: mean 2, 95 % cycle service level → 5', () => {
    // P(D ≤ 4) = 0.9473, P(D ≤ 5) = 0.9834 for Poisson(2).
    const r = stockingLevels({
      demand: leadTimeDemand({ mean: 0.5, variance: 0.5, leadTime: 4 }),
      target: { kind: 'cycle-service-level', value: 0.95 },
      orderQuantity: 2,
    });
    expect(r.distribution).toBe('poisson');
    expect(r.reorderPoint).toBe(5);
    expect(r.orderUpTo).toBe(7);
    expect(r.safetyStock).toBe(3);
    expect(r.cycleServiceLevel).toBeCloseTo(0.9834, 4);
    expect(r.reasons.join('\n')).toContain('5 gives 0.983436, 4 gives 0.947347');
  });

  it('finds the normal reorder point for a fill rate with the loss function', () => {
    // μ 100, σ 20, Q 200, β 0.99: G(z) = 0.01 × 200 / 20 = 0.1 → z = 0.90235 (G(0.90) = 0.1004 in the tables).
    const r = stockingLevels({
      demand: leadTimeDemand({ mean: 25, variance: 100, leadTime: 4, distribution: 'normal' }),
      target: { kind: 'fill-rate', value: 0.99 },
      orderQuantity: 200,
    });
    expect(normalLoss((r.reorderPoint - 100) / 20)).toBeCloseTo(0.1, 14);
    expect(r.reorderPoint).toBeCloseTo(100 + 20 * 0.90235, 3);
    expect(r.reorderPointUnits).toBe(119);
    expect(r.fillRate).toBeCloseTo(0.99, 12);
  });
});

describe('leadTimeDemand: moments over lead time plus review and the distribution by variance-to-mean ratio', () => {
  it('adds the lead-time variance as mean² × σ_L² and the review period to the interval', () => {
    const d = leadTimeDemand({ mean: 3, variance: 2, leadTime: 4, leadTimeVariance: 1, reviewPeriod: 2 });
    expect(d.protectionInterval).toBe(6);
    expect(d.mean).toBe(18);
    expect(d.variance).toBe(6 * 2 + 9 * 1);
    expect(d.reasons[0]).toContain('review period 2');
  });

  it.each([
    [1, 0.5, 'normal'],
    [1, 0.9, 'poisson'],
    [1, 1, 'poisson'],
    [1, 1.1, 'poisson'],
    [1, 1.1000001, 'negative-binomial'],
    [0.2, 3, 'negative-binomial'],
  ])('mean %d, variance %d → %s', (mean, variance, kind) => {
    const d = leadTimeDemand({ mean, variance, leadTime: 1 });
    expect(d.kind).toBe(kind);
    expect(d.reasons.at(-1 - (kind === 'negative-binomial' ? 1 : 0))).toMatch(/variance-to-mean ratio/);
  });

  it('judges the ratio after lead-time variance, which can make Poisson demand lumpy over the lead time', () => {
    expect(leadTimeDemand({ mean: 1, variance: 1, leadTime: 3 }).kind).toBe('poisson');
    const d = leadTimeDemand({ mean: 1, variance: 1, leadTime: 3, leadTimeVariance: 1 });
    expect(d.vmr).toBeCloseTo(4 / 3, 15);
    expect(d.kind).toBe('negative-binomial');
    expect((d.r! * (1 - d.p!)) / d.p!).toBeCloseTo(d.mean, 12);
  });

  it('keeps the cuts stated', () => {
    expect(VMR_CUTS).toEqual({ poissonBelow: 0.9, negativeBinomialAbove: 1.1 });
  });

  it('takes moments from a history with the sample variance and says so', () => {
    expect(demandMoments([0, 2, 0, 4])).toMatchObject({ mean: 1.5, variance: 11 / 3, periods: 4 });
    const d = leadTimeDemandFromHistory([0, 0, 3, 0, 0, 1], { leadTime: 2 });
    expect(d.kind).toBe('negative-binomial');
    expect(d.reasons[0]).toContain('6 periods of history');
  });

  it('calls no demand no demand: reorder point 0 meets every target', () => {
    const d = leadTimeDemandFromHistory([0, 0, 0], { leadTime: 3 });
    expect(d.kind).toBe('none');
    const r = stockingLevels({
      demand: d,
      target: { kind: 'cycle-service-level', value: 0.99 },
      orderQuantity: 1,
    });
    expect(r.reorderPoint).toBe(0);
    expect(r.fillRate).toBe(1);
  });

  it('refuses negative or missing figures and a negative binomial without overdispersion', () => {
    expect(code(() => leadTimeDemand({ mean: -1, variance: 1, leadTime: 1 }))).toBe('VALIDATION_FAILED');
    expect(code(() => leadTimeDemand({ mean: 1, variance: 1, leadTime: 0 }))).toBe('VALIDATION_FAILED');
    expect(code(() => leadTimeDemand({ mean: 1, variance: NaN, leadTime: 1 }))).toBe('VALIDATION_FAILED');
    expect(code(() => demandMoments([]))).toBe('VALIDATION_FAILED');
    expect(
      code(() => leadTimeDemand({ mean: 1, variance: 1, leadTime: 1, distribution: 'negative-binomial' })),
    ).toBe('VALIDATION_FAILED');
  });
});

describe('stockingLevels and serviceMeasures', () => {
  it('refuses a target of 1, a missing order quantity, and fractional levels for whole-unit demand', () => {
    const demand = leadTimeDemand({ mean: 2, variance: 2, leadTime: 1 });
    expect(
      code(() => stockingLevels({ demand, target: { kind: 'fill-rate', value: 1 }, orderQuantity: 1 })),
    ).toBe('VALIDATION_FAILED');
    expect(
      code(() => stockingLevels({ demand, target: { kind: 'fill-rate', value: 0.9 }, orderQuantity: 0 })),
    ).toBe('VALIDATION_FAILED');
    expect(code(() => serviceMeasures(demand).cycleServiceLevel(2.5))).toBe('VALIDATION_FAILED');
  });

  it('raises a negative normal reorder point to 0 and says so', () => {
    const r = stockingLevels({
      demand: leadTimeDemand({ mean: 1, variance: 0.25, leadTime: 1 }),
      target: { kind: 'fill-rate', value: 0.5 },
      orderQuantity: 10,
    });
    expect(r.reorderPoint).toBe(0);
    expect(r.reasons.join('\n')).toContain('raised to 0');
  });

  it('handles steady demand with no spread', () => {
    const demand = leadTimeDemand({ mean: 4, variance: 0, leadTime: 2 });
    expect(demand.kind).toBe('normal');
    const csl = stockingLevels({
      demand,
      target: { kind: 'cycle-service-level', value: 0.95 },
      orderQuantity: 8,
    });
    expect(csl.reorderPoint).toBe(8);
    const fill = stockingLevels({ demand, target: { kind: 'fill-rate', value: 0.75 }, orderQuantity: 8 });
    expect(fill.reorderPoint).toBe(6);
    expect(fill.fillRate).toBe(0.75);
  });

  it('handles fast movers whose P(0) underflows (Poisson mean 5000)', () => {
    const r = stockingLevels({
      demand: leadTimeDemand({ mean: 1000, variance: 1000, leadTime: 5 }),
      target: { kind: 'cycle-service-level', value: 0.95 },
      orderQuantity: 1000,
    });
    // Close to the normal approximation μ + 1.645σ = 5116.3, but whole and exact.
    expect(r.reorderPoint).toBeGreaterThan(5110);
    expect(r.reorderPoint).toBeLessThan(5125);
    const m = serviceMeasures(leadTimeDemand({ mean: 1000, variance: 1000, leadTime: 5 }));
    expect(m.cycleServiceLevel(r.reorderPoint)).toBeGreaterThanOrEqual(0.95);
    expect(m.cycleServiceLevel(r.reorderPoint - 1)).toBeLessThan(0.95);
  });

  it('plans demand too widely spread for a whole-unit table with the normal approximation, and says so', () => {
    // A lumpy mean of 10⁹ a period: the negative binomial's table would run from its mode of
    // ~5·10⁸ down to 0, and filled the heap before the table had a bound below its mode.
    const lumpy = leadTimeDemand({ mean: 1e9, variance: 5e17, leadTime: 1 });
    expect(lumpy.kind).toBe('negative-binomial');
    // A Poisson of 10¹² (σ 10⁶) would need ~75 million entries.
    const fast = leadTimeDemand({ mean: 1e12, variance: 1e12, leadTime: 1 });
    expect(fast.kind).toBe('poisson');
    for (const demand of [lumpy, fast]) {
      const r = stockingLevels({ demand, target: { kind: 'fill-rate', value: 0.95 }, orderQuantity: 1e9 });
      expect(r.distribution).toBe('normal');
      expect(r.reasons[1]).toMatch(/more than 1,000,000 entries .* normal approximation/);
      const sigma = Math.sqrt(demand.variance);
      expect(r.reorderPoint).toBeCloseTo(demand.mean + normalLossInverse((0.05 * 1e9) / sigma) * sigma, 0);
      expect(Number.isInteger(r.reorderPointUnits)).toBe(true);
    }
    // A spread a table can hold keeps its exact whole-unit levels.
    const m = serviceMeasures(leadTimeDemand({ mean: 1000, variance: 1000, leadTime: 5 }));
    expect([m.kind, m.approximation, m.discrete]).toEqual(['poisson', null, true]);
  });
});

describe('SLA targets as data', () => {
  it('resolves the defaults by criticality', () => {
    expect(resolveServiceTarget({ criticality: 'A' }).target).toEqual({
      kind: 'cycle-service-level',
      value: 0.98,
    });
    expect(resolveServiceTarget({ criticality: 'B' }).target).toEqual({ kind: 'fill-rate', value: 0.95 });
    expect(resolveServiceTarget({ criticality: 'C' }).target).toEqual({ kind: 'fill-rate', value: 0.9 });
    const none = resolveServiceTarget({ partNumber: 'SP-1' });
    expect(none.source).toBe('fallback');
    expect(none.reasons).toEqual(['part SP-1 has no criticality', "the policy's fallback: fill rate 0.9"]);
  });

  it('lets a listed part class win over criticality, and says so', () => {
    const policy = parseSlaPolicy({
      byPartClass: { rotable: { kind: 'cycle-service-level', value: 0.99 } },
      byCriticality: { A: { kind: 'fill-rate', value: 0.97 } },
      fallback: { kind: 'fill-rate', value: 0.85 },
    });
    const r = resolveServiceTarget({ partNumber: 'SP-9', partClass: 'rotable', criticality: 'A' }, policy);
    expect(r).toMatchObject({ source: 'part-class', target: { kind: 'cycle-service-level', value: 0.99 } });
    expect(r.reasons[1]).toContain('precedence over criticality A');
    const unlisted = resolveServiceTarget({ partClass: 'consumable', criticality: 'B' }, policy);
    expect(unlisted.source).toBe('fallback');
    expect(unlisted.reasons).toContain('criticality B has no entry in the policy');
  });

  it('refuses a policy that is not well formed', () => {
    expect(code(() => parseSlaPolicy({ fallback: { kind: 'fill-rate', value: 1.2 } }))).toBe(
      'VALIDATION_FAILED',
    );
    expect(code(() => parseSlaPolicy({ fallback: { kind: 'availability', value: 0.9 } }))).toBe(
      'VALIDATION_FAILED',
    );
    expect(parseSlaPolicy(DEFAULT_SLA_POLICY)).toEqual(DEFAULT_SLA_POLICY);
  });
});
