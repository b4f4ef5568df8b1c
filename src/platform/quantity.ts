import { AppError } from './errors.js';

/**
 * Quantities are stored as whole thousandths of the base unit ("milli-units") so that
 * sums are exact on both stores; the API speaks plain decimal numbers.
 */
export const MILLI = 1000;

export function toMilli(quantity: number): number {
  const milli = Math.round(quantity * MILLI);
  // The tolerance absorbs binary noise (0.1 + 0.2); it must not let a quantity too small to
  // hold (5e-324) round to none, which a positive quantity's check in the store then refused
  // as a server error.
  if (!Number.isSafeInteger(milli))
    throw new AppError(
      'QUANTITY_INVALID',
      `Quantity ${quantity} cannot be counted exactly (at most ${Number.MAX_SAFE_INTEGER / MILLI} either way)`,
      { quantity },
    );
  const lost = milli === 0 && quantity !== 0;
  if (lost || Math.abs(milli - quantity * MILLI) > 1e-6)
    throw new AppError('QUANTITY_INVALID', `Quantity ${quantity} has more than 3 decimal places`, {
      quantity,
    });
  return milli;
}

export function fromMilli(milli: number): number {
  return milli / MILLI;
}
