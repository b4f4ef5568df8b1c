/**
 * Inventory snapshots under SIGKILL: a 3PL sends a snapshot of PARTS × 2 locations in small
 * chunks; the test kills the hub twice while chunks are being applied and restarts it on the
 * same store. The restarted hub's inbound worker takes the message over once its heartbeat is
 * stale and resumes after the last committed chunk. Afterwards every balance equals what was
 * counted, no line was applied twice (a second application would meet its own stamp and be
 * rejected as a duplicate), every difference is in the ledger once, and `sparehub verify`
 * passes.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { expect, it } from 'vitest';
import {
  call,
  describeEachHubStore,
  E2E_ADMIN_KEY,
  runVerify,
  startHub,
  stopHub,
  type HubProcess,
  type StoreTarget,
} from '../support/hub-process.js';

const PARTS = 600;
const LOCATIONS = ['SNAP-A', 'SNAP-B'];
const CHUNK_LINES = 6;
const CHUNKS = (PARTS * LOCATIONS.length) / CHUNK_LINES;
const FLOW = 'wms-snapshot';
const HUB_ENV = { SPAREHUB_SNAPSHOT_STALE_MS: '1000' };

const partNumber = (i: number) => `SNAP-${String(i).padStart(5, '0')}`;
/** Before: every part has 5 at A and nothing at B. Counted: a spread that differs from it. */
const counted = (i: number, location: string) => (location === 'SNAP-A' ? (i % 7) + 3 : i % 3);

