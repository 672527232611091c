"""The chapter runner: execute every chapter with papermill (cached, in parallel), then build the book.

Usage (the make targets call this)::

    python -m tools.run                       # execute changed chapters, build book/_build/html
    python -m tools.run --data-dir other/     # the same on another data folder
    python -m tools.run --only 04_scoring -p WEIGHTS entropy --no-build
    python -m tools.run --force --jobs 1      # ignore the cache, one chapter at a time

What it does, in order:

1. Reads the chapter list from ``book/_toc.yml`` (the one source of truth): every ``file:`` entry
   that is a notebook.
2. Checks, before any chapter starts: the ``-p`` parameters against each targeted chapter's
   ``parameters`` cell (a plain identifier the chapter declares, a value of the declared type and in
   range; ``DATA_DIR`` only through ``--data-dir``), then the whole data folder
   (:mod:`tools.check`: the privacy gate over every file and every text column, every file against
   the codebook, every cross-file rule). Any problem: all of them in one report, exit status 2, no
   chapter started.
3. Executes each chapter with papermill (kernel ``python3``, working directory = the notebook's
   folder), injecting ``DATA_DIR`` and the parameters the chapter declares, into
   ``book/_build/executed/``. The committed notebooks are never written to.
   A chapter is *not* re-executed when its cache key is unchanged. The key hashes the notebook,
   every file under ``utils/`` and under the data folder (content **and** modification time, so
   ``touch`` counts as a change, as in ``make``), the parameters, ``requirements.lock`` and the
   runner's own version. The stamp also records the executed copy's SHA-256 and is removed before
   the copy is replaced: a damaged stamp or copy is a miss, never a crash or a lie.
   Chapters run in parallel, except that a chapter whose notebook names another chapter's
   findings file (``04_scoring.json``) runs after that chapter, with the file in its key.
4. Findings as data: a chapter that declares ``FINDINGS_DIR`` gets ``BUILD_DIR/findings``
   injected and writes ``<chapter>.json`` there. The runner removes that file before the chapter
   executes (never for a chapter taken from the cache), stores it with the executed copy (a cache
   hit puts it back), and after the chapters ran merges every file into ``BUILD_DIR/findings.json``
   (:func:`merge_findings`; schema in the README, "Findings as data").
5. Stages a copy of ``book/`` with the executed notebooks in place and runs
   ``jupyter-book build -W --keep-going`` on it with execution off (each chapter runs once per build),
   into a temporary folder; only when that succeeds is ``book/_build/html`` replaced by the new site.

On a failing chapter it names the chapter, the cell, the exception and its message, keeps the partially
executed notebook under ``book/_build/runner/failed/``, exits with status 1, and leaves the previously
published ``book/_build/html`` untouched.

One build at a time per build folder (a lock file; a second is refused). Ctrl-C or SIGTERM stops the
running chapters, cancels the queued ones, publishes nothing and exits with status 130; temporary
``run-*``/``stage-*`` folders are removed then and at the start of every run. Pages never show the
build machine's absolute data path (:func:`published_data_dir`), and every parameter value or
folder name on a page is escaped (:mod:`utils.escape`).

Exit status: 0 success; 1 a chapter or the book build failed, or the disk is full; 2 bad arguments,
data refused or another build running; 130 interrupted.
"""

from __future__ import annotations

import argparse
import ast
import concurrent.futures as cf
import difflib
import errno
import fcntl
import hashlib
import io
import json
import keyword
import math
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import tokenize
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

import yaml

from utils.escape import excerpt, myst_code, myst_text, one_line

RUNNER_VERSION = "2"  # 2: stamps record the chapter's findings file
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
# Parameters: each chapter's ``parameters`` cell is its contract
# --------------------------------------------------------------------------------------------

#: the largest count a size parameter (``N_*``) may ask for: more would exhaust memory or run for hours
MAX_SIZE = 100_000
#: the longest text a parameter may hold
MAX_TEXT = 1000
#: parameters that are fractions: name -> (low, high, low inclusive, high inclusive)
FRACTIONS = {
    "CI": (0.0, 1.0, False, False),
    "CI_LEVEL": (0.0, 1.0, False, False),
    "CONFIDENCE": (0.0, 1.0, False, False),
    "ALPHA": (0.0, 1.0, True, True),
    "RHO": (0.0, 1.0, False, True),
    "AF_K": (0.0, 1.0, False, True),
    "ALPHA_CUT": (0.0, 1.0, True, True),
    "AVE_CUT": (0.0, 1.0, True, True),
    "CR_THRESHOLD": (0.0, 1.0, False, True),
    "RELATIVE_SHARE": (0.0, 1.0, False, True),
    "RELATIVE_SHARES": (0.0, 1.0, False, True),
}
_RANGE_COMMENT = re.compile(r"\bin\s*([\[(])\s*(-?[\d.]+)\s*,\s*(-?[\d.]+)\s*([\])])")
_QUOTED = re.compile(r'"([^"\\]{1,40})"')
RUNNER_ONLY = {
    "DATA_DIR": "set the data folder with --data-dir DIR (make ... DATA_DIR=DIR)",
    "FINDINGS_DIR": "the runner sets it to BUILD_DIR/findings (choose the build folder with --build-dir)",
}


class ParameterError(RunnerError):
    """A ``-p`` name or value the chapters do not accept. Exit status 2."""


@dataclass(frozen=True)
class Parameter:
    """One name declared in a chapter's ``parameters`` cell."""

    name: str
    default: object
    source: str  # the default as written in the cell
    comment: str

    @property
    def choices(self) -> tuple[str, ...]:
        """Allowed texts when the comment lists them in quotes (and does not say "e.g.")."""
        if not isinstance(self.default, str) or "e.g." in self.comment:
            return ()
        found = tuple(dict.fromkeys(_QUOTED.findall(self.comment)))
        return found if len(found) >= 2 and self.default in found else ()


def _safe_eval(node: ast.AST) -> object:
    """A literal, or arithmetic on literals (``1 / 3``); anything else raises ValueError."""
    try:
        return ast.literal_eval(node)
    except ValueError:
        pass
    if isinstance(node, ast.BinOp) and isinstance(
        node.op, (ast.Add, ast.Sub, ast.Mult, ast.Div, ast.Pow)
    ):
        a, b = _safe_eval(node.left), _safe_eval(node.right)
        if isinstance(a, (int, float)) and isinstance(b, (int, float)):
            ops = {ast.Add: a.__add__, ast.Sub: a.__sub__, ast.Mult: a.__mul__,
                   ast.Div: a.__truediv__, ast.Pow: a.__pow__}  # fmt: skip
            return ops[type(node.op)](b)
    raise ValueError("not a literal")


