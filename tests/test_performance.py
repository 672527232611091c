"""Tests of utils.study.performance (chapter 4: fuzzy evaluation, township comparison, DEA of funds).

Expected values come from (a) closed forms / hand derivations stated next to each test, (b)
published worked examples (Kendall 1938's and Cooper, Seiford & Tone 2007's), or (c) independent
maintained implementations (pymcdm TOPSIS, scipy). No expected value was obtained by running
this module.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from utils.methods import dea, scoring
from utils.study import performance as P

FAST = settings(max_examples=50, deadline=None)


# ------------------------------------------------------------------------------ fixtures
def _indicators() -> pd.DataFrame:
    """Two criteria: A (survey items a1, a2; township stat A3), B (survey b1; township cost B2)."""
    rows = [
        ("G", "goal", "", "", "", "", ""),
        ("A", "criterion", "G", "A", "", "", ""),
        ("A1", "indicator", "A", "A", "benefit", "survey", "a1"),
        ("A2", "indicator", "A", "A", "benefit", "survey", "a2"),
        ("A3", "indicator", "A", "A", "benefit", "township", "stat"),
        ("B", "criterion", "G", "B", "", "", ""),
        ("B1", "indicator", "B", "B", "benefit", "survey", "b1"),
        ("B2", "indicator", "B", "B", "cost", "township", "bad"),
    ]
    cols = ["id", "level", "parent", "criterion", "direction", "source", "source_column"]
    out = pd.DataFrame(rows, columns=cols)
    out["label_en"] = out["id"].str.lower()
    return out


def _panel() -> pd.DataFrame:
    """Five townships, two years."""
    recs = []
    for y, k in ((2019, 0), (2020, 1)):
        for t, stat, bad in zip(
            ["T1", "T2", "T3", "T4", "T5"], [10, 20, 30, 40, 50], [5, 4, 3, 2, 1], strict=True
        ):
            recs.append(
                {
                    "township": t,
                    "year": y,
                    "stat": stat + k,
                    "bad": bad,
                    "funds_10k_yuan": 10.0,
                    "stationed_cadres": 2,
                    "registered_poor": 100 - 10 * k * int(t[1]),
                    "rural_income_yuan": 1000 + 100 * k * int(t[1]),
                    "rural_population": 1000,
                }
            )
    return pd.DataFrame(recs)


def _survey() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "township": ["T1", "T1", "T5", "T5"],
            "a1": [1, 2, 5, np.nan],
            "a2": [3, 3, 3, 3],
            "b1": [4, 4, 5, 5],
        }
    )


def _weights() -> pd.Series:
    return pd.Series({"A1": 0.2, "A2": 0.2, "A3": 0.1, "B1": 0.3, "B2": 0.2})


# ------------------------------------------------------------------------------ township_grades
def test_township_grades_quintiles_of_25():
    """Closed form: 25 distinct values, p = (r - 1/2)/25, g = floor(5p) + 1 -> 5 per grade."""
    X = pd.DataFrame({"x": np.arange(25.0), "c": np.arange(25.0)})
    g = P.township_grades(X, ["benefit", "cost"])
    assert g["x"].tolist() == [k for k in range(1, 6) for _ in range(5)]
    assert g["c"].tolist() == [k for k in range(5, 0, -1) for _ in range(5)]


def test_township_grades_hand_example_with_ties_and_constant():
    """Hand-derived: n = 4, values (1, 2, 2, 9): mid-ranks 1, 2.5, 2.5, 4 ->
    p = 0.125, 0.5, 0.5, 0.875 -> grades 1, 3, 3, 5; a constant column -> p = 1/2 -> grade 3."""
    X = pd.DataFrame({"x": [1.0, 2, 2, 9], "k": [7.0] * 4}, index=list("abcd"))
    g = P.township_grades(X)
    assert g["x"].tolist() == [1, 3, 3, 5]
    assert g["k"].tolist() == [3, 3, 3, 3]
    assert list(g.index) == list("abcd")


@FAST
@given(arrays(float, st.integers(2, 30), elements=st.floats(-1e6, 1e6)), st.integers(2, 7))
def test_township_grades_properties(values, K):
    X = pd.DataFrame({"x": values})
    g = P.township_grades(X, n_grades=K)["x"]
    assert g.between(1, K).all()
    # monotone: a larger value never gets a lower grade; equal values share a grade
    order = np.argsort(values, kind="stable")
    assert np.all(np.diff(g.to_numpy()[order]) >= 0)
    rev = P.township_grades(X, ["cost"], n_grades=K)["x"]
    assert np.all(np.diff(rev.to_numpy()[order]) <= 0)


def test_township_grades_validation():
    with pytest.raises(ValueError, match="X: expected a DataFrame"):
        P.township_grades(np.ones((3, 2)))
    with pytest.raises(ValueError, match="n_grades: must be an integer >= 2"):
        P.township_grades(pd.DataFrame({"x": [1.0, 2.0]}), n_grades=1)
    with pytest.raises(ValueError, match="X: contains NaN"):
        P.township_grades(pd.DataFrame({"x": [1.0, np.nan]}))
    with pytest.raises(ValueError, match="benefit: expected 1 directions"):
        P.township_grades(pd.DataFrame({"x": [1.0, 2.0]}), ["benefit", "cost"])


# ------------------------------------------------------------------------------ household_grades
def test_household_grades_by_hand():
    """Township grades (n = 5, distinct): stat ascending -> T1 grade 1, T5 grade 5; 'bad' is a
    cost with T1 worst (5) -> grade 1, T5 best -> grade 5. Survey answers pass through."""
    g = P.household_grades(_survey(), _panel(), _indicators())
    assert g.attrs["year"] == 2020
    assert list(g.columns) == ["A1", "A2", "A3", "B1", "B2"]
    assert g["A3"].tolist() == [1, 1, 5, 5]
    assert g["B2"].tolist() == [1, 1, 5, 5]
    assert g["A1"].iloc[:3].tolist() == [1, 2, 5] and np.isnan(g["A1"].iloc[3])


def test_household_grades_validation():
    ind, pan, sur = _indicators(), _panel(), _survey()
    with pytest.raises(ValueError, match=r"year: 2015 is not in the panel's years \[2019, 2020\]"):
        P.household_grades(sur, pan, ind, year=2015)
    with pytest.raises(ValueError, match="survey: column 'b1' of indicator 'B1' is missing"):
        P.household_grades(sur.drop(columns="b1"), pan, ind)
    with pytest.raises(ValueError, match="panel: column 'stat' of indicator 'A3' is missing"):
        P.household_grades(sur, pan.drop(columns="stat"), ind)
    with pytest.raises(ValueError, match="survey: township 'T9' has no row in the panel"):
        P.household_grades(sur.assign(township="T9"), pan, ind)
    with pytest.raises(ValueError, match="survey: missing column 'township'"):
        P.household_grades(sur.drop(columns="township"), pan, ind)
    with pytest.raises(ValueError, match="survey: expected the household survey"):
        P.household_grades(sur.to_numpy(), pan, ind)
    with pytest.raises(ValueError, match="panel: expected the township panel"):
        P.household_grades(sur, None, ind)
    with pytest.raises(ValueError, match="panel: missing column 'year'"):
        P.household_grades(sur, pan.drop(columns="year"), ind)
    with pytest.raises(ValueError, match="panel: township 'T1' appears twice in 2020"):
        P.household_grades(sur, pd.concat([pan, pan.iloc[[5]]]), ind)
    bad = ind.copy()
    bad.loc[2, "direction"] = "up"
    with pytest.raises(ValueError, match="indicator 'A1' has direction 'up'"):
        P.household_grades(sur, pan, bad)
    bad = ind.copy()
    bad.loc[2, "source"] = "expert"
    with pytest.raises(ValueError, match="indicator 'A1' has source 'expert'"):
        P.household_grades(sur, pan, bad)
    with pytest.raises(ValueError, match=r"indicators: missing columns \['source'\]"):
        P.household_grades(sur, pan, ind.drop(columns="source"))
    with pytest.raises(ValueError, match="indicators: has no rows with level 'indicator'"):
        P.household_grades(sur, pan, ind[ind["level"] != "indicator"])
    with pytest.raises(ValueError, match=r"indicators: duplicated ids \['A1'\]"):
        P.household_grades(sur, pan, pd.concat([ind, ind.iloc[[2]]]))
    with pytest.raises(ValueError, match="indicators: expected the indicator table"):
        P.household_grades(sur, pan, None)


# ------------------------------------------------------------------------------ weights
def test_hierarchy_weights_closed_form():
    """W_A = 0.2 + 0.2 + 0.1 = 0.5, W_B = 0.5; local A = (0.4, 0.4, 0.2), B = (0.6, 0.4)."""
    hw = P.hierarchy_weights(_weights() * 3, _indicators())  # rescaled first
    assert hw.criteria.to_dict() == pytest.approx({"A": 0.5, "B": 0.5})
    assert hw.local["A"].tolist() == pytest.approx([0.4, 0.4, 0.2])
    assert hw.local["B"].tolist() == pytest.approx([0.6, 0.4])
    assert hw.global_.sum() == pytest.approx(1.0)


@FAST
@given(arrays(float, 5, elements=st.floats(0.01, 10)))
def test_hierarchy_weights_recompose(values):
    w = pd.Series(values, index=["A1", "A2", "A3", "B1", "B2"])
    hw = P.hierarchy_weights(w, _indicators())
    recomposed = pd.concat([hw.local[c] * hw.criteria[c] for c in hw.criteria.index])
    assert np.allclose(recomposed.reindex(w.index), w / w.sum())


def test_hierarchy_weights_validation():
    ind = _indicators()
    with pytest.raises(ValueError, match="weights: expected a pandas Series"):
        P.hierarchy_weights([0.2] * 5, ind)
    with pytest.raises(ValueError, match=r"unknown \['Z9'\], missing \['B2'\]"):
        P.hierarchy_weights(_weights().rename({"B2": "Z9"}), ind)
    with pytest.raises(ValueError, match="indicator 'A1' is not a finite number"):
        P.hierarchy_weights(_weights().replace(0.2, np.nan), ind)
    with pytest.raises(ValueError, match="indicator 'A3' has negative weight -0.1"):
        P.hierarchy_weights(_weights().replace(0.1, -0.1), ind)
    with pytest.raises(ValueError, match="weights: sum to 0"):
        P.hierarchy_weights(_weights() * 0, ind)
    with pytest.raises(ValueError, match="all indicators of criterion 'B' have weight 0"):
        P.hierarchy_weights(_weights().mask(lambda s: s.index.str.startswith("B"), 0.0), ind)


# ------------------------------------------------------------------------------ evaluation
def _grades() -> pd.DataFrame:
    return P.household_grades(_survey(), _panel(), _indicators())


def test_performance_scores_by_hand():
    """Hand-derived two-level FCE (weighted-average operator, scores 20k):

    memberships over grades 1..5: A1 (1, 2, 5 answered) = (1/3, 1/3, 0, 0, 1/3);
    A2 all 3 = e3; A3 two households in grade 1, two in 5 = (1/2, 0, 0, 0, 1/2);
    B1 (4, 4, 5, 5) = (0, 0, 0, 1/2, 1/2); B2 = (1/2, 0, 0, 0, 1/2).
    Scores: A1 = 20 (1 + 2 + 5)/3 = 53.33, A2 = 60, A3 = 60 -> S_A = .4 53.33 + .4 60 + .2 60
    = 57.33; B1 = 90, B2 = 60 -> S_B = .6 90 + .4 60 = 78; S = (57.33 + 78)/2 = 67.67.
    """
    s = P.performance_scores(_grades(), _weights(), _indicators())
    assert list(s.index) == ["overall", "A", "B"]
    assert s["A"] == pytest.approx(0.4 * 160 / 3 + 0.4 * 60 + 0.2 * 60)
    assert s["B"] == pytest.approx(78.0)
    assert s["overall"] == pytest.approx((0.4 * 160 / 3 + 36 + 78) / 2)
    # the memberships and the criterion-A grade vector behind those scores
    R = scoring.likert_membership(_grades(), levels=range(1, 6))
    assert R.loc["A3", [1, 5]].tolist() == [0.5, 0.5]
    hw = P.hierarchy_weights(_weights(), _indicators())
    B_A = scoring.fuzzy_evaluation(R.loc[["A1", "A2", "A3"]], hw.local["A"])
    assert B_A.vector.to_numpy() == pytest.approx([0.4 / 3 + 0.1, 0.4 / 3, 0.4, 0, 0.4 / 3 + 0.1])
    assert B_A.grade == "3"  # 0.4 is the largest membership


def test_performance_scores_validation():
    with pytest.raises(ValueError, match=r"grades: columns must be exactly the indicators; "):
        P.performance_scores(_grades().drop(columns="A1"), _weights(), _indicators())
    with pytest.raises(ValueError, match="grades: expected a DataFrame"):
        P.performance_scores(_grades().to_numpy(), _weights(), _indicators())
    with pytest.raises(ValueError, match="item 'A2' has value 7.0"):
        P.performance_scores(_grades().assign(A2=7.0), _weights(), _indicators())


@FAST
@given(
    arrays(float, (12, 5), elements=st.integers(1, 5).map(float)),
    arrays(float, 5, elements=st.floats(0.01, 1)),
)
def test_bootstrap_kernels_equal_library_path_and_scores_in_range(G, wv):
    """The bootstrap's statistic (scoring kernels on arrays) reproduces performance_scores."""
    grades = pd.DataFrame(G, columns=["A1", "A2", "A3", "B1", "B2"])
    w = pd.Series(wv, index=grades.columns)
    lib = P.performance_scores(grades, w, _indicators())
    boot = P.bootstrap_performance(grades, w, _indicators(), n_resamples=2)
    assert np.allclose(lib.to_numpy(), boot["score"].to_numpy())
    assert lib.between(20 - 1e-9, 100 + 1e-9).all()
    # the overall score is the criterion-weighted mean of the dimension scores
    hw = P.hierarchy_weights(w, _indicators())
    assert lib["overall"] == pytest.approx(float(hw.criteria @ lib[["A", "B"]]))


