/**
 * Inbound messages under SIGKILL: a sender posts messages to a flow, each with its own
 * idempotency key, while the test kills the hub at seeded random moments and restarts it on
 * the same store. The sender resends every message it got no 202 for, then resends a shuffled
 * sample of all of them again (duplicated and reordered). Afterwards every message was
 * applied exactly once: stock equals the number of distinct messages, the ledger holds one
 * receipt per message, nothing is left unprocessed, and `sparehub verify` passes.
 *
 * Set E2E_SEED to replay a schedule (the seed is in the suite name).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { expect, it } from 'vitest';
import {
  call,
  E2E_ADMIN_KEY,
  runVerify,
  seededRandom,
  startHub,
  describeEachHubStore,
  stopHub,
  type HubProcess,
  type StoreTarget,
} from '../support/hub-process.js';

const SEED = Number(process.env.E2E_SEED ?? 0x1b0c);
const MESSAGES = 240;
const KILLS = 3;
const IN_FLIGHT = 8;
const PART = 'INB-PART-1';
const LOCATION = 'INB-WH';
const FLOW = 'fsm-receipts';

async function post(hub: HubProcess, key: string, seq: number): Promise<number> {
  const res = await fetch(`${hub.url}/api/v1/integration/flows/${FLOW}/messages`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${E2E_ADMIN_KEY}`,
      'content-type': 'application/json',
      'idempotency-key': key,
    },
    body: JSON.stringify({ seq, part: PART }),
    signal: AbortSignal.timeout(10_000),
  });
  await res.arrayBuffer();
  return res.status;
}

async function setUp(hub: HubProcess): Promise<void> {
  const steps: Array<[string, unknown]> = [
    ['/api/v1/parts', { partNumber: PART, description: 'Inbound crash part', baseUom: 'EA' }],
    [
      '/api/v1/locations',
      { code: LOCATION, name: 'Inbound warehouse', type: 'regional_warehouse', region: 'NORTH' },
    ],
    [
      '/api/v1/integration/systems',
      { code: 'FSM', kind: 'fsm', name: 'Field service', ownerTeam: 'Service IT' },
    ],
    [
      '/api/v1/integration/mappings',
      {
        code: 'fsm-receipt',
        expression: `{"command": "stock.receive", "input": {"partNumber": part, "locationCode": "${LOCATION}", "quantity": 1, "reference": "msg " & $string(seq)}}`,
      },
    ],
    [
      '/api/v1/integration/flows',
      {
        code: FLOW,
        systemCode: 'FSM',
        entity: 'stock',
        direction: 'inbound',
        format: 'json',
        transport: 'http',
        mappingCode: 'fsm-receipt',
        mappingVersion: 1,
      },
    ],
  ];
  for (const [path, body] of steps) {
    const res = await call(hub.url, 'POST', path, { body });
    expect(res.status, `${path}: ${JSON.stringify(res.body)}`).toBeLessThan(300);
  }
}

function crashSuite(name: string, target: () => StoreTarget) {
  it(`${name}: every message applied exactly once across ${KILLS} SIGKILLs, duplicates and reordering`, async () => {
    const random = seededRandom(SEED);
    let hub = await startHub(target());
    await setUp(hub);
    const acked = new Set<number>();
    const killAt = new Set(Array.from({ length: KILLS }, () => Math.floor(random() * MESSAGES * 0.9) + 5));
    let restarting: Promise<void> | null = null;

    const sendUntilAcked = async (seq: number) => {
      for (let attempt = 0; attempt < 50; attempt++) {
        if (restarting) await restarting;
        try {
          if ((await post(hub, `evt-${seq}`, seq)) === 202) {
            acked.add(seq);
            return;
          }
        } catch {
          // connection refused or reset: the hub is down; try again once it is back
        }
        await sleep(50);
      }
      throw new Error(`message ${seq} was never acknowledged`);
    };

    let next = 0;
    const worker = async () => {
      while (next < MESSAGES) {
        const seq = next++;
        if (killAt.has(seq) && !restarting) {
          restarting = (async () => {
            await hub.kill('SIGKILL');
            hub = await startHub(target());
          })();
          await restarting;
          restarting = null;
        }
        await sendUntilAcked(seq);
      }
    };
    await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
    expect(acked.size).toBe(MESSAGES);

    // Everything again, shuffled: all duplicates, none applied a second time.
    const again = Array.from({ length: MESSAGES }, (_, i) => i)
      .sort(() => random() - 0.5)
      .slice(0, 80);
    for (const seq of again) expect(await post(hub, `evt-${seq}`, seq)).toBe(202);

    // A message stored just before a kill is processed by the background worker after restart.
    for (let i = 0; i < 60; i++) {
      const pending = await call(
        hub.url,
        'GET',
        `/api/v1/integration/messages?flow=${FLOW}&status=received&limit=500`,
      );
      if (pending.body.items.length === 0) break;
      await sleep(500);
    }
    const applied = await call(
      hub.url,
      'GET',
      `/api/v1/integration/messages?flow=${FLOW}&status=applied&limit=500`,
    );
    expect(applied.body.items).toHaveLength(MESSAGES);
    const stock = await call(hub.url, 'GET', `/api/v1/stock?partNumber=${PART}&locationCode=${LOCATION}`);
    expect(stock.body.items[0].onHand).toBe(MESSAGES);
    const ledger = await call(hub.url, 'GET', `/api/v1/stock/movements?partNumber=${PART}&limit=1000`);
    const refs = (ledger.body.items as Array<{ reference: string | null }>).map((l) => l.reference);
    expect(new Set(refs).size).toBe(MESSAGES);
    await stopHub(hub);
    const verify = await runVerify(target());
    expect(verify.code, verify.output).toBe(0);
  });
}

describeEachHubStore(`inbound messages under SIGKILL (seed ${SEED})`, crashSuite);
