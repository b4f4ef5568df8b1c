// Work orders per second end to end (issue 5), on SQLite and PostgreSQL: an FSM's signed
// webhook in → the work order sourced, its stock reserved and its requisitions committed
// (the 202 comes back once the message is applied) → each requisition delivered by the
// outbox relay as a signed webhook to an ERP receiver in this process. Beside it, from the
// same run, the core reservation benchmark (bench/reservations.bench.mjs, run as a child
// with a short BENCH_SECONDS). Benchmarks print figures; nothing asserts times.
//
// The seeded network: regions with technician vans, a forward stocking location and a
// regional warehouse each, one central DC; parts spread so that a line is sometimes on the
// technician's van and otherwise moves from the network or is bought, so most work orders
// raise at least one requisition. The approval policy approves everything automatically, so
// no requisition is held for a person (printed with the figures). On PostgreSQL the bench
// runs ANALYZE after the warm-up: this machine's server runs with autovacuum off.
//
// Run: npm run build && node bench/work-orders.bench.mjs
// Env: BENCH_WORK_ORDERS (2000)          work orders measured per store, 1–3 lines each
//      BENCH_WARMUP_WORK_ORDERS (100)    sent and delivered before the measurement
//      BENCH_CONNECTIONS (16)            concurrent signed POSTs
//      BENCH_PARTS (300), BENCH_REGIONS (3), BENCH_VANS_PER_REGION (4)
//      BENCH_DELIVERY_TIMEOUT_SECONDS (120)  how long to wait for the last requisition
//      BENCH_STORES ('sqlite,postgres')
//      BENCH_RESERVATION_SECONDS (5)     load seconds of the reservation bench run beside it
//      BENCH_RESERVATION_CONNECTIONS     its connections (default: its own default, 32)
//      BENCH_PG_ANALYZE_SECONDS          PostgreSQL: ANALYZE every so many seconds while measuring
//                                        (default: only once, after the warm-up)
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { signWebhook, verifyWebhook } from '../dist/connectors/transports/webhook/index.js';
import {
  api,
  cleanupAll,
  cpuSeconds,
  envNumber,
  fmt,
  freshDatabase,
  inParallel,
  machine,
  onCleanup,
  percentile,
  postgresAvailable,
  printTable,
  ROOT,
  startHub,
  writeResults,
} from './lib.mjs';

const WORK_ORDERS = envNumber('BENCH_WORK_ORDERS', 2000);
const WARMUP = envNumber('BENCH_WARMUP_WORK_ORDERS', 100);
const CONNECTIONS = envNumber('BENCH_CONNECTIONS', 16);
const PARTS = envNumber('BENCH_PARTS', 300);
const REGIONS = envNumber('BENCH_REGIONS', 3);
const VANS_PER_REGION = envNumber('BENCH_VANS_PER_REGION', 4);
const DELIVERY_TIMEOUT_SECONDS = envNumber('BENCH_DELIVERY_TIMEOUT_SECONDS', 120);
const RESERVATION_SECONDS = envNumber('BENCH_RESERVATION_SECONDS', 5);
// Off by default: PostgreSQL with autovacuum analysing as the tables grow (see the reading in
// docs/benchmarks.md: the relay's due-deliveries read depends on fresh statistics).
const PG_ANALYZE_SECONDS = process.env.BENCH_PG_ANALYZE_SECONDS
  ? envNumber('BENCH_PG_ANALYZE_SECONDS', 5)
  : null;
const STORES = (process.env.BENCH_STORES ?? 'sqlite,postgres').split(',').map((s) => s.trim());
const TENANT = 'default';
const FSM_FLOW = 'fsm-work-orders';
const ERP_FLOW = 'erp-requisitions';
const FSM_SECRET = `whsec_${Buffer.from('sparehub-work-order-bench-fsm').toString('base64')}`;
const ERP_SECRET = `whsec_${randomBytes(24).toString('base64')}`;
const RUN = `${process.pid}_${Date.now().toString(36)}`;
const HOUR = 3_600_000;
const LABEL = { sqlite: 'SQLite', postgres: 'PostgreSQL' };

