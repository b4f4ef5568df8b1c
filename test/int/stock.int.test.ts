import { sql } from 'kysely';
import { expect, it } from 'vitest';
import { runWork } from '../../src/kernel/index.js';
import { verifyTenant } from '../../src/modules/audit/index.js';
import { createReservation, postMovement } from '../../src/modules/inventory/index.js';
import { AppError } from '../../src/platform/errors.js';
import { asJson, describeEachStore, type TestHub } from '../support/each-store.js';
import { makeLocation, makePart, move, receive, stockOf } from '../support/factories.js';

async function verify(t: TestHub) {
  return verifyTenant(t.hub.store.db, { id: t.tenantId, code: 'test' });
}

/** POST /api/v1/audit/verify answers with the whole report, as verifyTenant makes it. */
async function expectVerifyAnswersInFull(t: TestHub) {
  const code = (
    await t.hub.store.db
      .selectFrom('tenants')
      .select('code')
      .where('id', '=', t.tenantId)
      .executeTakeFirstOrThrow()
  ).code;
  expect((await t.api('POST', '/api/v1/audit/verify')).body).toEqual(
    asJson(await verifyTenant(t.hub.store.db, { id: t.tenantId, code })),
  );
}

async function expectCode(promise: Promise<unknown>, code: string): Promise<void> {
  await expect(promise).rejects.toSatisfy((e: unknown) => e instanceof AppError && e.code === code);
}

