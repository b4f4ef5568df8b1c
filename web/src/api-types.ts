/**
 * The shapes of the hub's answers this dashboard reads (docs/openapi.json), written by hand
 * and kept to the fields the pages use.
 */

export interface Items<T> {
  items: T[];
}

export interface Me {
  tenantId: string;
  keyId: string;
  role: string;
  permissions: string[];
}

export type SystemHealth = 'healthy' | 'degraded' | 'failing' | 'idle';

export interface SystemKpi {
  code: string;
  name: string;
  kind: string;
  health: SystemHealth;
  reasons: string[];
  received: number;
  failed: number;
  dead: number;
  delivered: number;
  deliveryFailed: number;
  lastMessageAt: string | null;
}

export interface DailyKpi {
  day: string;
  workOrders: number;
  p50Ms: number | null;
  p95Ms: number | null;
  p99Ms: number | null;
  fillRate: number | null;
  messagesIn: number;
  messagesFailed: number;
  deliveries: number;
  deliveriesFailed: number;
  reservationsMade: number;
}

export interface Kpis {
  generatedAt: string;
  from: string;
  to: string;
  latency: { count: number; p50Ms: number | null; p95Ms: number | null; p99Ms: number | null };
  fillRate: { lines: number; filled: number; ratio: number | null };
  backorders: number;
  openRequisitions: number;
  reservations: { open: number; quantity: number };
  systems: SystemKpi[];
  daily: DailyKpi[];
}

export interface Part {
  id: string;
  partNumber: string;
  description: string;
  baseUom: string;
  wholeUnits: boolean;
  tracking: 'none' | 'serial' | 'lot';
  createdAt: string;
  updatedAt: string;
}

export interface SupersessionStep {
  from: string;
  to: string;
  type: 'one_way' | 'two_way';
  effectiveFrom: string;
  reason: string;
}

export interface Resolution {
  number: string;
  scheme: string;
  normalized: string;
  normalization: string[];
  part: Part;
  current: Part;
  path: SupersessionStep[];
  explanation: string;
}

export const STOCK_STATUSES = [
  'available',
  'consigned',
  'loaner',
  'repair_in_process',
  'defective',
  'in_transit',
  'quarantine',
] as const;
export type StockStatus = (typeof STOCK_STATUSES)[number];

export interface StockRow {
  partNumber: string;
  locationCode: string;
  status: StockStatus;
  onHand: number;
  reserved: number;
  available: number;
}

export const LOCATION_TYPES = [
  'central_dc',
  'regional_warehouse',
  'forward_stocking_location',
  'technician_van',
  'repair_vendor',
  'customer_site',
] as const;
export type LocationType = (typeof LOCATION_TYPES)[number];

export interface Location {
  id: string;
  code: string;
  name: string;
  type: LocationType;
  parentCode: string | null;
  region: string;
  createdAt: string;
}

export const MOVEMENT_TYPES = ['receipt', 'issue', 'transfer', 'adjustment', 'status_change'] as const;
export type MovementType = (typeof MOVEMENT_TYPES)[number];

export interface Movement {
  id: string;
  movementId: string;
  type: MovementType;
  partNumber: string;
  locationCode: string;
  status: StockStatus;
  serial: string | null;
  lot: string | null;
  quantity: number;
  reasonCode: string | null;
  reference: string | null;
  actor: string;
  createdAt: string;
}

export type DemandType = 'field_service' | 'internal_transfer';

export interface Reservation {
  id: string;
  partNumber: string;
  locationCode: string;
  quantity: number;
  demandType: DemandType;
  priority: number;
  demandRef: string;
  state: 'open' | 'released' | 'preempted' | 'consumed';
  stateReason: string | null;
  createdBy: string;
  createdAt: string;
}

export interface ReservationInput {
  partNumber: string;
  locationCode: string;
  quantity: number;
  demandType: DemandType;
  priority: number;
  demandRef: string;
}

export interface ReservationResult {
  reservation: Reservation;
  reasons: string[];
  preempted: Reservation[];
}

export const WORK_ORDER_STATUSES = [
  'awaiting_approval',
  'sourced',
  'backordered',
  'rejected',
  'cancelled',
  'completed',
] as const;
export type WorkOrderStatus = (typeof WORK_ORDER_STATUSES)[number];

export interface Approval {
  level: 'auto' | 'supervisor' | 'manager';
  state: 'pending' | 'approved' | 'rejected';
  value: number | null;
  reasons: string[];
  requestedAt: string;
  decidedAt: string | null;
  decidedBy: string | null;
  decisionReason: string | null;
}

export interface Allocation {
  source: string;
  locationCode?: string;
  supplier?: string;
  partNumber: string;
  quantity: number;
  arrivesAt: string | null;
  onTime: boolean;
}

export interface PlanLine {
  lineId: string;
  requestedPartNumber: string;
  partNumber: string;
  quantity: number;
  allocations: Allocation[];
  requisitionNeeded: boolean;
  onTime: boolean;
  readyAt: string | null;
  substitution: { requestedPartNumber: string; partNumber: string; relation: string; reason: string } | null;
  reasons: string[];
}

export interface Requisition {
  id: string;
  lineId: string;
  partNumber: string;
  quantity: number;
  source: string;
  fromLocation: string | null;
  supplier: string | null;
  arrivesAt: string | null;
  status: string;
  erpRef: string | null;
  expectedAt: string | null;
  note: string | null;
}

export interface WorkOrder {
  id: string;
  externalRef: string;
  sourceSystem: string;
  status: WorkOrderStatus;
  equipmentModel: string | null;
  technicianLevel: string | null;
  technicianVan: string | null;
  jobRegion: string;
  priority: number;
  dueAt: string;
  fsmCreatedAt: string;
  createdAt: string;
  reservedAt: string | null;
  latencyMs: number | null;
  completedAt: string | null;
  approval: Approval | null;
  plan: PlanLine[];
  requisitions: Requisition[];
}

