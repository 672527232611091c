"""Relative poverty in M County's survey: income years, absolute lines and thresholds, deprivations.

Chapter 6 measures relative poverty with the methods of :mod:`utils.methods.poverty` (FGT,
relative lines, Alkire-Foster, Theil, poverty dynamics) in its own cells. What is specific to
the study, and lives here, is how the survey's data folder says *which* columns are the yearly
incomes, *what* the absolute line of each year was and *which* dimension each ``dep_*``
indicator belongs to: all read from the survey and codebook passed in, never typed.

The survey shipped with the project is SIMULATED (``utils.study.simulate``; see ``data/README.md``):
no number computed from it is a fact about the real county.
"""

from __future__ import annotations

import re

import pandas as pd

__all__ = [
    "absolute_lines",
    "deprivation_dimensions",
    "income_columns",
    "income_thresholds",
]

_INCOME = re.compile(r"^income_(\d{4})$")
_LINE = re.compile(r"[Pp]overty line (\d{4}):\s*([\d,]+(?:\.\d+)?)\s*yuan")
_DEP_GROUP = re.compile(r"^deprivation:(.+)$")
_THRESHOLD = re.compile(r"[Ss]imulation income threshold (\d{4}):\s*([\d,]+(?:\.\d+)?)\s*yuan")


def income_columns(survey: pd.DataFrame) -> dict[int, str]:
    """Yearly income columns of the survey, ``{year: column}`` in year order.

    Columns named ``income_YYYY`` (per-capita net income of year ``YYYY``, as in
    ``data/codebook.csv``).

    Parameters
    ----------
    survey : DataFrame

    Returns
    -------
    dict
        E.g. ``{2016: "income_2016", ..., 2020: "income_2020"}``.

    Examples
    --------
    >>> income_columns(pd.DataFrame(columns=["id", "income_2017", "income_2016"]))
    {2016: 'income_2016', 2017: 'income_2017'}
    """
    if not isinstance(survey, pd.DataFrame):
        raise ValueError(f"survey: expected a pandas DataFrame, got {type(survey).__name__}")
    found = {int(m.group(1)): c for c in survey.columns if (m := _INCOME.match(str(c)))}
    if not found:
        raise ValueError("survey: no income columns named 'income_YYYY' (e.g. 'income_2020')")
    return dict(sorted(found.items()))


def absolute_lines(codebook: pd.DataFrame) -> pd.Series:
    """Absolute poverty line of each survey year, read from the codebook's income descriptions.

    The codebook documents each ``income_YYYY`` column with the line of that year
    (``"Official poverty line 2016: 2952 yuan"``). For the shipped data these are the national
    line at current prices: 2,952 yuan in 2016 (NBS) and about 4,000 yuan in 2020 (SCIO white
    paper 2021). No official line of 2017-2019 was found in the sources searched
    (``data/README.md``), so those years are absent here; :func:`income_thresholds` adds the
    simulation's interpolated thresholds, labelled as such. Reading them from the codebook keeps the chapter in step with whatever
    data folder it is run on.

    Parameters
    ----------
    codebook : DataFrame
        As returned by :func:`utils.study.data.load_codebook` (columns ``column``, ``description``).

    Returns
    -------
    pandas.Series
        Index ``year`` (int), values the line in yuan per person per year, name ``line_yuan``.

    Examples
    --------
    >>> cb = pd.DataFrame({"column": ["income_2016", "income_2020"],
    ...                    "description": ["Net income. Poverty line 2016: 2952 yuan",
    ...                                    "Net income. Poverty line 2020: 4,000 yuan"]})
    >>> absolute_lines(cb).to_dict()
    {2016: 2952.0, 2020: 4000.0}
    """
    if not isinstance(codebook, pd.DataFrame):
        raise ValueError(f"codebook: expected a pandas DataFrame, got {type(codebook).__name__}")
    missing = [c for c in ("column", "description") if c not in codebook.columns]
    if missing:
        raise ValueError(f"codebook: missing column(s) {missing}")
    lines: dict[int, float] = {}
    for col, desc in zip(codebook["column"], codebook["description"], strict=True):
        m_col = _INCOME.match(str(col))
        if not m_col or not isinstance(desc, str):
            continue
        m = _LINE.search(desc)
        if m is None:
            continue
        year = int(m.group(1))
        if year != int(m_col.group(1)):
            raise ValueError(
                f"codebook: column {col!r} documents the poverty line of {year}, not of its own "
                f"year {m_col.group(1)}"
            )
        lines[year] = float(m.group(2).replace(",", ""))
    if not lines:
        raise ValueError(
            "codebook: no income column documents its poverty line "
            "(expected 'Poverty line YYYY: NNNN yuan' in the description of income_YYYY)"
        )
    out = pd.Series(lines, name="line_yuan", dtype=float).sort_index()
    out.index.name = "year"
    return out


