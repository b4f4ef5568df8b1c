/**
 * A circuit breaker per external system, as a pure state machine over a plain object that is
 * stored in a row: closed (calls flow) → open (calls held) → half_open (a few probes) → closed
 * on a good probe, or open again, for longer, on a bad one.
 */
import { z } from 'zod';
import { formatDuration, toIso, toMs, type Instant } from './instant.js';

export const BREAKER_STATUSES = ['closed', 'open', 'half_open'] as const;
export type BreakerStatus = (typeof BREAKER_STATUSES)[number];

export const breakerConfigSchema = z
  .object({
    /** Consecutive failures, while closed, that open the breaker. */
    failureThreshold: z.number().int().min(1).default(5),
    /** How long the first opening lasts. */
    openForMs: z.number().int().positive().default(30_000),
    /** Each consecutive re-open (a failed probe) multiplies the open period by this. */
    openForMultiplier: z.number().min(1).max(100).default(2),
    maxOpenForMs: z
      .number()
      .int()
      .positive()
      .default(10 * 60_000),
    halfOpenMaxProbes: z.number().int().min(1).default(1),
    /** A probe that reports nothing for this long (say its worker died) counts as failed. */
    probeTimeoutMs: z
      .number()
      .int()
      .positive()
      .default(2 * 60_000),
  })
  .strict()
  .refine((c) => c.maxOpenForMs >= c.openForMs, {
    message: 'maxOpenForMs cannot be less than openForMs',
    path: ['maxOpenForMs'],
  });

export type BreakerConfig = z.infer<typeof breakerConfigSchema>;
export type BreakerConfigInput = z.input<typeof breakerConfigSchema>;

/** 5 consecutive failures open it for 30 s, doubling per re-open up to 10 min; one probe. */
export const DEFAULT_BREAKER_CONFIG: BreakerConfig = breakerConfigSchema.parse({});

/** Instants are ISO-8601 strings so the state round-trips through JSON and a row unchanged. */
export const breakerStateSchema = z
  .object({
    status: z.enum(BREAKER_STATUSES),
    consecutiveFailures: z.number().int().min(0),
    /** Consecutive re-opens since the breaker was last closed; drives the growing open period. */
    reopenCount: z.number().int().min(0),
    openedAt: z.string().nullable(),
    openUntil: z.string().nullable(),
    probesInFlight: z.number().int().min(0),
    /** When the oldest probe of this half-open period was let through. */
    probeStartedAt: z.string().nullable(),
  })
  .strict();

export type BreakerState = z.infer<typeof breakerStateSchema>;

/** A closed breaker with no history: the state of a newly registered system. */
export function initialBreakerState(): BreakerState {
  return {
    status: 'closed',
    consecutiveFailures: 0,
    reopenCount: 0,
    openedAt: null,
    openUntil: null,
    probesInFlight: 0,
    probeStartedAt: null,
  };
}

export interface BreakerTransition {
  state: BreakerState;
  reasons: string[];
}

export interface BreakerPermission extends BreakerTransition {
  allowed: boolean;
}

/** The open period for the n-th consecutive re-open (0 = first opening), capped. */
export function openPeriodMs(config: BreakerConfig, reopenCount: number): number {
  const raw = config.openForMs * Math.pow(config.openForMultiplier, Math.max(0, reopenCount));
  return Math.min(config.maxOpenForMs, Math.round(raw));
}

function opened(config: BreakerConfig, nowMs: number, reopenCount: number, consecutiveFailures: number) {
  const periodMs = openPeriodMs(config, reopenCount);
  const state: BreakerState = {
    status: 'open',
    consecutiveFailures,
    reopenCount,
    openedAt: toIso(nowMs),
    openUntil: toIso(nowMs + periodMs),
    probesInFlight: 0,
    probeStartedAt: null,
  };
  return { state, periodMs };
}

function reopen(config: BreakerConfig, state: BreakerState, nowMs: number, why: string): BreakerTransition {
  const { state: next, periodMs } = opened(
    config,
    nowMs,
    state.reopenCount + 1,
    state.consecutiveFailures + 1,
  );
  return {
    state: next,
    reasons: [
      why,
      `breaker re-opens (re-open ${next.reopenCount} in a row) for ${formatDuration(periodMs)}, until ${next.openUntil}`,
    ],
  };
}

