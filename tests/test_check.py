"""The whole data folder is checked before any chapter runs (issue 17): ``python -m tools.check``.

Each bad folder is a copy of ``data/`` with one planted fault; the check must report it as the
project's data problem (file, line, column, rule), all problems in one report, exit non-zero, and
never raise or print a value whole.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tools import check
from utils.study import data as D

DATA = Path(__file__).resolve().parents[1] / "data"


@pytest.fixture()
def folder(tmp_path: Path) -> Path:
    root = tmp_path / "d"
    shutil.copytree(DATA, root)
    return root


def _edit(path: Path, old: str, new: str, count: int = 1) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def _errors(root: Path) -> list[str]:
    report = check.check_folder(root)
    return report.errors


def _one(root: Path, *needles: str) -> str:
    errors = _errors(root)
    hits = [e for e in errors if all(n in e for n in needles)]
    assert hits, f"no error with {needles}:\n" + "\n".join(errors)
    return hits[0]


def test_shipped_data_passes(capsys):
    assert check.main([str(DATA)]) == 0
    assert "passed" in capsys.readouterr().out


def test_gbk_codebook(folder: Path):
    cb = folder / "codebook.csv"
    cb.write_bytes(cb.read_text(encoding="utf-8").encode("gb18030"))
    msg = _one(folder, "codebook.csv line", "encoding: not UTF-8", "GBK")
    assert "character" in msg


def test_row_with_an_extra_field(folder: Path):
    panel = folder / "townships" / "panel.csv"
    lines = panel.read_text(encoding="utf-8").splitlines(keepends=True)
    n = len(lines[0].split(","))
    lines[2] = lines[2].replace(",", ",9,", 1)  # line 3 of the file gets one field too many
    panel.write_text("".join(lines), encoding="utf-8")
    _one(
        folder,
        "townships/panel.csv line 3",
        f"tokenising: this row has {n + 1} fields, the header has {n}",
    )


def test_unclosed_quote(folder: Path):
    _edit(folder / "indicators.csv", "GS1,indicator", '"GS1,indicator')
    _one(folder, "indicators.csv", "tokenising")


def test_xlsx_saved_as_csv(folder: Path):
    (folder / "background" / "china_rural_poverty_2012_2021.csv").write_bytes(
        b"PK\x03\x04" + b"\x00" * 100
    )
    _one(folder, "background/china_rural_poverty_2012_2021.csv line 1", "Excel workbook")


def test_binary_file(folder: Path):
    (folder / "townships" / "panel.csv").write_bytes(b"township,year\nT01,\x00\x01\n")
    _one(folder, "townships/panel.csv line 2", "binary data")


def test_invalid_regex_in_codebook(folder: Path):
    text = (folder / "codebook.csv").read_text(encoding="utf-8").splitlines()
    i = next(k for k, line in enumerate(text) if ",regex:" in line or ',"regex:' in line)
    text[i] = text[i].replace("regex:^", "regex:^([", 1)
    (folder / "codebook.csv").write_text("\n".join(text) + "\n", encoding="utf-8")
    _one(folder, f"codebook.csv line {i + 1}", "column 'allowed'", "invalid regular expression")


def test_non_numeric_codebook_bound(folder: Path):
    text = (folder / "codebook.csv").read_text(encoding="utf-8").splitlines()
    i = next(k for k, line in enumerate(text) if line.startswith("survey/households.csv,age,"))
    fields = text[i].split(",")
    assert fields[7] != ""  # the age row has a numeric lower bound
    fields[7] = "eighteen"
    text[i] = ",".join(fields)
    (folder / "codebook.csv").write_text("\n".join(text) + "\n", encoding="utf-8")
    _one(folder, f"codebook.csv line {i + 1}", "column 'min'", "must be a number")


def test_empty_panel(folder: Path):
    (folder / "townships" / "panel.csv").write_text("")
    _one(folder, "townships/panel.csv line 1", "empty file")


def test_header_only_panel(folder: Path):
    panel = folder / "townships" / "panel.csv"
    panel.write_text(panel.read_text().splitlines()[0] + "\n")
    _one(folder, "townships/panel.csv", "need at least 3 townships")


def test_broken_truth_file(folder: Path):
    (folder / "truth.json").write_text('{"experts": {"a": 1,\n  "b": }\n}')
    _one(folder, "truth.json line 2", "character 8", "JSON: Expecting value")


def test_truth_not_an_object(folder: Path):
    (folder / "truth.json").write_text("[1, 2]")
    _one(folder, "truth.json", "must hold an object")


def test_huge_number(folder: Path):
    panel = folder / "townships" / "panel.csv"
    lines = panel.read_text(encoding="utf-8").splitlines(keepends=True)
    col = lines[0].split(",").index("rural_population")
    fields = lines[1].split(",")
    fields[col] = "1e999"
    lines[1] = ",".join(fields)
    panel.write_text("".join(lines), encoding="utf-8")
    _one(folder, "townships/panel.csv line 2", "rural_population", "overflow")
    _edit(folder / "townships" / "panel.csv", ",1e999,", ",99999999999999999999999,")
    _one(folder, "townships/panel.csv line 2", "rural_population", "overflow")


def test_panel_missing_a_year(folder: Path):
    panel = folder / "townships" / "panel.csv"
    lines = panel.read_text().splitlines(keepends=True)
    panel.write_text("".join(line for line in lines if not line.startswith("T07,Township 07,2018")))
    _one(folder, "townships/panel.csv", "'T07'", "missing year(s) 2018")


def test_missing_expert_block(folder: Path):
    path = folder / "experts" / "judgments.csv"
    lines = path.read_text().splitlines(keepends=True)
    path.write_text(
        "".join(line for line in lines if line.split(",")[0] != "E02" or line.split(",")[2] != "ss")
    )
    _one(folder, "experts/judgments.csv", "'E02'", "missing block(s) ss")


def test_indicator_source_column_unknown(folder: Path):
    _edit(folder / "indicators.csv", "township,stationed_cadres", "township,cadres_stationed")
    _one(folder, "indicators.csv line 7", "source_column", "not a column of townships/panel.csv")


def test_item_nonresponse_warning_and_error(folder: Path):
    import pandas as pd

    path = folder / "survey" / "households.csv"
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    n = len(df)
    df.loc[: int(0.57 * n), "gs4"] = ""
    df.loc[: int(0.3 * n), "ed3"] = ""
    df.to_csv(path, index=False, lineterminator="\n")
    report = check.check_folder(folder)
    assert any("'gs4'" in e and "non-response above 50%" in e for e in report.errors), report.errors
    assert any("'ed3'" in w and "non-response above 20%" in w for w in report.warnings)
    (folder / "checks.json").write_text('{"nonresponse_warn": 0.6, "nonresponse_error": 0.9}')
    report = check.check_folder(folder)
    assert not any("non-response" in e for e in report.errors + report.warnings)


def _keep_rows(path: Path, keep) -> None:
    lines = path.read_text().splitlines(keepends=True)
    path.write_text(lines[0] + "".join(line for i, line in enumerate(lines[1:]) if keep(i, line)))


def test_one_household(folder: Path):
    _keep_rows(folder / "survey" / "households.csv", lambda i, line: i == 0)
    errors = _errors(folder)
    assert any("1 household(s)" in e and "at least 30 households" in e for e in errors)
    assert any("need at least 2 townships" in e for e in errors)


def test_one_township(folder: Path):
    _keep_rows(folder / "survey" / "households.csv", lambda i, line: ",T01," in line)
    _one(folder, "survey/households.csv", "1 township(s)", "at least 2 townships")


def test_constant_item(folder: Path):
    import pandas as pd

    path = folder / "survey" / "households.csv"
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    df["in2"] = "3"
    df.to_csv(path, index=False, lineterminator="\n")
    _one(folder, "survey/households.csv", "'in2'", "nobody varies on this item")


def test_huge_cell_is_quoted_as_an_excerpt(folder: Path, capsys):
    big = "x" * 2_000_000
    _edit(folder / "survey" / "households.csv", "H0001", big)
    assert check.main([str(folder)]) == 2
    out = capsys.readouterr().out
    assert "2000000 characters" in out and len(out) < 20_000


def test_all_problems_in_one_report_and_exit_2(folder: Path, capsys):
    (folder / "truth.json").write_text("{")
    (folder / "townships" / "panel.csv").write_text("")
    _edit(folder / "survey" / "households.csv", "H0002,T01", "H0002,T99")
    assert check.main([str(folder)]) == 2
    out = capsys.readouterr().out
    for needle in (
        "truth.json line 1",
        "townships/panel.csv line 1",
        "survey/households.csv line 3",
    ):
        assert needle in out
    assert "No chapter was started." in out


def test_missing_file_and_wrong_layout(tmp_path: Path):
    root = tmp_path / "d"
    (root / "survey").mkdir(parents=True)
    shutil.copy(DATA / "survey" / "households.csv", root / "survey" / "households.csv")
    errors = _errors(root)
    assert any("townships/panel.csv" in e and "file not found" in e for e in errors)
    assert not any(str(tmp_path) in e for e in errors)  # no absolute path in the report


def test_folder_without_book_files_is_privacy_checked_only(tmp_path: Path):
    (tmp_path / "x.csv").write_text("a\n1\n")
    assert check.check_folder(tmp_path).errors == []
    (tmp_path / "y.csv").write_text("phone\n13812345678\n")
    report = check.check_folder(tmp_path)
    assert report.privacy == 1 and "privacy gate refused the data" in report.error_text()
    assert "13812345678" not in report.error_text()


def test_check_never_raises_on_any_single_byte_file(folder: Path):
    for rel in D.FILES.values():
        p = folder / rel
        p.write_bytes(b"\xff")
        assert check.check_folder(folder).errors
        shutil.copy(DATA / rel, p)


def test_loaders_raise_the_project_error_on_parse_failures(folder: Path):
    cb = folder / "codebook.csv"
    cb.write_bytes(cb.read_text(encoding="utf-8").encode("gb18030"))
    with pytest.raises(D.DataValidationError, match="encoding"):
        D.load_codebook(folder)
    (folder / "truth.json").write_text("{")
    with pytest.raises(D.DataValidationError, match="JSON"):
        D.load_truth(folder)
    json.dumps({})


def test_ids_quoted_in_rules_are_bounded(folder: Path, capsys):
    """An expert id of a megabyte, quoted inside a cross-cell rule, is cut too."""
    path = folder / "experts" / "judgments.csv"
    big = "E" + "9" * 1_000_000
    path.write_text(path.read_text().replace("E01,", big + ",", 3))
    assert check.main([str(folder)]) == 2
    out = capsys.readouterr().out
    assert len(out) < 100_000 and "9" * 1000 not in out


def test_a_file_wrong_on_every_row_gives_a_bounded_report(folder: Path, capsys):
    path = folder / "survey" / "households.csv"
    lines = path.read_text().splitlines()
    path.write_text(
        "\n".join([lines[0]] + [line.replace(",T", ",X", 1) for line in lines[1:]]) + "\n"
    )
    assert check.main([str(folder)]) == 2
    out = capsys.readouterr().out
    assert "more (fix these first)" in out and out.count("\n  - ") <= 201
