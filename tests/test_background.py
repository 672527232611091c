"""Tests for utils.study.background (chapter 1).

Published figures used as expected values: NBS rural poverty and income figures as reported in
``data/background/china_rural_poverty_2012_2021.csv`` (NBS 2013 via Xinhua 2013-02-27: 98.99
million rural poor at end-2012; national commendation speech 2021-02-25: all of them lifted out
by end-2020; NBS 2019-01-21: rural median disposable income 13,066 yuan in 2018). Everything
else is a hand-derived closed form stated in the test.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from utils.study import background as B

FAST = settings(max_examples=50, deadline=None)


# --------------------------------------------------------------------------------------------
# Relative lines
# --------------------------------------------------------------------------------------------
def test_relative_lines_from_published_2018_median():
    """NBS (2019-01-21): rural median disposable income 2018 = 13,066 yuan; 40/50/60 % of it are
    5,226.4 / 6,533 / 7,839.6 yuan (hand arithmetic). A year without a median stays missing."""
    med = pd.Series({2017: np.nan, 2018: 13066.0}, name="median")
    out = B.relative_poverty_lines(med)
    assert list(out.columns) == ["40% of median", "50% of median", "60% of median"]
    np.testing.assert_allclose(out.loc[2018], [5226.4, 6533.0, 7839.6], rtol=1e-12)
    assert out.loc[2017].isna().all()


@pytest.mark.parametrize(
    "median, shares, match",
    [
        ([1.0, 2.0], (0.5,), r"median: expected a pandas Series indexed by year"),
        (
            pd.Series({2018: -5.0}),
            (0.5,),
            r"median: incomes must be positive and finite, got -5 at 2018",
        ),
        (
            pd.Series({2018: 100.0}),
            (0.0,),
            r"shares: every share must lie in \(0, 1\], got \[0.0\]",
        ),
        (pd.Series({2018: 100.0}), (1.5,), r"shares: every share must lie in \(0, 1\]"),
        (pd.Series({2018: 100.0}), (), r"shares: is empty"),
    ],
)
def test_relative_lines_validation(median, shares, match):
    with pytest.raises(ValueError, match=match):
        B.relative_poverty_lines(median, shares)


@FAST
@given(
    st.lists(st.floats(100, 1e5), min_size=1, max_size=6),
    st.lists(st.floats(0.05, 1.0), min_size=1, max_size=4, unique=True),
)
def test_relative_lines_property_proportional(medians, shares):
    med = pd.Series(medians, index=range(2000, 2000 + len(medians)))
    out = B.relative_poverty_lines(med, shares)
    np.testing.assert_allclose(out.to_numpy(), np.outer(medians, shares), rtol=1e-12)


# --------------------------------------------------------------------------------------------
# National summary
# --------------------------------------------------------------------------------------------
def test_national_summary_on_the_published_series():
    """98.99 million rural poor at end-2012 (NBS) and zero at end-2020 (2021-02-25 speech):
    9,899 (10,000 persons) lifted out; incidence 10.2 % in 2012 (NBS)."""
    import utils.study.data as D

    s = B.national_summary(D.load_background("data"))
    assert (s.first_year, s.last_year) == (2012, 2020)
    assert s.lifted == 9899.0 and s.poor_first == 9899.0 and s.poor_last == 0.0
    assert s.incidence_first == 10.2 and s.incidence_last == 0.0
    # 2018: median 13,066 / mean 14,617 (NBS 2019-01-21)
    assert s.median_to_mean.loc[2018] == pytest.approx(13066 / 14617)
    # 2020: poor areas 12,588 / national 17,131 (NBS 2021-01-18)
    assert s.poor_areas_to_mean.loc[2020] == pytest.approx(12588 / 17131)


def test_national_summary_validation():
    with pytest.raises(ValueError, match=r"background: expected the DataFrame"):
        B.national_summary([1, 2])
    df = pd.DataFrame({"year": [2012]})
    with pytest.raises(
        ValueError, match=r"background: missing column\(s\) \['rural_poor_10k_persons'"
    ):
        B.national_summary(df)
    one = pd.DataFrame({c: [1.0] for c in B._BG_COLS})
    with pytest.raises(ValueError, match=r"need at least two years"):
        B.national_summary(one)


# --------------------------------------------------------------------------------------------
# Township panel helpers
# --------------------------------------------------------------------------------------------
def _panel() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "township": ["A", "A", "B", "B"],
            "year": [2019, 2020, 2019, 2020],
            "rural_population": [100, 100, 300, 300],
            "registered_poor": [10, 1, 0, 0],
            "poverty_incidence_pct": [10.0, 1.0, 0.0, 0.0],
        }
    )


def test_county_incidence_is_population_weighted():
    """2019: (10 + 0) / (100 + 300) = 2.5 % (the unweighted mean of 10 % and 0 % would be 5 %);
    2020: 1 / 400 = 0.25 %."""
    out = B.county_incidence(_panel())
    np.testing.assert_allclose(out.loc[[2019, 2020]], [2.5, 0.25])
    assert out.name == "county_incidence_pct"


def test_township_exit_years_and_share_below():
    """A: 10 % then 1 % -> below 2 % from 2020; B: 0 % -> from 2019. Share below: 50 %, 100 %.
    With threshold 0.5 A never qualifies (NA)."""
    ex = B.township_exit_years(_panel())
    assert ex.loc["A", "below_threshold_from"] == 2020
    assert ex.loc["B", "below_threshold_from"] == 2019
    assert ex.loc["A", "peak_incidence_pct"] == 10.0
    assert pd.isna(B.township_exit_years(_panel(), threshold=0.5).loc["A", "below_threshold_from"])
    np.testing.assert_allclose(B.townships_below(_panel()).loc[[2019, 2020]], [50.0, 100.0])


@pytest.mark.parametrize(
    "call, match",
    [
        (lambda: B.county_incidence("x"), r"panel: expected the DataFrame"),
        (
            lambda: B.county_incidence(_panel().drop(columns="year")),
            r"panel: missing column\(s\) \['year'\]",
        ),
        (lambda: B.county_incidence(_panel().iloc[:0]), r"panel: has no rows"),
        (
            lambda: B.county_incidence(_panel().assign(rural_population=[100, 0, 300, 300])),
            r"panel: rural_population must be positive, got 0 in row 1",
        ),
        (
            lambda: B.township_exit_years(_panel(), threshold=0),
            r"threshold: must be a number in \(0, 100\], got 0",
        ),
        (
            lambda: B.townships_below(_panel(), threshold="two"),
            r"threshold: must be a number in \(0, 100\], got 'two'",
        ),
    ],
)
def test_panel_validation(call, match):
    with pytest.raises(ValueError, match=match):
        call()


@FAST
@given(
    st.lists(st.tuples(st.integers(1, 10_000), st.floats(0, 1)), min_size=1, max_size=8),
)
def test_county_incidence_property_between_min_and_max(towns):
    """A population-weighted mean lies between the smallest and largest township rate."""
    pop = np.array([p for p, _ in towns])
    poor = np.floor(pop * np.array([r for _, r in towns]))
    panel = pd.DataFrame(
        {
            "township": [f"T{i}" for i in range(len(towns))],
            "year": 2020,
            "rural_population": pop,
            "registered_poor": poor,
        }
    )
    rates = 100 * poor / pop
    h = B.county_incidence(panel).loc[2020]
    assert rates.min() - 1e-9 <= h <= rates.max() + 1e-9


# --------------------------------------------------------------------------------------------
# Policy tables and the design figure
# --------------------------------------------------------------------------------------------
def test_policy_tables_have_their_sources():
    five = B.policy_table("five_batches")
    assert len(five) == 5 and five.attrs["source"] == "cpc2015decision"
    assert B.policy_table("assessment").attrs["source"] == "gov2016assessment"
    assert len(B.policy_table("two_three")) == 5
    assert len(B.policy_table("mechanism")) == 4
    ex = B.exit_criteria_table()
    assert ex["rule"].tolist() == ["below 2 %", "below 2 %", "below 2 %", "above 90 %"]
    assert ex.attrs["source"] == "gov2016exit"
    assert B.county_context_table().shape[1] == 2
    with pytest.raises(ValueError, match=r"name: unknown policy table 'six_precises'"):
        B.policy_table("six_precises")


def test_research_design_figure_draws_one_box_per_step():
    from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

    fig = B.research_design_figure()
    ax = fig.axes[0]
    boxes = [p for p in ax.patches if isinstance(p, FancyBboxPatch)]
    arrows = [p for p in ax.patches if isinstance(p, FancyArrowPatch)]
    assert len(boxes) == len(B.DESIGN_STEPS) and len(arrows) == len(B.DESIGN_STEPS) - 1
    texts = [t.get_text() for t in ax.texts]
    assert f"1. {B.DESIGN_STEPS[0][0]}" in texts


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"steps": [("a", "b")]}, r"steps: need at least two \(title, detail\) steps, got 1"),
        ({"steps": [("a", "b"), ("c",)]}, r"steps\[1\]: expected a \(title, detail\) pair"),
        ({"ncols": 0}, r"ncols: expected a positive integer, got 0"),
    ],
)
def test_research_design_figure_validation(kwargs, match):
    with pytest.raises(ValueError, match=match):
        B.research_design_figure(**kwargs)
