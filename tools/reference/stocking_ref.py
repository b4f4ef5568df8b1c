#!/usr/bin/env python3
"""Reference values for sparehub's safety stock and reorder points (issue 6, M6.3).

Computed with scipy.stats (norm, poisson, nbinom) and scipy.optimize.brentq, independently of
the TypeScript code, and written to test/fixtures/stocking/reference.json, which
src/modules/planning/stocking/reference.test.ts compares with (1e-9 relative; whole-unit
reorder points exactly).

Definitions (docs/decisions/0018-safety-stock.md):
  cycle service level  P(D <= s)
  expected shortage    E[(D - s)+]: normal  sigma * G((s - mu) / sigma), G(z) = pdf(z) - z * sf(z)
                                    discrete  sum over k > s of (k - s) * pmf(k), summed with fsum
  fill rate            max(0, 1 - E[(D - s)+] / Q)
  negative binomial    mean mu, variance v > mu: scipy nbinom(n = mu^2 / (v - mu), p = mu / v)
  reorder point        normal: mu + sigma * ppf(alpha) (cycle service level),
                               mu + sigma * z with G(z) = (1 - beta) Q / sigma (fill rate);
                       discrete: the smallest whole s >= 0 meeting the target, by scanning
                       (and, for the cycle service level, equal to scipy's own ppf).
  both floored at 0.

Run from the repository root:  python3 tools/reference/stocking_ref.py
"""

import json
import math
import os

import numpy as np
import scipy
from scipy import stats
from scipy.optimize import brentq

OUT = os.path.join("test", "fixtures", "stocking", "reference.json")


def dist(kind, mean, variance):
    if kind == "poisson":
        return stats.poisson(mean)
    if kind == "negative-binomial":
        return stats.nbinom(mean * mean / (variance - mean), mean / variance)
    raise ValueError(kind)


def discrete_shortage(d, s):
    # Sum (k - s) pmf(k) over k > s up to where the terms no longer count (pmf below 1e-40).
    top = int(d.mean()) + 1
    while d.pmf(top) >= 1e-40:
        top = top * 2 + 10
    k = np.arange(s + 1, max(top, s + 2), dtype=np.float64)
    return math.fsum(((k - s) * d.pmf(k)).tolist())


def normal_loss(z):
    return float(stats.norm.pdf(z) - z * stats.norm.sf(z))


def normal_level(mean, variance, target, q):
    mu, sigma = mean, math.sqrt(variance)
    if target["kind"] == "cycle-service-level":
        s = mu + sigma * float(stats.norm.ppf(target["value"]))
    else:
        g = (1 - target["value"]) * q / sigma
        z = brentq(lambda x: normal_loss(x) - g, -60.0, 40.0, xtol=1e-300, rtol=4 * np.finfo(float).eps, maxiter=500)
        s = mu + sigma * z
    s = max(s, 0.0)
    z = (s - mu) / sigma
    return {
        "reorderPoint": s,
        "cycleServiceLevel": float(stats.norm.cdf(z)),
        "expectedShortage": sigma * normal_loss(z),
        "fillRate": max(0.0, 1 - sigma * normal_loss(z) / q),
    }


def discrete_level(kind, mean, variance, target, q):
    d = dist(kind, mean, variance)
    value = target["value"]

    def measure(s):
        if target["kind"] == "cycle-service-level":
            return float(d.cdf(s))
        return max(0.0, 1 - discrete_shortage(d, s) / q)

    s = 0
    while measure(s) < value:
        s += 1
    # Refuse a case whose answer hangs on the last digits: the fixture must not be fragile.
    for k in (s, s - 1):
        if k >= 0 and abs(measure(k) - value) < 1e-9 * value:
            raise SystemExit(f"case {kind} {mean} {variance} {target} {q} is too close to the target at {k}")
    if target["kind"] == "cycle-service-level":
        assert s == max(0, int(d.ppf(value))), (s, d.ppf(value))
    return {
        "reorderPoint": s,
        "cycleServiceLevel": float(d.cdf(s)),
        "expectedShortage": discrete_shortage(d, s),
        "fillRate": max(0.0, 1 - discrete_shortage(d, s) / q),
        "belowFillRate": None if s == 0 else max(0.0, 1 - discrete_shortage(d, s - 1) / q),
        "belowCycleServiceLevel": None if s == 0 else float(d.cdf(s - 1)),
    }


