"""Design-based survey estimation: a design object, estimators, replicate weights, design effects.

A household survey drawn in stages (townships -> villages -> households, with strata and
unequal selection probabilities) is not a simple random sample: households of one village
resemble each other, so an interval computed as if they were independent is too narrow, and an
unweighted mean over-represents the groups that were over-sampled. This module states the
design once (:func:`survey_design`) and computes every estimate from it.

Library choice
--------------
Taylor-linearised estimates and the replicate weights are computed by ``svy`` (MIT; the
maintained successor of ``samplics``), wrapped thinly: this module converts the pandas input
to polars, calls ``svy`` and returns frozen dataclasses with ``to_frame()``. ``svy`` reproduces
the R ``survey`` package's published outputs to every printed digit on the ``api`` data (see
``tests/test_survey_design.py``), is fast (a 700-row Taylor mean in milliseconds) and has no
version conflict with ``requirements.lock``; its cost is size (it pulls ``polars`` and
``pyarrow``, about 400 MB installed).

Two pieces are computed here, on top of ``svy``'s replicate weights, because ``svy`` does not
offer them: (i) the variance of **any** statistic from replicate weights
(:func:`replicate_estimate`: fuzzy scores, gaps, Gini, regression coefficients ...), which also
serves the replicate-weight means, totals, proportions and ratios, so that there is one
implementation of the replicate variance; (ii) the finite-population correction of the
jackknife, which R ``survey`` applies (``as.svrepdesign`` with an ``fpc``) and ``svy`` 0.35
does not; (iii) R ``survey``'s bootstrap scale ``1/(R-1)`` (``svy`` 0.35 uses ``1/R``).
``svy`` is pinned to one minor version because its API still changes between releases.

References
----------
Lumley, T. (2010). *Complex Surveys: A Guide to Analysis Using R*. Wiley. (Cited as the
survey package asks: https://stat.ethz.ch/CRAN/web/packages/survey/citation.html)
Lumley, T. (2004). Analysis of complex survey samples. *Journal of Statistical Software*,
9(1), 1-19. https://www.jstatsoft.org/article/view/v009i08
Rao, J. N. K., & Wu, C. F. J. (1988). Resampling inference with complex survey data.
*Journal of the American Statistical Association*, 83(401), 231-241.
https://doi.org/10.1080/01621459.1988.10478591
Korn, E. L., & Graubard, B. I. (1998). Confidence intervals for proportions with small
expected number of positive counts estimated from survey data. *Survey Methodology*, 24(2),
193-201. (As implemented by R ``svyciprop(method="beta")``,
https://rdrr.io/pkg/survey/man/svyciprop.html)
Kish, L. (1965). *Survey Sampling*. Wiley. (Design effect, ``deff = 1 + (m - 1) rho``; listed
in https://support.sas.com/documentation/cdl/en/statug/63962/HTML/default/statug_introsamp_sect012.htm)
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd
from scipy import stats

from utils.methods._validation import check_choice, check_fraction, check_frame

__all__ = [
    "LONELY_PSU",
    "VARIANCE_METHODS",
    "ReplicateResult",
    "ReplicateWeights",
    "SurveyDesign",
    "SurveyEstimate",
    "design_effects",
    "proportion_interval",
    "replicate_estimate",
    "replicate_weights",
    "survey_design",
    "survey_mean",
    "survey_proportion",
    "survey_ratio",
    "survey_total",
]

#: Variance methods accepted by the estimators. ``"naive"`` treats the rows as an unweighted
#: simple random sample and exists only to show the difference.
VARIANCE_METHODS = ("linearization", "bootstrap", "jackknife", "naive")
#: Lonely-PSU rules (names of R ``survey``'s ``options(survey.lonely.psu=)``) and svy's names.
LONELY_PSU = {"fail": None, "adjust": "center", "average": "scale", "remove": "skip"}
_INTERVALS = ("logit", "korn-graubard")
_DEFAULT_SEED = 20240601


# ----------------------------------------------------------------------------------------------
# the design object
# ----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class SurveyDesign:
    """A sample bound to its design (build it with :func:`survey_design`).

    Attributes
    ----------
    data : pandas.DataFrame
        The sample, one row per final unit (a copy; the index is reset).
    weight, strata, psu, ssu, fpc, fpc_ssu : str or None
        Column names: sampling weight, stratum, primary sampling unit, second-stage unit,
        population size at the first stage (number of PSUs in the stratum) and at the second
        stage (number of SSUs in the PSU).
    lonely_psu : str
        Rule for a stratum with one PSU (see :func:`survey_design`).
    """

    data: pd.DataFrame = field(repr=False)
    weight: str | None
    strata: str | None
    psu: str | None
    ssu: str | None
    fpc: str | None
    fpc_ssu: str | None
    lonely_psu: str

    @property
    def n(self) -> int:
        """Number of rows (final sampling units)."""
        return int(len(self.data))

    @property
    def weights(self) -> np.ndarray:
        """Sampling weights (all 1 when the design has none)."""
        if self.weight is None:
            return np.ones(self.n)
        return self.data[self.weight].to_numpy(dtype=float)

    def summary(self) -> pd.DataFrame:
        """One-row table: rows, strata, PSUs, mean PSU size, sum of weights, design df."""
        n_strata = _n_strata(self)
        n_psu = _n_psu(self)
        return pd.DataFrame(
            {
                "n": [self.n],
                "n_strata": [n_strata],
                "n_psu": [n_psu],
                "mean_psu_size": [self.n / n_psu],
                "sum_weights": [float(self.weights.sum())],
                "df": [n_psu - n_strata],
            }
        )

    def _svy(self, *, naive: bool = False):
        import polars as pl
        import svy

        frame = pl.from_pandas(self.data)
        if naive:
            return svy.Sample(frame)
        pop_size = None
        if self.fpc is not None:
            pop_size = svy.PopSize(psu=self.fpc, ssu=self.fpc_ssu) if self.fpc_ssu else self.fpc
        return svy.Sample(
            frame,
            svy.Design(
                stratum=self.strata,
                psu=self.psu,
                ssu=self.ssu,
                wgt=self.weight,
                pop_size=pop_size,
                singleton=LONELY_PSU[self.lonely_psu],
            ),
        )


def _psu_keys(design: SurveyDesign) -> pd.Series:
    """PSU identifier nested in stratum (as R ``nest=TRUE``); each row its own PSU if none."""
    d = design.data
    psu = d[design.psu].astype(str) if design.psu else pd.Series(d.index.astype(str), index=d.index)
    if design.strata:
        return d[design.strata].astype(str) + "\x1f" + psu
    return psu


def _n_psu(design: SurveyDesign) -> int:
    return int(_psu_keys(design).nunique())


def _n_strata(design: SurveyDesign) -> int:
    return 1 if design.strata is None else int(design.data[design.strata].nunique())


def _stratum_labels(design: SurveyDesign) -> pd.Series:
    """Each row's stratum as text (``"all"`` when the design has no strata)."""
    d = design.data
    return d[design.strata].astype(str) if design.strata else pd.Series("all", index=d.index)


