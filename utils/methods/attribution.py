"""Problem attribution: which factors are associated with the (simulated) satisfaction results.

The attribution chapter of the book uses these functions to find, from the data rather than by
assertion, the problems the thesis names (government services, industries, social security,
education) and their causes:

- :func:`ordered_logit` / :func:`predict_proba` - ordered logit (or probit) of an ordinal
  satisfaction rating on household and service characteristics, with average marginal effects
  on each category's probability (statsmodels ``OrderedModel``);
- :func:`weighted_ordered_logit` / :func:`ame_probability` - the same model by weighted
  pseudo-likelihood (for replicate weights) and the AME on ``P(y >= m)``;
- :func:`brant_test` - Brant's (1990) test of the proportional-odds assumption;
- :func:`ordered_dominance` - general dominance on McFadden's pseudo-R^2 of the ordered logit;
- :func:`importance_performance` - Martilla & James (1977) importance-performance quadrants;
- :func:`dominance_analysis` - general dominance (Shapley decomposition of OLS R^2);
- :func:`group_differences` - differences between townships / household types (one-way ANOVA
  or Kruskal-Wallis with an effect size, via scipy);
- :func:`eta_squared` - the (optionally weighted) share of variance between groups, the effect
  size whose design-based interval a survey chapter gets from replicate weights.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from utils.methods._validation import (
    as_float_matrix,
    as_float_vector,
    check_choice,
    check_fraction,
    check_frame,
)

__all__ = [
    "GroupDiffResult",
    "OrderedLogitResult",
    "ame_probability",
    "brant_test",
    "dominance_analysis",
    "eta_squared",
    "group_differences",
    "importance_performance",
    "ordered_dominance",
    "ordered_logit",
    "predict_proba",
    "weighted_ordered_logit",
]

QUADRANTS = {
    (True, False): "Concentrate here",
    (True, True): "Keep up the good work",
    (False, False): "Low priority",
    (False, True): "Possible overkill",
}
MAX_DOMINANCE_PREDICTORS = 12


# ----------------------------------------------------------------------------------------------
# shared checks
# ----------------------------------------------------------------------------------------------
def _check_frame(df, name: str = "df") -> pd.DataFrame:
    return check_frame(df, name, empty="is empty")


def _check_columns(df: pd.DataFrame, columns, arg: str) -> list:
    cols = [columns] if isinstance(columns, str) else list(columns)
    if not cols:
        raise ValueError(f"{arg}: no columns given")
    missing = [c for c in cols if c not in df.columns]
    if missing:
        raise ValueError(f"{arg}: columns {missing} are not in df")
    dup = sorted({str(c) for c in cols if cols.count(c) > 1})
    if dup:
        raise ValueError(f"{arg}: columns {dup} are listed more than once")
    return cols


def _numeric_block(df: pd.DataFrame, cols: list, arg: str) -> np.ndarray:
    values, rows, _ = as_float_matrix(df[cols], arg)
    var = values.var(axis=0)
    if np.any(var == 0):
        bad = [cols[j] for j in np.flatnonzero(var == 0)]
        raise ValueError(f"{arg}: columns {bad} are constant (no variation to explain with)")
    return values


# ----------------------------------------------------------------------------------------------
# ordered logit
# ----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class OrderedLogitResult:
    """Ordered logit / probit fit.

    Attributes
    ----------
    params : pandas.DataFrame
        Per predictor: ``coef, se, z, p, ci_low, ci_high`` (Wald, 95 %); for ``distr="logit"``
        also ``odds_ratio = exp(coef)``.
    thresholds : pandas.Series
        Cut-points ``tau_1 < ... < tau_{J-1}``, labelled ``"a|b"`` by adjacent categories.
    ame : pandas.DataFrame
        Predictors x outcome categories: average marginal effect of each predictor on each
        category's probability (rows sum to zero).
    model : statsmodels OrderedResults
    n_obs : int
    pseudo_r2 : float
        McFadden's ``1 - llf / llnull``.
    categories : list
        Outcome categories in order.
    predictors : list
    """

    params: pd.DataFrame
    thresholds: pd.Series
    ame: pd.DataFrame
    model: object
    n_obs: int
    pseudo_r2: float
    categories: list
    predictors: list


def _ordered_outcome(series: pd.Series, name: str) -> pd.Categorical:
    if series.isna().any():
        first = series.index[series.isna().to_numpy()].tolist()[0]
        raise ValueError(f"{name}: has missing values (first at row {first!r}); drop them first")
    if isinstance(series.dtype, pd.CategoricalDtype):
        if not series.cat.ordered:
            raise ValueError(
                f"{name}: is an unordered Categorical; make it ordered "
                "(pd.Categorical(..., ordered=True)) so the category order is explicit"
            )
        cat = pd.Categorical(series).remove_unused_categories()
    elif pd.api.types.is_numeric_dtype(series) or pd.api.types.is_bool_dtype(series):
        cat = pd.Categorical(series, categories=sorted(series.unique()), ordered=True)
    else:
        raise ValueError(
            f"{name}: must be numeric codes or an ordered Categorical, got dtype {series.dtype}"
        )
    if len(cat.categories) < 2:
        raise ValueError(f"{name}: needs at least 2 observed categories, got {len(cat.categories)}")
    return cat


def ordered_logit(
    df: pd.DataFrame, outcome: str, predictors: str | Sequence[str], distr: str = "logit"
) -> OrderedLogitResult:
    """Ordered (proportional-odds) logit or probit by maximum likelihood.

    .. math::

        P(y \\le j \\mid x) = F(\\tau_j - x'\\beta), \\quad j = 1..J-1,

    with ``F`` the logistic (``distr="logit"``) or standard normal (``"probit"``) cdf and no
    intercept (it is absorbed in the cut-points), fitted with statsmodels ``OrderedModel``
    (BFGS). Positive ``beta`` shifts probability towards higher categories.

    The average marginal effect of predictor ``k`` on category ``j`` is

    .. math::

        AME_{jk} = \\frac{1}{n} \\sum_i -\\beta_k [f(\\tau_j - x_i'\\beta) - f(\\tau_{j-1} - x_i'\\beta)],

    with ``f = F'`` and ``f(\\pm\\infty) = 0``; it is the derivative (for a 0/1 dummy, read it
    as the linear approximation of the discrete change). The ``J`` AMEs of a predictor sum to 0.

    Parameters
    ----------
    df : DataFrame
        Complete data (no missing values in ``outcome`` or ``predictors``).
    outcome : str
        Ordinal outcome: numeric codes (ordered by value) or an ordered Categorical.
    predictors : str or list of str
        Numeric, non-constant columns.
    distr : {"logit", "probit"}

    Returns
    -------
    OrderedLogitResult

    Examples
    --------
    A three-category rating driven by one predictor (true slope 1.5, cut-points -1 and 1):

    >>> rng = np.random.default_rng(0)
    >>> x = rng.normal(size=300)
    >>> df = pd.DataFrame({"y": np.digitize(1.5 * x + rng.logistic(size=300), [-1, 1]) + 1, "x": x})
    >>> res = ordered_logit(df, "y", ["x"])
    >>> round(float(res.params.at["x", "coef"]), 2), res.thresholds.round(2).tolist()
    (1.64, [-0.98, 1.09])
    >>> float(res.ame.loc["x"].sum().round(12))  # the AMEs of a predictor sum to zero
    0.0

    References
    ----------
    McCullagh, P. (1980). Regression models for ordinal data. *Journal of the Royal Statistical
    Society: Series B*, 42(2), 109-142.
    Long, J. S., & Freese, J. (2014). *Regression Models for Categorical Dependent Variables
    Using Stata* (3rd ed.). Stata Press. (Marginal effects.)
    """
    from statsmodels.miscmodels.ordinal_model import OrderedModel

    _check_frame(df)
    check_choice(distr, ("logit", "probit"), "distr")
    if not isinstance(outcome, str) or outcome not in df.columns:
        raise ValueError(f"outcome: {outcome!r} is not a column of df")
    preds = _check_columns(df, predictors, "predictors")
    if outcome in preds:
        raise ValueError(f"predictors: the outcome {outcome!r} cannot also be a predictor")
    y = _ordered_outcome(df[outcome], "outcome")
    X = _numeric_block(df, preds, "predictors")
    n_params = len(preds) + len(y.categories) - 1
    if len(df) <= n_params:
        raise ValueError(f"df: {len(df)} rows are too few for {n_params} parameters")
    if np.linalg.matrix_rank(X - X.mean(axis=0)) < len(preds):
        raise ValueError(f"predictors: {preds} are perfectly collinear")

    exog = pd.DataFrame(X, columns=preds, index=df.index)
    model = OrderedModel(pd.Series(y, index=df.index, name=outcome), exog, distr=distr)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", category=RuntimeWarning)
        res = model.fit(method="bfgs", disp=False, maxiter=2000, gtol=1e-8)
    if not res.mle_retvals.get("converged", True):
        warnings.warn("ordered_logit: the optimiser did not converge", RuntimeWarning, stacklevel=2)

    k = len(preds)
    coef = np.asarray(res.params)[:k]
    se = np.asarray(res.bse)[:k]
    z = coef / se
    ci = np.asarray(res.conf_int())[:k]
    params = pd.DataFrame(
        {
            "coef": coef,
            "se": se,
            "z": z,
            "p": 2 * stats.norm.sf(np.abs(z)),
            "ci_low": ci[:, 0],
            "ci_high": ci[:, 1],
        },
        index=pd.Index(preds, name="predictor"),
    )
    if distr == "logit":
        params["odds_ratio"] = np.exp(coef)
    cats = list(y.categories)
    cuts = model.transform_threshold_params(np.asarray(res.params))[1:-1]
    thresholds = pd.Series(
        cuts, index=[f"{cats[j]}|{cats[j + 1]}" for j in range(len(cats) - 1)], name="threshold"
    )
    ame = _ame(coef, np.r_[-np.inf, cuts, np.inf], X, model.distr)
    return OrderedLogitResult(
        params=params,
        thresholds=thresholds,
        ame=pd.DataFrame(
            ame, index=pd.Index(preds, name="predictor"), columns=pd.Index(cats, name=outcome)
        ),
        model=res,
        n_obs=int(res.nobs),
        pseudo_r2=float(res.prsquared),
        categories=cats,
        predictors=preds,
    )


def _ame(beta: np.ndarray, cuts: np.ndarray, X: np.ndarray, dist) -> np.ndarray:
    xb = X @ beta
    dens = dist.pdf(cuts[None, :] - xb[:, None])  # n x (J+1); pdf(+-inf) = 0
    dens = np.nan_to_num(dens)
    dprob = -(dens[:, 1:] - dens[:, :-1])  # dP_j / d(xb), n x J
    return beta[:, None] * dprob.mean(axis=0)[None, :]


def predict_proba(result: OrderedLogitResult, newdata: pd.DataFrame) -> pd.DataFrame:
    """Predicted probability of each outcome category for scenario rows.

    ``P(y = j | x) = F(tau_j - x'beta) - F(tau_{j-1} - x'beta)`` from a fitted
    :func:`ordered_logit` result.

    Parameters
    ----------
    result : OrderedLogitResult
    newdata : DataFrame
        Must contain every predictor of the model (other columns are ignored); no missing values.

    Returns
    -------
    pandas.DataFrame
        ``newdata.index`` x categories; rows sum to one.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> x = rng.normal(size=300)
    >>> df = pd.DataFrame({"y": np.digitize(1.5 * x + rng.logistic(size=300), [-1, 1]) + 1, "x": x})
    >>> predict_proba(ordered_logit(df, "y", ["x"]), pd.DataFrame({"x": [0.0]})).round(3)
    category      1      2      3
    0         0.274  0.474  0.252
    """
    if not isinstance(result, OrderedLogitResult):
        raise ValueError(
            f"result: expected an OrderedLogitResult from ordered_logit, got {type(result).__name__}"
        )
    _check_frame(newdata, "newdata")
    missing = [c for c in result.predictors if c not in newdata.columns]
    if missing:
        raise ValueError(f"newdata: predictor columns {missing} are missing")
    X, _, _ = as_float_matrix(newdata[result.predictors], "newdata")
    probs = result.model.model.predict(np.asarray(result.model.params), exog=X)
    return pd.DataFrame(
        probs, index=newdata.index, columns=pd.Index(result.categories, name="category")
    )


# ----------------------------------------------------------------------------------------------
# importance-performance analysis
# ----------------------------------------------------------------------------------------------
def _cut(values: np.ndarray, cut, name: str) -> float:
    if cut is None or (isinstance(cut, str) and cut == "mean"):
        return float(values.mean())
    if isinstance(cut, str):
        if cut == "median":
            return float(np.median(values))
        raise ValueError(f"{name}: {cut!r} is not 'mean', 'median' or a number")
    try:
        value = float(cut)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name}: {cut!r} is not 'mean', 'median' or a number") from exc
    if not math.isfinite(value):
        raise ValueError(f"{name}: must be finite, got {cut!r}")
    return value


def importance_performance(
    importance: pd.Series,
    performance: pd.Series,
    importance_cut: float | str | None = None,
    performance_cut: float | str | None = None,
) -> pd.DataFrame:
    """Importance-performance analysis (Martilla & James 1977).

    Each attribute is placed in the quadrant given by the cross-hairs ``(importance_cut,
    performance_cut)``; "high" means ``>=`` the cut:

    ============================  ===================  =========================
    quadrant                       importance           performance
    ============================  ===================  =========================
    "Concentrate here"             high                 low
    "Keep up the good work"        high                 high
    "Low priority"                 low                  low
    "Possible overkill"            low                  high
    ============================  ===================  =========================

    Parameters
    ----------
    importance, performance : Series
        Indexed by attribute (same labels, unique). Arrays are accepted and labelled ``0..n-1``.
    importance_cut, performance_cut : float, "mean", "median" or None
        Position of the cross-hairs. Default ``None`` = the mean of the attributes' values
        (the data-centred variant common since Martilla & James); ``"median"`` or a fixed value
        (e.g. the scale midpoint 3 on a 1-5 scale) may be given instead.

    Returns
    -------
    pandas.DataFrame
        Indexed by attribute: ``importance, performance, quadrant``; the cuts used are in
        ``.attrs["importance_cut"]`` and ``.attrs["performance_cut"]``.

    Examples
    --------
    >>> imp = pd.Series({"services": 0.30, "industry": 0.25, "housing": 0.10})
    >>> perf = pd.Series({"services": 55.0, "industry": 70.0, "housing": 60.0})
    >>> importance_performance(imp, perf)["quadrant"]
    attribute
    services         Concentrate here
    industry    Keep up the good work
    housing              Low priority
    Name: quadrant, dtype: object

    References
    ----------
    Martilla, J. A., & James, J. C. (1977). Importance-performance analysis. *Journal of
    Marketing*, 41(1), 77-79.
    """
    imp, imp_labels = as_float_vector(importance, "importance")
    perf, perf_labels = as_float_vector(performance, "performance")
    if len(set(imp_labels)) != len(imp_labels):
        raise ValueError("importance: attribute labels are not unique")
    if len(set(perf_labels)) != len(perf_labels):
        raise ValueError("performance: attribute labels are not unique")
    if set(imp_labels) != set(perf_labels):
        only_i = [x for x in imp_labels if x not in set(perf_labels)]
        only_p = [x for x in perf_labels if x not in set(imp_labels)]
        raise ValueError(
            f"importance/performance: labels differ (only in importance: {only_i}; only in "
            f"performance: {only_p})"
        )
    perf = pd.Series(perf, index=perf_labels).loc[imp_labels].to_numpy()
    ic = _cut(imp, importance_cut, "importance_cut")
    pc = _cut(perf, performance_cut, "performance_cut")
    high_i = imp >= ic
    high_p = perf >= pc
    out = pd.DataFrame(
        {
            "importance": imp,
            "performance": perf,
            "quadrant": [
                QUADRANTS[(bool(a), bool(b))] for a, b in zip(high_i, high_p, strict=True)
            ],
        },
        index=pd.Index(imp_labels, name="attribute"),
    )
    out.attrs["importance_cut"] = ic
    out.attrs["performance_cut"] = pc
    return out


# ----------------------------------------------------------------------------------------------
# dominance analysis
# ----------------------------------------------------------------------------------------------
def _subset_r2(corr: np.ndarray) -> np.ndarray:
    """R^2 of every subset of predictors, indexed by bitmask (bit j = predictor j).

    ``corr`` is the (p+1) x (p+1) correlation matrix with the outcome last. For subset ``S``,
    ``R^2_S = r_S' R_SS^{-1} r_S``; subsets of equal size are solved as one stacked system.
    """
    p = corr.shape[0] - 1
    rxx, rxy = corr[:p, :p], corr[:p, p]
    r2 = np.zeros(1 << p)
    masks = np.arange(1 << p)
    bits = (masks[:, None] >> np.arange(p)[None, :]) & 1
    sizes = bits.sum(axis=1)
    for m in range(1, p + 1):
        sel = masks[sizes == m]
        idx = np.nonzero(bits[sel])[1].reshape(len(sel), m)
        a = rxx[idx[:, :, None], idx[:, None, :]]
        b = rxy[idx]
        beta = np.linalg.solve(a, b[:, :, None])[:, :, 0]
        r2[sel] = np.einsum("ij,ij->i", b, beta)
    return r2


def dominance_analysis(df: pd.DataFrame, outcome: str, predictors: Sequence[str]) -> pd.DataFrame:
    """General dominance weights: the Shapley decomposition of the OLS ``R^2``.

    .. math::

        GD_i = \\sum_{S \\subseteq P \\setminus \\{i\\}} \\frac{|S|!\\,(p-|S|-1)!}{p!}
               [R^2(S \\cup \\{i\\}) - R^2(S)],

    i.e. the average over model sizes of the average increase in ``R^2`` when ``x_i`` is added
    (Budescu 1993; Azen & Budescu 2003); the same quantity as the LMG measure (Lindeman, Merenda
    & Gold 1980). The ``GD_i`` sum to the full-model ``R^2``; ``share = GD_i / R^2`` and rank 1
    is the most important predictor.

    Written here because no maintained Python library in the environment does it. All
    ``2^p`` subset ``R^2`` values come from the correlation matrix by the normal equations
    (stacked solves per subset size), so ``p = 10`` takes milliseconds; ``p`` is limited to
    12.

    Parameters
    ----------
    df : DataFrame
        Complete numeric data.
    outcome : str
    predictors : list of str
        2 to 12 non-constant, not perfectly collinear columns.

    Returns
    -------
    pandas.DataFrame
        Indexed by predictor: ``general_dominance, share, rank``; ``.attrs["r2"]`` is the
        full-model ``R^2``.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> d = pd.DataFrame({"a": rng.normal(size=300), "c": rng.normal(size=300)})
    >>> d["b"] = d["a"] + rng.normal(size=300)
    >>> d["y"] = d["a"] + 0.5 * d["c"] + rng.normal(size=300)
    >>> dom = dominance_analysis(d, "y", ["a", "b", "c"])
    >>> dom["rank"].tolist(), bool(np.isclose(dom["general_dominance"].sum(), dom.attrs["r2"]))
    ([1, 2, 3], True)

    References
    ----------
    Budescu, D. V. (1993). Dominance analysis: A new approach to the problem of relative
    importance of predictors in multiple regression. *Psychological Bulletin*, 114(3), 542-551.
    Azen, R., & Budescu, D. V. (2003). The dominance analysis approach for comparing predictors
    in multiple regression. *Psychological Methods*, 8(2), 129-148.
    """
    _check_frame(df)
    if not isinstance(outcome, str) or outcome not in df.columns:
        raise ValueError(f"outcome: {outcome!r} is not a column of df")
    preds = _check_columns(df, predictors, "predictors")
    if outcome in preds:
        raise ValueError(f"predictors: the outcome {outcome!r} cannot also be a predictor")
    p = len(preds)
    if not 2 <= p <= MAX_DOMINANCE_PREDICTORS:
        raise ValueError(
            f"predictors: dominance analysis needs 2 to {MAX_DOMINANCE_PREDICTORS} predictors "
            f"(2^p subset models), got {p}"
        )
    data = _numeric_block(df, [*preds, outcome], "df")
    if data.shape[0] <= p + 1:
        raise ValueError(f"df: {data.shape[0]} rows are too few for {p} predictors")
    corr = np.corrcoef(data, rowvar=False)
    if np.linalg.eigvalsh(corr[:p, :p])[0] < 1e-10:
        raise ValueError(f"predictors: {preds} are perfectly collinear")
    r2 = _subset_r2(corr)

    fact = [math.factorial(m) for m in range(p + 1)]
    weight = np.array([fact[m] * fact[p - m - 1] / fact[p] for m in range(p)])
    masks = np.arange(1 << p)
    sizes = np.array([bin(m).count("1") for m in masks])
    gd = np.empty(p)
    for i in range(p):
        without = masks[(masks >> i) & 1 == 0]
        gd[i] = np.sum(weight[sizes[without]] * (r2[without | (1 << i)] - r2[without]))
    full = r2[-1]
    out = pd.DataFrame(
        {"general_dominance": gd, "share": gd / full}, index=pd.Index(preds, name="predictor")
    )
    out["rank"] = out["general_dominance"].rank(ascending=False, method="min").astype(int)
    out.attrs["r2"] = float(full)
    return out


# ----------------------------------------------------------------------------------------------
# group differences
# ----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class GroupDiffResult:
    """One-way comparison of groups.

    Attributes
    ----------
    test : str
        ``"anova"`` or ``"kruskal"``.
    statistic : float
        ``F`` or ``H``.
    p_value : float
    effect_size : float
    effect_name : str
        ``"eta_squared"`` or ``"epsilon_squared"``.
    dof : tuple
        ``(k - 1, n - k)`` for ANOVA, ``(k - 1,)`` for Kruskal-Wallis.
    table : pandas.DataFrame
        Per group: ``n, mean, sd, median``.
    reason : str
        Why this test was used (the ``"auto"`` rule's outcome or "requested").
    """

    test: str
    statistic: float
    p_value: float
    effect_size: float
    effect_name: str
    dof: tuple
    table: pd.DataFrame
    reason: str


def group_differences(
    df: pd.DataFrame, value: str, group: str, method: str = "auto", alpha: float = 0.05
) -> GroupDiffResult:
    """Compare a numeric variable across groups: one-way ANOVA or Kruskal-Wallis.

    - ``"anova"``: ``F = [SS_B/(k-1)] / [SS_W/(n-k)]`` (``scipy.stats.f_oneway``), effect size
      ``eta^2 = SS_B / SS_T``.
    - ``"kruskal"``: Kruskal-Wallis ``H`` with tie correction (``scipy.stats.kruskal``), effect
      size ``epsilon^2 = H / ((n^2 - 1)/(n + 1)) = H / (n - 1)`` (Tomczak & Tomczak 2014).
    - ``"auto"`` (default) rule: ANOVA unless its assumptions are rejected at level ``alpha``
      (default 0.05) by the Shapiro-Wilk test of the residuals (values minus group means,
      pooled) or by Levene's test with the median centre (Brown-Forsythe); then Kruskal-Wallis.
      Kept for backward compatibility: the book's chapters choose the test by design
      (``"anova"`` for differences in means, ``"kruskal"`` for ranks) instead of letting a
      pre-test on the same data choose it, and report :func:`eta_squared` with a design-based
      interval; adjust the p-values of many tests with
      ``statsmodels.stats.multitest.multipletests`` (Holm or Benjamini-Hochberg).

    Parameters
    ----------
    df : DataFrame
    value : str
        Numeric column (no missing values).
    group : str
        Grouping column (no missing values); at least 2 groups with at least 2 rows each.
    method : {"auto", "anova", "kruskal"}
    alpha : float
        Level of the assumption checks used by ``"auto"``.

    Returns
    -------
    GroupDiffResult

    Examples
    --------
    >>> df = pd.DataFrame({"v": [1, 2, 3, 4, 5, 6, 7, 8, 9], "g": list("aaabbbccc")})
    >>> r = group_differences(df, "v", "g", method="anova")
    >>> r.test, round(r.statistic, 6), round(float(r.effect_size), 6)  # eta^2 = 54 / 60
    ('anova', 27.0, 0.9)

    References
    ----------
    Kruskal, W. H., & Wallis, W. A. (1952). Use of ranks in one-criterion variance analysis.
    *Journal of the American Statistical Association*, 47(260), 583-621.
    Tomczak, M., & Tomczak, E. (2014). The need to report effect size estimates revisited.
    *Trends in Sport Sciences*, 21(1), 19-25.
    Brown, M. B., & Forsythe, A. B. (1974). Robust tests for the equality of variances.
    *Journal of the American Statistical Association*, 69(346), 364-367.
    """
    _check_frame(df)
    check_choice(method, ("auto", "anova", "kruskal"), "method")
    check_fraction(alpha, "alpha")
    for arg, col in (("value", value), ("group", group)):
        if col not in df.columns:
            raise ValueError(f"{arg}: {col!r} is not a column of df")
    if value == group:
        raise ValueError("value/group: must be different columns")
    y, _ = as_float_vector(df[value], "value")
    g = df[group]
    if g.isna().any():
        first = g.index[g.isna().to_numpy()].tolist()[0]
        raise ValueError(f"group: has missing values (first at row {first!r})")
    frame = pd.DataFrame({"y": y, "g": g.to_numpy()})
    grouped = frame.groupby("g", sort=True, observed=True)["y"]
    table = grouped.agg(n="size", mean="mean", sd="std", median="median")
    table.index.name = group
    if len(table) < 2:
        raise ValueError(f"group: needs at least 2 groups, got {len(table)}")
    small = list(table.index[table["n"] < 2])
    if small:
        raise ValueError(f"group: groups {small} have fewer than 2 observations")
    samples = [s.to_numpy() for _, s in grouped]
    n, k = len(y), len(samples)

    reason = "requested"
    if method == "auto":
        resid = y - grouped.transform("mean").to_numpy()
        if np.allclose(resid, 0):
            raise ValueError(f"value: no variation within groups of {group!r}")
        p_norm = stats.shapiro(resid).pvalue if n >= 3 else 1.0
        p_lev = stats.levene(*samples, center="median").pvalue
        if p_norm < alpha or p_lev < alpha:
            method = "kruskal"
            reason = (
                f"auto: Shapiro-Wilk p = {p_norm:.3g}, Brown-Forsythe Levene p = {p_lev:.3g}; "
                f"an assumption is rejected at {alpha:g}, so Kruskal-Wallis"
            )
        else:
            method = "anova"
            reason = (
                f"auto: Shapiro-Wilk p = {p_norm:.3g}, Brown-Forsythe Levene p = {p_lev:.3g}; "
                f"neither rejected at {alpha:g}, so one-way ANOVA"
            )

    if method == "anova":
        res = stats.f_oneway(*samples)
        ss_t = np.sum((y - y.mean()) ** 2)
        if ss_t == 0:
            raise ValueError("value: is constant, so no differences can be tested")
        ss_b = float(np.sum(table["n"] * (table["mean"] - y.mean()) ** 2))
        return GroupDiffResult(
            "anova",
            float(res.statistic),
            float(res.pvalue),
            ss_b / ss_t,
            "eta_squared",
            (k - 1, n - k),
            table,
            reason,
        )
    if np.all(y == y[0]):
        raise ValueError("value: is constant, so no differences can be tested")
    res = stats.kruskal(*samples)
    return GroupDiffResult(
        "kruskal",
        float(res.statistic),
        float(res.pvalue),
        float(res.statistic) / (n - 1),
        "epsilon_squared",
        (k - 1,),
        table,
        reason,
    )


def eta_squared(values, groups, weights=None) -> float:
    """Share of the (weighted) variation of ``values`` that lies between ``groups``.

    .. math::

        \\eta^2 = \\frac{\\sum_g W_g (\\bar y_g - \\bar y)^2}{\\sum_i w_i (y_i - \\bar y)^2},
        \\qquad \\bar y_g = \\frac{\\sum_{i \\in g} w_i y_i}{W_g},\\ W_g = \\sum_{i \\in g} w_i,

    with ``bar y`` the weighted grand mean. With all weights 1 this is the ANOVA effect size
    ``SS_between / SS_total`` of :func:`group_differences` (Cohen 1988). With survey weights it
    estimates the population share of variance between the groups; evaluated on each set of
    replicate weights (``utils.methods.survey_design.replicate_estimate``) it gets a
    design-based interval, which no formula for independent observations gives.

    Parameters
    ----------
    values : array-like
        Numeric values, no missing values.
    groups : array-like
        Group labels of the same length, no missing values; at least 2 groups.
    weights : array-like, optional
        Non-negative weights (rows with weight 0 drop out, as in a replicate); default all 1.

    Returns
    -------
    float
        ``eta^2`` in [0, 1].

    Raises
    ------
    ValueError
        Lengths differ, missing or non-finite values, negative weights, fewer than 2 groups
        with positive weight, or no variation.

    References
    ----------
    Cohen, J. (1988). *Statistical Power Analysis for the Behavioral Sciences* (2nd ed.).
    Erlbaum. (eta squared as SS_between / SS_total; pingouin's ``anova`` reports it as ``n2``.)

    Examples
    --------
    >>> round(eta_squared([1, 2, 3, 4, 5, 6, 7, 8, 9], list("aaabbbccc")), 6)  # 54 / 60
    0.9

    Weight 2 counts a row twice (a frequency weight), so these two agree:

    >>> round(eta_squared([1, 2, 3, 4], list("aabb"), weights=[2, 2, 1, 1]), 6)
    0.780488
    >>> round(eta_squared([1, 1, 2, 2, 3, 4], list("aaaabb")), 6)
    0.780488
    """
    y, _ = as_float_vector(values, "values")
    g = pd.Series(np.asarray(groups, dtype=object))
    if len(g) != len(y):
        raise ValueError(f"groups: has {len(g)} labels but values has {len(y)}")
    if g.isna().any():
        raise ValueError(f"groups: has missing labels (first at position {int(g.isna().idxmax())})")
    if weights is None:
        w = np.ones_like(y)
    else:
        w, _ = as_float_vector(weights, "weights")
        if len(w) != len(y):
            raise ValueError(f"weights: has {len(w)} values but values has {len(y)}")
        if (w < 0).any():
            raise ValueError("weights: must be non-negative")
    if w.sum() <= 0:
        raise ValueError("weights: sum to 0")
    frame = pd.DataFrame({"y": y, "w": w, "wy": w * y, "g": g.to_numpy()})
    by = frame.groupby("g", sort=False)[["w", "wy"]].sum()
    by = by[by["w"] > 0]
    if len(by) < 2:
        raise ValueError(f"groups: needs at least 2 groups with positive weight, got {len(by)}")
    grand = float(frame["wy"].sum() / frame["w"].sum())
    ss_t = float(np.sum(w * (y - grand) ** 2))
    if ss_t <= 0:
        raise ValueError("values: no variation, so eta squared is undefined")
    ss_b = float(np.sum(by["w"] * (by["wy"] / by["w"] - grand) ** 2))
    return min(max(ss_b / ss_t, 0.0), 1.0)


# ----------------------------------------------------------------------------------------------
# weighted ordered logit (for replicate weights), Brant test, ordered-model dominance
# ----------------------------------------------------------------------------------------------
def _codes(y: np.ndarray) -> tuple[np.ndarray, list]:
    cats = sorted(np.unique(y).tolist())
    return np.searchsorted(np.asarray(cats), y), cats


def _ologit_negll(theta: np.ndarray, code: np.ndarray, X: np.ndarray, w: np.ndarray, J: int):
    """Weighted negative log-likelihood of the ordered logit and its gradient.

    ``theta = (beta, tau_1, log(tau_2 - tau_1), ...)`` keeps the cut-points ordered.
    """
    k = X.shape[1]
    beta, raw = theta[:k], theta[k:]
    cuts = np.cumsum(np.r_[raw[0], np.exp(raw[1:])])
    full = np.r_[-np.inf, cuts, np.inf]
    xb = X @ beta
    upper, lower = full[code + 1] - xb, full[code] - xb
    fu, fl = stats.logistic.cdf(upper), stats.logistic.cdf(lower)
    p = np.clip(fu - fl, 1e-300, None)
    du, dl = stats.logistic.pdf(upper), stats.logistic.pdf(lower)
    g_beta = -((w * (-(du - dl) / p)) @ X)
    g_cut = np.zeros(J - 1)
    np.add.at(g_cut, code[code < J - 1], (w * du / p)[code < J - 1])
    np.add.at(g_cut, code[code > 0] - 1, -(w * dl / p)[code > 0])
    # chain rule: d cut_j / d raw_0 = 1; d cut_j / d raw_m = exp(raw_m) for j >= m
    g_raw = np.array([g_cut.sum()] + [g_cut[m:].sum() * np.exp(raw[m]) for m in range(1, J - 1)])
    return -float(w @ np.log(p)), np.r_[g_beta, -g_raw]


def weighted_ordered_logit(
    y: np.ndarray, X: np.ndarray, weights: np.ndarray, start: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray, float]:
    """Ordered logit by weighted (pseudo-) maximum likelihood: ``max sum_i w_i log p_i``.

    The same model as :func:`ordered_logit` (``P(y <= j | x) = F(tau_j - x'beta)``), with
    weights, so that a statistic of the fit can be recomputed under each replicate weight of a
    survey design (pseudo-likelihood; Rao & Wu 1988 for the replicate weights). With equal weights it reproduces
    :func:`ordered_logit`. Analytic gradient, BFGS.

    Parameters
    ----------
    y : array
        Ordinal outcome codes (numeric; ordered by value).
    X : 2-D array
        Predictors (no constant).
    weights : array
        Non-negative weights, one per row.
    start : array, optional
        Starting ``(beta, tau)`` (e.g. the unweighted fit) to save iterations.

    Returns
    -------
    beta, cuts : numpy.ndarray
    loglik : float
        Weighted log-likelihood at the optimum.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> x = rng.normal(size=(300, 1))
    >>> y = np.digitize(1.5 * x[:, 0] + rng.logistic(size=300), [-1, 1]) + 1
    >>> beta, cuts, _ = weighted_ordered_logit(y, x, np.ones(300))
    >>> round(float(beta[0]), 2), cuts.round(2).tolist()  # as ordered_logit's example
    (1.64, [-0.98, 1.09])

    References
    ----------
    McCullagh, P. (1980). Regression models for ordinal data. *JRSS B*, 42(2), 109-142.
    Rao, J. N. K., & Wu, C. F. J. (1988). Resampling inference with complex survey data.
    *JASA*, 83(401), 231-241. https://doi.org/10.1080/01621459.1988.10478591
    """
    from scipy.optimize import minimize

    X = np.asarray(X, dtype=float)
    w = as_float_vector(weights, "weights")[0]
    if X.ndim != 2 or X.shape[0] != w.size or np.asarray(y).size != w.size:
        raise ValueError("weights: y, X and weights must have the same number of rows")
    if (w < 0).any() or not np.isfinite(w).all():
        raise ValueError("weights: must be finite and non-negative")
    code, cats = _codes(np.asarray(y))
    J = len(cats)
    if J < 2:
        raise ValueError("y: needs at least 2 categories")
    k = X.shape[1]
    if start is None:
        shares = np.cumsum(np.bincount(code, minlength=J))[:-1] / code.size
        cuts0 = np.log(shares / (1 - shares))
        start = np.r_[np.zeros(k), cuts0]
    beta0, cuts0 = np.asarray(start[:k], float), np.asarray(start[k:], float)
    gaps = np.maximum(np.diff(cuts0), 1e-3)
    theta0 = np.r_[beta0, cuts0[0], np.log(gaps)]
    scale = w.sum()
    res = minimize(
        lambda t: tuple(v / scale for v in _ologit_negll(t, code, X, w, J)),
        theta0,
        jac=True,
        method="BFGS",
        options={"gtol": 1e-9, "maxiter": 2000},
    )
    beta = res.x[:k]
    cuts = np.cumsum(np.r_[res.x[k], np.exp(res.x[k + 1 :])])
    return beta, cuts, -float(res.fun) * scale


def ame_probability(
    beta: np.ndarray, cuts: np.ndarray, X: np.ndarray, weights: np.ndarray, from_category: int
) -> np.ndarray:
    """Average marginal effect of each predictor on ``P(y >= category from_category)``.

    .. math::

        AME_k = \\frac{\\sum_i w_i\\, \\beta_k f(x_i'\\beta - \\tau_{m})}{\\sum_i w_i},

    with ``tau_m`` the cut-point just below the category ``from_category`` (0-based position)
    and ``f`` the logistic density: the derivative of ``P(y >= m) = F(x'beta - tau_m)``
    (Long & Freese 2014). Multiply by a predictor's standard deviation for the effect per SD.

    Examples
    --------
    >>> round(float(ame_probability(np.array([1.0]), np.array([0.0]), np.zeros((2, 1)),
    ...                            np.ones(2), 1)[0]), 3)  # beta f(0) = 1 / 4
    0.25
    """
    if not 1 <= from_category <= len(cuts):
        raise ValueError(f"from_category: must be 1..{len(cuts)}, got {from_category}")
    w = as_float_vector(weights, "weights")[0]
    dens = stats.logistic.pdf(X @ beta - cuts[from_category - 1])
    return beta * float(w @ dens) / float(w.sum())


def brant_test(df: pd.DataFrame, outcome: str, predictors: Sequence[str]) -> pd.DataFrame:
    """Brant's (1990) Wald test of the proportional-odds (parallel lines) assumption.

    Fits the ``J - 1`` binary logits ``1[y > j]`` separately (each with its own intercept) and
    tests that their slopes are equal. With ``pi_ij = P(y_i > j)`` from binary fit ``j`` and
    ``W_jl = diag(pi_il (1 - pi_ij))`` for ``l >= j``, the slopes' covariance is

    .. math::

        V(\\hat\\beta_j, \\hat\\beta_l) = (X'W_{jj}X)^{-1} X'W_{jl}X (X'W_{ll}X)^{-1},

    and the statistic ``(D b)' (D V D')^{-1} (D b)`` (``D`` the differences of each binary
    slope vector from the first) is chi-squared with ``(J - 2) k`` degrees of freedom
    (omnibus) or ``J - 2`` per predictor. Small p: the effects differ across cut-points, and
    a generalised (partial proportional-odds) ordered logit is the safer model.

    Parameters
    ----------
    df : DataFrame
        Complete data.
    outcome : str
        Ordinal outcome (numeric codes), at least 3 categories.
    predictors : list of str

    Returns
    -------
    pandas.DataFrame
        Index ``"omnibus"`` then each predictor; columns ``chi2, df, p``.

    Examples
    --------
    >>> rng = np.random.default_rng(1)
    >>> d = pd.DataFrame({"x": rng.normal(size=400)})
    >>> d["y"] = np.digitize(d["x"] + rng.logistic(size=400), [-1, 0, 1])
    >>> brant_test(d, "y", ["x"])["df"].tolist()
    [2, 2]

    References
    ----------
    Brant, R. (1990). Assessing proportionality in the proportional odds model for ordinal
    logistic regression. *Biometrics*, 46(4), 1171-1178. https://doi.org/10.2307/2532457
    """
    import statsmodels.api as sm

    _check_frame(df)
    preds = _check_columns(df, predictors, "predictors")
    if not isinstance(outcome, str) or outcome not in df.columns:
        raise ValueError(f"outcome: {outcome!r} is not a column of df")
    y = _ordered_outcome(df[outcome], "outcome")
    code = np.asarray(y.codes)
    J = len(y.categories)
    if J < 3:
        raise ValueError(f"outcome: the Brant test needs 3 or more categories, got {J}")
    X = np.column_stack([np.ones(len(df)), _numeric_block(df, preds, "predictors")])
    k = len(preds)
    betas, pis = [], []
    for j in range(J - 1):
        fit = sm.Logit((code > j).astype(float), X).fit(disp=False, maxiter=200)
        betas.append(np.asarray(fit.params))
        pis.append(np.asarray(fit.predict(X)))
    inv = [np.linalg.inv(X.T @ (X * (p * (1 - p))[:, None])) for p in pis]
    m = J - 1
    V = np.zeros((m * k, m * k))
    for j in range(m):
        for ll in range(j, m):
            wjl = pis[ll] * (1 - pis[j])
            block = inv[j] @ (X.T @ (X * wjl[:, None])) @ inv[ll]
            V[j * k : (j + 1) * k, ll * k : (ll + 1) * k] = block[1:, 1:]
            V[ll * k : (ll + 1) * k, j * k : (j + 1) * k] = block[1:, 1:].T
    b = np.concatenate([bb[1:] for bb in betas])
    D = np.zeros(((m - 1) * k, m * k))
    for j in range(1, m):
        D[(j - 1) * k : j * k, :k] = np.eye(k)
        D[(j - 1) * k : j * k, j * k : (j + 1) * k] = -np.eye(k)

    def wald(rows: np.ndarray) -> float:
        d, dv = D[rows] @ b, D[rows] @ V @ D[rows].T
        return float(d @ np.linalg.solve(dv, d))

    out = {"omnibus": (wald(np.arange(D.shape[0])), (m - 1) * k)}
    for i, name in enumerate(preds):
        out[name] = (wald(np.arange(i, D.shape[0], k)), m - 1)
    table = pd.DataFrame(out, index=["chi2", "df"]).T
    table["df"] = table["df"].astype(int)
    table["p"] = stats.chi2.sf(table["chi2"], table["df"])
    return table.rename_axis("test")


def ordered_dominance(
    df: pd.DataFrame,
    outcome: str,
    predictors: Sequence[str],
    covariates: Sequence[str] = (),
    weights: np.ndarray | None = None,
) -> pd.DataFrame:
    """General dominance of predictors in an ordered logit, on McFadden's pseudo-``R^2``.

    The ordered-model analogue of :func:`dominance_analysis` (Azen & Traxel 2009): every
    subset ``S`` of ``predictors`` is fitted (always with ``covariates``) and
    ``R^2_M(S) = 1 - ll(S) / ll_0``, ``ll_0`` the log-likelihood of the cut-points-only
    model; ``GD_i`` is the Shapley average of ``R^2_M(S u {i}) - R^2_M(S)``. The ``GD_i``
    sum to ``R^2_M(all) - R^2_M(covariates)``.

    Parameters
    ----------
    df : DataFrame
        Complete numeric data.
    outcome : str
    predictors : list of str
        2 to 10 columns whose importance is split.
    covariates : list of str
        Controls kept in every model.
    weights : array, optional
        Weights for :func:`weighted_ordered_logit` (default: equal).

    Returns
    -------
    pandas.DataFrame
        ``general_dominance, share, rank``; ``.attrs["r2"]`` full-model McFadden ``R^2``,
        ``.attrs["r2_covariates"]`` that of the covariates alone.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> d = pd.DataFrame({"a": rng.normal(size=400), "b": rng.normal(size=400)})
    >>> d["y"] = np.digitize(1.2 * d["a"] + 0.4 * d["b"] + rng.logistic(size=400), [-1, 0, 1])
    >>> dom = ordered_dominance(d, "y", ["a", "b"])
    >>> dom["rank"].tolist(), bool(np.isclose(dom["general_dominance"].sum(), dom.attrs["r2"]))
    ([1, 2], True)

    References
    ----------
    Azen, R., & Traxel, N. (2009). Using dominance analysis to determine predictor importance
    in logistic regression. *Journal of Educational and Behavioral Statistics*, 34(3),
    319-347 (as implemented for GLMs in the R package ``dominanceanalysis``,
    https://cran.r-project.org/web/packages/dominanceanalysis/vignettes/da-logistic-regression.html).
    """
    _check_frame(df)
    preds = _check_columns(df, predictors, "predictors")
    covs = _check_columns(df, covariates, "covariates") if len(covariates) else []
    p = len(preds)
    if not 2 <= p <= 10:
        raise ValueError(f"predictors: ordered dominance needs 2 to 10 predictors, got {p}")
    y = np.asarray(df[outcome], dtype=float)
    w = np.ones(len(df)) if weights is None else as_float_vector(weights, "weights")[0]
    code, cats = _codes(y)
    counts = np.array([w[code == j].sum() for j in range(len(cats))])
    ll0 = float(counts[counts > 0] @ np.log(counts[counts > 0] / w.sum()))
    r2 = np.zeros(1 << p)
    for mask in range(1 << p):
        cols = covs + [preds[i] for i in range(p) if mask >> i & 1]
        if not cols:
            continue
        _, _, ll = weighted_ordered_logit(y, _numeric_block(df, cols, "df"), w)
        r2[mask] = 1 - ll / ll0
    fact = [math.factorial(m) for m in range(p + 1)]
    weight = np.array([fact[m] * fact[p - m - 1] / fact[p] for m in range(p)])
    masks = np.arange(1 << p)
    sizes = np.array([bin(m).count("1") for m in masks])
    gd = np.array(
        [
            np.sum(weight[sizes[wo]] * (r2[wo | (1 << i)] - r2[wo]))
            for i in range(p)
            for wo in [masks[(masks >> i) & 1 == 0]]
        ]
    )
    out = pd.DataFrame(
        {"general_dominance": gd, "share": gd / gd.sum()}, index=pd.Index(preds, name="predictor")
    )
    out["rank"] = out["general_dominance"].rank(ascending=False, method="min").astype(int)
    out.attrs["r2"] = float(r2[-1])
    out.attrs["r2_covariates"] = float(r2[0])
    return out
