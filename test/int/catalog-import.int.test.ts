import { Readable } from 'node:stream';
import { expect, it } from 'vitest';
import { runWork } from '../../src/kernel/index.js';
import { importCsv, saveScheme, type Reject } from '../../src/modules/catalog/index.js';
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
});
