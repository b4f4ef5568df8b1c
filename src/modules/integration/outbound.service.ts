import type { Deliver, DeliveryResult } from '../../connectors/transports/types.js';
import type { Store, Trx } from '../../db/index.js';
import { lockScope, runWork, type Reader } from '../../kernel/index.js';
import type { Ctx } from '../../platform/context.js';
import { isoTimestamp, type Clock } from '../../platform/clock.js';
import { AppError, isAppError } from '../../platform/errors.js';
import type { IdGenerator } from '../../platform/ids.js';
import type { Random } from '../../platform/random.js';
import {
  breakerAllows,
  breakerOnResult,
  decideRetry,
  DEFAULT_BREAKER_CONFIG,
  DEFAULT_RETRY_POLICY,
  initialBreakerState,
  type BreakerState,
  nextScheduledAt,
  windowDecision,
} from './delivery/index.js';
import type { DeliveryStatus, Flow, Mapping, OutboundDelivery } from './integration.schemas.js';
import { cachedMapping, evaluateOutbound } from './mapping.js';
import { renderCsv } from './outbound-csv.js';
import { renderX12, type RenderedBody } from './outbound-x12.js';
import { listFlows, requireMapping, webhookSecrets } from './systems.service.js';

/** How a flow's messages leave the hub; built from the flow (and its secret) by the runtime. */
export type TransportFactory = (flow: Flow, secrets: string[]) => Deliver;

export interface RelayDeps {
  store: Store;
  clock: Clock;
  ids: IdGenerator;
  random: Random;
  transportFor: TransportFactory;
  /** A claim older than this lost its process and goes back to pending (default 2 min). */
  claimTimeoutMs?: number;
  /**
   * Only this tenant's events and deliveries (tests sharing one database each run their own
   * relay); the hub's relay serves every tenant.
   */
  tenantId?: string;
}

/** Whether an outbound flow subscribes to an event type (`catalog.*` matches by prefix). */
export function subscribes(flow: Flow, eventType: string): boolean {
  return (flow.options.events ?? []).some((pattern) =>
    pattern.endsWith('*') ? eventType.startsWith(pattern.slice(0, -1)) : pattern === eventType,
  );
}

/**
 * Fans new domain events out to the outbound flows that subscribe to them: one delivery
 * per flow, its body made by the flow's pinned mapping. Runs in one transaction per batch;
 * on PostgreSQL several hub processes share the work (SKIP LOCKED), and the unique
 * (flow, event) pair makes a repeated fan-out harmless.
 */
export async function routeOutbox(deps: RelayDeps, limit = 500): Promise<number> {
  return deps.store.transaction(async (trx) => {
    // One router at a time: two routing side by side (SKIP LOCKED) let a later event of a key
    // get its delivery, and be sent, before an earlier one that the other router still held.
    await lockScope(trx, deps.store.dialect, '*', 'outbox-route');
    // Payloads are read only for events some flow subscribes to: most events have none.
    const events = await trx
      .selectFrom('outbox')
      .select(['id', 'tenant_id', 'type', 'aggregate_key', 'created_at'])
      .where('status', '=', 'pending')
      .$if(deps.tenantId !== undefined, (qb) => qb.where('tenant_id', '=', deps.tenantId!))
      .orderBy('id')
      .limit(limit)
      .execute();
    if (events.length === 0) return 0;
    const flowsByTenant = new Map<string, Flow[]>();
    const fanOuts: Array<{ event: (typeof events)[number]; flows: Flow[] }> = [];
    for (const event of events) {
      let flows = flowsByTenant.get(event.tenant_id);
      if (!flows) {
        flows = (await listFlows(trx, event.tenant_id)).filter(
          (f) => f.direction === 'outbound' && f.state === 'live',
        );
        flowsByTenant.set(event.tenant_id, flows);
      }
      const subscribed = flows.filter((f) => subscribes(f, event.type));
      if (subscribed.length > 0) fanOuts.push({ event, flows: subscribed });
    }
    const payloads = await readPayloads(
      trx,
      fanOuts.map((f) => f.event.id),
    );
    const now = isoTimestamp(deps.clock);
    for (const { event, flows } of fanOuts) {
      for (const flow of flows)
        await fanOut(trx, deps, flow, { ...event, payload_json: payloads.get(event.id)! }, now);
    }
    await trx
      .updateTable('outbox')
      .set({ status: 'routed' })
      .where(
        'id',
        'in',
        events.map((e) => e.id),
      )
      .execute();
    return events.length;
  });
}

