/**
 * Kits (M4.6): a kit is a bill of parts; a kit unit is built at a location by issuing its
 * components from stock and receiving one serial of the kit part there, so the kit is then
 * reserved, picked and shipped as one unit by the ordinary reservation and movement paths,
 * while the unit keeps the exact serials and lots it holds. Breaking a unit issues it and
 * receives its items back. Each command is one unit of work (docs/decisions/0015-kits.md).
 */
import { sql, type Kysely } from 'kysely';
import { RetryTransaction, type Database, type Trx } from '../../db/index.js';
import { retryIfStockMoved } from './stock-races.js';
import { isUniqueViolation, retryIfRaced, type Reader, type Work } from '../../kernel/index.js';
import { isoTimestamp } from '../../platform/clock.js';
import { actorLabel } from '../../platform/context.js';
import { AppError } from '../../platform/errors.js';
import { fromMilli, toMilli } from '../../platform/quantity.js';
import { partAttributes, partsByIds, requirePart, type Part } from '../catalog/index.js';
import type { MovementType, Reservation, StockStatus } from './inventory.schemas.js';
import {
  checkKitDefinition,
  decideBreak,
  decideBuild,
  kitUnitState,
  type BuildComponent,
  type StockUnit,
} from './kits.js';
import {
  breakKitInputSchema,
  buildKitInputSchema,
  issueKitInputSchema,
  kitDefinitionInputSchema,
  type KitDefinition,
  type KitUnit,
  type KitUnitQuery,
} from './kits.schemas.js';
import { locationCodesByIds, requireLocation } from './locations.service.js';
import { createReservation } from './reservations.service.js';
import { postMovement } from './stock.service.js';
import { readBalance } from './stock.repository.js';

type Db = Kysely<Database> | Trx;
type KitUnitRow = Database['kit_units'];

// --- definitions ----------------------------------------------------------------------

/**
 * Defines (or redefines) the bill of parts of a kit part. A change makes a new version; the
 * same components again change nothing. Units already built keep the items they hold.
 */
export async function putKitDefinition(w: Work, kitPartNumber: string, raw: unknown): Promise<KitDefinition> {
  const input = kitDefinitionInputSchema.parse(raw);
  const tenantId = w.ctx.tenantId;
  const kitPart = await requirePart(w.trx, tenantId, kitPartNumber);
  const componentParts: Part[] = [];
  for (const c of input.components) componentParts.push(await requirePart(w.trx, tenantId, c.partNumber));
  const defined = await partsWithDefinitions(
    w.trx,
    tenantId,
    componentParts.map((p) => p.id),
  );
  const checked = checkKitDefinition({
    kitPart: { ...kitPart, itemType: await itemTypeOf(w, kitPart.partNumber) },
    components: input.components.map((c, i) => ({
      part: componentParts[i]!,
      quantity: c.quantity,
      isKit: defined.has(componentParts[i]!.id),
    })),
    kitPartUsedIn: await kitsListing(w.trx, tenantId, kitPart.id),
  });

  const current = await loadDefinition(w.trx, tenantId, kitPart);
  const same =
    current !== null &&
    current.components.length === checked.components.length &&
    checked.components.every((c) =>
      current.components.some(
        (d) => d.partNumber === c.partNumber && d.quantity === fromMilli(c.quantityMilli),
      ),
    );
  if (current && same) return current;

  const version = (current?.version ?? 0) + 1;
  const now = isoTimestamp(w.ctx.clock);
  const createdBy = actorLabel(w.ctx.actor);
  const byNumber = new Map(componentParts.map((p) => [p.partNumber, p]));
  // Another definition of the same kit may commit first: then decide again on top of it.
  await retryIfRaced(`kit ${kitPart.partNumber} redefined concurrently`, () =>
    w.trx
      .insertInto('kit_definitions')
      .values({
        tenant_id: tenantId,
        kit_part_id: kitPart.id,
        version,
        reason: input.reason ?? null,
        created_by: createdBy,
        created_at: now,
      })
      .execute(),
  );
  await w.trx
    .insertInto('kit_definition_lines')
    .values(
      checked.components.map((c, position) => ({
        tenant_id: tenantId,
        kit_part_id: kitPart.id,
        version,
        component_part_id: byNumber.get(c.partNumber)!.id,
        position,
        quantity_milli: c.quantityMilli,
      })),
    )
    .execute();
  const definition: KitDefinition = {
    kitPartNumber: kitPart.partNumber,
    version,
    components: checked.components.map((c) => ({
      partNumber: c.partNumber,
      quantity: fromMilli(c.quantityMilli),
      tracking: c.tracking,
    })),
    reason: input.reason ?? null,
    createdBy,
    createdAt: now,
  };
  w.audit({
    action: 'kit.defined',
    entityType: 'kit',
    entityId: kitPart.partNumber,
    before: current,
    after: definition,
    reason: input.reason ?? checked.reasons.join('; '),
  });
  w.emit({ type: 'inventory.kit_defined', key: `part:${kitPart.partNumber}`, payload: { definition } });
  return definition;
}

