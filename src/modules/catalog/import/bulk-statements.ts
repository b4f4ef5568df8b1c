import { CompiledQuery, type Insertable } from 'kysely';
import type { Database } from '../../../db/index.js';
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
