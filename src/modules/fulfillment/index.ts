/** Fulfillment (issue 5): work orders to parts: the sourcing decision, reservations, requisitions. */
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
  getWorkOrder,
  listWorkOrders,
} from './work-orders.service.js';
export {
  workOrderInputSchema,
  type WorkOrder,
  type WorkOrderInput,
  type Requisition,
} from './fulfillment.schemas.js';
export { registerFulfillmentRoutes } from './fulfillment.routes.js';
