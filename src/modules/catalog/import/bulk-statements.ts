import { CompiledQuery, sql, type Insertable } from 'kysely';
import { rowsOf, type Database, type RowColumn, type Store } from '../../../db/index.js';
import type { Work } from '../../../kernel/index.js';

// Statement sizes are powers of two up to this: a handful of distinct statement texts per
// table, so SQLite's statement cache (db/store.ts) reuses them batch after batch instead
// of preparing (and keeping) one statement for every odd remainder.
const MAX_INSERT_ROWS = 256;

const insertTexts = new Map<string, string>();

/**
 * Inserts rows, all with the same keys in the same order (build them with one literal).
 * SQLite: multi-row INSERTs whose text is compiled once per table and size and then run with
 * fresh parameters, so the query builder's per-value work (a node per bound value, most of
 * an import's garbage) happens once per process, not once per row. PostgreSQL: one INSERT …
 * SELECT from unnest, an array per column, whose one short text is planned once per
 * connection; a 256-row VALUES text (15 KB, 1,792 parameters) was parsed and planned again
 * for every statement, 2.7 s of the server's 12 s for a 300,000-row import.
 */
export async function insertRows<T extends keyof Database>(
  w: Work,
  table: T,
  rows: ReadonlyArray<Insertable<Database[T]>>,
): Promise<void> {
  const first = rows[0];
  if (first === undefined) return;
  const columns = Object.keys(first);
  if (w.dialect === 'postgres') {
    await insertFromArrays(w, table, columns, rows);
    return;
  }
  for (let at = 0; at < rows.length;) {
    const size = Math.min(MAX_INSERT_ROWS, largestPowerOfTwoAtMost(rows.length - at));
    const key = `${w.dialect}|${table}|${columns.join(',')}|${size}`;
    let text = insertTexts.get(key);
    if (text === undefined) {
      const template = w.trx
        .insertInto(table)
        .values(Array.from({ length: size }, () => first))
        .compile();
      // The parameters below are laid out row by row in `columns` order; make sure the
      // compiled text binds exactly that, or fail loudly rather than misplace values.
      if (template.parameters.length !== size * columns.length) {
        throw new Error(`insertRows(${table}): every column must be a bound value`);
      }
      text = template.sql;
      insertTexts.set(key, text);
    }
    const parameters: unknown[] = new Array(size * columns.length);
    let p = 0;
    for (let r = at; r < at + size; r++) {
      const row = rows[r] as Record<string, unknown>;
      for (const column of columns) parameters[p++] = row[column];
    }
    await w.trx.executeQuery(CompiledQuery.raw(text, parameters));
    at += size;
  }
}

async function insertFromArrays(
  w: Work,
  table: string,
  columns: string[],
  rows: ReadonlyArray<Record<string, unknown>>,
): Promise<void> {
  const arrays = columns.map((name): RowColumn => {
    const values = rows.map((row) => row[name] as string | number | null);
    return { name, type: arrayType(table, name, values), values };
  });
  const names = sql.raw(columns.join(', '));
  await sql`insert into ${sql.table(table)} (${names}) select ${names} from ${rowsOf('postgres', arrays)}`.execute(
    w.trx,
  );
}

/** The array type a column's values travel in; the INSERT converts them to the column's type. */
function arrayType(table: string, column: string, values: ReadonlyArray<unknown>): RowColumn['type'] {
  const kinds = new Set(values.filter((v) => v !== null && v !== undefined).map((v) => typeof v));
  if (kinds.size === 0 || (kinds.size === 1 && kinds.has('string'))) return 'text';
  if (kinds.size === 1 && kinds.has('number') && values.every((v) => v == null || Number.isInteger(v)))
    return 'bigint';
  throw new Error(`insertRows(${table}): column ${column} must hold only text or only integers`);
}

/**
 * The rows of `table` (a tenant's) whose `keys` columns equal one of the given key tuples,
 * each looked up through the table's unique index on those columns whatever the planner's
 * statistics say, in one statement of one text for any number of keys. On PostgreSQL each
 * lookup is a LATERAL subquery with LIMIT 1, as the snapshot's (decision 0025): an IN list
 * planned while the table was empty (a first import; the named statement keeps that plan)
 * scanned every part for every batch, 125 s for 100,000 parts instead of a few. On SQLite
 * CROSS JOIN keeps the keys as the outer loop.
 */
