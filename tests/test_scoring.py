"""Tests for utils.methods.scoring: Hwang & Yoon's TOPSIS example, pymcdm cross-checks, hand-derived FCE
and grey relational examples, properties and every validation branch."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from pymcdm import normalizations as pn
from pymcdm.methods import TOPSIS

from utils.methods.scoring import (
    OPERATORS,
    FCEResult,
    GreyResult,
    fuzzy_evaluation,
    fuzzy_evaluation_hierarchy,
    grade_points,
    grey_relational_grades,
    likert_membership,
    normalize,
    topsis,
)

FAST = settings(max_examples=50, deadline=None)

# Hwang, C. L. & Yoon, K. (1981). Multiple Attribute Decision Making: Methods and Applications.
# Springer, Berlin, p. 133: fighter aircraft A1..A4 on max speed, ferry range, max payload,
# acquisition cost (cost), reliability, maneuverability; weights (.2, .1, .1, .1, .2, .3).
FIGHTER = pd.DataFrame(
    [
        [2.0, 1500, 20000, 5.5, 5, 9],
        [2.5, 2700, 18000, 6.5, 3, 5],
        [1.8, 2000, 21000, 4.5, 7, 7],
        [2.2, 1800, 20000, 5.0, 5, 5],
    ],
    index=["A1", "A2", "A3", "A4"],
    columns=["speed", "range", "payload", "cost", "reliability", "maneuverability"],
)
FIGHTER_W = pd.Series([0.2, 0.1, 0.1, 0.1, 0.2, 0.3], index=FIGHTER.columns)
FIGHTER_B = ["benefit", "benefit", "benefit", "cost", "benefit", "benefit"]

matrices = arrays(
    float,
    st.tuples(st.integers(2, 10), st.integers(1, 6)),
    elements=st.floats(0.1, 1e3),
)


# ------------------------------------------------------------------------------- normalize
@pytest.mark.parametrize(
    ("method", "peer"),
    [
        ("minmax", pn.minmax_normalization),
        ("vector", pn.vector_normalization),
        ("sum", pn.sum_normalization),
    ],
)
def test_normalize_matches_pymcdm(method, peer):
    """Independent implementation: pymcdm.normalizations, column by column, with a cost column."""
    out = normalize(FIGHTER, FIGHTER_B, method=method)
    for j, col in enumerate(FIGHTER.columns):
        expected = peer(FIGHTER[col].to_numpy(dtype=float), cost=FIGHTER_B[j] == "cost")
        np.testing.assert_allclose(out[col].to_numpy(), expected, rtol=1e-12)
    assert list(out.index) == list(FIGHTER.index)


def test_normalize_by_hand():
    X = pd.DataFrame({"a": [1.0, 3.0], "b": [3.0, 4.0], "c": [7.0, 7.0]})
    np.testing.assert_allclose(normalize(X, [1, -1, 1]).to_numpy(), [[0, 1, 1], [1, 0, 1]])
    np.testing.assert_allclose(normalize(X, method="vector")["b"], [0.6, 0.8])
    np.testing.assert_allclose(normalize(X, [1, -1, 1], method="sum")["b"], [4 / 7, 3 / 7])


@pytest.mark.parametrize(
    ("X", "kwargs", "message"),
    [
        ([[1.0], [2.0]], {"method": "zscore"}, r"method: must be 'minmax', 'vector' or 'sum'"),
        ([[0.0, 1.0], [0.0, 2.0]], {"method": "vector"}, r"X: column 0 is all zero"),
        ([[1.0], [-2.0]], {"method": "sum"}, r"non-negative data, got -2 at row 1, column 0"),
        (
            [[1.0], [0.0]],
            {"method": "sum", "benefit": [-1]},
            r"cost column 0, which has a zero at row 1",
        ),
        ([[0.0], [0.0]], {"method": "sum"}, r"X: column 0 sums to 0"),
        ([[1.0], [2.0]], {"benefit": [1, 1]}, r"benefit: expected 1 directions, got 2"),
    ],
)
def test_normalize_validation(X, kwargs, message):
    with pytest.raises(ValueError, match=message):
        normalize(X, **kwargs)


# ---------------------------------------------------------------------- likert membership
def test_likert_membership_by_hand():
    r = pd.DataFrame({"q1": [1, 2, 2, 5, np.nan], "q2": [3, 3, 3, 3, 4]})
    m = likert_membership(r)
    assert list(m.columns) == [1, 2, 3, 4, 5] and list(m.index) == ["q1", "q2"]
    np.testing.assert_allclose(m.loc["q1"], [0.25, 0.5, 0, 0, 0.25])
    np.testing.assert_allclose(m.loc["q2"], [0, 0, 0.8, 0.2, 0])


@FAST
@given(
    st.lists(
        st.lists(st.sampled_from([1, 2, 3, 4, 5, None]), min_size=3, max_size=3),
        min_size=1,
        max_size=20,
    )
)
def test_likert_membership_rows_sum_to_one(rows):
    df = pd.DataFrame(rows, columns=["a", "b", "c"], dtype=float)
    assume(df.notna().any().all())
    m = likert_membership(df)
    np.testing.assert_allclose(m.sum(axis=1), 1.0)
    assert ((m >= 0) & (m <= 1)).all().all()


@pytest.mark.parametrize(
    ("responses", "kwargs", "message"),
    [
        ([[1, 2]], {}, r"responses: expected a pandas DataFrame"),
        (pd.DataFrame(), {}, r"responses: is empty"),
        (
            pd.DataFrame({"q": [1, 2]}),
            {"levels": (1, 1, 2)},
            r"levels: must be a non-empty sequence of distinct",
        ),
        (pd.DataFrame({"q": [1, 6]}), {}, r"item 'q' has value 6 \(row 1\) outside the levels"),
        (
            pd.DataFrame({"q": [1, 2], "r": [np.nan, np.nan]}),
            {},
            r"item 'r' has no non-missing answers",
        ),
    ],
)
def test_likert_membership_validation(responses, kwargs, message):
    with pytest.raises(ValueError, match=message):
        likert_membership(responses, **kwargs)


# ------------------------------------------------------------------------------------- FCE
def test_fuzzy_evaluation_by_hand():
    """Hand-derived M(., +): W = (0.2, 0.5, 0.3),
    R = [[.2 .5 .2 .1], [.7 .2 .1 0], [0 .4 .5 .1]] -> B = (0.39, 0.32, 0.24, 0.05);
    with grade scores (100, 80, 60, 40) the score is 39 + 25.6 + 14.4 + 2 = 81;
    the maximum-membership grade is the first one."""
    R = pd.DataFrame(
        [[0.2, 0.5, 0.2, 0.1], [0.7, 0.2, 0.1, 0.0], [0.0, 0.4, 0.5, 0.1]],
        index=["style", "colour", "price"],
        columns=["very good", "good", "fair", "poor"],
    )
    r = fuzzy_evaluation(
        R, pd.Series({"price": 0.3, "style": 0.2, "colour": 0.5}), [100, 80, 60, 40]
    )
    assert isinstance(r, FCEResult)
    np.testing.assert_allclose(r.vector.to_numpy(), [0.39, 0.32, 0.24, 0.05])
    assert r.score == pytest.approx(81.0)
    assert r.grade == "very good"
    assert list(r.vector.index) == list(R.columns)


def test_fuzzy_evaluation_default_scores_follow_likert_order():
    """Default scores for five grades ordered low -> high are the book's 0-100 scale
    (0, 25, 50, 75, 100): all mass on level 5 scores 100, on level 1 scores 0, on the neutral
    level 3 scores 50."""
    R = pd.DataFrame([[0, 0, 0, 0, 1.0], [1.0, 0, 0, 0, 0]], columns=[1, 2, 3, 4, 5])
    assert fuzzy_evaluation(R, [1, 0]).score == pytest.approx(100)
    assert fuzzy_evaluation(R, [0, 1]).score == pytest.approx(0)
    neutral = pd.DataFrame([[0, 0, 1.0, 0, 0]], columns=[1, 2, 3, 4, 5])
    assert fuzzy_evaluation(neutral, [1]).score == pytest.approx(50)
    assert fuzzy_evaluation(R, [1, 1]).grade == "1"  # tie -> first grade in column order


def test_fuzzy_evaluation_with_likert_membership():
    r = pd.DataFrame({"q1": [5, 5, 4, 4], "q2": [1, 2, 2, 2]})
    out = fuzzy_evaluation(likert_membership(r), [0.5, 0.5])
    np.testing.assert_allclose(out.vector.to_numpy(), [0.125, 0.375, 0, 0.25, 0.25])
    assert out.score == pytest.approx(0.125 * 0 + 0.375 * 25 + 0.25 * 75 + 0.25 * 100)
    assert out.grade == "2"


@FAST
@given(
    st.integers(1, 6).flatmap(
        lambda n: st.tuples(
            arrays(float, (n, 5), elements=st.floats(0.0, 1.0)),
            arrays(float, n, elements=st.floats(0.01, 1.0)),
        )
    )
)
def test_fuzzy_evaluation_vector_is_distribution_and_score_in_range(rw):
    R, w = rw
    assume(np.all(R.sum(axis=1) > 0.01))
    R = R / R.sum(axis=1, keepdims=True)
    r = fuzzy_evaluation(R, w)
    assert r.vector.sum() == pytest.approx(1)
    assert -1e-9 <= r.score <= 100 + 1e-9


def test_fuzzy_hierarchy_by_hand():
    """Two levels (hand-derived): B_A = 0.5 (1,0,0) + 0.5 (0,1,0) = (.5,.5,0),
    B_B = (0,0,1); overall with (0.6, 0.4): (.3, .3, .4)."""
    grades = ["high", "mid", "low"]
    mem = {
        "A": pd.DataFrame([[1.0, 0, 0], [0, 1.0, 0]], index=["a1", "a2"], columns=grades),
        "B": pd.DataFrame([[0, 0, 1.0]], index=["b1"], columns=grades),
    }
    local = {"A": pd.Series({"a1": 0.5, "a2": 0.5}), "B": pd.Series({"b1": 1.0})}
    overall, per = fuzzy_evaluation_hierarchy(
        mem, local, pd.Series({"A": 0.6, "B": 0.4}), [90, 60, 30]
    )
    np.testing.assert_allclose(overall.vector.to_numpy(), [0.3, 0.3, 0.4])
    assert overall.score == pytest.approx(27 + 18 + 12)
    assert overall.grade == "low"
    np.testing.assert_allclose(per.loc["A", grades].to_numpy(dtype=float), [0.5, 0.5, 0])
    assert per.loc["A", "score"] == pytest.approx(75) and per.loc["B", "grade"] == "low"


@pytest.mark.parametrize(
    ("R", "w", "scores", "message"),
    [
        (
            [[0.5, 0.7]],
            [1],
            None,
            r"membership: row 0 sums to 1.2; each row of memberships must sum to 1",
        ),
        ([[1.2, -0.2]], [1], None, r"memberships must lie in \[0, 1\], got 1.2 at row 0, grade 0"),
        ([[0.5, 0.4]], [1], None, r"membership: row 0 sums to 0.9"),
        ([[0.5, 0.5]], [1, 2], None, r"weights: expected 1 weights, got 2"),
        ([[0.5, 0.5]], [-1], None, r"weights: weights must be non-negative"),
        ([[0.5, 0.5]], [1], [1, 2, 3], r"grade_scores: expected 2 scores"),
        ([[0.5, 0.5]], pd.Series({"x": 1.0}), None, r"weights: labels \['x'\] do not match"),
        (
            [[0.5, 0.5]],
            [1],
            pd.Series({"a": 1, "b": 2}),
            r"grade_scores: labels \['a', 'b'\] do not match",
        ),
    ],
)
def test_fuzzy_evaluation_validation(R, w, scores, message):
    with pytest.raises(ValueError, match=message):
        fuzzy_evaluation(R, w, scores)


def test_fuzzy_hierarchy_validation():
    g = ["h", "l"]
    mem = {"A": pd.DataFrame([[1.0, 0]], index=["a"], columns=g)}
    loc = {"A": pd.Series({"a": 1.0})}
    cw = pd.Series({"A": 1.0})
    with pytest.raises(ValueError, match=r"criteria_weights: expected a pandas Series"):
        fuzzy_evaluation_hierarchy(mem, loc, [1.0])
    with pytest.raises(ValueError, match=r"memberships: expected a dict"):
        fuzzy_evaluation_hierarchy([1], loc, cw)
    with pytest.raises(ValueError, match=r"local_weights: keys \['B'\] must match"):
        fuzzy_evaluation_hierarchy(mem, {"B": loc["A"]}, cw)
    mem2 = {**mem, "B": pd.DataFrame([[1.0, 0]], index=["b"], columns=["h", "x"])}
    loc2 = {**loc, "B": pd.Series({"b": 1.0})}
    with pytest.raises(ValueError, match=r"memberships\['B'\]: grades \['h', 'x'\] differ"):
        fuzzy_evaluation_hierarchy(mem2, loc2, pd.Series({"A": 0.5, "B": 0.5}))
    with pytest.raises(ValueError, match=r"criterion 'A': weights: labels \['z'\] do not match"):
        fuzzy_evaluation_hierarchy(mem, {"A": pd.Series({"z": 1.0})}, cw)


# ----------------------------------------------------------------------------------- TOPSIS
def test_topsis_hwang_yoon_fighter_aircraft():
    """Hwang & Yoon (1981, p. 133): S+ = (.0545, .1197, .0580, .1009),
    S- = (.0983, .0439, .0920, .0458), C* = (.643, .268, .613, .312), order A1 > A3 > A4 > A2.
    The book rounds intermediate values to 4 decimals, hence the tolerance."""
    out = topsis(FIGHTER, FIGHTER_W, FIGHTER_B)
    np.testing.assert_allclose(out["d_best"], [0.0545, 0.1197, 0.0580, 0.1009], atol=2e-4)
    np.testing.assert_allclose(out["d_worst"], [0.0983, 0.0439, 0.0920, 0.0458], atol=2e-4)
    np.testing.assert_allclose(out["closeness"], [0.643, 0.268, 0.613, 0.312], atol=1e-3)
    assert out["rank"].tolist() == [1, 4, 2, 3]
    assert list(out.columns) == ["d_best", "d_worst", "closeness", "rank"]
    assert list(out.index) == ["A1", "A2", "A3", "A4"]


def test_topsis_matches_pymcdm_vector_normalization():
    """Independent implementation: pymcdm TOPSIS with vector normalisation (its cost transform
    1 - x/||x|| is a reflection, so distances and closeness are the same as Hwang & Yoon's)."""
    rng = np.random.default_rng(7)
    X = rng.uniform(1, 100, size=(40, 6))
    w = rng.uniform(0.1, 1, size=6)
    types = np.array([1, -1, 1, 1, -1, 1])
    peer = TOPSIS(pn.vector_normalization)(X, w / w.sum(), types)
    np.testing.assert_allclose(topsis(X, w, types)["closeness"].to_numpy(), peer, rtol=1e-10)


@FAST
@given(matrices, st.data())
def test_topsis_closeness_in_unit_interval_and_scale_invariant(X, data):
    n = X.shape[1]
    w = data.draw(arrays(float, n, elements=st.floats(0.05, 1.0)))
    b = data.draw(st.lists(st.booleans(), min_size=n, max_size=n))
    j = data.draw(st.integers(0, n - 1))
    k = data.draw(st.floats(0.01, 100))
    try:
        out = topsis(X, w, b)
    except ValueError as exc:
        assert "identical" in str(exc)
        return
    assert out["closeness"].between(0, 1).all()
    assert out["rank"].min() == 1
    Y = X.copy()
    Y[:, j] *= k
    np.testing.assert_allclose(topsis(Y, w, b)["closeness"], out["closeness"], rtol=1e-7, atol=1e-9)


def test_topsis_dominating_alternative_is_ideal():
    """By hand: an alternative best on every criterion coincides with the ideal: d+ = 0, C = 1."""
    X = [[5.0, 1.0], [3.0, 2.0], [4.0, 3.0]]
    out = topsis(X, [1, 1], benefit=[1, -1])
    assert out["d_best"].iloc[0] == 0 and out["closeness"].iloc[0] == 1 and out["rank"].iloc[0] == 1


@pytest.mark.parametrize(
    ("X", "w", "b", "message"),
    [
        ([[1.0, 2.0], [3.0, 4.0]], [1.0], None, r"weights: expected 2 weights, got 1"),
        ([[1.0, 2.0], [3.0, 4.0]], [1.0, -1.0], None, r"weights: weights must be non-negative"),
        ([[1.0, 2.0], [3.0, 4.0]], [0.0, 0.0], None, r"weights: weights sum to 0"),
        ([[1.0, 0.0], [3.0, 0.0]], [1.0, 1.0], None, r"X: column 1 is all zero"),
        ([[1.0, 2.0], [1.0, 2.0]], [1.0, 1.0], None, r"all alternatives are identical"),
        (
            [[1.0, 2.0], [3.0, 4.0]],
            [1.0, 1.0],
            ["benefit", "loss"],
            r"benefit\[1\]: 'loss' is neither",
        ),
        ([[1.0, np.nan], [3.0, 4.0]], [1.0, 1.0], None, r"X: contains NaN .* row 0, column 1"),
    ],
)
def test_topsis_validation(X, w, b, message):
    with pytest.raises(ValueError, match=message):
        topsis(X, w, b)


def test_topsis_series_weights_must_match_columns():
    with pytest.raises(ValueError, match=r"weights: labels .* do not match the criteria"):
        topsis(FIGHTER, FIGHTER_W.rename({"cost": "price"}), FIGHTER_B)
    shuffled = FIGHTER_W.iloc[::-1]
    pd.testing.assert_frame_equal(
        topsis(FIGHTER, shuffled, FIGHTER_B), topsis(FIGHTER, FIGHTER_W, FIGHTER_B)
    )


# ------------------------------------------------------------------------ grey relational
def test_grey_relational_by_hand():
    """Hand-derived (Deng 1989 formulas): z_1 = (0, .5, 1), z_2 = (1, 0, .5); Delta_min = 0,
    Delta_max = 1; xi = 0.5 / (Delta + 0.5): Delta = 1 -> 1/3, 0.5 -> 1/2, 0 -> 1.
    Equal weights: grades (2/3, 5/12, 3/4), ranks (2, 3, 1)."""
    X = pd.DataFrame({"c1": [1.0, 2.0, 3.0], "c2": [3.0, 1.0, 2.0]}, index=["x", "y", "z"])
    r = grey_relational_grades(X)
    assert isinstance(r, GreyResult)
    np.testing.assert_allclose(r.coefficients.to_numpy(), [[1 / 3, 1], [1 / 2, 1 / 3], [1, 1 / 2]])
    np.testing.assert_allclose(r.grades.to_numpy(), [2 / 3, 5 / 12, 3 / 4])
    assert r.ranks.tolist() == [2, 3, 1] and list(r.grades.index) == ["x", "y", "z"]


def test_grey_relational_cost_weights_and_rho_by_hand():
    """Cost column c2 (z = 1 - previous z_2 = (0, 1, .5)) and rho = 1, weights (.25, .75):
    Delta = [[1, 1], [.5, 0], [0, .5]], xi = 1 / (Delta + 1) = [[.5, .5], [2/3, 1], [1, 2/3]]."""
    X = [[1.0, 3.0], [2.0, 1.0], [3.0, 2.0]]
    r = grey_relational_grades(X, weights=[1, 3], benefit=[1, -1], rho=1.0)
    np.testing.assert_allclose(r.coefficients.to_numpy(), [[0.5, 0.5], [2 / 3, 1], [1, 2 / 3]])
    np.testing.assert_allclose(r.grades.to_numpy(), [0.5, 2 / 3 * 0.25 + 0.75, 0.25 + 0.5])


def test_grey_relational_all_ideal():
    r = grey_relational_grades([[1.0, 2.0], [1.0, 2.0]])
    assert (r.coefficients.to_numpy() == 1).all() and r.ranks.tolist() == [1, 1]


@FAST
@given(matrices, st.floats(0.05, 1.0))
def test_grey_coefficients_in_unit_interval(X, rho):
    r = grey_relational_grades(X, rho=rho)
    xi = r.coefficients.to_numpy()
    assert np.all(xi > 0) and np.all(xi <= 1 + 1e-12)
    assert np.all((r.grades > 0) & (r.grades <= 1 + 1e-12))
    assert r.ranks.min() == 1


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"rho": 0}, r"rho: the distinguishing coefficient must lie in \(0, 1\], got 0"),
        ({"rho": 1.5}, r"rho: .* got 1.5"),
        ({"weights": [1.0]}, r"weights: expected 2 weights, got 1"),
        ({"benefit": [1]}, r"benefit: expected 2 directions, got 1"),
    ],
)
def test_grey_relational_validation(kwargs, message):
    with pytest.raises(ValueError, match=message):
        grey_relational_grades([[1.0, 2.0], [3.0, 1.0]], **kwargs)


