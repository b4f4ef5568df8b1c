/**
 * Equipment models being retired (issue 6, M6.2): schedules as data, audited; a part's forecast
 * scaled per period by the share of its work order consumption from models still in service,
 * consumption without a model unaffected, the reasons naming models and shares. Both stores.
 */
import { expect, it } from 'vitest';
import { reader } from '../../src/kernel/index.js';
import { listRetirements } from '../../src/modules/planning/index.js';
import { describeEachStore, type TestHub } from '../support/each-store.js';
import { makeLocation, makePart, receive, uniqueCode } from '../support/factories.js';

/** The first day of the month `n` months from now (UTC), as an ISO instant. */
function monthStart(n: number): string {
  const now = new Date();
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + n, 1)).toISOString();
}

async function completedJob(
  t: TestHub,
  van: string,
  partNumber: string,
  equipmentModel: string | null,
  quantity: number,
) {
  const ref = uniqueCode('WO');
  const created = await t.api('POST', '/api/v1/work-orders', {
    body: {
      externalRef: ref,
      technicianVan: van,
      jobRegion: 'NORTH',
      equipmentModel,
      priority: 5,
      dueAt: new Date(Date.now() + 86_400_000).toISOString(),
      lines: [{ lineId: '1', partNumber, quantity }],
    },
  });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  const done = await t.api('POST', `/api/v1/work-orders/${ref}/complete`, {
    body: { lines: [{ lineId: '1', usedQuantity: quantity }] },
  });
  expect(done.status, JSON.stringify(done.body)).toBe(200);
}

