/**
 * Where each line of a work order comes from (M4.4, M4.5, B3): the technician's own van
 * first, then forward stocking locations, regional warehouses, the central DC, then a
 * purchase; a catalog alternative when the requested part cannot arrive in time; a
 * backorder when nothing can be had. Pure: stock, lead times and `now` are inputs, and
 * every line's plan carries the reasons a dispatcher reads on the requisition.
 * See docs/decisions/0012-sourcing-decision.md.
 */
import { AppError } from '../../platform/errors.js';
import { fromMilli, toMilli } from '../../platform/quantity.js';
import type { LocationType } from '../inventory/index.js';

/** Sources in the order they are tried; `backorder` is what is left when none can serve. */
export const SOURCE_TIERS = [
  'van',
  'forward_stocking_location',
  'regional_warehouse',
  'central_dc',
  'purchase',
] as const;
export type SourceTier = (typeof SOURCE_TIERS)[number];
export type SourceKind = SourceTier | 'backorder';

export type PartRelation = 'requested' | 'superseded_by' | 'substitute';

/** A part the catalog allows in place of the requested one, already resolved for this job's equipment. */
export interface PartAlternative {
  partNumber: string;
  relation: Exclude<PartRelation, 'requested'>;
  /** Why the catalog allows it (the supersession step, the compatibility rule): quoted in the reasons. */
  reason: string;
  /** Lower is preferred. Ties go to the lower part number. */
  preference: number;
}

export interface SourcingLine {
  lineId: string;
  /** The part the technician asked for; always tried first. */
  partNumber: string;
  /** In the part's base unit; up to three decimals. */
  quantity: number;
  /** Higher outranks lower, as in the reservation policy. */
  priority: number;
  /** ISO date-time by which the part must be at the job (the SLA). */
  dueAt: string;
  /** The technician's own van; a van of anyone else is never a source. */
  technicianVan: string | null;
  jobRegion: string;
  alternatives?: readonly PartAlternative[] | undefined;
}

/** Stock free to reserve at one location, and how long it takes from there to the job. */
export interface StockOffer {
  partNumber: string;
  locationCode: string;
  locationType: LocationType;
  region: string;
  available: number;
  /** Transfer lane time to the job; 0 for the technician's own van. */
  leadTimeHours: number;
}

export interface PurchaseOption {
  partNumber: string;
  leadTimeHours: number;
  supplier?: string | undefined;
}

export interface SourcingInput {
  /** ISO date-time the plan is made at; arrivals are `now` plus lead time. */
  now: string;
  /** Lines of one job: offers' lead times are to this job's site. */
  lines: readonly SourcingLine[];
  offers: readonly StockOffer[];
  purchaseOptions: readonly PurchaseOption[];
}

export interface Allocation {
  source: SourceKind;
  /** For van and stock locations. */
  locationCode?: string;
  /** For a purchase, when the option names one. */
  supplier?: string;
  partNumber: string;
  quantity: number;
  /** ISO date-time at the job; null for a backorder, which has no date to promise. */
  arrivesAt: string | null;
  onTime: boolean;
}

export interface Substitution {
  requestedPartNumber: string;
  partNumber: string;
  relation: Exclude<PartRelation, 'requested'>;
  reason: string;
}

export interface LinePlan {
  lineId: string;
  requestedPartNumber: string;
  /** The part the line is filled with: the requested one or the substitution's. */
  partNumber: string;
  quantity: number;
  allocations: Allocation[];
  /** Anything to move from another location, buy or backorder; van stock alone needs none. */
  requisitionNeeded: boolean;
  /** Everything at the job by `dueAt`. */
  onTime: boolean;
  /** When the last allocation reaches the job; null when some of the line is backordered. */
  readyAt: string | null;
  substitution: Substitution | null;
  reasons: string[];
}

export interface SourcingPlan {
  /** In planning order: higher priority first, then earlier due time, then line id. */
  lines: LinePlan[];
}

const HOUR_MS = 3_600_000;

const TIER_OF_LOCATION: Partial<Record<LocationType, SourceTier>> = {
  technician_van: 'van',
  forward_stocking_location: 'forward_stocking_location',
  regional_warehouse: 'regional_warehouse',
  central_dc: 'central_dc',
};

const TIER_LABEL: Record<SourceTier, string> = {
  van: 'the technician’s van',
  forward_stocking_location: 'forward stocking location',
  regional_warehouse: 'regional warehouse',
  central_dc: 'central DC',
  purchase: 'purchase',
};

