/**
 * X12 writer: ISA with its fixed widths, GS/ST wrappers with counts and control numbers
 * computed here, so a caller only supplies the content segments.
 */
import { FUNCTIONAL_IDS, type X12SetInput } from './mapping.js';
import type { X12Delimiters, X12Element, X12SegmentData } from './types.js';

export type X12WriteErrorCode =
  'X12_WRITE_DELIMITER_IN_DATA' | 'X12_WRITE_FIELD_TOO_LONG' | 'X12_WRITE_INVALID_DELIMITERS';

/** Thrown for programmer errors: data that contains a delimiter, an oversize ISA field. */
export class X12WriteError extends Error {
  constructor(
    readonly code: X12WriteErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'X12WriteError';
  }
}

export interface X12GroupInput {
  functionalId: string;
  senderId: string;
  receiverId: string;
  /** CCYYMMDD and HHMM. */
  date: string;
  time: string;
  controlNumber: string | number;
  agency?: string;
  /** GS08, default 004010. */
  version?: string;
  sets: readonly X12SetInput[];
}

export interface X12InterchangeInput {
  authorizationQualifier?: string;
  authorization?: string;
  securityQualifier?: string;
  security?: string;
  senderQualifier: string;
  senderId: string;
  receiverQualifier: string;
  receiverId: string;
  /** YYMMDD and HHMM. */
  date: string;
  time: string;
  /** ISA12, default 00401. */
  version?: string;
  controlNumber: string | number;
  ackRequested?: '0' | '1';
  usageIndicator?: 'P' | 'T' | 'I';
  groups: readonly X12GroupInput[];
}

export interface X12WriteOptions {
  delimiters?: Partial<X12Delimiters>;
  /** Written after every terminator for readability, e.g. '\n'. Default none. */
  lineBreak?: string;
}

export const DEFAULT_DELIMITERS: X12Delimiters = {
  element: '*',
  component: '>',
  segment: '~',
  repetition: '^',
};

function fixed(value: string, width: number, name: string, padLeftZero = false): string {
  if (value.length > width)
    throw new X12WriteError(
      'X12_WRITE_FIELD_TOO_LONG',
      `${name} ${JSON.stringify(value)} is longer than ${width} characters`,
    );
  return padLeftZero ? value.padStart(width, '0') : value.padEnd(width, ' ');
}

