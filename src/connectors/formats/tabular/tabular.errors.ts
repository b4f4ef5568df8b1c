/**
 * Stable codes for rows and documents the CSV and JSON readers refuse. A CSV reject names
 * the row (the line in the file where the record ends; the header is row 1).
 */
export const CSV_REJECT_CODES = [
  /** Options the reader cannot work with (no document id, a bad delimiter or date). */
  'CSV_BAD_OPTIONS',
  /** The header lacks a column the message type needs, or there is no header at all. */
  'CSV_MISSING_COLUMN',
  /** The part number cell is empty. */
  'CSV_EMPTY_PART',
  /** The quantity is empty, not a plain decimal, negative or out of range. */
  'CSV_BAD_QUANTITY',
  /** No unit in the row and no default unit. */
  'CSV_EMPTY_UOM',
  /** A quantity kind the canonical message does not know. */
  'CSV_BAD_QUANTITY_KIND',
  /** The CSV itself is broken (unclosed quote, record over the size limit); reading stops here. */
  'CSV_MALFORMED',
  /** The source failed while being read; reading stops here. */
  'CSV_READ_FAILED',
] as const;

export type CsvRejectCode = (typeof CSV_REJECT_CODES)[number];

export interface CsvReject {
  /** Line in the file where the record ends (header = 1); 0 for a problem with the options. */
  row: number;
  code: CsvRejectCode;
  message: string;
}

export const JSON_ISSUE_CODES = [
  /** Not JSON (or not UTF-8); the issue carries the offset, line and column. */
  'JSON_MALFORMED',
  /** Larger than `maxBytes`. */
  'JSON_TOO_LARGE',
  /** Arrays and objects nest deeper than `maxDepth`. */
  'JSON_TOO_DEEP',
  /** Valid JSON that is not a canonical message; one issue per problem, with its path. */
  'JSON_SCHEMA_MISMATCH',
] as const;

export type JsonIssueCode = (typeof JSON_ISSUE_CODES)[number];

export interface JsonIssue {
  code: JsonIssueCode;
  message: string;
  /** Where in the document: zod path for schema issues. */
  path?: (string | number)[];
  /** Character offset (0-based) for malformed JSON; line and column are 1-based. */
  position?: number;
  line?: number;
  column?: number;
}
