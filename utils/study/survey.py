"""M County's household questionnaire: dimensions, dimension scores and codebook look-ups.

The survey chapter (chapter 3) and the scoring and attribution chapters use these functions on the
household questionnaire of M County. The questionnaire shipped with the project is SIMULATED
(``utils.study.simulate``, see ``data/README.md``); nothing computed from it is a fact about the
real county.

Everything is read from the data passed in: the dimension codes and labels from the indicator
table's criterion rows (:func:`dimension_labels`), the item lists from the codebook
(:func:`utils.study.data.likert_items`); the poverty lines are
:func:`utils.study.relative_poverty.absolute_lines`. Nothing
is read at import time. The general methods the chapter uses (Wilson intervals, frequency tables,
item non-response) are in :mod:`utils.methods.descriptive`, the psychometrics in
:mod:`utils.methods.reliability`.

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
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from utils.methods._validation import check_choice, check_frame
from utils.study import data as _data

__all__ = [
    "LIKERT_LEVELS",
    "category_order",
    "column_labels",
    "dimension_codes",
    "dimension_labels",
    "dimension_scores",
    "group_columns",
    "planted_county_scores",
    "planted_dimension_scores",
]

#: The answers of a Likert item, 1 = strongly disagree ... 5 = strongly agree.
LIKERT_LEVELS = (1, 2, 3, 4, 5)
_SCALES = ("mean", "0-100")
_SURVEY_FILE = _data.FILES["survey"]


def dimension_labels(indicators: pd.DataFrame | str | Path | None = None) -> dict[str, str]:
    """Ordered mapping ``{criterion code: English label}`` read from the indicator system.

    Parameters
    ----------
    indicators : DataFrame, path or None
        The indicator table (``indicators.csv`` of a data folder as loaded by
        :func:`utils.study.data.load_indicators`), a data folder, or ``None`` for the
        repository's ``data/`` (read when called, never at import). Rows with
        ``level == "criterion"`` give the codes (column ``id``) and labels (``label_en``) in
        file order.

    Returns
    -------
    dict
        E.g. ``{"gs": "government services", ...}`` in the order of the indicator file.

    Raises
    ------
    ValueError
        If the table lacks the columns ``level``, ``id`` or ``label_en`` or has no criterion rows.

    Examples
    --------
    >>> table = pd.DataFrame(
    ...     {
    ...         "id": ["G", "gs", "GS1", "lc"],
    ...         "level": ["goal", "criterion", "indicator", "criterion"],
    ...         "label_en": ["Performance", "government services", "Accuracy", "living conditions"],
    ...     }
    ... )
    >>> dimension_labels(table)
    {'gs': 'government services', 'lc': 'living conditions'}
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


def dimension_codes(codebook: pd.DataFrame) -> list[str]:
    """Dimension codes of the survey's Likert items, in codebook order.

    The codebook's survey rows with group ``likert`` name their dimension in the column
    ``dimension``; the codes are those values in order of first appearance.

    Raises
    ------
    ValueError
        The codebook lacks ``file``/``column``/``group``/``dimension`` or has no Likert rows.

    Examples
    --------
    >>> cb = pd.DataFrame(
    ...     {
    ...         "file": ["survey/households.csv"] * 3,
    ...         "column": ["gs1", "gs2", "lc1"],
    ...         "group": ["likert"] * 3,
    ...         "dimension": ["gs", "gs", "lc"],
    ...     }
    ... )
    >>> dimension_codes(cb)
    ['gs', 'lc']
    """
    rows = _check_codebook(codebook)
    if "dimension" not in rows.columns:
        raise ValueError("codebook: missing column 'dimension'")
    codes = rows.loc[rows["group"] == "likert", "dimension"].dropna().astype(str)
    if codes.empty:
        raise ValueError("codebook: no survey column has group 'likert'")
    return list(dict.fromkeys(codes))


def _plain(label: object) -> object:
    """A NumPy scalar label as the plain Python value (messages read ``row 2``)."""
    return label.item() if isinstance(label, np.generic) else label


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
            row = _plain(v.index[np.flatnonzero(bad.to_numpy())[0]])
            raise ValueError(
                f"survey: column {c!r} ({where}), row {row!r}: value {v[row]:g} is not a Likert "
                f"answer (allowed {list(LIKERT_LEVELS)} or missing)"
            )
        out[c] = v
    return pd.DataFrame(out, index=survey.index)


