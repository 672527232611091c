"""Reliability and validity of a questionnaire: alpha, item analysis, KMO, Bartlett, EFA.

The survey chapter of the book uses these functions on the (simulated) household
questionnaire of M County to check that the items of each performance dimension measure one
thing reliably (Cronbach's alpha, corrected item-total correlations), that the correlation
matrix is worth factoring (KMO, Bartlett), how many factors to keep (Horn's parallel analysis),
what the factors are (exploratory factor analysis), whether the constructs converge
(composite reliability, average variance extracted) and whether they are distinct (HTMT).
For 5-point items the factor analysis can run on polychoric correlations from
pairwise-complete answers (:func:`polychoric_matrix`, then
``exploratory_factor_analysis(corr, ..., is_correlation=True)``) instead of Pearson
correlations of the complete cases only.

Where a maintained library implements a method, it is wrapped thinly with input validation:
``factor_analyzer`` for KMO, Bartlett's test and EFA. Cronbach's alpha is computed with NumPy
(same formula and Feldt interval as :func:`pingouin.cronbach_alpha`, which it is tested
against) because pingouin only accepts a DataFrame, fails with ``AssertionError`` rather than
telling the user what is wrong, rounds its interval to three decimals and, under listwise
deletion, keeps the pre-deletion ``n`` in the interval. Parallel analysis, item analysis and
composite reliability/AVE are not available as maintained Python functions, so they are
written here (vectorised) and checked against closed-form examples in the tests; so are the
polychoric correlation (no maintained Python implementation of Olsson's estimator; the
bivariate normal probabilities use ``scipy.special.owens_t``) and HTMT.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import special

from utils.methods._validation import as_float_matrix, as_float_vector, check_choice, check_fraction

__all__ = [
    "AlphaResult",
    "BartlettResult",
    "CorrelationMatrixResult",
    "EFAResult",
    "KMOResult",
    "ParallelResult",
    "PolychoricResult",
    "average_variance_extracted",
    "bartlett_sphericity",
    "composite_reliability",
    "cronbach_alpha",
    "em_correlation",
    "exploratory_factor_analysis",
    "factor_correspondence",
    "htmt",
    "item_analysis",
    "kmo",
    "parallel_analysis",
    "polychoric",
    "polychoric_matrix",
]

ArrayLike2D = pd.DataFrame | np.ndarray | Sequence[Sequence[float]]
Loadings = pd.Series | pd.DataFrame | np.ndarray | Sequence[float]

_NAN_POLICIES = ("listwise", "pairwise")
_ROTATIONS = (
    "varimax",
    "oblimax",
    "quartimax",
    "equamax",
    "geomin_ort",
    "promax",
    "oblimin",
    "quartimin",
    "geomin_obl",
)
_FA_METHODS = ("minres", "ml", "principal")


# ----------------------------------------------------------------------------------------------
# result objects
# ----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class AlphaResult:
    """Cronbach's alpha with its Feldt confidence interval.

    Attributes
    ----------
    alpha : float
        Coefficient alpha.
    ci_low, ci_high : float
        Bounds of the Feldt (1965) confidence interval (level given by ``ci``).
    n_items : int
        Number of items ``k``.
    n_obs : int
        Number of respondents used (after listwise deletion; all rows under ``"pairwise"``).
    """

    alpha: float
    ci_low: float
    ci_high: float
    n_items: int
    n_obs: int


@dataclass(frozen=True)
class KMOResult:
    """Kaiser-Meyer-Olkin measure of sampling adequacy (overall and per item)."""

    overall: float
    per_item: pd.Series


@dataclass(frozen=True)
class BartlettResult:
    """Bartlett's test of sphericity: ``chi2`` on ``dof`` degrees of freedom."""

    chi2: float
    dof: int
    p_value: float


@dataclass(frozen=True)
class ParallelResult:
    """Horn's parallel analysis.

    Attributes
    ----------
    eigenvalues : pandas.Series
        Observed eigenvalues in decreasing order, indexed ``1..p``.
    random_quantile : pandas.Series
        The ``quantile`` of the eigenvalues of ``n_iter`` random normal data sets of the same
        size, indexed ``1..p``.
    n_factors : int
        Number of leading observed eigenvalues that exceed their random counterpart (counting
        stops at the first one that does not).
    method : str
        ``"pca"`` or ``"fa"``.
    """

    eigenvalues: pd.Series
    random_quantile: pd.Series
    n_factors: int
    method: str

    def to_frame(self) -> pd.DataFrame:
        """Tidy table ``observed, random_quantile, retained`` indexed by component number."""
        out = pd.DataFrame({"observed": self.eigenvalues, "random_quantile": self.random_quantile})
        out["retained"] = np.arange(1, len(out) + 1) <= self.n_factors
        return out


@dataclass(frozen=True)
class EFAResult:
    """Exploratory factor analysis.

    Attributes
    ----------
    loadings : pandas.DataFrame
        Items x factors (``F1..Fk``) pattern loadings after rotation.
    communalities : pandas.Series
        Per item, the sum of squared loadings (``h^2``).
    uniquenesses : pandas.Series
        ``1 - h^2``.
    variance : pandas.DataFrame
        Factors x ``SS loadings, proportion, cumulative``.
    phi : pandas.DataFrame or None
        Factor correlation matrix for oblique rotations, else ``None``.
    model : factor_analyzer.FactorAnalyzer
        The fitted estimator (for ``transform`` and diagnostics).
    """

    loadings: pd.DataFrame
    communalities: pd.Series
    uniquenesses: pd.Series
    variance: pd.DataFrame
    phi: pd.DataFrame | None
    model: object


# ----------------------------------------------------------------------------------------------
# helpers
# ----------------------------------------------------------------------------------------------


def _items_matrix(items, name: str, *, min_items: int) -> tuple[np.ndarray, list, list]:
    """Numeric 2-D input where NaN (missing answer) is allowed but infinity is not."""
    values, rows, cols = as_float_matrix(items, name, allow_nan=True)
    if np.isinf(values).any():
        i, j = np.argwhere(np.isinf(values))[0]
        raise ValueError(
            f"{name}: contains infinite values (first at row {rows[i]!r}, column {cols[j]!r})"
        )
    if values.shape[1] < min_items:
        raise ValueError(
            f"{name}: needs at least {min_items} items (columns), got {values.shape[1]}"
        )
    all_missing = np.isnan(values).all(axis=0)
    if all_missing.any():
        bad = [cols[j] for j in np.flatnonzero(all_missing)]
        raise ValueError(f"{name}: columns {bad} have no observed values")
    return values, rows, cols


def _complete_cases(values: np.ndarray, name: str) -> np.ndarray:
    complete = values[~np.isnan(values).any(axis=1)]
    if complete.shape[0] < 2:
        raise ValueError(
            f"{name}: listwise deletion leaves {complete.shape[0]} complete row(s); at least 2 "
            "are needed (use nan_policy='pairwise' or impute)"
        )
    return complete


def _zero_variance(var: np.ndarray, cols: list, name: str) -> None:
    if np.any(var <= 0) or np.any(~np.isfinite(var)):
        bad = [cols[j] for j in np.flatnonzero(~(var > 0))]
        raise ValueError(f"{name}: columns {bad} have zero variance (every answer is the same)")