export async function rowsByKeys<R>(
  w: Work,
  table: 'parts' | 'part_xrefs',
  keys: RowColumn[],
  select: readonly string[],
): Promise<R[]> {
  if ((keys[0]?.values.length ?? 0) === 0) return [];
  const v = rowsOf(w.dialect, keys);
  const matches = keys.map((k) => `x.${k.name} = v.${k.name}`).join(' and ');
  const picked = sql.raw(select.map((c) => `x.${c}`).join(', '));
  const query =
    w.dialect === 'postgres'
      ? sql<R>`select ${picked} from ${v} cross join lateral (
          select ${sql.raw(select.join(', '))} from ${sql.table(table)} x
           where x.tenant_id = ${w.ctx.tenantId} and ${sql.raw(matches)} limit 1) x`
      : sql<R>`select ${picked} from ${v} cross join ${sql.table(table)} x
           where x.tenant_id = ${w.ctx.tenantId} and ${sql.raw(matches)}`;
  const { rows } = await query.execute(w.trx);
  return rows;
}

function largestPowerOfTwoAtMost(n: number): number {
  return 2 ** Math.floor(Math.log2(n));
}

// SQLite settings for the length of a bulk import (per connection; the store has one).
// temp_store: each unit runs in a savepoint whose journal of changed pages otherwise goes
// to a temporary file, a 4-byte and a 4,096-byte write per page: 60,000 of the 143,000
// writes of a 300,000-row cross-reference import. In memory it is a few MB per unit.
// wal_autocheckpoint: checkpoint every 10,000 pages rather than every 1,000 (fewer fsyncs
// of the database file); the WAL may grow to ~40 MB meanwhile.
const BULK_PRAGMAS = { temp_store: 'MEMORY', wal_autocheckpoint: '10000' } as const;
type BulkPragma = keyof typeof BULK_PRAGMAS;

const bulkWriters = new WeakMap<Store, { count: number; ready: Promise<Map<BulkPragma, number>> }>();

/**
 * Runs a bulk write with the store's bulk settings (SQLite; PostgreSQL has nothing to set),
 * and restores the previous settings when the last concurrent bulk write ends.
 */
export async function duringBulkWrite<T>(store: Store, fn: () => Promise<T>): Promise<T> {
  if (store.dialect !== 'sqlite') return fn();
  let state = bulkWriters.get(store);
  if (!state) {
    state = { count: 0, ready: applyPragmas(store) };
    bulkWriters.set(store, state);
  }
  state.count += 1;
  let succeeded = false;
  try {
    await state.ready;
    const result = await fn();
    succeeded = true;
    return result;
  } finally {
    state.count -= 1;
    if (state.count === 0) {
      bulkWriters.delete(store);
      // An error of the write itself, if any, is the one to report: restoring is best effort then.
      await restorePragmas(store, state.ready).catch((error: unknown) => {
        if (succeeded) throw error;
      });
    }
  }
}

async function applyPragmas(store: Store): Promise<Map<BulkPragma, number>> {
  const saved = new Map<BulkPragma, number>();
  for (const [name, value] of Object.entries(BULK_PRAGMAS) as Array<[BulkPragma, string]>) {
    const { rows } = await sql.raw<Record<string, unknown>>(`pragma ${name}`).execute(store.db);
    const previous = Number(rows[0]?.[name]);
    if (!Number.isInteger(previous)) throw new Error(`pragma ${name} returned ${String(rows[0]?.[name])}`);
    saved.set(name, previous);
    await sql.raw(`pragma ${name} = ${value}`).execute(store.db);
  }
  return saved;
}

async function restorePragmas(store: Store, ready: Promise<Map<BulkPragma, number>>): Promise<void> {
  const saved = await ready;
  for (const [name, value] of saved) await sql.raw(`pragma ${name} = ${value}`).execute(store.db);
}
