import type { Kysely } from 'kysely';
import type { InboundEnvelope, ReceiveResult } from '../../connectors/transports/types.js';
import type { Database, Store, Trx } from '../../db/index.js';
import { runWork, type Reader } from '../../kernel/index.js';
import { sha256Hex } from '../../platform/canonical.js';
import { isoTimestamp } from '../../platform/clock.js';
import type { Ctx } from '../../platform/context.js';
import { AppError, isAppError } from '../../platform/errors.js';
import { applyCommand, previewCommand, validateCommand } from './commands.js';
import { decodeInbound } from './decode.js';
import type {
  DeferredOutcome,
  Flow,
  InboxMessage,
  InboxStatus,
  ProcessOutcome,
} from './integration.schemas.js';
import { cachedMapping, evaluateMapping, type MappedCommand } from './mapping.js';
import { processSnapshotInbound, startSnapshotInBackground } from './snapshot-inbound.js';
import { nextWindowOpening, windowDecision } from './delivery/index.js';
import { inboundTiming } from './inbound-timing.js';
import { requireFlow, requireMapping } from './systems.service.js';

type Db = Kysely<Database> | Trx;

/** Whether a flow applies what it receives, now: scheduled flows shadow until they go live. */
export function effectiveState(flow: Flow, now: string): 'live' | 'shadow' | 'disabled' {
  if (flow.state === 'scheduled') return flow.goLiveAt && now >= flow.goLiveAt ? 'live' : 'shadow';
  return flow.state;
}

export interface Received extends ReceiveResult {
  /** When the message will be applied, for a scheduled or windowed flow; null: now. */
  dueAt: string | null;
  /** Why then (empty for a duplicate). */
  timing: string[];
}

/**
 * Stores a raw inbound message before anything else is done with it. The same idempotency
 * key from the same system is a duplicate: nothing new is stored and the first message's id
 * is returned, so a sender's retry has no further effect.
 */
export async function receiveInbound(
  store: Store,
  ctx: Ctx,
  flowCode: string,
  envelope: InboundEnvelope,
): Promise<Received> {
  const flow = await requireFlow(store.db, ctx.tenantId, flowCode);
  if (flow.direction !== 'inbound') throw new AppError('FLOW_NOT_ACCEPTING', `Flow ${flow.code} is outbound`);
  if (effectiveState(flow, isoTimestamp(ctx.clock)) === 'disabled')
    throw new AppError('FLOW_NOT_ACCEPTING', `Flow ${flow.code} is disabled`);
  const id = ctx.ids.next('inb');
  const body = envelope.body.toString('utf8');
  const timing = inboundTiming(flow, ctx.clock.now());
  const dueAt = timing.dueAt?.toISOString() ?? null;
  return runWork(store, ctx, async (w) => {
    const inserted = await w.trx
      .insertInto('inbox_messages')
      .values({
        id,
        tenant_id: ctx.tenantId,
        system_code: flow.systemCode,
        flow_code: flow.code,
        idempotency_key: envelope.idempotencyKey,
        transport: envelope.transport,
        content_type: envelope.contentType,
        body,
        body_sha256: sha256Hex(body),
        meta_json: JSON.stringify(envelope.meta),
        received_at: envelope.receivedAt,
        status: 'received',
        attempts: 0,
        due_at: dueAt,
      })
      .onConflict((oc) => oc.columns(['tenant_id', 'system_code', 'idempotency_key']).doNothing())
      .executeTakeFirst();
    if (Number(inserted.numInsertedOrUpdatedRows ?? 0) === 1)
      return { messageId: id, duplicate: false, dueAt, timing: timing.reasons };
    const first = await w.trx
      .selectFrom('inbox_messages')
      .select(['id', 'due_at'])
      .where('tenant_id', '=', ctx.tenantId)
      .where('system_code', '=', flow.systemCode)
      .where('idempotency_key', '=', envelope.idempotencyKey)
      .executeTakeFirstOrThrow();
    return { messageId: first.id, duplicate: true, dueAt: first.due_at, timing: [] };
  });
}

/**
 * What every transport does with a message it received: store it raw, then (unless it is a
 * duplicate or its flow applies it later) map and apply it. The sender is acknowledged once
 * this resolves.
 */