def parameters_cell(source: str) -> dict[str, Parameter]:
    """Read a ``parameters`` cell: every ``NAME = literal  # comment`` line, in order."""
    tree = ast.parse(source)
    lines = source.splitlines()
    comments: dict[int, str] = {}
    for tok in tokenize.generate_tokens(io.StringIO(source).readline):
        if tok.type == tokenize.COMMENT:
            comments[tok.start[0]] = tok.string.lstrip("#").strip()
    out: dict[str, Parameter] = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target = node.targets[0]
            if isinstance(target, ast.Name):
                try:
                    default = _safe_eval(node.value)
                except ValueError:
                    default = None
                text = ast.get_source_segment(source, node.value) or ""
                end = node.end_lineno or node.lineno
                comment = comments.get(end, "") if end <= len(lines) else ""
                out[target.id] = Parameter(target.id, default, text, comment)
    return out


def chapter_parameters(chapter: Chapter) -> dict[str, Parameter]:
    """The parameters a chapter declares (its cell tagged ``parameters``; none if it has none)."""
    nb = json.loads(chapter.source.read_text(encoding="utf-8"))
    for cell in nb.get("cells", []):
        if cell.get("cell_type") == "code" and "parameters" in cell.get("metadata", {}).get(
            "tags", []
        ):
            src = cell.get("source", "")
            return parameters_cell("".join(src) if isinstance(src, list) else src)
    return {}


def _is_number(v: object) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def check_value(p: Parameter, value: object, where: str) -> object:
    """Type- and range-check one value against its declaration; return it or raise ParameterError."""
    shown = excerpt(value) if isinstance(value, str) else one_line(repr(value), 60)

    def bad(rule: str) -> ParameterError:
        return ParameterError(
            f"parameter {p.name} = {shown}: {rule} (declared in {where}: {p.name} = "
            f"{one_line(p.source, 60)}"
            + (f"  # {one_line(p.comment, 120)}" if p.comment else "")
            + ")"
        )

    d = p.default
    if isinstance(d, bool):
        if not isinstance(value, bool):
            raise bad("must be true or false")
    elif isinstance(d, int):
        if not (isinstance(value, int) and not isinstance(value, bool)):
            raise bad("must be a whole number")
    elif isinstance(d, float):
        if not _is_number(value) or not math.isfinite(float(value)):
            raise bad("must be a finite number")
        value = float(value)
    elif isinstance(d, str):
        if not isinstance(value, str):
            raise bad("must be text")
        if len(value) > MAX_TEXT:
            raise bad(f"text parameters are at most {MAX_TEXT} characters")
        if p.choices and value not in p.choices:
            raise bad("must be one of " + ", ".join(p.choices))
    elif isinstance(d, (list, tuple)):
        if not isinstance(value, (list, tuple)) or not value:
            raise bad("must be a non-empty list such as [0.4, 0.5]")
        if len(value) > 100 or not all(_is_number(v) and math.isfinite(v) for v in value):
            raise bad("must be a list of at most 100 finite numbers")
        value = [
            float(v) if isinstance(d[0] if d else 0.0, float) else v for v in value
        ]  # papermill writes a tuple as text: always a list
    elif d is None:
        texts = bool(_QUOTED.search(p.comment))
        if not (value is None or _is_number(value) or (texts and isinstance(value, str))):
            raise bad("must be None or a number" + (" or text" if texts else ""))
        if isinstance(value, str) and len(value) > MAX_TEXT:
            raise bad(f"text parameters are at most {MAX_TEXT} characters")
        if isinstance(value, float) and not math.isfinite(value):
            raise bad("must be a finite number")
    numbers = value if isinstance(value, (list, tuple)) else [value]
    for v in numbers:
        if not _is_number(v):
            continue
        if p.name == "SEED" and not 0 <= v < 2**32:
            raise bad("a seed must be a whole number from 0 to 2**32 - 1")
        if p.name.startswith("N_") and not 1 <= v <= MAX_SIZE:
            raise bad(f"a size must be from 1 to {MAX_SIZE} (larger sizes would exhaust memory)")
        if p.name == "YEAR" and not 1900 <= v <= 2100:
            raise bad("a year must be from 1900 to 2100")
        if p.name.endswith("_PCT") and not 0 <= v <= 100:
            raise bad("a percentage must be from 0 to 100")
        if p.name in FRACTIONS:
            lo, hi, lo_in, hi_in = FRACTIONS[p.name]
            if not ((lo <= v if lo_in else lo < v) and (v <= hi if hi_in else v < hi)):
                raise bad(
                    f"must be in {'[' if lo_in else '('}{lo:g}, {hi:g}{']' if hi_in else ')'}"
                )
        m = _RANGE_COMMENT.search(p.comment)
        if m:
            lo, hi = float(m.group(2)), float(m.group(3))
            ok = (lo <= v if m.group(1) == "[" else lo < v) and (
                v <= hi if m.group(4) == "]" else v < hi
            )
            if not ok:
                raise bad(f"must be in {m.group(1)}{m.group(2)}, {m.group(3)}{m.group(4)}")
    return value


def check_parameters(
    chapters: Sequence[Chapter], parameters: dict
) -> tuple[dict[str, dict], dict[str, dict[str, Parameter]]]:
    """Check ``-p`` parameters against the targeted chapters' ``parameters`` cells.

    Returns ``({chapter name: the parameters it declares, checked}, {chapter name: declarations})``.
    A name that is not a plain identifier, a name that no targeted chapter declares, a name only
    the runner may set (``DATA_DIR``) and a value of the wrong type or out of range raise
    :class:`ParameterError`, before anything runs.
    """
    declared = {c.name: chapter_parameters(c) for c in chapters}
    problems: list[str] = []
    per_chapter: dict[str, dict] = {c.name: {} for c in chapters}
    for name, value in parameters.items():
        if not isinstance(name, str) or not name.isidentifier() or keyword.iskeyword(name):
            problems.append(
                f"parameter name {excerpt(name)} is not a plain identifier "
                "(letters, digits and underscores, not starting with a digit)"
            )
            continue
        if name in RUNNER_ONLY:
            problems.append(f"parameter {name} cannot be set with -p: {RUNNER_ONLY[name]}")
            continue
        owners = [c for c in chapters if name in declared[c.name]]
        if not owners:
            valid = sorted({n for d in declared.values() for n in d} - set(RUNNER_ONLY))
            close = difflib.get_close_matches(name, valid, n=1)
            problems.append(
                f"parameter {name} is declared by none of the chapters run ("
                + ", ".join(c.short for c in chapters)
                + "); valid names: "
                + (", ".join(valid) or "(none)")
                + (f"; did you mean {close[0]}?" if close else "")
            )
            continue
        for c in owners:
            try:
                per_chapter[c.name][name] = check_value(
                    declared[c.name][name], value, f"{c.short}'s parameters cell"
                )
            except ParameterError as exc:
                problems.append(str(exc))
                break
    if problems:
        raise ParameterError("\n  ".join(["refused parameter(s):", *problems]))
    return per_chapter, declared


