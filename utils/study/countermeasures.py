"""From attribution to countermeasures: the thesis' four problems, each tied to computed evidence.

The thesis finds four problems in M County's precision poverty alleviation, names their causes
and proposes countermeasures. That argument is **content**: it lives in
``book/content/thesis_problems.csv`` (problem, performance dimension, cause, countermeasure,
indicators to monitor, source), read by :func:`thesis_problems` from the path the chapter passes.
Chapter 5 must let the data *find* these problems rather than assert them; this module holds
the study's own pieces of that:

- :func:`model_frame` - overall satisfaction, dimension scores and the household controls of
  :data:`CONTROLS`, coded from the codebook, complete cases only;
- :func:`support_verdict` / :func:`problem_evidence` - the evidence table with a *computed*
  verdict for each problem (the rule can fail: see :data:`VERDICTS`);
- :func:`improvement_scenario` - how the overall score and the probability of satisfaction move
  when one dimension improves (ordered-logit predictions).

The statistics come from :mod:`utils.methods.attribution`. The survey shipped with the project is
SIMULATED (``utils.study.simulate``; see ``data/README.md``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from numbers import Real
from os import PathLike

import numpy as np
import pandas as pd

from utils.methods import attribution as _attr
from utils.methods._validation import as_float_vector
from utils.study.background import content_table

__all__ = [
    "CONTROLS",
    "VERDICTS",
    "ScenarioResult",
    "improvement_scenario",
    "model_frame",
    "problem_evidence",
    "support_verdict",
    "thesis_problems",
]

#: Household controls built by :func:`model_frame`, with their coding.
CONTROLS: dict[str, str] = {
    "registered_poor": "registered poor household (1 = yes)",
    "female": "respondent is female (1 = yes)",
    "age_10y": "respondent's age in decades (age / 10)",
    "education_level": "education level, 0 = lowest category of the codebook's order",
}

#: Verdict words of :func:`support_verdict`, keyed by (low performance, high importance).
VERDICTS: dict[tuple[bool, bool], str] = {
    (True, True): "supported: weak and important (concentrate here)",
    (True, False): "partly supported: weak, but of lower importance",
    (False, True): "not supported: important, performance at or above average",
    (False, False): "not supported: performance at or above average",
}


#: Verdict words of :func:`support_verdict`, keyed by (low performance, high importance).
VERDICTS: dict[tuple[bool, bool], str] = {
    (True, True): "supported: weak and important (concentrate here)",
    (True, False): "partly supported: weak, but of lower importance",
    (False, True): "not supported: important, performance at or above average",
    (False, False): "not supported: performance at or above average",
}

_PROBLEM_COLUMNS = ("problem", "dimension", "cause", "countermeasure", "monitor")


def thesis_problems(path: str | PathLike) -> pd.DataFrame:
    """The thesis' problems, causes and countermeasures, from a content CSV.

    Parameters
    ----------
    path : str or path-like
        E.g. ``"../content/thesis_problems.csv"``: columns ``problem, dimension, cause,
        countermeasure, monitor`` (indicator ids separated by spaces) and ``source``.

    Returns
    -------
    pandas.DataFrame
        Index ``problem``; ``monitor`` as a tuple of indicator ids.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "problems.csv"
    >>> _ = p.write_text("problem,dimension,cause,countermeasure,monitor,source\\n"
    ...                  "weak services,gs,weak role,cooperate,GS2 GS3,thesis\\n")
    >>> thesis_problems(p).loc["weak services", "monitor"]
    ('GS2', 'GS3')
    """
    df = content_table(path, _PROBLEM_COLUMNS)
    if df["problem"].duplicated().any():
        raise ValueError(
            f"{path}: problem {df['problem'][df['problem'].duplicated()].iloc[0]!r} is listed twice"
        )
    df["monitor"] = [tuple(str(m).split()) for m in df["monitor"]]
    return df.set_index("problem")


# ----------------------------------------------------------------------------- model frame
def _education_order(codebook: pd.DataFrame | None, observed: Sequence[str]) -> list[str]:
    if codebook is None:
        raise ValueError("codebook: needed to order the education categories, got None")
    rows = codebook[(codebook["column"] == "education")]
    if rows.empty or not isinstance(rows["allowed"].iloc[0], str):
        raise ValueError("codebook: has no 'allowed' list for the column 'education'")
    order = rows["allowed"].iloc[0].split("|")
    unknown = sorted({str(v) for v in observed} - set(order))
    if unknown:
        raise ValueError(f"survey: education values {unknown} are not in the codebook's {order}")
    return order


def model_frame(
    survey: pd.DataFrame,
    scores: pd.DataFrame,
    codebook: pd.DataFrame,
    outcome: str = "overall_satisfaction",
) -> pd.DataFrame:
    """Data for the ordered logit: outcome, dimension scores and household controls.

    Columns: ``outcome`` (integer codes), one column per dimension score (as given, e.g. the
    1-5 item means of :func:`utils.study.survey.dimension_scores`) and the controls of
    :data:`CONTROLS`: ``registered_poor`` (0/1), ``female`` (``sex == "female"``), ``age_10y``
    (``age / 10``) and ``education_level`` (position of the answer in the codebook's
    ``allowed`` order for ``education``, which lists the categories from lowest to highest).
    Rows with a missing value anywhere are dropped (complete-case analysis; their number is in
    ``.attrs["dropped"]``).

    Parameters
    ----------
    survey : DataFrame
        Household survey (:func:`utils.study.data.load_survey`).
    scores : DataFrame
        Dimension scores indexed like ``survey``.
    codebook : DataFrame
        :func:`utils.study.data.load_codebook` (for the education order).
    outcome : str
        Ordinal outcome column of ``survey``.

    Returns
    -------
    pandas.DataFrame

    Examples
    --------
    >>> survey = pd.DataFrame({"overall_satisfaction": [4, 2], "registered_poor": [1, 0],
    ...                        "sex": ["female", "male"], "age": [45, 62],
    ...                        "education": ["primary", "none"]})
    >>> cb = pd.DataFrame({"column": ["education"], "allowed": ["none|primary|tertiary"]})
    >>> model_frame(survey, pd.DataFrame({"gs": [3.0, 2.5]}), cb)
       overall_satisfaction   gs  registered_poor  female  age_10y  education_level
    0                     4  3.0              1.0     1.0      4.5              1.0
    1                     2  2.5              0.0     0.0      6.2              0.0
    """
    for arg, df in (("survey", survey), ("scores", scores)):
        if not isinstance(df, pd.DataFrame) or df.empty:
            raise ValueError(f"{arg}: expected a non-empty pandas DataFrame")
    need = [outcome, "registered_poor", "sex", "age", "education"]
    missing = [c for c in need if c not in survey.columns]
    if missing:
        raise ValueError(f"survey: missing column(s) {missing}")
    if not scores.index.equals(survey.index):
        raise ValueError("scores: index must equal the survey's index (one row per household)")
    clash = [c for c in scores.columns if c in (outcome, *CONTROLS)]
    if clash:
        raise ValueError(f"scores: columns {clash} clash with the outcome or control names")
    order = _education_order(codebook, survey["education"].dropna().unique())
    frame = pd.DataFrame(index=survey.index)
    frame[outcome] = survey[outcome].astype("Float64")
    for c in scores.columns:
        frame[c] = scores[c].astype("Float64")
    frame["registered_poor"] = survey["registered_poor"].astype("Float64")
    frame["female"] = (survey["sex"].astype("string") == "female").astype("Float64")
    frame.loc[survey["sex"].isna().to_numpy(), "female"] = pd.NA
    frame["age_10y"] = survey["age"].astype("Float64") / 10.0
    frame["education_level"] = (
        survey["education"].astype("string").map({c: i for i, c in enumerate(order)})
    ).astype("Float64")
    complete = frame.dropna()
    out = complete.astype(float)
    out[outcome] = out[outcome].astype(int)
    out.attrs["dropped"] = int(len(frame) - len(complete))
    return out


def support_verdict(
    performance: float, importance: float, performance_cut: float, importance_cut: float
) -> str:
    """Whether the data support a problem: performance below, importance at/above the cuts.

    The rule is the importance-performance quadrant (Martilla & James 1977), with "high"
    meaning ``>=`` the cut as in :func:`utils.methods.attribution.importance_performance`:

    - low performance and high importance ("concentrate here"): "supported";
    - low performance, low importance: "partly supported";
    - performance at or above the cut: "not supported".

    Returns
    -------
    str
        One of :data:`VERDICTS`.

    Examples
    --------
    >>> support_verdict(performance=52.0, importance=0.30, performance_cut=60.0, importance_cut=0.2)
    'supported: weak and important (concentrate here)'
    >>> support_verdict(70.0, 0.30, 60.0, 0.2)
    'not supported: important, performance at or above average'

    References
    ----------
    Martilla, J. A. & James, J. C. (1977). Importance-performance analysis. *Journal of
    Marketing*, 41(1), 77-79.
    """
    vals = {
        "performance": performance,
        "importance": importance,
        "performance_cut": performance_cut,
        "importance_cut": importance_cut,
    }
    for name, v in vals.items():
        if isinstance(v, bool) or not isinstance(v, Real) or not np.isfinite(v):
            raise ValueError(f"{name}: must be a finite number, got {v!r}")
    return VERDICTS[(performance < performance_cut, importance >= importance_cut)]


def problem_evidence(
    ipa: pd.DataFrame,
    problems: pd.DataFrame,
    low_share: pd.Series | None = None,
    indicators: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Problem -> evidence -> verdict -> cause -> countermeasure -> indicators to monitor.

    For each problem the evidence is its dimension's row of the importance-performance table
    (``performance``, ``importance``, ``quadrant``), the gap to the performance cut, the
    dimension's importance rank among all dimensions (1 = most important) and, if given, the
    share of low ratings; the ``verdict`` is :func:`support_verdict` at the table's cuts
    (``ipa.attrs``), so it is computed, not asserted.

    Parameters
    ----------
    ipa : DataFrame
        From :func:`utils.methods.attribution.importance_performance` (index = dimensions; columns
        ``importance``, ``performance``, ``quadrant``; cuts in ``attrs``).
    problems : DataFrame
        :func:`thesis_problems` (index ``problem``; columns ``dimension, cause,
        countermeasure, monitor``).
    low_share : Series, optional
        Share of low ratings per dimension (computed in chapter 5).
    indicators : DataFrame, optional
        ``data/indicators.csv`` (:func:`utils.study.data.load_indicators`); when given the monitored
        ids are checked against it and shown with their labels.

    Returns
    -------
    pandas.DataFrame
        Index ``problem``; columns ``dimension, performance, performance_gap, importance,
        importance_rank, low_rating_share`` (if given), ``quadrant, verdict, evidence, cause,
        countermeasure, monitor``.

    Examples
    --------
    >>> ipa = _attr.importance_performance(pd.Series({"gs": 0.3, "in": 0.1, "ss": 0.2}),
    ...                                    pd.Series({"gs": 50.0, "in": 55.0, "ss": 70.0}))
    >>> problems = pd.DataFrame({"dimension": ["gs", "in"], "cause": ["c1", "c2"],
    ...                          "countermeasure": ["m1", "m2"], "monitor": [("GS2",), ("IN1",)]},
    ...                         index=pd.Index(["weak services", "weak industry"], name="problem"))
    >>> problem_evidence(ipa, problems)["verdict"].tolist()
    ['supported: weak and important (concentrate here)', 'partly supported: weak, but of lower importance']
    """
    if not isinstance(ipa, pd.DataFrame):
        raise ValueError(f"ipa: expected a pandas DataFrame, got {type(ipa).__name__}")
    need = [c for c in ("importance", "performance", "quadrant") if c not in ipa.columns]
    if need:
        raise ValueError(
            f"ipa: missing column(s) {need}; use utils.methods.attribution.importance_performance"
        )
    cuts = [c for c in ("importance_cut", "performance_cut") if c not in ipa.attrs]
    if cuts:
        raise ValueError(
            f"ipa: attrs lack {cuts}; use utils.methods.attribution.importance_performance"
        )
    if not isinstance(problems, pd.DataFrame) or problems.empty:
        raise ValueError("problems: expected the non-empty DataFrame of thesis_problems")
    lack = [c for c in _PROBLEM_COLUMNS[1:] if c not in problems.columns]
    if lack:
        raise ValueError(f"problems: missing column(s) {lack}; use thesis_problems")
    ic, pc = float(ipa.attrs["importance_cut"]), float(ipa.attrs["performance_cut"])
    ranks = ipa["importance"].rank(ascending=False, method="min").astype(int)
    labels = None
    if indicators is not None:
        if not {"id", "label_en"} <= set(indicators.columns):
            raise ValueError("indicators: needs the columns 'id' and 'label_en'")
        labels = dict(zip(indicators["id"], indicators["label_en"], strict=True))
    rows = []
    for problem, spec in problems.iterrows():
        d = spec["dimension"]
        if d not in ipa.index:
            raise ValueError(
                f"ipa: has no row for dimension {d!r} (problem {problem!r}); "
                f"rows are {list(ipa.index)}"
            )
        perf, imp = float(ipa.at[d, "performance"]), float(ipa.at[d, "importance"])
        row = {
            "problem": problem,
            "dimension": d,
            "performance": perf,
            "performance_gap": perf - pc,
            "importance": imp,
            "importance_rank": int(ranks[d]),
        }
        evidence = (
            f"performance {perf:.1f} vs cut {pc:.1f} ({perf - pc:+.1f}); importance "
            f"{imp:.3g}, rank {int(ranks[d])} of {len(ipa)}"
        )
        if low_share is not None:
            if d not in low_share.index:
                raise ValueError(f"low_share: has no value for dimension {d!r}")
            row["low_rating_share"] = float(low_share[d])
            evidence += f"; {100 * float(low_share[d]):.0f} % low ratings"
        if labels is not None:
            unknown = [m for m in spec["monitor"] if m not in labels]
            if unknown:
                raise ValueError(
                    f"problems: monitor ids {unknown} of {problem!r} are not in indicators"
                )
            monitor = "; ".join(f"{m} {labels[m]}" for m in spec["monitor"])
        else:
            monitor = "; ".join(spec["monitor"])
        row.update(
            quadrant=str(ipa.at[d, "quadrant"]),
            verdict=support_verdict(perf, imp, pc, ic),
            evidence=evidence,
            cause=spec["cause"],
            countermeasure=spec["countermeasure"],
            monitor=monitor,
        )
        rows.append(row)
    return pd.DataFrame(rows).set_index("problem")


