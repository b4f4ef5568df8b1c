import type { Kysely } from 'kysely';
import type { Database, Trx } from '../../db/index.js';
import type { Reader, Work } from '../../kernel/index.js';
import { isoTimestamp } from '../../platform/clock.js';
import { actorLabel } from '../../platform/context.js';
import { AppError, isAppError } from '../../platform/errors.js';
import { fromMilli, toMilli } from '../../platform/quantity.js';
import { convertToBase, partFromRow, type Part } from '../catalog/index.js';
import { countBalance } from './counts.service.js';
import { requireLocation } from './locations.service.js';
import { requireReasonCode } from './reason-codes.js';
import {
  insertAdjustments,
  insertSnapshotLines,
  lowerBalances,
  raiseBalances,
  readPartsAtLocation,
  refreshBalanceStatistics,
  type BalanceDelta,
  type CountedBalance,
  type PartAtLocation,
} from './snapshot.repository.js';
import {
  addCounts,
  decideSnapshotLine,
  EMPTY_COUNTS,
  type SnapshotAction,
  type SnapshotCounts,
  type SnapshotMode,
  type SnapshotScope,
} from './snapshot.js';

type Db = Kysely<Database> | Trx;

/** One line as a sender reported it, in its unit; the catalog converts to the base unit. */
export interface SnapshotLineInput {
  partNumber: string;
  locationCode?: string | undefined;
  quantity: number;
  uom?: string | undefined;
  quantityKind?: string | undefined;
  /** Where the line came from in the raw message (row, segment), kept with its outcome. */
  ref?: string | undefined;
}

export interface Snapshot {
  id: string;
  messageId: string;
  flowCode: string;
  documentId: string;
  mode: SnapshotMode;
  scope: SnapshotScope;
  reasonCode: string;
  status: 'running' | 'completed';
  chunksDone: number;
  counts: SnapshotCounts;
  startedAt: string;
  updatedAt: string;
  finishedAt: string | null;
}

export interface SnapshotLine {
  chunk: number;
  ref: string;
  partNumber: string;
  locationCode: string;
  hubQuantity: number | null;
  countedQuantity: number | null;
  action: SnapshotAction;
  code: string | null;
  detail: string;
}

export interface ChunkOutcome {
  chunk: number;
  counts: SnapshotCounts;
  movementId: string | null;
}

/** The quantity kind a snapshot counts; other kinds (on order, committed …) are ignored. */
const COUNTED_KIND = 'on_hand';

/** Starts the snapshot of one inbound message, or returns the one already started for it. */
export async function beginSnapshot(
  w: Work,
  input: {
    messageId: string;
    flowCode: string;
    documentId: string;
    mode: SnapshotMode;
    scope: SnapshotScope;
    reasonCode: string;
  },
): Promise<Snapshot> {
  const tenantId = w.ctx.tenantId;
  const existing = await w.trx
    .selectFrom('stock_snapshots')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('message_id', '=', input.messageId)
    .executeTakeFirst();
  if (existing) return toSnapshot(existing);
  await requireReasonCode(w.trx, tenantId, input.reasonCode);
  const now = isoTimestamp(w.ctx.clock);
  const row = {
    id: w.ctx.ids.next('snp'),
    tenant_id: tenantId,
    message_id: input.messageId,
    flow_code: input.flowCode,
    document_id: input.documentId,
    mode: input.mode,
    scope: input.scope,
    reason_code: input.reasonCode,
    status: 'running',
    chunks_done: 0,
    counts_json: JSON.stringify(EMPTY_COUNTS),
    location_ids_json: '[]',
    started_at: now,
    updated_at: now,
    finished_at: null,
  };
  await w.trx.insertInto('stock_snapshots').values(row).execute();
  w.audit({ action: 'stock.snapshot_started', entityType: 'stock_snapshot', entityId: row.id, after: input });
  return toSnapshot(row);
}

interface Resolved {
  ref: string;
  part: Part;
  location: { id: string; code: string };
  countedMilli: number;
  /** The available balance as this chunk's transaction read it; undefined where there is none. */
  balance: CountedBalance | undefined;
}

interface LineRecord {
  ref: string;
  partNumber: string;
  locationCode: string;
  hubMilli: number | null;
  countedMilli: number | null;
  action: SnapshotAction;
  code: string | null;
  detail: string;
}

