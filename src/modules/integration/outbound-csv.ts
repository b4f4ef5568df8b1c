/**
 * Outbound CSV: a flow's mapping output — one flat object or a list of them — written as one
 * CSV document with a header row. Columns are the flow's `options.csv.columns` when given
 * (a 3PL's fixed layout), else every key in the order it first appears. Anything that is not
 * a flat row of strings, numbers, booleans or nulls cannot be a CSV row and is dead-lettered
 * with a code instead of being flattened into something the receiver did not ask for.
 */
import { stringify } from 'csv-stringify/sync';
import type { RenderedBody } from './outbound-x12.js';

export const CSV_CONTENT_TYPE = 'text/csv';

/** Codes a csv delivery is dead-lettered with when its body cannot be written. */
export const OUTBOUND_CSV_CODES = ['OUTBOUND_NOT_TABULAR', 'OUTBOUND_CSV_COLUMN_UNKNOWN'] as const;

type Cell = string | number | boolean | null;

export function renderCsv(output: unknown, columns?: readonly string[]): RenderedBody {
  const rows = Array.isArray(output) ? output : [output];
  const checked: Array<Record<string, Cell>> = [];
  for (const [i, row] of rows.entries()) {
    if (row === null || typeof row !== 'object' || Array.isArray(row))
      return notTabular(
        `row ${i + 1} is ${Array.isArray(row) ? 'a list' : String(row === null ? 'null' : typeof row)}, not an object`,
      );
    for (const [key, value] of Object.entries(row as Record<string, unknown>)) {
      if (value !== null && !['string', 'number', 'boolean'].includes(typeof value))
        return notTabular(
          `row ${i + 1} field '${key}' is ${Array.isArray(value) ? 'a list' : typeof value}: a CSV cell holds a value`,
        );
      if (typeof value === 'number' && !Number.isFinite(value))
        return notTabular(`row ${i + 1} field '${key}' is not a finite number`);
    }
    checked.push(row as Record<string, Cell>);
  }
  const header = columns ?? [...new Set(checked.flatMap((r) => Object.keys(r)))];
  if (columns) {
    const unknown = [...new Set(checked.flatMap((r) => Object.keys(r)))].filter((k) => !columns.includes(k));
    if (unknown.length > 0)
      return {
        ok: false,
        code: 'OUTBOUND_CSV_COLUMN_UNKNOWN',
        detail: `fields not among the flow's columns (${columns.join(', ')}): ${unknown.join(', ')}`,
      };
  }
  const body = stringify(
    checked.map((r) => header.map((c) => r[c] ?? null)),
    {
      header: true,
      columns: header,
      record_delimiter: 'windows',
      cast: { boolean: (b) => (b ? 'true' : 'false') },
    },
  );
  return { ok: true, contentType: CSV_CONTENT_TYPE, body };
}

function notTabular(detail: string): RenderedBody {
  return { ok: false, code: 'OUTBOUND_NOT_TABULAR', detail };
}
