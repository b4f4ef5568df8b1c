/**
 * A day of field service against a running hub (issue 5's end-to-end scenario): the company's
 * network and parts are set up through the API, then a simulated FSM sends the day's work
 * orders over signed webhooks, a supervisor works the approval queue, the simulated ERP
 * answers every requisition it receives (transfers accepted, purchases backordered with a
 * date) through its own webhook flow, the simulated WMS confirms shipments (some partial)
 * as X12 945 files, and the FSM completes the jobs whose parts are at hand and hears every
 * expected date back. The result says, for every line of every work order, whether its parts
 * were issued, are reserved, or are backordered with a date — or not, and why.
 */
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect, headers as natsHeaders, type NatsConnection } from '@nats-io/transport-node';
import type { Random } from '../platform/random.js';
import {
  hubApi,
  inParallel,
  newWebhookSecret,
  sendWebhook,
  webhookReceiver,
  type Api,
  type Endpoint,
} from './plumbing.js';

export interface FieldDayOptions {
  hub: string;
  /** An admin key: the scenario sets the company up and works the approval queue. */
  key: string;
  tenant: string;
  workOrders: number;
  random: Random;
  /** Prefix making this run's codes unique, so a day can run again against the same hub. */
  runId: string;
  concurrency?: number;
  /** NATS server the simulated WMS publishes its shipment confirmations to. */
  nats: string;
  log?: (line: string) => void;
}

export type LineOutcome = 'issued' | 'reserved' | 'backordered' | 'cancelled';

export interface FieldDaySummary {
  workOrders: number;
  byStatus: Record<string, number>;
  lines: Record<LineOutcome, number>;
  /** Lines that are none of the above, with why: the scenario's failures. */
  unresolved: string[];
  substitutions: number;
  approvals: { requested: number; approved: number; rejected: number };
  requisitions: { sentToErp: number; acknowledged: number; backorderedWithDate: number };
  /** Expected-availability messages the FSM received. */
  fsmHeard: number;
  completed: number;
  partialShipments: number;
  kitLines: number;
}

interface Network {
  regions: Array<{ code: string; vans: string[]; fsl: string; warehouse: string }>;
  dc: string;
  parts: string[];
  /** Old part numbers whose successor has the stock. */
  superseded: string[];
  /** Parts with a substitute valid only on model MX-200; none of them has stock. */
  withSubstitute: string[];
  /** Parts nobody has: a purchase, late. */
  stockOut: string[];
  kit: string | null;
}

interface FsmWorkOrder {
  number: string;
  van: string;
  region: string;
  priority: number;
  level: string;
  model: string;
  due: string;
  created: string;
  parts: Array<{ pos: number; sku: string; qty: number }>;
}

const FSM_WORK_ORDER_MAPPING = `{"command": "work_order.receive", "input": {"externalRef": number, "sourceSystem": "FSM",
  "technicianVan": van, "jobRegion": region, "priority": priority, "technicianLevel": level,
  "equipmentModel": model, "dueAt": due, "createdAt": created,
  "lines": [parts.{"lineId": $string(pos), "partNumber": sku, "quantity": qty}]}}`;
const FSM_COMPLETION_MAPPING = `{"command": "work_order.complete", "input": {"externalRef": number,
  "lines": [used.{"lineId": $string(pos), "usedQuantity": qty}]}}`;
// The WMS confirms a wave of shipments per message: one command per order shipped.
const WMS_SHIPMENT_MAPPING = `[wave.{"command": "warehouse.shipment", "input": {"orderRef": order, "shipmentRef": shipment,
  "locationCode": from, "lines": [lines.{"lineRef": line, "partNumber": sku, "quantity": shipped,
  "orderedQuantity": ordered, "status": shipped < ordered ? "partial" : "shipped"}]}}]`;
const ERP_ACK_MAPPING = `{"command": "requisition.acknowledge", "input": $merge([
  {"requisitionId": reqId, "status": answer, "erpRef": docNo},
  date ? {"expectedAt": date} : {}])}`;

