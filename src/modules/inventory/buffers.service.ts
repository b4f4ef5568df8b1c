/**
 * Buffer triggers (M3.4, docs/decisions/0016-buffer-triggers.md): buffer settings per part ×
 * location, and the replenishment orders raised — inside the unit of work that changed the
 * stock — when decideBufferTrigger says projected stock will fall below the buffer before
 * the next cycle. Each order is an outbox event for the ERP/WMS and, while open, stock on
 * its way in, so the same shortfall is never raised twice.
 */
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { Database, Store, Trx } from '../../db/index.js';
import { retryIfRaced, runWork, type Reader, type Work } from '../../kernel/index.js';
import { isoTimestamp } from '../../platform/clock.js';
import { actorLabel, type Ctx } from '../../platform/context.js';
import { AppError } from '../../platform/errors.js';
import { fromMilli, toMilli } from '../../platform/quantity.js';
import { partNumberSchema, partsByIds, requirePart, type Part } from '../catalog/index.js';
import {
  BUFFER_SOURCE_KINDS,
  decideBufferTrigger,
  type BufferOrderPolicy,
  type BufferSourceKind,
  type BufferTriggerDecision,
} from './buffers.js';
import { locationCodesByIds, requireLocation } from './locations.service.js';
import { quantityToMilli, type LedgerDelta } from './movement-plan.js';

const code = z
  .string()
  .trim()
  .min(1)
  .max(60)
  .regex(/^[A-Za-z0-9._-]+$/, 'codes use letters, digits, dot, underscore and dash');

export const bufferInputSchema = z
  .object({
    partNumber: partNumberSchema,
    locationCode: code,
    buffer: z
      .number()
      .finite()
      .min(0)
      .describe('Stock to keep after the demand expected before the next cycle'),
    demandPerDay: z
      .number()
      .finite()
      .min(0)
      .default(0)
      .describe('Expected demand per day, in the part’s base unit; ignored when demandWindowDays is set'),
    demandWindowDays: z
      .number()
      .int()
      .min(1)
      .max(365)
      .nullable()
      .default(null)
      .describe('Derive the demand per day from the issues at this location over the last so many days'),
    cycleHours: z
      .number()
      .finite()
      .positive()
      .max(8760)
      .describe('Hours to the next sync or replenishment cycle: the demand to cover before stock can arrive'),
    source: z
      .enum(BUFFER_SOURCE_KINDS)
      .describe('transfer from sourceLocationCode, or purchase (a requisition)'),
    sourceLocationCode: code.nullable().default(null),
    supplier: z.string().trim().min(1).max(100).nullable().default(null).describe('purchase only'),
    orderUpTo: z
      .number()
      .finite()
      .positive()
      .optional()
      .describe('Raise enough to bring projected stock to this level'),
    orderQuantity: z
      .number()
      .finite()
      .positive()
      .optional()
      .describe('Raise whole multiples of this quantity, enough to cover the shortfall'),
    active: z.boolean().default(true).describe('An inactive buffer is never checked'),
  })
  .strict()
  .superRefine((b, ctx) => {
    const issue = (path: string, message: string) => ctx.addIssue({ code: 'custom', path: [path], message });
    if (b.source === 'transfer' && b.sourceLocationCode === null)
      issue('sourceLocationCode', 'a transfer needs the location it comes from');
    if (b.source === 'purchase' && b.sourceLocationCode !== null)
      issue('sourceLocationCode', 'a purchase comes from a supplier, not a location');
    if (b.source === 'transfer' && b.supplier !== null)
      issue('supplier', 'a supplier applies to purchases only');
    if (b.sourceLocationCode !== null && b.sourceLocationCode === b.locationCode)
      issue('sourceLocationCode', 'a location cannot replenish itself');
    if ((b.orderUpTo === undefined) === (b.orderQuantity === undefined))
      issue('orderUpTo', 'give exactly one of orderUpTo and orderQuantity');
    if (b.orderUpTo !== undefined && b.orderUpTo <= b.buffer)
      issue('orderUpTo', 'the order-up-to level must be above the buffer');
  });
