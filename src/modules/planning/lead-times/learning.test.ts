import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { chooseLearnedLeadTime, learnLeadTimes, type LeadTimeObservation } from './learning.js';

const DAY = 86_400_000;
const START = Date.UTC(2026, 0, 1);

function obs(days: number, i: number, extra: Partial<LeadTimeObservation> = {}): LeadTimeObservation {
  const started = START + i * 10 * DAY;
  return {
    partyKind: 'supplier',
    partyCode: 'SUP-A',
    partNumber: 'P-1',
    startedAt: new Date(started).toISOString(),
    endedAt: new Date(started + days * DAY).toISOString(),
    ref: `rpl-${i + 1}`,
    ...extra,
  };
}

describe('learned lead times', () => {
  // P-1: 4, 5, 6, 6, 7 days; P-2: 8 and 40 days. Hand-worked below.
  const observations = [
    ...[4, 5, 6, 6, 7].map((d, i) => obs(d, i)),
    obs(8, 5, { partNumber: 'P-2' }),
    obs(40, 6, { partNumber: 'P-2' }),
  ];

  it('leaves a far-out receipt out of the supplier’s figure and says so', () => {
    const party = learnLeadTimes(observations).find((l) => l.partNumber === null)!;
    // Sorted 4 5 6 6 7 8 40: nearest-rank Q1 = 5 (rank 2), Q3 = 8 (rank 6), IQR 3; fences −4 and 17.
    expect(party.outliers).toEqual([{ ref: 'rpl-7', days: 40 }]);
    // Kept 4 5 6 6 7 8: mean 6, squares 4 1 0 0 1 4 → variance 10 / 5 = 2.
    expect(party.count).toBe(6);
    expect(party.meanDays).toBeCloseTo(6, 12);
    expect(party.sdDays).toBeCloseTo(Math.SQRT2, 12);
    expect(party.p50Days).toBe(6); // rank ceil(0.5 × 6) = 3
    expect(party.p90Days).toBe(8); // rank ceil(0.9 × 6) = 6
    expect([party.minDays, party.maxDays]).toEqual([4, 8]);
    expect(party.usable).toBe(true);
    expect(party.reasons[0]).toBe(
      '6 receipts from SUP-A between 2026-01-01 and 2026-02-28; mean 6 d, sd 1.4 d, p50 6 d, p90 8 d',
    );
    expect(party.reasons[1]).toBe(
      '1 left out as outliers, outside 0–17 d (Q1 5 d − 3 × IQR 3 d, Q3 8 d + 3 × IQR): rpl-7 40 d',
    );
  });

  it('learns a part’s own figure only where it has five observations', () => {
    const learned = learnLeadTimes(observations);
    expect(learned.map((l) => l.partNumber)).toEqual([null, 'P-1']);
    const p1 = learned[1]!;
    // 4 5 6 6 7: mean 5.6, squares 2.56 0.36 0.16 0.16 1.96 = 5.2 → variance 1.3.
    expect(p1.meanDays).toBeCloseTo(5.6, 12);
    expect(p1.sdDays).toBeCloseTo(Math.sqrt(1.3), 12);
    expect([p1.p50Days, p1.p90Days]).toEqual([6, 7]);
    expect(p1.outliers).toEqual([]);
    expect(p1.reasons[0]).toContain('5 receipts of P-1 from SUP-A');

    const forP1 = chooseLearnedLeadTime(learned, 'supplier', 'SUP-A', 'P-1');
    expect(forP1.estimate?.partNumber).toBe('P-1');
    const forP2 = chooseLearnedLeadTime(learned, 'supplier', 'SUP-A', 'P-2');
    expect(forP2.estimate?.partNumber).toBeNull();
    expect(forP2.reasons[0]).toMatch(/^learned for SUP-A \(too few of P-2 alone\): 6 receipts/);
    expect(chooseLearnedLeadTime(learned, 'supplier', 'SUP-B', 'P-1')).toEqual({
      estimate: null,
      reasons: ['nothing recorded for supplier SUP-B to learn a lead time from'],
    });
  });

  it('keeps a day’s difference among identical lead times, and drops a receipt booked before its order', () => {
    const learned = learnLeadTimes([
      ...Array.from({ length: 9 }, (_, i) => obs(5, i, { partNumber: null })),
      obs(6, 9, { partNumber: null }),
      obs(-2, 10, { partNumber: null, ref: 'rpl-late' }),
    ]);
    const party = learned[0]!;
    // IQR 0, floored at a day: fences 2 and 8 keep the 6.
    expect(party.count).toBe(10);
    expect(party.outliers).toEqual([]);
    expect(party.meanDays).toBeCloseTo(5.1, 12);
    expect(party.reasons).toContain('1 left out: ended before it started (rpl-late)');
  });

  it('does not use two observations for planning, and names repair cycles as such', () => {
    const learned = learnLeadTimes([
      obs(20, 0, { partyKind: 'repair_vendor', partyCode: 'REP-1', ref: 'SN-1' }),
      obs(30, 1, { partyKind: 'repair_vendor', partyCode: 'REP-1', ref: 'SN-2' }),
    ]);
    expect(learned).toHaveLength(1);
    expect(learned[0]).toMatchObject({ count: 2, meanDays: 25, usable: false });
    expect(learned[0]!.reasons[0]).toMatch(/^2 repair cycles at REP-1 between/);
    expect(chooseLearnedLeadTime(learned, 'repair_vendor', 'REP-1', 'P-1')).toEqual({
      estimate: null,
      reasons: ['only 2 repair cycles at REP-1: too few to learn from (3 needed)'],
    });
  });

  it('keeps every estimate within what was observed (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 200 }), { minLength: 1, maxLength: 40 }), (days) => {
        const learned = learnLeadTimes(days.map((d, i) => obs(d, i, { partNumber: null })));
        const e = learned[0]!;
        expect(e.count + e.outliers.length).toBe(days.length);
        expect(e.minDays).toBeLessThanOrEqual(e.p50Days);
        expect(e.p50Days).toBeLessThanOrEqual(e.p90Days);
        expect(e.p90Days).toBeLessThanOrEqual(e.maxDays);
        expect(e.meanDays).toBeGreaterThanOrEqual(e.minDays - 1e-9);
        expect(e.meanDays).toBeLessThanOrEqual(e.maxDays + 1e-9);
        expect(e.sdDays).toBeGreaterThanOrEqual(0);
      }),
    );
  });
});
