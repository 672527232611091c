"""The package's layers (issue 9): what may import what, and what happens at import time.

- ``utils/methods`` knows nothing about M County: no module imports ``utils.study`` (or ``tools``).
- No module of ``utils/`` reads a file or the environment when it is imported: every module is
  imported in a fresh interpreter in which ``open``, ``Path.open``/``read_text``/``read_bytes``,
  ``pandas.read_csv``/``read_json`` and ``os.environ``/``os.getenv`` record any call made from a
  frame inside ``utils/``.
- Chapters never import the build machinery (``tools``).

The first check reads the source with :mod:`ast`; the second runs the imports; both fail on a
planted violation (see the tests of the tests at the end).
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
UTILS = REPO / "utils"


def _imports(path: Path, root: Path = REPO) -> set[str]:
    """Every module name imported by a Python file (absolute names; relative ones resolved)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    pkg = ".".join(path.relative_to(root).with_suffix("").parts[:-1])
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = pkg.split(".")[: len(pkg.split(".")) - node.level + 1]
                base = ".".join(parent + ([base] if base else []))
            names.add(base)
            names.update(f"{base}.{a.name}" for a in node.names)
    return names


def _forbidden(names: set[str], prefixes: tuple[str, ...]) -> list[str]:
    return sorted(n for n in names if any(n == p or n.startswith(p + ".") for p in prefixes))


def _methods_violations(root: Path) -> dict[str, list[str]]:
    out = {}
    for path in sorted((root / "utils" / "methods").rglob("*.py")):
        bad = _forbidden(
            _imports(path, root), ("utils.study", "tools", "utils.plots", "utils.glue")
        )
        if bad:
            out[str(path.relative_to(root))] = bad
    return out


def test_methods_import_nothing_from_the_study_layer():
    assert _methods_violations(REPO) == {}


def test_utils_never_imports_the_build_machinery():
    bad = {
        str(p.relative_to(REPO)): _forbidden(_imports(p), ("tools",))
        for p in sorted(UTILS.rglob("*.py"))
    }
    assert {k: v for k, v in bad.items() if v} == {}


def _chapter_code(path: Path) -> str:
    nb = json.loads(path.read_text(encoding="utf-8"))
    return "\n".join(
        "".join(c["source"]) if isinstance(c["source"], list) else c["source"]
        for c in nb["cells"]
        if c["cell_type"] == "code"
    )


_NOTEBOOKS = sorted(p for p in (REPO / "book").rglob("*.ipynb") if "_build" not in p.parts)


@pytest.mark.parametrize("path", _NOTEBOOKS, ids=lambda p: p.name)
def test_notebooks_never_import_the_build_machinery(path: Path):
    assert "import tools" not in _chapter_code(path)
    assert "from tools" not in _chapter_code(path)


_PROBE = textwrap.dedent(
    """
    import builtins, io, json, os, pathlib, pkgutil, sys, importlib, traceback
    sys.path.insert(0, {repo!r})
    UTILS = {utils!r}
    calls = []

    def _from_utils():
        # the direct caller of the probed function: a library that utils imports may read its
        # own configuration; only a read made by utils' own code counts
        f = sys._getframe(2)
        if f.f_code.co_filename.startswith(UTILS):
            return f"{{f.f_code.co_filename}}:{{f.f_lineno}}"
        return None

    def wrap(owner, name, label):
        orig = getattr(owner, name)
        def probe(*a, **k):
            where = _from_utils()
            if where:
                calls.append([label, where])
            return orig(*a, **k)
        setattr(owner, name, probe)

    import pandas
    for owner, name in [(builtins, "open"), (io, "open"), (pathlib.Path, "open"),
                        (pathlib.Path, "read_text"), (pathlib.Path, "read_bytes"),
                        (pandas, "read_csv"), (pandas, "read_json"), (os, "getenv")]:
        wrap(owner, name, f"{{getattr(owner, '__name__', owner)}}.{{name}}")

    orig_getitem = type(os.environ).__getitem__
    def env_getitem(self, key):
        where = _from_utils()
        if where:
            calls.append(["os.environ", where])
        return orig_getitem(self, key)
    type(os.environ).__getitem__ = env_getitem
    orig_get = type(os.environ).get
    def env_get(self, key, default=None):
        where = _from_utils()
        if where:
            calls.append(["os.environ.get", where])
        return orig_get(self, key, default)
    type(os.environ).get = env_get

    import utils
    errors = []
    for m in pkgutil.walk_packages(utils.__path__, "utils."):
        try:
            importlib.import_module(m.name)
        except Exception as exc:
            errors.append([m.name, repr(exc)])
    print(json.dumps({{"calls": calls, "errors": errors}}))
    """
)


def _import_time_reads(repo: Path) -> dict:
    code = _PROBE.format(repo=str(repo), utils=str(repo / "utils"))
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=repo, timeout=300
    )
    assert out.returncode == 0, out.stderr[-3000:]
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_no_module_reads_a_file_or_the_environment_at_import_time():
    result = _import_time_reads(REPO)
    assert result["errors"] == []
    assert result["calls"] == []


# --- the checks can fail ------------------------------------------------------------------------


def _planted_repo(tmp_path: Path, methods_src: str, study_src: str = "") -> Path:
    (tmp_path / "utils" / "methods").mkdir(parents=True)
    (tmp_path / "utils" / "study").mkdir(parents=True)
    (tmp_path / "utils" / "__init__.py").write_text("")
    (tmp_path / "utils" / "methods" / "__init__.py").write_text("")
    (tmp_path / "utils" / "study" / "__init__.py").write_text("")
    (tmp_path / "utils" / "methods" / "bad.py").write_text(methods_src)
    (tmp_path / "utils" / "study" / "reader.py").write_text(study_src)
    return tmp_path


def test_planted_study_import_in_methods_is_caught(tmp_path: Path):
    root = _planted_repo(tmp_path, "from utils.study import reader\nfrom ..study import reader\n")
    assert _methods_violations(root) == {
        "utils/methods/bad.py": ["utils.study", "utils.study.reader"]
    }


def test_planted_import_time_read_is_caught(tmp_path: Path):
    (tmp_path / "x.csv").write_text("a\n1\n")
    study = (
        "import os\nimport pandas as pd\n"
        f"LABELS = pd.read_csv({str(tmp_path / 'x.csv')!r})\nHOME = os.environ.get('HOME')\n"
    )
    root = _planted_repo(tmp_path, "X = 1\n", study)
    calls = _import_time_reads(root)["calls"]
    assert {c[0] for c in calls} >= {"pandas.read_csv", "os.environ.get"}