# ----------------------------------------------------------------------------- scenario
@dataclass(frozen=True)
class ScenarioResult:
    """Result of :func:`improvement_scenario`.

    Attributes
    ----------
    dimension : str
    delta : float
        Requested improvement on the score scale.
    mean_shift : float
        Realised mean increase of the dimension score after capping at the scale maximum.
    probabilities : pandas.DataFrame
        Mean predicted probability of each outcome category, columns ``baseline``,
        ``scenario``, ``change``.
    p_satisfied : tuple of float
        ``(baseline, scenario)`` mean probability of ``y >= satisfied_from``.
    overall_score : tuple of float
        ``(baseline, scenario)`` weighted overall score on 0-100.
    """

    dimension: str
    delta: float
    mean_shift: float
    probabilities: pd.DataFrame
    p_satisfied: tuple[float, float]
    overall_score: tuple[float, float]


def improvement_scenario(
    result: _attr.OrderedLogitResult,
    frame: pd.DataFrame,
    dimension: str,
    delta: float,
    weights: pd.Series,
    scale: tuple[float, float] = (1.0, 5.0),
    satisfied_from: int = 4,
) -> ScenarioResult:
    """Shift one dimension score for every household and predict satisfaction and the score.

    Scenario data: ``x'_hd = min(x_hd + delta, max)`` (scores cannot leave the scale), other
    columns unchanged. Probabilities are the sample means of the ordered-logit predictions
    ``P(y = j | x) = F(tau_j - x'beta) - F(tau_{j-1} - x'beta)``
    (:func:`utils.methods.attribution.predict_proba`) for the baseline and the scenario data. The
    overall score is the weighted mean of the dimension scores rescaled to 0-100,

    ``S = sum_d w_d * mean_h(100 * (x_hd - min) / (max - min))``,

    so without capping it rises by exactly ``100 * w_d * delta / (max - min)``.

    Parameters
    ----------
    result : OrderedLogitResult
        Fitted on ``frame`` (or data with the same predictors).
    frame : DataFrame
        Predictor data, e.g. :func:`model_frame`.
    dimension : str
        Dimension column to improve (a predictor of ``result`` and a key of ``weights``).
    delta : float
        Improvement on the score scale (default scale 1-5), ``>= 0``.
    weights : Series
        Dimension weights (summing to one) for the overall score; index = dimension columns.
    scale : (min, max)
    satisfied_from : int
        Lowest category counted as satisfied (default 4).

    Returns
    -------
    ScenarioResult

    Examples
    --------
    >>> from utils.methods.attribution import ordered_logit
    >>> rng = np.random.default_rng(1)
    >>> X = pd.DataFrame({"gs": rng.uniform(1, 5, 300), "in": rng.uniform(1, 5, 300)})
    >>> X["y"] = np.digitize(X["gs"] + 0.5 * X["in"] + rng.logistic(size=300), [3, 4.5]) + 1
    >>> fit = ordered_logit(X, "y", ["gs", "in"])
    >>> sc = improvement_scenario(fit, X, "gs", 0.5, pd.Series({"gs": 0.6, "in": 0.4}),
    ...                           satisfied_from=3)
    >>> round(sc.mean_shift, 2), [round(p, 2) for p in sc.p_satisfied]  # capped at 5: shift < 0.5
    (0.47, [0.51, 0.59])

    References
    ----------
    McCullagh, P. (1980). Regression models for ordinal data. *Journal of the Royal Statistical
    Society: Series B*, 42(2), 109-142.
    """
    if not isinstance(result, _attr.OrderedLogitResult):
        raise ValueError(f"result: expected an OrderedLogitResult, got {type(result).__name__}")
    if not isinstance(frame, pd.DataFrame) or frame.empty:
        raise ValueError("frame: expected a non-empty pandas DataFrame")
    if dimension not in result.predictors:
        raise ValueError(
            f"dimension: {dimension!r} is not a predictor of the model {result.predictors}"
        )
    if (
        isinstance(delta, bool)
        or not isinstance(delta, Real)
        or not np.isfinite(delta)
        or delta < 0
    ):
        raise ValueError(f"delta: must be a finite number >= 0, got {delta!r}")
    lo, hi = (float(v) for v in scale)
    if not hi > lo:
        raise ValueError(f"scale: maximum must exceed minimum, got {scale!r}")
    if not isinstance(weights, pd.Series):
        raise ValueError(f"weights: expected a pandas Series, got {type(weights).__name__}")
    w, wlab = as_float_vector(weights, "weights")
    if abs(w.sum() - 1) > 1e-6 or np.any(w < 0):
        raise ValueError(f"weights: must be non-negative and sum to 1, got sum {w.sum():.6g}")
    missing = [d for d in wlab if d not in frame.columns]
    if missing:
        raise ValueError(f"weights: dimensions {missing} are not columns of frame")
    if dimension not in wlab:
        raise ValueError(f"weights: has no weight for dimension {dimension!r}")
    cats = list(result.categories)
    if satisfied_from not in cats or satisfied_from == cats[0]:
        raise ValueError(f"satisfied_from: {satisfied_from!r} must be one of {cats[1:]}")
    vals = frame[list(wlab)].to_numpy(dtype=float)
    if np.any(vals < lo) or np.any(vals > hi):
        raise ValueError(f"frame: dimension scores must lie in the scale {scale!r}")

    scen = frame.copy()
    scen[dimension] = np.minimum(frame[dimension].to_numpy(dtype=float) + float(delta), hi)
    base_p = _attr.predict_proba(result, frame).mean(axis=0)
    scen_p = _attr.predict_proba(result, scen).mean(axis=0)
    probs = pd.DataFrame({"baseline": base_p, "scenario": scen_p})
    probs["change"] = probs["scenario"] - probs["baseline"]
    top = [c for c in cats if cats.index(c) >= cats.index(satisfied_from)]

    def overall(df: pd.DataFrame) -> float:
        rescaled = 100.0 * (df[list(wlab)].to_numpy(dtype=float) - lo) / (hi - lo)
        return float(rescaled.mean(axis=0) @ w)

    return ScenarioResult(
        dimension=dimension,
        delta=float(delta),
        mean_shift=float((scen[dimension] - frame[dimension]).mean()),
        probabilities=probs,
        p_satisfied=(float(base_p[top].sum()), float(scen_p[top].sum())),
        overall_score=(overall(frame), overall(scen)),
    )
