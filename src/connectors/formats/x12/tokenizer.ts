/**
 * Incremental X12 segment splitter. It learns the delimiters from each ISA header, then cuts
 * segments at the terminator, so a file of any size passes through a buffer no bigger than a
 * chunk plus one segment. Whitespace between segments (indentation, CR/LF after terminators)
 * is dropped; junk outside interchanges is reported, never thrown.
 */
import { issue, type X12Issue } from './issues.js';
import type { X12Delimiters, X12Element, X12Segment } from './types.js';

export type TokenEvent =
  | { kind: 'segment'; segment: X12Segment; delimiters: X12Delimiters; unterminated: boolean }
  | { kind: 'issue'; issue: X12Issue };

const STANDARD_ISA_LENGTH = 106;
const ISA_WIDTHS = [2, 10, 2, 10, 2, 15, 2, 15, 6, 4, 1, 5, 9, 1, 1, 1] as const;
/** An ISA that has not shown its 16 separators within this many characters is not one. */
const ISA_SCAN_LIMIT = 400;
/** How far to look past a newline-terminated ISA to see how the sender ends segments. */
const LOOKAHEAD_LIMIT = 4096;

const isAlnum = (c: string): boolean => /^[A-Za-z0-9]$/.test(c);
const isSpace = (code: number): boolean =>
  code === 32 || code === 9 || code === 10 || code === 13 || code === 11 || code === 12 || code === 0xfeff;

/** UTF-8 length of a string, without allocating a buffer. */
export function utf8Length(text: string, from = 0, to = text.length): number {
  let bytes = 0;
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < to) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
}

export function splitElements(body: string, delimiters: X12Delimiters): X12Element[] {
  const raw = body.split(delimiters.element);
  raw.shift();
  const component = delimiters.component;
  if (component === '') return raw;
  return raw.map((value) => (value.includes(component) ? value.split(component) : value));
}

interface HeaderScan {
  status: 'ok' | 'wait' | 'invalid';
  /** Characters the header occupies, terminator included. */
  length?: number;
  elements?: string[];
  delimiters?: X12Delimiters;
  newlineTerminates?: boolean;
  issues?: X12Issue[];
  reason?: string;
}

/** Reads an ISA at `at` in `buf`; `final` says no more text will come. */
function scanHeader(
  buf: string,
  at: number,
  final: boolean,
  where: { segmentIndex: number; byteOffset: number },
): HeaderScan {
  const element = buf[at + 3];
  if (element === undefined)
    return final ? { status: 'invalid', reason: 'input ends inside the ISA' } : { status: 'wait' };
  if (isAlnum(element) || isSpace(element.charCodeAt(0))) {
    return {
      status: 'invalid',
      reason: `character after ISA is ${JSON.stringify(element)}, not a separator`,
    };
  }
  const separators: number[] = [];
  let i = at + 3;
  const limit = Math.min(buf.length, at + ISA_SCAN_LIMIT);
  while (separators.length < 16 && i < limit) {
    if (buf[i] === element) separators.push(i);
    i++;
  }
  if (separators.length < 16) {
    if (buf.length < at + ISA_SCAN_LIMIT && !final) return { status: 'wait' };
    return { status: 'invalid', reason: `ISA has ${separators.length} of its 16 element separators` };
  }
  const last = separators[15]!;
  const component = buf[last + 1];
  const terminator = buf[last + 2];
  if (component === undefined || terminator === undefined) {
    return final ? { status: 'invalid', reason: 'input ends inside the ISA' } : { status: 'wait' };
  }
  const elements: string[] = [];
  for (let k = 0; k < 15; k++) elements.push(buf.slice(separators[k]! + 1, separators[k + 1]));
  elements.push(component);
  const issues: X12Issue[] = [];
  let segment = terminator;
  let componentSeparator = component;
  const newlineTerminates = terminator === '\n' || terminator === '\r';
  let length = last + 3 - at;
  if (newlineTerminates && !isAlnum(component)) {
    // Some senders end every line with ISA16's character and a newline: the newline then is
    // not the terminator but whitespace, and the component separator was left out.
    let j = last + 2;
    while (j < buf.length && isSpace(buf.charCodeAt(j))) j++;
    const lineEnd = buf.indexOf('\n', j);
    if (lineEnd === -1 && !final && buf.length - j < LOOKAHEAD_LIMIT) return { status: 'wait' };
    const line = buf
      .slice(j, lineEnd === -1 ? Math.min(buf.length, j + LOOKAHEAD_LIMIT) : lineEnd)
      .replace(/\r$/, '');
    if (line.length > 0 && line.endsWith(component) && line.startsWith('GS')) {
      segment = component;
      componentSeparator = '';
      length = last + 2 - at;
      issues.push(
        issue(
          'X12_ISA_COMPONENT_SEPARATOR_MISSING',
          'warning',
          `ISA16 ${JSON.stringify(component)} also ends every segment before a newline: read as the segment terminator, with no component separator`,
          { ...where, segmentTag: 'ISA' },
        ),
      );
    }
  }
  const conflicts = [element, segment, componentSeparator].filter((c) => c !== '');
  if (
    new Set(conflicts).size !== conflicts.length ||
    isAlnum(segment) ||
    (componentSeparator !== '' && isAlnum(componentSeparator))
  ) {
    return {
      status: 'invalid',
      reason: `delimiters clash: element ${JSON.stringify(element)}, component ${JSON.stringify(componentSeparator)}, segment ${JSON.stringify(segment)}`,
    };
  }
  const delimiters: X12Delimiters = { element, component: componentSeparator, segment };
  const rep = elements[10] ?? '';
  const version = elements[11] ?? '';
  if (rep.length === 1 && !isAlnum(rep) && rep !== ' ' && version >= '00402' && !conflicts.includes(rep)) {
    delimiters.repetition = rep;
  }
  const headerChars = last + 3 - at;
  const wrongWidths = elements
    .map((value, k) => ({ value, k }))
    .filter(({ value, k }) => value.length !== ISA_WIDTHS[k])
    .map(
      ({ value, k }) =>
        `ISA${String(k + 1).padStart(2, '0')} is ${value.length} characters, expected ${ISA_WIDTHS[k]}`,
    );
  if (headerChars !== STANDARD_ISA_LENGTH || wrongWidths.length > 0) {
    issues.push(
      issue(
        'X12_ISA_LENGTH',
        'warning',
        `ISA is ${headerChars} characters, expected ${STANDARD_ISA_LENGTH}${wrongWidths.length > 0 ? `: ${wrongWidths.join('; ')}` : ''}`,
        { ...where, segmentTag: 'ISA' },
      ),
    );
  }
  return { status: 'ok', length, elements, delimiters, newlineTerminates, issues };
}

