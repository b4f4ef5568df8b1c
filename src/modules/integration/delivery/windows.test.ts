import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { nextWindowOpening, windowDecision, type IntegrationWindow } from './windows.js';

const at = (iso: string) => new Date(iso);
// 2026-11-25 is a Wednesday (3).
describe('integration windows', () => {
  it('is open any time without windows', () => {
    expect(windowDecision([], at('2026-11-25T12:00:00Z')).open).toBe(true);
  });

  it('opens inside a same-day window and closes at its end', () => {
    const w = [{ days: [1, 2, 3, 4, 5], from: '08:00', to: '18:00' }];
    expect(windowDecision(w, at('2026-11-25T07:59:00Z')).open).toBe(false);
    expect(windowDecision(w, at('2026-11-25T08:00:00Z')).open).toBe(true);
    expect(windowDecision(w, at('2026-11-25T17:59:00Z')).open).toBe(true);
    expect(windowDecision(w, at('2026-11-25T18:00:00Z'))).toMatchObject({
      open: false,
      reasons: [expect.stringContaining('Mon,Tue,Wed,Thu,Fri 08:00–18:00 UTC')],
    });
    expect(windowDecision(w, at('2026-11-29T12:00:00Z')).open).toBe(false); // Sunday
  });

  it('carries an overnight window into the next morning of the day it opened', () => {
    const w = [{ days: [3], from: '22:00', to: '04:00' }]; // Wednesday night
    expect(windowDecision(w, at('2026-11-25T21:59:00Z')).open).toBe(false);
    expect(windowDecision(w, at('2026-11-25T23:30:00Z')).open).toBe(true);
    expect(windowDecision(w, at('2026-11-26T03:59:00Z')).open).toBe(true); // Thursday morning
    expect(windowDecision(w, at('2026-11-26T04:00:00Z')).open).toBe(false);
    expect(windowDecision(w, at('2026-11-25T02:00:00Z')).open).toBe(false); // Tuesday night's tail is not Wednesday's
  });

  it('a window of all days from 00:00 to 00:00 is always open (property)', () => {
    const w = [{ days: [0, 1, 2, 3, 4, 5, 6], from: '00:00', to: '00:00' }];
    fc.assert(
      fc.property(
        fc.date({ min: new Date('2000-01-01'), max: new Date('2100-01-01'), noInvalidDate: true }),
        (d) => windowDecision(w, d).open,
      ),
    );
  });

  it('finds the next opening: later today, tomorrow, after a weekend, or now when open', () => {
    const office = [{ days: [1, 2, 3, 4, 5], from: '08:00', to: '18:00' }];
    expect(nextWindowOpening(office, at('2026-11-25T07:00:00Z'))).toEqual(at('2026-11-25T08:00:00Z'));
    expect(nextWindowOpening(office, at('2026-11-25T18:00:00Z'))).toEqual(at('2026-11-26T08:00:00Z'));
    expect(nextWindowOpening(office, at('2026-11-27T19:00:00Z'))).toEqual(at('2026-11-30T08:00:00Z')); // Fri → Mon
    expect(nextWindowOpening(office, at('2026-11-25T12:34:00Z'))).toEqual(at('2026-11-25T12:34:00Z'));
    expect(nextWindowOpening([], at('2026-11-25T12:34:00Z'))).toBeNull();
  });

  const windowArb: fc.Arbitrary<IntegrationWindow> = fc.record({
    days: fc.uniqueArray(fc.integer({ min: 0, max: 6 }), { minLength: 1, maxLength: 7 }),
    from: fc.tuple(fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 59 })).map(hhmm),
    to: fc.tuple(fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 59 })).map(hhmm),
  });

  it('the next opening is open, and every minute before it is closed (property)', () => {
    fc.assert(
      fc.property(
        fc.array(windowArb, { minLength: 1, maxLength: 3 }),
        fc.date({ min: new Date('2020-01-01'), max: new Date('2030-01-01'), noInvalidDate: true }),
        (windows, d) => {
          const now = new Date(Math.floor(d.getTime() / 60_000) * 60_000);
          const opening = nextWindowOpening(windows, now)!;
          expect(opening).not.toBeNull();
          expect(windowDecision(windows, opening).open).toBe(true);
          for (let t = now.getTime(); t < opening.getTime(); t += 60_000)
            expect(windowDecision(windows, new Date(t)).open).toBe(false);
        },
      ),
      { numRuns: 100 },
    );
  });
});

function hhmm([h, m]: [number, number]): string {
  return `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`;
}
