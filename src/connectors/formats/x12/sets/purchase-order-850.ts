/** 850 Purchase Order <-> purchase.order. */
import type { MessageOf } from '../../../../modules/integration/canonical.js';
import type { X12SegmentData } from '../types.js';
import {
  el,
  formatNumber,
  itemFromPairs,
  itemPairs,
  pairsFrom,
  partySegments,
  pid,
  PartyReader,
  seg,
  toX12Date,
  type MapContext,
} from './common.js';
import type { SetMapping } from './mapping-types.js';

type Order = MessageOf<'purchase.order'>;
type Line = Order['lines'][number];

// BEG01 (353): 00 original, 01 cancellation, 04 change, 05 replace (read as a change).
const PURPOSE_BY_CODE: Record<string, Order['purpose']> = {
  '00': 'original',
  '01': 'cancel',
  '04': 'change',
  '05': 'change',
};
const CODE_BY_PURPOSE: Record<Order['purpose'], string> = {
  original: '00',
  cancel: '01',
  change: '04',
  other: '18',
};

export const purchaseOrder850: SetMapping<'purchase.order'> = {
  setId: '850',
  functionalId: 'PO',
  messageType: 'purchase.order',
  read(ctx: MapContext): Order[] {
    const segments = ctx.set.segments;
    const beg = segments.find((s) => s.tag === 'BEG');
    const poNumber = ctx.required(beg, 3, 'purchase order number');
    const orderDate = beg ? ctx.date(beg, 5, 'date') : undefined;
    const parties = new PartyReader();
    const lines: Line[] = [];
    let line: Line | null = null;
    for (const segment of segments) {
      if (segment.tag === 'PO1') {
        line = null;
        const quantity = ctx.number(segment, 2, 'quantity ordered');
        const { item } = itemFromPairs(pairsFrom(segment, 6));
        if (quantity === undefined) {
          if (el(segment, 2) === '')
            ctx.report(
              'X12_MAPPING_MISSING_ELEMENT',
              'warning',
              'PO102 quantity is missing; line skipped',
              segment,
              2,
              '2',
            );
          continue;
        }
        if (!item) {
          ctx.report(
            'X12_MAPPING_MISSING_ELEMENT',
            'error',
            'PO1 carries no product identifier; line skipped',
            segment,
            7,
            '1',
          );
          continue;
        }
        const unitPrice = ctx.number(segment, 4, 'unit price');
        line = {
          item,
          quantity,
          uom: ctx.uom(el(segment, 3), segment, 3),
          ...(el(segment, 1) ? { lineNumber: el(segment, 1) } : {}),
          ...(unitPrice !== undefined ? { unitPrice } : {}),
        };
        lines.push(line);
      } else if (segment.tag === 'CTT') {
        line = null;
      } else if (line) {
        if (segment.tag === 'PID' && el(segment, 5) && line.item.description === undefined)
          line.item.description = el(segment, 5);
        else if (
          segment.tag === 'DTM' &&
          (el(segment, 1) === '002' || el(segment, 1) === '010') &&
          line.requestedDate === undefined
        ) {
          const date = ctx.date(segment, 2, 'date');
          if (date) line.requestedDate = date;
        }
      } else if (lines.length === 0) {
        parties.accept(segment);
      }
    }
    if (poNumber === undefined) return [];
    return [
      {
        type: 'purchase.order',
        poNumber,
        ...(orderDate ? { orderDate } : {}),
        purpose: PURPOSE_BY_CODE[el(beg!, 1)] ?? 'other',
        parties: parties.parties,
        lines,
      },
    ];
  },
  write(message: Order): X12SegmentData[] {
    const out: X12SegmentData[] = [
      seg('BEG', CODE_BY_PURPOSE[message.purpose], 'SA', message.poNumber, '', toX12Date(message.orderDate)),
      ...partySegments(message.parties),
    ];
    for (const line of message.lines) {
      out.push(
        seg(
          'PO1',
          line.lineNumber,
          formatNumber(line.quantity),
          line.uom,
          line.unitPrice !== undefined ? formatNumber(line.unitPrice) : undefined,
          '',
          ...itemPairs(line.item),
        ),
      );
      out.push(...pid(line.item.description));
      if (line.requestedDate) out.push(seg('DTM', '002', toX12Date(line.requestedDate)));
    }
    out.push(seg('CTT', message.lines.length));
    return out;
  },
};
