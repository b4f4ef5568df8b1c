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
import { partStandIns, requirePart } from '../catalog/index.js';
import {
  createReservation,
  LOCATION_TYPES,
  requireLocation,
  retryIfStockMoved,
  type LocationType,
  type Reservation,
} from '../inventory/index.js';
import { mayDecide, type ApprovalLevel } from './approvals.js';
import { approvalFor, recordApproval, releaseWorkOrderReservations } from './approvals.service.js';
import {
  workOrderInputSchema,
  type Requisition,
  type WorkOrder,
  type WorkOrderInput,
} from './fulfillment.schemas.js';
import { leadTimeHours, purchaseOptions, type LeadTimePolicy } from './lead-times.js';
import { getFulfillmentPolicy } from './policies.js';
import { planColumns } from './plan-figures.js';
import { sendRequisitions, withdrawRequisitions } from './requisitions.service.js';
import { decideSourcing, type LinePlan, type SourcingPlan, type StockOffer } from './sourcing.js';
import {
  findWorkOrderRow,
  loadWorkOrder,
  loadWorkOrders,
  requireWorkOrderRow,
  requisitionRows,
  sourcedStatus,
  toRequisition,
  type WorkOrderRow,
} from './work-order-rows.js';

/** Where a work order came from: an integration flow (by code) or, when absent, the API. */
export interface WorkOrderOrigin {
  flowCode?: string | undefined;
}

export async function receiveWorkOrder(
  w: Work,
  raw: unknown,
  origin: WorkOrderOrigin = {},
): Promise<WorkOrder> {
  const input = workOrderInputSchema.parse(raw);
  const existing = await findWorkOrderRow(w.trx, w.ctx.tenantId, input.externalRef);
  if (existing) {
    // The same work order again is no change; other lines are a change (M4.1).
    const lines = JSON.parse(existing.lines_json) as WorkOrderInput['lines'];
    const same =
      lines.length === input.lines.length &&
      input.lines.every((l) => lines.some((o) => o.lineId === l.lineId && sameLine(o, l)));
    if (same) return loadWorkOrder(w.trx, w.ctx.tenantId, existing);
    return changeWorkOrder(w, existing, input);
  }
  const plan = await planWorkOrder(w, input);
  return reserveAndRequisition(w, input, plan, origin);
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
  // What the catalog lets stand in for each part on this equipment, tried when it is late (M4.4).
  const standIns = new Map<string, Awaited<ReturnType<typeof partStandIns>>>();
  for (const partNumber of partNumbers)
    standIns.set(
      partNumber,
      await partStandIns({ db: w.trx, ctx: w.ctx, dialect: w.dialect }, partNumber, {
        at: now,
        model: input.equipmentModel,
      }),
    );
  const candidates = [
    ...new Set([...partNumbers, ...[...standIns.values()].flat().map((s) => s.partNumber)]),
  ];
  const leadTimes = (await getFulfillmentPolicy({ db: w.trx, ctx: w.ctx }, 'lead-times')).body;
  return decideSourcing({
    now,
    lines: input.lines.map((line) => ({
      ...line,
      priority: input.priority,
      dueAt: input.dueAt,
      technicianVan: input.technicianVan,
      jobRegion: input.jobRegion,
      alternatives: standIns.get(line.partNumber) ?? [],
    })),
    offers: await stockOffers(w, input, candidates, leadTimes),
    purchaseOptions: candidates.flatMap((partNumber) => purchaseOptions(leadTimes, partNumber)),
  });
}

/**
 * Reserves what the plan takes from stock and records the requisitions, with the work order.
 * The requisitions go to the ERP at once when the parts need no approval; otherwise they are
 * held until a supervisor or manager approves (the reservations already protect the stock).
 */