async function readPayloads(trx: Trx, ids: string[]): Promise<Map<string, string>> {
  const payloads = new Map<string, string>();
  for (let i = 0; i < ids.length; i += 500) {
    const rows = await trx
      .selectFrom('outbox')
      .select(['id', 'payload_json'])
      .where('id', 'in', ids.slice(i, i + 500))
      .execute();
    for (const row of rows) payloads.set(row.id, row.payload_json);
  }
  return payloads;
}

async function fanOut(
  trx: Trx,
  deps: RelayDeps,
  flow: Flow,
  event: {
    id: string;
    tenant_id: string;
    type: string;
    aggregate_key: string;
    payload_json: string;
    created_at: string;
  },
  now: string,
): Promise<void> {
  const mapping = await requireMapping(trx, event.tenant_id, flow.mappingCode, flow.mappingVersion);
  const input = {
    id: event.id,
    type: event.type,
    key: event.aggregate_key,
    occurredAt: event.created_at,
    payload: JSON.parse(event.payload_json) as unknown,
  };
  const rendered = await render(trx, flow, event.tenant_id, mapping, input, now);
  if (rendered === null) return; // the mapping filtered the event out for this flow
  await trx
    .insertInto('outbound_deliveries')
    .values({
      id: deps.ids.next('dlv'),
      tenant_id: event.tenant_id,
      flow_code: flow.code,
      system_code: flow.systemCode,
      event_id: event.id,
      event_type: event.type,
      key: event.aggregate_key,
      // A dead letter keeps the event it could not map, for whoever fixes the mapping.
      content_type: rendered.ok ? rendered.contentType : 'application/json',
      body: rendered.ok ? rendered.body : JSON.stringify(input),
      mapping_code: mapping.code,
      mapping_version: mapping.version,
      status: rendered.ok ? 'pending' : 'dead',
      attempts: 0,
      // A batch flow with a schedule sends at its next tick; everything else at once.
      next_attempt_at: dueAt(flow, now),
      claimed_at: null,
      last_error_code: rendered.ok ? null : rendered.code,
      last_error_detail: rendered.ok ? null : rendered.detail,
      created_at: now,
      delivered_at: null,
    })
    .onConflict((oc) => oc.columns(['tenant_id', 'flow_code', 'event_id']).doNothing())
    .execute();
}

/**
 * The delivery body in the flow's format (JSON as mapped, or an X12 interchange), or the
 * code of why there is none; null when the mapping filtered the event out. Store errors are
 * not caught here: they must fail the transaction so that it is retried.
 */
async function render(
  trx: Trx,
  flow: Flow,
  tenantId: string,
  mapping: Mapping,
  input: unknown,
  now: string,
): Promise<RenderedBody | null> {
  let output: unknown;
  try {
    output = await evaluateOutbound(
      cachedMapping(`${tenantId}|${mapping.code}@${mapping.version}`, mapping.expression),
      input,
    );
  } catch (error) {
    const failure = isAppError(error) ? error : new AppError('MAPPING_FAILED', (error as Error).message);
    return { ok: false, code: failure.code, detail: failure.message };
  }
  if (output === null) return null;
  if (flow.format === 'x12') return renderX12(trx, tenantId, flow, output, new Date(now));
  if (flow.format === 'csv') return renderCsv(output, flow.options.csv?.columns);
  return { ok: true, contentType: 'application/json', body: JSON.stringify(output) };
}

function dueAt(flow: Flow, now: string): string {
  if (flow.mode !== 'batch' || !flow.schedule) return now;
  return nextScheduledAt(flow.schedule, new Date(now))?.toISOString() ?? now;
}

interface Claimed {
  id: string;
  tenant_id: string;
  flow_code: string;
  system_code: string;
  event_type: string;
  key: string;
  content_type: string;
  body: string;
  attempts: number;
}

