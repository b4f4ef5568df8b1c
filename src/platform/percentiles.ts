/**
 * Nearest-rank percentiles (p in 0..100) of unsorted numbers, one per p; null for none.
 * Nearest rank, not interpolation: every figure reported is a latency that really happened.
 */
export function percentiles(values: readonly number[], ps: readonly number[]): Array<number | null> {
  if (values.length === 0) return ps.map(() => null);
  const sorted = Float64Array.from(values).sort();
  return ps.map((p) => {
    const rank = Math.ceil((p / 100) * sorted.length);
    return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] ?? null;
  });
}
