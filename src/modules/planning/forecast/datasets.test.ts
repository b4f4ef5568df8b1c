import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadDataset, parseTsf, parseWideCsv } from './datasets.js';

// The real files: copies of ../shared/data kept in test/fixtures/data (a clean clone has no ../shared).
const DATA = fileURLToPath(new URL('../../../../test/fixtures/data', import.meta.url));

describe('the car parts .tsf (Monash archive)', () => {
  const carparts = loadDataset('carparts', DATA);

  it('reads 2,674 monthly series of 51 months, named T1..T2674, from January 1998', () => {
    expect(carparts.frequency).toBe('monthly');
    expect(carparts.series).toHaveLength(2674);
    expect(new Set(carparts.series.map((s) => s.values.length))).toEqual(new Set([51]));
    expect(carparts.series[0]!.name).toBe('T1');
    expect(carparts.series.at(-1)!.name).toBe('T2674');
    expect(carparts.series[0]!.start).toBe('1998-01-01');
  });

  it('keeps `?` as missing: 165 series have gaps, T1 from its 15th month', () => {
    const withGaps = carparts.series.filter((s) => s.values.includes(null));
    expect(withGaps).toHaveLength(165);
    const t1 = carparts.series[0]!.values;
    expect(t1.slice(0, 14)).toEqual([0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 1]);
    expect(t1.slice(14).every((v) => v === null)).toBe(true);
  });

  it('holds whole non-negative numbers only', () => {
    const values = carparts.series.flatMap((s) => s.values).filter((v) => v !== null);
    expect(values.every((v) => Number.isInteger(v) && v >= 0)).toBe(true);
  });
});

describe('RAF.csv and Auto.csv (one series a row, header = month index)', () => {
  it('reads 5,000 RAF series of 84 months', () => {
    const raf = loadDataset('raf', DATA);
    expect(raf.series).toHaveLength(5000);
    expect(new Set(raf.series.map((s) => s.values.length))).toEqual(new Set([84]));
    expect(raf.series[0]!.values.slice(0, 6)).toEqual([6, 2, 0, 0, 1, 0]);
  });

  it('reads 3,000 Auto series of 24 months', () => {
    const auto = loadDataset('auto', DATA);
    expect(auto.series).toHaveLength(3000);
    expect(new Set(auto.series.map((s) => s.values.length))).toEqual(new Set([24]));
    expect(auto.series[0]!.values).toEqual([
      2, 1, 4, 1, 1, 0, 0, 0, 3, 0, 0, 5, 5, 4, 3, 9, 21, 26, 15, 7, 0, 21, 32, 59,
    ]);
  });
});

describe('reader refusals name the file and line', () => {
  it('refuses a tsf value that is not a number, or `?` where @missing is false', () => {
    const tsf = (missing: string, data: string) =>
      `@relation x\r\n@attribute series_name string\r\n@missing ${missing}\r\n@data\r\n${data}\r\n`;
    expect(() => parseTsf(tsf('true', 'A:1,x,3'), 'f.tsf')).toThrow(/f.tsf line 5: 'x' is not a number/);
    expect(() => parseTsf(tsf('false', 'A:1,?,3'), 'f.tsf')).toThrow(/'\?' is not a number/);
    expect(parseTsf(tsf('true', 'A:1,?,3')).series[0]!.values).toEqual([1, null, 3]);
    expect(() => parseTsf('@relation x\n')).toThrow(/no @data/);
  });

  it('refuses a CSV row of the wrong width, an empty cell, or a header that is not 0, 1, 2...', () => {
    expect(() => parseWideCsv('0,1,2\n1,2\n', 'w.csv')).toThrow(
      /w.csv line 2: 2 values where the header has 3/,
    );
    expect(() => parseWideCsv('0,1\n1,\n', 'w.csv')).toThrow(/'' is not a number/);
    expect(() => parseWideCsv('a,b\n1,2\n', 'w.csv')).toThrow(/header/);
    expect(() => loadDataset('raf', '/nonexistent')).toThrow(/cannot read/);
  });
});