export interface ApprovalQueueItem {
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

export interface ExternalSystem {
  code: string;
  kind: string;
  name: string;
  ownerTeam: string;
  escalation: { name: string; contact: string }[];
}

export interface Flow {
  code: string;
  systemCode: string;
  entity: string;
  direction: 'inbound' | 'outbound';
  format: string;
  transport: string;
  mode: string;
  state: 'live' | 'shadow' | 'scheduled' | 'disabled';
  interfaceVersion: string;
  mappingCode: string;
  mappingVersion: number;
  updatedAt: string;
}

export const INBOX_STATUSES = [
  'received',
  'processing',
  'applied',
  'shadowed',
  'failed',
  'dead',
  'discarded',
] as const;
export type InboxStatus = (typeof INBOX_STATUSES)[number];

export interface InboxMessage {
  id: string;
  systemCode: string;
  flowCode: string;
  idempotencyKey: string;
  transport: string;
  contentType: string;
  bodySha256: string;
  meta: Record<string, string>;
  receivedAt: string;
  status: InboxStatus;
  attempts: number;
  mappingCode: string | null;
  mappingVersion: number | null;
  /** What the mapping made of the message: the commands it produced. */
  result: unknown;
  error: { code: string; detail: string } | null;
  processedAt: string | null;
}

/** GET /api/v1/integration/messages/{id}/body: what arrived, cut at maxChars. */
export interface MessageBody {
  id: string;
  contentType: string;
  length: number;
  truncated: boolean;
  body: string;
}

export interface IntegrationError {
  kind: 'inbound' | 'outbound';
  id: string;
  flowCode: string;
  systemCode: string;
  status: string;
  code: string;
  detail: string;
  impact: string;
  rank: number;
  reasons: string[];
  attempts: number;
  createdAt: string;
  slaDueAt: string | null;
}

export interface RetryOutcome {
  messageId?: string;
  id?: string;
  status: string;
  error?: { code: string; detail: string };
}

export interface DemandPeriod {
  period: string;
  quantity: number;
  byPart: Record<string, number>;
}

export interface DemandHistory {
  partNumber: string;
  locationCode: string | null;
  granularity: 'month' | 'week';
  predecessors: string[];
  periods: DemandPeriod[];
  series: number[];
  from: string | null;
  to: string | null;
}

export interface StockingLevels {
  distribution: string;
  orderQuantity: number;
  reorderPoint: number;
  reorderPointUnits: number;
  orderUpTo: number;
  safetyStock: number;
  cycleServiceLevel: number;
  fillRate: number;
  reasons: string[];
}

export interface PlanningOverride {
  id: string;
  partNumber: string;
  locationCode: string | null;
  kind: 'forecast' | 'safety_stock';
  value: number;
  validFrom: string;
  validTo: string;
  reason: string;
  createdBy: string;
  createdAt: string;
}

export interface PartForecast {
  history: DemandHistory;
  classification: { class: string; adi: number; cv2: number; reasons: string[] } | null;
  method: string | null;
  forecast: number[];
  target: { target: { kind: string; value: number }; source: string; reasons: string[] };
  stocking: StockingLevels | null;
  reasons: string[];
  statisticalForecast: number[];
  statisticalSafetyStock: number | null;
  overrides: PlanningOverride[];
}

export interface PlanningRunLine {
  partNumber: string;
  method: string | null;
  reorderPoint: number | null;
  orderUpTo: number | null;
  safetyStock: number | null;
  replenishment: { id: string; quantity: number } | null;
  reasons: string[];
}

export interface PlanningRun {
  locationCode: string;
  granularity: string;
  leadTime: number;
  lines: PlanningRunLine[];
  raised: number;
}

export interface ChangeRequest {
  id: string;
  partNumber: string;
  changes: Record<string, unknown>;
  source: string;
  reason: string;
  status: 'proposed' | 'approved' | 'rejected' | 'applied';
  effectiveFrom: string;
  emergency: boolean;
  proposedBy: string;
  proposedAt: string;
  decidedBy: string | null;
  decidedAt: string | null;
  decisionNote: string | null;
  appliedAt: string | null;
}

export interface XrefConflict {
  id: string;
  scheme: string;
  number: string;
  normalized: string;
  existingPartNumber: string;
  proposedPartNumber: string;
  source: string;
  status: 'open' | 'resolved';
  createdAt: string;
  resolution: 'keep_existing' | 'reassign' | null;
  resolvedBy: string | null;
  resolutionReason: string | null;
}

export interface ImportJob {
  id: string;
  kind: 'parts' | 'xrefs';
  state: 'running' | 'completed' | 'failed' | 'interrupted';
  fileName: string | null;
  bytesRead: number;
  rows: number;
  created: number;
  unchanged: number;
  rejected: number;
  conflicts: number;
  batches: number;
  error: { code: string; detail: string } | null;
  createdBy: string;
  startedAt: string;
  updatedAt: string;
  finishedAt: string | null;
}

export interface AuditRecord {
  id: string;
  chain: number;
  seq: number;
  actor: string;
  action: string;
  entityType: string;
  entityId: string;
  before: unknown;
  after: unknown;
  reason: string | null;
  requestId: string | null;
  occurredAt: string;
  hash: string;
}

export interface AuditVerification {
  tenantCode: string;
  chain: { records: number; chains: number; firstBreak: unknown };
  ledger: { balancesChecked: number; trackedChecked: number; mismatches: unknown[] };
  ok: boolean;
}
