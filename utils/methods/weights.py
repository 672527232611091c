"""Indicator weights: AHP (single, group, hierarchy), entropy, CRITIC and combined weights.

Subjective weights come from the analytic hierarchy process (AHP) applied to experts' pairwise
comparison matrices; objective weights come from the dispersion of the indicator data (entropy
method, CRITIC); :func:`combine_weights` merges the two, as most Chinese poverty-alleviation
performance studies do.

All functions validate their input and raise :class:`ValueError` naming the argument, the cell
or label and the rule that was broken. Results carry the input's labels. Direction-aware
min-max scaling (entropy, CRITIC) is :func:`utils.methods.scoring.normalize`, the package's one
implementation of it.

Why some of this is hand-written
--------------------------------
pymcdm (the maintained MCDA library used elsewhere in the project) has entropy and CRITIC weights
but (a) they ignore criterion directions, (b) its entropy weights set the entropy of any column
containing a zero to 0 (so such a column gets the *largest* weight) instead of using the
convention 0 ln 0 = 0, (c) they loop over columns in Python. Its AHP class has no input checks,
no group aggregation and uses a different random-index table. The formulas below are short, so
they are written out in vectorised NumPy and cross-checked against pymcdm in the tests.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from utils.methods._validation import (
    Directions,
    MatrixLike,
    VectorLike,
    as_float_matrix,
    as_float_vector,
    check_benefit,
    check_choice,
    check_in_range,
    check_weights,
)
from utils.methods.scoring import normalize as _minmax_scores  # the one min-max kernel

__all__ = [
    "RANDOM_INDEX",
    "CONSISTENCY_THRESHOLD",
    "AHPResult",
    "ahp",
    "ahp_group",
    "ahp_group_bootstrap",
    "ahp_hierarchy",
    "entropy_weights",
    "critic_weights",
    "blockwise_weights",
    "combine_weights",
]

#: Random consistency indices RI(n), n = 1, 2, ... (index 0 is n = 1).
#:
#: ``"saaty"``: Saaty, T. L. (1980). *The Analytic Hierarchy Process*. McGraw-Hill, New York
#: (table of average consistency indices of random reciprocal matrices, n = 1..10).
#: ``"saaty2005"``: the later, larger-sample table for n <= 15 in Saaty, T. L. (2005). *Theory and
#: Applications of the Analytic Network Process*. RWS Publications, Pittsburgh, and Saaty, T. L. &
#: Tran, L. T. (2007). On the invalidity of fuzzifying numerical judgments in the Analytic
#: Hierarchy Process. *Mathematical and Computer Modelling*, 46(7-8), 962-975.
RANDOM_INDEX: dict[str, tuple[float, ...]] = {
    "saaty": (0.0, 0.0, 0.58, 0.90, 1.12, 1.24, 1.32, 1.41, 1.45, 1.49),
    "saaty2005": (
        0.0,
        0.0,
        0.52,
        0.89,
        1.11,
        1.25,
        1.35,
        1.40,
        1.45,
        1.49,
        1.52,
        1.54,
        1.56,
        1.58,
        1.59,
    ),
}

#: Saaty's threshold: a comparison matrix is acceptably consistent when its consistency ratio
#: is below 0.10 (Saaty 1980).
CONSISTENCY_THRESHOLD = 0.10


@dataclass(frozen=True)
class AHPResult:
    """Result of :func:`ahp` / :func:`ahp_group`.

    Attributes
    ----------
    weights : pd.Series
        Priority vector (sums to 1), indexed by the criteria labels.
    lambda_max : float
        Principal eigenvalue of the comparison matrix.
    consistency_index : float
        ``CI = (lambda_max - n) / (n - 1)`` (0 for n <= 2).
    consistency_ratio : float
        ``CR = CI / RI(n)`` (0 for n <= 2).
    random_index : float
        ``RI(n)``, the random index used (from :data:`RANDOM_INDEX`).
    consistent : bool
        ``consistency_ratio < threshold``.
    n : int
        Number of criteria compared.
    threshold : float
        The consistency threshold applied (Saaty's 0.10 by default).
    individual : pd.DataFrame or None
        For :func:`ahp_group` only: one row per expert with ``lambda_max``,
        ``consistency_index``, ``consistency_ratio``, ``consistent``, ``included`` (whether the
        matrix entered the aggregation) and ``expert_weight``, the weight of that expert in the
        pool (0 for an excluded matrix; the kept experts' weights rescaled to sum 1).
    """

    weights: pd.Series
    lambda_max: float
    consistency_index: float
    consistency_ratio: float
    random_index: float
    consistent: bool
    n: int
    threshold: float = CONSISTENCY_THRESHOLD
    individual: pd.DataFrame | None = field(default=None, compare=False)

    def to_frame(self) -> pd.DataFrame:
        """The weights as a one-column DataFrame (column ``weight``).

        Examples
        --------
        >>> ahp([[1, 3], [1 / 3, 1]]).to_frame()
           weight
        0    0.75
        1    0.25
        """
        return self.weights.rename("weight").to_frame()

    def summary(self) -> pd.Series:
        """``n``, ``lambda_max``, ``consistency_index``, ``random_index``, ``consistency_ratio``
        and ``consistent`` as one Series (one row of a consistency table).

        Examples
        --------
        >>> ahp([[1, 3], [1 / 3, 1]]).summary()[["n", "consistency_ratio", "consistent"]].tolist()
        [2, 0.0, True]
        """
        return pd.Series(
            {
                "n": self.n,
                "lambda_max": self.lambda_max,
                "consistency_index": self.consistency_index,
                "random_index": self.random_index,
                "consistency_ratio": self.consistency_ratio,
                "consistent": self.consistent,
            },
            dtype=object,
        )


def _random_index(ri: str, n: int) -> float:
    if not isinstance(ri, str) or ri not in RANDOM_INDEX:
        raise ValueError(
            f"ri: unknown random-index table {ri!r}; choose one of {sorted(RANDOM_INDEX)}"
        )
    table = RANDOM_INDEX[ri]
    if n > len(table):
        raise ValueError(
            f"matrix: {n} x {n} is larger than the {ri!r} random-index table allows "
            f"(n <= {len(table)}); split the criteria into a deeper hierarchy or use "
            f"ri='saaty2005' (n <= 15)"
        )
    return table[n - 1]


def _pairwise_matrix(matrix: MatrixLike, name: str, tol: float) -> tuple[np.ndarray, list]:
    """Validate a reciprocal pairwise comparison matrix; return values and labels."""
    if not (np.isfinite(tol) and tol > 0):
        raise ValueError(f"tol: must be a positive finite number, got {tol!r}")
    A, rows, cols = as_float_matrix(matrix, name)
    n, k = A.shape
    if n != k:
        raise ValueError(f"{name}: a pairwise comparison matrix must be square, got {n} x {k}")
    if isinstance(matrix, pd.DataFrame) and rows != cols:
        raise ValueError(
            f"{name}: row labels {rows} and column labels {cols} must be the same criteria "
            f"in the same order"
        )
    if np.any(A <= 0):
        i, j = np.argwhere(A <= 0)[0]
        raise ValueError(
            f"{name}: judgments must be positive, got {A[i, j]:g} at row {rows[i]!r}, "
            f"column {cols[j]!r}"
        )
    diag = np.diag(A)
    if np.any(np.abs(diag - 1) > tol):
        i = int(np.argmax(np.abs(diag - 1) > tol))
        raise ValueError(
            f"{name}: the diagonal must be 1, got {diag[i]:g} at ({rows[i]!r}, {cols[i]!r})"
        )
    bad = np.abs(A * A.T - 1) > tol
    if np.any(bad):
        i, j = np.argwhere(bad)[0]
        raise ValueError(
            f"{name}: not reciprocal at ({rows[i]!r}, {cols[j]!r}): a_ij = {A[i, j]:g} and "
            f"a_ji = {A[j, i]:g}, but a_ij * a_ji must be 1 (relative tolerance {tol:g})"
        )
    return A, rows


def _eigen_priorities(A: np.ndarray) -> tuple[np.ndarray, float]:
    """Principal (Perron) eigenvalue and eigenvector (normalised to sum 1) of a positive matrix."""
    vals, vecs = np.linalg.eig(A)
    k = int(np.argmax(vals.real))
    w = np.abs(vecs[:, k].real)
    return w / w.sum(), float(vals[k].real)


def _consistency(lambda_max: float, n: int, ri: str) -> tuple[float, float]:
    ri_n = _random_index(ri, n)
    if n <= 2:
        return 0.0, 0.0
    ci = max((lambda_max - n) / (n - 1), 0.0)
    return ci, ci / ri_n


def _threshold(threshold: float) -> float:
    return check_in_range(threshold, "threshold", 0, 1, low_open=True)


def ahp(
    matrix: MatrixLike,
    ri: str = "saaty",
    tol: float = 1e-2,
    threshold: float = CONSISTENCY_THRESHOLD,
) -> AHPResult:
    """Priority weights and consistency of one pairwise comparison matrix (Saaty's AHP).

    The weights are the principal right eigenvector of the reciprocal matrix ``A``,
    ``A w = lambda_max w``, normalised so that ``sum_i w_i = 1``. Consistency:

        CI = (lambda_max - n) / (n - 1),   CR = CI / RI(n),   consistent  <=>  CR < threshold.

    For ``n <= 2`` a reciprocal matrix is always consistent, so ``CI = CR = 0``.
    Tiny negative CIs from floating-point error are set to 0.

    Parameters
    ----------
    matrix : DataFrame or array-like, shape (n, n)
        Positive reciprocal matrix with ``a_ii = 1`` and ``a_ji = 1 / a_ij``. A DataFrame's
        labels (index must equal columns) name the weights; otherwise ``0..n-1``.
    ri : {"saaty", "saaty2005"}, default "saaty"
        Random-index table (see :data:`RANDOM_INDEX`): Saaty (1980) for n <= 10 or the later
        Saaty (2005) / Saaty & Tran (2007) table for n <= 15. Larger matrices are refused.
    tol : float, default 1e-2
        Relative tolerance of the reciprocity and diagonal checks: a cell fails when
        ``|a_ij * a_ji - 1| > tol`` (so 1/3 typed as 0.333 passes; 0.33 does not). The matrix
        is used as given (it is not re-symmetrised).
    threshold : float in (0, 1], default :data:`CONSISTENCY_THRESHOLD` (0.10, Saaty 1980)
        A matrix is consistent when its consistency ratio is below ``threshold``.

    Returns
    -------
    AHPResult

    Raises
    ------
    ValueError
        Non-square, empty, non-finite or non-positive input, diagonal not 1, non-reciprocal
        cells, mismatched DataFrame labels, unknown ``ri``, a matrix larger than the table or
        a threshold outside (0, 1].

    References
    ----------
    Saaty, T. L. (1977). A scaling method for priorities in hierarchical structures. *Journal of
    Mathematical Psychology*, 15(3), 234-281.
    Saaty, T. L. (1980). *The Analytic Hierarchy Process*. McGraw-Hill, New York.

    Examples
    --------
    A perfectly consistent matrix ``a_ij = w_i / w_j`` returns ``w`` with ``lambda_max = n``:

    >>> w = np.array([0.5, 0.3, 0.2])
    >>> r = ahp(pd.DataFrame(np.outer(w, 1 / w), index=list("abc"), columns=list("abc")))
    >>> r.weights.round(3).tolist(), round(r.lambda_max, 6), round(r.consistency_ratio, 6)
    ([0.5, 0.3, 0.2], 3.0, 0.0)
    >>> r.summary()[["n", "random_index", "consistent"]].tolist()
    [3, 0.58, True]
    """
    A, labels = _pairwise_matrix(matrix, "matrix", tol)
    t = _threshold(threshold)
    n = A.shape[0]
    ri_n = _random_index(ri, n)  # refuse unknown tables / too-large matrices before computing
    w, lam = _eigen_priorities(A)
    ci, cr = _consistency(lam, n, ri)
    return AHPResult(
        weights=pd.Series(w, index=labels, name="weight"),
        lambda_max=lam,
        consistency_index=ci,
        consistency_ratio=cr,
        random_index=ri_n,
        consistent=bool(cr < t),
        n=n,
        threshold=t,
    )


def _pool_geometric(log_matrices: np.ndarray, lam: np.ndarray) -> np.ndarray:
    """AIJ pooling: element-wise weighted geometric mean of matrices given as their logs."""
    return np.exp(np.tensordot(lam, log_matrices, axes=1))


def ahp_group(
    matrices: Sequence | Mapping,
    method: str = "geometric",
    weights: VectorLike | None = None,
    ri: str = "saaty",
    tol: float = 1e-2,
    threshold: float = CONSISTENCY_THRESHOLD,
    exclude_inconsistent: bool = False,
) -> AHPResult:
    """Group AHP: combine several experts' pairwise comparison matrices.

    ``method="geometric"`` (aggregation of individual judgments, AIJ): element-wise weighted
    geometric mean, which keeps the matrix reciprocal, then :func:`ahp` on the result:

        a_ij^G = prod_k a_ij^(k) ^ lambda_k,   sum_k lambda_k = 1.

    ``lambda_max``, ``consistency_index``, ``consistency_ratio`` and ``consistent`` are those
    of the aggregated matrix.

    ``method="aip"`` (aggregation of individual priorities): each expert's eigenvector
    priorities ``w^(k)`` are combined by the weighted geometric mean and renormalised:

        w_i = prod_k (w_i^(k)) ^ lambda_k / sum_j prod_k (w_j^(k)) ^ lambda_k.

    There is no aggregated matrix, so the reported ``lambda_max``, ``consistency_index`` and
    ``consistency_ratio`` are the expert-weighted *arithmetic means* of the individual values
    and ``consistent`` compares that mean with ``threshold``. Check ``result.individual`` for
    experts whose own matrix is inconsistent (reported for both methods).

    With ``exclude_inconsistent=True`` the matrices whose own consistency ratio is not below
    ``threshold`` are left out before aggregating (Saaty's advice is to revise or discard
    inconsistent judgments); the remaining experts' weights are rescaled to sum 1 and
    ``individual["included"]`` says who was kept.

    Parameters
    ----------
    matrices : list of matrices or dict {expert: matrix}
        At least one matrix; all the same shape and (for DataFrames) the same labels.
    method : {"geometric", "aip"}, default "geometric"
    weights : array-like or Series, optional
        Expert weights ``lambda_k`` (non-negative; rescaled to sum 1). Default: equal weights.
        A Series must be indexed by the dict's expert names.
    ri, tol, threshold
        As in :func:`ahp`.
    exclude_inconsistent : bool, default False
        Leave out the experts whose matrix is inconsistent.

    Raises
    ------
    ValueError
        As :func:`ahp`; matrices of different shapes or labels; expert weights that do not
        match; every matrix inconsistent with ``exclude_inconsistent=True``.

    References
    ----------
    Aczél, J. & Saaty, T. L. (1983). Procedures for synthesizing ratio judgements. *Journal of
    Mathematical Psychology*, 27(1), 93-102.
    Forman, E. & Peniwati, K. (1998). Aggregating individual judgments and priorities with the
    analytic hierarchy process. *European Journal of Operational Research*, 108(1), 165-169.

    Examples
    --------
    The geometric mean of 2 and 8 is 4, so two experts who judge ``a`` 2 and 8 times as
    important as ``b`` pool to ``a_ab = 4`` and the weights ``(4/5, 1/5)``:

    >>> m = lambda x: pd.DataFrame([[1, x], [1 / x, 1]], index=["a", "b"], columns=["a", "b"])
    >>> g = ahp_group({"E1": m(2.0), "E2": m(8.0)})
    >>> g.weights.round(3).tolist()
    [0.8, 0.2]
    >>> g.individual[["consistency_ratio", "included", "expert_weight"]]
            consistency_ratio  included  expert_weight
    expert
    E1                    0.0      True            0.5
    E2                    0.0      True            0.5
    """
    if isinstance(matrices, Mapping):
        experts = list(matrices.keys())
        mats = list(matrices.values())
    elif isinstance(matrices, (list, tuple)):
        mats = list(matrices)
        experts = list(range(len(mats)))
    else:
        raise ValueError(
            f"matrices: expected a list or a dict {{expert: matrix}}, got {type(matrices).__name__}"
        )
    if len(mats) == 0:
        raise ValueError("matrices: at least one comparison matrix is required")
    if method not in {"geometric", "aip"}:
        raise ValueError(f"method: must be 'geometric' or 'aip', got {method!r}")
    t = _threshold(threshold)

    checked = [
        _pairwise_matrix(m, f"matrices[{e!r}]", tol) for e, m in zip(experts, mats, strict=True)
    ]
    A0, labels0 = checked[0]
    for e, (A, labels) in zip(experts[1:], checked[1:], strict=True):
        if A.shape != A0.shape:
            raise ValueError(
                f"matrices[{e!r}]: shape {A.shape} differs from the first matrix's {A0.shape}"
            )
        if labels != labels0:
            raise ValueError(
                f"matrices[{e!r}]: labels {labels} differ from the first matrix's {labels0}"
            )
    n = A0.shape[0]
    _random_index(ri, n)

    if weights is None:
        lam = np.full(len(mats), 1.0 / len(mats))
    else:
        if isinstance(weights, pd.Series):
            missing = set(experts) ^ set(weights.index)
            if missing:
                raise ValueError(
                    f"weights: expert labels {sorted(map(str, missing))} do not match the "
                    f"matrices' experts {experts}"
                )
            weights = weights.reindex(experts)
        lam = check_weights(weights, len(mats), "weights")

    individual = [
        ahp(pd.DataFrame(A, index=labels0, columns=labels0), ri, tol, t) for A, _ in checked
    ]
    consistent = np.array([r.consistent for r in individual])
    included = consistent if exclude_inconsistent else np.ones(len(mats), dtype=bool)
    if not included.any():
        raise ValueError(
            f"matrices: every matrix has a consistency ratio >= {t:g}; nothing is left to "
            f"aggregate (set exclude_inconsistent=False or revise the judgments)"
        )
    if not included.all():  # rescale the kept experts' weights to sum 1
        kept = lam[included]
        lam_used = np.full(kept.size, 1.0 / kept.size) if weights is None else kept / kept.sum()
    else:
        lam_used = lam
    pooled_weight = np.zeros(len(mats))
    pooled_weight[included] = lam_used  # an excluded expert has weight 0 in the pool
    ind = pd.DataFrame(
        {
            "lambda_max": [r.lambda_max for r in individual],
            "consistency_index": [r.consistency_index for r in individual],
            "consistency_ratio": [r.consistency_ratio for r in individual],
            "consistent": consistent,
            "included": included,
            "expert_weight": pooled_weight,
        },
        index=pd.Index(experts, name="expert"),
    )
    used = [c for c, keep in zip(checked, included, strict=True) if keep]

    if method == "geometric":
        G = _pool_geometric(np.stack([np.log(A) for A, _ in used]), lam_used)
        res = ahp(pd.DataFrame(G, index=labels0, columns=labels0), ri, tol, t)
        return replace(res, individual=ind)

    W = np.stack(
        [r.weights.to_numpy() for r, keep in zip(individual, included, strict=True) if keep]
    )
    g = np.exp(lam_used @ np.log(W))
    g = g / g.sum()
    kept_rows = ind[included]
    cr = float(lam_used @ kept_rows["consistency_ratio"].to_numpy())
    return AHPResult(
        weights=pd.Series(g, index=labels0, name="weight"),
        lambda_max=float(lam_used @ kept_rows["lambda_max"].to_numpy()),
        consistency_index=float(lam_used @ kept_rows["consistency_index"].to_numpy()),
        consistency_ratio=cr,
        random_index=_random_index(ri, n),
        consistent=bool(cr < t),
        n=n,
        threshold=t,
        individual=ind,
    )


def ahp_group_bootstrap(
    matrices: Mapping,
    n_resamples: int = 1000,
    seed: int | np.random.Generator | None = 0,
    confidence: float = 0.95,
    ri: str = "saaty",
    threshold: float = CONSISTENCY_THRESHOLD,
    exclude_inconsistent: bool = False,
):
    r"""Bootstrap interval of group AHP weights by resampling the experts.

    The panel of :math:`K` experts is treated as a sample from a population of possible
    experts: each resample draws :math:`K` experts with replacement and pools their matrices
    with :func:`ahp_group` (geometric mean, AIJ). An expert drawn :math:`c_k` times enters the
    pool with weight :math:`c_k / K`, which is the same as repeating the matrix :math:`c_k`
    times:

    .. math::

        a^{*}_{ij} = \prod_{k=1}^{K} \bigl(a^{(k)}_{ij}\bigr)^{c_k / K},\qquad
        (c_1, \dots, c_K) \sim \text{Multinomial}(K; 1/K, \dots, 1/K).

    The interval is the percentile interval of the resampled weights (Efron & Tibshirani
    1993, ch. 13), computed by :func:`utils.methods.resampling.bootstrap`. With
    ``exclude_inconsistent`` a resample whose matrices are all inconsistent has no pooled
    weights: its replicate is NaN and is left out of the quantiles (count them with
    ``result.distribution.isna().any(axis=1).sum()``).

    The interval describes the spread *between experts* (which experts happened to be on the
    panel), not the rounding of each judgment to Saaty's scale; with few experts it is rough.

    Parameters
    ----------
    matrices : dict {expert: matrix}
        At least two experts' comparison matrices of the same criteria (as :func:`ahp_group`).
    n_resamples : int, default 1000
        Number of bootstrap resamples.
    seed : int, Generator or None, default 0
        Seed of ``numpy.random.default_rng``.
    confidence : float in (0, 1), default 0.95
    ri, threshold, exclude_inconsistent
        As in :func:`ahp_group`.

    Returns
    -------
    utils.methods.resampling.BootstrapResult
        ``estimate`` (the pooled weights of the whole panel), ``ci_low``, ``ci_high``, ``se``
        (Series indexed by the criteria) and ``distribution`` (resamples x criteria).

    Raises
    ------
    ValueError
        Fewer than two experts, a matrix that :func:`ahp_group` refuses, bad ``n_resamples``
        or ``confidence``, or (with ``exclude_inconsistent``) a panel in which every matrix is
        inconsistent.

    References
    ----------
    Efron, B. & Tibshirani, R. J. (1993). *An Introduction to the Bootstrap*. Chapman & Hall,
    ch. 6 and 13.
    Forman, E. & Peniwati, K. (1998). Aggregating individual judgments and priorities with the
    analytic hierarchy process. *European Journal of Operational Research*, 108(1), 165-169.

    Examples
    --------
    Two experts who judge ``a`` 2 and 8 times as important as ``b``: a resample holds both
    (pooled judgment 4, weight 0.8 for ``a``), only the first (2, weight 2/3) or only the
    second (8, weight 8/9), so the interval runs from 2/3 to 8/9.

    >>> m = lambda x: pd.DataFrame([[1, x], [1 / x, 1]], index=["a", "b"], columns=["a", "b"])
    >>> r = ahp_group_bootstrap({"E1": m(2.0), "E2": m(8.0)}, n_resamples=200, seed=1)
    >>> [round(float(v["a"]), 3) for v in (r.estimate, r.ci_low, r.ci_high)]
    [0.8, 0.667, 0.889]
    """
    from utils.methods.resampling import bootstrap  # resampling imports scoring, not weights

    if not isinstance(matrices, Mapping):
        raise ValueError(
            f"matrices: expected a dict {{expert: matrix}}, got {type(matrices).__name__}"
        )
    experts = list(matrices.keys())
    if len(experts) < 2:
        raise ValueError(f"matrices: at least 2 experts are needed to resample, got {len(experts)}")
    full = ahp_group(
        matrices, ri=ri, threshold=threshold, exclude_inconsistent=exclude_inconsistent
    )
    labels = full.weights.index
    included = full.individual["included"].to_numpy()
    logs = np.stack(
        [np.log(_pairwise_matrix(matrices[e], f"matrices[{e!r}]", 1e-2)[0]) for e in experts]
    )

    def pooled(idx: np.ndarray) -> pd.Series:
        # the same pooling as ahp_group: experts drawn c_k times weigh c_k (kept ones only)
        counts = np.bincount(idx, minlength=len(experts)) * included
        if counts.sum() == 0:  # every drawn matrix inconsistent: no pooled weights
            return pd.Series(np.nan, index=labels)
        w, _ = _eigen_priorities(_pool_geometric(logs, counts / counts.sum()))
        return pd.Series(w, index=labels)

    return bootstrap(
        pooled,
        np.arange(len(experts)),
        n_resamples=n_resamples,
        seed=seed,
        confidence=confidence,
    )


def _weights_summing_to_one(w: VectorLike, name: str, tol: float = 1e-3) -> tuple[np.ndarray, list]:
    values, labels = as_float_vector(w, name)
    check_weights(values, values.size, name)  # non-negative, positive sum
    total = values.sum()
    if abs(total - 1) > tol:
        raise ValueError(f"{name}: weights must sum to 1 (within {tol:g}), got {total:.6g}")
    return values / total, labels


def ahp_hierarchy(
    criteria_weights: pd.Series, local_weights: Mapping[str, pd.Series]
) -> pd.DataFrame:
    """Global indicator weights of a two-level AHP hierarchy (criterion -> indicator).

    ``global_weight = criterion_weight * local_weight``; with both levels summing to 1 the global
    weights sum to 1 (Saaty 1980, ch. 3, hierarchic composition). Each level is rescaled to sum
    exactly 1 after the check, so rounded published weights (e.g. 0.333 + 0.333 + 0.334) work.

    Parameters
    ----------
    criteria_weights : pd.Series
        Criterion weights indexed by criterion name; non-negative, summing to 1 (within 1e-3).
    local_weights : dict {criterion: pd.Series}
        For every criterion, its indicators' local weights (non-negative, summing to 1 within
        1e-3). Keys must be exactly the criteria in ``criteria_weights``.

    Returns
    -------
    pd.DataFrame
        Columns ``criterion, indicator, local_weight, criterion_weight, global_weight``, one row
        per indicator, criteria in the order of ``criteria_weights``.

    References
    ----------
    Saaty, T. L. (1980). *The Analytic Hierarchy Process*. McGraw-Hill, New York.

    Examples
    --------
    >>> h = ahp_hierarchy(
    ...     pd.Series({"A": 0.6, "B": 0.4}),
    ...     {"A": pd.Series({"a1": 0.5, "a2": 0.5}), "B": pd.Series({"b1": 1.0})},
    ... )
    >>> h[["indicator", "global_weight"]].round(3).to_numpy().tolist()
    [['a1', 0.3], ['a2', 0.3], ['b1', 0.4]]
    """
    if not isinstance(criteria_weights, pd.Series):
        raise ValueError("criteria_weights: expected a pandas Series indexed by criterion name")
    if not isinstance(local_weights, Mapping):
        raise ValueError("local_weights: expected a dict {criterion: Series of indicator weights}")
    if criteria_weights.index.has_duplicates:
        raise ValueError("criteria_weights: criterion names must be unique")
    cw, crit = _weights_summing_to_one(criteria_weights, "criteria_weights")
    missing = [c for c in crit if c not in local_weights]
    extra = [c for c in local_weights if c not in set(crit)]
    if missing or extra:
        raise ValueError(
            f"local_weights: keys must match criteria_weights' index; missing {missing}, "
            f"unexpected {extra}"
        )
    rows = []
    for c, wc in zip(crit, cw, strict=True):
        lw = local_weights[c]
        if not isinstance(lw, pd.Series):
            raise ValueError(f"local_weights[{c!r}]: expected a pandas Series indexed by indicator")
        lv, ind = _weights_summing_to_one(lw, f"local_weights[{c!r}]")
        rows += [(c, i, v, wc, v * wc) for i, v in zip(ind, lv, strict=True)]
    return pd.DataFrame(
        rows,
        columns=["criterion", "indicator", "local_weight", "criterion_weight", "global_weight"],
    )


def entropy_weights(
    X: MatrixLike, benefit: Directions = None, normalize: str = "minmax", shift: float = 0.0
) -> pd.Series:
    """Entropy-method (objective) weights.

    For m alternatives (rows) and n criteria (columns):

        p_ij = z_ij / sum_i z_ij
        e_j  = -(1 / ln m) * sum_i p_ij ln p_ij        (0 ln 0 := 0)
        d_j  = 1 - e_j,      w_j = d_j / sum_k d_k.

    ``normalize="minmax"`` (the usual variant of Chinese evaluation studies): ``z_ij`` is the
    min-max score by direction, ``(x - min)/(max - min)`` for benefit and ``(max - x)/(max - min)``
    for cost criteria. A constant column carries no information: ``z = 1``, ``e = 1``, weight 0.

    ``normalize="sum"`` (Hwang & Yoon 1981; pymcdm's ``entropy_weights``): ``z_ij = x_ij``, so
    X must be non-negative with a positive sum in each column. Entropy measures dispersion only,
    so in this variant ``benefit`` is checked but has no effect (the same as pymcdm, which takes
    no criterion types).

    ``shift`` (default 0) is added to every ``z_ij`` before the proportions are taken; some
    studies use e.g. 1e-4 instead of the 0 ln 0 := 0 convention. With ``shift = 0`` the convention
    applies.

    Parameters
    ----------
    X : DataFrame or array-like, shape (m, n), m >= 2
    benefit : sequence, optional
        Direction per column (True/1/"benefit" or False/-1/"cost"); default all benefit.
    normalize : {"minmax", "sum"}, default "minmax"
    shift : float, default 0.0
        Non-negative constant added to z before computing proportions.

    Returns
    -------
    pd.Series
        Weights named ``"entropy_weight"`` indexed by the columns of X; non-negative, sum 1.

    References
    ----------
    Shannon, C. E. (1948). A mathematical theory of communication. *Bell System Technical
    Journal*, 27(3), 379-423.
    Hwang, C. L. & Yoon, K. (1981). *Multiple Attribute Decision Making: Methods and
    Applications*. Springer, Berlin (entropy method, pp. 52-54).

    Examples
    --------
    A column whose min-max scores are spread over few rows (``cadres``: 0, 0, 0, 1) has low
    entropy and gets the largest weight; ``income`` and the cost column ``poverty`` have the
    same spread of scores and the same weight:

    >>> X = pd.DataFrame({"income": [1.0, 2, 3, 4], "poverty": [0.4, 0.1, 0.3, 0.2],
    ...                   "cadres": [5.0, 5, 5, 6]})
    >>> entropy_weights(X, benefit=["benefit", "cost", "benefit"]).round(3).tolist()
    [0.176, 0.176, 0.649]
    """
    V, rows, cols = as_float_matrix(X, "X")
    m, n = V.shape
    if m < 2:
        raise ValueError(f"X: the entropy method needs at least 2 rows (alternatives), got {m}")
    b = check_benefit(benefit, n)
    if normalize not in {"minmax", "sum"}:
        raise ValueError(f"normalize: must be 'minmax' or 'sum', got {normalize!r}")
    if not (np.isfinite(shift) and shift >= 0):
        raise ValueError(f"shift: must be a non-negative finite number, got {shift!r}")
    lo, hi = V.min(axis=0), V.max(axis=0)
    constant = lo == hi
    if normalize == "minmax":
        # min-max scores by direction (utils.methods.scoring.normalize); constant column -> 1
        Z = _minmax_scores(V, b, "minmax").to_numpy()
        if shift:
            Z += shift
        has_zero = shift == 0
    else:
        if np.any(lo < 0):
            j = int(np.argmax(lo < 0))
            i = int(np.argmin(V[:, j]))
            raise ValueError(
                f"X: normalize='sum' needs non-negative data, got {V[i, j]:g} at row "
                f"{rows[i]!r}, column {cols[j]!r}"
            )
        Z = V + shift if shift else V
        has_zero = shift == 0 and bool(np.any(lo == 0))
    s = np.ones(m) @ Z  # column sums (BLAS; much faster than Z.sum(axis=0))
    if np.any(s <= 0):
        j = int(np.argmax(s <= 0))
        raise ValueError(f"X: column {cols[j]!r} sums to 0, so its proportions are undefined")
    # -sum_i p ln p with p = z / s equals ln s - (sum_i z ln z) / s; 0 ln 0 := 0.
    logZ = np.log(Z, out=np.zeros(Z.shape), where=Z > 0) if has_zero else np.log(Z)
    entropy = np.log(s) - np.einsum("ij,ij->j", Z, logZ) / s
    d = np.clip(1.0 - entropy / np.log(m), 0.0, None)
    d[constant] = 0.0  # constant column: e = 1 exactly, not 1 - eps
    if d.sum() <= 0:
        raise ValueError("X: every column has maximal entropy (no variation), weights undefined")
    return pd.Series(d / d.sum(), index=cols, name="entropy_weight")


def critic_weights(X: MatrixLike, benefit: Directions = None) -> pd.Series:
    """CRITIC weights (Criteria Importance Through Intercriteria Correlation).

    On min-max scores by direction ``z_ij`` (1 = best):

        C_j = sigma_j * sum_k (1 - r_jk),     w_j = C_j / sum_k C_k,

    with ``sigma_j`` the standard deviation of column j (ddof=1 as in pymcdm; the choice of
    ddof cancels in the weights) and ``r_jk`` the Pearson correlation of columns j and k.
    A constant column has ``sigma = 0`` and weight 0; its (undefined) correlations are left
    out of the other columns' conflict sums.

    Parameters
    ----------
    X : DataFrame or array-like, shape (m, n), m >= 2
    benefit : sequence, optional
        Direction per column; default all benefit. Directions matter: reversing a column flips
        the sign of its correlations.

    Returns
    -------
    pd.Series
        Weights named ``"critic_weight"`` indexed by the columns of X.

    References
    ----------
    Diakoulaki, D., Mavrotas, G. & Papayannakis, L. (1995). Determining objective weights in
    multiple criteria problems: the CRITIC method. *Computers & Operations Research*, 22(7),
    763-770.

    Examples
    --------
    >>> X = pd.DataFrame({"income": [1.0, 2, 3, 4], "poverty": [0.4, 0.1, 0.3, 0.2],
    ...                   "cadres": [5.0, 5, 5, 6]})
    >>> critic_weights(X, benefit=["benefit", "cost", "benefit"]).round(3).tolist()
    [0.251, 0.408, 0.341]
    """
    V, _, cols = as_float_matrix(X, "X")
    m, n = V.shape
    if m < 2:
        raise ValueError(f"X: CRITIC needs at least 2 rows (alternatives), got {m}")
    b = check_benefit(benefit, n)
    Z = _minmax_scores(V, b, "minmax").to_numpy()  # a constant column has sigma 0
    sigma = Z.std(axis=0, ddof=1)
    varying = sigma > 0
    if not varying.any():
        raise ValueError("X: every column is constant, CRITIC weights are undefined")
    R = np.zeros((n, n))
    if varying.sum() > 0:
        idx = np.flatnonzero(varying)
        R[np.ix_(idx, idx)] = np.corrcoef(Z[:, idx], rowvar=False).reshape(idx.size, idx.size)
    conflict = ((1.0 - R) * varying[None, :]).sum(axis=1)
    C = sigma * conflict
    if C.sum() <= 0:
        raise ValueError(
            "X: all varying columns are perfectly positively correlated, CRITIC weights are undefined"
        )
    return pd.Series(C / C.sum(), index=cols, name="critic_weight")


def blockwise_weights(
    blocks: Sequence[pd.DataFrame], benefit: pd.Series, method: str = "entropy"
) -> pd.Series:
    """Objective weights of indicators measured on different units, one block per kind of unit.

    Entropy and CRITIC describe the dispersion of each indicator over a set of rows, so
    indicators observed on different units (e.g. answers of households and statistics of
    townships) cannot share one matrix. Each block (its units x its indicators) gets the method's
    weights separately, ``w_j^(b)`` summing to 1 within block ``b`` (:func:`entropy_weights` or
    :func:`critic_weights`); each block then keeps the share of the indicators it holds:

        w_j = (n_b / n) * w_j^(b),     j in block b,

    with ``n_b`` the block's indicators and ``n`` all indicators. A block of a single indicator
    gives it its whole share; an empty block (no column) is skipped.

    Parameters
    ----------
    blocks : sequence of DataFrame
        Each block's rows are its units and its columns indicator ids; together the blocks hold
        every indicator of ``benefit`` exactly once.
    benefit : pd.Series
        Direction of every indicator ("benefit"/"cost", or True/False), indexed by indicator id;
        its order is the order of the result.
    method : {"entropy", "critic"}, default "entropy"

    Returns
    -------
    pd.Series
        Named ``"<method>"``, indexed like ``benefit``; sums to 1.

    Raises
    ------
    ValueError
        Unknown method, a block column that is not in ``benefit``, or blocks that do not hold
        every indicator exactly once.

    References
    ----------
    Shannon, C. E. (1948). A mathematical theory of communication. *Bell System Technical
    Journal*, 27(3), 379-423.
    Diakoulaki, D., Mavrotas, G. & Papayannakis, L. (1995). Determining objective weights in
    multiple criteria problems: the CRITIC method. *Computers & Operations Research*, 22(7),
    763-770.

    Examples
    --------
    >>> sx = pd.DataFrame({"A1": [1.0, 2.0, 3.0], "A2": [1.0, 1.0, 3.0]})
    >>> tx = pd.DataFrame({"A3": [4.0, 5.0]})
    >>> w = blockwise_weights([sx, tx], pd.Series({"A1": "benefit", "A2": "benefit", "A3": "cost"}))
    >>> round(float(w["A3"]), 4), round(float(w[["A1", "A2"]].sum()), 4)
    (0.3333, 0.6667)
    """
    check_choice(method, ("entropy", "critic"), "method")
    if not isinstance(benefit, pd.Series):
        raise ValueError("benefit: expected a pandas Series of directions indexed by indicator id")
    fn = entropy_weights if method == "entropy" else critic_weights
    parts = []
    for k, block in enumerate(blocks):
        if not isinstance(block, pd.DataFrame) or block.shape[1] == 0:
            continue
        unknown = [c for c in block.columns if c not in benefit.index]
        if unknown:
            raise ValueError(f"blocks[{k}]: column(s) {unknown} are not indicators of benefit")
        if block.shape[1] == 1:
            w = pd.Series(1.0, index=block.columns)
        else:
            w = fn(block, benefit.loc[block.columns].tolist())
        parts.append(w * block.shape[1])
    out = pd.concat(parts) if parts else pd.Series(dtype=float)
    missing = [i for i in benefit.index if i not in out.index]
    if missing or out.index.duplicated().any():
        raise ValueError(f"blocks: must hold every indicator once; missing {missing}")
    out = out.reindex(benefit.index).astype(float)
    out = out / len(benefit)
    out.name = method
    return out


def combine_weights(
    subjective: VectorLike,
    objective: VectorLike,
    method: str = "multiplicative",
    alpha: float = 0.5,
) -> pd.Series:
    """Combine subjective (e.g. AHP) and objective (e.g. entropy) weights.

    Both vectors are first rescaled to sum 1. Then

        multiplicative:  w_j = s_j o_j / sum_k s_k o_k
        linear:          w_j = alpha s_j + (1 - alpha) o_j.

    Parameters
    ----------
    subjective, objective : Series or array-like
        Non-negative weights. Two Series must have the same labels (any order; the result
        follows ``subjective``'s order); arrays must have the same length.
    method : {"multiplicative", "linear"}, default "multiplicative"
    alpha : float in [0, 1], default 0.5
        Share of the subjective weights in the linear combination (ignored otherwise).

    Returns
    -------
    pd.Series named ``"combined_weight"``.

    References
    ----------
    Zeleny, M. (1982). *Multiple Criteria Decision Making*. McGraw-Hill, New York (weights as
    the product of a priori and entropy-based importance).
    Ma, J., Fan, Z.-P. & Huang, L.-H. (1999). A subjective and objective integrated approach to
    determine attribute weights. *European Journal of Operational Research*, 112(2), 397-404.

    Examples
    --------
    >>> s, o = pd.Series({"a": 0.6, "b": 0.4}), pd.Series({"a": 0.2, "b": 0.8})
    >>> combine_weights(s, o, method="linear", alpha=0.5).tolist()  # 0.5 * s + 0.5 * o
    [0.4, 0.6]
    >>> combine_weights(s, o).round(4).tolist()  # (0.12, 0.32) / 0.44
    [0.2727, 0.7273]
    """
    if method not in {"multiplicative", "linear"}:
        raise ValueError(f"method: must be 'multiplicative' or 'linear', got {method!r}")
    if not (np.isfinite(alpha) and 0 <= alpha <= 1):
        raise ValueError(f"alpha: must lie in [0, 1], got {alpha!r}")
    s_vals, s_lab = as_float_vector(subjective, "subjective")
    if isinstance(subjective, pd.Series) and isinstance(objective, pd.Series):
        if set(subjective.index) != set(objective.index) or len(subjective) != len(objective):
            raise ValueError(
                f"objective: labels {list(objective.index)} do not match subjective's "
                f"{list(subjective.index)}"
            )
        objective = objective.reindex(subjective.index)
    o_vals, _ = as_float_vector(objective, "objective")
    if o_vals.size != s_vals.size:
        raise ValueError(
            f"objective: expected {s_vals.size} weights (as subjective), got {o_vals.size}"
        )
    s = check_weights(s_vals, s_vals.size, "subjective")
    o = check_weights(o_vals, o_vals.size, "objective")
    if method == "multiplicative":
        prod = s * o
        if prod.sum() <= 0:
            raise ValueError(
                "subjective/objective: no criterion has positive weight in both, the "
                "multiplicative combination is undefined"
            )
        w = prod / prod.sum()
    else:
        w = alpha * s + (1 - alpha) * o
    return pd.Series(w, index=s_lab, name="combined_weight")
