/**
 * ISA/GS/ST structure and control checks over a stream of segments. It keeps only the open
 * transaction set's segments; everything closed is handed out as an event at once.
 */
import { issue, type X12Issue } from './issues.js';
import type { TokenEvent } from './tokenizer.js';
import type {
  X12Delimiters,
  X12Element,
  X12Group,
  X12GroupHeader,
  X12Interchange,
  X12InterchangeHeader,
  X12Segment,
  X12SetSummary,
  X12StreamEvent,
  X12TransactionSet,
} from './types.js';

const SEGMENT_ID = /^[A-Z][A-Z0-9]{1,2}$/;

/** First component of an element, as text ('' when absent). */
export function text(element: X12Element | undefined): string {
  if (element === undefined) return '';
  return typeof element === 'string' ? element : (element[0] ?? '');
}

/** Control numbers agree when equal, or equal as numbers (IEA*2*3438 for ISA13 000003438). */
export function sameControl(a: string, b: string): boolean {
  if (a === b) return true;
  const digits = /^\d+$/;
  return digits.test(a) && digits.test(b) && a.replace(/^0+/, '') === b.replace(/^0+/, '');
}

function count(value: string): number | null {
  return /^\d+$/.test(value.trim()) ? Number(value.trim()) : null;
}

const where = (segment: X12Segment): Pick<X12Issue, 'segmentIndex' | 'byteOffset' | 'segmentTag'> => ({
  segmentIndex: segment.index,
  byteOffset: segment.offset,
  segmentTag: segment.tag,
});

interface OpenSet {
  id: string;
  controlNumber: string;
  segments: X12Segment[];
  /** Takes the set's body segments instead of `segments` (see EnvelopeOptions.sinkFor). */
  sink: ((segment: X12Segment) => void) | null;
  issues: X12Issue[];
  count: number;
  st: X12Segment;
}

interface OpenGroup {
  group: X12Group<X12SetSummary>;
  controls: Set<string>;
}

interface OpenInterchange {
  interchange: X12Interchange<X12SetSummary>;
}

export interface EnvelopeOptions {
  strictEnvelope: boolean;
  /** Keep full sets (with segments) in the group results; parseX12 wants them, streams do not. */
  keepSegments: boolean;
  /**
   * Called at each ST that opens a set: a function returned here receives the set's body
   * segments as they arrive, and the set is emitted without them, so a set too large to hold
   * (an 846 of a whole warehouse) is never held. Counts and checks are the same either way.
   */
  sinkFor?: (
    set: { id: string; controlNumber: string; st: X12Segment },
    interchange: X12InterchangeHeader,
    group: X12GroupHeader,
  ) => ((segment: X12Segment) => void) | null;
}

export class EnvelopeReader {
  private ic: OpenInterchange | null = null;
  private grp: OpenGroup | null = null;
  private set: OpenSet | null = null;
  private pendingHeaderIssues: X12Issue[] = [];
  /** The last "unexpected segment" issue, to fold a run of strays into one. */
  private strayRun: { issue: X12Issue; first: string; count: number } | null = null;
  readonly allIssues: X12Issue[] = [];

  constructor(private readonly options: EnvelopeOptions) {}

