/**
 * A planning run for one stocking location, or every one with demand (M6.5): every part with
 * demand there is forecast from its history, its stocking levels are set for its service
 * target, and those become the location's buffers (safety stock kept after the demand expected
 * over the lead time, refilled up to the order-up-to level). Setting a buffer checks it at
 * once, so where the projection — on hand + on order − reserved − forecast demand over the
 * lead time — is already below the reorder point, a transfer or purchase requisition goes out
 * through the outbox in the same unit of work, with the buffer's reasons and the run's.
 *
 * The lead time is the run's, or per part the one learned from the supplier's receipts or the
 * repair vendor's cycles (with its spread as lead-time variance, M6.6), or the configured one.
 */
import { z } from 'zod';
import type { Work } from '../../../kernel/index.js';
import { getFulfillmentPolicy, leadTimeHours, type LeadTimePolicy } from '../../fulfillment/index.js';
import { putBuffer, requireLocation, type LocationType } from '../../inventory/index.js';
import { LEARNING_WINDOW_DAYS, leadTimeObservations } from '../lead-times/lead-times.service.js';
import { chooseLearnedLeadTime, learnLeadTimes, type LearnedLeadTime } from '../lead-times/learning.js';
import { LEAD_TIME_SOURCES, planningLeadTime } from '../lead-times/planning-lead-time.js';
import { forecastPart } from './part-forecast.service.js';
import { GRANULARITIES, type Granularity } from './periods.js';

export const DAYS_PER_PERIOD: Record<Granularity, number> = { month: 365.25 / 12, week: 7 };

/** Where stock is planned: not at a repair vendor or a customer's site. */
const STOCKING_TYPES: LocationType[] = [
  'central_dc',
  'regional_warehouse',
  'forward_stocking_location',
  'technician_van',
];

export const planningRunInputSchema = z
  .object({
    locationCode: z
      .string()
      .trim()
      .min(1)
      .max(60)
      .optional()
      .describe('absent: every stocking location with demand, one result per location'),
    granularity: z.enum(GRANULARITIES).default('month'),
    leadTime: z
      .number()
      .positive()
      .max(104)
      .optional()
      .describe(
        'replenishment lead time, in periods, taken as fixed; absent: per part, the lead time learned from the supplier’s receipts (purchase) or the repair vendor’s cycles (transfer from one), with its spread, else the configured one',
      ),
    source: z.enum(['transfer', 'purchase']),
    sourceLocationCode: z.string().trim().min(1).max(60).nullable().default(null),
    supplier: z.string().trim().min(1).max(100).nullable().default(null),
    partNumbers: z
      .array(z.string().trim().min(1).max(80))
      .min(1)
      .max(5000)
      .optional()
      .describe('absent: every part with demand at the location'),
  })
  .strict();
type PlanningRunInput = z.infer<typeof planningRunInputSchema>;

/** One part of a planning run. */
export const planningRunLineSchema = z.object({
  partNumber: z.string(),
  method: z
    .string()
    .nullable()
    .describe('the method its demand class chose (as the forecast says); null: no demand history'),
  reorderPoint: z.number().nullable().describe('s, in the part’s base unit; null: no stock planned'),
  orderUpTo: z.number().nullable().describe('S = s + Q; null: no stock planned'),
  safetyStock: z.number().nullable().describe('null: no stock planned (no demand history, or phased out)'),
  leadTime: z
    .object({
      periods: z.number().describe('mean lead time in periods of the run’s granularity'),
      variance: z.number().describe('its variance in periods² (0: taken as fixed)'),
      days: z.number(),
      sdDays: z.number().describe('its standard deviation in days (0: taken as fixed)'),
      source: z
        .enum(LEAD_TIME_SOURCES)
        .describe(
          'input: the run’s `leadTime`; learned: from the supplier’s receipts or the repair vendor’s cycles; configured: the lead-time policy',
        ),
    })
    .describe('the lead time planned with, and where it came from'),
  replenishment: z
    .object({ id: z.string(), quantity: z.number() })
    .nullable()
    .describe('raised at once because the projection is below the reorder point now; null: none raised'),
  reasons: z.array(z.string()),
});
export type PlanningRunLine = z.infer<typeof planningRunLineSchema>;

/** A run at one stocking location. */
export const planningRunSchema = z.object({
  locationCode: z.string(),
  granularity: z.enum(GRANULARITIES),
  leadTime: z.number().nullable().describe('the run’s lead time in periods; null: each line’s own'),
  lines: z.array(planningRunLineSchema),
  raised: z.number().describe('replenishments raised'),
});
export type PlanningRun = z.infer<typeof planningRunSchema>;

/** A run over every stocking location with demand. */
export const planningRunAllSchema = z.object({
  granularity: z.enum(GRANULARITIES),
  leadTime: z.number().nullable().describe('the run’s lead time in periods; null: each line’s own'),
  runs: z.array(planningRunSchema),
  raised: z.number().describe('replenishments raised, over every location'),
  skipped: z
    .array(z.object({ locationCode: z.string(), reason: z.string() }))
    .describe('locations with demand that were not planned, and why'),
});
export type PlanningRunAll = z.infer<typeof planningRunAllSchema>;

