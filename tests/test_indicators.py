"""Tests for utils.study.indicators (chapter 2 weights; used by chapter 4).

Expected values are closed forms derived by hand (stated per test) or properties; the
underlying AHP/entropy/CRITIC functions have their published examples in tests/test_weights.py.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from utils.methods import weights
from utils.study import data
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
    assert excluded.empty
    assert list(excluded.columns) == ["expert", "block", "consistency_ratio"]
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
    assert excluded["consistency_ratio"].item() == pytest.approx(1.6 / 0.58)
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
    with pytest.raises(
        ValueError, match=r"block 'b': .*every matrix has a consistency ratio >= 0.1"
    ):
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
# small survey and panel shared by the matrix and weight tests
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


# --------------------------------------------------------------------------------------------
# survey_matrix, township_matrix: each source on its own units (weights.blockwise_weights)
# --------------------------------------------------------------------------------------------
def test_survey_and_township_matrices_by_hand():
    """Hand-derived: survey block = households that answered every survey item (H4 lacks q1);
    township block = every panel township once (T3 is not surveyed but is a township), its
    statistic the mean over the years: T1 stat1 (10 + 20) / 2 = 15, T2 40, T3 0."""
    sx = I.survey_matrix(_survey(), _indicators())
    assert list(sx.columns) == ["A1", "B1", "B3"] and list(sx.index) == ["H1", "H2", "H3"]
    assert len(I.survey_matrix(_survey(), _indicators(), dropna=False)) == 4
    tx = I.township_matrix(_panel(), _indicators())
    assert list(tx.columns) == ["A2", "B2"] and list(tx.index) == ["T1", "T2", "T3"]
    assert tx["A2"].tolist() == [15.0, 40.0, 0.0] and tx["B2"].tolist() == [0.5, 1.5, 9.0]
    assert I.township_matrix(_panel(), _indicators(), year=2020)["A2"].tolist() == [20, 50, 0]
    with pytest.raises(ValueError, match=r"year: must be one of the panel years"):
        I.township_matrix(_panel(), _indicators(), year=2018)
    with pytest.raises(ValueError, match=r"panel: column 'stat2' \(source of indicator 'B2'\)"):
        I.township_matrix(_panel().drop(columns="stat2"), _indicators())
    with pytest.raises(ValueError, match=r"survey: column 'q2' \(source of indicator 'B1'\)"):
        I.survey_matrix(_survey().drop(columns="q2"), _indicators())
    with pytest.raises(ValueError, match=r"no household answered every survey indicator item"):
        I.survey_matrix(_survey().assign(q1=np.nan), _indicators())


def test_matrices_check_their_inputs_with_the_same_rules():
    """survey_matrix and township_matrix share one check: the frame, its key columns, at
    least one indicator of the source, known sources; each message names the argument."""
    with pytest.raises(ValueError, match=r"^survey: expected a DataFrame$"):
        I.survey_matrix(_survey().to_numpy(), _indicators())
    with pytest.raises(ValueError, match=r"^panel: expected a DataFrame$"):
        I.township_matrix(None, _indicators())
    with pytest.raises(ValueError, match=r"^survey: missing column\(s\) \['household_id'\]$"):
        I.survey_matrix(_survey().drop(columns="household_id"), _indicators())
    with pytest.raises(ValueError, match=r"^panel: missing column\(s\) \['year'\]$"):
        I.township_matrix(_panel().drop(columns="year"), _indicators())
    ind = _indicators()
    only_survey = ind.assign(source=ind["source"].replace("township", "survey"))
    with pytest.raises(ValueError, match=r"^indicators: no indicator has source 'township'$"):
        I.township_matrix(_panel(), only_survey)
    bad = ind.assign(source=ind["source"].replace("township", "census"))
    with pytest.raises(ValueError, match=r"has source 'census'; must be 'survey' or 'township'"):
        I.survey_matrix(_survey(), bad)


@settings(max_examples=25, deadline=None)
@given(st.integers(min_value=1, max_value=6))
def test_township_weights_do_not_depend_on_households_per_township(copies):
    """The defect of the household layout: repeating one township's households changed the
    township indicators' weights. On township rows, the number of surveyed households of a
    township cannot matter."""
    s = _survey()
    more = pd.concat(
        [s] + [s[s.township == "T1"].assign(household_id=f"X{k}") for k in range(copies)]
    )
    more["household_id"] = [f"H{k}" for k in range(len(more))]
    tx = I.township_matrix(_panel(), _indicators())
    directions = I.indicator_table(_indicators())["direction"]
    base = weights.blockwise_weights([I.survey_matrix(s, _indicators()), tx], directions)
    grown = weights.blockwise_weights([I.survey_matrix(more, _indicators()), tx], directions)
    np.testing.assert_allclose(base[["A2", "B2"]], grown[["A2", "B2"]])


# --------------------------------------------------------------------------------------------
# weights_table
# --------------------------------------------------------------------------------------------
def _table(global_weights) -> pd.DataFrame:
    ind = I.indicator_table(_indicators())
    return I.weights_table(pd.Series(global_weights, index=ind.index, dtype=float), ind)


def test_weights_table_hand_example():
    """Global (0.3, 0.15, 0.2, 0.2, 0.15) (the alpha = 0.5 mix of AHP (0.4, 0.1, 0.2, 0.2, 0.1)
    and uniform entropy weights): criterion a = 0.45, b = 0.55; a's local weights
    0.3 / 0.45 = 2/3 and 1/3."""
    t = _table([0.3, 0.15, 0.2, 0.2, 0.15])
    assert list(t.columns) == [
        "criterion",
        "label_en",
        "local_weight",
        "criterion_weight",
        "global_weight",
    ]
    np.testing.assert_allclose(t["criterion_weight"], [0.45, 0.45, 0.55, 0.55, 0.55])
    np.testing.assert_allclose(t.loc[["A1", "A2"], "local_weight"], [2 / 3, 1 / 3])
    assert t.loc["A1", "label_en"] == "a one"


def test_weights_table_rescales_and_zero_criterion_gets_zero_local_weights():
    t = _table([1.0, 1.0, 0, 0, 0])
    np.testing.assert_allclose(t["global_weight"], [0.5, 0.5, 0, 0, 0])
    assert t.loc[["B1", "B2", "B3"], "local_weight"].tolist() == [0.0, 0.0, 0.0]


probs = st.lists(st.floats(0.001, 1.0), min_size=5, max_size=5)


@FAST
@given(probs)
def test_weights_table_properties(g):
    t = _table(g)
    assert t["global_weight"].sum() == pytest.approx(1.0)
    np.testing.assert_allclose(
        t["global_weight"], t["criterion_weight"] * t["local_weight"], atol=1e-12
    )
    assert t.groupby("criterion")["local_weight"].sum().to_numpy() == pytest.approx([1.0, 1.0])


# --------------------------------------------------------------------------------------------
# planted_weights
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
    # the current layout (true_weights) gives the same table
    current = {
        "true_weights": {
            "expert_criteria": truth["experts"]["criteria_weights"],
            "indicator_local": truth["experts"]["indicator_local_weights"],
        }
    }
    pd.testing.assert_frame_equal(I.planted_weights(current, _indicators()), t)
    with pytest.raises(ValueError, match=r"truth: expected keys true_weights.expert_criteria"):
        I.planted_weights({"experts": {}}, _indicators())
    with pytest.raises(ValueError, match=r"truth: no planted weight for criteria \['b'\]"):
        I.planted_weights(
            {"true_weights": {"expert_criteria": {"a": 1}, "indicator_local": {"a": {}}}},
            _indicators(),
        )
    short = {"a": {"A1": 1.0}, "b": truth["experts"]["indicator_local_weights"]["b"]}
    with pytest.raises(ValueError, match=r"no planted local weight for indicators \['A2'\]"):
        I.planted_weights(
            {"true_weights": {"expert_criteria": {"a": 0.5, "b": 0.5}, "indicator_local": short}},
            _indicators(),
        )


def test_planted_weights_of_the_shipped_truth_are_the_true_weights():
    """The shipped truth.json's true_weights, composed by hand: GS1 = 0.27 x 0.30 = 0.081."""
    truth = data.load_truth("data")
    t = I.planted_weights(truth, data.load_indicators("data"))
    tw = truth["true_weights"]
    c, local = tw["expert_criteria"]["gs"], tw["indicator_local"]["gs"]["GS1"]
    assert t.loc["GS1", "global_weight"] == pytest.approx(c * local)
    assert t["global_weight"].sum() == pytest.approx(1.0)