def test_bootstrap_performance_brackets_estimate_and_validates():
    rng = np.random.default_rng(1)
    G = pd.DataFrame(rng.integers(1, 6, size=(60, 5)).astype(float), columns=list(_weights().index))
    b = P.bootstrap_performance(G, _weights(), _indicators(), n_resamples=200, seed=3)
    est = P.performance_scores(G, _weights(), _indicators())
    assert np.allclose(b["score"], est)
    assert (b["ci_low"] <= b["score"]).all() and (b["score"] <= b["ci_high"]).all()
    assert b.loc["overall", ["gap", "gap_low", "gap_high"]].tolist() == [0, 0, 0]
    assert b.loc["A", "gap"] == pytest.approx(est["A"] - est["overall"])
    with pytest.raises(ValueError, match="n_resamples: must be an integer >= 2, got 1"):
        P.bootstrap_performance(G, _weights(), _indicators(), n_resamples=1)
    with pytest.raises(ValueError, match="confidence: must be a number strictly between 0 and 1"):
        P.bootstrap_performance(G, _weights(), _indicators(), n_resamples=5, confidence=95)
    assert b.attrs == {"n_resamples": 200, "confidence": 0.95}


def test_bootstrap_gap_sign_for_planted_difference():
    """A criterion answered 5 by everyone vs one answered 1: gaps have known signs, zero width."""
    G = pd.DataFrame({"A1": 1.0, "A2": 1.0, "A3": 1.0, "B1": 5.0, "B2": 5.0}, index=range(10))
    b = P.bootstrap_performance(G, _weights(), _indicators(), n_resamples=20)
    # S_A = 20, S_B = 100, S = 60: gaps -40 and +40 in every resample
    assert b.loc["A", ["gap_low", "gap_high"]].tolist() == pytest.approx([-40, -40])
    assert b.loc["B", ["gap_low", "gap_high"]].tolist() == pytest.approx([40, 40])


