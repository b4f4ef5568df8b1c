/**
 * ASC X12 for sparehub: streaming reader with envelope checks, writer, 997 acknowledgements
 * and mappings between transaction sets and canonical messages. The only public door.
 */
export { parseX12, readX12Stream, readX12Segments } from './reader.js';
export { readX12Canonical } from './canonical-stream.js';
export type { X12CanonicalEvent, X12CanonicalOptions } from './canonical-stream.js';
export { writeX12, buildInterchange, x12DateTime, X12WriteError, DEFAULT_DELIMITERS } from './writer.js';
export type {
  X12InterchangeInput,
  X12GroupInput,
  X12WriteOptions,
  X12WriteErrorCode,
  EnvelopeOptions,
} from './writer.js';
export { build997 } from './ack-997.js';
export type { Ack997Options } from './ack-997.js';
export { toCanonical, fromCanonical, MAPPED_SET_IDS, FUNCTIONAL_IDS } from './mapping.js';
export type { CanonicalResult, FromCanonicalOptions, X12SetInput } from './mapping.js';
export type { MappableSet } from './sets/common.js';
export { PRIMARY_SCHEME_ORDER, schemeOf, qualifierOf, toIsoDate } from './sets/common.js';
export { X12_ISSUE_CODES, ENVELOPE_ISSUE_CODES, isKnownIssueCode } from './issues.js';
export type { X12Issue, X12IssueCode, X12Severity } from './issues.js';
export type { TokenEvent } from './tokenizer.js';
export type * from './types.js';
