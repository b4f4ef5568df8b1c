export {
  readIdocXml,
  type IdocReadOptions,
  type IdocReadResult,
  type IdocMessage,
  type IdocPartner,
} from './idoc-reader.js';
export { IDOC_ISSUE_CODES, type IdocIssue, type IdocIssueCode } from './idoc.errors.js';
export { SAP_UNITS, hubUnit } from './sap-codes.js';
export { alphaOut } from './sap-values.js';
