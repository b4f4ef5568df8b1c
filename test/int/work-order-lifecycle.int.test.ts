/**
 * A work order's life after it is sourced (issue 5): substitutes from the catalog when the
 * requested part is late (M4.4), approvals by value (M4.2), the ERP's answers pushed to the
 * FSM as expected availability (M3.5), completion with actual consumption (M4.3), and
 * latency per day and flow (M7.1). Through the HTTP API, on both stores.
 */
import { expect, it } from 'vitest';
import { fromCanonical, writeX12 } from '../../src/connectors/formats/x12/index.js';
import { x12FilesConnector } from '../../src/connectors/x12-files/connector.js';
import { describeEachStore, type TestHub } from '../support/each-store.js';
import { makeLocation, makePart, receive, uniqueCode } from '../support/factories.js';

const inHours = (hours: number) => new Date(Date.now() + hours * 3_600_000).toISOString();
const ago = (days: number) => new Date(Date.now() - days * 86_400_000).toISOString();

async function stock(t: TestHub, partNumber: string, locationCode: string) {
  const res = await t.api('GET', `/api/v1/stock?partNumber=${partNumber}&locationCode=${locationCode}`);
  return (res.body.items.find((r: { status: string }) => r.status === 'available') ?? {
    onHand: 0,
    reserved: 0,
  }) as { onHand: number; reserved: number };
}

