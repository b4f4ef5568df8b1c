import type { Kysely } from 'kysely';
import type { Database } from '../../db/index.js';
import { verifyChain } from '../../kernel/index.js';
import type { LedgerMismatch, LedgerReport, TenantVerification } from './audit.schemas.js';

/**
 * Checks what must always hold for a tenant: the audit hash chain is unbroken, every balance
 * equals the sum of its ledger lines, every serial or lot balance equals its lines, and
 * reserved stock equals the sum of open reservations.
 */
export async function verifyTenant(
  db: Kysely<Database>,
  tenant: { id: string; code: string },
): Promise<TenantVerification> {
  const chain = await verifyChain(db, tenant.id);
  const ledger = await verifyLedger(db, tenant.id);
  return {
    tenantId: tenant.id,
    tenantCode: tenant.code,
    chain,
    ledger,
    ok: chain.firstBreak === null && ledger.mismatches.length === 0,
  };
}

async function verifyLedger(db: Kysely<Database>, tenantId: string): Promise<LedgerReport> {
  const mismatches: LedgerMismatch[] = [];
  const key = (r: { part_id: string; location_id: string; status: string }) =>
    `${r.part_id}|${r.location_id}|${r.status}`;

  const sums = await db
    .selectFrom('stock_movements')
    .select(['part_id', 'location_id', 'status', (eb) => eb.fn.sum<number>('quantity_milli').as('total')])
    .where('tenant_id', '=', tenantId)
    .groupBy(['part_id', 'location_id', 'status'])
    .execute();
  const ledgerTotals = new Map(sums.map((s) => [key(s), Number(s.total)]));
  const balances = await db
    .selectFrom('stock_balances')
    .select(['part_id', 'location_id', 'status', 'on_hand_milli', 'reserved_milli'])
    .where('tenant_id', '=', tenantId)
    .execute();
  const seen = new Set<string>();
  for (const b of balances) {
    const k = key(b);
    seen.add(k);
    const expected = ledgerTotals.get(k) ?? 0;
    if (Number(b.on_hand_milli) !== expected) {
      mismatches.push({
        kind: 'balance',
        partId: b.part_id,
        locationId: b.location_id,
        status: b.status,
        detail: 'on hand differs from the sum of the ledger',
        recorded: Number(b.on_hand_milli),
        expected,
      });
    }
  }
  for (const s of sums) {
    if (!seen.has(key(s)) && Number(s.total) !== 0) {
      mismatches.push({
        kind: 'balance',
        partId: s.part_id,
        locationId: s.location_id,
        status: s.status,
        detail: 'ledger lines without a balance row',
        recorded: 0,
        expected: Number(s.total),
      });
    }
  }

  const open = await db
    .selectFrom('reservations')
    .select(['part_id', 'location_id', (eb) => eb.fn.sum<number>('quantity_milli').as('total')])
    .where('tenant_id', '=', tenantId)
    .where('state', '=', 'open')
    .groupBy(['part_id', 'location_id'])
    .execute();
  const openTotals = new Map(open.map((o) => [`${o.part_id}|${o.location_id}|available`, Number(o.total)]));
  for (const b of balances) {
    const expected = b.status === 'available' ? (openTotals.get(key(b)) ?? 0) : 0;
    if (Number(b.reserved_milli) !== expected) {
      mismatches.push({
        kind: 'reserved',
        partId: b.part_id,
        locationId: b.location_id,
        status: b.status,
        detail: 'reserved differs from the sum of open reservations',
        recorded: Number(b.reserved_milli),
        expected,
      });
    }
    openTotals.delete(key(b));
  }
  for (const [k, total] of openTotals) {
    const [partId = '', locationId = ''] = k.split('|');
    mismatches.push({
      kind: 'reserved',
      partId,
      locationId,
      status: 'available',
      detail: 'open reservations without a balance row',
      recorded: 0,
      expected: total,
    });
  }

  const trackedSums = await db
    .selectFrom('stock_movements')
    .select([
      'part_id',
      'location_id',
      'status',
      'serial',
      'lot',
      (eb) => eb.fn.sum<number>('quantity_milli').as('total'),
    ])
    .where('tenant_id', '=', tenantId)
    .where((eb) => eb.or([eb('serial', '<>', ''), eb('lot', '<>', '')]))
    .groupBy(['part_id', 'location_id', 'status', 'serial', 'lot'])
    .execute();
  const tkey = (r: { part_id: string; location_id: string; status: string; serial: string; lot: string }) =>
    `${key(r)}|${r.serial}|${r.lot}`;
  const trackedTotals = new Map(trackedSums.map((s) => [tkey(s), Number(s.total)]));
  const tracked = await db
    .selectFrom('stock_tracked')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .execute();
  for (const t of tracked) {
    const expected = trackedTotals.get(tkey(t)) ?? 0;
    trackedTotals.delete(tkey(t));
    if (Number(t.on_hand_milli) !== expected) {
      mismatches.push({
        kind: 'tracked',
        partId: t.part_id,
        locationId: t.location_id,
        status: t.status,
        detail: `serial '${t.serial}' lot '${t.lot}' differs from its ledger lines`,
        recorded: Number(t.on_hand_milli),
        expected,
      });
    }
  }
  for (const [k, total] of trackedTotals) {
    if (total === 0) continue;
    const [partId = '', locationId = '', status = ''] = k.split('|');
    mismatches.push({
      kind: 'tracked',
      partId,
      locationId,
      status,
      detail: 'serial or lot ledger lines without a tracked row',
      recorded: 0,
      expected: total,
    });
  }
  return { balancesChecked: balances.length, trackedChecked: tracked.length, mismatches };
}
