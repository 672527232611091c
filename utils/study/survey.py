"""Household-survey analysis helpers: dimension scores, sample design, profile and rate tables.

The survey chapter (chapter 3) of the book and the scoring/attribution chapters use these
functions on the household questionnaire of M County. The questionnaire shipped with the
project is SIMULATED (``utils.study.simulate``, see ``data/README.md``); nothing computed from it is a
fact about the real county.

Item lists always come from the codebook (or the survey's column names) through
:func:`utils.study.data.likert_items`; no item list is typed here.

References
----------
Likert, R. (1932). A technique for the measurement of attitudes. *Archives of Psychology*,
22(140), 1-55 (summated/averaged rating scales).
Ware, J. E., Snow, K. K., Kosinski, M., & Gandek, B. (1993). *SF-36 Health Survey: Manual and
Interpretation Guide*. Boston: The Health Institute, New England Medical Center (the
"half-scale rule" for missing items: score a scale as the mean of the answered items when at
least half of its items are answered).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from utils.methods._validation import check_choice, check_fraction
from utils.study import data as _data

__all__ = [
    "DIMENSIONS",
    "AttainmentSummary",
    "DifferenceOverview",
    "DimensionSummary",
    "QuizSummary",
    "attainment_summary",
    "dimension_summary",
    "group_difference_overview",
    "quiz_summary",
    "short_labels",
    "LIKERT_LEVELS",
    "band",
    "category_order",
    "column_labels",
    "convergent_validity",
    "count_score",
    "dimension_labels",
    "dimension_scores",
    "factor_correspondence",
    "frequency_table",
    "group_columns",
    "group_difference_table",
    "item_nonresponse",
    "item_table",
    "poverty_lines",
    "profile_table",
    "proportion_table",
    "reliability_table",
    "sample_design",
    "wilson_interval",
]

LIKERT_LEVELS = (1, 2, 3, 4, 5)
_SCALES = ("mean", "0-100")
_FALLBACK_LABELS = {
    "gs": "government services",
    "in": "poverty-alleviation industries",
    "ss": "social security",
    "ed": "education and ideological knowledge",
    "lc": "living conditions and outcomes",
}


def dimension_labels(indicators: pd.DataFrame | str | Path | None = None) -> dict[str, str]:
    """Ordered mapping ``{criterion code: English label}`` read from the indicator system.

    Parameters
    ----------
    indicators : DataFrame, path or None
        The indicator table (``data/indicators.csv`` as loaded by
        :func:`utils.study.data.load_indicators`), a data directory, or ``None`` for the
        repository's ``data/``. Rows with ``level == "criterion"`` give the codes (column
        ``id``) and labels (``label_en``) in file order.

    Returns
    -------
    dict
        E.g. ``{"gs": "government services", ...}`` in the order of the indicator file.

    Raises
    ------
    ValueError
        If the table lacks the columns ``level``, ``id`` or ``label_en`` or has no criterion rows.
    """
    if not isinstance(indicators, pd.DataFrame):
        indicators = _data.load_indicators(indicators)
    missing = [c for c in ("level", "id", "label_en") if c not in indicators.columns]
    if missing:
        raise ValueError(f"indicators: missing column(s) {missing}; expected data/indicators.csv")
    rows = indicators[indicators["level"] == "criterion"]
    if rows.empty:
        raise ValueError("indicators: no rows with level 'criterion'")
    return {str(i): str(lab) for i, lab in zip(rows["id"], rows["label_en"], strict=True)}


def _default_dimensions() -> dict[str, str]:
    try:
        labels = dimension_labels()
    except (ValueError, OSError):  # pragma: no cover - repository data missing
        return dict(_FALLBACK_LABELS)
    if set(labels) != set(_data.DIMENSIONS):  # pragma: no cover - inconsistent data
        return dict(_FALLBACK_LABELS)
    return labels


#: Performance dimensions (criteria) in the indicator system's order, code -> English label,
#: read from ``data/indicators.csv`` (criterion rows). Use ``list(DIMENSIONS)`` for the codes.
DIMENSIONS: dict[str, str] = _default_dimensions()


def _plain(label: object) -> object:
    """A NumPy scalar label as the plain Python value (so messages read ``row 2``, not
    ``row np.int64(2)``)."""
    return label.item() if isinstance(label, np.generic) else label


def _first(index: pd.Index, mask) -> object:
    """The first label of ``index`` where ``mask`` is true, as a plain Python value."""
    return _plain(index[np.flatnonzero(np.asarray(mask))[0]])


def _check_survey(survey, name: str = "survey") -> pd.DataFrame:
    if not isinstance(survey, pd.DataFrame):
        raise ValueError(f"{name}: expected a pandas DataFrame, got {type(survey).__name__}")
    if survey.empty:
        raise ValueError(f"{name}: is empty (no rows or no columns)")
    return survey


def _likert_block(survey: pd.DataFrame, items: Sequence[str], where: str) -> pd.DataFrame:
    """Items as a float frame; check presence, numeric type and the 1..5 range."""
    absent = [c for c in items if c not in survey.columns]
    if absent:
        raise ValueError(f"survey: Likert item column(s) {absent} of {where} are missing")
    out = {}
    for c in items:
        s = survey[c]
        if not (pd.api.types.is_numeric_dtype(s) or s.isna().all()):
            raise ValueError(f"survey: column {c!r} ({where}) is not numeric (dtype {s.dtype})")
        v = s.astype("float64")
        bad = v.notna() & ~v.isin([float(x) for x in LIKERT_LEVELS])
        if bad.any():
            row = _first(v.index, bad.to_numpy())
            raise ValueError(
                f"survey: column {c!r} ({where}), row {row!r}: value {v[row]:g} is not a Likert "
                f"answer (allowed {list(LIKERT_LEVELS)} or missing)"
            )
        out[c] = v
    return pd.DataFrame(out, index=survey.index)


def _item_lists(
    survey: pd.DataFrame, codebook: pd.DataFrame | None, dimensions: Sequence[str] | None
) -> dict[str, list[str]]:
    dims = list(DIMENSIONS) if dimensions is None else list(dimensions)
    if not dims:
        raise ValueError("dimensions: is empty; give at least one dimension code")
    unknown = [d for d in dims if d not in _data.DIMENSIONS]
    if unknown:
        raise ValueError(f"dimensions: {unknown} not among {list(_data.DIMENSIONS)}")
    if len(set(dims)) != len(dims):
        raise ValueError(f"dimensions: duplicated codes in {dims}")
    source = survey if codebook is None else codebook
    return {d: _data.likert_items(source, d) for d in dims}


def dimension_scores(
    survey: pd.DataFrame,
    codebook: pd.DataFrame | None = None,
    scale: str = "mean",
    min_items: int | None = None,
    dimensions: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Score each household on each performance dimension as the mean of its Likert items.

    For household ``h`` and dimension ``d`` with items ``I_d`` (``k_d = |I_d|``) and answered
    items ``A_hd`` (non-missing answers ``y_hi`` in 1..5):

    ``score_hd = (1 / |A_hd|) * sum_{i in A_hd} y_hi``   if ``|A_hd| >= m_d``, else missing;

    on the ``"0-100"`` scale ``100 * (score_hd - 1) / 4`` (1 -> 0, 3 -> 50, 5 -> 100).

    Missing rule (default): the *half-scale rule* (Ware et al. 1993), ``m_d = ceil(k_d / 2)``,
    i.e. 3 of 5 items; the mean of the answered items is the person-mean imputation of the
    missing ones. Households below ``m_d`` get ``NaN`` for that dimension only.

    Parameters
    ----------
    survey : DataFrame
        One row per household with the Likert item columns (1..5, missing = NaN/<NA>), e.g.
        from :func:`utils.study.data.load_survey`.
    codebook : DataFrame, optional
        The codebook (:func:`utils.study.data.load_codebook`): item lists are its survey rows with
        group ``likert`` and the dimension. ``None`` (default): items are the survey columns
        named ``<dimension><number>`` (:func:`utils.study.data.likert_items`).
    scale : {"mean", "0-100"}
        ``"mean"`` (default): 1..5 like the answers; ``"0-100"``: linear rescale as above.
    min_items : int, optional
        Minimum number of answered items for a score; default ``ceil(k_d / 2)`` per dimension.
        Must be between 1 and the smallest ``k_d``.
    dimensions : sequence of str, optional
        Dimension codes to score, default all of :data:`DIMENSIONS` in their order.

    Returns
    -------
    DataFrame
        Index = the survey's index (so ``survey.join(scores)`` works); one float column per
        dimension code (column index named ``"dimension"``). ``attrs`` records ``scale``,
        ``min_items`` (dict per dimension) and ``items`` (dict per dimension).

    Raises
    ------
    ValueError
        Not a DataFrame or empty; unknown ``scale``; ``min_items`` not an integer in
        ``1..min k_d``; unknown/duplicated dimension codes; item columns missing, non-numeric or
        holding a value outside 1..5 (the message names the column and row).

    References
    ----------
    Likert, R. (1932). A technique for the measurement of attitudes. *Archives of
    Psychology*, 22(140), 1-55.
    Ware, J. E., Snow, K. K., Kosinski, M., & Gandek, B. (1993). *SF-36 Health Survey: Manual
    and Interpretation Guide*. The Health Institute, New England Medical Center.
    """
    survey = _check_survey(survey)
    check_choice(scale, _SCALES, "scale")
    items = _item_lists(survey, codebook, dimensions)
    k_min = min(len(v) for v in items.values())
    if min_items is not None:
        if isinstance(min_items, bool) or not isinstance(min_items, (int, np.integer)):
            raise ValueError(f"min_items: expected an integer, got {min_items!r}")
        if not 1 <= min_items <= k_min:
            raise ValueError(
                f"min_items: {min_items} must be between 1 and {k_min} (the smallest number of "
                "items in a dimension)"
            )
    out, needed = {}, {}
    for d, cols in items.items():
        block = _likert_block(survey, cols, f"dimension {d!r}")
        m = math.ceil(len(cols) / 2) if min_items is None else int(min_items)
        answered = block.notna().sum(axis=1)
        score = block.mean(axis=1, skipna=True).where(answered >= m)
        if scale == "0-100":
            score = 100.0 * (score - 1.0) / 4.0
        out[d], needed[d] = score.astype("float64"), m
    res = pd.DataFrame(out, index=survey.index)
    res.columns.name = "dimension"
    res.attrs.update(scale=scale, min_items=needed, items={d: list(c) for d, c in items.items()})
    return res


