// Inventory snapshots (M8.3): a 1,000,000-row stock picture (100,000 parts × 10 locations)
// applied through the hub's inbound snapshot flows, on SQLite and on PostgreSQL, beside the
// ceilings measured in the same run on the same machine:
//   csv day 1   every part at every location, all new balances (full scope);
//   csv day 2   the same rows with ~2 % of the quantities moved up or down: the daily case;
//   x12 846     one file of 10 interchanges, one 846 per location with 100,000 lines each,
//               written by the repo's own X12 writer, ~2 % different again (full scope).
// Each run is timed from the POST of the raw body to the snapshot completing (the hub answers
// 202 at once and applies in the background); its peak memory is the hub process's VmHWM,
// reset before the run (/proc/<pid>/clear_refs). Ceilings: csv-parse alone over the CSV file
// with the CSV reader's options, and the repo's X12 reader (readX12Stream) alone over the
// 846 file; beside them, readX12Canonical (read and map to canonical messages of chunkLines
// lines, what the hub's read-through does). The hub reads each body twice (once through to
// refuse a broken file before any stock changes, then chunk by chunk), so twice the ceiling
// is its floor.
// Target (issue): a 1,000,000-row snapshot in < 60 s with < 512 MB peak RSS of the hub.
// Benchmarks print figures; nothing asserts times.
//
// Run: npm run build && node bench/snapshot.bench.mjs
// Env: BENCH_PARTS (100000), BENCH_LOCATIONS (10)   rows = parts × locations
//      BENCH_CHANGED_PERCENT (2)                    share of quantities that differ each day
//      BENCH_CHUNK_LINES (5000)                     the flows' snapshot.chunkLines
//      BENCH_STORES ('sqlite,postgres'), BENCH_RUN_TIMEOUT_SECONDS (1800) per run
//      BENCH_PG_ANALYZE (1): ANALYZE the scratch database after seeding and after each run, as
//                        autovacuum would between one day's snapshot and the next (a test server
//                        often runs with autovacuum off, and without statistics PostgreSQL reads
//                        the balances of a location through the wrong index); 0 to leave it be
//      BENCH_PG_ADMIN_URL (postgres://postgres@127.0.0.1:5432/test),
//      BENCH_HUB_NODE_ARGS (node flags for the hub, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof")
import { spawnSync } from 'node:child_process';
import {
  closeSync,
  createReadStream,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse';
import pg from 'pg';
import {
  fromCanonical,
  readX12Canonical,
  readX12Stream,
  writeX12,
} from '../dist/connectors/formats/x12/index.js';
import {
  ADMIN_KEY,
  ROOT,
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

const PARTS = envNumber('BENCH_PARTS', 100_000);
const LOCATIONS = envNumber('BENCH_LOCATIONS', 10);
const CHANGED_PERCENT = envNumber('BENCH_CHANGED_PERCENT', 2);
const CHUNK_LINES = envNumber('BENCH_CHUNK_LINES', 5000);
const RUN_TIMEOUT_SECONDS = envNumber('BENCH_RUN_TIMEOUT_SECONDS', 1800);
const PG_ANALYZE = process.env.BENCH_PG_ANALYZE !== '0';
const STORES = (process.env.BENCH_STORES ?? 'sqlite,postgres').split(',').map((s) => s.trim());
const ROWS = PARTS * LOCATIONS;
const TARGET_SECONDS = 60;
const TARGET_RSS_MB = 512;
const TARGET_ROWS = 1_000_000;
const RUN_ID = `${process.pid}-${Date.now().toString(36)}`;
// The hub sets its own heap growth (bin/sparehub.js); flags given here come on top of that.
const HUB_NODE_ARGS = process.env.BENCH_HUB_NODE_ARGS ?? '';
const POLL_MS = 200;

const partNumber = (i) => `SNP-${String(i).padStart(7, '0')}`;
const locationCode = (l) => `SNAP-WH-${String(l).padStart(2, '0')}`;

// --- the data ----------------------------------------------------------------------------------

/** A well-mixed 32-bit hash of (part, location, day): which quantities change, and by how much. */
function mix(i, l, day) {
  let h = Math.imul(i ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(l + day * 7919, 0xc2b2ae35);
  h ^= h >>> 16;
  h = Math.imul(h, 0x7feb352d);
  h ^= h >>> 15;
  h = Math.imul(h, 0x846ca68b);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * Quantities by day, indexed location × parts + part: day 1 has 1..97 of every part everywhere;
 * each later day moves ~CHANGED_PERCENT of them up or down. `changed[day]` counts the moves.
 */
function dailyQuantities(days) {
  const q = new Uint32Array(ROWS);
  for (let l = 0; l < LOCATIONS; l++)
    for (let i = 0; i < PARTS; i++) q[l * PARTS + i] = 1 + ((i * 31 + l * 17) % 97);
  const byDay = { 1: Uint32Array.from(q) };
  const changed = { 1: ROWS };
  for (let day = 2; day <= days; day++) {
    let n = 0;
    for (let l = 0; l < LOCATIONS; l++)
      for (let i = 0; i < PARTS; i++) {
        const h = mix(i, l, day);
        if (h % 10_000 >= CHANGED_PERCENT * 100) continue;
        const k = l * PARTS + i;
        const step = 1 + ((h >>> 14) % 5);
        q[k] = (h >>> 20) % 2 === 0 ? q[k] + step : Math.max(0, q[k] - step);
        n += 1;
      }
    byDay[day] = Uint32Array.from(q);
    changed[day] = n;
  }
  return { byDay, changed };
}

function writeCsv(path, q) {
  const fd = openSync(path, 'w');
  try {
    writeSync(fd, 'partNumber,locationCode,quantity,uom\n');
    let buf = '';
    for (let l = 0; l < LOCATIONS; l++)
      for (let i = 0; i < PARTS; i++) {
        buf += `${partNumber(i)},${locationCode(l)},${q[l * PARTS + i]},EA\n`;
        if (buf.length > 1 << 20) {
          writeSync(fd, buf);
          buf = '';
        }
      }
    writeSync(fd, buf);
  } finally {
    closeSync(fd);
  }
}

/** One interchange per location, each holding one 846 of all parts there, written by our writer. */
function writeX12File(path, q) {
  const fd = openSync(path, 'w');
  try {
    for (let l = 0; l < LOCATIONS; l++) {
      const lines = [];
      for (let i = 0; i < PARTS; i++)
        lines.push({
          item: { partNumber: partNumber(i), scheme: 'vendor' },
          quantity: q[l * PARTS + i],
          uom: 'EA',
          quantityKind: 'on_hand',
        });
      const set = fromCanonical(
        {
          type: 'inventory.advice',
          documentId: `INV-${locationCode(l)}`,
          asOf: '2026-11-25',
          parties: [{ role: 'warehouse', id: locationCode(l), qualifier: '92' }],
          lines,
        },
        { controlNumber: '0001' },
      );
      const text = writeX12(
        {
          senderQualifier: 'ZZ',
          senderId: '3PL',
          receiverQualifier: 'ZZ',
          receiverId: 'SPAREHUB',
          date: '261125',
          time: '0600',
          controlNumber: l + 1,
          groups: [
            {
              functionalId: set.functionalId,
              senderId: '3PL',
              receiverId: 'SPAREHUB',
              date: '20261125',
              time: '0600',
              controlNumber: l + 1,
              sets: [set],
            },
          ],
        },
        { lineBreak: '\n' },
      );
      writeSync(fd, text);
    }
  } finally {
    closeSync(fd);
  }
}

// --- ceilings ----------------------------------------------------------------------------------

async function csvCeiling(path) {
  const started = performance.now();
  let rows = 0;
  // The CSV reader's options (src/connectors/formats/tabular/csv-reader.ts), nothing else done.
  const parser = createReadStream(path).pipe(
    parse({
      columns: (names) => names.map((n) => n.trim()),
      bom: true,
      trim: true,
      skip_empty_lines: true,
      relax_column_count: true,
      relax_quotes: true,
      max_record_size: 64 * 1024,
    }),
  );
  for await (const _ of parser) rows += 1;
  return { seconds: (performance.now() - started) / 1000, rows };
}

async function x12Ceiling(path) {
  const started = performance.now();
  let sets = 0;
  let interchanges = 0;
  let errors = 0;
  for await (const event of readX12Stream(createReadStream(path))) {
    if (event.kind === 'set') sets += 1;
    else if (event.kind === 'interchange') interchanges += 1;
    else if (event.kind === 'issue' && event.issue.severity === 'error') errors += 1;
  }
  return { seconds: (performance.now() - started) / 1000, sets, interchanges, errors };
}

/** Reading and mapping the 846 as the hub's read-through does: canonical messages, no stock. */
async function x12MappedCeiling(path) {
  const started = performance.now();
  let messages = 0;
  let lines = 0;
  for await (const event of readX12Canonical(createReadStream(path), { maxLines: CHUNK_LINES })) {
    if (event.kind !== 'message') continue;
    messages += 1;
    lines += event.message.lines.length;
  }
  return { seconds: (performance.now() - started) / 1000, messages, lines };
}

// --- the hub -------------------------------------------------------------------------------------

function procStatus(pid) {
  try {
    const text = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (key) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? NaN);
    return { hwmMb: kb('VmHWM') / 1024, rssMb: kb('VmRSS') / 1024 };
  } catch {
    return { hwmMb: NaN, rssMb: NaN };
  }
}

/** Resets the peak RSS (VmHWM) of a process to its current RSS; false where that is not allowed. */
function resetPeak(pid) {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

async function raw(base, method, path, body, headers) {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { authorization: `Bearer ${ADMIN_KEY}`, ...headers },
    body,
  });
  const text = await res.text();
  if (res.status >= 300) throw new Error(`${method} ${path} → ${res.status}: ${text.slice(0, 2000)}`);
  return text ? JSON.parse(text) : undefined;
}

async function seed(base) {
  const started = performance.now();
  for (let l = 0; l < LOCATIONS; l++)
    await api(base, 'POST', '/api/v1/locations', {
      code: locationCode(l),
      name: `Snapshot bench warehouse ${l}`,
      type: 'regional_warehouse',
      region: 'NORTH',
    });
  let csv = 'partNumber,description,baseUom\n';
  for (let i = 0; i < PARTS; i++) csv += `${partNumber(i)},Snapshot bench part ${i},EA\n`;
  const { job } = await raw(base, 'POST', '/api/v1/imports/parts', csv, { 'content-type': 'text/csv' });
  if (job.created !== PARTS)
    throw new Error(`the parts import created ${job.created} of ${PARTS} parts: ${JSON.stringify(job)}`);
  await api(base, 'POST', '/api/v1/integration/systems', {
    code: '3PL',
    kind: 'wms',
    name: '3PL WMS',
    ownerTeam: 'Logistics',
  });
  await api(base, 'POST', '/api/v1/integration/mappings', {
    code: 'snapshot',
    expression:
      '{"command": "stock.snapshot", "input": {"locationCode": parties[role="warehouse"].id, "lines": lines}}',
  });
  for (const format of ['csv', 'x12'])
    await api(base, 'POST', '/api/v1/integration/flows', {
      code: `snap-${format}`,
      systemCode: '3PL',
      entity: 'stock',
      direction: 'inbound',
      format,
      transport: 'http',
      mode: 'batch',
      mappingCode: 'snapshot',
      mappingVersion: 1,
      options: { snapshot: { mode: 'apply', scope: 'full', chunkLines: CHUNK_LINES } },
    });
  return (performance.now() - started) / 1000;
}

/** One statement on a database of its own URL (ANALYZE, SHOW). */
async function pgQuery(url, text) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(text)).rows;
  } finally {
    await client.end();
  }
}

