/**
 * Point forecasts for spare-parts demand (issue 6, M6.1): simple exponential smoothing
 * (fixed and optimised α), Croston (classic, SBA, optimised), TSB, ADIDA, IMAPA, moving
 * average and the zero forecast, each defined as Nixtla's statsforecast defines it (models.py
 * at commit 030400f7; see tools/reference/statsforecast_ref.py and
 * docs/decisions/0013-forecast-methods.md) and pinned to its values by methods.test.ts.
 *
 * Pure: a series of per-period demands in, a flat forecast with the parameters it settled
 * on and the reasons out. Every method here forecasts the same value for every future period.
 */
import { AppError } from '../../../platform/errors.js';
import { minimizeScalarBounded, npMean, npSum, roundHalfEven } from './numeric.js';

export const FORECAST_METHODS = [
  'zero',
  'moving-average',
  'ses',
  'ses-optimized',
  'croston',
  'sba',
  'croston-optimized',
  'tsb',
  'adida',
  'imapa',
] as const;
export type ForecastMethod = (typeof FORECAST_METHODS)[number];

/** A method with its parameters; the defaults are applied by `resolveMethod`. */
export interface MethodSpec {
  method: ForecastMethod;
  /** SES smoothing parameter (`ses` only), 0..1. Default 0.1. */
  alpha?: number | undefined;
  /** TSB smoothing of demand sizes, 0..1. Default 0.1. */
  alphaD?: number | undefined;
  /** TSB smoothing of the probability of demand, 0..1. Default 0.1. */
  alphaP?: number | undefined;
  /** Moving-average window in periods. Default 12. */
  window?: number | undefined;
}

export const METHOD_DEFAULTS = { alpha: 0.1, alphaD: 0.1, alphaP: 0.1, window: 12 } as const;

/** What one method settled on for one series. */
export interface MethodResult {
  /** The forecast for each future period (all methods here are flat). */
  level: number;
  /** Parameters used or found: alpha, alphaDemand, alphaInterval, aggregationLevel, window... */
  params: Record<string, number>;
  reasons: string[];
}

export interface Forecast extends MethodResult {
  method: ForecastMethod;
  /** A readable name with the parameters, e.g. `tsb(0.1, 0.05)`. */
  label: string;
  horizon: number;
  values: number[];
}

// statsforecast's optimiser bounds: SESOpt searches α in [0.01, 0.99]; Croston optimised,
// ADIDA and IMAPA search [0.1, 0.3] (the range Croston's literature recommends).
const SES_OPTIMIZED_BOUNDS = [0.01, 0.99] as const;
const INTERMITTENT_BOUNDS = [0.1, 0.3] as const;
const CROSTON_ALPHA = 0.1;
const SBA_FACTOR = 0.95;

const fmt = (v: number) => String(Number(v.toPrecision(6)));

/** The demand sizes: the positive values, in order. */
export function demandSizes(values: ArrayLike<number>): number[] {
  const out: number[] = [];
  for (let i = 0; i < values.length; i++) if (values[i]! > 0) out.push(values[i]!);
  return out;
}

/**
 * Inter-demand intervals: the 1-based position of the first demand, then the gaps between
 * consecutive demands (statsforecast `_intervals`: `np.diff(nonzero + 1, prepend=0)`).
 */
export function demandIntervals(values: ArrayLike<number>): number[] {
  const out: number[] = [];
  let previous = 0;
  for (let i = 0; i < values.length; i++) {
    if (values[i] !== 0) {
      out.push(i + 1 - previous);
      previous = i + 1;
    }
  }
  return out;
}

/** SES one-step forecast with the level started at the first value (statsforecast `_ses_forecast`). */
export function sesLevel(x: ArrayLike<number>, alpha: number): number {
  const complement = 1 - alpha;
  let fitted = x[0]!;
  for (let i = 1; i < x.length; i++) fitted = alpha * x[i - 1]! + complement * fitted;
  return alpha * x[x.length - 1]! + complement * fitted;
}