  handle(event: TokenEvent): X12StreamEvent[] {
    const out: X12StreamEvent[] = [];
    if (event.kind === 'issue') {
      const found = event.issue;
      if (found.code === 'X12_ISA_LENGTH' || found.code === 'X12_ISA_COMPONENT_SEPARATOR_MISSING') {
        this.pendingHeaderIssues.push(found);
      } else if (found.code === 'X12_SEGMENT_TERMINATOR_MISSING' && (this.set || this.ic)) {
        // Reported before its segment arrives: attach it where that segment will land.
        if (this.set) this.addSetIssue({ ...found, positionInSet: this.set.count + 1 });
        else this.addEnvelopeIssue(this.ic!.interchange.issues, found);
      } else if (found.code === 'X12_SEGMENT_TOO_LONG' && this.set) {
        this.addSetIssue(found);
      } else if (found.code === 'X12_SEGMENT_TOO_LONG' && this.ic) {
        this.addEnvelopeIssue(this.ic.interchange.issues, found);
      } else {
        if (this.ic && found.code === 'X12_ISA_MALFORMED') {
          const open = this.ic.interchange.header.controlNumber;
          this.closeGroup(out, 'a malformed ISA');
          this.addEnvelopeIssue(
            this.ic.interchange.issues,
            issue('X12_MISSING_IEA', 'error', `interchange ${open} has no IEA before the next ISA`, {
              segmentIndex: found.segmentIndex,
              byteOffset: found.byteOffset,
              segmentTag: 'ISA',
            }),
          );
          this.closeInterchange(out, null);
        }
        this.record(found);
        out.push({ kind: 'issue', issue: found });
      }
      return out;
    }
    const segment = event.segment;
    if (
      segment.tag !== 'ISA' &&
      segment.tag !== 'IEA' &&
      segment.tag !== 'GS' &&
      segment.tag !== 'GE' &&
      segment.tag !== 'ST' &&
      segment.tag !== 'SE' &&
      this.set
    ) {
      this.strayRun = null;
      this.body(segment);
      return out;
    }
    switch (segment.tag) {
      case 'ISA':
        this.isa(segment, event.delimiters, out);
        break;
      case 'GS':
        this.gs(segment, out);
        break;
      case 'ST':
        this.st(segment, out);
        break;
      case 'SE':
        this.se(segment, out);
        break;
      case 'GE':
        this.ge(segment, out);
        break;
      case 'IEA':
        this.iea(segment, out);
        break;
      case 'TA1':
        if (this.ic && !this.grp) break;
        this.stray(segment, out);
        break;
      default:
        this.stray(segment, out);
    }
    return out;
  }

  finish(): X12StreamEvent[] {
    const out: X12StreamEvent[] = [];
    if (this.ic) {
      const header = this.ic.interchange.header;
      this.closeGroup(out, 'end of input');
      this.addEnvelopeIssue(
        this.ic.interchange.issues,
        issue(
          'X12_TRUNCATED',
          'error',
          `input ends inside interchange ${header.controlNumber}: no IEA trailer`,
          {
            segmentIndex: header.position.segmentIndex,
            byteOffset: header.position.byteOffset,
            segmentTag: 'ISA',
          },
        ),
      );
      this.closeInterchange(out, null);
    }
    for (const pending of this.pendingHeaderIssues) {
      this.record(pending);
      out.push({ kind: 'issue', issue: pending });
    }
    this.pendingHeaderIssues = [];
    return out;
  }

  private record(found: X12Issue): void {
    this.allIssues.push(found);
  }

  private addSetIssue(found: X12Issue): void {
    this.set!.issues.push(found);
    this.record(found);
  }

  private addEnvelopeIssue(list: X12Issue[], found: X12Issue): void {
    list.push(found);
    this.record(found);
  }

  private stray(segment: X12Segment, out: X12StreamEvent[]): void {
    const context = !this.ic
      ? 'outside any interchange'
      : !this.grp
        ? `in interchange ${this.ic.interchange.header.controlNumber} outside a functional group`
        : `in group ${this.grp.group.header.controlNumber} outside a transaction set`;
    if (this.strayRun) {
      this.strayRun.count++;
      this.strayRun.issue.message = `${this.strayRun.count} segments ${context}, starting with ${this.strayRun.first}`;
      return;
    }
    const found = issue(
      'X12_UNEXPECTED_SEGMENT',
      'error',
      `${segment.tag} segment ${context}`,
      where(segment),
    );
    this.strayRun = { issue: found, first: segment.tag, count: 1 };
    if (this.ic) this.addEnvelopeIssue(this.ic.interchange.issues, found);
    else {
      this.record(found);
      out.push({ kind: 'issue', issue: found });
    }
  }

