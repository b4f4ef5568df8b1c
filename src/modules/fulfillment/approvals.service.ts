/**
 * Approvals of work orders' parts (M4.2): the policy as a versioned document, a decision
 * by a person allowed to make it, and the delay from request to decision measured.
 */
import type { Reader, Work } from '../../kernel/index.js';
import { isoTimestamp } from '../../platform/clock.js';
import { actorLabel } from '../../platform/context.js';
import { AppError } from '../../platform/errors.js';
import { percentiles } from '../../platform/percentiles.js';
import { isRole, roleAllows } from '../access/index.js';
import { partCosts } from '../catalog/index.js';
import { releaseReservation } from '../inventory/index.js';
import { decideApproval, mayDecide, type ApprovalDecision, type ApprovalLevel } from './approvals.js';
import { approvalDecisionInputSchema, type WorkOrder, type WorkOrderInput } from './fulfillment.schemas.js';
import { sendRequisitions } from './requisitions.service.js';
import type { LinePlan } from './sourcing.js';
import {
  loadWorkOrder,
  requireWorkOrderRow,
  requisitionRows,
  sourcedStatus,
  toApproval,
  type ApprovalRow,
} from './work-order-rows.js';
import { getFulfillmentPolicy, putFulfillmentPolicy, type FulfillmentPolicyDocument } from './policies.js';

export type ApprovalPolicyDocument = FulfillmentPolicyDocument<'work-order-approval'>;

export function getApprovalPolicy(r: Pick<Reader, 'db' | 'ctx'>): Promise<ApprovalPolicyDocument> {
  return getFulfillmentPolicy(r, 'work-order-approval');
}

/** Replaces the approval rules; `expectedVersion` guards against overwriting someone else's edit. */
export function putApprovalPolicy(
  w: Work,
  body: unknown,
  expectedVersion: number | undefined,
): Promise<ApprovalPolicyDocument> {
  return putFulfillmentPolicy(w, 'work-order-approval', body, expectedVersion);
}

/** Who must approve this work order's parts under the tenant's current policy. */
export async function approvalFor(
  w: Work,
  input: WorkOrderInput,
): Promise<{ decision: ApprovalDecision; policyVersion: number }> {
  const policy = await getApprovalPolicy({ db: w.trx, ctx: w.ctx });
  const values = await partCosts(
    { db: w.trx, ctx: w.ctx, dialect: w.dialect },
    input.lines.map((l) => l.partNumber),
  );
  const decision = decideApproval(policy.body, {
    technicianLevel: input.technicianLevel,
    priority: input.priority,
    lines: input.lines.map((l) => ({
      lineId: l.lineId,
      partNumber: l.partNumber,
      quantity: l.quantity,
      cost: values.get(l.partNumber) ?? null,
    })),
  });
  return { decision, policyVersion: policy.version };
}

/** Records the approval a work order got on arrival: decided at once when automatic. */
export async function recordApproval(
  w: Work,
  workOrderId: string,
  approval: { decision: ApprovalDecision; policyVersion: number },
): Promise<ApprovalRow> {
  const now = isoTimestamp(w.ctx.clock);
  const auto = approval.decision.level === 'auto';
  const row: ApprovalRow = {
    id: w.ctx.ids.next('apr'),
    tenant_id: w.ctx.tenantId,
    work_order_id: workOrderId,
    level: approval.decision.level,
    state: auto ? 'approved' : 'pending',
    value: approval.decision.value,
    reasons_json: JSON.stringify(approval.decision.reasons),
    policy_version: approval.policyVersion,
    requested_at: now,
    decided_at: auto ? now : null,
    decided_by: auto ? 'policy' : null,
    decision_reason: auto ? 'within the automatic approval limit' : null,
  };
  await w.trx.insertInto('work_order_approvals').values(row).execute();
  return row;
}

