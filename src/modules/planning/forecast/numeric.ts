/**
 * The few numerical primitives the forecasting methods need, written so that their results
 * are the reference implementation's to the last bit: numpy's summation order, Python's
 * rounding of halves, and scipy's bounded scalar minimiser.
 * See docs/decisions/0013-forecast-methods.md.
 */

/**
 * Sum as numpy's `np.add.reduce` does it for a contiguous float64 array (pairwise
 * summation: eight running sums over blocks of up to 128, halves above that). A plain
 * left-to-right loop differs in the last bits from eight values on, and those bits can
 * move a rounding of halves or an optimiser's path.
 */
export function npSum(values: ArrayLike<number>, start = 0, end = values.length): number {
  const n = end - start;
  if (n < 8) {
    let res = 0;
    for (let i = start; i < end; i++) res += values[i]!;
    return res;
  }
  if (n <= 128) {
    let r0 = values[start]!;
    let r1 = values[start + 1]!;
    let r2 = values[start + 2]!;
    let r3 = values[start + 3]!;
    let r4 = values[start + 4]!;
    let r5 = values[start + 5]!;
    let r6 = values[start + 6]!;
    let r7 = values[start + 7]!;
    let i = start + 8;
    const blocked = end - (n % 8);
    for (; i < blocked; i += 8) {
      r0 += values[i]!;
      r1 += values[i + 1]!;
      r2 += values[i + 2]!;
      r3 += values[i + 3]!;
      r4 += values[i + 4]!;
      r5 += values[i + 5]!;
      r6 += values[i + 6]!;
      r7 += values[i + 7]!;
    }
    const low = r0 + r1 + (r2 + r3);
    const high = r4 + r5 + (r6 + r7);
    let res = low + high;
    for (; i < end; i++) res += values[i]!;
    return res;
  }
  let n2 = Math.floor(n / 2);
  n2 -= n2 % 8;
  return npSum(values, start, start + n2) + npSum(values, start + n2, end);
}

/** numpy's `mean`: the pairwise sum divided by the count. */
export function npMean(values: ArrayLike<number>, start = 0, end = values.length): number {
  return npSum(values, start, end) / (end - start);
}

/**
 * Python's `round(x)` (and numpy's): to the nearest integer, halves to the even neighbour.
 * JavaScript's Math.round sends every half up (2.5 → 3, where Python gives 2).
 */
export function roundHalfEven(x: number): number {
  if (!Number.isFinite(x)) return x;
  if (x < 0) {
    const r = roundHalfEven(-x);
    return r === 0 ? 0 : -r; // 0, not -0, as Python's round(-0.4) is the integer 0
  }
  const floor = Math.floor(x);
  // Exact for x >= 0 (Sterbenz: floor >= x / 2 once x >= 1), so a half is seen as a half.
  const fraction = x - floor;
  if (fraction < 0.5) return floor;
  if (fraction > 0.5) return floor + 1;
  return floor % 2 === 0 ? floor : floor + 1;
}

export interface BoundedMinimum {
  x: number;
  fx: number;
  evaluations: number;
  /** False when the evaluation budget ran out before the bracket closed. */
  converged: boolean;
}

const SQRT_EPS = Math.sqrt(2.2e-16);
const GOLDEN_MEAN = 0.5 * (3.0 - Math.sqrt(5.0));

const sign = (v: number) => (v > 0 ? 1 : v < 0 ? -1 : v === 0 ? 0 : NaN);

/**
 * scipy.optimize.minimize_scalar(f, bounds=(lower, upper)) — the 'bounded' method, Brent's
 * fminbound (`_minimize_scalar_bounded`, scipy 1.17), step for step: the same golden and
 * parabolic steps in the same floating-point order, so the minimiser lands on the same
 * double as scipy does and the forecasts built on it agree to the last bit.
 */
export function minimizeScalarBounded(
  f: (x: number) => number,
  lower: number,
  upper: number,
  xatol = 1e-5,
  maxiter = 500,
): BoundedMinimum {
  let a = lower;
  let b = upper;
  let fulc = a + GOLDEN_MEAN * (b - a);
  let nfc = fulc;
  let xf = fulc;
  let rat = 0.0;
  let e = 0.0;
  let x = xf;
  let fx = f(x);
  let num = 1;
  let ffulc = fx;
  let fnfc = fx;
  let xm = 0.5 * (a + b);
  let tol1 = SQRT_EPS * Math.abs(xf) + xatol / 3.0;
  let tol2 = 2.0 * tol1;
  let converged = true;

  while (Math.abs(xf - xm) > tol2 - 0.5 * (b - a)) {
    let golden = true;
    if (Math.abs(e) > tol1) {
      golden = false;
      let r = (xf - nfc) * (fx - ffulc);
      let q = (xf - fulc) * (fx - fnfc);
      let p = (xf - fulc) * q - (xf - nfc) * r;
      q = 2.0 * (q - r);
      if (q > 0.0) p = -p;
      q = Math.abs(q);
      r = e;
      e = rat;
      if (Math.abs(p) < Math.abs(0.5 * q * r) && p > q * (a - xf) && p < q * (b - xf)) {
        rat = (p + 0.0) / q;
        x = xf + rat;
        if (x - a < tol2 || b - x < tol2) {
          const si = sign(xm - xf) + (xm - xf === 0 ? 1 : 0);
          rat = tol1 * si;
        }
      } else {
        golden = true;
      }
    }
    if (golden) {
      e = xf >= xm ? a - xf : b - xf;
      rat = GOLDEN_MEAN * e;
    }
    const si = sign(rat) + (rat === 0 ? 1 : 0);
    x = xf + si * Math.max(Math.abs(rat), tol1);
    const fu = f(x);
    num += 1;
    if (fu <= fx) {
      if (x >= xf) a = xf;
      else b = xf;
      fulc = nfc;
      ffulc = fnfc;
      nfc = xf;
      fnfc = fx;
      xf = x;
      fx = fu;
    } else {
      if (x < xf) a = x;
      else b = x;
      if (fu <= fnfc || nfc === xf) {
        fulc = nfc;
        ffulc = fnfc;
        nfc = x;
        fnfc = fu;
      } else if (fu <= ffulc || fulc === xf || fulc === nfc) {
        fulc = x;
        ffulc = fu;
      }
    }
    xm = 0.5 * (a + b);
    tol1 = SQRT_EPS * Math.abs(xf) + xatol / 3.0;
    tol2 = 2.0 * tol1;
    if (num >= maxiter) {
      converged = false;
      break;
    }
  }
  return { x: xf, fx, evaluations: num, converged };
}
