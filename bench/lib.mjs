// Shared helpers for the benchmarks: start a hub in its own process, make and drop scratch
// PostgreSQL databases, call the API, clean up on every exit path, percentiles, tables and
// result files. Benchmarks print figures; they never assert times.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { percentiles } from '../dist/platform/percentiles.js';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
export const ADMIN_KEY = 'bench_admin_key_0123456789_abcdefghijklmnopqrstuvwxyz';
/** A database the bench may connect to in order to create and drop its scratch databases. */
export const PG_ADMIN_URL =
  process.env.BENCH_PG_ADMIN_URL ??
  process.env.SPAREHUB_TEST_PG_ADMIN_URL ??
  'postgres://postgres@127.0.0.1:5432/test';

export const envNumber = (name, fallback) => {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${name} must be a positive number, got '${raw}'`);
  return n;
};

// --- cleanup -------------------------------------------------------------------------------

const cleanups = [];

/** Registers an undo step; steps run last-in first-out, on success, failure or Ctrl-C. */
export function onCleanup(fn) {
  const entry = { fn, done: false };
  cleanups.push(entry);
  return async () => {
    if (entry.done) return;
    entry.done = true;
    await fn();
  };
}

export async function cleanupAll() {
  while (cleanups.length > 0) {
    const entry = cleanups.pop();
    if (entry.done) continue;
    entry.done = true;
    try {
      await entry.fn();
    } catch (error) {
      console.error(`cleanup failed: ${error?.message ?? error}`);
    }
  }
}

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    console.error(`\n${signal}: cleaning up`);
    void cleanupAll().finally(() => process.exit(130));
  });
}

// --- hub process -----------------------------------------------------------------------------

/**
 * Starts `sparehub serve` in its own process (so the load generator never shares the hub's
 * event loop) and resolves once it prints `sparehub <dialect> listening on <url>`.
 */
export function startHub({ dataDir, databaseUrl, env = {} }) {
  // BENCH_HUB_NODE_ARGS='--cpu-prof --cpu-prof-dir=/tmp/prof' profiles the hub (flags for node).
  const nodeArgs = (process.env.BENCH_HUB_NODE_ARGS ?? '').split(/\s+/).filter(Boolean);
  const args = [...nodeArgs, 'bin/sparehub.js', 'serve', '--port', '0', '--host', '127.0.0.1'];
  if (dataDir) args.push('--data-dir', dataDir);
  const childEnv = { ...process.env, LOG_LEVEL: 'warn', SPAREHUB_ADMIN_KEY: ADMIN_KEY, ...env };
  if (databaseUrl) childEnv.DATABASE_URL = databaseUrl;
  else delete childEnv.DATABASE_URL;
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: childEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stop = onCleanup(() => stopChild(child));
  let output = '';
  let ready = false;
  return new Promise((resolve, reject) => {
    const fail = (message) => {
      clearTimeout(timer);
      void stop().finally(() => reject(new Error(`${message}\n${output.slice(-4000)}`)));
    };
    const timer = setTimeout(() => fail('hub did not print its listening line within 30 s'), 30_000);
    child.stdout.on('data', (chunk) => {
      if (ready) return; // the hub's own log lines are not needed once it listens
      output += chunk;
      const m = /sparehub (\w+) listening on (http:\/\/\S+)/.exec(output);
      if (m) {
        ready = true;
        clearTimeout(timer);
        resolve({ dialect: m[1], url: m[2], child, stop, output: () => output });
      }
    });
    // Keep stderr (warnings, crashes) for the error message, bounded.
    child.stderr.on('data', (chunk) => {
      output = (output + chunk).slice(-20_000);
    });
    child.on('error', (error) => fail(`hub could not be started: ${error.message}`));
    child.on('exit', (code, signal) => {
      if (!ready) fail(`hub exited before listening (code ${code}, signal ${signal})`);
    });
  });
}

function stopChild(child) {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    const kill = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/** CPU seconds (user + system) a process has used so far; null where /proc is not available. */
export function cpuSeconds(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
  } catch {
    return null;
  }
}

const CLOCK_TICKS = (() => {
  try {
    return Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;
  } catch {
    return 100;
  }
})();

// --- PostgreSQL ------------------------------------------------------------------------------

async function adminQuery(text) {
  const client = new pg.Client({ connectionString: PG_ADMIN_URL });
  await client.connect();
  try {
    return await client.query(text);
  } finally {
    await client.end();
  }
}

/**
 * CPU seconds the server's backends for one database have used, summed over the backends
 * connected now (a backend is a process on this machine: its /proc entry gives its CPU).
 * `meter.read()` returns the seconds used since the meter started by every backend seen at
 * start or since; a backend that closed in between is counted up to its last reading.
 */
export async function databaseCpuMeter(databaseName) {
  const client = new pg.Client({ connectionString: PG_ADMIN_URL });
  await client.connect();
  const start = new Map();
  const last = new Map();
  let first = true;
  const sample = async () => {
    const { rows } = await client.query(
      'select pid from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()',
      [databaseName],
    );
    for (const { pid } of rows) {
      const seconds = cpuSeconds(pid);
      if (seconds === null) continue;
      // Backends present at the start count from there; later ones from their beginning.
      if (!start.has(pid)) start.set(pid, first ? seconds : 0);
      last.set(pid, seconds);
    }
    first = false;
  };
  await sample();
  return {
    sample,
    async read() {
      await sample();
      let total = 0;
      for (const [pid, seconds] of last) total += seconds - (start.get(pid) ?? 0);
      return total;
    },
    close: () => client.end(),
  };
}

/** True when the PostgreSQL server of PG_ADMIN_URL answers. */
export async function postgresAvailable() {
  try {
    await adminQuery('select 1');
    return true;
  } catch {
    return false;
  }
}

/** Creates an empty database for one measurement; dropped by `drop()` or at cleanup. */
export async function freshDatabase(label) {
  const name = `sparehub_bench_${label.replace(/[^a-z0-9_]/gi, '_').toLowerCase()}_${process.pid}_${Date.now()}`;
  await adminQuery(`CREATE DATABASE "${name}"`);
  const drop = onCleanup(() => adminQuery(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${name}`;
  return { name, url: url.toString(), drop };
}

