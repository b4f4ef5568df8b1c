export { verifyTenant, type TenantVerification, type LedgerReport, type LedgerMismatch } from './verify.js';
export { listAuditRecords, listEvents, type AuditRecord, type OutboxEvent } from './audit.service.js';
export { registerAuditRoutes } from './audit.routes.js';
