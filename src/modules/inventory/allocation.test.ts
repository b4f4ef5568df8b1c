import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_RESERVATION_POLICY,
  decideReservation,
  decideShortfall,
  outranks,
  type Claim,
} from './allocation.js';

const policy = DEFAULT_RESERVATION_POLICY;

function claim(overrides: Partial<Claim>): Claim {
  return {
    id: 'c',
    demandType: 'field_service',
    priority: 1,
    quantityMilli: 1000,
    createdAt: '2026-01-01T00:00:00.000Z',
    demandRef: 'WO',
    ...overrides,
  };
}

describe('decideReservation', () => {
  it('reserves from free stock when it covers the request', () => {
    const d = decideReservation(policy, claim({ quantityMilli: 2000 }), 2000, []);
    expect(d.kind).toBe('reserve');
    expect(d.reasons[0]).toContain('covers');
  });

  it('pre-empts an internal transfer for a field service job, whatever the transfer priority', () => {
    const transfer = claim({ id: 'to', demandType: 'internal_transfer', priority: 999 });
    const d = decideReservation(policy, claim({ id: 'wo', priority: 0 }), 0, [transfer]);
    expect(d).toMatchObject({ kind: 'preempt', victims: [transfer] });
  });

  it('never lets an internal transfer pre-empt field service', () => {
    const job = claim({ id: 'wo', priority: 0 });
    const d = decideReservation(
      policy,
      claim({ id: 'to', demandType: 'internal_transfer', priority: 999 }),
      0,
      [job],
    );
    expect(d.kind).toBe('refuse');
  });

  it('lets a higher job priority pre-empt a lower one, and takes the newest of equals first', () => {
    const older = claim({ id: 'old', priority: 1, createdAt: '2026-01-01T00:00:00.000Z' });
    const newer = claim({ id: 'new', priority: 1, createdAt: '2026-01-02T00:00:00.000Z' });
    const d = decideReservation(policy, claim({ id: 'hi', priority: 2 }), 0, [older, newer]);
    expect(d).toMatchObject({ kind: 'preempt', victims: [newer] });
  });

  it('refuses, pre-empting nothing, when the weaker claims cannot cover the shortfall', () => {
    const weak = claim({ id: 'to', demandType: 'internal_transfer', quantityMilli: 1000 });
    const d = decideReservation(policy, claim({ quantityMilli: 3000 }), 1000, [weak]);
    expect(d.kind).toBe('refuse');
    expect(d.reasons.join(' ')).toContain('hold only 1');
  });

  it('respects a policy that disables pre-emption', () => {
    const off = { ...policy, preemption: { enabled: false, minPriorityGap: 1 } };
    const d = decideReservation(off, claim({}), 0, [claim({ id: 'to', demandType: 'internal_transfer' })]);
    expect(d.kind).toBe('refuse');
  });

  it('never pre-empts an equal or stronger claim and always covers the request when it pre-empts (property)', () => {
    const arbClaim = fc.record({
      id: fc.uuid(),
      demandType: fc.constantFrom('field_service', 'internal_transfer', 'custom'),
      priority: fc.integer({ min: 0, max: 10 }),
      quantityMilli: fc.integer({ min: 1, max: 5 }).map((n) => n * 1000),
      createdAt: fc
        .date({ min: new Date('2026-01-01'), max: new Date('2026-12-31'), noInvalidDate: true })
        .map((d) => d.toISOString()),
      demandRef: fc.string(),
    });
    fc.assert(
      fc.property(
        arbClaim,
        fc.array(arbClaim, { maxLength: 12 }),
        fc.integer({ min: -2000, max: 6000 }),
        (request, open, available) => {
          const d = decideReservation(policy, request, available, open);
          if (d.kind === 'reserve') expect(available).toBeGreaterThanOrEqual(request.quantityMilli);
          if (d.kind === 'preempt') {
            const freed = d.victims.reduce((s, v) => s + v.quantityMilli, 0);
            expect(Math.max(0, available) + freed).toBeGreaterThanOrEqual(request.quantityMilli);
            for (const v of d.victims) expect(outranks(policy, request, v)).toBe(true);
            // Minimal: without the last victim the request would not be covered.
            const last = d.victims.at(-1)!;
            expect(Math.max(0, available) + freed - last.quantityMilli).toBeLessThan(request.quantityMilli);
          }
          expect(d.reasons.length).toBeGreaterThan(0);
        },
      ),
    );
  });
});

describe('decideShortfall', () => {
  it('gives way weakest first until the shortfall is covered', () => {
    const t = claim({ id: 'to', demandType: 'internal_transfer', quantityMilli: 1000 });
    const lo = claim({ id: 'lo', priority: 1, quantityMilli: 1000 });
    const hi = claim({ id: 'hi', priority: 9, quantityMilli: 1000 });
    expect(decideShortfall(policy, [hi, lo, t], 1500).map((c) => c.id)).toEqual(['to', 'lo']);
    expect(decideShortfall(policy, [hi, lo, t], 0)).toEqual([]);
  });
});
