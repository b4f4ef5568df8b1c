import { CompiledQuery, sql, type Insertable } from 'kysely';
import type { Database, Store } from '../../../db/index.js';
import type { Work } from '../../../kernel/index.js';

// Statement sizes are powers of two up to these: a handful of distinct statement texts per
// table, so SQLite's statement cache (db/store.ts) reuses them batch after batch instead
// of preparing (and keeping) one statement for every odd remainder.
const MAX_INSERT_ROWS = 256;
const MAX_IN_LIST = 512;
const MIN_IN_LIST = 8;

const insertTexts = new Map<string, string>();

/**
 * Inserts rows with multi-row INSERTs whose text is compiled once per dialect, table and
 * size and then run with fresh parameters: the query builder's per-value work (a node per
 * bound value, most of an import's garbage) happens once per process, not once per row.
 * All rows must have the same keys in the same order (build them with one literal).
 */
export async function insertRows<T extends keyof Database>(
  w: Work,
  table: T,
  rows: ReadonlyArray<Insertable<Database[T]>>,
): Promise<void> {
  const first = rows[0];
  if (first === undefined) return;
  const columns = Object.keys(first);
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

/**
 * Splits a key list into IN-lists of a few fixed lengths, padding the last by repeating a
 * key (harmless in IN), so a lookup per batch reuses the same few statement texts.
 */
export function inLists<V>(values: readonly V[]): V[][] {
  const lists: V[][] = [];
  for (let at = 0; at < values.length; at += MAX_IN_LIST) {
    const list = values.slice(at, at + MAX_IN_LIST);
    const length = Math.max(MIN_IN_LIST, smallestPowerOfTwoAtLeast(list.length));
    const last = list[list.length - 1] as V;
    while (list.length < length) list.push(last);
    lists.push(list);
  }
  return lists;
}

function largestPowerOfTwoAtMost(n: number): number {
  return 2 ** Math.floor(Math.log2(n));
}

function smallestPowerOfTwoAtLeast(n: number): number {
  return 2 ** Math.ceil(Math.log2(n));
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
