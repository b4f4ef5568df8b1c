import { existsSync } from 'node:fs';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { MessageChannel, Worker } from 'node:worker_threads';
import { Parser } from 'csv-parse';
import { CSV_IMPORT_OPTIONS } from './csv-records.js';

/**
 * The records of one stretch of a CSV file, laid out flat so they cross between threads as a
 * few arrays rather than an object per record: record `i` ended on line `lines[i]` and its
 * cells are the next `widths[i]` entries of `cells`, one for each of the first `widths[i]`
 * names in `columns` (a short row has fewer; csv-parse leaves its missing keys out).
 */
export interface RecordBatch {
  /** The header's distinct names, in the order of their first column. */
  readonly columns: readonly string[];
  readonly lines: Int32Array;
  readonly widths: Int32Array;
  readonly cells: readonly string[];
  /**
   * Bytes of the source this batch accounts for (the chunk it answers), so a consumer can
   * show how far into the file it is: the source itself is read ahead of the consumer.
   */
  readonly bytes: number;
}

/** The record as csv-parse builds it (`columns: true`), for rejects and other rare uses. */
export function recordAt(batch: RecordBatch, at: number, width: number): Record<string, string> {
  const record: Record<string, string> = {};
  for (let c = 0; c < width; c++) record[batch.columns[c] as string] = batch.cells[at + c] as string;
  return record;
}

type ToParser = { type: 'chunk'; bytes: Uint8Array } | { type: 'end' };
type FromParser =
  | {
      type: 'records';
      columns: string[] | null;
      lines: Int32Array;
      widths: Int32Array;
      cells: string[];
    }
  | { type: 'end' }
  | { type: 'error'; message: string };

/** A message port, or a worker, which both talk the same way. */
interface Port {
  postMessage(value: unknown, transferList?: readonly ArrayBuffer[]): void;
  on(event: 'message', listener: (value: unknown) => void): unknown;
}

/**
 * csv-parse with the import's options, collecting records into flat arrays instead of
 * pushing an object per record through a stream. Like csvRecords, it reads a record's line
 * from the parser's live `info.lines` at the moment the record is pushed.
 */
class CollectingParser extends Parser {
  private columnNames: string[] | null = null;
  private columnsSent = false;
  private lines: number[] = [];
  private widths: number[] = [];
  private cells: string[] = [];

  constructor() {
    super(CSV_IMPORT_OPTIONS);
  }

  override push(record: unknown, encoding?: BufferEncoding): boolean {
    if (record === null) return super.push(null, encoding);
    const names = (this.columnNames ??= this.distinctColumns());
    const cells = record as Record<string, unknown>;
    // A record's keys are always the first names of the header: csv-parse sets one key per
    // cell, left to right, so a short row simply stops early.
    let width = 0;
    for (const name of names) {
      const cell = cells[name];
      if (typeof cell !== 'string') break;
      this.cells.push(cell);
      width += 1;
    }
    this.lines.push(this.info.lines);
    this.widths.push(width);
    return true;
  }

  /** The records collected since the last call, ready to post (their buffers transferred). */
  takeRecords(): { message: FromParser; transfer: ArrayBuffer[] } {
    const lines = Int32Array.from(this.lines);
    const widths = Int32Array.from(this.widths);
    const columns = this.columnNames && !this.columnsSent ? this.columnNames : null;
    if (columns) this.columnsSent = true;
    const message: FromParser = { type: 'records', columns, lines, widths, cells: this.cells };
    this.lines = [];
    this.widths = [];
    this.cells = [];
    return { message, transfer: [lines.buffer, widths.buffer] };
  }

  private distinctColumns(): string[] {
    const columns = this.options.columns;
    const names: string[] = [];
    if (!Array.isArray(columns)) return names;
    for (const column of columns as Array<{ name?: string; disabled?: boolean }>) {
      // '__proto__' never becomes a key of a plain object; csv-parse's records drop it too.
      if (column.disabled || column.name === undefined || column.name === '__proto__') continue;
      if (!names.includes(column.name)) names.push(column.name);
    }
    return names;
  }
}

