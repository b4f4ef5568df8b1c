import { sql, type RawBuilder } from 'kysely';
import type { DialectName } from './store.js';

type Cell = string | number | null;

export interface RowColumn {
  /** A fixed identifier of the caller's, never input: it is written into the statement. */
  name: string;
  type: 'text' | 'bigint' | 'integer';
  values: readonly Cell[];
}

/**
 * Rows given column by column as a derived table `v`: on PostgreSQL `unnest` over one array
 * parameter per column, on SQLite `json_each` over one JSON text of the rows. A VALUES list
 * or an IN list costs a bound parameter and a query-builder node per value, and a statement
 * text per length; this is one text whatever the number of rows (decision 0025).
 */
export function rowsOf(dialect: DialectName, columns: RowColumn[]): RawBuilder<unknown> {
  const names = sql.raw(columns.map((c) => c.name).join(', '));
  if (dialect === 'postgres') {
    const arrays = sql.join(columns.map((c) => sql`${c.values}::${sql.raw(c.type)}[]`));
    return sql`unnest(${arrays}) as v(${names})`;
  }
  const [only] = columns;
  // One column: an array of scalars, whose elements json_each hands out as SQL values; each
  // row of several columns is an array that `->>` takes apart.
  if (only && columns.length === 1)
    return sql`(select j.value as ${names} from json_each(${JSON.stringify(only.values)}) as j) as v`;
  const count = only?.values.length ?? 0;
  const rows: Cell[][] = new Array<Cell[]>(count);
  for (let i = 0; i < count; i++) rows[i] = columns.map((c) => c.values[i] ?? null);
  const picks = sql.raw(columns.map((c, i) => `j.value ->> ${i} as ${c.name}`).join(', '));
  return sql`(select ${picks} from json_each(${JSON.stringify(rows)}) as j) as v`;
}