describeEachStore('stock movements and counts', (hub) => {
  it('moves stock through receipt, transfer in transit, receipt at destination and issue, ledger and balances agreeing', async () => {
    const t = hub();
    const part = await makePart(t);
    const dc = await makeLocation(t, { type: 'central_dc' });
    const van = await makeLocation(t, { type: 'technician_van', parentCode: dc.code });
    await receive(t, part, dc, 10);
    await move(t, {
      type: 'transfer',
      partNumber: part.partNumber,
      locationCode: dc.code,
      toLocationCode: van.code,
      quantity: 4,
      toStatus: 'in_transit',
    });
    expect(await stockOf(t, part.partNumber, van.code, 'in_transit')).toMatchObject({ onHand: 4 });
    await move(t, {
      type: 'status_change',
      partNumber: part.partNumber,
      locationCode: van.code,
      quantity: 4,
      status: 'in_transit',
      toStatus: 'available',
    });
    await move(t, {
      type: 'issue',
      partNumber: part.partNumber,
      locationCode: van.code,
      quantity: 1,
      reference: 'WO-9',
    });
    expect(await stockOf(t, part.partNumber, dc.code)).toMatchObject({ onHand: 6 });
    expect(await stockOf(t, part.partNumber, van.code)).toMatchObject({ onHand: 3 });
    expect(await stockOf(t, part.partNumber, van.code, 'in_transit')).toMatchObject({ onHand: 0 });
    const ledger = await t.api('GET', `/api/v1/stock/movements?partNumber=${part.partNumber}`);
    expect(ledger.body.items.map((l: { type: string; quantity: number }) => [l.type, l.quantity])).toEqual([
      ['issue', -1],
      ['status_change', 4],
      ['status_change', -4],
      ['transfer', 4],
      ['transfer', -4],
      ['receipt', 10],
    ]);
    expect((await verify(t)).ok).toBe(true);
  });

  it('refuses to issue reserved stock or more than is on hand, changing nothing', async () => {
    const t = hub();
    const part = await makePart(t);
    const loc = await makeLocation(t);
    await receive(t, part, loc, 3);
    await runWork(t.hub.store, t.ctx(), (w) =>
      createReservation(w, {
        partNumber: part.partNumber,
        locationCode: loc.code,
        quantity: 2,
        demandType: 'field_service',
        priority: 1,
        demandRef: 'WO-1',
      }),
    );
    await expectCode(
      move(t, { type: 'issue', partNumber: part.partNumber, locationCode: loc.code, quantity: 2 }),
      'INSUFFICIENT_STOCK',
    );
    await expectCode(
      move(t, {
        type: 'adjustment',
        partNumber: part.partNumber,
        locationCode: loc.code,
        quantity: -2,
        reasonCode: 'LOST',
      }),
      'INSUFFICIENT_STOCK',
    );
    await move(t, { type: 'issue', partNumber: part.partNumber, locationCode: loc.code, quantity: 1 });
    expect(await stockOf(t, part.partNumber, loc.code)).toEqual({ onHand: 2, reserved: 2, available: 0 });
    expect((await verify(t)).ok).toBe(true);
  });

  it('tracks serials: each serial is on hand in one place only, and moves by name', async () => {
    const t = hub();
    const part = await makePart(t, { tracking: 'serial' });
    const a = await makeLocation(t);
    const b = await makeLocation(t);
    await receive(t, part, a, 2, { serials: ['SN-1', 'SN-2'] });
    await expectCode(receive(t, part, b, 1, { serials: ['SN-1'] }), 'SERIAL_INVALID');
    await expectCode(
      move(t, {
        type: 'transfer',
        partNumber: part.partNumber,
        locationCode: a.code,
        toLocationCode: b.code,
        quantity: 1,
        serials: ['SN-9'],
      }),
      'SERIAL_INVALID',
    );
    await move(t, {
      type: 'transfer',
      partNumber: part.partNumber,
      locationCode: a.code,
      toLocationCode: b.code,
      quantity: 1,
      serials: ['SN-2'],
    });
    await move(t, {
      type: 'status_change',
      partNumber: part.partNumber,
      locationCode: b.code,
      quantity: 1,
      serials: ['SN-2'],
      toStatus: 'defective',
    });
    const rows = await t.hub.store.db
      .selectFrom('stock_tracked')
      .select(['serial', 'location_id', 'status', 'on_hand_milli'])
      .where('tenant_id', '=', t.tenantId)
      .where('part_id', '=', part.id)
      .where('on_hand_milli', '>', 0)
      .orderBy('serial')
      .execute();
    expect(rows.map((r) => [r.serial, r.location_id === a.id ? 'a' : 'b', r.status])).toEqual([
      ['SN-1', 'a', 'available'],
      ['SN-2', 'b', 'defective'],
    ]);
    expect((await verify(t)).ok).toBe(true);
  });

  it('tracks lots and refuses to take more from a lot than it holds', async () => {
    const t = hub();
    const part = await makePart(t, { tracking: 'lot' });
    const loc = await makeLocation(t);
    await receive(t, part, loc, 5, { lot: 'L-A' });
    await receive(t, part, loc, 5, { lot: 'L-B' });
    await expectCode(
      move(t, {
        type: 'issue',
        partNumber: part.partNumber,
        locationCode: loc.code,
        quantity: 6,
        lot: 'L-A',
      }),
      'INSUFFICIENT_STOCK',
    );
    await move(t, {
      type: 'issue',
      partNumber: part.partNumber,
      locationCode: loc.code,
      quantity: 5,
      lot: 'L-A',
    });
    expect(await stockOf(t, part.partNumber, loc.code)).toMatchObject({ onHand: 5 });
    expect((await verify(t)).ok).toBe(true);
  });

  it('posts a technician discrepancy report as adjustments, pre-empting the weakest reservation when less is found than reserved', async () => {
    const t = hub();
    const part = await makePart(t);
    const other = await makePart(t);
    const van = await makeLocation(t, { type: 'technician_van' });
    await receive(t, part, van, 4);
    await receive(t, other, van, 1);
    const reserve = (demandType: 'field_service' | 'internal_transfer', priority: number, ref: string) =>
      runWork(t.hub.store, t.ctx(), (w) =>
        createReservation(w, {
          partNumber: part.partNumber,
          locationCode: van.code,
          quantity: 1,
          demandType,
          priority,
          demandRef: ref,
        }),
      );
    const transfer = await reserve('internal_transfer', 5, 'TO-1');
    const job = await reserve('field_service', 1, 'WO-1');
    const tech = await t.keyFor('technician');
    const res = await t.api('POST', '/api/v1/stock/counts', {
      key: tech,
      body: {
        locationCode: van.code,
        kind: 'technician_report',
        reasonCode: 'TECH_DISCREPANCY',
        lines: [
          { partNumber: part.partNumber, countedQuantity: 1 },
          { partNumber: other.partNumber, countedQuantity: 3 },
        ],
      },
    });
    expect(res.status).toBe(201);
    expect(res.body.lines).toMatchObject([
      { partNumber: part.partNumber, expected: 4, counted: 1, difference: -3 },
      { partNumber: other.partNumber, expected: 1, counted: 3, difference: 2 },
    ]);
    expect(res.body.preempted.map((r: { id: string }) => r.id)).toEqual([transfer.reservation.id]);
    expect(await stockOf(t, part.partNumber, van.code)).toEqual({ onHand: 1, reserved: 1, available: 0 });
    const kept = await t.api('GET', `/api/v1/reservations/${job.reservation.id}`);
    expect(kept.body.state).toBe('open');
    expect(res.body.masterDataCorrectionRequested).toBe(false);
    const ledger = await t.api(
      'GET',
      `/api/v1/stock/movements?partNumber=${part.partNumber}&type=adjustment`,
    );
    expect(ledger.body.items[0]).toMatchObject({ quantity: -3, reasonCode: 'TECH_DISCREPANCY' });
    expect((await verify(t)).ok).toBe(true);
  });

  it('asks the owning systems for a master-data correction when the count blames master data', async () => {
    const t = hub();
    const part = await makePart(t);
    const loc = await makeLocation(t);
    await receive(t, part, loc, 10);
    const res = await t.api('POST', '/api/v1/stock/counts', {
      body: {
        locationCode: loc.code,
        kind: 'cycle_count',
        reasonCode: 'PACK_SIZE_ERROR',
        lines: [{ partNumber: part.partNumber, countedQuantity: 1 }],
      },
    });
    expect(res.status).toBe(201);
    expect(res.body.masterDataCorrectionRequested).toBe(true);
    const events = await t.api('GET', '/api/v1/events?type=inventory.master_data_correction_requested');
    expect(events.body.items.at(-1).payload).toMatchObject({
      countId: res.body.countId,
      reasonCode: 'PACK_SIZE_ERROR',
    });
    const unknown = await t.api('POST', '/api/v1/stock/counts', {
      body: {
        locationCode: loc.code,
        kind: 'cycle_count',
        reasonCode: 'NO_SUCH_REASON',
        lines: [{ partNumber: part.partNumber, countedQuantity: 1 }],
      },
    });
    expect(unknown.body.code).toBe('REASON_CODE_UNKNOWN');
  });

  it('keeps balances non-negative and equal to the ledger under concurrent opposite transfers and issues', async () => {
    const t = hub();
    const part = await makePart(t);
    const a = await makeLocation(t);
    const b = await makeLocation(t);
    await receive(t, part, a, 20);
    await receive(t, part, b, 20);
    const ops = Array.from({ length: 120 }, (_, i) => {
      const [from, to] = i % 2 === 0 ? [a, b] : [b, a];
      return i % 3 === 0
        ? runWork(t.hub.store, t.ctx(), (w) =>
            postMovement(w, {
              type: 'issue',
              partNumber: part.partNumber,
              locationCode: from.code,
              quantity: 1,
            }),
          )
        : runWork(t.hub.store, t.ctx(), (w) =>
            postMovement(w, {
              type: 'transfer',
              partNumber: part.partNumber,
              locationCode: from.code,
              toLocationCode: to.code,
              quantity: 3,
            }),
          );
    });
    const results = await Promise.allSettled(ops);
    for (const r of results) {
      if (r.status === 'rejected') expect((r.reason as AppError).code).toBe('INSUFFICIENT_STOCK');
    }
    const issued = results.filter((r, i) => r.status === 'fulfilled' && i % 3 === 0).length;
    const total =
      (await stockOf(t, part.partNumber, a.code)).onHand + (await stockOf(t, part.partNumber, b.code)).onHand;
    expect(total).toBe(40 - issued);
    expect((await verify(t)).ok).toBe(true);
  });

  it('detects a tampered audit record and a balance edited behind the ledger’s back, naming them', async () => {
    const t = hub();
    const part = await makePart(t);
    const loc = await makeLocation(t);
    await receive(t, part, loc, 7);
    await receive(t, part, loc, 1);
    expect((await verify(t)).ok).toBe(true);
    const victim = await t.hub.store.db
      .selectFrom('audit_records')
      .select(['id', 'seq'])
      .where('tenant_id', '=', t.tenantId)
      .where('action', '=', 'stock.receipt')
      .orderBy('seq')
      .executeTakeFirstOrThrow();
    await t.hub.store.db
      .updateTable('audit_records')
      .set({ after_json: '{"forged":true}' })
      .where('id', '=', victim.id)
      .execute();
    const chain = (await verify(t)).chain;
    expect(chain.firstBreak).toMatchObject({ seq: Number(victim.seq), recordId: victim.id });
    expect(chain.firstBreak?.problem).toContain('altered');
    await expectVerifyAnswersInFull(t);

    await t.hub.store.db
      .updateTable('stock_balances')
      .set({ on_hand_milli: sql<number>`on_hand_milli + 1000` })
      .where('tenant_id', '=', t.tenantId)
      .where('part_id', '=', part.id)
      .execute();
    const ledger = (await verify(t)).ledger;
    expect(ledger.mismatches).toEqual([
      expect.objectContaining({ kind: 'balance', partId: part.id, recorded: 9000, expected: 8000 }),
    ]);
    await expectVerifyAnswersInFull(t);

    await t.hub.store.db.deleteFrom('audit_records').where('id', '=', victim.id).execute();
    expect((await verify(t)).chain.firstBreak?.problem).toContain('missing');
  });
});

