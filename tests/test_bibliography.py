"""The bibliography rule of issue 15: every reference is real and checkable.

Every entry of ``book/references.bib`` must carry a ``doi`` or a ``url`` that was checked with the
project's search tool when the entry was written (methods classics included). The test fails on
an entry without one, on a malformed DOI or address, and on a key cited by the literature chapter
that the bibliography does not define.

There are no exemptions: four classic books that could not be matched to a publisher page, a
publisher DOI, a catalogue record or an archive record in the search tool's results (searched
2026-11-30) were replaced at every citation by journal works found with their DOIs (Saaty 1977 and
1990; Saaty and Tran 2007; Bourguignon 1979; Ravallion and Chen 2011) and removed.

There is no published worked example for a bibliography check; the expected values of the unit
tests are the hand-derivable verdicts on small BibTeX strings (which entries a reader would call
uncheckable). DOI syntax: Crossref, "DOIs and matching regular expressions" (2015,
https://www.crossref.org/blog/dois-and-matching-regular-expressions/) recommends
``^10.\\d{4,9}/[-._;()/:A-Z0-9]+$`` for modern DOIs; we accept any non-space suffix because
legitimate older DOIs (``10.1002/(SICI)...``) use other characters.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from pybtex.database import BibliographyData, parse_file, parse_string

from tools.prose import bib_keys, citation_keys, scan_markdown_file

REPO = Path(__file__).resolve().parents[1]
BOOK = REPO / "book"
BIB = BOOK / "references.bib"
CHAPTER = BOOK / "chapters" / "literature.md"
GLOSSARY = BOOK / "appendix" / "glossary.md"

DOI = re.compile(r"10\.\d{4,9}/\S+")
URL = re.compile(r"https?://\S+")

#: Methods classics and textbooks: cited by the literature chapter for a method, not counted as
#: empirical or policy studies of poverty alleviation.
METHODS_WORKS = frozenset(
    """hwang1981 charnes1978 banker1984 foster1984 alkire2011 alkire2015
    cronbach1951 feldt1965 kaiser1974 bartlett1950 horn1965 fornell1981 martilla1977 zadeh1965
    deng1982 diakoulaki1995 shannon1948 budescu1993 azen2003 mccullagh1980 efron1993
    shorrocks1980 heiberger2014 cooper2007 forman1998 aczel1983 haughton2009
    wilson1927 butler1997 hyndman1996 oecd2008handbook greco2019 belton1983 dyson2001
    saaty1977 saaty1990 saaty2007 bourguignon1979 ravallion2011""".split()
)
#: Issue 15: "at least 15 empirical or policy studies".
MIN_STUDIES = 15


# --------------------------------------------------------------------------------------------
# The checker (small and local: the rule is specific to this book)
# --------------------------------------------------------------------------------------------


def identifier_problems(bib: BibliographyData) -> dict[str, str]:
    """Map each entry key to what is wrong with its identifier (empty dict: all entries fine).

    An entry needs a ``doi`` matching ``10.<4-9 digits>/<non-space suffix>`` (no ``doi.org``
    prefix) or a ``url`` starting with ``http://`` or ``https://`` and containing no spaces; a
    field that is present must be well formed even when the other one is fine.
    """
    problems: dict[str, str] = {}
    for key, entry in bib.entries.items():
        doi = entry.fields.get("doi", "").strip()
        url = entry.fields.get("url", "").strip()
        if not doi and not url:
            problems[key] = "no doi or url"
        elif doi and not DOI.fullmatch(doi):
            problems[key] = f"malformed doi {doi!r} (expected 10.NNNN/suffix, no prefix)"
        elif url and not URL.fullmatch(url):
            problems[key] = f"malformed url {url!r} (expected http:// or https://, no spaces)"
    return problems


def _has_cjk(text: str) -> bool:
    return any(unicodedata.name(ch, "").startswith("CJK UNIFIED") for ch in text)


def translation_problems(bib: BibliographyData) -> dict[str, str]:
    """Entries with a Chinese title but no English one (in the title itself or in ``note``)."""
    problems: dict[str, str] = {}
    for key, entry in bib.entries.items():
        title = entry.fields.get("title", "")
        english = re.search(
            r"[A-Za-z]{3,}\s+[A-Za-z]{3,}", title + " " + entry.fields.get("note", "")
        )
        if _has_cjk(title) and not english:
            problems[key] = "Chinese title without an English title or translation"
    return problems


# --------------------------------------------------------------------------------------------
# 1. The checker on small bibliographies
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("doi = {10.1016/0377-2217(78)90138-8}", None),
        ("doi = {10.1002/(SICI)1099-1255(199609)11:5<519::AID-JAE425>3.0.CO;2-W}", None),
        ("url = {https://openknowledge.worldbank.org/handle/10986/11985}", None),
        ("url = {http://hdl.handle.net/10419/206553}", None),
        ("note = {no identifier}", "no doi or url"),
        ("doi = {https://doi.org/10.1007/BF02310555}", "malformed doi"),
        ("doi = {10.12/x}", "malformed doi"),
        ("doi = {BF02310555}", "malformed doi"),
        ("url = {www.ilo.org/wp023}", "malformed url"),
        ("url = {ftp://example.org/a}", "malformed url"),
        ("doi = {10.1007/BF02310555}, url = {doi.org/x}", "malformed url"),
    ],
)
def test_identifier_check_on_small_entries(body: str, expected: str | None):
    bib = parse_string(
        f"@misc{{k, author = {{A, B}}, title = {{T}}, year = {{2020}}, {body}}}", "bibtex"
    )
    problem = identifier_problems(bib).get("k")
    if expected is None:
        assert problem is None
    else:
        assert problem is not None and problem.startswith(expected)


def test_translation_check_on_small_entries():
    bib = parse_string(
        "@article{cn, author = {沈扬扬}, title = {如何确定相对贫困标准}, year = {2020}}\n"
        "@article{ok, author = {沈扬扬}, title = {如何确定相对贫困标准}, year = {2020},"
        " note = {English title: How to determine the standards of relative poverty}}\n"
        "@misc{mixed, author = {{Office}}, title = {Opinions on Poverty Exit (关于建立贫困退出机制的意见)},"
        " year = {2016}}",
        "bibtex",
    )
    assert translation_problems(bib) == {
        "cn": "Chinese title without an English title or translation"
    }


@settings(max_examples=60, deadline=None)
@given(
    registrant=st.integers(min_value=1000, max_value=999_999_999),
    suffix=st.text(
        alphabet=st.characters(
            whitelist_categories=("Lu", "Ll", "Nd"), whitelist_characters="-._;()/:<>"
        ),
        min_size=1,
        max_size=30,
    ),
    cut=st.integers(min_value=0, max_value=40),
)
def test_any_wellformed_doi_passes_and_a_space_breaks_it(registrant: int, suffix: str, cut: int):
    doi = f"10.{registrant}/{suffix}"
    bib = parse_string(f"@misc{{k, title = {{T}}, year = {{2020}}, doi = {{{doi}}}}}", "bibtex")
    assert identifier_problems(bib) == {}
    cut = 1 + cut % (len(doi) - 1)
    bib.entries["k"].fields["doi"] = doi[:cut] + " " + doi[cut:]
    assert "k" in identifier_problems(bib)


# --------------------------------------------------------------------------------------------
# 2. The book's bibliography
# --------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def bib() -> BibliographyData:
    data = parse_file(str(BIB), bib_format="bibtex")
    assert set(data.entries) == bib_keys(BIB), (
        "pybtex and tools.prose.bib_keys disagree on the keys"
    )
    return data


def test_every_entry_has_a_checked_doi_or_url(bib: BibliographyData):
    problems = identifier_problems(bib)
    missing = {k for k, why in problems.items() if why == "no doi or url"}
    malformed = {k: why for k, why in problems.items() if why != "no doi or url"}
    assert not malformed, f"references.bib: malformed identifiers {malformed}"
    assert not missing, (
        f"references.bib: entries without a doi or url: {sorted(missing)}; "
        "find the work with the search tool and record the DOI or stable address you saw"
    )


def test_no_two_entries_share_a_doi(bib: BibliographyData):
    seen: dict[str, str] = {}
    for key, entry in bib.entries.items():
        doi = entry.fields.get("doi", "").lower()
        if doi:
            assert doi not in seen, f"references.bib: {key} and {seen[doi]} share doi {doi}"
            seen[doi] = key


def test_chinese_titles_carry_an_english_title(bib: BibliographyData):
    assert translation_problems(bib) == {}


# --------------------------------------------------------------------------------------------
# 3. The literature chapter
# --------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def chapter_text() -> str:
    return CHAPTER.read_text(encoding="utf-8")


def test_every_key_cited_in_the_literature_chapter_exists(chapter_text: str):
    unknown = sorted(citation_keys(chapter_text) - bib_keys(BIB))
    assert not unknown, f"chapters/literature.md cites keys missing from references.bib: {unknown}"


def test_literature_chapter_cites_enough_studies(chapter_text: str, bib: BibliographyData):
    studies = citation_keys(chapter_text) - METHODS_WORKS
    assert len(studies) >= MIN_STUDIES, (
        f"the literature chapter cites {len(studies)} empirical or policy studies; "
        f"issue 15 asks for at least {MIN_STUDIES}: {sorted(studies)}"
    )


def test_literature_chapter_structure(chapter_text: str):
    lines = chapter_text.splitlines()
    assert lines[0] == "(ch-literature)=", "the chapter starts with its label"
    assert lines[1].startswith("# ")
    assert "**You will learn**" in chapter_text
    headings = [ln for ln in lines if ln.startswith("## ")]
    assert headings[-1] == "## What this chapter cannot show", "the chapter ends with its limits"
    assert ":name: tbl-literature-systems" in chapter_text, "the comparison table is labelled"
    assert "This book" in chapter_text.split(":name: tbl-literature-systems")[1].split("```")[0]


def test_literature_chapter_has_no_typed_numbers():
    findings = scan_markdown_file(CHAPTER)
    assert not findings, "typed numbers in chapters/literature.md:\n" + "\n".join(
        map(str, findings)
    )


def test_literature_chapter_sits_between_background_and_indicators():
    toc = yaml.safe_load((BOOK / "_toc.yml").read_text(encoding="utf-8"))
    chapters = next(p for p in toc["parts"] if p["caption"] == "Chapters")["chapters"]
    files = [c["file"] for c in chapters]
    i = files.index("chapters/literature")
    assert files[i - 1 : i + 2] == [
        "chapters/01_background",
        "chapters/literature",
        "chapters/02_indicators",
    ]


def test_glossary_has_the_chapters_terms():
    glossary = GLOSSARY.read_text(encoding="utf-8")
    for term in ("相对贫困线", "省际交叉考核", "秩反转", "综合指数", "瞄准"):
        assert term in glossary, f"glossary.md lacks {term}"
    assert "{doc}`../chapters/literature`" in glossary
