"""Tests for utils.study.indicators (chapter 2 weights; used by chapter 4).

Expected values are closed forms derived by hand (stated per test), an independent
implementation (pymcdm's CRITIC) or properties; the underlying AHP/entropy/CRITIC functions
have their published examples in tests/test_weights.py.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pymcdm.weights import critic_weights as pymcdm_critic

from utils.study import indicators as I

FAST = settings(max_examples=50, deadline=None)


# --------------------------------------------------------------------------------------------
# Small synthetic hierarchy: criteria a (A1, A2) and b (B1, B2, B3)
# --------------------------------------------------------------------------------------------
def _indicators() -> pd.DataFrame:
    rows = [
        ("G", "goal", "", "", "goal", "", "", ""),
        ("a", "criterion", "G", "a", "crit a", "", "", ""),
        ("A1", "indicator", "a", "a", "a one", "benefit", "survey", "q1"),
        ("A2", "indicator", "a", "a", "a two", "benefit", "township", "stat1"),
        ("b", "criterion", "G", "b", "crit b", "", "", ""),
        ("B1", "indicator", "b", "b", "b one", "benefit", "survey", "q2"),
        ("B2", "indicator", "b", "b", "b two", "cost", "township", "stat2"),
        ("B3", "indicator", "b", "b", "b three", "benefit", "survey", "q3"),
    ]
    return pd.DataFrame(
        rows,
        columns=[
            "id",
            "level",
            "parent",
            "criterion",
            "label_en",
            "direction",
            "source",
            "source_column",
        ],
    )


BLOCKS = {"criteria": ["a", "b"], "a": ["A1", "A2"], "b": ["B1", "B2", "B3"]}


def _consistent(w, labels) -> pd.DataFrame:
    """Perfectly consistent matrix a_ij = w_i / w_j (lambda_max = n, CR = 0; Saaty 1980)."""
    w = np.asarray(w, float)
    return pd.DataFrame(np.outer(w, 1 / w), index=labels, columns=labels)


def _cycle(a: float, labels) -> pd.DataFrame:
    """Intransitive cycle x > y > z > x with strength a: circulant matrix with first row
    (1, a, 1/a); its principal eigenvalue is 1 + a + 1/a (sum of a row of a circulant)."""
    A = np.array([[1, a, 1 / a], [1 / a, 1, a], [a, 1 / a, 1]], float)
    return pd.DataFrame(A, index=labels, columns=labels)


def _panel_matrices(views: dict[str, dict[str, list[float]]]) -> dict:
    return {(e, b): _consistent(w, BLOCKS[b]) for e, bw in views.items() for b, w in bw.items()}


VIEWS = {
    "E1": {"criteria": [0.6, 0.4], "a": [0.5, 0.5], "b": [0.5, 0.3, 0.2]},
    "E2": {"criteria": [0.4, 0.6], "a": [0.8, 0.2], "b": [0.2, 0.3, 0.5]},
}


# --------------------------------------------------------------------------------------------
# consistency_table
# --------------------------------------------------------------------------------------------
def test_consistency_of_intransitive_cycle_closed_form():
    """Cycle of strength 5 (as planted for E07): lambda_max = 1 + 5 + 1/5 = 6.2,
    CI = (6.2 - 3) / 2 = 1.6, CR = 1.6 / RI(3) = 1.6 / 0.58 (Saaty 1980 RI table)."""
    mats = {
        ("E9", "b"): _cycle(5, ["B1", "B2", "B3"]),
        ("E1", "a"): _consistent([2, 1], ["A1", "A2"]),
    }
    t = I.consistency_table(mats, {"E9": "scholar"})
    row = t.set_index(["expert", "block"]).loc[("E9", "b")]
    assert row["n"] == 3 and row["role"] == "scholar"
    assert row["lambda_max"] == pytest.approx(6.2, rel=1e-9)
    assert row["CI"] == pytest.approx(1.6, rel=1e-9)
    assert row["CR"] == pytest.approx(1.6 / 0.58, rel=1e-9)
    assert not row["consistent"]
    ok = t.set_index(["expert", "block"]).loc[("E1", "a")]
    assert ok["CR"] == 0 and ok["consistent"] and ok["role"] == ""
    assert list(t.columns) == [
        "expert",
        "role",
        "block",
        "n",
        "lambda_max",
        "CI",
        "CR",
        "consistent",
    ]


def test_consistency_threshold_is_strict():
    """Saaty's rule is CR < threshold: a matrix whose CR equals the threshold is inconsistent."""
    mats = {("E9", "b"): _cycle(5, ["B1", "B2", "B3"])}
    cr = 1.6 / 0.58
    assert I.consistency_table(mats, cr_threshold=1.0)["consistent"].item() is False
    assert cr > 1  # so any threshold in (0, 1] flags it


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"matrices": {}}, r"matrices: expected a non-empty dict"),
        ({"matrices": {"E1": np.eye(2)}}, r"keys must be \(expert, block\) pairs"),
        (
            {"matrices": {("E1", "a"): [[1, 2], [3, 1]]}},
            r"matrices\[\('E1', 'a'\)\]: .*not reciprocal",
        ),
        (
            {"matrices": {("E1", "a"): np.eye(2)}, "cr_threshold": 0},
            r"cr_threshold: must be a number in \(0, 1\]",
        ),
        (
            {"matrices": {("E1", "a"): np.eye(2)}, "cr_threshold": "x"},
            r"cr_threshold: must be a number",
        ),
    ],
)
def test_consistency_table_validation(kwargs, match):
    with pytest.raises(ValueError, match=match):
        I.consistency_table(**kwargs)


