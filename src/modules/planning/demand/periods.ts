/**
 * Calendar periods demand is bucketed into (UTC): months as `YYYY-MM`, weeks as the date of
 * their Monday (`YYYY-MM-DD`, ISO weeks). Pure; the history service and its imports share it.
 */
import { AppError } from '../../../platform/errors.js';

export const GRANULARITIES = ['month', 'week'] as const;
export type Granularity = (typeof GRANULARITIES)[number];

const DAY_MS = 86_400_000;

/** The period an instant falls in. */
export function periodOf(iso: string, granularity: Granularity): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) throw new AppError('VALIDATION_FAILED', `'${iso}' is not a date`);
  if (granularity === 'month') return iso.slice(0, 7);
  const monday = new Date(
    Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()) - ((d.getUTCDay() + 6) % 7) * DAY_MS,
  );
  return monday.toISOString().slice(0, 10);
}

/** A period as written by a sender, checked and normalised (a week by any of its days). */
export function parsePeriod(text: string, granularity: Granularity): string {
  const t = text.trim();
  if (granularity === 'month') {
    if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(t))
      throw new AppError('VALIDATION_FAILED', `'${text}' is not a month (YYYY-MM)`);
    return t;
  }
  if (!/^\d{4}-\d{2}-\d{2}$/.test(t) || Number.isNaN(Date.parse(`${t}T00:00:00Z`)))
    throw new AppError('VALIDATION_FAILED', `'${text}' is not a date (YYYY-MM-DD) naming a week`);
  return periodOf(`${t}T00:00:00Z`, 'week');
}

/** The period `n` periods after `period` (a month key, or a week's Monday). */
export function shiftPeriod(period: string, n: number, granularity: Granularity): string {
  if (granularity === 'week')
    return new Date(Date.parse(`${period}T00:00:00Z`) + n * 7 * DAY_MS).toISOString().slice(0, 10);
  const [y, m] = period.split('-').map(Number) as [number, number];
  return new Date(Date.UTC(y, m - 1 + n, 1)).toISOString().slice(0, 7);
}

/** The date a period starts on (YYYY-MM-DD). */
export function periodStart(period: string, granularity: Granularity): string {
  return granularity === 'month' ? `${period}-01` : period;
}

/** A hundred years: the longest window a series is zero-filled over. */
export const MAX_PERIODS: Record<Granularity, number> = { month: 1_200, week: 5_218 };

/** How many periods run from `from` to `to` inclusive (0 when `to` is before `from`). */
function periodCount(from: string, to: string, granularity: Granularity): number {
  if (granularity === 'week') return Math.max(0, (Date.parse(to) - Date.parse(from)) / (7 * DAY_MS) + 1);
  const [fy, fm] = from.split('-').map(Number) as [number, number];
  const [ty, tm] = to.split('-').map(Number) as [number, number];
  return Math.max(0, ty * 12 + tm - (fy * 12 + fm) + 1);
}

/**
 * Every period from `from` to `to` inclusive, in order (for zero-filled series). A window of
 * more than a hundred years is refused, and none runs past its end: the year 9999 asked for
 * as the end once ran the months past the calendar's end and answered a server error.
 */
export function periodsBetween(from: string, to: string, granularity: Granularity): string[] {
  const count = periodCount(from, to, granularity);
  if (count > MAX_PERIODS[granularity])
    throw new AppError(
      'VALIDATION_FAILED',
      `from ${from} to ${to} is ${count} ${granularity}s: a series spans at most ${MAX_PERIODS[granularity]} (a hundred years)`,
      { from, to, granularity },
    );
  // Counted, not compared: past the year 9999 a key reads '+010000-01', which sorts first.
  const out: string[] = [];
  for (let i = 0, key = from; i < count; i++, key = shiftPeriod(key, 1, granularity)) out.push(key);
  return out;
}
