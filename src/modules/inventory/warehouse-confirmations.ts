/**
 * Warehouse confirmations (M3.3): what a put-away or a pick/ship confirmation from a WMS does
 * to the hub's stock, decided from the confirmation and the hub's own facts (earlier
 * confirmations of the same line, the order's reservations), with the reasons. Pure: the
 * service reads the facts, calls these, and applies what they decide in one unit of work.
 *
 * Quantities are milli-units of the part's base unit (src/platform/quantity.ts).
 */
import { fromMilli } from '../../platform/quantity.js';
import type { PartTracking } from '../catalog/index.js';

export const SHIPMENT_LINE_STATUSES = ['shipped', 'partial', 'cancelled', 'other'] as const;
export type ShipmentLineStatus = (typeof SHIPMENT_LINE_STATUSES)[number];

/** The codes a confirmation line is refused with; the whole message then changes nothing. */
export type ConfirmationRejectCode =
  | 'WAREHOUSE_CONFIRMATION_CONFLICT'
  | 'WAREHOUSE_ORDER_UNKNOWN'
  | 'WAREHOUSE_LINE_UNMATCHED'
  | 'WAREHOUSE_SHIPMENT_EXCEEDS_RESERVED';

/** Earlier confirmations by their line key: the fingerprint of what each one confirmed. */
export type PriorConfirmations = ReadonlyMap<string, string>;

const q = (milli: number): string => String(fromMilli(milli));

/** The key a confirmed line is remembered by: the WMS's document and line references. */
export function confirmationKey(parts: readonly string[]): string {
  return JSON.stringify(parts);
}

/**
 * The same line confirmed again: the same content is a repeat (nothing to do), other content
 * contradicts what was applied, which only people can settle.
 */
function repeatOrConflict(
  key: string,
  fingerprint: string,
  seen: Map<string, string>,
  what: string,
):
  | { action: 'repeat'; reasons: string[] }
  | { action: 'reject'; code: ConfirmationRejectCode; reasons: string[] }
  | null {
  const earlier = seen.get(key);
  if (earlier === undefined) return null;
  if (earlier === fingerprint)
    return {
      action: 'repeat',
      reasons: [`${what} was confirmed before with the same content: nothing to do`],
    };
  return {
    action: 'reject',
    code: 'WAREHOUSE_CONFIRMATION_CONFLICT',
    reasons: [`${what} was confirmed before with other content (${earlier}); now ${fingerprint}`],
  };
}

// ---------------------------------------------------------------------------------------
// Put-away

export interface PutawayLine {
  /** Receipt reference and line reference, as confirmationKey() makes them. */
  key: string;
  lineRef: string;
  partNumber: string;
  tracking: PartTracking;
  locationCode: string;
  /** Put away in good condition. */
  goodMilli: number;
  /** Reported damaged on receipt (X12 W13). */
  damagedMilli: number;
  lot?: string | undefined;
  serials?: readonly string[] | undefined;
  damagedSerials?: readonly string[] | undefined;
}

export interface Receipt {
  status: 'available' | 'defective';
  milli: number;
  lot?: string | undefined;
  serials?: string[] | undefined;
}

export type PutawayDecision =
  | { action: 'receive'; line: PutawayLine; fingerprint: string; receipts: Receipt[]; reasons: string[] }
  | { action: 'nothing'; line: PutawayLine; fingerprint: string; reasons: string[] }
  | { action: 'repeat'; line: PutawayLine; fingerprint: string; reasons: string[] }
  | {
      action: 'reject';
      line: PutawayLine;
      fingerprint: string;
      code: ConfirmationRejectCode;
      reasons: string[];
    };

/** What a put-away line confirms, in a form two confirmations can be compared by. */
export function putawayFingerprint(line: PutawayLine): string {
  return JSON.stringify({
    part: line.partNumber,
    at: line.locationCode,
    good: q(line.goodMilli),
    damaged: q(line.damagedMilli),
    ...(line.lot ? { lot: line.lot } : {}),
    ...(line.serials?.length ? { serials: [...line.serials].sort() } : {}),
    ...(line.damagedSerials?.length ? { damagedSerials: [...line.damagedSerials].sort() } : {}),
  });
}

/**
 * Each put-away line: received into its location (good units available, damaged units
 * defective, so they never count as available), unless the same receipt line was confirmed
 * before — by an earlier message or earlier in this one.
 */
