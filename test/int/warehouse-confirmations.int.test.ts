/**
 * Warehouse confirmations (M3.3) through real inbound flows: a 945 answering the hub's own
 * 940 issues what shipped against the reservation and keeps the short part reserved; a 944
 * (the real node-x12-edi file) puts stock away once per receipt line; JSON confirmations
 * through the webhook-json connector's mappings; repeats change nothing, contradictions and
 * bad confirmations are refused whole.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import {
  parseX12,
  toCanonical,
  writeX12,
  type X12SegmentData,
} from '../../src/connectors/formats/x12/index.js';
import { webhookJsonConnector } from '../../src/connectors/webhook-json/connector.js';
import { x12FilesConnector } from '../../src/connectors/x12-files/connector.js';
import { verifyTenant } from '../../src/modules/audit/index.js';
import { routeOutbox } from '../../src/modules/integration/outbound.service.js';
import { defaultTransports } from '../../src/modules/integration/transports.js';
import { describeEachStore, type TestHub } from '../support/each-store.js';
import { makeLocation, makePart, receive, stockOf, uniqueCode } from '../support/factories.js';

const X12 = join(import.meta.dirname, '../fixtures/x12');
const folders: string[] = [];
afterAll(() => folders.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

const readMapping = (connector: typeof x12FilesConnector | typeof webhookJsonConnector, type: string) =>
  connector.reads.find((r) => r.messageType === type)!.defaultMapping;

/** A WMS system with an inbound flow applying the given mapping (version 1). */
async function inboundFlow(
  t: TestHub,
  expression: string,
  format: 'x12' | 'json',
  state: 'live' | 'shadow' = 'live',
): Promise<string> {
  const suffix = uniqueCode('w').toLowerCase();
  const system = `WMS-${suffix}`;
  expect(
    (
      await t.api('POST', '/api/v1/integration/systems', {
        body: { code: system, kind: 'wms', name: 'WMS', ownerTeam: 'Logistics' },
      })
    ).status,
  ).toBe(200);
  const mapping = await t.api('POST', '/api/v1/integration/mappings', {
    body: { code: `m-${suffix}`, expression },
  });
  expect(mapping.status, JSON.stringify(mapping.body)).toBe(201);
  const flow = await t.api('POST', '/api/v1/integration/flows', {
    body: {
      code: `in-${suffix}`,
      systemCode: system,
      entity: 'warehouse_confirmation',
      direction: 'inbound',
      format,
      transport: 'http',
      mappingCode: `m-${suffix}`,
      mappingVersion: mapping.body.version,
      state,
    },
  });
  expect(flow.status, JSON.stringify(flow.body)).toBe(200);
  return `in-${suffix}`;
}

function send(t: TestHub, flow: string, body: string, contentType = 'application/edi-x12') {
  return t.api('POST', `/api/v1/integration/flows/${flow}/messages`, {
    rawBody: body,
    headers: { 'content-type': contentType },
  });
}

/** An interchange holding one set, written by the hub's own X12 writer. */
function interchange(setId: string, functionalId: string, control: number, segments: X12SegmentData[]) {
  const header = { senderId: 'WMS3PL', receiverId: 'SPAREHUB', time: '1405', controlNumber: control };
  return writeX12(
    {
      ...header,
      senderQualifier: 'ZZ',
      receiverQualifier: 'ZZ',
      date: '261204',
      groups: [
        {
          ...header,
          functionalId,
          date: '20261204',
          sets: [{ id: setId, controlNumber: String(control).padStart(4, '0'), segments }],
        },
      ],
    },
    { lineBreak: '\n' },
  );
}

const seg = (tag: string, ...elements: string[]): X12SegmentData => ({ tag, elements });

/**
 * A 945 shaped like the shared fixture X12Parser/945_inter-americanproducts.txt (N1 parties,
 * G62 ship date, W27 carrier, LX / N9 / W12 lines, W03 totals), for our order and parts.
 */