// --- the network and the work orders, from a seeded generator (every run asks the same) -----

/** mulberry32: a small seeded generator, so stock and work orders are the same run to run. */
function seeded(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
const between = (rand, lo, hi) => lo + Math.floor(rand() * (hi - lo + 1));
const partNumber = (i) => `WOB-${String(i).padStart(4, '0')}`;

function network() {
  const regions = Array.from({ length: REGIONS }, (_, r) => `R${r + 1}`);
  const locations = [{ code: 'DC-CENTRAL', type: 'central_dc', region: 'CENTRAL' }];
  for (const region of regions) {
    locations.push({ code: `RW-${region}`, type: 'regional_warehouse', region });
    locations.push({ code: `FSL-${region}`, type: 'forward_stocking_location', region });
    for (let v = 1; v <= VANS_PER_REGION; v++)
      locations.push({ code: `VAN-${region}-${v}`, type: 'technician_van', region });
  }
  // Where stock is and how much: a van carries a few dozen parts, one or two of each; the
  // network holds more the further up it is; every tenth part is stocked nowhere (bought).
  const rand = seeded(5);
  const share = {
    technician_van: 0.15,
    forward_stocking_location: 0.35,
    regional_warehouse: 0.55,
    central_dc: 0.8,
  };
  const range = {
    technician_van: [1, 2],
    forward_stocking_location: [2, 8],
    regional_warehouse: [4, 20],
    central_dc: [20, 120],
  };
  const stock = [];
  for (const location of locations)
    for (let i = 0; i < PARTS; i++)
      if (i % 10 !== 9 && rand() < share[location.type]) {
        const [lo, hi] = range[location.type];
        stock.push({
          partNumber: partNumber(i),
          locationCode: location.code,
          quantity: between(rand, lo, hi),
        });
      }
  return { regions, locations, stock };
}

/** The FSM's own JSON for a job: 1–3 lines, the technician's van in the job's region. */
function workOrders(prefix, count, net, seed) {
  const rand = seeded(seed);
  return Array.from({ length: count }, (_, n) => {
    const region = net.regions[Math.floor(rand() * net.regions.length)];
    const lines = between(rand, 1, 3);
    const used = new Set();
    const parts = [];
    while (parts.length < lines) {
      const i = Math.floor(rand() * PARTS);
      if (used.has(i)) continue;
      used.add(i);
      parts.push({ pos: (parts.length + 1) * 10, sku: partNumber(i), qty: between(rand, 1, 2) });
    }
    return {
      ref: `${prefix}-${String(n).padStart(5, '0')}`,
      van: `VAN-${region}-${between(rand, 1, VANS_PER_REGION)}`,
      region,
      prio: between(rand, 10, 500),
      dueHours: between(rand, 24, 168),
      parts,
    };
  });
}

async function setUp(base, net, erpUrl) {
  const policy = await api(base, 'PUT', '/api/v1/approval-policy', {
    body: {
      rules: [{ name: 'bench: every job automatically', autoApproveUpTo: 1e12, supervisorUpTo: 1e12 }],
      unknownValue: 'auto',
    },
  });
  for (const l of net.locations) await api(base, 'POST', '/api/v1/locations', { ...l, name: l.code });
  await inParallel(
    Array.from({ length: PARTS }, (_, i) => partNumber(i)),
    8,
    (pn) => api(base, 'POST', '/api/v1/parts', { partNumber: pn, description: 'bench part', baseUom: 'EA' }),
  );
  // Opening stock: one count per location (one unit of work each) rather than a receipt per line.
  const byLocation = new Map();
  for (const line of net.stock)
    byLocation.set(line.locationCode, [...(byLocation.get(line.locationCode) ?? []), line]);
  await inParallel([...byLocation], 4, ([locationCode, lines]) =>
    api(base, 'POST', '/api/v1/stock/counts', {
      locationCode,
      kind: 'cycle_count',
      reasonCode: 'CYCLE_COUNT',
      note: 'bench: opening stock',
      lines: lines.map((l) => ({ partNumber: l.partNumber, countedQuantity: l.quantity })),
    }),
  );
  for (const [code, kind, name] of [
    ['FSM', 'fsm', 'Field service'],
    ['ERP', 'erp', 'ERP'],
  ])
    await api(base, 'POST', '/api/v1/integration/systems', { code, kind, name, ownerTeam: 'Bench' });
  await api(base, 'POST', '/api/v1/integration/mappings', {
    code: 'fsm-work-order',
    expression: `{"command": "work_order.receive", "input": {"externalRef": number, "sourceSystem": "FSM",
      "technicianVan": tech.van, "jobRegion": site.region, "priority": prio, "dueAt": sla, "createdAt": created,
      "lines": [parts.{"lineId": $string(pos), "partNumber": sku, "quantity": qty}]}}`,
  });
  await api(base, 'POST', '/api/v1/integration/flows', {
    code: FSM_FLOW,
    systemCode: 'FSM',
    entity: 'work_order',
    direction: 'inbound',
    format: 'json',
    transport: 'http',
    mappingCode: 'fsm-work-order',
    mappingVersion: 1,
    webhookSecrets: [FSM_SECRET],
  });
  // The ERP's purchase requisition: what to move or buy, for which job, by when, from where.
  await api(base, 'POST', '/api/v1/integration/mappings', {
    code: 'erp-requisition',
    expression: `{"requisition": payload.requisition.id, "workOrder": payload.workOrder,
      "line": payload.requisition.lineId, "material": payload.requisition.partNumber,
      "quantity": payload.requisition.quantity, "source": payload.requisition.source,
      "from": payload.requisition.fromLocation, "needBy": payload.dueAt}`,
  });
  await api(base, 'POST', '/api/v1/integration/flows', {
    code: ERP_FLOW,
    systemCode: 'ERP',
    entity: 'requisition',
    direction: 'outbound',
    format: 'json',
    transport: 'http',
    mappingCode: 'erp-requisition',
    mappingVersion: 1,
    webhookSecrets: [ERP_SECRET],
    options: { url: erpUrl, events: ['fulfillment.requisition_raised'] },
  });
  return policy;
}

// --- the ERP: verifies each delivery and notes when each work order's requisitions arrive ----

function startErp() {
  const state = {
    byWorkOrder: new Map(), // ref → { first, last, count }
    webhookIds: new Set(),
    requisitions: new Set(),
    duplicates: 0,
    refused: 0,
  };
  const server = createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const at = performance.now();
      const rawBody = Buffer.concat(chunks);
      const verified = verifyWebhook({
        secrets: [ERP_SECRET],
        headers: req.headers,
        rawBody,
        now: Date.now(),
      });
      if (!verified.ok) {
        state.refused += 1;
        res.writeHead(401).end();
        return;
      }
      // A retry after a lost answer carries the same webhook id: counted once.
      if (state.webhookIds.has(verified.id)) state.duplicates += 1;
      else {
        state.webhookIds.add(verified.id);
        const body = JSON.parse(rawBody.toString('utf8'));
        state.requisitions.add(body.requisition);
        const seen = state.byWorkOrder.get(body.workOrder);
        if (seen) {
          seen.last = at;
          seen.count += 1;
        } else state.byWorkOrder.set(body.workOrder, { first: at, last: at, count: 1 });
      }
      res.writeHead(200).end();
    });
  });
  const stop = onCleanup(() => new Promise((resolve) => server.close(() => resolve())));
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({ url: `http://127.0.0.1:${server.address().port}/erp/requisitions`, state, stop }),
    ),
  );
}