export async function runFieldDay(options: FieldDayOptions): Promise<FieldDaySummary> {
  const log = options.log ?? (() => undefined);
  const api = hubApi(options.hub, options.key);
  const rnd = () => options.random.next();
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rnd() * list.length)] as T;
  const concurrency = options.concurrency ?? 8;
  const id = options.runId;

  const network = await setUpCompany(api, id, rnd, log);
  const secrets = {
    fsm: newWebhookSecret(),
    erpIn: newWebhookSecret(),
    erpOut: newWebhookSecret(),
    fsmOut: newWebhookSecret(),
    wmsOut: newWebhookSecret(),
  };

  // The ERP: every requisition it receives is answered through its own inbound flow.
  const requisitionsAtErp = new Map<string, { source: string; workOrder: string }>();
  const erp = await webhookReceiver('/erp/requisitions', secrets.erpOut, (message) => {
    const m = message as { requisition?: { id: string; source: string }; workOrder?: string };
    if (m.requisition && m.workOrder)
      requisitionsAtErp.set(m.requisition.id, { source: m.requisition.source, workOrder: m.workOrder });
  });
  // The FSM hears when each backordered or moving line will be there.
  const heard: Array<{ workOrder: string; lineId: string; expectedAt: string | null }> = [];
  const fsm = await webhookReceiver('/fsm/eta', secrets.fsmOut, (message) => {
    const m = message as { workOrder: string; lineId: string; expectedAt: string | null };
    heard.push({ workOrder: m.workOrder, lineId: m.lineId, expectedAt: m.expectedAt });
  });
  // The WMS is told what to ship from its stock, and confirms over NATS JetStream.
  const toShip = new Map<
    string,
    { workOrder: string; lineId: string; partNumber: string; quantity: number; from: string }
  >();
  const cancelledAtWms = new Set<string>();
  const wms = await webhookReceiver('/wms/orders', secrets.wmsOut, (message) => {
    const m = message as {
      workOrder: string;
      requisition: {
        id: string;
        lineId: string;
        partNumber: string;
        quantity: number;
        fromLocation: string | null;
        status: string;
      };
    };
    // A requisition withdrawn (its stock went to a more urgent job) is not shipped.
    if (m.requisition.status === 'cancelled') cancelledAtWms.add(m.requisition.id);
    else if (m.requisition.fromLocation)
      toShip.set(m.requisition.id, {
        workOrder: m.workOrder,
        lineId: m.requisition.lineId,
        partNumber: m.requisition.partNumber,
        quantity: m.requisition.quantity,
        from: m.requisition.fromLocation,
      });
  });
  const endpoints: Endpoint[] = [erp, fsm, wms];
  let nats: NatsConnection | null = null;
  try {
    nats = await connect({ servers: options.nats, timeout: 5000, maxReconnectAttempts: 0 });
    const stream = `SIM_DAY_${id.replace(/[^A-Za-z0-9]/g, '_')}`;
    const subject = `sim.day.${id.replace(/[^A-Za-z0-9]/g, '_')}.shipments`;
    await (await jetstreamManager(nats)).streams.add({ name: stream, subjects: [subject] });
    await registerFlows(api, id, secrets, { erp: erp.url, fsm: fsm.url, wms: wms.url }, { stream, subject });

    // Morning: the FSM sends the day's jobs.
    const jobs = planDay(network, options.workOrders, id, rnd, pick);
    let applied = 0;
    await inParallel(jobs, concurrency, async (job) => {
      const answer = await sendWebhook(options.hub, options.tenant, `${id}-fsm-wo`, secrets.fsm, job);
      if (answer.status !== 'applied')
        throw new Error(
          `work order ${job.number} was not applied: ${answer.status} ${JSON.stringify(answer.body)}`,
        );
      applied += 1;
      if (applied % 50 === 0) log(`FSM  → ${applied}/${jobs.length} work orders applied`);
    });
    log(`FSM  → ${jobs.length} work orders sent over signed webhooks, all applied`);

    // A supervisor works the approval queue: approves all but the priciest.
    const approvals = { requested: 0, approved: 0, rejected: 0 };
    const pending = (await api('GET', '/api/v1/approvals?state=pending&limit=500')).items as Array<{
      workOrder: string;
      value: number | null;
    }>;
    approvals.requested = pending.length;
    const priciest = [...pending].sort((a, b) => (b.value ?? 0) - (a.value ?? 0))[0]?.workOrder;
    await inParallel(pending, concurrency, async (p) => {
      const reject = p.workOrder === priciest && pending.length > 1;
      await api('POST', `/api/v1/work-orders/${encodeURIComponent(p.workOrder)}/approval`, {
        decision: reject ? 'reject' : 'approve',
        reason: reject ? 'too expensive for this job: repair instead' : 'checked against the contract',
      });
      if (reject) approvals.rejected += 1;
      else approvals.approved += 1;
    });
    log(`SUP  → ${approvals.approved} approved, ${approvals.rejected} rejected`);

    // The ERP answers what it received: transfers accepted, purchases backordered with a date.
    const sent = await requisitionsSent(api, id);
    await waitFor(
      () => sent.every((r) => requisitionsAtErp.has(r)),
      60_000,
      () =>
        `the ERP received ${sent.filter((r) => requisitionsAtErp.has(r)).length} of ${sent.length} requisitions`,
    );
    let docNo = 0;
    await inParallel([...requisitionsAtErp.entries()], concurrency, async ([reqId, r]) => {
      docNo += 1;
      const purchase = r.source === 'purchase' || r.source === 'backorder';
      const days = 7 + Math.floor(rnd() * 14);
      const answer = await sendWebhook(options.hub, options.tenant, `${id}-erp-ack`, secrets.erpIn, {
        reqId,
        answer: purchase ? 'backordered' : 'accepted',
        docNo: `${purchase ? 'PO' : 'STO'}-${id}-${docNo}`,
        date: purchase ? new Date(Date.now() + days * 86_400_000).toISOString() : null,
      });
      if (answer.status !== 'applied' && answer.status !== 'REQUISITION_NOT_SENT')
        throw new Error(`ERP answer to ${reqId}: ${answer.status}`);
    });
    log(`ERP  → answered ${requisitionsAtErp.size} requisitions`);

    // The WMS ships what it was asked to; some lines go short.
    let partialShipments = 0;
    const js = jetstream(nats);
    // Kits are picked by serial tomorrow: today they stay reserved at the warehouse.
    const toldWms =
      (await eventCount(api, 'fulfillment.requisition_raised', `${id}-`)) +
      (await eventCount(api, 'fulfillment.requisition_cancelled', `${id}-`));
    await waitFor(
      () => wms.received.size >= toldWms,
      60_000,
      () => `the WMS received ${wms.received.size} of ${toldWms} orders and withdrawals`,
    );
    const shipments = [...toShip.entries()].filter(
      ([reqId, order]) =>
        requisitionsAtErp.has(reqId) && !cancelledAtWms.has(reqId) && order.partNumber !== network.kit,
    );
    const waves: unknown[][] = [];
    for (const [i, [reqId, order]] of shipments.entries()) {
      const short = order.quantity >= 2 && rnd() < 0.3;
      if (short) partialShipments += 1;
      const shipped = short ? order.quantity - 1 : order.quantity;
      if (i % 25 === 0) waves.push([]);
      waves[waves.length - 1]!.push({
        order: order.workOrder,
        shipment: `SH-${reqId}`,
        from: order.from,
        lines: [{ line: order.lineId, sku: order.partNumber, shipped, ordered: order.quantity }],
      });
    }
    for (const [i, wave] of waves.entries()) {
      const h = natsHeaders();
      h.set('Nats-Msg-Id', `${id}-wave-${i}`);
      await js.publish(subject, JSON.stringify({ wave }), { headers: h });
    }
    await waitFor(
      async () => (await appliedCount(api, `${id}-wms-ship`)) >= waves.length,
      120_000,
      async () =>
        `the hub applied ${await appliedCount(api, `${id}-wms-ship`)} of ${waves.length} shipment waves`,
    );
    log(`WMS  → ${shipments.length} shipments confirmed over NATS, ${partialShipments} of them short`);

    // Afternoon: jobs whose parts are all at hand are done; some used less than planned.
    // Ready: every line's parts are on the van or arrived from the warehouse.
    const atHand = (w: WorkOrderView, line: WorkOrderView['plan'][number]) =>
      line.allocations.filter((a) => a.source === 'van').reduce((sum, a) => sum + a.quantity, 0) +
      w.requisitions
        .filter((r) => r.lineId === line.lineId && r.status === 'shipped')
        .reduce((sum, r) => sum + r.quantity, 0);
    const ready = (await workOrdersOfRun(api, id)).filter(
      (w) =>
        w.status === 'sourced' &&
        w.plan.every((l) => atHand(w, l) >= l.quantity && l.partNumber !== network.kit),
    );
    const toComplete = ready.slice(0, Math.ceil(ready.length * 0.6));
    await inParallel(toComplete, concurrency, async (w) => {
      const used = w.plan.map((l) => ({
        pos: Number(l.lineId),
        qty: rnd() < 0.2 ? Math.max(0, l.quantity - 1) : l.quantity,
      }));
      const answer = await sendWebhook(options.hub, options.tenant, `${id}-fsm-done`, secrets.fsm, {
        number: w.externalRef,
        used,
      });
      if (answer.status !== 'applied') throw new Error(`completion of ${w.externalRef}: ${answer.status}`);
    });
    log(`FSM  → completed ${toComplete.length} jobs with the parts actually used`);

    const summary = await settle(api, id, network.kit, approvals, requisitionsAtErp.size);
    summary.partialShipments = partialShipments;
    // The FSM must hear every expected date and shipment the hub sent it.
    const pushed = await eventCount(api, 'fulfillment.expected_availability', `${id}-`);
    await waitFor(
      () => heard.length >= pushed,
      60_000,
      () => `the FSM heard ${heard.length} of ${pushed} expected-availability messages`,
    );
    summary.fsmHeard = heard.length;
    return summary;
  } finally {
    await nats?.close();
    for (const endpoint of endpoints) await endpoint.close();
  }
}

