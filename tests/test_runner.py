"""The runner (tools.run) on a tiny throw-away book: cache, parameters, failure handling, atomic publish.

These tests build a real (small) Jupyter Book, so each takes a few seconds.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from pathlib import Path

import nbformat
import pytest

from tools import run as runner


def _notebook(path: Path, *cells: str, params: str = 'DATA_DIR = "."\nVALUE = 1') -> None:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    p = nbformat.v4.new_code_cell(params)
    p.metadata["tags"] = ["parameters"]
    nb.cells = [nbformat.v4.new_markdown_cell(f"# {path.stem}"), p]
    nb.cells += [nbformat.v4.new_code_cell(c) for c in cells]
    nbformat.write(nb, path)


@pytest.fixture()
def tiny(tmp_path: Path) -> dict:
    book = tmp_path / "book"
    (book / "chapters").mkdir(parents=True)
    (book / "_config.yml").write_text(
        'title: Tiny\nonly_build_toc_files: true\nexecute:\n  execute_notebooks: "off"\n'
    )
    (book / "_toc.yml").write_text(
        "format: jb-book\nroot: intro\nchapters:\n  - file: chapters/one\n  - file: chapters/two\n"
    )
    (book / "intro.md").write_text("# Tiny book\n\nHello.\n")
    _notebook(book / "chapters" / "one.ipynb", "print('one', VALUE)")
    _notebook(
        book / "chapters" / "two.ipynb",
        "from pathlib import Path\nprint(sorted(p.name for p in Path(DATA_DIR).iterdir()))",
    )
    data = tmp_path / "data"
    data.mkdir()
    (data / "x.csv").write_text("a\n1\n")
    return {"book": book, "data": data, "build": book / "_build"}


def _run(t: dict, **kw) -> int:
    # repo=the tmp folder: the cache key then covers a private (empty) utils/, not the real one,
    # so that edits elsewhere in the checkout cannot turn a cache hit into a miss mid-test.
    return runner.run(book_dir=t["book"], data_dir=t["data"], jobs=2, repo=t["book"].parent, **kw)


def _summary(t: dict) -> dict:
    rows = json.loads((t["build"] / "runner" / "summary.json").read_text())["results"]
    return {Path(r["chapter"]).name: r for r in rows}


def _tree_digest(folder: Path) -> str:
    h = hashlib.sha256()
    for p in sorted(folder.rglob("*")):
        if p.is_file():
            h.update(str(p.relative_to(folder)).encode() + p.read_bytes())
    return h.hexdigest()


def test_toc_is_the_chapter_list(tiny):
    assert [c.short for c in runner.read_toc(tiny["book"])] == ["one", "two"]


def test_toc_entry_without_file_is_named(tiny):
    (tiny["book"] / "_toc.yml").write_text(
        "format: jb-book\nroot: intro\nchapters:\n  - file: chapters/ghost\n"
    )
    with pytest.raises(runner.RunnerError, match=r"entry 'chapters/ghost' names no file"):
        runner.read_toc(tiny["book"])


@pytest.mark.slow
def test_build_then_noop_then_touch(tiny, capsys):
    start = time.monotonic()
    assert _run(tiny) == 0
    first = time.monotonic() - start
    html = tiny["build"] / "html"
    assert (html / "index.html").is_file()
    assert (html / "chapters" / "one.html").is_file() and (html / "chapters" / "two.html").is_file()
    assert "one 1" in (html / "chapters" / "one.html").read_text()
    executed = nbformat.read(tiny["build"] / "executed" / "chapters" / "two.ipynb", as_version=4)
    assert any("x.csv" in o.get("text", "") for c in executed.cells for o in c.get("outputs", []))
    committed = nbformat.read(tiny["book"] / "chapters" / "one.ipynb", as_version=4)
    assert all(not c.get("outputs") for c in committed.cells if c.cell_type == "code")

    start = time.monotonic()
    assert _run(tiny) == 0
    second = time.monotonic() - start
    assert {r["status"] for r in _summary(tiny).values()} == {"cached"}
    assert second * 5 < first, f"no-op rebuild {second:.2f} s is not 5x faster than {first:.2f} s"
    assert "cache hit" in capsys.readouterr().out

    (tiny["data"] / "x.csv").touch()
    os.utime(tiny["data"] / "x.csv", ns=(time.time_ns(), time.time_ns() + 10**9))
    assert _run(tiny, build=False) == 0
    assert {r["status"] for r in _summary(tiny).values()} == {"ok"}


def test_inputs_digest_sees_utils_and_data(tmp_path):
    (tmp_path / "utils").mkdir()
    module = tmp_path / "utils" / "m.py"
    module.write_text("x = 1\n")
    data = tmp_path / "data"
    data.mkdir()
    (data / "d.csv").write_text("a\n")
    base = runner.inputs_digest(data, repo=tmp_path)
    assert runner.inputs_digest(data, repo=tmp_path) == base
    st = module.stat()
    os.utime(module, ns=(st.st_atime_ns, st.st_mtime_ns + 10**9))  # `touch`
    touched = runner.inputs_digest(data, repo=tmp_path)
    assert touched != base
    module.write_text("x = 2\n")
    assert runner.inputs_digest(data, repo=tmp_path) not in {base, touched}
    (data / "d.csv").write_text("b\n")
    assert runner.inputs_digest(data, repo=tmp_path) != touched


@pytest.mark.slow
def test_parameters_change_the_key_and_reach_the_notebook(tiny):
    assert _run(tiny, build=False) == 0
    assert _run(tiny, only=["one"], parameters={"VALUE": 42}) == 0
    row = _summary(tiny)["one"]
    assert row["status"] == "ok" and row["parameters"]["VALUE"] == 42
    executed = nbformat.read(tiny["build"] / "executed" / "chapters" / "one.ipynb", as_version=4)
    assert any("one 42" in o.get("text", "") for c in executed.cells for o in c.get("outputs", []))


@pytest.mark.slow
def test_failing_chapter_names_cell_and_keeps_published_book(tiny, capsys):
    assert _run(tiny) == 0
    html = tiny["build"] / "html"
    before = _tree_digest(html)
    _notebook(
        tiny["book"] / "chapters" / "two.ipynb",
        "x = 1",
        "raise ValueError('planted failure in the survey table')",
    )
    assert _run(tiny) == 1
    out = capsys.readouterr().out
    assert "chapter chapters/two failed at cell 4 (In [4])" in out
    assert "ValueError: planted failure in the survey table" in out
    assert "published book was left unchanged" in out
    assert _tree_digest(html) == before
    partial = tiny["build"] / "failed" / "chapters" / "two.ipynb"
    assert partial.is_file()
    nb = nbformat.read(partial, as_version=4)
    assert any(o.get("ename") == "ValueError" for c in nb.cells for o in c.get("outputs", []))
    assert _summary(tiny)["two"]["status"] == "failed"


@pytest.mark.slow
def test_failing_book_build_keeps_published_book(tiny, capsys):
    assert _run(tiny) == 0
    before = _tree_digest(tiny["build"] / "html")
    (tiny["book"] / "intro.md").write_text("# Tiny\n\nA broken reference {ref}`no-such-label`.\n")
    assert _run(tiny) == 1
    assert "book build failed" in capsys.readouterr().out
    assert _tree_digest(tiny["build"] / "html") == before


@pytest.mark.slow
def test_bad_arguments_exit_2(tiny, capsys):
    assert _run(tiny, only=["nope"]) == 2
    assert "--only ['nope']: not in _toc.yml" in capsys.readouterr().out
    assert runner.run(book_dir=tiny["book"], data_dir=tiny["data"] / "missing") == 2


def test_parse_value_reads_like_papermill():
    assert runner.parse_value("3") == 3
    assert runner.parse_value("0.5") == 0.5
    assert runner.parse_value("true") is True
    assert runner.parse_value("entropy") == "entropy"
    assert runner.parse_value("[1, 2]") == [1, 2]  # a list; the chapter's declaration decides
    assert runner.parse_value("{a: 1}") == "{a: 1}"


def test_runner_refuses_data_with_direct_identifiers(tiny, capsys):
    """The privacy gate runs before any chapter: a name column stops the build (exit 2),
    naming the file and the column, and nothing is executed or published."""
    survey = tiny["data"] / "survey"
    survey.mkdir()
    (survey / "households.csv").write_text(
        "household_id,township,name\nH0001,T01,Zhang San\nH0002,T02,Li Si\n", encoding="utf-8"
    )
    assert _run(tiny) == 2
    out = capsys.readouterr().out
    assert "privacy gate refused the data" in out
    assert "survey/households.csv" in out and "'name'" in out
    assert not (tiny["build"] / "html").exists()
    assert not (tiny["build"] / "executed").exists()
