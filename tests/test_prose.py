"""The prose-number rule, the citation keys and the front/back matter of the book.

1. Unit tests of the scanner :mod:`tools.prose` on small strings (what it must flag, what it must
   accept), its validation messages, and hypothesis properties.
2. The book itself: no number typed into the prose of any chapter notebook or markdown page;
   every citation key used anywhere in the book exists in ``book/references.bib``; the
   bibliography parses and holds the keys the chapters were promised; the toc's front and
   back matter.

The scanner is a text tool, so there is no published numerical example to reproduce; its expected
values are the hand-derivable answers for each small string (which numbers a reader would call
"typed").
"""

from __future__ import annotations

import json
import re
import string
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from tools.prose import (
    ProseFinding,
    bib_keys,
    citation_keys,
    find_number_words,
    find_prose_numbers,
    notebook_citation_keys,
    scan_book,
    scan_markdown_file,
    scan_notebook,
)

REPO = Path(__file__).resolve().parents[1]
BOOK = REPO / "book"
BIB = BOOK / "references.bib"
CHAPTERS = sorted((BOOK / "chapters").glob("*.ipynb"))

#: Keys promised to the chapter authors (the project brief's list).
PROMISED_KEYS = """saaty1977 saaty1990 saaty2007 hwang1981 charnes1978 banker1984 foster1984 alkire2011 alkire2015
cronbach1951 feldt1965 kaiser1974 bartlett1950 horn1965 fornell1981 martilla1977 zadeh1965 deng1982
diakoulaki1995 shannon1948 budescu1993 azen2003 mccullagh1980 efron1993 bourguignon1979 shorrocks1980
heiberger2014 cooper2007 forman1998 aczel1983 cpc2015decision gov2016assessment gov2016exit
gov2018revitalization scio2021 nbs ravallion2011 haughton2009""".split()


def numbers(text: str) -> list[str]:
    return [n.number for n in find_prose_numbers(text)]


# --------------------------------------------------------------------------------------------
# 1. The scanner on small strings
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("the score is 72.5", ["72.5"]),
        ("The consistency ratio was 0.10 for 3 experts.", ["0.10", "3"]),
        ("1,234 households", ["1,234"]),
        ("a share of .5", [".5"]),
        ("80% satisfied", ["80"]),
        ("在700户中", ["700"]),  # a number inside Chinese prose is still a typed number
        ("## 4.2 Scoring with 5 items", ["5"]),  # heading number fine, the 5 is not
        ("see [the 3 tables](#tables)", ["3"]),  # link text is prose, the target is not
        ("{abbr}`CR 0.1 (consistency ratio)`", ["0.1"]),  # other roles' text is prose
        (":::{note}\n:class: tip\nbody with 6 cells\n:::", ["6"]),
        ("```{admonition} Title\n---\nclass: tip\n---\nText with 7\n```", ["7"]),
        ("Chapter 4 shows", ["4"]),
        ("1. an item with 2 numbers", ["2"]),
    ],
)
def test_flags_typed_numbers(text: str, expected: list[str]):
    assert numbers(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "in 2020",
        "from 2016-2020 and 2016–2020, back to 1949",
        "the score is {glue:text}`ch4_x:.1f`",
        "{glue}`ch4_table_5` and {glue:any}`x_2`",
        "{cite:p}`saaty1980`",
        "{cite:t}`alkire2011, foster1984` and {cite}`{see}saaty1980{p. 12}`",
        "$0.10$",
        "$$ CR = CI / RI < 0.1 $$",
        "$$\nCR < 0.10\n$$ (eq-cr)",
        "\\begin{align}x = 2\\end{align}",
        "{math}`\\lambda_{max} = 5.1`",
        "see {numref}`fig-4-1`, {ref}`sec-3`, {eq}`eq-2` and {doc}`../appendix/methods`",
        "(fig-4-1)=",
        "```{figure} images/fig1.png\n:name: fig-4-1\n:width: 80%\n\nA caption.\n```",
        "```python\nx = 5\n```",
        "````{code-cell} ipython3\nprint(3)\n````",
        "```{math}\n:label: eq-1\nx = 3\n```",
        "use `make chapter CH=04_scoring` and ``a 5 b``",
        "# 3 Survey",
        "### 4.2.1. Weights",
        "1. first step\n2) second step\n> 3. quoted item",
        "see https://www.stats.gov.cn/2021/1.html and <https://x.org/9>",
        "a [link](https://doi.org/10.1016/0377-2217(78)90138-8)",
        "a footnote[^1]\n\n[^1]: NBS 2021, table 3.",
        "<!-- RUN-SUMMARY 3 -->",
        "{{ n_households }} households",
        "township T01, household H0001, expert E07, indicator GS1, version v2",
        "三保障和五个一批",
        "<img src='a1.png' width=300>",
        "---\njupytext: 1.0\n---\nclean prose",
    ],
)
def test_accepts_exempt_constructs(text: str):
    assert numbers(text) == []