interface Offer {
  key: string;
  tier: SourceTier;
  partNumber: string;
  locationCode: string;
  region: string;
  leadHours: number;
}

interface Purchase {
  partNumber: string;
  supplier: string | undefined;
  leadHours: number;
}

interface Source {
  tier: SourceTier;
  rank: number;
  partNumber: string;
  /** null for a purchase, which has no stock to decrement. */
  offerKey: string | null;
  locationCode: string | undefined;
  supplier: string | undefined;
  inJobRegion: boolean;
  leadHours: number;
  arrivesAtMs: number;
  onTime: boolean;
  /** Infinity for a purchase. */
  freeMilli: number;
}

interface Take {
  source: Source;
  milli: number;
}

interface Candidate {
  partNumber: string;
  relation: PartRelation;
  reason: string;
}

type PartStatus = 'on_time' | 'late' | 'short';

interface PartPlan {
  candidate: Candidate;
  needMilli: number;
  takes: Take[];
  shortMilli: number;
  status: PartStatus;
  readyAtMs: number | null;
  notes: string[];
}

interface Context {
  nowMs: number;
  offersByPart: Map<string, Offer[]>;
  purchasesByPart: Map<string, Purchase[]>;
  /** Free milli-units per offer, decremented as lines are planned. */
  remaining: Map<string, number>;
}

/**
 * Plans every line of a job: which part, from which sources, arriving when, and why.
 * Lines are planned one after another (higher priority first) against the same stock, so
 * a lower-priority line never takes what a higher one needs.
 */
export function decideSourcing(input: SourcingInput): SourcingPlan {
  const nowMs = parseTime(input.now, 'now');
  const ctx: Context = { nowMs, offersByPart: new Map(), purchasesByPart: new Map(), remaining: new Map() };
  for (const o of input.offers) {
    const tier = TIER_OF_LOCATION[o.locationType];
    // Repair vendors and customer sites hold stock that is not free to send to a job.
    if (!tier) continue;
    const key = `${o.partNumber}\u0000${o.locationCode}`;
    if (ctx.remaining.has(key)) {
      throw new AppError(
        'VALIDATION_FAILED',
        `Stock of ${o.partNumber} at ${o.locationCode} is offered twice`,
        {
          partNumber: o.partNumber,
          locationCode: o.locationCode,
        },
      );
    }
    ctx.remaining.set(key, Math.max(0, toMilli(o.available)));
    const list = ctx.offersByPart.get(o.partNumber) ?? [];
    list.push({
      key,
      tier,
      partNumber: o.partNumber,
      locationCode: o.locationCode,
      region: o.region,
      leadHours: leadHours(o.leadTimeHours, `lead time from ${o.locationCode}`),
    });
    ctx.offersByPart.set(o.partNumber, list);
  }
  for (const p of input.purchaseOptions) {
    const list = ctx.purchasesByPart.get(p.partNumber) ?? [];
    list.push({
      partNumber: p.partNumber,
      supplier: p.supplier,
      leadHours: leadHours(p.leadTimeHours, `purchase lead time of ${p.partNumber}`),
    });
    ctx.purchasesByPart.set(p.partNumber, list);
  }

  const lines = input.lines.map((line) => ({
    line,
    dueMs: parseTime(line.dueAt, `dueAt of ${line.lineId}`),
  }));
  const seen = new Set<string>();
  for (const { line } of lines) {
    if (seen.has(line.lineId)) {
      throw new AppError('VALIDATION_FAILED', `Line ${line.lineId} appears twice`, { lineId: line.lineId });
    }
    seen.add(line.lineId);
  }
  lines.sort(
    (a, b) =>
      b.line.priority - a.line.priority || a.dueMs - b.dueMs || compareText(a.line.lineId, b.line.lineId),
  );
  return { lines: lines.map(({ line, dueMs }, i) => planLine(line, dueMs, i + 1, ctx)) };
}