# ------------------------------------------------------------------------------ one kernel per method
def test_normalize_constant_column_value():
    """A constant column becomes ``constant`` (1 by default, 0 as CRITIC needs); others unchanged."""
    X = pd.DataFrame({"a": [1.0, 2.0, 3.0], "flat": [4.0, 4.0, 4.0]})
    assert normalize(X)["flat"].tolist() == [1.0, 1.0, 1.0]
    z = normalize(X, constant=0.0)
    assert z["flat"].tolist() == [0.0, 0.0, 0.0] and z["a"].tolist() == [0.0, 0.5, 1.0]


@FAST
@given(
    arrays(float, (6, 3), elements=st.floats(0, 1)).map(lambda a: a + 1e-3),
    arrays(float, 3, elements=st.floats(0.05, 1)),
    arrays(float, 2, elements=st.floats(0.05, 1)),
)
def test_fuzzy_hierarchy_equals_two_one_level_evaluations(R, w, W):
    """The hierarchy's kernel (B_c = L . R for all c at once) equals fuzzy_evaluation per
    criterion, then once more over the criteria."""
    R = pd.DataFrame(R / R.sum(axis=1, keepdims=True), index=list("abcdef"), columns=[1, 2, 3])
    mem = {"A": R.iloc[:2], "B": R.iloc[2:]}
    local = {"A": pd.Series(w[:2], index=list("ab")), "B": pd.Series([1.0, *w], index=list("cdef"))}
    crit = pd.Series(W, index=["A", "B"])
    overall, per = fuzzy_evaluation_hierarchy(mem, local, crit)
    one = {c: fuzzy_evaluation(mem[c], local[c]) for c in crit.index}
    for c in crit.index:
        assert per.loc[c, "score"] == pytest.approx(one[c].score)
        assert per.loc[c, [1, 2, 3]].to_numpy(float) == pytest.approx(one[c].vector.to_numpy())
    top = fuzzy_evaluation(
        pd.DataFrame([one[c].vector for c in crit.index], index=crit.index), crit
    )
    assert overall.score == pytest.approx(top.score)


