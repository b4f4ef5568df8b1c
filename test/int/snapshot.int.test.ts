import { expect, it } from 'vitest';
import { fromCanonical, writeX12 } from '../../src/connectors/formats/x12/index.js';
import { verifyTenant } from '../../src/modules/audit/index.js';
import { processInbound } from '../../src/modules/integration/index.js';
import type { CanonicalMessage } from '../../src/modules/integration/canonical.js';
import { describeEachStore, type TestHub } from '../support/each-store.js';
import { makeLocation, makePart, receive } from '../support/factories.js';

const uid = () => Math.floor(Math.random() * 1e9).toString(36);

/** The mapping a snapshot flow usually has: canonical lines pass through untouched. */
const PASS_THROUGH =
  '{"command": "stock.snapshot", "input": {"locationCode": parties[role="warehouse"].id, "lines": lines}}';

async function snapshotFlow(
  t: TestHub,
  format: 'csv' | 'x12',
  snapshot: Record<string, unknown>,
  extra: Record<string, unknown> = {},
) {
  const suffix = uid();
  const system = `WMS-${suffix}`;
  await t.api('POST', '/api/v1/integration/systems', {
    body: { code: system, kind: 'wms', name: '3PL WMS', ownerTeam: 'Logistics' },
  });
  const mapping = await t.api('POST', '/api/v1/integration/mappings', {
    body: { code: `snap-${suffix}`, expression: PASS_THROUGH },
  });
  expect(mapping.status).toBe(201);
  const flow = await t.api('POST', '/api/v1/integration/flows', {
    body: {
      code: `snap-${suffix}`,
      systemCode: system,
      entity: 'stock',
      direction: 'inbound',
      format,
      transport: 'http',
      mode: 'batch',
      mappingCode: `snap-${suffix}`,
      mappingVersion: 1,
      options: { snapshot },
      ...extra,
    },
  });
  expect(flow.status, JSON.stringify(flow.body)).toBe(200);
  return `snap-${suffix}`;
}

async function send(t: TestHub, flow: string, body: string, key: string, contentType = 'text/csv') {
  const sent = await t.api('POST', `/api/v1/integration/flows/${flow}/messages`, {
    rawBody: body,
    headers: { 'content-type': contentType, 'idempotency-key': key },
  });
  expect(sent.status, JSON.stringify(sent.body)).toBe(202);
  return sent.body as { messageId: string; duplicate: boolean };
}

/** Waits for the background processing the hub started when it acknowledged the message. */
async function settled(t: TestHub, messageId: string) {
  for (let i = 0; i < 400; i++) {
    const msg = await t.api('GET', `/api/v1/integration/messages/${messageId}`);
    if (!['received', 'processing'].includes(msg.body.status)) return msg.body;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`message ${messageId} was not processed`);
}

async function onHand(t: TestHub, partNumber: string, locationCode: string) {
  const rows = await t.api('GET', `/api/v1/stock?partNumber=${partNumber}&locationCode=${locationCode}`);
  return (
    rows.body.items.find((r: { status: string }) => r.status === 'available') ?? { onHand: 0, reserved: 0 }
  );
}

async function world(t: TestHub) {
  const a = await makeLocation(t);
  const b = await makeLocation(t);
  const [p1, p2, p3, p4, p5] = await Promise.all([1, 2, 3, 4, 5].map(() => makePart(t)));
  await receive(t, p1!, a, 10);
  await receive(t, p2!, a, 5);
  await receive(t, p3!, a, 7);
  await receive(t, p4!, b, 2);
  const reserved = await t.api('POST', '/api/v1/reservations', {
    body: {
      partNumber: p2!.partNumber,
      locationCode: a.code,
      quantity: 3,
      demandType: 'field_service',
      priority: 100,
      demandRef: 'WO-1',
    },
  });
  expect(reserved.status, JSON.stringify(reserved.body)).toBe(201);
  return { a, b, p1: p1!, p2: p2!, p3: p3!, p4: p4!, p5: p5! };
}

