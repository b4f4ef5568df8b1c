/**
 * The probability functions safety stock needs (M6.3): the standard normal (cdf, upper tail,
 * quantile, loss function) and whole-unit lead-time demand as Poisson or negative binomial
 * pmf tables. Pure; written from the textbook formulas (Abramowitz & Stegun 7.1.6, 7.1.14,
 * 26.2.23; Stirling's series), checked against scipy.stats to 1e-9 relative.
 * See docs/decisions/0018-safety-stock.md.
 */

const SQRT2 = Math.SQRT2;
const SQRT_PI = Math.sqrt(Math.PI);
const SQRT_2PI = Math.sqrt(2 * Math.PI);

/**
 * erfc(x) for x ≥ 0. Below 2.5 the all-positive series erf(x) = 2/√π·e^(−x²)·Σ 2ⁿx^(2n+1)/(2n+1)!!
 * (A&S 7.1.6) has no cancellation; above it the continued fraction (A&S 7.1.14, Lentz) keeps
 * the tail's relative precision, which 1 − erf would lose.
 */
function erfcPositive(x: number): number {
  if (x < 2.5) {
    let term = x;
    let sum = x;
    for (let n = 1; n < 200; n++) {
      term *= (2 * x * x) / (2 * n + 1);
      sum += term;
      if (term < sum * 1e-17) break;
    }
    return 1 - (2 / SQRT_PI) * Math.exp(-x * x) * sum;
  }
  if (x > 27.3) return 0; // below the smallest double
  // erfc(x) = e^(−x²)/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + …)))), evaluated by Lentz's method.
  const tiny = 1e-300;
  let f = x;
  let c = x;
  let d = 0;
  for (let n = 1; n < 500; n++) {
    const a = n / 2;
    d = x + a * d;
    d = d === 0 ? tiny : 1 / d;
    c = x + a / c;
    if (c === 0) c = tiny;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-17) break;
  }
  return Math.exp(-x * x) / SQRT_PI / f;
}

/** Standard normal density φ(z). */
export function normalPdf(z: number): number {
  return Math.exp(-0.5 * z * z) / SQRT_2PI;
}

/** Standard normal upper tail 1 − Φ(z), precise in the tail (scipy's norm.sf). */
export function normalSf(z: number): number {
  if (Number.isNaN(z)) return NaN;
  return z >= 0 ? 0.5 * erfcPositive(z / SQRT2) : 1 - 0.5 * erfcPositive(-z / SQRT2);
}

/** Standard normal cdf Φ(z) (scipy's norm.cdf). */
export function normalCdf(z: number): number {
  if (Number.isNaN(z)) return NaN;
  return z <= 0 ? 0.5 * erfcPositive(-z / SQRT2) : 1 - 0.5 * erfcPositive(z / SQRT2);
}

/**
 * Standard normal quantile Φ⁻¹(p) (scipy's norm.ppf): A&S 26.2.23 as the start, then Halley
 * steps on the tail probability (so p near 1 keeps its precision) until the step is below an ulp.
 */
export function normalPpf(p: number): number {
  if (!(p >= 0 && p <= 1)) return NaN;
  if (p === 0) return -Infinity;
  if (p === 1) return Infinity;
  if (p === 0.5) return 0;
  // Solve for the upper tail q = min(p, 1 − p) (1 − p is exact for p ≥ 0.5), then mirror.
  const upper = p > 0.5;
  const q = upper ? 1 - p : p;
  const t = Math.sqrt(-2 * Math.log(q));
  let x =
    t -
    (2.515517 + 0.802853 * t + 0.010328 * t * t) /
      (1 + 1.432788 * t + 0.189269 * t * t + 0.001308 * t * t * t);
  for (let i = 0; i < 50; i++) {
    // f(x) = sf(x) − q, f' = −φ(x): Halley's step with u = f/f'.
    const u = (normalSf(x) - q) / -normalPdf(x);
    const step = u / (1 + 0.5 * x * u);
    x -= step;
    if (Math.abs(step) <= 1e-16 * Math.max(1, Math.abs(x))) break;
  }
  return upper ? x : -x;
}