/** Writes one interchange. Throws X12WriteError only for data it cannot represent. */
export function writeX12(interchange: X12InterchangeInput, options: X12WriteOptions = {}): string {
  const d: X12Delimiters = { ...DEFAULT_DELIMITERS, ...options.delimiters };
  const version = interchange.version ?? '00401';
  const useRepetition = version >= '00402' && d.repetition !== undefined && d.repetition !== '';
  const reserved = [d.element, d.component, d.segment, ...(useRepetition ? [d.repetition!] : [])];
  if (
    reserved.some((c) => c.length !== 1 || /[A-Za-z0-9 ]/.test(c)) ||
    new Set(reserved).size !== reserved.length
  ) {
    throw new X12WriteError(
      'X12_WRITE_INVALID_DELIMITERS',
      `delimiters must be distinct single non-alphanumeric characters: ${JSON.stringify(reserved)}`,
    );
  }
  const lineBreak = options.lineBreak ?? '';
  const check = (value: string, where: string): string => {
    for (const c of [...reserved, '\r', '\n']) {
      if (value.includes(c))
        throw new X12WriteError(
          'X12_WRITE_DELIMITER_IN_DATA',
          `${where} ${JSON.stringify(value)} contains the delimiter ${JSON.stringify(c)}`,
        );
    }
    return value;
  };
  const element = (value: X12Element, where: string): string => {
    if (typeof value === 'string') return check(value, where);
    const parts = value.map((part) => check(part, where));
    while (parts.length > 1 && parts[parts.length - 1] === '') parts.pop();
    return parts.join(d.component);
  };
  const line = (segment: X12SegmentData): string => {
    const values = segment.elements.map((value, k) =>
      element(value, `${segment.tag}${String(k + 1).padStart(2, '0')}`),
    );
    while (values.length > 0 && values[values.length - 1] === '') values.pop();
    return [check(segment.tag, 'segment tag'), ...values].join(d.element) + d.segment + lineBreak;
  };
  const isa = [
    'ISA',
    fixed(interchange.authorizationQualifier ?? '00', 2, 'ISA01'),
    fixed(interchange.authorization ?? '', 10, 'ISA02'),
    fixed(interchange.securityQualifier ?? '00', 2, 'ISA03'),
    fixed(interchange.security ?? '', 10, 'ISA04'),
    fixed(interchange.senderQualifier, 2, 'ISA05'),
    fixed(interchange.senderId, 15, 'ISA06'),
    fixed(interchange.receiverQualifier, 2, 'ISA07'),
    fixed(interchange.receiverId, 15, 'ISA08'),
    fixed(interchange.date, 6, 'ISA09'),
    fixed(interchange.time, 4, 'ISA10'),
    useRepetition ? d.repetition! : 'U',
    fixed(version, 5, 'ISA12'),
    fixed(String(interchange.controlNumber), 9, 'ISA13', true),
    interchange.ackRequested ?? '0',
    interchange.usageIndicator ?? 'P',
    d.component,
  ];
  // ISA11 may itself be the repetition separator and ISA16 is the component separator.
  isa
    .slice(1, -1)
    .forEach((value, k) => (k === 10 ? value : check(value, `ISA${String(k + 1).padStart(2, '0')}`)));
  const parts: string[] = [isa.join(d.element) + d.segment + lineBreak];
  for (const group of interchange.groups) {
    const groupControl = String(group.controlNumber);
    parts.push(
      line({
        tag: 'GS',
        elements: [
          group.functionalId,
          group.senderId,
          group.receiverId,
          group.date,
          group.time,
          groupControl,
          group.agency ?? 'X',
          group.version ?? '004010',
        ],
      }),
    );
    for (const set of group.sets) {
      parts.push(line({ tag: 'ST', elements: [set.id, set.controlNumber] }));
      for (const segment of set.segments) parts.push(line(segment));
      parts.push(line({ tag: 'SE', elements: [String(set.segments.length + 2), set.controlNumber] }));
    }
    parts.push(line({ tag: 'GE', elements: [String(group.sets.length), groupControl] }));
  }
  parts.push(
    line({
      tag: 'IEA',
      elements: [
        String(interchange.groups.length),
        fixed(String(interchange.controlNumber), 9, 'IEA02', true),
      ],
    }),
  );
  return parts.join('');
}

export interface EnvelopeOptions {
  senderQualifier: string;
  senderId: string;
  receiverQualifier: string;
  receiverId: string;
  controlNumber: number;
  /** First GS06; later groups count up from it. Default: the interchange control number. */
  groupControlNumber?: number;
  /** The interchange date and time (UTC); pass it in, writers read no clock. */
  now: Date;
  usageIndicator?: 'P' | 'T' | 'I';
  /** GS08, default 004010. */
  version?: string;
}

/** Date and time in the forms ISA and GS want, from a Date in UTC. */
export function x12DateTime(now: Date): { isaDate: string; gsDate: string; time: string } {
  const iso = now.toISOString();
  const gsDate = iso.slice(0, 10).replace(/-/g, '');
  return { isaDate: gsDate.slice(2), gsDate, time: iso.slice(11, 16).replace(':', '') };
}

/** Wraps sets in an interchange, one group per functional identifier, in order of appearance. */
export function buildInterchange(
  sets: readonly (X12SetInput & { functionalId?: string })[],
  options: EnvelopeOptions,
): X12InterchangeInput {
  const { isaDate, gsDate, time } = x12DateTime(options.now);
  const byFunction = new Map<string, X12SetInput[]>();
  for (const set of sets) {
    const functionalId = set.functionalId ?? FUNCTIONAL_IDS[set.id] ?? 'ZZ';
    byFunction.set(functionalId, [
      ...(byFunction.get(functionalId) ?? []),
      { id: set.id, controlNumber: set.controlNumber, segments: set.segments },
    ]);
  }
  let groupControl = options.groupControlNumber ?? options.controlNumber;
  return {
    senderQualifier: options.senderQualifier,
    senderId: options.senderId,
    receiverQualifier: options.receiverQualifier,
    receiverId: options.receiverId,
    date: isaDate,
    time,
    controlNumber: options.controlNumber,
    ...(options.usageIndicator ? { usageIndicator: options.usageIndicator } : {}),
    groups: [...byFunction].map(([functionalId, groupSets]) => ({
      functionalId,
      senderId: options.senderId,
      receiverId: options.receiverId,
      date: gsDate,
      time,
      controlNumber: groupControl++,
      version: options.version ?? '004010',
      sets: groupSets,
    })),
  };
}