def test_results_to_frame():
    R = pd.DataFrame([[0.1, 0.3, 0.6], [0.5, 0.5, 0.0]], index=["q1", "q2"], columns=[1, 2, 3])
    f = fuzzy_evaluation(R, [0.75, 0.25]).to_frame()
    assert list(f.columns) == [1, 2, 3, "score", "grade"] and len(f) == 1
    assert f.loc[0, "grade"] == "3" and f.loc[0, "score"] == pytest.approx(62.5)
    g = grey_relational_grades(FIGHTER, benefit=[1, 1, 1, -1, 1, 1]).to_frame()
    assert list(g.columns) == [*FIGHTER.columns, "grade", "rank"]
    assert sorted(g["rank"]) == [1, 2, 3, 4]


# ------------------------------------------------------------------- the 0-100 scale, weights
def test_grade_points_maps_answers_to_the_book_scale():
    """25 (a - 1) for five answers; the middle grade of any odd K is 50; validation."""
    assert grade_points(5).tolist() == [0.0, 25.0, 50.0, 75.0, 100.0]
    assert grade_points(3).tolist() == [0.0, 50.0, 100.0]
    assert grade_points(7)[3] == pytest.approx(50.0)
    with pytest.raises(ValueError, match="n_grades: must be an integer >= 2, got 1"):
        grade_points(1)


