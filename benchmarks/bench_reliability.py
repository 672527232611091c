"""Benchmark: ``utils.methods.reliability.cronbach_alpha`` against ``pingouin.cronbach_alpha``.

Run with ``.venv/bin/python benchmarks/bench_reliability.py``. Data: 5,000 respondents x 30
five-point items (one common factor, seeded), complete (the default listwise path) and with 5 %
of answers missing (pairwise path). The target is ours / pingouin <= 1.2 on the complete data.
Timings are the best of several repeats of a loop (``timeit``), so background load matters less.
"""

from __future__ import annotations

import timeit

import numpy as np
import pandas as pd
import pingouin as pg

from utils.methods.attribution import dominance_analysis
from utils.methods.reliability import cronbach_alpha, parallel_analysis

N, K, SEED = 5_000, 30, 20201231
TARGET = 1.2


def make_items(n: int = N, k: int = K, seed: int = SEED) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    raw = rng.standard_normal((n, 1)) + rng.standard_normal((n, k))
    values = np.clip(np.round(raw + 3), 1, 5).astype(int)
    return pd.DataFrame(values, columns=[f"Q{j + 1}" for j in range(k)])


def best_time(func, number: int = 20, repeat: int = 7) -> float:
    """Best per-call time in seconds."""
    return min(timeit.repeat(func, number=number, repeat=repeat)) / number


def main() -> dict:
    items = make_items()
    missing = items.astype(float).mask(np.random.default_rng(1).random(items.shape) < 0.05)

    assert np.isclose(cronbach_alpha(items).alpha, pg.cronbach_alpha(items)[0])
    results = {}
    for label, data, ours_kw, pg_kw in [
        ("complete, listwise", items, {}, {"nan_policy": "listwise"}),
        ("5% missing, pairwise", missing, {"nan_policy": "pairwise"}, {"nan_policy": "pairwise"}),
    ]:
        t_ours = best_time(lambda d=data, kw=ours_kw: cronbach_alpha(d, **kw))
        t_pg = best_time(lambda d=data, kw=pg_kw: pg.cronbach_alpha(d, **kw))
        ratio = t_ours / t_pg
        results[label] = (t_ours, t_pg, ratio)
        print(
            f"{label:>22}: ours {t_ours * 1e3:8.3f} ms | pingouin {t_pg * 1e3:8.3f} ms | "
            f"ratio ours/pingouin {ratio:5.2f}"
        )
    # context figures for the other vectorised routines (no reference implementation to beat)
    t_pa = best_time(lambda: parallel_analysis(items.iloc[:1000], n_iter=100), number=1, repeat=3)
    print(f"parallel_analysis 1,000 x 30, n_iter=100 (pca): {t_pa * 1e3:8.1f} ms")
    t_fa = best_time(
        lambda: parallel_analysis(items.iloc[:1000], n_iter=100, method="fa"), number=1, repeat=3
    )
    print(f"parallel_analysis 1,000 x 30, n_iter=100 (fa):  {t_fa * 1e3:8.1f} ms")
    frame = items.iloc[:, :11].astype(float)
    preds = list(frame.columns[:10])
    t_da = best_time(lambda: dominance_analysis(frame, "Q11", preds), number=3, repeat=3)
    print(f"dominance_analysis 5,000 rows, 10 predictors (1,024 subsets): {t_da * 1e3:8.1f} ms")
    ratio = results["complete, listwise"][2]
    verdict = "OK" if ratio <= TARGET else "TOO SLOW"
    print(f"{N:,} x {K} complete data: ratio {ratio:.2f} (target <= {TARGET}) -> {verdict}")
    return results


if __name__ == "__main__":
    main()