export async function acceptInbound(
  store: Store,
  ctx: Ctx,
  flowCode: string,
  envelope: InboundEnvelope,
): Promise<Received & { outcome: ProcessOutcome | null }> {
  const received = await receiveInbound(store, ctx, flowCode, envelope);
  // A duplicate has no further effect; a scheduled message waits for the inbound worker.
  if (received.duplicate || received.dueAt !== null) return { ...received, outcome: null };
  const flow = await requireFlow(store.db, ctx.tenantId, flowCode);
  if (flow.options.snapshot) {
    // A snapshot takes seconds to minutes: acknowledge now, apply in the background.
    applySnapshotInBackground(store, ctx, received.messageId);
    return { ...received, outcome: null };
  }
  return { ...received, outcome: await processInbound(store, ctx, received.messageId) };
}

/** Starts a snapshot message in the background; false when this process runs one already. */
function applySnapshotInBackground(store: Store, ctx: Ctx, messageId: string): boolean {
  return startSnapshotInBackground(
    () => processInbound(store, ctx, messageId),
    () => undefined, // processInbound records its own failures on the message
  );
}

/** Errors that will not go away by trying again: the message is dead-lettered at once. */
const TRANSIENT = new Set(['STORE_BUSY', 'INTERNAL_ERROR']);

/**
 * Maps and applies one received message. Everything it asks for is applied in one unit of
 * work together with the message's new status, so a message is applied entirely, exactly
 * once, or not at all; a failure is recorded on the message with its code. Shadow flows
 * preview instead of applying. A message already processed is left alone.
 */
export async function processInbound(store: Store, ctx: Ctx, messageId: string): Promise<ProcessOutcome> {
  try {
    // Without the body: this row stays referenced while a snapshot runs, and a snapshot's body
    // is tens of megabytes (a snapshot reads it from the store a slice at a time).
    const head = await store.db
      .selectFrom('inbox_messages')
      .select('flow_code')
      .where('tenant_id', '=', ctx.tenantId)
      .where('id', '=', messageId)
      .executeTakeFirst();
    if (!head) throw messageNotFound(messageId);
    const headFlow = await requireFlow(store.db, ctx.tenantId, head.flow_code);
    if (headFlow.options.snapshot)
      return await processSnapshotInbound(store, ctx, messageId, headFlow, headFlow.options.snapshot);
    return await runWork(store, ctx, async (w) => {
      const msg = await requireInboxRow(w.trx, ctx.tenantId, messageId);
      const flow = await requireFlow(w.trx, ctx.tenantId, msg.flow_code);
      const mapping = await requireMapping(w.trx, ctx.tenantId, flow.mappingCode, flow.mappingVersion);
      const mappingRef = `${mapping.code}@${mapping.version}`;
      const now = isoTimestamp(ctx.clock);
      // Claim first: a second processor (another hub process) finds nothing left to claim.
      const claimed = await w.trx
        .updateTable('inbox_messages')
        .set({
          attempts: Number(msg.attempts) + 1,
          mapping_code: mapping.code,
          mapping_version: mapping.version,
        })
        .where('id', '=', messageId)
        .where('status', 'in', ['received', 'failed'])
        .executeTakeFirst();
      if (Number(claimed.numUpdatedRows) !== 1) {
        return { messageId, status: msg.status as InboxStatus, mapping: mappingRef, commands: 0 };
      }
      const decoded = await decodeInbound(flow, msg.body, msg.id);
      if (decoded.refusal)
        throw new AppError('INBOUND_FORMAT_INVALID', `${decoded.refusal.code}: ${decoded.refusal.message}`, {
          readerCode: decoded.refusal.code,
        });
      const expression = cachedMapping(`${ctx.tenantId}|${mappingRef}`, mapping.expression);
      const commands: Array<{ ref: string; command: MappedCommand }> = [];
      for (const doc of decoded.documents)
        for (const command of await evaluateMapping(expression, doc.message))
          commands.push({ ref: doc.ref, command });
      // Every command is checked before any is applied: a bad message changes nothing.
      for (const c of commands) validateCommand(c.command);
      const shadow = effectiveState(flow, now) !== 'live';
      const outcome: ProcessOutcome = {
        messageId,
        status: shadow ? 'shadowed' : 'applied',
        mapping: mappingRef,
        commands: commands.length,
      };
      if (decoded.rejects.length > 0) outcome.rejects = decoded.rejects;
      if (shadow) {
        outcome.previews = [];
        for (const c of commands) outcome.previews.push(await previewCommand(w, c.command));
      } else {
        for (const c of commands)
          await applyCommand(w, c.command, `${flow.systemCode} ${msg.idempotency_key} (${c.ref})`, flow.code);
      }
      await w.trx
        .updateTable('inbox_messages')
        .set({
          status: outcome.status,
          processed_at: now,
          result_json: JSON.stringify({
            commands: commands.map((c) => c.command),
            previews: outcome.previews,
            rejects: outcome.rejects,
          }),
          error_code: null,
          error_detail: null,
        })
        .where('id', '=', messageId)
        .execute();
      w.audit({
        action: shadow ? 'integration.message_shadowed' : 'integration.message_applied',
        entityType: 'inbox_message',
        entityId: messageId,
        after: { flow: flow.code, mapping: mappingRef, commands: commands.length },
      });
      return outcome;
    });
  } catch (error) {
    const failure = isAppError(error) ? error : new AppError('INTERNAL_ERROR', (error as Error).message);
    const status: InboxStatus = TRANSIENT.has(failure.code) ? 'failed' : 'dead';
    await recordFailure(store, ctx, messageId, status, failure);
    const msg = await requireInboxRow(store.db, ctx.tenantId, messageId);
    return {
      messageId,
      status,
      mapping: `${msg.mapping_code ?? '?'}@${msg.mapping_version ?? '?'}`,
      commands: 0,
      error: { code: failure.code, detail: failure.message },
    };
  }
}