def test_likert_membership_with_survey_weights_by_hand():
    """q1 answers (1, 2, 2, 3) with weights (2, 1, 1, 1): level 1 weighs 2, level 2 weighs 2,
    level 3 weighs 1, out of 5 -> (.4, .4, .2); q2 (3, 3, -, 2): (0, 1/4, 3/4)."""
    r = pd.DataFrame({"q1": [1, 2, 2, 3], "q2": [3, 3, None, 2]})
    m = likert_membership(r, levels=[1, 2, 3], weights=[2, 1, 1, 1])
    np.testing.assert_allclose(m.loc["q1"], [0.4, 0.4, 0.2])
    np.testing.assert_allclose(m.loc["q2"], [0.0, 0.25, 0.75])
    with pytest.raises(ValueError, match="weights: expected 4 weights"):
        likert_membership(r, levels=[1, 2, 3], weights=[1, 1])
    with pytest.raises(ValueError, match="weights: must be non-negative"):
        likert_membership(r, levels=[1, 2, 3], weights=[1, -1, 1, 1])
    with pytest.raises(ValueError, match="item 'q1' has zero total weight"):
        likert_membership(r, levels=[1, 2, 3], weights=[0, 0, 0, 0])


@FAST
@given(
    arrays(float, (15, 3), elements=st.sampled_from([1.0, 2.0, 3.0, 4.0, 5.0, np.nan])),
    arrays(float, 15, elements=st.floats(0.1, 10)),
    arrays(float, 3, elements=st.floats(0.05, 1)),
)
def test_fce_score_is_the_weighted_mean_answer(G, hh, w):
    """The identity the chapter teaches: with (weighted) answer shares as memberships, the
    weighted-average operator and linear grade scores, the FCE score equals the item-weighted
    mean of each item's weighted mean answer on the scale 25 (a - 1); unit weights give the
    unweighted shares; scaling all respondent weights changes nothing."""
    df = pd.DataFrame(G, columns=["a", "b", "c"])
    assume(df.notna().any().all())
    R = likert_membership(df, weights=hh)
    score = fuzzy_evaluation(R, w).score
    pts = 25 * (df - 1)
    means = [np.average(pts[c].dropna(), weights=hh[df[c].notna().to_numpy()]) for c in df]
    assert score == pytest.approx(np.average(means, weights=w))
    pd.testing.assert_frame_equal(likert_membership(df, weights=np.ones(15)), likert_membership(df))
    pd.testing.assert_frame_equal(likert_membership(df, weights=3 * hh), R)