# ------------------------------------------------------------------------------ DEA
def _fund_efficiency(panel: pd.DataFrame) -> pd.DataFrame:
    """What chapter 4 does: DEA (input-oriented, BCC with the CCR scores) of the panel's funds."""
    res = dea.dea(*P.fund_efficiency_data(panel), model="bcc", orientation="input")
    return res.rename(columns={"crste": "ccr", "vrste": "bcc"})


def test_fund_efficiency_data_by_hand():
    """Period (2019, 2020]: funds 10, cadre-years 2; person-years averted = P_2019 - P_2020 =
    10 t; income gain = 100 t yuan x 1,000 persons / 10,000 = 10 t (10,000 yuan)."""
    inp, out = P.fund_efficiency_data(_panel())
    assert inp["funds_10k_yuan"].tolist() == [10.0] * 5
    assert inp["cadre_years"].tolist() == [2.0] * 5
    assert out["poverty_years_averted"].tolist() == [10.0, 20, 30, 40, 50]
    assert out["income_gain_10k_yuan"].tolist() == [10.0, 20, 30, 40, 50]
    assert inp.attrs["period"] == (2019, 2020)


def _three_years(paths: dict[str, list[int]]) -> pd.DataFrame:
    """Townships with the given registered-poor paths over 2018-2020, all else equal."""
    return pd.DataFrame(
        [
            {"township": t, "year": 2018 + k, "funds_10k_yuan": 5.0 + k, "stationed_cadres": 2,
             "registered_poor": p, "rural_income_yuan": 1000 + 50 * k, "rural_population": 2000}
            for t, path in paths.items()
            for k, p in enumerate(path)
        ]
    )  # fmt: skip


