import { expect, it } from 'vitest';
import { runWork } from '../../src/kernel/index.js';
import { applyDueChanges } from '../../src/modules/catalog/index.js';
import { fixedClock } from '../../src/platform/clock.js';
import { describeEachStore } from '../support/each-store.js';
import { makePart } from '../support/factories.js';

describeEachStore('master data ownership and change control', (hub) => {
  it('applies the owner’s update, turns another system’s update into a change request, and keeps lineage', async () => {
    const t = hub();
    const part = await makePart(t);
    expect(
      (await t.api('PUT', '/api/v1/ownership-rules', { body: { attribute: 'cost', owner: 'ERP' } })).status,
    ).toBe(200);
    const fromFsm = await t.api('PATCH', `/api/v1/parts/${part.partNumber}`, {
      body: { attributes: { cost: 12.5, criticality: 'A' }, source: 'FSM' },
    });
    expect(fromFsm.status).toBe(200);
    expect(fromFsm.body.applied).toEqual({ criticality: 'A' });
    expect(fromFsm.body.changeRequest).toMatchObject({
      status: 'proposed',
      changes: { cost: 12.5 },
      source: 'FSM',
    });
    expect(fromFsm.body.reasons.join(' ')).toContain('ERP owns cost');
    const fromErp = await t.api('PATCH', `/api/v1/parts/${part.partNumber}`, {
      body: { attributes: { cost: 10 }, source: 'ERP' },
    });
    expect(fromErp.body.applied).toEqual({ cost: 10 });
    const golden = await t.api('GET', `/api/v1/parts/${part.partNumber}/attributes`);
    const cost = golden.body.attributes.find((a: { attribute: string }) => a.attribute === 'cost');
    expect(cost).toMatchObject({ value: 10, source: 'ERP', rule: 'ERP owns cost' });
    expect(cost.lineage.map((l: { source: string; value: number }) => [l.source, l.value]).sort()).toEqual([
      ['ERP', 10],
      ['FSM', 12.5],
    ]);

    const planner = await t.keyFor('planner');
    const denied = await t.api('POST', `/api/v1/change-requests/${fromFsm.body.changeRequest.id}/approve`, {
      key: planner,
      body: {},
    });
    expect(denied.status).toBe(403);
    const approved = await t.api('POST', `/api/v1/change-requests/${fromFsm.body.changeRequest.id}/approve`, {
      body: { note: 'field price agreed' },
    });
    expect(approved.status).toBe(200);
    expect(approved.body.changeRequest).toMatchObject({
      status: 'applied',
      decisionNote: 'field price agreed',
    });
    const after = await t.api('GET', `/api/v1/parts/${part.partNumber}/attributes`);
    expect(after.body.attributes.find((a: { attribute: string }) => a.attribute === 'cost')).toMatchObject({
      value: 12.5,
      source: 'FSM',
    });
    const again = await t.api('POST', `/api/v1/change-requests/${fromFsm.body.changeRequest.id}/reject`, {
      body: {},
    });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('CHANGE_REQUEST_NOT_PENDING');
    const audit = await t.api('GET', `/api/v1/audit?entityId=${fromFsm.body.changeRequest.id}`);
    expect(audit.body.items.map((a: { action: string }) => a.action).sort()).toEqual([
      'change_request.applied',
      'change_request.approved',
      'change_request.proposed',
    ]);
  });

  it('validates values against taxonomies and fixed attribute types, the same for proposals', async () => {
    const t = hub();
    const part = await makePart(t);
    const bad = await t.api('PATCH', `/api/v1/parts/${part.partNumber}`, {
      body: { attributes: { criticality: 'Z' } },
    });
    expect(bad.status).toBe(422);
    expect(bad.body).toMatchObject({ code: 'ATTRIBUTE_INVALID', attribute: 'criticality' });
    expect(
      (await t.api('PATCH', `/api/v1/parts/${part.partNumber}`, { body: { attributes: { colour: 'red' } } }))
        .body.code,
    ).toBe('ATTRIBUTE_INVALID');
    expect(
      (
        await t.api('POST', '/api/v1/change-requests', {
          body: { partNumber: part.partNumber, changes: { cost: -1 }, reason: 'x' },
        })
      ).body.code,
    ).toBe('ATTRIBUTE_INVALID');
    expect(
      (
        await t.api('PUT', '/api/v1/taxonomies/criticality', {
          body: { name: 'Criticality', values: ['A', 'B', 'C', 'Z'] },
        })
      ).status,
    ).toBe(200);
    expect(
      (
        await t.api('PATCH', `/api/v1/parts/${part.partNumber}`, {
          body: { attributes: { criticality: 'Z', description: 'Renamed' } },
        })
      ).status,
    ).toBe(200);
    expect((await t.api('GET', `/api/v1/parts/${part.partNumber}`)).body.description).toBe('Renamed');
  });

  it('holds an approved change until its effective date, then applies it once', async () => {
    const t = hub();
    const part = await makePart(t);
    const proposed = await t.api('POST', '/api/v1/change-requests', {
      body: {
        partNumber: part.partNumber,
        changes: { lifecycle: 'phase_out' },
        reason: 'ECN-77',
        effectiveFrom: '2030-01-01T00:00:00Z',
      },
    });
    expect(proposed.status).toBe(201);
    const approved = await t.api('POST', `/api/v1/change-requests/${proposed.body.id}/approve`, { body: {} });
    expect(approved.body.changeRequest.status).toBe('approved');
    expect(approved.body.reason).toContain('effective from');
    const later = { ...t.ctx(), clock: fixedClock(new Date('2030-01-02T00:00:00Z')) };
    const applied = await runWork(t.hub.store, later, (w) => applyDueChanges(w));
    expect(applied.map((c) => c.id)).toContain(proposed.body.id);
    expect(await runWork(t.hub.store, later, (w) => applyDueChanges(w))).toEqual([]);
    const golden = await t.api('GET', `/api/v1/parts/${part.partNumber}/attributes`);
    expect(
      golden.body.attributes.find((a: { attribute: string }) => a.attribute === 'lifecycle'),
    ).toMatchObject({ value: 'phase_out' });
  });
});