# ----------------------------------------------------------------- composition operators
def test_composition_operators_by_hand():
    """The clothing example of the FCE textbooks (factors style, colour, price; grades very
    good .. poor), hand-derived with W = (0.2, 0.5, 0.3):

    - M(^, v): min(w_i, r_ik) rows (.2 .2 .2 .1), (.5 .2 .1 0), (0 .3 .3 .1); column max
      (.5, .3, .3, .1), normalised by 1.2 -> (5/12, 1/4, 1/4, 1/12); score with
      (100, 80, 60, 40) = 500/12 + 20 + 15 + 40/12 = 80;
    - M(., v): w_i r_ik rows (.04 .1 .04 .02), (.35 .1 .05 0), (0 .12 .15 .03); column max
      (.35, .12, .15, .03), normalised by .65;
    - M(., (+)): min(1, sum) = the weighted average (0.39, 0.32, 0.24, 0.05), score 81."""
    R = pd.DataFrame(
        [[0.2, 0.5, 0.2, 0.1], [0.7, 0.2, 0.1, 0.0], [0.0, 0.4, 0.5, 0.1]],
        index=["style", "colour", "price"],
        columns=["very good", "good", "fair", "poor"],
    )
    w = pd.Series({"style": 0.2, "colour": 0.5, "price": 0.3})
    s = [100, 80, 60, 40]
    mm = fuzzy_evaluation(R, w, s, operator="max-min")
    np.testing.assert_allclose(mm.vector.to_numpy(), [5 / 12, 1 / 4, 1 / 4, 1 / 12])
    assert mm.score == pytest.approx(80.0) and mm.grade == "very good"
    mp = fuzzy_evaluation(R, w, s, operator="max-product")
    np.testing.assert_allclose(mp.vector.to_numpy(), np.array([0.35, 0.12, 0.15, 0.03]) / 0.65)
    bs = fuzzy_evaluation(R, w, s, operator="bounded-sum")
    np.testing.assert_allclose(bs.vector.to_numpy(), [0.39, 0.32, 0.24, 0.05])
    assert bs.score == pytest.approx(81.0)
    assert OPERATORS[0] == "weighted-average"
    with pytest.raises(ValueError, match="operator: 'min' is not one of"):
        fuzzy_evaluation(R, w, s, operator="min")


