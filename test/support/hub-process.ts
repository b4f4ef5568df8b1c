/**
 * Process-level helpers for end-to-end tests: real hub processes (`sparehub serve`) on real
 * sockets, the `sparehub verify` command, and a fresh PostgreSQL database per test file.
 *
 * Every hub spawned here is tracked; `stopAllHubs()` (call it from afterAll) kills whatever is
 * still running, and an exit hook SIGKILLs leftovers if the test worker itself goes away.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, describe } from 'vitest';
import { pgUrl } from './each-store.js';

export const CLI = fileURLToPath(new URL('../../bin/sparehub.js', import.meta.url));

/** The admin key every e2e hub registers (SPAREHUB_ADMIN_KEY) in its default tenant. */
export const E2E_ADMIN_KEY = 'e2e-admin-key-0123456789abcdefghijklmnopqrstuvwxyz';

export const PG_ADMIN_URL =
  process.env.SPAREHUB_TEST_PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** Where a hub keeps its data: a SQLite data directory or a PostgreSQL database. */
export type StoreTarget =
  { dataDir: string; databaseUrl?: undefined } | { databaseUrl: string; dataDir?: undefined };

export interface HubProcess {
  /** http://127.0.0.1:PORT */
  url: string;
  pid: number;
  dialect: string;
  /** Sends a signal; resolves with the exit code (null when the signal ended it). */
  kill(signal?: NodeJS.Signals): Promise<number | null>;
  /** Resolves when the process has exited: its exit code, or null when a signal ended it. */
  exited: Promise<number | null>;
  /** Everything the process wrote to stdout and stderr so far. */
  output(): string;
}

const live = new Set<ChildProcess>();

process.once('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

/** Environment for a child: the caller's, minus anything that would pick another store. */
function childEnv(target: StoreTarget, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of ['DATABASE_URL', 'SPAREHUB_DATA_DIR', 'PORT', 'HOST', 'SPAREHUB_ADMIN_KEY'])
    delete env[name];
  env.LOG_LEVEL = 'warn';
  env.SPAREHUB_ADMIN_KEY = E2E_ADMIN_KEY;
  if (target.databaseUrl) env.DATABASE_URL = target.databaseUrl;
  return { ...env, ...extra };
}

function storeArgs(target: StoreTarget): string[] {
  return target.dataDir ? ['--data-dir', target.dataDir] : [];
}

const LISTENING = /^sparehub (\w+) listening on (http:\/\/127\.0\.0\.1:\d+) — /m;

/**
 * Spawns `sparehub serve --port 0 --host 127.0.0.1` on the store and waits for its
 * "listening" line. Rejects (and kills the process) if it exits or stays silent first.
 */
export async function startHub(
  target: StoreTarget,
  options: { env?: Record<string, string>; startTimeoutMs?: number; args?: string[] } = {},
): Promise<HubProcess> {
  const child = spawn(
    process.execPath,
    [CLI, 'serve', '--port', '0', '--host', '127.0.0.1', ...storeArgs(target), ...(options.args ?? [])],
    { env: childEnv(target, options.env), stdio: ['ignore', 'pipe', 'pipe'] },
  );
  live.add(child);
  let out = '';
  child.stdout.setEncoding('utf8');
  child.stderr.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => (out += chunk));
  child.stderr.on('data', (chunk: string) => (out += chunk));
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code) => {
      live.delete(child);
      resolve(code);
    });
  });
  const kill = async (signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    return exited;
  };

  const timeoutMs = options.startTimeoutMs ?? 30_000;
  const started = await new Promise<{ dialect: string; url: string }>((resolve, reject) => {
    const check = () => {
      const m = LISTENING.exec(out);
      if (m) {
        cleanup();
        resolve({ dialect: m[1]!, url: m[2]! });
      }
    };
    const timer = setTimeout(() => {
      cleanup();
      child.kill('SIGKILL');
      reject(new Error(`hub did not report listening within ${timeoutMs} ms; output:\n${out}`));
    }, timeoutMs);
    const onExit = (code: number | null, signal: NodeJS.Signals | null) => {
      cleanup();
      reject(new Error(`hub exited (code ${code}, signal ${signal}) before listening; output:\n${out}`));
    };
    const cleanup = () => {
      clearTimeout(timer);
      child.stdout.off('data', check);
      child.off('exit', onExit);
    };
    child.stdout.on('data', check);
    child.once('exit', onExit);
    check();
  });
  return {
    url: started.url,
    dialect: started.dialect,
    pid: child.pid!,
    kill,
    exited,
    output: () => out,
  };
}

