"""Poverty and inequality measures: FGT, relative lines, Alkire-Foster, Gini, Theil, poverty dynamics.

All functions take plain sequences, NumPy arrays or pandas objects, validate them with the shared
checks in :mod:`utils.methods._validation`, and raise :class:`ValueError` with a message naming the
argument and the rule that was broken.

Optional ``weights`` (``sample_weights`` in :func:`alkire_foster`) are *sampling* (frequency)
weights: an observation with weight 2 counts as two identical observations. Every weighted
formula below reduces to the unweighted one when all weights are equal.

Hand-written code, and why: no maintained package in the project environment implements the
Foster-Greer-Thorbecke family, the Alkire-Foster adjusted headcount or the Theil decomposition
(pymcdm, statsmodels, scipy and pingouin do not), and each is a few vectorised NumPy lines. The
same holds for the nested equal weights of the global MPI (:func:`nested_weights`) and the
spell-based classification of poverty trajectories (:func:`poverty_status`,
:func:`poverty_dynamics`: persistent poverty, exits, returns to poverty).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from numbers import Real

import numpy as np
import pandas as pd

from utils.methods._validation import as_float_matrix, as_float_vector, check_weights

__all__ = [
    "TRAJECTORIES",
    "AFResult",
    "DynamicsResult",
    "TheilResult",
    "alkire_foster",
    "alkire_foster_by_group",
    "fgt",
    "gini",
    "interpolated_medians",
    "nested_weights",
    "poverty_dynamics",
    "poverty_status",
    "relative_poverty_line",
    "theil",
    "transition_matrix",
]

#: Tolerance used when comparing a deprivation score with the cutoff ``k`` (so that floating
#: sums such as 1/3 + 1/3 + 1/3 tie with k = 1).
AF_TIE_TOLERANCE = 1e-12


# ----------------------------------------------------------------------------- helpers
def _sampling_weights(weights, n: int, name: str = "weights") -> np.ndarray | None:
    """Validate optional sampling weights (length n, finite, >= 0, positive sum); not rescaled."""
    if weights is None:
        return None
    w = check_weights(weights, n, name, normalise=True)
    return w * n  # mean 1: keeps magnitudes readable; every formula divides by the total


def _vector(x, name: str) -> np.ndarray:
    """Numeric 1-D finite vector, without building per-element labels (fast for 1e7 values).

    The checks and messages are those of :func:`utils.methods._validation.as_float_vector`, which is
    called to raise them; it is not called on good input because it builds a Python list of
    ``n`` labels (about 0.6 s for 10 million incomes).
    """
    try:
        v = np.asarray(x, dtype=float)
    except (TypeError, ValueError):
        v = None
    if v is None or v.ndim != 1 or v.size == 0 or not np.isfinite(v).all():
        as_float_vector(x, name)  # raises the shared, labelled message
        raise ValueError(f"{name}: not a finite numeric 1-D sequence")  # pragma: no cover
    return v


def _check_same_length(n_a: int, n_b: int, a: str, b: str) -> None:
    if n_a != n_b:
        raise ValueError(f"{a} and {b} must have the same length, got {n_a} and {n_b}")


# ----------------------------------------------------------------------------- FGT
def fgt(
    income,
    line: float,
    alpha: float | Sequence[float] = 0,
    weights=None,
) -> float | pd.Series:
    r"""Foster-Greer-Thorbecke poverty measure :math:`P_\alpha`.

    .. math::

        P_\alpha(y; z) = \frac{1}{N} \sum_{i:\, y_i < z} \left(\frac{z - y_i}{z}\right)^\alpha

    and, with sampling weights :math:`w_i`,
    :math:`P_\alpha = \sum_{i: y_i < z} w_i ((z - y_i)/z)^\alpha / \sum_i w_i`.

    ``alpha = 0`` is the headcount ratio (poverty incidence), ``alpha = 1`` the poverty-gap index
    and ``alpha = 2`` the squared poverty gap (severity).

    Parameters
    ----------
    income : array-like of float
        Incomes (or consumption) :math:`y_i`; finite. Negative values are accepted (net income);
        note that the measure is monotone in the line only for non-negative incomes.
    line : float
        Poverty line :math:`z > 0`. A person is poor when ``income < line`` (strict inequality,
        as in Foster, Greer & Thorbecke 1984); an income exactly at the line is not poor.
    alpha : float or sequence of float, default 0
        Poverty-aversion parameter(s), each ``>= 0``. With a sequence the result is a Series
        indexed ``"P0"``, ``"P1"``, ... (label ``f"P{alpha:g}"``).
    weights : array-like of float, optional
        Sampling weights (non-negative, positive sum). Default: equal weights.

    Returns
    -------
    float or pandas.Series

    Examples
    --------
    Four incomes, line 100: two are poor, with gaps 0.5 and 0.2.

    >>> fgt([50, 80, 120, 200], 100)  # headcount: 2 of 4
    0.5
    >>> fgt([50, 80, 120, 200], 100, alpha=[0, 1, 2]).round(4)  # (0.5 + 0.2) / 4, (0.25 + 0.04) / 4
    P0    0.5000
    P1    0.1750
    P2    0.0725
    Name: fgt, dtype: float64

    References
    ----------
    Foster, J., Greer, J. & Thorbecke, E. (1984). A class of decomposable poverty measures.
    *Econometrica*, 52(3), 761-766.
    """
    y = _vector(income, "income")
    z = _check_line(line)
    alphas, scalar = _check_alpha(alpha)
    w = _sampling_weights(weights, y.size)
    poor = y < z
    gap = (z - y[poor]) / z
    total = float(y.size) if w is None else float(w.sum())
    wp = None if w is None else w[poor]
    out = {}
    for a in alphas:
        if a == 0:
            terms_sum = float(poor.sum()) if w is None else float(wp.sum())
        else:
            g = gap if a == 1 else (gap * gap if a == 2 else gap**a)
            terms_sum = float(g.sum()) if w is None else float(g @ wp)
        out[f"P{a:g}"] = terms_sum / total
    if scalar:
        return next(iter(out.values()))
    return pd.Series(out, name="fgt", dtype=float)


def _check_line(line) -> float:
    if isinstance(line, bool) or not isinstance(line, Real):
        raise ValueError(f"line: must be a real number, got {line!r}")
    z = float(line)
    if not np.isfinite(z) or z <= 0:
        raise ValueError(f"line: the poverty line must be a positive finite number, got {z!r}")
    return z


def _check_alpha(alpha) -> tuple[list[float], bool]:
    scalar = isinstance(alpha, Real) and not isinstance(alpha, bool)
    is_seq = isinstance(alpha, Sequence | np.ndarray) and not isinstance(alpha, str | bytes)
    items = [alpha] if scalar else list(alpha) if is_seq else None
    if items is None or len(items) == 0:
        raise ValueError(f"alpha: expected a number >= 0 or a non-empty sequence, got {alpha!r}")
    out = []
    for a in items:
        if isinstance(a, bool) or not isinstance(a, Real) or not np.isfinite(a) or a < 0:
            raise ValueError(f"alpha: each value must be a finite number >= 0, got {a!r}")
        out.append(float(a))
    return out, scalar


# ----------------------------------------------------------------------------- lines
def relative_poverty_line(
    income,
    share: float = 0.5,
    statistic: str = "median",
    weights=None,
) -> float:
    r"""Relative poverty line :math:`z = s \cdot m(y)`, a share of the median or mean income.

    Parameters
    ----------
    income : array-like of float
        Incomes; finite.
    share : float, default 0.5
        The share :math:`s > 0`; in practice 0.4-0.6 (the EU uses 60 % of the median, the OECD
        50 %; Chinese proposals for a post-2020 relative poverty line are mostly 40-50 % of the
        rural median).
    statistic : {"median", "mean"}, default "median"
        Which centre :math:`m(y)` to use.
    weights : array-like, optional
        Sampling weights. The **weighted median** is the smallest income :math:`y_{(i)}` (in
        sorted order) whose cumulative weight reaches half the total weight; when the cumulative
        weight equals exactly half, the average of that income and the next one (with positive
        weight) is returned. With equal (or integer) weights this equals ``numpy.median`` of the
        (replicated) data. Zero-weight observations are ignored.

    Returns
    -------
    float

    Examples
    --------
    >>> relative_poverty_line([50, 80, 120, 200], share=0.5)  # half the median 100
    50.0

    References
    ----------
    Foster, J. E. (1998). Absolute versus relative poverty. *American Economic Review*, 88(2),
    335-341; OECD (2008), *Growing Unequal?*, OECD Publishing (50 % of median convention).
    """
    y = _vector(income, "income")
    if isinstance(share, bool) or not isinstance(share, Real) or not np.isfinite(share):
        raise ValueError(f"share: must be a finite number, got {share!r}")
    if share <= 0:
        raise ValueError(f"share: must be positive, got {share!r}")
    if statistic not in ("median", "mean"):
        raise ValueError(f"statistic: must be 'median' or 'mean', got {statistic!r}")
    w = _sampling_weights(weights, y.size)
    if statistic == "mean":
        centre = float(y.mean()) if w is None else float(y @ w / w.sum())
    else:
        centre = float(np.median(y)) if w is None else _weighted_median(y, w)
    return float(share) * centre


def interpolated_medians(table: pd.DataFrame, years, column: str) -> pd.DataFrame:
    r"""A reference median of each of the given years, a gap year filled and labelled.

    The reference median of a relative poverty line comes from published yearly figures (e.g.
    a statistics office's rural median income), which can have years without a release (an
    empty cell). A year inside the observed range is filled by geometric interpolation between
    its nearest observed neighbours,
    :math:`m_t = m_a (m_b / m_a)^{(t - a)/(b - a)}`, and flagged ``interpolated``; a year
    outside the observed range is refused (no extrapolation).

    Parameters
    ----------
    table : DataFrame
        Columns ``year`` and ``column`` (one row per year; empty where no figure exists).
    years : iterable of int
        The years wanted (e.g. the survey's income years).
    column : str
        The median column.

    Returns
    -------
    DataFrame
        Index ``year``; columns ``median`` and ``interpolated`` (bool).

    Examples
    --------
    >>> bg = pd.DataFrame({"year": [2016, 2017, 2018], "m": [100.0, None, 121.0]})
    >>> interpolated_medians(bg, [2016, 2017, 2018], column="m")
          median  interpolated
    year
    2016   100.0         False
    2017   110.0          True
    2018   121.0         False
    """
    if not isinstance(table, pd.DataFrame):
        raise ValueError(f"table: expected a DataFrame, got {type(table).__name__}")
    missing = [c for c in ("year", column) if c not in table.columns]
    if missing:
        raise ValueError(f"table: missing column(s) {missing}")
    obs = (
        table[["year", column]]
        .dropna()
        .astype({"year": int, column: float})
        .set_index("year")[column]
        .sort_index()
    )
    if (obs <= 0).any():
        raise ValueError(f"table: column {column!r} must be positive where given")
    rows = {}
    for year in years:
        year = int(year)
        if year in obs.index:
            rows[year] = (float(obs[year]), False)
            continue
        before, after = obs[obs.index < year], obs[obs.index > year]
        if before.empty or after.empty:
            raise ValueError(
                f"table: no {column!r} for {year} and no observed year on both sides "
                f"(observed: {list(obs.index)}); a median is not extrapolated"
            )
        a, b = before.index[-1], after.index[0]
        m = before.iloc[-1] * (after.iloc[0] / before.iloc[-1]) ** ((year - a) / (b - a))
        rows[year] = (float(m), True)
    out = pd.DataFrame.from_dict(rows, orient="index", columns=["median", "interpolated"])
    out.index.name = "year"
    return out


def _weighted_median(y: np.ndarray, w: np.ndarray) -> float:
    keep = w > 0
    y, w = y[keep], w[keep]
    order = np.argsort(y, kind="stable")
    y, w = y[order], w[order]
    cw = np.cumsum(w)
    half = cw[-1] / 2.0
    tol = 1e-12 * cw[-1]
    i = int(np.searchsorted(cw, half - tol, side="left"))
    if abs(cw[i] - half) <= tol and i + 1 < y.size:
        return float((y[i] + y[i + 1]) / 2.0)
    return float(y[i])


# ----------------------------------------------------------------------------- Alkire-Foster
@dataclass(frozen=True)
class AFResult:
    """Result of :func:`alkire_foster`.

    Attributes
    ----------
    H : float
        Multidimensional headcount ratio (share of households identified as poor).
    A : float
        Intensity: average deprivation score among the poor (0 when nobody is poor, by convention).
    M0 : float
        Adjusted headcount ratio, ``H * A`` = mean of the censored scores.
    contributions : pandas.Series
        Percentage contribution of each indicator to M0, ``w_j * CH_j / M0`` (sums to 1; NaN when
        M0 = 0).
    censored_headcounts : pandas.Series
        Share of all households that are poor *and* deprived in indicator j (``CH_j``).
    uncensored_headcounts : pandas.Series
        Share of all households deprived in indicator j, poor or not.
    scores : pandas.Series
        Weighted deprivation score ``c_i`` of each household (uncensored).
    poor : pandas.Series of bool
        ``c_i >= k`` (with tolerance 1e-12).
    k : float
        The poverty cutoff used.
    """

    H: float
    A: float
    M0: float
    contributions: pd.Series
    censored_headcounts: pd.Series
    uncensored_headcounts: pd.Series
    scores: pd.Series
    poor: pd.Series
    k: float


def _af_inputs(deprivations, weights, k, sample_weights):
    g, rows, cols = as_float_matrix(deprivations, "deprivations")
    bad = (g != 0) & (g != 1)
    if bad.any():
        i, j = np.argwhere(bad)[0]
        raise ValueError(
            "deprivations: entries must be 0 (not deprived) or 1 (deprived); "
            f"found {g[i, j]:g} at row {rows[i]!r}, column {cols[j]!r}"
        )
    if isinstance(weights, Mapping | pd.Series):
        wmap = dict(weights.items())
        missing = [c for c in cols if c not in wmap]
        extra = [key for key in wmap if key not in set(cols)]
        if missing or extra:
            raise ValueError(
                "weights: keys must match the deprivation columns; "
                f"missing {missing}, unknown {extra}"
            )
        weights = [wmap[c] for c in cols]
    w = check_weights(weights, len(cols), "weights", normalise=False)
    if isinstance(k, bool) or not isinstance(k, Real) or not np.isfinite(k):
        raise ValueError(f"k: must be a finite number in (0, 1], got {k!r}")
    if not 0 < k <= 1:
        raise ValueError(
            f"k: the poverty cutoff is a share of the weighted indicators and must lie in "
            f"(0, 1], got {k!r}"
        )
    sw = _sampling_weights(sample_weights, len(rows), "sample_weights")
    return g, rows, cols, w, float(k), sw


def alkire_foster(
    deprivations: pd.DataFrame,
    weights: pd.Series | Mapping | Sequence[float],
    k: float,
    sample_weights=None,
) -> AFResult:
    r"""Alkire-Foster multidimensional poverty measure (adjusted headcount ratio M0).

    With deprivation indicators :math:`g_{ij} \in \{0, 1\}` and indicator weights
    :math:`w_j` summing to 1:

    - deprivation score :math:`c_i = \sum_j w_j g_{ij}`;
    - identification (dual cutoff): household *i* is poor when :math:`c_i \ge k`, compared with a
      tolerance of 1e-12 so exact ties count as poor;
    - headcount :math:`H = q / n`, intensity :math:`A = \sum_{i\,poor} c_i / q`,
      adjusted headcount :math:`M_0 = H A = \frac{1}{n}\sum_i c_i(k)` with censored score
      :math:`c_i(k) = c_i \cdot 1[c_i \ge k]`;
    - censored headcount :math:`CH_j = \frac{1}{n} \sum_i g_{ij} 1[c_i \ge k]`, so that
      :math:`M_0 = \sum_j w_j CH_j` and the contribution of indicator j is
      :math:`w_j CH_j / M_0` (summing to 1).

    With sampling weights every ``1/n`` average becomes a weighted average.

    Parameters
    ----------
    deprivations : DataFrame
        Households x indicators, entries 0/1 (bool accepted). Index/columns label the result.
    weights : Series, dict or sequence
        Indicator weights. A Series/dict must be keyed by exactly the deprivation columns; a
        plain sequence is taken in column order. Must be non-negative and **sum to 1** (within
        1e-6): they are refused, not silently rescaled, because k is read on the same scale.
    k : float
        Poverty cutoff in (0, 1]; ``k = min w_j`` is the union approach, ``k = 1`` the
        intersection approach. E.g. "deprived in 2 of 4 equally weighted indicators" is 0.5.
    sample_weights : array-like, optional
        Household sampling weights.

    Returns
    -------
    AFResult

    Examples
    --------
    Four households, three equally weighted indicators, poor when deprived in half or more:

    >>> dep = pd.DataFrame({"school": [1, 0, 1, 0], "health": [1, 0, 0, 1], "water": [0, 0, 1, 0]})
    >>> af = alkire_foster(dep, [1 / 3, 1 / 3, 1 / 3], k=0.5)
    >>> af.H, round(af.A, 4), round(af.M0, 4)  # households 1 and 3 are poor, each 2/3 deprived
    (0.5, 0.6667, 0.3333)
    >>> af.contributions.round(2).tolist()
    [0.5, 0.25, 0.25]

    References
    ----------
    Alkire, S. & Foster, J. (2011). Counting and multidimensional poverty measurement.
    *Journal of Public Economics*, 95(7-8), 476-487.
    Alkire, S., Foster, J. E., Seth, S., Santos, M. E., Roche, J. M. & Ballon, P. (2015).
    *Multidimensional Poverty Measurement and Analysis*. Oxford University Press, ch. 5.
    """
    g, rows, cols, w, k, sw = _af_inputs(deprivations, weights, k, sample_weights)
    # reuse the frame's index: rebuilding one from a list of 1e6 labels costs ~0.6 s
    index = deprivations.index if isinstance(deprivations, pd.DataFrame) else pd.Index(rows)
    scores = g @ w
    poor = scores >= k - AF_TIE_TOLERANCE
    if sw is None:
        total = float(g.shape[0])
        H = poor.sum() / total
        censored_hc = poor.astype(float) @ g / total
        uncensored_hc = np.ones(g.shape[0]) @ g / total
        M0 = float(scores[poor].sum() / total)
    else:
        total = float(sw.sum())
        H = float(sw[poor].sum() / total)
        censored_hc = (sw * poor) @ g / total
        uncensored_hc = sw @ g / total
        M0 = float(scores[poor] @ sw[poor] / total)
    H = float(H)
    A = M0 / H if H > 0 else 0.0
    with np.errstate(invalid="ignore", divide="ignore"):
        contrib = w * censored_hc / M0 if M0 > 0 else np.full(len(cols), np.nan)
    return AFResult(
        H=H,
        A=float(A),
        M0=M0,
        contributions=pd.Series(contrib, index=cols, name="contribution"),
        censored_headcounts=pd.Series(censored_hc, index=cols, name="censored_headcount"),
        uncensored_headcounts=pd.Series(uncensored_hc, index=cols, name="uncensored_headcount"),
        scores=pd.Series(scores, index=index, name="score"),
        poor=pd.Series(poor, index=index, name="poor"),
        k=k,
    )


def alkire_foster_by_group(
    deprivations: pd.DataFrame,
    weights: pd.Series | Mapping | Sequence[float],
    k: float,
    groups,
    sample_weights=None,
) -> pd.DataFrame:
    r"""Alkire-Foster M0 decomposed by population subgroup (e.g. township).

    M0 is subgroup decomposable (Alkire & Foster 2011, property "subgroup decomposability"):

    .. math:: M_0 = \sum_g \frac{n_g}{n} M_{0,g}, \qquad
              \text{contribution}_g = \frac{n_g}{n} \frac{M_{0,g}}{M_0}

    so the contributions sum to 1 (NaN when the overall M0 is 0).

    Parameters
    ----------
    deprivations, weights, k, sample_weights
        As in :func:`alkire_foster`.
    groups : array-like or Series
        Group label of each household, same length as ``deprivations`` (no missing values).
        With sample weights, households of weight 0 are dropped (a group made only of them
        does not appear).

    Returns
    -------
    DataFrame
        Index = group (sorted), columns ``n`` (households), ``population_share`` (weighted),
        ``H``, ``A``, ``M0``, ``contribution``.

    Examples
    --------
    >>> dep = pd.DataFrame({"school": [1, 0, 1, 0], "health": [1, 0, 0, 1], "water": [0, 0, 1, 0]})
    >>> alkire_foster_by_group(dep, [1 / 3] * 3, 0.5, ["a", "a", "b", "b"])[["n", "H", "contribution"]]
           n    H  contribution
    group
    a      2  0.5           0.5
    b      2  0.5           0.5

    References
    ----------
    Alkire, S. & Foster, J. (2011). Counting and multidimensional poverty measurement.
    *Journal of Public Economics*, 95(7-8), 476-487.
    """
    g, rows, cols, w, k, sw = _af_inputs(deprivations, weights, k, sample_weights)
    labels = _check_groups(groups, len(rows))
    if sw is not None:  # zero-weight households carry no population: drop them
        keep = sw > 0
        g, labels, sw = g[keep], labels[keep], sw[keep]
    codes, uniques = pd.factorize(labels, sort=True)
    n_groups = len(uniques)
    scores = g @ w
    poor = scores >= k - AF_TIE_TOLERANCE
    hw = np.ones(len(rows)) if sw is None else sw
    n = np.bincount(codes, minlength=n_groups)
    pop = np.bincount(codes, weights=hw, minlength=n_groups)
    q = np.bincount(codes, weights=hw * poor, minlength=n_groups)
    cens = np.bincount(codes, weights=hw * scores * poor, minlength=n_groups)
    H = q / pop
    M0g = cens / pop
    with np.errstate(invalid="ignore", divide="ignore"):
        A = np.where(q > 0, cens / np.where(q > 0, q, 1), 0.0)
    share = pop / pop.sum()
    M0 = float(cens.sum() / pop.sum())
    contrib = share * M0g / M0 if M0 > 0 else np.full(n_groups, np.nan)
    out = pd.DataFrame(
        {
            "n": n.astype(int),
            "population_share": share,
            "H": H,
            "A": A,
            "M0": M0g,
            "contribution": contrib,
        },
        index=pd.Index(uniques, name="group"),
    )
    return out


def _check_groups(groups, n: int) -> np.ndarray:
    arr = groups.to_numpy() if isinstance(groups, pd.Series) else np.asarray(groups, dtype=object)
    if arr.ndim != 1:
        raise ValueError(f"groups: expected a 1-D sequence of labels, got {arr.ndim} dimension(s)")
    _check_same_length(arr.size, n, "groups", "the data")
    missing = pd.isna(arr)
    if missing.any():
        raise ValueError(f"groups: missing group label at position {int(np.argmax(missing))}")
    return arr


# ----------------------------------------------------------------------------- Gini
def gini(x, weights=None, correction: bool = False) -> float:
    r"""Gini coefficient (population formula), optionally weighted.

    Unweighted, with :math:`x_{(1)} \le \dots \le x_{(n)}` sorted ascending:

    .. math:: G = \frac{2 \sum_{i=1}^n i\, x_{(i)}}{n \sum_i x_i} - \frac{n+1}{n}
              = \frac{\sum_i \sum_j |x_i - x_j|}{2 n^2 \mu}.

    Weighted (sampling weights :math:`w_i`, population shares :math:`p_i = w_i / \sum w`,
    cumulative income shares :math:`L_i` in sorted order, :math:`L_0 = 0`) it is one minus twice
    the area under the Lorenz curve (trapezoid rule, exact for a step distribution):

    .. math:: G = 1 - \sum_i p_i (L_{i-1} + L_i).

    Both give the same number for equal weights, and integer weights give the Gini of the
    replicated data. Equal incomes give 0; one person holding everything gives (n-1)/n.

    Parameters
    ----------
    x : array-like of float
        Non-negative incomes with a positive total.
    weights : array-like, optional
        Sampling weights.
    correction : bool, default False
        Multiply by n/(n-1) (small-sample, "unbiased" version, so that one person holding all
        gives 1). Only for unweighted data (refused with weights: the factor is not defined).

    Returns
    -------
    float

    Examples
    --------
    >>> gini([1, 1, 1, 1]), gini([0, 0, 0, 10])  # equality; one person holds all: (n-1)/n
    (0.0, 0.75)
    >>> round(gini([50, 80, 120, 200]), 4)
    0.2722

    References
    ----------
    Gini, C. (1912). *Variabilita e mutabilita*. Bologna: Tipografia di Paolo Cuppini;
    Lambert, P. J. (2001). *The Distribution and Redistribution of Income*, 3rd ed.,
    Manchester University Press, ch. 2 (sorted and Lorenz-curve formulas).
    """
    v = _vector(x, "x")
    if np.any(v < 0):
        raise ValueError(f"x: incomes must be non-negative for the Gini, got minimum {v.min():g}")
    if v.sum() <= 0:
        raise ValueError("x: incomes sum to 0; the Gini is undefined")
    if correction and weights is not None:
        raise ValueError("correction: the n/(n-1) correction is only defined for unweighted data")
    n = v.size
    if weights is None:
        s = np.sort(v)
        ranks = np.arange(1, n + 1, dtype=float)
        G = 2.0 * float(ranks @ s) / (n * s.sum()) - (n + 1.0) / n
    else:
        w = _sampling_weights(weights, n)
        order = np.argsort(v, kind="stable")
        s, ws = v[order], w[order]
        p = ws / ws.sum()
        inc = ws * s
        L = np.cumsum(inc) / inc.sum()
        L_prev = np.concatenate(([0.0], L[:-1]))
        G = 1.0 - float(p @ (L_prev + L))
    if correction:
        if n < 2:
            raise ValueError("correction: needs at least 2 observations")
        G *= n / (n - 1.0)
    return 0.0 if abs(G) < 1e-15 else float(G)


# ----------------------------------------------------------------------------- Theil
@dataclass(frozen=True)
class TheilResult:
    """Result of :func:`theil`.

    Attributes
    ----------
    total : float
        Theil T index of the whole population.
    between : float
        Between-group component :math:`\\sum_g s_g \\ln(\\mu_g / \\mu)`.
    within : float
        Within-group component :math:`\\sum_g s_g T_g`.
    by_group : pandas.DataFrame
        One row per group: ``n``, ``population_share``, ``income_share`` (:math:`s_g`),
        ``mean``, ``theil`` (:math:`T_g`), ``within_contribution`` (:math:`s_g T_g`).
    """

    total: float
    between: float
    within: float
    by_group: pd.DataFrame


def theil(x, groups=None, weights=None) -> TheilResult:
    r"""Theil T index (generalised entropy GE(1)) with exact between/within decomposition.

    .. math:: T = \frac{1}{N} \sum_i \frac{x_i}{\mu} \ln \frac{x_i}{\mu}

    (weighted: :math:`T = \sum_i p_i (x_i/\mu) \ln(x_i/\mu)`, :math:`p_i = w_i / \sum w`).
    For groups g with population shares :math:`p_g`, means :math:`\mu_g` and income shares
    :math:`s_g = p_g \mu_g / \mu`:

    .. math:: T = \underbrace{\sum_g s_g T_g}_{\text{within}}
              + \underbrace{\sum_g s_g \ln(\mu_g/\mu)}_{\text{between}}

    exactly. Without ``groups`` the whole sample is one group ``"all"`` (between = 0).

    Parameters
    ----------
    x : array-like of float
        Strictly positive incomes (the logarithm is undefined at 0).
    groups : array-like, optional
        Group label per observation (no missing values).
    weights : array-like, optional
        Sampling weights; observations of weight 0 are dropped.

    Returns
    -------
    TheilResult

    Examples
    --------
    >>> th = theil([50, 80, 120, 200], groups=["a", "a", "b", "b"])
    >>> round(th.total, 4), round(th.between, 4), round(th.within, 4)  # between + within = total
    (0.1222, 0.092, 0.0302)

    References
    ----------
    Theil, H. (1967). *Economics and Information Theory*. Amsterdam: North-Holland;
    Shorrocks, A. F. (1980). The class of additively decomposable inequality measures.
    *Econometrica*, 48(3), 613-625.
    """
    v = _vector(x, "x")
    if np.any(v <= 0):
        i = int(np.argmax(v <= 0))
        raise ValueError(
            f"x: incomes must be strictly positive for the Theil index (log of 0 or a negative "
            f"number), got {v[i]:g} at position {i}"
        )
    w = np.ones(v.size) if weights is None else _sampling_weights(weights, v.size)
    if groups is None:
        arr = np.zeros(v.size, dtype=int)
    else:
        arr = _check_groups(groups, v.size)
    keep = w > 0  # zero-weight observations carry no population
    v, w, arr = v[keep], w[keep], arr[keep]
    if groups is None:
        codes, uniques = arr, pd.Index(["all"])
    else:
        codes, uniques = pd.factorize(arr, sort=True)
    G = len(uniques)
    W = w.sum()
    mu = float(w @ v / W)
    pop = np.bincount(codes, weights=w, minlength=G)
    inc = np.bincount(codes, weights=w * v, minlength=G)
    mu_g = inc / pop
    # sum_i w_i x_i ln(x_i) per group, then T_g = (1/(pop_g mu_g)) sum w x ln(x/mu_g)
    xlnx = np.bincount(codes, weights=w * v * np.log(v), minlength=G)
    T_g = xlnx / inc - np.log(mu_g)
    s_g = inc / inc.sum()
    within = float(s_g @ T_g)
    between = float(s_g @ np.log(mu_g / mu))
    ratio = v / mu
    total = float(w @ (ratio * np.log(ratio)) / W)
    by_group = pd.DataFrame(
        {
            "n": np.bincount(codes, minlength=G).astype(int),
            "population_share": pop / W,
            "income_share": s_g,
            "mean": mu_g,
            "theil": T_g,
            "within_contribution": s_g * T_g,
        },
        index=pd.Index(uniques, name="group"),
    )
    return TheilResult(total=total, between=between, within=within, by_group=by_group)


# ----------------------------------------------------------------------------- transitions
def transition_matrix(
    state_before,
    state_after,
    normalize: bool = True,
    states: Sequence | None = None,
) -> pd.DataFrame:
    r"""Transition (mobility) matrix between two categorical states, e.g. poor/non-poor in two waves.

    Entry :math:`(a, b)` counts units in state *a* before and *b* after; with
    ``normalize=True`` each row is divided by its total, giving the empirical transition
    probabilities :math:`\hat p_{ab} = n_{ab} / n_{a\cdot}` (maximum-likelihood estimate of a
    first-order Markov chain; Anderson & Goodman 1957). Rows with no observations are NaN.

    Parameters
    ----------
    state_before, state_after : array-like
        States of the same units at the two dates (same length, no missing values).
    normalize : bool, default True
        Row shares (True) or counts (False).
    states : sequence, optional
        Order of the categories (rows and columns). Default: the sorted union of the observed
        states. Every observed state must be listed.

    Returns
    -------
    DataFrame
        Index ``before`` (rows), columns ``after``.

    Examples
    --------
    >>> transition_matrix(["poor", "poor", "non-poor"], ["non-poor", "poor", "non-poor"],
    ...                   states=["poor", "non-poor"])
    after     poor  non-poor
    before
    poor       0.5       0.5
    non-poor   0.0       1.0

    References
    ----------
    Anderson, T. W. & Goodman, L. A. (1957). Statistical inference about Markov chains.
    *Annals of Mathematical Statistics*, 28(1), 89-110.
    """
    a = _states_array(state_before, "state_before")
    b = _states_array(state_after, "state_after")
    _check_same_length(a.size, b.size, "state_before", "state_after")
    observed = pd.unique(np.concatenate([a, b]))
    if states is None:
        try:
            order = sorted(observed)
        except TypeError as exc:
            raise ValueError(
                f"states: observed states {list(observed)} cannot be sorted; pass states="
            ) from exc
    else:
        order = list(states)
        if len(set(order)) != len(order):
            raise ValueError(f"states: contains duplicates: {order}")
        unknown = [s for s in observed if s not in set(order)]
        if unknown:
            raise ValueError(f"states: observed states {unknown} are not listed in states={order}")
    ia = pd.Index(order).get_indexer(a)
    ib = pd.Index(order).get_indexer(b)
    m = len(order)
    counts = np.bincount(ia * m + ib, minlength=m * m).reshape(m, m).astype(float)
    if normalize:
        with np.errstate(invalid="ignore", divide="ignore"):
            counts = counts / counts.sum(axis=1, keepdims=True)
    out = pd.DataFrame(
        counts,
        index=pd.Index(order, name="before"),
        columns=pd.Index(order, name="after"),
    )
    return out if normalize else out.astype(int)


def _states_array(s, name: str) -> np.ndarray:
    arr = s.to_numpy(dtype=object) if isinstance(s, pd.Series) else np.asarray(s, dtype=object)
    if arr.ndim != 1:
        raise ValueError(f"{name}: expected a 1-D sequence, got {arr.ndim} dimension(s)")
    if arr.size == 0:
        raise ValueError(f"{name}: is empty")
    missing = pd.isna(arr)
    if missing.any():
        raise ValueError(f"{name}: missing state at position {int(np.argmax(missing))}")
    return arr


# ----------------------------------------------------------------------------- weights
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

    Examples
    --------
    >>> nested_weights({"school": "education", "years": "education", "water": "living"}).round(3)
    school    0.25
    years     0.25
    water     0.50
    Name: weight, dtype: float64

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


# ----------------------------------------------------------------------------- dynamics
#: Household trajectory classes of :func:`poverty_dynamics`, in display order.
TRAJECTORIES: tuple[str, ...] = (
    "never poor",
    "exited",
    "returned to poverty",
    "fell into poverty",
    "persistently poor",
)


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

    Examples
    --------
    >>> incomes = pd.DataFrame({2019: [900.0, 1500.0], 2020: [1100.0, 950.0]})
    >>> poverty_status(incomes, {2019: 1000.0, 2020: 1000.0})
        2019   2020
    0   True  False
    1  False   True
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

    Examples
    --------
    >>> status = pd.DataFrame([[1, 0, 1], [1, 1, 1], [0, 0, 0], [1, 0, 0]],
    ...                       columns=[2018, 2019, 2020])
    >>> dyn = poverty_dynamics(status)
    >>> dyn.trajectory.tolist()
    ['returned to poverty', 'persistently poor', 'never poor', 'exited']
    >>> round(float(dyn.transition.loc["poor", "poor"]), 4)  # 2 of the 3 poor in 2018 are poor in 2020
    0.6667

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
    trans = transition_matrix(before, after, normalize=True, states=states)
    trans_n = transition_matrix(before, after, normalize=False, states=states)
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
