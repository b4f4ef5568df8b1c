/**
 * 943 Warehouse Stock Transfer Shipment Advice <-> stock.transfer_shipment. Built from the
 * 004010 definition (no public sample): W06 header, N1 loops, LX / W04 / G69 / N9*LT detail.
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

type Shipment = MessageOf<'stock.transfer_shipment'>;
type Line = Shipment['lines'][number];

export const stockTransferShipment943: SetMapping<'stock.transfer_shipment'> = {
  setId: '943',
  functionalId: 'AR',
  messageType: 'stock.transfer_shipment',
  read(ctx: MapContext): Shipment[] {
    const segments = ctx.set.segments;
    const w06 = segments.find((s) => s.tag === 'W06');
    const transferId = w06 ? el(w06, 2) || el(w06, 4) : '';
    if (!transferId) ctx.required(w06, 2, 'depositor order number');
    const shipDate = w06 ? ctx.date(w06, 3, 'date') : undefined;
    const { lines, parties } = readLxLines<Line>(ctx, {
      detailTag: 'W04',
      line(segment, lineNumber) {
        const quantity = ctx.number(segment, 1, 'number of units shipped');
        const { item } = readWarehouseItem(segment, 3, pairsFrom(segment, 4).slice(0, 2));
        if (quantity === undefined || !item)
          return skippedLine(
            ctx,
            segment,
            'a quantity and a product identifier',
            quantity === undefined ? 1 : 5,
          );
        return {
          item,
          quantity,
          uom: ctx.uom(el(segment, 2), segment, 2),
          ...(lineNumber ? { lineNumber } : {}),
        };
      },
      extend(line, segment) {
        if (segment.tag === 'N9' && el(segment, 1) === 'LT' && el(segment, 2)) line.lot ??= el(segment, 2);
      },
    });
    if (!transferId) return [];
    return [
      {
        type: 'stock.transfer_shipment',
        transferId,
        ...(shipDate ? { shipDate } : {}),
        parties,
        lines,
      },
    ];
  },
  write(message: Shipment): X12SegmentData[] {
    const out: X12SegmentData[] = [
      seg('W06', 'N', message.transferId, toX12Date(message.shipDate)),
      ...partySegments(message.parties),
    ];
    message.lines.forEach((line, k) => {
      const { upc, pairs } = splitUpcCase(line.item);
      out.push(seg('LX', line.lineNumber ?? String(k + 1)));
      out.push(seg('W04', formatNumber(line.quantity), line.uom, upc, ...pairs.slice(0, 4)));
      if (line.item.description) out.push(seg('G69', line.item.description));
      if (line.lot) out.push(seg('N9', 'LT', line.lot));
    });
    out.push(
      seg(
        'W03',
        message.lines.reduce((sum, line) => sum + line.quantity, 0),
      ),
    );
    return out;
  },
};
