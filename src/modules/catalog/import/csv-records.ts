import { Parser, type Options } from 'csv-parse';
import type { Readable } from 'node:stream';

/** One CSV record keyed by header, with the 1-based line it ended on (the header is line 1). */
export interface NumberedRecord {
  record: Record<string, string>;
  line: number;
}

/** How import files are read: a header row, an optional BOM, cells trimmed, short rows allowed. */
export const CSV_IMPORT_OPTIONS = {
  columns: true,
  bom: true,
  skip_empty_lines: true,
  trim: true,
  relax_column_count: true,
} as const satisfies Options;

/**
 * csv-parse's stream, handing out each record with its line number. The parser pushes a
 * record synchronously once it is complete, so its live `info.lines` is then that record's
 * line, the same number `on_record` gets in its context. Reading it here is free, whereas
 * `on_record` (and `info: true`) copy the whole info object for every record: about half
 * of the parse time and much of an import's garbage.
 */
class NumberedParser extends Parser {
  override push(record: unknown, encoding?: BufferEncoding): boolean {
    return super.push(record === null ? null : { record, line: this.info.lines }, encoding);
  }
}

/**
 * The records of a CSV stream in order. A failing source (a broken upload, a size limit)
 * ends the iteration with its error: pipe() alone would leave the parser waiting for input.
 */
export function csvRecords(source: Readable): AsyncIterable<NumberedRecord> {
  const parser = source.pipe(new NumberedParser(CSV_IMPORT_OPTIONS));
  source.once('error', (error) => parser.destroy(error));
  return parser as AsyncIterable<NumberedRecord>;
}
