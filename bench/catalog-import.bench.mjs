// Bulk import benchmark (issue 3): 100,000 parts and 300,000 cross-references from CSV through
// `sparehub import`, on each store, beside two figures measured in the same run:
// - the ceiling the issue names: reading and parsing the same files with the import's own CSV
//   reader and nothing else;
// - SQLite's floor: the same rows written straight through better-sqlite3 into a migrated
//   database, in the import's transactions (2,000 rows), with its pragmas and its per-batch
//   lookup of the parts, and nothing of the hub (no checks, audit, events or process start).
//   What the store alone needs of any import that keeps its durability and indexes.
// Peak memory is the import process's max RSS.
// Run: npm run build && node bench/catalog-import.bench.mjs
//      BENCH_PARTS (100000), BENCH_STORES ('sqlite,postgres'), BENCH_BATCH (2000)
import { spawnSync } from 'node:child_process';
import {
  copyFileSync,
  createReadStream,
  mkdirSync,
  mkdtempSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { runWork } from '../dist/kernel/index.js';
import { saveScheme } from '../dist/modules/catalog/index.js';
import { csvRecords } from '../dist/modules/catalog/import/csv-records.js';
import { openHub } from '../dist/main.js';
import { loadConfig } from '../dist/platform/config.js';
import { cleanupAll, freshDatabase, onCleanup, postgresAvailable } from './lib.mjs';

const PARTS = Number(process.env.BENCH_PARTS ?? 100_000);
const BATCH = Number(process.env.BENCH_BATCH ?? 2000);
const STORES = (process.env.BENCH_STORES ?? 'sqlite,postgres').split(',').map((s) => s.trim());
const XREFS_PER_PART = 3;
const SCHEMES = [
  {
    code: 'OEM-ACME',
    kind: 'oem',
    issuer: 'Acme',
    description: 'Acme catalogue',
    rules: { case: 'upper', stripCharacters: ' -.', stripLeadingZeros: false, removePrefixes: [] },
  },
  {
    code: 'ERP',
    kind: 'erp_material',
    description: 'ERP material number',
    rules: { case: 'upper', stripCharacters: '', stripLeadingZeros: true, removePrefixes: [] },
  },
  {
    code: 'SUP-BOLTCO',
    kind: 'supplier',
    issuer: 'Boltco',
    description: 'Boltco item',
    rules: { case: 'upper', stripCharacters: ' -/', stripLeadingZeros: false, removePrefixes: ['BC'] },
  },
];

const fmt = (n, d = 1) => n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });
const seconds = (start) => Number(process.hrtime.bigint() - start) / 1e9;

