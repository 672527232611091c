"""The chapter runner: execute every chapter with papermill (cached, in parallel), then build the book.

Usage (the make targets call this)::

    python -m tools.run                       # execute changed chapters, build book/_build/html
    python -m tools.run --data-dir other/     # the same on another data folder
    python -m tools.run --only 04_scoring -p WEIGHTS entropy --no-build
    python -m tools.run --force --jobs 1      # ignore the cache, one chapter at a time

What it does, in order:

1. Reads the chapter list from ``book/_toc.yml`` (the one source of truth): every ``file:`` entry
   that is a notebook.
2. Runs the privacy gate on the data folder (:func:`utils.study.data.privacy_gate`): a direct identifier
   stops the run; k-anonymity below 5 is reported as a warning.
3. Executes each chapter with papermill (kernel ``python3``, working directory = the notebook's
   folder), injecting ``DATA_DIR`` and any ``-p KEY VALUE`` parameters, into
   ``book/_build/runner/executed/``. The committed notebooks are never written to.
   A chapter is *not* re-executed when its cache key is unchanged. The key hashes the notebook,
   every file under ``utils/`` and under the data folder (content **and** modification time, so
   ``touch`` counts as a change, as in ``make``), the parameters, ``requirements.lock`` and the
   runner's own version.
4. Stages a copy of ``book/`` with the executed notebooks in place and runs
   ``jupyter-book build -W --keep-going`` on it with execution off (each chapter runs once per build),
   into a temporary folder; only when that succeeds is ``book/_build/html`` replaced by the new site.

On a failing chapter it names the chapter, the cell, the exception and its message, keeps the partially
executed notebook under ``book/_build/runner/failed/``, exits with status 1, and leaves the previously
published ``book/_build/html`` untouched.

Exit status: 0 success; 1 a chapter or the book build failed; 2 bad arguments or data refused.
"""

from __future__ import annotations

import argparse
import concurrent.futures as cf
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

import yaml

RUNNER_VERSION = "1"
REPO = Path(__file__).resolve().parents[1]
DEFAULT_BOOK = REPO / "book"
DEFAULT_DATA = REPO / "data"
SUMMARY_MARKER = "<!-- RUN-SUMMARY -->"

_print_lock = threading.Lock()


def say(*parts: object) -> None:
    """Print a line atomically (chapters run in parallel threads)."""
    with _print_lock:
        print(*parts, flush=True)


class RunnerError(Exception):
    """A problem with the runner's inputs (bad toc, missing notebook, refused data). Exit status 2."""


# --------------------------------------------------------------------------------------------
# Table of contents
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Chapter:
    """One notebook listed in the table of contents."""

    name: str  # toc path without suffix, e.g. "chapters/04_scoring"
    source: Path  # absolute path of the committed notebook

    @property
    def short(self) -> str:
        """The file stem, e.g. ``04_scoring`` (what ``--only`` accepts)."""
        return Path(self.name).name


