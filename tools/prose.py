"""The prose-number check: no number may be typed into the book's prose.

Every number a reader sees in the text of a chapter must come from the computation that produced it
(a MyST ``{glue:text}`` role, or a substitution), so that rerunning the book on other data or with
other parameters can never leave a stale figure in a sentence. This module finds the numbers that
were typed by hand into markdown prose and reports where they are.

What is **not** a typed number (so is accepted):

* a year, ``1900``-``2099`` (also in ranges such as ``2016-2020``);
* anything inside a glue role (``{glue:text}`...```, ``{glue}`...```, any ``{glue:*}``) or a MyST
  substitution ``{{ name }}``;
* a citation role (``{cite}``, ``{cite:p}``, ``{cite:t}``, ...);
* a cross-reference or label: ``{numref}``, ``{ref}``, ``{eq}``, ``{doc}``, ``{download}`` roles,
  ``(label)=`` lines, ``:label:`` / ``:name:`` and every other directive option line;
* inline code (single or double backticks), fenced code and code-cell directives;
* math: ``$...$``, ``$$...$$``, ``{math}`` roles, ``{math}`` directives and ``\\begin{...}``
  amsmath environments;
* the section number at the start of a markdown heading (``## 4.2 Scoring``) and the marker of an
  ordered-list item (``1.``, ``2)``), which are structure, not data;
* URLs, link targets (``[text](target)``), HTML tags and comments;
* footnotes: references ``[^1]`` and footnote definition lines ``[^1]: ...``;
* digits glued to letters, which are identifiers rather than quantities (``T01``, ``H0001``,
  ``E07``, ``GS1``, ``v2``);
* numbers written in Chinese characters (一, 二, ...): Chinese prose is fine.

Everything else that looks like a number (``72.5``, ``0.10``, ``1,234``, ``3``) is reported with its
file, notebook cell index, line and the surrounding text.

Hand-written, and why: no maintained library lints MyST markdown for hard-coded numbers; the check is
a small line-oriented tokenizer plus regular expressions. Reference for the markup: the MyST-NB and
MyST-Parser documentation (Executable Books Project, 2023, "Inserting variables" and "Roles and
directives", https://myst-nb.readthedocs.io).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "ProseFinding",
    "ProseNumber",
    "bib_keys",
    "citation_keys",
    "find_number_words",
    "find_prose_numbers",
    "notebook_citation_keys",
    "scan_book",
    "scan_markdown_file",
    "scan_notebook",
]

#: Roles whose content is never prose (exact names); any role starting with ``glue`` or ``cite``
#: is exempt too.
EXEMPT_ROLES: frozenset[str] = frozenset(
    {"numref", "ref", "eq", "math", "doc", "download", "any", "label", "footcite", "sub-ref"}
)
#: Directives whose whole body is not prose (code, math, machine-generated content).
SKIP_DIRECTIVES: frozenset[str] = frozenset(
    {
        "code-cell",
        "code-block",
        "code",
        "sourcecode",
        "literalinclude",
        "include",
        "math",
        "bibliography",
        "raw",
        "eval-rst",
        "toctree",
        "tableofcontents",
        "mermaid",
        "csv-table",
    }
)

_FENCE = re.compile(r"^(?P<indent>\s*)(?P<mark>`{3,}|~{3,}|:{3,})\s*(?P<info>.*)$")
_OPTION = re.compile(r"^\s*:[\w.-]+:(\s.*)?$")
_LABEL_LINE = re.compile(r"^\s*\([^()\s]+\)=\s*$")
_FOOTNOTE_DEF = re.compile(r"^\s*\[\^[^\]]+\]:")
_LIST_MARKER = re.compile(r"^\s*(?:>\s*)*\d{1,9}[.)](?=\s|$)")
_HEADING_NUMBER = re.compile(r"^(?P<hashes>\s{0,3}#{1,6}\s+)(?:\d+(?:\.\d+)*\.?)(?=\s|$)")
_NUMBER = re.compile(r"(?<![A-Za-z0-9_.])(?:\d+(?:[.,]\d+)*|\.\d+)(?![A-Za-z0-9_])")

# Inline patterns removed before numbers are looked for; each match is blanked (newlines kept).
_INLINE_REMOVALS: tuple[re.Pattern[str], ...] = (
    re.compile(r"<!--.*?-->", re.S),  # HTML comments
    re.compile(r"(`+)(?!`).+?(?<!`)\1(?!`)", re.S),  # inline code (before roles: roles reuse ``)
    re.compile(r"\$\$.+?\$\$", re.S),  # display math
    re.compile(r"(?<![\\$])\$(?![\s$]).*?(?<![\s\\$])\$(?!\$)", re.S),  # inline math
    re.compile(r"\\begin\{(?P<env>[^}]+)\}.*?\\end\{(?P=env)\}", re.S),  # amsmath
    re.compile(r"\{\{.*?\}\}", re.S),  # substitutions
    re.compile(r"\[\^[^\]]+\]"),  # footnote references
    re.compile(r"\]\((?:[^()\n]|\([^()\n]*\))*\)"),  # link targets (one level of parens)
    re.compile(r"<[A-Za-z/][^>]*>"),  # HTML tags and autolinks
    re.compile(r"\b(?:https?|ftp)://\S+|\bwww\.\S+|\bdoi:\S+", re.I),  # bare URLs, DOIs
)
#: Code spans delimited by two or more backticks (they may quote a role, which uses one).
_MULTI_TICK_CODE = re.compile(r"(`{2,})(?!`).+?(?<!`)\1(?!`)", re.S)
_ROLE = re.compile(r"\{(?P<name>[\w:.-]+)\}(?P<ticks>`+)(?P<body>.*?)(?P=ticks)", re.S)


@dataclass(frozen=True)
class ProseNumber:
    """A number found in a piece of markdown prose.

    Attributes
    ----------
    line : int
        1-based line within the scanned text.
    column : int
        1-based column of the number's first character.
    number : str
        The number as typed, e.g. ``"72.5"``.
    context : str
        The whole source line (stripped), for the report.
    """

    line: int
    column: int
    number: str
    context: str


@dataclass(frozen=True)
class ProseFinding:
    """A typed number located in a book source file.

    ``cell`` is the 0-based cell index for a notebook and ``None`` for a markdown page.
    """

    file: str
    cell: int | None
    line: int
    number: str
    context: str

    def __str__(self) -> str:
        where = self.file if self.cell is None else f"{self.file} cell {self.cell}"
        return f"{where} line {self.line}: {self.number!r} in {self.context!r}"


def _blank(match: re.Match[str]) -> str:
    """Replace a match by spaces, keeping its newlines (so line numbers stay right)."""
    return re.sub(r"[^\n]", " ", match.group(0))


def _directive_name(info: str) -> str | None:
    """``'{note} Title'`` -> ``'note'``; ``'python'`` -> ``None`` (a plain code fence)."""
    m = re.match(r"^\{([^}]+)\}", info.strip())
    return m.group(1).strip() if m else None


def _prose_lines(text: str) -> list[str]:
    """Return the lines of ``text`` with everything that is not prose blanked out.

    Line-level structure is handled here: YAML front matter, fenced code and skipped directives,
    directive option lines (``:key: value`` and ``---`` YAML blocks at the top of a directive),
    fence lines themselves (directive arguments are often paths or labels), ``(label)=`` lines,
    footnote definitions and heading numbers.
    """
    lines = text.split("\n")
    out = [""] * len(lines)
    i = 0
    # YAML front matter at the very top of a page.
    if lines and lines[0].strip() == "---":
        for j in range(1, len(lines)):
            if lines[j].strip() == "---":
                i = j + 1
                break
    # Stack of open fences: (mark char, length, skip body?).
    stack: list[tuple[str, int, bool]] = []
    in_options = False
    in_yaml_options = False
    while i < len(lines):
        line = lines[i]
        i += 1
        m = _FENCE.match(line)
        if m and stack:
            mark = m.group("mark")
            ch, length, _ = stack[-1]
            if mark[0] == ch and len(mark) >= length and not m.group("info").strip():
                stack.pop()
                in_options = in_yaml_options = False
                continue
        if stack and stack[-1][2]:
            continue  # inside code or a skipped directive
        if in_yaml_options:
            if line.strip() == "---":
                in_yaml_options = False
            continue
        if in_options:
            if line.strip() == "---" and not _OPTION.match(line):
                in_yaml_options = True
                in_options = False
                continue
            if _OPTION.match(line):
                continue
            in_options = False
        if m:
            name = _directive_name(m.group("info"))
            skip = (name is None and m.group("mark")[0] != ":") or name in SKIP_DIRECTIVES
            if name is not None and not skip and (name.startswith("glue") or "math" in name):
                skip = True
            stack.append((m.group("mark")[0], len(m.group("mark")), skip))
            in_options = not skip
            continue
        if _LABEL_LINE.match(line) or _FOOTNOTE_DEF.match(line):
            continue
        # "$$" display-math blocks spanning lines.
        if line.strip().startswith("$$") and line.count("$$") == 1:
            for j in range(i, len(lines)):
                if "$$" in lines[j]:
                    i = j + 1
                    break
            else:
                i = len(lines)
            continue
        line = _HEADING_NUMBER.sub(lambda h: h.group("hashes"), line)
        out[i - 1] = _LIST_MARKER.sub(lambda h: " " * len(h.group(0)), line)
    return out


def _strip_inline(text: str) -> str:
    """Blank the inline constructs that may hold numbers legitimately (roles, code, math, links)."""

    # Exempt roles first: their bodies are in backticks and would otherwise be read as code,
    # which is exempt anyway, but a non-exempt role's body must stay visible.
    def role(match: re.Match[str]) -> str:
        name = match.group("name")
        if name in EXEMPT_ROLES or name.startswith(("glue", "cite")) or name.startswith("math"):
            return _blank(match)
        ticks = match.group("ticks")
        prefix = len(match.group(0)) - len(match.group("body")) - len(ticks)
        return " " * prefix + match.group("body") + " " * len(ticks)

    text = _MULTI_TICK_CODE.sub(_blank, text)
    text = _ROLE.sub(role, text)
    for pattern in _INLINE_REMOVALS:
        text = pattern.sub(_blank, text)
    return text


def _is_year(token: str) -> bool:
    return token.isdigit() and len(token) == 4 and 1900 <= int(token) <= 2099


#: Number words. A number spelled out to dodge the scanner is still a typed number.
_NUMBER_WORDS = (
    "zero|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|"
    "sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|"
    "hundred|thousand|million|billion|half|quarter|third|fifth|tenth|dozen"
)
#: Nouns that make a number word a quantity: units, counts of sampled or simulated units, and the
#: draws of a method. (Counts of the design's parts, "five dimensions", are not included.)
_QUANTITY_NOUNS = (
    r"yuan|percent|per\s+cent|percentage\s+points?|points|draws?|resamples?|replicates?|"
    r"replications?|households?|persons|people|residents?|townships?|villages?|experts?|"
    r"respondents?|cadres?|projects?|times|standard\s+deviations?|mu|hectares?|places"
)
_NUMBER_WORD = re.compile(
    rf"\b(?P<word>(?!(?:hundred|thousand|million|billion)\b)(?:{_NUMBER_WORDS})"
    rf"(?:[- ](?:{_NUMBER_WORDS}|one))*)\b"
    rf"(?:(?P<unit>[- ]+(?:[A-Za-z-]+\s+){{0,1}}(?:{_QUANTITY_NOUNS})\b)|(?P<outof>\s+out\s+of\b))",
    re.I,
)
#: "one" alone is a pronoun far more often than a count; it is caught in "N out of M" forms.
_OUT_OF = re.compile(
    rf"\b(?:one|{_NUMBER_WORDS})\s+(?:(?:\w+\s+){{0,2}}out\s+of|in)\s+(?:{_NUMBER_WORDS})\b", re.I
)
_PARAMETER_WORD = re.compile(
    rf"\b(?:concentration|threshold|level|cut-?off|coefficient|alpha|share|weight|score|rate|"
    rf"incidence|line)\s+(?:of\s+)?(?P<word>{_NUMBER_WORDS})\b",
    re.I,
)
#: Fixed names of real policies, which contain number words that are not results.
_POLICY_NAMES = re.compile(
    r"two\s+no[- ]worries|three\s+guarantees|four\s+not[- ]removes|five-year\s+transition|"
    r"two\s+no-worries\s+and\s+three\s+guarantees|thirteenth\s+five-year|five-year\s+plan|"
    r"ten[- ]thousand\s+yuan",  # the unit 万元
    re.I,
)


def find_number_words(text: str) -> list[ProseNumber]:
    """Find numbers spelled out in words where they state a quantity.

    A number word counts as a typed number when it is followed by a unit or a counted object
    ("four thousand yuan", "nine draws"), when it sits in an "N out of M" / "N in M" form ("nine
    draws out of ten"), or when it follows the name of a method parameter or measure
    ("concentration one hundred", "a threshold of ten"). Fixed names of real policies ("two
    no-worries and three guarantees", "four not-removes") are not results and are accepted; so is
    text inside the constructs that :func:`find_prose_numbers` exempts (glue roles, code, math).

    Examples
    --------
    >>> [n.number for n in find_number_words("about four thousand yuan; nine draws out of ten")]
    ['four thousand', 'nine draws out of ten']
    >>> find_number_words("the two no-worries and three guarantees; one of the dimensions")
    []
    """
    prose = _strip_inline("\n".join(_prose_lines(text)))
    prose = _POLICY_NAMES.sub(lambda m: " " * len(m.group(0)), prose)
    raw_lines = text.split("\n")
    found: list[ProseNumber] = []
    for lineno, line in enumerate(prose.split("\n"), start=1):
        spans: list[tuple[int, int, str]] = []
        for m in _OUT_OF.finditer(line):
            spans.append((m.start(), m.end(), m.group(0)))
        for pattern in (_NUMBER_WORD, _PARAMETER_WORD):
            for m in pattern.finditer(line):
                start, end = m.span("word")
                if not any(s <= start < e for s, e, _ in spans):
                    spans.append((start, end, m.group("word")))
        for start, _end, token in sorted(spans):
            found.append(ProseNumber(lineno, start + 1, token, raw_lines[lineno - 1].strip()))
    return found


def find_prose_numbers(text: str) -> list[ProseNumber]:
    """Find the numbers typed into a piece of MyST markdown prose.

    A *typed number* is a maximal token ``\\d+([.,]\\d+)*`` (or ``.\\d+``) that is not glued to an
    ASCII letter, digit or underscore, after removing every exempt construct listed in the module
    docstring, and that is not a year in ``[1900, 2099]``.

    Parameters
    ----------
    text : str
        Markdown source (one notebook cell or one page).

    Returns
    -------
    list of ProseNumber
        In order of appearance; empty when the prose is clean.

    Raises
    ------
    ValueError
        If ``text`` is not a string.

    Examples
    --------
    >>> [n.number for n in find_prose_numbers("the score is 72.5 in 2020")]
    ['72.5']
    >>> find_prose_numbers("weights {glue:text}`ch4_w:.2f`, see {cite:p}`saaty1980`, CR $0.10$")
    []
    """
    if not isinstance(text, str):
        raise ValueError(f"text: expected a str of markdown, got {type(text).__name__}")
    raw_lines = text.split("\n")
    prose = _strip_inline("\n".join(_prose_lines(text)))
    found: list[ProseNumber] = []
    for lineno, line in enumerate(prose.split("\n"), start=1):
        for m in _NUMBER.finditer(line):
            token = m.group(0)
            if _is_year(token):
                continue
            found.append(ProseNumber(lineno, m.start() + 1, token, raw_lines[lineno - 1].strip()))
    found += find_number_words(text)
    return sorted(found, key=lambda n: (n.line, n.column))


def _read_notebook(path: Path) -> dict:
    if not path.is_file():
        raise ValueError(f"path: notebook {path} does not exist")
    try:
        nb = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise ValueError(f"path: {path} is not valid notebook JSON ({exc})") from exc
    if not isinstance(nb, dict) or not isinstance(nb.get("cells"), list):
        raise ValueError(f"path: {path} has no 'cells' list; is it a Jupyter notebook?")
    return nb


def _cell_source(cell: dict) -> str:
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else str(src)


def scan_notebook(path: str | Path, *, label: str | None = None) -> list[ProseFinding]:
    """Scan the markdown cells of one notebook for typed numbers.

    Parameters
    ----------
    path : str or Path
        The ``.ipynb`` file.
    label : str, optional
        Name used in the findings (default: the path as given).

    Returns
    -------
    list of ProseFinding
        One per typed number, with the 0-based cell index and the line within the cell.

    Raises
    ------
    ValueError
        If the file does not exist or is not a notebook.
    """
    path = Path(path)
    nb = _read_notebook(path)
    name = label if label is not None else str(path)
    findings: list[ProseFinding] = []
    for index, cell in enumerate(nb["cells"]):
        if cell.get("cell_type") != "markdown":
            continue
        for n in find_prose_numbers(_cell_source(cell)):
            findings.append(ProseFinding(name, index, n.line, n.number, n.context))
    return findings


def scan_markdown_file(path: str | Path, *, label: str | None = None) -> list[ProseFinding]:
    """Scan one MyST markdown page for typed numbers (see :func:`find_prose_numbers`).

    Raises
    ------
    ValueError
        If the file does not exist.
    """
    path = Path(path)
    if not path.is_file():
        raise ValueError(f"path: markdown page {path} does not exist")
    name = label if label is not None else str(path)
    return [
        ProseFinding(name, None, n.line, n.number, n.context)
        for n in find_prose_numbers(path.read_text(encoding="utf-8"))
    ]


def scan_book(book_dir: str | Path) -> list[ProseFinding]:
    """Scan every chapter notebook (``chapters/*.ipynb``) and every ``.md`` page of a book.

    Notebooks elsewhere in the book (e.g. appendices) are scanned too. ``_build`` and
    checkpoint folders and ``README.md`` files are ignored. File names in the findings are
    relative to ``book_dir``.

    Raises
    ------
    ValueError
        If ``book_dir`` is not a directory.
    """
    root = Path(book_dir)
    if not root.is_dir():
        raise ValueError(f"book_dir: {root} is not a directory")
    findings: list[ProseFinding] = []
    for path in _book_files(root, (".ipynb", ".md")):
        rel = path.relative_to(root).as_posix()
        if path.suffix == ".ipynb":
            findings += scan_notebook(path, label=rel)
        else:
            findings += scan_markdown_file(path, label=rel)
    return findings


def _book_files(root: Path, suffixes: Iterable[str]) -> list[Path]:
    return sorted(
        p
        for p in root.rglob("*")
        if p.is_file()
        and p.suffix in tuple(suffixes)
        and "_build" not in p.relative_to(root).parts
        and ".ipynb_checkpoints" not in p.parts
        and p.name != "README.md"
    )


_CITE = re.compile(r"\{(?:cite|footcite)(?::[\w]+)?\}`(?P<body>[^`]*)`")


def citation_keys(text: str) -> set[str]:
    """Citation keys used by ``{cite}``/``{cite:p}``/``{cite:t}``/... roles in MyST text.

    Handles comma-separated lists and sphinxcontrib-bibtex pre/post notes
    (``{cite:p}`{see}saaty1980{p. 5}```); roles quoted inside a double-backtick code span are
    examples, not citations, and are ignored.

    Raises
    ------
    ValueError
        If ``text`` is not a string.
    """
    if not isinstance(text, str):
        raise ValueError(f"text: expected a str of markdown, got {type(text).__name__}")
    keys: set[str] = set()
    for m in _CITE.finditer(_MULTI_TICK_CODE.sub(_blank, text)):
        body = re.sub(r"\{[^}]*\}", "", m.group("body"))
        keys |= {k.strip() for k in body.split(",") if k.strip()}
    return keys


def notebook_citation_keys(path: str | Path) -> set[str]:
    """Citation keys used in the markdown cells of one notebook (see :func:`citation_keys`)."""
    nb = _read_notebook(Path(path))
    keys: set[str] = set()
    for cell in nb["cells"]:
        if cell.get("cell_type") == "markdown":
            keys |= citation_keys(_cell_source(cell))
    return keys


def bib_keys(path: str | Path) -> set[str]:
    """Entry keys of a BibTeX file (``@type{key,``; ``@comment``/``@string``/``@preamble`` skipped).

    Raises
    ------
    ValueError
        If the file does not exist or a key is defined twice.
    """
    path = Path(path)
    if not path.is_file():
        raise ValueError(f"path: BibTeX file {path} does not exist")
    keys: list[str] = re.findall(
        r"^\s*@(?!comment|string|preamble)\w+\s*\{\s*([^,\s]+)\s*,",
        path.read_text(encoding="utf-8"),
        flags=re.M | re.I,
    )
    seen: set[str] = set()
    for key in keys:
        if key in seen:
            raise ValueError(f"{path.name}: citation key {key!r} is defined more than once")
        seen.add(key)
    return seen
