/**
 * Service measures of a stock level s against lead-time demand D (M6.3): cycle service level
 * P(D ≤ s) and fill rate 1 − E[(D − s)⁺]/Q, the expected fraction of a replenishment cycle's
 * demand Q met from stock. Normal: the loss function σ·G((s − μ)/σ); Poisson and negative
 * binomial: the shortage summed exactly over the pmf. See docs/decisions/0018-safety-stock.md.
 */
import { AppError } from '../../../platform/errors.js';
import {
  negativeBinomialTable,
  normalCdf,
  normalLoss,
  poissonTable,
  tableCdf,
  tableLoss,
  TableTooLargeError,
  MAX_TABLE,
  type PmfTable,
} from './distributions.js';
import type { DistributionKind, LeadTimeDemand } from './lead-time-demand.js';

export interface ServiceMeasures {
  /** The distribution the measures come from: the demand's, or normal where its table would be too large. */
  kind: DistributionKind;
  /** Why the measures do not come from the demand's own distribution; null when they do. */
  approximation: string | null;
  /** Whether stock levels are whole units (Poisson, negative binomial, no demand). */
  discrete: boolean;
  /** P(D ≤ s): the probability that a replenishment cycle has no stock-out. */
  cycleServiceLevel(s: number): number;
  /** E[(D − s)⁺]: units short per replenishment cycle. */
  expectedShortage(s: number): number;
  /** max(0, 1 − E[(D − s)⁺]/Q): the fraction of the cycle's demand Q met from stock. */
  fillRate(s: number, orderQuantity: number): number;
}

function wholeUnits(s: number): number {
  if (!Number.isInteger(s))
    throw new AppError('VALIDATION_FAILED', `a whole-unit distribution needs a whole stock level, not ${s}`, {
      level: s,
    });
  return s;
}

/** The service measures of a lead-time demand, its pmf table built once for every level asked about. */
export function serviceMeasures(demand: LeadTimeDemand): ServiceMeasures {
  const fill = (shortage: number, q: number) => {
    if (!Number.isFinite(q) || q <= 0)
      throw new AppError('VALIDATION_FAILED', `the order quantity must be above 0, not ${q}`, {
        orderQuantity: q,
      });
    // The backorder formula goes below 0 when a cycle's shortage exceeds its demand; no fill is 0.
    return Math.max(0, 1 - shortage / q);
  };
  if (demand.kind === 'normal') return normalMeasures(demand, fill, null);
  let table: PmfTable;
  try {
    if (demand.kind === 'none') table = poissonTable(0);
    else if (demand.kind === 'poisson') table = poissonTable(demand.mean);
    else table = negativeBinomialTable(demand.mean, demand.variance);
  } catch (error) {
    if (!(error instanceof TableTooLargeError)) throw error;
    return normalMeasures(
      demand,
      fill,
      `a whole-unit ${demand.kind} table would need more than ${MAX_TABLE.toLocaleString('en-US')} entries at this spread: the normal approximation with the same mean and variance`,
    );
  }
  return {
    kind: demand.kind,
    approximation: null,
    discrete: true,
    cycleServiceLevel: (s) => tableCdf(table, wholeUnits(s)),
    expectedShortage: (s) => tableLoss(table, wholeUnits(s)),
    fillRate: (s, q) => fill(tableLoss(table, wholeUnits(s)), q),
  };
}

/** Normal measures of the demand's mean and variance (its own, or standing in for a table too large). */
function normalMeasures(
  demand: LeadTimeDemand,
  fill: (shortage: number, q: number) => number,
  approximation: string | null,
): ServiceMeasures {
  const mu = demand.mean;
  const sigma = Math.sqrt(demand.variance);
  const common = { kind: 'normal' as const, approximation, discrete: false };
  if (sigma === 0) {
    // No spread: demand is exactly the mean.
    return {
      ...common,
      cycleServiceLevel: (s) => (s >= mu ? 1 : 0),
      expectedShortage: (s) => Math.max(0, mu - s),
      fillRate: (s, q) => fill(Math.max(0, mu - s), q),
    };
  }
  const shortage = (s: number) => sigma * normalLoss((s - mu) / sigma);
  return {
    ...common,
    cycleServiceLevel: (s) => normalCdf((s - mu) / sigma),
    expectedShortage: shortage,
    fillRate: (s, q) => fill(shortage(s), q),
  };
}
