"""Data envelopment analysis (DEA): CCR and BCC envelopment models, input or output oriented.

Hand-written because no maintained Python DEA package is part of the project environment
(pymcdm, statsmodels and scipy have none); the code is the textbook two-phase envelopment
formulation. Phase 1 (the radial score) is the one coding of the envelopment LP in the package,
``_Frontier`` (HiGHS through ``highspy``: one model per reference set, re-solved for each
decision-making unit), which :mod:`utils.methods.dea_extensions` reuses; phase 2 (the max-slack
LP) is solved with :func:`scipy.optimize.linprog` (HiGHS as well).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from typing import Literal

import highspy
import numpy as np
import pandas as pd
from scipy.optimize import linprog

from utils.methods._validation import as_float_matrix, labels_or_default

__all__ = ["dea"]

#: Two efficiency scores closer than this are treated as equal (returns-to-scale classification).
RTS_TOLERANCE = 1e-6
#: A score within this of 1 is reported as exactly 1 (efficient), above 1 (solver noise) too.
EFFICIENT_TOLERANCE = 1e-9
#: Intensity weights (on mean-scaled data) above this define the peer (reference) set.
PEER_TOLERANCE = 1e-6
#: Slacks (on mean-scaled data) below this are reported as 0.
SLACK_TOLERANCE = 1e-7


def _frame(data, name: str, prefix: str):
    values, rows, cols = as_float_matrix(data, name)
    if not isinstance(data, pd.DataFrame):
        cols = labels_or_default(None, values.shape[1], prefix)
        rows = None
    return values, rows, cols


def _validate(inputs, outputs):
    X, rows_x, in_names = _frame(inputs, "inputs", "x")
    Y, rows_y, out_names = _frame(outputs, "outputs", "y")
    if X.shape[0] != Y.shape[0]:
        raise ValueError(
            f"inputs and outputs must have the same number of units (rows), got "
            f"{X.shape[0]} and {Y.shape[0]}"
        )
    if rows_x is not None and rows_y is not None and list(rows_x) != list(rows_y):
        raise ValueError("inputs and outputs: the row labels (units) differ; align the indexes")
    units = rows_x if rows_x is not None else rows_y
    if units is None:
        units = labels_or_default(None, X.shape[0], "DMU")
    if len(set(units)) != len(units):
        raise ValueError("inputs: unit labels (index) must be unique")
    clash = set(in_names) & set(out_names)
    if clash:
        raise ValueError(
            f"inputs and outputs share column names {sorted(map(str, clash))}; slack columns "
            "would collide - rename them"
        )
    if np.any(X <= 0):
        i, j = np.argwhere(X <= 0)[0]
        raise ValueError(
            f"inputs: must be strictly positive, got {X[i, j]:g} at unit {units[i]!r}, "
            f"input {in_names[j]!r}"
        )
    if np.any(Y < 0):
        i, j = np.argwhere(Y < 0)[0]
        raise ValueError(
            f"outputs: must be non-negative, got {Y[i, j]:g} at unit {units[i]!r}, "
            f"output {out_names[j]!r}"
        )
    zero = ~np.any(Y > 0, axis=1)
    if zero.any():
        raise ValueError(
            f"outputs: unit {units[int(np.argmax(zero))]!r} has no positive output; every unit "
            "needs at least one"
        )
    return X, Y, list(units), list(in_names), list(out_names)


_HIGHS = {"presolve": False}  # tiny dense LPs: presolve only costs time


_BANNER_DONE = False


def _new_highs():
    """A HiGHS model. The C++ constructor of the first one in a process prints a licence banner
    to file descriptor 1 before any option can be set; it is sent to the null device (a chapter's
    output should show results, not solver banners)."""
    global _BANNER_DONE
    if _BANNER_DONE:
        return highspy.Highs()
    sys.stdout.flush()
    saved = os.dup(1)
    try:
        with open(os.devnull, "w") as null:
            os.dup2(null.fileno(), 1)
            h = highspy.Highs()
    finally:
        os.dup2(saved, 1)
        os.close(saved)
    _BANNER_DONE = True
    return h


class _Frontier:
    """The envelopment LP of one reference set, re-solved for many evaluated points.

    Input orientation: ``min theta`` s.t. ``X_ref' lam <= theta x``, ``Y_ref' lam >= y``;
    output orientation: ``max phi`` s.t. ``X_ref' lam <= x``, ``Y_ref' lam >= phi y``;
    ``sum(lam) = 1`` under VRS, ``sum(lam) <= 1`` under NIRS; ``lam >= 0``. Returns the Farrell score: ``theta`` (input) or
    ``1 / phi`` (output); ``nan`` when the LP is infeasible (possible for super-efficiency and
    cross-period distances). ``nd`` masks non-discretionary inputs: in the input orientation
    their rows read ``X_ref' lam <= x`` (Banker & Morey 1986).
    """

    def __init__(self, X_ref: np.ndarray, Y_ref: np.ndarray, rts: str, orientation: str, nd=None):
        self.X, self.Y, self.rts, self.orientation = X_ref, Y_ref, rts, orientation
        self.n, self.m = X_ref.shape
        self.s = Y_ref.shape[1]
        self.nd = np.zeros(self.m, dtype=bool) if nd is None else np.asarray(nd, dtype=bool)
        self._h = self._build()

    # -- HiGHS model, built once ----------------------------------------------------------------
    def _matrix(self, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        n, m, s = self.n, self.m, self.s
        A = np.zeros((m + s + (self.rts in ("vrs", "nirs")), n + 1))
        A[:m, 1:] = self.X.T
        A[m : m + s, 1:] = self.Y.T
        inf = np.inf
        if self.orientation == "input":
            A[:m, 0] = np.where(self.nd, 0.0, -x)
            lo = np.r_[np.full(m, -inf), y]
            up = np.r_[np.where(self.nd, x, 0.0), np.full(s, inf)]
        else:
            A[m : m + s, 0] = -y
            lo = np.r_[np.full(m, -inf), np.zeros(s)]
            up = np.r_[x, np.full(s, inf)]
        if self.rts in ("vrs", "nirs"):
            A[-1, 1:] = 1.0
            lo, up = np.r_[lo, 1.0 if self.rts == "vrs" else -inf], np.r_[up, 1.0]
        return A, lo, up

    def _build(self):
        h = _new_highs()
        h.setOptionValue("output_flag", False)
        h.setOptionValue("presolve", "off")
        A, lo, up = self._matrix(np.ones(self.m), np.ones(self.s))
        inf = highspy.kHighsInf
        sense = 1.0 if self.orientation == "input" else -1.0
        cost = np.r_[sense, np.zeros(self.n)]
        h.addVars(self.n + 1, np.r_[-inf, np.zeros(self.n)], np.full(self.n + 1, inf))
        h.changeColsCost(self.n + 1, np.arange(self.n + 1, dtype=np.int32), cost)
        lo = np.where(np.isinf(lo), -inf, lo)
        up = np.where(np.isinf(up), inf, up)
        for i in range(A.shape[0]):
            idx = np.flatnonzero(A[i]).astype(np.int32)
            h.addRow(lo[i], up[i], len(idx), idx, A[i, idx])
        return h

    def score(self, x: np.ndarray, y: np.ndarray) -> float:
        """Farrell score of the point (x, y): theta, or 1 / phi; nan if the LP is infeasible."""
        value, _ = self.solve(x, y)
        return value if self.orientation == "input" else 1.0 / value

    def solve(self, x: np.ndarray, y: np.ndarray) -> tuple[float, float]:
        """The LP's optimum for the point (x, y): (theta or phi, sum of lambda); nan if infeasible."""
        h, m, s = self._h, self.m, self.s
        inf = highspy.kHighsInf
        if self.orientation == "input":
            for i in range(m):
                h.changeCoeff(i, 0, 0.0 if self.nd[i] else -x[i])
            if self.nd.any():
                rows = np.flatnonzero(self.nd).astype(np.int32)
                h.changeRowsBounds(
                    len(rows), rows, np.full(len(rows), -inf), x[self.nd].astype(float)
                )
            h.changeRowsBounds(
                s, np.arange(m, m + s, dtype=np.int32), y.astype(float), np.full(s, inf)
            )
        else:
            for r in range(s):
                h.changeCoeff(m + r, 0, -y[r])
            h.changeRowsBounds(m, np.arange(m, dtype=np.int32), np.full(m, -inf), x.astype(float))
        h.run()
        if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            return float("nan"), float("nan")
        sol = np.asarray(h.getSolution().col_value)
        return float(sol[0]), float(sol[1:].sum())