def survey_design(
    data: pd.DataFrame,
    *,
    weight: str | None = None,
    strata: str | None = None,
    psu: str | None = None,
    ssu: str | None = None,
    fpc: str | None = None,
    fpc_ssu: str | None = None,
    lonely_psu: str = "fail",
) -> SurveyDesign:
    """Declare a (stratified, multi-stage) sampling design.

    The estimators use the ultimate-cluster (first-stage) variance approximation
    (Lumley 2010): with ``z_hi`` the weighted total of an estimator's linearised
    values in PSU ``i`` of stratum ``h`` (``n_h`` PSUs),

    .. math::

        \\hat V = \\sum_h (1 - f_h)\\, \\frac{n_h}{n_h - 1} \\sum_i (z_{hi} - \\bar z_h)^2,

    where ``f_h = n_h / N_h`` is the first-stage sampling fraction when ``fpc`` (``N_h``) is
    given and 0 otherwise. With ``fpc`` and ``fpc_ssu`` both given the second stage adds its
    own term (as R ``svydesign(id=~psu+ssu, fpc=~fpc+fpc_ssu)``).

    Parameters
    ----------
    data : pandas.DataFrame
        One row per final sampling unit (e.g. household).
    weight : str, optional
        Sampling weight column (inverse inclusion probability); positive and finite. Without it
        every row weighs 1.
    strata : str, optional
        Stratum column. PSU codes are read within stratum (the same code in two strata is two
        PSUs).
    psu : str, optional
        Primary sampling unit (cluster) column; without it each row is its own PSU.
    ssu : str, optional
        Second-stage unit column (used only with ``fpc_ssu``).
    fpc, fpc_ssu : str, optional
        Population sizes: number of PSUs in the stratum (constant within stratum), number of
        SSUs in the PSU (constant within PSU).
    lonely_psu : {"fail", "adjust", "average", "remove"}
        A stratum with a single PSU has no within-stratum variance. ``"fail"`` (default) raises
        and names the strata; the other rules follow R ``survey``'s ``survey.lonely.psu``
        option: ``"adjust"`` centres the lonely PSU on the grand mean instead of its stratum
        mean (conservative), ``"average"`` gives the stratum the average variance of the
        others, ``"remove"`` lets it contribute nothing (as for a certainty PSU).

    Returns
    -------
    SurveyDesign

    Raises
    ------
    ValueError
        Unknown column; missing, non-finite or non-positive weight (the row is named); missing
        stratum or PSU code; ``fpc`` smaller than the number of sampled PSUs or not constant
        within stratum; a lonely PSU under ``lonely_psu="fail"``.

    References
    ----------
    Lumley, T. (2010). *Complex Surveys: A Guide to Analysis Using R*. Wiley.
    https://stat.ethz.ch/CRAN/web/packages/survey/citation.html (ultimate-cluster variance; lonely PSUs).

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"y": [1.0, 2, 3, 4, 5, 6], "w": [2.0] * 6,
    ...                    "h": ["a", "a", "a", "b", "b", "b"], "v": [1, 1, 2, 3, 4, 4]})
    >>> d = survey_design(df, weight="w", strata="h", psu="v")
    >>> d.summary()[["n", "n_strata", "n_psu", "df"]]
       n  n_strata  n_psu  df
    0  6         2      4   2
    """
    check_frame(data, "data", empty="is empty")
    check_choice(lonely_psu, tuple(LONELY_PSU), "lonely_psu")
    named = {"weight": weight, "strata": strata, "psu": psu, "ssu": ssu}
    named |= {"fpc": fpc, "fpc_ssu": fpc_ssu}
    for arg, col in named.items():
        if col is not None and col not in data.columns:
            raise ValueError(f"{arg}: column {col!r} is not in data")
    if fpc_ssu is not None and (fpc is None or ssu is None or psu is None):
        raise ValueError("fpc_ssu: needs psu, ssu and fpc as well (a two-stage design)")
    df = data.reset_index(drop=True).copy()
    if weight is not None:
        w = pd.to_numeric(df[weight], errors="coerce").to_numpy(dtype=float)
        bad = ~np.isfinite(w) | (w <= 0)
        if bad.any():
            i = int(np.flatnonzero(bad)[0])
            raise ValueError(
                f"weight: column {weight!r} must be positive and finite; row {data.index[i]!r} "
                f"has {data[weight].iloc[i]}"
            )
        df[weight] = w
    for arg, col in (("strata", strata), ("psu", psu), ("ssu", ssu)):
        if col is not None and df[col].isna().any():
            i = int(np.flatnonzero(df[col].isna().to_numpy())[0])
            raise ValueError(f"{arg}: column {col!r} is missing at row {data.index[i]!r}")
    design = SurveyDesign(df, weight, strata, psu, ssu, fpc, fpc_ssu, lonely_psu)
    keys = _psu_keys(design)
    stratum = _stratum_labels(design)
    n_h = keys.groupby(stratum).nunique()
    if fpc is not None:
        pop = pd.to_numeric(df[fpc], errors="coerce")
        if pop.isna().any() or (pop.groupby(stratum).nunique() > 1).any():
            raise ValueError(
                f"fpc: column {fpc!r} must be a number, constant within each stratum (the "
                "number of PSUs in the stratum's population)"
            )
        pop_h = pop.groupby(stratum).first()
        small = pop_h < n_h
        if small.any():
            h = small.index[int(np.argmax(small.to_numpy()))]
            raise ValueError(
                f"fpc: stratum {h!r} has {int(n_h[h])} sampled PSUs but a population of "
                f"{pop_h[h]:g}; fpc must be the population count of PSUs (>= sample count)"
            )
    lonely = n_h[n_h < 2]
    if len(lonely) and lonely_psu == "fail":
        raise ValueError(
            f"strata: {sorted(lonely.index.tolist())} have a single PSU, so their variance "
            "cannot be estimated; merge them with a similar stratum or choose a rule with "
            "lonely_psu='adjust' | 'average' | 'remove' (R survey's survey.lonely.psu)"
        )
    return design


