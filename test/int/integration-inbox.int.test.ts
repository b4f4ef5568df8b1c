import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { reader } from '../../src/kernel/index.js';
import { listEvents, verifyTenant } from '../../src/modules/audit/index.js';
import { signWebhook } from '../../src/connectors/transports/webhook/index.js';
import { listIntegrationErrors, purgeExpiredMessages } from '../../src/modules/integration/index.js';
import { asJson, describeEachStore, type TestHub } from '../support/each-store.js';
import { makeLocation, makePart } from '../support/factories.js';

const X12 = join(import.meta.dirname, '../fixtures/x12');
const uid = () => Math.floor(Math.random() * 1e9).toString(36);

async function setUp(
  t: TestHub,
  suffix: string,
  mappingExpression: string,
  flow: Record<string, unknown> = {},
) {
  const system = `ERP-${suffix}`;
  expect(
    (
      await t.api('POST', '/api/v1/integration/systems', {
        body: {
          code: system,
          kind: 'erp',
          name: 'SAP ECC',
          ownerTeam: 'ERP team',
          escalation: [{ name: 'On call', contact: 'erp-oncall@example.com' }],
        },
      })
    ).status,
  ).toBe(200);
  const mapping = await t.api('POST', '/api/v1/integration/mappings', {
    body: { code: `map-${suffix}`, expression: mappingExpression },
  });
  expect(mapping.status).toBe(201);
  const saved = await t.api('POST', '/api/v1/integration/flows', {
    body: {
      code: `flow-${suffix}`,
      systemCode: system,
      entity: 'part',
      direction: 'inbound',
      format: 'json',
      transport: 'http',
      mappingCode: `map-${suffix}`,
      mappingVersion: mapping.body.version,
      ...flow,
    },
  });
  expect(saved.status).toBe(200);
  return { system, flow: `flow-${suffix}`, mapping: `map-${suffix}` };
}

function send(t: TestHub, flow: string, body: string, key?: string, contentType = 'application/json') {
  return t.api('POST', `/api/v1/integration/flows/${flow}/messages`, {
    rawBody: body,
    headers: { 'content-type': contentType, ...(key ? { 'idempotency-key': key } : {}) },
  });
}

const PART_MAPPING =
  '{"command": "part.upsert", "input": {"partNumber": material, "description": text, "baseUom": unit, "source": "ERP"}}';

