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


def test_shipped_survey_passes_the_weighted_risk_rule():
    """Issue 10: the shipped survey raises no warning; keys and weight come from the codebook."""
    rep = D.privacy_gate()
    assert rep.quasi_identifiers == ("township", "sex", "age", "household_size")
    assert rep.weight == "design_weight" and rep.rule == "Fk < 5"
    assert rep.Fk_min >= 5 and rep.small_cells.empty and rep.warning() is None
    # the village code is not released; age and household size are coarsened as documented
    raw = pd.read_csv(DATA / "survey" / "households.csv")
    assert "village" not in raw.columns and "psu" in raw.columns
    assert set(raw["age"]) <= {16, *range(20, 81, 5)} and raw["household_size"].max() <= 7


def test_tools_check_on_shipped_data_prints_no_privacy_warning():
    from tools.check import check_folder

    report = check_folder(DATA)
    assert report.errors == []
    assert not [w for w in report.warnings if "warning (rule" in w or "k_min" in w]


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


# ------------------------------------------------------------------------------------------
# Weighted risk of survey microdata (issue 10): fk, Fk, individual risk, the rule used
# ------------------------------------------------------------------------------------------
# sdcMicro's own test data (tests/testthat/test_indivRisk.R, sdcTools/sdcMicro on GitHub,
# https://github.com/sdcTools/sdcMicro/blob/master/tests/testthat/test_indivRisk.R): three key
# variables and the weights of the francdat example, with the published individual risks of
# indivRisk(freqCalc(x, keyVars = 1:3, w = 4), method = "approx") (Templ, Kowarik and Meindl,
# 2015, doi:10.18637/jss.v067.i04). fk and Fk are the freqCalc definitions, checked by hand:
# keys (2,3,1) x3 -> Fk 18 + 39 + 51 = 108; (3,3,1) x2 -> 92 + 8 = 100; three sample uniques.
SDC_KEYS = pd.DataFrame(
    {
        "A": [2, 3, 2, 2, 3, 3, 1, 2],
        "B": [3, 3, 3, 3, 3, 3, 4, 3],
        "C": [1, 3, 1, 2, 1, 1, 1, 1],
        "weight": [18.0, 45.5, 39.0, 17.0, 92.0, 8.0, 123.5, 51.0],
    }
)
SDC_FK = [3, 1, 3, 1, 2, 2, 1, 3]
SDC_FK_POP = [108.0, 45.5, 108.0, 17.0, 100.0, 100.0, 123.5, 108.0]
SDC_RISK = [0.01369863, 0.08579129, 0.01369863, 0.17707583, 0.01877883, 0.01877883, 0.03931625,
            0.01369863]  # fmt: skip


def test_fk_Fk_and_individual_risk_match_sdcmicro():
    f = P.key_frequencies(SDC_KEYS, ["A", "B", "C"], weight="weight")
    assert list(f["fk"]) == SDC_FK and list(f["Fk"]) == SDC_FK_POP
    assert P.individual_risk(f["fk"], f["Fk"]) == pytest.approx(SDC_RISK, abs=5e-9)
    rep = D.privacy_report(SDC_KEYS, ("A", "B", "C"), weight="weight")
    assert rep.k_min == 1 and rep.Fk_min == 17.0 and rep.n_sample_unique == 3
    assert rep.risk_max == pytest.approx(0.17707583) and rep.warning() is None
    assert rep.expected_reidentifications == pytest.approx(sum(SDC_RISK), abs=1e-7)
    # with threshold 20 the key (2,3,2) (one record, Fk = 17) is risky; named with fk and Fk
    w = D.privacy_report(SDC_KEYS, ("A", "B", "C"), k_threshold=20, weight="weight").warning()
    assert "rule Fk < 20" in w and "A=2, B=3, C=2: n=1, Fk=17.0" in w
    # unweighted: the rule is fk < k, the risk 1 / fk
    un = D.privacy_report(SDC_KEYS, ("A", "B", "C"))
    assert un.rule == "fk < 5" and un.Fk_min == 1 and un.risk_max == 1.0
    assert "rule fk < 5, no sampling weight declared" in un.warning()