// --- sending and waiting ----------------------------------------------------------------------

/** One signed webhook per work order; resolves with when it was sent and committed. */
async function send(base, wo) {
  const body = JSON.stringify({
    number: wo.ref,
    tech: { van: wo.van },
    site: { region: wo.region },
    prio: wo.prio,
    sla: new Date(Date.now() + wo.dueHours * HOUR).toISOString(),
    created: new Date().toISOString(),
    parts: wo.parts,
  });
  const headers = {
    'content-type': 'application/json',
    ...signWebhook({
      secret: FSM_SECRET,
      id: `msg_${RUN}_${wo.ref}`,
      timestamp: Math.floor(Date.now() / 1000),
      body,
    }),
  };
  const sent = performance.now();
  let answer;
  let status;
  try {
    const res = await fetch(`${base}/webhooks/${TENANT}/${FSM_FLOW}`, { method: 'POST', headers, body });
    status = res.status;
    answer = await res.json().catch(() => null);
  } catch (error) {
    return { ref: wo.ref, sent, committed: null, failure: `network: ${error.message}` };
  }
  const committed = performance.now();
  const outcome = answer?.outcome;
  if (status !== 202 || outcome?.status !== 'applied')
    return {
      ref: wo.ref,
      sent,
      committed: null,
      failure: `${status} ${outcome?.error?.code ?? outcome?.status ?? answer?.code ?? ''}`.trim(),
      detail: outcome?.error?.detail ?? answer?.detail ?? null,
    };
  return { ref: wo.ref, sent, committed, failure: null };
}

