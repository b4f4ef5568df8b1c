import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { parseX12, toCanonical } from '../../src/connectors/formats/x12/index.js';
import { x12FilesConnector } from '../../src/connectors/x12-files/connector.js';
import { openStore, type Store } from '../../src/db/index.js';
import { canonicalMessageSchema } from '../../src/modules/integration/canonical.js';
import { compileMapping, evaluateOutbound } from '../../src/modules/integration/mapping.js';
import { deliverDue, routeOutbox, type RelayDeps } from '../../src/modules/integration/outbound.service.js';
import { defaultTransports } from '../../src/modules/integration/transports.js';
import { describeEachStore, type TestHub } from '../support/each-store.js';
import { makeLocation, makePart } from '../support/factories.js';

const uid = () => Math.floor(Math.random() * 1e9).toString(36);
const folders: string[] = [];
afterAll(() => folders.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

const ENVELOPE = {
  senderQualifier: 'ZZ',
  senderId: 'SPAREHUB',
  receiverQualifier: '01',
  receiverId: '123456789',
  usage: 'T',
};

// One stock movement becomes an 846 (what is on hand), an 856 and a 945 (what shipped).
const THREE_SETS = `(
  $l := payload.lines[0];
  $date := $substring(occurredAt, 0, 10);
  $item := {"partNumber": $l.partNumber, "scheme": "vendor", "description": "Test part"};
  [
    {"type": "inventory.advice", "documentId": "ADV-" & $l.reference, "asOf": $date,
     "parties": [{"role": "warehouse", "id": $l.locationCode, "qualifier": "92", "name": "Depot"}],
     "lines": [{"lineNumber": "1", "item": $item, "quantity": $l.quantity, "uom": "EA",
                "quantityKind": "on_hand", "locationCode": $l.locationCode}]},
    {"type": "ship.notice", "shipmentId": "SHP-" & $l.reference, "shipDate": $date,
     "carrier": "UPSN", "trackingNumber": "1Z" & $l.reference,
     "lines": [{"lineNumber": "1", "item": $item, "quantity": $l.quantity, "uom": "EA",
                "poNumber": "PO-" & $l.reference}]},
    {"type": "warehouse.shipping_advice", "orderId": "SO-" & $l.reference,
     "shipmentId": "SHP-" & $l.reference, "shipDate": $date,
     "lines": [{"lineNumber": "1", "item": $item, "quantity": $l.quantity,
                "orderedQuantity": $l.quantity, "uom": "EA", "status": "shipped"}]}
  ]
)`;

const ADVICE = `{"type": "inventory.advice", "documentId": "ADV-" & payload.lines[0].reference,
  "asOf": $substring(occurredAt, 0, 10),
  "lines": [{"item": {"partNumber": payload.lines[0].partNumber}, "quantity": payload.lines[0].quantity, "uom": "EA"}]}`;

interface Delivery {
  id: string;
  eventId: string;
  status: string;
  contentType: string;
  body: unknown;
  lastError: { code: string; detail: string } | null;
}

function relayDeps(t: TestHub, store: Store = t.hub.store): RelayDeps {
  return {
    store,
    clock: t.hub.clock,
    ids: t.hub.ids,
    random: t.hub.random,
    transportFor: defaultTransports(),
    tenantId: t.tenantId,
  };
}

/** A system, a mapping version and an outbound x12 flow writing files into a fresh folder. */
async function x12Flow(
  t: TestHub,
  expression: string,
  events = ['inventory.stock_moved'],
): Promise<{ code: string; folder: string }> {
  const suffix = uid();
  const folder = mkdtempSync(join(tmpdir(), 'sparehub-x12-out-'));
  folders.push(folder);
  await t.api('POST', '/api/v1/integration/systems', {
    body: { code: `3PL-${suffix}`, kind: '3pl', name: '3PL', ownerTeam: 'Logistics' },
  });
  const mapping = await t.api('POST', '/api/v1/integration/mappings', {
    body: { code: `x12-${suffix}`, expression },
  });
  expect(mapping.status, JSON.stringify(mapping.body)).toBe(201);
  const flow = await t.api('POST', '/api/v1/integration/flows', {
    body: {
      code: `x12-out-${suffix}`,
      systemCode: `3PL-${suffix}`,
      entity: 'stock',
      direction: 'outbound',
      format: 'x12',
      transport: 'file',
      mappingCode: `x12-${suffix}`,
      mappingVersion: mapping.body.version,
      options: { directory: folder, events, x12: ENVELOPE },
    },
  });
  expect(flow.status, JSON.stringify(flow.body)).toBe(200);
  return { code: `x12-out-${suffix}`, folder };
}

async function receipts(t: TestHub, references: string[]): Promise<void> {
  const location = await makeLocation(t);
  const part = await makePart(t);
  for (const reference of references) {
    const res = await t.api('POST', '/api/v1/stock/movements', {
      body: {
        type: 'receipt',
        partNumber: part.partNumber,
        locationCode: location.code,
        quantity: 2,
        reference,
      },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
  }
}

/** Routes until the flow has `count` deliveries (other suites share the outbox); oldest first. */
async function routed(t: TestHub, flow: string, count: number, store?: Store): Promise<Delivery[]> {
  for (let i = 0; i < 50; i++) {
    const items = (await t.api('GET', `/api/v1/integration/deliveries?flow=${flow}&limit=500`)).body
      .items as Delivery[];
    if (items.length >= count) return items.reverse();
    await routeOutbox(relayDeps(t, store));
  }
  throw new Error(`flow ${flow} did not get ${count} deliveries`);
}

/** The mapping's own output for a delivery's event, as the canonical schema reads it. */
async function mappingOutput(t: TestHub, expression: string, eventId: string): Promise<unknown[]> {
  const event = await t.hub.store.db
    .selectFrom('outbox')
    .selectAll()
    .where('id', '=', eventId)
    .executeTakeFirstOrThrow();
  const output = await evaluateOutbound(compileMapping(expression), {
    id: event.id,
    type: event.type,
    key: event.aggregate_key,
    occurredAt: event.created_at,
    payload: JSON.parse(event.payload_json) as unknown,
  });
  return (Array.isArray(output) ? output : [output]).map((m) => canonicalMessageSchema.parse(m));
}

function envelopeNumbers(body: string): { isa: number; gs: number[] } {
  const parsed = parseX12(body);
  expect(parsed.issues).toEqual([]);
  expect(parsed.interchanges).toHaveLength(1);
  const interchange = parsed.interchanges[0]!;
  return {
    isa: Number(interchange.header.controlNumber),
    gs: interchange.groups.map((g) => Number(g.header.controlNumber)),
  };
}

describeEachStore('outbound X12', (hub) => {
  it('writes 846, 856 and 945 sets that our reader parses cleanly and maps back to what the mapping produced', async () => {
    const t = hub();
    const flow = await x12Flow(t, THREE_SETS);
    await receipts(t, ['r1', 'r2']);
    const deliveries = await routed(t, flow.code, 2);
    for (const delivery of deliveries) {
      expect(delivery).toMatchObject({
        status: 'pending',
        contentType: 'application/edi-x12',
        lastError: null,
      });
      const body = delivery.body as string;
      const parsed = parseX12(body);
      expect(parsed.issues).toEqual([]);
      const interchange = parsed.interchanges[0]!;
      expect(interchange.header).toMatchObject({
        senderQualifier: 'ZZ',
        senderId: 'SPAREHUB',
        receiverId: '123456789',
        usageIndicator: 'T',
        version: '00401',
      });
      const sets = interchange.groups.flatMap((group) => group.sets);
      expect(sets.map((set) => set.id)).toEqual(['846', '856', '945']);
      const back = sets.map((set) => {
        const result = toCanonical(set);
        expect(result.issues).toEqual([]);
        return result.messages;
      });
      const expected = await mappingOutput(t, THREE_SETS, delivery.eventId);
      expect(back).toEqual(expected.map((message) => [message]));
    }
    // Not an empty round trip: the event's data is in there.
    const [first] = await mappingOutput(t, THREE_SETS, deliveries[0]!.eventId);
    expect(first).toMatchObject({ type: 'inventory.advice', documentId: 'ADV-r1', lines: [{ quantity: 2 }] });

    // Delivered as written: one .edi file per delivery (one at a time: same part, same key),
    // byte for byte the stored body.
    const edi = () => readdirSync(flow.folder).filter((name) => name.endsWith('.edi'));
    for (let i = 0; i < 10 && edi().length < deliveries.length; i++) await deliverDue(relayDeps(t));
    const files = edi();
    expect(files.sort()).toEqual(deliveries.map((d) => `inventory.stock_moved-${d.id}.edi`).sort());
    for (const delivery of deliveries)
      expect(readFileSync(join(flow.folder, `inventory.stock_moved-${delivery.id}.edi`), 'utf8')).toBe(
        delivery.body,
      );
  });

  it("writes the x12-files connector's default 940 for a reservation: a warehouse shipping order the reader maps back", async () => {
    const t = hub();
    const declared = x12FilesConnector.writes.find((w) => w.messageType === 'inventory.stock_reserved')!;
    const flow = await x12Flow(t, declared.defaultMapping, ['inventory.stock_reserved']);
    const location = await makeLocation(t);
    const part = await makePart(t, { baseUom: 'M', wholeUnits: false });
    await t.api('POST', '/api/v1/stock/movements', {
      body: { type: 'receipt', partNumber: part.partNumber, locationCode: location.code, quantity: 10 },
    });
    const reserved = await t.api('POST', '/api/v1/reservations', {
      body: {
        partNumber: part.partNumber,
        locationCode: location.code,
        quantity: 2.5,
        demandType: 'field_service',
        priority: 50,
        demandRef: 'WO-940',
      },
    });
    expect(reserved.status, JSON.stringify(reserved.body)).toBe(201);
    const [delivery] = await routed(t, flow.code, 1);
    expect(delivery).toMatchObject({ status: 'pending', contentType: 'application/edi-x12' });
    const parsed = parseX12(delivery!.body as string);
    expect(parsed.issues).toEqual([]);
    const [set] = parsed.interchanges[0]!.groups[0]!.sets;
    expect(set!.id).toBe('940');
    const back = toCanonical(set!);
    expect(back.issues).toEqual([]);
    // The writer adds what X12 needs (an N103 qualifier, a product id qualifier).
    expect(back.messages).toMatchObject([
      {
        type: 'warehouse.shipping_order',
        orderId: reserved.body.reservation.id,
        parties: [{ role: 'warehouse', id: location.code }],
        lines: [{ lineNumber: '1', item: { partNumber: part.partNumber }, quantity: 2.5, uom: 'M' }],
      },
    ]);
  });

  it('numbers interchanges and groups per flow, increasing without gaps, across a restart and concurrent routing', async () => {
    const t = hub();
    const flow = await x12Flow(t, THREE_SETS);
    await receipts(t, ['a1', 'a2', 'a3', 'a4', 'a5', 'a6', 'a7', 'a8']);
    // Another hub process on the same database: its own connections, the same counters.
    const other = openStore({ databaseUrl: t.hub.config.databaseUrl, dataDir: t.hub.config.dataDir });
    try {
      await Promise.all([1, 2, 3, 4].map(() => routeOutbox(relayDeps(t), 1)));
      await Promise.all([1, 2, 3, 4].map(() => routeOutbox(relayDeps(t, other), 1)));
      const deliveries = await routed(t, flow.code, 8, other);
      const numbers = deliveries.map((d) => envelopeNumbers(d.body as string));
      expect(numbers.map((n) => n.isa)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
      expect(numbers.flatMap((n) => n.gs)).toEqual(Array.from({ length: 24 }, (_, k) => k + 1));
      // The counters live in the database, not in a process: what a restarted hub reads.
      const counter = await other.db
        .selectFrom('x12_control_numbers')
        .select(['interchange_counter', 'group_counter'])
        .where('tenant_id', '=', t.tenantId)
        .where('flow_code', '=', flow.code)
        .executeTakeFirstOrThrow();
      expect(counter).toEqual({ interchange_counter: 8, group_counter: 24 });
    } finally {
      await other.close();
    }
    // A second flow counts on its own.
    const second = await x12Flow(t, ADVICE);
    await receipts(t, ['b1']);
    const [only] = await routed(t, second.code, 1);
    expect(envelopeNumbers(only!.body as string)).toEqual({ isa: 1, gs: [1] });
  });

  it('dead-letters output that is not canonical, not carried by X12 or not writable, with a code and without using up a number', async () => {
    const t = hub();
    const flow = await x12Flow(
      t,
      `(
        $ref := payload.lines[0].reference;
        $ref = "not-canonical" ? {"type": "inventory.advice", "documentId": key} :
        $ref = "item-master" ? {"type": "item.master", "partNumber": payload.lines[0].partNumber} :
        $ref = "tilde" ? {"type": "inventory.advice", "documentId": "A~B", "asOf": "2026-03-01", "lines": []} :
        $ref = "fails" ? $error("no mapping for this one") :
        $ref = "empty" ? [] :
        ${ADVICE}
      )`,
    );
    await receipts(t, ['not-canonical', 'item-master', 'tilde', 'fails', 'empty', 'good']);
    const deliveries = await routed(t, flow.code, 5);
    expect(deliveries.map((d) => [d.status, d.lastError?.code ?? null])).toEqual([
      ['dead', 'OUTBOUND_NOT_CANONICAL'],
      ['dead', 'X12_MESSAGE_NOT_CARRIED'],
      ['dead', 'X12_WRITE_DELIMITER_IN_DATA'],
      ['dead', 'MAPPING_FAILED'],
      ['pending', null],
    ]);
    expect(deliveries[0]!.lastError!.detail).toMatch(/asOf/);
    // A dead letter keeps the event it could not turn into X12.
    expect(deliveries[1]!.body).toMatchObject({ type: 'inventory.stock_moved', id: deliveries[1]!.eventId });
    expect(envelopeNumbers(deliveries[4]!.body as string)).toEqual({ isa: 1, gs: [1] });
  });

  it('refuses outbound X12 flows without a valid envelope and outbound CSV or IDoc flows', async () => {
    const t = hub();
    const suffix = uid();
    await t.api('POST', '/api/v1/integration/systems', {
      body: { code: `S-${suffix}`, kind: '3pl', name: '3PL', ownerTeam: 'Logistics' },
    });
    const mapping = await t.api('POST', '/api/v1/integration/mappings', {
      body: { code: `m-${suffix}`, expression: ADVICE },
    });
    const flow = (over: Record<string, unknown>) =>
      t.api('POST', '/api/v1/integration/flows', {
        body: {
          code: `f-${suffix}`,
          systemCode: `S-${suffix}`,
          entity: 'stock',
          direction: 'outbound',
          format: 'x12',
          transport: 'file',
          mappingCode: `m-${suffix}`,
          mappingVersion: mapping.body.version,
          options: { directory: tmpdir(), events: ['inventory.stock_moved'] },
          ...over,
        },
      });
    const refusal = async (over: Record<string, unknown>) => {
      const res = await flow(over);
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('VALIDATION_FAILED');
      return (res.body.errors as Array<{ path: string; message: string }>).map((e) => [e.path, e.message]);
    };
    expect(await refusal({})).toEqual([['/options/x12', expect.stringContaining('envelope')]]);
    expect(await refusal({ format: 'idoc' })).toEqual([
      ['/format', expect.stringContaining('json, csv or x12')],
    ]);
    expect(
      await refusal({ options: { events: ['inventory.*'], x12: { ...ENVELOPE, senderId: 'HUB*1' } } }),
    ).toEqual([['/options/x12/senderId', expect.any(String)]]);
    expect(await refusal({ options: { x12: { ...ENVELOPE, usage: 'I' } } })).toEqual([
      ['/options/x12/usage', expect.any(String)],
    ]);

    expect((await flow({ direction: 'inbound' })).status).toBe(200);
    const saved = await flow({ options: { events: ['inventory.*'], x12: ENVELOPE } });
    expect(saved.status, JSON.stringify(saved.body)).toBe(200);
    expect(saved.body.options.x12).toEqual({ ...ENVELOPE, version: '004010' });
  });
});
