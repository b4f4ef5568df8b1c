/**
 * Warehouse confirmations (M3.3): put-away and pick/ship confirmations from a WMS (X12 944 /
 * 945 or JSON, through an inbound flow's mapping) update stock as they arrive. A put-away
 * receives into the named location; a shipment issues what shipped against the order's
 * reservations, keeps the short quantity reserved as still to ship, and releases a cancelled
 * line. Each confirmed line is remembered by the WMS's own references, so a second message
 * confirming the same line changes nothing. The decisions are warehouse-confirmations.ts.
 */
import { sql } from 'kysely';
import { z } from 'zod';
import { retryIfRaced, type Work } from '../../kernel/index.js';
import { isoTimestamp } from '../../platform/clock.js';
import { AppError } from '../../platform/errors.js';
import { fromMilli, toMilli } from '../../platform/quantity.js';
import { convertToBase, partNumberSchema, requirePart, type Part } from '../catalog/index.js';
import { requireLocation } from './locations.service.js';
import { releaseReservation } from './reservations.service.js';
import { postMovement } from './stock.service.js';
import { readBalance } from './stock.repository.js';
import {
  confirmationKey,
  decidePutaway,
  decideShipment,
  SHIPMENT_LINE_STATUSES,
  type OrderReservation,
  type PutawayDecision,
  type PutawayLine,
  type ShipmentDecision,
  type ShipmentLine,
} from './warehouse-confirmations.js';

// WMS references: X12 sends them as text, JSON senders often as numbers.
const ref = z.union([z.string(), z.number()]).transform(String).pipe(z.string().trim().min(1).max(60));
const place = z.string().trim().min(1).max(60);
const amount = z.number().finite().min(0);
const unit = z.string().trim().min(1).max(20);
const lot = z.string().trim().min(1).max(80);
const serials = z.array(z.string().trim().min(1).max(80)).max(1000);

export const putawayInputSchema = z
  .object({
    /** The WMS's receipt (X12 W17: the depositor order number, else the warehouse receipt number). */
    receiptRef: ref,
    /** Where the goods were put away, for lines that do not name their own location. */
    locationCode: place.optional(),
    lines: z
      .array(
        z
          .object({
            /** The WMS's line; by default the line's position in the receipt. */
            lineRef: ref.optional(),
            partNumber: partNumberSchema,
            locationCode: place.optional(),
            /** Received in good condition. */
            quantity: amount,
            /** Received damaged: held as defective. */
            damagedQuantity: amount.optional(),
            uom: unit.optional(),
            lot: lot.optional(),
            serials: serials.optional(),
            damagedSerials: serials.optional(),
          })
          .strict(),
      )
      .min(1)
      .max(5000),
  })
  .strict()
  .superRefine((input, ctx) => {
    input.lines.forEach((line, i) => {
      if (!line.locationCode && !input.locationCode)
        ctx.addIssue({
          code: 'custom',
          path: ['lines', i, 'locationCode'],
          message: 'a put-away line needs a location (its own or the receipt’s locationCode)',
        });
    });
  });
export type PutawayInput = z.output<typeof putawayInputSchema>;

export const shipmentInputSchema = z
  .object({
    /**
     * The order the WMS shipped: a reservation id (what the hub's 940 sends as depositor
     * order number), a reservation's demand reference, or a work order number.
     */
    orderRef: ref,
    /** The WMS's shipment (X12 W0604); an order shipped in several parts needs one per part. */
    shipmentRef: ref.optional(),
    /** The shipping warehouse; when given, only reservations there are shipped from. */
    locationCode: place.optional(),
    shipDate: z.string().trim().max(40).optional(),
    lines: z
      .array(
        z
          .object({
            /** The WMS's line; a work order's line id picks that line's reservations. */
            lineRef: ref.optional(),
            partNumber: partNumberSchema,
            /** Shipped. */
            quantity: amount,
            orderedQuantity: amount.optional(),
            uom: unit.optional(),
            status: z.enum(SHIPMENT_LINE_STATUSES).default('shipped'),
            lot: lot.optional(),
            serials: serials.optional(),
          })
          .strict(),
      )
      .min(1)
      .max(5000),
  })
  .strict();
