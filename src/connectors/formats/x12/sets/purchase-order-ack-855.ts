/** 855 Purchase Order Acknowledgment <-> purchase.order.ack. One canonical line per ACK. */
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

type Ack = MessageOf<'purchase.order.ack'>;
type Line = Ack['lines'][number];
type LineStatus = Line['status'];

// BAK02 (587) acknowledgment type.
const STATUS_BY_CODE: Record<string, Ack['status']> = {
  AD: 'accepted',
  AK: 'accepted',
  AT: 'accepted',
  AC: 'accepted_with_changes',
  AE: 'accepted_with_changes',
  RD: 'rejected',
  RJ: 'rejected',
  RF: 'rejected',
  RO: 'rejected',
};
const CODE_BY_STATUS: Record<Ack['status'], string> = {
  accepted: 'AD',
  accepted_with_changes: 'AC',
  rejected: 'RD',
  other: 'ZZ',
};
// ACK01 (668) line item status.
const LINE_BY_CODE: Record<string, LineStatus> = {
  IA: 'accepted',
  AC: 'accepted',
  IB: 'backordered',
  BP: 'backordered',
  IR: 'rejected',
  ID: 'rejected',
  R1: 'rejected',
  R2: 'rejected',
  R3: 'rejected',
  R4: 'rejected',
  IC: 'changed',
  IQ: 'changed',
  IP: 'changed',
  IS: 'changed',
  DR: 'changed',
};
const CODE_BY_LINE: Record<LineStatus, string> = {
  accepted: 'IA',
  backordered: 'IB',
  rejected: 'IR',
  changed: 'IC',
  other: 'IH',
};
/** Without ACK segments a line follows the header's answer. */
const LINE_FROM_HEADER: Record<Ack['status'], LineStatus> = {
  accepted: 'accepted',
  accepted_with_changes: 'changed',
  rejected: 'rejected',
  other: 'other',
};
const EXPECTED_DATE_QUALIFIERS = new Set(['017', '067', '068', '069', '002', '010']);

export const purchaseOrderAck855: SetMapping<'purchase.order.ack'> = {
  setId: '855',
  functionalId: 'PR',
  messageType: 'purchase.order.ack',
  read(ctx: MapContext): Ack[] {
    const segments = ctx.set.segments;
    const bak = segments.find((s) => s.tag === 'BAK');
    const poNumber = ctx.required(bak, 3, 'purchase order number');
    const status = STATUS_BY_CODE[bak ? el(bak, 2) : ''] ?? 'other';
    const ackDate = bak ? (ctx.date(bak, 9, 'acknowledgment date') ?? ctx.date(bak, 4, 'date')) : undefined;
    const parties = new PartyReader();
    const lines: Line[] = [];
    // The PO1 being read, and the lines made from its ACKs.
    let base: (Omit<Line, 'status' | 'quantity'> & { quantity?: number }) | null = null;
    let acks: Line[] = [];
    let loopDate: string | undefined;
    const flush = (): void => {
      if (!base) return;
      if (acks.length === 0 && base.quantity !== undefined) {
        const { quantity } = base;
        acks.push({ ...base, quantity, status: LINE_FROM_HEADER[status] });
      }
      for (const line of acks) {
        if (line.expectedDate === undefined && loopDate !== undefined) line.expectedDate = loopDate;
        lines.push(line);
      }
      base = null;
      acks = [];
      loopDate = undefined;
    };
    for (const segment of segments) {
      if (segment.tag === 'PO1') {
        flush();
        const ordered = ctx.number(segment, 2, 'quantity ordered');
        const { item } = itemFromPairs(pairsFrom(segment, 6));
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
        base = {
          item,
          uom: ctx.uom(el(segment, 3), segment, 3),
          ...(el(segment, 1) ? { lineNumber: el(segment, 1) } : {}),
          ...(ordered !== undefined ? { orderedQuantity: ordered, quantity: ordered } : {}),
        };
      } else if (segment.tag === 'CTT') {
        flush();
      } else if (base) {
        const open = base;
        if (segment.tag === 'PID' && el(segment, 5) && open.item.description === undefined)
          open.item = { ...open.item, description: el(segment, 5) };
        else if (segment.tag === 'ACK') {
          const quantity = ctx.number(segment, 2, 'quantity') ?? open.quantity;
          if (quantity === undefined) {
            ctx.report(
              'X12_MAPPING_MISSING_ELEMENT',
              'warning',
              'ACK02 quantity and PO102 are missing; ACK skipped',
              segment,
              2,
              '2',
            );
            continue;
          }
          const date = el(segment, 5) ? ctx.date(segment, 5, 'date') : undefined;
          const { quantity: _ordered, ...rest } = open;
          acks.push({
            ...rest,
            quantity,
            uom: el(segment, 3) || open.uom,
            status: LINE_BY_CODE[el(segment, 1)] ?? 'other',
            ...(date ? { expectedDate: date } : {}),
          });
        } else if (segment.tag === 'DTM' && EXPECTED_DATE_QUALIFIERS.has(el(segment, 1))) {
          loopDate ??= ctx.date(segment, 2, 'date');
        }
      } else if (lines.length === 0) {
        parties.accept(segment);
      }
    }
    flush();
    if (poNumber === undefined) return [];
    return [
      {
        type: 'purchase.order.ack',
        poNumber,
        ...(ackDate ? { ackDate } : {}),
        status,
        parties: parties.parties,
        lines,
      },
    ];
  },
  write(message: Ack): X12SegmentData[] {
    const date = toX12Date(message.ackDate);
    const out: X12SegmentData[] = [
      seg('BAK', '00', CODE_BY_STATUS[message.status], message.poNumber, date, '', '', '', '', date),
      ...partySegments(message.parties),
    ];
    for (const line of message.lines) {
      const ordered = line.orderedQuantity !== undefined ? formatNumber(line.orderedQuantity) : undefined;
      out.push(seg('PO1', line.lineNumber, ordered, line.uom, '', '', ...itemPairs(line.item)));
      out.push(...pid(line.item.description));
      // ACK04 068 = current schedule ship date.
      out.push(
        seg(
          'ACK',
          CODE_BY_LINE[line.status],
          formatNumber(line.quantity),
          line.uom,
          line.expectedDate ? '068' : undefined,
          toX12Date(line.expectedDate),
        ),
      );
    }
    out.push(seg('CTT', message.lines.length));
    return out;
  },
};
