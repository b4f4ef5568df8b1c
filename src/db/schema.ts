/**
 * Table types for Kysely. snake_case as in the database; timestamps are ISO-8601 UTC text
 * and quantities whole milli-units (see docs/decisions/0002-store-representation.md).
 */
import type { ColumnType, Generated } from 'kysely';

export interface TenantsTable {
  id: string;
  code: string;
  name: string;
  created_at: string;
}

export interface ApiKeysTable {
  id: string;
  tenant_id: string;
  name: string;
  prefix: string;
  key_hash: string;
  role: string;
  created_at: string;
  created_by: string;
  revoked_at: string | null;
}

export interface PartsTable {
  id: string;
  tenant_id: string;
  part_number: string;
  description: string;
  base_uom: string;
  whole_units: number;
  tracking: string;
  created_at: string;
  updated_at: string;
}

export interface LocationsTable {
  id: string;
  tenant_id: string;
  code: string;
  name: string;
  type: string;
  parent_id: string | null;
  region: string;
  created_at: string;
}

export interface StockBalancesTable {
  tenant_id: string;
  part_id: string;
  location_id: string;
  status: string;
  on_hand_milli: number;
  reserved_milli: number;
  updated_at: string;
  /** The last inventory snapshot that counted this balance. */
  snapshot_id: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface StockTrackedTable {
  tenant_id: string;
  part_id: string;
  location_id: string;
  status: string;
  serial: string;
  lot: string;
  on_hand_milli: number;
}

export interface StockMovementsTable {
  id: string;
  tenant_id: string;
  movement_id: string;
  type: string;
  part_id: string;
  location_id: string;
  status: string;
  serial: string;
  lot: string;
  quantity_milli: number;
  reason_code: string | null;
  reference: string | null;
  actor: string;
  created_at: string;
}

export interface ReservationsTable {
  id: string;
  tenant_id: string;
  part_id: string;
  location_id: string;
  quantity_milli: number;
  demand_type: string;
  priority: number;
  demand_ref: string;
  state: string;
  state_reason: string | null;
  created_by: string;
  created_at: string;
  updated_at: string;
}

export interface ReasonCodesTable {
  tenant_id: string;
  code: string;
  description: string;
  cause: string;
}

export interface StockCountsTable {
  id: string;
  tenant_id: string;
  location_id: string;
  kind: string;
  reason_code: string;
  lines_json: string;
  reported_by: string;
  created_at: string;
}

export interface PoliciesTable {
  tenant_id: string;
  name: string;
  version: number;
  body_json: string;
  updated_at: string;
  updated_by: string;
}

export interface AuditRecordsTable {
  id: string;
  tenant_id: string;
  /** Which of the tenant's chains the record is on (migration 0005); seq counts within it. */
  shard: Generated<number>;
  seq: number;
  actor: string;
  action: string;
  entity_type: string;
  entity_id: string;
  before_json: string | null;
  after_json: string | null;
  reason: string | null;
  request_id: string | null;
  occurred_at: string;
  prev_hash: string;
  hash: string;
}

export interface AuditHeadsTable {
  tenant_id: string;
  shard: Generated<number>;
  seq: number;
  hash: string;
}

export interface ImportJobsTable {
  id: string;
  tenant_id: string;
  kind: string;
  state: string;
  file_name: string | null;
  mapping: string | null;
  bytes_read: number;
  rows: number;
  created: number;
  unchanged: number;
  rejected: number;
  conflicts: number;
  batches: number;
  error_code: string | null;
  error_detail: string | null;
  created_by: string;
  started_at: string;
  updated_at: string;
  finished_at: string | null;
}

export interface ImportRejectsTable {
  job_id: string;
  line: number;
  code: string;
  reason: string;
  record_json: string;
}

export interface IntegrationSystemsTable {
  tenant_id: string;
  code: string;
  kind: string;
  name: string;
  owner_team: string;
  escalation_json: string;
  created_at: string;
  updated_at: string;
}

export interface IntegrationFlowsTable {
  tenant_id: string;
  code: string;
  system_code: string;
  entity: string;
  direction: string;
  format: string;
  transport: string;
  mode: string;
  schedule: string | null;
  windows_json: string;
  interface_version: string;
  state: string;
  go_live_at: string | null;
  mapping_code: string;
  mapping_version: number;
  options_json: string;
  /** {id, version, config} of the connector the flow is linked to; null: none. */
  connector_json: string | null;
  retention_days: number;
  created_at: string;
  updated_at: string;
}

export interface IntegrationFlowSecretsTable {
  tenant_id: string;
  flow_code: string;
  secrets_json: string;
  updated_at: string;
}

export interface IntegrationMappingsTable {
  tenant_id: string;
  code: string;
  version: number;
  expression: string;
  description: string;
  created_by: string;
  created_at: string;
}

export interface StockSnapshotsTable {
  id: string;
  tenant_id: string;
  message_id: string;
  flow_code: string;
  document_id: string;
  mode: string;
  scope: string;
  reason_code: string;
  status: string;
  chunks_done: number;
  counts_json: string;
  location_ids_json: string;
  started_at: string;
  updated_at: string;
  finished_at: string | null;
}

export interface StockSnapshotLinesTable {
  snapshot_id: string;
  chunk: number;
  idx: number;
  tenant_id: string;
  source_ref: string;
  part_number: string;
  location_code: string;
  hub_milli: number | null;
  counted_milli: number | null;
  action: string;
  code: string | null;
  detail: string;
}

export interface WorkOrdersTable {
  id: string;
  tenant_id: string;
  external_ref: string;
  source_system: string;
  technician_van: string | null;
  job_region: string;
  priority: number;
  due_at: string;
  fsm_created_at: string;
  status: string;
  lines_json: string;
  plan_json: string;
  /** The plan's lines and those filled from stock (fulfillment/plan-figures.ts); null before 0024. */
  plan_lines: number | null;
  plan_filled: number | null;
  created_at: string;
  reserved_at: string | null;
  equipment_model: string | null;
  technician_level: string | null;
  flow_code: string | null;
  completed_at: string | null;
  acknowledged_at: string | null;
}

export interface RequisitionsTable {
  id: string;
  tenant_id: string;
  work_order_id: string;
  line_id: string;
  part_number: string;
  quantity_milli: number;
  source: string;
  from_location: string | null;
  supplier: string | null;
  arrives_at: string | null;
  status: string;
  created_at: string;
  acknowledged_at: string | null;
  erp_ref: string | null;
  expected_at: string | null;
  released_at: string | null;
  note: string | null;
}

export interface WorkOrderApprovalsTable {
  id: string;
  tenant_id: string;
  work_order_id: string;
  level: string;
  state: string;
  value: number | null;
  reasons_json: string;
  policy_version: number;
  requested_at: string;
  decided_at: string | null;
  decided_by: string | null;
  decision_reason: string | null;
}

export interface FulfillmentPoliciesTable {
  tenant_id: string;
  name: string;
  version: number;
  body_json: string;
  updated_at: string;
  updated_by: string;
}

export interface PlanningOverridesTable {
  id: string;
  tenant_id: string;
  part_number: string;
  location_code: string | null;
  kind: string;
  value: number;
  valid_from: string;
  valid_to: string;
  reason: string;
  created_by: string;
  created_at: string;
}

/** A retirement schedule of an equipment model; the newest per model applies (migration 0021). */
export interface EquipmentRetirementsTable {
  id: string;
  tenant_id: string;
  equipment_model: string;
  phase_down_from: string | null;
  retire_on: string;
  reason: string;
  created_by: string;
  created_at: string;
}

export interface DemandHistoryTable {
  tenant_id: string;
  part_number: string;
  location_code: string;
  granularity: string;
  period: string;
  quantity_milli: number;
  source: string;
  imported_at: string;
}

export interface WorkOrderConsumptionTable {
  id: string;
  tenant_id: string;
  work_order_id: string;
  line_id: string;
  part_number: string;
  location_code: string | null;
  estimated_milli: number;
  used_milli: number;
  returned_milli: number;
  consumed_at: string;
}

/** A put-away or shipment line a WMS confirmed, by its own references (migration 0015). */
export interface WarehouseConfirmationsTable {
  id: string;
  tenant_id: string;
  /** putaway | shipment */
  kind: string;
  confirmation_key: string;
  document_ref: string;
  line_ref: string;
  part_number: string;
  location_code: string | null;
  fingerprint: string;
  quantity_milli: number;
  short_milli: number | null;
  outcome_json: string;
  source_ref: string;
  created_at: string;
}

export interface InboxMessagesTable {
  id: string;
  tenant_id: string;
  system_code: string;
  flow_code: string;
  idempotency_key: string;
  transport: string;
  content_type: string;
  body: string;
  body_sha256: string;
  meta_json: string;
  received_at: string;
  status: string;
  attempts: number;
  mapping_code: string | null;
  mapping_version: number | null;
  result_json: string | null;
  error_code: string | null;
  error_detail: string | null;
  processed_at: string | null;
  /** When a scheduled or windowed flow may apply the message; null: as it arrives. */
  due_at: string | null;
}

export interface OutboundDeliveriesTable {
  id: string;
  tenant_id: string;
  flow_code: string;
  system_code: string;
  event_id: string;
  event_type: string;
  key: string;
  content_type: string;
  body: string;
  mapping_code: string;
  mapping_version: number;
  status: string;
  attempts: number;
  next_attempt_at: string;
  claimed_at: string | null;
  last_error_code: string | null;
  last_error_detail: string | null;
  created_at: string;
  delivered_at: string | null;
}

/** Per outbound x12 flow: counters behind ISA13 and GS06 (migration 0010). */
export interface X12ControlNumbersTable {
  tenant_id: string;
  flow_code: string;
  interchange_counter: number;
  group_counter: number;
  updated_at: string;
}

export interface CircuitBreakersTable {
  tenant_id: string;
  system_code: string;
  state_json: string;
  updated_at: string;
}

export interface OutboxTable {
  id: string;
  tenant_id: string;
  type: string;
  aggregate_key: string;
  payload_json: string;
  status: string;
  attempts: number;
  created_at: string;
}

export interface IdempotencyKeysTable {
  tenant_id: string;
  key: string;
  request_hash: string;
  response_status: number;
  response_json: string;
  created_at: string;
}

export interface NumberingSchemesTable {
  tenant_id: string;
  code: string;
  kind: string;
  issuer: string | null;
  description: string;
  rules_json: string;
  created_at: string;
  updated_at: string;
}

export interface PartXrefsTable {
  tenant_id: string;
  scheme_code: string;
  number_normalized: string;
  number_raw: string;
  part_id: string;
  source: string;
  created_at: string;
}

export interface XrefConflictsTable {
  id: string;
  tenant_id: string;
  scheme_code: string;
  number_normalized: string;
  number_raw: string;
  existing_part_id: string;
  proposed_part_id: string;
  source: string;
  status: string;
  created_at: string;
  resolved_at: string | null;
  /** keep_existing | reassign (migration 0007). */
  resolution: string | null;
  resolved_by: string | null;
  resolution_reason: string | null;
}

export interface SupersessionsTable {
  tenant_id: string;
  part_id: string;
  successor_id: string;
  type: string;
  effective_from: string;
  reason: string;
  use_up: string;
  created_by: string;
  created_at: string;
}

export interface SubstitutesTable {
  tenant_id: string;
  part_id: string;
  substitute_id: string;
  models_json: string | null;
  preference: number;
  note: string | null;
  created_at: string;
}

export interface UomConversionsTable {
  tenant_id: string;
  part_id: string;
  from_uom: string;
  to_uom: string;
  numerator: number;
  denominator: number;
  created_at: string;
}

export interface TenantLocksTable {
  tenant_id: string;
  name: string;
  version: number;
}

export interface PartAttributesTable {
  tenant_id: string;
  part_id: string;
  attribute: string;
  value_json: string;
  source: string;
  rule: string;
  updated_at: string;
}

export interface PartAttributeSourcesTable {
  tenant_id: string;
  part_id: string;
  attribute: string;
  source: string;
  value_json: string;
  observed_at: string;
}

export interface OwnershipRulesTable {
  tenant_id: string;
  entity: string;
  attribute: string;
  owner: string;
  updated_at: string;
}

export interface TaxonomiesTable {
  tenant_id: string;
  code: string;
  name: string;
  values_json: string;
  updated_at: string;
}

export interface ChangeRequestsTable {
  id: string;
  tenant_id: string;
  entity_type: string;
  entity_key: string;
  changes_json: string;
  source: string;
  reason: string;
  status: string;
  effective_from: string;
  emergency: number;
  proposed_by: string;
  proposed_at: string;
  decided_by: string | null;
  decided_at: string | null;
  decision_note: string | null;
  applied_at: string | null;
}

export interface FreezeWindowsTable {
  id: string;
  tenant_id: string;
  starts_at: string;
  ends_at: string;
  reason: string;
  created_by: string;
  created_at: string;
}

/** Buffer setting per part × location (migration 0017, docs/decisions/0016). */
export interface StockBuffersTable {
  tenant_id: string;
  part_id: string;
  location_id: string;
  buffer_milli: number;
  demand_per_day_milli: number;
  /** Set: the demand rate is derived from the issues of the last so many days. */
  demand_window_days: number | null;
  cycle_hours: number;
  /** transfer | purchase */
  source_kind: string;
  source_location_id: string | null;
  supplier: string | null;
  /** order_up_to | fixed_quantity: order_milli is the level or the quantity. */
  order_policy: string;
  order_milli: number;
  active: number;
  created_at: string;
  updated_at: string;
  updated_by: string;
}

/** A replenishment raised by a buffer trigger: open, received or cancelled (migration 0017). */
export interface ReplenishmentOrdersTable {
  id: string;
  tenant_id: string;
  part_id: string;
  location_id: string;
  kind: string;
  source_location_id: string | null;
  supplier: string | null;
  quantity_milli: number;
  /** Posted into the location by movements naming the order as their reference. */
  received_milli: number;
  status: string;
  reasons_json: string;
  projection_json: string;
  raised_by: string;
  raised_at: string;
  closed_at: string | null;
  closed_by: string | null;
  close_reason: string | null;
}

/** A kit's bill of parts, one row per version (migration 0016). */
export interface KitDefinitionsTable {
  tenant_id: string;
  kit_part_id: string;
  version: number;
  reason: string | null;
  created_by: string;
  created_at: string;
}

export interface KitDefinitionLinesTable {
  tenant_id: string;
  kit_part_id: string;
  version: number;
  component_part_id: string;
  position: number;
  quantity_milli: number;
}

/** One built kit; where it is now is the stock of its serial, not a column here. */
export interface KitUnitsTable {
  id: string;
  tenant_id: string;
  kit_part_id: string;
  serial: string;
  definition_version: number;
  /** assembled | broken */
  state: string;
  reference: string | null;
  built_location_id: string;
  built_by: string;
  built_at: string;
  broken_location_id: string | null;
  broken_by: string | null;
  broken_at: string | null;
  broken_reason: string | null;
}

/** What a kit unit holds: per component part, each serial or lot ('' when untracked). */
export interface KitUnitItemsTable {
  tenant_id: string;
  kit_unit_id: string;
  part_id: string;
  serial: string;
  lot: string;
  quantity_milli: number;
}

export interface Database {
  tenants: TenantsTable;
  api_keys: ApiKeysTable;
  parts: PartsTable;
  locations: LocationsTable;
  stock_balances: StockBalancesTable;
  stock_tracked: StockTrackedTable;
  kit_definitions: KitDefinitionsTable;
  kit_definition_lines: KitDefinitionLinesTable;
  kit_units: KitUnitsTable;
  kit_unit_items: KitUnitItemsTable;
  stock_movements: StockMovementsTable;
  reservations: ReservationsTable;
  stock_buffers: StockBuffersTable;
  replenishment_orders: ReplenishmentOrdersTable;
  reason_codes: ReasonCodesTable;
  stock_counts: StockCountsTable;
  stock_snapshots: StockSnapshotsTable;
  stock_snapshot_lines: StockSnapshotLinesTable;
  policies: PoliciesTable;
  audit_records: AuditRecordsTable;
  audit_heads: AuditHeadsTable;
  outbox: OutboxTable;
  integration_systems: IntegrationSystemsTable;
  integration_flows: IntegrationFlowsTable;
  integration_flow_secrets: IntegrationFlowSecretsTable;
  integration_mappings: IntegrationMappingsTable;
  inbox_messages: InboxMessagesTable;
  work_orders: WorkOrdersTable;
  requisitions: RequisitionsTable;
  work_order_approvals: WorkOrderApprovalsTable;
  fulfillment_policies: FulfillmentPoliciesTable;
  work_order_consumption: WorkOrderConsumptionTable;
  demand_history: DemandHistoryTable;
  planning_overrides: PlanningOverridesTable;
  equipment_retirements: EquipmentRetirementsTable;
  warehouse_confirmations: WarehouseConfirmationsTable;
  outbound_deliveries: OutboundDeliveriesTable;
  circuit_breakers: CircuitBreakersTable;
  x12_control_numbers: X12ControlNumbersTable;
  import_jobs: ImportJobsTable;
  import_rejects: ImportRejectsTable;
  idempotency_keys: IdempotencyKeysTable;
  numbering_schemes: NumberingSchemesTable;
  part_xrefs: PartXrefsTable;
  xref_conflicts: XrefConflictsTable;
  supersessions: SupersessionsTable;
  substitutes: SubstitutesTable;
  uom_conversions: UomConversionsTable;
  tenant_locks: TenantLocksTable;
  part_attributes: PartAttributesTable;
  part_attribute_sources: PartAttributeSourcesTable;
  ownership_rules: OwnershipRulesTable;
  taxonomies: TaxonomiesTable;
  change_requests: ChangeRequestsTable;
  freeze_windows: FreezeWindowsTable;
}
