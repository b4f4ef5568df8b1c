import { sql } from 'kysely';
import { expect, it } from 'vitest';
import { rowsOf } from '../../src/db/index.js';
import { runWork } from '../../src/kernel/index.js';
import { createParts } from '../../src/modules/catalog/index.js';
import {
  lowerBalances,
  raiseBalances,
  readPartsAtLocation,
  refreshBalanceStatistics,
} from '../../src/modules/inventory/snapshot.repository.js';
import { describeEachStore, type TestHub } from '../support/each-store.js';
import { makeLocation, makePart, receive, stockOf, uniqueCode } from '../support/factories.js';

async function reserve(t: TestHub, partNumber: string, locationCode: string, quantity: number) {
  const res = await t.api('POST', '/api/v1/reservations', {
    body: {
      partNumber,
      locationCode,
      quantity,
      demandType: 'field_service',
      priority: 50,
      demandRef: 'WO-R',
    },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
}

describeEachStore('inventory snapshot statements', (hub) => {
  it('hands a chunk of rows to one statement intact, whatever the text holds', async () => {
    const t = hub();
    const texts = [
      'plain',
      '',
      'a,b',
      '{x}',
      '"quoted"',
      "it's",
      'back\\slash',
      'NULL',
      'ünï €',
      'line\nbreak',
      null,
    ];
    const numbers = [0, -1, 2 ** 53 - 1, 42, 7, 1_000_000_000_000, 3, 9, 5, 6, null];
    for (const columns of [
      [{ name: 'txt', type: 'text' as const, values: texts }],
      [
        { name: 'txt', type: 'text' as const, values: texts },
        { name: 'num', type: 'bigint' as const, values: numbers },
      ],
    ]) {
      const { rows } = await sql<{ txt: string | null; num?: number | null }>`
        select * from ${rowsOf(t.dialect, columns)}`.execute(t.hub.store.db);
      expect(rows.map((r) => r.txt)).toEqual(texts);
      if (columns.length === 2)
        expect(rows.map((r) => (r.num === null ? null : Number(r.num)))).toEqual(numbers);
    }
    const { rows } =
      await sql`select * from ${rowsOf(t.dialect, [{ name: 'txt', type: 'text', values: [] }])}`.execute(
        t.hub.store.db,
      );
    expect(rows).toEqual([]);
  });

  it('reads the parts of a chunk with their balances at a location, leaving out unknown numbers', async () => {
    const t = hub();
    const [a, b] = [await makeLocation(t), await makeLocation(t)];
    const [p1, p2] = [await makePart(t), await makePart(t)];
    await receive(t, p1, a, 4);
    await receive(t, p2, b, 9);
    await reserve(t, p1.partNumber, a.code, 1);
    const read = await runWork(t.hub.store, t.ctx(), (w) =>
      readPartsAtLocation(w.trx, w.dialect, w.ctx.tenantId, a.id, [p1.partNumber, 'NO-SUCH', p2.partNumber]),
    );
    const byNumber = new Map(read.map((r) => [r.part.partNumber, r]));
    expect(read).toHaveLength(2);
    expect(byNumber.get(p1.partNumber)).toMatchObject({
      part: { id: p1.id, baseUom: 'EA', tracking: 'none' },
      locationId: a.id,
      balance: { onHandMilli: 4000, reservedMilli: 1000, snapshotId: null },
    });
    // p2 is stocked elsewhere only: no balance here.
    expect(byNumber.get(p2.partNumber)).toMatchObject({ part: { id: p2.id }, balance: undefined });
  });

  it('raises and stamps balances, creating missing ones, and lowers only where reservations stay covered', async () => {
    const t = hub();
    const loc = await makeLocation(t);
    const [p1, p2, p3, p4] = [await makePart(t), await makePart(t), await makePart(t), await makePart(t)];
    await receive(t, p1, loc, 5);
    await receive(t, p2, loc, 5);
    await receive(t, p3, loc, 5);
    await reserve(t, p3.partNumber, loc.code, 4);
    const stamp = { tenantId: t.tenantId, snapshotId: 'snp_test', now: new Date().toISOString() };
    const lowered = await runWork(t.hub.store, t.ctx(), async (w) => {
      await raiseBalances(w.trx, w.dialect, {
        ...stamp,
        rows: [
          { partId: p1.id, locationId: loc.id, deltaMilli: 0 }, // only stamped
          { partId: p4.id, locationId: loc.id, deltaMilli: 2000 }, // a new balance
        ],
      });
      return lowerBalances(w.trx, w.dialect, {
        ...stamp,
        rows: [
          { partId: p2.id, locationId: loc.id, deltaMilli: -3000 }, // 5 → 2, nothing reserved
          { partId: p3.id, locationId: loc.id, deltaMilli: -2000 }, // 5 → 3 would leave 4 reserved uncovered
        ],
      });
    });
    expect([...lowered]).toEqual([`${p2.id}|${loc.id}`]);
    expect(await stockOf(t, p1.partNumber, loc.code)).toMatchObject({ onHand: 5 });
    expect(await stockOf(t, p2.partNumber, loc.code)).toMatchObject({ onHand: 2 });
    expect(await stockOf(t, p3.partNumber, loc.code)).toMatchObject({ onHand: 5, reserved: 4 });
    expect(await stockOf(t, p4.partNumber, loc.code)).toMatchObject({ onHand: 2 });
    const stamps = await t.hub.store.db
      .selectFrom('stock_balances')
      .select(['part_id', 'snapshot_id'])
      .where('tenant_id', '=', t.tenantId)
      .where('location_id', '=', loc.id)
      .execute();
    expect(Object.fromEntries(stamps.map((s) => [s.part_id, s.snapshot_id]))).toEqual({
      [p1.id]: 'snp_test',
      [p2.id]: 'snp_test',
      [p3.id]: null,
      [p4.id]: 'snp_test',
    });
  });

  it('refuses to lower a balance that does not exist, changing nothing', async () => {
    const t = hub();
    const loc = await makeLocation(t);
    const part = await makePart(t);
    const stamp = { tenantId: t.tenantId, snapshotId: 'snp_test', now: new Date().toISOString() };
    await expect(
      runWork(t.hub.store, t.ctx(), (w) =>
        lowerBalances(w.trx, w.dialect, {
          ...stamp,
          rows: [{ partId: part.id, locationId: loc.id, deltaMilli: -1000 }],
        }),
      ),
    ).rejects.toThrow(/no available balance/);
    expect(await stockOf(t, part.partNumber, loc.code)).toMatchObject({ onHand: 0 });
  });

  it('refreshes the balance statistics on PostgreSQL once the table outgrew them, and only then', async () => {
    const t = hub();
    const refresh = () => runWork(t.hub.store, t.ctx(), (w) => refreshBalanceStatistics(w.trx, w.dialect));
    await refresh();
    expect(await refresh()).toBe(false); // just taken
    const loc = await makeLocation(t);
    const pages = async () => {
      if (t.dialect !== 'postgres') return { now: 0, analyzed: 0 };
      const { rows } = await sql<{ now: number; analyzed: number }>`
        select pg_relation_size(oid) / 8192 as now, relpages as analyzed
          from pg_class where oid = 'stock_balances'::regclass`.execute(t.hub.store.db);
      return { now: Number(rows[0]?.now), analyzed: Number(rows[0]?.analyzed) };
    };
    // New balances until the table has more than doubled (a first load does so several times).
    const { analyzed } = await pages();
    do {
      const parts = await runWork(t.hub.store, t.ctx(), (w) =>
        createParts(
          w,
          Array.from({ length: 2000 }, () => ({
            partNumber: uniqueCode('S'),
            description: 'x',
            baseUom: 'EA',
          })),
        ),
      );
      await runWork(t.hub.store, t.ctx(), (w) =>
        raiseBalances(w.trx, w.dialect, {
          tenantId: t.tenantId,
          snapshotId: 'snp_grow',
          now: new Date().toISOString(),
          rows: parts.map((p) => ({ partId: p.id, locationId: loc.id, deltaMilli: 1000 })),
        }),
      );
    } while (t.dialect === 'postgres' && (await pages()).now <= 2 * Math.max(analyzed, 8));
    expect(await refresh()).toBe(t.dialect === 'postgres');
    expect(await refresh()).toBe(false);
  });
});
