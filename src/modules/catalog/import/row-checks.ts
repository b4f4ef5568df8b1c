import { z } from 'zod';
import { createPartSchema, partNumberSchema, PART_TRACKING } from '../catalog.schemas.js';

/**
 * Validation of one import row. The schemas are the rule; each row first meets a hand-written
 * check that accepts only rows the schema surely accepts and builds the same value the
 * schema would, without the schema's per-row work (~8 % of a parts import's CPU). Anything else
 * goes through the schema, which then decides and words the reason. row-checks.test.ts
 * holds the fast checks to the schemas.
 *
 * A check returns the row's value, or a string: the reason it is rejected.
 */

export type PartRow = z.infer<typeof createPartSchema>;

export const xrefRowSchema = z.object({
  partNumber: partNumberSchema,
  scheme: z.string().min(1),
  number: z.string().min(1).max(80),
  source: z.string().max(60).default('import'),
});
export type XrefRow = z.infer<typeof xrefRowSchema>;

/** Yes/no cells the import understands, and what they mean. */
const BOOLEAN_CELLS = new Map<string, boolean>([
  ['true', true],
  ['yes', true],
  ['1', true],
  ['TRUE', true],
  ['Y', true],
  ['y', true],
  ['false', false],
  ['no', false],
  ['0', false],
  ['FALSE', false],
  ['N', false],
  ['n', false],
]);

// partNumberSchema's pattern, for the fast check only. A change to the schemas belongs here
// too; the property test in row-checks.test.ts compares both on rows near every rule.
const PART_NUMBER_PATTERN = /^[^\s/?#%\\]+$/;
const TRACKING: ReadonlySet<string> = new Set(PART_TRACKING);
const PART_FIELDS: ReadonlySet<string> = new Set([
  'partNumber',
  'description',
  'baseUom',
  'wholeUnits',
  'tracking',
]);

/** Non-empty, no surrounding white space, at most `max` UTF-16 units (zod's trim, min, max). */
function trimmedText(value: string | undefined, max: number): value is string {
  return value !== undefined && value.length > 0 && value.length <= max && value.trim() === value;
}

function isPartNumber(value: string | undefined): value is string {
  return trimmedText(value, 80) && PART_NUMBER_PATTERN.test(value);
}

/** createPartSchema is strict: a field it does not know fails the row. */
function onlyPartFields(fields: Record<string, string>): boolean {
  for (const key in fields) if (!PART_FIELDS.has(key)) return false;
  return true;
}

/** A part row: the fields of createPartSchema, with `wholeUnits` written as yes/no. */
export function checkPart(fields: Record<string, string>): PartRow | string {
  const { partNumber, description, baseUom, wholeUnits, tracking } = fields;
  let whole: boolean | undefined;
  if (wholeUnits !== undefined) {
    whole = BOOLEAN_CELLS.get(wholeUnits);
    if (whole === undefined) return `wholeUnits: '${wholeUnits}' is not yes/no`;
  }
  if (
    isPartNumber(partNumber) &&
    trimmedText(description, 500) &&
    trimmedText(baseUom, 10) &&
    (tracking === undefined || TRACKING.has(tracking)) &&
    onlyPartFields(fields)
  ) {
    return {
      partNumber,
      description,
      baseUom: baseUom.toUpperCase(),
      wholeUnits: whole,
      tracking: (tracking ?? 'none') as PartRow['tracking'],
    };
  }
  const parsed = createPartSchema.safeParse({ ...fields, wholeUnits: whole });
  return parsed.success ? parsed.data : describeIssues(parsed.error);
}

/** A cross-reference row: part number, scheme code, the number as written, its source. */
export function checkXref(fields: Record<string, string>): XrefRow | string {
  const { partNumber, scheme, number, source } = fields;
  if (
    isPartNumber(partNumber) &&
    scheme !== undefined &&
    scheme.length > 0 &&
    number !== undefined &&
    number.length > 0 &&
    number.length <= 80 &&
    (source === undefined || source.length <= 60)
  ) {
    return { partNumber, scheme, number, source: source ?? 'import' };
  }
  const parsed = xrefRowSchema.safeParse(fields);
  return parsed.success ? parsed.data : describeIssues(parsed.error);
}

export function describeIssues(error: z.ZodError): string {
  return error.issues
    .map(
      (i) =>
        `${i.path.join('.') || 'row'}: ${i.code === 'invalid_type' && i.message.endsWith('received undefined') ? 'is required' : i.message}`,
    )
    .join('; ');
}
