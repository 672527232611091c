"""Super-efficiency, the Malmquist index and the Simar-Wilson bootstrap (issue 13).

Published reference output: the Malmquist tests reproduce the values asserted in the test suite of
the Julia package DataEnvelopmentAnalysis.jl (Barbero & Zofío), file ``test/malmquist.jl``
(https://github.com/javierbarbero/DataEnvelopmentAnalysis.jl/blob/master/test/malmquist.jl):
five units, one input, one output, two and three periods; Malmquist index, efficiency change and
technical change (Färe, Grosskopf, Norris & Zhang 1994, adjacent-period geometric-mean index).
Super-efficiency is checked against its closed form with one input and one output under CRS
(Andersen & Petersen 1993: the unit's ratio over the best ratio among the *other* units) and
against the identity that an inefficient unit keeps its ordinary score. The bootstrap has no
RNG-independent published output; it is checked by a coverage simulation on a known frontier and
by its invariants.
"""

from __future__ import annotations

import time

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from utils.methods.dea import dea
from utils.methods.dea_extensions import (
    dea_bootstrap,
    malmquist,
    radial_efficiency,
    super_efficiency,
)


def _panel(xs: list[list[float]], ys: list[list[float]]):
    n = len(xs[0])
    rows_x, rows_y = [], []
    for t, (x, y) in enumerate(zip(xs, ys, strict=True), start=1):
        for j in range(n):
            rows_x.append({"unit": f"U{j + 1}", "period": t, "x": x[j]})
            rows_y.append({"unit": f"U{j + 1}", "period": t, "y": y[j]})
    return pd.DataFrame(rows_x), pd.DataFrame(rows_y)


JL_X = [[2, 3, 5, 4, 4], [1, 2, 4, 3, 4], [0.5, 1.5, 3, 2, 4]]
JL_Y = [[1, 4, 6, 3, 5], [1, 4, 6, 3, 3], [2, 4, 6, 3, 1]]


def test_malmquist_reproduces_dataenvelopmentanalysis_jl_two_periods():
    x, y = _panel(JL_X[:2], JL_Y[:2])
    res = malmquist(x, y)
    np.testing.assert_allclose(res["malmquist"], [2.0, 1.5, 1.25, 1.3333333333, 0.6], atol=1e-8)
    np.testing.assert_allclose(
        res["efficiency_change"], [1.3333333333, 1.0, 0.8333333333, 0.8888888889, 0.4], atol=1e-8
    )
    np.testing.assert_allclose(res["technical_change"], [1.5] * 5, atol=1e-8)
    # CRS: input and output orientation give the same index (also asserted in the Julia tests)
    res_o = malmquist(x, y, orientation="output")
    np.testing.assert_allclose(res_o["malmquist"], res["malmquist"], atol=1e-8)


def test_malmquist_reproduces_dataenvelopmentanalysis_jl_three_periods():
    x, y = _panel(JL_X, JL_Y)
    res = malmquist(x, y)
    second = res[res["from"] == 2]
    np.testing.assert_allclose(
        second["malmquist"], [4.0, 1.3333333, 1.3333333, 1.5, 0.3333333], atol=1e-6
    )
    np.testing.assert_allclose(
        second["efficiency_change"], [2.0, 0.6666667, 0.6666667, 0.75, 0.1666667], atol=1e-6
    )
    np.testing.assert_allclose(second["technical_change"], [2.0] * 5, atol=1e-8)


_pos = st.floats(min_value=0.5, max_value=5.0, allow_nan=False)


