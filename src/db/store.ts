import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import {
  Kysely,
  Migrator,
  PostgresDialect,
  SqliteDialect,
  sql,
  type MigrationResultSet,
  type Transaction,
} from 'kysely';
import type pg from 'pg';
import { AppError } from '../platform/errors.js';
import { migrationProvider } from './migrations/index.js';
import { DEFERRED_BEGIN, adaptClient, isStalePreparedStatement } from './pg-client.js';
import type { Database } from './schema.js';

export type DialectName = 'sqlite' | 'postgres';
export type Trx = Transaction<Database>;

/**
 * Statements a unit hands to the store to run in the same round trip as its COMMIT
 * (PostgreSQL: one simple-protocol query, values already escaped as literals). The audit
 * chain head is locked there, so its lock is held for one round trip instead of three.
 */
export interface CommitTail {
  add(statement: string): void;
  /** 1 on the first run of the unit; a tail statement may raise TAKE_FULL_PATH to have it run again. */
  readonly attempt: number;
}

/**
 * SQLSTATE a statement of the commit tail raises when its fast path does not apply (the
 * reservation fast path, decision 0024): the transaction rolls back and the store runs the
 * unit again at once, with `attempt` above 1, and the unit takes its general path.
 */
export const TAKE_FULL_PATH = 'SH001';

/**
 * The one door to the database. Reads use `db`; every change goes through `transaction`,
 * which on SQLite joins a group commit and on PostgreSQL retries on serialization conflicts.
 */
export interface Store {
  readonly dialect: DialectName;
  readonly db: Kysely<Database>;
  /** Human-readable location of the data, for logs and `verify` (no credentials). */
  readonly description: string;
  /** `tail` is null where the store has no use for it (SQLite: statements run inline). */
  transaction<T>(fn: (trx: Trx, tail: CommitTail | null) => Promise<T>): Promise<T>;
  migrate(): Promise<MigrationResultSet>;
  ping(): Promise<void>;
  close(): Promise<void>;
}

export interface StoreOptions {
  databaseUrl?: string | undefined;
  dataDir?: string;
  /** SQLite file name inside dataDir; ':memory:' is allowed for throwaway stores. */
  sqliteFile?: string;
  poolSize?: number;
  /** PostgreSQL: name parameterised statements so they are planned once per connection (default on). */
  preparedStatements?: boolean;
}

/** Thrown inside a transaction to have the whole unit retried (e.g. a lost unique-key race). */
export class RetryTransaction extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'RetryTransaction';
  }
}

export function openStore(options: StoreOptions): Store {
  if (options.databaseUrl?.startsWith('postgres'))
    return openPostgres(options.databaseUrl, options.poolSize, options.preparedStatements ?? true);
  const dataDir = options.dataDir ?? './data';
  const file = options.sqliteFile ?? 'sparehub.db';
  const path = file === ':memory:' ? file : join(dataDir, file);
  if (file !== ':memory:') mkdirSync(dataDir, { recursive: true });
  return openSqlite(path);
}

function migrator(db: Kysely<Database>): Migrator {
  return new Migrator({ db, provider: migrationProvider });
}

async function runMigrations(db: Kysely<Database>): Promise<MigrationResultSet> {
  const result = await migrator(db).migrateToLatest();
  if (result.error)
    throw result.error instanceof Error ? result.error : new Error(JSON.stringify(result.error));
  return result;
}

// --- SQLite ---------------------------------------------------------------------------

const MAX_BATCH = 256;

