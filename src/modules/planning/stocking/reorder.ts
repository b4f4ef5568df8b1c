/**
 * Reorder point s and order-up-to level S = s + Q that meet a service target (M6.3), for an
 * (R, s, S) policy: review every R periods (R = 0: continuously), order up to S when the
 * inventory position is at or below s, s protecting the lead time plus the review period.
 * Normal demand: s from the quantile or the loss function, exact; Poisson and negative
 * binomial: the smallest whole s meeting the target, by search over the exact measures.
 * Pure. See docs/decisions/0018-safety-stock.md.
 */
import { AppError } from '../../../platform/errors.js';
import { normalLoss, normalPpf, normalSf } from './distributions.js';
import type { DistributionKind, LeadTimeDemand } from './lead-time-demand.js';
import { serviceMeasures, type ServiceMeasures } from './service-level.js';
import { serviceTargetSchema, targetLabel, type ServiceTarget } from './targets.js';

export interface StockingInput {
  demand: LeadTimeDemand;
  target: ServiceTarget;
  /** Units ordered per replenishment (the cycle's demand, the fill rate's denominator), > 0. */
  orderQuantity: number;
}

export interface StockingLevels {
  distribution: DistributionKind;
  target: ServiceTarget;
  orderQuantity: number;
  /** s: order when the inventory position is at or below it. Whole units for discrete demand. */
  reorderPoint: number;
  /** s rounded up to a whole unit (equal to s for discrete demand). */
  reorderPointUnits: number;
  /** S = s + Q. */
  orderUpTo: number;
  /** s − mean lead-time demand. */
  safetyStock: number;
  /** Measures achieved at s. */
  cycleServiceLevel: number;
  fillRate: number;
  expectedShortage: number;
  reasons: string[];
}

const fmt = (v: number) => String(Number(v.toPrecision(6)));

/** Smallest integer in [lo, hi] where a non-decreasing predicate holds; hi + 1 when none does. */
function smallestMeeting(lo: number, hi: number, meets: (s: number) => boolean): number {
  let a = lo;
  let b = hi + 1;
  while (a < b) {
    const mid = a + Math.floor((b - a) / 2);
    if (meets(mid)) b = mid;
    else a = mid + 1;
  }
  return a;
}

/** z with G(z) = g for the normal loss function G (decreasing, convex): Newton, monotone after one step. */
export function normalLossInverse(g: number): number {
  if (!(g > 0) || !Number.isFinite(g)) throw new RangeError(`the loss must be above 0, not ${g}`);
  let z = 0;
  for (let i = 0; i < 500; i++) {
    const step = (normalLoss(z) - g) / normalSf(z); // G'(z) = −(1 − Φ(z))
    z += step;
    if (Math.abs(step) <= 4e-16 * Math.max(1, Math.abs(z))) break;
  }
  return z;
}

function checkInput(input: StockingInput): void {
  const t = serviceTargetSchema.safeParse(input.target);
  if (!t.success)
    throw new AppError('VALIDATION_FAILED', 'the service target does not match its schema', {
      issues: t.error.issues,
    });
  const q = input.orderQuantity;
  if (!Number.isFinite(q) || q <= 0)
    throw new AppError('VALIDATION_FAILED', `the order quantity must be above 0, not ${q}`, {
      orderQuantity: q,
    });
}