def test_key_frequency_errors():
    with pytest.raises(ValueError, match=r"weight: column 'w' not in the data"):
        P.key_frequencies(SDC_KEYS, ["A"], weight="w")
    with pytest.raises(ValueError, match=r"weight: column 'weight', row 2: must be a number > 0"):
        P.key_frequencies(SDC_KEYS.assign(weight=[1.0, 0.0, *[1.0] * 6]), ["A"], weight="weight")
    with pytest.raises(ValueError, match=r"keys: column\(s\) \['Z'\] not in the data"):
        P.key_frequencies(SDC_KEYS, ["Z"])
    with pytest.raises(ValueError, match=r"Fk: an estimated population frequency is below"):
        P.individual_risk([2], [1.5])


_rows = st.lists(
    st.tuples(st.sampled_from("ab"), st.integers(0, 2), st.floats(1.0, 500.0)),
    min_size=1,
    max_size=30,
)


@settings(max_examples=50, deadline=None)
@given(_rows, st.floats(0.01, 100.0))
def test_Fk_properties(rows, scale):
    df = pd.DataFrame(rows, columns=["g", "h", "w"])
    f = P.key_frequencies(df, ["g", "h"], weight="w")
    assert (f["Fk"] >= f["fk"] - 1e-9).all()  # every weight >= 1
    scaled = P.key_frequencies(df.assign(w=df["w"] * scale), ["g", "h"], weight="w")
    assert scaled["Fk"].to_numpy() == pytest.approx(f["Fk"].to_numpy() * scale, rel=1e-9)
    assert (scaled["fk"] == f["fk"]).all()
    r = P.individual_risk(f["fk"], f["Fk"])
    assert ((r > 0) & (r <= 1 + 1e-12)).all()
    unweighted = P.key_frequencies(df, ["g", "h"])
    assert (unweighted["Fk"] == unweighted["fk"]).all()


def test_planted_risky_survey_is_warned(folder):
    """Weights set to 1 and exact ages: sample uniques are population uniques -> warning."""
    from tools.check import check_folder

    path = folder / "survey" / "households.csv"
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    exact = [str(int(a) + k % 5) for k, a in enumerate(df["age"])]
    df.assign(design_weight="1.000000", age=exact).to_csv(path, index=False, lineterminator="\n")
    rep = P.privacy_gate_folder(folder)
    assert rep.weight == "design_weight" and rep.Fk_min == 1.0
    w = rep.warning()
    assert w.startswith("re-identification warning (rule Fk < 5")
    assert "over (township, sex, age, household_size)" in w
    report = check_folder(folder)
    assert any("re-identification warning (rule Fk < 5" in x for x in report.warnings)


def test_keys_come_from_the_codebook(folder):
    cb_path = folder / "codebook.csv"
    cb = pd.read_csv(cb_path, dtype=str, keep_default_na=False)
    survey = cb["file"] == "survey/households.csv"
    # declare only township and sex: fewer, larger keys
    cb.loc[survey & cb["column"].isin(["age", "household_size"]), "disclosure"] = ""
    cb.to_csv(cb_path, index=False, lineterminator="\n")
    rep = P.privacy_gate_folder(folder)
    assert rep.quasi_identifiers == ("township", "sex") and rep.k_min > 1
    # no disclosure field at all: the default key list, unweighted (fk rule)
    cb.drop(columns="disclosure").to_csv(cb_path, index=False, lineterminator="\n")
    rep = P.privacy_gate_folder(folder)
    assert rep.weight is None and rep.rule == "fk < 5"
    assert rep.quasi_identifiers == ("township", "sex", "age_band", "household_size")