interface Job {
  fn: (trx: Trx, tail: CommitTail | null) => Promise<unknown>;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

function openSqlite(path: string): Store {
  const raw = new SqliteDatabase(path);
  raw.pragma('journal_mode = WAL');
  // FULL: a commit is on disk before it is acknowledged. Throughput comes from group commit.
  raw.pragma('synchronous = FULL');
  raw.pragma('foreign_keys = ON');
  raw.pragma('busy_timeout = 5000');
  // Kysely prepares every query anew; the statement cache saves that work on the hot path.
  // Safe: better-sqlite3 runs one statement at a time on this single connection.
  const statements = new Map<string, SqliteDatabase.Statement>();
  const cached = {
    close: () => raw.close(),
    prepare(query: string) {
      let stmt = statements.get(query);
      if (!stmt) {
        if (statements.size > 2000) statements.clear();
        stmt = raw.prepare(query);
        statements.set(query, stmt);
      }
      return stmt;
    },
  };
  const db = new Kysely<Database>({
    dialect: new SqliteDialect({ database: cached }),
  });

  const queue: Job[] = [];
  let draining = false;

  // Every unit of work that arrives while a batch is running joins the next batch: one fsync
  // for many units. Each unit runs in its own savepoint so a failure undoes only that unit.
  async function drain(): Promise<void> {
    if (draining) return;
    draining = true;
    try {
      while (queue.length > 0) {
        const batch = queue.splice(0, MAX_BATCH);
        await runBatch(batch);
      }
    } finally {
      draining = false;
    }
  }

  async function runBatch(batch: Job[]): Promise<void> {
    const outcomes: Array<{ ok: true; value: unknown } | { ok: false; error: unknown }> = [];
    let trx;
    try {
      trx = await db.startTransaction().execute();
    } catch (error) {
      for (const job of batch) job.reject(error);
      return;
    }
    try {
      for (const job of batch) {
        await sql`savepoint unit`.execute(trx);
        try {
          const value = await job.fn(trx, null);
          await sql`release savepoint unit`.execute(trx);
          outcomes.push({ ok: true, value });
        } catch (error) {
          await sql`rollback to savepoint unit`.execute(trx);
          await sql`release savepoint unit`.execute(trx);
          outcomes.push({ ok: false, error });
        }
      }
      await trx.commit().execute();
    } catch (error) {
      await trx
        .rollback()
        .execute()
        .catch(() => undefined);
      for (const job of batch) job.reject(error);
      return;
    }
    batch.forEach((job, i) => {
      const outcome = outcomes[i];
      if (outcome?.ok) job.resolve(outcome.value);
      else job.reject(outcome?.error);
    });
  }

  return {
    dialect: 'sqlite',
    db,
    description: `sqlite:${path}`,
    async transaction<T>(fn: (trx: Trx, tail: CommitTail | null) => Promise<T>): Promise<T> {
      for (let attempt = 1; ; attempt++) {
        try {
          return await new Promise<T>((resolve, reject) => {
            queue.push({ fn, resolve: resolve as (v: unknown) => void, reject });
            // setImmediate lets every request parsed in this turn of the event loop join the batch.
            if (queue.length === 1) setImmediate(() => void drain());
          });
        } catch (error) {
          if (!(error instanceof RetryTransaction)) throw error;
          if (attempt >= MAX_ATTEMPTS) throw busy(error);
        }
      }
    },
    migrate: () => runMigrations(db),
    async ping() {
      await sql`select 1`.execute(db);
    },
    async close() {
      while (queue.length > 0 || draining) await new Promise((r) => setTimeout(r, 5));
      await db.destroy();
    },
  };
}

// --- PostgreSQL -----------------------------------------------------------------------

const RETRYABLE_PG_CODES = new Set(['40001', '40P01']);
const MAX_ATTEMPTS = 8;

// pg is loaded when a PostgreSQL store opens, not with this module: every command on the
// embedded store (an import, `verify`, …) would otherwise load it for nothing, ~60 ms.
const require = createRequire(import.meta.url);
const loadPg = (): typeof pg => require('pg') as typeof pg;

function pgTypes(pg: ReturnType<typeof loadPg>): pg.CustomTypesConfig {
  // int8 and numeric arrive as strings by default; our values stay far below 2^53.
  return {
    getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
      if (oid === 20 || oid === 1700) return (value: string) => Number(value);
      return pg.types.getTypeParser(oid, format) as unknown;
    }) as pg.CustomTypesConfig['getTypeParser'],
  };
}

function openPostgres(url: string, poolSize: number | undefined, preparedStatements: boolean): Store {
  const pg = loadPg();
  const pool = new pg.Pool({ connectionString: url, max: poolSize ?? 10, types: pgTypes(pg) });
  pool.on('connect', (client) => adaptClient(client, { nameStatements: preparedStatements }));
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  const safeUrl = new URL(url);
  safeUrl.password = '';

  return {
    dialect: 'postgres',
    db,
    description: `postgres:${safeUrl.host}${safeUrl.pathname}`,
    async transaction<T>(fn: (trx: Trx, tail: CommitTail | null) => Promise<T>): Promise<T> {
      for (let attempt = 1; ; attempt++) {
        try {
          return await inTransaction(db, attempt, fn);
        } catch (error) {
          if (isFullPathRequest(error) && attempt < MAX_ATTEMPTS) continue; // not a collision: no wait
          if (!isRetryable(error)) throw error;
          if (attempt >= MAX_ATTEMPTS) throw busy(error);
          // Jittered backoff so that colliding transactions do not collide again.
          await new Promise((r) => setTimeout(r, Math.random() * 4 * attempt));
        }
      }
    },
    migrate: () => runMigrations(db),
    async ping() {
      await sql`select 1`.execute(db);
    },
    close: () => db.destroy(),
  };
}

/**
 * BEGIN … COMMIT on one pooled connection, by hand rather than through Kysely's transaction
 * so that the unit's last statements travel with COMMIT in one simple-protocol query.
 */
async function inTransaction<T>(
  db: Kysely<Database>,
  attempt: number,
  fn: (trx: Trx, tail: CommitTail | null) => Promise<T>,
): Promise<T> {
  return db.connection().execute(async (connection) => {
    // Sends nothing yet: BEGIN goes out with the unit's first statement (pg-client.ts).
    await sql.raw(DEFERRED_BEGIN).execute(connection);
    const statements: string[] = [];
    try {
      // The connection is inside our BEGIN; use cases only build queries on it, never nest.
      const value = await fn(connection as unknown as Trx, {
        add: (statement) => statements.push(statement),
        attempt,
      });
      statements.push('commit');
      await sql.raw(statements.join(';\n')).execute(connection);
      return value;
    } catch (error) {
      await sql
        .raw('rollback')
        .execute(connection)
        .catch(() => undefined);
      throw error;
    }
  });
}

/** Retries ran out: the client may simply try again, so say so rather than fail with a 500. */
function busy(cause: unknown): AppError {
  return new AppError(
    'STORE_BUSY',
    `The change collided with others ${MAX_ATTEMPTS} times: ${(cause as Error).message}`,
  );
}

function isFullPathRequest(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === TAKE_FULL_PATH;
}

function isRetryable(error: unknown): boolean {
  if (error instanceof RetryTransaction) return true;
  if (isStalePreparedStatement(error)) return true; // prepared anew on the next attempt
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && RETRYABLE_PG_CODES.has(code);
}
