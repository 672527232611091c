"""Small input checks shared by the analysis modules.

Every check raises :class:`ValueError` with a message that says *what* is wrong and *where*
(argument name, row/column label), so that a user calling a public function learns how to fix
the input rather than meeting a NumPy traceback.
"""

from __future__ import annotations

from collections.abc import Sequence
from numbers import Real

import numpy as np
import pandas as pd

#: Accepted input types (DataFrame/Series labels are kept; other inputs get 0..n-1 labels).
MatrixLike = pd.DataFrame | np.ndarray | Sequence[Sequence[float]]
VectorLike = pd.Series | np.ndarray | Sequence[float]
Directions = Sequence[bool | int | str] | np.ndarray | None


def as_float_matrix(
    X, name: str = "X", *, allow_nan: bool = False
) -> tuple[np.ndarray, list, list]:
    """Return ``(values, row_labels, column_labels)`` for a 2-D numeric input.

    Accepts a DataFrame (labels kept) or anything ``np.asarray`` understands (labels are
    ``0..n-1``). Raises ``ValueError`` for non-2-D, empty, non-numeric or (unless allowed)
    non-finite input.
    """
    if isinstance(X, pd.DataFrame):
        rows, cols = list(X.index), list(X.columns)
        non_numeric = [c for c in X.columns if not pd.api.types.is_numeric_dtype(X[c])]
        if non_numeric:
            raise ValueError(f"{name}: columns {non_numeric} are not numeric")
        values = X.to_numpy(dtype=float)
    else:
        try:
            values = np.asarray(X, dtype=float)
        except (TypeError, ValueError) as exc:
            raise ValueError(f"{name}: could not be read as a numeric matrix ({exc})") from exc
        if values.ndim != 2:
            raise ValueError(f"{name}: expected a 2-D matrix, got {values.ndim} dimension(s)")
        rows, cols = list(range(values.shape[0])), list(range(values.shape[1]))
    if values.ndim != 2 or values.shape[0] == 0 or values.shape[1] == 0:
        raise ValueError(f"{name}: expected a non-empty 2-D matrix, got shape {values.shape}")
    if not allow_nan and not np.all(np.isfinite(values)):
        i, j = np.argwhere(~np.isfinite(values))[0]
        raise ValueError(
            f"{name}: contains NaN or infinite values (first at row {rows[i]!r}, column {cols[j]!r})"
        )
    return values, rows, cols


def as_float_vector(x, name: str = "x", *, allow_nan: bool = False) -> tuple[np.ndarray, list]:
    """Return ``(values, labels)`` for a 1-D numeric input.

    Series labels are kept (as a list); otherwise the labels are a ``RangeIndex`` (cheap at any size).
    """
    labels = list(x.index) if isinstance(x, pd.Series) else None
    try:
        values = np.asarray(x, dtype=float)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name}: could not be read as numbers ({exc})") from exc
    if values.ndim != 1:
        raise ValueError(f"{name}: expected a 1-D sequence, got {values.ndim} dimension(s)")
    if values.size == 0:
        raise ValueError(f"{name}: is empty")
    if not allow_nan and not np.all(np.isfinite(values)):
        i = int(np.argwhere(~np.isfinite(values))[0][0])
        where = labels[i] if labels is not None else i
        raise ValueError(f"{name}: contains NaN or infinite values (first at {where!r})")
    # A RangeIndex, not a list: building n Python ints costs ~0.6 s at 10 million values.
    return values, labels if labels is not None else pd.RangeIndex(values.size)


