/**
 * Demand over the protection interval (lead time plus review period) and the distribution
 * that models it, chosen by its variance-to-mean ratio (M6.3). Pure; the reasons say which
 * figures led to which distribution. See docs/decisions/0018-safety-stock.md.
 */
import { AppError } from '../../../platform/errors.js';
import { npMean } from '../forecast/numeric.js';

export const DISTRIBUTION_KINDS = ['none', 'normal', 'poisson', 'negative-binomial'] as const;
export type DistributionKind = (typeof DISTRIBUTION_KINDS)[number];

/**
 * Variance-to-mean ratio cuts: above 1.1 negative binomial, 0.9 to 1.1 Poisson, below 0.9
 * normal. Why these and not 1: docs/decisions/0018-safety-stock.md.
 */
export const VMR_CUTS = { poissonBelow: 0.9, negativeBinomialAbove: 1.1 } as const;

export interface LeadTimeDemandInput {
  /** Mean demand per period (≥ 0). */
  mean: number;
  /** Variance of demand per period (≥ 0). */
  variance: number;
  /** Lead time in periods (> 0). */
  leadTime: number;
  /** Variance of the lead time in periods² (default 0: a fixed lead time). */
  leadTimeVariance?: number;
  /** Review period in periods (default 0: continuous review). */
  reviewPeriod?: number;
  /** Force a distribution instead of choosing by the variance-to-mean ratio. */
  distribution?: Exclude<DistributionKind, 'none'>;
}

export interface LeadTimeDemand {
  kind: DistributionKind;
  /** Mean demand over the protection interval. */
  mean: number;
  /** Variance of demand over the protection interval (for Poisson, equal to the mean). */
  variance: number;
  /** Variance-to-mean ratio of the computed demand, before the distribution was fitted; null without demand. */
  vmr: number | null;
  /** Lead time plus review period, in periods. */
  protectionInterval: number;
  /** Negative binomial parameters as scipy's nbinom(n = r, p); absent for other kinds. */
  r?: number;
  p?: number;
  reasons: string[];
}

const fmt = (v: number) => String(Number(v.toPrecision(4)));

function nonNegative(name: string, v: number | undefined, positive = false): void {
  if (v === undefined) return;
  if (!Number.isFinite(v) || v < 0 || (positive && v === 0))
    throw new AppError(
      'VALIDATION_FAILED',
      `${name} must be a finite number${positive ? ' above 0' : ', not negative'}, not ${v}`,
      { [name]: v },
    );
}

/**
 * Demand over lead time L plus review period R from per-period demand (μ, σ²) and lead-time
 * variance σ_L²: mean (L + R)·μ, variance (L + R)·σ² + μ²·σ_L² (a random sum of independent
 * periods); then the distribution by the ratio of that variance to that mean.
 */
