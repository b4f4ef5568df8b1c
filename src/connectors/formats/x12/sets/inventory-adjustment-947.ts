/**
 * 947 Warehouse Inventory Adjustment Advice <-> inventory.adjustment. Built from the 004010
 * definition (no public sample): W15 header, N1 loops, LX / W19 detail. W1902 is the signed
 * credit/debit quantity; the stock status rides in N9*ZZ inside the W19 loop (our convention).
 */
import type { MessageOf } from '../../../../modules/integration/canonical.js';
import type { X12SegmentData } from '../types.js';
import {
  el,
  formatNumber,
  pairsFrom,
  partySegments,
  seg,
  toX12Date,
  type MapContext,
} from './common.js';
import type { SetMapping } from './mapping-types.js';
import { readLxLines, skippedLine } from './warehouse-lines.js';
import { readWarehouseItem, splitUpcCase } from './warehouse-shipping-order-940.js';

type Adjustment = MessageOf<'inventory.adjustment'>;
type Line = Adjustment['lines'][number];

export const inventoryAdjustment947: SetMapping<'inventory.adjustment'> = {
  setId: '947',
  functionalId: 'AW',
  messageType: 'inventory.adjustment',
  read(ctx: MapContext): Adjustment[] {
    const segments = ctx.set.segments;
    const w15 = segments.find((s) => s.tag === 'W15');
    const adjustmentId = ctx.required(w15, 2, 'adjustment number');
    const date = w15 ? ctx.date(w15, 1, 'date') : undefined;
    const { lines, parties } = readLxLines<Line>(ctx, {
      detailTag: 'W19',
      line(segment, lineNumber) {
        const reasonCode = el(segment, 1);
        const quantity = ctx.number(segment, 2, 'credit/debit quantity');
        const { item } = readWarehouseItem(segment, 4, pairsFrom(segment, 5).slice(0, 2));
        if (!reasonCode || quantity === undefined || !item)
          return skippedLine(
            ctx,
            segment,
            'a reason code, a quantity and a product identifier',
            !reasonCode ? 1 : quantity === undefined ? 2 : 6,
          );
        return {
          item,
          quantity,
          uom: ctx.uom(el(segment, 3), segment, 3),
          reasonCode,
          ...(lineNumber ? { lineNumber } : {}),
        };
      },
      extend(line, segment) {
        if (segment.tag === 'N9' && el(segment, 1) === 'ZZ' && el(segment, 2)) line.status ??= el(segment, 2);
      },
    });
    if (adjustmentId === undefined) return [];
    return [
      {
        type: 'inventory.adjustment',
        adjustmentId,
        ...(date ? { date } : {}),
        parties,
        lines,
      },
    ];
  },
  write(message: Adjustment): X12SegmentData[] {
    const out: X12SegmentData[] = [
      seg('W15', toX12Date(message.date), message.adjustmentId),
      ...partySegments(message.parties),
    ];
    message.lines.forEach((line, k) => {
      const { upc, pairs } = splitUpcCase(line.item);
      out.push(seg('LX', line.lineNumber ?? String(k + 1)));
      out.push(seg('W19', line.reasonCode, formatNumber(line.quantity), line.uom, upc, ...pairs.slice(0, 4)));
      if (line.item.description) out.push(seg('G69', line.item.description));
      if (line.status) out.push(seg('N9', 'ZZ', line.status));
    });
    return out;
  },
};
