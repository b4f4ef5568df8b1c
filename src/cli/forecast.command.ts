import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { isAppError } from '../platform/errors.js';
import {
  DATASETS,
  describeProtocol,
  evaluateDataset,
  evaluateOptionsSchema,
  loadDataset,
  PROTOCOLS,
  renderForecastSvg,
  type DatasetName,
  type EvaluationReport,
  type PlotPanel,
} from '../modules/planning/index.js';

// The methods drawn in the plot: more lines than this cannot be told apart.
const PLOTTED = ['ses-optimized', 'sba', 'tsb(0.1, 0.1)', 'imapa', 'auto+backtest'];

/**
 * `sparehub forecast evaluate`: every forecast method on the public spare-parts data sets
 * (../shared/data), last periods held out, mean and median MASE and RMSSE per method with
 * the protocol stated; for car parts the Monash protocol, beside its published figures.
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
    .option('--data <dir>', 'where the data files are', '../shared/data')
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