/** What stands in for autovacuum between runs: fresh planner statistics (see BENCH_PG_ANALYZE). */
async function analyze(target) {
  if (!target.databaseUrl || !PG_ANALYZE) return;
  await pgQuery(target.databaseUrl, 'analyze');
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Sends one snapshot file and follows it to the end through the snapshot's progress (the
 * message itself is read once at the end: reading it loads its raw body). Returns the figures,
 * or what was seen when it failed or ran out of time.
 */
async function applySnapshot(hub, label, flow, file, contentType, expectedChunks) {
  const body = readFileSync(file);
  const pid = hub.child.pid;
  const peakReset = resetPeak(pid);
  const rssBeforeMb = procStatus(pid).rssMb;
  const cpu0 = cpuSeconds(pid);
  const started = performance.now();
  const since = () => (performance.now() - started) / 1000;
  const sent = await raw(hub.url, 'POST', `/api/v1/integration/flows/${flow}/messages`, body, {
    'content-type': contentType,
    'idempotency-key': `${label}-${RUN_ID}`,
  });
  const uploadSeconds = since();
  const samples = []; // [seconds, chunksDone]
  let snapshot = null;
  let failure = null;
  let lastPrint = 0;
  let lastDeadCheck = 0;
  let maxRss = 0;
  for (;;) {
    if (hub.child.exitCode !== null || hub.child.signalCode !== null) {
      failure = `the hub exited (code ${hub.child.exitCode}, signal ${hub.child.signalCode}): ${hub.output().slice(-2000)}`;
      break;
    }
    const { items } = await api(hub.url, 'GET', '/api/v1/stock/snapshots?limit=5');
    snapshot = items.find((s) => s.messageId === sent.messageId) ?? snapshot;
    const t = since();
    if (snapshot) samples.push([t, snapshot.chunksDone]);
    maxRss = Math.max(maxRss, procStatus(pid).rssMb);
    if (snapshot?.status === 'completed') break;
    if (t - lastDeadCheck >= 2) {
      lastDeadCheck = t;
      const dead = await api(
        hub.url,
        'GET',
        `/api/v1/integration/messages?flow=${flow}&status=dead&limit=20`,
      );
      const mine = dead.items.find((m) => m.id === sent.messageId);
      if (mine) {
        failure = `the message is dead: ${mine.error?.code}: ${mine.error?.detail}`;
        break;
      }
    }
    if (t - lastPrint >= 10) {
      lastPrint = t;
      const s = procStatus(pid);
      console.log(
        `  … ${label}: ${fmt(t)} s, chunk ${snapshot?.chunksDone ?? 0}/${expectedChunks}, RSS ${fmt(s.rssMb)} MB (peak ${fmt(s.hwmMb)} MB)`,
      );
    }
    if (t > RUN_TIMEOUT_SECONDS) {
      failure = `not done after ${RUN_TIMEOUT_SECONDS} s (BENCH_RUN_TIMEOUT_SECONDS): chunk ${snapshot?.chunksDone ?? 0}/${expectedChunks}`;
      break;
    }
    await sleep(POLL_MS);
  }
  const seconds = since();
  const cpu = cpuSeconds(pid) - cpu0;
  const peak = procStatus(pid);
  const message = failure
    ? null
    : await api(hub.url, 'GET', `/api/v1/integration/messages/${sent.messageId}`).catch(() => null);
  if (!failure && message?.status !== 'applied')
    failure = `the message ended ${message?.status}: ${JSON.stringify(message?.error)}`;
  return {
    label,
    messageId: sent.messageId,
    bytes: body.length,
    seconds,
    uploadSeconds,
    cpu,
    peakRssMb: peak.hwmMb,
    rssBeforeMb,
    sampledMaxRssMb: maxRss,
    peakReset,
    expectedChunks,
    snapshot,
    timing: phases(samples, uploadSeconds, seconds),
    failure,
  };
}

