/**
 * Fulfillment (issue 5): work orders to parts: the sourcing decision, reservations,
 * requisitions and the ERP's answers, approvals, completion with consumption, latency.
 */
export {
  decideSourcing,
  SOURCE_TIERS,
  type Allocation,
  type LinePlan,
  type PartAlternative,
  type PurchaseOption,
  type SourceKind,
  type SourceTier,
  type SourcingInput,
  type SourcingLine,
  type SourcingPlan,
  type StockOffer,
  type Substitution,
} from './sourcing.js';
export {
  receiveWorkOrder,
  planWorkOrder,
  cancelWorkOrder,
  resourcePreemptedLines,
  getWorkOrder,
  listWorkOrders,
  type WorkOrderOrigin,
} from './work-orders.service.js';
export { completeWorkOrder, listConsumption, type ConsumptionRecord } from './completion.service.js';
export { acknowledgeRequisition } from './requisitions.service.js';
export { recordShipment } from './shipments.service.js';
export {
  decideWorkOrderApproval,
  getApprovalPolicy,
  putApprovalPolicy,
  listApprovals,
  approvalDelays,
} from './approvals.service.js';
export {
  decideApproval,
  DEFAULT_APPROVAL_POLICY,
  APPROVAL_LEVELS,
  type ApprovalPolicy,
  type ApprovalDecision,
  type ApprovalLevel,
} from './approvals.js';
export { workOrderLatency, type LatencyBucket } from './latency.service.js';
export {
  workOrderInputSchema,
  completionInputSchema,
  requisitionAckInputSchema,
  type WorkOrder,
  type WorkOrderInput,
  type Requisition,
} from './fulfillment.schemas.js';
export { registerFulfillmentRoutes } from './fulfillment.routes.js';
export { getFulfillmentPolicy } from './policies.js';
export { planFigures, type PlannedLine } from './plan-figures.js';
export { leadTimeHours, type LeadTimePolicy } from './lead-times.js';