def parameters_help(chapters: Sequence[Chapter]) -> str:
    """Every chapter's parameters with defaults and comments (for ``--help`` and ``make help``)."""
    lines = [
        "chapter parameters (set with -p NAME VALUE; DATA_DIR only with --data-dir; "
        "FINDINGS_DIR is set by the runner):"
    ]
    for c in chapters:
        try:
            declared = chapter_parameters(c)
        except (OSError, ValueError, SyntaxError) as exc:
            lines.append(f"  {c.short}: parameters cell unreadable ({type(exc).__name__})")
            continue
        lines.append(f"  {c.short}:" + ("" if declared else " (no parameters)"))
        for p in declared.values():
            if p.name in RUNNER_ONLY:
                continue
            lines.append(
                f"    {p.name} = {one_line(p.source, 40)}"
                + (f"  # {one_line(p.comment, 110)}" if p.comment else "")
            )
    return "\n".join(lines)


# --------------------------------------------------------------------------------------------
# Executing one chapter (in a worker subprocess, so kernels and event loops stay isolated)
# --------------------------------------------------------------------------------------------


@dataclass
class ChapterResult:
    """What happened to one chapter; one row of the summary table."""

    chapter: str
    status: str  # "ok", "cached", "failed", "cancelled"
    seconds: float = 0.0
    cache_hit: bool = False
    cells: int = 0
    error: dict = field(default_factory=dict)
    parameters: dict = field(default_factory=dict)
    executed: str = ""
    key: str = ""  # the cache key it ran (or was taken from the cache) under
    findings: str = ""  # its findings file (BUILD_DIR/findings/<chapter>.json), if it wrote one