async function setUpCompany(
  api: Api,
  id: string,
  rnd: () => number,
  log: (line: string) => void,
): Promise<Network> {
  const regions = ['N', 'S'].map((r) => ({
    code: `${id}-${r}`,
    vans: [1, 2, 3, 4].map((v) => `${id}-VAN-${r}${v}`),
    fsl: `${id}-FSL-${r}`,
    warehouse: `${id}-RW-${r}`,
  }));
  const dc = `${id}-DC`;
  const locations = [
    { code: dc, name: 'Central DC', type: 'central_dc', region: `${id}-C` },
    ...regions.flatMap((r) => [
      { code: r.fsl, name: `FSL ${r.code}`, type: 'forward_stocking_location', region: r.code },
      { code: r.warehouse, name: `Warehouse ${r.code}`, type: 'regional_warehouse', region: r.code },
      ...r.vans.map((v) => ({ code: v, name: `Van ${v}`, type: 'technician_van', region: r.code })),
    ]),
  ];
  for (const location of locations) await api('POST', '/api/v1/locations', location);

  const part = (n: number) => `${id}-P${String(n).padStart(3, '0')}`;
  const parts = Array.from({ length: 30 }, (_, i) => part(i + 1));
  const oldParts = [1, 2, 3].map((i) => `${id}-OLD${i}`);
  const needSub = [1, 2].map((i) => `${id}-NS${i}`);
  const subs = [1, 2].map((i) => `${id}-SUB${i}`);
  const stockOut = [1, 2, 3].map((i) => `${id}-OUT${i}`);
  const all = [...parts, ...oldParts, ...needSub, ...subs, ...stockOut];
  for (const p of all)
    await api('POST', '/api/v1/parts', { partNumber: p, description: `Spare ${p}`, baseUom: 'EA' });
  // Costs come from the ERP: a few parts are dear enough to need a supervisor or a manager.
  for (const [i, p] of all.entries())
    await api('PATCH', `/api/v1/parts/${p}`, {
      source: 'ERP',
      attributes: { cost: i % 10 === 0 ? 1200 : i % 7 === 0 ? 400 : 15 + (i % 5) * 20 },
    });
  for (const [i, old] of oldParts.entries())
    await api('POST', `/api/v1/parts/${old}/supersessions`, {
      successor: parts[i],
      type: 'one_way',
      effectiveFrom: new Date(Date.now() - 30 * 86_400_000).toISOString(),
      reason: `ECN-${id}-${i + 1}`,
    });
  for (const [i, p] of needSub.entries())
    await api('POST', `/api/v1/parts/${p}/substitutes`, {
      substitute: subs[i],
      models: ['MX-200'],
      preference: 1,
      note: 'same footprint on MX-200',
    });

  const receipts: Array<{ partNumber: string; locationCode: string; quantity: number }> = [];
  for (const p of [...parts, ...subs]) {
    receipts.push({ partNumber: p, locationCode: dc, quantity: 200 });
    for (const r of regions) {
      receipts.push({ partNumber: p, locationCode: r.warehouse, quantity: 20 + Math.floor(rnd() * 20) });
      if (rnd() < 0.7)
        receipts.push({ partNumber: p, locationCode: r.fsl, quantity: 2 + Math.floor(rnd() * 6) });
      for (const v of r.vans)
        if (rnd() < 0.35)
          receipts.push({ partNumber: p, locationCode: v, quantity: 1 + Math.floor(rnd() * 3) });
    }
  }
  for (const receipt of receipts)
    await api('POST', '/api/v1/stock/movements', { type: 'receipt', ...receipt, reference: `opening ${id}` });

  // A service kit, built at each region's warehouse before the day: one unit of a serial-tracked kit part.
  const kit = `${id}-KIT`;
  await api('POST', '/api/v1/parts', {
    partNumber: kit,
    description: 'Pump service kit',
    baseUom: 'EA',
    tracking: 'serial',
  });
  await api('PUT', `/api/v1/kits/${kit}`, {
    components: [
      { partNumber: parts[4], quantity: 2 },
      { partNumber: parts[5], quantity: 1 },
      { partNumber: parts[6], quantity: 1 },
    ],
    reason: 'pump service standard',
  });
  for (const r of regions)
    for (let k = 1; k <= 3; k++)
      await api('POST', `/api/v1/kits/${kit}/build`, {
        locationCode: r.warehouse,
        serial: `${kit}-${r.code}-${k}`,
        reference: `kitting ${id}`,
      });
  log(
    `HUB  ← ${locations.length} locations, ${all.length + 1} parts, ${receipts.length} opening receipts, 6 kits built`,
  );
  return { regions, dc, parts, superseded: oldParts, withSubstitute: needSub, stockOut, kit };
}

