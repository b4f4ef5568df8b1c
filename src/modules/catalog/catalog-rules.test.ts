import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_NORMALIZATION, normalizeNumber, numberNormalizer } from './normalization.js';
import { checkNewLink, interchangeableWith, resolveCurrent, type SupersessionLink } from './supersession.js';
import { applyFactor, conversionFactor, type Conversion } from './uom.js';

describe('normalizeNumber', () => {
  it('folds case, strips separators, prefixes and leading zeros as the scheme declares', () => {
    const erp = {
      case: 'upper' as const,
      stripCharacters: ' -',
      stripLeadingZeros: true,
      removePrefixes: ['MAT'],
    };
    expect(normalizeNumber(' mat-000123-a ', erp).value).toBe('123A');
    expect(normalizeNumber('0000', erp).value).toBe('0');
    expect(normalizeNumber('ab-12', { ...DEFAULT_NORMALIZATION, case: 'preserve' }).value).toBe('ab12');
  });

  it('is idempotent for every scheme (property)', () => {
    const rules = fc.record({
      case: fc.constantFrom('upper' as const, 'lower' as const, 'preserve' as const),
      stripCharacters: fc.constantFrom('', ' -', ' -./_'),
      stripLeadingZeros: fc.boolean(),
      removePrefixes: fc.constant([] as string[]),
    });
    fc.assert(
      fc.property(fc.string({ maxLength: 20 }), rules, (raw, r) => {
        const once = normalizeNumber(raw, r).value;
        expect(normalizeNumber(once, r).value).toBe(once);
      }),
    );
  });

  it('gives the bulk normalizer the same value as normalizeNumber (property)', () => {
    const rules = fc.record({
      case: fc.constantFrom('upper' as const, 'lower' as const, 'preserve' as const),
      stripCharacters: fc.constantFrom('', ' -', ' -./_', 'é/'),
      stripLeadingZeros: fc.boolean(),
      removePrefixes: fc.constantFrom([] as string[], ['BC'], ['mat', 'MAT-', 'x']),
    });
    fc.assert(
      fc.property(fc.string({ maxLength: 20, unit: 'grapheme-composite' }), rules, (raw, r) => {
        expect(numberNormalizer(r)(raw)).toBe(normalizeNumber(raw, r).value);
      }),
    );
  });
});

function graph(links: SupersessionLink[]): Map<string, SupersessionLink> {
  return new Map(links.map((l) => [l.from, l]));
}
const link = (
  from: string,
  to: string,
  effectiveFrom = '2026-01-01T00:00:00.000Z',
  type: 'one_way' | 'two_way' = 'one_way',
): SupersessionLink => ({ from, to, type, effectiveFrom, reason: `ECN ${from}-${to}` });

describe('supersession', () => {
  it('resolves A → B → C to C with the path and reasons, stopping at links not yet effective', () => {
    const g = graph([link('A', 'B'), link('B', 'C', '2027-01-01T00:00:00.000Z')]);
    const now = resolveCurrent('A', g, '2026-06-01T00:00:00.000Z');
    expect(now).toMatchObject({ ok: true, current: 'B' });
    const later = resolveCurrent('A', g, '2027-06-01T00:00:00.000Z');
    expect(later).toMatchObject({ ok: true, current: 'C' });
    if (later.ok) expect(later.path.map((s) => s.reason)).toEqual(['ECN A-B', 'ECN B-C']);
    expect(resolveCurrent('C', g, '2027-06-01T00:00:00.000Z')).toMatchObject({
      ok: true,
      current: 'C',
      path: [],
    });
  });

  it('refuses self links, forks and cycles when they are entered', () => {
    const g = graph([link('A', 'B'), link('B', 'C')]);
    expect(checkNewLink({ from: 'A', to: 'A' }, g)).toMatchObject({ ok: false, code: 'SUPERSESSION_SELF' });
    expect(checkNewLink({ from: 'A', to: 'D' }, g)).toMatchObject({ ok: false, code: 'SUPERSESSION_FORK' });
    expect(checkNewLink({ from: 'C', to: 'A' }, g)).toMatchObject({ ok: false, code: 'SUPERSESSION_CYCLE' });
    expect(checkNewLink({ from: 'C', to: 'D' }, g)).toEqual({ ok: true });
  });

  it('lets two-way links substitute backwards, one-way only forwards', () => {
    const g = graph([link('A', 'B', undefined, 'two_way'), link('B', 'C')]);
    expect(interchangeableWith('B', g).sort()).toEqual(['A', 'C']);
    expect(interchangeableWith('C', g)).toEqual([]);
  });

  it('never loops: links admitted by checkNewLink always resolve to a part whose chain ends (property)', () => {
    const parts = ['P0', 'P1', 'P2', 'P3', 'P4', 'P5', 'P6', 'P7'];
    const attempt = fc.record({
      from: fc.constantFrom(...parts),
      to: fc.constantFrom(...parts),
      day: fc.integer({ min: 1, max: 28 }),
    });
    fc.assert(
      fc.property(
        fc.array(attempt, { maxLength: 30 }),
        fc.integer({ min: 1, max: 28 }),
        (attempts, atDay) => {
          const g = new Map<string, SupersessionLink>();
          for (const a of attempts) {
            const check = checkNewLink(a, g);
            if (check.ok)
              g.set(a.from, link(a.from, a.to, `2026-02-${String(a.day).padStart(2, '0')}T00:00:00.000Z`));
          }
          const at = `2026-02-${String(atDay).padStart(2, '0')}T12:00:00.000Z`;
          for (const p of parts) {
            const r = resolveCurrent(p, g, at);
            expect(r.ok).toBe(true);
            if (r.ok) {
              expect(r.path.length).toBeLessThan(parts.length);
              const next = g.get(r.current);
              expect(next === undefined || next.effectiveFrom > at).toBe(true);
            }
          }
        },
      ),
    );
  });

  it('reports a cycle that slipped into stored data instead of looping', () => {
    const g = graph([link('A', 'B'), link('B', 'A')]);
    expect(resolveCurrent('A', g, '2026-06-01T00:00:00.000Z')).toMatchObject({ ok: false, error: 'CYCLE' });
  });
});

