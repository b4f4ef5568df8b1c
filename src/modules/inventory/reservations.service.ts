import { sql } from 'kysely';
import { RetryTransaction, type Trx } from '../../db/index.js';
import { sqlLiteral, type Reader, type Work } from '../../kernel/index.js';
import { isoTimestamp } from '../../platform/clock.js';
import { actorLabel } from '../../platform/context.js';
import { AppError } from '../../platform/errors.js';
import { fromMilli } from '../../platform/quantity.js';
import type { Part } from '../catalog/index.js';
import { decideReservation, type Claim } from './allocation.js';
import { checkBufferKeys } from './buffers.service.js';
import type {
  CreateReservationInput,
  DemandType,
  Reservation,
  ReservationState,
} from './inventory.schemas.js';
import { quantityToMilli } from './movement-plan.js';
import { requireLocation, requirePartAndLocation } from './locations.service.js';
import { reservationPolicy } from './policies.js';
import {
  addReserved,
  insufficient,
  readBalance,
  removeReserved,
  type BalanceKey,
} from './stock.repository.js';

interface ReservationRow {
  id: string;
  part_id: string;
  location_id: string;
  quantity_milli: number;
  demand_type: string;
  priority: number;
  demand_ref: string;
  state: string;
  state_reason: string | null;
  created_by: string;
  created_at: string;
  updated_at: string;
}

