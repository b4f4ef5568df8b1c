export {
  importCsv,
  IMPORT_KINDS,
  type ImportKind,
  type ImportSummary,
  type Reject,
} from './import.service.js';
export { exportCsv } from './export.service.js';
export {
  runImportJob,
  listImportJobs,
  requireImportJob,
  writeImportRejects,
  markInterruptedImports,
  type ImportJob,
} from './jobs.service.js';
export { registerImportRoutes } from './import.routes.js';
