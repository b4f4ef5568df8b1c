import { sql } from 'kysely';
import { rowsOf, type DialectName, type Trx } from '../../db/index.js';
import { partFromRow, type Part, type PartColumns } from '../catalog/index.js';

/**
 * The snapshot's set-based statements (decision 25): each takes a chunk's rows as one derived
 * table instead of a multi-row VALUES list, so a chunk of 5,000 lines costs one statement per
 * kind of write whose text and build cost do not grow with the rows.
 */

/** An available balance as a snapshot chunk reads it. */
export interface CountedBalance {
  onHandMilli: number;
  reservedMilli: number;
  snapshotId: string | null;
}

export interface PartAtLocation {
  part: Part;
  locationId: string;
  balance: CountedBalance | undefined;
}

interface PartBalanceRow extends PartColumns {
  on_hand_milli: number | null;
  reserved_milli: number | null;
  snapshot_id: string | null;
}

const PART_COLUMNS =
  'p.id, p.part_number, p.description, p.base_uom, p.whole_units, p.tracking, p.created_at, p.updated_at';

/**
 * The parts with these numbers, each with its available balance at the location, in one
 * statement; unknown part numbers are left out. Each number is looked up through the parts'
 * unique number and each balance through its primary key whatever the planner's statistics
 * say. On PostgreSQL each lookup is a LATERAL subquery with LIMIT 1, which the planner
 * cannot merge into a join: merged, and with statistics taken while the table was empty (a
 * first load), it probed the location index once per line and filtered every balance there,
 * 19 s for 5,000 lines instead of 40 ms. On SQLite CROSS JOIN fixes the order.
 */
export async function readPartsAtLocation(
  trx: Trx,
  dialect: DialectName,
  tenantId: string,
  locationId: string,
  partNumbers: string[],
): Promise<PartAtLocation[]> {
  if (partNumbers.length === 0) return [];
  // PostgreSQL: the location goes in as a column of the rows, not as a parameter, so no plan
  // is made for its value. A location new to the statistics (every location, as a first load
  // reaches it) looks empty, and the location index then looked cheaper than the primary key.
  const v = rowsOf(dialect, [
    { name: 'part_number', type: 'text', values: partNumbers },
    ...(dialect === 'postgres'
      ? [{ name: 'location_id', type: 'text' as const, values: partNumbers.map(() => locationId) }]
      : []),
  ]);
  const query =
    dialect === 'postgres'
      ? sql<PartBalanceRow>`
          select ${sql.raw(PART_COLUMNS)}, b.on_hand_milli, b.reserved_milli, b.snapshot_id
            from ${v}
           cross join lateral (
             select * from parts
              where parts.tenant_id = ${tenantId} and parts.part_number = v.part_number
              limit 1) p
            left join lateral (
             select on_hand_milli, reserved_milli, snapshot_id from stock_balances
              where stock_balances.tenant_id = ${tenantId}
                and stock_balances.part_id = p.id
                and stock_balances.location_id = v.location_id
                and stock_balances.status = 'available'
              limit 1) b on true`
      : // b.tenant_id = p.tenant_id rather than a second parameter: a third faster on SQLite.
        sql<PartBalanceRow>`
          select ${sql.raw(PART_COLUMNS)}, b.on_hand_milli, b.reserved_milli, b.snapshot_id
            from ${v}
           cross join parts p
            left join stock_balances b
              on b.tenant_id = p.tenant_id
             and b.part_id = p.id
             and b.location_id = ${locationId}
             and b.status = 'available'
           where p.tenant_id = ${tenantId} and p.part_number = v.part_number`;
  const { rows } = await query.execute(trx);
  return rows.map((row) => ({
    part: partFromRow(row),
    locationId,
    balance:
      row.on_hand_milli === null
        ? undefined
        : {
            onHandMilli: Number(row.on_hand_milli),
            reservedMilli: Number(row.reserved_milli),
            snapshotId: row.snapshot_id,
          },
  }));
}