async function registerFlows(
  api: Api,
  id: string,
  secrets: { fsm: string; erpIn: string; erpOut: string; fsmOut: string; wmsOut: string },
  urls: { erp: string; fsm: string; wms: string },
  nats: { stream: string; subject: string },
): Promise<void> {
  for (const [code, kind, name] of [
    [`${id}-FSM`, 'fsm', 'Field service (simulated)'],
    [`${id}-ERP`, 'erp', 'ERP (simulated)'],
    [`${id}-WMS`, 'wms', 'Warehouse (simulated)'],
  ] as const)
    await api('POST', '/api/v1/integration/systems', { code, kind, name, ownerTeam: 'Simulation' });
  const mapping = async (code: string, expression: string) =>
    (await api('POST', '/api/v1/integration/mappings', { code, expression })).version as number;
  const inbound = async (
    code: string,
    systemCode: string,
    entity: string,
    expression: string,
    secret: string,
  ) =>
    api('POST', '/api/v1/integration/flows', {
      code,
      systemCode,
      entity,
      direction: 'inbound',
      format: 'json',
      transport: 'http',
      mappingCode: code,
      mappingVersion: await mapping(code, expression),
      webhookSecrets: [secret],
    });
  const outbound = async (
    code: string,
    systemCode: string,
    entity: string,
    events: string[],
    url: string,
    secret: string,
  ) =>
    api('POST', '/api/v1/integration/flows', {
      code,
      systemCode,
      entity,
      direction: 'outbound',
      format: 'json',
      transport: 'http',
      mappingCode: code,
      mappingVersion: await mapping(code, 'payload'),
      webhookSecrets: [secret],
      options: { url, events },
    });
  await inbound(`${id}-fsm-wo`, `${id}-FSM`, 'work_order', FSM_WORK_ORDER_MAPPING, secrets.fsm);
  await inbound(`${id}-fsm-done`, `${id}-FSM`, 'work_order', FSM_COMPLETION_MAPPING, secrets.fsm);
  await inbound(`${id}-erp-ack`, `${id}-ERP`, 'requisition', ERP_ACK_MAPPING, secrets.erpIn);
  await outbound(
    `${id}-erp-req`,
    `${id}-ERP`,
    'requisition',
    ['fulfillment.requisition_raised'],
    urls.erp,
    secrets.erpOut,
  );
  await outbound(
    `${id}-wms-orders`,
    `${id}-WMS`,
    'requisition',
    ['fulfillment.requisition_raised', 'fulfillment.requisition_cancelled'],
    urls.wms,
    secrets.wmsOut,
  );
  await api('POST', '/api/v1/integration/flows', {
    code: `${id}-wms-ship`,
    systemCode: `${id}-WMS`,
    entity: 'shipment',
    direction: 'inbound',
    format: 'json',
    transport: 'nats',
    mappingCode: `${id}-wms-ship`,
    mappingVersion: await mapping(`${id}-wms-ship`, WMS_SHIPMENT_MAPPING),
    options: nats,
  });
  await outbound(
    `${id}-fsm-eta`,
    `${id}-FSM`,
    'work_order',
    ['fulfillment.expected_availability'],
    urls.fsm,
    secrets.fsmOut,
  );
}