def _feldt_interval(alpha: float, n: int, k: int, ci: float) -> tuple[float, float]:
    # special.fdtri(d1, d2, p) is the F quantile function; it skips the scipy.stats
    # distribution machinery, which costs more than the whole alpha computation on 5,000 x 30.
    tail = (1 - ci) / 2
    df1, df2 = n - 1, (n - 1) * (k - 1)
    f_upper, f_lower = special.fdtri(df1, df2, [1 - tail, tail])
    low = 1 - (1 - alpha) * f_upper
    high = 1 - (1 - alpha) * f_lower
    return float(low), float(high)


def _pairwise_cov(values: np.ndarray, cols: list, name: str) -> np.ndarray:
    """Covariance from pairwise complete observations (as ``pandas.DataFrame.cov``), by BLAS.

    With ``M`` the 0/1 observed mask and ``X`` the data centred on each column's observed mean
    with NaN set to 0: ``n = M'M``, ``S_xy = X'X``, ``S_x = X'M`` (column ``i`` summed over the
    rows where ``j`` is observed), so ``cov_ij = (S_xy - S_x S_x^T / n) / (n - 1)``. Centring
    first keeps the one-pass formula accurate; four matrix products replace pandas' O(n k^2)
    Python-free but single-threaded loop.
    """
    observed = ~np.isnan(values)
    m = observed.astype(float)
    x = np.where(observed, values - np.nanmean(values, axis=0), 0.0)
    n = m.T @ m
    s_x = x.T @ m
    with np.errstate(invalid="ignore", divide="ignore"):
        cov = (x.T @ x - s_x * s_x.T / n) / (n - 1)
    cov[n < 2] = np.nan
    if np.isnan(cov).any():
        i, j = np.argwhere(np.isnan(cov))[0]
        raise ValueError(
            f"{name}: columns {cols[i]!r} and {cols[j]!r} have fewer than 2 rows observed in "
            "common, so their covariance is undefined"
        )
    return cov


# ----------------------------------------------------------------------------------------------
# Cronbach's alpha and item analysis
# ----------------------------------------------------------------------------------------------
def cronbach_alpha(
    items: ArrayLike2D, nan_policy: str = "listwise", ci: float = 0.95
) -> AlphaResult:
    """Cronbach's coefficient alpha with a Feldt confidence interval.

    .. math::

        \\alpha = \\frac{k}{k-1}\\left(1 - \\frac{\\sum_i s_i^2}{s_T^2}\\right)

    where ``k`` is the number of items, ``s_i^2`` the sample variance (``ddof=1``) of item ``i``
    and ``s_T^2`` the variance of the total score. The ``ci`` interval is Feldt's (1965; Feldt,
    Woodruff & Salih 1987), as in pingouin and R ``psych``:

    ``low = 1 - (1 - alpha) F^{-1}_{1-(1-ci)/2}(n-1, (n-1)(k-1))``,
    ``high = 1 - (1 - alpha) F^{-1}_{(1-ci)/2}(n-1, (n-1)(k-1))``.

    Parameters
    ----------
    items : DataFrame or 2-D array
        Respondents x items; NaN marks a missing answer.
    nan_policy : {"listwise", "pairwise"}
        ``"listwise"`` (default, as SPSS RELIABILITY) drops every row with a missing answer;
        ``"pairwise"`` (as R ``psych::alpha(use="pairwise")``) uses the covariance matrix from
        pairwise complete observations and ``n`` = all rows for the interval.
    ci : float
        Confidence level of the interval, default 0.95.

    Returns
    -------
    AlphaResult

    References
    ----------
    Cronbach, L. J. (1951). Coefficient alpha and the internal structure of tests.
    *Psychometrika*, 16(3), 297-334.
    Feldt, L. S. (1965). The approximate sampling distribution of Kuder-Richardson reliability
    coefficient twenty. *Psychometrika*, 30(3), 357-370.
    Feldt, L. S., Woodruff, D. J., & Salih, F. A. (1987). Statistical inference for coefficient
    alpha. *Applied Psychological Measurement*, 11(1), 93-103.
    """
    check_choice(nan_policy, _NAN_POLICIES, "nan_policy")
    level = check_fraction(ci, "ci")
    values, _, cols = _items_matrix(items, "items", min_items=2)
    n, k = values.shape
    has_nan = bool(np.isnan(values).any())
    if nan_policy == "listwise" or not has_nan:
        x = _complete_cases(values, "items") if has_nan else values
        n = x.shape[0]
        if n < 2:
            raise ValueError("items: at least 2 rows (respondents) are needed, got 1")
        item_var = x.var(axis=0, ddof=1)
        _zero_variance(item_var, cols, "items")
        total_var = x.sum(axis=1).var(ddof=1)
        sum_item_var = item_var.sum()
    else:
        cov = _pairwise_cov(values, cols, "items")
        _zero_variance(np.diag(cov), cols, "items")
        total_var = cov.sum()
        sum_item_var = np.trace(cov)
    alpha = k / (k - 1) * (1 - sum_item_var / total_var)
    low, high = _feldt_interval(alpha, n, k, level)
    return AlphaResult(float(alpha), low, high, int(k), int(n))


def item_analysis(items: ArrayLike2D, nan_policy: str = "listwise") -> pd.DataFrame:
    """Classical item analysis: mean, sd, corrected item-total correlation, alpha if deleted.

    From the item covariance matrix ``C`` (``ddof=1``) with total variance ``T = 1'C1``:

    - corrected item-total correlation of item ``i`` (item against the sum of the *other*
      items): ``r_i = (c_i - C_ii) / sqrt(C_ii (T - 2 c_i + C_ii))`` with ``c_i = sum_j C_ij``;
    - alpha if item deleted: ``(k-1)/(k-2) (1 - (tr C - C_ii) / (T - 2 c_i + C_ii))``.

    Parameters
    ----------
    items : DataFrame or 2-D array
        Respondents x items (at least 3 items, so that alpha-if-deleted is defined).
    nan_policy : {"listwise", "pairwise"}
        As in :func:`cronbach_alpha`; means and sds always use each item's observed values
        under ``"pairwise"`` and the complete rows under ``"listwise"``.

    Returns
    -------
    pandas.DataFrame
        Indexed by item, columns ``mean, sd, item_total_r, alpha_if_deleted``.

    References
    ----------
    Nunnally, J. C., & Bernstein, I. H. (1994). *Psychometric Theory* (3rd ed.). McGraw-Hill.
    (Corrected item-total correlation; the same quantities as SPSS RELIABILITY /SUMMARY=TOTAL
    and ``psych::alpha`` ``r.drop`` and ``alpha.drop``.)
    """
    check_choice(nan_policy, _NAN_POLICIES, "nan_policy")
    values, _, cols = _items_matrix(items, "items", min_items=3)
    if nan_policy == "listwise":
        x = _complete_cases(values, "items")
        cov = np.cov(x, rowvar=False, ddof=1)
        means = x.mean(axis=0)
    else:
        cov = _pairwise_cov(values, cols, "items")
        means = np.nanmean(values, axis=0)
    diag = np.diag(cov)
    _zero_variance(diag, cols, "items")
    k = cov.shape[0]
    total = cov.sum()
    row_sums = cov.sum(axis=1)
    rest_var = total - 2 * row_sums + diag
    item_rest_cov = row_sums - diag
    r_it = item_rest_cov / np.sqrt(diag * rest_var)
    alpha_del = (k - 1) / (k - 2) * (1 - (np.trace(cov) - diag) / rest_var)
    return pd.DataFrame(
        {
            "mean": means,
            "sd": np.sqrt(diag),
            "item_total_r": r_it,
            "alpha_if_deleted": alpha_del,
        },
        index=pd.Index(cols, name="item"),
    )