def _worker(spec_path: str) -> int:
    """Execute one notebook with papermill; print ``CELL i n`` progress lines; write a result JSON.

    Runs in its own process (``python -m tools.run _worker SPEC``).
    """
    import papermill as pm
    from papermill.engines import NBClientEngine, papermill_engines
    from papermill.exceptions import PapermillExecutionError

    spec = json.loads(Path(spec_path).read_text(encoding="utf-8"))

    def _stop(signum, frame):  # the runner stops us: let papermill shut the kernel down
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, _stop)

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
    """Write ``text`` to a temporary file next to ``path`` and rename it over ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _read_json_object(path: Path) -> dict:
    """A JSON object from ``path``; ``{}`` when it is missing, unreadable, truncated or not an object."""
    try:
        value = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError):
        return {}
    return value if isinstance(value, dict) else {}


def _file_sha256(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


def _relative_data_dir(data_dir: Path, cwd: Path) -> str:
    """The data folder as the notebook should see it: relative to the notebook when inside the repo."""
    try:
        data_dir.relative_to(REPO)
        return os.path.relpath(data_dir, cwd)
    except ValueError:
        return str(data_dir)


def published_data_dir(data_dir: Path, repo: Path = REPO) -> str:
    """The data folder as a published page may name it: relative to the repository, else its name.

    The build machine's absolute path never reaches the site.
    """
    try:
        rel = data_dir.resolve().relative_to(repo.resolve())
        return rel.as_posix() or "."
    except ValueError:
        return data_dir.name


# --------------------------------------------------------------------------------------------
# Stopping: Ctrl-C / SIGTERM cancel queued chapters and stop running ones
# --------------------------------------------------------------------------------------------

_CANCEL = threading.Event()
_CHILDREN: set[subprocess.Popen] = set()
_children_lock = threading.Lock()


def _spawn(cmd: Sequence[str], **kwargs) -> subprocess.Popen:
    """Start a child in its own session (the terminal's Ctrl-C reaches the runner only)."""
    proc = subprocess.Popen(list(cmd), start_new_session=True, **kwargs)
    with _children_lock:
        _CHILDREN.add(proc)
    return proc


def _forget(proc: subprocess.Popen) -> None:
    with _children_lock:
        _CHILDREN.discard(proc)


def _stop_children(grace: float = 3.0) -> None:
    """SIGTERM every running child's process group, then SIGKILL what is left after ``grace`` s."""
    with _children_lock:
        procs = list(_CHILDREN)
    for sig in (signal.SIGTERM, signal.SIGKILL):
        for proc in procs:
            if proc.poll() is None:
                try:
                    os.killpg(proc.pid, sig)
                except (ProcessLookupError, PermissionError):
                    pass
        deadline = time.monotonic() + grace
        while time.monotonic() < deadline and any(p.poll() is None for p in procs):
            time.sleep(0.05)


def _on_signal(signum: int, frame: object) -> None:
    _CANCEL.set()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C must not break the clean-up
    raise KeyboardInterrupt(signal.Signals(signum).name)


def clean_stale(build_dir: Path) -> list[Path]:
    """Remove the runner's temporary folders (``run-*``, ``stage-*``, ``.html-old-*``) in ``build_dir``."""
    removed = []
    olds = sorted(build_dir.glob(".html-old-*"), key=lambda p: p.stat().st_mtime)
    if olds and not (build_dir / "html").exists():  # stopped mid-swap: the last good site is back
        os.replace(olds[-1], build_dir / "html")
    for pattern in ("run-*", "stage-*", ".html-old-*"):
        for path in build_dir.glob(pattern):
            if path.is_dir():
                shutil.rmtree(path, ignore_errors=True)
                removed.append(path)
    return removed


class BuildLock:
    """An exclusive lock on a build folder (``.runner.lock``): one build at a time."""

    def __init__(self, build_dir: Path):
        self.path = build_dir / ".runner.lock"
        self.fh = None

    def acquire(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fh = open(self.path, "a+", encoding="utf-8")  # noqa: SIM115 - held until release()
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            fh.seek(0)
            holder = fh.read().strip() or "unknown"
            fh.close()
            raise RunnerError(
                f"another build is running in {self.path.parent} (process {holder}); "
                "wait for it to finish, then run again"
            ) from None
        fh.seek(0)
        fh.truncate()
        fh.write(str(os.getpid()))
        fh.flush()
        self.fh = fh

    def release(self) -> None:
        if self.fh is not None:
            fcntl.flock(self.fh, fcntl.LOCK_UN)
            self.fh.close()
            self.fh = None


def execute_chapter(
    chapter: Chapter,
    *,
    build_dir: Path,
    data_dir: Path,
    parameters: dict,
    key: str,
    force: bool,
    repo: Path = REPO,
) -> ChapterResult:
    """Execute one chapter unless its cached copy is current; return what happened.

    The cache cannot lie: the stamp records the key **and** the SHA-256 of the executed copy (and
    of the chapter's findings file, kept beside the stamp), is removed before the copy is replaced
    and written after; a missing, unreadable, truncated or non-object stamp, or an executed copy or
    findings copy whose hash differs, is a miss (never a crash).

    Findings (:func:`merge_findings`): a chapter that declares ``FINDINGS_DIR`` gets
    ``BUILD_DIR/findings`` injected. Before it executes, its old ``<chapter>.json`` there is
    removed (a failed run leaves none); after a successful run the file it wrote is stored with
    the executed copy (``cache/<chapter>.findings.json``), and a cache hit puts it back.
    """
    executed = build_dir / "executed" / f"{chapter.name}.ipynb"
    stamp = build_dir / "cache" / f"{chapter.name}.json"
    findings = FindingsFiles(build_dir, chapter)
    injected = {"DATA_DIR": _relative_data_dir(data_dir, chapter.source.parent), **parameters}
    shown = {"DATA_DIR": published_data_dir(data_dir, repo), **parameters}
    if findings.declared:
        injected["FINDINGS_DIR"] = _relative_data_dir(findings.folder, chapter.source.parent)
        shown["FINDINGS_DIR"] = published_data_dir(findings.folder, repo)
    if _CANCEL.is_set():
        return ChapterResult(chapter.name, "cancelled", parameters=shown, key=key)
    if not force and executed.is_file() and stamp.is_file():
        cached = _read_json_object(stamp)
        if (
            cached.get("key") == key
            and cached.get("sha256") == _file_sha256(executed)
            and isinstance(_read_json_object(executed).get("cells"), list)
            and findings.cached_copy_valid(cached.get("findings_sha256"))
        ):
            say(f"[{chapter.short}] cache hit: inputs unchanged, not re-executed")
            cells = cached.get("cells", 0)
            return ChapterResult(
                chapter.name,
                "cached",
                0.0,
                True,
                cells if isinstance(cells, int) else 0,
                parameters=shown,
                executed=str(executed),
                key=key,
                findings=findings.restore(),
            )
        if cached.get("key") == key:
            say(f"[{chapter.short}] cached copy damaged or replaced: executing again")

    findings.remove_current()  # stale: this chapter is about to write its findings again
    work = Path(tempfile.mkdtemp(prefix=f"run-{chapter.short}-", dir=build_dir))
    try:
        result = _execute_in(
            work, chapter, executed, stamp, injected, shown, key, build_dir, findings
        )
    finally:
        shutil.rmtree(work, ignore_errors=True)
    result.key = key
    return result


def _execute_in(
    work: Path,
    chapter: Chapter,
    executed: Path,
    stamp: Path,
    injected: dict,
    shown: dict,
    key: str,
    build_dir: Path,
    findings: FindingsFiles,
) -> ChapterResult:
    spec = {
        "input": str(chapter.source),
        "output": str(work / "out.ipynb"),
        "parameters": injected,
        "cwd": str(chapter.source.parent),
        "result": str(work / "result.json"),
    }
    (work / "spec.json").write_text(json.dumps(spec), encoding="utf-8")
    start = time.monotonic()
    say(
        f"[{chapter.short}] executing with "
        + ", ".join(f"{k}={excerpt(v)}" for k, v in shown.items())
    )
    proc = _spawn(
        [sys.executable, "-m", "tools.run", "_worker", str(work / "spec.json")],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        errors="replace",
        cwd=str(REPO),
    )
    cells = 0
    assert proc.stdout is not None
    other_output: list[str] = []
    try:
        for line in proc.stdout:
            if line.startswith("CELL "):
                _, index, total = line.split()
                cells = int(total)
                say(f"[{chapter.short}] cell {index}/{total}  {time.monotonic() - start:6.1f} s")
            else:
                other_output.append(one_line(line.rstrip(), 500))
                del other_output[:-20]
        proc.wait()
    finally:
        _forget(proc)
    seconds = time.monotonic() - start
    if _CANCEL.is_set():
        say(f"[{chapter.short}] stopped (interrupted)")
        findings.remove_current()  # whatever it wrote before the stop is not a finished run's
        return ChapterResult(chapter.name, "cancelled", seconds, False, cells, parameters=shown)
    outcome = _read_json_object(work / "result.json")
    if outcome.get("status") not in {"ok", "failed"}:
        outcome = {
            "status": "failed",
            "cell_index": None,
            "ename": "WorkerError",
            "evalue": "the worker process ended without a result:\n" + "\n".join(other_output),
        }

    if outcome["status"] == "ok":
        executed.parent.mkdir(parents=True, exist_ok=True)
        stamp.unlink(missing_ok=True)  # first: a copy without its stamp is a miss, never a lie
        os.replace(work / "out.ipynb", executed)
        findings_sha = findings.store()
        _atomic_write_text(
            stamp,
            json.dumps(
                {
                    "key": key,
                    "sha256": _file_sha256(executed),
                    "findings_sha256": findings_sha,
                    "cells": cells,
                    "seconds": seconds,
                }
            ),
        )
        say(f"[{chapter.short}] done in {seconds:.1f} s")
        return ChapterResult(
            chapter.name,
            "ok",
            seconds,
            False,
            cells,
            parameters=shown,
            executed=str(executed),
            findings=str(findings.current) if findings_sha else "",
        )

    failed = build_dir / "failed" / f"{chapter.name}.ipynb"
    failed.parent.mkdir(parents=True, exist_ok=True)
    if (work / "out.ipynb").is_file():
        os.replace(work / "out.ipynb", failed)
    stamp.unlink(missing_ok=True)
    findings.remove_current()  # a failed run has no findings (not even the part it wrote)
    cell = outcome.get("cell_index")
    where = f"cell {cell + 1}" if isinstance(cell, int) else "before any cell ran"
    if outcome.get("exec_count"):
        where += f" (In [{outcome['exec_count']}])"
    outcome["where"] = where
    outcome["evalue"] = one_line(outcome.get("evalue", ""), 2000)
    outcome["partial_notebook"] = str(failed) if failed.is_file() else ""
    say(
        f"[{chapter.short}] FAILED at {where}: {outcome.get('ename')}: {outcome.get('evalue')}\n"
        f"[{chapter.short}] partially executed notebook kept at {outcome['partial_notebook'] or '(none)'}"
    )
    return ChapterResult(chapter.name, "failed", seconds, False, cells, outcome, shown)


# --------------------------------------------------------------------------------------------
# Findings as data: BUILD_DIR/findings/<chapter>.json, merged into BUILD_DIR/findings.json
# --------------------------------------------------------------------------------------------

FINDINGS_FOLDER = "findings"  # BUILD_DIR/findings/<chapter>.json: one file per chapter
FINDINGS_FILE = "findings.json"  # BUILD_DIR/findings.json: the merged record of the run
FINDINGS_LISTS = ("causes", "countermeasures")  # concatenated over the chapters, in toc order


def _atomic_copy(source: Path, target: Path) -> None:
    """Copy ``source`` to a temporary file next to ``target`` and rename it over ``target``."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.")
    os.close(fd)
    try:
        shutil.copyfile(source, tmp)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


class FindingsFiles:
    """One chapter's findings file and its cached copy.

    ``current`` is ``BUILD_DIR/findings/<chapter>.json`` (what the chapter writes when the runner
    injects ``FINDINGS_DIR``); ``cached`` is ``BUILD_DIR/cache/<chapter>.findings.json``, stored
    with the executed copy and recorded in its stamp, so that a cache hit restores it.
    """

    def __init__(self, build_dir: Path, chapter: Chapter):
        self.folder = build_dir / FINDINGS_FOLDER
        self.current = self.folder / f"{chapter.short}.json"
        self.cached = build_dir / "cache" / f"{chapter.name}.findings.json"
        try:
            self.declared = "FINDINGS_DIR" in chapter_parameters(chapter)
        except (OSError, ValueError, SyntaxError):
            self.declared = False

    def remove_current(self) -> None:
        """Remove the chapter's findings file (it is about to run again, or its run failed)."""
        self.current.unlink(missing_ok=True)

    def store(self) -> str | None:
        """After a successful run: keep a copy of the file it wrote; return its SHA-256 (None: none)."""
        if not self.current.is_file():
            self.cached.unlink(missing_ok=True)
            return None
        _atomic_copy(self.current, self.cached)
        return _file_sha256(self.cached)

    def cached_copy_valid(self, sha256: object) -> bool:
        """Whether the stamp's findings hash (None: the run wrote none) matches the cached copy."""
        if sha256 is None:
            return True
        return isinstance(sha256, str) and _file_sha256(self.cached) == sha256

    def restore(self) -> str:
        """On a cache hit: put the cached run's findings file back (or remove one it did not write)."""
        if not self.cached.is_file():
            self.remove_current()
            return ""
        if _file_sha256(self.current) != _file_sha256(self.cached):
            _atomic_copy(self.cached, self.current)
        return str(self.current)


def findings_dependencies(chapters: Sequence[Chapter]) -> dict[str, list[Chapter]]:
    """For each chapter, the earlier chapters whose findings file its notebook names.

    Chapter 5 reads ``04_scoring.json`` (chapter 4's verdicts, when they exist for the same data
    folder): it is executed after chapter 4, and the content of that file is part of its cache key
    (:func:`dependent_key`).
    """
    out: dict[str, list[Chapter]] = {}
    for i, chapter in enumerate(chapters):
        try:
            text = chapter.source.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            text = ""
        out[chapter.name] = [
            d for d in chapters[:i] if re.search(rf"(?<![\w.-]){re.escape(d.short)}\.json\b", text)
        ]
    return out


def dependent_key(key: str, dependencies: Sequence[Chapter], build_dir: Path) -> str:
    """A chapter's cache key extended by the findings files it reads (their content, or absence)."""
    if not dependencies:
        return key
    h = hashlib.sha256(key.encode())
    for d in dependencies:
        h.update(d.short.encode())
        h.update((_file_sha256(build_dir / FINDINGS_FOLDER / f"{d.short}.json") or "none").encode())
    return h.hexdigest()


def _finite(node: object) -> object:
    """``NaN`` and infinities become ``None`` (strict JSON), everywhere in a structure."""
    if isinstance(node, float) and not math.isfinite(node):
        return None
    if isinstance(node, list):
        return [_finite(v) for v in node]
    if isinstance(node, dict):
        return {k: _finite(v) for k, v in node.items()}
    return node


def merge_findings(
    findings_dir: Path,
    data_dir: Path,
    *,
    chapters: Sequence[Chapter] = (),
    repo: Path = REPO,
) -> dict | None:
    """Merge the chapters' findings files into one record (the content of ``findings.json``).

    Each ``findings_dir/<chapter>.json`` is one chapter's record (``chapter``, ``data_dir``,
    ``parameters``, ``dimensions``, ``causes``, ``countermeasures``, ...). The merged record::

        {"data_dir": "data", "scenario": ..., "parameters": {...},
         "dimensions": [...], "causes": [...], "countermeasures": [...],
         "chapters": {"04_scoring": {...}, "05_attribution": {...}}, "skipped": {...}}

    * ``dimensions``: one entry per id, in order of first appearance; the first chapter in toc
      order that has the id gives its fields (chapter 4), later chapters add the fields it lacks
      (chapter 5's importance), and ``chapters`` lists who reported it.
    * ``causes``, ``countermeasures``: concatenated, each tagged with its ``chapter``.
    * ``parameters``: the union of the chapters' parameters (first chapter wins on a name
      reported twice; each chapter's own are under ``chapters``).
    * ``data_dir`` is relative to the repository or the folder's name, never an absolute path;
      every absolute path of the build machine in a chapter's record is replaced the same way.
    * A file that is not valid JSON, not a chapter of ``chapters`` (when given), or built on
      another data folder (an ``--only`` run on other data leaves the others' files) is not merged
      and is named under ``skipped`` with the reason.

    Returns ``None`` when there is nothing to merge or skip.
    """
    published = published_data_dir(data_dir, repo)
    order = {c.short: i for i, c in enumerate(chapters)}
    chapter_dirs = {c.short: c.source.parent for c in chapters}
    files = sorted(
        findings_dir.glob("*.json") if findings_dir.is_dir() else [],
        key=lambda f: (order.get(f.stem, len(order)), f.stem),
    )
    replacements = sorted(
        [
            (str(data_dir.resolve()), published),
            (str(repo.resolve()) + os.sep, ""),
            (str(Path.home()) + os.sep, "~" + os.sep),
        ],
        key=lambda r: -len(r[0]),
    )
    merged: dict = {
        "data_dir": published,
        "scenario": None,
        "parameters": {},
        "dimensions": [],
        **{name: [] for name in FINDINGS_LISTS},
        "chapters": {},
        "skipped": {},
    }
    dimensions: dict[str, dict] = {}
    for path in files:
        name = path.stem
        if name.startswith("."):  # a writer's temporary file, not a record
            continue
        record = _read_json_object(path)
        if not record:
            merged["skipped"][name] = "not a JSON object (unreadable, truncated or empty)"
            continue
        if chapters and name not in order:
            merged["skipped"][name] = "not a chapter of _toc.yml"
            continue
        written = record.get("data_dir")
        if isinstance(written, str) and written:
            base = chapter_dirs.get(name, findings_dir)
            if (base / written).resolve() != data_dir.resolve():
                merged["skipped"][name] = (
                    f"built on another data folder ({published_data_dir(base / written, repo)}, "
                    f"not {published}): rerun that chapter"
                )
                continue
        record = _finite(_scrub(record, replacements))
        record["data_dir"] = published
        merged["chapters"][name] = record
        if merged["scenario"] is None and record.get("scenario") is not None:
            merged["scenario"] = record["scenario"]
        if isinstance(record.get("parameters"), dict):
            for key, value in record["parameters"].items():
                merged["parameters"].setdefault(key, value)
        for entry in record.get("dimensions") or []:
            if not isinstance(entry, dict) or "id" not in entry:
                continue
            known = dimensions.get(str(entry["id"]))
            if known is None:
                dimensions[str(entry["id"])] = {**entry, "chapters": [name]}
            else:
                for key, value in entry.items():
                    known.setdefault(key, value)
                known["chapters"].append(name)
        for list_name in FINDINGS_LISTS:
            for entry in record.get(list_name) or []:
                if isinstance(entry, dict):
                    merged[list_name].append({**entry, "chapter": entry.get("chapter", name)})
    merged["dimensions"] = list(dimensions.values())
    if not merged["chapters"] and not merged["skipped"]:
        return None
    return merged


def write_findings(
    build_dir: Path, data_dir: Path, chapters: Sequence[Chapter], repo: Path = REPO
) -> Path | None:
    """Write :func:`merge_findings` of ``BUILD_DIR/findings/`` to ``BUILD_DIR/findings.json``.

    Written to a temporary file and renamed (a reader never sees half a file); removed when no
    chapter wrote findings. Returns the path written, or None.
    """
    target = build_dir / FINDINGS_FILE
    merged = merge_findings(build_dir / FINDINGS_FOLDER, data_dir, chapters=chapters, repo=repo)
    if merged is None:
        target.unlink(missing_ok=True)
        return None
    _atomic_write_text(
        target, json.dumps(merged, indent=2, ensure_ascii=False, allow_nan=False) + "\n"
    )
    for name, reason in merged["skipped"].items():
        say(f"[findings] WARNING: {name}.json not merged: {reason}")
    say(
        f"[findings] {len(merged['chapters'])} chapter file(s) merged into "
        f"{published_data_dir(target, repo)}: {len(merged['dimensions'])} dimension(s), "
        f"{len(merged['causes'])} cause(s), {len(merged['countermeasures'])} countermeasure(s)"
    )
    return target


# --------------------------------------------------------------------------------------------
# Building the book from the executed copies
# --------------------------------------------------------------------------------------------


def summary_markdown(results: Sequence[ChapterResult]) -> str:
    """The summary as a Markdown table (used for the book's run-report page).

    Chapter names and parameters are rendered as text (escaped), never as markup.
    """
    lines = [
        "| chapter | status | seconds | cache hit | cells | parameters |",
        "|---|---|---:|---|---:|---|",
    ]
    for r in results:
        params = ", ".join(
            myst_code(f"{k}={v!r}", 120, in_table=True) for k, v in r.parameters.items()
        )
        lines.append(
            f"| {myst_text(r.chapter)} | {myst_text(r.status)} | {r.seconds:.1f} "
            f"| {'yes' if r.cache_hit else 'no'} | {r.cells} | {params} |"
        )
    return "\n".join(lines)


HIDE_TAGS = {"hide-cell", "hide-input", "remove-cell", "remove-input"}
PRINT_DIR = "print"  # the single-page edition: html/print/index.html


def rerun_note(chapter: Chapter, parameters: dict) -> str:
    """The Markdown of the collapsed note placed after a chapter's parameter cells.

    Parameter values are rendered as inline code that no character of the value can close.
    """
    shown = (
        ", ".join(myst_code(f"{k} = {v!r}", 200) for k, v in parameters.items()) or "the defaults"
    )
    short = myst_code(chapter.short)
    return (
        "````{admonition} Parameters: how to rerun this chapter with other values\n"
        ":class: dropdown note rerun-note\n"
        f"This page ran with {shown} (the collapsed cells above: the chapter's `parameters` cell "
        "and the values the runner injected with papermill). To rerun it with other values, "
        "from the repository's root:\n\n"
        f"    make chapter CH={one_line(chapter.short, 80)} PARAMS='-p NAME VALUE'\n\n"
        f"(or `python -m tools.run --only` {short} `-p NAME VALUE`); "
        "`make book DATA_DIR=path/to/data` rebuilds the whole book on another data folder; "
        "`make help` lists every chapter's parameters. "
        "The executed notebook is under `book/_build/executed/`.\n"
        "````"
    )


def injected_source(parameters: dict) -> str:
    """The injected-parameters cell as a page shows it (data folder relative or by name)."""
    lines = ["# Parameters (injected by the runner; the data folder is shown as published)"]
    lines += [f"{k} = {v!r}" for k, v in parameters.items()]
    return "\n".join(lines) + "\n"


def _scrub(node: object, replacements: Sequence[tuple[str, str]]) -> object:
    """Replace build-machine paths in every string of a notebook structure."""
    if isinstance(node, str):
        for old, new in replacements:
            if old:
                node = node.replace(old, new)
        return node
    if isinstance(node, list):
        return [_scrub(v, replacements) for v in node]
    if isinstance(node, dict):
        return {k: _scrub(v, replacements) for k, v in node.items()}
    return node


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


def prepare_staged_notebook(
    path: Path,
    chapter: Chapter,
    parameters: dict,
    replacements: Sequence[tuple[str, str]] = (),
) -> None:
    """Make a staged (executed) notebook read like a book page; the executed copy is untouched.

    * The ``parameters`` cell and papermill's ``injected-parameters`` cell are collapsed
      (``hide-cell``, labelled), and a collapsed note saying how to rerun the chapter with other
      values follows them. The injected cell shows ``parameters`` (the data folder as published),
      and every ``(old, new)`` of ``replacements`` (the build machine's paths) is replaced in all
      cells and outputs.
    * Code whose outputs are only figures or tables, or that shows nothing (it prepares data or
      glues numbers into the text), is collapsed to a "show code" button (``hide-input``): the
      figure or table is the point. Code that prints text stays visible. A cell the author tagged
      (any hide/remove tag, or ``show-input`` to keep the code open) is left as it is.
    """
    import nbformat

    nb = nbformat.read(path, as_version=4)
    if replacements:
        nb = nbformat.from_dict(_scrub(nb, sorted(replacements, key=lambda r: -len(r[0]))))
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
            if "injected-parameters" in tags and parameters:
                cell.source = injected_source(parameters)
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


NO_SPACE = "No space left on device"


def _run_jb(src: Path, out: Path, builder: str, log: Path) -> tuple[int, str]:
    cmd = [_jupyter_book(), "build", str(src), "--path-output", str(out), "-W", "--keep-going"]
    cmd += ["--builder", builder]
    proc = _spawn(
        cmd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        errors="replace",
        cwd=str(out),
    )
    try:
        stdout, stderr = proc.communicate()
    finally:
        _forget(proc)
    try:
        _atomic_write_text(log, stdout + "\n" + stderr)
    except OSError as exc:  # e.g. the disk is full: the terminal still gets the tail
        stderr += f"\n(the log {log} could not be written: {exc})"
    return proc.returncode, stdout + stderr


def build_book(
    book_dir: Path,
    build_dir: Path,
    chapters: Sequence[Chapter],
    results: Sequence[ChapterResult],
    data_dir: Path | None = None,
    repo: Path = REPO,
) -> Path:
    """Stage ``book_dir`` with executed notebooks, build it with warnings as errors, swap it in.

    Two builds of the same staged source: the site (``html`` builder) and a single-page edition
    for printing (``singlehtml`` builder, copied into ``html/print/``). The staged notebooks get
    their parameter cells collapsed and a rerun note (:func:`prepare_staged_notebook`); the data
    folder's absolute path is replaced by its published name (:func:`published_data_dir`).

    Returns the published html folder. On a failed build raises :class:`subprocess.CalledProcessError`
    and the previous ``html`` folder is left as it was.
    """
    stage_root = Path(tempfile.mkdtemp(prefix="stage-", dir=build_dir))
    try:
        return _build_in(stage_root, book_dir, build_dir, chapters, results, data_dir, repo)
    finally:
        shutil.rmtree(stage_root, ignore_errors=True)


def _build_in(stage_root, book_dir, build_dir, chapters, results, data_dir, repo) -> Path:
    src = stage_root / "src"
    shutil.copytree(
        book_dir,
        src,
        ignore=shutil.ignore_patterns("_build", ".ipynb_checkpoints", "__pycache__"),
    )
    replacements: list[tuple[str, str]] = []
    if data_dir is not None:
        shown = published_data_dir(data_dir, repo)
        replacements.append((str(data_dir.resolve()), shown))
    replacements.append((str(repo.resolve()) + os.sep, ""))
    replacements.append((str(Path.home()) + os.sep, "~" + os.sep))
    params = {r.chapter: r.parameters for r in results}
    for chapter in chapters:
        staged = src / f"{chapter.name}.ipynb"
        shutil.copy2(build_dir / "executed" / f"{chapter.name}.ipynb", staged)
        prepare_staged_notebook(staged, chapter, params.get(chapter.name, {}), replacements)
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
        if _CANCEL.is_set():
            raise KeyboardInterrupt("cancelled during the book build")
        if code != 0 or not index.is_file():
            tail = "\n".join(output.strip().splitlines()[-30:])
            say(f"[book] {builder} build FAILED (exit {code}); full log: {log}\n{tail}")
            if NO_SPACE in output or "ENOSPC" in output:
                say(
                    f"error: {NO_SPACE}: the book build ran out of disk space; free space and rerun"
                )
            raise subprocess.CalledProcessError(code or 1, [_jupyter_book(), "build", builder])
    finish_print_edition(single, built)

    published = build_dir / "html"
    old = build_dir / f".html-old-{os.getpid()}"
    if _CANCEL.is_set():
        raise KeyboardInterrupt("cancelled before publishing")
    blocked = threading.current_thread() is threading.main_thread()
    if blocked:  # the two renames happen together or not at all
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
    try:
        if published.exists():
            os.replace(published, old)
        os.replace(built, published)
    finally:
        if blocked:
            signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT, signal.SIGTERM})
    shutil.rmtree(old, ignore_errors=True)
    say(f"[book] built in {time.monotonic() - start:.1f} s")
    return published


