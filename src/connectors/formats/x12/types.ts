import type { X12Issue } from './issues.js';

/** A simple element is a string; a composite element is its components. */
export type X12Element = string | readonly string[];

/** A segment as data: what the writer takes and mappings produce. */
export interface X12SegmentData {
  tag: string;
  elements: readonly X12Element[];
}

/** A segment as read: with its place in the input. `elements[0]` is SEG01. */
export interface X12Segment extends X12SegmentData {
  /** 1-based ordinal of the segment in the whole input. */
  index: number;
  /** UTF-8 byte offset of the segment's first character. */
  offset: number;
}

export interface X12Delimiters {
  element: string;
  /** Empty when the sender's ISA16 carries no usable component separator. */
  component: string;
  segment: string;
  /** ISA11 when the version is 00402 or later and ISA11 is not alphanumeric. */
  repetition?: string;
}

export interface X12Position {
  segmentIndex: number;
  byteOffset: number;
}

export interface X12InterchangeHeader {
  authorizationQualifier: string;
  authorization: string;
  securityQualifier: string;
  security: string;
  senderQualifier: string;
  senderId: string;
  receiverQualifier: string;
  receiverId: string;
  /** ISA09 YYMMDD and ISA10 HHMM as sent. */
  date: string;
  time: string;
  standardsId: string;
  version: string;
  controlNumber: string;
  ackRequested: string;
  usageIndicator: string;
  delimiters: X12Delimiters;
  position: X12Position;
}

export interface X12GroupHeader {
  functionalId: string;
  senderId: string;
  receiverId: string;
  /** GS04 CCYYMMDD and GS05 HHMM as sent. */
  date: string;
  time: string;
  controlNumber: string;
  agency: string;
  version: string;
  position: X12Position;
}

/** A transaction set without its segments (what envelope-level results carry). */
export interface X12SetSummary {
  id: string;
  controlNumber: string;
  /** SE01 as sent; null when the SE is missing or not a number. */
  declaredSegmentCount: number | null;
  /** Segments from ST to SE inclusive, as counted. */
  actualSegmentCount: number;
  position: X12Position;
  /** False when the set's own checks failed (SE count/control, no SE, bad segment ids ...). */
  accepted: boolean;
  issues: X12Issue[];
}

/** A transaction set as read: `segments` are those between ST and SE. */
export interface X12TransactionSet extends X12SetSummary {
  segments: X12Segment[];
}

export interface X12Group<S extends X12SetSummary = X12TransactionSet> {
  header: X12GroupHeader;
  /** GE01 / GE02 as sent; null when the GE is missing. */
  declaredSetCount: number | null;
  trailerControlNumber: string | null;
  sets: S[];
  issues: X12Issue[];
  accepted: boolean;
}

export interface X12Interchange<S extends X12SetSummary = X12TransactionSet> {
  header: X12InterchangeHeader;
  declaredGroupCount: number | null;
  trailerControlNumber: string | null;
  groups: X12Group<S>[];
  /** Issues of the interchange envelope itself (ISA/IEA and unexpected segments). */
  issues: X12Issue[];
  /** Whether the interchange is taken in, given the `strictEnvelope` option. */
  accepted: boolean;
  /** The envelope errors that refused it (strict) or that the 997 must report (lenient). */
  reasons: X12Issue[];
}

export interface X12ReadOptions {
  /** Refuse an interchange whose GE/IEA trailers disagree with their headers. Default true. */
  strictEnvelope?: boolean;
  /** Longest segment accepted, in characters (guards memory on garbage). Default 1 MiB. */
  maxSegmentLength?: number;
}

export interface X12ParseResult {
  interchanges: X12Interchange[];
  /** Every issue found, in input order (also attached to the set/group/interchange it concerns). */
  issues: X12Issue[];
}

/** What `readX12Stream` yields. */
export type X12StreamEvent =
  | {
      kind: 'set';
      interchange: X12InterchangeHeader;
      group: X12GroupHeader;
      set: X12TransactionSet;
    }
  | { kind: 'interchange'; interchange: X12Interchange<X12SetSummary> }
  /** Issues found outside any interchange (junk, no ISA). */
  | { kind: 'issue'; issue: X12Issue };