export type ShipmentInput = z.output<typeof shipmentInputSchema>;

type Kind = 'putaway' | 'shipment';

export interface PutawayPlan {
  input: PutawayInput;
  decisions: PutawayDecision[];
  parts: Map<string, Part>;
}

export interface ShipmentPlan {
  input: ShipmentInput;
  decisions: ShipmentDecision[];
  parts: Map<string, Part>;
  reservations: OrderReservation[];
}

export interface ConfirmationPreview {
  entity: string;
  change: 'update' | 'none';
  before: unknown;
  after: unknown;
}

export interface PutawayLineOutcome {
  lineRef: string;
  partNumber: string;
  locationCode: string;
  action: 'received' | 'nothing' | 'repeat';
  quantity: number;
  damaged: number;
  movementIds: string[];
  reasons: string[];
}

export interface PutawayOutcome {
  receiptRef: string;
  lines: PutawayLineOutcome[];
}

export interface ShipmentLineOutcome {
  lineRef: string;
  partNumber: string;
  action: 'shipped' | 'repeat';
  status: string;
  shipped: number;
  /** What the WMS said was ordered, when it said. */
  ordered: number | null;
  short: number;
  stillReserved: number;
  released: number;
  demandRefs: string[];
  reservations: Array<{ id: string; issued: number; released: number }>;
  movementIds: string[];
  reasons: string[];
}

export interface ShipmentOutcome {
  orderRef: string;
  shipmentRef: string | null;
  lines: ShipmentLineOutcome[];
}

/** What a put-away would do, read in the caller's unit of work; a refused line throws. */
export async function planPutaway(w: Work, raw: unknown): Promise<PutawayPlan> {
  const input = putawayInputSchema.parse(raw);
  const parts = new Map<string, Part>();
  const checked = new Set<string>();
  const lines: PutawayLine[] = [];
  for (const [i, line] of input.lines.entries()) {
    const part = await partOf(w, parts, line.partNumber);
    const locationCode = line.locationCode ?? input.locationCode ?? '';
    if (!checked.has(locationCode)) await requireLocation(w.trx, w.ctx.tenantId, locationCode);
    checked.add(locationCode);
    const lineRef = line.lineRef ?? String(i + 1);
    lines.push({
      key: confirmationKey([input.receiptRef, lineRef]),
      lineRef,
      partNumber: part.partNumber,
      tracking: part.tracking,
      locationCode,
      goodMilli: await baseMilli(w, part, line.quantity, line.uom),
      damagedMilli: await baseMilli(w, part, line.damagedQuantity ?? 0, line.uom),
      lot: line.lot,
      serials: line.serials,
      damagedSerials: line.damagedSerials,
    });
  }
  const prior = await priorConfirmations(
    w,
    'putaway',
    lines.map((l) => l.key),
  );
  const decisions = decidePutaway(lines, prior);
  refuseRejected(decisions, `receipt ${input.receiptRef}`);
  return { input, decisions, parts };
}

/**
 * Applies a put-away confirmation: each new line is received into its location (good units
 * available, damaged ones defective) with the receipt as reference, and remembered; a line
 * confirmed before with the same content is a recorded no-op. `sourceRef` names the message.
 */
