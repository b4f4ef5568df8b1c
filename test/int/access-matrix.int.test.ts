import { beforeAll, expect, it } from 'vitest';
import { runWork } from '../../src/kernel/index.js';
import { createApiKey, createTenant, ROLES, type Role } from '../../src/modules/access/index.js';
import { createReservation, DEFAULT_RESERVATION_POLICY } from '../../src/modules/inventory/index.js';
import { describeEachStore, type TestHub } from '../support/each-store.js';
import { makeLocation, makePart, receive, uniqueCode } from '../support/factories.js';

type Op = {
  name: string;
  call: (t: TestHub, key: string, fx: Fixture) => Promise<{ status: number; body: any }>;
};
interface Fixture {
  partNumber: string;
  locationCode: string;
  reservationId: () => Promise<string>;
}

const A = 'admin',
  I = 'integration_admin',
  P = 'planner',
  D = 'dispatcher',
  T = 'technician',
  U = 'auditor',
  R = 'read_only';

/**
 * Written from the product's intent, not derived from ROLE_PERMISSIONS, so that the code is
 * checked against an independent statement of who may do what.
 */
const EXPECTED: Array<[Op['name'], Role[]]> = [
  ['create part', [A, I, P]],
  ['read parts', [A, I, P, D, T, U, R]],
  ['create location', [A, I]],
  ['read locations', [A, I, P, D, T, U, R]],
  ['read stock', [A, I, P, D, T, U, R]],
  ['post receipt', [A, I, T]],
  ['post adjustment', [A, I, P]],
  ['post count', [A, P, T]],
  ['create reservation', [A, I, P, D]],
  ['release reservation', [A, I, P, D]],
  ['read reservations', [A, I, P, D, T, U, R]],
  ['receive work order', [A, I, P, D]],
  ['read work orders', [A, I, P, D, T, U, R]],
  ['read policy', [A, I, P, D, U]],
  ['write policy', [A, P]],
  ['read audit', [A, U]],
  ['verify audit', [A, U]],
  ['read events', [A, I, U]],
  ['create api key', [A]],
  ['list api keys', [A, U]],
  ['create tenant', [A]],
  ['who am i', [A, I, P, D, T, U, R]],
  ['propose master-data change', [A, I, P]],
  ['approve master-data change', [A]],
];

