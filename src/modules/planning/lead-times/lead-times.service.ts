/**
 * Gathers the lead times that actually happened (M6.6) and learns from them (learning.ts):
 *
 * - a supplier's: from a purchase replenishment being raised (`replenishment_orders`, kind
 *   purchase, with its supplier) to the receipt that completed it — the movements that name
 *   the replenishment as their reference, directly or through a warehouse put-away
 *   (`putaway <id> line <n>`);
 * - a repair vendor's: from a part arriving at a `repair_vendor` location to its transfer back
 *   out, serial by serial, or first in first out for parts without serials. The hub records
 *   no repair orders, so the ledger is the record of a repair cycle
 *   (docs/decisions/0020-learned-lead-times.md).
 */
import { z } from 'zod';
import type { Reader } from '../../../kernel/index.js';
import { LEARNING_RULES, learnLeadTimes, PARTY_KINDS, type LeadTimeObservation } from './learning.js';

type Db = Pick<Reader, 'db' | 'ctx'>;

/** How far back lead times are learned from by default: a year, so an old supplier's habits fade. */
export const LEARNING_WINDOW_DAYS = 365;
const DAY_MS = 86_400_000;
const CHUNK = 500;

export const leadTimeQuerySchema = z
  .object({
    partyKind: z.enum(PARTY_KINDS).optional(),
    partyCode: z
      .string()
      .trim()
      .min(1)
      .max(100)
      .optional()
      .describe('a supplier, or a repair vendor location'),
    partNumber: z
      .string()
      .trim()
      .min(1)
      .max(80)
      .optional()
      .describe('the parties that handled this part, with its own figures where it has enough'),
    from: z.iso
      .datetime()
      .optional()
      .describe(`observations started on or after (default: ${LEARNING_WINDOW_DAYS} days ago)`),
  })
  .strict();
export type LeadTimeQuery = z.infer<typeof leadTimeQuerySchema>;

/** LearnedLeadTime (learning.ts) as the API answers it; response-schemas.test.ts keeps them equal. */
export const learnedLeadTimeSchema = z.object({
  partyKind: z.enum(PARTY_KINDS),
  partyCode: z.string().describe('the supplier’s name, or the repair vendor location’s code'),
  partNumber: z.string().nullable().describe('null: every part of the party together'),
  count: z.number().describe('observations kept (outliers and invalid ones left out)'),
  meanDays: z.number(),
  sdDays: z.number().describe('sample standard deviation (n − 1); 0 for a single observation'),
  p50Days: z.number().describe('nearest rank: a lead time that really happened'),
  p90Days: z.number().describe('nearest rank: a lead time that really happened'),
  minDays: z.number(),
  maxDays: z.number(),
  from: z.string().describe('the first start among the kept observations'),
  to: z.string().describe('the last end among the kept observations'),
  usable: z
    .boolean()
    .describe(
      `enough observations for planning to use it: ${LEARNING_RULES.minForParty} for a party, ${LEARNING_RULES.minForPart} for a part`,
    ),
  outliers: z
    .array(z.object({ ref: z.string(), days: z.number() }))
    .describe('left out, outside Tukey’s far-out fences'),
  reasons: z.array(z.string()),
});

/** What `learnedLeadTimes` answers (GET /api/v1/planning/lead-times). */
export const learnedLeadTimesSchema = z.object({
  from: z.string().describe('observations that started on or after this instant'),
  items: z.array(learnedLeadTimeSchema),
});
export type LearnedLeadTimes = z.infer<typeof learnedLeadTimesSchema>;

/** Learned lead times per party (and party × part); a part filter keeps the parties that handled it. */
export async function learnedLeadTimes(r: Db, raw: unknown): Promise<LearnedLeadTimes> {
  const query = leadTimeQuerySchema.parse(raw);
  const from =
    query.from ?? new Date(r.ctx.clock.now().getTime() - LEARNING_WINDOW_DAYS * DAY_MS).toISOString();
  const observations = await leadTimeObservations(r, { ...query, from });
  let items = learnLeadTimes(observations);
  if (query.partNumber) {
    const parties = new Set(
      observations
        .filter((o) => o.partNumber === query.partNumber)
        .map((o) => `${o.partyKind}\u0000${o.partyCode}`),
    );
    items = items.filter(
      (l) =>
        parties.has(`${l.partyKind}\u0000${l.partyCode}`) &&
        (l.partNumber === null || l.partNumber === query.partNumber),
    );
  }
  return { from, items };
}

