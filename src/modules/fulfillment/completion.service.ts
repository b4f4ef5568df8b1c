/**
 * Completing a work order (M4.3): the technician reports what each line really used. What
 * was used is issued against the line's reservations (the van's own stock when nothing was
 * reserved); what was reserved and not used is released, so it is back in stock where it
 * is — on the van, it simply stays there. Estimated against actual is kept per line: it is
 * the demand history planning reads.
 */
import { sql } from 'kysely';
import type { Reader, Work } from '../../kernel/index.js';
import { isoTimestamp } from '../../platform/clock.js';
import { AppError } from '../../platform/errors.js';
import { fromMilli, toMilli } from '../../platform/quantity.js';
import { postMovement, releaseReservation } from '../inventory/index.js';
import { completionInputSchema, type WorkOrder, type WorkOrderInput } from './fulfillment.schemas.js';
import type { LinePlan } from './sourcing.js';
import { withdrawRequisitions } from './requisitions.service.js';
import { loadWorkOrder, requireWorkOrderRow, toRequisition } from './work-order-rows.js';

interface LineUse {
  lineId: string;
  partNumber: string;
  estimatedMilli: number;
  usedMilli: number;
  serials: string[] | undefined;
}

export async function completeWorkOrder(w: Work, externalRef: string, raw: unknown): Promise<WorkOrder> {
  const input = completionInputSchema.parse(raw);
  const tenantId = w.ctx.tenantId;
  const row = await requireWorkOrderRow(w.trx, tenantId, externalRef);
  if (row.status === 'completed') return loadWorkOrder(w.trx, tenantId, row);
  if (row.status !== 'sourced' && row.status !== 'backordered')
    throw new AppError(
      'WORK_ORDER_CLOSED',
      `Work order ${externalRef} is ${row.status}: it cannot be completed`,
      {
        status: row.status,
      },
    );
  const now = isoTimestamp(w.ctx.clock);
  const completedAt = input.completedAt ?? now;
  const uses = lineUses(
    externalRef,
    JSON.parse(row.lines_json) as WorkOrderInput['lines'],
    JSON.parse(row.plan_json) as LinePlan[],
    input,
  );
  const consumption = [];
  const released: string[] = [];
  for (const use of uses) {
    const demandRef = `${externalRef}/${use.lineId}`;
    const reservations = await w.trx
      .selectFrom('reservations as r')
      .innerJoin('parts as p', 'p.id', 'r.part_id')
      .innerJoin('locations as l', 'l.id', 'r.location_id')
      .select(['r.id', 'r.quantity_milli', 'p.part_number', 'l.code', 'l.type'])
      .where('r.tenant_id', '=', tenantId)
      .where('r.demand_ref', '=', demandRef)
      .where('r.state', '=', 'open')
      // The van's reservation first: that is the stock the technician had in hand.
      .orderBy(sql`case when l.type = 'technician_van' then 0 else 1 end`)
      .orderBy('r.id')
      .execute();
    // Parts the warehouse shipped to the job were issued when they shipped: they are used first.
    const shippedMilli = (
      await w.trx
        .selectFrom('requisitions')
        .select(['quantity_milli', 'part_number'])
        .where('tenant_id', '=', tenantId)
        .where('work_order_id', '=', row.id)
        .where('line_id', '=', use.lineId)
        .where('status', '=', 'shipped')
        .execute()
    )
      .filter((r) => r.part_number === use.partNumber)
      .reduce((sum, r) => sum + Number(r.quantity_milli), 0);
    const fromShipped = Math.min(use.usedMilli, shippedMilli);
    let left = use.usedMilli - fromShipped;
    const serialsLeft = use.serials ? [...use.serials].slice(Math.round(fromMilli(fromShipped))) : undefined;
    const locations = new Set<string>();
    // Shipped and not used: the technician keeps them on the van (received there), else they go back.
    const unusedShipped = shippedMilli - fromShipped;
    if (unusedShipped > 0 && row.technician_van) {
      await postMovement(w, {
        type: 'receipt',
        partNumber: use.partNumber,
        locationCode: row.technician_van,
        quantity: fromMilli(unusedShipped),
        reference: `work order ${externalRef} line ${use.lineId}: shipped, not used`,
      });
      locations.add(row.technician_van);
    }
    for (const reservation of reservations) {
      const held = Number(reservation.quantity_milli);
      const take = reservation.part_number === use.partNumber ? Math.min(left, held) : 0;
      if (take > 0) {
        const serials = serialsLeft?.splice(0, Math.round(fromMilli(take)));
        await postMovement(w, {
          type: 'issue',
          partNumber: use.partNumber,
          locationCode: reservation.code,
          quantity: fromMilli(take),
          reservationId: reservation.id,
          serials,
          reference: `work order ${externalRef} line ${use.lineId}`,
        });
        left -= take;
        locations.add(reservation.code);
      }
      if (take < held) {
        await releaseReservation(
          w,
          reservation.id,
          `work order ${externalRef} completed: ${fromMilli(held - take)} not used`,
        );
        released.push(reservation.id);
      }
    }
    if (left > 0) {
      // Used beyond what was reserved for the line: it can only have come off the van.
      if (!row.technician_van)
        throw new AppError(
          'CONSUMPTION_INVALID',
          `Line ${use.lineId} used ${fromMilli(use.usedMilli)} of ${use.partNumber} but only ${fromMilli(use.usedMilli - left)} was reserved for it, and the job has no van to take the rest from`,
          { lineId: use.lineId, partNumber: use.partNumber },
        );
      await postMovement(w, {
        type: 'issue',
        partNumber: use.partNumber,
        locationCode: row.technician_van,
        quantity: fromMilli(left),
        serials: serialsLeft && serialsLeft.length > 0 ? serialsLeft : undefined,
        reference: `work order ${externalRef} line ${use.lineId} (unplanned, from the van)`,
      });
      locations.add(row.technician_van);
    }
    const reservedMilli = reservations.reduce((s, r) => s + Number(r.quantity_milli), 0);
    const fromReservations = use.usedMilli - fromShipped - left;
    const returnedMilli = Math.max(0, reservedMilli - fromReservations) + unusedShipped;
    consumption.push({
      id: w.ctx.ids.next('use'),
      tenant_id: tenantId,
      work_order_id: row.id,
      line_id: use.lineId,
      part_number: use.partNumber,
      location_code: [...locations].sort().join(',') || row.technician_van,
      estimated_milli: use.estimatedMilli,
      used_milli: use.usedMilli,
      returned_milli: returnedMilli,
      consumed_at: completedAt,
    });
  }
  if (consumption.length > 0) await w.trx.insertInto('work_order_consumption').values(consumption).execute();
  // Whatever was still on its way is no longer needed for this job.
  const open = await w.trx
    .selectFrom('requisitions')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('work_order_id', '=', row.id)
    .where('status', 'in', ['raised', 'acknowledged', 'backordered'])
    .execute();
  await withdrawRequisitions(w, externalRef, open.map(toRequisition), 'work order completed without it');
  await w.trx
    .updateTable('work_orders')
    .set({ status: 'completed', completed_at: completedAt })
    .where('tenant_id', '=', tenantId)
    .where('id', '=', row.id)
    .execute();
  const lines = consumption.map((c) => ({
    lineId: c.line_id,
    partNumber: c.part_number,
    estimated: fromMilli(c.estimated_milli),
    used: fromMilli(c.used_milli),
    returned: fromMilli(c.returned_milli),
  }));
  w.audit({
    action: 'work_order.completed',
    entityType: 'work_order',
    entityId: row.id,
    before: { status: row.status },
    after: {
      status: 'completed',
      lines,
      releasedReservations: released,
      cancelledRequisitions: open.map((r) => r.id),
    },
  });
  w.emit({
    type: 'fulfillment.work_order_completed',
    key: `work_order:${externalRef}`,
    payload: { workOrder: externalRef, completedAt, lines },
  });
  return loadWorkOrder(w.trx, tenantId, { ...row, status: 'completed', completed_at: completedAt });
}

