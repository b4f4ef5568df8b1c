import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { XMLValidator } from 'fast-xml-parser';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { registerForecastCommands } from '../../../cli/forecast.command.js';

const DATA = fileURLToPath(new URL('../../../../test/fixtures/data', import.meta.url));

async function run(...args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void out.push(a.join(' ')));
  const error = vi
    .spyOn(console, 'error')
    .mockImplementation((...a: unknown[]) => void err.push(a.join(' ')));
  const write = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    err.push(String(chunk));
    return true;
  });
  try {
    const program = new Command().exitOverride();
    registerForecastCommands(program);
    await program.parseAsync(['forecast', 'evaluate', '--data', DATA, ...args], { from: 'user' });
  } finally {
    log.mockRestore();
    error.mockRestore();
    write.mockRestore();
  }
  return { out: out.join('\n'), err: err.join('') };
}

describe('sparehub forecast evaluate', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'sparehub-forecast-'));
    process.exitCode = undefined;
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
    process.exitCode = undefined;
  });

  it('prints per-method mean and median MASE and RMSSE under the stated protocol, beside the published SES', async () => {
    const { out, err } = await run('--dataset', 'carparts', '--limit', '150');
    expect(out).toContain('carparts: Monash forecasting archive');
    expect(out).toContain('last 12 periods held out');
    expect(out).toMatch(/method\s+MASE mean\s+median\s+RMSSE mean\s+median\s+scored\s+published MASE/);
    for (const key of [
      'zero',
      'ses-optimized',
      'croston',
      'sba',
      'tsb(0.1, 0.1)',
      'adida',
      'imapa',
      'auto+backtest',
    ])
      expect(out).toMatch(new RegExp(`^${key.replace(/[()+.]/g, '\\$&')}\\s+\\d+\\.\\d{3}`, 'm'));
    expect(out).toMatch(/^ses-optimized .* SES 0\.897$/m);
    expect(out).toContain('published mean MASE');
    expect(out).toContain('150 series evaluated');
    expect(err).toContain('carparts: 150/150 series');
    expect(process.exitCode).toBeUndefined();
  });

  it('draws the plot and answers JSON on request, for every data set', async () => {
    const plot = join(dir, 'forecasts.svg');
    const { out } = await run('--limit', '60', '--holdout', '6', '--plot', plot, '--json');
    const parsed = JSON.parse(out) as {
      reports: {
        protocol: { dataset: string; holdout: number };
        series: number;
        methods: { key: string }[];
      }[];
    };
    expect(parsed.reports.map((r) => [r.protocol.dataset, r.protocol.holdout, r.series])).toEqual([
      ['carparts', 6, 60],
      ['raf', 6, 60],
      ['auto', 6, 60],
    ]);
    const svg = readFileSync(plot, 'utf8');
    expect(XMLValidator.validate(svg)).toBe(true);
    expect(svg).toContain('auto row');
    expect(svg).toContain('raf row');
  });

  it('refuses options it does not understand, with exit code 2', async () => {
    const { err } = await run('--dataset', 'nope');
    expect(err).toContain('--dataset');
    expect(process.exitCode).toBe(2);
  });

  it('names the file it cannot read, with exit code 1', async () => {
    const { err } = await run('--dataset', 'raf', '--data', dir);
    expect(err).toContain('VALIDATION_FAILED: cannot read');
    expect(process.exitCode).toBe(1);
  });
});
