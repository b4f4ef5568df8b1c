import { Parser, type Options } from 'csv-parse';
import { inventoryAdviceSchema, type MessageOf } from '../../../modules/integration/canonical.js';
import type { CsvReject, CsvRejectCode } from './tabular.errors.js';

type InventoryAdvice = MessageOf<'inventory.advice'>;
type AdviceLine = InventoryAdvice['lines'][number];

/** Message types a CSV can carry; each has its own field list and row rule below. */
export type CsvMessageType = 'inventory.advice';

/** Canonical fields of an inventory advice line a CSV column can feed. */
export const INVENTORY_ADVICE_FIELDS = [
  'partNumber',
  'quantity',
  'uom',
  'locationCode',
  'quantityKind',
  'lineNumber',
  'description',
  'scheme',
] as const;
export type InventoryAdviceField = (typeof INVENTORY_ADVICE_FIELDS)[number];

export interface CsvReadOptions {
  messageType: CsvMessageType;
  /** Every chunk's message carries this document id. */
  documentId: string;
  /** Canonical field to CSV header; a field not mapped is read from the header of its own name. */
  columns?: Partial<Record<InventoryAdviceField, string>>;
  delimiter?: string;
  /** Lines per message. Default 5000. */
  chunkSize?: number;
  /** The snapshot's date (ISO). Default: today, UTC. */
  asOf?: string;
  /** Unit for rows without one; without it, the unit column is required. */
  defaultUom?: string;
  /** Part number scheme when the row has none. Default `vendor`. */
  scheme?: string;
  /** Longest record accepted, in characters. Default 64 KiB. */
  maxRecordSize?: number;
}

export interface CsvReadSummary {
  /** Data rows read (the header not counted). */
  rows: number;
  accepted: number;
  rejected: number;
  chunks: number;
}

/** What the reader yields, in file order: messages, rejects, then one `end`. */
export type CsvReadEvent =
  | {
      kind: 'message';
      documentId: string;
      /** 0-based; all chunks of one file share the document id. */
      chunkIndex: number;
      firstRow: number;
      lastRow: number;
      message: InventoryAdvice;
    }
  | { kind: 'reject'; reject: CsvReject }
  | { kind: 'end'; summary: CsvReadSummary };

const QUANTITY_KINDS: ReadonlySet<string> = new Set(
  inventoryAdviceSchema.shape.lines.element.shape.quantityKind.unwrap().options,
);
const DECIMAL = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)$/;

const SLICE = 64 * 1024;

function* stringSlices(text: string): Generator<Buffer> {
  // Slices end before a high surrogate so no character is cut in two.
  for (let at = 0; at < text.length;) {
    let end = Math.min(at + SLICE, text.length);
    const last = text.charCodeAt(end - 1);
    if (end < text.length && last >= 0xd800 && last <= 0xdbff) end -= 1;
    yield Buffer.from(text.slice(at, end), 'utf8');
    at = end;
  }
}

async function* asBuffers(source: AsyncIterable<Uint8Array | string> | string): AsyncGenerator<Buffer> {
  if (typeof source === 'string') {
    yield* stringSlices(source);
    return;
  }
  for await (const chunk of source) {
    if (typeof chunk === 'string') yield* stringSlices(chunk);
    else if (chunk instanceof Uint8Array) yield Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    else throw new TypeError('a source chunk is neither a string nor bytes');
  }
}

type RowResult = { ok: true; line: AdviceLine } | { ok: false; code: CsvRejectCode; message: string };