/** Sum of squared one-step errors of SES (statsforecast `_ses_sse`), the optimiser's objective. */
export function sesSse(alpha: number, x: ArrayLike<number>): number {
  const complement = 1 - alpha;
  let forecast = x[0]!;
  let sse = 0.0;
  for (let i = 1; i < x.length; i++) {
    forecast = alpha * x[i - 1]! + complement * forecast;
    const error = x[i]! - forecast;
    sse += error * error;
  }
  return sse;
}

/** SES with α minimising the in-sample SSE within the bounds (statsforecast `_optimized_ses_forecast`). */
export function optimizedSes(
  x: ArrayLike<number>,
  lower: number = INTERMITTENT_BOUNDS[0],
  upper: number = INTERMITTENT_BOUNDS[1],
): { level: number; alpha: number } {
  const { x: alpha } = minimizeScalarBounded((a) => sesSse(a, x), lower, upper);
  return { level: sesLevel(x, alpha), alpha };
}

/**
 * Sums of consecutive blocks of `size` periods, the blocks aligned to the END of the series:
 * the `length % size` oldest periods are dropped, so the latest block is always whole.
 */
export function blockSums(values: ArrayLike<number>, size: number): number[] {
  const start = values.length % size;
  const out: number[] = [];
  for (let i = start; i + size <= values.length; i += size) out.push(npSum(values, i, i + size));
  return out;
}

const allZero = (values: ArrayLike<number>) => {
  for (let i = 0; i < values.length; i++) if (values[i] !== 0) return false;
  return true;
};

export function zeroForecast(): MethodResult {
  return { level: 0, params: {}, reasons: ['0 for every period: the benchmark any method must beat'] };
}

/** Mean of the last `window` periods; statsforecast's WindowAverage. */
export function movingAverage(values: ArrayLike<number>, window: number): MethodResult {
  return {
    level: npMean(values, values.length - window, values.length),
    params: { window },
    reasons: [`mean of the last ${window} periods`],
  };
}

export function ses(values: ArrayLike<number>, alpha: number): MethodResult {
  return {
    level: sesLevel(values, alpha),
    params: { alpha },
    reasons: [`exponential smoothing with α ${fmt(alpha)}, level started at the first period`],
  };
}

export function sesOptimized(values: ArrayLike<number>): MethodResult {
  const { level, alpha } = optimizedSes(values, SES_OPTIMIZED_BOUNDS[0], SES_OPTIMIZED_BOUNDS[1]);
  return {
    level,
    params: { alpha },
    reasons: [
      `exponential smoothing with α ${fmt(alpha)}, chosen in [${SES_OPTIMIZED_BOUNDS.join(', ')}] for the least in-sample squared error`,
    ],
  };
}

function crostonParts(values: ArrayLike<number>, optimise: boolean) {
  const sizes = demandSizes(values);
  if (sizes.length === 0) return null;
  const intervals = demandIntervals(values);
  if (!optimise) {
    return {
      size: sesLevel(sizes, CROSTON_ALPHA),
      interval: sesLevel(intervals, CROSTON_ALPHA),
      alphaDemand: CROSTON_ALPHA,
      alphaInterval: CROSTON_ALPHA,
      demands: sizes.length,
    };
  }
  const s = optimizedSes(sizes);
  const i = optimizedSes(intervals);
  return {
    size: s.level,
    interval: i.level,
    alphaDemand: s.alpha,
    alphaInterval: i.alpha,
    demands: sizes.length,
  };
}

