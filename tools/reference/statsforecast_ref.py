#!/usr/bin/env python3
"""Reference forecasts for sparehub's intermittent-demand methods (issue 6).

A transcription of Nixtla's statsforecast, run on numpy float64 arrays, used to write
test/fixtures/forecast/reference.json, which src/modules/planning/forecast/methods.test.ts
compares with number for number.

Transcribed from (read through the project's source index, not installed: PyPI is not
reachable from the build machines):

  Nixtla/statsforecast python/statsforecast/models.py
      commit 030400f7b9e70248f592592393f599c800829950
      functions _ses_sse, _ses_forecast, _demand, _intervals, _probability,
      _optimized_ses_forecast, _chunk_sums, _ses, _ses_optimized, _window_average,
      _chunk_forecast, _adida, _croston_classic, _croston_optimized, _croston_sba, _imapa,
      _tsb, ConstantModel/ZeroModel.forecast
  Nixtla/statsforecast python/statsforecast/utils.py
      commit 01c43e3066e23c76a1226f819f4de390920750a0
      functions _ensure_float, _repeat_val, _naive

That models.py is the version after statsforecast PR #973 (merged January 2025), which
replaced scipy.optimize.minimize(L-BFGS-B, x0=0) over the mean squared error by
scipy.optimize.minimize_scalar over the sum of squared errors. With `bounds` and no
`method`, minimize_scalar runs scipy's 'bounded' method (Brent's fminbound, xatol 1e-5,
500 evaluations at most); scipy IS installed here (checked: 1.17.1), so the optimiser
below is scipy's own, called exactly as statsforecast calls it. Numba is not installed:
the @njit helpers run as plain Python on float64, which is the same IEEE-754 arithmetic
(numba does not contract or reorder without fastmath).

Inputs are float64 arrays. statsforecast's _ensure_float turns integer arrays into
float32; the StatsForecast class passes the data frame's float64 values, and JavaScript
has only float64, so float64 is the reference.

Run from the repository root:  python3 tools/reference/statsforecast_ref.py
"""

import json
import math
import os
import subprocess
import sys
from typing import Dict, Tuple

import numpy as np
import scipy
from scipy.optimize import minimize_scalar

# --------------------------------------------------------------------------------------
# utils.py (commit 01c43e3066e23c76a1226f819f4de390920750a0)
# --------------------------------------------------------------------------------------


def _ensure_float(x: np.ndarray) -> np.ndarray:
    if x.dtype not in (np.float32, np.float64):
        x = x.astype(np.float32)
    return x


def _repeat_val(val: float, h: int) -> np.ndarray:
    return np.full(h, val)


def _naive(y: np.ndarray, h: int, fitted: bool) -> Dict[str, np.ndarray]:
    fcst = {"mean": _repeat_val(val=y[-1], h=h)}
    if fitted:
        fitted_vals = np.full_like(y, np.nan)
        fitted_vals[1:] = np.roll(y, 1)[1:]
        fcst["fitted"] = fitted_vals
    return fcst


# --------------------------------------------------------------------------------------
# models.py (commit 030400f7b9e70248f592592393f599c800829950)
# --------------------------------------------------------------------------------------


def _ses_sse(alpha: float, x: np.ndarray) -> float:
    complement = 1 - alpha
    forecast = x[0]
    sse = 0.0

    for i in range(1, len(x)):
        forecast = alpha * x[i - 1] + complement * forecast
        sse += (x[i] - forecast) ** 2

    return sse


def _ses_forecast(x: np.ndarray, alpha: float) -> Tuple[float, np.ndarray]:
    complement = 1 - alpha
    fitted = np.empty_like(x)
    fitted[0] = x[0]
    j = 0

    for i in range(1, len(x)):
        fitted[i] = alpha * x[j] + complement * fitted[j]
        j += 1

    forecast = alpha * x[j] + complement * fitted[j]
    fitted[0] = np.nan
    return forecast, fitted