async function setCost(t: TestHub, partNumber: string, cost: number) {
  const res = await t.api('PATCH', `/api/v1/parts/${partNumber}`, {
    body: { source: 'ERP', attributes: { cost } },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
}

async function eventsFor(t: TestHub, type: string, workOrder: string) {
  const res = await t.api('GET', `/api/v1/events?type=${type}&limit=1000`);
  return res.body.items.filter((e: { payload: { workOrder: string } }) => e.payload.workOrder === workOrder);
}

async function site(t: TestHub) {
  const region = uniqueCode('R');
  const van = await makeLocation(t, { type: 'technician_van', region });
  const fsl = await makeLocation(t, { type: 'forward_stocking_location', region });
  return { region, van, fsl };
}

const workOrder = (
  s: { region: string; van: { code: string } },
  ref: string,
  lines: Array<{ lineId: string; partNumber: string; quantity: number }>,
  extra: Record<string, unknown> = {},
) => ({
  externalRef: ref,
  technicianVan: s.van.code,
  jobRegion: s.region,
  priority: 50,
  dueAt: inHours(24),
  lines,
  ...extra,
});

describeEachStore('work order lifecycle', (hub) => {
  it('fills a late part with its successor or a substitute for the job’s model, and says why', async () => {
    const t = hub();
    const s = await site(t);
    const [old, successor, requested, forModel] = [
      await makePart(t),
      await makePart(t),
      await makePart(t),
      await makePart(t),
    ];
    await receive(t, successor, s.fsl, 4);
    await receive(t, forModel, s.fsl, 4);
    const linked = await t.api('POST', `/api/v1/parts/${old.partNumber}/supersessions`, {
      body: { successor: successor.partNumber, type: 'one_way', effectiveFrom: ago(30), reason: 'ECN-0042' },
    });
    expect(linked.status, JSON.stringify(linked.body)).toBe(201);
    const sub = await t.api('POST', `/api/v1/parts/${requested.partNumber}/substitutes`, {
      body: { substitute: forModel.partNumber, models: ['MX-200'], preference: 1, note: 'same footprint' },
    });
    expect(sub.status, JSON.stringify(sub.body)).toBe(201);

    // Nothing of the old part anywhere: a purchase takes 120 h, the job is due in 24 h.
    const superseded = await t.api('POST', '/api/v1/work-orders', {
      body: workOrder(s, uniqueCode('WO'), [{ lineId: '1', partNumber: old.partNumber, quantity: 2 }]),
    });
    expect(superseded.status, JSON.stringify(superseded.body)).toBe(201);
    expect(superseded.body.plan[0]).toMatchObject({
      requestedPartNumber: old.partNumber,
      partNumber: successor.partNumber,
      substitution: { relation: 'superseded_by', partNumber: successor.partNumber },
      allocations: [{ source: 'forward_stocking_location', partNumber: successor.partNumber, quantity: 2 }],
    });
    expect(superseded.body.plan[0].substitution.reason).toContain('ECN-0042');
    expect(superseded.body.requisitions).toMatchObject([{ partNumber: successor.partNumber, quantity: 2 }]);
    expect(await stock(t, successor.partNumber, s.fsl.code)).toMatchObject({ reserved: 2 });

    // The substitute is valid for MX-200 only.
    const onModel = await t.api('POST', '/api/v1/work-orders', {
      body: workOrder(s, uniqueCode('WO'), [{ lineId: '1', partNumber: requested.partNumber, quantity: 1 }], {
        equipmentModel: 'MX-200',
      }),
    });
    expect(onModel.body.plan[0]).toMatchObject({
      partNumber: forModel.partNumber,
      substitution: { relation: 'substitute' },
      onTime: true,
    });
    const otherModel = await t.api('POST', '/api/v1/work-orders', {
      body: workOrder(s, uniqueCode('WO'), [{ lineId: '1', partNumber: requested.partNumber, quantity: 1 }], {
        equipmentModel: 'ZX-9',
      }),
    });
    expect(otherModel.body.plan[0]).toMatchObject({
      partNumber: requested.partNumber,
      substitution: null,
      onTime: false,
      allocations: [{ source: 'purchase' }],
    });
    expect(await stock(t, forModel.partNumber, s.fsl.code)).toMatchObject({ reserved: 1 });
  });

  it('holds requisitions for approval by value, sends them once approved, and measures the delay', async () => {
    const t = hub();
    const s = await site(t);
    const [board, motor] = [await makePart(t), await makePart(t)];
    await receive(t, board, s.fsl, 5);
    await receive(t, motor, s.fsl, 5);
    await setCost(t, board.partNumber, 600);
    await setCost(t, motor.partNumber, 1500);

    // Default rules: a junior technician's 600 needs a supervisor.
    const ref = uniqueCode('WO');
    const held = await t.api('POST', '/api/v1/work-orders', {
      body: workOrder(s, ref, [{ lineId: '1', partNumber: board.partNumber, quantity: 1 }], {
        technicianLevel: 'junior',
      }),
    });
    expect(held.status, JSON.stringify(held.body)).toBe(201);
    expect(held.body).toMatchObject({
      status: 'awaiting_approval',
      approval: { level: 'supervisor', state: 'pending', value: 600 },
      requisitions: [{ status: 'held', releasedAt: null }],
    });
    expect(held.body.approval.reasons[0]).toContain("rule 'everyone else'");
    // Stock is held for the job meanwhile, but the ERP has not been asked.
    expect(await stock(t, board.partNumber, s.fsl.code)).toMatchObject({ reserved: 1 });
    expect(await eventsFor(t, 'fulfillment.requisition_raised', ref)).toHaveLength(0);
    expect(await eventsFor(t, 'fulfillment.approval_requested', ref)).toHaveLength(1);
    const ack = await t.api('POST', '/api/v1/requisitions/acknowledgements', {
      body: { requisitionId: held.body.requisitions[0].id, status: 'accepted' },
    });
    expect(ack.body.code).toBe('REQUISITION_NOT_SENT');

    const pending = await t.api('GET', '/api/v1/approvals?state=pending');
    expect(pending.body.items.map((a: { workOrder: string }) => a.workOrder)).toContain(ref);
    const technician = await t.keyFor('technician');
    const refused = await t.api('POST', `/api/v1/work-orders/${ref}/approval`, {
      key: technician,
      body: { decision: 'approve', reason: 'ok' },
    });
    expect(refused.status).toBe(403);
    const dispatcher = await t.keyFor('dispatcher');
    const approved = await t.api('POST', `/api/v1/work-orders/${ref}/approval`, {
      key: dispatcher,
      body: { decision: 'approve', reason: 'customer under contract' },
    });
    expect(approved.status, JSON.stringify(approved.body)).toBe(200);
    expect(approved.body).toMatchObject({
      status: 'sourced',
      approval: { state: 'approved', decisionReason: 'customer under contract' },
      requisitions: [{ status: 'raised' }],
    });
    expect(approved.body.requisitions[0].releasedAt).not.toBeNull();
    expect(await eventsFor(t, 'fulfillment.requisition_raised', ref)).toHaveLength(1);
    const twice = await t.api('POST', `/api/v1/work-orders/${ref}/approval`, {
      key: dispatcher,
      body: { decision: 'reject', reason: 'changed my mind' },
    });
    expect(twice.body.code).toBe('APPROVAL_NOT_PENDING');

    // 2 × 1500 is above the supervisor's 2000: a dispatcher may not, a planner may; rejected, it lets go.
    const big = uniqueCode('WO');
    await t.api('POST', '/api/v1/work-orders', {
      body: workOrder(s, big, [{ lineId: '1', partNumber: motor.partNumber, quantity: 2 }], {
        technicianLevel: 'junior',
      }),
    });
    expect(await stock(t, motor.partNumber, s.fsl.code)).toMatchObject({ reserved: 2 });
    const tooLow = await t.api('POST', `/api/v1/work-orders/${big}/approval`, {
      key: dispatcher,
      body: { decision: 'approve', reason: 'x' },
    });
    expect(tooLow.status).toBe(403);
    expect(tooLow.body.code).toBe('APPROVAL_LEVEL_INSUFFICIENT');
    const rejected = await t.api('POST', `/api/v1/work-orders/${big}/approval`, {
      key: await t.keyFor('planner'),
      body: { decision: 'reject', reason: 'repair the old motor instead' },
    });
    expect(rejected.body).toMatchObject({ status: 'rejected', requisitions: [{ status: 'cancelled' }] });
    expect(await stock(t, motor.partNumber, s.fsl.code)).toMatchObject({ reserved: 0 });
    expect(await eventsFor(t, 'fulfillment.requisition_raised', big)).toHaveLength(0);

    const delays = await t.api('GET', '/api/v1/approvals/delays');
    const byLevel = Object.fromEntries(delays.body.items.map((d: { level: string }) => [d.level, d]));
    expect(byLevel.supervisor).toMatchObject({ decided: 1, pending: 0 });
    expect(byLevel.manager).toMatchObject({ decided: 1, pending: 0 });
    expect(byLevel.supervisor.p50Ms).toBeGreaterThanOrEqual(0);

    // A senior technician's rules are the planner's to change: with a higher limit, no approval.
    const policy = await t.api('PUT', '/api/v1/approval-policy', {
      body: {
        expectedVersion: 0,
        body: { rules: [{ name: 'all', autoApproveUpTo: 5000, supervisorUpTo: 9000 }] },
      },
    });
    expect(policy.status, JSON.stringify(policy.body)).toBe(200);
    const stale = await t.api('PUT', '/api/v1/approval-policy', {
      body: { expectedVersion: 0, body: { rules: [{ name: 'x', autoApproveUpTo: 1, supervisorUpTo: 2 }] } },
    });
    expect(stale.body.code).toBe('POLICY_INVALID');
    const free = await t.api('POST', '/api/v1/work-orders', {
      body: workOrder(s, uniqueCode('WO'), [{ lineId: '1', partNumber: motor.partNumber, quantity: 2 }]),
    });
    expect(free.body).toMatchObject({ status: 'sourced', approval: { level: 'auto', state: 'approved' } });
  });

  it('pushes the ERP’s promised date to the FSM and records when every requisition was answered', async () => {
    const t = hub();
    const s = await site(t);
    const [moved, bought] = [await makePart(t), await makePart(t)];
    await receive(t, moved, s.fsl, 3);
    const ref = uniqueCode('WO');
    const wo = (
      await t.api('POST', '/api/v1/work-orders', {
        body: workOrder(s, ref, [
          { lineId: '1', partNumber: moved.partNumber, quantity: 1 },
          { lineId: '2', partNumber: bought.partNumber, quantity: 4 },
        ]),
      })
    ).body;
    const [fromFsl, purchase] = wo.requisitions as Array<{ id: string; lineId: string }>;
    expect([fromFsl?.lineId, purchase?.lineId]).toEqual(['1', '2']);
    const promised = inHours(240);
    const first = await t.api('POST', '/api/v1/requisitions/acknowledgements', {
      body: { requisitionId: purchase!.id, status: 'backordered', expectedAt: promised, erpRef: 'PO-7781' },
    });
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    expect(first.body).toMatchObject({ status: 'backordered', expectedAt: promised, erpRef: 'PO-7781' });
    const pushed = await eventsFor(t, 'fulfillment.expected_availability', ref);
    expect(pushed).toHaveLength(1);
    expect(pushed[0].payload).toMatchObject({
      lineId: '2',
      status: 'backordered',
      expectedAt: promised,
      quantity: 4,
    });
    expect((await t.api('GET', `/api/v1/work-orders/${ref}`)).body.acknowledgedAt).toBeNull();
    // The same answer twice is one answer; a backorder without a date is refused.
    await t.api('POST', '/api/v1/requisitions/acknowledgements', {
      body: { requisitionId: purchase!.id, status: 'backordered', expectedAt: promised, erpRef: 'PO-7781' },
    });
    expect(await eventsFor(t, 'fulfillment.expected_availability', ref)).toHaveLength(1);
    const undated = await t.api('POST', '/api/v1/requisitions/acknowledgements', {
      body: { requisitionId: fromFsl!.id, status: 'backordered' },
    });
    expect(undated.body.code).toBe('VALIDATION_FAILED');

    await t.api('POST', '/api/v1/requisitions/acknowledgements', {
      body: { requisitionId: fromFsl!.id, status: 'accepted' },
    });
    const after = (await t.api('GET', `/api/v1/work-orders/${ref}`)).body;
    expect(after.acknowledgedAt).not.toBeNull();
    expect(after.requisitions.map((r: { status: string }) => r.status)).toEqual([
      'acknowledged',
      'backordered',
    ]);
    const latency = await t.api('GET', `/api/v1/fulfillment/latency?flow=api&from=${ago(1)}`);
    const today = latency.body.items.find((b: { day: string }) => b.day === after.createdAt.slice(0, 10));
    expect(today.toAcknowledged.count).toBeGreaterThanOrEqual(1);
    const unknown = await t.api('POST', '/api/v1/requisitions/acknowledgements', {
      body: { requisitionId: 'req-nope', status: 'accepted' },
    });
    expect(unknown.status).toBe(404);
    expect(unknown.body.code).toBe('REQUISITION_NOT_FOUND');
  });

  it('completes a job: issues what was used, frees what was not, keeps estimated against actual', async () => {
    const t = hub();
    const s = await site(t);
    const [filter, seal, bought] = [await makePart(t), await makePart(t), await makePart(t)];
    await receive(t, filter, s.van, 5);
    await receive(t, seal, s.fsl, 4);
    const ref = uniqueCode('WO');
    await t.api('POST', '/api/v1/work-orders', {
      body: workOrder(s, ref, [
        { lineId: '1', partNumber: filter.partNumber, quantity: 2 },
        { lineId: '2', partNumber: seal.partNumber, quantity: 3 },
        { lineId: '3', partNumber: bought.partNumber, quantity: 1 },
      ]),
    });
    expect(await stock(t, filter.partNumber, s.van.code)).toMatchObject({ onHand: 5, reserved: 2 });

    // A line the work order does not have: refused, and nothing changes.
    const bad = await t.api('POST', `/api/v1/work-orders/${ref}/complete`, {
      body: {
        lines: [
          { lineId: '1', usedQuantity: 1 },
          { lineId: '9', usedQuantity: 1 },
        ],
      },
    });
    expect(bad.status).toBe(422);
    expect(bad.body.code).toBe('CONSUMPTION_INVALID');
    expect(await stock(t, filter.partNumber, s.van.code)).toMatchObject({ onHand: 5, reserved: 2 });

    const technician = await t.keyFor('technician');
    const body = {
      lines: [
        { lineId: '1', usedQuantity: 3 }, // one more than planned, taken off the van
        { lineId: '2', usedQuantity: 1 },
      ],
    };
    for (let i = 0; i < 2; i++) {
      const done = await t.api('POST', `/api/v1/work-orders/${ref}/complete`, { key: technician, body });
      expect(done.status, JSON.stringify(done.body)).toBe(200);
      expect(done.body.status).toBe('completed');
      expect(done.body.requisitions.map((r: { status: string }) => r.status)).toEqual([
        'cancelled',
        'cancelled',
      ]);
    }
    expect(await stock(t, filter.partNumber, s.van.code)).toMatchObject({ onHand: 2, reserved: 0 });
    expect(await stock(t, seal.partNumber, s.fsl.code)).toMatchObject({ onHand: 3, reserved: 0 });
    const used = await t.api('GET', `/api/v1/fulfillment/consumption?partNumber=${filter.partNumber}`);
    expect(used.body.items).toEqual([
      expect.objectContaining({
        workOrder: ref,
        lineId: '1',
        estimated: 2,
        used: 3,
        returned: 0,
        locationCode: s.van.code,
      }),
    ]);
    const seals = await t.api('GET', `/api/v1/fulfillment/consumption?partNumber=${seal.partNumber}`);
    expect(seals.body.items).toEqual([expect.objectContaining({ estimated: 3, used: 1, returned: 2 })]);
    expect(await eventsFor(t, 'fulfillment.work_order_completed', ref)).toHaveLength(1);
    // The FSM hears the van's new figures (M4.5): absolute, per van, in order.
    const vanEvents = (
      await t.api('GET', '/api/v1/events?type=inventory.van_stock_changed&limit=1000')
    ).body.items.filter(
      (e: { payload: { van: string; partNumber: string } }) =>
        e.payload.van === s.van.code && e.payload.partNumber === filter.partNumber,
    );
    expect(vanEvents.length).toBeGreaterThanOrEqual(2);
    expect(vanEvents.at(-1).payload).toMatchObject({ onHand: 2, reserved: 0, available: 2 });
    expect(vanEvents.at(-1).key).toBe(`van:${s.van.code}`);
    const cancel = await t.api('POST', `/api/v1/work-orders/${ref}/cancel`, { body: { reason: 'late' } });
    expect(cancel.body.code).toBe('WORK_ORDER_CLOSED');
    // The audit chain holds and every balance equals its ledger.
    const verify = await t.api('POST', '/api/v1/audit/verify');
    expect(verify.status).toBe(200);
    expect(verify.body.ok, JSON.stringify(verify.body)).toBe(true);
  });

  it('a work order sent again with other lines releases, keeps and adds exactly what changed', async () => {
    const t = hub();
    const s = await site(t);
    const [onVan, inFsl, added] = [await makePart(t), await makePart(t), await makePart(t)];
    await receive(t, onVan, s.van, 3);
    await receive(t, inFsl, s.fsl, 5);
    await receive(t, added, s.fsl, 5);
    const ref = uniqueCode('WO');
    const first = await t.api('POST', '/api/v1/work-orders', {
      body: workOrder(s, ref, [
        { lineId: '1', partNumber: onVan.partNumber, quantity: 1 },
        { lineId: '2', partNumber: inFsl.partNumber, quantity: 3 },
      ]),
    });
    expect(first.body.requisitions).toMatchObject([{ lineId: '2', quantity: 3, status: 'raised' }]);
    const changedBody = workOrder(s, ref, [
      { lineId: '1', partNumber: onVan.partNumber, quantity: 1 },
      { lineId: '2', partNumber: inFsl.partNumber, quantity: 1 },
      { lineId: '3', partNumber: added.partNumber, quantity: 2 },
    ]);
    const changed = await t.api('POST', '/api/v1/work-orders', { body: changedBody });
    expect(changed.status, JSON.stringify(changed.body)).toBe(201);
    expect(changed.body.id).toBe(first.body.id);
    expect(
      changed.body.requisitions.map((r: { lineId: string; quantity: number; status: string }) => [
        r.lineId,
        r.quantity,
        r.status,
      ]),
    ).toEqual([
      ['2', 3, 'cancelled'],
      ['2', 1, 'raised'],
      ['3', 2, 'raised'],
    ]);
    expect(changed.body.plan.map((l: { lineId: string }) => l.lineId).sort()).toEqual(['1', '2', '3']);
    expect(await stock(t, onVan.partNumber, s.van.code)).toMatchObject({ reserved: 1 });
    expect(await stock(t, inFsl.partNumber, s.fsl.code)).toMatchObject({ reserved: 1 });
    expect(await stock(t, added.partNumber, s.fsl.code)).toMatchObject({ reserved: 2 });
    expect(await eventsFor(t, 'fulfillment.requisition_cancelled', ref)).toHaveLength(1);
    expect(await eventsFor(t, 'fulfillment.requisition_raised', ref)).toHaveLength(3);
    // The same content again changes nothing.
    const again = await t.api('POST', '/api/v1/work-orders', { body: changedBody });
    expect(again.body).toEqual(changed.body);
    expect(await eventsFor(t, 'fulfillment.requisition_raised', ref)).toHaveLength(3);
    // Dropping a line lets its stock go; a completed work order cannot change.
    const dropped = await t.api('POST', '/api/v1/work-orders', {
      body: { ...changedBody, lines: changedBody.lines.slice(0, 2) },
    });
    expect(dropped.status).toBe(201);
    expect(await stock(t, added.partNumber, s.fsl.code)).toMatchObject({ reserved: 0 });
    await t.api('POST', `/api/v1/work-orders/${ref}/complete`, { body: { lines: [] } });
    const late = await t.api('POST', '/api/v1/work-orders', { body: changedBody });
    expect(late.body.code).toBe('WORK_ORDER_CLOSED');
    expect(await stock(t, onVan.partNumber, s.van.code)).toMatchObject({ onHand: 3, reserved: 0 });
  });

  it('a partial shipment from the warehouse splits the line’s requisition and tells the FSM what is short', async () => {
    const t = hub();
    const s = await site(t);
    const part = await makePart(t);
    await receive(t, part, s.fsl, 5);
    const ref = uniqueCode('WO');
    const wo = (
      await t.api('POST', '/api/v1/work-orders', {
        body: workOrder(s, ref, [{ lineId: '1', partNumber: part.partNumber, quantity: 3 }]),
      })
    ).body;
    expect(wo.requisitions).toMatchObject([
      { lineId: '1', quantity: 3, source: 'forward_stocking_location' },
    ]);
    const suffix = uniqueCode('wms');
    await t.api('POST', '/api/v1/integration/systems', {
      body: { code: `WMS-${suffix}`, kind: 'wms', name: 'Warehouse', ownerTeam: 'Logistics' },
    });
    await t.api('POST', '/api/v1/integration/mappings', {
      body: {
        code: `ship-${suffix}`,
        expression: `{"command": "warehouse.shipment", "input": {"orderRef": order, "shipmentRef": shipment,
          "locationCode": from, "lines": [lines.{"lineRef": line, "partNumber": sku, "quantity": shipped,
          "orderedQuantity": ordered, "status": shipped < ordered ? "partial" : "shipped"}]}}`,
      },
    });
    const flow = await t.api('POST', '/api/v1/integration/flows', {
      body: {
        code: `ship-${suffix}`,
        systemCode: `WMS-${suffix}`,
        entity: 'shipment',
        direction: 'inbound',
        format: 'json',
        transport: 'http',
        mappingCode: `ship-${suffix}`,
        mappingVersion: 1,
      },
    });
    expect(flow.status, JSON.stringify(flow.body)).toBe(200);
    const sent = await t.api('POST', `/api/v1/integration/flows/ship-${suffix}/messages`, {
      body: {
        order: ref,
        shipment: 'SH-1',
        from: s.fsl.code,
        lines: [{ line: '1', sku: part.partNumber, shipped: 2, ordered: 3 }],
      },
      headers: { 'idempotency-key': `sh-${ref}` },
    });
    expect(sent.body.outcome, JSON.stringify(sent.body)).toMatchObject({ status: 'applied' });
    const after = (await t.api('GET', `/api/v1/work-orders/${ref}`)).body;
    expect(
      after.requisitions.map((r: { quantity: number; status: string }) => [r.quantity, r.status]),
    ).toEqual([
      [2, 'shipped'],
      [1, 'raised'],
    ]);
    expect(after.requisitions[1].note).toContain('short on');
    expect(await stock(t, part.partNumber, s.fsl.code)).toMatchObject({ onHand: 3, reserved: 1 });
    const told = await eventsFor(t, 'fulfillment.expected_availability', ref);
    expect(told.map((e: { payload: unknown }) => e.payload)).toEqual([
      expect.objectContaining({ lineId: '1', status: 'partially_shipped', quantity: 2, short: 1 }),
    ]);
    // The job used one of the two that arrived: the other stays on the van, the short one is freed.
    const done = await t.api('POST', `/api/v1/work-orders/${ref}/complete`, {
      body: { lines: [{ lineId: '1', usedQuantity: 1 }] },
    });
    expect(done.status, JSON.stringify(done.body)).toBe(200);
    expect(await stock(t, part.partNumber, s.fsl.code)).toMatchObject({ onHand: 3, reserved: 0 });
    expect(await stock(t, part.partNumber, s.van.code)).toMatchObject({ onHand: 1, reserved: 0 });
    const used = await t.api('GET', `/api/v1/fulfillment/consumption?partNumber=${part.partNumber}`);
    expect(used.body.items).toEqual([expect.objectContaining({ estimated: 3, used: 1, returned: 2 })]);
    const verify = await t.api('POST', '/api/v1/audit/verify');
    expect(verify.body.ok, JSON.stringify(verify.body)).toBe(true);
  });

  it('a supplier’s 855 backorders the requisition it answers, through the X12 connector’s default mapping', async () => {
    const t = hub();
    const s = await site(t);
    const bought = await makePart(t);
    const ref = uniqueCode('WO');
    const wo = (
      await t.api('POST', '/api/v1/work-orders', {
        body: workOrder(s, ref, [{ lineId: '1', partNumber: bought.partNumber, quantity: 4 }]),
      })
    ).body;
    const requisition = wo.requisitions[0] as { id: string; source: string };
    expect(requisition.source).toBe('purchase');
    const suffix = uniqueCode('sup').toLowerCase();
    await t.api('POST', '/api/v1/integration/systems', {
      body: { code: `SUP-${suffix}`, kind: 'supplier', name: 'Supplier', ownerTeam: 'Purchasing' },
    });
    const read = x12FilesConnector.reads.find((r) => r.messageType === 'purchase.order.ack')!;
    await t.api('POST', '/api/v1/integration/mappings', {
      body: { code: `ack-${suffix}`, expression: read.defaultMapping },
    });
    const flow = await t.api('POST', '/api/v1/integration/flows', {
      body: {
        code: `ack-${suffix}`,
        systemCode: `SUP-${suffix}`,
        entity: 'purchase_order',
        direction: 'inbound',
        format: 'x12',
        transport: 'http',
        mappingCode: `ack-${suffix}`,
        mappingVersion: 1,
      },
    });
    expect(flow.status, JSON.stringify(flow.body)).toBe(200);
    // The supplier's 855, written by the hub's own X12 writer: the PO number is the requisition.
    const set = fromCanonical(
      {
        type: 'purchase.order.ack',
        poNumber: requisition.id,
        ackDate: '2026-12-05',
        status: 'accepted_with_changes',
        parties: [],
        lines: [
          {
            lineNumber: '1',
            item: { partNumber: bought.partNumber, scheme: 'buyer' },
            quantity: 4,
            orderedQuantity: 4,
            uom: 'EA',
            status: 'backordered',
            expectedDate: '2026-12-21',
          },
        ],
      },
      { controlNumber: '0001' },
    )!;
    const header = { senderId: 'SUPPLIER', receiverId: 'SPAREHUB', time: '1405', controlNumber: 7 };
    const file = writeX12(
      {
        ...header,
        senderQualifier: 'ZZ',
        receiverQualifier: 'ZZ',
        date: '261205',
        groups: [{ ...header, functionalId: set.functionalId, date: '20261205', sets: [set] }],
      },
      { lineBreak: '\n' },
    );
    const backorders = async () => Number((await t.api('GET', '/api/v1/kpis?days=1')).body.backorders);
    const backordersBefore = await backorders();
    const sent = await t.api('POST', `/api/v1/integration/flows/ack-${suffix}/messages`, {
      rawBody: file,
      headers: { 'content-type': 'application/edi-x12' },
    });
    expect(sent.body.outcome, JSON.stringify(sent.body)).toMatchObject({ status: 'applied' });
    // The Overview counts the work order as waiting on a backorder.
    expect(await backorders()).toBe(backordersBefore + 1);
    const after = (await t.api('GET', `/api/v1/work-orders/${ref}`)).body;
    expect(after.requisitions[0]).toMatchObject({
      status: 'backordered',
      expectedAt: '2026-12-21T00:00:00.000Z',
      erpRef: requisition.id,
    });
    const told = await eventsFor(t, 'fulfillment.expected_availability', ref);
    expect(told.map((e: { payload: unknown }) => e.payload)).toEqual([
      expect.objectContaining({ lineId: '1', status: 'backordered', expectedAt: '2026-12-21T00:00:00.000Z' }),
    ]);
  });

  it('plans with the lead times the planner set: a slow lane sends the job to a faster source', async () => {
    const t = hub();
    const s = await site(t);
    const warehouse = await makeLocation(t, { type: 'regional_warehouse', region: s.region });
    const part = await makePart(t);
    await receive(t, part, s.fsl, 5);
    await receive(t, part, warehouse, 5);
    const order = (lineId: string) => ({
      body: workOrder(s, uniqueCode('WO'), [{ lineId, partNumber: part.partNumber, quantity: 1 }], {
        technicianVan: null,
        dueAt: inHours(30),
      }),
    });
    const before = await t.api('POST', '/api/v1/work-orders', order('1'));
    expect(before.body.plan[0].allocations[0]).toMatchObject({ locationCode: s.fsl.code });
    const current = await t.api('GET', '/api/v1/lead-times');
    expect(current.body).toMatchObject({ version: 0, body: { purchase: 120 } });
    const saved = await t.api('PUT', '/api/v1/lead-times', {
      body: {
        expectedVersion: 0,
        body: { ...current.body.body, lanes: [{ from: s.fsl.code, toRegion: s.region, hours: 48 }] },
      },
    });
    expect(saved.status, JSON.stringify(saved.body)).toBe(200);
    const after = await t.api('POST', '/api/v1/work-orders', order('1'));
    expect(after.body.plan[0].allocations[0]).toMatchObject({ locationCode: warehouse.code, onTime: true });
    const bad = await t.api('PUT', '/api/v1/lead-times', {
      body: { body: { ...current.body.body, centralDc: -5 } },
    });
    expect(bad.body.code).toBe('POLICY_INVALID');
    const technician = await t.keyFor('technician');
    expect((await t.api('PUT', '/api/v1/lead-times', { key: technician, body: { body: {} } })).status).toBe(
      403,
    );
  });
});
