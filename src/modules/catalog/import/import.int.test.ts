import { Readable } from 'node:stream';
import { sql } from 'kysely';
import { expect, it } from 'vitest';
import { describeEachStore, type TestHub } from '../../../../test/support/each-store.js';
import { runWork } from '../../../kernel/index.js';
import { verifyTenant } from '../../audit/index.js';
import { saveScheme } from '../xrefs.service.js';
import { duringBulkWrite, insertRows, rowsByKeys } from './bulk-statements.js';
import { importCsv, type Reject } from './import.service.js';

function run(t: TestHub, kind: 'parts' | 'xrefs', csv: string, batchSize = 100) {
  const rejects: Reject[] = [];
  return importCsv(t.hub.store, t.ctx(), Readable.from([csv]), {
    kind,
    batchSize,
    onReject: (r) => rejects.push(r),
  }).then((summary) => ({ summary, rejects }));
}

describeEachStore('bulk import of cross-references', (hub) => {
  it('meets numbers owned since an earlier import: unchanged for the same part, a conflict for another, the new ones land', async () => {
    const t = hub();
    const p = `IMF-${Math.floor(Math.random() * 1e9)}`;
    await runWork(t.hub.store, t.ctx(), (w) =>
      saveScheme(w, {
        code: 'ERP',
        kind: 'erp_material',
        description: 'ERP',
        rules: { stripLeadingZeros: true },
      }),
    );
    await run(t, 'parts', `partNumber,description,baseUom\n${p}-A,A,EA\n${p}-B,B,EA\n`);
    const first = await run(t, 'xrefs', `partNumber,scheme,number\n${p}-A,ERP,100\n${p}-A,ERP,200\n`);
    expect(first.summary).toMatchObject({ created: 2, unchanged: 0, conflicts: 0, rejected: 0 });
    // One batch mixing a number new to the store with ones it already has.
    const second = await run(
      t,
      'xrefs',
      `partNumber,scheme,number,source\n${p}-B,ERP,300,fsm\n${p}-A,ERP,0100,erp\n${p}-B,ERP,200,fsm\n${p}-B,ERP,400,fsm\n`,
    );
    expect(second.summary).toMatchObject({ rows: 4, created: 2, unchanged: 1, conflicts: 1, rejected: 1 });
    expect(second.rejects.map((r) => [r.line, r.code])).toEqual([[4, 'XREF_CONFLICT']]);
    for (const [number, owner] of [
      ['100', 'A'],
      ['200', 'A'],
      ['300', 'B'],
      ['400', 'B'],
    ] as const) {
      const resolved = await t.api('GET', `/api/v1/parts/resolve?number=${number}&scheme=ERP`);
      expect(resolved.body.part.partNumber).toBe(`${p}-${owner}`);
    }
    const conflicts = await t.api('GET', '/api/v1/xref-conflicts');
    expect(conflicts.body.items).toContainEqual(
      expect.objectContaining({ existingPartNumber: `${p}-A`, proposedPartNumber: `${p}-B`, source: 'fsm' }),
    );
    // Each batch that changed something is one audit record; the chain holds.
    const audits = await t.hub.store.db
      .selectFrom('audit_records')
      .select(['action', 'after_json'])
      .where('tenant_id', '=', t.tenantId)
      .where('action', '=', 'xrefs.imported')
      .orderBy('seq')
      .execute();
    expect(audits.map((a) => JSON.parse(a.after_json ?? 'null') as { xrefs: string[][] })).toMatchObject([
      { xrefs: [expect.arrayContaining(['ERP', '100']), expect.arrayContaining(['ERP', '200'])] },
      { xrefs: [expect.arrayContaining(['ERP', '300']), expect.arrayContaining(['ERP', '400'])] },
    ]);
    expect((await verifyTenant(t.hub.store.db, { id: t.tenantId, code: 't' })).ok).toBe(true);
  });
});