export type BufferInput = z.input<typeof bufferInputSchema>;

export interface StockBuffer {
  partNumber: string;
  locationCode: string;
  buffer: number;
  demandPerDay: number;
  demandWindowDays: number | null;
  cycleHours: number;
  source: BufferSourceKind;
  sourceLocationCode: string | null;
  supplier: string | null;
  orderPolicy: BufferOrderPolicy;
  orderUpTo: number | null;
  orderQuantity: number | null;
  active: boolean;
  createdAt: string;
  updatedAt: string;
  updatedBy: string;
}

/** The figures behind a decision, in the part's base unit. */
export interface BufferProjection {
  onHand: number;
  reserved: number;
  inbound: number;
  projected: number;
  expectedDemand: number;
  buffer: number;
  shortfall: number;
}

export interface BufferDecision {
  trigger: boolean;
  quantity: number;
  projection: BufferProjection;
  reasons: string[];
}

export const REPLENISHMENT_STATUSES = ['open', 'received', 'cancelled'] as const;
export type ReplenishmentStatus = (typeof REPLENISHMENT_STATUSES)[number];

export interface Replenishment {
  id: string;
  partNumber: string;
  locationCode: string;
  kind: BufferSourceKind;
  sourceLocationCode: string | null;
  supplier: string | null;
  quantity: number;
  received: number;
  status: ReplenishmentStatus;
  reasons: string[];
  projection: BufferProjection;
  raisedAt: string;
  raisedBy: string;
  closedAt: string | null;
  closedBy: string | null;
  closeReason: string | null;
}

/** One buffer checked: what was decided and the replenishment raised, if any. */
export interface BufferCheck {
  partNumber: string;
  locationCode: string;
  decision: BufferDecision;
  replenishment: Replenishment | null;
}

const REPLENISHMENT_ID_PREFIX = 'rpl';

interface BufferKey {
  partId: string;
  locationId: string;
}

type BufferRow = Database['stock_buffers'];
type ReplenishmentRow = Database['replenishment_orders'];
type Db = Kysely<Database> | Trx;

/** What a check needs besides the setting: the stock, what is on its way, what was issued. */
interface BufferState {
  row: BufferRow;
  part: Part;
  locationCode: string;
  sourceLocationCode: string | null;
  onHandMilli: number;
  reservedMilli: number;
  inboundMilli: number;
  issuedMilli: number;
  sourceFreeMilli: number | null;
}

// --- settings -----------------------------------------------------------------------------

/**
 * Sets the buffer of a part at a location (created or replaced) and checks it at once, in
 * the same unit: a buffer set above what the location holds raises its replenishment now.
 */
export async function putBuffer(
  w: Work,
  raw: BufferInput,
): Promise<{ buffer: StockBuffer; check: BufferCheck | null }> {
  const input = bufferInputSchema.parse(raw);
  const tenantId = w.ctx.tenantId;
  const part = await requirePart(w.trx, tenantId, input.partNumber);
  const location = await requireLocation(w.trx, tenantId, input.locationCode);
  const source = input.sourceLocationCode
    ? await requireLocation(w.trx, tenantId, input.sourceLocationCode)
    : null;
  const now = isoTimestamp(w.ctx.clock);
  const key = { partId: part.id, locationId: location.id };
  const [existing] = await lockBuffers(w, [key]);
  const row: BufferRow = {
    tenant_id: tenantId,
    part_id: part.id,
    location_id: location.id,
    buffer_milli: input.buffer === 0 ? 0 : quantityToMilli(part, input.buffer),
    demand_per_day_milli: toMilli(input.demandPerDay),
    demand_window_days: input.demandWindowDays,
    cycle_hours: input.cycleHours,
    source_kind: input.source,
    source_location_id: source?.id ?? null,
    supplier: input.supplier,
    order_policy: input.orderUpTo !== undefined ? 'order_up_to' : 'fixed_quantity',
    order_milli: quantityToMilli(part, input.orderUpTo ?? input.orderQuantity ?? 0),
    active: input.active ? 1 : 0,
    created_at: existing?.created_at ?? now,
    updated_at: now,
    updated_by: actorLabel(w.ctx.actor),
  };
  if (existing) {
    await w.trx
      .updateTable('stock_buffers')
      .set(row)
      .where('tenant_id', '=', tenantId)
      .where('part_id', '=', part.id)
      .where('location_id', '=', location.id)
      .execute();
  } else {
    // Another unit may create it meanwhile: then start again and replace it.
    await retryIfRaced(`buffer ${input.partNumber}@${input.locationCode} raced`, () =>
      w.trx.insertInto('stock_buffers').values(row).execute(),
    );
  }
  const codes = new Map([[location.id, location.code]]);
  if (source) codes.set(source.id, source.code);
  const buffer = toBuffer(row, part.partNumber, codes);
  w.audit({
    action: 'stock_buffer.set',
    entityType: 'stock_buffer',
    entityId: `${part.partNumber}@${location.code}`,
    before: existing ? toBuffer(existing, part.partNumber, await codesOf(w.trx, tenantId, [existing])) : null,
    after: buffer,
  });
  const [check] = await checkRows(w, [row]);
  return { buffer, check: check ?? null };
}

