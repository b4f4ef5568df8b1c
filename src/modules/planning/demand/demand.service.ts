/**
 * Demand history (M6.1, M6.2): per part × location × month or week, from what the hub issued
 * (the ledger's issues of available stock — work order consumption, warehouse shipments to
 * jobs, issues posted by systems — but not the hub's own kit building) and from history
 * imported for the time before. A successor inherits the demand of the parts it supersedes,
 * so a forecast does not start from zero when a part number changes.
 */
import { parse } from 'csv-parse/sync';
import { z } from 'zod';
import type { Reader, Work } from '../../../kernel/index.js';
import { isoTimestamp } from '../../../platform/clock.js';
import { AppError } from '../../../platform/errors.js';
import { fromMilli, toMilli } from '../../../platform/quantity.js';
import { partsByNumbers, requirePart, supersessionLinks } from '../../catalog/index.js';
import { GRANULARITIES, parsePeriod, periodOf, periodsBetween, type Granularity } from './periods.js';

/** A part's demand history as the API answers it (GET /api/v1/planning/demand, and in a forecast). */
export const demandHistorySchema = z.object({
  partNumber: z.string(),
  locationCode: z.string().nullable().describe('null: every location together'),
  granularity: z.enum(GRANULARITIES),
  predecessors: z.array(z.string()).describe('parts whose demand this part inherits along supersession'),
  periods: z.array(
    z.object({
      period: z.string().describe('YYYY-MM, or a week as the date of its Monday'),
      quantity: z.number().describe('in the part’s base unit'),
      byPart: z
        .record(z.string(), z.number())
        .describe('where the quantity came from, by part number: the part itself and its predecessors'),
    }),
  ),
  series: z.array(z.number()).describe('zero-filled, one value per period: what the forecast methods read'),
  from: z
    .string()
    .nullable()
    .describe('the first period: the one asked from, else the first with demand; null: neither'),
  to: z
    .string()
    .nullable()
    .describe('the last period: the one asked to, else the last with demand; null: neither'),
});
export type DemandHistory = z.infer<typeof demandHistorySchema>;
export type DemandPeriod = DemandHistory['periods'][number];

const MAX_CHAIN = 50;

/** The parts a part supersedes, directly or through others, nearest first. */
async function predecessorsOf(r: Reader, partId: string): Promise<Array<{ id: string; partNumber: string }>> {
  const out: Array<{ id: string; partNumber: string }> = [];
  const seen = new Set([partId]);
  let frontier = [partId];
  for (let depth = 0; depth < MAX_CHAIN && frontier.length > 0; depth++) {
    const next: string[] = [];
    for (const id of frontier) {
      const { supersedes } = await supersessionLinks(r, id);
      const parts = await partsByNumbers(
        r.db,
        r.ctx.tenantId,
        supersedes.map((s) => s.partNumber),
        r.dialect,
      );
      for (const part of parts.values()) {
        if (seen.has(part.id)) continue;
        seen.add(part.id);
        out.push({ id: part.id, partNumber: part.partNumber });
        next.push(part.id);
      }
    }
    frontier = next;
  }
  return out;
}

export async function demandHistory(
  r: Reader,
  query: {
    partNumber: string;
    locationCode?: string | undefined;
    granularity: Granularity;
    from?: string | undefined;
    to?: string | undefined;
  },
): Promise<DemandHistory> {
  const tenantId = r.ctx.tenantId;
  const part = await requirePart(r.db, tenantId, query.partNumber);
  const predecessors = await predecessorsOf(r, part.id);
  const parts = [{ id: part.id, partNumber: part.partNumber }, ...predecessors];
  const numberOf = new Map(parts.map((p) => [p.id, p.partNumber]));
  const buckets = new Map<string, Map<string, number>>();
  const add = (period: string, partNumber: string, milli: number) => {
    const bucket = buckets.get(period) ?? new Map<string, number>();
    bucket.set(partNumber, (bucket.get(partNumber) ?? 0) + milli);
    buckets.set(period, bucket);
  };

  let issues = r.db
    .selectFrom('stock_movements as m')
    .innerJoin('locations as l', 'l.id', 'm.location_id')
    .select(['m.part_id', 'm.quantity_milli', 'm.created_at'])
    .where('m.tenant_id', '=', tenantId)
    .where(
      'm.part_id',
      'in',
      parts.map((p) => p.id),
    )
    .where('m.type', '=', 'issue')
    .where('m.status', '=', 'available')
    // Building a kit moves its components into the kit: no demand left the hub.
    .where((eb) =>
      eb.or([
        eb('m.reference', 'is', null),
        eb.and([eb('m.reference', 'not like', 'kit-build:%'), eb('m.reference', 'not like', 'kit-break:%')]),
      ]),
    );
  if (query.locationCode) issues = issues.where('l.code', '=', query.locationCode);
  for (const row of await issues.execute())
    add(
      periodOf(row.created_at, query.granularity),
      numberOf.get(row.part_id) ?? row.part_id,
      -Number(row.quantity_milli),
    );

  let imported = r.db
    .selectFrom('demand_history')
    .select(['part_number', 'period', 'quantity_milli'])
    .where('tenant_id', '=', tenantId)
    .where('granularity', '=', query.granularity)
    .where(
      'part_number',
      'in',
      parts.map((p) => p.partNumber),
    );
  if (query.locationCode) imported = imported.where('location_code', '=', query.locationCode);
  for (const row of await imported.execute()) add(row.period, row.part_number, Number(row.quantity_milli));

  const keys = [...buckets.keys()].sort();
  const from = query.from ? periodOf(query.from, query.granularity) : (keys[0] ?? null);
  const to = query.to ? periodOf(query.to, query.granularity) : (keys[keys.length - 1] ?? null);
  const span = from && to ? periodsBetween(from, to, query.granularity) : [];
  const periods: DemandPeriod[] = span.map((period) => {
    const bucket = buckets.get(period) ?? new Map<string, number>();
    const total = [...bucket.values()].reduce((s, v) => s + v, 0);
    return {
      period,
      quantity: fromMilli(total),
      byPart: Object.fromEntries([...bucket.entries()].map(([pn, v]) => [pn, fromMilli(v)])),
    };
  });
  return {
    partNumber: part.partNumber,
    locationCode: query.locationCode ?? null,
    granularity: query.granularity,
    predecessors: predecessors.map((p) => p.partNumber),
    periods,
    series: periods.map((p) => p.quantity),
    from,
    to,
  };
}