function adviceLine(
  cells: Record<string, string | undefined>,
  mapping: Record<InventoryAdviceField, string>,
  row: number,
  options: CsvReadOptions,
): RowResult {
  const cell = (f: InventoryAdviceField): string | undefined => {
    const value = cells[mapping[f]]?.trim();
    return value === '' ? undefined : value;
  };
  const partNumber = cell('partNumber');
  if (partNumber === undefined)
    return { ok: false, code: 'CSV_EMPTY_PART', message: `column '${mapping.partNumber}' is empty` };
  const rawQuantity = cell('quantity');
  const quantity = rawQuantity !== undefined && DECIMAL.test(rawQuantity) ? Number(rawQuantity) : Number.NaN;
  if (!Number.isFinite(quantity) || quantity < 0) {
    return {
      ok: false,
      code: 'CSV_BAD_QUANTITY',
      message: `column '${mapping.quantity}' must be a decimal of zero or more, got '${(rawQuantity ?? '').slice(0, 40)}'`,
    };
  }
  const uom = cell('uom') ?? options.defaultUom;
  if (uom === undefined)
    return {
      ok: false,
      code: 'CSV_EMPTY_UOM',
      message: `column '${mapping.uom}' is empty and there is no default unit`,
    };
  const rawKind = cell('quantityKind');
  const kind = rawKind?.toLowerCase().replace(/[\s-]+/g, '_');
  if (kind !== undefined && !QUANTITY_KINDS.has(kind)) {
    return {
      ok: false,
      code: 'CSV_BAD_QUANTITY_KIND',
      message: `column '${mapping.quantityKind}' is '${(rawKind ?? '').slice(0, 40)}'; one of ${[...QUANTITY_KINDS].join(', ')} is expected`,
    };
  }
  const description = cell('description');
  const locationCode = cell('locationCode');
  return {
    ok: true,
    line: {
      lineNumber: cell('lineNumber') ?? String(row),
      item: {
        partNumber,
        scheme: cell('scheme') ?? options.scheme ?? 'vendor',
        ...(description ? { description } : {}),
      },
      quantity,
      uom,
      ...(locationCode ? { locationCode } : {}),
      quantityKind: (kind ?? 'on_hand') as AdviceLine['quantityKind'],
    },
  };
}

