import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_BREAKER_CONFIG,
  breakerAllows,
  breakerConfigSchema,
  breakerOnResult,
  breakerStateSchema,
  initialBreakerState,
  openPeriodMs,
  type BreakerConfig,
  type BreakerState,
} from './circuit-breaker.js';

const T0 = Date.parse('2026-03-01T10:00:00.000Z');
const at = (ms: number): string => new Date(T0 + ms).toISOString();
const config: BreakerConfig = { ...DEFAULT_BREAKER_CONFIG };

/** Given: a breaker that has just opened at T0 after `failureThreshold` failures. */
function openedAtT0(reopenCount = 0): BreakerState {
  let s = initialBreakerState();
  for (let i = 0; i < config.failureThreshold; i++)
    s = breakerOnResult(s, { ok: false, now: T0 }, config).state;
  return { ...s, reopenCount, openUntil: at(30_000 * 2 ** reopenCount) };
}

/** Given: a half-open breaker whose single probe went out at T0 + 30 s. */
function halfOpenWithProbe(): BreakerState {
  return breakerAllows(openedAtT0(), T0 + 30_000, config).state;
}

describe('breaker config', () => {
  it('defaults to 5 failures, 30 s open doubling to 10 min, one probe', () => {
    expect(breakerConfigSchema.parse({})).toMatchObject({
      failureThreshold: 5,
      openForMs: 30_000,
      openForMultiplier: 2,
      maxOpenForMs: 600_000,
      halfOpenMaxProbes: 1,
    });
  });

  it('grows the open period ×2 per consecutive re-open, up to the maximum', () => {
    expect([0, 1, 2, 3, 4, 5, 6].map((n) => openPeriodMs(config, n))).toEqual([
      30_000, 60_000, 120_000, 240_000, 480_000, 600_000, 600_000,
    ]);
  });
});

describe('closed', () => {
  it('allows calls', () => {
    const p = breakerAllows(initialBreakerState(), T0, config);
    expect(p).toMatchObject({ allowed: true, state: initialBreakerState() });
  });

  it('counts consecutive failures below the threshold and stays closed', () => {
    let s = initialBreakerState();
    for (let i = 0; i < 4; i++) s = breakerOnResult(s, { ok: false, now: T0 }, config).state;
    expect(s).toMatchObject({ status: 'closed', consecutiveFailures: 4 });
  });

  it('resets the failure count on a success', () => {
    const s = { ...initialBreakerState(), consecutiveFailures: 4 };
    const t = breakerOnResult(s, { ok: true, now: T0 }, config);
    expect(t.state).toEqual(initialBreakerState());
    expect(t.reasons.join(' ')).toContain('reset');
  });

  it('opens on the fifth consecutive failure, for 30 s', () => {
    const s = { ...initialBreakerState(), consecutiveFailures: 4 };
    const t = breakerOnResult(s, { ok: false, now: at(0) }, config);
    expect(t.state).toMatchObject({ status: 'open', openedAt: at(0), openUntil: at(30_000), reopenCount: 0 });
    expect(t.reasons[0]).toContain('threshold of 5');
  });
});

describe('open', () => {
  it('refuses calls until the open period ends', () => {
    const s = openedAtT0();
    const p = breakerAllows(s, T0 + 29_999, config);
    expect(p).toMatchObject({ allowed: false, state: s });
    expect(p.reasons[0]).toContain('open until');
  });

  it('turns half-open when the period ends and lets exactly one probe through', () => {
    const p = breakerAllows(openedAtT0(), at(30_000), config);
    expect(p.allowed).toBe(true);
    expect(p.state).toMatchObject({ status: 'half_open', probesInFlight: 1, probeStartedAt: at(30_000) });
  });

  it('ignores late results from calls sent before it opened', () => {
    const s = openedAtT0();
    expect(breakerOnResult(s, { ok: true, now: T0 + 1000 }, config).state).toEqual(s);
    expect(breakerOnResult(s, { ok: false, now: T0 + 1000 }, config).state).toEqual(s);
  });
});

