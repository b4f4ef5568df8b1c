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
  PartyReader,
  seg,
  toX12Date,
  type MapContext,
} from './common.js';
import type { SetMapping } from './mapping-types.js';
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
    const parties = new PartyReader();
    const lines: Line[] = [];
    let lineNumber: string | undefined;
    let line: Line | null = null;
    for (const segment of segments) {
      if (segment.tag === 'LX') {
        parties.close();
        lineNumber = el(segment, 1) || undefined;
        line = null;
      } else if (segment.tag === 'W04') {
        const quantity = ctx.number(segment, 1, 'number of units shipped');
        const { item } = readWarehouseItem(segment, 3, pairsFrom(segment, 4).slice(0, 2));
        if (quantity === undefined || !item) {
          ctx.report(
            'X12_MAPPING_MISSING_ELEMENT',
            'error',
            'W04 needs a quantity and a product identifier; line skipped',
            segment,
            quantity === undefined ? 1 : 5,
            '1',
          );
          line = null;
          continue;
        }
        line = {
          item,
          quantity,
          uom: ctx.uom(el(segment, 2), segment, 2),
          ...(lineNumber ? { lineNumber } : {}),
        };
        lines.push(line);
      } else if (line && segment.tag === 'G69' && el(segment, 1)) {
        line.item.description ??= el(segment, 1);
      } else if (line && segment.tag === 'N9' && el(segment, 1) === 'LT' && el(segment, 2)) {
        line.lot ??= el(segment, 2);
      } else if (lines.length === 0 && !line) {
        parties.accept(segment);
      }
    }
    if (!transferId) return [];
    return [
      {
        type: 'stock.transfer_shipment',
        transferId,
        ...(shipDate ? { shipDate } : {}),
        parties: parties.parties,
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