def _item_lists(
    survey: pd.DataFrame, codebook: pd.DataFrame | None, dimensions: Sequence[str] | None
) -> dict[str, list[str]]:
    known = list(_data.DIMENSIONS) if codebook is None else dimension_codes(codebook)
    dims = known if dimensions is None else list(dimensions)
    if not dims:
        raise ValueError("dimensions: is empty; give at least one dimension code")
    unknown = [d for d in dims if d not in known]
    if unknown:
        raise ValueError(f"dimensions: {unknown} not among {known}")
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
        from :func:`utils.study.data.load_survey`.
    codebook : DataFrame, optional
        The codebook (:func:`utils.study.data.load_codebook`): the dimensions are
        :func:`dimension_codes` and the item lists its survey rows with group ``likert`` and
        the dimension. ``None`` (default): the dimensions of :data:`utils.study.data.DIMENSIONS`
        and the survey columns named ``<dimension><number>``.
    scale : {"mean", "0-100"}
        ``"mean"`` (default): 1..5 like the answers; ``"0-100"``: linear rescale as above.
    min_items : int, optional
        Minimum number of answered items for a score; default ``ceil(k_d / 2)`` per dimension.
        Must be between 1 and the smallest ``k_d``.
    dimensions : sequence of str, optional
        Dimension codes to score, default all of them in their order.

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
    Likert (1932); Ware et al. (1993): see the module docstring.

    Examples
    --------
    Household ``b`` answered 3 of the 5 ``gs`` items (half-scale rule: scored), ``c`` only 2:

    >>> gs = pd.DataFrame(
    ...     {"gs1": [1, 5, 1], "gs2": [2, 4, None], "gs3": [3, None, None],
    ...      "gs4": [4, None, None], "gs5": [5, 3, 5]},
    ...     index=["a", "b", "c"],
    ... )
    >>> dimension_scores(gs, dimensions=["gs"])["gs"].tolist()
    [3.0, 4.0, nan]
    >>> dimension_scores(gs, scale="0-100", dimensions=["gs"])["gs"].tolist()
    [50.0, 75.0, nan]
    """
    survey = check_frame(survey, "survey")
    check_choice(scale, _SCALES, "scale")
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


# ----------------------------------------------------------------------------------------------
# codebook look-ups
# ----------------------------------------------------------------------------------------------
def _check_codebook(codebook) -> pd.DataFrame:
    """The codebook's rows of the survey file (after checking the columns every look-up needs)."""
    if not isinstance(codebook, pd.DataFrame):
        raise ValueError(f"codebook: expected a pandas DataFrame, got {type(codebook).__name__}")
    missing = [c for c in ("file", "column", "group") if c not in codebook.columns]
    if missing:
        raise ValueError(f"codebook: missing column(s) {missing}; expected data/codebook.csv")
    return codebook[codebook["file"] == _SURVEY_FILE]


def group_columns(codebook: pd.DataFrame, group: str) -> list[str]:
    """Survey columns whose codebook ``group`` is ``group`` (file order).

    E.g. ``group_columns(cb, "two_three")`` gives the "two no-worries, three guarantees" items,
    ``"quiz"`` the policy-knowledge quiz, ``"income"`` the yearly incomes.

    Raises
    ------
    ValueError
        If the codebook lacks ``file``/``column``/``group`` or no survey column has the group.

    Examples
    --------
    >>> cb = pd.DataFrame(
    ...     {"file": ["survey/households.csv"] * 3, "column": ["quiz1", "age", "quiz2"],
    ...      "group": ["quiz", "demographics", "quiz"]}
    ... )
    >>> group_columns(cb, "quiz")
    ['quiz1', 'quiz2']
    """
    rows = _check_codebook(codebook)
    cols = list(rows.loc[rows["group"] == group, "column"])
    if not cols:
        raise ValueError(f"group: no survey column has codebook group {group!r}")
    return cols


def column_labels(codebook: pd.DataFrame, columns: Sequence[str] | None = None) -> dict[str, str]:
    """``{column: English label}`` for survey columns from the codebook's ``label_en``.

    With ``columns`` given, only those (each must be in the codebook); else every survey column.

    Raises
    ------
    ValueError
        No ``label_en`` column; a requested column is not a survey column of the codebook.

    Examples
    --------
    >>> cb = pd.DataFrame(
    ...     {"file": ["survey/households.csv"] * 2, "column": ["sex", "age"],
    ...      "group": ["demographics"] * 2, "label_en": ["Respondent's sex", "Respondent's age"]}
    ... )
    >>> column_labels(cb, ["age"])
    {'age': "Respondent's age"}
    """
    rows = _check_codebook(codebook)
    if "label_en" not in rows.columns:
        raise ValueError("codebook: missing column 'label_en'")
    labels = dict(zip(rows["column"], rows["label_en"], strict=True))
    if columns is None:
        return labels
    unknown = [c for c in columns if c not in labels]
    if unknown:
        raise ValueError(f"columns: {unknown} are not survey columns of the codebook")
    return {c: labels[c] for c in columns}


