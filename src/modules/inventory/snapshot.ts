/**
 * Reconciling one line of an inventory snapshot against the hub: a pure decision with its
 * reason, so the service only reads, decides and writes in bulk.
 */

/** `apply` makes the hub agree with the sender; `report` only records where they disagree. */
export type SnapshotMode = 'apply' | 'report';
/** `full`: a location the snapshot names holds nothing it leaves out; `partial`: lines only. */
export type SnapshotScope = 'full' | 'partial';

export type SnapshotAction = 'matched' | 'adjusted' | 'reported' | 'rejected' | 'ignored' | 'zeroed';

export interface SnapshotCounts {
  lines: number;
  matched: number;
  adjusted: number;
  reported: number;
  rejected: number;
  ignored: number;
  zeroed: number;
  /** Reservations that gave way because less was counted than they held. */
  preempted: number;
}

export const EMPTY_COUNTS: SnapshotCounts = {
  lines: 0,
  matched: 0,
  adjusted: 0,
  reported: 0,
  rejected: 0,
  ignored: 0,
  zeroed: 0,
  preempted: 0,
};

export function addCounts(a: SnapshotCounts, b: SnapshotCounts): SnapshotCounts {
  const out = { ...a };
  for (const key of Object.keys(out) as Array<keyof SnapshotCounts>) out[key] += b[key];
  return out;
}

export interface HubBalance {
  onHandMilli: number;
  reservedMilli: number;
}

export type LineDecision =
  | { action: 'matched'; deltaMilli: 0; reason: string }
  | { action: 'reported'; deltaMilli: number; reason: string }
  /** `withinFree`: the change leaves reservations covered, so one conditional update does it. */
  | { action: 'adjusted' | 'zeroed'; deltaMilli: number; withinFree: boolean; reason: string };

/**
 * What to do with a counted quantity, given what the hub holds. Counting less than is
 * reserved still applies (the shelf is the truth) but must go the slow way, through the
 * reservation policy, so the weakest reservations give way first.
 */
export function decideSnapshotLine(
  countedMilli: number,
  hub: HubBalance,
  mode: SnapshotMode,
  missing = false,
): LineDecision {
  const deltaMilli = countedMilli - hub.onHandMilli;
  if (deltaMilli === 0) return { action: 'matched', deltaMilli: 0, reason: 'the hub agrees' };
  const what = missing
    ? `left out of a full snapshot; the hub has ${hub.onHandMilli / 1000}`
    : `counted ${countedMilli / 1000}, the hub has ${hub.onHandMilli / 1000}`;
  if (mode === 'report') return { action: 'reported', deltaMilli, reason: `${what}: reported only` };
  const withinFree = countedMilli >= hub.reservedMilli;
  return {
    action: missing ? 'zeroed' : 'adjusted',
    deltaMilli,
    withinFree,
    reason: withinFree
      ? `${what}: adjusted`
      : `${what}: adjusted below the ${hub.reservedMilli / 1000} reserved, reservations give way by policy`,
  };
}