# ----------------------------------------------------------------------------------------------
# codebook look-ups
# ----------------------------------------------------------------------------------------------
_SURVEY_FILE = _data.FILES["survey"]


def _check_codebook(codebook) -> pd.DataFrame:
    if not isinstance(codebook, pd.DataFrame):
        raise ValueError(f"codebook: expected a pandas DataFrame, got {type(codebook).__name__}")
    missing = [c for c in ("file", "column", "group") if c not in codebook.columns]
    if missing:
        raise ValueError(f"codebook: missing column(s) {missing}; expected data/codebook.csv")
    return codebook[codebook["file"] == _SURVEY_FILE]


def group_columns(codebook: pd.DataFrame, group: str) -> list[str]:
    """Survey columns whose codebook ``group`` is ``group`` (file order).

    E.g. ``group_columns(cb, "two_three")`` gives the "two no-worries, three guarantees" items,
    ``"quiz"`` the policy-knowledge quiz, ``"income"`` the yearly incomes.

    Raises
    ------
    ValueError
        If the codebook lacks ``file``/``column``/``group`` or no survey column has the group.
    """
    rows = _check_codebook(codebook)
    cols = list(rows.loc[rows["group"] == group, "column"])
    if not cols:
        raise ValueError(f"group: no survey column has codebook group {group!r}")
    return cols


def column_labels(codebook: pd.DataFrame, columns: Sequence[str] | None = None) -> dict[str, str]:
    """``{column: English label}`` for survey columns from the codebook's ``label_en``.

    With ``columns`` given, only those (each must be in the codebook); else every survey column.
    """
    rows = _check_codebook(codebook)
    if "label_en" not in rows.columns:
        raise ValueError("codebook: missing column 'label_en'")
    labels = dict(zip(rows["column"], rows["label_en"], strict=True))
    if columns is None:
        return labels
    unknown = [c for c in columns if c not in labels]
    if unknown:
        raise ValueError(f"columns: {unknown} are not survey columns of the codebook")
    return {c: labels[c] for c in columns}


def category_order(codebook: pd.DataFrame, column: str) -> list[str]:
    """Allowed values of a categorical survey column in codebook order (e.g. education levels).

    The codebook lists ``allowed`` values lowest first for ordered categories (education:
    none < primary < ... < tertiary), so this order is used for tables and figures.
    """
    rows = _check_codebook(codebook)
    row = rows[rows["column"] == column]
    if row.empty:
        raise ValueError(f"column: {column!r} is not a survey column of the codebook")
    allowed = str(row["allowed"].iloc[0]) if "allowed" in row.columns else ""
    if not allowed or allowed.startswith("regex:"):
        raise ValueError(f"column: {column!r} has no list of allowed values in the codebook")
    return allowed.split("|")


_LINE_RE = r"[Pp]overty line (\d{4}):\s*([\d,]+(?:\.\d+)?)\s*yuan"


