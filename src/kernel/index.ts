export { runWork, reader, type Work, type Reader, type AuditEntry, type DomainEvent } from './work.js';
export {
  runIdempotent,
  requestFingerprint,
  isUniqueViolation,
  retryIfRaced,
  type CommandResult,
  type IdempotentResult,
} from './idempotency.js';
export { verifyChain, linkHash, GENESIS_HASH, type ChainReport, type ChainBreak } from './audit-chain.js';
export { lockScope, lockTenantScope } from './scope-lock.js';
export { policyDocuments, type PolicyDocument } from './policy-documents.js';
export { literal as sqlLiteral } from './outbox-rows.js';