/**
 * The parsing end: receives the file's bytes chunk by chunk and answers each chunk with the
 * records completed in it (possibly none), then `end` or the parser's error. Runs on the
 * worker thread (csv-worker.ts), or in the same thread when there is no compiled worker.
 */
export function serveCsvRecords(port: Port): void {
  const parser = new CollectingParser();
  let failed = false;
  const send = () => {
    const { message, transfer } = parser.takeRecords();
    port.postMessage(message, transfer);
  };
  parser.on('error', (error: Error) => {
    if (failed) return;
    failed = true;
    send();
    port.postMessage({ type: 'error', message: error.message } satisfies FromParser);
  });
  parser.resume(); // nothing is pushed but the end; keep the readable side flowing
  port.on('message', (value) => {
    if (failed) return;
    const message = value as ToParser;
    if (message.type === 'chunk') {
      const { bytes } = message;
      parser.write(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), (error) => {
        if (!error && !failed) send();
      });
    } else {
      parser.end(() => {
        if (failed) return;
        send();
        port.postMessage({ type: 'end' } satisfies FromParser);
      });
    }
  });
}

// Chunks sent to the parser and not yet answered, and records parsed but not yet taken:
// beyond either the source is paused, so a fast reader never holds the whole file.
const MAX_CHUNKS_IN_FLIGHT = 2;
const MAX_RECORDS_QUEUED = 16_384;

const WORKER_URL = new URL('./csv-worker.js', import.meta.url);

export interface CsvBatchOptions {
  /**
   * `worker` parses on a worker thread while this thread writes; `same` runs the very same
   * exchange over a MessageChannel in this thread. Default: `worker` where the compiled worker
   * exists (always, from dist/), `same` when running from TypeScript sources (the tests).
   */
  thread?: 'worker' | 'same';
}

/**
 * The records of a CSV stream in order, a batch per chunk read, parsed with the import's
 * options (csvRecords' records, line numbers included) on another thread; this thread only
 * reads the source and hands the bytes over. Reading and parsing start at once, so they
 * overlap whatever the caller does before it asks for the first batch; a caller that stops
 * before the end calls `return()` (for await does) to stop the parser. A failing source ends
 * the iteration with its own error; an unreadable file, with the parser's.
 */
export function csvRecordBatches(source: Readable, options: CsvBatchOptions = {}): CsvBatchReader {
  return new CsvBatchReader(
    source,
    options.thread ?? (existsSync(fileURLToPath(WORKER_URL)) ? 'worker' : 'same'),
  );
}

export class CsvBatchReader implements AsyncIterableIterator<RecordBatch> {
  private readonly peer: Peer;
  private readonly queue: RecordBatch[] = [];
  private queuedRecords = 0;
  private columns: readonly string[] = [];
  private ended = false;
  private closed = false;
  private failure: { error: unknown } | null = null;
  /**
   * Sizes of the chunks sent and not yet answered, oldest first (answers come in order); how
   * many there are is how many chunks are in flight.
   */
  private readonly sentSizes: number[] = [];
  private paused = false;
  private wake: (() => void) | null = null;