def poverty_lines(codebook: pd.DataFrame) -> pd.Series:
    """Poverty line per survey year, read from the codebook descriptions of the income columns.

    The codebook's ``description`` of each ``income_<year>`` column states the line used for
    that year ("Poverty line 2020: 4000 yuan"): 2,952 yuan in 2016 (NBS) and about 4,000 in
    2020 (SCIO 2021), with 2017-2019 geometrically interpolated by the data model (see
    ``data/README.md``; a modelling choice, not official figures).

    Returns
    -------
    Series
        Yuan per person per year (current prices), indexed by year (int), named
        ``"poverty_line_yuan"``.
    """
    rows = _check_codebook(codebook)
    if "description" not in rows.columns:
        raise ValueError("codebook: missing column 'description'")
    found = rows["description"].astype(str).str.extract(_LINE_RE).dropna()
    if found.empty:
        raise ValueError(
            "codebook: no survey column description states a poverty line "
            "('Poverty line <year>: <amount> yuan')"
        )
    out = pd.Series(
        found[1].str.replace(",", "").astype(float).to_numpy(),
        index=found[0].astype(int).to_numpy(),
        name="poverty_line_yuan",
    )
    out.index.name = "year"
    return out[~out.index.duplicated()].sort_index()


# ----------------------------------------------------------------------------------------------
# sample design and response
# ----------------------------------------------------------------------------------------------
def _require(df: pd.DataFrame, columns: Sequence[str], name: str = "survey") -> None:
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise ValueError(f"{name}: missing column(s) {missing}")


def sample_design(survey: pd.DataFrame) -> pd.DataFrame:
    """Sample by township: villages sampled, households, households per village, registered poor.

    Returns
    -------
    DataFrame
        Index ``township``; columns ``villages``, ``households``, ``households per village
        (min)``, ``(max)``, ``registered poor`` and ``registered poor (%)`` (``100 x`` share of
        the township's households), plus a final ``Total`` row.
    """
    survey = _check_survey(survey)
    _require(survey, ["township", "village", "registered_poor"])
    for c in ("township", "village"):
        if survey[c].isna().any():
            row = _first(survey.index, survey[c].isna().to_numpy())
            raise ValueError(f"survey: column {c!r} has a missing value (row {row!r})")
    poor = survey["registered_poor"].astype("float64")
    if poor.isna().any() or not poor.isin([0.0, 1.0]).all():
        row = _first(survey.index, (poor.isna() | ~poor.isin([0.0, 1.0])).to_numpy())
        raise ValueError(f"survey: column 'registered_poor' must be 0/1 (row {row!r})")
    df = pd.DataFrame(
        {"township": survey["township"].astype(str), "village": survey["village"].astype(str)}
    )
    df["poor"] = poor.to_numpy()
    per_village = df.groupby(["township", "village"]).size()
    g = df.groupby("township")
    out = pd.DataFrame(
        {
            "villages": g["village"].nunique(),
            "households": g.size(),
            "households per village (min)": per_village.groupby(level=0).min(),
            "households per village (max)": per_village.groupby(level=0).max(),
            "registered poor": g["poor"].sum().astype(int),
        }
    )
    total = pd.DataFrame(
        {
            "villages": [df["village"].nunique()],
            "households": [len(df)],
            "households per village (min)": [per_village.min()],
            "households per village (max)": [per_village.max()],
            "registered poor": [int(df["poor"].sum())],
        },
        index=["Total"],
    )
    out = pd.concat([out, total])
    out["registered poor (%)"] = 100.0 * out["registered poor"] / out["households"]
    out.index.name = "township"
    return out


def item_nonresponse(survey: pd.DataFrame, columns: Sequence[str]) -> pd.DataFrame:
    """Item non-response: per column the answers given, missing and the missing share (%).

    Returns
    -------
    DataFrame
        Index = ``columns``; ``answered``, ``missing``, ``missing (%)`` ``= 100 missing / n``.
        ``attrs["respondents_complete"]`` = respondents who answered every column and
        ``attrs["max_missing"]`` = the largest number of missing answers of one respondent.
    """
    survey = _check_survey(survey)
    columns = list(columns)
    if not columns:
        raise ValueError("columns: is empty")
    _require(survey, columns)
    miss = survey[columns].isna()
    out = pd.DataFrame({"answered": (~miss).sum(), "missing": miss.sum()})
    out["missing (%)"] = 100.0 * out["missing"] / len(survey)
    out.index.name = "item"
    per_row = miss.sum(axis=1)
    out.attrs.update(respondents_complete=int((per_row == 0).sum()), max_missing=int(per_row.max()))
    return out


# ----------------------------------------------------------------------------------------------
# profile (frequency) tables
# ----------------------------------------------------------------------------------------------
def band(
    values: pd.Series, edges: Sequence[float], labels: Sequence[str] | None = None
) -> pd.Series:
    """Cut a numeric column into ordered bands ``[e_0, e_1), [e_1, e_2), ...`` (left-closed).

    Default labels: ``"<e1"`` for the first band (if ``e_0`` is ``-inf``), ``"e_k-(e_{k+1}-1)"``
    for inner bands of integers and ``"e_K+"`` for an open last band (``e_{K+1} = inf``); e.g.
    edges ``(-inf, 40, 50, 60, 70, inf)`` give ``<40, 40-49, 50-59, 60-69, 70+``. Missing values
    stay missing. Returns an ordered categorical Series with the input's index and name.
    """
    if not isinstance(values, pd.Series):
        raise ValueError(f"values: expected a pandas Series, got {type(values).__name__}")
    e = [float(x) for x in edges]
    if len(e) < 2:
        raise ValueError(f"edges: need at least 2 edges, got {len(e)}")
    if any(b <= a for a, b in zip(e[:-1], e[1:], strict=True)):
        raise ValueError(f"edges: must be strictly increasing, got {list(edges)}")
    if labels is None:

        def fmt(x: float) -> str:
            return f"{x:g}"

        labels = []
        for a, b in zip(e[:-1], e[1:], strict=True):
            if np.isinf(a):
                labels.append(f"<{fmt(b)}")
            elif np.isinf(b):
                labels.append(f"{fmt(a)}+")
            elif b - a == 1:
                labels.append(fmt(a))
            else:
                labels.append(f"{fmt(a)}-{fmt(b - 1)}")
    labels = list(labels)
    if len(labels) != len(e) - 1:
        raise ValueError(f"labels: expected {len(e) - 1} labels (one per band), got {len(labels)}")
    x = pd.to_numeric(values.astype("float64"), errors="raise")
    outside = x.notna() & ((x < e[0]) | (x >= e[-1]))
    if outside.any():
        row = _first(x.index, outside.to_numpy())
        raise ValueError(
            f"values: row {row!r} value {x[row]:g} is outside the edges [{e[0]:g}, {e[-1]:g})"
        )
    out = pd.cut(x, bins=e, right=False, labels=labels)
    return pd.Series(out, index=values.index, name=values.name)