def category_order(codebook: pd.DataFrame, column: str) -> list[str]:
    """Allowed values of a categorical survey column in codebook order (e.g. education levels).

    The codebook lists ``allowed`` values lowest first for ordered categories (education:
    none < primary < ... < tertiary), so this order is used for tables and figures.

    Raises
    ------
    ValueError
        ``column`` not a survey column of the codebook, or without a list of allowed values.

    Examples
    --------
    >>> cb = pd.DataFrame(
    ...     {"file": ["survey/households.csv"], "column": ["education"],
    ...      "group": ["demographics"], "allowed": ["none|primary|junior_secondary"]}
    ... )
    >>> category_order(cb, "education")
    ['none', 'primary', 'junior_secondary']
    """
    rows = _check_codebook(codebook)
    row = rows[rows["column"] == column]
    if row.empty:
        raise ValueError(f"column: {column!r} is not a survey column of the codebook")
    allowed = str(row["allowed"].iloc[0]) if "allowed" in row.columns else ""
    if not allowed or allowed.startswith("regex:"):
        raise ValueError(f"column: {column!r} has no list of allowed values in the codebook")
    return allowed.split("|")


def planted_dimension_scores(truth: Mapping) -> pd.DataFrame:
    """The dimension scores the simulation planted, on the book's 0-100 scale.

    The simulator (``utils.study.simulate``) draws each Likert answer by cutting a latent
    response ``y* = mu_d + lambda s + sqrt(1 - lambda^2) e`` at the thresholds
    ``t_1 < ... < t_4`` (``truth["survey"]["item_thresholds"]``), with ``s`` standardised in
    the sample and ``e ~ N(0, 1)``, so ``y* ~ N(mu_d, 1)`` over the sample and the expected
    answer is ``E[a] = 1 + sum_k Phi(mu_d - t_k)``. On the 0-100 scale (an answer ``a`` maps to
    ``25 (a - 1)``) the planted dimension score is

    ``planted_d = 25 * sum_k Phi(mu_d - t_k)``.

    It refers to the sample's composition (the latent scores are standardised over the sampled
    households); a design-weighted population mean can differ from it by the composition effect
    of the oversampled registered-poor households (a fraction of a point on the thesis data).

    Parameters
    ----------
    truth : mapping
        The parsed ``truth.json`` (``utils.study.data.load_truth``); needs ``dimensions`` (a list
        of records with ``id``, ``latent_mean``, ``weak`` and optionally ``label``) and
        ``survey.item_thresholds``.

    Returns
    -------
    pandas.DataFrame
        Indexed by dimension id: ``label, latent_mean, planted_score, weak``.

    Examples
    --------
    >>> truth = {"survey": {"item_thresholds": [-1.6, -0.7, 0.2, 1.1]},
    ...          "dimensions": [{"id": "gs", "latent_mean": -0.35, "weak": True},
    ...                         {"id": "lc", "latent_mean": 0.45, "weak": False}]}
    >>> planted_dimension_scores(truth)["planted_score"].round(2).tolist()
    [47.41, 67.8]
    """
    from scipy.stats import norm

    if not isinstance(truth, Mapping):
        raise ValueError("truth: expected the parsed truth.json (a dict)")
    try:
        thresholds = np.asarray(truth["survey"]["item_thresholds"], dtype=float)
        records = list(truth["dimensions"])
    except (KeyError, TypeError) as exc:
        raise ValueError(
            f"truth: needs 'dimensions' and 'survey.item_thresholds' (missing {exc})"
        ) from exc
    if thresholds.ndim != 1 or thresholds.size < 1 or np.any(np.diff(thresholds) <= 0):
        raise ValueError("truth: survey.item_thresholds must be increasing numbers")
    rows = {}
    for i, rec in enumerate(records):
        if "id" not in rec or "latent_mean" not in rec:
            raise ValueError(f"truth: dimensions[{i}] needs 'id' and 'latent_mean'")
        mu = float(rec["latent_mean"])
        if not np.isfinite(mu):
            raise ValueError(f"truth: dimensions[{i}] latent_mean is not finite")
        expected = float(norm.cdf(mu - thresholds).sum())  # E[a] - 1
        rows[str(rec["id"])] = {
            "label": rec.get("label", str(rec["id"])),
            "latent_mean": mu,
            "planted_score": 100.0 * expected / thresholds.size,
            "weak": bool(rec.get("weak", False)),
        }
    out = pd.DataFrame.from_dict(rows, orient="index")
    out.index.name = "dimension"
    return out


