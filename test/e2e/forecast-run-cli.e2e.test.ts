/**
 * `sparehub forecast run` and `sparehub plan run --all-locations` against a real hub process:
 * every part × location forecast through the API, as a table and as JSON; every stocking
 * location planned in one run. SQLite only: the runs themselves are tested on both stores in
 * test/int/planning-runs.int.test.ts; this checks the commands and their output.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { call, CLI, E2E_ADMIN_KEY, startHub, stopAllHubs, stopHub } from '../support/hub-process.js';

const dataDir = mkdtempSync(join(tmpdir(), 'sparehub-e2e-forecast-run-'));
afterAll(async () => {
  await stopAllHubs();
  rmSync(dataDir, { recursive: true, force: true });
});

const MONTHS = ['2026-03', '2026-04', '2026-05', '2026-06', '2026-07', '2026-08'];

it('forecasts every part × location from the command line, then plans every location', async () => {
  const hub = await startHub({ dataDir });
  try {
    const ok = async (method: string, path: string, body: unknown) => {
      const res = await call(hub.url, method, path, { body });
      expect(res.status, JSON.stringify(res.body)).toBeLessThan(300);
    };
    for (const code of ['FSL-A', 'FSL-B'])
      await ok('POST', '/api/v1/locations', {
        code,
        name: code,
        type: 'forward_stocking_location',
        region: 'R',
      });
    await ok('POST', '/api/v1/locations', {
      code: 'RW-F',
      name: 'RW',
      type: 'regional_warehouse',
      region: 'R',
    });
    await ok('POST', '/api/v1/parts', { partNumber: 'FC-1', description: 'Seal', baseUom: 'EA' });
    await ok('POST', '/api/v1/parts', { partNumber: 'FC-2', description: 'Valve', baseUom: 'EA' });
    await ok('POST', '/api/v1/stock/movements', {
      type: 'receipt',
      partNumber: 'FC-1',
      locationCode: 'RW-F',
      quantity: 100,
    });
    await ok('POST', '/api/v1/planning/demand-history', {
      granularity: 'month',
      rows: [
        ...MONTHS.map((period) => ({ partNumber: 'FC-1', locationCode: 'FSL-A', period, quantity: 3 })),
        ...MONTHS.map((period) => ({ partNumber: 'FC-1', locationCode: 'FSL-B', period, quantity: 2 })),
        ...MONTHS.map((period, i) => ({
          partNumber: 'FC-2',
          locationCode: 'FSL-A',
          period,
          quantity: i % 3 === 0 ? 6 : 0,
        })),
      ],
    });
    const hubArgs = ['--hub', hub.url, '--key', E2E_ADMIN_KEY];

    const json = spawnSync(
      process.execPath,
      [CLI, 'forecast', 'run', ...hubArgs, '--horizon', '3', '--json'],
      {
        encoding: 'utf8',
      },
    );
    expect(json.status, json.stderr).toBe(0);
    const run = JSON.parse(json.stdout) as {
      pairs: number;
      items: Array<{
        partNumber: string;
        locationCode: string;
        class: string;
        method: string;
        forecast: number[];
        reasons: string[];
      }>;
    };
    expect(run.pairs).toBe(3);
    expect(run.items.map((i) => `${i.partNumber}@${i.locationCode}`)).toEqual([
      'FC-1@FSL-A',
      'FC-1@FSL-B',
      'FC-2@FSL-A',
    ]);
    expect(run.items[0]).toMatchObject({ class: 'smooth', forecast: [3, 3, 3] });
    expect(run.items[2]!.reasons.length).toBeGreaterThan(0);

    const table = spawnSync(
      process.execPath,
      [CLI, 'forecast', 'run', ...hubArgs, '--horizon', '3', '--location', 'FSL-A', '--reasons'],
      { encoding: 'utf8' },
    );
    expect(table.status, table.stderr).toBe(0);
    const lines = table.stdout.split('\n');
    expect(lines[0]).toMatch(/^part\s+location\s+class\s+method\s+next month\s+3 total\s+s$/);
    expect(lines.find((l) => l.startsWith('FC-1'))).toMatch(/^FC-1\s+FSL-A\s+smooth\s+\S.*\s3\s+9\s+\d/);
    expect(table.stdout).toContain('    - ');
    expect(table.stdout).toContain('2 part × location forecasts, 3 months ahead');

    const refused = spawnSync(process.execPath, [CLI, 'forecast', 'run', ...hubArgs, '--horizon', 'soon'], {
      encoding: 'utf8',
    });
    expect(refused.status).not.toBe(0);
    expect(refused.stderr).toContain('400');

    // Every stocking location with demand, transferred from the warehouse.
    const planArgs = [
      'plan',
      'run',
      ...hubArgs,
      '--all-locations',
      '--lead-time',
      '1',
      '--source',
      'transfer',
    ];
    const plan = spawnSync(process.execPath, [CLI, ...planArgs, '--source-location', 'RW-F', '--json'], {
      encoding: 'utf8',
    });
    expect(plan.status, plan.stderr).toBe(0);
    const planned = JSON.parse(plan.stdout) as {
      runs: Array<{ locationCode: string; raised: number }>;
      raised: number;
    };
    expect(planned.runs.map((r) => r.locationCode)).toEqual(['FSL-A', 'FSL-B']);
    expect(planned.raised).toBeGreaterThanOrEqual(2);
    const text = spawnSync(process.execPath, [CLI, ...planArgs, '--source-location', 'RW-F'], {
      encoding: 'utf8',
    });
    expect(text.status, text.stderr).toBe(0);
    expect(text.stdout).toContain('planned 2 locations; raised 0');
    expect(text.stdout).toContain('planned 2 parts at FSL-A; raised 0');
    const both = spawnSync(process.execPath, [CLI, ...planArgs, '--location', 'FSL-A'], { encoding: 'utf8' });
    expect(both.status).toBe(2);
    expect(both.stderr).toContain('give exactly one of --location <code> and --all-locations');
  } finally {
    await stopHub(hub);
  }
}, 90_000);