@FAST
@given(
    st.integers(1, 6).flatmap(
        lambda n: st.tuples(
            arrays(float, (n, 5), elements=st.floats(0.0, 1.0)),
            arrays(float, n, elements=st.floats(0.01, 1.0)),
        )
    ),
    st.sampled_from(OPERATORS),
)
def test_every_operator_gives_a_distribution_and_a_score_in_range(rw, operator):
    """Every operator's normalised vector sums to 1 and the score stays on the 0-100 scale;
    the bounded sum equals the weighted average when the weights sum to 1."""
    R, w = rw
    assume(np.all(R.sum(axis=1) > 0.01))
    R = R / R.sum(axis=1, keepdims=True)
    r = fuzzy_evaluation(R, w, operator=operator)
    assert r.vector.sum() == pytest.approx(1)
    assert -1e-9 <= r.score <= 100 + 1e-9
    if operator == "bounded-sum":
        assert r.score == pytest.approx(fuzzy_evaluation(R, w).score)


def test_max_min_composition_reproduces_published_clothing_example():
    """Published output of the clothing evaluation (factors pattern, style, durability, price;
    grades very welcome .. unwelcome; model M(^, v) "main factor decides"), MATLAB example 8.4
    at https://e-com-net.com/article/1276296104417181696.htm: with A1 = (.1, .2, .3, .4) the
    composition gives B1 = (0.2, 0.3, 0.4, 0.1), grade "not very welcome"; with
    A2 = (.4, .35, .15, .1) it gives B2 = (0.35, 0.4, 0.2, 0.1), grade "fairly welcome". Our
    vectors are normalised to sum 1 (B2 sums to 1.05), which keeps the grade."""
    R = pd.DataFrame(
        [[0.2, 0.5, 0.2, 0.1], [0.7, 0.2, 0.1, 0.0], [0.0, 0.4, 0.5, 0.1], [0.2, 0.3, 0.5, 0.0]],
        index=["pattern", "style", "durability", "price"],
        columns=["very welcome", "fairly welcome", "not very welcome", "unwelcome"],
    )
    scores = [100, 67, 33, 0]
    b1 = fuzzy_evaluation(R, [0.1, 0.2, 0.3, 0.4], scores, operator="max-min")
    np.testing.assert_allclose(b1.vector.to_numpy(), [0.2, 0.3, 0.4, 0.1])
    assert b1.grade == "not very welcome"
    b2 = fuzzy_evaluation(R, [0.4, 0.35, 0.15, 0.1], scores, operator="max-min")
    np.testing.assert_allclose(b2.vector.to_numpy() * 1.05, [0.35, 0.4, 0.2, 0.1])
    assert b2.grade == "fairly welcome"
