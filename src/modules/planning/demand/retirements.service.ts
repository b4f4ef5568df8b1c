/**
 * Retirement schedules of equipment models (M6.2) as data: a model, when its installed base
 * starts shrinking (optional) and when it is out of service, with the reason (an ECN, an end
 * of support). Append-only and audited; the newest schedule of a model is the one in force,
 * so postponing a retirement is another schedule, and the earlier one stays on record.
 * Forecasts read them with the part's recent demand by model (retirement.ts).
 */
import { z } from 'zod';
import type { Reader, Work } from '../../../kernel/index.js';
import { isoTimestamp } from '../../../platform/clock.js';
import { actorLabel } from '../../../platform/context.js';
import { fromMilli } from '../../../platform/quantity.js';
import type { ModelDemand } from './retirement.js';

export const retirementInputSchema = z
  .object({
    equipmentModel: z.string().trim().min(1).max(100).describe('as work orders carry it (`equipmentModel`)'),
    phaseDownFrom: z.iso
      .datetime()
      .nullable()
      .default(null)
      .describe('the installed base shrinks linearly from here to the retirement; absent: all at once'),
    retireOn: z.iso.datetime().describe('from here the model is out of service'),
    reason: z.string().trim().min(1).max(500),
  })
  .strict()
  .refine((r) => r.phaseDownFrom === null || Date.parse(r.phaseDownFrom) < Date.parse(r.retireOn), {
    message: 'phaseDownFrom must be before retireOn',
    path: ['phaseDownFrom'],
  });

/** RetirementSchedule (retirement.ts) as the API answers it; response-schemas.test.ts keeps them equal. */
export const retirementScheduleSchema = z.object({
  equipmentModel: z.string(),
  phaseDownFrom: z
    .string()
    .nullable()
    .describe('the installed base shrinks linearly from here to the retirement; null: all at once'),
  retireOn: z.string().describe('from here the model is out of service'),
  reason: z.string(),
});

/** A schedule as it is stored and answered. */
export const equipmentRetirementSchema = z.object({
  id: z.string(),
  ...retirementScheduleSchema.shape,
  createdBy: z.string(),
  createdAt: z.string(),
});
export type EquipmentRetirement = z.infer<typeof equipmentRetirementSchema>;

export async function createRetirement(w: Work, raw: unknown): Promise<EquipmentRetirement> {
  const input = retirementInputSchema.parse(raw);
  const before = (await retirementsInForce({ db: w.trx, ctx: w.ctx })).get(input.equipmentModel) ?? null;
  const row = {
    id: w.ctx.ids.next('ret'),
    tenant_id: w.ctx.tenantId,
    equipment_model: input.equipmentModel,
    phase_down_from: input.phaseDownFrom,
    retire_on: input.retireOn,
    reason: input.reason,
    created_by: actorLabel(w.ctx.actor),
    created_at: isoTimestamp(w.ctx.clock),
  };
  await w.trx.insertInto('equipment_retirements').values(row).execute();
  const after = toRetirement(row);
  w.audit({
    action: 'planning.equipment_retirement_set',
    entityType: 'equipment_model',
    entityId: input.equipmentModel,
    before,
    after,
    reason: input.reason,
  });
  return after;
}

export async function listRetirements(
  r: Reader,
  query: { equipmentModel?: string | undefined },
): Promise<EquipmentRetirement[]> {
  let q = r.db.selectFrom('equipment_retirements').selectAll().where('tenant_id', '=', r.ctx.tenantId);
  if (query.equipmentModel) q = q.where('equipment_model', '=', query.equipmentModel);
  return (await q.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(1000).execute()).map(
    toRetirement,
  );
}

/** The schedule in force per model: the newest. */
export async function retirementsInForce(
  r: Pick<Reader, 'db' | 'ctx'>,
): Promise<Map<string, EquipmentRetirement>> {
  const rows = await r.db
    .selectFrom('equipment_retirements')
    .selectAll()
    .where('tenant_id', '=', r.ctx.tenantId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  return new Map(rows.map((row) => [row.equipment_model, toRetirement(row)]));
}

/** How recent demand is read for the model shares: a year, so the current fleet mix counts. */
export const SHARE_WINDOW_DAYS = 365;

/**
 * A part's work order consumption since `from`, by the equipment model of its work order. It
 * reads fulfillment's consumption rows directly: the only record where demand meets a model,
 * and fulfillment's public listing does not carry the model.
 */
export async function demandByModel(
  r: Pick<Reader, 'db' | 'ctx'>,
  partNumbers: readonly string[],
  from: string,
): Promise<ModelDemand[]> {
  const rows = await r.db
    .selectFrom('work_order_consumption as c')
    .innerJoin('work_orders as w', (j) =>
      j.onRef('w.id', '=', 'c.work_order_id').onRef('w.tenant_id', '=', 'c.tenant_id'),
    )
    .select(['w.equipment_model', (eb) => eb.fn.sum<number>('c.used_milli').as('used')])
    .where('c.tenant_id', '=', r.ctx.tenantId)
    .where('c.part_number', 'in', [...partNumbers])
    .where('c.consumed_at', '>=', from)
    .groupBy('w.equipment_model')
    .execute();
  return rows.map((row) => ({ model: row.equipment_model, quantity: fromMilli(Number(row.used)) }));
}

function toRetirement(row: {
  id: string;
  equipment_model: string;
  phase_down_from: string | null;
  retire_on: string;
  reason: string;
  created_by: string;
  created_at: string;
}): EquipmentRetirement {
  return {
    id: row.id,
    equipmentModel: row.equipment_model,
    phaseDownFrom: row.phase_down_from,
    retireOn: row.retire_on,
    reason: row.reason,
    createdBy: row.created_by,
    createdAt: row.created_at,
  };
}
