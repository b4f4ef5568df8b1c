/**
 * Forecast error measures scaled by naive forecasts of the training part, so series of any
 * size can be averaged: MASE (Hyndman & Koehler 2006, as the Monash archive computes it)
 * and RMSSE (the M5 competition's). Pure.
 */
import { AppError } from '../../../platform/errors.js';

const meanOf = (xs: ArrayLike<number>) => {
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += xs[i]!;
  return s / xs.length;
};

function checkLengths(actual: ArrayLike<number>, forecast: ArrayLike<number>) {
  if (actual.length !== forecast.length || actual.length === 0)
    throw new AppError(
      'VALIDATION_FAILED',
      `actuals (${actual.length}) and forecasts (${forecast.length}) must pair up, at least one`,
    );
}

/** Mean absolute difference between each training value and the one `lag` periods before; NaN when none. */
export function naiveMae(train: ArrayLike<number>, lag: number): number {
  if (train.length <= lag) return NaN;
  let s = 0;
  for (let i = lag; i < train.length; i++) s += Math.abs(train[i]! - train[i - lag]!);
  return s / (train.length - lag);
}

/** Mean squared one-step difference of the training values; NaN with fewer than two. */
export function naiveMse(train: ArrayLike<number>): number {
  if (train.length < 2) return NaN;
  let s = 0;
  for (let i = 1; i < train.length; i++) s += (train[i]! - train[i - 1]!) ** 2;
  return s / (train.length - 1);
}

/**
 * Mean absolute scaled error: the forecast's mean absolute error over the holdout divided by
 * the in-sample mean absolute error of the seasonal naive forecast (lag `seasonalLag`). As in
 * the Monash archive's code, a training part too short for the seasonal lag is scaled by the
 * one-step naive error instead. Infinite when the scale is 0 and the forecast misses; NaN
 * when both are 0. Callers drop non-finite values, as that protocol does.
 */
export function mase(
  train: ArrayLike<number>,
  actual: ArrayLike<number>,
  forecast: ArrayLike<number>,
  seasonalLag = 1,
): number {
  checkLengths(actual, forecast);
  let scale = naiveMae(train, seasonalLag);
  if (Number.isNaN(scale)) scale = naiveMae(train, 1);
  let ae = 0;
  for (let i = 0; i < actual.length; i++) ae += Math.abs(actual[i]! - forecast[i]!);
  return ae / actual.length / scale;
}

/**
 * Root mean squared scaled error (M5): √(holdout MSE / in-sample one-step naive MSE).
 * Squared errors do not reward the zero forecast on intermittent demand the way absolute
 * errors do (the median of a mostly-zero series is 0). Infinite or NaN as for MASE.
 */
export function rmsse(
  train: ArrayLike<number>,
  actual: ArrayLike<number>,
  forecast: ArrayLike<number>,
): number {
  checkLengths(actual, forecast);
  let se = 0;
  for (let i = 0; i < actual.length; i++) se += (actual[i]! - forecast[i]!) ** 2;
  return Math.sqrt(se / actual.length / naiveMse(train));
}

export interface Summary {
  mean: number;
  median: number;
  /** Values summarised (finite ones). */
  count: number;
  /** Values left out because they were infinite or NaN. */
  dropped: number;
}

/** Mean and median of the finite values; the others are counted as dropped. */
export function summarize(values: readonly number[]): Summary {
  const finite = values.filter(Number.isFinite).sort((a, b) => a - b);
  const n = finite.length;
  const median =
    n === 0 ? NaN : n % 2 === 1 ? finite[(n - 1) / 2]! : (finite[n / 2 - 1]! + finite[n / 2]!) / 2;
  return { mean: n === 0 ? NaN : meanOf(finite), median, count: n, dropped: values.length - n };
}
