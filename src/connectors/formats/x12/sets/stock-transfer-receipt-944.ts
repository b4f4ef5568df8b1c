/**
 * 944 Warehouse Stock Transfer Receipt Advice <-> stock.transfer_receipt (W17 header,
 * LX / W07 detail, W13 for damaged units). The expected quantity travels as QTY*38
 * (original quantity), this hub's convention.
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

type Receipt = MessageOf<'stock.transfer_receipt'>;
type Line = Receipt['lines'][number];

export const stockTransferReceipt944: SetMapping<'stock.transfer_receipt'> = {
  setId: '944',
  functionalId: 'RE',
  messageType: 'stock.transfer_receipt',
  read(ctx: MapContext): Receipt[] {
    const segments = ctx.set.segments;
    const w17 = segments.find((s) => s.tag === 'W17');
    // W1704 (depositor order number) ties the receipt to the 943; W1703 is the warehouse's own.
    const transferId = w17 ? el(w17, 4) || el(w17, 3) : '';
    if (!transferId) ctx.required(w17, 3, 'warehouse receipt number');
    const receiptDate = w17 ? ctx.date(w17, 2, 'date') : undefined;
    const { lines, parties } = readLxLines<Line>(ctx, {
      detailTag: 'W07',
      line(segment, lineNumber) {
        const quantity = ctx.number(segment, 1, 'quantity received');
        const { item } = readWarehouseItem(segment, 3, pairsFrom(segment, 4).slice(0, 2));
        if (quantity === undefined || !item)
          return skippedLine(
            ctx,
            segment,
            'a quantity and a product identifier',
            quantity === undefined ? 1 : 5,
          );
        const lot = el(segment, 8);
        return {
          item,
          quantity,
          uom: ctx.uom(el(segment, 2), segment, 2),
          ...(lineNumber ? { lineNumber } : {}),
          ...(lot ? { lot } : {}),
        };
      },
      extend(line, segment) {
        if (segment.tag === 'W13') {
          const damaged = ctx.number(segment, 1, 'quantity');
          if (damaged !== undefined) line.damagedQuantity = (line.damagedQuantity ?? 0) + damaged;
        } else if (segment.tag === 'QTY' && el(segment, 1) === '38') {
          const expected = ctx.number(segment, 2, 'quantity');
          if (expected !== undefined) line.expectedQuantity = expected;
        }
      },
    });
    if (!transferId) return [];
    return [
      {
        type: 'stock.transfer_receipt',
        transferId,
        ...(receiptDate ? { receiptDate } : {}),
        parties,
        lines,
      },
    ];
  },
  write(message: Receipt): X12SegmentData[] {
    const out: X12SegmentData[] = [
      seg('W17', 'F', toX12Date(message.receiptDate), message.transferId, message.transferId),
      ...partySegments(message.parties),
    ];
    message.lines.forEach((line, k) => {
      const { upc, pairs } = splitUpcCase(line.item);
      const [q1, v1, q2, v2] = pairs;
      out.push(seg('LX', line.lineNumber ?? String(k + 1)));
      out.push(seg('W07', formatNumber(line.quantity), line.uom, upc, q1, v1, q2, v2, line.lot));
      if (line.item.description) out.push(seg('G69', line.item.description));
      if (line.damagedQuantity !== undefined)
        out.push(seg('W13', formatNumber(line.damagedQuantity), line.uom, '03'));
      if (line.expectedQuantity !== undefined)
        out.push(seg('QTY', '38', formatNumber(line.expectedQuantity), line.uom));
    });
    out.push(
      seg(
        'W14',
        message.lines.reduce((sum, line) => sum + line.quantity, 0),
      ),
    );
    return out;
  },
};