describeEachStore('inventory snapshots', (hub) => {
  it('applies a CSV snapshot chunk by chunk, reconciles every line and keeps the ledger whole', async () => {
    const t = hub();
    const w = await world(t);
    const flow = await snapshotFlow(t, 'csv', { chunkLines: 2 });
    const csv = [
      'partNumber,locationCode,quantity,uom',
      `${w.p1.partNumber},${w.a.code},10,EA`, // matches
      `${w.p2.partNumber},${w.a.code},1,EA`, // below the 3 reserved: the reservation gives way
      `${w.p3.partNumber},${w.a.code},9,EA`, // two more
      `${w.p5.partNumber},${w.a.code},4,EA`, // new balance
      `NO-SUCH-PART,${w.a.code},3,EA`,
      `${w.p1.partNumber},${w.a.code},11,EA`, // counted twice: the first line stands
      `${w.p4.partNumber},NO-SUCH-LOC,1,EA`,
      `${w.p4.partNumber},${w.a.code},x,EA`, // not a number: refused by the reader
    ].join('\n');
    const sent = await send(t, flow, csv, `snap-${uid()}`);
    const msg = await settled(t, sent.messageId);
    expect(msg.status, JSON.stringify(msg)).toBe('applied');
    const snapshotId = msg.result.snapshotId as string;
    const snapshot = (await t.api('GET', `/api/v1/stock/snapshots/${snapshotId}`)).body;
    expect(snapshot).toMatchObject({
      status: 'completed',
      mode: 'apply',
      scope: 'partial',
      counts: { lines: 7, matched: 1, adjusted: 3, rejected: 4, zeroed: 0, preempted: 1 },
    });
    expect(snapshot.chunksDone).toBeGreaterThanOrEqual(4);
    expect(await onHand(t, w.p1.partNumber, w.a.code)).toMatchObject({ onHand: 10 });
    expect(await onHand(t, w.p2.partNumber, w.a.code)).toMatchObject({ onHand: 1, reserved: 0 });
    expect(await onHand(t, w.p3.partNumber, w.a.code)).toMatchObject({ onHand: 9 });
    expect(await onHand(t, w.p5.partNumber, w.a.code)).toMatchObject({ onHand: 4 });
    expect(await onHand(t, w.p4.partNumber, w.b.code)).toMatchObject({ onHand: 2 });

    const lines = (await t.api('GET', `/api/v1/stock/snapshots/${snapshotId}/lines?limit=100`)).body.items;
    const codes = lines
      .filter((l: { action: string }) => l.action === 'rejected')
      .map((l: { code: string }) => l.code);
    expect(codes.sort()).toEqual([
      'CSV_BAD_QUANTITY',
      'LOCATION_NOT_FOUND',
      'PART_NOT_FOUND',
      'SNAPSHOT_LINE_DUPLICATE',
    ]);
    expect(lines.find((l: { partNumber: string }) => l.partNumber === w.p3.partNumber)).toMatchObject({
      action: 'adjusted',
      hubQuantity: 7,
      countedQuantity: 9,
    });
    const reconciled = await t.api('GET', '/api/v1/audit?action=stock.snapshot_completed');
    expect(reconciled.body.items.filter((a: { entityId: string }) => a.entityId === snapshotId)).toHaveLength(
      1,
    );
    expect((await verifyTenant(t.hub.store.db, { id: t.tenantId, code: 't' })).ok).toBe(true);

    // The same file again (a retry by the sender) is a duplicate: nothing is applied twice.
    const again = await t.api('POST', `/api/v1/integration/flows/${flow}/messages`, {
      rawBody: csv,
      headers: { 'content-type': 'text/csv', 'idempotency-key': msg.idempotencyKey },
    });
    expect(again.body).toMatchObject({ duplicate: true, messageId: sent.messageId });
    expect(
      (await t.api('GET', '/api/v1/stock/snapshots?limit=500')).body.items.filter(
        (s: { messageId: string }) => s.messageId === sent.messageId,
      ),
    ).toHaveLength(1);
  });

  it('applies a scheduled snapshot now on request, in the background, and says so', async () => {
    const t = hub();
    const w = await world(t);
    const flow = await snapshotFlow(t, 'csv', {}, { schedule: '0 2 * * *' });
    const csv = ['partNumber,locationCode,quantity,uom', `${w.p1.partNumber},${w.a.code},12,EA`].join('\n');
    const sent = await send(t, flow, csv, `snap-${uid()}`);
    const now = await t.api('POST', `/api/v1/integration/messages/${sent.messageId}/apply-now`, {
      body: { reason: 'the 3PL count is needed before the 02:00 run' },
    });
    expect(now.status, JSON.stringify(now.body)).toBe(200);
    // received: this process is applying another snapshot; the worker takes it next.
    expect(now.body).toEqual({
      messageId: sent.messageId,
      status: expect.stringMatching(/^(processing|received)$/),
      dueAt: null,
    });
    if (now.body.status === 'processing') {
      expect((await settled(t, sent.messageId)).status).toBe('applied');
      expect(await onHand(t, w.p1.partNumber, w.a.code)).toMatchObject({ onHand: 12 });
    }
  });

  it('zeroes what a full snapshot leaves out at the locations it names, and only there', async () => {
    const t = hub();
    const w = await world(t);
    const flow = await snapshotFlow(
      t,
      'csv',
      { scope: 'full', chunkLines: 2 },
      { options: { csvDefaultUom: 'EA', snapshot: { scope: 'full', chunkLines: 2 } } },
    );
    const csv = ['partNumber,locationCode,quantity', `${w.p1.partNumber},${w.a.code},10`].join('\n');
    const msg = await settled(t, (await send(t, flow, csv, `full-${uid()}`)).messageId);
    expect(msg.status, JSON.stringify(msg.error)).toBe('applied');
    const snapshot = (await t.api('GET', `/api/v1/stock/snapshots/${msg.result.snapshotId}`)).body;
    expect(snapshot.counts).toMatchObject({ matched: 1, zeroed: 2, preempted: 1 });
    expect(await onHand(t, w.p2.partNumber, w.a.code)).toMatchObject({ onHand: 0, reserved: 0 });
    expect(await onHand(t, w.p3.partNumber, w.a.code)).toMatchObject({ onHand: 0 });
    // Location B was not in the snapshot: untouched.
    expect(await onHand(t, w.p4.partNumber, w.b.code)).toMatchObject({ onHand: 2 });
    expect((await verifyTenant(t.hub.store.db, { id: t.tenantId, code: 't' })).ok).toBe(true);
  });

  it('in report mode, or on a shadow flow, records every difference and changes no stock', async () => {
    const t = hub();
    const w = await world(t);
    const csv = ['partNumber,locationCode,quantity,uom', `${w.p1.partNumber},${w.a.code},4,EA`].join('\n');
    for (const [options, extra, status] of [
      [{ mode: 'report', scope: 'full' }, {}, 'applied'],
      [{ scope: 'full' }, { state: 'shadow' }, 'shadowed'],
    ] as const) {
      const flow = await snapshotFlow(t, 'csv', options, extra);
      const msg = await settled(t, (await send(t, flow, csv, `rep-${uid()}`)).messageId);
      expect(msg.status, JSON.stringify(msg.error)).toBe(status);
      const snapshot = (await t.api('GET', `/api/v1/stock/snapshots/${msg.result.snapshotId}`)).body;
      expect(snapshot).toMatchObject({ mode: 'report', counts: { reported: 3, adjusted: 0, zeroed: 0 } });
      const reported = (await t.api('GET', `/api/v1/stock/snapshots/${snapshot.id}/lines?action=reported`))
        .body.items;
      expect(reported.map((l: { partNumber: string }) => l.partNumber).sort()).toEqual(
        [w.p1.partNumber, w.p2.partNumber, w.p3.partNumber].sort(),
      );
    }
    expect(await onHand(t, w.p1.partNumber, w.a.code)).toMatchObject({ onHand: 10 });
    expect(await onHand(t, w.p2.partNumber, w.a.code)).toMatchObject({ onHand: 5, reserved: 3 });
  });

  it('reads an X12 846 set by set, splitting long sets, and refuses a broken interchange before changing anything', async () => {
    const t = hub();
    const w = await world(t);
    const flow = await snapshotFlow(t, 'x12', { chunkLines: 2 });
    const advice: CanonicalMessage = {
      type: 'inventory.advice',
      documentId: 'INV-1',
      asOf: '2026-11-25',
      parties: [{ role: 'warehouse', id: w.a.code, qualifier: '92' }],
      lines: [w.p1, w.p2, w.p3].map((p, i) => ({
        item: { partNumber: p.partNumber, scheme: 'vendor' },
        quantity: 20 + i,
        uom: 'EA',
        quantityKind: 'on_hand' as const,
      })),
    };
    const set = fromCanonical(advice, { controlNumber: '0001' })!;
    const x12 = writeX12(
      {
        senderQualifier: 'ZZ',
        senderId: 'WMS',
        receiverQualifier: 'ZZ',
        receiverId: 'HUB',
        date: '261125',
        time: '1200',
        controlNumber: 7,
        groups: [
          {
            functionalId: set.functionalId,
            senderId: 'WMS',
            receiverId: 'HUB',
            date: '20261125',
            time: '1200',
            controlNumber: 7,
            sets: [set],
          },
        ],
      },
      { lineBreak: '\n' },
    );
    // A trailer that disagrees (IEA02) may only be seen at the end: still nothing is applied.
    const broken = x12.replace(/IEA\*1\*0+7~/, 'IEA*1*000000008~');
    expect(broken).not.toBe(x12);
    const refused = await settled(
      t,
      (await send(t, flow, broken, `x12-bad-${uid()}`, 'application/edi-x12')).messageId,
    );
    expect(refused).toMatchObject({ status: 'dead', error: { code: 'INBOUND_FORMAT_INVALID' } });
    expect(await onHand(t, w.p1.partNumber, w.a.code)).toMatchObject({ onHand: 10 });

    const msg = await settled(t, (await send(t, flow, x12, `x12-${uid()}`, 'application/edi-x12')).messageId);
    expect(msg.status, JSON.stringify(msg)).toBe('applied');
    expect(msg.result.counts).toMatchObject({ lines: 3, adjusted: 3 });
    expect(await onHand(t, w.p3.partNumber, w.a.code)).toMatchObject({ onHand: 22 });
    expect((await verifyTenant(t.hub.store.db, { id: t.tenantId, code: 't' })).ok).toBe(true);
  });

  it('resumes after the last committed chunk, and a second processor cannot apply a chunk twice', async () => {
    const t = hub();
    const w = await world(t);
    const flow = await snapshotFlow(t, 'csv', { chunkLines: 1 });
    const csv = [
      'partNumber,locationCode,quantity,uom',
      `${w.p1.partNumber},${w.a.code},11,EA`,
      `${w.p3.partNumber},${w.a.code},8,EA`,
      `${w.p5.partNumber},${w.a.code},1,EA`,
    ].join('\n');
    // Stored without being processed, as when the hub dies right after the receipt.
    const { receiveInbound } = await import('../../src/modules/integration/index.js');
    const received = await receiveInbound(t.hub.store, t.ctx(), flow, {
      idempotencyKey: `resume-${uid()}`,
      transport: 'http',
      contentType: 'text/csv',
      body: Buffer.from(csv),
      meta: {},
      receivedAt: new Date().toISOString(),
    });
    // Two processors race over the same message: each chunk lands once.
    const outcomes = await Promise.all([
      processInbound(t.hub.store, t.ctx(), received.messageId),
      processInbound(t.hub.store, t.ctx(), received.messageId),
    ]);
    expect(
      outcomes.map((o) => o.status),
      JSON.stringify(outcomes),
    ).toContain('applied');
    expect(await onHand(t, w.p1.partNumber, w.a.code)).toMatchObject({ onHand: 11 });
    expect(await onHand(t, w.p3.partNumber, w.a.code)).toMatchObject({ onHand: 8 });
    expect(await onHand(t, w.p5.partNumber, w.a.code)).toMatchObject({ onHand: 1 });
    const ledger = await t.api('GET', `/api/v1/stock/movements?partNumber=${w.p3.partNumber}&limit=50`);
    expect(ledger.body.items.filter((l: { reasonCode: string }) => l.reasonCode === 'SNAPSHOT')).toHaveLength(
      1,
    );
    expect((await verifyTenant(t.hub.store.db, { id: t.tenantId, code: 't' })).ok).toBe(true);
  });

  it('after a failure part-way, a retry with a fixed mapping resumes after the last committed chunk', async () => {
    const t = hub();
    const w = await world(t);
    const flow = await snapshotFlow(t, 'csv', { chunkLines: 1 });
    // Version 2 of the flow's mapping fails on the second chunk (an upgrade gone wrong).
    const broken = await t.api('POST', '/api/v1/integration/mappings', {
      body: {
        code: flow,
        expression: `lines[0].item.partNumber = "${w.p3.partNumber}" ? $error("no rule for this part") : ${PASS_THROUGH}`,
      },
    });
    expect(broken.status).toBe(201);
    const current = (await t.api('GET', '/api/v1/integration/flows')).body.items.find(
      (f: { code: string }) => f.code === flow,
    );
    const { hasWebhookSecret: _s, createdAt: _c, updatedAt: _u, ...fields } = current;
    const pin = (version: number) =>
      t.api('POST', '/api/v1/integration/flows', { body: { ...fields, mappingVersion: version } });
    expect((await pin(broken.body.version)).status).toBe(200);
    const csv = [
      'partNumber,locationCode,quantity,uom',
      `${w.p1.partNumber},${w.a.code},12,EA`,
      `${w.p3.partNumber},${w.a.code},8,EA`,
      `${w.p5.partNumber},${w.a.code},1,EA`,
    ].join('\n');
    const msg = await settled(t, (await send(t, flow, csv, `retry-${uid()}`)).messageId);
    expect(msg).toMatchObject({ status: 'dead', error: { code: 'MAPPING_FAILED' } });
    // The first chunk committed with its checkpoint; nothing after it.
    expect(await onHand(t, w.p1.partNumber, w.a.code)).toMatchObject({ onHand: 12 });
    expect(await onHand(t, w.p3.partNumber, w.a.code)).toMatchObject({ onHand: 7 });

    expect((await pin(1)).status).toBe(200);
    const retried = await t.api('POST', `/api/v1/integration/messages/${msg.id}/retry`);
    expect(retried.body, JSON.stringify(retried.body)).toMatchObject({ status: 'applied' });
    expect(await onHand(t, w.p3.partNumber, w.a.code)).toMatchObject({ onHand: 8 });
    expect(await onHand(t, w.p5.partNumber, w.a.code)).toMatchObject({ onHand: 1 });
    const ledger = await t.api('GET', `/api/v1/stock/movements?partNumber=${w.p1.partNumber}&limit=50`);
    expect(ledger.body.items.filter((l: { reasonCode: string }) => l.reasonCode === 'SNAPSHOT')).toHaveLength(
      1,
    );
    const snapshot = (await t.api('GET', `/api/v1/stock/snapshots/${retried.body.snapshot.id}`)).body;
    expect(snapshot.counts).toMatchObject({ lines: 3, adjusted: 3 });
    expect((await verifyTenant(t.hub.store.db, { id: t.tenantId, code: 't' })).ok).toBe(true);
  });
  it('an X12 846 cut into parts resumes after the last committed part, applying every line once', async () => {
    const t = hub();
    const w = await world(t);
    const flow = await snapshotFlow(t, 'x12', { chunkLines: 2 });
    const counted: Array<[typeof w.p1, number]> = [
      [w.p1, 12],
      [w.p2, 6],
      [w.p3, 8],
      [w.p5, 1],
    ];
    const set = fromCanonical(
      {
        type: 'inventory.advice',
        documentId: 'INV-PARTS',
        asOf: '2026-11-25',
        parties: [{ role: 'warehouse', id: w.a.code, qualifier: '92' }],
        lines: counted.map(([p, quantity]) => ({
          item: { partNumber: p.partNumber, scheme: 'vendor' },
          quantity,
          uom: 'EA',
          quantityKind: 'on_hand' as const,
        })),
      },
      { controlNumber: '0001' },
    )!;
    const x12 = writeX12(
      {
        senderQualifier: 'ZZ',
        senderId: 'WMS',
        receiverQualifier: 'ZZ',
        receiverId: 'HUB',
        date: '261125',
        time: '1200',
        controlNumber: 9,
        groups: [
          {
            functionalId: set.functionalId,
            senderId: 'WMS',
            receiverId: 'HUB',
            date: '20261125',
            time: '1200',
            controlNumber: 9,
            sets: [set],
          },
        ],
      },
      { lineBreak: '\n' },
    );
    // Version 2 of the mapping fails on the second part (it starts with p3).
    const broken = await t.api('POST', '/api/v1/integration/mappings', {
      body: {
        code: flow,
        expression: `lines[0].item.partNumber = "${w.p3.partNumber}" ? $error("no rule for this part") : ${PASS_THROUGH}`,
      },
    });
    expect(broken.status).toBe(201);
    const current = (await t.api('GET', '/api/v1/integration/flows')).body.items.find(
      (f: { code: string }) => f.code === flow,
    );
    const { hasWebhookSecret: _s, createdAt: _c, updatedAt: _u, ...fields } = current;
    const pin = (version: number) =>
      t.api('POST', '/api/v1/integration/flows', { body: { ...fields, mappingVersion: version } });
    expect((await pin(broken.body.version)).status).toBe(200);
    const msg = await settled(
      t,
      (await send(t, flow, x12, `x12-parts-${uid()}`, 'application/edi-x12')).messageId,
    );
    expect(msg).toMatchObject({ status: 'dead', error: { code: 'MAPPING_FAILED' } });
    expect(await onHand(t, w.p1.partNumber, w.a.code)).toMatchObject({ onHand: 12 });
    expect(await onHand(t, w.p3.partNumber, w.a.code)).toMatchObject({ onHand: 7 });

    expect((await pin(1)).status).toBe(200);
    const retried = await t.api('POST', `/api/v1/integration/messages/${msg.id}/retry`);
    expect(retried.body, JSON.stringify(retried.body)).toMatchObject({ status: 'applied' });
    for (const [p, quantity] of counted)
      expect(await onHand(t, p.partNumber, w.a.code)).toMatchObject({ onHand: quantity });
    const snapshot = (await t.api('GET', `/api/v1/stock/snapshots/${retried.body.snapshot.id}`)).body;
    expect(snapshot).toMatchObject({ chunksDone: 2, counts: { lines: 4, adjusted: 4, rejected: 0 } });
    const ledger = await t.api('GET', `/api/v1/stock/movements?partNumber=${w.p1.partNumber}&limit=50`);
    expect(ledger.body.items.filter((l: { reasonCode: string }) => l.reasonCode === 'SNAPSHOT')).toHaveLength(
      1,
    );
    const lines = await t.api('GET', `/api/v1/stock/snapshots/${snapshot.id}/lines?limit=50`);
    expect(lines.body.items.map((l: { ref: string }) => l.ref)).toEqual([
      'ISA 000000009 GS 9 ST 0001 #1',
      'ISA 000000009 GS 9 ST 0001 #2',
      'ISA 000000009 GS 9 ST 0001 part 2 #1',
      'ISA 000000009 GS 9 ST 0001 part 2 #2',
    ]);
    expect((await verifyTenant(t.hub.store.db, { id: t.tenantId, code: 't' })).ok).toBe(true);
  });

  it('reads a stored body a slice at a time: the slices join to the body and decode to the same chunks', async () => {
    const t = hub();
    const w = await world(t);
    const { receiveInbound } = await import('../../src/modules/integration/index.js');
    const { storedBody } = await import('../../src/modules/integration/snapshot-inbound.js');
    const { decodePieces } = await import('../../src/modules/integration/decode.js');
    const flow = await snapshotFlow(t, 'csv', { chunkLines: 2 });
    const flowRow = (await t.api('GET', '/api/v1/integration/flows')).body.items.find(
      (f: { code: string }) => f.code === flow,
    );
    // Multi-byte and astral characters: slices are counted in characters on both stores.
    const csv = [
      'partNumber,locationCode,quantity,uom,description',
      `${w.p1.partNumber},${w.a.code},10,EA,Dichtung ö ß`,
      `${w.p2.partNumber},${w.a.code},1,EA,ポンプ 🔧 seal`,
      `${w.p3.partNumber},${w.a.code},9,EA,Ventil 🛠️`,
      `${w.p5.partNumber},${w.a.code},4,EA,plain`,
    ].join('\n');
    const received = await receiveInbound(t.hub.store, t.ctx(), flow, {
      idempotencyKey: `slices-${uid()}`,
      transport: 'http',
      contentType: 'text/csv',
      body: Buffer.from(csv),
      meta: {},
      receivedAt: new Date().toISOString(),
    });
    const read = async (sliceChars: number) => {
      const slices: string[] = [];
      for await (const slice of storedBody(t.hub.store, t.tenantId, received.messageId, sliceChars))
        slices.push(slice);
      return slices;
    };
    for (const size of [1, 7, 64, csv.length, 1 << 20]) {
      const slices = await read(size);
      expect(slices.join(''), `slices of ${size}`).toBe(csv);
      expect(slices.every((s) => s.length > 0)).toBe(true);
    }
    expect(await read(7)).toHaveLength(Math.ceil([...csv].length / 7));
    const pieces = async (body: string | AsyncIterable<string>) => {
      const out = [];
      for await (const piece of decodePieces(flowRow, body, received.messageId, 2)) out.push(piece);
      return out;
    };
    expect(await pieces(storedBody(t.hub.store, t.tenantId, received.messageId, 5))).toEqual(
      await pieces(csv),
    );
  });

  it('refuses snapshot options on an outbound flow, naming the field', async () => {
    const t = hub();
    const suffix = uid();
    await t.api('POST', '/api/v1/integration/systems', {
      body: { code: `ERP-${suffix}`, kind: 'erp', name: 'ERP', ownerTeam: 'IT' },
    });
    const refused = await t.api('POST', '/api/v1/integration/flows', {
      body: {
        code: `out-${suffix}`,
        systemCode: `ERP-${suffix}`,
        entity: 'stock',
        direction: 'outbound',
        format: 'json',
        transport: 'http',
        mappingCode: 'none',
        mappingVersion: 1,
        options: { url: 'http://127.0.0.1:9/x', events: ['inventory.*'], snapshot: {} },
      },
    });
    expect(refused.status).toBe(400);
    expect(refused.body.code).toBe('VALIDATION_FAILED');
    expect(refused.body.detail).toContain('/options/snapshot: snapshot options are for inbound flows');
  });
});
