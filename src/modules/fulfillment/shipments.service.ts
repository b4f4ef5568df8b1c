/**
 * A warehouse's shipment seen from the jobs it serves (M3.5): when the WMS confirms what it
 * shipped against a work order line's reservation, the line's requisition is marked shipped
 * — split in two when only part went, the rest staying reserved at the warehouse as its own
 * requisition — and the FSM is told what is on its way and what is still short.
 */
import type { Work } from '../../kernel/index.js';
import { isoTimestamp } from '../../platform/clock.js';
import { fromMilli, toMilli } from '../../platform/quantity.js';
import type { ShipmentOutcome } from '../inventory/index.js';
import { findWorkOrderRow, toRequisition } from './work-order-rows.js';

/** Applies a confirmed shipment to the requisitions of the work order lines it served. */
export async function recordShipment(w: Work, shipment: ShipmentOutcome): Promise<number> {
  const tenantId = w.ctx.tenantId;
  // How much each work order line got: reservations carry the line as their demand.
  const issuedByDemand = new Map<string, number>();
  const reservationIds = shipment.lines.flatMap((l) => l.reservations.filter((r) => r.issued > 0));
  if (reservationIds.length === 0) return 0;
  const demands = await w.trx
    .selectFrom('reservations')
    .select(['id', 'demand_ref'])
    .where('tenant_id', '=', tenantId)
    .where(
      'id',
      'in',
      reservationIds.map((r) => r.id),
    )
    .execute();
  const demandOf = new Map(demands.map((d) => [d.id, d.demand_ref]));
  for (const r of reservationIds) {
    const demand = demandOf.get(r.id);
    if (demand) issuedByDemand.set(demand, (issuedByDemand.get(demand) ?? 0) + toMilli(r.issued));
  }
  let touched = 0;
  const now = isoTimestamp(w.ctx.clock);
  for (const [demand, issuedMilli] of issuedByDemand) {
    const slash = demand.lastIndexOf('/');
    if (slash <= 0) continue;
    const workOrder = await findWorkOrderRow(w.trx, tenantId, demand.slice(0, slash));
    if (!workOrder) continue;
    const lineId = demand.slice(slash + 1);
    const open = await w.trx
      .selectFrom('requisitions')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('work_order_id', '=', workOrder.id)
      .where('line_id', '=', lineId)
      .where('status', 'in', ['raised', 'acknowledged'])
      .where('source', 'not in', ['purchase', 'backorder'])
      .orderBy('id')
      .execute();
    let left = issuedMilli;
    for (const requisition of open) {
      if (left <= 0) break;
      const quantity = Number(requisition.quantity_milli);
      const shipped = Math.min(left, quantity);
      left -= shipped;
      touched += 1;
      await w.trx
        .updateTable('requisitions')
        .set({ status: 'shipped', quantity_milli: shipped, note: `shipped by ${shipment.orderRef}` })
        .where('tenant_id', '=', tenantId)
        .where('id', '=', requisition.id)
        .execute();
      const short = quantity - shipped;
      let rest = null;
      if (short > 0) {
        // The line splits: what did not ship is still reserved where it was, still to come.
        rest = {
          ...requisition,
          id: w.ctx.ids.next('req'),
          quantity_milli: short,
          note: `short on ${shipment.orderRef}: still reserved at ${requisition.from_location ?? 'the warehouse'}`,
          created_at: now,
        };
        await w.trx.insertInto('requisitions').values(rest).execute();
      }
      w.audit({
        action: short > 0 ? 'requisition.partially_shipped' : 'requisition.shipped',
        entityType: 'requisition',
        entityId: requisition.id,
        before: toRequisition(requisition),
        after: { shipped: fromMilli(shipped), short: fromMilli(short), rest: rest?.id ?? null },
        reason: `warehouse shipment ${shipment.shipmentRef ?? shipment.orderRef}`,
      });
      w.emit({
        type: 'fulfillment.expected_availability',
        key: `work_order:${workOrder.external_ref}`,
        payload: {
          workOrder: workOrder.external_ref,
          lineId,
          partNumber: requisition.part_number,
          quantity: fromMilli(shipped),
          status: short > 0 ? 'partially_shipped' : 'shipped',
          expectedAt: requisition.expected_at ?? requisition.arrives_at,
          short: fromMilli(short),
          requisition: requisition.id,
          remainder: rest?.id ?? null,
        },
      });
    }
  }
  return touched;
}
