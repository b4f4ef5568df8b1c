import fc from 'fast-check';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { literal } from './outbox-rows.js';

describe('literal', () => {
  it("writes every string exactly as pg's escapeLiteral does", () => {
    const tricky = fc.constantFrom("'", '\\', "''", '\\\\', 'E', ' ', '\n', '"', '$', '$1', 'é', '😀', 'a');
    fc.assert(
      fc.property(
        fc.oneof(fc.string({ unit: tricky }), fc.string({ unit: 'grapheme' }), fc.string()),
        (value) => {
          expect(literal(value)).toBe(pg.escapeLiteral(value));
        },
      ),
      { numRuns: 2000 },
    );
    expect(literal("it's a\\b")).toBe(" E'it''s a\\\\b'");
    expect(literal('')).toBe("''");
  });
});
