import fc from 'fast-check';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { csvRecordBatches, recordAt } from './csv-batches.js';
import { csvRecords, type NumberedRecord } from './csv-records.js';

async function viaBatches(source: Readable, counted?: { bytes: number }): Promise<NumberedRecord[]> {
  const out: NumberedRecord[] = [];
  for await (const batch of csvRecordBatches(source, { thread: 'same' })) {
    if (counted) counted.bytes += batch.bytes;
    for (let i = 0, at = 0; i < batch.lines.length; i++) {
      const width = batch.widths[i]!;
      out.push({ record: recordAt(batch, at, width), line: batch.lines[i]! });
      at += width;
    }
  }
  return out;
}

async function viaRecords(csv: string): Promise<NumberedRecord[]> {
  const out: NumberedRecord[] = [];
  for await (const r of csvRecords(Readable.from([csv]))) out.push(r);
  return out;
}

/** The text cut into pieces at the given points, as a stream hands it over. */
function inPieces(text: string, cuts: number[]): Readable {
  const bytes = Buffer.from(text);
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const pieces: Buffer[] = [];
  let from = 0;
  for (const p of [...points, bytes.length]) {
    if (p > from) pieces.push(bytes.subarray(from, p));
    from = Math.max(from, p);
  }
  return Readable.from(pieces);
}

// Cells that move lines and fields (quoted commas, quotes, line breaks, non-ASCII whose bytes a
// cut can split), headers with repeated, numeric and odd names, and rows short and long.
const cell = fc.oneof(
  fc.stringMatching(/^[a-z0-9 é]{0,6}$/),
  fc.stringMatching(/^[a-z,\r\n"€]{1,6}$/).map((s) => `"${s.replaceAll('"', '""')}"`),
);
const csvFile = fc
  .record({
    header: fc.array(fc.constantFrom('a', 'b', 'a', '1', '0', 'x y', '__proto__', 'toString'), {
      minLength: 1,
      maxLength: 5,
    }),
    rows: fc.array(fc.array(cell, { maxLength: 6 }), { maxLength: 12 }),
    eol: fc.constantFrom('\n', '\r\n'),
    bom: fc.boolean(),
    finalEol: fc.boolean(),
  })
  .map(
    ({ header, rows, eol, bom, finalEol }) =>
      (bom ? '\uFEFF' : '') +
      [header.join(','), ...rows.map((r) => r.join(','))].join(eol) +
      (finalEol ? eol : ''),
  );

describe('csvRecordBatches', () => {
  it('hands over the records and lines csvRecords reads, however the bytes are cut (property)', async () => {
    await fc.assert(
      fc.asyncProperty(csvFile, fc.array(fc.nat(), { maxLength: 6 }), async (csv, cuts) => {
        const counted = { bytes: 0 };
        expect(await viaBatches(inPieces(csv, cuts), counted)).toEqual(await viaRecords(csv));
        // The batches account for every byte of the file, each once: progress ends at 100 %.
        expect(counted.bytes).toBe(Buffer.byteLength(csv));
      }),
      { numRuns: 300 },
    );
  });

  it('ends with the error of the parser on a file that is not CSV', async () => {
    const source = Readable.from(['a,b\n1,2\n"unterminated,3\n']);
    await expect(viaBatches(source)).rejects.toThrow(/Quote Not Closed/);
  });

  it('ends with the error of a failing source', async () => {
    const source = new Readable({ read() {} });
    source.push('a,b\n1,2\n');
    setImmediate(() => source.destroy(new Error('connection reset')));
    await expect(viaBatches(source)).rejects.toThrow('connection reset');
  });

  it('reads ahead only a few chunks while nobody takes the batches', async () => {
    let served = 0;
    const source = new Readable({
      highWaterMark: 1024,
      read() {
        served += 1;
        this.push(served === 1 ? 'a,b\n' : `${served},x\n`.repeat(500));
        if (served === 400) this.push(null);
      },
    });
    const batches = csvRecordBatches(source, { thread: 'same' });
    const first = await batches.next();
    expect(first.done).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 200));
    // Paused once ~16,000 records wait (~33 chunks of 500), not read to the end (400 chunks).
    expect(served).toBeLessThan(60);
    let rows = first.value ? first.value.lines.length : 0;
    for await (const batch of batches) rows += batch.lines.length;
    expect(rows).toBe(399 * 500);
    expect(served).toBe(400);
  });
});