def _demand(x: np.ndarray) -> np.ndarray:
    return x[x > 0]


def _intervals(x: np.ndarray) -> np.ndarray:
    nonzero_idxs = np.where(x != 0)[0]
    return np.diff(nonzero_idxs + 1, prepend=0).astype(x.dtype)


def _probability(x: np.ndarray) -> np.ndarray:
    return (x != 0).astype(x.dtype)


def _optimized_ses_forecast(
    x: np.ndarray, bounds: Tuple[float, float] = (0.1, 0.3)
) -> Tuple[float, np.ndarray, float]:
    alpha = minimize_scalar(
        fun=_ses_sse,
        bounds=bounds,
        args=(x,),
    ).x
    forecast, fitted = _ses_forecast(x, alpha)
    return forecast, fitted, alpha


def _chunk_sums(array: np.ndarray, chunk_size: int) -> np.ndarray:
    n_chunks = array.size // chunk_size
    n_elems = n_chunks * chunk_size
    return array[:n_elems].reshape(n_chunks, chunk_size).sum(axis=1)


def _ses(y: np.ndarray, h: int, fitted: bool, alpha: float) -> Dict[str, np.ndarray]:
    fcst, fitted_vals = _ses_forecast(y, alpha)
    out = {"mean": _repeat_val(val=fcst, h=h), "alpha": alpha}
    if fitted:
        out["fitted"] = fitted_vals
    return out


def _ses_optimized(y: np.ndarray, h: int, fitted: bool):
    fcst_, fitted_vals, alpha = _optimized_ses_forecast(y, (0.01, 0.99))
    mean = _repeat_val(val=fcst_, h=h)
    fcst = {"mean": mean, "alpha": alpha}
    if fitted:
        fcst["fitted"] = fitted_vals
    return fcst


def _window_average(y: np.ndarray, h: int, fitted: bool, window_size: int) -> Dict[str, np.ndarray]:
    if fitted:
        raise NotImplementedError("return fitted")
    if y.size < window_size:
        return {"mean": np.full(h, np.nan, dtype=y.dtype)}
    wavg = y[-window_size:].mean()
    mean = _repeat_val(val=wavg, h=h)
    return {"mean": mean}


def _chunk_forecast(y, aggregation_level):
    lost_remainder_data = len(y) % aggregation_level
    y_cut = y[lost_remainder_data:]
    aggregation_sums = _chunk_sums(y_cut, aggregation_level)
    sums_forecast, _, _ = _optimized_ses_forecast(aggregation_sums)
    return sums_forecast


def _adida(y: np.ndarray, h: int, fitted: bool):
    if (y == 0).all():
        res = {"mean": np.zeros(h, dtype=y.dtype)}
        return res
    y = _ensure_float(y)
    y_intervals = _intervals(y)
    mean_interval = y_intervals.mean()
    aggregation_level = round(mean_interval)
    sums_forecast = _chunk_forecast(y, aggregation_level)
    forecast = sums_forecast / aggregation_level
    res = {"mean": _repeat_val(val=forecast, h=h)}
    # (fitted values are not transcribed: sparehub forecasts, it does not fit in-sample)
    return res


def _croston_classic(y: np.ndarray, h: int, fitted: bool):
    y = _ensure_float(y)
    yd = _demand(y)
    if not yd.size:  # no demand
        return _naive(y=y, h=h, fitted=fitted)
    ydp, ydf = _ses_forecast(yd, 0.1)

    yi = _intervals(y)
    yip, yif = _ses_forecast(yi, 0.1)

    if yip != 0.0:
        mean = ydp / yip
    else:
        mean = ydp
    out = {"mean": _repeat_val(val=mean, h=h)}
    return out


