/**
 * Crash recovery: a client streams stock movements, each with its own Idempotency-Key, while
 * the test SIGKILLs the hub at seeded random moments and restarts it on the same store. The
 * client retries every request that got no answer with the same key and body. Afterwards every
 * key has exactly one movement in the ledger, balances equal what the acknowledged movements
 * imply, and `sparehub verify` passes after every crash and at the end.
 *
 * Set E2E_SEED to replay a schedule (the seed is in the suite name).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { expect, it } from 'vitest';
import {
  call,
  runVerify,
  seededRandom,
  startHub,
  describeEachHubStore,
  stopHub,
  type HubProcess,
  type StoreTarget,
  type VerifyResult,
} from '../support/hub-process.js';

const SEED = Number(process.env.E2E_SEED ?? 0x5eed);
const MOVEMENTS = 600;
const KILLS = 5;
const IN_FLIGHT = 8;
const OPENING_STOCK = 10_000;
const PARTS = 3;
const LOCATIONS = 3;

interface MovementBody {
  type: 'receipt' | 'issue' | 'transfer';
  partNumber: string;
  locationCode: string;
  toLocationCode?: string;
  quantity: number;
  reference: string;
}

interface Planned {
  key: string;
  body: MovementBody;
}

interface Outcome {
  status: number;
  body: any;
  replayed: boolean;
  attempts: number;
}

/** What a movement does to balances: [partNumber, locationCode, signed quantity]. */
function effects(b: MovementBody): Array<[string, string, number]> {
  switch (b.type) {
    case 'receipt':
      return [[b.partNumber, b.locationCode, b.quantity]];
    case 'issue':
      return [[b.partNumber, b.locationCode, -b.quantity]];
    case 'transfer':
      return [
        [b.partNumber, b.locationCode, -b.quantity],
        [b.partNumber, b.toLocationCode!, b.quantity],
      ];
  }
}

interface Ledger {
  movementId: string;
  reference: string | null;
  type: string;
  locationCode: string;
  quantity: number;
}

async function ledgerOf(url: string, partNumber: string): Promise<Ledger[]> {
  const lines: Ledger[] = [];
  let before: string | undefined;
  for (;;) {
    const res = await call(
      url,
      'GET',
      `/api/v1/stock/movements?partNumber=${encodeURIComponent(partNumber)}&limit=1000${before ? `&before=${encodeURIComponent(before)}` : ''}`,
    );
    expect(res.status).toBe(200);
    const page = res.body.items as Array<Ledger & { id: string }>;
    lines.push(...page);
    if (page.length < 1000) return lines;
    before = page[page.length - 1]!.id;
  }
}

