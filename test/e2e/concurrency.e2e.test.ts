/**
 * Reservations under real concurrency: real hub processes, real sockets, 200 requests in
 * flight at once. On PostgreSQL two hub processes share one database, so the guarantee has to
 * come from the database, not from one process's event loop.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { pgUrl } from '../support/each-store.js';
import {
  call,
  createFreshPgDatabase,
  runVerify,
  startHub,
  stopAllHubs,
  stopHub,
  type FreshPgDatabase,
  type HttpResult,
  type HubProcess,
  type StoreTarget,
} from '../support/hub-process.js';

const REQUESTS = 200;
const STOCK = 10;

let seq = 0;
function code(prefix: string): string {
  seq += 1;
  return `${prefix}-${Date.now().toString(36)}-${seq}`;
}

function expectStatus(res: HttpResult, status: number, what: string): void {
  expect(res.status, `${what}: ${JSON.stringify(res.body)}`).toBe(status);
}

/** A part and a location with `quantity` received, all through the API. */
async function stockedPart(
  url: string,
  quantity: number,
): Promise<{ partNumber: string; locationCode: string }> {
  const partNumber = code('E2E-P');
  const locationCode = code('E2E-L');
  expectStatus(
    await call(url, 'POST', '/api/v1/parts', {
      body: { partNumber, description: 'Concurrency test part', baseUom: 'EA' },
    }),
    201,
    'create part',
  );
  expectStatus(
    await call(url, 'POST', '/api/v1/locations', {
      body: { code: locationCode, name: 'Concurrency test DC', type: 'regional_warehouse', region: 'NORTH' },
    }),
    201,
    'create location',
  );
  expectStatus(
    await call(url, 'POST', '/api/v1/stock/movements', {
      body: { type: 'receipt', partNumber, locationCode, quantity },
    }),
    201,
    'receive stock',
  );
  return { partNumber, locationCode };
}

async function stockRow(url: string, partNumber: string, locationCode: string) {
  const res = await call(
    url,
    'GET',
    `/api/v1/stock?partNumber=${encodeURIComponent(partNumber)}&locationCode=${encodeURIComponent(locationCode)}`,
  );
  expect(res.status).toBe(200);
  const rows = (
    res.body.items as Array<{ status: string; onHand: number; reserved: number; available: number }>
  )
    .filter((r) => r.status === 'available')
    .map(({ onHand, reserved, available }) => ({ onHand, reserved, available }));
  expect(rows).toHaveLength(1);
  return rows[0]!;
}

function reserve(
  url: string,
  body: {
    partNumber: string;
    locationCode: string;
    demandRef: string;
    demandType?: string;
    priority?: number;
  },
): Promise<HttpResult> {
  return call(url, 'POST', '/api/v1/reservations', {
    body: { quantity: 1, demandType: 'field_service', priority: 1, ...body },
    timeoutMs: 60_000,
  });
}

/** Fires every request before awaiting any: request i goes to hub i mod hubs.length. */
async function burst(
  hubs: HubProcess[],
  part: { partNumber: string; locationCode: string },
  count: number,
): Promise<HttpResult[]> {
  return Promise.all(
    Array.from({ length: count }, (_, i) =>
      reserve(hubs[i % hubs.length]!.url, { ...part, demandRef: `WO-${i}` }),
    ),
  );
}

function summarize(results: HttpResult[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const r of results) {
    const label = `${r.status}${r.status >= 400 ? ` ${(r.body as { code?: string } | undefined)?.code}` : ''}`;
    counts[label] = (counts[label] ?? 0) + 1;
  }
  return counts;
}

function expectProblems(results: HttpResult[]): void {
  for (const r of results.filter((x) => x.status !== 201)) {
    expect(r.status).toBe(409);
    expect(r.headers.get('content-type')).toContain('application/problem+json');
    expect(r.body).toMatchObject({ code: 'INSUFFICIENT_STOCK', status: 409 });
  }
}

interface StoreSetup {
  target(): StoreTarget;
  hubCount: number;
}

