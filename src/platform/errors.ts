/**
 * The one catalogue of error codes. Each module owns its codes (its *.errors.ts);
 * this file maps every code to an HTTP status in one exhaustive place, so a new code
 * cannot ship without a status and a title (docs/errors.md is checked against it).
 */
export const ERROR_CATALOG = {
  // platform and HTTP
  VALIDATION_FAILED: { status: 400, title: 'The request does not match the schema' },
  MALFORMED_JSON: { status: 400, title: 'The request body is not valid JSON' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, title: 'The request body must be application/json' },
  PAYLOAD_TOO_LARGE: { status: 413, title: 'The request body is larger than the limit' },
  ROUTE_NOT_FOUND: { status: 404, title: 'No such route' },
  INTERNAL_ERROR: { status: 500, title: 'Internal error' },
  NOT_READY: { status: 503, title: 'The hub is not ready' },
  STORE_BUSY: { status: 503, title: 'Too many concurrent changes to the same data; retry shortly' },
  IDEMPOTENCY_KEY_REUSED: {
    status: 422,
    title: 'The idempotency key was already used with a different request',
  },
  IDEMPOTENCY_KEY_INVALID: { status: 400, title: 'The idempotency key is not acceptable' },
  // access
  AUTH_REQUIRED: { status: 401, title: 'An API key is required' },
  AUTH_INVALID: { status: 401, title: 'The API key is not valid' },
  FORBIDDEN: { status: 403, title: 'The API key lacks the permission for this action' },
  TENANT_NOT_FOUND: { status: 404, title: 'Tenant not found' },
  TENANT_EXISTS: { status: 409, title: 'A tenant with this code already exists' },
  ROLE_UNKNOWN: { status: 400, title: 'Unknown role' },
  // catalog
  PART_NOT_FOUND: { status: 404, title: 'Part not found' },
  PART_EXISTS: { status: 409, title: 'A part with this number already exists' },
  IMPORT_JOB_NOT_FOUND: { status: 404, title: 'Import job not found' },
  IMPORT_FAILED: { status: 500, title: 'The import stopped before the end of the file' },
  // integration
  SYSTEM_NOT_FOUND: { status: 404, title: 'External system not found' },
  CONNECTOR_NOT_FOUND: { status: 404, title: 'Connector not found' },
  FLOW_NOT_FOUND: { status: 404, title: 'Flow not found' },
  FLOW_NOT_ACCEPTING: { status: 409, title: 'The flow does not accept messages now' },
  MAPPING_NOT_FOUND: { status: 404, title: 'Mapping version not found' },
  MAPPING_INVALID: { status: 422, title: 'The mapping expression does not compile' },
  MAPPING_FAILED: { status: 422, title: 'The mapping failed on this message' },
  COMMAND_UNKNOWN: { status: 422, title: 'The mapping asked for an unknown command' },
  COMMAND_INVALID: { status: 422, title: 'The mapped command does not match its schema' },
  INBOUND_FORMAT_INVALID: { status: 422, title: 'The message cannot be read in the flow’s format' },
  INBOUND_MESSAGE_NOT_FOUND: { status: 404, title: 'Inbound message not found' },
  INBOUND_MESSAGE_STATE: { status: 409, title: 'The inbound message is not in a state that allows this' },
  DELIVERY_NOT_FOUND: { status: 404, title: 'Outbound delivery not found' },
  DELIVERY_STATE: { status: 409, title: 'The outbound delivery is not in a state that allows this' },
  WEBHOOK_SIGNATURE_INVALID: { status: 401, title: 'The webhook signature does not verify' },
  // inventory
  LOCATION_NOT_FOUND: { status: 404, title: 'Location not found' },
  LOCATION_EXISTS: { status: 409, title: 'A location with this code already exists' },
  LOCATION_PARENT_INVALID: { status: 422, title: 'The parent location is not acceptable' },
  QUANTITY_INVALID: { status: 422, title: 'The quantity is not acceptable for this part' },
  INSUFFICIENT_STOCK: { status: 409, title: 'Not enough stock to cover the request' },
  MOVEMENT_INVALID: { status: 422, title: 'The movement is not consistent' },
  SERIAL_INVALID: { status: 422, title: 'The serial numbers do not match the stock' },
  RESERVATION_NOT_FOUND: { status: 404, title: 'Reservation not found' },
  RESERVATION_NOT_OPEN: { status: 409, title: 'The reservation is no longer open' },
  REASON_CODE_REQUIRED: { status: 422, title: 'A reason code is required for this change' },
  REASON_CODE_UNKNOWN: { status: 422, title: 'Unknown reason code' },
  POLICY_INVALID: { status: 422, title: 'The policy is not acceptable' },
  SNAPSHOT_NOT_FOUND: { status: 404, title: 'Inventory snapshot not found' },
  WORK_ORDER_NOT_FOUND: { status: 404, title: 'Work order not found' },
  WORK_ORDER_CLOSED: { status: 409, title: 'The work order is already closed' },
  DEMAND_HISTORY_INVALID: { status: 422, title: 'The demand history does not validate' },
  APPROVAL_NOT_PENDING: { status: 409, title: 'The work order is not waiting for approval' },
  APPROVAL_LEVEL_INSUFFICIENT: { status: 403, title: 'This approval needs a higher level' },
  REQUISITION_NOT_FOUND: { status: 404, title: 'Requisition not found' },
  REQUISITION_NOT_SENT: { status: 409, title: 'The requisition was never sent to the ERP' },
  CONSUMPTION_INVALID: { status: 422, title: 'The reported consumption does not fit the work order' },
  SNAPSHOT_LINE_DUPLICATE: { status: 422, title: 'The snapshot counts this part at this location twice' },
  SNAPSHOT_LINE_TRACKED: {
    status: 422,
    title: 'A serial- or lot-tracked part is counted by its serials or lots, not by a snapshot line',
  },
  // inventory: kits
  KIT_NOT_FOUND: { status: 404, title: 'No kit is defined for this part' },
  KIT_DEFINITION_INVALID: { status: 422, title: 'The kit definition is not acceptable' },
  KIT_COMPONENTS_SHORT: { status: 409, title: 'Not enough free components at the location to build the kit' },
  KIT_UNIT_NOT_FOUND: { status: 404, title: 'Kit unit not found' },
  KIT_UNIT_NOT_IN_STOCK: { status: 409, title: 'The kit unit is not in stock' },
  KIT_UNIT_RESERVED: { status: 409, title: 'The kit unit is reserved' },
  // inventory: warehouse confirmations
  WAREHOUSE_CONFIRMATION_CONFLICT: {
    status: 409,
    title: 'The warehouse confirmed this line before with other content',
  },
  WAREHOUSE_ORDER_UNKNOWN: { status: 422, title: 'The warehouse confirms an order the hub does not know' },
  WAREHOUSE_LINE_UNMATCHED: { status: 422, title: 'The order reserves no such part at that warehouse' },
  WAREHOUSE_SHIPMENT_EXCEEDS_RESERVED: {
    status: 409,
    title: 'The warehouse shipped more than the order holds reserved',
  },
  // inventory: buffer triggers
  REPLENISHMENT_NOT_FOUND: { status: 404, title: 'Replenishment not found' },
  REPLENISHMENT_NOT_OPEN: { status: 409, title: 'The replenishment is already closed' },
  // catalog: numbers, supersession, substitutes, units
  SCHEME_NOT_FOUND: { status: 404, title: 'Numbering scheme not found' },
  NUMBER_NOT_FOUND: { status: 404, title: 'No part carries this number' },
  NUMBER_AMBIGUOUS: { status: 409, title: 'The number points at more than one part' },
  XREF_CONFLICT: { status: 409, title: 'The number already points at another part' },
  XREF_CONFLICT_NOT_FOUND: { status: 404, title: 'Cross-reference conflict not found' },
  XREF_CONFLICT_RESOLVED: { status: 409, title: 'The cross-reference conflict was already resolved' },
  SUPERSESSION_CYCLE: { status: 422, title: 'The supersession would form a cycle' },
  SUPERSESSION_FORK: { status: 409, title: 'The part already has a successor' },
  SUPERSESSION_SELF: { status: 422, title: 'A part cannot supersede itself' },
  SUBSTITUTE_INVALID: { status: 422, title: 'The substitute is not acceptable' },
  UOM_UNKNOWN: { status: 422, title: 'Unknown unit of measure for this part' },
  UOM_NOT_CONVERTIBLE: { status: 422, title: 'No conversion between these units for this part' },
  UOM_AMBIGUOUS: { status: 422, title: 'The unit conversions for this part contradict each other' },
  ATTRIBUTE_INVALID: { status: 422, title: 'A part attribute is unknown or its value is not acceptable' },
  CHANGE_REQUEST_NOT_FOUND: { status: 404, title: 'Change request not found' },
  CHANGE_REQUEST_NOT_PENDING: { status: 409, title: 'The change request was already decided' },
  FREEZE_WINDOW_INVALID: { status: 422, title: 'The freeze window is not acceptable' },
} as const satisfies Record<string, { status: number; title: string }>;

export type ErrorCode = keyof typeof ERROR_CATALOG;

/** An expected failure with a stable code; the HTTP layer renders it as RFC 9457 problem details. */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, detail: string, details?: Record<string, unknown>) {
    super(detail);
    this.name = 'AppError';
    this.code = code;
    this.status = ERROR_CATALOG[code].status;
    this.details = details;
  }
}

export function isAppError(error: unknown): error is AppError {
  return error instanceof AppError;
}
