import type { Reader } from '../../kernel/index.js';
// The routes send these through their schemas: the types come from them so the two agree.
import type { AuditRecord, OutboxEvent } from './audit.schemas.js';

export async function listAuditRecords(
  r: Reader,
  query: {
    entityType?: string | undefined;
    entityId?: string | undefined;
    action?: string | undefined;
    beforeId?: string | undefined;
    limit: number;
  },
): Promise<AuditRecord[]> {
  let qb = r.db.selectFrom('audit_records').selectAll().where('tenant_id', '=', r.ctx.tenantId);
  if (query.entityType) qb = qb.where('entity_type', '=', query.entityType);
  if (query.entityId) qb = qb.where('entity_id', '=', query.entityId);
  if (query.action) qb = qb.where('action', '=', query.action);
  // Ids grow with time in every process, so they order records across chains; the cursor is one.
  if (query.beforeId !== undefined) qb = qb.where('id', '<', query.beforeId);
  const rows = await qb.orderBy('id', 'desc').limit(query.limit).execute();
  return rows.map((row) => ({
    id: row.id,
    chain: Number(row.shard),
    seq: Number(row.seq),
    actor: row.actor,
    action: row.action,
    entityType: row.entity_type,
    entityId: row.entity_id,
    before: row.before_json === null ? null : (JSON.parse(row.before_json) as unknown),
    after: row.after_json === null ? null : (JSON.parse(row.after_json) as unknown),
    reason: row.reason,
    requestId: row.request_id,
    occurredAt: row.occurred_at,
    hash: row.hash,
  }));
}

/** The outbox read as an event feed; the integration runtime delivers the same rows. */
export async function listEvents(
  r: Reader,
  query: { type?: string | undefined; afterId?: string | undefined; limit: number },
): Promise<OutboxEvent[]> {
  let qb = r.db.selectFrom('outbox').selectAll().where('tenant_id', '=', r.ctx.tenantId);
  if (query.type) qb = qb.where('type', '=', query.type);
  if (query.afterId) qb = qb.where('id', '>', query.afterId);
  const rows = await qb.orderBy('id').limit(query.limit).execute();
  return rows.map((row) => ({
    id: row.id,
    type: row.type,
    key: row.aggregate_key,
    payload: JSON.parse(row.payload_json) as unknown,
    status: row.status,
    createdAt: row.created_at,
  }));
}
