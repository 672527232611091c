"""Render untrusted text (data values, codebook text, folder names, parameters) safely on a page.

Anything that comes from a data folder or the command line is text, never markup: in generated
MyST Markdown every ASCII punctuation character is backslash-escaped (CommonMark lets any of them be
escaped, so ``<img ...>`` shows as written and cannot open a tag, a role, a code span or a table
cell), in HTML it is entity-escaped, and anything quoted is cut to a bounded excerpt so that a huge
cell cannot flood a page or a terminal.

Examples
--------
>>> myst_text("<img src=x onerror=alert(1)>")
'\\\\<img src\\\\=x onerror\\\\=alert\\\\(1\\\\)\\\\>'
>>> myst_code("a`b")
'``a`b``'
>>> excerpt("x" * 100, limit=10)
"'xxxxxxxxxx…' (100 characters)"
"""

from __future__ import annotations

import html
import re
import string

__all__ = ["excerpt", "html_text", "myst_code", "myst_text", "one_line"]

_PUNCT = re.compile("([" + re.escape(string.punctuation) + "])")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
EXCERPT_LIMIT = 60


def one_line(value: object, limit: int | None = None) -> str:
    """``str(value)`` with line breaks and control characters turned into spaces, optionally cut.

    Examples
    --------
    >>> one_line("a\\nb\\x00c", limit=2)
    'a …'
    """
    text = _CONTROL.sub(" ", str(value).replace("\r\n", " ").replace("\n", " "))
    if limit is not None and len(text) > limit:
        text = text[:limit] + "…"
    return text


def excerpt(value: object, limit: int = EXCERPT_LIMIT) -> str:
    """A bounded, single-line, quoted excerpt of ``value`` for an error message.

    Values up to ``limit`` characters are quoted whole (``repr``); longer ones are cut, with the
    full length stated.

    Examples
    --------
    >>> excerpt("abc")
    "'abc'"
    """
    text = str(value)
    if len(text) <= limit:
        return repr(one_line(text))
    return f"{one_line(text, limit)!r} ({len(text)} characters)"


def myst_text(value: object, limit: int | None = None) -> str:
    """``value`` as MyST/CommonMark text that renders exactly as written (no markup, one line).

    Examples
    --------
    >>> myst_text("a|b {role}`x`")
    'a\\\\|b \\\\{role\\\\}\\\\`x\\\\`'
    """
    return _PUNCT.sub(r"\\\1", one_line(value, limit))


def myst_code(value: object, limit: int | None = None, *, in_table: bool = False) -> str:
    """``value`` as an inline code span that no backtick in it can close (one line).

    Inside a Markdown table (``in_table=True``) a ``|`` is escaped as ``\\|``, which the table
    parser removes before the code span is read (GFM rule).

    Examples
    --------
    >>> myst_code("x")
    '`x`'
    >>> myst_code("``")
    '``` `` ```'
    """
    text = one_line(value, limit)
    runs = [len(m) for m in re.findall(r"`+", text)]
    ticks = "`" * (max(runs, default=0) + 1)
    if text.startswith("`") or text.endswith("`") or (text.startswith(" ") and text.strip()):
        text = f" {text} "
    if in_table:
        text = text.replace("|", "\\|")
    return f"{ticks}{text}{ticks}" if text else "` `"


def html_text(value: object, limit: int | None = None) -> str:
    """``value`` as HTML text (entities for ``<``, ``>``, ``&`` and quotes), one line.

    Examples
    --------
    >>> html_text('<b a="1">')
    '&lt;b a=&quot;1&quot;&gt;'
    """
    return html.escape(one_line(value, limit), quote=True)
