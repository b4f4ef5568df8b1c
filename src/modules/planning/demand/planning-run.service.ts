/**
 * A planning run for one stocking location (M6.5): every part with demand there is forecast
 * from its history, its stocking levels are set for its service target, and those become the
 * location's buffers (safety stock kept after the demand expected over the lead time, refilled
 * up to the order-up-to level). Setting a buffer checks it at once, so where the projection —
 * on hand + on order − reserved − forecast demand over the lead time — is already below the
 * reorder point, a transfer or purchase requisition goes out through the outbox in the same
 * unit of work, with the buffer's reasons and the run's.
 */
import { z } from 'zod';
import type { Work } from '../../../kernel/index.js';
import { putBuffer } from '../../inventory/index.js';
import { forecastPart } from './part-forecast.service.js';
import { GRANULARITIES, type Granularity } from './periods.js';

const DAYS_PER_PERIOD: Record<Granularity, number> = { month: 365.25 / 12, week: 7 };

export const planningRunInputSchema = z
  .object({
    locationCode: z.string().trim().min(1).max(60),
    granularity: z.enum(GRANULARITIES).default('month'),
    leadTime: z.number().positive().max(104).describe('replenishment lead time, in periods'),
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

export interface PlanningRunLine {
  partNumber: string;
  method: string | null;
  reorderPoint: number | null;
  orderUpTo: number | null;
  safetyStock: number | null;
  /** The replenishment raised at once, if the projection is below the reorder point now. */
  replenishment: { id: string; quantity: number } | null;
  reasons: string[];
}

export interface PlanningRun {
  locationCode: string;
  granularity: Granularity;
  leadTime: number;
  lines: PlanningRunLine[];
  raised: number;
}

export async function runPlanning(w: Work, raw: unknown): Promise<PlanningRun> {
  const input = planningRunInputSchema.parse(raw);
  const r = { db: w.trx, ctx: w.ctx, dialect: w.dialect };
  const parts = input.partNumbers ?? (await partsWithDemand(w, input.locationCode));
  const lines: PlanningRunLine[] = [];
  const days = DAYS_PER_PERIOD[input.granularity];
  for (const partNumber of parts) {
    const f = await forecastPart(r, {
      partNumber,
      locationCode: input.locationCode,
      granularity: input.granularity,
      horizon: Math.max(1, Math.ceil(input.leadTime)),
      leadTime: input.leadTime,
    });
    if (!f.stocking) {
      lines.push({
        partNumber,
        method: null,
        reorderPoint: null,
        orderUpTo: null,
        safetyStock: null,
        replenishment: null,
        reasons: f.reasons,
      });
      continue;
    }
    const perPeriod = f.forecast[0] ?? 0;
    // The buffer triggers when available − demand over the cycle < buffer, i.e. below s.
    const { buffer, check } = await putBuffer(w, {
      partNumber,
      locationCode: input.locationCode,
      // Whole units, rounded up: a stocking level is a count of parts to hold.
      buffer: Math.max(0, Math.ceil(f.stocking.reorderPoint - perPeriod * input.leadTime - 1e-9)),
      // Buffers hold milli-units: a day's demand rounded up to a thousandth.
      demandPerDay: Math.ceil((perPeriod / days) * 1000 - 1e-9) / 1000,
      demandWindowDays: null,
      cycleHours: input.leadTime * days * 24,
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
      replenishment: check?.replenishment
        ? { id: check.replenishment.id, quantity: check.replenishment.quantity }
        : null,
      reasons: [
        ...f.reasons,
        `buffer at ${input.locationCode}: keep ${buffer.buffer} after ${perPeriod} per ${input.granularity} over ${input.leadTime} ${input.granularity}(s), refill to ${f.stocking.orderUpTo}`,
        ...(check?.decision.reasons ?? []),
      ],
    });
  }
  const run = {
    locationCode: input.locationCode,
    granularity: input.granularity,
    leadTime: input.leadTime,
    lines,
    raised: lines.filter((l) => l.replenishment).length,
  };
  w.audit({
    action: 'planning.run',
    entityType: 'location',
    entityId: input.locationCode,
    after: {
      parts: lines.length,
      raised: run.raised,
      leadTime: input.leadTime,
      granularity: input.granularity,
    },
  });
  return run;
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
