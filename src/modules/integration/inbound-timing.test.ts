import { describe, expect, it } from 'vitest';
import { inboundTiming } from './inbound-timing.js';

const at = (iso: string) => new Date(iso);
const nightly = { mode: 'batch' as const, schedule: '0 2 * * *', windows: [] };
// 2026-11-25 is a Wednesday.
describe('inbound timing', () => {
  it('applies a real-time message without windows as it arrives', () => {
    expect(inboundTiming({ mode: 'real_time', windows: [] }, at('2026-11-25T12:00:00Z'))).toEqual({
      dueAt: null,
      reasons: ['applied as it arrives'],
    });
  });

  it('holds a batch message for its next tick, and ignores a schedule on a real-time flow', () => {
    const timing = inboundTiming(nightly, at('2026-11-25T12:00:00Z'));
    expect(timing.dueAt).toEqual(at('2026-11-26T02:00:00Z'));
    expect(timing.reasons).toEqual([expect.stringContaining('next tick (0 2 * * * UTC)')]);
    expect(inboundTiming({ ...nightly, mode: 'real_time' }, at('2026-11-25T12:00:00Z')).dueAt).toBeNull();
  });

  it('moves a message outside the windows to the next opening, after the tick when there is one', () => {
    const office = [{ days: [1, 2, 3, 4, 5], from: '08:00', to: '18:00' }];
    expect(
      inboundTiming({ mode: 'real_time', windows: office }, at('2026-11-25T12:00:00Z')).dueAt,
    ).toBeNull();
    const evening = inboundTiming({ mode: 'real_time', windows: office }, at('2026-11-27T19:00:00Z'));
    expect(evening.dueAt).toEqual(at('2026-11-30T08:00:00Z'));
    expect(evening.reasons).toEqual([expect.stringContaining('outside every integration window')]);
    // The nightly tick falls outside office hours: the message waits for the morning after it.
    const both = inboundTiming({ ...nightly, windows: office }, at('2026-11-25T12:00:00Z'));
    expect(both.dueAt).toEqual(at('2026-11-26T08:00:00Z'));
    expect(both.reasons).toHaveLength(2);
  });
});