describe('units of measure', () => {
  const global: Conversion[] = [
    { from: 'FT', to: 'M', numerator: 381, denominator: 1250, partId: null },
    { from: 'IN', to: 'FT', numerator: 1, denominator: 12, partId: null },
    { from: 'BOX', to: 'EA', numerator: 12, denominator: 1, partId: null },
  ];
  const parts: Conversion[] = [{ from: 'BOX', to: 'EA', numerator: 10, denominator: 1, partId: 'fuse' }];

  it('prefers a part-specific conversion, converts through chains, and refuses unknown units', () => {
    expect(conversionFactor('BOX', 'EA', [...global, ...parts], 'fuse')).toMatchObject({
      ok: true,
      factor: { numerator: 10, denominator: 1 },
    });
    expect(conversionFactor('BOX', 'EA', [...global, ...parts], 'other')).toMatchObject({
      ok: true,
      factor: { numerator: 12, denominator: 1 },
    });
    const inToM = conversionFactor('IN', 'M', global, 'x');
    expect(inToM).toMatchObject({
      ok: true,
      factor: { numerator: 127, denominator: 5000 },
      path: ['IN', 'FT', 'M'],
    });
    expect(conversionFactor('KG', 'EA', global, 'x')).toMatchObject({ ok: false, code: 'UOM_UNKNOWN' });
    expect(conversionFactor('BOX', 'M', global, 'x')).toMatchObject({
      ok: false,
      code: 'UOM_NOT_CONVERTIBLE',
    });
  });

  it('refuses contradictory conversions as ambiguous', () => {
    const bad: Conversion[] = [
      ...global,
      { from: 'IN', to: 'M', numerator: 1, denominator: 40, partId: null },
    ];
    expect(conversionFactor('IN', 'M', bad, 'x')).toMatchObject({ ok: false, code: 'UOM_AMBIGUOUS' });
  });

  it('round-trips every quantity exactly (property)', () => {
    const units = ['A', 'B', 'C', 'D'];
    fc.assert(
      fc.property(
        fc.array(fc.record({ n: fc.integer({ min: 1, max: 1000 }), d: fc.integer({ min: 1, max: 1000 }) }), {
          minLength: 3,
          maxLength: 3,
        }),
        fc.integer({ min: 1, max: 100000 }),
        fc.constantFrom(...units),
        fc.constantFrom(...units),
        (factors, q, from, to) => {
          const chain: Conversion[] = factors.map((f, i) => ({
            from: units[i]!,
            to: units[i + 1]!,
            numerator: f.n,
            denominator: f.d,
            partId: null,
          }));
          const there = conversionFactor(from, to, chain, 'p');
          const back = conversionFactor(to, from, chain, 'p');
          expect(there.ok && back.ok).toBe(true);
          if (there.ok && back.ok) {
            expect(there.factor.numerator * back.factor.numerator).toBe(
              there.factor.denominator * back.factor.denominator,
            );
            expect(applyFactor(applyFactor(q, there.factor), back.factor)).toBeCloseTo(q, 6);
          }
        },
      ),
    );
  });
});
