"""Every chapter has what a chapter of this book must have (issue: the book's chapters).

Checked on the committed notebooks' markdown: the opening (objectives, prerequisites, the data
admonition), figures glued with a caption, a label and alt text, numbers glued into the prose,
a key-findings box, three or more exercises with solutions in dropdowns, and citations.
"""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
CHAPTERS = sorted((REPO / "book" / "chapters").glob("*.ipynb"))


def _markdown(path: Path) -> str:
    nb = json.loads(path.read_text(encoding="utf-8"))
    return "\n\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown")


def _code(path: Path) -> str:
    nb = json.loads(path.read_text(encoding="utf-8"))
    return "\n\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code")


def _trees(code: str) -> list[ast.AST]:
    """The syntax tree of the code, or of each part that parses (IPython magics do not)."""
    try:
        return [ast.parse(code)]
    except SyntaxError:
        trees = []
        for part in code.split("\n\n"):
            try:
                trees.append(ast.parse(part))
            except SyntaxError:
                continue
        return trees


def _glued_keys(code: str) -> set[str]:
    """Keys glued by the code: ``glue("key", ...)``, ``glue_figure("key", ...)`` and
    ``glue_facts("ch4", name=...)``."""
    return set(_glued_key_list(code))


def _visible_calls(path: Path) -> set[str]:
    """Names of the functions called in the code cells a reader can see (not removed by tags)."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for cell in nb["cells"]:
        tags = set(cell.get("metadata", {}).get("tags", []))
        if cell["cell_type"] != "code" or tags & {"remove-cell", "remove-input"}:
            continue
        src = "".join(cell["source"])
        try:
            tree = ast.parse(src)
        except SyntaxError:
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                name = getattr(node.func, "attr", None) or getattr(node.func, "id", None)
                if name:
                    names.add(name)
    return names


#: The methods each chapter must be seen calling (issue 9: chapters that teach the methods).
METHOD_CALLS = {
    "02_indicators": {"ahp", "ahp_group", "entropy_weights", "critic_weights"},
    "03_survey": {"cronbach_alpha", "exploratory_factor_analysis"},
    "04_scoring": {"fuzzy_evaluation"},
    "04b_efficiency": {
        "topsis",
        "grey_relational_grades",
        "dea",
        "super_efficiency",
        "malmquist",
        "dea_bootstrap",
        "entropy_weights",
        "critic_weights",
    },
    "05_attribution": {"ordered_logit"},
    "06_relative_poverty": {"alkire_foster", "fgt", "markov_chain"},
}


@pytest.mark.parametrize("name", sorted(METHOD_CALLS))
def test_chapter_calls_the_methods_library_visibly(name: str):
    path = REPO / "book" / "chapters" / f"{name}.ipynb"
    missing = METHOD_CALLS[name] - _visible_calls(path)
    assert not missing, f"{name}: the visible code cells never call {sorted(missing)}"


def test_glued_keys_parser_reads_glue_and_glue_facts():
    code = (
        'glue("ch4_fig", fig)\n\nglue_facts("ch4", overall=1.0, weakest="gs")'
        '\n\nglue_figure("ch4_fig_map", fig, simulated=True)'
    )
    assert _glued_keys(code) == {"ch4_fig", "ch4_overall", "ch4_weakest", "ch4_fig_map"}


def test_the_chapters():
    assert [p.stem.split("_")[0] for p in CHAPTERS] == ["01", "02", "03", "04", "04b", "05", "06"]


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_chapter_has_the_parts_of_a_chapter(path: Path):
    md = _markdown(path)
    code = _code(path)
    name = path.stem
    assert "You will learn" in md, f"{name}: no 'You will learn' objectives"
    assert re.search(r"\*\*Prerequisites\*\*|Prerequisites", md), f"{name}: no prerequisites"
    assert re.search(r"```\{admonition\}[^\n]*[Ss]imulated", md), f"{name}: no data admonition"
    assert re.search(r"[Kk]ey findings", md) and ":class: tip" in md, f"{name}: no key findings box"

    figures = re.findall(r"```\{glue:figure\}\s+(\S+)\n((?::[^\n]*\n)*)", md)
    assert len(figures) >= 3, f"{name}: {len(figures)} glued figures, at least 3 wanted"
    for key, options in figures:
        assert ":name:" in options, f"{name}: figure {key} has no :name: label"
        assert re.search(r":alt: \S", options), f"{name}: figure {key} has no alt text"
        assert key in _glued_keys(code), f"{name}: figure {key} is not glued in this notebook"

    glued = set(re.findall(r"\{glue(?::text)?\}`([A-Za-z0-9_]+)", md))
    assert len(glued) >= 5, f"{name}: only {len(glued)} glued values in the prose"
    missing = sorted(glued - _glued_keys(code))
    assert not missing, f"{name}: prose uses glue keys no cell of this notebook glues: {missing}"

    exercises = re.findall(r"```\{exercise\}[^\n]*\n:label: (\S+)", md)
    assert len(exercises) >= 3, f"{name}: {len(exercises)} exercises, at least 3 wanted"
    for label in exercises:
        assert re.search(rf"`{{3,4}}\{{solution\}} {re.escape(label)}\n:class: dropdown", md), (
            f"{name}: exercise {label} has no solution in a dropdown"
        )
    assert any("PARAMS=" in block or "-p " in block for block in md.split("{exercise}")[1:]), (
        f"{name}: no exercise asks to rerun with another parameter"
    )
    assert re.search(r"\{cite(:[pt])?\}`", md), f"{name}: no citation"


def _glued_key_list(code: str) -> list[str]:
    """Every glue key of the code, with repetitions (glue, glue_figure and glue_facts calls)."""
    keys = re.findall(r"""\bglue(?:_figure)?\(\s*["']([A-Za-z0-9_]+)["']""", code)
    for tree in _trees(code):
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and getattr(node.func, "id", getattr(node.func, "attr", None)) == "glue_facts"
                and node.args
                and isinstance(node.args[0], ast.Constant)
            ):
                keys += [f"{node.args[0].value}_{kw.arg}" for kw in node.keywords if kw.arg]
    return keys


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_no_glue_key_is_glued_twice(path: Path):
    """myst-nb warns on a duplicate glue key, and the book is built with warnings as errors."""
    keys = _glued_key_list(_code(path))
    dupes = sorted({k for k in keys if keys.count(k) > 1})
    assert not dupes, f"{path.stem}: glue keys glued more than once: {dupes}"
