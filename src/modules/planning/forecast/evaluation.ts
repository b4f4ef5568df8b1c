/**
 * Holdout evaluation of the forecast methods on demand histories (issue 6, "Evaluation"):
 * one forecast origin, the last periods held out, mean and median MASE and RMSSE per method.
 * For the car parts set the protocol is the Monash archive's, so the figures stand beside
 * its published table (../shared/data/SOURCES.md). Pure: the caller reads the files.
 */
import { AppError } from '../../../platform/errors.js';
import { chooseMethod } from './backtest.js';
import { chooseMethodByClass, type DemandClass } from './classification.js';
import type { DatasetName, DemandSeries } from './datasets.js';
import { forecastSeries, METHOD_DEFAULTS, methodLabel, type MethodSpec } from './methods.js';
import { mase, rmsse, summarize, type Summary } from './metrics.js';
import { roundHalfEven } from './numeric.js';

export interface EvaluationProtocol {
  dataset: string;
  /** Periods held out at the end of every series; the forecast origin is just before them. */
  holdout: number;
  /** Lag of the seasonal naive forecast that scales MASE. */
  seasonalLag: number;
  /** Forecasts rounded to whole units (halves to even, as R's round) before scoring. */
  roundForecasts: boolean;
  /** Published mean MASE of other implementations under the same protocol, by their name. */
  published: Record<string, number>;
  /** Which of our methods a published figure is set beside. */
  publishedBeside: Record<string, string>;
  source: string;
}

/** Monash archive, car parts (Godahewa et al. 2021): 12 months out, seasonal naive scale, integers. */
export const PROTOCOLS: Record<DatasetName, EvaluationProtocol> = {
  carparts: {
    dataset: 'carparts',
    holdout: 12,
    seasonalLag: 12,
    roundForecasts: true,
    published: { SES: 0.897, Theta: 0.914, ETS: 0.925, ARIMA: 0.926 },
    publishedBeside: { 'ses-optimized': 'SES' },
    source: 'Monash forecasting archive (missing months as 0, last 12 held out, forecasts rounded)',
  },
  raf: {
    dataset: 'raf',
    holdout: 12,
    seasonalLag: 12,
    roundForecasts: false,
    published: {},
    publishedBeside: {},
    source: 'RAF spare parts, 84 months: last 12 held out',
  },
  auto: {
    dataset: 'auto',
    holdout: 6,
    seasonalLag: 12,
    roundForecasts: false,
    published: {},
    publishedBeside: {},
    source: 'Auto spare parts, 24 months: last 6 held out (12 would leave no year to scale by)',
  },
};

/** A method under evaluation: a fixed method, or the automatic choice (by class, or with the backtest). */
export type EvaluatedMethod =
  | { key: string; kind: 'method'; spec: MethodSpec }
  | { key: 'auto'; kind: 'auto' }
  | { key: 'auto+backtest'; kind: 'auto+backtest' };

const fixed = (spec: MethodSpec): EvaluatedMethod => ({ key: methodLabel(spec), kind: 'method', spec });

export const DEFAULT_EVALUATED: readonly EvaluatedMethod[] = [
  fixed({ method: 'zero' }),
  fixed({ method: 'moving-average', window: METHOD_DEFAULTS.window }),
  fixed({ method: 'ses', alpha: 0.1 }),
  fixed({ method: 'ses-optimized' }),
  fixed({ method: 'croston' }),
  fixed({ method: 'sba' }),
  fixed({ method: 'croston-optimized' }),
  fixed({ method: 'tsb', alphaD: 0.1, alphaP: 0.1 }),
  fixed({ method: 'adida' }),
  fixed({ method: 'imapa' }),
  { key: 'auto', kind: 'auto' },
  { key: 'auto+backtest', kind: 'auto+backtest' },
];

export interface MethodScores {
  key: string;
  mase: Summary;
  rmsse: Summary;
  /** Series the method could not forecast (a moving average longer than the training part). */
  notRun: number;
  published?: { name: string; mase: number } | undefined;
}

export interface KeptSeries {
  name: string;
  demandClass: DemandClass;
  train: number[];
  test: number[];
  forecasts: Record<string, number[]>;
}

export interface EvaluationReport {
  protocol: EvaluationProtocol;
  series: number;
  /** Series that had at least one missing period (set to 0). */
  withMissing: number;
  methods: MethodScores[];
  classes: Record<DemandClass, number>;
  /** How often the backtest overrode the class's method, of the series it ran on. */
  overrides: number;
  kept: KeptSeries[];
  millis: number;
}