const OPS: Op[] = [
  {
    name: 'create part',
    call: (t, key) =>
      t.api('POST', '/api/v1/parts', {
        key,
        body: { partNumber: uniqueCode('M'), description: 'x', baseUom: 'EA' },
      }),
  },
  { name: 'read parts', call: (t, key) => t.api('GET', '/api/v1/parts', { key }) },
  {
    name: 'create location',
    call: (t, key) =>
      t.api('POST', '/api/v1/locations', {
        key,
        body: { code: uniqueCode('L'), name: 'x', type: 'technician_van', region: 'N' },
      }),
  },
  { name: 'read locations', call: (t, key) => t.api('GET', '/api/v1/locations', { key }) },
  { name: 'read stock', call: (t, key) => t.api('GET', '/api/v1/stock', { key }) },
  {
    name: 'post receipt',
    call: (t, key, fx) =>
      t.api('POST', '/api/v1/stock/movements', {
        key,
        body: { type: 'receipt', partNumber: fx.partNumber, locationCode: fx.locationCode, quantity: 1 },
      }),
  },
  {
    name: 'post adjustment',
    call: (t, key, fx) =>
      t.api('POST', '/api/v1/stock/movements', {
        key,
        body: {
          type: 'adjustment',
          partNumber: fx.partNumber,
          locationCode: fx.locationCode,
          quantity: 1,
          reasonCode: 'FOUND',
        },
      }),
  },
  {
    name: 'post count',
    call: async (t, key, fx) =>
      t.api('POST', '/api/v1/stock/counts', {
        key,
        body: {
          locationCode: fx.locationCode,
          kind: 'cycle_count',
          reasonCode: 'CYCLE_COUNT',
          lines: [{ partNumber: fx.partNumber, countedQuantity: 1000 }],
        },
      }),
  },
  {
    name: 'create reservation',
    call: (t, key, fx) =>
      t.api('POST', '/api/v1/reservations', {
        key,
        body: {
          partNumber: fx.partNumber,
          locationCode: fx.locationCode,
          quantity: 1,
          demandType: 'field_service',
          priority: 1,
          demandRef: 'WO-M',
        },
      }),
  },
  {
    name: 'release reservation',
    call: async (t, key, fx) =>
      t.api('POST', `/api/v1/reservations/${await fx.reservationId()}/release`, { key, body: {} }),
  },
  { name: 'read reservations', call: (t, key) => t.api('GET', '/api/v1/reservations', { key }) },
  {
    name: 'receive work order',
    call: (t, key, fx) =>
      t.api('POST', '/api/v1/work-orders', {
        key,
        body: {
          externalRef: `WO-M-${Math.random().toString(36).slice(2)}`,
          jobRegion: 'NORTH',
          priority: 1,
          dueAt: new Date(Date.now() + 7 * 86_400_000).toISOString(),
          lines: [{ lineId: '1', partNumber: fx.partNumber, quantity: 1 }],
        },
      }),
  },
  { name: 'read work orders', call: (t, key) => t.api('GET', '/api/v1/work-orders', { key }) },
  { name: 'read policy', call: (t, key) => t.api('GET', '/api/v1/policies/reservation', { key }) },
  {
    name: 'write policy',
    call: (t, key) =>
      t.api('PUT', '/api/v1/policies/reservation', { key, body: { body: DEFAULT_RESERVATION_POLICY } }),
  },
  { name: 'read audit', call: (t, key) => t.api('GET', '/api/v1/audit', { key }) },
  { name: 'verify audit', call: (t, key) => t.api('POST', '/api/v1/audit/verify', { key }) },
  { name: 'read events', call: (t, key) => t.api('GET', '/api/v1/events', { key }) },
  {
    name: 'create api key',
    call: (t, key) => t.api('POST', '/api/v1/api-keys', { key, body: { role: 'read_only', name: 'x' } }),
  },
  { name: 'list api keys', call: (t, key) => t.api('GET', '/api/v1/api-keys', { key }) },
  {
    name: 'create tenant',
    call: (t, key) =>
      t.api('POST', '/api/v1/tenants', {
        key,
        body: { code: `m${Math.floor(Math.random() * 1e9)}`, name: 'x' },
      }),
  },
  { name: 'who am i', call: (t, key) => t.api('GET', '/api/v1/me', { key }) },
  {
    name: 'propose master-data change',
    call: (t, key, fx) =>
      t.api('POST', '/api/v1/change-requests', {
        key,
        body: { partNumber: fx.partNumber, changes: { criticality: 'B' }, reason: 'x' },
      }),
  },
  {
    name: 'approve master-data change',
    call: async (t, key, fx) => {
      const cr = await t.api('POST', '/api/v1/change-requests', {
        body: { partNumber: fx.partNumber, changes: { criticality: 'C' }, reason: 'x' },
      });
      return t.api('POST', `/api/v1/change-requests/${cr.body.id}/approve`, { key, body: {} });
    },
  },
];