/** The current definition of a kit, or an earlier version of it. */
export async function getKitDefinition(
  r: Reader,
  kitPartNumber: string,
  version?: number,
): Promise<KitDefinition> {
  const kitPart = await requirePart(r.db, r.ctx.tenantId, kitPartNumber);
  const definition = await loadDefinition(r.db, r.ctx.tenantId, kitPart, version);
  if (!definition)
    throw new AppError(
      'KIT_NOT_FOUND',
      version === undefined
        ? `Part ${kitPartNumber} has no kit definition`
        : `Kit ${kitPartNumber} has no version ${version}`,
      { kitPartNumber, ...(version === undefined ? {} : { version }) },
    );
  return definition;
}

/** The current definition of every kit, by kit part number. */
export async function listKitDefinitions(r: Reader, query: { limit: number }): Promise<KitDefinition[]> {
  const tenantId = r.ctx.tenantId;
  const latest = await r.db
    .selectFrom('kit_definitions as d')
    .innerJoin('parts as p', 'p.id', 'd.kit_part_id')
    .select(['d.kit_part_id', 'p.part_number'])
    .select((eb) => eb.fn.max('d.version').as('version'))
    .where('d.tenant_id', '=', tenantId)
    .groupBy(['d.kit_part_id', 'p.part_number'])
    .orderBy('p.part_number')
    .limit(query.limit)
    .execute();
  const parts = await partsByIds(
    r.db,
    tenantId,
    latest.map((l) => l.kit_part_id),
  );
  const out: KitDefinition[] = [];
  for (const l of latest) {
    const definition = await loadDefinition(r.db, tenantId, parts.get(l.kit_part_id)!, Number(l.version));
    if (definition) out.push(definition);
  }
  return out;
}

async function loadDefinition(
  db: Db,
  tenantId: string,
  kitPart: Part,
  version?: number,
): Promise<KitDefinition | null> {
  let qb = db
    .selectFrom('kit_definitions')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('kit_part_id', '=', kitPart.id);
  if (version !== undefined) qb = qb.where('version', '=', version);
  const header = await qb.orderBy('version', 'desc').limit(1).executeTakeFirst();
  if (!header) return null;
  const lines = await db
    .selectFrom('kit_definition_lines as l')
    .innerJoin('parts as p', 'p.id', 'l.component_part_id')
    .select(['p.part_number', 'p.tracking', 'l.quantity_milli'])
    .where('l.tenant_id', '=', tenantId)
    .where('l.kit_part_id', '=', kitPart.id)
    .where('l.version', '=', header.version)
    .orderBy('l.position')
    .execute();
  return {
    kitPartNumber: kitPart.partNumber,
    version: Number(header.version),
    components: lines.map((l) => ({
      partNumber: l.part_number,
      quantity: fromMilli(Number(l.quantity_milli)),
      tracking: l.tracking as Part['tracking'],
    })),
    reason: header.reason,
    createdBy: header.created_by,
    createdAt: header.created_at,
  };
}

/** Of the given parts, those with a kit definition of their own. */
async function partsWithDefinitions(db: Db, tenantId: string, partIds: string[]): Promise<Set<string>> {
  if (partIds.length === 0) return new Set();
  const rows = await db
    .selectFrom('kit_definitions')
    .select('kit_part_id')
    .distinct()
    .where('tenant_id', '=', tenantId)
    .where('kit_part_id', 'in', partIds)
    .execute();
  return new Set(rows.map((r) => r.kit_part_id));
}

