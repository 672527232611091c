"""Descriptive statistics of questionnaires: proportions with Wilson intervals, frequency and
profile tables, item non-response, banding of numeric answers; the planted-versus-found ledger
of a simulation study.

Chapter-agnostic: DataFrames and Series in, tidy DataFrames out; nothing here knows a survey's
column names, reads a file or the environment.

References
----------
Wilson, E. B. (1927). Probable inference, the law of succession, and statistical inference.
*Journal of the American Statistical Association*, 22(158), 209-212.
https://doi.org/10.1080/01621459.1927.10502953
Newcombe, R. G. (1998). Two-sided confidence intervals for the single proportion: comparison of
seven methods. *Statistics in Medicine*, 17(8), 857-872.
https://doi.org/10.1002/(SICI)1097-0258(19980430)17:8<857::AID-SIM777>3.0.CO;2-E
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from utils.methods._validation import check_fraction, check_frame, check_in_range

__all__ = [
    "band",
    "format_p_value",
    "frequency_table",
    "item_nonresponse",
    "profile_table",
    "proportion_table",
    "reader_table",
    "recovery_ledger",
    "wilson_interval",
]


def _first_label(index: pd.Index, mask) -> object:
    """The first label of ``index`` where ``mask`` is true, as a plain Python value."""
    label = index[np.flatnonzero(np.asarray(mask))[0]]
    return label.item() if isinstance(label, np.generic) else label


def _check_columns(data: pd.DataFrame, columns: Sequence[str], name: str = "data") -> list[str]:
    columns = list(columns)
    if not columns:
        raise ValueError("columns: is empty")
    missing = [c for c in columns if c not in data.columns]
    if missing:
        raise ValueError(f"{name}: missing column(s) {missing}")
    return columns


# ----------------------------------------------------------------------------------------------
# proportions
# ----------------------------------------------------------------------------------------------
def wilson_interval(successes: int, n: int, confidence: float = 0.95) -> tuple[float, float]:
    """Wilson (1927) score interval for a binomial proportion.

    .. math::

        \\frac{p + z^2/(2n) \\mp z\\sqrt{p(1-p)/n + z^2/(4n^2)}}{1 + z^2/n}

    with ``p = x/n`` and ``z`` the ``1 - (1 - confidence)/2`` standard normal quantile
    (statsmodels' ``proportion_confint(method="wilson")``). It inverts the score test, stays in
    ``[0, 1]`` and keeps its coverage near 0 and 1, where the Wald interval fails (Newcombe 1998,
    method 3).

    Parameters
    ----------
    successes : int
        Number of successes ``x``, ``0 <= x <= n``.
    n : int
        Number of trials, at least 1.
    confidence : float
        Confidence level, strictly between 0 and 1; default 0.95.

    Returns
    -------
    (float, float)
        Lower and upper bound; exactly 0 when ``x = 0`` and 1 when ``x = n``.

    Raises
    ------
    ValueError
        ``successes`` or ``n`` not integers, ``n < 1``, ``successes`` outside ``0..n``,
        ``confidence`` not in (0, 1).

    References
    ----------
    Wilson (1927); Newcombe (1998), Table I (see the module docstring).

    Examples
    --------
    Newcombe's (1998, Table I) first example, 81 successes out of 263:

    >>> lo, hi = wilson_interval(81, 263)
    >>> round(lo, 4), round(hi, 4)
    (0.2553, 0.3662)
    >>> wilson_interval(0, 20)[0]
    0.0
    """
    from statsmodels.stats.proportion import proportion_confint

    for name, v in (("successes", successes), ("n", n)):
        if isinstance(v, bool) or not isinstance(v, (int, np.integer)):
            raise ValueError(f"{name}: must be an integer, got {v!r}")
    if n < 1:
        raise ValueError(f"n: must be at least 1, got {n}")
    if not 0 <= successes <= n:
        raise ValueError(f"successes: must be between 0 and n = {n}, got {successes}")
    confidence = check_fraction(confidence, "confidence")
    lo, hi = proportion_confint(int(successes), int(n), alpha=1 - confidence, method="wilson")
    # exact end points (statsmodels leaves rounding noise such as 5.6e-17 for x = 0)
    lo = 0.0 if successes == 0 else min(max(float(lo), 0.0), successes / n)
    hi = 1.0 if successes == n else max(min(float(hi), 1.0), successes / n)
    return lo, hi


def proportion_table(
    data: pd.DataFrame,
    columns: Sequence[str],
    by: str | None = None,
    confidence: float = 0.95,
    labels: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """Share of 1s of 0/1 columns with Wilson intervals, overall or by a group (tidy, long).

    For column ``j`` (and group ``g``): ``rate = x / n`` with ``x`` the number of 1s and ``n``
    the number of non-missing answers; the interval is :func:`wilson_interval`.

    Parameters
    ----------
    data : DataFrame
        One row per respondent with the 0/1 ``columns`` (missing allowed).
    columns : sequence of str
        The 0/1 columns.
    by : str, optional
        Column with the groups (no missing values); groups are sorted as text.
    confidence : float
        Confidence level of the intervals; default 0.95.
    labels : mapping, optional
        Column -> label for the ``label`` column (default: the column name).

    Returns
    -------
    DataFrame
        Columns ``group`` (``"All"`` or the group as text), ``item``, ``label``, ``n``,
        ``successes``, ``rate``, ``ci_low``, ``ci_high``; rows groups x columns.
        ``attrs["confidence"]`` holds the level.

    Raises
    ------
    ValueError
        Not a DataFrame or empty; no or unknown columns; a value other than 0/1 (names the
        column and row); a missing group; ``confidence`` not in (0, 1).

    Examples
    --------
    >>> df = pd.DataFrame({"water": [1, 1, 0, 1], "status": ["a", "a", "b", "b"]})
    >>> proportion_table(df, ["water"], by="status")[["group", "n", "successes", "rate"]]
      group  n  successes  rate
    0     a  2          2   1.0
    1     b  2          1   0.5
    """
    data = check_frame(data, "data")
    columns = _check_columns(data, columns)
    if by is not None:
        _check_columns(data, [by])
    confidence = check_fraction(confidence, "confidence")
    values = {}
    for c in columns:
        v = data[c].astype("float64")
        bad = v.notna() & ~v.isin([0.0, 1.0])
        if bad.any():
            row = _first_label(v.index, bad.to_numpy())
            raise ValueError(f"data: column {c!r}, row {row!r}: value {v[row]:g} is not 0/1")
        values[c] = v
    vals = pd.DataFrame(values, index=data.index)
    if by is None:
        groups = [("All", vals)]
    else:
        g = data[by]
        if g.isna().any():
            row = _first_label(g.index, g.isna().to_numpy())
            raise ValueError(f"by: column {by!r} has a missing value (row {row!r})")
        groups = [(str(k), vals[g == k]) for k in sorted(g.unique().tolist(), key=str)]
    rows = []
    for name, block in groups:
        for c in columns:
            x = block[c].dropna()
            n, k = int(x.size), int(x.sum())
            lo, hi = wilson_interval(k, n, confidence) if n else (np.nan, np.nan)
            rows.append(
                {
                    "group": name,
                    "item": c,
                    "label": (labels or {}).get(c, c),
                    "n": n,
                    "successes": k,
                    "rate": k / n if n else np.nan,
                    "ci_low": lo,
                    "ci_high": hi,
                }
            )
    out = pd.DataFrame(rows)
    out.attrs["confidence"] = confidence
    return out


# ----------------------------------------------------------------------------------------------
# frequency and profile tables
# ----------------------------------------------------------------------------------------------
def frequency_table(
    data: pd.Series, by: pd.Series | None = None, order: Sequence | None = None
) -> pd.DataFrame:
    """Counts and column percentages of a categorical variable, overall and by a group.

    ``pct_c = 100 n_c / sum_c n_c`` over the non-missing answers; missing answers are counted in
    ``attrs["missing"]``, not in the percentages (as ``pandas.crosstab(normalize="columns")``).

    Parameters
    ----------
    data : Series
        The categorical variable.
    by : Series, optional
        A grouping variable with the same index (no missing values); adds ``n`` and ``%``
        columns per group, groups sorted as text.
    order : sequence, optional
        Category order (default: the categorical order if any, else sorted). Categories listed
        but absent from the data get 0.

    Returns
    -------
    DataFrame
        Index = categories (named after ``data``); columns ``("All", "n")``, ``("All", "%")``
        and, with ``by``, ``(<group>, "n")``, ``(<group>, "%")``.

    Raises
    ------
    ValueError
        ``data``/``by`` not Series; ``by`` on another index or with a missing value; a category
        of ``data`` not in ``order``.

    Examples
    --------
    >>> sex = pd.Series(["m", "f", "m", "m"], name="sex")
    >>> frequency_table(sex, order=["m", "f"])
        All
          n     %
    sex
    m     3  75.0
    f     1  25.0
    """
    if not isinstance(data, pd.Series):
        raise ValueError(f"data: expected a pandas Series, got {type(data).__name__}")
    if by is not None:
        if not isinstance(by, pd.Series):
            raise ValueError(f"by: expected a pandas Series, got {type(by).__name__}")
        if not by.index.equals(data.index):
            raise ValueError("by: must have the same index as data")
        if by.isna().any():
            row = _first_label(by.index, by.isna().to_numpy())
            raise ValueError(f"by: has a missing value (row {row!r})")
    if order is None:
        if isinstance(data.dtype, pd.CategoricalDtype):
            order = list(data.cat.categories)
        else:
            order = sorted(data.dropna().unique().tolist())
    order = list(order)
    unknown = sorted({str(v) for v in data.dropna().unique()} - {str(o) for o in order})
    if unknown:
        raise ValueError(f"order: categories {unknown} of data are not listed")

    def counts(s: pd.Series) -> pd.DataFrame:
        n = s.astype(object).value_counts().reindex(order, fill_value=0).astype(int)
        tot = n.sum()
        pct = 100.0 * n / tot if tot else n.astype(float) * np.nan
        return pd.DataFrame({"n": n.to_numpy(), "%": pct.to_numpy()}, index=order)

    parts = {"All": counts(data)}
    if by is not None:
        for g in sorted(by.unique().tolist(), key=str):
            parts[str(g)] = counts(data[by == g])
    out = pd.concat(parts, axis=1)
    out.index.name = data.name
    out.attrs["missing"] = int(data.isna().sum())
    return out


def profile_table(variables: Mapping[str, pd.Series], by: pd.Series | None = None) -> pd.DataFrame:
    """Stack the :func:`frequency_table` of several variables into one respondent-profile table.

    Parameters
    ----------
    variables : dict label -> Series
        E.g. ``{"Sex": survey["sex"], "Age (years)": band(survey["age"], ...)}``, all on the same
        index; order is kept.
    by : Series, optional
        Grouping variable on that index.

    Returns
    -------
    DataFrame
        MultiIndex rows ``(variable, category)``; columns as :func:`frequency_table`.

    Raises
    ------
    ValueError
        ``variables`` empty or not a mapping; a value not a Series or on another index.

    Examples
    --------
    >>> df = pd.DataFrame({"sex": ["m", "f", "m"], "edu": ["low", "low", "high"]})
    >>> t = profile_table({"Sex": df["sex"], "Education": df["edu"]})
    >>> t[("All", "n")].to_dict()
    {('Sex', 'f'): 1, ('Sex', 'm'): 2, ('Education', 'high'): 1, ('Education', 'low'): 2}
    """
    if not isinstance(variables, Mapping) or not variables:
        raise ValueError("variables: expected a non-empty dict label -> Series")
    parts, index = {}, None
    for label, s in variables.items():
        if not isinstance(s, pd.Series):
            raise ValueError(f"variables[{label!r}]: expected a pandas Series")
        if index is None:
            index = s.index
        elif not s.index.equals(index):
            raise ValueError(f"variables[{label!r}]: index differs from the first variable's")
        parts[label] = frequency_table(s, by).rename_axis("category")
    return pd.concat(parts, names=["variable", "category"])


def item_nonresponse(data: pd.DataFrame, columns: Sequence[str]) -> pd.DataFrame:
    """Item non-response: per column the answers given, the missing ones and their share (%).

    ``missing (%) = 100 missing_j / n`` (``n`` rows). ``attrs["respondents_complete"]`` is the
    number of rows with every column answered and ``attrs["max_missing"]`` the largest number
    of missing answers in one row.

    Parameters
    ----------
    data : DataFrame
        One row per respondent.
    columns : sequence of str
        The items.

    Returns
    -------
    DataFrame
        Index ``item`` (= ``columns``); ``answered``, ``missing``, ``missing (%)``.

    Raises
    ------
    ValueError
        Not a DataFrame or empty; ``columns`` empty or not in ``data``.

    Examples
    --------
    >>> df = pd.DataFrame({"q1": [1, None, 2, None], "q2": [1, 1, None, 2]})
    >>> out = item_nonresponse(df, ["q1", "q2"])
    >>> out
          answered  missing  missing (%)
    item
    q1           2        2         50.0
    q2           3        1         25.0
    >>> out.attrs["respondents_complete"], out.attrs["max_missing"]
    (1, 1)
    """
    data = check_frame(data, "data")
    columns = _check_columns(data, columns)
    miss = data[columns].isna()
    out = pd.DataFrame({"answered": (~miss).sum(), "missing": miss.sum()})
    out["missing (%)"] = 100.0 * out["missing"] / len(data)
    out.index.name = "item"
    per_row = miss.sum(axis=1)
    out.attrs.update(respondents_complete=int((per_row == 0).sum()), max_missing=int(per_row.max()))
    return out


def band(
    values: pd.Series, edges: Sequence[float], labels: Sequence[str] | None = None
) -> pd.Series:
    """Cut a numeric column into ordered, left-closed bands ``[e_0, e_1), [e_1, e_2), ...``.

    Default labels: ``"<e_1"`` for a first band opening at ``-inf``, ``"e_K+"`` for a last band
    closing at ``inf``, ``"e_k"`` for a band one unit wide and ``"e_k-(e_{k+1}-1)"`` otherwise
    (integer answers such as ages). Missing values stay missing.

    Parameters
    ----------
    values : Series
        Numeric values.
    edges : sequence of float
        Strictly increasing band edges (at least 2).
    labels : sequence of str, optional
        One label per band.

    Returns
    -------
    Series
        Ordered categorical with the input's index and name.

    Raises
    ------
    ValueError
        ``values`` not a Series; fewer than 2 or non-increasing edges; wrong number of labels; a
        value outside ``[e_0, e_K)`` (names the row).

    Examples
    --------
    >>> band(pd.Series([25, 45, 71]), [-np.inf, 40, 50, 70, np.inf]).tolist()
    ['<40', '40-49', '70+']
    """
    if not isinstance(values, pd.Series):
        raise ValueError(f"values: expected a pandas Series, got {type(values).__name__}")
    e = [float(x) for x in edges]
    if len(e) < 2:
        raise ValueError(f"edges: need at least 2 edges, got {len(e)}")
    if any(b <= a for a, b in zip(e[:-1], e[1:], strict=True)):
        raise ValueError(f"edges: must be strictly increasing, got {list(edges)}")
    if labels is None:
        labels = []
        for a, b in zip(e[:-1], e[1:], strict=True):
            if np.isinf(a):
                labels.append(f"<{b:g}")
            elif np.isinf(b):
                labels.append(f"{a:g}+")
            elif b - a == 1:
                labels.append(f"{a:g}")
            else:
                labels.append(f"{a:g}-{b - 1:g}")
    labels = list(labels)
    if len(labels) != len(e) - 1:
        raise ValueError(f"labels: expected {len(e) - 1} labels (one per band), got {len(labels)}")
    x = pd.to_numeric(values.astype("float64"), errors="raise")
    outside = x.notna() & ((x < e[0]) | (x >= e[-1]))
    if outside.any():
        row = _first_label(x.index, outside.to_numpy())
        raise ValueError(
            f"values: row {row!r} value {x[row]:g} is outside the edges [{e[0]:g}, {e[-1]:g})"
        )
    return pd.Series(
        pd.cut(x, bins=e, right=False, labels=labels), index=values.index, name=values.name
    )


def recovery_ledger(
    planted: pd.Series,
    estimate: pd.Series,
    tolerance: float,
    ci_low: pd.Series | None = None,
    ci_high: pd.Series | None = None,
) -> pd.DataFrame:
    """Planted-versus-found ledger: is each planted value recovered within a stated tolerance?

    For every id: ``error = estimate - planted`` and the verdict
    ``recovered = |error| <= tolerance`` (the tolerance is stated before looking, in the
    units of the values). With an interval, ``planted_in_interval`` says whether
    ``ci_low <= planted <= ci_high`` (missing when the interval is missing). On simulated data
    this checks the *method* against what the simulation planted; it says nothing about the real
    population.

    Parameters
    ----------
    planted, estimate : pd.Series
        Indexed by the same ids (order of ``planted`` is kept).
    tolerance : float
        Largest absolute error still counted as recovered (> 0).
    ci_low, ci_high : pd.Series, optional
        Interval of the estimate (both or neither), indexed like ``planted``.

    Returns
    -------
    pd.DataFrame
        Index the ids; columns ``planted, estimate, error, ci_low, ci_high,
        planted_in_interval, recovered``.

    Raises
    ------
    ValueError
        Ids that differ, non-finite planted values or estimates, a tolerance that is not a
        positive number, or only one interval limit.

    Examples
    --------
    >>> led = recovery_ledger(pd.Series({"a": 0.6, "b": 0.4}), pd.Series({"a": 0.59, "b": 0.45}),
    ...                       tolerance=0.02)
    >>> led["recovered"].tolist(), led["error"].round(2).tolist()
    ([True, False], [-0.01, 0.05])
    """
    for name, s in (("planted", planted), ("estimate", estimate)):
        if not isinstance(s, pd.Series):
            raise ValueError(f"{name}: expected a pandas Series indexed by id")
    if set(planted.index) != set(estimate.index):
        raise ValueError(
            f"estimate: ids {sorted(map(str, estimate.index))} differ from planted "
            f"{sorted(map(str, planted.index))}"
        )
    tol = check_in_range(tolerance, "tolerance", 0, np.inf, low_open=True, high_open=True)
    p = planted.astype(float)
    e = estimate.reindex(p.index).astype(float)
    for name, s in (("planted", p), ("estimate", e)):
        bad = s.index[~np.isfinite(s.to_numpy())]
        if len(bad):
            raise ValueError(f"{name}: value for {bad[0]!r} is not a finite number")
    if (ci_low is None) != (ci_high is None):
        raise ValueError("ci_low, ci_high: give both limits of the interval or neither")
    lo = pd.Series(np.nan, index=p.index) if ci_low is None else ci_low.reindex(p.index)
    hi = pd.Series(np.nan, index=p.index) if ci_high is None else ci_high.reindex(p.index)
    inside = ((lo <= p) & (p <= hi)).astype("boolean").mask(lo.isna() | hi.isna())
    out = pd.DataFrame(
        {
            "planted": p,
            "estimate": e,
            "error": e - p,
            "ci_low": lo.astype(float),
            "ci_high": hi.astype(float),
            "planted_in_interval": inside,
            "recovered": (e - p).abs() <= tol,
        }
    )
    out.index.name = planted.index.name
    return out


def format_p_value(p: float, *, digits: int = 3) -> str:
    """A p-value as readers expect it: fixed decimals, ``< 0.001`` below the last decimal.

    ``p`` is shown with ``digits`` decimals; a value below ``10^-digits`` is written
    ``"< 0.001"`` (APA style, *Publication Manual*, 7th ed., section 6.36), never in scientific
    notation; a missing value gives ``"n/a"``.

    Parameters
    ----------
    p : float
        A probability in [0, 1], or NaN.
    digits : int
        Decimals shown (default 3).

    Returns
    -------
    str

    Examples
    --------
    >>> format_p_value(0.04567), format_p_value(2.4e-17), format_p_value(float("nan"))
    ('0.046', '< 0.001', 'n/a')
    """
    if isinstance(digits, bool) or not isinstance(digits, int) or digits < 1:
        raise ValueError(f"digits: must be a positive integer, got {digits!r}")
    if p is None or (isinstance(p, float) and np.isnan(p)):
        return "n/a"
    p = float(p)
    if not 0 <= p <= 1:
        raise ValueError(f"p: must be a probability in [0, 1], got {p!r}")
    floor = 10.0**-digits
    if p < floor:
        return f"< {floor:.{digits}f}"
    return f"{p:.{digits}f}"


def reader_table(
    table: pd.DataFrame,
    *,
    decimals: int | Mapping[str, int] = 1,
    na_rep: str = "n/a",
    hide_index: bool = False,
    caption: str | None = None,
):
    """A table for readers: fixed decimals, ``n/a`` for missing cells, text left-aligned.

    Returns a pandas ``Styler`` (rendered as HTML by Jupyter Book): numeric columns get
    ``decimals`` decimals (a mapping gives them per column; integer columns are shown without
    decimals and with thousands separators), missing cells show ``na_rep`` instead of ``NaN``,
    text columns and the index are left-aligned and numbers right-aligned. The values are not
    changed: only their display.

    Parameters
    ----------
    table : pandas.DataFrame
        Column labels as the reader should see them (with units).
    decimals : int or mapping column -> int
    na_rep : str
        Shown for a missing value (default ``"n/a"``).
    hide_index : bool
        Hide the row labels (for tables whose first column names the rows).
    caption : str, optional

    Returns
    -------
    pandas.io.formats.style.Styler

    Examples
    --------
    >>> t = pd.DataFrame({"Dimension": ["a", "b"], "Score (0-100)": [50.123, None]})
    >>> html = reader_table(t, hide_index=True).to_html()
    >>> "50.1" in html and "n/a" in html and "NaN" not in html
    True
    """
    if not isinstance(table, pd.DataFrame):
        raise ValueError(f"table: expected a pandas DataFrame, got {type(table).__name__}")
    if isinstance(decimals, Mapping):
        unknown = [c for c in decimals if c not in table.columns]
        if unknown:
            raise ValueError(f"decimals: columns {unknown} are not in the table")
        per_column = dict(decimals)
    elif isinstance(decimals, bool) or not isinstance(decimals, (int, np.integer)) or decimals < 0:
        raise ValueError(f"decimals: must be a non-negative integer or a mapping, got {decimals!r}")
    else:
        per_column = {}
    formats = {}
    numeric, text = [], []
    for col in table.columns:
        series = table[col]
        if pd.api.types.is_bool_dtype(series):
            formats[col] = lambda v: "yes" if v else "no"
            text.append(col)
        elif pd.api.types.is_integer_dtype(series):
            formats[col] = "{:,.0f}"
            numeric.append(col)
        elif pd.api.types.is_numeric_dtype(series):
            d = int(per_column.get(col, decimals if not isinstance(decimals, Mapping) else 1))
            formats[col] = f"{{:,.{d}f}}"
            numeric.append(col)
        else:
            text.append(col)
    styler = table.style.format(formats, na_rep=na_rep)
    styler = styler.format_index(lambda v: "" if pd.isna(v) else str(v), axis=0)
    if text:
        styler = styler.set_properties(subset=text, **{"text-align": "left"})
    if numeric:
        styler = styler.set_properties(subset=numeric, **{"text-align": "right"})
    styler = styler.set_table_styles(
        [
            {"selector": "th.row_heading", "props": [("text-align", "left")]},
            {"selector": "th.col_heading", "props": [("text-align", "left")]},
        ],
        overwrite=False,
    )
    if hide_index:
        styler = styler.hide(axis="index")
    if caption:
        styler = styler.set_caption(caption)
    return styler