# --------------------------------------------------------------------------------------------
# group_ahp_weights
# --------------------------------------------------------------------------------------------
def _geo(*ws):
    g = np.prod(np.asarray(ws, float), axis=0) ** (1 / len(ws))
    return g / g.sum()


def test_group_ahp_closed_form_geometric_mean():
    """For consistent matrices the AIJ geometric mean matrix is itself consistent with priorities
    the normalised geometric mean of the experts' vectors (Aczel & Saaty 1983), so e.g. the
    criteria weights are (sqrt(.24), sqrt(.24)) / sum = (0.5, 0.5) and a's local weights are
    (sqrt(.4), sqrt(.1)) normalised = (2/3, 1/3)."""
    table, excluded = I.group_ahp_weights(_panel_matrices(VIEWS), _indicators())
    assert excluded.empty and list(excluded.columns) == ["expert", "block", "CR"]
    assert list(table.index) == ["A1", "A2", "B1", "B2", "B3"]
    np.testing.assert_allclose(table.loc[["A1", "A2"], "local_weight"], [2 / 3, 1 / 3], rtol=1e-9)
    np.testing.assert_allclose(table["criterion_weight"], 0.5, rtol=1e-9)
    lb = _geo([0.5, 0.3, 0.2], [0.2, 0.3, 0.5])
    np.testing.assert_allclose(table.loc[["B1", "B2", "B3"], "local_weight"], lb, rtol=1e-9)
    np.testing.assert_allclose(
        table["global_weight"], table["criterion_weight"] * table["local_weight"], rtol=1e-12
    )


def test_group_ahp_excludes_only_the_inconsistent_block():
    """Adding an expert whose criteria matrix is a cycle: with exclusion the weights equal the
    two-expert result for 'criteria' but E3's consistent 'a' and 'b' blocks still count."""
    mats = _panel_matrices(VIEWS)
    crit3 = ["a", "b"]
    # a 2x2 matrix is always consistent, so give E3 an inconsistent 3-element block instead
    mats[("E3", "b")] = _cycle(5, BLOCKS["b"])
    mats[("E3", "a")] = _consistent([0.5, 0.5], BLOCKS["a"])
    mats[("E3", "criteria")] = _consistent([0.5, 0.5], crit3)
    table, excluded = I.group_ahp_weights(mats, _indicators(), exclude_inconsistent=True)
    assert excluded[["expert", "block"]].values.tolist() == [["E3", "b"]]
    assert excluded["CR"].item() == pytest.approx(1.6 / 0.58)
    lb = _geo([0.5, 0.3, 0.2], [0.2, 0.3, 0.5])
    np.testing.assert_allclose(table.loc[["B1", "B2", "B3"], "local_weight"], lb, rtol=1e-9)
    la = _geo([0.5, 0.5], [0.8, 0.2], [0.5, 0.5])
    np.testing.assert_allclose(table.loc[["A1", "A2"], "local_weight"], la, rtol=1e-9)
    kept, none = I.group_ahp_weights(mats, _indicators(), exclude_inconsistent=False)
    assert none.empty
    # the geometric mean of the cycle with the two consistent matrices changes b's weights
    assert not np.allclose(kept.loc[["B1", "B2", "B3"], "local_weight"], lb, atol=1e-3)


def test_group_ahp_reorders_matrices_to_the_indicator_file():
    """A matrix listed in another order (B3, B1, B2) gives the same weights."""
    mats = _panel_matrices(VIEWS)
    m = mats[("E2", "b")]
    mats[("E2", "b")] = m.loc[["B3", "B1", "B2"], ["B3", "B1", "B2"]]
    table, _ = I.group_ahp_weights(mats, _indicators())
    lb = _geo([0.5, 0.3, 0.2], [0.2, 0.3, 0.5])
    np.testing.assert_allclose(table.loc[["B1", "B2", "B3"], "local_weight"], lb, rtol=1e-9)


