/**
 * Learned lead times (issue 6, M6.6): a supplier's from its purchases raised to their receipts,
 * a repair vendor's from the ledger's trips of a part into its location and back out; planning
 * runs without a lead time use them, the spread raising the safety stock, and say so. Both stores.
 */
import { expect, it } from 'vitest';
import { reader, runWork } from '../../src/kernel/index.js';
import { putBuffer, postMovement, type MovementInput } from '../../src/modules/inventory/index.js';
import { learnedLeadTimes } from '../../src/modules/planning/index.js';
import { fixedClock } from '../../src/platform/clock.js';
import { describeEachStore, type TestHub } from '../support/each-store.js';
import { makeLocation, makePart } from '../support/factories.js';

const DAY = 86_400_000;
const MONTH_DAYS = 365.25 / 12;

/** Runs a use case as the hub at a given instant: how records with a past get made. */
function at<T>(t: TestHub, when: number, fn: Parameters<typeof runWork<T>>[2]): Promise<T> {
  return runWork(t.hub.store, { ...t.ctx(), clock: fixedClock(new Date(when)) }, fn);
}

function moveAt(t: TestHub, when: number, input: MovementInput) {
  return at(t, when, (w) => postMovement(w, input));
}

describeEachStore('planning: learned lead times', (hub) => {
  it('learns a supplier’s lead time from its receipts and a repair vendor’s from its cycles, and plans with them', async () => {
    const t = hub();
    const base = Date.now() - 200 * DAY;
    const fsl = await makeLocation(t, { type: 'forward_stocking_location' });
    const rw = await makeLocation(t, { type: 'regional_warehouse' });
    const rep = await makeLocation(t, { type: 'repair_vendor' });
    const bought = await makePart(t);
    const repairable = await makePart(t, { tracking: 'serial' });
    const loose = await makePart(t);
    const supplier = `SUP-${bought.partNumber}`;

    // Six purchases from the supplier: raised by the buffer, received 4, 5, 6, 7, 8 and 60 days later.
    const days = [4, 5, 6, 7, 8, 60];
    for (const [i, d] of days.entries()) {
      const raisedAt = base + i * 20 * DAY;
      const raised =
        i === 0
          ? (
              await at(t, raisedAt, (w) =>
                putBuffer(w, {
                  partNumber: bought.partNumber,
                  locationCode: fsl.code,
                  buffer: 5,
                  cycleHours: 24,
                  source: 'purchase',
                  supplier,
                  orderUpTo: 10,
                }),
              )
            ).check?.replenishment
          : // Issuing everything empties the location: the buffer raises the next purchase then.
            (await t.api('GET', `/api/v1/stock/replenishments?partNumber=${bought.partNumber}&status=open`))
              .body.items[0];
      expect(raised, `purchase ${i + 1}`).toMatchObject({ quantity: 10, supplier });
      await moveAt(t, raisedAt + d * DAY, {
        type: 'receipt',
        partNumber: bought.partNumber,
        locationCode: fsl.code,
        quantity: 10,
        reference: raised.id,
      });
      await moveAt(t, raisedAt + d * DAY + 1000, {
        type: 'issue',
        partNumber: bought.partNumber,
        locationCode: fsl.code,
        quantity: 10,
        reference: `WO-${i}`,
      });
      if (i < days.length - 1) {
        // The next purchase is raised at the issue; move its raise date to the next slot.
        const next = (
          await t.api('GET', `/api/v1/stock/replenishments?partNumber=${bought.partNumber}&status=open`)
        ).body.items[0];
        await t.hub.store.db
          .updateTable('replenishment_orders')
          .set({ raised_at: new Date(base + (i + 1) * 20 * DAY).toISOString() })
          .where('id', '=', next.id)
          .execute();
      }
    }

    const learned = await t.api(
      'GET',
      `/api/v1/planning/lead-times?partyKind=supplier&partyCode=${supplier}`,
    );
    expect(learned.status, JSON.stringify(learned.body)).toBe(200);
    const [party, part] = learned.body.items;
    // 4 5 6 7 8 60: nearest-rank Q1 5, Q3 8, IQR 3 → fences −4 and 17 leave the 60 out.
    expect(party).toMatchObject({ partyKind: 'supplier', partyCode: supplier, partNumber: null, count: 5 });
    expect(party.meanDays).toBeCloseTo(6, 6);
    expect(party.sdDays).toBeCloseTo(Math.sqrt(2.5), 6);
    expect([party.p50Days, party.p90Days]).toEqual([6, 8]);
    expect(party.outliers).toHaveLength(1);
    expect(party.outliers[0].days).toBeCloseTo(60, 6);
    expect(party.reasons[0]).toMatch(new RegExp(`^5 receipts from ${supplier} between `));
    expect(party.reasons[1]).toContain('left out as outliers');
    expect(part).toMatchObject({ partNumber: bought.partNumber, count: 5, usable: true });
    // Every field the service returns, as it returns it (the response schema strips what it does
    // not name); `from` is a year before each call's own now.
    const direct = await learnedLeadTimes(reader(t.hub.store, t.ctx()), {
      partyKind: 'supplier',
      partyCode: supplier,
    });
    expect(learned.body).toEqual({
      from: expect.any(String),
      items: JSON.parse(JSON.stringify(direct.items)),
    });

    // Repair cycles: serials sent to the vendor and back after 20, 25 and 30 days (with a
    // status change while there), and four loose units returned in two lots after 10 and 14.
    const serials = ['SN-A', 'SN-B', 'SN-C'];
    await moveAt(t, base, {
      type: 'receipt',
      partNumber: repairable.partNumber,
      locationCode: rw.code,
      quantity: 3,
      serials,
    });
    await moveAt(t, base, {
      type: 'receipt',
      partNumber: loose.partNumber,
      locationCode: rw.code,
      quantity: 4,
    });
    for (const [i, serial] of serials.entries()) {
      const sent = base + (10 + i) * DAY;
      await moveAt(t, sent, {
        type: 'transfer',
        partNumber: repairable.partNumber,
        locationCode: rw.code,
        toLocationCode: rep.code,
        toStatus: 'defective',
        quantity: 1,
        serials: [serial],
      });
      await moveAt(t, sent + DAY, {
        type: 'status_change',
        partNumber: repairable.partNumber,
        locationCode: rep.code,
        status: 'defective',
        toStatus: 'repair_in_process',
        quantity: 1,
        serials: [serial],
      });
      await moveAt(t, sent + (20 + 5 * i) * DAY, {
        type: 'transfer',
        partNumber: repairable.partNumber,
        locationCode: rep.code,
        status: 'repair_in_process',
        toLocationCode: rw.code,
        quantity: 1,
        serials: [serial],
      });
    }
    const looseSent = base + 50 * DAY;
    await moveAt(t, looseSent, {
      type: 'transfer',
      partNumber: loose.partNumber,
      locationCode: rw.code,
      toLocationCode: rep.code,
      quantity: 4,
    });
    for (const d of [10, 14])
      await moveAt(t, looseSent + d * DAY, {
        type: 'transfer',
        partNumber: loose.partNumber,
        locationCode: rep.code,
        toLocationCode: rw.code,
        quantity: 2,
      });
    const repair = await t.api(
      'GET',
      `/api/v1/planning/lead-times?partyKind=repair_vendor&partyCode=${rep.code}`,
    );
    expect(repair.status, JSON.stringify(repair.body)).toBe(200);
    expect(repair.body.items).toHaveLength(1);
    const vendor = repair.body.items[0];
    // 20 25 30 10 14 days.
    expect(vendor).toMatchObject({ partyKind: 'repair_vendor', partyCode: rep.code, count: 5, usable: true });
    expect(vendor.meanDays).toBeCloseTo(19.8, 6);
    expect(vendor.reasons[0]).toMatch(new RegExp(`^5 repair cycles at ${rep.code} between `));
    const forLoose = await t.api('GET', `/api/v1/planning/lead-times?partNumber=${loose.partNumber}`);
    expect(forLoose.body.items.map((l: { partyCode: string }) => l.partyCode)).toEqual([rep.code]);

    // Demand at the FSL for the planning runs.
    // Forty a month or so: enough that the lead time's spread shows in whole units of safety stock.
    const monthly = [30, 50, 40, 45, 35, 40];
    const rows = ['2026-01', '2026-02', '2026-03', '2026-04', '2026-05', '2026-06'].flatMap((m, i) => [
      `${bought.partNumber},${fsl.code},${m},${monthly[i]}`,
      `${repairable.partNumber},${fsl.code},${m},2`,
    ]);
    const imported = await t.api('POST', '/api/v1/planning/demand-history?granularity=month', {
      rawBody: `partNumber,locationCode,period,quantity\n${rows.join('\n')}\n`,
      headers: { 'content-type': 'text/csv' },
    });
    expect(imported.status, JSON.stringify(imported.body)).toBe(201);

    const learnedRun = await t.api('POST', '/api/v1/planning/runs', {
      body: { locationCode: fsl.code, source: 'purchase', supplier, partNumbers: [bought.partNumber] },
    });
    expect(learnedRun.status, JSON.stringify(learnedRun.body)).toBe(201);
    expect(learnedRun.body.leadTime).toBeNull();
    const line = learnedRun.body.lines[0];
    expect(line.leadTime.source).toBe('learned');
    expect(line.leadTime.days).toBeCloseTo(6, 6);
    expect(line.leadTime.periods).toBeCloseTo(6 / MONTH_DAYS, 6);
    expect(line.leadTime.variance).toBeCloseTo(2.5 / MONTH_DAYS ** 2, 9);
    expect(line.reasons[0]).toContain(
      `learned for ${bought.partNumber}: 5 receipts of ${bought.partNumber} from ${supplier}`,
    );
    expect(line.reasons.join(' ')).toContain('enters the safety stock as lead-time variance');

    // The same mean taken as fixed holds no more safety stock than the learned one with its spread.
    const fixedRun = await t.api('POST', '/api/v1/planning/runs', {
      body: {
        locationCode: fsl.code,
        source: 'purchase',
        supplier,
        leadTime: line.leadTime.periods,
        partNumbers: [bought.partNumber],
      },
    });
    expect(fixedRun.status, JSON.stringify(fixedRun.body)).toBe(201);
    expect(fixedRun.body.lines[0].leadTime).toMatchObject({ source: 'input', variance: 0 });
    expect(line.safetyStock).toBeGreaterThan(fixedRun.body.lines[0].safetyStock);

    // A supplier with no receipts: the configured purchase time (default 120 h).
    const unknown = await t.api('POST', '/api/v1/planning/runs', {
      body: {
        locationCode: fsl.code,
        source: 'purchase',
        supplier: 'NOBODY',
        partNumbers: [bought.partNumber],
      },
    });
    expect(unknown.status, JSON.stringify(unknown.body)).toBe(201);
    expect(unknown.body.lines[0].leadTime).toMatchObject({ source: 'configured', days: 5, variance: 0 });
    expect(unknown.body.lines[0].reasons.slice(0, 2)).toEqual([
      'nothing recorded for supplier NOBODY to learn a lead time from',
      "lead time 0.1643 months (5 d) configured: the lead-time policy's default purchase time, 120 h (taken as fixed)",
    ]);

    // Transfers from the repair vendor: its learned repair cycle time.
    const fromVendor = await t.api('POST', '/api/v1/planning/runs', {
      body: {
        locationCode: fsl.code,
        source: 'transfer',
        sourceLocationCode: rep.code,
        partNumbers: [repairable.partNumber],
      },
    });
    expect(fromVendor.status, JSON.stringify(fromVendor.body)).toBe(201);
    expect(fromVendor.body.lines[0].leadTime.source).toBe('learned');
    expect(fromVendor.body.lines[0].leadTime.days).toBeCloseTo(19.8, 6);
    expect(fromVendor.body.lines[0].reasons[0]).toContain('learned from actual repair cycles');

    // Transfers from a warehouse: the configured lane (a regional warehouse in the same region: 24 h).
    const fromWarehouse = await t.api('POST', '/api/v1/planning/runs', {
      body: {
        locationCode: fsl.code,
        source: 'transfer',
        sourceLocationCode: rw.code,
        partNumbers: [repairable.partNumber],
      },
    });
    expect(fromWarehouse.status, JSON.stringify(fromWarehouse.body)).toBe(201);
    expect(fromWarehouse.body.lines[0].leadTime).toMatchObject({ source: 'configured', days: 1 });
    expect(fromWarehouse.body.lines[0].reasons[0]).toContain(`the lead-time lane from ${rw.code}`);
  });

  it('refuses a bad filter and keeps lead times to those who may read planning', async () => {
    const t = hub();
    const bad = await t.api('GET', '/api/v1/planning/lead-times?partyKind=carrier');
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('VALIDATION_FAILED');
    const technician = await t.keyFor('technician');
    expect((await t.api('GET', '/api/v1/planning/lead-times', { key: technician })).status).toBe(403);
    // Transfers from a repair vendor with no cycles on record: nothing learned, no lane configured.
    const [fsl, vendor] = [
      await makeLocation(t, { type: 'forward_stocking_location' }),
      await makeLocation(t, { type: 'repair_vendor' }),
    ];
    const part = await makePart(t);
    const unplannable = await t.api('POST', '/api/v1/planning/runs', {
      body: {
        locationCode: fsl.code,
        source: 'transfer',
        sourceLocationCode: vendor.code,
        partNumbers: [part.partNumber],
      },
    });
    expect(unplannable.status).toBe(400);
    expect(unplannable.body).toMatchObject({ code: 'VALIDATION_FAILED' });
    expect(unplannable.body.detail).toBe(
      `no lead time to plan with: nothing recorded for repair vendor ${vendor.code} to learn a lead time from; nothing is configured for this source; give leadTime`,
    );
    const none = await t.api('GET', '/api/v1/planning/lead-times?partyCode=NOBODY');
    expect(none.status).toBe(200);
    expect(none.body.items).toEqual([]);
  });
});
