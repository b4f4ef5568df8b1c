export {
  readCsvMessages,
  INVENTORY_ADVICE_FIELDS,
  type CsvReadOptions,
  type CsvReadEvent,
  type CsvReadSummary,
  type CsvMessageType,
  type InventoryAdviceField,
} from './csv-reader.js';
export { readJsonMessage, type JsonReadOptions, type JsonReadResult } from './json-reader.js';
export {
  CSV_REJECT_CODES,
  JSON_ISSUE_CODES,
  type CsvReject,
  type CsvRejectCode,
  type JsonIssue,
  type JsonIssueCode,
} from './tabular.errors.js';