/** The requisitions the hub raised for these work orders: its own outbox, read back. */
async function raisedRequisitions(base, refs) {
  const expected = new Map(); // ref → requisitions raised
  const ids = new Set();
  const sources = {};
  let afterId;
  for (;;) {
    const q = `type=fulfillment.requisition_raised&limit=1000${afterId ? `&afterId=${afterId}` : ''}`;
    const { items } = await api(base, 'GET', `/api/v1/events?${q}`);
    for (const e of items) {
      if (!refs.has(e.payload.workOrder)) continue;
      expected.set(e.payload.workOrder, (expected.get(e.payload.workOrder) ?? 0) + 1);
      ids.add(e.payload.requisition.id);
      sources[e.payload.requisition.source] = (sources[e.payload.requisition.source] ?? 0) + 1;
    }
    if (items.length < 1000) break;
    afterId = items.at(-1).id;
  }
  return { expected, ids, sources };
}

/** Waits until the ERP holds every requisition the hub raised (by id), or the timeout; how many did not arrive. */
async function awaitDeliveries(erp, ids) {
  const missing = () => {
    let n = 0;
    for (const id of ids) if (!erp.state.requisitions.has(id)) n += 1;
    return n;
  };
  const deadline = performance.now() + DELIVERY_TIMEOUT_SECONDS * 1000;
  while (missing() > 0 && performance.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  return missing();
}

/** Sends a batch, then waits for its requisitions at the ERP; the figures of that batch. */
async function runBatch(base, erp, batch) {
  const records = [];
  await inParallel(batch, CONNECTIONS, async (wo) => records.push(await send(base, wo)));
  const committed = records.filter((r) => r.failure === null);
  const { expected, ids, sources } = await raisedRequisitions(base, new Set(committed.map((r) => r.ref)));
  const missing = await awaitDeliveries(erp, ids);
  return { records, committed, expected, sources, missing };
}

// --- one store ------------------------------------------------------------------------------

async function analyze(databaseUrl) {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query('ANALYZE');
  } finally {
    await client.end();
  }
}

/** CPU seconds of the PostgreSQL backends serving one database (their process titles name it). */
function pgBackendCpu(database) {
  if (!database) return null;
  let total = 0;
  try {
    for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
      let cmdline;
      try {
        cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      } catch {
        continue; // gone meanwhile
      }
      if (cmdline.startsWith('postgres:') && cmdline.includes(` ${database} `)) total += cpuSeconds(pid) ?? 0;
    }
  } catch {
    return null;
  }
  return total;
}

