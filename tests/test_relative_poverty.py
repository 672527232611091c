"""Tests of utils.study.relative_poverty (chapter 5: the survey's income years, absolute lines
and deprivation dimensions).

Published values: the national poverty lines 2016 / 2020 (NBS; SCIO 2021) as documented in the
shipped codebook. Other expected values are derived by hand in the docstrings.
"""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from utils.study import relative_poverty as rp
from utils.study.data import load_codebook


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
