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
  type PmfTable,
} from './distributions.js';
import type { LeadTimeDemand } from './lead-time-demand.js';

export interface ServiceMeasures {
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
  if (demand.kind === 'normal') {
    const mu = demand.mean;
    const sigma = Math.sqrt(demand.variance);
    if (sigma === 0) {
      // No spread: demand is exactly the mean.
      return {
        discrete: false,
        cycleServiceLevel: (s) => (s >= mu ? 1 : 0),
        expectedShortage: (s) => Math.max(0, mu - s),
        fillRate: (s, q) => fill(Math.max(0, mu - s), q),
      };
    }
    const shortage = (s: number) => sigma * normalLoss((s - mu) / sigma);
    return {
      discrete: false,
      cycleServiceLevel: (s) => normalCdf((s - mu) / sigma),
      expectedShortage: shortage,
      fillRate: (s, q) => fill(shortage(s), q),
    };
  }
  let table: PmfTable;
  if (demand.kind === 'none') table = poissonTable(0);
  else if (demand.kind === 'poisson') table = poissonTable(demand.mean);
  else table = negativeBinomialTable(demand.mean, demand.variance);
  return {
    discrete: true,
    cycleServiceLevel: (s) => tableCdf(table, wholeUnits(s)),
    expectedShortage: (s) => tableLoss(table, wholeUnits(s)),
    fillRate: (s, q) => fill(tableLoss(table, wholeUnits(s)), q),
  };
}