/** The day's jobs: mostly ordinary, with stock-outs, superseded parts and substitutes mixed in. */
function planDay(
  network: Network,
  count: number,
  id: string,
  rnd: () => number,
  pick: <T>(list: readonly T[]) => T,
): FsmWorkOrder[] {
  const jobs: FsmWorkOrder[] = [];
  for (let n = 1; n <= count; n++) {
    const region = pick(network.regions);
    const lines: FsmWorkOrder['parts'] = [];
    const used = new Set<string>();
    const lineCount = 1 + Math.floor(rnd() * 3);
    for (let pos = 1; pos <= lineCount; pos++) {
      const roll = rnd();
      const sku =
        roll < 0.015 && network.kit
          ? network.kit
          : roll < 0.05
            ? pick(network.stockOut)
            : roll < 0.1
              ? pick(network.superseded)
              : roll < 0.15
                ? pick(network.withSubstitute)
                : pick(network.parts);
      if (used.has(sku)) continue;
      used.add(sku);
      lines.push({ pos: pos * 10, sku, qty: sku === network.kit ? 1 : 1 + Math.floor(rnd() * 2) });
    }
    const emergency = rnd() < 0.05;
    jobs.push({
      number: `${id}-WO-${String(n).padStart(4, '0')}`,
      van: pick(region.vans),
      region: region.code,
      priority: emergency ? 950 : 100 + Math.floor(rnd() * 400),
      level: rnd() < 0.3 ? 'senior' : 'junior',
      model: rnd() < 0.5 ? 'MX-200' : 'ZX-9',
      due: new Date(Date.now() + (emergency ? 6 : 24 + Math.floor(rnd() * 48)) * 3_600_000).toISOString(),
      created: new Date(Date.now() - Math.floor(rnd() * 600_000)).toISOString(),
      parts: lines,
    });
  }
  return jobs;
}