// A hub of its own: the suite above leaves its tenant's trail deliberately broken.
describeEachStore('audit chains under concurrency', (hub) => {
  it('spreads concurrent writers of one tenant over several chains on PostgreSQL, each verifiable, and names a forged record’s chain', async () => {
    const t = hub();
    const loc = await makeLocation(t);
    const parts = await Promise.all(Array.from({ length: 10 }, () => makePart(t)));
    // Different parts, so the writers do not queue on one balance row before reaching the chain.
    await Promise.all(parts.flatMap((part) => Array.from({ length: 4 }, () => receive(t, part, loc, 1))));
    const report = await verify(t);
    expect(report.ok).toBe(true);
    const chains = await t.hub.store.db
      .selectFrom('audit_records')
      .select(['shard'])
      .distinct()
      .where('tenant_id', '=', t.tenantId)
      .execute();
    // SQLite has a single writer and one chain; PostgreSQL commits several chains side by side.
    if (t.dialect === 'sqlite') expect(chains.map((c) => c.shard)).toEqual([0]);
    else expect(chains.length).toBeGreaterThan(1);
    expect(report.chain.chains).toBe(chains.length);

    const victim = await t.hub.store.db
      .selectFrom('audit_records')
      .select(['id', 'seq', 'shard'])
      .where('tenant_id', '=', t.tenantId)
      .orderBy('shard', 'desc')
      .orderBy('seq', 'desc')
      .executeTakeFirstOrThrow();
    await t.hub.store.db
      .updateTable('audit_records')
      .set({ reason: 'forged' })
      .where('id', '=', victim.id)
      .execute();
    expect((await verify(t)).chain.firstBreak).toMatchObject({
      shard: victim.shard,
      seq: Number(victim.seq),
      recordId: victim.id,
    });
  });
});
