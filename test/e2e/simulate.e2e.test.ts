/**
 * The simulated ERP, FSM and WMS against a real hub process with the demo company: they
 * register their flows through the API and talk to the hub only over signed webhooks, a drop
 * folder and NATS; the ERP receives the hub's stock events back as signed webhooks.
 * SQLite only: this exercises the simulator and the transports, the stores are covered elsewhere.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, expect, it } from 'vitest';
import { call, CLI, E2E_ADMIN_KEY, startHub, stopAllHubs, stopHub } from '../support/hub-process.js';

const dataDir = mkdtempSync(join(tmpdir(), 'sparehub-e2e-sim-'));
afterAll(async () => {
  await stopAllHubs();
  rmSync(dataDir, { recursive: true, force: true });
});

function run(args: string[]): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, LOG_LEVEL: 'silent' } });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('exit', (code) => resolve({ code, out }));
  });
}

it('sends item masters, job consumption, receipts and a snapshot the way real systems do, and hears the hub back', async () => {
  const seeded = spawnSync(process.execPath, [CLI, 'demo', '--data-dir', dataDir], {
    encoding: 'utf8',
    env: { ...process.env, LOG_LEVEL: 'silent' },
  });
  expect(seeded.status, seeded.stderr).toBe(0);
  const hub = await startHub({ dataDir });
  const folder = join(dataDir, 'wms-drop');
  try {
    const sim = await run([
      'simulate',
      '--hub',
      hub.url,
      '--key',
      E2E_ADMIN_KEY,
      '--folder',
      folder,
      '--once',
    ]);
    expect(sim.code, sim.out).toBe(0);
    expect(sim.out).toMatch(/ERP {2}→ item master \S+: applied/);
    expect(sim.out).toMatch(/FSM {2}→ WO-60001 used 1 × \S+ from \S+: applied/);
    expect(sim.out).toMatch(/ERP received [1-9]\d* stock event/);
    // The hub picks up the dropped snapshot (within its 5 s consumer sync and stability wait).
    for (let i = 0; i < 100; i++) {
      const done = join(folder, '.done');
      if (existsSync(done) && readdirSync(done).length > 0) break;
      await sleep(200);
    }
    const snapshots = await call(hub.url, 'GET', '/api/v1/integration/messages?flow=sim-wms-snapshots');
    expect(snapshots.body.items[0], JSON.stringify(snapshots.body.items[0])).toMatchObject({
      status: 'applied',
      transport: 'file',
    });
    const flows = await call(hub.url, 'GET', '/api/v1/integration/flows');
    expect(flows.body.items.map((f: { code: string }) => f.code)).toEqual(
      expect.arrayContaining([
        'sim-erp-items',
        'sim-fsm-usage',
        'sim-wms-receipts',
        'sim-wms-snapshots',
        'sim-erp-stock',
      ]),
    );
  } finally {
    await stopHub(hub);
  }
});