/** The connection flags of a postgres:// URL for the command-line tools (psql, pgbench). */
export function pgCliArgs(databaseUrl) {
  const url = new URL(databaseUrl);
  const args = [
    '-h',
    url.hostname,
    '-p',
    url.port || '5432',
    '-U',
    decodeURIComponent(url.username || 'postgres'),
  ];
  const env = url.password ? { PGPASSWORD: decodeURIComponent(url.password) } : {};
  return { args, env, database: decodeURIComponent(url.pathname.slice(1)) };
}

// --- HTTP and commands -------------------------------------------------------------------------

export async function api(base, method, path, body) {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${ADMIN_KEY}`,
      ...(body ? { 'content-type': 'application/json' } : {}),
    },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  if (res.status >= 300) throw new Error(`${method} ${path} → ${res.status}: ${text}`);
  return text ? JSON.parse(text) : undefined;
}

/** Runs `items` through `fn` with at most `concurrency` in flight. */
export async function inParallel(items, concurrency, fn) {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      await fn(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
}

export function run(cmd, args, options = {}) {
  const res = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, ...options });
  if (res.error) throw new Error(`${cmd} could not be run: ${res.error.message}`);
  if (res.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${res.status}): ${res.stderr}`);
  return res.stdout;
}

// --- figures -----------------------------------------------------------------------------------

/** Nearest-rank percentile (p in 0..100) of unsorted numbers, as the hub reports them; NaN for none. */
export function percentile(values, p) {
  return percentiles(values, [p])[0] ?? NaN;
}

export const fmt = (n, digits = 0) =>
  n === null || n === undefined || Number.isNaN(Number(n))
    ? '—'
    : Number(n).toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

/**
 * Prints a Markdown table padded for reading in a terminal. `columns` are
 * `{ title, align: 'left' | 'right' }`; rows are arrays of strings.
 */
export function printTable(columns, rows) {
  const cells = rows.map((row) => row.map((c) => String(c ?? '—')));
  const widths = columns.map((col, i) => Math.max(col.title.length, 3, ...cells.map((r) => r[i].length)));
  const pad = (text, i) => (columns[i].align === 'right' ? text.padStart(widths[i]) : text.padEnd(widths[i]));
  const line = (values) => `| ${values.map(pad).join(' | ')} |`;
  console.log(line(columns.map((c) => c.title)));
  console.log(
    `| ${columns.map((c, i) => (c.align === 'right' ? `${'-'.repeat(widths[i] - 1)}:` : '-'.repeat(widths[i]))).join(' | ')} |`,
  );
  for (const row of cells) console.log(line(row));
}

export function machine() {
  const list = cpus();
  return {
    date: new Date().toISOString(),
    cpus: list.length,
    cpuModel: list[0]?.model?.trim() ?? 'unknown',
    memoryGb: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
  };
}

/** Writes the figures to bench/results/<name>-<timestamp>.json (git-ignored); returns the path. */
export function writeResults(name, data) {
  const dir = join(ROOT, 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const path = join(dir, `${name}-${stamp}.json`);
  writeFileSync(path, `${JSON.stringify(data, null, 2)}\n`);
  return path;
}
