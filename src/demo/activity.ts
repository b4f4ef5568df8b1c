/**
 * The demo company's last two weeks, so the dashboard has something to show on first start:
 * OEM cross-references and costs, an engineering change, change requests waiting for a
 * steward, work orders sourced day by day, demand history to forecast, and integration traffic
 * from the FSM and ERP including one dead letter. Everything goes through the HTTP API, as a
 * connected system would send it; only the work orders of past days are written with a clock
 * set to their day, because the API stamps what it receives with the time it receives it.
 */
import type { FastifyInstance } from 'fastify';
import { fixedClock } from '../platform/clock.js';
import type { Random } from '../platform/random.js';
import { runWork } from '../kernel/index.js';
import { receiveWorkOrder } from '../modules/fulfillment/index.js';
import type { Hub } from '../main.js';

const DAY_MS = 86_400_000;
const HISTORY_DAYS = 14;
const DEMAND_MONTHS = 24;

export interface DemoPart {
  partNumber: string;
  price: number;
  tracking: string;
  baseUom: string;
}

export interface ActivitySummary {
  oemNumbers: number;
  workOrders: number;
  messages: number;
  demandRows: number;
}

type Call = (method: 'GET' | 'POST' | 'PATCH', url: string, body?: unknown, raw?: string) => Promise<unknown>;

