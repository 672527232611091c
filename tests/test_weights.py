"""Tests for utils.methods.weights: published AHP examples, closed forms, pymcdm cross-checks, properties
and every validation branch."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from pymcdm.weights import critic_weights as pymcdm_critic
from pymcdm.weights import entropy_weights as pymcdm_entropy

from utils.methods.weights import (
    CONSISTENCY_THRESHOLD,
    RANDOM_INDEX,
    AHPResult,
    ahp,
    ahp_group,
    ahp_group_bootstrap,
    ahp_hierarchy,
    blockwise_weights,
    combine_weights,
    critic_weights,
    entropy_weights,
)

FAST = settings(max_examples=50, deadline=None)

# Saaty, T. L. (1990). How to make a decision: the analytic hierarchy process. European Journal
# of Operational Research, 48(1), 9-26. House-buying example: criteria matrix (Table 2) and the
# comparison of houses A, B, C on "size of house".
SAATY_CRITERIA = [
    "size",
    "transport",
    "neighborhood",
    "age",
    "yard",
    "facilities",
    "condition",
    "financing",
]
SAATY_HOUSE_MATRIX = [
    [1, 5, 3, 7, 6, 6, 1 / 3, 1 / 4],
    [1 / 5, 1, 1 / 3, 5, 3, 3, 1 / 5, 1 / 7],
    [1 / 3, 3, 1, 6, 3, 4, 6, 1 / 5],
    [1 / 7, 1 / 5, 1 / 6, 1, 1 / 3, 1 / 4, 1 / 7, 1 / 8],
    [1 / 6, 1 / 3, 1 / 3, 3, 1, 1 / 2, 1 / 5, 1 / 6],
    [1 / 6, 1 / 3, 1 / 4, 4, 2, 1, 1 / 5, 1 / 6],
    [3, 5, 1 / 6, 7, 5, 5, 1, 1 / 2],
    [4, 7, 5, 8, 6, 6, 2, 1],
]
SAATY_SIZE_MATRIX = [[1, 6, 8], [1 / 6, 1, 4], [1 / 8, 1 / 4, 1]]


# ----------------------------------------------------------------------------------- AHP
def test_ahp_saaty_1990_house_criteria():
    """Saaty (1990, EJOR 48:9-26), Table 2: priorities .173 .054 .188 .018 .031 .036 .167 .333,
    lambda_max = 9.669, CI = 0.238, CR = 0.169 (RI(8) = 1.41)."""
    M = pd.DataFrame(SAATY_HOUSE_MATRIX, index=SAATY_CRITERIA, columns=SAATY_CRITERIA)
    r = ahp(M)
    expected = [0.173, 0.054, 0.188, 0.018, 0.031, 0.036, 0.167, 0.333]
    assert list(r.weights.index) == SAATY_CRITERIA
    np.testing.assert_allclose(r.weights.to_numpy(), expected, atol=5e-4)
    assert r.lambda_max == pytest.approx(9.669, abs=5e-4)
    assert r.consistency_index == pytest.approx(0.238, abs=5e-4)
    assert r.consistency_ratio == pytest.approx(0.169, abs=5e-4)
    assert r.n == 8 and r.consistent is False


def test_ahp_saaty_1990_size_of_house():
    """Saaty (1990, EJOR 48:9-26): houses A, B, C on size of house -> .754 .181 .065,
    lambda_max = 3.136, CI = 0.068, CR = 0.117 (RI(3) = 0.58)."""
    r = ahp(SAATY_SIZE_MATRIX)
    np.testing.assert_allclose(r.weights.to_numpy(), [0.754, 0.181, 0.065], atol=5e-4)
    assert r.lambda_max == pytest.approx(3.136, abs=5e-4)
    assert r.consistency_index == pytest.approx(0.068, abs=5e-4)
    assert r.consistency_ratio == pytest.approx(0.117, abs=5e-4)
    assert not r.consistent
    assert isinstance(r, AHPResult)


def test_ahp_three_by_three_closed_form():
    """Closed form for n = 3 (derived by hand): with c = a12 a23 / a13,
    lambda_max = 1 + c^(1/3) + c^(-1/3), and the eigenvector equals the normalised row
    geometric means (Crawford & Williams 1985, J. Math. Psychol. 29:387-405)."""
    a12, a13, a23 = 2.0, 5.0, 3.0
    M = np.array([[1, a12, a13], [1 / a12, 1, a23], [1 / a13, 1 / a23, 1]])
    c = a12 * a23 / a13
    r = ahp(M)
    assert r.lambda_max == pytest.approx(1 + c ** (1 / 3) + c ** (-1 / 3), rel=1e-10)
    g = np.prod(M, axis=1) ** (1 / 3)
    np.testing.assert_allclose(r.weights.to_numpy(), g / g.sum(), rtol=1e-10)
    assert r.consistency_ratio == pytest.approx(r.consistency_index / 0.58)


def test_ahp_agrees_with_pymcdm_weights_and_lambda():
    """Independent implementation: pymcdm's AHP eigenvector and lambda_max (its RI table
    differs, so CR is compared through CI only)."""
    from pymcdm.weights.subjective import AHP

    M = np.array(SAATY_HOUSE_MATRIX, dtype=float)
    peer = AHP(matrix=M)
    w = peer()
    r = ahp(M)
    np.testing.assert_allclose(r.weights.to_numpy(), w, rtol=1e-8)
    ri_peer = AHP.RI_M[7]
    assert r.consistency_index == pytest.approx(peer.get_cr() * ri_peer, rel=1e-8)


def test_random_index_tables():
    """Saaty (1980) and Saaty (2005) / Saaty & Tran (2007) random indices."""
    assert RANDOM_INDEX["saaty"] == (0, 0, 0.58, 0.90, 1.12, 1.24, 1.32, 1.41, 1.45, 1.49)
    assert RANDOM_INDEX["saaty2005"][2:] == (
        0.52,
        0.89,
        1.11,
        1.25,
        1.35,
        1.40,
        1.45,
        1.49,
        1.52,
        1.54,
        1.56,
        1.58,
        1.59,
    )
    r = ahp(SAATY_SIZE_MATRIX, ri="saaty2005")
    assert r.consistency_ratio == pytest.approx(r.consistency_index / 0.52)


def test_ahp_small_matrices_have_zero_cr():
    r1 = ahp([[1.0]])
    assert (
        r1.weights.tolist() == [1.0]
        and r1.consistency_ratio == 0
        and r1.consistency_index == 0
        and r1.consistent
    )
    r2 = ahp([[1, 4], [0.25, 1]])
    np.testing.assert_allclose(r2.weights.to_numpy(), [0.8, 0.2])
    assert r2.consistency_ratio == 0 and r2.consistent


def test_ahp_accepts_three_decimal_reciprocals():
    M = [[1, 3, 5], [0.333, 1, 3], [0.2, 0.333, 1]]
    assert ahp(M).n == 3


@st.composite
def positive_vectors(draw, min_size=1, max_size=10):
    n = draw(st.integers(min_size, max_size))
    return np.array(draw(st.lists(st.floats(0.05, 20), min_size=n, max_size=n)))


@FAST
@given(positive_vectors())
def test_consistent_matrix_recovers_weights(w):
    """a_ij = w_i / w_j is perfectly consistent: eigenvector = w / sum w, lambda = n, CR = 0."""
    M = w[:, None] / w[None, :]
    r = ahp(M)
    np.testing.assert_allclose(r.weights.to_numpy(), w / w.sum(), rtol=1e-7, atol=1e-12)
    assert r.lambda_max == pytest.approx(len(w), rel=1e-8)
    assert r.consistency_ratio == pytest.approx(0, abs=1e-8)
    assert r.consistent


@FAST
@given(st.lists(st.sampled_from([1 / 9, 1 / 5, 1 / 3, 1, 3, 5, 9]), min_size=3, max_size=3))
def test_ahp_weights_positive_and_lambda_at_least_n(upper):
    """Perron-Frobenius: positive weights summing to 1 and lambda_max >= n for any reciprocal
    matrix (Saaty 1977)."""
    M = np.ones((3, 3))
    M[0, 1], M[0, 2], M[1, 2] = upper
    M[1, 0], M[2, 0], M[2, 1] = 1 / M[0, 1], 1 / M[0, 2], 1 / M[1, 2]
    r = ahp(M)
    assert np.all(r.weights > 0) and r.weights.sum() == pytest.approx(1)
    assert r.lambda_max >= 3 - 1e-9 and r.consistency_ratio >= 0


@pytest.mark.parametrize(
    ("matrix", "kwargs", "message"),
    [
        (
            [[1, 2, 3], [0.5, 1, 2]],
            {},
            r"matrix: a pairwise comparison matrix must be square, got 2 x 3",
        ),
        ([[1, -2], [-0.5, 1]], {}, r"judgments must be positive, got -2 at row 0, column 1"),
        ([[1, np.nan], [1, 1]], {}, r"matrix: contains NaN"),
        ([[2, 2], [0.5, 1]], {}, r"the diagonal must be 1, got 2 at \(0, 0\)"),
        ([[1, 3], [0.5, 1]], {}, r"not reciprocal at \(0, 1\): a_ij = 3 and a_ji = 0.5"),
        ([[1, 3], [0.33, 1]], {}, r"not reciprocal at \(0, 1\)"),
        ([[1]], {"ri": "bogus"}, r"ri: unknown random-index table 'bogus'"),
        (
            np.ones((11, 11)),
            {},
            r"11 x 11 is larger than the 'saaty' random-index table allows \(n <= 10\)",
        ),
        (np.ones((16, 16)), {"ri": "saaty2005"}, r"n <= 15"),
        ([[1]], {"tol": 0}, r"tol: must be a positive finite number"),
        ([[]], {}, r"matrix: expected a non-empty 2-D matrix"),
    ],
)
def test_ahp_validation(matrix, kwargs, message):
    with pytest.raises(ValueError, match=message):
        ahp(matrix, **kwargs)


def test_ahp_rejects_mismatched_dataframe_labels():
    M = pd.DataFrame([[1, 2], [0.5, 1]], index=["a", "b"], columns=["b", "a"])
    with pytest.raises(ValueError, match=r"row labels \['a', 'b'\] and column labels"):
        ahp(M)


def test_ahp_rejects_named_nonreciprocal_cell():
    M = pd.DataFrame(
        [[1, 2, 3], [0.5, 1, 4], [1 / 3, 1 / 2, 1]], index=list("xyz"), columns=list("xyz")
    )
    with pytest.raises(ValueError, match=r"not reciprocal at \('y', 'z'\)"):
        ahp(M)


# ------------------------------------------------------------------------------ group AHP
def test_ahp_group_geometric_of_identical_matrices_is_ahp():
    r = ahp_group([SAATY_SIZE_MATRIX, SAATY_SIZE_MATRIX])
    single = ahp(SAATY_SIZE_MATRIX)
    np.testing.assert_allclose(r.weights, single.weights)
    assert r.consistency_ratio == pytest.approx(single.consistency_ratio)
    assert list(r.individual.index) == [0, 1]


def test_ahp_group_geometric_closed_form():
    """AIJ (Aczel & Saaty 1983): the geometric mean of [[1, 4], [1/4, 1]] and [[1, 1], [1, 1]]
    is [[1, 2], [1/2, 1]], whose priorities are (2/3, 1/3) (by hand)."""
    r = ahp_group({"e1": [[1, 4], [0.25, 1]], "e2": [[1, 1], [1, 1]]}, method="geometric")
    np.testing.assert_allclose(r.weights.to_numpy(), [2 / 3, 1 / 3])
    assert list(r.individual.index) == ["e1", "e2"]


def test_ahp_group_aip_closed_form_and_reported_cr():
    """AIP (Forman & Peniwati 1998): priorities (0.8, 0.2) and (0.5, 0.5) with expert weights
    (3/4, 1/4): w1 ∝ 0.8^0.75 0.5^0.25, w2 ∝ 0.2^0.75 0.5^0.25 (by hand)."""
    r = ahp_group([[[1, 4], [0.25, 1]], [[1, 1], [1, 1]]], method="aip", weights=[3, 1])
    a, b = 0.8**0.75 * 0.5**0.25, 0.2**0.75 * 0.5**0.25
    np.testing.assert_allclose(r.weights.to_numpy(), [a / (a + b), b / (a + b)])
    assert r.consistency_ratio == 0 and r.individual["expert_weight"].tolist() == [0.75, 0.25]
    r3 = ahp_group({"x": SAATY_SIZE_MATRIX, "y": [[1, 1, 1]] * 3}, method="aip")
    assert r3.consistency_ratio == pytest.approx((ahp(SAATY_SIZE_MATRIX).consistency_ratio + 0) / 2)


@FAST
@given(
    positive_vectors(min_size=3, max_size=6),
    st.integers(1, 4),
    st.sampled_from(["geometric", "aip"]),
)
def test_ahp_group_of_consistent_copies_returns_weights(w, k, method):
    M = w[:, None] / w[None, :]
    r = ahp_group([M] * k, method=method)
    np.testing.assert_allclose(r.weights.to_numpy(), w / w.sum(), rtol=1e-7, atol=1e-12)


@pytest.mark.parametrize(
    ("matrices", "kwargs", "message"),
    [
        ("abc", {}, r"matrices: expected a list or a dict"),
        ([], {}, r"matrices: at least one comparison matrix is required"),
        ([[[1]]], {"method": "mean"}, r"method: must be 'geometric' or 'aip', got 'mean'"),
        ([[[1, 2], [0.5, 1]], [[1]]], {}, r"matrices\[1\]: shape \(1, 1\) differs from"),
        ({"a": [[1, 2], [0.5, 1]], "b": [[1, 2], [3, 1]]}, {}, r"matrices\['b'\]: not reciprocal"),
        ([[[1]], [[1]]], {"weights": [1, -1]}, r"weights: weights must be non-negative"),
        ([[[1]], [[1]]], {"weights": [1]}, r"weights: expected 2 weights, got 1"),
        (
            {"a": [[1]], "b": [[1]]},
            {"weights": pd.Series([1, 1], index=["a", "c"])},
            r"weights: expert labels .* do not match",
        ),
    ],
)
def test_ahp_group_validation(matrices, kwargs, message):
    with pytest.raises(ValueError, match=message):
        ahp_group(matrices, **kwargs)


def test_ahp_group_rejects_different_labels():
    a = pd.DataFrame([[1, 2], [0.5, 1]], index=["p", "q"], columns=["p", "q"])
    b = pd.DataFrame([[1, 2], [0.5, 1]], index=["p", "r"], columns=["p", "r"])
    with pytest.raises(ValueError, match=r"matrices\[1\]: labels \['p', 'r'\] differ"):
        ahp_group([a, b])


def test_ahp_group_series_weights_are_aligned_by_expert():
    mats = {"a": [[1, 4], [0.25, 1]], "b": [[1, 1], [1, 1]]}
    r1 = ahp_group(mats, method="aip", weights=pd.Series({"b": 1, "a": 3}))
    r2 = ahp_group(mats, method="aip", weights=[3, 1])
    np.testing.assert_allclose(r1.weights, r2.weights)


def test_ahp_threshold_and_summary_on_saaty_1990_size_of_house():
    """Saaty (1990, EJOR 48:9-26): CR = 0.117 with RI(3) = 0.58: inconsistent at Saaty's 0.10,
    consistent at a laxer 0.12; summary() is one consistency-table row."""
    strict, lax = ahp(SAATY_SIZE_MATRIX), ahp(SAATY_SIZE_MATRIX, threshold=0.12)
    assert strict.threshold == CONSISTENCY_THRESHOLD == 0.10 and not strict.consistent
    assert lax.consistent and lax.threshold == 0.12
    assert strict.random_index == 0.58
    row = strict.summary()
    assert list(row.index) == [
        "n",
        "lambda_max",
        "consistency_index",
        "random_index",
        "consistency_ratio",
        "consistent",
    ]
    assert row["consistency_ratio"] == pytest.approx(0.117, abs=5e-4)
    frame = strict.to_frame()
    assert list(frame.columns) == ["weight"] and frame["weight"].sum() == pytest.approx(1)


def test_ahp_intransitive_cycle_closed_form():
    """Cycle x > y > z > x of strength 5: the circulant matrix with first row (1, 5, 1/5) has
    principal eigenvalue 1 + 5 + 1/5 = 6.2 (a row sum of a circulant, by hand), so
    CI = (6.2 - 3) / 2 = 1.6 and CR = 1.6 / RI(3) = 1.6 / 0.58 (Saaty 1980); equal weights."""
    a = 5.0
    r = ahp([[1, a, 1 / a], [1 / a, 1, a], [a, 1 / a, 1]])
    assert r.lambda_max == pytest.approx(6.2, rel=1e-9)
    assert r.consistency_index == pytest.approx(1.6, rel=1e-9)
    assert r.consistency_ratio == pytest.approx(1.6 / 0.58, rel=1e-9)
    np.testing.assert_allclose(r.weights, 1 / 3)
    assert not r.consistent


def test_ahp_consistency_rule_is_strict():
    """Saaty's rule is CR < threshold: a ratio equal to the threshold is inconsistent."""
    cr = ahp(SAATY_SIZE_MATRIX).consistency_ratio
    assert ahp(SAATY_SIZE_MATRIX, threshold=cr).consistent is False
    assert ahp(SAATY_SIZE_MATRIX, threshold=min(1.0, cr * 1.001)).consistent is True