describeEachStore('bulk statements', (hub) => {
  it('insert rows and find them again by single and composite keys, whatever characters the values hold', async () => {
    const t = hub();
    const p = `IMS-${Math.floor(Math.random() * 1e9)}`;
    // Values an array literal or a JSON text must carry unchanged (PostgreSQL sends arrays).
    const awkward = ['plain', 'with "quotes", {braces}', 'back\\slash', 'NULL', '', "it's", 'ünïcødé ✓'];
    const now = new Date().toISOString();
    const parts = awkward.map((description, i) => ({
      id: `prt_${p}_${i}`,
      tenant_id: t.tenantId,
      part_number: `${p}-${i}`,
      description,
      base_uom: 'EA',
      whole_units: i % 2,
      tracking: 'none',
      created_at: now,
      updated_at: now,
    }));
    const xrefs = awkward.map((number, i) => ({
      tenant_id: t.tenantId,
      scheme_code: `S${i % 2}`,
      number_normalized: `${p}${number}`,
      number_raw: number,
      part_id: `prt_${p}_${i}`,
      source: 'test',
      created_at: now,
    }));
    const found = await runWork(t.hub.store, t.ctx(), async (w) => {
      await insertRows(w, 'parts', parts);
      await insertRows(w, 'part_xrefs', xrefs);
      return {
        parts: await rowsByKeys<{ part_number: string; description: string; whole_units: number }>(
          w,
          'parts',
          [{ name: 'part_number', type: 'text', values: [`${p}-6`, 'NO-SUCH', `${p}-1`, `${p}-2`] }],
          ['part_number', 'description', 'whole_units'],
        ),
        owners: await rowsByKeys<{ scheme_code: string; number_normalized: string; part_id: string }>(
          w,
          'part_xrefs',
          [
            { name: 'scheme_code', type: 'text', values: ['S1', 'S1', 'S1'] },
            {
              name: 'number_normalized',
              type: 'text',
              values: [`${p}${awkward[1]}`, `${p}${awkward[3]}`, `${p}${awkward[2]}`],
            },
          ],
          ['scheme_code', 'number_normalized', 'part_id'],
        ),
        none: await rowsByKeys(w, 'parts', [{ name: 'part_number', type: 'text', values: [] }], ['id']),
      };
    });
    const byNumber = new Map(found.parts.map((r) => [r.part_number, r]));
    expect(found.parts).toHaveLength(3);
    for (const i of [1, 2, 6]) {
      expect(byNumber.get(`${p}-${i}`)).toMatchObject({ description: awkward[i] });
      expect(Number(byNumber.get(`${p}-${i}`)?.whole_units)).toBe(i % 2);
    }
    // Odd rows are under S1: rows 1 and 3 match, row 2's number is under S0.
    expect(found.owners.map((o) => o.part_id).sort()).toEqual([`prt_${p}_1`, `prt_${p}_3`].sort());
    expect(found.none).toEqual([]);
    const stored = await t.hub.store.db
      .selectFrom('part_xrefs')
      .select(['number_raw'])
      .where('tenant_id', '=', t.tenantId)
      .where('number_normalized', 'like', `${p}%`)
      .execute();
    expect(stored.map((r) => r.number_raw).sort()).toEqual([...awkward].sort());
  });
});

describeEachStore('bulk write settings', (hub) => {
  it('hold on SQLite only while bulk writes run, and are restored after the last one, failed or not', async () => {
    const t = hub();
    const { store } = t.hub;
    if (store.dialect !== 'sqlite') {
      // PostgreSQL has nothing to set: the write simply runs.
      expect(await duringBulkWrite(store, () => Promise.resolve(42))).toBe(42);
      return;
    }
    const read = async () => {
      const temp = await sql.raw<{ temp_store: number }>('pragma temp_store').execute(store.db);
      const wal = await sql
        .raw<{ wal_autocheckpoint: number }>('pragma wal_autocheckpoint')
        .execute(store.db);
      return [temp.rows[0]?.temp_store, wal.rows[0]?.wal_autocheckpoint];
    };
    const before = await read();
    expect(before).not.toEqual([2, 10000]);
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    const long = duringBulkWrite(store, async () => {
      expect(await read()).toEqual([2, 10000]);
      await held;
    });
    await expect(
      duringBulkWrite(store, async () => {
        expect(await read()).toEqual([2, 10000]);
        throw new Error('bad batch');
      }),
    ).rejects.toThrow('bad batch');
    expect(await read()).toEqual([2, 10000]); // the first write still runs
    release();
    await long;
    expect(await read()).toEqual(before);
  });
});