  private isa(segment: X12Segment, delimiters: X12Delimiters, out: X12StreamEvent[]): void {
    this.strayRun = null;
    if (this.ic) {
      const open = this.ic.interchange.header.controlNumber;
      this.closeGroup(out, `the next ISA (segment ${segment.index})`);
      this.addEnvelopeIssue(
        this.ic.interchange.issues,
        issue(
          'X12_MISSING_IEA',
          'error',
          `interchange ${open} has no IEA before the next ISA`,
          where(segment),
        ),
      );
      this.closeInterchange(out, null);
    }
    const e = segment.elements.map(text);
    const header: X12InterchangeHeader = {
      authorizationQualifier: e[0] ?? '',
      authorization: e[1] ?? '',
      securityQualifier: e[2] ?? '',
      security: e[3] ?? '',
      senderQualifier: (e[4] ?? '').trim(),
      senderId: (e[5] ?? '').trim(),
      receiverQualifier: (e[6] ?? '').trim(),
      receiverId: (e[7] ?? '').trim(),
      date: (e[8] ?? '').trim(),
      time: (e[9] ?? '').trim(),
      standardsId: e[10] ?? '',
      version: (e[11] ?? '').trim(),
      controlNumber: (e[12] ?? '').trim(),
      ackRequested: (e[13] ?? '').trim(),
      usageIndicator: (e[14] ?? '').trim(),
      delimiters,
      position: { segmentIndex: segment.index, byteOffset: segment.offset },
    };
    const issues = [...this.pendingHeaderIssues];
    for (const found of issues) this.record(found);
    this.pendingHeaderIssues = [];
    this.ic = {
      interchange: {
        header,
        declaredGroupCount: null,
        trailerControlNumber: null,
        groups: [],
        issues,
        accepted: true,
        reasons: [],
      },
    };
  }

  private gs(segment: X12Segment, out: X12StreamEvent[]): void {
    this.strayRun = null;
    if (!this.ic) {
      this.stray(segment, out);
      return;
    }
    this.closeGroup(out, `the next GS (segment ${segment.index})`);
    const e = segment.elements.map(text);
    const header: X12GroupHeader = {
      functionalId: e[0] ?? '',
      senderId: (e[1] ?? '').trim(),
      receiverId: (e[2] ?? '').trim(),
      date: e[3] ?? '',
      time: e[4] ?? '',
      controlNumber: (e[5] ?? '').trim(),
      agency: e[6] ?? '',
      version: e[7] ?? '',
      position: { segmentIndex: segment.index, byteOffset: segment.offset },
    };
    const issues: X12Issue[] = [];
    if (e.length !== 8) {
      const found = issue(
        'X12_GS_INVALID',
        'warning',
        `GS has ${e.length} elements, expected 8; GS06 read as ${JSON.stringify(header.controlNumber)}`,
        where(segment),
      );
      issues.push(found);
      this.record(found);
    }
    const group: X12Group<X12SetSummary> = {
      header,
      declaredSetCount: null,
      trailerControlNumber: null,
      sets: [],
      issues,
      accepted: true,
    };
    this.ic.interchange.groups.push(group);
    this.grp = { group, controls: new Set() };
  }

  private st(segment: X12Segment, out: X12StreamEvent[]): void {
    this.strayRun = null;
    if (!this.grp) {
      this.stray(segment, out);
      return;
    }
    if (this.set) this.closeUnterminated(out, `the next ST (segment ${segment.index})`);
    const id = text(segment.elements[0]).trim();
    const controlNumber = text(segment.elements[1]).trim();
    const sink =
      this.options.sinkFor?.(
        { id, controlNumber, st: segment },
        this.ic!.interchange.header,
        this.grp.group.header,
      ) ?? null;
    this.set = { id, controlNumber, segments: [], sink, issues: [], count: 1, st: segment };
    if (!/^\d{3}$/.test(id)) {
      this.addSetIssue(
        issue('X12_ST_INVALID', 'error', `ST01 ${JSON.stringify(id)} is not a transaction set identifier`, {
          ...where(segment),
          positionInSet: 1,
          elementPosition: 1,
          ackCode: '6',
        }),
      );
    }
    if (controlNumber === '') {
      this.addSetIssue(
        issue('X12_ST_INVALID', 'error', 'ST02 transaction set control number is missing', {
          ...where(segment),
          positionInSet: 1,
          elementPosition: 2,
          ackCode: '7',
        }),
      );
    } else if (this.grp.controls.has(controlNumber)) {
      this.addSetIssue(
        issue(
          'X12_DUPLICATE_SET_CONTROL',
          'warning',
          `ST02 ${controlNumber} is used twice in group ${this.grp.group.header.controlNumber}`,
          {
            ...where(segment),
            positionInSet: 1,
            elementPosition: 2,
            ackCode: '23',
          },
        ),
      );
    }
    this.grp.controls.add(controlNumber);
  }