export async function confirmPutaway(w: Work, raw: unknown, sourceRef: string): Promise<PutawayOutcome> {
  const { input, decisions, parts } = await planPutaway(w, raw);
  const lines: PutawayLineOutcome[] = [];
  for (const d of decisions) {
    if (d.action === 'reject') continue; // refused in planPutaway already
    const movementIds: string[] = [];
    if (d.action === 'receive')
      for (const receipt of d.receipts) {
        const moved = await postMovement(w, {
          type: 'receipt',
          partNumber: d.line.partNumber,
          locationCode: d.line.locationCode,
          quantity: fromMilli(receipt.milli),
          ...(receipt.status !== 'available' ? { status: receipt.status } : {}),
          ...(receipt.lot ? { lot: receipt.lot } : {}),
          ...(receipt.serials ? { serials: receipt.serials } : {}),
          reference: `putaway ${input.receiptRef} line ${d.line.lineRef}`,
        });
        movementIds.push(moved.movementId);
      }
    const outcome: PutawayLineOutcome = {
      lineRef: d.line.lineRef,
      partNumber: d.line.partNumber,
      locationCode: d.line.locationCode,
      action: d.action === 'receive' ? 'received' : d.action,
      quantity: fromMilli(d.line.goodMilli),
      damaged: fromMilli(d.line.damagedMilli),
      movementIds,
      reasons: d.reasons,
    };
    if (d.action !== 'repeat')
      await remember(w, {
        kind: 'putaway',
        key: d.line.key,
        documentRef: input.receiptRef,
        lineRef: d.line.lineRef,
        partNumber: d.line.partNumber,
        locationCode: d.line.locationCode,
        fingerprint: d.fingerprint,
        quantityMilli: d.line.goodMilli,
        shortMilli: null,
        outcome,
        sourceRef,
      });
    lines.push(outcome);
  }
  const applied = lines.filter((l) => l.action !== 'repeat');
  w.audit({
    action: applied.length > 0 ? 'inventory.putaway_confirmed' : 'inventory.putaway_repeated',
    entityType: 'warehouse_receipt',
    entityId: input.receiptRef,
    after: { source: sourceRef, lines },
    reason: lines.flatMap((l) => l.reasons).join('; '),
  });
  if (applied.length > 0)
    w.emit({
      type: 'inventory.putaway_confirmed',
      key: `warehouse_receipt:${input.receiptRef}`,
      payload: {
        receiptRef: input.receiptRef,
        source: sourceRef,
        lines: applied.map((l) => ({ ...l, uom: parts.get(l.partNumber)?.baseUom ?? null })),
      },
    });
  return { receiptRef: input.receiptRef, lines };
}

/** What a put-away would change, for shadow flows and replay. */
export async function previewPutaway(w: Work, raw: unknown): Promise<ConfirmationPreview> {
  const { input, decisions, parts } = await planPutaway(w, raw);
  const before: Record<string, number> = {};
  const after: Record<string, number> = {};
  for (const d of decisions) {
    if (d.action !== 'receive') continue;
    const part = parts.get(d.line.partNumber);
    if (!part) continue;
    const location = await requireLocation(w.trx, w.ctx.tenantId, d.line.locationCode);
    for (const receipt of d.receipts) {
      const key = `${part.partNumber}@${location.code}/${receipt.status}`;
      if (before[key] === undefined) {
        const balance = await readBalance(w.trx, {
          tenantId: w.ctx.tenantId,
          partId: part.id,
          locationId: location.id,
          status: receipt.status,
        });
        before[key] = fromMilli(balance.onHand);
        after[key] = fromMilli(balance.onHand);
      }
      after[key] = (after[key] ?? 0) + fromMilli(receipt.milli);
    }
  }
  return {
    entity: `warehouse_receipt:${input.receiptRef}`,
    change: decisions.some((d) => d.action === 'receive') ? 'update' : 'none',
    before: { onHand: before },
    after: {
      onHand: after,
      lines: decisions.map((d) => ({ lineRef: d.line.lineRef, action: d.action, reasons: d.reasons })),
    },
  };
}