async function recordFailure(
  store: Store,
  ctx: Ctx,
  messageId: string,
  status: InboxStatus,
  failure: AppError,
) {
  await runWork(store, ctx, async (w) => {
    const msg = await requireInboxRow(w.trx, ctx.tenantId, messageId);
    const flow = await requireFlow(w.trx, ctx.tenantId, msg.flow_code);
    await w.trx
      .updateTable('inbox_messages')
      .set({
        status,
        // The failed attempt's own claim was rolled back with it, so it is counted here.
        attempts: Number(msg.attempts) + 1,
        mapping_code: msg.mapping_code ?? flow.mappingCode,
        mapping_version: msg.mapping_version ?? flow.mappingVersion,
        error_code: failure.code,
        error_detail: failure.message,
        processed_at: isoTimestamp(ctx.clock),
      })
      .where('id', '=', messageId)
      .where('status', 'in', ['received', 'failed', 'processing'])
      .execute();
    if (status === 'dead')
      w.emit({
        type: 'integration.message_dead_lettered',
        key: `flow:${flow.code}`,
        payload: {
          messageId,
          flow: flow.code,
          system: flow.systemCode,
          code: failure.code,
          detail: failure.message,
        },
      });
  });
}

function messageNotFound(id: string): AppError {
  return new AppError('INBOUND_MESSAGE_NOT_FOUND', `No inbound message '${id}'`);
}

export async function requireInboxRow(db: Db, tenantId: string, id: string) {
  const row = await db
    .selectFrom('inbox_messages')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id)
    .executeTakeFirst();
  if (!row) throw messageNotFound(id);
  return row;
}

/** A dead or failed message is sent through its flow again (after a mapping or data fix). */
export async function retryInbound(store: Store, ctx: Ctx, messageId: string): Promise<ProcessOutcome> {
  await runWork(store, ctx, async (w) => {
    const row = await requireInboxRow(w.trx, ctx.tenantId, messageId);
    if (!['dead', 'failed'].includes(row.status))
      throw new AppError(
        'INBOUND_MESSAGE_STATE',
        `Message ${messageId} is ${row.status}; only dead or failed messages are retried`,
      );
    await w.trx
      .updateTable('inbox_messages')
      .set({ status: 'received' })
      .where('id', '=', messageId)
      .execute();
    w.audit({
      action: 'integration.message_retried',
      entityType: 'inbox_message',
      entityId: messageId,
      before: { status: row.status },
      after: { status: 'received' },
    });
  });
  return processInbound(store, ctx, messageId);
}

/**
 * Applies a message that waits for its schedule or window now, on a person's say-so (an
 * urgent ERP batch, a window that should have been open): audited with the reason; the
 * message is applied exactly as the worker would, once.
 */
