/**
 * Requisitions on their way to the ERP and back (M4.1, M3.5): sent through the outbox once
 * their work order may go ahead, acknowledged by the ERP with its promised date, and that
 * date pushed to the FSM as the line's expected availability.
 */
import type { Work } from '../../kernel/index.js';
import { isoTimestamp } from '../../platform/clock.js';
import { AppError } from '../../platform/errors.js';
import { requisitionAckInputSchema, type Requisition } from './fulfillment.schemas.js';
import type { LinePlan } from './sourcing.js';
import { toRequisition, type WorkOrderRow } from './work-order-rows.js';

/**
 * Sends a work order's requisitions to the ERP (as `fulfillment.requisition_raised`, with
 * the sourcing reasons of their line); held ones become raised.
 */
export async function sendRequisitions(
  w: Work,
  workOrder: Pick<WorkOrderRow, 'id' | 'external_ref' | 'due_at'>,
  plan: readonly LinePlan[],
  requisitions: readonly Requisition[],
): Promise<Requisition[]> {
  const now = isoTimestamp(w.ctx.clock);
  const held = requisitions.filter((r) => r.status === 'held').map((r) => r.id);
  if (held.length > 0)
    await w.trx
      .updateTable('requisitions')
      .set({ status: 'raised', released_at: now })
      .where('tenant_id', '=', w.ctx.tenantId)
      .where('id', 'in', held)
      .execute();
  const sent = requisitions.map((r) =>
    r.status === 'held' ? { ...r, status: 'raised' as const, releasedAt: now } : r,
  );
  for (const requisition of sent.filter((r) => r.status === 'raised')) {
    const line = plan.find((l) => l.lineId === requisition.lineId);
    // The ERP's requisition: what to move or buy for which job, by when, and why from there.
    w.emit({
      type: 'fulfillment.requisition_raised',
      key: `work_order:${workOrder.external_ref}`,
      payload: {
        requisition,
        workOrder: workOrder.external_ref,
        dueAt: workOrder.due_at,
        reasons: line?.reasons ?? [],
      },
    });
  }
  return sent;
}

/**
 * The ERP's answer to a requisition (its 855 or status message): accepted with a date,
 * backordered until a date, or rejected. The date is pushed to the FSM as the line's
 * expected availability; once every requisition sent for a work order is answered, the
 * work order records when (M7.1). A later answer replaces the date (a backorder moving).
 */
export async function acknowledgeRequisition(w: Work, raw: unknown): Promise<Requisition> {
  const input = requisitionAckInputSchema.parse(raw);
  const tenantId = w.ctx.tenantId;
  const now = isoTimestamp(w.ctx.clock);
  const row = await w.trx
    .selectFrom('requisitions')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('id', '=', input.requisitionId)
    .executeTakeFirst();
  if (!row)
    throw new AppError('REQUISITION_NOT_FOUND', `No requisition '${input.requisitionId}'`, {
      requisitionId: input.requisitionId,
    });
  if (row.status === 'held' || row.status === 'cancelled')
    throw new AppError(
      'REQUISITION_NOT_SENT',
      `Requisition ${row.id} is ${row.status}: the ERP was never asked for it${row.status === 'held' ? ' (it waits for approval)' : ''}`,
      { status: row.status },
    );
  // Once the warehouse has shipped it, the ERP's paperwork no longer changes where it is.
  const status =
    row.status === 'shipped' ? 'shipped' : input.status === 'accepted' ? 'acknowledged' : input.status;
  // A backorder's date is the ERP's to give; an acceptance without one keeps the plan's.
  const expectedAt =
    input.status === 'rejected'
      ? null
      : input.status === 'backordered'
        ? (input.expectedAt ?? row.expected_at)
        : (input.expectedAt ?? row.expected_at ?? row.arrives_at);
  if (input.status === 'backordered' && !expectedAt)
    throw new AppError(
      'VALIDATION_FAILED',
      'A backordered requisition needs expectedAt: the FSM must be told when',
    );
  const next = {
    status,
    acknowledged_at: row.acknowledged_at ?? now,
    expected_at: expectedAt,
    erp_ref: input.erpRef ?? row.erp_ref,
    note: input.note ?? row.note,
  };
  const unchanged =
    row.status === next.status &&
    row.expected_at === next.expected_at &&
    row.erp_ref === next.erp_ref &&
    row.note === next.note;
  if (unchanged) return toRequisition(row);
  await w.trx
    .updateTable('requisitions')
    .set(next)
    .where('tenant_id', '=', tenantId)
    .where('id', '=', row.id)
    .execute();
  const after = toRequisition({ ...row, ...next });
  const workOrder = await w.trx
    .selectFrom('work_orders')
    .select(['id', 'external_ref', 'acknowledged_at', 'status'])
    .where('tenant_id', '=', tenantId)
    .where('id', '=', row.work_order_id)
    .executeTakeFirstOrThrow();
  const unanswered = await w.trx
    .selectFrom('requisitions')
    .select('id')
    .where('tenant_id', '=', tenantId)
    .where('work_order_id', '=', row.work_order_id)
    .where('status', '=', 'raised')
    .executeTakeFirst();
  if (!unanswered && workOrder.acknowledged_at === null)
    await w.trx
      .updateTable('work_orders')
      .set({ acknowledged_at: now })
      .where('tenant_id', '=', tenantId)
      .where('id', '=', workOrder.id)
      .execute();
  w.audit({
    action: 'requisition.acknowledged',
    entityType: 'requisition',
    entityId: row.id,
    before: toRequisition(row),
    after,
    reason: input.note ?? `ERP answered ${input.status}`,
  });
  // What the technician's dispatcher sees in the FSM: when this line's parts will be there.
  w.emit({
    type: 'fulfillment.expected_availability',
    key: `work_order:${workOrder.external_ref}`,
    payload: {
      workOrder: workOrder.external_ref,
      lineId: row.line_id,
      partNumber: row.part_number,
      quantity: after.quantity,
      status: input.status,
      expectedAt,
      requisition: row.id,
      erpRef: after.erpRef,
    },
  });
  return after;
}

/**
 * Cancels requisitions a work order no longer needs (cancelled, changed, completed, or its
 * stock taken by a more urgent job); the ERP is told of those it was sent, not of held ones.
 */
export async function withdrawRequisitions(
  w: Work,
  workOrder: string,
  requisitions: readonly Requisition[],
  reason: string,
): Promise<void> {
  if (requisitions.length === 0) return;
  await w.trx
    .updateTable('requisitions')
    .set({ status: 'cancelled', note: reason })
    .where('tenant_id', '=', w.ctx.tenantId)
    .where(
      'id',
      'in',
      requisitions.map((r) => r.id),
    )
    .execute();
  for (const requisition of requisitions.filter((r) => r.status !== 'held'))
    w.emit({
      type: 'fulfillment.requisition_cancelled',
      key: `work_order:${workOrder}`,
      payload: { requisition: { ...requisition, status: 'cancelled', note: reason }, workOrder, reason },
    });
}
