"""Performance scoring of chapter 4: the steps that are specific to M County's study design.

The chapter scores M County's precision poverty alleviation (SIMULATED data, see
``data/README.md``) with a two-level fuzzy comprehensive evaluation (indicator -> criterion ->
goal), compares townships by TOPSIS and grey relational analysis, and measures the efficiency of
poverty funds by DEA. The methods are in :mod:`utils.methods` and the chapter calls them in its
cells; this module only turns the study's tables into their inputs:

- :func:`township_grades`, :func:`household_grades`: one household x indicator table of grades
  1..K (Likert answers for survey indicators, the household's township grade for township
  statistics), the input of the fuzzy memberships;
- :func:`hierarchy_weights`, :func:`restrict_to_sources`: the two-level weights from global
  indicator weights, and the survey-only variant of the evaluation;
- :func:`performance_scores`: the two-level evaluation of the study's indicator table (chapter 5
  reuses the scores);
- :func:`fce_statistic`, :func:`dimension_verdicts`: the evaluation as a statistic of the
  household weights (for replicate-weight intervals from the survey design), and the verdict
  rule that judges each dimension against an absolute standard and against the others;
- :func:`fund_efficiency_data`, :func:`annual_efficiency_data`: the DEA inputs/outputs (volumes)
  built from the township panel, over the period and year by year (chapter 4b);
- the figures of chapters 4 and 4b are chart types of :mod:`utils.plots`
  (``verdict_figure``, ``efficiency_figure``, ``scatter_panels``, ``interval_figure``).

Scores are on the book's one 0-100 scale: answer ``a`` of five scores ``25 (a - 1)``
(:func:`utils.methods.scoring.grade_points`), the neutral answer 50.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from numbers import Integral

import numpy as np
import pandas as pd
from scipy import stats

from utils.methods import scoring
from utils.methods._validation import as_float_matrix, check_benefit
from utils.methods.resampling import simultaneous_intervals

__all__ = [
    "GRADE_NAMES",
    "FCE_SOURCES",
    "township_grades",
    "household_grades",
    "HierarchyWeights",
    "hierarchy_weights",
    "restrict_to_sources",
    "performance_scores",
    "fce_statistic",
    "dimension_verdicts",
    "fund_efficiency_data",
    "annual_efficiency_data",
]

#: Names of the five evaluation grades, lowest first (grade k <-> Likert answer k).
GRADE_NAMES: dict[int, str] = {1: "very poor", 2: "poor", 3: "fair", 4: "good", 5: "excellent"}

_INDICATOR_COLUMNS = ("id", "level", "criterion", "direction", "source", "source_column")


def _example_tables() -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """A toy survey, township panel and indicator table for the docstring examples.

    Criterion A: survey items A1, A2 and township statistic A3 (benefit); criterion B: survey
    item B1 and township statistic B2 (cost). Five townships, 2019-2020; four households.
    """
    cols = ["id", "level", "criterion", "direction", "source", "source_column"]
    table = pd.DataFrame(
        [("A", "criterion", "A", "", "", ""), ("A1", "indicator", "A", "benefit", "survey", "a1"),
         ("A2", "indicator", "A", "benefit", "survey", "a2"),
         ("A3", "indicator", "A", "benefit", "township", "stat"),
         ("B", "criterion", "B", "", "", ""), ("B1", "indicator", "B", "benefit", "survey", "b1"),
         ("B2", "indicator", "B", "cost", "township", "bad")], columns=cols,
    )  # fmt: skip
    towns = ["T1", "T2", "T3", "T4", "T5"]
    panel = pd.DataFrame(
        [{"township": t, "year": y, "stat": 10.0 * k + y - 2019, "bad": 6.0 - k,
          "funds_10k_yuan": 10.0 + k, "stationed_cadres": 2,
          "registered_poor": 100 - 10 * k * (y - 2019), "rural_income_yuan": 1000 + 100 * k * (y - 2019),
          "rural_population": 1000}
         for y in (2019, 2020) for k, t in enumerate(towns, start=1)]
    )  # fmt: skip
    survey = pd.DataFrame(
        {"township": ["T1", "T1", "T5", "T5"], "a1": [1, 2, 5, np.nan], "a2": [3, 3, 3, 3],
         "b1": [4, 4, 5, 5]}
    )  # fmt: skip
    return survey, panel, table


# --------------------------------------------------------------------------------------------
# Input helpers
# --------------------------------------------------------------------------------------------
def _indicator_rows(indicators: pd.DataFrame) -> pd.DataFrame:
    """The ``level == 'indicator'`` rows of the indicator table, indexed by id (validated)."""
    if not isinstance(indicators, pd.DataFrame):
        raise ValueError(
            "indicators: expected the indicator table (utils.study.data.load_indicators)"
        )
    missing = [c for c in _INDICATOR_COLUMNS if c not in indicators.columns]
    if missing:
        raise ValueError(f"indicators: missing columns {missing}")
    rows = indicators[indicators["level"].astype(str) == "indicator"]
    if rows.empty:
        raise ValueError("indicators: has no rows with level 'indicator'")
    rows = rows.set_index(rows["id"].astype(str), drop=False)
    if rows.index.has_duplicates:
        raise ValueError(
            f"indicators: duplicated ids {sorted(set(rows.index[rows.index.duplicated()]))}"
        )
    bad = rows.loc[~rows["direction"].astype(str).isin(["benefit", "cost"]), "direction"]
    if not bad.empty:
        raise ValueError(
            f"indicators: indicator {bad.index[0]!r} has direction {bad.iloc[0]!r}; "
            "must be 'benefit' or 'cost'"
        )
    bad = rows.loc[~rows["source"].astype(str).isin(["survey", "township"]), "source"]
    if not bad.empty:
        raise ValueError(
            f"indicators: indicator {bad.index[0]!r} has source {bad.iloc[0]!r}; "
            "must be 'survey' or 'township'"
        )
    return rows


def _check_levels(n_grades: int) -> list[int]:
    if isinstance(n_grades, bool) or not isinstance(n_grades, Integral) or n_grades < 2:
        raise ValueError(f"n_grades: must be an integer >= 2, got {n_grades!r}")
    return list(range(1, int(n_grades) + 1))


def _panel_year(panel: pd.DataFrame, year: int | None) -> tuple[pd.DataFrame, int]:
    """Rows of one year of the township panel, indexed by township (latest year if None)."""
    if not isinstance(panel, pd.DataFrame):
        raise ValueError(
            "panel: expected the township panel (utils.study.data.load_township_panel)"
        )
    for c in ("township", "year"):
        if c not in panel.columns:
            raise ValueError(f"panel: missing column {c!r}")
    years = sorted(int(y) for y in pd.unique(panel["year"].dropna()))
    if not years:
        raise ValueError("panel: has no years")
    if year is None:
        year = years[-1]
    if year not in years:
        raise ValueError(f"year: {year!r} is not in the panel's years {years}")
    rows = panel[panel["year"] == year]
    rows = rows.set_index(rows["township"].astype(str))
    if rows.index.has_duplicates:
        raise ValueError(
            f"panel: township {rows.index[rows.index.duplicated()][0]!r} appears twice in {year}"
        )
    return rows, int(year)


# --------------------------------------------------------------------------------------------
# Memberships
# --------------------------------------------------------------------------------------------
def township_grades(X: pd.DataFrame, benefit=None, n_grades: int = 5) -> pd.DataFrame:
    """Grade every township's statistic 1..K by its place in the county-wide distribution.

    For column j (n townships) let r_tj be the township's mid-rank, in the direction of the
    indicator (ascending for benefit, descending for cost; ties get the average rank), and

        p_tj = (r_tj - 1/2) / n                       (Hazen plotting position, in (0, 1))
        g_tj = min(K, floor(K p_tj) + 1)             (grade 1 = worst .. K = best)

    so that, without ties, each grade holds a K-th of the townships (quintiles for K = 5:
    with 25 townships, 5 per grade). A constant column (no township better than another) gives
    every township the middle position p = 1/2, i.e. the middle grade for odd K: a relative
    grading carries no information there, and the neutral grade says so.

    Why hand-written: a relative (percentile) grading of census statistics onto the Likert
    grades is a modelling choice of this book, not a library method. It measures each
    township's *standing within the county*, not absolute attainment; the chapter says so.

    Parameters
    ----------
    X : DataFrame
        Townships (index) x statistics (columns), finite numbers.
    benefit : sequence, optional
        Direction per column (True/1/"benefit" = larger is better); default all benefit.
    n_grades : int, default 5
        Number of grades K.

    Returns
    -------
    DataFrame of int
        Same labels as X, grades 1..K.

    References
    ----------
    Hazen, A. (1914). Storage to be provided in impounding reservoirs for municipal water
    supply. *Transactions of the American Society of Civil Engineers*, 77
    (plotting position (r - 1/2)/n).
    Hyndman, R. J. & Fan, Y. (1996). Sample quantiles in statistical packages. *The American
    Statistician*, 50(4), 361-365 (definition 5).

    Examples
    --------
    >>> township_grades(pd.DataFrame({"x": [3.0, 1.0, 2.0, 5.0, 4.0]})).T
       0  1  2  3  4
    x  3  1  2  5  4
    """
    if not isinstance(X, pd.DataFrame):
        raise ValueError("X: expected a DataFrame (townships x statistics)")
    V, rows, cols = as_float_matrix(X, "X")
    b = check_benefit(benefit, V.shape[1])
    K = len(_check_levels(n_grades))
    n = V.shape[0]
    oriented = np.where(b, V, -V)
    ranks = stats.rankdata(oriented, method="average", axis=0)
    p = (ranks - 0.5) / n
    g = np.minimum(K, np.floor(K * p + 1e-12).astype(int) + 1)
    return pd.DataFrame(g, index=rows, columns=cols)


def household_grades(
    survey: pd.DataFrame,
    panel: pd.DataFrame,
    indicators: pd.DataFrame,
    year: int | None = None,
    n_grades: int = 5,
) -> pd.DataFrame:
    """Household x indicator table of grades 1..K, the input of the fuzzy evaluation.

    - survey indicator i (``source == 'survey'``): household h's Likert answer
      ``y_h,source_column`` (1..K, missing stays missing);
    - township indicator i (``source == 'township'``): the grade of h's township on the
      statistic ``source_column`` in ``year`` (:func:`township_grades` over *all* townships of
      the panel, in the indicator's direction).

    The fuzzy membership of indicator i in grade k is then the share of households at grade k,
    ``r_ik = #{h: g_hi = k} / #{h: g_hi observed}`` (:func:`utils.methods.scoring.likert_membership`):
    a Likert item's usual answer shares, and for a township statistic the household-weighted
    share of sampled townships in each county-wide grade.

    Parameters
    ----------
    survey : DataFrame
        Household survey (``utils.study.data.load_survey``) with a ``township`` column and the survey
        indicators' source columns.
    panel : DataFrame
        Township panel (``utils.study.data.load_township_panel``).
    indicators : DataFrame
        Indicator table (``utils.study.data.load_indicators``); columns id, level, criterion,
        direction, source, source_column.
    year : int, optional
        Panel year for township indicators; default the latest.
    n_grades : int, default 5

    Returns
    -------
    DataFrame
        Index = survey index, columns = indicator ids (table order), float grades or NaN;
        ``attrs["year"]`` = the panel year used.

    Examples
    --------
    >>> survey, panel, table = _example_tables()
    >>> household_grades(survey, panel, table)
    indicator   A1   A2   A3   B1   B2
    0          1.0  3.0  1.0  4.0  1.0
    1          2.0  3.0  1.0  4.0  1.0
    2          5.0  3.0  5.0  5.0  5.0
    3          NaN  3.0  5.0  5.0  5.0
    """
    ind = _indicator_rows(indicators)
    _check_levels(n_grades)
    if not isinstance(survey, pd.DataFrame):
        raise ValueError("survey: expected the household survey DataFrame")
    if "township" not in survey.columns:
        raise ValueError("survey: missing column 'township'")
    rows, year = _panel_year(panel, year)
    town_ind = ind[ind["source"] == "township"]
    for i, col in town_ind["source_column"].items():
        if col not in rows.columns:
            raise ValueError(f"panel: column {col!r} of indicator {i!r} is missing")
    hh_town = survey["township"].astype(str)
    unknown = sorted(set(hh_town) - set(rows.index))
    if unknown and not town_ind.empty:
        raise ValueError(f"survey: township {unknown[0]!r} has no row in the panel for {year}")
    out = {}
    if not town_ind.empty:
        X = rows[list(town_ind["source_column"])].astype(float)
        X.columns = list(town_ind.index)
        grades = township_grades(X, list(town_ind["direction"]), n_grades)
    for i, r in ind.iterrows():
        if r["source"] == "survey":
            col = r["source_column"]
            if col not in survey.columns:
                raise ValueError(f"survey: column {col!r} of indicator {i!r} is missing")
            out[i] = pd.to_numeric(survey[col], errors="coerce").astype(float).to_numpy()
        else:
            out[i] = grades[i].reindex(hh_town).to_numpy(dtype=float)
    frame = pd.DataFrame(out, index=survey.index)
    frame.columns.name = "indicator"
    frame.attrs["year"] = year
    return frame


# --------------------------------------------------------------------------------------------
# Two-level fuzzy comprehensive evaluation
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class HierarchyWeights:
    """Weights of the two-level hierarchy, from global indicator weights.

    Attributes
    ----------
    criteria : pd.Series
        Criterion weights ``W_c = sum_{i in c} w_i`` (sum to 1).
    local : dict {criterion: pd.Series}
        Indicator weights within each criterion ``w_i / W_c`` (each sums to 1).
    global_ : pd.Series
        The global indicator weights, rescaled to sum to 1.
    """

    criteria: pd.Series
    local: dict
    global_: pd.Series


def hierarchy_weights(weights: pd.Series, indicators: pd.DataFrame) -> HierarchyWeights:
    """Split global indicator weights into criterion weights and local weights.

        W_c = sum_{i in c} w_i,     w_i|c = w_i / W_c,     so  w_i = W_c w_i|c.

    This is the usual AHP composition read backwards (Saaty 1980, ch. 2): any global weight
    vector over the indicators (AHP, entropy, CRITIC or combined) defines the two levels that
    the hierarchical fuzzy evaluation needs.

    Parameters
    ----------
    weights : pd.Series
        Non-negative global weights indexed by indicator id (exactly the table's indicators;
        rescaled to sum to 1).
    indicators : DataFrame
        Indicator table (the ``criterion`` column groups indicators).

    Returns
    -------
    HierarchyWeights

    Raises
    ------
    ValueError
        Not a Series, ids that differ from the table's, negative/non-finite weights, a zero
        total, or a criterion whose indicators all have weight 0.

    References
    ----------
    Saaty, T. L. (1980). *The Analytic Hierarchy Process*. McGraw-Hill, New York.

    Examples
    --------
    >>> _, _, table = _example_tables()
    >>> hw = hierarchy_weights(pd.Series(0.2, index=["A1", "A2", "A3", "B1", "B2"]), table)
    >>> hw.criteria.round(2).to_dict(), hw.local["B"].round(2).to_dict()
    ({'A': 0.6, 'B': 0.4}, {'B1': 0.5, 'B2': 0.5})
    """
    ind = _indicator_rows(indicators)
    if not isinstance(weights, pd.Series):
        raise ValueError("weights: expected a pandas Series indexed by indicator id")
    w = weights.copy()
    w.index = w.index.astype(str)
    if w.index.has_duplicates or set(w.index) != set(ind.index):
        extra = sorted(set(w.index) - set(ind.index))
        lack = sorted(set(ind.index) - set(w.index))
        raise ValueError(
            f"weights: ids must be exactly the indicators; unknown {extra}, missing {lack}"
        )
    w = pd.to_numeric(w.reindex(ind.index), errors="coerce").astype(float)
    if not np.all(np.isfinite(w)):
        raise ValueError(
            f"weights: indicator {w.index[~np.isfinite(w)][0]!r} is not a finite number"
        )
    if (w < 0).any():
        raise ValueError(
            f"weights: indicator {w.index[w < 0][0]!r} has negative weight {w[w < 0].iloc[0]:g}"
        )
    if w.sum() <= 0:
        raise ValueError("weights: sum to 0; at least one indicator needs a positive weight")
    w = (w / w.sum()).rename("global_weight")
    crit_of = ind["criterion"].astype(str)
    criteria = list(dict.fromkeys(crit_of))
    W = w.groupby(crit_of, sort=False).sum().reindex(criteria).rename("criterion_weight")
    zero = W.index[W <= 0]
    if len(zero):
        raise ValueError(f"weights: all indicators of criterion {zero[0]!r} have weight 0")
    local = {c: (w[crit_of == c] / W[c]).rename("local_weight") for c in criteria}
    W.index.name = "criterion"
    return HierarchyWeights(criteria=W, local=local, global_=w)


FCE_SOURCES = {"survey": ("survey",), "all": ("survey", "township")}


def restrict_to_sources(
    grades: pd.DataFrame,
    weights: pd.Series,
    indicators: pd.DataFrame,
    sources: str | Sequence[str] = "survey",
) -> tuple[pd.DataFrame, pd.Series, pd.DataFrame]:
    """Keep only the indicators of some sources, keeping every criterion's weight.

        w'_i = W_c * w_i / sum_{j in c, source(j) in S} w_j      for i in c with source(i) in S

    so the criterion weights ``W_c`` (and hence the goal-level composition) are those of the full
    indicator system, and within a criterion the kept indicators share its weight in proportion
    to their own weights.

    Why: the fuzzy evaluation grades *experienced* performance. Survey items carry their own
    grade (the household's answer on the five-point scale). A township statistic has no absolute
    grading standard; graded against the county's own distribution (:func:`township_grades`),
    it lands in the middle grades by construction and pulls every dimension towards the middle.
    Township statistics are therefore judged by the township comparison (TOPSIS, grey relational
    analysis) and DEA, and the evaluation uses ``sources="survey"`` by default; ``"all"`` keeps
    every indicator.

    Parameters
    ----------
    grades : DataFrame
        Household x indicator grades (:func:`household_grades`).
    weights : pd.Series
        Global indicator weights for the full indicator system.
    indicators : DataFrame
        Indicator table (``utils.study.data.load_indicators``).
    sources : {"survey", "all"} or sequence of source names
        Which indicators to keep.

    Returns
    -------
    (grades, weights, indicators)
        Restricted to the kept indicators; weights rescaled as above (they sum to 1).

    Raises
    ------
    ValueError
        Unknown source name, or a criterion with no kept indicator (it would lose its weight).

    Examples
    --------
    >>> survey, panel, table = _example_tables()
    >>> grades = household_grades(survey, panel, table)
    >>> w = pd.Series(0.2, index=["A1", "A2", "A3", "B1", "B2"])
    >>> g, w_s, t = restrict_to_sources(grades, w, table, "survey")
    >>> list(g.columns), w_s.round(2).tolist()
    (['A1', 'A2', 'B1'], [0.3, 0.3, 0.4])
    """
    keep_sources = FCE_SOURCES.get(sources) if isinstance(sources, str) else tuple(sources)
    if keep_sources is None:
        raise ValueError(
            f"sources: {sources!r} is not one of {sorted(FCE_SOURCES)} or a list of source names"
        )
    ind = _indicator_rows(indicators)
    known = set(ind["source"].astype(str))
    unknown = sorted(set(keep_sources) - known - {"survey", "township"})
    if unknown:
        raise ValueError(f"sources: {unknown} are not indicator sources (known: {sorted(known)})")
    hw = hierarchy_weights(weights, indicators)
    kept = ind[ind["source"].astype(str).isin(keep_sources)]
    crit_of = ind["criterion"].astype(str)
    lost = [c for c in hw.criteria.index if c not in set(kept["criterion"].astype(str))]
    if lost:
        raise ValueError(
            f"sources {list(keep_sources)}: criterion {lost[0]!r} has no indicator of these sources"
        )
    w = hw.global_[kept.index]
    within = w.groupby(crit_of[kept.index]).transform("sum")
    w_new = (hw.criteria.reindex(crit_of[kept.index]).to_numpy() * w / within).rename(weights.name)
    table = indicators[
        (indicators["level"] != "indicator") | indicators["id"].astype(str).isin(kept.index)
    ]
    return grades[list(kept.index)], w_new, table


def _memberships(grades: pd.DataFrame, ind: pd.DataFrame, grade_scores) -> pd.DataFrame:
    if not isinstance(grades, pd.DataFrame):
        raise ValueError("grades: expected a DataFrame of households x indicators")
    cols = [str(c) for c in grades.columns]
    if set(cols) != set(ind.index) or len(cols) != len(ind):
        raise ValueError(
            f"grades: columns must be exactly the indicators; unknown "
            f"{sorted(set(cols) - set(ind.index))}, missing {sorted(set(ind.index) - set(cols))}"
        )
    K = 5 if grade_scores is None else len(list(grade_scores))
    g = grades.set_axis(cols, axis=1)[list(ind.index)]
    return scoring.likert_membership(g, levels=range(1, K + 1))


def performance_scores(
    grades: pd.DataFrame,
    weights: pd.Series,
    indicators: pd.DataFrame,
    grade_scores: Sequence[float] | None = None,
) -> pd.Series:
    """Two-level fuzzy comprehensive evaluation: scores of the goal and of every criterion.

        R_c = memberships of criterion c's indicators (likert_membership of the grade table)
        B_c = w_.|c . R_c,        B = W . [B_c],        score = B . s,   s_k = 100 (k-1)/(K-1)

    (:func:`utils.methods.scoring.likert_membership` and
    :func:`utils.methods.scoring.fuzzy_evaluation_hierarchy`, weighted-average operator M(., +),
    weights from :func:`hierarchy_weights`). The statistic that :func:`bootstrap_performance`
    resamples; chapter 5 relates it to household characteristics.

    Parameters
    ----------
    grades : DataFrame
        Household x indicator grades 1..K (:func:`household_grades`); columns must be exactly
        the table's indicators.
    weights : pd.Series
        Global indicator weights (indexed by indicator id).
    indicators : DataFrame
        Indicator table.
    grade_scores : sequence, optional
        Score of grades 1..K (default the 0-100 scale ``100 (k - 1) / (K - 1)``).

    Returns
    -------
    pd.Series
        ``overall`` then one score per criterion (table order), named ``score``.

    References
    ----------
    Zadeh, L. A. (1965). Fuzzy sets. *Information and Control*, 8(3), 338-353.
    Wang, P. Z. (1983). *Fuzzy Set Theory and Its Applications* (in Chinese). Shanghai
    Scientific and Technical Publishers.

    Examples
    --------
    >>> survey, panel, table = _example_tables()
    >>> grades = household_grades(survey, panel, table)
    >>> performance_scores(grades, pd.Series(0.2, index=grades.columns), table).round(2)
    overall    55.83
    A          47.22
    B          68.75
    Name: score, dtype: float64
    """
    hw = hierarchy_weights(weights, indicators)
    ind = _indicator_rows(indicators)
    R = _memberships(grades, ind, grade_scores)
    crit_of = ind["criterion"].astype(str)
    mem = {c: R.loc[crit_of.index[crit_of == c]] for c in hw.criteria.index}
    overall, per = scoring.fuzzy_evaluation_hierarchy(mem, hw.local, hw.criteria, grade_scores)
    return pd.concat([pd.Series({"overall": overall.score}), per["score"].astype(float)]).rename(
        "score"
    )


def fce_statistic(
    grades: pd.DataFrame,
    weights: pd.Series,
    indicators: pd.DataFrame,
    n_grades: int = 5,
    low_grades: int = 2,
):
    """The two-level fuzzy evaluation as a function of the household weights.

    Returns ``statistic(data, w)`` for :func:`utils.methods.survey_design.replicate_estimate`:
    with household weights ``w`` (the design weights, or one replicate's weights) it computes the
    weighted memberships ``r_ik = sum_{h: g_hi = k} w_h / sum_{h: g_hi observed} w_h``
    (:func:`utils.methods.scoring.likert_membership` with ``weights``), the dimension grade
    vectors ``B_c = w_.|c R_c`` and, on the 0-100 scale ``s_k = 100 (k - 1) / (K - 1)``,

        score:c = B_c . s                              (dimension score)
        low:c   = sum_{k <= low_grades} b_ck           (share of low ratings, 0-1)
        overall = sum_c W_c score:c                    (= B . s, the overall score)
        loo:c   = score:c - sum_{d != c} W_d score:d / (1 - W_c)
                                                       (gap to the weighted mean of the OTHERS)

    The leave-one-out gap compares a dimension with the other dimensions only: the old gap
    ``score:c - overall`` contains the dimension itself, so with one dimension far above the
    rest every other one is "below the overall score" by arithmetic.

    Parameters
    ----------
    grades : DataFrame
        Household x indicator grades 1..K (:func:`household_grades`), rows in the order of the
        design's data; columns exactly the table's indicators.
    weights : pd.Series
        Global indicator weights.
    indicators : DataFrame
        Indicator table (at least two criteria).
    n_grades : int, default 5
    low_grades : int, default 2
        Grades counted as low ratings (2: "very poor" and "poor").

    Returns
    -------
    callable ``(data, w) -> pd.Series``
        ``data`` is ignored except for its length (the grades are bound here).

    Examples
    --------
    >>> survey, panel, table = _example_tables()
    >>> g = household_grades(survey, panel, table)
    >>> stat = fce_statistic(g, pd.Series(0.2, index=g.columns), table)
    >>> stat(g, np.ones(4)).round(2)
    overall     55.83
    score:A     47.22
    score:B     68.75
    low:A        0.39
    low:B        0.25
    loo:A      -21.53
    loo:B       21.53
    dtype: float64
    """
    ind = _indicator_rows(indicators)
    levels = _check_levels(n_grades)
    K = len(levels)
    if isinstance(low_grades, bool) or not isinstance(low_grades, Integral):
        raise ValueError(f"low_grades: must be an integer, got {low_grades!r}")
    if not 1 <= low_grades < K:
        raise ValueError(f"low_grades: must lie in 1..{K - 1}, got {low_grades}")
    hw = hierarchy_weights(weights, indicators)
    crit = list(hw.criteria.index)
    if len(crit) < 2:
        raise ValueError("indicators: the leave-one-out gap needs at least two criteria")
    _memberships(grades, ind, range(K))  # validates columns and grade values
    codes = grades.set_axis([str(c) for c in grades.columns], axis=1)[list(ind.index)]
    G = codes.to_numpy(dtype=float)
    n, n_items = G.shape
    onehot = (G[:, :, None] == np.arange(1, K + 1)).reshape(n, n_items * K).astype(float)
    answered = (~np.isnan(G)).astype(float)
    crit_of = ind["criterion"].astype(str).to_numpy()
    L = np.zeros((len(crit), n_items))
    for k, c in enumerate(crit):
        L[k, crit_of == c] = hw.local[c].reindex(ind.index[crit_of == c]).to_numpy()
    W = hw.criteria.to_numpy(dtype=float)
    s = scoring.grade_points(K)
    labels = pd.Index(
        ["overall", *(f"score:{c}" for c in crit), *(f"low:{c}" for c in crit),
         *(f"loo:{c}" for c in crit)]
    )  # fmt: skip

    def statistic(data, w) -> pd.Series:
        w = np.asarray(w, dtype=float)
        if w.shape != (n,) or len(data) != n:
            raise ValueError(
                f"w: expected {n} household weights aligned with the grades, got {w.shape}"
            )
        with np.errstate(invalid="ignore", divide="ignore"):
            R = (w @ onehot).reshape(n_items, K) / (w @ answered)[:, None]
        Bc = L @ R
        score = Bc @ s
        low = Bc[:, :low_grades].sum(axis=1)
        overall = W @ score
        loo = score - (overall - W * score) / (1 - W)
        return pd.Series(np.concatenate([[overall], score, low, loo]), index=labels)

    return statistic


#: Outcomes of the two standards, and the verdict for each combination.
VERDICTS = {
    (True, True): "problem: fails the absolute standard and is lower than the others",
    (True, False): "problem: fails the absolute standard (not lower than the others)",
    (False, True): "problem relative to the others only (meets the absolute standard)",
    (False, False): "not supported",
}


def dimension_verdicts(
    result,
    *,
    neutral: float = 50.0,
    low_share_threshold: float = 0.25,
    confidence: float = 0.95,
    method: str = "max-t",
) -> pd.DataFrame:
    """Judge every dimension against an absolute standard and against the other dimensions.

    Input: the replicate-weight result of :func:`fce_statistic`
    (:func:`utils.methods.survey_design.replicate_estimate`). Two standards, each with
    simultaneous intervals over the dimensions (:func:`utils.methods.resampling.simultaneous_intervals`,
    max-t from the replicates or Bonferroni), so that the chance of calling any dimension weak
    when none is stays below ``1 - confidence`` per standard:

    - **absolute standard** (fixed before the data are seen): the dimension *fails* when its
      whole interval lies below ``neutral`` (the score of the neutral answer) **or** the whole
      interval of its share of low ratings lies above ``low_share_threshold``; the family is the
      2 x C intervals of scores and low shares;
    - **leave-one-out**: the dimension is *lower* when the whole interval of ``loo:c`` (its gap
      to the weighted mean of the other dimensions) lies below 0, *higher* when above 0.

    ``problem`` = fails the absolute standard or is lower; the verdict says which
    (:data:`VERDICTS`); "not supported" is reached whenever neither interval excludes its
    standard.

    Parameters
    ----------
    result : utils.methods.survey_design.ReplicateResult
        Estimates labelled ``score:c``, ``low:c``, ``loo:c`` (and ``overall``).
    neutral : float, default 50
        Score of the neutral answer on the 0-100 scale.
    low_share_threshold : float, default 0.25
        Largest acceptable share of low ratings (0-1).
    confidence : float, default 0.95
        Joint confidence of each family of intervals.
    method : {"max-t", "bonferroni"}
        ``"max-t"`` needs bootstrap replicates (their spread is the sampling spread); use
        ``"bonferroni"`` with jackknife replicates.

    Returns
    -------
    pandas.DataFrame
        Indexed by dimension id: ``score, score_low, score_high, low_share, low_share_low,
        low_share_high, gap, gap_low, gap_high, p_score, p_low_share, p_gap`` (adjusted,
        one-sided p-values are not reported: these are the two-sided adjusted p-values),
        ``absolute_standard`` ("fails"/"passes"), ``fails_on`` (which part of the absolute
        standard), ``leave_one_out`` ("lower"/"higher"/"not different"), ``problem``,
        ``verdict``.

    Examples
    --------
    >>> from utils.methods.survey_design import survey_design, replicate_estimate
    >>> survey, panel, table = _example_tables()
    >>> g = household_grades(survey, panel, table)
    >>> stat = fce_statistic(g, pd.Series(0.2, index=g.columns), table)
    >>> res = replicate_estimate(survey_design(survey.assign(w=1.0), weight="w"), stat,
    ...                          method="jackknife")
    >>> dimension_verdicts(res, method="bonferroni")[["absolute_standard", "verdict"]]
              absolute_standard        verdict
    dimension
    A                    passes  not supported
    B                    passes  not supported
    """
    if method == "max-t" and getattr(result, "method", None) != "bootstrap":
        raise ValueError(
            "method: 'max-t' needs bootstrap replicates (their spread is the sampling "
            f"spread); the result has {getattr(result, 'method', None)!r}: use 'bonferroni'"
        )
    est, se, reps = result.estimate, result.se, result.replicates
    crit = [lab.split(":", 1)[1] for lab in est.index if str(lab).startswith("score:")]
    if not crit:
        raise ValueError("result: has no 'score:<dimension>' estimates (see fce_statistic)")
    sc, lo, gp = ([f"{p}:{c}" for c in crit] for p in ("score", "low", "loo"))
    absolute = sc + lo
    ref = pd.Series([float(neutral)] * len(sc) + [float(low_share_threshold)] * len(lo), absolute)
    fam_a = simultaneous_intervals(
        est[absolute], se[absolute], reps, reference=ref, confidence=confidence,
        method=method, df=result.df,
    )  # fmt: skip
    fam_g = simultaneous_intervals(
        est[gp], se[gp], reps, reference=0.0, confidence=confidence, method=method,
        df=result.df,
    )  # fmt: skip
    out = pd.DataFrame(index=pd.Index(crit, name="dimension"))
    for name, keys, fam in (("score", sc, fam_a), ("low_share", lo, fam_a), ("gap", gp, fam_g)):
        part = fam.loc[keys].set_axis(crit)
        out[name] = part["estimate"]
        out[f"{name}_low"] = part["ci_low"]
        out[f"{name}_high"] = part["ci_high"]
        out[f"p_{name}"] = part["p_adjusted"]
    below = out["score_high"] < neutral
    too_many_low = out["low_share_low"] > low_share_threshold
    out["absolute_standard"] = np.where(below | too_many_low, "fails", "passes")
    out["fails_on"] = [
        " and ".join(w for w, f in (("score below neutral", b), ("too many low ratings", t)) if f)
        for b, t in zip(below, too_many_low, strict=True)
    ]
    lower, higher = out["gap_high"] < 0, out["gap_low"] > 0
    out["leave_one_out"] = np.select([lower, higher], ["lower", "higher"], "not different")
    out["problem"] = (below | too_many_low | lower).astype(bool)
    out["verdict"] = [
        VERDICTS[(bool(a), bool(b))] for a, b in zip(below | too_many_low, lower, strict=True)
    ]
    out.attrs.update(
        neutral=float(neutral), low_share_threshold=float(low_share_threshold),
        confidence=float(confidence), method=method,
        critical_absolute=float(fam_a["critical"].iloc[0]),
        critical_gap=float(fam_g["critical"].iloc[0]),
    )  # fmt: skip
    return out


# --------------------------------------------------------------------------------------------
# DEA of poverty funds
# --------------------------------------------------------------------------------------------
def _period_wide(
    panel: pd.DataFrame, need: list[str], year: int | None, first_year: int | None
) -> tuple[pd.DataFrame, int, int, list[int]]:
    """Township x (column, year) table of ``need`` over [first_year, year], checked complete."""
    _, last = _panel_year(panel, year)
    missing = [c for c in need if c not in panel.columns]
    if missing:
        raise ValueError(f"panel: missing columns {missing}")
    years = sorted(int(y) for y in pd.unique(panel["year"].dropna()))
    first = years[0] if first_year is None else first_year
    if first not in years:
        raise ValueError(f"first_year: {first!r} is not in the panel's years {years}")
    if last <= first:
        raise ValueError(
            f"year: must be after first_year ({first}) so the period has at least one year, "
            f"got {last}"
        )
    p = panel[(panel["year"] >= first) & (panel["year"] <= last)]
    period = [y for y in years if first <= y <= last]
    wide = p.pivot_table(
        index="township", columns="year", values=need, aggfunc="first", observed=True
    )
    wide.index = wide.index.astype(str)
    for c in need:
        for y in period:
            col = wide.get((c, y))
            if col is None or col.isna().any():
                t = wide.index[0] if col is None else col.index[col.isna()][0]
                raise ValueError(f"panel: township {t!r} has no {c!r} for {y}")
    return wide, first, last, period


def _check_dea_signs(inputs: pd.DataFrame, outputs: pd.DataFrame, where: str) -> None:
    for frame, name, rule in ((inputs, "inputs", "> 0"), (outputs, "outputs", ">= 0")):
        bad = frame <= 0 if name == "inputs" else frame < 0
        if bad.to_numpy().any():
            i, j = np.argwhere(bad.to_numpy())[0]
            raise ValueError(
                f"panel: township {frame.index[i]!r} has {name[:-1]} {frame.columns[j]!r} = "
                f"{frame.iat[i, j]:g} {where}; DEA needs {name} {rule}"
            )


_DEA_COLUMNS = [
    "funds_10k_yuan",
    "stationed_cadres",
    "registered_poor",
    "rural_income_yuan",
    "rural_population",
]


def fund_efficiency_data(
    panel: pd.DataFrame, year: int | None = None, first_year: int | None = None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """DEA inputs and outputs of each township over the period (first_year, year], all volumes.

    With :math:`f` the base year-end (first_year), :math:`l` the last year, :math:`Y` the years
    :math:`f+1..l`, :math:`P_{ty}` the registered poor not yet exited at the end of year
    :math:`y`, :math:`I_{ty}` rural income per person and :math:`N_{tf}` the rural population:

    Inputs (resources spent in the years :math:`Y`)::

        funds_10k_yuan = sum_{y in Y} funds_ty         (poverty-alleviation funds, 10,000 yuan)
        cadre_years    = sum_{y in Y} cadres_ty        (cadres stationed in villages x years)

    Outputs (volumes of the same years)::

        poverty_years_averted = sum_{y in Y} (P_tf - P_ty)          (person-years, persons x years)
        income_gain_10k_yuan  = (I_tl - I_tf) * N_tf / 10,000       (10,000 yuan a year)

    ``poverty_years_averted`` counts, year by year, the registered poor of the base year who are
    no longer poor: the area between the base-year stock and the township's exit path. Unlike
    "poor lifted out over the period" (:math:`P_{tf} - P_{tl}`, which equals the base-year stock
    when everyone has exited by the last year, so it measures need, not results) it rewards
    *early* exits. ``income_gain_10k_yuan`` is the growth of rural income per person times the
    base-year population, a volume that matches volume inputs under constant or variable
    returns (a per-person ratio next to volume inputs would not).

    Parameters
    ----------
    panel : DataFrame
        Township panel with columns township, year, funds_10k_yuan, stationed_cadres,
        registered_poor, rural_income_yuan, rural_population.
    year : int, optional
        Last year of the period (default the latest panel year).
    first_year : int, optional
        Base year-end (default the first panel year).

    Returns
    -------
    inputs, outputs : DataFrame
        Index = township; ``attrs["period"] = (first_year, year)``.

    Raises
    ------
    ValueError
        Missing columns, years not in the panel, ``year <= first_year``, a township missing a
        year of the period, non-positive inputs or negative outputs (township named; DEA needs
        positive inputs and non-negative outputs).

    Examples
    --------
    >>> _, panel, _ = _example_tables()
    >>> inputs, outputs = fund_efficiency_data(panel)
    >>> inputs.head(2)
              funds_10k_yuan  cadre_years
    township
    T1                  11.0          2.0
    T2                  12.0          2.0
    >>> outputs.head(2)
              poverty_years_averted  income_gain_10k_yuan
    township
    T1                         10.0                  10.0
    T2                         20.0                  20.0
    """
    wide, first, last, period = _period_wide(panel, _DEA_COLUMNS, year, first_year)
    spend = [y for y in period if y > first]
    base_poor = wide[("registered_poor", first)]
    inputs = pd.DataFrame(
        {
            "funds_10k_yuan": sum(wide[("funds_10k_yuan", y)] for y in spend),
            "cadre_years": sum(wide[("stationed_cadres", y)] for y in spend),
        }
    ).astype(float)
    outputs = pd.DataFrame(
        {
            "poverty_years_averted": sum(base_poor - wide[("registered_poor", y)] for y in spend),
            "income_gain_10k_yuan": (
                wide[("rural_income_yuan", last)] - wide[("rural_income_yuan", first)]
            )
            * wide[("rural_population", first)]
            / 1e4,
        }
    ).astype(float)
    _check_dea_signs(inputs, outputs, f"over {first}-{last}")
    inputs.index.name = outputs.index.name = "township"
    inputs.attrs["period"] = outputs.attrs["period"] = (first, last)
    return inputs, outputs


def annual_efficiency_data(
    panel: pd.DataFrame, year: int | None = None, first_year: int | None = None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Year-by-year DEA inputs and outputs (long panels) for the Malmquist index.

    For every township and year :math:`y` in :math:`f+1..l` (one year of flows each)::

        funds_10k_yuan       = funds_ty
        cadres               = cadres_ty
        exits                = P_t,y-1 - P_ty                           (persons)
        income_gain_10k_yuan = (I_ty - I_t,y-1) * N_t,y-1 / 10,000

    the annual counterparts of :func:`fund_efficiency_data` (exits of year :math:`y` are the
    year's increment of the person-years averted).

    Parameters
    ----------
    panel : DataFrame
        As for :func:`fund_efficiency_data`.
    year, first_year : int, optional
        Last year and base year-end (defaults: the panel's last and first years).

    Returns
    -------
    inputs, outputs : DataFrame
        Long tables with columns ``township``, ``year`` and the variables, sorted by year and
        township, ready for :func:`utils.methods.dea_extensions.malmquist` with
        ``unit="township", period="year"``.

    Raises
    ------
    ValueError
        As :func:`fund_efficiency_data` (the year is named in the message).

    Examples
    --------
    >>> _, panel, _ = _example_tables()
    >>> inputs, outputs = annual_efficiency_data(panel)
    >>> outputs.head(2)
      township  year  exits  income_gain_10k_yuan
    0       T1  2020   10.0                  10.0
    1       T2  2020   20.0                  20.0
    """
    wide, first, _, period = _period_wide(panel, _DEA_COLUMNS, year, first_year)
    ins, outs = [], []
    for prev, y in zip(period[:-1], period[1:], strict=True):
        x = pd.DataFrame(
            {
                "funds_10k_yuan": wide[("funds_10k_yuan", y)],
                "cadres": wide[("stationed_cadres", y)],
            }
        ).astype(float)
        o = pd.DataFrame(
            {
                "exits": wide[("registered_poor", prev)] - wide[("registered_poor", y)],
                "income_gain_10k_yuan": (
                    wide[("rural_income_yuan", y)] - wide[("rural_income_yuan", prev)]
                )
                * wide[("rural_population", prev)]
                / 1e4,
            }
        ).astype(float)
        _check_dea_signs(x, o, f"in {y}")
        ins.append(x.rename_axis("township").reset_index().assign(year=y))
        outs.append(o.rename_axis("township").reset_index().assign(year=y))
    order = ["township", "year"]
    inputs = pd.concat(ins, ignore_index=True)
    outputs = pd.concat(outs, ignore_index=True)
    inputs = inputs[order + [c for c in inputs.columns if c not in order]]
    outputs = outputs[order + [c for c in outputs.columns if c not in order]]
    return inputs, outputs