export interface EvaluationOptions {
  methods?: readonly EvaluatedMethod[];
  /** Series whose forecasts are kept for a plot: the first of each demand class, this many classes. */
  keepPerClass?: number;
  onProgress?: (done: number, total: number) => void;
  /** Clock for the report's duration; injected so tests stay deterministic. */
  now?: () => number;
}

/** Evaluate every method on every series under `protocol`. */
export function evaluateDataset(
  series: readonly DemandSeries[],
  protocol: EvaluationProtocol,
  options: EvaluationOptions = {},
): EvaluationReport {
  const now = options.now ?? (() => performance.now());
  const started = now();
  const methods = options.methods ?? DEFAULT_EVALUATED;
  const h = protocol.holdout;
  if (!Number.isInteger(h) || h < 1)
    throw new AppError('VALIDATION_FAILED', `the holdout must be a whole number of periods, at least 1`, {
      holdout: h,
    });
  const scores = methods.map(() => ({ mase: [] as number[], rmsse: [] as number[], notRun: 0 }));
  const classes: Record<DemandClass, number> = {
    'no-demand': 0,
    smooth: 0,
    erratic: 0,
    intermittent: 0,
    lumpy: 0,
  };
  const keptClasses = new Set<DemandClass>();
  const kept: KeptSeries[] = [];
  let overrides = 0;
  let withMissing = 0;

  series.forEach((s, index) => {
    if (s.values.length <= h)
      throw new AppError(
        'VALIDATION_FAILED',
        `${s.name} has ${s.values.length} periods: nothing left to train on after holding out ${h}`,
        { series: s.name, periods: s.values.length, holdout: h },
      );
    if (s.values.some((v) => v === null)) withMissing++;
    const values = s.values.map((v) => v ?? 0);
    const train = values.slice(0, values.length - h);
    const test = values.slice(values.length - h);
    const byClass = chooseMethodByClass(train);
    classes[byClass.classification.class]++;
    const keep =
      options.keepPerClass !== undefined &&
      byClass.classification.class !== 'no-demand' &&
      !keptClasses.has(byClass.classification.class) &&
      keptClasses.size < options.keepPerClass;
    const keptForecasts: Record<string, number[]> = {};

    methods.forEach((m, i) => {
      let spec: MethodSpec;
      if (m.kind === 'method') spec = m.spec;
      else if (m.kind === 'auto') spec = byClass.spec;
      else {
        const choice = chooseMethod(train, { backtest: true });
        if (choice.overridden) overrides++;
        spec = choice.spec;
      }
      if (spec.method === 'moving-average' && (spec.window ?? METHOD_DEFAULTS.window) > train.length) {
        scores[i]!.notRun++;
        return;
      }
      const level = forecastSeries(train, spec, h, { checked: true }).level;
      const f = new Array<number>(h).fill(protocol.roundForecasts ? roundHalfEven(level) : level);
      scores[i]!.mase.push(mase(train, test, f, protocol.seasonalLag));
      scores[i]!.rmsse.push(rmsse(train, test, f));
      if (keep) keptForecasts[m.key] = f;
    });
    if (keep) {
      keptClasses.add(byClass.classification.class);
      kept.push({
        name: s.name,
        demandClass: byClass.classification.class,
        train,
        test,
        forecasts: keptForecasts,
      });
    }
    options.onProgress?.(index + 1, series.length);
  });

  const published = Object.fromEntries(
    Object.entries(protocol.publishedBeside).map(([key, name]) => [
      key,
      { name, mase: protocol.published[name]! },
    ]),
  );
  return {
    protocol,
    series: series.length,
    withMissing,
    methods: methods.map((m, i) => ({
      key: m.key,
      mase: summarize(scores[i]!.mase),
      rmsse: summarize(scores[i]!.rmsse),
      notRun: scores[i]!.notRun,
      published: published[m.key],
    })),
    classes,
    overrides,
    kept,
    millis: now() - started,
  };
}

/** The protocol in words, for the report's header. */
export function describeProtocol(p: EvaluationProtocol): string[] {
  return [
    `${p.dataset}: ${p.source}.`,
    `One forecast origin; the last ${p.holdout} periods held out; missing periods read as 0; forecasts ${
      p.roundForecasts ? 'rounded to integers (halves to even, as R does)' : 'not rounded'
    }.`,
    `MASE: holdout mean absolute error / in-sample mean absolute error of the seasonal naive forecast (lag ${p.seasonalLag}; lag 1 when the training part is shorter); RMSSE: √(holdout MSE / in-sample one-step naive MSE).`,
    'Mean and median over the series; series whose score is infinite or undefined (a flat training part) are dropped, per method, as the Monash code does.',
  ];
}
