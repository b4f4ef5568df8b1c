import { sql } from 'kysely';
import { canonicalJson, sha256Hex } from '../platform/canonical.js';
import type { DialectName, Trx } from '../db/index.js';
import type { Kysely } from 'kysely';
import type { Database } from '../db/index.js';

export const GENESIS_HASH = '0'.repeat(64);

/** The fields a link of the chain covers; the hash of a record is over these and the previous hash. */
export interface ChainedFields {
  tenantId: string;
  seq: number;
  actor: string;
  action: string;
  entityType: string;
  entityId: string;
  beforeJson: string | null;
  afterJson: string | null;
  reason: string | null;
  requestId: string | null;
  occurredAt: string;
}

export function linkHash(prevHash: string, fields: ChainedFields): string {
  return sha256Hex(`${prevHash}\n${canonicalJson(fields)}`);
}

export interface PendingAudit {
  id: string;
  actor: string;
  action: string;
  entityType: string;
  entityId: string;
  before: unknown;
  after: unknown;
  reason: string | null;
  requestId: string | null;
  occurredAt: string;
}

/**
 * Appends records to the tenant's chain. Called last in a transaction. On PostgreSQL a
 * server-side function does it under the head row lock, which orders concurrent writers;
 * on SQLite the single writer orders them and the chain is appended here.
 */
export async function appendToChain(
  trx: Trx,
  dialect: DialectName,
  tenantId: string,
  records: PendingAudit[],
): Promise<void> {
  if (records.length === 0) return;
  if (dialect === 'postgres') {
    await appendOnServer(trx, tenantId, records);
    return;
  }
  const lockHead = () =>
    trx
      .selectFrom('audit_heads')
      .select(['seq', 'hash'])
      .where('tenant_id', '=', tenantId)
      .executeTakeFirst();
  let head = await lockHead();
  if (!head) {
    // A tenant's first record: create its head (another writer may win the race; that is fine).
    await trx
      .insertInto('audit_heads')
      .values({ tenant_id: tenantId, seq: 0, hash: GENESIS_HASH })
      .onConflict((oc) => oc.column('tenant_id').doNothing())
      .execute();
    head = await lockHead();
    if (!head) throw new Error(`audit chain head for tenant ${tenantId} could not be created`);
  }
  let seq = Number(head.seq);
  let prevHash = head.hash;
  const rows = records.map((r) => {
    seq += 1;
    const fields = chainedFields(tenantId, seq, r);
    const hash = linkHash(prevHash, fields);
    const row = { ...recordColumns(r.id, fields), tenant_id: tenantId, seq, prev_hash: prevHash, hash };
    prevHash = hash;
    return row;
  });
  // Chunked: SQLite allows at most 32766 bound parameters per statement.
  for (let i = 0; i < rows.length; i += 500) {
    await trx
      .insertInto('audit_records')
      .values(rows.slice(i, i + 500))
      .execute();
  }
  await trx
    .updateTable('audit_heads')
    .set({ seq, hash: prevHash })
    .where('tenant_id', '=', tenantId)
    .execute();
}

const SEQ_MARK = ',"seq":0,';

/** The stored columns of a record, from its chained fields (both append paths use this). */
function recordColumns(id: string, fields: ChainedFields) {
  return {
    id,
    actor: fields.actor,
    action: fields.action,
    entity_type: fields.entityType,
    entity_id: fields.entityId,
    before_json: fields.beforeJson,
    after_json: fields.afterJson,
    reason: fields.reason,
    request_id: fields.requestId,
    occurred_at: fields.occurredAt,
  };
}

function chainedFields(tenantId: string, seq: number, r: PendingAudit): ChainedFields {
  return {
    tenantId,
    seq,
    actor: r.actor,
    action: r.action,
    entityType: r.entityType,
    entityId: r.entityId,
    beforeJson: r.before === undefined || r.before === null ? null : canonicalJson(r.before),
    afterJson: r.after === undefined || r.after === null ? null : canonicalJson(r.after),
    reason: r.reason,
    requestId: r.requestId,
    occurredAt: r.occurredAt,
  };
}

/**
 * PostgreSQL: one call to sparehub_append_audit (migration 0004), which locks the head and
 * hashes each record's canonical JSON with the sequence number spliced in where SEQ_MARK is.
 */
async function appendOnServer(trx: Trx, tenantId: string, records: PendingAudit[]): Promise<void> {
  const payload = records.map((r) => {
    const fields = chainedFields(tenantId, 0, r);
    const canonical = canonicalJson(fields);
    // Keys are sorted, so "seq" sits between "requestId" and "tenantId", once, unescaped.
    const at = canonical.indexOf(SEQ_MARK);
    if (at < 0 || canonical.indexOf(SEQ_MARK, at + 1) >= 0)
      throw new Error('canonical audit record has no unique seq position');
    return {
      ...recordColumns(r.id, fields),
      head: canonical.slice(0, at + SEQ_MARK.length - 2),
      tail: canonical.slice(at + SEQ_MARK.length - 1),
    };
  });
  await sql`select sparehub_append_audit(${tenantId}, ${JSON.stringify(payload)}::jsonb)`.execute(trx);
}

export interface ChainBreak {
  tenantId: string;
  seq: number;
  recordId: string | null;
  problem: string;
}

export interface ChainReport {
  tenantId: string;
  records: number;
  headSeq: number;
  firstBreak: ChainBreak | null;
}

/** Recomputes a tenant's chain from the first record and names the first broken link. */
export async function verifyChain(db: Kysely<Database>, tenantId: string): Promise<ChainReport> {
  const head = await db
    .selectFrom('audit_heads')
    .select(['seq', 'hash'])
    .where('tenant_id', '=', tenantId)
    .executeTakeFirst();
  let prevHash = GENESIS_HASH;
  let expectedSeq = 1;
  let count = 0;
  const PAGE = 2000;
  for (;;) {
    const page = await db
      .selectFrom('audit_records')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('seq', '>=', expectedSeq)
      .orderBy('seq')
      .limit(PAGE)
      .execute();
    for (const r of page) {
      const seq = Number(r.seq);
      const at = (problem: string): ChainReport => ({
        tenantId,
        records: count,
        headSeq: Number(head?.seq ?? 0),
        firstBreak: { tenantId, seq, recordId: r.id, problem },
      });
      if (seq !== expectedSeq) return at(`record ${expectedSeq} is missing (next record is ${seq})`);
      if (r.prev_hash !== prevHash) return at(`prev_hash does not match the hash of record ${seq - 1}`);
      const recomputed = linkHash(prevHash, {
        tenantId,
        seq,
        actor: r.actor,
        action: r.action,
        entityType: r.entity_type,
        entityId: r.entity_id,
        beforeJson: r.before_json,
        afterJson: r.after_json,
        reason: r.reason,
        requestId: r.request_id,
        occurredAt: r.occurred_at,
      });
      if (recomputed !== r.hash) return at('content does not match its hash (record altered)');
      prevHash = r.hash;
      expectedSeq += 1;
      count += 1;
    }
    if (page.length < PAGE) break;
  }
  const headSeq = Number(head?.seq ?? 0);
  const tail = (problem: string): ChainReport => ({
    tenantId,
    records: count,
    headSeq,
    firstBreak: { tenantId, seq: expectedSeq, recordId: null, problem },
  });
  if (headSeq !== count) return tail(`chain head says ${headSeq} records, found ${count} (records removed?)`);
  if (count > 0 && head?.hash !== prevHash) return tail('chain head hash does not match the last record');
  return { tenantId, records: count, headSeq, firstBreak: null };
}
