export { verifyTenant } from './verify.js';
export { listAuditRecords, listEvents } from './audit.service.js';
export type {
  AuditRecord,
  OutboxEvent,
  TenantVerification,
  LedgerReport,
  LedgerMismatch,
} from './audit.schemas.js';
export { registerAuditRoutes } from './audit.routes.js';