function toReservation(row: ReservationRow, partNumber: string, locationCode: string): Reservation {
  return {
    id: row.id,
    partNumber,
    locationCode,
    quantity: fromMilli(Number(row.quantity_milli)),
    demandType: row.demand_type as DemandType,
    priority: Number(row.priority),
    demandRef: row.demand_ref,
    state: row.state as ReservationState,
    stateReason: row.state_reason,
    createdBy: row.created_by,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function toClaim(row: ReservationRow): Claim {
  return {
    id: row.id,
    demandType: row.demand_type,
    priority: Number(row.priority),
    quantityMilli: Number(row.quantity_milli),
    createdAt: row.created_at,
    demandRef: row.demand_ref,
  };
}

export interface ReservationOutcome {
  reservation: Reservation;
  reasons: string[];
  preempted: Reservation[];
}

export interface ReservationOptions {
  /**
   * The reservation is the unit's only change and nothing after it in the unit reads it, so on
   * PostgreSQL it may be written with COMMIT (reserveWithCommit). A unit that goes on to source,
   * reserve again or refer to the reservation's row must leave this off.
   */
  onlyChange?: boolean;
}

/**
 * Reserves available stock for a demand. The fast path is one conditional UPDATE; when it
 * finds too little, the policy decides whether weaker open reservations give way.
 */
export async function createReservation(
  w: Work,
  input: CreateReservationInput,
  options: ReservationOptions = {},
): Promise<ReservationOutcome> {
  const fast = options.onlyChange ? await reserveWithCommit(w, input) : null;
  if (fast) return fast;
  const tenantId = w.ctx.tenantId;
  const { part, location } = await requirePartAndLocation(
    w.trx,
    tenantId,
    input.partNumber,
    input.locationCode,
  );
  const row = newReservationRow(w, input, part, location.id);
  const key: BalanceKey = { tenantId, partId: part.id, locationId: location.id, status: 'available' };
  const request = toClaim(row);

  let reasons: string[];
  const preempted: Reservation[] = [];
  // The common case first: free stock covers it, and the row is written with the stock taken.
  let buffered = await reserveAndRecord(w, key, row);
  if (buffered !== null) {
    reasons = freeStockReasons(location.code, row);
  } else {
    const balance = await readBalance(w.trx, key);
    const open = await openReservationRows(w.trx, tenantId, part.id, location.id);
    const policy = await reservationPolicy(w.trx, tenantId);
    const decision = decideReservation(policy, request, balance.onHand - balance.reserved, open.map(toClaim));
    if (decision.kind !== 'preempt') {
      const error = insufficient(
        part.partNumber,
        location.code,
        'available',
        row.quantity_milli,
        balance.onHand - balance.reserved,
      );
      throw new AppError('INSUFFICIENT_STOCK', error.message, {
        ...error.details,
        reasons: decision.reasons,
      });
    }
    const victims = open.filter((row) => decision.victims.some((v) => v.id === row.id));
    preempted.push(
      ...(await preempt(
        w,
        victims,
        part,
        location.code,
        `pre-empted by ${request.id} for ${input.demandType} ${input.demandRef} (priority ${input.priority})`,
      )),
    );
    buffered = await reserveAndRecord(w, key, row);
    if (buffered === null) {
      // The stock moved between our read and the pre-emption: start the unit again.
      throw new RetryTransaction('stock changed during pre-emption');
    }
    reasons = decision.reasons;
  }

  const reservation = recordCreated(w, row, part, location.code, reasons);
  // M3.4: less free stock here may call for a replenishment, raised in this same unit.
  if (buffered) await checkBufferKeys(w, [{ partId: part.id, locationId: location.id }]);
  return { reservation, reasons, preempted };
}

/**
 * PostgreSQL's fast path (decision 0024): two round trips in all. The part and location are
 * read ahead of the BEGIN (nothing of the unit's own can have changed them), and the reservation
 * travels with COMMIT as one call to sparehub_reserve_free beside the unit's event and audit record. Where
 * free stock does not cover it or the balance has a buffer, that call raises TAKE_FULL_PATH and
 * the store runs the unit again, which then takes the general path (attempt 2). Null where
 * the path does not apply: SQLite, or a second attempt.
 */
async function reserveWithCommit(w: Work, input: CreateReservationInput): Promise<ReservationOutcome | null> {
  const tail = w.commitTail;
  if (!tail || tail.attempt > 1) return null;
  // A plain read, so on a pending transaction it runs ahead of the BEGIN (pg-client.ts).
  const { part, location } = await requirePartAndLocation(
    w.trx,
    w.ctx.tenantId,
    input.partNumber,
    input.locationCode,
  );
  const row = newReservationRow(w, input, part, location.id);
  tail.add(
    `select sparehub_reserve_free(${[
      row.tenant_id,
      row.part_id,
      row.location_id,
      String(row.quantity_milli),
      row.id,
      row.demand_type,
      String(row.priority),
      row.demand_ref,
      row.created_by,
      row.created_at,
    ]
      .map(sqlLiteral)
      .join(', ')})`,
  );
  const reasons = freeStockReasons(location.code, row);
  return { reservation: recordCreated(w, row, part, location.code, reasons), reasons, preempted: [] };
}

function newReservationRow(
  w: Work,
  input: CreateReservationInput,
  part: Part,
  locationId: string,
): ReservationRow & { tenant_id: string } {
  const now = isoTimestamp(w.ctx.clock);
  return {
    id: w.ctx.ids.next('rsv'),
    tenant_id: w.ctx.tenantId,
    part_id: part.id,
    location_id: locationId,
    quantity_milli: quantityToMilli(part, input.quantity),
    demand_type: input.demandType,
    priority: input.priority,
    demand_ref: input.demandRef,
    state: 'open',
    state_reason: null,
    created_by: actorLabel(w.ctx.actor),
    created_at: now,
    updated_at: now,
  };
}

function freeStockReasons(locationCode: string, row: ReservationRow): string[] {
  return [`free stock at ${locationCode} covers ${fromMilli(row.quantity_milli)}`];
}

/** The audit record and the event of a new reservation. */
function recordCreated(
  w: Work,
  row: ReservationRow,
  part: Part,
  locationCode: string,
  reasons: string[],
): Reservation {
  const reservation = toReservation(row, part.partNumber, locationCode);
  w.audit({
    action: 'reservation.created',
    entityType: 'reservation',
    entityId: row.id,
    after: reservation,
    reason: reasons.join('; '),
  });
  w.emit({
    type: 'inventory.stock_reserved',
    key: `part:${part.partNumber}`,
    // The unit travels with the quantity so that a mapping can write a complete order line.
    payload: { reservation, reasons, uom: part.baseUom },
  });
  return reservation;
}

/**
 * Takes the stock (reserved never above on hand) and writes the reservation row; null when
 * free stock does not cover it, and then nothing is written. Otherwise whether the balance
 * may have a buffer to check. On PostgreSQL this is one statement — the update, the insert
 * and the buffer probe together — because each round trip costs the hub a socket write and
 * the server a parse: the reservation benchmark's profile spent half the hub's time in
 * `writev` (decision 0023). SQLite runs in the process, where statements cost no trip.
 */
async function reserveAndRecord(
  w: Work,
  key: BalanceKey,
  row: ReservationRow & { tenant_id: string },
): Promise<boolean | null> {
  if (w.dialect !== 'postgres') {
    if (!(await addReserved(w.trx, key, row.quantity_milli, row.created_at))) return null;
    await w.trx.insertInto('reservations').values(row).execute();
    return true;
  }
  const result = await sql<{ buffers: number | string }>`
    with taken as (
      update stock_balances
         set reserved_milli = reserved_milli + ${row.quantity_milli}, updated_at = ${row.created_at}
       where tenant_id = ${key.tenantId} and part_id = ${key.partId} and location_id = ${key.locationId}
         and status = ${key.status} and on_hand_milli - reserved_milli >= ${row.quantity_milli}
      returning 1
    )
    insert into reservations
      (id, tenant_id, part_id, location_id, quantity_milli, demand_type, priority, demand_ref, state,
       state_reason, created_by, created_at, updated_at)
    select ${row.id}, ${row.tenant_id}, ${row.part_id}, ${row.location_id}, ${row.quantity_milli}::bigint,
           ${row.demand_type}, ${row.priority}::integer, ${row.demand_ref}, ${row.state}, ${row.state_reason}::text,
           ${row.created_by}, ${row.created_at}, ${row.updated_at}
      from taken
    returning (select count(*) from stock_buffers b
                where b.tenant_id = ${key.tenantId} and b.part_id = ${key.partId}
                  and b.location_id = ${key.locationId}) as buffers`.execute(w.trx);
  const first = result.rows[0];
  return first === undefined ? null : Number(first.buffers) > 0;
}

async function openReservationRows(
  trx: Trx,
  tenantId: string,
  partId: string,
  locationId: string,
): Promise<ReservationRow[]> {
  return trx
    .selectFrom('reservations')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('part_id', '=', partId)
    .where('location_id', '=', locationId)
    .where('state', '=', 'open')
    .execute();
}

/** Moves open reservations to `preempted`, returning their stock to the free pool. */
export async function preempt(
  w: Work,
  victims: ReservationRow[],
  part: Part,
  locationCode: string,
  reason: string,
): Promise<Reservation[]> {
  const now = isoTimestamp(w.ctx.clock);
  const out: Reservation[] = [];
  for (const victim of victims) {
    const result = await w.trx
      .updateTable('reservations')
      .set({ state: 'preempted', state_reason: reason, updated_at: now })
      .where('id', '=', victim.id)
      .where('state', '=', 'open')
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) !== 1)
      throw new RetryTransaction(`reservation ${victim.id} changed concurrently`);
    await removeReserved(
      w.trx,
      { tenantId: w.ctx.tenantId, partId: part.id, locationId: victim.location_id, status: 'available' },
      Number(victim.quantity_milli),
      now,
    );
    const before = toReservation(victim, part.partNumber, locationCode);
    const after: Reservation = { ...before, state: 'preempted', stateReason: reason, updatedAt: now };
    w.audit({
      action: 'reservation.preempted',
      entityType: 'reservation',
      entityId: victim.id,
      before,
      after,
      reason,
    });
    w.emit({
      type: 'inventory.reservation_preempted',
      key: `part:${part.partNumber}`,
      payload: { reservation: after, reason },
    });
    out.push(after);
  }
  return out;
}

