/**
 * Integration windows (M1.4): the times a system accepts traffic, as data on its flow, e.g.
 * an ERP that takes postings only at night. Times are UTC; `to` before `from` spans midnight
 * (the window then belongs to the day it opens). No windows means any time.
 */
export interface IntegrationWindow {
  /** 0 = Sunday … 6 = Saturday, the day the window opens. */
  days: number[];
  from: string;
  to: string;
}

export interface WindowDecision {
  open: boolean;
  reasons: string[];
}

const minutes = (hhmm: string): number => {
  const [h, m] = hhmm.split(':').map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
};
const DAY_NAMES = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const describe = (w: IntegrationWindow) =>
  `${w.days.map((d) => DAY_NAMES[d] ?? '?').join(',')} ${w.from}–${w.to} UTC`;

export function windowDecision(windows: readonly IntegrationWindow[], now: Date): WindowDecision {
  if (windows.length === 0) return { open: true, reasons: ['the flow has no integration windows: any time'] };
  const day = now.getUTCDay();
  const minute = now.getUTCHours() * 60 + now.getUTCMinutes();
  for (const w of windows) {
    const from = minutes(w.from);
    const to = minutes(w.to);
    const overnight = to <= from;
    const inToday = w.days.includes(day) && (overnight ? minute >= from : minute >= from && minute < to);
    // The tail of an overnight window that opened yesterday.
    const inYesterdays = overnight && w.days.includes((day + 6) % 7) && minute < to;
    if (inToday || inYesterdays) return { open: true, reasons: [`inside the window ${describe(w)}`] };
  }
  return { open: false, reasons: [`outside every integration window (${windows.map(describe).join('; ')})`] };
}

/**
 * The first moment at or after `now` when one of the windows is open: `now` itself when one
 * is open already, null when there are no windows (any time is open) or none has a day.
 */
export function nextWindowOpening(windows: readonly IntegrationWindow[], now: Date): Date | null {
  if (windows.length === 0 || windowDecision(windows, now).open) return windows.length ? now : null;
  const midnight = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  let best: number | null = null;
  // Every window opens on one of the next seven days (today included) if it opens at all.
  for (let offset = 0; offset <= 7; offset++) {
    const dayStart = midnight + offset * 86_400_000;
    const day = new Date(dayStart).getUTCDay();
    for (const w of windows) {
      if (!w.days.includes(day)) continue;
      const opening = dayStart + minutes(w.from) * 60_000;
      if (opening > now.getTime() && (best === null || opening < best)) best = opening;
    }
  }
  return best === null ? null : new Date(best);
}
