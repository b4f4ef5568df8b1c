import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decideBufferTrigger, type BufferTriggerInput } from './buffers.js';

function input(overrides: Partial<BufferTriggerInput> = {}): BufferTriggerInput {
  return {
    partNumber: 'SP-1',
    locationCode: 'VAN-1',
    wholeUnits: true,
    onHandMilli: 10_000,
    reservedMilli: 0,
    inboundMilli: 0,
    bufferMilli: 4_000,
    demand: { kind: 'given', perDayMilli: 2_000 },
    cycleHours: 24,
    order: { policy: 'order_up_to', levelMilli: 12_000 },
    source: { kind: 'transfer', locationCode: 'FSL-1', freeMilli: 50_000 },
    ...overrides,
  };
}

describe('decideBufferTrigger', () => {
  it('does not trigger while projected stock less the cycle’s demand covers the buffer', () => {
    // 10 on hand − 4 reserved = 6; 2/day × 24 h = 2 expected; 6 − 2 = 4 is not below 4.
    const d = decideBufferTrigger(input({ reservedMilli: 4_000 }));
    expect(d).toMatchObject({
      trigger: false,
      quantity: 0,
      projectedMilli: 6_000,
      expectedDemandMilli: 2_000,
      shortfallMilli: 0,
    });
    expect(d.reasons.at(-1)).toContain('covers the buffer of 4');
  });

  it('triggers when the demand expected before the next cycle would take stock below the buffer', () => {
    // 6 − 2 × 36/24 = 3 < 4: short by 1; order up to 12 from 6 projected = 6.
    const d = decideBufferTrigger(input({ reservedMilli: 4_000, cycleHours: 36 }));
    expect(d).toMatchObject({
      trigger: true,
      quantity: 6,
      quantityMilli: 6_000,
      projectedMilli: 6_000,
      expectedDemandMilli: 3_000,
      shortfallMilli: 1_000,
    });
    expect(d.reasons).toEqual([
      'projected available at VAN-1: on hand 10 − reserved 4 + inbound on open replenishments 0 = 6',
      'expected demand before the next cycle: 2/day (given) × 36 h = 3',
      '6 − 3 = 3 is below the buffer of 4: short by 1',
      'order up to 12: 12 − 6 = 6',
      'transfer from FSL-1, which has 50 free',
    ]);
  });

  it('gives the reasons docs/fulfillment.md shows for its example', () => {
    const d = decideBufferTrigger(
      input({
        locationCode: 'VAN-N-07',
        onHandMilli: 3_000,
        reservedMilli: 1_000,
        bufferMilli: 2_000,
        demand: { kind: 'history', windowDays: 30, issuedMilli: 15_000 },
        cycleHours: 24,
        order: { policy: 'order_up_to', levelMilli: 6_000 },
        source: { kind: 'transfer', locationCode: 'FSL-NORTH-1', freeMilli: 40_000 },
      }),
    );
    expect(d).toMatchObject({ trigger: true, quantity: 4 });
    expect(d.reasons).toEqual([
      'projected available at VAN-N-07: on hand 3 − reserved 1 + inbound on open replenishments 0 = 2',
      'expected demand before the next cycle: 0.5/day (15 issued at VAN-N-07 in the last 30 days) × 24 h = 0.5',
      '2 − 0.5 = 1.5 is below the buffer of 2: short by 0.5',
      'order up to 6: 6 − 2 = 4',
      'transfer from FSL-NORTH-1, which has 40 free',
    ]);
  });

  it('counts open replenishments as inbound, so stock already on its way is not raised again', () => {
    const short = input({ reservedMilli: 7_000 });
    expect(decideBufferTrigger(short).trigger).toBe(true);
    const covered = decideBufferTrigger({ ...short, inboundMilli: decideBufferTrigger(short).quantityMilli });
    expect(covered.trigger).toBe(false);
    expect(covered.reasons[0]).toContain('inbound on open replenishments 9');
  });

  it('derives the demand rate from the issues of the window when one is set', () => {
    // 15 issued over 30 days = 0.5/day; × 48 h = 1; 5 − 1 = 4 is not below 4, 4.5 − 1 would be.
    const d = decideBufferTrigger(
      input({
        wholeUnits: false,
        onHandMilli: 4_500,
        demand: { kind: 'history', windowDays: 30, issuedMilli: 15_000 },
        cycleHours: 48,
      }),
    );
    expect(d.expectedDemandMilli).toBe(1_000);
    expect(d.trigger).toBe(true);
    expect(d.reasons[1]).toBe(
      'expected demand before the next cycle: 0.5/day (15 issued at VAN-1 in the last 30 days) × 48 h = 1',
    );
  });

  it('rounds fractional expected demand up to the milli-unit', () => {
    // 7 issued in 30 days × 36 h = 0.35 exactly; 1/3 per day × 1 h = 0.01388… → 0.014.
    expect(
      decideBufferTrigger(
        input({ demand: { kind: 'history', windowDays: 30, issuedMilli: 7_000 }, cycleHours: 36 }),
      ).expectedDemandMilli,
    ).toBe(350);
    expect(
      decideBufferTrigger(
        input({ demand: { kind: 'history', windowDays: 3, issuedMilli: 1_000 }, cycleHours: 1 }),
      ).expectedDemandMilli,
    ).toBe(14);
  });

  it('raises whole multiples of a fixed order quantity that cover the shortfall', () => {
    // 3 − 2 = 1 against a buffer of 8: short by 7; lots of 5 → 2 × 5 = 10.
    const d = decideBufferTrigger(
      input({
        onHandMilli: 3_000,
        bufferMilli: 8_000,
        order: { policy: 'fixed_quantity', quantityMilli: 5_000 },
      }),
    );
    expect(d).toMatchObject({ trigger: true, quantity: 10, shortfallMilli: 7_000 });
    expect(d.reasons).toContain('fixed order quantity 5: 2 × 5 = 10 covers the shortfall of 7');
  });

  it('raises at least the shortfall when the order-up-to level is below buffer + expected demand', () => {
    // Level 5 but buffer 4 + demand 6 (2/day × 72 h): from 3 projected, 5 − 3 = 2 would leave it short.
    const d = decideBufferTrigger(
      input({ onHandMilli: 3_000, cycleHours: 72, order: { policy: 'order_up_to', levelMilli: 5_000 } }),
    );
    expect(d.shortfallMilli).toBe(7_000);
    expect(d.quantityMilli).toBe(7_000);
    expect(d.reasons).toContain(
      'the order-up-to level 5 does not reach buffer + expected demand (10): raising the shortfall 7',
    );
  });

  it('rounds a whole-unit part’s quantity up to whole units, and leaves a decimal part’s as it is', () => {
    const base = input({ onHandMilli: 4_000, demand: { kind: 'given', perDayMilli: 500 }, cycleHours: 12 });
    // 4 − 0.25 = 3.75 < 4: short by 0.25; order up to 4.2 from 4 → 0.2 < 0.25 → raise 0.25.
    const decimal = decideBufferTrigger({
      ...base,
      wholeUnits: false,
      order: { policy: 'order_up_to', levelMilli: 4_200 },
    });
    expect(decimal.quantityMilli).toBe(250);
    const whole = decideBufferTrigger({ ...base, order: { policy: 'order_up_to', levelMilli: 4_200 } });
    expect(whole.quantityMilli).toBe(1_000);
    expect(whole.reasons).toContain('rounded up to whole units: 1');
  });

  it('names the purchase, with its supplier, as the source of a requisition', () => {
    const d = decideBufferTrigger(
      input({ onHandMilli: 1_000, source: { kind: 'purchase', supplier: 'ACME' } }),
    );
    expect(d.reasons.at(-1)).toBe('purchase requisition to the ERP, supplier ACME');
    expect(
      decideBufferTrigger(
        input({ onHandMilli: 1_000, source: { kind: 'purchase', supplier: null } }),
      ).reasons.at(-1),
    ).toBe('purchase requisition to the ERP');
  });

  it('says so when the transfer source has less free stock than the quantity raised', () => {
    const d = decideBufferTrigger(
      input({ onHandMilli: 1_000, source: { kind: 'transfer', locationCode: 'FSL-1', freeMilli: 2_000 } }),
    );
    expect(d.quantity).toBe(11);
    expect(d.reasons.at(-1)).toBe(
      'transfer from FSL-1, which has only 2 free: the rest must be found elsewhere or bought',
    );
  });

  it('with no demand and no buffer, triggers only when nothing is available at all', () => {
    const zero = { bufferMilli: 0, demand: { kind: 'given' as const, perDayMilli: 0 } };
    expect(decideBufferTrigger(input({ ...zero, onHandMilli: 0 })).trigger).toBe(false);
    expect(decideBufferTrigger(input({ ...zero, bufferMilli: 1, onHandMilli: 0 })).trigger).toBe(true);
  });

  it('refuses negative or fractional milli-units, an empty demand window and a cycle of no time', () => {
    expect(() => decideBufferTrigger(input({ onHandMilli: -1 }))).toThrow(/onHandMilli/);
    expect(() => decideBufferTrigger(input({ bufferMilli: 0.5 }))).toThrow(/bufferMilli/);
    expect(() =>
      decideBufferTrigger(input({ demand: { kind: 'history', windowDays: 0, issuedMilli: 0 } })),
    ).toThrow(/window/);
    expect(() => decideBufferTrigger(input({ cycleHours: 0 }))).toThrow(/cycle/);
    expect(() =>
      decideBufferTrigger(input({ order: { policy: 'fixed_quantity', quantityMilli: 0 } })),
    ).toThrow(/fixed order quantity/);
  });

  const anyInput = fc.record({
    wholeUnits: fc.boolean(),
    onHand: fc.integer({ min: 0, max: 100_000 }),
    reservedShare: fc.double({ min: 0, max: 1, noNaN: true }),
    inboundMilli: fc.integer({ min: 0, max: 50_000 }),
    bufferMilli: fc.integer({ min: 0, max: 80_000 }),
    demand: fc.oneof(
      fc.record({ kind: fc.constant('given' as const), perDayMilli: fc.integer({ min: 0, max: 20_000 }) }),
      fc.record({
        kind: fc.constant('history' as const),
        windowDays: fc.integer({ min: 1, max: 365 }),
        issuedMilli: fc.integer({ min: 0, max: 500_000 }),
      }),
    ),
    cycleHours: fc.double({ min: 0.25, max: 720, noNaN: true }),
    order: fc.oneof(
      fc.record({
        policy: fc.constant('order_up_to' as const),
        levelMilli: fc.integer({ min: 1, max: 150_000 }),
      }),
      fc.record({
        policy: fc.constant('fixed_quantity' as const),
        quantityMilli: fc.integer({ min: 1, max: 30_000 }),
      }),
    ),
  });
  type Generated = typeof anyInput extends fc.Arbitrary<infer T> ? T : never;
  function build(g: Generated): BufferTriggerInput {
    return input({
      wholeUnits: g.wholeUnits,
      onHandMilli: g.onHand,
      reservedMilli: Math.floor(g.onHand * g.reservedShare),
      inboundMilli: g.inboundMilli,
      bufferMilli: g.bufferMilli,
      demand: g.demand,
      cycleHours: g.cycleHours,
      order: g.order,
    });
  }

  it('triggers exactly when projected − expected demand is below the buffer, and then raises at least the shortfall', () => {
    fc.assert(
      fc.property(anyInput, (g) => {
        const i = build(g);
        const d = decideBufferTrigger(i);
        const position = i.onHandMilli - i.reservedMilli + i.inboundMilli - d.expectedDemandMilli;
        expect(d.trigger).toBe(position < i.bufferMilli);
        if (d.trigger) {
          expect(d.quantityMilli).toBeGreaterThanOrEqual(d.shortfallMilli);
          expect(d.shortfallMilli).toBeGreaterThan(0);
          if (i.wholeUnits) expect(d.quantityMilli % 1000).toBe(0);
        } else expect(d.quantityMilli).toBe(0);
      }),
    );
  });

  it('never triggers again once what it raised is counted as inbound (no duplicate for one shortfall)', () => {
    fc.assert(
      fc.property(anyInput, (g) => {
        const i = build(g);
        const first = decideBufferTrigger(i);
        fc.pre(first.trigger);
        const again = decideBufferTrigger({ ...i, inboundMilli: i.inboundMilli + first.quantityMilli });
        expect(again.trigger).toBe(false);
      }),
    );
  });

  it('brings projected stock to the order-up-to level when that level clears the buffer', () => {
    fc.assert(
      fc.property(anyInput, (g) => {
        const i = build({ ...g, wholeUnits: false });
        fc.pre(i.order.policy === 'order_up_to');
        const d = decideBufferTrigger(i);
        fc.pre(
          d.trigger &&
            i.order.policy === 'order_up_to' &&
            i.order.levelMilli - d.projectedMilli >= d.shortfallMilli,
        );
        expect(d.projectedMilli + d.quantityMilli).toBe(
          i.order.policy === 'order_up_to' ? i.order.levelMilli : NaN,
        );
      }),
    );
  });
});
