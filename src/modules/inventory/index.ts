export {
  STOCK_STATUSES,
  LOCATION_TYPES,
  MOVEMENT_TYPES,
  DEMAND_TYPES,
  RESERVATION_STATES,
  type StockStatus,
  type LocationType,
  type MovementType,
  type DemandType,
  type Location,
  type MovementInput,
  type MovementResult,
  type LedgerLine,
  type Reservation,
  type StockRow,
  type CreateLocationInput,
  type CreateReservationInput,
  type CountInput,
} from './inventory.schemas.js';
export { createLocations, listLocations, getLocation, requireLocation } from './locations.service.js';
export { postMovement, queryStock, queryLedger } from './stock.service.js';
export {
  createReservation,
  releaseReservation,
  listReservations,
  getReservation,
  type ReservationOutcome,
} from './reservations.service.js';
export { postCount, type CountResult } from './counts.service.js';
export {
  beginSnapshot,
  applySnapshotChunk,
  sweepSnapshot,
  completeSnapshot,
  getSnapshot,
  snapshotForMessage,
  listSnapshots,
  listSnapshotLines,
  type Snapshot,
  type SnapshotLine,
  type SnapshotLineInput,
  type ChunkOutcome,
} from './snapshot.service.js';
export {
  decideSnapshotLine,
  type SnapshotMode,
  type SnapshotScope,
  type SnapshotAction,
  type SnapshotCounts,
} from './snapshot.js';
export { getPolicy, putPolicy, POLICY_NAMES, type PolicyName } from './policies.js';
export {
  decideReservation,
  decideShortfall,
  outranks,
  DEFAULT_RESERVATION_POLICY,
  type ReservationPolicy,
  type Claim,
  type ReservationDecision,
} from './allocation.js';
export { visibleStatuses, DEFAULT_VISIBILITY_POLICY, type VisibilityPolicy } from './visibility.js';
export { planMovement, quantityToMilli } from './movement-plan.js';
export { BUILT_IN_REASON_CODES } from './reason-codes.js';
export {
  putawayInputSchema,
  shipmentInputSchema,
  planPutaway,
  confirmPutaway,
  previewPutaway,
  planShipment,
  confirmShipment,
  previewShipment,
  type PutawayInput,
  type PutawayOutcome,
  type ShipmentInput,
  type ShipmentOutcome,
  type ConfirmationPreview,
} from './warehouse-confirmations.service.js';
export {
  decidePutaway,
  decideShipment,
  SHIPMENT_LINE_STATUSES,
  type PutawayDecision,
  type ShipmentDecision,
} from './warehouse-confirmations.js';
export {
  putKitDefinition,
  getKitDefinition,
  listKitDefinitions,
  buildKit,
  breakKit,
  issueKitUnit,
  getKitUnit,
  listKitUnits,
  type BuildOutcome,
} from './kits.service.js';
export {
  checkKitDefinition,
  decideBuild,
  decideBreak,
  type BuildDecision,
  type BreakDecision,
  type Shortage,
} from './kits.js';
export type { KitDefinition, KitUnit } from './kits.schemas.js';
export { registerKitRoutes } from './kits.routes.js';
export {
  decideBufferTrigger,
  BUFFER_SOURCE_KINDS,
  BUFFER_ORDER_POLICIES,
  type BufferTriggerInput,
  type BufferTriggerDecision,
} from './buffers.js';
export {
  putBuffer,
  listBuffers,
  checkBuffers,
  sweepBuffers,
  closeReplenishment,
  listReplenishments,
  bufferInputSchema,
  REPLENISHMENT_STATUSES,
  type BufferInput,
  type StockBuffer,
  type BufferCheck,
  type BufferDecision,
  type Replenishment,
  type ReplenishmentStatus,
} from './buffers.service.js';
export { registerBufferRoutes } from './buffers.routes.js';
export { registerInventoryRoutes, type InventoryRouteHooks } from './inventory.routes.js';
export { snapshotSchema } from './snapshot.routes.js';
export { retryIfStockMoved } from './stock-races.js';
