/**
 * A backtest per series (M6.1): forecast the last periods of the history from the periods
 * before them with each candidate method, and let the one with the least squared error
 * override the classification's choice. Pure; every score is in the reasons.
 * See docs/decisions/0013-forecast-methods.md.
 */
import { AppError } from '../../../platform/errors.js';
import { chooseMethodByClass, type MethodChoice } from './classification.js';
import { checkSeries, forecastSeries, METHOD_DEFAULTS, methodLabel, type MethodSpec } from './methods.js';

/** Candidates tried by default: every method but the zero forecast (which a backtest on a quiet holdout would crown). */
export const BACKTEST_CANDIDATES: readonly MethodSpec[] = [
  { method: 'ses', alpha: 0.1 },
  { method: 'ses-optimized' },
  { method: 'croston' },
  { method: 'sba' },
  { method: 'croston-optimized' },
  { method: 'tsb' },
  { method: 'adida' },
  { method: 'imapa' },
  { method: 'moving-average' },
];

/**
 * How much lower (relatively) a candidate's squared error must be to override the class's
 * method: one holdout of a sparse series is noisy, and a smaller margin (0, 0.1) overrode
 * more and scored worse on car parts (docs/planning.md).
 */
export const OVERRIDE_MARGIN = 0.25;

export interface BacktestScore {
  label: string;
  spec: MethodSpec;
  /** Mean squared error over the holdout; null when the method cannot run on the training part. */
  mse: number | null;
  mae: number | null;
  forecast: number | null;
}

export interface BacktestResult {
  holdout: number;
  /** Candidates by ascending MSE, those that could not run last. */
  scores: BacktestScore[];
  best: BacktestScore | null;
  /** False when the holdout carries no demand: every forecast then scores only by its size. */
  informative: boolean;
  reasons: string[];
}

const fmt = (v: number) => String(Number(v.toPrecision(4)));

/** Default holdout: a year of months, but never more than a third of the history. */
export function defaultHoldout(periods: number): number {
  return Math.max(1, Math.min(12, Math.floor(periods / 3)));
}

/** Scores each candidate on the last `holdout` periods, forecast from the periods before. */
export function backtestSeries(
  values: ArrayLike<number>,
  options: { holdout?: number; candidates?: readonly MethodSpec[] } = {},
): BacktestResult {
  checkSeries(values);
  const holdout = options.holdout ?? defaultHoldout(values.length);
  if (!Number.isInteger(holdout) || holdout < 1 || holdout >= values.length)
    throw new AppError(
      'VALIDATION_FAILED',
      `a backtest holdout must leave at least one period to train on: ${holdout} of ${values.length}`,
      { holdout, periods: values.length },
    );
  const train = Array.prototype.slice.call(values, 0, values.length - holdout) as number[];
  const test = Array.prototype.slice.call(values, values.length - holdout) as number[];
  const scores: BacktestScore[] = (options.candidates ?? BACKTEST_CANDIDATES).map((spec) => {
    const label = methodLabel(spec);
    if (spec.method === 'moving-average' && (spec.window ?? METHOD_DEFAULTS.window) > train.length)
      return { label, spec, mse: null, mae: null, forecast: null };
    const f = forecastSeries(train, spec, holdout, { checked: true }).level;
    let se = 0;
    let ae = 0;
    for (const actual of test) {
      se += (actual - f) * (actual - f);
      ae += Math.abs(actual - f);
    }
    return { label, spec, mse: se / holdout, mae: ae / holdout, forecast: f };
  });
  // Stable sort: equal errors keep the candidates' order.
  scores.sort((a, b) => (a.mse ?? Infinity) - (b.mse ?? Infinity));
  const best = scores[0]?.mse != null ? scores[0] : null;
  const informative = test.some((v) => v > 0);
  const reasons = [
    `backtest on the last ${holdout} of ${values.length} periods (${informative ? 'with' : 'without'} demand), trained on the ${train.length} before`,
    ...scores.map((s) =>
      s.mse === null
        ? `${s.label}: not run (needs more than ${train.length} periods)`
        : `${s.label}: forecast ${fmt(s.forecast!)}, mean squared error ${fmt(s.mse)}`,
    ),
  ];
  return { holdout, scores, best, informative, reasons };
}

export interface BacktestedChoice extends MethodChoice {
  byClass: MethodSpec;
  overridden: boolean;
  backtest: BacktestResult | null;
}

/**
 * The classification's method, overridden by the backtest's best when that one's squared
 * error is lower by more than `margin` (default OVERRIDE_MARGIN). No override when the
 * history is too short to hold periods out, when the holdout has no demand, or when the
 * series has none at all.
 */
export function chooseMethod(
  values: ArrayLike<number>,
  options: { backtest?: boolean; holdout?: number; candidates?: readonly MethodSpec[]; margin?: number } = {},
): BacktestedChoice {
  const byClass = chooseMethodByClass(values);
  const keep = (why: string[], backtest: BacktestResult | null = null): BacktestedChoice => ({
    ...byClass,
    reasons: [...byClass.reasons, ...why],
    byClass: byClass.spec,
    overridden: false,
    backtest,
  });
  if (options.backtest === false) return keep([]);
  if (byClass.classification.class === 'no-demand') return keep(['no backtest: no demand to score against']);
  const holdout = options.holdout ?? defaultHoldout(values.length);
  if (values.length - holdout < 2)
    return keep([`no backtest: ${values.length} periods are too few to hold ${holdout} out`]);
  const chosenLabel = methodLabel(byClass.spec);
  const candidates = [...(options.candidates ?? BACKTEST_CANDIDATES)];
  // The classification's own method always competes, so an override is a real comparison.
  if (!candidates.some((c) => methodLabel(c) === chosenLabel)) candidates.unshift(byClass.spec);
  const backtest = backtestSeries(values, { holdout, candidates });
  if (!backtest.informative)
    return keep(
      [
        ...backtest.reasons,
        'no override: the holdout has no demand, so the scores only rank forecasts by size',
      ],
      backtest,
    );
  const chosen = backtest.scores.find((s) => s.label === chosenLabel);
  const best = backtest.best;
  const margin = options.margin ?? OVERRIDE_MARGIN;
  if (
    best === null ||
    best.label === chosenLabel ||
    (chosen?.mse != null && best.mse! > chosen.mse * (1 - margin))
  )
    return keep(
      [
        ...backtest.reasons,
        `no override: ${chosenLabel} is not beaten${margin > 0 ? ` by more than ${Math.round(margin * 100)} %` : ''}`,
      ],
      backtest,
    );
  return {
    spec: best.spec,
    classification: byClass.classification,
    byClass: byClass.spec,
    overridden: true,
    backtest,
    reasons: [
      ...byClass.reasons,
      ...backtest.reasons,
      `override: ${best.label} (mean squared error ${fmt(best.mse!)}) beats ${chosenLabel}${chosen?.mse != null ? ` (${fmt(chosen.mse)})` : ''} on the holdout`,
    ],
  };
}