# ----------------------------------------------------------------------------------------------
# results
# ----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class SurveyEstimate:
    """Design-based estimate(s) of one statistic, one row per domain.

    Attributes
    ----------
    statistic : str
        ``"mean"``, ``"total"``, ``"proportion"`` or ``"ratio"``.
    variable : str
        Analysed column (``"num/den"`` for a ratio).
    variance : str
        Variance method (one of :data:`VARIANCE_METHODS`).
    confidence : float
        Confidence level of the intervals.
    table : pandas.DataFrame
        Indexed by domain level (``"all"`` without a domain); columns ``estimate, se,
        ci_low, ci_high, df, n`` and, where computed, ``deff``.
    """

    statistic: str
    variable: str
    variance: str
    confidence: float
    table: pd.DataFrame = field(repr=False)

    @property
    def estimate(self) -> float:
        """The estimate when there is a single row (no domain)."""
        return float(self._single()["estimate"])

    @property
    def se(self) -> float:
        """The standard error when there is a single row (no domain)."""
        return float(self._single()["se"])

    def _single(self) -> pd.Series:
        if len(self.table) != 1:
            raise ValueError(
                f"{len(self.table)} domains: read the rows of .to_frame() instead of .estimate"
            )
        return self.table.iloc[0]

    def to_frame(self) -> pd.DataFrame:
        """Tidy copy of :attr:`table` with ``statistic, variable, variance`` columns."""
        out = self.table.copy()
        out.insert(0, "variable", self.variable)
        out.insert(0, "statistic", self.statistic)
        out["variance"] = self.variance
        return out


@dataclass(frozen=True)
class ReplicateWeights:
    """Replicate weights and the coefficients of the replicate variance.

    ``variance = sum_r coefficients[r] * (theta_r - theta_bar)^2`` with ``theta_bar`` the mean
    of the replicate estimates (R ``survey``'s default, ``mse=FALSE``).

    Attributes
    ----------
    weights : numpy.ndarray
        ``n x R`` replicate weights, rows in the order of ``design.data``.
    coefficients : numpy.ndarray
        Length ``R``.
    method : str
        ``"bootstrap"`` or ``"jackknife"``.
    df : int
        Degrees of freedom for intervals (design df: PSUs minus strata).
    seed : int or None
        Seed of the bootstrap draws (``None`` for the jackknife).
    """

    weights: np.ndarray = field(repr=False)
    coefficients: np.ndarray = field(repr=False)
    method: str
    df: int
    seed: int | None

    @property
    def n_resamples(self) -> int:
        """Number of replicates ``R``."""
        return int(self.weights.shape[1])

    def to_frame(self) -> pd.DataFrame:
        """The replicate weights as a DataFrame with columns ``rep1..repR``."""
        cols = [f"rep{r + 1}" for r in range(self.n_resamples)]
        return pd.DataFrame(self.weights, columns=cols)


@dataclass(frozen=True)
class ReplicateResult:
    """A statistic with its replicate-weight standard error and interval.

    Attributes
    ----------
    estimate : pandas.Series
        Full-sample estimate(s), indexed by the statistic's labels.
    se : pandas.Series
        Replicate standard errors.
    ci_low, ci_high : pandas.Series
        ``estimate -/+ t_{df, (1+confidence)/2} se``.
    replicates : pandas.DataFrame
        ``R x k`` replicate estimates (for percentile intervals or plots).
    method : str
    confidence : float
    df : int
    """

    estimate: pd.Series
    se: pd.Series
    ci_low: pd.Series
    ci_high: pd.Series
    replicates: pd.DataFrame = field(repr=False)
    method: str
    confidence: float
    df: int

    def to_frame(self) -> pd.DataFrame:
        """Tidy table ``estimate, se, ci_low, ci_high`` indexed by statistic label."""
        return pd.DataFrame(
            {
                "estimate": self.estimate,
                "se": self.se,
                "ci_low": self.ci_low,
                "ci_high": self.ci_high,
            }
        ).assign(df=self.df, method=self.method)


# ----------------------------------------------------------------------------------------------
# helpers
# ----------------------------------------------------------------------------------------------
def _check_column(design: SurveyDesign, col: str, arg: str, *, numeric: bool = True) -> None:
    if not isinstance(design, SurveyDesign):
        raise ValueError(f"design: expected a SurveyDesign (see survey_design), got {design!r}")
    if col not in design.data.columns:
        raise ValueError(f"{arg}: column {col!r} is not in the design's data")
    if numeric and not pd.api.types.is_numeric_dtype(design.data[col]):
        raise ValueError(f"{arg}: column {col!r} is not numeric")
    if numeric and np.isinf(design.data[col].to_numpy(dtype=float)).any():
        raise ValueError(f"{arg}: column {col!r} contains infinite values")


def _check_domain(design: SurveyDesign, domain: str | None) -> None:
    if domain is None:
        return
    if domain not in design.data.columns:
        raise ValueError(f"domain: column {domain!r} is not in the design's data")
    if design.data[domain].isna().any():
        i = int(np.flatnonzero(design.data[domain].isna().to_numpy())[0])
        raise ValueError(f"domain: column {domain!r} is missing at row {i}")


