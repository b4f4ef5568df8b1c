/**
 * Buffer triggers (M3.4, docs/decisions/0016-buffer-triggers.md): whether a location's
 * projected stock, less the demand expected before its next sync or replenishment cycle,
 * has fallen below its buffer, and if so how much to raise and from where. Pure: the
 * caller reads the stock and raises the replenishment. Quantities are milli-units.
 */
import { AppError } from '../../platform/errors.js';
import { MILLI, fromMilli } from '../../platform/quantity.js';

export const BUFFER_SOURCE_KINDS = ['transfer', 'purchase'] as const;
export type BufferSourceKind = (typeof BUFFER_SOURCE_KINDS)[number];

export const BUFFER_ORDER_POLICIES = ['order_up_to', 'fixed_quantity'] as const;
export type BufferOrderPolicy = (typeof BUFFER_ORDER_POLICIES)[number];

/** The demand rate: given per day, or what was issued at the location over a window. */
export type BufferDemand =
  { kind: 'given'; perDayMilli: number } | { kind: 'history'; windowDays: number; issuedMilli: number };

export type BufferOrder =
  { policy: 'order_up_to'; levelMilli: number } | { policy: 'fixed_quantity'; quantityMilli: number };

export type BufferSource =
  /** freeMilli: unreserved stock at the source now, when known (it is told, not reserved). */
  | { kind: 'transfer'; locationCode: string; freeMilli: number | null }
  | { kind: 'purchase'; supplier: string | null };

export interface BufferTriggerInput {
  partNumber: string;
  locationCode: string;
  /** Whole-unit parts are replenished in whole units. */
  wholeUnits: boolean;
  /** Available stock at the location (other statuses cannot serve demand). */
  onHandMilli: number;
  reservedMilli: number;
  /** Open replenishments already on their way to this location. */
  inboundMilli: number;
  bufferMilli: number;
  demand: BufferDemand;
  /** Hours until the next sync or replenishment cycle can bring stock. */
  cycleHours: number;
  order: BufferOrder;
  source: BufferSource;
}

export interface BufferTriggerDecision {
  trigger: boolean;
  /** What to raise, in the part's base unit; 0 without a trigger. */
  quantity: number;
  quantityMilli: number;
  /** On hand − reserved + inbound. */
  projectedMilli: number;
  /** Demand rate × cycle, rounded up to a milli-unit. */
  expectedDemandMilli: number;
  /** Buffer − (projected − expected demand) when positive, else 0. */
  shortfallMilli: number;
  reasons: string[];
}

const DAY_HOURS = 24;

/**
 * Triggers when projected available − expected demand < buffer. The quantity always covers
 * the shortfall, so once it is raised (and counted as inbound) the same check no longer
 * triggers: a second check never raises the same shortfall again.
 */
