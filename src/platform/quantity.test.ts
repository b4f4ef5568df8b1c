import { describe, expect, it } from 'vitest';
import { AppError } from './errors.js';
import { fromMilli, toMilli } from './quantity.js';

const code = (quantity: number) => {
  try {
    return toMilli(quantity);
  } catch (error) {
    return error instanceof AppError ? error.code : String(error);
  }
};

describe('quantities in thousandths', () => {
  it('keeps three decimals exactly, binary noise included', () => {
    expect(toMilli(2.5)).toBe(2500);
    expect(toMilli(0.1 + 0.2)).toBe(300);
    expect(toMilli(0.001)).toBe(1);
    expect(toMilli(-4)).toBe(-4000);
    expect(toMilli(0)).toBe(0);
    expect(fromMilli(toMilli(12.345))).toBe(12.345);
  });

  it('refuses a fourth decimal, a quantity too small to hold, and one too large to count', () => {
    expect(code(0.0005)).toBe('QUANTITY_INVALID');
    // Within the tolerance for noise, yet not zero: it must not become none.
    expect(code(5e-324)).toBe('QUANTITY_INVALID');
    expect(code(1e-10)).toBe('QUANTITY_INVALID');
    expect(code(-1e-300)).toBe('QUANTITY_INVALID');
    expect(code(1e308)).toBe('QUANTITY_INVALID');
    expect(() => toMilli(1e308)).toThrow(/^Quantity 1e\+308 cannot be counted exactly/);
  });
});