async function measureStore(store, target, database, net) {
  const erp = await startErp();
  const hub = await startHub({ ...target });
  try {
    const seedStart = performance.now();
    const policy = await setUp(hub.url, net, erp.url);
    const seedSeconds = (performance.now() - seedStart) / 1000;

    const warm = await runBatch(hub.url, erp, workOrders(`WARM-${store}`, WARMUP, net, 11));
    if (warm.committed.length === 0)
      throw new Error(`no warm-up work order was applied: ${warm.records[0]?.failure ?? 'no answer'}`);

    // This machine's PostgreSQL runs with autovacuum off: without statistics the stock offers
    // read scans every balance of the tenant (4.4 ms instead of 0.2 ms). A server with
    // autovacuum would have analysed the seeded tables by now; do what it would.
    if (target.databaseUrl) await analyze(target.databaseUrl);

    const batch = workOrders(`WO-${store}`, WORK_ORDERS, net, 17);
    const fromIso = new Date().toISOString();
    const cpu0 = cpuSeconds(hub.child.pid);
    const pg0 = pgBackendCpu(database);
    const self0 = process.cpuUsage();
    const load0 = loadavg()[0];
    let analyses = 0;
    let analysing = Promise.resolve();
    const analyser =
      target.databaseUrl && PG_ANALYZE_SECONDS
        ? setInterval(() => {
            analysing = analysing
              .then(() => analyze(target.databaseUrl))
              .then(() => void (analyses += 1))
              .catch((error) => console.error(`ANALYZE failed: ${error.message}`));
          }, PG_ANALYZE_SECONDS * 1000)
        : null;
    const t0 = performance.now();
    const records = [];
    await inParallel(batch, CONNECTIONS, async (wo) => records.push(await send(hub.url, wo)));
    const tCommitted = performance.now();
    const cpuCommitted = cpuSeconds(hub.child.pid);
    const pgCommitted = pgBackendCpu(database);
    const committed = records.filter((r) => r.failure === null);
    const { expected, ids, sources } = await raisedRequisitions(
      hub.url,
      new Set(committed.map((r) => r.ref)),
    );
    const missing = await awaitDeliveries(erp, ids);
    if (analyser) clearInterval(analyser);
    await analysing;
    // Includes the few event pages read just above: small beside the work orders' own work.
    const cpu1 = cpuSeconds(hub.child.pid);
    const pg1 = pgBackendCpu(database);
    const self1 = process.cpuUsage(self0);
    const load1 = loadavg()[0];

    const toCommit = committed.map((r) => r.committed - r.sent);
    const toDelivered = [];
    const toAllDelivered = [];
    let lastDelivery = 0;
    for (const r of committed) {
      const seen = erp.state.byWorkOrder.get(r.ref);
      if (!seen || !expected.has(r.ref)) continue;
      toDelivered.push(seen.first - r.sent);
      if (seen.count >= expected.get(r.ref)) toAllDelivered.push(seen.last - r.sent);
      lastDelivery = Math.max(lastDelivery, seen.last);
    }
    const requisitionsExpected = [...expected.values()].reduce((a, b) => a + b, 0);
    const lastCommit = committed.reduce((last, r) => Math.max(last, r.committed), t0);
    const hubView = await api(
      hub.url,
      'GET',
      `/api/v1/fulfillment/latency?flow=${FSM_FLOW}&from=${encodeURIComponent(fromIso)}`,
    );
    const pendingApprovals = (await api(hub.url, 'GET', '/api/v1/approvals?state=pending&limit=500')).items
      .length;
    const failures = {};
    const failureSamples = {};
    for (const r of records)
      if (r.failure) {
        failures[r.failure] = (failures[r.failure] ?? 0) + 1;
        failureSamples[r.failure] ??= `${r.ref}: ${r.detail}`;
      }
    return {
      store: LABEL[store] ?? store,
      dialect: hub.dialect,
      seedSeconds,
      network: { locations: net.locations.length, parts: PARTS, stockLines: net.stock.length },
      approvalPolicy: { version: policy.version, body: policy.body },
      pendingApprovals,
      warmup: { workOrders: WARMUP, applied: warm.committed.length, missing: warm.missing },
      workOrders: WORK_ORDERS,
      connections: CONNECTIONS,
      applied: committed.length,
      failures,
      failureSamples,
      committedPerSecond: committed.length > 0 ? committed.length / ((lastCommit - t0) / 1000) : null,
      commitP50: percentile(toCommit, 50),
      commitP99: percentile(toCommit, 99),
      workOrdersWithRequisitions: expected.size,
      workOrdersVanOnly: committed.length - expected.size,
      requisitionsExpected,
      requisitionsDelivered: requisitionsExpected - missing,
      requisitionsMissing: missing,
      requisitionSources: sources,
      deliveredWorkOrders: toDelivered.length,
      deliveredPerSecond: lastDelivery > 0 ? toDelivered.length / ((lastDelivery - t0) / 1000) : null,
      deliverP50: percentile(toDelivered, 50),
      deliverP99: percentile(toDelivered, 99),
      allDeliveredP50: percentile(toAllDelivered, 50),
      allDeliveredP99: percentile(toAllDelivered, 99),
      sendSeconds: (tCommitted - t0) / 1000,
      toLastDeliverySeconds: lastDelivery > 0 ? (lastDelivery - t0) / 1000 : null,
      hubCpuSeconds: cpu0 === null || cpu1 === null ? null : cpu1 - cpu0,
      analysesWhileMeasuring: analyses,
      hubCpuSecondsWhileSending: cpu0 === null || cpuCommitted === null ? null : cpuCommitted - cpu0,
      pgBackendCpuSeconds: pg0 === null || pg1 === null ? null : pg1 - pg0,
      pgBackendCpuSecondsWhileSending: pg0 === null || pgCommitted === null ? null : pgCommitted - pg0,
      benchCpuSeconds: (self1.user + self1.system) / 1e6,
      loadAverage: [load0, load1],
      erpRefused: erp.state.refused,
      erpDuplicates: erp.state.duplicates,
      hubView: hubView.items,
    };
  } finally {
    await hub.stop();
    await erp.stop();
  }
}

