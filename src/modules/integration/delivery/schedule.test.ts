import { describe, expect, it } from 'vitest';
import { isValidSchedule, nextScheduledAt } from './schedule.js';

describe('batch schedules', () => {
  it('gives the next tick in UTC, strictly after the instant', () => {
    expect(nextScheduledAt('0 2 * * *', new Date('2026-11-25T10:00:00Z'))?.toISOString()).toBe(
      '2026-11-26T02:00:00.000Z',
    );
    expect(nextScheduledAt('0 2 * * *', new Date('2026-11-26T02:00:00Z'))?.toISOString()).toBe(
      '2026-11-27T02:00:00.000Z',
    );
    expect(nextScheduledAt('*/15 * * * *', new Date('2026-11-25T10:07:30Z'))?.toISOString()).toBe(
      '2026-11-25T10:15:00.000Z',
    );
    expect(nextScheduledAt('0 6 * * 1-5', new Date('2026-11-27T07:00:00Z'))?.toISOString()).toBe(
      '2026-11-30T06:00:00.000Z',
    ); // Friday → Monday
  });

  it('refuses what is not a cron expression', () => {
    expect(isValidSchedule('0 2 * * *')).toBe(true);
    expect(isValidSchedule('every night')).toBe(false);
    expect(isValidSchedule('61 * * * *')).toBe(false);
  });
});
