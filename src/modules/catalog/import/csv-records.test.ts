import { parse } from 'csv-parse';
import fc from 'fast-check';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { CSV_IMPORT_OPTIONS, csvRecords, type NumberedRecord } from './csv-records.js';

async function collect(records: AsyncIterable<unknown>): Promise<unknown[]> {
  const out: unknown[] = [];
  for await (const r of records) out.push(r);
  return out;
}

// The line numbers as csv-parse reports them to `on_record` (what the import used before).
function byOnRecord(csv: string): Promise<unknown[]> {
  return collect(
    Readable.from([csv]).pipe(
      parse({
        ...CSV_IMPORT_OPTIONS,
        on_record: (record: Record<string, string>, context: { lines: number }) => ({
          record,
          line: context.lines,
        }),
      }),
    ),
  );
}

// Cells with the characters that move lines and fields: quoted commas, quotes and line breaks.
const cell = fc.oneof(
  fc.stringMatching(/^[a-z0-9 ]{0,6}$/),
  fc.stringMatching(/^[a-z,\r\n"]{1,6}$/).map((s) => `"${s.replaceAll('"', '""')}"`),
);
const csvFile = fc
  .record({
    header: fc.array(fc.stringMatching(/^[a-z]{1,4}$/), { minLength: 1, maxLength: 4 }),
    rows: fc.array(fc.array(cell, { maxLength: 5 }), { maxLength: 12 }),
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

describe('csvRecords', () => {
  it('numbers every record with the line csv-parse reports for it (property)', async () => {
    await fc.assert(
      fc.asyncProperty(csvFile, async (csv) => {
        expect(await collect(csvRecords(Readable.from([csv])))).toEqual(await byOnRecord(csv));
      }),
      { numRuns: 300 },
    );
  });

  it('counts lines inside quoted cells and skipped blank lines', async () => {
    const csv = 'a,b\n1,"two\nlines"\n\n3,4\n';
    expect(await collect(csvRecords(Readable.from([csv])))).toEqual([
      { record: { a: '1', b: 'two\nlines' }, line: 3 },
      { record: { a: '3', b: '4' }, line: 5 },
    ] satisfies NumberedRecord[]);
  });

  it('ends with the error of a failing source', async () => {
    const source = new Readable({ read() {} });
    source.push('a,b\n1,2\n');
    setImmediate(() => source.destroy(new Error('connection reset')));
    await expect(collect(csvRecords(source))).rejects.toThrow('connection reset');
  });
});
