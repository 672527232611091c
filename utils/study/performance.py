"""Performance scoring of chapter 4: the steps that are specific to M County's study design.

The chapter scores M County's precision poverty alleviation (SIMULATED data, see
``data/README.md``) with a two-level fuzzy comprehensive evaluation (indicator -> criterion ->
goal), compares townships by TOPSIS and grey relational analysis, and measures the efficiency of
poverty funds by DEA. The methods are in :mod:`utils.methods` and the chapter calls them in its
cells; this module only turns the study's tables into their inputs:

- :func:`household_grades`: one household x indicator table of grades 1..K (Likert answers for
  survey indicators, the household's township grade for township statistics, graded by
  :func:`utils.methods.scoring.relative_grades`), the input of the fuzzy memberships;
- :func:`restrict_to_sources`: the survey-only variant of the evaluation, every criterion keeping
  its weight;
- the evaluation itself is general and lives in :mod:`utils.methods.scoring`:
  ``hierarchy_weights`` (two-level weights from global indicator weights), ``fce_statistic``
  (the evaluation as a statistic of the household weights, for replicate-weight intervals) and
  ``dimension_verdicts`` (each dimension against an absolute standard and against the others);
- :func:`fund_efficiency_data`, :func:`annual_efficiency_data`: the DEA inputs/outputs (volumes)
  built from the township panel, over the period and year by year (chapter 4b);
- the figures of chapters 4 and 4b are chart types of :mod:`utils.plots`
  (``verdict_figure``, ``efficiency_figure``, ``scatter_panels``, ``interval_figure``).

Scores are on the book's one 0-100 scale: answer ``a`` of five scores ``25 (a - 1)``
(:func:`utils.methods.scoring.grade_points`), the neutral answer 50.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from utils.methods import scoring

__all__ = [
    "GRADE_NAMES",
    "FCE_SOURCES",
    "household_grades",
    "restrict_to_sources",
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
      statistic ``source_column`` in ``year`` (:func:`utils.methods.scoring.relative_grades` over *all* townships of
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
    scoring.grade_points(n_grades)  # checks n_grades
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
        grades = scoring.relative_grades(X, list(town_ind["direction"]), n_grades)
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
    grading standard; graded against the county's own distribution (:func:`utils.methods.scoring.relative_grades`),
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
    hw = scoring.hierarchy_weights(weights, ind["criterion"].astype(str))
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
