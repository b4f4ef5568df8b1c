/**
 * Which outbox messages the relay may send in this run. Messages that share a system and a
 * key (one part, one document) go strictly one at a time, oldest first, so the external
 * system never sees a later version before an earlier one.
 */
import { formatDuration, toMs, tryToMs, type Instant } from './instant.js';

export const OUTBOX_STATES = ['pending', 'in_flight', 'backoff'] as const;
export type OutboxState = (typeof OUTBOX_STATES)[number];

/** An undelivered outbox message, as far as ordering is concerned. */
export interface PendingMessage {
  id: string;
  /** What must stay in order within a system: a part number, a document number. */
  key: string;
  systemId: string;
  /** Insertion order: a number or a digit string (a bigint column); other strings compare as text. */
  createdSeq: string | number;
  /** Not before this instant; null means as soon as possible. */
  nextAttemptAt: Instant | null;
  state: OutboxState;
}

export interface SelectOptions {
  maxBatch: number;
  /**
   * Whether a system's breaker lets calls through: true (no limit), false (none) or a number
   * of calls (a half-open breaker's probes). Called at most once per system, and only for
   * systems that have a message ready, so an impure check spends nothing on idle systems.
   */
  breakerAllows: (systemId: string) => boolean | number;
}

export interface Selection {
  /** Ids to send now, oldest first. */
  deliver: string[];
  /** Every other input id, each with why it waits. */
  held: Array<{ id: string; reason: string }>;
  reasons: string[];
}

const INTEGER = /^-?\d+$/;

function asBigInt(seq: string | number): bigint | undefined {
  if (typeof seq === 'number') return Number.isSafeInteger(seq) ? BigInt(seq) : undefined;
  return INTEGER.test(seq) ? BigInt(seq) : undefined;
}

/** Orders createdSeq values: numerically when both are integers (so "9" < "10"), else as text. */
export function compareSeq(a: string | number, b: string | number): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  const ba = asBigInt(a);
  const bb = asBigInt(b);
  if (ba !== undefined && bb !== undefined) return ba < bb ? -1 : ba > bb ? 1 : 0;
  const sa = String(a);
  const sb = String(b);
  return sa < sb ? -1 : sa > sb ? 1 : 0;
}

function byAge(a: PendingMessage, b: PendingMessage): number {
  return compareSeq(a.createdSeq, b.createdSeq) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/**
 * Picks the messages to deliver: per (system, key) only the oldest undelivered message, and
 * only when nothing of that key is in flight and it is due; then the breaker's allowance per
 * system; then the batch limit, oldest first. Every input id ends up in `deliver` or `held`.
 */
export function selectDeliverable(
  pending: readonly PendingMessage[],
  now: Instant,
  options: SelectOptions,
): Selection {
  const nowMs = toMs(now);
  const heldReason = new Map<string, string>();
  const hold = (id: string, reason: string): void => {
    heldReason.set(id, reason);
  };

  // JSON of the pair, so no choice of separator can make two different pairs collide.
  const lanes = new Map<string, PendingMessage[]>();
  for (const m of pending) {
    const lane = JSON.stringify([m.systemId, m.key]);
    const list = lanes.get(lane);
    if (list) list.push(m);
    else lanes.set(lane, [m]);
  }

  let lanesBlocked = 0;
  const candidates: PendingMessage[] = [];
  for (const list of lanes.values()) {
    list.sort(byAge);
    const [head, ...rest] = list;
    if (!head) continue;
    const subject = `key ${head.key} on system ${head.systemId}`;
    // Any in-flight message blocks the lane, not only the head: a newer one in flight means
    // the rows disagree with our ordering, and holding is the side that cannot reorder.
    const inFlight = list.find((m) => m.state === 'in_flight');
    const dueMs = tryToMs(head.nextAttemptAt) ?? nowMs;
    if (inFlight) {
      lanesBlocked++;
      for (const m of list) {
        hold(
          m.id,
          m === inFlight
            ? `in flight: its delivery is under way (${subject})`
            : `waits until ${inFlight.id}, in flight for the same ${subject}, finishes`,
        );
      }
    } else if (dueMs > nowMs) {
      lanesBlocked++;
      const until = `${head.state === 'backoff' ? 'backing off' : 'scheduled'} until ${new Date(dueMs).toISOString()} (${formatDuration(dueMs - nowMs)} from now)`;
      hold(head.id, `oldest of its ${subject}, ${until}`);
      for (const m of rest) hold(m.id, `waits behind ${head.id}, ${until}, for the same ${subject}`);
    } else {
      candidates.push(head);
      for (const m of rest) hold(m.id, `waits behind the older ${head.id} for the same ${subject}`);
    }
  }

  candidates.sort(byAge);
  const bySystem = new Map<string, PendingMessage[]>();
  for (const c of candidates) {
    const list = bySystem.get(c.systemId);
    if (list) list.push(c);
    else bySystem.set(c.systemId, [c]);
  }
  const reasons: string[] = [];
  const allowed: PendingMessage[] = [];
  // Map iteration follows insertion, so systems are asked in the order of their oldest message.
  for (const [systemId, list] of bySystem) {
    const verdict = options.breakerAllows(systemId);
    const quota = verdict === true ? Infinity : verdict === false ? 0 : Math.max(0, Math.floor(verdict));
    list.forEach((m, i) => {
      if (i < quota) {
        allowed.push(m);
      } else if (quota === 0) {
        hold(m.id, `the circuit breaker for system ${systemId} is open`);
      } else {
        hold(
          m.id,
          `the circuit breaker for system ${systemId} is half-open and allows only ${quota} call(s) now`,
        );
      }
    });
    if (quota === 0) reasons.push(`system ${systemId} is held: its circuit breaker is open`);
    else if (quota < list.length)
      reasons.push(`system ${systemId} is half-open: ${quota} probe call(s) only`);
  }

  allowed.sort(byAge);
  const limit = Math.max(0, Math.floor(options.maxBatch));
  const deliver = allowed.slice(0, limit).map((m) => m.id);
  for (const m of allowed.slice(limit))
    hold(m.id, `the batch limit of ${limit} is reached; it goes in a later run`);
  if (allowed.length > limit)
    reasons.push(`batch limit of ${limit} left ${allowed.length - limit} ready message(s) for later`);

  reasons.unshift(`${deliver.length} of ${pending.length} message(s) selected`);
  if (lanesBlocked > 0) reasons.push(`${lanesBlocked} key(s) wait on an in-flight or backing-off message`);
  const held = pending.flatMap((m) => {
    const reason = heldReason.get(m.id);
    return reason === undefined ? [] : [{ id: m.id, reason }];
  });
  return { deliver, held, reasons };
}