def frequency_table(
    data: pd.Series, by: pd.Series | None = None, order: Sequence | None = None
) -> pd.DataFrame:
    """Counts and column percentages of a categorical variable, overall and by a group.

    ``pct_c = 100 n_c / sum_c n_c`` over the non-missing answers (missing answers are counted in
    the ``attrs["missing"]`` total, not in the percentages).

    Parameters
    ----------
    data : Series
        The categorical variable.
    by : Series, optional
        A grouping variable with the same index; adds ``n`` and ``%`` columns per group.
    order : sequence, optional
        Category order (default: categorical order if any, else sorted). Categories in the
        order but absent from the data get 0.

    Returns
    -------
    DataFrame
        Index = categories (named after ``data``); columns ``("All", "n")``, ``("All", "%")``
        and, with ``by``, ``(<group>, "n")``, ``(<group>, "%")`` for each group.
    """
    if not isinstance(data, pd.Series):
        raise ValueError(f"data: expected a pandas Series, got {type(data).__name__}")
    if by is not None:
        if not isinstance(by, pd.Series):
            raise ValueError(f"by: expected a pandas Series, got {type(by).__name__}")
        if not by.index.equals(data.index):
            raise ValueError("by: must have the same index as data")
        if by.isna().any():
            row = _first(by.index, by.isna().to_numpy())
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


def profile_table(
    survey: pd.DataFrame,
    variables: Mapping[str, pd.Series],
    by: pd.Series | None = None,
) -> pd.DataFrame:
    """Stack :func:`frequency_table` of several variables into one respondent-profile table.

    Parameters
    ----------
    survey : DataFrame
        The survey (only its index is used, to check alignment).
    variables : dict label -> Series
        E.g. ``{"Sex": survey["sex"], "Age (years)": band(survey["age"], ...)}``; each Series
        indexed like ``survey``. Order is kept.
    by : Series, optional
        Grouping variable (e.g. registered-poor status as text).

    Returns
    -------
    DataFrame
        MultiIndex rows ``(variable, category)``; columns as :func:`frequency_table`.
    """
    survey = _check_survey(survey)
    if not isinstance(variables, Mapping) or not variables:
        raise ValueError("variables: expected a non-empty dict label -> Series")
    parts = {}
    for label, s in variables.items():
        if not isinstance(s, pd.Series):
            raise ValueError(f"variables[{label!r}]: expected a pandas Series")
        if not s.index.equals(survey.index):
            raise ValueError(f"variables[{label!r}]: index differs from the survey's index")
        b = None if by is None else by
        parts[label] = frequency_table(s, b).rename_axis("category")
    out = pd.concat(parts, names=["variable", "category"])
    return out


# ----------------------------------------------------------------------------------------------
# proportions with Wilson intervals
# ----------------------------------------------------------------------------------------------


def wilson_interval(successes: int, n: int, level: float = 0.95) -> tuple[float, float]:
    """Wilson (1927) score interval for a binomial proportion (thin wrapper of statsmodels).

    ``(p + z^2/(2n) -+ z sqrt(p(1-p)/n + z^2/(4n^2))) / (1 + z^2/n)`` with ``p = x/n`` and
    ``z`` the ``1 - (1-level)/2`` normal quantile. Preferred to the Wald interval because it
    keeps its coverage near 0 and 1 (Newcombe 1998; Brown, Cai & DasGupta 2001), where
    attainment rates of the "two no-worries, three guarantees" lie.

    References
    ----------
    Wilson, E. B. (1927). Probable inference, the law of succession, and statistical inference.
    *Journal of the American Statistical Association*, 22(158), 209-212.
    Newcombe, R. G. (1998). Two-sided confidence intervals for the single proportion:
    comparison of seven methods. *Statistics in Medicine*, 17(8), 857-872.
    """
    from statsmodels.stats.proportion import proportion_confint

    for name, v in (("successes", successes), ("n", n)):
        if isinstance(v, bool) or not isinstance(v, (int, np.integer)):
            raise ValueError(f"{name}: must be an integer, got {v!r}")
    if n < 1:
        raise ValueError(f"n: must be at least 1, got {n}")
    if not 0 <= successes <= n:
        raise ValueError(f"successes: must be between 0 and n = {n}, got {successes}")
    lo, hi = proportion_confint(
        int(successes), int(n), alpha=1 - check_fraction(level, "level"), method="wilson"
    )
    # exact end points (statsmodels leaves rounding noise such as 5.6e-17 for x = 0): the Wilson
    # interval is [0, .] when x = 0 and [., 1] when x = n
    lo = 0.0 if successes == 0 else min(max(float(lo), 0.0), successes / n)
    hi = 1.0 if successes == n else max(min(float(hi), 1.0), successes / n)
    return lo, hi


