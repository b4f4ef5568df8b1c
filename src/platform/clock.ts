/** Time is injected so that a failing test can be replayed with the same instants. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** A clock that only moves when told to: for deterministic tests. */
export function fixedClock(start: Date, stepMs = 0): Clock {
  let t = start.getTime();
  return {
    now() {
      const d = new Date(t);
      t += stepMs;
      return d;
    },
  };
}

/** ISO-8601 UTC with milliseconds: fixed width, so it sorts as text on every store. */
export function isoTimestamp(clock: Clock): string {
  return clock.now().toISOString();
}