@settings(max_examples=25, deadline=None)
@given(
    data=st.lists(st.tuples(_pos, _pos, _pos, _pos, _pos, _pos), min_size=3, max_size=6),
    c=st.floats(min_value=0.5, max_value=2.0),
)
def test_malmquist_identities(data, c):
    """M = EC x TC; EC = PEC x SEC; second-period outputs scaled by c (inputs unchanged, CRS)
    give M = c for every unit."""
    x1 = [[a, b] for a, b, *_ in data]
    y1 = [[e, f] for *_, e, f in data]
    rows_x, rows_y = [], []
    for j, (xx, yy) in enumerate(zip(x1, y1, strict=True)):
        for t, scale in ((1, 1.0), (2, c)):
            rows_x.append({"unit": j, "period": t, "x1": xx[0], "x2": xx[1]})
            rows_y.append({"unit": j, "period": t, "y1": yy[0] * scale, "y2": yy[1] * scale})
    res = malmquist(pd.DataFrame(rows_x), pd.DataFrame(rows_y))
    np.testing.assert_allclose(
        res["malmquist"], res["efficiency_change"] * res["technical_change"], rtol=1e-9
    )
    np.testing.assert_allclose(
        res["efficiency_change"],
        res["pure_efficiency_change"] * res["scale_change"],
        rtol=1e-9,
    )
    np.testing.assert_allclose(res["malmquist"], c, rtol=1e-6)


def test_malmquist_refuses_unbalanced_panel():
    x, y = _panel(JL_X[:2], JL_Y[:2])
    with pytest.raises(ValueError, match="same units|unbalanced"):
        malmquist(x.iloc[:-1], y.iloc[:-1])
    with pytest.raises(ValueError, match="two periods"):
        malmquist(x[x.period == 1], y[y.period == 1])


def test_super_efficiency_one_input_one_output_closed_form():
    x = pd.DataFrame({"x": [2.0, 3.0, 5.0, 4.0]}, index=list("ABCD"))
    y = pd.DataFrame({"y": [1.0, 4.0, 6.0, 3.0]}, index=list("ABCD"))
    ratio = (y["y"] / x["x"]).to_numpy()
    expected = [ratio[j] / np.delete(ratio, j).max() for j in range(4)]
    np.testing.assert_allclose(super_efficiency(x, y).to_numpy(), expected, rtol=1e-8)
    # the efficient unit B scores above 1 by the margin over the runner-up C (1.333 / 1.2)
    assert super_efficiency(x, y)["B"] == pytest.approx((4 / 3) / 1.2)


@settings(max_examples=20, deadline=None)
@given(data=st.lists(st.tuples(_pos, _pos, _pos), min_size=3, max_size=8))
def test_super_efficiency_of_an_inefficient_unit_is_its_ordinary_score(data):
    x = pd.DataFrame({"x1": [a for a, _, _ in data], "x2": [b for _, b, _ in data]})
    y = pd.DataFrame({"y": [c for *_, c in data]})
    ordinary = dea(x, y)["crste"]
    sup = super_efficiency(x, y)
    inefficient = ordinary < 1 - 1e-6
    np.testing.assert_allclose(sup[inefficient], ordinary[inefficient], rtol=1e-6)
    assert (sup[~inefficient] >= 1 - 1e-6).all()


def test_super_efficiency_vrs_can_be_infeasible():
    # the unit with the largest output cannot be enveloped by the others under VRS (input)
    x = pd.DataFrame({"x": [1.0, 2.0, 3.0]})
    y = pd.DataFrame({"y": [1.0, 2.0, 5.0]})
    res = super_efficiency(x, y, rts="vrs")
    assert np.isnan(res.iloc[2]) and not np.isnan(res.iloc[0])


def test_radial_efficiency_agrees_with_dea_on_its_own_units():
    rng = np.random.default_rng(3)
    x = pd.DataFrame(rng.uniform(1, 3, (10, 2)), columns=["a", "b"])
    y = pd.DataFrame(rng.uniform(1, 3, (10, 2)), columns=["c", "d"])
    d = dea(x, y)
    for rts, col in (("crs", "crste"), ("vrs", "vrste")):
        for orient in ("input", "output"):
            got = radial_efficiency(x, y, x, y, rts, orient)
            ref = dea(x, y, orientation=orient)[col] if orient == "output" else d[col]
            np.testing.assert_allclose(got, ref, atol=1e-7)


