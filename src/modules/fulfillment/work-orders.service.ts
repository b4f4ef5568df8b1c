/**
 * Work order → parts (M4.1, M4.5): a job from the FSM is sourced by decideSourcing from the
 * stock the hub sees, its stock is reserved where the plan takes it, and a requisition is
 * raised (an outbox event for the ERP) for everything that must move, be bought or wait —
 * all in one unit of work with the work order, so a job is either fully sourced or not at
 * all. A repeat of the same work order number has no further effect.
 */
import { sql } from 'kysely';
import type { Database } from '../../db/index.js';
import type { Reader, Work } from '../../kernel/index.js';
import { isoTimestamp } from '../../platform/clock.js';
import { AppError } from '../../platform/errors.js';
import { fromMilli, toMilli } from '../../platform/quantity.js';
import { requirePart } from '../catalog/index.js';
import {
  createReservation,
  LOCATION_TYPES,
  releaseReservation,
  requireLocation,
  type LocationType,
} from '../inventory/index.js';
import {
  workOrderInputSchema,
  type Requisition,
  type WorkOrder,
  type WorkOrderInput,
} from './fulfillment.schemas.js';
import { DEFAULT_LEAD_TIMES, leadTimeHours } from './lead-times.js';
import { decideSourcing, type LinePlan, type SourcingPlan, type StockOffer } from './sourcing.js';

export async function receiveWorkOrder(w: Work, raw: unknown): Promise<WorkOrder> {
  const input = workOrderInputSchema.parse(raw);
  const tenantId = w.ctx.tenantId;
  const existing = await findWorkOrderRow(w.trx, tenantId, input.externalRef);
  if (existing)
    return toWorkOrder(
      existing,
      (await requisitionRows(w.trx, tenantId, [existing.id])).get(existing.id) ?? [],
    );
  const plan = await planWorkOrder(w, input);
  return reserveAndRequisition(w, input, plan);
}

/**
 * The sourcing plan a work order would get now, read in the caller's unit of work without
 * changing anything (shadow flows and replay preview it; receiveWorkOrder then applies it).
 */
export async function planWorkOrder(w: Work, input: WorkOrderInput): Promise<SourcingPlan> {
  const now = isoTimestamp(w.ctx.clock);
  const partNumbers = [...new Set(input.lines.map((l) => l.partNumber))];
  for (const partNumber of partNumbers) await requirePart(w.trx, w.ctx.tenantId, partNumber);
  if (input.technicianVan) await requireVan(w, input.technicianVan);
  return decideSourcing({
    now,
    lines: input.lines.map((line) => ({
      ...line,
      priority: input.priority,
      dueAt: input.dueAt,
      technicianVan: input.technicianVan,
      jobRegion: input.jobRegion,
    })),
    offers: await stockOffers(w, input, partNumbers),
    purchaseOptions: partNumbers.map((partNumber) => ({
      partNumber,
      leadTimeHours: DEFAULT_LEAD_TIMES.purchase,
    })),
  });
}