/**
 * Where the time went, from the progress samples: until the first chunk committed (upload,
 * the read-through and the first chunk), the chunks (ms per chunk over the first and the last
 * quarter of them), and after the last chunk (the full scope's sweep and completion).
 */
function phases(samples, uploadSeconds, total) {
  const final = samples.at(-1)?.[1] ?? 0;
  const firstAt = (n) => samples.find(([, c]) => c >= n)?.[0] ?? NaN;
  const tFirst = firstAt(1);
  const tLast = firstAt(final);
  const perChunk = (from, to) => (to > from ? ((firstAt(to) - firstAt(from)) / (to - from)) * 1000 : NaN);
  const quarter = Math.max(1, Math.floor(final / 4));
  return {
    chunks: final,
    toFirstChunk: tFirst - uploadSeconds,
    msPerChunk: perChunk(1, final),
    msPerChunkFirstQuarter: perChunk(1, 1 + quarter),
    msPerChunkLastQuarter: perChunk(final - quarter, final),
    afterLastChunk: total - tLast,
  };
}

function verify(target) {
  const started = performance.now();
  const env = { ...process.env, LOG_LEVEL: 'warn' };
  const args = ['bin/sparehub.js', 'verify'];
  if (target.dataDir) args.push('--data-dir', target.dataDir);
  if (target.databaseUrl) env.DATABASE_URL = target.databaseUrl;
  else delete env.DATABASE_URL;
  const res = spawnSync(process.execPath, args, { cwd: ROOT, env, encoding: 'utf8', maxBuffer: 16 << 20 });
  return {
    seconds: (performance.now() - started) / 1000,
    status: res.status,
    output: `${res.stdout}${res.stderr}`.trim(),
  };
}

