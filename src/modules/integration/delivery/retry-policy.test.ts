import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../../platform/random.js';
import {
  DEFAULT_RETRY_POLICY,
  baseDelayMs,
  decideRetry,
  nextAttemptAt,
  retryPolicySchema,
  type RandomSource,
  type RetryPolicy,
} from './retry-policy.js';

/** A random source that always returns the same value: pins jitter to one end. */
const fixed = (value: number): RandomSource => ({ next: () => value });

const policy = (overrides: Partial<RetryPolicy> = {}): RetryPolicy => ({
  ...DEFAULT_RETRY_POLICY,
  ...overrides,
});

const policyArb: fc.Arbitrary<RetryPolicy> = fc
  .record({
    initialIntervalMs: fc.integer({ min: 1, max: 60_000 }),
    extraMs: fc.integer({ min: 0, max: 3_600_000 }),
    backoffCoefficient: fc.double({ min: 1, max: 10, noNaN: true }),
    maximumAttempts: fc.integer({ min: 0, max: 25 }),
    jitter: fc.double({ min: 0, max: 1, noNaN: true }),
    nonRetryableErrorCodes: fc.subarray(['AUTH_REJECTED', 'PAYLOAD_INVALID']),
  })
  .map(({ extraMs, ...p }) => ({ ...p, maximumIntervalMs: p.initialIntervalMs + extraMs }));

describe('retry policy schema', () => {
  it('fills the defaults: 1 s, ×2, 5 min cap, 10 attempts, 20 % jitter', () => {
    expect(retryPolicySchema.parse({})).toEqual({
      initialIntervalMs: 1000,
      backoffCoefficient: 2,
      maximumIntervalMs: 300_000,
      maximumAttempts: 10,
      nonRetryableErrorCodes: [],
      jitter: 0.2,
    });
  });

  it('rejects a maximum interval below the initial one, a coefficient below 1 and jitter above 1', () => {
    expect(retryPolicySchema.safeParse({ initialIntervalMs: 5000, maximumIntervalMs: 1000 }).success).toBe(
      false,
    );
    expect(retryPolicySchema.safeParse({ backoffCoefficient: 0.5 }).success).toBe(false);
    expect(retryPolicySchema.safeParse({ jitter: 1.5 }).success).toBe(false);
  });
});

describe('decideRetry', () => {
  it('backs off exponentially: 1 s, 2 s, 4 s with no jitter', () => {
    const p = policy({ jitter: 0 });
    const delays = [1, 2, 3].map((attempt) => decideRetry(p, { attempt, errorCode: 'HTTP_503' }, fixed(0.5)));
    expect(delays.map((d) => (d.kind === 'retry' ? d.delayMs : -1))).toEqual([1000, 2000, 4000]);
  });

  it('caps the delay at the maximum interval', () => {
    const d = decideRetry(
      policy({ jitter: 0, maximumAttempts: 0 }),
      { attempt: 40, errorCode: 'X' },
      fixed(0),
    );
    expect(d).toMatchObject({ kind: 'retry', delayMs: 300_000 });
    expect(d.reasons.join(' ')).toContain('maximum interval');
  });

  it('takes at most the jitter fraction off the base delay', () => {
    const p = policy({ jitter: 0.2 });
    const low = decideRetry(p, { attempt: 3, errorCode: 'X' }, fixed(0.999999));
    const high = decideRetry(p, { attempt: 3, errorCode: 'X' }, fixed(0));
    expect(low).toMatchObject({ kind: 'retry', delayMs: 3200 });
    expect(high).toMatchObject({ kind: 'retry', delayMs: 4000 });
  });

  it('dead-letters a non-retryable error code on the first attempt', () => {
    const d = decideRetry(
      policy({ nonRetryableErrorCodes: ['AUTH_REJECTED'] }),
      { attempt: 1, errorCode: 'AUTH_REJECTED' },
      fixed(0),
    );
    expect(d.kind).toBe('dead_letter');
    expect(d.reasons.join(' ')).toContain('non-retryable');
  });

  it('dead-letters once the last allowed attempt has failed', () => {
    const p = policy({ maximumAttempts: 3 });
    expect(decideRetry(p, { attempt: 2, errorCode: 'X' }, fixed(0)).kind).toBe('retry');
    const d = decideRetry(p, { attempt: 3, errorCode: 'X' }, fixed(0));
    expect(d.kind).toBe('dead_letter');
    expect(d.reasons).toContain('all 3 attempts are used up');
  });

  it('retries forever when maximumAttempts is 0', () => {
    expect(
      decideRetry(policy({ maximumAttempts: 0 }), { attempt: 10_000, errorCode: 'X' }, fixed(0)).kind,
    ).toBe('retry');
  });

  it("waits as long as the server's Retry-After asks when it is longer than the backoff", () => {
    const d = decideRetry(
      policy({ jitter: 0 }),
      { attempt: 1, errorCode: 'HTTP_429', retryAfterMs: 20_000 },
      fixed(0),
    );
    expect(d).toMatchObject({ kind: 'retry', delayMs: 20_000 });
    expect(d.reasons.join(' ')).toContain('Retry-After');
  });

  it('keeps the backoff when the Retry-After is shorter', () => {
    const d = decideRetry(
      policy({ jitter: 0 }),
      { attempt: 4, errorCode: 'HTTP_429', retryAfterMs: 500 },
      fixed(0),
    );
    expect(d).toMatchObject({ kind: 'retry', delayMs: 8000 });
  });

  it('caps a Retry-After longer than the maximum interval', () => {
    const d = decideRetry(
      policy(),
      { attempt: 1, errorCode: 'HTTP_503', retryAfterMs: 86_400_000 },
      fixed(0),
    );
    expect(d).toMatchObject({ kind: 'retry', delayMs: 300_000 });
    expect(d.reasons.join(' ')).toContain('more than the maximum interval');
  });

  it('ignores a negative or non-finite Retry-After', () => {
    const d = decideRetry(
      policy({ jitter: 0 }),
      { attempt: 1, errorCode: 'X', retryAfterMs: Number.NaN },
      fixed(0),
    );
    expect(d).toMatchObject({ kind: 'retry', delayMs: 1000 });
    expect(d.reasons.join(' ')).toContain('unusable Retry-After');
  });

  it('refuses an attempt number below 1 as a caller bug', () => {
    expect(() => decideRetry(policy(), { attempt: 0, errorCode: 'X' }, fixed(0))).toThrow(RangeError);
  });

  it('turns a delay into the ISO instant of the next attempt', () => {
    expect(nextAttemptAt('2026-03-01T10:00:00.000Z', 1500)).toBe('2026-03-01T10:00:01.500Z');
    expect(nextAttemptAt(0, 60_000)).toBe('1970-01-01T00:01:00.000Z');
  });
});