export function leadTimeDemand(input: LeadTimeDemandInput): LeadTimeDemand {
  nonNegative('mean', input.mean);
  nonNegative('variance', input.variance);
  nonNegative('leadTime', input.leadTime, true);
  nonNegative('leadTimeVariance', input.leadTimeVariance);
  nonNegative('reviewPeriod', input.reviewPeriod);
  const review = input.reviewPeriod ?? 0;
  const ltVar = input.leadTimeVariance ?? 0;
  const interval = input.leadTime + review;
  const mean = interval * input.mean;
  const variance = interval * input.variance + input.mean * input.mean * ltVar;
  const reasons = [
    review > 0
      ? `protection interval ${fmt(interval)} periods: lead time ${fmt(input.leadTime)} + review period ${fmt(review)}`
      : `protection interval ${fmt(interval)} periods: the lead time (continuous review)`,
    ltVar > 0
      ? `demand over it: mean ${fmt(interval)} × ${fmt(input.mean)} = ${fmt(mean)}, variance ${fmt(interval)} × ${fmt(input.variance)} + ${fmt(input.mean)}² × lead-time variance ${fmt(ltVar)} = ${fmt(variance)}`
      : `demand over it: mean ${fmt(interval)} × ${fmt(input.mean)} = ${fmt(mean)}, variance ${fmt(interval)} × ${fmt(input.variance)} = ${fmt(variance)}`,
  ];
  if (mean === 0) {
    reasons.push('no demand: nothing to protect, every stock level meets any target');
    return { kind: 'none', mean: 0, variance: 0, vmr: null, protectionInterval: interval, reasons };
  }
  const vmr = variance / mean;
  let kind: Exclude<DistributionKind, 'none'>;
  if (input.distribution) {
    kind = input.distribution;
    reasons.push(`variance-to-mean ratio ${fmt(vmr)}; ${kind} as requested`);
  } else if (vmr > VMR_CUTS.negativeBinomialAbove) {
    kind = 'negative-binomial';
    reasons.push(
      `variance-to-mean ratio ${fmt(vmr)} > ${VMR_CUTS.negativeBinomialAbove}: negative binomial, the whole-unit distribution whose variance exceeds its mean (lumpy demand)`,
    );
  } else if (vmr >= VMR_CUTS.poissonBelow) {
    kind = 'poisson';
    reasons.push(
      `variance-to-mean ratio ${fmt(vmr)} within [${VMR_CUTS.poissonBelow}, ${VMR_CUTS.negativeBinomialAbove}]: Poisson, whole units arriving independently (variance taken equal to the mean)`,
    );
  } else {
    kind = 'normal';
    reasons.push(
      `variance-to-mean ratio ${fmt(vmr)} < ${VMR_CUTS.poissonBelow}: normal, the only one of the three whose variance can sit below its mean (steady demand)`,
    );
  }
  if (kind === 'poisson') return { kind, mean, variance: mean, vmr, protectionInterval: interval, reasons };
  if (kind === 'negative-binomial') {
    if (!(vmr > 1))
      throw new AppError(
        'VALIDATION_FAILED',
        `a negative binomial needs a variance above the mean; the ratio is ${fmt(vmr)}`,
        { vmr },
      );
    const r = (mean * mean) / (variance - mean);
    const p = mean / variance;
    reasons.push(`negative binomial r ${fmt(r)}, p ${fmt(p)}`);
    return { kind, mean, variance, vmr, protectionInterval: interval, r, p, reasons };
  }
  return { kind, mean, variance, vmr, protectionInterval: interval, reasons };
}

export interface DemandMoments {
  mean: number;
  variance: number;
  periods: number;
  reasons: string[];
}

/** Mean and sample variance (n − 1) of a per-period demand history; one period has variance 0. */
export function demandMoments(values: ArrayLike<number>): DemandMoments {
  if (values.length === 0)
    throw new AppError('VALIDATION_FAILED', 'a demand history needs at least one period');
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!Number.isFinite(v) || v < 0)
      throw new AppError(
        'VALIDATION_FAILED',
        `period ${i + 1} holds ${v}: demand must be a finite number, not negative`,
        { period: i + 1, value: v },
      );
  }
  const n = values.length;
  const mean = npMean(values);
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (values[i]! - mean) * (values[i]! - mean);
  const variance = n > 1 ? ss / (n - 1) : 0;
  return {
    mean,
    variance,
    periods: n,
    reasons: [
      `${n} periods of history: mean ${fmt(mean)} per period, sample variance ${fmt(variance)}${n > 1 ? '' : ' (one period: taken as 0)'}`,
    ],
  };
}

/** leadTimeDemand from a demand history instead of its moments; the history's reasons come first. */
export function leadTimeDemandFromHistory(
  values: ArrayLike<number>,
  options: Omit<LeadTimeDemandInput, 'mean' | 'variance'>,
): LeadTimeDemand {
  const m = demandMoments(values);
  const d = leadTimeDemand({ ...options, mean: m.mean, variance: m.variance });
  return { ...d, reasons: [...m.reasons, ...d.reasons] };
}
