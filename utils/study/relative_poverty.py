"""Relative poverty after 2020: lines, FGT tables, nested Alkire-Foster weights, poverty dynamics.

Chapter 5 of the book ("problem attribution, countermeasures, relative poverty") uses these
helpers to turn the household survey's incomes and deprivation indicators into the tables the
thesis asks for when it speaks of the *persistence, dynamics and regional differences* of
relative poverty in the rural-revitalisation stage. The measures themselves (FGT, relative
lines, Alkire-Foster, Theil, transition matrices) live in :mod:`utils.methods.poverty`; this module only
assembles them:

- :func:`income_columns` / :func:`absolute_lines` - the yearly income columns and the absolute
  poverty line of each year, read from the survey and the codebook (nothing typed here);
- :func:`relative_poverty_table` - FGT ``P0, P1, P2`` at several shares of the median;
- :func:`deprivation_dimensions` / :func:`nested_weights` - the Alkire-Foster dimension of every
  ``dep_*`` indicator and the nested equal weights used by the global MPI;
- :func:`af_dimension_contributions` / :func:`af_group_dimension_table` - contributions of each
  dimension to ``M0``, overall and by township;
- :func:`poverty_status` / :func:`poverty_dynamics` - poor / non-poor status by year, the
  first-to-last-year transition matrix and the household trajectories (persistent poverty,
  exits, returns to poverty).

Hand-written code, and why: no maintained package in the environment classifies poverty
trajectories or aggregates Alkire-Foster contributions by dimension; each is a few lines of
pandas on top of :mod:`utils.methods.poverty`.

The survey shipped with the project is SIMULATED (``utils.study.simulate``; see ``data/README.md``):
no number computed from it is a fact about the real county.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from numbers import Real

import numpy as np
import pandas as pd

from utils.methods import poverty as _poverty
from utils.methods._validation import as_float_matrix, as_float_vector

__all__ = [
    "TRAJECTORIES",
    "DynamicsComparison",
    "DynamicsResult",
    "absolute_lines",
    "af_dimension_contributions",
    "af_group_dimension_table",
    "deprivation_dimensions",
    "dynamics_by_line",
    "income_columns",
    "nested_weights",
    "poverty_dynamics",
    "poverty_status",
    "relative_lines_by_year",
    "relative_poverty_table",
]

_INCOME = re.compile(r"^income_(\d{4})$")
_LINE = re.compile(r"[Pp]overty line (\d{4}):\s*([\d,]+(?:\.\d+)?)\s*yuan")
_DEP_GROUP = re.compile(r"^deprivation:(.+)$")

#: Household trajectory classes of :func:`poverty_dynamics`, in display order.
TRAJECTORIES: tuple[str, ...] = (
    "never poor",
    "exited",
    "returned to poverty",
    "fell into poverty",
    "persistently poor",
)


# ----------------------------------------------------------------------------- lines
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
    (``"Poverty line 2016: 2952 yuan"``). For the shipped data these are the national line at
    current prices: 2,952 yuan in 2016 (NBS) and about 4,000 yuan in 2020 (SCIO white paper
    2021), with 2017-2019 interpolated geometrically (a modelling choice recorded in
    ``data/README.md``, not an official figure). Reading them from the codebook keeps the
    chapter in step with whatever data folder it is run on.

    Parameters
    ----------
    codebook : DataFrame
        As returned by :func:`utils.study.data.load_codebook` (columns ``column``, ``description``).

    Returns
    -------
    pandas.Series
        Index ``year`` (int), values the line in yuan per person per year, name ``line_yuan``.
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


def relative_poverty_table(
    income,
    shares: Sequence[float] = (0.4, 0.5, 0.6),
    statistic: str = "median",
    alpha: Sequence[float] = (0, 1, 2),
) -> pd.DataFrame:
    """FGT poverty measures at relative lines ``z_s = s * median(y)`` for several shares ``s``.

    For each share ``s``: ``z_s = s * m(y)`` (:func:`utils.methods.poverty.relative_poverty_line`) and

    ``P_alpha(z_s) = (1/N) * sum_{i: y_i < z_s} ((z_s - y_i) / z_s)^alpha``

    (:func:`utils.methods.poverty.fgt`; ``P0`` headcount, ``P1`` poverty gap, ``P2`` severity).
    Defaults: shares 40 / 50 / 60 % of the **median** (the range of post-2020 proposals for a
    Chinese rural relative line; the OECD uses 50 %, the EU 60 %), ``alpha = 0, 1, 2``.

    Parameters
    ----------
    income : array-like of float
        Incomes of one year (finite).
    shares : sequence of float
        Shares ``s > 0`` of the centre, at least one, no duplicates.
    statistic : {"median", "mean"}
    alpha : sequence of float
        FGT parameters (``>= 0``).

    Returns
    -------
    pandas.DataFrame
        Index ``share``; columns ``line_yuan``, ``P0``/``P1``/``P2`` (``P{alpha:g}``) and
        ``n_poor`` (households strictly below the line).

    References
    ----------
    Foster, J., Greer, J. & Thorbecke, E. (1984). A class of decomposable poverty measures.
    *Econometrica*, 52(3), 761-766.
    """
    y, _ = as_float_vector(income, "income")
    if isinstance(shares, (str, bytes)) or not isinstance(shares, Sequence | np.ndarray):
        raise ValueError(f"shares: expected a sequence of numbers, got {shares!r}")
    shares = list(shares)
    if not shares:
        raise ValueError("shares: is empty; give at least one share of the median")
    for s in shares:
        if isinstance(s, bool) or not isinstance(s, Real) or not np.isfinite(s) or s <= 0:
            raise ValueError(f"shares: each share must be a positive finite number, got {s!r}")
    if len(set(shares)) != len(shares):
        raise ValueError(f"shares: contains duplicates: {shares}")
    rows = []
    for s in shares:
        z = _poverty.relative_poverty_line(y, share=float(s), statistic=statistic)
        p = _poverty.fgt(y, z, alpha=list(alpha))
        rows.append({"line_yuan": z, **p.to_dict(), "n_poor": int((y < z).sum())})
    out = pd.DataFrame(rows, index=pd.Index([float(s) for s in shares], name="share"))
    return out


def relative_lines_by_year(
    incomes: pd.DataFrame, share: float = 0.5, statistic: str = "median"
) -> pd.Series:
    """Relative poverty line of each period: ``z_y = s * median_h(y_hy)``.

    Applies :func:`utils.methods.poverty.relative_poverty_line` to every column (year) of ``incomes``,
    so that relative poverty status can be followed over time with a line that moves with the
    median (default 50 % of the median).

    Parameters
    ----------
    incomes : DataFrame
        Households x years, finite.
    share : float
        Share ``s > 0`` of the centre (default 0.5).
    statistic : {"median", "mean"}

    Returns
    -------
    pandas.Series
        Index = the columns of ``incomes``, name ``line_yuan``.

    References
    ----------
    Foster, J. E. (1998). Absolute versus relative poverty. *American Economic Review*, 88(2),
    335-341.
    """
    _, _, cols = as_float_matrix(incomes, "incomes")
    out = pd.Series(
        [
            _poverty.relative_poverty_line(incomes[c].to_numpy(dtype=float), share, statistic)
            for c in cols
        ],
        index=incomes.columns,
        name="line_yuan",
    )
    out.index.name = "year"
    return out


# ----------------------------------------------------------------------------- Alkire-Foster
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


def _dimension_map(dimension_of, name: str = "dimension_of") -> pd.Series:
    if isinstance(dimension_of, Mapping):
        dimension_of = pd.Series(dict(dimension_of), dtype=object)
    if not isinstance(dimension_of, pd.Series):
        raise ValueError(
            f"{name}: expected a Series or dict indicator -> dimension, "
            f"got {type(dimension_of).__name__}"
        )
    if dimension_of.empty:
        raise ValueError(f"{name}: is empty")
    if dimension_of.index.duplicated().any():
        dup = list(dimension_of.index[dimension_of.index.duplicated()])
        raise ValueError(f"{name}: indicators {dup} are listed more than once")
    if dimension_of.isna().any():
        bad = list(dimension_of.index[dimension_of.isna().to_numpy()])
        raise ValueError(f"{name}: indicators {bad} have no dimension")
    return dimension_of


def nested_weights(dimension_of: pd.Series | Mapping[str, str]) -> pd.Series:
    """Nested equal weights: each dimension gets ``1/D``, shared equally by its indicators.

    ``w_j = 1 / (D * n_{d(j)})``, with ``D`` the number of dimensions and ``n_d`` the number of
    indicators in dimension ``d``; the weights sum to one. This is the weighting of the global
    Multidimensional Poverty Index (Alkire & Santos 2014: three dimensions, education and
    health indicators 1/6 each, living-standard indicators 1/18 each) and the default
    recommended by Alkire et al. (2015, ch. 6) when there is no reason to rank dimensions.

    Parameters
    ----------
    dimension_of : Series or dict
        Indicator -> dimension (e.g. :func:`deprivation_dimensions`).

    Returns
    -------
    pandas.Series
        Index = indicators (input order), name ``weight``.

    References
    ----------
    Alkire, S. & Santos, M. E. (2014). Measuring acute poverty in the developing world:
    robustness and scope of the Multidimensional Poverty Index. *World Development*, 59,
    251-274.
    Alkire, S., Foster, J. E., Seth, S., Santos, M. E., Roche, J. M. & Ballon, P. (2015).
    *Multidimensional Poverty Measurement and Analysis*. Oxford University Press.
    """
    dims = _dimension_map(dimension_of)
    counts = dims.value_counts()
    w = 1.0 / (len(counts) * dims.map(counts).astype(float))
    return pd.Series(w.to_numpy(), index=dims.index, name="weight")


def af_dimension_contributions(
    contributions: pd.Series, dimension_of: pd.Series | Mapping[str, str]
) -> pd.Series:
    """Contribution of each dimension to ``M0``: the sum of its indicators' contributions.

    ``C_d = sum_{j in d} w_j CH_j / M0`` (Alkire & Foster 2011); the ``C_d`` sum to one.

    Parameters
    ----------
    contributions : Series
        Indicator contributions (``AFResult.contributions`` of :func:`utils.methods.poverty.alkire_foster`).
    dimension_of : Series or dict
        Indicator -> dimension; must cover every indicator of ``contributions``.

    Returns
    -------
    pandas.Series
        Index ``dimension`` in order of first appearance, name ``contribution``. NaN when
        ``M0 = 0`` (all contributions NaN).

    References
    ----------
    Alkire, S. & Foster, J. (2011). Counting and multidimensional poverty measurement.
    *Journal of Public Economics*, 95(7-8), 476-487.
    """
    if not isinstance(contributions, pd.Series):
        raise ValueError(
            f"contributions: expected a pandas Series, got {type(contributions).__name__}"
        )
    dims = _dimension_map(dimension_of)
    unknown = [c for c in contributions.index if c not in dims.index]
    if unknown:
        raise ValueError(f"dimension_of: indicators {unknown} of contributions have no dimension")
    values = contributions.astype(float)
    order = list(dict.fromkeys(dims.loc[list(values.index)]))
    out = values.groupby(dims.loc[list(values.index)].to_numpy(), sort=False).sum(min_count=1)
    out = out.reindex(order)
    out.index.name = "dimension"
    out.name = "contribution"
    return out


def af_group_dimension_table(
    deprivations: pd.DataFrame,
    weights: pd.Series | Mapping[str, float],
    k: float,
    groups,
    dimension_of: pd.Series | Mapping[str, str],
) -> pd.DataFrame:
    """Alkire-Foster ``H, A, M0`` and dimension contributions within each group (township).

    For each group ``g`` the measure is computed on its households alone
    (:func:`utils.methods.poverty.alkire_foster`), and the dimension contributions to ``M0_g`` are
    :func:`af_dimension_contributions` of that group; the group's contribution to the overall
    ``M0`` (population share times ``M0_g / M0``) comes from
    :func:`utils.methods.poverty.alkire_foster_by_group`.

    Parameters
    ----------
    deprivations : DataFrame
        Households x indicators, 0/1.
    weights : Series or dict
        Indicator weights summing to one (e.g. :func:`nested_weights`).
    k : float
        Poverty cutoff in (0, 1].
    groups : array-like
        Group label of each household.
    dimension_of : Series or dict
        Indicator -> dimension.

    Returns
    -------
    pandas.DataFrame
        Index = group; columns ``n, H, A, M0, contribution`` (share of the overall M0) and one
        column ``"<dimension> share"`` per dimension (share of the group's own M0; NaN where
        ``M0_g = 0``).

    References
    ----------
    Alkire, S. & Foster, J. (2011). Counting and multidimensional poverty measurement.
    *Journal of Public Economics*, 95(7-8), 476-487.
    """
    base = _poverty.alkire_foster_by_group(deprivations, weights, k, groups)
    dims = _dimension_map(dimension_of)
    labels = _poverty._check_groups(groups, len(deprivations))
    per_group = {}
    for g in base.index:
        sub = deprivations.loc[labels == g]
        res = _poverty.alkire_foster(sub, weights, k)
        per_group[g] = af_dimension_contributions(res.contributions, dims)
    dim_table = pd.DataFrame(per_group).T
    dim_table.columns = [f"{d} share" for d in dim_table.columns]
    out = base[["n", "H", "A", "M0", "contribution"]].join(dim_table)
    out.columns.name = None
    return out


# ----------------------------------------------------------------------------- dynamics
def poverty_status(incomes: pd.DataFrame, lines: pd.Series | Mapping[int, float]) -> pd.DataFrame:
    """Poor (``True``) when income is strictly below the year's line.

    ``poor_{hy} = 1[y_{hy} < z_y]`` (strict, as in :func:`utils.methods.poverty.fgt`).

    Parameters
    ----------
    incomes : DataFrame
        Households x years (columns are years, e.g. ``2016..2020``), finite.
    lines : Series or dict
        Year -> poverty line ``z_y > 0``; must cover every column of ``incomes``.

    Returns
    -------
    pandas.DataFrame
        Same shape and labels as ``incomes``, boolean.
    """
    values, _, cols = as_float_matrix(incomes, "incomes")
    lines = pd.Series(dict(lines)) if isinstance(lines, Mapping) else lines
    if not isinstance(lines, pd.Series):
        raise ValueError(
            f"lines: expected a Series or dict year -> line, got {type(lines).__name__}"
        )
    missing = [c for c in cols if c not in lines.index]
    if missing:
        raise ValueError(f"lines: no poverty line for year(s) {missing} of incomes")
    z = lines.loc[cols].astype(float).to_numpy()
    if not np.all(np.isfinite(z)) or np.any(z <= 0):
        bad = [c for c, v in zip(cols, z, strict=True) if not (np.isfinite(v) and v > 0)]
        raise ValueError(f"lines: the lines of year(s) {bad} must be positive finite numbers")
    return pd.DataFrame(values < z[None, :], index=incomes.index, columns=incomes.columns)


@dataclass(frozen=True)
class DynamicsResult:
    """Result of :func:`poverty_dynamics`.

    Attributes
    ----------
    transition : pandas.DataFrame
        Row shares of the first-to-last-period transition matrix (rows ``before``: "poor",
        "non-poor"; columns ``after``).
    transition_counts : pandas.DataFrame
        The same in household counts.
    trajectory : pandas.Series
        Trajectory class of each household (one of :data:`TRAJECTORIES`).
    summary : pandas.DataFrame
        Per trajectory class (all of :data:`TRAJECTORIES`, in order): ``households``, ``share``.
    headcount : pandas.Series
        Share poor in each period.
    spells : pandas.Series
        Number of poverty spells of each household.
    """

    transition: pd.DataFrame
    transition_counts: pd.DataFrame
    trajectory: pd.Series
    summary: pd.DataFrame
    headcount: pd.Series
    spells: pd.Series


def poverty_dynamics(status: pd.DataFrame) -> DynamicsResult:
    """Poverty persistence, exits and returns from a households x periods poor/non-poor table.

    A *poverty spell* is a maximal run of consecutive poor periods. With ``S_h`` the number of
    spells of household ``h`` (``S_h = 1[poor_{h1}] + #{t > 1: poor_{ht} and not poor_{h,t-1}}``)
    its trajectory is

    - "never poor": ``S_h = 0``;
    - "persistently poor": poor in every period;
    - "returned to poverty" (返贫): ``S_h >= 2``, i.e. poor again after an exit;
    - "exited": ``S_h = 1`` and not poor in the last period;
    - "fell into poverty": ``S_h = 1``, poor in the last period but not in every period.

    The spell approach to chronic and transient poverty follows Bane & Ellwood (1986) and
    Hulme & Shepherd (2003). The first-to-last-period transition matrix
    (:func:`utils.methods.poverty.transition_matrix`) gives persistence ``P(poor -> poor)``, the exit
    rate ``P(poor -> non-poor)`` and the entry rate ``P(non-poor -> poor)``.

    Parameters
    ----------
    status : DataFrame
        Households x periods (columns in time order, at least 2), boolean or 0/1, no missing.

    Returns
    -------
    DynamicsResult

    References
    ----------
    Bane, M. J. & Ellwood, D. T. (1986). Slipping into and out of poverty: the dynamics of
    spells. *Journal of Human Resources*, 21(1), 1-23.
    Hulme, D. & Shepherd, A. (2003). Conceptualizing chronic poverty. *World Development*,
    31(3), 403-423.
    """
    if not isinstance(status, pd.DataFrame):
        raise ValueError(f"status: expected a pandas DataFrame, got {type(status).__name__}")
    values, rows, cols = as_float_matrix(
        status.astype(float) if not status.empty else status, "status"
    )
    bad = (values != 0) & (values != 1)
    if bad.any():
        i, j = np.argwhere(bad)[0]
        raise ValueError(
            f"status: entries must be True/False or 0/1; found {values[i, j]:g} at row "
            f"{rows[i]!r}, column {cols[j]!r}"
        )
    if values.shape[1] < 2:
        raise ValueError(f"status: needs at least 2 periods (columns), got {values.shape[1]}")
    poor = values.astype(bool)
    starts = poor[:, 0].astype(int) + (poor[:, 1:] & ~poor[:, :-1]).sum(axis=1)
    traj = np.where(
        starts == 0,
        TRAJECTORIES[0],
        np.where(
            poor.all(axis=1),
            TRAJECTORIES[4],
            np.where(
                starts >= 2,
                TRAJECTORIES[2],
                np.where(poor[:, -1], TRAJECTORIES[3], TRAJECTORIES[1]),
            ),
        ),
    )
    trajectory = pd.Series(traj, index=status.index, name="trajectory")
    counts = trajectory.value_counts().reindex(list(TRAJECTORIES), fill_value=0)
    summary = pd.DataFrame({"households": counts.astype(int), "share": counts / len(trajectory)})
    summary.index.name = "trajectory"
    labels = np.array(["non-poor", "poor"])
    before, after = labels[poor[:, 0].astype(int)], labels[poor[:, -1].astype(int)]
    states = ["poor", "non-poor"]
    trans = _poverty.transition_matrix(before, after, normalize=True, states=states)
    trans_n = _poverty.transition_matrix(before, after, normalize=False, states=states)
    for t in (trans, trans_n):
        t.index.name = f"status in {cols[0]}"
        t.columns.name = f"status in {cols[-1]}"
    headcount = pd.Series(poor.mean(axis=0), index=status.columns, name="headcount")
    return DynamicsResult(
        transition=trans,
        transition_counts=trans_n,
        trajectory=trajectory,
        summary=summary,
        headcount=headcount,
        spells=pd.Series(starts.astype(int), index=status.index, name="spells"),
    )


@dataclass(frozen=True)
class DynamicsComparison:
    """Poverty dynamics under an absolute and a relative line (:func:`dynamics_by_line`).

    Attributes
    ----------
    absolute, relative : DynamicsResult
        :func:`poverty_dynamics` of the status below the absolute / relative lines.
    relative_lines : pandas.Series
        The relative line of each year (:func:`relative_lines_by_year`).
    table : pandas.DataFrame
        Index = trajectory class (:data:`TRAJECTORIES`); columns ``absolute line:
        households``, ``absolute line: share (%)``, ``relative line: households``,
        ``relative line: share (%)``.
    """

    absolute: DynamicsResult
    relative: DynamicsResult
    relative_lines: pd.Series
    table: pd.DataFrame


def dynamics_by_line(
    incomes: pd.DataFrame,
    absolute: pd.Series | Mapping[int, float],
    relative_share: float = 0.5,
    statistic: str = "median",
) -> DynamicsComparison:
    """Trajectories and transitions of households under an absolute and a relative line.

    Absolute: ``poor_hy = 1[y_hy < z_y]`` with the given yearly lines; relative: the same with
    ``z_y = s * median_h(y_hy)`` (:func:`relative_lines_by_year`, default ``s = 0.5`` of the
    median, Foster 1998), each followed by :func:`poverty_dynamics` (spells, Bane & Ellwood
    1986). The table puts the households and shares (%) of each trajectory class side by side.

    Parameters
    ----------
    incomes : DataFrame
        Households x years, finite.
    absolute : Series or dict
        Year -> absolute line ``z_y > 0`` covering every year of ``incomes``.
    relative_share : float
        Share ``s > 0`` of the centre; default 0.5.
    statistic : {"median", "mean"}
        Centre of the relative line; default the median.

    Returns
    -------
    DynamicsComparison

    Raises
    ------
    ValueError
        As :func:`poverty_status`, :func:`relative_lines_by_year` and :func:`poverty_dynamics`.

    References
    ----------
    Foster, J. E. (1998). Absolute versus relative poverty. *American Economic Review*, 88(2),
    335-341.
    Bane, M. J. & Ellwood, D. T. (1986). Slipping into and out of poverty: the dynamics of
    spells. *Journal of Human Resources*, 21(1), 1-23.
    """
    dyn_abs = poverty_dynamics(poverty_status(incomes, absolute))
    rel_lines = relative_lines_by_year(incomes, relative_share, statistic)
    dyn_rel = poverty_dynamics(poverty_status(incomes, rel_lines))
    table = pd.DataFrame(
        {
            "absolute line: households": dyn_abs.summary["households"],
            "absolute line: share (%)": 100 * dyn_abs.summary["share"],
            "relative line: households": dyn_rel.summary["households"],
            "relative line: share (%)": 100 * dyn_rel.summary["share"],
        }
    )
    return DynamicsComparison(
        absolute=dyn_abs, relative=dyn_rel, relative_lines=rel_lines, table=table
    )