async function reserveAndRequisition(
  w: Work,
  input: WorkOrderInput,
  plan: SourcingPlan,
  origin: WorkOrderOrigin,
): Promise<WorkOrder> {
  const tenantId = w.ctx.tenantId;
  const now = isoTimestamp(w.ctx.clock);
  const id = w.ctx.ids.next('wo');
  const approval = await approvalFor(w, input);
  const approved = approval.decision.level === 'auto';
  const { reserved, requisitions } = await reserveLines(w, input, plan.lines);
  const status = approved ? sourcedStatus(plan.lines) : 'awaiting_approval';
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
    ...planColumns(plan.lines),
    created_at: now,
    reserved_at: reserved ? now : null,
    equipment_model: input.equipmentModel,
    technician_level: input.technicianLevel,
    flow_code: origin.flowCode ?? null,
    completed_at: null,
    acknowledged_at: null,
  };
  await w.trx.insertInto('work_orders').values(row).execute();
  await insertRequisitions(w, id, requisitions);
  await recordApproval(w, id, approval);
  w.audit({
    action: 'work_order.sourced',
    entityType: 'work_order',
    entityId: id,
    after: {
      externalRef: input.externalRef,
      status,
      plan: plan.lines,
      requisitions,
      approval: approval.decision,
    },
    reason: `received from ${origin.flowCode ? `flow ${origin.flowCode}` : input.sourceSystem}`,
  });
  if (approved) await sendRequisitions(w, row, plan.lines, requisitions);
  else
    w.emit({
      type: 'fulfillment.approval_requested',
      key: `work_order:${input.externalRef}`,
      payload: {
        workOrder: input.externalRef,
        level: approval.decision.level,
        value: approval.decision.value,
        reasons: approval.decision.reasons,
      },
    });
  w.emit({
    type: 'fulfillment.work_order_sourced',
    key: `work_order:${input.externalRef}`,
    payload: { workOrder: input.externalRef, status, plan: plan.lines },
  });
  return loadWorkOrder(w.trx, tenantId, row);
}

/** Reserves the stock the plan's lines take; every other allocation becomes a (held) requisition. */
async function reserveLines(
  w: Work,
  input: WorkOrderInput,
  lines: readonly LinePlan[],
): Promise<{ reserved: boolean; requisitions: Requisition[] }> {
  let reserved = false;
  const requisitions: Requisition[] = [];
  for (const line of lines) {
    for (const allocation of line.allocations) {
      const locationCode = allocation.locationCode;
      if (locationCode && allocation.source !== 'purchase' && allocation.source !== 'backorder') {
        // The plan was made on stock read without locks: a race lost means planning again.
        const outcome = await retryIfStockMoved(`work order ${input.externalRef}`, () =>
          createReservation(w, {
            partNumber: allocation.partNumber,
            locationCode,
            quantity: allocation.quantity,
            demandType: 'field_service',
            priority: input.priority,
            demandRef: `${input.externalRef}/${line.lineId}`,
          }),
        );
        reserved = true;
        // A more urgent job may take a weaker job's stock (the reservation policy): that job's line is sourced again.
        await resourcePreemptedLines(w, outcome.preempted, `the more urgent work order ${input.externalRef}`);
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
        status: 'held',
        releasedAt: null,
        acknowledgedAt: null,
        erpRef: null,
        expectedAt: null,
        note: null,
      });
    }
  }
  return { reserved, requisitions };
}

async function insertRequisitions(
  w: Work,
  workOrderId: string,
  requisitions: readonly Requisition[],
): Promise<void> {
  if (requisitions.length === 0) return;
  const now = isoTimestamp(w.ctx.clock);
  await w.trx
    .insertInto('requisitions')
    .values(
      requisitions.map((r) => ({
        id: r.id,
        tenant_id: w.ctx.tenantId,
        work_order_id: workOrderId,
        line_id: r.lineId,
        part_number: r.partNumber,
        quantity_milli: toMilli(r.quantity),
        source: r.source,
        from_location: r.fromLocation,
        supplier: r.supplier,
        arrives_at: r.arrivesAt,
        status: r.status,
        created_at: now,
        acknowledged_at: null,
        erp_ref: null,
        expected_at: null,
        released_at: null,
        note: null,
      })),
    )
    .execute();
}

/** Lines as the FSM sent them, in a form where equal content compares equal. */
function sameLine(a: WorkOrderInput['lines'][number], b: WorkOrderInput['lines'][number]): boolean {
  return a.partNumber === b.partNumber && toMilli(a.quantity) === toMilli(b.quantity);
}

/**
 * A work order the FSM sent again with other lines (M4.1: a change). Lines removed or changed
 * release their reservations and cancel their requisitions (the ERP is told of those it had);
 * lines added or changed are sourced afresh against the stock free now; lines unchanged keep
 * what they have. If the new parts need a higher approval than was given, the work order
 * waits for it again and the new requisitions are held.
 */
