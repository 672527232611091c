"""Tests for utils.methods.resampling: bootstrap, weight sensitivity, simultaneous intervals."""

from __future__ import annotations

import time

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from pymcdm.methods import TOPSIS
from pymcdm.normalizations import vector_normalization
from scipy import stats

from utils.methods.resampling import (
    BootstrapResult,
    bootstrap,
    simultaneous_intervals,
    weight_sensitivity,
)
from utils.methods.scoring import _grey_coefficients, _topsis_distances

SETTINGS = settings(max_examples=50, deadline=None)

# Efron & Tibshirani (1993), *An Introduction to the Bootstrap*, Chapman & Hall, Table 3.1:
# LSAT and GPA of the 15 law schools of the sample; sample correlation 0.776 (p. 21/ch. 6).
LSAT = [576, 635, 558, 578, 666, 580, 555, 661, 651, 605, 653, 575, 545, 572, 594]
GPA = [3.39, 3.30, 2.81, 3.03, 3.44, 3.07, 3.00, 3.43, 3.36, 3.13, 3.12, 2.74, 2.76, 2.88, 2.96]
LAW = pd.DataFrame({"lsat": LSAT, "gpa": GPA})


def corr(d: pd.DataFrame) -> float:
    return float(d["lsat"].corr(d["gpa"]))


# ============================================================================ bootstrap
def test_law_school_correlation_efron_tibshirani():
    """Efron & Tibshirani (1993): r = .776; the bootstrap standard error of r is about .13
    (their Table 6.1 gives values between .13 and .15 for B = 25 ... 3200). With B = 2000 the
    Monte Carlo error of the se is about 0.003, so [0.115, 0.155] cannot be met by chance
    if the resampling were wrong (e.g. columns resampled independently gives se ~ .26)."""
    r = bootstrap(corr, LAW, n_resamples=2000, seed=1)
    assert round(r.estimate, 3) == 0.776
    assert 0.115 < r.se < 0.155
    assert r.ci_low < r.estimate < r.ci_high <= 1


@pytest.mark.parametrize(
    ("method", "scipy_method"), [("percentile", "percentile"), ("basic", "basic"), ("bca", "BCa")]
)
def test_intervals_agree_with_scipy(method, scipy_method):
    """Cross-check with the independent implementation scipy.stats.bootstrap (same method,
    different random draws) on the mean of a skewed sample, where Monte Carlo error of the limits
    with B = 5000 is below 0.01; BCa and percentile limits differ by 0.02-0.04 here, so the
    tolerance of 0.025 distinguishes the methods."""
    x = np.random.default_rng(8).exponential(1.0, size=40)
    ours = bootstrap(np.mean, x, n_resamples=5000, seed=3, method=method)
    ref = stats.bootstrap(
        (x,), np.mean, n_resamples=5000, method=scipy_method, rng=np.random.default_rng(11)
    )
    assert ours.ci_low == pytest.approx(ref.confidence_interval.low, abs=0.025)
    assert ours.ci_high == pytest.approx(ref.confidence_interval.high, abs=0.025)
    assert ours.se == pytest.approx(ref.standard_error, abs=0.006)


def test_bca_shifts_right_for_right_skewed_mean():
    """For a right-skewed sample the BCa interval of the mean lies to the right of the
    percentile interval (positive acceleration; Efron & Tibshirani 1993, ch. 14)."""
    x = np.random.default_rng(8).exponential(1.0, size=40)
    p = bootstrap(np.mean, x, n_resamples=3000, seed=1)
    b = bootstrap(np.mean, x, n_resamples=3000, seed=1, method="bca")
    assert b.ci_low > p.ci_low
    assert b.ci_high > p.ci_high


def test_mean_se_closed_form():
    """The ideal bootstrap se of a mean is sqrt(sum (x - xbar)^2) / n (Efron & Tibshirani 1993,
    eq. 6.9 / problem 6.5); 3000 resamples estimate it within a few percent."""
    x = np.random.default_rng(5).normal(10, 2, size=200)
    r = bootstrap(np.mean, x, n_resamples=3000, seed=2)
    ideal = np.sqrt(((x - x.mean()) ** 2).sum()) / x.size
    assert r.se == pytest.approx(ideal, rel=0.08)
    assert r.estimate == pytest.approx(x.mean())


