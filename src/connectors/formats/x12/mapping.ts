/**
 * Transaction set <-> canonical message dispatch. Every message that leaves `toCanonical`
 * has passed the canonical zod schema; sets without a mapping are reported as info.
 */
import {
  canonicalMessageSchema,
  type CanonicalMessage,
  type CanonicalMessageType,
  type MessageOf,
} from '../../../modules/integration/canonical.js';
import { issue, type X12Issue } from './issues.js';
import { MapContext, type MappableSet } from './sets/common.js';
import { inventoryAdjustment947 } from './sets/inventory-adjustment-947.js';
import { inventoryAdvice846 } from './sets/inventory-advice-846.js';
import type { SetMapping } from './sets/mapping-types.js';
import { purchaseOrderAck855 } from './sets/purchase-order-ack-855.js';
import { purchaseOrder850 } from './sets/purchase-order-850.js';
import { returnAuthorization180 } from './sets/return-authorization-180.js';
import { shipNotice856 } from './sets/ship-notice-856.js';
import { stockTransferReceipt944 } from './sets/stock-transfer-receipt-944.js';
import { stockTransferShipment943 } from './sets/stock-transfer-shipment-943.js';
import { warehouseShippingAdvice945 } from './sets/warehouse-shipping-advice-945.js';
import { warehouseShippingOrder940 } from './sets/warehouse-shipping-order-940.js';
import type { X12SegmentData } from './types.js';

type AnyMapping = { [T in CanonicalMessageType]: SetMapping<T> }[CanonicalMessageType];

const MAPPINGS: readonly AnyMapping[] = [
  inventoryAdvice846,
  shipNotice856,
  purchaseOrder850,
  purchaseOrderAck855,
  warehouseShippingOrder940,
  warehouseShippingAdvice945,
  stockTransferShipment943,
  stockTransferReceipt944,
  inventoryAdjustment947,
  returnAuthorization180,
];

/** The mapping of a transaction set id, if it has one. */
export function mappingFor(setId: string): AnyMapping | undefined {
  return MAPPINGS.find((candidate) => candidate.setId === setId);
}

/** Transaction set ids with a canonical mapping. */
export const MAPPED_SET_IDS: readonly string[] = MAPPINGS.map((mapping) => mapping.setId);

/** GS01 functional identifier code per transaction set (997 is FA). */
export const FUNCTIONAL_IDS: Readonly<Record<string, string>> = {
  ...Object.fromEntries(MAPPINGS.map((mapping) => [mapping.setId, mapping.functionalId])),
  '810': 'IN',
  '865': 'CA',
  '997': 'FA',
};

export interface CanonicalResult {
  messages: CanonicalMessage[];
  issues: X12Issue[];
}

/** Maps one transaction set to canonical messages. Never throws on content. */
export function toCanonical(set: MappableSet): CanonicalResult {
  const mapping = mappingFor(set.id);
  if (!mapping) {
    return {
      messages: [],
      issues: [
        issue(
          'X12_SET_NOT_MAPPED',
          'info',
          `transaction set ${set.id} (${set.controlNumber}) has no canonical mapping`,
        ),
      ],
    };
  }
  const ctx = new MapContext(set);
  const messages: CanonicalMessage[] = [];
  for (const draft of mapping.read(ctx)) {
    const parsed = canonicalMessageSchema.safeParse(draft);
    if (parsed.success) messages.push(parsed.data);
    else {
      const detail = parsed.error.issues
        .map((problem) => `${problem.path.join('.')}: ${problem.message}`)
        .join('; ');
      ctx.issues.push(
        issue(
          'X12_MAPPING_SCHEMA',
          'error',
          `${set.id} ${set.controlNumber}: message fails the ${mapping.messageType} schema: ${detail}`,
        ),
      );
    }
  }
  return { messages, issues: ctx.issues };
}

export interface FromCanonicalOptions {
  /** ST02, 4 to 9 characters. */
  controlNumber: string;
}

/** A transaction set ready for `writeX12` (inside a group of `functionalId`). */
export interface X12SetInput {
  id: string;
  controlNumber: string;
  segments: readonly X12SegmentData[];
}

/** Turns a canonical message into a transaction set, or undefined for types X12 does not carry. */
export function fromCanonical(
  message: CanonicalMessage,
  options: FromCanonicalOptions,
): (X12SetInput & { functionalId: string }) | undefined {
  const mapping = MAPPINGS.find((candidate) => candidate.messageType === message.type);
  if (!mapping) return undefined;
  const segments = (mapping.write as (value: MessageOf<typeof message.type>) => X12SegmentData[])(message);
  return {
    id: mapping.setId,
    functionalId: mapping.functionalId,
    controlNumber: options.controlNumber,
    segments,
  };
}
