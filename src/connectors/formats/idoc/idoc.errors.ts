/**
 * Stable codes for every reason an IDoc file, or one IDoc in it, is refused. Clients branch
 * on the code; the message names the IDoc (DOCNUM, or its position when it has none), the
 * segment and the field.
 */
export const IDOC_ISSUE_CODES = [
  /** The input is larger than `maxBytes`. */
  'IDOC_TOO_LARGE',
  /** Not well-formed XML, not decodable text, or a name the parser refuses. */
  'IDOC_NOT_XML',
  /** A DOCTYPE (and with it any entity definition) is present; SAP never sends one. */
  'IDOC_DTD_FORBIDDEN',
  /** Elements nest deeper than `maxDepth`. */
  'IDOC_TOO_DEEP',
  /** Well-formed XML without any <IDOC> element. */
  'IDOC_NO_IDOC',
  /** An <IDOC> without its EDI_DC40 control record. */
  'IDOC_NO_CONTROL_RECORD',
  /** A basic type or message type this reader does not map. */
  'IDOC_UNSUPPORTED_TYPE',
  /** A segment the mapping needs is absent. */
  'IDOC_MISSING_SEGMENT',
  /** A field the mapping needs is absent or empty. */
  'IDOC_MISSING_FIELD',
  /** A quantity, factor or weight that is not a finite decimal in range. */
  'IDOC_BAD_NUMBER',
  /** A date that is not a real CCYYMMDD calendar date. */
  'IDOC_BAD_DATE',
  /** The IDoc deletes the object (MSGFN 003, E1EDL18 DEL); canonical messages carry no deletion. */
  'IDOC_DELETION_NOT_SUPPORTED',
  /** The mapped message failed the canonical schema: a reader bug, reported rather than thrown. */
  'IDOC_CANONICAL_MISMATCH',
] as const;

export type IdocIssueCode = (typeof IDOC_ISSUE_CODES)[number];

export interface IdocIssue {
  code: IdocIssueCode;
  message: string;
  /** DOCNUM from the control record, as sent, when there is one. */
  docnum?: string;
  /** 0-based position of the IDoc in the file; absent for file-level issues. */
  index?: number;
  segment?: string;
  field?: string;
}
