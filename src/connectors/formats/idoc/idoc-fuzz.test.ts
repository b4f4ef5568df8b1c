import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalMessageSchema } from '../../../modules/integration/canonical.js';
import { IDOC_ISSUE_CODES, readIdocXml, type IdocReadResult } from './index.js';

const testdata = new URL('./testdata/', import.meta.url);
const matmas = readFileSync(new URL('matmas05-spare-parts.xml', testdata), 'utf8');
const delvry = readFileSync(new URL('delvry07-despatch-advice.xml', testdata), 'utf8');
const known = new Set<string>(IDOC_ISSUE_CODES);

/** The reader's contract on any input: no throw, known codes only, schema-valid messages. */
function holdsContract(input: string | Uint8Array): IdocReadResult {
  const result = readIdocXml(input);
  for (const issue of result.issues) {
    expect(known.has(issue.code), issue.code).toBe(true);
    expect(issue.message.length).toBeGreaterThan(0);
  }
  for (const { message } of result.messages)
    expect(canonicalMessageSchema.safeParse(message).success).toBe(true);
  return result;
}

const escapeXml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

type Mutation = { at: number; kind: 'delete' | 'insert' | 'duplicate'; length: number; text: string };
const mutation = fc.record({
  at: fc.nat(),
  kind: fc.constantFrom<Mutation['kind']>('delete', 'insert', 'duplicate'),
  length: fc.integer({ min: 1, max: 200 }),
  text: fc.constantFrom(
    '<',
    '>',
    '&',
    '&amp;',
    '&#0;',
    '</E1EDL24>',
    '<E1EDL24>',
    '<IDOC>',
    '"',
    '<![CDATA[',
    '-->',
    '\u0000',
    'ä',
    '000',
  ),
});
function mutate(source: string, mutations: Mutation[]): string {
  let text = source;
  for (const m of mutations) {
    const at = m.at % (text.length + 1);
    if (m.kind === 'delete') text = text.slice(0, at) + text.slice(at + m.length);
    else if (m.kind === 'insert') text = text.slice(0, at) + m.text + text.slice(at);
    else text = text.slice(0, at) + text.slice(at, at + m.length) + text.slice(at);
  }
  return text;
}

describe('IDoc reader under fuzzing', () => {
  it('never throws on random bytes or random text', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2000 }), (bytes) => void holdsContract(bytes)),
      { numRuns: 300 },
    );
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 2000 }), (text) => void holdsContract(text)),
      { numRuns: 300 },
    );
  });

  it('never throws on mutated valid files, and any message still passes the schema', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(matmas, delvry),
        fc.array(mutation, { minLength: 1, maxLength: 6 }),
        (source, ms) => {
          holdsContract(mutate(source, ms));
        },
      ),
      { numRuns: 400 },
    );
  });

  it('refuses every truncation of a file as not XML, never as a shorter document', () => {
    fc.assert(
      fc.property(fc.constantFrom(matmas, delvry), fc.nat(), (source, cut) => {
        const end = source.trimEnd().length - 1;
        const result = holdsContract(source.slice(0, cut % end));
        expect(result.messages).toEqual([]);
        expect(result.issues.map((i) => i.code)).toEqual(['IDOC_NOT_XML']);
      }),
      { numRuns: 300 },
    );
  });

  it('refuses deep nesting without blowing the stack', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 20_000 }), (depth) => {
        const xml = `<DELVRY07><IDOC>${'<E1EDL24>'.repeat(depth)}${'</E1EDL24>'.repeat(depth)}</IDOC></DELVRY07>`;
        const result = holdsContract(xml);
        if (depth > 40) expect(result.issues.map((i) => i.code)).toEqual(['IDOC_TOO_DEEP']);
      }),
      { numRuns: 40 },
    );
  });

  it('turns any quantity text into a finite quantity or IDOC_BAD_NUMBER', () => {
    const numberish = fc.oneof(
      fc.stringMatching(/^-?\d{1,400}(\.\d{0,30})?-?$/),
      fc.double().map(String),
      fc.string({ maxLength: 30 }),
    );
    fc.assert(
      fc.property(numberish, (quantity) => {
        const xml = delvry.replace('<LFIMG>3.000</LFIMG>', () => `<LFIMG>${escapeXml(quantity)}</LFIMG>`);
        const result = holdsContract(xml);
        const line =
          result.messages[0]?.message.type === 'ship.notice'
            ? result.messages[0].message.lines[0]
            : undefined;
        if (line) expect(Number.isFinite(line.quantity) && line.quantity >= 0).toBe(true);
        else
          expect(result.issues.map((i) => i.code)).toContain(
            quantity.trim() === '' ? 'IDOC_MISSING_FIELD' : 'IDOC_BAD_NUMBER',
          );
      }),
      { numRuns: 300 },
    );
  });

  it('carries arbitrary field text through entity escaping into schema-valid messages', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 60 }), fc.string({ maxLength: 60 }), (matnr, text) => {
        const xml = matmas
          .replace('<MATNR>000000000000100234</MATNR>', () => `<MATNR>${escapeXml(matnr)}</MATNR>`)
          .replace(
            '<MAKTX>Pump seal &amp; gasket kit, 40 mm</MAKTX>',
            () => `<MAKTX>${escapeXml(text)}</MAKTX>`,
          );
        const result = holdsContract(xml);
        // The other IDoc in the file is untouched and always flows.
        expect(result.messages.some((m) => m.docnum === '0000000004711002')).toBe(true);
      }),
      { numRuns: 200 },
    );
  });
});
