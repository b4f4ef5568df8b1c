import { runWork } from '../../src/kernel/index.js';
import { createParts, type CreatePartInput, type Part } from '../../src/modules/catalog/index.js';
import { planFigures, type PlannedLine } from '../../src/modules/fulfillment/index.js';
import {
  createLocations,
  postMovement,
  type CreateLocationInput,
  type Location,
  type MovementInput,
  type MovementResult,
} from '../../src/modules/inventory/index.js';
import type { TestHub } from './each-store.js';

let seq = 0;
export function uniqueCode(prefix: string): string {
  seq += 1;
  return `${prefix}-${process.pid}-${seq}-${Math.floor(Math.random() * 1e6)}`;
}

export async function makePart(t: TestHub, overrides: Partial<CreatePartInput> = {}): Promise<Part> {
  const [part] = await runWork(t.hub.store, t.ctx(), (w) =>
    createParts(w, [{ partNumber: uniqueCode('P'), description: 'Test part', baseUom: 'EA', ...overrides }]),
  );
  return part!;
}

export async function makeLocation(
  t: TestHub,
  overrides: Partial<CreateLocationInput> = {},
): Promise<Location> {
  const [location] = await runWork(t.hub.store, t.ctx(), (w) =>
    createLocations(w, [
      {
        code: uniqueCode('L'),
        name: 'Test location',
        type: 'regional_warehouse',
        region: 'NORTH',
        ...overrides,
      },
    ]),
  );
  return location!;
}

export function move(t: TestHub, input: MovementInput): Promise<MovementResult> {
  return runWork(t.hub.store, t.ctx(), (w) => postMovement(w, input));
}

export function receive(
  t: TestHub,
  part: Part,
  location: Location,
  quantity: number,
  extra: Partial<MovementInput> = {},
): Promise<MovementResult> {
  return move(t, {
    type: 'receipt',
    partNumber: part.partNumber,
    locationCode: location.code,
    quantity,
    ...extra,
  });
}

/** Balance of one part at one location in one status, through the API as an admin sees it. */
export async function stockOf(
  t: TestHub,
  partNumber: string,
  locationCode: string,
  status = 'available',
): Promise<{ onHand: number; reserved: number; available: number }> {
  const res = await t.api(
    'GET',
    `/api/v1/stock?partNumber=${encodeURIComponent(partNumber)}&locationCode=${encodeURIComponent(locationCode)}`,
  );
  const row = (
    res.body.items as Array<{ status: string; onHand: number; reserved: number; available: number }>
  ).find((r) => r.status === status);
  return row
    ? { onHand: row.onHand, reserved: row.reserved, available: row.available }
    : { onHand: 0, reserved: 0, available: 0 };
}

/**
 * The plan figures stored with each of the tenant's work orders (lines, lines filled from
 * stock) as the plan itself gives them, for comparing: every write of a plan must keep them.
 */
export async function storedAndPlannedFigures(
  t: TestHub,
): Promise<{ stored: Array<[number | null, number | null]>; planned: Array<[number, number]> }> {
  const rows = await t.hub.store.db
    .selectFrom('work_orders')
    .select(['plan_json', 'plan_lines', 'plan_filled'])
    .where('tenant_id', '=', t.tenantId)
    .orderBy('id')
    .execute();
  return {
    stored: rows.map((r) => [
      r.plan_lines === null ? null : Number(r.plan_lines),
      r.plan_filled === null ? null : Number(r.plan_filled),
    ]),
    planned: rows.map((r) => {
      const figures = planFigures(JSON.parse(r.plan_json) as PlannedLine[]);
      return [figures.lines, figures.filled];
    }),
  };
}