async function changeWorkOrder(w: Work, row: WorkOrderRow, input: WorkOrderInput): Promise<WorkOrder> {
  const tenantId = w.ctx.tenantId;
  if (!['awaiting_approval', 'sourced', 'backordered'].includes(row.status))
    throw new AppError(
      'WORK_ORDER_CLOSED',
      `Work order ${row.external_ref} is ${row.status}: it cannot change`,
      {
        status: row.status,
      },
    );
  const oldLines = JSON.parse(row.lines_json) as WorkOrderInput['lines'];
  const oldPlan = JSON.parse(row.plan_json) as LinePlan[];
  const kept = input.lines.filter((l) => oldLines.some((o) => o.lineId === l.lineId && sameLine(o, l)));
  const keptIds = new Set(kept.map((l) => l.lineId));
  const dropped = oldLines.filter((o) => !keptIds.has(o.lineId));
  const fresh = input.lines.filter((l) => !keptIds.has(l.lineId));
  const reason = `work order ${row.external_ref} changed in ${input.sourceSystem}`;

  const released = await releaseWorkOrderReservations(
    w,
    { external_ref: row.external_ref, lines_json: JSON.stringify(dropped) },
    reason,
  );
  const current = await loadWorkOrder(w.trx, tenantId, row);
  const droppedIds = new Set(dropped.map((l) => l.lineId));
  const withdrawn = current.requisitions.filter(
    (r) => droppedIds.has(r.lineId) && ['held', 'raised', 'acknowledged', 'backordered'].includes(r.status),
  );
  await withdrawRequisitions(w, row.external_ref, withdrawn, reason);

  const freshPlan = fresh.length > 0 ? await planWorkOrder(w, { ...input, lines: fresh }) : { lines: [] };
  const { reserved, requisitions } = await reserveLines(w, input, freshPlan.lines);
  await insertRequisitions(w, row.id, requisitions);
  const plan = [...oldPlan.filter((p) => keptIds.has(p.lineId)), ...freshPlan.lines];

  // Approval: the whole work order is weighed again; a higher level than given means waiting.
  const approval = await approvalFor(w, input);
  const approvalRow = await w.trx
    .selectFrom('work_order_approvals')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('work_order_id', '=', row.id)
    .executeTakeFirst();
  const given = approvalRow?.state === 'approved' ? (approvalRow.level as ApprovalLevel) : null;
  const needsMore =
    approval.decision.level !== 'auto' && (given === null || !mayDecide(approval.decision.level, given));
  if (needsMore) {
    await w.trx
      .updateTable('work_order_approvals')
      .set({
        level: approval.decision.level,
        state: 'pending',
        value: approval.decision.value,
        reasons_json: JSON.stringify(approval.decision.reasons),
        policy_version: approval.policyVersion,
        requested_at: isoTimestamp(w.ctx.clock),
        decided_at: null,
        decided_by: null,
        decision_reason: null,
      })
      .where('tenant_id', '=', tenantId)
      .where('work_order_id', '=', row.id)
      .execute();
  }
  const status = needsMore ? 'awaiting_approval' : sourcedStatus(plan);
  const changes = {
    status,
    lines_json: JSON.stringify(input.lines),
    ...planColumns(plan),
    priority: input.priority,
    due_at: input.dueAt,
    technician_van: input.technicianVan,
    job_region: input.jobRegion,
    equipment_model: input.equipmentModel,
    technician_level: input.technicianLevel,
    reserved_at: row.reserved_at ?? (reserved ? isoTimestamp(w.ctx.clock) : null),
  };
  await w.trx
    .updateTable('work_orders')
    .set(changes)
    .where('tenant_id', '=', tenantId)
    .where('id', '=', row.id)
    .execute();
  w.audit({
    action: 'work_order.changed',
    entityType: 'work_order',
    entityId: row.id,
    before: { status: row.status, lines: oldLines },
    after: {
      status,
      lines: input.lines,
      releasedReservations: released,
      cancelledRequisitions: withdrawn.map((r) => r.id),
      newRequisitions: requisitions.map((r) => r.id),
    },
    reason,
  });
  if (needsMore)
    w.emit({
      type: 'fulfillment.approval_requested',
      key: `work_order:${row.external_ref}`,
      payload: {
        workOrder: row.external_ref,
        level: approval.decision.level,
        value: approval.decision.value,
        reasons: approval.decision.reasons,
      },
    });
  else {
    // The change may have brought a waiting work order within the automatic limit.
    if (approvalRow?.state === 'pending')
      await w.trx
        .updateTable('work_order_approvals')
        .set({
          level: 'auto',
          state: 'approved',
          decided_at: isoTimestamp(w.ctx.clock),
          decided_by: 'policy',
          decision_reason: 'the changed work order is within the automatic approval limit',
        })
        .where('tenant_id', '=', tenantId)
        .where('id', '=', approvalRow.id)
        .execute();
    const all = (await requisitionRows(w.trx, tenantId, [row.id])).get(row.id) ?? [];
    await sendRequisitions(
      w,
      row,
      plan,
      all.filter((r) => r.status === 'held'),
    );
  }
  w.emit({
    type: 'fulfillment.work_order_changed',
    key: `work_order:${row.external_ref}`,
    payload: { workOrder: row.external_ref, status, plan, releasedReservations: released.length },
  });
  return loadWorkOrder(w.trx, tenantId, { ...row, ...changes });
}