// --- the core reservation benchmark, same run ------------------------------------------------

/** Runs bench/reservations.bench.mjs as a child (its output echoed) and reads its result file. */
function reservationBench() {
  const env = {
    ...process.env,
    BENCH_SECONDS: String(RESERVATION_SECONDS),
    BENCH_STORES: STORES.join(','),
    BENCH_SQLITE_CEILING_SECONDS: process.env.BENCH_SQLITE_CEILING_SECONDS ?? '2',
    BENCH_PGBENCH_SECONDS: process.env.BENCH_PGBENCH_SECONDS ?? '5',
  };
  // Its own concurrency unless told: its figures then read like the ones in docs/benchmarks.md.
  delete env.BENCH_CONNECTIONS;
  if (process.env.BENCH_RESERVATION_CONNECTIONS)
    env.BENCH_CONNECTIONS = process.env.BENCH_RESERVATION_CONNECTIONS;
  const child = spawn(process.execPath, [join(ROOT, 'bench', 'reservations.bench.mjs')], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const stop = onCleanup(
    () =>
      new Promise((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  );
  let output = '';
  let echoed = 0;
  child.stdout.on('data', (chunk) => {
    output += chunk;
    // Echo whole lines only, indented, so its progress lines read as they do on their own.
    const end = output.lastIndexOf('\n') + 1;
    if (end > echoed)
      process.stdout.write(output.slice(echoed, end).replace(/^/gm, '  │ ').replace(/  │ $/, ''));
    echoed = Math.max(echoed, end);
  });
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code) => {
      void stop();
      const path = /^figures: (.+\.json)\s*$/m.exec(output)?.[1];
      if (code !== 0 || !path) return reject(new Error(`reservations bench failed (exit ${code})`));
      resolve({ path, ...JSON.parse(readFileSync(path, 'utf8')) });
    });
  });
}

// --- run ----------------------------------------------------------------------------------------