const dir = mkdtempSync(join(tmpdir(), 'sparehub-import-bench-'));
onCleanup(() => rmSync(dir, { recursive: true, force: true }));
try {
  // 1. Files: a few bad rows on purpose, so the rejects path is part of what is measured.
  const partsFile = join(dir, 'parts.csv');
  const xrefsFile = join(dir, 'xrefs.csv');
  const uoms = ['EA', 'EA', 'EA', 'M', 'BOX', 'KG'];
  let parts = 'partNumber,description,baseUom\n';
  let xrefs = 'partNumber,scheme,number,source\n';
  for (let i = 0; i < PARTS; i++) {
    const pn = `BP-${String(i).padStart(7, '0')}`;
    parts +=
      i % 1000 === 999 ? `${pn},,EA\n` : `${pn},"Bench part ${i}, rev ${i % 7}",${uoms[i % uoms.length]}\n`;
    xrefs += `${pn},OEM-ACME,ac-${i}-x,oem\n${pn},ERP,${String(i + 1).padStart(18, '0')},erp\n${pn},SUP-BOLTCO,BC ${i}/7,supplier\n`;
  }
  writeFileSync(partsFile, parts);
  writeFileSync(xrefsFile, xrefs);
  const rows = PARTS * (1 + XREFS_PER_PART);
  const bytes = statSync(partsFile).size + statSync(xrefsFile).size;

  // 2. Ceiling: the import's own CSV reader (csv-parse with the import's options, each record
  // with its line number) over the same files, doing nothing else.
  const parseStart = process.hrtime.bigint();
  const parseCpu = process.cpuUsage();
  let parsed = 0;
  for (const file of [partsFile, xrefsFile]) {
    for await (const _ of csvRecords(createReadStream(file))) parsed++;
  }
  const parseSeconds = seconds(parseStart);
  const parseCpuUsage = process.cpuUsage(parseCpu);
  const parseCpuSeconds = (parseCpuUsage.user + parseCpuUsage.system) / 1e6;

  // What every run pays before reading a byte: starting node and loading the CLI with the
  // import command's modules (`sparehub import --help`: no store opened; best of 3).
  const startSeconds = Math.min(
    ...[1, 2, 3].map(() => {
      const start = process.hrtime.bigint();
      spawnSync(process.execPath, ['bin/sparehub.js', 'import', '--help']);
      return seconds(start);
    }),
  );

  const floor = STORES.includes('sqlite') ? await sqliteFloor() : null;

  const results = [];
  for (const store of STORES) {
    if (store === 'postgres' && !(await postgresAvailable())) {
      console.log('PostgreSQL not available: skipped');
      continue;
    }
    results.push(await measureStore(store, partsFile, xrefsFile));
  }

  console.log(
    `\nBulk import — ${PARTS.toLocaleString()} parts + ${(PARTS * XREFS_PER_PART).toLocaleString()} cross-references (${(bytes / 1e6).toFixed(1)} MB CSV), ${new Date().toISOString().slice(0, 10)}`,
  );
  for (const r of results) console.log(`  ${r.store}: ${r.parts.summary}\n  ${r.store}: ${r.xrefs.summary}`);
  console.log('');
  console.log('| what | seconds | rows/s | CPU s | peak RSS MB | × ceiling |');
  console.log('|---|---:|---:|---:|---:|---:|');
  const ratio = (s) => `${fmt(s / parseSeconds, 2)}×`;
  console.log(
    `| ceiling: read + parse only (csv-parse, ${parsed.toLocaleString()} rows) | ${fmt(parseSeconds, 2)} | ${fmt(parsed / parseSeconds, 0)} | ${fmt(parseCpuSeconds, 2)} | — | 1.00× |`,
  );
  if (floor) {
    console.log(
      `| SQLite floor: the same rows through better-sqlite3 alone (parts ${fmt(floor.parts, 2)} s + cross-references ${fmt(floor.xrefs, 2)} s) | ${fmt(floor.parts + floor.xrefs, 2)} | ${fmt(rows / (floor.parts + floor.xrefs), 0)} | — | — | ${ratio(floor.parts + floor.xrefs)} |`,
    );
  }
  console.log(
    `| process start only (\`sparehub import --help\`) | ${fmt(startSeconds, 2)} | — | — | — | ${ratio(startSeconds)} |`,
  );
  for (const { store, parts: p, xrefs: x } of results) {
    const total = p.seconds + x.seconds;
    console.log(
      `| ${store}: sparehub import parts | ${fmt(p.seconds, 2)} | ${fmt(PARTS / p.seconds, 0)} | ${fmt(p.cpuSeconds, 2)} | ${fmt(p.rss, 0)} | ${ratio(p.seconds)} |`,
    );
    console.log(
      `| ${store}: sparehub import xrefs | ${fmt(x.seconds, 2)} | ${fmt((PARTS * XREFS_PER_PART) / x.seconds, 0)} | ${fmt(x.cpuSeconds, 2)} | ${fmt(x.rss, 0)} | ${ratio(x.seconds)} |`,
    );
    console.log(
      `| **${store}: import, both files (incl. process start)** | ${fmt(total, 2)} | ${fmt(rows / total, 0)} | ${fmt(p.cpuSeconds + x.cpuSeconds, 2)} | ${fmt(Math.max(p.rss, x.rss), 0)} | **${ratio(total)}** |`,
    );
  }
  console.log('');
  for (const { store, parts: p, xrefs: x, verify } of results) {
    const total = p.seconds + x.seconds;
    console.log(
      `${store}: ratio import/ceiling ${fmt(total / parseSeconds, 2)}× (target ≤ 3×), without the two process starts ${fmt((total - 2 * startSeconds) / parseSeconds, 2)}×; peak memory ${fmt(Math.max(p.rss, x.rss), 0)} MB (target < 256 MB); verify: ${verify}`,
    );
  }
  if (floor) {
    console.log(
      `SQLite floor + two process starts: ${fmt((floor.parts + floor.xrefs + 2 * startSeconds) / parseSeconds, 2)}× the ceiling before the hub does anything of its own`,
    );
  }
  mkdirSync('bench/results', { recursive: true });
  writeFileSync(
    `bench/results/catalog-import-${Date.now()}.json`,
    JSON.stringify(
      {
        parts: PARTS,
        xrefs: PARTS * XREFS_PER_PART,
        parseSeconds,
        parseCpuSeconds,
        startSeconds,
        floor,
        results,
      },
      null,
      2,
    ),
  );
} finally {
  await cleanupAll();
}