/** Reserves what the plan takes from stock and raises the requisitions, with the work order. */
async function reserveAndRequisition(w: Work, input: WorkOrderInput, plan: SourcingPlan): Promise<WorkOrder> {
  const tenantId = w.ctx.tenantId;
  const now = isoTimestamp(w.ctx.clock);
  const id = w.ctx.ids.next('wo');
  let reserved = false;
  const requisitions: Requisition[] = [];
  for (const line of plan.lines) {
    for (const allocation of line.allocations) {
      if (allocation.locationCode && allocation.source !== 'purchase' && allocation.source !== 'backorder') {
        await createReservation(w, {
          partNumber: allocation.partNumber,
          locationCode: allocation.locationCode,
          quantity: allocation.quantity,
          demandType: 'field_service',
          priority: input.priority,
          demandRef: `${input.externalRef}/${line.lineId}`,
        });
        reserved = true;
      }
      // Van stock is at the job already; everything else must move, be bought or wait.
      if (allocation.source === 'van') continue;
      requisitions.push({
        id: w.ctx.ids.next('req'),
        lineId: line.lineId,
        partNumber: allocation.partNumber,
        quantity: allocation.quantity,
        source: allocation.source,
        fromLocation: allocation.locationCode ?? null,
        supplier: allocation.supplier ?? null,
        arrivesAt: allocation.arrivesAt,
        status: 'raised',
      });
    }
  }
  const status = plan.lines.some((l) => l.allocations.some((a) => a.source === 'backorder'))
    ? 'backordered'
    : 'sourced';
  const row: Database['work_orders'] = {
    id,
    tenant_id: tenantId,
    external_ref: input.externalRef,
    source_system: input.sourceSystem,
    technician_van: input.technicianVan,
    job_region: input.jobRegion,
    priority: input.priority,
    due_at: input.dueAt,
    fsm_created_at: input.createdAt ?? now,
    status,
    lines_json: JSON.stringify(input.lines),
    plan_json: JSON.stringify(plan.lines),
    created_at: now,
    reserved_at: reserved ? now : null,
  };
  await w.trx.insertInto('work_orders').values(row).execute();
  if (requisitions.length > 0)
    await w.trx
      .insertInto('requisitions')
      .values(
        requisitions.map((r) => ({
          id: r.id,
          tenant_id: tenantId,
          work_order_id: id,
          line_id: r.lineId,
          part_number: r.partNumber,
          quantity_milli: toMilli(r.quantity),
          source: r.source,
          from_location: r.fromLocation,
          supplier: r.supplier,
          arrives_at: r.arrivesAt,
          status: r.status,
          created_at: now,
        })),
      )
      .execute();
  const workOrder = toWorkOrder(row, requisitions);
  w.audit({
    action: 'work_order.sourced',
    entityType: 'work_order',
    entityId: id,
    after: { externalRef: input.externalRef, status, plan: plan.lines, requisitions },
    reason: `received from ${input.sourceSystem}`,
  });
  for (const requisition of requisitions) {
    const line = plan.lines.find((l) => l.lineId === requisition.lineId);
    // The ERP's requisition: what to move or buy for which job, by when, and why from there.
    w.emit({
      type: 'fulfillment.requisition_raised',
      key: `work_order:${input.externalRef}`,
      payload: {
        requisition,
        workOrder: input.externalRef,
        dueAt: input.dueAt,
        reasons: line?.reasons ?? [],
      },
    });
  }
  w.emit({
    type: 'fulfillment.work_order_sourced',
    key: `work_order:${input.externalRef}`,
    payload: { workOrder: input.externalRef, status, plan: plan.lines },
  });
  return workOrder;
}

/**
 * Cancels a work order (the job was called off in the FSM): its open reservations are
 * released, its raised requisitions cancelled and the ERP told, in one unit of work. A work
 * order already cancelled is returned as it is.
 */
export async function cancelWorkOrder(w: Work, externalRef: string, reason: string): Promise<WorkOrder> {
  const tenantId = w.ctx.tenantId;
  const row = await findWorkOrderRow(w.trx, tenantId, externalRef);
  if (!row) throw new AppError('WORK_ORDER_NOT_FOUND', `No work order '${externalRef}'`, { externalRef });
  const requisitions = (await requisitionRows(w.trx, tenantId, [row.id])).get(row.id) ?? [];
  if (row.status === 'cancelled') return toWorkOrder(row, requisitions);
  const lines = JSON.parse(row.lines_json) as WorkOrderInput['lines'];
  const open = await w.trx
    .selectFrom('reservations')
    .select('id')
    .where('tenant_id', '=', tenantId)
    .where(
      'demand_ref',
      'in',
      lines.map((l) => `${externalRef}/${l.lineId}`),
    )
    .where('state', '=', 'open')
    .execute();
  for (const reservation of open)
    await releaseReservation(w, reservation.id, `work order ${externalRef} cancelled: ${reason}`);
  await w.trx
    .updateTable('requisitions')
    .set({ status: 'cancelled' })
    .where('tenant_id', '=', tenantId)
    .where('work_order_id', '=', row.id)
    .where('status', '=', 'raised')
    .execute();
  await w.trx
    .updateTable('work_orders')
    .set({ status: 'cancelled' })
    .where('tenant_id', '=', tenantId)
    .where('id', '=', row.id)
    .execute();
  const cancelled = requisitions.map((r) => (r.status === 'raised' ? { ...r, status: 'cancelled' } : r));
  w.audit({
    action: 'work_order.cancelled',
    entityType: 'work_order',
    entityId: row.id,
    before: { status: row.status },
    after: { status: 'cancelled', releasedReservations: open.map((r) => r.id) },
    reason,
  });
  for (const requisition of requisitions.filter((r) => r.status === 'raised'))
    w.emit({
      type: 'fulfillment.requisition_cancelled',
      key: `work_order:${externalRef}`,
      payload: { requisition: { ...requisition, status: 'cancelled' }, workOrder: externalRef, reason },
    });
  w.emit({
    type: 'fulfillment.work_order_cancelled',
    key: `work_order:${externalRef}`,
    payload: { workOrder: externalRef, reason, releasedReservations: open.length },
  });
  return toWorkOrder({ ...row, status: 'cancelled' }, cancelled);
}