export function decidePutaway(lines: readonly PutawayLine[], prior: PriorConfirmations): PutawayDecision[] {
  const seen = new Map(prior);
  return lines.map((line) => {
    const fingerprint = putawayFingerprint(line);
    const what = `receipt line ${line.lineRef} (${line.partNumber})`;
    const known = repeatOrConflict(line.key, fingerprint, seen, what);
    if (known) return { ...known, line, fingerprint };
    seen.set(line.key, fingerprint);
    const reasons: string[] = [];
    // A lot the hub does not track for this part would make the receipt fail; it is noted instead.
    let lot = line.lot;
    if (lot && line.tracking !== 'lot') {
      reasons.push(`the warehouse names lot ${lot}; part ${line.partNumber} is not lot-tracked in the hub`);
      lot = undefined;
    }
    const receipts: Receipt[] = [];
    if (line.goodMilli > 0) {
      receipts.push({
        status: 'available',
        milli: line.goodMilli,
        ...(lot ? { lot } : {}),
        ...(line.serials?.length ? { serials: [...line.serials] } : {}),
      });
      reasons.push(`${q(line.goodMilli)} put away at ${line.locationCode}, available`);
    }
    if (line.damagedMilli > 0) {
      receipts.push({
        status: 'defective',
        milli: line.damagedMilli,
        ...(lot ? { lot } : {}),
        ...(line.damagedSerials?.length ? { serials: [...line.damagedSerials] } : {}),
      });
      reasons.push(`${q(line.damagedMilli)} received damaged at ${line.locationCode}: held as defective`);
    }
    if (receipts.length === 0)
      return { action: 'nothing', line, fingerprint, reasons: [...reasons, `${what} received nothing`] };
    return { action: 'receive', line, fingerprint, receipts, reasons };
  });
}

// ---------------------------------------------------------------------------------------
// Pick / ship

/** A reservation that refers to the confirmed order, in whatever state it is. */
export interface OrderReservation {
  id: string;
  partNumber: string;
  locationCode: string;
  demandRef: string;
  /** Held now: the reservation's quantity when open, 0 when consumed, released or pre-empted. */
  openMilli: number;
  state: string;
  createdAt: string;
}

export interface ShipmentLine {
  key: string;
  lineRef: string;
  /** The line reference the WMS sent, if it sent one: it picks a work order's line. */
  orderLineRef?: string | undefined;
  partNumber: string;
  tracking: PartTracking;
  /** The shipping warehouse, when the confirmation names it. */
  locationCode?: string | undefined;
  status: ShipmentLineStatus;
  shippedMilli: number;
  /** What the WMS says was ordered, for the record; the hub's reservations decide the rest. */
  orderedMilli?: number | undefined;
  serials?: readonly string[] | undefined;
  lot?: string | undefined;
}

export interface ShipmentFacts {
  orderRef: string;
  /** Every reservation the order reference names (by id, demand reference or work order). */
  reservations: readonly OrderReservation[];
  lines: readonly ShipmentLine[];
  prior: PriorConfirmations;
}

export interface ReservationIssue {
  reservationId: string;
  locationCode: string;
  demandRef: string;
  milli: number;
  serials?: string[] | undefined;
  lot?: string | undefined;
}

export interface ReservationRelease {
  reservationId: string;
  demandRef: string;
  milli: number;
}

export type ShipmentDecision =
  | {
      action: 'ship';
      line: ShipmentLine;
      fingerprint: string;
      issues: ReservationIssue[];
      releases: ReservationRelease[];
      /** Not shipped of what the hub held for the line: still reserved, or released if cancelled. */
      shortMilli: number;
      stillReservedMilli: number;
      releasedMilli: number;
      demandRefs: string[];
      reasons: string[];
    }
  | { action: 'repeat'; line: ShipmentLine; fingerprint: string; reasons: string[] }
  | {
      action: 'reject';
      line: ShipmentLine;
      fingerprint: string;
      code: ConfirmationRejectCode;
      reasons: string[];
    };

export function shipmentFingerprint(line: ShipmentLine): string {
  return JSON.stringify({
    part: line.partNumber,
    ...(line.locationCode ? { at: line.locationCode } : {}),
    status: line.status,
    shipped: q(line.shippedMilli),
    ...(line.lot ? { lot: line.lot } : {}),
    ...(line.serials?.length ? { serials: [...line.serials].sort() } : {}),
  });
}

/**
 * Each shipment line against the order's reservations: the shipped quantity is issued from
 * them, oldest first, consuming them; what the line does not ship stays reserved as still to
 * ship (it is the short quantity), unless the line is cancelled, which releases it. Lines are
 * decided in order against the same reservations, so two lines cannot ship one unit twice.
 * Shipping more than is held, for an order the hub does not know, or a part the order does
 * not reserve there, is refused.
 */