def _toc_files(node: object) -> Iterable[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key in {"file", "root"} and isinstance(value, str):
                yield value
            else:
                yield from _toc_files(value)
    elif isinstance(node, list):
        for item in node:
            yield from _toc_files(item)


def toc_entries(book_dir: Path) -> list[str]:
    """Every page named in ``book_dir/_toc.yml`` (the root first), as written there."""
    toc = yaml.safe_load((book_dir / "_toc.yml").read_text(encoding="utf-8"))
    return list(_toc_files(toc))


def read_toc(book_dir: Path) -> list[Chapter]:
    """Return the notebooks listed in ``book_dir/_toc.yml``, in toc order.

    Raises :class:`RunnerError` when the toc is missing or names a file that does not exist.
    """
    toc_path = book_dir / "_toc.yml"
    if not toc_path.is_file():
        raise RunnerError(f"{toc_path}: table of contents not found")
    try:
        toc = yaml.safe_load(toc_path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise RunnerError(f"{toc_path}: not valid YAML ({exc})") from exc
    chapters: list[Chapter] = []
    for entry in _toc_files(toc):
        stem = entry[: -len(Path(entry).suffix)] if Path(entry).suffix else entry
        candidates = [book_dir / f"{stem}{ext}" for ext in (".ipynb", ".md", ".rst")]
        found = next((c for c in candidates if c.is_file()), None)
        if found is None:
            raise RunnerError(
                f"{toc_path}: entry {entry!r} names no file (looked for "
                + ", ".join(str(c.relative_to(book_dir)) for c in candidates)
                + ")"
            )
        if found.suffix == ".ipynb":
            chapters.append(Chapter(name=stem, source=found))
    return chapters


# --------------------------------------------------------------------------------------------
# Cache keys
# --------------------------------------------------------------------------------------------


def _hash_tree(h: hashlib._Hash, root: Path, patterns: Sequence[str]) -> None:
    files = sorted({p for pat in patterns for p in root.rglob(pat) if p.is_file()})
    for path in files:
        if "__pycache__" in path.parts:
            continue
        stat = path.stat()
        h.update(str(path.relative_to(root)).encode())
        h.update(f"{stat.st_size}:{stat.st_mtime_ns}".encode())
        h.update(hashlib.sha256(path.read_bytes()).digest())


def inputs_digest(data_dir: Path, repo: Path = REPO) -> str:
    """Digest of what every chapter shares: ``utils/`` source, the data folder, the lock file."""
    h = hashlib.sha256(RUNNER_VERSION.encode())
    _hash_tree(h, repo / "utils", ["*.py"])
    _hash_tree(h, data_dir, ["*"])
    lock = repo / "requirements.lock"
    if lock.is_file():
        h.update(hashlib.sha256(lock.read_bytes()).digest())
    return h.hexdigest()


def chapter_key(chapter: Chapter, shared_digest: str, parameters: dict) -> str:
    """Cache key of one chapter: its notebook, the shared inputs and its parameters."""
    h = hashlib.sha256(shared_digest.encode())
    h.update(chapter.source.read_bytes())
    h.update(json.dumps(parameters, sort_keys=True, default=str).encode())
    return h.hexdigest()


def book_key(book_dir: Path, chapter_keys: Sequence[str]) -> str:
    """Cache key of the built site: every source file of the book plus every chapter's key."""
    h = hashlib.sha256(RUNNER_VERSION.encode())
    for key in chapter_keys:
        h.update(key.encode())
    for path in sorted(p for p in book_dir.rglob("*") if p.is_file()):
        rel = path.relative_to(book_dir)
        if rel.parts[0] == "_build" or ".ipynb_checkpoints" in rel.parts:
            continue
        h.update(str(rel).encode())
        h.update(hashlib.sha256(path.read_bytes()).digest())
    return h.hexdigest()


# --------------------------------------------------------------------------------------------
# Executing one chapter (in a worker subprocess, so kernels and event loops stay isolated)
# --------------------------------------------------------------------------------------------


@dataclass
class ChapterResult:
    """What happened to one chapter; one row of the summary table."""

    chapter: str
    status: str  # "ok", "cached", "failed", "skipped"
    seconds: float = 0.0
    cache_hit: bool = False
    cells: int = 0
    error: dict = field(default_factory=dict)
    parameters: dict = field(default_factory=dict)
    executed: str = ""


def _worker(spec_path: str) -> int:
    """Execute one notebook with papermill; print ``CELL i n`` progress lines; write a result JSON.

    Runs in its own process (``python -m tools.run _worker SPEC``).
    """
    import papermill as pm
    from papermill.engines import NBClientEngine, papermill_engines
    from papermill.exceptions import PapermillExecutionError

    spec = json.loads(Path(spec_path).read_text(encoding="utf-8"))

    class ProgressEngine(NBClientEngine):
        @classmethod
        def execute_managed_notebook(cls, nb_man, kernel_name, **kwargs):
            total = len(nb_man.nb.cells)
            original = nb_man.cell_start

            def cell_start(cell, cell_index=None, **kw):
                print(f"CELL {cell_index + 1} {total}", flush=True)
                return original(cell, cell_index, **kw)

            nb_man.cell_start = cell_start
            return super().execute_managed_notebook(nb_man, kernel_name, **kwargs)

    papermill_engines.register("mcounty-progress", ProgressEngine)
    result: dict = {"status": "ok"}
    try:
        pm.execute_notebook(
            spec["input"],
            spec["output"],
            parameters=spec["parameters"],
            kernel_name="python3",
            engine_name="mcounty-progress",
            cwd=spec["cwd"],
            progress_bar=False,
            log_output=False,
            request_save_on_cell_execute=False,
        )
    except PapermillExecutionError as exc:
        # papermill counts cells of the executed notebook, which has the injected-parameters cell;
        # report the position in the committed notebook, which is what the author opens.
        injected = 0
        try:
            import nbformat

            executed = nbformat.read(spec["output"], as_version=4)
            injected = sum(
                "injected-parameters" in c.get("metadata", {}).get("tags", [])
                for c in executed.cells[: exc.cell_index]
            )
        except Exception:  # the partial notebook could not be read; keep papermill's count
            pass
        result = {
            "status": "failed",
            "cell_index": exc.cell_index - injected,
            "exec_count": exc.exec_count,
            "ename": exc.ename,
            "evalue": exc.evalue,
            "source": exc.source,
        }
    except Exception as exc:  # kernel died, notebook unreadable, ...
        result = {
            "status": "failed",
            "cell_index": None,
            "ename": type(exc).__name__,
            "evalue": str(exc),
        }
    Path(spec["result"]).write_text(json.dumps(result), encoding="utf-8")
    return 0


def _atomic_write_text(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text)
    os.replace(tmp, path)


def _relative_data_dir(data_dir: Path, cwd: Path) -> str:
    """The data folder as the notebook should see it: relative to the notebook when inside the repo."""
    try:
        data_dir.relative_to(REPO)
        return os.path.relpath(data_dir, cwd)
    except ValueError:
        return str(data_dir)


def execute_chapter(
    chapter: Chapter,
    *,
    build_dir: Path,
    data_dir: Path,
    parameters: dict,
    key: str,
    force: bool,
) -> ChapterResult:
    """Execute one chapter unless its cached copy is current; return what happened."""
    executed = build_dir / "executed" / f"{chapter.name}.ipynb"
    stamp = build_dir / "cache" / f"{chapter.name}.json"
    injected = {"DATA_DIR": _relative_data_dir(data_dir, chapter.source.parent), **parameters}
    if not force and executed.is_file() and stamp.is_file():
        try:
            cached = json.loads(stamp.read_text(encoding="utf-8"))
        except json.JSONDecodeError:
            cached = {}
        if cached.get("key") == key:
            say(f"[{chapter.short}] cache hit: inputs unchanged, not re-executed")
            return ChapterResult(
                chapter.name,
                "cached",
                0.0,
                True,
                cached.get("cells", 0),
                parameters=injected,
                executed=str(executed),
            )

    work = Path(tempfile.mkdtemp(prefix=f"run-{chapter.short}-", dir=build_dir))
    spec = {
        "input": str(chapter.source),
        "output": str(work / "out.ipynb"),
        "parameters": injected,
        "cwd": str(chapter.source.parent),
        "result": str(work / "result.json"),
    }
    (work / "spec.json").write_text(json.dumps(spec), encoding="utf-8")
    start = time.monotonic()
    say(f"[{chapter.short}] executing with {injected}")
    proc = subprocess.Popen(
        [sys.executable, "-m", "tools.run", "_worker", str(work / "spec.json")],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        cwd=str(REPO),
    )
    cells = 0
    assert proc.stdout is not None
    other_output: list[str] = []
    for line in proc.stdout:
        if line.startswith("CELL "):
            _, index, total = line.split()
            cells = int(total)
            say(f"[{chapter.short}] cell {index}/{total}  {time.monotonic() - start:6.1f} s")
        else:
            other_output.append(line.rstrip())
    proc.wait()
    seconds = time.monotonic() - start
    try:
        outcome = json.loads((work / "result.json").read_text(encoding="utf-8"))
    except (FileNotFoundError, json.JSONDecodeError):
        outcome = {
            "status": "failed",
            "cell_index": None,
            "ename": "WorkerError",
            "evalue": "the worker process ended without a result:\n"
            + "\n".join(other_output[-20:]),
        }

    if outcome["status"] == "ok":
        executed.parent.mkdir(parents=True, exist_ok=True)
        os.replace(work / "out.ipynb", executed)
        _atomic_write_text(stamp, json.dumps({"key": key, "cells": cells, "seconds": seconds}))
        shutil.rmtree(work, ignore_errors=True)
        say(f"[{chapter.short}] done in {seconds:.1f} s")
        return ChapterResult(
            chapter.name, "ok", seconds, False, cells, parameters=injected, executed=str(executed)
        )

    failed = build_dir / "failed" / f"{chapter.name}.ipynb"
    failed.parent.mkdir(parents=True, exist_ok=True)
    if (work / "out.ipynb").is_file():
        os.replace(work / "out.ipynb", failed)
    stamp.unlink(missing_ok=True)
    shutil.rmtree(work, ignore_errors=True)
    cell = outcome.get("cell_index")
    where = f"cell {cell + 1}" if isinstance(cell, int) else "before any cell ran"
    if outcome.get("exec_count"):
        where += f" (In [{outcome['exec_count']}])"
    outcome["where"] = where
    outcome["partial_notebook"] = str(failed) if failed.is_file() else ""
    say(
        f"[{chapter.short}] FAILED at {where}: {outcome.get('ename')}: {outcome.get('evalue')}\n"
        f"[{chapter.short}] partially executed notebook kept at {outcome['partial_notebook'] or '(none)'}"
    )
    return ChapterResult(chapter.name, "failed", seconds, False, cells, outcome, injected)


# --------------------------------------------------------------------------------------------
# Building the book from the executed copies
# --------------------------------------------------------------------------------------------


def summary_markdown(results: Sequence[ChapterResult]) -> str:
    """The summary as a Markdown table (used for the book's run-report page)."""
    lines = [
        "| chapter | status | seconds | cache hit | cells | parameters |",
        "|---|---|---:|---|---:|---|",
    ]
    for r in results:
        params = ", ".join(f"`{k}={v}`" for k, v in r.parameters.items())
        lines.append(
            f"| {r.chapter} | {r.status} | {r.seconds:.1f} | {'yes' if r.cache_hit else 'no'} "
            f"| {r.cells} | {params} |"
        )
    return "\n".join(lines)


HIDE_TAGS = {"hide-cell", "hide-input", "remove-cell", "remove-input"}
PRINT_DIR = "print"  # the single-page edition: html/print/index.html


def rerun_note(chapter: Chapter, parameters: dict) -> str:
    """The Markdown of the collapsed note placed after a chapter's parameter cells."""
    shown = ", ".join(f"`{k} = {v!r}`" for k, v in parameters.items()) or "the defaults"
    return (
        "```{admonition} Parameters: how to rerun this chapter with other values\n"
        ":class: dropdown note rerun-note\n"
        f"This page ran with {shown} (the collapsed cells above: the chapter's `parameters` cell "
        "and the values the runner injected with papermill). To rerun it with other values, "
        "from the repository's root:\n\n"
        f"    make chapter CH={chapter.short} PARAMS='-p NAME VALUE'\n\n"
        f"(or `python -m tools.run --only {chapter.short} -p NAME VALUE`); "
        "`make book DATA_DIR=path/to/data` rebuilds the whole book on another data folder. "
        "The executed notebook is under `book/_build/executed/`.\n"
        "```"
    )


_RICH = ("image/", "text/html", "text/latex", "application/vnd.")


def _output_kinds(cell: dict) -> set[str]:
    """What a reader sees of a code cell's outputs: ``rich`` (figure, table, math), ``text``."""
    kinds = set()
    for out in cell.get("outputs", []):
        if out.get("output_type") in {"stream", "error"}:
            kinds.add("text")
            continue
        visible = [k for k in out.get("data", {}) if not k.startswith("application/papermill")]
        if any(k.startswith(_RICH) for k in visible):
            kinds.add("rich")
        elif visible:
            kinds.add("text")
    return kinds


def prepare_staged_notebook(path: Path, chapter: Chapter, parameters: dict) -> None:
    """Make a staged (executed) notebook read like a book page; the executed copy is untouched.

    * The ``parameters`` cell and papermill's ``injected-parameters`` cell are collapsed
      (``hide-cell``, labelled), and a collapsed note saying how to rerun the chapter with other
      values follows them.
    * Code whose outputs are only figures or tables, or that shows nothing (it prepares data or
      glues numbers into the text), is collapsed to a "show code" button (``hide-input``): the
      figure or table is the point. Code that prints text stays visible. A cell the author tagged
      (any hide/remove tag, or ``show-input`` to keep the code open) is left as it is.
    """
    import nbformat

    nb = nbformat.read(path, as_version=4)
    last = None
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        tags = list(cell.get("metadata", {}).get("tags", []))
        if {"parameters", "injected-parameters"} & set(tags):
            last = index
            if not HIDE_TAGS & set(tags):
                cell.metadata["tags"] = [*tags, "hide-cell"]
            label = "injected by the runner" if "injected-parameters" in tags else "defaults"
            cell.metadata.setdefault("mystnb", {}).update(
                {
                    "code_prompt_show": f"Show the chapter's parameters ({label})",
                    "code_prompt_hide": "Hide the parameters",
                }
            )
        elif not set(tags) & (HIDE_TAGS | {"remove-output", "hide-output", "show-input"}):
            if "text" not in _output_kinds(cell):
                cell.metadata["tags"] = [*tags, "hide-input"]
    if last is not None:
        note = nbformat.v4.new_markdown_cell(rerun_note(chapter, parameters))
        note.metadata["tags"] = ["rerun-note"]
        nb.cells.insert(last + 1, note)
    nbformat.write(nb, path)


def finish_print_edition(single: Path, site: Path) -> Path:
    """Copy the singlehtml build into ``site/print`` and make its search work from there.

    The theme's pages load ``searchindex.js`` and send searches to ``search.html``, which the
    singlehtml builder does not write: the site's index is copied, and ``print/search.html``
    forwards the query to the site's search page.
    """
    target = site / PRINT_DIR
    shutil.copytree(single, target, ignore=shutil.ignore_patterns(".buildinfo"))
    if (site / "searchindex.js").is_file() and not (target / "searchindex.js").exists():
        shutil.copy2(site / "searchindex.js", target / "searchindex.js")
    if not (target / "search.html").exists():
        (target / "search.html").write_text(
            '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>Search</title>\n'
            '<script>location.replace("../search.html" + location.search);</script>\n'
            '<meta http-equiv="refresh" content="0; url=../search.html"></head>\n'
            '<body><p><a href="../search.html">Search the book</a></p></body></html>\n',
            encoding="utf-8",
        )
    return target


def _jupyter_book() -> str:
    jb = Path(sys.executable).with_name("jupyter-book")
    return str(jb) if jb.exists() else "jupyter-book"


def _run_jb(src: Path, out: Path, builder: str, log: Path) -> tuple[int, str]:
    cmd = [_jupyter_book(), "build", str(src), "--path-output", str(out), "-W", "--keep-going"]
    cmd += ["--builder", builder]
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=str(out))
    _atomic_write_text(log, proc.stdout + "\n" + proc.stderr)
    return proc.returncode, proc.stdout + proc.stderr


def build_book(
    book_dir: Path, build_dir: Path, chapters: Sequence[Chapter], results: Sequence[ChapterResult]
) -> Path:
    """Stage ``book_dir`` with executed notebooks, build it with warnings as errors, swap it in.

    Two builds of the same staged source: the site (``html`` builder) and a single-page edition
    for printing (``singlehtml`` builder, copied into ``html/print/``). The staged notebooks get
    their parameter cells collapsed and a rerun note (:func:`prepare_staged_notebook`).

    Returns the published html folder. On a failed build raises :class:`subprocess.CalledProcessError`
    and the previous ``html`` folder is left as it was.
    """
    stage_root = Path(tempfile.mkdtemp(prefix="stage-", dir=build_dir))
    src = stage_root / "src"
    shutil.copytree(
        book_dir,
        src,
        ignore=shutil.ignore_patterns("_build", ".ipynb_checkpoints", "__pycache__"),
    )
    params = {r.chapter: r.parameters for r in results}
    for chapter in chapters:
        staged = src / f"{chapter.name}.ipynb"
        shutil.copy2(build_dir / "executed" / f"{chapter.name}.ipynb", staged)
        prepare_staged_notebook(staged, chapter, params.get(chapter.name, {}))
    report = summary_markdown(results)
    for page in src.rglob("*.md"):
        text = page.read_text(encoding="utf-8")
        if SUMMARY_MARKER in text:
            page.write_text(text.replace(SUMMARY_MARKER, report), encoding="utf-8")

    say(
        "[book] building: html, then singlehtml (print edition) ... -W --keep-going (execution off)"
    )
    start = time.monotonic()
    built = stage_root / "_build" / "html"
    single_out = stage_root / "single"
    single_out.mkdir()
    single = single_out / "_build" / "singlehtml"
    for builder, out, log, index in [
        ("html", stage_root, build_dir / "book-build.log", built / "index.html"),
        ("singlehtml", single_out, build_dir / "book-build-singlehtml.log", single / "index.html"),
    ]:
        code, output = _run_jb(src, out, builder, log)
        if code != 0 or not index.is_file():
            tail = "\n".join(output.strip().splitlines()[-30:])
            say(f"[book] {builder} build FAILED (exit {code}); full log: {log}\n{tail}")
            shutil.rmtree(stage_root, ignore_errors=True)
            raise subprocess.CalledProcessError(code or 1, [_jupyter_book(), "build", builder])
    finish_print_edition(single, built)

    published = build_dir / "html"
    old = build_dir / f".html-old-{os.getpid()}"
    if published.exists():
        os.replace(published, old)
    os.replace(built, published)
    shutil.rmtree(old, ignore_errors=True)
    shutil.rmtree(stage_root, ignore_errors=True)
    say(f"[book] built in {time.monotonic() - start:.1f} s")
    return published


# --------------------------------------------------------------------------------------------
# Orchestration
# --------------------------------------------------------------------------------------------


def privacy_check(data_dir: Path) -> None:
    """Refuse data with direct identifiers; warn when k-anonymity is below 5.

    Skipped when the data folder has no survey (e.g. a test book with no data).
    """
    try:
        from utils.study.data import PrivacyError, privacy_gate
    except ImportError:  # pragma: no cover - utils.study.data is part of the package
        return
    if not (data_dir / "survey").is_dir():
        return
    try:
        report = privacy_gate(data_dir)
    except PrivacyError as exc:
        raise RunnerError(f"privacy gate refused the data: {exc}") from exc
    except ValueError as exc:  # unreadable or missing survey file: say so before any chapter runs
        raise RunnerError(f"privacy gate could not check the survey: {exc}") from exc
    warning = report.warning()
    if warning:
        say(f"[privacy] WARNING: {warning}")


def parse_value(text: str) -> object:
    """Read a ``-p`` value as papermill's CLI does: YAML scalars (numbers, booleans), else text."""
    try:
        value = yaml.safe_load(text)
    except yaml.YAMLError:
        return text
    return value if isinstance(value, (int, float, bool, str)) or value is None else text


def run(
    *,
    book_dir: Path = DEFAULT_BOOK,
    data_dir: Path = DEFAULT_DATA,
    build_dir: Path | None = None,
    only: Sequence[str] = (),
    parameters: dict | None = None,
    jobs: int | None = None,
    force: bool = False,
    build: bool = True,
    repo: Path = REPO,
) -> int:
    """Execute the chapters and (unless ``build=False``) build the book. Returns the exit status.

    ``repo`` is where ``utils/`` and ``requirements.lock`` are looked up for the cache key.
    """
    book_dir = book_dir.resolve()
    data_dir = data_dir.resolve()
    build_dir = (build_dir or book_dir / "_build").resolve()
    parameters = dict(parameters or {})
    start = time.monotonic()
    try:
        if not data_dir.is_dir():
            raise RunnerError(f"data folder {data_dir} does not exist")
        chapters = read_toc(book_dir)
        if only:
            wanted = set(only)
            unknown = wanted - {c.short for c in chapters} - {c.name for c in chapters}
            if unknown:
                raise RunnerError(
                    f"--only {sorted(unknown)}: not in _toc.yml; chapters are "
                    + ", ".join(c.short for c in chapters)
                )
            chapters = [c for c in chapters if c.short in wanted or c.name in wanted]
            build = False if only else build
        privacy_check(data_dir)
    except RunnerError as exc:
        say(f"error: {exc}")
        return 2

    build_dir.mkdir(parents=True, exist_ok=True)
    shared = inputs_digest(data_dir, repo)
    jobs = max(1, jobs or os.cpu_count() or 1)
    say(
        f"[runner] {len(chapters)} chapter(s) from {book_dir / '_toc.yml'}, data {data_dir}, jobs {jobs}"
    )
    with cf.ThreadPoolExecutor(max_workers=jobs) as pool:
        futures = [
            pool.submit(
                execute_chapter,
                c,
                build_dir=build_dir,
                data_dir=data_dir,
                parameters=parameters,
                key=chapter_key(c, shared, parameters),
                force=force,
            )
            for c in chapters
        ]
        results = [f.result() for f in futures]

    failed = [r for r in results if r.status == "failed"]
    book_status = "not built"
    if not failed and build:
        key = book_key(book_dir, [chapter_key(c, shared, parameters) for c in chapters])
        stamp = build_dir / "cache" / "book.json"
        current = (
            stamp.is_file() and json.loads(stamp.read_text(encoding="utf-8")).get("key") == key
        )
        if current and (build_dir / "html" / "index.html").is_file():
            say("[book] cache hit: no chapter and no page changed, the published book is current")
            book_status = "current"
        else:
            try:
                build_book(book_dir, build_dir, chapters, results)
                _atomic_write_text(stamp, json.dumps({"key": key}))
                book_status = "built"
            except subprocess.CalledProcessError:
                stamp.unlink(missing_ok=True)
                book_status = "FAILED"
    _atomic_write_text(
        build_dir / "runner" / "summary.json",
        json.dumps({"results": [asdict(r) for r in results], "book": book_status}, indent=1),
    )

    width = max([len(r.chapter) for r in results] + [7])
    say("")
    say(f"{'chapter':<{width}}  {'status':<7}  {'seconds':>7}  cache")
    for r in results:
        say(
            f"{r.chapter:<{width}}  {r.status:<7}  {r.seconds:7.1f}  {'hit' if r.cache_hit else 'miss'}"
        )
    say(f"book: {book_status}; total {time.monotonic() - start:.1f} s")
    for r in failed:
        e = r.error
        say(
            f"error: chapter {r.chapter} failed at {e.get('where')}: {e.get('ename')}: "
            f"{e.get('evalue')}\n       partial notebook: {e.get('partial_notebook') or '(none)'}"
        )
    if failed:
        say("The published book was left unchanged.")
        return 1
    if book_status == "FAILED":
        say("error: the book build failed; the published book was left unchanged.")
        return 1
    if book_status in {"built", "current"}:
        say(f"Open {build_dir / 'html' / 'index.html'}")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point (see the module docstring)."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["_worker"]:
        return _worker(argv[1])
    parser = argparse.ArgumentParser(prog="python -m tools.run", description=__doc__.split("\n")[0])
    parser.add_argument("--book-dir", type=Path, default=DEFAULT_BOOK)
    parser.add_argument(
        "--data-dir", type=Path, default=DEFAULT_DATA, help="data folder (DATA_DIR)"
    )
    parser.add_argument("--build-dir", type=Path, default=None, help="default: BOOK_DIR/_build")
    parser.add_argument("--only", action="append", default=[], help="chapter stem; repeatable")
    parser.add_argument(
        "-p",
        "--parameter",
        nargs=2,
        action="append",
        default=[],
        metavar=("KEY", "VALUE"),
        help="papermill parameter injected into the chapters; repeatable",
    )
    parser.add_argument(
        "--jobs", "-j", type=int, default=None, help="parallel chapters (default: cores)"
    )
    parser.add_argument("--force", action="store_true", help="ignore the cache")
    parser.add_argument(
        "--no-build", action="store_true", help="execute only; do not build the book"
    )
    args = parser.parse_args(argv)
    params = {k: parse_value(v) for k, v in args.parameter}
    return run(
        book_dir=args.book_dir,
        data_dir=args.data_dir,
        build_dir=args.build_dir,
        only=args.only,
        parameters=params,
        jobs=args.jobs,
        force=args.force,
        build=not args.no_build,
    )


if __name__ == "__main__":
    sys.exit(main())
