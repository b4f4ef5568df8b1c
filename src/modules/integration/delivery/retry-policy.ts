/**
 * When a failed outbound delivery is tried again, and when it goes to the dead-letter list.
 * The vocabulary is Temporal's RetryPolicy (initialInterval, backoffCoefficient,
 * maximumInterval, maximumAttempts, nonRetryableErrorTypes), in milliseconds and with our
 * error codes instead of error types.
 */
import { z } from 'zod';
import type { Random } from '../../../platform/random.js';
import { formatDuration, toIso, toMs, type Instant } from './instant.js';

/** Only `next()` is used, so a seeded source makes every decision replayable. */
export type RandomSource = Pick<Random, 'next'>;

export const retryPolicySchema = z
  .object({
    initialIntervalMs: z.number().int().positive().default(1000),
    /** At least 1, so the base delay never shrinks from one attempt to the next. */
    backoffCoefficient: z.number().min(1).max(100).default(2),
    maximumIntervalMs: z
      .number()
      .int()
      .positive()
      .default(5 * 60_000),
    /** Total attempts including the first; 0 means unlimited (Temporal's convention). */
    maximumAttempts: z.number().int().min(0).default(10),
    nonRetryableErrorCodes: z.array(z.string().min(1)).default(() => []),
    /** Fraction of the delay that may be taken off at random: 0 = none, 1 = full jitter. */
    jitter: z.number().min(0).max(1).default(0.2),
  })
  .strict()
  .refine((p) => p.maximumIntervalMs >= p.initialIntervalMs, {
    message: 'maximumIntervalMs cannot be less than initialIntervalMs',
    path: ['maximumIntervalMs'],
  });

export type RetryPolicy = z.infer<typeof retryPolicySchema>;
export type RetryPolicyInput = z.input<typeof retryPolicySchema>;

/** 1 s, ×2, capped at 5 min, 10 attempts, 20 % jitter, every error code retryable. */
export const DEFAULT_RETRY_POLICY: RetryPolicy = retryPolicySchema.parse({});

export interface DeliveryFailure {
  /** How many attempts have been made, counting the one that just failed (1 after the first). */
  attempt: number;
  errorCode: string;
  /** The server's Retry-After, already converted to milliseconds from now. */
  retryAfterMs?: number | undefined;
}

export type RetryDecision =
  { kind: 'retry'; delayMs: number; reasons: string[] } | { kind: 'dead_letter'; reasons: string[] };

/**
 * The delay before the next attempt, without jitter: initialInterval × coefficient^(attempt−1),
 * capped at maximumInterval. Non-decreasing in `attempt` because the coefficient is ≥ 1.
 */
export function baseDelayMs(policy: RetryPolicy, attempt: number): number {
  // Math.pow overflows to Infinity for huge attempts; the cap absorbs it.
  const raw = policy.initialIntervalMs * Math.pow(policy.backoffCoefficient, Math.max(0, attempt - 1));
  return Math.min(policy.maximumIntervalMs, Math.round(raw));
}

/**
 * Decides whether a failed delivery is retried and after how long.
 *
 * Jitter is proportional and downward only: delay = base × (1 − jitter × r), r ∈ [0, 1) from
 * `random`. jitter = 1 is AWS-style "full jitter"; downward-only keeps every delay within
 * maximumInterval. A server's Retry-After is a floor (we never call back sooner than asked),
 * itself capped at maximumInterval so one server cannot park a message for hours. `random` is
 * read exactly once per retry decision and never for a dead-letter decision.
 */
export function decideRetry(
  policy: RetryPolicy,
  failure: DeliveryFailure,
  random: RandomSource,
): RetryDecision {
  const { attempt, errorCode } = failure;
  if (!Number.isInteger(attempt) || attempt < 1) {
    throw new RangeError(`attempt must be a positive integer, got ${attempt}`);
  }
  const unlimited = policy.maximumAttempts === 0;
  const reasons = [
    `attempt ${attempt}${unlimited ? ' (no attempt limit)' : ` of ${policy.maximumAttempts}`} failed with ${errorCode}`,
  ];

  if (policy.nonRetryableErrorCodes.includes(errorCode)) {
    reasons.push(`${errorCode} is a non-retryable error code: trying again cannot succeed`);
    return { kind: 'dead_letter', reasons };
  }
  if (!unlimited && attempt >= policy.maximumAttempts) {
    reasons.push(`all ${policy.maximumAttempts} attempts are used up`);
    return { kind: 'dead_letter', reasons };
  }

  const base = baseDelayMs(policy, attempt);
  const uncapped = policy.initialIntervalMs * Math.pow(policy.backoffCoefficient, attempt - 1);
  reasons.push(
    uncapped > policy.maximumIntervalMs
      ? `backoff reached the maximum interval of ${formatDuration(policy.maximumIntervalMs)}`
      : `backoff ${formatDuration(base)} (${formatDuration(policy.initialIntervalMs)} × ${policy.backoffCoefficient}^${attempt - 1})`,
  );
  // Clamped because a Random that returns exactly 1 (or worse) would break the bounds.
  const r = Math.min(Math.max(random.next(), 0), 1);
  let delayMs = Math.floor(base * (1 - policy.jitter * r));
  if (policy.jitter > 0) {
    reasons.push(
      `jitter of up to ${Math.round(policy.jitter * 100)} % brings it to ${formatDuration(delayMs)}`,
    );
  }

  const retryAfter = failure.retryAfterMs;
  if (retryAfter !== undefined) {
    if (!Number.isFinite(retryAfter) || retryAfter < 0) {
      reasons.push(`ignored an unusable Retry-After (${retryAfter})`);
    } else {
      const honoured = Math.min(Math.ceil(retryAfter), policy.maximumIntervalMs);
      if (honoured <= delayMs) {
        reasons.push(`the server's Retry-After (${formatDuration(retryAfter)}) is within the backoff`);
      } else if (honoured < retryAfter) {
        delayMs = honoured;
        reasons.push(
          `the server asked to wait ${formatDuration(retryAfter)}, more than the maximum interval: waiting ${formatDuration(honoured)}`,
        );
      } else {
        delayMs = honoured;
        reasons.push(`waiting ${formatDuration(honoured)} as the server's Retry-After asks`);
      }
    }
  }
  reasons.push(`next attempt will be ${attempt + 1}`);
  return { kind: 'retry', delayMs, reasons };
}

/** The instant to store as the message's next_attempt_at, ISO-8601 UTC. */
export function nextAttemptAt(now: Instant, delayMs: number): string {
  return toIso(toMs(now) + delayMs);
}
