/**
 * The lead time a planning run plans a part with (M6.6), in periods, and its variance: the
 * one given for the run (fixed), else the one learned from the party's actual receipts or
 * repair cycles (with their spread), else the configured one (fixed). Pure; the reasons say
 * which was used and where it came from.
 */
import { AppError } from '../../../platform/errors.js';
import type { LeadTimeChoice } from './learning.js';

export const LEAD_TIME_SOURCES = ['input', 'learned', 'configured'] as const;
export type LeadTimeSource = (typeof LEAD_TIME_SOURCES)[number];

export interface PlanningLeadTime {
  /** Mean lead time in periods of the run's granularity. */
  periods: number;
  /** Its variance in periods² (0: taken as fixed). */
  variance: number;
  days: number;
  sdDays: number;
  source: LeadTimeSource;
  reasons: string[];
}

export interface PlanningLeadTimeInput {
  /** The run's own lead time in periods, if one was given. */
  given: number | undefined;
  daysPerPeriod: number;
  /** The period's name for the reasons: month or week. */
  period: string;
  /** What was learned for the party, if the source has one (a supplier, a repair vendor). */
  learned: LeadTimeChoice | null;
  /** The configured lead time in hours, and what configured it; null when nothing does. */
  configured: { hours: number; label: string } | null;
}

// The buffer check counts demand by the day: a lead time shorter than a day is planned as one.
const MIN_DAYS = 1;
const fmt = (v: number, digits = 4) => String(Number(v.toPrecision(digits)));

export function planningLeadTime(input: PlanningLeadTimeInput): PlanningLeadTime {
  const { daysPerPeriod: per, period } = input;
  const inPeriods = (days: number) => `${fmt(days / per)} ${period}s (${fmt(days, 3)} d)`;
  if (input.given !== undefined)
    return {
      periods: input.given,
      variance: 0,
      days: input.given * per,
      sdDays: 0,
      source: 'input',
      reasons: [`lead time ${fmt(input.given)} ${period}s, as given for the run (taken as fixed)`],
    };
  const learned = input.learned?.estimate;
  if (learned) {
    const days = Math.max(MIN_DAYS, learned.meanDays);
    const sdPeriods = learned.sdDays / per;
    const variance = sdPeriods * sdPeriods;
    return {
      periods: days / per,
      variance,
      days,
      sdDays: learned.sdDays,
      source: 'learned',
      reasons: [
        `lead time ${inPeriods(days)} learned from actual ${learned.partyKind === 'supplier' ? 'receipts' : 'repair cycles'}${days > learned.meanDays ? ` (mean ${fmt(learned.meanDays, 3)} d raised to a day)` : ''}: ${input.learned!.reasons.join('; ')}`,
        variance > 0
          ? `its spread, sd ${fmt(learned.sdDays, 3)} d = ${fmt(sdPeriods)} ${period}s, enters the safety stock as lead-time variance ${fmt(variance)} ${period}s²`
          : 'no spread in the lead times learned: taken as fixed',
      ],
    };
  }
  if (input.configured) {
    const days = Math.max(MIN_DAYS, input.configured.hours / 24);
    return {
      periods: days / per,
      variance: 0,
      days,
      sdDays: 0,
      source: 'configured',
      reasons: [
        ...(input.learned?.reasons ?? []),
        `lead time ${inPeriods(days)} configured: ${input.configured.label}, ${fmt(input.configured.hours)} h (taken as fixed)`,
      ],
    };
  }
  throw new AppError(
    'VALIDATION_FAILED',
    `no lead time to plan with: ${[...(input.learned?.reasons ?? []), 'nothing is configured for this source'].join('; ')}; give leadTime`,
  );
}