describe('half-open', () => {
  it('refuses a second call while the probe is in flight', () => {
    const p = breakerAllows(halfOpenWithProbe(), T0 + 31_000, config);
    expect(p.allowed).toBe(false);
    expect(p.reasons[0]).toContain('already in flight');
  });

  it('closes and forgets its history when the probe succeeds', () => {
    const t = breakerOnResult(halfOpenWithProbe(), { ok: true, now: T0 + 31_000 }, config);
    expect(t.state).toEqual(initialBreakerState());
  });

  it('re-opens for twice as long when the probe fails', () => {
    const t = breakerOnResult(halfOpenWithProbe(), { ok: false, now: at(31_000) }, config);
    expect(t.state).toMatchObject({ status: 'open', reopenCount: 1, openUntil: at(31_000 + 60_000) });
  });

  it('counts a probe that reports nothing within the probe timeout as failed', () => {
    const p = breakerAllows(halfOpenWithProbe(), T0 + 30_000 + config.probeTimeoutMs, config);
    expect(p.allowed).toBe(false);
    expect(p.state).toMatchObject({ status: 'open', reopenCount: 1 });
    expect(p.reasons[0]).toContain('no result');
  });

  it('lets several probes through when configured to', () => {
    const c = { ...config, halfOpenMaxProbes: 3 };
    let s = breakerAllows(openedAtT0(), T0 + 30_000, c).state;
    const allowed = [1, 2, 3].map(() => {
      const p = breakerAllows(s, T0 + 30_001, c);
      s = p.state;
      return p.allowed;
    });
    expect(allowed).toEqual([true, true, false]);
  });
});

describe('state', () => {
  it('round-trips through JSON and its schema unchanged', () => {
    const s = halfOpenWithProbe();
    expect(breakerStateSchema.parse(JSON.parse(JSON.stringify(s)))).toEqual(s);
  });
});

type Step = { kind: 'allow' | 'ok' | 'fail'; advanceMs: number };

// Weighted towards bursts of calls at the same instant, so half-open probe limits get hit.
const stepArb: fc.Arbitrary<Step> = fc.record({
  kind: fc.oneof(
    { arbitrary: fc.constant('allow' as const), weight: 4 },
    { arbitrary: fc.constant('ok' as const), weight: 1 },
    { arbitrary: fc.constant('fail' as const), weight: 2 },
  ),
  advanceMs: fc.oneof(
    { arbitrary: fc.constant(0), weight: 4 },
    { arbitrary: fc.integer({ min: 0, max: 5000 }), weight: 1 },
    { arbitrary: fc.integer({ min: 0, max: 700_000 }), weight: 2 },
  ),
});

const configArb: fc.Arbitrary<BreakerConfig> = fc
  .record({
    failureThreshold: fc.integer({ min: 1, max: 6 }),
    openForMs: fc.integer({ min: 1, max: 60_000 }),
    openForMultiplier: fc.double({ min: 1, max: 4, noNaN: true }),
    extraMs: fc.integer({ min: 0, max: 600_000 }),
    halfOpenMaxProbes: fc.integer({ min: 1, max: 3 }),
    probeTimeoutMs: fc.integer({ min: 1, max: 300_000 }),
  })
  .map(({ extraMs, ...c }) => ({ ...c, maxOpenForMs: c.openForMs + extraMs }));

describe('breaker properties', () => {
  it('never has more than halfOpenMaxProbes probes out, and a half-open success always closes it', () => {
    // Guards against a vacuous pass: the generated runs must actually exercise half-open.
    let refusedProbes = 0;
    let halfOpenSuccesses = 0;
    fc.assert(
      fc.property(configArb, fc.array(stepArb, { minLength: 20, maxLength: 120 }), (c, steps) => {
        let s = initialBreakerState();
        let now = T0;
        // Calls let through in the current half-open period that have not reported back.
        let probesOut = 0;
        for (const step of steps) {
          now += step.advanceMs;
          if (step.kind === 'allow') {
            const p = breakerAllows(s, now, c);
            if (s.status === 'closed') expect(p.allowed).toBe(true);
            if (p.state.status === 'half_open' && p.allowed) probesOut++;
            if (p.state.status === 'half_open' && !p.allowed) refusedProbes++;
            s = p.state;
          } else {
            const before = s.status;
            s = breakerOnResult(s, { ok: step.kind === 'ok', now }, c).state;
            if (before === 'half_open') {
              expect(s.status).toBe(step.kind === 'ok' ? 'closed' : 'open');
              if (step.kind === 'ok') halfOpenSuccesses++;
            }
          }
          if (s.status !== 'half_open') probesOut = 0;
          expect(probesOut).toBeLessThanOrEqual(c.halfOpenMaxProbes);
          expect(s.probesInFlight).toBeLessThanOrEqual(c.halfOpenMaxProbes);
          expect(breakerStateSchema.parse(JSON.parse(JSON.stringify(s)))).toEqual(s);
        }
      }),
      { numRuns: 300 },
    );
    expect(refusedProbes).toBeGreaterThan(20);
    expect(halfOpenSuccesses).toBeGreaterThan(20);
  });
});