def test_group_ahp_validation():
    ind = _indicators()
    mats = _panel_matrices(VIEWS)
    no_b = {k: v for k, v in mats.items() if k[1] != "b"}
    with pytest.raises(ValueError, match=r"no expert matrix for block 'b'"):
        I.group_ahp_weights(no_b, ind)
    wrong = dict(mats)
    wrong[("E1", "a")] = _consistent([1, 1], ["A1", "X9"])
    with pytest.raises(
        ValueError, match=r"matrices\[\('E1', 'a'\)\]: labels .* are not the block's ids"
    ):
        I.group_ahp_weights(wrong, ind)
    bad = {k: v for k, v in mats.items() if k[1] != "b"}
    bad[("E1", "b")] = _cycle(5, BLOCKS["b"])
    with pytest.raises(ValueError, match=r"every expert's matrix of block 'b' has CR >= 0.1"):
        I.group_ahp_weights(bad, ind)
    assert I.group_ahp_weights(bad, ind, exclude_inconsistent=False)[1].empty
    with pytest.raises(ValueError, match=r"indicators: missing column\(s\) \['direction'\]"):
        I.group_ahp_weights(mats, ind.drop(columns="direction"))
    with pytest.raises(ValueError, match=r"indicators: no row has level 'indicator'"):
        I.group_ahp_weights(mats, ind[ind["level"] != "indicator"])
    with pytest.raises(ValueError, match=r"indicators: expected the DataFrame"):
        I.group_ahp_weights(mats, "indicators.csv")


weight_vec = st.lists(st.floats(0.05, 1.0), min_size=3, max_size=3)


@FAST
@given(st.lists(weight_vec, min_size=1, max_size=4))
def test_group_ahp_property_geometric_mean(experts):
    """Property: for consistent experts, local weights of block b = normalised geometric mean."""
    views = {f"E{k}": {"criteria": [1, 1], "a": [1, 1], "b": w} for k, w in enumerate(experts)}
    table, _ = I.group_ahp_weights(_panel_matrices(views), _indicators())
    np.testing.assert_allclose(
        table.loc[["B1", "B2", "B3"], "local_weight"], _geo(*experts), rtol=1e-8
    )
    assert table["global_weight"].sum() == pytest.approx(1.0)


# --------------------------------------------------------------------------------------------
# indicator_matrix
# --------------------------------------------------------------------------------------------
def _survey() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "household_id": ["H1", "H2", "H3", "H4"],
            "township": ["T1", "T1", "T2", "T2"],
            "q1": [1, 2, 3, np.nan],
            "q2": [5, 4, 3, 2],
            "q3": [1, 1, 2, 2],
        }
    )


def _panel() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "township": ["T1", "T1", "T2", "T2", "T3", "T3"],
            "year": [2019, 2020, 2019, 2020, 2019, 2020],
            "stat1": [10.0, 20.0, 30.0, 50.0, 0.0, 0.0],
            "stat2": [1.0, 0.0, 3.0, 0.0, 9.0, 9.0],
        }
    )


def test_indicator_matrix_mean_over_years_and_complete_cases():
    """Hand-derived: T1's stat1 mean over 2019-2020 is (10 + 20) / 2 = 15, T2's is 40; H4 has a
    missing q1 and is dropped."""
    X = I.indicator_matrix(_survey(), _panel(), _indicators())
    assert list(X.columns) == ["A1", "A2", "B1", "B2", "B3"]
    assert list(X.index) == ["H1", "H2", "H3"] and X.index.name == "household_id"
    assert X["A2"].tolist() == [15.0, 15.0, 40.0]
    assert X["B2"].tolist() == [0.5, 0.5, 1.5]
    assert X["A1"].tolist() == [1.0, 2.0, 3.0]
    full = I.indicator_matrix(_survey(), _panel(), _indicators(), dropna=False)
    assert len(full) == 4 and np.isnan(full.loc["H4", "A1"])


def test_indicator_matrix_single_year():
    X = I.indicator_matrix(_survey(), _panel(), _indicators(), year=2020)
    assert X["A2"].tolist() == [20.0, 20.0, 50.0]
    assert X["B2"].tolist() == [0.0, 0.0, 0.0]


def test_indicator_matrix_validation():
    s, p, ind = _survey(), _panel(), _indicators()
    with pytest.raises(ValueError, match=r"year: must be one of the panel years \[2019, 2020\]"):
        I.indicator_matrix(s, p, ind, year=2018)
    with pytest.raises(ValueError, match=r"year: must be one of the panel years"):
        I.indicator_matrix(s, p, ind, year=True)
    with pytest.raises(
        ValueError, match=r"survey: column 'q2' \(source of indicator 'B1'\) is missing"
    ):
        I.indicator_matrix(s.drop(columns="q2"), p, ind)
    with pytest.raises(ValueError, match=r"panel: column 'stat2' \(source of indicator 'B2'\)"):
        I.indicator_matrix(s, p.drop(columns="stat2"), ind)
    with pytest.raises(
        ValueError, match=r"panel: surveyed township\(s\) \['T2'\] have no statistics for year 2020"
    ):
        I.indicator_matrix(s, p[~((p.township == "T2") & (p.year == 2020))], ind, year=2020)
    bad = ind.copy()
    bad.loc[bad["id"] == "A1", "source"] = "register"
    with pytest.raises(
        ValueError, match=r"indicator 'A1' has source 'register'; must be 'survey' or 'township'"
    ):
        I.indicator_matrix(s, p, bad)
    with pytest.raises(ValueError, match=r"survey: missing column\(s\) \['township'\]"):
        I.indicator_matrix(s.drop(columns="township"), p, ind)
    with pytest.raises(ValueError, match=r"panel: expected a DataFrame"):
        I.indicator_matrix(s, None, ind)
    empty = s.assign(q1=np.nan)
    with pytest.raises(ValueError, match=r"no household answered every indicator item"):
        I.indicator_matrix(empty, p, ind)


