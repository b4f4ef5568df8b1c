import { describe, expect, it } from 'vitest';
import { backtestSeries, chooseMethod, defaultHoldout, OVERRIDE_MARGIN } from './backtest.js';
import { chooseMethodByClass, classifyDemand } from './classification.js';

describe('classifyDemand: Syntetos–Boylan classes from mean interval and squared CV of sizes', () => {
  it('calls demand every period with steady sizes smooth', () => {
    const c = classifyDemand([10, 12, 11, 9, 10, 12, 11, 10]);
    expect(c.class).toBe('smooth');
    expect(c.adi).toBe(1);
    expect(c.cv2).toBeLessThan(0.49);
    expect(c.reasons.join('\n')).toContain('mean interval 1 ≤ 1.32');
  });

  it('calls frequent demand with widely varying sizes erratic', () => {
    const c = classifyDemand([1, 30, 2, 1, 45, 1, 2, 60]);
    expect(c.class).toBe('erratic');
    expect(c.cv2).toBeGreaterThan(0.49);
  });

  it('calls rare demand with steady sizes intermittent', () => {
    const c = classifyDemand([0, 0, 2, 0, 0, 0, 2, 0, 0, 3, 0, 0]);
    expect(c.class).toBe('intermittent');
    expect(c.adi).toBeCloseTo(10 / 3, 12);
  });

  it('calls rare demand with widely varying sizes lumpy', () => {
    expect(classifyDemand([0, 0, 40, 0, 0, 0, 1, 0, 0, 0, 0, 25, 0, 0, 2]).class).toBe('lumpy');
  });

  it('puts the cut-offs themselves on the smooth/steady side', () => {
    // intervals 1,1,... with one gap: ADI exactly at the cut is not intermittent.
    expect(
      classifyDemand([1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1], {
        adi: 1,
        cv2: 0,
      }).class,
    ).toBe('smooth');
    expect(classifyDemand([1, 3], { adi: 1.32, cv2: 0.5 }).class).toBe('smooth'); // CV² = 2 / 4 = 0.5
    expect(classifyDemand([1, 3], { adi: 1.32, cv2: 0.49 }).class).toBe('erratic');
  });

  it('counts the first interval from the start of the history (leading zeros make demand rarer)', () => {
    expect(classifyDemand([0, 0, 0, 0, 5, 5, 5, 5]).adi).toBe(2);
  });

  it('takes one demand as steady sizes and says so; no demand is its own class', () => {
    const one = classifyDemand([0, 0, 0, 7]);
    expect(one.class).toBe('intermittent');
    expect(one.cv2).toBeNull();
    expect(one.reasons.join('\n')).toContain('one demand');
    const none = classifyDemand([0, 0, 0]);
    expect(none.class).toBe('no-demand');
    expect(none.adi).toBeNull();
  });
});

describe('chooseMethodByClass', () => {
  it.each([
    [[10, 12, 11, 9, 10, 12], 'ses'],
    [[1, 30, 2, 1, 45, 1, 2, 60], 'ses'],
    [[0, 0, 2, 0, 0, 0, 2, 0, 0, 3], 'imapa'],
    [[0, 0, 40, 0, 0, 0, 1, 0, 0, 0, 0, 25], 'imapa'],
    [[0, 0, 0, 0], 'zero'],
  ])('%j → %s, with the reason', (values, method) => {
    const choice = chooseMethodByClass(values);
    expect(choice.spec.method).toBe(method);
    expect(choice.reasons.at(-1)).toMatch(new RegExp(`^${method}: `));
  });
});