#: Fixed standardisation of age and of the education level (0 = none .. 4 = tertiary) in the
#: simulator's data model (``utils.study.simulate._people``; checked by tests/test_survey.py).
AGE_CENTRE, AGE_SCALE = 56.0, 12.0
EDU_CENTRE, EDU_SCALE = 1.5, 1.0


def planted_county_scores(
    truth: Mapping,
    survey: pd.DataFrame,
    codebook: pd.DataFrame,
    *,
    weight: str = "design_weight",
) -> pd.DataFrame:
    """Planted dimension scores of the sample and of the county, on the book's 0-100 scale.

    :func:`planted_dimension_scores` gives ``25 sum_k Phi(mu_d - t_k)``, the expected score of
    the **sampled** households taken together (the simulator standardises the latent scores
    ``s_hd`` within the sample, unweighted). A design-weighted estimate targets the **county's**
    households instead, where registered-poor households (oversampled) weigh less. This function
    puts the planted value on the same footing as the estimate. The data model is
    ``s_hd = (f_hd + u_td + u_vd + v_hd - m_d) / S_d`` with the systematic part
    ``f_hd = T_t' a_d + X_h' b_d + gamma c_t,k(d) [cause active]`` (all coefficients, township
    characteristics and cause levels are in ``truth.json``), ``X_h`` = (education z, registered,
    age z) read from the survey, random effects of variance ``tau^2 + nu^2`` and ``v ~ N(0, 1)``.
    With ``S_d^2 = var(f_d) + 1 + tau^2 + nu^2`` (over the sample), the conditional mean and
    residual variance of ``s_hd`` are ``m_hd = (f_hd - mean f_d) / S_d`` and
    ``r_d = (1 + tau^2 + nu^2) / S_d^2``, so for item ``i`` with loading ``lambda``

    ``E[25 (a - 1) | f_hd] = 25 sum_k Phi((mu_d + lambda m_hd - t_k) / sqrt(lambda^2 r_d + 1 -
    lambda^2))``.

    Averaged over the items and the households, unweighted this is the sample's planted score
    (it reproduces :func:`planted_dimension_scores` up to the normal approximation of the
    sample's ``s``); weighted by ``weight`` it is the **planted county score**, the value a
    design-weighted estimate targets.

    Parameters
    ----------
    truth : mapping
        Parsed ``truth.json``: ``dimensions`` (``id``, ``latent_mean``, ``weak``), ``townships``
        (``remoteness``, ``funding``, ``cadre_capacity``), ``causes`` (``dimension``, ``active``,
        ``effect_on_latent_score``, ``township_level``) and ``survey`` (``item_thresholds``,
        ``loadings``, ``random_effects_sd``, ``township_effects_on_dimensions``,
        ``household_effects_on_dimensions``).
    survey : DataFrame
        The household file: ``township``, ``education``, ``age``, ``registered_poor`` and
        ``weight``.
    codebook : DataFrame
        Gives the order of the education categories (lowest first).
    weight : str, default "design_weight"

    Returns
    -------
    pandas.DataFrame
        Indexed by dimension id: ``label, weak, planted_sample, planted_county``.

    Raises
    ------
    ValueError
        Missing truth keys or survey columns, a township or education value the truth file or
        codebook does not know, or non-positive weights.

    Examples
    --------
    With no systematic effects every household has the same expectation, so the county and
    sample values equal the closed form of :func:`planted_dimension_scores`:

    >>> truth = {"dimensions": [{"id": "gs", "latent_mean": 0.0, "weak": False}],
    ...          "townships": {"T01": {"remoteness": 0.0, "funding": 0.0, "cadre_capacity": 0.0}},
    ...          "causes": {},
    ...          "survey": {"item_thresholds": [-1.6, -0.7, 0.2, 1.1], "loadings": {"gs1": 0.7},
    ...                     "random_effects_sd": {"township": 0.1, "village": 0.1},
    ...                     "township_effects_on_dimensions": {"gs": {"remoteness": 0.0}},
    ...                     "household_effects_on_dimensions": {"gs": {"registered_poor": 0.0}}}}
    >>> hh = pd.DataFrame({"township": ["T01", "T01"], "education": ["none", "primary"],
    ...                    "age": [50, 70], "registered_poor": [0, 1], "design_weight": [1.0, 9.0]})
    >>> cb = pd.DataFrame({"file": ["survey/households.csv"], "column": ["education"],
    ...                    "group": ["demographics"], "allowed": ["none|primary"]})
    >>> out = planted_county_scores(truth, hh, cb)
    >>> out[["planted_sample", "planted_county"]].round(2).loc["gs"].tolist()
    [56.49, 56.49]
    """
    from scipy.stats import norm

    if not isinstance(truth, Mapping):
        raise ValueError("truth: expected the parsed truth.json (a dict)")
    try:
        sv = truth["survey"]
        thresholds = np.asarray(sv["item_thresholds"], dtype=float)
        loadings = dict(sv["loadings"])
        re_sd = sv["random_effects_sd"]
        resid = 1.0 + float(re_sd["township"]) ** 2 + float(re_sd["village"]) ** 2
        town_fx, house_fx = (
            sv["township_effects_on_dimensions"],
            sv["household_effects_on_dimensions"],
        )
        townships = pd.DataFrame(truth["townships"]).T
        causes = dict(truth.get("causes", {}))
        records = list(truth["dimensions"])
    except (KeyError, TypeError) as exc:
        raise ValueError(f"truth: planted county scores need key {exc}") from exc
    if thresholds.ndim != 1 or thresholds.size < 1 or np.any(np.diff(thresholds) <= 0):
        raise ValueError("truth: survey.item_thresholds must be increasing numbers")
    need = ["township", "education", "age", "registered_poor", weight]
    missing = [c for c in need if c not in survey.columns]
    if missing:
        raise ValueError(f"survey: missing column(s) {missing}")
    w = pd.to_numeric(survey[weight], errors="coerce").to_numpy(dtype=float)
    if not np.all(np.isfinite(w) & (w > 0)):
        raise ValueError(f"survey: column {weight!r} must hold positive weights")
    unknown = sorted(set(survey["township"].astype(str)) - set(townships.index))
    if unknown:
        raise ValueError(f"survey: column 'township' has values not in truth.json {unknown}")
    levels = category_order(codebook, "education")
    edu = survey["education"].map({c: i for i, c in enumerate(levels)})
    if edu.isna().any():
        row = int(np.flatnonzero(edu.isna().to_numpy())[0])
        raise ValueError(
            f"survey: column 'education' row {row} has {survey['education'].iloc[row]!r}, "
            f"not one of the codebook's categories {levels}"
        )
    x = {
        "education_z": (edu.astype(float) - EDU_CENTRE) / EDU_SCALE,
        "registered_poor": survey["registered_poor"].astype(float),
        "age_z": (survey["age"].astype(float) - AGE_CENTRE) / AGE_SCALE,
    }
    town = survey["township"].astype(str)
    rows = {}
    for rec in records:
        d = str(rec["id"])
        f = pd.Series(0.0, index=survey.index)
        for k, coef in town_fx.get(d, {}).items():
            f += float(coef) * town.map(townships[k].astype(float))
        for k, coef in house_fx.get(d, {}).items():
            f += float(coef) * x[k]
        for cause in causes.values():
            if cause.get("dimension") == d and cause.get("active"):
                level = town.map({str(t): float(v) for t, v in cause["township_level"].items()})
                f += float(cause["effect_on_latent_score"]) * level.fillna(0.0)
        f_arr = f.to_numpy(dtype=float)
        scale = np.sqrt(f_arr.var() + resid)
        m = (f_arr - f_arr.mean()) / scale
        r = resid / scale**2
        lams = [float(v) for k, v in loadings.items() if k[: len(d)] == d and k[len(d) :].isdigit()]
        if not lams:
            raise ValueError(f"truth: survey.loadings has no item of dimension {d!r}")
        mu = float(rec["latent_mean"])
        item_scores = [
            100.0
            / thresholds.size
            * norm.cdf((mu + lam * m[:, None] - thresholds) / np.sqrt(lam**2 * r + 1 - lam**2)).sum(
                axis=1
            )
            for lam in lams
        ]
        score = np.mean(item_scores, axis=0)
        rows[d] = {
            "label": rec.get("label", d),
            "weak": bool(rec.get("weak", False)),
            "planted_sample": float(score.mean()),
            "planted_county": float((w * score).sum() / w.sum()),
        }
    out = pd.DataFrame.from_dict(rows, orient="index")
    out.index.name = "dimension"
    return out