function planLine(line: SourcingLine, dueMs: number, position: number, ctx: Context): LinePlan {
  const needMilli = toMilli(line.quantity);
  if (needMilli <= 0) {
    throw new AppError(
      'QUANTITY_INVALID',
      `Line ${line.lineId} asks for ${line.quantity}: must be more than 0`,
      {
        lineId: line.lineId,
        quantity: line.quantity,
      },
    );
  }
  const reasons = [
    `${fmt(needMilli)} × ${line.partNumber}, priority ${line.priority}, due ${iso(dueMs)}: planned #${position} ` +
      '(higher priority first, then earlier due time, then line id)',
  ];

  // Alternatives are tried only until one arrives in time, in the catalog's preference order.
  const tried: PartPlan[] = [];
  let chosen: PartPlan | undefined;
  for (const candidate of candidatesOf(line)) {
    const plan = planPart(candidate, needMilli, line, dueMs, ctx);
    tried.push(plan);
    if (plan.status === 'on_time') {
      chosen = plan;
      break;
    }
  }
  // At the same timeliness the earlier candidate wins: the requested part over any alternative.
  chosen ??= tried.find((p) => p.status === 'late') ?? tried[0]!;

  const requested = tried[0]!;
  if (chosen !== requested) {
    for (const p of tried.slice(0, tried.indexOf(chosen))) {
      reasons.push(`${describeCandidate(p.candidate)} cannot be had in time: ${summary(p)}`);
    }
    reasons.push(
      `${describeCandidate(chosen.candidate)} chosen instead (${chosen.candidate.reason}): ${summary(chosen)}`,
    );
  } else if (chosen.status !== 'on_time' && tried.length > 1) {
    for (const p of tried.slice(1))
      reasons.push(`${describeCandidate(p.candidate)} is no better: ${summary(p)}`);
    reasons.push(
      `${line.partNumber} kept: when no alternative arrives in time, the requested part is preferred`,
    );
  }
  reasons.push(...chosen.notes);

  for (const t of chosen.takes) {
    if (t.source.offerKey !== null) {
      ctx.remaining.set(t.source.offerKey, (ctx.remaining.get(t.source.offerKey) ?? 0) - t.milli);
    }
  }

  const allocations: Allocation[] = chosen.takes.map((t) => ({
    source: t.source.tier,
    ...(t.source.locationCode !== undefined ? { locationCode: t.source.locationCode } : {}),
    ...(t.source.supplier !== undefined ? { supplier: t.source.supplier } : {}),
    partNumber: t.source.partNumber,
    quantity: fromMilli(t.milli),
    arrivesAt: iso(t.source.arrivesAtMs),
    onTime: t.source.onTime,
  }));
  if (chosen.shortMilli > 0) {
    allocations.push({
      source: 'backorder',
      partNumber: chosen.candidate.partNumber,
      quantity: fromMilli(chosen.shortMilli),
      arrivesAt: null,
      onTime: false,
    });
  }

  if (chosen.status === 'on_time') reasons.push(`all at the job by ${iso(chosen.readyAtMs!)}, on time`);
  if (chosen.status === 'late') {
    reasons.push(
      `late: all at the job by ${iso(chosen.readyAtMs!)}, ${hours(chosen.readyAtMs! - dueMs)} after the due time`,
    );
  }
  const fromElsewhere = chosen.takes.filter((t) => t.source.tier !== 'van').reduce((s, t) => s + t.milli, 0);
  const requisitionNeeded = fromElsewhere > 0 || chosen.shortMilli > 0;
  reasons.push(
    requisitionNeeded
      ? `requisition needed: ${fmt(fromElsewhere)} to move or buy` +
          (chosen.shortMilli > 0 ? `, ${fmt(chosen.shortMilli)} on backorder` : '')
      : 'no requisition: all from the technician’s own van',
  );

  return {
    lineId: line.lineId,
    requestedPartNumber: line.partNumber,
    partNumber: chosen.candidate.partNumber,
    quantity: fromMilli(needMilli),
    allocations,
    requisitionNeeded,
    onTime: chosen.status === 'on_time',
    readyAt: chosen.readyAtMs === null ? null : iso(chosen.readyAtMs),
    substitution:
      chosen.candidate.relation === 'requested'
        ? null
        : {
            requestedPartNumber: line.partNumber,
            partNumber: chosen.candidate.partNumber,
            relation: chosen.candidate.relation,
            reason: chosen.candidate.reason,
          },
    reasons,
  };
}

/** The requested part, then its alternatives by preference; repeats and the part itself are dropped. */
function candidatesOf(line: SourcingLine): Candidate[] {
  const out: Candidate[] = [{ partNumber: line.partNumber, relation: 'requested', reason: 'as requested' }];
  const seen = new Set([line.partNumber]);
  const alternatives = [...(line.alternatives ?? [])].sort(
    (a, b) =>
      a.preference - b.preference ||
      compareText(a.partNumber, b.partNumber) ||
      compareText(a.relation, b.relation) ||
      compareText(a.reason, b.reason),
  );
  for (const alt of alternatives) {
    if (seen.has(alt.partNumber)) continue;
    seen.add(alt.partNumber);
    out.push({ partNumber: alt.partNumber, relation: alt.relation, reason: alt.reason });
  }
  return out;
}

