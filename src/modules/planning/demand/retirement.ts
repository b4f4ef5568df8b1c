/**
 * Equipment models being retired (M6.2): a part's demand comes from the machines it is fitted
 * to, so as a model leaves service, the share of the part's demand that came from it goes with
 * it. The forecast is scaled per period by the share of recent demand from models still in
 * service then; demand with no model counts as unaffected. Pure; the reasons name the models,
 * their shares and the factor per period. See docs/decisions/0022-equipment-retirements.md.
 */

/** Recent demand of a part by the equipment model it went into (null: not known). */
export interface ModelDemand {
  model: string | null;
  quantity: number;
}

export interface RetirementSchedule {
  equipmentModel: string;
  /** From this instant the model's installed base shrinks linearly; null: all at once on retireOn. */
  phaseDownFrom: string | null;
  /** From this instant the model is out of service. */
  retireOn: string;
  reason: string;
}

export interface ModelShare {
  model: string | null;
  quantity: number;
  share: number;
}

export interface RetirementAdjustment {
  /** Per period, the share of demand still in service at its start (1: unaffected). */
  factors: number[];
  shares: ModelShare[];
  /** The retiring models with demand, each with its share and schedule. */
  retiring: Array<{ model: string; share: number; schedule: RetirementSchedule }>;
  reasons: string[];
}

const pct = (v: number) => `${String(Number((v * 100).toFixed(1)))}%`;
const fmt = (v: number) => String(Number(v.toPrecision(4)));

/** Shares of demand per model, largest first, unknown model last; empty without demand. */
export function modelShares(demand: readonly ModelDemand[]): ModelShare[] {
  const byModel = new Map<string | null, number>();
  for (const d of demand) if (d.quantity > 0) byModel.set(d.model, (byModel.get(d.model) ?? 0) + d.quantity);
  const total = [...byModel.values()].reduce((s, v) => s + v, 0);
  if (total === 0) return [];
  return [...byModel.entries()]
    .map(([model, quantity]) => ({ model, quantity, share: quantity / total }))
    .sort((a, b) =>
      a.model === null
        ? 1
        : b.model === null
          ? -1
          : b.quantity - a.quantity || a.model.localeCompare(b.model),
    );
}

/**
 * The fraction of a model's installed base still in service at an instant: 1 before the
 * phase-down, falling linearly to 0 at the retirement (at once without a phase-down), 0 after.
 */
export function inService(schedule: RetirementSchedule, at: string): number {
  const t = Date.parse(at);
  const end = Date.parse(schedule.retireOn);
  if (t >= end) return 0;
  if (schedule.phaseDownFrom === null) return 1;
  const start = Date.parse(schedule.phaseDownFrom);
  if (t <= start) return 1;
  return (end - t) / (end - start);
}

/**
 * Scales each period (by its start, `YYYY-MM-DD`) by 1 − Σ share(m) × (1 − inService(m)),
 * over the retiring models; the newest schedule per model applies.
 */
export function retirementAdjustment(input: {
  periodStarts: readonly string[];
  demand: readonly ModelDemand[];
  schedules: readonly RetirementSchedule[];
  /** How the demand was read, for the reasons (e.g. "work order consumption over the last 12 months"). */
  source: string;
}): RetirementAdjustment {
  const factors = input.periodStarts.map(() => 1);
  const shares = modelShares(input.demand);
  const scheduleOf = new Map(input.schedules.map((s) => [s.equipmentModel, s]));
  const retiring = shares.flatMap((s) => {
    const schedule = s.model === null ? undefined : scheduleOf.get(s.model);
    return schedule && s.model !== null ? [{ model: s.model, share: s.share, schedule }] : [];
  });
  if (retiring.length === 0) return { factors, shares, retiring, reasons: [] };
  const total = shares.reduce((sum, s) => sum + s.quantity, 0);
  const reasons = [
    `demand by equipment model (${input.source}, ${fmt(total)} in all): ${shares
      .map((s) => `${s.model ?? 'no model'} ${pct(s.share)}`)
      .join(', ')}`,
  ];
  for (const r of retiring) {
    const s = r.schedule;
    reasons.push(
      s.phaseDownFrom
        ? `${r.model} is phased down from ${s.phaseDownFrom.slice(0, 10)} and retired on ${s.retireOn.slice(0, 10)} (${s.reason}): its ${pct(r.share)} of demand falls linearly to nothing by then`
        : `${r.model} is retired on ${s.retireOn.slice(0, 10)} (${s.reason}): its ${pct(r.share)} of demand ends then`,
    );
  }
  input.periodStarts.forEach((start, k) => {
    const at = `${start}T00:00:00.000Z`;
    let lost = 0;
    for (const r of retiring) lost += r.share * (1 - inService(r.schedule, at));
    factors[k] = Math.max(0, 1 - lost);
  });
  const scaled = input.periodStarts.flatMap((start, k) =>
    factors[k]! < 1 ? [`${start.slice(0, 7)} × ${fmt(factors[k]!)}`] : [],
  );
  reasons.push(
    scaled.length === 0
      ? 'no forecast period reaches a phase-down yet: the forecast is unchanged'
      : `forecast scaled by the share of demand still in service at each period’s start: ${scaled.join(', ')}`,
  );
  return { factors, shares, retiring, reasons };
}

/**
 * Per-period demand moments after keeping each unit of demand with probability f (binomial
 * thinning: the units whose machine is still in service): mean f·μ, variance f²·σ² + f(1 − f)·μ.
 * Why not just f²·σ²: independent unit arrivals (Poisson) must stay Poisson when thinned.
 */
export function thinnedMoments(
  moments: { mean: number; variance: number },
  f: number,
): { mean: number; variance: number; reason: string } {
  const mean = f * moments.mean;
  const variance = f * f * moments.variance + f * (1 - f) * moments.mean;
  return {
    mean,
    variance,
    reason: `stocking for the ${pct(f)} of demand still in service over the lead time: per-period mean ${fmt(f)} × ${fmt(moments.mean)} = ${fmt(mean)}, variance ${fmt(f)}² × ${fmt(moments.variance)} + ${fmt(f)} × ${fmt(1 - f)} × ${fmt(moments.mean)} = ${fmt(variance)}`,
  };
}