def test_poverty_years_averted_rewards_early_exits_unlike_the_stock():
    """Two townships with the same base stock (100) that both reach 0 by 2020: "lifted out"
    (P_2018 - P_2020) is 100 for both, the need itself; person-years averted are
    (100 - 0) + (100 - 0) = 200 for the early one and (100 - 90) + (100 - 0) = 110 for the
    late one."""
    inp, out = P.fund_efficiency_data(_three_years({"early": [100, 0, 0], "late": [100, 90, 0]}))
    assert out.loc["early", "poverty_years_averted"] == 200
    assert out.loc["late", "poverty_years_averted"] == 110
    assert inp.loc["early", "funds_10k_yuan"] == 6.0 + 7.0  # spending of 2019 and 2020
    assert out.loc["early", "income_gain_10k_yuan"] == pytest.approx(100 * 2000 / 1e4)


def test_annual_efficiency_data_by_hand():
    inp, out = P.annual_efficiency_data(_three_years({"early": [100, 0, 0], "late": [100, 90, 0]}))
    assert list(inp.columns) == ["township", "year", "funds_10k_yuan", "cadres"]
    assert list(out.columns) == ["township", "year", "exits", "income_gain_10k_yuan"]
    o = out.set_index(["township", "year"])
    assert o["exits"].to_dict() == {
        ("early", 2019): 100.0, ("late", 2019): 10.0, ("early", 2020): 0.0, ("late", 2020): 90.0
    }  # fmt: skip
    assert o["income_gain_10k_yuan"].tolist() == pytest.approx([10.0] * 4)
    assert inp.set_index(["township", "year"])["funds_10k_yuan"].to_dict()[("late", 2020)] == 7.0
    with pytest.raises(ValueError, match="township 'late' has output 'exits' = -5 in 2020"):
        P.annual_efficiency_data(_three_years({"early": [100, 0, 0], "late": [100, 0, 5]}))


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.lists(st.integers(0, 50), min_size=4, max_size=4),
        min_size=2,
        max_size=5,
    )
)
def test_period_and_annual_data_agree(drops):
    """Identities: period inputs = sums of the annual inputs; person-years averted = the
    cumulated annual exits summed over the years; exits sum to P_first - P_last."""
    paths = {}
    for i, d in enumerate(drops):
        start = 300
        path = [start]
        for x in d:
            path.append(path[-1] - x)
        paths[f"T{i}"] = path
    panel = pd.DataFrame(
        [
            {"township": t, "year": 2016 + k, "funds_10k_yuan": 1.0 + k + i,
             "stationed_cadres": 1 + i, "registered_poor": p,
             "rural_income_yuan": 1000 + 10 * k * (i + 1), "rural_population": 500}
            for i, (t, path) in enumerate(paths.items())
            for k, p in enumerate(path)
        ]
    )  # fmt: skip
    inp, out = P.fund_efficiency_data(panel)
    a_in, a_out = P.annual_efficiency_data(panel)
    g_in = a_in.groupby("township")[["funds_10k_yuan", "cadres"]].sum()
    assert g_in["funds_10k_yuan"].to_dict() == pytest.approx(inp["funds_10k_yuan"].to_dict())
    assert g_in["cadres"].to_dict() == pytest.approx(inp["cadre_years"].to_dict())
    cum = a_out.sort_values("year").groupby("township")["exits"].cumsum()
    averted = cum.groupby(a_out["township"]).sum()
    assert averted.to_dict() == pytest.approx(out["poverty_years_averted"].to_dict())
    exits = a_out.groupby("township")["exits"].sum()
    for t, path in paths.items():
        assert exits[t] == path[0] - path[-1]
    gain = a_out.groupby("township")["income_gain_10k_yuan"].sum()
    assert gain.to_dict() == pytest.approx(out["income_gain_10k_yuan"].to_dict())


