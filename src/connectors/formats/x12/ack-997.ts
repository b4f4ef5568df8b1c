/**
 * 997 Functional Acknowledgment for a read interchange: one 997 per acknowledged group, AK3/AK4
 * for the segment and element errors we know, AK5 per set and AK9 per group. A group refused
 * by `strictEnvelope` is answered R; accepted with discrepancies, E or P.
 */
import type { X12Issue, X12IssueCode } from './issues.js';
import type { X12SegmentData, X12SetSummary, X12Interchange } from './types.js';
import { seg } from './sets/common.js';
import { x12DateTime, type X12InterchangeInput } from './writer.js';

export interface Ack997Options {
  /** ISA13 of the acknowledgement interchange. */
  controlNumber: number;
  /** GS06 of the FA group; default the interchange control number. */
  groupControlNumber?: number;
  now: Date;
  usageIndicator?: 'P' | 'T' | 'I';
  /** GS08 of the FA group, default 004010. */
  version?: string;
  /** Extra issues per set (e.g. from toCanonical), keyed `${GS06}/${ST02}`, for AK3/AK4. */
  extraIssues?: ReadonlyMap<string, readonly X12Issue[]>;
}

/** AK502 transaction set syntax error codes. */
const AK5_CODE: Partial<Record<X12IssueCode, string>> = {
  X12_UNTERMINATED_SET: '2',
  X12_SE_CONTROL_MISMATCH: '3',
  X12_SE_COUNT_MISMATCH: '4',
  X12_BAD_SEGMENT_ID: '5',
  X12_SEGMENT_TOO_LONG: '5',
  X12_DUPLICATE_SET_CONTROL: '23',
};
/** AK905 functional group syntax error codes. */
const AK9_CODE: Partial<Record<X12IssueCode, string>> = {
  X12_MISSING_GE: '3',
  X12_GE_CONTROL_MISMATCH: '4',
  X12_GE_COUNT_MISMATCH: '5',
};

const isProblem = (found: X12Issue): boolean => found.severity !== 'info';

function setSegments(
  set: X12SetSummary,
  issues: readonly X12Issue[],
): { segments: X12SegmentData[]; accepted: boolean } {
  const out: X12SegmentData[] = [seg('AK2', set.id, set.controlNumber)];
  const bySegment = new Map<number, X12Issue[]>();
  for (const found of issues) {
    if (!isProblem(found) || found.positionInSet === undefined || found.positionInSet <= 1) continue;
    if (found.code !== 'X12_BAD_SEGMENT_ID' && !found.code.startsWith('X12_MAPPING_')) continue;
    bySegment.set(found.positionInSet, [...(bySegment.get(found.positionInSet) ?? []), found]);
  }
  for (const [position, list] of [...bySegment].sort((a, b) => a[0] - b[0])) {
    const first = list[0]!;
    const badId = first.code === 'X12_BAD_SEGMENT_ID';
    // AK304: 1 unrecognized segment id, 8 segment has data element errors.
    out.push(
      seg(
        'AK3',
        badId ? (first.segmentTag ?? '').replace(/[^A-Z0-9]/g, '').slice(0, 3) || 'ZZZ' : first.segmentTag,
        position,
        '',
        badId ? '1' : '8',
      ),
    );
    for (const found of list)
      if (found.elementPosition !== undefined && !badId)
        out.push(seg('AK4', found.elementPosition, '', found.ackCode ?? '7'));
  }
  const errors = issues.filter((found) => found.severity === 'error');
  const accepted = set.accepted && errors.length === 0;
  const codes = [
    ...new Set(
      issues
        .map((found) => (found.code === 'X12_ST_INVALID' ? found.ackCode : AK5_CODE[found.code]))
        .filter((code): code is string => code !== undefined),
    ),
  ];
  if (bySegment.size > 0 && !codes.includes('5')) codes.push('5');
  const status = !accepted ? 'R' : issues.some(isProblem) ? 'E' : 'A';
  out.push(seg('AK5', status, ...codes.slice(0, 5)));
  return { segments: out, accepted };
}

/** Builds the 997 interchange (sender and receiver swapped) for `writeX12`. */
export function build997(
  interchange: X12Interchange<X12SetSummary>,
  options: Ack997Options,
): X12InterchangeInput {
  const { isaDate, gsDate, time } = x12DateTime(options.now);
  const header = interchange.header;
  // Never acknowledge acknowledgements.
  const groups = interchange.groups.filter((group) => group.header.functionalId !== 'FA');
  const sets = groups.map((group, k) => {
    const gsVersion = group.header.version;
    const body: X12SegmentData[] = [
      seg(
        'AK1',
        group.header.functionalId,
        group.header.controlNumber,
        /^\d{6}/.test(gsVersion) && gsVersion >= '005010' ? gsVersion : undefined,
      ),
    ];
    let acceptedSets = 0;
    for (const set of group.sets) {
      const extra = options.extraIssues?.get(`${group.header.controlNumber}/${set.controlNumber}`) ?? [];
      const result = setSegments(set, [...set.issues, ...extra]);
      body.push(...result.segments);
      if (result.accepted) acceptedSets++;
    }
    const groupRefused = !interchange.accepted || !group.accepted;
    const groupCodes = [
      ...new Set(
        [...group.issues, ...(interchange.accepted ? [] : interchange.reasons)]
          .map((found) => AK9_CODE[found.code])
          .filter((code): code is string => code !== undefined),
      ),
    ];
    const received = group.sets.length;
    const accepted = groupRefused ? 0 : acceptedSets;
    const status =
      groupRefused || (accepted === 0 && received > 0)
        ? 'R'
        : accepted < received
          ? 'P'
          : group.issues.some(isProblem) || group.sets.some((set) => set.issues.some(isProblem))
            ? 'E'
            : 'A';
    body.push(
      seg('AK9', status, group.declaredSetCount ?? received, received, accepted, ...groupCodes.slice(0, 5)),
    );
    return { id: '997', controlNumber: String(k + 1).padStart(4, '0'), segments: body };
  });
  const first = groups[0]?.header;
  return {
    senderQualifier: header.receiverQualifier,
    senderId: header.receiverId,
    receiverQualifier: header.senderQualifier,
    receiverId: header.senderId,
    date: isaDate,
    time,
    controlNumber: options.controlNumber,
    usageIndicator: options.usageIndicator ?? (header.usageIndicator === 'T' ? 'T' : 'P'),
    groups:
      sets.length === 0
        ? []
        : [
            {
              functionalId: 'FA',
              senderId: first?.receiverId ?? header.receiverId,
              receiverId: first?.senderId ?? header.senderId,
              date: gsDate,
              time,
              controlNumber: options.groupControlNumber ?? options.controlNumber,
              version: options.version ?? '004010',
              sets,
            },
          ],
  };
}
