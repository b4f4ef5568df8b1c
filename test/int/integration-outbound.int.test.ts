import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { verifyWebhook } from '../../src/connectors/transports/webhook/index.js';
import { reader } from '../../src/kernel/index.js';
import { listIntegrationErrors } from '../../src/modules/integration/errors.service.js';
import {
  deliverDue,
  listDeliveries,
  routeOutbox,
  type RelayDeps,
} from '../../src/modules/integration/outbound.service.js';
import { defaultTransports } from '../../src/modules/integration/transports.js';
import { asJson, describeEachStore, type TestHub } from '../support/each-store.js';
import { makeLocation, makePart } from '../support/factories.js';

const SECRET = 'whsec_' + Buffer.from('sparehub-outbound-test-secret-0123').toString('base64');

/** A simulated ERP: verifies each webhook, counts duplicates by webhook-id, can be taken down. */
class FakeErp {
  server: Server;
  down = false;
  received: Array<{ id: string; body: { key: string; part: string; ref: string; flow?: string } }> = [];
  duplicates = 0;
  refused = 0;
  private seen = new Set<string>();
  constructor() {
    this.server = createServer((req, res) => {
      void this.handle(req).then(([status, text]) => {
        res.writeHead(status, { 'content-type': 'text/plain' }).end(text);
      });
    });
  }
  private async handle(req: IncomingMessage): Promise<[number, string]> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const rawBody = Buffer.concat(chunks);
    if (this.down) return [503, 'maintenance'];
    const verified = verifyWebhook({
      secrets: [SECRET],
      headers: req.headers,
      rawBody,
      now: Date.now(),
    });
    if (!verified.ok) {
      this.refused += 1;
      return [401, verified.code];
    }
    if (this.seen.has(verified.id)) {
      this.duplicates += 1;
      return [200, 'duplicate'];
    }
    this.seen.add(verified.id);
    this.received.push({
      id: verified.id,
      body: JSON.parse(rawBody.toString('utf8')) as FakeErp['received'][number]['body'],
    });
    return [200, 'ok'];
  }
  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/webhooks/sparehub`;
  }
}

const erp = new FakeErp();
let url = '';
beforeAll(async () => {
  url = await erp.start();
});
afterAll(() => new Promise<void>((resolve) => erp.server.close(() => resolve())));

const uid = () => Math.floor(Math.random() * 1e9).toString(36);

function relayDeps(t: TestHub): RelayDeps {
  return {
    store: t.hub.store,
    clock: t.hub.clock,
    ids: t.hub.ids,
    random: t.hub.random,
    transportFor: defaultTransports(),
    tenantId: t.tenantId,
  };
}

async function drain(t: TestHub, until: () => boolean, maxMs = 15_000) {
  const started = Date.now();
  while (!until()) {
    if (Date.now() - started > maxMs) throw new Error('the relay did not deliver in time');
    await routeOutbox(relayDeps(t));
    await deliverDue(relayDeps(t));
    await sleep(20);
  }
}

describeEachStore('outbound delivery', (hub) => {
  it('delivers signed events to a system in per-key order, and everything once after it was down for a while', async () => {
    const t = hub();
    const refusedBefore = erp.refused;
    const suffix = uid();
    const system = `ERP-OUT-${suffix}`;
    await t.api('POST', '/api/v1/integration/systems', {
      body: { code: system, kind: 'erp', name: 'ERP', ownerTeam: 'ERP team' },
    });
    const mapping = await t.api('POST', '/api/v1/integration/mappings', {
      body: {
        code: `out-${suffix}`,
        expression: '{"key": key, "part": payload.lines[0].partNumber, "ref": payload.lines[0].reference}',
      },
    });
    const flow = await t.api('POST', '/api/v1/integration/flows', {
      body: {
        code: `stock-to-erp-${suffix}`,
        systemCode: system,
        entity: 'stock',
        direction: 'outbound',
        format: 'json',
        transport: 'http',
        mappingCode: `out-${suffix}`,
        mappingVersion: mapping.body.version,
        webhookSecrets: [SECRET],
        options: {
          url,
          events: ['inventory.stock_moved'],
          retry: { initialIntervalMs: 20, maximumIntervalMs: 100, maximumAttempts: 0, jitter: 0 },
          breaker: { failureThreshold: 3, openForMs: 100, maxOpenForMs: 200, probeTimeoutMs: 5000 },
        },
      },
    });
    expect(flow.status, JSON.stringify(flow.body)).toBe(200);
    const location = await makeLocation(t);
    const parts = [await makePart(t), await makePart(t)];
    const receive = (pn: string, n: number) =>
      t.api('POST', '/api/v1/stock/movements', {
        body: {
          type: 'receipt',
          partNumber: pn,
          locationCode: location.code,
          quantity: 1,
          reference: `r-${n}`,
        },
      });
    for (let n = 0; n < 6; n++) await receive(parts[n % 2]!.partNumber, n);
    const mine = () => erp.received.filter((r) => parts.some((p) => r.body.part === p.partNumber));
    await drain(t, () => mine().length === 6);

    // The ERP goes down; changes keep happening; nothing is lost and order holds per part.
    erp.down = true;
    for (let n = 6; n < 16; n++) await receive(parts[n % 2]!.partNumber, n);
    for (let i = 0; i < 20; i++) {
      await routeOutbox(relayDeps(t));
      await deliverDue(relayDeps(t));
      await sleep(15);
    }
    const pending = await t.api(
      'GET',
      `/api/v1/integration/deliveries?flow=stock-to-erp-${suffix}&status=pending`,
    );
    expect(pending.body.items.length).toBeGreaterThan(0);
    expect(pending.body.items.some((d: { attempts: number }) => d.attempts > 0)).toBe(true);
    erp.down = false;
    await drain(t, () => mine().length === 16);

    for (const part of parts) {
      const refs = mine()
        .filter((r) => r.body.part === part.partNumber)
        .map((r) => Number(r.body.ref.slice(2)));
      expect(refs).toEqual([...refs].sort((a, b) => a - b));
      expect(refs).toHaveLength(8);
    }
    expect(new Set(mine().map((r) => r.body.ref)).size).toBe(16);
    expect(erp.refused).toBe(refusedBefore);
    const delivered = await t.api(
      'GET',
      `/api/v1/integration/deliveries?flow=stock-to-erp-${suffix}&status=delivered&limit=100`,
    );
    expect(delivered.body.items).toHaveLength(16);
  });

  it('a system that is down does not hold back deliveries to the others', async () => {
    const t = hub();
    const suffix = uid();
    const flowTo = async (name: string, target: string) => {
      await t.api('POST', '/api/v1/integration/systems', {
        body: { code: `${name}-${suffix}`, kind: 'erp', name, ownerTeam: 'ERP team' },
      });
      const mapping = await t.api('POST', '/api/v1/integration/mappings', {
        body: {
          code: `${name}-${suffix}`,
          expression: '{"key": key, "part": payload.lines[0].partNumber, "ref": "x"}',
        },
      });
      const flow = await t.api('POST', '/api/v1/integration/flows', {
        body: {
          code: `${name}-${suffix}`,
          systemCode: `${name}-${suffix}`,
          entity: 'stock',
          direction: 'outbound',
          format: 'json',
          transport: 'http',
          mappingCode: `${name}-${suffix}`,
          mappingVersion: mapping.body.version,
          webhookSecrets: [SECRET],
          options: {
            url: target,
            events: ['inventory.location_created'],
            retry: { initialIntervalMs: 60_000, maximumIntervalMs: 60_000, maximumAttempts: 0, jitter: 0 },
            breaker: { failureThreshold: 1, openForMs: 60_000, maxOpenForMs: 60_000, probeTimeoutMs: 5000 },
          },
        },
      });
      expect(flow.status, JSON.stringify(flow.body)).toBe(200);
    };
    // Only these two flows hear of new locations: other tests' flows listen to stock movements.
    const receiveNew = async () => (await makeLocation(t)).code;
    // Nothing listens on the discard port: the first system's deliveries fail and its breaker opens.
    await flowTo('DOWN', 'http://127.0.0.1:9/webhooks');
    for (let i = 0; i < 8; i++) await receiveNew();
    await routeOutbox(relayDeps(t));
    await deliverDue(relayDeps(t), 4);
    await flowTo('UP', url);
    const upParts = [await receiveNew(), await receiveNew(), await receiveNew()];
    await routeOutbox(relayDeps(t));
    // The oldest due heads all belong to the system that is down; the other still gets its own.
    await deliverDue(relayDeps(t), 4);
    const keys = upParts.map((code) => `location:${code}`);
    const got = erp.received.filter((r) => keys.includes(r.body.key)).map((r) => r.body.key);
    expect(got.sort()).toEqual([...keys].sort());
    const down = await t.api(
      'GET',
      `/api/v1/integration/deliveries?flow=DOWN-${suffix}&status=pending&limit=100`,
    );
    expect(down.body.items).toHaveLength(11);
  });

  it('dead-letters a delivery the system refuses for good, ranks it in the error log, and retries it on request', async () => {
    const t = hub();
    const suffix = uid();
    const system = `ERP-404-${suffix}`;
    await t.api('POST', '/api/v1/integration/systems', {
      body: { code: system, kind: 'erp', name: 'ERP', ownerTeam: 'ERP team' },
    });
    const mapping = await t.api('POST', '/api/v1/integration/mappings', {
      body: {
        code: `out404-${suffix}`,
        expression: '{"key": key, "part": payload.lines[0].partNumber, "ref": "x"}',
      },
    });
    await t.api('POST', '/api/v1/integration/flows', {
      body: {
        code: `bad-${suffix}`,
        systemCode: system,
        entity: 'stock',
        direction: 'outbound',
        format: 'json',
        transport: 'http',
        mappingCode: `out404-${suffix}`,
        mappingVersion: mapping.body.version,
        webhookSecrets: ['whsec_' + Buffer.from('a-different-secret-the-erp-refuses').toString('base64')],
        options: {
          url,
          events: ['inventory.stock_moved'],
          retry: { initialIntervalMs: 10, maximumIntervalMs: 20, maximumAttempts: 3, jitter: 0 },
        },
      },
    });
    const location = await makeLocation(t);
    const part = await makePart(t);
    await t.api('POST', '/api/v1/stock/movements', {
      body: { type: 'receipt', partNumber: part.partNumber, locationCode: location.code, quantity: 1 },
    });
    let dead: Array<{ id: string; lastError: { code: string } }> = [];
    for (let i = 0; i < 50 && dead.length === 0; i++) {
      await routeOutbox(relayDeps(t));
      await deliverDue(relayDeps(t));
      dead = (await t.api('GET', `/api/v1/integration/deliveries?flow=bad-${suffix}&status=dead`)).body.items;
      await sleep(20);
    }
    expect(dead).toHaveLength(1);
    expect(dead[0]!.lastError.code).toBe('HTTP_4XX');
    // Every field the services return reaches the answer: the response schemas strip none.
    const r = reader(t.hub.store, t.ctx());
    expect((await t.api('GET', `/api/v1/integration/deliveries?flow=bad-${suffix}`)).body).toEqual(
      asJson({ items: await listDeliveries(r, { flowCode: `bad-${suffix}`, limit: 50 }) }),
    );
    const log = await t.api('GET', '/api/v1/integration/errors');
    expect(log.body.items.map((e: { id: string }) => e.id)).toContain(dead[0]!.id);
    expect(log.body).toEqual(asJson({ items: await listIntegrationErrors(r, t.hub.clock, 100) }));
    const retried = await t.api('POST', `/api/v1/integration/deliveries/${dead[0]!.id}/retry`);
    expect(retried.body).toEqual({ id: dead[0]!.id, status: 'pending' });
    // Once more: it is pending now, not dead; and an id that is no delivery at all.
    const again = await t.api('POST', `/api/v1/integration/deliveries/${dead[0]!.id}/retry`);
    expect([again.status, again.body.code, again.body.detail]).toEqual([
      409,
      'DELIVERY_STATE',
      `Delivery ${dead[0]!.id} is pending: only a dead delivery is retried`,
    ]);
    const unknown = await t.api('POST', '/api/v1/integration/deliveries/obd_nope/retry');
    expect([unknown.status, unknown.body.code]).toEqual([404, 'DELIVERY_NOT_FOUND']);
    const trail = await t.api('GET', `/api/v1/audit?entityType=outbound_delivery&entityId=${dead[0]!.id}`);
    expect(trail.body.items[0]).toMatchObject({ action: 'integration.delivery_retried' });
  });

  it('holds deliveries outside the system’s integration windows and sends them, in order, when it opens', async () => {
    const t = hub();
    const suffix = uid();
    const system = `ERP-WIN-${suffix}`;
    await t.api('POST', '/api/v1/integration/systems', {
      body: { code: system, kind: 'erp', name: 'ERP', ownerTeam: 'ERP team' },
    });
    const mapping = await t.api('POST', '/api/v1/integration/mappings', {
      body: {
        code: `win-${suffix}`,
        expression: `{"flow": "win-${suffix}", "key": key, "part": payload.lines[0].partNumber, "ref": payload.lines[0].reference}`,
      },
    });
    const closedToday = (new Date().getUTCDay() + 3) % 7; // a day that is not today, yesterday or tomorrow
    const flow = (windows: unknown[]) => ({
      code: `win-${suffix}`,
      systemCode: system,
      entity: 'stock',
      direction: 'outbound',
      format: 'json',
      transport: 'http',
      mode: 'batch',
      windows,
      mappingCode: `win-${suffix}`,
      mappingVersion: mapping.body.version,
      webhookSecrets: [SECRET],
      options: { url, events: ['inventory.stock_moved'] },
    });
    await t.api('POST', '/api/v1/integration/flows', {
      body: flow([{ days: [closedToday], from: '00:00', to: '23:59' }]),
    });
    const location = await makeLocation(t);
    const part = await makePart(t);
    for (let n = 0; n < 3; n++)
      await t.api('POST', '/api/v1/stock/movements', {
        body: {
          type: 'receipt',
          partNumber: part.partNumber,
          locationCode: location.code,
          quantity: 1,
          reference: `w-${n}`,
        },
      });
    await routeOutbox(relayDeps(t));
    const result = await deliverDue(relayDeps(t));
    expect(result.held).toBeGreaterThanOrEqual(1);
    const waiting = await t.api('GET', `/api/v1/integration/deliveries?flow=win-${suffix}`);
    // Held, not failed: nothing was attempted while the window was closed.
    expect(
      waiting.body.items.map((d: { status: string; attempts: number }) => [d.status, d.attempts]),
    ).toEqual([
      ['pending', 0],
      ['pending', 0],
      ['pending', 0],
    ]);
    expect(erp.received.filter((r) => r.body.flow === `win-${suffix}`)).toHaveLength(0);
    // The window opens (here: the flow now takes traffic any time).
    const reopened = await t.api('POST', '/api/v1/integration/flows', { body: flow([]) });
    expect(reopened.status, JSON.stringify(reopened.body)).toBe(200);
    await drain(t, () => erp.received.filter((r) => r.body.flow === `win-${suffix}`).length === 3);
    expect(erp.received.filter((r) => r.body.flow === `win-${suffix}`).map((r) => r.body.ref)).toEqual([
      'w-0',
      'w-1',
      'w-2',
    ]);
  });

  it('holds a batch flow’s messages for its next scheduled tick, and refuses a schedule that is not cron', async () => {
    const t = hub();
    const suffix = uid();
    const system = `ERP-BATCH-${suffix}`;
    await t.api('POST', '/api/v1/integration/systems', {
      body: { code: system, kind: 'erp', name: 'ERP', ownerTeam: 'ERP team' },
    });
    const mapping = await t.api('POST', '/api/v1/integration/mappings', {
      body: {
        code: `batch-${suffix}`,
        expression: `{"flow": "batch-${suffix}", "ref": payload.lines[0].reference}`,
      },
    });
    const flow = (schedule: string) => ({
      code: `batch-${suffix}`,
      systemCode: system,
      entity: 'stock',
      direction: 'outbound',
      format: 'json',
      transport: 'http',
      mode: 'batch',
      schedule,
      mappingCode: `batch-${suffix}`,
      mappingVersion: mapping.body.version,
      webhookSecrets: [SECRET],
      options: { url, events: ['inventory.stock_moved'] },
    });
    const bad = await t.api('POST', '/api/v1/integration/flows', { body: flow('every night') });
    expect(bad.body.code).toBe('VALIDATION_FAILED');
    expect((await t.api('POST', '/api/v1/integration/flows', { body: flow('0 2 * * *') })).status).toBe(200);
    const location = await makeLocation(t);
    const part = await makePart(t);
    await t.api('POST', '/api/v1/stock/movements', {
      body: {
        type: 'receipt',
        partNumber: part.partNumber,
        locationCode: location.code,
        quantity: 1,
        reference: 'nightly-1',
      },
    });
    await routeOutbox(relayDeps(t));
    await deliverDue(relayDeps(t));
    const [delivery] = (await t.api('GET', `/api/v1/integration/deliveries?flow=batch-${suffix}`)).body.items;
    const tonight = new Date();
    tonight.setUTCHours(2, 0, 0, 0);
    if (tonight.getTime() <= Date.now()) tonight.setUTCDate(tonight.getUTCDate() + 1);
    expect(delivery).toMatchObject({ status: 'pending', attempts: 0, nextAttemptAt: tonight.toISOString() });
    expect(erp.received.filter((r) => r.body.flow === `batch-${suffix}`)).toHaveLength(0);
  });
});