def test_series_statistic_gives_per_element_results():
    rng = np.random.default_rng(0)
    d = pd.DataFrame(rng.uniform(size=(50, 3)), columns=["a", "b", "c"])
    r = bootstrap(lambda x: x.mean(), d, n_resamples=200)
    assert isinstance(r, BootstrapResult)
    assert list(r.estimate.index) == ["a", "b", "c"]
    assert r.distribution.shape == (200, 3)
    tab = r.to_frame()
    assert list(tab.columns) == ["estimate", "ci_low", "ci_high", "se"]
    assert list(tab.index) == ["a", "b", "c"]
    assert (tab["ci_low"] <= tab["estimate"]).all()
    assert (tab["estimate"] <= tab["ci_high"]).all()
    scalar = bootstrap(lambda x: float(x["a"].mean()), d, n_resamples=50).to_frame()
    assert scalar.shape == (1, 4)


def test_seeded_and_reproducible():
    a = bootstrap(corr, LAW, n_resamples=100, seed=42)
    b = bootstrap(corr, LAW, n_resamples=100, seed=42)
    c = bootstrap(corr, LAW, n_resamples=100, seed=43)
    pd.testing.assert_series_equal(a.distribution, b.distribution)
    assert not a.distribution.equals(c.distribution)


def test_constant_data_degenerate_interval():
    """All rows equal: every replicate equals the estimate, se = 0, interval = the point."""
    r = bootstrap(np.mean, np.full(20, 3.0), n_resamples=100)
    assert (r.estimate, r.ci_low, r.ci_high, r.se) == (3.0, 3.0, 3.0, 0.0)


@SETTINGS
@given(arrays(float, st.integers(5, 30), elements=st.floats(-50, 50)), st.integers(0, 10**6))
def test_basic_is_reflected_percentile(x, seed):
    """basic = [2 est - q_hi, 2 est - q_lo] with the same replicates (same seed)."""
    p = bootstrap(np.median, x, n_resamples=60, seed=seed)
    b = bootstrap(np.median, x, n_resamples=60, seed=seed, method="basic")
    assert b.ci_low == pytest.approx(2 * p.estimate - p.ci_high, abs=1e-9)
    assert b.ci_high == pytest.approx(2 * p.estimate - p.ci_low, abs=1e-9)
    assert p.ci_low <= p.ci_high


def test_composite_score_speed():
    """Brief's target: 2,000 resamples of a weighted mean of 5 dimension scores, 1,000 rows."""
    rng = np.random.default_rng(0)
    d = pd.DataFrame(rng.uniform(size=(1000, 5)), columns=list("abcde"))
    w = np.array([0.3, 0.2, 0.2, 0.2, 0.1])
    t0 = time.perf_counter()
    r = bootstrap(lambda x: float((x.to_numpy() @ w).mean()), d, n_resamples=2000)
    assert time.perf_counter() - t0 < 5
    assert r.distribution.size == 2000


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"statistic": 3}, "statistic: must be callable"),
        ({"n_resamples": 1}, "n_resamples: must be an integer >= 2"),
        ({"n_resamples": 10.5}, "n_resamples: must be an integer >= 2"),
        ({"confidence": 1.0}, "confidence: must be a number strictly between 0 and 1"),
        ({"method": "studentized"}, "method: must be 'percentile', 'basic' or 'bca'"),
        ({"data": 5.0}, "data: expected an array or DataFrame with rows, got a scalar"),
        ({"data": [1.0]}, "data: needs at least 2 rows to resample, got 1"),
        ({"statistic": lambda d: d.to_frame()}, "statistic: must return a number or a Series"),
        ({"statistic": lambda d: "x"}, "statistic: must return a number or a Series, got str"),
        (
            {"statistic": lambda d: pd.Series(["u"] * 2)},
            "statistic: returned a non-numeric Series",
        ),
    ],
)
def test_bootstrap_validation(kwargs, match):
    args = {"statistic": lambda d: float(np.mean(d)), "data": LAW["gpa"]} | kwargs
    with pytest.raises(ValueError, match=match):
        bootstrap(
            args.pop("statistic"), args.pop("data"), n_resamples=args.pop("n_resamples", 10), **args
        )