/**
 * Stateful splitter: `push` text as it arrives, `end` when there is no more. Each call returns
 * the events completed so far.
 */
export class X12Tokenizer {
  private buf = '';
  private pos = 0;
  private bytes = 0;
  private scanFrom = 0;
  private segmentIndex = 0;
  private delimiters: X12Delimiters | null = null;
  private newlineTerminates = false;
  private sawIsa = false;
  private inJunk = false;
  private final = false;

  constructor(private readonly maxSegmentLength = 1 << 20) {}

  push(text: string): TokenEvent[] {
    this.buf = this.buf.slice(this.pos) + text;
    this.scanFrom -= this.pos;
    this.pos = 0;
    return this.run();
  }

  end(): TokenEvent[] {
    this.final = true;
    const events = this.run();
    if (!this.sawIsa) {
      events.push({
        kind: 'issue',
        issue: issue('X12_NO_ISA', 'error', 'no ISA interchange header found in the input', {
          byteOffset: this.bytes,
        }),
      });
    }
    return events;
  }

  private advance(to: number): void {
    this.bytes += utf8Length(this.buf, this.pos, to);
    this.pos = to;
    if (this.scanFrom < to) this.scanFrom = to;
  }

  private run(): TokenEvent[] {
    const events: TokenEvent[] = [];
    for (;;) {
      const progressed = this.delimiters === null ? this.header(events) : this.segment(events);
      if (!progressed) return events;
    }
  }

  private skipSpace(): void {
    let i = this.pos;
    while (i < this.buf.length && isSpace(this.buf.charCodeAt(i))) i++;
    this.advance(i);
  }

  private junk(events: TokenEvent[], to: number): void {
    if (to <= this.pos) return;
    if (!this.inJunk) {
      const excerpt = this.buf.slice(this.pos, Math.min(to, this.pos + 40));
      events.push({
        kind: 'issue',
        issue: issue(
          'X12_UNEXPECTED_DATA',
          'warning',
          `data outside any interchange: ${JSON.stringify(excerpt)}`,
          {
            byteOffset: this.bytes,
          },
        ),
      });
      this.inJunk = true;
    }
    this.advance(to);
  }