def _check_resamples(n_resamples: int) -> int:
    if isinstance(n_resamples, bool) or not isinstance(n_resamples, (int, np.integer)):
        raise ValueError(f"n_resamples: must be an integer, got {n_resamples!r}")
    if n_resamples < 2:
        raise ValueError(f"n_resamples: must be at least 2, got {n_resamples}")
    return int(n_resamples)


def _t_quantile(confidence: float, df: float) -> float:
    return (
        float(stats.t.ppf((1 + confidence) / 2, df))
        if np.isfinite(df) and df > 0
        else float(stats.norm.ppf((1 + confidence) / 2))
    )


def _t_row(estimate: float, se: float, df: float, n: int, confidence: float) -> dict:
    """A table row ``estimate, se, ci_low, ci_high, df, n``; interval ``estimate -/+ t_{df} se``."""
    t = _t_quantile(confidence, df)
    return {
        "estimate": estimate,
        "se": se,
        "ci_low": estimate - t * se,
        "ci_high": estimate + t * se,
        "df": df,
        "n": n,
    }


def _deff_kind(design: SurveyDesign) -> str:
    """SRS reference of the design effect: without replacement when the design has an fpc."""
    return "wor" if design.fpc is not None else "wr"


def _svy_estimate(
    design: SurveyDesign, kind: str, columns: tuple, domain: str | None, confidence: float
) -> pd.DataFrame:
    """Taylor-linearised estimate by svy; ``deff`` is NaN where svy cannot form it (e.g. a
    variable with no variance, where the design effect is 0/0)."""
    from svy.errors import SvyError

    method = getattr(design._svy().estimation, kind)
    try:
        res = method(*columns, by=domain, deff=_deff_kind(design), alpha=1 - confidence)
    except SvyError:
        res = method(*columns, by=domain, alpha=1 - confidence)
        return _from_svy(res, domain).assign(deff=np.nan)
    return _from_svy(res, domain)


def _from_svy(result, domain: str | None) -> pd.DataFrame:
    """svy result -> table indexed by domain with our column names."""
    frame = result.to_polars().to_pandas()
    rename = {"est": "estimate", "lci": "ci_low", "uci": "ci_high"}
    frame = frame.rename(columns=rename)
    if domain is not None:
        frame = frame.set_index(domain)
    else:
        frame.index = pd.Index(["all"], name="domain")
    keep = [c for c in ("estimate", "se", "ci_low", "ci_high", "df", "n", "deff") if c in frame]
    return frame[keep]


def _domain_masks(design: SurveyDesign, domain: str | None) -> dict:
    if domain is None:
        return {"all": np.ones(design.n, dtype=bool)}
    values = design.data[domain]
    levels = [v.item() if isinstance(v, np.generic) else v for v in sorted(values.unique())]
    return {level: (values == level).to_numpy() for level in levels}


def _ratio_stat(y: np.ndarray, x: np.ndarray, mask: np.ndarray) -> Callable:
    """Statistic sum(w y 1_d) / sum(w x 1_d) evaluated for a matrix of weights."""
    ym, xm = np.where(mask, y, 0.0), np.where(mask, x, 0.0)

    def stat(w: np.ndarray) -> np.ndarray:
        with np.errstate(invalid="ignore", divide="ignore"):
            return (ym @ w) / (xm @ w)

    return stat


def _replicate_table(
    design: SurveyDesign,
    numerator: np.ndarray,
    denominator: np.ndarray | None,
    domain: str | None,
    method: str,
    n_resamples: int,
    seed: int,
    confidence: float,
) -> pd.DataFrame:
    """Replicate-weight means/totals/ratios by domain (one implementation for all three)."""
    reps = replicate_weights(design, method=method, n_resamples=n_resamples, seed=seed)
    w = design.weights
    rows = {}
    for level, mask in _domain_masks(design, domain).items():
        if denominator is None:  # total
            ym = np.where(mask, numerator, 0.0)
            full = float(ym @ w)
            theta = ym @ reps.weights
        else:
            stat = _ratio_stat(numerator, denominator, mask)
            full = float(stat(w))
            theta = stat(reps.weights)
        if not np.all(np.isfinite(theta)):
            raise ValueError(
                f"domain: level {level!r} is empty in {int((~np.isfinite(theta)).sum())} "
                f"{method} replicate(s) (its rows sit in too few PSUs); use the jackknife or "
                "linearization, or merge small domains"
            )
        se = float(np.sqrt(_replicate_var(theta[:, None], reps.coefficients)[0]))
        rows[level] = _t_row(full, se, reps.df, int(mask.sum()), confidence)
    out = pd.DataFrame.from_dict(rows, orient="index")
    out.index.name = domain or "domain"
    return out


def _replicate_var(theta: np.ndarray, coefficients: np.ndarray) -> np.ndarray:
    """``sum_r c_r (theta_r - mean_r theta_r)^2`` column-wise for an ``R x k`` array."""
    centred = theta - theta.mean(axis=0, keepdims=True)
    return coefficients @ centred**2


def _naive_table(
    values: np.ndarray, domain_masks: dict, confidence: float, statistic: str
) -> pd.DataFrame:
    """Unweighted, independent-rows (SRS with replacement) mean and SE, for comparison only."""
    rows = {}
    for level, mask in domain_masks.items():
        v = values[mask]
        n = v.size
        mean = float(v.mean())
        se = float(v.std(ddof=1) / np.sqrt(n)) if n > 1 else np.nan
        rows[level] = _t_row(mean, se, n - 1, n, confidence)
        if statistic == "proportion":
            lo, hi = proportion_interval(mean, se, n=n, df=n - 1, confidence=confidence)
            rows[level].update(ci_low=lo, ci_high=hi)
    return pd.DataFrame.from_dict(rows, orient="index")


