import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createPartSchema } from '../catalog.schemas.js';
import { checkPart, checkXref, describeIssues, xrefRowSchema } from './row-checks.js';

// The checks as they were before the fast paths: the schemas alone decide.
const booleanCell = z
  .enum(['true', 'false', 'yes', 'no', '1', '0', 'TRUE', 'FALSE', 'Y', 'N', 'y', 'n'])
  .transform((v) => ['true', 'yes', '1', 'TRUE', 'Y', 'y'].includes(v));

function partBySchema(fields: Record<string, string>) {
  const wholeUnits = fields.wholeUnits === undefined ? undefined : booleanCell.safeParse(fields.wholeUnits);
  if (wholeUnits && !wholeUnits.success) return `wholeUnits: '${fields.wholeUnits}' is not yes/no`;
  const parsed = createPartSchema.safeParse({ ...fields, wholeUnits: wholeUnits?.data });
  return parsed.success ? parsed.data : describeIssues(parsed.error);
}

function xrefBySchema(fields: Record<string, string>) {
  const parsed = xrefRowSchema.safeParse(fields);
  return parsed.success ? parsed.data : describeIssues(parsed.error);
}

// Cells near every rule: white space of several kinds, the characters part numbers may not
// hold, the words of the enums.
const awkward = fc.constantFrom(' ', '\t', '\u00a0', '\u2028', '/', '?', '#', '%', '\\', 'é', '😀', '-', '');
const cell = fc.oneof(
  { arbitrary: fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9 .-]{0,10}$/), weight: 4 },
  fc.string({ maxLength: 12 }),
  fc.string({ maxLength: 12, unit: 'grapheme' }),
  fc.tuple(fc.string({ maxLength: 4 }), awkward, fc.string({ maxLength: 4 })).map((p) => p.join('')),
  fc.constantFrom('none', 'serial', 'lot', 'Lot', 'true', 'no', 'Y', 'maybe', 'EA', 'ea', 'kg'),
);
// Fields with a vocabulary get its words often, so that whole rows pass too.
const words: Record<string, fc.Arbitrary<string>> = {
  wholeUnits: fc.constantFrom('true', 'false', 'yes', 'no', '1', '0', 'TRUE', 'FALSE', 'Y', 'N', 'y', 'n'),
  tracking: fc.constantFrom('none', 'serial', 'lot'),
};
// Fields with a length limit get lengths just under, at and over it.
const limits: Record<string, number> = {
  partNumber: 80,
  description: 500,
  baseUom: 10,
  number: 80,
  source: 60,
};
const cellOf = (key: string) => {
  const vocabulary = words[key];
  if (vocabulary) return fc.oneof({ arbitrary: vocabulary, weight: 3 }, { arbitrary: cell, weight: 1 });
  const limit = limits[key];
  if (limit === undefined) return cell;
  const nearLimit = fc
    .tuple(fc.integer({ min: limit - 1, max: limit + 1 }), fc.constantFrom('A', ' ', '😀'))
    .map(([n, last]) => 'x'.repeat(n - last.length) + last);
  return fc.oneof({ arbitrary: nearLimit, weight: 1 }, { arbitrary: cell, weight: 3 });
};
// Each field present four times in five, now and then one the schema does not know; with
// and without the import's own trimming of cells (columns.ts).
const fieldsOf = (keys: readonly string[]) =>
  fc
    .tuple(
      fc.record(
        Object.fromEntries([
          ...keys.map((k) => [k, fc.option(cellOf(k), { freq: 5, nil: undefined })] as const),
          [
            'other',
            fc.oneof({ arbitrary: fc.constant(undefined), weight: 9 }, { arbitrary: cell, weight: 1 }),
          ] as const,
        ]),
      ),
      fc.boolean(),
    )
    .map(([record, trim]) => {
      const fields: Record<string, string> = {};
      for (const [k, v] of Object.entries(record)) {
        if (v === undefined) continue;
        const value = trim ? v.trim() : v;
        if (!trim || value !== '') fields[k] = value;
      }
      return fields;
    });

describe('import row checks', () => {
  it('decide every part row as the schema does, with the same value or reason (property)', () => {
    fc.assert(
      fc.property(fieldsOf(['partNumber', 'description', 'baseUom', 'wholeUnits', 'tracking']), (fields) => {
        expect(checkPart(fields)).toEqual(partBySchema(fields));
      }),
      { numRuns: 5000 },
    );
  });

  it('decide every cross-reference row as the schema does (property)', () => {
    fc.assert(
      fc.property(fieldsOf(['partNumber', 'scheme', 'number', 'source']), (fields) => {
        expect(checkXref(fields)).toEqual(xrefBySchema(fields));
      }),
      { numRuns: 5000 },
    );
  });

  it('take the fast path for ordinary rows', () => {
    expect(checkPart({ partNumber: 'P-1', description: 'Seal', baseUom: 'ea', wholeUnits: 'n' })).toEqual({
      partNumber: 'P-1',
      description: 'Seal',
      baseUom: 'EA',
      wholeUnits: false,
      tracking: 'none',
    });
    expect(checkPart({ partNumber: 'P 1', description: 'Seal', baseUom: 'EA' })).toMatch(/^partNumber: /);
    expect(checkPart({ partNumber: 'P-1', description: 'Seal', wholeUnits: 'maybe' })).toBe(
      "wholeUnits: 'maybe' is not yes/no",
    );
    expect(checkXref({ partNumber: 'P-1', scheme: 'ERP', number: '0042' })).toEqual({
      partNumber: 'P-1',
      scheme: 'ERP',
      number: '0042',
      source: 'import',
    });
    expect(checkXref({ partNumber: 'P-1', scheme: 'ERP' })).toBe('number: is required');
  });
});