/**
 * Applies one chunk of a snapshot: reads the parts and balances it names in one statement,
 * decides each line (pure), and writes the differences with set-based statements and one
 * ledger movement. The chunk counter moves forward in the same transaction, so a chunk is
 * applied exactly once even when the hub dies mid-snapshot or two processes work on the same
 * one: a chunk already done, or taken by another process, returns null and changes nothing.
 */
export async function applySnapshotChunk(
  w: Work,
  snapshotId: string,
  chunk: number,
  input: {
    lines: SnapshotLineInput[];
    /** Parts of the message the reader refused (bad CSV rows), recorded with this chunk. */
    rejects?: Array<{ ref: string; code: string; message: string }>;
    /** For lines without their own location. */
    locationCode?: string | undefined;
  },
): Promise<ChunkOutcome | null> {
  const snapshot = await requireSnapshotRow(w.trx, w.ctx.tenantId, snapshotId);
  if (!(await claimChunk(w, snapshotId, chunk))) return null;
  const counts = { ...EMPTY_COUNTS };
  const records: LineRecord[] = [];
  for (const r of input.rejects ?? []) {
    counts.rejected += 1;
    records.push({
      ref: r.ref,
      partNumber: '',
      locationCode: '',
      hubMilli: null,
      countedMilli: null,
      action: 'rejected',
      code: r.code,
      detail: r.message,
    });
  }
  const resolved = await resolveLines(w, input.lines, input.locationCode, counts, records);
  const movementId = await reconcile(w, snapshot, chunk, resolved, false, counts, records);
  await finishChunk(w, snapshot, chunk, counts, records, resolved, movementId);
  return { chunk, counts, movementId };
}

/**
 * A full snapshot's last step, in pages: every available balance at the snapshot's locations
 * that it did not count is counted as zero (reported only, in report mode). Returns the
 * number of balances handled; 0 when nothing is left, null when another process took the page.
 */
export async function sweepSnapshot(w: Work, snapshotId: string, limit = 5000): Promise<number | null> {
  const tenantId = w.ctx.tenantId;
  const snapshot = await requireSnapshotRow(w.trx, tenantId, snapshotId);
  const locationIds = JSON.parse(snapshot.location_ids_json) as string[];
  if (snapshot.scope !== 'full' || locationIds.length === 0) return 0;
  const rows = await w.trx
    .selectFrom('stock_balances as b')
    .innerJoin('parts as p', 'p.id', 'b.part_id')
    .innerJoin('locations as l', 'l.id', 'b.location_id')
    .select([
      'p.id',
      'p.part_number',
      'p.description',
      'p.base_uom',
      'p.whole_units',
      'p.tracking',
      'p.created_at',
      'p.updated_at',
      'l.id as location_id',
      'l.code as location_code',
      'b.on_hand_milli',
      'b.reserved_milli',
      'b.snapshot_id',
    ])
    .where('b.tenant_id', '=', tenantId)
    .where('b.status', '=', 'available')
    .where('b.location_id', 'in', locationIds)
    .where('b.on_hand_milli', '<>', 0)
    .where((eb) => eb.or([eb('b.snapshot_id', 'is', null), eb('b.snapshot_id', '<>', snapshotId)]))
    .where('p.tracking', '=', 'none')
    .limit(limit)
    .execute();
  if (rows.length === 0) return 0;
  const chunk = Number(snapshot.chunks_done);
  if (!(await claimChunk(w, snapshotId, chunk))) return null;
  const resolved: Resolved[] = rows.map((row) => ({
    ref: 'not in the snapshot',
    part: partFromRow(row),
    location: { id: row.location_id, code: row.location_code },
    countedMilli: 0,
    balance: {
      onHandMilli: Number(row.on_hand_milli),
      reservedMilli: Number(row.reserved_milli),
      snapshotId: row.snapshot_id,
    },
  }));
  const counts = { ...EMPTY_COUNTS };
  const records: LineRecord[] = [];
  const movementId = await reconcile(w, snapshot, chunk, resolved, true, counts, records);
  await finishChunk(w, snapshot, chunk, counts, records, resolved, movementId);
  return resolved.length;
}

