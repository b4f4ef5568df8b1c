/**
 * Flows linked to the connectors the hub ships: the connector's config, checked by its own
 * schema, becomes the flow's transport options; a mismatch is refused with the path of the
 * field. A 3PL's 944 put-away file dropped into the folder the x12-files connector names is
 * read and applied through the connector's own default mapping.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, expect, it } from 'vitest';
import { fromCanonical, writeX12 } from '../../src/connectors/formats/x12/index.js';
import { x12FilesConnector } from '../../src/connectors/x12-files/connector.js';
import { canonicalMessageSchema } from '../../src/modules/integration/canonical.js';
import { createFileRuntime } from '../../src/modules/integration/index.js';
import { describeEachStore, type TestHub } from '../support/each-store.js';
import { makeLocation, makePart } from '../support/factories.js';

const root = mkdtempSync(join(tmpdir(), 'sparehub-connectors-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const uid = () => Math.floor(Math.random() * 1e9).toString(36);

async function systemAndMapping(t: TestHub, expression: string) {
  const suffix = uid();
  await t.api('POST', '/api/v1/integration/systems', {
    body: { code: `3PL-${suffix}`, kind: '3pl', name: '3PL', ownerTeam: 'Logistics' },
  });
  const mapping = await t.api('POST', '/api/v1/integration/mappings', {
    body: { code: `m-${suffix}`, expression },
  });
  expect(mapping.status).toBe(201);
  return { suffix, fields: { systemCode: `3PL-${suffix}`, mappingCode: `m-${suffix}`, mappingVersion: 1 } };
}

function put944(partNumber: string, warehouse: string): string {
  const set = fromCanonical(
    canonicalMessageSchema.parse({
      type: 'stock.transfer_receipt',
      transferId: 'TR-77',
      receiptDate: '2026-12-04',
      parties: [{ role: 'warehouse', id: warehouse, qualifier: '92' }],
      lines: [{ lineNumber: '1', item: { partNumber }, quantity: 6, uom: 'EA' }],
    }),
    { controlNumber: '0001' },
  )!;
  const header = { senderId: '3PL', receiverId: 'HUB', time: '1200', controlNumber: 12 };
  return writeX12(
    {
      ...header,
      senderQualifier: 'ZZ',
      receiverQualifier: 'ZZ',
      date: '261204',
      groups: [{ ...header, functionalId: set.functionalId, date: '20261204', sets: [set] }],
    },
    { lineBreak: '\n' },
  );
}

describeEachStore('flows linked to connectors', (hub) => {
  it('takes the transport options from the connector and applies a dropped 944 through its default mapping', async () => {
    const t = hub();
    const part = await makePart(t);
    const location = await makeLocation(t);
    const mapping = x12FilesConnector.reads.find((r) => r.messageType === 'stock.transfer_receipt')!;
    const base = await systemAndMapping(t, mapping.defaultMapping);
    const inbox = join(root, `in-${base.suffix}`);
    const saved = await t.api('POST', '/api/v1/integration/flows', {
      body: {
        ...base.fields,
        code: `put-${base.suffix}`,
        entity: 'stock',
        direction: 'inbound',
        format: 'x12',
        transport: 'file',
        mode: 'batch',
        connector: { id: 'x12-files', config: { inbox, strictEnvelope: false } },
      },
    });
    expect(saved.status, JSON.stringify(saved.body)).toBe(200);
    expect(saved.body).toMatchObject({
      options: { directory: inbox, strictEnvelope: false },
      connector: {
        id: 'x12-files',
        version: x12FilesConnector.version,
        config: { inbox, strictEnvelope: false },
      },
    });
    // Saved back as read (GET, then POST with a change) it stays linked.
    const { hasWebhookSecret: _h, createdAt: _c, updatedAt: _u, ...fields } = saved.body;
    const again = await t.api('POST', '/api/v1/integration/flows', {
      body: { ...fields, interfaceVersion: '2' },
    });
    expect(again.status, JSON.stringify(again.body)).toBe(200);
    expect(again.body.connector).toEqual(saved.body.connector);

    const files = createFileRuntime({
      store: t.hub.store,
      clock: t.hub.clock,
      ids: t.hub.ids,
      pollMs: 60_000,
    });
    try {
      await files.syncDrops();
      mkdirSync(inbox, { recursive: true });
      writeFileSync(join(inbox, 'put-away-0001.edi'), put944(part.partNumber, location.code));
      await files.scanAll(); // seen
      await sleep(1100);
      await files.scanAll(); // stable: taken
    } finally {
      await files.close();
    }
    const messages = await t.api('GET', `/api/v1/integration/messages?flow=put-${base.suffix}`);
    expect(messages.body.items).toHaveLength(1);
    expect(messages.body.items[0]).toMatchObject({ status: 'applied', transport: 'file' });
    const stock = await t.api(
      'GET',
      `/api/v1/stock?partNumber=${part.partNumber}&locationCode=${location.code}`,
    );
    expect(stock.body.items[0].onHand).toBe(6);
  });

  it('refuses a connector that does not exist, does not fit the flow, or whose config or secrets are wrong', async () => {
    const t = hub();
    const base = await systemAndMapping(t, '{"command": "part.upsert", "input": $}');
    const inbound = {
      ...base.fields,
      code: `c-${base.suffix}`,
      entity: 'stock',
      direction: 'inbound',
      format: 'x12',
      transport: 'file',
    };
    const refusal = async (body: Record<string, unknown>) => {
      const res = await t.api('POST', '/api/v1/integration/flows', { body });
      expect(res.status, JSON.stringify(res.body)).toBe(400);
      expect(res.body.code).toBe('VALIDATION_FAILED');
      return res.body.detail as string;
    };
    expect(await refusal({ ...inbound, connector: { id: 'sftp-magic', config: {} } })).toContain(
      "/connector/id: no connector 'sftp-magic'",
    );
    expect(
      await refusal({ ...inbound, format: 'json', connector: { id: 'x12-files', config: { inbox: root } } }),
    ).toContain('/connector/id: x12-files carries x12 over file; the flow is json over file');
    expect(await refusal({ ...inbound, connector: { id: 'x12-files', config: { outbox: root } } })).toContain(
      '/connector/config/inbox',
    );
    expect(
      await refusal({
        ...inbound,
        direction: 'outbound',
        options: {
          events: ['inventory.*'],
          x12: {
            senderQualifier: 'ZZ',
            senderId: 'HUB',
            receiverQualifier: 'ZZ',
            receiverId: '3PL',
            usage: 'T',
          },
        },
        connector: { id: 'x12-files', config: { inbox: root } },
      }),
    ).toContain('/connector/config: an outbound flow through x12-files needs config.outbox');
    expect(
      await refusal({
        ...inbound,
        format: 'json',
        transport: 'http',
        connector: { id: 'webhook-json', config: {}, secrets: { webhookSecret: 'short' } },
      }),
    ).toContain('/connector/secrets/webhookSecret');
    const flows = (await t.api('GET', '/api/v1/integration/flows')).body.items as Array<{ code: string }>;
    expect(flows.map((f) => f.code)).not.toContain(inbound.code);
  });

  it("sets a webhook flow's signing secret from the connector's secrets and never shows it", async () => {
    const t = hub();
    const base = await systemAndMapping(t, '{"command": "part.upsert", "input": $}');
    const secret = `whsec_${Buffer.from('a connector secret of 32 bytes!!').toString('base64')}`;
    const saved = await t.api('POST', '/api/v1/integration/flows', {
      body: {
        ...base.fields,
        code: `wh-${base.suffix}`,
        entity: 'part',
        direction: 'inbound',
        format: 'json',
        transport: 'http',
        connector: { id: 'webhook-json', config: {}, secrets: { webhookSecret: secret } },
      },
    });
    expect(saved.status, JSON.stringify(saved.body)).toBe(200);
    expect(saved.body).toMatchObject({
      hasWebhookSecret: true,
      connector: { id: 'webhook-json', config: {} },
    });
    const listed = await t.api('GET', '/api/v1/integration/flows');
    expect(JSON.stringify(listed.body)).not.toContain(secret);
    expect(JSON.stringify(saved.body)).not.toContain(secret);
  });
});
