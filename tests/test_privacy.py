"""Tests for the privacy gate: direct identifiers and k-anonymity (Sweeney, 2002)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from utils.study import data as D

DATA = Path(__file__).resolve().parents[1] / "data"


# Example resident ID number printed in the national standard GB 11643-1999 (not a person).
EXAMPLE_ID = "11010519491231002X"


@pytest.fixture()
def survey_copy(tmp_path) -> tuple[Path, pd.DataFrame]:
    (tmp_path / "survey").mkdir()
    shutil.copy(DATA / "survey" / "households.csv", tmp_path / "survey" / "households.csv")
    return tmp_path, pd.read_csv(
        tmp_path / "survey" / "households.csv", dtype=str, keep_default_na=False
    )


def _write(root: Path, df: pd.DataFrame) -> None:
    df.to_csv(root / "survey" / "households.csv", index=False, lineterminator="\n")


def test_shipped_survey_has_no_direct_identifiers():
    rep = D.privacy_gate()
    assert rep.direct_identifiers == () and rep.n_rows == 700
    assert rep.k_min >= 1
    if rep.k_min < 5:
        assert f"k_min = {rep.k_min}" in rep.warning()


def test_name_column_is_refused(survey_copy):
    root, df = survey_copy
    _write(root, df.assign(respondent_name="Zhang San"))
    with pytest.raises(
        D.PrivacyError, match=r"survey/households.csv: .*'respondent_name' \(column name looks like"
    ):
        D.privacy_gate(root)


def test_chinese_column_name_is_refused(survey_copy):
    root, df = survey_copy
    _write(root, df.assign(**{"姓名": "某某"}))
    with pytest.raises(D.PrivacyError, match=r"'姓名'"):
        D.privacy_gate(root)


def test_id_number_in_free_text_is_found(survey_copy):
    root, df = survey_copy
    notes = [""] * len(df)
    notes[5] = f"户主身份证 {EXAMPLE_ID} 已核实"
    _write(root, df.assign(notes=notes))
    with pytest.raises(
        D.PrivacyError, match=r"'notes' \(values contain an 18-character resident ID"
    ):
        D.privacy_gate(root)


def test_phone_number_is_found():
    df = pd.DataFrame(
        {"township": ["T01"] * 2, "remark": ["call 13912345678", ""], "income": [1200, 3400]}
    )
    rep = D.privacy_report(df, quasi_identifiers=("township",))
    assert rep.direct_identifiers == (
        ("remark", "values contain an 11-digit mobile phone number"),
    )
    # integers that are not phone numbers are not flagged
    assert D.privacy_report(df[["township", "income"]], ("township",)).direct_identifiers == ()


def test_place_name_columns_are_not_direct_identifiers():
    df = pd.DataFrame(
        {"township_name": ["Township 01"], "village_name": ["V"], "township": ["T01"]}
    )
    assert D.privacy_report(df, ("township",)).direct_identifiers == ()


def test_k_anonymity_known_k():
    """Hand-built table: classes of sizes 2, 3 and 6 -> k_min = 2 (Sweeney 2002 definition)."""
    df = pd.DataFrame(
        {
            "township": ["T01"] * 2 + ["T02"] * 3 + ["T03"] * 6,
            "sex": ["male"] * 11,
            "age": [41, 49] + [30, 35, 39] + [60] * 6,
        }
    )
    rep = D.privacy_report(df, quasi_identifiers=("township", "sex", "age_band"))
    assert rep.k_min == 2 and rep.n_rows == 11
    assert list(rep.small_cells["n"]) == [2, 3]
    assert list(rep.small_cells["age_band"]) == ["40-49", "30-39"]
    w = rep.warning()
    assert "k_min = 2 < 5" in w and "township=T01, sex=male, age_band=40-49: n=2" in w
    assert D.privacy_report(df, ("township", "sex", "age_band"), k_threshold=2).warning() is None


def test_privacy_errors(tmp_path):
    with pytest.raises(ValueError, match=r"df: expected a non-empty DataFrame"):
        D.privacy_report(pd.DataFrame())
    with pytest.raises(ValueError, match=r"quasi_identifiers: column\(s\) \['village'\] not in df"):
        D.privacy_report(pd.DataFrame({"township": ["T01"]}), ("township", "village"))
    with pytest.raises(ValueError, match=r"k_threshold: must be >= 1"):
        D.privacy_report(pd.DataFrame({"a": [1]}), ("a",), k_threshold=0)
    with pytest.raises(D.DataValidationError, match=r"survey/households.csv: file not found"):
        D.privacy_gate(tmp_path)


@settings(max_examples=50, deadline=None)
@given(st.lists(st.tuples(st.sampled_from("abc"), st.integers(0, 3)), min_size=1, max_size=40))
def test_k_min_is_smallest_class(rows):
    df = pd.DataFrame(rows, columns=["g", "h"])
    rep = D.privacy_report(df, quasi_identifiers=("g", "h"))
    counts = df.value_counts()
    assert rep.k_min == counts.min()
    assert len(rep.small_cells) == int((counts < 5).sum())
    assert (rep.warning() is None) == (counts.min() >= 5)