export async function preemptForShortfall(
  w: Work,
  part: Part,
  location: { id: string; code: string },
  choose: (claims: Claim[]) => Claim[],
  reason: string,
): Promise<Reservation[]> {
  const open = await openReservationRows(w.trx, w.ctx.tenantId, part.id, location.id);
  const chosen = new Set(choose(open.map(toClaim)).map((c) => c.id));
  return preempt(
    w,
    open.filter((r) => chosen.has(r.id)),
    part,
    location.code,
    reason,
  );
}

export async function releaseReservation(
  w: Work,
  id: string,
  reason: string | undefined,
): Promise<Reservation> {
  const row = await w.trx
    .selectFrom('reservations')
    .selectAll()
    .where('tenant_id', '=', w.ctx.tenantId)
    .where('id', '=', id)
    .executeTakeFirst();
  if (!row) throw new AppError('RESERVATION_NOT_FOUND', `No reservation '${id}'`);
  const { partNumber, locationCode } = await labels(w.trx, row);
  if (row.state !== 'open') {
    throw new AppError('RESERVATION_NOT_OPEN', `Reservation ${id} is ${row.state}`, { state: row.state });
  }
  const now = isoTimestamp(w.ctx.clock);
  const result = await w.trx
    .updateTable('reservations')
    .set({ state: 'released', state_reason: reason ?? 'released', updated_at: now })
    .where('id', '=', id)
    .where('state', '=', 'open')
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) !== 1)
    throw new RetryTransaction(`reservation ${id} changed concurrently`);
  await removeReserved(
    w.trx,
    { tenantId: w.ctx.tenantId, partId: row.part_id, locationId: row.location_id, status: 'available' },
    Number(row.quantity_milli),
    now,
  );
  const before = toReservation(row, partNumber, locationCode);
  const after: Reservation = {
    ...before,
    state: 'released',
    stateReason: reason ?? 'released',
    updatedAt: now,
  };
  w.audit({
    action: 'reservation.released',
    entityType: 'reservation',
    entityId: id,
    before,
    after,
    reason: reason ?? null,
  });
  w.emit({ type: 'inventory.reservation_released', key: `part:${partNumber}`, payload: after });
  return after;
}

