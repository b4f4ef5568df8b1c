// Forecast and plan run (issue 6): every one of the 5,000 RAF series (../shared/data/RAF.csv,
// read with the planning module's own reader) forecast with every method at its defaults,
// plus the method its demand class chooses, and planned: lead-time demand from the series'
// history (lead time BENCH_LEAD_TIME periods, continuous review), the criticality-C target
// of the default SLA policy, and stockingLevels' reorder point and order-up-to level, the
// order quantity being a lead time's demand at the chosen forecast (at least 1 unit).
// Beside it, in the same run, a plain loop over the same arrays: a hand-written SES and a
// mean and variance per series, the machine's ceiling for touching the data.
// Each round is timed whole; round 1 (cold: the JIT still warming) is the one held against
// the target, the later rounds show the warm figure. A second timer per step says where the
// time goes. Target (issue): all RAF series forecast with every method and planned in < 5 s.
// Benchmarks print figures; nothing asserts times.
//
// Run: npm run build && node bench/forecast.bench.mjs
// Env: BENCH_ROUNDS (3), BENCH_LEAD_TIME (3), BENCH_HORIZON (12), BENCH_DATA (../shared/data)
import { join } from 'node:path';
import {
  DEFAULT_SLA_POLICY,
  FORECAST_METHODS,
  checkSeries,
  chooseMethodByClass,
  forecastSeries,
  leadTimeDemandFromHistory,
  loadDataset,
  resolveServiceTarget,
  stockingLevels,
} from '../dist/modules/planning/index.js';
import { ROOT, envNumber, fmt, machine, printTable, writeResults } from './lib.mjs';

const ROUNDS = envNumber('BENCH_ROUNDS', 3);
const LEAD_TIME = envNumber('BENCH_LEAD_TIME', 3);
const HORIZON = envNumber('BENCH_HORIZON', 12);
const DATA = process.env.BENCH_DATA ?? join(ROOT, '..', 'shared', 'data');
const TARGET_SECONDS = 5;
const TARGET = 'all RAF series forecast with every method and planned in under 5 seconds';
const STEPS = [...FORECAST_METHODS, 'auto (by class)', 'plan (stocking levels)'];

// --- the data ----------------------------------------------------------------------------------

function readSeries() {
  const t0 = performance.now();
  const dataset = loadDataset('raf', DATA);
  // Missing months read as 0, as the evaluation reads them.
  let missing = 0;
  const series = dataset.series.map((s) =>
    Float64Array.from(s.values, (v) => {
      if (v === null) missing += 1;
      return v ?? 0;
    }),
  );
  return { series, missing, seconds: (performance.now() - t0) / 1000 };
}

// --- the forecast-and-plan run ------------------------------------------------------------------

const target = resolveServiceTarget({ criticality: 'C' }, DEFAULT_SLA_POLICY).target;
const SPECS = FORECAST_METHODS.map((method) => ({ method }));

/**
 * One pass over every series: each method, the class's choice, the plan. `stepSeconds`, when
 * given, gets the time of each step added (the clock reads cost ~1 % of the pass).
 */
function forecastAndPlan(series, stepSeconds) {
  const t0 = performance.now();
  let checksum = 0;
  const distributions = {};
  const classes = {};
  for (const values of series) {
    checkSeries(values);
    let t = stepSeconds ? performance.now() : 0;
    const lap = (i) => {
      const now = performance.now();
      stepSeconds[i] += (now - t) / 1000;
      t = now;
    };
    for (let i = 0; i < SPECS.length; i++) {
      checksum += forecastSeries(values, SPECS[i], HORIZON, { checked: true }).level;
      if (stepSeconds) lap(i);
    }
    const choice = chooseMethodByClass(values);
    const chosen = forecastSeries(values, choice.spec, HORIZON, { checked: true });
    checksum += chosen.level;
    classes[choice.classification.class] = (classes[choice.classification.class] ?? 0) + 1;
    if (stepSeconds) lap(SPECS.length);
    const demand = leadTimeDemandFromHistory(values, { leadTime: LEAD_TIME });
    const orderQuantity = Math.max(1, Math.ceil(chosen.level * LEAD_TIME));
    const levels = stockingLevels({ demand, target, orderQuantity });
    checksum += levels.reorderPoint;
    distributions[levels.distribution] = (distributions[levels.distribution] ?? 0) + 1;
    if (stepSeconds) lap(SPECS.length + 1);
  }
  return { seconds: (performance.now() - t0) / 1000, checksum, classes, distributions };
}

// --- the plain loop ------------------------------------------------------------------------------