# --------------------------------------------------------------------------------------------
# objective_weights
# --------------------------------------------------------------------------------------------
def test_entropy_closed_form_and_direction():
    """m = 4. Column x = (0,1,0,1): z = (0,1,0,1), p = (0,1/2,0,1/2), e = ln2/ln4 = 1/2.
    Column y = (0,1,1,1) as benefit: p = (0,1/3,1/3,1/3), e = ln3/ln4; as cost z = (1,0,0,0),
    e = 0. Weights w_j = (1 - e_j) / sum_k (1 - e_k) (Shannon 1948; Hwang & Yoon 1981)."""
    X = pd.DataFrame({"x": [0.0, 1, 0, 1], "y": [0.0, 1, 1, 1]})
    d_x, d_y = 0.5, 1 - math.log(3) / math.log(4)
    w = I.objective_weights(X, ["benefit", "benefit"], "entropy")
    np.testing.assert_allclose(w, [d_x / (d_x + d_y), d_y / (d_x + d_y)], rtol=1e-12)
    w_cost = I.objective_weights(X, pd.Series({"y": "cost", "x": "benefit"}), "entropy")
    np.testing.assert_allclose(w_cost, [0.5 / 1.5, 1 / 1.5], rtol=1e-12)
    assert list(w_cost.index) == ["x", "y"]


def test_critic_matches_pymcdm_with_cost_column_negated():
    """Independent implementation: pymcdm.weights.critic_weights (benefit-only min-max); a cost
    column's min-max score equals the benefit score of its negative."""
    rng = np.random.default_rng(3)
    X = pd.DataFrame(rng.normal(size=(30, 4)), columns=list("pqrs"))
    dirs = pd.Series({"p": "benefit", "q": "cost", "r": "benefit", "s": "cost"})
    Xn = X.copy()
    Xn[["q", "s"]] *= -1
    np.testing.assert_allclose(
        I.objective_weights(X, dirs, "critic"), pymcdm_critic(Xn.to_numpy()), rtol=1e-10
    )


def test_objective_weights_validation():
    X = pd.DataFrame({"x": [0.0, 1], "y": [1.0, 0]})
    with pytest.raises(ValueError, match=r"method: 'topsis' is not one of \['entropy', 'critic'\]"):
        I.objective_weights(X, ["benefit", "benefit"], "topsis")
    with pytest.raises(ValueError, match=r"direction: no direction for column\(s\) \['y'\]"):
        I.objective_weights(X, pd.Series({"x": "benefit"}))


# --------------------------------------------------------------------------------------------
# weights_from_components, alpha_sweep
# --------------------------------------------------------------------------------------------
def _components(ahp, ent, cri) -> I.WeightComponents:
    ind = I.indicator_table(_indicators())
    gw = pd.DataFrame({"ahp": ahp, "entropy": ent, "critic": cri}, index=ind.index)
    gw = gw / gw.sum()
    return I.WeightComponents(gw, ind, pd.DataFrame(columns=["expert", "block", "CR"]), 10, None)


def test_combined_is_linear_mix_hand_example():
    """AHP (0.4, 0.1, 0.2, 0.2, 0.1), entropy uniform 0.2: with alpha = 0.5 the combined global
    weights are (0.3, 0.15, 0.2, 0.2, 0.15); criterion a = 0.45, b = 0.55; a's local weights
    0.3 / 0.45 = 2/3 and 1/3."""
    c = _components([0.4, 0.1, 0.2, 0.2, 0.1], [0.2] * 5, [0.2] * 5)
    w = I.weights_from_components(c, "combined", alpha=0.5)
    np.testing.assert_allclose(w.global_weights, [0.3, 0.15, 0.2, 0.2, 0.15], rtol=1e-12)
    np.testing.assert_allclose(w.criteria_weights, [0.45, 0.55], rtol=1e-12)
    np.testing.assert_allclose(w.local_weights["a"], [2 / 3, 1 / 3], rtol=1e-12)
    assert list(w.table.columns) == [
        "criterion",
        "label_en",
        "local_weight",
        "criterion_weight",
        "global_weight",
    ]
    assert w.scheme == "combined" and w.alpha == 0.5 and w.objective == "entropy"
    pure = I.weights_from_components(c, "ahp")
    np.testing.assert_allclose(pure.global_weights, [0.4, 0.1, 0.2, 0.2, 0.1], rtol=1e-12)
    assert pure.alpha is None and pure.objective is None


