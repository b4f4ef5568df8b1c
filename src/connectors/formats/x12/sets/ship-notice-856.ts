/**
 * 856 Ship Notice/Manifest <-> ship.notice. HL loops: S shipment, O order, P/T pack, I item;
 * an item takes its PO number from the nearest order level above it.
 */
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

type Notice = MessageOf<'ship.notice'>;
type Line = Notice['lines'][number];

interface Level {
  id: string;
  code: string;
  poNumber?: string;
}

export const shipNotice856: SetMapping<'ship.notice'> = {
  setId: '856',
  functionalId: 'SH',
  messageType: 'ship.notice',
  read(ctx: MapContext): Notice[] {
    const segments = ctx.set.segments;
    const bsn = segments.find((s) => s.tag === 'BSN');
    let shipmentId = bsn ? el(bsn, 2) || undefined : undefined;
    if (shipmentId === undefined) {
      // Some senders leave BSN02 empty and identify the shipment by its bill of lading.
      const ref = segments.find(
        (s) => s.tag === 'REF' && (el(s, 1) === 'BM' || el(s, 1) === 'CN') && el(s, 2),
      );
      if (ref) {
        shipmentId = el(ref, 2);
        ctx.report(
          'X12_MAPPING_DEFAULTED',
          'warning',
          `BSN02 shipment identification is missing: REF*${el(ref, 1)} ${shipmentId} is used`,
          bsn,
          2,
        );
      } else ctx.required(bsn, 2, 'shipment identification');
    }
    let shipDate = bsn ? ctx.date(bsn, 3, 'date') : undefined;
    let expectedDeliveryDate: string | undefined;
    let carrier: string | undefined;
    let trackingNumber: string | undefined;
    const parties = new PartyReader();
    const levels = new Map<string, Level>();
    let lastOrder: Level | undefined;
    let level: Level | undefined;
    let line: Line | null = null;
    const lines: Line[] = [];
    const parents = new Map<string, string>();
    const orderAbove = (id: string): Level | undefined => {
      let current = levels.get(id);
      for (let guard = 0; current && guard < 1000; guard++) {
        if (current.code === 'O') return current;
        const parent = parents.get(current.id);
        current = parent === undefined ? undefined : levels.get(parent);
      }
      return undefined;
    };
    for (const segment of segments) {
      if (segment.tag === 'HL') {
        parties.close();
        line = null;
        level = { id: el(segment, 1), code: el(segment, 3) };
        levels.set(level.id, level);
        if (el(segment, 2)) parents.set(level.id, el(segment, 2));
        if (level.code === 'O') lastOrder = level;
        continue;
      }
      if (!level || level.code === 'S') {
        if (segment.tag === 'DTM') {
          const date = ctx.date(segment, 2, 'date');
          if (el(segment, 1) === '011' && date) shipDate ??= date;
          else if ((el(segment, 1) === '017' || el(segment, 1) === '067') && date)
            expectedDeliveryDate ??= date;
          continue;
        }
        if (segment.tag === 'TD5') {
          carrier ??= el(segment, 3) || el(segment, 5) || undefined;
          continue;
        }
        if (segment.tag === 'REF' && el(segment, 1) === 'CN') {
          trackingNumber ??= el(segment, 2) || undefined;
          continue;
        }
        if (level) parties.accept(segment);
        continue;
      }
      if (level.code === 'O') {
        if (
          (segment.tag === 'PRF' && el(segment, 1)) ||
          (segment.tag === 'REF' && el(segment, 1) === 'PO' && el(segment, 2))
        ) {
          level.poNumber ??= segment.tag === 'PRF' ? el(segment, 1) : el(segment, 2);
        }
        continue;
      }
      if (level.code !== 'I') continue;
      if (segment.tag === 'LIN') {
        const { item, extras } = itemFromPairs(pairsFrom(segment, 2));
        if (!item) {
          ctx.report(
            'X12_MAPPING_MISSING_ELEMENT',
            'error',
            'LIN carries no product identifier; item skipped',
            segment,
            3,
            '1',
          );
          line = null;
          continue;
        }
        const order = orderAbove(level.id) ?? (parents.has(level.id) ? undefined : lastOrder);
        const poNumber = extras.poNumber ?? order?.poNumber;
        line = {
          item,
          quantity: Number.NaN,
          uom: '',
          ...(el(segment, 1) ? { lineNumber: el(segment, 1) } : {}),
          ...(poNumber ? { poNumber } : {}),
          ...(extras.serials.length > 0 ? { serials: extras.serials } : {}),
          ...(extras.lot ? { lot: extras.lot } : {}),
        };
        lines.push(line);
      } else if (line && segment.tag === 'SN1') {
        const quantity = ctx.number(segment, 2, 'number of units shipped');
        if (quantity === undefined) ctx.required(segment, 2, 'number of units shipped');
        line.quantity = quantity ?? Number.NaN;
        line.uom = ctx.uom(el(segment, 3), segment, 3);
      } else if (line && segment.tag === 'PID' && el(segment, 5) && line.item.description === undefined) {
        line.item.description = el(segment, 5);
      } else if (line && segment.tag === 'REF' && el(segment, 1) === 'SE' && el(segment, 2)) {
        line.serials = [...(line.serials ?? []), el(segment, 2)];
      } else if (line && segment.tag === 'REF' && el(segment, 1) === 'LT' && el(segment, 2)) {
        line.lot ??= el(segment, 2);
      }
    }
    const complete = lines.filter((candidate) => {
      if (Number.isFinite(candidate.quantity)) return true;
      ctx.report(
        'X12_MAPPING_MISSING_ELEMENT',
        'error',
        `item ${candidate.item.partNumber} has no SN1 quantity; item skipped`,
      );
      return false;
    });
    if (shipmentId === undefined) return [];
    return [
      {
        type: 'ship.notice',
        shipmentId,
        ...(shipDate ? { shipDate } : {}),
        ...(expectedDeliveryDate ? { expectedDeliveryDate } : {}),
        ...(carrier ? { carrier } : {}),
        ...(trackingNumber ? { trackingNumber } : {}),
        parties: parties.parties,
        lines: complete,
      },
    ];
  },
  write(message: Notice): X12SegmentData[] {
    const out: X12SegmentData[] = [
      seg('BSN', '00', message.shipmentId, toX12Date(message.shipDate), '0000'),
      seg('HL', '1', '', 'S'),
    ];
    if (message.carrier) out.push(seg('TD5', '', '2', message.carrier));
    if (message.trackingNumber) out.push(seg('REF', 'CN', message.trackingNumber));
    if (message.shipDate) out.push(seg('DTM', '011', toX12Date(message.shipDate)));
    if (message.expectedDeliveryDate) out.push(seg('DTM', '017', toX12Date(message.expectedDeliveryDate)));
    out.push(...partySegments(message.parties));
    let hl = 1;
    let orderHl: number | null = null;
    let orderPo: string | undefined;
    for (const line of message.lines) {
      // A new order level whenever the PO changes keeps the lines in their original order.
      if (line.poNumber !== orderPo || (line.poNumber !== undefined && orderHl === null)) {
        orderPo = line.poNumber;
        if (line.poNumber !== undefined) {
          hl++;
          orderHl = hl;
          out.push(seg('HL', hl, 1, 'O'), seg('PRF', line.poNumber));
        } else orderHl = null;
      }
      hl++;
      out.push(seg('HL', hl, orderHl ?? 1, 'I'));
      out.push(seg('LIN', line.lineNumber, ...itemPairs(line.item), ...(line.lot ? ['LT', line.lot] : [])));
      out.push(seg('SN1', '', formatNumber(line.quantity), line.uom));
      out.push(...pid(line.item.description));
      for (const serial of line.serials ?? []) out.push(seg('REF', 'SE', serial));
    }
    out.push(seg('CTT', hl));
    return out;
  },
};
