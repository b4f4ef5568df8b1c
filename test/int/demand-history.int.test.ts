/**
 * Demand history (issue 6, M6.1, M6.2): what the hub issued plus what was imported, per month
 * or week, with a successor inheriting its predecessor's demand; the hub's own kit building
 * is not demand; a bad import changes nothing and names every bad row. Both stores.
 */
import { expect, it } from 'vitest';
import { reader } from '../../src/kernel/index.js';
import { forecastPart, listOverrides } from '../../src/modules/planning/index.js';
import { describeEachStore, type TestHub } from '../support/each-store.js';
import { makeLocation, makePart, receive } from '../support/factories.js';

const thisMonth = () => new Date().toISOString().slice(0, 7);

/** A value as JSON carries it: an answer equal to this of what the service returned lost no field to its response schema. */
const asJson = (value: unknown) => JSON.parse(JSON.stringify(value)) as unknown;

async function issue(
  t: TestHub,
  partNumber: string,
  locationCode: string,
  quantity: number,
  reference: string,
) {
  const res = await t.api('POST', '/api/v1/stock/movements', {
    body: { type: 'issue', partNumber, locationCode, quantity, reference },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
}

function importCsv(t: TestHub, csv: string, query = 'granularity=month&source=ERP') {
  return t.api('POST', `/api/v1/planning/demand-history?${query}`, {
    rawBody: csv,
    headers: { 'content-type': 'text/csv' },
  });
}

describeEachStore('demand history', (hub) => {
  it('adds what the hub issued to what was imported, and a successor inherits its predecessor’s demand', async () => {
    const t = hub();
    const location = await makeLocation(t);
    const [oldPart, newPart] = [await makePart(t), await makePart(t)];
    const linked = await t.api('POST', `/api/v1/parts/${oldPart.partNumber}/supersessions`, {
      body: {
        successor: newPart.partNumber,
        type: 'one_way',
        effectiveFrom: '2026-10-15T00:00:00Z',
        reason: 'ECN-77',
      },
    });
    expect(linked.status, JSON.stringify(linked.body)).toBe(201);
    await receive(t, oldPart, location, 10);
    await receive(t, newPart, location, 20);
    await issue(t, oldPart.partNumber, location.code, 2, 'WO-1');
    await issue(t, newPart.partNumber, location.code, 3, 'WO-2');
    // Components taken into a kit stay in the hub: not demand.
    await issue(t, newPart.partNumber, location.code, 5, 'kit-build:kit_1');

    const imported = await importCsv(
      t,
      `partNumber,locationCode,period,quantity\n${oldPart.partNumber},${location.code},2026-08,1\n${newPart.partNumber},${location.code},2026-09,4\n${newPart.partNumber},${location.code},2026-10,0\n`,
    );
    expect(imported.status, JSON.stringify(imported.body)).toBe(201);
    expect(imported.body).toMatchObject({ rows: 3, parts: 2, source: 'ERP' });

    const history = await t.api(
      'GET',
      `/api/v1/planning/demand?partNumber=${newPart.partNumber}&locationCode=${location.code}`,
    );
    expect(history.status, JSON.stringify(history.body)).toBe(200);
    expect(history.body).toMatchObject({
      predecessors: [oldPart.partNumber],
      from: '2026-08',
      to: thisMonth(),
    });
    const at = (period: string) =>
      history.body.periods.find((p: { period: string }) => p.period === period) as {
        quantity: number;
        byPart: Record<string, number>;
      };
    expect(at('2026-08')).toEqual({ period: '2026-08', quantity: 1, byPart: { [oldPart.partNumber]: 1 } });
    expect(at('2026-09').quantity).toBe(4);
    expect(at('2026-10').quantity).toBe(0);
    expect(at(thisMonth())).toMatchObject({
      quantity: 5,
      byPart: { [oldPart.partNumber]: 2, [newPart.partNumber]: 3 },
    });
    expect(history.body.series).toHaveLength(history.body.periods.length);
    expect(history.body.series.reduce((s: number, v: number) => s + v, 0)).toBe(10);
    // The old part's own history does not borrow from its successor.
    const old = await t.api('GET', `/api/v1/planning/demand?partNumber=${oldPart.partNumber}`);
    expect(old.body.series.reduce((s: number, v: number) => s + v, 0)).toBe(3);

    // A repeat of an imported period replaces it.
    await importCsv(
      t,
      `partNumber,locationCode,period,quantity\n${newPart.partNumber},${location.code},2026-09,6\n`,
    );
    const again = await t.api('GET', `/api/v1/planning/demand?partNumber=${newPart.partNumber}`);
    expect(again.body.periods.find((p: { period: string }) => p.period === '2026-09').quantity).toBe(6);

    const weekly = await t.api(
      'GET',
      `/api/v1/planning/demand?partNumber=${newPart.partNumber}&granularity=week`,
    );
    const monday = new Date();
    monday.setUTCDate(monday.getUTCDate() - ((monday.getUTCDay() + 6) % 7));
    expect(weekly.body.to).toBe(monday.toISOString().slice(0, 10));
    expect(weekly.body.series.at(-1)).toBe(5);

    // The forecast a planner reads: the class's method, the figures, the stocking levels and why.
    const forecast = await t.api(
      'GET',
      `/api/v1/planning/forecast?partNumber=${newPart.partNumber}&horizon=6&leadTime=2`,
    );
    expect(forecast.status, JSON.stringify(forecast.body)).toBe(200);
    expect(forecast.body.forecast).toHaveLength(6);
    expect(forecast.body.method).toEqual(expect.any(String));
    expect(forecast.body.classification.class).toEqual(expect.any(String));
    expect(forecast.body.stocking.reorderPoint).toBeGreaterThanOrEqual(0);
    expect(forecast.body.reasons.length).toBeGreaterThan(2);
    // Every field the service returns, as it returns it.
    const direct = await forecastPart(reader(t.hub.store, t.ctx()), {
      partNumber: newPart.partNumber,
      granularity: 'month',
      horizon: 6,
      leadTime: 2,
    });
    expect(forecast.body).toEqual(asJson(direct));
    // No lead time is no replenishment to protect: refused at the query, for every part alike
    // (the stocking levels refused it only for parts with a history).
    for (const partNumber of [newPart.partNumber, oldPart.partNumber]) {
      const zero = await t.api('GET', `/api/v1/planning/forecast?partNumber=${partNumber}&leadTime=0`);
      expect([zero.status, zero.body.code, JSON.stringify(zero.body)]).toEqual([
        400,
        'VALIDATION_FAILED',
        expect.stringContaining('leadTime'),
      ]);
    }
    // The old part is phased out by the ECN: its demand is the successor's, no stock planned for it.
    const phasedOut = await t.api(
      'GET',
      `/api/v1/planning/forecast?partNumber=${oldPart.partNumber}&horizon=3`,
    );
    expect(phasedOut.body).toMatchObject({ forecast: [0, 0, 0], stocking: null });
    expect(phasedOut.body).toEqual(
      asJson(
        await forecastPart(reader(t.hub.store, t.ctx()), {
          partNumber: oldPart.partNumber,
          granularity: 'month',
          horizon: 3,
          leadTime: 1,
        }),
      ),
    );
    expect(phasedOut.body.reasons.join(' ')).toContain(
      `superseded by ${newPart.partNumber} from 2026-10-15 (ECN-77)`,
    );
    const picture = await t.api('GET', `/api/v1/planning/forecast.svg?partNumber=${newPart.partNumber}`);
    expect(picture.status).toBe(200);
    expect(String(picture.headers['content-type'])).toContain('image/svg+xml');
    expect(String(picture.body)).toContain('<svg');
  });

  it('refuses a bad import whole, naming every bad row, and keeps planning data to planners', async () => {
    const t = hub();
    const location = await makeLocation(t);
    const part = await makePart(t);
    const bad = await importCsv(
      t,
      `partNumber,locationCode,period,quantity\n${part.partNumber},${location.code},2026-13,1\nNO-SUCH-PART,${location.code},2026-01,1\n${part.partNumber},NOWHERE,2026-02,1\n${part.partNumber},${location.code},2026-03,-4\n${part.partNumber},${location.code},2026-04,2\n`,
    );
    expect(bad.status).toBe(422);
    expect(bad.body.code).toBe('DEMAND_HISTORY_INVALID');
    expect(bad.body.rejects.map((r: { row: number }) => r.row)).toEqual([1, 2, 3, 4]);
    const history = await t.api('GET', `/api/v1/planning/demand?partNumber=${part.partNumber}`);
    expect(history.body.series).toEqual([]);
    const json = await t.api('POST', '/api/v1/planning/demand-history', {
      body: {
        granularity: 'week',
        source: 'legacy',
        rows: [
          { partNumber: part.partNumber, locationCode: location.code, period: '2026-11-05', quantity: 2 },
        ],
      },
    });
    expect(json.status, JSON.stringify(json.body)).toBe(201);
    const weekly = await t.api(
      'GET',
      `/api/v1/planning/demand?partNumber=${part.partNumber}&granularity=week`,
    );
    expect(weekly.body.periods[0]).toMatchObject({ period: '2026-11-02', quantity: 2 });
    const technician = await t.keyFor('technician');
    expect(
      (await t.api('GET', `/api/v1/planning/demand?partNumber=${part.partNumber}`, { key: technician }))
        .status,
    ).toBe(403);
    // A file without rows is not an import.
    expect((await importCsv(t, 'partNumber,locationCode,period,quantity\n')).body.code).toBe(
      'VALIDATION_FAILED',
    );
    // Nor one the CSV reader cannot read (an unclosed quote; a JSON string posted as the body):
    // refused with the reader's words, not as a server error.
    const unreadable = await importCsv(
      t,
      `partNumber,locationCode,period,quantity\n"${part.partNumber},x,2026-01,1\n`,
    );
    expect([unreadable.status, unreadable.body.code]).toEqual([422, 'DEMAND_HISTORY_INVALID']);
    expect(unreadable.body.detail).toMatch(/^The file is not readable CSV: .*quote/i);
    const jsonString = await t.api('POST', '/api/v1/planning/demand-history', { body: 'a"b\nc' });
    expect([jsonString.status, jsonString.body.code]).toEqual([422, 'DEMAND_HISTORY_INVALID']);
  });

  it('a planning run sets each part’s buffer from its forecast and raises what is short now, once', async () => {
    const t = hub();
    const fsl = await makeLocation(t, { type: 'forward_stocking_location' });
    const warehouse = await makeLocation(t, { type: 'regional_warehouse' });
    const [short, plenty] = [await makePart(t), await makePart(t)];
    await receive(t, short, fsl, 2);
    await receive(t, plenty, fsl, 100);
    await receive(t, short, warehouse, 50);
    const months = ['2026-01', '2026-02', '2026-03', '2026-04', '2026-05', '2026-06', '2026-07', '2026-08'];
    const rows = months.flatMap((m) => [
      `${short.partNumber},${fsl.code},${m},4`,
      `${plenty.partNumber},${fsl.code},${m},3`,
    ]);
    expect((await importCsv(t, `partNumber,locationCode,period,quantity\n${rows.join('\n')}\n`)).status).toBe(
      201,
    );
    const body = {
      locationCode: fsl.code,
      leadTime: 1,
      source: 'transfer',
      sourceLocationCode: warehouse.code,
    };
    const run = await t.api('POST', '/api/v1/planning/runs', { body });
    expect(run.status, JSON.stringify(run.body)).toBe(201);
    // One location's run, every field kept (the response schema strips what it does not name).
    expect(Object.keys(run.body).sort()).toEqual([
      'granularity',
      'leadTime',
      'lines',
      'locationCode',
      'raised',
    ]);
    expect(run.body.lines.map((l: { partNumber: string }) => l.partNumber).sort()).toEqual(
      [short.partNumber, plenty.partNumber].sort(),
    );
    const line = (pn: string) => run.body.lines.find((l: { partNumber: string }) => l.partNumber === pn);
    expect(line(short.partNumber).reorderPoint).toBeGreaterThan(2);
    expect(line(short.partNumber).replenishment).toMatchObject({ quantity: expect.any(Number) });
    expect(line(short.partNumber).reasons.join(' ')).toContain('buffer at');
    expect(line(plenty.partNumber).replenishment).toBeNull();
    expect(run.body.raised).toBe(1);
    const events = await t.api('GET', '/api/v1/events?type=inventory.replenishment_raised&limit=1000');
    const mine = events.body.items.filter(
      (e: { payload: { partNumber?: string; replenishment?: { partNumber: string } } }) =>
        (e.payload.partNumber ?? e.payload.replenishment?.partNumber) === short.partNumber,
    );
    expect(mine).toHaveLength(1);
    // Planned again: what is already on its way counts, nothing is raised twice.
    const again = await t.api('POST', '/api/v1/planning/runs', { body });
    expect(again.body.raised).toBe(0);
    const planner = await t.keyFor('planner');
    expect((await t.api('POST', '/api/v1/planning/runs', { key: planner, body })).status).toBe(201);
    const dispatcher = await t.keyFor('dispatcher');
    expect((await t.api('POST', '/api/v1/planning/runs', { key: dispatcher, body })).status).toBe(403);
  });

  it('an engineering change dated ahead phases the part out from its date, not before', async () => {
    const t = hub();
    const location = await makeLocation(t);
    const [old, successor] = [await makePart(t), await makePart(t)];
    // Eight months of history up to this month, and an ECN effective three months from now.
    const month = (offset: number) => {
      const d = new Date();
      return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + offset, 1)).toISOString().slice(0, 7);
    };
    const rows = [-7, -6, -5, -4, -3, -2, -1, 0].map(
      (k) => `${old.partNumber},${location.code},${month(k)},5`,
    );
    await importCsv(t, `partNumber,locationCode,period,quantity\n${rows.join('\n')}\n`);
    // The next two months still need the old part; from the third the successor takes over.
    await t.api('POST', `/api/v1/parts/${old.partNumber}/supersessions`, {
      body: {
        successor: successor.partNumber,
        type: 'one_way',
        effectiveFrom: `${month(3)}-01T00:00:00Z`,
        reason: 'ECN-88',
      },
    });
    const forecast = await t.api('GET', `/api/v1/planning/forecast?partNumber=${old.partNumber}&horizon=4`);
    expect(forecast.body.forecast.map((v: number) => v > 0)).toEqual([true, true, false, false]);
    expect(forecast.body.stocking).not.toBeNull();
    expect(forecast.body.reasons.join(' ')).toContain('superseded by');
    // The successor inherits the old part's history.
    const inherited = await t.api(
      'GET',
      `/api/v1/planning/forecast?partNumber=${successor.partNumber}&horizon=2`,
    );
    expect(inherited.body.history.predecessors).toEqual([old.partNumber]);
    expect(inherited.body.forecast[0]).toBeGreaterThan(0);
  });

  it('a manager’s override replaces the forecast or the safety stock for its period, beside the statistical value', async () => {
    const t = hub();
    const location = await makeLocation(t);
    const part = await makePart(t);
    const rows = ['2026-05', '2026-06', '2026-07', '2026-08', '2026-09', '2026-10'].map(
      (m) => `${part.partNumber},${location.code},${m},2`,
    );
    await importCsv(t, `partNumber,locationCode,period,quantity\n${rows.join('\n')}\n`);
    const url = `/api/v1/planning/forecast?partNumber=${part.partNumber}&locationCode=${location.code}&horizon=3`;
    const before = (await t.api('GET', url)).body;
    expect(before.overrides).toEqual([]);
    const from = new Date(Date.now() - 86_400_000).toISOString();
    const to = new Date(Date.now() + 30 * 86_400_000).toISOString();
    const forecast = await t.api('POST', '/api/v1/planning/overrides', {
      body: {
        partNumber: part.partNumber,
        kind: 'forecast',
        value: 9,
        validFrom: from,
        validTo: to,
        reason: 'plant shutdown maintenance',
      },
    });
    expect(forecast.status, JSON.stringify(forecast.body)).toBe(201);
    const safety = await t.api('POST', '/api/v1/planning/overrides', {
      body: {
        partNumber: part.partNumber,
        locationCode: location.code,
        kind: 'safety_stock',
        value: 7,
        validFrom: from,
        validTo: to,
        reason: 'critical customer in the region',
      },
    });
    expect(safety.status, JSON.stringify(safety.body)).toBe(201);
    const after = (await t.api('GET', url)).body;
    expect(after.forecast).toEqual([9, 9, 9]);
    expect(after.statisticalForecast).toEqual(before.forecast);
    expect(after.stocking.safetyStock).toBe(7);
    expect(after.statisticalSafetyStock).toBe(before.stocking.safetyStock);
    expect(after.overrides).toHaveLength(2);
    expect(after.reasons.join(' ')).toContain('plant shutdown maintenance');
    // Every field the service returns, overrides and overridden stocking included.
    const r = reader(t.hub.store, t.ctx());
    expect(after).toEqual(
      asJson(
        await forecastPart(r, {
          partNumber: part.partNumber,
          locationCode: location.code,
          granularity: 'month',
          horizon: 3,
          leadTime: 1,
        }),
      ),
    );
    // An override elsewhere or out of its period does not apply; a backwards period is refused.
    const elsewhere = (
      await t.api('GET', `/api/v1/planning/forecast?partNumber=${part.partNumber}&horizon=3`)
    ).body;
    expect(elsewhere.stocking.safetyStock).toBe(elsewhere.statisticalSafetyStock);
    const backwards = await t.api('POST', '/api/v1/planning/overrides', {
      body: {
        partNumber: part.partNumber,
        kind: 'forecast',
        value: 1,
        validFrom: to,
        validTo: from,
        reason: 'x',
      },
    });
    expect(backwards.body.code).toBe('VALIDATION_FAILED');
    const technician = await t.keyFor('technician');
    const refused = await t.api('POST', '/api/v1/planning/overrides', {
      key: technician,
      body: {
        partNumber: part.partNumber,
        kind: 'forecast',
        value: 1,
        validFrom: from,
        validTo: to,
        reason: 'x',
      },
    });
    expect(refused.status).toBe(403);
    const listed = await t.api('GET', `/api/v1/planning/overrides?partNumber=${part.partNumber}`);
    expect(listed.body.items).toHaveLength(2);
    const stored = asJson(await listOverrides(r, { partNumber: part.partNumber })) as unknown[];
    expect(listed.body).toEqual({ items: stored });
    expect(stored).toContainEqual(forecast.body);
    expect(stored).toContainEqual(safety.body);
  });
});