/**
 * Every observation since `from` (by its start) for the parties asked; the part filter is not
 * applied here, since a party's figure is learned from all its parts.
 */
export async function leadTimeObservations(
  r: Db,
  query: { partyKind?: string | undefined; partyCode?: string | undefined; from: string },
): Promise<LeadTimeObservation[]> {
  const out: LeadTimeObservation[] = [];
  if (query.partyKind !== 'repair_vendor') out.push(...(await supplierReceipts(r, query)));
  if (query.partyKind !== 'supplier') out.push(...(await repairCycles(r, query)));
  return out.filter((o) => o.startedAt >= query.from);
}

async function supplierReceipts(
  r: Db,
  query: { partyCode?: string | undefined; from: string },
): Promise<LeadTimeObservation[]> {
  const tenantId = r.ctx.tenantId;
  let orders = r.db
    .selectFrom('replenishment_orders as o')
    .innerJoin('parts as p', 'p.id', 'o.part_id')
    .select([
      'o.id',
      'o.part_id',
      'o.location_id',
      'o.supplier',
      'o.quantity_milli',
      'o.status',
      'o.raised_at',
      'o.closed_at',
      'p.part_number',
    ])
    .where('o.tenant_id', '=', tenantId)
    .where('o.kind', '=', 'purchase')
    .where('o.supplier', 'is not', null)
    // A cancelled purchase never arrived: it says nothing about how long one takes.
    .where('o.status', '!=', 'cancelled')
    .where('o.raised_at', '>=', query.from);
  if (query.partyCode) orders = orders.where('o.supplier', '=', query.partyCode);
  const rows = await orders.execute();
  if (rows.length === 0) return [];
  const byId = new Map(rows.map((o) => [o.id, o]));
  const receipts = new Map<string, Array<{ milli: number; at: string }>>();
  const add = (
    id: string,
    m: { part_id: string; location_id: string; quantity_milli: number; created_at: string },
  ) => {
    const order = byId.get(id);
    // Only what came into the order's own location, of its own part.
    if (!order || order.part_id !== m.part_id || order.location_id !== m.location_id) return;
    const list = receipts.get(id) ?? [];
    list.push({ milli: Number(m.quantity_milli), at: m.created_at });
    receipts.set(id, list);
  };
  const ids = [...byId.keys()];
  for (let i = 0; i < ids.length; i += CHUNK) {
    const direct = await r.db
      .selectFrom('stock_movements')
      .select(['reference', 'part_id', 'location_id', 'quantity_milli', 'created_at'])
      .where('tenant_id', '=', tenantId)
      .where('quantity_milli', '>', 0)
      .where('reference', 'in', ids.slice(i, i + CHUNK))
      .execute();
    for (const m of direct) add(m.reference!, m);
  }
  // A WMS put-away whose receipt names the replenishment (the PO number the ERP gave it).
  const putaways = await r.db
    .selectFrom('stock_movements')
    .select(['reference', 'part_id', 'location_id', 'quantity_milli', 'created_at'])
    .where('tenant_id', '=', tenantId)
    .where('quantity_milli', '>', 0)
    .where('type', '=', 'receipt')
    .where('reference', 'like', 'putaway rpl%')
    .where('created_at', '>=', query.from)
    .execute();
  for (const m of putaways) {
    const id = /^putaway (\S+) line /.exec(m.reference ?? '')?.[1];
    if (id) add(id, m);
  }
  const out: LeadTimeObservation[] = [];
  for (const order of rows) {
    const list = (receipts.get(order.id) ?? []).sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
    let ended: string | null = null;
    let total = 0;
    for (const receipt of list) {
      total += receipt.milli;
      // The lead time runs until all that was ordered is in: a part delivery does not refill the buffer.
      if (total >= Number(order.quantity_milli)) {
        ended = receipt.at;
        break;
      }
    }
    // Closed as received with less than ordered (the rest will not come): the last delivery ends it;
    // closed as received with no movement naming it, the close is the only date there is.
    if (!ended && order.status === 'received') ended = list.at(-1)?.at ?? order.closed_at;
    if (!ended) continue; // still open: not yet a lead time
    out.push({
      partyKind: 'supplier',
      partyCode: order.supplier!,
      partNumber: order.part_number,
      startedAt: order.raised_at,
      endedAt: ended,
      ref: order.id,
    });
  }
  return out;
}