def main():
    zs = [-6.0, -3.5, -2.0, -1.0, -0.3, 0.0, 0.25, 0.5, 1.0, 1.2816, 1.6449, 2.0, 2.3263, 3.0, 4.5, 6.0, 8.0]
    ps = [1e-10, 0.001, 0.01, 0.1, 0.25, 0.5, 0.6, 0.8, 0.9, 0.95, 0.975, 0.98, 0.99, 0.995, 0.999, 0.999999]
    normal = {
        "points": [
            {"z": z, "cdf": float(stats.norm.cdf(z)), "sf": float(stats.norm.sf(z)),
             "pdf": float(stats.norm.pdf(z)), "loss": normal_loss(z)}
            for z in zs
        ],
        "ppf": [{"p": p, "z": float(stats.norm.ppf(p))} for p in ps],
    }

    discrete_cases = [
        ("poisson", 0.3, 0.3), ("poisson", 2.5, 2.5), ("poisson", 12.0, 12.0), ("poisson", 150.0, 150.0),
        ("poisson", 900.0, 900.0),
        ("negative-binomial", 0.4, 1.2), ("negative-binomial", 3.0, 7.5), ("negative-binomial", 20.0, 90.0),
        ("negative-binomial", 5.0, 5.6), ("negative-binomial", 800.0, 880.0),
    ]
    discrete = []
    for kind, mean, variance in discrete_cases:
        d = dist(kind, mean, variance)
        sd = math.sqrt(variance)
        ks = sorted({0, 1, 2, int(mean), int(mean + sd), int(mean + 2 * sd), int(mean + 3 * sd)})
        discrete.append({
            "kind": kind, "mean": mean, "variance": variance,
            "points": [{"s": k, "cdf": float(d.cdf(k)), "expectedShortage": discrete_shortage(d, k)} for k in ks],
        })

    level_cases = []
    targets = [
        {"kind": "cycle-service-level", "value": 0.9}, {"kind": "cycle-service-level", "value": 0.95},
        {"kind": "cycle-service-level", "value": 0.98}, {"kind": "cycle-service-level", "value": 0.999},
        {"kind": "fill-rate", "value": 0.9}, {"kind": "fill-rate", "value": 0.95}, {"kind": "fill-rate", "value": 0.99},
    ]
    for kind, mean, variance, q in [
        ("normal", 40.0, 30.0, 20.0), ("normal", 250.0, 400.0, 100.0), ("normal", 3.0, 1.5, 5.0),
        ("poisson", 0.3, 0.3, 1.0), ("poisson", 2.5, 2.5, 3.0), ("poisson", 12.0, 12.0, 10.0),
        ("poisson", 150.0, 150.0, 60.0),
        ("negative-binomial", 0.4, 1.2, 1.0), ("negative-binomial", 3.0, 7.5, 4.0),
        ("negative-binomial", 20.0, 90.0, 15.0),
    ]:
        for target in targets:
            if kind == "normal":
                result = normal_level(mean, variance, target, q)
            else:
                result = discrete_level(kind, mean, variance, target, q)
            level_cases.append({"kind": kind, "mean": mean, "variance": variance, "orderQuantity": q,
                                "target": target, **result})

    out = {
        "generatedBy": "tools/reference/stocking_ref.py",
        "scipy": scipy.__version__,
        "numpy": np.__version__,
        "normal": normal,
        "discrete": discrete,
        "levels": level_cases,
    }
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w") as f:
        json.dump(out, f, indent=1)
        f.write("\n")
    print(f"wrote {OUT}: {len(zs)} normal points, {len(ps)} quantiles, {len(discrete)} discrete distributions, "
          f"{len(level_cases)} reorder points")


if __name__ == "__main__":
    main()