def _croston_optimized(y: np.ndarray, h: int, fitted: bool):
    y = _ensure_float(y)
    yd = _demand(y)
    if not yd.size:
        return _naive(y=y, h=h, fitted=fitted)
    ydp, _, _ = _optimized_ses_forecast(yd)

    yi = _intervals(y)
    yip, _, _ = _optimized_ses_forecast(yi)

    if yip != 0.0:
        mean = ydp / yip
    else:
        mean = ydp
    out = {"mean": _repeat_val(val=mean, h=h)}
    return out


def _croston_sba(y: np.ndarray, h: int, fitted: bool) -> Dict[str, np.ndarray]:
    out = _croston_classic(y=y, h=h, fitted=fitted)
    out["mean"] *= 0.95
    return out


def _imapa(y: np.ndarray, h: int, fitted: bool):
    if (y == 0).all():
        res = {"mean": np.zeros(h, dtype=y.dtype)}
        return res
    y = _ensure_float(y)
    y_intervals = _intervals(y)
    mean_interval = y_intervals.mean().item()
    max_aggregation_level = round(mean_interval)
    forecasts = np.empty(max_aggregation_level, dtype=y.dtype)
    for aggregation_level in range(1, max_aggregation_level + 1):
        lost_remainder_data = len(y) % aggregation_level
        y_cut = y[lost_remainder_data:]
        aggregation_sums = _chunk_sums(y_cut, aggregation_level)
        forecast, _, _ = _optimized_ses_forecast(aggregation_sums)
        forecasts[aggregation_level - 1] = forecast / aggregation_level
    forecast = forecasts.mean()
    res = {"mean": _repeat_val(val=forecast, h=h)}
    return res


def _tsb(y: np.ndarray, h: int, fitted: int, alpha_d: float, alpha_p: float) -> Dict[str, np.ndarray]:
    if (y == 0).all():
        res = {"mean": np.zeros(h, dtype=y.dtype)}
        return res
    y = _ensure_float(y)
    yd = _demand(y)
    yp = _probability(y)
    ypf, ypft = _ses_forecast(yp, alpha_p)
    ydf, ydft = _ses_forecast(yd, alpha_d)
    res = {"mean": _repeat_val(val=ypf * ydf, h=h)}
    return res


def _zero(y: np.ndarray, h: int):
    # ZeroModel is ConstantModel(constant=0): np.full(h, 0, dtype=y.dtype)
    y = _ensure_float(y)
    return {"mean": np.full(h, 0, dtype=y.dtype)}


# --------------------------------------------------------------------------------------
# Instrumentation: the parameters the methods above choose internally, recomputed with
# the same helpers, so a mismatch in TypeScript can be traced to its step.
# --------------------------------------------------------------------------------------


def _croston_optimized_alphas(y: np.ndarray):
    yd = _demand(y)
    if not yd.size:
        return None
    return {
        "alphaDemand": float(_optimized_ses_forecast(yd)[2]),
        "alphaInterval": float(_optimized_ses_forecast(_intervals(y))[2]),
    }


def _aggregation_level(y: np.ndarray):
    if (y == 0).all():
        return None
    return int(round(_intervals(y).mean()))


# --------------------------------------------------------------------------------------
# The cases
# --------------------------------------------------------------------------------------

HORIZON = 3
METHODS = [
    ("ses", {"alpha": 0.1}),
    ("ses", {"alpha": 0.3}),
    ("ses-optimized", {}),
    ("croston", {}),
    ("sba", {}),
    ("croston-optimized", {}),
    ("tsb", {"alphaD": 0.1, "alphaP": 0.1}),
    ("tsb", {"alphaD": 0.2, "alphaP": 0.05}),
    ("adida", {}),
    ("imapa", {}),
    ("moving-average", {"window": 3}),
    ("moving-average", {"window": 12}),
    ("zero", {}),
]