async function repairCycles(
  r: Db,
  query: { partyCode?: string | undefined },
): Promise<LeadTimeObservation[]> {
  const tenantId = r.ctx.tenantId;
  let vendors = r.db
    .selectFrom('locations')
    .select(['id', 'code'])
    .where('tenant_id', '=', tenantId)
    .where('type', '=', 'repair_vendor');
  if (query.partyCode) vendors = vendors.where('code', '=', query.partyCode);
  const locations = await vendors.execute();
  if (locations.length === 0) return [];
  const codeOf = new Map(locations.map((l) => [l.id, l.code]));
  // Every movement at the vendors, not only the window's: a cycle that started before the
  // window is still paired with its return (and then left out by its start).
  const movements = await r.db
    .selectFrom('stock_movements as m')
    .innerJoin('parts as p', 'p.id', 'm.part_id')
    .select([
      'm.movement_id',
      'm.type',
      'm.location_id',
      'm.serial',
      'm.quantity_milli',
      'm.created_at',
      'p.part_number',
    ])
    .where('m.tenant_id', '=', tenantId)
    .where(
      'm.location_id',
      'in',
      locations.map((l) => l.id),
    )
    .orderBy('m.created_at')
    .orderBy('m.movement_id')
    .execute();
  // Net per movement and unit: a status change at the vendor (defective → in repair) moves nothing.
  const net = new Map<string, { type: string; key: string; milli: number; at: string; movement: string }>();
  const unitOf = new Map<string, { location: string; part: string; serial: string }>();
  for (const m of movements) {
    const key = `${m.location_id}\u0000${m.part_number}\u0000${m.serial}`;
    unitOf.set(key, { location: m.location_id, part: m.part_number, serial: m.serial });
    const id = `${m.movement_id}\u0000${key}`;
    const entry = net.get(id) ?? { type: m.type, key, milli: 0, at: m.created_at, movement: m.movement_id };
    entry.milli += Number(m.quantity_milli);
    net.set(id, entry);
  }
  const queues = new Map<string, Array<{ milli: number; at: string; movement: string }>>();
  const out: LeadTimeObservation[] = [];
  for (const e of net.values()) {
    if (e.milli === 0) continue;
    const queue = queues.get(e.key) ?? [];
    queues.set(e.key, queue);
    if (e.milli > 0) {
      // Sent in (or received there from outside): a cycle starts. A count correction is not a sending.
      if (e.type === 'transfer' || e.type === 'receipt')
        queue.push({ milli: e.milli, at: e.at, movement: e.movement });
      continue;
    }
    let left = -e.milli;
    const unit = unitOf.get(e.key)!;
    while (left > 0 && queue.length > 0) {
      const head = queue[0]!;
      const taken = Math.min(head.milli, left);
      left -= taken;
      head.milli -= taken;
      // Back into the network by a transfer: a repair cycle ends (one per sending and return).
      // Scrapped or written off at the vendor (an issue, an adjustment) leaves the queue
      // without a cycle time.
      if (e.type === 'transfer')
        out.push({
          partyKind: 'repair_vendor',
          partyCode: codeOf.get(unit.location) ?? unit.location,
          partNumber: unit.part,
          startedAt: head.at,
          endedAt: e.at,
          ref: unit.serial ? `${unit.part} serial ${unit.serial}` : `${unit.part} sent by ${head.movement}`,
        });
      if (head.milli === 0) queue.shift();
    }
  }
  return out;
}