/** Marks the snapshot completed and tells the systems that subscribe what was found. */
export async function completeSnapshot(w: Work, snapshotId: string): Promise<Snapshot> {
  const row = await requireSnapshotRow(w.trx, w.ctx.tenantId, snapshotId);
  if (row.status === 'completed') return toSnapshot(row);
  const now = isoTimestamp(w.ctx.clock);
  await w.trx
    .updateTable('stock_snapshots')
    .set({ status: 'completed', finished_at: now, updated_at: now })
    .where('id', '=', snapshotId)
    .execute();
  const snapshot = toSnapshot({ ...row, status: 'completed', finished_at: now, updated_at: now });
  const mismatches = snapshot.counts.adjusted + snapshot.counts.reported + snapshot.counts.zeroed;
  w.audit({
    action: 'stock.snapshot_completed',
    entityType: 'stock_snapshot',
    entityId: snapshotId,
    before: { status: row.status },
    after: { status: 'completed', counts: snapshot.counts },
    reason: snapshot.reasonCode,
  });
  // The reconciliation alert (M7.2): subscribers see how far the sender and the hub disagreed.
  w.emit({
    type: 'inventory.snapshot_reconciled',
    key: `snapshot:${snapshotId}`,
    payload: {
      snapshotId,
      documentId: snapshot.documentId,
      flow: snapshot.flowCode,
      mode: snapshot.mode,
      scope: snapshot.scope,
      counts: snapshot.counts,
      mismatches,
    },
  });
  return snapshot;
}

async function claimChunk(w: Work, snapshotId: string, chunk: number): Promise<boolean> {
  const claimed = await w.trx
    .updateTable('stock_snapshots')
    .set({ chunks_done: chunk + 1, updated_at: isoTimestamp(w.ctx.clock) })
    .where('id', '=', snapshotId)
    .where('chunks_done', '=', chunk)
    .where('status', '=', 'running')
    .executeTakeFirst();
  return Number(claimed.numUpdatedRows) === 1;
}

/**
 * Finds each line's part, location, base quantity and balance; refused lines become records.
 * The parts and balances of the whole chunk come in one statement; the checks then run in
 * file order, as they always have.
 */
async function resolveLines(
  w: Work,
  lines: SnapshotLineInput[],
  defaultLocation: string | undefined,
  counts: SnapshotCounts,
  records: LineRecord[],
): Promise<Resolved[]> {
  const tenantId = w.ctx.tenantId;
  const locations = new Map<string, { id: string; code: string } | null>();
  const counted: Array<{ line: SnapshotLineInput; index: number; locationCode: string }> = [];
  const asked = new Map<string, Set<string>>(); // part numbers by location id
  for (const [index, line] of lines.entries()) {
    counts.lines += 1;
    if ((line.quantityKind ?? COUNTED_KIND) !== COUNTED_KIND) {
      counts.ignored += 1;
      continue;
    }
    const locationCode = line.locationCode ?? defaultLocation ?? '';
    counted.push({ line, index, locationCode });
    if (!locations.has(locationCode))
      locations.set(locationCode, await findLocation(w.trx, tenantId, locationCode));
    const location = locations.get(locationCode);
    if (!location) continue;
    const numbers = asked.get(location.id) ?? new Set<string>();
    numbers.add(line.partNumber);
    asked.set(location.id, numbers);
  }
  await refreshBalanceStatistics(w.trx, w.dialect);
  const found = new Map<string, PartAtLocation>();
  for (const [locationId, numbers] of asked)
    for (const row of await readPartsAtLocation(w.trx, w.dialect, tenantId, locationId, [...numbers]))
      found.set(`${row.part.partNumber}|${locationId}`, row);
  const resolved: Resolved[] = [];
  const seen = new Set<string>();
  for (const { line, index, locationCode } of counted) {
    const ref = line.ref ?? `line ${index + 1}`;
    const refuse = (code: string, detail: string) => {
      counts.rejected += 1;
      records.push({
        ref,
        partNumber: line.partNumber,
        locationCode,
        hubMilli: null,
        countedMilli: null,
        action: 'rejected',
        code,
        detail,
      });
    };
    const location = locations.get(locationCode);
    if (!location) {
      refuse(
        'LOCATION_NOT_FOUND',
        locationCode ? `no location '${locationCode}'` : 'the line names no location',
      );
      continue;
    }
    const match = found.get(`${line.partNumber}|${location.id}`);
    if (!match) {
      refuse('PART_NOT_FOUND', `no part '${line.partNumber}'`);
      continue;
    }
    const { part } = match;
    if (part.tracking !== 'none') {
      refuse('SNAPSHOT_LINE_TRACKED', `part ${part.partNumber} is tracked by ${part.tracking}`);
      continue;
    }
    const key = `${part.id}|${location.id}`;
    if (seen.has(key)) {
      refuse('SNAPSHOT_LINE_DUPLICATE', `${part.partNumber} at ${location.code} is counted twice`);
      continue;
    }
    try {
      const countedMilli = await countedBaseMilli(w, part, line);
      seen.add(key);
      resolved.push({ ref, part, location, countedMilli, balance: match.balance });
    } catch (error) {
      if (!isAppError(error)) throw error;
      refuse(error.code, error.message);
    }
  }
  return resolved;
}