export function decideShipment(facts: ShipmentFacts): ShipmentDecision[] {
  const seen = new Map(facts.prior);
  const open = new Map(facts.reservations.map((r) => [r.id, r.openMilli]));
  const byAge = [...facts.reservations].sort((a, b) =>
    a.createdAt === b.createdAt ? (a.id < b.id ? -1 : 1) : a.createdAt < b.createdAt ? -1 : 1,
  );
  return facts.lines.map((line): ShipmentDecision => {
    const fingerprint = shipmentFingerprint(line);
    const what = `order ${facts.orderRef} line ${line.lineRef} (${line.partNumber})`;
    const known = repeatOrConflict(line.key, fingerprint, seen, what);
    if (known) return { ...known, line, fingerprint };
    const reject = (code: ConfirmationRejectCode, reason: string): ShipmentDecision => ({
      action: 'reject',
      line,
      fingerprint,
      code,
      reasons: [reason],
    });
    if (facts.reservations.length === 0)
      return reject(
        'WAREHOUSE_ORDER_UNKNOWN',
        `no reservation is known by ${facts.orderRef} (as its id, demand reference or work order)`,
      );
    const where = line.locationCode ? ` at ${line.locationCode}` : '';
    let matching = byAge.filter(
      (r) => r.partNumber === line.partNumber && (!line.locationCode || r.locationCode === line.locationCode),
    );
    if (matching.length === 0)
      return reject(
        'WAREHOUSE_LINE_UNMATCHED',
        `${what}: the order reserves no part ${line.partNumber}${where}`,
      );
    // A work order reserves per line (<work order>/<line>): the WMS's line reference picks it.
    const ofLine = line.orderLineRef
      ? matching.filter((r) => r.demandRef === `${facts.orderRef}/${line.orderLineRef}`)
      : [];
    if (ofLine.length > 0) matching = ofLine;
    const heldMilli = matching.reduce((sum, r) => sum + (open.get(r.id) ?? 0), 0);
    if (line.shippedMilli > heldMilli)
      return reject(
        'WAREHOUSE_SHIPMENT_EXCEEDS_RESERVED',
        `${what} ships ${q(line.shippedMilli)} but the order holds ${q(heldMilli)}${where}` +
          (heldMilli === 0 ? ' (its reservations are no longer open)' : ''),
      );

    seen.set(line.key, fingerprint);
    const reasons: string[] = [];
    let lot = line.lot;
    if (lot && line.tracking !== 'lot') {
      reasons.push(`the warehouse names lot ${lot}; part ${line.partNumber} is not lot-tracked in the hub`);
      lot = undefined;
    }
    const issues: ReservationIssue[] = [];
    let toIssue = line.shippedMilli;
    let serialAt = 0;
    for (const r of matching) {
      const held = open.get(r.id) ?? 0;
      const take = Math.min(held, toIssue);
      if (take <= 0) continue;
      const units = take / 1000;
      const serials = line.serials?.length ? line.serials.slice(serialAt, serialAt + units) : undefined;
      serialAt += units;
      issues.push({
        reservationId: r.id,
        locationCode: r.locationCode,
        demandRef: r.demandRef,
        milli: take,
        ...(serials ? { serials: [...serials] } : {}),
        ...(lot ? { lot } : {}),
      });
      open.set(r.id, held - take);
      toIssue -= take;
      reasons.push(
        `${q(take)} issued from ${r.locationCode} against reservation ${r.id} (${r.demandRef})` +
          (take === held ? ', which it consumes' : `, leaving ${q(held - take)} reserved`),
      );
    }
    const remaining = matching.filter((r) => (open.get(r.id) ?? 0) > 0);
    const remainingMilli = remaining.reduce((sum, r) => sum + (open.get(r.id) ?? 0), 0);
    const releases: ReservationRelease[] = [];
    if (line.status === 'cancelled') {
      for (const r of remaining) {
        releases.push({ reservationId: r.id, demandRef: r.demandRef, milli: open.get(r.id) ?? 0 });
        reasons.push(
          `the warehouse cancelled the line: reservation ${r.id} releases ${q(open.get(r.id) ?? 0)}`,
        );
        open.set(r.id, 0);
      }
      if (remaining.length === 0 && line.shippedMilli === 0)
        reasons.push('the warehouse cancelled the line; nothing was left reserved for it');
    } else if (remainingMilli > 0) {
      reasons.push(
        line.status === 'shipped'
          ? `the warehouse reports the line complete but shipped ${q(line.shippedMilli)} of ${q(heldMilli)} held: ${q(remainingMilli)} stays reserved as still to ship`
          : `shipped short by ${q(remainingMilli)}: it stays reserved as still to ship`,
      );
    } else if (line.shippedMilli === 0) {
      reasons.push('nothing shipped and nothing was left reserved');
    }
    if (line.orderedMilli !== undefined && line.orderedMilli !== heldMilli)
      reasons.push(
        `the warehouse's ordered quantity is ${q(line.orderedMilli)}; the hub held ${q(heldMilli)}`,
      );
    const releasedMilli = releases.reduce((sum, r) => sum + r.milli, 0);
    return {
      action: 'ship',
      line,
      fingerprint,
      issues,
      releases,
      shortMilli: heldMilli - line.shippedMilli,
      stillReservedMilli: line.status === 'cancelled' ? 0 : remainingMilli,
      releasedMilli,
      demandRefs: [...new Set(matching.map((r) => r.demandRef))],
      reasons,
    };
  });
}
