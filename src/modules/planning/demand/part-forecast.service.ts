/**
 * A part's forecast from its demand history (M6.1–M6.3): the method its demand class
 * chooses, the forecast over a horizon, and the stocking levels that meet the service target
 * of its criticality, each with the reasons a planner reads beside the figures.
 */
import { z } from 'zod';
import type { Reader } from '../../../kernel/index.js';
import { partAttributes, requirePart, supersessionLinks } from '../../catalog/index.js';
import { isoTimestamp } from '../../../platform/clock.js';
import { chooseMethodByClass } from '../forecast/classification.js';
import { demandClassificationSchema } from '../forecast/forecast.schemas.js';
import { forecastSeries } from '../forecast/methods.js';
import { renderForecastSvg } from '../forecast/plot.js';
import {
  demandMoments,
  leadTimeDemand,
  leadTimeDemandFromHistory,
  type LeadTimeDemand,
} from '../stocking/lead-time-demand.js';
import { stockingLevels } from '../stocking/reorder.js';
import { stockingLevelsSchema } from '../stocking/stocking.schemas.js';
import { DEFAULT_SLA_POLICY, resolveServiceTarget, resolvedTargetSchema } from '../stocking/targets.js';
import { demandHistory, demandHistorySchema } from './demand.service.js';
import { overridesInForce, planningOverrideSchema, type PlanningOverride } from './overrides.service.js';
import { periodStart, shiftPeriod, type Granularity } from './periods.js';
import { retirementAdjustment, thinnedMoments, type RetirementAdjustment } from './retirement.js';
import { demandByModel, retirementsInForce, SHARE_WINDOW_DAYS } from './retirements.service.js';

export interface PartForecastQuery {
  partNumber: string;
  locationCode?: string | undefined;
  granularity: Granularity;
  horizon: number;
  /** Replenishment lead time, in periods of the granularity. */
  leadTime: number;
  /** Its variance in periods² (learned lead times, M6.6); absent: a fixed lead time. */
  leadTimeVariance?: number | undefined;
}

/** What `forecastPart` answers, field for field (GET /api/v1/planning/forecast). */
export const partForecastSchema = z.object({
  history: demandHistorySchema,
  classification: demandClassificationSchema.nullable().describe('null: no demand history'),
  method: z
    .string()
    .nullable()
    .describe(
      'the method its demand class chose, with its parameters (e.g. `ses(0.1)`); null: no demand history',
    ),
  forecast: z
    .array(z.number())
    .describe(
      'demand per period over the horizon, after the last period of history, in the part’s base unit: overrides and equipment retirements applied',
    ),
  target: resolvedTargetSchema,
  stocking: stockingLevelsSchema
    .nullable()
    .describe('null: no stock to plan (no demand history, or phased out by a supersession in effect)'),
  reasons: z.array(z.string()),
  statisticalForecast: z.array(z.number()).describe('what the methods say, before any override'),
  statisticalSafetyStock: z
    .number()
    .nullable()
    .describe('the safety stock before any override; null when stocking is null'),
  overrides: z
    .array(planningOverrideSchema)
    .describe('the overrides in force now, applied to `forecast` and `stocking`'),
});
export type PartForecast = z.infer<typeof partForecastSchema>;

/**
 * The forecast and stocking levels a planner acts on: the statistical ones, with the overrides
 * in force now applied on top (M6.4) and the statistical values kept beside them.
 */
export async function forecastPart(r: Reader, query: PartForecastQuery): Promise<PartForecast> {
  const f = await statisticalForecast(r, query);
  const now = isoTimestamp(r.ctx.clock);
  const inForce = await overridesInForce(r, query.partNumber, query.locationCode ?? null, now);
  const out: PartForecast = {
    ...f,
    statisticalForecast: f.forecast,
    statisticalSafetyStock: f.stocking?.safetyStock ?? null,
    overrides: Object.values(inForce),
  };
  const byWhom = (o: PlanningOverride) =>
    `by ${o.createdBy} until ${o.validTo.slice(0, 10)}${o.locationCode ? ` at ${o.locationCode}` : ''}: ${o.reason}`;
  if (inForce.forecast) {
    const o = inForce.forecast;
    out.forecast = f.forecast.map(() => o.value);
    out.reasons = [...out.reasons, `forecast overridden to ${o.value} per ${query.granularity} ${byWhom(o)}`];
  }
  if (inForce.safety_stock && f.stocking) {
    const o = inForce.safety_stock;
    const shift = o.value - f.stocking.safetyStock;
    out.stocking = {
      ...f.stocking,
      safetyStock: o.value,
      reorderPoint: f.stocking.reorderPoint + shift,
      reorderPointUnits: Math.ceil(f.stocking.reorderPoint + shift - 1e-9),
      orderUpTo: f.stocking.orderUpTo + shift,
    };
    out.reasons = [
      ...out.reasons,
      `safety stock overridden to ${o.value} (statistical ${f.stocking.safetyStock}) ${byWhom(o)}`,
    ];
  }
  return out;
}