/** The highest approval level the acting role may give. */
function grantedLevel(role: string): ApprovalLevel | null {
  if (!isRole(role)) return null;
  if (roleAllows(role, 'workorder:approve_manager')) return 'manager';
  if (roleAllows(role, 'workorder:approve')) return 'supervisor';
  return null;
}

/**
 * Approves or rejects a work order waiting for approval. Approval sends its held
 * requisitions to the ERP; rejection releases what it reserved and cancels them unsent.
 */
export async function decideWorkOrderApproval(
  w: Work,
  externalRef: string,
  raw: unknown,
): Promise<WorkOrder> {
  const input = approvalDecisionInputSchema.parse(raw);
  const tenantId = w.ctx.tenantId;
  const now = isoTimestamp(w.ctx.clock);
  const row = await requireWorkOrderRow(w.trx, tenantId, externalRef);
  const approval = await w.trx
    .selectFrom('work_order_approvals')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('work_order_id', '=', row.id)
    .executeTakeFirst();
  if (!approval || approval.state !== 'pending' || row.status !== 'awaiting_approval')
    throw new AppError(
      'APPROVAL_NOT_PENDING',
      `Work order ${externalRef} is not waiting for approval (${approval ? `approval ${approval.state}` : 'none was needed'}, work order ${row.status})`,
      { status: row.status },
    );
  const granted = grantedLevel(w.ctx.actor.role);
  if (!granted || !mayDecide(approval.level as ApprovalLevel, granted))
    throw new AppError(
      'APPROVAL_LEVEL_INSUFFICIENT',
      `Work order ${externalRef} needs ${approval.level} approval; role ${w.ctx.actor.role} may give ${granted ?? 'none'}`,
      { needed: approval.level, granted },
    );
  // Only a pending approval is decided: a second decision racing this one finds none.
  const decided = await w.trx
    .updateTable('work_order_approvals')
    .set({
      state: input.decision === 'approve' ? 'approved' : 'rejected',
      decided_at: now,
      decided_by: actorLabel(w.ctx.actor),
      decision_reason: input.reason,
    })
    .where('tenant_id', '=', tenantId)
    .where('id', '=', approval.id)
    .where('state', '=', 'pending')
    .executeTakeFirst();
  if (Number(decided.numUpdatedRows) !== 1)
    throw new AppError('APPROVAL_NOT_PENDING', `Work order ${externalRef} was decided meanwhile`);
  const plan = JSON.parse(row.plan_json) as LinePlan[];
  const requisitions = (await requisitionRows(w.trx, tenantId, [row.id])).get(row.id) ?? [];
  let status: WorkOrder['status'];
  let released: string[] = [];
  if (input.decision === 'approve') {
    status = sourcedStatus(plan);
    await sendRequisitions(w, row, plan, requisitions);
  } else {
    status = 'rejected';
    released = await releaseWorkOrderReservations(w, row, `approval rejected: ${input.reason}`);
    await w.trx
      .updateTable('requisitions')
      .set({ status: 'cancelled' })
      .where('tenant_id', '=', tenantId)
      .where('work_order_id', '=', row.id)
      .where('status', '=', 'held')
      .execute();
  }
  await w.trx
    .updateTable('work_orders')
    .set({ status })
    .where('tenant_id', '=', tenantId)
    .where('id', '=', row.id)
    .execute();
  const delayMs = Date.parse(now) - Date.parse(approval.requested_at);
  w.audit({
    action: input.decision === 'approve' ? 'work_order.approved' : 'work_order.rejected',
    entityType: 'work_order',
    entityId: row.id,
    before: { status: row.status, approval: toApproval(approval) },
    after: { status, releasedReservations: released, delayMs },
    reason: input.reason,
  });
  w.emit({
    type: 'fulfillment.approval_decided',
    key: `work_order:${externalRef}`,
    payload: {
      workOrder: externalRef,
      level: approval.level,
      decision: input.decision,
      reason: input.reason,
      delayMs,
    },
  });
  return loadWorkOrder(w.trx, tenantId, { ...row, status });
}