def proportion_table(
    survey: pd.DataFrame,
    columns: Sequence[str],
    by: str | None = None,
    level: float = 0.95,
    labels: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """Share of 1s of 0/1 columns with Wilson intervals, overall or by a group (tidy, long).

    Returns
    -------
    DataFrame
        Columns ``group`` (``"All"`` or the group value as text), ``item``, ``label``, ``n``
        (non-missing answers), ``successes``, ``rate`` (proportion ``x/n``), ``ci_low``,
        ``ci_high`` (Wilson, :func:`wilson_interval`). Rows: groups (sorted) x columns.
    """
    survey = _check_survey(survey)
    columns = list(columns)
    if not columns:
        raise ValueError("columns: is empty")
    _require(survey, columns + ([by] if by else []))
    level = check_fraction(level, "level")
    values = {}
    for c in columns:
        v = survey[c].astype("float64")
        bad = v.notna() & ~v.isin([0.0, 1.0])
        if bad.any():
            row = _first(v.index, bad.to_numpy())
            raise ValueError(f"survey: column {c!r}, row {row!r}: value {v[row]:g} is not 0/1")
        values[c] = v
    vals = pd.DataFrame(values, index=survey.index)
    if by is None:
        groups = [("All", vals)]
    else:
        g = survey[by]
        if g.isna().any():
            row = _first(g.index, g.isna().to_numpy())
            raise ValueError(f"by: column {by!r} has a missing value (row {row!r})")
        groups = [(str(k), vals[g == k]) for k in sorted(g.unique().tolist(), key=str)]
    rows = []
    for name, block in groups:
        for c in columns:
            x = block[c].dropna()
            n, k = int(x.size), int(x.sum())
            lo, hi = wilson_interval(k, n, level) if n else (np.nan, np.nan)
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
    out.attrs["level"] = level
    return out


# ----------------------------------------------------------------------------------------------
# reliability and validity by dimension
# ----------------------------------------------------------------------------------------------
def _items_by_dimension(
    survey: pd.DataFrame, codebook: pd.DataFrame | None, dimensions: Sequence[str] | None
) -> dict[str, pd.DataFrame]:
    items = _item_lists(_check_survey(survey), codebook, dimensions)
    return {d: _likert_block(survey, cols, f"dimension {d!r}") for d, cols in items.items()}


def reliability_table(
    survey: pd.DataFrame,
    codebook: pd.DataFrame | None = None,
    ci: float = 0.95,
    nan_policy: str = "listwise",
    dimensions: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Cronbach's alpha with its Feldt interval for every dimension's Likert items.

    Each row is :func:`utils.methods.reliability.cronbach_alpha` on the dimension's items
    (``alpha = k/(k-1) (1 - sum s_i^2 / s_T^2)``, Cronbach 1951; Feldt 1965 interval), default
    listwise deletion (as SPSS RELIABILITY).

    Returns
    -------
    DataFrame
        Index ``dimension`` (codes); columns ``label``, ``items``, ``n``, ``alpha``, ``ci_low``,
        ``ci_high``.
    """
    blocks = _items_by_dimension(survey, codebook, dimensions)
    from utils.methods.reliability import cronbach_alpha

    rows = {}
    for d, block in blocks.items():
        res = cronbach_alpha(block, nan_policy=nan_policy, ci=ci)
        rows[d] = {
            "label": DIMENSIONS.get(d, d),
            "items": res.n_items,
            "n": res.n_obs,
            "alpha": res.alpha,
            "ci_low": res.ci_low,
            "ci_high": res.ci_high,
        }
    out = pd.DataFrame.from_dict(rows, orient="index")
    out.index.name = "dimension"
    return out


def item_table(
    survey: pd.DataFrame,
    codebook: pd.DataFrame | None = None,
    nan_policy: str = "listwise",
    dimensions: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Item analysis of every dimension (:func:`utils.methods.reliability.item_analysis`) stacked.

    Returns
    -------
    DataFrame
        MultiIndex ``(dimension, item)``; the columns of ``item_analysis`` (mean, sd, corrected
        item-total correlation, alpha if item deleted).
    """
    blocks = _items_by_dimension(survey, codebook, dimensions)
    from utils.methods.reliability import item_analysis

    parts = {d: item_analysis(block, nan_policy=nan_policy) for d, block in blocks.items()}
    out = pd.concat(parts, names=["dimension", "item"])
    return out


def factor_correspondence(
    loadings: pd.DataFrame, items: Mapping[str, Sequence[str]]
) -> pd.DataFrame:
    """Which rotated factor each dimension's items load on, and whether they agree.

    For dimension ``d`` with items ``I_d``, its factor is ``argmax_f sum_{i in I_d} l_{if}^2``
    (largest share of the items' common variance); an item is *on target* when its own largest
    absolute loading is on that factor.

    Returns
    -------
    DataFrame
        Index ``dimension``; ``factor``, ``items``, ``on target`` (count), ``min loading``
        (smallest target loading), ``max cross-loading`` (largest absolute loading of the
        items on any other factor).
    """
    if not isinstance(loadings, pd.DataFrame):
        raise ValueError(f"loadings: expected a DataFrame, got {type(loadings).__name__}")
    if not isinstance(items, Mapping) or not items:
        raise ValueError("items: expected a non-empty dict dimension -> item list")
    rows = {}
    for d, cols in items.items():
        cols = list(cols)
        absent = [c for c in cols if c not in loadings.index]
        if absent:
            raise ValueError(f"items[{d!r}]: {absent} are not rows of loadings")
        block = loadings.loc[cols].astype(float)
        factor = (block**2).sum(axis=0).idxmax()
        primary = block.abs().idxmax(axis=1)
        others = block.drop(columns=[factor])
        rows[d] = {
            "factor": factor,
            "items": len(cols),
            "on target": int((primary == factor).sum()),
            "min loading": float(block[factor].min()),
            "max cross-loading": float(others.abs().to_numpy().max()) if others.size else 0.0,
        }
    out = pd.DataFrame.from_dict(rows, orient="index")
    out.index.name = "dimension"
    return out


def convergent_validity(
    survey: pd.DataFrame,
    codebook: pd.DataFrame | None = None,
    method: str = "minres",
    dimensions: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Composite reliability and AVE per dimension from a one-factor model of its items.

    For each dimension a single-factor model of its items (complete cases) is fitted with
    :func:`utils.methods.reliability.exploratory_factor_analysis` (default minres), giving
    standardized loadings ``lambda_i``; then (Fornell & Larcker 1981)

    ``CR = (sum lambda_i)^2 / ((sum lambda_i)^2 + sum (1 - lambda_i^2))``,
    ``AVE = mean(lambda_i^2)``.

    A one-factor model per construct mirrors the measurement model of a CFA (each item loads
    on its own construct only); taking the loadings from the joint rotated EFA instead would
    let cross-loadings and the number of retained factors change the construct's loadings.
    Thresholds usually quoted: CR >= 0.7, AVE >= 0.5; discriminant validity when sqrt(AVE)
    exceeds the construct's correlations with the others (column ``sqrt AVE``, compare with
    :func:`dimension_scores` correlations).

    Returns
    -------
    DataFrame
        Index ``dimension``; ``label``, ``n``, ``min loading``, ``max loading``, ``CR``, ``AVE``,
        ``sqrt AVE``; ``attrs["loadings"]`` holds each dimension's one-factor loadings.
    """
    blocks = _items_by_dimension(survey, codebook, dimensions)
    from utils.methods.reliability import (
        average_variance_extracted,
        composite_reliability,
        exploratory_factor_analysis,
    )

    rows, loadings = {}, {}
    for d, block in blocks.items():
        complete = block.dropna()
        if block.shape[1] < 3:
            raise ValueError(
                f"dimension {d!r}: needs at least 3 items for a one-factor model, got "
                f"{block.shape[1]}"
            )
        lam = exploratory_factor_analysis(complete, 1, rotation=None, method=method).loadings["F1"]
        loadings[d] = lam.rename(d)
        rows[d] = {
            "label": DIMENSIONS.get(d, d),
            "n": len(complete),
            "min loading": float(lam.min()),
            "max loading": float(lam.max()),
            "CR": float(composite_reliability(lam)),
            "AVE": float(average_variance_extracted(lam)),
        }
    out = pd.DataFrame.from_dict(rows, orient="index")
    out["sqrt AVE"] = np.sqrt(out["AVE"])
    out.index.name = "dimension"
    out.attrs["loadings"] = loadings
    return out


# ----------------------------------------------------------------------------------------------
# quiz and group differences
# ----------------------------------------------------------------------------------------------
def count_score(survey: pd.DataFrame, columns: Sequence[str], name: str = "score") -> pd.Series:
    """Number of 1s across 0/1 columns per respondent (e.g. quiz answers correct).

    ``score_h = sum_j x_hj``; a respondent with any missing answer gets a missing score (no
    imputation; the quiz and attainment items are complete by the codebook's missing rule).
    """
    survey = _check_survey(survey)
    columns = list(columns)
    if not columns:
        raise ValueError("columns: is empty")
    _require(survey, columns)
    block = survey[columns].astype("float64")
    bad = block.notna() & ~block.isin([0.0, 1.0])
    if bad.to_numpy().any():
        i, j = np.argwhere(bad.to_numpy())[0]
        raise ValueError(
            f"survey: column {columns[j]!r}, row {_plain(block.index[i])!r}: value "
            f"{block.iat[i, j]:g} is not 0/1"
        )
    out = block.sum(axis=1).where(block.notna().all(axis=1))
    return out.rename(name)


def group_difference_table(
    data: pd.DataFrame,
    values: Sequence[str],
    groups: Sequence[str],
    method: str = "auto",
    min_group_size: int = 2,
) -> pd.DataFrame:
    """Tests of differences across groups for several outcomes and grouping variables.

    Each cell (outcome, grouping) is :func:`utils.methods.attribution.group_differences` (one-way ANOVA
    with eta^2 or Kruskal-Wallis with epsilon^2, ``"auto"`` choosing by Shapiro-Wilk and
    Brown-Forsythe checks) on the rows where the outcome is observed. Groups with fewer than
    ``min_group_size`` observed rows are dropped first (named in ``dropped``), so that a small
    category (e.g. tertiary education in a small sample) does not stop the table.

    Returns
    -------
    DataFrame
        One row per (``outcome``, ``grouping``): ``test``, ``statistic``, ``df``, ``p_value``,
        ``effect_size``, ``effect``, ``groups``, ``n``, ``highest`` / ``lowest`` (group with the
        highest / lowest mean), ``dropped``.
    """
    from utils.methods.attribution import group_differences

    data = _check_survey(data, "data")
    values, groups = list(values), list(groups)
    if not values or not groups:
        raise ValueError("values/groups: give at least one outcome and one grouping column")
    _require(data, values + groups, "data")
    if isinstance(min_group_size, bool) or not isinstance(min_group_size, (int, np.integer)):
        raise ValueError(f"min_group_size: must be an integer, got {min_group_size!r}")
    if min_group_size < 2:
        raise ValueError(f"min_group_size: must be at least 2, got {min_group_size}")
    rows = []
    for v in values:
        for g in groups:
            df = pd.DataFrame(
                {"y": pd.to_numeric(data[v], errors="coerce"), "g": data[g].astype(str)}
            )
            df = df[df["y"].notna() & data[g].notna()]
            sizes = df["g"].value_counts()
            dropped = sorted(sizes.index[sizes < min_group_size].tolist())
            df = df[~df["g"].isin(dropped)]
            res = group_differences(df.reset_index(drop=True), "y", "g", method=method)
            means = res.table["mean"]
            rows.append(
                {
                    "outcome": v,
                    "grouping": g,
                    "test": res.test,
                    "statistic": res.statistic,
                    "df": ", ".join(str(int(x)) for x in res.dof),
                    "p_value": res.p_value,
                    "effect_size": res.effect_size,
                    "effect": res.effect_name,
                    "groups": len(res.table),
                    "n": int(res.table["n"].sum()),
                    "highest": str(means.idxmax()),
                    "lowest": str(means.idxmin()),
                    "dropped": ", ".join(dropped),
                }
            )
    return pd.DataFrame(rows)


# ----------------------------------------------------------------------------------------------
# chapter-level summaries (what the survey chapter's cells glue)
# ----------------------------------------------------------------------------------------------
def short_labels(codebook: pd.DataFrame, columns: Sequence[str], drop: str = "") -> dict[str, str]:
    """Codebook labels without their ``"<group>: "`` prefix (and without ``drop``), for tables.

    ``"Two no-worries: food attained"`` -> ``"food"`` with ``drop=" attained"``: the text after
    the first ``": "`` of :func:`column_labels`, with every occurrence of ``drop`` removed.
    """
    if not isinstance(drop, str):
        raise ValueError(f"drop: expected a string, got {type(drop).__name__}")
    out = {}
    for c, lab in column_labels(codebook, columns).items():
        text = str(lab).split(": ", 1)[-1]
        out[c] = text.replace(drop, "") if drop else text
    return out


@dataclass(frozen=True)
class DimensionSummary:
    """Mean scores and agreement by dimension (:func:`dimension_summary`).

    Attributes
    ----------
    table : DataFrame
        Index ``code`` (dimension codes); ``dimension`` (label), ``mean score (1-5)``,
        ``mean score (0-100)``, ``sd (0-100)``, ``agree or strongly agree (%)``.
    weakest, strongest : str
        Codes of the dimensions with the lowest / highest mean on the 0-100 scale (first on ties).
    below_midpoint : tuple of str
        Codes of the dimensions whose 0-100 mean is below ``midpoint``, in dimension order.
    """

    table: pd.DataFrame
    weakest: str
    strongest: str
    below_midpoint: tuple[str, ...]


def dimension_summary(
    survey: pd.DataFrame,
    codebook: pd.DataFrame | None = None,
    min_items: int | None = None,
    dimensions: Sequence[str] | None = None,
    agree_from: int = 4,
    midpoint: float = 50.0,
) -> DimensionSummary:
    """Summarise every dimension: mean score, its spread and the share of agreeing answers.

    With the household scores ``score_hd`` of :func:`dimension_scores` (half-scale rule by
    default, ``min_items``) and the answered items ``y_hi`` of dimension ``d``:

    - ``mean score (1-5)`` = mean over households of ``score_hd`` (missing scores left out);
    - ``mean score (0-100)`` and ``sd (0-100)`` = mean and sample standard deviation (``ddof=1``)
      of ``100 (score_hd - 1) / 4``;
    - ``agree or strongly agree (%)`` = ``100 * #{y_hi >= agree_from} / #{y_hi answered}`` over
      all households and items of ``d`` (default ``agree_from = 4``: "agree" or "strongly
      agree"), the "top-two-box" share of Likert reporting (Heiberger & Robbins 2014).

    Hand-written: a few pandas reductions, no library computes this table.

    Parameters
    ----------
    survey, codebook, min_items, dimensions
        As in :func:`dimension_scores`.
    agree_from : int
        Lowest answer (1..5) counted as agreement; default 4.
    midpoint : float
        Neutral point on the 0-100 scale for ``below_midpoint``; default 50 (answer 3).

    Returns
    -------
    DimensionSummary

    Raises
    ------
    ValueError
        As :func:`dimension_scores`; ``agree_from`` not an integer in 1..5.

    References
    ----------
    Heiberger, R. M., & Robbins, N. B. (2014). Design of diverging stacked bar charts for
    Likert scales and other applications. *Journal of Statistical Software*, 57(5), 1-32.
    """
    if isinstance(agree_from, bool) or not isinstance(agree_from, (int, np.integer)):
        raise ValueError(f"agree_from: expected an integer answer 1..5, got {agree_from!r}")
    if agree_from not in LIKERT_LEVELS:
        raise ValueError(f"agree_from: {agree_from} is not a Likert answer {list(LIKERT_LEVELS)}")
    kw = {"min_items": min_items, "dimensions": dimensions}
    scores = dimension_scores(survey, codebook, **kw)
    scores100 = dimension_scores(survey, codebook, scale="0-100", **kw)
    items = scores.attrs["items"]
    dims = list(scores.columns)
    agree = []
    for d in dims:
        block = survey[items[d]].astype(float)
        agree.append(float((block >= agree_from).sum().sum() / block.notna().sum().sum() * 100))
    table = pd.DataFrame(
        {
            "dimension": [DIMENSIONS.get(d, d) for d in dims],
            "mean score (1-5)": scores.mean().to_numpy(),
            "mean score (0-100)": scores100.mean().to_numpy(),
            "sd (0-100)": scores100.std().to_numpy(),
            "agree or strongly agree (%)": agree,
        },
        index=pd.Index(dims, name="code"),
    )
    means = table["mean score (0-100)"]
    return DimensionSummary(
        table=table,
        weakest=str(means.idxmin()),
        strongest=str(means.idxmax()),
        below_midpoint=tuple(d for d in dims if means[d] < midpoint),
    )


_RATE_COLUMNS = {"rate": "rate (%)", "ci_low": "CI low (%)", "ci_high": "CI high (%)"}


@dataclass(frozen=True)
class AttainmentSummary:
    """Attainment rates of 0/1 requirements, overall, jointly and by group (:func:`attainment_summary`).

    Attributes
    ----------
    overall, by_group : DataFrame
        Long :func:`proportion_table` outputs (all households; per group of ``by``).
    joint : Series
        The row of :func:`proportion_table` for "attains every requirement" (``n``,
        ``successes``, ``rate``, ``ci_low``, ``ci_high``).
    lowest : Series
        The row of ``overall`` with the lowest rate (first on ties).
    wide : DataFrame
        Rates (0-1), index ``Requirement`` (labels, in column order), columns ``Registration
        status``-style group names (column index named ``group_name``).
    gap : Series
        ``100 (rate_a - rate_b)`` per requirement, percentage points, for ``contrast = (a, b)``;
        empty when no contrast was given or a group is absent.
    table : DataFrame
        Display table: index ``requirement``; columns (group, ``rate (%)`` / ``CI low (%)`` /
        ``CI high (%)``) with ``All`` first and the groups sorted.
    """

    overall: pd.DataFrame
    by_group: pd.DataFrame
    joint: pd.Series
    lowest: pd.Series
    wide: pd.DataFrame
    gap: pd.Series
    table: pd.DataFrame

    @property
    def gap_max(self) -> float:
        """Largest absolute gap (percentage points); 0 when there is no gap."""
        return float(self.gap.abs().max()) if len(self.gap) else 0.0

    @property
    def n_at_least(self) -> int:
        """Number of requirements on which group ``a`` attains at least as often as ``b``."""
        return int((self.gap >= 0).sum())


def attainment_summary(
    survey: pd.DataFrame,
    columns: Sequence[str],
    by: str,
    level: float = 0.95,
    labels: Mapping[str, str] | None = None,
    contrast: tuple[str, str] | None = None,
    group_name: str = "group",
) -> AttainmentSummary:
    """Attainment rates with Wilson intervals: each requirement, all of them jointly, by group.

    For requirement ``j`` the rate is ``x_j / n_j`` (households attaining / answering) with the
    Wilson (1927) interval (:func:`proportion_table`, statsmodels). The *joint* rate counts a
    household as attaining when its :func:`count_score` equals the number of requirements
    (a household with a missing answer does not attain jointly). The gap of ``contrast = (a,
    b)`` is ``100 (p_aj - p_bj)`` percentage points.

    Parameters
    ----------
    survey : DataFrame
        One row per household with the 0/1 ``columns`` and the group column ``by``.
    columns : sequence of str
        The requirement columns (0/1), e.g. ``group_columns(codebook, "two_three")``.
    by : str
        Column of ``survey`` with the groups (no missing values).
    level : float
        Confidence level of the Wilson intervals; default 0.95.
    labels : mapping, optional
        Column -> display label (default: the column names).
    contrast : (str, str), optional
        Two group names whose rates are differenced; default none.
    group_name : str
        Name of the group axis of ``wide``; default ``"group"``.

    Returns
    -------
    AttainmentSummary

    Raises
    ------
    ValueError
        As :func:`proportion_table` and :func:`count_score`; ``contrast`` not a pair of strings.

    References
    ----------
    Wilson, E. B. (1927). Probable inference, the law of succession, and statistical inference.
    *Journal of the American Statistical Association*, 22(158), 209-212.
    """
    columns = list(columns)
    if contrast is not None and (
        not isinstance(contrast, (tuple, list))
        or len(contrast) != 2
        or not all(isinstance(g, str) for g in contrast)
    ):
        raise ValueError(f"contrast: expected a pair of group names (a, b), got {contrast!r}")
    overall = proportion_table(survey, columns, level=level, labels=labels)
    by_group = proportion_table(survey, columns, by=by, level=level, labels=labels)
    all_met = count_score(survey, columns).eq(len(columns)).astype(float).to_frame("all")
    joint = proportion_table(all_met, ["all"], level=level).iloc[0]
    lowest = overall.loc[overall["rate"].idxmin()]
    order = [(labels or {}).get(c, c) for c in columns]
    wide = by_group.pivot(index="label", columns="group", values="rate").reindex(order)
    wide.index.name = "Requirement"
    wide.columns.name = group_name
    if contrast is not None and set(contrast) <= set(wide.columns):
        gap = (wide[contrast[0]] - wide[contrast[1]]) * 100
    else:
        gap = pd.Series(dtype=float)
    groups = ["All", *sorted(by_group["group"].unique())]
    long = pd.concat([overall.assign(group="All"), by_group])
    for src, dst in _RATE_COLUMNS.items():
        long[dst] = 100 * long[src]
    table = (
        long.pivot(index="label", columns="group", values=list(_RATE_COLUMNS.values()))
        .swaplevel(axis=1)
        .reindex(columns=pd.MultiIndex.from_product([groups, list(_RATE_COLUMNS.values())]))
        .rename_axis(index="requirement")
    )
    return AttainmentSummary(
        overall=overall,
        by_group=by_group,
        joint=joint,
        lowest=lowest,
        wide=wide,
        gap=gap,
        table=table,
    )


@dataclass(frozen=True)
class QuizSummary:
    """Policy-quiz results (:func:`quiz_summary`).

    Attributes
    ----------
    score : Series
        Correct answers per respondent (:func:`count_score`).
    rates : DataFrame
        Long :func:`proportion_table` of the questions (share correct with Wilson intervals).
    n_questions : int
    mean : float
        Mean score.
    all_correct_pct : float
        ``100 x`` share of respondents answering every question correctly.
    hardest : Series
        The row of ``rates`` with the lowest share correct (first on ties).
    by_group : Series
        Mean score per (observed) group level in the group's order; ``_`` in names -> spaces.
    distribution : DataFrame
        Row shares of the score within each group level (levels with respondents only);
        index ``Education``-style ``group_name``, columns ``Correct answers``.
    rho : float
        Spearman correlation of the group's category codes (its order) with the score.
    table : DataFrame
        Display table: index = question label; ``n``, ``correct (%)``, ``CI low (%)``,
        ``CI high (%)``.
    """

    score: pd.Series
    rates: pd.DataFrame
    n_questions: int
    mean: float
    all_correct_pct: float
    hardest: pd.Series
    by_group: pd.Series
    distribution: pd.DataFrame
    rho: float
    table: pd.DataFrame


def quiz_summary(
    survey: pd.DataFrame,
    columns: Sequence[str],
    group: pd.Series,
    level: float = 0.95,
    labels: Mapping[str, str] | None = None,
    group_name: str = "Education",
) -> QuizSummary:
    """Score a 0/1 quiz and relate the score to an ordered grouping (e.g. education).

    ``score_h = sum_j x_hj`` (:func:`count_score`); per question the share correct with a
    Wilson (1927) interval (:func:`proportion_table`); per level ``g`` of the ordered group the
    mean score and the row distribution ``P(score = s | g)`` (``pandas.crosstab`` with
    ``normalize="index"``); Spearman's (1904) rank correlation of the level's position with the
    score (pandas ``Series.corr(method="spearman")``, ties averaged).

    Parameters
    ----------
    survey : DataFrame
        One row per respondent with the 0/1 question ``columns``.
    columns : sequence of str
        The quiz questions.
    group : Series
        Ordered categorical on the survey's index (e.g. education level).
    level : float
        Confidence level of the Wilson intervals; default 0.95.
    labels : mapping, optional
        Column -> question label for the tables.
    group_name : str
        Name of the distribution's row axis; default ``"Education"``.

    Returns
    -------
    QuizSummary

    Raises
    ------
    ValueError
        As :func:`count_score` / :func:`proportion_table`; ``group`` not an ordered
        categorical Series on the survey's index.

    References
    ----------
    Spearman, C. (1904). The proof and measurement of association between two things.
    *American Journal of Psychology*, 15(1), 72-101.
    Wilson, E. B. (1927). Probable inference, the law of succession, and statistical inference.
    *Journal of the American Statistical Association*, 22(158), 209-212.
    """
    survey = _check_survey(survey)
    if not isinstance(group, pd.Series) or not isinstance(group.dtype, pd.CategoricalDtype):
        raise ValueError("group: expected an ordered categorical pandas Series")
    if not group.cat.ordered:
        raise ValueError("group: the categorical must be ordered (its order is the ranking)")
    if not group.index.equals(survey.index):
        raise ValueError("group: its index must be the survey's index")
    columns = list(columns)
    score = count_score(survey, columns, name="quiz score")
    rates = proportion_table(survey, columns, level=level, labels=labels)
    by_group = score.groupby(group, observed=True).mean()
    by_group.index = by_group.index.astype(str).str.replace("_", " ")
    dist = pd.crosstab(group, score.astype("Int64"), normalize="index")
    dist = dist.loc[dist.sum(axis=1) > 0]
    dist.index = dist.index.astype(str).str.replace("_", " ")
    dist.index.name, dist.columns.name = group_name, "Correct answers"
    rho = float(pd.Series(group.cat.codes, index=survey.index).corr(score, method="spearman"))
    table = (
        rates[["label", "n", "rate", "ci_low", "ci_high"]]
        .set_index("label")
        .mul([1, 100, 100, 100])
        .rename(columns={"rate": "correct (%)", "ci_low": "CI low (%)", "ci_high": "CI high (%)"})
    )
    return QuizSummary(
        score=score,
        rates=rates,
        n_questions=len(columns),
        mean=float(score.mean()),
        all_correct_pct=float((score == len(columns)).mean() * 100),
        hardest=rates.loc[rates["rate"].idxmin()],
        by_group=by_group,
        distribution=dist,
        rho=rho,
        table=table,
    )


@dataclass(frozen=True)
class DifferenceOverview:
    """Group differences of several outcomes, summarised (:func:`group_difference_overview`).

    Attributes
    ----------
    table : DataFrame
        :func:`group_difference_table` (one row per outcome x grouping).
    effects : DataFrame
        Effect sizes, index ``Outcome`` (outcomes in order), columns ``Grouping``.
    top : Series
        The row of ``table`` with the largest effect size.
    mean_effect : Series
        Mean effect size per grouping over the ``focus_outcomes``.
    focus_n_significant : int
        Focus outcomes on which the ``focus`` grouping differs with ``p < alpha``.
    focus_max_effect : float
        Largest effect size of the ``focus`` grouping over the focus outcomes (NaN if none).
    """

    table: pd.DataFrame
    effects: pd.DataFrame
    top: pd.Series
    mean_effect: pd.Series
    focus_n_significant: int
    focus_max_effect: float


def group_difference_overview(
    data: pd.DataFrame,
    outcomes: Sequence[str],
    groupings: Sequence[str],
    focus: str,
    focus_outcomes: Sequence[str] | None = None,
    alpha: float = 0.05,
    method: str = "auto",
    min_group_size: int = 2,
) -> DifferenceOverview:
    """Run :func:`group_difference_table` and summarise it for the text.

    ``mean_effect_g = mean_{o in O} ES(o, g)`` over the focus outcomes ``O`` (default all
    outcomes); the focus grouping's count of ``p(o, focus) < alpha`` and its largest
    ``ES(o, focus)`` over ``O``. Effect sizes are eta^2 (ANOVA) or epsilon^2 (Kruskal-Wallis),
    see :func:`utils.methods.attribution.group_differences` (Tomczak & Tomczak 2014).

    Parameters
    ----------
    data : DataFrame
        Outcome and grouping columns.
    outcomes, groupings : sequence of str
        Outcome columns (rows of ``effects``, in this order) and grouping columns.
    focus : str
        The grouping singled out (e.g. ``"registration status"``); must be in ``groupings``.
    focus_outcomes : sequence of str, optional
        Subset of ``outcomes`` for ``mean_effect`` and the focus counts; default all.
    alpha : float
        Significance level; default 0.05.
    method, min_group_size
        As in :func:`group_difference_table`.

    Returns
    -------
    DifferenceOverview

    Raises
    ------
    ValueError
        As :func:`group_difference_table`; ``focus`` not a grouping; a focus outcome not an
        outcome; ``alpha`` not in (0, 1).

    References
    ----------
    Tomczak, M., & Tomczak, E. (2014). The need to report effect size estimates revisited.
    *Trends in Sport Sciences*, 21(1), 19-25.
    """
    outcomes, groupings = list(outcomes), list(groupings)
    if focus not in groupings:
        raise ValueError(f"focus: {focus!r} is not one of the groupings {groupings}")
    chosen = outcomes if focus_outcomes is None else list(focus_outcomes)
    unknown = [o for o in chosen if o not in outcomes]
    if unknown:
        raise ValueError(f"focus_outcomes: {unknown} are not among the outcomes {outcomes}")
    check_fraction(alpha, "alpha")
    diffs = group_difference_table(
        data, outcomes, groupings, method=method, min_group_size=min_group_size
    )
    effects = diffs.pivot(index="outcome", columns="grouping", values="effect_size").reindex(
        index=outcomes, columns=groupings
    )
    effects.index.name, effects.columns.name = "Outcome", "Grouping"
    rows = diffs[diffs["outcome"].isin(chosen)]
    focus_rows = rows[rows["grouping"] == focus]
    return DifferenceOverview(
        table=diffs,
        effects=effects,
        top=diffs.loc[diffs["effect_size"].idxmax()],
        mean_effect=rows.groupby("grouping")["effect_size"].mean(),
        focus_n_significant=int((focus_rows["p_value"] < alpha).sum()),
        focus_max_effect=float(focus_rows["effect_size"].max()),
    )