def test_zero_weight_criterion_gets_zero_local_weights():
    c = _components([0.5, 0.5, 0, 0, 0], [0.2] * 5, [0.2] * 5)
    w = I.weights_from_components(c, "ahp")
    assert w.local_weights["b"].tolist() == [0.0, 0.0, 0.0]


probs = st.lists(st.floats(0.001, 1.0), min_size=5, max_size=5)


@FAST
@given(probs, probs, probs, st.floats(0, 1), st.sampled_from(["entropy", "critic"]))
def test_weights_from_components_properties(a, e, c, alpha, obj):
    comp = _components(a, e, c)
    w = I.weights_from_components(comp, "combined", alpha=alpha, objective=obj)
    t = w.table
    assert t["global_weight"].sum() == pytest.approx(1.0)
    np.testing.assert_allclose(
        t["global_weight"], t["criterion_weight"] * t["local_weight"], atol=1e-12
    )
    for s in w.local_weights.values():
        assert s.sum() == pytest.approx(1.0)
    lo = np.minimum(comp.global_weights["ahp"], comp.global_weights[obj])
    hi = np.maximum(comp.global_weights["ahp"], comp.global_weights[obj])
    g = w.global_weights
    assert np.all(g >= lo - 1e-12) and np.all(g <= hi + 1e-12)


def test_alpha_sweep_endpoints_and_layout():
    c = _components([0.4, 0.1, 0.2, 0.2, 0.1], [0.1, 0.1, 0.3, 0.3, 0.2], [0.2] * 5)
    sw = I.alpha_sweep(c)
    assert list(sw.columns) == ["alpha", "indicator", "criterion", "global_weight"]
    assert sorted(sw["alpha"].unique()) == pytest.approx(np.linspace(0, 1, 11).tolist())
    at = sw.pivot(index="indicator", columns="alpha", values="global_weight")
    np.testing.assert_allclose(at[1.0].loc[c.indicators.index], [0.4, 0.1, 0.2, 0.2, 0.1])
    np.testing.assert_allclose(at[0.0].loc[c.indicators.index], [0.1, 0.1, 0.3, 0.3, 0.2])
    with pytest.raises(ValueError, match=r"alphas: every value must lie in \[0, 1\], got 1.5"):
        I.alpha_sweep(c, [0.5, 1.5])
    with pytest.raises(ValueError, match=r"alphas: is empty"):
        I.alpha_sweep(c, [])


@pytest.mark.parametrize(
    "kwargs, match",
    [
        (
            {"scheme": "topsis"},
            r"scheme: 'topsis' is not one of \['combined', 'ahp', 'entropy', 'critic'\]",
        ),
        ({"objective": "ahp"}, r"objective: 'ahp' is not one of \['entropy', 'critic'\]"),
        ({"alpha": 1.2}, r"alpha: must be a number in \[0, 1\], got 1.2"),
        ({"alpha": "half"}, r"alpha: must be a number in \[0, 1\], got 'half'"),
    ],
)
def test_weights_from_components_validation(kwargs, match):
    c = _components([0.2] * 5, [0.2] * 5, [0.2] * 5)
    with pytest.raises(ValueError, match=match):
        I.weights_from_components(c, **kwargs)


def test_weights_from_components_needs_components():
    with pytest.raises(ValueError, match=r"components: expected the WeightComponents"):
        I.weights_from_components(pd.DataFrame())


# --------------------------------------------------------------------------------------------
# planted_weights, weight_recovery
# --------------------------------------------------------------------------------------------
def test_planted_weights_compose_criterion_and_local():
    """global = criterion x local: A1 = 0.6 x 0.25 = 0.15, B3 = 0.4 x 0.5 = 0.2."""
    truth = {
        "experts": {
            "criteria_weights": {"a": 0.6, "b": 0.4},
            "indicator_local_weights": {
                "a": {"A1": 0.25, "A2": 0.75},
                "b": {"B1": 0.2, "B2": 0.3, "B3": 0.5},
            },
        }
    }
    t = I.planted_weights(truth, _indicators())
    np.testing.assert_allclose(t["global_weight"], [0.15, 0.45, 0.08, 0.12, 0.2], rtol=1e-12)
    with pytest.raises(ValueError, match=r"truth: expected keys experts.criteria_weights"):
        I.planted_weights({"experts": {}}, _indicators())


