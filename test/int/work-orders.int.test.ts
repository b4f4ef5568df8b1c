/**
 * Work orders (issue 5): sourced on arrival from the stock the hub sees — the technician's
 * van first, then the network, then a purchase — with the stock reserved and a requisition
 * raised (an outbox event) for anything that must move or be bought, in one unit of work.
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

const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString();

async function network(t: TestHub) {
  const region = uniqueCode('R');
  const van = await makeLocation(t, { type: 'technician_van', region });
  const otherVan = await makeLocation(t, { type: 'technician_van', region });
  const fsl = await makeLocation(t, { type: 'forward_stocking_location', region });
  const dc = await makeLocation(t, { type: 'central_dc', region: uniqueCode('R') });
  const [onVan, inFsl, nowhere] = [await makePart(t), await makePart(t), await makePart(t)];
  await receive(t, onVan, van, 2);
  await receive(t, onVan, fsl, 5);
  await receive(t, inFsl, otherVan, 9);
  await receive(t, inFsl, fsl, 3);
  await receive(t, inFsl, dc, 50);
  return { region, van, fsl, dc, onVan, inFsl, nowhere };
}

async function stock(t: TestHub, partNumber: string, locationCode: string) {
  const res = await t.api('GET', `/api/v1/stock?partNumber=${partNumber}&locationCode=${locationCode}`);
  return res.body.items.find((r: { status: string }) => r.status === 'available') as {
    onHand: number;
    reserved: number;
  };
}

describeEachStore('work orders', (hub) => {
  it('takes what the van has without a requisition, and raises one for what must move or be bought', async () => {
    const t = hub();
    const n = await network(t);
    const ref = uniqueCode('WO');
    const body = {
      externalRef: ref,
      technicianVan: n.van.code,
      jobRegion: n.region,
      priority: 50,
      dueAt: inDays(7),
      createdAt: new Date(Date.now() - 60_000).toISOString(),
      lines: [
        { lineId: '1', partNumber: n.onVan.partNumber, quantity: 1 },
        { lineId: '2', partNumber: n.inFsl.partNumber, quantity: 2 },
        { lineId: '3', partNumber: n.nowhere.partNumber, quantity: 1 },
      ],
    };
    const created = await t.api('POST', '/api/v1/work-orders', { body });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const wo = created.body;
    expect(wo).toMatchObject({ externalRef: ref, status: 'sourced', technicianVan: n.van.code });
    expect(wo.latencyMs).toBeGreaterThanOrEqual(60_000);
    const line = (id: string) => wo.plan.find((l: { lineId: string }) => l.lineId === id);
    // Van first: the part on the van comes from the van, and no requisition is raised for it.
    expect(line('1')).toMatchObject({
      requisitionNeeded: false,
      allocations: [{ source: 'van', locationCode: n.van.code, quantity: 1 }],
    });
    expect(line('1').reasons.join(' ')).toContain('van');
    // Not from another technician's van: the forward stocking location in the job's region.
    expect(line('2')).toMatchObject({
      requisitionNeeded: true,
      allocations: [{ source: 'forward_stocking_location', locationCode: n.fsl.code, quantity: 2 }],
    });
    expect(line('3')).toMatchObject({ allocations: [{ source: 'purchase', quantity: 1 }] });
    expect(
      wo.requisitions.map((r: { lineId: string; source: string; fromLocation: string | null }) => [
        r.lineId,
        r.source,
        r.fromLocation,
      ]),
    ).toEqual([
      ['2', 'forward_stocking_location', n.fsl.code],
      ['3', 'purchase', null],
    ]);
    // Reserved where the plan takes it, nowhere else.
    expect(await stock(t, n.onVan.partNumber, n.van.code)).toMatchObject({ onHand: 2, reserved: 1 });
    expect(await stock(t, n.onVan.partNumber, n.fsl.code)).toMatchObject({ reserved: 0 });
    expect(await stock(t, n.inFsl.partNumber, n.fsl.code)).toMatchObject({ onHand: 3, reserved: 2 });
    // The ERP's requisitions are events in the outbox, with the reasons.
    const events = await t.api('GET', '/api/v1/events?type=fulfillment.requisition_raised&limit=1000');
    const mine = events.body.items.filter(
      (e: { payload: { workOrder: string } }) => e.payload.workOrder === ref,
    );
    expect(mine).toHaveLength(2);
    expect(mine[0].payload.reasons.length).toBeGreaterThan(0);

    // The same work order again has no further effect (other lines would be a change).
    const again = await t.api('POST', '/api/v1/work-orders', { body });
    expect(again.status).toBe(201);
    expect(again.body.id).toBe(wo.id);
    expect(await stock(t, n.onVan.partNumber, n.van.code)).toMatchObject({ reserved: 1 });
    expect((await t.api('GET', `/api/v1/work-orders/${ref}`)).body).toEqual(wo);
  });

  it('refuses an unknown part or a van that is not a van, and stores and reserves nothing', async () => {
    const t = hub();
    const n = await network(t);
    const base = { jobRegion: n.region, priority: 10, dueAt: inDays(2) };
    const unknown = await t.api('POST', '/api/v1/work-orders', {
      body: {
        ...base,
        externalRef: uniqueCode('WO'),
        technicianVan: n.van.code,
        lines: [
          { lineId: '1', partNumber: n.onVan.partNumber, quantity: 1 },
          { lineId: '2', partNumber: 'NO-SUCH-PART', quantity: 1 },
        ],
      },
    });
    expect(unknown.status).toBe(404);
    expect(unknown.body.code).toBe('PART_NOT_FOUND');
    const notVan = await t.api('POST', '/api/v1/work-orders', {
      body: {
        ...base,
        externalRef: uniqueCode('WO'),
        technicianVan: n.fsl.code,
        lines: [{ lineId: '1', partNumber: n.onVan.partNumber, quantity: 1 }],
      },
    });
    expect(notVan.status).toBe(400);
    expect(notVan.body.code).toBe('VALIDATION_FAILED');
    expect(await stock(t, n.onVan.partNumber, n.van.code)).toMatchObject({ reserved: 0 });
    expect((await t.api('GET', '/api/v1/work-orders/NO-SUCH-WO')).body.code).toBe('WORK_ORDER_NOT_FOUND');
  });
  it('receives a work order from the FSM through a flow, once, and a shadow flow only previews it', async () => {
    const t = hub();
    const n = await network(t);
    const suffix = uniqueCode('fsm');
    await t.api('POST', '/api/v1/integration/systems', {
      body: { code: `FSM-${suffix}`, kind: 'fsm', name: 'Field service', ownerTeam: 'Service IT' },
    });
    // The FSM's own JSON, mapped to the hub's command.
    const mapping = await t.api('POST', '/api/v1/integration/mappings', {
      body: {
        code: `wo-${suffix}`,
        expression: `{"command": "work_order.receive", "input": {"externalRef": number, "sourceSystem": "FSM",
          "technicianVan": tech.van, "jobRegion": site.region, "priority": prio, "dueAt": sla, "createdAt": created,
          "lines": [parts.{"lineId": $string(pos), "partNumber": sku, "quantity": qty}]}}`,
      },
    });
    expect(mapping.status, JSON.stringify(mapping.body)).toBe(201);
    const flow = async (code: string, state: string) => {
      const res = await t.api('POST', '/api/v1/integration/flows', {
        body: {
          code,
          systemCode: `FSM-${suffix}`,
          entity: 'work_order',
          direction: 'inbound',
          format: 'json',
          transport: 'http',
          state,
          mappingCode: `wo-${suffix}`,
          mappingVersion: 1,
        },
      });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
    };
    await flow(`live-${suffix}`, 'live');
    await flow(`shadow-${suffix}`, 'shadow');
    const fsmMessage = (number: string) => ({
      number,
      tech: { van: n.van.code },
      site: { region: n.region },
      prio: 70,
      sla: inDays(3),
      created: new Date().toISOString(),
      parts: [{ pos: 10, sku: n.onVan.partNumber, qty: 1 }],
    });
    const send = (code: string, body: unknown, key: string) =>
      t.api('POST', `/api/v1/integration/flows/${code}/messages`, {
        body,
        headers: { 'idempotency-key': key },
      });

    const shadowRef = uniqueCode('WO');
    const previewed = await send(`shadow-${suffix}`, fsmMessage(shadowRef), `s-${shadowRef}`);
    expect(previewed.body.outcome, JSON.stringify(previewed.body)).toMatchObject({ status: 'shadowed' });
    expect(previewed.body.outcome.previews[0]).toMatchObject({
      entity: `work_order:${shadowRef}`,
      change: 'create',
      after: [{ lineId: '10', allocations: [{ source: 'van', locationCode: n.van.code }] }],
    });
    expect((await t.api('GET', `/api/v1/work-orders/${shadowRef}`)).status).toBe(404);
    expect(await stock(t, n.onVan.partNumber, n.van.code)).toMatchObject({ reserved: 0 });

    const ref = uniqueCode('WO');
    for (let i = 0; i < 2; i++) {
      const sent = await send(`live-${suffix}`, fsmMessage(ref), `evt-${ref}`);
      expect(sent.status, JSON.stringify(sent.body)).toBe(202);
      if (i === 0) expect(sent.body.outcome).toMatchObject({ status: 'applied', commands: 1 });
      else expect(sent.body).toMatchObject({ duplicate: true, outcome: null });
    }
    const wo = (await t.api('GET', `/api/v1/work-orders/${ref}`)).body;
    expect(wo).toMatchObject({ externalRef: ref, sourceSystem: 'FSM', priority: 70, requisitions: [] });
    expect(wo.plan[0]).toMatchObject({ lineId: '10', requisitionNeeded: false });
    expect(await stock(t, n.onVan.partNumber, n.van.code)).toMatchObject({ reserved: 1 });
    // Latency is kept per flow (M7.1): this flow has exactly this one work order.
    expect(wo.flowCode).toBe(`live-${suffix}`);
    const latency = await t.api('GET', `/api/v1/fulfillment/latency?flow=live-${suffix}`);
    expect(latency.body.items).toEqual([
      expect.objectContaining({
        flow: `live-${suffix}`,
        workOrders: 1,
        toReserved: expect.objectContaining({ count: 1, p50Ms: wo.latencyMs, p99Ms: wo.latencyMs }),
        toAcknowledged: expect.objectContaining({ count: 0, p50Ms: null }),
      }),
    ]);
  });
  it('cancelling a work order releases its reservations and cancels its requisitions, once', async () => {
    const t = hub();
    const n = await network(t);
    const ref = uniqueCode('WO');
    const created = await t.api('POST', '/api/v1/work-orders', {
      body: {
        externalRef: ref,
        technicianVan: n.van.code,
        jobRegion: n.region,
        priority: 40,
        dueAt: inDays(5),
        lines: [
          { lineId: '1', partNumber: n.onVan.partNumber, quantity: 2 },
          { lineId: '2', partNumber: n.inFsl.partNumber, quantity: 1 },
        ],
      },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(await stock(t, n.onVan.partNumber, n.van.code)).toMatchObject({ reserved: 2 });
    expect(await stock(t, n.inFsl.partNumber, n.fsl.code)).toMatchObject({ reserved: 1 });

    for (let i = 0; i < 2; i++) {
      const cancelled = await t.api('POST', `/api/v1/work-orders/${ref}/cancel`, {
        body: { reason: 'job called off by the customer' },
      });
      expect(cancelled.status, JSON.stringify(cancelled.body)).toBe(200);
      expect(cancelled.body).toMatchObject({
        status: 'cancelled',
        requisitions: [{ lineId: '2', status: 'cancelled' }],
      });
    }
    expect(await stock(t, n.onVan.partNumber, n.van.code)).toMatchObject({ onHand: 2, reserved: 0 });
    expect(await stock(t, n.inFsl.partNumber, n.fsl.code)).toMatchObject({ onHand: 3, reserved: 0 });
    const events = await t.api('GET', '/api/v1/events?type=fulfillment.requisition_cancelled&limit=1000');
    expect(
      events.body.items.filter((e: { payload: { workOrder: string } }) => e.payload.workOrder === ref),
    ).toHaveLength(1);
    const missing = await t.api('POST', '/api/v1/work-orders/NO-SUCH-WO/cancel', { body: { reason: 'x' } });
    expect(missing.body.code).toBe('WORK_ORDER_NOT_FOUND');
  });

  it("a more urgent reservation made through the API takes a work order line's stock, and the line is sourced again", async () => {
    const t = hub();
    const n = await network(t);
    const ref = uniqueCode('WO');
    const created = await t.api('POST', '/api/v1/work-orders', {
      body: {
        externalRef: ref,
        technicianVan: n.van.code,
        jobRegion: n.region,
        priority: 40,
        dueAt: inDays(5),
        lines: [{ lineId: '1', partNumber: n.inFsl.partNumber, quantity: 2 }],
      },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body.plan[0].allocations).toMatchObject([{ locationCode: n.fsl.code, quantity: 2 }]);
    expect(await stock(t, n.inFsl.partNumber, n.fsl.code)).toMatchObject({ onHand: 3, reserved: 2 });

    // A field-service job of priority 900 needs all three at the forward stocking location.
    const urgent = await t.api('POST', '/api/v1/reservations', {
      body: {
        partNumber: n.inFsl.partNumber,
        locationCode: n.fsl.code,
        quantity: 3,
        demandType: 'field_service',
        priority: 900,
        demandRef: 'URGENT-1',
      },
    });
    expect(urgent.status, JSON.stringify(urgent.body)).toBe(201);
    expect(urgent.body.preempted).toMatchObject([{ demandRef: `${ref}/1`, state: 'preempted' }]);
    expect(await stock(t, n.inFsl.partNumber, n.fsl.code)).toMatchObject({ onHand: 3, reserved: 3 });

    // The work order's line now comes from the central DC; the requisition from the FSL is withdrawn.
    const wo = (await t.api('GET', `/api/v1/work-orders/${ref}`)).body;
    expect(wo.plan[0].allocations).toMatchObject([{ locationCode: n.dc.code, quantity: 2 }]);
    expect(wo.plan[0].reasons.join(' ')).toContain('taken by field_service demand URGENT-1');
    expect(
      wo.requisitions.map((r: { fromLocation: string; status: string }) => [r.fromLocation, r.status]),
    ).toEqual(
      expect.arrayContaining([
        [n.fsl.code, 'cancelled'],
        [n.dc.code, 'raised'],
      ]),
    );
    expect(await stock(t, n.inFsl.partNumber, n.dc.code)).toMatchObject({ onHand: 50, reserved: 2 });
    // The plan's stored figures moved with it (the line is no longer filled from the FSL).
    const figures = await storedAndPlannedFigures(t);
    expect(figures.stored).toEqual(figures.planned);
    const changed = await t.api('GET', '/api/v1/events?type=fulfillment.work_order_changed&limit=1000');
    expect(
      changed.body.items.filter((e: { payload: { workOrder: string } }) => e.payload.workOrder === ref),
    ).toHaveLength(1);
  });

  it('work orders racing for the last units all go through: the losers are planned again on what is left', async () => {
    const t = hub();
    const region = uniqueCode('R');
    const fsl = await makeLocation(t, { type: 'forward_stocking_location', region });
    const dc = await makeLocation(t, { type: 'central_dc', region: uniqueCode('R') });
    const part = await makePart(t);
    await receive(t, part, fsl, 3);
    await receive(t, part, dc, 20);
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        t.api('POST', '/api/v1/work-orders', {
          body: {
            externalRef: uniqueCode(`RACE${i}`),
            jobRegion: region,
            // Distinct priorities: a job that finds its planned stock taken by a weaker one preempts it.
            priority: 50 + i * 10,
            dueAt: inDays(5),
            lines: [{ lineId: '1', partNumber: part.partNumber, quantity: 1 }],
          },
        }),
      ),
    );
    for (const res of results) expect(res.status, JSON.stringify(res.body)).toBe(201);
    // Whatever won, each job's plan, reservation and requisition tell the same story.
    const sources: string[] = [];
    for (const res of results) {
      const wo = (await t.api('GET', `/api/v1/work-orders/${res.body.externalRef}`)).body;
      const open = (await t.api('GET', `/api/v1/reservations?demandRef=${wo.externalRef}/1&state=open`)).body
        .items as Array<{ locationCode: string; quantity: number }>;
      expect(open).toHaveLength(1);
      const planned = wo.plan[0].allocations.map((a: { locationCode: string }) => a.locationCode);
      expect(planned).toEqual([open[0]!.locationCode]);
      const live = wo.requisitions.filter((r: { status: string }) => r.status !== 'cancelled');
      expect(live.map((r: { fromLocation: string }) => r.fromLocation)).toEqual([open[0]!.locationCode]);
      sources.push(open[0]!.locationCode);
    }
    expect(sources.filter((c) => c === fsl.code)).toHaveLength(3);
    expect(sources.filter((c) => c === dc.code)).toHaveLength(7);
    expect(await stock(t, part.partNumber, fsl.code)).toMatchObject({ onHand: 3, reserved: 3 });
    expect(await stock(t, part.partNumber, dc.code)).toMatchObject({ onHand: 20, reserved: 7 });
  });
});
