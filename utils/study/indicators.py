"""Indicator weights of the M County evaluation system (chapter 2; used by chapter 4).

The indicator system (``data/indicators.csv``) is a two-level hierarchy: goal -> five criteria
(``gs, in, ss, ed, lc``) -> indicators. This module turns the data into weights for every
indicator:

* **subjective (AHP)** weights from the expert panel (``data/experts/judgments.csv``): each
  expert's matrix per block is checked with :func:`utils.methods.weights.ahp` (Saaty's consistency
  ratio); matrices with ``CR >= cr_threshold`` can be excluded; the remaining experts' matrices
  of a block are aggregated by the element-wise geometric mean (AIJ,
  :func:`utils.methods.weights.ahp_group`); the criterion and indicator (local) priorities are composed
  into global weights by :func:`utils.methods.weights.ahp_hierarchy`;
* **objective** weights (entropy or CRITIC, :func:`utils.methods.weights.entropy_weights`,
  :func:`utils.methods.weights.critic_weights`) from a households x indicators data matrix built by
  :func:`indicator_matrix` (design choice documented there);
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

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from utils.methods import weights as _w
from utils.methods._validation import as_float_vector, check_choice, check_in_range
from utils.study import data as _data

__all__ = [
    "AlphaSensitivity",
    "ConsistencyOverview",
    "ExclusionEffect",
    "RecoveryComparison",
    "SchemeComparison",
    "alpha_sensitivity",
    "consistency_overview",
    "exclusion_effect",
    "recovery_comparison",
    "scheme_comparison",
    "SCHEMES",
    "OBJECTIVE_METHODS",
    "IndicatorWeights",
    "indicator_table",
    "expert_consistency",
    "consistency_table",
    "group_ahp_weights",
    "indicator_matrix",
    "objective_weights",
    "WeightComponents",
    "weight_components",
    "weights_from_components",
    "indicator_weights",
    "criteria_weights",
    "alpha_sweep",
    "planted_weights",
    "weight_recovery",
    "indicator_system_table",
    "weight_difference",
    "criteria_by_alpha",
]

#: Weighting schemes accepted by :func:`indicator_weights`.
SCHEMES = ("combined", "ahp", "entropy", "critic")
#: Objective methods (the objective half of the combined scheme).
OBJECTIVE_METHODS = ("entropy", "critic")

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
        ``CR``); empty when none was excluded or ``exclude_inconsistent=False``.
    n_households : int
        Households (complete cases) in the objective data matrix.
    year : int or None
        Township-statistics year used by the objective matrix (None = mean over all years).
    """

    table: pd.DataFrame
    scheme: str
    alpha: float | None
    objective: str | None
    components: pd.DataFrame
    excluded: pd.DataFrame
    n_households: int
    year: int | None

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
def consistency_table(
    matrices: Mapping[tuple[str, str], pd.DataFrame],
    roles: Mapping[str, str] | None = None,
    ri: str = "saaty",
    cr_threshold: float = _w.CR_THRESHOLD,
) -> pd.DataFrame:
    """Saaty consistency of every expert's matrix of every block.

    For each matrix ``A`` (n x n), :func:`utils.methods.weights.ahp` gives the principal eigenvalue
    ``lambda_max``, ``CI = (lambda_max - n) / (n - 1)`` and ``CR = CI / RI(n)``; the matrix
    is *consistent* when ``CR < cr_threshold`` (Saaty's rule uses 0.10).

    Parameters
    ----------
    matrices : dict {(expert, block): DataFrame}
        As returned by :func:`utils.study.data.expert_matrices`.
    roles : dict {expert: role}, optional
        Expert roles; missing roles are left empty.
    ri : {"saaty", "saaty2005"}, default "saaty"
        Random-index table (:data:`utils.methods.weights.RANDOM_INDEX`).
    cr_threshold : float in (0, 1], default 0.10

    Returns
    -------
    pd.DataFrame
        One row per (expert, block), sorted; columns ``expert, role, block, n, lambda_max, CI,
        CR, consistent``.

    References
    ----------
    Saaty, T. L. (1980). *The Analytic Hierarchy Process*. McGraw-Hill, New York.
    """
    t = check_in_range(cr_threshold, "cr_threshold", 0, 1, low_open=True)
    if not isinstance(matrices, Mapping) or not matrices:
        raise ValueError("matrices: expected a non-empty dict {(expert, block): matrix}")
    roles = dict(roles or {})
    rows = []
    for key in sorted(matrices):
        if not (isinstance(key, tuple) and len(key) == 2):
            raise ValueError(f"matrices: keys must be (expert, block) pairs, got {key!r}")
        e, b = key
        try:
            r = _w.ahp(matrices[key], ri=ri)
        except ValueError as exc:
            raise ValueError(f"matrices[{key!r}]: {exc}") from exc
        rows.append((e, roles.get(e, ""), b, r.n, r.lambda_max, r.ci, r.cr, bool(r.cr < t)))
    return pd.DataFrame(
        rows, columns=["expert", "role", "block", "n", "lambda_max", "CI", "CR", "consistent"]
    )