def test_weight_recovery_hand_example():
    """Errors (0.1, -0.1, 0): MAE = 0.2 / 3; ranks of truth (1,2,3) and estimate (2,1,3) give
    Spearman 1 - 6 * (1 + 1 + 0) / (3 * 8) = 0.5."""
    truth = pd.Series({"x": 0.2, "y": 0.3, "z": 0.5})
    est = pd.Series({"z": 0.5, "x": 0.3, "y": 0.2})
    r = I.weight_recovery(est, truth)
    assert list(r.index) == ["x", "y", "z"]
    np.testing.assert_allclose(r["error"], [0.1, -0.1, 0.0], atol=1e-12)
    assert r.attrs["mae"] == pytest.approx(0.2 / 3)
    assert r.attrs["max_abs_error"] == pytest.approx(0.1)
    assert r.attrs["spearman"] == pytest.approx(0.5)
    with pytest.raises(ValueError, match=r"estimated: labels \['x', 'y'\] do not match truth's"):
        I.weight_recovery(est.drop("z"), truth)
    with pytest.raises(ValueError, match=r"expected two pandas Series"):
        I.weight_recovery([0.5], truth)


# --------------------------------------------------------------------------------------------
# The shipped (SIMULATED) data
# --------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def shipped():
    return I.weight_components("data")


def test_shipped_weights_find_the_planted_inconsistent_expert(shipped):
    """truth.json names the deliberately inconsistent matrix (E07, criteria); it is the only
    one excluded."""
    import utils.study.data as D

    bad = D.load_truth("data")["experts"]["inconsistent"]
    assert shipped.excluded[["expert", "block"]].values.tolist() == [
        [bad["expert_id"], bad["block"]]
    ]
    cons = I.expert_consistency("data")
    assert (~cons["consistent"]).sum() == 1
    assert set(cons["block"]) == {"criteria", "gs", "in", "ss", "ed", "lc"}


def test_shipped_weights_layout_and_recovery(shipped):
    import utils.study.data as D

    ind = D.load_indicators("data")
    ids = ind.loc[ind["level"] == "indicator", "id"].tolist()
    assert list(shipped.global_weights.index) == ids
    np.testing.assert_allclose(shipped.global_weights.sum(), 1.0)
    for scheme in I.SCHEMES:
        w = I.weights_from_components(shipped, scheme)
        assert list(w.table.index) == ids
        assert w.global_weights.sum() == pytest.approx(1.0)
        assert w.criteria_weights.sum() == pytest.approx(1.0)
    # recovery: planted noise is sigma 0.2 (views) and 0.25 (judgments) over ten experts, so the
    # group AHP should be close to the planted weights (a design tolerance, not a fitted value)
    truth = I.planted_weights(D.load_truth("data"), ind)["global_weight"]
    rec = I.weight_recovery(shipped.global_weights["ahp"], truth)
    assert rec.attrs["max_abs_error"] < 0.02
    assert rec.attrs["spearman"] > 0.8


def test_indicator_weights_public_call_and_validation():
    w = I.indicator_weights("data", scheme="combined")
    assert isinstance(w, I.IndicatorWeights) and w.alpha == 0.5 and w.year is None
    assert I.criteria_weights("data", scheme="ahp").index.tolist() == ["gs", "in", "ss", "ed", "lc"]
    with pytest.raises(ValueError, match=r"scheme: '\w+' is not one of"):
        I.indicator_weights("data", scheme="equal")
    with pytest.raises(ValueError, match=r"cr_threshold: must be a number in \(0, 1\], got 2"):
        I.indicator_weights("data", cr_threshold=2)
    with pytest.raises(ValueError, match=r"year: must be one of the panel years"):
        I.indicator_weights("data", year=2015)


# --------------------------------------------------------------------------------------------
# Chapter tables
# --------------------------------------------------------------------------------------------
def _codebook() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "file": ["survey/households.csv"] * 3 + ["townships/panel.csv"] * 2,
            "column": ["q1", "q2", "q3", "stat1", "stat2"],
            "label_en": ["Question one", "Question two", "Question three", "Stat one", "Stat two"],
            "unit": ["", "", "", "persons", "percent"],
        }
    )


def test_indicator_system_table_maps_sources():
    t = I.indicator_system_table(_indicators(), _codebook())
    assert list(t.index) == ["A1", "A2", "B1", "B2", "B3"]
    assert t.loc["A1", "criterion"] == "crit a"
    assert t.loc["A1", "measure"] == "Question one" and t.loc["A1", "unit"] == "Likert 1-5"
    assert t.loc["B2", "measure"] == "Stat two" and t.loc["B2", "unit"] == "percent"
    assert t.loc["B2", "direction"] == "cost"
    with pytest.raises(ValueError, match=r"codebook: no row for 'stat2' in 'townships/panel.csv'"):
        I.indicator_system_table(_indicators(), _codebook().iloc[:4])
    with pytest.raises(ValueError, match=r"codebook: expected the codebook DataFrame"):
        I.indicator_system_table(_indicators(), _codebook().drop(columns="unit"))


def test_weight_difference_hand_example():
    base = pd.Series({"a": 0.6, "b": 0.4})
    other = pd.Series({"b": 0.5, "a": 0.5})
    d = I.weight_difference(base, other, "before", "after")
    np.testing.assert_allclose(d["difference"], [-0.1, 0.1])
    assert list(d.columns) == ["before", "after", "difference", "abs_difference"]
    with pytest.raises(ValueError, match=r"other: labels \['a'\] do not match base's"):
        I.weight_difference(base, other.drop("b"))
    with pytest.raises(ValueError, match=r"other_name: must differ from base_name"):
        I.weight_difference(base, other, "x", "x")
    with pytest.raises(ValueError, match=r"base/other: expected two pandas Series"):
        I.weight_difference([1], other)