/** Kits whose current definition lists the part as a component. */
async function kitsListing(db: Db, tenantId: string, partId: string): Promise<string[]> {
  const uses = await db
    .selectFrom('kit_definition_lines as l')
    .innerJoin('parts as p', 'p.id', 'l.kit_part_id')
    .select(['l.kit_part_id', 'l.version', 'p.part_number'])
    .where('l.tenant_id', '=', tenantId)
    .where('l.component_part_id', '=', partId)
    .execute();
  if (uses.length === 0) return [];
  const latest = await db
    .selectFrom('kit_definitions')
    .select('kit_part_id')
    .select((eb) => eb.fn.max('version').as('version'))
    .where('tenant_id', '=', tenantId)
    .where(
      'kit_part_id',
      'in',
      uses.map((u) => u.kit_part_id),
    )
    .groupBy('kit_part_id')
    .execute();
  const current = new Map(latest.map((l) => [l.kit_part_id, Number(l.version)]));
  return [
    ...new Set(
      uses.filter((u) => current.get(u.kit_part_id) === Number(u.version)).map((u) => u.part_number),
    ),
  ].sort();
}

/** The part's classification in the catalog's golden record (M2.5), if it has one. */
async function itemTypeOf(w: Work, partNumber: string): Promise<string | null> {
  const { attributes } = await partAttributes({ db: w.trx, ctx: w.ctx, dialect: w.dialect }, partNumber);
  const value = attributes.find((a) => a.attribute === 'itemType')?.value;
  return typeof value === 'string' ? value : null;
}

// --- build ------------------------------------------------------------------------------

export interface BuildOutcome {
  kitUnit: KitUnit;
  reasons: string[];
  reservation: Reservation | null;
}

/**
 * Builds one kit unit at a location: every component is issued from free stock there (with
 * the serials and lots taken) and one serial of the kit part is received there, atomically.
 * Short of anything, nothing changes and KIT_COMPONENTS_SHORT says what is missing.
 */
