import { z } from 'zod';
import type { ChainReport } from '../../kernel/index.js';
import type { Expect, SameType } from '../../platform/same-type.js';

export const auditRecordSchema = z.object({
  id: z.string(),
  chain: z
    .number()
    .describe("the hash chain the record is on: a tenant's trail is several on PostgreSQL (decision 0008)"),
  seq: z.number().describe('position on its chain, from 1'),
  actor: z.string().describe('who acted: api_key:<key id> or system:<name>'),
  action: z.string(),
  entityType: z.string(),
  entityId: z.string(),
  before: z.unknown().describe('the entity before, as recorded (any JSON); null: nothing recorded'),
  after: z.unknown().describe('the entity after, as recorded (any JSON); null: nothing recorded'),
  reason: z.string().nullable(),
  requestId: z.string().nullable(),
  occurredAt: z.string(),
  hash: z.string().describe('SHA-256 linking the record to the previous one on its chain'),
});
export type AuditRecord = z.infer<typeof auditRecordSchema>;

/** A domain event as the outbox holds it. */
export const outboxEventSchema = z.object({
  id: z.string().describe('ids grow with time: pass the last one as afterId for the next page'),
  type: z.string(),
  key: z.string().describe('the aggregate the event is about; order holds per key'),
  payload: z.unknown(),
  status: z.string().describe('pending: not yet routed to outbound flows; routed'),
  createdAt: z.string(),
});
export type OutboxEvent = z.infer<typeof outboxEventSchema>;

const chainBreakSchema = z.object({
  tenantId: z.string(),
  shard: z.number().describe('the chain'),
  seq: z.number(),
  recordId: z.string().nullable().describe('null: the record is missing or the break is at the chain head'),
  problem: z.string(),
});
export const chainReportSchema = z.object({
  tenantId: z.string(),
  records: z.number().describe("records verified over all the tenant's chains"),
  chains: z.number(),
  firstBreak: chainBreakSchema.nullable().describe('null: every chain is intact'),
});
// The report is the kernel's: held equal to the schema that sends it.
type _ChainReportMatches = Expect<SameType<ChainReport, z.infer<typeof chainReportSchema>>>;

export const ledgerMismatchSchema = z.object({
  kind: z.enum(['balance', 'tracked', 'reserved']),
  partId: z.string(),
  locationId: z.string(),
  status: z.string().describe('the stock status of the balance (available, consigned …)'),
  detail: z.string(),
  recorded: z.number().describe('what the balance row says, in thousandths of the base unit'),
  expected: z.number().describe('what the ledger lines or open reservations add up to, in thousandths'),
});
export type LedgerMismatch = z.infer<typeof ledgerMismatchSchema>;

export const ledgerReportSchema = z.object({
  balancesChecked: z.number(),
  trackedChecked: z.number().describe('serial and lot rows checked'),
  mismatches: z.array(ledgerMismatchSchema),
});
export type LedgerReport = z.infer<typeof ledgerReportSchema>;

export const tenantVerificationSchema = z.object({
  tenantId: z.string(),
  tenantCode: z.string(),
  chain: chainReportSchema,
  ledger: ledgerReportSchema,
  ok: z.boolean().describe('the chain is intact and the ledger agrees'),
});
export type TenantVerification = z.infer<typeof tenantVerificationSchema>;