function countedBaseMilli(w: Work, part: Part, line: SnapshotLineInput): number | Promise<number> {
  if (!Number.isFinite(line.quantity) || line.quantity < 0)
    throw new AppError('QUANTITY_INVALID', `a counted quantity must be zero or more, got ${line.quantity}`);
  // The sender's unit is usually the base unit: only other units cost a catalog lookup.
  if (line.uom && line.uom.toUpperCase() !== part.baseUom)
    return convertToBase(
      { db: w.trx, ctx: w.ctx, dialect: w.dialect },
      { partNumber: part.partNumber, quantity: line.quantity, uom: line.uom },
    ).then((converted) => wholeMilli(part, converted.quantity));
  return wholeMilli(part, line.quantity);
}

function wholeMilli(part: Part, quantity: number): number {
  if (part.wholeUnits && !Number.isInteger(quantity))
    throw new AppError(
      'QUANTITY_INVALID',
      `part ${part.partNumber} is counted in whole units; ${quantity} is fractional`,
    );
  return toMilli(quantity);
}

async function findLocation(db: Db, tenantId: string, code: string) {
  if (!code) return null;
  try {
    const row = await requireLocation(db, tenantId, code);
    return { id: row.id, code: row.code };
  } catch (error) {
    if (isAppError(error) && error.code === 'LOCATION_NOT_FOUND') return null;
    throw error;
  }
}

interface Change {
  line: Resolved;
  hubMilli: number;
  deltaMilli: number;
  reason: string;
}

/**
 * Decides every resolved line and writes the outcome: matched and reported lines only mark
 * the balance as counted; differences within free stock are applied in bulk; a count below
 * what is reserved goes through `countBalance`, where reservations give way by policy.
 * Returns the chunk's ledger movement id, when it moved anything in bulk.
 */
