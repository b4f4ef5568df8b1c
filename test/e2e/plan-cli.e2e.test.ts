/**
 * `sparehub plan run` against a real hub process: plans a stocking location through the API
 * and prints what it raised. SQLite only: the planning run itself is tested on both stores
 * in test/int/demand-history.int.test.ts; this checks the command and its output.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { call, CLI, E2E_ADMIN_KEY, startHub, stopAllHubs, stopHub } from '../support/hub-process.js';

const dataDir = mkdtempSync(join(tmpdir(), 'sparehub-e2e-plan-'));
afterAll(async () => {
  await stopAllHubs();
  rmSync(dataDir, { recursive: true, force: true });
});

it('plans a location from the command line: buffers set, what is short raised', async () => {
  const hub = await startHub({ dataDir });
  try {
    const ok = async (method: string, path: string, body: unknown) => {
      const res = await call(hub.url, method, path, { body });
      expect(res.status, JSON.stringify(res.body)).toBeLessThan(300);
    };
    await ok('POST', '/api/v1/locations', {
      code: 'FSL-P',
      name: 'FSL',
      type: 'forward_stocking_location',
      region: 'R',
    });
    await ok('POST', '/api/v1/locations', {
      code: 'RW-P',
      name: 'RW',
      type: 'regional_warehouse',
      region: 'R',
    });
    await ok('POST', '/api/v1/parts', { partNumber: 'PLAN-1', description: 'Seal', baseUom: 'EA' });
    await ok('POST', '/api/v1/stock/movements', {
      type: 'receipt',
      partNumber: 'PLAN-1',
      locationCode: 'RW-P',
      quantity: 40,
    });
    await ok('POST', '/api/v1/planning/demand-history', {
      granularity: 'month',
      rows: ['2026-05', '2026-06', '2026-07', '2026-08', '2026-09'].map((period) => ({
        partNumber: 'PLAN-1',
        locationCode: 'FSL-P',
        period,
        quantity: 3,
      })),
    });
    const args = [
      'plan',
      'run',
      '--hub',
      hub.url,
      '--key',
      E2E_ADMIN_KEY,
      '--location',
      'FSL-P',
      '--lead-time',
      '1',
    ];
    const source = ['--source', 'transfer', '--source-location', 'RW-P'];
    const res = spawnSync(process.execPath, [CLI, ...args, ...source, '--json'], { encoding: 'utf8' });
    expect(res.status, res.stderr).toBe(0);
    const run = JSON.parse(res.stdout) as {
      raised: number;
      lines: Array<{ partNumber: string; replenishment: unknown }>;
    };
    expect(run.raised).toBe(1);
    expect(run.lines[0]).toMatchObject({
      partNumber: 'PLAN-1',
      replenishment: { quantity: expect.any(Number) },
    });
    const text = spawnSync(process.execPath, [CLI, ...args, ...source], { encoding: 'utf8' });
    expect(text.status, text.stderr).toBe(0);
    expect(text.stdout).toContain('planned 1 parts at FSL-P; raised 0');
    const refused = spawnSync(process.execPath, [CLI, ...args, '--source', 'barter'], { encoding: 'utf8' });
    expect(refused.status).not.toBe(0);
    expect(refused.stderr).toContain('400');
  } finally {
    await stopHub(hub);
  }
}, 60_000);
