/**
 * Lead times learned from what happened (M6.6): how long each supplier took from a purchase
 * being raised to its receipt, and each repair vendor from a part arriving to its coming back,
 * per party and — where a part has enough of them — per party × part, with the spread that
 * safety stock needs. Pure; the reasons say how many observations, over which dates, and what
 * was left out and why. See docs/decisions/0020-learned-lead-times.md.
 */
import { percentiles } from '../../../platform/percentiles.js';

export const PARTY_KINDS = ['supplier', 'repair_vendor'] as const;
export type PartyKind = (typeof PARTY_KINDS)[number];

/** One purchase received, or one repair cycle completed. */
export interface LeadTimeObservation {
  partyKind: PartyKind;
  /** The supplier's name, or the repair vendor location's code. */
  partyCode: string;
  partNumber: string | null;
  startedAt: string;
  endedAt: string;
  /** What was observed (a replenishment id, a serial's trip), named in the reasons. */
  ref: string;
}

/**
 * How much data an estimate needs. A party's figure is used from 3 observations (fewer give a
 * spread that is mostly noise); a part's own figure at a party from 5, since a part-level mean
 * replaces a party-level one that has more data behind it. Outliers are only sought from 5
 * observations (below that nothing can tell an outlier from the spread), outside Tukey's
 * far-out fences Q1 − 3·IQR and Q3 + 3·IQR, with the IQR taken as at least one day: receipts
 * are booked to the day, so a day either way is ordinary noise, not a sign of a wrong record.
 */
export const LEARNING_RULES = {
  minForParty: 3,
  minForPart: 5,
  minForOutliers: 5,
  fenceIqrs: 3,
  iqrFloorDays: 1,
} as const;

export interface LearnedLeadTime {
  partyKind: PartyKind;
  partyCode: string;
  /** null: every part of the party together. */
  partNumber: string | null;
  /** Observations kept (outliers and invalid ones left out). */
  count: number;
  meanDays: number;
  /** Sample standard deviation (n − 1); 0 for a single observation. */
  sdDays: number;
  /** Nearest-rank percentiles: lead times that really happened. */
  p50Days: number;
  p90Days: number;
  minDays: number;
  maxDays: number;
  /** First start and last end among the kept observations. */
  from: string;
  to: string;
  /** Enough observations for planning to use it (LEARNING_RULES). */
  usable: boolean;
  outliers: Array<{ ref: string; days: number }>;
  reasons: string[];
}

const DAY_MS = 86_400_000;
const fmt = (v: number) => String(Number(v.toFixed(1)));
const day = (iso: string) => iso.slice(0, 10);

function noun(kind: PartyKind, n: number): string {
  if (kind === 'supplier') return n === 1 ? 'receipt' : 'receipts';
  return n === 1 ? 'repair cycle' : 'repair cycles';
}

interface Timed {
  o: LeadTimeObservation;
  days: number;
}

/** Learns per party, and per party × part where a part has enough observations. */
export function learnLeadTimes(observations: readonly LeadTimeObservation[]): LearnedLeadTime[] {
  const byParty = new Map<string, LeadTimeObservation[]>();
  for (const o of observations) {
    const key = `${o.partyKind}\u0000${o.partyCode}`;
    const list = byParty.get(key) ?? [];
    list.push(o);
    byParty.set(key, list);
  }
  const out: LearnedLeadTime[] = [];
  for (const key of [...byParty.keys()].sort()) {
    const list = byParty.get(key)!;
    const party = estimate(list, null);
    if (party) out.push(party);
    const byPart = new Map<string, LeadTimeObservation[]>();
    for (const o of list) {
      if (o.partNumber === null) continue;
      byPart.set(o.partNumber, [...(byPart.get(o.partNumber) ?? []), o]);
    }
    for (const partNumber of [...byPart.keys()].sort()) {
      const part = estimate(byPart.get(partNumber)!, partNumber);
      // A part's own figure only where it has enough data to stand apart from its party's.
      if (part && part.count >= LEARNING_RULES.minForPart) out.push(part);
    }
  }
  return out;
}