def run_method(name: str, params: dict, y: np.ndarray, h: int):
    if name == "ses":
        res = _ses(y, h, False, params["alpha"])
        return res["mean"], {}
    if name == "ses-optimized":
        res = _ses_optimized(y, h, False)
        return res["mean"], {"alpha": float(res["alpha"])}
    if name == "croston":
        return _croston_classic(y, h, False)["mean"], {}
    if name == "sba":
        return _croston_sba(y, h, False)["mean"], {}
    if name == "croston-optimized":
        return _croston_optimized(y, h, False)["mean"], _croston_optimized_alphas(y) or {}
    if name == "tsb":
        return _tsb(y, h, False, params["alphaD"], params["alphaP"])["mean"], {}
    if name == "adida":
        lvl = _aggregation_level(y)
        return _adida(y, h, False)["mean"], ({} if lvl is None else {"aggregationLevel": lvl})
    if name == "imapa":
        lvl = _aggregation_level(y)
        return _imapa(y, h, False)["mean"], ({} if lvl is None else {"maxAggregationLevel": lvl})
    if name == "moving-average":
        return _window_average(y, h, False, params["window"])["mean"], {}
    if name == "zero":
        return _zero(y, h)["mean"], {}
    raise ValueError(name)


def num(v):
    v = float(v)
    return None if math.isnan(v) else v


def read_tsf(path):
    with open(path, encoding="utf-8") as f:
        lines = f.read().splitlines()
    start = next(i for i, l in enumerate(lines) if l.strip().lower() == "@data")
    out = []
    for line in lines[start + 1 :]:
        if not line.strip():
            continue
        name, _stamp, values = line.split(":", 2)
        out.append((name, [0.0 if v == "?" else float(v) for v in values.split(",")]))
    return out


def read_wide_csv(path):
    with open(path, encoding="utf-8") as f:
        lines = [l for l in f.read().splitlines() if l.strip()]
    return [[float(v) for v in l.split(",")] for l in lines[1:]]


def edge_cases():
    return [
        ("all zeros", [0.0] * 12),
        ("one value", [4.0]),
        ("one zero", [0.0]),
        ("single demand in the middle", [0, 0, 0, 0, 5, 0, 0, 0, 0, 0]),
        ("demand only in the first period", [3, 0, 0, 0, 0, 0, 0, 0]),
        ("demand only in the last period", [0, 0, 0, 0, 0, 0, 0, 7]),
        ("two demands", [0, 2, 0, 0, 0, 0, 6, 0, 0]),
        ("leading zeros", [0, 0, 0, 0, 0, 0, 1, 3, 0, 2, 0, 0, 4, 1]),
        ("trailing zeros", [2, 1, 0, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]),
        # Mean intervals of exactly 2.5 and 4.5: numpy's round-half-even gives 2 and 4 where
        # JavaScript's Math.round would give 3 and 5 (ADIDA and IMAPA aggregation levels).
        ("mean interval 2.5 rounds to 2", [0, 1, 0, 0, 1]),
        ("mean interval 2.5 rounds to 2, longer", [0, 3, 0, 0, 2, 0, 5, 0, 0, 1, 0, 0, 0]),
        ("mean interval 4.5 rounds to 4", [0, 0, 0, 2, 0, 0, 0, 0, 4, 0, 0]),
        ("mean interval 1.5 rounds to 2", [0, 1, 1, 0, 0, 1, 2, 0, 1, 0, 0, 3, 0, 0]),
        ("halves as values", [0.5, 0, 1.5, 0, 0, 2.5, 0.5, 0, 3.5, 0, 0, 0.5]),
        ("smooth", [12, 15, 11, 14, 13, 16, 12, 15, 14, 13, 17, 12, 14, 15]),
        ("lumpy", [0, 0, 40, 0, 0, 0, 1, 0, 0, 0, 0, 25, 0, 0, 2, 0, 0, 0, 60, 0]),
        ("fractional sizes", [0.1, 0, 0.7, 0.3, 0, 0, 1.9, 0, 0.2, 0.6, 0, 0.01, 0, 3.3]),
        ("constant", [2.0] * 9),
        ("long sparse run", [0] * 40 + [1] + [0] * 30 + [2] + [0] * 12),
    ]