  /** Looks for an ISA; returns whether it made progress. */
  private header(events: TokenEvent[]): boolean {
    this.skipSpace();
    const { buf } = this;
    if (this.pos >= buf.length) return false;
    if (buf.startsWith('ISA', this.pos)) {
      const where = { segmentIndex: this.segmentIndex + 1, byteOffset: this.bytes };
      const scan = scanHeader(buf, this.pos, this.final, where);
      if (scan.status === 'wait') return false;
      if (scan.status === 'invalid') {
        events.push({
          kind: 'issue',
          issue: issue('X12_ISA_MALFORMED', 'error', `unusable ISA header: ${scan.reason ?? 'malformed'}`, {
            ...where,
            segmentTag: 'ISA',
          }),
        });
        this.sawIsa = true;
        this.inJunk = true;
        this.advance(this.pos + 3);
        return true;
      }
      this.sawIsa = true;
      this.inJunk = false;
      this.segmentIndex++;
      for (const found of scan.issues ?? []) events.push({ kind: 'issue', issue: found });
      const delimiters = scan.delimiters!;
      events.push({
        kind: 'segment',
        segment: { tag: 'ISA', elements: scan.elements!, index: this.segmentIndex, offset: this.bytes },
        delimiters,
        unterminated: false,
      });
      this.delimiters = delimiters;
      this.newlineTerminates =
        scan.newlineTerminates === true || delimiters.segment === '\n' || delimiters.segment === '\r';
      this.advance(this.pos + scan.length!);
      this.scanFrom = this.pos;
      return true;
    }
    const next = buf.indexOf('ISA', this.pos + 1);
    if (next !== -1) {
      this.junk(events, next);
      return true;
    }
    // Keep two characters: an "ISA" may straddle this chunk and the next.
    const keep = this.final ? buf.length : Math.max(this.pos, buf.length - 2);
    if (keep > this.pos) this.junk(events, keep);
    return false;
  }

  /** Cuts one segment; returns whether it made progress. */
  private segment(events: TokenEvent[]): boolean {
    this.skipSpace();
    const { buf } = this;
    const delimiters = this.delimiters!;
    if (this.pos >= buf.length) return false;
    const term = delimiters.segment.charCodeAt(0);
    const nl = this.newlineTerminates;
    let i = Math.max(this.scanFrom, this.pos);
    const n = buf.length;
    for (; i < n; i++) {
      const c = buf.charCodeAt(i);
      if (c === term || (nl && (c === 10 || c === 13))) break;
    }
    const start = this.pos;
    const startBytes = this.bytes;
    let unterminated = false;
    if (i === n) {
      this.scanFrom = n;
      if (n - start > this.maxSegmentLength) {
        this.segmentIndex++;
        events.push({
          kind: 'issue',
          issue: issue(
            'X12_SEGMENT_TOO_LONG',
            'error',
            `segment is longer than ${this.maxSegmentLength} characters without a terminator`,
            {
              segmentIndex: this.segmentIndex,
              byteOffset: startBytes,
              segmentTag: buf.slice(start, start + 3),
            },
          ),
        });
        // Drop the runaway text and look for a fresh interchange: the terminator is lost.
        this.advance(n);
        this.delimiters = null;
        this.inJunk = true;
        return true;
      }
      if (!this.final) return false;
      unterminated = true;
    }
    const endedByNewline =
      !unterminated &&
      (buf[i] === '\n' || buf[i] === '\r') &&
      delimiters.segment !== '\n' &&
      delimiters.segment !== '\r';
    let text = buf.slice(start, i);
    // A newline just before the terminator is layout, not data.
    text = text.replace(/[\r\n]+$/, '');
    if (text.startsWith('ISA') && text.length > 3 && !isAlnum(text[3]!)) {
      // A new interchange without IEA: re-read its header, its delimiters may differ.
      this.delimiters = null;
      this.scanFrom = this.pos;
      return true;
    }
    this.advance(unterminated ? n : i + 1);
    if (text.length === 0) return true;
    this.segmentIndex++;
    if (text.length > this.maxSegmentLength) {
      events.push({
        kind: 'issue',
        issue: issue(
          'X12_SEGMENT_TOO_LONG',
          'error',
          `segment is ${text.length} characters, the limit is ${this.maxSegmentLength}`,
          {
            segmentIndex: this.segmentIndex,
            byteOffset: startBytes,
            segmentTag: text.slice(0, 3),
          },
        ),
      });
      return true;
    }
    if (endedByNewline) {
      events.push({
        kind: 'issue',
        issue: issue(
          'X12_SEGMENT_TERMINATOR_MISSING',
          'warning',
          `segment ${this.segmentIndex} ends at a line break without the terminator ${JSON.stringify(delimiters.segment)}`,
          {
            segmentIndex: this.segmentIndex,
            byteOffset: startBytes,
            segmentTag: text.slice(0, 3),
          },
        ),
      });
    }
    const sep = text.indexOf(delimiters.element);
    const tag = sep === -1 ? text : text.slice(0, sep);
    const elements = sep === -1 ? [] : splitElements(text, delimiters);
    events.push({
      kind: 'segment',
      segment: { tag, elements, index: this.segmentIndex, offset: startBytes },
      delimiters,
      unterminated,
    });
    if (tag === 'IEA') this.delimiters = null;
    return true;
  }
}
