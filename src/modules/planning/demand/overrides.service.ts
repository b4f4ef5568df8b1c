/**
 * Collaborative overrides (M6.4): a regional manager replaces the forecast (per period) or the
 * safety stock of a part — at one location, or everywhere — for a stretch of time, with a
 * reason. The statistical value is kept and shown beside it; a location's own override wins
 * over one for every location, and the newest wins among equals. Audited.
 */
import { z } from 'zod';
import type { Reader, Work } from '../../../kernel/index.js';
import { isoTimestamp } from '../../../platform/clock.js';
import { actorLabel } from '../../../platform/context.js';
import { AppError } from '../../../platform/errors.js';
import { requirePart } from '../../catalog/index.js';

export const OVERRIDE_KINDS = ['forecast', 'safety_stock'] as const;
export type OverrideKind = (typeof OVERRIDE_KINDS)[number];

export const overrideInputSchema = z
  .object({
    partNumber: z.string().trim().min(1).max(80),
    locationCode: z
      .string()
      .trim()
      .min(1)
      .max(60)
      .nullable()
      .default(null)
      .describe('absent: every location'),
    kind: z.enum(OVERRIDE_KINDS).describe('forecast: demand per period; safety_stock: units to hold'),
    value: z.number().finite().min(0),
    validFrom: z.iso.datetime(),
    validTo: z.iso.datetime(),
    reason: z.string().trim().min(1).max(500),
  })
  .strict()
  .refine((o) => o.validFrom < o.validTo, { message: 'validFrom must be before validTo', path: ['validTo'] });

/** An override as it is stored and answered. */
export const planningOverrideSchema = z.object({
  id: z.string(),
  partNumber: z.string(),
  locationCode: z.string().nullable().describe('null: every location'),
  kind: z.enum(OVERRIDE_KINDS),
  value: z
    .number()
    .describe('forecast: demand per period; safety_stock: units to hold (in the part’s base unit)'),
  validFrom: z.string(),
  validTo: z.string().describe('in force until this instant, not at it'),
  reason: z.string(),
  createdBy: z.string(),
  createdAt: z.string(),
});
export type PlanningOverride = z.infer<typeof planningOverrideSchema>;

export async function createOverride(w: Work, raw: unknown): Promise<PlanningOverride> {
  const input = overrideInputSchema.parse(raw);
  await requirePart(w.trx, w.ctx.tenantId, input.partNumber);
  if (input.locationCode) {
    const found = await w.trx
      .selectFrom('locations')
      .select('id')
      .where('tenant_id', '=', w.ctx.tenantId)
      .where('code', '=', input.locationCode)
      .executeTakeFirst();
    if (!found)
      throw new AppError('LOCATION_NOT_FOUND', `No location '${input.locationCode}'`, {
        locationCode: input.locationCode,
      });
  }
  const row = {
    id: w.ctx.ids.next('ovr'),
    tenant_id: w.ctx.tenantId,
    part_number: input.partNumber,
    location_code: input.locationCode,
    kind: input.kind,
    value: input.value,
    valid_from: input.validFrom,
    valid_to: input.validTo,
    reason: input.reason,
    created_by: actorLabel(w.ctx.actor),
    created_at: isoTimestamp(w.ctx.clock),
  };
  await w.trx.insertInto('planning_overrides').values(row).execute();
  const override = toOverride(row);
  w.audit({
    action: 'planning.override_set',
    entityType: 'part',
    entityId: input.partNumber,
    after: override,
    reason: input.reason,
  });
  return override;
}

/** The overrides of a part in force at `at`, the one that applies per kind first. */
export async function overridesInForce(
  r: Pick<Reader, 'db' | 'ctx'>,
  partNumber: string,
  locationCode: string | null,
  at: string,
): Promise<Partial<Record<OverrideKind, PlanningOverride>>> {
  const rows = await r.db
    .selectFrom('planning_overrides')
    .selectAll()
    .where('tenant_id', '=', r.ctx.tenantId)
    .where('part_number', '=', partNumber)
    .where('valid_from', '<=', at)
    .where('valid_to', '>', at)
    .execute();
  const out: Partial<Record<OverrideKind, PlanningOverride>> = {};
  const rank = (o: PlanningOverride) => (o.locationCode !== null ? 1 : 0);
  for (const o of rows.map(toOverride)) {
    if (o.locationCode !== null && o.locationCode !== locationCode) continue;
    const current = out[o.kind];
    if (!current || rank(o) > rank(current) || (rank(o) === rank(current) && o.createdAt > current.createdAt))
      out[o.kind] = o;
  }
  return out;
}

export async function listOverrides(
  r: Reader,
  query: { partNumber?: string | undefined },
): Promise<PlanningOverride[]> {
  let q = r.db.selectFrom('planning_overrides').selectAll().where('tenant_id', '=', r.ctx.tenantId);
  if (query.partNumber) q = q.where('part_number', '=', query.partNumber);
  return (await q.orderBy('created_at', 'desc').limit(1000).execute()).map(toOverride);
}

function toOverride(row: {
  id: string;
  part_number: string;
  location_code: string | null;
  kind: string;
  value: number;
  valid_from: string;
  valid_to: string;
  reason: string;
  created_by: string;
  created_at: string;
}): PlanningOverride {
  return {
    id: row.id,
    partNumber: row.part_number,
    locationCode: row.location_code,
    kind: row.kind as OverrideKind,
    value: Number(row.value),
    validFrom: row.valid_from,
    validTo: row.valid_to,
    reason: row.reason,
    createdBy: row.created_by,
    createdAt: row.created_at,
  };
}
