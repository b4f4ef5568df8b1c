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

  it('spans at most a hundred years, and says so rather than running off the calendar', () => {
    expect(periodsBetween('1927-01', '2026-12', 'month')).toHaveLength(1_200);
    expect(periodsBetween('1927-01-03', '2026-12-28', 'week')).toHaveLength(5_218);
    const refusal = (fn: () => unknown) => {
      try {
        fn();
      } catch (error) {
        return (error as { code?: string; message: string }).code + ': ' + (error as Error).message;
      }
      return 'no error';
    };
    expect(refusal(() => periodsBetween('1926-12', '2026-12', 'month'))).toBe(
      'VALIDATION_FAILED: from 1926-12 to 2026-12 is 1201 months: a series spans at most 1200 (a hundred years)',
    );
    expect(refusal(() => periodsBetween('2026-01', '9999-12', 'month'))).toMatch(
      /^VALIDATION_FAILED: .*95[0-9]{3} months/,
    );
    expect(refusal(() => periodsBetween('1970-01-05', '9999-12-27', 'week'))).toMatch(/^VALIDATION_FAILED: /);
    // The calendar's last month and week are a period like any other.
    expect(periodsBetween('9999-11', '9999-12', 'month')).toEqual(['9999-11', '9999-12']);
    expect(periodsBetween('9999-12-27', '9999-12-27', 'week')).toEqual(['9999-12-27']);
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