# --------------------------------------------------------------------------------------------
# Orchestration
# --------------------------------------------------------------------------------------------


def check_data(data_dir: Path) -> None:
    """The data folder, checked whole before any chapter runs (:mod:`tools.check`).

    The privacy gate (every file, every text column) and, when the folder holds the codebook's
    files, the validation of every file and every cross-file rule. Raises :class:`RunnerError`
    with the whole report on any error; warnings are printed.
    """
    from tools.check import check_folder

    report = check_folder(data_dir)
    for line in report.warnings:
        say(f"[check] WARNING: {line}")
    if report.errors:
        raise RunnerError(report.error_text())


def privacy_check(data_dir: Path) -> None:
    """Refuse data with direct identifiers anywhere in the folder (kept for callers of 1.x)."""
    from utils.study.privacy import PrivacyError, privacy_gate_folder

    try:
        report = privacy_gate_folder(data_dir)
    except PrivacyError as exc:
        raise RunnerError(f"privacy gate refused the data: {exc}") from exc
    warning = report.warning() if report is not None else None
    if warning:
        say(f"[privacy] WARNING: {warning}")


def parse_value(text: str) -> object:
    """Read a ``-p`` value as papermill's CLI does: YAML scalars (numbers, booleans), else text.

    A YAML list of scalars (``[0.4, 0.5]``) is read as a list; the chapter's declaration then
    decides whether a list is allowed.
    """
    try:
        value = yaml.safe_load(text)
    except yaml.YAMLError:
        return text
    if isinstance(value, list) and all(
        isinstance(v, (int, float, bool, str)) or v is None for v in value
    ):
        return value
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
    Exit status: 0 success, 1 a chapter or the build failed (or the disk is full), 2 refused
    arguments, data or a second concurrent build, 130 interrupted (nothing published).
    """
    book_dir = book_dir.resolve()
    data_dir = data_dir.resolve()
    build_dir = (build_dir or book_dir / "_build").resolve()
    parameters = dict(parameters or {})
    start = time.monotonic()
    try:
        if not data_dir.is_dir():
            raise RunnerError(f"data folder {published_data_dir(data_dir, repo)} does not exist")
        chapters = read_toc(book_dir)
        if only:
            wanted = set(only)
            unknown = wanted - {c.short for c in chapters} - {c.name for c in chapters}
            if unknown:
                raise RunnerError(
                    f"--only {sorted(one_line(u, 60) for u in unknown)}: not in _toc.yml; chapters are "
                    + ", ".join(c.short for c in chapters)
                )
            chapters = [c for c in chapters if c.short in wanted or c.name in wanted]
            build = False if only else build
        per_chapter, _ = check_parameters(chapters, parameters)
        check_data(data_dir)  # the privacy gate and the validation, in one report
    except RunnerError as exc:
        say(f"error: {exc}")
        say("No chapter was started.")
        return 2

    lock = BuildLock(build_dir)
    try:
        lock.acquire()
    except RunnerError as exc:
        say(f"error: {exc}")
        return 2
    main_thread = threading.current_thread() is threading.main_thread()
    old_handlers = {}
    if main_thread:
        for sig in (signal.SIGINT, signal.SIGTERM):
            old_handlers[sig] = signal.signal(sig, _on_signal)
    _CANCEL.clear()
    pool = cf.ThreadPoolExecutor(max_workers=max(1, jobs or os.cpu_count() or 1))
    try:
        return _run_locked(
            book_dir, data_dir, build_dir, chapters, per_chapter, jobs, force, build, repo, pool,
            start,
        )  # fmt: skip
    except KeyboardInterrupt:
        _CANCEL.set()
        if main_thread:
            signal.signal(signal.SIGINT, signal.SIG_IGN)
        pool.shutdown(wait=False, cancel_futures=True)
        _stop_children()
        pool.shutdown(wait=True)
        clean_stale(build_dir)
        say("\ninterrupted: queued chapters cancelled, running ones stopped; nothing was published")
        return 130
    except OSError as exc:
        if exc.errno != errno.ENOSPC:
            raise
        _CANCEL.set()
        pool.shutdown(wait=False, cancel_futures=True)
        _stop_children()
        pool.shutdown(wait=True)
        clean_stale(build_dir)
        say(
            f"error: {NO_SPACE} (while writing {exc.filename or 'the build folder'}); free some "
            "space and run again. The published book was left unchanged."
        )
        return 1
    finally:
        pool.shutdown(wait=False, cancel_futures=True)
        for sig, handler in old_handlers.items():
            signal.signal(sig, handler)
        _CANCEL.clear()
        lock.release()


def _run_locked(
    book_dir, data_dir, build_dir, chapters, per_chapter, jobs, force, build, repo, pool, start
) -> int:
    stale = clean_stale(build_dir)
    if stale:
        say(f"[runner] removed {len(stale)} temporary folder(s) left by an interrupted run")
    shared = inputs_digest(data_dir, repo)
    keys = {c.name: chapter_key(c, shared, per_chapter[c.name]) for c in chapters}
    say(
        f"[runner] {len(chapters)} chapter(s) from {book_dir.name}/_toc.yml, data "
        f"{published_data_dir(data_dir, repo)}, jobs {pool._max_workers}"
    )
    try:
        toc_chapters = read_toc(book_dir)
    except RunnerError:
        toc_chapters = list(chapters)
    dependencies = findings_dependencies(toc_chapters)
    futures: dict[str, cf.Future] = {}

    def run_one(c: Chapter) -> ChapterResult:
        # a chapter that reads another's findings file runs after it, and that file is in its key
        for d in dependencies.get(c.name, []):
            if d.name in futures:
                futures[d.name].result()
        key = dependent_key(keys[c.name], dependencies.get(c.name, []), build_dir)
        result = execute_chapter(
            c,
            build_dir=build_dir,
            data_dir=data_dir,
            parameters=per_chapter[c.name],
            key=key,
            force=force,
            repo=repo,
        )
        result.key = result.key or key
        return result

    for c in chapters:  # in toc order: a chapter's dependencies are submitted before it
        futures[c.name] = pool.submit(run_one, c)
    results = [futures[c.name].result() for c in chapters]
    if _CANCEL.is_set():
        raise KeyboardInterrupt
    write_findings(build_dir, data_dir, toc_chapters, repo)

    failed = [r for r in results if r.status == "failed"]
    book_status = "not built"
    if not failed and build:
        key = book_key(book_dir, [r.key for r in results])
        stamp = build_dir / "cache" / "book.json"
        current = _read_json_object(stamp).get("key") == key
        if current and (build_dir / "html" / "index.html").is_file():
            say("[book] cache hit: no chapter and no page changed, the published book is current")
            book_status = "current"
        else:
            stamp.unlink(missing_ok=True)
            try:
                build_book(book_dir, build_dir, chapters, results, data_dir, repo)
                _atomic_write_text(stamp, json.dumps({"key": key}))
                book_status = "built"
            except subprocess.CalledProcessError:
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
    elif not build:
        for r in results:
            if r.executed:
                say(f"Executed copy: {os.path.relpath(r.executed)} (open it with: make lab)")
    return 0


def split_params(text: str) -> list[tuple[str, str]]:
    """``-p NAME VALUE`` triples from one string (make's ``PARAMS``), split like a shell would
    but never run by one: quotes group words, nothing is expanded or executed."""
    import shlex

    try:
        words = shlex.split(text)
    except ValueError as exc:
        raise ParameterError(f"PARAMS {excerpt(text)}: {exc}") from exc
    pairs = []
    while words:
        if words[0] not in {"-p", "--parameter"} or len(words) < 3:
            raise ParameterError(
                f"PARAMS {excerpt(text)}: expected '-p NAME VALUE' repeated, e.g. "
                "PARAMS='-p WEIGHTS entropy -p N_BOOT 200'"
            )
        pairs.append((words[1], words[2]))
        words = words[3:]
    return pairs


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point (see the module docstring)."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["_worker"]:
        return _worker(argv[1])
    book_dir = DEFAULT_BOOK
    if "--book-dir" in argv[:-1]:
        book_dir = Path(argv[argv.index("--book-dir") + 1])
    try:
        epilog = parameters_help(read_toc(book_dir))
    except (RunnerError, OSError, yaml.YAMLError):
        epilog = "(the chapters' parameters could not be read)"
    parser = argparse.ArgumentParser(
        prog="python -m tools.run",
        description=__doc__.split("\n")[0],
        epilog=epilog,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
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
        metavar=("NAME", "VALUE"),
        help="parameter declared in a chapter's parameters cell (listed below); repeatable",
    )
    parser.add_argument(
        "--params",
        default="",
        metavar="TEXT",
        help="'-p NAME VALUE ...' as one string (make's PARAMS); never run by a shell",
    )
    parser.add_argument(
        "--jobs", "-j", type=int, default=None, help="parallel chapters (default: cores)"
    )
    parser.add_argument("--force", action="store_true", help="ignore the cache")
    parser.add_argument(
        "--no-build", action="store_true", help="execute only; do not build the book"
    )
    parser.add_argument(
        "--list-parameters", action="store_true", help="print every chapter's parameters and exit"
    )
    args = parser.parse_args(argv)
    if args.list_parameters:
        print(epilog)
        return 0
    if args.jobs is not None and not 1 <= args.jobs <= 64:
        print(f"error: --jobs {args.jobs}: must be from 1 to 64")
        return 2
    try:
        pairs = list(args.parameter) + split_params(args.params)
    except ParameterError as exc:
        print(f"error: {exc}")
        return 2
    params = {k: parse_value(v) for k, v in pairs}
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