describeEachStore('access matrix', (hub) => {
  let fx: Fixture;
  let defaultAdmin: string;
  beforeAll(async () => {
    const t = hub();
    const part = await makePart(t);
    const loc = await makeLocation(t);
    await receive(t, part, loc, 1000);
    fx = {
      partNumber: part.partNumber,
      locationCode: loc.code,
      reservationId: async () =>
        (
          await runWork(t.hub.store, t.ctx(), (w) =>
            createReservation(w, {
              partNumber: part.partNumber,
              locationCode: loc.code,
              quantity: 1,
              demandType: 'internal_transfer',
              priority: 1,
              demandRef: 'TO-M',
            }),
          )
        ).reservation.id,
    };
    // Tenants are created by admins of the default tenant only.
    defaultAdmin = (
      await runWork(t.hub.store, t.hub.systemCtx(), (w) =>
        createApiKey(w, t.hub.random, { role: 'admin', name: 'default admin for matrix' }),
      )
    ).key;
  });

  it('names every operation exactly once in the expected table', () => {
    expect(EXPECTED.map(([n]) => n).sort()).toEqual(OPS.map((o) => o.name).sort());
  });

  for (const op of OPS) {
    it(`allows "${op.name}" to exactly the roles that should have it`, async () => {
      const t = hub();
      const allowed = EXPECTED.find(([n]) => n === op.name)![1];
      for (const role of ROLES) {
        // Creating tenants is a default-tenant admin's act; the test tenant's admin is refused (below).
        const key = op.name === 'create tenant' && role === 'admin' ? defaultAdmin : await t.keyFor(role);
        const res = await op.call(t, key, fx);
        if (allowed.includes(role)) {
          expect(
            [401, 403],
            `${role} should be allowed to ${op.name}: ${JSON.stringify(res.body)}`,
          ).not.toContain(res.status);
          expect(res.status, `${role} / ${op.name}: ${JSON.stringify(res.body)}`).toBeLessThan(300);
        } else {
          expect(res.status, `${role} should be refused ${op.name}`).toBe(403);
          expect(res.body.code).toBe('FORBIDDEN');
        }
      }
    });
  }

  it('refuses tenant creation to the admin of any tenant but the default one', async () => {
    const t = hub();
    const res = await t.api('POST', '/api/v1/tenants', { body: { code: `x${Date.now()}`, name: 'x' } });
    expect(res.status).toBe(403);
  });

  it('shows dispatchers consigned, loaner and repair-in-process stock, and hides it from technicians and read-only users', async () => {
    const t = hub();
    const part = await makePart(t);
    const loc = await makeLocation(t);
    for (const status of ['available', 'consigned', 'loaner', 'repair_in_process', 'defective'] as const)
      await receive(t, part, loc, 2, { status });
    const seen = async (role: Role) =>
      (
        (await t.api('GET', `/api/v1/stock?partNumber=${part.partNumber}`, { key: await t.keyFor(role) }))
          .body.items as Array<{ status: string }>
      )
        .map((r) => r.status)
        .sort();
    expect(await seen('dispatcher')).toEqual(['available', 'consigned', 'loaner', 'repair_in_process']);
    expect(await seen('technician')).toEqual(['available', 'defective']);
    expect(await seen('read_only')).toEqual(['available']);
    expect(await seen('planner')).toEqual([
      'available',
      'consigned',
      'defective',
      'loaner',
      'repair_in_process',
    ]);
  });

  it('never lets one tenant read or change another tenant’s data', async () => {
    const t = hub();
    const part = await makePart(t);
    const loc = await makeLocation(t);
    await receive(t, part, loc, 5);
    const rsv = await runWork(t.hub.store, t.ctx(), (w) =>
      createReservation(w, {
        partNumber: part.partNumber,
        locationCode: loc.code,
        quantity: 1,
        demandType: 'field_service',
        priority: 1,
        demandRef: 'WO-ISO',
      }),
    );
    const other = await createTenant(t.hub.store, t.hub.systemCtx(), t.hub.random, {
      code: `iso${Date.now()}${Math.floor(Math.random() * 1000)}`,
      name: 'Other',
    });
    const key = other.adminKey;
    expect((await t.api('GET', `/api/v1/parts/${part.partNumber}`, { key })).status).toBe(404);
    expect((await t.api('GET', `/api/v1/locations/${loc.code}`, { key })).status).toBe(404);
    expect((await t.api('GET', `/api/v1/stock?partNumber=${part.partNumber}`, { key })).body.items).toEqual(
      [],
    );
    expect((await t.api('GET', '/api/v1/reservations?demandRef=WO-ISO', { key })).body.items).toEqual([]);
    const release = await t.api('POST', `/api/v1/reservations/${rsv.reservation.id}/release`, {
      key,
      body: {},
    });
    expect(release.status).toBe(404);
    expect(release.body.code).toBe('RESERVATION_NOT_FOUND');
    expect((await t.api('GET', `/api/v1/reservations/${rsv.reservation.id}`)).body.state).toBe('open');
    const move = await t.api('POST', '/api/v1/stock/movements', {
      key,
      body: { type: 'issue', partNumber: part.partNumber, locationCode: loc.code, quantity: 1 },
    });
    expect(move.body.code).toBe('PART_NOT_FOUND');
    const audit = await t.api('GET', '/api/v1/audit?limit=1000', { key });
    expect(JSON.stringify(audit.body.items)).not.toContain(part.partNumber);
    const events = await t.api('GET', '/api/v1/events?limit=1000', { key });
    expect(JSON.stringify(events.body.items)).not.toContain(part.partNumber);
    const keys = await t.api('GET', '/api/v1/api-keys', { key });
    expect(keys.body.items.every((k: { tenantId: string }) => k.tenantId === other.tenant.id)).toBe(true);
    expect(
      (await t.api('GET', `/api/v1/stock?partNumber=${part.partNumber}&locationCode=${loc.code}`)).body
        .items[0],
    ).toMatchObject({ onHand: 5, reserved: 1 });
  });
});