export async function buildKit(w: Work, kitPartNumber: string, raw: unknown): Promise<BuildOutcome> {
  const input = buildKitInputSchema.parse(raw);
  const tenantId = w.ctx.tenantId;
  const kitPart = await requirePart(w.trx, tenantId, kitPartNumber);
  const definition = await loadDefinition(w.trx, tenantId, kitPart);
  if (!definition)
    throw new AppError('KIT_NOT_FOUND', `Part ${kitPartNumber} has no kit definition`, { kitPartNumber });
  const location = await requireLocation(w.trx, tenantId, input.locationCode);
  const parts = new Map<string, Part>();
  for (const c of definition.components)
    parts.set(c.partNumber, await requirePart(w.trx, tenantId, c.partNumber));
  const chosen = chosenItems(definition, input.items ?? []);

  const id = w.ctx.ids.next('kit');
  const serial = input.serial ?? id;
  const taken = await w.trx
    .selectFrom('kit_units')
    .select('id')
    .where('tenant_id', '=', tenantId)
    .where('kit_part_id', '=', kitPart.id)
    .where('serial', '=', serial)
    .executeTakeFirst();
  if (taken)
    throw new AppError(
      'SERIAL_INVALID',
      `Serial ${serial} of kit ${kitPart.partNumber} already names kit unit ${taken.id}`,
      {
        serial,
        kitUnitId: taken.id,
      },
    );

  const stock = await componentStock(
    w.trx,
    tenantId,
    location.id,
    [...parts.values()].map((p) => p.id),
  );
  const components: BuildComponent[] = definition.components.map((c) => {
    const part = parts.get(c.partNumber)!;
    const here = stock.get(part.id) ?? { onHandMilli: 0, reservedMilli: 0, units: [] };
    return {
      partNumber: c.partNumber,
      tracking: part.tracking,
      quantityMilli: toMilli(c.quantity),
      freeMilli: here.onHandMilli - here.reservedMilli,
      reservedMilli: here.reservedMilli,
      units: here.units,
      chosenSerials: chosen.get(c.partNumber)?.serials,
      chosenLot: chosen.get(c.partNumber)?.lot,
    };
  });
  const decision = decideBuild({
    kitPartNumber: kitPart.partNumber,
    locationCode: location.code,
    components,
  });
  if (decision.kind === 'short') {
    throw new AppError(
      'KIT_COMPONENTS_SHORT',
      `Kit ${kitPart.partNumber} cannot be built at ${location.code}: ${decision.shortages
        .map((s) => `${fromMilli(s.missingMilli)} × ${s.partNumber} missing`)
        .join(', ')}`,
      {
        kitPartNumber: kitPart.partNumber,
        locationCode: location.code,
        shortages: decision.shortages.map((s) => ({
          partNumber: s.partNumber,
          required: fromMilli(s.requiredMilli),
          available: fromMilli(s.availableMilli),
          missing: fromMilli(s.missingMilli),
          missingSerials: s.missingSerials,
        })),
        reasons: decision.reasons,
      },
    );
  }

  const now = isoTimestamp(w.ctx.clock);
  try {
    await w.trx
      .insertInto('kit_units')
      .values({
        id,
        tenant_id: tenantId,
        kit_part_id: kitPart.id,
        serial,
        definition_version: definition.version,
        state: 'assembled',
        reference: input.reference ?? null,
        built_location_id: location.id,
        built_by: actorLabel(w.ctx.actor),
        built_at: now,
        broken_location_id: null,
        broken_by: null,
        broken_at: null,
        broken_reason: null,
      })
      .execute();
  } catch (error) {
    if (isUniqueViolation(error))
      throw new AppError(
        'SERIAL_INVALID',
        `Serial ${serial} of kit ${kitPart.partNumber} already names a kit unit`,
        {
          serial,
        },
      );
    throw error;
  }
  const itemRows = decision.picks.flatMap((pick) =>
    pick.units.map((u) => ({
      tenant_id: tenantId,
      kit_unit_id: id,
      part_id: parts.get(pick.partNumber)!.id,
      serial: u.serial,
      lot: u.lot,
      quantity_milli: u.milli,
    })),
  );
  await w.trx.insertInto('kit_unit_items').values(itemRows).execute();

  // Every balance row is touched in part id order, whatever the kit: two kit commands never
  // wait on each other in opposite orders.
  const reference = `kit-build:${id}`;
  const steps: Array<{ partId: string; run: () => Promise<unknown> }> = decision.picks.flatMap((pick) => {
    const part = parts.get(pick.partNumber)!;
    const issue = (quantity: number, extra: { serials?: string[]; lot?: string }) => ({
      partId: part.id,
      run: () =>
        retryIfStockMoved(`building kit ${id}`, () =>
          postMovement(w, {
            type: 'issue',
            partNumber: part.partNumber,
            locationCode: location.code,
            quantity,
            reference,
            ...extra,
          }),
        ),
    });
    if (pick.tracking === 'serial')
      return [issue(pick.units.length, { serials: pick.units.map((u) => u.serial) })];
    if (pick.tracking === 'lot') return pick.units.map((u) => issue(fromMilli(u.milli), { lot: u.lot }));
    return [issue(fromMilli(pick.units[0]!.milli), {})];
  });
  steps.push({
    partId: kitPart.id,
    run: () =>
      postMovement(w, {
        type: 'receipt',
        partNumber: kitPart.partNumber,
        locationCode: location.code,
        quantity: 1,
        serials: [serial],
        reference,
      }),
  });
  steps.sort((a, b) => (a.partId < b.partId ? -1 : a.partId > b.partId ? 1 : 0));
  for (const step of steps) await step.run();

  const reservation = input.reserve
    ? (
        await createReservation(w, {
          partNumber: kitPart.partNumber,
          locationCode: location.code,
          quantity: 1,
          ...input.reserve,
        })
      ).reservation
    : null;

  const [kitUnit] = await kitUnitsFor(w.trx, tenantId, [await requireKitUnitRow(w.trx, tenantId, id)], false);
  w.audit({
    action: 'kit_unit.built',
    entityType: 'kit_unit',
    entityId: id,
    after: kitUnit,
    reason: decision.reasons.join('; '),
  });
  w.emit({
    type: 'inventory.kit_built',
    key: `part:${kitPart.partNumber}`,
    payload: { kitUnit, reasons: decision.reasons, reservationId: reservation?.id ?? null },
  });
  return { kitUnit: kitUnit!, reasons: decision.reasons, reservation };
}

