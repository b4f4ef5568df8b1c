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

/** Every period from `from` to `to` inclusive, in order (for zero-filled series). */
export function periodsBetween(from: string, to: string, granularity: Granularity): string[] {
  const out: string[] = [];
  for (let key = from; key <= to; key = shiftPeriod(key, 1, granularity)) out.push(key);
  return out;
}