def test_bootstrap_is_seeded_and_consistent():
    rng = np.random.default_rng(5)
    x = pd.DataFrame({"x": rng.uniform(1, 2, 15)})
    y = pd.DataFrame({"y": x["x"] * rng.uniform(0.4, 1, 15)})
    a = dea_bootstrap(x, y, rts="crs", n_resamples=200, seed=11)
    b = dea_bootstrap(x, y, rts="crs", n_resamples=200, seed=11)
    pd.testing.assert_frame_equal(a.table, b.table)
    t = a.to_frame()
    assert (t["ci_low"] <= t["bias_corrected"] + 1e-9).all()
    assert (t["ci_high"] <= t["efficiency"] + 1e-9).all()  # the DEA score is an upper bound
    assert a.replicates.shape == (200, 15)
    assert a.distinguishable().shape == (15, 15)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"n_resamples": 10}, "n_resamples"),
        ({"n_resamples": 10**7}, "n_resamples"),
        ({"confidence": 1.5}, "confidence"),
        ({"rts": "drs"}, "rts"),
    ],
)
def test_bootstrap_argument_validation(kwargs, match):
    x = pd.DataFrame({"x": [1.0, 2.0, 3.0]})
    y = pd.DataFrame({"y": [1.0, 1.5, 2.0]})
    with pytest.raises(ValueError, match=match):
        dea_bootstrap(x, y, **kwargs)


@pytest.mark.slow
def test_bootstrap_interval_covers_the_true_efficiency():
    """Coverage on a known frontier: one input, one output, CRS frontier y = x, true Farrell
    efficiency theta_j = y_j / x_j drawn uniformly in [0.5, 1]. Simar & Wilson (1998) report
    coverage somewhat below nominal in small samples; we require >= 80 % of 95 % intervals to
    cover the true score over all units and repetitions (measured: see the assertion message)."""
    rng = np.random.default_rng(2024)
    hits = total = 0
    for _ in range(15):
        n = 25
        y = rng.uniform(1, 3, n)
        theta = rng.uniform(0.5, 1.0, n)
        x = y / theta
        res = dea_bootstrap(
            pd.DataFrame({"x": x}), pd.DataFrame({"y": y}), rts="crs", n_resamples=300, seed=1
        )
        t = res.table
        hits += int(((t["ci_low"] <= theta) & (theta <= t["ci_high"])).sum())
        total += n
    coverage = hits / total
    assert coverage >= 0.80, f"coverage {coverage:.3f}"


@pytest.mark.slow
def test_bootstrap_timing_2000_replications_25_units():
    rng = np.random.default_rng(0)
    x = pd.DataFrame(rng.uniform(1, 3, (25, 2)), columns=["funds", "cadres"])
    y = pd.DataFrame(rng.uniform(1, 2, (25, 2)), columns=["exits", "income"])
    start = time.perf_counter()
    dea_bootstrap(x, y, rts="vrs", n_resamples=2000, seed=1)
    assert time.perf_counter() - start < 30


def test_nondiscretionary_inputs_agree_with_dea_across_the_extensions():
    """radial_efficiency, super_efficiency and the bootstrap use the same Banker-Morey (1986)
    frontier as utils.methods.dea.dea when an input is non-discretionary."""
    rng = np.random.default_rng(3)
    x = pd.DataFrame({"funds": rng.uniform(1, 5, 10), "stock": rng.uniform(1, 5, 10)})
    y = pd.DataFrame({"out": rng.uniform(1, 5, 10)})
    for rts, model in (("crs", "ccr"), ("vrs", "bcc")):
        ref = dea(x, y, model=model, nondiscretionary=["stock"])["efficiency"].to_numpy()
        got = radial_efficiency(x, y, x, y, rts, "input", nondiscretionary=[False, True])
        np.testing.assert_allclose(got, ref, atol=1e-7)
        sup = super_efficiency(x, y, rts=rts, nondiscretionary=["stock"]).to_numpy()
        ineff = ref < 1 - 1e-6
        np.testing.assert_allclose(sup[ineff], ref[ineff], atol=1e-7)
    boot = dea_bootstrap(x, y, rts="vrs", n_resamples=100, seed=1, nondiscretionary=["stock"])
    ref = dea(x, y, model="bcc", nondiscretionary=["stock"])["efficiency"].to_numpy()
    np.testing.assert_allclose(boot.table["efficiency"], ref, atol=1e-7)
    assert (boot.table["bias_corrected"] <= boot.table["efficiency"] + 1e-12).all()
