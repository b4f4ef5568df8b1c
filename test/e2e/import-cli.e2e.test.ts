import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { runWork } from '../../src/kernel/index.js';
import { saveScheme } from '../../src/modules/catalog/index.js';
import { verifyTenant } from '../../src/modules/audit/index.js';
import { describeEachStore } from '../support/each-store.js';
import { CLI } from '../support/hub-process.js';

// `sparehub import` as a user runs it, from dist/: the file is parsed on the import's worker
// thread (the in-process tests parse in the same thread, as there is no compiled worker there).
describeEachStore('sparehub import (CLI, worker thread)', (hub) => {
  it('imports parts then cross-references from files of many chunks, bad rows to the rejects file', async () => {
    const t = hub();
    const { store, config } = t.hub;
    const tenant = await store.db
      .selectFrom('tenants')
      .select('code')
      .where('id', '=', t.tenantId)
      .executeTakeFirstOrThrow();
    await runWork(store, t.ctx(), (w) =>
      saveScheme(w, {
        code: 'ERP',
        kind: 'erp_material',
        description: 'ERP',
        rules: { stripLeadingZeros: true },
      }),
    );
    const dir = mkdtempSync(join(tmpdir(), 'sparehub-import-cli-'));
    const prefix = `CLI${Math.floor(Math.random() * 1e9)}`;
    const count = 6000; // ~250 KB: several chunks of the file stream, several batches
    let parts = 'partNumber,description,baseUom\n';
    let xrefs = 'partNumber,scheme,number,source\n';
    for (let i = 0; i < count; i++) {
      const pn = `${prefix}-${i}`;
      parts += i % 1000 === 7 ? `${pn},,EA\n` : `${pn},"Part ${i}, long enough to fill chunks",EA\n`;
      xrefs += `${pn},ERP,${prefix}${String(i).padStart(6, '0')},erp\n`;
    }
    xrefs += `${prefix}-1,NOPE,1,x\n`;
    writeFileSync(join(dir, 'parts.csv'), parts);
    writeFileSync(join(dir, 'xrefs.csv'), xrefs);
    const cli = (...args: string[]) => {
      const env: NodeJS.ProcessEnv = { ...process.env, LOG_LEVEL: 'warn' };
      if (config.databaseUrl) env.DATABASE_URL = config.databaseUrl;
      else delete env.DATABASE_URL;
      return spawnSync(
        process.execPath,
        [CLI, ...args, '--data-dir', config.dataDir, '--tenant', tenant.code],
        {
          encoding: 'utf8',
          env,
        },
      );
    };

    const p = cli('import', 'parts', join(dir, 'parts.csv'), '--batch', '500');
    expect(p.stdout).toContain(`imported parts: ${count} rows`);
    expect(p.stdout).toContain(`${count - 6} new, 0 unchanged, 6 rejected`);
    expect(p.status).toBe(3);
    const partRejects = readFileSync(join(dir, 'parts.csv.rejects.csv'), 'utf8').trim().split('\n');
    expect(partRejects[0]).toBe('_line,_code,_reason,partNumber,description,baseUom');
    expect(partRejects.slice(1).map((l) => l.split(',').slice(0, 2).join(','))).toEqual(
      [7, 1007, 2007, 3007, 4007, 5007].map((i) => `${i + 2},VALIDATION_FAILED`),
    );

    const x = cli('import', 'xrefs', join(dir, 'xrefs.csv'), '--batch', '500');
    expect(x.stdout).toContain(`imported xrefs: ${count + 1} rows`);
    expect(x.stdout).toContain(`${count - 6} new, 0 unchanged, 7 rejected`);
    const xrefRejects = readFileSync(join(dir, 'xrefs.csv.rejects.csv'), 'utf8').trim().split('\n');
    expect(xrefRejects.slice(1).map((l) => l.split(',').slice(0, 2).join(','))).toEqual([
      ...[7, 1007, 2007, 3007, 4007, 5007].map((i) => `${i + 2},PART_NOT_FOUND`),
      `${count + 2},SCHEME_NOT_FOUND`,
    ]);
    // A reader that stops early (`sparehub export parts | head`) is not a failure of the export.
    const exportEnv: NodeJS.ProcessEnv = { ...process.env, LOG_LEVEL: 'warn' };
    if (config.databaseUrl) exportEnv.DATABASE_URL = config.databaseUrl;
    else delete exportEnv.DATABASE_URL;
    const exporter = spawn(
      process.execPath,
      [CLI, 'export', 'parts', '--data-dir', config.dataDir, '--tenant', tenant.code],
      { env: exportEnv, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stderr = '';
    exporter.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const firstChunk = await new Promise<string>((resolve) =>
      exporter.stdout.once('data', (chunk: Buffer) => resolve(chunk.toString())),
    );
    exporter.stdout.destroy(); // the reader goes away with ~300 KB of parts still to write
    const exitCode = await new Promise<number | null>((resolve) =>
      exporter.on('close', (code) => resolve(code)),
    );
    expect(firstChunk.startsWith('partNumber,description,baseUom')).toBe(true);
    expect(stderr).not.toContain('EPIPE');
    expect(exitCode).toBe(0);

    // A file that is not there: one line naming it and a failing exit code, no stack trace.
    const missing = cli('import', 'parts', join(dir, 'no-such.csv'));
    expect(missing.status).toBe(1);
    expect(missing.stderr.trim()).toBe(
      `sparehub: ENOENT: no such file or directory, stat '${join(dir, 'no-such.csv')}'`,
    );

    const resolved = await t.api('GET', `/api/v1/parts/resolve?number=${prefix}005999&scheme=ERP`);
    expect(resolved.body.part.partNumber).toBe(`${prefix}-5999`);
    expect((await verifyTenant(store.db, { id: t.tenantId, code: tenant.code })).ok).toBe(true);
  });
});