# ----------------------------------------------------------------------------------------------
# factorability
# ----------------------------------------------------------------------------------------------
def _factor_input(df, name: str = "df") -> tuple[np.ndarray, list, list]:
    """Complete numeric data with more rows than columns and a non-singular correlation matrix."""
    values, rows, cols = as_float_matrix(df, name)
    n, p = values.shape
    if p < 2:
        raise ValueError(f"{name}: needs at least 2 columns (variables), got {p}")
    if n <= p:
        raise ValueError(
            f"{name}: needs more rows (observations) than columns (variables), got {n} rows "
            f"and {p} columns"
        )
    _zero_variance(values.var(axis=0, ddof=1), cols, name)
    corr = np.corrcoef(values, rowvar=False)
    eig = np.linalg.eigvalsh(corr)
    if eig[0] < 1e-10 * p:
        raise ValueError(
            f"{name}: the correlation matrix is singular (smallest eigenvalue {eig[0]:.3g}); "
            "some columns are exact linear combinations of others - drop or merge them"
        )
    return values, rows, cols


def _correlation_input(corr) -> tuple[np.ndarray, list, list]:
    """A symmetric, unit-diagonal, positive definite correlation matrix."""
    values, rows, cols = as_float_matrix(corr, "df")
    p = values.shape[0]
    if values.shape != (p, p) or p < 2:
        raise ValueError(f"df: a correlation matrix must be square, got shape {values.shape}")
    if not np.allclose(values, values.T, atol=1e-10) or not np.allclose(np.diag(values), 1):
        raise ValueError("df: a correlation matrix must be symmetric with a unit diagonal")
    eig = np.linalg.eigvalsh(values)
    if eig[0] <= 1e-10:
        raise ValueError(
            f"df: the correlation matrix is not positive definite (smallest eigenvalue "
            f"{eig[0]:.3g}); smooth it first (polychoric_matrix(..., smooth=True))"
        )
    return values, rows, cols


def kmo(df: ArrayLike2D) -> KMOResult:
    """Kaiser-Meyer-Olkin measure of sampling adequacy (wraps ``factor_analyzer.calculate_kmo``).

    .. math::

        KMO = \\frac{\\sum_{i \\ne j} r_{ij}^2}{\\sum_{i \\ne j} r_{ij}^2 + \\sum_{i \\ne j} q_{ij}^2}

    with ``r`` the correlations and ``q`` the partial correlations (each pair given all other
    variables); per item the sums run over ``j`` only. Kaiser's (1974) labels: >= .9
    marvellous, .8 meritorious, .7 middling, .6 mediocre, .5 miserable, below .5 unacceptable.

    Parameters
    ----------
    df : DataFrame or 2-D array
        Complete numeric data, observations x variables.

    Returns
    -------
    KMOResult
        ``overall`` and ``per_item`` (Series named ``"kmo"`` indexed by variable).

    References
    ----------
    Kaiser, H. F. (1974). An index of factorial simplicity. *Psychometrika*, 39(1), 31-36.
    """
    from factor_analyzer.factor_analyzer import calculate_kmo

    values, _, cols = _factor_input(df)
    # KMO is scale-free; standardising keeps factor_analyzer's determinant test (on the
    # covariance matrix) from switching to the pseudo-inverse just because of the units. A
    # non-singular R is guaranteed by _factor_input, so the pseudo-inverse warning is moot.
    z = (values - values.mean(axis=0)) / values.std(axis=0, ddof=1)
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="The inverse of the variance-covariance")
        per_item, overall = calculate_kmo(z)
    return KMOResult(float(overall), pd.Series(per_item, index=pd.Index(cols), name="kmo"))