describe('backtestSeries and chooseMethod: the backtest overrides the class when it beats it', () => {
  it('holds out a year, or a third of a short history', () => {
    expect(defaultHoldout(84)).toBe(12);
    expect(defaultHoldout(24)).toBe(8);
    expect(defaultHoldout(2)).toBe(1);
  });

  it('scores every candidate on the held-out periods, best first, with the numbers in the reasons', () => {
    const values = [0, 3, 0, 0, 2, 0, 0, 4, 0, 1, 0, 0, 3, 0, 2, 0, 0, 3];
    const b = backtestSeries(values, { holdout: 6 });
    expect(b.scores.map((s) => s.mse)).toEqual([...b.scores.map((s) => s.mse)].sort((x, y) => x! - y!));
    const test = values.slice(-6);
    for (const s of b.scores) {
      const expected = test.reduce((acc, v) => acc + (v - s.forecast!) ** 2, 0) / 6;
      expect(s.mse).toBeCloseTo(expected, 12);
    }
    expect(b.reasons[0]).toContain('last 6 of 18 periods');
    expect(b.best).toBe(b.scores[0]);
  });

  it('overrides the class’s method when another forecasts the holdout better by more than the margin', () => {
    // Demand steps up in the holdout: ADIDA comes closest, IMAPA (the lumpy class's method) next.
    const values = [0, 1, 0, 1, 0, 0, 1, 0, 1, 0, 0, 1, 0, 1, 0, 0, 1, 0, 6, 0, 7, 0, 6, 0, 7, 0, 6, 0, 7, 0];
    const strict = chooseMethod(values, { holdout: 6, margin: 0 });
    expect(strict.byClass.method).toBe('imapa');
    expect(strict.overridden).toBe(true);
    const best = strict.backtest!.best!;
    const imapa = strict.backtest!.scores.find((s) => s.label === 'imapa')!;
    expect(best.label).toBe('adida');
    expect(strict.spec).toEqual(best.spec);
    expect(best.mse!).toBeLessThan(imapa.mse!);
    expect(strict.reasons.at(-1)).toContain('override: adida');
    // ADIDA wins by about 2 %: under the default margin (25 %) IMAPA stays.
    expect(best.mse! / imapa.mse!).toBeGreaterThan(1 - OVERRIDE_MARGIN);
    const kept = chooseMethod(values, { holdout: 6 });
    expect(kept.overridden).toBe(false);
    expect(kept.spec.method).toBe('imapa');
    expect(kept.reasons.at(-1)).toContain('imapa is not beaten by more than 25 %');
  });

  it('overrides under the default margin when the class’s method is far off', () => {
    // Steady demand that steps from 10 to 30: SES with α 0.1 (the smooth class's method)
    // lags behind, an α fitted to the series or a 12-month average follows.
    const values = [...new Array<number>(18).fill(10), ...new Array<number>(12).fill(30)];
    const choice = chooseMethod(values, { holdout: 6 });
    expect(choice.classification.class).toBe('smooth');
    expect(choice.byClass).toEqual({ method: 'ses', alpha: 0.1 });
    expect(choice.overridden).toBe(true);
    const ses = choice.backtest!.scores.find((s) => s.label === 'ses(0.1)')!;
    expect(choice.backtest!.best!.mse!).toBeLessThan(ses.mse! * (1 - OVERRIDE_MARGIN));
    expect(choice.spec).toEqual(choice.backtest!.best!.spec);
  });

  it('keeps the class’s method when it is the best, when the holdout is quiet, or when the history is too short', () => {
    const steady = [5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5];
    const kept = chooseMethod(steady, { holdout: 4 });
    expect(kept.overridden).toBe(false);
    expect(kept.spec).toEqual({ method: 'ses', alpha: 0.1 });

    const quiet = [0, 4, 0, 5, 0, 4, 0, 6, 0, 0, 0, 0];
    const q = chooseMethod(quiet, { holdout: 4 });
    expect(q.overridden).toBe(false);
    expect(q.reasons.at(-1)).toContain('holdout has no demand');

    const short = chooseMethod([0, 3], { holdout: 1 });
    expect(short.overridden).toBe(false);
    expect(short.reasons.at(-1)).toContain('too few');

    expect(chooseMethod([0, 0, 0, 0, 0, 0]).spec.method).toBe('zero');
    expect(chooseMethod([0, 4, 0, 5, 0, 4, 0, 6, 0, 5, 0, 4, 0, 0], { backtest: false }).backtest).toBeNull();
  });

  it('always lets the class’s method compete, even when the candidates leave it out', () => {
    const values = [0, 4, 0, 5, 0, 4, 0, 6, 0, 5, 0, 4, 0, 5, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0];
    const choice = chooseMethod(values, { holdout: 8, candidates: [{ method: 'croston' }] });
    expect(choice.backtest!.scores.map((s) => s.label).sort()).toEqual(['croston', 'imapa']);
  });

  it('skips a moving average longer than the training part instead of failing', () => {
    const b = backtestSeries([0, 1, 0, 2, 0, 1, 0, 3], { holdout: 2 });
    const ma = b.scores.find((s) => s.label === 'moving-average(12)')!;
    expect(ma.mse).toBeNull();
    expect(b.scores.at(-1)).toBe(ma);
    expect(b.reasons.join('\n')).toContain('moving-average(12): not run');
  });

  it('refuses a holdout that leaves nothing to train on', () => {
    expect(() => backtestSeries([1, 2, 3], { holdout: 3 })).toThrow(/leave at least one period/);
  });
});
