r"""Poverty dynamics and regional convergence: Markov chains, spells, mobility, convergence.

The methods behind the questions of the transition period after 2020: is poverty persistent or
churning around the line (annual Markov transition matrices, their steady state, Shorrocks'
mobility index, spells), do poorer townships catch up (sigma- and beta-convergence), which
households would a monitoring system flag (a near-line rule), and how robust a multidimensional
index is to its weights and cutoff (Alkire-Foster sensitivity grid). Everything is weighted when
sampling weights are given (person weights = household weight x household size, as NBS counts
persons).

Hand-written where no library in the environment has the method (statsmodels has no Markov
transition estimator for a panel of states, no Shorrocks index, no spell counts); beta-convergence
uses ``statsmodels`` WLS.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import statsmodels.api as sm

from utils.methods.poverty import alkire_foster

__all__ = [
    "MarkovResult",
    "alkire_foster_sensitivity",
    "beta_convergence",
    "markov_chain",
    "near_line_flags",
    "poverty_states",
    "sigma_convergence",
    "spells",
]


def _panel(states, name: str) -> pd.DataFrame:
    if not isinstance(states, pd.DataFrame) or states.shape[1] < 2:
        raise ValueError(f"{name}: expected a DataFrame, units x periods (at least 2 columns)")
    if states.isna().any().any():
        r, c = np.argwhere(states.isna().to_numpy())[0]
        raise ValueError(
            f"{name}: missing value at unit {states.index[r]!r}, period {states.columns[c]!r}"
        )
    return states


def _weights(weights, n: int) -> np.ndarray:
    if weights is None:
        return np.ones(n)
    w = np.asarray(weights, dtype=float)
    if w.shape != (n,) or not np.all(np.isfinite(w)) or np.any(w < 0) or w.sum() <= 0:
        raise ValueError(f"weights: expected {n} finite non-negative values with a positive sum")
    return w


def poverty_states(
    incomes: pd.DataFrame,
    lines: Mapping | pd.Series,
    band: float = 0.0,
) -> pd.DataFrame:
    r"""Classify each unit in each period as ``"poor"``, ``"near"`` or ``"non-poor"``.

    ``poor`` when :math:`y < z_t`; with ``band > 0``, ``near`` when
    :math:`z_t \le y < (1 + \text{band})\,z_t`; ``non-poor`` otherwise. A band separates churning
    around the line (moves between ``poor`` and ``near``) from real exits.

    Parameters
    ----------
    incomes : DataFrame
        Units x periods.
    lines : mapping or Series
        Poverty line per period (the same keys as ``incomes.columns``).
    band : float, default 0
        Width of the near-line band as a share of the line (0 = two states only).

    Examples
    --------
    >>> inc = pd.DataFrame({2016: [90.0, 105, 200], 2017: [110.0, 95, 300]})
    >>> poverty_states(inc, {2016: 100, 2017: 100}, band=0.2)
       2016      2017
    0      poor      near
    1      near      poor
    2  non-poor  non-poor
    """
    inc = _panel(incomes, "incomes")
    if band < 0 or not np.isfinite(band):
        raise ValueError(f"band: must be a non-negative number, got {band!r}")
    missing = [c for c in inc.columns if c not in lines]
    if missing:
        raise ValueError(f"lines: no poverty line for periods {missing}")
    z = np.array([float(lines[c]) for c in inc.columns])
    y = inc.to_numpy(float)
    out = np.where(y < z, "poor", np.where(y < (1 + band) * z, "near", "non-poor"))
    if band == 0:
        out = np.where(out == "near", "non-poor", out)
    return pd.DataFrame(out, index=inc.index, columns=inc.columns)


@dataclass(frozen=True)
class MarkovResult:
    """Pooled first-order Markov chain of states over consecutive periods.

    Attributes
    ----------
    matrix : DataFrame
        Pooled transition probabilities, rows = state before, columns = state after.
    by_period : dict
        ``{(t, t+1): DataFrame}`` the matrix of each consecutive pair.
    counts : DataFrame
        Weighted transition counts (pooled).
    steady_state : Series
        Stationary distribution :math:`\\pi = \\pi P`.
    shorrocks : float
        Shorrocks' mobility index :math:`(m - \\operatorname{tr} P)/(m - 1)`.
    expected_duration : Series
        Expected number of periods in a state once entered, :math:`1/(1 - p_{ii})`.
    """

    matrix: pd.DataFrame
    by_period: dict
    counts: pd.DataFrame
    steady_state: pd.Series
    shorrocks: float
    expected_duration: pd.Series

    def to_frame(self) -> pd.DataFrame:
        """The pooled matrix with the steady state and expected duration as extra columns."""
        out = self.matrix.copy()
        out["steady_state"] = self.steady_state
        out["expected_duration"] = self.expected_duration
        return out


def _stationary(P: np.ndarray) -> np.ndarray:
    vals, vecs = np.linalg.eig(P.T)
    v = np.real(vecs[:, np.argmin(np.abs(vals - 1.0))])
    return v / v.sum()


def markov_chain(
    states: pd.DataFrame,
    order: Sequence | None = None,
    weights=None,
) -> MarkovResult:
    r"""Annual transition matrices of a panel of states, pooled, with steady state and mobility.

    With weighted counts :math:`n_{ab} = \sum_t \sum_i w_i [s_{i,t} = a][s_{i,t+1} = b]` over
    consecutive periods, :math:`\hat p_{ab} = n_{ab}/n_{a\cdot}` (the maximum-likelihood estimate
    of a time-homogeneous first-order chain, Anderson & Goodman 1957); the steady state solves
    :math:`\pi = \pi P,\ \sum \pi = 1`; Shorrocks' index :math:`M = (m - \operatorname{tr}P)/(m-1)`
    is 0 for complete immobility and 1 when the next state is independent of the current one
    (Shorrocks 1978).

    Parameters
    ----------
    states : DataFrame
        Units x periods (columns in time order), categorical states.
    order : sequence, optional
        Order of the states (default: sorted observed states).
    weights : array-like, optional
        One weight per unit (e.g. person weights).

    Returns
    -------
    MarkovResult

    References
    ----------
    Anderson, T. W. & Goodman, L. A. (1957). Statistical inference about Markov chains. *Annals of
    Mathematical Statistics*, 28(1), 89-110. https://doi.org/10.1214/aoms/1177707039
    Shorrocks, A. F. (1978). The measurement of mobility. *Econometrica*, 46(5), 1013-1024.
    https://doi.org/10.2307/1911433

    Examples
    --------
    >>> s = pd.DataFrame({1: ["p", "p", "n", "n"], 2: ["p", "n", "n", "n"], 3: ["n", "n", "n", "p"]})
    >>> res = markov_chain(s)
    >>> res.matrix.round(3)
    after      n      p
    before
    n      0.8  0.2
    p      0.667  0.333
    >>> round(res.shorrocks, 3), res.steady_state.round(3).tolist()
    (0.867, [0.769, 0.231])
    """
    st = _panel(states, "states")
    w = _weights(weights, len(st))
    observed = sorted(pd.unique(st.to_numpy().ravel()).tolist())
    order = list(order) if order is not None else observed
    unknown = [s for s in observed if s not in order]
    if unknown:
        raise ValueError(f"order: observed states {unknown} are not listed")
    m = len(order)
    if m < 2:
        raise ValueError("states: need at least two different states")
    index = {s: k for k, s in enumerate(order)}
    codes = st.apply(lambda col: col.map(index)).to_numpy(int)
    pooled = np.zeros((m, m))
    by_period = {}
    for t in range(codes.shape[1] - 1):
        c = np.zeros((m, m))
        np.add.at(c, (codes[:, t], codes[:, t + 1]), w)
        pooled += c
        with np.errstate(invalid="ignore", divide="ignore"):
            by_period[(st.columns[t], st.columns[t + 1])] = pd.DataFrame(
                c / c.sum(axis=1, keepdims=True),
                index=pd.Index(order, name="before"),
                columns=pd.Index(order, name="after"),
            )
    rows = pooled.sum(axis=1, keepdims=True)
    if np.any(rows == 0):
        empty = [order[k] for k in np.flatnonzero(rows.ravel() == 0)]
        raise ValueError(f"states {empty} are never left or entered from: no row to estimate")
    P = pooled / rows
    pi = _stationary(P)
    with np.errstate(divide="ignore"):
        duration = 1.0 / (1.0 - np.diag(P))
    idx = pd.Index(order, name="before")
    return MarkovResult(
        matrix=pd.DataFrame(P, index=idx, columns=pd.Index(order, name="after")),
        by_period=by_period,
        counts=pd.DataFrame(pooled, index=idx, columns=pd.Index(order, name="after")),
        steady_state=pd.Series(pi, index=pd.Index(order), name="steady_state"),
        shorrocks=float((m - np.trace(P)) / (m - 1)),
        expected_duration=pd.Series(duration, index=pd.Index(order), name="expected_duration"),
    )


def spells(states: pd.DataFrame, target="poor", weights=None) -> pd.DataFrame:
    r"""Spells in a target state and the persistent / transient / never split.

    A spell is a maximal run of consecutive periods in ``target``; spells that touch the first or
    last period are censored (their true length is unknown). Units are *persistent* when in the
    target in every period, *transient* when in it in some but not all periods (churning plus
    real entries and exits), *never* otherwise.

    Parameters
    ----------
    states : DataFrame
        Units x periods (columns in time order), categorical states, no missing values.
    target : hashable, default "poor"
        The state whose spells are counted.
    weights : array-like, optional
        One weight per unit (e.g. person weights); spells are then weighted counts.

    Returns
    -------
    DataFrame
        One row per spell length :math:`\ell = 1..T`: ``spells`` (weighted count of spells of
        that length), ``censored`` (of which censored); ``attrs["status_shares"]`` holds the
        weighted shares of persistent, transient and never units.

    Examples
    --------
    >>> s = pd.DataFrame([["p", "p", "n"], ["n", "p", "n"], ["p", "p", "p"], ["n", "n", "n"]])
    >>> out = spells(s, "p")
    >>> out["spells"].tolist(), out["censored"].tolist()
    ([1.0, 1.0, 1.0], [0.0, 1.0, 1.0])
    >>> out.attrs["status_shares"]
    {'persistent': 0.25, 'transient': 0.5, 'never': 0.25}
    """
    st = _panel(states, "states")
    w = _weights(weights, len(st))
    T = st.shape[1]
    in_t = (st.to_numpy() == target).astype(int)
    counts = np.zeros(T)
    censored = np.zeros(T)
    for i in range(len(st)):
        row = in_t[i]
        t = 0
        while t < T:
            if row[t]:
                start = t
                while t < T and row[t]:
                    t += 1
                length = t - start
                counts[length - 1] += w[i]
                if start == 0 or t == T:
                    censored[length - 1] += w[i]
            else:
                t += 1
    k = in_t.sum(axis=1)
    total = w.sum()
    shares = {
        "persistent": float(w[k == T].sum() / total),
        "transient": float(w[(k > 0) & (k < T)].sum() / total),
        "never": float(w[k == 0].sum() / total),
    }
    out = pd.DataFrame(
        {"spells": counts, "censored": censored},
        index=pd.Index(range(1, T + 1), name="length"),
    )
    out.attrs["status_shares"] = shares
    return out


def sigma_convergence(log_incomes: pd.DataFrame, weights=None) -> pd.Series:
    r"""Dispersion of log incomes per period: :math:`\sigma_t = \operatorname{sd}_w(\ln y_{it})`.

    Sigma-convergence holds when :math:`\sigma_t` falls over time (Barro & Sala-i-Martin 1992).

    Parameters
    ----------
    log_incomes : DataFrame
        Units (e.g. townships) x periods of **log** incomes.
    weights : array-like, optional
        Unit weights (e.g. population), for a population-weighted dispersion.

    Examples
    --------
    >>> ly = np.log(pd.DataFrame({2016: [1.0, 4.0], 2020: [2.0, 4.0]}))
    >>> sigma_convergence(ly).round(4).tolist()
    [0.6931, 0.3466]
    """
    ly = _panel(log_incomes, "log_incomes")
    w = _weights(weights, len(ly))
    w = w / w.sum()
    mean = w @ ly.to_numpy(float)
    var = w @ (ly.to_numpy(float) - mean) ** 2
    return pd.Series(np.sqrt(var), index=ly.columns, name="sigma")


def beta_convergence(log_initial, log_final, years: float, weights=None) -> pd.Series:
    r"""Absolute beta-convergence: regress average annual log growth on the initial log level.

    .. math:: \frac{\ln y_{iT} - \ln y_{i0}}{T} = a + b \ln y_{i0} + e_i

    :math:`b < 0` means poorer units grow faster; the implied speed of convergence is
    :math:`\lambda = -\ln(1 + bT)/T` and the half-life :math:`\ln 2/\lambda` (Barro &
    Sala-i-Martin 1992). Weighted least squares when weights are given; heteroskedasticity-robust
    (HC1) standard error.

    Returns
    -------
    Series
        ``b``, ``se``, ``ci_low``, ``ci_high`` (95 %), ``p_value``, ``speed``, ``half_life``,
        ``n``.

    References
    ----------
    Barro, R. J. & Sala-i-Martin, X. (1992). Convergence. *Journal of Political Economy*, 100(2),
    223-251. https://doi.org/10.1086/261816

    Examples
    --------
    >>> y0 = np.log([1.0, 2.0, 4.0, 8.0])
    >>> yT = y0 + 4 * (0.10 - 0.02 * y0)  # constructed with b = -0.02 over 4 years
    >>> round(float(beta_convergence(y0, yT, years=4)["b"]), 6)
    -0.02
    """
    y0 = np.asarray(log_initial, dtype=float)
    yT = np.asarray(log_final, dtype=float)
    if y0.shape != yT.shape or y0.ndim != 1 or len(y0) < 3:
        raise ValueError("log_initial, log_final: two 1-D arrays of the same length (>= 3)")
    if not (np.isfinite(y0).all() and np.isfinite(yT).all()):
        raise ValueError("log_initial, log_final: must be finite (log of positive incomes)")
    if not years > 0:
        raise ValueError(f"years: must be positive, got {years!r}")
    w = _weights(weights, len(y0))
    g = (yT - y0) / years
    X = sm.add_constant(y0)
    fit = sm.WLS(g, X, weights=w).fit(cov_type="HC1")
    b, se = float(fit.params[1]), float(fit.bse[1])
    lo, hi = fit.conf_int()[1]
    speed = -np.log(1 + b * years) / years if 1 + b * years > 0 else np.nan
    return pd.Series(
        {
            "b": b,
            "se": se,
            "ci_low": float(lo),
            "ci_high": float(hi),
            "p_value": float(fit.pvalues[1]),
            "speed": float(speed),
            "half_life": float(np.log(2) / speed) if speed and speed > 0 else np.nan,
            "n": len(y0),
        },
        name="beta_convergence",
    )


def near_line_flags(
    income,
    line: float,
    registered,
    exited,
    margin: float = 0.5,
) -> pd.DataFrame:
    r"""Households a return-to-poverty monitoring system would flag (防止返贫动态监测).

    Two groups, by a documented rule on current income :math:`y` and the line :math:`z`:

    - **unstable exited** (脱贫不稳定户): registered, exited, and :math:`y < (1 + m)z`;
    - **marginal** (边缘易致贫户): never registered and :math:`y < (1 + m)z` (including the
      missed poor below the line);

    with *m* the ``margin`` (the official rule of 2020 used a multiple of the line set by each
    province; here it is a parameter).

    Parameters
    ----------
    income : array-like
        Per-capita income of each household in the monitoring year.
    line : float
        The year's poverty line or income threshold (positive).
    registered, exited : array-like of bool or 0/1
        Ever registered (建档立卡); exited by the monitoring year (only registered households).
    margin : float, default 0.5
        Monitoring range above the line, as a share of it, in [0, 5].

    References
    ----------
    State Council Leading Group of Poverty Alleviation and Development (2020). 关于建立防止返贫
    监测和帮扶机制的指导意见 (Xinhua report, 2020-03-27,
    https://www.cititic.com/news/mm/1407174-20200327.htm). A reported provincial range: incomes
    below about 1.5 times the national line (People's Daily, 2020-06-30, p. 13,
    http://www.dingqianjf.com/news/show/134/1469160_0.html).

    Returns
    -------
    DataFrame
        Boolean columns ``unstable_exited``, ``marginal``, ``flagged`` (either).

    Examples
    --------
    >>> near_line_flags([4500, 7000, 5000, 3000], 4000, registered=[1, 1, 0, 0],
    ...                 exited=[1, 1, 0, 0], margin=0.5).astype(int)
       unstable_exited  marginal  flagged
    0                1         0        1
    1                0         0        0
    2                0         1        1
    3                0         1        1
    """
    y = np.asarray(income, dtype=float)
    reg = np.asarray(registered).astype(bool)
    ex = np.asarray(exited).astype(bool)
    if not (y.shape == reg.shape == ex.shape) or y.ndim != 1:
        raise ValueError("income, registered, exited: 1-D arrays of the same length")
    if np.any(ex & ~reg):
        raise ValueError("exited: a household that was never registered cannot have exited")
    if not (np.isfinite(line) and line > 0):
        raise ValueError(f"line: must be a positive number, got {line!r}")
    if not (0 <= margin <= 5):
        raise ValueError(f"margin: must be in [0, 5], got {margin!r}")
    near = y < (1 + margin) * line
    unstable = reg & ex & near
    marginal = ~reg & near
    return pd.DataFrame(
        {"unstable_exited": unstable, "marginal": marginal, "flagged": unstable | marginal}
    )


def alkire_foster_sensitivity(
    deprivations: pd.DataFrame,
    schemes: Mapping[str, Mapping | pd.Series],
    cutoffs: Sequence[float],
    sample_weights=None,
    dimension_of: Mapping | None = None,
) -> pd.DataFrame:
    r"""H, A, M0 and contributions over weighting schemes x poverty cutoffs *k*.

    Runs :func:`utils.methods.poverty.alkire_foster` for every scheme and cutoff and returns one
    tidy row per pair, so that a chapter can say which conclusions survive (Alkire & Santos 2014
    recommend such robustness checks for weights and *k*).

    Parameters
    ----------
    deprivations : DataFrame
        Units x indicators of 0/1 deprivations.
    schemes : mapping
        Name -> indicator weights (summing to 1).
    cutoffs : sequence of float
        Poverty cutoffs *k* in (0, 1].
    sample_weights : array-like, optional
    dimension_of : mapping, optional
        Indicator -> dimension, to add ``contribution_<dimension>`` columns (sums of indicator
        contributions).

    References
    ----------
    Alkire, S. & Santos, M. E. (2014). Measuring acute poverty in the developing world:
    robustness and scope of the Multidimensional Poverty Index. *World Development*, 59, 251-274.
    https://doi.org/10.1016/j.worlddev.2014.01.026

    Examples
    --------
    >>> g = pd.DataFrame({"a": [1, 1, 0, 0], "b": [1, 0, 1, 0], "c": [1, 0, 0, 0]})
    >>> eq = {"a": 1 / 3, "b": 1 / 3, "c": 1 / 3}
    >>> alkire_foster_sensitivity(g, {"equal": eq}, [0.3, 0.6])[["scheme", "k", "H", "M0"]].round(3)
      scheme    k     H     M0
    0  equal  0.3  0.75  0.417
    1  equal  0.6  0.25  0.250
    """
    if not schemes:
        raise ValueError("schemes: give at least one weighting scheme")
    rows = []
    for name, w in schemes.items():
        for k in cutoffs:
            res = alkire_foster(deprivations, w, float(k), sample_weights=sample_weights)
            row = {"scheme": name, "k": float(k), "H": res.H, "A": res.A, "M0": res.M0}
            if dimension_of is not None:
                contrib = res.contributions.groupby(lambda c, d=dimension_of: d.get(c, c)).sum()
                row.update({f"contribution_{d}": float(v) for d, v in contrib.items()})
            rows.append(row)
    return pd.DataFrame(rows)