async function measureStore(store, partsFile, xrefsFile) {
  const target =
    store === 'sqlite'
      ? { dataDir: join(dir, `data-${store}`) }
      : { dataDir: join(dir, `data-${store}`), databaseUrl: (await freshDatabase('import')).url };
  mkdirSync(target.dataDir, { recursive: true });
  const env = { ...process.env, LOG_LEVEL: 'warn' };
  if (target.databaseUrl) env.DATABASE_URL = target.databaseUrl;
  else delete env.DATABASE_URL;

  // The schemes the cross-references use.
  const hub = await openHub(
    loadConfig({}, { dataDir: target.dataDir, databaseUrl: target.databaseUrl, logLevel: 'silent' }),
  );
  await runWork(hub.store, hub.systemCtx(), async (w) => {
    for (const s of SCHEMES) await saveScheme(w, s);
  });
  await hub.close();

  // The import, as a user runs it, in its own process so its peak RSS is its own.
  const run = (kind, file) => {
    const start = process.hrtime.bigint();
    const res = spawnSync(
      '/usr/bin/time',
      [
        '-f',
        'MAXRSS_KB=%M CPU_S=%U+%S',
        process.execPath,
        // e.g. BENCH_IMPORT_NODE_ARGS='--cpu-prof --cpu-prof-dir=/tmp/prof' to profile the import
        ...(process.env.BENCH_IMPORT_NODE_ARGS ?? '').split(/\s+/).filter(Boolean),
        'bin/sparehub.js',
        'import',
        kind,
        file,
        '--data-dir',
        target.dataDir,
        '--batch',
        String(BATCH),
      ],
      { encoding: 'utf8', env },
    );
    const elapsed = seconds(start);
    const rss = Number(/MAXRSS_KB=(\d+)/.exec(res.stderr)?.[1] ?? NaN) / 1024;
    // CPU seconds of the whole process, every thread (the import parses on a second one).
    const cpu = /CPU_S=([\d.]+)\+([\d.]+)/.exec(res.stderr);
    const cpuSeconds = cpu ? Number(cpu[1]) + Number(cpu[2]) : NaN;
    const summary = res.stdout.split('\n').find((l) => l.startsWith('imported')) ?? res.stdout + res.stderr;
    return { seconds: elapsed, cpuSeconds, rss, summary, status: res.status };
  };
  const p = run('parts', partsFile);
  const x = run('xrefs', xrefsFile);
  const verify = spawnSync(process.execPath, ['bin/sparehub.js', 'verify', '--data-dir', target.dataDir], {
    encoding: 'utf8',
    env,
  });
  return {
    store,
    parts: p,
    xrefs: x,
    verify: (verify.stdout + verify.stderr).trim().split('\n').at(-1),
  };
}