def test_fund_efficiency_single_ratio_closed_form():
    """Closed form. All townships have the same inputs (10, 2) and outputs (10 t, 100 t),
    t = 1..5. CCR: theta_t = (output ratio to the best) = t / 5. BCC adds sum(lambda) = 1, so
    X lambda equals the common input and theta >= 1: every township is BCC-efficient, and the
    scale efficiency is theta_CCR / theta_BCC = t / 5 (Banker, Charnes & Cooper 1984)."""
    eff = _fund_efficiency(_panel())
    assert eff["ccr"].tolist() == pytest.approx([0.2, 0.4, 0.6, 0.8, 1.0])
    assert eff["bcc"].tolist() == pytest.approx([1.0] * 5)
    assert eff["scale"].tolist() == pytest.approx([0.2, 0.4, 0.6, 0.8, 1.0])


def test_fund_efficiency_cst_example():
    """Cooper, Seiford & Tone (2007), Table 1.5 / Example 1.3 (two inputs, one output = 1):
    stores A (4, 3), B (7, 3), C (8, 1), D (4, 2), E (2, 4), F (10, 1); CCR input-oriented
    efficiencies A 0.857, B 0.632, C 1, D 1, E 1, F 1 (published to three decimals). Here the
    two inputs enter as funds and cadres in one year and the output as the income gain (growth
    1 yuan x 10,000 persons = 1, in 10,000 yuan); no one exits, so the other output is 0."""
    x1 = {"A": 4, "B": 7, "C": 8, "D": 4, "E": 2, "F": 10}
    x2 = {"A": 3, "B": 3, "C": 1, "D": 2, "E": 4, "F": 1}
    recs = []
    for t in x1:
        recs.append(
            {"township": t, "year": 2019, "funds_10k_yuan": 1.0, "stationed_cadres": 1,
             "registered_poor": 5, "rural_income_yuan": 100, "rural_population": 10_000}
        )  # fmt: skip
        recs.append(
            {"township": t, "year": 2020, "funds_10k_yuan": float(x1[t]),
             "stationed_cadres": x2[t], "registered_poor": 5, "rural_income_yuan": 101,
             "rural_population": 10_000}
        )  # fmt: skip
    eff = _fund_efficiency(pd.DataFrame(recs))
    published = {"A": 0.857, "B": 0.632, "C": 1.0, "D": 1.0, "E": 1.0, "F": 1.0}
    for t, v in published.items():
        assert eff.loc[t, "ccr"] == pytest.approx(v, abs=5e-4)
    assert (eff["scale"] <= 1 + 1e-9).all() and (eff["bcc"] >= eff["ccr"] - 1e-9).all()