def check_benefit(benefit, n_criteria: int, name: str = "benefit") -> np.ndarray:
    """Normalise a criterion-direction argument to a boolean array (True = larger is better).

    ``None`` means every criterion is a benefit criterion. Accepts booleans, ``1``/``-1`` (as
    pymcdm's ``types``), or the strings ``"benefit"``/``"cost"``.
    """
    if benefit is None:
        return np.ones(n_criteria, dtype=bool)
    items = list(benefit) if not isinstance(benefit, (str, bytes)) else [benefit]
    if len(items) != n_criteria:
        raise ValueError(f"{name}: expected {n_criteria} directions, got {len(items)}")
    out = []
    for k, v in enumerate(items):
        if isinstance(v, str):
            if v.lower() not in {"benefit", "cost"}:
                raise ValueError(f"{name}[{k}]: {v!r} is neither 'benefit' nor 'cost'")
            out.append(v.lower() == "benefit")
        elif isinstance(v, (bool, np.bool_)):
            out.append(bool(v))
        elif v in (1, -1):
            out.append(v == 1)
        else:
            raise ValueError(f"{name}[{k}]: {v!r} is not True/False, 1/-1, 'benefit' or 'cost'")
    return np.asarray(out, dtype=bool)


def check_weights(w, n: int, name: str = "weights", *, normalise: bool = True) -> np.ndarray:
    """Check a weight vector: length ``n``, finite, non-negative, positive sum.

    With ``normalise=True`` (default) the weights are rescaled to sum to one; otherwise a sum
    different from one (beyond ``1e-6``) is an error.
    """
    values, _ = as_float_vector(w, name)
    if values.size != n:
        raise ValueError(f"{name}: expected {n} weights, got {values.size}")
    if np.any(values < 0):
        raise ValueError(f"{name}: weights must be non-negative, got {values.min():g}")
    total = values.sum()
    if total <= 0:
        raise ValueError(f"{name}: weights sum to {total:g}; they must have a positive sum")
    if normalise:
        return values / total
    if abs(total - 1) > 1e-6:
        raise ValueError(f"{name}: weights must sum to 1, got {total:.6g}")
    return values


def labels_or_default(labels: Sequence | None, n: int, prefix: str) -> list:
    """Use given labels, or ``prefix1..prefixn``."""
    if labels is None:
        return [f"{prefix}{k + 1}" for k in range(n)]
    labels = list(labels)
    if len(labels) != n:
        raise ValueError(f"expected {n} labels, got {len(labels)}")
    return labels


def check_frame(
    value, name: str, *, empty: str = "is empty (no rows or no columns)"
) -> pd.DataFrame:
    """Return ``value`` if it is a non-empty DataFrame; else ``ValueError`` naming ``name``.

    The messages read ``"<name>: expected a pandas DataFrame, got <type>"`` and
    ``"<name>: <empty>"``.
    """
    if not isinstance(value, pd.DataFrame):
        raise ValueError(f"{name}: expected a pandas DataFrame, got {type(value).__name__}")
    if value.empty:
        raise ValueError(f"{name}: {empty}")
    return value


def check_choice(value, allowed: Sequence, name: str):
    """Return ``value`` if it is one of ``allowed``; else ``ValueError`` naming the choices."""
    if isinstance(value, (list, dict, set)) or value not in allowed:
        raise ValueError(f"{name}: {value!r} is not one of {list(allowed)}")
    return value


def check_fraction(value, name: str) -> float:
    """A number strictly between 0 and 1 (a confidence level, a quantile, a test level)."""
    message = f"{name}: must be a number strictly between 0 and 1, got {value!r}"
    if isinstance(value, bool) or not isinstance(value, Real):
        raise ValueError(message)
    number = float(value)
    if not 0 < number < 1:  # also false for NaN
        raise ValueError(f"{name}: must be a number strictly between 0 and 1, got {value!r}")
    return number


def check_in_range(
    value, name: str, low: float, high: float, *, low_open: bool = False, high_open: bool = False
) -> float:
    """A finite number in the interval from ``low`` to ``high`` (ends open or closed as asked).

    The message states the interval in the usual notation, e.g. ``(0, 1]``.
    """
    interval = f"{'(' if low_open else '['}{low:g}, {high:g}{')' if high_open else ']'}"
    message = f"{name}: must be a number in {interval}, got {value!r}"
    if isinstance(value, bool) or not isinstance(value, Real):
        raise ValueError(message)
    number = float(value)
    above = number > low if low_open else number >= low
    below = number < high if high_open else number <= high
    if not (np.isfinite(number) and above and below):
        raise ValueError(message)
    return number