def test_criteria_by_alpha_sums_indicators():
    """Criterion weight = sum of its indicators' weights: at alpha = 1 with AHP
    (0.4, 0.1 | 0.2, 0.2, 0.1) criterion a = 0.5, b = 0.5."""
    c = _components([0.4, 0.1, 0.2, 0.2, 0.1], [0.1, 0.1, 0.3, 0.3, 0.2], [0.2] * 5)
    wide = I.criteria_by_alpha(I.alpha_sweep(c, [0.0, 1.0]))
    assert list(wide.columns) == ["a", "b"]
    np.testing.assert_allclose(wide.loc[1.0], [0.5, 0.5])
    np.testing.assert_allclose(wide.loc[0.0], [0.2, 0.8])
    with pytest.raises(ValueError, match=r"sweep: expected the alpha_sweep\(\) DataFrame"):
        I.criteria_by_alpha(pd.DataFrame({"alpha": [0.0]}))


# --------------------------------------------------------------------------------------------
# Chapter summaries: consistency_overview, exclusion_effect, scheme_comparison,
# alpha_sensitivity, recovery_comparison
# --------------------------------------------------------------------------------------------
def _judgments(mats: dict, roles: dict) -> pd.DataFrame:
    """Long judgments (as data/experts/judgments.csv) from {(expert, block): matrix}."""
    rows = [
        (e, roles[e], b, r, c, float(m.loc[r, c]))
        for (e, b), m in mats.items()
        for r in m.index
        for c in m.columns
    ]
    return pd.DataFrame(rows, columns=["expert_id", "role", "block", "row", "col", "value"])


def test_consistency_overview_hand_example():
    """E1's matrices are consistent (a_ij = w_i / w_j, CR = 0, Saaty 1980); E9's block b is
    the intransitive cycle of strength 5: CR = 1.6 / 0.58 (see the closed form above)."""
    mats = _panel_matrices({"E1": VIEWS["E1"], "E9": VIEWS["E2"]})
    mats[("E9", "b")] = _cycle(5, BLOCKS["b"])
    ov = I.consistency_overview(
        _judgments(mats, {"E1": "county_official", "E9": "village_cadre"}), _indicators()
    )
    assert list(ov.cr_wide.columns) == ["criteria", "a", "b"]
    assert list(ov.cr_wide.index) == ["E1", "E9"]
    assert ov.cr_wide.loc["E9", "b"] == pytest.approx(1.6 / 0.58)
    assert ov.cr_wide.drop(index="E9", columns="b").to_numpy() == pytest.approx(0.0, abs=1e-9)
    assert (ov.n_experts, len(ov.table)) == (2, 6)
    assert ov.median_cr == pytest.approx(0.0, abs=1e-9)
    assert ov.inconsistent[["expert", "block"]].values.tolist() == [["E9", "b"]]
    assert ov.inconsistent_list == "E9 (village cadre, b block, CR 2.76)"
    assert ov.display["role"].tolist() == ["county_official", "village_cadre"]
    consistent = {k: v for k, v in mats.items() if k != ("E9", "b")}
    ok = I.consistency_overview(_judgments(consistent, {"E1": "x", "E9": "y"}), _indicators())
    assert ok.inconsistent_list == "none"


def test_consistency_overview_validation():
    mats = _panel_matrices({"E1": VIEWS["E1"]})
    with pytest.raises(ValueError, match=r"judgments: expected the expert judgments with columns"):
        I.consistency_overview(_judgments(mats, {"E1": "x"}).drop(columns="role"), _indicators())
    with pytest.raises(ValueError, match=r"cr_threshold: must be a number in \(0, 1\]"):
        I.consistency_overview(_judgments(mats, {"E1": "x"}), _indicators(), cr_threshold=0)


def test_exclusion_effect_on_shipped_data():
    """truth.json plants one inconsistent matrix (E07, criteria block): only the version with
    exclusions leaves it out; both criteria weight vectors sum to one, so the differences sum to
    zero, and the largest shift is that of the criterion named by top_shift."""
    ex = I.exclusion_effect("data")
    assert len(ex.excluded.excluded) == 1 and len(ex.all_matrices.excluded) == 0
    e = ex.effect
    assert list(e.columns) == [
        "all matrices",
        "inconsistent excluded",
        "difference",
        "abs_difference",
    ]
    assert e["all matrices"].sum() == pytest.approx(1.0)
    assert e["inconsistent excluded"].sum() == pytest.approx(1.0)
    assert e["difference"].sum() == pytest.approx(0.0, abs=1e-12)
    assert ex.max_shift == e.loc[ex.top_shift, "abs_difference"] > 0
    with pytest.raises(ValueError, match=r"cr_threshold: must be a number in \(0, 1\], got 2"):
        I.exclusion_effect("data", cr_threshold=2)


