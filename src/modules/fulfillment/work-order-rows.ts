/** Reading work orders, requisitions and approvals back from their rows (module-internal). */
import type { Database } from '../../db/index.js';
import type { Reader } from '../../kernel/index.js';
import { AppError } from '../../platform/errors.js';
import { fromMilli } from '../../platform/quantity.js';
import type { Requisition, WorkOrder } from './fulfillment.schemas.js';
import type { LinePlan } from './sourcing.js';

export type Db = Reader['db'];
export type WorkOrderRow = Database['work_orders'];
export type ApprovalRow = Database['work_order_approvals'];

export async function findWorkOrderRow(db: Db, tenantId: string, externalRef: string) {
  return db
    .selectFrom('work_orders')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('external_ref', '=', externalRef)
    .executeTakeFirst();
}

export async function requireWorkOrderRow(
  db: Db,
  tenantId: string,
  externalRef: string,
): Promise<WorkOrderRow> {
  const row = await findWorkOrderRow(db, tenantId, externalRef);
  if (!row) throw new AppError('WORK_ORDER_NOT_FOUND', `No work order '${externalRef}'`, { externalRef });
  return row;
}

/** The requisitions of some work orders, by work order id. */
export async function requisitionRows(
  db: Db,
  tenantId: string,
  workOrderIds: string[],
): Promise<Map<string, Requisition[]>> {
  const out = new Map<string, Requisition[]>();
  if (workOrderIds.length === 0) return out;
  const rows = await db
    .selectFrom('requisitions')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('work_order_id', 'in', workOrderIds)
    .orderBy('id')
    .execute();
  for (const r of rows) {
    const list = out.get(r.work_order_id) ?? [];
    list.push(toRequisition(r));
    out.set(r.work_order_id, list);
  }
  return out;
}

export async function approvalRows(
  db: Db,
  tenantId: string,
  workOrderIds: string[],
): Promise<Map<string, ApprovalRow>> {
  const out = new Map<string, ApprovalRow>();
  if (workOrderIds.length === 0) return out;
  const rows = await db
    .selectFrom('work_order_approvals')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('work_order_id', 'in', workOrderIds)
    .execute();
  for (const row of rows) out.set(row.work_order_id, row);
  return out;
}

/** Work orders as the API shows them, with their requisitions and approval. */
export async function loadWorkOrders(db: Db, tenantId: string, rows: WorkOrderRow[]): Promise<WorkOrder[]> {
  const ids = rows.map((r) => r.id);
  const requisitions = await requisitionRows(db, tenantId, ids);
  const approvals = await approvalRows(db, tenantId, ids);
  return rows.map((row) => toWorkOrder(row, requisitions.get(row.id) ?? [], approvals.get(row.id) ?? null));
}

export async function loadWorkOrder(db: Db, tenantId: string, row: WorkOrderRow): Promise<WorkOrder> {
  const [workOrder] = await loadWorkOrders(db, tenantId, [row]);
  if (!workOrder) throw new Error('unreachable: one row in, one work order out');
  return workOrder;
}

export function toRequisition(r: Database['requisitions']): Requisition {
  return {
    id: r.id,
    lineId: r.line_id,
    partNumber: r.part_number,
    quantity: fromMilli(Number(r.quantity_milli)),
    source: r.source as Requisition['source'],
    fromLocation: r.from_location,
    supplier: r.supplier,
    arrivesAt: r.arrives_at,
    status: r.status as Requisition['status'],
    releasedAt: r.released_at,
    acknowledgedAt: r.acknowledged_at,
    erpRef: r.erp_ref,
    expectedAt: r.expected_at,
    note: r.note,
  };
}

export function toApproval(row: ApprovalRow): NonNullable<WorkOrder['approval']> {
  return {
    level: row.level as NonNullable<WorkOrder['approval']>['level'],
    state: row.state as NonNullable<WorkOrder['approval']>['state'],
    value: row.value === null ? null : Number(row.value),
    reasons: JSON.parse(row.reasons_json) as string[],
    requestedAt: row.requested_at,
    decidedAt: row.decided_at,
    decidedBy: row.decided_by,
    decisionReason: row.decision_reason,
  };
}

export function toWorkOrder(
  row: WorkOrderRow,
  requisitions: Requisition[],
  approval: ApprovalRow | null,
): WorkOrder {
  return {
    id: row.id,
    externalRef: row.external_ref,
    sourceSystem: row.source_system,
    status: row.status as WorkOrder['status'],
    equipmentModel: row.equipment_model,
    technicianLevel: row.technician_level,
    flowCode: row.flow_code,
    technicianVan: row.technician_van,
    jobRegion: row.job_region,
    priority: Number(row.priority),
    dueAt: row.due_at,
    fsmCreatedAt: row.fsm_created_at,
    createdAt: row.created_at,
    reservedAt: row.reserved_at,
    latencyMs: row.reserved_at ? Date.parse(row.reserved_at) - Date.parse(row.fsm_created_at) : null,
    acknowledgedAt: row.acknowledged_at,
    completedAt: row.completed_at,
    approval: approval ? toApproval(approval) : null,
    plan: JSON.parse(row.plan_json) as LinePlan[],
    requisitions,
  };
}

/** The status a sourced (and approved) work order has: backordered while any line waits for stock. */
export function sourcedStatus(plan: readonly LinePlan[]): 'sourced' | 'backordered' {
  return plan.some((l) => l.allocations.some((a) => a.source === 'backorder')) ? 'backordered' : 'sourced';
}
