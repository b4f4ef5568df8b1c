import type { Reader, Work } from '../../kernel/index.js';
import { isUniqueViolation } from '../../kernel/index.js';
import { isoTimestamp } from '../../platform/clock.js';
import { actorLabel } from '../../platform/context.js';
import { AppError } from '../../platform/errors.js';
import { fromMilli } from '../../platform/quantity.js';
import { requirePart, type Part } from '../catalog/index.js';
import type { Role } from '../access/index.js';
import { checkBuffersAfterMovement } from './buffers.service.js';
import type {
  LedgerLine,
  MovementInput,
  MovementResult,
  MovementType,
  StockRow,
  StockStatus,
} from './inventory.schemas.js';
import { requireLocation } from './locations.service.js';
import { planMovement, type LedgerDelta } from './movement-plan.js';
import { visibilityPolicy } from './policies.js';
import { requireReasonCode } from './reason-codes.js';
import { consumeReservation, loadOpenReservationForIssue } from './reservations.service.js';
import {
  changeTracked,
  decreaseReserved,
  decreaseUnreserved,
  increaseOnHand,
  insufficient,
  readBalance,
  type BalanceKey,
} from './stock.repository.js';
import { visibleStatuses } from './visibility.js';

export async function postMovement(w: Work, input: MovementInput): Promise<MovementResult> {
  const tenantId = w.ctx.tenantId;
  const part = await requirePart(w.trx, tenantId, input.partNumber);
  const location = await requireLocation(w.trx, tenantId, input.locationCode);
  const toLocation = input.toLocationCode
    ? await requireLocation(w.trx, tenantId, input.toLocationCode)
    : undefined;
  if (input.reasonCode !== undefined) await requireReasonCode(w.trx, tenantId, input.reasonCode);
  const plan = planMovement({
    type: input.type,
    part,
    locationId: location.id,
    toLocationId: toLocation?.id,
    quantity: input.quantity,
    status: input.status,
    toStatus: input.toStatus,
    reasonCode: input.reasonCode,
    serials: input.serials,
    lot: input.lot,
    reservationId: input.reservationId,
  });
  const codes = new Map([[location.id, location.code]]);
  if (toLocation) codes.set(toLocation.id, toLocation.code);

  const reservation = input.reservationId
    ? await loadOpenReservationForIssue(w, input.reservationId, part, location, plan.quantityMilli)
    : undefined;
  const result = await applyMovement(w, {
    type: input.type,
    part,
    deltas: plan.deltas,
    locationCodes: codes,
    reasonCode: input.reasonCode ?? null,
    reference: input.reference ?? null,
    consumesReservation: reservation !== undefined,
  });
  if (reservation) await consumeReservation(w, reservation, plan.quantityMilli, result.movementId);
  // What a technician has on the van is the FSM's business too (M4.5): it hears the new figure.
  for (const van of [location, toLocation])
    if (van?.type === 'technician_van') await emitVanStock(w, part, van, result.movementId);
  return result;
}

/**
 * The van's available stock of a part after a movement, as absolute figures (not a delta),
 * keyed per van so the FSM receives them in order and a repeat is harmless.
 */
async function emitVanStock(
  w: Work,
  part: Part,
  van: { id: string; code: string },
  movementId: string,
): Promise<void> {
  const balance = await readBalance(w.trx, {
    tenantId: w.ctx.tenantId,
    partId: part.id,
    locationId: van.id,
    status: 'available',
  });
  w.emit({
    type: 'inventory.van_stock_changed',
    key: `van:${van.code}`,
    payload: {
      van: van.code,
      partNumber: part.partNumber,
      onHand: fromMilli(balance.onHand),
      reserved: fromMilli(balance.reserved),
      available: fromMilli(balance.onHand - balance.reserved),
      movementId,
      asOf: isoTimestamp(w.ctx.clock),
    },
  });
}

export interface ApplyMovementArgs {
  type: MovementType;
  part: Part;
  deltas: LedgerDelta[];
  locationCodes: Map<string, string>;
  reasonCode: string | null;
  reference: string | null;
  consumesReservation: boolean;
}

