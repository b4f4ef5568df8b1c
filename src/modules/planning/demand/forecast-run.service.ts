/**
 * A forecast run (M6.1): every part × location with demand history forecast in one go, each
 * with the method its demand class chose, the forecast over the horizon (overrides and
 * equipment retirements applied) and the reasons. Reads only: it changes nothing, so it is
 * not audited; `sparehub forecast run` prints it.
 */
import { z } from 'zod';
import type { Reader } from '../../../kernel/index.js';
import { DEMAND_CLASSES } from '../forecast/classification.js';
import { forecastPart } from './part-forecast.service.js';
import { GRANULARITIES } from './periods.js';

export const forecastRunInputSchema = z
  .object({
    granularity: z.enum(GRANULARITIES).default('month'),
    horizon: z.number().int().min(1).max(104).default(12),
    leadTime: z
      .number()
      .positive()
      .max(104)
      .default(1)
      .describe('lead time in periods for the stocking levels shown beside each forecast'),
    locationCodes: z
      .array(z.string().trim().min(1).max(60))
      .min(1)
      .max(5000)
      .optional()
      .describe('absent: every location'),
    partNumbers: z
      .array(z.string().trim().min(1).max(80))
      .min(1)
      .max(5000)
      .optional()
      .describe('absent: every part'),
    limit: z
      .number()
      .int()
      .min(1)
      .max(50_000)
      .default(5000)
      .describe('at most so many part × location pairs, in order of part then location'),
  })
  .strict();

/** One part × location of a forecast run. */
export const forecastRunItemSchema = z.object({
  partNumber: z.string(),
  locationCode: z.string(),
  method: z.string().nullable().describe('the method its demand class chose; null: no demand history'),
  class: z.enum(DEMAND_CLASSES).nullable().describe('its demand class; null: no demand history'),
  forecast: z
    .array(z.number())
    .describe(
      'demand per period over the horizon, in the part’s base unit: overrides and retirements applied',
    ),
  statisticalForecast: z.array(z.number()).describe('the methods’ own figures, before overrides'),
  overridden: z.boolean().describe('a forecast override is in force'),
  periods: z.number().describe('periods of history read'),
  reorderPoint: z
    .number()
    .nullable()
    .describe(
      'at the run’s lead time, overrides applied; null: no stock to plan (no history, or phased out)',
    ),
  safetyStock: z.number().nullable().describe('overrides applied; null: no stock to plan'),
  reasons: z.array(z.string()),
});
export type ForecastRunItem = z.infer<typeof forecastRunItemSchema>;

/** What `runForecasts` answers (POST /api/v1/planning/forecast-runs). */
export const forecastRunSchema = z.object({
  granularity: z.enum(GRANULARITIES),
  horizon: z.number(),
  pairs: z.number().describe('part × location pairs with demand history, before the limit'),
  items: z.array(forecastRunItemSchema),
});
export type ForecastRun = z.infer<typeof forecastRunSchema>;

export async function runForecasts(r: Reader, raw: unknown): Promise<ForecastRun> {
  const input = forecastRunInputSchema.parse(raw);
  const all = await pairsWithDemand(r, input.partNumbers, input.locationCodes);
  const items: ForecastRunItem[] = [];
  for (const { partNumber, locationCode } of all.slice(0, input.limit)) {
    const f = await forecastPart(r, {
      partNumber,
      locationCode,
      granularity: input.granularity,
      horizon: input.horizon,
      leadTime: input.leadTime,
    });
    items.push({
      partNumber,
      locationCode,
      method: f.method,
      class: f.classification?.class ?? null,
      forecast: f.forecast,
      statisticalForecast: f.statisticalForecast,
      overridden: f.overrides.some((o) => o.kind === 'forecast'),
      periods: f.history.series.length,
      reorderPoint: f.stocking?.reorderPoint ?? null,
      safetyStock: f.stocking?.safetyStock ?? null,
      reasons: f.reasons,
    });
  }
  return { granularity: input.granularity, horizon: input.horizon, pairs: all.length, items };
}

/** Part × location pairs with demand: issued there (as the demand history counts it) or imported. */
async function pairsWithDemand(
  r: Reader,
  partNumbers: readonly string[] | undefined,
  locationCodes: readonly string[] | undefined,
): Promise<Array<{ partNumber: string; locationCode: string }>> {
  const tenantId = r.ctx.tenantId;
  let issued = r.db
    .selectFrom('stock_movements as m')
    .innerJoin('locations as l', 'l.id', 'm.location_id')
    .innerJoin('parts as p', 'p.id', 'm.part_id')
    .select(['p.part_number', 'l.code'])
    .distinct()
    .where('m.tenant_id', '=', tenantId)
    .where('m.type', '=', 'issue')
    .where('m.status', '=', 'available')
    // The same exclusion as the demand history: building or breaking a kit is not demand.
    .where((eb) =>
      eb.or([
        eb('m.reference', 'is', null),
        eb.and([eb('m.reference', 'not like', 'kit-build:%'), eb('m.reference', 'not like', 'kit-break:%')]),
      ]),
    );
  if (partNumbers) issued = issued.where('p.part_number', 'in', [...partNumbers]);
  if (locationCodes) issued = issued.where('l.code', 'in', [...locationCodes]);
  let imported = r.db
    .selectFrom('demand_history')
    .select(['part_number', 'location_code'])
    .distinct()
    .where('tenant_id', '=', tenantId);
  if (partNumbers) imported = imported.where('part_number', 'in', [...partNumbers]);
  if (locationCodes) imported = imported.where('location_code', 'in', [...locationCodes]);
  const keys = new Set<string>();
  for (const row of await issued.execute()) keys.add(`${row.part_number}\u0000${row.code}`);
  for (const row of await imported.execute()) keys.add(`${row.part_number}\u0000${row.location_code}`);
  return [...keys].sort().map((k) => {
    const [partNumber, locationCode] = k.split('\u0000') as [string, string];
    return { partNumber, locationCode };
  });
}
