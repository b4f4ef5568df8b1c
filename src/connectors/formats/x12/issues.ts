/**
 * Stable issue codes of the X12 reader, writer and mappings. Codes never change meaning once
 * published: flows, 997s and dashboards key on them, so add new codes instead of renaming.
 */
export const X12_ISSUE_CODES = [
  'X12_NO_ISA',
  'X12_ISA_LENGTH',
  'X12_ISA_MALFORMED',
  'X12_ISA_COMPONENT_SEPARATOR_MISSING',
  'X12_DELIMITER_CONFLICT',
  'X12_UNEXPECTED_DATA',
  'X12_UNEXPECTED_SEGMENT',
  'X12_BAD_SEGMENT_ID',
  'X12_SEGMENT_TOO_LONG',
  'X12_SEGMENT_TERMINATOR_MISSING',
  'X12_GS_INVALID',
  'X12_ST_INVALID',
  'X12_DUPLICATE_SET_CONTROL',
  'X12_SE_COUNT_MISMATCH',
  'X12_SE_CONTROL_MISMATCH',
  'X12_UNTERMINATED_SET',
  'X12_GE_COUNT_MISMATCH',
  'X12_GE_CONTROL_MISMATCH',
  'X12_MISSING_GE',
  'X12_IEA_COUNT_MISMATCH',
  'X12_IEA_CONTROL_MISMATCH',
  'X12_MISSING_IEA',
  'X12_TRUNCATED',
  'X12_SET_NOT_MAPPED',
  'X12_MAPPING_MISSING_ELEMENT',
  'X12_MAPPING_INVALID_VALUE',
  'X12_MAPPING_DEFAULTED',
  'X12_MAPPING_SCHEMA',
] as const;

export type X12IssueCode = (typeof X12_ISSUE_CODES)[number];
export type X12Severity = 'error' | 'warning' | 'info';

/** Where an issue sits: in the file, and (for 997 AK3/AK4) inside its transaction set. */
export interface X12Issue {
  code: X12IssueCode;
  severity: X12Severity;
  message: string;
  /** 1-based ordinal of the segment in the whole input. */
  segmentIndex?: number;
  /** UTF-8 byte offset of the segment in the whole input. */
  byteOffset?: number;
  segmentTag?: string;
  /** 1-based position of the segment in its transaction set (ST = 1), as a 997 AK302 wants it. */
  positionInSet?: number;
  /** 1-based element position in the segment (AK401), when one element is at fault. */
  elementPosition?: number;
  /** AK304 / AK403 syntax error code to use in a 997, when the check knows it. */
  ackCode?: string;
}

/** Codes that concern interchange and group envelopes (not a transaction set's own content). */
export const ENVELOPE_ISSUE_CODES: ReadonlySet<X12IssueCode> = new Set<X12IssueCode>([
  'X12_GE_COUNT_MISMATCH',
  'X12_GE_CONTROL_MISMATCH',
  'X12_MISSING_GE',
  'X12_IEA_COUNT_MISMATCH',
  'X12_IEA_CONTROL_MISMATCH',
  'X12_MISSING_IEA',
  'X12_TRUNCATED',
]);

export function issue(
  code: X12IssueCode,
  severity: X12Severity,
  message: string,
  where: Omit<X12Issue, 'code' | 'severity' | 'message'> = {},
): X12Issue {
  return { code, severity, message, ...where };
}

export function isKnownIssueCode(code: string): code is X12IssueCode {
  return (X12_ISSUE_CODES as readonly string[]).includes(code);
}
