/**
 * The shapes of the hub's answers this dashboard reads, named for the pages. Each one is taken
 * from the route's own schema (web/src/openapi.d.ts, generated from docs/openapi.json), never
 * restated: when a route's answer changes and a page does not follow, the dashboard's type
 * check fails instead of the page.
 */
import type { paths } from './openapi';

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

/** The JSON a route answers with when it succeeds (its 200, 201 or 202). */
type Answer<P extends keyof paths, M extends Method> = paths[P][M] extends { responses: infer R }
  ? R extends { 200: { content: { 'application/json': infer T } } }
    ? T
    : R extends { 201: { content: { 'application/json': infer T } } }
      ? T
      : R extends { 202: { content: { 'application/json': infer T } } }
        ? T
        : never
  : never;

/** The JSON body a route takes. */
type RequestBody<P extends keyof paths, M extends Method> = paths[P][M] extends {
  requestBody?: { content: { 'application/json': infer T } };
}
  ? T
  : never;

/** One element of a list answer (`{items: [...]}`). */
type Item<P extends keyof paths> = Answer<P, 'get'> extends { items: Array<infer T> } ? T : never;

/**
 * Every value of a string union the API defines, for a page's filter or legend: a value the
 * API adds that the list lacks, or one it drops, fails the type check.
 */
function everyValueOf<T extends string>() {
  return <const V extends readonly T[]>(
    values: V & ([Exclude<T, V[number]>] extends [never] ? unknown : { missing: Exclude<T, V[number]> }),
  ): V => values;
}

export interface Items<T> {
  items: T[];
}

export type Me = Answer<'/api/v1/me', 'get'>;

export type Kpis = Answer<'/api/v1/kpis', 'get'>;
export type SystemKpi = Kpis['systems'][number];
export type SystemHealth = SystemKpi['health'];
export type DailyKpi = Kpis['daily'][number];

export type Part = Answer<'/api/v1/parts/{partNumber}', 'get'>;
export type Resolution = Answer<'/api/v1/parts/resolve', 'get'>;
export type SupersessionStep = Resolution['path'][number];

export type StockRow = Item<'/api/v1/stock'>;
export type StockStatus = StockRow['status'];
export const STOCK_STATUSES = everyValueOf<StockStatus>()([
  'available',
  'consigned',
  'loaner',
  'repair_in_process',
  'defective',
  'in_transit',
  'quarantine',
]);

export type Location = Item<'/api/v1/locations'>;
export type LocationType = Location['type'];
export const LOCATION_TYPES = everyValueOf<LocationType>()([
  'central_dc',
  'regional_warehouse',
  'forward_stocking_location',
  'technician_van',
  'repair_vendor',
  'customer_site',
]);

export type Movement = Item<'/api/v1/stock/movements'>;
export type MovementType = Movement['type'];
export const MOVEMENT_TYPES = everyValueOf<MovementType>()([
  'receipt',
  'issue',
  'transfer',
  'adjustment',
  'status_change',
]);

export type ReservationInput = RequestBody<'/api/v1/reservations', 'post'>;
export type ReservationResult = Answer<'/api/v1/reservations', 'post'>;
export type Reservation = ReservationResult['reservation'];
export type DemandType = Reservation['demandType'];

export type WorkOrder = Answer<'/api/v1/work-orders/{externalRef}', 'get'>;
export type WorkOrderStatus = WorkOrder['status'];
export const WORK_ORDER_STATUSES = everyValueOf<WorkOrderStatus>()([
  'awaiting_approval',
  'sourced',
  'backordered',
  'rejected',
  'cancelled',
  'completed',
]);
export type Approval = NonNullable<WorkOrder['approval']>;
export type PlanLine = WorkOrder['plan'][number];
export type Allocation = PlanLine['allocations'][number];
export type Requisition = WorkOrder['requisitions'][number];
export type ApprovalQueueItem = Item<'/api/v1/approvals'>;

export type ExternalSystem = Item<'/api/v1/integration/systems'>;
export type Flow = Item<'/api/v1/integration/flows'>;
export type InboxMessage = Answer<'/api/v1/integration/messages/{id}', 'get'>;
export type InboxStatus = InboxMessage['status'];
export const INBOX_STATUSES = everyValueOf<InboxStatus>()([
  'received',
  'processing',
  'applied',
  'shadowed',
  'failed',
  'dead',
  'discarded',
]);
/** GET /api/v1/integration/messages/{id}/body: what arrived, cut at maxChars. */
export type MessageBody = Answer<'/api/v1/integration/messages/{id}/body', 'get'>;
export type IntegrationError = Item<'/api/v1/integration/errors'>;
/** What sending a dead message (inbound) or delivery (outbound) through again answers. */
export type RetryOutcome =
  | Answer<'/api/v1/integration/messages/{id}/retry', 'post'>
  | Answer<'/api/v1/integration/deliveries/{id}/retry', 'post'>;

export type PartForecast = Answer<'/api/v1/planning/forecast', 'get'>;
export type DemandHistory = PartForecast['history'];
export type DemandPeriod = DemandHistory['periods'][number];
export type StockingLevels = NonNullable<PartForecast['stocking']>;
export type PlanningOverride = Item<'/api/v1/planning/overrides'>;
/** A run of one location (the dashboard always names it; without one the answer lists runs). */
export type PlanningRun = Extract<Answer<'/api/v1/planning/runs', 'post'>, { lines: unknown }>;
export type PlanningRunLine = PlanningRun['lines'][number];

export type ChangeRequest = Item<'/api/v1/change-requests'>;
export type XrefConflict = Item<'/api/v1/xref-conflicts'>;
export type ImportJob = Item<'/api/v1/imports'>;

export type AuditRecord = Item<'/api/v1/audit'>;
export type AuditVerification = Answer<'/api/v1/audit/verify', 'post'>;
