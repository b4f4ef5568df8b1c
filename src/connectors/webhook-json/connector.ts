import { z } from 'zod';
import type { ConnectorDeclaration } from '../declaration.js';

const config = z.object({ url: z.url().optional().describe('where outbound events are POSTed') }).strict();
const secrets = z
  .object({ webhookSecret: z.string().min(16).describe('Standard Webhooks secret (whsec_…)') })
  .strict();

/** Any system that speaks JSON over signed webhooks (many FSM and e-commerce platforms). */
export const webhookJsonConnector: ConnectorDeclaration<typeof config, typeof secrets> = {
  id: 'webhook-json',
  version: '1.0.0',
  name: 'JSON over Standard Webhooks',
  transport: 'http',
  format: 'json',
  configSchema: config,
  secretsSchema: secrets,
  reads: [
    {
      messageType: 'work_order.parts_used',
      description: 'parts a technician used on a job, as the FSM reports them',
      defaultMapping:
        '[parts.{"command": "stock.adjust", "input": {"partNumber": partNumber, "locationCode": $$.vanCode, "quantity": -quantity, "reasonCode": "UNRECORDED_CONSUMPTION", "reference": "WO " & $$.workOrder}}]',
    },
    {
      messageType: 'warehouse.putaway',
      description:
        'a WMS put-away confirmation: {receiptId, warehouse, lines: [{line, partNumber, quantity, damaged?, uom?, lot?, serials?}]}',
      defaultMapping:
        '{"command": "warehouse.putaway", "input": {"receiptRef": receiptId, "locationCode": warehouse, "lines": [lines.{"lineRef": line, "partNumber": partNumber, "locationCode": locationCode, "quantity": quantity, "damagedQuantity": damaged, "uom": uom, "lot": lot, "serials": serials}]}}',
    },
    {
      messageType: 'warehouse.shipment',
      description:
        'a WMS pick/ship confirmation: {orderId, shipmentId, warehouse, lines: [{line, partNumber, shipped, ordered?, uom?, status?: shipped|partial|cancelled, serials?}]}',
      defaultMapping:
        '{"command": "warehouse.shipment", "input": {"orderRef": orderId, "shipmentRef": shipmentId, "locationCode": warehouse, "shipDate": shipDate, "lines": [lines.{"lineRef": line, "partNumber": partNumber, "quantity": shipped, "orderedQuantity": ordered, "uom": uom, "status": status, "lot": lot, "serials": serials}]}}',
    },
    {
      messageType: 'item.master',
      description: 'a part as the system masters it',
      defaultMapping:
        '{"command": "part.upsert", "input": {"partNumber": partNumber, "description": description, "baseUom": baseUom, "source": "FSM"}}',
    },
  ],
  writes: [
    {
      messageType: 'inventory.stock_moved',
      description: 'every stock movement, for systems that mirror stock',
      defaultMapping: '{"key": key, "movement": payload.movementId, "lines": payload.lines}',
    },
  ],
  flowSettings(cfg, direction) {
    if (direction === 'inbound') return { ok: true, options: {} };
    return cfg.url
      ? { ok: true, options: { url: cfg.url } }
      : { ok: false, problem: 'an outbound flow through webhook-json needs config.url' };
  },
  webhookSecrets: (secrets) => [secrets.webhookSecret],
  async testConnection(cfg) {
    if (!cfg.url) return { ok: true, detail: 'inbound only: nothing to reach' };
    try {
      const res = await fetch(cfg.url, { method: 'HEAD', signal: AbortSignal.timeout(5000) });
      return { ok: res.status < 500, detail: `${cfg.url} answered ${res.status}` };
    } catch (error) {
      const e = error as { cause?: { code?: string }; message?: string };
      return { ok: false, detail: `${cfg.url}: ${e.cause?.code ?? e.message ?? 'unreachable'}` };
    }
  },
};