def test_fund_efficiency_validation():
    pan = _panel()
    with pytest.raises(ValueError, match=r"panel: missing columns \['funds_10k_yuan'\]"):
        P.fund_efficiency_data(pan.drop(columns="funds_10k_yuan"))
    with pytest.raises(ValueError, match=r"first_year: 2000 is not in the panel's years"):
        P.fund_efficiency_data(pan, first_year=2000)
    with pytest.raises(ValueError, match=r"year: must be after first_year \(2019\)"):
        P.fund_efficiency_data(pan, year=2019)
    with pytest.raises(ValueError, match="panel: township 'T3' has no 'funds_10k_yuan' for 2019"):
        P.fund_efficiency_data(pan.drop(index=2))
    neg = pan.copy()
    neg.loc[(neg["township"] == "T2") & (neg["year"] == 2020), "rural_income_yuan"] = 500
    with pytest.raises(
        ValueError, match="township 'T2' has output 'income_gain_10k_yuan' = -50 over 2019-2020"
    ):
        P.fund_efficiency_data(neg)
    with pytest.raises(ValueError, match="township 'T1' has input 'funds_10k_yuan' = 0"):
        P.fund_efficiency_data(pan.assign(funds_10k_yuan=0.0))


# ------------------------------------------------------------------------------ figure
def test_dimension_ranking_figure():
    v = pd.DataFrame(
        {"dimension": ["x", "y", "z"], "score": [60.0, 55, 50], "ci_low": [59.0, 54, 49],
         "ci_high": [61.0, 56, 51], "rank": [1, 2, 3]}
    )  # fmt: skip
    fig = P.dimension_ranking_figure(v, 55.0, title="t")
    lo, hi = fig.axes[0].get_xlim()
    assert lo < 49 and hi > 61 and hi - lo < 30
    with pytest.raises(ValueError, match="verdicts: expected a table with columns"):
        P.dimension_ranking_figure(v.drop(columns="ci_low"), 55.0)
    with pytest.raises(ValueError, match="overall_score: expected a number, got 'a'"):
        P.dimension_ranking_figure(v, "a")