export function decideBufferTrigger(input: BufferTriggerInput): BufferTriggerDecision {
  validate(input);
  const reasons: string[] = [];
  const projectedMilli = input.onHandMilli - input.reservedMilli + input.inboundMilli;
  reasons.push(
    `projected available at ${input.locationCode}: on hand ${fmt(input.onHandMilli)} − reserved ${fmt(input.reservedMilli)} + inbound on open replenishments ${fmt(input.inboundMilli)} = ${fmt(projectedMilli)}`,
  );

  const perDayMilli =
    input.demand.kind === 'given'
      ? input.demand.perDayMilli
      : input.demand.issuedMilli / input.demand.windowDays;
  const expectedDemandMilli =
    input.demand.kind === 'given'
      ? ceilMilli((input.demand.perDayMilli * input.cycleHours) / DAY_HOURS)
      : ceilMilli((input.demand.issuedMilli * input.cycleHours) / (input.demand.windowDays * DAY_HOURS));
  const rate =
    input.demand.kind === 'given'
      ? `${fmtRate(perDayMilli)}/day (given)`
      : `${fmtRate(perDayMilli)}/day (${fmt(input.demand.issuedMilli)} issued at ${input.locationCode} in the last ${input.demand.windowDays} days)`;
  reasons.push(
    `expected demand before the next cycle: ${rate} × ${hours(input.cycleHours)} = ${fmt(expectedDemandMilli)}`,
  );

  const positionMilli = projectedMilli - expectedDemandMilli;
  if (positionMilli >= input.bufferMilli) {
    reasons.push(
      `${fmt(projectedMilli)} − ${fmt(expectedDemandMilli)} = ${fmt(positionMilli)} covers the buffer of ${fmt(input.bufferMilli)}: nothing to raise`,
    );
    return {
      trigger: false,
      quantity: 0,
      quantityMilli: 0,
      projectedMilli,
      expectedDemandMilli,
      shortfallMilli: 0,
      reasons,
    };
  }
  const shortfallMilli = input.bufferMilli - positionMilli;
  reasons.push(
    `${fmt(projectedMilli)} − ${fmt(expectedDemandMilli)} = ${fmt(positionMilli)} is below the buffer of ${fmt(input.bufferMilli)}: short by ${fmt(shortfallMilli)}`,
  );

  let quantityMilli: number;
  if (input.order.policy === 'order_up_to') {
    const level = input.order.levelMilli;
    quantityMilli = level - projectedMilli;
    if (quantityMilli >= shortfallMilli) {
      reasons.push(
        `order up to ${fmt(level)}: ${fmt(level)} − ${fmt(projectedMilli)} = ${fmt(quantityMilli)}`,
      );
    } else {
      // A level below buffer + expected demand would leave the trigger standing.
      quantityMilli = shortfallMilli;
      reasons.push(
        `the order-up-to level ${fmt(level)} does not reach buffer + expected demand (${fmt(input.bufferMilli + expectedDemandMilli)}): raising the shortfall ${fmt(shortfallMilli)}`,
      );
    }
  } else {
    const lot = input.order.quantityMilli;
    const lots = Math.ceil(shortfallMilli / lot);
    quantityMilli = lots * lot;
    reasons.push(
      `fixed order quantity ${fmt(lot)}: ${lots} × ${fmt(lot)} = ${fmt(quantityMilli)} covers the shortfall of ${fmt(shortfallMilli)}`,
    );
  }
  if (input.wholeUnits && quantityMilli % MILLI !== 0) {
    quantityMilli = Math.ceil(quantityMilli / MILLI) * MILLI;
    reasons.push(`rounded up to whole units: ${fmt(quantityMilli)}`);
  }

  if (input.source.kind === 'transfer') {
    const { locationCode, freeMilli } = input.source;
    if (freeMilli === null) reasons.push(`transfer from ${locationCode}`);
    else if (freeMilli >= quantityMilli)
      reasons.push(`transfer from ${locationCode}, which has ${fmt(freeMilli)} free`);
    else
      reasons.push(
        `transfer from ${locationCode}, which has only ${fmt(Math.max(0, freeMilli))} free: the rest must be found elsewhere or bought`,
      );
  } else {
    reasons.push(
      input.source.supplier
        ? `purchase requisition to the ERP, supplier ${input.source.supplier}`
        : 'purchase requisition to the ERP',
    );
  }
  return {
    trigger: true,
    quantity: fromMilli(quantityMilli),
    quantityMilli,
    projectedMilli,
    expectedDemandMilli,
    shortfallMilli,
    reasons,
  };
}

function validate(input: BufferTriggerInput): void {
  const milli: Array<[string, number]> = [
    ['onHandMilli', input.onHandMilli],
    ['reservedMilli', input.reservedMilli],
    ['inboundMilli', input.inboundMilli],
    ['bufferMilli', input.bufferMilli],
  ];
  if (input.demand.kind === 'given') milli.push(['demand.perDayMilli', input.demand.perDayMilli]);
  else milli.push(['demand.issuedMilli', input.demand.issuedMilli]);
  milli.push([
    input.order.policy === 'order_up_to' ? 'order.levelMilli' : 'order.quantityMilli',
    input.order.policy === 'order_up_to' ? input.order.levelMilli : input.order.quantityMilli,
  ]);
  for (const [name, value] of milli) {
    if (!Number.isSafeInteger(value) || value < 0)
      throw new AppError('VALIDATION_FAILED', `${name} must be a whole number of milli-units, 0 or more`, {
        [name]: value,
      });
  }
  if (input.order.policy === 'fixed_quantity' && input.order.quantityMilli === 0)
    throw new AppError('VALIDATION_FAILED', 'A fixed order quantity must be more than 0');
  if (
    input.demand.kind === 'history' &&
    !(Number.isInteger(input.demand.windowDays) && input.demand.windowDays > 0)
  )
    throw new AppError('VALIDATION_FAILED', 'A demand window is a whole number of days, at least 1');
  if (!Number.isFinite(input.cycleHours) || input.cycleHours <= 0)
    throw new AppError('VALIDATION_FAILED', 'The replenishment cycle must be more than 0 hours', {
      cycleHours: input.cycleHours,
    });
}

/** Rounds demand up to a milli-unit, with a hair of tolerance so float noise does not add one. */
function ceilMilli(value: number): number {
  return Math.max(0, Math.ceil(value - 1e-9));
}

function fmt(milli: number): string {
  return String(fromMilli(milli));
}

function fmtRate(perDayMilli: number): string {
  return String(Number(fromMilli(perDayMilli).toFixed(3)));
}

function hours(h: number): string {
  return `${Number(h.toFixed(2))} h`;
}
