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

/**
 * Picks the mapped fields out of a CSV record; empty cells are left out so defaults apply.
 * The mapping is turned into a list once, as this runs for every row of a file.
 */
export function columnPicker(
  mapping: Record<string, string>,
): (record: Record<string, string>) => Record<string, string> {
  const pairs = Object.entries(mapping);
  return (record) => {
    const out: Record<string, string> = {};
    for (const [field, header] of pairs) {
      const value = record[header];
      if (value === undefined) continue;
      const trimmed = value.trim();
      if (trimmed !== '') out[field] = trimmed;
    }
    return out;
  };
}