def expert_consistency(
    data_dir: str | Path | None = None,
    ri: str = "saaty",
    cr_threshold: float = _w.CR_THRESHOLD,
) -> pd.DataFrame:
    """Consistency of every expert's pairwise matrices in ``data_dir`` (see :func:`consistency_table`).

    Parameters
    ----------
    data_dir : str or Path, optional
        Data root (with ``experts/judgments.csv`` and ``indicators.csv``); default ``data/``.
    ri, cr_threshold
        As in :func:`consistency_table`.

    Returns
    -------
    pd.DataFrame
        Columns ``expert, role, block, n, lambda_max, CI, CR, consistent``.
    """
    judgments = _data.load_expert_judgments(data_dir)
    roles = judgments.groupby("expert_id")["role"].first().astype(str).to_dict()
    return consistency_table(_data.expert_matrices(judgments), roles, ri, cr_threshold)


def group_ahp_weights(
    matrices: Mapping[tuple[str, str], pd.DataFrame],
    indicators: pd.DataFrame,
    exclude_inconsistent: bool = True,
    cr_threshold: float = _w.CR_THRESHOLD,
    ri: str = "saaty",
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Group AHP weights of the hierarchy goal -> criteria -> indicators.

    For every block (``"criteria"`` and each criterion id) the experts' matrices are reordered
    to the order of ``indicators.csv``; when ``exclude_inconsistent`` a matrix with
    ``CR >= cr_threshold`` is dropped from *that block only* (the expert's other, consistent
    blocks are kept — Saaty's advice is to revise or discard the inconsistent judgments, not
    the judge). The rest are aggregated by the equal-weight element-wise geometric mean
    (AIJ; Aczél & Saaty 1983; Forman & Peniwati 1998)

        a_ij^G = (prod_k a_ij^(k))^(1/K),

    whose principal eigenvector gives the block's priorities. Global weights:
    ``w_i = w_criterion(i) * w_local(i)`` (:func:`utils.methods.weights.ahp_hierarchy`).

    Parameters
    ----------
    matrices : dict {(expert, block): DataFrame}
        From :func:`utils.study.data.expert_matrices`.
    indicators : pd.DataFrame
        From :func:`utils.study.data.load_indicators`.
    exclude_inconsistent : bool, default True
    cr_threshold : float in (0, 1], default 0.10
    ri : {"saaty", "saaty2005"}, default "saaty"

    Returns
    -------
    (table, excluded)
        ``table``: index ``indicator``; columns ``criterion, local_weight, criterion_weight,
        global_weight``. ``excluded``: columns ``expert, block, CR`` of the dropped matrices.

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
    Saaty, T. L. (1980). *The Analytic Hierarchy Process*. McGraw-Hill, New York.
    """
    t = check_in_range(cr_threshold, "cr_threshold", 0, 1, low_open=True)
    ind = indicator_table(indicators)
    crit = _criteria_order(indicators)
    members = {"criteria": crit} | {
        c: [str(i) for i in ind.index[ind["criterion"] == c]] for c in crit
    }
    excluded = []
    priorities: dict[str, pd.Series] = {}
    for block, ids in members.items():
        mats = {e: m for (e, b), m in matrices.items() if b == block}
        if not mats:
            raise ValueError(f"matrices: no expert matrix for block {block!r}")
        kept = {}
        for e in sorted(mats):
            m = mats[e]
            if set(map(str, m.index)) != set(ids) or set(map(str, m.columns)) != set(ids):
                raise ValueError(
                    f"matrices[({e!r}, {block!r})]: labels {list(m.index)} are not the block's "
                    f"ids {ids}"
                )
            m = m.copy()
            m.index, m.columns = m.index.map(str), m.columns.map(str)
            m = m.loc[ids, ids]
            r = _w.ahp(m, ri=ri)
            if exclude_inconsistent and not r.cr < t:
                excluded.append((e, block, r.cr))
                continue
            kept[e] = m
        if not kept:
            raise ValueError(
                f"matrices: every expert's matrix of block {block!r} has CR >= {t:g}; nothing "
                f"is left to aggregate (set exclude_inconsistent=False or revise the judgments)"
            )
        priorities[block] = _w.ahp_group(kept, method="geometric", ri=ri).weights
    h = _w.ahp_hierarchy(priorities["criteria"], {c: priorities[c] for c in crit})
    table = h.set_index("indicator").loc[list(ind.index)]
    table.index.name = "indicator"
    return (
        table[["criterion", "local_weight", "criterion_weight", "global_weight"]],
        pd.DataFrame(excluded, columns=["expert", "block", "CR"]),
    )


# --------------------------------------------------------------------------------------------
# Objective weights
# --------------------------------------------------------------------------------------------
def indicator_matrix(
    survey: pd.DataFrame,
    panel: pd.DataFrame,
    indicators: pd.DataFrame,
    year: int | None = None,
    dropna: bool = True,
) -> pd.DataFrame:
    """Households x indicators data matrix for the objective weights.

    Design (a modelling choice of this book, stated because objective weights depend on it):

    * one row per surveyed household (``household_id``), one column per indicator id;
    * a **survey** indicator is the household's answer to its questionnaire item
      (``source_column`` of ``indicators.csv``, Likert 1-5);
    * a **township** indicator is the statistic of the household's township
      (``source_column`` of ``townships/panel.csv``): by default (``year=None``) its **mean
      over all panel years**, since the evaluation covers the whole precision-poverty-
      alleviation stage and in the final year some statistics are constant (every township's
      poverty incidence is 0 at the end of 2020, which would give that indicator zero
      objective weight); with ``year=<int>`` the statistic of that year.
    * households with any missing answer among the used items are dropped (complete cases)
      when ``dropna`` (entropy and CRITIC need finite data).

    Township indicators vary only between the sampled townships, so their objective weights
    reflect between-township dispersion seen through the sample's composition.

    Parameters
    ----------
    survey : pd.DataFrame
        From :func:`utils.study.data.load_survey` (``household_id``, ``township`` and the items).
    panel : pd.DataFrame
        From :func:`utils.study.data.load_township_panel` (``township``, ``year`` and statistics).
    indicators : pd.DataFrame
        From :func:`utils.study.data.load_indicators`.
    year : int, optional
        Panel year of the township statistics (default: mean over all years).
    dropna : bool, default True

    Returns
    -------
    pd.DataFrame
        Index ``household_id``, columns the indicator ids (float).

    Raises
    ------
    ValueError
        Unknown source, a source column missing from its file, a year not in the panel, a
        surveyed township absent from the panel, or no complete household left.
    """
    ind = indicator_table(indicators)
    for name, df, need in (
        ("survey", survey, ["household_id", "township"]),
        ("panel", panel, ["township", "year"]),
    ):
        if not isinstance(df, pd.DataFrame):
            raise ValueError(f"{name}: expected a DataFrame")
        miss = [c for c in need if c not in df.columns]
        if miss:
            raise ValueError(f"{name}: missing column(s) {miss}")
    bad_src = ind.index[~ind["source"].isin(["survey", "township"])]
    if len(bad_src):
        i = bad_src[0]
        raise ValueError(
            f"indicators: indicator {i!r} has source {ind.at[i, 'source']!r}; must be 'survey' "
            f"or 'township'"
        )
    for i, r in ind.iterrows():
        frame, fname = (survey, "survey") if r["source"] == "survey" else (panel, "panel")
        if r["source_column"] not in frame.columns:
            raise ValueError(
                f"{fname}: column {r['source_column']!r} (source of indicator {i!r}) is missing"
            )
    years = sorted(int(y) for y in pd.unique(panel["year"].astype(int)))
    if year is None:
        stats = panel.groupby("township").mean(numeric_only=True)
    else:
        if isinstance(year, bool) or not isinstance(year, (int, np.integer)) or year not in years:
            raise ValueError(f"year: must be one of the panel years {years} or None, got {year!r}")
        stats = panel[panel["year"].astype(int) == int(year)].set_index("township")
    stats.index = stats.index.astype(str)
    towns = survey["township"].astype(str)
    absent = sorted(set(towns) - set(stats.index))
    if absent:
        raise ValueError(
            f"panel: surveyed township(s) {absent} have no statistics"
            + ("" if year is None else f" for year {year}")
        )
    cols = {}
    for i, r in ind.iterrows():
        if r["source"] == "survey":
            cols[i] = pd.to_numeric(survey[r["source_column"]], errors="coerce").astype(float)
        else:
            cols[i] = towns.map(stats[r["source_column"]].astype(float)).astype(float)
    X = pd.DataFrame(cols)
    X.index = pd.Index(survey["household_id"].astype(str), name="household_id")
    X.columns.name = "indicator"
    if dropna:
        X = X.dropna()
        if X.empty:
            raise ValueError("survey: no household answered every indicator item (complete cases)")
    return X


def objective_weights(
    X: pd.DataFrame, direction: pd.Series | Sequence[str], method: str = "entropy"
) -> pd.Series:
    """Entropy or CRITIC weights of the columns of an indicator matrix (thin wrapper).

    ``method="entropy"``: :func:`utils.methods.weights.entropy_weights` (min-max scores by direction,
    ``e_j = -(1/ln m) sum_i p_ij ln p_ij``, ``w_j ∝ 1 - e_j``; Shannon 1948, Hwang & Yoon 1981).
    ``method="critic"``: :func:`utils.methods.weights.critic_weights`
    (``w_j ∝ sigma_j sum_k (1 - r_jk)``; Diakoulaki et al. 1995).

    Parameters
    ----------
    X : pd.DataFrame
        Rows = units, columns = indicators (finite).
    direction : Series or sequence of "benefit"/"cost"
        A Series is aligned to ``X``'s columns.
    method : {"entropy", "critic"}, default "entropy"

    Returns
    -------
    pd.Series
        Weights indexed by ``X``'s columns, summing to 1, named ``"<method>_weight"``.
    """
    check_choice(method, OBJECTIVE_METHODS, "method")
    if isinstance(direction, pd.Series) and isinstance(X, pd.DataFrame):
        missing = [c for c in X.columns if c not in direction.index]
        if missing:
            raise ValueError(f"direction: no direction for column(s) {missing}")
        direction = direction.reindex(X.columns)
    d = list(direction)
    fn = _w.entropy_weights if method == "entropy" else _w.critic_weights
    return fn(X, benefit=d)


# --------------------------------------------------------------------------------------------
# Putting it together
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class WeightComponents:
    """Everything :func:`weights_from_components` needs (computed once by :func:`weight_components`).

    Attributes
    ----------
    global_weights : pd.DataFrame
        Index ``indicator``; columns ``ahp``, ``entropy``, ``critic`` (each sums to 1).
    indicators : pd.DataFrame
        :func:`indicator_table` of the indicator system.
    excluded : pd.DataFrame
        Excluded expert matrices (``expert, block, CR``).
    n_households : int
        Complete cases in the objective matrix.
    year : int or None
        Township-statistics year (None = mean over the panel years).
    """

    global_weights: pd.DataFrame
    indicators: pd.DataFrame
    excluded: pd.DataFrame
    n_households: int
    year: int | None


def weight_components(
    data_dir: str | Path | None = None,
    exclude_inconsistent: bool = True,
    year: int | None = None,
    cr_threshold: float = _w.CR_THRESHOLD,
    ri: str = "saaty",
) -> WeightComponents:
    """Load the data once and compute the AHP, entropy and CRITIC global weights.

    Parameters
    ----------
    data_dir : str or Path, optional
        Data root with the codebook layout; default ``data/``.
    exclude_inconsistent, cr_threshold, ri
        As in :func:`group_ahp_weights`.
    year : int, optional
        As in :func:`indicator_matrix`.

    Returns
    -------
    WeightComponents
    """
    indicators = _data.load_indicators(data_dir)
    judgments = _data.load_expert_judgments(data_dir)
    ahp_table, excluded = group_ahp_weights(
        _data.expert_matrices(judgments), indicators, exclude_inconsistent, cr_threshold, ri
    )
    X = indicator_matrix(
        _data.load_survey(data_dir), _data.load_township_panel(data_dir), indicators, year
    )
    ind = indicator_table(indicators)
    comp = pd.DataFrame(
        {
            "ahp": ahp_table["global_weight"],
            "entropy": objective_weights(X, ind["direction"], "entropy"),
            "critic": objective_weights(X, ind["direction"], "critic"),
        }
    ).loc[list(ind.index)]
    comp.index.name = "indicator"
    return WeightComponents(comp, ind, excluded, int(len(X)), year)


def _table_from_global(global_w: pd.Series, ind: pd.DataFrame) -> pd.DataFrame:
    g = global_w.reindex(ind.index).astype(float)
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


def weights_from_components(
    components: WeightComponents,
    scheme: str = "combined",
    alpha: float = 0.5,
    objective: str = "entropy",
) -> IndicatorWeights:
    """Final weights of one scheme from precomputed :class:`WeightComponents`.

    ``"ahp"``, ``"entropy"``, ``"critic"``: that method's global weights. ``"combined"``:
    the linear combination of the global weights (:func:`utils.methods.weights.combine_weights`,
    ``method="linear"``)

        w_i = alpha * w_i^AHP + (1 - alpha) * w_i^obj,

    with ``obj`` = ``objective``. Criterion weights are then the sums of their indicators'
    global weights and local weights the within-criterion shares, so
    ``global = criterion * local`` holds for every scheme.

    Parameters
    ----------
    components : WeightComponents
    scheme : {"combined", "ahp", "entropy", "critic"}, default "combined"
    alpha : float in [0, 1], default 0.5
        Share of the subjective (AHP) weights; used by ``"combined"`` only.
    objective : {"entropy", "critic"}, default "entropy"
        Objective method of ``"combined"``.

    Returns
    -------
    IndicatorWeights

    References
    ----------
    Ma, J., Fan, Z.-P. & Huang, L.-H. (1999). A subjective and objective integrated approach to
    determine attribute weights. *European Journal of Operational Research*, 112(2), 397-404.
    """
    check_choice(scheme, SCHEMES, "scheme")
    check_choice(objective, OBJECTIVE_METHODS, "objective")
    a = check_in_range(alpha, "alpha", 0, 1)
    if not isinstance(components, WeightComponents):
        raise ValueError("components: expected the WeightComponents from weight_components()")
    gw = components.global_weights
    if scheme == "combined":
        g = _w.combine_weights(gw["ahp"], gw[objective], method="linear", alpha=a)
    else:
        g = gw[scheme]
    return IndicatorWeights(
        table=_table_from_global(g, components.indicators),
        scheme=scheme,
        alpha=a if scheme == "combined" else None,
        objective=objective if scheme == "combined" else None,
        components=gw.copy(),
        excluded=components.excluded.copy(),
        n_households=components.n_households,
        year=components.year,
    )


def indicator_weights(
    data_dir: str | Path | None = None,
    scheme: str = "combined",
    exclude_inconsistent: bool = True,
    alpha: float = 0.5,
    year: int | None = None,
    objective: str = "entropy",
    cr_threshold: float = _w.CR_THRESHOLD,
    ri: str = "saaty",
) -> IndicatorWeights:
    """Weights of every indicator in ``indicators.csv`` (criterion, local, criterion, global).

    Subjective: group AHP of the expert panel (:func:`group_ahp_weights`: per-expert Saaty CR,
    inconsistent matrices ``CR >= cr_threshold`` excluded when ``exclude_inconsistent``,
    geometric-mean aggregation, hierarchic composition). Objective: entropy or CRITIC on the
    households x indicators matrix of :func:`indicator_matrix`. Combined:
    ``alpha * AHP + (1 - alpha) * objective`` (:func:`weights_from_components`).

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
    cr_threshold : float in (0, 1], default 0.10 (Saaty 1980)
    ri : {"saaty", "saaty2005"}, default "saaty"

    Returns
    -------
    IndicatorWeights
        ``.table`` (one row per indicator), ``.global_weights``, ``.criteria_weights``,
        ``.local_weights``, ``.components``, ``.excluded``.

    Examples
    --------
    >>> w = indicator_weights("data", scheme="ahp")          # doctest: +SKIP
    >>> round(w.global_weights.sum(), 12)                    # doctest: +SKIP
    1.0
    """
    check_choice(scheme, SCHEMES, "scheme")
    check_choice(objective, OBJECTIVE_METHODS, "objective")
    check_in_range(alpha, "alpha", 0, 1)
    check_in_range(cr_threshold, "cr_threshold", 0, 1, low_open=True)
    comp = weight_components(data_dir, exclude_inconsistent, year, cr_threshold, ri)
    return weights_from_components(comp, scheme, alpha, objective)


def criteria_weights(
    data_dir: str | Path | None = None, scheme: str = "combined", **kwargs
) -> pd.Series:
    """Weights of the five criteria (sums of their indicators' global weights).

    Parameters
    ----------
    data_dir, scheme, **kwargs
        As in :func:`indicator_weights`.

    Returns
    -------
    pd.Series
        Indexed by criterion id, named ``"criterion_weight"``.
    """
    return indicator_weights(data_dir, scheme=scheme, **kwargs).criteria_weights


def alpha_sweep(
    components: WeightComponents,
    alphas: Sequence[float] | np.ndarray | None = None,
    objective: str = "entropy",
) -> pd.DataFrame:
    """Combined global weights for a range of subjective shares ``alpha`` (tidy).

    ``w_i(alpha) = alpha w_i^AHP + (1 - alpha) w_i^obj`` for each ``alpha``.

    Parameters
    ----------
    components : WeightComponents
    alphas : sequence of floats in [0, 1], optional
        Default ``numpy.linspace(0, 1, 11)`` (0, 0.1, ..., 1).
    objective : {"entropy", "critic"}, default "entropy"

    Returns
    -------
    pd.DataFrame
        Columns ``alpha, indicator, criterion, global_weight``; one row per (alpha, indicator).
    """
    if alphas is None:
        alphas = np.linspace(0.0, 1.0, 11)
    vals, _ = as_float_vector(alphas, "alphas")  # refuses empty or non-numeric input
    for a in vals:
        if not (np.isfinite(a) and 0 <= a <= 1):
            raise ValueError(f"alphas: every value must lie in [0, 1], got {float(a)!r}")
    frames = []
    for a in vals:
        t = weights_from_components(components, "combined", float(a), objective).table
        frames.append(
            pd.DataFrame(
                {
                    "alpha": float(a),
                    "indicator": t.index,
                    "criterion": t["criterion"].to_numpy(),
                    "global_weight": t["global_weight"].to_numpy(),
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


# --------------------------------------------------------------------------------------------
# Recovery of planted weights (simulated data only)
# --------------------------------------------------------------------------------------------
def planted_weights(truth: Mapping, indicators: pd.DataFrame) -> pd.DataFrame:
    """The planted (true) weights of the simulation model, as an indicator table.

    ``truth["experts"]["criteria_weights"]`` and ``truth["experts"]["indicator_local_weights"]``
    (``data/truth.json``, written by ``utils.study.simulate``) composed as
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
    """
    try:
        cw = truth["experts"]["criteria_weights"]
        lw = truth["experts"]["indicator_local_weights"]
    except (KeyError, TypeError):
        raise ValueError(
            "truth: expected keys experts.criteria_weights and experts.indicator_local_weights "
            "(data/truth.json of the simulated data)"
        ) from None
    ind = indicator_table(indicators)
    crit = _criteria_order(indicators)
    h = _w.ahp_hierarchy(
        pd.Series({c: cw[c] for c in crit}),
        {c: pd.Series(lw[c]).reindex(list(ind.index[ind["criterion"] == c])) for c in crit},
    )
    return _table_from_global(h.set_index("indicator")["global_weight"], ind)


def weight_recovery(estimated: pd.Series, truth: pd.Series) -> pd.DataFrame:
    """Compare estimated with planted weights.

    Parameters
    ----------
    estimated, truth : pd.Series
        Weights indexed by the same labels (any order).

    Returns
    -------
    pd.DataFrame
        Index the labels (``truth``'s order); columns ``truth``, ``estimate``, ``error``
        (estimate - truth) and ``abs_error``. ``attrs`` holds ``mae`` (mean absolute error),
        ``max_abs_error`` and ``spearman`` (rank correlation, ``scipy.stats.spearmanr``).
    """
    from scipy.stats import spearmanr

    if not isinstance(estimated, pd.Series) or not isinstance(truth, pd.Series):
        raise ValueError("estimated/truth: expected two pandas Series indexed by label")
    if set(estimated.index) != set(truth.index) or len(estimated) != len(truth):
        raise ValueError(
            f"estimated: labels {sorted(map(str, estimated.index))} do not match truth's "
            f"{sorted(map(str, truth.index))}"
        )
    e = estimated.reindex(truth.index).astype(float)
    out = pd.DataFrame({"truth": truth.astype(float), "estimate": e})
    out["error"] = out["estimate"] - out["truth"]
    out["abs_error"] = out["error"].abs()
    out.attrs["mae"] = float(out["abs_error"].mean())
    out.attrs["max_abs_error"] = float(out["abs_error"].max())
    out.attrs["spearman"] = (
        float(spearmanr(out["truth"], out["estimate"]).statistic) if len(out) > 1 else np.nan
    )
    return out


# --------------------------------------------------------------------------------------------
# Tables for the chapter
# --------------------------------------------------------------------------------------------
def indicator_system_table(indicators: pd.DataFrame, codebook: pd.DataFrame) -> pd.DataFrame:
    """The indicator system as a goal -> criterion -> indicator table with each data source.

    Each indicator is mapped to its survey item or township statistic (``source_column``) and
    that column's wording and unit from the codebook, so the reader sees exactly what is
    measured.

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
        (codebook wording) and ``unit``.

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
        ],
    ).set_index("indicator")
    return out


def weight_difference(
    base: pd.Series, other: pd.Series, base_name: str = "base", other_name: str = "other"
) -> pd.DataFrame:
    """Side-by-side weights and their difference ``other - base`` (same labels, any order).

    Returns
    -------
    pd.DataFrame
        Index ``base``'s labels; columns ``base_name``, ``other_name``, ``difference`` and
        ``abs_difference``.
    """
    if not isinstance(base, pd.Series) or not isinstance(other, pd.Series):
        raise ValueError("base/other: expected two pandas Series indexed by label")
    if set(base.index) != set(other.index) or len(base) != len(other):
        raise ValueError(
            f"other: labels {sorted(map(str, other.index))} do not match base's "
            f"{sorted(map(str, base.index))}"
        )
    if base_name == other_name:
        raise ValueError(f"other_name: must differ from base_name, both are {base_name!r}")
    out = pd.DataFrame({base_name: base.astype(float), other_name: other.reindex(base.index)})
    out["difference"] = out[other_name] - out[base_name]
    out["abs_difference"] = out["difference"].abs()
    return out


def criteria_by_alpha(sweep: pd.DataFrame) -> pd.DataFrame:
    """Criterion weights by subjective share, from :func:`alpha_sweep` output.

    ``W_c(alpha) = sum_{i in c} w_i(alpha)``.

    Returns
    -------
    pd.DataFrame
        Index ``alpha`` (sorted), one column per criterion (order of first appearance).
    """
    need = ["alpha", "criterion", "global_weight"]
    if not isinstance(sweep, pd.DataFrame) or any(c not in sweep.columns for c in need):
        raise ValueError(f"sweep: expected the alpha_sweep() DataFrame with columns {need}")
    order = list(dict.fromkeys(sweep["criterion"]))
    wide = sweep.pivot_table(
        index="alpha", columns="criterion", values="global_weight", aggfunc="sum"
    )
    wide = wide[order].sort_index()
    wide.columns.name = "criterion"
    return wide


# --------------------------------------------------------------------------------------------
# Chapter summaries (what the indicator chapter's cells glue)
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ConsistencyOverview:
    """Consistency of the expert panel's matrices, tabled for the chapter (:func:`consistency_overview`).

    Attributes
    ----------
    table : pd.DataFrame
        :func:`consistency_table` (one row per expert and block).
    cr_wide : pd.DataFrame
        CR by expert (rows) and block (columns: ``criteria`` then the criteria in the indicator
        file's order).
    roles : dict
        Expert -> role.
    inconsistent : pd.DataFrame
        The rows of ``table`` failing the threshold.
    """

    table: pd.DataFrame
    cr_wide: pd.DataFrame
    roles: dict
    inconsistent: pd.DataFrame

    @property
    def n_experts(self) -> int:
        """Number of experts."""
        return int(self.table["expert"].nunique())

    @property
    def median_cr(self) -> float:
        """Median CR over all matrices."""
        return float(self.table["CR"].median())

    @property
    def inconsistent_list(self) -> str:
        """``"E07 (village cadre, criteria block, CR 0.31), ..."`` or ``"none"``."""
        return (
            ", ".join(
                f"{r.expert} ({r.role.replace('_', ' ')}, {r.block} block, CR {r.CR:.2f})"
                for r in self.inconsistent.itertuples()
            )
            or "none"
        )

    @property
    def display(self) -> pd.DataFrame:
        """``cr_wide`` with a final ``role`` column."""
        return self.cr_wide.assign(role=self.cr_wide.index.map(self.roles))


def consistency_overview(
    judgments: pd.DataFrame,
    indicators: pd.DataFrame,
    cr_threshold: float = _w.CR_THRESHOLD,
    ri: str = "saaty",
) -> ConsistencyOverview:
    """Saaty consistency of every expert's matrices, long and wide (expert x block).

    ``CR = CI / RI(n)`` with ``CI = (lambda_max - n) / (n - 1)`` per matrix
    (:func:`consistency_table`, :func:`utils.methods.weights.ahp`); a matrix is inconsistent when
    ``CR >= cr_threshold`` (default 0.10, Saaty 1980).

    Parameters
    ----------
    judgments : pd.DataFrame
        :func:`utils.study.data.load_expert_judgments` (with ``expert_id`` and ``role``).
    indicators : pd.DataFrame
        The indicator table (block order: ``criteria``, then the criteria in file order).
    cr_threshold, ri
        As in :func:`consistency_table`.

    Returns
    -------
    ConsistencyOverview

    Raises
    ------
    ValueError
        ``judgments`` without ``expert_id``/``role``; as :func:`consistency_table`.

    References
    ----------
    Saaty, T. L. (1980). *The Analytic Hierarchy Process*. McGraw-Hill, New York.
    """
    need = ["expert_id", "role"]
    if not isinstance(judgments, pd.DataFrame) or any(c not in judgments for c in need):
        raise ValueError(f"judgments: expected the expert judgments with columns {need}")
    roles = judgments.groupby("expert_id")["role"].first().astype(str).to_dict()
    table = consistency_table(_data.expert_matrices(judgments), roles, ri, cr_threshold)
    blocks = ["criteria"] + list(dict.fromkeys(indicator_table(indicators)["criterion"]))
    cr_wide = table.pivot(index="expert", columns="block", values="CR")[blocks]
    return ConsistencyOverview(
        table=table, cr_wide=cr_wide, roles=roles, inconsistent=table[~table["consistent"]]
    )


@dataclass(frozen=True)
class ExclusionEffect:
    """AHP criteria weights with and without the inconsistent matrices (:func:`exclusion_effect`).

    Attributes
    ----------
    excluded, all_matrices : WeightComponents
        Components with the inconsistent matrices left out / kept.
    effect : pd.DataFrame
        :func:`weight_difference` of the AHP criteria weights: columns ``all matrices``,
        ``inconsistent excluded``, ``difference``, ``abs_difference``; index criterion ids.
    """

    excluded: WeightComponents
    all_matrices: WeightComponents
    effect: pd.DataFrame

    @property
    def top_shift(self) -> str:
        """Criterion whose weight moves most."""
        return self.effect["abs_difference"].idxmax()

    @property
    def max_shift(self) -> float:
        """Largest absolute move of a criterion weight (share of 1)."""
        return float(self.effect["abs_difference"].max())


def exclusion_effect(
    data_dir: str | Path | None = None,
    year: int | None = None,
    cr_threshold: float = _w.CR_THRESHOLD,
    ri: str = "saaty",
) -> ExclusionEffect:
    """How much leaving out the inconsistent expert matrices moves the AHP criteria weights.

    ``Delta_c = W_c^{excl} - W_c^{all}`` where ``W_c`` are the group-AHP criteria weights
    (geometric-mean aggregation, Aczel & Saaty 1983) from :func:`weight_components` with
    ``exclude_inconsistent`` True / False.

    Parameters
    ----------
    data_dir, year, cr_threshold, ri
        As in :func:`weight_components`.

    Returns
    -------
    ExclusionEffect

    References
    ----------
    Aczel, J. & Saaty, T. L. (1983). Procedures for synthesizing ratio judgements. *Journal of
    Mathematical Psychology*, 27(1), 93-102.
    """
    kw = {"year": year, "cr_threshold": cr_threshold, "ri": ri}
    comp_excl = weight_components(data_dir, exclude_inconsistent=True, **kw)
    comp_all = weight_components(data_dir, exclude_inconsistent=False, **kw)
    effect = weight_difference(
        weights_from_components(comp_all, "ahp").criteria_weights,
        weights_from_components(comp_excl, "ahp").criteria_weights,
        "all matrices",
        "inconsistent excluded",
    )
    return ExclusionEffect(excluded=comp_excl, all_matrices=comp_all, effect=effect)


@dataclass(frozen=True)
class SchemeComparison:
    """Global weights under every scheme (:func:`scheme_comparison`).

    Attributes
    ----------
    table : pd.DataFrame
        Index indicator; columns ``AHP``, ``Entropy``, ``CRITIC`` and
        ``Combined (alpha <a>, <objective>)``.
    top_entropy : str
        Indicator with the largest entropy weight.
    entropy_critic_rho : float
        Spearman correlation of the entropy and CRITIC weights.
    """

    table: pd.DataFrame
    top_entropy: str
    entropy_critic_rho: float


def scheme_comparison(
    components: WeightComponents, alpha: float = 0.5, objective: str = "entropy"
) -> SchemeComparison:
    """Side-by-side global weights of the AHP, entropy, CRITIC and combined schemes.

    Combined: ``w_i = alpha w_i^AHP + (1 - alpha) w_i^obj`` (:func:`weights_from_components`);
    the agreement of the two objective schemes is Spearman's rho (pandas
    ``DataFrame.corr(method="spearman")``, ties averaged; Spearman 1904).

    Parameters
    ----------
    components : WeightComponents
    alpha : float in [0, 1], default 0.5
    objective : {"entropy", "critic"}, default "entropy"

    Returns
    -------
    SchemeComparison

    Raises
    ------
    ValueError
        As :func:`weights_from_components`.

    References
    ----------
    Spearman, C. (1904). The proof and measurement of association between two things.
    *American Journal of Psychology*, 15(1), 72-101.
    """
    combined = weights_from_components(components, "combined", alpha=alpha, objective=objective)
    gw = components.global_weights
    table = gw.rename(columns={"ahp": "AHP", "entropy": "Entropy", "critic": "CRITIC"})
    table[f"Combined (alpha {alpha:g}, {objective})"] = combined.global_weights
    rho = gw[["entropy", "critic"]].corr(method="spearman").iloc[0, 1]
    return SchemeComparison(
        table=table, top_entropy=gw["entropy"].idxmax(), entropy_critic_rho=float(rho)
    )


@dataclass(frozen=True)
class AlphaSensitivity:
    """Criteria weights across the subjective share alpha (:func:`alpha_sensitivity`).

    Attributes
    ----------
    by_alpha : pd.DataFrame
        :func:`criteria_by_alpha` (index alpha from 0 to 1, one column per criterion).
    span : pd.Series
        ``max_alpha W_c - min_alpha W_c`` per criterion.
    rank_changes : bool
        Whether the order of the criteria differs between alpha = 0 and alpha = 1.
    top_first, top_last : str
        Heaviest criterion at the smallest and at the largest alpha.
    """

    by_alpha: pd.DataFrame
    span: pd.Series
    rank_changes: bool
    top_first: str
    top_last: str


def alpha_sensitivity(
    components: WeightComponents,
    alphas: Sequence[float] | np.ndarray | None = None,
    objective: str = "entropy",
) -> AlphaSensitivity:
    """Sweep alpha and summarise how far the criteria weights move.

    ``W_c(alpha) = sum_{i in c} (alpha w_i^AHP + (1 - alpha) w_i^obj)`` (:func:`alpha_sweep`,
    :func:`criteria_by_alpha`); ``span_c = max W_c - min W_c``; the criteria's order at both
    ends is compared by their ranks (pandas ``rank``, ties averaged).

    Parameters
    ----------
    components : WeightComponents
    alphas : sequence of floats in [0, 1], optional
        Default 0, 0.1, ..., 1.
    objective : {"entropy", "critic"}, default "entropy"

    Returns
    -------
    AlphaSensitivity
    """
    by_alpha = criteria_by_alpha(alpha_sweep(components, alphas, objective))
    first, last = by_alpha.iloc[0], by_alpha.iloc[-1]
    rank_first = first.rank(ascending=False)
    rank_last = last.rank(ascending=False)
    return AlphaSensitivity(
        by_alpha=by_alpha,
        span=by_alpha.max() - by_alpha.min(),
        rank_changes=not rank_first.equals(rank_last),
        top_first=first.idxmax(),
        top_last=last.idxmax(),
    )


@dataclass(frozen=True)
class RecoveryComparison:
    """Planted against estimated weights (:func:`recovery_comparison`).

    Attributes
    ----------
    table : pd.DataFrame
        Columns ``Planted``, ``AHP estimate`` and ``final_name`` when the planted weights are
        known; only ``AHP estimate`` otherwise.
    ahp, final : pd.DataFrame or None
        :func:`weight_recovery` of the AHP and of the final weights (None without truth).
    """

    table: pd.DataFrame
    ahp: pd.DataFrame | None
    final: pd.DataFrame | None

    @property
    def available(self) -> bool:
        """Whether planted weights were given."""
        return self.ahp is not None


def recovery_comparison(
    components: WeightComponents,
    final: pd.Series,
    planted: pd.Series | None = None,
    final_name: str = "Final",
) -> RecoveryComparison:
    """Compare the AHP and the final global weights with the planted ones (simulated data).

    ``MAE = mean_i |w_i^est - w_i^true|``, the largest absolute error and Spearman's rho
    (:func:`weight_recovery`). With ``planted`` None (real data) only the AHP weights are tabled.

    Parameters
    ----------
    components : WeightComponents
        Gives the AHP global weights.
    final : pd.Series
        Final global weights (indexed by indicator).
    planted : pd.Series, optional
        Planted global weights (:func:`planted_weights`), None for real data.
    final_name : str
        Column name of the final weights in ``table``; default ``"Final"``.

    Returns
    -------
    RecoveryComparison

    Raises
    ------
    ValueError
        ``final``/``planted`` not a Series; labels that differ (:func:`weight_recovery`).
    """
    if not isinstance(final, pd.Series):
        raise ValueError("final: expected a pandas Series of global weights indexed by indicator")
    ahp = components.global_weights["ahp"]
    if planted is None:
        return RecoveryComparison(table=pd.DataFrame({"AHP estimate": ahp}), ahp=None, final=None)
    if not isinstance(planted, pd.Series):
        raise ValueError("planted: expected a pandas Series of global weights, or None")
    table = pd.DataFrame({"Planted": planted, "AHP estimate": ahp, final_name: final})
    return RecoveryComparison(
        table=table, ahp=weight_recovery(ahp, planted), final=weight_recovery(final, planted)
    )