/** What a shipment confirmation would do, read in the caller's unit of work; a refused line throws. */
export async function planShipment(w: Work, raw: unknown): Promise<ShipmentPlan> {
  const input = shipmentInputSchema.parse(raw);
  if (input.locationCode) await requireLocation(w.trx, w.ctx.tenantId, input.locationCode);
  const parts = new Map<string, Part>();
  const lines: ShipmentLine[] = [];
  for (const [i, line] of input.lines.entries()) {
    const part = await partOf(w, parts, line.partNumber);
    const lineRef = line.lineRef ?? String(i + 1);
    lines.push({
      key: confirmationKey([input.orderRef, input.shipmentRef ?? '', lineRef]),
      lineRef,
      orderLineRef: line.lineRef,
      partNumber: part.partNumber,
      tracking: part.tracking,
      locationCode: input.locationCode,
      status: line.status,
      shippedMilli: await baseMilli(w, part, line.quantity, line.uom),
      orderedMilli:
        line.orderedQuantity === undefined
          ? undefined
          : await baseMilli(w, part, line.orderedQuantity, line.uom),
      serials: line.serials,
      lot: line.lot,
    });
  }
  const prior = await priorConfirmations(
    w,
    'shipment',
    lines.map((l) => l.key),
  );
  // Repeats need no reservations; reading them anyway keeps one path.
  const reservations = await orderReservations(w, input.orderRef, lines);
  const decisions = decideShipment({ orderRef: input.orderRef, reservations, lines, prior });
  refuseRejected(decisions, `order ${input.orderRef}`);
  return { input, decisions, parts, reservations };
}

/**
 * Applies a shipment confirmation: per line, the shipped quantity is issued against the
 * order's reservations (consuming them, or leaving the short quantity reserved as still to
 * ship), a cancelled line releases what stays reserved, and `inventory.shipment_confirmed`
 * tells fulfillment what shipped and what is short, per demand.
 */
export async function confirmShipment(w: Work, raw: unknown, sourceRef: string): Promise<ShipmentOutcome> {
  const { input, decisions, parts } = await planShipment(w, raw);
  const reference = `shipment ${input.orderRef}${input.shipmentRef ? `/${input.shipmentRef}` : ''}`;
  const lines: ShipmentLineOutcome[] = [];
  for (const d of decisions) {
    if (d.action === 'reject') continue; // refused in planShipment already
    if (d.action === 'repeat') {
      lines.push({
        lineRef: d.line.lineRef,
        partNumber: d.line.partNumber,
        action: 'repeat',
        status: d.line.status,
        shipped: fromMilli(d.line.shippedMilli),
        ordered: d.line.orderedMilli === undefined ? null : fromMilli(d.line.orderedMilli),
        short: 0,
        stillReserved: 0,
        released: 0,
        demandRefs: [],
        reservations: [],
        movementIds: [],
        reasons: d.reasons,
      });
      continue;
    }
    const movementIds: string[] = [];
    const touched = new Map<string, { id: string; issued: number; released: number }>();
    const entry = (id: string) => touched.get(id) ?? { id, issued: 0, released: 0 };
    for (const issue of d.issues) {
      const moved = await postMovement(w, {
        type: 'issue',
        partNumber: d.line.partNumber,
        locationCode: issue.locationCode,
        quantity: fromMilli(issue.milli),
        reservationId: issue.reservationId,
        ...(issue.serials ? { serials: issue.serials } : {}),
        ...(issue.lot ? { lot: issue.lot } : {}),
        reference: `${reference} line ${d.line.lineRef}`,
      });
      movementIds.push(moved.movementId);
      const e = entry(issue.reservationId);
      touched.set(issue.reservationId, { ...e, issued: e.issued + fromMilli(issue.milli) });
    }
    for (const release of d.releases) {
      await releaseReservation(
        w,
        release.reservationId,
        `the warehouse cancelled ${reference} line ${d.line.lineRef}`,
      );
      const e = entry(release.reservationId);
      touched.set(release.reservationId, { ...e, released: e.released + fromMilli(release.milli) });
    }
    const outcome: ShipmentLineOutcome = {
      lineRef: d.line.lineRef,
      partNumber: d.line.partNumber,
      action: 'shipped',
      status: d.line.status,
      shipped: fromMilli(d.line.shippedMilli),
      ordered: d.line.orderedMilli === undefined ? null : fromMilli(d.line.orderedMilli),
      short: fromMilli(d.shortMilli),
      stillReserved: fromMilli(d.stillReservedMilli),
      released: fromMilli(d.releasedMilli),
      demandRefs: d.demandRefs,
      reservations: [...touched.values()],
      movementIds,
      reasons: d.reasons,
    };
    await remember(w, {
      kind: 'shipment',
      key: d.line.key,
      documentRef: input.orderRef,
      lineRef: d.line.lineRef,
      partNumber: d.line.partNumber,
      locationCode: input.locationCode ?? null,
      fingerprint: d.fingerprint,
      quantityMilli: d.line.shippedMilli,
      shortMilli: d.shortMilli,
      outcome,
      sourceRef,
    });
    lines.push(outcome);
  }
  const shipped = lines.filter((l) => l.action === 'shipped');
  w.audit({
    action: shipped.length > 0 ? 'inventory.shipment_confirmed' : 'inventory.shipment_repeated',
    entityType: 'warehouse_order',
    entityId: input.orderRef,
    after: { shipmentRef: input.shipmentRef ?? null, source: sourceRef, lines },
    reason: lines.flatMap((l) => l.reasons).join('; '),
  });
  if (shipped.length > 0)
    w.emit({
      type: 'inventory.shipment_confirmed',
      key: `warehouse_order:${input.orderRef}`,
      // What fulfillment needs to backorder the short part and tell the FSM, per demand.
      payload: {
        orderRef: input.orderRef,
        shipmentRef: input.shipmentRef ?? null,
        locationCode: input.locationCode ?? null,
        shipDate: input.shipDate ?? null,
        source: sourceRef,
        lines: shipped.map((l) => ({ ...l, uom: parts.get(l.partNumber)?.baseUom ?? null })),
      },
    });
  return { orderRef: input.orderRef, shipmentRef: input.shipmentRef ?? null, lines };
}

