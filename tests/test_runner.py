"""The runner (tools.run) on a tiny throw-away book: cache, parameters, failure handling, atomic publish.

These tests build a real (small) Jupyter Book, so each takes a few seconds.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
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


# ------------------------------------------------------------------------------------------
# Issue 17: a cache that cannot lie and heals itself, clean interrupts, a lock, a full disk
# ------------------------------------------------------------------------------------------


def _stamp(t: dict, name: str) -> Path:
    return t["build"] / "cache" / "chapters" / f"{name}.json"


def _executed(t: dict, name: str) -> Path:
    return t["build"] / "executed" / "chapters" / f"{name}.ipynb"


@pytest.mark.slow
def test_damaged_cache_is_a_miss_never_a_crash(tiny, capsys):
    assert _run(tiny, build=False) == 0
    good = _executed(tiny, "one").read_text()
    damages = [
        lambda: _executed(tiny, "one").write_text(good[: len(good) // 2]),  # truncated copy
        lambda: _executed(tiny, "one").write_text(""),  # empty copy
        lambda: _stamp(tiny, "one").write_text("null"),  # a null stamp
        lambda: _stamp(tiny, "one").write_text("[1, 2]"),  # not an object
        lambda: _stamp(tiny, "one").write_bytes(b"\xff\xfe{"),  # not text
        # a copy run with other parameters under the old stamp (the signal-between-copy-and-stamp
        # case of issue 17): the stamp's hash no longer matches, so it is a miss
        lambda: _executed(tiny, "one").write_text(good.replace("one 1", "one 42")),
    ]
    for damage in damages:
        damage()
        assert _run(tiny, build=False) == 0
        rows = _summary(tiny)
        assert rows["one"]["status"] == "ok" and rows["two"]["status"] == "cached"
        assert "one 1" in _executed(tiny, "one").read_text()
    assert _run(tiny, build=False) == 0 and _summary(tiny)["one"]["status"] == "cached"
    capsys.readouterr()


def test_stamp_is_removed_before_the_copy_is_replaced(tiny, monkeypatch):
    """The order that makes an interrupt harmless: unlink stamp, replace copy, write stamp."""
    order: list[str] = []
    real_replace, real_unlink = os.replace, Path.unlink
    monkeypatch.setattr(
        runner.os,
        "replace",
        lambda a, b: (
            order.append(f"replace {Path(b).parent.name}/{Path(b).name}"),
            real_replace(a, b),
        ),
    )
    monkeypatch.setattr(
        Path,
        "unlink",
        lambda self, **kw: (
            order.append(f"unlink {self.parent.name}/{self.name}"),
            real_unlink(self, **kw),
        ),
    )
    assert _run(tiny, only=["one"]) == 0
    i_unlink = order.index("unlink chapters/one.json")  # the stamp (cache/chapters/one.json)
    i_copy = order.index("replace chapters/one.ipynb")
    i_stamp = max(i for i, o in enumerate(order) if o == "replace chapters/one.json")
    assert i_unlink < i_copy < i_stamp


def test_leftover_temporary_folders_are_removed(tiny):
    build = tiny["build"]
    for name in ("run-one-abc", "stage-xyz", ".html-old-123"):
        (build / name / "deep").mkdir(parents=True)
        (build / name / "deep" / "big.bin").write_bytes(b"0" * 1000)
    assert _run(tiny, only=["one"]) == 0
    assert not list(build.glob("run-*")) and not list(build.glob("stage-*"))
    assert not list(build.glob(".html-old-*"))


def test_second_concurrent_build_is_refused(tiny, capsys):
    lock = runner.BuildLock(tiny["build"])
    lock.acquire()
    try:
        assert _run(tiny, only=["one"]) == 2
        out = capsys.readouterr().out
        assert "another build is running" in out and str(os.getpid()) in out
        assert not _executed(tiny, "one").exists()
    finally:
        lock.release()
    assert _run(tiny, only=["one"]) == 0


def test_full_disk_is_named_in_the_terminal(tiny, capsys, monkeypatch):
    import errno

    def full(*a, **k):
        raise OSError(errno.ENOSPC, "No space left on device", "book/_build/executed/x.ipynb")

    monkeypatch.setattr(runner, "execute_chapter", full)
    assert _run(tiny, build=False) == 1
    out = capsys.readouterr().out
    assert "No space left on device" in out and "published book was left unchanged" in out


def test_full_disk_during_the_book_build_is_named(tiny, capsys, monkeypatch):
    monkeypatch.setattr(
        runner,
        "_run_jb",
        lambda *a: (1, "Traceback ...\nOSError: [Errno 28] No space left on device"),
    )
    monkeypatch.setattr(
        runner, "execute_chapter", lambda c, **kw: runner.ChapterResult(c.name, "cached")
    )
    (tiny["build"] / "executed" / "chapters").mkdir(parents=True)
    for name in ("one", "two"):
        _executed(tiny, name).write_text(json.dumps(
            {"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}))  # fmt: skip
    assert _run(tiny) == 1
    out = capsys.readouterr().out
    assert "error: No space left on device: the book build ran out of disk space" in out
    assert not (tiny["build"] / "html").exists()


@pytest.mark.slow
@pytest.mark.parametrize("signame", ["SIGINT", "SIGTERM"])
def test_ctrl_c_cancels_queued_chapters_and_publishes_nothing(tiny, signame):
    import signal
    import subprocess
    import sys

    _notebook(
        tiny["book"] / "chapters" / "one.ipynb",
        "import time\nprint('start', flush=True)\ntime.sleep(120)",
    )
    proc = subprocess.Popen(
        [sys.executable, "-m", "tools.run", "--book-dir", str(tiny["book"]),
         "--data-dir", str(tiny["data"]), "--jobs", "1"],
        cwd=runner.REPO, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    lines = []
    for line in proc.stdout:
        lines.append(line)
        if re.search(r"\[one\] cell (\d+)/\1 ", line):  # the last cell (the sleep) started
            break
    time.sleep(1.0)
    # a second build in the same folder, meanwhile, is refused (the lock), and changes nothing
    second = subprocess.run(
        [sys.executable, "-m", "tools.run", "--book-dir", str(tiny["book"]),
         "--data-dir", str(tiny["data"]), "--only", "two"],
        cwd=runner.REPO, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert second.returncode == 2 and "another build is running" in second.stdout
    start = time.monotonic()
    proc.send_signal(getattr(signal, signame))
    rest, _ = proc.communicate(timeout=30)
    elapsed = time.monotonic() - start
    out = "".join(lines) + rest
    assert proc.returncode == 130, out
    assert elapsed < 10, f"exit took {elapsed:.1f} s"
    assert "[two] executing" not in out  # the queued chapter never started
    assert "nothing was published" in out
    assert not (tiny["build"] / "html").exists()
    assert not list(tiny["build"].glob("run-*")) and not list(tiny["build"].glob("stage-*"))
    kernels = subprocess.run(["pgrep", "-f", str(tiny["book"])], capture_output=True, text=True)
    assert kernels.stdout.strip() == "", "a worker or kernel outlived the runner"


@pytest.mark.slow
def test_broken_book_stamp_heals_and_no_absolute_path_is_published(tiny, capsys):
    """A broken book.json rebuilds (no `make clean`); the data folder (outside the repository)
    is published by name only, and a parameter value with markup is text on the page."""
    _notebook(
        tiny["book"] / "chapters" / "one.ipynb",
        "print('one', VALUE)",
        params='DATA_DIR = "."\nVALUE = "x"  # any text',
    )
    _notebook(
        tiny["book"] / "chapters" / "two.ipynb",
        "print('two', VALUE)",
        params='DATA_DIR = "."\nVALUE = "x"  # any text',
    )
    assert _run(tiny, parameters={"VALUE": "<img src=x onerror=alert(1)>"}) == 0
    (tiny["build"] / "cache" / "book.json").write_text("null")
    assert _run(tiny, parameters={"VALUE": "<img src=x onerror=alert(1)>"}) == 0
    assert "book: built" in capsys.readouterr().out
    html_dir = tiny["build"] / "html"
    for page in html_dir.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert str(tiny["data"]) not in text and str(tiny["data"].parent) not in text, page
        assert "<img src=x" not in text, page
    one = (html_dir / "chapters" / "one.html").read_text()
    assert "&lt;img src=x onerror=alert(1)&gt;" in one


def test_bad_data_folder_stops_before_any_chapter(tiny, capsys):
    """The whole folder is checked first: every problem in one report, exit 2, nothing run."""
    import shutil

    data = tiny["data"].parent / "bad data"
    shutil.copytree(runner.REPO / "data", data)
    (data / "truth.json").write_text("{")
    (data / "townships" / "panel.csv").write_text("")
    assert runner.run(book_dir=tiny["book"], data_dir=data, repo=tiny["book"].parent) == 2
    out = capsys.readouterr().out
    assert "truth.json line 1" in out and "townships/panel.csv line 1" in out
    assert "No chapter was started." in out
    assert not (tiny["build"] / "executed").exists()


def test_refused_parameter_stops_before_any_chapter(tiny, capsys):
    assert _run(tiny, parameters={"VALUEE": 2, "os.system('x')": 1, "DATA_DIR": "/"}) == 2
    out = capsys.readouterr().out
    assert "parameter VALUEE is declared by none of the chapters run (one, two)" in out
    assert "did you mean VALUE?" in out and "is not a plain identifier" in out
    assert "DATA_DIR cannot be set with -p" in out
    assert not (tiny["build"] / "executed").exists()


def test_a_swap_stopped_halfway_gives_the_last_good_site_back(tiny):
    build = tiny["build"]
    (build / ".html-old-999").mkdir(parents=True)
    (build / ".html-old-999" / "index.html").write_text("last good site")
    runner.clean_stale(build)
    assert (build / "html" / "index.html").read_text() == "last good site"
    assert not list(build.glob(".html-old-*"))


# ------------------------------------------------------------------------------------------
# Issue 12 item 9: findings as data (BUILD_DIR/findings/<chapter>.json -> BUILD_DIR/findings.json)
# ------------------------------------------------------------------------------------------

_FINDINGS_PARAMS = 'DATA_DIR = "."\nFINDINGS_DIR = "../_build/findings"\nVALUE = 1'
_FOUR = """import json
from pathlib import Path
if VALUE < 0:
    raise ValueError("planted failure before the findings are written")
