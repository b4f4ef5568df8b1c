import { Command } from 'commander';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { registerForecastCommands } from '../../../cli/forecast.command.js';

async function run(...args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void out.push(a.join(' ')));
  const error = vi
    .spyOn(console, 'error')
    .mockImplementation((...a: unknown[]) => void err.push(a.join(' ')));
  try {
    const program = new Command()
      .exitOverride()
      .configureOutput({ writeErr: (text) => void err.push(text.trimEnd()) });
    registerForecastCommands(program);
    await program.parseAsync(['forecast', 'series', ...args], { from: 'user' });
  } finally {
    log.mockRestore();
    error.mockRestore();
  }
  return { out: out.join('\n'), err: err.join('\n') };
}

interface Answer {
  method: string;
  label: string;
  chosenBy: string;
  classification?: { class: string; adi: number; cv2: number; demands: number; periods: number };
  choiceReasons?: string[];
  parameters: Record<string, number>;
  horizon: number;
  level: number;
  values: number[];
  reasons: string[];
}

async function json(...args: string[]): Promise<Answer> {
  const { out, err } = await run(...args, '--json');
  expect(err).toBe('');
  expect(process.exitCode).toBeUndefined();
  return JSON.parse(out) as Answer;
}

describe('sparehub forecast series', () => {
  beforeEach(() => {
    process.exitCode = undefined;
  });
  afterEach(() => {
    process.exitCode = undefined;
  });

  it('forecasts with SES at the α given, for the horizon given', async () => {
    // Level started at the first value: 1, then 0.1·1 + 0.9·1 = 1, 0.1·2 + 0.9·1 = 1.1,
    // and the forecast 0.1·3 + 0.9·1.1 = 1.29.
    const a = await json('--method', 'ses', '--values', '1,2,3', '--alpha', '0.1', '--horizon', '3');
    expect(a.label).toBe('ses(0.1)');
    expect(a.chosenBy).toBe('option');
    expect(a.parameters).toEqual({ alpha: 0.1 });
    expect(a.horizon).toBe(3);
    expect(a.level).toBeCloseTo(1.29, 12);
    expect(a.values).toHaveLength(3);
    for (const v of a.values) expect(v).toBeCloseTo(1.29, 12);

    const other = await json('--method', 'ses', '--values', '1,2,3', '--alpha', '0.5', '--horizon', '1');
    // 1 → 0.5·1 + 0.5·1 = 1 → 0.5·2 + 0.5·1 = 1.5 → 0.5·3 + 0.5·1.5 = 2.25
    expect(other.level).toBeCloseTo(2.25, 12);
    expect(other.values).toEqual([other.level]);
  });

  it('hands --alpha to TSB as the size α and --alpha-p as the probability α', async () => {
    // Probability of demand 0,0,1,0,0,0,1 smoothed with 0.05 from 0: 0.0907253125; sizes 3, 1
    // smoothed with 0.2 from 3: 2.6; forecast their product.
    const a = await json(
      '--method',
      'tsb',
      '--values',
      '0,0,3,0,0,0,1',
      '--alpha',
      '0.2',
      '--alpha-p',
      '0.05',
    );
    expect(a.label).toBe('tsb(0.2, 0.05)');
    expect(a.parameters).toEqual({ alphaD: 0.2, alphaP: 0.05 });
    expect(a.level).toBeCloseTo(0.0907253125 * 2.6, 12);
    expect(a.horizon).toBe(12);
    expect(a.values).toHaveLength(12);
  });

  it('with --method auto, classifies the series and prints the class, its figures and the method it chose', async () => {
    // Demands at periods 3, 7 and 10: intervals 3, 4, 3 (mean 3.33 > 1.32); sizes 3, 1, 2
    // (CV² = 1 / 2² = 0.25 ≤ 0.49): intermittent, which gets IMAPA.
    const values = '0,0,3,0,0,0,1,0,0,2,0,0';
    const a = await json('--method', 'auto', '--values', values, '--horizon', '2');
    expect(a.chosenBy).toBe('demand-class');
    expect(a.method).toBe('imapa');
    expect(a.classification).toMatchObject({ class: 'intermittent', demands: 3, periods: 12 });
    expect(a.classification!.adi).toBeCloseTo(10 / 3, 12);
    expect(a.classification!.cv2).toBeCloseTo(0.25, 12);
    expect(a.choiceReasons!.join('\n')).toContain('class intermittent');
    expect(a.choiceReasons!.at(-1)).toMatch(/^imapa: /);
    expect(a.parameters).toEqual({ maxAggregationLevel: 3 });
    expect(a.level).toBeGreaterThan(0);
    expect(a.values).toEqual([a.level, a.level]);

    // Demand every period with steady sizes: smooth, SES at α 0.1, level as computed above.
    const smooth = await json('--method', 'auto', '--values', '1,2,3');
    expect(smooth.classification!.class).toBe('smooth');
    expect(smooth.label).toBe('ses(0.1)');
    expect(smooth.level).toBeCloseTo(1.29, 12);

    const { out } = await run('--method', 'auto', '--values', values);
    expect(out).toMatch(/^class\s+intermittent$/m);
    expect(out).toMatch(/^method\s+imapa \(chosen by the demand class\)$/m);
    expect(out).toContain('mean interval 3.333 > 1.32');
    expect(out).toMatch(/^parameters\s+maxAggregationLevel 3$/m);
    expect(out).toMatch(/^forecast\s+\d+\.\d+ per period for 12 periods$/m);
  });

  it('prints the method, its parameters and the forecast as text by default', async () => {
    const { out, err } = await run('--method', 'croston', '--values', '0,2,0,0,4', '--horizon', '1');
    expect(err).toBe('');
    expect(out).toMatch(/^method\s+croston$/m);
    expect(out).toMatch(/^parameters\s+alphaDemand 0\.1, alphaInterval 0\.1$/m);
    // Sizes 2, 4 → 0.1·4 + 0.9·2 = 2.2; intervals 2, 3 → 2.1; 2.2 / 2.1.
    expect(out).toContain(`forecast    ${Number((2.2 / 2.1).toPrecision(6))} per period for 1 period`);
    expect(out).toContain('2 demands: smoothed size 2.2 every 2.1 periods');
    const zero = await run('--method', 'zero', '--values', '5,5');
    expect(zero.out).toMatch(/^parameters\s+none$/m);
    expect(zero.out).toMatch(/^forecast\s+0 per period/m);
  });

  it.each([
    [['--method', 'holt', '--values', '1,2'], /VALIDATION_FAILED: unknown forecast method holt/],
    [
      ['--method', 'ses', '--values', '1,abc,2'],
      /VALIDATION_FAILED: period 2 holds NaN: demand must be a finite number, not negative \(--values entry 2 is 'abc'\)/,
    ],
    [['--method', 'ses', '--values', '1,,2'], /period 2 holds NaN.*entry 2 is empty/],
    [
      ['--method', 'auto', '--values', '1,-2,2'],
      /VALIDATION_FAILED: period 2 holds -2: demand must be a finite number, not negative$/,
    ],
    [['--method', 'ses', '--values', '1,2', '--alpha', '1.5'], /alpha must be between 0 and 1, not 1.5/],
    [['--method', 'tsb', '--values', '1,2', '--alpha-p', 'x'], /alphaP must be between 0 and 1, not NaN/],
    [['--method', 'ses', '--values', '1,2', '--horizon', '0'], /horizon must be a whole number/],
    [['--method', 'moving-average', '--values', '1,2', '--window', '3'], /3-period moving average/],
    [['--method', 'croston', '--values', '1,2', '--alpha', '0.2'], /--alpha does not apply to croston/],
    [
      ['--method', 'auto', '--values', '1,2', '--alpha-p', '0.2'],
      /--alpha-p cannot be given with --method auto/,
    ],
  ])('refuses %j with the module’s message and exit code 1', async (args, message) => {
    const { out, err } = await run(...args);
    expect(out).toBe('');
    expect(err).toMatch(message);
    expect(process.exitCode).toBe(1);
  });

  it('insists on --method and --values', async () => {
    await expect(run('--values', '1,2')).rejects.toThrow(/--method/);
    await expect(run('--method', 'ses')).rejects.toThrow(/--values/);
  });
});
