import type { CommitTail, DialectName, Store, Trx } from '../db/index.js';
import { actorLabel, type Ctx } from '../platform/context.js';
import { isoTimestamp } from '../platform/clock.js';
import { canonicalJson } from '../platform/canonical.js';
import { appendToChain, appendToChainStatement, type PendingAudit } from './audit-chain.js';
import { outboxInsertStatement, type OutboxRow } from './outbox-rows.js';

export interface AuditEntry {
  action: string;
  entityType: string;
  entityId: string;
  before?: unknown;
  after?: unknown;
  reason?: string | null;
}

/** A fact other systems may need to learn; written to the outbox in the same transaction. */
export interface DomainEvent {
  type: string;
  /** Events with the same key are delivered in order. */
  key: string;
  payload: unknown;
}

/**
 * One unit of work: a transaction plus the audit records and events it produces, which are
 * written when the use case returns, so no use case can forget them or write them twice.
 */
export interface Work {
  readonly trx: Trx;
  readonly ctx: Ctx;
  readonly dialect: DialectName;
  /**
   * Statements that travel with COMMIT (PostgreSQL; null on SQLite), written before the unit's
   * events and audit records. For fast paths only: a statement here runs after the unit returns.
   */
  readonly commitTail: CommitTail | null;

  audit(entry: AuditEntry): void;
  emit(event: DomainEvent): void;
}

/** Read access for queries: the database handle and who is asking. */
export interface Reader {
  readonly db: Store['db'];
  readonly ctx: Ctx;
  readonly dialect: DialectName;
}

export function reader(store: Store, ctx: Ctx): Reader {
  return { db: store.db, ctx, dialect: store.dialect };
}

export function runWork<T>(store: Store, ctx: Ctx, fn: (w: Work) => Promise<T>): Promise<T> {
  return store.transaction(async (trx, tail) => {
    const audits: PendingAudit[] = [];
    const events: DomainEvent[] = [];
    const now = isoTimestamp(ctx.clock);
    const actor = actorLabel(ctx.actor);
    const work: Work = {
      trx,
      ctx,
      dialect: store.dialect,
      commitTail: tail,
      audit(entry) {
        audits.push({
          id: ctx.ids.next('aud'),
          actor,
          action: entry.action,
          entityType: entry.entityType,
          entityId: entry.entityId,
          before: entry.before ?? null,
          after: entry.after ?? null,
          reason: entry.reason ?? null,
          requestId: ctx.requestId ?? null,
          occurredAt: now,
        });
      },
      emit(event) {
        events.push(event);
      },
    };
    const result = await fn(work);
    const rows: OutboxRow[] = events.map((e) => ({
      id: ctx.ids.next('evt'),
      tenant_id: ctx.tenantId,
      type: e.type,
      aggregate_key: e.key,
      payload_json: canonicalJson(e.payload),
      status: 'pending',
      attempts: 0,
      created_at: now,
    }));
    await writeOutboxAndAudit(trx, tail, store.dialect, ctx.tenantId, rows, audits);
    return result;
  });
}

/**
 * The unit's events and audit records, written last. Where the store offers a commit tail
 * (PostgreSQL) they travel with COMMIT in one round trip; otherwise they are written here.
 */
async function writeOutboxAndAudit(
  trx: Trx,
  tail: CommitTail | null,
  dialect: DialectName,
  tenantId: string,
  rows: OutboxRow[],
  audits: PendingAudit[],
): Promise<void> {
  if (tail) {
    if (rows.length > 0) tail.add(outboxInsertStatement(rows));
    if (audits.length > 0) tail.add(appendToChainStatement(tenantId, audits));
    return;
  }
  for (let i = 0; i < rows.length; i += 500) {
    await trx
      .insertInto('outbox')
      .values(rows.slice(i, i + 500))
      .execute();
  }
  await appendToChain(trx, dialect, tenantId, audits);
}
