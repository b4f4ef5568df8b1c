import { stringify } from 'csv-stringify';
import type { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import type { Store } from '../../../db/index.js';
import type { ImportKind } from './import.service.js';

/** Streams the part master (or its cross-references) as CSV in the import layout, page by page. */
export async function exportCsv(
  store: Store,
  tenantId: string,
  kind: ImportKind,
  out: Writable,
): Promise<number> {
  let count = 0;
  async function* rows(): AsyncGenerator<Record<string, string>> {
    let after = '';
    for (;;) {
      if (kind === 'parts') {
        const page = await store.db
          .selectFrom('parts')
          .select(['part_number', 'description', 'base_uom', 'whole_units', 'tracking'])
          .where('tenant_id', '=', tenantId)
          .where('part_number', '>', after)
          .orderBy('part_number')
          .limit(2000)
          .execute();
        for (const p of page) {
          count += 1;
          yield {
            partNumber: p.part_number,
            description: p.description,
            baseUom: p.base_uom,
            wholeUnits: Number(p.whole_units) === 1 ? 'true' : 'false',
            tracking: p.tracking,
          };
        }
        if (page.length < 2000) return;
        after = page.at(-1)!.part_number;
      } else {
        const page = await store.db
          .selectFrom('part_xrefs as x')
          .innerJoin('parts as p', 'p.id', 'x.part_id')
          .select(['p.part_number', 'x.scheme_code', 'x.number_raw', 'x.number_normalized', 'x.source'])
          .where('x.tenant_id', '=', tenantId)
          .where((eb) =>
            eb(eb.fn('concat', ['x.scheme_code', eb.val('|'), 'x.number_normalized']), '>', after),
          )
          .orderBy('x.scheme_code')
          .orderBy('x.number_normalized')
          .limit(2000)
          .execute();
        for (const x of page) {
          count += 1;
          yield { partNumber: x.part_number, scheme: x.scheme_code, number: x.number_raw, source: x.source };
        }
        if (page.length < 2000) return;
        const last = page.at(-1)!;
        after = `${last.scheme_code}|${last.number_normalized}`;
      }
    }
  }
  const columns =
    kind === 'parts'
      ? ['partNumber', 'description', 'baseUom', 'wholeUnits', 'tracking']
      : ['partNumber', 'scheme', 'number', 'source'];
  await pipeline(Readable.from(rows()), stringify({ header: true, columns }), out);
  return count;
}