def bartlett_sphericity(df: ArrayLike2D) -> BartlettResult:
    """Bartlett's test that the population correlation matrix is the identity.

    Wraps ``factor_analyzer.calculate_bartlett_sphericity``:

    ``chi2 = -(n - 1 - (2p + 5)/6) ln|R|`` on ``p(p-1)/2`` degrees of freedom.

    Parameters
    ----------
    df : DataFrame or 2-D array
        Complete numeric data, ``n`` observations x ``p`` variables.

    Returns
    -------
    BartlettResult

    References
    ----------
    Bartlett, M. S. (1950). Tests of significance in factor analysis. *British Journal of
    Statistical Psychology*, 3(2), 77-85.
    """
    from factor_analyzer.factor_analyzer import calculate_bartlett_sphericity

    values, _, _ = _factor_input(df)
    p = values.shape[1]
    chi2, p_value = calculate_bartlett_sphericity(values)
    return BartlettResult(float(chi2), int(p * (p - 1) // 2), float(p_value))


def _smc(corr: np.ndarray) -> np.ndarray:
    """Squared multiple correlations ``1 - 1/diag(R^{-1})`` (works on stacks of matrices)."""
    inv = np.linalg.inv(corr)
    return 1 - 1 / np.diagonal(inv, axis1=-2, axis2=-1)


def _reduced(corr: np.ndarray) -> np.ndarray:
    out = corr.copy()
    p = corr.shape[-1]
    idx = np.arange(p)
    out[..., idx, idx] = _smc(corr)
    return out


def parallel_analysis(
    df: ArrayLike2D,
    n_iter: int = 100,
    quantile: float = 0.95,
    seed: int = 20201231,
    method: str = "pca",
) -> ParallelResult:
    """Horn's (1965) parallel analysis for the number of components / factors to keep.

    The observed eigenvalues are compared with the ``quantile`` (default 95th percentile, as
    Glorfeld 1995 recommends over Horn's mean) of the eigenvalues of ``n_iter`` data sets of
    independent standard normal variables of the same size ``n x p``. The number retained is
    the number of leading observed eigenvalues above their random counterpart (stopping at the
    first one that is not).

    - ``method="pca"``: eigenvalues of the correlation matrix ``R``;
    - ``method="fa"``: eigenvalues of the reduced matrix, ``R`` with squared multiple
      correlations ``1 - 1/(R^{-1})_{ii}`` on the diagonal (Humphreys & Ilgen 1969; O'Connor
      2000's principal-axis variant).

    Written here (no maintained Python implementation); the random data sets are drawn in
    batches and their correlation matrices and eigenvalues computed with stacked NumPy linear
    algebra, so ``n_iter=100`` on 1,000 x 30 data takes well under a second.

    Parameters
    ----------
    df : DataFrame or 2-D array
        Complete numeric data.
    n_iter : int
        Number of random data sets (default 100).
    quantile : float
        Quantile of the random eigenvalues used as the threshold (default 0.95).
    seed : int
        Seed of :func:`numpy.random.default_rng` (default 20201231) - results are reproducible.
    method : {"pca", "fa"}

    Returns
    -------
    ParallelResult

    References
    ----------
    Horn, J. L. (1965). A rationale and test for the number of factors in factor analysis.
    *Psychometrika*, 30(2), 179-185.
    Glorfeld, L. W. (1995). An improvement on Horn's parallel analysis methodology for
    selecting the correct number of factors to retain. *Educational and Psychological
    Measurement*, 55(3), 377-393.
    O'Connor, B. P. (2000). SPSS and SAS programs for determining the number of components
    using parallel analysis and Velicer's MAP test. *Behavior Research Methods, Instruments, &
    Computers*, 32(3), 396-402.
    """
    check_choice(method, ("pca", "fa"), "method")
    if isinstance(n_iter, bool) or not isinstance(n_iter, (int, np.integer)) or n_iter < 1:
        raise ValueError(f"n_iter: must be a positive integer, got {n_iter!r}")
    q = check_fraction(quantile, "quantile")
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
        raise ValueError(f"seed: must be an integer, got {seed!r}")
    values, _, _ = _factor_input(df)
    n, p = values.shape
    corr = np.corrcoef(values, rowvar=False)
    if method == "fa":
        corr = _reduced(corr)
    observed = np.sort(np.linalg.eigvalsh(corr))[::-1]

    rng = np.random.default_rng(int(seed))
    batch = max(1, min(int(n_iter), int(4_000_000 // (n * p))))
    random_eigs = np.empty((int(n_iter), p))
    done = 0
    while done < n_iter:
        b = min(batch, n_iter - done)
        z = rng.standard_normal((b, n, p))
        z -= z.mean(axis=1, keepdims=True)
        cp = np.matmul(z.transpose(0, 2, 1), z)
        sd = np.sqrt(np.diagonal(cp, axis1=1, axis2=2))
        r = cp / (sd[:, :, None] * sd[:, None, :])
        if method == "fa":
            r = _reduced(r)
        random_eigs[done : done + b] = np.linalg.eigvalsh(r)[:, ::-1]
        done += b
    threshold = np.quantile(random_eigs, q, axis=0)
    above = observed > threshold
    n_factors = int(p if above.all() else np.argmin(above))
    index = pd.RangeIndex(1, p + 1, name="component")
    return ParallelResult(
        eigenvalues=pd.Series(observed, index=index, name="observed"),
        random_quantile=pd.Series(threshold, index=index, name=f"random_q{q:g}"),
        n_factors=n_factors,
        method=method,
    )


# ----------------------------------------------------------------------------------------------
# exploratory factor analysis
# ----------------------------------------------------------------------------------------------
def exploratory_factor_analysis(
    df: ArrayLike2D,
    n_factors: int,
    rotation: str | None = "varimax",
    method: str = "minres",
    align: bool = True,
    is_correlation: bool = False,
) -> EFAResult:
    """Exploratory factor analysis (wraps ``factor_analyzer.FactorAnalyzer``).

    Model: standardised items ``z = L f + e`` so that ``R ~ L Phi L' + Psi``. ``method`` picks
    the estimator - ``"minres"`` (default; minimum residual = unweighted least squares, as
    ``psych::fa``), ``"ml"`` (maximum likelihood) or ``"principal"`` (principal components).
    ``rotation`` is any of factor_analyzer's rotations (default ``"varimax"``, orthogonal;
    ``"promax"``/``"oblimin"`` are oblique) or ``None``; with one factor no rotation is done.
    The ``"principal"`` method is run with the deterministic LAPACK SVD.

    With ``align=True`` (default) each factor's sign is flipped so that its loadings have a
    positive sum and factors are sorted by decreasing sum of squared loadings. Factors are
    labelled ``F1..Fk``; ``variance`` holds ``SS loadings`` (sum of squared loadings),
    ``proportion`` (SS / p) and ``cumulative``.

    With ``is_correlation=True``, ``df`` is an item correlation matrix instead of data - e.g.
    a polychoric matrix from pairwise-complete answers (:func:`polychoric_matrix`), which uses
    every answered pair instead of only the complete cases; ``"principal"`` then is not
    available (factor_analyzer fits it from data).

    Parameters
    ----------
    df : DataFrame or 2-D array
        Complete numeric data, observations x items; or, with ``is_correlation=True``, a
        positive definite items x items correlation matrix.
    n_factors : int
        Number of factors, ``1 <= n_factors < p``.
    rotation : str or None
    method : {"minres", "ml", "principal"}
    align : bool
    is_correlation : bool
        ``df`` is a correlation matrix (default ``False``).

    Returns
    -------
    EFAResult

    References
    ----------
    Harman, H. H. (1976). *Modern Factor Analysis* (3rd ed.). University of Chicago Press.
    Kaiser, H. F. (1958). The varimax criterion for analytic rotation in factor analysis.
    *Psychometrika*, 23(3), 187-200.
    """
    values, _, cols = _correlation_input(df) if is_correlation else _factor_input(df)
    p = values.shape[1]
    if is_correlation and method == "principal":
        raise ValueError("method: 'principal' needs data, not a correlation matrix")
    if isinstance(n_factors, bool) or not isinstance(n_factors, (int, np.integer)):
        raise ValueError(f"n_factors: must be an integer, got {n_factors!r}")
    if not 1 <= n_factors < p:
        raise ValueError(f"n_factors: must be between 1 and {p - 1} (p - 1), got {n_factors}")
    if rotation is not None:
        check_choice(rotation, _ROTATIONS, "rotation")
    check_choice(method, _FA_METHODS, "method")

    from factor_analyzer import FactorAnalyzer

    fa = FactorAnalyzer(
        n_factors=int(n_factors),
        rotation=rotation if n_factors > 1 else None,
        method=method,
        svd_method="lapack",
        is_corr_matrix=bool(is_correlation),
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", category=FutureWarning)
        fa.fit(values)
    loadings = np.asarray(fa.loadings_, dtype=float)
    phi = None if fa.phi_ is None else np.asarray(fa.phi_, dtype=float)
    if align:
        signs = np.where(loadings.sum(axis=0) < 0, -1.0, 1.0)
        loadings = loadings * signs
        order = np.argsort(-(loadings**2).sum(axis=0), kind="stable")
        loadings = loadings[:, order]
        if phi is not None:
            phi = (phi * np.outer(signs, signs))[np.ix_(order, order)]
    factors = [f"F{j + 1}" for j in range(loadings.shape[1])]
    load_df = pd.DataFrame(loadings, index=pd.Index(cols, name="item"), columns=factors)
    communal = pd.Series((loadings**2).sum(axis=1), index=load_df.index, name="communality")
    ss = (loadings**2).sum(axis=0)
    variance = pd.DataFrame(
        {"SS loadings": ss, "proportion": ss / p, "cumulative": np.cumsum(ss / p)},
        index=pd.Index(factors, name="factor"),
    )
    phi_df = None if phi is None else pd.DataFrame(phi, index=factors, columns=factors)
    return EFAResult(
        loadings=load_df,
        communalities=communal,
        uniquenesses=(1 - communal).rename("uniqueness"),
        variance=variance,
        phi=phi_df,
        model=fa,
    )


# ----------------------------------------------------------------------------------------------
# factor structure against the questionnaire's dimensions
# ----------------------------------------------------------------------------------------------
def factor_correspondence(
    loadings: pd.DataFrame, items: Mapping[str, Sequence[str]]
) -> pd.DataFrame:
    """Which rotated factor each dimension's items load on, and whether they agree.

    For dimension ``d`` with items ``I_d``, its factor is ``argmax_f sum_{i in I_d} l_{if}^2``
    (largest share of the items' common variance); an item is *on target* when its own largest
    absolute loading is on that factor.

    Parameters
    ----------
    loadings : DataFrame
        Items x factors (e.g. ``exploratory_factor_analysis(...).loadings``).
    items : dict dimension -> item list
        The questionnaire's design: which items were written for which dimension.

    Returns
    -------
    DataFrame
        Index ``dimension``; ``factor``, ``items``, ``on target`` (count), ``min loading``
        (smallest target loading), ``max cross-loading`` (largest absolute loading of the
        items on any other factor).

    Raises
    ------
    ValueError
        ``loadings`` not a DataFrame; ``items`` empty; an item not a row of ``loadings``.

    Examples
    --------
    >>> L = pd.DataFrame(
    ...     {"F1": [0.1, 0.6, 0.2, 0.7, 0.8], "F2": [0.7, 0.5, 0.8, 0.1, -0.3]},
    ...     index=["a1", "a2", "a3", "b1", "b2"],
    ... )
    >>> factor_correspondence(L, {"a": ["a1", "a2", "a3"], "b": ["b1", "b2"]})
              factor  items  on target  min loading  max cross-loading
    dimension
    a             F2      3          2          0.5                0.6
    b             F1      2          2          0.7                0.3
    """
    if not isinstance(loadings, pd.DataFrame):
        raise ValueError(f"loadings: expected a DataFrame, got {type(loadings).__name__}")
    if not isinstance(items, Mapping) or not items:
        raise ValueError("items: expected a non-empty dict dimension -> item list")
    rows = {}
    for d, cols in items.items():
        cols = list(cols)
        absent = [c for c in cols if c not in loadings.index]
        if absent:
            raise ValueError(f"items[{d!r}]: {absent} are not rows of loadings")
        block = loadings.loc[cols].astype(float)
        factor = (block**2).sum(axis=0).idxmax()
        primary = block.abs().idxmax(axis=1)
        others = block.drop(columns=[factor])
        rows[d] = {
            "factor": factor,
            "items": len(cols),
            "on target": int((primary == factor).sum()),
            "min loading": float(block[factor].min()),
            "max cross-loading": float(others.abs().to_numpy().max()) if others.size else 0.0,
        }
    out = pd.DataFrame.from_dict(rows, orient="index")
    out.index.name = "dimension"
    return out


# ----------------------------------------------------------------------------------------------
# convergent validity
# ----------------------------------------------------------------------------------------------
def _check_loadings(values: np.ndarray, labels: list, where: str) -> None:
    if values.size < 2:
        raise ValueError(f"{where}: needs at least 2 items, got {values.size}")
    if np.any(np.abs(values) > 1):
        j = int(np.argmax(np.abs(values) > 1))
        raise ValueError(
            f"{where}: standardized loadings must lie in [-1, 1]; item {labels[j]!r} has "
            f"{values[j]:g} (a Heywood case)"
        )
    if np.any(values < 0):
        j = int(np.argmax(values < 0))
        raise ValueError(
            f"{where}: item {labels[j]!r} has a negative loading {values[j]:g}; reverse-code "
            "the item before computing CR/AVE"
        )


def _per_factor(loadings, mapping, func, name: str) -> float | pd.Series:
    if isinstance(loadings, pd.DataFrame):
        mat, rows, cols = as_float_matrix(loadings, "loadings")
        if mapping is None:
            mapping = {rows[i]: cols[int(np.argmax(np.abs(mat[i])))] for i in range(len(rows))}
        elif not isinstance(mapping, Mapping):
            raise ValueError("mapping: must be a dict item -> factor")
        unknown_items = [i for i in mapping if i not in loadings.index]
        if unknown_items:
            raise ValueError(f"mapping: items {unknown_items} are not rows of loadings")
        unknown_f = sorted({str(f) for f in mapping.values() if f not in loadings.columns})
        if unknown_f:
            raise ValueError(f"mapping: factors {unknown_f} are not columns of loadings")
        out = {}
        for factor in [c for c in loadings.columns if c in set(mapping.values())]:
            items = [i for i, f in mapping.items() if f == factor]
            vals = loadings.loc[items, factor].to_numpy(dtype=float)
            _check_loadings(vals, items, f"loadings[{factor!r}]")
            out[factor] = func(vals)
        return pd.Series(out, name=name, dtype=float).rename_axis("factor")
    if mapping is not None:
        raise ValueError("mapping: only used with a loadings DataFrame, got a 1-D input")
    vals, labels = as_float_vector(loadings, "loadings")
    _check_loadings(vals, labels, "loadings")
    return float(func(vals))


def _cr(lam: np.ndarray) -> float:
    s2 = lam.sum() ** 2
    return s2 / (s2 + (1 - lam**2).sum())


def _ave(lam: np.ndarray) -> float:
    return float(np.mean(lam**2))


def composite_reliability(loadings: Loadings, mapping: Mapping | None = None) -> float | pd.Series:
    """Composite (construct) reliability of Fornell & Larcker (1981).

    .. math::

        CR = \\frac{(\\sum_i \\lambda_i)^2}{(\\sum_i \\lambda_i)^2 + \\sum_i (1 - \\lambda_i^2)}

    for standardized loadings ``lambda_i`` (error variance ``1 - lambda_i^2``).

    Parameters
    ----------
    loadings : Series / 1-D array, or DataFrame
        One factor's standardized loadings (returns a float), or an items x factors loadings
        DataFrame (returns a Series indexed by factor).
    mapping : dict item -> factor, optional
        With a DataFrame: which items belong to which factor. Default: each item goes to the
        factor on which its absolute loading is largest.

    Notes
    -----
    Loadings must lie in ``[0, 1]`` (reverse-code negatively keyed items first); a factor
    needs at least two items. Common thresholds: CR >= 0.7 (Hair et al. 2010).

    References
    ----------
    Fornell, C., & Larcker, D. F. (1981). Evaluating structural equation models with
    unobservable variables and measurement error. *Journal of Marketing Research*, 18(1),
    39-50.
    """
    return _per_factor(loadings, mapping, _cr, "composite_reliability")


def average_variance_extracted(
    loadings: Loadings, mapping: Mapping | None = None
) -> float | pd.Series:
    """Average variance extracted of Fornell & Larcker (1981): ``AVE = mean(lambda_i^2)``.

    Same inputs and rules as :func:`composite_reliability`. Convergent validity is usually
    accepted for AVE >= 0.5; discriminant validity when sqrt(AVE) of each construct exceeds
    its correlations with the other constructs (Fornell-Larcker criterion).

    References
    ----------
    Fornell, C., & Larcker, D. F. (1981). Evaluating structural equation models with
    unobservable variables and measurement error. *Journal of Marketing Research*, 18(1),
    39-50.
    """
    return _per_factor(loadings, mapping, _ave, "ave")


# ----------------------------------------------------------------------------------------------
# ordinal items: polychoric correlation
# ----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class PolychoricResult:
    """Two-step polychoric correlation of two ordinal variables.

    Attributes
    ----------
    rho : float
        Polychoric correlation (correlation of the latent bivariate normal variables).
    row_thresholds, col_thresholds : numpy.ndarray
        Thresholds ``Phi^{-1}`` of the cumulative marginal proportions (row and column
        variable), one fewer than the number of categories.
    n : int
        Number of pairs (sum of the table).
    table : pandas.DataFrame
        The contingency table used.
    """

    rho: float
    row_thresholds: np.ndarray
    col_thresholds: np.ndarray
    n: int
    table: pd.DataFrame

    def to_frame(self) -> pd.DataFrame:
        """One row ``rho, n, row_thresholds, col_thresholds`` (thresholds as lists)."""
        return pd.DataFrame(
            {
                "rho": [self.rho],
                "n": [self.n],
                "row_thresholds": [self.row_thresholds.round(6).tolist()],
                "col_thresholds": [self.col_thresholds.round(6).tolist()],
            }
        )


@dataclass(frozen=True)
class CorrelationMatrixResult:
    """A correlation matrix with the number of rows behind each entry.

    Attributes
    ----------
    corr : pandas.DataFrame
        Items x items correlations (after smoothing, if it was needed and asked for).
    n_pairs : pandas.DataFrame
        Items x items number of rows observed on both items.
    method : str
        ``"polychoric"``.
    nan_policy : str
        ``"pairwise"`` or ``"listwise"``.
    smoothed : bool
        ``True`` if the matrix was not positive definite and was smoothed.
    """

    corr: pd.DataFrame
    n_pairs: pd.DataFrame
    method: str
    nan_policy: str
    smoothed: bool

    def to_frame(self) -> pd.DataFrame:
        """Long table ``item_a, item_b, r, n`` over the upper triangle."""
        cols = list(self.corr.columns)
        rows = [
            {"item_a": a, "item_b": b, "r": self.corr.iloc[i, j], "n": int(self.n_pairs.iloc[i, j])}
            for i, a in enumerate(cols)
            for j, b in enumerate(cols)
            if j > i
        ]
        return pd.DataFrame(rows)


def _bvn_cdf(h: np.ndarray, k: np.ndarray, rho: float) -> np.ndarray:
    """Bivariate standard normal CDF ``P(X <= h, Y <= k)`` with correlation ``rho``.

    Owen's (1956) representation through his T function (``scipy.special.owens_t``),
    vectorised, with infinite limits handled exactly:

    ``Phi2(h, k) = (Phi(h) + Phi(k))/2 - T(h, a_h) - T(k, a_k) - c``, with
    ``a_h = (k - rho h) / (h sqrt(1 - rho^2))``, ``a_k = (h - rho k) / (k sqrt(1 - rho^2))``,
    ``c = 0`` if ``h`` and ``k`` have the same sign, else ``1/2`` (``|h|, |k| < 1e-12`` are
    moved to ``+-1e-12``).
    """
    h, k = np.broadcast_arrays(np.asarray(h, dtype=float), np.asarray(k, dtype=float))
    out = np.empty(h.shape)
    lo = np.isneginf(h) | np.isneginf(k)
    h_inf, k_inf = np.isposinf(h), np.isposinf(k)
    out[lo] = 0.0
    both = h_inf & k_inf & ~lo
    out[both] = 1.0
    only_h = h_inf & ~k_inf & ~lo
    out[only_h] = special.ndtr(k[only_h])
    only_k = k_inf & ~h_inf & ~lo
    out[only_k] = special.ndtr(h[only_k])
    fin = ~(lo | h_inf | k_inf)
    if fin.any():
        hh, kk = h[fin].copy(), k[fin].copy()
        # Owen's formula divides by h and k: move |h|, |k| < 1e-12 to +-1e-12, keeping the
        # sign (a change of the probability of order 1e-12)
        hh = np.where(np.abs(hh) < 1e-12, np.where(hh < 0, -1e-12, 1e-12), hh)
        kk = np.where(np.abs(kk) < 1e-12, np.where(kk < 0, -1.3e-12, 1.3e-12), kk)
        s = np.sqrt(1 - rho * rho)
        with np.errstate(over="ignore"):
            t = special.owens_t(hh, (kk - rho * hh) / (hh * s)) + special.owens_t(
                kk, (hh - rho * kk) / (kk * s)
            )
        c = np.where(np.sign(hh) == np.sign(kk), 0.0, 0.5)
        out[fin] = 0.5 * (special.ndtr(hh) + special.ndtr(kk)) - t - c
    return np.clip(out, 0.0, 1.0)


def _cell_probabilities(a: np.ndarray, b: np.ndarray, rho: float) -> np.ndarray:
    """``pi_ij`` of the latent bivariate normal cut at thresholds ``a`` (rows), ``b`` (cols)."""
    ea = np.concatenate([[-np.inf], a, [np.inf]])
    eb = np.concatenate([[-np.inf], b, [np.inf]])
    grid = _bvn_cdf(ea[:, None], eb[None, :], rho)
    return np.diff(np.diff(grid, axis=0), axis=1)


def _thresholds(margin: np.ndarray) -> np.ndarray:
    return special.ndtri(np.cumsum(margin)[:-1] / margin.sum())


def _polychoric_table(table: np.ndarray, correct: float) -> tuple[float, np.ndarray, np.ndarray]:
    from scipy.optimize import minimize_scalar

    tab = table.astype(float)
    if correct > 0:
        tab = np.where(tab == 0, correct, tab)
    a, b = _thresholds(tab.sum(axis=1)), _thresholds(tab.sum(axis=0))

    def negloglik(rho: float) -> float:
        pi = np.maximum(_cell_probabilities(a, b, rho), 1e-300)
        return -float((tab * np.log(pi)).sum())

    res = minimize_scalar(
        negloglik, bounds=(-0.9999, 0.9999), method="bounded", options={"xatol": 1e-8}
    )
    return float(res.x), a, b


def _crosstab(x: np.ndarray, y: np.ndarray) -> pd.DataFrame:
    """Contingency table of two category vectors (NumPy; ``pd.crosstab`` is 50x slower)."""
    rows, xi = np.unique(x, return_inverse=True)
    cols, yi = np.unique(y, return_inverse=True)
    counts = np.bincount(xi * cols.size + yi, minlength=rows.size * cols.size)
    return pd.DataFrame(counts.reshape(rows.size, cols.size), index=rows, columns=cols)


def polychoric(x, y=None, *, correct: float = 0.0) -> PolychoricResult:
    """Polychoric correlation of two ordinal variables, two-step ML (Olsson 1979).

    Model: the ordinal answers are the latent bivariate standard normal ``(X*, Y*)`` with
    correlation ``rho`` cut at thresholds ``a_1 < ... < a_{r-1}`` and ``b_1 < ... < b_{s-1}``.
    Step 1 estimates the thresholds from the margins, ``a_i = Phi^{-1}(P(X <= i))``; step 2
    maximises the likelihood of the table over ``rho`` alone:

    .. math::

        \\ell(\\rho) = \\sum_{ij} n_{ij} \\ln \\pi_{ij}(\\rho), \\quad
        \\pi_{ij} = \\Phi_2(a_i, b_j) - \\Phi_2(a_{i-1}, b_j) - \\Phi_2(a_i, b_{j-1})
        + \\Phi_2(a_{i-1}, b_{j-1}).

    This is R ``polycor::polychor(ML = FALSE)`` and ``psych::polychoric(correct = 0)``.
    Pearson correlations of 5-point items are attenuated by the coarse categories; the
    polychoric estimates the correlation of the continuous attitudes behind them.

    Parameters
    ----------
    x : 2-D array / DataFrame (contingency table), or 1-D ordinal values
        A table of counts (rows = categories of the first variable), or the first variable.
    y : 1-D ordinal values, optional
        The second variable when ``x`` is a variable; pairs with a missing value are dropped.
    correct : float
        Value added to empty cells (``psych`` uses 0.5; default 0, as ``polycor``).

    Returns
    -------
    PolychoricResult

    References
    ----------
    Olsson, U. (1979). Maximum likelihood estimation of the polychoric correlation
    coefficient. *Psychometrika*, 44(4), 443-460. https://doi.org/10.1007/BF02296207
    Owen, D. B. (1956). Tables for computing bivariate normal probabilities. *Annals of
    Mathematical Statistics*, 27(4), 1075-1090. (Cited in https://rdrr.io/cran/OwenQ/man/OwenT.html)

    Examples
    --------
    Olsson's (1979) 3 x 3 table (as in the ``psych::polychoric`` documentation):

    >>> res = polychoric([[13, 6, 0], [69, 113, 22], [41, 132, 104]])
    >>> round(res.rho, 2), res.row_thresholds.round(2).tolist()
    (0.49, [-1.77, -0.14])
    """
    if isinstance(correct, bool) or not isinstance(correct, (int, float)) or correct < 0:
        raise ValueError(f"correct: must be a non-negative number, got {correct!r}")
    if y is None:
        values, rows, cols = as_float_matrix(x, "x")
        if np.any(values < 0) or not np.allclose(values, np.round(values)):
            raise ValueError("x: a contingency table must hold non-negative counts")
        table = pd.DataFrame(values, index=rows, columns=cols)
    else:
        xs = pd.Series(np.asarray(x, dtype=float))
        ys = pd.Series(np.asarray(y, dtype=float))
        if xs.size != ys.size:
            raise ValueError(f"x, y: lengths differ ({xs.size} and {ys.size})")
        keep = (xs.notna() & ys.notna()).to_numpy()
        table = _crosstab(xs.to_numpy()[keep], ys.to_numpy()[keep])
    table = table.loc[table.sum(axis=1) > 0, table.sum(axis=0) > 0]
    if table.shape[0] < 2 or table.shape[1] < 2:
        raise ValueError(
            f"x, y: each variable needs at least 2 observed categories, got a "
            f"{table.shape[0]} x {table.shape[1]} table"
        )
    rho, a, b = _polychoric_table(table.to_numpy(), float(correct))
    return PolychoricResult(rho, a, b, int(table.to_numpy().sum()), table)


def _smooth_correlation(corr: np.ndarray, eps: float = 1e-6) -> tuple[np.ndarray, bool]:
    """Nearest-positive-definite fix as ``psych::cor.smooth``: clip eigenvalues, rescale."""
    vals, vecs = np.linalg.eigh(corr)
    if vals.min() > eps:
        return corr, False
    vals = np.maximum(vals, eps)
    vals = vals * corr.shape[0] / vals.sum()
    fixed = (vecs * vals) @ vecs.T
    d = np.sqrt(np.diag(fixed))
    return fixed / np.outer(d, d), True


def polychoric_matrix(
    items: ArrayLike2D, *, nan_policy: str = "pairwise", smooth: bool = True, correct: float = 0.0
) -> CorrelationMatrixResult:
    """Polychoric correlation matrix of ordinal items, with pairwise-complete answers.

    Each entry is :func:`polychoric` on the rows where both items were answered
    (``nan_policy="pairwise"``, as R ``polycor::hetcor(use="pairwise.complete.obs")``), so a
    scattered missing answer costs one pair, not the whole respondent; ``"listwise"`` first
    drops every row with a missing answer. A pairwise matrix need not be positive definite;
    with ``smooth=True`` it is then smoothed as ``psych::cor.smooth`` (eigenvalues clipped at
    a small positive value, rescaled to unit diagonal) and ``smoothed`` says so.

    Parameters
    ----------
    items : DataFrame or 2-D array
        Respondents x ordinal items (integer categories); NaN marks a missing answer.
    nan_policy : {"pairwise", "listwise"}
    smooth : bool
    correct : float
        As in :func:`polychoric`.

    Returns
    -------
    CorrelationMatrixResult

    References
    ----------
    Olsson, U. (1979). *Psychometrika*, 44(4), 443-460. https://doi.org/10.1007/BF02296207

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"a": [1, 2, 2, 3, 3, 4, 5, 5, 1, 4],
    ...                    "b": [1, 1, 2, 3, 4, 4, 5, 4, 2, None],
    ...                    "c": [2, 1, 3, 3, 3, 5, 4, 5, 1, 4]})
    >>> res = polychoric_matrix(df)
    >>> int(res.n_pairs.loc["a", "b"]), int(res.n_pairs.loc["a", "c"])
    (9, 10)
    >>> bool(res.corr.loc["a", "c"] > 0.8)
    True
    """
    check_choice(nan_policy, _NAN_POLICIES, "nan_policy")
    values, _, cols = _items_matrix(items, "items", min_items=2)
    finite = values[~np.isnan(values)]
    if not np.allclose(finite, np.round(finite)):
        raise ValueError("items: ordinal items must hold integer categories")
    if nan_policy == "listwise":
        values = _complete_cases(values, "items")
    p = values.shape[1]
    corr = np.eye(p)
    n_pairs = np.zeros((p, p), dtype=int)
    for i in range(p):
        n_pairs[i, i] = int((~np.isnan(values[:, i])).sum())
        for j in range(i + 1, p):
            both = ~np.isnan(values[:, i]) & ~np.isnan(values[:, j])
            if both.sum() < 2:
                raise ValueError(
                    f"items: columns {cols[i]!r} and {cols[j]!r} have fewer than 2 rows "
                    "answered in common"
                )
            try:
                r = polychoric(values[both, i], values[both, j], correct=correct).rho
            except ValueError as exc:
                raise ValueError(f"items: columns {cols[i]!r} and {cols[j]!r}: {exc}") from exc
            corr[i, j] = corr[j, i] = r
            n_pairs[i, j] = n_pairs[j, i] = int(both.sum())
    smoothed = False
    if smooth:
        corr, smoothed = _smooth_correlation(corr)
    idx = pd.Index(cols, name="item")
    return CorrelationMatrixResult(
        corr=pd.DataFrame(corr, index=idx, columns=cols),
        n_pairs=pd.DataFrame(n_pairs, index=idx, columns=cols),
        method="polychoric",
        nan_policy=nan_policy,
        smoothed=smoothed,
    )


# ----------------------------------------------------------------------------------------------
# discriminant validity: HTMT
# ----------------------------------------------------------------------------------------------
def htmt(corr: pd.DataFrame, mapping: Mapping, *, absolute: bool = True) -> pd.DataFrame:
    """Heterotrait-monotrait ratio of correlations (Henseler, Ringle & Sarstedt 2015).

    For constructs ``i`` and ``j`` with ``K_i`` and ``K_j`` items,

    .. math::

        HTMT_{ij} = \\frac{\\frac{1}{K_i K_j} \\sum_{g \\in i} \\sum_{h \\in j} r_{gh}}
        {\\sqrt{\\frac{2}{K_i (K_i - 1)} \\sum_{g < h \\in i} r_{gh} \\cdot
        \\frac{2}{K_j (K_j - 1)} \\sum_{g < h \\in j} r_{gh}}},

    the mean heterotrait-heteromethod correlation over the geometric mean of the two mean
    monotrait-heteromethod correlations (arithmetic means, as in the paper and R
    ``semTools::htmt(htmt2 = FALSE)``). It estimates the construct correlation without the
    attenuation of observed-score correlations (exactly so for tau-equivalent items).
    Values above 0.85 (Kline) or 0.90 (Gold et al.) signal a lack of discriminant validity.

    Parameters
    ----------
    corr : pandas.DataFrame
        Item correlation matrix (e.g. ``polychoric_matrix(items).corr`` or
        ``items.corr()``), square with the same labels on rows and columns.
    mapping : dict item -> construct
        Every construct needs at least two items.
    absolute : bool
        Use absolute correlations (default, as semTools).

    Returns
    -------
    pandas.DataFrame
        Constructs x constructs, 1 on the diagonal.

    References
    ----------
    Henseler, J., Ringle, C. M., & Sarstedt, M. (2015). A new criterion for assessing
    discriminant validity in variance-based structural equation modeling. *Journal of the
    Academy of Marketing Science*, 43(1), 115-135. https://doi.org/10.1007/s11747-014-0403-8

    Examples
    --------
    Tau-equivalent items (loadings 0.7) of two constructs correlated 0.5: HTMT recovers 0.5
    where the item correlations across constructs are only 0.245.

    >>> import pandas as pd
    >>> lam, phi = 0.7, 0.5
    >>> items = ["a1", "a2", "b1", "b2", "b3"]
    >>> r = [[1 if i == j else lam**2 * (1 if i[0] == j[0] else phi) for j in items]
    ...      for i in items]
    >>> corr = pd.DataFrame(r, index=items, columns=items)
    >>> htmt(corr, {"a1": "A", "a2": "A", "b1": "B", "b2": "B", "b3": "B"}).round(3)
         A    B
    A  1.0  0.5
    B  0.5  1.0
    """
    if not isinstance(corr, pd.DataFrame):
        raise ValueError("corr: expected a square correlation DataFrame with item labels")
    values, rows, cols = as_float_matrix(corr, "corr")
    if rows != cols:
        raise ValueError("corr: row and column labels must be the same items in the same order")
    if not np.allclose(values, values.T, atol=1e-10) or np.any(np.abs(values) > 1 + 1e-10):
        raise ValueError("corr: must be a symmetric matrix with entries in [-1, 1]")
    if not isinstance(mapping, Mapping):
        raise ValueError("mapping: must be a dict item -> construct")
    unknown = [i for i in mapping if i not in rows]
    if unknown:
        raise ValueError(f"mapping: items {unknown} are not rows of corr")
    r = np.abs(values) if absolute else values
    pos = {item: rows.index(item) for item in mapping}
    constructs = list(dict.fromkeys(mapping.values()))
    members = {c: [pos[i] for i, f in mapping.items() if f == c] for c in constructs}
    small = [c for c, m in members.items() if len(m) < 2]
    if small:
        raise ValueError(f"mapping: constructs {small} have fewer than 2 items")
    if len(constructs) < 2:
        raise ValueError("mapping: needs at least 2 constructs")
    mono = {}
    for c, m in members.items():
        block = r[np.ix_(m, m)]
        mono[c] = block[np.triu_indices(len(m), 1)].mean()
        if mono[c] <= 0:
            raise ValueError(
                f"corr: construct {c!r} has a non-positive mean within-construct correlation "
                f"({mono[c]:.3g}); HTMT is undefined (reverse-code items first)"
            )
    out = np.eye(len(constructs))
    for a in range(len(constructs)):
        for b in range(a + 1, len(constructs)):
            ca, cb = constructs[a], constructs[b]
            hetero = r[np.ix_(members[ca], members[cb])].mean()
            out[a, b] = out[b, a] = hetero / np.sqrt(mono[ca] * mono[cb])
    return pd.DataFrame(out, index=constructs, columns=constructs)


# ----------------------------------------------------------------------------------------------
# model-based handling of missing answers: EM for the multivariate normal
# ----------------------------------------------------------------------------------------------
def _em_step(values: np.ndarray, patterns: list, mu: np.ndarray, sigma: np.ndarray):
    p = values.shape[1]
    t1 = np.zeros(p)
    t2 = np.zeros((p, p))
    for rows, obs in patterns:
        x = values[np.ix_(rows, obs)]
        mis = ~obs
        filled = np.empty((rows.size, p))
        filled[:, obs] = x
        extra = np.zeros((p, p))
        if mis.any():
            s_oo = sigma[np.ix_(obs, obs)]
            s_mo = sigma[np.ix_(mis, obs)]
            coef = np.linalg.solve(s_oo, s_mo.T).T  # Sigma_mo Sigma_oo^-1
            filled[:, mis] = mu[mis] + (x - mu[obs]) @ coef.T
            extra[np.ix_(mis, mis)] = rows.size * (sigma[np.ix_(mis, mis)] - coef @ s_mo.T)
        t1 += filled.sum(axis=0)
        t2 += filled.T @ filled + extra
    n = sum(rows.size for rows, _ in patterns)
    mu_new = t1 / n
    return mu_new, t2 / n - np.outer(mu_new, mu_new)


def em_correlation(
    items: ArrayLike2D, *, max_iter: int = 1000, tol: float = 1e-8
) -> CorrelationMatrixResult:
    """Maximum-likelihood correlation matrix of items with missing answers (EM, normal model).

    The model-based alternative to deleting incomplete respondents: under a multivariate
    normal model and answers missing at random, the EM algorithm (Dempster, Laird & Rubin
    1977) maximises the likelihood of *all* observed answers. Each E-step replaces, row by
    missingness pattern ``(o, m)``, the missing block by its conditional mean
    ``mu_m + S_mo S_oo^{-1} (x_o - mu_o)`` and adds the conditional covariance
    ``S_mm - S_mo S_oo^{-1} S_om`` to the cross-products; the M-step sets ``mu`` and ``S`` to
    the completed means and (ML, divisor ``n``) covariances. Iterates until the largest change
    of ``S`` is below ``tol``; the result is rescaled to a correlation matrix (for
    ``exploratory_factor_analysis(..., is_correlation=True)``). Rows with no answer at all are
    dropped. For ordinal items prefer :func:`polychoric_matrix`; this is the Pearson analogue.

    Parameters
    ----------
    items : DataFrame or 2-D array
        Respondents x items, NaN = missing.
    max_iter : int
    tol : float

    Returns
    -------
    CorrelationMatrixResult
        ``method="pearson-em"``, ``nan_policy="em"``; ``n_pairs`` counts the rows observed on
        both items (for information: every row contributes to every entry).

    Raises
    ------
    ValueError
        If EM has not converged after ``max_iter`` iterations.

    References
    ----------
    Little, R. J. A., & Rubin, D. B. (1987). *Statistical Analysis with Missing Data*. Wiley.
    (ISBN 0471802549; cited in https://search.r-project.org/CRAN/refmans/mvnmle/html/missvals.html)

    Examples
    --------
    Without missing values EM returns the (ML) sample correlations:

    >>> import numpy as np, pandas as pd
    >>> df = pd.DataFrame({"a": [1.0, 2, 3, 4, 5], "b": [2.0, 1, 4, 3, 5]})
    >>> round(float(em_correlation(df).corr.loc["a", "b"]), 6), round(float(df.corr().iloc[0, 1]), 6)
    (0.8, 0.8)
    """
    if isinstance(max_iter, bool) or not isinstance(max_iter, (int, np.integer)) or max_iter < 1:
        raise ValueError(f"max_iter: must be a positive integer, got {max_iter!r}")
    values, _, cols = _items_matrix(items, "items", min_items=2)
    observed = ~np.isnan(values)
    keep = observed.any(axis=1)
    values, observed = values[keep], observed[keep]
    counts = observed.sum(axis=0)
    if (counts < 2).any():
        few = [c for c, k in zip(cols, counts, strict=True) if k < 2]
        raise ValueError(f"items: columns {few} have fewer than 2 answers")
    codes, inverse = np.unique(observed, axis=0, return_inverse=True)
    patterns = [(np.flatnonzero(inverse.ravel() == g), codes[g]) for g in range(len(codes))]
    mu = np.nanmean(values, axis=0)
    sigma = np.diag(np.nanvar(values, axis=0))
    _zero_variance(np.diag(sigma), cols, "items")
    for _ in range(int(max_iter)):
        mu, new = _em_step(values, patterns, mu, sigma)
        done = np.max(np.abs(new - sigma)) < tol
        sigma = new
        if done:
            break
    else:
        raise ValueError(f"items: EM did not converge in {max_iter} iterations (raise max_iter)")
    d = np.sqrt(np.diag(sigma))
    corr = sigma / np.outer(d, d)
    m = observed.astype(int)
    idx = pd.Index(cols, name="item")
    return CorrelationMatrixResult(
        corr=pd.DataFrame(corr, index=idx, columns=cols),
        n_pairs=pd.DataFrame(m.T @ m, index=idx, columns=cols),
        method="pearson-em",
        nan_policy="em",
        smoothed=False,
    )