/**
 * A claimed delivery not finished within this time lost its process: it goes back to pending
 * and is sent again with the same id (receivers dedupe by it). Longer than any transport's
 * own timeout, so a slow send is not duplicated while it is still running.
 */
const CLAIM_TIMEOUT_MS = 2 * 60_000;

/**
 * Delivers what is due: for each (flow, key) only the oldest undelivered message (so the
 * same part or document is never delivered out of order), not to systems whose circuit
 * breaker is open. Each delivery is claimed first (a conditional update, so two hub
 * processes never send the same one at once), sent outside any transaction, then recorded:
 * delivered, retried later with backoff, or dead-lettered after the last attempt.
 */
/** How many pages of due heads one relay pass looks through to find `limit` it may send. */
const MAX_HEAD_PAGES = 20;

export async function deliverDue(
  deps: RelayDeps,
  limit = 100,
): Promise<{ delivered: number; failed: number; held: number }> {
  const now = isoTimestamp(deps.clock);
  const nowMs = Date.parse(now);
  await deps.store.db
    .updateTable('outbound_deliveries')
    .set({ status: 'pending', claimed_at: null })
    .where('status', '=', 'in_flight')
    .where('claimed_at', '<', new Date(nowMs - (deps.claimTimeoutMs ?? CLAIM_TIMEOUT_MS)).toISOString())
    .execute();
  const flowCache = new Map<string, Flow | null>();
  const flowOf = async (tenantId: string, code: string): Promise<Flow | null> => {
    const cacheKey = `${tenantId}|${code}`;
    if (!flowCache.has(cacheKey))
      flowCache.set(
        cacheKey,
        (await listFlows(deps.store.db, tenantId)).find((f) => f.code === code) ?? null,
      );
    return flowCache.get(cacheKey) ?? null;
  };
  const breakerConfig = (flow: Flow | null) => flow?.options.breaker ?? DEFAULT_BREAKER_CONFIG;
  const headsAfter = (afterId: string) =>
    deps.store.db
      .selectFrom('outbound_deliveries as d')
      .select([
        'd.id',
        'd.tenant_id',
        'd.flow_code',
        'd.system_code',
        'd.event_type',
        'd.key',
        'd.content_type',
        'd.body',
        'd.attempts',
      ])
      .where('d.status', '=', 'pending')
      .where('d.next_attempt_at', '<=', now)
      .$if(deps.tenantId !== undefined, (qb) => qb.where('d.tenant_id', '=', deps.tenantId!))
      .where((eb) =>
        eb.not(
          eb.exists(
            eb
              .selectFrom('outbound_deliveries as o')
              .select('o.id')
              .whereRef('o.tenant_id', '=', 'd.tenant_id')
              .whereRef('o.flow_code', '=', 'd.flow_code')
              .whereRef('o.key', '=', 'd.key')
              .where('o.status', 'in', ['pending', 'in_flight'])
              .whereRef('o.id', '<', 'd.id'),
          ),
        ),
      )
      .where('d.id', '>', afterId)
      .orderBy('d.id')
      .limit(limit)
      .execute();
  let held = 0;
  const breakers = new Map<string, BreakerState>();
  const claimed: Claimed[] = [];
  const candidates: Claimed[] = [];
  // Heads held back (a window closed, a breaker open) do not count against `limit`: one
  // system that is down must not keep every other system's deliveries waiting behind its own.
  let afterId = '';
  for (let page = 0; page < MAX_HEAD_PAGES && candidates.length < limit; page++) {
    const heads = await headsAfter(afterId);
    for (const head of heads) {
      afterId = head.id;
      if (candidates.length >= limit) break;
      const systemKey = `${head.tenant_id}|${head.system_code}`;
      const headFlow = await flowOf(head.tenant_id, head.flow_code);
      // Outside the system's integration windows nothing is sent; it waits, in order.
      if (headFlow && !windowDecision(headFlow.windows, new Date(nowMs)).open) {
        held += 1;
        continue;
      }
      const state =
        breakers.get(systemKey) ?? (await loadBreaker(deps.store, head.tenant_id, head.system_code));
      const gate = breakerAllows(state, nowMs, breakerConfig(headFlow));
      breakers.set(systemKey, gate.state);
      if (!gate.allowed) {
        held += 1;
        continue;
      }
      candidates.push({ ...head, attempts: Number(head.attempts) });
    }
    if (heads.length < limit) break;
  }
  // One claim for the whole pass (a conditional update, so two hub processes never send the
  // same delivery at once): one commit instead of one per delivery.
  if (candidates.length > 0) {
    const won = new Set(
      (
        await deps.store.transaction((trx) =>
          trx
            .updateTable('outbound_deliveries')
            .set({ status: 'in_flight', claimed_at: now })
            .where(
              'id',
              'in',
              candidates.map((c) => c.id),
            )
            .where('status', '=', 'pending')
            .returning('id')
            .execute(),
        )
      ).map((r) => r.id),
    );
    claimed.push(...candidates.filter((c) => won.has(c.id)));
  }
  const transports = new Map<string, Deliver>();
  const results = await Promise.all(
    claimed.map(async (d) => {
      let deliver = transports.get(`${d.tenant_id}|${d.flow_code}`);
      if (!deliver) {
        const flow = await flowOf(d.tenant_id, d.flow_code);
        if (!flow) return { d, result: permanent('FLOW_NOT_FOUND', `flow ${d.flow_code} no longer exists`) };
        deliver = deps.transportFor(flow, await webhookSecrets(deps.store.db, d.tenant_id, d.flow_code));
        transports.set(`${d.tenant_id}|${d.flow_code}`, deliver);
      }
      try {
        const result = await deliver({
          id: d.id,
          key: d.key,
          type: d.event_type,
          contentType: d.content_type,
          body: Buffer.from(d.body),
        });
        return { d, result };
      } catch (error) {
        return {
          d,
          result: {
            ok: false as const,
            errorCode: 'TRANSPORT_ERROR',
            permanent: false,
            detail: (error as Error).message,
          },
        };
      }
    }),
  );
  let delivered = 0;
  let failed = 0;
  const touchedSystems = new Map<string, { tenantId: string; systemCode: string }>();
  // Every outcome of the pass, and each system's breaker, in one commit.
  await deps.store.transaction(async (trx) => {
    for (const { d, result } of results) {
      const systemKey = `${d.tenant_id}|${d.system_code}`;
      const flow = await flowOf(d.tenant_id, d.flow_code);
      const after = breakerOnResult(
        breakers.get(systemKey) ?? initialBreakerState(),
        { ok: result.ok, now: Date.parse(isoTimestamp(deps.clock)) },
        breakerConfig(flow),
      );
      breakers.set(systemKey, after.state);
      touchedSystems.set(systemKey, { tenantId: d.tenant_id, systemCode: d.system_code });
      if (result.ok) {
        delivered += 1;
        await trx
          .updateTable('outbound_deliveries')
          .set({
            status: 'delivered',
            attempts: d.attempts + 1,
            delivered_at: isoTimestamp(deps.clock),
            claimed_at: null,
            last_error_code: null,
            last_error_detail: null,
          })
          .where('id', '=', d.id)
          .execute();
        continue;
      }
      failed += 1;
      const attempt = d.attempts + 1;
      const decision = decideRetry(
        flow?.options.retry ?? DEFAULT_RETRY_POLICY,
        {
          attempt,
          errorCode: result.errorCode,
          ...(result.retryAfterMs !== undefined ? { retryAfterMs: result.retryAfterMs } : {}),
        },
        deps.random,
      );
      const dead = result.permanent || decision.kind === 'dead_letter';
      await trx
        .updateTable('outbound_deliveries')
        .set({
          status: dead ? 'dead' : 'pending',
          attempts: attempt,
          claimed_at: null,
          next_attempt_at:
            dead || decision.kind !== 'retry'
              ? isoTimestamp(deps.clock)
              : new Date(Date.parse(isoTimestamp(deps.clock)) + decision.delayMs).toISOString(),
          last_error_code: result.errorCode,
          last_error_detail: `${result.detail}${dead ? ` — dead-lettered: ${decision.reasons.join('; ')}` : ''}`,
        })
        .where('id', '=', d.id)
        .execute();
    }
    for (const [systemKey, { tenantId, systemCode }] of touchedSystems)
      await saveBreaker(
        trx,
        tenantId,
        systemCode,
        breakers.get(systemKey) ?? initialBreakerState(),
        isoTimestamp(deps.clock),
      );
  });
  return { delivered, failed, held };
}