async function reconcile(
  w: Work,
  snapshot: Database['stock_snapshots'],
  chunk: number,
  lines: Resolved[],
  missing: boolean,
  counts: SnapshotCounts,
  records: LineRecord[],
): Promise<string | null> {
  const tenantId = w.ctx.tenantId;
  const now = isoTimestamp(w.ctx.clock);
  const mode = snapshot.mode as SnapshotMode;
  const marks: BalanceDelta[] = [];
  const decreases: Change[] = [];
  const slow: Change[] = [];
  const applied: Change[] = [];
  for (const line of lines) {
    const { balance } = line;
    const hub = { onHandMilli: balance?.onHandMilli ?? 0, reservedMilli: balance?.reservedMilli ?? 0 };
    if (!missing && balance?.snapshotId === snapshot.id) {
      counts.rejected += 1;
      records.push(
        lineRecord(
          line,
          null,
          'rejected',
          'SNAPSHOT_LINE_DUPLICATE',
          `${line.part.partNumber} at ${line.location.code} is counted twice`,
        ),
      );
      continue;
    }
    const decision = decideSnapshotLine(line.countedMilli, hub, mode, missing);
    const change = {
      line,
      hubMilli: hub.onHandMilli,
      deltaMilli: decision.deltaMilli,
      reason: decision.reason,
    };
    if (decision.action === 'matched') {
      counts.matched += 1;
      marks.push(delta(line, 0));
    } else if (decision.action === 'reported') {
      counts.reported += 1;
      records.push(lineRecord(line, hub.onHandMilli, 'reported', null, decision.reason));
      marks.push(delta(line, 0));
    } else if (!decision.withinFree) slow.push(change);
    else if (decision.deltaMilli > 0) {
      marks.push(delta(line, decision.deltaMilli));
      applied.push(change);
    } else decreases.push(change);
  }
  const stamp = { tenantId, snapshotId: snapshot.id, now };
  await raiseBalances(w.trx, w.dialect, { ...stamp, rows: marks });
  const decreased = await lowerBalances(w.trx, w.dialect, {
    ...stamp,
    rows: decreases.map((c) => delta(c.line, c.deltaMilli)),
  });
  for (const change of decreases) {
    // Stock reserved in between (PostgreSQL, another process) takes the careful path.
    if (decreased.has(`${change.line.part.id}|${change.line.location.id}`)) applied.push(change);
    else slow.push(change);
  }
  const action = missing ? 'zeroed' : 'adjusted';
  for (const change of applied) {
    counts[action] += 1;
    records.push(lineRecord(change.line, change.hubMilli, action, null, change.reason));
  }
  for (const change of slow) {
    const { line } = change;
    const counted = await countBalance(w, {
      part: line.part,
      location: line.location,
      status: 'available',
      countedMilli: line.countedMilli,
      reasonCode: snapshot.reason_code,
      reference: `snapshot ${snapshot.id} chunk ${chunk}`,
    });
    await w.trx
      .updateTable('stock_balances')
      .set({ snapshot_id: snapshot.id })
      .where('tenant_id', '=', tenantId)
      .where('part_id', '=', line.part.id)
      .where('location_id', '=', line.location.id)
      .where('status', '=', 'available')
      .execute();
    counts[action] += 1;
    counts.preempted += counted.preempted.length;
    records.push(
      lineRecord(
        line,
        counted.expectedMilli,
        action,
        null,
        counted.preempted.length > 0
          ? `${change.reason}; ${counted.preempted.length} reservation(s) gave way`
          : change.reason,
      ),
    );
  }
  return writeLedger(w, snapshot, chunk, applied, now);
}

function delta(line: Resolved, deltaMilli: number): BalanceDelta {
  return { partId: line.part.id, locationId: line.location.id, deltaMilli };
}

function lineRecord(
  line: Resolved,
  hubMilli: number | null,
  action: SnapshotAction,
  code: string | null,
  detail: string,
): LineRecord {
  return {
    ref: line.ref,
    partNumber: line.part.partNumber,
    locationCode: line.location.code,
    hubMilli,
    countedMilli: line.countedMilli,
    action,
    code,
    detail,
  };
}

/** One adjustment movement for the chunk's bulk changes: a ledger line per balance. */
async function writeLedger(
  w: Work,
  snapshot: Database['stock_snapshots'],
  chunk: number,
  applied: Change[],
  now: string,
): Promise<string | null> {
  if (applied.length === 0) return null;
  const movementId = w.ctx.ids.next('mov');
  await insertAdjustments(w.trx, w.dialect, {
    tenantId: w.ctx.tenantId,
    movementId,
    reasonCode: snapshot.reason_code,
    reference: `snapshot ${snapshot.id} chunk ${chunk}`,
    actor: actorLabel(w.ctx.actor),
    now,
    rows: applied.map((c) => ({ id: w.ctx.ids.next('led'), ...delta(c.line, c.deltaMilli) })),
  });
  return movementId;
}

