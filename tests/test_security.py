"""Untrusted data and parameters cannot hurt the book (issue 17): escaped output, no shell or code
injection, no absolute paths on pages, bounded messages.

Fast tests (no book build): the generated Markdown is rendered with MyST's own markdown-it parser
and the HTML is searched for any element that came from data.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path

import nbformat
import pytest

from tools import run as runner
from utils.escape import excerpt, html_text, myst_code, myst_text

REPO = Path(__file__).resolve().parents[1]
XSS = "<img src=x onerror=alert(1)>"
NASTY = [
    XSS,
    "`" + XSS + "`",
    "``` " + XSS,
    "a|b " + XSS,
    "{{ x }} {raw}`html` $x$ [l](javascript:alert(1)) <script>alert(1)</script>",
    "line\n```\n" + XSS + "\n```",
    "*emph* _u_ \\ & &amp; <!-- c -->",
]


def _render(markdown: str) -> str:
    from markdown_it.renderer import RendererHTML
    from myst_parser.config.main import MdParserConfig
    from myst_parser.parsers.mdit import create_md_parser

    config = MdParserConfig(
        enable_extensions={"dollarmath", "colon_fence", "substitution", "deflist", "html_image"}
    )
    return create_md_parser(config, RendererHTML).render(markdown)


def _no_markup_from_data(html: str) -> None:
    assert not re.search(r"<(img|script|a|em|strong)\b", html), html
    assert "onerror=alert(1)&gt;" in html or "onerror" not in html


def test_the_markup_check_can_fail():
    with pytest.raises(AssertionError):
        _no_markup_from_data(_render(XSS))
    with pytest.raises(AssertionError):
        _no_markup_from_data(_render("`a` " + "`" + XSS))  # an unbalanced backtick


@pytest.mark.parametrize("value", NASTY)
def test_myst_text_and_code_render_as_text(value: str):
    for md in (
        myst_text(value),
        myst_code(value),
        "| a |\n|---|\n| " + myst_code(value, in_table=True) + " |",
    ):
        html = _render(md)
        _no_markup_from_data(html)
        assert "<table>" in html if md.startswith("|") else True
    assert "&lt;img" in html_text(XSS) and "<" not in html_text(XSS)


@pytest.mark.parametrize("value", NASTY)
def test_rerun_note_escapes_parameter_values(value: str):
    chapter = runner.Chapter("chapters/09_x", REPO / "x.ipynb")
    note = runner.rerun_note(chapter, {"DATA_DIR": value, "WEIGHTS": value})
    body = note.split("\n", 2)[2].rsplit("\n", 1)[0]  # inside the admonition fence
    assert note.startswith("````{admonition}") and note.endswith("\n````")
    assert "\n````" not in body  # a value cannot close the directive
    _no_markup_from_data(_render(body))


@pytest.mark.parametrize("value", NASTY)
def test_run_summary_escapes_chapters_and_parameters(value: str):
    result = runner.ChapterResult(value, "ok", parameters={"DATA_DIR": value, "X": value})
    html = _render(runner.summary_markdown([result]))
    _no_markup_from_data(html)
    assert html.count("<tr>") == 2  # a `|` in a value does not add cells or rows
    assert html.count("<td") == 6


def test_data_appendix_heading_escapes_codebook_file_names():
    nb = nbformat.read(REPO / "book" / "appendix" / "data.ipynb", as_version=4)
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    assert 'display(Markdown("### " + myst_code(name)))' in code
    assert 'f"### `{name}`"' not in code
    _no_markup_from_data(_render("### " + myst_code("survey/`" + XSS + "`.csv")))


def test_published_data_dir_is_relative_or_a_name(tmp_path: Path):
    assert runner.published_data_dir(REPO / "data") == "data"
    assert runner.published_data_dir(REPO / "tests" / "fixtures") == "tests/fixtures"
    outside = tmp_path / "secret" / "my data"
    assert runner.published_data_dir(outside) == "my data"


def test_staged_notebook_has_no_absolute_path(tmp_path: Path):
    data = tmp_path / "private" / XSS
    data.mkdir(parents=True)
    nb = nbformat.v4.new_notebook()
    params = nbformat.v4.new_code_cell('DATA_DIR = "../../data"')
    params.metadata["tags"] = ["parameters"]
    injected = nbformat.v4.new_code_cell(f"# Parameters\nDATA_DIR = {str(data)!r}\n")
    injected.metadata["tags"] = ["injected-parameters"]
    out = nbformat.v4.new_code_cell("print(DATA_DIR)")
    out.outputs = [nbformat.v4.new_output("stream", name="stdout", text=f"read {data}/x.csv\n")]
    nb.cells = [params, injected, out]
    path = tmp_path / "c.ipynb"
    nbformat.write(nb, path)
    shown = {"DATA_DIR": runner.published_data_dir(data), "SEED": 1}
    runner.prepare_staged_notebook(
        path, runner.Chapter("chapters/c", path), shown, [(str(data), shown["DATA_DIR"])]
    )
    text = path.read_text()
    assert str(tmp_path) not in text and "private" not in text
    staged = nbformat.read(path, as_version=4)
    assert repr(XSS) in staged.cells[1].source  # the injected cell shows the published name
    note = next(c for c in staged.cells if c.cell_type == "markdown")
    _no_markup_from_data(_render(note.source.split("\n", 2)[2]))


def test_excerpt_is_bounded():
    huge = "x" * 10_000_000
    shown = excerpt(huge)
    assert len(shown) < 100 and "10000000 characters" in shown
    assert "\n" not in excerpt("a\nb")


# ------------------------------------------------------------------------------------------
# Parameters: names are plain identifiers declared by a chapter; values are typed and bounded
# ------------------------------------------------------------------------------------------


def _chapter(tmp_path: Path, name: str, params: str) -> runner.Chapter:
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell(params)
    cell.metadata["tags"] = ["parameters"]
    nb.cells = [cell, nbformat.v4.new_code_cell("x = 1")]
    path = tmp_path / f"{name}.ipynb"
    nbformat.write(nb, path)
    return runner.Chapter(f"chapters/{name}", path)


PARAMS = """DATA_DIR = "../../data"  # the data folder
SEED = 20201231  # random seed
N_BOOT = 500  # bootstrap resamples
CI = 0.95  # confidence level of the intervals
WEIGHTS = "combined"  # scheme: "combined", "ahp", "entropy" or "critic"
ROTATION = "varimax"  # any rotation, e.g. "promax", "oblimin"
ALPHA = 0.5  # share of the AHP weights, in [0, 1]
YEAR = None  # None = the latest, or one panel year
SHARES = [0.4, 0.5]  # relative lines
AF_K = 1 / 3  # Alkire-Foster cutoff
EXCLUDE = True  # drop inconsistent matrices
"""


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("__import__('os').system('touch pwned')", 1, "is not a plain identifier"),
        ("X = 1\nimport os", 1, "is not a plain identifier"),
        ("class", 1, "is not a plain identifier"),
        ("DATA_DIR", "elsewhere", "cannot be set with -p: set the data folder with --data-dir"),
        (
            "N_BOTO",
            5,
            r"declared by none of the chapters run \(ch\); valid names: .*did you mean N_BOOT",
        ),
        ("N_BOOT", 100_000_000, "N_BOOT = 100000000: a size must be from 1 to 100000"),
        ("N_BOOT", 0, "a size must be from 1"),
        ("N_BOOT", "many", "must be a whole number"),
        ("N_BOOT", 2.5, "must be a whole number"),
        ("SEED", "abc", "SEED = 'abc': must be a whole number"),
        ("SEED", -1, "a seed must be a whole number from 0"),
        ("CI", 1.5, r"CI = 1.5: must be in \(0, 1\)"),
        ("CI", float("nan"), "must be a finite number"),
        ("WEIGHTS", "bogus", "must be one of combined, ahp, entropy, critic"),
        ("ALPHA", 2, r"must be in \[0, 1\]"),
        ("YEAR", 99999, "a year must be from 1900"),
        ("SHARES", "x", "must be a non-empty list"),
        ("EXCLUDE", "yes", "must be true or false"),
        ("SEED", "x" * 10_000, r"SEED = 'x{60}…' \(10000 characters\)"),
        ("WEIGHTS", "combined" * 1000, "at most 1000 characters"),
        ("YEAR", "latest", "must be None or a number"),
    ],
)
def test_parameter_contract_refuses(tmp_path, name, value, message):
    ch = _chapter(tmp_path, "ch", PARAMS)
    with pytest.raises(runner.ParameterError, match=message):
        runner.check_parameters([ch], {name: value})
    assert not (tmp_path / "pwned").exists()


def test_parameter_contract_accepts_and_routes(tmp_path):
    one = _chapter(tmp_path, "one", PARAMS)
    two = _chapter(tmp_path, "two", 'DATA_DIR = "."\nSEED = 1  # seed\n')
    per, declared = runner.check_parameters(
        [one, two],
        {"SEED": 7, "N_BOOT": 200, "CI": 0.9, "ROTATION": "promax", "YEAR": 2019,
         "SHARES": [0.5], "ALPHA": 1, "AF_K": 0.25},
    )  # fmt: skip
    assert per["chapters/two"] == {"SEED": 7}  # a chapter gets only what it declares
    assert per["chapters/one"]["ALPHA"] == 1.0 and isinstance(per["chapters/one"]["ALPHA"], float)
    assert declared["chapters/one"]["AF_K"].default == pytest.approx(1 / 3)
    assert declared["chapters/one"]["WEIGHTS"].choices == ("combined", "ahp", "entropy", "critic")
    assert declared["chapters/one"]["ROTATION"].choices == ()  # "e.g." lists examples, not choices


def test_every_real_chapter_parameters_cell_is_readable():
    chapters = runner.read_toc(REPO / "book")
    text = runner.parameters_help(chapters)
    assert "unreadable" not in text
    for c in chapters:
        declared = runner.chapter_parameters(c)
        for p in declared.values():  # every default passes its own contract
            if p.default is not None or p.source == "None":
                runner.check_value(p, p.default, c.short)


def test_parameters_string_is_never_run_by_a_shell(tmp_path):
    pairs = runner.split_params("-p WEIGHTS 'entropy' -p NOTE \"a b; touch x\" -p X '$(touch y)'")
    assert pairs == [("WEIGHTS", "entropy"), ("NOTE", "a b; touch x"), ("X", "$(touch y)")]
    with pytest.raises(runner.ParameterError, match="expected '-p NAME VALUE'"):
        runner.split_params("; touch x")
    with pytest.raises(runner.ParameterError, match="No closing quotation"):
        runner.split_params("-p A 'unclosed")


def test_help_lists_every_chapters_parameters(capsys):
    assert runner.main(["--list-parameters"]) == 0
    out = capsys.readouterr().out
    assert "04_scoring:" in out and "N_RESAMPLES = " in out and "CONFIDENCE = 0.95  # " in out
    assert "DATA_DIR =" not in out  # set with --data-dir only


# ------------------------------------------------------------------------------------------
# Makefile: every variable is one quoted word; nothing a user passes runs in a shell
# ------------------------------------------------------------------------------------------


@pytest.fixture()
def fake_venv(tmp_path: Path) -> Path:
    """A .venv whose python records its arguments (so make runs no real build)."""
    venv = tmp_path / "venv"
    (venv / "bin").mkdir(parents=True)
    py = venv / "bin" / "python"
    log = tmp_path / "argv.jsonl"
    py.write_text(
        "#!/usr/bin/env python3\nimport json, sys\n"
        f"open({str(log)!r}, 'a').write(json.dumps(sys.argv[1:]) + '\\n')\n"
    )
    py.chmod(0o755)
    stamp = venv / ".installed-from-lock"
    stamp.touch()
    future = 4_000_000_000
    os.utime(stamp, (future, future))
    return venv


def _make(fake_venv: Path, *args: str) -> tuple[subprocess.CompletedProcess, list[list[str]]]:
    proc = subprocess.run(
        ["make", "--no-print-directory", f"VENV={fake_venv}", *args],
        cwd=fake_venv.parent,
        capture_output=True,
        text=True,
        env={**os.environ, "MAKEFLAGS": ""},
    )
    log = fake_venv.parent / "argv.jsonl"
    calls = [json.loads(x) for x in log.read_text().splitlines()] if log.is_file() else []
    return proc, calls


@pytest.fixture()
def makefile_copy(fake_venv: Path) -> Path:
    (fake_venv.parent / "Makefile").write_text((REPO / "Makefile").read_text())
    (fake_venv.parent / "requirements.lock").touch()
    (fake_venv.parent / "pyproject.toml").touch()
    return fake_venv


@pytest.mark.parametrize(
    "data_dir",
    ["my data", "data;touch pwned", "$(shell touch pwned)", "a'b\"c `touch pwned` $$HOME", "-x"],
)
def test_make_book_passes_data_dir_as_one_word(makefile_copy: Path, data_dir: str):
    proc, calls = _make(
        makefile_copy, "book", f"DATA_DIR={data_dir}", "PARAMS=-p A 'b c'; touch pwned"
    )
    assert proc.returncode == 0, proc.stderr
    assert calls[-1][:3] == ["-m", "tools.run", f"--data-dir={data_dir}"]
    assert calls[-1][-1] == "--params=-p A 'b c'; touch pwned"  # one word, even if it starts with -
    assert not (makefile_copy.parent / "pwned").exists()


def test_make_chapter_quotes_ch_and_jobs(makefile_copy: Path):
    proc, calls = _make(makefile_copy, "chapter", "CH=04_scoring; touch pwned", "JOBS=1 2")
    assert proc.returncode == 0, proc.stderr
    assert calls[-1][:3] == ["-m", "tools.run", "--only=04_scoring; touch pwned"]
    assert "--jobs=1 2" in calls[-1]
    assert not (makefile_copy.parent / "pwned").exists()
    proc, _ = _make(makefile_copy, "chapter")
    assert proc.returncode == 2 and "usage: make chapter" in proc.stdout


def test_make_check_runs_the_data_check(makefile_copy: Path):
    proc, calls = _make(makefile_copy, "check", "DATA_DIR=my data")
    assert proc.returncode == 0 and calls[-1] == ["-m", "tools.check", "--", "my data"]


def test_a_whole_book_parameter_has_one_default_everywhere():
    """A name declared by several chapters (SEED, WEIGHTS, ALPHA, ...) receives one -p value in
    all of them, so it must mean the same thing: at least the same default and type. Two names may
    keep a chapter's own default because they mean the same thing with a need that differs:
    ``N_RESAMPLES`` (how many replicates a chapter's statistic needs: 2,000 for the DEA bootstrap,
    fewer for design-based means) and ``VARIANCE`` (the design-based variance method; chapter 3's
    means can use Taylor linearisation, the others' statistics need replicate weights). Their type
    must still agree."""
    per_chapter_default = {"N_RESAMPLES", "VARIANCE"}
    seen: dict[str, tuple[str, object]] = {}
    for c in runner.read_toc(REPO / "book"):
        for p in runner.chapter_parameters(c).values():
            if p.name == "DATA_DIR":
                continue
            default = list(p.default) if isinstance(p.default, tuple) else p.default
            if p.name in seen:
                first, value = seen[p.name]
                same = value == default or p.name in per_chapter_default
                assert same and type(value) is type(default), (
                    f"{p.name}: {first} says {value!r}, {c.short} says {default!r}"
                )
            else:
                seen[p.name] = (c.short, default)


def test_list_parameters_reach_papermill_as_lists():
    """papermill writes a tuple as a string ("(0.4, 0.5)"): a tuple-default parameter gets a list."""
    from papermill.translators import PythonTranslator

    p = runner.Parameter("RELATIVE_SHARES", (0.4, 0.5, 0.6), "(0.4, 0.5, 0.6)", "")
    value = runner.check_value(p, [0.3, 1], "ch")
    assert value == [0.3, 1.0]
    assert "RELATIVE_SHARES = [0.3, 1.0]" in PythonTranslator.codify({p.name: value})