function crashSuite(name: string, target: () => StoreTarget): void {
  it(`${name}: no acknowledged movement is lost, none is applied twice, and balances equal the ledger across ${KILLS} SIGKILLs`, async () => {
    const rand = seededRandom(SEED);
    const run = `${Date.now().toString(36)}${Math.floor(rand() * 1e6).toString(36)}`;
    const parts = Array.from({ length: PARTS }, (_, i) => `CR-${run}-P${i}`);
    const locations = Array.from({ length: LOCATIONS }, (_, i) => `CR-${run}-L${i}`);
    const pick = <T>(xs: T[]): T => xs[Math.floor(rand() * xs.length)]!;

    // --- the plan: opening receipts, then a seeded random stream
    const plan: Planned[] = [];
    let n = 0;
    const planned = (body: Omit<MovementBody, 'reference'>): Planned => {
      const key = `crash-${run}-${n++}`;
      return { key, body: { ...body, reference: key } };
    };
    const opening = parts.flatMap((partNumber) =>
      locations.map((locationCode) =>
        planned({ type: 'receipt', partNumber, locationCode, quantity: OPENING_STOCK }),
      ),
    );
    for (let i = 0; i < MOVEMENTS; i++) {
      const r = rand();
      const partNumber = pick(parts);
      const locationCode = pick(locations);
      const quantity = 1 + Math.floor(rand() * 5);
      if (r < 0.3) plan.push(planned({ type: 'receipt', partNumber, locationCode, quantity }));
      else if (r < 0.6) plan.push(planned({ type: 'issue', partNumber, locationCode, quantity }));
      else {
        const toLocationCode = pick(locations.filter((l) => l !== locationCode));
        plan.push(planned({ type: 'transfer', partNumber, locationCode, toLocationCode, quantity }));
      }
    }
    // Kill points: after this many acknowledgements of the stream, spread over its middle.
    const killAfter = Array.from({ length: KILLS }, (_, k) =>
      Math.floor(((k + 0.5 + (rand() - 0.5) * 0.6) * MOVEMENTS * 0.85) / KILLS),
    );
    const killJitterMs = killAfter.map(() => Math.floor(rand() * 15));

    // --- the hub and its restarts
    let hub = await startHub(target());
    let ready: Promise<HubProcess> = Promise.resolve(hub);

    for (const p of parts) {
      const res = await call(hub.url, 'POST', '/api/v1/parts', {
        body: { partNumber: p, description: 'Crash test part', baseUom: 'EA' },
      });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
    }
    for (const l of locations) {
      const res = await call(hub.url, 'POST', '/api/v1/locations', {
        body: { code: l, name: 'Crash test location', type: 'regional_warehouse', region: 'NORTH' },
      });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
    }

    const outcomes = new Map<string, Outcome>();
    let acked = 0;
    let inFlight = 0;
    let lostConnections = 0;

    /** Sends one movement until it gets an HTTP answer, always with the same key and body. */
    async function send(m: Planned): Promise<Outcome> {
      for (let attempt = 1; ; attempt++) {
        const h = await ready;
        inFlight++;
        const res = await call(h.url, 'POST', '/api/v1/stock/movements', {
          body: m.body,
          headers: { 'idempotency-key': m.key },
          timeoutMs: 20_000,
        }).catch((error: unknown) => error as Error);
        inFlight--;
        if (res instanceof Error) {
          // No answer: the hub died under the request (or never got it). Same key, same body again.
          lostConnections++;
          if (attempt >= 200)
            throw new Error(`movement ${m.key} got no answer in ${attempt} attempts`, { cause: res });
          // A hub that is still the current one failed us without being killed: back off a little.
          if ((await Promise.race([ready, sleep(0)])) === h) await sleep(20);
          continue;
        }
        return {
          status: res.status,
          body: res.body,
          replayed: res.headers.get('idempotent-replayed') === 'true',
          attempts: attempt,
        };
      }
    }

    async function stream(movements: Planned[], onAck: () => void): Promise<void> {
      let next = 0;
      await Promise.all(
        Array.from({ length: IN_FLIGHT }, async () => {
          while (next < movements.length) {
            const m = movements[next++]!;
            const outcome = await send(m);
            outcomes.set(m.key, outcome);
            if (outcome.status === 201) onAck();
          }
        }),
      );
    }

    await stream(opening, () => undefined);
    for (const m of opening) expect(outcomes.get(m.key)?.status).toBe(201);

    const verifies: Array<VerifyResult & { kill: number }> = [];
    const inFlightAtKill: number[] = [];
    let streaming = true;
    const killer = (async () => {
      let failed: ((error: Error) => void) | undefined;
      try {
        for (let k = 0; k < KILLS; k++) {
          while (streaming && acked < killAfter[k]!) await sleep(2);
          if (!streaming) throw new Error(`stream ended before kill ${k + 1} (at ${killAfter[k]} acks)`);
          await sleep(killJitterMs[k]);
          let restarted!: (h: HubProcess) => void;
          ready = new Promise((resolve, reject) => {
            restarted = resolve;
            failed = reject;
          });
          inFlightAtKill.push(inFlight);
          const code = await hub.kill('SIGKILL');
          if (code !== null) throw new Error(`a SIGKILLed hub exited with code ${code}`);
          // The store exactly as the crash left it must already be consistent.
          verifies.push({ ...(await runVerify(target())), kill: k + 1 });
          hub = await startHub(target());
          restarted(hub);
          failed = undefined;
        }
      } catch (error) {
        // Clients waiting for a restart that will not come must stop waiting.
        const reason = error instanceof Error ? error : new Error(String(error));
        failed?.(reason);
        ready = Promise.reject(reason);
        ready.catch(() => undefined);
        throw error;
      }
    })();
    const [streamed, killed] = await Promise.allSettled([
      stream(plan, () => acked++).finally(() => (streaming = false)),
      killer,
    ]);
    if (streamed.status === 'rejected') throw streamed.reason;
    if (killed.status === 'rejected') throw killed.reason;

    // --- every answer: 201 (issues never run short with this much opening stock)
    const refused = plan.filter((m) => outcomes.get(m.key)?.status !== 201);
    expect(
      refused.map((m) => ({ key: m.key, body: m.body, outcome: outcomes.get(m.key) })),
      'every movement is acknowledged',
    ).toEqual([]);
    expect(inFlightAtKill).toHaveLength(KILLS);
    expect(Math.max(...inFlightAtKill), 'kills happen with requests in flight').toBeGreaterThan(0);
    expect(lostConnections, 'kills cut requests off').toBeGreaterThan(0);
    for (const v of verifies) expect(v.code, `verify after kill ${v.kill}:\n${v.output}`).toBe(0);

    // --- the ledger: exactly one movement per key, the one that was acknowledged
    const all = [...opening, ...plan];
    const byKey = new Map(all.map((m) => [m.key, m]));
    async function checkLedger(): Promise<void> {
      const linesByRef = new Map<string, Ledger[]>();
      for (const p of parts) {
        for (const line of await ledgerOf(hub.url, p)) {
          const ref = line.reference ?? '(none)';
          linesByRef.set(ref, [...(linesByRef.get(ref) ?? []), line]);
        }
      }
      expect(
        [...linesByRef.keys()].filter((ref) => !byKey.has(ref)),
        'ledger lines nobody sent',
      ).toEqual([]);
      const wrong: unknown[] = [];
      for (const m of all) {
        const lines = linesByRef.get(m.key) ?? [];
        const ack = outcomes.get(m.key)!;
        const movementIds = [...new Set(lines.map((l) => l.movementId))];
        const expectedLines = m.body.type === 'transfer' ? 2 : 1;
        if (
          lines.length !== expectedLines ||
          movementIds.length !== 1 ||
          movementIds[0] !== ack.body.movementId
        ) {
          wrong.push({ key: m.key, type: m.body.type, acked: ack.body.movementId, ledger: lines });
        }
      }
      expect(
        { count: wrong.length, first: wrong.slice(0, 10) },
        'keys without exactly one acknowledged movement in the ledger',
      ).toEqual({ count: 0, first: [] });
    }
    await checkLedger();

    // --- balances: what the acknowledged movements imply, and nothing reserved
    const expected = new Map<string, number>();
    for (const m of all) {
      if (outcomes.get(m.key)?.status !== 201) continue;
      for (const [p, l, q] of effects(m.body))
        expected.set(`${p}@${l}`, (expected.get(`${p}@${l}`) ?? 0) + q);
    }
    const actual = new Map<string, number>();
    for (const p of parts) {
      const res = await call(hub.url, 'GET', `/api/v1/stock?partNumber=${encodeURIComponent(p)}&limit=1000`);
      expect(res.status).toBe(200);
      for (const row of res.body.items as Array<{
        partNumber: string;
        locationCode: string;
        status: string;
        onHand: number;
        reserved: number;
      }>) {
        expect(row.status).toBe('available');
        expect(row.reserved).toBe(0);
        actual.set(`${row.partNumber}@${row.locationCode}`, row.onHand);
      }
    }
    expect(Object.fromEntries([...actual].sort())).toEqual(Object.fromEntries([...expected].sort()));

    // --- a repeat with the same key is a replay, never a second movement
    const replayChecks = [0, 1, 2].map(() => pick(plan));
    for (const m of replayChecks) {
      const res = await call(hub.url, 'POST', '/api/v1/stock/movements', {
        body: m.body,
        headers: { 'idempotency-key': m.key },
      });
      expect(res.status).toBe(201);
      expect(res.headers.get('idempotent-replayed')).toBe('true');
      expect(res.body.movementId).toBe(outcomes.get(m.key)!.body.movementId);
    }
    const reused = await call(hub.url, 'POST', '/api/v1/stock/movements', {
      body: { ...plan[0]!.body, quantity: plan[0]!.body.quantity + 1 },
      headers: { 'idempotency-key': plan[0]!.key },
    });
    expect(reused.status).toBe(422);
    expect(reused.body.code).toBe('IDEMPOTENCY_KEY_REUSED');
    await checkLedger();

    const exitCode = await stopHub(hub);
    expect(exitCode).toBe(0);
    const final = await runVerify(target());
    expect(final.code, final.output).toBe(0);
    expect(final.output).toContain('verify: OK');

    const replayedOnRetry = [...outcomes.values()].filter((o) => o.replayed && o.attempts > 1).length;
    console.log(
      `[${name}] seed ${SEED}: ${all.length} movements, ${KILLS} kills (in flight: ${inFlightAtKill.join(', ')}), ` +
        `${lostConnections} requests cut off, ${replayedOnRetry} committed before the crash and replayed on retry`,
    );
  }, 150_000);
}

describeEachHubStore(`crash recovery under SIGKILL with idempotent retries (seed ${SEED})`, crashSuite);