/** Buffers with what a check would decide now (nothing is raised by reading). */
export async function listBuffers(
  r: Reader,
  query: { partNumber?: string | undefined; locationCode?: string | undefined; limit: number },
): Promise<Array<StockBuffer & { decision: BufferDecision | null }>> {
  let qb = r.db
    .selectFrom('stock_buffers as b')
    .innerJoin('parts as p', 'p.id', 'b.part_id')
    .innerJoin('locations as l', 'l.id', 'b.location_id')
    .selectAll('b')
    .where('b.tenant_id', '=', r.ctx.tenantId);
  if (query.partNumber) qb = qb.where('p.part_number', '=', query.partNumber);
  if (query.locationCode) qb = qb.where('l.code', '=', query.locationCode);
  const rows = await qb.orderBy('l.code').orderBy('p.part_number').limit(query.limit).execute();
  const states = await readStates(r.db, r.ctx.tenantId, rows, r.ctx.clock.now());
  return states.map((state) => ({
    ...toBuffer(state.row, state.part.partNumber, codesFromState(state)),
    decision: state.row.active ? toDecision(decide(state), state) : null,
  }));
}

// --- checks -------------------------------------------------------------------------------

/**
 * Checks the buffers of these part × location pairs inside the caller's unit of work, and
 * raises a replenishment for each that has fallen short. Run it in the unit that changed
 * the stock; pairs without an active buffer are skipped (returned checks: buffered ones).
 */
export async function checkBuffers(
  w: Work,
  pairs: Array<{ partNumber: string; locationCode: string }>,
): Promise<BufferCheck[]> {
  const keys: BufferKey[] = [];
  for (const pair of pairs) {
    const found = await w.trx
      .selectFrom('stock_buffers as b')
      .innerJoin('parts as p', 'p.id', 'b.part_id')
      .innerJoin('locations as l', 'l.id', 'b.location_id')
      .select(['b.part_id', 'b.location_id'])
      .where('b.tenant_id', '=', w.ctx.tenantId)
      .where('p.part_number', '=', pair.partNumber)
      .where('l.code', '=', pair.locationCode)
      .executeTakeFirst();
    if (found) keys.push({ partId: found.part_id, locationId: found.location_id });
  }
  return checkBufferKeys(w, keys);
}

/** checkBuffers by internal ids: the inventory module's own hooks know them already. */
export async function checkBufferKeys(w: Work, keys: BufferKey[]): Promise<BufferCheck[]> {
  if (keys.length === 0) return [];
  return checkRows(w, await lockBuffers(w, keys));
}

/**
 * After a movement: a movement that names an open replenishment as its reference receives
 * it (the stock is on hand now, no longer on its way), then the buffers of the available
 * stock it touched are checked. Without a buffer this costs one indexed lookup per pair.
 */
