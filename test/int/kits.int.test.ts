/**
 * Kits (M4.6) through the HTTP API on both stores: a kit is a bill of parts; a kit unit is
 * built from the stock at a location, reserved, picked and shipped as one unit of the kit
 * part, while every item and serial inside it stays traceable; breaking it returns its items.
 */
import { expect, it } from 'vitest';
import { createTenant } from '../../src/modules/access/index.js';
import { verifyTenant } from '../../src/modules/audit/index.js';
import type { Part } from '../../src/modules/catalog/index.js';
import type { Location } from '../../src/modules/inventory/index.js';
import { describeEachStore, type TestHub } from '../support/each-store.js';
import { makeLocation, makePart, receive, stockOf, uniqueCode } from '../support/factories.js';

async function verifyOk(t: TestHub): Promise<void> {
  const report = await verifyTenant(t.hub.store.db, { id: t.tenantId, code: 'test' });
  expect(report.chain.firstBreak).toBeNull();
  expect(report.ledger.mismatches).toEqual([]);
}

interface Kit {
  kit: Part;
  bolt: Part;
  board: Part;
  grease: Part;
  dc: Location;
}

/** A kit of 4 bolts, 2 serialized boards and 0.5 kg of lot-tracked grease, defined over the API. */
async function defineKit(t: TestHub): Promise<Kit> {
  const kit = await makePart(t, { tracking: 'serial', description: 'Pump service kit' });
  const bolt = await makePart(t, { description: 'Bolt M8' });
  const board = await makePart(t, { tracking: 'serial', description: 'Controller board' });
  const grease = await makePart(t, { tracking: 'lot', baseUom: 'KG', description: 'Grease' });
  const dc = await makeLocation(t, { type: 'central_dc' });
  const res = await t.api('PUT', `/api/v1/kits/${kit.partNumber}`, {
    body: {
      components: [
        { partNumber: bolt.partNumber, quantity: 4 },
        { partNumber: board.partNumber, quantity: 2 },
        { partNumber: grease.partNumber, quantity: 0.5 },
      ],
      reason: 'pump service standard',
    },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return { kit, bolt, board, grease, dc };
}

/** Stock for `sets` kits at the DC (boards B1…, grease in lots of 0.5). */
async function stock(t: TestHub, k: Kit, sets: number, location = k.dc): Promise<string[]> {
  const boards = Array.from({ length: sets * 2 }, () => uniqueCode('B'));
  await receive(t, k.bolt, location, 4 * sets);
  await receive(t, k.board, location, boards.length, { serials: boards });
  for (let i = 0; i < sets; i++) await receive(t, k.grease, location, 0.5, { lot: uniqueCode('LOT') });
  return boards;
}

function build(
  t: TestHub,
  k: Kit,
  body: Record<string, unknown> = {},
  key?: string,
  headers?: Record<string, string>,
) {
  return t.api('POST', `/api/v1/kits/${k.kit.partNumber}/build`, {
    body: { locationCode: k.dc.code, ...body },
    key,
    headers,
  });
}

async function onHand(t: TestHub, k: Kit, location = k.dc) {
  return {
    kit: (await stockOf(t, k.kit.partNumber, location.code)).onHand,
    bolt: (await stockOf(t, k.bolt.partNumber, location.code)).onHand,
    board: (await stockOf(t, k.board.partNumber, location.code)).onHand,
    grease: (await stockOf(t, k.grease.partNumber, location.code)).onHand,
  };
}

async function ledgerSize(t: TestHub, k: Kit): Promise<number> {
  let n = 0;
  for (const p of [k.kit, k.bolt, k.board, k.grease])
    n += (await t.api('GET', `/api/v1/stock/movements?partNumber=${p.partNumber}&limit=1000`)).body.items
      .length;
  return n;
}

describeEachStore('kits', (hub) => {
  it('versions a definition: the same bill again changes nothing, a changed one makes version 2', async () => {
    const t = hub();
    const k = await defineKit(t);
    const v1 = await t.api('GET', `/api/v1/kits/${k.kit.partNumber}`);
    expect(v1.body).toMatchObject({
      kitPartNumber: k.kit.partNumber,
      version: 1,
      reason: 'pump service standard',
      components: [
        { partNumber: k.bolt.partNumber, quantity: 4, tracking: 'none' },
        { partNumber: k.board.partNumber, quantity: 2, tracking: 'serial' },
        { partNumber: k.grease.partNumber, quantity: 0.5, tracking: 'lot' },
      ],
    });
    const same = await t.api('PUT', `/api/v1/kits/${k.kit.partNumber}`, {
      body: {
        components: [...v1.body.components]
          .reverse()
          .map((c: any) => ({ partNumber: c.partNumber, quantity: c.quantity })),
      },
    });
    expect(same.body).toEqual(v1.body);
    const v2 = await t.api('PUT', `/api/v1/kits/${k.kit.partNumber}`, {
      body: { components: [{ partNumber: k.bolt.partNumber, quantity: 6 }], reason: 'bolts only' },
    });
    expect(v2.status).toBe(200);
    expect(v2.body).toMatchObject({
      version: 2,
      components: [{ partNumber: k.bolt.partNumber, quantity: 6 }],
    });
    expect((await t.api('GET', `/api/v1/kits/${k.kit.partNumber}?version=1`)).body).toEqual(v1.body);
    expect((await t.api('GET', `/api/v1/kits/${k.kit.partNumber}`)).body).toEqual(v2.body);
    const list = await t.api('GET', '/api/v1/kits');
    expect(list.body.items.find((d: any) => d.kitPartNumber === k.kit.partNumber)).toEqual(v2.body);
    const audit = await t.api('GET', `/api/v1/audit?entityType=kit&entityId=${k.kit.partNumber}`);
    expect(audit.body.items.map((a: any) => a.action)).toEqual(['kit.defined', 'kit.defined']);
    expect((await t.api('GET', `/api/v1/kits/${k.kit.partNumber}?version=3`)).body.code).toBe(
      'KIT_NOT_FOUND',
    );
  });

  it('refuses an unacceptable definition, saying every reason, and stores nothing', async () => {
    const t = hub();
    const k = await defineKit(t);
    const plain = await makePart(t);
    const notSerial = await t.api('PUT', `/api/v1/kits/${plain.partNumber}`, {
      body: { components: [{ partNumber: k.bolt.partNumber, quantity: 1 }] },
    });
    expect(notSerial.status).toBe(422);
    expect(notSerial.body.code).toBe('KIT_DEFINITION_INVALID');
    expect(notSerial.body.problems[0]).toContain('must be serial-tracked');

    const outer = await makePart(t, { tracking: 'serial' });
    const nested = await t.api('PUT', `/api/v1/kits/${outer.partNumber}`, {
      body: {
        components: [
          { partNumber: k.kit.partNumber, quantity: 1 },
          { partNumber: outer.partNumber, quantity: 1 },
          { partNumber: k.board.partNumber, quantity: 1.5 },
        ],
      },
    });
    expect(nested.body.code).toBe('KIT_DEFINITION_INVALID');
    expect(nested.body.problems).toEqual([
      `component ${k.kit.partNumber} is itself a kit: kits do not nest`,
      `kit ${outer.partNumber} cannot contain itself`,
      expect.stringContaining(`component ${k.board.partNumber}`),
    ]);
    // A component of a kit cannot become a kit itself.
    const boltAsKit = await t.api('PUT', `/api/v1/kits/${k.bolt.partNumber}`, {
      body: { components: [{ partNumber: plain.partNumber, quantity: 1 }] },
    });
    expect(boltAsKit.body.problems).toContain(
      `kit part ${k.bolt.partNumber} is a component of kit(s) ${k.kit.partNumber}: kits do not nest`,
    );

    // A part classified as something else than a kit in the catalog is not a kit.
    const spare = await makePart(t, { tracking: 'serial' });
    const classified = await t.api('PATCH', `/api/v1/parts/${spare.partNumber}`, {
      body: { attributes: { itemType: 'spare' } },
    });
    expect(classified.body.applied, JSON.stringify(classified.body)).toEqual({ itemType: 'spare' });
    const wrongClass = await t.api('PUT', `/api/v1/kits/${spare.partNumber}`, {
      body: { components: [{ partNumber: k.bolt.partNumber, quantity: 1 }] },
    });
    expect(wrongClass.body.problems).toEqual([
      `kit part ${spare.partNumber} is classified as itemType 'spare', not 'kit'`,
    ]);

    const unknown = await t.api('PUT', `/api/v1/kits/${outer.partNumber}`, {
      body: { components: [{ partNumber: 'NO-SUCH-PART', quantity: 1 }] },
    });
    expect(unknown.body.code).toBe('PART_NOT_FOUND');
    expect((await t.api('GET', `/api/v1/kits/${outer.partNumber}`)).body.code).toBe('KIT_NOT_FOUND');
    expect(
      (await t.api('POST', `/api/v1/kits/${plain.partNumber}/build`, { body: { locationCode: k.dc.code } }))
        .body.code,
    ).toBe('KIT_NOT_FOUND');
  });

  it('builds a kit unit from the stock at a location, recording each serial and lot it took', async () => {
    const t = hub();
    const k = await defineKit(t);
    const boards = await stock(t, k, 1);
    await receive(t, k.grease, k.dc, 0.2, { lot: 'A-OLD' });
    await receive(t, k.bolt, k.dc, 3);
    await receive(t, k.board, k.dc, 1, { serials: ['Z-SPARE'] });
    const serial = uniqueCode('KSN');
    const res = await build(t, k, {
      serial,
      reference: 'WO-77',
      items: [{ partNumber: k.board.partNumber, serials: [boards[1], boards[0]] }],
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const unit = res.body.kitUnit;
    expect(unit).toMatchObject({
      kitPartNumber: k.kit.partNumber,
      serial,
      definitionVersion: 1,
      state: 'in_stock',
      location: { code: k.dc.code, status: 'available' },
      reference: 'WO-77',
      built: { locationCode: k.dc.code },
      broken: null,
      leftStock: null,
    });
    const greaseLot = (
      await t.api('GET', `/api/v1/stock/movements?partNumber=${k.grease.partNumber}&limit=10`)
    ).body.items
      .map((l: any) => l.lot)
      .find((lot: string) => lot !== 'A-OLD');
    // Lowest lot code first: the 0.2 of lot A-OLD, then 0.3 from the next lot.
    expect(unit.items).toEqual(
      [
        { partNumber: k.bolt.partNumber, serial: null, lot: null, quantity: 4 },
        { partNumber: k.board.partNumber, serial: boards[0], lot: null, quantity: 1 },
        { partNumber: k.board.partNumber, serial: boards[1], lot: null, quantity: 1 },
        { partNumber: k.grease.partNumber, serial: null, lot: 'A-OLD', quantity: 0.2 },
        { partNumber: k.grease.partNumber, serial: null, lot: greaseLot, quantity: 0.3 },
      ].sort((a, b) =>
        `${a.partNumber}|${a.serial ?? ''}|${a.lot ?? ''}` <
        `${b.partNumber}|${b.serial ?? ''}|${b.lot ?? ''}`
          ? -1
          : 1,
      ),
    );
    expect(res.body.reasons).toEqual(
      expect.arrayContaining([expect.stringContaining('as named by the builder')]),
    );
    expect(res.body.reservation).toBeNull();
    expect(await onHand(t, k)).toEqual({ kit: 1, bolt: 3, board: 1, grease: 0.2 });

    // The ledger says why: every component issue and the kit receipt point at the kit unit.
    const boardLines = (
      await t.api('GET', `/api/v1/stock/movements?partNumber=${k.board.partNumber}&type=issue`)
    ).body.items;
    expect(boardLines.map((l: any) => [l.serial, l.reference]).sort()).toEqual(
      [boards[0], boards[1]].sort().map((s) => [s, `kit-build:${unit.id}`]),
    );
    // Which kit unit holds serial X, and what is in kit unit K.
    const holder = await t.api('GET', `/api/v1/kit-units?serial=${boards[1]}`);
    expect(holder.body.items.map((u: any) => u.id)).toEqual([unit.id]);
    const bySerial = await t.api('GET', `/api/v1/kit-units?kitSerial=${serial}`);
    expect(bySerial.body.items.map((u: any) => u.id)).toEqual([unit.id]);
    expect((await t.api('GET', `/api/v1/kit-units?serial=Z-SPARE`)).body.items).toEqual([]);
    const got = await t.api('GET', `/api/v1/kit-units/${unit.id}`);
    expect(got.body).toEqual({
      ...unit,
      history: [
        expect.objectContaining({
          type: 'receipt',
          quantity: 1,
          reference: `kit-build:${unit.id}`,
          locationCode: k.dc.code,
        }),
      ],
    });
    const atDc = await t.api(
      'GET',
      `/api/v1/kit-units?locationCode=${k.dc.code}&kitPartNumber=${k.kit.partNumber}`,
    );
    expect(atDc.body.items.map((u: any) => u.id)).toEqual([unit.id]);

    const events = await t.api('GET', '/api/v1/events?type=inventory.kit_built&limit=1000');
    const mine = events.body.items.filter((e: any) => e.payload.kitUnit.id === unit.id);
    expect(mine).toHaveLength(1);
    expect(mine[0].payload.kitUnit.items).toEqual(unit.items);
    const audit = await t.api('GET', `/api/v1/audit?entityType=kit_unit&entityId=${unit.id}`);
    expect(audit.body.items.map((a: any) => a.action)).toEqual(['kit_unit.built']);

    // A kit serial names one unit only.
    await stock(t, k, 1);
    const again = await build(t, k, { serial });
    expect(again.status).toBe(422);
    expect(again.body.code).toBe('SERIAL_INVALID');
    await verifyOk(t);
  });

  it('refuses a build short of any component, saying which and how many, and changes nothing', async () => {
    const t = hub();
    const k = await defineKit(t);
    const boards = await stock(t, k, 1);
    // A reservation holds one bolt: a build never takes reserved stock.
    const held = await t.api('POST', '/api/v1/reservations', {
      body: {
        partNumber: k.bolt.partNumber,
        locationCode: k.dc.code,
        quantity: 1,
        demandType: 'field_service',
        priority: 5,
        demandRef: 'WO-HELD',
      },
    });
    expect(held.status).toBe(201);
    const before = { stock: await onHand(t, k), ledger: await ledgerSize(t, k) };
    const res = await build(t, k, {
      items: [{ partNumber: k.board.partNumber, serials: [boards[0], 'NOT-HERE'] }],
    });
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('KIT_COMPONENTS_SHORT');
    expect(res.body.shortages).toEqual([
      { partNumber: k.bolt.partNumber, required: 4, available: 3, missing: 1, missingSerials: [] },
      { partNumber: k.board.partNumber, required: 2, available: 1, missing: 1, missingSerials: ['NOT-HERE'] },
    ]);
    expect(res.body.detail).toContain(`1 × ${k.bolt.partNumber} missing`);
    expect(res.body.reasons).toContain(
      `${k.bolt.partNumber}: 4 needed, 3 to be had at ${k.dc.code}, 1 missing (3 free, 1 reserved)`,
    );
    expect(await onHand(t, k)).toEqual(before.stock);
    expect(await ledgerSize(t, k)).toBe(before.ledger);
    expect((await t.api('GET', `/api/v1/kit-units?kitPartNumber=${k.kit.partNumber}`)).body.items).toEqual(
      [],
    );

    const notAComponent = await build(t, k, { items: [{ partNumber: k.kit.partNumber, serials: ['X'] }] });
    expect(notAComponent.body.code).toBe('MOVEMENT_INVALID');
    const wrongCount = await build(t, k, {
      items: [{ partNumber: k.board.partNumber, serials: [boards[0]] }],
    });
    expect(wrongCount.body.code).toBe('SERIAL_INVALID');
    await verifyOk(t);
  });

  it('reserves, picks and ships a kit as one unit, and traces every item shipped with it', async () => {
    const t = hub();
    const k = await defineKit(t);
    await stock(t, k, 2);
    const built = await build(t, k, {
      reference: 'WO-9',
      reserve: { demandType: 'field_service', priority: 7, demandRef: 'WO-9/1' },
    });
    expect(built.status, JSON.stringify(built.body)).toBe(201);
    const unit = built.body.kitUnit;
    const reservation = built.body.reservation;
    expect(reservation).toMatchObject({
      partNumber: k.kit.partNumber,
      quantity: 1,
      state: 'open',
      demandRef: 'WO-9/1',
    });
    expect(await stockOf(t, k.kit.partNumber, k.dc.code)).toEqual({ onHand: 1, reserved: 1, available: 0 });

    // Reserved: it cannot be broken.
    const refused = await t.api('POST', `/api/v1/kit-units/${unit.id}/break`, {
      body: { reason: 'not needed' },
    });
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('KIT_UNIT_RESERVED');
    expect(refused.body.reasons[0]).toContain('reserved');

    // Shipped against its reservation, as one unit.
    const shipped = await t.api('POST', `/api/v1/kit-units/${unit.id}/issue`, {
      body: { reservationId: reservation.id, reference: 'DLV-1' },
    });
    expect(shipped.status, JSON.stringify(shipped.body)).toBe(200);
    expect(shipped.body.kitUnit).toMatchObject({
      state: 'out_of_stock',
      location: null,
      leftStock: { type: 'issue', quantity: -1, reference: 'DLV-1', locationCode: k.dc.code },
    });
    expect((await t.api('GET', `/api/v1/reservations/${reservation.id}`)).body.state).toBe('consumed');
    expect(await stockOf(t, k.kit.partNumber, k.dc.code)).toEqual({ onHand: 0, reserved: 0, available: 0 });
    const issued = (
      await t.api('GET', '/api/v1/events?type=inventory.kit_issued&limit=1000')
    ).body.items.filter((e: any) => e.payload.kitUnit.id === unit.id);
    expect(issued).toHaveLength(1);
    expect(issued[0].payload).toMatchObject({
      movementId: shipped.body.movementId,
      reservationId: reservation.id,
    });
    expect(issued[0].payload.kitUnit.items).toEqual(unit.items);
    // Gone from stock: it can be neither shipped again nor broken.
    expect((await t.api('POST', `/api/v1/kit-units/${unit.id}/issue`, { body: {} })).body.code).toBe(
      'KIT_UNIT_NOT_IN_STOCK',
    );
    const gone = await t.api('POST', `/api/v1/kit-units/${unit.id}/break`, { body: { reason: 'x' } });
    expect(gone.body).toMatchObject({ code: 'KIT_UNIT_NOT_IN_STOCK', state: 'out_of_stock' });

    // The ordinary movement paths move and ship a kit too, and the kit unit follows its serial.
    const second = (await build(t, k)).body.kitUnit;
    const van = await makeLocation(t, { type: 'technician_van' });
    const moved = await t.api('POST', '/api/v1/stock/movements', {
      body: {
        type: 'transfer',
        partNumber: k.kit.partNumber,
        locationCode: k.dc.code,
        toLocationCode: van.code,
        quantity: 1,
        serials: [second.serial],
      },
    });
    expect(moved.status).toBe(201);
    expect((await t.api('GET', `/api/v1/kit-units/${second.id}`)).body).toMatchObject({
      state: 'in_stock',
      location: { code: van.code, status: 'available' },
    });
    expect(
      (await t.api('GET', `/api/v1/kit-units?locationCode=${van.code}`)).body.items.map((u: any) => u.id),
    ).toEqual([second.id]);
    const consumed = await t.api('POST', '/api/v1/stock/movements', {
      body: {
        type: 'issue',
        partNumber: k.kit.partNumber,
        locationCode: van.code,
        quantity: 1,
        serials: [second.serial],
        reference: 'WO-10',
      },
    });
    expect(consumed.status).toBe(201);
    const traced = (await t.api('GET', `/api/v1/kit-units/${second.id}`)).body;
    expect(traced).toMatchObject({
      state: 'out_of_stock',
      leftStock: { type: 'issue', reference: 'WO-10', locationCode: van.code },
    });
    expect(traced.history.map((h: any) => [h.type, h.locationCode, h.quantity])).toEqual([
      ['receipt', k.dc.code, 1],
      ['transfer', k.dc.code, -1],
      ['transfer', van.code, 1],
      ['issue', van.code, -1],
    ]);
    await verifyOk(t);
  });

  it('breaks a kit unit: its items return to stock with their serials and lots, and can go into another kit', async () => {
    const t = hub();
    const k = await defineKit(t);
    await stock(t, k, 1);
    const before = await onHand(t, k);
    const unit = (await build(t, k)).body.kitUnit;
    expect(await onHand(t, k)).toEqual({ kit: 1, bolt: 0, board: 0, grease: 0 });
    // Reserved by quantity: the one kit unit at the DC is held, so it cannot be broken…
    const rsv = await t.api('POST', '/api/v1/reservations', {
      body: {
        partNumber: k.kit.partNumber,
        locationCode: k.dc.code,
        quantity: 1,
        demandType: 'internal_transfer',
        priority: 1,
        demandRef: 'TO-1',
      },
    });
    expect(
      (await t.api('POST', `/api/v1/kit-units/${unit.id}/break`, { body: { reason: 'no longer needed' } }))
        .body.code,
    ).toBe('KIT_UNIT_RESERVED');
    // …until the reservation is released.
    expect(
      (await t.api('POST', `/api/v1/reservations/${rsv.body.reservation.id}/release`, { body: {} })).status,
    ).toBe(200);
    const broken = await t.api('POST', `/api/v1/kit-units/${unit.id}/break`, {
      body: { reason: 'no longer needed' },
    });
    expect(broken.status, JSON.stringify(broken.body)).toBe(200);
    expect(broken.body.kitUnit).toMatchObject({
      state: 'broken',
      location: null,
      broken: { locationCode: k.dc.code, reason: 'no longer needed' },
      leftStock: { type: 'issue', reference: `kit-break:${unit.id}` },
      items: unit.items,
    });
    expect(await onHand(t, k)).toEqual(before);
    // Each serial and lot is back where the kit was.
    const boardStock = (
      await t.api('GET', `/api/v1/stock/movements?partNumber=${k.board.partNumber}&type=receipt`)
    ).body.items
      .filter((l: any) => l.reference === `kit-break:${unit.id}`)
      .map((l: any) => l.serial)
      .sort();
    expect(boardStock).toEqual(
      unit.items
        .filter((i: any) => i.serial)
        .map((i: any) => i.serial)
        .sort(),
    );
    const greaseBack = (
      await t.api('GET', `/api/v1/stock/movements?partNumber=${k.grease.partNumber}&type=receipt`)
    ).body.items.filter((l: any) => l.reference === `kit-break:${unit.id}`);
    expect(greaseBack.map((l: any) => [l.lot, l.quantity])).toEqual(
      unit.items.filter((i: any) => i.lot).map((i: any) => [i.lot, i.quantity]),
    );
    // Broken once only.
    expect(
      (await t.api('POST', `/api/v1/kit-units/${unit.id}/break`, { body: { reason: 'again' } })).body.code,
    ).toBe('KIT_UNIT_NOT_IN_STOCK');
    // The same serials can go into a new kit; the history of a serial shows both.
    const rebuilt = (await build(t, k)).body.kitUnit;
    const serial = unit.items.find((i: any) => i.serial).serial;
    const holders = await t.api('GET', `/api/v1/kit-units?serial=${serial}&partNumber=${k.board.partNumber}`);
    expect(holders.body.items.map((u: any) => [u.id, u.state])).toEqual([
      [rebuilt.id, 'in_stock'],
      [unit.id, 'broken'],
    ]);
    const audit = await t.api('GET', `/api/v1/audit?entityType=kit_unit&entityId=${unit.id}`);
    expect(audit.body.items.map((a: any) => a.action)).toEqual(['kit_unit.broken', 'kit_unit.built']);
    const events = (
      await t.api('GET', '/api/v1/events?type=inventory.kit_broken&limit=1000')
    ).body.items.filter((e: any) => e.payload.kitUnit.id === unit.id);
    expect(events).toHaveLength(1);
    await verifyOk(t);
  });

  it('lets dispatchers build and technicians ship, read for every role; unknown units are 404', async () => {
    const t = hub();
    const k = await defineKit(t);
    await stock(t, k, 1);
    const technician = await t.keyFor('technician');
    const dispatcher = await t.keyFor('dispatcher');
    const readOnly = await t.keyFor('read_only');
    expect((await build(t, k, {}, technician)).body).toMatchObject({
      code: 'FORBIDDEN',
      required: ['kit:write'],
    });
    const built = await build(t, k, {}, dispatcher);
    expect(built.status).toBe(201);
    const id = built.body.kitUnit.id;
    expect((await t.api('GET', `/api/v1/kit-units/${id}`, { key: readOnly })).status).toBe(200);
    expect((await t.api('GET', `/api/v1/kits/${k.kit.partNumber}`, { key: readOnly })).status).toBe(200);
    expect(
      (await t.api('PUT', `/api/v1/kits/${k.kit.partNumber}`, { key: readOnly, body: { components: [] } }))
        .status,
    ).toBe(403);
    expect((await t.api('POST', `/api/v1/kit-units/${id}/issue`, { key: dispatcher, body: {} })).status).toBe(
      403,
    );
    expect((await t.api('POST', `/api/v1/kit-units/${id}/issue`, { key: technician, body: {} })).status).toBe(
      200,
    );
    expect((await t.api('GET', '/api/v1/kit-units/kit_NOPE')).body.code).toBe('KIT_UNIT_NOT_FOUND');
    // Another tenant sees neither the kit nor its units.
    const other = await createTenant(t.hub.store, t.hub.systemCtx(), t.hub.random, {
      code: uniqueCode('iso').replace(/-/g, '').toLowerCase().slice(0, 30),
      name: 'Other',
    });
    const outsider = other.adminKey;
    expect((await t.api('GET', `/api/v1/kit-units/${id}`, { key: outsider })).body.code).toBe(
      'KIT_UNIT_NOT_FOUND',
    );
    const serial = built.body.kitUnit.items.find((i: any) => i.serial).serial;
    expect((await t.api('GET', `/api/v1/kit-units?serial=${serial}`, { key: outsider })).body.items).toEqual(
      [],
    );
    expect((await t.api('GET', '/api/v1/kits', { key: outsider })).body.items).toEqual([]);
    expect(
      (await t.api('POST', `/api/v1/kit-units/${id}/break`, { key: outsider, body: { reason: 'x' } })).body
        .code,
    ).toBe('KIT_UNIT_NOT_FOUND');
    await verifyOk(t);
  });

  it('builds once for a repeated Idempotency-Key', async () => {
    const t = hub();
    const k = await defineKit(t);
    await stock(t, k, 2);
    const key = uniqueCode('idem');
    const first = await build(t, k, {}, undefined, { 'Idempotency-Key': key });
    const second = await build(t, k, {}, undefined, { 'Idempotency-Key': key });
    expect(first.status).toBe(201);
    expect(second.headers['idempotent-replayed']).toBe('true');
    expect(second.body).toEqual(first.body);
    expect(await onHand(t, k)).toMatchObject({ kit: 1, bolt: 4 });
  });

  it('lets exactly one of two builds racing for the last components win, and never oversells', async () => {
    const t = hub();
    const k = await defineKit(t);
    for (let round = 0; round < 4; round++) {
      const dc = await makeLocation(t, { type: 'central_dc' });
      const kit = { ...k, dc };
      await stock(t, kit, 1);
      const results = await Promise.all([build(t, kit), build(t, kit)]);
      const statuses = results.map((r) => r.status).sort();
      expect(statuses, JSON.stringify(results.map((r) => r.body))).toEqual([201, 409]);
      const loser = results.find((r) => r.status === 409)!;
      expect(loser.body.code).toBe('KIT_COMPONENTS_SHORT');
      expect(loser.body.shortages.map((s: any) => s.partNumber)).toEqual([
        k.bolt.partNumber,
        k.board.partNumber,
        k.grease.partNumber,
      ]);
      expect(await onHand(t, kit, dc)).toEqual({ kit: 1, bolt: 0, board: 0, grease: 0 });
      expect((await t.api('GET', `/api/v1/kit-units?locationCode=${dc.code}`)).body.items).toHaveLength(1);
    }
    // A wider race: eight builds for three sets.
    const dc = await makeLocation(t, { type: 'central_dc' });
    const kit = { ...k, dc };
    await stock(t, kit, 3);
    const results = await Promise.all(Array.from({ length: 8 }, () => build(t, kit)));
    expect(results.filter((r) => r.status === 201)).toHaveLength(3);
    expect(results.filter((r) => r.status !== 201).map((r) => r.body.code)).toEqual(
      Array(5).fill('KIT_COMPONENTS_SHORT'),
    );
    expect(await onHand(t, kit, dc)).toEqual({ kit: 3, bolt: 0, board: 0, grease: 0 });
    const units = (await t.api('GET', `/api/v1/kit-units?locationCode=${dc.code}`)).body.items;
    const serialsInKits = units.flatMap((u: any) =>
      u.items.filter((i: any) => i.serial).map((i: any) => i.serial),
    );
    expect(new Set(serialsInKits).size).toBe(6);
    await verifyOk(t);
  });

  it('gives two builds racing for the same lowest serial one each, the loser choosing again', async () => {
    const t = hub();
    const k = await defineKit(t);
    await t.api('PUT', `/api/v1/kits/${k.kit.partNumber}`, {
      body: { components: [{ partNumber: k.board.partNumber, quantity: 1 }] },
    });
    for (let round = 0; round < 4; round++) {
      const dc = await makeLocation(t, { type: 'central_dc' });
      const kit = { ...k, dc };
      await receive(t, k.board, dc, 2, { serials: [uniqueCode('A'), uniqueCode('B')] });
      const results = await Promise.all([build(t, kit), build(t, kit)]);
      expect(
        results.map((r) => r.status),
        JSON.stringify(results.map((r) => r.body)),
      ).toEqual([201, 201]);
      const taken = results.map((r) => r.body.kitUnit.items[0].serial);
      expect(new Set(taken).size).toBe(2);
      expect(await onHand(t, kit, dc)).toMatchObject({ kit: 2, board: 0 });
    }
    await verifyOk(t);
  });
});
