"""Benchmarks for utils.methods.poverty, utils.methods.dea and utils.methods.resampling (run: python benchmarks/bench_poverty.py).

Targets from the project brief:

- alkire_foster on 1,000,000 households x 12 indicators: < 1 s and < 2 GB peak memory
- fgt on 10,000,000 incomes: < 0.5 s
- bootstrap, 2,000 resamples of a composite score (weighted mean of 5 dimension scores) on
  1,000 households: < 5 s
- dea on 200 units x (3 inputs, 3 outputs): < 5 s
- weight_sensitivity, 1,000 draws x 25 units x 10 criteria: well under 5 s

Peak memory is the tracemalloc peak of Python/NumPy allocations made *inside* the call (the
input data are allocated beforehand), plus the process' maximum resident set size.
"""

from __future__ import annotations

import resource
import time
import tracemalloc

import numpy as np
import pandas as pd

from utils.methods.dea import dea
from utils.methods.poverty import alkire_foster, alkire_foster_by_group, fgt
from utils.methods.resampling import bootstrap, weight_sensitivity


def timed(label: str, fn, target: float, repeat: int = 3, memory: bool = False):
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
    line = f"{label:<58} best of {repeat}: {best:7.3f} s (target < {target:g} s)"
    if memory:
        tracemalloc.start()
        fn()
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        line += f"; tracemalloc peak {peak / 2**20:,.0f} MiB"
    status = "OK " if best < target else "SLOW"
    print(f"[{status}] {line}")
    return out


def main() -> None:
    rng = np.random.default_rng(2020)

    n, d = 1_000_000, 12
    dep = pd.DataFrame(
        (rng.random((n, d)) < 0.2).astype(np.int8), columns=[f"ind{j + 1}" for j in range(d)]
    )
    w = pd.Series(1 / d, index=dep.columns)
    groups = rng.integers(0, 12, size=n)
    timed(
        "alkire_foster 1e6 households x 12 indicators",
        lambda: alkire_foster(dep, w, 1 / 3),
        1.0,
        memory=True,
    )
    timed(
        "alkire_foster_by_group 1e6 x 12, 12 townships",
        lambda: alkire_foster_by_group(dep, w, 1 / 3, groups),
        1.0,
        memory=True,
    )

    income = rng.lognormal(mean=9.0, sigma=0.6, size=10_000_000)
    timed("fgt 1e7 incomes (alpha = 0)", lambda: fgt(income, 6000.0), 0.5)
    timed("fgt 1e7 incomes (alpha = [0, 1, 2])", lambda: fgt(income, 6000.0, [0, 1, 2]), 0.5)

    scores = pd.DataFrame(rng.uniform(0, 100, (1000, 5)), columns=list("ABCDE"))
    wd = np.array([0.3, 0.2, 0.2, 0.2, 0.1])
    timed(
        "bootstrap 2,000 resamples, composite score, 1,000 households",
        lambda: bootstrap(lambda x: float((x.to_numpy() @ wd).mean()), scores, 2000),
        5.0,
        repeat=1,
    )
    timed(
        "bootstrap 2,000 resamples (BCa), same",
        lambda: bootstrap(lambda x: float((x.to_numpy() @ wd).mean()), scores, 2000, method="bca"),
        5.0,
        repeat=1,
    )

    X = pd.DataFrame(rng.uniform(1, 10, (200, 3)), columns=["labour", "funds", "land"])
    Y = pd.DataFrame(rng.uniform(1, 10, (200, 3)), columns=["income", "jobs", "coverage"])
    timed("dea 200 units x (3 in, 3 out), BCC input", lambda: dea(X, Y, "bcc"), 5.0, repeat=1)
    timed(
        "dea 200 units x (3 in, 3 out), CCR output",
        lambda: dea(X, Y, "ccr", "output"),
        5.0,
        repeat=1,
    )

    M = pd.DataFrame(rng.uniform(1, 10, (25, 10)))
    timed(
        "weight_sensitivity 1,000 draws x 25 units x 10 criteria",
        lambda: weight_sensitivity(M, np.full(10, 0.1), n_draws=1000),
        5.0,
    )

    maxrss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"process max resident set size: {maxrss:,.0f} MiB (target for alkire_foster < 2048)")


if __name__ == "__main__":
    main()
