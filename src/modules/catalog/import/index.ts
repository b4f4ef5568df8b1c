export {
  importCsv,
  IMPORT_KINDS,
  type ImportKind,
  type ImportSummary,
  type Reject,
} from './import.service.js';
export { exportCsv } from './export.service.js';