/** Saves the chunk's line outcomes and running totals, with its audit record and event. */
async function finishChunk(
  w: Work,
  snapshot: Database['stock_snapshots'],
  chunk: number,
  counts: SnapshotCounts,
  records: LineRecord[],
  resolved: Resolved[],
  movementId: string | null,
): Promise<void> {
  await insertSnapshotLines(w.trx, w.dialect, {
    tenantId: w.ctx.tenantId,
    snapshotId: snapshot.id,
    chunk,
    rows: records,
  });
  // Re-read: the row was locked by the chunk claim, so these totals are this chunk's base.
  const current = await requireSnapshotRow(w.trx, w.ctx.tenantId, snapshot.id);
  const locationIds = new Set(JSON.parse(current.location_ids_json) as string[]);
  for (const line of resolved) locationIds.add(line.location.id);
  await w.trx
    .updateTable('stock_snapshots')
    .set({
      counts_json: JSON.stringify(addCounts(JSON.parse(current.counts_json) as SnapshotCounts, counts)),
      location_ids_json: JSON.stringify([...locationIds].sort()),
    })
    .where('id', '=', snapshot.id)
    .execute();
  const changes = records
    .filter((r) => r.action === 'adjusted' || r.action === 'zeroed')
    .map((r) => ({
      partNumber: r.partNumber,
      locationCode: r.locationCode,
      before: r.hubMilli === null ? null : fromMilli(r.hubMilli),
      after: r.countedMilli === null ? null : fromMilli(r.countedMilli),
    }));
  w.audit({
    action: 'stock.snapshot_chunk',
    entityType: 'stock_snapshot',
    entityId: snapshot.id,
    after: { chunk, counts, movementId, changes },
    reason: snapshot.reason_code,
  });
  if (changes.length > 0)
    w.emit({
      type: 'inventory.snapshot_adjusted',
      key: `snapshot:${snapshot.id}`,
      payload: { snapshotId: snapshot.id, chunk, movementId, reasonCode: snapshot.reason_code, changes },
    });
}

async function requireSnapshotRow(db: Db, tenantId: string, id: string) {
  const row = await db
    .selectFrom('stock_snapshots')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id)
    .executeTakeFirst();
  if (!row) throw new AppError('SNAPSHOT_NOT_FOUND', `No inventory snapshot '${id}'`, { snapshotId: id });
  return row;
}

function toSnapshot(row: Database['stock_snapshots']): Snapshot {
  return {
    id: row.id,
    messageId: row.message_id,
    flowCode: row.flow_code,
    documentId: row.document_id,
    mode: row.mode as SnapshotMode,
    scope: row.scope as SnapshotScope,
    reasonCode: row.reason_code,
    status: row.status as Snapshot['status'],
    chunksDone: Number(row.chunks_done),
    counts: JSON.parse(row.counts_json) as SnapshotCounts,
    startedAt: row.started_at,
    updatedAt: row.updated_at,
    finishedAt: row.finished_at,
  };
}

export async function getSnapshot(r: Reader, id: string): Promise<Snapshot> {
  return toSnapshot(await requireSnapshotRow(r.db, r.ctx.tenantId, id));
}

/** The snapshot started for an inbound message, if any. */
export async function snapshotForMessage(
  db: Db,
  tenantId: string,
  messageId: string,
): Promise<Snapshot | null> {
  const row = await db
    .selectFrom('stock_snapshots')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('message_id', '=', messageId)
    .executeTakeFirst();
  return row ? toSnapshot(row) : null;
}

export async function listSnapshots(r: Reader, query: { limit: number }): Promise<Snapshot[]> {
  const rows = await r.db
    .selectFrom('stock_snapshots')
    .selectAll()
    .where('tenant_id', '=', r.ctx.tenantId)
    .orderBy('started_at', 'desc')
    .orderBy('id', 'desc')
    .limit(query.limit)
    .execute();
  return rows.map(toSnapshot);
}

/** The lines that did not simply match, in file order, optionally of one action. */
export async function listSnapshotLines(
  r: Reader,
  id: string,
  query: { action?: SnapshotAction | undefined; limit: number; offset: number },
): Promise<SnapshotLine[]> {
  await requireSnapshotRow(r.db, r.ctx.tenantId, id);
  let qb = r.db
    .selectFrom('stock_snapshot_lines')
    .selectAll()
    .where('tenant_id', '=', r.ctx.tenantId)
    .where('snapshot_id', '=', id);
  if (query.action) qb = qb.where('action', '=', query.action);
  const rows = await qb.orderBy('chunk').orderBy('idx').limit(query.limit).offset(query.offset).execute();
  return rows.map((row) => ({
    chunk: Number(row.chunk),
    ref: row.source_ref,
    partNumber: row.part_number,
    locationCode: row.location_code,
    hubQuantity: row.hub_milli === null ? null : fromMilli(Number(row.hub_milli)),
    countedQuantity: row.counted_milli === null ? null : fromMilli(Number(row.counted_milli)),
    action: row.action as SnapshotAction,
    code: row.code,
    detail: row.detail,
  }));
}