def _prepare(
    design: SurveyDesign, variable: str, arg: str, domain: str | None, variance: str, conf
) -> tuple[np.ndarray, float]:
    check_choice(variance, VARIANCE_METHODS, "variance")
    confidence = check_fraction(conf, "confidence")
    _check_column(design, variable, arg)
    _check_domain(design, domain)
    y = design.data[variable].to_numpy(dtype=float)
    if np.isnan(y).any():
        i = int(np.flatnonzero(np.isnan(y))[0])
        raise ValueError(
            f"{arg}: column {variable!r} is missing at row {i}; drop nothing - define the "
            "answered rows as a domain (e.g. a boolean column) and estimate within it"
        )
    return y, confidence


# ----------------------------------------------------------------------------------------------
# estimators
# ----------------------------------------------------------------------------------------------
def survey_mean(
    design: SurveyDesign,
    variable: str,
    *,
    domain: str | None = None,
    variance: str = "linearization",
    n_resamples: int = 500,
    seed: int = _DEFAULT_SEED,
    confidence: float = 0.95,
) -> SurveyEstimate:
    """Weighted (Hajek) mean with a design-based standard error.

    .. math::

        \\hat{\\bar Y} = \\frac{\\sum_i w_i y_i}{\\sum_i w_i}, \\qquad
        z_i = \\frac{w_i (y_i - \\hat{\\bar Y})}{\\sum_j w_j}

    Under ``"linearization"`` the variance is the ultimate-cluster variance of the linearised
    values ``z_i`` (see :func:`survey_design`); the design effect ``deff`` is
    ``V_design / V_SRS`` (Kish), with ``V_SRS`` the variance under simple random sampling of
    the same size (without replacement when the design has an ``fpc``, else with).

    A domain ``d`` is estimated by replacing ``y_i`` with ``y_i 1_d(i)`` and ``w_i`` with
    ``w_i 1_d(i)`` in the sums **over the whole sample**: rows outside the domain are kept, so
    the number of PSUs (and the variance) is that of the design, not of a subset (Lumley 2010;
    R survey's domain example, http://r-survey.r-forge.r-project.org/survey/example-domain.html).

    ``"bootstrap"`` and ``"jackknife"`` use :func:`replicate_weights`; ``"naive"`` is the
    unweighted mean with ``s / sqrt(n)``, shown only for comparison. Intervals are
    ``estimate -/+ t_{df} se`` with ``df`` = PSUs minus strata (replicates: the same design df;
    naive: ``n - 1``).

    Parameters
    ----------
    design : SurveyDesign
    variable : str
        Numeric column without missing values.
    domain : str, optional
        Column whose levels define the domains (subpopulations); one row per level.
    variance : {"linearization", "bootstrap", "jackknife", "naive"}
    n_resamples : int
        Bootstrap replicates (ignored otherwise).
    seed : int
        Seed of the bootstrap.
    confidence : float
        Confidence level, default 0.95.

    Returns
    -------
    SurveyEstimate

    References
    ----------
    Lumley, T. (2010). *Complex Surveys: A Guide to Analysis Using R*. Wiley.
    https://stat.ethz.ch/CRAN/web/packages/survey/citation.html

    Examples
    --------
    A self-weighting simple random sample gives the textbook ``s / sqrt(n)``:

    >>> import pandas as pd
    >>> df = pd.DataFrame({"y": [2.0, 4, 6, 8]})
    >>> est = survey_mean(survey_design(df), "y")
    >>> round(est.estimate, 3), round(est.se, 4)
    (5.0, 1.291)
    """
    y, confidence = _prepare(design, variable, "variable", domain, variance, confidence)
    if variance == "naive":
        table = _naive_table(y, _domain_masks(design, domain), confidence, "mean")
    elif variance == "linearization":
        table = _svy_estimate(design, "mean", (variable,), domain, confidence)
    else:
        table = _replicate_table(
            design, y, np.ones_like(y), domain, variance, n_resamples, seed, confidence
        )
    return SurveyEstimate("mean", variable, variance, confidence, table)


def survey_total(
    design: SurveyDesign,
    variable: str,
    *,
    domain: str | None = None,
    variance: str = "linearization",
    n_resamples: int = 500,
    seed: int = _DEFAULT_SEED,
    confidence: float = 0.95,
) -> SurveyEstimate:
    """Weighted (Horvitz-Thompson) total ``sum_i w_i y_i`` with a design-based SE.

    The linearised value is ``z_i = w_i y_i`` (the total is linear); domains as in
    :func:`survey_mean`. ``"naive"`` is not offered for a total (an unweighted sum estimates
    nothing about the population).

    Parameters
    ----------
    design, variable, domain, variance, n_resamples, seed, confidence
        As in :func:`survey_mean` (``variance`` other than ``"naive"``).

    Returns
    -------
    SurveyEstimate

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"y": [1.0, 2, 3, 4], "w": [10.0, 10, 10, 10]})
    >>> survey_total(survey_design(df, weight="w"), "y").estimate
    100.0
    """
    if variance == "naive":
        raise ValueError("variance: 'naive' is not defined for a total (use a weighted design)")
    y, confidence = _prepare(design, variable, "variable", domain, variance, confidence)
    if variance == "linearization":
        table = _svy_estimate(design, "total", (variable,), domain, confidence)
    else:
        table = _replicate_table(design, y, None, domain, variance, n_resamples, seed, confidence)
    return SurveyEstimate("total", variable, variance, confidence, table)