def test_line_and_column_and_context():
    found = find_prose_numbers("clean line\n\nthe score is 72.5 here")
    assert len(found) == 1
    n = found[0]
    assert (n.line, n.column, n.number) == (3, 14, "72.5")
    assert n.context == "the score is 72.5 here"


def test_code_fence_does_not_leak_into_following_prose():
    text = "````{note}\n```python\nx = 1\n```\nnote text 2\n````\nafter 3"
    assert [(n.line, n.number) for n in find_prose_numbers(text)] == [(5, "2"), (7, "3")]


def test_finding_str_names_file_cell_and_text():
    f = ProseFinding("chapters/04.ipynb", 3, 2, "72.5", "the score is 72.5")
    assert str(f) == "chapters/04.ipynb cell 3 line 2: '72.5' in 'the score is 72.5'"
    assert str(ProseFinding("intro.md", None, 1, "5", "5")) == "intro.md line 1: '5' in '5'"


# --------------------------------------------------------------------------------------------
# Validation messages
# --------------------------------------------------------------------------------------------


def test_find_prose_numbers_rejects_non_text():
    with pytest.raises(ValueError, match=r"text: expected a str of markdown, got int"):
        find_prose_numbers(5)  # type: ignore[arg-type]


def test_citation_keys_rejects_non_text():
    with pytest.raises(ValueError, match=r"text: expected a str of markdown, got NoneType"):
        citation_keys(None)  # type: ignore[arg-type]


def test_scan_notebook_missing_file(tmp_path: Path):
    with pytest.raises(ValueError, match=r"path: notebook .*nope\.ipynb does not exist"):
        scan_notebook(tmp_path / "nope.ipynb")


def test_scan_notebook_bad_json(tmp_path: Path):
    p = tmp_path / "bad.ipynb"
    p.write_text("{not json", encoding="utf-8")
    with pytest.raises(ValueError, match=r"bad\.ipynb is not valid notebook JSON"):
        scan_notebook(p)


def test_scan_notebook_without_cells(tmp_path: Path):
    p = tmp_path / "empty.ipynb"
    p.write_text(json.dumps({"metadata": {}}), encoding="utf-8")
    with pytest.raises(ValueError, match=r"empty\.ipynb has no 'cells' list"):
        scan_notebook(p)


def test_scan_markdown_missing_file(tmp_path: Path):
    with pytest.raises(ValueError, match=r"path: markdown page .*gone\.md does not exist"):
        scan_markdown_file(tmp_path / "gone.md")


def test_scan_book_not_a_directory(tmp_path: Path):
    with pytest.raises(ValueError, match=r"book_dir: .*missing is not a directory"):
        scan_book(tmp_path / "missing")


def test_bib_keys_missing_file(tmp_path: Path):
    with pytest.raises(ValueError, match=r"path: BibTeX file .*x\.bib does not exist"):
        bib_keys(tmp_path / "x.bib")


def test_bib_keys_duplicate(tmp_path: Path):
    p = tmp_path / "dup.bib"
    p.write_text("@book{a1,\n title={x}}\n@article{a1,\n title={y}}\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"dup\.bib: citation key 'a1' is defined more than once"):
        bib_keys(p)


# --------------------------------------------------------------------------------------------
# Notebook and book scanning on small fixtures
# --------------------------------------------------------------------------------------------


def _notebook(tmp_path: Path, cells: list[tuple[str, str]]) -> Path:
    nb = {
        "cells": [
            {"cell_type": t, "id": f"c{i}", "metadata": {}, "source": s.splitlines(True)}
            | ({"outputs": [], "execution_count": None} if t == "code" else {})
            for i, (t, s) in enumerate(cells)
        ],
        "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3"}},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    p = tmp_path / "chapters" / "09_demo.ipynb"
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text(json.dumps(nb), encoding="utf-8")
    return p


def test_scan_notebook_reports_cell_index_and_ignores_code(tmp_path: Path):
    p = _notebook(
        tmp_path,
        [
            ("markdown", "# Demo\n\nIn 2020 the score was {glue:text}`s:.1f`."),
            ("code", "x = 72.5  # code is not prose"),
            ("markdown", "Clean line.\nBut the index is 0.83 {cite:p}`saaty1980`."),
        ],
    )
    found = scan_notebook(p, label="chapters/09_demo.ipynb")
    assert found == [
        ProseFinding(
            "chapters/09_demo.ipynb",
            2,
            2,
            "0.83",
            "But the index is 0.83 {cite:p}`saaty1980`.",
        )
    ]
    assert notebook_citation_keys(p) == {"saaty1980"}