function concurrencySuite(setup: StoreSetup): void {
  // A case that fails half-way must not leave its hubs running into the next one.
  afterEach(async () => {
    await stopAllHubs();
  });

  async function startHubs(): Promise<HubProcess[]> {
    // Started together: on a shared PostgreSQL database the hubs also race to migrate and to
    // register the default tenant and admin key, which must be safe too.
    return Promise.all(Array.from({ length: setup.hubCount }, () => startHub(setup.target())));
  }

  async function stopAndVerify(hubs: HubProcess[]): Promise<void> {
    const codes = await Promise.all(hubs.map((h) => stopHub(h)));
    expect(codes, 'hubs exit 0 on SIGTERM').toEqual(hubs.map(() => 0));
    const verify = await runVerify(setup.target());
    expect(verify.code, verify.output).toBe(0);
    expect(verify.output).toContain('verify: OK');
  }

  it(`grants exactly ${STOCK} of ${REQUESTS} concurrent one-unit reservations against ${STOCK} in stock and refuses the rest with INSUFFICIENT_STOCK`, async () => {
    const hubs = await startHubs();
    const part = await stockedPart(hubs[0]!.url, STOCK);

    const results = await burst(hubs, part, REQUESTS);

    const granted = results.filter((r) => r.status === 201);
    expect(summarize(results)).toEqual({ '201': STOCK, '409 INSUFFICIENT_STOCK': REQUESTS - STOCK });
    expectProblems(results);
    // Each grant is its own reservation for its own demand.
    const grantedRefs = granted.map((r) => r.body.reservation.demandRef as string);
    expect(new Set(grantedRefs).size).toBe(STOCK);
    expect(new Set(granted.map((r) => r.body.reservation.id as string)).size).toBe(STOCK);
    for (const r of granted) expect(r.body.reservation).toMatchObject({ state: 'open', quantity: 1 });

    for (const hub of hubs) {
      expect(await stockRow(hub.url, part.partNumber, part.locationCode)).toEqual({
        onHand: STOCK,
        reserved: STOCK,
        available: 0,
      });
    }
    const open = await call(
      hubs[0]!.url,
      'GET',
      `/api/v1/reservations?partNumber=${encodeURIComponent(part.partNumber)}&state=open&limit=1000`,
    );
    expect(open.status).toBe(200);
    expect((open.body.items as Array<{ demandRef: string }>).map((r) => r.demandRef).sort()).toEqual(
      [...grantedRefs].sort(),
    );

    await stopAndVerify(hubs);
  });

  it(`lets ${REQUESTS} concurrent field-service requests pre-empt earlier internal transfers without ever reserving more than is on hand`, async () => {
    const TRANSFERS = 6;
    const hubs = await startHubs();
    const part = await stockedPart(hubs[0]!.url, STOCK);

    const transferIds: string[] = [];
    for (let i = 0; i < TRANSFERS; i++) {
      const res = await reserve(hubs[i % hubs.length]!.url, {
        ...part,
        demandType: 'internal_transfer',
        priority: 5,
        demandRef: `TO-${i}`,
      });
      expectStatus(res, 201, `transfer reservation ${i}`);
      transferIds.push(res.body.reservation.id as string);
    }
    expect(await stockRow(hubs[0]!.url, part.partNumber, part.locationCode)).toEqual({
      onHand: STOCK,
      reserved: TRANSFERS,
      available: STOCK - TRANSFERS,
    });

    // Watch the balance while the burst runs: reserved must never exceed on hand.
    const samples: Array<{ onHand: number; reserved: number; available: number }> = [];
    let bursting = true;
    const watcher = (async () => {
      let i = 0;
      while (bursting) {
        samples.push(await stockRow(hubs[i++ % hubs.length]!.url, part.partNumber, part.locationCode));
      }
    })();
    let results: HttpResult[];
    try {
      results = await burst(hubs, part, REQUESTS);
    } finally {
      bursting = false;
      await watcher;
    }

    expect(samples.length).toBeGreaterThan(0);
    for (const s of samples) {
      expect(s.reserved).toBeLessThanOrEqual(s.onHand);
      expect(s.reserved).toBeGreaterThanOrEqual(TRANSFERS);
    }
    // Free stock (4) plus every transfer (6) goes to field service; nothing more.
    expect(summarize(results)).toEqual({ '201': STOCK, '409 INSUFFICIENT_STOCK': REQUESTS - STOCK });
    expectProblems(results);
    const granted = results.filter((r) => r.status === 201);
    for (const r of granted) {
      expect(r.body.reservation).toMatchObject({ state: 'open', demandType: 'field_service', quantity: 1 });
    }
    // Each transfer was pre-empted exactly once, by one of the granted requests.
    const preempted = granted.flatMap(
      (r) => (r.body.preempted as Array<{ id: string; state: string }>) ?? [],
    );
    expect(preempted.map((p) => p.id).sort()).toEqual([...transferIds].sort());
    for (const p of preempted) expect(p.state).toBe('preempted');

    expect(await stockRow(hubs[0]!.url, part.partNumber, part.locationCode)).toEqual({
      onHand: STOCK,
      reserved: STOCK,
      available: 0,
    });
    const all = await call(
      hubs[0]!.url,
      'GET',
      `/api/v1/reservations?partNumber=${encodeURIComponent(part.partNumber)}&limit=1000`,
    );
    const byState: Record<string, string[]> = {};
    for (const r of all.body.items as Array<{ state: string; demandType: string }>) {
      (byState[r.state] ??= []).push(r.demandType);
    }
    expect(byState).toEqual({
      open: Array.from({ length: STOCK }, () => 'field_service'),
      preempted: Array.from({ length: TRANSFERS }, () => 'internal_transfer'),
    });

    await stopAndVerify(hubs);
  });
}

afterAll(async () => {
  await stopAllHubs();
});

describe('200 concurrent reservations against 10 in stock [sqlite, one hub process]', () => {
  let dataDir: string | undefined;
  beforeAll(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'sparehub-e2e-conc-'));
  });
  afterAll(async () => {
    await stopAllHubs();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });
  concurrencySuite({ target: () => ({ dataDir: dataDir! }), hubCount: 1 });
});

(pgUrl() ? describe : describe.skip)(
  '200 concurrent reservations against 10 in stock [postgres, two hub processes on one database]',
  () => {
    let db: FreshPgDatabase | undefined;
    beforeAll(async () => {
      db = await createFreshPgDatabase('concurrency');
    });
    afterAll(async () => {
      await stopAllHubs();
      await db?.drop();
    });
    concurrencySuite({ target: () => ({ databaseUrl: db!.url }), hubCount: 2 });
  },
);