/** Kills every hub this worker started that is still running; for afterAll. */
export async function stopAllHubs(): Promise<void> {
  const children = [...live];
  await Promise.all(
    children.map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          child.once('exit', () => resolve());
          child.kill('SIGKILL');
        }),
    ),
  );
}

/** Stops a hub gracefully (SIGTERM) and returns its exit code; SIGKILL if it hangs. */
export async function stopHub(hub: HubProcess, graceMs = 10_000): Promise<number | null> {
  const timer = setTimeout(() => void hub.kill('SIGKILL'), graceMs);
  try {
    return await hub.kill('SIGTERM');
  } finally {
    clearTimeout(timer);
  }
}

export interface VerifyResult {
  code: number | null;
  output: string;
}

/** Runs `sparehub verify` on the store; exit code 0 means chain intact and ledger agrees. */
export function runVerify(target: StoreTarget, timeoutMs = 60_000): Promise<VerifyResult> {
  const child = spawn(process.execPath, [CLI, 'verify', ...storeArgs(target)], {
    env: childEnv(target),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  live.add(child);
  let out = '';
  child.stdout.setEncoding('utf8');
  child.stderr.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => (out += chunk));
  child.stderr.on('data', (chunk: string) => (out += chunk));
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      out += `\n[verify killed after ${timeoutMs} ms]`;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.once('close', (code) => {
      clearTimeout(timer);
      live.delete(child);
      resolve({ code, output: out });
    });
  });
}

export interface FreshPgDatabase {
  name: string;
  url: string;
  drop(): Promise<void>;
}

/**
 * Creates an empty PostgreSQL database of its own (the hub migrates it on start), so that
 * `verify`, which checks every tenant in a database, sees only this file's work.
 */
export async function createFreshPgDatabase(label: string): Promise<FreshPgDatabase> {
  const safe = label
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .slice(0, 20);
  const name = `sparehub_e2e_${safe}_${Date.now().toString(36)}_${process.pid}_${randomBytes(3).toString('hex')}`;
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL, connectionTimeoutMillis: 5000 });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    async drop() {
      if (process.env.SPAREHUB_KEEP_TEST_DB) return;
      const client = new pg.Client({ connectionString: PG_ADMIN_URL, connectionTimeoutMillis: 5000 });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}

export interface HttpResult {
  status: number;
  headers: Headers;
  body: any;
}

/** One JSON request with the e2e admin key, through Node's fetch (undici) on a real socket. */
export async function call(
  baseUrl: string,
  method: string,
  path: string,
  options: { body?: unknown; headers?: Record<string, string>; key?: string; timeoutMs?: number } = {},
): Promise<HttpResult> {
  const headers: Record<string, string> = {
    authorization: `Bearer ${options.key ?? E2E_ADMIN_KEY}`,
    ...(options.headers ?? {}),
  };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${baseUrl}${path}`, {
    method,
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
    signal: AbortSignal.timeout(options.timeoutMs ?? 30_000),
  });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    // not JSON
  }
  return { status: res.status, headers: res.headers, body };
}

/** A small seeded PRNG (mulberry32) so a failing random schedule replays with its seed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Runs an end-to-end suite once per store its hub processes will share: a fresh SQLite data
 * directory, and a fresh PostgreSQL database when this run has PostgreSQL (always in CI).
 * `target()` is only valid inside tests, once the store exists.
 */
export function describeEachHubStore(
  name: string,
  suite: (store: 'sqlite' | 'postgres', target: () => StoreTarget) => void,
): void {
  describe(name, () => {
    afterAll(async () => {
      await stopAllHubs();
    });
    describe('sqlite', () => {
      const dataDir = mkdtempSync(join(tmpdir(), 'sparehub-e2e-'));
      afterAll(() => rmSync(dataDir, { recursive: true, force: true }));
      suite('sqlite', () => ({ dataDir }));
    });
    (pgUrl() ? describe : describe.skip)('postgres', () => {
      let db: FreshPgDatabase | undefined;
      beforeAll(async () => {
        db = await createFreshPgDatabase('e2e');
      });
      afterAll(async () => {
        await stopAllHubs();
        await db?.drop();
      });
      suite('postgres', () => {
        if (!db) throw new Error('the PostgreSQL database is not created yet');
        return { databaseUrl: db.url };
      });
    });
  });
}
