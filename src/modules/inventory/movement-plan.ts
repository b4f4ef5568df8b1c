import { AppError } from '../../platform/errors.js';
import { toMilli } from '../../platform/quantity.js';
import type { PartTracking } from '../catalog/index.js';
import type { MovementType, StockStatus } from './inventory.schemas.js';

export interface PlanInput {
  type: MovementType;
  part: { partNumber: string; wholeUnits: boolean; tracking: PartTracking };
  locationId: string;
  toLocationId?: string | undefined;
  quantity: number;
  status?: StockStatus | undefined;
  toStatus?: StockStatus | undefined;
  reasonCode?: string | undefined;
  serials?: string[] | undefined;
  lot?: string | undefined;
  reservationId?: string | undefined;
}

/** One signed change to one balance (and to one serial or lot when tracked). */
export interface LedgerDelta {
  locationId: string;
  status: StockStatus;
  serial: string;
  lot: string;
  deltaMilli: number;
}

export interface MovementPlan {
  quantityMilli: number;
  deltas: LedgerDelta[];
}

/**
 * Turns a movement request into the signed ledger lines it posts, or refuses it with a
 * coded error. Pure: the caller applies the lines with conditional updates.
 */
export function planMovement(input: PlanInput): MovementPlan {
  const { type, part } = input;
  const quantityMilli = quantityToMilli(part, input.quantity, type === 'adjustment');
  const status: StockStatus = input.status ?? 'available';

  if (input.toLocationId !== undefined && type !== 'transfer') {
    throw invalid(`toLocationCode applies to transfers only, not to ${type}`);
  }
  if (input.toStatus !== undefined && type !== 'transfer' && type !== 'status_change') {
    throw invalid(`toStatus applies to transfers and status changes only, not to ${type}`);
  }
  if (input.reservationId !== undefined && type !== 'issue') {
    throw invalid('reservationId applies to issues only');
  }
  if (input.reservationId !== undefined && status !== 'available') {
    throw invalid('reservations hold available stock: an issue against one takes available stock');
  }
  if (type === 'adjustment' && !input.reasonCode) {
    throw new AppError('REASON_CODE_REQUIRED', 'An adjustment needs a reasonCode');
  }

  const from = (deltaSign: 1 | -1, locationId: string, s: StockStatus) => ({
    locationId,
    status: s,
    sign: deltaSign,
  });
  let legs: Array<{ locationId: string; status: StockStatus; sign: 1 | -1 }>;
  switch (type) {
    case 'receipt':
      legs = [from(1, input.locationId, status)];
      break;
    case 'issue':
      legs = [from(-1, input.locationId, status)];
      break;
    case 'adjustment':
      legs = [from(quantityMilli > 0 ? 1 : -1, input.locationId, status)];
      break;
    case 'transfer': {
      if (input.toLocationId === undefined) throw invalid('a transfer needs toLocationCode');
      const toStatus = input.toStatus ?? status;
      if (input.toLocationId === input.locationId) {
        throw invalid(
          'a transfer must move stock to another location; use status_change within one location',
        );
      }
      legs = [from(-1, input.locationId, status), from(1, input.toLocationId, toStatus)];
      break;
    }
    case 'status_change': {
      if (input.toStatus === undefined) throw invalid('a status change needs toStatus');
      if (input.toStatus === status) throw invalid(`stock is already ${status}`);
      legs = [from(-1, input.locationId, status), from(1, input.locationId, input.toStatus)];
      break;
    }
  }

  const magnitude = Math.abs(quantityMilli);
  const units = trackedUnits(input, magnitude);
  const deltas: LedgerDelta[] = [];
  for (const leg of legs) {
    for (const unit of units) {
      deltas.push({
        locationId: leg.locationId,
        status: leg.status,
        serial: unit.serial,
        lot: unit.lot,
        deltaMilli: leg.sign * unit.milli,
      });
    }
  }
  return { quantityMilli, deltas };
}

/**
 * Validates a quantity for a part and converts it to milli-units: non-zero, finite, positive
 * unless the caller allows a sign, whole for whole-unit parts, at most 3 decimals.
 */
export function quantityToMilli(
  part: { partNumber: string; wholeUnits: boolean },
  quantity: number,
  signed = false,
): number {
  if (!Number.isFinite(quantity) || quantity === 0) {
    throw new AppError('QUANTITY_INVALID', `Quantity must be a non-zero number, got ${quantity}`, {
      quantity,
    });
  }
  if (quantity < 0 && !signed) {
    throw new AppError(
      'QUANTITY_INVALID',
      `Quantity must be positive, got ${quantity} (only adjustments are signed)`,
      {
        quantity,
      },
    );
  }
  if (part.wholeUnits && !Number.isInteger(quantity)) {
    throw new AppError(
      'QUANTITY_INVALID',
      `Part ${part.partNumber} is counted in whole units; ${quantity} is fractional`,
      { quantity, partNumber: part.partNumber },
    );
  }
  return toMilli(quantity);
}

function trackedUnits(
  input: PlanInput,
  magnitudeMilli: number,
): Array<{ serial: string; lot: string; milli: number }> {
  const { part, serials, lot } = input;
  if (part.tracking === 'serial') {
    if (!serials || serials.length === 0) {
      throw new AppError(
        'SERIAL_INVALID',
        `Part ${part.partNumber} is serialized: name the serial numbers moved`,
      );
    }
    if (serials.length * 1000 !== magnitudeMilli) {
      throw new AppError(
        'SERIAL_INVALID',
        `Quantity ${magnitudeMilli / 1000} does not match the ${serials.length} serial number(s) given`,
      );
    }
    const seen = new Set<string>();
    for (const s of serials) {
      if (seen.has(s)) throw new AppError('SERIAL_INVALID', `Serial ${s} is listed twice`);
      seen.add(s);
    }
    if (lot !== undefined) throw invalid(`Part ${part.partNumber} is tracked by serial, not by lot`);
    return serials.map((serial) => ({ serial, lot: '', milli: 1000 }));
  }
  if (serials !== undefined && serials.length > 0) {
    throw new AppError('SERIAL_INVALID', `Part ${part.partNumber} is not serialized`);
  }
  if (part.tracking === 'lot') {
    if (!lot) throw invalid(`Part ${part.partNumber} is lot-tracked: name the lot`);
    return [{ serial: '', lot, milli: magnitudeMilli }];
  }
  if (lot !== undefined) throw invalid(`Part ${part.partNumber} is not lot-tracked`);
  return [{ serial: '', lot: '', milli: magnitudeMilli }];
}

function invalid(message: string): AppError {
  return new AppError('MOVEMENT_INVALID', message);
}
