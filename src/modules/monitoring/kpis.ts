/**
 * The decisions behind the service KPIs (M7.1): how healthy a system's integration is. Pure:
 * counts in, a verdict and its reasons out, so the dashboard can say why a system is red.
 * (Whether a work order line was filled from stock is fulfillment's: plan-figures.ts.)
 */

export const SYSTEM_HEALTHS = ['healthy', 'degraded', 'failing', 'idle'] as const;
export type SystemHealth = (typeof SYSTEM_HEALTHS)[number];

export interface SystemTraffic {
  /** Inbound messages received in the window, and how many of those failed or died. */
  received: number;
  failed: number;
  /** Dead letters waiting for someone now, either direction, whenever they arrived. */
  dead: number;
  /** Outbound deliveries made in the window, and those still retrying now. */
  delivered: number;
  retrying: number;
  breaker: 'closed' | 'open' | 'half_open' | null;
}

/** Errors above this share of the window's traffic make a system degraded even with no dead letter. */
export const DEGRADED_ERROR_RATE = 0.05;

/**
 * Failing when someone must act (a dead letter waits, or the breaker has stopped deliveries);
 * degraded when messages fail but are still retried; idle when nothing moved in the window.
 */
export function systemHealth(t: SystemTraffic): { health: SystemHealth; reasons: string[] } {
  const reasons: string[] = [];
  if (t.breaker === 'open') reasons.push('circuit breaker open: deliveries paused');
  if (t.dead > 0)
    reasons.push(`${t.dead} dead letter${t.dead === 1 ? '' : 's'} waiting for retry or discard`);
  if (reasons.length > 0) return { health: 'failing', reasons };

  const traffic = t.received + t.delivered + t.retrying;
  if (t.breaker === 'half_open') reasons.push('circuit breaker half open: probing the system');
  if (t.retrying > 0) reasons.push(`${t.retrying} deliver${t.retrying === 1 ? 'y' : 'ies'} retrying`);
  const rate = traffic === 0 ? 0 : (t.failed + t.retrying) / traffic;
  if (t.failed > 0 && rate > DEGRADED_ERROR_RATE)
    reasons.push(`${(rate * 100).toFixed(1)} % of messages failed (above ${DEGRADED_ERROR_RATE * 100} %)`);
  if (reasons.length > 0) return { health: 'degraded', reasons };

  if (traffic === 0) return { health: 'idle', reasons: ['no messages in the window'] };
  return {
    health: 'healthy',
    reasons: [`${t.received} received, ${t.delivered} delivered, ${t.failed} failed and retried`],
  };
}