/** What every location of a run shares: the lead-time policy and what was learned. */
interface RunContext {
  policy: LeadTimePolicy;
  learned: LearnedLeadTime[];
  source: { code: string; type: LocationType; region: string } | null;
}

export async function runPlanning(w: Work, raw: unknown): Promise<PlanningRun | PlanningRunAll> {
  const input = planningRunInputSchema.parse(raw);
  const context = await runContext(w, input);
  if (input.locationCode !== undefined) return planLocation(w, input, input.locationCode, context);
  const locations = await locationsWithDemand(w, input.partNumbers);
  const runs: PlanningRun[] = [];
  const skipped: PlanningRunAll['skipped'] = [];
  for (const code of locations) {
    if (code === input.sourceLocationCode) {
      skipped.push({ locationCode: code, reason: 'the source of the transfers: it cannot replenish itself' });
      continue;
    }
    runs.push(await planLocation(w, input, code, context));
  }
  return {
    granularity: input.granularity,
    leadTime: input.leadTime ?? null,
    runs,
    raised: runs.reduce((n, r) => n + r.raised, 0),
    skipped,
  };
}

async function runContext(w: Work, input: PlanningRunInput): Promise<RunContext> {
  const r = { db: w.trx, ctx: w.ctx };
  const source = input.sourceLocationCode
    ? await requireLocation(w.trx, w.ctx.tenantId, input.sourceLocationCode)
    : null;
  if (input.leadTime !== undefined)
    return {
      policy: (await getFulfillmentPolicy(r, 'lead-times')).body,
      learned: [],
      source: source && { code: source.code, type: source.type as LocationType, region: source.region },
    };
  const from = new Date(w.ctx.clock.now().getTime() - LEARNING_WINDOW_DAYS * 86_400_000).toISOString();
  const partyKind =
    input.source === 'purchase' ? 'supplier' : source?.type === 'repair_vendor' ? 'repair_vendor' : null;
  const partyCode = input.source === 'purchase' ? input.supplier : (source?.code ?? null);
  // Only the party this run buys from or transfers from is learned about.
  const learned =
    partyKind && partyCode
      ? learnLeadTimes(await leadTimeObservations(r, { partyKind, partyCode, from }))
      : [];
  return {
    policy: (await getFulfillmentPolicy(r, 'lead-times')).body,
    learned,
    source: source && { code: source.code, type: source.type as LocationType, region: source.region },
  };
}

async function planLocation(
  w: Work,
  input: PlanningRunInput,
  locationCode: string,
  context: RunContext,
): Promise<PlanningRun> {
  const r = { db: w.trx, ctx: w.ctx, dialect: w.dialect };
  const location = await requireLocation(w.trx, w.ctx.tenantId, locationCode);
  const parts =
    input.locationCode !== undefined && input.partNumbers
      ? input.partNumbers
      : (await partsWithDemand(w, locationCode)).filter(
          (p) => !input.partNumbers || input.partNumbers.includes(p),
        );
  const lines: PlanningRunLine[] = [];
  const days = DAYS_PER_PERIOD[input.granularity];
  for (const partNumber of parts) {
    const lt = leadTimeFor(input, context, partNumber, location.region);
    const f = await forecastPart(r, {
      partNumber,
      locationCode,
      granularity: input.granularity,
      horizon: Math.max(1, Math.ceil(lt.periods)),
      leadTime: lt.periods,
      leadTimeVariance: lt.variance,
    });
    const leadTime = {
      periods: lt.periods,
      variance: lt.variance,
      days: lt.days,
      sdDays: lt.sdDays,
      source: lt.source,
    };
    if (!f.stocking) {
      lines.push({
        partNumber,
        // The forecast's method even so (a part phased out still had one chosen for its history).
        method: f.method,
        reorderPoint: null,
        orderUpTo: null,
        safetyStock: null,
        leadTime,
        replenishment: null,
        reasons: [...lt.reasons, ...f.reasons],
      });
      continue;
    }
    const perPeriod = f.forecast[0] ?? 0;
    // The buffer triggers when available − demand over the cycle < buffer, i.e. below s.
    const { buffer, check } = await putBuffer(w, {
      partNumber,
      locationCode,
      // Whole units, rounded up: a stocking level is a count of parts to hold.
      buffer: Math.max(0, Math.ceil(f.stocking.reorderPoint - perPeriod * lt.periods - 1e-9)),
      // Buffers hold milli-units: a day's demand rounded up to a thousandth.
      demandPerDay: Math.ceil((perPeriod / days) * 1000 - 1e-9) / 1000,
      demandWindowDays: null,
      cycleHours: lt.periods * days * 24,
      source: input.source,
      sourceLocationCode: input.sourceLocationCode,
      supplier: input.supplier,
      orderUpTo: Math.max(1, Math.ceil(f.stocking.orderUpTo - 1e-9)),
      active: true,
    });
    lines.push({
      partNumber,
      method: f.method,
      reorderPoint: f.stocking.reorderPoint,
      orderUpTo: f.stocking.orderUpTo,
      safetyStock: f.stocking.safetyStock,
      leadTime,
      replenishment: check?.replenishment
        ? { id: check.replenishment.id, quantity: check.replenishment.quantity }
        : null,
      reasons: [
        ...lt.reasons,
        ...f.reasons,
        `buffer at ${locationCode}: keep ${buffer.buffer} after ${perPeriod} per ${input.granularity} over ${Number(lt.periods.toPrecision(4))} ${input.granularity}(s), refill to ${f.stocking.orderUpTo}`,
        ...(check?.decision.reasons ?? []),
      ],
    });
  }
  const run: PlanningRun = {
    locationCode,
    granularity: input.granularity,
    leadTime: input.leadTime ?? null,
    lines,
    raised: lines.filter((l) => l.replenishment).length,
  };
  const sources = [...new Set(lines.map((l) => l.leadTime.source))].sort();
  w.audit({
    action: 'planning.run',
    entityType: 'location',
    entityId: locationCode,
    after: {
      parts: lines.length,
      raised: run.raised,
      leadTime: input.leadTime ?? null,
      leadTimeSources: sources,
      granularity: input.granularity,
    },
  });
  return run;
}