describeEachStore('master data freeze windows', (hub) => {
  it('lets only emergency changes through a freeze window, deferring even the owner’s updates', async () => {
    const t = hub();
    const part = await makePart(t);
    const now = Date.now();
    const window = await t.api('POST', '/api/v1/freeze-windows', {
      body: {
        startsAt: new Date(now - 60_000).toISOString(),
        endsAt: new Date(now + 3_600_000).toISOString(),
        reason: 'ERP go-live',
      },
    });
    expect(window.status).toBe(201);
    const direct = await t.api('PATCH', `/api/v1/parts/${part.partNumber}`, {
      body: { attributes: { manufacturer: 'Acme' }, source: 'ERP' },
    });
    expect(direct.body.applied).toEqual({});
    expect(direct.body.changeRequest.status).toBe('proposed');
    expect(direct.body.reasons[0]).toContain('ERP go-live');
    const normal = await t.api('POST', `/api/v1/change-requests/${direct.body.changeRequest.id}/approve`, {
      body: {},
    });
    expect(normal.body.changeRequest.status).toBe('approved');
    expect(normal.body.reason).toContain('freeze window');
    const emergency = await t.api('POST', '/api/v1/change-requests', {
      body: {
        partNumber: part.partNumber,
        changes: { lifecycle: 'obsolete' },
        reason: 'safety recall',
        emergency: true,
      },
    });
    const pushed = await t.api('POST', `/api/v1/change-requests/${emergency.body.id}/approve`, { body: {} });
    expect(pushed.body.changeRequest.status).toBe('applied');
    expect(
      (
        await t.api('POST', '/api/v1/freeze-windows', {
          body: { startsAt: '2026-02-01T00:00:00Z', endsAt: '2026-01-01T00:00:00Z', reason: 'x' },
        })
      ).body.code,
    ).toBe('FREEZE_WINDOW_INVALID');
  });
});