def test_efficiency_figure():
    fig = P.efficiency_figure(_fund_efficiency(_panel()), title="t")
    ax = fig.axes[0]
    assert ax.get_xlim()[1] > 1.0 and ax.get_ylim()[0] < 0.2  # scale 0.2 is inside
    labels = [t.get_text() for t in ax.texts]
    assert any("T5" in s for s in labels)
    with pytest.raises(ValueError, match="table: expected a table with columns"):
        P.efficiency_figure(pd.DataFrame({"bcc": [1.0]}))
    with pytest.raises(ValueError, match="table: has no rows"):
        P.efficiency_figure(pd.DataFrame(columns=["bcc", "scale", "returns_to_scale"]))


# ------------------------------------------------------------------------------ restrict_to_sources
def test_restrict_to_sources_keeps_criterion_weights_by_hand():
    """Hand example: W_A = 0.2 + 0.2 + 0.1 = 0.5 and W_B = 0.3 + 0.2 = 0.5. Survey only: A1 and A2
    share W_A in proportion 0.2 : 0.2 (0.25 each); B1 alone carries W_B = 0.5."""
    ind = _indicators()
    grades = P.household_grades(_survey(), _panel(), ind)
    g, w, table = P.restrict_to_sources(grades, _weights(), ind, "survey")
    assert list(g.columns) == ["A1", "A2", "B1"]
    assert w.to_dict() == pytest.approx({"A1": 0.25, "A2": 0.25, "B1": 0.5})
    assert set(table.loc[table["level"] == "indicator", "id"]) == {"A1", "A2", "B1"}
    hw = P.hierarchy_weights(w, table)
    assert hw.criteria.to_dict() == pytest.approx({"A": 0.5, "B": 0.5})
    # the restricted inputs run through the evaluation; "all" changes nothing
    P.performance_scores(g, w, table)
    g_all, w_all, _ = P.restrict_to_sources(grades, _weights(), ind, "all")
    assert g_all.shape == grades.shape
    assert w_all.to_dict() == pytest.approx(_weights().to_dict())