async function measureStore(store, target, files, changed) {
  const hub = await startHub(target);
  const runs = [];
  let seedSeconds = NaN;
  try {
    seedSeconds = await seed(hub.url);
    await analyze(target);
    console.log(`  seeded ${fmt(PARTS)} parts and ${LOCATIONS} locations in ${fmt(seedSeconds, 1)} s`);
    const chunksCsv = Math.ceil(ROWS / CHUNK_LINES);
    const chunksX12 = LOCATIONS * Math.ceil(PARTS / CHUNK_LINES);
    const plan = [
      ['csv day 1 (all new)', 'snap-csv', files.day1, 'text/csv', chunksCsv, ROWS],
      [`csv day 2 (${CHANGED_PERCENT} % differ)`, 'snap-csv', files.day2, 'text/csv', chunksCsv, changed[2]],
      [
        `x12 846 (${CHANGED_PERCENT} % differ)`,
        'snap-x12',
        files.day3,
        'application/edi-x12',
        chunksX12,
        changed[3],
      ],
    ];
    for (const [label, flow, file, type, chunks, expectAdjusted] of plan) {
      const r = await applySnapshot(hub, `${store} ${label}`, flow, file, type, chunks);
      r.run = label;
      r.kind = flow === 'snap-x12' ? 'x12' : 'csv';
      r.expectAdjusted = expectAdjusted;
      runs.push(r);
      console.log(
        r.failure
          ? `  ${label}: FAILED after ${fmt(r.seconds, 1)} s: ${r.failure}`
          : `  ${label}: ${fmt(r.seconds, 1)} s, ${fmt(ROWS / r.seconds)} rows/s, peak RSS ${fmt(r.peakRssMb)} MB`,
      );
      if (r.failure) break; // the hub is still busy with it, or gone: the rest would not measure anything
      await analyze(target);
    }
  } finally {
    await hub.stop();
  }
  const v = verify(target);
  console.log(`  verify (${fmt(v.seconds, 1)} s): ${v.output.split('\n').at(-1)}`);
  return { store, seedSeconds, runs, verify: v };
}

