/**
 * Runs over many at once (issue 6): a forecast run forecasts every part × location with demand
 * history and changes nothing; a planning run without a location plans every stocking location
 * with demand, one result per location, in one unit of work. Both stores.
 */
import { expect, it } from 'vitest';
import { reader } from '../../src/kernel/index.js';
import { forecastPart, runForecasts } from '../../src/modules/planning/index.js';
import { describeEachStore, type TestHub } from '../support/each-store.js';
import { makeLocation, makePart, receive } from '../support/factories.js';

const MONTHS = ['2026-01', '2026-02', '2026-03', '2026-04', '2026-05', '2026-06', '2026-07', '2026-08'];

async function importRows(t: TestHub, rows: string[]) {
  const res = await t.api('POST', '/api/v1/planning/demand-history?granularity=month', {
    rawBody: `partNumber,locationCode,period,quantity\n${rows.join('\n')}\n`,
    headers: { 'content-type': 'text/csv' },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
}

describeEachStore('planning: runs over every part and location', (hub) => {
  it('forecasts every part × location with demand, with method, class and reasons, and changes nothing', async () => {
    const t = hub();
    const [north, south] = [
      await makeLocation(t, { type: 'forward_stocking_location' }),
      await makeLocation(t, { type: 'forward_stocking_location' }),
    ];
    const [steady, lumpy] = [await makePart(t), await makePart(t)];
    await importRows(t, [
      ...MONTHS.map((m) => `${steady.partNumber},${north.code},${m},5`),
      ...MONTHS.map((m, i) => `${steady.partNumber},${south.code},${m},${i % 2 === 0 ? 4 : 6}`),
      ...MONTHS.map((m, i) => `${lumpy.partNumber},${north.code},${m},${i % 3 === 0 ? 9 : 0}`),
    ]);
    await receive(t, lumpy, south, 3);
    const issued = await t.api('POST', '/api/v1/stock/movements', {
      body: {
        type: 'issue',
        partNumber: lumpy.partNumber,
        locationCode: south.code,
        quantity: 1,
        reference: 'WO-F',
      },
    });
    expect(issued.status).toBe(201);
    const audits = async () => (await t.api('GET', '/api/v1/audit?limit=1')).body.items[0].id as string;
    const auditsBefore = await audits();

    const run = await t.api('POST', '/api/v1/planning/forecast-runs', {
      body: { horizon: 3, partNumbers: [steady.partNumber, lumpy.partNumber] },
    });
    expect(run.status, JSON.stringify(run.body)).toBe(200);
    expect(run.body).toMatchObject({ granularity: 'month', horizon: 3, pairs: 4 });
    const pairs = run.body.items.map(
      (i: { partNumber: string; locationCode: string }) => `${i.partNumber}@${i.locationCode}`,
    );
    expect(pairs).toEqual(
      [
        `${steady.partNumber}@${north.code}`,
        `${steady.partNumber}@${south.code}`,
        `${lumpy.partNumber}@${north.code}`,
        `${lumpy.partNumber}@${south.code}`,
      ].sort(),
    );
    const item = (pn: string, loc: string) =>
      run.body.items.find(
        (i: { partNumber: string; locationCode: string }) => i.partNumber === pn && i.locationCode === loc,
      );
    // Five every month: smooth, and every method forecasts 5.
    expect(item(steady.partNumber, north.code)).toMatchObject({
      class: 'smooth',
      forecast: [5, 5, 5],
      overridden: false,
      periods: 8,
    });
    expect(item(steady.partNumber, north.code).method).toEqual(expect.any(String));
    expect(item(lumpy.partNumber, north.code).class).toMatch(/intermittent|lumpy/);
    expect(item(lumpy.partNumber, north.code).reasons.length).toBeGreaterThan(2);
    // Issued by the hub this month: a pair of its own.
    expect(item(lumpy.partNumber, south.code).forecast).toHaveLength(3);
    // Every field the service returns, as it returns it (the response schema strips what it does not name).
    const direct = await runForecasts(reader(t.hub.store, t.ctx()), {
      horizon: 3,
      partNumbers: [steady.partNumber, lumpy.partNumber],
    });
    expect(run.body).toEqual(JSON.parse(JSON.stringify(direct)));

    const oneLocation = await t.api('POST', '/api/v1/planning/forecast-runs', {
      body: { horizon: 2, locationCodes: [south.code], limit: 1 },
    });
    expect(oneLocation.status, JSON.stringify(oneLocation.body)).toBe(200);
    expect(oneLocation.body.pairs).toBe(2);
    expect(oneLocation.body.items).toHaveLength(1);
    expect(oneLocation.body.items[0].locationCode).toBe(south.code);

    // A forecast run changes nothing, so it leaves no audit record (the newest is the same).
    expect(await audits()).toBe(auditsBefore);
    const bad = await t.api('POST', '/api/v1/planning/forecast-runs', { body: { horizon: 0 } });
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('VALIDATION_FAILED');
    const dispatcher = await t.keyFor('dispatcher');
    expect(
      (await t.api('POST', '/api/v1/planning/forecast-runs', { body: {}, key: dispatcher })).status,
    ).toBe(200);
    const technician = await t.keyFor('technician');
    expect(
      (await t.api('POST', '/api/v1/planning/forecast-runs', { body: {}, key: technician })).status,
    ).toBe(403);
  });

  it('plans every stocking location with demand in one run, one result per location, skipping the source', async () => {
    const t = hub();
    const [east, west] = [
      await makeLocation(t, { type: 'forward_stocking_location' }),
      await makeLocation(t, { type: 'technician_van' }),
    ];
    const warehouse = await makeLocation(t, { type: 'regional_warehouse' });
    const vendor = await makeLocation(t, { type: 'repair_vendor' });
    const part = await makePart(t);
    await receive(t, part, warehouse, 100);
    await receive(t, part, east, 1);
    await importRows(t, [
      ...MONTHS.map((m) => `${part.partNumber},${east.code},${m},3`),
      ...MONTHS.map((m) => `${part.partNumber},${west.code},${m},1`),
      ...MONTHS.map((m) => `${part.partNumber},${warehouse.code},${m},2`),
      // Not a stocking location: never planned.
      ...MONTHS.map((m) => `${part.partNumber},${vendor.code},${m},2`),
    ]);
    const run = await t.api('POST', '/api/v1/planning/runs', {
      body: {
        source: 'transfer',
        sourceLocationCode: warehouse.code,
        leadTime: 1,
        partNumbers: [part.partNumber],
      },
    });
    expect(run.status, JSON.stringify(run.body)).toBe(201);
    expect(run.body.runs.map((r: { locationCode: string }) => r.locationCode)).toEqual(
      [east.code, west.code].sort(),
    );
    // Every field of the answer kept: a run over every location, each location's run, each line.
    expect(Object.keys(run.body).sort()).toEqual(['granularity', 'leadTime', 'raised', 'runs', 'skipped']);
    for (const r of run.body.runs) {
      expect(Object.keys(r).sort()).toEqual(['granularity', 'leadTime', 'lines', 'locationCode', 'raised']);
      for (const line of r.lines) {
        expect(Object.keys(line).sort()).toEqual([
          'leadTime',
          'method',
          'orderUpTo',
          'partNumber',
          'reasons',
          'reorderPoint',
          'replenishment',
          'safetyStock',
        ]);
        expect(Object.keys(line.leadTime).sort()).toEqual([
          'days',
          'periods',
          'sdDays',
          'source',
          'variance',
        ]);
      }
    }
    expect(run.body.skipped).toEqual([
      { locationCode: warehouse.code, reason: 'the source of the transfers: it cannot replenish itself' },
    ]);
    const runAt = (code: string) =>
      run.body.runs.find((r: { locationCode: string }) => r.locationCode === code);
    expect(runAt(east.code).lines).toHaveLength(1);
    expect(runAt(east.code).lines[0]).toMatchObject({
      partNumber: part.partNumber,
      leadTime: { source: 'input' },
    });
    // East holds 1 against 3 a month: short now, raised; the van holds nothing against 1 a month.
    expect(runAt(east.code).raised).toBe(1);
    expect(Object.keys(runAt(east.code).lines[0].replenishment).sort()).toEqual(['id', 'quantity']);
    expect(run.body.raised).toBe(runAt(east.code).raised + runAt(west.code).raised);
    const buffers = await t.api('GET', `/api/v1/stock/buffers?partNumber=${part.partNumber}`);
    expect(buffers.status, JSON.stringify(buffers.body)).toBe(200);
    expect(buffers.body.items.map((b: { locationCode: string }) => b.locationCode).sort()).toEqual(
      [east.code, west.code].sort(),
    );
    // Planning again raises nothing twice at east.
    const again = await t.api('POST', '/api/v1/planning/runs', {
      body: {
        source: 'transfer',
        sourceLocationCode: warehouse.code,
        leadTime: 1,
        partNumbers: [part.partNumber],
      },
    });
    expect(again.body.runs.find((r: { locationCode: string }) => r.locationCode === east.code).raised).toBe(
      0,
    );
  });

  it('names the method its forecast chose for a part it plans no stock for (phased out by an engineering change)', async () => {
    const t = hub();
    const fsl = await makeLocation(t, { type: 'forward_stocking_location' });
    const warehouse = await makeLocation(t, { type: 'regional_warehouse' });
    const [old, successor] = [await makePart(t), await makePart(t)];
    const linked = await t.api('POST', `/api/v1/parts/${old.partNumber}/supersessions`, {
      body: {
        successor: successor.partNumber,
        type: 'one_way',
        effectiveFrom: '2026-01-01T00:00:00Z',
        reason: 'ECN-5',
      },
    });
    expect(linked.status, JSON.stringify(linked.body)).toBe(201);
    await importRows(
      t,
      MONTHS.map((m) => `${old.partNumber},${fsl.code},${m},2`),
    );
    const run = await t.api('POST', '/api/v1/planning/runs', {
      body: {
        locationCode: fsl.code,
        source: 'transfer',
        sourceLocationCode: warehouse.code,
        leadTime: 1,
        partNumbers: [old.partNumber],
      },
    });
    expect(run.status, JSON.stringify(run.body)).toBe(201);
    const forecast = await forecastPart(reader(t.hub.store, t.ctx()), {
      partNumber: old.partNumber,
      locationCode: fsl.code,
      granularity: 'month',
      horizon: 1,
      leadTime: 1,
    });
    expect(forecast.stocking).toBeNull();
    expect(forecast.method).toEqual(expect.any(String));
    expect(run.body.lines).toEqual([
      expect.objectContaining({ partNumber: old.partNumber, method: forecast.method, reorderPoint: null }),
    ]);
  });
});