export async function applyInboundNow(
  store: Store,
  ctx: Ctx,
  messageId: string,
  reason: string,
): Promise<ProcessOutcome | DeferredOutcome> {
  await runWork(store, ctx, async (w) => {
    const row = await requireInboxRow(w.trx, ctx.tenantId, messageId);
    if (row.status !== 'received' || row.due_at === null)
      throw new AppError(
        'INBOUND_MESSAGE_STATE',
        `Message ${messageId} is ${row.status}${row.due_at === null ? ' and not waiting for a schedule or window' : ''}; only a message waiting to be due is applied early`,
      );
    // Only if it is still waiting: the worker may have taken it meanwhile.
    const taken = await w.trx
      .updateTable('inbox_messages')
      .set({ due_at: isoTimestamp(ctx.clock) })
      .where('id', '=', messageId)
      .where('status', '=', 'received')
      .executeTakeFirst();
    if (Number(taken.numUpdatedRows) !== 1)
      throw new AppError('INBOUND_MESSAGE_STATE', `Message ${messageId} was picked up meanwhile`);
    w.audit({
      action: 'integration.message_applied_early',
      entityType: 'inbox_message',
      entityId: messageId,
      before: { dueAt: row.due_at },
      after: { dueAt: isoTimestamp(ctx.clock) },
      reason,
    });
  });
  const head = await requireInboxRow(store.db, ctx.tenantId, messageId);
  const flow = await requireFlow(store.db, ctx.tenantId, head.flow_code);
  if (!flow.options.snapshot) return processInbound(store, ctx, messageId);
  const started = applySnapshotInBackground(store, ctx, messageId);
  return { messageId, status: started ? 'processing' : 'received', dueAt: null };
}

/** Gives up on a dead message on purpose, with a reason; the raw message is kept. */
export async function discardInbound(
  store: Store,
  ctx: Ctx,
  messageId: string,
  reason: string,
): Promise<InboxMessage> {
  await runWork(store, ctx, async (w) => {
    const row = await requireInboxRow(w.trx, ctx.tenantId, messageId);
    if (!['dead', 'failed'].includes(row.status))
      throw new AppError(
        'INBOUND_MESSAGE_STATE',
        `Message ${messageId} is ${row.status}; only dead or failed messages are discarded`,
      );
    await w.trx
      .updateTable('inbox_messages')
      .set({ status: 'discarded' })
      .where('id', '=', messageId)
      .execute();
    w.audit({
      action: 'integration.message_discarded',
      entityType: 'inbox_message',
      entityId: messageId,
      before: { status: row.status },
      after: { status: 'discarded' },
      reason,
    });
  });
  return getInboxMessage({ db: store.db, ctx, dialect: store.dialect }, messageId);
}

/**
 * Every column but the raw body: the API shows a message's envelope and outcome, and a
 * snapshot's body is tens of megabytes (replay and retry read the body themselves).
 */
const ENVELOPE_COLUMNS = [
  'id',
  'tenant_id',
  'system_code',
  'flow_code',
  'idempotency_key',
  'transport',
  'content_type',
  'body_sha256',
  'meta_json',
  'received_at',
  'status',
  'attempts',
  'mapping_code',
  'mapping_version',
  'result_json',
  'error_code',
  'error_detail',
  'processed_at',
  'due_at',
] as const satisfies ReadonlyArray<keyof Database['inbox_messages']>;

export async function getInboxMessage(r: Reader, id: string): Promise<InboxMessage> {
  const row = await r.db
    .selectFrom('inbox_messages')
    .select(ENVELOPE_COLUMNS)
    .where('tenant_id', '=', r.ctx.tenantId)
    .where('id', '=', id)
    .executeTakeFirst();
  if (!row) throw messageNotFound(id);
  return toInboxMessage(row);
}

/** A message's raw body as it arrived, cut at `maxChars` characters (snapshots run to tens of megabytes). */
export async function getInboxMessageBody(
  r: Reader,
  id: string,
  maxChars: number,
): Promise<{ id: string; contentType: string; length: number; truncated: boolean; body: string }> {
  const row = await r.db
    .selectFrom('inbox_messages')
    .select((eb) => [
      'id',
      'content_type',
      // Cut in the store, so a large body is never read whole into the hub.
      eb.fn<string>('substr', ['body', eb.lit(1), eb.val(maxChars)]).as('head'),
      eb.fn<number | string>('length', ['body']).as('length'),
    ])
    .where('tenant_id', '=', r.ctx.tenantId)
    .where('id', '=', id)
    .executeTakeFirst();
  if (!row) throw messageNotFound(id);
  const length = Number(row.length);
  return { id: row.id, contentType: row.content_type, length, truncated: length > maxChars, body: row.head };
}

export async function listInbox(
  r: Reader,
  query: { flowCode?: string | undefined; status?: InboxStatus | undefined; limit: number },
): Promise<InboxMessage[]> {
  let qb = r.db.selectFrom('inbox_messages').select(ENVELOPE_COLUMNS).where('tenant_id', '=', r.ctx.tenantId);
  if (query.flowCode) qb = qb.where('flow_code', '=', query.flowCode);
  if (query.status) qb = qb.where('status', '=', query.status);
  return (await qb.orderBy('id', 'desc').limit(query.limit).execute()).map(toInboxMessage);
}

