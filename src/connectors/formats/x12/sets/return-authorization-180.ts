/**
 * 180 Return Merchandise Authorization and Notification <-> return.authorization. Real
 * senders use BLI lines (seen in 003030 and 005040 samples); LIN + QTY lines are read too.
 * RDR01 is the return reason; serials come from LIN SN pairs, N9*SE or REF*SE.
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

type Rma = MessageOf<'return.authorization'>;
type Line = Rma['lines'][number];

const PRODUCT_QUALIFIERS = new Set(['BP', 'IN', 'VP', 'VN', 'MG', 'UP', 'UK', 'EN', 'SK', 'CB', 'VC', 'SN']);

export const returnAuthorization180: SetMapping<'return.authorization'> = {
  setId: '180',
  functionalId: 'AN',
  messageType: 'return.authorization',
  read(ctx: MapContext): Rma[] {
    const segments = ctx.set.segments;
    const bgn = segments.find((s) => s.tag === 'BGN');
    const rmaNumber = ctx.required(bgn, 2, 'reference identification');
    const date = bgn ? ctx.date(bgn, 3, 'date') : undefined;
    const parties = new PartyReader();
    const lines: Line[] = [];
    let line: Line | null = null;
    let pendingLin: { segment: X12SegmentData; item: Line['item']; serials: string[] } | null = null;
    for (const segment of segments) {
      if (segment.tag === 'BLI') {
        pendingLin = null;
        const quantity = ctx.number(segment, 3, 'quantity');
        // Past BLI06 only pairs whose qualifier is a product id qualifier are part numbers.
        const extra: [string, string][] = [];
        for (let n = 7; n <= segment.elements.length; n++)
          if (PRODUCT_QUALIFIERS.has(el(segment, n)) && el(segment, n + 1))
            extra.push([el(segment, n), el(segment, ++n)]);
        const { item, extras } = itemFromPairs([[el(segment, 1), el(segment, 2)], ...extra]);
        if (quantity === undefined || !item) {
          ctx.report(
            'X12_MAPPING_MISSING_ELEMENT',
            'error',
            'BLI needs a quantity and a product identifier; line skipped',
            segment,
            quantity === undefined ? 3 : 2,
            '1',
          );
          line = null;
          continue;
        }
        line = {
          item,
          quantity,
          uom: ctx.uom(el(segment, 4), segment, 4),
          ...(extras.serials.length > 0 ? { serials: extras.serials } : {}),
        };
        lines.push(line);
      } else if (segment.tag === 'LIN') {
        line = null;
        const { item, extras } = itemFromPairs(pairsFrom(segment, 2));
        if (!item) {
          ctx.report(
            'X12_MAPPING_MISSING_ELEMENT',
            'error',
            'LIN carries no product identifier; line skipped',
            segment,
            3,
            '1',
          );
          pendingLin = null;
          continue;
        }
        pendingLin = { segment, item, serials: extras.serials };
      } else if (segment.tag === 'QTY' && pendingLin) {
        const quantity = ctx.number(segment, 2, 'quantity');
        if (quantity === undefined) continue;
        const lineNumber = el(pendingLin.segment, 1);
        line = {
          item: pendingLin.item,
          quantity,
          uom: ctx.uom(el(segment, 3), segment, 3),
          ...(lineNumber ? { lineNumber } : {}),
          ...(pendingLin.serials.length > 0 ? { serials: pendingLin.serials } : {}),
        };
        lines.push(line);
        pendingLin = null;
      } else if (line && segment.tag === 'RDR' && el(segment, 1)) {
        line.reason ??= el(segment, 1);
      } else if (
        line &&
        (segment.tag === 'N9' || segment.tag === 'REF') &&
        el(segment, 1) === 'SE' &&
        el(segment, 2)
      ) {
        line.serials = [...(line.serials ?? []), el(segment, 2)];
      } else if (line && segment.tag === 'N9' && el(segment, 1) === 'LI' && el(segment, 2)) {
        line.lineNumber ??= el(segment, 2);
      } else if (line && segment.tag === 'PID' && el(segment, 5)) {
        line.item.description ??= el(segment, 5);
      } else if (lines.length === 0 && !pendingLin) {
        parties.accept(segment);
      }
    }
    if (rmaNumber === undefined) return [];
    return [
      { type: 'return.authorization', rmaNumber, ...(date ? { date } : {}), parties: parties.parties, lines },
    ];
  },
  write(message: Rma): X12SegmentData[] {
    const out: X12SegmentData[] = [
      seg('BGN', '00', message.rmaNumber, toX12Date(message.date)),
      ...partySegments(message.parties),
    ];
    for (const line of message.lines) {
      const [q1, v1, ...rest] = itemPairs(line.item);
      out.push(seg('BLI', q1, v1, formatNumber(line.quantity), line.uom, '', '', ...rest));
      if (line.lineNumber) out.push(seg('N9', 'LI', line.lineNumber));
      out.push(...pid(line.item.description));
      if (line.reason) out.push(seg('RDR', line.reason));
      for (const serial of line.serials ?? []) out.push(seg('N9', 'SE', serial));
    }
    return out;
  },
};