/**
 * Fills one line with one part number. The van goes first, being already at the job; then
 * one on-time location that covers the rest alone (one shipment), else a split across
 * on-time locations; then an on-time purchase; then the earliest late arrivals; what is
 * left is backordered. Reads the remaining stock, changes nothing.
 */
function planPart(
  candidate: Candidate,
  needMilli: number,
  line: SourcingLine,
  dueMs: number,
  ctx: Context,
): PartPlan {
  const part = candidate.partNumber;
  const sources = sourcesFor(part, line, dueMs, ctx);
  const takes: Take[] = [];
  const vanNotes: string[] = [];
  const takeNotes: string[] = [];
  let rest = needMilli;
  const take = (source: Source, milli: number, why: string) => {
    takes.push({ source, milli });
    takeNotes.push(`${describeTake(source, milli, dueMs)}: ${why}`);
    rest -= milli;
  };

  const van = sources.find((s) => s.tier === 'van');
  if (line.technicianVan === null) vanNotes.push('no technician van on this line');
  else if (!van) vanNotes.push(`van ${line.technicianVan} holds no free ${part}`);
  else {
    const milli = Math.min(van.freeMilli, rest);
    take(
      van,
      milli,
      milli === rest
        ? `van ${van.locationCode} holds ${fmt(van.freeMilli)} free, enough for the line`
        : `van ${van.locationCode} holds only ${fmt(van.freeMilli)} free, used before anything is requisitioned`,
    );
    vanNotes.push(...takeNotes.splice(0));
  }

  const onTimeStock = sources.filter((s) => s.tier !== 'van' && s.tier !== 'purchase' && s.onTime);
  if (rest > 0 && onTimeStock.length > 0) {
    const single = onTimeStock.find((s) => s.freeMilli >= rest);
    if (single) {
      take(single, rest, `the first location in tier order that gets ${fmt(rest)} there in time alone`);
    } else {
      const why = `split: no single location gets ${fmt(rest)} there in time`;
      for (const s of onTimeStock) {
        if (rest === 0) break;
        take(s, Math.min(s.freeMilli, rest), why);
      }
    }
  }

  if (rest > 0) {
    const buy = sources.find((s) => s.tier === 'purchase' && s.onTime);
    if (buy) take(buy, rest, 'not enough stock arrives in time; bought');
  }

  if (rest > 0) {
    // Nothing more arrives in time: finish as early as possible, in one shipment if that is no later.
    const late = sources
      .filter((s) => s.tier !== 'van' && !s.onTime)
      .sort((a, b) => a.arrivesAtMs - b.arrivesAtMs || a.rank - b.rank);
    let covered = 0;
    let finishMs: number | null = null;
    for (const s of late) {
      covered += s.freeMilli;
      if (covered >= rest) {
        finishMs = s.arrivesAtMs;
        break;
      }
    }
    const single =
      finishMs === null ? undefined : late.find((s) => s.freeMilli >= rest && s.arrivesAtMs <= finishMs);
    if (single) take(single, rest, 'nothing more arrives in time; the earliest arrival');
    else {
      for (const s of late) {
        if (rest === 0) break;
        take(s, Math.min(s.freeMilli, rest), 'nothing more arrives in time; split by earliest arrival');
      }
    }
  }

  const shortMilli = rest;
  const notes = [...vanNotes, ...passedOver(sources, takes, dueMs), ...takeNotes];
  if (shortMilli > 0) {
    notes.push(`${fmt(shortMilli)} backordered: no more free ${part} anywhere and no purchase option`);
  }
  const status: PartStatus =
    shortMilli > 0 ? 'short' : takes.every((t) => t.source.onTime) ? 'on_time' : 'late';
  return {
    candidate,
    needMilli,
    takes,
    shortMilli,
    status,
    readyAtMs: shortMilli > 0 ? null : Math.max(...takes.map((t) => t.source.arrivesAtMs)),
    notes,
  };
}