  private body(segment: X12Segment): void {
    const open = this.set!;
    open.count++;
    if (open.sink) open.sink(segment);
    else open.segments.push(segment);
    if (!SEGMENT_ID.test(segment.tag)) {
      this.addSetIssue(
        issue(
          'X12_BAD_SEGMENT_ID',
          'error',
          `segment ${open.count} of transaction set ${open.controlNumber} has no valid segment id: ${JSON.stringify(segment.tag.slice(0, 20))}`,
          {
            ...where(segment),
            positionInSet: open.count,
            ackCode: '1',
          },
        ),
      );
    }
  }

  private se(segment: X12Segment, out: X12StreamEvent[]): void {
    this.strayRun = null;
    if (!this.set) {
      this.stray(segment, out);
      return;
    }
    const open = this.set;
    open.count++;
    const declaredRaw = text(segment.elements[0]);
    const declared = count(declaredRaw);
    const control = text(segment.elements[1]).trim();
    if (declared === null) {
      this.addSetIssue(
        issue(
          'X12_SE_COUNT_MISMATCH',
          'error',
          `SE01 ${JSON.stringify(declaredRaw)} is not a segment count; transaction set ${open.controlNumber} has ${open.count}`,
          {
            ...where(segment),
            positionInSet: open.count,
            elementPosition: 1,
            ackCode: '4',
          },
        ),
      );
    } else if (declared !== open.count) {
      this.addSetIssue(
        issue(
          'X12_SE_COUNT_MISMATCH',
          'error',
          `SE01 says ${declared} segments, transaction set ${open.controlNumber} has ${open.count}`,
          {
            ...where(segment),
            positionInSet: open.count,
            elementPosition: 1,
            ackCode: '4',
          },
        ),
      );
    }
    if (!sameControl(control, open.controlNumber)) {
      this.addSetIssue(
        issue(
          'X12_SE_CONTROL_MISMATCH',
          'error',
          `SE02 says control number ${control}, ST02 is ${open.controlNumber}`,
          {
            ...where(segment),
            positionInSet: open.count,
            elementPosition: 2,
            ackCode: '3',
          },
        ),
      );
    }
    this.emitSet(out, declared);
  }

  private closeUnterminated(out: X12StreamEvent[], by: string): void {
    const open = this.set!;
    this.addSetIssue(
      issue(
        'X12_UNTERMINATED_SET',
        'error',
        `transaction set ${open.controlNumber} (${open.id}) has no SE before ${by}`,
        {
          ...where(open.st),
          positionInSet: 1,
          ackCode: '2',
        },
      ),
    );
    this.emitSet(out, null);
  }

  private emitSet(out: X12StreamEvent[], declared: number | null): void {
    const open = this.set!;
    const grp = this.grp!;
    const ic = this.ic!;
    this.set = null;
    const full: X12TransactionSet = {
      id: open.id,
      controlNumber: open.controlNumber,
      declaredSegmentCount: declared,
      actualSegmentCount: open.count,
      position: { segmentIndex: open.st.index, byteOffset: open.st.offset },
      accepted: !open.issues.some((found) => found.severity === 'error'),
      issues: open.issues,
      segments: open.segments,
    };
    if (this.options.keepSegments) grp.group.sets.push(full);
    else {
      const { segments: _dropped, ...summary } = full;
      grp.group.sets.push(summary);
    }
    out.push({ kind: 'set', interchange: ic.interchange.header, group: grp.group.header, set: full });
  }