function croston(values: ArrayLike<number>, variant: 'classic' | 'sba' | 'optimized'): MethodResult {
  const parts = crostonParts(values, variant === 'optimized');
  if (parts === null) {
    // statsforecast falls back to the naive forecast (the last value), which is 0 here.
    return {
      level: values[values.length - 1]!,
      params: {},
      reasons: ['no demand in the history: the last value (naive), 0'],
    };
  }
  const ratio = parts.interval !== 0 ? parts.size / parts.interval : parts.size;
  const level = variant === 'sba' ? ratio * SBA_FACTOR : ratio;
  const how =
    variant === 'optimized'
      ? `α ${fmt(parts.alphaDemand)} for sizes and ${fmt(parts.alphaInterval)} for intervals, each chosen in [${INTERMITTENT_BOUNDS.join(', ')}]`
      : `α ${CROSTON_ALPHA}`;
  const reasons = [
    `${parts.demands} demand${parts.demands === 1 ? '' : 's'}: smoothed size ${fmt(parts.size)} every ${fmt(parts.interval)} periods (${how})`,
  ];
  if (variant === 'sba')
    reasons.push(`times ${SBA_FACTOR} (Syntetos–Boylan approximation) against Croston's bias`);
  return {
    level,
    params: { alphaDemand: parts.alphaDemand, alphaInterval: parts.alphaInterval },
    reasons,
  };
}

export const crostonClassic = (values: ArrayLike<number>) => croston(values, 'classic');
export const crostonSba = (values: ArrayLike<number>) => croston(values, 'sba');
export const crostonOptimized = (values: ArrayLike<number>) => croston(values, 'optimized');

/** Teunter–Syntetos–Babai: smoothed demand size times smoothed probability of demand per period. */
export function tsb(values: ArrayLike<number>, alphaD: number, alphaP: number): MethodResult {
  const params = { alphaD, alphaP };
  if (allZero(values)) return { level: 0, params, reasons: ['no demand in the history: 0'] };
  const probability = Array.from(values, (v) => (v !== 0 ? 1 : 0));
  const p = sesLevel(probability, alphaP);
  const size = sesLevel(demandSizes(values), alphaD);
  return {
    level: p * size,
    params,
    reasons: [
      `probability of demand ${fmt(p)} (α ${fmt(alphaP)}, updated every period, so it decays while nothing is demanded) times size ${fmt(size)} (α ${fmt(alphaD)})`,
    ],
  };
}

/** The mean inter-demand interval, rounded as Python rounds (halves to even): ADIDA's block size. */
export function aggregationLevel(values: ArrayLike<number>): number {
  return roundHalfEven(npMean(demandIntervals(values)));
}

/** Aggregate–disaggregate: SES (α optimised) on block sums, divided back over the block. */
export function adida(values: ArrayLike<number>): MethodResult {
  if (allZero(values)) return { level: 0, params: {}, reasons: ['no demand in the history: 0'] };
  const level = aggregationLevel(values);
  const sums = blockSums(values, level);
  const { level: sumForecast, alpha } = optimizedSes(sums);
  return {
    level: sumForecast / level,
    params: { aggregationLevel: level, alpha },
    reasons: [
      `${sums.length} blocks of ${level} periods (the mean interval between demands, rounded), aligned to the end of the series; block sums smoothed with α ${fmt(alpha)} and spread evenly over ${level} periods`,
    ],
  };
}

/** Multiple aggregation: the mean of ADIDA-style forecasts for every block size 1..round(mean interval). */
export function imapa(values: ArrayLike<number>): MethodResult {
  if (allZero(values)) return { level: 0, params: {}, reasons: ['no demand in the history: 0'] };
  const maxLevel = aggregationLevel(values);
  const forecasts = new Array<number>(maxLevel);
  for (let size = 1; size <= maxLevel; size++) {
    forecasts[size - 1] = optimizedSes(blockSums(values, size)).level / size;
  }
  return {
    level: npMean(forecasts),
    params: { maxAggregationLevel: maxLevel },
    reasons: [`mean of ${maxLevel} aggregate–disaggregate forecasts, block sizes 1 to ${maxLevel}`],
  };
}

