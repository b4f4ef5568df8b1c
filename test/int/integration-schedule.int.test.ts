/**
 * Scheduled inbound (M1.4): a batch flow with a cron schedule, and a flow with integration
 * windows, take every message at once (stored raw, acknowledged) and apply it when due —
 * through the inbound worker's own calls, with the clock it would see at that moment.
 */
import { expect, it } from 'vitest';
import { pendingInbound, processDueInbound } from '../../src/modules/integration/index.js';
import { describeEachStore, type TestHub } from '../support/each-store.js';
import { makeLocation, makePart } from '../support/factories.js';

const uid = () => Math.floor(Math.random() * 1e9).toString(36);
const hhmm = (d: Date) => d.toISOString().slice(11, 16);

async function receiptFlow(t: TestHub, timing: Record<string, unknown>) {
  const part = await makePart(t);
  const location = await makeLocation(t);
  const suffix = uid();
  await t.api('POST', '/api/v1/integration/systems', {
    body: { code: `ERP-${suffix}`, kind: 'erp', name: 'ERP', ownerTeam: 'IT' },
  });
  const mapping = await t.api('POST', '/api/v1/integration/mappings', {
    body: {
      code: `rcv-${suffix}`,
      expression: `{"command": "stock.receive", "input": {"partNumber": "${part.partNumber}", "locationCode": "${location.code}", "quantity": qty, "reference": ref}}`,
    },
  });
  expect(mapping.status).toBe(201);
  const flow = await t.api('POST', '/api/v1/integration/flows', {
    body: {
      code: `rcv-${suffix}`,
      systemCode: `ERP-${suffix}`,
      entity: 'stock',
      direction: 'inbound',
      format: 'json',
      transport: 'http',
      mappingCode: `rcv-${suffix}`,
      mappingVersion: 1,
      ...timing,
    },
  });
  expect(flow.status, JSON.stringify(flow.body)).toBe(200);
  const onHand = async () =>
    (await t.api('GET', `/api/v1/stock?partNumber=${part.partNumber}&locationCode=${location.code}`)).body
      .items[0]?.onHand ?? 0;
  return { code: `rcv-${suffix}`, onHand };
}