export async function checkBuffersAfterMovement(
  w: Work,
  partId: string,
  deltas: LedgerDelta[],
  reference: string | null,
  movementId: string,
): Promise<BufferCheck[]> {
  const locationIds = [...new Set(deltas.filter((d) => d.status === 'available').map((d) => d.locationId))];
  if (locationIds.length === 0) return [];
  const rows = await lockBuffers(
    w,
    locationIds.map((locationId) => ({ partId, locationId })),
  );
  if (rows.length === 0) return [];
  if (reference?.startsWith(`${REPLENISHMENT_ID_PREFIX}_`))
    await receiveByMovement(w, reference, partId, deltas, movementId);
  return checkRows(w, rows);
}

/** Checks every active buffer of the tenant, a page per unit of work: for a scheduler. */
export async function sweepBuffers(
  store: Store,
  ctx: Ctx,
  options: { pageSize?: number } = {},
): Promise<{ checked: number; raised: Replenishment[] }> {
  const pageSize = Math.min(Math.max(options.pageSize ?? 100, 1), 500);
  let after: BufferKey | null = null;
  let checked = 0;
  const raised: Replenishment[] = [];
  for (;;) {
    let qb = store.db
      .selectFrom('stock_buffers')
      .select(['part_id', 'location_id'])
      .where('tenant_id', '=', ctx.tenantId)
      .where('active', '=', 1);
    if (after) {
      const { partId, locationId } = after;
      qb = qb.where((eb) =>
        eb.or([
          eb('part_id', '>', partId),
          eb.and([eb('part_id', '=', partId), eb('location_id', '>', locationId)]),
        ]),
      );
    }
    const page = await qb.orderBy('part_id').orderBy('location_id').limit(pageSize).execute();
    if (page.length === 0) break;
    const keys = page.map((p) => ({ partId: p.part_id, locationId: p.location_id }));
    // A buffer another unit holds is being checked by it: skipped, so the sweep never waits.
    const checks = await runWork(store, ctx, async (w) =>
      checkRows(w, await lockBuffers(w, keys, { skipLocked: true })),
    );
    checked += checks.length;
    for (const c of checks) if (c.replenishment) raised.push(c.replenishment);
    after = keys[keys.length - 1] ?? null;
    if (page.length < pageSize) break;
  }
  return { checked, raised };
}

/**
 * The buffers of these pairs, locked until commit on PostgreSQL, so that two units checking
 * one buffer run one after the other and the second sees what the first raised. Keys are
 * locked in one order so that units locking several cannot deadlock. SQLite has one writer.
 * `skipLocked` (the sweep) passes over a buffer another unit holds: that unit checks it.
 */
async function lockBuffers(
  w: Work,
  keys: BufferKey[],
  options: { skipLocked?: boolean } = {},
): Promise<BufferRow[]> {
  const unique = new Map(keys.map((k) => [`${k.partId}|${k.locationId}`, k]));
  const sorted = [...unique.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([, k]) => k);
  const rows: BufferRow[] = [];
  for (const key of sorted) {
    let qb = w.trx
      .selectFrom('stock_buffers')
      .selectAll()
      .where('tenant_id', '=', w.ctx.tenantId)
      .where('part_id', '=', key.partId)
      .where('location_id', '=', key.locationId);
    if (w.dialect === 'postgres') qb = options.skipLocked ? qb.forUpdate().skipLocked() : qb.forUpdate();
    const row = await qb.executeTakeFirst();
    if (row) rows.push(row);
  }
  return rows;
}

async function checkRows(w: Work, rows: BufferRow[]): Promise<BufferCheck[]> {
  const active = rows.filter((r) => r.active);
  if (active.length === 0) return [];
  const states = await readStates(w.trx, w.ctx.tenantId, active, w.ctx.clock.now());
  const out: BufferCheck[] = [];
  for (const state of states) {
    const decision = decide(state);
    out.push({
      partNumber: state.part.partNumber,
      locationCode: state.locationCode,
      decision: toDecision(decision, state),
      replenishment: decision.trigger ? await raise(w, state, decision) : null,
    });
  }
  return out;
}

