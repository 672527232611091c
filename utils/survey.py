"""Household-survey analysis helpers: dimension scores, sample design, profile and rate tables.

The survey chapter (chapter 3) of the book and the scoring/attribution chapters use these
functions on the household questionnaire of M County. The questionnaire shipped with the
project is SIMULATED (``utils.simulate``, see ``data/README.md``); nothing computed from it is a
fact about the real county.

Item lists always come from the codebook (or the survey's column names) through
:func:`utils.data.likert_items`; no item list is typed here.

References
----------
Likert, R. (1932). A technique for the measurement of attitudes. *Archives of Psychology*,
22(140), 1-55 (summated/averaged rating scales).
Ware, J. E., Snow, K. K., Kosinski, M., & Gandek, B. (1993). *SF-36 Health Survey: Manual and
Interpretation Guide*. Boston: The Health Institute, New England Medical Center (the
"half-scale rule" for missing items: score a scale as the mean of the answered items when at
least half of its items are answered).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from utils import data as _data

__all__ = [
    "DIMENSIONS",
    "LIKERT_LEVELS",
    "dimension_labels",
    "dimension_scores",
]

LIKERT_LEVELS = (1, 2, 3, 4, 5)
_SCALES = ("mean", "0-100")
_FALLBACK_LABELS = {
    "gs": "government services",
    "in": "poverty-alleviation industries",
    "ss": "social security",
    "ed": "education and ideological knowledge",
    "lc": "living conditions and outcomes",
}


def dimension_labels(indicators: pd.DataFrame | str | Path | None = None) -> dict[str, str]:
    """Ordered mapping ``{criterion code: English label}`` read from the indicator system.

    Parameters
    ----------
    indicators : DataFrame, path or None
        The indicator table (``data/indicators.csv`` as loaded by
        :func:`utils.data.load_indicators`), a data directory, or ``None`` for the
        repository's ``data/``. Rows with ``level == "criterion"`` give the codes (column
        ``id``) and labels (``label_en``) in file order.

    Returns
    -------
    dict
        E.g. ``{"gs": "government services", ...}`` in the order of the indicator file.

    Raises
    ------
    ValueError
        If the table lacks the columns ``level``, ``id`` or ``label_en`` or has no criterion rows.
    """
    if not isinstance(indicators, pd.DataFrame):
        indicators = _data.load_indicators(indicators)
    missing = [c for c in ("level", "id", "label_en") if c not in indicators.columns]
    if missing:
        raise ValueError(f"indicators: missing column(s) {missing}; expected data/indicators.csv")
    rows = indicators[indicators["level"] == "criterion"]
    if rows.empty:
        raise ValueError("indicators: no rows with level 'criterion'")
    return {str(i): str(lab) for i, lab in zip(rows["id"], rows["label_en"], strict=True)}


def _default_dimensions() -> dict[str, str]:
    try:
        labels = dimension_labels()
    except (ValueError, OSError):  # pragma: no cover - repository data missing
        return dict(_FALLBACK_LABELS)
    if set(labels) != set(_data.DIMENSIONS):  # pragma: no cover - inconsistent data
        return dict(_FALLBACK_LABELS)
    return labels


#: Performance dimensions (criteria) in the indicator system's order, code -> English label,
#: read from ``data/indicators.csv`` (criterion rows). Use ``list(DIMENSIONS)`` for the codes.
DIMENSIONS: dict[str, str] = _default_dimensions()


def _check_survey(survey, name: str = "survey") -> pd.DataFrame:
    if not isinstance(survey, pd.DataFrame):
        raise ValueError(f"{name}: expected a pandas DataFrame, got {type(survey).__name__}")
    if survey.empty:
        raise ValueError(f"{name}: is empty (no rows or no columns)")
    return survey


def _likert_block(survey: pd.DataFrame, items: Sequence[str], where: str) -> pd.DataFrame:
    """Items as a float frame; check presence, numeric type and the 1..5 range."""
    absent = [c for c in items if c not in survey.columns]
    if absent:
        raise ValueError(f"survey: Likert item column(s) {absent} of {where} are missing")
    out = {}
    for c in items:
        s = survey[c]
        if not (pd.api.types.is_numeric_dtype(s) or s.isna().all()):
            raise ValueError(f"survey: column {c!r} ({where}) is not numeric (dtype {s.dtype})")
        v = s.astype("float64")
        bad = v.notna() & ~v.isin([float(x) for x in LIKERT_LEVELS])
        if bad.any():
            row = v.index[np.flatnonzero(bad.to_numpy())[0]]
            raise ValueError(
                f"survey: column {c!r} ({where}), row {row!r}: value {v[row]:g} is not a Likert "
                f"answer (allowed {list(LIKERT_LEVELS)} or missing)"
            )
        out[c] = v
    return pd.DataFrame(out, index=survey.index)


def _item_lists(
    survey: pd.DataFrame, codebook: pd.DataFrame | None, dimensions: Sequence[str] | None
) -> dict[str, list[str]]:
    dims = list(DIMENSIONS) if dimensions is None else list(dimensions)
    if not dims:
        raise ValueError("dimensions: is empty; give at least one dimension code")
    unknown = [d for d in dims if d not in _data.DIMENSIONS]
    if unknown:
        raise ValueError(f"dimensions: {unknown} not among {list(_data.DIMENSIONS)}")
    if len(set(dims)) != len(dims):
        raise ValueError(f"dimensions: duplicated codes in {dims}")
    source = survey if codebook is None else codebook
    return {d: _data.likert_items(source, d) for d in dims}


def dimension_scores(
    survey: pd.DataFrame,
    codebook: pd.DataFrame | None = None,
    scale: str = "mean",
    min_items: int | None = None,
    dimensions: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Score each household on each performance dimension as the mean of its Likert items.

    For household ``h`` and dimension ``d`` with items ``I_d`` (``k_d = |I_d|``) and answered
    items ``A_hd`` (non-missing answers ``y_hi`` in 1..5):

    ``score_hd = (1 / |A_hd|) * sum_{i in A_hd} y_hi``   if ``|A_hd| >= m_d``, else missing;

    on the ``"0-100"`` scale ``100 * (score_hd - 1) / 4`` (1 -> 0, 3 -> 50, 5 -> 100).

    Missing rule (default): the *half-scale rule* (Ware et al. 1993), ``m_d = ceil(k_d / 2)``,
    i.e. 3 of 5 items; the mean of the answered items is the person-mean imputation of the
    missing ones. Households below ``m_d`` get ``NaN`` for that dimension only.

    Parameters
    ----------
    survey : DataFrame
        One row per household with the Likert item columns (1..5, missing = NaN/<NA>), e.g.
        from :func:`utils.data.load_survey`.
    codebook : DataFrame, optional
        The codebook (:func:`utils.data.load_codebook`): item lists are its survey rows with
        group ``likert`` and the dimension. ``None`` (default): items are the survey columns
        named ``<dimension><number>`` (:func:`utils.data.likert_items`).
    scale : {"mean", "0-100"}
        ``"mean"`` (default): 1..5 like the answers; ``"0-100"``: linear rescale as above.
    min_items : int, optional
        Minimum number of answered items for a score; default ``ceil(k_d / 2)`` per dimension.
        Must be between 1 and the smallest ``k_d``.
    dimensions : sequence of str, optional
        Dimension codes to score, default all of :data:`DIMENSIONS` in their order.

    Returns
    -------
    DataFrame
        Index = the survey's index (so ``survey.join(scores)`` works); one float column per
        dimension code (column index named ``"dimension"``). ``attrs`` records ``scale``,
        ``min_items`` (dict per dimension) and ``items`` (dict per dimension).

    Raises
    ------
    ValueError
        Not a DataFrame or empty; unknown ``scale``; ``min_items`` not an integer in
        ``1..min k_d``; unknown/duplicated dimension codes; item columns missing, non-numeric or
        holding a value outside 1..5 (the message names the column and row).

    References
    ----------
    Likert, R. (1932). A technique for the measurement of attitudes. *Archives of
    Psychology*, 22(140), 1-55.
    Ware, J. E., Snow, K. K., Kosinski, M., & Gandek, B. (1993). *SF-36 Health Survey: Manual
    and Interpretation Guide*. The Health Institute, New England Medical Center.
    """
    survey = _check_survey(survey)
    if scale not in _SCALES:
        raise ValueError(f"scale: {scale!r} is not one of {list(_SCALES)}")
    items = _item_lists(survey, codebook, dimensions)
    k_min = min(len(v) for v in items.values())
    if min_items is not None:
        if isinstance(min_items, bool) or not isinstance(min_items, (int, np.integer)):
            raise ValueError(f"min_items: expected an integer, got {min_items!r}")
        if not 1 <= min_items <= k_min:
            raise ValueError(
                f"min_items: {min_items} must be between 1 and {k_min} (the smallest number of "
                "items in a dimension)"
            )
    out, needed = {}, {}
    for d, cols in items.items():
        block = _likert_block(survey, cols, f"dimension {d!r}")
        m = math.ceil(len(cols) / 2) if min_items is None else int(min_items)
        answered = block.notna().sum(axis=1)
        score = block.mean(axis=1, skipna=True).where(answered >= m)
        if scale == "0-100":
            score = 100.0 * (score - 1.0) / 4.0
        out[d], needed[d] = score.astype("float64"), m
    res = pd.DataFrame(out, index=survey.index)
    res.columns.name = "dimension"
    res.attrs.update(scale=scale, min_items=needed, items={d: list(c) for d, c in items.items()})
    return res
