import { existsSync, writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { z } from 'zod';
import { AppError, isAppError } from '../platform/errors.js';
import { hubApi } from '../simulation/plumbing.js';
import {
  chooseMethodByClass,
  DATASETS,
  describeProtocol,
  evaluateDataset,
  evaluateOptionsSchema,
  forecastSeries,
  loadDataset,
  PROTOCOLS,
  renderForecastSvg,
  type DatasetName,
  type DemandClassification,
  type EvaluationReport,
  type Forecast,
  type ForecastRun,
  type ForecastMethod,
  type MethodSpec,
  type PlotPanel,
} from '../modules/planning/index.js';

// The methods drawn in the plot: more lines than this cannot be told apart.
const PLOTTED = ['ses-optimized', 'sba', 'tsb(0.1, 0.1)', 'imapa', 'auto+backtest'];

/**
 * `sparehub forecast evaluate`: every forecast method on the public spare-parts data sets
 * (../shared/data), last periods held out, mean and median MASE and RMSSE per method with
 * the protocol stated; for car parts the Monash protocol, beside its published figures.
 * `sparehub forecast series`: one series, one method. `sparehub forecast run`: every part ×
 * location with demand in a running hub, through its API.
 */
export function registerForecastCommands(program: Command): void {
  const forecast = program.command('forecast').description('demand forecasting');
  forecast
    .command('evaluate')
    .description('score every forecast method on held-out months of the car parts, RAF and Auto data sets')
    .option('--dataset <name>', `${DATASETS.join(', ')} or all`, 'all')
    .option('--holdout <n>', 'months held out (default per data set: carparts 12, raf 12, auto 6)')
    .option('--limit <n>', 'only the first n series of each data set')
    .option('--plot <file.svg>', 'draw a few series with their forecasts into an SVG file')
    .option(
      '--data <dir>',
      'where the data files are (default: ../shared/data, else the copies in test/fixtures/data)',
      existsSync('../shared/data') ? '../shared/data' : 'test/fixtures/data',
    )
    .option('--json', 'print the figures as JSON')
    .action((raw: Record<string, unknown>) => {
      const parsed = evaluateOptionsSchema.safeParse(raw);
      if (!parsed.success) {
        for (const issue of parsed.error.issues) console.error(`--${issue.path.join('.')}: ${issue.message}`);
        process.exitCode = 2;
        return;
      }
      const opts = parsed.data;
      const names: DatasetName[] = opts.dataset === 'all' ? [...DATASETS] : [opts.dataset];
      const reports: EvaluationReport[] = [];
      const started = performance.now();
      try {
        for (const name of names) {
          const dataset = loadDataset(name, opts.data);
          const series = opts.limit === undefined ? dataset.series : dataset.series.slice(0, opts.limit);
          const protocol = { ...PROTOCOLS[name], holdout: opts.holdout ?? PROTOCOLS[name].holdout };
          const report = evaluateDataset(series, protocol, {
            keepPerClass: opts.plot ? 4 : undefined,
            onProgress: progress(name),
          });
          reports.push(report);
          if (!opts.json) printReport(report);
        }
      } catch (error) {
        if (!isAppError(error)) throw error;
        console.error(`${error.code}: ${error.message}`);
        process.exitCode = 1;
        return;
      }
      const seconds = (performance.now() - started) / 1000;
      if (opts.json) {
        console.log(
          JSON.stringify(
            {
              seconds,
              reports: reports.map(({ kept: _kept, ...r }) => ({
                ...r,
                protocolText: describeProtocol(r.protocol),
              })),
            },
            null,
            2,
          ),
        );
      } else {
        console.log(
          `${reports.reduce((n, r) => n + r.series, 0)} series evaluated in ${seconds.toFixed(1)} s`,
        );
      }
      if (opts.plot) {
        writeFileSync(opts.plot, renderForecastSvg(plotPanels(reports)));
        console.error(`plot written to ${opts.plot}`);
      }
    });
  forecast
    .command('series')
    .description('forecast one demand series with one method, or with the method its demand class chooses')
    .requiredOption('--method <m>', 'a forecast method, or auto to choose by demand class')
    .requiredOption('--values <v1,v2,...>', 'demand per period, oldest first, comma-separated')
    .option('--alpha <a>', 'ses: α; tsb: α of the demand sizes (default 0.1)')
    .option('--alpha-p <b>', 'tsb: α of the probability of demand (default 0.1)')
    .option('--window <n>', 'moving-average: periods averaged (default 12)')
    .option('--horizon <h>', 'periods to forecast', String(DEFAULT_HORIZON))
    .option('--json', 'print the forecast as JSON')
    .action((raw: Record<string, unknown>) => {
      const parsed = seriesOptionsSchema.safeParse(raw);
      if (!parsed.success) {
        for (const issue of parsed.error.issues) console.error(`--${issue.path.join('.')}: ${issue.message}`);
        process.exitCode = 2;
        return;
      }
      let answer: SeriesAnswer;
      try {
        answer = forecastOne(parsed.data);
      } catch (error) {
        if (!isAppError(error)) throw error;
        console.error(`${error.code}: ${error.message}`);
        process.exitCode = 1;
        return;
      }
      if (parsed.data.json) console.log(JSON.stringify(answer, null, 2));
      else printSeriesAnswer(answer);
    });
  forecast
    .command('run')
    .description('forecast every part × location with demand history in a running hub, through its API')
    .option('--granularity <g>', 'month or week', 'month')
    .option('--horizon <h>', 'periods to forecast', String(DEFAULT_HORIZON))
    .option('--lead-time <periods>', 'lead time for the stocking levels shown', '1')
    .option('--location <code...>', 'only these locations')
    .option('--part <partNumber...>', 'only these parts')
    .option('--limit <n>', 'at most so many part × location pairs', '5000')
    .option('--reasons', 'print each forecast’s reasons under its row')
    .option('--hub <url>', 'the hub', 'http://127.0.0.1:3000')
    .option(
      '--key <apiKey>',
      'a key that may read planning (default: SPAREHUB_ADMIN_KEY)',
      process.env.SPAREHUB_ADMIN_KEY ?? '',
    )
    .option('--json', 'print the run as JSON')
    .action(async (raw: Record<string, unknown>) => {
      const parsed = runOptionsSchema.safeParse(raw);
      if (!parsed.success) {
        for (const issue of parsed.error.issues) console.error(`--${issue.path.join('.')}: ${issue.message}`);
        process.exitCode = 2;
        return;
      }
      const opts = parsed.data;
      if (!opts.key) {
        console.error('an API key is needed: --key or SPAREHUB_ADMIN_KEY');
        process.exitCode = 2;
        return;
      }
      // Numbers that do not parse go to the hub as null (NaN in JSON), which its schema refuses with 400.
      const run = (await hubApi(opts.hub, opts.key)('POST', '/api/v1/planning/forecast-runs', {
        granularity: opts.granularity,
        horizon: opts.horizon,
        leadTime: opts.leadTime,
        limit: opts.limit,
        ...(opts.location ? { locationCodes: opts.location } : {}),
        ...(opts.part ? { partNumbers: opts.part } : {}),
      })) as unknown as ForecastRun;
      if (opts.json) console.log(JSON.stringify(run, null, 2));
      else printForecastRun(run, opts.reasons === true);
    });
}

/** `sparehub forecast run` options (commander hands them over as strings). */
const runOptionsSchema = z.object({
  granularity: z.string(),
  horizon: z.string().transform((s) => (s.trim() === '' ? NaN : Number(s))),
  leadTime: z.string().transform((s) => (s.trim() === '' ? NaN : Number(s))),
  limit: z.string().transform((s) => (s.trim() === '' ? NaN : Number(s))),
  location: z.array(z.string()).optional(),
  part: z.array(z.string()).optional(),
  reasons: z.boolean().optional(),
  hub: z.string().min(1),
  key: z.string(),
  json: z.boolean().optional(),
});

function printForecastRun(run: ForecastRun, withReasons: boolean): void {
  const head = [
    'part',
    'location',
    'class',
    'method',
    `next ${run.granularity}`,
    `${run.horizon} total`,
    's',
  ];
  const rows = run.items.map((i) => [
    i.partNumber,
    i.locationCode,
    i.class ?? '—',
    i.method ?? '—',
    `${figure(i.forecast[0] ?? 0)}${i.overridden ? ' (override)' : ''}`,
    figure(i.forecast.reduce((s, v) => s + v, 0)),
    i.reorderPoint === null ? '—' : figure(i.reorderPoint),
  ]);
  const widths = head.map((h, c) => Math.max(h.length, ...rows.map((row) => row[c]!.length)));
  const line = (row: string[]) =>
    row.map((cell, c) => (c < 4 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  ');
  console.log(line(head));
  run.items.forEach((item, k) => {
    console.log(line(rows[k]!));
    if (withReasons) for (const reason of item.reasons) console.log(`    - ${reason}`);
  });
  console.log(
    `${run.items.length} part × location forecasts${run.pairs > run.items.length ? ` of ${run.pairs} (raise --limit for the rest)` : ''}, ${run.horizon} ${run.granularity}s ahead`,
  );
}

// A year of monthly periods: the planning horizon when none is asked for.
const DEFAULT_HORIZON = 12;

// Numbers stay strings until here, and anything unreadable becomes NaN, so that the
// planning module's own checks refuse it with their VALIDATION_FAILED message.
const number = z.string().transform((s) => (s.trim() === '' ? NaN : Number(s)));

/** `sparehub forecast series` options (commander hands them over as strings). */
const seriesOptionsSchema = z.object({
  method: z.string().min(1),
  values: z.string(),
  alpha: number.optional(),
  alphaP: number.optional(),
  window: number.optional(),
  horizon: number.default(DEFAULT_HORIZON),
  json: z.boolean().optional(),
});
type SeriesOptions = z.infer<typeof seriesOptionsSchema>;

interface SeriesAnswer {
  method: ForecastMethod;
  label: string;
  /** How the method was picked: given on the command line, or by the demand class (auto). */
  chosenBy: 'option' | 'demand-class';
  classification?: Omit<DemandClassification, 'reasons'>;
  /** Why auto chose the method: the classification's figures and the rule applied. */
  choiceReasons?: string[];
  parameters: Record<string, number>;
  horizon: number;
  level: number;
  values: number[];
  reasons: string[];
}

// Which methods read --alpha, --alpha-p and --window: a parameter given to a method that
// ignores it is refused, so nobody believes a forecast was made with it.
const TAKES: Record<'alpha' | 'alphaP' | 'window', { methods: string[]; flag: string }> = {
  alpha: { methods: ['ses', 'tsb'], flag: '--alpha' },
  alphaP: { methods: ['tsb'], flag: '--alpha-p' },
  window: { methods: ['moving-average'], flag: '--window' },
};

/** The values as numbers; an empty or unreadable entry becomes NaN for checkSeries to refuse. */
function parseValues(text: string): number[] {
  return text.split(',').map((s) => (s.trim() === '' ? NaN : Number(s)));
}

function forecastOne(opts: SeriesOptions): SeriesAnswer {
  const values = parseValues(opts.values);
  for (const [key, { methods, flag }] of Object.entries(TAKES)) {
    if (opts[key as keyof typeof TAKES] === undefined || methods.includes(opts.method)) continue;
    throw new AppError(
      'VALIDATION_FAILED',
      opts.method === 'auto'
        ? `${flag} cannot be given with --method auto: the demand class chooses the method and its parameters`
        : `${flag} does not apply to ${opts.method}; it is read by ${methods.join(' and ')}`,
      { option: flag, method: opts.method },
    );
  }
  try {
    if (opts.method === 'auto') {
      const choice = chooseMethodByClass(values);
      const { reasons: _reasons, ...classification } = choice.classification;
      return {
        ...answerOf(forecastSeries(values, choice.spec, opts.horizon, { checked: true }), 'demand-class'),
        classification,
        choiceReasons: choice.reasons,
      };
    }
    // The method name is checked by resolveMethod, which lists the known ones when it is not.
    const spec = {
      method: opts.method as ForecastMethod,
      alpha: opts.method === 'ses' ? opts.alpha : undefined,
      alphaD: opts.method === 'tsb' ? opts.alpha : undefined,
      alphaP: opts.alphaP,
      window: opts.window,
    } satisfies MethodSpec;
    return answerOf(forecastSeries(values, spec, opts.horizon), 'option');
  } catch (error) {
    throw withEntry(error, opts.values);
  }
}

/** checkSeries names the period; for an entry that is not a number, quote what was written. */
function withEntry(error: unknown, text: string): unknown {
  if (!isAppError(error) || error.code !== 'VALIDATION_FAILED') return error;
  const period = error.details?.period;
  if (typeof period !== 'number') return error;
  const entry = text.split(',')[period - 1]?.trim() ?? '';
  if (entry !== '' && !Number.isNaN(Number(entry))) return error;
  return new AppError(
    'VALIDATION_FAILED',
    `${error.message} (--values entry ${period} is ${entry === '' ? 'empty' : `'${entry}'`})`,
    error.details,
  );
}

function answerOf(f: Forecast, chosenBy: SeriesAnswer['chosenBy']): SeriesAnswer {
  return {
    method: f.method,
    label: f.label,
    chosenBy,
    parameters: f.params,
    horizon: f.horizon,
    level: f.level,
    values: f.values,
    reasons: f.reasons,
  };
}

const figure = (v: number) => String(Number(v.toPrecision(6)));

function printSeriesAnswer(a: SeriesAnswer): void {
  if (a.classification) {
    const c = a.classification;
    console.log(`class       ${c.class}`);
    console.log(`method      ${a.label} (chosen by the demand class)`);
    for (const reason of a.choiceReasons ?? []) console.log(`  - ${reason}`);
  } else {
    console.log(`method      ${a.label}`);
  }
  const params = Object.entries(a.parameters);
  console.log(
    `parameters  ${params.length === 0 ? 'none' : params.map(([k, v]) => `${k} ${figure(v)}`).join(', ')}`,
  );
  console.log(
    `forecast    ${figure(a.level)} per period for ${a.horizon} period${a.horizon === 1 ? '' : 's'}`,
  );
  for (const reason of a.reasons) console.log(`  - ${reason}`);
}

/** Progress on stderr, at most a few times a second: a line rewritten on a terminal, else a line every 2 s. */
function progress(name: string): (done: number, total: number) => void {
  const tty = process.stderr.isTTY === true;
  const start = performance.now();
  let last = start;
  return (done, total) => {
    const t = performance.now();
    const end = done === total;
    if (!end && t - last < (tty ? 200 : 2000)) return;
    last = t;
    const text = `${name}: ${done}/${total} series (${((t - start) / 1000).toFixed(1)} s)`;
    if (tty) process.stderr.write(`\r${text}${end ? '\n' : ''}`);
    else process.stderr.write(`${text}\n`);
  };
}

const fixed = (v: number, digits = 3) => (Number.isFinite(v) ? v.toFixed(digits) : '—');

function printReport(r: EvaluationReport): void {
  const p = r.protocol;
  console.log('');
  for (const line of describeProtocol(p)) console.log(line);
  const c = r.classes;
  console.log(
    `${r.series} series${r.withMissing ? ` (${r.withMissing} with missing months, read as 0)` : ''}; classes: smooth ${c.smooth}, erratic ${c.erratic}, intermittent ${c.intermittent}, lumpy ${c.lumpy}, no demand ${c['no-demand']}; the backtest overrode the class's method for ${r.overrides}`,
  );
  const head = ['method', 'MASE mean', 'median', 'RMSSE mean', 'median', 'scored', 'published MASE'];
  const rows = r.methods.map((m) => [
    m.key,
    fixed(m.mase.mean),
    fixed(m.mase.median),
    fixed(m.rmsse.mean),
    fixed(m.rmsse.median),
    `${m.mase.count}${m.mase.dropped ? ` (-${m.mase.dropped})` : ''}${m.notRun ? ` not run ${m.notRun}` : ''}`,
    m.published ? `${m.published.name} ${m.published.mase}` : '',
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const fmtRow = (row: string[]) =>
    row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ');
  console.log(fmtRow(head));
  for (const row of rows) console.log(fmtRow(row));
  const published = Object.entries(p.published);
  if (published.length > 0)
    console.log(`published mean MASE, same protocol: ${published.map(([k, v]) => `${k} ${v}`).join(', ')}`);
  console.log(`${p.dataset}: ${(r.millis / 1000).toFixed(1)} s`);
}

function plotPanels(reports: EvaluationReport[]): PlotPanel[] {
  return reports.flatMap((r) =>
    r.kept.map((k) => ({
      title: `${r.protocol.dataset} ${k.name} (${k.demandClass})`,
      train: k.train,
      test: k.test,
      forecasts: PLOTTED.filter((key) => k.forecasts[key]).map((key) => ({
        label: key,
        values: k.forecasts[key]!,
      })),
    })),
  );
}