function decide(state: BufferState): BufferTriggerDecision {
  const { row } = state;
  return decideBufferTrigger({
    partNumber: state.part.partNumber,
    locationCode: state.locationCode,
    wholeUnits: state.part.wholeUnits,
    onHandMilli: state.onHandMilli,
    reservedMilli: state.reservedMilli,
    inboundMilli: state.inboundMilli,
    bufferMilli: Number(row.buffer_milli),
    demand:
      row.demand_window_days !== null
        ? { kind: 'history', windowDays: Number(row.demand_window_days), issuedMilli: state.issuedMilli }
        : { kind: 'given', perDayMilli: Number(row.demand_per_day_milli) },
    cycleHours: Number(row.cycle_hours),
    order:
      row.order_policy === 'order_up_to'
        ? { policy: 'order_up_to', levelMilli: Number(row.order_milli) }
        : { policy: 'fixed_quantity', quantityMilli: Number(row.order_milli) },
    source:
      row.source_kind === 'transfer'
        ? {
            kind: 'transfer',
            locationCode: state.sourceLocationCode ?? String(row.source_location_id),
            freeMilli: state.sourceFreeMilli,
          }
        : { kind: 'purchase', supplier: row.supplier },
  });
}

async function raise(w: Work, state: BufferState, decision: BufferTriggerDecision): Promise<Replenishment> {
  const now = isoTimestamp(w.ctx.clock);
  const row: ReplenishmentRow = {
    id: w.ctx.ids.next(REPLENISHMENT_ID_PREFIX),
    tenant_id: w.ctx.tenantId,
    part_id: state.row.part_id,
    location_id: state.row.location_id,
    kind: state.row.source_kind,
    source_location_id: state.row.source_location_id,
    supplier: state.row.supplier,
    quantity_milli: decision.quantityMilli,
    received_milli: 0,
    status: 'open',
    reasons_json: JSON.stringify(decision.reasons),
    projection_json: JSON.stringify(projectionOf(decision, state)),
    raised_by: actorLabel(w.ctx.actor),
    raised_at: now,
    closed_at: null,
    closed_by: null,
    close_reason: null,
  };
  await w.trx.insertInto('replenishment_orders').values(row).execute();
  const replenishment = toReplenishment(row, state.part.partNumber, codesFromState(state));
  w.audit({
    action: 'replenishment.raised',
    entityType: 'replenishment',
    entityId: row.id,
    after: replenishment,
    reason: decision.reasons.join('; '),
  });
  // The ERP (purchase requisition) or WMS (transfer order) acts on this; its id comes back
  // as the reference of the movement that brings the stock in.
  w.emit({
    type: 'inventory.replenishment_raised',
    key: `part:${state.part.partNumber}`,
    payload: { replenishment, reasons: decision.reasons, uom: state.part.baseUom },
  });
  return replenishment;
}