describe('retry properties', () => {
  it('never waits longer than the maximum interval, nor less than the jittered backoff', () => {
    fc.assert(
      fc.property(
        policyArb,
        fc.integer({ min: 1, max: 200 }),
        fc.option(fc.integer({ min: 0, max: 10_000_000 }), { nil: undefined }),
        fc.integer(),
        (p, attempt, retryAfterMs, seed) => {
          const d = decideRetry(
            { ...p, maximumAttempts: 0 },
            { attempt, errorCode: 'X', retryAfterMs },
            seededRandom(seed),
          );
          if (d.kind !== 'retry') return false;
          const base = baseDelayMs(p, attempt);
          expect(d.delayMs).toBeLessThanOrEqual(p.maximumIntervalMs);
          expect(d.delayMs).toBeLessThanOrEqual(
            Math.max(base, Math.min(retryAfterMs ?? 0, p.maximumIntervalMs)),
          );
          expect(d.delayMs).toBeGreaterThanOrEqual(Math.floor(base * (1 - p.jitter)));
          if (retryAfterMs !== undefined) {
            expect(d.delayMs).toBeGreaterThanOrEqual(Math.min(retryAfterMs, p.maximumIntervalMs));
          }
          return true;
        },
      ),
    );
  });

  it('never makes more than maximumAttempts attempts', () => {
    fc.assert(
      fc.property(policyArb, fc.integer(), (p, seed) => {
        fc.pre(p.maximumAttempts > 0);
        const random = seededRandom(seed);
        let attempts = 1;
        for (;;) {
          const d = decideRetry(p, { attempt: attempts, errorCode: 'HTTP_503' }, random);
          if (d.kind === 'dead_letter') break;
          attempts++;
        }
        expect(attempts).toBe(p.maximumAttempts);
      }),
    );
  });

  it('dead-letters a non-retryable code whatever the attempt', () => {
    fc.assert(
      fc.property(policyArb, fc.integer({ min: 1, max: 100 }), (p, attempt) => {
        const d = decideRetry(
          { ...p, nonRetryableErrorCodes: ['AUTH_REJECTED'] },
          { attempt, errorCode: 'AUTH_REJECTED' },
          fixed(0),
        );
        expect(d.kind).toBe('dead_letter');
      }),
    );
  });

  it('decides the same way for the same seed', () => {
    fc.assert(
      fc.property(policyArb, fc.integer({ min: 1, max: 30 }), fc.integer(), (p, attempt, seed) => {
        const failure = { attempt, errorCode: 'HTTP_503', retryAfterMs: 1500 };
        expect(decideRetry(p, failure, seededRandom(seed))).toEqual(
          decideRetry(p, failure, seededRandom(seed)),
        );
      }),
    );
  });

  it('never shortens the base delay from one attempt to the next', () => {
    fc.assert(
      fc.property(policyArb, fc.integer({ min: 1, max: 2000 }), (p, attempt) => {
        expect(baseDelayMs(p, attempt + 1)).toBeGreaterThanOrEqual(baseDelayMs(p, attempt));
      }),
    );
  });
});