@pytest.mark.parametrize("threshold", [0, -0.1, 1.5, float("nan"), "0.1"])
def test_ahp_rejects_bad_threshold(threshold):
    with pytest.raises(ValueError, match=r"threshold: must be a number in \(0, 1\]"):
        ahp([[1]], threshold=threshold)


def test_ahp_group_excludes_inconsistent_expert():
    """Saaty's (1990) size-of-house matrix (CR 0.117) is left out at threshold 0.10, so the group
    weights are those of the other, perfectly consistent expert; at 0.12 both are pooled."""
    w = np.array([0.6, 0.3, 0.1])
    good = w[:, None] / w[None, :]
    r = ahp_group({"x": SAATY_SIZE_MATRIX, "y": good}, exclude_inconsistent=True)
    np.testing.assert_allclose(r.weights.to_numpy(), w)
    assert r.individual["included"].tolist() == [False, True]
    assert r.individual["consistent"].tolist() == [False, True]
    pooled = ahp_group({"x": SAATY_SIZE_MATRIX, "y": good})
    lax = ahp_group({"x": SAATY_SIZE_MATRIX, "y": good}, threshold=0.12, exclude_inconsistent=True)
    np.testing.assert_allclose(lax.weights, pooled.weights)
    assert pooled.individual["included"].all()
    aip = ahp_group(
        {"x": SAATY_SIZE_MATRIX, "y": good}, "aip", weights=[1, 3], exclude_inconsistent=True
    )
    np.testing.assert_allclose(aip.weights.to_numpy(), w)
    assert aip.consistency_ratio == pytest.approx(0, abs=1e-8)