/** Reads, in a few queries for all of them, what the checks of these buffers need. */
async function readStates(db: Db, tenantId: string, rows: BufferRow[], now: Date): Promise<BufferState[]> {
  if (rows.length === 0) return [];
  const partIds = [...new Set(rows.map((r) => r.part_id))];
  const locationIds = [...new Set(rows.map((r) => r.location_id))];
  const sourceIds = [
    ...new Set(rows.map((r) => r.source_location_id).filter((id): id is string => id !== null)),
  ];
  const parts = await partsByIds(db, tenantId, partIds);
  const codes = await locationCodesByIds(db, tenantId, [...locationIds, ...sourceIds]);
  const pair = (partId: string, locationId: string) => `${partId}|${locationId}`;

  const balances = new Map<string, { onHand: number; reserved: number }>();
  for (const b of await db
    .selectFrom('stock_balances')
    .select(['part_id', 'location_id', 'on_hand_milli', 'reserved_milli'])
    .where('tenant_id', '=', tenantId)
    .where('status', '=', 'available')
    .where('part_id', 'in', partIds)
    .where('location_id', 'in', [...new Set([...locationIds, ...sourceIds])])
    .execute())
    balances.set(pair(b.part_id, b.location_id), {
      onHand: Number(b.on_hand_milli),
      reserved: Number(b.reserved_milli),
    });

  const inbound = new Map<string, number>();
  for (const o of await db
    .selectFrom('replenishment_orders')
    .select(['part_id', 'location_id', (eb) => eb.fn.sum<number>('quantity_milli').as('ordered')])
    .select((eb) => eb.fn.sum<number>('received_milli').as('received'))
    .where('tenant_id', '=', tenantId)
    .where('status', '=', 'open')
    .where('part_id', 'in', partIds)
    .where('location_id', 'in', locationIds)
    .groupBy(['part_id', 'location_id'])
    .execute())
    inbound.set(pair(o.part_id, o.location_id), Math.max(0, Number(o.ordered) - Number(o.received)));

  // Issues of available stock over each window in use: the demand history of the location.
  const issued = new Map<string, number>();
  const windows = [...new Set(rows.map((r) => r.demand_window_days).filter((d): d is number => d !== null))];
  for (const days of windows) {
    const since = new Date(now.getTime() - Number(days) * 86_400_000).toISOString();
    const ofWindow = rows.filter((r) => r.demand_window_days === days);
    for (const m of await db
      .selectFrom('stock_movements')
      .select(['part_id', 'location_id', (eb) => eb.fn.sum<number>('quantity_milli').as('total')])
      .where('tenant_id', '=', tenantId)
      .where('type', '=', 'issue')
      .where('status', '=', 'available')
      .where('part_id', 'in', [...new Set(ofWindow.map((r) => r.part_id))])
      .where('location_id', 'in', [...new Set(ofWindow.map((r) => r.location_id))])
      .where('created_at', '>=', since)
      .groupBy(['part_id', 'location_id'])
      .execute())
      issued.set(`${days}|${pair(m.part_id, m.location_id)}`, -Number(m.total));
  }

  const out: BufferState[] = [];
  for (const row of rows) {
    const part = parts.get(row.part_id);
    const locationCode = codes.get(row.location_id);
    if (!part || !locationCode)
      throw new Error(`buffer ${row.part_id}@${row.location_id} lost its part or location`);
    const balance = balances.get(pair(row.part_id, row.location_id));
    const source = row.source_location_id
      ? balances.get(pair(row.part_id, row.source_location_id))
      : undefined;
    out.push({
      row,
      part,
      locationCode,
      sourceLocationCode: row.source_location_id ? (codes.get(row.source_location_id) ?? null) : null,
      onHandMilli: balance?.onHand ?? 0,
      reservedMilli: balance?.reserved ?? 0,
      inboundMilli: inbound.get(pair(row.part_id, row.location_id)) ?? 0,
      issuedMilli:
        row.demand_window_days !== null
          ? Math.max(0, issued.get(`${row.demand_window_days}|${pair(row.part_id, row.location_id)}`) ?? 0)
          : 0,
      sourceFreeMilli: row.source_location_id ? (source ? source.onHand - source.reserved : 0) : null,
    });
  }
  return out;
}

// --- replenishments -----------------------------------------------------------------------

/**
 * A movement naming an open replenishment as its reference receives what it brings into the
 * replenishment's location; once all has arrived, the replenishment is received.
 */
async function receiveByMovement(
  w: Work,
  id: string,
  partId: string,
  deltas: LedgerDelta[],
  movementId: string,
): Promise<void> {
  const row = await w.trx
    .selectFrom('replenishment_orders')
    .selectAll()
    .where('tenant_id', '=', w.ctx.tenantId)
    .where('id', '=', id)
    .where('status', '=', 'open')
    .executeTakeFirst();
  if (!row || row.part_id !== partId) return;
  const arrived = deltas
    .filter((d) => d.locationId === row.location_id && d.status === 'available' && d.deltaMilli > 0)
    .reduce((sum, d) => sum + d.deltaMilli, 0);
  if (arrived === 0) return;
  const received = Number(row.received_milli) + arrived;
  const complete = received >= Number(row.quantity_milli);
  const now = isoTimestamp(w.ctx.clock);
  const reason = `${fromMilli(arrived)} received by movement ${movementId}`;
  const changes = complete
    ? {
        received_milli: received,
        status: 'received',
        closed_at: now,
        closed_by: actorLabel(w.ctx.actor),
        close_reason: reason,
      }
    : { received_milli: received };
  await w.trx.updateTable('replenishment_orders').set(changes).where('id', '=', row.id).execute();
  const codes = await codesOf(w.trx, w.ctx.tenantId, [row]);
  const partNumber = await partNumberOf(w.trx, w.ctx.tenantId, row.part_id);
  const before = toReplenishment(row, partNumber, codes);
  const after = toReplenishment({ ...row, ...changes }, partNumber, codes);
  w.audit({
    action: complete ? 'replenishment.received' : 'replenishment.partly_received',
    entityType: 'replenishment',
    entityId: row.id,
    before,
    after,
    reason,
  });
  if (complete)
    w.emit({
      type: 'inventory.replenishment_closed',
      key: `part:${partNumber}`,
      payload: { replenishment: after, reason },
    });
}