function checkOptions(options: CsvReadOptions): string | undefined {
  if (options.messageType !== 'inventory.advice')
    return `message type '${String(options.messageType)}' is not read from CSV`;
  if (typeof options.documentId !== 'string' || options.documentId.trim() === '')
    return 'documentId must not be empty';
  if (
    options.delimiter !== undefined &&
    (options.delimiter.length < 1 || options.delimiter.length > 4 || /["\r\n]/.test(options.delimiter))
  ) {
    return 'delimiter must be 1 to 4 characters, without quotes or line breaks';
  }
  if (options.asOf !== undefined && !inventoryAdviceSchema.shape.asOf.safeParse(options.asOf).success)
    return `asOf '${options.asOf}' is not an ISO date`;
  if (options.chunkSize !== undefined && !(Number.isInteger(options.chunkSize) && options.chunkSize > 0))
    return 'chunkSize must be a positive integer';
  for (const [field, header] of Object.entries(options.columns ?? {})) {
    if (!(INVENTORY_ADVICE_FIELDS as readonly string[]).includes(field))
      return `'${field}' is not a field of inventory.advice`;
    if (typeof header !== 'string' || header.trim() === '')
      return `the column for '${field}' must not be empty`;
  }
  return undefined;
}

/**
 * csv-parse handing each record to `collect` with the line it ended on, as the parser pushes it.
 * The live `info.lines` is then that record's line, the number `on_record` would get; but
 * `on_record` copies the parser's whole info object for every record, which was half of the
 * reading time of a 1,000,000-row snapshot and much of its garbage.
 */
class RecordTaker extends Parser {
  constructor(
    options: Options,
    private readonly collect: (record: Record<string, string | undefined>, row: number) => void,
  ) {
    super(options);
  }

  override push(record: unknown, encoding?: BufferEncoding): boolean {
    if (record === null) return super.push(null, encoding);
    this.collect(record as Record<string, string | undefined>, this.info.lines);
    return true;
  }
}

/**
 * Streams CSV rows into canonical messages, a message per `chunkSize` accepted lines, so a
 * file of any length is read in bounded memory. A bad row becomes a `reject` event with a
 * code and the row continues to the next; a broken file (unclosed quote, oversized record,
 * failing source) ends with one reject saying where reading stopped. Never throws.
 */
export async function* readCsvMessages(
  source: AsyncIterable<Uint8Array | string> | string,
  options: CsvReadOptions,
): AsyncGenerator<CsvReadEvent, void, undefined> {
  const summary: CsvReadSummary = { rows: 0, accepted: 0, rejected: 0, chunks: 0 };
  const reject = (row: number, code: CsvRejectCode, message: string): CsvReadEvent => {
    summary.rejected += 1;
    return { kind: 'reject', reject: { row, code, message } };
  };
  const problem = checkOptions(options);
  if (problem !== undefined) {
    yield reject(0, 'CSV_BAD_OPTIONS', problem);
    yield { kind: 'end', summary };
    return;
  }
  const mapping = Object.fromEntries(
    INVENTORY_ADVICE_FIELDS.map((f) => [f, options.columns?.[f]?.trim() ?? f]),
  ) as Record<InventoryAdviceField, string>;
  const required: InventoryAdviceField[] = options.defaultUom
    ? ['partNumber', 'quantity']
    : ['partNumber', 'quantity', 'uom'];
  const chunkSize = options.chunkSize ?? 5000;
  const asOf = options.asOf ?? new Date().toISOString().slice(0, 10);
  let header: string[] | undefined;

  // Records are taken as the parser pushes them, synchronously and in order, and never reach
  // the stream: a stream that errors drops what it had buffered, and a row read before a
  // broken quote must not vanish with it.
  const parsed: { record: Record<string, string | undefined>; row: number }[] = [];
  const parser = new RecordTaker(
    {
      columns: (names: string[]) => {
        header = names.map((n) => n.trim());
        return header;
      },
      bom: true,
      trim: true,
      skip_empty_lines: true,
      relax_column_count: true,
      relax_quotes: true,
      max_record_size: options.maxRecordSize ?? 64 * 1024,
      ...(options.delimiter === undefined ? {} : { delimiter: options.delimiter }),
    },
    (record, row) => parsed.push({ record, row }),
  );
  const write = (chunk: Buffer) =>
    new Promise<void>((resolve, reject) =>
      parser.write(chunk, (error) => (error ? reject(error) : resolve())),
    );
  const finish = () =>
    new Promise<void>((resolve, reject) => {
      parser.once('error', reject);
      parser.once('finish', () => resolve());
      parser.end();
    });
  // An error is also emitted as an event; the promise above carries it.
  parser.on('error', () => undefined);

  let lines: AdviceLine[] = [];
  let firstRow = 0;
  let lastRow = 0;
  const flush = (): CsvReadEvent => {
    const event: CsvReadEvent = {
      kind: 'message',
      documentId: options.documentId,
      chunkIndex: summary.chunks,
      firstRow,
      lastRow,
      message: { type: 'inventory.advice', documentId: options.documentId, asOf, parties: [], lines },
    };
    summary.chunks += 1;
    lines = [];
    return event;
  };
  const missingColumns = (): string | undefined => {
    if (header === undefined) return 'the file has no header row';
    const missing = required.filter((f) => !header?.includes(mapping[f]));
    return missing.length > 0
      ? `the header lacks ${missing.map((f) => `'${mapping[f]}' (${f})`).join(', ')}`
      : undefined;
  };

  let checked = false;
  let stopped: { row: number; code: CsvRejectCode; message: string } | undefined;
  const source_ = asBuffers(source);
  try {
    let done = false;
    while (!done) {
      let failure: unknown;
      try {
        const next = await source_.next();
        if (next.done) {
          done = true;
          await finish();
        } else {
          await write(next.value);
        }
      } catch (error) {
        failure = error;
        done = true;
      }
      for (const { record, row } of parsed.splice(0)) {
        if (!checked) {
          checked = true;
          const missing = missingColumns();
          if (missing !== undefined) {
            yield reject(1, 'CSV_MISSING_COLUMN', missing);
            yield { kind: 'end', summary };
            return;
          }
        }
        summary.rows += 1;
        const result = adviceLine(record, mapping, row, options);
        if (!result.ok) {
          yield reject(row, result.code, result.message);
          continue;
        }
        summary.accepted += 1;
        if (lines.length === 0) firstRow = row;
        lastRow = row;
        lines.push(result.line);
        if (lines.length >= chunkSize) yield flush();
      }
      if (failure !== undefined) {
        const err = failure as { code?: unknown; lines?: unknown };
        const detail = failure instanceof Error ? failure.message : 'the source failed';
        const fromParser = typeof err.code === 'string' && err.code.startsWith('CSV_');
        stopped = {
          row: typeof err.lines === 'number' ? err.lines : lastRow + 1,
          code: fromParser ? 'CSV_MALFORMED' : 'CSV_READ_FAILED',
          message: `${detail.slice(0, 200)}; rows after this point were not read`,
        };
      }
    }
    if (!checked && stopped === undefined) {
      const missing = missingColumns();
      if (missing !== undefined) {
        yield reject(1, 'CSV_MISSING_COLUMN', missing);
        yield { kind: 'end', summary };
        return;
      }
    }
  } finally {
    parser.destroy();
    // Closes the caller's source when the consumer stops early or reading failed.
    void source_.return(undefined).catch(() => undefined);
  }
  if (lines.length > 0) yield flush();
  if (stopped !== undefined) yield reject(stopped.row, stopped.code, stopped.message);
  yield { kind: 'end', summary };
}
