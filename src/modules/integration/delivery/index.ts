/**
 * The outbox relay's decision rules: retry, circuit breaker, per-key ordering and error
 * impact. Pure functions of their inputs (now and randomness included); this is their only
 * public door.
 */
export { type Instant } from './instant.js';
export {
  retryPolicySchema,
  DEFAULT_RETRY_POLICY,
  baseDelayMs,
  decideRetry,
  nextAttemptAt,
  type RandomSource,
  type RetryPolicy,
  type RetryPolicyInput,
  type DeliveryFailure,
  type RetryDecision,
} from './retry-policy.js';
export {
  BREAKER_STATUSES,
  breakerConfigSchema,
  breakerStateSchema,
  DEFAULT_BREAKER_CONFIG,
  initialBreakerState,
  openPeriodMs,
  breakerOnResult,
  breakerAllows,
  type BreakerStatus,
  type BreakerConfig,
  type BreakerConfigInput,
  type BreakerState,
  type BreakerTransition,
  type BreakerPermission,
} from './circuit-breaker.js';
export {
  OUTBOX_STATES,
  compareSeq,
  selectDeliverable,
  type OutboxState,
  type PendingMessage,
  type SelectOptions,
  type Selection,
} from './ordering.js';
export {
  IMPACTS,
  impactRuleSchema,
  DEFAULT_IMPACT_RULES,
  normaliseSubject,
  classifyImpact,
  sortByImpact,
  type Impact,
  type ImpactRule,
  type ImpactInput,
  type ImpactClassification,
  type ImpactSortable,
} from './error-impact.js';
export {
  nextWindowOpening,
  windowDecision,
  type IntegrationWindow,
  type WindowDecision,
} from './windows.js';
export { nextScheduledAt, isValidSchedule } from './schedule.js';
