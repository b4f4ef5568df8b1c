// Reservations per second and p50/p99 latency through the HTTP API, on SQLite and on
// PostgreSQL, beside the ceilings measured in the same run on the same machine:
//   SQLite      raw better-sqlite3 (WAL, synchronous=FULL) doing the writes a reservation makes,
//               one durable transaction per reservation (and, for information, 64 per transaction);
//   PostgreSQL  pgbench TPS (TPC-B-like, scale 10, 16 clients) on the same server.
// Target (issue): at least half of each ceiling. Benchmarks print figures; nothing asserts times.
//
// Run: npm run build && node bench/reservations.bench.mjs
// Env: BENCH_SECONDS (10)       load duration per store, after BENCH_WARMUP_SECONDS (2)
//      BENCH_CONNECTIONS (32)   autocannon connections
//      BENCH_PARTS (200)        parts the reservations are spread across (one location)
//      BENCH_STORES             'sqlite,postgres' (default), or one of them
//      BENCH_SQLITE_CEILING_SECONDS (3), BENCH_PGBENCH_SECONDS (10), BENCH_PGBENCH_CLIENTS (16)
//      BENCH_HUB_LOG_LEVEL (warn), BENCH_PG_ADMIN_URL (postgres://postgres@127.0.0.1:5432/test),
//      BENCH_HUB_NODE_ARGS (node flags for the hub, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof")
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import Database from 'better-sqlite3';
import {
  ADMIN_KEY,
  PG_ADMIN_URL,
  api,
  cleanupAll,
  cpuSeconds,
  databaseCpuMeter,
  envNumber,
  fmt,
  freshDatabase,
  inParallel,
  machine,
  onCleanup,
  percentile,
  pgCliArgs,
  postgresAvailable,
  printTable,
  run,
  startHub,
  writeResults,
} from './lib.mjs';

const SECONDS = envNumber('BENCH_SECONDS', 10);
const WARMUP_SECONDS = envNumber('BENCH_WARMUP_SECONDS', 2);
const CONNECTIONS = envNumber('BENCH_CONNECTIONS', 32);
const PARTS = envNumber('BENCH_PARTS', 200);
const SQLITE_CEILING_SECONDS = envNumber('BENCH_SQLITE_CEILING_SECONDS', 3);
const PGBENCH_SECONDS = envNumber('BENCH_PGBENCH_SECONDS', 10);
const PGBENCH_CLIENTS = envNumber('BENCH_PGBENCH_CLIENTS', 16);
const PGBENCH_SCALE = 10;
const GROUP = 64; // reservations per transaction in the informative group-commit ceiling
const HUB_LOG_LEVEL = process.env.BENCH_HUB_LOG_LEVEL ?? 'warn';
const STORES = (process.env.BENCH_STORES ?? 'sqlite,postgres').split(',').map((s) => s.trim());
const TARGET = 0.5;
const LOCATION = 'BENCH-WH';
const STOCK_PER_PART = 100_000_000; // never runs out: the load measures the fast path

const partNumber = (i) => `BENCH-${String(i).padStart(4, '0')}`;

// --- the hub, through HTTP -------------------------------------------------------------------

async function seed(base) {
  await api(base, 'POST', '/api/v1/locations', {
    code: LOCATION,
    name: 'Bench warehouse',
    type: 'regional_warehouse',
    region: 'NORTH',
  });
  const parts = Array.from({ length: PARTS }, (_, i) => partNumber(i));
  await inParallel(parts, 8, async (pn) => {
    await api(base, 'POST', '/api/v1/parts', { partNumber: pn, description: 'bench part', baseUom: 'EA' });
    await api(base, 'POST', '/api/v1/stock/movements', {
      type: 'receipt',
      partNumber: pn,
      locationCode: LOCATION,
      quantity: STOCK_PER_PART,
    });
  });
}

let demandSeq = 0;