/**
 * Standard normal loss function G(z) = E[(Z − z)⁺] = φ(z) − z·(1 − Φ(z)): the expected
 * shortage per unit of standard deviation when stock sits z deviations above the mean.
 */
export function normalLoss(z: number): number {
  return normalPdf(z) - z * normalSf(z);
}

/** ln Γ(x) for x > 0: Stirling's series after shifting x above 15 by the recurrence. */
export function lnGamma(x: number): number {
  if (!(x > 0)) return NaN;
  let shift = 0;
  let y = x;
  while (y < 15) {
    shift += Math.log(y);
    y += 1;
  }
  const y2 = y * y;
  const series =
    (1 / 12 - (1 / 360 - (1 / 1260 - (1 / 1680 - (1 / 1188 - 691 / 360360 / y2) / y2) / y2) / y2) / y2) / y;
  return (y - 0.5) * Math.log(y) - y + 0.5 * Math.log(2 * Math.PI) + series - shift;
}

/**
 * A whole-unit distribution as a pmf table: `pmf[i]` is P(D = lo + i); only terms below
 * 1e-300 of the mode's are left out, so even far tails keep their relative precision. The tails are summed from the far end so that
 * small shortages keep their relative precision.
 */
export interface PmfTable {
  lo: number;
  pmf: Float64Array;
  /** cdf[i] = P(D ≤ lo + i), summed from the bottom. */
  cdf: Float64Array;
  /** loss[i] = E[(D − (lo + i))⁺], summed from the top: Σ_{j ≥ k} P(D > j). */
  loss: Float64Array;
  mean: number;
}

const NEGLIGIBLE = 1e-300;
/** What the dropped upper tail may weigh, in probability and in units of the mean's loss. */
const TAIL_TOLERANCE = 1e-17;
/**
 * The most entries a table may have: 8 MB for each of its arrays. A lead-time demand that
 * needs more is spread over thousands of units, where a single unit no longer matters and
 * the caller uses the normal approximation instead (service-level.ts). Without the bound, a
 * mean of 10⁹ with a variance a few times larger filled the heap before it ended.
 */
export const MAX_TABLE = 1_000_000;

/** A whole-unit table would need more than MAX_TABLE entries. */
export class TableTooLargeError extends RangeError {
  constructor(mean: number) {
    super(`lead-time demand with mean ${mean} is too widely spread for a whole-unit table`);
  }
}

/**
 * Build a table from the pmf at its mode and the ratio P(k)/P(k − 1),
 * stepping down to 0 and up until the terms are negligible.
 */