rec = {"chapter": "four", "data_dir": str(Path(DATA_DIR).resolve()), "scenario": "thesis",
       "parameters": {"VALUE": VALUE},
       "dimensions": [
           {"id": "gs", "label": "Government services", "score": 40.0 + VALUE, "ci_low": 35.0,
            "ci_high": 45.0, "problem": True, "verdict": "supported"},
           {"id": "ss", "label": "Social security", "score": 70.0, "ci_low": float("nan"),
            "ci_high": 75.0, "problem": False, "verdict": "not supported"}]}
out = Path(FINDINGS_DIR)
out.mkdir(parents=True, exist_ok=True)
(out / "four.json").write_text(json.dumps(rec))
"""
_FIVE = """import json
from pathlib import Path
f = Path(FINDINGS_DIR) / "four.json"
print("five saw", json.loads(f.read_text())["dimensions"][0]["score"] if f.is_file() else None)
rec = {"chapter": "five", "data_dir": str(Path(DATA_DIR).resolve()),
       "parameters": {"VALUE": VALUE, "N": 3},
       "causes": [{"id": "gov", "label": "Government role", "effect": 0.3, "ci_low": 0.1,
                   "ci_high": 0.5, "verdict": "supported"}],
       "countermeasures": [{"id": "cm1", "cause": "gov", "verdict": "supported",
                            "monitor": "visits"}],
       "dimensions": [{"id": "gs", "score": 99.0, "importance": 0.2},
                      {"id": "iq", "label": "Ideological knowledge", "score": 50.0}]}