@FAST
@given(
    st.lists(positive_vectors(min_size=3, max_size=3), min_size=1, max_size=4),
    st.floats(2.0, 9.0),
    st.sampled_from(["geometric", "aip"]),
)
def test_ahp_group_exclusion_equals_pooling_the_consistent_experts(ws, a, method):
    """Property: adding an intransitive cycle (CR = (a + 1/a - 2) / (2 RI(3)) >= 0.43 for a >= 2)
    and excluding it gives the pooled weights of the consistent experts alone."""
    consistent = {f"E{k}": w[:, None] / w[None, :] for k, w in enumerate(ws)}
    cycle = np.array([[1, a, 1 / a], [1 / a, 1, a], [a, 1 / a, 1]])
    both = ahp_group({**consistent, "cycle": cycle}, method, exclude_inconsistent=True)
    alone = ahp_group(consistent, method)
    np.testing.assert_allclose(both.weights, alone.weights, rtol=1e-9)
    assert both.individual["included"].tolist() == [True] * len(ws) + [False]


def test_ahp_group_refuses_when_every_matrix_is_inconsistent():
    with pytest.raises(ValueError, match=r"every matrix has a consistency ratio >= 0.1"):
        ahp_group([SAATY_SIZE_MATRIX, SAATY_SIZE_MATRIX], exclude_inconsistent=True)