function load(base, seconds) {
  return new Promise((resolve, reject) => {
    autocannon(
      {
        url: base,
        connections: CONNECTIONS,
        duration: seconds,
        timeout: 30,
        requests: [
          {
            method: 'POST',
            path: '/api/v1/reservations',
            headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' },
            setupRequest: (req) => {
              demandSeq += 1;
              return {
                ...req,
                body: JSON.stringify({
                  partNumber: partNumber(demandSeq % PARTS),
                  locationCode: LOCATION,
                  quantity: 1,
                  demandType: 'field_service',
                  priority: 1,
                  demandRef: `BENCH-${demandSeq}`,
                }),
              };
            },
          },
        ],
      },
      (err, result) => (err ? reject(err) : resolve(result)),
    );
  });
}

/** Units reserved at the bench location, as the hub reports them: what really landed. */
async function reservedTotal(base) {
  if (PARTS > 1000) return null; // one page of the stock query holds 1,000 rows
  const { items } = await api(base, 'GET', `/api/v1/stock?locationCode=${LOCATION}&limit=1000`);
  return items.reduce((sum, row) => sum + row.reserved, 0);
}

async function measureHub(store, target, databaseName) {
  const hub = await startHub({ ...target, env: { LOG_LEVEL: HUB_LOG_LEVEL } });
  try {
    const seedStart = performance.now();
    await seed(hub.url);
    const seedSeconds = (performance.now() - seedStart) / 1000;
    const warm = await load(hub.url, WARMUP_SECONDS);
    const meter = databaseName ? await databaseCpuMeter(databaseName) : null;
    const cpuBefore = cpuSeconds(hub.child.pid);
    const r = await load(hub.url, SECONDS);
    const cpuAfter = cpuSeconds(hub.child.pid);
    const databaseCpu = meter ? await meter.read() : null;
    await meter?.close();
    const reserved = await reservedTotal(hub.url);
    const ok = r['2xx'];
    return {
      store,
      dialect: hub.dialect,
      seedSeconds,
      seconds: r.duration,
      connections: CONNECTIONS,
      reservations: ok,
      perSecond: ok / r.duration,
      p50: r.latency.p50,
      p99: r.latency.p99,
      mean: r.latency.average,
      max: r.latency.max,
      non2xx: r.non2xx,
      statusCodes: Object.fromEntries(Object.entries(r.statusCodeStats).map(([k, v]) => [k, v.count])),
      errors: r.errors,
      timeouts: r.timeouts,
      // Share of one core the hub process used during the load (it runs one event loop).
      hubCpu: cpuBefore === null || cpuAfter === null ? null : (cpuAfter - cpuBefore) / r.duration,
      // CPU per reservation, in ms, a figure the machine's other load disturbs less than rates.
      hubCpuMs: cpuBefore === null || cpuAfter === null ? null : ((cpuAfter - cpuBefore) * 1000) / ok,
      databaseCpuMs: databaseCpu === null ? null : (databaseCpu * 1000) / ok,
      // Every 2xx of warm-up and load must be one unit reserved in the hub's stock picture.
      reservedInHub: reserved,
      acknowledged: warm['2xx'] + ok,
    };
  } finally {
    await hub.stop();
  }
}

// --- SQLite ceiling: the same writes, straight into better-sqlite3 -----------------------------

/**
 * One conditional balance update, one reservation row and one audit-like row per reservation,
 * into tables shaped like the hub's (same columns, keys and indexes), on a file with the hub's
 * durability settings. `perTransaction` reservations per durable transaction.
 */