/**
 * Closes an open replenishment: received (what was ordered has arrived, or no more will) or
 * cancelled. Closing again with the same outcome changes nothing. Its quantity stops counting
 * as inbound; the next stock change or sweep raises again if the buffer still calls for it.
 */
export async function closeReplenishment(
  w: Work,
  id: string,
  input: { outcome: 'received' | 'cancelled'; reason?: string | undefined },
): Promise<Replenishment> {
  const tenantId = w.ctx.tenantId;
  const found = await findReplenishment(w.trx, tenantId, id);
  // The buffer first, as every check takes it, so a close and a check of one pair never cross.
  await lockBuffers(w, [{ partId: found.part_id, locationId: found.location_id }]);
  const row = await findReplenishment(w.trx, tenantId, id);
  const codes = await codesOf(w.trx, tenantId, [row]);
  const partNumber = await partNumberOf(w.trx, tenantId, row.part_id);
  const before = toReplenishment(row, partNumber, codes);
  if (row.status === input.outcome) return before;
  if (row.status !== 'open')
    throw new AppError('REPLENISHMENT_NOT_OPEN', `Replenishment ${id} is ${row.status}`, {
      replenishmentStatus: row.status,
    });
  const now = isoTimestamp(w.ctx.clock);
  const changes = {
    status: input.outcome,
    closed_at: now,
    closed_by: actorLabel(w.ctx.actor),
    close_reason: input.reason ?? input.outcome,
  };
  await w.trx
    .updateTable('replenishment_orders')
    .set(changes)
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id)
    .execute();
  const after = toReplenishment({ ...row, ...changes }, partNumber, codes);
  w.audit({
    action: `replenishment.${input.outcome}`,
    entityType: 'replenishment',
    entityId: id,
    before,
    after,
    reason: input.reason ?? null,
  });
  w.emit({
    type: 'inventory.replenishment_closed',
    key: `part:${partNumber}`,
    payload: { replenishment: after, reason: changes.close_reason },
  });
  return after;
}

export async function listReplenishments(
  r: Reader,
  query: {
    partNumber?: string | undefined;
    locationCode?: string | undefined;
    status?: ReplenishmentStatus | undefined;
    limit: number;
  },
): Promise<Replenishment[]> {
  let qb = r.db
    .selectFrom('replenishment_orders as o')
    .innerJoin('parts as p', 'p.id', 'o.part_id')
    .innerJoin('locations as l', 'l.id', 'o.location_id')
    .selectAll('o')
    .select('p.part_number')
    .where('o.tenant_id', '=', r.ctx.tenantId);
  if (query.partNumber) qb = qb.where('p.part_number', '=', query.partNumber);
  if (query.locationCode) qb = qb.where('l.code', '=', query.locationCode);
  if (query.status) qb = qb.where('o.status', '=', query.status);
  const rows = await qb.orderBy('o.raised_at', 'desc').orderBy('o.id', 'desc').limit(query.limit).execute();
  const codes = await codesOf(r.db, r.ctx.tenantId, rows);
  return rows.map((row) => toReplenishment(row, row.part_number, codes));
}

