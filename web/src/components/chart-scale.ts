/** Scales and ticks for the hand-drawn SVG charts. */

/**
 * Round tick values covering [min, max]: steps of 1, 2, 2.5 or 5 times a power of ten, and
 * never a fraction when the values are counts.
 */
export function niceTicks(min: number, max: number, count = 5, integer = false): number[] {
  if (!Number.isFinite(min) || !Number.isFinite(max)) return [0, 1];
  if (max === min) max = min === 0 ? 1 : min + Math.abs(min);
  const raw = (max - min) / Math.max(1, count - 1);
  const power = 10 ** Math.floor(Math.log10(raw));
  const multiples = integer ? [1, 2, 5, 10] : [1, 2, 2.5, 5, 10];
  const nice = multiples.map((m) => m * power).find((s) => s >= raw) ?? raw;
  const step = (integer ? Math.max(1, Math.round(nice)) : nice) || 1;
  const start = Math.floor(min / step) * step;
  const ticks: number[] = [];
  for (let v = start; v <= max + step * 0.999; v += step) ticks.push(Number(v.toPrecision(12)));
  return ticks;
}

const UNITS = [86_400_000, 3_600_000, 60_000, 1000, 1];

/** Ticks for durations in milliseconds that fall on whole days, hours, minutes or seconds. */
export function durationTicks(max: number): number[] {
  const unit = UNITS.find((u) => max >= 2 * u) ?? 1;
  return niceTicks(0, max / unit).map((t) => t * unit);
}

/** A linear map from the domain onto the range. */
export function linear(domain: [number, number], range: [number, number]): (v: number) => number {
  const [d0, d1] = domain;
  const [r0, r1] = range;
  const span = d1 - d0 || 1;
  return (v) => r0 + ((v - d0) / span) * (r1 - r0);
}

/** Show every k-th x label so that labels never overlap at this width. */
export function labelStep(count: number, plotWidth: number, labelWidth = 56): number {
  const fit = Math.max(1, Math.floor(plotWidth / labelWidth));
  return Math.max(1, Math.ceil(count / fit));
}

export const MARGIN = { top: 14, right: 18, bottom: 30, left: 52 };

/** The series palette: distinct hues that keep 3:1 against white for lines and bars. */
export const PALETTE = ['#2563eb', '#d97706', '#7c3aed', '#059669', '#dc2626', '#0891b2', '#4b5563'];