# ------------------------------------------------------------------- bootstrap over experts
def _two_by_two(x: float) -> pd.DataFrame:
    return pd.DataFrame([[1, x], [1 / x, 1]], index=["a", "b"], columns=["a", "b"])


def test_ahp_group_bootstrap_two_experts_closed_form():
    """Two experts judging a 2 and 8 times b. A resample of two experts holds both (probability
    1/2: geometric mean 4, weight 4/5; Aczel & Saaty 1983), only the first (1/4: weight 2/3) or
    only the second (1/4: weight 8/9), by the multinomial of the nonparametric bootstrap
    (Efron & Tibshirani 1993, ch. 6). Replicate frequencies within 4 binomial SDs."""
    r = ahp_group_bootstrap({"E1": _two_by_two(2.0), "E2": _two_by_two(8.0)}, 4000, seed=3)
    assert r.estimate["a"] == pytest.approx(0.8)
    values = r.distribution["a"].round(9).value_counts(normalize=True)
    assert sorted(values.index) == pytest.approx([2 / 3, 0.8, 8 / 9])
    sd = np.sqrt(0.25 * 0.75 / 4000)
    assert values[round(2 / 3, 9)] == pytest.approx(0.25, abs=4 * sd)
    assert values[round(0.8, 9)] == pytest.approx(0.5, abs=4 * np.sqrt(0.25 / 4000))
    assert (r.ci_low["a"], r.ci_high["a"]) == pytest.approx((2 / 3, 8 / 9))
    np.testing.assert_allclose(r.distribution.sum(axis=1), 1.0)
    assert r.confidence == 0.95 and r.method == "percentile"


