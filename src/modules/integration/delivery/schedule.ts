import { CronExpressionParser } from 'cron-parser';

/**
 * Batch schedules (M1.4): a flow in batch mode with a cron schedule (UTC) sends what
 * accumulated at each tick instead of as it happens — e.g. an ERP that takes stock postings
 * once a night. Returns the first tick strictly after `after`, or null for an expression that
 * does not parse (the flow's schema refuses those, so null means "no schedule").
 */
export function nextScheduledAt(schedule: string, after: Date): Date | null {
  try {
    return CronExpressionParser.parse(schedule, { currentDate: after, tz: 'UTC' }).next().toDate();
  } catch {
    return null;
  }
}

export function isValidSchedule(schedule: string): boolean {
  return nextScheduledAt(schedule, new Date(0)) !== null;
}