function continuousLevel(
  demand: LeadTimeDemand,
  target: ServiceTarget,
  q: number,
  reasons: string[],
): number {
  const mu = demand.mean;
  const sigma = Math.sqrt(demand.variance);
  if (target.kind === 'cycle-service-level') {
    if (sigma === 0) {
      reasons.push(`no spread: s = the mean ${fmt(mu)} meets any cycle service level`);
      return mu;
    }
    const z = normalPpf(target.value);
    reasons.push(`z = Φ⁻¹(${target.value}) = ${fmt(z)}; s = μ + zσ = ${fmt(mu)} + ${fmt(z)} × ${fmt(sigma)}`);
    return mu + z * sigma;
  }
  const allowed = (1 - target.value) * q;
  if (sigma === 0) {
    reasons.push(
      `no spread: s = mean − (1 − β)Q = ${fmt(mu)} − ${fmt(allowed)} leaves exactly the allowed shortage`,
    );
    return mu - allowed;
  }
  const g = allowed / sigma;
  const z = normalLossInverse(g);
  reasons.push(
    `allowed shortage per cycle (1 − β)Q = ${fmt(allowed)}; G(z) = ${fmt(allowed)} / σ ${fmt(sigma)} = ${fmt(g)} at z = ${fmt(z)}; s = μ + zσ`,
  );
  return mu + z * sigma;
}

function discreteLevel(
  m: ServiceMeasures,
  demand: LeadTimeDemand,
  target: ServiceTarget,
  q: number,
  reasons: string[],
): number {
  const meets =
    target.kind === 'cycle-service-level'
      ? (s: number) => m.cycleServiceLevel(s) >= target.value
      : (s: number) => m.fillRate(s, q) >= target.value;
  // Every measure reaches its target by the mean plus 40 standard deviations plus Q (the tables end there or before).
  let hi = Math.ceil(demand.mean + 40 * Math.sqrt(demand.variance) + q) + 1;
  while (!meets(hi)) hi *= 2;
  const s = smallestMeeting(0, hi, meets);
  const measure = target.kind === 'cycle-service-level' ? 'cycle service level' : 'fill rate';
  const at = (k: number) =>
    target.kind === 'cycle-service-level' ? m.cycleServiceLevel(k) : m.fillRate(k, q);
  reasons.push(
    s === 0
      ? `s = 0 already gives ${measure} ${fmt(at(0))} ≥ ${target.value} (not below 0: orders are placed before a backorder, not after)`
      : `smallest whole s with ${measure} ≥ ${target.value}: ${s} gives ${fmt(at(s))}, ${s - 1} gives ${fmt(at(s - 1))}`,
  );
  return s;
}

/** The reorder point and order-up-to level meeting a target, with the service they achieve and why. */
export function stockingLevels(input: StockingInput): StockingLevels {
  checkInput(input);
  const { demand, target, orderQuantity: q } = input;
  const m = serviceMeasures(demand);
  const reasons = [
    `target ${targetLabel(target)} over ${demand.kind === 'none' ? 'no' : demand.kind} lead-time demand (mean ${fmt(demand.mean)}, variance ${fmt(demand.variance)}), order quantity ${fmt(q)}`,
  ];
  if (m.approximation) reasons.push(m.approximation);
  let s: number;
  if (m.discrete) {
    s = discreteLevel(m, demand, target, q, reasons);
  } else {
    s = continuousLevel(demand, target, q, reasons);
    if (s < 0) {
      reasons.push(`s ${fmt(s)} is below 0: raised to 0 (orders are placed before a backorder, not after)`);
      s = 0;
    }
  }
  const units = m.discrete ? s : Math.ceil(s);
  if (!m.discrete)
    reasons.push(`s ${fmt(s)} rounded up to ${units} whole units (rounding up never lowers the service)`);
  const csl = m.cycleServiceLevel(s);
  const fill = m.fillRate(s, q);
  reasons.push(
    `reorder point ${fmt(s)}, order-up-to ${fmt(s + q)} (s + Q), safety stock ${fmt(s - demand.mean)}; achieved cycle service level ${fmt(csl)}, fill rate ${fmt(fill)}`,
  );
  return {
    distribution: m.kind,
    target,
    orderQuantity: q,
    reorderPoint: s,
    reorderPointUnits: units,
    orderUpTo: s + q,
    safetyStock: s - demand.mean,
    cycleServiceLevel: csl,
    fillRate: fill,
    expectedShortage: m.expectedShortage(s),
    reasons,
  };
}
