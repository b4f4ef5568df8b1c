import { AppError } from './errors.js';

/**
 * Quantities are stored as whole thousandths of the base unit ("milli-units") so that
 * sums are exact on both stores; the API speaks plain decimal numbers.
 */
export const MILLI = 1000;

export function toMilli(quantity: number): number {
  const milli = Math.round(quantity * MILLI);
  if (Math.abs(milli - quantity * MILLI) > 1e-6 || !Number.isSafeInteger(milli)) {
    throw new AppError('QUANTITY_INVALID', `Quantity ${quantity} has more than 3 decimal places`, {
      quantity,
    });
  }
  return milli;
}

export function fromMilli(milli: number): number {
  return milli / MILLI;
}