  constructor(
    private readonly source: Readable,
    thread: 'worker' | 'same',
  ) {
    this.peer = openPeer(thread);
    this.peer.port.on('message', (value) => this.onMessage(value as FromParser));
    this.peer.onFailure(this.fail);
    source.on('data', this.onData);
    source.once('end', this.onEnd);
    source.once('error', this.fail);
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  async next(): Promise<IteratorResult<RecordBatch, undefined>> {
    for (;;) {
      if (this.failure) {
        const { error } = this.failure;
        await this.close();
        throw error;
      }
      const batch = this.queue.shift();
      if (batch) {
        this.queuedRecords -= batch.lines.length;
        this.balance();
        return { done: false, value: batch };
      }
      if (this.ended || this.closed) {
        await this.close();
        return { done: true, value: undefined };
      }
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
  }

  async return(): Promise<IteratorResult<RecordBatch, undefined>> {
    await this.close();
    return { done: true, value: undefined };
  }

  private onMessage(message: FromParser): void {
    if (message.type === 'records') {
      if (message.columns) this.columns = message.columns;
      // Each chunk is answered once, in order; the answer at the end answers no chunk.
      const bytes = this.sentSizes.shift() ?? 0;
      if (message.lines.length > 0 || bytes > 0) {
        this.queue.push({ ...message, columns: this.columns, bytes });
        this.queuedRecords += message.lines.length;
      }
      this.balance();
    } else if (message.type === 'end') {
      this.ended = true;
    } else {
      this.fail(new Error(message.message));
    }
    this.notify();
  }

  private readonly onData = (chunk: Buffer | string) => {
    // A copy of exactly the chunk's bytes, handed over rather than cloned: a chunk is often a
    // view of a larger buffer, which a clone would copy whole.
    const bytes = new Uint8Array(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
    this.sentSizes.push(bytes.byteLength);
    this.peer.port.postMessage({ type: 'chunk', bytes } satisfies ToParser, [bytes.buffer]);
    this.balance();
  };

  private readonly onEnd = () => this.peer.port.postMessage({ type: 'end' } satisfies ToParser);

  private readonly fail = (error: unknown) => {
    this.failure ??= { error };
    this.notify();
  };

  private notify(): void {
    const resolve = this.wake;
    this.wake = null;
    resolve?.();
  }

  private balance(): void {
    const full = this.sentSizes.length >= MAX_CHUNKS_IN_FLIGHT || this.queuedRecords >= MAX_RECORDS_QUEUED;
    if (full && !this.paused) {
      this.paused = true;
      this.source.pause();
    } else if (!full && this.paused) {
      this.paused = false;
      this.source.resume();
    }
  }

  private async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.source.off('data', this.onData);
    this.source.off('end', this.onEnd);
    // Stopped early (the consumer failed): the source stays the caller's, but paused. (Its
    // error listener stays: a later error must not go unhandled.)
    if (!this.source.readableEnded) this.source.pause();
    this.queue.length = 0;
    await this.peer.close();
  }
}

interface Peer {
  port: Port;
  onFailure(listener: (error: unknown) => void): void;
  close(): Promise<void>;
}

let early: Worker | null = null;

/**
 * Starts the parsing thread of the next import in this process ahead of it (the CLI, before it
 * loads the hub); unused, it does not keep the process alive. Nothing without a compiled worker.
 */
export function startParserThreadEarly(): void {
  if (early || !existsSync(fileURLToPath(WORKER_URL))) return;
  const worker = new Worker(WORKER_URL);
  worker.unref();
  // A thread that fails before an import takes it is dropped; the import starts another.
  const drop = () => {
    if (early === worker) early = null;
  };
  worker.once('error', drop);
  worker.once('exit', drop);
  early = worker;
}

function openPeer(thread: 'worker' | 'same'): Peer {
  if (thread === 'worker') {
    const worker = early ?? new Worker(WORKER_URL);
    early = null;
    worker.ref();
    let closing = false;
    return {
      port: worker,
      onFailure(listener) {
        worker.once('error', listener);
        worker.once('exit', (code) => {
          if (!closing) listener(new Error(`the CSV reader stopped unexpectedly (exit code ${code})`));
        });
      },
      async close() {
        closing = true;
        await worker.terminate();
      },
    };
  }
  const { port1, port2 } = new MessageChannel();
  serveCsvRecords(port2);
  return {
    port: port1,
    onFailure() {},
    close: async () => {
      port1.close();
      port2.close();
      await Promise.resolve();
    },
  };
}