function permanent(code: string, detail: string): DeliveryResult {
  return { ok: false, errorCode: code, permanent: true, detail };
}

async function loadBreaker(store: Store, tenantId: string, systemCode: string): Promise<BreakerState> {
  const row = await store.db
    .selectFrom('circuit_breakers')
    .select('state_json')
    .where('tenant_id', '=', tenantId)
    .where('system_code', '=', systemCode)
    .executeTakeFirst();
  return row ? (JSON.parse(row.state_json) as BreakerState) : initialBreakerState();
}

async function saveBreaker(
  db: Store['db'] | Trx,
  tenantId: string,
  systemCode: string,
  state: BreakerState,
  now: string,
) {
  await db
    .insertInto('circuit_breakers')
    .values({
      tenant_id: tenantId,
      system_code: systemCode,
      state_json: JSON.stringify(state),
      updated_at: now,
    })
    .onConflict((oc) =>
      oc
        .columns(['tenant_id', 'system_code'])
        .doUpdateSet({ state_json: JSON.stringify(state), updated_at: now }),
    )
    .execute();
}

export async function listDeliveries(
  r: Reader,
  query: { flowCode?: string | undefined; status?: string | undefined; limit: number },
): Promise<OutboundDelivery[]> {
  let qb = r.db.selectFrom('outbound_deliveries').selectAll().where('tenant_id', '=', r.ctx.tenantId);
  if (query.flowCode) qb = qb.where('flow_code', '=', query.flowCode);
  if (query.status) qb = qb.where('status', '=', query.status);
  const rows = await qb.orderBy('id', 'desc').limit(query.limit).execute();
  return rows.map((row) => ({
    id: row.id,
    flowCode: row.flow_code,
    systemCode: row.system_code,
    eventId: row.event_id,
    eventType: row.event_type,
    key: row.key,
    status: row.status as DeliveryStatus,
    attempts: Number(row.attempts),
    nextAttemptAt: row.next_attempt_at,
    lastError: row.last_error_code
      ? { code: row.last_error_code, detail: row.last_error_detail ?? '' }
      : null,
    createdAt: row.created_at,
    deliveredAt: row.delivered_at,
    contentType: row.content_type,
    body: row.content_type.includes('json') ? (JSON.parse(row.body) as unknown) : row.body,
  }));
}

