"""Performance scoring of chapter 4: the pieces that no general-purpose module provides.

The chapter scores M County's precision poverty alleviation (SIMULATED data, see
``data/README.md``) with a two-level fuzzy comprehensive evaluation (indicator -> criterion ->
goal), compares townships by TOPSIS and grey relational analysis, and measures the efficiency of
poverty funds by DEA. The general methods live elsewhere and are only *called* here:
:func:`utils.methods.scoring.likert_membership`, :func:`utils.methods.scoring.fuzzy_evaluation_hierarchy`,
:func:`utils.methods.scoring.topsis`, :func:`utils.methods.scoring.grey_relational_grades`,
:func:`utils.methods.resampling.bootstrap`, :func:`utils.methods.dea.dea` and :func:`scipy.stats.kendalltau`.
What this module adds is the glue that is specific to the study design:

- :func:`township_grades`: a documented five-grade membership for indicators measured on
  township statistics (grade of a township's value within the county-wide distribution);
- :func:`household_grades`: one household x indicator table of grades 1..K (Likert answers for
  survey indicators, the household's township grade for township indicators), so that the
  fuzzy memberships of *every* indicator are household-weighted shares and a bootstrap over
  households resamples all of them consistently;
- :func:`hierarchy_weights`, :func:`evaluate_performance`, :func:`bootstrap_performance`,
  :func:`verdict_table`: the two-level evaluation with global indicator weights, its bootstrap
  intervals and a rule-based verdict per dimension;
- :func:`township_matrix`, :func:`compare_townships`, :func:`rank_agreement`: the township
  decision matrix, TOPSIS vs grey ranks and their agreement;
- :func:`fund_efficiency_data`, :func:`fund_efficiency`: DEA inputs/outputs of poverty funds.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from numbers import Integral, Real

import numpy as np
import pandas as pd
from scipy import stats

from utils.methods._validation import as_float_matrix, check_benefit
from utils.methods.dea import dea
from utils.methods.resampling import bootstrap
from utils.methods.scoring import (
    FCEResult,
    fuzzy_evaluation_hierarchy,
    grey_relational_grades,
    likert_membership,
    topsis,
)

__all__ = [
    "GRADE_NAMES",
    "VERDICT_WORDS",
    "township_grades",
    "household_grades",
    "HierarchyWeights",
    "hierarchy_weights",
    "PerformanceResult",
    "evaluate_performance",
    "performance_scores",
    "bootstrap_performance",
    "verdict_word",
    "verdict_table",
    "TownshipMatrix",
    "township_matrix",
    "compare_townships",
    "RankAgreement",
    "rank_agreement",
    "township_weights",
    "agreement_word",
    "dimension_comparison",
    "VerdictSummary",
    "verdict_summary",
    "TownshipComparison",
    "township_comparison",
    "StabilitySummary",
    "stability_summary",
    "DEASummary",
    "dea_summary",
    "dimension_ranking_figure",
    "efficiency_figure",
    "DEA_INPUTS",
    "DEA_OUTPUTS",
    "fund_efficiency_data",
    "fund_efficiency",
]

#: Names of the five evaluation grades, lowest first (grade k <-> Likert answer k).
GRADE_NAMES: dict[int, str] = {1: "very poor", 2: "poor", 3: "fair", 4: "good", 5: "excellent"}

#: The three verdict words of :func:`verdict_word`.
VERDICT_WORDS: tuple[str, str, str] = ("weakness", "on par", "strength")

#: DEA inputs: panel column -> name of the input (summed over the evaluation period).
DEA_INPUTS: dict[str, str] = {
    "funds_10k_yuan": "funds_10k_yuan",
    "stationed_cadres": "cadre_years",
}
#: DEA outputs (see :func:`fund_efficiency_data`).
DEA_OUTPUTS: tuple[str, str] = ("poor_lifted_out", "income_growth_yuan")

_INDICATOR_COLUMNS = ("id", "level", "criterion", "direction", "source", "source_column")


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


@dataclass(frozen=True)
class PerformanceResult:
    """Result of :func:`evaluate_performance`.

    Attributes
    ----------
    overall : FCEResult
        Goal level: grade vector ``B``, 100-point score, max-membership grade.
    dimensions : pd.DataFrame
        One row per criterion: memberships of grades 1..K, ``score``, ``grade`` (grade label),
        ``weight`` (criterion weight).
    memberships : pd.DataFrame
        Indicator x grade membership matrix ``R`` with ``criterion`` and ``global_weight``.
    """

    overall: FCEResult
    dimensions: pd.DataFrame
    memberships: pd.DataFrame


def evaluate_performance(
    grades: pd.DataFrame,
    weights: pd.Series,
    indicators: pd.DataFrame,
    grade_scores: Sequence[float] | None = None,
) -> PerformanceResult:
    """Two-level fuzzy comprehensive evaluation (indicator -> criterion -> goal).

        R_c = memberships of criterion c's indicators (likert_membership of the grade table)
        B_c = w_.|c . R_c,        B = W . [B_c],        score = B . s,   s_k = 100 k / K

    grade = argmax_k b_k (maximum-membership principle), for the goal and for every criterion.
    Defaults: weighted-average operator M(., +); grade scores (20, 40, 60, 80, 100) for five
    grades (:func:`utils.methods.scoring.fuzzy_evaluation`); weights from :func:`hierarchy_weights`.

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
        Score of grades 1..K (default ``100 k / K``).

    Returns
    -------
    PerformanceResult

    References
    ----------
    Zadeh, L. A. (1965). Fuzzy sets. *Information and Control*, 8(3), 338-353.
    Wang, P. Z. (1983). *Fuzzy Set Theory and Its Applications* (in Chinese). Shanghai
    Scientific and Technical Publishers.
    """
    hw = hierarchy_weights(weights, indicators)
    ind = _indicator_rows(indicators)
    R = _memberships(grades, ind, grade_scores)
    crit_of = ind["criterion"].astype(str)
    mem = {c: R.loc[crit_of.index[crit_of == c]] for c in hw.criteria.index}
    overall, per = fuzzy_evaluation_hierarchy(mem, hw.local, hw.criteria, grade_scores)
    per["weight"] = hw.criteria
    table = R.copy()
    table["criterion"] = crit_of
    table["global_weight"] = hw.global_
    return PerformanceResult(overall=overall, dimensions=per, memberships=table)


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
    return likert_membership(g, levels=range(1, K + 1))


def performance_scores(
    grades: pd.DataFrame,
    weights: pd.Series,
    indicators: pd.DataFrame,
    grade_scores: Sequence[float] | None = None,
) -> pd.Series:
    """100-point scores of the goal (``"overall"``) and of every criterion, as one Series.

    The statistic that :func:`bootstrap_performance` resamples; same method and defaults as
    :func:`evaluate_performance`.
    """
    res = evaluate_performance(grades, weights, indicators, grade_scores)
    return pd.concat(
        [pd.Series({"overall": res.overall.score}), res.dimensions["score"].astype(float)]
    ).rename("score")


def bootstrap_performance(
    grades: pd.DataFrame,
    weights: pd.Series,
    indicators: pd.DataFrame,
    n_boot: int = 500,
    seed: int = 0,
    ci: float = 0.95,
    grade_scores: Sequence[float] | None = None,
) -> pd.DataFrame:
    """Bootstrap (over households) intervals of the overall and dimension scores and gaps.

    Households are resampled with replacement (``utils.methods.resampling.bootstrap``, percentile
    intervals); on each resample all memberships, the dimension scores S_c and the overall
    score S are recomputed (township grades stay fixed: they are census statistics, only the
    household weighting changes). The gap of a dimension is ``S_c - S``; its interval is that
    of the paired differences, which is what :func:`verdict_word` reads.

    Parameters
    ----------
    grades, weights, indicators, grade_scores
        As :func:`evaluate_performance`.
    n_boot : int, default 500
        Bootstrap resamples (500 keeps the chapter fast; use 2,000+ for publication).
    seed : int, default 0
    ci : float, default 0.95

    Returns
    -------
    DataFrame
        Index ``overall`` then the criteria; columns ``score``, ``ci_low``, ``ci_high``,
        ``se``, ``gap``, ``gap_low``, ``gap_high`` (gap columns are 0 for ``overall``).

    References
    ----------
    Efron, B. & Tibshirani, R. J. (1993). *An Introduction to the Bootstrap*. Chapman & Hall,
    ch. 6 and 13.
    """
    ind = _indicator_rows(indicators)
    hw = hierarchy_weights(weights, indicators)  # validate once, before resampling
    _memberships(grades, ind, grade_scores)
    base = performance_scores(grades, weights, indicators, grade_scores)
    engine = _ScoreEngine(ind, hw, grade_scores)
    labels = pd.Index([*base.index, *(f"gap:{c}" for c in base.index[1:])])
    codes = grades.set_axis([str(c) for c in grades.columns], axis=1)[list(ind.index)]
    codes = codes.to_numpy(dtype=float)

    def stat(G: np.ndarray) -> pd.Series:
        s = engine(G)
        return pd.Series(np.concatenate([s, s[1:] - s[0]]), index=labels)

    try:
        res = bootstrap(stat, codes, n_resamples=n_boot, seed=seed, ci=ci)
    except ValueError as exc:
        if "n_resamples" in str(exc):
            raise ValueError(f"n_boot: must be an integer >= 2, got {n_boot!r}") from exc
        raise
    f = res.to_frame()
    names = [i for i in f.index if not str(i).startswith("gap:")]
    out = f.loc[names].rename(columns={"estimate": "score"})
    gap = f.loc[[f"gap:{c}" for c in names[1:]]]
    gap.index = names[1:]
    out["gap"] = gap["estimate"].reindex(names).fillna(0.0)
    out["gap_low"] = gap["ci_low"].reindex(names).fillna(0.0)
    out["gap_high"] = gap["ci_high"].reindex(names).fillna(0.0)
    out.index.name = "dimension"
    out.attrs["n_boot"] = n_boot
    out.attrs["ci"] = ci
    return out


class _ScoreEngine:
    """Vectorised :func:`performance_scores` on a NumPy grade matrix (for the bootstrap).

    Why: :func:`performance_scores` validates its inputs and calls
    :func:`utils.methods.scoring.likert_membership` item by item, about 6 ms per call; the bootstrap
    calls it hundreds of times on already validated data. Here the memberships are one
    one-hot count over all items (``r_ik = n_ik / n_i``), and both FCE levels are two matrix
    products. Equality with :func:`performance_scores` is tested.
    """

    def __init__(self, ind: pd.DataFrame, hw: HierarchyWeights, grade_scores) -> None:
        K = 5 if grade_scores is None else len(list(grade_scores))
        self.levels = np.arange(1, K + 1, dtype=float)
        self.s = (
            100.0 * self.levels / K
            if grade_scores is None
            else np.asarray(list(grade_scores), dtype=float)
        )
        crit = list(hw.criteria.index)
        crit_of = ind["criterion"].astype(str).to_numpy()
        # L[c, i] = local weight of indicator i in criterion c (0 elsewhere)
        self.L = np.zeros((len(crit), len(ind)))
        for k, c in enumerate(crit):
            sel = crit_of == c
            self.L[k, sel] = hw.local[c].reindex(ind.index[sel]).to_numpy()
        self.W = hw.criteria.to_numpy(dtype=float)

    def __call__(self, G: np.ndarray) -> np.ndarray:
        onehot = G[:, :, None] == self.levels  # NaN matches no level
        counts = onehot.sum(axis=0)
        R = counts / counts.sum(axis=1, keepdims=True)
        Bc = self.L @ R
        B = self.W @ Bc
        return np.concatenate([[B @ self.s], Bc @ self.s])


def verdict_word(gap_low: float, gap_high: float) -> str:
    """Verdict on a dimension from the interval of its gap to the overall score.

        "weakness"  if gap_high < 0   (the whole interval lies below the overall score)
        "strength"  if gap_low  > 0   (the whole interval lies above it)
        "on par"    otherwise         (the interval covers 0)

    The rule reads a paired bootstrap interval of ``S_c - S`` (:func:`bootstrap_performance`),
    so a verdict is only given when the sampling uncertainty allows it.
    """
    for name, v in (("gap_low", gap_low), ("gap_high", gap_high)):
        if isinstance(v, bool) or not isinstance(v, Real) or not np.isfinite(v):
            raise ValueError(f"{name}: expected a finite number, got {v!r}")
    if gap_low > gap_high:
        raise ValueError(f"gap_low: {gap_low:g} is above gap_high {gap_high:g}")
    if gap_high < 0:
        return VERDICT_WORDS[0]
    if gap_low > 0:
        return VERDICT_WORDS[2]
    return VERDICT_WORDS[1]


def verdict_table(
    boot: pd.DataFrame,
    result: PerformanceResult,
    labels: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """Dimension -> score -> interval -> grade -> rank -> verdict (the chapter's summary table).

    ``rank`` 1 = highest score (ties share the smallest rank); ``grade`` = the
    maximum-membership grade named by :data:`GRADE_NAMES`; ``verdict`` = :func:`verdict_word`
    of the gap interval. Rows are sorted by rank.

    Parameters
    ----------
    boot : DataFrame
        Output of :func:`bootstrap_performance` (criteria rows used, ``overall`` ignored).
    result : PerformanceResult
        Output of :func:`evaluate_performance` on the same data.
    labels : mapping, optional
        Display name per criterion id (e.g. from the indicator table's ``label_en``).

    Returns
    -------
    DataFrame
        Index = criterion id; columns ``dimension``, ``score``, ``ci_low``, ``ci_high``,
        ``gap``, ``grade``, ``rank``, ``verdict``.
    """
    need = ["score", "ci_low", "ci_high", "gap", "gap_low", "gap_high"]
    if not isinstance(boot, pd.DataFrame) or any(c not in boot.columns for c in need):
        raise ValueError(f"boot: expected the output of bootstrap_performance with columns {need}")
    if not isinstance(result, PerformanceResult):
        raise ValueError("result: expected a PerformanceResult (evaluate_performance)")
    crit = list(result.dimensions.index)
    missing = [c for c in crit if c not in boot.index]
    if missing:
        raise ValueError(f"boot: has no row for criterion {missing[0]!r}")
    labels = dict(labels or {})
    b = boot.loc[crit]
    out = pd.DataFrame(
        {
            "dimension": [labels.get(c, c) for c in crit],
            "score": b["score"].to_numpy(float),
            "ci_low": b["ci_low"].to_numpy(float),
            "ci_high": b["ci_high"].to_numpy(float),
            "gap": b["gap"].to_numpy(float),
            "grade": [_grade_name(g) for g in result.dimensions["grade"]],
        },
        index=pd.Index(crit, name="criterion"),
    )
    out["rank"] = out["score"].rank(ascending=False, method="min").astype(int)
    out["verdict"] = [
        verdict_word(float(lo), float(hi))
        for lo, hi in zip(b["gap_low"], b["gap_high"], strict=True)
    ]
    return out.sort_values(["rank", "dimension"], kind="stable")


def _grade_name(g) -> str:
    try:
        return GRADE_NAMES[int(float(g))]
    except (KeyError, ValueError, TypeError):
        return str(g)


# --------------------------------------------------------------------------------------------
# Townships: TOPSIS, grey relational analysis, agreement
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class TownshipMatrix:
    """Decision matrix of townships on the township-statistic indicators.

    Attributes
    ----------
    X : pd.DataFrame
        Townships x indicator ids (values of the source columns in ``year``).
    benefit : tuple of bool
        Direction of each column of X (True = larger is better).
    dropped : tuple of str
        Indicators left out because they are constant across townships in ``year``.
    year : int
    """

    X: pd.DataFrame
    benefit: tuple
    dropped: tuple
    year: int


def township_matrix(
    panel: pd.DataFrame, indicators: pd.DataFrame, year: int | None = None
) -> TownshipMatrix:
    """Townships x township-statistic indicators in one year, directions from the table.

    Columns constant across townships are dropped (and listed): they cannot discriminate,
    their entropy weight is 0, and an all-zero column (e.g. poverty incidence once every
    township has exited) makes vector normalisation undefined (Hwang & Yoon 1981).

    Parameters
    ----------
    panel : DataFrame
        Township panel.
    indicators : DataFrame
        Indicator table; the rows with ``source == 'township'`` are used.
    year : int, optional
        Default the latest panel year.

    Returns
    -------
    TownshipMatrix

    Raises
    ------
    ValueError
        No township indicators, a missing source column, a year not in the panel, non-finite
        values (township and column named), or fewer than two non-constant columns.
    """
    ind = _indicator_rows(indicators)
    town = ind[ind["source"] == "township"]
    if town.empty:
        raise ValueError("indicators: no indicator has source 'township'")
    rows, year = _panel_year(panel, year)
    for i, col in town["source_column"].items():
        if col not in rows.columns:
            raise ValueError(f"panel: column {col!r} of indicator {i!r} is missing")
    X = rows[list(town["source_column"])].astype(float)
    X.columns = list(town.index)
    X.index.name = "township"
    as_float_matrix(X, "panel")  # names the township and column of a NaN
    const = [c for c in X.columns if X[c].nunique() <= 1]
    keep = [c for c in X.columns if c not in const]
    if len(keep) < 2:
        raise ValueError(
            f"panel: in {year} only {len(keep)} township indicator(s) vary across townships "
            f"(constant: {const}); at least 2 are needed"
        )
    benefit = tuple(bool(d == "benefit") for d in town.loc[keep, "direction"])
    return TownshipMatrix(X=X[keep], benefit=benefit, dropped=tuple(const), year=year)


def compare_townships(matrix: TownshipMatrix, weights: pd.Series, rho: float = 0.5) -> pd.DataFrame:
    """TOPSIS closeness and grey relational grade of every township, with both rankings.

    Weights: the global indicator weights restricted to the matrix's columns (rescaled to sum
    to 1 by the methods). TOPSIS with vector normalisation (:func:`utils.methods.scoring.topsis`);
    Deng's grey relational grade against the ideal series with distinguishing coefficient
    ``rho`` (:func:`utils.methods.scoring.grey_relational_grades`).

    Parameters
    ----------
    matrix : TownshipMatrix
    weights : pd.Series
        Indexed by indicator id; must cover every column of ``matrix.X``.
    rho : float, default 0.5

    Returns
    -------
    DataFrame
        Index = township; ``closeness``, ``topsis_rank``, ``grey_grade``, ``grey_rank``,
        ``rank_shift`` (grey rank - TOPSIS rank). Sorted by TOPSIS rank.

    References
    ----------
    Hwang, C. L. & Yoon, K. (1981). *Multiple Attribute Decision Making*. Springer.
    Deng, J. L. (1982). Control problems of grey systems. *Systems & Control Letters*, 1(5),
    288-294.
    """
    if not isinstance(matrix, TownshipMatrix):
        raise ValueError("matrix: expected a TownshipMatrix (township_matrix)")
    w = township_weights(weights, matrix.X.columns)
    t = topsis(matrix.X, w, matrix.benefit)
    g = grey_relational_grades(matrix.X, w, matrix.benefit, rho=rho)
    out = pd.DataFrame(
        {
            "closeness": t["closeness"],
            "topsis_rank": t["rank"],
            "grey_grade": g.grades,
            "grey_rank": g.ranks,
        }
    )
    out["rank_shift"] = out["grey_rank"] - out["topsis_rank"]
    out.index.name = "township"
    return out.sort_values(["topsis_rank", "grey_rank"], kind="stable")


def township_weights(weights: pd.Series, cols: Sequence[str]) -> pd.Series:
    """Global weights of the given indicator ids, in that order (not rescaled).

    The township comparison uses the chapter-2 weights restricted to the township-statistic
    indicators that vary; TOPSIS, grey relational analysis and the Dirichlet sensitivity
    rescale them to sum to 1.

    Raises
    ------
    ValueError
        Not a Series, an id without weight, or weights that are non-finite, negative or all 0.
    """
    cols = [str(c) for c in cols]
    if not isinstance(weights, pd.Series):
        raise ValueError("weights: expected a pandas Series indexed by indicator id")
    w = weights.copy()
    w.index = w.index.astype(str)
    lack = [c for c in cols if c not in w.index]
    if lack:
        raise ValueError(f"weights: no weight for indicator {lack[0]!r}")
    w = w.reindex(cols).astype(float)
    if not np.all(np.isfinite(w)) or (w < 0).any() or w.sum() <= 0:
        raise ValueError(
            f"weights: the weights of {cols} must be finite, non-negative and not all 0"
        )
    return w


@dataclass(frozen=True)
class RankAgreement:
    """Agreement of two rankings of the same units.

    Attributes
    ----------
    tau : float
        Kendall's tau-b.
    p_value : float
        Two-sided p-value of tau = 0 (scipy's exact test when n is small and there are no
        ties, else the normal approximation).
    n : int
    same_first : bool
        Whether both rankings put the same unit(s) first.
    max_shift : int
        Largest absolute rank difference of a unit.
    """

    tau: float
    p_value: float
    n: int
    same_first: bool
    max_shift: int


def rank_agreement(rank_a: pd.Series, rank_b: pd.Series) -> RankAgreement:
    """Kendall's tau-b between two rankings (scipy.stats.kendalltau) and simple summaries.

        tau_b = (C - D) / sqrt((n0 - n1)(n0 - n2)),  n0 = n(n-1)/2,

    C / D = concordant / discordant pairs, n1, n2 = pairs tied in a / in b.

    Parameters
    ----------
    rank_a, rank_b : pd.Series
        Ranks (1 = best) indexed by unit; the same units (any order), at least 3.

    Returns
    -------
    RankAgreement

    References
    ----------
    Kendall, M. G. (1938). A new measure of rank correlation. *Biometrika*, 30(1/2), 81-93.
    Kendall, M. G. (1945). The treatment of ties in ranking problems. *Biometrika*, 33(3),
    239-251.
    """
    for name, r in (("rank_a", rank_a), ("rank_b", rank_b)):
        if not isinstance(r, pd.Series):
            raise ValueError(f"{name}: expected a pandas Series of ranks indexed by unit")
        if r.index.has_duplicates:
            raise ValueError(f"{name}: unit {r.index[r.index.duplicated()][0]!r} appears twice")
    if set(rank_a.index) != set(rank_b.index):
        only = sorted(map(str, set(rank_a.index) ^ set(rank_b.index)))
        raise ValueError(f"rank_b: units differ from rank_a's (in only one of them: {only})")
    if len(rank_a) < 3:
        raise ValueError(f"rank_a: needs at least 3 units, got {len(rank_a)}")
    a = pd.to_numeric(rank_a, errors="coerce").astype(float)
    b = pd.to_numeric(rank_b.reindex(rank_a.index), errors="coerce").astype(float)
    for name, r in (("rank_a", a), ("rank_b", b)):
        if not np.all(np.isfinite(r)):
            raise ValueError(f"{name}: unit {r.index[~np.isfinite(r)][0]!r} has no numeric rank")
    res = stats.kendalltau(a.to_numpy(), b.to_numpy())
    first_a = set(a.index[a == a.min()])
    first_b = set(b.index[b == b.min()])
    return RankAgreement(
        tau=float(res.statistic),
        p_value=float(res.pvalue),
        n=int(len(a)),
        same_first=first_a == first_b,
        max_shift=int((a - b).abs().max()),
    )


# --------------------------------------------------------------------------------------------
# DEA of poverty funds
# --------------------------------------------------------------------------------------------
def fund_efficiency_data(
    panel: pd.DataFrame, year: int | None = None, first_year: int | None = None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """DEA inputs and outputs of each township over the period (first_year, year].

    Inputs (resources spent in years first_year+1 .. year):

        funds_10k_yuan = sum_y funds_ty      (poverty-alleviation funds, 10,000 yuan)
        cadre_years    = sum_y cadres_ty     (cadres stationed in villages x years)

    Outputs (change between the year-ends first_year and year):

        poor_lifted_out    = poor_t,first - poor_t,year    (registered poor who exited, persons)
        income_growth_yuan = income_t,year - income_t,first  (rural income per person, yuan)

    Using the change from the first panel year-end matches each output to the inputs of the
    same years (the exits of the first year itself would need the year-end before it).

    Parameters
    ----------
    panel : DataFrame
        Township panel with columns township, year, funds_10k_yuan, stationed_cadres,
        registered_poor, rural_income_yuan.
    year : int, optional
        Last year of the period (default the latest panel year).
    first_year : int, optional
        Base year-end (default the first panel year).

    Returns
    -------
    inputs, outputs : DataFrame
        Index = township.

    Raises
    ------
    ValueError
        Missing columns, years not in the panel, ``year <= first_year``, a township missing a
        year of the period, non-positive inputs or negative outputs (township named; DEA needs
        positive inputs and non-negative outputs).
    """
    need = ["funds_10k_yuan", "stationed_cadres", "registered_poor", "rural_income_yuan"]
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
    spend = [y for y in period if y > first]
    inputs = pd.DataFrame(
        {
            "funds_10k_yuan": sum(wide[("funds_10k_yuan", y)] for y in spend),
            "cadre_years": sum(wide[("stationed_cadres", y)] for y in spend),
        }
    ).astype(float)
    outputs = pd.DataFrame(
        {
            "poor_lifted_out": wide[("registered_poor", first)] - wide[("registered_poor", last)],
            "income_growth_yuan": wide[("rural_income_yuan", last)]
            - wide[("rural_income_yuan", first)],
        }
    ).astype(float)
    for frame, name, rule in ((inputs, "inputs", "> 0"), (outputs, "outputs", ">= 0")):
        bad = frame <= 0 if name == "inputs" else frame < 0
        if bad.to_numpy().any():
            i, j = np.argwhere(bad.to_numpy())[0]
            raise ValueError(
                f"panel: township {frame.index[i]!r} has {name[:-1]} {frame.columns[j]!r} = "
                f"{frame.iat[i, j]:g} over {first}-{last}; DEA needs {name} {rule}"
            )
    inputs.index.name = outputs.index.name = "township"
    inputs.attrs["period"] = outputs.attrs["period"] = (first, last)
    return inputs, outputs


def fund_efficiency(
    panel: pd.DataFrame, year: int | None = None, first_year: int | None = None
) -> pd.DataFrame:
    """Input-oriented CCR and BCC efficiency of poverty funds by township, with scale efficiency.

        CCR (constant returns): theta* = min theta s.t. X lambda <= theta x_o, Y lambda >= y_o
        BCC (variable returns): the same with sum(lambda) = 1
        scale efficiency SE = theta*_CCR / theta*_BCC

    (:func:`utils.methods.dea.dea`, input orientation) on the inputs and outputs of
    :func:`fund_efficiency_data`. Input orientation asks how far funds and cadre time could
    shrink while keeping the results, the natural question for a fixed poverty budget.

    Parameters
    ----------
    panel, year, first_year
        As :func:`fund_efficiency_data`.

    Returns
    -------
    DataFrame
        Index = township; the inputs and outputs, then ``ccr`` (technical efficiency, CRS),
        ``bcc`` (pure technical efficiency, VRS), ``scale``, ``returns_to_scale``, ``peers``
        (BCC reference set) and ``efficient`` (BCC score 1). ``attrs["period"]``.

    References
    ----------
    Charnes, A., Cooper, W. W. & Rhodes, E. (1978). Measuring the efficiency of decision making
    units. *European Journal of Operational Research*, 2(6), 429-444.
    Banker, R. D., Charnes, A. & Cooper, W. W. (1984). Some models for estimating technical and
    scale inefficiencies in data envelopment analysis. *Management Science*, 30(9), 1078-1092.
    """
    inputs, outputs = fund_efficiency_data(panel, year, first_year)
    res = dea(inputs, outputs, model="bcc", orientation="input")
    out = pd.concat([inputs, outputs], axis=1)
    out["ccr"] = res["crste"]
    out["bcc"] = res["vrste"]
    out["scale"] = res["scale"]
    out["returns_to_scale"] = res["returns_to_scale"]
    out["peers"] = res["peers"]
    out["efficient"] = np.isclose(res["vrste"], 1.0, atol=1e-6)
    out.attrs["period"] = inputs.attrs["period"]
    return out


# --------------------------------------------------------------------------------------------
# Summaries that the chapter's prose reads (words chosen by rules, so the text follows the data)
# --------------------------------------------------------------------------------------------
#: Bands of Kendall's tau for :func:`agreement_word` (lower bounds, checked from the top).
AGREEMENT_BANDS: tuple[tuple[float, str], ...] = (
    (0.7, "agree strongly"),
    (0.4, "agree moderately"),
    (0.0, "agree weakly"),
)


def agreement_word(tau: float) -> str:
    """Words for the strength of a rank agreement.

        tau >= 0.7 "agree strongly";  0.4 <= tau < 0.7 "agree moderately";
        0 <= tau < 0.4 "agree weakly";  tau < 0 "disagree".

    The bands are this book's reading convention (not a statistical test; the p-value of
    :class:`RankAgreement` is the test).
    """
    if isinstance(tau, bool) or not isinstance(tau, Real) or not -1 <= tau <= 1:
        raise ValueError(f"tau: Kendall's tau must be a number in [-1, 1], got {tau!r}")
    for lower, word in AGREEMENT_BANDS:
        if tau >= lower:
            return word
    return "disagree"


def dimension_comparison(
    result: PerformanceResult, item_scores: pd.DataFrame, n_grades: int = 5
) -> pd.DataFrame:
    """Fuzzy-evaluation dimension scores next to the plain mean of the survey items.

        item_mean_score_c = (100 / K) * mean_h score_hc

    where ``score_hc`` is household h's mean Likert answer on dimension c (1..K,
    ``utils.study.survey.dimension_scores(survey)``, households without a score skipped), so both
    scores are on the grade-score scale ``100 k / K`` (a household answering k everywhere
    scores 100 k / K on both). The item mean uses all Likert items of the dimension and no
    township statistics; the difference shows what the indicator weights and the township
    grades change.

    Parameters
    ----------
    result : PerformanceResult
    item_scores : DataFrame
        Households x dimensions on the answer scale 1..K (``scale="mean"``); must contain every
        criterion of ``result``.
    n_grades : int, default 5

    Returns
    -------
    DataFrame
        Index = criterion; ``fce_score``, ``item_mean_score``, ``difference`` (fce - item),
        ``fce_rank``, ``item_rank`` (1 = highest).
    """
    if not isinstance(result, PerformanceResult):
        raise ValueError("result: expected a PerformanceResult (evaluate_performance)")
    K = len(_check_levels(n_grades))
    if not isinstance(item_scores, pd.DataFrame):
        raise ValueError("item_scores: expected a DataFrame of households x dimensions")
    crit = list(result.dimensions.index)
    missing = [c for c in crit if c not in item_scores.columns]
    if missing:
        raise ValueError(f"item_scores: no column for criterion {missing[0]!r}")
    V, _, _ = as_float_matrix(item_scores[crit], "item_scores", allow_nan=True)
    if np.any((V < 1) | (V > K)):
        i, j = np.argwhere((V < 1) | (V > K))[0]
        raise ValueError(
            f"item_scores: column {crit[j]!r} has {V[i, j]:g}; scores must lie on the answer "
            f"scale 1..{K} (use scale='mean')"
        )
    means = np.nanmean(V, axis=0) if np.all(np.any(np.isfinite(V), axis=0)) else None
    if means is None:
        j = int(np.argmax(~np.any(np.isfinite(V), axis=0)))
        raise ValueError(f"item_scores: column {crit[j]!r} has no scores")
    out = pd.DataFrame(
        {
            "fce_score": result.dimensions["score"].astype(float).to_numpy(),
            "item_mean_score": 100.0 * means / K,
        },
        index=pd.Index(crit, name="criterion"),
    )
    out["difference"] = out["fce_score"] - out["item_mean_score"]
    out["fce_rank"] = out["fce_score"].rank(ascending=False, method="min").astype(int)
    out["item_rank"] = out["item_mean_score"].rank(ascending=False, method="min").astype(int)
    return out


@dataclass(frozen=True)
class StabilitySummary:
    """Summary of a :func:`utils.methods.resampling.weight_sensitivity` table.

    Attributes
    ----------
    n_units : int
    median_share : float
        Median over units of the share of draws that keep the unit's base rank.
    n_within : int
        Units whose 5-95 % rank range spans at most ``within`` places either side of the base.
    within : int
    leader : str
        Unit ranked first with the base weights (the first in table order on ties).
    leader_share : float
        Share of draws in which the leader keeps rank 1.
    """

    n_units: int
    median_share: float
    n_within: int
    within: int
    leader: str
    leader_share: float


def stability_summary(sens: pd.DataFrame, within: int = 2) -> StabilitySummary:
    """Summarise rank stability under weight perturbation.

    A unit is "within" when ``rank_p05 >= base_rank - within`` and
    ``rank_p95 <= base_rank + within``.

    Parameters
    ----------
    sens : DataFrame
        Output of :func:`utils.methods.resampling.weight_sensitivity`.
    within : int, default 2
        Tolerance in rank places.
    """
    need = ["base_rank", "share_same_rank", "rank_p05", "rank_p95"]
    if not isinstance(sens, pd.DataFrame) or any(c not in sens.columns for c in need):
        raise ValueError(f"sens: expected the output of weight_sensitivity with columns {need}")
    if sens.empty:
        raise ValueError("sens: has no rows")
    if isinstance(within, bool) or not isinstance(within, Integral) or within < 0:
        raise ValueError(f"within: must be a non-negative integer, got {within!r}")
    ok = (sens["rank_p05"] >= sens["base_rank"] - within) & (
        sens["rank_p95"] <= sens["base_rank"] + within
    )
    leader = sens.index[int(np.argmin(sens["base_rank"].to_numpy()))]
    return StabilitySummary(
        n_units=int(len(sens)),
        median_share=float(sens["share_same_rank"].median()),
        n_within=int(ok.sum()),
        within=int(within),
        leader=str(leader),
        leader_share=float(sens.loc[leader, "share_same_rank"]),
    )


@dataclass(frozen=True)
class DEASummary:
    """Summary of :func:`fund_efficiency`.

    Attributes
    ----------
    n_units, n_ccr_efficient, n_bcc_efficient : int
    mean_ccr, mean_bcc, mean_scale : float
        Unweighted means over townships.
    n_increasing, n_decreasing : int
        Townships with increasing / decreasing returns to scale.
    main_source : str
        ``"scale"`` if the mean scale efficiency is below the mean pure technical (BCC)
        efficiency, else ``"pure technical"``: the larger of the two shortfalls in the
        decomposition CCR = BCC x scale (Banker, Charnes & Cooper 1984).
    """

    n_units: int
    n_ccr_efficient: int
    n_bcc_efficient: int
    mean_ccr: float
    mean_bcc: float
    mean_scale: float
    n_increasing: int
    n_decreasing: int
    main_source: str


def dea_summary(table: pd.DataFrame, tol: float = 1e-6) -> DEASummary:
    """Counts and means of a :func:`fund_efficiency` table (efficient = score >= 1 - tol)."""
    need = ["ccr", "bcc", "scale", "returns_to_scale"]
    if not isinstance(table, pd.DataFrame) or any(c not in table.columns for c in need):
        raise ValueError(f"table: expected the output of fund_efficiency with columns {need}")
    if table.empty:
        raise ValueError("table: has no rows")
    mean_bcc, mean_scale = float(table["bcc"].mean()), float(table["scale"].mean())
    return DEASummary(
        n_units=int(len(table)),
        n_ccr_efficient=int((table["ccr"] >= 1 - tol).sum()),
        n_bcc_efficient=int((table["bcc"] >= 1 - tol).sum()),
        mean_ccr=float(table["ccr"].mean()),
        mean_bcc=mean_bcc,
        mean_scale=mean_scale,
        n_increasing=int((table["returns_to_scale"] == "increasing").sum()),
        n_decreasing=int((table["returns_to_scale"] == "decreasing").sum()),
        main_source="scale" if mean_scale < mean_bcc else "pure technical",
    )


def dimension_ranking_figure(verdicts: pd.DataFrame, overall_score: float, title: str = ""):
    """Dot plot of dimension scores by rank with their bootstrap intervals and the overall score.

    Built on :func:`utils.plots.ranking_plot` (house theme); adds each dimension's interval
    ``[ci_low, ci_high]`` as a thick horizontal segment, a dashed line at ``overall_score``, and
    zooms the axis to the intervals (scores of a fuzzy evaluation vary over a few points).

    Parameters
    ----------
    verdicts : DataFrame
        Output of :func:`verdict_table` (columns dimension, score, ci_low, ci_high, rank).
    overall_score : float
    title : str

    Returns
    -------
    matplotlib Figure
    """
    from utils import plots

    need = ["dimension", "score", "ci_low", "ci_high", "rank"]
    if not isinstance(verdicts, pd.DataFrame) or any(c not in verdicts.columns for c in need):
        raise ValueError(f"verdicts: expected the output of verdict_table with columns {need}")
    if isinstance(overall_score, bool) or not isinstance(overall_score, Real):
        raise ValueError(f"overall_score: expected a number, got {overall_score!r}")
    table = verdicts.set_index("dimension")[["score", "rank"]]
    fig = plots.ranking_plot(
        table,
        score_col="score",
        title=title or "Dimension scores, ranked",
        xlabel="Fuzzy evaluation score (points of 100)",
        ylabel="Dimension (rank)",
        annotate=False,
    )
    ax = fig.axes[0]
    ordered = verdicts.sort_values("rank", kind="stable").iloc[::-1]
    y = np.arange(len(ordered))
    ax.hlines(y, ordered["ci_low"], ordered["ci_high"], color="0.15", linewidth=3)
    ax.axvline(float(overall_score), color="0.35", linestyle="--", linewidth=1.2)
    ax.annotate(
        "overall",
        (float(overall_score), 1.0),
        xycoords=("data", "axes fraction"),
        xytext=(3, -2),
        textcoords="offset points",
        va="top",
        fontsize=8.5,
    )
    lo = float(min(ordered["ci_low"].min(), overall_score))
    hi = float(max(ordered["ci_high"].max(), overall_score))
    pad = max(1.0, 0.15 * (hi - lo))
    ax.set_xlim(lo - pad, hi + pad)
    return fig


def efficiency_figure(table: pd.DataFrame, title: str = ""):
    """Decomposition plot of DEA efficiency: pure technical (x) against scale efficiency (y).

    One labelled point per township at ``(BCC, scale)``; since CCR = BCC x scale, the dashed
    curves ``y = c / x`` are iso-CCR lines (c = 0.6, 0.8, 1.0 by default range), so a point's
    position shows both components and the overall score at once. Marker shape by returns to
    scale (greyscale-safe). Drawn in the house theme (:func:`utils.plots.house_rc`).

    Parameters
    ----------
    table : DataFrame
        Output of :func:`fund_efficiency` (columns ``bcc``, ``scale``, ``returns_to_scale``).
    title : str

    Returns
    -------
    utils.plots.BookFigure
    """
    import matplotlib as mpl

    from utils import plots

    need = ["bcc", "scale", "returns_to_scale"]
    if not isinstance(table, pd.DataFrame) or any(c not in table.columns for c in need):
        raise ValueError(f"table: expected the output of fund_efficiency with columns {need}")
    if table.empty:
        raise ValueError("table: has no rows")
    x = table["bcc"].to_numpy(float)
    y = table["scale"].to_numpy(float)

    def _floor(v: np.ndarray) -> float:
        return max(0.0, min(0.9, float(np.floor(v.min() * 20) / 20) - 0.03))

    fx, fy = _floor(x), _floor(y)
    kinds = [k for k in ("constant", "increasing", "decreasing") if k in set(table[need[2]])]
    styles = dict(zip(kinds, plots.series_styles(kinds), strict=True))
    with mpl.rc_context(plots.house_rc()):
        fig = plots.BookFigure(figsize=(plots.BOOK_WIDTH, 5.4), layout="constrained")
        ax = fig.subplots()
        grid = np.linspace(max(fx, 1e-3), 1.0, 400)
        # axes-fraction coordinates of the points, to keep curve labels away from them
        px, py = (x - fx) / (1.02 - fx), (y - fy) / (1.02 - fy)
        for c in np.arange(0.1, 0.999, 0.1):  # CCR 1 is the single point (1, 1)
            ys = c / grid
            keep = (ys >= fy) & (ys <= 1.0)
            if keep.sum() > 1:
                ax.plot(grid[keep], ys[keep], color="0.6", linestyle="--", linewidth=0.8)
                gx_, gy_ = grid[keep], ys[keep]
                fx_, fy_ = (gx_ - fx) / (1.02 - fx), (gy_ - fy) / (1.02 - fy)
                inner = (fx_ > 0.03) & (fx_ < 0.93) & (fy_ > 0.03) & (fy_ < 0.95)
                if not inner.any():
                    continue
                d = np.min(np.hypot(fx_[:, None] - px, fy_[:, None] - py), axis=1)
                i = int(np.argmax(np.where(inner, d, -1.0)))  # emptiest spot on the curve
                ax.annotate(
                    f"CCR {c:.1f}", (gx_[i], gy_[i]), fontsize=7.5, color="0.35",
                    xytext=(3, 3), textcoords="offset points", ha="left",
                    bbox={"boxstyle": "round,pad=0.1", "fc": "white", "ec": "none", "alpha": 0.8},
                )  # fmt: skip
        for k in kinds:
            sel = (table[need[2]] == k).to_numpy()
            st_ = styles[k]
            ax.scatter(
                x[sel], y[sel], marker=st_.marker, color=st_.color, edgecolor="0.1",
                linewidth=0.5, s=40, label=f"{k} returns to scale", zorder=3,
            )  # fmt: skip
        # one label per cluster of (nearly) coincident points: within 1.2 % of both axis spans
        spots: list[tuple[float, float, list[str]]] = []
        for lab, xi, yi in zip(table.index, x, y, strict=True):
            for sx, sy, labs in spots:
                if abs(sx - xi) < 0.012 * (1.02 - fx) and abs(sy - yi) < 0.012 * (1.02 - fy):
                    labs.append(str(lab))
                    break
            else:
                spots.append((xi, yi, [str(lab)]))
        ax.set_xlim(fx, 1.02)
        ax.set_ylim(fy, 1.02)
        fig.legend(loc="outside lower center", ncols=3, frameon=False)
        ax.set_title(title or "Efficiency decomposition")
        ax.set_xlabel("Pure technical efficiency (BCC, 0-1)")
        ax.set_ylabel("Scale efficiency (CCR / BCC, 0-1)")
        _place_labels(fig, ax, spots)
    return fig


def _place_labels(fig, ax, spots) -> None:
    """Greedy point labelling: try eight offsets per label, keep the first free one.

    Labels are placed longest first.
    A candidate is free when its box stays inside the axes and overlaps neither an already
    placed label nor any plotted point (a 4-px square around each marker centre); when no
    candidate is free the least-overlapping one is used. Hand-written because no maintained
    dependency of the project does label placement (adjustText is not installed).
    """
    renderer = fig._get_renderer()
    fig.draw_without_rendering()
    ax_bb = ax.get_window_extent(renderer)
    pts = ax.transData.transform(np.array([(sx, sy) for sx, sy, _ in spots]))
    marks = [(px - 5, py - 5, px + 5, py + 5) for px, py in pts]
    placed: list[tuple[float, float, float, float]] = []
    cands = [(4, 3, "left", "bottom"), (4, -3, "left", "top"), (-4, 3, "right", "bottom"),
             (-4, -3, "right", "top"), (0, 6, "center", "bottom"), (0, -6, "center", "top"),
             (7, 0, "left", "center"), (-7, 0, "right", "center")]  # fmt: skip

    def overlap(a, b) -> float:
        w = min(a[2], b[2]) - max(a[0], b[0])
        h = min(a[3], b[3]) - max(a[1], b[1])
        return max(w, 0) * max(h, 0)

    longest_first = sorted(range(len(spots)), key=lambda j: -len(", ".join(spots[j][2])))
    for k in longest_first:  # long cluster labels have the fewest free spots: place them first
        sx, sy, labs = spots[k]
        best, best_cost = None, np.inf
        for dx, dy, ha, va in cands:
            t = ax.annotate(", ".join(labs), (sx, sy), xytext=(dx, dy), textcoords="offset points",
                            fontsize=7.5, ha=ha, va=va, gid="efficiency-point-label")  # fmt: skip
            bb = t.get_window_extent(renderer)
            box = (bb.x0, bb.y0, bb.x1, bb.y1)
            outside = (max(ax_bb.x0 - box[0], 0) + max(box[2] - ax_bb.x1, 0)
                       + max(ax_bb.y0 - box[1], 0) + max(box[3] - ax_bb.y1, 0))  # fmt: skip
            cost = (1e3 * outside + sum(overlap(box, p) for p in placed)
                    + sum(overlap(box, m) for j, m in enumerate(marks) if j != k))  # fmt: skip
            if cost < best_cost:
                if best is not None:
                    best.remove()
                best, best_cost = t, cost
            else:
                t.remove()
            if cost == 0:
                break
        bb = best.get_window_extent(renderer)
        placed.append((bb.x0, bb.y0, bb.x1, bb.y1))


# --------------------------------------------------------------------------------------------
# Chapter summaries (what the scoring chapter's cells glue)
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class VerdictSummary:
    """The verdict table read for the text (:func:`verdict_summary`).

    Attributes
    ----------
    weakest, strongest : pd.Series
        Last and first row of the verdict table (sorted by rank).
    weaknesses, strengths : tuple of str
        ``dimension`` labels with verdict "weakness" / "strength", in table order.
    item_agreement : RankAgreement
        Kendall's tau-b between the fuzzy-evaluation and the item-mean ranks.
    item_weakest : str
        Criterion with the lowest item-mean score (first on ties).
    same_weakest : bool
        Whether ``item_weakest`` is the verdict table's last criterion.
    """

    weakest: pd.Series
    strongest: pd.Series
    weaknesses: tuple[str, ...]
    strengths: tuple[str, ...]
    item_agreement: RankAgreement
    item_weakest: str
    same_weakest: bool


def verdict_summary(verdicts: pd.DataFrame, comparison: pd.DataFrame) -> VerdictSummary:
    """Weakest and strongest dimension, the verdict lists and the cross-check with item means.

    ``weakest`` / ``strongest`` = last / first row of :func:`verdict_table` (rank order);
    ``weaknesses`` / ``strengths`` = the dimensions whose verdict (:func:`verdict_word`) is
    "weakness" / "strength"; ``item_agreement`` = :func:`rank_agreement` (Kendall 1945 tau-b,
    scipy) of ``fce_rank`` and ``item_rank`` of :func:`dimension_comparison`;
    ``item_weakest = argmin_c item_mean_score_c``.

    Parameters
    ----------
    verdicts : DataFrame
        Output of :func:`verdict_table` (index criterion; ``dimension``, ``verdict``, ...).
    comparison : DataFrame
        Output of :func:`dimension_comparison` on the same criteria.

    Returns
    -------
    VerdictSummary

    Raises
    ------
    ValueError
        A table without its columns, an empty verdict table, or criteria that differ.

    References
    ----------
    Kendall, M. G. (1945). The treatment of ties in ranking problems. *Biometrika*, 33(3),
    239-251.
    """
    need_v = ["dimension", "verdict"]
    if not isinstance(verdicts, pd.DataFrame) or any(c not in verdicts.columns for c in need_v):
        raise ValueError(f"verdicts: expected the output of verdict_table with columns {need_v}")
    if verdicts.empty:
        raise ValueError("verdicts: is empty")
    need_c = ["fce_rank", "item_rank", "item_mean_score"]
    if not isinstance(comparison, pd.DataFrame) or any(c not in comparison.columns for c in need_c):
        raise ValueError(
            f"comparison: expected the output of dimension_comparison with columns {need_c}"
        )
    if set(verdicts.index) != set(comparison.index):
        only = sorted(map(str, set(verdicts.index) ^ set(comparison.index)))
        raise ValueError(
            f"comparison: criteria differ from the verdict table's (only in one: {only})"
        )
    item_weakest = comparison["item_mean_score"].idxmin()
    return VerdictSummary(
        weakest=verdicts.iloc[-1],
        strongest=verdicts.iloc[0],
        weaknesses=tuple(verdicts.loc[verdicts["verdict"] == VERDICT_WORDS[0], "dimension"]),
        strengths=tuple(verdicts.loc[verdicts["verdict"] == VERDICT_WORDS[2], "dimension"]),
        item_agreement=rank_agreement(comparison["fce_rank"], comparison["item_rank"]),
        item_weakest=item_weakest,
        same_weakest=bool(item_weakest == verdicts.index[-1]),
    )


@dataclass(frozen=True)
class TownshipComparison:
    """Townships ranked by TOPSIS and grey relational analysis (:func:`township_comparison`).

    Attributes
    ----------
    matrix : TownshipMatrix
        The decision matrix (:func:`township_matrix`).
    weights : pd.Series
        Global weights of the matrix's columns (:func:`township_weights`, not rescaled).
    table : DataFrame
        :func:`compare_townships` (sorted by TOPSIS rank).
    agreement : RankAgreement
        Kendall's tau-b of the TOPSIS and grey ranks.
    dropped_labels : tuple of str
        ``"<id>, <English label in lower case>"`` of each indicator dropped as constant.
    """

    matrix: TownshipMatrix
    weights: pd.Series
    table: pd.DataFrame
    agreement: RankAgreement
    dropped_labels: tuple[str, ...]


def township_comparison(
    panel: pd.DataFrame,
    indicators: pd.DataFrame,
    weights: pd.Series,
    year: int | None = None,
    rho: float = 0.5,
) -> TownshipComparison:
    """Build the township decision matrix, rank it two ways and measure the rankings' agreement.

    :func:`township_matrix` (constant indicators dropped) -> :func:`compare_townships`
    (TOPSIS closeness ``C_t = d_t^- / (d_t^+ + d_t^-)``, Hwang & Yoon 1981; Deng's grey
    relational grade with distinguishing coefficient ``rho``, Deng 1982) ->
    :func:`rank_agreement` (Kendall's tau-b, scipy). Defaults: the latest panel year,
    ``rho = 0.5``.

    Parameters
    ----------
    panel : DataFrame
        Township panel.
    indicators : DataFrame
        Indicator table (ids, directions, sources, English labels ``label_en``).
    weights : pd.Series
        Global indicator weights indexed by id.
    year : int, optional
        Panel year; default the latest.
    rho : float, default 0.5

    Returns
    -------
    TownshipComparison

    Raises
    ------
    ValueError
        As :func:`township_matrix`, :func:`township_weights` and :func:`compare_townships`;
        an indicator table without ``label_en``.

    References
    ----------
    Hwang, C. L. & Yoon, K. (1981). *Multiple Attribute Decision Making*. Springer.
    Deng, J. L. (1982). Control problems of grey systems. *Systems & Control Letters*, 1(5),
    288-294.
    """
    ind = _indicator_rows(indicators)
    if "label_en" not in ind.columns:
        raise ValueError("indicators: missing column 'label_en' (names of dropped indicators)")
    matrix = township_matrix(panel, indicators, year=year)
    w_town = township_weights(weights, matrix.X.columns)
    table = compare_townships(matrix, weights, rho=rho)
    return TownshipComparison(
        matrix=matrix,
        weights=w_town,
        table=table,
        agreement=rank_agreement(table["topsis_rank"], table["grey_rank"]),
        dropped_labels=tuple(f"{i}, {str(ind.loc[i, 'label_en']).lower()}" for i in matrix.dropped),
    )
