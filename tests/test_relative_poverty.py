"""Tests of utils.study.relative_poverty (chapter 6: the survey's income years, absolute lines,
simulation thresholds, national reference medians and deprivation dimensions).

Published values: the national poverty lines 2016 / 2020 (NBS; SCIO 2021) as documented in the
shipped codebook. Other expected values are derived by hand in the docstrings.
"""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from utils.methods.poverty import interpolated_medians
from utils.study import relative_poverty as rp
from utils.study.data import load_codebook


def test_absolute_lines_shipped_codebook_gives_published_lines(repo):
    """National rural poverty line at current prices: 2,952 yuan in 2016 (NBS) and about 4,000
    yuan in 2020 (SCIO white paper, 2021); no official line of 2017-2019 was found, so only the
    two official years are read as lines."""
    lines = rp.absolute_lines(load_codebook(repo / "data"))
    assert lines.to_dict() == {2016: 2952.0, 2020: 4000.0}


def test_income_thresholds_shipped_codebook(repo):
    """Official 2016/2020 lines, and the simulation's geometric interpolation in between
    (2952 * (4000/2952)^(k/4), k = 1..3: 3185, 3436, 3707 yuan, data/README.md), labelled."""
    thr = rp.income_thresholds(load_codebook(repo / "data"))
    assert list(thr.index) == [2016, 2017, 2018, 2019, 2020]
    assert thr["official"].tolist() == [True, False, False, False, True]
    expected = [2952 * (4000 / 2952) ** (k / 4) for k in range(5)]
    assert thr["line_yuan"].tolist() == pytest.approx(expected, abs=0.6)


def test_income_thresholds_refuses_a_mismatched_year():
    cb = pd.DataFrame(
        {
            "column": ["income_2016", "income_2017"],
            "description": [
                "Poverty line 2016: 1 yuan",
                "Simulation income threshold 2018: 2 yuan",
            ],
        }
    )
    with pytest.raises(ValueError, match="column 'income_2017' documents the threshold of 2018"):
        rp.income_thresholds(cb)


def test_national_medians_of_the_shipped_background(repo):
    """NBS national rural median disposable income (background file, REAL): 11,149 yuan (2016),
    13,066 (2018), 15,204 (2020); 2017 missing, filled as sqrt(11149 * 13066) and flagged."""
    from utils.study.data import load_background

    column = "rural_disposable_income_median_yuan"
    med = interpolated_medians(load_background(repo / "data"), range(2016, 2021), column)
    assert med.loc[2016, "median"] == 11149
    assert med.loc[2020, "median"] == 15204
    assert med.loc[2017, "median"] == pytest.approx((11149 * 13066) ** 0.5)
    assert med["interpolated"].tolist() == [False, True, False, False, False]


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


@settings(max_examples=50, deadline=None)
@given(st.dictionaries(st.integers(1990, 2099), st.integers(1, 10**6), min_size=1, max_size=6))
def test_absolute_lines_round_trip(lines):
    """Whatever line each year documents (with or without a thousands separator), it is read back."""
    cb = pd.DataFrame(
        {
            "column": [f"income_{y}" for y in lines],
            "description": [f"Net income. Poverty line {y}: {z:,} yuan" for y, z in lines.items()],
        }
    )
    out = rp.absolute_lines(cb)
    assert out.to_dict() == {y: float(z) for y, z in sorted(lines.items())}
    assert list(out.index) == sorted(lines)