function sqliteCeiling(dir, perTransaction, seconds) {
  const db = new Database(join(dir, `ceiling-${perTransaction}.db`));
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.exec(`
      create table stock_balances (
        tenant_id text not null, part_id text not null, location_id text not null, status text not null,
        on_hand_milli integer not null check (on_hand_milli >= 0),
        reserved_milli integer not null check (reserved_milli >= 0),
        updated_at text not null,
        primary key (tenant_id, part_id, location_id, status),
        check (reserved_milli <= on_hand_milli));
      create table reservations (
        id text primary key, tenant_id text not null, part_id text not null, location_id text not null,
        quantity_milli integer not null check (quantity_milli > 0), demand_type text not null,
        priority integer not null, demand_ref text not null, state text not null, state_reason text,
        created_by text not null, created_at text not null, updated_at text not null);
      create index reservations_stock_ix on reservations (tenant_id, part_id, location_id, state);
      create index reservations_demand_ix on reservations (tenant_id, demand_ref);
      create table audit_records (
        id text primary key, tenant_id text not null, seq integer not null, actor text not null,
        action text not null, entity_type text not null, entity_id text not null, before_json text,
        after_json text, reason text, request_id text, occurred_at text not null,
        prev_hash text not null, hash text not null, unique (tenant_id, seq));
      create index audit_records_entity_ix on audit_records (tenant_id, entity_type, entity_id);`);
    const addBalance = db.prepare(
      `insert into stock_balances values ('t1', ?, 'loc1', 'available', ?, 0, '2026-01-01T00:00:00.000Z')`,
    );
    for (let i = 0; i < PARTS; i++) addBalance.run(`part${i}`, STOCK_PER_PART * 1000);
    const reserve = db.prepare(
      `update stock_balances set reserved_milli = reserved_milli + 1000, updated_at = ?
       where tenant_id = 't1' and part_id = ? and location_id = 'loc1' and status = 'available'
         and on_hand_milli - reserved_milli >= 1000`,
    );
    const insertReservation = db.prepare(
      `insert into reservations values (?, 't1', ?, 'loc1', 1000, 'field_service', 1, ?, 'open', null,
       'api-key:bench', ?, ?)`,
    );
    const insertAudit = db.prepare(
      `insert into audit_records values (?, 't1', ?, 'api-key:bench', 'reservation.created', 'reservation',
       ?, null, ?, ?, ?, ?, ?, ?)`,
    );
    let n = 0;
    const hash = (k) => k.toString(16).padStart(64, '0');
    const tx = db.transaction((count) => {
      for (let k = 0; k < count; k++) {
        n += 1;
        const part = `part${n % PARTS}`;
        const id = `rsv_${n.toString(36).padStart(12, '0')}`;
        const now = new Date().toISOString();
        if (reserve.run(now, part).changes !== 1) throw new Error('ceiling ran out of stock');
        insertReservation.run(id, part, `BENCH-${n}`, now, now);
        const after = JSON.stringify({
          id,
          partNumber: part,
          locationCode: LOCATION,
          quantity: 1,
          demandType: 'field_service',
          priority: 1,
          demandRef: `BENCH-${n}`,
          state: 'open',
          stateReason: null,
          createdBy: 'api-key:bench',
          createdAt: now,
          updatedAt: now,
        });
        insertAudit.run(
          `aud_${n}`,
          n,
          id,
          after,
          `free stock at ${LOCATION} covers 1`,
          `req-${n}`,
          now,
          hash(n - 1),
          hash(n),
        );
      }
    });
    const latencies = [];
    const start = performance.now();
    const end = start + seconds * 1000;
    for (let t = start; t < end;) {
      tx(perTransaction);
      const after = performance.now();
      latencies.push(after - t);
      t = after;
    }
    const elapsed = (performance.now() - start) / 1000;
    return {
      what: `raw better-sqlite3, ${perTransaction} reservation${perTransaction > 1 ? 's' : ''} per durable transaction (WAL, synchronous=FULL)`,
      perTransaction,
      seconds: elapsed,
      reservations: n,
      perSecond: n / elapsed,
      transactionsPerSecond: latencies.length / elapsed,
      commitP50: percentile(latencies, 50),
      commitP99: percentile(latencies, 99),
    };
  } finally {
    db.close();
  }
}

// --- PostgreSQL ceiling: pgbench on the same server ------------------------------------------