def _phase2(X, Y, o, score: float, rts: str, orientation: str, nd=None):
    """Max-slack LP given the radial score; returns (lambda, s_minus, s_plus).

    Slacks of non-discretionary inputs (mask ``nd``) are left out of the objective (Banker &
    Morey 1986); the caller does not report them.
    """
    n, m = X.shape
    s = Y.shape[1]
    nd = np.zeros(m, dtype=bool) if nd is None else nd
    nv = n + m + s
    # maximise the sum of the discretionary slacks
    c = np.concatenate([np.zeros(n), np.where(nd, 0.0, -1.0), -np.ones(s)])
    A_eq = np.zeros((m + s, nv))
    A_eq[:m, :n] = X.T
    A_eq[:m, n : n + m] = np.eye(m)
    A_eq[m:, :n] = Y.T
    A_eq[m:, n + m :] = -np.eye(s)
    if rts == "vrs":
        A_eq = np.vstack([A_eq, np.concatenate([np.ones(n), np.zeros(m + s)])])
    # if HiGHS' rounding of the score makes the LP infeasible, retry with a hair of room
    for eps in (0.0, 1e-9, 1e-7):
        if orientation == "input":
            b_eq = np.concatenate([np.where(nd, X[o], score * (1 + eps) * X[o]), Y[o]])
        else:
            b_eq = np.concatenate([X[o], score * (1 - eps) * Y[o]])
        if rts == "vrs":
            b_eq = np.append(b_eq, 1.0)
        res = linprog(
            c, A_eq=A_eq, b_eq=b_eq, bounds=[(0, None)] * nv, method="highs", options=_HIGHS
        )
        if res.status == 0:
            break
    else:  # pragma: no cover - never seen; the caller then leaves slacks at 0
        return None
    lam = res.x[:n]
    s_minus = res.x[n : n + m]
    s_plus = res.x[n + m :]
    return lam, s_minus, s_plus