export async function getWorkOrder(r: Reader, externalRef: string): Promise<WorkOrder> {
  const row = await findWorkOrderRow(r.db, r.ctx.tenantId, externalRef);
  if (!row) throw new AppError('WORK_ORDER_NOT_FOUND', `No work order '${externalRef}'`, { externalRef });
  return toWorkOrder(row, (await requisitionRows(r.db, r.ctx.tenantId, [row.id])).get(row.id) ?? []);
}

/** Work orders, newest first, each with its requisitions. */
export async function listWorkOrders(r: Reader, query: { limit: number }): Promise<WorkOrder[]> {
  const rows = await r.db
    .selectFrom('work_orders')
    .selectAll()
    .where('tenant_id', '=', r.ctx.tenantId)
    .orderBy('id', 'desc')
    .limit(query.limit)
    .execute();
  if (rows.length === 0) return [];
  const requisitions = await requisitionRows(
    r.db,
    r.ctx.tenantId,
    rows.map((row) => row.id),
  );
  return rows.map((row) => toWorkOrder(row, requisitions.get(row.id) ?? []));
}

async function requireVan(w: Work, code: string): Promise<void> {
  const van = await requireLocation(w.trx, w.ctx.tenantId, code);
  if (van.type !== 'technician_van')
    throw new AppError('VALIDATION_FAILED', `Location '${code}' is a ${van.type}, not a technician van`);
}

/** Free stock of the parts at every location that can serve the job, with its lead time. */
async function stockOffers(w: Work, input: WorkOrderInput, partNumbers: string[]): Promise<StockOffer[]> {
  const rows = await w.trx
    .selectFrom('stock_balances as b')
    .innerJoin('parts as p', 'p.id', 'b.part_id')
    .innerJoin('locations as l', 'l.id', 'b.location_id')
    .select(['p.part_number', 'l.code', 'l.type', 'l.region', 'b.on_hand_milli', 'b.reserved_milli'])
    .where('b.tenant_id', '=', w.ctx.tenantId)
    .where('b.status', '=', 'available')
    .where('p.part_number', 'in', partNumbers)
    .where(sql<boolean>`b.on_hand_milli > b.reserved_milli`)
    // Another technician's van is never a source.
    .where((eb) =>
      eb.or([eb('l.type', '!=', 'technician_van'), eb('l.code', '=', input.technicianVan ?? '')]),
    )
    .execute();
  const offers: StockOffer[] = [];
  for (const row of rows) {
    if (!(LOCATION_TYPES as readonly string[]).includes(row.type)) continue;
    const type = row.type as LocationType;
    const hours = leadTimeHours(type, row.region, input.jobRegion);
    if (hours === null) continue;
    offers.push({
      partNumber: row.part_number,
      locationCode: row.code,
      locationType: type,
      region: row.region,
      available: fromMilli(Number(row.on_hand_milli) - Number(row.reserved_milli)),
      leadTimeHours: hours,
    });
  }
  return offers;
}

async function findWorkOrderRow(db: Reader['db'], tenantId: string, externalRef: string) {
  return db
    .selectFrom('work_orders')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('external_ref', '=', externalRef)
    .executeTakeFirst();
}

/** The requisitions of some work orders, by work order id. */
async function requisitionRows(
  db: Reader['db'],
  tenantId: string,
  workOrderIds: string[],
): Promise<Map<string, Requisition[]>> {
  const rows = await db
    .selectFrom('requisitions')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('work_order_id', 'in', workOrderIds)
    .orderBy('id')
    .execute();
  const out = new Map<string, Requisition[]>();
  for (const r of rows) {
    const list = out.get(r.work_order_id) ?? [];
    list.push(toRequisition(r));
    out.set(r.work_order_id, list);
  }
  return out;
}

function toRequisition(r: Database['requisitions']): Requisition {
  return {
    id: r.id,
    lineId: r.line_id,
    partNumber: r.part_number,
    quantity: fromMilli(Number(r.quantity_milli)),
    source: r.source as Requisition['source'],
    fromLocation: r.from_location,
    supplier: r.supplier,
    arrivesAt: r.arrives_at,
    status: r.status,
  };
}

function toWorkOrder(row: Database['work_orders'], requisitions: Requisition[]): WorkOrder {
  return {
    id: row.id,
    externalRef: row.external_ref,
    sourceSystem: row.source_system,
    status: row.status as WorkOrder['status'],
    technicianVan: row.technician_van,
    jobRegion: row.job_region,
    priority: Number(row.priority),
    dueAt: row.due_at,
    fsmCreatedAt: row.fsm_created_at,
    createdAt: row.created_at,
    reservedAt: row.reserved_at,
    latencyMs: row.reserved_at ? Date.parse(row.reserved_at) - Date.parse(row.fsm_created_at) : null,
    plan: JSON.parse(row.plan_json) as LinePlan[],
    requisitions,
  };
}