def test_scheme_comparison_hand_example():
    """Entropy (0.1, 0.1, 0.3, 0.3, 0.2) has ranks (1.5, 1.5, 4.5, 4.5, 3), CRITIC
    (1, 2, 3, 4, 5)/15 ranks 1..5: Spearman = 6 / sqrt(9 * 10) (hand), as scipy.stats.spearmanr.
    Combined at alpha 0.5 with AHP (0.4, 0.1, 0.2, 0.2, 0.1): (0.25, 0.1, 0.25, 0.25, 0.15)."""
    from scipy import stats

    ent = [0.1, 0.1, 0.3, 0.3, 0.2]
    c = _components([0.4, 0.1, 0.2, 0.2, 0.1], ent, [1, 2, 3, 4, 5])
    sc = I.scheme_comparison(c, alpha=0.5, objective="entropy")
    assert list(sc.table.columns) == ["AHP", "Entropy", "CRITIC", "Combined (alpha 0.5, entropy)"]
    np.testing.assert_allclose(
        sc.table["Combined (alpha 0.5, entropy)"], [0.25, 0.1, 0.25, 0.25, 0.15], rtol=1e-12
    )
    assert sc.top_entropy == "B1"  # first of the tie B1 = B2 = 0.3
    assert sc.entropy_critic_rho == pytest.approx(6 / np.sqrt(90))
    assert sc.entropy_critic_rho == pytest.approx(stats.spearmanr(ent, [1, 2, 3, 4, 5]).statistic)
    with pytest.raises(ValueError, match=r"alpha: must be a number in \[0, 1\]"):
        I.scheme_comparison(c, alpha=2)


def test_alpha_sensitivity_hand_example():
    """AHP (0.4, 0.1 | 0.2, 0.2, 0.1): criteria a = b = 0.5; entropy (0.1, 0.1 | 0.3, 0.3, 0.2):
    a = 0.2, b = 0.8. W is linear in alpha, so both spans are 0.3; b leads at alpha 0 and the
    order changes (a tie at alpha 1, where idxmax gives the first, a)."""
    c = _components([0.4, 0.1, 0.2, 0.2, 0.1], [0.1, 0.1, 0.3, 0.3, 0.2], [0.2] * 5)
    s = I.alpha_sensitivity(c)
    np.testing.assert_allclose(s.span.to_numpy(), [0.3, 0.3], rtol=1e-9)
    assert s.rank_changes and (s.top_first, s.top_last) == ("b", "a")
    np.testing.assert_allclose(s.by_alpha.loc[0.0], [0.2, 0.8])
    same = I.alpha_sensitivity(
        _components([0.4, 0.1, 0.2, 0.2, 0.1], [0.4, 0.1, 0.2, 0.2, 0.1], [0.2] * 5), [0.0, 1.0]
    )
    assert not same.rank_changes and same.top_first == same.top_last
    np.testing.assert_allclose(same.span.to_numpy(), [0.0, 0.0], atol=1e-12)
    with pytest.raises(ValueError, match=r"alphas: every value must lie in \[0, 1\], got 1.5"):
        I.alpha_sensitivity(c, [0.0, 1.5])


def test_recovery_comparison_hand_example():
    """AHP (0.4, 0.1, 0.2, 0.2, 0.1) against planted (0.3, 0.1, 0.2, 0.2, 0.2): errors
    (0.1, 0, 0, 0, -0.1), MAE 0.2 / 5 = 0.04, largest 0.1; the final weights equal the planted
    ones (MAE 0). Without planted weights only the AHP column is tabled."""
    c = _components([0.4, 0.1, 0.2, 0.2, 0.1], [0.2] * 5, [0.2] * 5)
    planted = pd.Series([0.3, 0.1, 0.2, 0.2, 0.2], index=c.global_weights.index)
    rec = I.recovery_comparison(c, planted.copy(), planted, final_name="Final (x)")
    assert rec.available
    assert list(rec.table.columns) == ["Planted", "AHP estimate", "Final (x)"]
    assert rec.ahp.attrs["mae"] == pytest.approx(0.04)
    assert rec.ahp.attrs["max_abs_error"] == pytest.approx(0.1)
    assert rec.final.attrs["mae"] == 0.0
    none = I.recovery_comparison(c, planted)
    assert not none.available and list(none.table.columns) == ["AHP estimate"]
    with pytest.raises(ValueError, match="final: expected a pandas Series"):
        I.recovery_comparison(c, [0.2] * 5)
    with pytest.raises(ValueError, match="planted: expected a pandas Series"):
        I.recovery_comparison(c, planted, [0.2] * 5)
    with pytest.raises(ValueError, match="estimated: labels .* do not match truth's"):
        I.recovery_comparison(c, planted, planted.iloc[:4])