/** SES (α 0.1, level started at the first value) and mean and sample variance, by hand. */
function plainLoop(series) {
  const t0 = performance.now();
  let checksum = 0;
  for (const x of series) {
    let level = x[0];
    let sum = 0;
    for (let i = 0; i < x.length; i++) {
      level = 0.1 * x[i] + 0.9 * level;
      sum += x[i];
    }
    const mean = sum / x.length;
    let ss = 0;
    for (let i = 0; i < x.length; i++) ss += (x[i] - mean) * (x[i] - mean);
    checksum += level + mean + (x.length > 1 ? ss / (x.length - 1) : 0);
  }
  return { seconds: (performance.now() - t0) / 1000, checksum };
}

// --- run ---------------------------------------------------------------------------------------

function main() {
  const info = machine();
  console.log(
    `forecast bench: RAF, ${SPECS.length} methods + auto + plan (lead time ${LEAD_TIME}, ${target.kind} ${target.value}), ` +
      `horizon ${HORIZON}, ${ROUNDS} rounds; ${info.cpus} × ${info.cpuModel}, node ${info.node}`,
  );
  const data = readSeries();
  const n = data.series.length;
  const periods = data.series[0]?.length ?? 0;
  console.log(
    `read ${fmt(n)} series × ${periods} periods with loadDataset in ${fmt(data.seconds, 2)} s` +
      `${data.missing ? ` (${fmt(data.missing)} missing values read as 0)` : ''}`,
  );

  const rounds = [];
  for (let r = 1; r <= ROUNDS; r++) {
    const full = forecastAndPlan(data.series);
    const plain = plainLoop(data.series);
    rounds.push({ round: r, full, plain });
  }
  const steps = new Array(STEPS.length).fill(0);
  const timed = forecastAndPlan(data.series, steps);

  const rows = [];
  for (const { round, full, plain } of rounds) {
    const label = round === 1 ? '1 (cold)' : String(round);
    rows.push([
      label,
      'forecast and plan',
      fmt(full.seconds, 3),
      fmt(n / full.seconds),
      fmt(full.seconds / plain.seconds, 0),
    ]);
    rows.push([label, 'plain loop', fmt(plain.seconds, 4), fmt(n / plain.seconds), '1']);
  }
  console.log('');
  printTable(
    [
      { title: 'round' },
      { title: 'run' },
      { title: 'seconds', align: 'right' },
      { title: 'series/s', align: 'right' },
      { title: '× plain loop', align: 'right' },
    ],
    rows,
  );

  console.log('\nwhere a warm pass spends its time (each step timed separately):');
  const total = steps.reduce((a, b) => a + b, 0);
  printTable(
    [{ title: 'step' }, { title: 'seconds', align: 'right' }, { title: 'share', align: 'right' }],
    STEPS.map((name, i) => [name, fmt(steps[i], 3), `${fmt((100 * steps[i]) / total, 1)} %`]),
  );

  const cold = rounds[0].full;
  const warm = Math.min(...rounds.map((r) => r.full.seconds));
  const classes = Object.entries(cold.classes)
    .map(([k, v]) => `${k} ${fmt(v)}`)
    .join(', ');
  const distributions = Object.entries(cold.distributions)
    .map(([k, v]) => `${k} ${fmt(v)}`)
    .join(', ');
  console.log(`\nclasses: ${classes}; lead-time demand: ${distributions}`);
  const met = cold.seconds < TARGET_SECONDS;
  console.log(
    `target: ${TARGET}: ${met ? 'met' : 'NOT met'} — ${fmt(cold.seconds, 2)} s cold, ${fmt(warm, 2)} s warm ` +
      `(${fmt(n / cold.seconds)} and ${fmt(n / warm)} series/s); the plain loop ${fmt(n / rounds[0].plain.seconds)} series/s`,
  );

  const results = {
    bench: 'forecast',
    machine: info,
    config: { ROUNDS, LEAD_TIME, HORIZON, target, methods: FORECAST_METHODS },
    series: n,
    periods,
    readSeconds: data.seconds,
    rounds: rounds.map(({ round, full, plain }) => ({
      round,
      seconds: full.seconds,
      seriesPerSecond: n / full.seconds,
      plainSeconds: plain.seconds,
      plainSeriesPerSecond: n / plain.seconds,
      ratio: full.seconds / plain.seconds,
      checksum: full.checksum,
    })),
    steps: Object.fromEntries(STEPS.map((name, i) => [name, steps[i]])),
    stepChecksum: timed.checksum,
    classes: cold.classes,
    distributions: cold.distributions,
    target: { text: TARGET, seconds: TARGET_SECONDS, coldSeconds: cold.seconds, met },
  };
  console.log(`\nfigures: ${writeResults('forecast', results)}`);
}

main();
