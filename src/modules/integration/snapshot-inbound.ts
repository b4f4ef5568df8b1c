import type { Store } from '../../db/index.js';
import { runWork } from '../../kernel/index.js';
import { isoTimestamp } from '../../platform/clock.js';
import type { Ctx } from '../../platform/context.js';
import { AppError } from '../../platform/errors.js';
import {
  applySnapshotChunk,
  beginSnapshot,
  completeSnapshot,
  sweepSnapshot,
  type Snapshot,
  type SnapshotLineInput,
} from '../inventory/index.js';
import { snapshotInput, type SnapshotCommandInput } from './commands.js';
import { decodePieces, type DecodedPiece } from './decode.js';
import type { Flow, InboxStatus, ProcessOutcome } from './integration.schemas.js';
import { cachedMapping, evaluateMapping } from './mapping.js';
import { requireMapping } from './systems.service.js';
import { effectiveState } from './inbox.service.js';

type SnapshotOptions = NonNullable<Flow['options']['snapshot']>;

/**
 * Processes an inventory snapshot message (a flow with `options.snapshot`): read it through
 * once to refuse a broken file before anything changes, then map and apply it chunk by chunk,
 * each chunk one unit of work with its checkpoint; sweep what a full snapshot left out; then
 * mark the snapshot and the message done. Killed at any point, it resumes after the last
 * chunk that committed. Other hub processes leave a message alone while its heartbeat is fresh.
 */
