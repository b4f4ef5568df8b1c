import { describe, expect, it } from 'vitest';
import { alphaOut, sapDate, sapNumber } from './sap-values.js';

describe('SAP values', () => {
  it('reads SAP decimals, including the trailing minus, and refuses anything else', () => {
    expect(sapNumber('12.500')).toBe(12.5);
    expect(sapNumber(' 3 ')).toBe(3);
    expect(sapNumber('5.000-')).toBe(-5);
    expect(sapNumber('-5.000')).toBe(-5);
    for (const bad of ['12,5', '1e3', '', '-', '-5-', 'NaN', '9'.repeat(400)])
      expect(sapNumber(bad)).toBeUndefined();
  });

  it('reads CCYYMMDD dates, treats the zero date as absent and refuses impossible ones', () => {
    expect(sapDate('20240229')).toEqual({ ok: true, value: '2024-02-29' });
    expect(sapDate('00000000')).toEqual({ ok: true, value: undefined });
    expect(sapDate('20230229')).toEqual({ ok: false });
    expect(sapDate('2024-06-11')).toEqual({ ok: false });
  });

  it('strips zero padding from numeric keys only', () => {
    expect(alphaOut('000000000000100234')).toBe('100234');
    expect(alphaOut('0000')).toBe('0');
    expect(alphaOut('0000X-HOSE-22')).toBe('0000X-HOSE-22');
  });
});
