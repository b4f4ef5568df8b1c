/**
 * Canonical messages: the one vocabulary between formats (X12, IDoc, CSV, JSON) and the
 * hub's commands. A format reader turns an external document into canonical messages; a
 * mapping (JSONata, versioned) turns canonical messages into commands; the outbox goes the
 * other way. Formats never talk to domain modules directly.
 *
 * Quantities are decimal numbers in the sender's unit (`uom`, as sent); the catalog converts
 * them to the part's base unit when a command is built, so a reader never needs the catalog.
 * Part numbers are as sent, with the scheme the sender uses (`buyer`, `vendor`, `manufacturer`,
 * `upc`, `gtin`, `erp`, `internal` ...); resolution to a canonical part is the catalog's job.
 */
import { z } from 'zod';

const text = z.string().min(1);
/** ISO date (YYYY-MM-DD) or date-time; readers normalise CCYYMMDD/YYMMDD to ISO dates. */
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/);
const quantity = z.number().finite();

export const partyRoleSchema = z.enum([
  'buyer',
  'seller',
  'ship_to',
  'ship_from',
  'bill_to',
  'warehouse',
  'depositor',
  'carrier',
  'customer',
  'supplier',
  'other',
]);

export const partySchema = z.object({
  role: partyRoleSchema,
  /** Identifier as sent (for X12 N104) with its qualifier (N103), when there is one. */
  id: z.string().optional(),
  qualifier: z.string().optional(),
  name: z.string().optional(),
  address: z.array(z.string()).optional(),
  city: z.string().optional(),
  region: z.string().optional(),
  postalCode: z.string().optional(),
  country: z.string().optional(),
});

/** Every part number the sender gave for one line, by scheme; `partNumber` is the primary one. */
export const itemSchema = z.object({
  partNumber: text,
  scheme: z.string().default('vendor'),
  otherNumbers: z.record(z.string(), z.string()).optional(),
  description: z.string().optional(),
});

const lineBase = {
  lineNumber: z.string().optional(),
  item: itemSchema,
  quantity,
  uom: text,
};

export const inventoryAdviceSchema = z.object({
  type: z.literal('inventory.advice'),
  documentId: text,
  asOf: isoDate,
  parties: z.array(partySchema).default([]),
  lines: z.array(
    z.object({
      ...lineBase,
      /** Where the quantity is; omitted when the document is for a single location. */
      locationCode: z.string().optional(),
      /** What kind of quantity (X12 QTY01: on hand, available, on order, committed ...). */
      quantityKind: z
        .enum(['on_hand', 'available', 'on_order', 'committed', 'in_transit', 'damaged', 'other'])
        .default('on_hand'),
    }),
  ),
});

export const purchaseOrderSchema = z.object({
  type: z.literal('purchase.order'),
  poNumber: text,
  orderDate: isoDate.optional(),
  purpose: z.enum(['original', 'change', 'cancel', 'other']).default('original'),
  parties: z.array(partySchema).default([]),
  lines: z.array(
    z.object({
      ...lineBase,
      unitPrice: z.number().finite().optional(),
      requestedDate: isoDate.optional(),
    }),
  ),
});

export const purchaseOrderAckSchema = z.object({
  type: z.literal('purchase.order.ack'),
  poNumber: text,
  ackDate: isoDate.optional(),
  status: z.enum(['accepted', 'accepted_with_changes', 'rejected', 'other']),
  parties: z.array(partySchema).default([]),
  lines: z.array(
    z.object({
      ...lineBase,
      orderedQuantity: quantity.optional(),
      /** Per-line outcome; a backordered line carries the date the supplier expects to ship. */
      status: z.enum(['accepted', 'backordered', 'rejected', 'changed', 'other']),
      expectedDate: isoDate.optional(),
    }),
  ),
});

export const shipNoticeSchema = z.object({
  type: z.literal('ship.notice'),
  shipmentId: text,
  shipDate: isoDate.optional(),
  expectedDeliveryDate: isoDate.optional(),
  carrier: z.string().optional(),
  trackingNumber: z.string().optional(),
  parties: z.array(partySchema).default([]),
  lines: z.array(
    z.object({
      ...lineBase,
      poNumber: z.string().optional(),
      serials: z.array(text).optional(),
      lot: z.string().optional(),
    }),
  ),
});