def test_ahp_group_bootstrap_identical_experts_give_a_point():
    w = np.array([0.5, 0.3, 0.2])
    m = pd.DataFrame(np.outer(w, 1 / w), index=list("xyz"), columns=list("xyz"))
    r = ahp_group_bootstrap({"E1": m, "E2": m, "E3": m}, n_resamples=50)
    np.testing.assert_allclose(r.ci_low, w)
    np.testing.assert_allclose(r.ci_high, w)
    np.testing.assert_allclose(r.se, 0, atol=1e-12)


def test_ahp_group_bootstrap_excluded_expert_never_counts():
    """Saaty's (1990) size-of-house matrix (CR 0.117) is excluded: every replicate that drew the
    consistent expert returns that expert's weights; a replicate of the excluded one alone is
    NaN (no pooled weights) and left out of the interval."""
    w = np.array([0.6, 0.3, 0.1])
    good = pd.DataFrame(w[:, None] / w[None, :])
    bad = pd.DataFrame(SAATY_SIZE_MATRIX)
    r = ahp_group_bootstrap({"x": bad, "y": good}, 400, seed=2, exclude_inconsistent=True)
    drawn = r.distribution.dropna()
    np.testing.assert_allclose(drawn.to_numpy(), np.tile(w, (len(drawn), 1)))
    n_nan = r.distribution.isna().any(axis=1).sum()
    assert 0 < n_nan < 400  # P(only x twice) = 1/4
    np.testing.assert_allclose(r.ci_low, w)


@pytest.mark.parametrize(
    ("matrices", "kwargs", "message"),
    [
        ({"E1": [[1, 2], [0.5, 1]]}, {}, r"matrices: at least 2 experts are needed"),
        ([[[1, 2], [0.5, 1]]] * 2, {}, r"matrices: expected a dict"),
        ({"E1": [[1, 2], [0.5, 1]], "E2": [[1, 2], [2, 1]]}, {}, r"not reciprocal"),
        ({"E1": [[1, 2], [0.5, 1]], "E2": [[1, 3], [1 / 3, 1]]}, {"n_resamples": 1}, "n_resamp"),
        ({"E1": [[1, 2], [0.5, 1]], "E2": [[1, 3], [1 / 3, 1]]}, {"confidence": 1.5}, "confid"),
    ],
)
def test_ahp_group_bootstrap_validation(matrices, kwargs, message):
    with pytest.raises(ValueError, match=message):
        ahp_group_bootstrap(matrices, **kwargs)


@FAST
@given(
    st.lists(st.sampled_from([1 / 9, 1 / 5, 1 / 3, 1 / 2, 1, 2, 3, 5, 9]), min_size=2, max_size=6)
)
def test_ahp_group_bootstrap_replicates_stay_within_the_experts(judgments):
    """Property: for 2 x 2 matrices the pooled judgment is a weighted geometric mean of the
    experts' judgments, so every replicate weight lies between the smallest and largest expert
    weight, and the interval is ordered."""
    mats = {f"E{k}": _two_by_two(x) for k, x in enumerate(judgments)}
    r = ahp_group_bootstrap(mats, n_resamples=60, seed=0)
    own = np.array([x / (1 + x) for x in judgments])
    a = r.distribution["a"].to_numpy()
    assert (a >= own.min() - 1e-12).all() and (a <= own.max() + 1e-12).all()
    assert r.ci_low["a"] <= r.ci_high["a"] + 1e-12


# ------------------------------------------------------------------------------- hierarchy
def test_ahp_hierarchy_products_and_sum():
    """Hierarchic composition (Saaty 1980): global = criterion weight x local weight (by hand)."""
    cw = pd.Series({"A": 0.6, "B": 0.4})
    local = {"A": pd.Series({"a1": 0.5, "a2": 0.5}), "B": pd.Series({"b1": 0.25, "b2": 0.75})}
    out = ahp_hierarchy(cw, local)
    assert list(out.columns) == [
        "criterion",
        "indicator",
        "local_weight",
        "criterion_weight",
        "global_weight",
    ]
    assert out["indicator"].tolist() == ["a1", "a2", "b1", "b2"]
    np.testing.assert_allclose(out["global_weight"], [0.3, 0.3, 0.1, 0.3])