function tableFromMode(
  mode: number,
  pmfMode: number,
  ratio: (k: number) => number,
  mean: number,
  /** The limit of ratio(k) as k grows (0 for Poisson, 1 − p for the negative binomial). */
  limitRatio = 0,
): PmfTable {
  const below: number[] = [];
  let p = pmfMode;
  let k = mode;
  while (k > 0) {
    p /= ratio(k);
    k -= 1;
    if (p === 0 || p < pmfMode * NEGLIGIBLE) break;
    below.push(p);
    if (below.length > MAX_TABLE) throw new TableTooLargeError(mean);
  }
  const lo = mode - below.length;
  const values = below.reverse();
  values.push(pmfMode);
  p = pmfMode;
  k = mode;
  // The upper tail ends once what is left of it cannot show at double precision: bounded by
  // a geometric series with the larger of the next ratio and its limit, its mass and its share
  // of the expected shortage (the loss) are both below 1e-17 of the mean. A lumpy negative
  // binomial (ratio near 1) would otherwise run to millions of terms below 1e-300.
  const scale = Math.max(mean, 1) * TAIL_TOLERANCE;
  for (;;) {
    k += 1;
    p *= ratio(k);
    if (p === 0 || p < pmfMode * NEGLIGIBLE) break;
    const q = Math.max(ratio(k + 1), limitRatio);
    if (q < 1 && p < pmfMode * 1e-3) {
      const rest = (p * q) / (1 - q);
      if (rest < TAIL_TOLERANCE && rest / (1 - q) < scale) {
        values.push(p);
        break;
      }
    }
    values.push(p);
    if (values.length > MAX_TABLE) throw new TableTooLargeError(mean);
  }
  const pmf = Float64Array.from(values);
  const n = pmf.length;
  const cdf = new Float64Array(n);
  let run = 0;
  for (let i = 0; i < n; i++) {
    run += pmf[i]!;
    cdf[i] = run;
  }
  // P(D > lo + i) summed from the top, then the loss as the suffix sum of those tails.
  const loss = new Float64Array(n);
  let tail = 0;
  let lossRun = 0;
  for (let i = n - 1; i >= 0; i--) {
    lossRun += tail; // tail = P(D > lo + i)
    loss[i] = lossRun;
    tail += pmf[i]!;
  }
  return { lo, pmf, cdf, loss, mean };
}

/** Poisson(λ) as a table; λ = 0 is the point mass at 0. */
export function poissonTable(lambda: number): PmfTable {
  if (lambda === 0) return tableFromMode(0, 1, () => 0, 0);
  const mode = Math.floor(lambda);
  // From P(0) = e^(−λ) while that is a normal double (exact recursion), else from the mode via ln Γ.
  const ratio = (k: number) => lambda / k;
  if (lambda < 700) {
    let p = Math.exp(-lambda);
    for (let k = 1; k <= mode; k++) p *= ratio(k);
    return tableFromMode(mode, p, ratio, lambda);
  }
  const logMode = mode * Math.log(lambda) - lambda - lnGamma(mode + 1);
  return tableFromMode(mode, Math.exp(logMode), ratio, lambda);
}

/**
 * Negative binomial with mean μ and variance σ² > μ, in scipy's nbinom(n = r, p) terms:
 * p = μ/σ², r = μ²/(σ² − μ), P(k) = Γ(k + r)/(Γ(r)·k!)·pʳ·(1 − p)ᵏ.
 */
export function negativeBinomialTable(mean: number, variance: number): PmfTable {
  const r = (mean * mean) / (variance - mean);
  const p = mean / variance;
  const q = (variance - mean) / variance; // 1 − p without the cancellation
  const mode = r > 1 ? Math.floor(((r - 1) * q) / p) : 0;
  const ratio = (k: number) => ((k - 1 + r) / k) * q;
  const logP0 = r * Math.log(p);
  if (logP0 > -700) {
    let pm = Math.exp(logP0);
    for (let k = 1; k <= mode; k++) pm *= ratio(k);
    return tableFromMode(mode, pm, ratio, mean, q);
  }
  const logMode = lnGamma(mode + r) - lnGamma(r) - lnGamma(mode + 1) + logP0 + mode * Math.log(q);
  return tableFromMode(mode, Math.exp(logMode), ratio, mean, q);
}

/** P(D ≤ s) from a table, for any integer s (the running sum can pass 1 by an ulp: capped). */
export function tableCdf(t: PmfTable, s: number): number {
  const i = s - t.lo;
  if (i < 0) return 0;
  return Math.min(1, t.cdf[Math.min(i, t.cdf.length - 1)]!);
}

/** E[(D − s)⁺] from a table, for any integer s (below the table every unit short counts). */
export function tableLoss(t: PmfTable, s: number): number {
  const i = s - t.lo;
  if (i >= t.loss.length) return 0;
  if (i < 0) return t.loss[0]! + (t.lo - s);
  return t.loss[i]!;
}