/** A part's lead time: the run's, else learned from its party, else configured (planning-lead-time.ts). */
function leadTimeFor(input: PlanningRunInput, context: RunContext, partNumber: string, region: string) {
  const { policy, source } = context;
  let learned = null;
  let configured: { hours: number; label: string } | null = null;
  if (input.source === 'purchase') {
    if (input.supplier)
      learned = chooseLearnedLeadTime(context.learned, 'supplier', input.supplier, partNumber);
    const byPart = policy.purchaseByPart.filter((p) => p.partNumber === partNumber);
    const own =
      byPart.find((p) => input.supplier !== null && p.supplier === input.supplier) ??
      byPart.find((p) => p.supplier === undefined);
    configured = own
      ? {
          hours: own.hours,
          label: `the lead-time policy's purchase time for ${partNumber}${own.supplier ? ` from ${own.supplier}` : ''}`,
        }
      : { hours: policy.purchase, label: "the lead-time policy's default purchase time" };
  } else if (source) {
    if (source.type === 'repair_vendor')
      learned = chooseLearnedLeadTime(context.learned, 'repair_vendor', source.code, partNumber);
    const hours = leadTimeHours(policy, source, region);
    if (hours !== null)
      configured = {
        hours,
        label: `the lead-time lane from ${source.code} (${source.type}) to region ${region}`,
      };
  }
  return planningLeadTime({
    given: input.leadTime,
    daysPerPeriod: DAYS_PER_PERIOD[input.granularity],
    period: input.granularity,
    learned,
    configured,
  });
}

/** Parts issued at the location, or with imported history there. */
async function partsWithDemand(w: Work, locationCode: string): Promise<string[]> {
  const tenantId = w.ctx.tenantId;
  const issued = await w.trx
    .selectFrom('stock_movements as m')
    .innerJoin('locations as l', 'l.id', 'm.location_id')
    .innerJoin('parts as p', 'p.id', 'm.part_id')
    .select('p.part_number')
    .distinct()
    .where('m.tenant_id', '=', tenantId)
    .where('l.code', '=', locationCode)
    .where('m.type', '=', 'issue')
    .execute();
  const imported = await w.trx
    .selectFrom('demand_history')
    .select('part_number')
    .distinct()
    .where('tenant_id', '=', tenantId)
    .where('location_code', '=', locationCode)
    .execute();
  return [...new Set([...issued.map((r) => r.part_number), ...imported.map((r) => r.part_number)])].sort();
}

/** Stocking locations where something was issued or history was imported (of these parts, if named). */
export async function locationsWithDemand(
  w: Pick<Work, 'trx' | 'ctx'>,
  partNumbers?: readonly string[],
): Promise<string[]> {
  const tenantId = w.ctx.tenantId;
  let issued = w.trx
    .selectFrom('stock_movements as m')
    .innerJoin('locations as l', 'l.id', 'm.location_id')
    .innerJoin('parts as p', 'p.id', 'm.part_id')
    .select('l.code')
    .distinct()
    .where('m.tenant_id', '=', tenantId)
    .where('m.type', '=', 'issue')
    .where('l.type', 'in', STOCKING_TYPES);
  if (partNumbers) issued = issued.where('p.part_number', 'in', [...partNumbers]);
  let imported = w.trx
    .selectFrom('demand_history as d')
    .innerJoin('locations as l', (j) =>
      j.onRef('l.code', '=', 'd.location_code').onRef('l.tenant_id', '=', 'd.tenant_id'),
    )
    .select('l.code')
    .distinct()
    .where('d.tenant_id', '=', tenantId)
    .where('l.type', 'in', STOCKING_TYPES);
  if (partNumbers) imported = imported.where('d.part_number', 'in', [...partNumbers]);
  const codes = [...(await issued.execute()), ...(await imported.execute())].map((r) => r.code);
  return [...new Set(codes)].sort();
}
