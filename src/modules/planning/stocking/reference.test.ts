import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  negativeBinomialTable,
  normalCdf,
  normalLoss,
  normalPdf,
  normalPpf,
  normalSf,
  poissonTable,
  tableCdf,
  tableLoss,
} from './distributions.js';
import type { LeadTimeDemand } from './lead-time-demand.js';
import { stockingLevels } from './reorder.js';
import type { ServiceTarget } from './targets.js';

// Written by tools/reference/stocking_ref.py with scipy.stats; see its header for the definitions.
interface Reference {
  scipy: string;
  normal: {
    points: { z: number; cdf: number; sf: number; pdf: number; loss: number }[];
    ppf: { p: number; z: number }[];
  };
  discrete: {
    kind: 'poisson' | 'negative-binomial';
    mean: number;
    variance: number;
    points: { s: number; cdf: number; expectedShortage: number }[];
  }[];
  levels: {
    kind: 'normal' | 'poisson' | 'negative-binomial';
    mean: number;
    variance: number;
    orderQuantity: number;
    target: ServiceTarget;
    reorderPoint: number;
    cycleServiceLevel: number;
    expectedShortage: number;
    fillRate: number;
    belowFillRate?: number | null;
    belowCycleServiceLevel?: number | null;
  }[];
}

const ref = JSON.parse(
  readFileSync(new URL('../../../../test/fixtures/stocking/reference.json', import.meta.url), 'utf8'),
) as Reference;

const REL = 1e-9;
function expectClose(actual: number, expected: number, what: string): void {
  const tolerance = REL * Math.abs(expected);
  if (!(Math.abs(actual - expected) <= tolerance))
    throw new Error(`${what}: ${actual} differs from scipy's ${expected} by more than 1e-9 relative`);
}

function demandOf(c: { kind: LeadTimeDemand['kind']; mean: number; variance: number }): LeadTimeDemand {
  return {
    kind: c.kind,
    mean: c.mean,
    variance: c.kind === 'poisson' ? c.mean : c.variance,
    vmr: c.variance / c.mean,
    protectionInterval: 1,
    reasons: [],
  };
}

describe(`the normal distribution agrees with scipy ${ref.scipy} to 1e-9 relative`, () => {
  it.each(ref.normal.points)('z = $z: cdf, upper tail, density and loss function', (p) => {
    expectClose(normalCdf(p.z), p.cdf, `Φ(${p.z})`);
    expectClose(normalSf(p.z), p.sf, `1 − Φ(${p.z})`);
    expectClose(normalPdf(p.z), p.pdf, `φ(${p.z})`);
    expectClose(normalLoss(p.z), p.loss, `G(${p.z})`);
  });

  it.each(ref.normal.ppf)('Φ⁻¹($p)', ({ p, z }) => {
    expectClose(normalPpf(p), z, `Φ⁻¹(${p})`);
  });
});

describe('Poisson and negative binomial cdf and exact expected shortage agree with scipy to 1e-9 relative', () => {
  it.each(ref.discrete)('$kind mean $mean variance $variance', (c) => {
    const table = c.kind === 'poisson' ? poissonTable(c.mean) : negativeBinomialTable(c.mean, c.variance);
    for (const p of c.points) {
      expectClose(tableCdf(table, p.s), p.cdf, `P(D ≤ ${p.s})`);
      expectClose(tableLoss(table, p.s), p.expectedShortage, `E[(D − ${p.s})⁺]`);
    }
  });
});

describe('reorder points agree with scipy (1e-9 relative for normal demand, exactly for whole units)', () => {
  it.each(ref.levels)(
    '$kind mean $mean variance $variance Q $orderQuantity, $target.kind $target.value',
    (c) => {
      const r = stockingLevels({ demand: demandOf(c), target: c.target, orderQuantity: c.orderQuantity });
      if (c.kind === 'normal') {
        expectClose(r.reorderPoint, c.reorderPoint, 'reorder point');
      } else {
        expect(r.reorderPoint).toBe(c.reorderPoint);
        expect(Number.isInteger(r.reorderPoint)).toBe(true);
      }
      expectClose(r.orderUpTo, c.reorderPoint + c.orderQuantity, 'order-up-to level');
      expectClose(r.cycleServiceLevel, c.cycleServiceLevel, 'cycle service level');
      expectClose(r.expectedShortage, c.expectedShortage, 'expected shortage');
      expectClose(r.fillRate, c.fillRate, 'fill rate');
      const achieved = c.target.kind === 'cycle-service-level' ? r.cycleServiceLevel : r.fillRate;
      // A continuous s sits on the target itself, so the measure there may be an ulp or two short.
      expect(achieved).toBeGreaterThanOrEqual(
        c.kind === 'normal' ? c.target.value * (1 - 1e-12) : c.target.value,
      );
      if (c.kind !== 'normal' && c.reorderPoint > 0) {
        // One unit less misses the target, in scipy's figures as in ours.
        const below = c.target.kind === 'cycle-service-level' ? c.belowCycleServiceLevel : c.belowFillRate;
        expect(below).toBeLessThan(c.target.value);
      }
    },
  );

  it('covers every distribution and both target kinds', () => {
    const seen = new Set(ref.levels.map((c) => `${c.kind}/${c.target.kind}`));
    expect(seen.size).toBe(6);
  });
});