export const warehouseShippingOrderSchema = z.object({
  type: z.literal('warehouse.shipping_order'),
  orderId: text,
  poNumber: z.string().optional(),
  requestedShipDate: isoDate.optional(),
  parties: z.array(partySchema).default([]),
  lines: z.array(z.object({ ...lineBase })),
});

export const warehouseShippingAdviceSchema = z.object({
  type: z.literal('warehouse.shipping_advice'),
  orderId: text,
  shipmentId: z.string().optional(),
  shipDate: isoDate.optional(),
  parties: z.array(partySchema).default([]),
  lines: z.array(
    z.object({
      ...lineBase,
      /** `quantity` is what shipped; a line shipped short carries what was ordered. */
      orderedQuantity: quantity.optional(),
      status: z.enum(['shipped', 'partial', 'cancelled', 'other']),
    }),
  ),
});

export const stockTransferShipmentSchema = z.object({
  type: z.literal('stock.transfer_shipment'),
  transferId: text,
  shipDate: isoDate.optional(),
  parties: z.array(partySchema).default([]),
  lines: z.array(z.object({ ...lineBase, lot: z.string().optional() })),
});

export const stockTransferReceiptSchema = z.object({
  type: z.literal('stock.transfer_receipt'),
  transferId: text,
  receiptDate: isoDate.optional(),
  parties: z.array(partySchema).default([]),
  lines: z.array(
    z.object({
      ...lineBase,
      /** Received in good condition is `quantity`; damaged or short is reported separately. */
      damagedQuantity: quantity.optional(),
      expectedQuantity: quantity.optional(),
      lot: z.string().optional(),
    }),
  ),
});

export const inventoryAdjustmentSchema = z.object({
  type: z.literal('inventory.adjustment'),
  adjustmentId: text,
  date: isoDate.optional(),
  parties: z.array(partySchema).default([]),
  lines: z.array(
    z.object({
      ...lineBase,
      /** Signed: negative takes stock away. */
      reasonCode: text,
      /** Stock status the adjustment applies to when the sender says (damaged, on hold ...). */
      status: z.string().optional(),
    }),
  ),
});

export const returnAuthorizationSchema = z.object({
  type: z.literal('return.authorization'),
  rmaNumber: text,
  date: isoDate.optional(),
  parties: z.array(partySchema).default([]),
  lines: z.array(
    z.object({
      ...lineBase,
      reason: z.string().optional(),
      serials: z.array(text).optional(),
    }),
  ),
});

export const itemMasterSchema = z.object({
  type: z.literal('item.master'),
  partNumber: text,
  scheme: z.string().default('erp'),
  description: z.string().optional(),
  baseUom: z.string().optional(),
  materialType: z.string().optional(),
  /** Attributes as sent (weight, gross weight, industry sector ...), for golden-record lineage. */
  attributes: z.record(z.string(), z.string()).default({}),
  descriptions: z.record(z.string(), z.string()).optional(),
  /** Alternative units: `factor` base units per one `uom`. */
  uomConversions: z.array(z.object({ uom: text, factor: z.number().positive() })).optional(),
});

export const canonicalMessageSchema = z.discriminatedUnion('type', [
  inventoryAdviceSchema,
  purchaseOrderSchema,
  purchaseOrderAckSchema,
  shipNoticeSchema,
  warehouseShippingOrderSchema,
  warehouseShippingAdviceSchema,
  stockTransferShipmentSchema,
  stockTransferReceiptSchema,
  inventoryAdjustmentSchema,
  returnAuthorizationSchema,
  itemMasterSchema,
]);

export type CanonicalMessage = z.infer<typeof canonicalMessageSchema>;
export type CanonicalMessageType = CanonicalMessage['type'];
export type Party = z.infer<typeof partySchema>;
export type CanonicalItem = z.infer<typeof itemSchema>;
export type MessageOf<T extends CanonicalMessageType> = Extract<CanonicalMessage, { type: T }>;
