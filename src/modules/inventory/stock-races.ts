import { RetryTransaction } from '../../db/index.js';
import { isAppError } from '../../platform/errors.js';

/**
 * For decisions taken on stock read without locks (a kit build, a work order's sourcing): if
 * the stock change then finds the stock or serial gone (another command took it first), the
 * unit of work starts again and decides on what is left, so the caller gets the true outcome
 * rather than a stale refusal.
 */
export async function retryIfStockMoved<T>(what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    if (isAppError(error) && (error.code === 'INSUFFICIENT_STOCK' || error.code === 'SERIAL_INVALID'))
      throw new RetryTransaction(`${what}: ${error.message}`);
    throw error;
  }
}
