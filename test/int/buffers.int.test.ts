/**
 * Buffer triggers (issue 5, M3.4): when projected available stock at a location, less the
 * demand expected before its next cycle, falls below its buffer, a replenishment transfer or
 * purchase requisition is raised in the same unit of work that changed the stock — once per
 * shortfall, also under concurrency — and sent to the ERP/WMS as an outbox event.
 */
import { expect, it } from 'vitest';
import { runWork } from '../../src/kernel/index.js';
import { verifyTenant } from '../../src/modules/audit/index.js';
import { checkBuffers } from '../../src/modules/inventory/index.js';
import { describeEachStore, type TestHub } from '../support/each-store.js';
import { makeLocation, makePart, receive, uniqueCode } from '../support/factories.js';

interface Replenishment {
  id: string;
  partNumber: string;
  locationCode: string;
  kind: string;
  sourceLocationCode: string | null;
  supplier: string | null;
  quantity: number;
  received: number;
  status: string;
  reasons: string[];
  projection: Record<string, number>;
  closedAt: string | null;
  closeReason: string | null;
}

async function verifyOk(t: TestHub): Promise<void> {
  const report = await verifyTenant(t.hub.store.db, { id: t.tenantId, code: 'test' });
  expect(report.chain.firstBreak).toBeNull();
  expect(report.ledger.mismatches).toEqual([]);
}

function setBuffer(t: TestHub, body: Record<string, unknown>, key?: string) {
  return t.api('PUT', '/api/v1/stock/buffers', { body, key });
}

function reserve(t: TestHub, partNumber: string, locationCode: string, quantity: number) {
  return t.api('POST', '/api/v1/reservations', {
    body: {
      partNumber,
      locationCode,
      quantity,
      demandType: 'field_service',
      priority: 5,
      demandRef: uniqueCode('WO'),
    },
  });
}

function movement(t: TestHub, body: Record<string, unknown>) {
  return t.api('POST', '/api/v1/stock/movements', { body });
}

async function replenishments(t: TestHub, partNumber: string, status?: string): Promise<Replenishment[]> {
  const res = await t.api(
    'GET',
    `/api/v1/stock/replenishments?partNumber=${partNumber}${status ? `&status=${status}` : ''}`,
  );
  expect(res.status).toBe(200);
  return res.body.items as Replenishment[];
}

async function events(t: TestHub, type: string, replenishmentId: string) {
  const res = await t.api('GET', `/api/v1/events?type=${type}&limit=1000`);
  return (res.body.items as Array<{ payload: { replenishment: { id: string }; reasons?: string[] } }>).filter(
    (e) => e.payload.replenishment.id === replenishmentId,
  );
}

/** A van with stock, and a forward stocking location that replenishes it. */
async function vanAndSource(t: TestHub, onVan: number) {
  const part = await makePart(t);
  const van = await makeLocation(t, { type: 'technician_van' });
  const fsl = await makeLocation(t, { type: 'forward_stocking_location' });
  await receive(t, part, fsl, 100);
  if (onVan > 0) await receive(t, part, van, onVan);
  return { part, van, fsl };
}