function x945(
  control: number,
  order: { orderId: string; shipmentId: string; warehouse: string },
  lines: Array<{ code: string; ordered: number; shipped: number; uom: string; partNumber: string }>,
): string {
  const segments = [
    seg('W06', 'N', order.orderId, '20261204', order.shipmentId),
    seg('N1', 'WH', 'Central warehouse', '92', order.warehouse),
    seg('N1', 'ST', 'Technician depot', '9', '0733940588254'),
    seg('G62', '11', '20261204'),
    seg('W27', 'M', 'NA'),
  ];
  lines.forEach((line, i) => {
    segments.push(seg('LX', String(i + 1)));
    segments.push(seg('N9', '2I', `K0182${i}`, 'TEST ITEM'));
    segments.push(
      seg(
        'W12',
        line.code,
        String(line.ordered),
        String(line.shipped),
        '',
        line.uom,
        '',
        'VN',
        line.partNumber,
      ),
    );
  });
  segments.push(seg('W03', String(lines.reduce((sum, l) => sum + l.shipped, 0))));
  return interchange('945', 'SW', control, segments);
}

async function events(t: TestHub, type: string) {
  return (await t.api('GET', `/api/v1/events?type=${type}&limit=1000`)).body.items as Array<{
    id: string;
    payload: any;
  }>;
}

async function ledger(t: TestHub, partNumber: string) {
  return (await t.api('GET', `/api/v1/stock/movements?partNumber=${partNumber}&limit=1000`)).body
    .items as Array<{
    type: string;
    quantity: number;
    status: string;
    reference: string;
    lot: string | null;
  }>;
}