  private ge(segment: X12Segment, out: X12StreamEvent[]): void {
    this.strayRun = null;
    if (!this.grp) {
      this.stray(segment, out);
      return;
    }
    if (this.set) this.closeUnterminated(out, `GE (segment ${segment.index})`);
    const group = this.grp.group;
    const declaredRaw = text(segment.elements[0]);
    const declared = count(declaredRaw);
    const control = text(segment.elements[1]).trim();
    group.declaredSetCount = declared;
    group.trailerControlNumber = control;
    if (declared !== group.sets.length) {
      this.addEnvelopeIssue(
        group.issues,
        issue(
          'X12_GE_COUNT_MISMATCH',
          'error',
          declared === null
            ? `GE01 ${JSON.stringify(declaredRaw)} is not a count; group ${group.header.controlNumber} has ${group.sets.length} transaction sets`
            : `GE01 says ${declared} transaction sets, group ${group.header.controlNumber} has ${group.sets.length}`,
          where(segment),
        ),
      );
    }
    if (!sameControl(control, group.header.controlNumber)) {
      this.addEnvelopeIssue(
        group.issues,
        issue(
          'X12_GE_CONTROL_MISMATCH',
          'error',
          `GE02 says control number ${control}, GS06 is ${group.header.controlNumber}`,
          where(segment),
        ),
      );
    }
    this.grp = null;
  }

  /** Closes a group that has no GE. */
  private closeGroup(out: X12StreamEvent[], by: string): void {
    if (this.set) this.closeUnterminated(out, by);
    if (!this.grp) return;
    const group = this.grp.group;
    this.addEnvelopeIssue(
      group.issues,
      issue('X12_MISSING_GE', 'error', `group ${group.header.controlNumber} has no GE before ${by}`, {
        segmentIndex: group.header.position.segmentIndex,
        byteOffset: group.header.position.byteOffset,
        segmentTag: 'GS',
      }),
    );
    this.grp = null;
  }

  private iea(segment: X12Segment, out: X12StreamEvent[]): void {
    this.strayRun = null;
    if (!this.ic) {
      this.stray(segment, out);
      return;
    }
    this.closeGroup(out, `IEA (segment ${segment.index})`);
    this.closeInterchange(out, segment);
  }

  private closeInterchange(out: X12StreamEvent[], iea: X12Segment | null): void {
    const interchange = this.ic!.interchange;
    this.ic = null;
    this.grp = null;
    this.strayRun = null;
    if (iea) {
      const declaredRaw = text(iea.elements[0]);
      const declared = count(declaredRaw);
      const control = text(iea.elements[1]).trim();
      interchange.declaredGroupCount = declared;
      interchange.trailerControlNumber = control;
      const header = interchange.header;
      if (declared !== interchange.groups.length) {
        this.addEnvelopeIssue(
          interchange.issues,
          issue(
            'X12_IEA_COUNT_MISMATCH',
            'error',
            declared === null
              ? `IEA01 ${JSON.stringify(declaredRaw)} is not a count; interchange ${header.controlNumber} has ${interchange.groups.length} functional groups`
              : `IEA01 says ${declared} functional groups, interchange ${header.controlNumber} has ${interchange.groups.length}`,
            where(iea),
          ),
        );
      }
      if (!sameControl(control, header.controlNumber)) {
        this.addEnvelopeIssue(
          interchange.issues,
          issue(
            'X12_IEA_CONTROL_MISMATCH',
            'error',
            `IEA02 says control number ${control}, ISA13 is ${header.controlNumber}`,
            where(iea),
          ),
        );
      }
    }
    const strict = this.options.strictEnvelope;
    const errors = (list: X12Issue[]): X12Issue[] => list.filter((found) => found.severity === 'error');
    for (const group of interchange.groups) group.accepted = !strict || errors(group.issues).length === 0;
    const reasons = [
      ...errors(interchange.issues),
      ...interchange.groups.flatMap((group) => errors(group.issues)),
    ].sort((a, b) => (a.segmentIndex ?? 0) - (b.segmentIndex ?? 0));
    interchange.reasons = reasons;
    interchange.accepted = !strict || reasons.length === 0;
    out.push({ kind: 'interchange', interchange });
  }
}
