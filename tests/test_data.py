"""Tests for utils.study.data: loading the shipped data and reporting every kind of bad data.

Line numbers in messages follow the file: header = line 1, first data row = line 2.
Bad cases use small fixtures in tests/fixtures/ or a copy of data/ in tmp_path with one cell
broken; the raw shipped files are hashed before and after to prove they are never modified.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from utils.study import data as D

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
FIX = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture()
def data_copy(tmp_path) -> Path:
    dst = tmp_path / "data"
    shutil.copytree(DATA, dst)
    return dst


def _edit(path: Path, line: int, column: str, value: str) -> None:
    """Set one cell (line numbering as in the file) of a CSV copy."""
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    df.loc[line - 2, column] = value
    path.write_text(df.to_csv(index=False, lineterminator="\n"), encoding="utf-8")


# --- shipped data ---------------------------------------------------------------------------
def test_shipped_data_loads():
    s = D.load_survey()
    assert len(s) == 700 and s["household_id"].is_unique
    assert set(s["township"]) <= {f"T{k:02d}" for k in range(1, 26)}
    j = D.load_expert_judgments()
    assert j["value"].between(1 / 9, 9).all()
    p = D.load_township_panel()
    assert len(p) == 25 * 5
    assert len(D.load_indicators()) > 20
    assert isinstance(D.load_truth(), dict)
    cb = D.load_codebook()
    # every column of every CSV is in the codebook
    for rel in [
        "survey/households.csv",
        "experts/judgments.csv",
        "townships/panel.csv",
        "indicators.csv",
        "background/china_rural_poverty_2012_2021.csv",
        "codebook.csv",
    ]:
        cols = pd.read_csv(DATA / rel, nrows=0).columns
        assert set(cols) == set(cb.loc[cb["file"] == rel, "column"]), rel


def test_background_is_verbatim_with_empty_cells():
    """Published NBS figures (file's source column): 2016 poverty line 2,952 yuan, 2012 9,899."""
    b = D.load_background()
    row = b.set_index("year")
    assert row.loc[2016, "poverty_line_yuan_current_prices"] == 2952
    assert row.loc[2012, "rural_poor_10k_persons"] == 9899
    assert row.loc[2018, "poor_areas_rural_disposable_income_mean_yuan"] == 10371
    assert pd.isna(row.loc[2017, "poverty_line_yuan_current_prices"])  # kept empty
    assert pd.isna(row.loc[2021, "rural_poor_10k_persons"])


def test_path_may_be_root_or_file(data_copy):
    a = D.load_survey(data_copy)
    b = D.load_survey(data_copy / "survey" / "households.csv")
    pd.testing.assert_frame_equal(a, b)
    assert len(D.load_township_panel(data_copy / "townships" / "panel.csv")) == 125


def test_expert_matrices_and_likert_helpers():
    mats = D.expert_matrices(D.load_expert_judgments())
    m = mats[("E01", "criteria")]
    assert list(m.index) == ["gs", "in", "ss", "ed", "lc"] == list(m.columns)
    assert np.allclose(m.to_numpy() * m.to_numpy().T, 1.0)  # reciprocity
    assert list(mats[("E01", "gs")].index) == ["GS1", "GS2", "GS3", "GS4", "GS5"]
    cb = D.load_codebook()
    s = D.load_survey()
    for d in D.DIMENSIONS:
        assert D.likert_items(cb, d) == D.likert_items(s, d) == [f"{d}{k}" for k in range(1, 6)]


def test_helper_errors():
    with pytest.raises(ValueError, match=r"dimension: 'xx' is not one of"):
        D.likert_items(D.load_codebook(), "xx")
    with pytest.raises(ValueError, match=r"no Likert items found for dimension 'gs'"):
        D.likert_items(pd.DataFrame({"a": [1]}), "gs")
    with pytest.raises(ValueError, match=r"missing column\(s\) \['value'\]"):
        D.expert_matrices(pd.DataFrame(columns=["expert_id", "block", "row", "col"]))
    bad = pd.DataFrame(
        {"expert_id": ["E1"], "block": ["b"], "row": ["a"], "col": ["a"], "value": ["x"]}
    )
    with pytest.raises(ValueError, match=r"column 'value' must be numeric"):
        D.expert_matrices(bad)
    gap = pd.DataFrame(
        {
            "expert_id": ["E1"] * 3,
            "block": ["b"] * 3,
            "row": ["a", "a", "c"],
            "col": ["a", "c", "a"],
            "value": [1.0, 2.0, 0.5],
        }
    )
    with pytest.raises(ValueError, match=r"expert 'E1', block 'b': cell \(c, c\) is missing"):
        D.expert_matrices(gap)


# --- bad survey data ------------------------------------------------------------------------
def test_bad_survey_fixture_lists_every_problem():
    with pytest.raises(D.DataValidationError) as exc:
        D.load_survey(FIX / "households_bad.csv")
    msg = str(exc.value)
    assert "header = line 1, first data row = line 2" in msg
    rel = "survey/households.csv"
    assert f"{rel} line 2, column 'gs2', value '7': must be one of 1|2|3|4|5" in msg
    assert f"{rel} line 3, column 'household_id'" in msg and "duplicate value" in msg
    assert f"{rel} line 4, column 'township', value 'T99': must be one of" in msg
    assert f"{rel} line 5, column 'income_2018', value '-500': must be >= 0" in msg
    assert f"{rel} line 6, column 'age', value 'fifty': non-numeric text" in msg
    assert f"{rel} line 7, column 'gs1..imp_lc (31 items)', value '8 of 31 missing'" in msg
    assert "too many missing answers for this respondent: max 20% per respondent" in msg
    assert len(exc.value.problems) >= 7


def test_missing_and_unknown_columns(data_copy):
    p = data_copy / "survey" / "households.csv"
    df = pd.read_csv(p, dtype=str, keep_default_na=False)
    df = df.drop(columns=["gs3"]).assign(respondent_notes="x")
    p.write_text(df.to_csv(index=False, lineterminator="\n"), encoding="utf-8")
    with pytest.raises(D.DataValidationError) as exc:
        D.load_survey(data_copy)
    msg = str(exc.value)
    assert "line 1, column 'gs3', value '': required column is missing" in msg
    assert "line 1, column 'respondent_notes'" in msg and "unknown column" in msg


@pytest.mark.parametrize(
    ("column", "value", "rule"),
    [
        ("exit_year", "2018", "must be empty: required if registered_poor = 1"),
        ("labour_force", "15", "must not exceed household_size"),
        ("village", "T02-V01", "village id must start with its township"),
        ("age", "41.5", "must be a whole number"),
        ("sex", "", "missing value not allowed"),
    ],
)
def test_survey_cross_column_rules(data_copy, column, value, rule):
    p = data_copy / "survey" / "households.csv"
    raw = pd.read_csv(p, dtype=str, keep_default_na=False)
    line = int(np.flatnonzero((raw["registered_poor"] == "0") & (raw["township"] != "T02"))[0]) + 2
    _edit(p, line, column, value)
    with pytest.raises(D.DataValidationError, match=rf"line {line}, column '{column}'.*{rule}"):
        D.load_survey(data_copy)


def test_conditional_missing_registered_poor(data_copy):
    p = data_copy / "survey" / "households.csv"
    raw = pd.read_csv(p, dtype=str, keep_default_na=False)
    line = int(np.flatnonzero(raw["registered_poor"] == "1")[0]) + 2
    _edit(p, line, "poverty_cause", "")
    with pytest.raises(
        D.DataValidationError,
        match=rf"line {line}, column 'poverty_cause', value '': missing, but required if",
    ):
        D.load_survey(data_copy)


def test_missing_file_names_path_and_expectation(tmp_path):
    with pytest.raises(D.DataValidationError, match=r"survey/households.csv: file not found at"):
        D.load_survey(tmp_path)
    with pytest.raises(ValueError, match=r"expected the household questionnaire"):
        D.load_survey(tmp_path)
    with pytest.raises(D.DataValidationError, match=r"truth.json: file not found"):
        D.load_truth(tmp_path)


# --- bad expert judgments -----------------------------------------------------------------
def test_bad_judgments_fixture():
    with pytest.raises(D.DataValidationError) as exc:
        D.load_expert_judgments(FIX / "judgments_bad.csv")
    msg = str(exc.value)
    rel = "experts/judgments.csv"
    assert f"{rel} line 5, column 'value', value '10': must be one of 1/9|1/8" in msg
    assert (
        f"{rel} line 3, column 'value', value '2': not reciprocal: expert E91, block criteria, cell (gs,in)"
        in msg
    )
    assert "cell (in,gs) = 1/3 at line 7" in msg


def test_judgments_structure_errors(data_copy):
    p = data_copy / "experts" / "judgments.csv"
    df = pd.read_csv(p, dtype=str, keep_default_na=False)
    # line 2 is E01 criteria (gs, gs): make the diagonal 3; drop the (lc, lc) cell of E01
    assert tuple(df.iloc[0][["expert_id", "block", "row", "col"]]) == (
        "E01",
        "criteria",
        "gs",
        "gs",
    )
    df.loc[0, "value"] = "3"
    df.loc[1, "col"] = "GS1"  # line 3: an indicator id in the criteria block
    drop = df.index[
        (df.expert_id == "E01") & (df.block == "criteria") & (df.row == "lc") & (df.col == "lc")
    ]
    df = df.drop(index=drop)
    p.write_text(df.to_csv(index=False, lineterminator="\n"), encoding="utf-8")
    with pytest.raises(D.DataValidationError) as exc:
        D.load_expert_judgments(data_copy)
    msg = str(exc.value)
    assert (
        "line 2, column 'value', value '3': diagonal must be 1 (expert E01, block criteria" in msg
    )
    assert "line 3, column 'col', value 'GS1': not an element of block 'criteria'" in msg
    assert "missing cell: expert E01, block criteria must be a full 5x5 matrix" in msg


# --- other files ------------------------------------------------------------------------------
def test_panel_duplicate_and_range(data_copy):
    p = data_copy / "townships" / "panel.csv"
    _edit(p, 3, "year", "2016")  # line 3 is T01 2017 -> duplicate of line 2
    _edit(p, 4, "poverty_incidence_pct", "120")
    with pytest.raises(D.DataValidationError) as exc:
        D.load_township_panel(data_copy)
    msg = str(exc.value)
    assert (
        "townships/panel.csv line 3, column 'township, year', value 'T01, 2016': duplicate" in msg
    )
    assert "line 4, column 'poverty_incidence_pct', value '120': must be <= 100" in msg


def test_indicator_parent_rule(data_copy):
    p = data_copy / "indicators.csv"
    raw = pd.read_csv(p, dtype=str, keep_default_na=False)
    line = int(np.flatnonzero(raw["id"] == "GS1")[0]) + 2
    _edit(p, line, "parent", "in")
    with pytest.raises(
        D.DataValidationError,
        match=rf"indicators.csv line {line}, column 'criterion', value 'gs': must equal",
    ):
        D.load_indicators(data_copy)


def test_codebook_errors(tmp_path):
    cb = pd.read_csv(DATA / "codebook.csv", dtype=str, keep_default_na=False)
    bad = cb.copy()
    bad.loc[0, "type"] = "number"
    bad = pd.concat([bad, bad.iloc[[1]]])
    bad.to_csv(tmp_path / "codebook.csv", index=False)
    with pytest.raises(D.DataValidationError) as exc:
        D.load_codebook(tmp_path)
    msg = str(exc.value)
    assert "codebook.csv line 2, column 'type', value 'number': must be one of" in msg
    assert (
        f"codebook.csv line {len(cb) + 2}, column 'column'" in msg
        and "duplicate (file, column)" in msg
    )
    cb.drop(columns=["missing_rule"]).to_csv(tmp_path / "codebook.csv", index=False)
    with pytest.raises(
        D.DataValidationError, match=r"column 'missing_rule'.*required codebook field"
    ):
        D.load_codebook(tmp_path)


@settings(max_examples=50, deadline=None)
@given(
    st.integers(0, 9), st.sampled_from(["gs1", "in2", "ss3", "ed4", "lc5", "overall_satisfaction"])
)
def test_likert_out_of_range_always_reported(bad_value, column):
    """Property: any Likert answer outside 1-5 is reported at its line and column."""
    raw = _SURVEY_HEAD[[column]].copy()
    raw.loc[2, column] = str(bad_value)
    _, problems = D._validate(raw, "survey/households.csv", _CODEBOOK)
    hits = [p for p in problems if p.line == 4 and p.column == column]
    assert bool(hits) == (bad_value not in (1, 2, 3, 4, 5))
    assert all(
        p.rule == "required column is missing" for p in problems if p not in hits and p.line == 4
    )


_SURVEY_HEAD = pd.read_csv(
    DATA / "survey" / "households.csv", dtype=str, keep_default_na=False
).head(4)
_CODEBOOK = D.load_codebook()


def test_missing_file_is_also_file_not_found(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"codebook.csv: file not found at"):
        D.load_codebook(tmp_path / "codebook.csv")


def test_household_id_pattern(data_copy):
    _edit(data_copy / "survey" / "households.csv", 9, "household_id", "Zhang-01")
    with pytest.raises(
        D.DataValidationError,
        match=r"line 9, column 'household_id', value 'Zhang-01': must match the pattern",
    ):
        D.load_survey(data_copy)


def test_codebook_without_rows_for_the_file(data_copy):
    p = data_copy / "codebook.csv"
    cb = pd.read_csv(p, dtype=str, keep_default_na=False)
    cb[cb["file"] != "townships/panel.csv"].to_csv(p, index=False)
    with pytest.raises(
        D.DataValidationError, match=r"townships/panel.csv: the codebook has no rows"
    ):
        D.load_township_panel(data_copy)


def test_codebook_required_yes_no(tmp_path):
    cb = pd.read_csv(DATA / "codebook.csv", dtype=str, keep_default_na=False)
    cb.loc[3, "required"] = "maybe"
    cb.to_csv(tmp_path / "codebook.csv", index=False)
    with pytest.raises(
        D.DataValidationError, match=r"line 5, column 'required', value 'maybe': must be yes or no"
    ):
        D.load_codebook(tmp_path)


def test_indicator_parent_must_be_criterion(data_copy):
    p = data_copy / "indicators.csv"
    raw = pd.read_csv(p, dtype=str, keep_default_na=False)
    line = int(np.flatnonzero(raw["id"] == "IN1")[0]) + 2
    _edit(p, line, "parent", "GS2")
    with pytest.raises(
        D.DataValidationError,
        match=rf"line {line}, column 'parent', value 'GS2': an indicator's parent must be a criterion id",
    ):
        D.load_indicators(data_copy)


def test_duplicate_judgment_cell(data_copy):
    p = data_copy / "experts" / "judgments.csv"
    df = pd.read_csv(p, dtype=str, keep_default_na=False)
    df = pd.concat([df, df.iloc[[1]]], ignore_index=True)  # repeat line 3 at the end
    p.write_text(df.to_csv(index=False, lineterminator="\n"), encoding="utf-8")
    with pytest.raises(
        D.DataValidationError,
        match=rf"line {len(df) + 1}, column 'row, col', value 'gs, in': duplicate cell for expert E01, block criteria \(first at line 3\)",
    ):
        D.load_expert_judgments(data_copy)


def test_bad_numeric_cells_are_reported_once_at_their_line():
    """A number too large, a fraction in an integer column and text in a numeric column are each
    reported once (not again by the schema's range or missing-value checks), at line = row
    label + 2 (header on line 1), with the cell as written."""
    raw = _SURVEY_HEAD[["age"]].copy()
    raw["age"] = ["1e999", "41.5", "fifty", "40"]
    raw.index = [5, 6, 7, 8]
    _, problems = D._validate(raw, "survey/households.csv", _CODEBOOK)
    found = sorted((p.line, p.value, p.rule) for p in problems if p.column == "age")
    assert found == [
        (7, "1e999", "overflow: number too large for a integer column"),
        (8, "41.5", "must be a whole number"),
        (9, "fifty", "non-numeric text in a integer column"),
    ]