/**
 * PostgreSQL: refreshes the balances' planner statistics when the table has more than doubled
 * since they were taken, as autovacuum would (when it is on, within a minute or so). A first
 * load grows the table from nothing to a million rows within one snapshot, and statistics
 * taken while it was empty make every index look alike: the per-line balance lookup then went
 * through the location index, filtering thousands of balances per line (8 s a chunk instead of
 * 40 ms). A few ANALYZEs per first load (each samples 30,000 rows), none on a daily run.
 */
export async function refreshBalanceStatistics(trx: Trx, dialect: DialectName): Promise<boolean> {
  if (dialect !== 'postgres') return false;
  const { rows } = await sql<{ relpages: number; pages: number }>`
    select relpages, pg_relation_size(oid) / current_setting('block_size')::int as pages
      from pg_class where oid = ${'stock_balances'}::regclass`.execute(trx);
  const stats = rows[0];
  if (!stats || Number(stats.pages) <= 2 * Math.max(Number(stats.relpages), 8)) return false;
  await sql`analyze stock_balances`.execute(trx);
  return true;
}

export interface BalanceDelta {
  partId: string;
  locationId: string;
  deltaMilli: number;
}

/**
 * Adds each delta to its available balance (creating the balance when there is none) and
 * stamps it as counted by the snapshot. A zero delta only stamps: the balance keeps its
 * updated_at. An upsert rather than UPDATE … FROM: the conflict check goes through the
 * primary key, so no plan can scan a location's balances instead.
 */
export async function raiseBalances(
  trx: Trx,
  dialect: DialectName,
  args: { tenantId: string; snapshotId: string; now: string; rows: BalanceDelta[] },
): Promise<void> {
  if (args.rows.length === 0) return;
  const v = deltaRows(dialect, args.rows);
  await sql`
    insert into stock_balances
      (tenant_id, part_id, location_id, status, on_hand_milli, reserved_milli, updated_at, snapshot_id)
    select ${args.tenantId}, v.part_id, v.location_id, 'available', v.delta, 0, ${args.now}, ${args.snapshotId}
      from ${v}
     where true
    on conflict (tenant_id, part_id, location_id, status) do update
       set on_hand_milli = stock_balances.on_hand_milli + excluded.on_hand_milli,
           snapshot_id = excluded.snapshot_id,
           updated_at = case when excluded.on_hand_milli = 0 then stock_balances.updated_at
                             else excluded.updated_at end`.execute(trx);
}

/**
 * Lowers existing balances (negative deltas) where what stays still covers their reservations
 * — the guard of every other decrease — and stamps them. Returns the keys (part|location)
 * that changed; the others were reserved meanwhile and take the careful path.
 *
 * An upsert, for its plan (see raiseBalances). The proposed row carries what to take away as
 * its on-hand (a row's checks hold before its conflict is known, so it cannot be negative)
 * and no stamp, which only the update gives: a row that came back unstamped was inserted,
 * which cannot happen (the chunk read every one of them, and balances are never deleted), so
 * the unit fails whole rather than keep it.
 */
export async function lowerBalances(
  trx: Trx,
  dialect: DialectName,
  args: { tenantId: string; snapshotId: string; now: string; rows: BalanceDelta[] },
): Promise<Set<string>> {
  const done = new Set<string>();
  if (args.rows.length === 0) return done;
  const v = rowsOf(dialect, [
    { name: 'part_id', type: 'text', values: args.rows.map((r) => r.partId) },
    { name: 'location_id', type: 'text', values: args.rows.map((r) => r.locationId) },
    { name: 'need', type: 'bigint', values: args.rows.map((r) => -r.deltaMilli) },
  ]);
  const { rows } = await sql<{ part_id: string; location_id: string; snapshot_id: string | null }>`
    insert into stock_balances
      (tenant_id, part_id, location_id, status, on_hand_milli, reserved_milli, updated_at, snapshot_id)
    select ${args.tenantId}, v.part_id, v.location_id, 'available', v.need, 0, ${args.now}, null
      from ${v}
     where true
    on conflict (tenant_id, part_id, location_id, status) do update
       set on_hand_milli = stock_balances.on_hand_milli - excluded.on_hand_milli,
           snapshot_id = ${args.snapshotId},
           updated_at = excluded.updated_at
     where stock_balances.on_hand_milli - excluded.on_hand_milli >= stock_balances.reserved_milli
    returning part_id, location_id, snapshot_id`.execute(trx);
  for (const row of rows) {
    if (row.snapshot_id === null)
      throw new Error(`no available balance of part ${row.part_id} at ${row.location_id} to lower`);
    done.add(`${row.part_id}|${row.location_id}`);
  }
  return done;
}