# --------------------------------------------------------------------------------------------
# Matched measures
# --------------------------------------------------------------------------------------------
def test_matched_columns_equal_the_simulators_matched_measures():
    """The book's design list and the simulator's truth.json name the same columns, and every
    one exists in the codebook."""
    truth = data.load_truth("data")["matched_measures"]
    codebook = data.load_codebook("data/codebook.csv")
    for crit, cols in I.MATCHED_COLUMNS.items():
        assert set(cols) == set(truth[crit]["panel"]) | set(truth[crit]["survey"]), crit
        assert set(cols) <= set(codebook["column"]), crit
    assert set(I.THESIS_PROBLEMS) == {"gs", "in", "ss", "ed"}


def test_shipped_system_has_a_matched_indicator_for_every_thesis_problem():
    t = I.indicator_system_table(
        data.load_indicators("data"), data.load_codebook("data/codebook.csv")
    )
    crit_id = data.load_indicators("data").set_index("id")["criterion"]
    matched = t[t["matches_problem"]]
    assert set(crit_id[matched.index]) == set(I.THESIS_PROBLEMS)
    assert (t.loc[crit_id[t.index] == "lc", "problem"] == "").all()


# --------------------------------------------------------------------------------------------
# The shipped (SIMULATED) data
# --------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def shipped():
    return I.indicator_weights("data", scheme="combined")