def test_bootstrap_inconsistent_statistic():
    """A statistic whose labels change between resamples is refused with the resample number."""

    def unstable(d: pd.Series) -> pd.Series:
        return d.value_counts().sort_index()

    with pytest.raises(ValueError, match="statistic: resample 0 returned"):
        bootstrap(unstable, pd.Series([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]), n_resamples=5)


# ============================================================================ weight sensitivity
def _matrix(seed=0, m=12, n=5):
    rng = np.random.default_rng(seed)
    return pd.DataFrame(
        rng.uniform(1, 10, (m, n)),
        index=[f"t{i}" for i in range(m)],
        columns=[f"c{j}" for j in range(n)],
    )


def test_vectorised_topsis_equals_pymcdm():
    """Independent implementation: pymcdm TOPSIS with vector normalisation (pymcdm turns cost
    columns into 1 - r, which gives the same distances as the classic min-ideal)."""
    X = _matrix()
    types = np.array([1, 1, -1, 1, -1])
    rng = np.random.default_rng(1)
    W = rng.dirichlet(np.ones(5), size=4)
    dp, dm = _topsis_distances(X.to_numpy(), types == 1, W)
    got = dm / (dp + dm)
    topsis = TOPSIS(normalization_function=vector_normalization)
    for d in range(4):
        np.testing.assert_allclose(got[d], topsis(X.to_numpy(), W[d], types), atol=1e-12)


def test_base_rank_equals_utils_scoring():
    """Same ranking as the book's TOPSIS / grey relational analysis for the base weights."""
    scoring = pytest.importorskip("utils.methods.scoring")
    X = _matrix(3)
    w = pd.Series([0.3, 0.25, 0.2, 0.15, 0.1], index=X.columns)
    ben = ["benefit", "benefit", "cost", "benefit", "cost"]
    ws = weight_sensitivity(X, w, ben, n_draws=10)
    pd.testing.assert_series_equal(
        ws["base_rank"], scoring.topsis(X, w, ben)["rank"], check_names=False
    )
    wg = weight_sensitivity(X, w, ben, method="grey", n_draws=10)
    ref = scoring.grey_relational_grades(X, w, ben)
    pd.testing.assert_series_equal(wg["base_rank"], ref.ranks, check_names=False)
    np.testing.assert_allclose(
        _grey_coefficients(X.to_numpy(), np.array([1, 1, 0, 1, 0], bool), 0.5), ref.coefficients
    )


def test_grey_hand_example():
    """Deng's coefficients by hand: one benefit column (1, 2, 3) -> z = (0, .5, 1),
    Delta = (1, .5, 0), Delta_min = 0, Delta_max = 1, rho = .5:
    xi = .5 / (Delta + .5) = (1/3, 1/2, 1)."""
    np.testing.assert_allclose(
        _grey_coefficients(np.array([[1.0], [2.0], [3.0]]), np.array([True]), 0.5),
        [[1 / 3], [0.5], [1]],
    )


def test_output_shape_and_huge_concentration():
    """With an enormous concentration every draw equals the base weights: ranks never move."""
    X = _matrix()
    ws = weight_sensitivity(X, [0.2] * 5, n_draws=50, concentration=1e12)
    assert list(ws.columns) == [
        "unit",
        "base_rank",
        "share_same_rank",
        "rank_p05",
        "rank_median",
        "rank_p95",
        "rank_mean",
    ]
    assert list(ws.index) == list(X.index)
    assert list(ws["unit"]) == list(X.index)
    assert (ws["share_same_rank"] == 1).all()
    assert (ws["rank_median"] == ws["base_rank"]).all()
    assert sorted(ws["base_rank"]) == list(range(1, 13))


@SETTINGS
@given(
    arrays(float, (6, 4), elements=st.floats(1, 10)),
    st.sampled_from(["topsis", "grey"]),
    st.integers(0, 1000),
)
def test_dominant_unit_always_first(X, method, seed):
    """A unit strictly better than every other on every (benefit) criterion is ranked 1 under
    any positive weights, so share_same_rank is 1 for it."""
    X = X.copy()
    X[0] = X.max(axis=0) + 1
    ws = weight_sensitivity(X, [0.25] * 4, method=method, n_draws=40, concentration=2, seed=seed)
    assert ws.loc[0, "base_rank"] == 1
    assert ws.loc[0, "share_same_rank"] == 1
    assert ws.loc[0, "rank_p95"] == 1
    assert ((ws["rank_p05"] <= ws["rank_median"]) & (ws["rank_median"] <= ws["rank_p95"])).all()