/** What a shipment confirmation would change, for shadow flows and replay. */
export async function previewShipment(w: Work, raw: unknown): Promise<ConfirmationPreview> {
  const { input, decisions, reservations } = await planShipment(w, raw);
  const before: Record<string, number> = {};
  const after: Record<string, number> = {};
  for (const r of reservations) {
    if (r.openMilli === 0) continue;
    before[r.id] = fromMilli(r.openMilli);
    after[r.id] = fromMilli(r.openMilli);
  }
  let changes = false;
  for (const d of decisions) {
    if (d.action !== 'ship') continue;
    for (const issue of d.issues) {
      after[issue.reservationId] = (after[issue.reservationId] ?? 0) - fromMilli(issue.milli);
      changes = true;
    }
    for (const release of d.releases) {
      after[release.reservationId] = 0;
      changes = true;
    }
  }
  return {
    entity: `warehouse_order:${input.orderRef}`,
    change: changes ? 'update' : 'none',
    before: { reserved: before },
    after: {
      reserved: after,
      lines: decisions.map((d) => ({
        lineRef: d.line.lineRef,
        action: d.action,
        ...(d.action === 'ship'
          ? { shipped: fromMilli(d.line.shippedMilli), short: fromMilli(d.shortMilli) }
          : {}),
        reasons: d.reasons,
      })),
    },
  };
}

async function partOf(w: Work, cache: Map<string, Part>, partNumber: string): Promise<Part> {
  const cached = cache.get(partNumber);
  if (cached) return cached;
  const part = await requirePart(w.trx, w.ctx.tenantId, partNumber);
  cache.set(partNumber, part);
  return part;
}

/** A quantity in the sender's unit as milli-units of the part's base unit (the catalog converts). */
async function baseMilli(w: Work, part: Part, quantity: number, uom: string | undefined): Promise<number> {
  if (quantity === 0) return 0;
  if (!uom) return toMilli(quantity);
  const converted = await convertToBase(
    { db: w.trx, ctx: w.ctx, dialect: w.dialect },
    { partNumber: part.partNumber, quantity, uom },
  );
  return toMilli(converted.quantity);
}

async function priorConfirmations(w: Work, kind: Kind, keys: string[]): Promise<Map<string, string>> {
  const prior = new Map<string, string>();
  const unique = [...new Set(keys)];
  for (let i = 0; i < unique.length; i += 500) {
    const rows = await w.trx
      .selectFrom('warehouse_confirmations')
      .select(['confirmation_key', 'fingerprint'])
      .where('tenant_id', '=', w.ctx.tenantId)
      .where('kind', '=', kind)
      .where('confirmation_key', 'in', unique.slice(i, i + 500))
      .execute();
    for (const row of rows) prior.set(row.confirmation_key, row.fingerprint);
  }
  return prior;
}

