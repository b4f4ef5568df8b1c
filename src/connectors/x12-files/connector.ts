import { constants } from 'node:fs';
import { access, mkdir } from 'node:fs/promises';
import { z } from 'zod';
import type { ConnectorDeclaration } from '../declaration.js';

const config = z
  .object({
    inbox: z.string().min(1).describe('folder the partner drops X12 files into'),
    outbox: z.string().min(1).optional().describe('folder the hub writes files for the partner into'),
    strictEnvelope: z.boolean().default(true),
  })
  .strict();
const secrets = z.object({}).strict();

export async function writableFolder(path: string): Promise<string | null> {
  try {
    await mkdir(path, { recursive: true });
    await access(path, constants.R_OK | constants.W_OK);
    return null;
  } catch (error) {
    return `${path}: ${(error as { code?: string }).code ?? (error as Error).message}`;
  }
}

/** A 3PL or warehouse exchanging ASC X12 files through drop folders (846, 944, 945, 947 …). */
export const x12FilesConnector: ConnectorDeclaration<typeof config, typeof secrets> = {
  id: 'x12-files',
  version: '1.0.0',
  name: 'ASC X12 through drop folders (3PL / warehouse)',
  transport: 'file',
  format: 'x12',
  configSchema: config,
  secretsSchema: secrets,
  reads: [
    {
      messageType: 'stock.transfer_receipt',
      description:
        '944 warehouse stock transfer receipt: what was put away, received once per receipt line (damaged units as defective)',
      defaultMapping:
        '{"command": "warehouse.putaway", "input": {"receiptRef": transferId, "locationCode": parties[role="warehouse"][0].id, "lines": [lines.{"lineRef": lineNumber, "partNumber": item.partNumber, "quantity": quantity, "damagedQuantity": damagedQuantity, "uom": uom, "lot": lot}]}}',
    },
    {
      messageType: 'warehouse.shipping_advice',
      description:
        '945 warehouse shipping advice: what shipped against the order (the 940’s depositor order number), issued from its reservations; short lines stay reserved',
      defaultMapping:
        '{"command": "warehouse.shipment", "input": {"orderRef": orderId, "shipmentRef": shipmentId, "locationCode": parties[role="warehouse"][0].id, "shipDate": shipDate, "lines": [lines.{"lineRef": lineNumber, "partNumber": item.partNumber, "quantity": quantity, "orderedQuantity": orderedQuantity, "uom": uom, "status": status}]}}',
    },
    {
      messageType: 'purchase.order.ack',
      description:
        '855 purchase order acknowledgment from a supplier: each line answers the hub’s requisition (the PO number, or the line’s own number when it names one), accepted or backordered with the date it will ship; the date goes to the FSM',
      defaultMapping:
        'lines.{"command": "requisition.acknowledge", "input": $merge([{"requisitionId": $substring(lineNumber, 0, 4) = "req_" ? lineNumber : $$.poNumber, "status": status = "backordered" ? "backordered" : status = "rejected" ? "rejected" : "accepted", "erpRef": $$.poNumber}, expectedDate ? {"expectedAt": expectedDate & "T00:00:00.000Z"} : {}])}',
    },
    {
      messageType: 'inventory.advice',
      description: '846 inventory advice: the warehouse’s on-hand, counted into the hub',
      defaultMapping:
        '{"command": "stock.count", "input": {"locationCode": parties[role="warehouse"][0].id, "reasonCode": "CYCLE_COUNT", "lines": [lines[quantityKind="on_hand"].{"partNumber": item.partNumber, "quantity": quantity, "uom": uom}]}}',
    },
    {
      messageType: 'inventory.adjustment',
      description: '947 inventory adjustment advice',
      defaultMapping:
        'lines.{"command": "stock.adjust", "input": {"partNumber": item.partNumber, "locationCode": $$.parties[role="warehouse"][0].id, "quantity": quantity, "uom": uom, "reasonCode": reasonCode, "reference": "947 " & $$.adjustmentId}}',
    },
  ],
  writes: [
    {
      messageType: 'inventory.stock_reserved',
      description:
        'a reservation at the 3PL’s warehouse becomes a 940 warehouse shipping order: pick and ship it',
      defaultMapping:
        '{"type": "warehouse.shipping_order", "orderId": payload.reservation.id, "parties": [{"role": "warehouse", "id": payload.reservation.locationCode}], "lines": [{"lineNumber": "1", "item": {"partNumber": payload.reservation.partNumber}, "quantity": payload.reservation.quantity, "uom": payload.uom}]}',
    },
  ],
  flowSettings(cfg, direction) {
    if (direction === 'inbound')
      return { ok: true, options: { directory: cfg.inbox, strictEnvelope: cfg.strictEnvelope } };
    return cfg.outbox
      ? { ok: true, options: { directory: cfg.outbox } }
      : { ok: false, problem: 'an outbound flow through x12-files needs config.outbox' };
  },
  async testConnection(cfg) {
    const problems = [
      await writableFolder(cfg.inbox),
      cfg.outbox ? await writableFolder(cfg.outbox) : null,
    ].filter(Boolean);
    return problems.length === 0
      ? { ok: true, detail: `folders ready: ${[cfg.inbox, cfg.outbox].filter(Boolean).join(', ')}` }
      : { ok: false, detail: problems.join('; ') };
  },
};
