import { sql } from 'kysely';
import type { Trx } from '../../db/index.js';
import { AppError } from '../../platform/errors.js';
import type { StockStatus } from './inventory.schemas.js';

/** The key of one aggregate balance row. */
export interface BalanceKey {
  tenantId: string;
  partId: string;
  locationId: string;
  status: StockStatus;
}

export async function increaseOnHand(trx: Trx, key: BalanceKey, milli: number, now: string): Promise<void> {
  await trx
    .insertInto('stock_balances')
    .values({
      tenant_id: key.tenantId,
      part_id: key.partId,
      location_id: key.locationId,
      status: key.status,
      on_hand_milli: milli,
      reserved_milli: 0,
      updated_at: now,
    })
    .onConflict((oc) =>
      oc.columns(['tenant_id', 'part_id', 'location_id', 'status']).doUpdateSet({
        on_hand_milli: sql<number>`stock_balances.on_hand_milli + ${milli}`,
        updated_at: now,
      }),
    )
    .execute();
}

/**
 * Takes stock that nobody has reserved, in one conditional UPDATE: the row lock (PostgreSQL)
 * or the single writer (SQLite) makes the check and the change one step. False when short.
 */
export async function decreaseUnreserved(
  trx: Trx,
  key: BalanceKey,
  milli: number,
  now: string,
): Promise<boolean> {
  const result = await balanceUpdate(trx, key)
    .set({ on_hand_milli: sql<number>`on_hand_milli - ${milli}`, updated_at: now })
    .where(sql<boolean>`on_hand_milli - reserved_milli >= ${milli}`)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Takes stock that a reservation holds: on hand and reserved drop together. */
export async function decreaseReserved(
  trx: Trx,
  key: BalanceKey,
  milli: number,
  now: string,
): Promise<boolean> {
  const result = await balanceUpdate(trx, key)
    .set({
      on_hand_milli: sql<number>`on_hand_milli - ${milli}`,
      reserved_milli: sql<number>`reserved_milli - ${milli}`,
      updated_at: now,
    })
    .where('reserved_milli', '>=', milli)
    .where('on_hand_milli', '>=', milli)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** The reservation invariant in one statement: reserved never exceeds on hand. */
export async function addReserved(trx: Trx, key: BalanceKey, milli: number, now: string): Promise<boolean> {
  const result = await balanceUpdate(trx, key)
    .set({ reserved_milli: sql<number>`reserved_milli + ${milli}`, updated_at: now })
    .where(sql<boolean>`on_hand_milli - reserved_milli >= ${milli}`)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function removeReserved(trx: Trx, key: BalanceKey, milli: number, now: string): Promise<void> {
  const result = await balanceUpdate(trx, key)
    .set({ reserved_milli: sql<number>`reserved_milli - ${milli}`, updated_at: now })
    .where('reserved_milli', '>=', milli)
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) !== 1) {
    // Reserved stock and open reservations disagree: a bug, never an expected outcome.
    throw new Error(
      `reserved quantity of ${key.partId}@${key.locationId} is below a reservation being released`,
    );
  }
}

export async function readBalance(trx: Trx, key: BalanceKey): Promise<{ onHand: number; reserved: number }> {
  const row = await trx
    .selectFrom('stock_balances')
    .select(['on_hand_milli', 'reserved_milli'])
    .where('tenant_id', '=', key.tenantId)
    .where('part_id', '=', key.partId)
    .where('location_id', '=', key.locationId)
    .where('status', '=', key.status)
    .executeTakeFirst();
  return { onHand: Number(row?.on_hand_milli ?? 0), reserved: Number(row?.reserved_milli ?? 0) };
}

export interface TrackedKey extends BalanceKey {
  serial: string;
  lot: string;
}

export async function changeTracked(trx: Trx, key: TrackedKey, deltaMilli: number): Promise<boolean> {
  if (deltaMilli > 0) {
    await trx
      .insertInto('stock_tracked')
      .values({
        tenant_id: key.tenantId,
        part_id: key.partId,
        location_id: key.locationId,
        status: key.status,
        serial: key.serial,
        lot: key.lot,
        on_hand_milli: deltaMilli,
      })
      .onConflict((oc) =>
        oc.columns(['tenant_id', 'part_id', 'location_id', 'status', 'serial', 'lot']).doUpdateSet({
          on_hand_milli: sql<number>`stock_tracked.on_hand_milli + ${deltaMilli}`,
        }),
      )
      .execute();
    return true;
  }
  const result = await trx
    .updateTable('stock_tracked')
    .set({ on_hand_milli: sql<number>`on_hand_milli - ${-deltaMilli}` })
    .where('tenant_id', '=', key.tenantId)
    .where('part_id', '=', key.partId)
    .where('location_id', '=', key.locationId)
    .where('status', '=', key.status)
    .where('serial', '=', key.serial)
    .where('lot', '=', key.lot)
    .where('on_hand_milli', '>=', -deltaMilli)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

function balanceUpdate(trx: Trx, key: BalanceKey) {
  return trx
    .updateTable('stock_balances')
    .where('tenant_id', '=', key.tenantId)
    .where('part_id', '=', key.partId)
    .where('location_id', '=', key.locationId)
    .where('status', '=', key.status);
}

export function insufficient(
  partNumber: string,
  locationCode: string,
  status: StockStatus,
  requestedMilli: number,
  availableMilli: number,
): AppError {
  return new AppError(
    'INSUFFICIENT_STOCK',
    `Only ${availableMilli / 1000} of part ${partNumber} ${status} and unreserved at ${locationCode}; ${requestedMilli / 1000} requested`,
    {
      partNumber,
      locationCode,
      stockStatus: status,
      requested: requestedMilli / 1000,
      available: availableMilli / 1000,
    },
  );
}
