"""Benchmark: utils entropy weights and TOPSIS against pymcdm on the same 10,000 x 20 matrix.

Plain script (not a test). Run from the repository root:

    .venv/bin/python benchmarks/bench_scoring.py [--rows 10000] [--cols 20] [--repeats 7]

Prints the best-of-``repeats`` wall time of each implementation and the ratio ours / pymcdm
(target <= 1.2). Both sides get a plain NumPy array; ours also validates its input and returns
labelled pandas objects, which is included in its time.
"""

from __future__ import annotations

import argparse
import timeit

import numpy as np
from pymcdm.methods import TOPSIS
from pymcdm.normalizations import vector_normalization
from pymcdm.weights import entropy_weights as pymcdm_entropy

from utils.methods.scoring import topsis
from utils.methods.weights import entropy_weights

TARGET = 1.2


def best_of(fn, repeats: int, number: int) -> float:
    """Best (minimum) mean seconds per call over ``repeats`` runs of ``number`` calls."""
    return min(timeit.repeat(fn, repeat=repeats, number=number)) / number


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=10_000)
    ap.add_argument("--cols", type=int, default=20)
    ap.add_argument("--repeats", type=int, default=7)
    ap.add_argument("--number", type=int, default=5)
    ap.add_argument("--seed", type=int, default=20201231)
    args = ap.parse_args()

    rng = np.random.default_rng(args.seed)
    X = rng.uniform(1.0, 100.0, size=(args.rows, args.cols))
    w = rng.uniform(0.1, 1.0, size=args.cols)
    w /= w.sum()
    types = np.where(rng.random(args.cols) < 0.3, -1, 1)
    peer_topsis = TOPSIS(vector_normalization)

    # Same answers first (the comparison is only meaningful if both compute the same thing).
    np.testing.assert_allclose(entropy_weights(X, normalize="sum").to_numpy(), pymcdm_entropy(X))
    np.testing.assert_allclose(
        topsis(X, w, types)["closeness"].to_numpy(), peer_topsis(X, w, types), rtol=1e-10
    )

    cases = {
        "entropy_weights (sum)": (
            lambda: entropy_weights(X, normalize="sum"),
            lambda: pymcdm_entropy(X),
        ),
        "topsis (vector)": (
            lambda: topsis(X, w, types),
            lambda: peer_topsis(X, w, types),
        ),
    }
    print(f"matrix {args.rows} x {args.cols}, best of {args.repeats} x {args.number} calls")
    print(f"{'function':24s} {'ours (ms)':>10s} {'pymcdm (ms)':>12s} {'ratio':>7s}")
    ok = True
    for name, (ours, peer) in cases.items():
        t_ours = best_of(ours, args.repeats, args.number)
        t_peer = best_of(peer, args.repeats, args.number)
        ratio = t_ours / t_peer
        ok &= ratio <= TARGET
        print(f"{name:24s} {t_ours * 1e3:10.2f} {t_peer * 1e3:12.2f} {ratio:7.2f}")
    print(f"target ratio <= {TARGET}: {'met' if ok else 'NOT met'}")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
