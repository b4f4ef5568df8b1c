import v8 from 'node:v8';
import vm from 'node:vm';
import { describe, expect, it } from 'vitest';
import { inventoryAdviceSchema } from '../../../modules/integration/canonical.js';
import { readCsvMessages, type CsvReadEvent, type CsvReadOptions } from './index.js';

const options: CsvReadOptions = {
  messageType: 'inventory.advice',
  documentId: 'INV-2024-06-11-DC1',
  asOf: '2024-06-11',
  columns: {
    partNumber: 'Material',
    quantity: 'Qty',
    uom: 'Unit',
    locationCode: 'Site',
    quantityKind: 'Kind',
  },
  chunkSize: 2,
};

/** Any iterable as the async source the reader takes. */
async function* toAsync<T>(items: Iterable<T>): AsyncGenerator<T> {
  for (const item of items) {
    await Promise.resolve();
    yield item;
  }
}

async function collect(source: AsyncIterable<Uint8Array | string> | string, opts: CsvReadOptions = options) {
  const events: CsvReadEvent[] = [];
  for await (const event of readCsvMessages(source, opts)) events.push(event);
  const messages = events.flatMap((e) => (e.kind === 'message' ? [e] : []));
  const rejects = events.flatMap((e) => (e.kind === 'reject' ? [e.reject] : []));
  const end = events.at(-1);
  return { events, messages, rejects, summary: end?.kind === 'end' ? end.summary : undefined };
}

const GOOD = [
  'Material;Qty;Unit;Site;Kind',
  'PS-4471;12;EA;DC1;on hand',
  'HOSE-22;75.5;M;DC1;available',
  'IMP-180;0;EA;DC2;',
].join('\n');