describeEachStore('integration inbox', (hub) => {
  it('stores every message raw, applies it once through its mapping, and answers a repeat with the first message', async () => {
    const t = hub();
    const s = await setUp(t, uid(), PART_MAPPING);
    const material = `MAT-${uid()}`;
    const body = JSON.stringify({ material, text: 'Drive belt', unit: 'EA' });
    const first = await send(t, s.flow, body, 'erp-evt-1');
    expect(first.status).toBe(202);
    expect(first.body).toMatchObject({
      duplicate: false,
      outcome: { status: 'applied', mapping: `${s.mapping}@1`, commands: 1 },
    });
    const again = await send(t, s.flow, body, 'erp-evt-1');
    expect(again.body).toMatchObject({ duplicate: true, messageId: first.body.messageId, outcome: null });
    expect((await t.api('GET', `/api/v1/parts/${material}`)).body).toMatchObject({
      description: 'Drive belt',
    });
    const created = await t.api('GET', `/api/v1/audit?entityType=part&action=part.created`);
    expect(
      created.body.items.filter((a: { after: { partNumber: string } }) => a.after?.partNumber === material),
    ).toHaveLength(1);
    const stored = await t.api('GET', `/api/v1/integration/messages/${first.body.messageId}`);
    expect(stored.body).toMatchObject({
      status: 'applied',
      mappingCode: s.mapping,
      mappingVersion: 1,
      idempotencyKey: 'erp-evt-1',
      attempts: 1,
    });
    expect((await t.api('GET', `/api/v1/integration/messages?flow=${s.flow}`)).body.items).toHaveLength(1);
    // Without a key, the body's hash is the key: the same body again is the same message.
    const hashed = await send(
      t,
      s.flow,
      JSON.stringify({ material: `${material}-2`, text: 'Seal', unit: 'EA' }),
    );
    expect(hashed.body.duplicate).toBe(false);
    expect(
      (await send(t, s.flow, JSON.stringify({ material: `${material}-2`, text: 'Seal', unit: 'EA' }))).body
        .duplicate,
    ).toBe(true);
    expect((await verifyTenant(t.hub.store.db, { id: t.tenantId, code: 't' })).ok).toBe(true);
  });

  it('runs two mapping versions side by side and records which one each message used', async () => {
    const t = hub();
    const s = await setUp(t, uid(), PART_MAPPING);
    // Version 2 reads the upgraded ERP's field names; a second flow pins it while the first keeps v1.
    const v2 = await t.api('POST', '/api/v1/integration/mappings', {
      body: {
        code: s.mapping,
        expression:
          '{"command": "part.upsert", "input": {"partNumber": MATNR, "description": MAKTX, "baseUom": MEINS, "source": "ERP"}}',
      },
    });
    expect(v2.body.version).toBe(2);
    const upgraded = `${s.flow}-s4`;
    await t.api('POST', '/api/v1/integration/flows', {
      body: {
        code: upgraded,
        systemCode: s.system,
        entity: 'part',
        direction: 'inbound',
        format: 'json',
        transport: 'http',
        mappingCode: s.mapping,
        mappingVersion: 2,
      },
    });
    const a = `OLD-${uid()}`;
    const b = `NEW-${uid()}`;
    const old = await send(t, s.flow, JSON.stringify({ material: a, text: 'Old ERP', unit: 'EA' }));
    const neu = await send(t, upgraded, JSON.stringify({ MATNR: b, MAKTX: 'S/4 ERP', MEINS: 'EA' }));
    expect(old.body.outcome.mapping).toBe(`${s.mapping}@1`);
    expect(neu.body.outcome.mapping).toBe(`${s.mapping}@2`);
    expect((await t.api('GET', `/api/v1/parts/${b}`)).body.description).toBe('S/4 ERP');
    const bad = await t.api('POST', '/api/v1/integration/mappings', {
      body: { code: s.mapping, expression: '{"command": ' },
    });
    expect(bad.body.code).toBe('MAPPING_INVALID');
  });

  it('shadow flows map and compare but apply nothing', async () => {
    const t = hub();
    const s = await setUp(t, uid(), PART_MAPPING, { state: 'shadow' });
    const existing = await makePart(t, { description: 'Belt, old text' });
    const fresh = `SHD-${uid()}`;
    const one = await send(t, s.flow, JSON.stringify({ material: fresh, text: 'Fan', unit: 'EA' }));
    const two = await send(
      t,
      s.flow,
      JSON.stringify({ material: existing.partNumber, text: 'Belt, new text', unit: 'EA' }),
    );
    expect(one.body.outcome).toMatchObject({
      status: 'shadowed',
      previews: [{ change: 'create', entity: `part:${fresh}` }],
    });
    expect(two.body.outcome.previews[0]).toMatchObject({
      change: 'update',
      before: { description: 'Belt, old text' },
      after: { description: 'Belt, new text' },
    });
    expect((await t.api('GET', `/api/v1/parts/${fresh}`)).status).toBe(404);
    expect((await t.api('GET', `/api/v1/parts/${existing.partNumber}`)).body.description).toBe(
      'Belt, old text',
    );
  });

  it('dead-letters what cannot be read or mapped with a code, changing nothing; retry after a fix, or discard with a reason', async () => {
    const t = hub();
    const s = await setUp(t, uid(), '{"command": "part.explode", "input": {}}');
    const notJson = await send(t, s.flow, '{"material": ', 'k1');
    expect(notJson.body.outcome).toMatchObject({ status: 'dead', error: { code: 'INBOUND_FORMAT_INVALID' } });
    const material = `DLQ-${uid()}`;
    const unknown = await send(t, s.flow, JSON.stringify({ material, text: 'Gasket', unit: 'EA' }), 'k2');
    expect(unknown.body.outcome).toMatchObject({ status: 'dead', error: { code: 'COMMAND_UNKNOWN' } });
    expect((await t.api('GET', `/api/v1/parts/${material}`)).status).toBe(404);
    // What arrived stays readable as it arrived, whole or cut short, beside what became of it.
    const raw = JSON.stringify({ material, text: 'Gasket', unit: 'EA' });
    expect((await t.api('GET', `/api/v1/integration/messages/${unknown.body.messageId}/body`)).body).toEqual({
      id: unknown.body.messageId,
      contentType: 'application/json',
      length: raw.length,
      truncated: false,
      body: raw,
    });
    expect(
      (await t.api('GET', `/api/v1/integration/messages/${unknown.body.messageId}/body?maxChars=5`)).body,
    ).toMatchObject({ length: raw.length, truncated: true, body: raw.slice(0, 5) });
    expect((await t.api('GET', '/api/v1/integration/messages/inb_nope/body')).body.code).toBe(
      'INBOUND_MESSAGE_NOT_FOUND',
    );
    const dead = await t.api('GET', `/api/v1/integration/messages?flow=${s.flow}&status=dead`);
    expect(dead.body.items).toHaveLength(2);
    const events = await t.api('GET', '/api/v1/events?type=integration.message_dead_lettered');
    expect(events.body.items.map((e: { payload: { messageId: string } }) => e.payload.messageId)).toContain(
      unknown.body.messageId,
    );
    expect(events.body).toEqual(
      asJson({
        items: await listEvents(reader(t.hub.store, t.ctx()), {
          type: 'integration.message_dead_lettered',
          limit: 100,
        }),
      }),
    );

    // The administrator fixes the mapping (a new version), re-pins the flow and retries.
    const fixed = await t.api('POST', '/api/v1/integration/mappings', {
      body: { code: s.mapping, expression: PART_MAPPING },
    });
    await t.api('POST', '/api/v1/integration/flows', {
      body: {
        code: s.flow,
        systemCode: s.system,
        entity: 'part',
        direction: 'inbound',
        format: 'json',
        transport: 'http',
        mappingCode: s.mapping,
        mappingVersion: fixed.body.version,
      },
    });
    const planner = await t.keyFor('planner');
    expect(
      (await t.api('POST', `/api/v1/integration/messages/${unknown.body.messageId}/retry`, { key: planner }))
        .status,
    ).toBe(403);
    const retried = await t.api('POST', `/api/v1/integration/messages/${unknown.body.messageId}/retry`);
    expect(retried.body).toMatchObject({ status: 'applied', mapping: `${s.mapping}@2` });
    expect((await t.api('GET', `/api/v1/parts/${material}`)).status).toBe(200);
    expect(
      (await t.api('POST', `/api/v1/integration/messages/${unknown.body.messageId}/retry`)).body.code,
    ).toBe('INBOUND_MESSAGE_STATE');
    const discarded = await t.api('POST', `/api/v1/integration/messages/${notJson.body.messageId}/discard`, {
      body: { reason: 'ERP resent the event in full' },
    });
    expect(discarded.body).toMatchObject({ status: 'discarded' });
    const trail = await t.api(
      'GET',
      `/api/v1/audit?entityType=inbox_message&entityId=${notJson.body.messageId}`,
    );
    expect(trail.body.items[0]).toMatchObject({
      action: 'integration.message_discarded',
      reason: 'ERP resent the event in full',
    });
  });

  it('ranks the error log by business impact: a blocked urgent service job before a part sync', async () => {
    const t = hub();
    const parts = await setUp(t, uid(), '{"command": "part.explode", "input": {}}');
    const jobs = await setUp(t, uid(), '{"command": "workorder.reserve", "input": {}}', {
      entity: 'work_order',
    });
    await send(t, parts.flow, JSON.stringify({ material: 'X', text: 'x', unit: 'EA' }));
    const soon = new Date(Date.now() + 2 * 3600_000).toISOString();
    const job = await send(t, jobs.flow, JSON.stringify({ workOrder: 'WO-1', priority: 1, slaDueAt: soon }));
    await send(t, parts.flow, JSON.stringify({ material: 'Y', text: 'y', unit: 'EA' }));
    const log = await t.api('GET', '/api/v1/integration/errors');
    expect(log.body.items[0]).toMatchObject({
      kind: 'inbound',
      id: job.body.messageId,
      impact: 'blocks_service_job',
      code: 'COMMAND_UNKNOWN',
    });
    expect(log.body.items[0].reasons.join(' ')).toMatch(/service job/);
    // The answer keeps every field of the log; reasons may name how long until an SLA is due,
    // which moves between the two reads.
    const direct = asJson(await listIntegrationErrors(reader(t.hub.store, t.ctx()), t.hub.clock, 100));
    expect(log.body.items).toEqual(
      (direct as Array<Record<string, unknown>>).map((e) => ({ ...e, reasons: expect.any(Array) })),
    );
    expect(log.body.items.slice(1).every((e: { impact: string }) => e.impact !== 'blocks_service_job')).toBe(
      true,
    );
  });

  it('purges finished messages past their flow’s retention, never pending or dead ones', async () => {
    const t = hub();
    const s = await setUp(t, uid(), PART_MAPPING, { retentionDays: 30 });
    const applied = await send(
      t,
      s.flow,
      JSON.stringify({ material: `RET-${uid()}`, text: 'Kept a while', unit: 'EA' }),
    );
    const dead = await send(t, s.flow, 'not json at all');
    expect(dead.body.outcome.status).toBe('dead');
    // Thirty days later nothing has expired; thirty-one days later the applied one has.
    const day = 86_400_000;
    const reportAt = async (days: number) =>
      (await purgeExpiredMessages(t.hub.store, t.ctx(), new Date(Date.now() + days * day))).find(
        (r) => r.flowCode === s.flow,
      );
    expect(await reportAt(29)).toMatchObject({ inboundPurged: 0 });
    expect(await reportAt(31)).toMatchObject({ inboundPurged: 1, retentionDays: 30 });
    expect((await t.api('GET', `/api/v1/integration/messages/${applied.body.messageId}`)).status).toBe(404);
    expect((await t.api('GET', `/api/v1/integration/messages/${dead.body.messageId}`)).body.status).toBe(
      'dead',
    );
    expect(await reportAt(400)).toMatchObject({ inboundPurged: 0 });
    const trail = await t.api(
      'GET',
      `/api/v1/audit?entityType=integration_flow&entityId=${s.flow}&action=integration.messages_purged`,
    );
    expect(trail.body.items).toHaveLength(1);
  });

  it('takes webhooks verified by signature: once per webhook id, refused when forged or stale', async () => {
    const t = hub();
    const secret = 'whsec_' + Buffer.from(`erp-webhook-secret-${uid()}`).toString('base64');
    const s = await setUp(t, uid(), PART_MAPPING, { webhookSecrets: [secret] });
    const { code: tenant } = await t.hub.store.db
      .selectFrom('tenants')
      .select('code')
      .where('id', '=', t.tenantId)
      .executeTakeFirstOrThrow();
    const material = `WH-${uid()}`;
    const body = JSON.stringify({ material, text: 'Webhook part', unit: 'EA' });
    const now = Math.floor(Date.now() / 1000);
    const signed = signWebhook({ secret, id: 'msg_erp_1', timestamp: now, body });
    const post = (headers: Record<string, string>, raw = body) =>
      t.api('POST', `/webhooks/${tenant}/${s.flow}`, {
        rawBody: raw,
        key: null,
        headers: { 'content-type': 'application/json', ...headers },
      });
    const first = await post({ ...signed });
    expect(first.status).toBe(202);
    expect(first.body).toMatchObject({ duplicate: false, outcome: { status: 'applied' } });
    expect((await post({ ...signed })).body).toMatchObject({
      duplicate: true,
      messageId: first.body.messageId,
    });
    const forged = await post(
      { ...signed, 'webhook-id': 'msg_erp_2' },
      body.replace('Webhook part', 'Forged part'),
    );
    expect(forged.status).toBe(401);
    expect(forged.body).toMatchObject({ code: 'WEBHOOK_SIGNATURE_INVALID' });
    const stale = signWebhook({ secret, id: 'msg_erp_3', timestamp: now - 600, body });
    expect((await post({ ...stale })).body).toMatchObject({
      code: 'WEBHOOK_SIGNATURE_INVALID',
      reason: 'WEBHOOK_TIMESTAMP_TOO_OLD',
    });
    expect(
      (
        await t.api('POST', `/webhooks/${tenant}/no-such-flow`, {
          rawBody: body,
          key: null,
          headers: { ...signed },
        })
      ).status,
    ).toBe(401);
    expect((await t.api('GET', `/api/v1/integration/messages?flow=${s.flow}`)).body.items).toHaveLength(1);
    expect((await t.api('GET', `/api/v1/parts/${material}`)).body.description).toBe('Webhook part');
    // The secret is never shown again.
    const flows = await t.api('GET', '/api/v1/integration/flows');
    const flow = flows.body.items.find((f: { code: string }) => f.code === s.flow);
    expect(flow).toMatchObject({ hasWebhookSecret: true });
    expect(JSON.stringify(flows.body)).not.toContain(secret.slice(6, 20));
  });

  it('applies a real X12 944 receipt advice, converting cases to the part’s unit', async () => {
    const t = hub();
    const suffix = uid();
    const location = await makeLocation(t, { code: `WH944-${suffix}` });
    // 944.edi names part 100000154 in cases (CA): 5 lots of 120 cases.
    const partNumber = '100000154';
    const exists = await t.api('GET', `/api/v1/parts/${partNumber}`);
    if (exists.status === 404) await makePart(t, { partNumber, description: 'Bottled water', baseUom: 'EA' });
    await t.api('POST', '/api/v1/uom/conversions', {
      body: { partNumber, fromUom: 'CA', toUom: 'EA', numerator: 24 },
    });
    const s = await setUp(
      t,
      suffix,
      `lines.{"command": "stock.receive", "input": {"partNumber": item.partNumber, "locationCode": "${location.code}", "quantity": quantity, "uom": uom, "reference": "944 " & $$.transferId}}`,
      { format: 'x12', entity: 'stock_receipt' },
    );
    const file = readFileSync(join(X12, 'node-x12-edi/944.edi'), 'utf8');
    const res = await send(t, s.flow, file, undefined, 'application/edi-x12');
    expect(res.body.outcome).toMatchObject({ status: 'applied', commands: 5 });
    const stock = await t.api('GET', `/api/v1/stock?partNumber=${partNumber}&locationCode=${location.code}`);
    expect(stock.body.items[0]).toMatchObject({ onHand: 5 * 120 * 24 });
    expect((await send(t, s.flow, file, undefined, 'application/edi-x12')).body.duplicate).toBe(true);
    // A broken interchange is refused whole, naming the failed check.
    const broken = readFileSync(join(X12, 'EdiEngine/940_Failed_SE01.edi'), 'utf8');
    const refused = await send(t, s.flow, broken, undefined, 'application/edi-x12');
    expect(refused.body.outcome.error.detail).toContain('X12_SE_COUNT_MISMATCH');
  });
});