Path(FINDINGS_DIR).mkdir(parents=True, exist_ok=True)
(Path(FINDINGS_DIR) / "five.json").write_text(json.dumps(rec))
"""


@pytest.fixture()
def with_findings(tiny) -> dict:
    """The tiny book with chapters four and five writing findings (five reads four's file)."""
    chapters = tiny["book"] / "chapters"
    _notebook(chapters / "four.ipynb", _FOUR, params=_FINDINGS_PARAMS)
    _notebook(chapters / "five.ipynb", _FIVE, params=_FINDINGS_PARAMS)
    (tiny["book"] / "_toc.yml").write_text(
        "format: jb-book\nroot: intro\nchapters:\n  - file: chapters/one\n"
        "  - file: chapters/four\n  - file: chapters/five\n"
    )
    return tiny


def _findings(t: dict) -> dict:
    return json.loads((t["build"] / "findings.json").read_text(encoding="utf-8"))


def _printed(t: dict, name: str) -> str:
    nb = nbformat.read(_executed(t, name), as_version=4)
    return "".join(o.get("text", "") for c in nb.cells for o in c.get("outputs", []))


@pytest.mark.slow
def test_findings_are_merged_cached_restored_and_never_stale(with_findings, capsys):
    t = with_findings
    assert _run(t, build=False) == 0
    merged = _findings(t)
    text = (t["build"] / "findings.json").read_text(encoding="utf-8")
    assert str(t["data"].parent) not in text and "NaN" not in text  # no absolute path; strict JSON
    assert merged["data_dir"] == "data" and merged["scenario"] == "thesis"
    assert merged["parameters"] == {"VALUE": 1, "N": 3}
    assert set(merged["chapters"]) == {"four", "five"} and merged["skipped"] == {}
    assert merged["chapters"]["four"]["data_dir"] == "data"
    dims = {d["id"]: d for d in merged["dimensions"]}
    assert list(dims) == ["gs", "ss", "iq"]
    # chapter 4's fields win, chapter 5's add what chapter 4 lacks
    assert dims["gs"]["score"] == 41.0 and dims["gs"]["importance"] == 0.2
    assert dims["gs"]["chapters"] == ["four", "five"] and dims["ss"]["ci_low"] is None
    assert [c["id"] for c in merged["causes"]] == ["gov"] and merged["causes"][0][
        "chapter"
    ] == "five"
    assert merged["countermeasures"][0]["monitor"] == "visits"
    assert "five saw 41.0" in _printed(t, "five")  # five ran after four, and read its fresh file
    rows = _summary(t)
    assert rows["four"]["parameters"]["FINDINGS_DIR"] == "book/_build/findings"
    assert rows["four"]["findings"] and not rows["one"]["findings"]

    # (c) a cache hit restores the findings files, and the merged file is the same
    for f in (t["build"] / "findings").glob("*.json"):
        f.unlink()
    (t["build"] / "findings.json").unlink()
    assert _run(t, build=False) == 0
    assert {r["status"] for r in _summary(t).values()} == {"cached"}
    assert _findings(t) == merged

    # a chapter taken from the cache keeps its file; five's key follows four's file
    assert _run(t, only=["four"], parameters={"VALUE": 2}) == 0
    assert _findings(t)["dimensions"][0]["score"] == 42.0
    assert "five" in _findings(t)["chapters"]  # not executed: its file stays
    assert _run(t, only=["five"]) == 0  # four.json changed: five is a miss
    assert _summary(t)["five"]["status"] == "ok" and "five saw 42.0" in _printed(t, "five")
    assert _run(t, build=False) == 0
    rows = _summary(t)
    assert rows["four"]["status"] == "ok" and rows["five"]["status"] == "ok"  # four.json changed
    assert "five saw 41.0" in _printed(t, "five")
    assert _run(t, build=False) == 0 and {r["status"] for r in _summary(t).values()} == {"cached"}

    # a damaged cached findings copy is a miss, never a lie
    (t["build"] / "cache" / "chapters" / "four.findings.json").write_text("{}")
    assert _run(t, build=False) == 0
    assert _summary(t)["four"]["status"] == "ok"
    assert _findings(t)["dimensions"][0]["score"] == 41.0

    # (a) a chapter about to execute loses its old file: a failed run leaves none
    assert _run(t, only=["four"], parameters={"VALUE": -1}) == 1
    assert not (t["build"] / "findings" / "four.json").exists()
    assert set(_findings(t)["chapters"]) == {"five"}
    capsys.readouterr()


@pytest.mark.slow
def test_findings_of_another_data_folder_are_not_merged(with_findings, capsys):
    t = with_findings
    assert _run(t, build=False) == 0
    other = t["data"].parent / "other"
    other.mkdir()
    (other / "x.csv").write_text("a\n2\n")
    status = runner.run(
        book_dir=t["book"], data_dir=other, only=["five"], jobs=1, repo=t["book"].parent
    )
    assert status == 0
    merged = _findings(t)
    assert merged["data_dir"] == "other" and set(merged["chapters"]) == {"five"}
    assert "another data folder (data, not other)" in merged["skipped"]["four"]
    assert "four.json not merged" in capsys.readouterr().out


def test_merge_findings_scrubs_paths_and_skips_what_it_cannot_trust(tmp_path):
    book = tmp_path / "book"
    (book / "chapters").mkdir(parents=True)
    for name in ("four", "five"):
        _notebook(book / "chapters" / f"{name}.ipynb", params=_FINDINGS_PARAMS)
    chapters = [runner.Chapter(f"chapters/{n}", book / "chapters" / f"{n}.ipynb") for n in ("four", "five")]  # fmt: skip
    data = tmp_path / "data"
    data.mkdir()
    folder = tmp_path / "findings"
    folder.mkdir()
    (folder / "four.json").write_text(json.dumps({
        "data_dir": "../../data",  # relative to the chapter's folder, as DATA_DIR is
        "dimensions": [{"id": "gs", "score": float("inf"), "note": f"read {data}/x.csv"}],
    }))  # fmt: skip
    (folder / "five.json").write_text('{"data_dir": ')  # truncated
    (folder / "old_chapter.json").write_text(json.dumps({"data_dir": str(data)}))
    merged = runner.merge_findings(folder, data, chapters=chapters, repo=tmp_path)
    assert merged["data_dir"] == "data" and list(merged["chapters"]) == ["four"]
    assert merged["dimensions"][0]["score"] is None
    assert merged["dimensions"][0]["note"] == "read data/x.csv"
    assert "not a JSON object" in merged["skipped"]["five"]
    assert "not a chapter" in merged["skipped"]["old_chapter"]
    outside = runner.merge_findings(folder, data, chapters=chapters, repo=book)
    assert outside["data_dir"] == "data" and str(tmp_path) not in json.dumps(outside)
    assert runner.merge_findings(tmp_path / "none", data, chapters=chapters) is None


def test_findings_dependencies_and_findings_dir_is_the_runners(with_findings, capsys):
    chapters = runner.read_toc(with_findings["book"])
    deps = runner.findings_dependencies(chapters)
    assert [d.short for d in deps["chapters/five"]] == ["four"]
    assert deps["chapters/four"] == [] and deps["chapters/one"] == []
    assert _run(with_findings, parameters={"FINDINGS_DIR": "/tmp"}) == 2
    assert "FINDINGS_DIR cannot be set with -p" in capsys.readouterr().out