async function reserve(
  t: TestHub,
  partNumber: string,
  locationCode: string,
  quantity: number,
  demandRef: string,
) {
  const res = await t.api('POST', '/api/v1/reservations', {
    body: { partNumber, locationCode, quantity, demandType: 'field_service', priority: 50, demandRef },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.reservation as { id: string };
}

async function verified(t: TestHub) {
  const report = await verifyTenant(t.hub.store.db, { id: t.tenantId, code: 't' });
  expect(report.ok, JSON.stringify(report)).toBe(true);
}

describeEachStore('warehouse confirmations', (hub) => {
  it('ships a 945 against the reservation its 940 named: a partial shipment issues what shipped and keeps the short part reserved', async () => {
    const t = hub();
    const part = await makePart(t);
    const warehouse = await makeLocation(t);
    await receive(t, part, warehouse, 10);
    // The 3PL gets a 940 for the reservation through the x12-files connector's own mapping.
    const folder = mkdtempSync(join(tmpdir(), 'sparehub-940-'));
    folders.push(folder);
    const outSuffix = uniqueCode('o').toLowerCase();
    await t.api('POST', '/api/v1/integration/systems', {
      body: { code: `3PL-${outSuffix}`, kind: '3pl', name: '3PL', ownerTeam: 'Logistics' },
    });
    const outMapping = await t.api('POST', '/api/v1/integration/mappings', {
      body: {
        code: `m940-${outSuffix}`,
        expression: x12FilesConnector.writes.find((w) => w.messageType === 'inventory.stock_reserved')!
          .defaultMapping,
      },
    });
    const outFlow = `out-${outSuffix}`;
    const saved = await t.api('POST', '/api/v1/integration/flows', {
      body: {
        code: outFlow,
        systemCode: `3PL-${outSuffix}`,
        entity: 'stock',
        direction: 'outbound',
        format: 'x12',
        transport: 'file',
        mappingCode: `m940-${outSuffix}`,
        mappingVersion: outMapping.body.version,
        options: {
          directory: folder,
          events: ['inventory.stock_reserved'],
          x12: {
            senderQualifier: 'ZZ',
            senderId: 'SPAREHUB',
            receiverQualifier: 'ZZ',
            receiverId: 'WMS3PL',
            usage: 'T',
          },
        },
      },
    });
    expect(saved.status, JSON.stringify(saved.body)).toBe(200);
    const workOrder = uniqueCode('WO');
    const reservation = await reserve(t, part.partNumber, warehouse.code, 5, `${workOrder}/1`);
    let delivery: { body: string } | undefined;
    for (let i = 0; i < 50 && !delivery; i++) {
      await routeOutbox({
        store: t.hub.store,
        clock: t.hub.clock,
        ids: t.hub.ids,
        random: t.hub.random,
        transportFor: defaultTransports(),
        tenantId: t.tenantId,
      });
      delivery = (await t.api('GET', `/api/v1/integration/deliveries?flow=${outFlow}`)).body.items[0];
    }
    const [order] = toCanonical(parseX12(delivery!.body).interchanges[0]!.groups[0]!.sets[0]!).messages;
    expect(order).toMatchObject({ type: 'warehouse.shipping_order', orderId: reservation.id });
    const shipTo = { orderId: (order as { orderId: string }).orderId, warehouse: warehouse.code };

    const flow = await inboundFlow(t, readMapping(x12FilesConnector, 'warehouse.shipping_advice'), 'x12');
    // First shipment: 3 of the 5 ordered (W1201 PR: partial).
    const first = x945(101, { ...shipTo, shipmentId: 'SHP-1' }, [
      { code: 'PR', ordered: 5, shipped: 3, uom: 'EA', partNumber: part.partNumber },
    ]);
    const applied = await send(t, flow, first);
    expect(applied.body.outcome, JSON.stringify(applied.body)).toMatchObject({
      status: 'applied',
      commands: 1,
    });
    expect(await stockOf(t, part.partNumber, warehouse.code)).toEqual({
      onHand: 7,
      reserved: 2,
      available: 5,
    });
    const held = await t.api('GET', `/api/v1/reservations/${reservation.id}`);
    expect(held.body).toMatchObject({ state: 'open', quantity: 2 });
    expect((await ledger(t, part.partNumber))[0]).toMatchObject({
      type: 'issue',
      quantity: -3,
      reference: `shipment ${reservation.id}/SHP-1 line 1`,
    });
    const confirmed = (await events(t, 'inventory.shipment_confirmed')).filter(
      (e) => e.payload.orderRef === reservation.id,
    );
    expect(confirmed).toHaveLength(1);
    expect(confirmed[0]!.payload).toMatchObject({
      orderRef: reservation.id,
      shipmentRef: 'SHP-1',
      locationCode: warehouse.code,
      shipDate: '2026-12-04',
      lines: [
        {
          lineRef: '1',
          partNumber: part.partNumber,
          status: 'partial',
          shipped: 3,
          ordered: 5,
          short: 2,
          stillReserved: 2,
          released: 0,
          uom: 'EA',
          demandRefs: [`${workOrder}/1`],
          reservations: [{ id: reservation.id, issued: 3, released: 0 }],
        },
      ],
    });
    expect(confirmed[0]!.payload.lines[0].reasons).toContain(
      'shipped short by 2: it stays reserved as still to ship',
    );

    // The same confirmation again in a new interchange (another message): nothing changes.
    const resent = await send(t, flow, first.replaceAll('000000101', '000000102'));
    expect(resent.body).toMatchObject({ duplicate: false, outcome: { status: 'applied' } });
    expect(await stockOf(t, part.partNumber, warehouse.code)).toEqual({
      onHand: 7,
      reserved: 2,
      available: 5,
    });
    const repeats = await t.api(
      'GET',
      `/api/v1/audit?entityType=warehouse_order&entityId=${reservation.id}&action=inventory.shipment_repeated`,
    );
    expect(repeats.body.items).toHaveLength(1);
    expect(repeats.body.items[0].reason).toContain('confirmed before with the same content');
    // The same shipment line with another quantity contradicts what was applied: refused whole.
    const contradicting = await send(
      t,
      flow,
      x945(103, { ...shipTo, shipmentId: 'SHP-1' }, [
        { code: 'PR', ordered: 5, shipped: 2, uom: 'EA', partNumber: part.partNumber },
      ]),
    );
    expect(contradicting.body.outcome).toMatchObject({
      status: 'dead',
      error: { code: 'WAREHOUSE_CONFIRMATION_CONFLICT' },
    });
    expect(await stockOf(t, part.partNumber, warehouse.code)).toEqual({
      onHand: 7,
      reserved: 2,
      available: 5,
    });

    // The rest ships in a second shipment: the reservation is consumed, nothing is short.
    const second = await send(
      t,
      flow,
      x945(104, { ...shipTo, shipmentId: 'SHP-2' }, [
        { code: 'CC', ordered: 2, shipped: 2, uom: 'EA', partNumber: part.partNumber },
      ]),
    );
    expect(second.body.outcome).toMatchObject({ status: 'applied' });
    expect(await stockOf(t, part.partNumber, warehouse.code)).toEqual({
      onHand: 5,
      reserved: 0,
      available: 5,
    });
    expect((await t.api('GET', `/api/v1/reservations/${reservation.id}`)).body.state).toBe('consumed');
    const last = (await events(t, 'inventory.shipment_confirmed')).filter(
      (e) => e.payload.orderRef === reservation.id,
    );
    expect(last.map((e) => e.payload.lines[0].short)).toEqual([2, 0]);
    // Anything more for the consumed order is more than it holds: refused, nothing changes.
    const more = await send(
      t,
      flow,
      x945(105, { ...shipTo, shipmentId: 'SHP-3' }, [
        { code: 'CC', ordered: 1, shipped: 1, uom: 'EA', partNumber: part.partNumber },
      ]),
    );
    expect(more.body.outcome).toMatchObject({
      status: 'dead',
      error: { code: 'WAREHOUSE_SHIPMENT_EXCEEDS_RESERVED' },
    });
    expect(
      (await ledger(t, part.partNumber)).filter((l) => l.type === 'issue').map((l) => l.quantity),
    ).toEqual([-2, -3]);
    await verified(t);
  });

  it('puts away the real 944 once per receipt line, into lots and in the part’s unit, and refuses a contradicting resend', async () => {
    const t = hub();
    // 944.edi: receipt 0450366097 at warehouse PC1234, five lines of 120 cases of 100000154, one lot each.
    await makeLocation(t, { code: 'PC1234' });
    await makePart(t, {
      partNumber: '100000154',
      description: 'Bottled water',
      baseUom: 'EA',
      tracking: 'lot',
    });
    expect(
      (
        await t.api('POST', '/api/v1/uom/conversions', {
          body: { partNumber: '100000154', fromUom: 'CA', toUom: 'EA', numerator: 24 },
        })
      ).status,
    ).toBeLessThan(300);
    const flow = await inboundFlow(t, readMapping(x12FilesConnector, 'stock.transfer_receipt'), 'x12');
    const file = readFileSync(join(X12, 'node-x12-edi/944.edi'), 'utf8');
    const res = await send(t, flow, file);
    expect(res.body.outcome, JSON.stringify(res.body)).toMatchObject({ status: 'applied', commands: 1 });
    expect(await stockOf(t, '100000154', 'PC1234')).toEqual({
      onHand: 14_400,
      reserved: 0,
      available: 14_400,
    });
    const receipts = (await ledger(t, '100000154')).filter((l) => l.type === 'receipt');
    expect(receipts.map((l) => [l.lot, l.quantity, l.reference]).sort()).toEqual(
      [1, 2, 3, 4, 5].map((n) => [`2241396${n + 1}`, 2880, `putaway 0450366097 line ${n}`]),
    );
    const putaway = (await events(t, 'inventory.putaway_confirmed')).find(
      (e) => e.payload.receiptRef === '0450366097',
    );
    expect(putaway!.payload.lines).toHaveLength(5);
    expect(putaway!.payload.lines[0]).toMatchObject({
      lineRef: '1',
      partNumber: '100000154',
      locationCode: 'PC1234',
      action: 'received',
      quantity: 2880,
      damaged: 0,
      uom: 'EA',
    });

    // The WMS resends the same receipt in a new interchange: a recorded no-op.
    const again = await send(t, flow, file.replaceAll('000000015', '000000016'));
    expect(again.body).toMatchObject({ duplicate: false, outcome: { status: 'applied' } });
    expect(await stockOf(t, '100000154', 'PC1234')).toMatchObject({ onHand: 14_400 });
    const repeated = await t.api(
      'GET',
      '/api/v1/audit?entityType=warehouse_receipt&entityId=0450366097&action=inventory.putaway_repeated',
    );
    expect(repeated.body.items).toHaveLength(1);
    // A resend saying line 1 was 100 cases, not 120, contradicts the first: nothing is received.
    const changed = file.replaceAll('000000015', '000000017').replace('W07*120*CA', 'W07*100*CA');
    const refused = await send(t, flow, changed);
    expect(refused.body.outcome).toMatchObject({
      status: 'dead',
      error: { code: 'WAREHOUSE_CONFIRMATION_CONFLICT' },
    });
    expect(refused.body.outcome.error.detail).toContain('receipt line 1 (100000154)');
    expect(await stockOf(t, '100000154', 'PC1234')).toMatchObject({ onHand: 14_400 });
    expect((await ledger(t, '100000154')).filter((l) => l.type === 'receipt')).toHaveLength(5);
    await verified(t);
  });

  it('takes JSON confirmations: a put-away with damaged units, a work order shipped by part without line references, a cancelled line released', async () => {
    const t = hub();
    const [a, b] = [await makePart(t), await makePart(t)];
    const dc = await makeLocation(t);
    const putFlow = await inboundFlow(t, readMapping(webhookJsonConnector, 'warehouse.putaway'), 'json');
    const receipt = uniqueCode('RCV');
    const put = await send(
      t,
      putFlow,
      JSON.stringify({
        receiptId: receipt,
        warehouse: dc.code,
        lines: [
          { line: 10, partNumber: a.partNumber, quantity: 6, damaged: 1, uom: 'EA' },
          { line: 20, partNumber: b.partNumber, quantity: 4 },
        ],
      }),
      'application/json',
    );
    expect(put.body.outcome, JSON.stringify(put.body)).toMatchObject({ status: 'applied' });
    expect(await stockOf(t, a.partNumber, dc.code)).toEqual({ onHand: 6, reserved: 0, available: 6 });
    expect(await stockOf(t, a.partNumber, dc.code, 'defective')).toMatchObject({ onHand: 1 });
    expect(await stockOf(t, b.partNumber, dc.code)).toMatchObject({ onHand: 4 });

    const workOrder = uniqueCode('WO');
    const ra = await reserve(t, a.partNumber, dc.code, 3, `${workOrder}/1`);
    const rb = await reserve(t, b.partNumber, dc.code, 2, `${workOrder}/2`);
    const shipFlow = await inboundFlow(t, readMapping(webhookJsonConnector, 'warehouse.shipment'), 'json');
    const shipment = (lines: unknown[], extra: Record<string, unknown> = {}) =>
      JSON.stringify({
        orderId: workOrder,
        shipmentId: uniqueCode('S'),
        warehouse: dc.code,
        lines,
        ...extra,
      });
    const unchanged = async () => {
      expect(await stockOf(t, a.partNumber, dc.code)).toEqual({ onHand: 6, reserved: 3, available: 3 });
      expect(await stockOf(t, b.partNumber, dc.code)).toEqual({ onHand: 4, reserved: 2, available: 2 });
      expect((await t.api('GET', `/api/v1/reservations/${ra.id}`)).body).toMatchObject({
        state: 'open',
        quantity: 3,
      });
    };

    // A message whose second line ships more than is reserved changes nothing at all.
    const over = await send(
      t,
      shipFlow,
      shipment([
        { partNumber: a.partNumber, shipped: 3 },
        { partNumber: b.partNumber, shipped: 3 },
      ]),
      'application/json',
    );
    expect(over.body.outcome).toMatchObject({
      status: 'dead',
      error: { code: 'WAREHOUSE_SHIPMENT_EXCEEDS_RESERVED' },
    });
    expect(over.body.outcome.error.detail).toContain('ships 3 but the order holds 2');
    await unchanged();
    const unknown = await send(
      t,
      shipFlow,
      shipment([{ partNumber: a.partNumber, shipped: 1 }], { orderId: uniqueCode('NOPE') }),
      'application/json',
    );
    expect(unknown.body.outcome).toMatchObject({
      status: 'dead',
      error: { code: 'WAREHOUSE_ORDER_UNKNOWN' },
    });
    const otherPart = await send(
      t,
      shipFlow,
      shipment([{ partNumber: (await makePart(t)).partNumber, shipped: 1 }]),
      'application/json',
    );
    expect(otherPart.body.outcome).toMatchObject({
      status: 'dead',
      error: { code: 'WAREHOUSE_LINE_UNMATCHED' },
    });
    await unchanged();

    // A shadow flow previews the shipment and changes nothing.
    const shadow = await inboundFlow(
      t,
      readMapping(webhookJsonConnector, 'warehouse.shipment'),
      'json',
      'shadow',
    );
    const preview = await send(
      t,
      shadow,
      shipment([{ partNumber: a.partNumber, shipped: 2, status: 'partial' }]),
      'application/json',
    );
    expect(preview.body.outcome).toMatchObject({
      status: 'shadowed',
      previews: [
        {
          command: 'warehouse.shipment',
          entity: `warehouse_order:${workOrder}`,
          change: 'update',
          before: { reserved: { [ra.id]: 3 } },
          after: { reserved: { [ra.id]: 1 }, lines: [{ action: 'ship', shipped: 2, short: 1 }] },
        },
      ],
    });
    await unchanged();

    // The work order ships by part (no line references): all of a, and b's line is cancelled.
    const shipped = await send(
      t,
      shipFlow,
      shipment([
        { partNumber: a.partNumber, shipped: 3, ordered: 3 },
        { partNumber: b.partNumber, shipped: 0, ordered: 2, status: 'cancelled' },
      ]),
      'application/json',
    );
    expect(shipped.body.outcome, JSON.stringify(shipped.body)).toMatchObject({ status: 'applied' });
    expect(await stockOf(t, a.partNumber, dc.code)).toEqual({ onHand: 3, reserved: 0, available: 3 });
    expect(await stockOf(t, b.partNumber, dc.code)).toEqual({ onHand: 4, reserved: 0, available: 4 });
    expect((await t.api('GET', `/api/v1/reservations/${ra.id}`)).body.state).toBe('consumed');
    expect((await t.api('GET', `/api/v1/reservations/${rb.id}`)).body).toMatchObject({
      state: 'released',
      stateReason: expect.stringContaining('the warehouse cancelled'),
    });
    const event = (await events(t, 'inventory.shipment_confirmed')).find(
      (e) => e.payload.orderRef === workOrder,
    );
    expect(event!.payload.lines).toMatchObject([
      { lineRef: '1', status: 'shipped', shipped: 3, short: 0, demandRefs: [`${workOrder}/1`] },
      {
        lineRef: '2',
        status: 'cancelled',
        shipped: 0,
        short: 2,
        released: 2,
        stillReserved: 0,
        demandRefs: [`${workOrder}/2`],
        reservations: [{ id: rb.id, issued: 0, released: 2 }],
      },
    ]);
    await verified(t);
  });
});
