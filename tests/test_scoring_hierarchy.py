"""General methods of the two-level fuzzy evaluation and its verdict rule (utils.methods.scoring):
relative grades, hierarchy weights, the evaluation as a statistic of household weights, and the
verdicts against an absolute standard and leave-one-out with simultaneous intervals. Moved with
the functions from tests/test_performance.py (issue 9)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from utils.methods import scoring

FAST = settings(max_examples=50, deadline=None)


def _groups() -> pd.Series:
    """Two criteria: A (indicators A1, A2, A3) and B (B1, B2)."""
    return pd.Series(["A", "A", "A", "B", "B"], index=["A1", "A2", "A3", "B1", "B2"])


def _weights() -> pd.Series:
    return pd.Series({"A1": 0.2, "A2": 0.2, "A3": 0.1, "B1": 0.3, "B2": 0.2})


# ------------------------------------------------------------------------------ township_grades
def test_relative_grades_quintiles_of_25():
    """Closed form: 25 distinct values, p = (r - 1/2)/25, g = floor(5p) + 1 -> 5 per grade."""
    X = pd.DataFrame({"x": np.arange(25.0), "c": np.arange(25.0)})
    g = scoring.relative_grades(X, ["benefit", "cost"])
    assert g["x"].tolist() == [k for k in range(1, 6) for _ in range(5)]
    assert g["c"].tolist() == [k for k in range(5, 0, -1) for _ in range(5)]


def test_relative_grades_hand_example_with_ties_and_constant():
    """Hand-derived: n = 4, values (1, 2, 2, 9): mid-ranks 1, 2.5, 2.5, 4 ->
    p = 0.125, 0.5, 0.5, 0.875 -> grades 1, 3, 3, 5; a constant column -> p = 1/2 -> grade 3."""
    X = pd.DataFrame({"x": [1.0, 2, 2, 9], "k": [7.0] * 4}, index=list("abcd"))
    g = scoring.relative_grades(X)
    assert g["x"].tolist() == [1, 3, 3, 5]
    assert g["k"].tolist() == [3, 3, 3, 3]
    assert list(g.index) == list("abcd")


@FAST
@given(arrays(float, st.integers(2, 30), elements=st.floats(-1e6, 1e6)), st.integers(2, 7))
def test_relative_grades_properties(values, K):
    X = pd.DataFrame({"x": values})
    g = scoring.relative_grades(X, n_grades=K)["x"]
    assert g.between(1, K).all()
    # monotone: a larger value never gets a lower grade; equal values share a grade
    order = np.argsort(values, kind="stable")
    assert np.all(np.diff(g.to_numpy()[order]) >= 0)
    rev = scoring.relative_grades(X, ["cost"], n_grades=K)["x"]
    assert np.all(np.diff(rev.to_numpy()[order]) <= 0)


def test_relative_grades_validation():
    with pytest.raises(ValueError, match="X: expected a DataFrame"):
        scoring.relative_grades(np.ones((3, 2)))
    with pytest.raises(ValueError, match="n_grades: must be an integer >= 2"):
        scoring.relative_grades(pd.DataFrame({"x": [1.0, 2.0]}), n_grades=1)
    with pytest.raises(ValueError, match="X: contains NaN"):
        scoring.relative_grades(pd.DataFrame({"x": [1.0, np.nan]}))
    with pytest.raises(ValueError, match="benefit: expected 1 directions"):
        scoring.relative_grades(pd.DataFrame({"x": [1.0, 2.0]}), ["benefit", "cost"])


# ------------------------------------------------------------------------------ weights
def test_hierarchy_weights_closed_form():
    """W_A = 0.2 + 0.2 + 0.1 = 0.5, W_B = 0.5; local A = (0.4, 0.4, 0.2), B = (0.6, 0.4)."""
    hw = scoring.hierarchy_weights(_weights() * 3, _groups())  # rescaled first
    assert hw.criteria.to_dict() == pytest.approx({"A": 0.5, "B": 0.5})
    assert hw.local["A"].tolist() == pytest.approx([0.4, 0.4, 0.2])
    assert hw.local["B"].tolist() == pytest.approx([0.6, 0.4])
    assert hw.global_.sum() == pytest.approx(1.0)


@FAST
@given(arrays(float, 5, elements=st.floats(0.01, 10)))
def test_hierarchy_weights_recompose(values):
    w = pd.Series(values, index=["A1", "A2", "A3", "B1", "B2"])
    hw = scoring.hierarchy_weights(w, _groups())
    recomposed = pd.concat([hw.local[c] * hw.criteria[c] for c in hw.criteria.index])
    assert np.allclose(recomposed.reindex(w.index), w / w.sum())
    frame = hw.to_frame()  # one row per indicator, in the order of groups
    assert list(frame.index) == list(w.index)
    assert np.allclose(frame["local_weight"] * frame["criterion_weight"], frame["global_weight"])


def test_hierarchy_weights_validation():
    ind = _groups()
    with pytest.raises(ValueError, match="weights: expected a pandas Series"):
        scoring.hierarchy_weights([0.2] * 5, ind)
    with pytest.raises(ValueError, match=r"unknown \['Z9'\], missing \['B2'\]"):
        scoring.hierarchy_weights(_weights().rename({"B2": "Z9"}), ind)
    with pytest.raises(ValueError, match="indicator 'A1' is not a finite number"):
        scoring.hierarchy_weights(_weights().replace(0.2, np.nan), ind)
    with pytest.raises(ValueError, match="indicator 'A3' has negative weight -0.1"):
        scoring.hierarchy_weights(_weights().replace(0.1, -0.1), ind)
    with pytest.raises(ValueError, match="weights: sum to 0"):
        scoring.hierarchy_weights(_weights() * 0, ind)
    with pytest.raises(ValueError, match="all indicators of criterion 'B' have weight 0"):
        scoring.hierarchy_weights(_weights().mask(lambda s: s.index.str.startswith("B"), 0.0), ind)


# ------------------------------------------------------------------------------ evaluation
def _grades() -> pd.DataFrame:
    """Grades of four households: survey answers A1, A2, B1; township grades A3, B2 (T1 worst,
    T5 best, as utils.study.performance.household_grades gives them on its toy panel)."""
    return pd.DataFrame(
        {"A1": [1, 2, 5, np.nan], "A2": [3, 3, 3, 3], "A3": [1, 1, 5, 5], "B1": [4, 4, 5, 5],
         "B2": [1, 1, 5, 5]}, dtype=float,
    )  # fmt: skip


def _library_scores(grades: pd.DataFrame, w: pd.Series, groups: pd.Series) -> pd.Series:
    """The two-level evaluation through the library's general path (likert_membership,
    hierarchy_weights, fuzzy_evaluation_hierarchy): overall, then one score per criterion."""
    R = scoring.likert_membership(grades, levels=range(1, 6))
    hw = scoring.hierarchy_weights(w, groups)
    mem = {c: R.loc[groups.index[groups == c]] for c in hw.criteria.index}
    overall, per = scoring.fuzzy_evaluation_hierarchy(mem, hw.local, hw.criteria)
    return pd.concat([pd.Series({"overall": overall.score}), per["score"].astype(float)])


def test_fce_statistic_by_hand_unit_weights():
    """Hand-derived two-level FCE (weighted-average operator, 0-100 scale s_k = 25 (k - 1)):

    memberships over grades 1..5: A1 (1, 2, 5 answered) = (1/3, 1/3, 0, 0, 1/3);
    A2 all 3 = e3; A3 two households in grade 1, two in 5 = (1/2, 0, 0, 0, 1/2);
    B1 (4, 4, 5, 5) = (0, 0, 0, 1/2, 1/2); B2 = (1/2, 0, 0, 0, 1/2).
    Scores: A1 = 25 (0 + 1 + 4)/3 = 41.67, A2 = 50, A3 = 50 -> S_A = .4 41.67 + .4 50 + .2 50
    = 46.67; B1 = 87.5, B2 = 50 -> S_B = .6 87.5 + .4 50 = 72.5; S = (46.67 + 72.5)/2.
    """
    s = scoring.fce_statistic(_grades(), _weights(), _groups())(_grades(), np.ones(4))
    assert s["score:A"] == pytest.approx(0.4 * 125 / 3 + 0.4 * 50 + 0.2 * 50)
    assert s["score:B"] == pytest.approx(72.5)
    assert s["overall"] == pytest.approx((0.4 * 125 / 3 + 30 + 72.5) / 2)
    assert _library_scores(_grades(), _weights(), _groups()).to_numpy() == pytest.approx(
        s[["overall", "score:A", "score:B"]].to_numpy()
    )
    # the memberships and the criterion-A grade vector behind those scores
    R = scoring.likert_membership(_grades(), levels=range(1, 6))
    assert R.loc["A3", [1, 5]].tolist() == [0.5, 0.5]
    hw = scoring.hierarchy_weights(_weights(), _groups())
    B_A = scoring.fuzzy_evaluation(R.loc[["A1", "A2", "A3"]], hw.local["A"])
    assert B_A.vector.to_numpy() == pytest.approx([0.4 / 3 + 0.1, 0.4 / 3, 0.4, 0, 0.4 / 3 + 0.1])
    assert B_A.grade == "3"  # 0.4 is the largest membership


# ------------------------------------------------------------------------------ fce_statistic
@FAST
@given(
    arrays(float, (12, 5), elements=st.integers(1, 5).map(float)),
    arrays(float, 5, elements=st.floats(0.01, 1)),
    arrays(float, 12, elements=st.floats(0.1, 10)),
)
def test_fce_statistic_equals_library_path_and_identities(G, wv, hh):
    """With unit household weights the statistic reproduces the library's general path
    (_library_scores); scores stay in [0, 100]; the overall is the criterion-weighted mean; the leave-one-out
    gap satisfies S_c - S = (1 - W_c) loo_c; scaling all household weights changes nothing."""
    grades = pd.DataFrame(G, columns=["A1", "A2", "A3", "B1", "B2"])
    w = pd.Series(wv, index=grades.columns)
    lib = _library_scores(grades, w, _groups())
    stat = scoring.fce_statistic(grades, w, _groups())
    s = stat(grades, np.ones(12))
    assert s[["overall", "score:A", "score:B"]].to_numpy() == pytest.approx(lib.to_numpy())
    assert s.filter(like="score").between(-1e-9, 100 + 1e-9).all()
    assert s.filter(like="low").between(-1e-12, 1 + 1e-12).all()
    W = scoring.hierarchy_weights(w, _groups()).criteria
    for c in ("A", "B"):
        assert s[f"score:{c}"] - s["overall"] == pytest.approx((1 - W[c]) * s[f"loo:{c}"])
    assert stat(grades, hh).to_numpy() == pytest.approx(stat(grades, 7.5 * hh).to_numpy())


def test_fce_statistic_by_hand_with_weights():
    """Household weights (1, 1, 2, 2) on the toy survey (hand-derived):
    A1 answered (1, 2, 5) with weights (1, 1, 2) -> points 25 (0 + 1 + 2 * 4) / 4 = 56.25;
    A2 = 50; A3 grades (1, 1, 5, 5) -> 100 * 4 / 6 = 66.67; S_A = .4 56.25 + .4 50 + .2 66.67;
    B1 (4, 4, 5, 5) -> 25 (3 + 3 + 8 + 8) / 6 = 91.67; B2 like A3 = 66.67;
    S_B = .6 91.67 + .4 66.67; low:A = .4 (2/4) + .4 * 0 + .2 (2/6); low:B = .4 (2/6)."""
    stat = scoring.fce_statistic(_grades(), _weights(), _groups())
    s = stat(_grades(), np.array([1.0, 1, 2, 2]))
    S_A = 0.4 * 56.25 + 0.4 * 50 + 0.2 * 200 / 3
    S_B = 0.6 * 275 / 3 + 0.4 * 200 / 3
    assert s["score:A"] == pytest.approx(S_A) and s["score:B"] == pytest.approx(S_B)
    assert s["overall"] == pytest.approx((S_A + S_B) / 2)
    assert s["low:A"] == pytest.approx(0.4 * 0.5 + 0.2 / 3)
    assert s["low:B"] == pytest.approx(0.4 / 3)
    assert s["loo:A"] == pytest.approx(S_A - S_B)


def test_fce_statistic_validation():
    with pytest.raises(ValueError, match="low_grades: must lie in 1..4, got 5"):
        scoring.fce_statistic(_grades(), _weights(), _groups(), low_grades=5)
    one = _groups()[lambda g: g == "A"]
    with pytest.raises(ValueError, match="needs at least two criteria"):
        scoring.fce_statistic(_grades()[["A1", "A2", "A3"]], _weights()[["A1", "A2", "A3"]], one)
    with pytest.raises(
        ValueError, match=r"grades: columns must be exactly the indicators of groups"
    ):
        scoring.fce_statistic(_grades().drop(columns="A1"), _weights(), _groups())
    with pytest.raises(ValueError, match="grades: expected a DataFrame"):
        scoring.fce_statistic(_grades().to_numpy(), _weights(), _groups())
    with pytest.raises(ValueError, match="item 'A2' has value 7.0"):
        scoring.fce_statistic(_grades().assign(A2=7.0), _weights(), _groups())
    with pytest.raises(ValueError, match="groups: expected a pandas Series"):
        scoring.fce_statistic(_grades(), _weights(), ["A"] * 5)
    with pytest.raises(ValueError, match=r"groups: duplicated ids \['A1'\]"):
        scoring.hierarchy_weights(_weights(), pd.concat([_groups(), _groups()[:1]]))
    stat = scoring.fce_statistic(_grades(), _weights(), _groups())
    with pytest.raises(ValueError, match="w: expected 4 household weights"):
        stat(_grades(), np.ones(3))


# ------------------------------------------------------------------------------ verdicts
def _fake_result(scores, lows, method="bootstrap", se=1.0, n=400, seed=0):
    """A ReplicateResult whose replicates are independent normal draws around the estimates
    (standard error ``se`` for scores and gaps, ``se / 100`` for low shares)."""
    from utils.methods.survey_design import ReplicateResult

    crit = list(scores)
    W = pd.Series(1 / len(crit), index=crit)
    S = pd.Series(scores, dtype=float)
    overall = float(W @ S)
    loo = S - (overall - W * S) / (1 - W)
    est = pd.Series(
        {"overall": overall, **{f"score:{c}": S[c] for c in crit},
         **{f"low:{c}": lows[c] for c in crit}, **{f"loo:{c}": loo[c] for c in crit}}
    )  # fmt: skip
    sd = pd.Series([se / 100 if k.startswith("low") else se for k in est.index], est.index)
    rng = np.random.default_rng(seed)
    reps = pd.DataFrame(est.to_numpy() + rng.standard_normal((n, est.size)) * sd.to_numpy(),
                        columns=est.index)  # fmt: skip
    return ReplicateResult(est, sd, est - 2 * sd, est + 2 * sd, reps, method, 0.95, 28)


def test_dimension_verdicts_can_say_not_supported_and_problem():
    """All dimensions well above neutral with few low ratings and equal: nothing is a problem
    ("not supported" is reachable). One dimension 20 points lower and below neutral with many
    low ratings: it, and only it, is a problem on both standards; a dimension just below
    neutral but within sampling error passes."""
    null = _fake_result({"a": 70, "b": 70, "c": 70}, {"a": 0.1, "b": 0.1, "c": 0.1})
    v = scoring.dimension_verdicts(null)
    assert not v["problem"].any() and set(v["verdict"]) == {"not supported"}
    assert set(v["leave_one_out"]) == {"not different"}
    planted = _fake_result({"a": 40, "b": 70, "c": 49.5}, {"a": 0.5, "b": 0.1, "c": 0.2})
    v = scoring.dimension_verdicts(planted)
    assert v.loc["a", "verdict"] == scoring.verdict_text(True, True)
    assert v.loc["a", "fails_on"] == "score below neutral and too many low ratings"
    assert v.loc["c", "absolute_standard"] == "not settled"  # 49.5 is within sampling error of 50
    assert v.loc["b", "leave_one_out"] == "higher" and not v.loc["b", "problem"]
    # the simultaneous critical value exceeds the pointwise one and Bonferroni's bounds it
    assert 1.96 < v.attrs["critical_absolute"] <= 2.9


def test_dimension_verdicts_absolute_only_and_relative_only():
    """Four low dimensions and one high: each low one fails the absolute standard although it
    is not lower than the (mostly low) others; a dimension above neutral but far below the
    others is a problem relative to the others only."""
    most_weak = _fake_result(
        {"a": 44, "b": 45, "c": 44.5, "d": 45.5, "e": 68},
        {"a": 0.4, "b": 0.4, "c": 0.4, "d": 0.4, "e": 0.1},
    )
    v = scoring.dimension_verdicts(most_weak)
    assert v.loc[["a", "b", "c", "d"], "absolute_standard"].eq("fails").all()
    assert v.loc["e", "verdict"] == "not supported"
    relative = _fake_result({"a": 60, "b": 80, "c": 80}, {"a": 0.1, "b": 0.05, "c": 0.05})
    v = scoring.dimension_verdicts(relative)
    assert v.loc["a", "verdict"] == scoring.verdict_text(False, True)


@settings(max_examples=25, deadline=None)
@given(
    scores=st.lists(st.floats(40, 75), min_size=3, max_size=5),
    lows=st.lists(st.floats(0.05, 0.5), min_size=5, max_size=5),
    t=st.lists(st.floats(0.05, 0.6), min_size=2, max_size=2).map(sorted),
)
def test_verdicts_monotone_in_threshold_and_confidence(scores, lows, t):
    """What chapter 4's sensitivity table and error split rely on: a laxer low-ratings threshold
    never adds a problem, and a higher joint confidence (the error rate split between the two
    standards, (1 - 0.95) / 2 each) never adds one either: it only widens the intervals."""
    dims = [f"d{i}" for i in range(len(scores))]
    lows = lows[: len(dims)]
    res = _fake_result(
        dict(zip(dims, scores, strict=True)), dict(zip(dims, lows, strict=True)), se=2.0
    )
    strict, lax = (scoring.dimension_verdicts(res, low_share_threshold=x)["problem"] for x in t)
    assert not (lax & ~strict).any()
    split = scoring.dimension_verdicts(res, confidence=0.975)
    single = scoring.dimension_verdicts(res, confidence=0.95)
    assert not (split["problem"] & ~single["problem"]).any()
    assert split.attrs["critical_absolute"] >= single.attrs["critical_absolute"]


def test_dimension_verdicts_validation():
    res = _fake_result({"a": 60, "b": 70}, {"a": 0.1, "b": 0.1}, method="jackknife")
    with pytest.raises(ValueError, match="'max-t' needs bootstrap replicates"):
        scoring.dimension_verdicts(res)
    assert scoring.dimension_verdicts(res, method="bonferroni").shape[0] == 2
    from utils.methods.survey_design import ReplicateResult

    bad = ReplicateResult(pd.Series({"x": 1.0}), pd.Series({"x": 1.0}), None, None,
                          pd.DataFrame({"x": [1.0, 2.0]}), "bootstrap", 0.95, 10)  # fmt: skip
    with pytest.raises(ValueError, match="has no 'score:<dimension>' estimates"):
        scoring.dimension_verdicts(bad)


def test_verdicts_on_design_replicates_end_to_end():
    """The chapter's path on a small synthetic clustered survey: replicate weights from the
    design, the statistic, the verdicts. Criterion A is planted low (answers 1-2), B high."""
    from utils.methods.survey_design import replicate_estimate, survey_design

    rng = np.random.default_rng(5)
    n = 160
    frame = pd.DataFrame(
        {"stratum": np.repeat(["s1", "s2"], n // 2), "psu": np.repeat(np.arange(16), n // 16),
         "w": rng.uniform(1, 3, n)}
    )  # fmt: skip
    G = pd.DataFrame(
        {"A1": rng.integers(1, 3, n), "A2": rng.integers(1, 4, n), "A3": rng.integers(1, 3, n),
         "B1": rng.integers(4, 6, n), "B2": rng.integers(3, 6, n)}
    ).astype(float)  # fmt: skip
    design = survey_design(frame, weight="w", strata="stratum", psu="psu")
    stat = scoring.fce_statistic(G, _weights(), _groups())
    res = replicate_estimate(design, stat, n_resamples=200, seed=2)
    v = scoring.dimension_verdicts(res)
    assert v.loc["A", "problem"] and not v.loc["B", "problem"]
    assert v.loc["A", "leave_one_out"] == "lower" and v.loc["B", "leave_one_out"] == "higher"


# ------------------------------------------------------------------ standards and verdict words
def test_standard_results_by_hand_both_sides():
    """Hand cases: an interval wholly on the failing side fails, wholly on the other side
    meets, one that holds the standard is not settled (an end on the standard meets)."""
    r = scoring.standard_results([40, 45, 50, 52], [48, 55, 60, 60], 50, "below")
    assert r.tolist() == ["fails", "not settled", "meets", "meets"]
    r = scoring.standard_results([0.30, 0.20, 0.10], [0.45, 0.30, 0.25], 0.25, "above")
    assert r.tolist() == ["fails", "not settled", "meets"]
    mixed = scoring.standard_results(
        pd.Series([90.0, 20.0], index=["ss:medical", "in:short"]),
        pd.Series([94.0, 30.0], index=["ss:medical", "in:short"]),
        [95, 25],
        ["below", "above"],
    )
    assert mixed.to_dict() == {"ss:medical": "fails", "in:short": "not settled"}
    with pytest.raises(ValueError, match="fails_when"):
        scoring.standard_results([1.0], [2.0], 1.5, "under")


@FAST
@given(
    st.floats(-50, 50), st.floats(0, 20), st.floats(0, 20), st.floats(-50, 50),
)  # fmt: skip
def test_standard_results_mirror_and_narrowing(center, half, shrink, ref):
    """'above' is 'below' mirrored; narrowing an interval never undoes a settled result."""
    lo, hi = center - half, center + half
    below = scoring.standard_results([lo], [hi], ref, "below").iloc[0]
    above = scoring.standard_results([-hi], [-lo], -ref, "above").iloc[0]
    assert below == above
    s = min(shrink, half)
    narrow = scoring.standard_results([lo + s], [hi - s], ref, "below").iloc[0]
    if below != "not settled":
        assert narrow == below


def test_combined_result_and_verdict_words():
    assert scoring.combined_result(["meets", "meets"]) == "meets"
    assert scoring.combined_result(["not settled", "fails"]) == "fails"
    assert scoring.combined_result(["meets", "not settled"]) == "not settled"
    with pytest.raises(ValueError, match="results"):
        scoring.combined_result(["passes"])
    assert scoring.verdict_text(False, False) == "not supported"
    assert scoring.verdict_text(True, True, "its standard").startswith(
        "problem: fails its standard"
    )
    assert "relative to the others only" in scoring.verdict_text(False, True)
