import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, expect, it } from 'vitest';
import {
  createFileRuntime,
  defaultTransports,
  deliverDue,
  routeOutbox,
} from '../../src/modules/integration/index.js';
import { describeEachStore } from '../support/each-store.js';
import { makeLocation, makePart, receive } from '../support/factories.js';

const root = mkdtempSync(join(tmpdir(), 'sparehub-files-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describeEachStore('integration through drop folders', (hub) => {
  it('applies a 3PL stock snapshot dropped as CSV (counted, reason-coded) once, and writes outbound events as files', async () => {
    const t = hub();
    const id = Math.floor(Math.random() * 1e9).toString(36);
    const inbox = join(root, `in-${id}`);
    const outbox = join(root, `out-${id}`);
    const location = await makeLocation(t);
    const [a, b] = [await makePart(t), await makePart(t)];
    await receive(t, a, location, 10);
    const ok = (res: { status: number; body: unknown }) =>
      expect(res.status, JSON.stringify(res.body)).toBeLessThan(300);
    ok(
      await t.api('POST', '/api/v1/integration/systems', {
        body: { code: `3PL-${id}`, kind: '3pl', name: '3PL', ownerTeam: 'Logistics' },
      }),
    );
    const map = await t.api('POST', '/api/v1/integration/mappings', {
      body: {
        code: `snap-${id}`,
        expression: `{"command": "stock.count", "input": {"locationCode": "${location.code}", "reasonCode": "CYCLE_COUNT", "lines": [lines[quantityKind = "on_hand"].{"partNumber": item.partNumber, "quantity": quantity, "uom": uom}]}}`,
      },
    });
    ok(
      await t.api('POST', '/api/v1/integration/flows', {
        body: {
          code: `snap-in-${id}`,
          systemCode: `3PL-${id}`,
          entity: 'stock',
          direction: 'inbound',
          format: 'csv',
          transport: 'file',
          mode: 'batch',
          mappingCode: `snap-${id}`,
          mappingVersion: map.body.version,
          options: { directory: inbox },
        },
      }),
    );
    const out = await t.api('POST', '/api/v1/integration/mappings', {
      body: { code: `fout-${id}`, expression: '{"key": key, "lines": payload.lines}' },
    });
    ok(
      await t.api('POST', '/api/v1/integration/flows', {
        body: {
          code: `files-out-${id}`,
          systemCode: `3PL-${id}`,
          entity: 'stock',
          direction: 'outbound',
          format: 'json',
          transport: 'file',
          mappingCode: `fout-${id}`,
          mappingVersion: out.body.version,
          options: { directory: outbox, events: ['inventory.count_posted'] },
        },
      }),
    );
    const files = createFileRuntime({
      store: t.hub.store,
      clock: t.hub.clock,
      ids: t.hub.ids,
      pollMs: 60_000,
    });
    try {
      await files.syncDrops();
      mkdirSync(inbox, { recursive: true });
      const csv = `partNumber,quantity,uom\n${a.partNumber},7,EA\n${b.partNumber},3,EA\n,4,EA\n`;
      writeFileSync(join(inbox, 'snapshot-20261125.csv'), csv);
      await files.scanAll(); // seen
      await sleep(1100);
      await files.scanAll(); // stable: taken
      const messages = await t.api('GET', `/api/v1/integration/messages?flow=snap-in-${id}`);
      expect(messages.body.items).toHaveLength(1);
      expect(messages.body.items[0]).toMatchObject({
        status: 'applied',
        transport: 'file',
        meta: { fileName: 'snapshot-20261125.csv' },
      });
      expect(messages.body.items[0].result.rejects).toEqual([
        expect.objectContaining({ code: 'CSV_EMPTY_PART' }),
      ]);
      const stockA = await t.api(
        'GET',
        `/api/v1/stock?partNumber=${a.partNumber}&locationCode=${location.code}`,
      );
      const stockB = await t.api(
        'GET',
        `/api/v1/stock?partNumber=${b.partNumber}&locationCode=${location.code}`,
      );
      expect(stockA.body.items[0].onHand).toBe(7);
      expect(stockB.body.items[0].onHand).toBe(3);
      // The same file dropped again is the same message: nothing changes twice.
      writeFileSync(join(inbox, 'snapshot-20261125.csv'), csv);
      await files.scanAll();
      await sleep(1100);
      await files.scanAll();
      expect((await t.api('GET', `/api/v1/integration/messages?flow=snap-in-${id}`)).body.items).toHaveLength(
        1,
      );

      const relay = {
        store: t.hub.store,
        clock: t.hub.clock,
        ids: t.hub.ids,
        random: t.hub.random,
        transportFor: defaultTransports(),
        tenantId: t.tenantId,
      };
      // Other suites' relays share this database and may be the one that writes it: wait for it.
      for (let i = 0; i < 100 && !(existsSync(outbox) && readdirSync(outbox).length > 0); i++) {
        await routeOutbox(relay);
        await deliverDue(relay);
        if (!existsSync(outbox)) await sleep(50);
      }
      const written = readdirSync(outbox);
      expect(written).toHaveLength(1);
      expect(written[0]).toMatch(/^inventory\.count_posted-dlv_/);
      const event = JSON.parse(readFileSync(join(outbox, written[0]!), 'utf8')) as { lines: unknown[] };
      expect(event.lines).toHaveLength(2);
    } finally {
      await files.close();
    }
  });
});
