import type { RedeliveryPolicy } from './nats-config.js';

/**
 * How long JetStream should hold a failed message before offering it again, after the
 * delivery numbered `deliveryCount` (1 = first) failed: initial x coefficient^(n-1), capped.
 */
export function redeliveryDelayMs(deliveryCount: number, policy: RedeliveryPolicy): number {
  const exponent = Math.max(0, Math.floor(deliveryCount) - 1);
  const delay = policy.initialIntervalMs * Math.pow(policy.backoffCoefficient, exponent);
  // Infinity or NaN from huge exponents collapse to the cap.
  if (!Number.isFinite(delay)) return policy.maximumIntervalMs;
  return Math.min(Math.round(delay), policy.maximumIntervalMs);
}
