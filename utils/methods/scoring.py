"""Multi-criteria scoring: normalisation, fuzzy comprehensive evaluation, TOPSIS, grey relational
analysis; the two-level evaluation of an indicator hierarchy and its verdict rule.

Each method is one validating public function around one vectorised kernel (``_minmax``,
``_memberships``, ``_compose``, ``_topsis_distances``, ``_grey_coefficients``); the kernels also
serve :func:`utils.methods.resampling.weight_sensitivity` (many weight vectors at once), so no
method is implemented twice. For replicate-weight intervals, :func:`fce_statistic` writes the
two-level evaluation as a function of the respondents' weights (the grade indicators are
precomputed once, so each replicate is two matrix products); :func:`dimension_verdicts` judges
every criterion against an absolute standard and against the others with simultaneous
intervals, and :func:`relative_grades` grades unit statistics by their standing among the units.

Why hand-written: pymcdm's TOPSIS is used as the independent check in the tests, but it returns
only the closeness, loops over columns in Python and knows no labels; fuzzy comprehensive
evaluation and Deng's grey relational analysis are not in any maintained Python library the
project depends on. Every function is a few lines of vectorised NumPy around shared input checks.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from numbers import Integral

import numpy as np
import pandas as pd
from scipy import stats

from utils.methods._validation import (
    Directions,
    MatrixLike,
    VectorLike,
    as_float_matrix,
    as_float_vector,
    check_benefit,
    check_choice,
    check_weights,
)

__all__ = [
    "normalize",
    "likert_membership",
    "FCEResult",
    "fuzzy_evaluation",
    "fuzzy_evaluation_hierarchy",
    "grade_points",
    "OPERATORS",
    "topsis",
    "GreyResult",
    "grey_relational_grades",
    "relative_grades",
    "HierarchyWeights",
    "hierarchy_weights",
    "fce_statistic",
    "RESULTS",
    "standard_results",
    "combined_result",
    "verdict_text",
    "dimension_verdicts",
]


def _aligned_weights(weights, labels: list, name: str = "weights") -> np.ndarray:
    """Weights as an array in the order of ``labels`` (a Series/dict must carry exactly those)."""
    if isinstance(weights, pd.Series | dict):
        wmap = dict(weights.items())
        if len(wmap) != len(weights) or set(wmap) != set(labels):
            raise ValueError(f"{name}: labels {list(wmap)} do not match the criteria {labels}")
        weights = [wmap[c] for c in labels]
    return check_weights(weights, len(labels), name)


# ----------------------------------------------------------------------------- kernels
def _minmax(V: np.ndarray, b: np.ndarray, constant: float = 1.0) -> np.ndarray:
    """Direction-aware min-max scaling, 1 = best; a constant column becomes ``constant``."""
    lo, hi = V.min(axis=0), V.max(axis=0)
    span = hi - lo
    Z = np.where(b, V - lo, hi - V) / np.where(span > 0, span, 1.0)
    Z[:, span == 0] = constant
    return Z


def _memberships(G: np.ndarray, levels: np.ndarray, w: np.ndarray | None = None) -> np.ndarray:
    """(Weighted) share of each level per column of G (NaN = missing): ``r_ik = n_ik / n_i``,
    shape (items, levels); with row weights ``w`` the counts are sums of weights."""
    onehot = G[:, :, None] == levels
    counts = onehot.sum(axis=0) if w is None else np.einsum("h,hil->il", w, onehot)
    with np.errstate(invalid="ignore", divide="ignore"):  # an item without answers -> NaN row
        return counts / counts.sum(axis=1, keepdims=True)


def _compose(W: np.ndarray, R: np.ndarray, s: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Weighted-average composition M(., +): ``B = W . R`` and scores ``B . s`` (W 1-D or 2-D)."""
    B = W @ R
    return B, B @ s


#: Composition operators of fuzzy comprehensive evaluation (Zadeh's max-min composition and its
#: usual variants): name -> (t-norm "times", s-norm "plus") used as b_k = S_i T(w_i, r_ik).
OPERATORS = ("weighted-average", "max-min", "max-product", "bounded-sum")


def _compose_operator(w: np.ndarray, R: np.ndarray, operator: str) -> np.ndarray:
    """Grade vector ``b_k = S_i T(w_i, r_ik)`` for one weight vector (before normalisation).

    - ``weighted-average`` M(., +): ``sum_i w_i r_ik``;
    - ``max-min`` M(^, v): ``max_i min(w_i, r_ik)`` (Zadeh's max-min composition);
    - ``max-product`` M(., v): ``max_i w_i r_ik``;
    - ``bounded-sum`` M(., (+)): ``min(1, sum_i w_i r_ik)``.
    """
    if operator == "weighted-average":
        return w @ R
    if operator == "max-min":
        return np.minimum(w[:, None], R).max(axis=0)
    if operator == "max-product":
        return (w[:, None] * R).max(axis=0)
    return np.minimum(1.0, w @ R)


