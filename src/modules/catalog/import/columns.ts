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
 * Picks the mapped fields out of a record's cells (laid out as csv-batches.ts hands them over,
 * the cells in the order of the header's `columns`); empty cells are left out so defaults
 * apply. Where each field's cell is is worked out once per header, as this runs for every row.
 */
export function cellPicker(
  mapping: Record<string, string>,
): (
  columns: readonly string[],
) => (cells: readonly string[], at: number, width: number) => Record<string, string> {
  const pairs = Object.entries(mapping);
  let last: { columns: readonly string[]; pick: ReturnType<typeof pickerFor> } | null = null;
  return (columns) => {
    if (last?.columns !== columns) last = { columns, pick: pickerFor(pairs, columns) };
    return last.pick;
  };
}

function pickerFor(pairs: Array<[string, string]>, columns: readonly string[]) {
  const wanted = pairs
    .map(([field, header]) => ({ field, index: columns.indexOf(header) }))
    .filter((w) => w.index >= 0);
  return (cells: readonly string[], at: number, width: number): Record<string, string> => {
    const out: Record<string, string> = {};
    for (const { field, index } of wanted) {
      if (index >= width) continue;
      const trimmed = (cells[at + index] as string).trim();
      if (trimmed !== '') out[field] = trimmed;
    }
    return out;
  };
}