describeEachStore('planning: retired equipment models', (hub) => {
  it('scales a part’s forecast by the share of its demand from models still in service', async () => {
    const t = hub();
    const van = await makeLocation(t, { type: 'technician_van' });
    const part = await makePart(t);
    const [modelA, modelB] = [uniqueCode('MX-A'), uniqueCode('MX-B')];
    await receive(t, part, van, 20);
    // This month: 6 used on model A, 3 on model B, 1 on a job without a model.
    await completedJob(t, van.code, part.partNumber, modelA, 4);
    await completedJob(t, van.code, part.partNumber, modelB, 3);
    await completedJob(t, van.code, part.partNumber, null, 1);
    await completedJob(t, van.code, part.partNumber, modelA, 2);
    // Before it, ten a month: a steady history whose every method forecasts 10.
    const imported = await t.api('POST', '/api/v1/planning/demand-history', {
      body: {
        granularity: 'month',
        rows: [-6, -5, -4, -3, -2, -1].map((n) => ({
          partNumber: part.partNumber,
          locationCode: van.code,
          period: monthStart(n).slice(0, 7),
          quantity: 10,
        })),
      },
    });
    expect(imported.status, JSON.stringify(imported.body)).toBe(201);
    const forecast = async () => {
      const res = await t.api(
        'GET',
        `/api/v1/planning/forecast?partNumber=${part.partNumber}&locationCode=${van.code}&horizon=5&leadTime=1`,
      );
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      return res.body;
    };
    const before = await forecast();
    before.forecast.forEach((v: number) => expect(v).toBeCloseTo(10, 9));

    // Model A phases down from the start of month 2 ahead to month 4; model B retires at month 3.
    const a = await t.api('POST', '/api/v1/planning/equipment-retirements', {
      body: {
        equipmentModel: modelA,
        phaseDownFrom: monthStart(2),
        retireOn: monthStart(4),
        reason: 'ECN-31 end of support',
      },
    });
    expect(a.status, JSON.stringify(a.body)).toBe(201);
    expect(a.body).toMatchObject({
      equipmentModel: modelA,
      retireOn: monthStart(4),
      createdBy: expect.any(String),
    });
    const b = await t.api('POST', '/api/v1/planning/equipment-retirements', {
      body: { equipmentModel: modelB, retireOn: monthStart(3), reason: 'ECN-32 recall' },
    });
    expect(b.status, JSON.stringify(b.body)).toBe(201);

    const after = await forecast();
    // Forecast periods start at months 1..5 ahead. A: in service 1, 1, (m4 − m3)/(m4 − m2), 0, 0.
    const at = (n: number) => Date.parse(monthStart(n));
    const rampA = (at(4) - at(3)) / (at(4) - at(2));
    const factors = [1, 1, 1 - 0.6 * (1 - rampA) - 0.3, 1 - 0.6 - 0.3, 0.1];
    after.forecast.forEach((v: number, k: number) => expect(v).toBeCloseTo(10 * factors[k]!, 9));
    const reasons = after.reasons.join('\n');
    expect(reasons).toContain(`${modelA} 60%, ${modelB} 30%, no model 10%`);
    expect(reasons).toContain(
      `${modelA} is phased down from ${monthStart(2).slice(0, 10)} and retired on ${monthStart(4).slice(0, 10)} (ECN-31 end of support)`,
    );
    expect(reasons).toContain(
      `${modelB} is retired on ${monthStart(3).slice(0, 10)} (ECN-32 recall): its 30% of demand ends then`,
    );
    // A lead time of one month sees months 1 only: no stocking change yet.
    expect(after.stocking.reorderPoint).toBe(before.stocking.reorderPoint);
    // Over a lead time of four months, stock is held for the share still in service.
    const long = await t.api(
      'GET',
      `/api/v1/planning/forecast?partNumber=${part.partNumber}&locationCode=${van.code}&horizon=5&leadTime=4`,
    );
    expect(long.body.reasons.join('\n')).toMatch(
      /stocking for the \d+(\.\d+)?% of demand still in service over the lead time/,
    );

    // Postponed: the newest schedule of a model replaces the earlier one, which stays on record.
    const later = await t.api('POST', '/api/v1/planning/equipment-retirements', {
      body: { equipmentModel: modelB, retireOn: monthStart(12), reason: 'ECN-32 recall postponed' },
    });
    expect(later.status).toBe(201);
    const postponed = await forecast();
    expect(postponed.forecast[3]).toBeCloseTo(10 * (1 - 0.6), 9);
    const listed = await t.api('GET', `/api/v1/planning/equipment-retirements?equipmentModel=${modelB}`);
    expect(listed.body.items.map((r: { reason: string }) => r.reason)).toEqual([
      'ECN-32 recall postponed',
      'ECN-32 recall',
    ]);
    // Every field the service returns, as it returns it (the response schema strips what it does not name).
    const stored = JSON.parse(
      JSON.stringify(await listRetirements(reader(t.hub.store, t.ctx()), { equipmentModel: modelB })),
    ) as unknown[];
    expect(listed.body).toEqual({ items: stored });
    expect(stored).toEqual([later.body, b.body]);
    const audit = await t.api(
      'GET',
      `/api/v1/audit?action=planning.equipment_retirement_set&entityId=${modelB}`,
    );
    expect(audit.body.items).toHaveLength(2);
    expect(audit.body.items[0]).toMatchObject({
      entityType: 'equipment_model',
      reason: 'ECN-32 recall postponed',
    });
    expect(audit.body.items[0].before).toMatchObject({ reason: 'ECN-32 recall' });

    // A forecast run applies it too.
    const run = await t.api('POST', '/api/v1/planning/forecast-runs', {
      body: { horizon: 5, partNumbers: [part.partNumber] },
    });
    expect(run.body.items[0].forecast[4]).toBeCloseTo(10 * 0.4, 9);
  });

  it('refuses a phase-down after the retirement, and keeps schedules to planners', async () => {
    const t = hub();
    const bad = await t.api('POST', '/api/v1/planning/equipment-retirements', {
      body: {
        equipmentModel: 'MX-9',
        phaseDownFrom: '2027-05-01T00:00:00Z',
        retireOn: '2027-03-01T00:00:00Z',
        reason: 'x',
      },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('VALIDATION_FAILED');
    const missing = await t.api('POST', '/api/v1/planning/equipment-retirements', {
      body: { equipmentModel: 'MX-9', retireOn: '2027-03-01T00:00:00Z' },
    });
    expect(missing.status).toBe(400);
    const dispatcher = await t.keyFor('dispatcher');
    const refused = await t.api('POST', '/api/v1/planning/equipment-retirements', {
      key: dispatcher,
      body: { equipmentModel: 'MX-9', retireOn: '2027-03-01T00:00:00Z', reason: 'x' },
    });
    expect(refused.status).toBe(403);
    expect((await t.api('GET', '/api/v1/planning/equipment-retirements', { key: dispatcher })).status).toBe(
      200,
    );
  });
});