def test_ahp_hierarchy_accepts_rounded_weights():
    cw = pd.Series({"A": 0.333, "B": 0.333, "C": 0.334})
    local = {k: pd.Series({f"{k}1": 1.0}) for k in "ABC"}
    assert ahp_hierarchy(cw, local)["global_weight"].sum() == pytest.approx(1)


@pytest.mark.parametrize(
    ("cw", "local", "message"),
    [
        ([0.5, 0.5], {}, r"criteria_weights: expected a pandas Series"),
        (pd.Series({"A": 1.0}), [1], r"local_weights: expected a dict"),
        (pd.Series([0.5, 0.5], index=["A", "A"]), {"A": pd.Series({"a": 1.0})}, r"must be unique"),
        (
            pd.Series({"A": 0.5, "B": 0.6}),
            {},
            r"criteria_weights: weights must sum to 1 .* got 1.1",
        ),
        (pd.Series({"A": 1.2, "B": -0.2}), {}, r"criteria_weights: weights must be non-negative"),
        (
            pd.Series({"A": 1.0}),
            {"B": pd.Series({"b": 1.0})},
            r"local_weights: keys must match .* missing \['A'\], unexpected \['B'\]",
        ),
        (pd.Series({"A": 1.0}), {"A": [1.0]}, r"local_weights\['A'\]: expected a pandas Series"),
        (
            pd.Series({"A": 1.0}),
            {"A": pd.Series({"a": 0.5, "b": 0.3})},
            r"local_weights\['A'\]: weights must sum to 1",
        ),
    ],
)
def test_ahp_hierarchy_validation(cw, local, message):
    with pytest.raises(ValueError, match=message):
        ahp_hierarchy(cw, local)


@FAST
@given(positive_vectors(2, 5), positive_vectors(1, 4), positive_vectors(1, 4))
def test_ahp_hierarchy_global_sums_to_one(c, l1, l2):
    cw = pd.Series(c[:2] / c[:2].sum(), index=["A", "B"])
    local = {
        "A": pd.Series(l1 / l1.sum(), index=[f"a{i}" for i in range(l1.size)]),
        "B": pd.Series(l2 / l2.sum(), index=[f"b{i}" for i in range(l2.size)]),
    }
    out = ahp_hierarchy(cw, local)
    assert out["global_weight"].sum() == pytest.approx(1)
    assert (out["global_weight"] >= 0).all()


# --------------------------------------------------------------------------------- entropy
def test_entropy_minmax_by_hand():
    """Hand-derived. Column a min-max -> (0, 1/2, 1): p = (0, 1/3, 2/3),
    e_a = (1/3 ln 3 + 2/3 ln 1.5) / ln 3. Column b (cost) min-max -> (1, 0, 0): p = (1, 0, 0),
    e_b = 0 (0 ln 0 := 0). Column c constant: e_c = 1, weight 0."""
    X = pd.DataFrame({"a": [1.0, 2.0, 3.0], "b": [5.0, 9.0, 9.0], "c": [4.0, 4.0, 4.0]})
    w = entropy_weights(X, benefit=["benefit", "cost", "benefit"])
    e_a = (np.log(3) / 3 + 2 / 3 * np.log(1.5)) / np.log(3)
    d = np.array([1 - e_a, 1.0, 0.0])
    np.testing.assert_allclose(w.to_numpy(), d / d.sum())
    assert list(w.index) == ["a", "b", "c"] and w.name == "entropy_weight"


def test_entropy_sum_variant_by_hand():
    """Hand-derived: x = (1, 1) gives p = (1/2, 1/2), e = 1; x = (1, 3) gives p = (1/4, 3/4),
    e = -(1/4 ln 1/4 + 3/4 ln 3/4) / ln 2; so the first column has weight 0."""
    w = entropy_weights([[1.0, 1.0], [1.0, 3.0]], normalize="sum")
    np.testing.assert_allclose(w.to_numpy(), [0.0, 1.0], atol=1e-15)


def test_entropy_sum_matches_pymcdm_on_fighter_data():
    """Hwang & Yoon (1981, p. 133) fighter-aircraft decision matrix; independent implementation
    pymcdm.weights.entropy_weights (sum normalisation)."""
    X = np.array(
        [
            [2.0, 1500, 20000, 5.5, 5, 9],
            [2.5, 2700, 18000, 6.5, 3, 5],
            [1.8, 2000, 21000, 4.5, 7, 7],
            [2.2, 1800, 20000, 5.0, 5, 5],
        ]
    )
    np.testing.assert_allclose(
        entropy_weights(X, normalize="sum").to_numpy(), pymcdm_entropy(X), rtol=1e-10
    )


