/**
 * An instant as the relay sees it: epoch milliseconds or an ISO-8601 string (as stored in a
 * row). The delivery rules take `now` as an input, never read a clock.
 */
export type Instant = number | string;

/** Epoch milliseconds of an instant; throws on a value that is not a time (a caller bug). */
export function toMs(instant: Instant): number {
  const ms = typeof instant === 'number' ? instant : Date.parse(instant);
  if (!Number.isFinite(ms)) throw new RangeError(`not an instant: ${String(instant)}`);
  return ms;
}

/** Like toMs, but for external data: an unreadable value yields undefined instead of throwing. */
export function tryToMs(instant: Instant | null | undefined): number | undefined {
  if (instant === null || instant === undefined) return undefined;
  const ms = typeof instant === 'number' ? instant : Date.parse(instant);
  return Number.isFinite(ms) ? ms : undefined;
}

/** ISO-8601 UTC with milliseconds, the project's stored form (sorts as text). */
export function toIso(ms: number): string {
  return new Date(ms).toISOString();
}

/** A duration for a human sentence: "750 ms", "30 s", "5 min", "1.5 h". */
export function formatDuration(ms: number): string {
  const abs = Math.abs(ms);
  if (abs < 1000) return `${Math.round(ms)} ms`;
  if (abs < 60_000) return `${round1(ms / 1000)} s`;
  if (abs < 3_600_000) return `${round1(ms / 60_000)} min`;
  return `${round1(ms / 3_600_000)} h`;
}

function round1(n: number): string {
  return String(Math.round(n * 10) / 10);
}
