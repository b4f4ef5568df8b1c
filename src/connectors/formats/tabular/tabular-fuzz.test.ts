import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalMessageSchema } from '../../../modules/integration/canonical.js';
import {
  CSV_REJECT_CODES,
  JSON_ISSUE_CODES,
  readCsvMessages,
  readJsonMessage,
  type CsvReadOptions,
} from './index.js';

const csvCodes = new Set<string>(CSV_REJECT_CODES);
const jsonCodes = new Set<string>(JSON_ISSUE_CODES);
const options: CsvReadOptions = {
  messageType: 'inventory.advice',
  documentId: 'FUZZ',
  asOf: '2024-06-11',
  chunkSize: 3,
};
const VALID_CSV =
  'partNumber,quantity,uom,locationCode,quantityKind\nA-1,5,EA,DC1,on_hand\n"B,2",7.25,M,DC2,available\nC-3,0,EA,,\n';
const VALID_JSON = JSON.stringify({
  type: 'inventory.advice',
  documentId: 'INV-1',
  asOf: '2024-06-11',
  lines: [{ item: { partNumber: 'A-1' }, quantity: 5, uom: 'EA', locationCode: 'DC1' }],
});

/** The CSV contract: no throw, known codes, schema-valid messages, one `end` last, counts add up. */
async function csvHolds(source: AsyncIterable<Uint8Array | string> | string): Promise<void> {
  let ended = 0;
  let accepted = 0;
  for await (const event of readCsvMessages(source, options)) {
    expect(ended).toBe(0);
    if (event.kind === 'reject') expect(csvCodes.has(event.reject.code), event.reject.code).toBe(true);
    if (event.kind === 'message') {
      accepted += event.message.lines.length;
      expect(canonicalMessageSchema.safeParse(event.message).success).toBe(true);
    }
    if (event.kind === 'end') {
      ended += 1;
      expect(event.summary.accepted).toBe(accepted);
    }
  }
  expect(ended).toBe(1);
}

async function* toAsync<T>(items: Iterable<T>): AsyncGenerator<T> {
  for (const item of items) {
    await Promise.resolve();
    yield item;
  }
}

function jsonHolds(input: string | Uint8Array): void {
  const result = readJsonMessage(input);
  if (result.ok) expect(canonicalMessageSchema.safeParse(result.message).success).toBe(true);
  else for (const issue of result.issues) expect(jsonCodes.has(issue.code), issue.code).toBe(true);
}

const edit = fc.record({
  at: fc.nat(),
  remove: fc.integer({ min: 0, max: 8 }),
  insert: fc.oneof(
    fc.constantFrom(
      '"',
      ',',
      '\n',
      '\r\n',
      '{',
      '}',
      '[',
      ']',
      ':',
      '\\',
      '-',
      '1e999',
      'null',
      '\uFEFF',
      'ä',
    ),
    fc.string({ maxLength: 6 }),
  ),
});
function applyEdits(text: string, edits: { at: number; remove: number; insert: string }[]): string {
  let out = text;
  for (const e of edits) {
    const at = e.at % (out.length + 1);
    out = out.slice(0, at) + e.insert + out.slice(at + e.remove);
  }
  return out;
}

describe('CSV reader under fuzzing', () => {
  it('never throws on random bytes or text, whole or split into pieces', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.oneof(fc.uint8Array({ maxLength: 200 }), fc.string({ maxLength: 200 })), {
          maxLength: 8,
        }),
        async (pieces) => {
          await csvHolds(toAsync(pieces));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('never throws on mutated or truncated valid files', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(edit, { maxLength: 5 }), fc.nat(), async (edits, cut) => {
        const text = applyEdits(VALID_CSV, edits);
        await csvHolds(text);
        await csvHolds(text.slice(0, cut % (text.length + 1)));
      }),
      { numRuns: 300 },
    );
  });

  it('accepts a huge quantity only when it is finite, else CSV_BAD_QUANTITY', async () => {
    await fc.assert(
      fc.asyncProperty(fc.stringMatching(/^-?\d{1,400}(\.\d{1,20})?$/), async (quantity) => {
        const events = [];
        for await (const e of readCsvMessages(`partNumber,quantity,uom\nA,${quantity},EA\n`, options))
          events.push(e);
        const value = Number(quantity);
        const rejected = events.some((e) => e.kind === 'reject' && e.reject.code === 'CSV_BAD_QUANTITY');
        expect(rejected).toBe(!Number.isFinite(value) || value < 0);
      }),
      { numRuns: 200 },
    );
  });
});

describe('JSON reader under fuzzing', () => {
  it('never throws on random bytes, random text or arbitrary JSON values', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 500 }), (b) => jsonHolds(b)),
      { numRuns: 300 },
    );
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 500 }), (s) => jsonHolds(s)),
      { numRuns: 300 },
    );
    fc.assert(
      fc.property(fc.json({ maxDepth: 6 }), (s) => jsonHolds(s)),
      { numRuns: 300 },
    );
  });

  it('agrees with JSON.parse on what is well-formed, for mutated and truncated messages', () => {
    fc.assert(
      fc.property(fc.array(edit, { maxLength: 5 }), fc.nat(), (edits, cut) => {
        for (const text of [applyEdits(VALID_JSON, edits), VALID_JSON.slice(0, cut % VALID_JSON.length)]) {
          jsonHolds(text);
          let parses = true;
          try {
            JSON.parse(text.replace(/^\uFEFF/, ''));
          } catch {
            parses = false;
          }
          const result = readJsonMessage(text);
          const malformed = !result.ok && result.issues.some((i) => i.code === 'JSON_MALFORMED');
          expect(malformed).toBe(!parses);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('refuses deep nesting at any depth over the limit without exhausting the stack', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 200_000 }), fc.constantFrom('[', '{"a":'), (depth, open) => {
        const close = open === '[' ? ']' : '}';
        const result = readJsonMessage(open.repeat(depth) + '1' + close.repeat(depth));
        if (depth > 32) expect(result).toMatchObject({ ok: false, issues: [{ code: 'JSON_TOO_DEEP' }] });
        else jsonHolds(open.repeat(depth) + '1' + close.repeat(depth));
      }),
      { numRuns: 50 },
    );
  });

  it('keeps a huge quantity only when it is a finite number', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^-?(0|[1-9]\d{0,399})(\.\d{1,20})?(e[+-]?\d{1,4})?$/), (quantity) => {
        const result = readJsonMessage(VALID_JSON.replace('"quantity":5', `"quantity":${quantity}`));
        expect(result.ok).toBe(Number.isFinite(Number(quantity)));
      }),
      { numRuns: 200 },
    );
  });
});
