import { headers as natsHeaders, connect, type NatsConnection } from '@nats-io/transport-node';
import { jetstream } from '@nats-io/jetstream';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { probeNats, testStreams } from '../../src/connectors/transports/nats/nats-test-support.js';
import {
  createNatsRuntime,
  defaultTransports,
  deliverDue,
  routeOutbox,
  type NatsRuntime,
} from '../../src/modules/integration/index.js';
import { describeEachStore } from '../support/each-store.js';
import { makeLocation, makePart } from '../support/factories.js';

const silent = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};
let nc: NatsConnection | null = null;
let streams: ReturnType<typeof testStreams> | null = null;
let available = false;
let url = '';

beforeAll(async () => {
  const probe = await probeNats('the NATS flow tests');
  available = probe.available;
  url = probe.url;
  if (available) {
    nc = await connect({ servers: url });
    streams = testStreams(nc);
  }
});
afterAll(async () => {
  await streams?.cleanup();
  await nc?.close();
});

describeEachStore('integration over NATS JetStream', (hub) => {
  it('applies each inbound message once (JetStream dedupe and the inbox), and publishes outbound events', async (ctx) => {
    if (!available || !nc || !streams) return ctx.skip();
    const t = hub();
    const stream = await streams.create(60_000);
    const inSubject = stream.subject('fsm.receipts');
    const outSubject = stream.subject('erp.stock');
    const location = await makeLocation(t);
    const part = await makePart(t);
    const id = Math.floor(Math.random() * 1e9).toString(36);
    const ok = (res: { status: number; body: unknown }) =>
      expect(res.status, JSON.stringify(res.body)).toBeLessThan(300);
    ok(
      await t.api('POST', '/api/v1/integration/systems', {
        body: { code: `FSM-${id}`, kind: 'fsm', name: 'FSM', ownerTeam: 'Service IT' },
      }),
    );
    ok(
      await t.api('POST', '/api/v1/integration/systems', {
        body: { code: `ERP-${id}`, kind: 'erp', name: 'ERP', ownerTeam: 'ERP team' },
      }),
    );
    const inMap = await t.api('POST', '/api/v1/integration/mappings', {
      body: {
        code: `in-${id}`,
        expression: `{"command": "stock.receive", "input": {"partNumber": "${part.partNumber}", "locationCode": "${location.code}", "quantity": qty, "reference": "nats " & n}}`,
      },
    });
    ok(
      await t.api('POST', '/api/v1/integration/flows', {
        body: {
          code: `fsm-in-${id}`,
          systemCode: `FSM-${id}`,
          entity: 'stock',
          direction: 'inbound',
          format: 'json',
          transport: 'nats',
          mappingCode: `in-${id}`,
          mappingVersion: inMap.body.version,
          options: { stream: stream.stream, subject: inSubject },
        },
      }),
    );
    const outMap = await t.api('POST', '/api/v1/integration/mappings', {
      body: { code: `out-${id}`, expression: '{"key": key, "ref": payload.lines[0].reference}' },
    });
    ok(
      await t.api('POST', '/api/v1/integration/flows', {
        body: {
          code: `erp-out-${id}`,
          systemCode: `ERP-${id}`,
          entity: 'stock',
          direction: 'outbound',
          format: 'json',
          transport: 'nats',
          mappingCode: `out-${id}`,
          mappingVersion: outMap.body.version,
          options: { subject: outSubject, events: ['inventory.stock_moved'] },
        },
      }),
    );
    const runtime: NatsRuntime = createNatsRuntime({
      store: t.hub.store,
      clock: t.hub.clock,
      ids: t.hub.ids,
      servers: url,
      log: silent,
    });
    const seenOut: string[] = [];
    const sub = nc.subscribe(outSubject, {
      callback: (_err, msg) => {
        seenOut.push(msg.string());
      },
    });
    try {
      await runtime.syncConsumers();
      const js = jetstream(nc);
      const publish = async (n: number) => {
        const h = natsHeaders();
        h.set('Nats-Msg-Id', `${id}-m-${n}`);
        await js.publish(inSubject, JSON.stringify({ n: String(n), qty: 2 }), { headers: h });
      };
      for (let n = 0; n < 20; n++) await publish(n);
      for (let n = 0; n < 20; n += 3) await publish(n); // re-sent: same message ids
      for (let i = 0; i < 100; i++) {
        const applied = await t.api(
          'GET',
          `/api/v1/integration/messages?flow=fsm-in-${id}&status=applied&limit=100`,
        );
        if (applied.body.items.length >= 20) break;
        await sleep(100);
      }
      await sleep(300); // anything re-sent would have arrived by now
      const applied = await t.api('GET', `/api/v1/integration/messages?flow=fsm-in-${id}&limit=100`);
      expect(applied.body.items).toHaveLength(20);
      expect(
        applied.body.items.every(
          (m: { status: string; transport: string }) => m.status === 'applied' && m.transport === 'nats',
        ),
      ).toBe(true);
      const stock = await t.api(
        'GET',
        `/api/v1/stock?partNumber=${part.partNumber}&locationCode=${location.code}`,
      );
      expect(stock.body.items[0].onHand).toBe(40);

      const relay = {
        store: t.hub.store,
        clock: t.hub.clock,
        ids: t.hub.ids,
        random: t.hub.random,
        transportFor: defaultTransports(runtime),
        tenantId: t.tenantId,
      };
      for (let i = 0; i < 100 && seenOut.length < 20; i++) {
        await routeOutbox(relay);
        await deliverDue(relay);
        await sleep(20);
      }
      const refs = seenOut.map((s) => (JSON.parse(s) as { ref: string }).ref);
      expect(refs.filter((r) => r.startsWith('nats '))).toHaveLength(20);
      // One part, one key: published in the order the receipts happened.
      const order = refs.map((r) => Number(r.slice(5)));
      expect(order).toEqual([...order].sort((a, b) => a - b));
    } finally {
      sub.unsubscribe();
      await runtime.close();
    }
  });
});
