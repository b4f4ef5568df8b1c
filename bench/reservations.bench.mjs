// Reservation throughput through the HTTP API (issue 2), on SQLite and PostgreSQL, beside the
// ceilings measured in the same run: raw better-sqlite3 transactions per second doing the
// same writes, and pgbench TPS on the same PostgreSQL. Target: at least half of each ceiling.
// Run: npm run build && node bench/reservations.bench.mjs   (BENCH_SECONDS, BENCH_CONNECTIONS)
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import Database from 'better-sqlite3';
import { ADMIN_KEY, api, fmt, freshDatabase, PG_ADMIN_URL, run, startHub } from './lib.mjs';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const PARTS = 200;

async function seed(base) {
  await api(base, 'POST', '/api/v1/locations', {
    code: 'BENCH-WH',
    name: 'Bench warehouse',
    type: 'regional_warehouse',
    region: 'NORTH',
  });
  for (let i = 0; i < PARTS; i++) {
    await api(base, 'POST', '/api/v1/parts', {
      partNumber: `BENCH-${i}`,
      description: 'bench part',
      baseUom: 'EA',
    });
    await api(base, 'POST', '/api/v1/stock/movements', {
      type: 'receipt',
      partNumber: `BENCH-${i}`,
      locationCode: 'BENCH-WH',
      quantity: 10_000_000,
    });
  }
}

function load(base, seconds) {
  let n = 0;
  return new Promise((resolve, reject) => {
    autocannon(
      {
        url: base,
        connections: CONNECTIONS,
        duration: seconds,
        requests: [
          {
            method: 'POST',
            path: '/api/v1/reservations',
            headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' },
            setupRequest: (req) => {
              n += 1;
              return {
                ...req,
                body: JSON.stringify({
                  partNumber: `BENCH-${n % PARTS}`,
                  locationCode: 'BENCH-WH',
                  quantity: 1,
                  demandType: 'field_service',
                  priority: 1,
                  demandRef: `BENCH-${n}`,
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

async function measureHub(label, target) {
  const hub = await startHub(target);
  try {
    await seed(hub.url);
    await load(hub.url, 2); // warm-up
    const r = await load(hub.url, SECONDS);
    const ok = r['2xx'];
    return {
      label,
      perSecond: ok / SECONDS,
      p50: r.latency.p50,
      p99: r.latency.p99,
      non2xx: r.non2xx,
      errors: r.errors,
    };
  } finally {
    await hub.stop();
  }
}

/** The same writes a reservation makes, straight into better-sqlite3: one durable transaction each. */
function sqliteCeiling(dir, perTransaction) {
  const db = new Database(join(dir, `ceiling-${perTransaction}.db`));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.exec(`create table b (id integer primary key, on_hand integer, reserved integer);
           create table r (id text primary key, part integer, qty integer, ref text, created text);
           create table a (id text primary key, seq integer, body text, hash text);`);
  const insertB = db.prepare('insert into b values (?, 1000000000, 0)');
  for (let i = 0; i < PARTS; i++) insertB.run(i);
  const reserve = db.prepare('update b set reserved = reserved + 1 where id = ? and on_hand - reserved >= 1');
  const insertR = db.prepare('insert into r values (?, ?, 1, ?, ?)');
  const insertA = db.prepare('insert into a values (?, ?, ?, ?)');
  let n = 0;
  const tx = db.transaction((count) => {
    for (let k = 0; k < count; k++) {
      n += 1;
      reserve.run(n % PARTS);
      insertR.run(`r${n}`, n % PARTS, `BENCH-${n}`, new Date().toISOString());
      insertA.run(`a${n}`, n, '{"reservation":1}', 'x'.repeat(64));
    }
  });
  const end = Date.now() + 3000;
  const start = Date.now();
  while (Date.now() < end) tx(perTransaction);
  db.close();
  return n / ((Date.now() - start) / 1000);
}

async function pgbenchCeiling() {
  const db = await freshDatabase('pgbench');
  try {
    const url = new URL(db.url);
    const args = ['-h', url.hostname, '-p', url.port || '5432', '-U', url.username || 'postgres'];
    run('pgbench', [...args, '-i', '-s', '10', '-q', db.name]);
    const out = run('pgbench', [...args, '-c', '16', '-j', '2', '-T', String(SECONDS), '-n', db.name]);
    return Number(/tps = ([\d.]+)/.exec(out)?.[1] ?? NaN);
  } finally {
    await db.drop();
  }
}

const dir = mkdtempSync(join(tmpdir(), 'sparehub-bench-'));
try {
  const rawSqlite = sqliteCeiling(dir, 1);
  const rawSqliteGrouped = sqliteCeiling(dir, 64);
  const sqlite = await measureHub('SQLite', { dataDir: join(dir, 'hub') });
  let pgRow = null;
  let pgTps = NaN;
  try {
    pgTps = await pgbenchCeiling();
    const db = await freshDatabase('hub');
    try {
      pgRow = await measureHub('PostgreSQL', { databaseUrl: db.url, dataDir: join(dir, 'pg') });
    } finally {
      await db.drop();
    }
  } catch (error) {
    console.log(`PostgreSQL part skipped: ${error.message.split('\n')[0]} (${PG_ADMIN_URL})`);
  }
  console.log(
    `\nReservations through the HTTP API — ${CONNECTIONS} connections, ${SECONDS} s, ${new Date().toISOString().slice(0, 10)}, 2 cores`,
  );
  console.log(
    '| store | reservations/s | p50 ms | p99 ms | non-2xx | ceiling | ceiling/s | ratio | target |',
  );
  console.log('|---|---:|---:|---:|---:|---|---:|---:|---:|');
  const row = (r, ceilingName, ceiling) =>
    console.log(
      `| ${r.label} | ${fmt(r.perSecond)} | ${r.p50} | ${r.p99} | ${r.non2xx + r.errors} | ${ceilingName} | ${fmt(ceiling)} | ${fmt(r.perSecond / ceiling, 2)} | ≥ 0.50 |`,
    );
  row(sqlite, 'raw better-sqlite3, 1 reservation per durable transaction', rawSqlite);
  if (pgRow) row(pgRow, 'pgbench TPC-B, 16 clients, scale 10', pgTps);
  console.log(
    `\nFor reference: raw better-sqlite3 with 64 reservations per transaction (what group commit can reach): ${fmt(rawSqliteGrouped)}/s`,
  );
  mkdirSync('bench/results', { recursive: true });
  writeFileSync(
    `bench/results/reservations-${Date.now()}.json`,
    JSON.stringify(
      {
        seconds: SECONDS,
        connections: CONNECTIONS,
        rawSqlite,
        rawSqliteGrouped,
        pgTps,
        sqlite,
        postgres: pgRow,
      },
      null,
      2,
    ),
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
