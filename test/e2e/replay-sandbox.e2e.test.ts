/**
 * Replay and sandboxes through the CLI, on both stores: captured messages run through a new
 * mapping version as a dry run (production unchanged) and into a sandbox copy (the sandbox
 * changes, production does not), with the differences printed entity by entity.
 */
import { spawnSync } from 'node:child_process';
import { expect, it } from 'vitest';
import {
  call,
  CLI,
  E2E_ADMIN_KEY,
  startHub,
  describeEachHubStore,
  stopHub,
  type StoreTarget,
} from '../support/hub-process.js';

function cli(target: StoreTarget, ...args: string[]) {
  const env: NodeJS.ProcessEnv = { ...process.env, LOG_LEVEL: 'silent' };
  delete env.DATABASE_URL;
  if (target.databaseUrl) env.DATABASE_URL = target.databaseUrl;
  const storeArgs = target.dataDir ? ['--data-dir', target.dataDir] : [];
  const res = spawnSync(process.execPath, [CLI, ...args, ...storeArgs], { env, encoding: 'utf8' });
  return { code: res.status, stdout: res.stdout, stderr: res.stderr };
}

function suite(name: string, target: () => StoreTarget) {
  it(`${name}: dry run and sandbox replay with another mapping version, production untouched`, async () => {
    const hub = await startHub(target());
    const post = async (path: string, body: unknown) => {
      const res = await call(hub.url, 'POST', path, { body });
      expect(res.status, `${path}: ${JSON.stringify(res.body)}`).toBeLessThan(300);
      return res.body;
    };
    await post('/api/v1/integration/systems', {
      code: 'ERP',
      kind: 'erp',
      name: 'ERP',
      ownerTeam: 'ERP team',
    });
    await post('/api/v1/integration/mappings', {
      code: 'erp-part',
      expression:
        '{"command": "part.upsert", "input": {"partNumber": material, "description": text, "baseUom": "EA", "source": "ERP"}}',
    });
    await post('/api/v1/integration/flows', {
      code: 'erp-parts',
      systemCode: 'ERP',
      entity: 'part',
      direction: 'inbound',
      format: 'json',
      transport: 'http',
      mappingCode: 'erp-part',
      mappingVersion: 1,
    });
    for (const n of [1, 2, 3]) {
      const res = await fetch(`${hub.url}/api/v1/integration/flows/erp-parts/messages`, {
        method: 'POST',
        headers: { authorization: `Bearer ${E2E_ADMIN_KEY}`, 'content-type': 'application/json' },
        body: JSON.stringify({ material: `RP-${n}`, text: `Pump seal ${n}` }),
      });
      expect(res.status).toBe(202);
    }
    // Version 2 would create parts under the new ERP's material numbers.
    await post('/api/v1/integration/mappings', {
      code: 'erp-part',
      expression:
        '{"command": "part.upsert", "input": {"partNumber": "S4-" & material, "description": text, "baseUom": "EA", "source": "ERP"}}',
    });
    await stopHub(hub);

    const dry = cli(target(), 'replay', '--flow', 'erp-parts', '--mapping-version', '2', '--json');
    expect(dry.code, dry.stderr).toBe(0);
    const report = JSON.parse(dry.stdout) as {
      mode: string;
      applied: number;
      diffs: Array<{ entity: string; before: unknown; after: { description: string } }>;
    };
    expect(report).toMatchObject({ mode: 'dry_run', applied: 3, mapping: 'erp-part@2' });
    expect(report.diffs.map((d) => d.entity).sort()).toEqual([
      'part:S4-RP-1',
      'part:S4-RP-2',
      'part:S4-RP-3',
    ]);
    expect(report.diffs[0]).toMatchObject({
      before: null,
      after: { description: expect.stringMatching(/^Pump seal/) },
    });
    // A dry run changes nothing: the same replay again finds the same differences.
    expect(
      JSON.parse(cli(target(), 'replay', '--flow', 'erp-parts', '--mapping-version', '2', '--json').stdout),
    ).toMatchObject({ applied: 3 });

    const created = cli(target(), 'sandbox', 'create', 'upgrade');
    expect(created.code, created.stderr).toBe(0);
    expect(cli(target(), 'sandbox', 'list').stdout.trim().split('\n')).toContain('upgrade');
    const intoSandbox = cli(
      target(),
      'replay',
      '--flow',
      'erp-parts',
      '--mapping-version',
      '2',
      '--sandbox',
      'upgrade',
    );
    expect(intoSandbox.code, intoSandbox.stderr).toBe(0);
    expect(intoSandbox.stdout).toContain("into sandbox 'upgrade': 3 applied, 0 failed");
    expect(intoSandbox.stdout).toContain('part:S4-RP-2');
    // The sandbox now has the parts; replaying again there finds nothing left to create.
    const again = JSON.parse(
      cli(
        target(),
        'replay',
        '--flow',
        'erp-parts',
        '--mapping-version',
        '2',
        '--sandbox',
        'upgrade',
        '--json',
      ).stdout,
    ) as { diffs: unknown[] };
    expect(again.diffs).toEqual([]);
    // Production never got them.
    const prod = await startHub(target());
    expect((await call(prod.url, 'GET', '/api/v1/parts/S4-RP-1')).status).toBe(404);
    expect((await call(prod.url, 'GET', '/api/v1/parts/RP-1')).status).toBe(200);
    await stopHub(prod);
    expect(cli(target(), 'sandbox', 'drop', 'upgrade').code).toBe(0);
    expect(cli(target(), 'sandbox', 'list').stdout).not.toContain('upgrade');
  });
}

describeEachHubStore('replay and sandboxes', suite);