def test_zero_weight_criterion_is_ignored():
    """A weight of 0 stays 0 in every draw: same result as dropping that column."""
    X = _matrix(7)
    a = weight_sensitivity(X, [0.4, 0.3, 0.0, 0.2, 0.1], n_draws=100, seed=9)
    b = weight_sensitivity(X.drop(columns="c2"), [0.4, 0.3, 0.2, 0.1], n_draws=100, seed=9)
    pd.testing.assert_frame_equal(a, b)


def test_seeded_and_speed():
    """Brief's target: 1,000 draws x 25 units x 10 criteria well under 5 s."""
    X = _matrix(2, m=25, n=10)
    t0 = time.perf_counter()
    a = weight_sensitivity(X, np.full(10, 0.1), n_draws=1000, seed=4)
    assert time.perf_counter() - t0 < 5
    pd.testing.assert_frame_equal(a, weight_sensitivity(X, np.full(10, 0.1), n_draws=1000, seed=4))


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"method": "vikor"}, "method: must be 'topsis' or 'grey'"),
        ({"n_draws": 0}, "n_draws: must be a positive integer"),
        ({"concentration": 0}, "concentration: must be a positive number"),
        ({"concentration": "big"}, "concentration: must be a positive number"),
        ({"rho": 1.5}, r"rho: the distinguishing coefficient must lie in \(0, 1\]"),
        ({"weights": {"c0": 1}}, r"weights: labels \['c0'\] do not match the criteria"),
        ({"weights": [1, 1]}, "weights: expected 5 weights, got 2"),
        ({"benefit": ["up"] * 5}, r"benefit\[0\]: 'up' is neither"),
    ],
)
def test_weight_sensitivity_validation(kwargs, match):
    args = {"weights": [0.2] * 5} | kwargs
    with pytest.raises(ValueError, match=match):
        weight_sensitivity(_matrix(), **args)


def test_weight_sensitivity_degenerate_data():
    X = _matrix()
    X["c1"] = 0.0
    with pytest.raises(ValueError, match="X: column 'c1' is all zero"):
        weight_sensitivity(X, [0.2] * 5)
    same = pd.DataFrame(np.ones((3, 2)), columns=["a", "b"])
    with pytest.raises(ValueError, match="all units are identical"):
        weight_sensitivity(same, [0.5, 0.5])


def test_bootstrap_confidence_widens_the_interval():
    """A higher confidence level gives a wider percentile interval from the same replicates."""
    x = np.random.default_rng(4).normal(size=40)
    narrow = bootstrap(np.mean, x, n_resamples=500, seed=1, confidence=0.5)
    wide = bootstrap(np.mean, x, n_resamples=500, seed=1, confidence=0.99)
    assert (narrow.confidence, wide.confidence) == (0.5, 0.99)
    assert wide.ci_low < narrow.ci_low < narrow.ci_high < wide.ci_high


# ----------------------------------------------------------------------------- simultaneous intervals
def test_simultaneous_bonferroni_closed_form():
    """Bonferroni with m = 2 at 95 %: critical value z_{1 - 0.05/4} = 2.2414 (normal table;
    scipy.stats.norm.ppf(0.9875)); with df = 28 it is t_{28, 0.9875} = 2.3685 (t table);
    adjusted p = min(1, 2 m P(Z > |t|))."""
    est = pd.Series({"a": 1.0, "b": -0.5})
    se = pd.Series({"a": 0.4, "b": 0.4})
    tab = simultaneous_intervals(est, se, method="bonferroni")
    assert tab["critical"].iloc[0] == pytest.approx(2.2414, abs=1e-4)
    assert tab.loc["a", "p_adjusted"] == pytest.approx(min(1, 4 * stats.norm.sf(2.5)))
    assert simultaneous_intervals(est, se, method="bonferroni", df=28)["critical"].iloc[
        0
    ] == pytest.approx(2.3685, abs=1e-4)


