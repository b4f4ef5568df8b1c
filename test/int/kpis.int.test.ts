/**
 * The service KPIs (M7.1) behind the dashboard's overview, on both stores: each figure moves
 * when the thing it counts happens, and a system's health says why.
 */
import { expect, it } from 'vitest';
import { describeEachStore, type TestHub } from '../support/each-store.js';
import {
  makeLocation,
  makePart,
  receive,
  storedAndPlannedFigures,
  uniqueCode,
} from '../support/factories.js';

const today = () => new Date().toISOString().slice(0, 10);

async function kpis(t: TestHub, key?: string) {
  const res = await t.api('GET', '/api/v1/kpis?days=3', key ? { key } : {});
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body;
}

async function system(t: TestHub, code: string) {
  const res = await t.api('POST', '/api/v1/integration/systems', {
    body: { code, kind: 'erp', name: `System ${code}`, ownerTeam: 'ERP team', escalation: [] },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
}

describeEachStore('service KPIs', (hub) => {
  it('counts work orders, their latency and fill rate, open requisitions and reservations', async () => {
    const t = hub();
    const empty = await kpis(t);
    expect(empty).toMatchObject({
      latency: { count: 0, p50Ms: null },
      fillRate: { lines: 0, filled: 0, ratio: null },
      backorders: 0,
      openRequisitions: 0,
      reservations: { open: 0, quantity: 0 },
      systems: [],
    });
    expect(empty.daily.map((d: { day: string }) => d.day).at(-1)).toBe(today());
    expect(empty.daily).toHaveLength(3);

    const region = uniqueCode('R');
    const van = await makeLocation(t, { type: 'technician_van', region });
    const fsl = await makeLocation(t, { type: 'forward_stocking_location', region });
    const [onVan, inFsl, nowhere] = [await makePart(t), await makePart(t), await makePart(t)];
    await receive(t, onVan, van, 2);
    await receive(t, inFsl, fsl, 3);
    const created = await t.api('POST', '/api/v1/work-orders', {
      body: {
        externalRef: uniqueCode('WO'),
        technicianVan: van.code,
        jobRegion: region,
        priority: 50,
        dueAt: new Date(Date.now() + 7 * 86_400_000).toISOString(),
        createdAt: new Date(Date.now() - 60_000).toISOString(),
        lines: [
          { lineId: '1', partNumber: onVan.partNumber, quantity: 1 },
          { lineId: '2', partNumber: inFsl.partNumber, quantity: 2 },
          { lineId: '3', partNumber: nowhere.partNumber, quantity: 1 },
        ],
      },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);

    const after = await kpis(t);
    // Lines 1 and 2 come from stock; line 3 must be bought, which a first-time fill misses.
    expect(after.fillRate).toEqual({ lines: 3, filled: 2, ratio: 2 / 3 });
    expect(after.latency.count).toBe(1);
    expect(after.latency.p50Ms).toBeGreaterThanOrEqual(60_000);
    expect(after.openRequisitions).toBe(2);
    expect(after.reservations).toEqual({ open: 2, quantity: 3 });
    expect(after.daily.at(-1)).toMatchObject({
      day: today(),
      workOrders: 1,
      fillRate: 2 / 3,
      reservationsMade: 2,
    });

    // The figures are stored with the plan; a work order planned before they were (migration
    // 0024) has none, and the KPIs work them out from its plan: the same answer.
    const figures = await storedAndPlannedFigures(t);
    expect(figures.stored).toEqual(figures.planned);
    await t.hub.store.db
      .updateTable('work_orders')
      .set({ plan_lines: null, plan_filled: null })
      .where('tenant_id', '=', t.tenantId)
      .execute();
    const unfigured = await kpis(t);
    expect(unfigured.fillRate).toEqual(after.fillRate);
    expect(unfigured.daily).toEqual(after.daily);

    const reserved = await t.api('POST', '/api/v1/reservations', {
      body: {
        partNumber: inFsl.partNumber,
        locationCode: fsl.code,
        quantity: 1,
        demandType: 'field_service',
        demandRef: uniqueCode('D'),
        priority: 10,
      },
    });
    expect(reserved.status, JSON.stringify(reserved.body)).toBeLessThan(300);
    expect((await kpis(t)).reservations).toEqual({ open: 3, quantity: 4 });
  });

  it('says a system with a dead letter is failing and why, and one with no traffic idle; every role may look', async () => {
    const t = hub();
    const busy = uniqueCode('ERP');
    const quiet = uniqueCode('FSM');
    await system(t, busy);
    await system(t, quiet);
    const mapping = await t.api('POST', '/api/v1/integration/mappings', {
      body: {
        code: `map-${busy}`,
        expression: '{"command": "part.upsert", "input": {"partNumber": material}}',
      },
    });
    expect(mapping.status).toBe(201);
    const flow = await t.api('POST', '/api/v1/integration/flows', {
      body: {
        code: `flow-${busy}`,
        systemCode: busy,
        entity: 'part',
        direction: 'inbound',
        format: 'json',
        transport: 'http',
        mappingCode: `map-${busy}`,
        mappingVersion: mapping.body.version,
      },
    });
    expect(flow.status).toBe(200);
    const sent = await t.api('POST', `/api/v1/integration/flows/flow-${busy}/messages`, {
      rawBody: 'not json at all',
      headers: { 'content-type': 'application/json' },
    });
    expect(sent.body.outcome.status).toBe('dead');

    const k = await kpis(t, await t.keyFor('read_only'));
    const byCode = new Map(k.systems.map((s: { code: string }) => [s.code, s]));
    expect(byCode.get(busy)).toMatchObject({ health: 'failing', received: 1, failed: 1, dead: 1 });
    expect((byCode.get(busy) as { reasons: string[] }).reasons.join(' ')).toContain('1 dead letter');
    expect(byCode.get(quiet)).toMatchObject({ health: 'idle', received: 0, lastMessageAt: null });
    expect(k.daily.at(-1)).toMatchObject({ messagesIn: 1, messagesFailed: 1 });

    const discarded = await t.api('POST', `/api/v1/integration/messages/${sent.body.messageId}/discard`, {
      body: { reason: 'test message' },
    });
    expect(discarded.status, JSON.stringify(discarded.body)).toBeLessThan(300);
    const later = await kpis(t);
    expect(later.systems.find((s: { code: string }) => s.code === busy)).toMatchObject({ dead: 0 });
  });

  it('refuses a window outside 1..90 days with a validation error', async () => {
    const t = hub();
    const res = await t.api('GET', '/api/v1/kpis?days=0');
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('VALIDATION_FAILED');
  });
});