/** Checks that an issue may consume the reservation: open, same part and place, enough held. */
export async function loadOpenReservationForIssue(
  w: Work,
  id: string,
  part: Part,
  location: { id: string; code: string },
  quantityMilli: number,
): Promise<ReservationRow> {
  const row = await w.trx
    .selectFrom('reservations')
    .selectAll()
    .where('tenant_id', '=', w.ctx.tenantId)
    .where('id', '=', id)
    .executeTakeFirst();
  if (!row) throw new AppError('RESERVATION_NOT_FOUND', `No reservation '${id}'`);
  if (row.state !== 'open')
    throw new AppError('RESERVATION_NOT_OPEN', `Reservation ${id} is ${row.state}`, { state: row.state });
  if (row.part_id !== part.id || row.location_id !== location.id) {
    throw new AppError('MOVEMENT_INVALID', `Reservation ${id} holds another part or location`);
  }
  if (quantityMilli > Number(row.quantity_milli)) {
    throw new AppError(
      'MOVEMENT_INVALID',
      `Reservation ${id} holds ${fromMilli(Number(row.quantity_milli))}; ${fromMilli(quantityMilli)} cannot be issued against it`,
    );
  }
  return row;
}

/** An issue against a reservation consumes it, wholly or in part. */
export async function consumeReservation(
  w: Work,
  row: ReservationRow,
  quantityMilli: number,
  movementId: string,
): Promise<void> {
  const now = isoTimestamp(w.ctx.clock);
  const remaining = Number(row.quantity_milli) - quantityMilli;
  const result = await w.trx
    .updateTable('reservations')
    .set(
      remaining === 0
        ? { state: 'consumed', state_reason: `issued by ${movementId}`, updated_at: now }
        : { quantity_milli: remaining, updated_at: now },
    )
    .where('id', '=', row.id)
    .where('state', '=', 'open')
    .where('quantity_milli', '=', row.quantity_milli)
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) !== 1)
    throw new RetryTransaction(`reservation ${row.id} changed concurrently`);
  const { partNumber, locationCode } = await labels(w.trx, row);
  const before = toReservation(row, partNumber, locationCode);
  const after: Reservation =
    remaining === 0
      ? { ...before, state: 'consumed', stateReason: `issued by ${movementId}`, updatedAt: now }
      : { ...before, quantity: fromMilli(remaining), updatedAt: now };
  w.audit({
    action: 'reservation.consumed',
    entityType: 'reservation',
    entityId: row.id,
    before,
    after,
    reason: `issued by ${movementId}`,
  });
  w.emit({
    type: 'inventory.reservation_consumed',
    key: `part:${partNumber}`,
    payload: { reservation: after, movementId },
  });
}

async function labels(
  trx: Trx,
  row: { part_id: string; location_id: string },
): Promise<{ partNumber: string; locationCode: string }> {
  const p = await trx
    .selectFrom('parts')
    .select('part_number')
    .where('id', '=', row.part_id)
    .executeTakeFirstOrThrow();
  const l = await trx
    .selectFrom('locations')
    .select('code')
    .where('id', '=', row.location_id)
    .executeTakeFirstOrThrow();
  return { partNumber: p.part_number, locationCode: l.code };
}

export async function listReservations(
  r: Reader,
  query: {
    demandRef?: string | undefined;
    partNumber?: string | undefined;
    locationCode?: string | undefined;
    state?: ReservationState | undefined;
    limit: number;
  },
): Promise<Reservation[]> {
  let qb = r.db
    .selectFrom('reservations as r')
    .innerJoin('parts as p', 'p.id', 'r.part_id')
    .innerJoin('locations as l', 'l.id', 'r.location_id')
    .selectAll('r')
    .select(['p.part_number', 'l.code as location_code'])
    .where('r.tenant_id', '=', r.ctx.tenantId);
  if (query.demandRef) qb = qb.where('r.demand_ref', '=', query.demandRef);
  if (query.partNumber) qb = qb.where('p.part_number', '=', query.partNumber);
  if (query.locationCode) qb = qb.where('l.code', '=', query.locationCode);
  if (query.state) qb = qb.where('r.state', '=', query.state);
  const rows = await qb.orderBy('r.created_at', 'desc').orderBy('r.id', 'desc').limit(query.limit).execute();
  return rows.map((row) => toReservation(row, row.part_number, row.location_code));
}

export async function getReservation(r: Reader, id: string): Promise<Reservation> {
  const [found] = await r.db
    .selectFrom('reservations as r')
    .innerJoin('parts as p', 'p.id', 'r.part_id')
    .innerJoin('locations as l', 'l.id', 'r.location_id')
    .selectAll('r')
    .select(['p.part_number', 'l.code as location_code'])
    .where('r.tenant_id', '=', r.ctx.tenantId)
    .where('r.id', '=', id)
    .execute();
  if (!found) throw new AppError('RESERVATION_NOT_FOUND', `No reservation '${id}'`);
  return toReservation(found, found.part_number, found.location_code);
}

export { requireLocation };
