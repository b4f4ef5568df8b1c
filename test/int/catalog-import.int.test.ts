import { Readable } from 'node:stream';
import { expect, it } from 'vitest';
import { runWork } from '../../src/kernel/index.js';
import { importCsv, runImportJob, saveScheme, type Reject } from '../../src/modules/catalog/index.js';
import { verifyTenant } from '../../src/modules/audit/index.js';
import { describeEachStore, type TestHub } from '../support/each-store.js';

function run(t: TestHub, kind: 'parts' | 'xrefs', csv: string, mapping?: string) {
  const rejects: Reject[] = [];
  const progress: number[] = [];
  return importCsv(t.hub.store, t.ctx(), Readable.from([csv]), {
    kind,
    mapping,
    batchSize: 3,
    onReject: (r) => rejects.push(r),
    onProgress: (s) => progress.push(s.rows),
  }).then((summary) => ({ summary, rejects, progress }));
}

describeEachStore('bulk import', (hub) => {
  it('imports good rows, rejects bad ones with line and reason, and can be run again', async () => {
    const t = hub();
    const p = `IMP-${Math.floor(Math.random() * 1e9)}`;
    const csv = `\uFEFFMaterial,Text,Unit\n${p}-1,Seal,EA\n${p}-2,"Cable, shielded",M\n${p}-1,Twice,EA\n,No number,EA\n${p}-3,No unit,\n${p}-4,Fan,EA\n${p}-5,Belt,EA\n`;
    const first = await run(t, 'parts', csv, 'partNumber=Material,description=Text,baseUom=Unit');
    expect(first.summary).toMatchObject({ rows: 7, created: 4, unchanged: 0, rejected: 3 });
    expect(first.rejects.map((r) => [r.line, r.code])).toEqual([
      [4, 'DUPLICATE_ROW'],
      [5, 'VALIDATION_FAILED'],
      [6, 'VALIDATION_FAILED'],
    ]);
    expect(first.rejects[2]!.reason).toContain('baseUom: is required');
    expect(first.progress.length).toBeGreaterThan(1);
    const cable = await t.api('GET', `/api/v1/parts/${p}-2`);
    expect(cable.body).toMatchObject({ description: 'Cable, shielded', baseUom: 'M', wholeUnits: false });
    const again = await run(t, 'parts', csv, 'partNumber=Material,description=Text,baseUom=Unit');
    expect(again.summary).toMatchObject({ created: 0, unchanged: 4, rejected: 3 });
    const changed = await run(t, 'parts', `partNumber,description,baseUom\n${p}-1,Different,EA\n`);
    expect(changed.rejects[0]).toMatchObject({ code: 'PART_EXISTS' });
    expect((await verifyTenant(t.hub.store.db, { id: t.tenantId, code: 't' })).ok).toBe(true);
  });

  it('imports cross-references, recording conflicts instead of merging them', async () => {
    const t = hub();
    const p = `IMX-${Math.floor(Math.random() * 1e9)}`;
    await runWork(t.hub.store, t.ctx(), (w) =>
      saveScheme(w, {
        code: 'ERP',
        kind: 'erp_material',
        description: 'ERP',
        rules: { stripLeadingZeros: true },
      }),
    );
    await run(t, 'parts', `partNumber,description,baseUom\n${p}-A,A,EA\n${p}-B,B,EA\n`);
    const csv = `partNumber,scheme,number,source\n${p}-A,ERP,000777,erp\n${p}-A,ERP,777,erp\n${p}-B,ERP,0777,fsm\n${p}-B,NOPE,1,x\n${p}-Z,ERP,5,x\n`;
    const { summary, rejects } = await run(t, 'xrefs', csv);
    expect(summary).toMatchObject({ rows: 5, created: 1, unchanged: 1, conflicts: 1, rejected: 3 });
    expect(rejects.map((r) => r.code)).toEqual(['XREF_CONFLICT', 'SCHEME_NOT_FOUND', 'PART_NOT_FOUND']);
    const resolved = await t.api('GET', '/api/v1/parts/resolve?number=777&scheme=ERP');
    expect(resolved.body.part.partNumber).toBe(`${p}-A`);
    const conflicts = await t.api('GET', '/api/v1/xref-conflicts');
    expect(conflicts.body.items).toContainEqual(
      expect.objectContaining({ existingPartNumber: `${p}-A`, proposedPartNumber: `${p}-B`, source: 'fsm' }),
    );
  });

  it('refuses a file that is not CSV with a clear error', async () => {
    const t = hub();
    await expect(run(t, 'parts', 'partNumber,description\n"unterminated,quote\n')).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
    });
  });

  it('imports a CSV uploaded over HTTP as a job: counts, progress, and the rejects as CSV', async () => {
    const t = hub();
    const p = `IMH-${Math.floor(Math.random() * 1e9)}`;
    const csv = `Material,Text,Unit\n${p}-1,Seal,EA\n${p}-2,Belt,EA\n${p}-1,Twice,EA\n${p}-3,,EA\n${p}-4,Fan,BOX\n`;
    const res = await t.api(
      'POST',
      `/api/v1/imports/parts?map=partNumber=Material,description=Text,baseUom=Unit&fileName=master.csv&batch=2`,
      {
        rawBody: csv,
        headers: { 'content-type': 'text/csv' },
      },
    );
    expect(res.status).toBe(201);
    expect(res.body.job).toMatchObject({
      kind: 'parts',
      state: 'completed',
      fileName: 'master.csv',
      rows: 5,
      created: 3,
      rejected: 2,
      bytesRead: Buffer.byteLength(csv),
    });
    expect(res.body.job.batches).toBeGreaterThanOrEqual(2);
    const id = res.body.job.id as string;
    expect((await t.api('GET', `/api/v1/imports/${id}`)).body).toEqual(res.body.job);
    expect(
      (await t.api('GET', '/api/v1/imports?state=completed')).body.items.map((j: { id: string }) => j.id),
    ).toContain(id);
    const rejects = await t.api('GET', `/api/v1/imports/${id}/rejects`);
    expect(rejects.headers['content-type']).toContain('text/csv');
    expect(String(rejects.body).trim().split('\n')).toEqual([
      '_line,_code,_reason,Material,Text,Unit',
      `4,DUPLICATE_ROW,same part number as line 2,${p}-1,Twice,EA`,
      expect.stringMatching(new RegExp(`^5,VALIDATION_FAILED,.*description.*,${p}-3,,EA$`)),
    ]);
    expect((await t.api('GET', `/api/v1/parts/${p}-4`)).body).toMatchObject({ baseUom: 'BOX' });
    // Who may not write parts may not import them; nothing lands.
    const reader = await t.keyFor('read_only');
    const refused = await t.api('POST', '/api/v1/imports/parts', {
      rawBody: `partNumber,description,baseUom\n${p}-9,X,EA\n`,
      headers: { 'content-type': 'text/csv' },
      key: reader,
    });
    expect(refused.status).toBe(403);
    expect((await t.api('GET', `/api/v1/parts/${p}-9`)).status).toBe(404);
    const json = await t.api('POST', '/api/v1/imports/parts', { body: { partNumber: 'x' } });
    expect(json.body.code).toBe('UNSUPPORTED_MEDIA_TYPE');
    expect((await t.api('GET', '/api/v1/imports/ijb_nope')).body.code).toBe('IMPORT_JOB_NOT_FOUND');
  });

  it('records a failed upload on its job: unreadable CSV, and a file over the limit', async () => {
    const t = hub();
    const bad = await t.api('POST', '/api/v1/imports/parts', {
      rawBody: 'partNumber,description,baseUom\n"unterminated,quote,EA\n',
      headers: { 'content-type': 'text/csv' },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('VALIDATION_FAILED');
    const failed = (await t.api('GET', '/api/v1/imports?state=failed')).body.items[0];
    expect(failed).toMatchObject({ state: 'failed', error: { code: 'VALIDATION_FAILED' } });

    const p = `IML-${Math.floor(Math.random() * 1e9)}`;
    const rows = Array.from({ length: 400 }, (_, i) => `${p}-${i},Part ${i},EA\n`).join('');
    await expect(
      runImportJob(t.hub.store, t.ctx(), Readable.from([`partNumber,description,baseUom\n`, rows]), {
        kind: 'parts',
        maxBytes: 1000,
      }),
    ).rejects.toMatchObject({ code: 'PAYLOAD_TOO_LARGE' });
    const tooLarge = (await t.api('GET', '/api/v1/imports?state=failed')).body.items[0];
    expect(tooLarge).toMatchObject({ error: { code: 'PAYLOAD_TOO_LARGE' } });
  });

  it('streams NDJSON progress for a large upload sent over a real socket', async () => {
    const t = hub();
    const address = await t.hub.app.listen({ port: 0, host: '127.0.0.1' });
    const p = `IMS-${Math.floor(Math.random() * 1e9)}`;
    const total = 3000;
    function* file() {
      yield 'partNumber,description,baseUom\n';
      for (let i = 0; i < total; i += 500)
        yield Array.from({ length: 500 }, (_, k) => `${p}-${i + k},Streamed ${i + k},EA\n`).join('');
    }
    const response = await fetch(`${address}/api/v1/imports/parts?batch=400`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${t.adminKey}`,
        'content-type': 'text/csv',
        accept: 'application/x-ndjson',
      },
      body: Readable.toWeb(Readable.from(file())),
      duplex: 'half',
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('application/x-ndjson');
    const lines = (await response.text())
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { type: string; job: { rows: number; created: number; state: string } });
    const progress = lines.filter((l) => l.type === 'progress');
    expect(progress.length).toBeGreaterThanOrEqual(Math.floor(total / 400));
    // Progress only grows.
    expect(progress.map((l) => l.job.rows)).toEqual(
      [...progress.map((l) => l.job.rows)].sort((a, b) => a - b),
    );
    expect(lines.at(-1)).toMatchObject({
      type: 'done',
      job: { state: 'completed', rows: total, created: total },
    });
    expect((await t.api('GET', `/api/v1/parts/${p}-2999`)).body).toMatchObject({
      description: 'Streamed 2999',
    });
  });
});