async function pgbenchCeiling() {
  const scratch = await freshDatabase('pgbench');
  try {
    const { args, env, database } = pgCliArgs(scratch.url);
    const opts = { env: { ...process.env, ...env } };
    run('pgbench', [...args, '-i', '-s', String(PGBENCH_SCALE), '-q', database], opts);
    const { out, databaseCpu, window } = await pgbenchWithMeter(
      [...args, '-c', String(PGBENCH_CLIENTS), '-j', '2', '-T', String(PGBENCH_SECONDS), database],
      opts.env,
      database,
    );
    const tps = Number(/^tps = ([\d.]+)/m.exec(out)?.[1]);
    if (!Number.isFinite(tps)) throw new Error(`no tps in pgbench output:\n${out}`);
    return {
      what: `pgbench TPC-B-like, scale ${PGBENCH_SCALE}, ${PGBENCH_CLIENTS} clients, -j 2, ${PGBENCH_SECONDS} s`,
      perSecond: tps,
      latencyAverageMs: Number(/latency average = ([\d.]+) ms/.exec(out)?.[1]),
      transactions: Number(/number of transactions actually processed: (\d+)/.exec(out)?.[1]),
      failed: Number(/number of failed transactions: (\d+)/.exec(out)?.[1] ?? 0),
      // The server's CPU per transaction, from its backends' CPU over a window of the run.
      databaseCpuMs: window > 0 ? (databaseCpu * 1000) / (tps * window) : null,
    };
  } finally {
    await scratch.drop();
  }
}

/** Runs pgbench and meters its backends' CPU from 1 s into the run until they close. */
async function pgbenchWithMeter(args, env, database) {
  const child = spawn('pgbench', args, { env });
  let out = '';
  let err = '';
  child.stdout.on('data', (chunk) => (out += chunk));
  child.stderr.on('data', (chunk) => (err += chunk));
  const exited = new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`pgbench failed (${code}): ${err}`)),
    );
  });
  await new Promise((r) => setTimeout(r, 1000));
  const meter = await databaseCpuMeter(database);
  const startedAt = performance.now();
  let lastAt = startedAt;
  let running = true;
  void exited.finally(() => (running = false)).catch(() => undefined);
  // Sample until pgbench ends, so each backend is counted up to its last reading.
  while (running && performance.now() - startedAt < (PGBENCH_SECONDS - 1.5) * 1000) {
    await new Promise((r) => setTimeout(r, 250));
    await meter.sample();
    lastAt = performance.now();
  }
  const databaseCpu = await meter.read();
  await meter.close();
  await exited;
  return { out, databaseCpu, window: (lastAt - startedAt) / 1000 };
}

// --- run ---------------------------------------------------------------------------------------