def deprivation_dimensions(
    codebook: pd.DataFrame, file: str = "survey/households.csv"
) -> pd.Series:
    """Alkire-Foster dimension of every deprivation indicator, from the codebook.

    Rows of ``file`` whose ``group`` is ``"deprivation:<dimension>"`` (e.g.
    ``"deprivation:health"``), in codebook order.

    Parameters
    ----------
    codebook : DataFrame
        Columns ``file``, ``column``, ``group``.
    file : str
        The data file whose indicators are wanted.

    Returns
    -------
    pandas.Series
        Index = indicator column (``dep_*``), values = dimension name, name ``dimension``.

    Examples
    --------
    >>> cb = pd.DataFrame({"file": ["survey/households.csv"] * 3,
    ...                    "column": ["age", "dep_school", "dep_water"],
    ...                    "group": ["person", "deprivation:education", "deprivation:living"]})
    >>> deprivation_dimensions(cb).to_dict()
    {'dep_school': 'education', 'dep_water': 'living'}
    """
    if not isinstance(codebook, pd.DataFrame):
        raise ValueError(f"codebook: expected a pandas DataFrame, got {type(codebook).__name__}")
    missing = [c for c in ("file", "column", "group") if c not in codebook.columns]
    if missing:
        raise ValueError(f"codebook: missing column(s) {missing}")
    rows = codebook[codebook["file"] == file]
    out = {}
    for col, grp in zip(rows["column"], rows["group"], strict=True):
        m = _DEP_GROUP.match(str(grp)) if isinstance(grp, str) else None
        if m:
            out[str(col)] = m.group(1)
    if not out:
        raise ValueError(f"codebook: no rows of {file!r} have a group 'deprivation:<dimension>'")
    s = pd.Series(out, name="dimension", dtype=object)
    s.index.name = "indicator"
    return s


def income_thresholds(codebook: pd.DataFrame) -> pd.DataFrame:
    """Income threshold of every survey year: the official line where one exists, else the
    simulation's threshold, with a column saying which.

    The official lines are :func:`absolute_lines` (``"Poverty line YYYY: N yuan"``); the other
    years are read from ``"Simulation income threshold YYYY: N yuan"`` in the same descriptions
    (for the shipped data a geometric interpolation between the official 2016 and 2020 lines,
    a modelling assumption, **not** an official line).

    Parameters
    ----------
    codebook : DataFrame
        Columns ``column`` and ``description``.

    Returns
    -------
    DataFrame
        Index ``year``; columns ``line_yuan`` (float) and ``official`` (bool).

    Examples
    --------
    >>> cb = pd.DataFrame({"column": ["income_2016", "income_2017"],
    ...                    "description": ["Official poverty line 2016: 2952 yuan.",
    ...                                    "Official poverty line 2017: not found. "
    ...                                    "Simulation income threshold 2017: 3185 yuan."]})
    >>> income_thresholds(cb)
          line_yuan  official
    year
    2016     2952.0      True
    2017     3185.0     False
    """
    official = absolute_lines(codebook)
    simulated: dict[int, float] = {}
    for col, desc in zip(codebook["column"], codebook["description"], strict=True):
        m_col = _INCOME.match(str(col))
        if not m_col or not isinstance(desc, str):
            continue
        m = _THRESHOLD.search(desc)
        if m is None:
            continue
        year = int(m.group(1))
        if year != int(m_col.group(1)):
            raise ValueError(
                f"codebook: column {col!r} documents the threshold of {year}, not of its own "
                f"year {m_col.group(1)}"
            )
        if year not in official.index:
            simulated[year] = float(m.group(2).replace(",", ""))
    out = pd.DataFrame(
        {
            "line_yuan": pd.concat([official, pd.Series(simulated, dtype=float)]),
            "official": [True] * len(official) + [False] * len(simulated),
        }
    ).sort_index()
    out.index.name = "year"
    return out
