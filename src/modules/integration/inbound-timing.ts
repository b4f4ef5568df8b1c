/**
 * When an inbound message is applied (M1.4). The hub always takes a message when it is sent
 * (stored raw, acknowledged: nothing waits on the sender's side); a batch flow with a cron
 * schedule applies what accumulated at its next tick, and a flow with integration windows
 * applies only inside one. A pure decision with its reasons, shown on the message.
 */
import {
  nextScheduledAt,
  nextWindowOpening,
  windowDecision,
  type IntegrationWindow,
} from './delivery/index.js';

export interface InboundTimingFlow {
  mode: 'real_time' | 'batch';
  schedule?: string | null | undefined;
  windows: readonly IntegrationWindow[];
}

export interface InboundTiming {
  /** null: apply now. Otherwise the earliest moment the message may be applied. */
  dueAt: Date | null;
  reasons: string[];
}

export function inboundTiming(flow: InboundTimingFlow, now: Date): InboundTiming {
  const reasons: string[] = [];
  let due: Date | null = null;
  if (flow.mode === 'batch' && flow.schedule) {
    due = nextScheduledAt(flow.schedule, now);
    if (due)
      reasons.push(`batch flow: applied at its next tick (${flow.schedule} UTC), ${due.toISOString()}`);
  }
  const at = due ?? now;
  const window = windowDecision(flow.windows, at);
  if (!window.open) {
    const opening = nextWindowOpening(flow.windows, at);
    if (opening) {
      due = opening;
      reasons.push(`${window.reasons.join('; ')}: applied when the next one opens, ${opening.toISOString()}`);
    }
  }
  if (due === null) reasons.push('applied as it arrives');
  return { dueAt: due, reasons };
}