/**
 * Cancels a work order (the job was called off in the FSM): its open reservations are
 * released, its requisitions not yet answered cancelled and the ERP told of those it had,
 * in one unit of work. A work order already cancelled is returned as it is; a completed one
 * cannot be cancelled.
 */
export async function cancelWorkOrder(w: Work, externalRef: string, reason: string): Promise<WorkOrder> {
  const tenantId = w.ctx.tenantId;
  const row = await requireWorkOrderRow(w.trx, tenantId, externalRef);
  if (row.status === 'cancelled') return loadWorkOrder(w.trx, tenantId, row);
  if (row.status === 'completed' || row.status === 'rejected')
    throw new AppError('WORK_ORDER_CLOSED', `Work order ${externalRef} is ${row.status}`, {
      status: row.status,
    });
  const before = await loadWorkOrder(w.trx, tenantId, row);
  const released = await releaseWorkOrderReservations(
    w,
    row,
    `work order ${externalRef} cancelled: ${reason}`,
  );
  const open = before.requisitions.filter((r) =>
    ['held', 'raised', 'acknowledged', 'backordered'].includes(r.status),
  );
  await withdrawRequisitions(w, externalRef, open, `work order cancelled: ${reason}`);
  await w.trx
    .updateTable('work_orders')
    .set({ status: 'cancelled' })
    .where('tenant_id', '=', tenantId)
    .where('id', '=', row.id)
    .execute();
  // A pending approval has nothing left to decide.
  await w.trx
    .updateTable('work_order_approvals')
    .set({
      state: 'rejected',
      decided_at: isoTimestamp(w.ctx.clock),
      decided_by: 'cancellation',
      decision_reason: reason,
    })
    .where('tenant_id', '=', tenantId)
    .where('work_order_id', '=', row.id)
    .where('state', '=', 'pending')
    .execute();
  w.audit({
    action: 'work_order.cancelled',
    entityType: 'work_order',
    entityId: row.id,
    before: { status: row.status },
    after: { status: 'cancelled', releasedReservations: released },
    reason,
  });
  w.emit({
    type: 'fulfillment.work_order_cancelled',
    key: `work_order:${externalRef}`,
    payload: { workOrder: externalRef, reason, releasedReservations: released.length },
  });
  return loadWorkOrder(w.trx, tenantId, { ...row, status: 'cancelled' });
}

export async function getWorkOrder(r: Reader, externalRef: string): Promise<WorkOrder> {
  return loadWorkOrder(r.db, r.ctx.tenantId, await requireWorkOrderRow(r.db, r.ctx.tenantId, externalRef));
}

/** Work orders, newest first, each with its requisitions and approval. */
export async function listWorkOrders(
  r: Reader,
  query: { limit: number; status?: WorkOrder['status'] | undefined; beforeId?: string | undefined },
): Promise<WorkOrder[]> {
  let q = r.db.selectFrom('work_orders').selectAll().where('tenant_id', '=', r.ctx.tenantId);
  if (query.status) q = q.where('status', '=', query.status);
  // The next page: older than the last work order of the previous one.
  if (query.beforeId) q = q.where('id', '<', query.beforeId);
  const rows = await q.orderBy('id', 'desc').limit(query.limit).execute();
  return loadWorkOrders(r.db, r.ctx.tenantId, rows);
}

async function requireVan(w: Work, code: string): Promise<void> {
  const van = await requireLocation(w.trx, w.ctx.tenantId, code);
  if (van.type !== 'technician_van')
    throw new AppError('VALIDATION_FAILED', `Location '${code}' is a ${van.type}, not a technician van`);
}

