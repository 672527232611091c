"""Tests of utils.study.relative_poverty (chapter 5: relative poverty after 2020).

Published examples: the global MPI's nested weights (Alkire & Santos 2014), the Alkire-Foster
(2011) four-person example, and the national poverty lines 2016 / 2020 (NBS; SCIO 2021) as
documented in the shipped codebook. Other expected values are derived by hand in the docstrings.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from utils.methods import poverty
from utils.study import relative_poverty as rp
from utils.study.data import load_codebook

SET = settings(max_examples=50, deadline=None)


def _af_paper_example() -> pd.DataFrame:
    """Alkire & Foster (2011, J. Public Econ. 95(7-8), section 2): y = [[13.1, 14, 4, 1],
    [15.2, 7, 5, 0], [12.5, 10, 1, 0], [20, 11, 3, 1]], z = (13, 12, 3, 1) give this
    deprivation matrix g0; deprivation counts c = (0, 2, 4, 1)."""
    g = [[0, 0, 0, 0], [0, 1, 0, 1], [1, 1, 1, 1], [0, 1, 0, 0]]
    return pd.DataFrame(g, index=["p1", "p2", "p3", "p4"], columns=["i1", "i2", "i3", "i4"])


# ============================================================================ lines
def test_absolute_lines_shipped_codebook_gives_published_lines(repo):
    """National rural poverty line at current prices: 2,952 yuan in 2016 (NBS) and about 4,000
    yuan in 2020 (SCIO white paper, 2021); 2017-2019 are the documented interpolation."""
    lines = rp.absolute_lines(load_codebook(repo / "data"))
    assert lines[2016] == 2952
    assert lines[2020] == 4000
    assert list(lines.index) == [2016, 2017, 2018, 2019, 2020]
    assert lines.is_monotonic_increasing


def test_absolute_lines_reads_descriptions():
    cb = pd.DataFrame(
        {
            "column": ["income_2019", "income_2018", "age"],
            "description": ["Poverty line 2019: 3,707 yuan.", "Poverty line 2018: 3436 yuan", ""],
        }
    )
    lines = rp.absolute_lines(cb)
    assert lines.to_dict() == {2018: 3436.0, 2019: 3707.0}
    assert lines.index.name == "year" and lines.name == "line_yuan"


@pytest.mark.parametrize(
    ("cb", "match"),
    [
        ([1, 2], "codebook: expected a pandas DataFrame, got list"),
        (pd.DataFrame({"column": ["x"]}), r"codebook: missing column\(s\) \['description'\]"),
        (
            pd.DataFrame({"column": ["income_2016"], "description": ["no line here"]}),
            "codebook: no income column documents its poverty line",
        ),
        (
            pd.DataFrame({"column": ["income_2016"], "description": ["Poverty line 2017: 1 yuan"]}),
            "codebook: column 'income_2016' documents the poverty line of 2017",
        ),
    ],
)
def test_absolute_lines_validation(cb, match):
    with pytest.raises(ValueError, match=match):
        rp.absolute_lines(cb)


def test_income_columns():
    df = pd.DataFrame(columns=["income_2020", "age", "income_2016", "income_total"])
    assert rp.income_columns(df) == {2016: "income_2016", 2020: "income_2020"}
    with pytest.raises(ValueError, match="survey: no income columns named 'income_YYYY'"):
        rp.income_columns(pd.DataFrame(columns=["age"]))
    with pytest.raises(ValueError, match="survey: expected a pandas DataFrame, got dict"):
        rp.income_columns({})


def test_relative_poverty_table_by_hand():
    """Incomes 100..600 (step 100): median 350. 50 %: z = 175, only 100 is poor:
    P0 = 1/6, P1 = (75/175)/6, P2 = (75/175)^2/6. 60 %: z = 210, 100 and 200 poor:
    P0 = 2/6, P1 = (110 + 10)/210/6. Derived by hand from FGT (1984, eq. 1)."""
    y = [100, 200, 300, 400, 500, 600]
    t = rp.relative_poverty_table(y, shares=(0.5, 0.6))
    assert list(t.index) == [0.5, 0.6]
    assert list(t.columns) == ["line_yuan", "P0", "P1", "P2", "n_poor"]
    np.testing.assert_allclose(t["line_yuan"], [175, 210])
    np.testing.assert_allclose(t["P0"], [1 / 6, 2 / 6])
    np.testing.assert_allclose(t["P1"], [75 / 175 / 6, 120 / 210 / 6])
    np.testing.assert_allclose(t.at[0.5, "P2"], (75 / 175) ** 2 / 6)
    assert list(t["n_poor"]) == [1, 2]


def test_relative_lines_by_year():
    inc = pd.DataFrame({2016: [1.0, 2.0, 3.0], 2020: [2.0, 4.0, 10.0]})
    lines = rp.relative_lines_by_year(inc, 0.5)
    assert lines.to_dict() == {2016: 1.0, 2020: 2.0}
    with pytest.raises(ValueError, match="share: must be positive"):
        rp.relative_lines_by_year(inc, -1.0)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"shares": "0.5"}, "shares: expected a sequence of numbers"),
        ({"shares": []}, "shares: is empty"),
        ({"shares": [0.5, -0.1]}, "shares: each share must be a positive finite number, got -0.1"),
        ({"shares": [0.5, 0.5]}, r"shares: contains duplicates: \[0.5, 0.5\]"),
        ({"statistic": "mode"}, "statistic: must be 'median' or 'mean'"),
    ],
)
def test_relative_poverty_table_validation(kwargs, match):
    with pytest.raises(ValueError, match=match):
        rp.relative_poverty_table([1.0, 2.0, 3.0], **kwargs)


@SET
@given(arrays(np.float64, st.integers(2, 40), elements=st.floats(1, 1e5)))
def test_relative_poverty_table_properties(y):
    t = rp.relative_poverty_table(y, shares=(0.4, 0.5, 0.6))
    assert t["P0"].is_monotonic_increasing
    assert t["n_poor"].is_monotonic_increasing
    assert (t["P0"] >= t["P1"] - 1e-12).all() and (t["P1"] >= t["P2"] - 1e-12).all()
    assert ((t["P2"] >= 0) & (t["P0"] <= 1)).all()


# ============================================================================ Alkire-Foster
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
    w = rp.nested_weights(dims)
    assert list(w.index) == list(dims)
    np.testing.assert_allclose(w.iloc[:4], 1 / 6)
    np.testing.assert_allclose(w.iloc[4:], 1 / 18)
    assert w.name == "weight"


def test_deprivation_dimensions_from_codebook(repo):
    cb = load_codebook(repo / "data")
    dims = rp.deprivation_dimensions(cb)
    assert all(c.startswith("dep_") for c in dims.index)
    assert set(dims) == {"education", "health", "living_standards", "employment"}
    tiny = pd.DataFrame(
        {
            "file": ["survey/households.csv"] * 3 + ["other.csv"],
            "column": ["a", "b", "c", "d"],
            "group": ["deprivation:x", "likert", "deprivation:y", "deprivation:z"],
        }
    )
    assert rp.deprivation_dimensions(tiny).to_dict() == {"a": "x", "c": "y"}


@pytest.mark.parametrize(
    ("cb", "match"),
    [
        ("x", "codebook: expected a pandas DataFrame, got str"),
        (pd.DataFrame({"file": [], "column": []}), r"codebook: missing column\(s\) \['group'\]"),
        (
            pd.DataFrame({"file": ["survey/households.csv"], "column": ["a"], "group": ["likert"]}),
            "codebook: no rows of 'survey/households.csv' have a group 'deprivation:<dimension>'",
        ),
    ],
)
def test_deprivation_dimensions_validation(cb, match):
    with pytest.raises(ValueError, match=match):
        rp.deprivation_dimensions(cb)


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
        rp.nested_weights(dims)


@SET
@given(st.lists(st.sampled_from(["d1", "d2", "d3", "d4"]), min_size=1, max_size=15))
def test_nested_weights_properties(assignment):
    dims = pd.Series(assignment, index=[f"i{j}" for j in range(len(assignment))])
    w = rp.nested_weights(dims)
    assert w.sum() == pytest.approx(1.0)
    per_dim = w.groupby(dims).sum()
    np.testing.assert_allclose(per_dim, 1 / dims.nunique())
    assert (w.groupby(dims).nunique() == 1).all()


def test_af_dimension_contributions_paper_example():
    """AF (2011) example, k = 2 of 4 equally weighted: indicator contributions (1/6, 1/3, 1/6,
    1/3) (poor p2, p3; censored headcounts 1/4, 1/2, 1/4, 1/2; M0 = 3/8). Grouping i1 alone
    and i2-i4 together gives 1/6 and 5/6 (by hand)."""
    res = poverty.alkire_foster(_af_paper_example(), [0.25] * 4, 0.5)
    c = rp.af_dimension_contributions(
        res.contributions, {"i1": "A", "i2": "B", "i3": "B", "i4": "B"}
    )
    assert list(c.index) == ["A", "B"]
    np.testing.assert_allclose(c, [1 / 6, 5 / 6])


def test_af_group_dimension_table_paper_example():
    """AF (2011) example split {p1, p2} / {p3, p4}, k = 1/2: group 1 only p2 poor (i2, i4):
    M0 = 1/4, A = 1/2, dimension A (i1) 0, B 1; group 2 only p3 poor (all four): M0 = 1/2,
    A = 1, A 1/4, B 3/4; group contributions 1/3 and 2/3. By hand."""
    tab = rp.af_group_dimension_table(
        _af_paper_example(),
        [0.25] * 4,
        0.5,
        ["g1", "g1", "g2", "g2"],
        {"i1": "A", "i2": "B", "i3": "B", "i4": "B"},
    )
    assert list(tab.columns) == ["n", "H", "A", "M0", "contribution", "A share", "B share"]
    np.testing.assert_allclose(tab["M0"], [0.25, 0.5])
    np.testing.assert_allclose(tab["contribution"], [1 / 3, 2 / 3])
    np.testing.assert_allclose(tab.iloc[:, 5:].to_numpy(), [[0, 1], [0.25, 0.75]])


def test_af_dimension_contributions_validation():
    s = pd.Series([0.5, 0.5], index=["a", "b"])
    with pytest.raises(ValueError, match="contributions: expected a pandas Series, got list"):
        rp.af_dimension_contributions([0.5, 0.5], {"a": "x"})
    with pytest.raises(ValueError, match=r"dimension_of: indicators \['b'\] of contributions"):
        rp.af_dimension_contributions(s, {"a": "x"})


@SET
@given(
    arrays(np.int64, st.tuples(st.integers(1, 25), st.integers(2, 6)), elements=st.integers(0, 1)),
    st.floats(0.05, 1.0),
)
def test_af_contributions_sum_to_one(g, k):
    d = pd.DataFrame(g, columns=[f"i{j}" for j in range(g.shape[1])])
    dims = {c: ("x" if j % 2 else "y") for j, c in enumerate(d.columns)}
    w = rp.nested_weights(dims)
    res = poverty.alkire_foster(d, w, k)
    c = rp.af_dimension_contributions(res.contributions, dims)
    if res.M0 > 0:
        assert c.sum() == pytest.approx(1.0)
        assert (c >= -1e-12).all()
    else:
        assert c.isna().all()


# ============================================================================ dynamics
def test_poverty_status_strict():
    """Poor means strictly below the line (FGT 1984): an income at the line is not poor."""
    inc = pd.DataFrame({2016: [100.0, 200.0], 2020: [300.0, 150.0]}, index=["h1", "h2"])
    st_ = rp.poverty_status(inc, {2016: 200, 2020: 300})
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
        rp.poverty_status(inc, lines)


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
    res = rp.poverty_dynamics(status)
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
    assert list(res.summary.index) == list(rp.TRAJECTORIES)


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
        rp.poverty_dynamics(status)


@SET
@given(
    arrays(np.int64, st.tuples(st.integers(1, 30), st.integers(2, 6)), elements=st.integers(0, 1))
)
def test_poverty_dynamics_properties(g):
    status = pd.DataFrame(g.astype(bool))
    res = rp.poverty_dynamics(status)
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


# ----------------------------------------------------------------------------- dynamics_by_line
def _dyn_incomes() -> pd.DataFrame:
    return pd.DataFrame(
        [[50.0, 150, 150], [10, 10, 10], [150, 150, 150], [50, 150, 50]],
        index=["h1", "h2", "h3", "h4"],
        columns=[2018, 2019, 2020],
    )


def test_dynamics_by_line_hand_example():
    """Hand-derived. Absolute line 100: h1 poor only in 2018 (exited), h2 always poor
    (persistently), h3 never, h4 poor, not, poor (returned). Half the median: medians 50, 150,
    100 -> lines 25, 75, 50; only h2 (10) is ever below them (persistently poor; h4's 50 is not
    strictly below 50). First-to-last exits under the absolute line: 1 of the 3 poor in 2018."""
    out = rp.dynamics_by_line(_dyn_incomes(), {2018: 100.0, 2019: 100.0, 2020: 100.0})
    assert out.relative_lines.tolist() == [25.0, 75.0, 50.0]
    t = out.table
    assert list(t.index) == list(rp.TRAJECTORIES)
    assert t["absolute line: households"].tolist() == [1, 1, 1, 0, 1]
    assert t["absolute line: share (%)"].tolist() == [25.0, 25.0, 25.0, 0.0, 25.0]
    assert t["relative line: households"].tolist() == [3, 0, 0, 0, 1]
    assert t["relative line: share (%)"].tolist() == [75.0, 0.0, 0.0, 0.0, 25.0]
    assert out.absolute.transition.at["poor", "non-poor"] == pytest.approx(1 / 3)
    assert out.relative.transition.at["poor", "poor"] == 1.0
    assert out.absolute.trajectory.to_dict() == {
        "h1": "exited",
        "h2": "persistently poor",
        "h3": "never poor",
        "h4": "returned to poverty",
    }


def test_dynamics_by_line_validation():
    inc = _dyn_incomes()
    with pytest.raises(ValueError, match=r"lines: no poverty line for year\(s\) \[2020\]"):
        rp.dynamics_by_line(inc, {2018: 100.0, 2019: 100.0})
    with pytest.raises(ValueError, match="share: must be positive, got 0"):
        rp.dynamics_by_line(inc, {2018: 1.0, 2019: 1.0, 2020: 1.0}, relative_share=0)


@settings(max_examples=50, deadline=None)
@given(
    arrays(np.float64, (6, 3), elements=st.floats(1, 1e4, allow_nan=False)),
    st.floats(0.1, 1.5),
)
def test_dynamics_by_line_table_sums_to_all_households(values, share):
    """Each household has exactly one trajectory: counts sum to n, shares to 100 %."""
    inc = pd.DataFrame(values, columns=[2018, 2019, 2020])
    out = rp.dynamics_by_line(inc, pd.Series(500.0, index=inc.columns), relative_share=share)
    for line in ("absolute", "relative"):
        assert out.table[f"{line} line: households"].sum() == len(inc)
        assert out.table[f"{line} line: share (%)"].sum() == pytest.approx(100.0)
