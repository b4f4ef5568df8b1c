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

/** Every period from `from` to `to` inclusive, in order (for zero-filled series). */
export function periodsBetween(from: string, to: string, granularity: Granularity): string[] {
  const out: string[] = [];
  if (from > to) return out;
  if (granularity === 'month') {
    let [y, m] = from.split('-').map(Number) as [number, number];
    for (let key = from; key <= to;) {
      out.push(key);
      m += 1;
      if (m > 12) {
        m = 1;
        y += 1;
      }
      key = `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}`;
    }
    return out;
  }
  for (let t = Date.parse(`${from}T00:00:00Z`); t <= Date.parse(`${to}T00:00:00Z`); t += 7 * DAY_MS)
    out.push(new Date(t).toISOString().slice(0, 10));
  return out;
}
