"""Indicator weights of the M County evaluation system (chapter 2; used by chapter 4).

The indicator system (``indicators.csv`` of the data folder) is a two-level hierarchy: goal ->
criteria -> indicators. This module turns the data into weights for every
indicator:

* **subjective (AHP)** weights from the expert panel (``experts/judgments.csv``): per block,
  :func:`utils.methods.weights.ahp_group` checks each expert's matrix (Saaty's consistency
  ratio), can leave out those whose ratio is not below ``consistency_threshold`` and pools the
  rest by the element-wise geometric mean (AIJ); the criterion and indicator (local) priorities
  are composed into global weights by :func:`utils.methods.weights.ahp_hierarchy`;
* **objective** weights (entropy or CRITIC, :func:`utils.methods.weights.entropy_weights`,
  :func:`utils.methods.weights.critic_weights`), each source on its own units
  (:func:`utils.methods.weights.blockwise_weights`): survey indicators on household rows
  (:func:`survey_matrix`), township indicators on the panel's township rows
  (:func:`township_matrix`), each source keeping the share of the indicators it holds;
* **combined** weights, the linear mix ``alpha * AHP + (1 - alpha) * objective``
  (:func:`utils.methods.weights.combine_weights` with ``method="linear"``).

The expert, survey and township files shipped with the project are SIMULATED (see
``data/README.md``), so the weights computed from them are illustrations, not M County's.

Typical use (chapter 4)::

    from utils.study.indicators import indicator_weights
    w = indicator_weights(DATA_DIR, scheme="combined")
    w.global_weights      # Series indexed by indicator id, sums to 1
    w.criteria_weights    # Series indexed by criterion id, sums to 1
    w.table               # one row per indicator: criterion, labels, local/criterion/global weight

References
----------
Saaty, T. L. (1980). *The Analytic Hierarchy Process*. McGraw-Hill, New York.
Forman, E. & Peniwati, K. (1998). Aggregating individual judgments and priorities with the
analytic hierarchy process. *European Journal of Operational Research*, 108(1), 165-169.
Shannon, C. E. (1948). A mathematical theory of communication. *Bell System Technical Journal*,
27(3), 379-423.
Diakoulaki, D., Mavrotas, G. & Papayannakis, L. (1995). Determining objective weights in
multiple criteria problems: the CRITIC method. *Computers & Operations Research*, 22(7), 763-770.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from utils.methods import weights as _w
from utils.methods._validation import check_choice, check_in_range
from utils.study import data as _data

__all__ = [
    "SCHEMES",
    "OBJECTIVE_METHODS",
    "IndicatorWeights",
    "indicator_table",
    "group_ahp_weights",
    "survey_matrix",
    "township_matrix",
    "weights_table",
    "indicator_weights",
    "planted_weights",
    "THESIS_PROBLEMS",
    "MATCHED_COLUMNS",
    "indicator_system_table",
]

#: Weighting schemes accepted by :func:`indicator_weights`.
SCHEMES = ("combined", "ahp", "entropy", "critic")
#: Objective methods (the objective half of the combined scheme).
OBJECTIVE_METHODS = ("entropy", "critic")

#: The four problems the thesis names (its abstract, in English as published), by the id of the
#: criterion that carries them, with the construct each problem's words name. Living conditions
#: (``lc``) carries no problem of the thesis.
THESIS_PROBLEMS: dict[str, tuple[str, str]] = {
    "gs": ("poor government services", "ratings of the services"),
    "in": ("inefficient poverty-alleviation industries", "efficiency of the industry funds"),
    "ss": ("slow progress in social security coverage", "coverage (reach)"),
    "ed": ("low levels of people's ideological knowledge", "policy knowledge and aspiration"),
}

#: Source columns (survey items and township statistics) that measure the construct a thesis
#: problem names (issue 10: "measures that match the thesis' problems"). The simulator records
#: the same lists in ``truth.json`` (``matched_measures``); ``tests/test_indicators.py`` keeps the
#: two equal. A design statement of the book, not a result.
MATCHED_COLUMNS: dict[str, tuple[str, ...]] = {
    "gs": ("gs1", "gs2", "gs3", "gs4", "gs5", "cadre_visits_per_household"),
    "in": (
        "industry_efficiency",
        "projects_surviving_pct",
        "participant_income_gain_yuan",
        "ind_participates",
        "ind_income_gain_yuan",
    ),
    "ss": (
        "serious_illness_aid_pct",
        "dibao_coverage_pct",
        "medical_insurance_pct",
        "cov_medical_insurance",
        "cov_pension",
        "cov_dibao",
        "cov_serious_illness_aid",
    ),
    "ed": ("quiz1", "quiz2", "quiz3", "quiz4", "quiz5", "asp1", "asp2", "asp3", "asp4"),
}

_TABLE_COLUMNS = [
    "criterion",
    "label_en",
    "local_weight",
    "criterion_weight",
    "global_weight",
]


# --------------------------------------------------------------------------------------------
# Result type
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class IndicatorWeights:
    """Weights of every indicator of the evaluation system.

    Attributes
    ----------
    table : pd.DataFrame
        Index ``indicator`` (ids as in ``indicators.csv``, in that order); columns
        ``criterion``, ``label_en``, ``local_weight`` (within its criterion, sums to 1 per
        criterion), ``criterion_weight`` (its criterion's weight) and ``global_weight``
        (``criterion_weight * local_weight``; sums to 1 over all indicators).
    scheme : str
        ``"combined"``, ``"ahp"``, ``"entropy"`` or ``"critic"``.
    alpha : float or None
        Share of the AHP weights in the combined scheme (None for the pure schemes).
    objective : str or None
        Objective method mixed in by the combined scheme (None for the pure schemes).
    components : pd.DataFrame
        Global weights of each pure method (columns ``ahp``, ``entropy``, ``critic``), index
        ``indicator``; lets a reader see what was mixed.
    excluded : pd.DataFrame
        Expert matrices left out of the AHP aggregation (columns ``expert``, ``block``,
        ``consistency_ratio``); empty when none was excluded or ``exclude_inconsistent=False``.
    n_households : int
        Households (complete cases among the survey items) behind the survey indicators'
        objective weights.
    year : int or None
        Township-statistics year used by the objective matrix (None = mean over all years).
    n_townships : int
        Townships (rows of the panel) behind the township indicators' objective weights.
    """

    table: pd.DataFrame
    scheme: str
    alpha: float | None
    objective: str | None
    components: pd.DataFrame
    excluded: pd.DataFrame
    n_households: int
    year: int | None
    n_townships: int = 0

    @property
    def global_weights(self) -> pd.Series:
        """Global weight per indicator (sums to 1), named ``"global_weight"``."""
        return self.table["global_weight"].copy()

    @property
    def criteria_weights(self) -> pd.Series:
        """Weight per criterion (sums to 1), in the order of ``indicators.csv``."""
        s = self.table.groupby("criterion", sort=False)["global_weight"].sum()
        s.name = "criterion_weight"
        return s

    @property
    def local_weights(self) -> dict[str, pd.Series]:
        """``{criterion: Series of local weights}`` (each sums to 1)."""
        return {
            c: g["local_weight"].rename("local_weight")
            for c, g in self.table.groupby("criterion", sort=False)
        }


# --------------------------------------------------------------------------------------------
# Input helpers
# --------------------------------------------------------------------------------------------


def indicator_table(indicators: pd.DataFrame) -> pd.DataFrame:
    """The indicator rows of ``indicators.csv`` (level ``indicator``), indexed by id.

    Parameters
    ----------
    indicators : pd.DataFrame
        As returned by :func:`utils.study.data.load_indicators` (columns ``id, level, criterion,
        label_en, direction, source, source_column`` at least).

    Returns
    -------
    pd.DataFrame
        Index ``indicator``; columns as in the file (``direction`` is ``benefit``/``cost``).

    Raises
    ------
    ValueError
        If a needed column is missing or there is no indicator row.
    """
    need = ["id", "level", "criterion", "label_en", "direction", "source", "source_column"]
    if not isinstance(indicators, pd.DataFrame):
        raise ValueError("indicators: expected the DataFrame from utils.study.data.load_indicators")
    missing = [c for c in need if c not in indicators.columns]
    if missing:
        raise ValueError(f"indicators: missing column(s) {missing}; expected {need}")
    ind = indicators[indicators["level"] == "indicator"]
    if ind.empty:
        raise ValueError("indicators: no row has level 'indicator'")
    out = ind.set_index("id")
    out.index.name = "indicator"
    return out


def _criteria_order(indicators: pd.DataFrame) -> list[str]:
    crit = indicators.loc[indicators["level"] == "criterion", "id"].tolist()
    if not crit:
        crit = list(dict.fromkeys(indicator_table(indicators)["criterion"]))
    return [str(c) for c in crit]


# --------------------------------------------------------------------------------------------
# AHP on the expert panel
# --------------------------------------------------------------------------------------------
def group_ahp_weights(
    matrices: Mapping[tuple[str, str], pd.DataFrame],
    indicators: pd.DataFrame,
    exclude_inconsistent: bool = True,
    consistency_threshold: float = _w.CONSISTENCY_THRESHOLD,
    ri: str = "saaty",
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Group AHP weights of the hierarchy goal -> criteria -> indicators.

    For every block (``"criteria"`` and each criterion id) the experts' matrices, reordered to
    the order of ``indicators.csv``, go to :func:`utils.methods.weights.ahp_group` (equal-weight
    element-wise geometric mean, AIJ; Aczél & Saaty 1983; Forman & Peniwati 1998); with
    ``exclude_inconsistent`` a matrix whose consistency ratio is not below
    ``consistency_threshold`` is dropped from *that block only* (the expert's other,
    consistent blocks are kept). Global weights: ``w_i = w_criterion(i) * w_local(i)``
    (:func:`utils.methods.weights.ahp_hierarchy`).

    Parameters
    ----------
    matrices : dict {(expert, block): DataFrame}
        From :func:`utils.study.data.expert_matrices`.
    indicators : pd.DataFrame
        From :func:`utils.study.data.load_indicators`.
    exclude_inconsistent : bool, default True
    consistency_threshold : float in (0, 1], default 0.10 (Saaty 1980)
    ri : {"saaty", "saaty2005"}, default "saaty"

    Returns
    -------
    (table, excluded)
        ``table``: index ``indicator``; columns ``criterion, local_weight, criterion_weight,
        global_weight``. ``excluded``: columns ``expert, block, consistency_ratio`` of the
        dropped matrices.

    Raises
    ------
    ValueError
        A block with no matrix, a matrix whose labels are not the block's ids, or a block in
        which every matrix is inconsistent (nothing left to aggregate).

    References
    ----------
    Aczél, J. & Saaty, T. L. (1983). Procedures for synthesizing ratio judgements. *Journal of
    Mathematical Psychology*, 27(1), 93-102.
    Forman, E. & Peniwati, K. (1998). Aggregating individual judgments and priorities with the
    analytic hierarchy process. *European Journal of Operational Research*, 108(1), 165-169.
    """
    t = check_in_range(consistency_threshold, "consistency_threshold", 0, 1, low_open=True)
    ind = indicator_table(indicators)
    crit = _criteria_order(indicators)
    members = {"criteria": crit} | {
        c: [str(i) for i in ind.index[ind["criterion"] == c]] for c in crit
    }
    excluded = []
    priorities: dict[str, pd.Series] = {}
    for block, ids in members.items():
        mats = {e: m for (e, b), m in sorted(matrices.items()) if b == block}
        if not mats:
            raise ValueError(f"matrices: no expert matrix for block {block!r}")
        for e, m in mats.items():
            if set(map(str, m.index)) != set(ids) or set(map(str, m.columns)) != set(ids):
                raise ValueError(
                    f"matrices[({e!r}, {block!r})]: labels {list(m.index)} are not the block's "
                    f"ids {ids}"
                )
            mats[e] = m.set_axis(m.index.map(str), axis=0).set_axis(m.columns.map(str), axis=1)
            mats[e] = mats[e].loc[ids, ids]
        try:
            group = _w.ahp_group(
                mats, threshold=t, exclude_inconsistent=exclude_inconsistent, ri=ri
            )
        except ValueError as exc:
            raise ValueError(f"matrices, block {block!r}: {exc}") from exc
        dropped = group.individual[~group.individual["included"]]
        excluded += [(e, block, r) for e, r in dropped["consistency_ratio"].items()]
        priorities[block] = group.weights
    h = _w.ahp_hierarchy(priorities["criteria"], {c: priorities[c] for c in crit})
    table = h.set_index("indicator").loc[list(ind.index)]
    table.index.name = "indicator"
    return (
        table[["criterion", "local_weight", "criterion_weight", "global_weight"]],
        pd.DataFrame(excluded, columns=["expert", "block", "consistency_ratio"]),
    )


# --------------------------------------------------------------------------------------------
# Objective weights
# --------------------------------------------------------------------------------------------
def _sourced_items(
    indicators: pd.DataFrame, source: str, data, name: str, required: list[str]
) -> pd.DataFrame:
    """The indicators whose ``source`` is ``source``, once ``data`` (the argument ``name``) is
    checked: a DataFrame with the ``required`` columns and every such indicator's column."""
    ind = indicator_table(indicators)
    bad_src = ind.index[~ind["source"].isin(["survey", "township"])]
    if len(bad_src):
        i = bad_src[0]
        raise ValueError(
            f"indicators: indicator {i!r} has source {ind.at[i, 'source']!r}; must be 'survey' "
            f"or 'township'"
        )
    if not isinstance(data, pd.DataFrame):
        raise ValueError(f"{name}: expected a DataFrame")
    missing = [c for c in required if c not in data.columns]
    if missing:
        raise ValueError(f"{name}: missing column(s) {missing}")
    items = ind[ind["source"] == source]
    if items.empty:
        raise ValueError(f"indicators: no indicator has source {source!r}")
    for i, r in items.iterrows():
        if r["source_column"] not in data.columns:
            raise ValueError(
                f"{name}: column {r['source_column']!r} (source of indicator {i!r}) is missing"
            )
    return items


def survey_matrix(
    survey: pd.DataFrame, indicators: pd.DataFrame, dropna: bool = True
) -> pd.DataFrame:
    """Households x survey indicators: the rows on which survey indicators get objective weights.

    One row per surveyed household, one column per indicator whose ``source`` is ``survey``
    (its questionnaire item, ``source_column``). With ``dropna`` only households that answered
    every survey item are kept (complete cases *among the survey items*; the township
    indicators play no part): CRITIC needs the correlations of the items on one common set of
    households (pairwise-deleted correlation matrices need not be coherent), and the entropy
    weights use the same rows so that the two objective schemes describe the same data.
    Design weights are not used: the weights describe the dispersion of the answers in the
    sample.

    Parameters
    ----------
    survey : pd.DataFrame
        From :func:`utils.study.data.load_survey` (``household_id`` and the items).
    indicators : pd.DataFrame
        From :func:`utils.study.data.load_indicators`.
    dropna : bool, default True

    Returns
    -------
    pd.DataFrame
        Index ``household_id``; columns the survey indicator ids (float), in file order.

    Raises
    ------
    ValueError
        Unknown source, no survey indicator, a missing ``household_id`` or item column, or no
        complete household left.

    Examples
    --------
    >>> ind = pd.DataFrame({"id": ["a", "A1", "A2", "A3"], "level": ["criterion"] + ["indicator"] * 3,
    ...     "criterion": ["a"] * 4, "label_en": ["A", "a1", "a2", "a3"],
    ...     "direction": ["", "benefit", "benefit", "cost"],
    ...     "source": ["", "survey", "survey", "township"], "source_column": ["", "q1", "q2", "s"]})
    >>> sv = pd.DataFrame({"household_id": ["H1", "H2", "H3"], "q1": [1, 2, None], "q2": [3, 4, 5]})
    >>> survey_matrix(sv, ind).to_numpy().tolist()
    [[1.0, 3.0], [2.0, 4.0]]
    """
    items = _sourced_items(indicators, "survey", survey, "survey", ["household_id"])
    X = pd.DataFrame(
        {
            i: pd.to_numeric(survey[r["source_column"]], errors="coerce").astype(float)
            for i, r in items.iterrows()
        }
    )
    X.index = pd.Index(survey["household_id"].astype(str), name="household_id")
    X.columns.name = "indicator"
    if dropna:
        X = X.dropna()
        if X.empty:
            raise ValueError("survey: no household answered every survey indicator item")
    return X


def township_matrix(
    panel: pd.DataFrame, indicators: pd.DataFrame, year: int | None = None
) -> pd.DataFrame:
    """Townships x township indicators: the rows on which township indicators get objective weights.

    One row per township of the panel (all of them, not only the surveyed ones: a township
    statistic describes a township, so its dispersion is measured across townships, each
    counted once), one column per indicator whose ``source`` is ``township``. By default
    (``year=None``) a statistic is the township's **mean over the panel years** (in the final
    year some statistics are constant, e.g. poverty incidence 0 everywhere at the end of 2020,
    which would give them zero objective weight); with ``year=<int>`` that year's value.

    Parameters
    ----------
    panel : pd.DataFrame
        From :func:`utils.study.data.load_township_panel` (``township``, ``year``, statistics).
    indicators : pd.DataFrame
        From :func:`utils.study.data.load_indicators`.
    year : int, optional

    Returns
    -------
    pd.DataFrame
        Index ``township``; columns the township indicator ids (float), in file order.

    Raises
    ------
    ValueError
        Unknown source, no township indicator, missing columns, a year not in the panel, or a
        missing statistic.

    Examples
    --------
    >>> ind = pd.DataFrame({"id": ["a", "A1", "A2"], "level": ["criterion"] + ["indicator"] * 2,
    ...     "criterion": ["a"] * 3, "label_en": ["A", "a1", "a2"],
    ...     "direction": ["", "benefit", "cost"], "source": ["", "survey", "township"],
    ...     "source_column": ["", "q1", "s"]})
    >>> pn = pd.DataFrame({"township": ["T1", "T1", "T2", "T2"], "year": [2019, 2020] * 2,
    ...                    "s": [1.0, 3.0, 5.0, 5.0]})
    >>> township_matrix(pn, ind)["A2"].tolist(), township_matrix(pn, ind, year=2019)["A2"].tolist()
    ([2.0, 5.0], [1.0, 5.0])
    """
    stats_ind = _sourced_items(indicators, "township", panel, "panel", ["township", "year"])
    cols = list(dict.fromkeys(stats_ind["source_column"]))
    years = sorted(int(y) for y in pd.unique(panel["year"].astype(int)))
    p = panel.assign(township=panel["township"].astype(str))
    if year is None:
        stats = p.groupby("township")[cols].mean()
    else:
        if isinstance(year, bool) or not isinstance(year, (int, np.integer)) or year not in years:
            raise ValueError(f"year: must be one of the panel years {years} or None, got {year!r}")
        stats = p[p["year"].astype(int) == int(year)].set_index("township")[cols]
    X = pd.DataFrame({i: stats[r["source_column"]].astype(float) for i, r in stats_ind.iterrows()})
    X.index.name = "township"
    X.columns.name = "indicator"
    if X.isna().any().any():
        t, c = X.stack(future_stack=True).loc[lambda v: v.isna()].index[0]
        raise ValueError(f"panel: township {t!r} has no value for indicator {c!r}")
    return X


# --------------------------------------------------------------------------------------------
# Weights of the indicator system
# --------------------------------------------------------------------------------------------
def weights_table(global_weights: pd.Series, indicators: pd.DataFrame) -> pd.DataFrame:
    """Local, criterion and global weights of every indicator from its global weights.

    ``g_i = w_i / sum_k w_k``; ``W_c = sum_{i in c} g_i``; ``local_i = g_i / W_c(i)`` (0 when
    ``W_c = 0``), so ``global = criterion * local`` holds for every weighting scheme.

    Parameters
    ----------
    global_weights : pd.Series
        Non-negative weights indexed by indicator id.
    indicators : pd.DataFrame
        :func:`indicator_table` (index indicator; columns ``criterion`` and ``label_en``).

    Returns
    -------
    pd.DataFrame
        Index ``indicator``; columns ``criterion, label_en, local_weight, criterion_weight,
        global_weight``.

    Examples
    --------
    >>> ind = pd.DataFrame({"criterion": ["A", "A", "B"], "label_en": ["a1", "a2", "b1"]},
    ...                    index=pd.Index(["A1", "A2", "B1"], name="indicator"))
    >>> t = weights_table(pd.Series({"A1": 0.2, "A2": 0.2, "B1": 0.6}), ind)
    >>> t[["local_weight", "criterion_weight"]].round(2).to_numpy().tolist()
    [[0.5, 0.4], [0.5, 0.4], [1.0, 0.6]]
    """
    g = global_weights.reindex(indicators.index).astype(float)
    ind = indicators
    g = g / g.sum()
    cw = g.groupby(ind["criterion"], sort=False).transform("sum")
    local = (g / cw.where(cw > 0)).fillna(0.0)
    out = pd.DataFrame(
        {
            "criterion": ind["criterion"],
            "label_en": ind["label_en"],
            "local_weight": local,
            "criterion_weight": cw,
            "global_weight": g,
        }
    )
    out.index.name = "indicator"
    return out[_TABLE_COLUMNS]


def indicator_weights(
    data_dir: str | Path | None = None,
    scheme: str = "combined",
    exclude_inconsistent: bool = True,
    alpha: float = 0.5,
    year: int | None = None,
    objective: str = "entropy",
    consistency_threshold: float = _w.CONSISTENCY_THRESHOLD,
    ri: str = "saaty",
) -> IndicatorWeights:
    """Weights of every indicator in ``indicators.csv`` (criterion, local, criterion, global).

    Subjective: group AHP of the expert panel (:func:`group_ahp_weights`: per-expert Saaty
    consistency ratio, matrices whose ratio is not below ``consistency_threshold`` excluded when
    ``exclude_inconsistent``, geometric-mean aggregation, hierarchic composition). Objective:
    :func:`utils.methods.weights.entropy_weights` or :func:`utils.methods.weights.critic_weights`
    with each source on its own units (:func:`utils.methods.weights.blockwise_weights`: survey indicators on the
    households that answered every survey item, township indicators on the panel's townships,
    each source keeping its share of the indicators). Combined: the linear mix
    (:func:`utils.methods.weights.combine_weights`, ``method="linear"``; Ma et al. 1999)

        w_i = alpha * w_i^AHP + (1 - alpha) * w_i^obj.

    Criterion weights are then the sums of their indicators' global weights and local weights
    the within-criterion shares (:func:`weights_table`), so ``global = criterion * local``
    holds for every scheme.

    Parameters
    ----------
    data_dir : str or Path, optional
        Data root with the codebook layout (default ``data/``).
    scheme : {"combined", "ahp", "entropy", "critic"}, default "combined"
    exclude_inconsistent : bool, default True
    alpha : float in [0, 1], default 0.5
        Share of the AHP weights in the combined scheme.
    year : int, optional
        Township-statistics year for the objective matrix (default: mean over all years).
    objective : {"entropy", "critic"}, default "entropy"
        Objective half of the combined scheme.
    consistency_threshold : float in (0, 1], default 0.10 (Saaty 1980)
    ri : {"saaty", "saaty2005"}, default "saaty"

    Returns
    -------
    IndicatorWeights
        ``.table`` (one row per indicator), ``.global_weights``, ``.criteria_weights``,
        ``.local_weights``, ``.components``, ``.excluded``.

    References
    ----------
    Ma, J., Fan, Z.-P. & Huang, L.-H. (1999). A subjective and objective integrated approach to
    determine attribute weights. *European Journal of Operational Research*, 112(2), 397-404.

    Examples
    --------
    >>> w = indicator_weights("data", scheme="ahp")          # doctest: +SKIP
    >>> round(w.global_weights.sum(), 12)                    # doctest: +SKIP
    1.0
    """
    check_choice(scheme, SCHEMES, "scheme")
    check_choice(objective, OBJECTIVE_METHODS, "objective")
    a = check_in_range(alpha, "alpha", 0, 1)
    check_in_range(consistency_threshold, "consistency_threshold", 0, 1, low_open=True)
    indicators = _data.load_indicators(data_dir)
    matrices = _data.expert_matrices(_data.load_expert_judgments(data_dir))
    ahp_table, excluded = group_ahp_weights(
        matrices, indicators, exclude_inconsistent, consistency_threshold, ri
    )
    sx = survey_matrix(_data.load_survey(data_dir), indicators)
    tx = township_matrix(_data.load_township_panel(data_dir), indicators, year)
    ind = indicator_table(indicators)
    components = pd.DataFrame(
        {
            "ahp": ahp_table["global_weight"],
            "entropy": _w.blockwise_weights([sx, tx], ind["direction"], "entropy"),
            "critic": _w.blockwise_weights([sx, tx], ind["direction"], "critic"),
        }
    ).loc[list(ind.index)]
    components.index.name = "indicator"
    if scheme == "combined":
        g = _w.combine_weights(components["ahp"], components[objective], "linear", alpha=a)
    else:
        g = components[scheme]
    return IndicatorWeights(
        table=weights_table(g, ind),
        scheme=scheme,
        alpha=a if scheme == "combined" else None,
        objective=objective if scheme == "combined" else None,
        components=components,
        excluded=excluded,
        n_households=int(len(sx)),
        year=year,
        n_townships=int(len(tx)),
    )


# --------------------------------------------------------------------------------------------
# Recovery of planted weights (simulated data only)
# --------------------------------------------------------------------------------------------
def planted_weights(truth: Mapping, indicators: pd.DataFrame) -> pd.DataFrame:
    """The planted (true) weights of the simulation model, as an indicator table.

    ``truth["true_weights"]["expert_criteria"]`` and ``truth["true_weights"]["indicator_local"]``
    (``data/truth.json``, written by ``utils.study.simulate``; older truth files:
    ``truth["experts"]["criteria_weights"]`` and ``["indicator_local_weights"]``) composed as
    ``global = criterion * local``. Only simulated data have a truth; real data do not.

    Parameters
    ----------
    truth : dict
        From :func:`utils.study.data.load_truth`.
    indicators : pd.DataFrame
        From :func:`utils.study.data.load_indicators`.

    Returns
    -------
    pd.DataFrame
        Same layout as :attr:`IndicatorWeights.table`.

    Raises
    ------
    ValueError
        If the truth has neither layout, or lacks a criterion or indicator of the system.

    Examples
    --------
    >>> ind = pd.DataFrame({"id": ["a", "A1", "A2"], "level": ["criterion"] + ["indicator"] * 2,
    ...     "criterion": ["a", "a", "a"], "label_en": ["A", "a1", "a2"],
    ...     "direction": ["", "benefit", "benefit"], "source": ["", "survey", "survey"],
    ...     "source_column": ["", "q1", "q2"]})
    >>> truth = {"true_weights": {"expert_criteria": {"a": 1.0},
    ...                           "indicator_local": {"a": {"A1": 0.25, "A2": 0.75}}}}
    >>> planted_weights(truth, ind)["global_weight"].tolist()
    [0.25, 0.75]
    """
    try:
        if isinstance(truth, Mapping) and "true_weights" in truth:
            cw = truth["true_weights"]["expert_criteria"]
            lw = truth["true_weights"]["indicator_local"]
        else:
            cw = truth["experts"]["criteria_weights"]
            lw = truth["experts"]["indicator_local_weights"]
    except (KeyError, TypeError):
        raise ValueError(
            "truth: expected keys true_weights.expert_criteria and true_weights.indicator_local "
            "(or experts.criteria_weights and experts.indicator_local_weights; data/truth.json "
            "of the simulated data)"
        ) from None
    ind = indicator_table(indicators)
    crit = _criteria_order(indicators)
    missing = [c for c in crit if c not in cw or c not in lw]
    if missing:
        raise ValueError(f"truth: no planted weight for criteria {missing}")
    local = {}
    for c in crit:
        ids = [str(i) for i in ind.index[ind["criterion"] == c]]
        absent = [i for i in ids if i not in lw[c]]
        if absent:
            raise ValueError(f"truth: no planted local weight for indicators {absent} of {c!r}")
        local[c] = pd.Series({i: lw[c][i] for i in ids}, dtype=float)
    h = _w.ahp_hierarchy(pd.Series({c: cw[c] for c in crit}, dtype=float), local)
    return weights_table(h.set_index("indicator")["global_weight"], ind)


# --------------------------------------------------------------------------------------------
# Tables for the chapter
# --------------------------------------------------------------------------------------------
def indicator_system_table(indicators: pd.DataFrame, codebook: pd.DataFrame) -> pd.DataFrame:
    """The indicator system as a goal -> criterion -> indicator table with each data source.

    Each indicator is mapped to its survey item or township statistic (``source_column``) and
    that column's wording and unit from the codebook, so the reader sees exactly what is
    measured, and to the thesis problem its criterion carries (:data:`THESIS_PROBLEMS`) with
    whether it measures what the problem's words name (:data:`MATCHED_COLUMNS`): coverage for
    social security, knowledge or aspiration for "ideological knowledge", efficiency for the
    industries, service ratings for government services.

    Parameters
    ----------
    indicators : pd.DataFrame
        From :func:`utils.study.data.load_indicators`.
    codebook : pd.DataFrame
        From :func:`utils.study.data.load_codebook` (columns ``file, column, label_en, unit``).

    Returns
    -------
    pd.DataFrame
        Index ``indicator``; columns ``criterion`` (the criterion's English label),
        ``indicator_en``, ``indicator_zh``, ``direction``, ``source``, ``column``, ``measure``
        (codebook wording), ``unit``, ``problem`` (the thesis problem of the criterion, empty
        when none) and ``matches_problem`` (True when the indicator measures the construct the
        problem names).

    Raises
    ------
    ValueError
        Missing codebook columns or an indicator whose source column has no codebook row.
    """
    ind = indicator_table(indicators)
    need = ["file", "column", "label_en", "unit"]
    if not isinstance(codebook, pd.DataFrame) or any(c not in codebook.columns for c in need):
        raise ValueError(f"codebook: expected the codebook DataFrame with columns {need}")
    crit_label = indicators.loc[indicators["level"] == "criterion"].set_index("id")["label_en"]
    files = {"survey": _data.FILES["survey"], "township": _data.FILES["townships"]}
    cb = codebook.set_index(["file", "column"])
    rows = []
    for i, r in ind.iterrows():
        key = (files.get(r["source"], ""), r["source_column"])
        if key not in cb.index:
            raise ValueError(
                f"codebook: no row for {key[1]!r} in {key[0] or r['source']!r} (source of "
                f"indicator {i!r})"
            )
        c = cb.loc[key]
        unit = c["unit"] if isinstance(c["unit"], str) and c["unit"] else "Likert 1-5"
        rows.append(
            (
                i,
                crit_label.get(r["criterion"], r["criterion"]),
                r["label_en"],
                r.get("label_zh", ""),
                r["direction"],
                r["source"],
                r["source_column"],
                c["label_en"],
                unit,
                THESIS_PROBLEMS.get(r["criterion"], ("", ""))[0],
                r["source_column"] in MATCHED_COLUMNS.get(r["criterion"], ()),
            )
        )
    out = pd.DataFrame(
        rows,
        columns=[
            "indicator",
            "criterion",
            "indicator_en",
            "indicator_zh",
            "direction",
            "source",
            "column",
            "measure",
            "unit",
            "problem",
            "matches_problem",
        ],
    ).set_index("indicator")
    return out
