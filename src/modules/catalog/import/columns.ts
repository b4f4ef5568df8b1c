import { AppError } from '../../../platform/errors.js';

/**
 * A column mapping says which CSV header feeds which field: `partNumber=Material,description=Text`.
 * Fields not mapped are read from a header of the same name.
 */
export function parseColumnMapping(
  spec: string | undefined,
  fields: readonly string[],
): Record<string, string> {
  const mapping: Record<string, string> = Object.fromEntries(fields.map((f) => [f, f]));
  if (!spec) return mapping;
  for (const pair of spec.split(',')) {
    const [field, header] = pair.split('=').map((s) => s.trim());
    if (!field || !header || !fields.includes(field)) {
      throw new AppError(
        'VALIDATION_FAILED',
        `Column mapping '${pair}' must be field=Header with field one of ${fields.join(', ')}`,
      );
    }
    mapping[field] = header;
  }
  return mapping;
}

/** Picks the mapped fields out of a CSV record; empty cells are left out so defaults apply. */
export function mapRecord(
  record: Record<string, string>,
  mapping: Record<string, string>,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [field, header] of Object.entries(mapping)) {
    const value = record[header];
    if (value !== undefined && value.trim() !== '') out[field] = value.trim();
  }
  return out;
}