/**
 * The same rows as the import writes, straight through better-sqlite3 into a freshly migrated
 * database with the store's pragmas and the import's bulk ones: 256-row INSERTs, a transaction
 * per 2,000 rows, and per cross-reference batch the read of its parts' ids. No CSV, checks,
 * audit, events, hub or process start.
 */
async function sqliteFloor() {
  const floorDir = join(dir, 'floor');
  mkdirSync(floorDir);
  const hub = await openHub(loadConfig({}, { dataDir: floorDir, logLevel: 'silent' }));
  const tenantId = hub.systemCtx().tenantId;
  await hub.close();
  const file = join(floorDir, 'floor.db');
  copyFileSync(join(floorDir, 'sparehub.db'), file);
  const db = new Database(file);
  for (const pragma of [
    'journal_mode = WAL',
    'synchronous = FULL',
    'foreign_keys = ON',
    'temp_store = MEMORY',
    'wal_autocheckpoint = 10000',
  ])
    db.pragma(pragma);
  const now = new Date().toISOString();
  const id = (i) => `prt_01JXBENCH${String(i).padStart(16, '0')}`;
  const pn = (i) => `BP-${String(i).padStart(7, '0')}`;
  const insert = (table, width, count) =>
    db.prepare(
      `insert into ${table} values ${Array.from({ length: count }, () => `(${Array(width).fill('?').join(',')})`).join(',')}`,
    );
  const insertParts = insert('parts', 9, 250);
  let start = process.hrtime.bigint();
  for (let b = 0; b < PARTS; b += BATCH) {
    db.exec('begin');
    for (let s = b; s < Math.min(PARTS, b + BATCH); s += 250) {
      const values = [];
      for (let i = s; i < s + 250 && i < PARTS; i++)
        values.push(id(i), tenantId, pn(i), `Bench part ${i}, rev ${i % 7}`, 'EA', 1, 'none', now, now);
      if (values.length === 250 * 9) insertParts.run(values);
      else insert('parts', 9, values.length / 9).run(values);
    }
    db.exec('commit');
  }
  const partsSeconds = seconds(start);
  const insertXrefs = insert('part_xrefs', 7, 250);
  const perBatch = BATCH / XREFS_PER_PART;
  const lookup = db.prepare(
    `select id, part_number from parts where tenant_id = ? and part_number in (${Array(Math.ceil(perBatch)).fill('?').join(',')})`,
  );
  const total = PARTS * XREFS_PER_PART;
  start = process.hrtime.bigint();
  for (let b = 0; b < total; b += BATCH) {
    db.exec('begin');
    const first = Math.floor(b / XREFS_PER_PART);
    const numbers = Array.from({ length: Math.ceil(perBatch) }, (_, k) => pn(Math.min(PARTS - 1, first + k)));
    lookup.all(tenantId, ...numbers);
    for (let s = b; s < Math.min(total, b + BATCH); s += 250) {
      const values = [];
      for (let r = s; r < s + 250 && r < total; r++) {
        const i = Math.floor(r / XREFS_PER_PART);
        const [scheme, normalized, raw] =
          r % 3 === 0
            ? ['OEM-ACME', `AC${i}X`, `ac-${i}-x`]
            : r % 3 === 1
              ? ['ERP', String(i + 1), String(i + 1).padStart(18, '0')]
              : ['SUP-BOLTCO', `${i}7`, `BC ${i}/7`];
        values.push(tenantId, scheme, normalized, raw, id(i), 'oem', now);
      }
      if (values.length === 250 * 7) insertXrefs.run(values);
      else insert('part_xrefs', 7, values.length / 7).run(values);
    }
    db.exec('commit');
  }
  const xrefsSeconds = seconds(start);
  db.close();
  return { parts: partsSeconds, xrefs: xrefsSeconds };
}