interface WorkOrderView {
  externalRef: string;
  status: string;
  plan: Array<{
    lineId: string;
    partNumber: string;
    quantity: number;
    substitution: unknown;
    allocations: Array<{ source: string; quantity: number }>;
  }>;
  requisitions: Array<{
    id: string;
    lineId: string;
    status: string;
    quantity: number;
    expectedAt: string | null;
  }>;
}

async function workOrdersOfRun(api: Api, id: string): Promise<WorkOrderView[]> {
  const out: WorkOrderView[] = [];
  for (let before = ''; ;) {
    const page = (await api('GET', `/api/v1/work-orders?limit=200${before ? `&beforeId=${before}` : ''}`))
      .items as Array<WorkOrderView & { id: string }>;
    out.push(...page.filter((w) => w.externalRef.startsWith(`${id}-`)));
    if (page.length < 200) return out;
    before = page[page.length - 1]!.id;
  }
}

/** Every event of a type, read page by page (oldest first). */
async function allEvents<P>(api: Api, type: string): Promise<Array<{ id: string; payload: P }>> {
  const out: Array<{ id: string; payload: P }> = [];
  for (let after = ''; ;) {
    const query = `type=${type}&limit=1000${after ? `&afterId=${after}` : ''}`;
    const page = (await api('GET', `/api/v1/events?${query}`)).items as Array<{ id: string; payload: P }>;
    out.push(...page);
    if (page.length < 1000) return out;
    after = page[page.length - 1]!.id;
  }
}