export const demandRowSchema = z.object({
  partNumber: z.string().trim().min(1).max(80),
  locationCode: z.string().trim().min(1).max(60),
  period: z.string().trim().min(1).max(20),
  quantity: z.coerce.number().finite().min(0),
});

export const demandImportSchema = z
  .object({
    granularity: z.enum(GRANULARITIES),
    source: z.string().trim().min(1).max(60).default('import'),
    rows: z.array(z.unknown()).min(1).max(200_000),
  })
  .strict();

/**
 * The rows of a demand history CSV (partNumber,locationCode,period,quantity with a header).
 * A file csv-parse cannot read (an unclosed quote, a row of the wrong width) is refused as
 * the import's own bad input, with the parser's words and line, not as a server error.
 */
export function demandRowsFromCsv(text: string): unknown[] {
  try {
    return parse<unknown>(text, { columns: true, skip_empty_lines: true, trim: true, bom: true });
  } catch (error) {
    throw new AppError('DEMAND_HISTORY_INVALID', `The file is not readable CSV: ${(error as Error).message}`);
  }
}

export interface DemandImportResult {
  granularity: Granularity;
  source: string;
  rows: number;
  parts: number;
}

/**
 * Imports history rows (a period's demand of a part at a location; a repeat replaces the
 * earlier figure). Every row is checked first — part and location known, period and
 * quantity valid — and one bad row refuses the whole import, naming every bad row.
 */
export async function importDemandHistory(w: Work, raw: unknown): Promise<DemandImportResult> {
  const input = demandImportSchema.parse(raw);
  const tenantId = w.ctx.tenantId;
  const rejects: Array<{ row: number; reason: string }> = [];
  const good: Array<{
    row: number;
    partNumber: string;
    locationCode: string;
    period: string;
    milli: number;
  }> = [];
  input.rows.forEach((candidate, i) => {
    const parsed = demandRowSchema.safeParse(candidate);
    if (!parsed.success) {
      rejects.push({
        row: i + 1,
        reason: parsed.error.issues.map((x) => `${x.path.join('.')}: ${x.message}`).join('; '),
      });
      return;
    }
    try {
      good.push({
        row: i + 1,
        partNumber: parsed.data.partNumber,
        locationCode: parsed.data.locationCode,
        period: parsePeriod(parsed.data.period, input.granularity),
        milli: toMilli(parsed.data.quantity),
      });
    } catch (error) {
      rejects.push({ row: i + 1, reason: (error as Error).message });
    }
  });
  const partNumbers = [...new Set(good.map((g) => g.partNumber))];
  const known =
    partNumbers.length === 0 ? new Map() : await partsByNumbers(w.trx, tenantId, partNumbers, w.dialect);
  const codes = [...new Set(good.map((g) => g.locationCode))];
  const locations = new Set(
    codes.length === 0
      ? []
      : (
          await w.trx
            .selectFrom('locations')
            .select('code')
            .where('tenant_id', '=', tenantId)
            .where('code', 'in', codes)
            .execute()
        ).map((l) => l.code),
  );
  good.forEach((g) => {
    if (!known.has(g.partNumber)) rejects.push({ row: g.row, reason: `no part '${g.partNumber}'` });
    else if (!locations.has(g.locationCode))
      rejects.push({ row: g.row, reason: `no location '${g.locationCode}'` });
  });
  if (rejects.length > 0)
    throw new AppError(
      'DEMAND_HISTORY_INVALID',
      `${rejects.length} of ${input.rows.length} rows are not valid: nothing was imported`,
      { rejects: rejects.sort((a, b) => a.row - b.row).slice(0, 1000) },
    );
  const now = isoTimestamp(w.ctx.clock);
  for (let i = 0; i < good.length; i += 500)
    await w.trx
      .insertInto('demand_history')
      .values(
        good.slice(i, i + 500).map((g) => ({
          tenant_id: tenantId,
          part_number: g.partNumber,
          location_code: g.locationCode,
          granularity: input.granularity,
          period: g.period,
          quantity_milli: g.milli,
          source: input.source,
          imported_at: now,
        })),
      )
      .onConflict((oc) =>
        oc
          .columns(['tenant_id', 'part_number', 'location_code', 'granularity', 'period'])
          .doUpdateSet((eb) => ({
            quantity_milli: eb.ref('excluded.quantity_milli'),
            source: eb.ref('excluded.source'),
            imported_at: eb.ref('excluded.imported_at'),
          })),
      )
      .execute();
  const result = {
    granularity: input.granularity,
    source: input.source,
    rows: good.length,
    parts: partNumbers.length,
  };
  w.audit({
    action: 'planning.demand_history_imported',
    entityType: 'demand_history',
    entityId: input.source,
    after: result,
  });
  return result;
}
