import { describe, expect, it } from 'vitest';
import { leadTimeDemand } from '../stocking/lead-time-demand.js';
import { stockingLevels } from '../stocking/reorder.js';
import { chooseLearnedLeadTime, learnLeadTimes, type LeadTimeObservation } from './learning.js';
import { planningLeadTime } from './planning-lead-time.js';

const MONTH = 365.25 / 12;
const DAY = 86_400_000;

function receipts(days: number[]): LeadTimeObservation[] {
  return days.map((d, i) => ({
    partyKind: 'supplier',
    partyCode: 'SUP-A',
    partNumber: 'P-1',
    startedAt: new Date(Date.UTC(2026, 0, 1) + i * 7 * DAY).toISOString(),
    endedAt: new Date(Date.UTC(2026, 0, 1) + i * 7 * DAY + d * DAY).toISOString(),
    ref: `rpl-${i + 1}`,
  }));
}

describe('the lead time a planning run uses', () => {
  const learned = chooseLearnedLeadTime(
    learnLeadTimes(receipts([4, 5, 6, 7, 8])),
    'supplier',
    'SUP-A',
    'P-1',
  );
  const configured = { hours: 120, label: "the lead-time policy's default purchase time" };

  it('takes the run’s own lead time as fixed', () => {
    const lt = planningLeadTime({ given: 2, daysPerPeriod: MONTH, period: 'month', learned, configured });
    expect(lt).toMatchObject({ periods: 2, variance: 0, source: 'input' });
    expect(lt.reasons).toEqual(['lead time 2 months, as given for the run (taken as fixed)']);
  });

  it('converts a learned mean and spread to periods', () => {
    const lt = planningLeadTime({
      given: undefined,
      daysPerPeriod: MONTH,
      period: 'month',
      learned,
      configured,
    });
    // 4..8 days: mean 6, sample variance 10 / 4 = 2.5 d²; a month is 30.4375 days.
    expect(lt.source).toBe('learned');
    expect(lt.days).toBe(6);
    expect(lt.periods).toBeCloseTo(6 / 30.4375, 12);
    expect(lt.variance).toBeCloseTo(2.5 / 30.4375 ** 2, 12);
    expect(lt.reasons[0]).toBe(
      'lead time 0.1971 months (6 d) learned from actual receipts: learned for P-1: 5 receipts of P-1 from SUP-A between 2026-01-01 and 2026-02-06; mean 6 d, sd 1.6 d, p50 6 d, p90 8 d',
    );
    expect(lt.reasons[1]).toBe(
      'its spread, sd 1.58 d = 0.05195 months, enters the safety stock as lead-time variance 0.002698 months²',
    );
    const weekly = planningLeadTime({
      given: undefined,
      daysPerPeriod: 7,
      period: 'week',
      learned,
      configured,
    });
    expect(weekly.periods).toBeCloseTo(6 / 7, 12);
    expect(weekly.variance).toBeCloseTo(2.5 / 49, 12);
  });

  it('falls back to the configured lead time, saying why nothing learned was used', () => {
    const none = chooseLearnedLeadTime([], 'supplier', 'SUP-B', 'P-1');
    const lt = planningLeadTime({
      given: undefined,
      daysPerPeriod: 7,
      period: 'week',
      learned: none,
      configured,
    });
    expect(lt).toMatchObject({ periods: 5 / 7, variance: 0, days: 5, source: 'configured' });
    expect(lt.reasons).toEqual([
      'nothing recorded for supplier SUP-B to learn a lead time from',
      "lead time 0.7143 weeks (5 d) configured: the lead-time policy's default purchase time, 120 h (taken as fixed)",
    ]);
    expect(() =>
      planningLeadTime({
        given: undefined,
        daysPerPeriod: 7,
        period: 'week',
        learned: none,
        configured: null,
      }),
    ).toThrow(/no lead time to plan with/);
  });

  it('holds more safety stock for the same mean lead time when it varies', () => {
    // Demand 4 per month, variance 6: the learned spread adds μ²·σ_L² to the lead-time demand.
    const lt = planningLeadTime({
      given: undefined,
      daysPerPeriod: MONTH,
      period: 'month',
      learned,
      configured,
    });
    const target = { kind: 'cycle-service-level', value: 0.95 } as const;
    const level = (leadTimeVariance: number) =>
      stockingLevels({
        demand: leadTimeDemand({ mean: 4, variance: 6, leadTime: lt.periods, leadTimeVariance }),
        target,
        orderQuantity: 1,
      });
    const fixed = level(0);
    const varying = level(lt.variance);
    expect(varying.safetyStock).toBeGreaterThanOrEqual(fixed.safetyStock);
    const d = leadTimeDemand({ mean: 4, variance: 6, leadTime: lt.periods, leadTimeVariance: lt.variance });
    expect(d.variance).toBeCloseTo(lt.periods * 6 + 16 * lt.variance, 12);
  });
});