def test_restrict_to_sources_validation():
    ind = _indicators()
    grades = P.household_grades(_survey(), _panel(), ind)
    with pytest.raises(ValueError, match=r"sources: 'nope' is not one of \['all', 'survey'\]"):
        P.restrict_to_sources(grades, _weights(), ind, "nope")
    with pytest.raises(ValueError, match=r"sources: \['census'\] are not indicator sources"):
        P.restrict_to_sources(grades, _weights(), ind, ["census"])
    only_b_survey = ind[ind["id"] != "B1"]
    w = _weights().drop("B1")
    with pytest.raises(ValueError, match=r"criterion 'B' has no indicator of these sources"):
        P.restrict_to_sources(grades.drop(columns="B1"), w, only_b_survey, "survey")


# ------------------------------------------------------------------------------ chapter 4b figures
def test_township_scatter_panels_labels_and_spearman():
    """One panel per column; the panel title is Spearman's r_s (perfectly reversed ranks give
    -1, Spearman 1904); only the n_labels lowest and highest townships on y are labelled."""
    idx = [f"T{i}" for i in range(1, 7)]
    x = pd.DataFrame({"funds": [1.0, 2, 3, 4, 5, 6], "need": [6.0, 5, 4, 3, 2, 1]}, index=idx)
    y = pd.Series([10.0, 20, 30, 40, 50, 60], index=idx)
    fig = P.township_scatter(x, y, n_labels=1)
    assert len(fig.axes) == 2
    assert [ax.get_title(loc="center") for ax in fig.axes] == ["r_s = 1.00", "r_s = -1.00"]
    assert sorted(t.get_text() for t in fig.axes[0].texts) == ["T1", "T6"]
    with pytest.raises(ValueError, match="x: expected a DataFrame with 1 to 3 columns"):
        P.township_scatter(pd.concat([x, x], axis=1), y)
    with pytest.raises(ValueError, match="y: expected a Series with the same index as x"):
        P.township_scatter(x, y.iloc[:3])
    with pytest.raises(ValueError, match="need at least 3 townships and finite values"):
        P.township_scatter(x.assign(funds=np.nan), y)


def test_interval_figure_orders_by_estimate():
    t = pd.DataFrame(
        {"bc": [0.7, 0.9, 0.8], "ci_low": [0.6, 0.8, 0.7], "ci_high": [0.8, 1.0, 0.9],
         "raw": [0.75, 0.95, 0.85]}, index=["A", "B", "C"],
    )  # fmt: skip
    fig = P.interval_figure(t, "bc", point="raw", title="t")
    ticks = [tick.get_text() for tick in fig.axes[0].get_yticklabels()]
    assert ticks == ["A", "C", "B"]  # lowest at the bottom, best (B) on top
    assert fig.legends  # two series -> a legend
    with pytest.raises(ValueError, match="table: expected a table with columns"):
        P.interval_figure(t.drop(columns="ci_low"), "bc")
    with pytest.raises(ValueError, match="table: has no rows"):
        P.interval_figure(t.iloc[:0], "bc")