async function main() {
  const m = machine();
  console.log(
    `snapshot bench: ${fmt(PARTS)} parts × ${LOCATIONS} locations = ${fmt(ROWS)} rows, chunks of ${fmt(CHUNK_LINES)}; ${m.cpus} × ${m.cpuModel}, ${m.memoryGb} GB, node ${m.node}; load average ${fmt(loadavg()[0], 2)}${HUB_NODE_ARGS ? `; hub node flags: ${HUB_NODE_ARGS}` : ''}`,
  );
  const dir = mkdtempSync(join(tmpdir(), 'sparehub-bench-snapshot-'));
  onCleanup(() => rmSync(dir, { recursive: true, force: true }));

  const started = performance.now();
  const { byDay, changed } = dailyQuantities(3);
  const files = { day1: join(dir, 'day1.csv'), day2: join(dir, 'day2.csv'), day3: join(dir, 'day3.edi') };
  writeCsv(files.day1, byDay[1]);
  writeCsv(files.day2, byDay[2]);
  writeX12File(files.day3, byDay[3]);
  const mb = (f) => statSync(f).size / 1e6;
  console.log(
    `files in ${fmt((performance.now() - started) / 1000, 1)} s: CSV ${fmt(mb(files.day1), 1)} MB, X12 ${fmt(mb(files.day3), 1)} MB; ${fmt(changed[2])} quantities differ on day 2, ${fmt(changed[3])} in the 846`,
  );

  const csvCeil = await csvCeiling(files.day2);
  const x12Ceil = await x12Ceiling(files.day3);
  const x12Mapped = await x12MappedCeiling(files.day3);
  console.log(
    `ceilings: csv-parse ${fmt(csvCeil.rows)} rows in ${fmt(csvCeil.seconds, 2)} s; readX12Stream ${x12Ceil.interchanges} interchanges, ${x12Ceil.sets} sets in ${fmt(x12Ceil.seconds, 2)} s${x12Ceil.errors ? ` (${x12Ceil.errors} errors!)` : ''}; readX12Canonical ${fmt(x12Mapped.lines)} lines in ${fmt(x12Mapped.messages)} messages in ${fmt(x12Mapped.seconds, 2)} s`,
  );
  if (csvCeil.rows !== ROWS) console.log(`csv-parse read ${csvCeil.rows} rows, not ${ROWS}`);

  const results = [];
  let pgNote = null;
  for (const store of STORES) {
    if (store === 'postgres' && !(await postgresAvailable())) {
      console.log('PostgreSQL not available: skipped');
      continue;
    }
    const target =
      store === 'sqlite'
        ? { dataDir: mkdtempSync(join(tmpdir(), 'sparehub-bench-snapshot-store-')) }
        : { databaseUrl: (await freshDatabase('snapshot')).url };
    if (target.dataDir) onCleanup(() => rmSync(target.dataDir, { recursive: true, force: true }));
    if (target.databaseUrl) {
      const [{ autovacuum }] = await pgQuery(target.databaseUrl, 'show autovacuum');
      console.log(
        `${store}: server autovacuum ${autovacuum}; ${PG_ANALYZE ? 'ANALYZE after seeding and after each run (BENCH_PG_ANALYZE=0 to not)' : 'no ANALYZE between runs (BENCH_PG_ANALYZE=0)'}`,
      );
      pgNote = `server autovacuum ${autovacuum}, ANALYZE between runs: ${PG_ANALYZE ? 'yes' : 'no'}`;
    } else console.log(`${store}:`);
    results.push(await measureStore(store, target, files, changed));
  }

  const ceilingOf = (r) =>
    r.kind === 'csv' ? ['csv-parse, same options', csvCeil.seconds] : ['readX12Stream', x12Ceil.seconds];
  const flat = results.flatMap((s) => s.runs.map((r) => ({ store: s.store, ...r })));

  console.log(
    `\nInventory snapshot, ${fmt(ROWS)} rows (${fmt(PARTS)} parts × ${LOCATIONS} locations) through an HTTP snapshot flow — ${m.date.slice(0, 10)}, ${m.cpus} cores, node ${m.node}\n`,
  );
  printTable(
    [
      { title: 'store', align: 'left' },
      { title: 'run', align: 'left' },
      { title: 'seconds', align: 'right' },
      { title: 'rows/s', align: 'right' },
      { title: 'peak RSS MB', align: 'right' },
      { title: 'hub CPU s', align: 'right' },
      { title: 'ceiling (what)', align: 'left' },
      { title: 'ceiling s', align: 'right' },
      { title: '× ceiling', align: 'right' },
    ],
    flat.map((r) => {
      const [what, ceil] = ceilingOf(r);
      return [
        r.store,
        r.failure ? `${r.run} — FAILED` : r.run,
        fmt(r.seconds, 1),
        r.failure ? '—' : fmt(ROWS / r.seconds),
        fmt(r.peakRssMb),
        fmt(r.cpu, 1),
        what,
        fmt(ceil, 2),
        r.failure ? '—' : `${fmt(r.seconds / ceil, 1)}×`,
      ];
    }),
  );

  console.log('\nWhere the time went (from the snapshot progress, polled every 200 ms)\n');
  printTable(
    [
      { title: 'store', align: 'left' },
      { title: 'run', align: 'left' },
      { title: 'upload s', align: 'right' },
      { title: 'to 1st chunk s', align: 'right' },
      { title: 'chunks', align: 'right' },
      { title: 'ms/chunk', align: 'right' },
      { title: 'first ¼', align: 'right' },
      { title: 'last ¼', align: 'right' },
      { title: 'after last chunk s', align: 'right' },
      { title: 'RSS before MB', align: 'right' },
    ],
    flat.map((r) => [
      r.store,
      r.run,
      fmt(r.uploadSeconds, 1),
      fmt(r.timing.toFirstChunk, 1),
      `${r.timing.chunks}/${r.expectedChunks}`,
      fmt(r.timing.msPerChunk),
      fmt(r.timing.msPerChunkFirstQuarter),
      fmt(r.timing.msPerChunkLastQuarter),
      fmt(r.timing.afterLastChunk, 1),
      fmt(r.rssBeforeMb),
    ]),
  );

  console.log('\nReconciliation counts\n');
  printTable(
    [
      { title: 'store', align: 'left' },
      { title: 'run', align: 'left' },
      { title: 'lines', align: 'right' },
      { title: 'matched', align: 'right' },
      { title: 'adjusted', align: 'right' },
      { title: 'expected adjusted', align: 'right' },
      { title: 'rejected', align: 'right' },
      { title: 'zeroed', align: 'right' },
    ],
    flat.map((r) => {
      const c = r.snapshot?.counts ?? {};
      return [
        r.store,
        r.run,
        fmt(c.lines),
        fmt(c.matched),
        fmt(c.adjusted),
        fmt(r.expectAdjusted),
        fmt(c.rejected),
        fmt(c.zeroed),
      ];
    }),
  );

  console.log('');
  for (const s of results)
    console.log(
      `${s.store}: seeding ${fmt(s.seedSeconds, 1)} s;${s.store === 'postgres' && pgNote ? ` ${pgNote};` : ''} verify ${s.verify.status === 0 ? 'OK' : `FAILED (exit ${s.verify.status})`} in ${fmt(s.verify.seconds, 1)} s\n${s.verify.output
        .split('\n')
        .map((l) => `  ${l}`)
        .join('\n')}`,
    );
  // The machine may be shared: its load says how far the figures are the hub's own.
  console.log(
    `load average at the end: ${loadavg()
      .map((n) => fmt(n, 2))
      .join(', ')} (1, 5, 15 min)`,
  );
  const scale = ROWS === TARGET_ROWS ? '' : ` (this run has ${fmt(ROWS)} rows, not ${fmt(TARGET_ROWS)})`;
  console.log(
    `\ntarget: ${fmt(TARGET_ROWS)} rows in < ${TARGET_SECONDS} s with < ${TARGET_RSS_MB} MB peak RSS of the hub${scale}`,
  );
  for (const r of flat)
    console.log(
      `  ${r.store} ${r.run}: ${r.failure ? `failed: ${r.failure}` : `${fmt(r.seconds, 1)} s ${r.seconds < TARGET_SECONDS ? '<' : '≥'} ${TARGET_SECONDS} s, ${fmt(r.peakRssMb)} MB ${r.peakRssMb < TARGET_RSS_MB ? '<' : '≥'} ${TARGET_RSS_MB} MB`}`,
    );
  if (flat.some((r) => !r.peakReset))
    console.log('peak RSS could not be reset (/proc/<pid>/clear_refs): figures are the process peak so far');
  console.log(
    `\nfigures: ${writeResults('snapshot', {
      machine: m,
      parts: PARTS,
      locations: LOCATIONS,
      rows: ROWS,
      chunkLines: CHUNK_LINES,
      hubNodeArgs: HUB_NODE_ARGS,
      changed: { day2: changed[2], x12: changed[3] },
      ceilings: { csv: csvCeil, x12: x12Ceil, x12Mapped },
      postgres: pgNote,
      results,
    })}`,
  );
}

main()
  .catch((error) => {
    console.error(error);
    process.exitCode = 1;
  })
  .finally(() => cleanupAll());