/** Releases the open reservations of a work order's lines; returns their ids. */
export async function releaseWorkOrderReservations(
  w: Work,
  row: { external_ref: string; lines_json: string },
  reason: string,
): Promise<string[]> {
  const lines = JSON.parse(row.lines_json) as WorkOrderInput['lines'];
  const open = await w.trx
    .selectFrom('reservations')
    .select('id')
    .where('tenant_id', '=', w.ctx.tenantId)
    .where(
      'demand_ref',
      'in',
      lines.map((l) => `${row.external_ref}/${l.lineId}`),
    )
    .where('state', '=', 'open')
    .orderBy('id')
    .execute();
  for (const reservation of open) await releaseReservation(w, reservation.id, reason);
  return open.map((r) => r.id);
}

export interface ApprovalListItem {
  workOrder: string;
  level: string;
  state: string;
  value: number | null;
  reasons: string[];
  requestedAt: string;
  decidedAt: string | null;
  decidedBy: string | null;
  decisionReason: string | null;
}

/** Approvals, oldest request first (a supervisor's queue when filtered to pending). */
export async function listApprovals(
  r: Reader,
  query: { state?: 'pending' | 'approved' | 'rejected' | undefined; limit: number },
): Promise<ApprovalListItem[]> {
  let q = r.db
    .selectFrom('work_order_approvals as a')
    .innerJoin('work_orders as w', (j) =>
      j.onRef('w.id', '=', 'a.work_order_id').onRef('w.tenant_id', '=', 'a.tenant_id'),
    )
    .selectAll('a')
    .select('w.external_ref')
    .where('a.tenant_id', '=', r.ctx.tenantId)
    .where('a.level', '!=', 'auto');
  if (query.state) q = q.where('a.state', '=', query.state);
  const rows = await q.orderBy('a.requested_at').orderBy('a.id').limit(query.limit).execute();
  return rows.map((row) => ({ workOrder: row.external_ref, ...toApproval(row) }));
}

export interface ApprovalDelayStats {
  level: string;
  decided: number;
  pending: number;
  /** Age of the oldest pending request at `now`, in ms. */
  oldestPendingMs: number | null;
  p50Ms: number | null;
  p95Ms: number | null;
  maxMs: number | null;
}

/** How long approvals take, per level (M4.2: approval delays are measured). */
export async function approvalDelays(
  r: Reader,
  query: { since?: string | undefined },
): Promise<ApprovalDelayStats[]> {
  const now = isoTimestamp(r.ctx.clock);
  let q = r.db
    .selectFrom('work_order_approvals')
    .select(['level', 'state', 'requested_at', 'decided_at'])
    .where('tenant_id', '=', r.ctx.tenantId)
    .where('level', '!=', 'auto');
  if (query.since) q = q.where('requested_at', '>=', query.since);
  const rows = await q.execute();
  const byLevel = new Map<string, { delays: number[]; pendingAges: number[] }>();
  for (const level of ['supervisor', 'manager']) byLevel.set(level, { delays: [], pendingAges: [] });
  for (const row of rows) {
    const entry = byLevel.get(row.level);
    if (!entry) continue;
    if (row.decided_at) entry.delays.push(Date.parse(row.decided_at) - Date.parse(row.requested_at));
    else if (row.state === 'pending') entry.pendingAges.push(Date.parse(now) - Date.parse(row.requested_at));
  }
  return [...byLevel.entries()].map(([level, { delays, pendingAges }]) => {
    const p = percentiles(delays, [50, 95, 100]);
    return {
      level,
      decided: delays.length,
      pending: pendingAges.length,
      oldestPendingMs: pendingAges.length > 0 ? Math.max(...pendingAges) : null,
      p50Ms: p[0] ?? null,
      p95Ms: p[1] ?? null,
      maxMs: p[2] ?? null,
    };
  });
}
