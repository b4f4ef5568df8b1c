// Inbound messages per second (issue 4), through the two real-time paths, on SQLite and
// PostgreSQL, beside the machine's ceilings measured in the same run:
//   HTTP webhooks  signed Standard Webhooks POSTs to /webhooks/:tenant/:flow, each stored raw in
//                  the inbox, mapped (JSONata) and applied (a stock receipt) before the 202;
//                  ceiling: a bare node:http server in its own process answering the same POSTs.
//   NATS           messages published to JetStream, consumed by the hub's durable consumer,
//                  stored, mapped and applied; ceiling: JetStream's own publish rate (acked).
// Benchmarks print figures; nothing asserts times.
//
// Run: npm run build && node bench/inbound.bench.mjs
// Env: BENCH_SECONDS (8), BENCH_CONNECTIONS (16), BENCH_NATS_MESSAGES (3000),
//      BENCH_STORES ('sqlite,postgres'), BENCH_NATS_URL (nats://127.0.0.1:4222)
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect, headers as natsHeaders } from '@nats-io/transport-node';
import autocannon from 'autocannon';
import { signWebhook } from '../dist/connectors/transports/webhook/index.js';
import {
  api,
  cleanupAll,
  cpuSeconds,
  envNumber,
  fmt,
  freshDatabase,
  machine,
  onCleanup,
  postgresAvailable,
  printTable,
  startHub,
  writeResults,
} from './lib.mjs';

const SECONDS = envNumber('BENCH_SECONDS', 8);
const CONNECTIONS = envNumber('BENCH_CONNECTIONS', 16);
const NATS_MESSAGES = envNumber('BENCH_NATS_MESSAGES', 3000);
const STORES = (process.env.BENCH_STORES ?? 'sqlite,postgres').split(',').map((s) => s.trim());
const NATS_URL = process.env.BENCH_NATS_URL ?? 'nats://127.0.0.1:4222';
const SECRET = 'whsec_' + Buffer.from('sparehub-inbound-bench-secret').toString('base64');
const RUN = `${process.pid}_${Date.now().toString(36)}`;
const STREAM = `BENCH_IN_${RUN}`;
const SUBJECT = `bench_in_${RUN}.msgs`;

let seq = 0;
function webhookLoad(url, path, seconds) {
  return new Promise((resolve, reject) => {
    autocannon(
      {
        url,
        connections: CONNECTIONS,
        duration: seconds,
        timeout: 30,
        requests: [
          {
            method: 'POST',
            path,
            setupRequest: (req) => {
              seq += 1;
              const body = JSON.stringify({ n: seq, part: 'BENCH-IN-1', qty: 1 });
              const signed = signWebhook({
                secret: SECRET,
                id: `msg_${RUN}_${seq}`,
                timestamp: Math.floor(Date.now() / 1000),
                body,
              });
              return {
                ...req,
                body,
                headers: { 'content-type': 'application/json', ...signed },
              };
            },
          },
        ],
      },
      (err, result) => (err ? reject(err) : resolve(result)),
    );
  });
}