def survey_ratio(
    design: SurveyDesign,
    numerator: str,
    denominator: str,
    *,
    domain: str | None = None,
    variance: str = "linearization",
    n_resamples: int = 500,
    seed: int = _DEFAULT_SEED,
    confidence: float = 0.95,
) -> SurveyEstimate:
    """Ratio of weighted totals ``R = sum w y / sum w x`` with a design-based SE.

    Linearised value ``z_i = w_i (y_i - R x_i) / sum_j w_j x_j`` (Lumley 2010).
    E.g. persons below a poverty line per person: ``numerator = poor_persons``,
    ``denominator = household_size``.

    Parameters
    ----------
    design : SurveyDesign
    numerator, denominator : str
        Numeric columns; the denominator's weighted total must not be 0.
    domain, variance, n_resamples, seed, confidence
        As in :func:`survey_mean` (``variance`` other than ``"naive"``).

    Returns
    -------
    SurveyEstimate

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"poor": [0.0, 2, 1, 0], "size": [3.0, 4, 2, 1]})
    >>> survey_ratio(survey_design(df), "poor", "size").estimate
    0.3
    """
    if variance == "naive":
        raise ValueError("variance: 'naive' is not offered for a ratio")
    y, confidence = _prepare(design, numerator, "numerator", domain, variance, confidence)
    x, _ = _prepare(design, denominator, "denominator", domain, variance, confidence)
    if variance == "linearization":
        table = _svy_estimate(design, "ratio", (numerator, denominator), domain, confidence)
    else:
        table = _replicate_table(design, y, x, domain, variance, n_resamples, seed, confidence)
    return SurveyEstimate("ratio", f"{numerator}/{denominator}", variance, confidence, table)


def proportion_interval(
    p: float,
    se: float,
    *,
    n: int,
    df: float,
    confidence: float = 0.95,
    interval: str = "logit",
) -> tuple[float, float]:
    """Confidence interval for a survey proportion from its estimate and design-based SE.

    - ``"logit"`` (R ``svyciprop(method="logit")``): a Wald interval on the log-odds scale,
      ``logit(p) -/+ t_{df} se / (p (1 - p))``, transformed back; it stays inside (0, 1).
    - ``"korn-graubard"`` (Korn & Graubard 1998; R ``svyciprop(method="beta")``): a
      Clopper-Pearson interval with the effective sample size
      ``n* = p (1 - p) / se^2 (t_{n-1} / t_{df})^2`` and ``x* = n* p``:
      ``[Beta_{a/2}(x*, n* - x* + 1), Beta_{1-a/2}(x* + 1, n* - x*)]``; it is conservative
      near 0 and 1, where the logit interval undercovers. At ``p = 0`` or ``1`` the logit
      interval is undefined (NaN) and Korn-Graubard uses the one-sided bound.

    Parameters
    ----------
    p, se : float
        Estimated proportion and its standard error.
    n : int
        Number of rows behind the estimate.
    df : float
        Design degrees of freedom.
    confidence : float
    interval : {"logit", "korn-graubard"}

    Returns
    -------
    (low, high) : tuple of float

    References
    ----------
    Korn, E. L., & Graubard, B. I. (1998). Confidence intervals for proportions with small
    expected number of positive counts estimated from survey data. *Survey Methodology*,
    24(2), 193-201. https://rdrr.io/pkg/survey/man/svyciprop.html (R's implementation).

    Examples
    --------
    >>> lo, hi = proportion_interval(0.5, 0.05, n=100, df=99)
    >>> round(lo, 3), round(hi, 3)
    (0.402, 0.598)
    """
    check_choice(interval, _INTERVALS, "interval")
    conf = check_fraction(confidence, "confidence")
    if not 0 <= p <= 1:
        raise ValueError(f"p: must lie in [0, 1], got {p!r}")
    alpha = 1 - conf
    if interval == "logit":
        if p in (0.0, 1.0) or se <= 0:
            return (np.nan, np.nan)
        t = _t_quantile(conf, df)
        half = t * se / (p * (1 - p))
        lp = np.log(p / (1 - p))
        return (float(_expit(lp - half)), float(_expit(lp + half)))
    if se <= 0:
        n_eff = float(n)
    else:
        ratio = (stats.t.ppf(1 - alpha / 2, n - 1) / stats.t.ppf(1 - alpha / 2, df)) ** 2
        n_eff = min(float(n), p * (1 - p) / se**2 * ratio) if 0 < p < 1 else float(n)
    x = n_eff * p
    low = 0.0 if x <= 0 else float(stats.beta.ppf(alpha / 2, x, n_eff - x + 1))
    high = 1.0 if x >= n_eff else float(stats.beta.ppf(1 - alpha / 2, x + 1, n_eff - x))
    return (low, high)


def _expit(x: float) -> float:
    """Logistic function ``1 / (1 + exp(-x))``."""
    return float(1.0 / (1.0 + np.exp(-x)))


def survey_proportion(
    design: SurveyDesign,
    variable: str,
    *,
    domain: str | None = None,
    variance: str = "linearization",
    interval: str = "logit",
    n_resamples: int = 500,
    seed: int = _DEFAULT_SEED,
    confidence: float = 0.95,
) -> SurveyEstimate:
    """Weighted proportion of a 0/1 (or boolean) column with a design-based interval.

    The proportion is the weighted mean of the indicator (:func:`survey_mean`); its SE is
    design-based (any ``variance`` method) and the interval is :func:`proportion_interval`
    (``"logit"`` default, or ``"korn-graubard"``), not the Wald interval, which can leave
    [0, 1].

    Parameters
    ----------
    design : SurveyDesign
    variable : str
        Column of 0/1 values or booleans, no missing values.
    domain, variance, n_resamples, seed, confidence
        As in :func:`survey_mean`.
    interval : {"logit", "korn-graubard"}

    Returns
    -------
    SurveyEstimate

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"poor": [1, 0, 0, 1, 0, 0, 0, 1, 0, 0]})
    >>> est = survey_proportion(survey_design(df), "poor")
    >>> round(est.estimate, 2), est.table["ci_low"].round(3).item()
    (0.3, 0.076)
    """
    check_choice(interval, _INTERVALS, "interval")
    _check_column(design, variable, "variable", numeric=False)
    raw = design.data[variable]
    if raw.isna().any():
        raise ValueError(f"variable: column {variable!r} has missing values")
    values = raw.astype(float) if raw.dtype == bool else pd.to_numeric(raw, errors="coerce")
    if values.isna().any() or not values.isin([0.0, 1.0]).all():
        bad = int(np.flatnonzero(~values.isin([0.0, 1.0]).to_numpy())[0])
        raise ValueError(
            f"variable: column {variable!r} must hold 0/1 or booleans; row {bad} has "
            f"{raw.iloc[bad]!r}"
        )
    if raw.dtype == bool or not pd.api.types.is_float_dtype(raw):
        data = design.data.assign(**{variable: values.to_numpy(dtype=float)})
        design = replace(design, data=data)
    est = survey_mean(
        design,
        variable,
        domain=domain,
        variance=variance,
        n_resamples=n_resamples,
        seed=seed,
        confidence=confidence,
    )
    table = est.table.copy()
    bounds = [
        proportion_interval(
            float(r.estimate),
            float(r.se),
            n=int(r.n),
            df=float(r.df),
            confidence=est.confidence,
            interval=interval,
        )
        for r in table.itertuples()
    ]
    table["ci_low"] = [b[0] for b in bounds]
    table["ci_high"] = [b[1] for b in bounds]
    return SurveyEstimate("proportion", variable, variance, est.confidence, table)