async function statisticalForecast(
  r: Reader,
  query: PartForecastQuery,
): Promise<Omit<PartForecast, 'statisticalForecast' | 'statisticalSafetyStock' | 'overrides'>> {
  const history = await demandHistory(r, query);
  const attributes = await partAttributes(r, query.partNumber);
  const criticality = attributes.attributes.find((a) => a.attribute === 'criticality')?.value;
  const target = resolveServiceTarget(
    { criticality: typeof criticality === 'string' ? (criticality as 'A' | 'B' | 'C') : undefined },
    DEFAULT_SLA_POLICY,
  );
  if (history.series.length === 0)
    return {
      history,
      classification: null,
      method: null,
      forecast: Array.from({ length: query.horizon }, () => 0),
      target,
      stocking: null,
      reasons: ['no demand history: nothing to forecast from, and no stock to hold for it'],
    };
  const choice = chooseMethodByClass(history.series);
  const forecast = forecastSeries(history.series, choice.spec, query.horizon);
  // An engineering change (a supersession in effect) phases the part out: from its date the
  // demand is the successor's, which inherits this part's history (M6.2).
  const part = await requirePart(r.db, r.ctx.tenantId, query.partNumber);
  const { supersededBy } = await supersessionLinks(r, part.id);
  if (supersededBy && history.to) {
    const future = Array.from({ length: query.horizon }, (_, k) =>
      periodStart(shiftPeriod(history.to!, k + 1, query.granularity), query.granularity),
    );
    const out = future.map((start, k) =>
      start >= supersededBy.effectiveFrom.slice(0, 10) ? 0 : (forecast.values[k] ?? 0),
    );
    const now = isoTimestamp(r.ctx.clock);
    const phasedOut = supersededBy.effectiveFrom <= now;
    const reason = `superseded by ${supersededBy.successor} from ${supersededBy.effectiveFrom.slice(0, 10)} (${supersededBy.reason}): its demand moves to ${supersededBy.successor}${phasedOut ? ', so no stock is planned for it' : ''}`;
    if (phasedOut || out.every((v) => v === 0))
      return {
        history,
        classification: choice.classification,
        method: forecast.label,
        forecast: out.map(() => 0),
        target,
        stocking: null,
        reasons: [...choice.reasons, reason],
      };
    forecast.values = out;
    choice.reasons.push(reason);
  }
  // Equipment models being retired take their share of the part's demand with them (M6.2).
  const retirement = history.to
    ? await retirementFor(r, [query.partNumber, ...history.predecessors], history.to, query)
    : null;
  let kept = 1;
  if (retirement) {
    forecast.values = forecast.values.map((v, k) => v * (retirement.factors[k] ?? 1));
    choice.reasons.push(...retirement.reasons);
    // Stock protects the lead time ahead: the share in service over its periods, on average.
    const over = retirement.factors.slice(0, Math.max(1, Math.ceil(query.leadTime)));
    kept = over.reduce((s, v) => s + v, 0) / over.length;
  }
  const ltOptions = { leadTime: query.leadTime, leadTimeVariance: query.leadTimeVariance };
  const demand =
    kept < 1
      ? thinnedLeadTimeDemand(history.series, kept, ltOptions)
      : leadTimeDemandFromHistory(history.series, ltOptions);
  const stocking = stockingLevels({
    demand,
    target: target.target,
    // One lead time's demand at the forecast rate, at least one unit, as the order quantity.
    orderQuantity: Math.max(1, Math.ceil(forecast.level * kept * query.leadTime)),
  });
  return {
    history,
    classification: choice.classification,
    method: forecast.label,
    forecast: forecast.values,
    target,
    stocking,
    reasons: [...choice.reasons, ...target.reasons, ...demand.reasons, ...stocking.reasons],
  };
}

/** The retirement schedules that touch this part's recent demand, per forecast period; null when none do. */
async function retirementFor(
  r: Reader,
  partNumbers: string[],
  lastPeriod: string,
  query: PartForecastQuery,
): Promise<RetirementAdjustment | null> {
  const schedules = await retirementsInForce(r);
  if (schedules.size === 0) return null;
  const from = new Date(r.ctx.clock.now().getTime() - SHARE_WINDOW_DAYS * 86_400_000).toISOString();
  const demand = await demandByModel(r, partNumbers, from);
  const periods = Math.max(query.horizon, Math.ceil(query.leadTime));
  const adjustment = retirementAdjustment({
    periodStarts: Array.from({ length: periods }, (_, k) =>
      periodStart(shiftPeriod(lastPeriod, k + 1, query.granularity), query.granularity),
    ),
    demand,
    schedules: [...schedules.values()],
    source: `work order consumption since ${from.slice(0, 10)}`,
  });
  return adjustment.retiring.length > 0 ? adjustment : null;
}

/** Lead-time demand of the history's demand thinned to the share still in service (retirement.ts). */
function thinnedLeadTimeDemand(
  series: number[],
  kept: number,
  options: { leadTime: number; leadTimeVariance?: number | undefined },
): LeadTimeDemand {
  const m = demandMoments(series);
  const t = thinnedMoments(m, kept);
  const d = leadTimeDemand({ ...options, mean: t.mean, variance: t.variance });
  return { ...d, reasons: [...m.reasons, t.reason, ...d.reasons] };
}

/** The history and its forecast as an SVG picture, for a person to look at. */
export function forecastPicture(f: PartForecast): string {
  const where = f.history.locationCode ? ` at ${f.history.locationCode}` : '';
  return renderForecastSvg(
    [
      {
        title: `${f.history.partNumber}${where}: ${f.history.from ?? '—'} to ${f.history.to ?? '—'} (${f.history.granularity}s)`,
        train: f.history.series,
        test: [],
        forecasts: f.method ? [{ label: f.method, values: f.forecast }] : [],
      },
    ],
    `Demand and forecast of ${f.history.partNumber}${where}`,
  );
}