async function findReplenishment(db: Db, tenantId: string, id: string): Promise<ReplenishmentRow> {
  const row = await db
    .selectFrom('replenishment_orders')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id)
    .executeTakeFirst();
  if (!row) throw new AppError('REPLENISHMENT_NOT_FOUND', `No replenishment '${id}'`, { id });
  return row;
}

// --- mapping ------------------------------------------------------------------------------

async function codesOf(
  db: Db,
  tenantId: string,
  rows: Array<{ location_id: string; source_location_id: string | null }>,
): Promise<Map<string, string>> {
  return locationCodesByIds(
    db,
    tenantId,
    rows.flatMap((r) => (r.source_location_id ? [r.location_id, r.source_location_id] : [r.location_id])),
  );
}

async function partNumberOf(db: Db, tenantId: string, partId: string): Promise<string> {
  const part = (await partsByIds(db, tenantId, [partId])).get(partId);
  if (!part) throw new Error(`part ${partId} not found`);
  return part.partNumber;
}

function codesFromState(state: BufferState): Map<string, string> {
  const codes = new Map([[state.row.location_id, state.locationCode]]);
  if (state.row.source_location_id && state.sourceLocationCode)
    codes.set(state.row.source_location_id, state.sourceLocationCode);
  return codes;
}

function toBuffer(row: BufferRow, partNumber: string, codes: Map<string, string>): StockBuffer {
  const orderPolicy = row.order_policy as BufferOrderPolicy;
  return {
    partNumber,
    locationCode: codes.get(row.location_id) ?? row.location_id,
    buffer: fromMilli(Number(row.buffer_milli)),
    demandPerDay: fromMilli(Number(row.demand_per_day_milli)),
    demandWindowDays: row.demand_window_days === null ? null : Number(row.demand_window_days),
    cycleHours: Number(row.cycle_hours),
    source: row.source_kind as BufferSourceKind,
    sourceLocationCode: row.source_location_id
      ? (codes.get(row.source_location_id) ?? row.source_location_id)
      : null,
    supplier: row.supplier,
    orderPolicy,
    orderUpTo: orderPolicy === 'order_up_to' ? fromMilli(Number(row.order_milli)) : null,
    orderQuantity: orderPolicy === 'fixed_quantity' ? fromMilli(Number(row.order_milli)) : null,
    active: Boolean(row.active),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    updatedBy: row.updated_by,
  };
}

function projectionOf(decision: BufferTriggerDecision, state: BufferState): BufferProjection {
  return {
    onHand: fromMilli(state.onHandMilli),
    reserved: fromMilli(state.reservedMilli),
    inbound: fromMilli(state.inboundMilli),
    projected: fromMilli(decision.projectedMilli),
    expectedDemand: fromMilli(decision.expectedDemandMilli),
    buffer: fromMilli(Number(state.row.buffer_milli)),
    shortfall: fromMilli(decision.shortfallMilli),
  };
}

function toDecision(decision: BufferTriggerDecision, state: BufferState): BufferDecision {
  return {
    trigger: decision.trigger,
    quantity: decision.quantity,
    projection: projectionOf(decision, state),
    reasons: decision.reasons,
  };
}

function toReplenishment(
  row: ReplenishmentRow,
  partNumber: string,
  codes: Map<string, string>,
): Replenishment {
  return {
    id: row.id,
    partNumber,
    locationCode: codes.get(row.location_id) ?? row.location_id,
    kind: row.kind as BufferSourceKind,
    sourceLocationCode: row.source_location_id
      ? (codes.get(row.source_location_id) ?? row.source_location_id)
      : null,
    supplier: row.supplier,
    quantity: fromMilli(Number(row.quantity_milli)),
    received: fromMilli(Number(row.received_milli)),
    status: row.status as ReplenishmentStatus,
    reasons: JSON.parse(row.reasons_json) as string[],
    projection: JSON.parse(row.projection_json) as BufferProjection,
    raisedAt: row.raised_at,
    raisedBy: row.raised_by,
    closedAt: row.closed_at,
    closedBy: row.closed_by,
    closeReason: row.close_reason,
  };
}
