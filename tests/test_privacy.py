"""Tests for the privacy gate: direct identifiers and k-anonymity (Sweeney, 2002)."""

from __future__ import annotations

import json
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
        D.PrivacyError,
        match=r"survey/households.csv, column 'respondent_name', line 1: column name looks like",
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
        D.PrivacyError,
        match=r"survey/households.csv, column 'notes', line 7: values contain an 18-character resident",
    ):
        D.privacy_gate(root)


def test_phone_number_is_found():
    df = pd.DataFrame(
        {"township": ["T01"] * 2, "remark": ["call 13912345678", ""], "income": [1200, 3400]}
    )
    rep = D.privacy_report(df, quasi_identifiers=("township",))
    assert rep.direct_identifiers == (("remark", "values contain an 11-digit mobile phone number"),)
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


# ------------------------------------------------------------------------------------------
# The gate over a whole folder (issue 17): every file, every text column, more identifiers
# ------------------------------------------------------------------------------------------
from utils.study import privacy as P  # noqa: E402

# 15-digit form of the GB 11643-1999 example (area 110105, born 49-12-31, sequence 002)
EXAMPLE_ID_15 = "110105491231002"


@pytest.fixture()
def folder(tmp_path: Path) -> Path:
    root = tmp_path / "d"
    shutil.copytree(DATA, root)
    return root


def _refusal(root: Path) -> str:
    with pytest.raises(P.PrivacyError) as info:
        P.privacy_gate_folder(root)
    return str(info.value)


def _add_column(path: Path, name: str, values: list[str]) -> None:
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    df[name] = (values * (len(df) // len(values) + 1))[: len(df)]
    df.to_csv(path, index=False, lineterminator="\n")


def test_shipped_folder_passes_the_gate():
    assert P.scan_folder(DATA) == []


@pytest.mark.parametrize(
    ("column", "values", "kind"),
    [
        ("respondent_name", ["Zhang San", "Li Si"], "column name looks like a personal identifier"),
        ("户主姓名", ["张三", "李四"], "column name looks like a personal identifier"),
        ("联系电话", [""], "column name looks like a personal identifier"),
        ("extra", ["张伟", "王芳", "李娜", "刘洋"], "values look like personal names"),
        ("extra", ["Zhang Wei", "Wang Fang", "Li Na"], "values look like personal names"),
        ("remark", ["", "", "call 138-1234-5678"], "11-digit mobile phone number"),
        ("remark", ["", "+86 139 1234 5678"], "11-digit mobile phone number"),
        ("remark", ["", "office (0335) 7654321"], "landline phone number"),
        ("remark", ["", "0335-7654321"], "landline phone number"),
        ("remark", ["", f"old card {EXAMPLE_ID_15}"], "15-digit resident ID number"),
        ("remark", ["", f"id {EXAMPLE_ID}"], "18-character resident ID number"),
        ("remark", ["", "户主张三，已核实"], "free text names a person"),
        ("remark", ["", "联系人：李四"], "free text names a person"),
    ],
)
def test_folder_gate_finds_identifiers_without_printing_them(folder, column, values, kind):
    _add_column(folder / "survey" / "households.csv", column, values)
    msg = _refusal(folder)
    assert "survey/households.csv" in msg and repr(column) in msg or f"'{column}'" in msg
    assert kind in msg and "line " in msg
    for v in values:
        if v and len(v) > 3:
            assert v not in msg and v.split()[-1] not in msg


@pytest.mark.parametrize(
    ("rel", "text"),
    [
        ("townships/panel.csv", None),
        ("experts/judgments.csv", None),
        ("truth.json", None),
        ("README.md", "contact the author at 13812345678\n"),
        ("notes/extra.txt", f"ID {EXAMPLE_ID}\n"),
    ],
)
def test_identifiers_in_any_file_are_refused(folder, rel, text):
    path = folder / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    if rel.endswith(".csv"):
        _add_column(path, "note", ["", "tel 13912345678"])
    elif rel.endswith(".json"):
        doc = json.loads(path.read_text())
        doc["contact"] = {"phone": "13912345678"}
        path.write_text(json.dumps(doc))
    else:
        path.write_text(text)
    msg = _refusal(folder)
    assert rel in msg and "13912345678" not in msg and EXAMPLE_ID not in msg


def test_binary_file_cannot_be_checked(folder):
    (folder / "survey" / "extra.xlsx").write_bytes(b"PK\x03\x04" + b"\x00" * 50)
    assert "survey/extra.xlsx: not a text file" in _refusal(folder)


def test_resident_id_checksum_and_dates():
    assert P.valid_resident_id(EXAMPLE_ID)
    assert not P.valid_resident_id(EXAMPLE_ID[:-1] + "1")
    assert P.text_identifier(EXAMPLE_ID[:-1] + "1") is None  # wrong check character: not an ID
    assert P.text_identifier("110105194913310021") is None  # month 13
    for harmless in ["2016", "T01-V02", "H0001", "12345.678", "98.6", "20201231", "1.3812345678"]:
        assert P.text_identifier(harmless) is None, harmless


def test_place_and_codebook_columns_are_not_names():
    assert not P.header_identifier("township_name") and not P.header_identifier("label_zh")
    assert (
        P.column_identifier("label_zh", ["受访者文化程度", "受访者性别", "本村贫困户识别"]) is None
    )


def test_runner_gate_covers_the_folder_the_chapters_read(tmp_path):
    """DATA_DIR cannot be passed with -p, so the gate always sees the chapters' folder."""
    from tools import run as runner

    book = tmp_path / "book"
    (book / "chapters").mkdir(parents=True)
    (book / "_toc.yml").write_text(
        "format: jb-book\nroot: intro\nchapters:\n  - file: chapters/a\n"
    )
    (book / "intro.md").write_text("# x\n")
    import nbformat

    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell('DATA_DIR = "."')
    cell.metadata["tags"] = ["parameters"]
    nb.cells = [cell]
    nbformat.write(nb, book / "chapters" / "a.ipynb")
    with pytest.raises(runner.ParameterError, match="DATA_DIR cannot be set with -p"):
        runner.check_parameters(runner.read_toc(book), {"DATA_DIR": str(tmp_path)})
