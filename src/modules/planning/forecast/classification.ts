/**
 * Demand classification (Syntetos, Boylan & Croston 2005) and the method it chooses (M6.1).
 * Pure; the reasons say which figures put the series in its class and why that class gets
 * its method. See docs/decisions/0013-forecast-methods.md.
 */
import { checkSeries, demandIntervals, demandSizes, type MethodSpec } from './methods.js';
import { npMean } from './numeric.js';

export const DEMAND_CLASSES = ['no-demand', 'smooth', 'erratic', 'intermittent', 'lumpy'] as const;
export type DemandClass = (typeof DEMAND_CLASSES)[number];

/** The published cut-offs: mean inter-demand interval 1.32 periods, squared CV of sizes 0.49. */
export const SBC_CUTS = { adi: 1.32, cv2: 0.49 } as const;

export interface DemandClassification {
  class: DemandClass;
  periods: number;
  demands: number;
  /** Mean inter-demand interval (first interval counted from the start); null without demand. */
  adi: number | null;
  /** Squared coefficient of variation of the demand sizes (sample variance); null below two demands. */
  cv2: number | null;
  reasons: string[];
}

/**
 * The method each class gets. Chosen from the per-class holdout figures on the three public
 * sets (docs/planning.md), not from Syntetos, Boylan & Croston's SBA-for-all rule, which
 * scored worst of the Croston-free methods there. Why: docs/decisions/0013-forecast-methods.md.
 */
export const METHOD_BY_CLASS: Record<DemandClass, MethodSpec> = {
  'no-demand': { method: 'zero' },
  smooth: { method: 'ses', alpha: 0.1 },
  erratic: { method: 'ses', alpha: 0.1 },
  intermittent: { method: 'imapa' },
  lumpy: { method: 'imapa' },
};

const WHY_METHOD: Record<DemandClass, string> = {
  'no-demand': 'nothing to smooth: forecast 0',
  smooth:
    'demand nearly every period: exponential smoothing with α 0.1 (an α fitted to a short history chases its noise)',
  erratic:
    'demand nearly every period, sizes vary: exponential smoothing with α 0.1 (splitting sizes from intervals gains nothing when intervals are ~1)',
  intermittent:
    'demand in few periods: IMAPA, smoothing the demand summed over blocks of 1 to the mean interval and averaging, so zeros are smoothed away without a fixed block size',
  lumpy:
    'demand in few periods, sizes vary widely: IMAPA, whose block sums damp the lumps as well as the zeros',
};

const fmt = (v: number) => String(Number(v.toPrecision(4)));

function sampleCv2(sizes: number[]): number | null {
  if (sizes.length < 2) return null;
  const mean = npMean(sizes);
  let ss = 0;
  for (const s of sizes) ss += (s - mean) * (s - mean);
  return ss / (sizes.length - 1) / (mean * mean);
}

/** Where a demand history falls among smooth, erratic, intermittent and lumpy. */
export function classifyDemand(
  values: ArrayLike<number>,
  cuts: { adi: number; cv2: number } = SBC_CUTS,
): DemandClassification {
  checkSeries(values);
  const sizes = demandSizes(values);
  const periods = values.length;
  if (sizes.length === 0) {
    return {
      class: 'no-demand',
      periods,
      demands: 0,
      adi: null,
      cv2: null,
      reasons: [`no demand in ${periods} periods`],
    };
  }
  const adi = npMean(demandIntervals(values));
  const cv2 = sampleCv2(sizes);
  const frequent = adi <= cuts.adi;
  const steady = (cv2 ?? 0) <= cuts.cv2;
  const cls: DemandClass = frequent ? (steady ? 'smooth' : 'erratic') : steady ? 'intermittent' : 'lumpy';
  const reasons = [
    `${sizes.length} demand${sizes.length === 1 ? '' : 's'} in ${periods} periods: mean interval ${fmt(adi)} ${frequent ? '≤' : '>'} ${cuts.adi}`,
    cv2 === null
      ? `one demand: size variability unknown, taken as steady (CV² 0 ≤ ${cuts.cv2})`
      : `squared CV of sizes ${fmt(cv2)} ${steady ? '≤' : '>'} ${cuts.cv2}`,
    `class ${cls}`,
  ];
  return { class: cls, periods, demands: sizes.length, adi, cv2, reasons };
}

export interface MethodChoice {
  spec: MethodSpec;
  classification: DemandClassification;
  reasons: string[];
}

/** The method for a series by its class, with the classification's reasons and the rule applied. */
export function chooseMethodByClass(values: ArrayLike<number>): MethodChoice {
  const classification = classifyDemand(values);
  const spec = METHOD_BY_CLASS[classification.class];
  return {
    spec,
    classification,
    reasons: [...classification.reasons, `${spec.method}: ${WHY_METHOD[classification.class]}`],
  };
}
