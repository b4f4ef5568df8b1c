/**
 * Units of measure (M2.3). Conversions are exact rationals (numerator/denominator), so a
 * quantity converted there and back is the quantity it was: 1 FT = 381/1250 M exactly.
 * Part-specific conversions (BOX of 10 for this part) take precedence over global ones.
 */
export interface Conversion {
  from: string;
  to: string;
  numerator: number;
  denominator: number;
  /** null: global; otherwise the part it applies to. */
  partId: string | null;
}

export interface Factor {
  numerator: number;
  denominator: number;
}

export type FactorResult =
  | { ok: true; factor: Factor; path: string[] }
  | { ok: false; code: 'UOM_UNKNOWN' | 'UOM_NOT_CONVERTIBLE' | 'UOM_AMBIGUOUS'; reason: string };

function gcd(a: number, b: number): number {
  return b === 0 ? Math.abs(a) : gcd(b, a % b);
}

/**
 * Finds the factor from `from` to `to` by breadth-first search over the part's conversions
 * (then global ones), using each in either direction. Two routes with different factors
 * mean the master data contradicts itself: refused as ambiguous rather than guessed.
 */
export function conversionFactor(
  from: string,
  to: string,
  conversions: readonly Conversion[],
  partId: string,
): FactorResult {
  const f = from.toUpperCase();
  const t = to.toUpperCase();
  if (f === t) return { ok: true, factor: { numerator: 1, denominator: 1 }, path: [f] };
  const relevant = conversions.filter((c) => c.partId === null || c.partId === partId);
  const known = new Set(relevant.flatMap((c) => [c.from.toUpperCase(), c.to.toUpperCase()]));
  if (!known.has(f))
    return { ok: false, code: 'UOM_UNKNOWN', reason: `unit ${from} is not defined for this part` };
  if (!known.has(t))
    return { ok: false, code: 'UOM_UNKNOWN', reason: `unit ${to} is not defined for this part` };
  // Part-specific edges shadow global edges between the same two units.
  const edges = new Map<string, Array<{ to: string; n: number; d: number }>>();
  const specific = new Set(relevant.filter((c) => c.partId !== null).map((c) => pairKey(c.from, c.to)));
  for (const c of relevant) {
    if (c.partId === null && specific.has(pairKey(c.from, c.to))) continue;
    const a = c.from.toUpperCase();
    const b = c.to.toUpperCase();
    (edges.get(a) ?? edges.set(a, []).get(a)!).push({ to: b, n: c.numerator, d: c.denominator });
    (edges.get(b) ?? edges.set(b, []).get(b)!).push({ to: a, n: c.denominator, d: c.numerator });
  }
  const found = new Map<string, { n: number; d: number; path: string[] }>([[f, { n: 1, d: 1, path: [f] }]]);
  const queue = [f];
  let answer: { n: number; d: number; path: string[] } | undefined;
  while (queue.length > 0) {
    const unit = queue.shift()!;
    const here = found.get(unit)!;
    for (const edge of edges.get(unit) ?? []) {
      const n = here.n * edge.n;
      const d = here.d * edge.d;
      const g = gcd(n, d);
      const next = { n: n / g, d: d / g, path: [...here.path, edge.to] };
      const prior = found.get(edge.to);
      if (prior) {
        if (prior.n * next.d !== next.n * prior.d) {
          return {
            ok: false,
            code: 'UOM_AMBIGUOUS',
            reason: `conversions disagree: ${prior.path.join('→')} and ${next.path.join('→')} give different factors`,
          };
        }
        continue;
      }
      found.set(edge.to, next);
      if (edge.to === t) answer ??= next;
      queue.push(edge.to);
    }
  }
  if (!answer)
    return {
      ok: false,
      code: 'UOM_NOT_CONVERTIBLE',
      reason: `no conversion from ${from} to ${to} for this part`,
    };
  return { ok: true, factor: { numerator: answer.n, denominator: answer.d }, path: answer.path };
}

function pairKey(a: string, b: string): string {
  return [a.toUpperCase(), b.toUpperCase()].sort().join('|');
}

/** Converts a quantity with a factor found above; exact for rational factors. */
export function applyFactor(quantity: number, factor: Factor): number {
  return (quantity * factor.numerator) / factor.denominator;
}
