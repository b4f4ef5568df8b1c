/**
 * The line loop the warehouse sets share (943, 944, 945, 947): LX opens a line, a detail
 * segment (W04, W07, W12, W19) carries its quantity, unit and item, the segments after it
 * add to that line (a G69 description for all; lots, damages, statuses per set), and what
 * comes before the first line belongs to the header's parties.
 */
import type { X12SegmentData } from '../types.js';
import { el, PartyReader, type MapContext } from './common.js';

interface LineWithItem {
  item: { description?: string | undefined };
}

export interface LxLoop<L extends LineWithItem> {
  detailTag: string;
  /** The line its detail segment describes, or null when it is skipped (see skippedLine). */
  line(segment: X12SegmentData, lineNumber: string | undefined): L | null;
  /** A segment after the detail segment other than G69: what the set adds to a line. */
  extend?(line: L, segment: X12SegmentData): void;
  /** A header segment before the first line that is not a party; true when it was used. */
  header?(segment: X12SegmentData): boolean;
}

export function readLxLines<L extends LineWithItem>(
  ctx: MapContext,
  loop: LxLoop<L>,
): { lines: L[]; parties: PartyReader['parties'] } {
  const parties = new PartyReader();
  const lines: L[] = [];
  let lineNumber: string | undefined;
  let line: L | null = null;
  for (const segment of ctx.set.segments) {
    if (segment.tag === 'LX') {
      parties.close();
      lineNumber = el(segment, 1) || undefined;
      line = null;
    } else if (segment.tag === loop.detailTag) {
      line = loop.line(segment, lineNumber);
      if (line) lines.push(line);
    } else if (line) {
      if (segment.tag === 'G69' && el(segment, 1)) line.item.description ??= el(segment, 1);
      else loop.extend?.(line, segment);
    } else if (lines.length === 0 && !loop.header?.(segment)) {
      parties.accept(segment);
    }
  }
  return { lines, parties: parties.parties };
}

/** Reports a detail segment without what a line needs (at `element`); the line is skipped. */
export function skippedLine(ctx: MapContext, segment: X12SegmentData, needs: string, element: number): null {
  ctx.report(
    'X12_MAPPING_MISSING_ELEMENT',
    'error',
    `${segment.tag} needs ${needs}; line skipped`,
    segment,
    element,
    '1',
  );
  return null;
}