function estimate(list: readonly LeadTimeObservation[], partNumber: string | null): LearnedLeadTime | null {
  const first = list[0];
  if (!first) return null;
  const { partyKind, partyCode } = first;
  const reasons: string[] = [];
  const valid: Timed[] = [];
  const invalid: string[] = [];
  for (const o of list) {
    const days = (Date.parse(o.endedAt) - Date.parse(o.startedAt)) / DAY_MS;
    // Ended before it started (or an unreadable date): a back-dated booking, not a lead time.
    if (!Number.isFinite(days) || days < 0) invalid.push(o.ref);
    else valid.push({ o, days });
  }
  if (invalid.length > 0)
    reasons.push(
      `${invalid.length} left out: ended before it started (${invalid.slice(0, 5).join(', ')}${invalid.length > 5 ? ', …' : ''})`,
    );
  if (valid.length === 0) return null;
  const { kept, outliers, fenceReason } = withoutOutliers(valid);
  const days = kept.map((k) => k.days);
  const n = days.length;
  const mean = days.reduce((s, v) => s + v, 0) / n;
  const sd = n > 1 ? Math.sqrt(days.reduce((s, v) => s + (v - mean) * (v - mean), 0) / (n - 1)) : 0;
  const [p50, p90] = percentiles(days, [50, 90]) as [number, number];
  const from = kept.map((k) => k.o.startedAt).sort()[0]!;
  const to = kept
    .map((k) => k.o.endedAt)
    .sort()
    .at(-1)!;
  const where = partyKind === 'supplier' ? `from ${partyCode}` : `at ${partyCode}`;
  const of = partNumber ? ` of ${partNumber}` : '';
  reasons.unshift(
    `${n} ${noun(partyKind, n)}${of} ${where} between ${day(from)} and ${day(to)}; mean ${fmt(mean)} d, sd ${fmt(sd)} d, p50 ${fmt(p50)} d, p90 ${fmt(p90)} d`,
  );
  if (fenceReason) reasons.push(fenceReason);
  const needed = partNumber ? LEARNING_RULES.minForPart : LEARNING_RULES.minForParty;
  const usable = n >= needed;
  if (!usable) reasons.push(`fewer than ${needed} observations: not used for planning`);
  return {
    partyKind,
    partyCode,
    partNumber,
    count: n,
    meanDays: mean,
    sdDays: sd,
    p50Days: p50,
    p90Days: p90,
    minDays: Math.min(...days),
    maxDays: Math.max(...days),
    from,
    to,
    usable,
    outliers: outliers.map((t) => ({ ref: t.o.ref, days: t.days })),
    reasons,
  };
}

/** Tukey's far-out fences (LEARNING_RULES), from enough observations only. */
function withoutOutliers(valid: Timed[]): { kept: Timed[]; outliers: Timed[]; fenceReason: string | null } {
  if (valid.length < LEARNING_RULES.minForOutliers) return { kept: valid, outliers: [], fenceReason: null };
  const [q1, q3] = percentiles(
    valid.map((v) => v.days),
    [25, 75],
  ) as [number, number];
  const iqr = Math.max(q3 - q1, LEARNING_RULES.iqrFloorDays);
  const low = q1 - LEARNING_RULES.fenceIqrs * iqr;
  const high = q3 + LEARNING_RULES.fenceIqrs * iqr;
  const kept = valid.filter((v) => v.days >= low && v.days <= high);
  const outliers = valid.filter((v) => v.days < low || v.days > high);
  if (outliers.length === 0) return { kept, outliers, fenceReason: null };
  return {
    kept,
    outliers,
    fenceReason: `${outliers.length} left out as outliers, outside ${fmt(Math.max(0, low))}–${fmt(high)} d (Q1 ${fmt(q1)} d − 3 × IQR ${fmt(iqr)} d, Q3 ${fmt(q3)} d + 3 × IQR): ${outliers
      .map((o) => `${o.o.ref} ${fmt(o.days)} d`)
      .join(', ')}`,
  };
}

/** A lead time chosen for planning: the learned one where there is enough data, with why. */
export interface LeadTimeChoice {
  estimate: LearnedLeadTime | null;
  reasons: string[];
}

/**
 * The estimate planning uses for a party and a part: the part's own at that party where it
 * has enough observations, else the party's where it has, else none (the caller falls back
 * to the configured lead time).
 */
export function chooseLearnedLeadTime(
  learned: readonly LearnedLeadTime[],
  partyKind: PartyKind,
  partyCode: string,
  partNumber: string,
): LeadTimeChoice {
  const mine = learned.filter((l) => l.partyKind === partyKind && l.partyCode === partyCode);
  const part = mine.find((l) => l.partNumber === partNumber && l.usable);
  if (part) return { estimate: part, reasons: [`learned for ${partNumber}: ${part.reasons[0]}`] };
  const party = mine.find((l) => l.partNumber === null);
  if (party?.usable)
    return {
      estimate: party,
      reasons: [`learned for ${partyCode} (too few of ${partNumber} alone): ${party.reasons[0]}`],
    };
  const who = partyKind === 'supplier' ? `supplier ${partyCode}` : `repair vendor ${partyCode}`;
  return {
    estimate: null,
    reasons: [
      party
        ? `only ${party.count} ${noun(partyKind, party.count)} ${partyKind === 'supplier' ? 'from' : 'at'} ${partyCode}: too few to learn from (${LEARNING_RULES.minForParty} needed)`
        : `nothing recorded for ${who} to learn a lead time from`,
    ],
  };
}