/** A dead delivery goes out again from the start of its retry schedule; audited. */
export async function retryDelivery(store: Store, ctx: Ctx, id: string): Promise<void> {
  await runWork(store, ctx, async (w) => {
    const res = await w.trx
      .updateTable('outbound_deliveries')
      .set({ status: 'pending', attempts: 0, next_attempt_at: isoTimestamp(ctx.clock), claimed_at: null })
      .where('tenant_id', '=', ctx.tenantId)
      .where('id', '=', id)
      .where('status', '=', 'dead')
      .executeTakeFirst();
    if (Number(res.numUpdatedRows) !== 1) {
      // Nothing changed: tell a delivery that is not there from one that is not dead.
      const row = await w.trx
        .selectFrom('outbound_deliveries')
        .select('status')
        .where('tenant_id', '=', ctx.tenantId)
        .where('id', '=', id)
        .executeTakeFirst();
      if (!row) throw new AppError('DELIVERY_NOT_FOUND', `No outbound delivery ${id}`);
      throw new AppError(
        'DELIVERY_STATE',
        `Delivery ${id} is ${row.status}: only a dead delivery is retried`,
        {
          status: row.status,
        },
      );
    }
    w.audit({
      action: 'integration.delivery_retried',
      entityType: 'outbound_delivery',
      entityId: id,
      after: { status: 'pending' },
    });
  });
}