def test_scan_book_covers_notebooks_and_pages_but_not_build(tmp_path: Path):
    _notebook(tmp_path, [("markdown", "a 5")])
    (tmp_path / "intro.md").write_text("page with 6\n", encoding="utf-8")
    (tmp_path / "README.md").write_text("readme 7\n", encoding="utf-8")
    (tmp_path / "_build").mkdir()
    (tmp_path / "_build" / "copy.md").write_text("built 8\n", encoding="utf-8")
    found = scan_book(tmp_path)
    assert [(f.file, f.cell, f.number) for f in found] == [
        ("chapters/09_demo.ipynb", 0, "5"),
        ("intro.md", None, "6"),
    ]


def test_citation_keys_parsing():
    text = "{cite:p}`a1, b2` then {cite:t}`{see}c3{p. 5}` and {cite}`d4` but `{cite}`not``"
    assert citation_keys(text) >= {"a1", "b2", "c3", "d4"}
    assert citation_keys("no citations, 5 numbers") == set()
    assert citation_keys("write ``{cite:p}`key` `` to cite") == set()  # a quoted example
    assert numbers("``{abbr}`CR 0.1 (x)` `` is quoted") == []


# --------------------------------------------------------------------------------------------
# Properties
# --------------------------------------------------------------------------------------------

_words = st.text(alphabet=string.ascii_lowercase + " ", min_size=0, max_size=30)
_non_year = st.one_of(
    st.integers(min_value=0, max_value=1899),
    st.integers(min_value=2100, max_value=10**9),
).map(str)
_decimal = st.floats(min_value=0, max_value=1e6, allow_nan=False).map(lambda x: f"{x:.3f}")


@settings(max_examples=50, deadline=None)
@given(before=_words, after=_words, number=st.one_of(_non_year, _decimal))
def test_property_a_number_between_words_is_flagged(before: str, after: str, number: str):
    assert numbers(f"{before} {number} {after}") == [number]


@settings(max_examples=50, deadline=None)
@given(before=_words, year=st.integers(min_value=1900, max_value=2099))
def test_property_years_are_never_flagged(before: str, year: int):
    assert numbers(f"{before} {year}.") == []


@settings(max_examples=50, deadline=None)
@given(
    body=st.text(alphabet=string.ascii_letters + string.digits + " .,:_", min_size=1, max_size=20),
    wrapper=st.sampled_from(
        ["`{}`", "{{glue:text}}`{}`", "{{cite:p}}`{}`", "${}$", "{{numref}}`{}`"]
    ),
)
def test_property_exempt_wrappers_hide_any_content(body: str, wrapper: str):
    body = body.strip() or "x"
    assert numbers("text " + wrapper.format(body) + " text") == []


@settings(max_examples=50, deadline=None)
@given(k=st.integers(min_value=0, max_value=20), number=_non_year)
def test_property_blank_lines_shift_the_reported_line(k: int, number: str):
    found = find_prose_numbers("\n" * k + f"value {number}")
    assert [(n.line, n.column) for n in found] == [(k + 1, 7)]


# --------------------------------------------------------------------------------------------
# 2. The book itself
# --------------------------------------------------------------------------------------------


def test_book_prose_has_no_typed_numbers():
    """Every chapter notebook and every .md page: numbers must come from glue (or be exempt)."""
    found = scan_book(BOOK)
    assert not found, "numbers typed into prose (use {glue:text}, math or code):\n" + "\n".join(
        str(f) for f in found
    )


def test_references_bib_parses_and_has_promised_keys():
    from pybtex.database import parse_file

    bib = parse_file(str(BIB), bib_format="bibtex")
    missing = sorted(set(PROMISED_KEYS) - set(bib.entries))
    assert not missing, f"references.bib lacks {missing}"
    assert set(bib.entries) == bib_keys(BIB)
    for key, entry in bib.entries.items():
        assert entry.persons.get("author"), f"references.bib: {key} has no author"
        assert entry.fields.get("title") and entry.fields.get("year"), f"{key}: title/year"
        doi = entry.fields.get("doi", "")
        assert not doi or re.fullmatch(r"10\.\d{4,5}/\S+", doi), f"{key}: malformed doi {doi!r}"


