import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parsePeriod, periodOf, periodsBetween } from './periods.js';

describe('periods', () => {
  it('puts an instant in its month and in the week of its Monday (UTC)', () => {
    expect(periodOf('2026-12-05T23:59:59Z', 'month')).toBe('2026-12');
    expect(periodOf('2026-12-05T10:00:00Z', 'week')).toBe('2026-11-30');
    expect(periodOf('2026-11-30T00:00:00Z', 'week')).toBe('2026-11-30');
    expect(periodOf('2026-12-06T23:00:00Z', 'week')).toBe('2026-11-30');
    expect(periodOf('2027-01-01T00:00:00Z', 'week')).toBe('2026-12-28');
  });

  it('lists every period between two, across a year end', () => {
    expect(periodsBetween('2026-11', '2027-02', 'month')).toEqual([
      '2026-11',
      '2026-12',
      '2027-01',
      '2027-02',
    ]);
    expect(periodsBetween('2026-12-21', '2027-01-04', 'week')).toEqual([
      '2026-12-21',
      '2026-12-28',
      '2027-01-04',
    ]);
    expect(periodsBetween('2027-01', '2026-12', 'month')).toEqual([]);
  });

  it('reads a sender’s period, and refuses what is not one', () => {
    expect(parsePeriod(' 2026-03 ', 'month')).toBe('2026-03');
    expect(parsePeriod('2026-11-05', 'week')).toBe('2026-11-02');
    expect(() => parsePeriod('2026-13', 'month')).toThrow(/not a month/);
    expect(() => parsePeriod('2026-02-30x', 'week')).toThrow(/not a date/);
  });

  it('gives consecutive weeks seven days apart, each a Monday (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 3650 }), (days) => {
        const t = Date.UTC(2020, 0, 1) + days * 86_400_000;
        const week = periodOf(new Date(t).toISOString(), 'week');
        const monday = new Date(`${week}T00:00:00Z`);
        return monday.getUTCDay() === 1 && t - monday.getTime() < 7 * 86_400_000 && t >= monday.getTime();
      }),
    );
  });
});