async function main() {
  const m = machine();
  console.log(
    `work orders bench: ${WORK_ORDERS} work orders (1–3 lines) after ${WARMUP} warm-up, ${CONNECTIONS} connections; ` +
      `${m.cpus} × ${m.cpuModel}, node ${m.node}, load ${loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')}`,
  );
  const net = network();
  console.log(
    `network: ${net.regions.length} regions × (${VANS_PER_REGION} vans, 1 forward stocking location, ` +
      `1 regional warehouse) + 1 central DC; ${PARTS} parts, ${net.stock.length} stocked part × location lines; ` +
      'approval policy: every work order approved automatically (no requisition waits for a person)',
  );

  const results = [];
  for (const store of STORES) {
    if (store === 'postgres' && !(await postgresAvailable())) {
      console.log('PostgreSQL not available: skipped');
      continue;
    }
    let target;
    let database = null;
    if (store === 'sqlite') {
      target = { dataDir: mkdtempSync(join(tmpdir(), 'sparehub-bench-wo-')) };
      onCleanup(() => rmSync(target.dataDir, { recursive: true, force: true }));
    } else {
      const scratch = await freshDatabase('work_orders');
      target = { databaseUrl: scratch.url };
      database = scratch.name;
    }
    process.stdout.write(`${store} … `);
    const r = await measureStore(store, target, database, net);
    console.log(
      `${fmt(r.committedPerSecond)}/s committed, ${fmt(r.deliveredPerSecond)}/s delivered` +
        (r.requisitionsMissing > 0 ? ` (${r.requisitionsMissing} requisitions NOT delivered)` : ''),
    );
    results.push(r);
  }

  console.log('\ncore reservation benchmark, same run:');
  const reservations = await reservationBench();
  // Its rows are labelled as ours are (SQLite, PostgreSQL).
  const core = (label) => reservations.rows.find((row) => row.hub.store === label)?.hub ?? null;

  console.log(
    `\nWork orders end to end (FSM webhook → reserved + requisitions committed → ERP webhook) — ` +
      `${m.date.slice(0, 10)}, ${m.cpus} cores, ${CONNECTIONS} connections; beside it the core reservations ` +
      `(${reservations.config.CONNECTIONS} connections, ${reservations.config.SECONDS} s)\n`,
  );
  printTable(
    [
      { title: 'store' },
      { title: 'WO/s committed', align: 'right' },
      { title: 'WO/s delivered', align: 'right' },
      { title: 'commit p50/p99 ms', align: 'right' },
      { title: 'delivered p50/p99 ms', align: 'right' },
      { title: 'requisitions', align: 'right' },
      { title: 'hub CPU s', align: 'right' },
      { title: 'CPU ms/WO', align: 'right' },
      { title: 'reservations/s', align: 'right' },
      { title: 'rsv p50/p99 ms', align: 'right' },
      { title: 'CPU ms/rsv', align: 'right' },
    ],
    results.map((r) => {
      const c = core(r.store);
      const cpuPerReservation =
        c && c.hubCpu !== null ? (c.hubCpu * c.seconds * 1000) / Math.max(1, c.reservations) : null;
      if (c) r.core = { ...c, cpuMsPerReservation: cpuPerReservation };
      return [
        r.store,
        fmt(r.committedPerSecond),
        fmt(r.deliveredPerSecond),
        `${fmt(r.commitP50)} / ${fmt(r.commitP99)}`,
        `${fmt(r.deliverP50)} / ${fmt(r.deliverP99)}`,
        `${fmt(r.requisitionsDelivered)} of ${fmt(r.requisitionsExpected)}`,
        fmt(r.hubCpuSeconds, 1),
        fmt(r.hubCpuSeconds === null ? null : (r.hubCpuSeconds * 1000) / r.applied, 1),
        fmt(c?.perSecond),
        c ? `${fmt(c.p50)} / ${fmt(c.p99)}` : '—',
        fmt(cpuPerReservation, 2),
      ];
    }),
  );

  console.log('\nThe hub’s own view (GET /api/v1/fulfillment/latency, measured work orders only):\n');
  printTable(
    [
      { title: 'store' },
      { title: 'day' },
      { title: 'flow' },
      { title: 'work orders', align: 'right' },
      { title: 'to reserved p50/p95/p99 ms', align: 'right' },
      { title: 'to acknowledged (count)', align: 'right' },
    ],
    results.flatMap((r) =>
      r.hubView.map((b) => [
        r.store,
        b.day,
        b.flow,
        fmt(b.workOrders),
        `${fmt(b.toReserved.p50Ms)} / ${fmt(b.toReserved.p95Ms)} / ${fmt(b.toReserved.p99Ms)}`,
        fmt(b.toAcknowledged.count),
      ]),
    ),
  );

  console.log('');
  for (const r of results) {
    const srcs = Object.entries(r.requisitionSources)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ');
    console.log(
      `${r.store}: ${r.applied} of ${r.workOrders} applied` +
        (Object.keys(r.failures).length > 0 ? ` (not applied: ${JSON.stringify(r.failures)})` : '') +
        `; ${r.workOrdersWithRequisitions} raised requisitions, ${r.workOrdersVanOnly} were served from the van alone; ` +
        `requisitions by source: ${srcs}`,
    );
    console.log(
      `${r.store}: sending took ${fmt(r.sendSeconds, 1)} s, the last requisition arrived at ${fmt(r.toLastDeliverySeconds, 1)} s; ` +
        `every requisition of a work order delivered p50/p99 ${fmt(r.allDeliveredP50)} / ${fmt(r.allDeliveredP99)} ms; ` +
        `CPU while sending: hub ${fmt(r.hubCpuSecondsWhileSending, 1)} s (${fmt(r.hubCpuSeconds, 1)} s to the last delivery)` +
        (r.pgBackendCpuSeconds !== null
          ? `, PostgreSQL backends ${fmt(r.pgBackendCpuSecondsWhileSending, 1)} s (${fmt(r.pgBackendCpuSeconds, 1)} s to the last delivery)`
          : '') +
        `, this process (load + ERP) ${fmt(r.benchCpuSeconds, 1)} s${r.dialect === 'postgres' ? ` (ANALYZE after the warm-up${r.analysesWhileMeasuring > 0 ? ` and ${r.analysesWhileMeasuring} times while measuring` : ''})` : ''}; load average ${r.loadAverage.map((l) => l.toFixed(1)).join(' → ')}`,
    );
    console.log(
      `${r.store}: approvals pending after the run: ${r.pendingApprovals}; ERP refused ${r.erpRefused} ` +
        `signatures, saw ${r.erpDuplicates} repeated deliveries; seeding took ${fmt(r.seedSeconds, 1)} s; ` +
        'the bench ERP does not acknowledge, so "to acknowledged" stays empty',
    );
    for (const [failure, sample] of Object.entries(r.failureSamples))
      console.log(`${r.store}: not applied (${failure}), e.g. ${sample}`);
    if (r.requisitionsMissing > 0)
      console.log(
        `${r.store}: WARNING: ${r.requisitionsMissing} requisitions had not arrived after ${DELIVERY_TIMEOUT_SECONDS} s`,
      );
  }
  console.log(
    `\nfigures: ${writeResults('work-orders', {
      bench: 'work-orders',
      machine: m,
      config: {
        WORK_ORDERS,
        WARMUP,
        CONNECTIONS,
        PARTS,
        REGIONS,
        VANS_PER_REGION,
        DELIVERY_TIMEOUT_SECONDS,
        RESERVATION_SECONDS,
        PG_ANALYZE_SECONDS,
        STORES,
      },
      results,
      reservations: { path: reservations.path, config: reservations.config, rows: reservations.rows },
    })}`,
  );
}

try {
  await main();
} catch (error) {
  console.error(`\nwork orders bench failed: ${error?.stack ?? error}`);
  process.exitCode = 1;
} finally {
  await cleanupAll();
}