/** Serials or lots the builder names, checked against the kit's components. */
function chosenItems(
  definition: KitDefinition,
  items: Array<{ partNumber: string; serials?: string[] | undefined; lot?: string | undefined }>,
): Map<string, { serials?: string[] | undefined; lot?: string | undefined }> {
  const out = new Map<string, { serials?: string[] | undefined; lot?: string | undefined }>();
  for (const item of items) {
    const component = definition.components.find((c) => c.partNumber === item.partNumber);
    if (!component)
      throw new AppError(
        'MOVEMENT_INVALID',
        `${item.partNumber} is not a component of kit ${definition.kitPartNumber} (version ${definition.version})`,
        { partNumber: item.partNumber },
      );
    if (out.has(item.partNumber))
      throw new AppError('MOVEMENT_INVALID', `${item.partNumber} is listed twice in items`, {
        partNumber: item.partNumber,
      });
    if (item.serials && component.tracking !== 'serial')
      throw new AppError('SERIAL_INVALID', `Part ${item.partNumber} is not serialized`, {
        partNumber: item.partNumber,
      });
    if (item.lot !== undefined && component.tracking !== 'lot')
      throw new AppError('MOVEMENT_INVALID', `Part ${item.partNumber} is not lot-tracked`, {
        partNumber: item.partNumber,
      });
    out.set(item.partNumber, { serials: item.serials, lot: item.lot });
  }
  return out;
}

/**
 * The available balance and the serial and lot rows of each part at a location, read in ONE
 * statement: on PostgreSQL each statement sees its own snapshot, and a build that read its
 * components one by one while another build committed would report a mix of before and after.
 */
async function componentStock(
  db: Db,
  tenantId: string,
  locationId: string,
  partIds: string[],
): Promise<Map<string, { onHandMilli: number; reservedMilli: number; units: StockUnit[] }>> {
  const out = new Map<string, { onHandMilli: number; reservedMilli: number; units: StockUnit[] }>();
  if (partIds.length === 0) return out;
  const rows = await db
    .selectFrom('stock_balances')
    .select([
      'part_id',
      sql<number>`0`.as('kind'),
      'on_hand_milli',
      'reserved_milli',
      sql<string>`''`.as('serial'),
      sql<string>`''`.as('lot'),
    ])
    .where('tenant_id', '=', tenantId)
    .where('location_id', '=', locationId)
    .where('status', '=', 'available')
    .where('part_id', 'in', partIds)
    .unionAll(
      db
        .selectFrom('stock_tracked')
        .select([
          'part_id',
          sql<number>`1`.as('kind'),
          'on_hand_milli',
          sql<number>`0`.as('reserved_milli'),
          'serial',
          'lot',
        ])
        .where('tenant_id', '=', tenantId)
        .where('location_id', '=', locationId)
        .where('status', '=', 'available')
        .where('part_id', 'in', partIds)
        .where('on_hand_milli', '>', 0),
    )
    .execute();
  for (const row of rows) {
    const entry = out.get(row.part_id) ?? { onHandMilli: 0, reservedMilli: 0, units: [] };
    if (Number(row.kind) === 0) {
      entry.onHandMilli = Number(row.on_hand_milli);
      entry.reservedMilli = Number(row.reserved_milli);
    } else entry.units.push({ serial: row.serial, lot: row.lot, onHandMilli: Number(row.on_hand_milli) });
    out.set(row.part_id, entry);
  }
  return out;
}

// --- break and issue --------------------------------------------------------------------

/**
 * Breaks a kit unit where it is: the kit's serial is issued and each item received back into
 * stock there, in the kit's status, with its serial or lot. Refused while the unit is reserved.
 */