/** What each line used, checked against the work order: unknown lines are refused. */
function lineUses(
  externalRef: string,
  lines: WorkOrderInput['lines'],
  plan: readonly LinePlan[],
  input: ReturnType<typeof completionInputSchema.parse>,
): LineUse[] {
  const reported = new Map<string, (typeof input.lines)[number]>();
  for (const line of input.lines) {
    if (!lines.some((l) => l.lineId === line.lineId))
      throw new AppError('CONSUMPTION_INVALID', `Work order ${externalRef} has no line ${line.lineId}`, {
        lineId: line.lineId,
      });
    if (reported.has(line.lineId))
      throw new AppError('CONSUMPTION_INVALID', `Line ${line.lineId} is reported twice`, {
        lineId: line.lineId,
      });
    reported.set(line.lineId, line);
  }
  return lines.map((line) => {
    const report = reported.get(line.lineId);
    // The part the line was filled with (a substitute, if the plan chose one), unless told otherwise.
    const planned = plan.find((p) => p.lineId === line.lineId)?.partNumber ?? line.partNumber;
    return {
      lineId: line.lineId,
      partNumber: report?.partNumber ?? planned,
      estimatedMilli: toMilli(line.quantity),
      usedMilli: toMilli(report?.usedQuantity ?? 0),
      serials: report?.serials,
    };
  });
}

export interface ConsumptionRecord {
  workOrder: string;
  lineId: string;
  partNumber: string;
  locationCode: string | null;
  estimated: number;
  used: number;
  returned: number;
  consumedAt: string;
}

/** Actual consumption per work order line, oldest first: the demand history planning reads. */
export async function listConsumption(
  r: Reader,
  query: {
    partNumber?: string | undefined;
    from?: string | undefined;
    to?: string | undefined;
    limit: number;
  },
): Promise<ConsumptionRecord[]> {
  let q = r.db
    .selectFrom('work_order_consumption as c')
    .innerJoin('work_orders as w', (j) =>
      j.onRef('w.id', '=', 'c.work_order_id').onRef('w.tenant_id', '=', 'c.tenant_id'),
    )
    .selectAll('c')
    .select('w.external_ref')
    .where('c.tenant_id', '=', r.ctx.tenantId);
  if (query.partNumber) q = q.where('c.part_number', '=', query.partNumber);
  if (query.from) q = q.where('c.consumed_at', '>=', query.from);
  if (query.to) q = q.where('c.consumed_at', '<', query.to);
  const rows = await q.orderBy('c.consumed_at').orderBy('c.id').limit(query.limit).execute();
  return rows.map((c) => ({
    workOrder: c.external_ref,
    lineId: c.line_id,
    partNumber: c.part_number,
    locationCode: c.location_code,
    estimated: fromMilli(Number(c.estimated_milli)),
    used: fromMilli(Number(c.used_milli)),
    returned: fromMilli(Number(c.returned_milli)),
    consumedAt: c.consumed_at,
  }));
}
