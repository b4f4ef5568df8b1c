/**
 * Outbound delivery under SIGKILL: stock movements produce events that an outbound flow
 * delivers as signed webhooks to a simulated ERP, while the test kills the hub at seeded
 * random moments and restarts it on the same store. The ERP checks every signature with its
 * own HMAC (an oracle independent of the hub's code) and dedupes by webhook id, as the
 * Standard Webhooks spec asks receivers to. In the end the ERP has every event exactly once
 * after dedupe, none was lost, and each part's events arrived in the order they happened.
 */
import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { expect, it } from 'vitest';
import {
  call,
  seededRandom,
  startHub,
  describeEachHubStore,
  stopHub,
  type HubProcess,
  type StoreTarget,
} from '../support/hub-process.js';

const SEED = Number(process.env.E2E_SEED ?? 0x0b7);
const MOVEMENTS = 90;
const KILLS = 3;
const SECRET = 'whsec_' + Buffer.from('outbound-crash-secret-0123456789').toString('base64');
const ENV = { SPAREHUB_RELAY_CLAIM_TIMEOUT_MS: '2000' };

class Erp {
  server: Server;
  firstSeen = new Map<string, { part: string; ref: number }>();
  order: Array<{ part: string; ref: number }> = [];
  duplicates = 0;
  forged = 0;
  constructor() {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        const id = String(req.headers['webhook-id']);
        const ts = String(req.headers['webhook-timestamp']);
        const expected = createHmac('sha256', Buffer.from(SECRET.slice(6), 'base64'))
          .update(`${id}.${ts}.${body}`)
          .digest('base64');
        if (!String(req.headers['webhook-signature']).split(' ').includes(`v1,${expected}`)) {
          this.forged += 1;
          res.writeHead(401).end();
          return;
        }
        if (this.firstSeen.has(id)) this.duplicates += 1;
        else {
          const event = JSON.parse(body) as { part: string; ref: string };
          const entry = { part: event.part, ref: Number(event.ref.slice(2)) };
          this.firstSeen.set(id, entry);
          this.order.push(entry);
        }
        res.writeHead(200).end('ok');
      });
    });
  }
  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/erp/webhooks`;
  }
}

function suite(name: string, target: () => StoreTarget) {
  it(`${name}: every event delivered, once after dedupe, in per-part order, across ${KILLS} SIGKILLs`, async () => {
    const erp = new Erp();
    const url = await erp.start();
    const random = seededRandom(SEED);
    let hub: HubProcess = await startHub(target(), { env: ENV });
    try {
      const post = async (path: string, body: unknown) => {
        const res = await call(hub.url, 'POST', path, { body });
        expect(res.status, `${path}: ${JSON.stringify(res.body)}`).toBeLessThan(300);
      };
      await post('/api/v1/locations', {
        code: 'OUT-WH',
        name: 'Out',
        type: 'regional_warehouse',
        region: 'NORTH',
      });
      for (const p of ['OUT-A', 'OUT-B', 'OUT-C'])
        await post('/api/v1/parts', { partNumber: p, description: p, baseUom: 'EA' });
      await post('/api/v1/integration/systems', {
        code: 'ERP',
        kind: 'erp',
        name: 'ERP',
        ownerTeam: 'ERP team',
      });
      await post('/api/v1/integration/mappings', {
        code: 'to-erp',
        expression: '{"part": payload.lines[0].partNumber, "ref": payload.lines[0].reference}',
      });
      await post('/api/v1/integration/flows', {
        code: 'stock-to-erp',
        systemCode: 'ERP',
        entity: 'stock',
        direction: 'outbound',
        format: 'json',
        transport: 'http',
        mappingCode: 'to-erp',
        mappingVersion: 1,
        webhookSecrets: [SECRET],
        options: {
          url,
          events: ['inventory.stock_moved'],
          retry: { initialIntervalMs: 50, maximumIntervalMs: 200, maximumAttempts: 0, jitter: 0 },
        },
      });
      const killAt = new Set(
        Array.from({ length: KILLS }, () => 5 + Math.floor(random() * (MOVEMENTS - 10))),
      );
      const parts = ['OUT-A', 'OUT-B', 'OUT-C'];
      for (let n = 0; n < MOVEMENTS; n++) {
        if (killAt.has(n)) {
          await hub.kill('SIGKILL');
          hub = await startHub(target(), { env: ENV });
        }
        // Each movement is retried with its idempotency key until acknowledged.
        for (let attempt = 0; ; attempt++) {
          try {
            const res = await call(hub.url, 'POST', '/api/v1/stock/movements', {
              body: {
                type: 'receipt',
                partNumber: parts[n % 3],
                locationCode: 'OUT-WH',
                quantity: 1,
                reference: `r-${n}`,
              },
              headers: { 'idempotency-key': `move-${n}` },
            });
            if (res.status === 201 || res.status === 200) break;
          } catch {
            // the hub is restarting
          }
          if (attempt > 100) throw new Error(`movement ${n} never acknowledged`);
          await sleep(50);
        }
      }
      for (let i = 0; i < 300 && erp.firstSeen.size < MOVEMENTS; i++) await sleep(100);
      expect(erp.forged).toBe(0);
      expect(erp.firstSeen.size).toBe(MOVEMENTS);
      expect(new Set([...erp.firstSeen.values()].map((e) => e.ref)).size).toBe(MOVEMENTS);
      for (const part of parts) {
        const refs = erp.order.filter((e) => e.part === part).map((e) => e.ref);
        expect(refs, part).toEqual([...refs].sort((a, b) => a - b));
      }
      // The ERP may have the last one before the hub has recorded its answer (or, when a kill
      // cut the answer off, before the claim times out and it is sent again): wait for both.
      const deliveredCount = async () =>
        (await call(hub.url, 'GET', '/api/v1/integration/deliveries?status=delivered&limit=500')).body.items
          .length as number;
      let delivered = await deliveredCount();
      for (let i = 0; i < 100 && delivered < MOVEMENTS; i++) {
        await sleep(100);
        delivered = await deliveredCount();
      }
      expect(delivered).toBe(MOVEMENTS);
    } finally {
      await stopHub(hub);
      erp.server.close();
    }
  });
}

describeEachHubStore(`outbound delivery under SIGKILL (seed ${SEED})`, suite);
