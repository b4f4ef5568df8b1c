import { expect, it } from 'vitest';
import { describeEachStore, type TestHub } from '../support/each-store.js';
import { makePart, uniqueCode } from '../support/factories.js';

async function scheme(t: TestHub, body: Record<string, unknown>) {
  const res = await t.api('POST', '/api/v1/numbering-schemes', { body });
  expect(res.status).toBe(201);
  return res.body;
}

describeEachStore('master data references', (hub) => {
  it('resolves an OEM number through its scheme normalization to the canonical part', async () => {
    const t = hub();
    const code = `OEM-${uniqueCode('S')
      .replace(/[^A-Z0-9-]/gi, '')
      .toUpperCase()}`;
    await scheme(t, {
      code,
      kind: 'oem',
      issuer: 'Siemens',
      description: 'Siemens catalogue',
      rules: { case: 'upper', stripCharacters: ' -.', stripLeadingZeros: true, removePrefixes: ['SIE'] },
    });
    const part = await makePart(t);
    const added = await t.api('POST', `/api/v1/parts/${part.partNumber}/xrefs`, {
      body: { scheme: code, number: 'SIE-000-6ES7 214' },
    });
    expect(added.status).toBe(201);
    expect(added.body).toMatchObject({ normalized: '6ES7214', partNumber: part.partNumber });
    const resolved = await t.api(
      'GET',
      `/api/v1/parts/resolve?number=${encodeURIComponent('6es7-214')}&scheme=${code}`,
    );
    expect(resolved.status).toBe(200);
    expect(resolved.body).toMatchObject({
      scheme: code,
      normalized: '6ES7214',
      part: { partNumber: part.partNumber },
      current: { partNumber: part.partNumber },
      path: [],
    });
    const anyScheme = await t.api(
      'GET',
      `/api/v1/parts/resolve?number=${encodeURIComponent('sie 6ES7.214')}`,
    );
    expect(anyScheme.body.part.partNumber).toBe(part.partNumber);
    const again = await t.api('POST', `/api/v1/parts/${part.partNumber}/xrefs`, {
      body: { scheme: code, number: '6ES7-214' },
    });
    expect(again.status).toBe(200);
    const missing = await t.api('GET', `/api/v1/parts/resolve?number=NOPE-1&scheme=${code}`);
    expect(missing.body.code).toBe('NUMBER_NOT_FOUND');
  });

  it('records a number pointing at a second part as a conflict, never merging it', async () => {
    const t = hub();
    const code = `ERP-${Math.floor(Math.random() * 1e9)}`;
    await scheme(t, {
      code,
      kind: 'erp_material',
      description: 'ERP material',
      rules: { stripLeadingZeros: true },
    });
    const a = await makePart(t);
    const b = await makePart(t);
    expect(
      (
        await t.api('POST', `/api/v1/parts/${a.partNumber}/xrefs`, {
          body: { scheme: code, number: '000000000000012345', source: 'erp' },
        })
      ).status,
    ).toBe(201);
    const clash = await t.api('POST', `/api/v1/parts/${b.partNumber}/xrefs`, {
      body: { scheme: code, number: '12345', source: 'fsm' },
    });
    expect(clash.status).toBe(409);
    expect(clash.headers['content-type']).toContain('application/problem+json');
    expect(clash.body).toMatchObject({
      code: 'XREF_CONFLICT',
      existingPartNumber: a.partNumber,
      proposedPartNumber: b.partNumber,
      normalized: '12345',
    });
    const conflicts = await t.api('GET', '/api/v1/xref-conflicts?status=open');
    expect(conflicts.body.items).toContainEqual(
      expect.objectContaining({
        id: clash.body.conflictId,
        existingPartNumber: a.partNumber,
        proposedPartNumber: b.partNumber,
        source: 'fsm',
      }),
    );
    const resolved = await t.api('GET', `/api/v1/parts/resolve?number=12345&scheme=${code}`);
    expect(resolved.body.part.partNumber).toBe(a.partNumber);
    expect((await t.api('GET', `/api/v1/parts/${b.partNumber}/xrefs`)).body.items).toEqual([]);

    // A data steward settles it: a planner may not, an admin moves the number, once.
    const planner = await t.keyFor('planner');
    const body = { decision: 'reassign', reason: 'ERP material 12345 is the new seal kit (ECN 7781)' };
    const url = `/api/v1/xref-conflicts/${clash.body.conflictId}/resolve`;
    expect((await t.api('POST', url, { body, key: planner })).status).toBe(403);
    const settled = await t.api('POST', url, { body });
    expect(settled.status).toBe(200);
    expect(settled.body).toMatchObject({
      status: 'resolved',
      resolution: 'reassign',
      resolutionReason: body.reason,
    });
    const now = await t.api('GET', `/api/v1/parts/resolve?number=0012345&scheme=${code}`);
    expect(now.body.part.partNumber).toBe(b.partNumber);
    expect((await t.api('POST', url, { body })).body.code).toBe('XREF_CONFLICT_RESOLVED');
    expect((await t.api('POST', '/api/v1/xref-conflicts/xcf_nope/resolve', { body })).body.code).toBe(
      'XREF_CONFLICT_NOT_FOUND',
    );
    expect((await t.api('POST', url, { body: { decision: 'merge', reason: 'x' } })).body.code).toBe(
      'VALIDATION_FAILED',
    );
    const trail = await t.api(
      'GET',
      `/api/v1/audit?entityType=xref_conflict&entityId=${clash.body.conflictId}`,
    );
    expect(trail.body.items[0]).toMatchObject({
      action: 'xref.conflict_reassigned',
      before: { part: a.partNumber },
      after: { part: b.partNumber },
      reason: body.reason,
    });
    const events = await t.api('GET', '/api/v1/events?type=catalog.xref_reassigned');
    expect(events.body.items.at(-1).payload).toMatchObject({
      part: b.partNumber,
      previousPart: a.partNumber,
    });
  });

  it('gives a number sent by many requests at once to one part, the rest finding it there or in conflict', async () => {
    const t = hub();
    const code = `OEM-${Math.floor(Math.random() * 1e9)}`;
    await scheme(t, { code, kind: 'oem', description: 'OEM', rules: {} });
    const [a, b] = [await makePart(t), await makePart(t)];
    const add = (partNumber: string, number: string) =>
      t.api('POST', `/api/v1/parts/${partNumber}/xrefs`, { body: { scheme: code, number, source: 'oem' } });
    // The same number for the same part, eight times at once: created once, found seven times.
    const same = await Promise.all(Array.from({ length: 8 }, () => add(a.partNumber, 'N-1')));
    expect(same.map((r) => r.status).sort()).toEqual([200, 200, 200, 200, 200, 200, 200, 201]);
    // For two parts at once: one wins, every other request for the other part is a conflict.
    const split = await Promise.all(
      Array.from({ length: 8 }, (_, i) => add(i % 2 ? a.partNumber : b.partNumber, 'N-2')),
    );
    expect(split.filter((r) => r.status === 201)).toHaveLength(1);
    expect(
      split.every((r) => [200, 201, 409].includes(r.status)),
      JSON.stringify(split.map((r) => r.body)),
    ).toBe(true);
    const winner = split.find((r) => r.status === 201)!.body.partNumber as string;
    expect(split.filter((r) => r.status === 409).map((r) => r.body.existingPartNumber)).toEqual(
      Array(4).fill(winner),
    );
  });

  it('follows supersession A → B → C to the part valid at a date, and refuses cycles and forks', async () => {
    const t = hub();
    const [a, b, c, d] = [await makePart(t), await makePart(t), await makePart(t), await makePart(t)];
    const link = (from: string, to: string, effectiveFrom: string, type = 'one_way') =>
      t.api('POST', `/api/v1/parts/${from}/supersessions`, {
        body: { successor: to, type, effectiveFrom, reason: `ECN-${to}` },
      });
    expect((await link(a.partNumber, b.partNumber, '2026-01-01T00:00:00Z', 'two_way')).status).toBe(201);
    expect((await link(b.partNumber, c.partNumber, '2027-01-01T00:00:00Z')).status).toBe(201);
    const mid = await t.api('GET', `/api/v1/parts/resolve?number=${a.partNumber}&at=2026-06-01T00:00:00Z`);
    expect(mid.body).toMatchObject({
      part: { partNumber: a.partNumber },
      current: { partNumber: b.partNumber },
    });
    const late = await t.api('GET', `/api/v1/parts/resolve?number=${a.partNumber}&at=2027-06-01T00:00:00Z`);
    expect(late.body.current.partNumber).toBe(c.partNumber);
    expect(
      late.body.path.map((s: { from: string; to: string; reason: string }) => [s.from, s.to, s.reason]),
    ).toEqual([
      [a.partNumber, b.partNumber, `ECN-${b.partNumber}`],
      [b.partNumber, c.partNumber, `ECN-${c.partNumber}`],
    ]);
    expect(late.body.explanation).toContain('superseded');
    const cycle = await link(c.partNumber, a.partNumber, '2028-01-01T00:00:00Z');
    expect(cycle.status).toBe(422);
    expect(cycle.body.code).toBe('SUPERSESSION_CYCLE');
    expect(cycle.body.detail).toContain(a.partNumber);
    const fork = await link(a.partNumber, d.partNumber, '2028-01-01T00:00:00Z');
    expect(fork.status).toBe(409);
    expect(fork.body.code).toBe('SUPERSESSION_FORK');
    expect((await link(a.partNumber, a.partNumber, '2028-01-01T00:00:00Z')).body.code).toBe(
      'SUPERSESSION_SELF',
    );
  });

  it('lets only one of two concurrent opposite supersessions in, so no cycle is ever stored', async () => {
    const t = hub();
    for (let round = 0; round < 5; round++) {
      const [a, b] = [await makePart(t), await makePart(t)];
      const results = await Promise.all([
        t.api('POST', `/api/v1/parts/${a.partNumber}/supersessions`, {
          body: {
            successor: b.partNumber,
            type: 'one_way',
            effectiveFrom: '2026-01-01T00:00:00Z',
            reason: 'x',
          },
        }),
        t.api('POST', `/api/v1/parts/${b.partNumber}/supersessions`, {
          body: {
            successor: a.partNumber,
            type: 'one_way',
            effectiveFrom: '2026-01-01T00:00:00Z',
            reason: 'y',
          },
        }),
      ]);
      expect(results.map((r) => r.status).sort()).toEqual([201, 422]);
    }
  });

  it('lists substitutes in preference order, filtered by equipment model', async () => {
    const t = hub();
    const [p, s1, s2, s3] = [await makePart(t), await makePart(t), await makePart(t), await makePart(t)];
    const add = (s: string, preference: number, models?: string[]) =>
      t.api('POST', `/api/v1/parts/${p.partNumber}/substitutes`, {
        body: { substitute: s, preference, ...(models ? { models } : {}) },
      });
    expect((await add(s2.partNumber, 2)).status).toBe(201);
    expect((await add(s1.partNumber, 1, ['MX-200'])).status).toBe(201);
    expect((await add(s3.partNumber, 3, ['CT-9'])).status).toBe(201);
    const forMx = await t.api('GET', `/api/v1/parts/${p.partNumber}/substitutes?model=MX-200`);
    expect(forMx.body.items.map((s: { substitute: string }) => s.substitute)).toEqual([
      s1.partNumber,
      s2.partNumber,
    ]);
    const all = await t.api('GET', `/api/v1/parts/${p.partNumber}/substitutes`);
    expect(all.body.items).toHaveLength(3);
    expect((await add(p.partNumber, 1)).body.code).toBe('SUBSTITUTE_INVALID');
  });

  it('converts quantities to the base unit and refuses unknown, fractional and contradictory units by name', async () => {
    const t = hub();
    const fuse = await makePart(t, { baseUom: 'EA' });
    const cable = await makePart(t, { baseUom: 'M' });
    expect(
      (
        await t.api('POST', '/api/v1/uom/conversions', {
          body: { partNumber: fuse.partNumber, fromUom: 'box', toUom: 'EA', numerator: 10 },
        })
      ).status,
    ).toBe(201);
    const boxes = await t.api('POST', '/api/v1/uom/convert', {
      body: { partNumber: fuse.partNumber, quantity: 3, uom: 'BOX' },
    });
    expect(boxes.body).toMatchObject({
      quantity: 30,
      baseUom: 'EA',
      factor: { numerator: 10, denominator: 1 },
    });
    const feet = await t.api('POST', '/api/v1/uom/convert', {
      body: { partNumber: cable.partNumber, quantity: 10, uom: 'FT' },
    });
    expect(feet.body).toMatchObject({ quantity: 3.048, baseUom: 'M' });
    const unknown = await t.api('POST', '/api/v1/uom/convert', {
      body: { partNumber: fuse.partNumber, quantity: 1, uom: 'CRATE' },
    });
    expect(unknown.status).toBe(422);
    expect(unknown.body).toMatchObject({ code: 'UOM_UNKNOWN', partNumber: fuse.partNumber, uom: 'CRATE' });
    const notConvertible = await t.api('POST', '/api/v1/uom/convert', {
      body: { partNumber: fuse.partNumber, quantity: 1, uom: 'KG' },
    });
    expect(notConvertible.body.code).toBe('UOM_NOT_CONVERTIBLE');
    const dozen = await t.api('POST', '/api/v1/uom/convert', {
      body: { partNumber: fuse.partNumber, quantity: 0.5, uom: 'BOX' },
    });
    expect(dozen.body).toMatchObject({ quantity: 5 });
    const fraction = await t.api('POST', '/api/v1/uom/convert', {
      body: { partNumber: fuse.partNumber, quantity: 0.25, uom: 'BOX' },
    });
    expect(fraction.body.code).toBe('QUANTITY_INVALID');
    expect(fraction.body.detail).toContain(fuse.partNumber);
    const contradiction = await t.api('POST', '/api/v1/uom/conversions', {
      body: { partNumber: cable.partNumber, fromUom: 'IN', toUom: 'M', numerator: 1, denominator: 40 },
    });
    expect(contradiction.status).toBe(422);
    expect(contradiction.body.code).toBe('UOM_AMBIGUOUS');
  });
});
