"""Tests for utils.methods.survey_design.

Published outputs: the R ``survey`` package (Lumley) on the California API samples shipped in
``tests/fixtures/survey`` (see its README), closed-form textbook variances, hypothesis
properties and every validation branch.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from utils.methods.survey_design import (
    ReplicateResult,
    SurveyEstimate,
    design_effects,
    proportion_interval,
    replicate_estimate,
    replicate_weights,
    survey_design,
    survey_mean,
    survey_proportion,
    survey_ratio,
    survey_total,
)

FIX = Path(__file__).parent / "fixtures" / "survey"
FAST = settings(max_examples=25, deadline=None)

# Published R survey output, Lumley's "Summary statistics" example page:
# http://r-survey.r-forge.r-project.org/survey/example-summary.html
#   dclus1 <- svydesign(id=~dnum, weights=~pw, data=apiclus1, fpc=~fpc)
#   rclus1 <- as.svrepdesign(dclus1)            # JK1 jackknife, 15 replicates
SUMMARY_PAGE = "http://r-survey.r-forge.r-project.org/survey/example-summary.html"
# Published R survey output, Lumley's "Domain estimators" example page:
# http://r-survey.r-forge.r-project.org/survey/example-domain.html
DOMAIN_PAGE = "http://r-survey.r-forge.r-project.org/survey/example-domain.html"


@pytest.fixture(scope="module")
def clus1() -> pd.DataFrame:
    df = pd.read_csv(FIX / "apiclus1.csv", dtype={"cds": str})
    for s in "EHM":
        df[f"is{s}"] = (df["stype"] == s).astype(float)
    df["both"] = (df["sch.wide"] == "Yes") & (df["comp.imp"] == "Yes")
    df["cell"] = df["stype"] + "." + df["sch.wide"]
    return df


@pytest.fixture(scope="module")
def dclus1(clus1):
    return survey_design(clus1, weight="pw", psu="dnum", fpc="fpc")


# ----------------------------------------------------------------------------------------------
# published outputs
# ----------------------------------------------------------------------------------------------
def test_cluster_mean_matches_r_survey(dclus1):
    # SUMMARY_PAGE: svymean(~api00+api99+stype, dclus1)
    #   api00 644.169399 23.5422; api99 606.978142 24.2250
    api00 = survey_mean(dclus1, "api00")
    assert api00.estimate == pytest.approx(644.169399, abs=5e-7)
    assert api00.se == pytest.approx(23.5422, abs=5e-5)
    api99 = survey_mean(dclus1, "api99")
    assert api99.estimate == pytest.approx(606.978142, abs=5e-7)
    assert api99.se == pytest.approx(24.2250, abs=5e-5)


def test_cluster_proportions_match_r_survey(dclus1):
    # SUMMARY_PAGE: stypeE 0.786885 0.0463; stypeH 0.076503 0.0268; stypeM 0.136612 0.0296
    published = {"isE": (0.786885, 0.0463), "isH": (0.076503, 0.0268), "isM": (0.136612, 0.0296)}
    for col, (p, se) in published.items():
        est = survey_proportion(dclus1, col)
        assert est.estimate == pytest.approx(p, abs=5e-7)
        assert est.se == pytest.approx(se, abs=5e-5)


def test_cluster_totals_match_r_survey(dclus1):
    # SUMMARY_PAGE: svytotal(~enroll+stype, dclus1)
    #   enroll 3404940.13 932235.03; stypeE 4873.97 1333.32; stypeH 473.86 158.70;
    #   stypeM 846.17 167.55
    enroll = survey_total(dclus1, "enroll")
    assert enroll.estimate == pytest.approx(3404940.13, abs=0.005)
    assert enroll.se == pytest.approx(932235.03, abs=0.005)
    for col, (tot, se) in {
        "isE": (4873.97, 1333.32),
        "isH": (473.86, 158.70),
        "isM": (846.17, 167.55),
    }.items():
        est = survey_total(dclus1, col)
        assert est.estimate == pytest.approx(tot, abs=0.005)
        assert est.se == pytest.approx(se, abs=0.005)


def test_jackknife_matches_r_survey_jk1_with_fpc(dclus1):
    # SUMMARY_PAGE: svymean(~api00+api99+stype, rclus1) (JK1 from as.svrepdesign(dclus1))
    #   api00 644.169399 26.3294; api99 606.978142 26.9985;
    #   stypeE 0.0514; stypeH 0.0278; stypeM 0.0332
    # R multiplies the JK1 coefficients by (1 - 15/757) because dclus1 has an fpc.
    assert survey_mean(dclus1, "api00", variance="jackknife").se == pytest.approx(26.3294, abs=5e-5)
    assert survey_mean(dclus1, "api99", variance="jackknife").se == pytest.approx(26.9985, abs=5e-5)
    for col, se in {"isE": 0.0514, "isH": 0.0278, "isM": 0.0332}.items():
        assert survey_proportion(dclus1, col, variance="jackknife").se == pytest.approx(
            se, abs=5e-5
        )
    # SUMMARY_PAGE: svytotal(~enroll, rclus1): 3404940.13 932235.03 (a total's JK1 SE equals
    # the linearised one in a one-stage cluster sample)
    jk = survey_total(dclus1, "enroll", variance="jackknife")
    assert jk.se == pytest.approx(932235.03, abs=0.005)


def test_domain_total_matches_r_survey_subset(dclus1):
    # DOMAIN_PAGE: svytotal(~enroll, subset(dclus1, sch.wide=="Yes" & comp.imp=="Yes"))
    #   total 2406420, SE 645444 (same for rclus1)
    for variance in ("linearization", "jackknife"):
        est = survey_total(dclus1, "enroll", domain="both", variance=variance)
        row = est.table.loc[True]
        assert row["estimate"] == pytest.approx(2406420, abs=0.5)
        assert row["se"] == pytest.approx(645444, abs=0.5)


def test_domain_means_match_r_survey_svyby(dclus1):
    # DOMAIN_PAGE: svyby(~api99+api00, ~stype+sch.wide, dclus1, svymean, keep.var=TRUE)
    #   statistic.api00 and SE2 columns
    published = {
        "E.No": (596.3333, 43.49010),
        "E.Yes": (653.6439, 20.31720),
        "H.No": (659.3333, 27.00275),
        "H.Yes": (607.4545, 43.70468),
        "M.No": (606.3750, 41.11686),
    }
    table = survey_mean(dclus1, "api00", domain="cell").table
    for cell, (mean, se) in published.items():
        assert table.loc[cell, "estimate"] == pytest.approx(mean, abs=5e-5)
        assert table.loc[cell, "se"] == pytest.approx(se, abs=5e-6)


def test_domain_is_not_subsetting(dclus1, clus1):
    # Estimating in a subset throws away the PSUs without domain members (and the zeros they
    # contribute to the between-PSU variance): the domain SE differs from the subset SE.
    full = survey_total(dclus1, "enroll", domain="both").table.loc[True, "se"]
    sub = survey_design(clus1[clus1["both"]], weight="pw", psu="dnum", fpc="fpc")
    assert survey_total(sub, "enroll").se != pytest.approx(full, rel=1e-3)


def test_two_stage_with_fpc_matches_r_survey():
    # R: dclus2 <- svydesign(id=~dnum+snum, fpc=~fpc1+fpc2, data=apiclus2); svymean(~api00, dclus2)
    #   api00 670.81 30.099 - the design of the api help page
    #   (https://r-survey.r-forge.r-project.org/pkgdown/docs/reference/api.html); the printed
    #   output is quoted in svy's R-parity tests,
    #   https://github.com/samplics-org/svy/blob/main/packages/svy/tests/svy/estimation/test_two_stage.py
    c2 = pd.read_csv(FIX / "apiclus2.csv", dtype={"cds": str})
    d = survey_design(c2, weight="pw", psu="dnum", ssu="snum", fpc="fpc1", fpc_ssu="fpc2")
    est = survey_mean(d, "api00")
    assert est.estimate == pytest.approx(670.81, abs=5e-3)
    assert est.se == pytest.approx(30.099, abs=5e-4)
    # Without the fpc the ultimate-cluster (with-replacement) SE is larger.
    assert survey_mean(survey_design(c2, weight="pw", psu="dnum"), "api00").se > 30.5


def test_ratio_linearisation_by_hand(dclus1, clus1):
    # Ratio SE from its definition: z_i = w_i (y_i - R x_i) / sum w x, ultimate-cluster variance
    # with fpc (Lumley 2010) - computed here with pandas, independent of svy.
    est = survey_ratio(dclus1, "api.stu", "enroll")
    w, y, x = clus1["pw"], clus1["api.stu"], clus1["enroll"]
    r = (w * y).sum() / (w * x).sum()
    z = (w * (y - r * x) / (w * x).sum()).groupby(clus1["dnum"]).sum()
    n = z.size
    var = (1 - n / 757) * n / (n - 1) * ((z - z.mean()) ** 2).sum()
    assert est.estimate == pytest.approx(r, rel=1e-12)
    assert est.se == pytest.approx(np.sqrt(var), rel=1e-9)


# ----------------------------------------------------------------------------------------------
# closed-form checks
# ----------------------------------------------------------------------------------------------
def test_stratified_srs_with_fpc_textbook_formula():
    # Stratified SRS without replacement, the textbook variance of Cochran, W. G. (1977),
    # Sampling Techniques, 3rd ed., Wiley (listed in
    # https://support.sas.com/documentation/cdl/en/statug/63962/HTML/default/statug_introsamp_sect012.htm):
    # V(ybar_st) = sum_h (N_h/N)^2 (1 - n_h/N_h) s_h^2 / n_h
    st_ = pd.read_csv(FIX / "apistrat.csv", dtype={"cds": str})
    # exact weights N_h / n_h (the shipped pw is rounded to 2 decimals)
    st_["w"] = st_["fpc"] / st_.groupby("stype")["fpc"].transform("size")
    d = survey_design(st_, weight="w", strata="stype", fpc="fpc")
    g = st_.groupby("stype")
    big_n, n_h, s2 = g["fpc"].first(), g.size(), g["api00"].var(ddof=1)
    share = big_n / big_n.sum()
    mean = (share * g["api00"].mean()).sum()
    var = (share**2 * (1 - n_h / big_n) * s2 / n_h).sum()
    est = survey_mean(d, "api00")
    assert est.estimate == pytest.approx(mean, rel=1e-12)
    assert est.se == pytest.approx(np.sqrt(var), rel=1e-9)


def test_srs_gives_textbook_se_with_and_without_fpc():
    srs = pd.read_csv(FIX / "apisrs.csv", dtype={"cds": str})
    y = srs["api00"]
    n, big_n = len(y), srs["fpc"].iloc[0]
    s = y.std(ddof=1)
    no_fpc = survey_mean(survey_design(srs), "api00")
    assert no_fpc.se == pytest.approx(s / np.sqrt(n), rel=1e-10)
    with_fpc = survey_mean(survey_design(srs, weight="pw", fpc="fpc"), "api00")
    assert with_fpc.se == pytest.approx(s / np.sqrt(n) * np.sqrt(1 - n / big_n), rel=1e-10)
    assert with_fpc.estimate == pytest.approx(y.mean(), rel=1e-12)


def test_interval_is_t_with_design_df(dclus1):
    est = survey_mean(dclus1, "api00", confidence=0.9)
    row = est.table.iloc[0]
    t = stats.t.ppf(0.95, 14)
    assert row["df"] == 14
    assert row["ci_low"] == pytest.approx(row["estimate"] - t * row["se"], rel=1e-10)


def test_korn_graubard_and_logit_intervals(dclus1):
    # Korn & Graubard (1998): Clopper-Pearson with n* = p(1-p)/se^2 (t_{n-1}/t_df)^2
    est = survey_proportion(dclus1, "isH", interval="korn-graubard")
    row = est.table.iloc[0]
    p, se, n, df = row["estimate"], row["se"], row["n"], row["df"]
    n_eff = p * (1 - p) / se**2 * (stats.t.ppf(0.975, n - 1) / stats.t.ppf(0.975, df)) ** 2
    x = n_eff * p
    assert row["ci_low"] == pytest.approx(stats.beta.ppf(0.025, x, n_eff - x + 1), rel=1e-10)
    assert row["ci_high"] == pytest.approx(stats.beta.ppf(0.975, x + 1, n_eff - x), rel=1e-10)
    # logit: symmetric on the log-odds scale, inside (0, 1) although p - 2 se < 0.03
    lg = survey_proportion(dclus1, "isH").table.iloc[0]
    logit = np.log(
        np.array([lg["ci_low"], p, lg["ci_high"]])
        / (1 - np.array([lg["ci_low"], p, lg["ci_high"]]))
    )
    assert logit[1] - logit[0] == pytest.approx(logit[2] - logit[1], rel=1e-10)
    assert 0 < lg["ci_low"] < p < lg["ci_high"] < 1


def test_proportion_interval_edges():
    assert np.isnan(proportion_interval(0.0, 0.0, n=10, df=9)[0])
    lo, hi = proportion_interval(0.0, 0.0, n=10, df=9, interval="korn-graubard")
    assert lo == 0.0 and hi == pytest.approx(1 - 0.025 ** (1 / 10), rel=1e-10)
    with pytest.raises(ValueError, match="p: must lie"):
        proportion_interval(1.5, 0.1, n=10, df=9)


def test_design_effects_table(dclus1):
    tab = design_effects(dclus1, ["api00"])
    row = tab.loc["api00"]
    assert row["se"] == pytest.approx(23.542241, abs=1e-6)
    assert row["n_effective"] == pytest.approx(183 / row["deff"])
    assert row["icc"] == pytest.approx((row["deff"] - 1) / (183 / 15 - 1))
    # deff = V_design / V_SRSWOR, V_SRSWOR = (1 - n/N) s_w^2 / n with the weighted variance
    w, y = dclus1.data["pw"], dclus1.data["api00"]
    mu = (w * y).sum() / w.sum()
    s2 = (w * (y - mu) ** 2).sum() / w.sum() * 183 / 182
    v_srs = (1 - 183 / w.sum()) * s2 / 183
    assert row["deff"] == pytest.approx(row["se"] ** 2 / v_srs, rel=1e-6)


def test_naive_is_unweighted_iid(dclus1, clus1):
    est = survey_mean(dclus1, "api00", variance="naive")
    y = clus1["api00"]
    assert est.estimate == pytest.approx(y.mean())
    assert est.se == pytest.approx(y.std(ddof=1) / np.sqrt(len(y)))
    assert est.se < survey_mean(dclus1, "api00").se / 2  # clustering ignored


# ----------------------------------------------------------------------------------------------
# replicate weights
# ----------------------------------------------------------------------------------------------
def test_rao_wu_rescaling_structure():
    st_ = pd.read_csv(FIX / "apistrat.csv", dtype={"cds": str})
    d = survey_design(st_, weight="pw", strata="stype")
    rw = replicate_weights(d, n_resamples=50, seed=7)
    assert rw.weights.shape == (200, 50)
    assert np.allclose(rw.coefficients, 1 / 49)  # R survey: 1/(R-1)
    factor = rw.weights / st_["pw"].to_numpy()[:, None]
    for _, idx in st_.groupby("stype").indices.items():
        n_h = idx.size  # each school is a PSU
        draws = factor[idx] * (n_h - 1) / n_h  # m_hi, integer counts
        assert np.allclose(draws, np.round(draws))
        assert np.allclose(draws.sum(axis=0), n_h - 1)


def test_bootstrap_seeded_and_close_to_taylor(clus1):
    d = survey_design(clus1, weight="pw", psu="dnum")  # no fpc: the bootstrap has none either
    a = survey_mean(d, "api00", variance="bootstrap", n_resamples=200, seed=1)
    b = survey_mean(d, "api00", variance="bootstrap", n_resamples=200, seed=1)
    c = survey_mean(d, "api00", variance="bootstrap", n_resamples=200, seed=2)
    assert a.se == b.se and a.se != c.se
    taylor = survey_mean(d, "api00").se
    assert survey_mean(d, "api00", variance="bootstrap", n_resamples=2000).se == pytest.approx(
        taylor, rel=0.1
    )


def test_replicate_estimate_any_statistic(dclus1):
    def two_means(data, w):
        return pd.Series(
            {"api00": w @ data["api00"] / w.sum(), "api99": w @ data["api99"] / w.sum()}
        )

    res = replicate_estimate(dclus1, two_means, method="jackknife")
    assert isinstance(res, ReplicateResult)
    assert res.se["api00"] == pytest.approx(26.3294, abs=5e-5)  # SUMMARY_PAGE, rclus1
    assert res.replicates.shape == (15, 2)
    frame = res.to_frame()
    assert list(frame.columns[:4]) == ["estimate", "se", "ci_low", "ci_high"]
    reps = replicate_weights(dclus1, method="jackknife")
    again = replicate_estimate(dclus1, two_means, replicates=reps)
    assert again.se["api99"] == pytest.approx(26.9985, abs=5e-5)


def test_replicate_estimate_errors(dclus1):
    with pytest.raises(ValueError, match="statistic: must be a function"):
        replicate_estimate(dclus1, 3.0)
    with pytest.raises(ValueError, match="not finite"):
        replicate_estimate(dclus1, lambda d, w: np.nan, method="jackknife")
    other = survey_design(pd.DataFrame({"y": [1.0, 2.0]}))
    reps = replicate_weights(dclus1, method="jackknife")
    with pytest.raises(ValueError, match="replicates: has 183 rows"):
        replicate_estimate(other, lambda d, w: 1.0, replicates=reps)


# ----------------------------------------------------------------------------------------------
# properties
# ----------------------------------------------------------------------------------------------
_values = st.lists(st.floats(-100, 100, allow_nan=False), min_size=6, max_size=30)


@FAST
@given(_values, st.floats(0.01, 1000))
def test_scaling_weights_leaves_mean_and_se_unchanged(values, scale):
    n = len(values)
    df = pd.DataFrame({"y": values, "w": np.linspace(1, 3, n), "v": np.arange(n) // 2})
    df = df[df.groupby("v")["y"].transform("size") == 2]
    if df["y"].nunique() < 2:
        return
    a = survey_mean(survey_design(df, weight="w", psu="v"), "y")
    b = survey_mean(survey_design(df.assign(w=df["w"] * scale), weight="w", psu="v"), "y")
    assert b.estimate == pytest.approx(a.estimate, rel=1e-9, abs=1e-9)
    assert b.se == pytest.approx(a.se, rel=1e-7, abs=1e-9)


@FAST
@given(_values)
def test_srs_design_gives_classical_se_and_jackknife_agrees(values):
    y = np.asarray(values)
    if np.ptp(y) == 0:
        return
    d = survey_design(pd.DataFrame({"y": y}))
    classical = y.std(ddof=1) / np.sqrt(y.size)
    assert survey_mean(d, "y").se == pytest.approx(classical, rel=1e-8)
    assert survey_mean(d, "y", variance="naive").se == pytest.approx(classical, rel=1e-8)
    # the delete-one jackknife of a mean is exactly s / sqrt(n)
    assert survey_mean(d, "y", variance="jackknife").se == pytest.approx(classical, rel=1e-8)


@FAST
@given(_values, st.integers(0, 2**31))
def test_domain_totals_add_up(values, seed):
    rng = np.random.default_rng(seed)
    n = len(values)
    df = pd.DataFrame({"y": values, "g": rng.integers(0, 2, n), "w": rng.uniform(1, 5, n)})
    d = survey_design(df, weight="w")
    table = survey_total(d, "y", domain="g").table
    assert table["estimate"].sum() == pytest.approx(survey_total(d, "y").estimate, abs=1e-6)


# ----------------------------------------------------------------------------------------------
# validation and lonely PSUs
# ----------------------------------------------------------------------------------------------
def _lonely() -> pd.DataFrame:
    return pd.DataFrame(
        {"y": [1.0, 2, 3, 4, 5, 9], "h": ["a", "a", "a", "a", "b", "b"], "v": [1, 1, 2, 2, 3, 3]}
    )


def test_lonely_psu_refused_with_clear_message():
    with pytest.raises(ValueError, match=r"\['b'\] have a single PSU"):
        survey_design(_lonely(), strata="h", psu="v")


def test_lonely_psu_rules_documented_behaviour():
    df = _lonely()
    removed = survey_mean(survey_design(df, strata="h", psu="v", lonely_psu="remove"), "y")
    adjusted = survey_mean(survey_design(df, strata="h", psu="v", lonely_psu="adjust"), "y")
    # "remove": stratum b contributes nothing; "adjust" centres its PSU on the grand mean,
    # which adds variance (conservative)
    assert adjusted.se > removed.se > 0
    # "remove" equals the variance of stratum a alone, scaled to the full weight total
    z_a = np.array([1.5 - 4.0, 3.5 - 4.0]) * 2 / 6
    assert removed.se == pytest.approx(np.sqrt(2 * ((z_a - z_a.mean()) ** 2).sum()), rel=1e-10)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"weight": "nope"}, "weight: column 'nope' is not in data"),
        ({"lonely_psu": "drop"}, "lonely_psu"),
        ({"fpc_ssu": "fpc"}, "fpc_ssu: needs psu, ssu and fpc"),
    ],
)
def test_design_argument_errors(clus1, kwargs, message):
    with pytest.raises(ValueError, match=message):
        survey_design(clus1, **kwargs)


def test_design_data_errors(clus1):
    bad = clus1.copy()
    bad.loc[bad.index[3], "pw"] = 0.0
    with pytest.raises(ValueError, match="row 3 has 0.0"):
        survey_design(bad, weight="pw")
    bad = clus1.copy()
    bad.loc[bad.index[5], "dnum"] = np.nan
    with pytest.raises(ValueError, match="psu: column 'dnum' is missing at row 5"):
        survey_design(bad, psu="dnum")
    with pytest.raises(ValueError, match="fpc: stratum 'all' has 15 sampled PSUs"):
        survey_design(clus1.assign(fpc=10), psu="dnum", fpc="fpc")
    with pytest.raises(ValueError, match="constant within each stratum"):
        survey_design(clus1.assign(fpc=np.arange(len(clus1)) + 800), psu="dnum", fpc="fpc")
    with pytest.raises(ValueError, match="data: expected a pandas DataFrame"):
        survey_design([[1, 2]])


def test_estimator_errors(dclus1, clus1):
    with pytest.raises(ValueError, match="variance"):
        survey_mean(dclus1, "api00", variance="sandwich")
    with pytest.raises(ValueError, match="'nope' is not in the design's data"):
        survey_mean(dclus1, "nope")
    with pytest.raises(ValueError, match="'stype' is not numeric"):
        survey_mean(dclus1, "stype")
    with pytest.raises(ValueError, match="'naive' is not defined for a total"):
        survey_total(dclus1, "enroll", variance="naive")
    with pytest.raises(ValueError, match="must hold 0/1"):
        survey_proportion(dclus1, "api00")
    with pytest.raises(ValueError, match="n_resamples: must be at least 2"):
        survey_mean(dclus1, "api00", variance="bootstrap", n_resamples=1)
    with pytest.raises(ValueError, match="domain: column 'zz'"):
        survey_mean(dclus1, "api00", domain="zz")
    with pytest.raises(ValueError, match="design: expected a SurveyDesign"):
        survey_mean(clus1, "api00")
    missing = survey_design(clus1.assign(api00=clus1["api00"].where(clus1.index != 4)))
    with pytest.raises(ValueError, match="missing at row 4"):
        survey_mean(missing, "api00")
    est = survey_mean(dclus1, "api00", domain="stype")
    with pytest.raises(ValueError, match="3 domains"):
        _ = est.estimate
    assert isinstance(est, SurveyEstimate)
    assert set(est.to_frame()["statistic"]) == {"mean"}


def test_boolean_proportion_and_summary(dclus1):
    est = survey_proportion(dclus1, "both")
    assert 0 < est.estimate < 1
    s = dclus1.summary()
    assert s.loc[0, "n_psu"] == 15 and s.loc[0, "df"] == 14


def test_replicate_domain_empty_in_a_replicate_is_reported():
    df = pd.DataFrame(
        {"y": np.arange(8.0), "v": [1, 1, 2, 2, 3, 3, 4, 4], "g": [1, 1, 0, 0, 0, 0, 0, 0]}
    )
    d = survey_design(df, psu="v")
    with pytest.raises(ValueError, match=r"domain: level \d is empty in \d+ bootstrap"):
        survey_mean(d, "y", domain="g", variance="bootstrap", n_resamples=50, seed=3)
    # the jackknife drops one PSU at a time and says the same for the replicate without it
    with pytest.raises(ValueError, match="level 1 is empty in 1 jackknife"):
        survey_mean(d, "y", domain="g", variance="jackknife")


def test_naive_proportion_by_domain(dclus1):
    est = survey_proportion(dclus1, "isE", domain="sch.wide", variance="naive")
    table = est.table
    assert set(table.index) == {"No", "Yes"}
    sub = dclus1.data.loc[dclus1.data["sch.wide"] == "No", "isE"]
    assert table.loc["No", "estimate"] == pytest.approx(sub.mean())
    assert 0 <= table.loc["No", "ci_low"] < table.loc["No", "estimate"] < table.loc["No", "ci_high"]