def test_every_cited_key_exists_in_references_bib():
    known = bib_keys(BIB)
    used: dict[str, set[str]] = {}
    for nb in CHAPTERS:
        used[nb.relative_to(BOOK).as_posix()] = notebook_citation_keys(nb)
    for page in BOOK.rglob("*"):
        rel = page.relative_to(BOOK)
        if "_build" in rel.parts or page.suffix not in {".md", ".ipynb"} or page in CHAPTERS:
            continue
        text = page.read_text(encoding="utf-8")
        if page.suffix == ".ipynb":
            used[rel.as_posix()] = notebook_citation_keys(page)
        else:
            used[rel.as_posix()] = citation_keys(text)
    unknown = {f: sorted(keys - known) for f, keys in used.items() if keys - known}
    assert not unknown, f"citation keys missing from references.bib: {unknown}"


def test_toc_front_and_back_matter():
    toc = yaml.safe_load((BOOK / "_toc.yml").read_text(encoding="utf-8"))
    assert toc["root"] == "intro"
    parts = {p["caption"]: [c["file"] for c in p["chapters"]] for p in toc["parts"]}
    front = [p for p in toc["parts"] if p["caption"] not in {"Chapters", "Back matter"}]
    assert [c["file"] for p in front for c in p["chapters"]][:1] == ["how-to-use"]
    assert toc["parts"][0] is front[0], "front matter comes right after the root"
    assert parts["Chapters"][:5] == [
        "chapters/01_background",
        "chapters/literature",
        "chapters/02_indicators",
        "chapters/03_survey",
        "chapters/04_scoring",
    ]
    assert parts["Chapters"][5:] == [
        "chapters/04b_efficiency",
        "chapters/05_attribution",
        "chapters/06_relative_poverty",
    ] or parts["Chapters"][5:] == ["chapters/05_attribution", "chapters/06_relative_poverty"]
    assert parts["Back matter"] == [
        "appendix/methods",
        "appendix/data",
        "appendix/simulation",
        "appendix/glossary",
        "appendix/reproducibility",
        "appendix/bibliography",
    ]


def test_reproducibility_keeps_the_run_summary_marker():
    from tools.run import SUMMARY_MARKER

    lines = (BOOK / "appendix" / "reproducibility.md").read_text(encoding="utf-8").splitlines()
    assert lines.count(SUMMARY_MARKER) == 1, "keep exactly one run-summary marker line"


def test_data_appendix_notebook_rules():
    nb = json.loads((BOOK / "appendix" / "data.ipynb").read_text(encoding="utf-8"))
    params = [c for c in nb["cells"] if "parameters" in c.get("metadata", {}).get("tags", [])]
    assert len(params) == 1
    assert params[0]["metadata"]["tags"] == ["parameters", "hide-cell"]
    assert 'DATA_DIR = "../../data"' in "".join(params[0]["source"])
    assert all(c.get("id") for c in nb["cells"]), "every cell needs an id"
    assert "load_codebook" in "".join("".join(c["source"]) for c in nb["cells"])


# --- numbers spelled out in words (issue 9: a number in words is a typed number) ---------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("about four thousand yuan in 2020", ["four thousand"]),
        ("within two places in nine draws out of ten", ["two", "nine draws out of ten"]),
        ("a Dirichlet concentration of twenty", ["twenty"]),
        ("ten experts compare the criteria", ["ten"]),
        ("significant at the five-percent level", ["five"]),
        ("fewer than two respondents", ["two"]),
        ("a threshold of ten", ["ten"]),
        ("twenty-five townships", ["twenty-five"]),
    ],
)
def test_number_words_next_to_units_or_parameters_are_flagged(text: str, expected: list[str]):
    assert [n.number for n in find_number_words(text)] == expected
    assert [n.number for n in find_prose_numbers(text)] == expected


@pytest.mark.parametrize(
    "text",
    [
        "the two no-worries and three guarantees",
        "the four not-removes of the five-year transition period",
        "one of the dimensions; the other one",
        "{glue:text}`ch1_lifted_m:.2f` million people",
        "funds in ten-thousand yuan",
        "`nine draws out of ten`",
        "a five-point Likert scale and a two-level evaluation",
    ],
)
def test_number_words_that_are_not_results_are_accepted(text: str):
    assert find_number_words(text) == []


@settings(max_examples=50, deadline=None)
@given(
    word=st.sampled_from(["two", "three", "seven", "eleven", "forty", "ninety"]),
    noun=st.sampled_from(["yuan", "households", "draws", "experts", "townships", "percent"]),
)
def test_property_number_word_before_a_unit_is_flagged(word: str, noun: str):
    assert [n.number for n in find_number_words(f"we found {word} {noun} here")] == [word]