/**
 * Every reservation the order reference names, in any state: the reservation itself (the
 * hub's 940 sends its id as the depositor order number), or those whose demand is the
 * reference or one of its lines (a work order reserves as <work order>/<line>).
 */
async function orderReservations(
  w: Work,
  orderRef: string,
  lines: readonly ShipmentLine[],
): Promise<OrderReservation[]> {
  const base = () =>
    w.trx
      .selectFrom('reservations as r')
      .innerJoin('parts as p', 'p.id', 'r.part_id')
      .innerJoin('locations as l', 'l.id', 'r.location_id')
      .select([
        'r.id',
        'r.demand_ref',
        'r.state',
        'r.quantity_milli',
        'r.created_at',
        'p.part_number',
        'l.code as location_code',
      ])
      .where('r.tenant_id', '=', w.ctx.tenantId);
  const byId = await base().where('r.id', '=', orderRef).execute();
  const found = new Map(byId.map((row) => [row.id, row]));
  if (found.size === 0) {
    const exact = [
      orderRef,
      ...lines.flatMap((l) => (l.orderLineRef ? [`${orderRef}/${l.orderLineRef}`] : [])),
    ];
    for (const row of await base()
      .where('r.demand_ref', 'in', [...new Set(exact)])
      .execute())
      found.set(row.id, row);
    const covered = new Set([...found.values()].map((row) => row.part_number));
    if (lines.some((l) => !covered.has(l.partNumber))) {
      // Without (matching) line references, every line of the work order is read. Prefix by
      // substr, not LIKE: LIKE ignores case on SQLite and would take '%' and '_' as wildcards.
      const prefix = `${orderRef}/`;
      for (const row of await base()
        .where(sql<string>`substr(r.demand_ref, 1, ${sql.lit(prefix.length)})`, '=', prefix)
        .execute())
        found.set(row.id, row);
    }
  }
  return [...found.values()].map((row) => ({
    id: row.id,
    partNumber: row.part_number,
    locationCode: row.location_code,
    demandRef: row.demand_ref,
    openMilli: row.state === 'open' ? Number(row.quantity_milli) : 0,
    state: row.state,
    createdAt: row.created_at,
  }));
}

function refuseRejected(decisions: ReadonlyArray<PutawayDecision | ShipmentDecision>, what: string): void {
  const rejected = decisions.flatMap((d) => (d.action === 'reject' ? [d] : []));
  const first = rejected[0];
  if (!first) return;
  throw new AppError(first.code, `${what}: ${rejected.flatMap((d) => d.reasons).join('; ')}`, {
    lines: rejected.map((d) => ({ lineRef: d.line.lineRef, code: d.code, reasons: d.reasons })),
  });
}

async function remember(
  w: Work,
  c: {
    kind: Kind;
    key: string;
    documentRef: string;
    lineRef: string;
    partNumber: string;
    locationCode: string | null;
    fingerprint: string;
    quantityMilli: number;
    shortMilli: number | null;
    outcome: unknown;
    sourceRef: string;
  },
): Promise<void> {
  // Another message may have confirmed the same line at the same moment: start again, and see it.
  await retryIfRaced(`confirmation ${c.key} recorded concurrently`, () =>
    w.trx
      .insertInto('warehouse_confirmations')
      .values({
        id: w.ctx.ids.next('whc'),
        tenant_id: w.ctx.tenantId,
        kind: c.kind,
        confirmation_key: c.key,
        document_ref: c.documentRef,
        line_ref: c.lineRef,
        part_number: c.partNumber,
        location_code: c.locationCode,
        fingerprint: c.fingerprint,
        quantity_milli: c.quantityMilli,
        short_milli: c.shortMilli,
        outcome_json: JSON.stringify(c.outcome),
        source_ref: c.sourceRef,
        created_at: isoTimestamp(w.ctx.clock),
      })
      .execute(),
  );
}
