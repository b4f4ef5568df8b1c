import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, expect, it } from 'vitest';
import { CONNECTORS, describeConnector } from '../../src/connectors/index.js';
import { parseX12, toCanonical } from '../../src/connectors/formats/x12/index.js';
import { probeNats } from '../../src/connectors/transports/nats/nats-test-support.js';
import { compileMapping, evaluateMapping } from '../../src/modules/integration/index.js';
import { validateCommand } from '../../src/modules/integration/commands.js';
import { asJson, describeEachStore } from '../support/each-store.js';

const root = mkdtempSync(join(tmpdir(), 'sparehub-connectors-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describeEachStore('connectors', (hub) => {
  it('lists every connector with its schemas and messages, and every default mapping compiles', async () => {
    const t = hub();
    const res = await t.api('GET', '/api/v1/integration/connectors');
    expect(res.body.items.map((c: { id: string }) => c.id)).toEqual(CONNECTORS.map((c) => c.id));
    expect(res.body).toEqual(asJson({ items: CONNECTORS.map(describeConnector) }));
    const x12 = res.body.items.find((c: { id: string }) => c.id === 'x12-files');
    expect(x12).toMatchObject({
      transport: 'file',
      format: 'x12',
      configSchema: { type: 'object', required: ['inbox'] },
    });
    for (const c of CONNECTORS)
      for (const m of [...c.reads, ...c.writes])
        expect(() => compileMapping(m.defaultMapping), `${c.id} ${m.messageType}`).not.toThrow();
  });

  it('the X12 connector’s 944 mapping turns the real 944 file into one valid put-away confirmation', async () => {
    const c = CONNECTORS.find((x) => x.id === 'x12-files')!;
    const file = readFileSync(join(import.meta.dirname, '../fixtures/x12/node-x12-edi/944.edi'), 'utf8');
    const set = parseX12(file).interchanges[0]!.groups[0]!.sets[0]!;
    const message = toCanonical(set).messages[0]!;
    const mapping = c.reads.find((r) => r.messageType === 'stock.transfer_receipt')!;
    const commands = await evaluateMapping(compileMapping(mapping.defaultMapping), message);
    expect(commands).toHaveLength(1);
    expect(() => validateCommand(commands[0]!)).not.toThrow();
    expect(commands[0]).toMatchObject({
      command: 'warehouse.putaway',
      input: { receiptRef: '0450366097', locationCode: 'PC1234' },
    });
    const lines = (commands[0]!.input as { lines: unknown[] }).lines;
    expect(lines).toHaveLength(5);
    expect(lines[0]).toMatchObject({ partNumber: '100000154', quantity: 120, uom: 'CA', lot: '22413962' });
  });

  it('tests connections for real and says what is wrong, changing nothing', async () => {
    const t = hub();
    const test = (id: string, body: unknown) =>
      t.api('POST', `/api/v1/integration/connectors/${id}/test`, { body });
    expect(
      (await test('x12-files', { config: { inbox: join(root, 'in'), outbox: join(root, 'out') } })).body,
    ).toMatchObject({ ok: true });
    writeFileSync(join(root, 'a-file'), 'x');
    const blocked = await test('x12-files', { config: { inbox: join(root, 'a-file', 'in') } });
    expect(blocked.body).toMatchObject({ ok: false, detail: expect.stringContaining('ENOTDIR') });
    expect((await test('x12-files', { config: {} })).body).toMatchObject({
      ok: false,
      detail: expect.stringContaining('config.inbox'),
    });
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    expect(
      (
        await test('webhook-json', {
          config: { url: `http://127.0.0.1:${port}/hook` },
          secrets: { webhookSecret: 'whsec_' + 'a'.repeat(20) },
        })
      ).body,
    ).toMatchObject({ ok: false, detail: expect.stringContaining('ECONNREFUSED') });
    expect((await test('webhook-json', { secrets: { webhookSecret: 'short' } })).body).toMatchObject({
      ok: false,
      detail: expect.stringContaining('secrets.webhookSecret'),
    });
    expect((await test('nope', {})).body.code).toBe('CONNECTOR_NOT_FOUND');
    const reader = await t.keyFor('read_only');
    expect(
      (await t.api('POST', '/api/v1/integration/connectors/x12-files/test', { body: {}, key: reader }))
        .status,
    ).toBe(403);
    const nats = await probeNats('the NATS connector test');
    if (nats.available) {
      const missing = await test('nats-json', {
        config: { servers: nats.url, stream: `NO_SUCH_${Date.now()}`, subject: 'x.y' },
      });
      expect(missing.body).toMatchObject({ ok: false, detail: expect.stringContaining('stream') });
    }
  });
});