async function send(hub: HubProcess, path: string, body: string, contentType: string, key?: string) {
  const res = await fetch(`${hub.url}${path}`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${E2E_ADMIN_KEY}`,
      'content-type': contentType,
      ...(key ? { 'idempotency-key': key } : {}),
    },
    body,
    signal: AbortSignal.timeout(30_000),
  });
  return { status: res.status, body: (await res.json()) as any };
}

async function setUp(hub: HubProcess): Promise<void> {
  const parts = ['partNumber,description,baseUom'];
  for (let i = 0; i < PARTS; i++) parts.push(`${partNumber(i)},Snapshot part ${i},EA`);
  const imported = await send(hub, '/api/v1/imports/parts', parts.join('\n'), 'text/csv');
  expect(imported.status, JSON.stringify(imported.body)).toBe(201);
  const steps: Array<[string, unknown]> = [
    ...LOCATIONS.map((code): [string, unknown] => [
      '/api/v1/locations',
      { code, name: `3PL ${code}`, type: 'regional_warehouse', region: 'NORTH' },
    ]),
    ['/api/v1/integration/systems', { code: 'WMS', kind: 'wms', name: '3PL WMS', ownerTeam: 'Logistics' }],
    [
      '/api/v1/integration/mappings',
      {
        code: 'wms-snapshot',
        expression:
          '{"command": "stock.snapshot", "input": {"locationCode": parties[role="warehouse"].id, "lines": lines}}',
      },
    ],
    [
      '/api/v1/integration/flows',
      {
        code: FLOW,
        systemCode: 'WMS',
        entity: 'stock',
        direction: 'inbound',
        format: 'csv',
        transport: 'http',
        mode: 'batch',
        mappingCode: 'wms-snapshot',
        mappingVersion: 1,
        options: { snapshot: { mode: 'apply', scope: 'partial', chunkLines: CHUNK_LINES } },
      },
    ],
  ];
  for (const [path, body] of steps) {
    const res = await call(hub.url, 'POST', path, { body });
    expect(res.status, `${path}: ${JSON.stringify(res.body)}`).toBeLessThan(300);
  }
  // Stock before the snapshot, through the same kind of flow-less API a WMS user would use.
  for (let i = 0; i < PARTS; i += 1) {
    const res = await call(hub.url, 'POST', '/api/v1/stock/movements', {
      body: { type: 'receipt', partNumber: partNumber(i), locationCode: 'SNAP-A', quantity: 5 },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
  }
}

interface SnapshotView {
  id: string;
  status: string;
  chunksDone: number;
  counts: Record<string, number>;
}

async function currentSnapshot(hub: HubProcess): Promise<SnapshotView | undefined> {
  const res = await call(hub.url, 'GET', '/api/v1/stock/snapshots?limit=1');
  return (res.body.items as SnapshotView[])[0];
}

/** Waits until the snapshot has committed more than `after` chunks; returns what it saw. */
async function progressPast(hub: HubProcess, after: number): Promise<SnapshotView> {
  for (let i = 0; i < 2000; i++) {
    const snapshot = await currentSnapshot(hub);
    if (snapshot && snapshot.chunksDone > after) return snapshot;
    await sleep(5);
  }
  throw new Error(`the snapshot did not get past chunk ${after}`);
}

function crashSuite(name: string, target: () => StoreTarget) {
  it(`${name}: a snapshot killed twice mid-way resumes after its last chunk and applies every line once`, async () => {
    let hub = await startHub(target(), { env: HUB_ENV });
    await setUp(hub);
    const rows = ['partNumber,locationCode,quantity,uom'];
    for (const location of LOCATIONS)
      for (let i = 0; i < PARTS; i++) rows.push(`${partNumber(i)},${location},${counted(i, location)},EA`);
    const sent = await send(
      hub,
      `/api/v1/integration/flows/${FLOW}/messages`,
      rows.join('\n'),
      'text/csv',
      'snapshot-20261204',
    );
    expect(sent.status, JSON.stringify(sent.body)).toBe(202);

    // Two kills while chunks are being applied, each after at least one more chunk committed.
    let seen = 0;
    for (const _kill of [1, 2]) {
      const before = await progressPast(hub, seen);
      expect(before.status, 'the snapshot finished before the kill: make it longer').toBe('running');
      await hub.kill('SIGKILL');
      hub = await startHub(target(), { env: HUB_ENV });
      const after = await currentSnapshot(hub);
      // Nothing committed is lost: the checkpoint is at least what was seen before the kill.
      expect(after!.chunksDone).toBeGreaterThanOrEqual(before.chunksDone);
      expect(after!.chunksDone).toBeLessThan(CHUNKS);
      seen = after!.chunksDone;
    }

    let message: any;
    for (let i = 0; i < 600; i++) {
      message = (await call(hub.url, 'GET', `/api/v1/integration/messages/${sent.body.messageId}`)).body;
      if (!['received', 'processing'].includes(message.status)) break;
      await sleep(100);
    }
    expect(message.status, JSON.stringify(message)).toBe('applied');
    const snapshot = (await currentSnapshot(hub))!;
    expect(snapshot.status).toBe('completed');
    expect(snapshot.chunksDone).toBe(CHUNKS);
    const before = (location: string) => (location === 'SNAP-A' ? 5 : 0);
    let differing = 0;
    for (const location of LOCATIONS)
      for (let i = 0; i < PARTS; i++) if (counted(i, location) !== before(location)) differing += 1;
    expect(snapshot.counts).toMatchObject({
      lines: PARTS * LOCATIONS.length,
      adjusted: differing,
      matched: PARTS * LOCATIONS.length - differing,
      rejected: 0,
    });

    for (const location of LOCATIONS) {
      const stock = await call(
        hub.url,
        'GET',
        `/api/v1/stock?locationCode=${location}&status=available&limit=1000`,
      );
      const onHand = new Map<string, number>(
        (stock.body.items as Array<{ partNumber: string; onHand: number }>).map((b) => [
          b.partNumber,
          b.onHand,
        ]),
      );
      for (let i = 0; i < PARTS; i++)
        expect(onHand.get(partNumber(i)) ?? 0, `${partNumber(i)} at ${location}`).toBe(counted(i, location));
    }
    // Every difference is in the ledger once, as a snapshot line of exactly that size.
    for (let i = 0; i < PARTS; i += 37) {
      const ledger = await call(
        hub.url,
        'GET',
        `/api/v1/stock/movements?partNumber=${partNumber(i)}&limit=50`,
      );
      const lines = (
        ledger.body.items as Array<{ reasonCode: string | null; locationCode: string; quantity: number }>
      )
        .filter((m) => m.reasonCode === 'SNAPSHOT')
        .map((m) => [m.locationCode, m.quantity])
        .sort();
      const expected = LOCATIONS.filter((l) => counted(i, l) !== before(l))
        .map((l) => [l, counted(i, l) - before(l)])
        .sort();
      expect(lines, partNumber(i)).toEqual(expected);
    }
    await stopHub(hub);
    const verify = await runVerify(target());
    expect(verify.code, verify.output).toBe(0);
  });
}

describeEachHubStore('inventory snapshots under SIGKILL', crashSuite);