/** Sources for one part that this line may use, in tier order. */
function sourcesFor(part: string, line: SourcingLine, dueMs: number, ctx: Context): Source[] {
  const out: Source[] = [];
  for (const o of ctx.offersByPart.get(part) ?? []) {
    if (o.tier === 'van' && o.locationCode !== line.technicianVan) continue;
    const freeMilli = ctx.remaining.get(o.key) ?? 0;
    if (freeMilli <= 0) continue;
    const arrivesAtMs = ctx.nowMs + Math.round(o.leadHours * HOUR_MS);
    out.push({
      tier: o.tier,
      rank: 0,
      partNumber: part,
      offerKey: o.key,
      locationCode: o.locationCode,
      supplier: undefined,
      inJobRegion: o.region === line.jobRegion,
      leadHours: o.leadHours,
      arrivesAtMs,
      onTime: arrivesAtMs <= dueMs,
      freeMilli,
    });
  }
  for (const p of ctx.purchasesByPart.get(part) ?? []) {
    const arrivesAtMs = ctx.nowMs + Math.round(p.leadHours * HOUR_MS);
    out.push({
      tier: 'purchase',
      rank: 0,
      partNumber: part,
      offerKey: null,
      locationCode: undefined,
      supplier: p.supplier,
      inJobRegion: false,
      leadHours: p.leadHours,
      arrivesAtMs,
      onTime: arrivesAtMs <= dueMs,
      freeMilli: Number.POSITIVE_INFINITY,
    });
  }
  // Within a tier: the nearest, then one in the job's region, then the most stock (fewest splits).
  out.sort(
    (a, b) =>
      SOURCE_TIERS.indexOf(a.tier) - SOURCE_TIERS.indexOf(b.tier) ||
      a.leadHours - b.leadHours ||
      Number(b.inJobRegion) - Number(a.inJobRegion) ||
      (a.freeMilli === b.freeMilli ? 0 : a.freeMilli > b.freeMilli ? -1 : 1) ||
      compareText(a.locationCode ?? '', b.locationCode ?? '') ||
      compareText(a.supplier ?? '', b.supplier ?? ''),
  );
  out.forEach((s, i) => (s.rank = i));
  return out;
}

/** Why locations ahead in tier order were not used: they were late, or held too little. */
function passedOver(sources: Source[], takes: Take[], dueMs: number): string[] {
  const used = new Set(takes.map((t) => t.source));
  const lastRank = Math.max(-1, ...takes.filter((t) => t.source.tier !== 'van').map((t) => t.source.rank));
  return sources
    .filter((s) => s.rank < lastRank && !used.has(s) && s.tier !== 'van' && s.tier !== 'purchase')
    .map(
      (s) =>
        `passed over ${TIER_LABEL[s.tier]} ${s.locationCode}: ` +
        (s.onTime
          ? `holds only ${fmt(s.freeMilli)} free`
          : `would arrive ${iso(s.arrivesAtMs)}, ${hours(s.arrivesAtMs - dueMs)} after the due time`),
    );
}

function describeTake(s: Source, milli: number, dueMs: number): string {
  const where =
    s.tier === 'van'
      ? `the technician’s van ${s.locationCode}`
      : s.tier === 'purchase'
        ? `purchase${s.supplier ? ` from ${s.supplier}` : ''}`
        : `${TIER_LABEL[s.tier]} ${s.locationCode}`;
  const when = s.onTime
    ? `arrives ${iso(s.arrivesAtMs)}, on time`
    : `arrives ${iso(s.arrivesAtMs)}, late by ${hours(s.arrivesAtMs - dueMs)}`;
  return `${fmt(milli)} × ${s.partNumber} from ${where} (lead ${s.leadHours}h, ${when})`;
}

function describeCandidate(c: Candidate): string {
  return c.relation === 'requested'
    ? `${c.partNumber} (requested)`
    : `${c.partNumber} (${c.relation === 'superseded_by' ? 'superseding part' : 'substitute'})`;
}

function summary(p: PartPlan): string {
  if (p.status === 'on_time') return `all there by ${iso(p.readyAtMs!)}`;
  if (p.status === 'late') return `all there at the earliest by ${iso(p.readyAtMs!)}, late`;
  return `only ${fmt(p.needMilli - p.shortMilli)} of ${fmt(p.needMilli)} can be had at all`;
}

function parseTime(value: string, what: string): number {
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) {
    throw new AppError('VALIDATION_FAILED', `${what} is not a date-time: ${value}`, { value });
  }
  return ms;
}

function leadHours(value: number, what: string): number {
  if (!Number.isFinite(value) || value < 0) {
    throw new AppError('VALIDATION_FAILED', `The ${what} must be a number of hours, 0 or more`, { value });
  }
  return value;
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

function hours(ms: number): string {
  return `${Number((ms / HOUR_MS).toFixed(2))}h`;
}

function fmt(milli: number): string {
  return String(fromMilli(milli));
}