@FAST
@given(
    arrays(float, st.tuples(st.integers(2, 12), st.integers(1, 6)), elements=st.floats(0.01, 1e3))
)
def test_entropy_sum_matches_pymcdm_property(X):
    if np.all(np.ptp(X, axis=0) <= 1e-9 * X.max(axis=0)):
        return  # all columns constant: weights undefined (tested separately)
    np.testing.assert_allclose(
        entropy_weights(X, normalize="sum").to_numpy(), pymcdm_entropy(X), rtol=1e-6, atol=1e-9
    )


@FAST
@given(
    arrays(float, st.tuples(st.integers(2, 10), st.integers(1, 6)), elements=st.floats(-1e3, 1e3)),
    st.sampled_from([0.0, 1e-4, 0.01]),
)
def test_entropy_minmax_weights_are_a_distribution(X, shift):
    if np.all(np.ptp(X, axis=0) == 0):
        return
    w = entropy_weights(X, shift=shift)
    assert np.all(w >= 0) and w.sum() == pytest.approx(1)


@pytest.mark.parametrize(
    ("X", "kwargs", "message"),
    [
        ([[1.0, 2.0]], {}, r"X: the entropy method needs at least 2 rows"),
        ([[1.0], [2.0]], {"normalize": "zscore"}, r"normalize: must be 'minmax' or 'sum'"),
        ([[1.0], [2.0]], {"shift": -1}, r"shift: must be a non-negative finite number"),
        ([[1.0], [-2.0]], {"normalize": "sum"}, r"non-negative data, got -2 at row 1, column 0"),
        ([[0.0, 1], [0.0, 2]], {"normalize": "sum"}, r"X: column 0 sums to 0"),
        ([[3.0, 1], [3.0, 1]], {}, r"every column has maximal entropy"),
        ([[1.0], [2.0]], {"benefit": ["up"]}, r"benefit\[0\]: 'up' is neither"),
        ([[1.0], [np.inf]], {}, r"X: contains NaN or infinite"),
    ],
)
def test_entropy_validation(X, kwargs, message):
    with pytest.raises(ValueError, match=message):
        entropy_weights(X, **kwargs)


# ---------------------------------------------------------------------------------- CRITIC
def test_critic_two_criteria_closed_form():
    """Hand-derived: with two criteria both conflict sums equal 1 - r, so w_j ∝ sigma_j.
    z_1 = (0, 0, 1): sigma = 1/sqrt(3); z_2 = (0, 1/2, 1): sigma = 1/2;
    w_1 = 2 / (2 + sqrt 3) = 4 - 2 sqrt 3, w_2 = 2 sqrt 3 - 3."""
    X = pd.DataFrame({"p": [1.0, 1.0, 5.0], "q": [10.0, 15.0, 20.0]})
    w = critic_weights(X)
    np.testing.assert_allclose(w.to_numpy(), [4 - 2 * np.sqrt(3), 2 * np.sqrt(3) - 3])
    assert w.name == "critic_weight"


def test_critic_direction_matters_by_hand():
    """Directions are applied before the correlations: a cost column holding minus a benefit
    column must give identical weights (min-max by direction maps both to the same z), and
    treating that column as benefit instead must change them (correlation signs flip)."""
    X = np.array([[1.0, 2.0, 0.0], [2.0, 1.0, 5.0], [4.0, 3.0, 1.0], [3.0, 7.0, 2.0]])
    Y = X.copy()
    Y[:, 1] = -Y[:, 1]
    np.testing.assert_allclose(
        critic_weights(X).to_numpy(), critic_weights(Y, benefit=[1, -1, 1]).to_numpy()
    )
    assert not np.allclose(critic_weights(X).to_numpy(), critic_weights(Y).to_numpy())


def test_critic_matches_pymcdm():
    """Independent implementation: pymcdm.weights.critic_weights (benefit criteria only, since
    pymcdm ignores criterion types)."""
    rng = np.random.default_rng(1)
    X = rng.uniform(1, 10, size=(30, 5))
    np.testing.assert_allclose(critic_weights(X).to_numpy(), pymcdm_critic(X), rtol=1e-10)


def test_critic_constant_column_gets_zero_and_is_ignored():
    X = np.array([[1.0, 5.0, 1.0], [1.0, 6.0, 3.0], [1.0, 9.0, 2.0]])
    w = critic_weights(X)
    assert w.iloc[0] == 0
    np.testing.assert_allclose(w.iloc[1:].to_numpy(), critic_weights(X[:, 1:]).to_numpy())


@FAST
@given(
    arrays(float, st.tuples(st.integers(3, 12), st.integers(2, 6)), elements=st.floats(-100, 100))
)
def test_critic_weights_are_a_distribution(X):
    try:
        w = critic_weights(X)
    except ValueError as exc:
        assert "constant" in str(exc) or "perfectly positively correlated" in str(exc)
        return
    assert np.all(w >= 0) and w.sum() == pytest.approx(1)


@pytest.mark.parametrize(
    ("X", "message"),
    [
        ([[1.0, 2.0]], r"X: CRITIC needs at least 2 rows"),
        ([[1.0, 2.0], [1.0, 2.0]], r"X: every column is constant"),
        ([[1.0, 2.0], [2.0, 4.0], [3.0, 6.0]], r"perfectly positively correlated"),
        ([["a"], ["b"]], r"X: could not be read as a numeric matrix"),
    ],
)
def test_critic_validation(X, message):
    with pytest.raises(ValueError, match=message):
        critic_weights(X)