describeEachStore('buffer triggers', (hub) => {
  it('raises a transfer at once when a reservation takes projected stock below the buffer, and only once', async () => {
    const t = hub();
    const { part, van, fsl } = await vanAndSource(t, 10);
    const set = await setBuffer(t, {
      partNumber: part.partNumber,
      locationCode: van.code,
      buffer: 4,
      demandPerDay: 2,
      cycleHours: 24,
      source: 'transfer',
      sourceLocationCode: fsl.code,
      orderUpTo: 12,
    });
    expect(set.status, JSON.stringify(set.body)).toBe(200);
    expect(set.body.buffer).toMatchObject({
      buffer: 4,
      orderPolicy: 'order_up_to',
      orderUpTo: 12,
      orderQuantity: null,
      sourceLocationCode: fsl.code,
      active: true,
    });
    // 10 − 2 expected = 8: covered.
    expect(set.body.check).toMatchObject({ decision: { trigger: false }, replenishment: null });

    expect((await reserve(t, part.partNumber, van.code, 3)).status).toBe(201);
    expect(await replenishments(t, part.partNumber)).toEqual([]);

    // 5 available − 2 expected = 3 < 4: order up to 12 from 5.
    expect((await reserve(t, part.partNumber, van.code, 2)).status).toBe(201);
    const [raised, ...more] = await replenishments(t, part.partNumber);
    expect(more).toEqual([]);
    expect(raised).toMatchObject({
      partNumber: part.partNumber,
      locationCode: van.code,
      kind: 'transfer',
      sourceLocationCode: fsl.code,
      supplier: null,
      quantity: 7,
      received: 0,
      status: 'open',
      projection: {
        onHand: 10,
        reserved: 5,
        inbound: 0,
        projected: 5,
        expectedDemand: 2,
        buffer: 4,
        shortfall: 1,
      },
    });
    expect(raised!.reasons).toContain('5 − 2 = 3 is below the buffer of 4: short by 1');
    expect(raised!.reasons.at(-1)).toBe(`transfer from ${fsl.code}, which has 100 free`);
    const [event] = await events(t, 'inventory.replenishment_raised', raised!.id);
    expect(event?.payload).toMatchObject({ replenishment: { id: raised!.id, quantity: 7 }, uom: 'EA' });
    expect(event?.payload.reasons).toEqual(raised!.reasons);

    // The 7 on their way count: 4 available + 7 − 2 = 9 is not short, so nothing more is raised.
    expect((await reserve(t, part.partNumber, van.code, 1)).status).toBe(201);
    expect(await replenishments(t, part.partNumber)).toHaveLength(1);
    await verifyOk(t);
  });

  it('raises a purchase in whole lots when a movement takes stock, and a movement naming it receives it', async () => {
    const t = hub();
    const part = await makePart(t);
    const fsl = await makeLocation(t, { type: 'forward_stocking_location' });
    await receive(t, part, fsl, 6);
    const set = await setBuffer(t, {
      partNumber: part.partNumber,
      locationCode: fsl.code,
      buffer: 5,
      cycleHours: 48,
      source: 'purchase',
      supplier: 'ACME',
      orderQuantity: 10,
    });
    expect(set.status, JSON.stringify(set.body)).toBe(200);
    expect(set.body.check.replenishment).toBeNull();

    const issue = await movement(t, {
      type: 'issue',
      partNumber: part.partNumber,
      locationCode: fsl.code,
      quantity: 2,
    });
    expect(issue.status).toBe(201);
    const [raised] = await replenishments(t, part.partNumber);
    expect(raised).toMatchObject({ kind: 'purchase', supplier: 'ACME', quantity: 10, status: 'open' });
    expect(raised!.reasons).toContain('fixed order quantity 10: 1 × 10 = 10 covers the shortfall of 1');
    expect(raised!.reasons.at(-1)).toBe('purchase requisition to the ERP, supplier ACME');

    // Part of it arrives: still open, the rest still on its way, nothing more raised.
    const first = await movement(t, {
      type: 'receipt',
      partNumber: part.partNumber,
      locationCode: fsl.code,
      quantity: 4,
      reference: raised!.id,
    });
    expect(first.status).toBe(201);
    expect(await replenishments(t, part.partNumber)).toEqual([
      expect.objectContaining({ id: raised!.id, status: 'open', received: 4 }),
    ]);
    const rest = await movement(t, {
      type: 'receipt',
      partNumber: part.partNumber,
      locationCode: fsl.code,
      quantity: 6,
      reference: raised!.id,
    });
    expect(rest.status).toBe(201);
    const [received, ...others] = await replenishments(t, part.partNumber);
    expect(others).toEqual([]);
    expect(received).toMatchObject({ id: raised!.id, status: 'received', received: 10 });
    expect(received!.closeReason).toBe(`6 received by movement ${rest.body.movementId}`);
    expect(await events(t, 'inventory.replenishment_closed', raised!.id)).toHaveLength(1);
    await verifyOk(t);
  });

  it('derives the demand from recent issues when a window is set, and shows each buffer’s decision', async () => {
    const t = hub();
    const part = await makePart(t);
    const loc = await makeLocation(t, { type: 'regional_warehouse' });
    await receive(t, part, loc, 20);
    for (let i = 0; i < 3; i++)
      expect(
        (
          await movement(t, {
            type: 'issue',
            partNumber: part.partNumber,
            locationCode: loc.code,
            quantity: 2,
          })
        ).status,
      ).toBe(201);
    const set = await setBuffer(t, {
      partNumber: part.partNumber,
      locationCode: loc.code,
      buffer: 2,
      demandPerDay: 100,
      demandWindowDays: 3,
      cycleHours: 24,
      source: 'purchase',
      orderUpTo: 30,
    });
    expect(set.status, JSON.stringify(set.body)).toBe(200);
    // 6 issued over 3 days = 2/day (the given 100/day is not used): 14 − 2 = 12.
    expect(set.body.check.decision.projection).toMatchObject({ projected: 14, expectedDemand: 2 });
    expect(set.body.check.decision.reasons[1]).toBe(
      `expected demand before the next cycle: 2/day (6 issued at ${loc.code} in the last 3 days) × 24 h = 2`,
    );
    const listed = await t.api('GET', `/api/v1/stock/buffers?locationCode=${loc.code}`);
    expect(listed.body.items).toEqual([
      expect.objectContaining({
        partNumber: part.partNumber,
        demandWindowDays: 3,
        decision: expect.objectContaining({ trigger: false, quantity: 0 }),
      }),
    ]);

    // 17 issued in the window: 5.667/day; 3 − 5.667 is below 2: order up to 30 from 3.
    await movement(t, { type: 'issue', partNumber: part.partNumber, locationCode: loc.code, quantity: 11 });
    const [raised] = await replenishments(t, part.partNumber);
    expect(raised).toMatchObject({
      quantity: 27,
      projection: { projected: 3, expectedDemand: 5.667, shortfall: 4.667 },
    });
    await verifyOk(t);
  });

  it('raises from a count that finds less stock, and from a work order’s reservation', async () => {
    const t = hub();
    const region = uniqueCode('R');
    const part = await makePart(t);
    const fsl = await makeLocation(t, { type: 'forward_stocking_location', region });
    const dc = await makeLocation(t, { type: 'central_dc', region });
    await receive(t, part, fsl, 5);
    await receive(t, part, dc, 50);
    await setBuffer(t, {
      partNumber: part.partNumber,
      locationCode: fsl.code,
      buffer: 3,
      cycleHours: 24,
      source: 'transfer',
      sourceLocationCode: dc.code,
      orderUpTo: 10,
    });
    const wo = await t.api('POST', '/api/v1/work-orders', {
      body: {
        externalRef: uniqueCode('WO'),
        jobRegion: region,
        priority: 50,
        dueAt: new Date(Date.now() + 7 * 86_400_000).toISOString(),
        lines: [{ lineId: '1', partNumber: part.partNumber, quantity: 3 }],
      },
    });
    expect(wo.status, JSON.stringify(wo.body)).toBe(201);
    // Sourced from the FSL (first tier, on time): 2 left < 3 → order up to 10.
    expect(await replenishments(t, part.partNumber)).toEqual([
      expect.objectContaining({ locationCode: fsl.code, sourceLocationCode: dc.code, quantity: 8 }),
    ]);

    const other = await makeLocation(t, { type: 'forward_stocking_location', region });
    await receive(t, part, other, 6);
    await setBuffer(t, {
      partNumber: part.partNumber,
      locationCode: other.code,
      buffer: 4,
      cycleHours: 24,
      source: 'purchase',
      orderQuantity: 5,
    });
    const count = await t.api('POST', '/api/v1/stock/counts', {
      body: {
        locationCode: other.code,
        kind: 'cycle_count',
        reasonCode: 'CYCLE_COUNT',
        lines: [{ partNumber: part.partNumber, countedQuantity: 1 }],
      },
    });
    expect(count.status, JSON.stringify(count.body)).toBe(201);
    const atOther = (await replenishments(t, part.partNumber)).filter((r) => r.locationCode === other.code);
    expect(atOther).toEqual([expect.objectContaining({ kind: 'purchase', quantity: 5, status: 'open' })]);
    await verifyOk(t);
  });

  it('closes by hand: a cancel stops counting as inbound, repeats change nothing, and a sweep raises again once', async () => {
    const t = hub();
    const { part, van, fsl } = await vanAndSource(t, 3);
    const set = await setBuffer(t, {
      partNumber: part.partNumber,
      locationCode: van.code,
      buffer: 5,
      cycleHours: 8,
      source: 'transfer',
      sourceLocationCode: fsl.code,
      orderUpTo: 8,
    });
    // A buffer set above what the van holds raises at once.
    const first = set.body.check.replenishment as Replenishment;
    expect(first).toMatchObject({ quantity: 5, status: 'open' });

    const close = (id: string, body: Record<string, unknown>, key?: string) =>
      t.api('POST', `/api/v1/stock/replenishments/${id}/close`, { body, key });
    const cancelled = await close(first.id, { outcome: 'cancelled', reason: 'van is being retired' });
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toMatchObject({ status: 'cancelled', closeReason: 'van is being retired' });
    const again = await close(first.id, { outcome: 'cancelled' });
    expect(again.status).toBe(200);
    expect(again.body).toEqual(cancelled.body);
    const refused = await close(first.id, { outcome: 'received' });
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ code: 'REPLENISHMENT_NOT_OPEN', replenishmentStatus: 'cancelled' });
    expect((await close('rpl_NOPE', { outcome: 'received' })).body.code).toBe('REPLENISHMENT_NOT_FOUND');
    expect(await events(t, 'inventory.replenishment_closed', first.id)).toHaveLength(1);

    // Still short with nothing on its way: the sweep raises it again, and a second sweep does not.
    const sweep = await t.api('POST', '/api/v1/stock/buffers/sweep');
    expect(sweep.status).toBe(200);
    const mine = (r: { raised: Replenishment[] }) => r.raised.filter((x) => x.partNumber === part.partNumber);
    expect(mine(sweep.body)).toEqual([expect.objectContaining({ quantity: 5, status: 'open' })]);
    expect(mine((await t.api('POST', '/api/v1/stock/buffers/sweep')).body)).toEqual([]);
    expect(await replenishments(t, part.partNumber, 'open')).toHaveLength(1);
    await verifyOk(t);
  });

  it('raises one replenishment for one shortfall under concurrent reservations', async () => {
    const t = hub();
    const { part, van, fsl } = await vanAndSource(t, 10);
    await setBuffer(t, {
      partNumber: part.partNumber,
      locationCode: van.code,
      buffer: 9,
      cycleHours: 24,
      source: 'transfer',
      sourceLocationCode: fsl.code,
      orderQuantity: 20,
    });
    const results = await Promise.all(
      Array.from({ length: 8 }, () => reserve(t, part.partNumber, van.code, 1)),
    );
    expect(results.map((r) => r.status)).toEqual(Array(8).fill(201));
    // Whatever the order: the second reservation takes it to 8 < 9, 20 are raised, and with
    // them on their way no later reservation is short.
    const open = await replenishments(t, part.partNumber);
    expect(open).toEqual([expect.objectContaining({ quantity: 20, status: 'open' })]);
    await verifyOk(t);
  });

  it('raises one replenishment for one shortfall under concurrent sweeps', async () => {
    const t = hub();
    const { part, van, fsl } = await vanAndSource(t, 10);
    const set = await setBuffer(t, {
      partNumber: part.partNumber,
      locationCode: van.code,
      buffer: 12,
      cycleHours: 24,
      source: 'transfer',
      sourceLocationCode: fsl.code,
      orderQuantity: 20,
    });
    const first = set.body.check.replenishment as Replenishment;
    await t.api('POST', `/api/v1/stock/replenishments/${first.id}/close`, { body: { outcome: 'cancelled' } });
    const sweeps = await Promise.all(
      Array.from({ length: 8 }, () => t.api('POST', '/api/v1/stock/buffers/sweep')),
    );
    expect(sweeps.map((s) => s.status)).toEqual(Array(8).fill(200));
    const raised = sweeps.flatMap((s) =>
      (s.body.raised as Replenishment[]).filter((r) => r.partNumber === part.partNumber),
    );
    expect(raised).toHaveLength(1);
    expect(await replenishments(t, part.partNumber, 'open')).toEqual([
      expect.objectContaining({ id: raised[0]!.id, quantity: 20 }),
    ]);
    await verifyOk(t);
  });

  it('lets another module check buffers inside its own unit of work, by part number and location code', async () => {
    const t = hub();
    const { part, van, fsl } = await vanAndSource(t, 1);
    const set = await setBuffer(t, {
      partNumber: part.partNumber,
      locationCode: van.code,
      buffer: 3,
      cycleHours: 12,
      source: 'transfer',
      sourceLocationCode: fsl.code,
      orderQuantity: 4,
    });
    const first = set.body.check.replenishment as Replenishment;
    await t.api('POST', `/api/v1/stock/replenishments/${first.id}/close`, { body: { outcome: 'cancelled' } });
    const check = () =>
      runWork(t.hub.store, t.ctx(), (w) =>
        checkBuffers(w, [
          { partNumber: part.partNumber, locationCode: van.code },
          // No buffer here: skipped.
          { partNumber: part.partNumber, locationCode: fsl.code },
        ]),
      );
    const [raised, ...none] = await check();
    expect(none).toEqual([]);
    expect(raised).toMatchObject({
      partNumber: part.partNumber,
      locationCode: van.code,
      decision: { trigger: true, quantity: 4 },
      replenishment: { kind: 'transfer', quantity: 4, status: 'open' },
    });
    const [again] = await check();
    expect(again).toMatchObject({ decision: { trigger: false }, replenishment: null });
    expect(await replenishments(t, part.partNumber, 'open')).toHaveLength(1);
    await verifyOk(t);
  });

  it('raises nothing where no buffer is set or the buffer is inactive', async () => {
    const t = hub();
    const { part, van, fsl } = await vanAndSource(t, 2);
    expect((await reserve(t, part.partNumber, fsl.code, 99)).status).toBe(201);
    const set = await setBuffer(t, {
      partNumber: part.partNumber,
      locationCode: van.code,
      buffer: 5,
      cycleHours: 24,
      source: 'purchase',
      orderUpTo: 10,
      active: false,
    });
    expect(set.status).toBe(200);
    expect(set.body.check).toBeNull();
    expect((await reserve(t, part.partNumber, van.code, 2)).status).toBe(201);
    expect(await replenishments(t, part.partNumber)).toEqual([]);
    const listed = await t.api('GET', `/api/v1/stock/buffers?partNumber=${part.partNumber}`);
    expect(listed.body.items).toEqual([expect.objectContaining({ active: false, decision: null })]);
  });

  it('refuses buffer settings that cannot work', async () => {
    const t = hub();
    const { part, van, fsl } = await vanAndSource(t, 0);
    const base = {
      partNumber: part.partNumber,
      locationCode: van.code,
      buffer: 2,
      cycleHours: 24,
      source: 'transfer',
      sourceLocationCode: fsl.code,
      orderUpTo: 5,
    };
    const refused = async (body: Record<string, unknown>, status: number, code: string) => {
      const res = await setBuffer(t, body);
      expect(res.status, JSON.stringify(body)).toBe(status);
      expect(res.body.code).toBe(code);
    };
    await refused({ ...base, sourceLocationCode: undefined }, 400, 'VALIDATION_FAILED');
    await refused({ ...base, sourceLocationCode: van.code }, 400, 'VALIDATION_FAILED');
    await refused({ ...base, orderQuantity: 3 }, 400, 'VALIDATION_FAILED');
    await refused({ ...base, orderUpTo: 2 }, 400, 'VALIDATION_FAILED');
    await refused({ ...base, source: 'purchase' }, 400, 'VALIDATION_FAILED');
    await refused({ ...base, cycleHours: 0 }, 400, 'VALIDATION_FAILED');
    await refused({ ...base, sourceLocationCode: 'NOWHERE' }, 404, 'LOCATION_NOT_FOUND');
    await refused({ ...base, partNumber: 'NO-SUCH-PART' }, 404, 'PART_NOT_FOUND');
    await refused({ ...base, buffer: 1.5 }, 422, 'QUANTITY_INVALID');
    expect((await t.api('GET', `/api/v1/stock/buffers?partNumber=${part.partNumber}`)).body.items).toEqual(
      [],
    );
  });

  it('lets planners set buffers, stock movers close replenishments, and every stock reader read them', async () => {
    const t = hub();
    const { part, van, fsl } = await vanAndSource(t, 1);
    const body = {
      partNumber: part.partNumber,
      locationCode: van.code,
      buffer: 2,
      cycleHours: 24,
      source: 'transfer',
      sourceLocationCode: fsl.code,
      orderUpTo: 4,
    };
    expect((await setBuffer(t, body, await t.keyFor('dispatcher'))).status).toBe(403);
    const set = await setBuffer(t, body, await t.keyFor('planner'));
    expect(set.status).toBe(200);
    const id = (set.body.check.replenishment as Replenishment).id;
    for (const role of ['read_only', 'technician', 'dispatcher'] as const) {
      const key = await t.keyFor(role);
      expect((await t.api('GET', '/api/v1/stock/buffers', { key })).status).toBe(200);
      expect((await t.api('GET', '/api/v1/stock/replenishments', { key })).status).toBe(200);
    }
    const close = (key: string) =>
      t.api('POST', `/api/v1/stock/replenishments/${id}/close`, { body: { outcome: 'received' }, key });
    expect((await close(await t.keyFor('dispatcher'))).status).toBe(403);
    expect(
      (await t.api('POST', '/api/v1/stock/buffers/sweep', { key: await t.keyFor('read_only') })).status,
    ).toBe(403);
    expect((await close(await t.keyFor('technician'))).body).toMatchObject({ id, status: 'received' });
  });
});