async function main() {
  const info = machine();
  console.log(
    `reservations bench: ${CONNECTIONS} connections, ${WARMUP_SECONDS} s warm-up + ${SECONDS} s load, ` +
      `${PARTS} parts; ${info.cpus} × ${info.cpuModel}, node ${info.node}`,
  );
  const dir = mkdtempSync(join(tmpdir(), 'sparehub-bench-'));
  onCleanup(() => rmSync(dir, { recursive: true, force: true }));
  const results = {
    bench: 'reservations',
    machine: info,
    config: { SECONDS, WARMUP_SECONDS, CONNECTIONS, PARTS, HUB_LOG_LEVEL },
    rows: [],
  };

  if (STORES.includes('sqlite')) {
    process.stdout.write('SQLite ceiling (raw better-sqlite3) … ');
    const ceiling = sqliteCeiling(dir, 1, SQLITE_CEILING_SECONDS);
    const grouped = sqliteCeiling(dir, GROUP, SQLITE_CEILING_SECONDS);
    console.log(`${fmt(ceiling.perSecond)}/s; ${GROUP} per transaction: ${fmt(grouped.perSecond)}/s`);
    process.stdout.write('SQLite hub … ');
    const hub = await measureHub('SQLite', { dataDir: join(dir, 'hub-sqlite') });
    console.log(`${fmt(hub.perSecond)}/s`);
    results.rows.push({ hub, ceiling, grouped });
  }

  if (STORES.includes('postgres')) {
    if (!(await postgresAvailable())) {
      console.log(`PostgreSQL skipped: no server answers at ${new URL(PG_ADMIN_URL).host}`);
    } else {
      process.stdout.write('PostgreSQL ceiling (pgbench) … ');
      const ceiling = await pgbenchCeiling();
      console.log(`${fmt(ceiling.perSecond)} TPS`);
      process.stdout.write('PostgreSQL hub … ');
      const scratch = await freshDatabase('hub');
      try {
        const hub = await measureHub(
          'PostgreSQL',
          { databaseUrl: scratch.url, dataDir: join(dir, 'hub-pg') },
          scratch.name,
        );
        console.log(`${fmt(hub.perSecond)}/s`);
        results.rows.push({ hub, ceiling });
      } finally {
        await scratch.drop();
      }
    }
  }

  console.log(
    `\nReservations through the HTTP API — ${info.date.slice(0, 10)}, ${info.cpus} cores, ` +
      `${CONNECTIONS} connections, ${SECONDS} s (only 2xx counted)\n`,
  );
  printTable(
    [
      { title: 'store' },
      { title: 'reservations/s', align: 'right' },
      { title: 'p50 ms', align: 'right' },
      { title: 'p99 ms', align: 'right' },
      { title: 'non-2xx', align: 'right' },
      { title: 'errors', align: 'right' },
      { title: 'ceiling (what)' },
      { title: 'ceiling /s', align: 'right' },
      { title: 'ratio', align: 'right' },
      { title: 'target' },
    ],
    results.rows.map(({ hub, ceiling }) => {
      const ratio = hub.perSecond / ceiling.perSecond;
      hub.ratio = ratio;
      hub.meetsTarget = ratio >= TARGET;
      return [
        hub.store,
        fmt(hub.perSecond),
        fmt(hub.p50),
        fmt(hub.p99),
        fmt(hub.non2xx),
        fmt(hub.errors + hub.timeouts),
        ceiling.what,
        fmt(ceiling.perSecond),
        fmt(ratio, 2),
        `≥ ${TARGET.toFixed(2)}: ${ratio >= TARGET ? 'met' : 'NOT met'}`,
      ];
    }),
  );

  console.log('');
  for (const { hub, ceiling, grouped } of results.rows) {
    if (hub.non2xx > 0) console.log(`${hub.store}: non-2xx by status: ${JSON.stringify(hub.statusCodes)}`);
    // autocannon stops without waiting for requests in flight; the hub still commits those, so
    // up to one per connection per load phase may be reserved without being counted.
    if (hub.reservedInHub !== null) {
      const unacknowledged = hub.reservedInHub - hub.acknowledged;
      const plausible = unacknowledged >= 0 && unacknowledged <= 2 * CONNECTIONS;
      console.log(
        `${hub.store}: ${plausible ? 'check ok' : 'WARNING'}: the hub holds ${hub.reservedInHub} reserved units for ` +
          `${hub.acknowledged} acknowledged reservations (${unacknowledged} were in flight when the load stopped)`,
      );
    }
    if (grouped)
      console.log(
        `${hub.store}: for information, ${grouped.what}: ${fmt(grouped.perSecond)}/s ` +
          `(hub = ${fmt(hub.perSecond / grouped.perSecond, 2)} of it); one-per-transaction commit p50/p99 ` +
          `${fmt(ceiling.commitP50, 2)}/${fmt(ceiling.commitP99, 2)} ms`,
      );
    if (ceiling.latencyAverageMs)
      console.log(`${hub.store}: pgbench latency average ${fmt(ceiling.latencyAverageMs, 2)} ms`);
    if (hub.databaseCpuMs != null && ceiling.databaseCpuMs != null)
      console.log(
        `${hub.store}: server CPU per transaction ${fmt(hub.databaseCpuMs, 3)} ms per reservation, ` +
          `${fmt(ceiling.databaseCpuMs, 3)} ms per pgbench transaction; hub CPU ${fmt(hub.hubCpuMs, 3)} ms per reservation`,
      );
    else if (hub.hubCpuMs != null)
      console.log(`${hub.store}: hub CPU ${fmt(hub.hubCpuMs, 3)} ms per reservation`);
    console.log(
      `${hub.store}: latency mean ${fmt(hub.mean, 1)} ms, max ${fmt(hub.max)} ms; hub process CPU ` +
        `${hub.hubCpu === null ? '—' : `${fmt(hub.hubCpu * 100)} % of one core`}; seeding ${PARTS} parts took ${fmt(hub.seedSeconds, 1)} s`,
    );
  }
  console.log(`\nfigures: ${writeResults('reservations', results)}`);
}

try {
  await main();
} catch (error) {
  console.error(`\nreservations bench failed: ${error?.stack ?? error}`);
  process.exitCode = 1;
} finally {
  await cleanupAll();
}