# ----------------------------------------------------------------------------- combination
def test_combine_weights_by_hand():
    s = pd.Series({"a": 0.5, "b": 0.3, "c": 0.2})
    o = pd.Series({"c": 0.4, "a": 0.2, "b": 0.4})  # different order on purpose
    m = combine_weights(s, o)
    prod = np.array([0.5 * 0.2, 0.3 * 0.4, 0.2 * 0.4])
    np.testing.assert_allclose(m.to_numpy(), prod / prod.sum())
    assert list(m.index) == ["a", "b", "c"] and m.name == "combined_weight"
    lin = combine_weights(s, o, method="linear", alpha=0.25)
    np.testing.assert_allclose(
        lin.to_numpy(), [0.25 * 0.5 + 0.75 * 0.2, 0.25 * 0.3 + 0.3, 0.05 + 0.3]
    )


@FAST
@given(
    st.integers(1, 8).flatmap(
        lambda n: st.tuples(
            arrays(float, n, elements=st.floats(0.001, 10)),
            arrays(float, n, elements=st.floats(0.001, 10)),
        )
    ),
    st.floats(0, 1),
    st.sampled_from(["multiplicative", "linear"]),
)
def test_combine_weights_are_a_distribution(so, alpha, method):
    s, o = so
    w = combine_weights(s, o, method=method, alpha=alpha)
    assert np.all(w >= 0) and w.sum() == pytest.approx(1)


@pytest.mark.parametrize(
    ("s", "o", "kwargs", "message"),
    [
        (
            [0.5, 0.5],
            [0.5, 0.5],
            {"method": "additive"},
            r"method: must be 'multiplicative' or 'linear'",
        ),
        ([0.5, 0.5], [0.5, 0.5], {"alpha": 1.5}, r"alpha: must lie in \[0, 1\], got 1.5"),
        ([0.5, 0.5], [1.0], {}, r"objective: expected 2 weights \(as subjective\), got 1"),
        (
            pd.Series({"a": 0.5, "b": 0.5}),
            pd.Series({"a": 0.5, "c": 0.5}),
            {},
            r"objective: labels \['a', 'c'\] do not match",
        ),
        ([1.0, 0.0], [0.0, 1.0], {}, r"no criterion has positive weight in both"),
        ([-1.0, 2.0], [0.5, 0.5], {}, r"subjective: weights must be non-negative"),
        ([0.5, 0.5], [0.0, 0.0], {}, r"objective: weights sum to 0"),
    ],
)
def test_combine_weights_validation(s, o, kwargs, message):
    with pytest.raises(ValueError, match=message):
        combine_weights(s, o, **kwargs)


# ------------------------------------------------------------------ blockwise_weights
def test_blockwise_weights_by_hand():
    """Hand-derived entropy (Shannon 1948; min-max variant of the chapter's formula) on the
    township block: A2 scores z = (15, 40, 0) / 40 = (0.375, 1, 0), p = (3/11, 8/11, 0);
    B2 (cost) z = (9 - (0.5, 1.5, 9)) / 8.5 = (1, 7.5/8.5, 0). Block shares: 3 household and 2
    township indicators of 5, so the household block carries 3/5 and the township block 2/5."""
    sx = pd.DataFrame({"A1": [1.0, 2, 3], "B1": [5.0, 4, 3], "B3": [1.0, 1, 2]})
    tx = pd.DataFrame({"A2": [15.0, 40, 0], "B2": [0.5, 1.5, 9.0]}, index=["T1", "T2", "T3"])
    directions = pd.Series(
        {"A1": "benefit", "A2": "benefit", "B1": "benefit", "B2": "cost", "B3": "benefit"}
    )
    w = blockwise_weights([sx, tx], directions, "entropy")
    assert list(w.index) == ["A1", "A2", "B1", "B2", "B3"] and w.sum() == pytest.approx(1)
    assert w[["A1", "B1", "B3"]].sum() == pytest.approx(3 / 5)
    assert w[["A2", "B2"]].sum() == pytest.approx(2 / 5)

    def ent(z):
        p = np.asarray(z) / np.sum(z)
        p = p[p > 0]
        return -(p * np.log(p)).sum() / np.log(3)

    d = np.array([1 - ent([0.375, 1, 0]), 1 - ent([1, 7.5 / 8.5, 0])])
    np.testing.assert_allclose(w[["A2", "B2"]], 2 / 5 * d / d.sum())
    c = blockwise_weights([sx, tx], directions, "critic")
    np.testing.assert_allclose(c[["A1", "B1", "B3"]], 3 / 5 * critic_weights(sx, ["benefit"] * 3))
    with pytest.raises(ValueError, match=r"method: 'ahp' is not one of"):
        blockwise_weights([sx, tx], directions, "ahp")
    with pytest.raises(ValueError, match=r"every indicator once; missing \['A2', 'B2'\]"):
        blockwise_weights([sx, tx.iloc[:, :0]], directions)
    with pytest.raises(ValueError, match=r"blocks\[1\]: column\(s\) \['Z'\] are not indicators"):
        blockwise_weights([sx, tx.rename(columns={"B2": "Z"})], directions)
    with pytest.raises(ValueError, match="benefit: expected a pandas Series"):
        blockwise_weights([sx, tx], list(directions))