/**
 * Applies the result of one call to the system. A result that arrives while open came from a
 * call sent before the breaker opened, and changes nothing. While half-open any result is
 * taken as the probe's: a success closes the breaker, a failure re-opens it for longer.
 */
export function breakerOnResult(
  state: BreakerState,
  result: { ok: boolean; now: Instant },
  config: BreakerConfig = DEFAULT_BREAKER_CONFIG,
): BreakerTransition {
  const nowMs = toMs(result.now);
  switch (state.status) {
    case 'closed': {
      if (result.ok) {
        const reasons = ['call succeeded; breaker stays closed'];
        if (state.consecutiveFailures > 0) {
          reasons.push(`the run of ${state.consecutiveFailures} consecutive failure(s) is reset`);
        }
        return { state: { ...initialBreakerState() }, reasons };
      }
      const failures = state.consecutiveFailures + 1;
      if (failures < config.failureThreshold) {
        return {
          state: { ...state, consecutiveFailures: failures },
          reasons: [
            `failure ${failures} in a row of ${config.failureThreshold} allowed; breaker stays closed`,
          ],
        };
      }
      const { state: next, periodMs } = opened(config, nowMs, 0, failures);
      return {
        state: next,
        reasons: [
          `${failures} consecutive failures reached the threshold of ${config.failureThreshold}`,
          `breaker opens for ${formatDuration(periodMs)}, until ${next.openUntil}`,
        ],
      };
    }
    case 'open':
      return {
        state,
        reasons: [
          `a ${result.ok ? 'success' : 'failure'} from a call sent before the breaker opened is ignored; open until ${state.openUntil}`,
        ],
      };
    case 'half_open':
      if (result.ok) {
        return {
          state: { ...initialBreakerState() },
          reasons: ['the half-open probe succeeded; breaker closes and its history is cleared'],
        };
      }
      return reopen(config, state, nowMs, 'the half-open probe failed');
  }
}

/**
 * Asks whether one call to the system may go now. Letting a call through can change the state
 * (an expired open period turns half-open, a probe slot is taken), so the caller stores the
 * returned state whether or not the call was allowed.
 */
export function breakerAllows(
  state: BreakerState,
  now: Instant,
  config: BreakerConfig = DEFAULT_BREAKER_CONFIG,
): BreakerPermission {
  const nowMs = toMs(now);
  switch (state.status) {
    case 'closed':
      return { allowed: true, state, reasons: ['breaker is closed: calls flow'] };
    case 'open': {
      const untilMs = state.openUntil === null ? nowMs : toMs(state.openUntil);
      if (nowMs < untilMs) {
        return {
          allowed: false,
          state,
          reasons: [`breaker is open until ${state.openUntil} (${formatDuration(untilMs - nowMs)} left)`],
        };
      }
      return {
        allowed: true,
        state: { ...state, status: 'half_open', probesInFlight: 1, probeStartedAt: toIso(nowMs) },
        reasons: [
          `the open period ended at ${state.openUntil}; breaker is half-open`,
          `this call is probe 1 of at most ${config.halfOpenMaxProbes}`,
        ],
      };
    }
    case 'half_open': {
      const startedMs = state.probeStartedAt === null ? null : toMs(state.probeStartedAt);
      if (state.probesInFlight > 0 && startedMs !== null && nowMs - startedMs >= config.probeTimeoutMs) {
        const t = reopen(
          config,
          state,
          nowMs,
          `the probe let through at ${state.probeStartedAt} gave no result within ${formatDuration(config.probeTimeoutMs)}; counted as failed`,
        );
        return { allowed: false, ...t };
      }
      if (state.probesInFlight < config.halfOpenMaxProbes) {
        const probe = state.probesInFlight + 1;
        return {
          allowed: true,
          state: { ...state, probesInFlight: probe, probeStartedAt: state.probeStartedAt ?? toIso(nowMs) },
          reasons: [
            `breaker is half-open: this call is probe ${probe} of at most ${config.halfOpenMaxProbes}`,
          ],
        };
      }
      return {
        allowed: false,
        state,
        reasons: [
          `breaker is half-open and ${state.probesInFlight} probe(s) are already in flight; waiting for a result`,
        ],
      };
    }
  }
}