async function requisitionsSent(api: Api, id: string): Promise<string[]> {
  const events = await allEvents<{ workOrder: string; requisition: { id: string } }>(
    api,
    'fulfillment.requisition_raised',
  );
  return events.filter((e) => e.payload.workOrder.startsWith(`${id}-`)).map((e) => e.payload.requisition.id);
}

async function settle(
  api: Api,
  id: string,
  kit: string | null,
  approvals: FieldDaySummary['approvals'],
  sentToErp: number,
): Promise<FieldDaySummary> {
  const workOrders = await workOrdersOfRun(api, id);
  const summary: FieldDaySummary = {
    workOrders: workOrders.length,
    byStatus: {},
    lines: { issued: 0, reserved: 0, backordered: 0, cancelled: 0 },
    unresolved: [],
    substitutions: 0,
    approvals,
    requisitions: { sentToErp, acknowledged: 0, backorderedWithDate: 0 },
    fsmHeard: 0,
    completed: 0,
    partialShipments: 0,
    kitLines: 0,
  };
  for (const w of workOrders) {
    summary.byStatus[w.status] = (summary.byStatus[w.status] ?? 0) + 1;
    for (const r of w.requisitions) {
      if (['acknowledged', 'backordered'].includes(r.status)) summary.requisitions.acknowledged += 1;
      if (r.status === 'backordered' && r.expectedAt) summary.requisitions.backorderedWithDate += 1;
    }
    if (w.status === 'completed') summary.completed += 1;
    for (const line of w.plan) {
      if (line.substitution) summary.substitutions += 1;
      if (kit && line.partNumber === kit) summary.kitLines += 1;
      const outcome = await lineOutcome(api, w, line);
      if (typeof outcome === 'string') summary.lines[outcome] += 1;
      else summary.unresolved.push(`${w.externalRef}/${line.lineId}: ${outcome.why}`);
    }
  }
  return summary;
}

/**
 * Where one line's parts are at the end of the day: issued (the job is done), reserved in full
 * (van or network stock held for it), backordered with the ERP's date, or let go with the job.
 */
async function lineOutcome(
  api: Api,
  w: WorkOrderView,
  line: WorkOrderView['plan'][number],
): Promise<LineOutcome | { why: string }> {
  if (w.status === 'completed') return 'issued';
  if (w.status === 'cancelled' || w.status === 'rejected') return 'cancelled';
  const open = (
    await api(
      'GET',
      `/api/v1/reservations?demandRef=${encodeURIComponent(`${w.externalRef}/${line.lineId}`)}&state=open&limit=50`,
    )
  ).items as Array<{ quantity: number }>;
  const reserved = open.reduce((s, r) => s + r.quantity, 0);
  const of = (status: string) =>
    w.requisitions
      .filter(
        (r) => r.lineId === line.lineId && r.status === status && (status !== 'backordered' || r.expectedAt),
      )
      .reduce((s, r) => s + r.quantity, 0);
  const shipped = of('shipped');
  const dated = of('backordered');
  if (shipped >= line.quantity) return 'issued';
  if (reserved + shipped >= line.quantity) return 'reserved';
  if (reserved + shipped + dated >= line.quantity) return 'backordered';
  return {
    why: `work order ${w.status}: ${shipped} shipped, ${reserved} reserved and ${dated} backordered with a date of ${line.quantity}`,
  };
}

async function waitFor(
  done: () => boolean | Promise<boolean>,
  timeoutMs: number,
  progress: () => string | Promise<string>,
): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await done())) {
    if (Date.now() > until) throw new Error(`timed out: ${await progress()}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Messages of a flow the hub has applied; a message it refused is the scenario's failure. */
async function appliedCount(api: Api, flow: string): Promise<number> {
  const items = (await api('GET', `/api/v1/integration/messages?flow=${flow}&limit=500`)).items as Array<{
    id: string;
    status: string;
    error?: unknown;
  }>;
  const refused = items.find((m) => !['received', 'processing', 'applied'].includes(m.status));
  if (refused) throw new Error(`the hub refused ${flow} message ${refused.id}: ${JSON.stringify(refused)}`);
  return items.filter((m) => m.status === 'applied').length;
}

async function eventCount(api: Api, type: string, workOrderPrefix: string): Promise<number> {
  const items = await allEvents<{ workOrder?: string }>(api, type);
  return items.filter((e) => e.payload.workOrder?.startsWith(workOrderPrefix)).length;
}