def metric_cases(rows):
    """MASE (in-sample seasonal naive scale) and RMSSE (one-step naive scale) for a few splits,
    computed plainly with numpy so the TypeScript metrics are checked against a second hand."""
    out = []
    for name, y, holdout, lag in rows:
        y = np.asarray(y, dtype=np.float64)
        train, test = y[:-holdout], y[-holdout:]
        forecasts = {
            "zero": np.zeros(holdout),
            "ses-0.1": _ses(train, holdout, False, 0.1)["mean"],
            "croston": _croston_classic(train, holdout, False)["mean"],
        }
        for fname, f in forecasts.items():
            scale_abs = np.mean(np.abs(train[lag:] - train[:-lag])) if train.size > lag else float("nan")
            scale_sq = np.mean((train[1:] - train[:-1]) ** 2) if train.size > 1 else float("nan")
            with np.errstate(divide="ignore", invalid="ignore"):
                mase = np.mean(np.abs(test - f)) / scale_abs
                rmsse = math.sqrt(np.mean((test - f) ** 2) / scale_sq) if scale_sq > 0 else (
                    float("inf") if np.mean((test - f) ** 2) > 0 else float("nan")
                )
            out.append(
                {
                    "name": f"{name} / {fname}",
                    "train": [float(v) for v in train],
                    "test": [float(v) for v in test],
                    "forecast": [float(v) for v in f],
                    "seasonalLag": lag,
                    "mase": None if not np.isfinite(mase) else float(mase),
                    "rmsse": None if not np.isfinite(rmsse) else float(rmsse),
                }
            )
    return out


EVALUATED = [
    ("zero", {}),
    ("moving-average", {"window": 12}),
    ("ses", {"alpha": 0.1}),
    ("ses-optimized", {}),
    ("croston", {}),
    ("sba", {}),
    ("croston-optimized", {}),
    ("tsb", {"alphaD": 0.1, "alphaP": 0.1}),
    ("adida", {}),
    ("imapa", {}),
]


def evaluation_case(dataset, rows, holdout, lag, round_forecasts):
    """The holdout protocol computed independently of the TypeScript evaluation: one origin,
    the last `holdout` periods out, forecasts rounded half to even (numpy, like R's round)
    when asked, MASE scaled by the in-sample seasonal naive error (lag 1 when too short),
    RMSSE by the one-step naive MSE; non-finite scores dropped per method (Monash code)."""
    methods = []
    for name, params in EVALUATED:
        mases, rmsses = [], []
        for y in rows:
            y = np.asarray(y, dtype=np.float64)
            train, test = y[:-holdout], y[-holdout:]
            f = run_method(name, params, train, holdout)[0]
            if round_forecasts:
                f = np.round(f)
            d = np.abs(train[lag:] - train[:-lag]) if train.size > lag else np.abs(np.diff(train))
            with np.errstate(divide="ignore", invalid="ignore"):
                mases.append(float(np.mean(np.abs(test - f)) / np.mean(d)))
                rmsses.append(float(np.sqrt(np.mean((test - f) ** 2) / np.mean(np.diff(train) ** 2))))
        m = np.array([v for v in mases if np.isfinite(v)])
        r = np.array([v for v in rmsses if np.isfinite(v)])
        label = {
            "ses": f"ses({params.get('alpha')})",
            "tsb": f"tsb({params.get('alphaD')}, {params.get('alphaP')})",
            "moving-average": f"moving-average({params.get('window')})",
        }.get(name, name)
        methods.append(
            {
                "key": label,
                "maseMean": float(m.mean()),
                "maseMedian": float(np.median(m)),
                "maseCount": int(m.size),
                "rmsseMean": float(r.mean()),
                "rmsseMedian": float(np.median(r)),
                "rmsseCount": int(r.size),
            }
        )
    return {"dataset": dataset, "series": len(rows), "holdout": holdout, "seasonalLag": lag,
            "roundForecasts": round_forecasts, "methods": methods}