def dea(
    inputs: pd.DataFrame,
    outputs: pd.DataFrame,
    model: Literal["ccr", "bcc"] = "ccr",
    orientation: Literal["input", "output"] = "input",
    nondiscretionary: Sequence[str] | None = None,
) -> pd.DataFrame:
    r"""Data envelopment analysis scores, slacks, peers and returns to scale for every unit.

    For unit *o* with inputs :math:`x_o \in \mathbb{R}^m_{>0}` and outputs
    :math:`y_o \in \mathbb{R}^s_{\ge 0}`, and the data of all *n* units :math:`X, Y`:

    **Phase 1 (radial score).** Input orientation (Charnes, Cooper & Rhodes 1978):

    .. math:: \theta^* = \min \theta \ \text{s.t.}\ X\lambda \le \theta x_o,\ Y\lambda \ge y_o,
              \ \lambda \ge 0

    output orientation: :math:`\varphi^* = \max \varphi` s.t. :math:`X\lambda \le x_o,\
    Y\lambda \ge \varphi y_o`. The BCC model (Banker, Charnes & Cooper 1984, variable returns
    to scale) adds :math:`\mathbf{1}^\top\lambda = 1`.

    **Phase 2 (max slacks).** With the radial score fixed, maximise
    :math:`\mathbf{1}^\top s^- + \mathbf{1}^\top s^+` s.t. :math:`X\lambda + s^- = \theta^* x_o`,
    :math:`Y\lambda - s^+ = y_o` (output orientation: :math:`X\lambda + s^- = x_o`,
    :math:`Y\lambda - s^+ = \varphi^* y_o`). A unit is Pareto-Koopmans (strongly) efficient
    iff its score is 1 and all slacks are 0.

    **Non-discretionary inputs** (Banker & Morey 1986): an input the unit cannot vary (an
    exogenously fixed condition such as the size of the task it inherited) is kept out of the
    radial contraction. In the input orientation its constraint becomes
    :math:`\sum_j \lambda_j x_{ij} \le x_{io}` (not :math:`\theta x_{io}`): the unit is compared
    only with combinations of peers that had no more of it, and its slack is left out of the
    phase-2 objective and not reported. In the output orientation inputs are never scaled, so the
    option changes nothing. The two-phase method is used instead of a single
    LP with a non-Archimedean :math:`\varepsilon`, which is numerically fragile. The slacks are
    summed on mean-scaled data (each column divided by its mean) for numerical conditioning; DEA
    scores are units-invariant, and the slacks are reported in the original units. When
    several max-slack solutions exist, which one is reported depends on that scaling; which
    slacks are non-zero does not.

    Parameters
    ----------
    inputs, outputs : DataFrame
        Units x inputs (strictly positive) and units x outputs (non-negative, at least one
        positive output per unit), same index. Arrays are accepted (units ``DMU1..``, inputs
        ``x1..``, outputs ``y1..``).
    model : {"ccr", "bcc"}, default "ccr"
        Which model's score goes into ``efficiency``, and which model the slacks and peers
        belong to. Both are always computed.
    orientation : {"input", "output"}, default "input"
        Input-oriented scores are :math:`\theta^*`; output-oriented scores are reported as
        :math:`1/\varphi^*` so that in both cases 1 means efficient and scores lie in (0, 1]
        (for CCR the two orientations give the same score).
    nondiscretionary : sequence of str, optional
        Names of input columns that are non-discretionary (see above); at least one input must
        stay discretionary.

    Returns
    -------
    DataFrame
        Index = units. Columns: ``efficiency`` (chosen model), ``crste`` (CCR, constant returns),
        ``vrste`` (BCC, variable returns), ``scale`` (= crste / vrste), ``returns_to_scale``
        (``"constant"``, ``"increasing"`` or ``"decreasing"``: constant when CCR = BCC, else
        decreasing when the non-increasing-returns score equals BCC, else increasing; Fare,
        Grosskopf & Lovell 1994), ``slack_<input>`` and ``slack_<output>`` (phase-2 slacks in
        original units), ``peers`` (comma-separated labels of units with
        :math:`\lambda_j > 10^{-6}`). The non-zero intensity weights are in ``result.attrs["lambdas"]`` as
        ``{unit: {peer: lambda}}``.

    References
    ----------
    Charnes, A., Cooper, W. W. & Rhodes, E. (1978). Measuring the efficiency of decision making
    units. *European Journal of Operational Research*, 2(6), 429-444.
    Banker, R. D., Charnes, A. & Cooper, W. W. (1984). Some models for estimating technical and
    scale inefficiencies in data envelopment analysis. *Management Science*, 30(9), 1078-1092.
    Cooper, W. W., Seiford, L. M. & Tone, K. (2007). *Data Envelopment Analysis*, 2nd ed.,
    Springer, ch. 3-5. Fare, R., Grosskopf, S. & Lovell, C. A. K. (1994). *Production
    Frontiers*. Cambridge University Press.
    Banker, R. D. & Morey, R. C. (1986). Efficiency analysis for exogenously fixed inputs and
    outputs. *Operations Research*, 34(4), 513-521. https://doi.org/10.1287/opre.34.4.513

    Examples
    --------
    >>> x = pd.DataFrame({"funds": [2.0, 4.0], "stock": [2.0, 3.0]}, index=["A", "B"])
    >>> y = pd.DataFrame({"result": [1.0, 1.0]}, index=["A", "B"])
    >>> dea(x, y)["efficiency"].round(3).tolist()  # B: both inputs shrink radially
    [1.0, 0.667]
    >>> dea(x, y, nondiscretionary=["stock"])["efficiency"].round(3).tolist()  # stock fixed
    [1.0, 0.5]
    """
    if model not in ("ccr", "bcc"):
        raise ValueError(f"model: must be 'ccr' or 'bcc', got {model!r}")
    if orientation not in ("input", "output"):
        raise ValueError(f"orientation: must be 'input' or 'output', got {orientation!r}")
    X, Y, units, in_names, out_names = _validate(inputs, outputs)
    nd = _nd_mask(nondiscretionary, in_names)
    x_scale, y_scale = X.mean(axis=0), Y.mean(axis=0)
    y_scale = np.where(y_scale > 0, y_scale, 1.0)
    Xs, Ys = X / x_scale, Y / y_scale
    n, m = X.shape
    s = Y.shape[1]
    chosen = "crs" if model == "ccr" else "vrs"

    def to_eff(raw: float) -> float:
        eff = raw if orientation == "input" else 1.0 / raw
        # an LP optimum within the solver's tolerance of 1 is efficient: exactly 1, so that ties
        # among efficient units stay ties (ranks, counts) whatever the solver's last digits
        return 1.0 if eff >= 1.0 - EFFICIENT_TOLERANCE else eff

    crs = np.empty(n)
    vrs = np.empty(n)
    rts = np.empty(n, dtype=object)
    slack_in = np.zeros((n, m))
    slack_out = np.zeros((n, s))
    lambdas = np.zeros((n, n))
    frontier = {r: _Frontier(Xs, Ys, r, orientation, nd) for r in ("crs", "vrs", "nirs")}
    for o in range(n):
        raw_crs, lam_sum = frontier["crs"].solve(Xs[o], Ys[o])
        raw = {"crs": raw_crs, "vrs": frontier["vrs"].solve(Xs[o], Ys[o])[0]}
        crs[o], vrs[o] = to_eff(raw["crs"]), to_eff(raw["vrs"])
        if abs(crs[o] - vrs[o]) <= RTS_TOLERANCE:
            rts[o] = "constant"
        elif lam_sum <= 1 + 1e-9:
            # this CCR optimum is feasible for NIRS, so NIRS = CRS != VRS: increasing returns
            rts[o] = "increasing"
        else:
            nirs = to_eff(frontier["nirs"].solve(Xs[o], Ys[o])[0])
            rts[o] = "decreasing" if abs(nirs - vrs[o]) <= RTS_TOLERANCE else "increasing"
        sol = _phase2(Xs, Ys, o, raw[chosen], chosen, orientation, nd)
        if sol is None:  # pragma: no cover
            continue
        lam, s_minus, s_plus = sol
        lambdas[o] = np.where(lam > PEER_TOLERANCE, lam, 0.0)
        slack_in[o] = np.where(s_minus > SLACK_TOLERANCE, s_minus, 0.0) * x_scale
        slack_out[o] = np.where(s_plus > SLACK_TOLERANCE, s_plus, 0.0) * y_scale
    eff = crs if model == "ccr" else vrs
    out = pd.DataFrame(
        {
            "efficiency": eff,
            "crste": crs,
            "vrste": vrs,
            "scale": crs / vrs,
            "returns_to_scale": rts,
        },
        index=pd.Index(units),
    )
    for j, name in enumerate(in_names):
        if not nd[j]:  # a non-discretionary input has no slack to report
            out[f"slack_{name}"] = slack_in[:, j]
    for r, name in enumerate(out_names):
        out[f"slack_{name}"] = slack_out[:, r]
    out["peers"] = [", ".join(str(units[j]) for j in np.flatnonzero(row)) for row in lambdas]
    # plain dicts (not a DataFrame) so that pandas can compare attrs when concatenating
    out.attrs["lambdas"] = {
        units[o]: {units[j]: float(lambdas[o, j]) for j in np.flatnonzero(lambdas[o])}
        for o in range(n)
    }
    out.attrs["model"] = model
    out.attrs["orientation"] = orientation
    out.attrs["nondiscretionary"] = [name for name, f in zip(in_names, nd, strict=True) if f]
    return out


def _nd_mask(nondiscretionary, in_names) -> np.ndarray:
    """Boolean mask of the non-discretionary inputs, checked against the input names."""
    if nondiscretionary is None:
        return np.zeros(len(in_names), dtype=bool)
    if isinstance(nondiscretionary, str):
        nondiscretionary = [nondiscretionary]
    names = [str(c) for c in in_names]
    unknown = [c for c in nondiscretionary if str(c) not in names]
    if unknown:
        raise ValueError(f"nondiscretionary: {unknown} are not input columns (inputs: {names})")
    mask = np.array([c in {str(v) for v in nondiscretionary} for c in names])
    if mask.all():
        raise ValueError("nondiscretionary: at least one input must stay discretionary")
    return mask