/** Free stock of the parts at every location that can serve the job, with its lead time. */
async function stockOffers(
  w: Work,
  input: WorkOrderInput,
  partNumbers: string[],
  leadTimes: LeadTimePolicy,
): Promise<StockOffer[]> {
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
    const hours = leadTimeHours(leadTimes, { code: row.code, type, region: row.region }, input.jobRegion);
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

/**
 * Work order lines whose reservations a more urgent demand took (reservation policy,
 * preemption) — another work order, or a reservation made through the API: the requisition
 * that was to move that stock is cancelled (the ERP is told), the lost quantity is sourced
 * again from what is free now, and the FSM hears of the change. Reservations of anything else
 * than a work order line are not the fulfillment module's. `takenBy` names the demand.
 */
export async function resourcePreemptedLines(w: Work, lost: Reservation[], takenBy: string): Promise<void> {
  for (const reservation of lost) await resourcePreemptedLine(w, reservation, takenBy);
}

async function resourcePreemptedLine(w: Work, lost: Reservation, takenBy: string): Promise<void> {
  const tenantId = w.ctx.tenantId;
  const slash = lost.demandRef.lastIndexOf('/');
  if (slash <= 0) return;
  const row = await findWorkOrderRow(w.trx, tenantId, lost.demandRef.slice(0, slash));
  if (!row || !['awaiting_approval', 'sourced', 'backordered'].includes(row.status)) return;
  const lineId = lost.demandRef.slice(slash + 1);
  const lines = JSON.parse(row.lines_json) as WorkOrderInput['lines'];
  const line = lines.find((l) => l.lineId === lineId);
  if (!line) return;
  const reason = `stock of ${lost.partNumber} at ${lost.locationCode} taken by ${takenBy}`;
  const withdrawn = (
    await w.trx
      .selectFrom('requisitions')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('work_order_id', '=', row.id)
      .where('line_id', '=', lineId)
      .where('part_number', '=', lost.partNumber)
      .where('from_location', '=', lost.locationCode)
      .where('status', 'in', ['held', 'raised', 'acknowledged'])
      .execute()
  ).map(toRequisition);
  await withdrawRequisitions(w, row.external_ref, withdrawn, reason);
  const input: WorkOrderInput = {
    externalRef: row.external_ref,
    sourceSystem: row.source_system,
    technicianVan: row.technician_van,
    jobRegion: row.job_region,
    equipmentModel: row.equipment_model,
    technicianLevel: row.technician_level,
    priority: Number(row.priority),
    dueAt: row.due_at,
    lines: [{ ...line, quantity: lost.quantity }],
  };
  const replan = await planWorkOrder(w, input);
  const { requisitions } = await reserveLines(w, input, replan.lines);
  await insertRequisitions(w, row.id, requisitions);
  const oldPlan = JSON.parse(row.plan_json) as LinePlan[];
  const fresh = replan.lines[0];
  const plan = oldPlan.map((p) =>
    p.lineId !== lineId
      ? p
      : {
          ...p,
          allocations: [
            ...p.allocations.filter(
              (a) => !(a.locationCode === lost.locationCode && a.partNumber === lost.partNumber),
            ),
            ...(fresh?.allocations ?? []),
          ],
          reasons: [...p.reasons, `${reason}: sourced again`, ...(fresh?.reasons ?? [])],
        },
  );
  const status = row.status === 'awaiting_approval' ? row.status : sourcedStatus(plan);
  await w.trx
    .updateTable('work_orders')
    .set({ ...planColumns(plan), status })
    .where('tenant_id', '=', tenantId)
    .where('id', '=', row.id)
    .execute();
  w.audit({
    action: 'work_order.line_resourced',
    entityType: 'work_order',
    entityId: row.id,
    before: { lineId, reservation: lost.id },
    after: {
      cancelledRequisitions: withdrawn.map((r) => r.id),
      newRequisitions: requisitions.map((r) => r.id),
      allocations: fresh?.allocations ?? [],
    },
    reason,
  });
  if (status !== 'awaiting_approval') await sendRequisitions(w, row, plan, requisitions);
  w.emit({
    type: 'fulfillment.work_order_changed',
    key: `work_order:${row.external_ref}`,
    payload: { workOrder: row.external_ref, status, plan, reason },
  });
}