function deltaRows(dialect: DialectName, rows: BalanceDelta[]) {
  return rowsOf(dialect, [
    { name: 'part_id', type: 'text', values: rows.map((r) => r.partId) },
    { name: 'location_id', type: 'text', values: rows.map((r) => r.locationId) },
    { name: 'delta', type: 'bigint', values: rows.map((r) => r.deltaMilli) },
  ]);
}

/** Ledger lines of one adjustment movement, one per balance. */
export async function insertAdjustments(
  trx: Trx,
  dialect: DialectName,
  args: {
    tenantId: string;
    movementId: string;
    reasonCode: string;
    reference: string;
    actor: string;
    now: string;
    rows: Array<BalanceDelta & { id: string }>;
  },
): Promise<void> {
  if (args.rows.length === 0) return;
  const v = rowsOf(dialect, [
    { name: 'id', type: 'text', values: args.rows.map((r) => r.id) },
    { name: 'part_id', type: 'text', values: args.rows.map((r) => r.partId) },
    { name: 'location_id', type: 'text', values: args.rows.map((r) => r.locationId) },
    { name: 'delta', type: 'bigint', values: args.rows.map((r) => r.deltaMilli) },
  ]);
  await sql`
    insert into stock_movements
      (id, tenant_id, movement_id, type, part_id, location_id, status, serial, lot,
       quantity_milli, reason_code, reference, actor, created_at)
    select v.id, ${args.tenantId}, ${args.movementId}, 'adjustment', v.part_id, v.location_id,
           'available', '', '', v.delta, ${args.reasonCode}, ${args.reference}, ${args.actor}, ${args.now}
      from ${v}`.execute(trx);
}

export interface SnapshotLineRow {
  ref: string;
  partNumber: string;
  locationCode: string;
  hubMilli: number | null;
  countedMilli: number | null;
  action: string;
  code: string | null;
  detail: string;
}

/** A chunk's line outcomes, numbered in the order given. */
export async function insertSnapshotLines(
  trx: Trx,
  dialect: DialectName,
  args: { tenantId: string; snapshotId: string; chunk: number; rows: SnapshotLineRow[] },
): Promise<void> {
  if (args.rows.length === 0) return;
  const { rows } = args;
  const v = rowsOf(dialect, [
    { name: 'idx', type: 'integer', values: rows.map((_, i) => i) },
    { name: 'source_ref', type: 'text', values: rows.map((r) => r.ref) },
    { name: 'part_number', type: 'text', values: rows.map((r) => r.partNumber) },
    { name: 'location_code', type: 'text', values: rows.map((r) => r.locationCode) },
    { name: 'hub_milli', type: 'bigint', values: rows.map((r) => r.hubMilli) },
    { name: 'counted_milli', type: 'bigint', values: rows.map((r) => r.countedMilli) },
    { name: 'action', type: 'text', values: rows.map((r) => r.action) },
    { name: 'code', type: 'text', values: rows.map((r) => r.code) },
    { name: 'detail', type: 'text', values: rows.map((r) => r.detail) },
  ]);
  await sql`
    insert into stock_snapshot_lines
      (snapshot_id, chunk, idx, tenant_id, source_ref, part_number, location_code,
       hub_milli, counted_milli, action, code, detail)
    select ${args.snapshotId}, cast(${args.chunk} as integer), v.idx, ${args.tenantId}, v.source_ref, v.part_number,
           v.location_code, v.hub_milli, v.counted_milli, v.action, v.code, v.detail
      from ${v}`.execute(trx);
}
