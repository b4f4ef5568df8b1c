// Bulk import benchmark (issue 3): 100,000 parts and 300,000 cross-references from CSV through
// `sparehub import`, beside the ceiling measured in the same run: reading and parsing the same
// files with the import's own CSV reader and nothing else. Peak memory is the import process's max RSS.
// Run: npm run build && node bench/catalog-import.bench.mjs   (BENCH_PARTS=… to scale)
import { spawnSync } from 'node:child_process';
import { createReadStream, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runWork } from '../dist/kernel/index.js';
import { saveScheme } from '../dist/modules/catalog/index.js';
import { csvRecords } from '../dist/modules/catalog/import/csv-records.js';
import { openHub } from '../dist/main.js';
import { loadConfig } from '../dist/platform/config.js';

const PARTS = Number(process.env.BENCH_PARTS ?? 100_000);
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

const dir = mkdtempSync(join(tmpdir(), 'sparehub-import-bench-'));
const dataDir = join(dir, 'data');
mkdirSync(dataDir);
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
  const parseSeconds = Number(process.hrtime.bigint() - parseStart) / 1e9;
  const parseCpuUsage = process.cpuUsage(parseCpu);
  const parseCpuSeconds = (parseCpuUsage.user + parseCpuUsage.system) / 1e6;

  // 3. The schemes the cross-references use.
  const hub = await openHub(loadConfig({}, { dataDir, logLevel: 'silent' }));
  await runWork(hub.store, hub.systemCtx(), async (w) => {
    for (const s of SCHEMES) await saveScheme(w, s);
  });
  await hub.close();

  // 4. The import, as a user runs it, in its own process so its peak RSS is its own.
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
        dataDir,
        '--batch',
        process.env.BENCH_BATCH ?? '2000',
      ],
      { encoding: 'utf8', env: { ...process.env, LOG_LEVEL: 'warn' } },
    );
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    const rss = Number(/MAXRSS_KB=(\d+)/.exec(res.stderr)?.[1] ?? NaN) / 1024;
    // CPU seconds of the whole process, every thread (the import parses on a second one).
    const cpu = /CPU_S=([\d.]+)\+([\d.]+)/.exec(res.stderr);
    const cpuSeconds = cpu ? Number(cpu[1]) + Number(cpu[2]) : NaN;
    const summary = res.stdout.split('\n').find((l) => l.startsWith('imported')) ?? res.stdout + res.stderr;
    return { seconds, cpuSeconds, rss, summary, status: res.status };
  };
  // What every run pays before reading a byte: starting node and loading the CLI with the
  // import command's modules (`sparehub import --help`: no store opened; best of 3).
  const startSeconds = Math.min(
    ...[1, 2, 3].map(() => {
      const start = process.hrtime.bigint();
      spawnSync(process.execPath, ['bin/sparehub.js', 'import', '--help']);
      return Number(process.hrtime.bigint() - start) / 1e9;
    }),
  );
  const p = run('parts', partsFile);
  const x = run('xrefs', xrefsFile);
  const importSeconds = p.seconds + x.seconds;
  const verify = spawnSync(process.execPath, ['bin/sparehub.js', 'verify', '--data-dir', dataDir], {
    encoding: 'utf8',
  });

  const fmt = (n, d = 1) => n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });
  console.log(
    `\nBulk import — ${PARTS.toLocaleString()} parts + ${(PARTS * XREFS_PER_PART).toLocaleString()} cross-references (${(bytes / 1e6).toFixed(1)} MB CSV), SQLite, ${new Date().toISOString().slice(0, 10)}`,
  );
  console.log(`  ${p.summary}\n  ${x.summary}`);
  console.log('');
  console.log('| what | seconds | rows/s | CPU s | peak RSS MB |');
  console.log('|---|---:|---:|---:|---:|');
  console.log(
    `| ceiling: read + parse only (csv-parse, ${parsed.toLocaleString()} rows) | ${fmt(parseSeconds, 2)} | ${fmt(parsed / parseSeconds, 0)} | ${fmt(parseCpuSeconds, 2)} | — |`,
  );
  console.log(
    `| sparehub import parts | ${fmt(p.seconds, 2)} | ${fmt(PARTS / p.seconds, 0)} | ${fmt(p.cpuSeconds, 2)} | ${fmt(p.rss, 0)} |`,
  );
  console.log(
    `| sparehub import xrefs | ${fmt(x.seconds, 2)} | ${fmt((PARTS * XREFS_PER_PART) / x.seconds, 0)} | ${fmt(x.cpuSeconds, 2)} | ${fmt(x.rss, 0)} |`,
  );
  console.log(`| process start only (\`sparehub import --help\`) | ${fmt(startSeconds, 2)} | — | — | — |`);
  console.log(
    `| import, both files (incl. process start) | ${fmt(importSeconds, 2)} | ${fmt(rows / importSeconds, 0)} | ${fmt(p.cpuSeconds + x.cpuSeconds, 2)} | ${fmt(Math.max(p.rss, x.rss), 0)} |`,
  );
  console.log('');
  console.log(
    `ratio import/ceiling: ${fmt(importSeconds / parseSeconds, 2)}× (target ≤ 3×); peak memory ${fmt(Math.max(p.rss, x.rss), 0)} MB (target < 256 MB)`,
  );
  console.log(
    `  of which process start: ${fmt((2 * startSeconds) / parseSeconds, 2)}×; without it: ${fmt((importSeconds - 2 * startSeconds) / parseSeconds, 2)}×`,
  );
  console.log(`verify after import: ${verify.stdout.trim().split('\n').at(-1)}`);
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
        parts_import: p,
        xrefs_import: x,
        ratio: importSeconds / parseSeconds,
      },
      null,
      2,
    ),
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
