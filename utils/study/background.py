"""Chapter 1 helpers: the book's content tables (the research-design diagram is
:func:`utils.plots.flow_diagram`).

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

import pandas as pd

__all__ = ["content_table", "policy_timeline"]


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