export async function breakKit(
  w: Work,
  kitUnitId: string,
  raw: unknown,
): Promise<{ kitUnit: KitUnit; reasons: string[] }> {
  const input = breakKitInputSchema.parse(raw);
  const tenantId = w.ctx.tenantId;
  const row = await requireKitUnitRow(w.trx, tenantId, kitUnitId);
  const [before] = await kitUnitsFor(w.trx, tenantId, [row], false);
  const kitPart = (await partsByIds(w.trx, tenantId, [row.kit_part_id])).get(row.kit_part_id)!;
  const where = await whereabouts(w.trx, tenantId, row.kit_part_id, row.serial);
  const balance = where
    ? await readBalance(w.trx, {
        tenantId,
        partId: row.kit_part_id,
        locationId: where.locationId,
        status: where.status,
      })
    : { onHand: 0, reserved: 0 };
  const decision = decideBreak({
    kitUnitId,
    kitPartNumber: kitPart.partNumber,
    broken: row.state === 'broken',
    whereabouts: where,
    onHandMilli: balance.onHand,
    reservedMilli: balance.reserved,
  });
  if (decision.kind === 'refuse' || !where)
    throw new AppError(
      decision.kind === 'refuse' ? decision.code : 'KIT_UNIT_NOT_IN_STOCK',
      `Kit unit ${kitUnitId} cannot be broken: ${decision.reasons.join('; ')}`,
      { kitUnitId, state: before!.state, reasons: decision.reasons },
    );

  const items = await w.trx
    .selectFrom('kit_unit_items')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('kit_unit_id', '=', kitUnitId)
    .execute();
  const parts = await partsByIds(
    w.trx,
    tenantId,
    items.map((i) => i.part_id),
  );
  const reference = input.reference ?? `kit-break:${kitUnitId}`;
  const receipt = (part: Part, quantity: number, extra: { serials?: string[]; lot?: string }) => ({
    partId: part.id,
    run: () =>
      postMovement(w, {
        type: 'receipt',
        partNumber: part.partNumber,
        locationCode: where.locationCode,
        status: where.status,
        quantity,
        reference,
        ...extra,
      }),
  });
  const steps: Array<{ partId: string; run: () => Promise<unknown> }> = [
    {
      partId: kitPart.id,
      run: () =>
        retryIfStockMoved(`breaking kit ${kitUnitId}`, () =>
          postMovement(w, {
            type: 'issue',
            partNumber: kitPart.partNumber,
            locationCode: where.locationCode,
            status: where.status,
            quantity: 1,
            serials: [row.serial],
            reference,
          }),
        ),
    },
  ];
  for (const [partId, part] of parts) {
    const mine = items.filter((i) => i.part_id === partId);
    if (part.tracking === 'serial')
      steps.push(receipt(part, mine.length, { serials: mine.map((i) => i.serial).sort() }));
    else if (part.tracking === 'lot')
      for (const i of mine) steps.push(receipt(part, fromMilli(Number(i.quantity_milli)), { lot: i.lot }));
    else steps.push(receipt(part, fromMilli(mine.reduce((sum, i) => sum + Number(i.quantity_milli), 0)), {}));
  }
  steps.sort((a, b) => (a.partId < b.partId ? -1 : a.partId > b.partId ? 1 : 0));
  for (const step of steps) await step.run();

  const now = isoTimestamp(w.ctx.clock);
  const updated = await w.trx
    .updateTable('kit_units')
    .set({
      state: 'broken',
      broken_location_id: where.locationId,
      broken_by: actorLabel(w.ctx.actor),
      broken_at: now,
      broken_reason: input.reason,
    })
    .where('tenant_id', '=', tenantId)
    .where('id', '=', kitUnitId)
    .where('state', '=', 'assembled')
    .executeTakeFirst();
  if (Number(updated.numUpdatedRows) !== 1)
    throw new RetryTransaction(`kit unit ${kitUnitId} changed concurrently`);

  const [kitUnit] = await kitUnitsFor(
    w.trx,
    tenantId,
    [await requireKitUnitRow(w.trx, tenantId, kitUnitId)],
    false,
  );
  w.audit({
    action: 'kit_unit.broken',
    entityType: 'kit_unit',
    entityId: kitUnitId,
    before,
    after: kitUnit,
    reason: input.reason,
  });
  w.emit({
    type: 'inventory.kit_broken',
    key: `part:${kitPart.partNumber}`,
    payload: { kitUnit, reason: input.reason },
  });
  return { kitUnit: kitUnit!, reasons: decision.reasons };
}

/**
 * Issues (ships or consumes) a kit unit from where it is, optionally against a reservation of
 * the kit part: one ledger line for the kit's serial, and an event listing every item shipped
 * with it. An issue of the kit's serial by any other path leaves the same ledger trace.
 */
