"""House rules of the repository: layout, notebook hygiene, environment files in step, CI command."""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted(p for p in (REPO / "book").rglob("*.ipynb") if "_build" not in p.parts)
HIDE_TAGS = {
    "hide-input",
    "hide-output",
    "hide-cell",
    "remove-input",
    "remove-output",
    "remove-cell",
}


def _name(requirement: str) -> str:
    """Normalised distribution name of a requirement string (PEP 503), e.g. 'Factor_Analyzer>=1' -> 'factor-analyzer'."""
    name = re.split(r"[<>=!~;\[ ]", requirement.strip(), maxsplit=1)[0]
    return re.sub(r"[-_.]+", "-", name).lower()


def test_top_level_layout():
    for rel in [
        "book",
        "book/_toc.yml",
        "book/_config.yml",
        "book/chapters",
        "book/references.bib",
        "data",
        "utils",
        "tests",
        "environment.yml",
        "README.md",
        "pyproject.toml",
        "requirements.lock",
        "Makefile",
        ".ci/run",
        "CITATION.cff",
        "LICENSE",
        "LICENSE-CONTENT.md",
        ".github/workflows/book.yml",
        ".pre-commit-config.yaml",
        "binder/requirements.txt",
    ]:
        assert (REPO / rel).exists(), f"{rel} is missing"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: str(p.relative_to(REPO)))
def test_notebook_committed_clean(path: Path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    outputs = [
        i for i, c in enumerate(nb["cells"]) if c["cell_type"] == "code" and c.get("outputs")
    ]
    assert not outputs, f"{path.name}: cells {outputs} have outputs; commit notebooks stripped"
    counts = [
        i
        for i, c in enumerate(nb["cells"])
        if c["cell_type"] == "code" and c.get("execution_count")
    ]
    assert not counts, f"{path.name}: cells {counts} have execution counts"
    assert nb["metadata"].get("kernelspec", {}).get("name") == "python3", (
        f"{path.name}: kernel must be python3"
    )
    for i, cell in enumerate(nb["cells"]):
        for tag in cell.get("metadata", {}).get("tags", []):
            assert tag.replace("_", "-") not in HIDE_TAGS or "_" not in tag, (
                f"{path.name}: cell {i} tag {tag!r} must be hyphenated ({tag.replace('_', '-')!r})"
            )


@pytest.mark.parametrize(
    "path", [p for p in NOTEBOOKS if "chapters" in p.parts], ids=lambda p: p.name
)
def test_chapter_has_parameters_cell(path: Path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    tagged = [c for c in nb["cells"] if "parameters" in c.get("metadata", {}).get("tags", [])]
    assert len(tagged) == 1, f"{path.name}: needs exactly one cell tagged 'parameters'"
    assert "DATA_DIR" in "".join(tagged[0]["source"]), (
        f"{path.name}: parameters cell lacks DATA_DIR"
    )


def _all_requirements() -> list[str]:
    """Runtime dependencies plus every optional group (test, dev): what the lock pins."""
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    extras = project.get("optional-dependencies", {})
    return list(project["dependencies"]) + [r for group in extras.values() for r in group]


def test_environment_yml_matches_pyproject():
    project = _all_requirements()
    env = yaml.safe_load((REPO / "environment.yml").read_text())
    conda, pip = set(), set()
    for dep in env["dependencies"]:
        if isinstance(dep, dict):
            pip |= {_name(d) for d in dep.get("pip", []) if not d.startswith("-e")}
        else:
            conda.add(
                _name(
                    dep.split("=")[0] if "=" in dep and "<" not in dep and ">" not in dep else dep
                )
            )
    listed = (conda | pip) - {"python", "pip"}
    wanted = {_name(d) for d in project}
    assert listed == wanted, (
        f"environment.yml and pyproject.toml drift: only in environment.yml {sorted(listed - wanted)}, "
        f"only in pyproject.toml {sorted(wanted - listed)}"
    )


def test_lock_pins_every_dependency_exactly():
    lock = (REPO / "requirements.lock").read_text()
    pinned = {_name(m) for m in re.findall(r"^([A-Za-z0-9_.\-]+)==", lock, flags=re.M)}
    project = _all_requirements()
    missing = {_name(d) for d in project} - pinned
    assert not missing, f"requirements.lock does not pin {sorted(missing)}; run `make lock`"
    assert "--hash=sha256:" in lock
    assert re.search(r"^jupyter-book==1\.", lock, flags=re.M), "Jupyter Book must stay on 1.x"
    sk = re.search(r"^scikit-learn==(\d+)\.(\d+)", lock, flags=re.M)
    assert sk and (int(sk[1]), int(sk[2])) < (1, 8), (
        "scikit-learn must stay < 1.8 (factor_analyzer 0.5.1)"
    )


def test_ci_runs_the_readme_test_command():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    ci = (REPO / ".ci" / "run").read_text()
    assert "make test" in readme and "make book" in readme
    commands = [
        ln.strip() for ln in ci.splitlines() if ln.strip() and not ln.strip().startswith("#")
    ]
    assert commands[-1] == "make test", (
        f".ci/run must end with the README's test command, got {commands[-1]!r}"
    )
    assert "make lint" in commands[:-1], (
        ".ci/run must run the lint gate (make lint) before make test"
    )


def test_toc_entries_exist():
    toc = yaml.safe_load((REPO / "book" / "_toc.yml").read_text())
    from tools.run import read_toc

    chapters = read_toc(REPO / "book")
    assert toc["format"] == "jb-book"
    assert [c.short for c in chapters][:8] == [
        "01_background",
        "02_indicators",
        "03_survey",
        "04_scoring",
        "04b_efficiency",
        "05_attribution",
        "06_relative_poverty",
        "data",
    ]