/** A bare HTTP server in its own process that reads each body and answers 202. */
function startBareServer() {
  const code = `require('http').createServer((q, s) => { q.resume(); q.on('end', () => { s.writeHead(202, {'content-type': 'application/json'}); s.end('{"ok":true}'); }); }).listen(0, '127.0.0.1', function () { console.log('PORT ' + this.address().port); });`;
  const child = spawn(process.execPath, ['-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
  const stop = onCleanup(() => child.kill('SIGKILL'));
  return new Promise((resolve) => {
    child.stdout.on('data', (d) => {
      const m = /PORT (\d+)/.exec(String(d));
      if (m) resolve({ url: `http://127.0.0.1:${m[1]}`, stop });
    });
  });
}

async function setUp(base, withNats) {
  await api(base, 'POST', '/api/v1/parts', {
    partNumber: 'BENCH-IN-1',
    description: 'bench part',
    baseUom: 'EA',
  });
  await api(base, 'POST', '/api/v1/locations', {
    code: 'BENCH-IN-WH',
    name: 'Bench',
    type: 'regional_warehouse',
    region: 'NORTH',
  });
  await api(base, 'POST', '/api/v1/integration/systems', {
    code: 'WMS',
    kind: 'wms',
    name: 'WMS',
    ownerTeam: 'Logistics',
  });
  await api(base, 'POST', '/api/v1/integration/mappings', {
    code: 'receipt',
    expression:
      '{"command": "stock.receive", "input": {"partNumber": part, "locationCode": "BENCH-IN-WH", "quantity": qty, "reference": "bench " & $string(n)}}',
  });
  const flow = {
    systemCode: 'WMS',
    entity: 'stock',
    direction: 'inbound',
    format: 'json',
    mappingCode: 'receipt',
    mappingVersion: 1,
  };
  await api(base, 'POST', '/api/v1/integration/flows', {
    ...flow,
    code: 'wms-http',
    transport: 'http',
    webhookSecrets: [SECRET],
  });
  if (withNats)
    await api(base, 'POST', '/api/v1/integration/flows', {
      ...flow,
      code: 'wms-nats',
      transport: 'nats',
      options: { stream: STREAM, subject: SUBJECT },
    });
}

async function appliedCount(base, flow) {
  const { items } = await api(
    base,
    'GET',
    `/api/v1/integration/messages?flow=${flow}&status=applied&limit=1`,
  );
  if (items.length === 0) return 0;
  // Count through the ledger: one receipt per applied message.
  const stock = await api(base, 'GET', '/api/v1/stock?partNumber=BENCH-IN-1&locationCode=BENCH-IN-WH');
  return stock.items[0]?.onHand ?? 0;
}

async function measureStore(store, target, nats) {
  // First start: set up flows; second start: the NATS consumer starts with the hub.
  let hub = await startHub({ ...target, env: { SPAREHUB_NATS_URL: NATS_URL } });
  await setUp(hub.url, Boolean(nats));
  await hub.stop();
  hub = await startHub({ ...target, env: { SPAREHUB_NATS_URL: NATS_URL } });
  try {
    await webhookLoad(hub.url, '/webhooks/default/wms-http', 1); // warm-up
    const cpu0 = cpuSeconds(hub.child.pid);
    const r = await webhookLoad(hub.url, '/webhooks/default/wms-http', SECONDS);
    const cpu1 = cpuSeconds(hub.child.pid);
    const http = {
      perSecond: r['2xx'] / r.duration,
      p50: r.latency.p50,
      p99: r.latency.p99,
      non2xx: r.non2xx,
      cpu: (cpu1 - cpu0) / r.duration,
    };
    let natsResult = null;
    if (nats) {
      const before = await appliedCount(hub.url, 'wms-http');
      const started = performance.now();
      const js = jetstream(nats);
      const pending = [];
      for (let i = 0; i < NATS_MESSAGES; i++) {
        const h = natsHeaders();
        h.set('Nats-Msg-Id', `${store}-${RUN}-${i}`);
        pending.push(
          js.publish(SUBJECT, JSON.stringify({ n: 1_000_000 + i, part: 'BENCH-IN-1', qty: 1 }), {
            headers: h,
          }),
        );
        if (pending.length >= 256) await Promise.all(pending.splice(0));
      }
      await Promise.all(pending);
      let done = 0;
      for (let i = 0; i < 1200 && done < NATS_MESSAGES; i++) {
        await new Promise((r2) => setTimeout(r2, 100));
        done = (await appliedCount(hub.url, 'wms-http')) - before;
      }
      const seconds = (performance.now() - started) / 1000;
      natsResult = { perSecond: done / seconds, messages: done, seconds };
    }
    return { store, http, nats: natsResult };
  } finally {
    await hub.stop();
  }
}

async function main() {
  const m = machine();
  console.log(
    `inbound bench: ${CONNECTIONS} connections, ${SECONDS} s per path, ${NATS_MESSAGES} NATS messages; ${m.cpus} × ${m.cpuModel}, node ${m.node}`,
  );
  const bare = await startBareServer();
  const bareRun = await new Promise((resolve, reject) =>
    autocannon(
      {
        url: bare.url,
        connections: CONNECTIONS,
        duration: SECONDS,
        method: 'POST',
        body: JSON.stringify({ n: 1, part: 'BENCH-IN-1', qty: 1 }),
        headers: { 'content-type': 'application/json' },
      },
      (e, r) => (e ? reject(e) : resolve(r)),
    ),
  );
  await bare.stop();
  const httpCeiling = bareRun['2xx'] / bareRun.duration;
  console.log(`HTTP ceiling (bare node:http, same POSTs) … ${fmt(httpCeiling)}/s`);

  let nats = null;
  let natsCeiling = null;
  try {
    nats = await connect({ servers: NATS_URL, timeout: 2000 });
    const jsm = await jetstreamManager(nats);
    await jsm.streams.add({
      name: STREAM,
      subjects: [`bench_in_${RUN}.>`],
      duplicate_window: 120_000_000_000,
    });
    onCleanup(async () => {
      await jsm.streams.delete(STREAM).catch(() => undefined);
      await nats.close();
    });
    const js = jetstream(nats);
    const started = performance.now();
    const pending = [];
    for (let i = 0; i < NATS_MESSAGES; i++) {
      pending.push(
        js.publish(`bench_in_${RUN}.ceiling`, JSON.stringify({ n: i, part: 'BENCH-IN-1', qty: 1 })),
      );
      if (pending.length >= 256) await Promise.all(pending.splice(0));
    }
    await Promise.all(pending);
    natsCeiling = NATS_MESSAGES / ((performance.now() - started) / 1000);
    console.log(`NATS ceiling (JetStream acked publishes) … ${fmt(natsCeiling)}/s`);
  } catch (error) {
    console.log(`NATS not usable at ${NATS_URL} (${error.message}): the NATS path is skipped`);
    nats = null;
  }

  const results = [];
  for (const store of STORES) {
    if (store === 'postgres' && !(await postgresAvailable())) {
      console.log('PostgreSQL not available: skipped');
      continue;
    }
    const target =
      store === 'sqlite'
        ? { dataDir: mkdtempSync(join(tmpdir(), 'sparehub-bench-in-')) }
        : { databaseUrl: (await freshDatabase('inbound')).url };
    if (target.dataDir) onCleanup(() => rmSync(target.dataDir, { recursive: true, force: true }));
    process.stdout.write(`${store} … `);
    const r = await measureStore(store, target, nats);
    console.log(
      `${fmt(r.http.perSecond)}/s webhooks${r.nats ? `, ${fmt(r.nats.perSecond)}/s over NATS` : ''}`,
    );
    results.push(r);
  }

  console.log(`\nInbound messages, stored + mapped + applied — ${m.date.slice(0, 10)}, ${m.cpus} cores\n`);
  printTable(
    [
      { title: 'store', align: 'left' },
      { title: 'path', align: 'left' },
      { title: 'messages/s', align: 'right' },
      { title: 'p50 ms', align: 'right' },
      { title: 'p99 ms', align: 'right' },
      { title: 'ceiling (what)', align: 'left' },
      { title: 'ceiling/s', align: 'right' },
      { title: 'ratio', align: 'right' },
    ],
    results.flatMap((r) => [
      [
        r.store,
        'HTTP webhook',
        fmt(r.http.perSecond),
        fmt(r.http.p50),
        fmt(r.http.p99),
        'bare node:http server',
        fmt(httpCeiling),
        fmt(r.http.perSecond / httpCeiling, 2),
      ],
      ...(r.nats
        ? [
            [
              r.store,
              'NATS JetStream',
              fmt(r.nats.perSecond),
              '—',
              '—',
              'JetStream publish rate',
              fmt(natsCeiling),
              fmt(r.nats.perSecond / natsCeiling, 2),
            ],
          ]
        : []),
    ]),
  );
  for (const r of results)
    if (r.http.non2xx > 0) console.log(`${r.store}: ${r.http.non2xx} webhook requests were not 2xx`);
  console.log(`\nfigures: ${writeResults('inbound', { machine: m, httpCeiling, natsCeiling, results })}`);
}

main()
  .catch((error) => {
    console.error(error);
    process.exitCode = 1;
  })
  .finally(() => cleanupAll());