describe('readCsvMessages', () => {
  it('maps mapped columns to inventory advice lines, in chunks that share the document id', async () => {
    const { messages, rejects, summary } = await collect(GOOD, { ...options, delimiter: ';' });
    expect(rejects).toEqual([]);
    expect(messages.map((m) => [m.chunkIndex, m.documentId, m.firstRow, m.lastRow])).toEqual([
      [0, 'INV-2024-06-11-DC1', 2, 3],
      [1, 'INV-2024-06-11-DC1', 4, 4],
    ]);
    expect(messages[0]?.message).toEqual({
      type: 'inventory.advice',
      documentId: 'INV-2024-06-11-DC1',
      asOf: '2024-06-11',
      parties: [],
      lines: [
        {
          lineNumber: '2',
          item: { partNumber: 'PS-4471', scheme: 'vendor' },
          quantity: 12,
          uom: 'EA',
          locationCode: 'DC1',
          quantityKind: 'on_hand',
        },
        {
          lineNumber: '3',
          item: { partNumber: 'HOSE-22', scheme: 'vendor' },
          quantity: 75.5,
          uom: 'M',
          locationCode: 'DC1',
          quantityKind: 'available',
        },
      ],
    });
    for (const m of messages) expect(inventoryAdviceSchema.parse(m.message)).toEqual(m.message);
    expect(summary).toEqual({ rows: 3, accepted: 3, rejected: 0, chunks: 2 });
  });

  it('rejects bad rows with their row and code while the good rows still flow', async () => {
    const csv = [
      'Material,Qty,Unit,Site,Kind',
      'A-1,5,EA,DC1,',
      ',5,EA,DC1,',
      'A-2,five,EA,DC1,',
      'A-3,-2,EA,DC1,',
      'A-4,1e999,EA,DC1,',
      'A-5,3,,DC1,',
      'A-6,3,EA,DC1,lost',
      'A-7,7,EA,DC1,damaged',
    ].join('\n');
    const { messages, rejects, summary } = await collect(csv, { ...options, chunkSize: 100 });
    expect(rejects.map((r) => [r.row, r.code])).toEqual([
      [3, 'CSV_EMPTY_PART'],
      [4, 'CSV_BAD_QUANTITY'],
      [5, 'CSV_BAD_QUANTITY'],
      [6, 'CSV_BAD_QUANTITY'],
      [7, 'CSV_EMPTY_UOM'],
      [8, 'CSV_BAD_QUANTITY_KIND'],
    ]);
    expect(rejects[1]?.message).toBe("column 'Qty' must be a decimal of zero or more, got 'five'");
    expect(messages.flatMap((m) => m.message.lines.map((l) => l.item.partNumber))).toEqual(['A-1', 'A-7']);
    expect(summary).toEqual({ rows: 8, accepted: 2, rejected: 6, chunks: 1 });
  });

  it('refuses a file whose header lacks a needed column, once, at row 1', async () => {
    const { messages, rejects } = await collect('Material,Unit\nA-1,EA\nA-2,EA\n');
    expect(messages).toEqual([]);
    expect(rejects).toEqual([
      { row: 1, code: 'CSV_MISSING_COLUMN', message: "the header lacks 'Qty' (quantity)" },
    ]);
    expect((await collect('')).rejects.map((r) => r.code)).toEqual(['CSV_MISSING_COLUMN']);
  });

  it('uses the default unit when the file has no unit column', async () => {
    const { messages, rejects } = await collect('Material,Qty\nA-1,4\n', { ...options, defaultUom: 'EA' });
    expect(rejects).toEqual([]);
    expect(messages[0]?.message.lines[0]).toMatchObject({ uom: 'EA', quantity: 4 });
  });

  it('stops at a broken quote with CSV_MALFORMED, after sending what was read before it', async () => {
    const { messages, rejects } = await collect('Material,Qty,Unit\nA-1,1,EA\n"A-2,2,EA\nA-3,3,EA\n', {
      ...options,
      chunkSize: 10,
    });
    expect(messages.flatMap((m) => m.message.lines.map((l) => l.item.partNumber))).toEqual(['A-1']);
    expect(rejects.map((r) => r.code)).toEqual(['CSV_MALFORMED']);
    expect(rejects[0]?.message).toMatch(/rows after this point were not read/);
  });

  it('reports a failing source as CSV_READ_FAILED instead of throwing', async () => {
    async function* failing() {
      yield 'Material,Qty,Unit\nA-1,1,EA\n';
      await Promise.resolve();
      throw new Error('connection reset');
    }
    const { rejects, events } = await collect(failing());
    expect(rejects.map((r) => r.code)).toEqual(['CSV_READ_FAILED']);
    expect(events.at(-1)?.kind).toBe('end');
  });

  it('refuses unusable options as CSV_BAD_OPTIONS', async () => {
    for (const bad of [{ documentId: '' }, { delimiter: '"' }, { asOf: '11.06.2024' }, { chunkSize: 0 }]) {
      const { rejects } = await collect(GOOD, { ...options, ...bad });
      expect(rejects.map((r) => [r.row, r.code])).toEqual([[0, 'CSV_BAD_OPTIONS']]);
    }
  });

  it('reads bytes split anywhere, even inside a multi-byte character', async () => {
    const bytes = Buffer.from('Material,Qty,Unit,Site\nDichtung-Ä,1,EA,Göteborg\n', 'utf8');
    const { messages } = await collect(toAsync([...bytes].map((b) => new Uint8Array([b]))));
    expect(messages[0]?.message.lines[0]).toMatchObject({
      item: { partNumber: 'Dichtung-Ä' },
      locationCode: 'Göteborg',
    });
  });

  it('streams a 1,000,000-row snapshot in bounded memory', async () => {
    v8.setFlagsFromString('--expose-gc');
    const gc = vm.runInNewContext('gc') as () => void;
    const rows = 1_000_000;
    function* snapshot() {
      yield 'Material,Qty,Unit,Site\n';
      let buffer = '';
      for (let i = 0; i < rows; i++) {
        buffer += `P-${i},${i % 97}.5,EA,DC-${i % 7}\n`;
        if (buffer.length > 64_000) {
          yield buffer;
          buffer = '';
        }
      }
      yield buffer;
    }
    gc();
    const baseline = process.memoryUsage().heapUsed;
    let peak = 0;
    let lines = 0;
    let chunks = 0;
    for await (const event of readCsvMessages(toAsync(snapshot()), {
      ...options,
      columns: { partNumber: 'Material', quantity: 'Qty', uom: 'Unit', locationCode: 'Site' },
      chunkSize: 5000,
    })) {
      if (event.kind !== 'message') continue;
      expect(event.chunkIndex).toBe(chunks);
      chunks += 1;
      lines += event.message.lines.length;
      if (chunks % 50 === 0) {
        gc();
        peak = Math.max(peak, process.memoryUsage().heapUsed - baseline);
      }
    }
    expect(lines).toBe(rows);
    expect(chunks).toBe(rows / 5000);
    // The whole file as parsed rows would take several hundred MB; streaming holds a chunk.
    expect(peak).toBeLessThan(150 * 1024 * 1024);
  });
});