async function send(t: TestHub, flow: string, key: string, qty: number) {
  const res = await t.api('POST', `/api/v1/integration/flows/${flow}/messages`, {
    body: { qty, ref: key },
    headers: { 'idempotency-key': key },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(202);
  return res.body as {
    messageId: string;
    duplicate: boolean;
    outcome: unknown;
    dueAt: string | null;
    timing: string[];
  };
}

/** What the inbound worker would pick up and do at `now`, for this test's message only. */
async function workerAt(t: TestHub, messageId: string, now: Date) {
  const iso = now.toISOString();
  const pending = await pendingInbound(t.hub.store.db, iso, 1000, iso, iso);
  if (!pending.some((m) => m.id === messageId)) return 'not picked up';
  return (await processDueInbound(t.hub.store, t.ctx(), messageId, now)).status;
}

describeEachStore('scheduled inbound', (hub) => {
  it('a batch flow with a cron schedule stores a message at once and applies it at the next tick, once', async () => {
    const t = hub();
    const flow = await receiptFlow(t, { mode: 'batch', schedule: '0 2 * * *' });
    const sent = await send(t, flow.code, `b-${uid()}`, 4);
    expect(sent.outcome).toBeNull();
    const due = new Date(sent.dueAt!);
    expect(hhmm(due)).toBe('02:00');
    expect(due.getTime() - Date.now()).toBeGreaterThan(0);
    expect(due.getTime() - Date.now()).toBeLessThanOrEqual(86_400_000);
    expect(sent.timing).toEqual([expect.stringContaining('next tick')]);
    const message = await t.api('GET', `/api/v1/integration/messages/${sent.messageId}`);
    expect(message.body).toMatchObject({ status: 'received', dueAt: sent.dueAt });
    expect(await flow.onHand()).toBe(0);

    // Before the tick the worker leaves it alone; a resend is a duplicate with the same due time.
    expect(await workerAt(t, sent.messageId, new Date(due.getTime() - 60_000))).toBe('not picked up');
    const again = await t.api('POST', `/api/v1/integration/flows/${flow.code}/messages`, {
      body: { qty: 4, ref: 'x' },
      headers: { 'idempotency-key': message.body.idempotencyKey },
    });
    expect(again.body).toMatchObject({ duplicate: true, messageId: sent.messageId, dueAt: sent.dueAt });

    expect(await workerAt(t, sent.messageId, due)).toBe('applied');
    expect(await flow.onHand()).toBe(4);
    expect(await workerAt(t, sent.messageId, due)).toBe('not picked up');
    expect(await flow.onHand()).toBe(4);
  });

  it('a waiting message can be applied now on request, with a reason, once', async () => {
    const t = hub();
    const flow = await receiptFlow(t, { mode: 'batch', schedule: '0 2 * * *' });
    const sent = await send(t, flow.code, `n-${uid()}`, 3);
    expect(sent.dueAt).not.toBeNull();
    const operator = await t.keyFor('read_only');
    const refused = await t.api('POST', `/api/v1/integration/messages/${sent.messageId}/apply-now`, {
      key: operator,
      body: { reason: 'urgent' },
    });
    expect(refused.status).toBe(403);
    const now = await t.api('POST', `/api/v1/integration/messages/${sent.messageId}/apply-now`, {
      body: { reason: 'the ERP batch is needed before the 02:00 run' },
    });
    expect(now.status, JSON.stringify(now.body)).toBe(200);
    expect(now.body).toEqual({
      messageId: sent.messageId,
      status: 'applied',
      mapping: `${flow.code}@1`,
      commands: 1,
    });
    expect(await flow.onHand()).toBe(3);
    const twice = await t.api('POST', `/api/v1/integration/messages/${sent.messageId}/apply-now`, {
      body: { reason: 'again' },
    });
    expect(twice.body.code).toBe('INBOUND_MESSAGE_STATE');
    expect(await flow.onHand()).toBe(3);
    // The worker finds nothing left to do at the tick.
    expect(await workerAt(t, sent.messageId, new Date(sent.dueAt!))).toBe('not picked up');
    const audit = await t.api('GET', '/api/v1/audit?limit=100');
    expect(
      audit.body.items.some(
        (a: { action: string; entityId: string; reason: string | null }) =>
          a.action === 'integration.message_applied_early' && a.entityId === sent.messageId,
      ),
    ).toBe(true);
  });

  it('a flow outside its integration window applies a message when the window opens, not before', async () => {
    const t = hub();
    const opens = new Date(Math.ceil((Date.now() + 2 * 3_600_000) / 60_000) * 60_000);
    const closes = new Date(opens.getTime() + 3_600_000);
    const flow = await receiptFlow(t, {
      windows: [{ days: [0, 1, 2, 3, 4, 5, 6], from: hhmm(opens), to: hhmm(closes) }],
    });
    const sent = await send(t, flow.code, `w-${uid()}`, 3);
    expect(sent).toMatchObject({ outcome: null, dueAt: opens.toISOString() });
    expect(sent.timing).toEqual([expect.stringContaining('outside every integration window')]);

    // Picked up early (say, after a clock jump) it is put back to wait for the opening.
    const early = new Date(opens.getTime() - 30 * 60_000);
    const deferred = await processDueInbound(t.hub.store, t.ctx(), sent.messageId, early);
    expect(deferred).toMatchObject({ status: 'received', dueAt: opens.toISOString() });
    expect(await flow.onHand()).toBe(0);

    expect(await workerAt(t, sent.messageId, opens)).toBe('applied');
    expect(await flow.onHand()).toBe(3);
  });

  it('a real-time flow without windows still applies as the message arrives', async () => {
    const t = hub();
    const flow = await receiptFlow(t, {});
    const sent = await send(t, flow.code, `r-${uid()}`, 2);
    expect(sent).toMatchObject({
      dueAt: null,
      timing: ['applied as it arrives'],
      outcome: { status: 'applied' },
    });
    expect(await flow.onHand()).toBe(2);
  });
});