def main():
    root = os.getcwd()
    data = os.path.join(root, "..", "shared", "data")
    carparts = read_tsf(os.path.join(data, "car_parts_dataset_with_missing_values.tsf"))
    raf = read_wide_csv(os.path.join(data, "RAF.csv"))
    auto = read_wide_csv(os.path.join(data, "Auto.csv"))

    series = [(f"edge: {n}", [float(v) for v in y]) for n, y in edge_cases()]
    # Rows picked to vary: first rows, rows with gaps (T1 has `?` from month 15), the
    # busiest row of each set, and a spread by index.
    busiest_cp = max(range(len(carparts)), key=lambda i: sum(carparts[i][1]))
    for i in [0, 7, 99, 500, 1234, 2000, 2673, busiest_cp]:
        series.append((f"carparts {carparts[i][0]} (row {i + 1}, missing -> 0)", carparts[i][1]))
    series.append((f"carparts {carparts[10][0]} training part (first 39 months)", carparts[10][1][:39]))
    busiest_raf = max(range(len(raf)), key=lambda i: sum(raf[i]))
    for i in [0, 1, 10, 100, 1000, 2500, 4999, busiest_raf]:
        series.append((f"RAF row {i + 1}", raf[i]))
    busiest_auto = max(range(len(auto)), key=lambda i: sum(auto[i]))
    for i in [0, 1, 2, 10, 500, 1500, 2999, busiest_auto]:
        series.append((f"Auto row {i + 1}", auto[i]))

    cases = []
    for name, values in series:
        y = np.asarray(values, dtype=np.float64)
        results = []
        for method, params in METHODS:
            mean, extra = run_method(method, params, y, HORIZON)
            results.append(
                {"method": method, "params": params, "mean": [num(v) for v in mean], **extra}
            )
        cases.append({"name": name, "values": [float(v) for v in values], "horizon": HORIZON, "results": results})

    metrics = metric_cases(
        [
            (f"carparts {carparts[0][0]}", carparts[0][1], 12, 12),
            (f"carparts {carparts[busiest_cp][0]}", carparts[busiest_cp][1], 12, 12),
            (f"carparts {carparts[1234][0]}", carparts[1234][1], 12, 12),
            ("RAF row 1", raf[0], 12, 12),
            (f"RAF row {busiest_raf + 1}", raf[busiest_raf], 12, 12),
            ("Auto row 1", auto[0], 6, 12),
        ]
    )

    evaluations = [
        # every 9th car parts series: the first few hundred are nearly empty and would hide differences
        evaluation_case("carparts", [v for _, v in carparts[::9]], 12, 12, True),
        evaluation_case("raf", raf[:200], 12, 12, False),
        evaluation_case("auto", auto[:300], 6, 12, False),
    ]

    out = {
        "generatedBy": "tools/reference/statsforecast_ref.py",
        "statsforecast": {
            "models.py": "030400f7b9e70248f592592393f599c800829950",
            "utils.py": "01c43e3066e23c76a1226f819f4de390920750a0",
        },
        "numpy": np.__version__,
        "scipy": scipy.__version__,
        "python": sys.version.split()[0],
        "cases": cases,
        "metrics": metrics,
        "evaluations": evaluations,
    }
    target = os.path.join(root, "test", "fixtures", "forecast", "reference.json")
    os.makedirs(os.path.dirname(target), exist_ok=True)
    with open(target, "w", encoding="utf-8") as f:
        json.dump(out, f, indent=1, allow_nan=False)
        f.write("\n")
    # The repository formats JSON with Prettier; do the same so a rerun leaves no diff.
    try:
        subprocess.run(["npx", "--no-install", "prettier", "--write", target], check=True, capture_output=True)
    except (OSError, subprocess.CalledProcessError) as error:
        print(f"(not formatted with prettier: {error})")
    print(f"wrote {len(cases)} series x {len(METHODS)} methods and {len(metrics)} metric cases to {target}")


if __name__ == "__main__":
    main()