/** A method's parameters with the defaults filled in, checked. */
export function resolveMethod(spec: MethodSpec): MethodSpec {
  const unit = (name: string, v: number) => {
    if (!Number.isFinite(v) || v < 0 || v > 1)
      throw new AppError('VALIDATION_FAILED', `${name} must be between 0 and 1, not ${v}`, { [name]: v });
    return v;
  };
  switch (spec.method) {
    case 'ses':
      return { method: 'ses', alpha: unit('alpha', spec.alpha ?? METHOD_DEFAULTS.alpha) };
    case 'tsb':
      return {
        method: 'tsb',
        alphaD: unit('alphaD', spec.alphaD ?? METHOD_DEFAULTS.alphaD),
        alphaP: unit('alphaP', spec.alphaP ?? METHOD_DEFAULTS.alphaP),
      };
    case 'moving-average': {
      const window = spec.window ?? METHOD_DEFAULTS.window;
      if (!Number.isInteger(window) || window < 1)
        throw new AppError('VALIDATION_FAILED', `window must be a whole number of periods, at least 1`, {
          window,
        });
      return { method: 'moving-average', window };
    }
    default:
      if (!FORECAST_METHODS.includes(spec.method))
        throw new AppError('VALIDATION_FAILED', `unknown forecast method ${String(spec.method)}`, {
          method: spec.method,
          known: FORECAST_METHODS,
        });
      return { method: spec.method };
  }
}

/** `ses(0.1)`, `tsb(0.1, 0.05)`, `moving-average(12)`, `croston`... */
export function methodLabel(spec: MethodSpec): string {
  const r = resolveMethod(spec);
  if (r.method === 'ses') return `ses(${r.alpha})`;
  if (r.method === 'tsb') return `tsb(${r.alphaD}, ${r.alphaP})`;
  if (r.method === 'moving-average') return `moving-average(${r.window})`;
  return r.method;
}

/** Demand history as the methods accept it: at least one period, every value finite and not negative. */
export function checkSeries(values: ArrayLike<number>): void {
  if (values.length === 0) throw new AppError('VALIDATION_FAILED', 'a forecast needs at least one period');
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!Number.isFinite(v) || v < 0)
      throw new AppError(
        'VALIDATION_FAILED',
        `period ${i + 1} holds ${v}: demand must be a finite number, not negative`,
        { period: i + 1, value: v },
      );
  }
}

/**
 * Forecast `horizon` periods of a demand series with one method. Refuses (VALIDATION_FAILED)
 * an empty series, negative or non-finite values, parameters out of range, and a moving
 * average longer than the series (where statsforecast would answer NaN).
 */
export function forecastSeries(
  values: ArrayLike<number>,
  spec: MethodSpec,
  horizon: number,
  options: { checked?: boolean } = {},
): Forecast {
  const resolved = resolveMethod(spec);
  if (!Number.isInteger(horizon) || horizon < 1)
    throw new AppError('VALIDATION_FAILED', `horizon must be a whole number of periods, at least 1`, {
      horizon,
    });
  if (!options.checked) checkSeries(values);
  const result = runMethod(values, resolved);
  return {
    method: resolved.method,
    label: methodLabel(resolved),
    horizon,
    values: new Array<number>(horizon).fill(result.level),
    ...result,
  };
}

function runMethod(values: ArrayLike<number>, spec: MethodSpec): MethodResult {
  switch (spec.method) {
    case 'zero':
      return zeroForecast();
    case 'moving-average': {
      const window = spec.window!;
      if (window > values.length)
        throw new AppError(
          'VALIDATION_FAILED',
          `a ${window}-period moving average needs at least ${window} periods; the series has ${values.length}`,
          { window, periods: values.length },
        );
      return movingAverage(values, window);
    }
    case 'ses':
      return ses(values, spec.alpha!);
    case 'ses-optimized':
      return sesOptimized(values);
    case 'croston':
      return crostonClassic(values);
    case 'sba':
      return crostonSba(values);
    case 'croston-optimized':
      return crostonOptimized(values);
    case 'tsb':
      return tsb(values, spec.alphaD!, spec.alphaP!);
    case 'adida':
      return adida(values);
    case 'imapa':
      return imapa(values);
  }
}