# ----------------------------------------------------------------------------------------------
# replicate weights
# ----------------------------------------------------------------------------------------------
def replicate_weights(
    design: SurveyDesign,
    *,
    method: str = "bootstrap",
    n_resamples: int = 500,
    seed: int = _DEFAULT_SEED,
) -> ReplicateWeights:
    """Replicate weights for a stratified cluster design (Rao-Wu bootstrap or jackknife).

    - ``"bootstrap"``: Rao & Wu's (1988) rescaling bootstrap with ``m_h = n_h - 1``: in each
      replicate, ``n_h - 1`` PSUs are drawn with replacement in stratum ``h`` and a unit's
      weight becomes ``w_i n_h / (n_h - 1) m_hi`` (``m_hi`` = times its PSU was drawn);
      coefficients ``1 / (R - 1)``. Reproducible through ``seed``.
    - ``"jackknife"``: delete-one-PSU jackknife (JK1 without strata, JKn with strata): the
      replicate that drops PSU ``j`` of stratum ``h`` sets its weights to 0 and multiplies
      the rest of stratum ``h`` by ``n_h / (n_h - 1)``; coefficient ``(n_h - 1) / n_h``, times
      ``(1 - f_h)`` when the design has a first-stage ``fpc`` (as R ``as.svrepdesign``).

    Variance of a statistic: ``sum_r c_r (theta_r - theta_bar)^2``
    (:func:`replicate_estimate`). Weights are created by ``svy``.

    Parameters
    ----------
    design : SurveyDesign
        Needs PSUs or rows as PSUs; every stratum needs two PSUs (lonely-PSU rules apply).
    method : {"bootstrap", "jackknife"}
    n_resamples : int
        Bootstrap replicates (default 500; the jackknife has one per PSU).
    seed : int
        Seed of the bootstrap draws.

    Returns
    -------
    ReplicateWeights

    References
    ----------
    Rao, J. N. K., & Wu, C. F. J. (1988). Resampling inference with complex survey data.
    *JASA*, 83(401), 231-241. https://doi.org/10.1080/01621459.1988.10478591

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"y": [1.0, 2, 3, 4, 5, 6], "v": [1, 1, 2, 2, 3, 3]})
    >>> rw = replicate_weights(survey_design(df, psu="v"), method="jackknife")
    >>> rw.n_resamples, rw.coefficients.round(4).tolist()
    (3, [0.6667, 0.6667, 0.6667])
    """
    check_choice(method, ("bootstrap", "jackknife"), "method")
    if not isinstance(design, SurveyDesign):
        raise ValueError(f"design: expected a SurveyDesign, got {design!r}")
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
        raise ValueError(f"seed: must be an integer, got {seed!r}")
    extra = {}
    if design.psu is None:  # each row its own PSU
        extra["__row_psu"] = np.arange(design.n)
    if design.weight is None:
        extra["__one_weight"] = np.ones(design.n)
    base = design
    if extra:
        base = replace(
            design,
            data=design.data.assign(**extra),
            weight=design.weight or "__one_weight",
            psu=design.psu or "__row_psu",
        )
    sample = base._svy()
    if method == "bootstrap":
        n_resamples = _check_resamples(n_resamples)
        rep = sample.weighting.create_bs_wgts(
            n_reps=n_resamples, rstate=int(seed), rep_prefix="__rep"
        )
    else:
        rep = sample.weighting.create_jk_wgts(rep_prefix="__rep")
    rw = rep.design.rep_wgts
    cols = [f"__rep{r}" for r in range(1, rw.n_reps + 1)]
    weights = rep.data.select(cols).to_numpy().astype(float)
    coef = np.asarray(rw.coefficients(), dtype=float)
    if method == "bootstrap":
        # R survey's bootstrap convention (scale 1/(R-1), centred on the replicate mean);
        # svy 0.35 uses 1/R
        coef = np.full(rw.n_reps, 1.0 / (rw.n_reps - 1))
    if method == "jackknife" and design.fpc is not None:
        coef = coef * _jackknife_fpc(base, weights)
    return ReplicateWeights(
        weights=weights,
        coefficients=coef,
        method=method,
        df=_n_psu(design) - _n_strata(design),
        seed=int(seed) if method == "bootstrap" else None,
    )


def _jackknife_fpc(design: SurveyDesign, weights: np.ndarray) -> np.ndarray:
    """``1 - n_h / N_h`` for the stratum of the PSU each jackknife replicate deletes."""
    keys = _psu_keys(design).to_numpy()
    stratum = _stratum_labels(design).to_numpy()
    n_h = pd.Series(keys).groupby(stratum).nunique()
    pop = pd.Series(design.data[design.fpc].to_numpy(dtype=float)).groupby(stratum).first()
    factors = []
    for r in range(weights.shape[1]):
        dropped = np.flatnonzero(weights[:, r] == 0)
        h = stratum[dropped[0]] if dropped.size else stratum[0]
        factors.append(1 - n_h[h] / pop[h])
    return np.asarray(factors)


