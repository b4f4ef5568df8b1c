import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadDataset, type DatasetName, type DemandSeries } from './datasets.js';
import { describeProtocol, evaluateDataset, PROTOCOLS } from './evaluation.js';

interface ReferenceEvaluation {
  dataset: DatasetName;
  series: number;
  holdout: number;
  seasonalLag: number;
  roundForecasts: boolean;
  methods: {
    key: string;
    maseMean: number;
    maseMedian: number;
    maseCount: number;
    rmsseMean: number;
    rmsseMedian: number;
    rmsseCount: number;
  }[];
}

// The protocol computed with numpy on subsets of the real sets (tools/reference/statsforecast_ref.py).
const { evaluations } = JSON.parse(
  readFileSync(new URL('../../../../test/fixtures/forecast/reference.json', import.meta.url), 'utf8'),
) as { evaluations: ReferenceEvaluation[] };
const DATA = fileURLToPath(new URL('../../../../test/fixtures/data', import.meta.url));

// The same subsets the reference script scores.
const SUBSETS: Record<DatasetName, (all: DemandSeries[]) => DemandSeries[]> = {
  carparts: (all) => all.filter((_, i) => i % 9 === 0),
  raf: (all) => all.slice(0, 200),
  auto: (all) => all.slice(0, 300),
};

describe('evaluateDataset reproduces an independent computation of the protocol on the real data sets', () => {
  for (const ref of evaluations) {
    it(`${ref.dataset}: ${ref.series} series, ${ref.holdout} held out, per-method mean and median MASE and RMSSE`, () => {
      const series = SUBSETS[ref.dataset](loadDataset(ref.dataset, DATA).series);
      expect(series).toHaveLength(ref.series);
      const protocol = PROTOCOLS[ref.dataset];
      expect([protocol.holdout, protocol.seasonalLag, protocol.roundForecasts]).toEqual([
        ref.holdout,
        ref.seasonalLag,
        ref.roundForecasts,
      ]);
      const report = evaluateDataset(series, protocol);
      for (const m of ref.methods) {
        const ours = report.methods.find((x) => x.key === m.key)!;
        expect(ours, m.key).toBeDefined();
        expect(ours.mase.count, `${m.key} MASE count`).toBe(m.maseCount);
        expect(ours.mase.mean, `${m.key} MASE mean`).toBeCloseTo(m.maseMean, 12);
        expect(ours.mase.median, `${m.key} MASE median`).toBeCloseTo(m.maseMedian, 12);
        expect(ours.rmsse.count, `${m.key} RMSSE count`).toBe(m.rmsseCount);
        expect(ours.rmsse.mean, `${m.key} RMSSE mean`).toBeCloseTo(m.rmsseMean, 12);
        expect(ours.rmsse.median, `${m.key} RMSSE median`).toBeCloseTo(m.rmsseMedian, 12);
      }
      // The automatic choices are scored too, and every series is classified.
      expect(report.methods.map((m) => m.key)).toEqual(expect.arrayContaining(['auto', 'auto+backtest']));
      expect(Object.values(report.classes).reduce((a, b) => a + b, 0)).toBe(ref.series);
    });
  }
});

describe('the car parts protocol', () => {
  const protocol = PROTOCOLS.carparts;
  const tiny: DemandSeries[] = [
    // training part flat: the seasonal naive scale is 0, so MASE is infinite or undefined
    { name: 'flat', values: [...new Array<number>(24).fill(0), ...new Array<number>(12).fill(0)] },
    { name: 'flat-miss', values: [...new Array<number>(24).fill(1), 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 3] },
    {
      name: 'gaps',
      values: [
        0,
        1,
        0,
        2,
        0,
        0,
        1,
        0,
        3,
        0,
        0,
        1,
        0,
        2,
        0,
        1,
        null,
        null,
        ...new Array<number | null>(18).fill(null),
      ],
    },
  ];

  it('reads missing months as 0, drops infinite and undefined MASE per method, and counts what it dropped', () => {
    const report = evaluateDataset(tiny, protocol, {
      methods: [{ key: 'zero', kind: 'method', spec: { method: 'zero' } }],
    });
    expect(report.withMissing).toBe(1);
    const zero = report.methods[0]!;
    expect(zero.mase.count + zero.mase.dropped).toBe(3);
    expect(zero.mase.dropped).toBe(2);
  });

  it('rounds forecasts half to even before scoring (0.5 → 0, as R’s round; Math.round would say 1)', () => {
    // SES with α 0.5 on [.., 0, 1]: level 0.5 exactly.
    const values = [...new Array<number>(37).fill(0), 0, 1, 1, ...new Array<number>(11).fill(0)];
    const rounded = evaluateDataset([{ name: 'half', values }], protocol, {
      methods: [{ key: 'ses(0.5)', kind: 'method', spec: { method: 'ses', alpha: 0.5 } }],
      keepPerClass: 1,
    });
    expect(rounded.kept[0]!.forecasts['ses(0.5)']).toEqual(new Array<number>(12).fill(0));
    const raw = evaluateDataset(
      [{ name: 'half', values }],
      { ...protocol, roundForecasts: false },
      {
        methods: [{ key: 'ses(0.5)', kind: 'method', spec: { method: 'ses', alpha: 0.5 } }],
        keepPerClass: 1,
      },
    );
    expect(raw.kept[0]!.forecasts['ses(0.5)']![0]).toBe(0.5);
  });

  it('states itself: origin, holdout, rounding, scales, and what is dropped', () => {
    const text = describeProtocol(protocol).join(' ');
    for (const needle of [
      'last 12 periods held out',
      'missing periods read as 0',
      'rounded to integers',
      'lag 12',
      'dropped',
    ])
      expect(text).toContain(needle);
    expect(protocol.published.SES).toBe(0.897);
    expect(protocol.publishedBeside['ses-optimized']).toBe('SES');
  });

  it('refuses a holdout that leaves nothing to train on and reports progress as it goes', () => {
    expect(() => evaluateDataset(tiny, { ...protocol, holdout: 40 })).toThrow(/nothing left to train on/);
    const seen: number[] = [];
    evaluateDataset(tiny.slice(0, 2), protocol, { onProgress: (done) => seen.push(done) });
    expect(seen).toEqual([1, 2]);
  });
});
