"""Tests for utils.methods.poverty: published / hand-derived examples, properties, validation messages."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from utils.methods import poverty
from utils.methods.poverty import (
    AFResult,
    alkire_foster,
    alkire_foster_by_group,
    fgt,
    gini,
    relative_poverty_line,
    theil,
    transition_matrix,
)

SETTINGS = settings(max_examples=50, deadline=None)

incomes = arrays(
    float,
    st.integers(2, 40),
    elements=st.floats(0, 1000, allow_nan=False, allow_infinity=False, allow_subnormal=False),
)
positive_incomes = arrays(
    float,
    st.integers(2, 40),
    elements=st.floats(0.01, 1000, allow_nan=False, allow_infinity=False),
)


# ============================================================================ FGT
def test_fgt_hand_example():
    """Hand-derived: incomes (1, 2, 3, 4), z = 3. Poor (strictly below 3): 1 and 2.

    P0 = 2/4; P1 = ((3-1)/3 + (3-2)/3)/4 = 1/4; P2 = ((2/3)^2 + (1/3)^2)/4 = 5/36.
    The income exactly at the line (3) is not poor (Foster, Greer & Thorbecke 1984, y_i < z).
    """
    y = [1, 2, 3, 4]
    assert fgt(y, 3) == pytest.approx(0.5)
    assert fgt(y, 3, alpha=1) == pytest.approx(0.25)
    assert fgt(y, 3, alpha=2) == pytest.approx(5 / 36)
    res = fgt(y, 3, alpha=[0, 1, 2])
    assert isinstance(res, pd.Series)
    assert list(res.index) == ["P0", "P1", "P2"]
    np.testing.assert_allclose(res.to_numpy(), [0.5, 0.25, 5 / 36])
    # non-integer alpha goes through the general power: ((2/3)^0.5 + (1/3)^0.5)/4
    assert fgt(y, 3, alpha=0.5) == pytest.approx((math.sqrt(2 / 3) + math.sqrt(1 / 3)) / 4)
    assert fgt(np.array(y), 3, alpha=np.array([1.0]))["P1"] == pytest.approx(0.25)


def test_fgt_weights_hand_example():
    """Weights (1, 1, 2, 0): the weighted mean of the poverty indicators, by hand.

    P0 = (1 + 1) / 4 = 0.5; P1 = (2/3 + 1/3) / 4 = 0.25 (the zero-weight 4 does not count).
    """
    assert fgt([1, 2, 3, 4], 3, weights=[1, 1, 2, 0]) == pytest.approx(0.5)
    assert fgt([1, 2, 3, 4], 3, alpha=1, weights=[1, 1, 2, 0]) == pytest.approx(0.25)
    assert fgt([1, 2, 3, 4], 3, alpha=2, weights=[2, 0, 1, 1]) == pytest.approx(2 * 4 / 9 / 4)


def test_fgt_person_weights_hand_example():
    """Person weights (issue 11): design weight x household size, as NBS counts persons.

    Households (income per person, design weight, size): (2, 10, 5), (4, 10, 1), (6, 20, 2),
    line 5. Persons represented: 50, 10, 40 (total 100); poor persons 50 + 10, so P0 = 0.6,
    while the household count gives (10 + 10) / 40 = 0.5. P1 = (50 x 3/5 + 10 x 1/5) / 100 = 0.32.
    Weighted medians, with the mean of the two middle values when the cumulative weight hits
    exactly half: persons (cumulative 50 of 100 at income 2) give (2 + 4) / 2 = 3; households
    (cumulative 20 of 40 at income 4) give (4 + 6) / 2 = 5."""
    y, w, size = [2.0, 4.0, 6.0], np.array([10.0, 10, 20]), np.array([5, 1, 2])
    assert fgt(y, 5, weights=w * size) == pytest.approx(0.6)
    assert fgt(y, 5, weights=w) == pytest.approx(0.5)
    assert fgt(y, 5, alpha=1, weights=w * size) == pytest.approx(0.32)
    assert relative_poverty_line(y, share=1.0, weights=w * size) == pytest.approx(3.0)
    assert relative_poverty_line(y, share=1.0, weights=w) == pytest.approx(5.0)


@SETTINGS
@given(incomes, st.floats(1, 500), st.floats(0.01, 500), st.sampled_from([0, 1, 2, 1.5]))
def test_fgt_monotone_in_line(y, z, dz, alpha):
    """P_alpha is non-decreasing in the poverty line (non-negative incomes)."""
    assert fgt(y, z + dz, alpha) >= fgt(y, z, alpha) - 1e-12


@SETTINGS
@given(incomes, st.floats(1, 500))
def test_fgt_ordering_and_range(y, z):
    """0 <= P2 <= P1 <= P0 <= 1 when 0 <= gap <= 1."""
    p = fgt(y, z, [0, 1, 2])
    assert 0 <= p["P2"] <= p["P1"] + 1e-12 <= p["P0"] + 2e-12 <= 1 + 2e-12


@SETTINGS
@given(incomes, st.floats(1, 500), st.data())
def test_fgt_integer_weights_equal_replication(y, z, data):
    w = np.array(data.draw(st.lists(st.integers(0, 4), min_size=y.size, max_size=y.size)))
    if w.sum() == 0:
        w[0] = 1
    for a in (0, 1, 2):
        assert fgt(y, z, a, weights=w) == pytest.approx(fgt(np.repeat(y, w), z, a), abs=1e-12)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"line": "3"}, "line: must be a real number"),
        ({"line": True}, "line: must be a real number"),
        ({"line": 0}, "line: the poverty line must be a positive"),
        ({"line": float("inf")}, "line: the poverty line must be a positive"),
        ({"line": 3, "alpha": -1}, r"alpha: each value must be a finite number >= 0"),
        ({"line": 3, "alpha": [0, "x"]}, r"alpha: each value must be a finite number >= 0"),
        ({"line": 3, "alpha": []}, "alpha: expected a number >= 0 or a non-empty sequence"),
        ({"line": 3, "alpha": "P0"}, "alpha: expected a number >= 0 or a non-empty sequence"),
        ({"line": 3, "weights": [1, 1]}, "weights: expected 4 weights, got 2"),
        ({"line": 3, "weights": [1, -1, 1, 1]}, "weights: weights must be non-negative"),
    ],
)
def test_fgt_validation(kwargs, match):
    with pytest.raises(ValueError, match=match):
        fgt([1, 2, 3, 4], **kwargs)


def test_fgt_income_validation():
    with pytest.raises(ValueError, match="income: contains NaN"):
        fgt([1, np.nan], 3)


# ============================================================================ relative lines
def test_relative_poverty_line_hand():
    """Median of (1, 2, 3, 4) is 2.5, mean 2.5; of (1, 2, 3, 10) median 2.5, mean 4."""
    assert relative_poverty_line([1, 2, 3, 4]) == pytest.approx(1.25)
    assert relative_poverty_line([1, 2, 3, 10], statistic="mean", share=0.6) == pytest.approx(2.4)
    assert relative_poverty_line([1, 2, 3, 10], share=0.4) == pytest.approx(1.0)
    # weighted mean (1*1 + 3*3) / 4 = 2.5
    assert relative_poverty_line([1, 3], statistic="mean", weights=[1, 3]) == pytest.approx(1.25)
    # weighted median: weights (1, 1, 2, 1) -> replicated (1, 2, 3, 3, 4) -> median 3
    assert relative_poverty_line([1, 2, 3, 4], share=1, weights=[1, 1, 2, 1]) == 3
    # equal weights reproduce the usual (averaged) median
    assert relative_poverty_line([4, 1, 3, 2], share=1, weights=[2, 2, 2, 2]) == 2.5


@SETTINGS
@given(incomes, st.data())
def test_weighted_median_equals_replicated_median(y, data):
    w = np.array(data.draw(st.lists(st.integers(0, 4), min_size=y.size, max_size=y.size)))
    if w.sum() == 0:
        w[-1] = 2
    got = relative_poverty_line(y, share=1.0, weights=w)
    assert got == pytest.approx(float(np.median(np.repeat(y, w))), abs=1e-9)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"share": "half"}, "share: must be a finite number"),
        ({"share": 0}, "share: must be positive"),
        ({"statistic": "mode"}, "statistic: must be 'median' or 'mean'"),
        ({"weights": [1, 2]}, "weights: expected 4 weights"),
    ],
)
def test_relative_poverty_line_validation(kwargs, match):
    with pytest.raises(ValueError, match=match):
        relative_poverty_line([1, 2, 3, 4], **kwargs)


# ============================================================================ Alkire-Foster
def _af_paper_example() -> pd.DataFrame:
    """Alkire & Foster (2011, J. Public Econ. 95, section 2): achievement matrix y of 4 persons
    in 4 dimensions with cutoffs z = (13, 12, 3, 1); deprived when y_ij < z_j."""
    y = np.array(
        [
            [13.1, 14, 4, 1],
            [15.2, 7, 5, 0],
            [12.5, 10, 1, 0],
            [20, 11, 3, 1],
        ]
    )
    z = np.array([13, 12, 3, 1])
    return pd.DataFrame(
        (y < z).astype(int),
        index=["p1", "p2", "p3", "p4"],
        columns=["income", "schooling", "bmi", "health"],
    )


def test_alkire_foster_paper_example():
    """Alkire & Foster (2011): c = (0, 2, 4, 1); with k = 2 of 4 dimensions, H = 1/2, A = 3/4,
    M0 = 3/8 (the paper's numbers). Censored headcounts and contributions derived by hand from
    the censored matrix g0(k) (rows p2, p3): CH = (1/4, 2/4, 1/4, 2/4); contribution_j =
    (1/4) CH_j / (3/8) = (1/6, 1/3, 1/6, 1/3)."""
    d = _af_paper_example()
    np.testing.assert_array_equal(d.sum(axis=1).to_numpy(), [0, 2, 4, 1])
    w = {c: 0.25 for c in d.columns}
    r = alkire_foster(d, w, k=0.5)
    assert isinstance(r, AFResult)
    assert r.H == pytest.approx(0.5)
    assert r.A == pytest.approx(0.75)
    assert r.M0 == pytest.approx(3 / 8)
    assert list(r.poor) == [False, True, True, False]
    np.testing.assert_allclose(r.scores.to_numpy(), [0, 0.5, 1, 0.25])
    np.testing.assert_allclose(r.censored_headcounts.to_numpy(), [0.25, 0.5, 0.25, 0.5])
    np.testing.assert_allclose(r.uncensored_headcounts.to_numpy(), [0.25, 0.75, 0.25, 0.5])
    np.testing.assert_allclose(r.contributions.to_numpy(), [1 / 6, 1 / 3, 1 / 6, 1 / 3])
    assert list(r.contributions.index) == list(d.columns)
    assert list(r.scores.index) == list(d.index)


def test_alkire_foster_union_and_intersection():
    """Same example, by hand from c = (0, 2, 4, 1): union (k = 1/4): three poor, H = 3/4,
    A = (2 + 4 + 1) / (3 * 4) = 7/12, M0 = 7/16; intersection (k = 1): only p3, H = 1/4, A = 1,
    M0 = 1/4."""
    d = _af_paper_example()
    u = alkire_foster(d, [0.25] * 4, k=0.25)
    assert (u.H, u.A, u.M0) == pytest.approx((0.75, 7 / 12, 7 / 16))
    i = alkire_foster(d, [0.25] * 4, k=1)
    assert (i.H, i.A, i.M0) == pytest.approx((0.25, 1.0, 0.25))


def test_alkire_foster_ties_count_as_poor():
    """1/3 + 1/3 + 1/3 is 0.9999999999999999 in floating point; with k = 1 the household must
    still be poor (exact tie), and deprivation in 2 of 3 with k = 2/3 too."""
    d = pd.DataFrame({"a": [1, 1, 0], "b": [1, 1, 0], "c": [1, 0, 0]})
    w = [1 / 3, 1 / 3, 1 / 3]
    r = alkire_foster(d, w, k=1.0)
    assert list(r.poor) == [True, False, False]
    r = alkire_foster(d, w, k=2 / 3)
    assert list(r.poor) == [True, True, False]


def test_alkire_foster_sample_weights_equal_replication():
    d = _af_paper_example()
    sw = np.array([3, 1, 2, 0])
    r = alkire_foster(d, [0.25] * 4, 0.5, sample_weights=sw)
    rep = alkire_foster(d.loc[d.index.repeat(sw)], [0.25] * 4, 0.5)
    assert (r.H, r.A, r.M0) == pytest.approx((rep.H, rep.A, rep.M0))
    np.testing.assert_allclose(r.contributions, rep.contributions)
    # by hand: population 6, poor p2 (1) and p3 (2) -> H = 1/2, M0 = (1*0.5 + 2*1)/6 = 5/12
    assert r.H == pytest.approx(0.5)
    assert r.M0 == pytest.approx(5 / 12)


def test_alkire_foster_nobody_poor():
    d = pd.DataFrame({"a": [0, 1], "b": [0, 0]})
    r = alkire_foster(d, [0.5, 0.5], k=1)
    assert (r.H, r.A, r.M0) == (0.0, 0.0, 0.0)
    assert r.contributions.isna().all()


def test_alkire_foster_accepts_bool_and_series_weights():
    d = _af_paper_example().astype(bool)
    w = pd.Series([0.25] * 4, index=list(reversed(d.columns)))
    assert alkire_foster(d, w, 0.5).M0 == pytest.approx(3 / 8)


@st.composite
def deprivation_data(draw):
    n = draw(st.integers(1, 30))
    d = draw(st.integers(1, 6))
    g = draw(arrays(np.int64, (n, d), elements=st.integers(0, 1)))
    raw = np.array(draw(st.lists(st.integers(1, 10), min_size=d, max_size=d)), dtype=float)
    k = draw(st.floats(0.01, 1.0))
    groups = draw(st.lists(st.sampled_from(["t1", "t2", "t3"]), min_size=n, max_size=n))
    return pd.DataFrame(g, columns=[f"i{j}" for j in range(d)]), raw / raw.sum(), k, groups


@SETTINGS
@given(deprivation_data())
def test_alkire_foster_identities(case):
    """M0 = H*A = mean censored score = sum_j w_j CH_j; contributions sum to 1."""
    g, w, k, _ = case
    r = alkire_foster(g, w, k)
    assert r.M0 == pytest.approx(r.H * r.A, abs=1e-12)
    assert r.M0 == pytest.approx(float((r.scores * r.poor).mean()), abs=1e-12)
    assert r.M0 == pytest.approx(float(w @ r.censored_headcounts.to_numpy()), abs=1e-12)
    if r.M0 > 0:
        assert r.contributions.sum() == pytest.approx(1.0)
    assert (r.censored_headcounts <= r.uncensored_headcounts + 1e-12).all()


@SETTINGS
@given(deprivation_data(), st.floats(0.01, 1.0))
def test_alkire_foster_m0_non_increasing_in_k(case, k2):
    g, w, k, _ = case
    lo, hi = sorted([k, k2])
    assert alkire_foster(g, w, hi).M0 <= alkire_foster(g, w, lo).M0 + 1e-12


@SETTINGS
@given(deprivation_data())
def test_alkire_foster_by_group_recomposition(case):
    """sum_g share_g M0_g = M0 and contributions sum to 1 (subgroup decomposability)."""
    g, w, k, groups = case
    tab = alkire_foster_by_group(g, w, k, groups)
    overall = alkire_foster(g, w, k)
    assert float((tab["population_share"] * tab["M0"]).sum()) == pytest.approx(
        overall.M0, abs=1e-12
    )
    assert tab["population_share"].sum() == pytest.approx(1.0)
    assert int(tab["n"].sum()) == len(g)
    if overall.M0 > 0:
        assert tab["contribution"].sum() == pytest.approx(1.0)
    # each row equals alkire_foster on that subgroup alone
    labels = np.asarray(groups)
    for name, row in tab.iterrows():
        sub = alkire_foster(g[labels == name], w, k)
        assert (row["H"], row["A"], row["M0"]) == pytest.approx((sub.H, sub.A, sub.M0))


def test_zero_weight_groups_are_dropped():
    """A group whose households all have weight 0 has no population and no row."""
    g = ["a", "a", "b", "b"]
    r = theil([1, 3, 5, 7], groups=g, weights=[1, 1, 0, 0])
    assert list(r.by_group.index) == ["a"]
    assert r.total == pytest.approx(theil([1, 3]).total)
    tab = alkire_foster_by_group(
        _af_paper_example(), [0.25] * 4, 0.5, g, sample_weights=[1, 1, 0, 0]
    )
    assert list(tab.index) == ["a"]
    assert tab.loc["a", "M0"] == pytest.approx(0.25)


def test_alkire_foster_by_group_paper_example():
    """Paper example split into {p1, p2} and {p3, p4}: by hand, group 1 has p2 poor (score 1/2):
    H = 1/2, A = 1/2, M0 = 1/4; group 2 has p3 poor (score 1): H = 1/2, A = 1, M0 = 1/2.
    Contributions 0.5 * 0.25 / 0.375 = 1/3 and 0.5 * 0.5 / 0.375 = 2/3."""
    tab = alkire_foster_by_group(_af_paper_example(), [0.25] * 4, 0.5, ["g1", "g1", "g2", "g2"])
    np.testing.assert_allclose(tab["M0"], [0.25, 0.5])
    np.testing.assert_allclose(tab["A"], [0.5, 1.0])
    np.testing.assert_allclose(tab["contribution"], [1 / 3, 2 / 3])
    assert list(tab.index) == ["g1", "g2"]
    assert list(tab.columns) == ["n", "population_share", "H", "A", "M0", "contribution"]


@pytest.mark.parametrize(
    ("args", "match"),
    [
        ({"weights": [0.5, 0.5, 0.5, 0.5]}, "weights: weights must sum to 1, got 2"),
        ({"weights": {"income": 0.5, "x": 0.5}}, r"weights: keys must match .*missing .*unknown"),
        ({"weights": [0.5, 0.5]}, "weights: expected 4 weights, got 2"),
        ({"k": 0}, r"k: the poverty cutoff .* must lie in \(0, 1\]"),
        ({"k": 1.5}, r"k: the poverty cutoff .* must lie in \(0, 1\]"),
        ({"k": "half"}, r"k: must be a finite number in \(0, 1\]"),
        ({"sample_weights": [1, 2]}, "sample_weights: expected 4 weights, got 2"),
    ],
)
def test_alkire_foster_validation(args, match):
    kw = {"weights": [0.25] * 4, "k": 0.5} | args
    with pytest.raises(ValueError, match=match):
        alkire_foster(_af_paper_example(), **kw)


def test_alkire_foster_non_binary_entry():
    d = _af_paper_example().astype(float)
    d.loc["p2", "bmi"] = 0.5
    with pytest.raises(ValueError, match=r"deprivations: .*found 0.5 at row 'p2', column 'bmi'"):
        alkire_foster(d, [0.25] * 4, 0.5)


@pytest.mark.parametrize(
    ("groups", "match"),
    [
        (["a", "b"], "groups and the data must have the same length, got 2 and 4"),
        (["a", None, "b", "b"], "groups: missing group label at position 1"),
        ([["a"], ["b"], ["c"], ["d"]], "groups: expected a 1-D sequence"),
    ],
)
def test_alkire_foster_by_group_validation(groups, match):
    with pytest.raises(ValueError, match=match):
        alkire_foster_by_group(_af_paper_example(), [0.25] * 4, 0.5, groups)


# ============================================================================ Gini
def test_gini_closed_forms():
    """Equal incomes -> 0; one of n holds everything -> (n-1)/n (1 with the n/(n-1) correction);
    incomes 1..n -> (n-1)/(3n) (from G = sum_ij |x_i - x_j| / (2 n^2 mu)); e.g. 1..5 -> 4/15."""
    assert gini([5, 5, 5, 5]) == 0.0
    for n in (2, 3, 10):
        x = np.zeros(n)
        x[-1] = 7
        assert gini(x) == pytest.approx((n - 1) / n)
        assert gini(x, correction=True) == pytest.approx(1.0)
    for n in (2, 5, 50):
        assert gini(np.arange(1, n + 1)) == pytest.approx((n - 1) / (3 * n))
    assert gini([1, 2, 3, 4, 5]) == pytest.approx(4 / 15)


def test_gini_weighted_hand():
    """Weights (1, 2, 1) on (1, 2, 3) = data (1, 2, 2, 3): mean 2, sum |xi - xj| over ordered
    pairs = 2 * (1 + 1 + 2 + 0 + 1 + 1) = 12, G = 12 / (2 * 16 * 2) = 3/16."""
    assert gini([1, 2, 3], weights=[1, 2, 1]) == pytest.approx(3 / 16)
    assert gini([1, 2, 2, 3]) == pytest.approx(3 / 16)


def _gini_mad(x: np.ndarray) -> float:
    """Independent formula: mean absolute difference / (2 mean)."""
    return float(np.abs(x[:, None] - x[None, :]).sum() / (2 * x.size**2 * x.mean()))


@SETTINGS
@given(incomes)
def test_gini_matches_mean_difference_formula(x):
    if x.sum() <= 0:
        x = x + 1
    assert gini(x) == pytest.approx(_gini_mad(x), abs=1e-9)
    assert 0 <= gini(x) <= (x.size - 1) / x.size + 1e-12
    assert gini(3.5 * x) == pytest.approx(gini(x), abs=1e-12)


@SETTINGS
@given(positive_incomes, st.data())
def test_gini_integer_weights_equal_replication(x, data):
    w = np.array(data.draw(st.lists(st.integers(0, 4), min_size=x.size, max_size=x.size)))
    if w.sum() == 0:
        w[0] = 3
    assert gini(x, weights=w) == pytest.approx(gini(np.repeat(x, w)), abs=1e-9)


@pytest.mark.parametrize(
    ("x", "kwargs", "match"),
    [
        ([1, -2, 3], {}, "x: incomes must be non-negative for the Gini, got minimum -2"),
        ([0, 0], {}, "x: incomes sum to 0; the Gini is undefined"),
        ([1, 2], {"weights": [1, 1], "correction": True}, "correction: the n/.* unweighted"),
        ([3], {"correction": True}, "correction: needs at least 2 observations"),
    ],
)
def test_gini_validation(x, kwargs, match):
    with pytest.raises(ValueError, match=match):
        gini(x, **kwargs)


# ============================================================================ Theil
def test_theil_closed_forms():
    """Equal incomes -> 0. Two people (1, 3): mu = 2, T = (1/2)[(1/2) ln(1/2) + (3/2) ln(3/2)].
    Groups with equal incomes inside (1, 1 | 3, 3): within = 0, between = total = same value."""
    assert theil([4, 4, 4]).total == pytest.approx(0.0, abs=1e-15)
    expected = 0.5 * (0.5 * math.log(0.5) + 1.5 * math.log(1.5))
    assert theil([1, 3]).total == pytest.approx(expected)
    r = theil([1, 1, 3, 3], groups=["a", "a", "b", "b"])
    assert r.total == pytest.approx(expected)
    assert r.within == pytest.approx(0.0, abs=1e-15)
    assert r.between == pytest.approx(expected)
    np.testing.assert_allclose(r.by_group["income_share"], [0.25, 0.75])
    np.testing.assert_allclose(r.by_group["mean"], [1.0, 3.0])
    one = theil([1, 3])
    assert one.between == 0.0
    assert list(one.by_group.index) == ["all"]


@SETTINGS
@given(positive_incomes, st.data())
def test_theil_decomposition_exact(x, data):
    groups = data.draw(st.lists(st.sampled_from(["u", "v", "w"]), min_size=x.size, max_size=x.size))
    r = theil(x, groups)
    assert r.between + r.within == pytest.approx(r.total, abs=1e-10)
    assert r.between >= -1e-12
    assert r.within >= -1e-12
    assert r.by_group["within_contribution"].sum() == pytest.approx(r.within, abs=1e-12)
    mu = x.mean()
    direct = float(np.mean(x / mu * np.log(x / mu)))
    assert r.total == pytest.approx(direct, abs=1e-10)


@SETTINGS
@given(positive_incomes, st.data())
def test_theil_integer_weights_equal_replication(x, data):
    w = np.array(data.draw(st.lists(st.integers(0, 3), min_size=x.size, max_size=x.size)))
    if w.sum() == 0:
        w[0] = 1
    g = np.where(np.arange(x.size) % 2 == 0, "a", "b")
    r = theil(x, g, weights=w)
    rep = theil(np.repeat(x, w), np.repeat(g, w))
    assert (r.total, r.between, r.within) == pytest.approx(
        (rep.total, rep.between, rep.within), abs=1e-10
    )


def test_theil_validation():
    with pytest.raises(
        ValueError, match=r"x: incomes must be strictly positive .* got 0 at position 1"
    ):
        theil([1, 0, 2])
    with pytest.raises(ValueError, match="groups and the data must have the same length"):
        theil([1, 2, 3], groups=["a"])


# ============================================================================ transitions
def test_transition_matrix_hand():
    """Four households: poor->poor, poor->non, non->non, non->non.
    Counts [[1, 1], [0, 2]] in order (poor, non); row shares [[.5, .5], [0, 1]]."""
    before = ["poor", "poor", "non", "non"]
    after = ["poor", "non", "non", "non"]
    counts = transition_matrix(before, after, normalize=False, states=["poor", "non"])
    assert counts.to_numpy().tolist() == [[1, 1], [0, 2]]
    assert counts.index.name == "before"
    assert counts.columns.name == "after"
    shares = transition_matrix(before, after, states=["poor", "non"])
    np.testing.assert_allclose(shares.to_numpy(), [[0.5, 0.5], [0.0, 1.0]])
    # default order: sorted union; an unobserved 'before' row is NaN
    t = transition_matrix(pd.Series([1, 1]), pd.Series([2, 3]))
    assert list(t.index) == [1, 2, 3]
    assert t.loc[2].isna().all()
    np.testing.assert_allclose(t.loc[1].to_numpy(), [0, 0.5, 0.5])


@pytest.mark.parametrize(
    ("before", "after", "kwargs", "match"),
    [
        (["a", "b"], ["a"], {}, "state_before and state_after must have the same length"),
        (["a", "b"], ["a", "c"], {"states": ["a", "b"]}, r"states: observed states \['c'\]"),
        (["a"], ["a"], {"states": ["a", "a"]}, "states: contains duplicates"),
        ([1, "a"], ["a", "a"], {}, "cannot be sorted; pass states="),
        ([], [], {}, "state_before: is empty"),
        (["a", None], ["a", "a"], {}, "state_before: missing state at position 1"),
        ([["a"]], [["a"]], {}, "state_before: expected a 1-D sequence"),
    ],
)
def test_transition_matrix_validation(before, after, kwargs, match):
    with pytest.raises(ValueError, match=match):
        transition_matrix(before, after, **kwargs)


# ---------------------------------------------------------------------------- nested weights, dynamics
def test_nested_weights_global_mpi():
    """Global MPI (Alkire & Santos 2014, World Development 59, Table 1): three dimensions;
    education (years of schooling, school attendance) and health (child mortality, nutrition)
    indicators weigh 1/6 each, the six living-standard indicators 1/18 each."""
    dims = {
        "schooling": "education",
        "attendance": "education",
        "mortality": "health",
        "nutrition": "health",
        **{
            k: "living standards"
            for k in ["electricity", "sanitation", "water", "floor", "cooking_fuel", "assets"]
        },
    }
    w = poverty.nested_weights(dims)
    assert list(w.index) == list(dims)
    np.testing.assert_allclose(w.iloc[:4], 1 / 6)
    np.testing.assert_allclose(w.iloc[4:], 1 / 18)
    assert w.name == "weight"


@pytest.mark.parametrize(
    ("dims", "match"),
    [
        (["a"], "dimension_of: expected a Series or dict indicator -> dimension, got list"),
        ({}, "dimension_of: is empty"),
        (pd.Series(["x", "y"], index=["a", "a"]), r"dimension_of: indicators \['a'\] are listed"),
        (pd.Series(["x", None], index=["a", "b"]), r"dimension_of: indicators \['b'\] have no"),
    ],
)
def test_nested_weights_validation(dims, match):
    with pytest.raises(ValueError, match=match):
        poverty.nested_weights(dims)


@SETTINGS
@given(st.lists(st.sampled_from(["d1", "d2", "d3", "d4"]), min_size=1, max_size=15))
def test_nested_weights_properties(assignment):
    dims = pd.Series(assignment, index=[f"i{j}" for j in range(len(assignment))])
    w = poverty.nested_weights(dims)
    assert w.sum() == pytest.approx(1.0)
    per_dim = w.groupby(dims).sum()
    np.testing.assert_allclose(per_dim, 1 / dims.nunique())
    assert (w.groupby(dims).nunique() == 1).all()


def test_poverty_status_strict():
    """Poor means strictly below the line (FGT 1984): an income at the line is not poor."""
    inc = pd.DataFrame({2016: [100.0, 200.0], 2020: [300.0, 150.0]}, index=["h1", "h2"])
    st_ = poverty.poverty_status(inc, {2016: 200, 2020: 300})
    assert st_.to_numpy().tolist() == [[True, False], [False, True]]
    assert list(st_.index) == ["h1", "h2"]


@pytest.mark.parametrize(
    ("lines", "match"),
    [
        ([1, 2], "lines: expected a Series or dict year -> line, got list"),
        ({2016: 1.0}, r"lines: no poverty line for year\(s\) \[2020\] of incomes"),
        ({2016: 1.0, 2020: 0.0}, r"lines: the lines of year\(s\) \[2020\] must be positive"),
    ],
)
def test_poverty_status_validation(lines, match):
    inc = pd.DataFrame({2016: [1.0], 2020: [2.0]})
    with pytest.raises(ValueError, match=match):
        poverty.poverty_status(inc, lines)


def test_poverty_dynamics_by_hand():
    """Six trajectories over three periods, classified by hand from their spells:
    000 never poor; 100 exited; 101 returned; 001 fell into poverty; 111 persistently poor;
    010 exited. First -> last: poor first (rows 2, 3, 5) end 0, 1, 1 -> P(poor->poor) = 2/3;
    non-poor first (rows 1, 4, 6) end 0, 1, 0 -> P(non-poor->poor) = 1/3."""
    status = pd.DataFrame(
        [[0, 0, 0], [1, 0, 0], [1, 0, 1], [0, 0, 1], [1, 1, 1], [0, 1, 0]],
        index=list("abcdef"),
        columns=[2016, 2018, 2020],
    ).astype(bool)
    res = poverty.poverty_dynamics(status)
    assert list(res.trajectory) == [
        "never poor",
        "exited",
        "returned to poverty",
        "fell into poverty",
        "persistently poor",
        "exited",
    ]
    assert list(res.spells) == [0, 1, 2, 1, 1, 1]
    assert res.transition.at["poor", "poor"] == pytest.approx(2 / 3)
    assert res.transition.at["non-poor", "poor"] == pytest.approx(1 / 3)
    assert res.transition_counts.to_numpy().tolist() == [[2, 1], [1, 2]]
    assert res.transition.index.name == "status in 2016"
    assert res.summary.at["exited", "households"] == 2
    np.testing.assert_allclose(res.headcount, [3 / 6, 2 / 6, 3 / 6])
    assert list(res.summary.index) == list(poverty.TRAJECTORIES)


@pytest.mark.parametrize(
    ("status", "match"),
    [
        ([[0, 1]], "status: expected a pandas DataFrame, got list"),
        (pd.DataFrame([[0, 2]]), "status: entries must be True/False or 0/1; found 2 at row 0"),
        (pd.DataFrame([[0], [1]]), r"status: needs at least 2 periods \(columns\), got 1"),
        (pd.DataFrame([[0.0, np.nan]]), "status: contains NaN or infinite values"),
    ],
)
def test_poverty_dynamics_validation(status, match):
    with pytest.raises(ValueError, match=match):
        poverty.poverty_dynamics(status)


@SETTINGS
@given(
    arrays(np.int64, st.tuples(st.integers(1, 30), st.integers(2, 6)), elements=st.integers(0, 1))
)
def test_poverty_dynamics_properties(g):
    status = pd.DataFrame(g.astype(bool))
    res = poverty.poverty_dynamics(status)
    assert res.summary["households"].sum() == len(status)
    assert res.summary["share"].sum() == pytest.approx(1.0)
    poor = status.to_numpy()
    never = res.trajectory == "never poor"
    assert (never.to_numpy() == ~poor.any(axis=1)).all()
    persistent = (res.trajectory == "persistently poor").to_numpy()
    assert (persistent == poor.all(axis=1)).all()
    assert res.transition_counts.to_numpy().sum() == len(status)
    rows = res.transition.dropna()
    np.testing.assert_allclose(rows.sum(axis=1), 1.0)
    # returns need an exit first, so at least three periods
    if status.shape[1] == 2:
        assert not (res.trajectory == "returned to poverty").any()


# ----------------------------------------------------------------------------- interpolated_medians
def test_interpolated_medians_refuses_extrapolation_and_bad_input():
    bg = pd.DataFrame({"year": [2016, 2018], "m": [100.0, 121.0]})
    with pytest.raises(ValueError, match="a median is not extrapolated"):
        poverty.interpolated_medians(bg, [2019], column="m")
    with pytest.raises(ValueError, match=r"table: missing column\(s\) \['m'\]"):
        poverty.interpolated_medians(pd.DataFrame({"year": [2016]}), [2016], column="m")
    with pytest.raises(ValueError, match="must be positive"):
        poverty.interpolated_medians(pd.DataFrame({"year": [2016], "m": [0.0]}), [2016], column="m")


@settings(max_examples=40, deadline=None)
@given(
    st.floats(10.0, 1e5),
    st.floats(0.5, 2.0),
    st.integers(2, 6),
)
def test_interpolated_medians_interpolation_is_geometric(m0, ratio, gap):
    """Every filled year lies on the geometric path: consecutive ratios are equal."""
    bg = pd.DataFrame({"year": [2000, 2000 + gap], "m": [m0, m0 * ratio]})
    out = poverty.interpolated_medians(bg, range(2000, 2001 + gap), column="m")["median"]
    steps = (out / out.shift()).dropna()
    assert steps.to_numpy() == pytest.approx([ratio ** (1 / gap)] * gap, rel=1e-9)
