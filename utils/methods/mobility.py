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
from scipy import optimize, stats

from utils.methods.poverty import alkire_foster

__all__ = [
    "HomogeneityTest",
    "MarkovResult",
    "MoverStayerResult",
    "alkire_foster_sensitivity",
    "beta_convergence",
    "homogeneity_test",
    "markov_chain",
    "mover_stayer",
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
    https://www.econometricsociety.org/publications/econometrica/1978/09/01/measurement-mobility

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


def _codes(states: pd.DataFrame, order) -> tuple[np.ndarray, list]:
    observed = sorted(pd.unique(states.to_numpy().ravel()).tolist())
    order = list(order) if order is not None else observed
    unknown = [s for s in observed if s not in order]
    if unknown:
        raise ValueError(f"order: observed states {unknown} are not listed")
    if len(order) < 2:
        raise ValueError("states: need at least two different states")
    index = {s: k for k, s in enumerate(order)}
    return states.apply(lambda col: col.map(index)).to_numpy(int), order


@dataclass(frozen=True)
class HomogeneityTest:
    """Likelihood-ratio test that a Markov chain's transition matrix is the same every period.

    Attributes
    ----------
    g2 : float
        :math:`G^2 = 2 \\sum_t \\sum_{a,b} n_{tab} \\ln(\\hat p_{tab} / \\hat p_{ab})`.
    df : int
        Degrees of freedom :math:`(T - 1)\\,m\\,(m - 1)` (``T`` transition periods, ``m`` states),
        less :math:`m - 1` for every state row that is empty in a period.
    p_value : float
        Upper tail of :math:`\\chi^2_{df}` at ``g2``.
    contributions : Series
        The part of ``g2`` contributed by each period ``(t, t+1)``.
    n_transitions : float
        Total count behind the test (after rescaling of weights).
    """

    g2: float
    df: int
    p_value: float
    contributions: pd.Series
    n_transitions: float

    def to_frame(self) -> pd.DataFrame:
        """One row: ``g2``, ``df``, ``p_value``, ``n_transitions``."""
        return pd.DataFrame(
            [
                {
                    "g2": self.g2,
                    "df": self.df,
                    "p_value": self.p_value,
                    "n_transitions": self.n_transitions,
                }
            ]
        )


def homogeneity_test(
    states: pd.DataFrame,
    order: Sequence | None = None,
    weights=None,
) -> HomogeneityTest:
    r"""Anderson-Goodman likelihood-ratio test of time homogeneity of a first-order Markov chain.

    H0: the transition probabilities are the same in every period, :math:`p_{tab} = p_{ab}`.
    With :math:`n_{tab}` the transitions from *a* to *b* between periods *t* and *t+1*,
    :math:`\hat p_{tab} = n_{tab}/n_{ta\cdot}` and the pooled :math:`\hat p_{ab} = n_{ab}/n_{a\cdot}`,

    .. math:: G^2 = 2 \sum_t \sum_{a,b} n_{tab} \ln \frac{\hat p_{tab}}{\hat p_{ab}}
              \;\sim\; \chi^2_{(T-1)\,m\,(m-1)}

    under H0 for large counts (Anderson & Goodman 1957, section 3.3); terms with
    :math:`n_{tab} = 0` are 0. It is the sum over the origin states *a* of the likelihood-ratio
    test of homogeneity of the :math:`T \times m` table of period x destination.

    The test needs **counts of independent units**. With ``weights`` (e.g. sampling weights) the
    weighted counts are rescaled to sum to the number of observed transitions, so the test is
    the naive one that treats the sample as simple random; a design-based test (replicate weights,
    Wald) is the chapter's job.

    Parameters
    ----------
    states : DataFrame
        Units x periods (at least three columns: two transition periods), categorical states.
    order : sequence, optional
        Order of the states.
    weights : array-like, optional
        One weight per unit.

    Returns
    -------
    HomogeneityTest

    References
    ----------
    Anderson, T. W. & Goodman, L. A. (1957). Statistical inference about Markov chains. *Annals of
    Mathematical Statistics*, 28(1), 89-110. https://doi.org/10.1214/aoms/1177707039

    Examples
    --------
    Two periods with opposite matrices (counts 8/2 then 2/8 in both rows): pooled 1/2 everywhere,
    :math:`G^2 = 4 \cdot 2\,(8 \ln 1.6 + 2 \ln 0.4) = 15.42` on 2 df.

    >>> units = {"aaa": 2, "aab": 6, "bab": 2, "aba": 2, "bbb": 2, "bba": 6}
    >>> rows = [list(u) for u, k in units.items() for _ in range(k)]
    >>> res = homogeneity_test(pd.DataFrame(rows))
    >>> round(res.g2, 3), res.df
    (15.42, 2)
    """
    st = _panel(states, "states")
    if st.shape[1] < 3:
        raise ValueError("states: need at least three periods (two transition periods) to test")
    w = _weights(weights, len(st))
    codes, order = _codes(st, order)
    m, T = len(order), codes.shape[1] - 1
    if weights is not None:
        w = w * len(st) / w.sum()  # counts on the scale of the sample: a naive (SRS) test
    n = np.zeros((T, m, m))
    for t in range(T):
        np.add.at(n[t], (codes[:, t], codes[:, t + 1]), w)
    pooled = n.sum(axis=0)
    p_pool = pooled / np.where(
        pooled.sum(axis=1, keepdims=True) > 0, pooled.sum(axis=1, keepdims=True), 1
    )
    contrib = np.zeros(T)
    df = 0
    for t in range(T):
        rows = n[t].sum(axis=1, keepdims=True)
        with np.errstate(divide="ignore", invalid="ignore"):
            p_t = n[t] / rows
            terms = np.where(n[t] > 0, n[t] * np.log(p_t / p_pool), 0.0)
        contrib[t] = 2 * terms.sum()
    # df: (m - 1) free probabilities per origin row observed in a period, minus the pooled ones
    for a in range(m):
        periods_with_row = int((n[:, a, :].sum(axis=1) > 0).sum())
        if periods_with_row > 0:
            df += (periods_with_row - 1) * (m - 1)
    g2 = float(contrib.sum())
    p_value = float(stats.chi2.sf(g2, df)) if df > 0 else float("nan")
    return HomogeneityTest(
        g2=g2,
        df=df,
        p_value=p_value,
        contributions=pd.Series(
            contrib, index=[(st.columns[t], st.columns[t + 1]) for t in range(T)], name="g2"
        ),
        n_transitions=float(n.sum()),
    )


@dataclass(frozen=True)
class MoverStayerResult:
    """Observed versus chain-predicted permanence in a state, and the implied stayers.

    Attributes
    ----------
    observed_always : float
        Weighted share of units in the target state in every period.
    predicted_always : float
        Share a homogeneous first-order chain predicts, :math:`f_0\\,\\hat p^{\\,T-1}`.
    stayer_share : float
        Estimated share of all units who are *stayers* (never leave the target state).
    stayer_share_of_initial : float
        Stayers as a share of the units in the target in the first period.
    mover_stay_probability : float
        Movers' probability of staying in the target from one period to the next.
    chain_stay_probability : float
        The pooled chain's :math:`\\hat p` (movers and stayers mixed).
    n_periods : int
    """

    observed_always: float
    predicted_always: float
    stayer_share: float
    stayer_share_of_initial: float
    mover_stay_probability: float
    chain_stay_probability: float
    n_periods: int

    def to_frame(self) -> pd.DataFrame:
        """One row with every attribute."""
        return pd.DataFrame([self.__dict__])


def mover_stayer(states: pd.DataFrame, target="poor", weights=None) -> MoverStayerResult:
    r"""Mover-stayer decomposition of permanence in one state (moment estimator).

    A homogeneous first-order chain predicts that a share
    :math:`\hat A_{\text{chain}} = f_0\,\hat p^{\,T-1}` of units stays in the target state in
    all *T* periods, with :math:`f_0` the first-period share in the target and :math:`\hat p` the
    pooled probability of staying. When the observed share :math:`A` is larger, the population
    is heterogeneous: the mover-stayer model (Blumen, Kogan & McCarthy 1955, discussed by
    Spilerman 1972) adds a share :math:`\sigma` of *stayers* who never leave the target, the
    *movers* following a chain with their own probability of staying

    .. math:: m(\sigma) = \frac{n_{tt} - \sigma (T-1)}{n_{t\cdot} - \sigma (T-1)},

    where :math:`n_{tt}` and :math:`n_{t\cdot}` are the pooled target-to-target and from-target
    transitions per unit (stayers contribute :math:`T - 1` of each). The moment estimator
    matches the share always in the target:

    .. math:: A = \sigma + (f_0 - \sigma)\, m(\sigma)^{T-1},

    solved for :math:`\sigma \in [0, A]`; :math:`\sigma = 0` when :math:`A \le \hat A_{\text{chain}}`
    (no excess permanence). This is a moment version of the maximum-likelihood mover-stayer
    estimators; it uses only the target state's row and the always-in-target count.

    Parameters
    ----------
    states : DataFrame
        Units x periods (at least two), categorical states.
    target : hashable, default "poor"
    weights : array-like, optional
        One weight per unit.

    Returns
    -------
    MoverStayerResult

    References
    ----------
    Spilerman, S. (1972). Extensions of the mover-stayer model. *American Journal of Sociology*,
    78(3), 599-626. https://doi.org/10.7916/D8HD85S7 (author's copy, Columbia Academic Commons).

    Examples
    --------
    Five units over three periods, two always poor (hand-computed: :math:`f_0 = 3/5`,
    :math:`\hat p = 4/6`, chain prediction :math:`0.6 \cdot (2/3)^2 = 0.267 < A = 0.4`; at
    :math:`\sigma = 0.4` the movers never stay, :math:`m = 0`, and the equation holds):

    >>> s = pd.DataFrame([list("ppp"), list("ppp"), list("pnn"), list("npn"), list("nnn")])
    >>> r = mover_stayer(s, "p")
    >>> round(r.predicted_always, 4), r.observed_always, round(r.stayer_share, 4)
    (0.2667, 0.4, 0.4)
    """
    st = _panel(states, "states")
    w = _weights(weights, len(st))
    w = w / w.sum()
    inside = st.to_numpy() == target
    T = inside.shape[1]
    f0 = float(w @ inside[:, 0])
    if f0 == 0:
        raise ValueError(f"states: nobody is in {target!r} in the first period")
    A = float(w @ inside.all(axis=1))
    n_from = float(sum(w @ inside[:, t] for t in range(T - 1)))
    n_stay = float(sum(w @ (inside[:, t] & inside[:, t + 1]) for t in range(T - 1)))
    p = n_stay / n_from
    predicted = f0 * p ** (T - 1)

    def movers_p(sig: float) -> float:
        den = n_from - sig * (T - 1)
        return max(n_stay - sig * (T - 1), 0.0) / den if den > 0 else 0.0

    def gap(sig: float) -> float:
        return sig + (f0 - sig) * movers_p(sig) ** (T - 1) - A

    if A <= predicted or T < 2:
        sigma = 0.0
    elif abs(gap(A)) < 1e-12:
        sigma = A
    else:
        sigma = float(optimize.brentq(gap, 0.0, A, xtol=1e-14))
    return MoverStayerResult(
        observed_always=A,
        predicted_always=float(predicted),
        stayer_share=sigma,
        stayer_share_of_initial=sigma / f0,
        mover_stay_probability=float(movers_p(sigma)),
        chain_stay_probability=float(p),
        n_periods=T,
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
