/** 945 Warehouse Shipping Advice <-> warehouse.shipping_advice (W06, LX/W12 loops). */
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

type Advice = MessageOf<'warehouse.shipping_advice'>;
type Line = Advice['lines'][number];
type Status = Line['status'];

// W1201 (368) shipment/order status. CC/CL complete; CP/PR/PS/SS partial; DE/ID deleted.
const STATUS_BY_CODE: Record<string, Status> = {
  CC: 'shipped',
  CL: 'shipped',
  CP: 'partial',
  PR: 'partial',
  PS: 'partial',
  SS: 'partial',
  DE: 'cancelled',
  ID: 'cancelled',
};
const CODE_BY_STATUS: Record<Status, string> = { shipped: 'CC', partial: 'CP', cancelled: 'DE', other: 'ZZ' };

export const warehouseShippingAdvice945: SetMapping<'warehouse.shipping_advice'> = {
  setId: '945',
  functionalId: 'SW',
  messageType: 'warehouse.shipping_advice',
  read(ctx: MapContext): Advice[] {
    const segments = ctx.set.segments;
    const w06 = segments.find((s) => s.tag === 'W06');
    let orderId = w06 ? el(w06, 2) || el(w06, 6) : '';
    const shipmentId = w06 ? el(w06, 4) : '';
    if (!orderId && shipmentId && w06) {
      ctx.report(
        'X12_MAPPING_DEFAULTED',
        'warning',
        'W06 has no depositor order number (W0602) nor PO (W0606): the shipment id W0604 is used as order id',
        w06,
        2,
      );
      orderId = shipmentId;
    }
    if (!orderId) ctx.required(w06, 2, 'depositor order number');
    let shipDate = w06 ? ctx.date(w06, 3, 'date') : undefined;
    const { lines, parties } = readLxLines<Line>(ctx, {
      detailTag: 'W12',
      line(segment, lineNumber) {
        const ordered = ctx.number(segment, 2, 'quantity ordered');
        const shipped = ctx.number(segment, 3, 'number of units shipped');
        const { item } = readWarehouseItem(
          segment,
          6,
          pairsFrom(segment, 7).slice(0, 1).concat(pairsFrom(segment, 16).slice(0, 1)),
        );
        if (shipped === undefined || !item)
          return skippedLine(
            ctx,
            segment,
            'units shipped and a product identifier',
            shipped === undefined ? 3 : 8,
          );
        let status = STATUS_BY_CODE[el(segment, 1)] ?? 'other';
        // Shipped short of the order is partial whatever the code says.
        if (ordered !== undefined && shipped < ordered && status === 'shipped') status = 'partial';
        return {
          item,
          quantity: shipped,
          uom: ctx.uom(el(segment, 5), segment, 5),
          status,
          ...(ordered !== undefined ? { orderedQuantity: ordered } : {}),
          ...(lineNumber ? { lineNumber } : {}),
        };
      },
      header(segment) {
        if (segment.tag !== 'G62' || el(segment, 1) !== '11') return false;
        shipDate = ctx.date(segment, 2, 'date') ?? shipDate;
        return true;
      },
    });
    if (!orderId) return [];
    return [
      {
        type: 'warehouse.shipping_advice',
        orderId,
        ...(shipmentId ? { shipmentId } : {}),
        ...(shipDate ? { shipDate } : {}),
        parties,
        lines,
      },
    ];
  },
  write(message: Advice): X12SegmentData[] {
    const out: X12SegmentData[] = [
      seg('W06', 'N', message.orderId, toX12Date(message.shipDate), message.shipmentId),
      ...partySegments(message.parties),
    ];
    message.lines.forEach((line, k) => {
      const { upc, pairs } = splitUpcCase(line.item);
      out.push(seg('LX', line.lineNumber ?? String(k + 1)));
      // W12 holds one qualifier pair at 07/08 and one at 16/17; more numbers do not fit.
      const [q1, v1, q2, v2] = pairs;
      const ordered = line.orderedQuantity !== undefined ? formatNumber(line.orderedQuantity) : undefined;
      out.push(
        seg(
          'W12',
          CODE_BY_STATUS[line.status],
          ordered,
          formatNumber(line.quantity),
          '',
          line.uom,
          upc,
          q1,
          v1,
          '',
          '',
          '',
          '',
          '',
          '',
          '',
          q2,
          v2,
        ),
      );
      if (line.item.description) out.push(seg('G69', line.item.description));
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