def replicate_estimate(
    design: SurveyDesign,
    statistic: Callable[[pd.DataFrame, np.ndarray], float | Sequence[float] | pd.Series],
    *,
    method: str = "bootstrap",
    n_resamples: int = 500,
    seed: int = _DEFAULT_SEED,
    confidence: float = 0.95,
    replicates: ReplicateWeights | None = None,
) -> ReplicateResult:
    """Any statistic with a replicate-weight (bootstrap or jackknife) standard error.

    ``statistic(data, weights)`` must compute the estimate from the data with the given
    weight vector (e.g. a weighted fuzzy score, a gap between two dimension means, a Gini
    index with person weights, regression coefficients). It is evaluated once with the
    design weights and once per replicate:

    .. math::

        \\hat V(\\hat\\theta) = \\sum_r c_r (\\hat\\theta_r - \\bar\\theta)^2,

    with the coefficients ``c_r`` of :func:`replicate_weights`. Intervals are
    ``theta -/+ t_{df} se``; the replicate estimates are returned for percentile intervals.

    Parameters
    ----------
    design : SurveyDesign
    statistic : callable ``(data, weights) -> float | 1-D sequence | Series``
    method : {"bootstrap", "jackknife"}
    n_resamples, seed
        As in :func:`replicate_weights`.
    confidence : float
    replicates : ReplicateWeights, optional
        Re-use weights already made (several statistics on the same replicates, which keeps
        their covariance and saves time); ``method``/``n_resamples``/``seed`` are then
        ignored.

    Returns
    -------
    ReplicateResult

    Examples
    --------
    The difference of two weighted means (a paired gap), by jackknife:

    >>> import pandas as pd
    >>> df = pd.DataFrame({"a": [3.0, 4, 2, 5, 4, 3], "b": [2.0, 4, 1, 4, 3, 3],
    ...                    "v": [1, 1, 2, 2, 3, 3]})
    >>> def gap(data, w):
    ...     return float(w @ (data["a"] - data["b"]) / w.sum())
    >>> res = replicate_estimate(survey_design(df, psu="v"), gap, method="jackknife")
    >>> round(res.estimate.item(), 3), round(res.se.item(), 3)
    (0.667, 0.167)
    """
    conf = check_fraction(confidence, "confidence")
    if not callable(statistic):
        raise ValueError("statistic: must be a function (data, weights) -> value(s)")
    reps = replicates or replicate_weights(
        design, method=method, n_resamples=n_resamples, seed=seed
    )
    if reps.weights.shape[0] != design.n:
        raise ValueError(
            f"replicates: has {reps.weights.shape[0]} rows but the design has {design.n}"
        )

    def evaluate(w: np.ndarray) -> pd.Series:
        value = statistic(design.data, w)
        if isinstance(value, pd.Series):
            return value.astype(float)
        arr = np.atleast_1d(np.asarray(value, dtype=float))
        if arr.ndim != 1:
            raise ValueError("statistic: must return a number or a 1-D sequence")
        return pd.Series(arr, index=pd.RangeIndex(arr.size) if arr.size > 1 else ["estimate"])

    full = evaluate(design.weights)
    theta = np.vstack([evaluate(reps.weights[:, r]).to_numpy() for r in range(reps.n_resamples)])
    if theta.shape[1] != full.size:
        raise ValueError("statistic: returned a different number of values on a replicate")
    finite = np.isfinite(theta).all(axis=1)
    if not finite.all():
        raise ValueError(
            f"statistic: is not finite on {int((~finite).sum())} replicate(s) (e.g. a domain "
            "empty in a replicate); use fewer, larger domains or the jackknife"
        )
    se = pd.Series(np.sqrt(_replicate_var(theta, reps.coefficients)), index=full.index)
    t = _t_quantile(conf, reps.df)
    return ReplicateResult(
        estimate=full,
        se=se,
        ci_low=full - t * se,
        ci_high=full + t * se,
        replicates=pd.DataFrame(theta, columns=full.index),
        method=reps.method,
        confidence=conf,
        df=reps.df,
    )


# ----------------------------------------------------------------------------------------------
# design effects
# ----------------------------------------------------------------------------------------------
def design_effects(design: SurveyDesign, variables: Sequence[str]) -> pd.DataFrame:
    """Design effect, implied intraclass correlation and effective sample size per variable.

    - ``deff = V_design(mean) / V_SRS(mean)`` (Kish 1965; R ``svymean(deff=TRUE)``), with
      the Taylor variance of the weighted mean and the variance it would have under simple
      random sampling of the same number of rows (without replacement when the design has an
      ``fpc``, with replacement otherwise);
    - ``icc = (deff - 1) / (m - 1)``, the intraclass correlation implied by
      ``deff = 1 + (m - 1) rho`` with ``m`` the mean number of rows per PSU (it absorbs the
      effect of unequal weights, so read it as an "effective" ICC);
    - ``n_effective = n / deff``;
    - ``se_naive``: the unweighted ``s / sqrt(n)`` a naive analysis would report.

    Parameters
    ----------
    design : SurveyDesign
    variables : sequence of str
        Numeric columns (e.g. dimension scores, 0/1 indicators).

    Returns
    -------
    pandas.DataFrame
        Indexed by variable: ``mean, se, se_naive, deff, icc, n, n_effective``.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"y": [1.0, 3, 4, 6, 2, 3, 6, 7], "v": [1, 1, 2, 2, 3, 3, 4, 4]})
    >>> tab = design_effects(survey_design(df, psu="v"), ["y"])
    >>> tab[["se", "se_naive", "deff", "icc", "n_effective"]].round(2)
         se  se_naive  deff   icc  n_effective
    y  1.06      0.76  1.97  0.97         4.06
    """
    if isinstance(variables, str):
        variables = [variables]
    rows = {}
    m = design.n / _n_psu(design)
    for v in variables:
        est = survey_mean(design, v)
        naive = survey_mean(design, v, variance="naive")
        deff = float(est.table["deff"].iloc[0])
        rows[v] = {
            "mean": est.estimate,
            "se": est.se,
            "se_naive": naive.se,
            "deff": deff,
            "icc": (deff - 1) / (m - 1) if m > 1 else np.nan,
            "n": design.n,
            "n_effective": design.n / deff,
        }
    return pd.DataFrame.from_dict(rows, orient="index")