function caller(app: FastifyInstance, key: string): Call {
  return async (method, url, body, raw) => {
    const res = await app.inject({
      method,
      url,
      headers: {
        authorization: `Bearer ${key}`,
        ...(raw !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      ...(raw !== undefined ? { payload: raw } : body !== undefined ? { payload: body as object } : {}),
    });
    // The dead letter is meant to fail inside the hub, not here: its POST is still accepted.
    if (res.statusCode >= 300)
      throw new Error(`demo: ${method} ${url} answered ${res.statusCode}: ${res.body}`);
    return res.json();
  };
}

/** An OEM number as Acme prints it: the part's digits in another order, with its prefix. */
export const demoOemNumber = (partNumber: string) => `ACM-${partNumber.slice(-4)}-${partNumber.slice(3, 5)}`;

export async function seedActivity(
  hub: Hub,
  adminKey: string,
  rnd: Random,
  parts: DemoPart[],
  vans: string[],
): Promise<ActivitySummary> {
  const call = caller(hub.app, adminKey);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(rnd.next() * items.length)] as T;

  // Master data: Acme's numbers for the first 300 parts, ERP costs, an engineering change.
  await call('POST', '/api/v1/numbering-schemes', {
    code: 'OEM-ACME',
    kind: 'oem',
    issuer: 'Acme Medical',
    description: 'Acme Medical service catalogue',
    rules: { case: 'upper', stripCharacters: ' -.', stripLeadingZeros: false, removePrefixes: [] },
  });
  const catalogued = parts.slice(0, 300);
  for (const p of catalogued)
    await call('POST', `/api/v1/parts/${p.partNumber}/xrefs`, {
      scheme: 'OEM-ACME',
      number: demoOemNumber(p.partNumber),
    });
  for (const p of parts.slice(0, 400))
    await call('PATCH', `/api/v1/parts/${p.partNumber}`, { source: 'ERP', attributes: { cost: p.price } });
  const now = Date.now();
  await call('POST', '/api/v1/parts/SP-100020/supersessions', {
    successor: 'SP-100040',
    type: 'one_way',
    effectiveFrom: new Date(now - 60 * DAY_MS).toISOString(),
    reason: 'ECN-2291: new seal material',
  });
  await call('POST', '/api/v1/parts/SP-100040/supersessions', {
    successor: 'SP-100060',
    type: 'two_way',
    effectiveFrom: new Date(now - 10 * DAY_MS).toISOString(),
    reason: 'ECN-2307: supplier change, same form, fit and function',
  });
  await call('POST', '/api/v1/change-requests', {
    partNumber: 'SP-100003',
    changes: { description: 'Display assembly 15" for MX-350 (rev C)' },
    reason: 'FSM reports revision C installed in the field',
  });
  await call('POST', '/api/v1/change-requests', {
    partNumber: 'SP-100007',
    changes: { criticality: 'A' },
    reason: 'Sensor failure stops the machine: critical',
  });

  // Work orders of the last two weeks, sourced as they arrived on their day.
  const ctx = hub.systemCtx();
  const fastMovers = parts.filter((p) => p.tracking === 'none' && p.baseUom === 'EA').slice(0, 200);
  const models = ['MX-200', 'MX-350', 'CT-9', 'VentaPro 4', 'AeroLab 2'];
  let workOrders = 0;
  for (let d = HISTORY_DAYS - 1; d >= 1; d--) {
    const perDay = 4 + Math.floor(rnd.next() * 5);
    for (let k = 0; k < perDay; k++) {
      const at = new Date(now - d * DAY_MS + (8 + k) * 3_600_000);
      const van = pick(vans);
      const region = van.startsWith('VAN-N') ? 'NORTH' : 'SOUTH';
      const lineCount = 1 + Math.floor(rnd.next() * 3);
      const lines = Array.from({ length: lineCount }, (_, i) => ({
        lineId: String(i + 1),
        // Mostly fast movers a van or an FSL holds; now and then a slow part that must move or be bought.
        partNumber: (rnd.next() < 0.75 ? pick(fastMovers) : pick(parts)).partNumber,
        quantity: 1 + Math.floor(rnd.next() * 2),
      }));
      const unique = lines.filter((l, i) => lines.findIndex((o) => o.partNumber === l.partNumber) === i);
      const latencyMs = 400 + Math.floor(rnd.next() * 4000);
      await runWork(hub.store, { ...ctx, clock: fixedClock(at) }, (w) =>
        receiveWorkOrder(w, {
          externalRef: `WO-${String(70000 + workOrders)}`,
          technicianVan: van,
          jobRegion: region,
          equipmentModel: pick(models),
          priority: 10 + Math.floor(rnd.next() * 80),
          dueAt: new Date(at.getTime() + (1 + Math.floor(rnd.next() * 3)) * DAY_MS).toISOString(),
          createdAt: new Date(at.getTime() - latencyMs).toISOString(),
          lines: unique,
        }),
      );
      workOrders++;
    }
  }

  // Demand history for the fast movers at the north warehouse and an FSL: intermittent, as spare parts are.
  const rows: Array<{ partNumber: string; locationCode: string; period: string; quantity: number }> = [];
  const thisMonth = new Date(now);
  for (const p of fastMovers.slice(0, 40)) {
    const rate = 0.2 + rnd.next() * 1.5;
    for (const locationCode of ['WH-NORTH', 'FSL-N1']) {
      for (let m = DEMAND_MONTHS; m >= 1; m--) {
        const month = new Date(Date.UTC(thisMonth.getUTCFullYear(), thisMonth.getUTCMonth() - m, 1));
        const occurs = rnd.next() < Math.min(0.9, rate / 2);
        const quantity = occurs ? 1 + Math.floor(rnd.next() * rate * 3) : 0;
        rows.push({
          partNumber: p.partNumber,
          locationCode,
          period: month.toISOString().slice(0, 7),
          quantity,
        });
      }
    }
  }
  await call('POST', '/api/v1/planning/demand-history', { granularity: 'month', source: 'ERP', rows });

  // Integration: the FSM sends work orders over a webhook flow, the ERP part master updates.
  await call('POST', '/api/v1/integration/systems', {
    code: 'FSM',
    kind: 'fsm',
    name: 'Field service management',
    ownerTeam: 'Service operations IT',
    escalation: [{ name: 'FSM on call', contact: 'fsm-oncall@demo.example' }],
  });
  await call('POST', '/api/v1/integration/systems', {
    code: 'ERP',
    kind: 'erp',
    name: 'SAP S/4HANA',
    ownerTeam: 'ERP competence centre',
    escalation: [{ name: 'ERP on call', contact: 'erp-oncall@demo.example' }],
  });
  const woMapping = (await call('POST', '/api/v1/integration/mappings', {
    code: 'fsm-work-order',
    description: 'FSM work order → work_order.receive',
    expression:
      '{"command": "work_order.receive", "input": {"externalRef": number, "technicianVan": van, "jobRegion": region, "priority": priority, "dueAt": dueAt, "createdAt": created, "lines": [items.{"lineId": $string(line), "partNumber": part, "quantity": qty}]}}',
  })) as { version: number };
  await call('POST', '/api/v1/integration/flows', {
    code: 'fsm-work-orders',
    systemCode: 'FSM',
    entity: 'work_order',
    direction: 'inbound',
    format: 'json',
    transport: 'http',
    mappingCode: 'fsm-work-order',
    mappingVersion: woMapping.version,
  });
  const partMapping = (await call('POST', '/api/v1/integration/mappings', {
    code: 'erp-material',
    description: 'ERP material master → part.upsert',
    expression:
      '{"command": "part.upsert", "input": {"partNumber": material, "description": text, "baseUom": unit, "source": "ERP"}}',
  })) as { version: number };
  await call('POST', '/api/v1/integration/flows', {
    code: 'erp-materials',
    systemCode: 'ERP',
    entity: 'part',
    direction: 'inbound',
    format: 'json',
    transport: 'http',
    mappingCode: 'erp-material',
    mappingVersion: partMapping.version,
  });
  let messages = 0;
  for (let k = 0; k < 6; k++) {
    const van = pick(vans);
    await call(
      'POST',
      '/api/v1/integration/flows/fsm-work-orders/messages',
      undefined,
      JSON.stringify({
        number: `WO-${String(80000 + k)}`,
        van,
        region: van.startsWith('VAN-N') ? 'NORTH' : 'SOUTH',
        priority: 40,
        dueAt: new Date(now + 2 * DAY_MS).toISOString(),
        created: new Date(now - 1500 - k * 700).toISOString(),
        items: [{ line: 1, part: pick(fastMovers).partNumber, qty: 1 }],
      }),
    );
    messages++;
  }
  await call(
    'POST',
    '/api/v1/integration/flows/erp-materials/messages',
    undefined,
    JSON.stringify({ material: 'SP-109001', text: 'Filter cartridge HEPA for Sterilo 60', unit: 'EA' }),
  );
  // A work order for a part the hub does not know: kept as a dead letter for someone to fix and retry.
  await call(
    'POST',
    '/api/v1/integration/flows/fsm-work-orders/messages',
    undefined,
    JSON.stringify({
      number: 'WO-80099',
      van: 'VAN-N1-01',
      region: 'NORTH',
      priority: 90,
      // Due within hours: the error log ranks the blocked job first.
      dueAt: new Date(now + 6 * 3_600_000).toISOString(),
      created: new Date(now - 900).toISOString(),
      items: [{ line: 1, part: 'ACME-4471-X', qty: 1 }],
    }),
  );
  messages += 2;
  return { oemNumbers: catalogued.length, workOrders, messages, demandRows: rows.length };
}
