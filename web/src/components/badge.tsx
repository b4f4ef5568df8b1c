import { humanize } from '../format';

export type Tone = 'good' | 'warn' | 'bad' | 'info' | 'neutral';

/** Which tone each state word of the hub takes; anything unknown stays neutral. */
const TONES: Record<string, Tone> = {
  healthy: 'good',
  live: 'good',
  applied: 'good',
  sourced: 'good',
  completed: 'good',
  approved: 'good',
  open: 'info',
  delivered: 'good',
  ok: 'good',
  degraded: 'warn',
  shadow: 'info',
  shadowed: 'info',
  scheduled: 'info',
  awaiting_approval: 'warn',
  pending: 'warn',
  proposed: 'warn',
  running: 'info',
  received: 'info',
  processing: 'info',
  backordered: 'warn',
  failing: 'bad',
  failed: 'bad',
  dead: 'bad',
  rejected: 'bad',
  interrupted: 'bad',
  blocks_service_job: 'bad',
  delays_replenishment: 'warn',
  disabled: 'neutral',
  idle: 'neutral',
  cancelled: 'neutral',
  discarded: 'neutral',
  released: 'neutral',
  consumed: 'neutral',
  preempted: 'warn',
  resolved: 'good',
};

/** A state shown as a coloured word (never colour alone: the word is always there). */
export function Badge({ value, tone }: { value: string; tone?: Tone }) {
  return <span className={`badge badge-${tone ?? TONES[value] ?? 'neutral'}`}>{humanize(value)}</span>;
}
