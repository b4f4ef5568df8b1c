/** 940 Warehouse Shipping Order <-> warehouse.shipping_order (W05, N1 loops, LX/W01 loops). */
import type { MessageOf } from '../../../../modules/integration/canonical.js';
import type { X12SegmentData } from '../types.js';
import {
  el,
  formatNumber,
  itemFromPairs,
  itemPairs,
  pairsFrom,
  partySegments,
  PartyReader,
  seg,
  toX12Date,
  type MapContext,
} from './common.js';
import type { SetMapping } from './mapping-types.js';

type Order = MessageOf<'warehouse.shipping_order'>;
type Line = Order['lines'][number];

/** W01/W04/W07/W12/W19 carry the UPC case code in a slot of its own; it round-trips under this scheme. */
export const UPC_CASE = 'upc_case';

export const warehouseShippingOrder940: SetMapping<'warehouse.shipping_order'> = {
  setId: '940',
  functionalId: 'OW',
  messageType: 'warehouse.shipping_order',
  read(ctx: MapContext): Order[] {
    const segments = ctx.set.segments;
    const w05 = segments.find((s) => s.tag === 'W05');
    const orderId = ctx.required(w05, 2, 'depositor order number');
    const poNumber = w05 ? el(w05, 3) : '';
    let requestedShipDate: string | undefined;
    const parties = new PartyReader();
    const lines: Line[] = [];
    let lineNumber: string | undefined;
    let line: Line | null = null;
    for (const segment of segments) {
      if (segment.tag === 'LX') {
        parties.close();
        lineNumber = el(segment, 1) || undefined;
        line = null;
      } else if (segment.tag === 'W01') {
        const quantity = ctx.number(segment, 1, 'quantity ordered');
        const { item: fixed } = readWarehouseItem(segment, 3, pairsFrom(segment, 4));
        if (quantity === undefined || !fixed) {
          ctx.report(
            'X12_MAPPING_MISSING_ELEMENT',
            'error',
            'W01 needs a quantity and a product identifier; line skipped',
            segment,
            quantity === undefined ? 1 : 5,
            '1',
          );
          line = null;
          continue;
        }
        line = {
          item: fixed,
          quantity,
          uom: ctx.uom(el(segment, 2), segment, 2),
          ...(lineNumber ? { lineNumber } : {}),
        };
        lines.push(line);
      } else if (line && segment.tag === 'G69' && el(segment, 1) && line.item.description === undefined) {
        line.item.description = el(segment, 1);
      } else if (segment.tag === 'G62' && el(segment, 1) === '10' && lines.length === 0) {
        requestedShipDate ??= ctx.date(segment, 2, 'date');
      } else if (lines.length === 0 && !line) {
        parties.accept(segment);
      }
    }
    if (orderId === undefined) return [];
    return [
      {
        type: 'warehouse.shipping_order',
        orderId,
        ...(poNumber ? { poNumber } : {}),
        ...(requestedShipDate ? { requestedShipDate } : {}),
        parties: parties.parties,
        lines,
      },
    ];
  },
  write(message: Order): X12SegmentData[] {
    const out: X12SegmentData[] = [
      seg('W05', 'N', message.orderId, message.poNumber),
      ...partySegments(message.parties),
    ];
    if (message.requestedShipDate) out.push(seg('G62', '10', toX12Date(message.requestedShipDate)));
    message.lines.forEach((line, k) => {
      const { upc, pairs } = splitUpcCase(line.item);
      out.push(seg('LX', line.lineNumber ?? String(k + 1)));
      out.push(seg('W01', formatNumber(line.quantity), line.uom, upc, ...pairs));
      if (line.item.description) out.push(seg('G69', line.item.description));
    });
    return out;
  },
};

/** itemFromPairs keys the UPC case slot as x12:x12:UPC_CASE; name it upc_case. */
export function fixUpcCase<
  T extends { partNumber: string; scheme: string; otherNumbers?: Record<string, string> },
>(item: T): T {
  const raw = 'x12:x12:UPC_CASE';
  if (item.scheme === raw) return { ...item, scheme: UPC_CASE };
  const other = item.otherNumbers?.[raw];
  if (other === undefined || !item.otherNumbers) return item;
  const { [raw]: _gone, ...rest } = item.otherNumbers;
  return { ...item, otherNumbers: { ...rest, [UPC_CASE]: other } };
}

/** Reads the UPC case code slot (element `upcAt`) and the qualifier pairs after it. */
export function readWarehouseItem(
  segment: X12SegmentData,
  upcAt: number,
  pairs: [string, string][],
): ReturnType<typeof itemFromPairs> {
  const upc = el(segment, upcAt);
  const result = itemFromPairs([...(upc ? [['x12:UPC_CASE', upc] as [string, string]] : []), ...pairs]);
  return result.item ? { ...result, item: fixUpcCase(result.item) } : result;
}

/** The UPC case code goes in its own slot; other numbers as qualifier pairs. */
export function splitUpcCase(item: Line['item']): { upc: string | undefined; pairs: string[] } {
  if (item.scheme === UPC_CASE) {
    const pairs = itemPairs({
      partNumber: '',
      scheme: 'vendor',
      ...(item.otherNumbers ? { otherNumbers: item.otherNumbers } : {}),
    }).slice(2);
    return { upc: item.partNumber, pairs };
  }
  const upc = item.otherNumbers?.[UPC_CASE];
  if (upc === undefined) return { upc: undefined, pairs: itemPairs(item) };
  const { [UPC_CASE]: _gone, ...rest } = item.otherNumbers ?? {};
  return { upc, pairs: itemPairs({ ...item, otherNumbers: rest }) };
}
