"""From attribution to countermeasures: the thesis' problems, causes and countermeasures, tested.

The thesis finds four problems in M County's precision poverty alleviation, names their causes
and proposes countermeasures. That argument is **content**: it lives in
``book/content/thesis_problems.csv`` (problem, dimension, matched measure, cause with its township
proxy and expected direction, countermeasure with its monitoring column, source), read by
:func:`problem_chain` from the path the chapter passes. Chapter 5 must let the data *find* the
problems and *test* the causes rather than assert them; this module holds the study's pieces:

- :func:`model_frame` - overall satisfaction, dimension scores and the household controls of
  :data:`CONTROLS`, coded from the codebook, complete cases only;
- :func:`matched_measures` / :func:`township_proxies` - the household measure matching each
  problem's words and the standardised township proxies of the causes;
- :func:`fit_cause_model` / :func:`cause_verdict` - the multilevel model of a measure on the
  proxies and the verdict rule (supported / not supported / cannot tell), fixed in advance;
- :func:`evidence_chain` / :func:`write_findings` - the chain from problem to indicator to monitor,
  built from results, and the findings record (JSON, written atomically);
- :func:`improvement_scenario` - how the overall score and the probability of satisfaction move
  when one dimension improves (ordered-logit predictions).

The statistics come from :mod:`utils.methods.attribution` and statsmodels. The survey and panel
shipped with the project are SIMULATED (``utils.study.simulate``; see ``data/README.md``).
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
    "CAUSE_VERDICTS",
    "CHAIN_COLUMNS",
    "CONTROLS",
    "ScenarioResult",
    "cause_verdict",
    "evidence_chain",
    "fit_cause_model",
    "improvement_scenario",
    "matched_measures",
    "model_frame",
    "problem_chain",
    "township_proxies",
    "write_findings",
]

#: Household controls built by :func:`model_frame`, with their coding.
CONTROLS: dict[str, str] = {
    "registered_poor": "registered poor household (1 = yes)",
    "female": "respondent is female (1 = yes)",
    "age_10y": "respondent's age in decades (age / 10)",
    "education_level": "education level, 0 = lowest category of the codebook's order",
}


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


# =============================================================================================
# Causes tested, problems judged, countermeasures derived (issue 12, items 4, 5, 9)
# =============================================================================================
#: Columns of the problem -> cause -> countermeasure chain in ``thesis_problems.csv``.
CHAIN_COLUMNS = (
    "problem",
    "dimension",
    "measure",
    "cause",
    "cause_id",
    "proxy_column",
    "expected_sign",
    "countermeasure",
    "countermeasure_id",
    "monitor_column",
)

#: The three verdicts a tested cause can get (see :func:`cause_verdict`).
CAUSE_VERDICTS = ("supported", "not supported", "cannot tell")

#: Dibao coverage is a coverage *of need*: these registered-poverty causes count as need.
DIBAO_NEED_CAUSES = ("illness", "disability", "lack_of_labour")


def problem_chain(path: str | PathLike) -> pd.DataFrame:
    """The thesis' problem -> cause -> countermeasure chain, with the book's matched columns.

    Read from ``book/content/thesis_problems.csv``: per problem, its dimension, the matched
    measure (words), the cause and its id, the township proxy column of the cause with its
    expected sign (+1: a higher proxy should go with a better measure), the countermeasure
    and its id, and the panel column that monitors the countermeasure. The texts are content;
    which of them the chapter shows, and with which verdict, is computed.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "chain.csv"
    >>> _ = p.write_text(",".join(CHAIN_COLUMNS) + ",source\\n"
    ...                  "weak services,gs,ratings,weak role,gov_role,visits,1,cooperate,"
    ...                  "social_organisations,partners,thesis\\n")
    >>> row = problem_chain(p).loc["gs"]
    >>> row["cause_id"], int(row["expected_sign"])
    ('gov_role', 1)
    """
    df = content_table(path, CHAIN_COLUMNS)
    bad = df.index[~df["expected_sign"].astype(str).isin(["1", "-1"])].tolist()
    if bad:
        raise ValueError(f"{path}: row(s) {bad}: column expected_sign must be 1 or -1")
    df["expected_sign"] = df["expected_sign"].astype(int)
    if df["dimension"].duplicated().any():
        raise ValueError(f"{path}: column dimension: a dimension is listed twice")
    return df.set_index("dimension")


def matched_measures(survey: pd.DataFrame, service_items: Sequence[str]) -> pd.DataFrame:
    """Per household, the measure that matches each thesis problem's words (codebook groups).

    - ``gs``: mean of the service ratings ``service_items`` (answered items; the survey items of
      the indicator system's government-services dimension);
    - ``in``: log income gain from the industry project, participants only
      (``ind_participates == 1``), ``log(ind_income_gain_yuan)``; empty otherwise;
    - ``ss``: coverage rate of the schemes that apply to the household: medical insurance
      (all), pension (``has_elderly``), dibao (need: no labour, or a registered household whose
      cause is in :data:`DIBAO_NEED_CAUSES`), serious-illness aid (``serious_illness``);
    - ``ed``: mean of the standardised policy-quiz share (``quiz1..quiz5``) and the
      standardised aspiration score (``asp1..asp3``, ``asp4`` reversed: ``6 - asp4``), whose
      raw values are the columns ``quiz`` (share of right answers, 0-1) and ``aspiration``
      (mean answer, 1-5).

    Examples
    --------
    >>> s = pd.DataFrame({**{f"gs{i}": [4, 2] for i in range(1, 6)},
    ...     "ind_participates": [1, 0], "ind_income_gain_yuan": [np.e * 100, np.nan],
    ...     "cov_medical_insurance": [1, 1], "cov_pension": [0, np.nan], "cov_dibao": [1, 0],
    ...     "cov_serious_illness_aid": [np.nan, np.nan], "labour_force": [0, 2],
    ...     "registered_poor": [1, 0], "poverty_cause": ["illness", np.nan],
    ...     **{f"quiz{i}": [1, 0] for i in range(1, 6)}, "asp1": [4, 2], "asp2": [4, 2],
    ...     "asp3": [4, 2], "asp4": [2, 4]})
    >>> matched_measures(s, service_items=["gs1", "gs2", "gs3"]).round(3)
        gs     in     ss     ed  quiz  aspiration
    0  4.0  5.605  0.667  0.707   1.0         4.0
    1  2.0    NaN  1.000 -0.707   0.0         2.0
    """
    if isinstance(service_items, str) or not list(service_items):
        raise ValueError(
            f"service_items: expected a non-empty list of columns, got {service_items!r}"
        )
    need_cols = ["labour_force", "registered_poor", "poverty_cause", "ind_participates"]
    missing = [c for c in [*need_cols, *service_items] if c not in survey.columns]
    if missing:
        raise ValueError(f"survey: missing column(s) {missing} for the matched measures")
    out = pd.DataFrame(index=survey.index)
    out["gs"] = survey[list(service_items)].astype(float).mean(axis=1)
    gain = survey["ind_income_gain_yuan"].astype(float)
    out["in"] = np.log(gain.where((survey["ind_participates"] == 1) & (gain > 0)))
    need = (survey["labour_force"] == 0) | (
        (survey["registered_poor"] == 1)
        & survey["poverty_cause"].astype("string").isin(DIBAO_NEED_CAUSES).fillna(False)
    )
    cov = pd.DataFrame(
        {
            "medical": survey["cov_medical_insurance"],
            "pension": survey["cov_pension"],
            "dibao": survey["cov_dibao"].where(need),
            "illness": survey["cov_serious_illness_aid"],
        }
    ).astype(float)
    out["ss"] = cov.mean(axis=1)

    def z(s: pd.Series) -> pd.Series:
        return (s - s.mean()) / s.std()

    quiz = survey[[f"quiz{i}" for i in range(1, 6)]].astype(float).mean(axis=1)
    asp = survey[["asp1", "asp2", "asp3"]].astype(float).join(6 - survey[["asp4"]].astype(float))
    aspiration = asp.mean(axis=1)
    out["ed"] = pd.concat([z(quiz), z(aspiration)], axis=1).mean(axis=1)
    out["quiz"], out["aspiration"] = quiz, aspiration
    return out


def township_proxies(panel: pd.DataFrame, columns: Sequence[str]) -> pd.DataFrame:
    """Township means over the panel years of the cause proxies and controls, standardised.

    Each column is averaged over the years (the proxies are noisy yearly readings of a
    township's level) and standardised across townships (mean 0, SD 1), so that a model
    coefficient is "per township SD of the proxy".

    Examples
    --------
    >>> p = pd.DataFrame({"township": ["A", "A", "B", "B"], "x": [1.0, 3.0, 5.0, 7.0]})
    >>> township_proxies(p, ["x"])["x"].round(3).tolist()
    [-0.707, 0.707]
    """
    missing = [c for c in ("township", *columns) if c not in panel.columns]
    if missing:
        raise ValueError(f"panel: missing column(s) {missing}")
    means = panel.groupby("township")[list(columns)].mean()
    sd = means.std()
    flat = sd.index[~(sd > 0)].tolist()
    if flat:
        raise ValueError(f"panel: column(s) {flat} do not vary across townships")
    return (means - means.mean()) / sd


def cause_verdict(ci_low: float, ci_high: float, smallest_effect: float) -> tuple[str, str]:
    """The verdict on a cause from its signed standardised effect's interval (rule fixed ahead).

    The effect is signed so that positive is the direction the thesis' cause predicts; the
    interval should be simultaneous over the causes tested together (e.g. Bonferroni). The
    three outcomes are exclusive, checked in this order:

    - **not supported**: the whole interval lies below ``smallest_effect`` (``ci_high <
      smallest_effect``): every effect it holds is in the other direction or too small to
      matter, even when it excludes 0;
    - **supported**: otherwise, when the interval lies above 0 (``ci_low > 0``): an association
      in the thesis' direction that may be as large as the smallest effect of interest;
    - **cannot tell**: otherwise (the interval holds 0 and effects of ``smallest_effect`` or
      more): the data are too few to decide.

    So an interval between 0 and ``smallest_effect`` is "not supported" (too small), never both.

    Examples
    --------
    >>> cause_verdict(0.1, 0.6, 0.1)[0], cause_verdict(-0.05, 0.08, 0.1)[0]
    ('supported', 'not supported')
    >>> cause_verdict(-0.4, -0.1, 0.1)[0], cause_verdict(-0.2, 0.4, 0.1)[0]
    ('not supported', 'cannot tell')
    >>> cause_verdict(0.02, 0.08, 0.1)[0]  # above 0 but too small to matter
    'not supported'
    """
    lo, hi, small = float(ci_low), float(ci_high), float(smallest_effect)
    if not (np.isfinite(lo) and np.isfinite(hi)) or lo > hi:
        raise ValueError(f"ci_low, ci_high: need finite ci_low <= ci_high, got {lo}, {hi}")
    if small < 0:
        raise ValueError(f"smallest_effect: must be >= 0, got {small}")
    if hi < 0:
        return "not supported", "interval below 0: the other direction"
    if hi < small:
        return "not supported", "interval below the smallest effect of interest"
    if lo > 0:
        return "supported", "interval above 0, in the thesis' direction"
    return "cannot tell", "interval holds 0 and effects of interest: too wide to decide"


def fit_cause_model(
    frame: pd.DataFrame,
    outcome: str,
    predictors: Sequence[str],
    *,
    township: str = "township",
    village: str = "village",
):
    """Random-intercept model of a matched measure (statsmodels ``MixedLM``, REML).

    ``outcome ~ predictors`` with random intercepts for the township (groups) and for the
    village within township (a variance component; the village is the PSU). When the REML
    optimiser fails on the village component (a variance estimated at zero makes its matrix
    singular), statsmodels retries with Powell's method (``method=["lbfgs", "powell"]``), and
    then the model is fitted without the village component (its variance taken as zero; lbfgs,
    Powell, Nelder-Mead). A fit is accepted when it
    converged with finite fixed-effect standard errors. ``.fit_note`` on the result says which fit was used.

    Returns
    -------
    statsmodels MixedLMResults, with ``.fit_note`` (str) added

    Examples
    --------
    A township-level predictor with a planted slope of 0.5 (20 townships, 4 villages each):

    >>> rng = np.random.default_rng(0)
    >>> t = np.repeat(np.arange(20), 40)
    >>> x = rng.normal(size=20)[t]
    >>> df = pd.DataFrame({"township": t, "village": t * 4 + np.tile(np.repeat(np.arange(4), 10), 20),
    ...                    "x": x, "y": 0.5 * x + rng.normal(0, 0.3, 20)[t] + rng.normal(size=800)})
    >>> res = fit_cause_model(df, "y", ["x"])
    >>> round(float(res.params["x"]), 1), res.fit_note
    (0.5, 'township and village random intercepts')
    """
    import warnings

    import statsmodels.formula.api as smf

    missing = [c for c in (outcome, township, village, *predictors) if c not in frame.columns]
    if missing:
        raise ValueError(f"frame: missing column(s) {missing}")
    formula = f"{outcome} ~ " + " + ".join(predictors)
    attempts = (  # statsmodels tries the optimisers of a list in turn until one converges
        ({village: f"0 + C({village})"}, ["lbfgs", "powell"], "township and village random intercepts"),
        (None, ["lbfgs", "powell", "nm"], "township random intercept (village variance estimated at zero)"),
    )  # fmt: skip
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for vc, method, note in attempts:
            model = smf.mixedlm(formula, frame, groups=township, re_formula="1", vc_formula=vc)
            try:
                res = model.fit(reml=True, method=method)
            except (np.linalg.LinAlgError, ValueError):
                continue
            fixed_ok = (
                np.isfinite(np.asarray(res.fe_params)).all()
                and np.isfinite(np.asarray(res.bse_fe)).all()
            )
            if res.converged and fixed_ok:
                res.fit_note = note
                return res
    raise ValueError(f"{outcome}: the mixed model could not be fitted (singular)")


def evidence_chain(
    chain: pd.DataFrame,
    dimensions: pd.DataFrame,
    causes: pd.DataFrame,
    column_labels: dict[str, str] | None = None,
) -> pd.DataFrame:
    """Problem -> measure -> verdicts -> tested cause -> countermeasure -> monitor, from results.

    The problem verdict is ``dimensions["verdict"]``: in chapter 5, the absolute standard on the
    problem's matched measure and the leave-one-out comparison of its satisfaction ratings; the
    matched measure's estimates are shown beside it (``dimensions["measure_estimate"]``, text with
    simultaneous intervals). A countermeasure
    is only ever *consistent with* the evidence: its cause's proxy was tested, the countermeasure
    itself was not; when the monitoring column differs from the tested proxy the text says so.

    Parameters
    ----------
    chain : DataFrame
        :func:`problem_chain` (index dimension).
    dimensions : DataFrame
        Index dimension id; column ``verdict`` (the problem's verdict) and, optionally,
        ``measure_estimate`` (text).
    causes : DataFrame
        Index cause id; columns ``effect, ci_low, ci_high, verdict``.
    column_labels : dict, optional
        Readable labels of the proxy and monitoring columns (e.g. the codebook's ``label_en``);
        a column without a label is shown with its name.

    Returns
    -------
    pandas.DataFrame
        One row per problem; the countermeasure column says whether the evidence is consistent
        with it and whether it was tested.

    Examples
    --------
    >>> ch = pd.DataFrame({"problem": ["p"], "measure": ["m"], "cause": ["c"],
    ...     "cause_id": ["k"], "proxy_column": ["visits"], "countermeasure": ["do x"],
    ...     "countermeasure_id": ["x"], "monitor_column": ["col"]},
    ...     index=pd.Index(["gs"], name="dimension"))
    >>> dims = pd.DataFrame({"verdict": ["supported"]}, index=["gs"])
    >>> cs = pd.DataFrame({"effect": [0.01], "ci_low": [-0.2], "ci_high": [0.2],
    ...                    "verdict": ["cannot tell"]}, index=["k"])
    >>> evidence_chain(ch, dims, cs)["countermeasure"].iloc[0]
    'do x: cannot tell whether its cause acts; untested (tested proxy: visits)'
    """
    names = dict(column_labels or {})
    rows = []
    for dim, r in chain.iterrows():
        c = causes.loc[r["cause_id"]]
        cm = r["countermeasure"]
        proxy = names.get(r["proxy_column"], r["proxy_column"])
        if c["verdict"] == "supported":
            cm_text = f"{cm}: consistent with the evidence on its cause"
        elif c["verdict"] == "not supported":
            cm_text = f"{cm}: not supported, its cause is not supported by the data"
        else:
            cm_text = f"{cm}: cannot tell whether its cause acts"
        if r["monitor_column"] != r["proxy_column"]:
            cm_text += f"; untested (tested proxy: {proxy})"
        else:
            cm_text += f"; its monitoring indicator is the tested proxy ({proxy}), the countermeasure itself is untested"
        rows.append(
            {
                "dimension": dim,
                "problem": r["problem"],
                "measure in the cause model": r["measure"],
                "matched measure against its standards, estimate (simultaneous interval)": dimensions[
                    "measure_estimate"
                ].get(dim, "not estimated")
                if "measure_estimate" in dimensions
                else "not estimated",
                "problem verdict": dimensions.at[dim, "verdict"],
                "tested cause": r["cause"],
                "cause verdict": c["verdict"],
                "countermeasure": cm_text,
                "indicator to monitor": names.get(r["monitor_column"], r["monitor_column"]),
            }
        )
    return pd.DataFrame(rows).set_index("dimension")


def write_findings(path: str | PathLike, record: dict) -> None:
    """Write a findings record as JSON atomically (temporary file in the folder + rename).

    Examples
    --------
    >>> import tempfile, pathlib, json
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "sub" / "f.json"
    >>> write_findings(p, {"chapter": "x", "causes": []})
    >>> json.loads(p.read_text())["chapter"]
    'x'
    """
    import json
    import os
    import tempfile
    from pathlib import Path

    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(record, indent=1, sort_keys=False, allow_nan=False, default=float)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text + "\n")
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
