import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from './canonical.js';

// The copying version canonicalJson had before it learned to keep objects already in key
// order: the audit chain's hashes are over its text, so the two must agree on every value.
function copyingCanonicalJson(value: unknown): string {
  const sortKeys = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(sortKeys);
    if (v !== null && typeof v === 'object') {
      const out: Record<string, unknown> = {};
      for (const key of Object.keys(v).sort()) {
        const item = (v as Record<string, unknown>)[key];
        if (item !== undefined) out[key] = sortKeys(item);
      }
      return out;
    }
    return v;
  };
  return JSON.stringify(sortKeys(value));
}

/** Objects whose keys are often already in order, as the hub builds its audit records. */
const inOrder = fc
  .dictionary(fc.string(), fc.jsonValue())
  .map((d) => Object.fromEntries(Object.entries(d).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))));

describe('canonicalJson', () => {
  it('writes the same text as the copying version for any value (property)', () => {
    const value = fc.oneof(
      fc.anything({ withDate: true, withNullPrototype: true, withSparseArray: true, withBoxedValues: true }),
      fc.array(inOrder),
      fc.record({ parts: fc.array(inOrder), note: fc.option(fc.string()) }),
    );
    fc.assert(
      fc.property(value, (v) => {
        expect(canonicalJson(v)).toBe(copyingCanonicalJson(v));
      }),
      { numRuns: 2000 },
    );
  });

  it('sorts keys at every depth, including integer-like keys and those of class instances', () => {
    class Point {
      constructor(
        public y: number,
        public x: number,
      ) {}
    }
    expect(canonicalJson({ b: 1, a: { d: [{ z: 1, y: 2 }], c: undefined }, 10: 'x', 9: 'y' })).toBe(
      '{"9":"y","10":"x","a":{"d":[{"y":2,"z":1}]},"b":1}',
    );
    expect(canonicalJson([new Point(2, 1), new Date(0)])).toBe('[{"x":1,"y":2},{}]');
    // An own "__proto__" key has always been left out (the hashes of existing records say so).
    const withProto = JSON.parse('{"__proto__":[1],"a":1}') as object;
    expect(canonicalJson([withProto])).toBe('[{"a":1}]');
    const ordered = { a: 1, b: [{ c: 1, d: 2 }] };
    expect(canonicalJson(ordered)).toBe('{"a":1,"b":[{"c":1,"d":2}]}');
  });
});