def test_simultaneous_max_t_matches_sidak_for_independent_estimates():
    """Independent standard-normal replicates: the max-|t| quantile solves
    (2 Phi(c) - 1)^m = 0.95 (Sidak), c = 1.960 for m = 1 and 2.568 for m = 5; perfectly
    correlated estimates give back the pointwise 1.96 (max-t uses the correlation, Bonferroni
    cannot)."""
    rng = np.random.default_rng(0)
    m, R = 5, 40_000
    labels = list("abcde")
    reps = pd.DataFrame(rng.standard_normal((R, m)), columns=labels)
    est, se = pd.Series(0.0, index=labels), pd.Series(1.0, index=labels)
    c5 = simultaneous_intervals(est, se, reps)["critical"].iloc[0]
    sidak = stats.norm.ppf((1 + 0.95 ** (1 / m)) / 2)
    assert c5 == pytest.approx(sidak, abs=0.03) and sidak == pytest.approx(2.568, abs=1e-3)
    c1 = simultaneous_intervals(est[["a"]], se[["a"]], reps)["critical"].iloc[0]
    assert c1 == pytest.approx(1.96, abs=0.03)
    same = pd.DataFrame(np.repeat(reps[["a"]].to_numpy(), m, axis=1), columns=labels)
    assert simultaneous_intervals(est, se, same)["critical"].iloc[0] == pytest.approx(c1)
    bonf = simultaneous_intervals(est, se, method="bonferroni")["critical"].iloc[0]
    assert c5 <= bonf


@settings(max_examples=30, deadline=None)
@given(
    arrays(float, 4, elements=st.floats(-5, 5)),
    arrays(float, 4, elements=st.floats(0.1, 3)),
    st.integers(0, 2**16),
)
def test_simultaneous_intervals_properties(est, se, seed):
    """Intervals contain their estimate, are symmetric, share one critical value at least the
    pointwise one (up to resampling noise); p-values in (0, 1]; an exact estimate (se = 0) has a
    zero-width interval and the smallest p-value unless it equals the reference."""
    labels = list("abcd")
    rng = np.random.default_rng(seed)
    reps = pd.DataFrame(rng.standard_normal((400, 4)) * se + est, columns=labels)
    e, s = pd.Series(est, index=labels), pd.Series(se, index=labels)
    tab = simultaneous_intervals(e, s, reps, reference=0.0)
    assert ((tab["ci_low"] <= e) & (e <= tab["ci_high"])).all()
    assert np.allclose(tab["ci_high"] - e, e - tab["ci_low"])
    assert tab["critical"].nunique() == 1 and tab["critical"].iloc[0] > 1.7
    assert tab["p_adjusted"].between(0, 1, inclusive="right").all()
    s0 = s.copy()
    s0["a"] = 0.0
    exact = simultaneous_intervals(e.where(e != 0, 1.0), s0, reps, reference=0.0)
    assert exact.loc["a", "ci_low"] == exact.loc["a", "ci_high"]
    assert exact.loc["a", "p_adjusted"] == pytest.approx(1 / 401)


def test_simultaneous_intervals_validation():
    e, s = pd.Series({"a": 1.0}), pd.Series({"a": 1.0})
    with pytest.raises(ValueError, match="method: must be 'max-t' or 'bonferroni'"):
        simultaneous_intervals(e, s, method="holm")
    with pytest.raises(ValueError, match="replicates: method='max-t' needs"):
        simultaneous_intervals(e, s)
    with pytest.raises(ValueError, match="se: index"):
        simultaneous_intervals(e, pd.Series({"b": 1.0}), method="bonferroni")
    with pytest.raises(ValueError, match="se: must be non-negative and finite"):
        simultaneous_intervals(e, pd.Series({"a": -1.0}), method="bonferroni")
    with pytest.raises(ValueError, match="replicates: no column for 'a'"):
        simultaneous_intervals(e, s, pd.DataFrame({"b": [1.0, 2.0]}))
    with pytest.raises(ValueError, match="reference: no value for 'a'"):
        simultaneous_intervals(e, s, reference=pd.Series({"b": 0.0}), method="bonferroni")
    with pytest.raises(ValueError, match="confidence: must be a number strictly between"):
        simultaneous_intervals(e, s, method="bonferroni", confidence=95)