def test_shipped_weights_find_the_planted_inconsistent_expert(shipped):
    """truth.json names the deliberately inconsistent matrix (E07, criteria); it is the only
    matrix whose consistency ratio fails Saaty's threshold, and the only one excluded."""
    bad = data.load_truth("data")["experts"]["inconsistent"]
    assert shipped.excluded[["expert", "block"]].values.tolist() == [
        [bad["expert_id"], bad["block"]]
    ]
    assert list(shipped.excluded.columns) == ["expert", "block", "consistency_ratio"]
    matrices = data.expert_matrices(data.load_expert_judgments("data"))
    failing = [key for key, m in matrices.items() if not weights.ahp(m).consistent]
    assert failing == [(bad["expert_id"], bad["block"])]
    assert {b for _, b in matrices} == {"criteria", "gs", "in", "ss", "ed", "lc"}


def test_shipped_weights_layout_combination_and_recovery(shipped):
    ind = data.load_indicators("data")
    ids = ind.loc[ind["level"] == "indicator", "id"].tolist()
    comp = shipped.components
    assert list(comp.index) == ids and list(comp.columns) == ["ahp", "entropy", "critic"]
    np.testing.assert_allclose(comp.sum(), 1.0)
    # combined = 0.5 AHP + 0.5 entropy (Ma et al. 1999, linear); global = criterion x local
    np.testing.assert_allclose(shipped.global_weights, 0.5 * comp["ahp"] + 0.5 * comp["entropy"])
    t = shipped.table
    np.testing.assert_allclose(t["global_weight"], t["criterion_weight"] * t["local_weight"])
    for scheme in ["ahp", "critic"]:
        w = I.indicator_weights("data", scheme=scheme)
        assert list(w.table.index) == ids and w.alpha is None and w.objective is None
        np.testing.assert_allclose(w.global_weights, comp[scheme])
        assert w.criteria_weights.sum() == pytest.approx(1.0)
    # recovery: planted noise is sigma 0.2 (views) and 0.25 (judgments) over ten experts, so the
    # group AHP should be close to the planted weights (a design tolerance, not a fitted value)
    truth = I.planted_weights(data.load_truth("data"), ind)["global_weight"]
    assert (comp["ahp"] - truth).abs().max() < 0.02
    assert comp["ahp"].corr(truth, method="spearman") > 0.8


def test_indicator_weights_public_call_and_validation(shipped):
    assert isinstance(shipped, I.IndicatorWeights) and shipped.alpha == 0.5
    assert shipped.year is None and shipped.objective == "entropy"
    assert shipped.criteria_weights.index.tolist() == ["gs", "in", "ss", "ed", "lc"]
    with pytest.raises(ValueError, match=r"scheme: '\w+' is not one of"):
        I.indicator_weights("data", scheme="equal")
    with pytest.raises(
        ValueError, match=r"consistency_threshold: must be a number in \(0, 1\], got 2"
    ):
        I.indicator_weights("data", consistency_threshold=2)
    with pytest.raises(ValueError, match=r"alpha: must be a number in \[0, 1\], got 1.2"):
        I.indicator_weights("data", alpha=1.2)
    with pytest.raises(ValueError, match=r"objective: 'ahp' is not one of"):
        I.indicator_weights("data", objective="ahp")
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
    assert (t["problem"] == "").all() and not t["matches_problem"].any()  # no thesis criterion
    with pytest.raises(ValueError, match=r"codebook: no row for 'stat2' in 'townships/panel.csv'"):
        I.indicator_system_table(_indicators(), _codebook().iloc[:4])
    with pytest.raises(ValueError, match=r"codebook: expected the codebook DataFrame"):
        I.indicator_system_table(_indicators(), _codebook().drop(columns="unit"))