/**
 * Posts ledger lines and moves balances with them, each removal a conditional update that
 * fails rather than going negative. Rows are touched in one global order (no deadlocks). The ledger and the
 * balances change in the same transaction, so they always agree.
 */
export async function applyMovement(w: Work, args: ApplyMovementArgs): Promise<MovementResult> {
  const { part, deltas } = args;
  const tenantId = w.ctx.tenantId;
  const now = isoTimestamp(w.ctx.clock);
  const codeOf = (id: string): string => args.locationCodes.get(id) ?? id;

  const byBalance = new Map<string, { key: BalanceKey; milli: number }>();
  for (const d of deltas) {
    const id = `${d.locationId}|${d.status}`;
    const entry = byBalance.get(id) ?? {
      key: { tenantId, partId: part.id, locationId: d.locationId, status: d.status },
      milli: 0,
    };
    entry.milli += d.deltaMilli;
    byBalance.set(id, entry);
  }
  // A stable order of row updates keeps two transfers in opposite directions from deadlocking.
  const ordered = [...byBalance.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([, v]) => v);

  for (const { key, milli } of ordered) {
    if (milli > 0) {
      await increaseOnHand(w.trx, key, milli, now);
      continue;
    }
    if (milli === 0) continue;
    const need = -milli;
    const ok = args.consumesReservation
      ? await decreaseReserved(w.trx, key, need, now)
      : await decreaseUnreserved(w.trx, key, need, now);
    if (!ok) {
      const balance = await readBalance(w.trx, key);
      throw insufficient(
        part.partNumber,
        codeOf(key.locationId),
        key.status,
        need,
        balance.onHand - balance.reserved,
      );
    }
  }
  // Serial and lot rows are locked only after their balances, so the order above protects them
  // too; removals go first so a serial can leave one place before the unique index sees it arrive.
  const tracked = deltas.filter((d) => d.serial !== '' || d.lot !== '');
  for (const d of tracked.filter((t) => t.deltaMilli < 0)) {
    const ok = await changeTracked(
      w.trx,
      { tenantId, partId: part.id, locationId: d.locationId, status: d.status, serial: d.serial, lot: d.lot },
      d.deltaMilli,
    );
    if (!ok) {
      throw d.serial
        ? new AppError(
            'SERIAL_INVALID',
            `Serial ${d.serial} of part ${part.partNumber} is not ${d.status} at ${codeOf(d.locationId)}`,
            { serial: d.serial },
          )
        : insufficient(part.partNumber, `${codeOf(d.locationId)} lot ${d.lot}`, d.status, -d.deltaMilli, 0);
    }
  }
  for (const d of tracked.filter((t) => t.deltaMilli > 0)) {
    try {
      await changeTracked(
        w.trx,
        {
          tenantId,
          partId: part.id,
          locationId: d.locationId,
          status: d.status,
          serial: d.serial,
          lot: d.lot,
        },
        d.deltaMilli,
      );
    } catch (error) {
      if (isUniqueViolation(error)) {
        throw new AppError(
          'SERIAL_INVALID',
          `Serial ${d.serial} of part ${part.partNumber} is already on hand elsewhere`,
          { serial: d.serial },
        );
      }
      throw error;
    }
  }

  const movementId = w.ctx.ids.next('mov');
  const actor = actorLabel(w.ctx.actor);
  const rows = deltas.map((d) => ({
    id: w.ctx.ids.next('led'),
    tenant_id: tenantId,
    movement_id: movementId,
    type: args.type,
    part_id: part.id,
    location_id: d.locationId,
    status: d.status,
    serial: d.serial,
    lot: d.lot,
    quantity_milli: d.deltaMilli,
    reason_code: args.reasonCode,
    reference: args.reference,
    actor,
    created_at: now,
  }));
  for (let i = 0; i < rows.length; i += 500) {
    await w.trx
      .insertInto('stock_movements')
      .values(rows.slice(i, i + 500))
      .execute();
  }
  const lines: LedgerLine[] = rows.map((r) => ({
    id: r.id,
    movementId,
    type: args.type,
    partNumber: part.partNumber,
    locationCode: codeOf(r.location_id),
    status: r.status,
    serial: r.serial || null,
    lot: r.lot || null,
    quantity: fromMilli(r.quantity_milli),
    reasonCode: r.reason_code,
    reference: r.reference,
    actor,
    createdAt: now,
  }));
  const result: MovementResult = { movementId, lines };
  w.audit({
    action: `stock.${args.type}`,
    entityType: 'movement',
    entityId: movementId,
    after: result,
    reason: args.reasonCode,
  });
  w.emit({ type: 'inventory.stock_moved', key: `part:${part.partNumber}`, payload: result });
  // M3.4: every path that moves stock (movements, counts) checks the buffers it touched here.
  await checkBuffersAfterMovement(w, part.id, deltas, args.reference, movementId);
  return result;
}

