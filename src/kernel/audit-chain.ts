import { canonicalJson, sha256Hex } from '../platform/canonical.js';
import { literal } from './outbox-rows.js';
import type { DialectName, Trx } from '../db/index.js';
import type { Kysely } from 'kysely';
import type { Database } from '../db/index.js';

export const GENESIS_HASH = '0'.repeat(64);

/**
 * How many chains a tenant's trail is spread over on PostgreSQL (decision 0008): up to this
 * many transactions of one tenant can commit at once. SQLite has one writer and one chain.
 */
export const POSTGRES_CHAIN_SHARDS = 8;

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
 * SQLite: appends records to the tenant's one chain, last in the transaction; the single
 * writer orders everything. PostgreSQL uses appendToChainStatement instead.
 */
export async function appendToChain(
  trx: Trx,
  dialect: DialectName,
  tenantId: string,
  records: PendingAudit[],
): Promise<void> {
  if (records.length === 0) return;
  if (dialect === 'postgres') throw new Error('PostgreSQL appends with the commit (appendToChainStatement)');
  const lockHead = () =>
    trx
      .selectFrom('audit_heads')
      .select(['seq', 'hash'])
      .where('tenant_id', '=', tenantId)
      .where('shard', '=', 0)
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
 * PostgreSQL: one call to sparehub_append_audit (migrations 0004, 0005, 0023), which takes a
 * free chain head and hashes each record's canonical JSON, assembling it from the pieces sent
 * here around the record's after and before JSON (sent once, as the stored columns) and its
 * sequence number. Text with literal values, because it travels with COMMIT (work.ts).
 */
export function appendToChainStatement(tenantId: string, records: PendingAudit[]): string {
  const payload = JSON.stringify(serverPayload(tenantId, records));
  return `select sparehub_append_audit(${literal(tenantId)}, ${literal(payload)}::jsonb, ${POSTGRES_CHAIN_SHARDS}::int)`;
}

// Keys sort actor, afterJson, beforeJson, entityId, … requestId, seq, tenantId: with both JSON
// fields null and seq 0, each mark below occurs once, where the server puts the values back.
const JSON_FIELDS_MARK = '"afterJson":null,"beforeJson":null,';
const SEQ_MARK = ',"seq":0,';

/**
 * The record's canonical JSON cut around the places the server fills: `head` ends with
 * `"afterJson":`; the server appends the after JSON as a JSON string (to_json escapes as
 * JSON.stringify does), `,"beforeJson":`, the before JSON, `,`, then `middle` (ending with
 * `"seq":`), the sequence number and `tail`. The same text linkHash hashes on SQLite.
 */
function serverPayload(tenantId: string, records: PendingAudit[]) {
  return records.map((r) => {
    const fields = chainedFields(tenantId, 0, r);
    const canonical = canonicalJson({ ...fields, afterJson: null, beforeJson: null });
    const json = uniqueIndex(canonical, JSON_FIELDS_MARK);
    const seq = uniqueIndex(canonical, SEQ_MARK);
    if (seq < json) throw new Error('canonical audit record has seq before its JSON fields');
    return {
      ...recordColumns(r.id, fields),
      head: canonical.slice(0, json + '"afterJson":'.length),
      middle: canonical.slice(json + JSON_FIELDS_MARK.length, seq + SEQ_MARK.length - 2),
      tail: canonical.slice(seq + SEQ_MARK.length - 1),
    };
  });
}

function uniqueIndex(text: string, mark: string): number {
  const at = text.indexOf(mark);
  if (at < 0 || text.indexOf(mark, at + 1) >= 0)
    throw new Error(`canonical audit record has no unique ${mark}`);
  return at;
}

export interface ChainBreak {
  tenantId: string;
  shard: number;
  seq: number;
  recordId: string | null;
  problem: string;
}

export interface ChainReport {
  tenantId: string;
  /** Records verified over all the tenant's chains. */
  records: number;
  chains: number;
  firstBreak: ChainBreak | null;
}

/**
 * Recomputes each of a tenant's chains from its first record and names the first broken
 * link. A chain is known by its head; records on a chain without a head are a break too.
 */
export async function verifyChain(db: Kysely<Database>, tenantId: string): Promise<ChainReport> {
  const heads = await db
    .selectFrom('audit_heads')
    .select(['shard', 'seq', 'hash'])
    .where('tenant_id', '=', tenantId)
    .orderBy('shard')
    .execute();
  const shardsWithRecords = await db
    .selectFrom('audit_records')
    .select('shard')
    .distinct()
    .where('tenant_id', '=', tenantId)
    .execute();
  let records = 0;
  for (const { shard } of shardsWithRecords) {
    if (!heads.some((h) => h.shard === shard)) {
      return {
        tenantId,
        records,
        chains: heads.length,
        firstBreak: {
          tenantId,
          shard,
          seq: 1,
          recordId: null,
          problem: `chain ${shard} has records but no head`,
        },
      };
    }
  }
  for (const head of heads) {
    const result = await verifyOneChain(db, tenantId, head);
    records += result.records;
    if (result.firstBreak) return { tenantId, records, chains: heads.length, firstBreak: result.firstBreak };
  }
  return { tenantId, records, chains: heads.length, firstBreak: null };
}

async function verifyOneChain(
  db: Kysely<Database>,
  tenantId: string,
  head: { shard: number; seq: number; hash: string },
): Promise<{ records: number; firstBreak: ChainBreak | null }> {
  const shard = Number(head.shard);
  let prevHash = GENESIS_HASH;
  let expectedSeq = 1;
  let count = 0;
  const PAGE = 2000;
  for (;;) {
    const page = await db
      .selectFrom('audit_records')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('shard', '=', shard)
      .where('seq', '>=', expectedSeq)
      .orderBy('seq')
      .limit(PAGE)
      .execute();
    for (const r of page) {
      const seq = Number(r.seq);
      const at = (problem: string) => ({
        records: count,
        firstBreak: { tenantId, shard, seq, recordId: r.id, problem },
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
  const headSeq = Number(head.seq);
  const tail = (problem: string) => ({
    records: count,
    firstBreak: { tenantId, shard, seq: expectedSeq, recordId: null, problem },
  });
  if (headSeq !== count) return tail(`chain head says ${headSeq} records, found ${count} (records removed?)`);
  if (count > 0 && head.hash !== prevHash) return tail('chain head hash does not match the last record');
  return { records: count, firstBreak: null };
}
