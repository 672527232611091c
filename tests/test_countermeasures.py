"""Tests of utils.study.countermeasures (chapter 5: evidence for the thesis' problems, scenario).

Expected values: the importance-performance quadrant rule of Martilla & James (1977) (verdicts
must agree with utils.methods.attribution.importance_performance), closed forms of the ordered logit
(McCullagh 1980; marginal effects as in Long & Freese 2014) evaluated independently with
scipy.stats.logistic, and small tables derived by hand (stated in each docstring).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from utils.methods import attribution
from utils.study import countermeasures as cm

SET = settings(max_examples=50, deadline=None)
DIMS = ["gs", "in", "ss", "ed", "lc"]


@pytest.fixture(scope="module")
def fitted():
    """A small simulated ordinal data set (seeded) and its ordered-logit fit."""
    rng = np.random.default_rng(1)
    n = 400
    X = pd.DataFrame(
        {"gs": rng.uniform(1, 5, n), "in": rng.uniform(1, 5, n), "c": rng.normal(size=n)}
    )
    latent = 1.0 * X["gs"] + 0.5 * X["in"] + 0.3 * X["c"] + rng.logistic(size=n)
    y = np.digitize(latent, [3.0, 4.0, 5.0, 6.0]) + 1
    df = X.assign(y=y)
    return df, attribution.ordered_logit(df, "y", ["gs", "in", "c"])


# ============================================================================ model frame
def _codebook():
    return pd.DataFrame(
        {
            "column": ["education"],
            "allowed": ["none|primary|junior_secondary|senior_secondary|tertiary"],
        }
    )


def _survey():
    return pd.DataFrame(
        {
            "overall_satisfaction": pd.array([4, 2, pd.NA], dtype="Int64"),
            "registered_poor": pd.array([1, 0, 0], dtype="Int64"),
            "sex": pd.array(["female", "male", "male"], dtype="string"),
            "age": pd.array([45, 62, 30], dtype="Int64"),
            "education": pd.array(["primary", "tertiary", "none"], dtype="string"),
        }
    )


def test_model_frame_by_hand():
    """Row 3 lacks the outcome and is dropped; codes from the codebook order."""
    survey = _survey()
    scores = pd.DataFrame({"gs": [3.0, 2.5, 4.0], "in": [4.0, 1.0, 2.0]})
    f = cm.model_frame(survey, scores, _codebook())
    assert f.attrs["dropped"] == 1
    assert list(f.columns) == ["overall_satisfaction", "gs", "in", *cm.CONTROLS]
    assert f["overall_satisfaction"].tolist() == [4, 2]
    assert f["female"].tolist() == [1.0, 0.0]
    assert f["age_10y"].tolist() == [4.5, 6.2]
    assert f["education_level"].tolist() == [1.0, 4.0]


def test_model_frame_validation():
    survey, scores, cb = _survey(), pd.DataFrame({"gs": [1.0, 2.0, 3.0]}), _codebook()
    with pytest.raises(ValueError, match="survey: expected a non-empty pandas DataFrame"):
        cm.model_frame(pd.DataFrame(), scores, cb)
    with pytest.raises(ValueError, match=r"survey: missing column\(s\) \['age'\]"):
        cm.model_frame(survey.drop(columns="age"), scores, cb)
    with pytest.raises(ValueError, match="scores: index must equal the survey's index"):
        cm.model_frame(survey, scores.set_axis([5, 6, 7]), cb)
    with pytest.raises(ValueError, match=r"scores: columns \['female'\] clash"):
        cm.model_frame(survey, scores.rename(columns={"gs": "female"}), cb)
    with pytest.raises(
        ValueError, match="codebook: has no 'allowed' list for the column 'education'"
    ):
        cm.model_frame(survey, scores, pd.DataFrame({"column": ["age"], "allowed": ["x"]}))
    bad = survey.assign(education=pd.array(["primary", "phd", "none"], dtype="string"))
    with pytest.raises(ValueError, match=r"survey: education values \['phd'\] are not in"):
        cm.model_frame(bad, scores, cb)


# ============================================================================ scenario
def test_scenario_closed_form(fitted):
    """Without capping: overall score rises by 100 w_d delta / 4; P(y >= 4) after equals
    mean(1 - F(tau_3 - x'b - b_d delta)), computed independently with scipy.stats.logistic."""
    df, res = fitted
    frame = df.assign(gs=np.clip(df["gs"], 1, 4.5))
    w = pd.Series({"gs": 0.6, "in": 0.4})
    sc = cm.improvement_scenario(res, frame, "gs", 0.5, w)
    assert sc.mean_shift == pytest.approx(0.5)
    assert sc.overall_score[1] - sc.overall_score[0] == pytest.approx(100 * 0.6 * 0.5 / 4)
    beta = res.params["coef"].to_numpy()
    xb = frame[res.predictors].to_numpy() @ beta
    tau3 = res.thresholds.iloc[2]
    before = (1 - stats.logistic.cdf(tau3 - xb)).mean()
    after = (1 - stats.logistic.cdf(tau3 - xb - beta[0] * 0.5)).mean()
    assert sc.p_satisfied == pytest.approx((before, after), rel=1e-8)
    np.testing.assert_allclose(sc.probabilities["scenario"].sum(), 1.0)
    np.testing.assert_allclose(sc.probabilities["change"].sum(), 0.0, atol=1e-12)


def test_scenario_caps_at_scale_top(fitted):
    df, res = fitted
    frame = df.assign(gs=5.0)
    sc = cm.improvement_scenario(res, frame, "gs", 0.5, pd.Series({"gs": 0.5, "in": 0.5}))
    assert sc.mean_shift == 0.0
    assert sc.overall_score[0] == sc.overall_score[1]
    np.testing.assert_allclose(sc.probabilities["change"], 0.0, atol=1e-15)


@SET
@given(st.floats(0, 2), st.sampled_from(["gs", "in"]))
def test_scenario_monotone(fitted, delta, dim):
    """Positive coefficient and delta >= 0: P(satisfied) and the score cannot fall."""
    df, res = fitted
    sc = cm.improvement_scenario(res, df, dim, delta, pd.Series({"gs": 0.5, "in": 0.5}))
    assert sc.p_satisfied[1] >= sc.p_satisfied[0] - 1e-12
    assert sc.overall_score[1] >= sc.overall_score[0] - 1e-12
    assert 0 <= sc.mean_shift <= delta + 1e-12


def test_scenario_validation(fitted):
    df, res = fitted
    w = pd.Series({"gs": 0.5, "in": 0.5})
    cases = [
        (({}, df, "gs", 0.5, w), {}, "result: expected an OrderedLogitResult, got dict"),
        ((res, pd.DataFrame(), "gs", 0.5, w), {}, "frame: expected a non-empty pandas DataFrame"),
        ((res, df, "zz", 0.5, w), {}, "dimension: 'zz' is not a predictor of the model"),
        ((res, df, "gs", -0.5, w), {}, "delta: must be a finite number >= 0, got -0.5"),
        ((res, df, "gs", 0.5, w), {"scale": (5, 1)}, r"scale: maximum must exceed minimum"),
        ((res, df, "gs", 0.5, {"gs": 1.0}), {}, "weights: expected a pandas Series, got dict"),
        (
            (res, df, "gs", 0.5, pd.Series({"gs": 0.5, "in": 0.6})),
            {},
            "weights: must be non-negative and sum to 1",
        ),
        (
            (res, df, "gs", 0.5, pd.Series({"gs": 0.5, "zz": 0.5})),
            {},
            r"weights: dimensions \['zz'\] are not columns",
        ),
        (
            (res, df, "gs", 0.5, pd.Series({"in": 1.0})),
            {},
            "weights: has no weight for dimension 'gs'",
        ),
        (
            (res, df, "gs", 0.5, w),
            {"satisfied_from": 9},
            r"satisfied_from: 9 must be one of \[2, 3, 4, 5\]",
        ),
        (
            (res, df.assign(gs=6.0), "gs", 0.5, w),
            {},
            r"frame: dimension scores must lie in the scale",
        ),
    ]
    for args, kwargs, match in cases:
        with pytest.raises(ValueError, match=match):
            cm.improvement_scenario(*args, **kwargs)


# ============================================================ causes tested (issue 12, items 4-9)
@pytest.mark.parametrize(
    "lo, hi, word",
    [
        (0.01, 0.5, "supported"),
        (-0.5, -0.01, "not supported"),
        (-0.05, 0.09, "not supported"),  # holds 0 but excludes effects of 0.1 or more
        (0.02, 0.08, "not supported"),  # above 0 but too small to matter: never both verdicts
        (-0.2, 0.4, "cannot tell"),
        (-0.05, 0.1, "cannot tell"),  # reaches the smallest effect of interest
    ],
)
def test_cause_verdict_rule(lo, hi, word):
    """The rule of the chapter, stated in advance: each branch reached (smallest effect 0.1)."""
    assert cm.cause_verdict(lo, hi, 0.1)[0] == word


@SET
@given(st.floats(-2, 2), st.floats(0, 2), st.floats(0, 1), st.floats(0, 1))
def test_cause_verdict_is_monotone_in_the_effect(lo, width, shift, small):
    """Moving an interval up never turns 'supported' into anything else, nor anything into
    'not supported'; exactly one of the three verdicts is returned."""
    order = {"not supported": 0, "cannot tell": 1, "supported": 2}
    before = cm.cause_verdict(lo, lo + width, small)[0]
    after = cm.cause_verdict(lo + shift, lo + width + shift, small)[0]
    assert before in cm.CAUSE_VERDICTS and after in cm.CAUSE_VERDICTS
    if before == "supported":
        assert after == "supported"
    if after == "not supported":
        assert before == "not supported"
    # the "too small" branch aside, the order follows the shift
    if not (before == "not supported" and lo + width >= 0):
        assert order[after] >= order[before]


def test_cause_verdict_validation():
    with pytest.raises(ValueError, match="ci_low <= ci_high"):
        cm.cause_verdict(0.5, 0.1, 0.1)
    with pytest.raises(ValueError, match="smallest_effect"):
        cm.cause_verdict(0.1, 0.5, -1)


def test_problem_chain_matches_the_truth_ids(repo):
    """The content chain uses the simulator's ids (truth.json) for causes, countermeasures and
    proxies, and the social-organisation countermeasure is monitored by social_org_partners."""
    import json

    chain = cm.problem_chain(repo / "book" / "content" / "thesis_problems.csv")
    truth = json.loads((repo / "data" / "truth.json").read_text())
    assert list(chain.index) == ["gs", "in", "ss", "ed"]
    for dim, row in chain.iterrows():
        cause = truth["causes"][row["cause_id"]]
        assert cause["dimension"] == dim
        assert cause["proxy_column"] == row["proxy_column"]
        assert cause["proxy_sign"] == row["expected_sign"]
        assert truth["countermeasures"][row["countermeasure_id"]]["cause"] == row["cause_id"]
    assert chain.at["gs", "monitor_column"] == "social_org_partners"


def test_problem_chain_validation(tmp_path):
    p = tmp_path / "chain.csv"
    header = ",".join(cm.CHAIN_COLUMNS) + ",source\n"
    p.write_text(header + "p,gs,m,c,k,x,2,cm,cid,col,thesis\n")
    with pytest.raises(ValueError, match="expected_sign must be 1 or -1"):
        cm.problem_chain(p)
    p.write_text(header + "p,gs,m,c,k,x,1,cm,cid,col,thesis\nq,gs,m,c,k,x,1,cm,cid,col,thesis\n")
    with pytest.raises(ValueError, match="listed twice"):
        cm.problem_chain(p)


def test_matched_measures_by_hand():
    """Two households: coverage counts only the schemes that apply (dibao for need only)."""
    s = pd.DataFrame(
        {
            **{f"gs{i}": [5, 1] for i in range(1, 6)},
            "ind_participates": [0, 1],
            "ind_income_gain_yuan": [np.nan, 1000.0],
            "cov_medical_insurance": [1, 0],
            "cov_pension": [np.nan, 1],
            "cov_dibao": [0, 0],  # household 0 has labour and is not registered: not in need
            "cov_serious_illness_aid": [np.nan, 0],
            "labour_force": [2, 0],
            "registered_poor": [0, 1],
            "poverty_cause": [np.nan, "illness"],
            **{f"quiz{i}": [1, 1] for i in range(1, 6)},
            "asp1": [5, 1],
            "asp2": [5, 1],
            "asp3": [5, 1],
            "asp4": [1, 5],
        }
    )
    s["gs2"] = [3, 1]  # an item outside the system's items must not count
    m = cm.matched_measures(s, service_items=["gs1", "gs3"])
    assert m["gs"].tolist() == [5.0, 1.0]
    assert np.isnan(m.at[0, "in"]) and m.at[1, "in"] == pytest.approx(np.log(1000))
    assert m["ss"].tolist() == [1.0, 0.25]  # (1) and (0 + 1 + 0 + 0) / 4
    assert m["quiz"].tolist() == [1.0, 1.0] and m["aspiration"].tolist() == [5.0, 1.0]
    assert m.at[0, "ed"] > m.at[1, "ed"]  # same quiz, higher aspiration
    with pytest.raises(ValueError, match="missing column"):
        cm.matched_measures(s.drop(columns="labour_force"), service_items=["gs1"])
    with pytest.raises(ValueError, match="missing column"):
        cm.matched_measures(s, service_items=["gs9"])


@SET
@given(st.floats(-100, 100), st.floats(0.1, 100))
def test_township_proxies_are_standardised_and_scale_free(shift, scale):
    p = pd.DataFrame(
        {"township": list("AABBCC"), "x": [1.0, 2.0, 4.0, 4.0, 9.0, 11.0], "year": [1, 2] * 3}
    )
    z = cm.township_proxies(p, ["x"])["x"]
    z2 = cm.township_proxies(p.assign(x=shift + scale * p["x"]), ["x"])["x"]
    assert z.mean() == pytest.approx(0, abs=1e-12) and z.std() == pytest.approx(1)
    np.testing.assert_allclose(z, z2, atol=1e-9)


def test_township_proxies_validation():
    p = pd.DataFrame({"township": ["A", "B"], "x": [1.0, 1.0]})
    with pytest.raises(ValueError, match="do not vary"):
        cm.township_proxies(p, ["x"])
    with pytest.raises(ValueError, match="missing column"):
        cm.township_proxies(p, ["y"])


def _cause_data(effect: float, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    t = np.repeat(np.arange(25), 30)
    x = rng.normal(size=25)
    return pd.DataFrame(
        {
            "township": t,
            "village": t * 3 + np.tile(np.repeat(np.arange(3), 10), 25),
            "x": x[t],
            "y": effect * x[t] + rng.normal(0, 0.2, 25)[t] + rng.normal(size=750),
        }
    )


def test_fit_cause_model_finds_a_planted_township_effect_and_not_a_null_one():
    """Planted slope 0.6 of a township-level proxy: recovered within 3 SE; slope 0: the
    interval holds 0 (seeded, so the test can fail if the model is wrong)."""
    res = cm.fit_cause_model(_cause_data(0.6), "y", ["x"])
    assert abs(res.params["x"] - 0.6) < 3 * res.bse["x"]
    null = cm.fit_cause_model(_cause_data(0.0, seed=1), "y", ["x"])
    assert abs(null.params["x"]) < 2 * null.bse["x"]
    with pytest.raises(ValueError, match="missing column"):
        cm.fit_cause_model(_cause_data(0.0), "y", ["z"])


def test_evidence_chain_says_when_a_countermeasure_is_not_warranted(repo):
    chain = cm.problem_chain(repo / "book" / "content" / "thesis_problems.csv")
    dims = pd.DataFrame(
        {"verdict": ["supported", "not supported", "supported", "supported"], "reason": ["r"] * 4},
        index=chain.index,
    )
    causes = pd.DataFrame(
        {
            "effect": [0.3, -0.2, 0.0, 0.05],
            "ci_low": [0.1, -0.4, -0.3, -0.02],
            "ci_high": [0.5, -0.01, 0.3, 0.08],
            "verdict": ["supported", "not supported", "cannot tell", "not supported"],
        },
        index=list(chain["cause_id"]),
    )
    table = cm.evidence_chain(chain, dims, causes)
    assert table["cause verdict"].tolist() == list(causes["verdict"])
    assert "not supported, its cause is not supported" in table.at["in", "countermeasure"]
    assert "cannot tell whether its cause acts" in table.at["ss", "countermeasure"]
    assert "consistent with the evidence" in table.at["gs", "countermeasure"]
    # social organisations are monitored by partners, but the tested proxy is cadre visits
    assert table.at["gs", "countermeasure"].endswith(
        "untested (tested proxy: cadre_visits_per_household)"
    )
    assert "the countermeasure itself is untested" in table.at["ed", "countermeasure"]
    assert table.at["gs", "indicator to monitor"] == "social_org_partners"
    assert table.at["in", "problem verdict"] == "not supported"
    labelled = cm.evidence_chain(chain, dims, causes, {"social_org_partners": "partners"})
    assert labelled.at["gs", "indicator to monitor"] == "partners"


def test_write_findings_is_atomic_and_refuses_nan(tmp_path):
    import json

    target = tmp_path / "f.json"
    cm.write_findings(target, {"chapter": "05_attribution", "causes": [{"id": "a", "effect": 0.5}]})
    assert json.loads(target.read_text())["causes"][0]["effect"] == 0.5
    with pytest.raises(ValueError):
        cm.write_findings(target, {"chapter": "x", "effect": float("nan")})
    assert json.loads(target.read_text())["chapter"] == "05_attribution"  # old file intact
    assert [p.name for p in tmp_path.iterdir()] == ["f.json"]  # no temporary file left