export async function queryStock(
  r: Reader,
  role: Role,
  query: {
    partNumber?: string | undefined;
    locationCode?: string | undefined;
    status?: StockStatus | undefined;
    limit: number;
  },
): Promise<StockRow[]> {
  const visible = visibleStatuses(await visibilityPolicy(r.db, r.ctx.tenantId), role);
  if (visible.length === 0 || (query.status && !visible.includes(query.status))) return [];
  let qb = r.db
    .selectFrom('stock_balances as b')
    .innerJoin('parts as p', 'p.id', 'b.part_id')
    .innerJoin('locations as l', 'l.id', 'b.location_id')
    .select(['p.part_number', 'l.code as location_code', 'b.status', 'b.on_hand_milli', 'b.reserved_milli'])
    .where('b.tenant_id', '=', r.ctx.tenantId)
    .where('b.status', 'in', query.status ? [query.status] : visible);
  if (query.partNumber) qb = qb.where('p.part_number', '=', query.partNumber);
  if (query.locationCode) qb = qb.where('l.code', '=', query.locationCode);
  const rows = await qb
    .orderBy('p.part_number')
    .orderBy('l.code')
    .orderBy('b.status')
    .limit(query.limit)
    .execute();
  return rows.map((row) => ({
    partNumber: row.part_number,
    locationCode: row.location_code,
    status: row.status as StockStatus,
    onHand: fromMilli(Number(row.on_hand_milli)),
    reserved: fromMilli(Number(row.reserved_milli)),
    available: fromMilli(Number(row.on_hand_milli) - Number(row.reserved_milli)),
  }));
}

export async function queryLedger(
  r: Reader,
  query: {
    partNumber?: string | undefined;
    locationCode?: string | undefined;
    type?: MovementType | undefined;
    before?: string | undefined;
    limit: number;
  },
): Promise<LedgerLine[]> {
  let qb = r.db
    .selectFrom('stock_movements as m')
    .innerJoin('parts as p', 'p.id', 'm.part_id')
    .innerJoin('locations as l', 'l.id', 'm.location_id')
    .select([
      'm.id',
      'm.movement_id',
      'm.type',
      'p.part_number',
      'l.code as location_code',
      'm.status',
      'm.serial',
      'm.lot',
      'm.quantity_milli',
      'm.reason_code',
      'm.reference',
      'm.actor',
      'm.created_at',
    ])
    .where('m.tenant_id', '=', r.ctx.tenantId);
  if (query.partNumber) qb = qb.where('p.part_number', '=', query.partNumber);
  if (query.locationCode) qb = qb.where('l.code', '=', query.locationCode);
  if (query.type) qb = qb.where('m.type', '=', query.type);
  if (query.before) qb = qb.where('m.id', '<', query.before);
  const rows = await qb.orderBy('m.id', 'desc').limit(query.limit).execute();
  return rows.map((row) => ({
    id: row.id,
    movementId: row.movement_id,
    type: row.type as MovementType,
    partNumber: row.part_number,
    locationCode: row.location_code,
    status: row.status as StockStatus,
    serial: row.serial || null,
    lot: row.lot || null,
    quantity: fromMilli(Number(row.quantity_milli)),
    reasonCode: row.reason_code,
    reference: row.reference,
    actor: row.actor,
    createdAt: row.created_at,
  }));
}
