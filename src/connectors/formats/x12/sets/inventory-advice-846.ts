/** 846 Inventory Inquiry/Advice <-> inventory.advice. One canonical line per QTY segment. */
import type { MessageOf } from '../../../../modules/integration/canonical.js';
import type { X12SegmentData } from '../types.js';
import {
  comp,
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

type Advice = MessageOf<'inventory.advice'>;
type Line = Advice['lines'][number];
type Kind = Line['quantityKind'];

// QTY01 (673) codes. 17/33/63/74 are the common 846 usage; QC and QT are this hub's choice
// for committed and in-transit (no single agreed code), ZZ is anything else.
const KIND_BY_CODE: Record<string, Kind> = {
  '17': 'on_hand',
  '33': 'available',
  '63': 'on_order',
  QC: 'committed',
  QT: 'in_transit',
  '74': 'damaged',
};
const CODE_BY_KIND: Record<Kind, string> = {
  on_hand: '17',
  available: '33',
  on_order: '63',
  committed: 'QC',
  in_transit: 'QT',
  damaged: '74',
  other: 'ZZ',
};

export const inventoryAdvice846: SetMapping<'inventory.advice'> = {
  setId: '846',
  functionalId: 'IB',
  messageType: 'inventory.advice',
  read(ctx: MapContext): Advice[] {
    const segments = ctx.set.segments;
    const bia = segments.find((s) => s.tag === 'BIA');
    const documentId = ctx.required(bia, 3, 'reference identification');
    const asOf = bia ? ctx.date(bia, 4, 'date') : undefined;
    if (bia && asOf === undefined) ctx.required(undefined, 4, 'BIA04 date');
    const parties = new PartyReader();
    const lines: Line[] = [];
    let inDetail = false;
    let item: Line['item'] | undefined;
    let lineNumber = '';
    let location: string | undefined;
    let pending: Line | null = null;
    const flush = (): void => {
      if (pending) lines.push(pending);
      pending = null;
    };
    for (const segment of segments) {
      if (segment.tag === 'LIN') {
        flush();
        inDetail = true;
        location = undefined;
        lineNumber = el(segment, 1);
        item = itemFromPairs(pairsFrom(segment, 2)).item;
        if (!item)
          ctx.report(
            'X12_MAPPING_MISSING_ELEMENT',
            'error',
            'LIN carries no product identifier',
            segment,
            3,
            '1',
          );
      } else if (!inDetail) {
        parties.accept(segment);
      } else if (segment.tag === 'PID' && item && el(segment, 5)) {
        item = { ...item, description: el(segment, 5) };
      } else if (segment.tag === 'N1') {
        flush();
        location = el(segment, 4) || el(segment, 2) || undefined;
      } else if (segment.tag === 'QTY') {
        flush();
        const quantity = ctx.number(segment, 2, 'quantity');
        if (quantity === undefined) {
          if (el(segment, 2) === '') ctx.required(segment, 2, 'quantity');
          continue;
        }
        if (!item) continue;
        pending = {
          item,
          quantity,
          uom: comp(segment, 3, 1),
          quantityKind: KIND_BY_CODE[el(segment, 1)] ?? 'other',
          ...(lineNumber ? { lineNumber } : {}),
          ...(location !== undefined ? { locationCode: location } : {}),
        };
      } else if (segment.tag === 'UIT' && pending !== null) {
        const open: Line = pending;
        if (open.uom === '') open.uom = el(segment, 1);
      }
    }
    flush();
    for (const line of lines) {
      if (line.uom === '') line.uom = 'EA';
    }
    if (
      lines.some((line) => line.uom === 'EA') &&
      segments.some((s) => s.tag === 'QTY' && comp(s, 3, 1) === '')
    ) {
      ctx.report('X12_MAPPING_DEFAULTED', 'info', 'a QTY without unit and without UIT: EA assumed');
    }
    if (documentId === undefined || asOf === undefined) return [];
    return [{ type: 'inventory.advice', documentId, asOf, parties: parties.parties, lines }];
  },
  write(message: Advice): X12SegmentData[] {
    const out: X12SegmentData[] = [
      seg('BIA', '00', 'DD', message.documentId, toX12Date(message.asOf)),
      ...partySegments(message.parties),
    ];
    let previousKey: string | null = null;
    let location: string | undefined;
    let count = 0;
    for (const line of message.lines) {
      const key = JSON.stringify([line.item, line.lineNumber ?? null]);
      if (key !== previousKey || (location !== undefined && line.locationCode === undefined)) {
        out.push(seg('LIN', line.lineNumber, ...itemPairs(line.item)), ...pid(line.item.description));
        previousKey = key;
        location = undefined;
        count++;
      }
      if (line.locationCode !== undefined && line.locationCode !== location) {
        out.push(seg('N1', 'WH', '', '92', line.locationCode));
        location = line.locationCode;
      }
      out.push(seg('QTY', CODE_BY_KIND[line.quantityKind], formatNumber(line.quantity), line.uom));
    }
    out.push(seg('CTT', count));
    return out;
  },
};
