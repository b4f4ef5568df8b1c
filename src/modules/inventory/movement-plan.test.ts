import { describe, expect, it } from 'vitest';
import { AppError } from '../../platform/errors.js';
import { planMovement, quantityToMilli, type PlanInput } from './movement-plan.js';

const part = { partNumber: 'P-1', wholeUnits: true, tracking: 'none' as const };

function plan(overrides: Partial<PlanInput>) {
  return planMovement({ type: 'receipt', part, locationId: 'A', quantity: 1, ...overrides });
}

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return error instanceof AppError ? error.code : 'NOT_APP_ERROR';
  }
  return undefined;
}

describe('planMovement', () => {
  it('posts a receipt as one positive line in available stock', () => {
    expect(plan({ quantity: 3 }).deltas).toEqual([
      { locationId: 'A', status: 'available', serial: '', lot: '', deltaMilli: 3000 },
    ]);
  });

  it('posts a transfer as a matching pair: out of the source and into the destination', () => {
    const p = plan({ type: 'transfer', toLocationId: 'B', quantity: 2, toStatus: 'in_transit' });
    expect(p.deltas).toEqual([
      { locationId: 'A', status: 'available', serial: '', lot: '', deltaMilli: -2000 },
      { locationId: 'B', status: 'in_transit', serial: '', lot: '', deltaMilli: 2000 },
    ]);
    expect(p.deltas.reduce((s, d) => s + d.deltaMilli, 0)).toBe(0);
  });

  it('posts a status change within one location', () => {
    const p = plan({ type: 'status_change', status: 'available', toStatus: 'defective', quantity: 1 });
    expect(p.deltas.map((d) => [d.status, d.deltaMilli])).toEqual([
      ['available', -1000],
      ['defective', 1000],
    ]);
  });

  it('signs an adjustment and requires a reason code', () => {
    expect(plan({ type: 'adjustment', quantity: -2, reasonCode: 'LOST' }).deltas[0]?.deltaMilli).toBe(-2000);
    expect(codeOf(() => plan({ type: 'adjustment', quantity: -2 }))).toBe('REASON_CODE_REQUIRED');
  });

  it('rejects zero, negative (except adjustments), fractional whole-unit and over-precise quantities', () => {
    expect(codeOf(() => plan({ quantity: 0 }))).toBe('QUANTITY_INVALID');
    expect(codeOf(() => plan({ quantity: -1 }))).toBe('QUANTITY_INVALID');
    expect(codeOf(() => plan({ quantity: 1.5 }))).toBe('QUANTITY_INVALID');
    expect(codeOf(() => plan({ quantity: Number.NaN }))).toBe('QUANTITY_INVALID');
    const cable = { partNumber: 'CABLE', wholeUnits: false, tracking: 'none' as const };
    expect(plan({ part: cable, quantity: 2.5 }).quantityMilli).toBe(2500);
    expect(codeOf(() => plan({ part: cable, quantity: 0.0001 }))).toBe('QUANTITY_INVALID');
  });

  it('expands serialized movements into one line per serial and checks the count', () => {
    const serialized = { ...part, tracking: 'serial' as const };
    const p = plan({ part: serialized, quantity: 2, serials: ['S1', 'S2'] });
    expect(p.deltas.map((d) => [d.serial, d.deltaMilli])).toEqual([
      ['S1', 1000],
      ['S2', 1000],
    ]);
    expect(codeOf(() => plan({ part: serialized, quantity: 3, serials: ['S1', 'S2'] }))).toBe(
      'SERIAL_INVALID',
    );
    expect(codeOf(() => plan({ part: serialized, quantity: 2, serials: ['S1', 'S1'] }))).toBe(
      'SERIAL_INVALID',
    );
    expect(codeOf(() => plan({ part: serialized, quantity: 1 }))).toBe('SERIAL_INVALID');
    expect(codeOf(() => plan({ quantity: 1, serials: ['S1'] }))).toBe('SERIAL_INVALID');
  });

  it('requires a lot for lot-tracked parts and refuses one otherwise', () => {
    const lotted = { ...part, tracking: 'lot' as const };
    expect(plan({ part: lotted, quantity: 5, lot: 'L1' }).deltas[0]).toMatchObject({
      lot: 'L1',
      deltaMilli: 5000,
    });
    expect(codeOf(() => plan({ part: lotted, quantity: 5 }))).toBe('MOVEMENT_INVALID');
    expect(codeOf(() => plan({ quantity: 5, lot: 'L1' }))).toBe('MOVEMENT_INVALID');
  });

  it('refuses fields that do not belong to the movement type', () => {
    expect(codeOf(() => plan({ type: 'receipt', toLocationId: 'B' }))).toBe('MOVEMENT_INVALID');
    expect(codeOf(() => plan({ type: 'issue', toStatus: 'defective' }))).toBe('MOVEMENT_INVALID');
    expect(codeOf(() => plan({ type: 'receipt', reservationId: 'r' }))).toBe('MOVEMENT_INVALID');
    expect(codeOf(() => plan({ type: 'transfer' }))).toBe('MOVEMENT_INVALID');
    expect(codeOf(() => plan({ type: 'transfer', toLocationId: 'A' }))).toBe('MOVEMENT_INVALID');
    expect(codeOf(() => plan({ type: 'status_change', toStatus: 'available' }))).toBe('MOVEMENT_INVALID');
  });
});

describe('quantityToMilli', () => {
  it('converts exactly to thousandths', () => {
    expect(quantityToMilli({ partNumber: 'X', wholeUnits: false }, 0.001)).toBe(1);
    expect(quantityToMilli({ partNumber: 'X', wholeUnits: false }, 1.1)).toBe(1100);
  });
});
