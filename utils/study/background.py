"""Chapter 1 helpers: the book's content tables and the research-design diagram.

The policy tables, the county exit test, the county's public context and the steps of the
research design are **content, not code**: they live as CSV files in ``book/content/`` (each row
with its ``source``: a ``book/references.bib`` key or a named public record) and are read here
only when a chapter asks, from the path it passes (:func:`content_table`). Nothing is read at
import time. The national series (REAL, NBS) and the township panel (SIMULATED,
``utils.study.simulate``) are loaded by :mod:`utils.study.data`; chapter 1 computes its few
figures from them in its own cells.

References
----------
CPC Central Committee & State Council (2015). *Decision on Winning the Tough Battle against
Poverty* (``cpc2015decision``).
The policy timeline's sources are listed, one per event, in its ``url`` and ``source`` columns.
General Offices of the CPC Central Committee & State Council (2016). *Opinions on Establishing a
Poverty Exit Mechanism* (``gov2016exit``) and *Measures for Assessing the Poverty-Alleviation
Results of Provincial Party Committees and Governments* (``gov2016assessment``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from os import PathLike
from pathlib import Path

import matplotlib as mpl
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

from utils.plots import BOOK_WIDTH, BookFigure, house_palette, house_rc

__all__ = ["content_table", "policy_timeline", "research_design_figure"]


def content_table(path: str | PathLike, columns: Sequence[str] = ()) -> pd.DataFrame:
    """Read one content table (CSV) of ``book/content/`` and check it.

    Every content table has a ``source`` column (a ``references.bib`` key or a named public
    record) filled on every row, plus the ``columns`` the caller needs. Rows are numbered from 1
    (they are lists: "the four links", "the five batches").

    Parameters
    ----------
    path : str or path-like
        The CSV file, e.g. ``"../content/policy_mechanism.csv"`` from a chapter.
    columns : sequence of str, optional
        Columns that must be present (besides ``source``).

    Returns
    -------
    pandas.DataFrame
        The table as read, index ``1..n``.

    Raises
    ------
    ValueError
        Naming the file, and the column or row, when the file is missing or empty, a required
        column is absent or a row has no source.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "links.csv"
    >>> _ = p.write_text("link,source\\nPrecise identification,cpc2015decision\\n")
    >>> content_table(p, ["link"])
                         link           source
    1  Precise identification  cpc2015decision
    """
    p = Path(path)
    if not p.is_file():
        raise ValueError(f"{p}: content file not found")
    df = pd.read_csv(p, dtype=str, keep_default_na=False)
    if df.empty:
        raise ValueError(f"{p}: has no rows")
    missing = [c for c in [*columns, "source"] if c not in df.columns]
    if missing:
        raise ValueError(f"{p}: missing column(s) {missing}")
    blank = df.index[df["source"].str.strip() == ""]
    if len(blank):
        raise ValueError(
            f"{p}: row {int(blank[0]) + 2} has an empty 'source' (every row needs one)"
        )
    df.index = pd.RangeIndex(1, len(df) + 1)
    return df


_DATE = re.compile(r"^(?P<start>\d{4})(?:-(?P<month>0[1-9]|1[0-2])|-(?P<end>\d{4}))?$")


def policy_timeline(path: str | PathLike) -> pd.DataFrame:
    """Read the policy timeline (``book/content/policy_timeline.csv``) and check every row.

    A timeline row is an event with its ``date`` (``YYYY``, ``YYYY-MM`` or a range ``YYYY-YYYY``),
    an English ``event``, its ``Chinese`` name and the ``url`` of the public source it was taken
    from; ``source`` is that source's ``references.bib`` key (see :func:`content_table`). Rows
    must be in chronological order of their first year, so that the table reads as a timeline.

    Parameters
    ----------
    path : str or path-like
        The CSV file.

    Returns
    -------
    pandas.DataFrame
        The table as read (index ``1..n``) plus ``year``, the event's first year (int).

    Raises
    ------
    ValueError
        Naming the file, the row (as numbered in the file, header = row 1) and the column, when a
        date is malformed or outside 1900-2099, a range runs backwards, an event or Chinese name is
        empty, a URL is not an absolute ``http(s)`` address, or the rows are out of order.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "timeline.csv"
    >>> _ = p.write_text(
    ...     "date,event,Chinese,url,source\\n"
    ...     "2013-11,Idea raised,精准扶贫,https://example.org/a,k1\\n"
    ...     "2017-2020,County exits,贫困县退出,https://example.org/b,k2\\n"
    ... )
    >>> policy_timeline(p)[["date", "year", "Chinese"]]
            date  year Chinese
    1    2013-11  2013    精准扶贫
    2  2017-2020  2017   贫困县退出
    """
    p = Path(path)
    df = content_table(p, ["date", "event", "Chinese", "url"])
    years = []
    for i, row in df.iterrows():
        where = f"{p}: row {int(i) + 1}"  # index is 1..n, the header is row 1 of the file
        m = _DATE.match(row["date"].strip())
        if not m:
            raise ValueError(
                f"{where}, column 'date': {row['date']!r} is not YYYY, YYYY-MM or YYYY-YYYY"
            )
        start = int(m["start"])
        end = int(m["end"]) if m["end"] else start
        if not (1900 <= start <= 2099 and 1900 <= end <= 2099):
            raise ValueError(f"{where}, column 'date': {row['date']!r} is outside 1900-2099")
        if end <= start and m["end"]:
            raise ValueError(f"{where}, column 'date': range {row['date']!r} does not run forwards")
        for col in ("event", "Chinese"):
            if not row[col].strip():
                raise ValueError(f"{where}, column {col!r}: empty (every event needs one)")
        url = row["url"].strip()
        if not re.match(r"^https?://[^\s/]+\.[^\s/]+(/\S*)?$", url):
            raise ValueError(f"{where}, column 'url': {url!r} is not an absolute http(s) address")
        if years and start < years[-1]:
            raise ValueError(
                f"{where}, column 'date': {row['date']!r} comes before the previous row's year "
                f"{years[-1]} (rows must be in chronological order)"
            )
        years.append(start)
    df["year"] = years
    return df


# --------------------------------------------------------------------------------------------
# Research design diagram
# --------------------------------------------------------------------------------------------
def research_design_figure(steps: Sequence[tuple[str, str]], ncols: int = 4) -> Figure:
    """Flow diagram of the research design: boxes (title + detail) joined by arrows.

    Drawn with plain matplotlib patches (no Graphviz/Mermaid, no network); boxes run left to
    right in rows of ``ncols`` ("snake" order, so each arrow is short), coloured along the
    house cividis palette so that the order survives greyscale printing.

    Parameters
    ----------
    steps : sequence of (title, detail)
        At least two steps; ASCII/Latin text only (no CJK font is installed).
    ncols : int, default 4

    Returns
    -------
    matplotlib.figure.Figure (``utils.plots.BookFigure``)

    Examples
    --------
    >>> fig = research_design_figure([("Data", "survey"), ("Model", "logit"), ("Findings", "")])
    >>> len([t for t in fig.axes[0].texts if t.get_gid() == "design-box-text"])
    6
    """
    steps = list(steps)
    if len(steps) < 2:
        raise ValueError(f"steps: need at least two (title, detail) steps, got {len(steps)}")
    for k, s in enumerate(steps):
        if not (isinstance(s, tuple | list) and len(s) == 2 and all(isinstance(x, str) for x in s)):
            raise ValueError(f"steps[{k}]: expected a (title, detail) pair of strings, got {s!r}")
    if isinstance(ncols, bool) or not isinstance(ncols, int) or ncols < 1:
        raise ValueError(f"ncols: expected a positive integer, got {ncols!r}")
    n = len(steps)
    ncols = min(ncols, n)
    nrows = int(np.ceil(n / ncols))
    w, h, gx, gy = 2.3, 1.45, 0.5, 0.6
    pos = []
    for k in range(n):
        r, c = divmod(k, ncols)
        if r % 2 == 1:
            c = ncols - 1 - c
        pos.append((c * (w + gx), -r * (h + gy)))
    colors = house_palette(n)
    with mpl.rc_context(house_rc()):
        # book-column width like every other figure; titles wrap inside their boxes
        data_w = ncols * w + (ncols - 1) * gx + 0.4
        data_h = nrows * h + (nrows - 1) * gy + 0.4
        fig = BookFigure(
            figsize=(BOOK_WIDTH, 0.45 + 0.96 * BOOK_WIDTH * data_h / data_w), layout="constrained"
        )
        ax = fig.add_subplot()
        for k, ((title, detail), (x, y), col) in enumerate(zip(steps, pos, colors, strict=True)):
            light = np.dot(col[:3], [0.2126, 0.7152, 0.0722]) > 0.45
            ax.add_patch(
                FancyBboxPatch(
                    (x, y), w, h, boxstyle="round,pad=0.02,rounding_size=0.12",
                    facecolor=col, edgecolor="0.2", linewidth=0.8,
                )
            )  # fmt: skip
            tc = "0.05" if light else "white"
            ax.text(x + w / 2, y + h * 0.70, f"{k + 1}. {title}", ha="center", va="center",
                    fontsize=9, fontweight="bold", color=tc, gid="design-box-text")  # fmt: skip
            ax.text(x + w / 2, y + h * 0.36, detail, ha="center", va="center", fontsize=7.5,
                    color=tc, gid="design-box-text")  # fmt: skip
        for (x0, y0), (x1, y1) in zip(pos[:-1], pos[1:], strict=True):
            if abs(y0 - y1) < 1e-9:  # same row
                a = (x0 + w, y0 + h / 2) if x1 > x0 else (x0, y0 + h / 2)
                b = (x1, y1 + h / 2) if x1 > x0 else (x1 + w, y1 + h / 2)
            else:
                a, b = (x0 + w / 2, y0), (x1 + w / 2, y1 + h)
            ax.add_patch(
                FancyArrowPatch(a, b, arrowstyle="-|>", mutation_scale=14, color="0.25", lw=1.2)
            )
        xs = [p[0] for p in pos]
        ys = [p[1] for p in pos]
        ax.set_xlim(min(xs) - 0.2, max(xs) + w + 0.2)
        ax.set_ylim(min(ys) - 0.2, max(ys) + h + 0.2)
        ax.set_aspect("equal")
        ax.axis("off")
        ax.set_title("Research design of the thesis (and of this book)", loc="left")
        _shrink_to_boxes(fig, ax, w)
    return fig


def _shrink_to_boxes(fig: Figure, ax, box_width: float, min_size: float = 6.5) -> None:
    """Reduce the font of the box texts until the widest fits its box (minus a margin).

    Titles shrink together and details shrink together, so all boxes keep one type size.
    """
    renderer = fig._get_renderer()
    fig.draw_without_rendering()
    room = (ax.transData.transform((box_width, 0)) - ax.transData.transform((0, 0)))[0] * 0.92
    texts = [t for t in ax.texts if t.get_gid() == "design-box-text"]
    for group in (texts[0::2], texts[1::2]):  # titles, details
        while (
            max(t.get_window_extent(renderer).width for t in group) > room
            and group[0].get_fontsize() > min_size
        ):
            for t in group:
                t.set_fontsize(t.get_fontsize() - 0.25)