export async function processSnapshotInbound(
  store: Store,
  ctx: Ctx,
  messageId: string,
  flow: Flow,
  options: SnapshotOptions,
): Promise<ProcessOutcome> {
  const claim = await claimSnapshotMessage(store, ctx, messageId, flow, options);
  if (claim.kind === 'left') return claim.outcome;
  const { snapshot, mappingRef, expression, shadow } = claim;
  const outcome = (status: InboxStatus, extra: Partial<ProcessOutcome> = {}): ProcessOutcome => ({
    messageId,
    status,
    mapping: mappingRef,
    commands: 0,
    ...extra,
  });
  // The body is read from the store a slice at a time on each pass, never held whole.
  const pieces = () =>
    decodePieces(flow, storedBody(store, ctx.tenantId, messageId), messageId, options.chunkLines);

  if (snapshot.chunksDone === 0) {
    // A broken envelope or file may only show at its end: nothing is applied before that is known.
    for await (const piece of pieces()) {
      if (piece.kind === 'refusal') throw refusal(piece);
      // Decoding never waits on I/O (SQLite answers synchronously): without a turn of the
      // event loop per piece, the process would answer no request for the whole pass.
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }
  let chunk = 0;
  let commands = 0;
  const iterator = pieces()[Symbol.asyncIterator]();
  // The next piece is read and mapped while the current one is applied, so decoding runs
  // while the store works (on PostgreSQL the hub would otherwise wait on the server). Chunks
  // already applied are only read past.
  const prepare = async (skip: boolean) => {
    const next = await iterator.next();
    if (next.done) return null;
    const piece = next.value;
    const inputs =
      piece.kind === 'refusal' || skip || piece.message === null
        ? []
        : await mapPiece(expression, piece.message);
    return { piece, inputs };
  };
  try {
    let pending = prepare(snapshot.chunksDone > 0);
    for (let prepared = await pending; prepared !== null; prepared = await pending) {
      const { piece, inputs } = prepared;
      if (piece.kind === 'refusal') throw refusal(piece);
      if (chunk < snapshot.chunksDone) {
        chunk += 1;
        pending = prepare(chunk < snapshot.chunksDone);
        continue;
      }
      pending = prepare(false);
      // A failure reading or mapping the next piece is thrown when its turn comes, as before.
      pending.catch(() => undefined);
      commands += inputs.length;
      const lines = inputs.flatMap((input) => toLines(input, piece.ref));
      // Each chunk's claim also stamps the snapshot's updated_at: that is the heartbeat.
      const applied = await runWork(store, ctx, (w) =>
        applySnapshotChunk(w, snapshot.id, chunk, { lines, rejects: piece.rejects }),
      );
      // Another process took this chunk: it owns the snapshot now.
      if (!applied) return outcome('processing');
      chunk += 1;
    }
  } finally {
    await iterator.return(undefined);
  }
  for (;;) {
    const swept = await runWork(store, ctx, (w) => sweepSnapshot(w, snapshot.id));
    if (swept === null) return outcome('processing');
    if (swept === 0) break;
  }
  const done = await runWork(store, ctx, async (w) => {
    const finished = await completeSnapshot(w, snapshot.id);
    const status: InboxStatus = shadow ? 'shadowed' : 'applied';
    const now = isoTimestamp(ctx.clock);
    await w.trx
      .updateTable('inbox_messages')
      .set({
        status,
        processed_at: now,
        result_json: JSON.stringify({ snapshotId: finished.id, counts: finished.counts }),
        error_code: null,
        error_detail: null,
      })
      .where('id', '=', messageId)
      .where('status', '=', 'processing')
      .execute();
    w.audit({
      action: shadow ? 'integration.message_shadowed' : 'integration.message_applied',
      entityType: 'inbox_message',
      entityId: messageId,
      after: { flow: flow.code, mapping: mappingRef, snapshot: finished.id, counts: finished.counts },
    });
    return { finished, status };
  });
  return outcome(done.status, { commands, snapshot: done.finished });
}

/**
 * Takes the message for this process: from received or failed, or from processing when the
 * inbound worker found it stale (a process that died: see pendingInbound); the
 * compare-and-set on processed_at lets only one of several processes win. Starts (or finds)
 * its snapshot. The heartbeat while chunks are applied is the snapshot's updated_at, not the
 * message row: rewriting a row that holds a 30 MB body for every chunk cost SQLite a quarter
 * of a second each time. Should a live process commit a chunk between the worker's check and
 * this claim, the chunk compare-and-set still applies each chunk once, and the process that
 * loses one leaves.
 */
async function claimSnapshotMessage(
  store: Store,
  ctx: Ctx,
  messageId: string,
  flow: Flow,
  options: SnapshotOptions,
) {
  return runWork(store, ctx, async (w) => {
    const msg = await w.trx
      .selectFrom('inbox_messages')
      .select(['status', 'attempts', 'processed_at', 'idempotency_key'])
      .where('tenant_id', '=', ctx.tenantId)
      .where('id', '=', messageId)
      .executeTakeFirst();
    if (!msg) throw new AppError('INBOUND_MESSAGE_NOT_FOUND', `No inbound message '${messageId}'`);
    const mapping = await requireMapping(w.trx, ctx.tenantId, flow.mappingCode, flow.mappingVersion);
    const mappingRef = `${mapping.code}@${mapping.version}`;
    const now = isoTimestamp(ctx.clock);
    const left = (status: InboxStatus) => ({
      kind: 'left' as const,
      outcome: { messageId, status, mapping: mappingRef, commands: 0 },
    });
    if (!['received', 'failed', 'processing'].includes(msg.status)) return left(msg.status as InboxStatus);
    let claim = w.trx
      .updateTable('inbox_messages')
      .set({
        status: 'processing',
        attempts: Number(msg.attempts) + 1,
        mapping_code: mapping.code,
        mapping_version: mapping.version,
        processed_at: now,
      })
      .where('id', '=', messageId)
      .where('status', '=', msg.status);
    claim =
      msg.processed_at === null
        ? claim.where('processed_at', 'is', null)
        : claim.where('processed_at', '=', msg.processed_at);
    const claimed = await claim.executeTakeFirst();
    if (Number(claimed.numUpdatedRows) !== 1) return left('processing');
    const shadow = effectiveState(flow, now) !== 'live';
    const snapshot: Snapshot = await beginSnapshot(w, {
      messageId,
      flowCode: flow.code,
      documentId: msg.idempotency_key,
      mode: shadow ? 'report' : options.mode,
      scope: options.scope,
      reasonCode: options.reasonCode,
    });
    return {
      kind: 'claimed' as const,
      snapshot,
      mappingRef,
      expression: cachedMapping(`${ctx.tenantId}|${mappingRef}`, mapping.expression),
      shadow,
    };
  });
}

/**
 * Characters per read of a stored body. A snapshot's body runs to tens of megabytes: held
 * whole (twice, while the receipt's copy awaits collection) it also let the heap grow to a
 * multiple of it between collections (decision 10).
 */
export const BODY_SLICE_CHARS = 8 * 1024 * 1024;

/**
 * A stored message's body in slices of `sliceChars` characters, each read on its own
 * (`substr` counts characters on both stores, so no character is cut in two). The body never
 * changes once stored, so every pass reads the same text.
 */
export async function* storedBody(
  store: Store,
  tenantId: string,
  messageId: string,
  sliceChars = BODY_SLICE_CHARS,
): AsyncGenerator<string, void, undefined> {
  for (let from = 1; ; from += sliceChars) {
    const row = await store.db
      .selectFrom('inbox_messages')
      .select((eb) => eb.fn<string | null>('substr', ['body', eb.val(from), eb.val(sliceChars)]).as('slice'))
      .where('tenant_id', '=', tenantId)
      .where('id', '=', messageId)
      .executeTakeFirst();
    if (!row) throw new AppError('INBOUND_MESSAGE_NOT_FOUND', `No inbound message '${messageId}'`);
    if (!row.slice) return;
    yield row.slice;
    // Fewer UTF-16 units than asked means fewer characters: that was the last slice.
    if (row.slice.length < sliceChars) return;
  }
}

async function mapPiece(
  expression: ReturnType<typeof cachedMapping>,
  message: unknown,
): Promise<SnapshotCommandInput[]> {
  return (await evaluateMapping(expression, message)).map(snapshotInput);
}

function toLines(input: SnapshotCommandInput, ref: string): SnapshotLineInput[] {
  return input.lines.map((line, i) => ({
    partNumber: line.partNumber ?? line.item?.partNumber ?? '',
    locationCode: line.locationCode ?? input.locationCode,
    quantity: line.quantity,
    uom: line.uom,
    quantityKind: line.quantityKind,
    ref: line.lineNumber ? `${ref} line ${line.lineNumber}` : `${ref} #${i + 1}`,
  }));
}

function refusal(piece: Extract<DecodedPiece, { kind: 'refusal' }>): AppError {
  return new AppError('INBOUND_FORMAT_INVALID', `${piece.code}: ${piece.message}`, {
    readerCode: piece.code,
  });
}

let activeInProcess = 0;

/**
 * Starts processing a stored snapshot message in the background, so the sender is
 * acknowledged at once. One snapshot at a time per process: a busy process leaves the rest
 * to the inbound worker (which works through stored messages one by one), so a burst of
 * large files waits in the inbox, not in memory.
 */
export function startSnapshotInBackground(
  run: () => Promise<unknown>,
  onError: (error: unknown) => void,
): boolean {
  if (activeInProcess > 0) return false;
  activeInProcess += 1;
  setImmediate(() => {
    run()
      .catch(onError)
      .finally(() => {
        activeInProcess -= 1;
      });
  });
  return true;
}