export async function issueKitUnit(
  w: Work,
  kitUnitId: string,
  raw: unknown,
): Promise<{ kitUnit: KitUnit; movementId: string }> {
  const input = issueKitInputSchema.parse(raw ?? {});
  const tenantId = w.ctx.tenantId;
  const row = await requireKitUnitRow(w.trx, tenantId, kitUnitId);
  const kitPart = (await partsByIds(w.trx, tenantId, [row.kit_part_id])).get(row.kit_part_id)!;
  const where =
    row.state === 'broken' ? null : await whereabouts(w.trx, tenantId, row.kit_part_id, row.serial);
  if (!where)
    throw new AppError(
      'KIT_UNIT_NOT_IN_STOCK',
      `Kit unit ${kitUnitId} is ${row.state === 'broken' ? 'broken' : 'not in stock'}: it cannot be issued`,
      { kitUnitId, state: row.state === 'broken' ? 'broken' : 'out_of_stock' },
    );
  const movement = await postMovement(w, {
    type: 'issue',
    partNumber: kitPart.partNumber,
    locationCode: where.locationCode,
    status: where.status,
    quantity: 1,
    serials: [row.serial],
    reservationId: input.reservationId,
    reference: input.reference ?? `kit-issue:${kitUnitId}`,
  });
  const [kitUnit] = await kitUnitsFor(w.trx, tenantId, [row], false);
  w.audit({
    action: 'kit_unit.issued',
    entityType: 'kit_unit',
    entityId: kitUnitId,
    after: { kitUnit, movementId: movement.movementId, reservationId: input.reservationId ?? null },
    reason: input.reference ?? null,
  });
  w.emit({
    type: 'inventory.kit_issued',
    key: `part:${kitPart.partNumber}`,
    payload: { kitUnit, movementId: movement.movementId, reservationId: input.reservationId ?? null },
  });
  return { kitUnit: kitUnit!, movementId: movement.movementId };
}

// --- reading ----------------------------------------------------------------------------

/** One kit unit: what it holds, where it is, and every ledger line of its serial. */
export async function getKitUnit(r: Reader, kitUnitId: string): Promise<KitUnit> {
  const row = await requireKitUnitRow(r.db, r.ctx.tenantId, kitUnitId);
  const [unit] = await kitUnitsFor(r.db, r.ctx.tenantId, [row], true);
  return unit!;
}

/** Kit units, newest first: those holding a serial, of a kit part, or in stock at a location. */
export async function listKitUnits(r: Reader, query: KitUnitQuery): Promise<KitUnit[]> {
  const tenantId = r.ctx.tenantId;
  let qb = r.db.selectFrom('kit_units as k').selectAll('k').where('k.tenant_id', '=', tenantId);
  if (query.kitPartNumber !== undefined)
    qb = qb.where('k.kit_part_id', 'in', (eb) =>
      eb
        .selectFrom('parts')
        .select('id')
        .where('tenant_id', '=', tenantId)
        .where('part_number', '=', query.kitPartNumber!),
    );
  if (query.kitSerial !== undefined) qb = qb.where('k.serial', '=', query.kitSerial);
  if (query.serial !== undefined || query.partNumber !== undefined) {
    qb = qb.where('k.id', 'in', (eb) => {
      let sub = eb
        .selectFrom('kit_unit_items as i')
        .select('i.kit_unit_id')
        .where('i.tenant_id', '=', tenantId);
      if (query.serial !== undefined) sub = sub.where('i.serial', '=', query.serial);
      if (query.partNumber !== undefined)
        sub = sub.where('i.part_id', 'in', (eb2) =>
          eb2
            .selectFrom('parts')
            .select('id')
            .where('tenant_id', '=', tenantId)
            .where('part_number', '=', query.partNumber!),
        );
      return sub;
    });
  }
  if (query.locationCode !== undefined) {
    const code = query.locationCode;
    qb = qb.where((eb) =>
      eb.exists(
        eb
          .selectFrom('stock_tracked as s')
          .innerJoin('locations as l', 'l.id', 's.location_id')
          .select('s.serial')
          .whereRef('s.tenant_id', '=', 'k.tenant_id')
          .whereRef('s.part_id', '=', 'k.kit_part_id')
          .whereRef('s.serial', '=', 'k.serial')
          .where('s.on_hand_milli', '>', 0)
          .where('l.code', '=', code),
      ),
    );
  }
  const rows = await qb.orderBy('k.id', 'desc').limit(query.limit).execute();
  return kitUnitsFor(r.db, tenantId, rows, false);
}

async function requireKitUnitRow(db: Db, tenantId: string, id: string): Promise<KitUnitRow> {
  const row = await db
    .selectFrom('kit_units')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id)
    .executeTakeFirst();
  if (!row) throw new AppError('KIT_UNIT_NOT_FOUND', `No kit unit '${id}'`, { kitUnitId: id });
  return row;
}