def _topsis_distances(V: np.ndarray, b: np.ndarray, W: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """TOPSIS distances to the ideal and anti-ideal for many weight vectors at once.

    ``V`` (m, n) alternatives x criteria, ``W`` (d, n) non-negative weight vectors; returns
    ``d_best, d_worst`` of shape (d, m). With r_ij = x_ij / ||x_.j|| and w_j >= 0 the weighted
    ideal is w_j * (best r_j), so d+_i(w)^2 = sum_j w_j^2 (r_ij - r*_j)^2: one matrix product.
    """
    R = V / np.sqrt((V * V).sum(axis=0))
    best = np.where(b, R.max(axis=0), R.min(axis=0))
    worst = np.where(b, R.min(axis=0), R.max(axis=0))
    W2 = (W * W).T
    return np.sqrt(((R - best) ** 2) @ W2).T, np.sqrt(((R - worst) ** 2) @ W2).T


def _grey_coefficients(V: np.ndarray, b: np.ndarray, rho: float) -> np.ndarray:
    """Deng's grey relational coefficients against the all-ones reference (weight-free)."""
    delta = np.abs(1.0 - _minmax(V, b))
    dmin, dmax = delta.min(), delta.max()
    if dmax == 0:
        return np.ones_like(delta)
    return (dmin + rho * dmax) / (delta + rho * dmax)


def _check_rho(rho) -> float:
    if (
        isinstance(rho, bool)
        or not isinstance(rho, int | float)
        or not (np.isfinite(rho) and 0 < rho <= 1)
    ):
        raise ValueError(f"rho: the distinguishing coefficient must lie in (0, 1], got {rho!r}")
    return float(rho)


def _check_nonzero_columns(V: np.ndarray, cols: list) -> None:
    norm = (V * V).sum(axis=0)
    if np.any(norm == 0):
        j = int(np.argmax(norm == 0))
        raise ValueError(f"X: column {cols[j]!r} is all zero, vector normalisation undefined")


def _ranks(scores: pd.Series) -> pd.Series:
    """Rank 1 = largest score, ties share the smallest rank."""
    return scores.rank(ascending=False, method="min").astype(int)


# ----------------------------------------------------------------------------- normalisation
def normalize(
    X: MatrixLike, benefit: Directions = None, method: str = "minmax", constant: float = 1.0
) -> pd.DataFrame:
    """Normalise a decision matrix column by column so that larger is better.

    ``minmax``: benefit ``(x - min) / (max - min)``, cost ``(max - x) / (max - min)``; a constant
    column becomes ``constant`` (default 1, pymcdm's convention; CRITIC uses 0).
    ``vector``: benefit ``x / sqrt(sum x^2)``, cost ``1 - x / sqrt(sum x^2)`` (pymcdm's
    ``vector_normalization``; Hwang & Yoon 1981 keep ``x / ||x||`` for cost criteria and handle
    the direction when choosing the ideal, which gives the same TOPSIS distances).
    ``sum``: benefit ``x / sum x`` (x >= 0), cost ``(1/x) / sum(1/x)`` (x > 0), as pymcdm's
    ``sum_normalization``.

    Parameters
    ----------
    X : DataFrame or array-like, shape (m, n)
    benefit : sequence, optional
        Direction per column; default all benefit.
    method : {"minmax", "vector", "sum"}, default "minmax"
    constant : float, default 1.0
        Value of a constant column under ``minmax`` (ignored by the other methods).

    Returns
    -------
    pd.DataFrame with X's labels.

    References
    ----------
    Hwang, C. L. & Yoon, K. (1981). *Multiple Attribute Decision Making: Methods and
    Applications*. Springer, Berlin.
    Jahan, A. & Edwards, K. L. (2015). A state-of-the-art survey on the influence of
    normalization techniques in ranking. *Materials & Design*, 65, 335-342.

    Examples
    --------
    >>> X = pd.DataFrame({"income": [2.0, 4.0, 6.0], "cost": [30.0, 10.0, 20.0]})
    >>> normalize(X, benefit=["benefit", "cost"])
       income  cost
    0     0.0   0.0
    1     0.5   1.0
    2     1.0   0.5
    """
    V, rows, cols = as_float_matrix(X, "X")
    b = check_benefit(benefit, V.shape[1])
    if method == "minmax":
        Z = _minmax(V, b, constant)
    elif method == "vector":
        _check_nonzero_columns(V, cols)
        R = V / np.sqrt((V**2).sum(axis=0))
        Z = np.where(b, R, 1.0 - R)
    elif method == "sum":
        if np.any(V < 0):
            i, j = np.argwhere(V < 0)[0]
            raise ValueError(
                f"X: method='sum' needs non-negative data, got {V[i, j]:g} at row {rows[i]!r}, "
                f"column {cols[j]!r}"
            )
        cost_zero = (~b)[None, :] & (V == 0)
        if np.any(cost_zero):
            i, j = np.argwhere(cost_zero)[0]
            raise ValueError(
                f"X: method='sum' takes 1/x for cost column {cols[j]!r}, which has a zero at "
                f"row {rows[i]!r}"
            )
        T = np.where(b, V, 1.0 / np.where(V == 0, 1.0, V))
        s = T.sum(axis=0)
        if np.any(s == 0):
            j = int(np.argmax(s == 0))
            raise ValueError(f"X: column {cols[j]!r} sums to 0, sum normalisation undefined")
        Z = T / s
    else:
        raise ValueError(f"method: must be 'minmax', 'vector' or 'sum', got {method!r}")
    return pd.DataFrame(Z, index=rows, columns=cols)


# ----------------------------------------------------------------------------- fuzzy evaluation
def likert_membership(
    responses: pd.DataFrame,
    levels: Sequence = (1, 2, 3, 4, 5),
    weights: VectorLike | None = None,
) -> pd.DataFrame:
    """Fuzzy membership matrix from Likert answers: (weighted) share of each grade per item.

        r_ik = sum_{h answers k to i} w_h / sum_{h answers i} w_h

    (with all ``w_h = 1``: the number answering level k over the number of non-missing answers).
    Survey weights make ``r_ik`` the estimated population share of each answer.

    Parameters
    ----------
    responses : pd.DataFrame
        Rows = respondents, columns = items; NaN = no answer.
    levels : sequence, default (1, 2, 3, 4, 5)
        Allowed answers, ordered from lowest to highest (1 = very dissatisfied ... 5 = very
        satisfied); they become the output's columns in this order.
    weights : array-like, optional
        One non-negative weight per respondent (e.g. survey design weights); default all 1.

    Returns
    -------
    pd.DataFrame
        Rows = items, columns = levels; each row sums to 1.

    Raises
    ------
    ValueError
        Not a DataFrame, empty, duplicated levels, answers outside ``levels`` (the item and
        value are named) or an item with no answers.

    References
    ----------
    Zadeh, L. A. (1965). Fuzzy sets. *Information and Control*, 8(3), 338-353.

    Examples
    --------
    >>> answers = pd.DataFrame({"q1": [1, 2, 2, 3], "q2": [3, 3, None, 2]})
    >>> likert_membership(answers, levels=[1, 2, 3]).round(3)
    level      1      2      3
    item
    q1     0.250  0.500  0.250
    q2     0.000  0.333  0.667
    >>> likert_membership(answers, levels=[1, 2, 3], weights=[2, 1, 1, 1]).round(2)
    level    1     2     3
    item
    q1     0.4  0.40  0.20
    q2     0.0  0.25  0.75
    """
    if not isinstance(responses, pd.DataFrame):
        raise ValueError(
            "responses: expected a pandas DataFrame (rows = respondents, columns = items)"
        )
    if responses.shape[0] == 0 or responses.shape[1] == 0:
        raise ValueError(f"responses: is empty (shape {responses.shape})")
    levels = list(levels)
    if len(levels) == 0 or len(set(levels)) != len(levels):
        raise ValueError(f"levels: must be a non-empty sequence of distinct values, got {levels}")
    code = {lv: float(k) for k, lv in enumerate(levels)}
    for item in responses.columns:
        answered = responses[item].dropna()
        if answered.empty:
            raise ValueError(f"responses: item {item!r} has no non-missing answers")
        outside = answered[~answered.isin(levels)]
        if not outside.empty:
            raise ValueError(
                f"responses: item {item!r} has value {outside.tolist()[0]!r} (row "
                f"{outside.index.tolist()[0]!r}) outside the levels {levels}"
            )
    G = np.column_stack([responses[c].map(code).to_numpy(dtype=float) for c in responses])
    if weights is None:
        R = _memberships(G, np.arange(len(levels), dtype=float))
    else:
        w, _ = as_float_vector(weights, "weights")
        if w.size != G.shape[0]:
            raise ValueError(
                f"weights: expected {G.shape[0]} weights (one per respondent), got {w.size}"
            )
        if np.any(w < 0):
            raise ValueError(f"weights: must be non-negative, got {w[w < 0][0]:g}")
        R = _memberships(G, np.arange(len(levels), dtype=float), w)
        empty = np.flatnonzero(~np.isfinite(R).all(axis=1))
        if empty.size:
            raise ValueError(
                f"weights: item {responses.columns[empty[0]]!r} has zero total weight on its answers"
            )
    return pd.DataFrame(R, index=list(responses.columns), columns=levels).rename_axis(
        index="item", columns="level"
    )


@dataclass(frozen=True)
class FCEResult:
    """Result of :func:`fuzzy_evaluation`.

    Attributes
    ----------
    vector : pd.Series
        Evaluation vector ``B = W . R`` over the grades (sums to 1).
    score : float
        ``B . grade_scores``.
    grade : str
        Grade with the largest membership in ``B`` (maximum-membership principle; the first
        such grade in column order on ties).
    """

    vector: pd.Series
    score: float
    grade: str

    def to_frame(self) -> pd.DataFrame:
        """One row: the grade memberships, then ``score`` and ``grade``."""
        row = self.vector.to_frame().T.reset_index(drop=True)
        row.columns.name = None
        return row.assign(score=self.score, grade=self.grade)


def _check_membership(membership: MatrixLike, name: str) -> tuple[np.ndarray, list, list]:
    R, rows, cols = as_float_matrix(membership, name)
    if np.any((R < 0) | (R > 1)):
        i, j = np.argwhere((R < 0) | (R > 1))[0]
        raise ValueError(
            f"{name}: memberships must lie in [0, 1], got {R[i, j]:g} at row {rows[i]!r}, "
            f"grade {cols[j]!r}"
        )
    sums = R.sum(axis=1)
    if np.any(np.abs(sums - 1) > 1e-3):
        i = int(np.argmax(np.abs(sums - 1) > 1e-3))
        raise ValueError(
            f"{name}: row {rows[i]!r} sums to {sums[i]:.6g}; each row of memberships must sum to 1"
        )
    return R, rows, cols


def grade_points(n_grades: int = 5) -> np.ndarray:
    """The book's 0-100 scale for ordered grades: grade k of K scores ``100 (k - 1) / (K - 1)``.

    For a five-point answer ``a`` this is ``25 (a - 1)``: 1 -> 0, 3 (neutral) -> 50, 5 -> 100,
    so the neutral answer sits at 50 and no score can leave [0, 100]. (The 20-100 scale
    ``100 k / K`` puts the neutral answer at 60, which Chinese readers take for a pass mark.)

    Parameters
    ----------
    n_grades : int, default 5
        Number of grades K (at least 2).

    Returns
    -------
    numpy.ndarray
        K points from 0 to 100.

    Examples
    --------
    >>> grade_points(5).tolist()
    [0.0, 25.0, 50.0, 75.0, 100.0]
    """
    if isinstance(n_grades, bool) or not isinstance(n_grades, int | np.integer) or n_grades < 2:
        raise ValueError(f"n_grades: must be an integer >= 2, got {n_grades!r}")
    return 100.0 * np.arange(n_grades) / (n_grades - 1)


def _grade_scores(grade_scores: VectorLike | None, grades: list) -> np.ndarray:
    k = len(grades)
    if grade_scores is None:
        return grade_points(k)
    if isinstance(grade_scores, pd.Series):
        if set(grade_scores.index) != set(grades) or grade_scores.index.has_duplicates:
            raise ValueError(
                f"grade_scores: labels {list(grade_scores.index)} do not match the grades {grades}"
            )
        grade_scores = grade_scores.reindex(grades)
    s, _ = as_float_vector(grade_scores, "grade_scores")
    if s.size != k:
        raise ValueError(f"grade_scores: expected {k} scores (one per grade), got {s.size}")
    return s


def _fce_result(B: np.ndarray, score: float, grades: list) -> FCEResult:
    return FCEResult(
        vector=pd.Series(B, index=grades, name="membership"),
        score=float(score),
        grade=str(grades[int(np.argmax(B))]),
    )


def fuzzy_evaluation(
    membership: MatrixLike,
    weights: VectorLike,
    grade_scores: VectorLike | None = None,
    operator: str = "weighted-average",
) -> FCEResult:
    """One-level fuzzy comprehensive evaluation (default: the weighted-average operator M(., +)).

        B = W o R,     b_k = S_i T(w_i, r_ik),     score = sum_k b~_k s_k,   b~ = B / sum_k b_k,

    grade = argmax_k b_k (maximum-membership principle). The operator ``(T, S)`` is

    - ``"weighted-average"`` M(., +): ``b_k = sum_i w_i r_ik`` (every item counts in proportion
      to its weight). With answer shares as memberships and linear grade scores, the score is
      exactly the weighted mean answer on the grade-score scale: ``sum_k b_k s_k =
      sum_i w_i sum_k r_ik s_k`` (an identity, not an approximation);
    - ``"max-min"`` M(^, v): ``b_k = max_i min(w_i, r_ik)`` (Zadeh's max-min composition: the
      grade is decided by the single most decisive item, small weights are capped);
    - ``"max-product"`` M(., v): ``b_k = max_i w_i r_ik``;
    - ``"bounded-sum"`` M(., (+)): ``b_k = min(1, sum_i w_i r_ik)``; with weights summing to 1
      and rows of R summing to 1 no sum exceeds 1, so it equals M(., +).

    The non-additive operators give a vector that need not sum to 1; it is normalised before
    scoring (``b~``), as is usual.

    Parameters
    ----------
    membership : DataFrame or array-like, shape (n_items, n_grades)
        Membership matrix R (e.g. from :func:`likert_membership`); values in [0, 1], rows sum
        to 1 (within 1e-3).
    weights : Series or array-like, length n_items
        Item weights (non-negative; rescaled to sum 1). A Series must carry R's row labels.
    grade_scores : Series or array-like, optional
        Score of each grade. Default: grades are taken to be ordered from LOWEST to HIGHEST
        (as :func:`likert_membership` returns 1 = very dissatisfied ... 5 = very satisfied) and
        scored on the book's 0-100 scale :func:`grade_points`, ``100 (k - 1) / (K - 1)``, i.e.
        (0, 25, 50, 75, 100) for five grades (neutral middle grade = 50). Pass the scores
        explicitly for grades ordered high -> low.
    operator : {"weighted-average", "max-min", "max-product", "bounded-sum"}
        Composition operator (see above).

    Returns
    -------
    FCEResult
        ``vector`` is the normalised grade vector ``b~``.

    References
    ----------
    Zadeh, L. A. (1965). Fuzzy sets. *Information and Control*, 8(3), 338-353.
    Wang, P. Z. (1983). *Fuzzy Set Theory and Its Applications* (in Chinese). Shanghai
    Scientific and Technical Publishers (M(., +) operator of comprehensive evaluation).

    Examples
    --------
    >>> R = pd.DataFrame([[0.1, 0.3, 0.6], [0.5, 0.5, 0.0]], index=["q1", "q2"],
    ...                  columns=["poor", "fair", "good"])
    >>> res = fuzzy_evaluation(R, pd.Series({"q1": 0.75, "q2": 0.25}))
    >>> res.vector.round(3).tolist(), round(res.score, 2), res.grade
    ([0.2, 0.35, 0.45], 62.5, 'good')
    >>> mm = fuzzy_evaluation(R, pd.Series({"q1": 0.75, "q2": 0.25}), operator="max-min")
    >>> mm.vector.round(3).tolist(), round(mm.score, 2), mm.grade
    ([0.217, 0.261, 0.522], 65.22, 'good')
    """
    check_choice(operator, OPERATORS, "operator")
    R, rows, grades = _check_membership(membership, "membership")
    w = _aligned_weights(weights, rows)
    s = _grade_scores(grade_scores, grades)
    if operator == "weighted-average":
        B, score = _compose(w, R, s)
        return _fce_result(B, score, grades)
    B = _compose_operator(w, R, operator)
    total = B.sum()
    if total <= 0:
        raise ValueError(f"operator {operator!r}: the grade vector is all zero, cannot normalise")
    B = B / total
    return _fce_result(B, B @ s, grades)


def fuzzy_evaluation_hierarchy(
    memberships: Mapping[str, pd.DataFrame],
    local_weights: Mapping[str, pd.Series],
    criteria_weights: pd.Series,
    grade_scores: VectorLike | None = None,
) -> tuple[FCEResult, pd.DataFrame]:
    """Two-level fuzzy comprehensive evaluation (indicators -> criteria -> overall).

    For every criterion c, ``B_c = W_c . R_c`` (:func:`fuzzy_evaluation` on its indicators); the
    ``B_c`` rows form the criterion-level membership matrix, and ``B = W . [B_c]`` with the
    criterion weights W.

    Parameters
    ----------
    memberships : dict {criterion: DataFrame}
        Indicator x grade membership matrices; all must have the same grade columns.
    local_weights : dict {criterion: Series}
        Indicator weights within each criterion (indexed like the membership rows).
    criteria_weights : pd.Series
        Criterion weights indexed by criterion; keys of the two dicts must be exactly these.
    grade_scores : optional
        As in :func:`fuzzy_evaluation`.

    Returns
    -------
    overall : FCEResult
    per_criterion : pd.DataFrame
        One row per criterion: the grade memberships ``B_c``, then ``score`` and ``grade``.

    References
    ----------
    As :func:`fuzzy_evaluation`.

    Examples
    --------
    >>> R = {"A": pd.DataFrame([[0.2, 0.8], [0.6, 0.4]], index=["a1", "a2"], columns=[1, 2]),
    ...      "B": pd.DataFrame([[0.5, 0.5]], index=["b1"], columns=[1, 2])}
    >>> local = {"A": pd.Series({"a1": 0.5, "a2": 0.5}), "B": pd.Series({"b1": 1.0})}
    >>> overall, per = fuzzy_evaluation_hierarchy(R, local, pd.Series({"A": 0.6, "B": 0.4}))
    >>> per.round(2)
                 1    2  score grade
    criterion
    A          0.4  0.6   60.0     2
    B          0.5  0.5   50.0     1
    >>> overall.vector.round(2).tolist(), round(overall.score, 1)
    ([0.44, 0.56], 56.0)
    """
    if not isinstance(criteria_weights, pd.Series):
        raise ValueError("criteria_weights: expected a pandas Series indexed by criterion")
    crit = list(criteria_weights.index)
    for name, d in (("memberships", memberships), ("local_weights", local_weights)):
        if not isinstance(d, Mapping):
            raise ValueError(f"{name}: expected a dict keyed by criterion")
        if set(d) != set(crit):
            raise ValueError(
                f"{name}: keys {sorted(map(str, d))} must match criteria_weights' index "
                f"{sorted(map(str, crit))}"
            )
    grades = None
    blocks, local = [], []
    for c in crit:
        R_c, rows, g = _check_membership(memberships[c], f"memberships[{c!r}]")
        if grades is None:
            grades = g
        elif g != grades:
            raise ValueError(
                f"memberships[{c!r}]: grades {g} differ from the first criterion's {grades}"
            )
        try:
            local.append(_aligned_weights(local_weights[c], rows))
        except ValueError as exc:
            raise ValueError(f"criterion {c!r}: {exc}") from exc
        blocks.append(R_c)
    s = _grade_scores(grade_scores, grades)
    W = _aligned_weights(criteria_weights, crit, "criteria_weights")
    # B_c = w_.|c . R_c for every criterion, then B = W . [B_c]: the same composition twice
    composed = [_compose(w, R_c, s) for w, R_c in zip(local, blocks, strict=True)]
    Bc = np.vstack([b for b, _ in composed])
    scores = [float(sc) for _, sc in composed]
    B, score = _compose(W, Bc, s)
    table = pd.DataFrame(Bc, index=pd.Index(crit, name="criterion"), columns=grades)
    table["score"] = scores
    table["grade"] = [str(grades[int(k)]) for k in np.argmax(Bc, axis=1)]
    return _fce_result(B, score, grades), table


# ----------------------------------------------------------------------------- TOPSIS
def topsis(X: MatrixLike, weights: VectorLike, benefit: Directions = None) -> pd.DataFrame:
    """TOPSIS ranking with Hwang & Yoon's vector normalisation.

        r_ij = x_ij / sqrt(sum_i x_ij^2),   v_ij = w_j r_ij
        A+_j = max_i v_ij (benefit) or min_i v_ij (cost);  A-_j the opposite
        d+_i = ||v_i - A+||_2,  d-_i = ||v_i - A-||_2,  C_i = d-_i / (d+_i + d-_i)

    Rank 1 = largest closeness (ties share the smallest rank).

    Parameters
    ----------
    X : DataFrame or array-like, shape (m, n)
        Decision matrix, alternatives in rows.
    weights : Series or array-like, length n
        Non-negative criterion weights (rescaled to sum 1); a Series must carry X's column labels.
    benefit : sequence, optional
        Direction per column; default all benefit.

    Returns
    -------
    pd.DataFrame
        Index = X's rows; columns ``d_best``, ``d_worst``, ``closeness`` (in [0, 1]), ``rank``.

    Raises
    ------
    ValueError
        Bad matrix/weights/directions, an all-zero column, or all alternatives identical on the
        weighted criteria (closeness undefined).

    References
    ----------
    Hwang, C. L. & Yoon, K. (1981). *Multiple Attribute Decision Making: Methods and
    Applications*. Springer, Berlin, pp. 128-140.

    Examples
    --------
    >>> X = pd.DataFrame({"income": [3.0, 4.0, 5.0], "cost": [2.0, 1.0, 3.0]},
    ...                  index=["T1", "T2", "T3"])
    >>> topsis(X, [0.5, 0.5], benefit=["benefit", "cost"]).round(3)
        d_best  d_worst  closeness  rank
    T1   0.195    0.134      0.407     2
    T2   0.071    0.276      0.796     1
    T3   0.267    0.141      0.346     3
    """
    V, rows, cols = as_float_matrix(X, "X")
    b = check_benefit(benefit, V.shape[1])
    w = _aligned_weights(weights, cols)
    _check_nonzero_columns(V, cols)
    dp, dm = _topsis_distances(V, b, w[None, :])
    dp, dm = dp[0], dm[0]
    tot = dp + dm
    if np.any(tot == 0):
        raise ValueError(
            "X: all alternatives are identical on the weighted criteria, closeness is undefined"
        )
    out = pd.DataFrame({"d_best": dp, "d_worst": dm, "closeness": dm / tot}, index=rows)
    out["rank"] = _ranks(out["closeness"])
    return out


# ----------------------------------------------------------------------------- grey analysis
@dataclass(frozen=True)
class GreyResult:
    """Result of :func:`grey_relational_grades`.

    Attributes
    ----------
    coefficients : pd.DataFrame
        Grey relational coefficients xi_ij (alternatives x criteria), in (0, 1].
    grades : pd.Series
        Weighted grey relational grades gamma_i.
    ranks : pd.Series
        1 = largest grade (ties share the smallest rank).
    """

    coefficients: pd.DataFrame
    grades: pd.Series
    ranks: pd.Series

    def to_frame(self) -> pd.DataFrame:
        """One row per alternative: the coefficients, then ``grade`` and ``rank``."""
        return self.coefficients.assign(grade=self.grades, rank=self.ranks)


def grey_relational_grades(
    X: MatrixLike, weights: VectorLike | None = None, benefit: Directions = None, rho: float = 0.5
) -> GreyResult:
    """Deng's grey relational analysis against the ideal (all-ones) reference series.

        z_ij = min-max score by direction (1 = best; constant column -> 1)
        Delta_ij = |1 - z_ij|,  Delta_min = min_ij Delta_ij,  Delta_max = max_ij Delta_ij
        xi_ij = (Delta_min + rho Delta_max) / (Delta_ij + rho Delta_max)
        gamma_i = sum_j w_j xi_ij

    Delta_min and Delta_max are taken over the whole matrix (Deng's two-level min/max). If every
    alternative equals the reference (Delta_max = 0) all coefficients are 1.

    Parameters
    ----------
    X : DataFrame or array-like, shape (m, n)
    weights : Series or array-like, optional
        Criterion weights (rescaled to sum 1); default equal weights 1/n.
    benefit : sequence, optional
        Direction per column; default all benefit.
    rho : float in (0, 1], default 0.5
        Distinguishing coefficient.

    Returns
    -------
    GreyResult

    References
    ----------
    Deng, J. L. (1982). Control problems of grey systems. *Systems & Control Letters*, 1(5),
    288-294.
    Deng, J. L. (1989). Introduction to grey system theory. *The Journal of Grey System*, 1(1),
    1-24.

    Examples
    --------
    >>> X = pd.DataFrame({"income": [3.0, 4.0, 5.0], "cost": [2.0, 1.0, 3.0]},
    ...                  index=["T1", "T2", "T3"])
    >>> g = grey_relational_grades(X, [0.5, 0.5], benefit=["benefit", "cost"])
    >>> g.to_frame().round(3)
        income   cost  grade  rank
    T1   0.333  0.500  0.417     3
    T2   0.500  1.000  0.750     1
    T3   1.000  0.333  0.667     2
    """
    V, rows, cols = as_float_matrix(X, "X")
    n = V.shape[1]
    b = check_benefit(benefit, n)
    rho = _check_rho(rho)
    w = np.full(n, 1.0 / n) if weights is None else _aligned_weights(weights, cols)
    xi = _grey_coefficients(V, b, rho)
    grades = pd.Series(xi @ w, index=rows, name="grade")
    return GreyResult(
        coefficients=pd.DataFrame(xi, index=rows, columns=cols),
        grades=grades,
        ranks=_ranks(grades).rename("rank"),
    )


# ----------------------------------------------------------------------------- hierarchy
def _check_groups(groups) -> pd.Series:
    """The criterion of every indicator as a Series of str indexed by str id (validated)."""
    if not isinstance(groups, pd.Series):
        raise ValueError("groups: expected a pandas Series (criterion of each indicator, by id)")
    if groups.empty:
        raise ValueError("groups: is empty")
    g = groups.set_axis(groups.index.astype(str))
    if g.index.has_duplicates:
        raise ValueError(f"groups: duplicated ids {sorted(set(g.index[g.index.duplicated()]))}")
    if g.isna().any():
        raise ValueError(f"groups: indicator {g.index[g.isna()][0]!r} has no criterion")
    return g.astype(str)


def _example_grades() -> tuple[pd.DataFrame, pd.Series]:
    """Four households' grades 1..5 on indicators A1-A3 (criterion A) and B1-B2 (criterion B)."""
    grades = pd.DataFrame(
        {"A1": [1, 2, 5, np.nan], "A2": [3, 3, 3, 3], "A3": [1, 1, 5, 5], "B1": [4, 4, 5, 5],
         "B2": [1, 1, 5, 5]}, dtype=float,
    )  # fmt: skip
    return grades, pd.Series(["A", "A", "A", "B", "B"], index=grades.columns)


def relative_grades(X: pd.DataFrame, benefit=None, n_grades: int = 5) -> pd.DataFrame:
    """Grade every unit's value 1..K by its place in the distribution over all the units.

    For column j (n units, e.g. the townships of a county) let r_tj be unit t's mid-rank, in the
    direction of the indicator (ascending for benefit, descending for cost; ties get the average
    rank), and

        p_tj = (r_tj - 1/2) / n                       (Hazen plotting position, in (0, 1))
        g_tj = min(K, floor(K p_tj) + 1)             (grade 1 = worst .. K = best)

    so that, without ties, each grade holds a K-th of the units (quintiles for K = 5:
    with 25 units, 5 per grade). A constant column (no unit better than another) gives
    every unit the middle position p = 1/2, i.e. the middle grade for odd K: a relative
    grading carries no information there, and the neutral grade says so.

    Why hand-written: a relative (percentile) grading of census statistics onto the Likert
    grades is a modelling choice of this book, not a library method. It measures each unit's
    *standing among the units*, not absolute attainment.

    Parameters
    ----------
    X : DataFrame
        Units (index) x statistics (columns), finite numbers.
    benefit : sequence, optional
        Direction per column (True/1/"benefit" = larger is better); default all benefit.
    n_grades : int, default 5
        Number of grades K.

    Returns
    -------
    DataFrame of int
        Same labels as X, grades 1..K.

    References
    ----------
    Hazen, A. (1914). Storage to be provided in impounding reservoirs for municipal water
    supply. *Transactions of the American Society of Civil Engineers*, 77
    (plotting position (r - 1/2)/n).
    Hyndman, R. J. & Fan, Y. (1996). Sample quantiles in statistical packages. *The American
    Statistician*, 50(4), 361-365 (definition 5).

    Examples
    --------
    >>> relative_grades(pd.DataFrame({"x": [3.0, 1.0, 2.0, 5.0, 4.0]})).T
       0  1  2  3  4
    x  3  1  2  5  4
    """
    if not isinstance(X, pd.DataFrame):
        raise ValueError("X: expected a DataFrame (units x statistics)")
    V, rows, cols = as_float_matrix(X, "X")
    b = check_benefit(benefit, V.shape[1])
    K = len(grade_points(n_grades))
    n = V.shape[0]
    oriented = np.where(b, V, -V)
    ranks = stats.rankdata(oriented, method="average", axis=0)
    p = (ranks - 0.5) / n
    g = np.minimum(K, np.floor(K * p + 1e-12).astype(int) + 1)
    return pd.DataFrame(g, index=rows, columns=cols)


@dataclass(frozen=True)
class HierarchyWeights:
    """Weights of the two-level hierarchy, from global indicator weights.

    Attributes
    ----------
    criteria : pd.Series
        Criterion weights ``W_c = sum_{i in c} w_i`` (sum to 1).
    local : dict {criterion: pd.Series}
        Indicator weights within each criterion ``w_i / W_c`` (each sums to 1).
    global_ : pd.Series
        The global indicator weights, rescaled to sum to 1.
    """

    criteria: pd.Series
    local: dict
    global_: pd.Series

    def to_frame(self) -> pd.DataFrame:
        """One row per indicator: ``criterion, local_weight, criterion_weight, global_weight``."""
        rows = [
            (i, c, lw, self.criteria[c], self.global_[i])
            for c, local in self.local.items()
            for i, lw in local.items()
        ]
        cols = ["indicator", "criterion", "local_weight", "criterion_weight", "global_weight"]
        out = pd.DataFrame(rows, columns=cols).set_index("indicator")
        return out.loc[list(self.global_.index)].rename_axis("indicator")


def hierarchy_weights(weights: pd.Series, groups: pd.Series) -> HierarchyWeights:
    """Split global indicator weights into criterion weights and local weights.

        W_c = sum_{i in c} w_i,     w_i|c = w_i / W_c,     so  w_i = W_c w_i|c.

    This is the usual AHP composition read backwards (Saaty 1980, ch. 2): any global weight
    vector over the indicators (AHP, entropy, CRITIC or combined) defines the two levels that
    the hierarchical fuzzy evaluation needs.

    Parameters
    ----------
    weights : pd.Series
        Non-negative global weights indexed by indicator id (exactly the indicators of
        ``groups``; rescaled to sum to 1).
    groups : pd.Series
        The criterion of every indicator, indexed by indicator id; its order is the order of
        the indicators and (by first appearance) of the criteria.

    Returns
    -------
    HierarchyWeights

    Raises
    ------
    ValueError
        Not a Series, ids that differ from the groups', negative/non-finite weights, a zero
        total, or a criterion whose indicators all have weight 0.

    References
    ----------
    Saaty, T. L. (1980). *The Analytic Hierarchy Process*. McGraw-Hill, New York.

    Examples
    --------
    >>> groups = pd.Series(["A", "A", "A", "B", "B"], index=["A1", "A2", "A3", "B1", "B2"])
    >>> hw = hierarchy_weights(pd.Series(0.2, index=groups.index), groups)
    >>> hw.criteria.round(2).to_dict(), hw.local["B"].round(2).to_dict()
    ({'A': 0.6, 'B': 0.4}, {'B1': 0.5, 'B2': 0.5})
    >>> hw.to_frame().round(2).loc[["A1", "B1"]]
              criterion  local_weight  criterion_weight  global_weight
    indicator
    A1                A          0.33               0.6            0.2
    B1                B          0.50               0.4            0.2
    """
    crit_of = _check_groups(groups)
    if not isinstance(weights, pd.Series):
        raise ValueError("weights: expected a pandas Series indexed by indicator id")
    w = weights.copy()
    w.index = w.index.astype(str)
    if w.index.has_duplicates or set(w.index) != set(crit_of.index):
        extra = sorted(set(w.index) - set(crit_of.index))
        lack = sorted(set(crit_of.index) - set(w.index))
        raise ValueError(
            f"weights: ids must be exactly the indicators; unknown {extra}, missing {lack}"
        )
    w = pd.to_numeric(w.reindex(crit_of.index), errors="coerce").astype(float)
    if not np.all(np.isfinite(w)):
        raise ValueError(
            f"weights: indicator {w.index[~np.isfinite(w)][0]!r} is not a finite number"
        )
    if (w < 0).any():
        raise ValueError(
            f"weights: indicator {w.index[w < 0][0]!r} has negative weight {w[w < 0].iloc[0]:g}"
        )
    if w.sum() <= 0:
        raise ValueError("weights: sum to 0; at least one indicator needs a positive weight")
    w = (w / w.sum()).rename("global_weight")
    criteria = list(dict.fromkeys(crit_of))
    W = w.groupby(crit_of, sort=False).sum().reindex(criteria).rename("criterion_weight")
    zero = W.index[W <= 0]
    if len(zero):
        raise ValueError(f"weights: all indicators of criterion {zero[0]!r} have weight 0")
    local = {c: (w[crit_of == c] / W[c]).rename("local_weight") for c in criteria}
    W.index.name = "criterion"
    return HierarchyWeights(criteria=W, local=local, global_=w)


def fce_statistic(
    grades: pd.DataFrame,
    weights: pd.Series,
    groups: pd.Series,
    n_grades: int = 5,
    low_grades: int = 2,
):
    """The two-level fuzzy evaluation as a function of the household weights.

    Returns ``statistic(data, w)`` for :func:`utils.methods.survey_design.replicate_estimate`:
    with household weights ``w`` (the design weights, or one replicate's weights) it computes the
    weighted memberships ``r_ik = sum_{h: g_hi = k} w_h / sum_{h: g_hi observed} w_h``
    (:func:`likert_membership` with ``weights``), the dimension grade
    vectors ``B_c = w_.|c R_c`` and, on the 0-100 scale ``s_k = 100 (k - 1) / (K - 1)``,

        score:c = B_c . s                              (dimension score)
        low:c   = sum_{k <= low_grades} b_ck           (share of low ratings, 0-1)
        overall = sum_c W_c score:c                    (= B . s, the overall score)
        loo:c   = score:c - sum_{d != c} W_d score:d / (1 - W_c)
                                                       (gap to the weighted mean of the OTHERS)

    The leave-one-out gap compares a dimension with the other dimensions only: the old gap
    ``score:c - overall`` contains the dimension itself, so with one dimension far above the
    rest every other one is "below the overall score" by arithmetic.

    Parameters
    ----------
    grades : DataFrame
        Household x indicator grades 1..K (e.g. Likert answers), rows in the order of the
        design's data; columns exactly the indicators of ``groups``.
    weights : pd.Series
        Global indicator weights.
    groups : pd.Series
        The criterion of every indicator (as in :func:`hierarchy_weights`; at least two
        criteria).
    n_grades : int, default 5
    low_grades : int, default 2
        Grades counted as low ratings (2: "very poor" and "poor").

    Returns
    -------
    callable ``(data, w) -> pd.Series``
        ``data`` is ignored except for its length (the grades are bound here).

    Examples
    --------
    >>> g, groups = _example_grades()
    >>> stat = fce_statistic(g, pd.Series(0.2, index=g.columns), groups)
    >>> stat(g, np.ones(4)).round(2)
    overall     55.83
    score:A     47.22
    score:B     68.75
    low:A        0.39
    low:B        0.25
    loo:A      -21.53
    loo:B       21.53
    dtype: float64
    """
    crit_of = _check_groups(groups)
    K = len(grade_points(n_grades))
    if isinstance(low_grades, bool) or not isinstance(low_grades, Integral):
        raise ValueError(f"low_grades: must be an integer, got {low_grades!r}")
    if not 1 <= low_grades < K:
        raise ValueError(f"low_grades: must lie in 1..{K - 1}, got {low_grades}")
    hw = hierarchy_weights(weights, crit_of)
    crit = list(hw.criteria.index)
    if len(crit) < 2:
        raise ValueError("groups: the leave-one-out gap needs at least two criteria")
    if not isinstance(grades, pd.DataFrame):
        raise ValueError("grades: expected a DataFrame of households x indicators")
    cols, ids = [str(c) for c in grades.columns], list(crit_of.index)
    if set(cols) != set(ids) or len(cols) != len(ids):
        raise ValueError(
            f"grades: columns must be exactly the indicators of groups; unknown "
            f"{sorted(set(cols) - set(ids))}, missing {sorted(set(ids) - set(cols))}"
        )
    codes = grades.set_axis(cols, axis=1)[ids]
    likert_membership(codes, levels=range(1, K + 1))  # validates the grade values
    G = codes.to_numpy(dtype=float)
    n, n_items = G.shape
    levels = np.arange(1, K + 1)
    of = crit_of.to_numpy()
    L = np.zeros((len(crit), n_items))
    for k, c in enumerate(crit):
        L[k, of == c] = hw.local[c].reindex(crit_of.index[of == c]).to_numpy()
    W = hw.criteria.to_numpy(dtype=float)
    s = grade_points(K)
    labels = pd.Index(
        ["overall", *(f"score:{c}" for c in crit), *(f"low:{c}" for c in crit),
         *(f"loo:{c}" for c in crit)]
    )  # fmt: skip

    def statistic(data, w) -> pd.Series:
        w = np.asarray(w, dtype=float)
        if w.shape != (n,) or len(data) != n:
            raise ValueError(
                f"w: expected {n} household weights aligned with the grades, got {w.shape}"
            )
        R = _memberships(G, levels, w)  # the one membership kernel of the module
        Bc, score = _compose(L, R, s)
        low = Bc[:, :low_grades].sum(axis=1)
        overall = W @ score
        loo = score - (overall - W * score) / (1 - W)
        return pd.Series(np.concatenate([[overall], score, low, loo]), index=labels)

    return statistic


RESULTS = ("fails", "meets", "not settled")


def standard_results(ci_low, ci_high, standard, fails_when) -> pd.Series:
    """Judge intervals against standards: ``"fails"``, ``"meets"`` or ``"not settled"``.

    For a standard that an estimate fails by lying **below** it (``fails_when="below"``), the
    interval *fails* when it lies wholly below the standard (``ci_high < standard``), *meets* it
    when it lies wholly on or above it (``ci_low >= standard``) and is *not settled* when it holds
    the standard; ``"above"`` mirrors this. With simultaneous intervals (e.g. from
    :func:`utils.methods.resampling.simultaneous_intervals`) the chance of any false "fails"
    over the family is at most one minus their joint confidence.

    Parameters
    ----------
    ci_low, ci_high : array-like or Series
        Interval ends (same length).
    standard : float or array-like
        The standard of each interval.
    fails_when : {"below", "above"} or array-like of them
        On which side of its standard an estimate fails.

    Returns
    -------
    pandas.Series
        One of :data:`RESULTS` per interval (index of ``ci_low`` when it is a Series).

    Examples
    --------
    >>> standard_results([40, 45, 52], [48, 55, 60], 50, "below").tolist()
    ['fails', 'not settled', 'meets']
    >>> standard_results([0.30, 0.10], [0.45, 0.20], 0.25, "above").tolist()
    ['fails', 'meets']
    """
    index = ci_low.index if isinstance(ci_low, pd.Series) else None
    lo = np.asarray(ci_low, dtype=float)
    hi = np.asarray(ci_high, dtype=float)
    ref = np.broadcast_to(np.asarray(standard, dtype=float), lo.shape)
    side = np.broadcast_to(np.asarray(fails_when, dtype=object), lo.shape)
    if lo.shape != hi.shape:
        raise ValueError("ci_low, ci_high: must have the same length")
    bad = sorted({str(v) for v in side.ravel()} - {"below", "above"})
    if bad:
        raise ValueError(f"fails_when: must be 'below' or 'above', got {bad}")
    below = side == "below"
    fails = np.where(below, hi < ref, lo > ref)
    meets = np.where(below, lo >= ref, hi <= ref)
    return pd.Series(np.select([fails, meets], ["fails", "meets"], "not settled"), index=index)


def combined_result(results) -> str:
    """One result for several intervals of one standard: ``"fails"`` when any fails,
    ``"meets"`` when all meet, ``"not settled"`` otherwise (see :func:`standard_results`).

    Examples
    --------
    >>> combined_result(["meets", "fails"]), combined_result(["meets", "not settled"])
    ('fails', 'not settled')
    """
    results = list(results)
    if not results or set(results) - set(RESULTS):
        raise ValueError(f"results: expected a non-empty list of {RESULTS}, got {results}")
    if "fails" in results:
        return "fails"
    return "meets" if all(r == "meets" for r in results) else "not settled"


def verdict_text(fails_absolute: bool, lower: bool, standard: str = "the absolute standard") -> str:
    """The verdict on one dimension from its two standards, naming what it fails.

    Examples
    --------
    >>> verdict_text(True, False)
    'problem: fails the absolute standard (not shown lower than the others)'
    >>> verdict_text(False, False)
    'not supported'
    """
    if fails_absolute and lower:
        return f"problem: fails {standard} and is lower than the others"
    if fails_absolute:
        return f"problem: fails {standard} (not shown lower than the others)"
    if lower:
        return f"problem relative to the others only (fails no part of {standard})"
    return "not supported"


def dimension_verdicts(
    result,
    *,
    neutral: float = 50.0,
    low_share_threshold: float = 0.25,
    confidence: float = 0.95,
    method: str = "max-t",
) -> pd.DataFrame:
    """Judge every dimension against an absolute standard and against the other dimensions.

    Input: the replicate-weight result of :func:`fce_statistic`
    (:func:`utils.methods.survey_design.replicate_estimate`). Two standards, each with
    simultaneous intervals over the dimensions (:func:`utils.methods.resampling.simultaneous_intervals`,
    max-t from the replicates or Bonferroni), so that the chance of calling any dimension weak
    when none is stays below ``1 - confidence`` per standard:

    - **absolute standard** (fixed before the data are seen): the dimension *fails* when its
      whole interval lies below ``neutral`` (the score of the neutral answer) **or** the whole
      interval of its share of low ratings lies above ``low_share_threshold``; the family is the
      2 x C intervals of scores and low shares;
    - **leave-one-out**: the dimension is *lower* when the whole interval of ``loo:c`` (its gap
      to the weighted mean of the other dimensions) lies below 0, *higher* when above 0.

    ``problem`` = fails the absolute standard or is lower; the verdict says which
    (:func:`verdict_text`); "not supported" is reached whenever neither interval excludes its
    standard.

    Parameters
    ----------
    result : utils.methods.survey_design.ReplicateResult
        Estimates labelled ``score:c``, ``low:c``, ``loo:c`` (and ``overall``).
    neutral : float, default 50
        Score of the neutral answer on the 0-100 scale.
    low_share_threshold : float, default 0.25
        Largest acceptable share of low ratings (0-1).
    confidence : float, default 0.95
        Joint confidence of each family of intervals.
    method : {"max-t", "bonferroni"}
        ``"max-t"`` needs bootstrap replicates (their spread is the sampling spread); use
        ``"bonferroni"`` with jackknife replicates.

    Returns
    -------
    pandas.DataFrame
        Indexed by dimension id: ``score, score_low, score_high, low_share, low_share_low,
        low_share_high, gap, gap_low, gap_high, p_score, p_low_share, p_gap`` (adjusted,
        one-sided p-values are not reported: these are the two-sided adjusted p-values),
        ``absolute_standard`` ("fails"; "meets" when every interval of the standard lies on the
        passing side; "not settled" otherwise), ``fails_on`` (which part of the absolute
        standard), ``leave_one_out`` ("lower"/"higher"/"not different"), ``problem``,
        ``verdict``.

    Examples
    --------
    >>> from utils.methods.survey_design import survey_design, replicate_estimate
    >>> g, groups = _example_grades()
    >>> stat = fce_statistic(g, pd.Series(0.2, index=g.columns), groups)
    >>> res = replicate_estimate(survey_design(g.assign(w=1.0), weight="w"), stat,
    ...                          method="jackknife")
    >>> dimension_verdicts(res, method="bonferroni")[["absolute_standard", "verdict"]]
    ... # doctest: +NORMALIZE_WHITESPACE
              absolute_standard        verdict
    dimension
    A               not settled  not supported
    B               not settled  not supported
    """
    from utils.methods.resampling import simultaneous_intervals  # resampling imports scoring

    if method == "max-t" and getattr(result, "method", None) != "bootstrap":
        raise ValueError(
            "method: 'max-t' needs bootstrap replicates (their spread is the sampling "
            f"spread); the result has {getattr(result, 'method', None)!r}: use 'bonferroni'"
        )
    est, se, reps = result.estimate, result.se, result.replicates
    crit = [lab.split(":", 1)[1] for lab in est.index if str(lab).startswith("score:")]
    if not crit:
        raise ValueError("result: has no 'score:<dimension>' estimates (see fce_statistic)")
    sc, lo, gp = ([f"{p}:{c}" for c in crit] for p in ("score", "low", "loo"))
    absolute = sc + lo
    ref = pd.Series([float(neutral)] * len(sc) + [float(low_share_threshold)] * len(lo), absolute)
    fam_a = simultaneous_intervals(
        est[absolute], se[absolute], reps, reference=ref, confidence=confidence,
        method=method, df=result.df,
    )  # fmt: skip
    fam_g = simultaneous_intervals(
        est[gp], se[gp], reps, reference=0.0, confidence=confidence, method=method,
        df=result.df,
    )  # fmt: skip
    out = pd.DataFrame(index=pd.Index(crit, name="dimension"))
    for name, keys, fam in (("score", sc, fam_a), ("low_share", lo, fam_a), ("gap", gp, fam_g)):
        part = fam.loc[keys].set_axis(crit)
        out[name] = part["estimate"]
        out[f"{name}_low"] = part["ci_low"]
        out[f"{name}_high"] = part["ci_high"]
        out[f"p_{name}"] = part["p_adjusted"]
    r_score = standard_results(out["score_low"], out["score_high"], neutral, "below")
    r_low = standard_results(
        out["low_share_low"], out["low_share_high"], low_share_threshold, "above"
    )
    below, too_many_low = r_score == "fails", r_low == "fails"
    out["absolute_standard"] = [combined_result(r) for r in zip(r_score, r_low, strict=True)]
    out["fails_on"] = [
        " and ".join(w for w, f in (("score below neutral", b), ("too many low ratings", t)) if f)
        for b, t in zip(below, too_many_low, strict=True)
    ]
    lower, higher = out["gap_high"] < 0, out["gap_low"] > 0
    out["leave_one_out"] = np.select([lower, higher], ["lower", "higher"], "not different")
    out["problem"] = (below | too_many_low | lower).astype(bool)
    out["verdict"] = [
        verdict_text(bool(a), bool(b)) for a, b in zip(below | too_many_low, lower, strict=True)
    ]
    out.attrs.update(
        neutral=float(neutral), low_share_threshold=float(low_share_threshold),
        confidence=float(confidence), method=method,
        critical_absolute=float(fam_a["critical"].iloc[0]),
        critical_gap=float(fam_g["critical"].iloc[0]),
    )  # fmt: skip
    return out
