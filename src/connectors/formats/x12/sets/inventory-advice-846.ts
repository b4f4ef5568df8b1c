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

/**
 * Reads an 846 one segment at a time, so a set of any length is mapped without being held:
 * complete lines are taken out as they come (`takeLines`), the header (BIA, parties) is
 * known once the first LIN has arrived. `inventoryAdvice846.read` feeds it a whole set; the
 * streaming reader (readX12Canonical) feeds it segments as they are read. Issues go to the
 * context in the order a whole-set read reports them: the header's first.
 */
export class InventoryAdvice846Reader {
  private readonly parties = new PartyReader();
  private bia: X12SegmentData | undefined;
  private documentId: string | undefined;
  private asOf: string | undefined;
  private lines: Line[] = [];
  private inDetail = false;
  private item: Line['item'] | undefined;
  private lineNumber = '';
  private location: string | undefined;
  private pending: Line | null = null;
  private anyEa = false;
  private qtyWithoutUnit = false;
  private finished = false;

  constructor(private readonly ctx: MapContext) {}

  accept(segment: X12SegmentData): void {
    const ctx = this.ctx;
    if (segment.tag === 'BIA' && this.bia === undefined) this.header(segment);
    if (segment.tag === 'QTY' && comp(segment, 3, 1) === '') this.qtyWithoutUnit = true;
    if (segment.tag === 'LIN') {
      this.flush();
      this.inDetail = true;
      this.location = undefined;
      this.lineNumber = el(segment, 1);
      this.item = itemFromPairs(pairsFrom(segment, 2)).item;
      if (!this.item)
        ctx.report(
          'X12_MAPPING_MISSING_ELEMENT',
          'error',
          'LIN carries no product identifier',
          segment,
          3,
          '1',
        );
    } else if (!this.inDetail) {
      this.parties.accept(segment);
    } else if (segment.tag === 'PID' && this.item && el(segment, 5)) {
      this.item = { ...this.item, description: el(segment, 5) };
    } else if (segment.tag === 'N1') {
      this.flush();
      this.location = el(segment, 4) || el(segment, 2) || undefined;
    } else if (segment.tag === 'QTY') {
      this.flush();
      const quantity = ctx.number(segment, 2, 'quantity');
      if (quantity === undefined) {
        if (el(segment, 2) === '') ctx.required(segment, 2, 'quantity');
        return;
      }
      if (!this.item) return;
      this.pending = {
        item: this.item,
        quantity,
        uom: comp(segment, 3, 1),
        quantityKind: KIND_BY_CODE[el(segment, 1)] ?? 'other',
        ...(this.lineNumber ? { lineNumber: this.lineNumber } : {}),
        ...(this.location !== undefined ? { locationCode: this.location } : {}),
      };
    } else if (segment.tag === 'UIT' && this.pending !== null) {
      const open: Line = this.pending;
      if (open.uom === '') open.uom = el(segment, 1);
    }
  }

  /** Lines complete so far, in order; they leave the reader. */
  takeLines(): Line[] {
    const out = this.lines;
    this.lines = [];
    return out;
  }

  /** Lines waiting to be taken. */
  get linesReady(): number {
    return this.lines.length;
  }

  /** Ends the set: the last line is complete and the set-level checks are reported. */
  finish(): void {
    if (this.finished) return;
    this.finished = true;
    this.flush();
    if (this.bia === undefined) this.first(() => this.ctx.required(undefined, 3, 'reference identification'));
    if (this.anyEa && this.qtyWithoutUnit)
      this.ctx.report('X12_MAPPING_DEFAULTED', 'info', 'a QTY without unit and without UIT: EA assumed');
  }

  /**
   * The message without its lines: known once BIA has been read (undefined before), null when
   * BIA lacks what the message needs (the set is refused with an error).
   */
  head(): Omit<Advice, 'lines'> | null | undefined {
    if (this.bia === undefined) return this.finished ? null : undefined;
    if (this.documentId === undefined || this.asOf === undefined) return null;
    // Parties come before the first LIN; a head asked for earlier may still miss some.
    return {
      type: 'inventory.advice',
      documentId: this.documentId,
      asOf: this.asOf,
      parties: this.parties.parties,
    };
  }

  /** Whether the header can no longer change: details have started, or the set has ended. */
  get headerComplete(): boolean {
    return this.bia !== undefined && (this.inDetail || this.finished);
  }

  private header(bia: X12SegmentData): void {
    this.bia = bia;
    this.first(() => {
      this.documentId = this.ctx.required(bia, 3, 'reference identification');
      this.asOf = this.ctx.date(bia, 4, 'date');
      if (this.asOf === undefined) this.ctx.required(undefined, 4, 'BIA04 date');
    });
  }

  /** Runs `report` and moves what it reported before everything reported so far. */
  private first(report: () => void): void {
    const issues = this.ctx.issues;
    const from = issues.length;
    report();
    if (from > 0) issues.unshift(...issues.splice(from));
  }

  private flush(): void {
    const line = this.pending;
    if (line === null) return;
    this.pending = null;
    if (line.uom === '') line.uom = 'EA';
    if (line.uom === 'EA') this.anyEa = true;
    this.lines.push(line);
  }
}

export const inventoryAdvice846: SetMapping<'inventory.advice'> = {
  setId: '846',
  functionalId: 'IB',
  messageType: 'inventory.advice',
  read(ctx: MapContext): Advice[] {
    const reader = new InventoryAdvice846Reader(ctx);
    for (const segment of ctx.set.segments) reader.accept(segment);
    reader.finish();
    const head = reader.head();
    if (!head) return [];
    return [{ ...head, lines: reader.takeLines() }];
  },
  stream: (ctx: MapContext) => new InventoryAdvice846Reader(ctx),
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