/** Where a kit's serial is on hand now, if anywhere. */
async function whereabouts(
  db: Db,
  tenantId: string,
  kitPartId: string,
  serial: string,
): Promise<{ locationId: string; locationCode: string; status: StockStatus } | null> {
  const row = await db
    .selectFrom('stock_tracked as s')
    .innerJoin('locations as l', 'l.id', 's.location_id')
    .select(['s.location_id', 'l.code', 's.status'])
    .where('s.tenant_id', '=', tenantId)
    .where('s.part_id', '=', kitPartId)
    .where('s.serial', '=', serial)
    .where('s.on_hand_milli', '>', 0)
    .executeTakeFirst();
  return row
    ? { locationId: row.location_id, locationCode: row.code, status: row.status as StockStatus }
    : null;
}

/** Kit units as the API shows them: items, whereabouts from stock, and the kit's ledger trace. */
async function kitUnitsFor(
  db: Db,
  tenantId: string,
  rows: KitUnitRow[],
  withHistory: boolean,
): Promise<KitUnit[]> {
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.id);
  const kitPartIds = [...new Set(rows.map((r) => r.kit_part_id))];
  const serials = [...new Set(rows.map((r) => r.serial))];
  const items = await db
    .selectFrom('kit_unit_items')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('kit_unit_id', 'in', ids)
    .execute();
  const parts = await partsByIds(db, tenantId, [...new Set([...kitPartIds, ...items.map((i) => i.part_id)])]);
  const onHand = await db
    .selectFrom('stock_tracked')
    .select(['part_id', 'serial', 'location_id', 'status'])
    .where('tenant_id', '=', tenantId)
    .where('part_id', 'in', kitPartIds)
    .where('serial', 'in', serials)
    .where('on_hand_milli', '>', 0)
    .execute();
  const lines = await db
    .selectFrom('stock_movements')
    .select([
      'movement_id',
      'type',
      'part_id',
      'location_id',
      'status',
      'serial',
      'quantity_milli',
      'reference',
      'actor',
      'created_at',
    ])
    .where('tenant_id', '=', tenantId)
    .where('part_id', 'in', kitPartIds)
    .where('serial', 'in', serials)
    .orderBy('id')
    .execute();
  const codes = await locationCodesByIds(db, tenantId, [
    ...rows.flatMap((r) => [r.built_location_id, ...(r.broken_location_id ? [r.broken_location_id] : [])]),
    ...onHand.map((s) => s.location_id),
    ...lines.map((l) => l.location_id),
  ]);
  const code = (id: string) => codes.get(id) ?? id;
  const key = (partId: string, serial: string) => `${partId}|${serial}`;

  return rows.map((row) => {
    const k = key(row.kit_part_id, row.serial);
    const here = onHand.find((s) => key(s.part_id, s.serial) === k);
    const trace = lines
      .filter((l) => key(l.part_id, l.serial) === k)
      .map((l) => ({
        movementId: l.movement_id,
        type: l.type as MovementType,
        locationCode: code(l.location_id),
        status: l.status as StockStatus,
        quantity: fromMilli(Number(l.quantity_milli)),
        reference: l.reference,
        actor: l.actor,
        at: l.created_at,
      }));
    const location = here ? { code: code(here.location_id), status: here.status as StockStatus } : null;
    const state = kitUnitState(row.state === 'broken', location ? { locationCode: location.code } : null);
    const unit: KitUnit = {
      id: row.id,
      kitPartNumber: parts.get(row.kit_part_id)?.partNumber ?? row.kit_part_id,
      serial: row.serial,
      definitionVersion: Number(row.definition_version),
      state,
      location,
      items: items
        .filter((i) => i.kit_unit_id === row.id)
        .map((i) => ({
          partNumber: parts.get(i.part_id)?.partNumber ?? i.part_id,
          serial: i.serial || null,
          lot: i.lot || null,
          quantity: fromMilli(Number(i.quantity_milli)),
        }))
        .sort((a, b) =>
          `${a.partNumber}|${a.serial ?? ''}|${a.lot ?? ''}` <
          `${b.partNumber}|${b.serial ?? ''}|${b.lot ?? ''}`
            ? -1
            : 1,
        ),
      reference: row.reference,
      built: { locationCode: code(row.built_location_id), by: row.built_by, at: row.built_at },
      broken:
        row.state === 'broken' && row.broken_location_id && row.broken_at && row.broken_by
          ? {
              locationCode: code(row.broken_location_id),
              by: row.broken_by,
              at: row.broken_at,
              reason: row.broken_reason ?? '',
            }
          : null,
      leftStock: location ? null : ([...trace].reverse().find((l) => l.quantity < 0) ?? null),
    };
    if (withHistory) unit.history = trace;
    return unit;
  });
}