/**
 * Messages stored but not processed (the hub stopped in between, or the store was busy),
 * oldest first: the background worker's queue. Only those received before `before`, so the
 * worker does not race the request that is processing a message it has just stored; a
 * message that keeps failing for a transient reason stops being retried after 10 attempts.
 */
export async function pendingInbound(
  db: Db,
  before: string,
  limit: number,
  staleBefore = before,
  now = before,
): Promise<Array<{ id: string; tenantId: string }>> {
  const rows = await db
    .selectFrom('inbox_messages')
    .select(['id', 'tenant_id'])
    .where((eb) =>
      eb.or([
        eb.and([eb('status', '=', 'received'), eb('due_at', 'is', null), eb('received_at', '<', before)]),
        // A scheduled message is the worker's from its due time on: no request is racing it.
        eb.and([eb('status', '=', 'received'), eb('due_at', '<=', now)]),
        eb.and([
          eb('status', '=', 'failed'),
          eb('attempts', '<', 10),
          eb('received_at', '<', before),
          eb.or([eb('due_at', 'is', null), eb('due_at', '<=', now)]),
        ]),
        // A snapshot whose process stopped committing chunks is taken over and resumed.
        eb.and([
          eb('status', '=', 'processing'),
          eb('processed_at', '<', staleBefore),
          eb.not(
            eb.exists(
              eb
                .selectFrom('stock_snapshots as s')
                .select('s.id')
                .whereRef('s.tenant_id', '=', 'inbox_messages.tenant_id')
                .whereRef('s.message_id', '=', 'inbox_messages.id')
                .where('s.updated_at', '>=', staleBefore),
            ),
          ),
        ]),
      ]),
    )
    .orderBy('received_at')
    .limit(limit)
    .execute();
  return rows.map((r) => ({ id: r.id, tenantId: r.tenant_id }));
}

/**
 * The inbound worker's way in: applies a pending message unless its flow's integration
 * windows are closed now, in which case the message waits for the next opening (its due time
 * moves there, so the worker does not pick it up again in the meantime). Snapshots start in
 * the background. An operator's retry goes through processInbound and applies at once.
 */
export async function processDueInbound(
  store: Store,
  ctx: Ctx,
  messageId: string,
  now: Date,
): Promise<ProcessOutcome | DeferredOutcome> {
  const head = await store.db
    .selectFrom('inbox_messages')
    .select(['flow_code', 'status'])
    .where('tenant_id', '=', ctx.tenantId)
    .where('id', '=', messageId)
    .executeTakeFirst();
  if (!head) throw messageNotFound(messageId);
  const flow = await requireFlow(store.db, ctx.tenantId, head.flow_code);
  const opening = windowDecision(flow.windows, now).open ? null : nextWindowOpening(flow.windows, now);
  if (opening === null) {
    if (!flow.options.snapshot) return processInbound(store, ctx, messageId);
    // A snapshot takes a minute or more: it runs in the background (one per process) so the
    // worker goes on with other due messages; a process busy with one leaves this for later.
    const started = applySnapshotInBackground(store, ctx, messageId);
    return { messageId, status: started ? 'processing' : (head.status as InboxStatus), dueAt: null };
  }
  const dueAt = opening.toISOString();
  await runWork(store, ctx, async (w) => {
    await w.trx
      .updateTable('inbox_messages')
      .set({ due_at: dueAt })
      .where('tenant_id', '=', ctx.tenantId)
      .where('id', '=', messageId)
      .where('status', 'in', ['received', 'failed'])
      .execute();
  });
  return { messageId, status: 'received', dueAt };
}

function toInboxMessage(row: Omit<Database['inbox_messages'], 'body'>): InboxMessage {
  return {
    id: row.id,
    systemCode: row.system_code,
    flowCode: row.flow_code,
    idempotencyKey: row.idempotency_key,
    transport: row.transport,
    contentType: row.content_type,
    bodySha256: row.body_sha256,
    meta: JSON.parse(row.meta_json) as Record<string, string>,
    receivedAt: row.received_at,
    status: row.status as InboxStatus,
    attempts: Number(row.attempts),
    mappingCode: row.mapping_code,
    mappingVersion: row.mapping_version === null ? null : Number(row.mapping_version),
    result: row.result_json === null ? null : (JSON.parse(row.result_json) as unknown),
    error: row.error_code ? { code: row.error_code, detail: row.error_detail ?? '' } : null,
    processedAt: row.processed_at,
    dueAt: row.due_at,
  };
}
