"""Tests for utils.methods.reliability: published pingouin / R psych values, closed-form examples,
cross-checks against pingouin, invariance properties and every validation branch."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pingouin as pg
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from utils.methods.reliability import (
    AlphaResult,
    average_variance_extracted,
    bartlett_sphericity,
    composite_reliability,
    cronbach_alpha,
    exploratory_factor_analysis,
    factor_correspondence,
    item_analysis,
    kmo,
    parallel_analysis,
)

FAST = settings(max_examples=50, deadline=None)


def exact_sample(cov, n: int, seed: int = 0, means=None, names=None) -> pd.DataFrame:
    """Data whose *sample* covariance (ddof=1) is exactly ``cov``.

    Normal draws are centred and whitened to an identity sample covariance, then coloured with
    the Cholesky factor of ``cov`` - so closed-form population results hold exactly in-sample.
    """
    cov = np.asarray(cov, dtype=float)
    p = cov.shape[0]
    z = np.random.default_rng(seed).standard_normal((n, p))
    z -= z.mean(axis=0)
    z = z @ np.linalg.inv(np.linalg.cholesky(np.cov(z, rowvar=False))).T
    x = z @ np.linalg.cholesky(cov).T
    if means is not None:
        x = x + np.asarray(means, dtype=float)
    names = names or [f"x{j + 1}" for j in range(p)]
    return pd.DataFrame(x, columns=names)


def equicorrelation(p: int, r: float, var: float = 1.0) -> np.ndarray:
    return var * ((1 - r) * np.eye(p) + r * np.ones((p, p)))


def likert(n: int, k: int, seed: int) -> pd.DataFrame:
    """Correlated 1-5 ratings (one common factor)."""
    rng = np.random.default_rng(seed)
    latent = rng.standard_normal((n, 1))
    raw = latent + rng.standard_normal((n, k))
    return pd.DataFrame(np.clip(np.round(raw + 3), 1, 5), columns=[f"Q{j + 1}" for j in range(k)])


# ----------------------------------------------------------------------------------------------
# Cronbach's alpha: published values
# ----------------------------------------------------------------------------------------------
def test_alpha_pairwise_matches_published_psych_value():
    """pingouin docs, ``cronbach_alpha`` example (dataset 'cronbach_wide_missing'), stated to equal
    R ``psych::alpha(data, use="pairwise")``: alpha = 0.732660835214447, 95 % CI [0.435, 0.909]."""
    data = pg.read_dataset("cronbach_wide_missing")
    res = cronbach_alpha(data, nan_policy="pairwise")
    assert res.alpha == pytest.approx(0.732660835214447, abs=1e-12)
    assert (round(res.ci_low, 3), round(res.ci_high, 3)) == (0.435, 0.909)
    assert (res.n_items, res.n_obs) == (11, 12)


def test_alpha_listwise_matches_published_psych_value():
    """pingouin docs: ``psych::alpha(data, use="complete.obs")`` on 'cronbach_wide_missing' gives
    alpha = 0.8016949152542373. The interval uses the 9 complete rows (Feldt with n = 9); we check
    it against pingouin run on the complete rows only (pingouin keeps n = 12 under listwise)."""
    data = pg.read_dataset("cronbach_wide_missing")
    res = cronbach_alpha(data)  # listwise is the default
    assert res.alpha == pytest.approx(0.8016949152542373, abs=1e-12)
    assert res.n_obs == 9
    _, ci = pg.cronbach_alpha(data.dropna())
    assert [round(res.ci_low, 3), round(res.ci_high, 3)] == list(ci)


def test_alpha_likert_long_format_published_value():
    """pingouin docs: 'cronbach_alpha' dataset (long format, 15 subjects x 10 items) gives
    alpha = 0.5917188485995826, 95 % CI [0.195, 0.84]."""
    long = pg.read_dataset("cronbach_alpha")
    wide = long.pivot(index="Subj", columns="Items", values="Scores")
    res = cronbach_alpha(wide)
    assert res.alpha == pytest.approx(0.5917188485995826, abs=1e-12)
    assert (round(res.ci_low, 3), round(res.ci_high, 3)) == (0.195, 0.84)


def test_alpha_closed_form_equal_covariances():
    """Closed form (derivable by hand): k items with variance v and covariance c give
    alpha = k c / (v + (k - 1) c). k = 4, v = 2, c = 1 -> 4 / 5 = 0.8."""
    data = exact_sample(equicorrelation(4, 0.5, var=2.0), n=60, seed=3)
    assert cronbach_alpha(data).alpha == pytest.approx(0.8, abs=1e-12)


def test_alpha_negative_when_items_covary_negatively():
    """Closed form: two items with v = 1, c = -0.5 -> alpha = 2 (-0.5) / (1 - 0.5) = -2."""
    data = exact_sample(equicorrelation(2, -0.5), n=40, seed=1)
    assert cronbach_alpha(data).alpha == pytest.approx(-2.0, abs=1e-12)


def test_feldt_interval_closed_form():
    """Feldt interval computed by hand from the F quantiles (n = 60, k = 4, alpha = 0.8)."""
    data = exact_sample(equicorrelation(4, 0.5, var=2.0), n=60, seed=3)
    res = cronbach_alpha(data, ci=0.90)
    f_hi, f_lo = stats.f.ppf([0.95, 0.05], 59, 59 * 3)
    assert res.ci_low == pytest.approx(1 - 0.2 * f_hi, rel=1e-10)
    assert res.ci_high == pytest.approx(1 - 0.2 * f_lo, rel=1e-10)
    assert isinstance(res, AlphaResult)


@FAST
@given(
    n=st.integers(5, 60),
    k=st.integers(2, 8),
    seed=st.integers(0, 10_000),
    ci=st.sampled_from([0.9, 0.95, 0.99]),
)
def test_alpha_agrees_with_pingouin(n, k, seed, ci):
    data = likert(n, k, seed)
    if (data.var() == 0).any():
        return
    ours = cronbach_alpha(data, ci=ci)
    theirs, their_ci = pg.cronbach_alpha(data, ci=ci)
    assert ours.alpha == pytest.approx(theirs, rel=1e-9, abs=1e-9)
    assert round(ours.ci_low, 3) == pytest.approx(their_ci[0], abs=1e-9)
    assert round(ours.ci_high, 3) == pytest.approx(their_ci[1], abs=1e-9)
    assert ours.ci_low <= ours.alpha <= ours.ci_high


@FAST
@given(
    n=st.integers(8, 60),
    k=st.integers(2, 8),
    seed=st.integers(0, 10_000),
    share=st.floats(0.0, 0.2),
)
def test_alpha_pairwise_agrees_with_pingouin_under_missingness(n, k, seed, share):
    """pingouin's pairwise path uses pandas' pairwise-complete covariance (as R psych)."""
    data = likert(n, k, seed) + 100  # a large mean tests the centred one-pass covariance
    data = data.mask(np.random.default_rng(seed).random(data.shape) < share)
    cov = data.cov(min_periods=2)
    if cov.isna().any().any() or (np.diag(cov) == 0).any():
        return
    ours = cronbach_alpha(data, nan_policy="pairwise")
    theirs, their_ci = pg.cronbach_alpha(data, nan_policy="pairwise")
    assert ours.alpha == pytest.approx(theirs, rel=1e-9, abs=1e-9)
    assert [round(ours.ci_low, 3), round(ours.ci_high, 3)] == pytest.approx(list(their_ci))
    if k >= 3:  # item sds come from the same pairwise covariance matrix
        sd = item_analysis(data, nan_policy="pairwise")["sd"].to_numpy()
        np.testing.assert_allclose(sd, np.sqrt(np.diag(cov)), atol=1e-9)


@FAST
@given(seed=st.integers(0, 10_000), shift=st.floats(-50, 50), scale=st.floats(0.1, 10))
def test_alpha_invariant_to_common_affine_change_and_column_order(seed, shift, scale):
    data = likert(40, 5, seed)
    if (data.var() == 0).any():
        return
    base = cronbach_alpha(data).alpha
    assert cronbach_alpha(data * scale + shift).alpha == pytest.approx(base, abs=1e-9)
    assert cronbach_alpha(data[data.columns[::-1]]).alpha == pytest.approx(base, abs=1e-9)


@FAST
@given(seed=st.integers(0, 10_000))
def test_alpha_pairwise_equals_listwise_without_missing(seed):
    data = likert(30, 4, seed)
    if (data.var() == 0).any():
        return
    a = cronbach_alpha(data)
    b = cronbach_alpha(data, nan_policy="pairwise")
    assert a.alpha == pytest.approx(b.alpha, abs=1e-12)


def test_alpha_accepts_arrays():
    data = exact_sample(equicorrelation(3, 0.5), n=30, seed=2)
    assert cronbach_alpha(data.to_numpy()).alpha == pytest.approx(0.75, abs=1e-12)


# ----------------------------------------------------------------------------------------------
# Cronbach's alpha: validation
# ----------------------------------------------------------------------------------------------
def test_alpha_rejects_bad_nan_policy():
    with pytest.raises(ValueError, match=r"nan_policy: 'drop' is not one of"):
        cronbach_alpha(likert(10, 3, 0), nan_policy="drop")


@pytest.mark.parametrize("ci", [0, 1, 1.5, -0.1])
def test_alpha_rejects_ci_outside_unit_interval(ci):
    with pytest.raises(ValueError, match=r"ci: must be a number strictly between 0 and 1"):
        cronbach_alpha(likert(10, 3, 0), ci=ci)


def test_alpha_rejects_non_numeric_ci():
    with pytest.raises(ValueError, match=r"ci: must be a number"):
        cronbach_alpha(likert(10, 3, 0), ci="high")


def test_alpha_rejects_single_item():
    with pytest.raises(ValueError, match=r"items: needs at least 2 items \(columns\), got 1"):
        cronbach_alpha(likert(10, 1, 0))


def test_alpha_rejects_infinite_values():
    data = likert(10, 3, 0)
    data.loc[4, "Q2"] = np.inf
    with pytest.raises(ValueError, match=r"infinite values \(first at row 4, column 'Q2'\)"):
        cronbach_alpha(data)


def test_alpha_rejects_all_missing_column():
    data = likert(10, 3, 0)
    data["Q3"] = np.nan
    with pytest.raises(ValueError, match=r"columns \['Q3'\] have no observed values"):
        cronbach_alpha(data)


def test_alpha_rejects_too_few_complete_rows():
    data = likert(4, 3, 0)
    data.loc[[0, 1, 2], "Q1"] = np.nan
    with pytest.raises(ValueError, match=r"listwise deletion leaves 1 complete row"):
        cronbach_alpha(data)


def test_alpha_rejects_single_row():
    with pytest.raises(ValueError, match=r"at least 2 rows"):
        cronbach_alpha(pd.DataFrame({"a": [1.0], "b": [2.0]}))


def test_alpha_rejects_zero_variance_item():
    data = likert(10, 3, 0)
    data["Q2"] = 3.0
    with pytest.raises(ValueError, match=r"columns \['Q2'\] have zero variance"):
        cronbach_alpha(data)


def test_alpha_pairwise_rejects_zero_variance_item():
    data = likert(10, 3, 0)
    data["Q2"] = 3.0
    data.loc[0, "Q1"] = np.nan
    with pytest.raises(ValueError, match=r"columns \['Q2'\] have zero variance"):
        cronbach_alpha(data, nan_policy="pairwise")


def test_alpha_pairwise_rejects_items_never_observed_together():
    data = pd.DataFrame(
        {"a": [1, 2, 3, np.nan, np.nan], "b": [np.nan, np.nan, 2, 4, 5], "c": [1, 2, 3, 4, 5.0]}
    )
    with pytest.raises(ValueError, match=r"columns 'a' and 'b' have fewer than 2 rows observed"):
        cronbach_alpha(data, nan_policy="pairwise")


def test_alpha_rejects_non_numeric_column():
    data = likert(10, 3, 0).assign(Q2="x")
    with pytest.raises(ValueError, match=r"items: columns \['Q2'\] are not numeric"):
        cronbach_alpha(data)


# ----------------------------------------------------------------------------------------------
# item analysis
# ----------------------------------------------------------------------------------------------
def test_item_analysis_closed_form():
    """Closed form for k = 4 standardised items with r = 0.5: corrected item-total correlation
    = (k-1) r / sqrt((k-1)(1 + (k-2) r)) = 1.5 / sqrt(6) = 0.612372...; alpha if deleted = alpha
    of 3 such items = 3(0.5) / (1 + 2(0.5)) = 0.75; means as constructed, sd = 1."""
    data = exact_sample(equicorrelation(4, 0.5), n=50, seed=5, means=[1, 2, 3, 4])
    table = item_analysis(data)
    assert list(table.columns) == ["mean", "sd", "item_total_r", "alpha_if_deleted"]
    assert list(table.index) == ["x1", "x2", "x3", "x4"]
    np.testing.assert_allclose(table["mean"], [1, 2, 3, 4], atol=1e-12)
    np.testing.assert_allclose(table["sd"], 1, atol=1e-12)
    np.testing.assert_allclose(table["item_total_r"], 1.5 / np.sqrt(6), atol=1e-12)
    np.testing.assert_allclose(table["alpha_if_deleted"], 0.75, atol=1e-12)


def test_item_analysis_cross_checked_with_pingouin_and_numpy():
    """On pingouin's 'cronbach_alpha' data: alpha-if-deleted equals pingouin's alpha of the
    remaining items; the corrected item-total r equals numpy's correlation of the item with the
    sum of the other items."""
    long = pg.read_dataset("cronbach_alpha")
    wide = long.pivot(index="Subj", columns="Items", values="Scores")
    table = item_analysis(wide)
    for item in wide.columns:
        rest = wide.drop(columns=item)
        assert table.loc[item, "alpha_if_deleted"] == pytest.approx(
            pg.cronbach_alpha(rest)[0], abs=1e-12
        )
        r = np.corrcoef(wide[item], rest.sum(axis=1))[0, 1]
        assert table.loc[item, "item_total_r"] == pytest.approx(r, abs=1e-12)
        assert table.loc[item, "sd"] == pytest.approx(wide[item].std(), abs=1e-12)


def test_item_analysis_pairwise_means_use_observed_values():
    data = pg.read_dataset("cronbach_wide_missing")
    table = item_analysis(data, nan_policy="pairwise")
    np.testing.assert_allclose(table["mean"], data.mean(), atol=1e-12)


def test_item_analysis_rejects_two_items():
    with pytest.raises(ValueError, match=r"needs at least 3 items"):
        item_analysis(likert(20, 2, 0))


def test_item_analysis_rejects_bad_nan_policy():
    with pytest.raises(ValueError, match=r"nan_policy: 'x' is not one of"):
        item_analysis(likert(20, 3, 0), nan_policy="x")


# ----------------------------------------------------------------------------------------------
# KMO and Bartlett
# ----------------------------------------------------------------------------------------------
def test_kmo_two_variables_is_one_half():
    """Closed form: with two variables the partial correlation equals the correlation, so
    KMO = r^2 / (r^2 + r^2) = 0.5 overall and per item."""
    data = exact_sample([[1, 0.6], [0.6, 1]], n=50, seed=0, names=["a", "b"])
    res = kmo(data)
    assert res.overall == pytest.approx(0.5, abs=1e-12)
    np.testing.assert_allclose(res.per_item, 0.5, atol=1e-12)
    assert list(res.per_item.index) == ["a", "b"]


def test_kmo_equicorrelation_closed_form():
    """Closed form: three variables with common r have partial correlations r / (1 + r), so
    KMO = (1 + r)^2 / ((1 + r)^2 + 1); r = 0.5 -> 2.25 / 3.25 = 9/13 (overall and per item)."""
    data = exact_sample(equicorrelation(3, 0.5), n=80, seed=2)
    res = kmo(data)
    assert res.overall == pytest.approx(9 / 13, abs=1e-10)
    np.testing.assert_allclose(res.per_item, 9 / 13, atol=1e-10)


def test_bartlett_closed_form():
    """Closed form: |R| of a p x p equicorrelation matrix is (1-r)^(p-1) (1+(p-1) r); for p = 3,
    r = 0.5 that is 0.5. With n = 100: chi2 = -(99 - 11/6) ln 0.5, dof = 3."""
    data = exact_sample(equicorrelation(3, 0.5), n=100, seed=4)
    res = bartlett_sphericity(data)
    expected = -(99 - 11 / 6) * np.log(0.5)
    assert res.chi2 == pytest.approx(expected, rel=1e-10)
    assert res.dof == 3
    assert res.p_value == pytest.approx(stats.chi2.sf(expected, 3), rel=1e-8)


def test_bartlett_identity_correlation_gives_zero_statistic():
    """Closed form: an exactly uncorrelated sample has |R| = 1, so chi2 = 0 and p = 1."""
    res = bartlett_sphericity(exact_sample(np.eye(4), n=30, seed=1))
    assert res.chi2 == pytest.approx(0, abs=1e-9)
    assert res.p_value == pytest.approx(1.0)
    assert res.dof == 6


@FAST
@given(seed=st.integers(0, 10_000), scale=st.floats(0.1, 100))
def test_kmo_bartlett_properties(seed, scale):
    data = likert(60, 5, seed) + np.random.default_rng(seed).normal(0, 0.1, (60, 5))
    res = kmo(data)
    assert 0 <= res.overall <= 1
    assert ((res.per_item >= 0) & (res.per_item <= 1)).all()
    assert kmo(data * scale).overall == pytest.approx(res.overall, abs=1e-9)
    b = bartlett_sphericity(data)
    assert b.chi2 >= 0 and 0 <= b.p_value <= 1


@pytest.mark.parametrize("func", [kmo, bartlett_sphericity])
def test_factorability_rejects_one_column(func):
    with pytest.raises(ValueError, match=r"df: needs at least 2 columns"):
        func(likert(20, 1, 0))


@pytest.mark.parametrize("func", [kmo, bartlett_sphericity])
def test_factorability_rejects_too_few_rows(func):
    with pytest.raises(ValueError, match=r"more rows \(observations\) than columns.*got 4 rows"):
        func(likert(4, 4, 0))


@pytest.mark.parametrize("func", [kmo, bartlett_sphericity])
def test_factorability_rejects_constant_column(func):
    data = likert(20, 3, 0).assign(Q2=1.0)
    with pytest.raises(ValueError, match=r"columns \['Q2'\] have zero variance"):
        func(data)


@pytest.mark.parametrize("func", [kmo, bartlett_sphericity])
def test_factorability_rejects_singular_correlation(func):
    data = likert(30, 3, 0) + np.random.default_rng(0).normal(0, 0.1, (30, 3))
    data["total"] = data.sum(axis=1)
    with pytest.raises(ValueError, match=r"correlation matrix is singular"):
        func(data)


@pytest.mark.parametrize("func", [kmo, bartlett_sphericity])
def test_factorability_rejects_missing_values(func):
    data = likert(20, 3, 0)
    data.loc[3, "Q1"] = np.nan
    with pytest.raises(ValueError, match=r"df: contains NaN or infinite values \(first at row 3"):
        func(data)


# ----------------------------------------------------------------------------------------------
# parallel analysis
# ----------------------------------------------------------------------------------------------
def two_factor_data(n: int = 400, seed: int = 7) -> pd.DataFrame:
    lam = np.zeros((8, 2))
    lam[:4, 0] = [0.8, 0.75, 0.7, 0.65]
    lam[4:, 1] = [0.8, 0.75, 0.7, 0.65]
    cov = lam @ lam.T + np.diag(1 - (lam**2).sum(axis=1))
    return exact_sample(cov, n=n, seed=seed, names=[f"i{j}" for j in range(8)])


@pytest.mark.parametrize("method", ["pca", "fa"])
def test_parallel_analysis_recovers_two_factors(method):
    """Two well-separated factors with loadings .65-.8 (n = 400): Horn's rule keeps 2."""
    res = parallel_analysis(two_factor_data(), n_iter=50, method=method)
    assert res.n_factors == 2
    assert res.method == method
    assert list(res.to_frame().columns) == ["observed", "random_quantile", "retained"]
    assert res.to_frame()["retained"].sum() == 2


def test_parallel_analysis_pure_noise_keeps_nothing():
    """Exactly uncorrelated data: every observed PCA eigenvalue is 1, below the random 95th
    percentile of the first eigenvalue (> 1 for finite n), so none is kept."""
    res = parallel_analysis(exact_sample(np.eye(6), n=200, seed=9), n_iter=40)
    np.testing.assert_allclose(res.eigenvalues, 1, atol=1e-10)
    assert res.n_factors == 0


def test_parallel_analysis_random_eigenvalues_follow_marchenko_pastur():
    """Independent theory check: for n x p standard normal data the largest eigenvalue of the
    correlation matrix concentrates near (1 + sqrt(p/n))^2 (Marchenko & Pastur 1967; edge of the
    spectrum) and the smallest near (1 - sqrt(p/n))^2. n = 2000, p = 20 -> 1.2106 and 0.8094."""
    data = exact_sample(np.eye(20), n=2000, seed=1)
    res = parallel_analysis(data, n_iter=30, quantile=0.5)
    assert res.random_quantile.iloc[0] == pytest.approx((1 + np.sqrt(0.01)) ** 2, abs=0.03)
    assert res.random_quantile.iloc[-1] == pytest.approx((1 - np.sqrt(0.01)) ** 2, abs=0.03)


def test_parallel_analysis_is_reproducible_and_seeded():
    data = two_factor_data(n=150)
    a = parallel_analysis(data, n_iter=20, seed=1)
    b = parallel_analysis(data, n_iter=20, seed=1)
    c = parallel_analysis(data, n_iter=20, seed=2)
    pd.testing.assert_series_equal(a.random_quantile, b.random_quantile)
    assert not np.allclose(a.random_quantile, c.random_quantile)


@FAST
@given(seed=st.integers(0, 1000), q=st.floats(0.5, 0.99))
def test_parallel_analysis_properties(seed, q):
    data = likert(50, 5, seed) + np.random.default_rng(seed).normal(0, 0.1, (50, 5))
    res = parallel_analysis(data, n_iter=10, quantile=q, seed=seed)
    assert res.eigenvalues.sum() == pytest.approx(5, abs=1e-9)  # trace of R
    assert (np.diff(res.eigenvalues.to_numpy()) <= 1e-12).all()
    assert 0 <= res.n_factors <= 5
    assert (res.eigenvalues.iloc[: res.n_factors] > res.random_quantile.iloc[: res.n_factors]).all()
    lower = parallel_analysis(data, n_iter=10, quantile=q / 2, seed=seed)
    assert (lower.random_quantile <= res.random_quantile + 1e-12).all()


def test_parallel_analysis_rejects_bad_method():
    with pytest.raises(ValueError, match=r"method: 'ml' is not one of \['pca', 'fa'\]"):
        parallel_analysis(two_factor_data(), method="ml")


@pytest.mark.parametrize("n_iter", [0, -3, 2.5, True])
def test_parallel_analysis_rejects_bad_n_iter(n_iter):
    with pytest.raises(ValueError, match=r"n_iter: must be a positive integer"):
        parallel_analysis(two_factor_data(), n_iter=n_iter)


@pytest.mark.parametrize("q", [0, 1, 2])
def test_parallel_analysis_rejects_bad_quantile(q):
    with pytest.raises(ValueError, match=r"quantile: must be a number strictly between 0 and 1"):
        parallel_analysis(two_factor_data(), quantile=q)


def test_parallel_analysis_rejects_bad_seed():
    with pytest.raises(ValueError, match=r"seed: must be an integer"):
        parallel_analysis(two_factor_data(), seed="abc")


# ----------------------------------------------------------------------------------------------
# exploratory factor analysis
# ----------------------------------------------------------------------------------------------
@pytest.mark.parametrize("method", ["minres", "ml"])
def test_efa_one_factor_exact_structure(method):
    """Closed form: if R = l l' + diag(1 - l^2) exactly, the one-factor solution is l itself
    (both least squares and ML fit R exactly). l = (.8, .7, .6, .5)."""
    lam = np.array([0.8, 0.7, 0.6, 0.5])
    cov = np.outer(lam, lam) + np.diag(1 - lam**2)
    res = exploratory_factor_analysis(exact_sample(cov, n=300, seed=2), 1, method=method)
    np.testing.assert_allclose(res.loadings["F1"], lam, atol=2e-3)
    np.testing.assert_allclose(res.communalities, lam**2, atol=3e-3)
    assert res.phi is None


def test_efa_two_factor_independent_clusters_varimax():
    """Closed form: an independent-cluster structure is the varimax optimum, so the rotated
    minres loadings equal the generating ones; SS loadings are sums of squared loadings
    (each factor: .8^2+.75^2+.7^2+.65^2 = .64+.5625+.49+.4225 = 2.115; cumulative 4.23/8)."""
    data = two_factor_data()
    res = exploratory_factor_analysis(data, 2)
    expected = np.zeros((8, 2))
    expected[:4, 0] = expected[4:, 1] = [0.8, 0.75, 0.7, 0.65]
    # the two factors have equal SS, so their order is not identified: match by item i0
    load = res.loadings.to_numpy()
    if abs(load[0, 0]) < abs(load[0, 1]):
        load = load[:, ::-1]
    np.testing.assert_allclose(load, expected, atol=3e-3)
    assert list(res.loadings.columns) == ["F1", "F2"]
    assert list(res.variance.columns) == ["SS loadings", "proportion", "cumulative"]
    np.testing.assert_allclose(res.variance["SS loadings"], 2.115, atol=5e-3)
    np.testing.assert_allclose(res.variance["cumulative"].iloc[-1], 4.23 / 8, atol=5e-3)


def test_efa_sign_alignment_makes_loading_sums_positive():
    data = two_factor_data()
    flipped = data.copy()
    flipped[["i4", "i5", "i6", "i7"]] *= -1  # second cluster reverse-keyed
    res = exploratory_factor_analysis(flipped, 2, rotation="promax")
    assert (res.loadings.sum() > 0).all()
    assert res.phi is not None and res.phi.shape == (2, 2)
    ss = res.variance["SS loadings"].to_numpy()
    assert ss[0] >= ss[1]


def test_efa_one_factor_negative_items_are_aligned():
    lam = np.array([0.8, 0.7, 0.6, 0.5])
    cov = np.outer(lam, lam) + np.diag(1 - lam**2)
    data = -exact_sample(cov, n=200, seed=3)
    res = exploratory_factor_analysis(data, 1, method="principal")
    assert res.loadings["F1"].sum() > 0


@settings(max_examples=15, deadline=None)  # each factor_analyzer fit takes up to ~0.3 s
@given(seed=st.integers(0, 1000), k=st.integers(1, 3))
def test_efa_variance_table_is_consistent(seed, k):
    data = likert(80, 6, seed) + np.random.default_rng(seed).normal(0, 0.2, (80, 6))
    res = exploratory_factor_analysis(data, k)
    ss = (res.loadings**2).sum()
    np.testing.assert_allclose(res.variance["SS loadings"], ss, atol=1e-12)
    np.testing.assert_allclose(res.variance["cumulative"].iloc[-1], res.communalities.sum() / 6)
    np.testing.assert_allclose(res.communalities + res.uniquenesses, 1, atol=1e-12)


def test_efa_align_false_returns_factor_analyzer_loadings():
    data = two_factor_data()
    res = exploratory_factor_analysis(data, 2, align=False)
    np.testing.assert_allclose(res.loadings.to_numpy(), res.model.loadings_)


@pytest.mark.parametrize("n_factors", [0, 8, -1])
def test_efa_rejects_n_factors_out_of_range(n_factors):
    with pytest.raises(ValueError, match=r"n_factors: must be between 1 and 7"):
        exploratory_factor_analysis(two_factor_data(), n_factors)


def test_efa_rejects_non_integer_n_factors():
    with pytest.raises(ValueError, match=r"n_factors: must be an integer"):
        exploratory_factor_analysis(two_factor_data(), 2.0)


def test_efa_rejects_unknown_rotation():
    with pytest.raises(ValueError, match=r"rotation: 'spin' is not one of"):
        exploratory_factor_analysis(two_factor_data(), 2, rotation="spin")


def test_efa_rejects_unknown_method():
    with pytest.raises(ValueError, match=r"method: 'pca' is not one of"):
        exploratory_factor_analysis(two_factor_data(), 2, method="pca")


# ----------------------------------------------------------------------------------------------
# composite reliability and AVE
# ----------------------------------------------------------------------------------------------
def test_cr_ave_hand_computed():
    """Fornell & Larcker (1981) formulas by hand for loadings (.7, .8, .9):
    (sum l)^2 = 2.4^2 = 5.76; sum (1 - l^2) = .51 + .36 + .19 = 1.06 -> CR = 5.76 / 6.82;
    AVE = (.49 + .64 + .81) / 3 = 1.94 / 3."""
    loadings = pd.Series([0.7, 0.8, 0.9], index=["a", "b", "c"])
    assert composite_reliability(loadings) == pytest.approx(5.76 / 6.82, abs=1e-12)
    assert average_variance_extracted(loadings) == pytest.approx(1.94 / 3, abs=1e-12)


def test_cr_equals_alpha_for_parallel_items():
    """Identity: with equal standardized loadings l, CR = k l^2 / (k l^2 + 1 - l^2), which is
    standardized alpha of k items correlating l^2 (Spearman-Brown). k = 4, l^2 = .5 -> 0.8."""
    cr = composite_reliability([np.sqrt(0.5)] * 4)
    alpha = cronbach_alpha(exact_sample(equicorrelation(4, 0.5), n=40, seed=8)).alpha
    assert cr == pytest.approx(0.8, abs=1e-12)
    assert cr == pytest.approx(alpha, abs=1e-12)


def test_cr_ave_with_loadings_frame_and_mapping():
    loadings = pd.DataFrame(
        {"F1": [0.7, 0.8, 0.9, 0.1, 0.2], "F2": [0.1, 0.0, 0.2, 0.6, 0.8]},
        index=["a", "b", "c", "d", "e"],
    )
    mapping = {"a": "F1", "b": "F1", "c": "F1", "d": "F2", "e": "F2"}
    cr = composite_reliability(loadings, mapping)
    ave = average_variance_extracted(loadings, mapping)
    # F2 by hand: (1.4)^2 = 1.96; 1 - .36 + 1 - .64 = 1.0 -> CR = 1.96 / 2.96; AVE = 0.5
    assert cr["F1"] == pytest.approx(5.76 / 6.82, abs=1e-12)
    assert cr["F2"] == pytest.approx(1.96 / 2.96, abs=1e-12)
    assert ave["F2"] == pytest.approx(0.5, abs=1e-12)
    # default mapping: largest absolute loading -> same assignment here
    pd.testing.assert_series_equal(composite_reliability(loadings), cr)


@FAST
@given(st.lists(st.floats(0.05, 0.99), min_size=2, max_size=12))
def test_cr_ave_properties(ls):
    cr = composite_reliability(ls)
    ave = average_variance_extracted(ls)
    assert 0 < cr < 1 and 0 < ave < 1
    # CR grows when any loading grows
    bigger = list(ls)
    bigger[0] = min(0.999, ls[0] + 0.005)
    assert composite_reliability(bigger) >= cr - 1e-12


def test_cr_rejects_heywood_loading():
    with pytest.raises(ValueError, match=r"item 'b' has 1.2 \(a Heywood case\)"):
        composite_reliability(pd.Series([0.7, 1.2], index=["a", "b"]))


def test_cr_rejects_negative_loading():
    with pytest.raises(ValueError, match=r"item 'a' has a negative loading -0.7; reverse-code"):
        average_variance_extracted(pd.Series([-0.7, 0.6], index=["a", "b"]))


def test_cr_rejects_single_item():
    with pytest.raises(ValueError, match=r"loadings: needs at least 2 items, got 1"):
        composite_reliability([0.7])


def test_cr_rejects_single_item_factor_in_frame():
    loadings = pd.DataFrame({"F1": [0.7, 0.8, 0.1], "F2": [0.1, 0.1, 0.9]}, index=list("abc"))
    with pytest.raises(ValueError, match=r"loadings\['F2'\]: needs at least 2 items"):
        composite_reliability(loadings)


def test_cr_rejects_unknown_items_and_factors_in_mapping():
    loadings = pd.DataFrame({"F1": [0.7, 0.8], "F2": [0.1, 0.1]}, index=["a", "b"])
    with pytest.raises(ValueError, match=r"mapping: items \['z'\] are not rows of loadings"):
        composite_reliability(loadings, {"a": "F1", "z": "F1"})
    with pytest.raises(ValueError, match=r"mapping: factors \['F9'\] are not columns"):
        composite_reliability(loadings, {"a": "F9", "b": "F9"})
    with pytest.raises(ValueError, match=r"mapping: must be a dict"):
        composite_reliability(loadings, [("a", "F1")])


def test_cr_rejects_mapping_with_vector():
    with pytest.raises(ValueError, match=r"mapping: only used with a loadings DataFrame"):
        composite_reliability([0.7, 0.8], {"a": "F1"})


# ----------------------------------------------------------------------------------------------
# polychoric correlation (two-step, Olsson 1979)
# ----------------------------------------------------------------------------------------------
from scipy.stats import multivariate_normal  # noqa: E402

from utils.methods.reliability import (  # noqa: E402
    _bvn_cdf,
    htmt,
    polychoric,
    polychoric_matrix,
)

# Published values quoted in the R psych documentation of tetrachoric/polychoric,
# https://rdrr.io/pkg/psych/man/tetrachor.html (Examples):
#   x <- as.table(matrix(c(13,69,41,6,113,132,0,22,104),3,3)); polychoric(x, correct=FALSE)
#   "Olsson reports rho = .49, tau row = -1.77, -.14 and tau col = -.69, .67"
#   tetrachoric(matrix(c(61661,1610,85,20),2,2))  # "MPLUS reports .35"
OLSSON_TABLE = [[13, 6, 0], [69, 113, 22], [41, 132, 104]]  # R's column-major matrix, as rows


def test_polychoric_reproduces_olsson_1979():
    res = polychoric(OLSSON_TABLE)
    assert round(res.rho, 2) == 0.49
    assert res.row_thresholds.round(2).tolist() == [-1.77, -0.14]
    assert res.col_thresholds.round(2).tolist() == [-0.69, 0.67]
    assert res.n == 500
    assert res.to_frame().loc[0, "rho"] == res.rho


def test_tetrachoric_reproduces_mplus_value_quoted_by_psych():
    assert round(polychoric([[61661, 85], [1610, 20]]).rho, 2) == 0.35


def test_polychoric_likelihood_is_maximised():
    # the two-step estimate maximises l(rho) = sum n_ij log pi_ij given the thresholds
    from utils.methods.reliability import _cell_probabilities

    res = polychoric(OLSSON_TABLE)
    tab = np.asarray(OLSSON_TABLE, dtype=float)

    def loglik(r):
        return (tab * np.log(_cell_probabilities(res.row_thresholds, res.col_thresholds, r))).sum()

    assert loglik(res.rho) > loglik(res.rho + 1e-3)
    assert loglik(res.rho) > loglik(res.rho - 1e-3)
    assert _cell_probabilities(res.row_thresholds, res.col_thresholds, 0.3).sum() == pytest.approx(
        1.0
    )


@FAST
@given(
    st.floats(-6, 6),
    st.floats(-6, 6),
    st.floats(-0.95, 0.95),
)
def test_bivariate_normal_cdf_matches_scipy(h, k, rho):
    ref = multivariate_normal(mean=[0, 0], cov=[[1, rho], [rho, 1]]).cdf([h, k])
    assert _bvn_cdf(np.array(h), np.array(k), rho) == pytest.approx(ref, abs=2e-6)


def test_bivariate_normal_cdf_limits_and_zeros():
    inf = np.inf
    assert _bvn_cdf(
        np.array([-inf, inf, inf, 0.5]), np.array([0.3, inf, 0.2, inf]), 0.4
    ).tolist() == [0.0, 1.0, pytest.approx(stats.norm.cdf(0.2)), pytest.approx(stats.norm.cdf(0.5))]
    # Sheppard: P(X<=0, Y<=0) = 1/4 + arcsin(rho) / (2 pi)
    assert _bvn_cdf(np.array(0.0), np.array(0.0), 0.5) == pytest.approx(
        0.25 + np.arcsin(0.5) / (2 * np.pi), abs=1e-9
    )


def test_polychoric_recovers_latent_correlation():
    rng = np.random.default_rng(3)
    z = rng.multivariate_normal([0, 0], [[1, 0.6], [0.6, 1]], size=20000)
    x = np.digitize(z[:, 0], [-1.5, -0.5, 0.3, 1.2]) + 1
    y = np.digitize(z[:, 1], [-1.0, 0.0, 0.8, 1.6]) + 1
    res = polychoric(x, y)
    assert res.rho == pytest.approx(0.6, abs=0.02)
    assert abs(np.corrcoef(x, y)[0, 1]) < res.rho  # Pearson on categories is attenuated


def test_polychoric_symmetries_and_inputs():
    base = polychoric(OLSSON_TABLE).rho
    assert polychoric(np.asarray(OLSSON_TABLE).T).rho == pytest.approx(base, abs=1e-6)
    flipped = np.asarray(OLSSON_TABLE)[::-1]  # reverse the row variable's categories
    assert polychoric(flipped).rho == pytest.approx(-base, abs=1e-6)
    # vectors with missing values give the same table
    tab = np.asarray(OLSSON_TABLE)
    xs, ys = [], []
    for i in range(3):
        for j in range(3):
            xs += [i + 1] * int(tab[i, j])
            ys += [j + 1] * int(tab[i, j])
    xs, ys = xs + [np.nan, 2], ys + [1, np.nan]
    assert polychoric(xs, ys).rho == pytest.approx(base, abs=1e-10)
    # the psych continuity correction changes only tables with empty cells
    assert polychoric(OLSSON_TABLE, correct=0.5).rho != pytest.approx(base, abs=1e-6)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (([[1, 2], [3, -1]],), "non-negative counts"),
        (([[1, 2], [3, 4.5]],), "non-negative counts"),
        (([[1, 2, 3]],), "at least 2 observed categories"),
        (([1, 2, 3], [1, 2]), "lengths differ"),
    ],
)
def test_polychoric_errors(args, message):
    with pytest.raises(ValueError, match=message):
        polychoric(*args)
    with pytest.raises(ValueError, match="correct: must be a non-negative number"):
        polychoric(OLSSON_TABLE, correct=-1)


def _ordinal_items(n=600, seed=0, missing=0.1):
    """Two factors (correlation 0.3), three 5-point items each, loadings 0.8, scattered NaN."""
    rng = np.random.default_rng(seed)
    f = rng.multivariate_normal([0, 0], [[1, 0.3], [0.3, 1]], size=n)
    cols = {}
    for j in range(6):
        latent = 0.8 * f[:, j // 3] + 0.6 * rng.standard_normal(n)
        item = np.digitize(latent, [-1.2, -0.4, 0.4, 1.2]).astype(float) + 1
        item[rng.random(n) < missing] = np.nan
        cols[f"{'AB'[j // 3]}{j % 3 + 1}"] = item
    return pd.DataFrame(cols)


def test_polychoric_matrix_pairwise_uses_more_rows_than_listwise():
    items = _ordinal_items()
    pair = polychoric_matrix(items)
    listwise = polychoric_matrix(items, nan_policy="listwise")
    complete = int(items.notna().all(axis=1).sum())
    assert (pair.n_pairs.to_numpy()[np.triu_indices(6, 1)] > complete).all()
    assert (listwise.n_pairs.to_numpy()[np.triu_indices(6, 1)] == complete).all()
    both = items[["A1", "B2"]].dropna()
    assert pair.corr.loc["A1", "B2"] == pytest.approx(polychoric(both["A1"], both["B2"]).rho)
    assert pair.corr.loc["A1", "A2"] == pytest.approx(0.64, abs=0.08)  # 0.8 * 0.8
    tidy = pair.to_frame()
    assert len(tidy) == 15 and set(tidy.columns) == {"item_a", "item_b", "r", "n"}
    assert not pair.smoothed


def test_efa_on_polychoric_matrix_recovers_structure():
    items = _ordinal_items(n=1500, seed=5)
    corr = polychoric_matrix(items).corr
    efa = exploratory_factor_analysis(corr, 2, rotation="varimax", is_correlation=True)
    top = efa.loadings.abs().idxmax(axis=1)
    assert top[["A1", "A2", "A3"]].nunique() == 1 and top[["B1", "B2", "B3"]].nunique() == 1
    assert top["A1"] != top["B1"]
    assert efa.loadings.abs().max(axis=1).between(0.65, 0.95).all()
    with pytest.raises(ValueError, match="'principal' needs data"):
        exploratory_factor_analysis(corr, 2, method="principal", is_correlation=True)
    bad = corr.copy()
    bad.iloc[0, 1] = bad.iloc[1, 0] = -0.99
    bad.iloc[0, 2] = bad.iloc[2, 0] = 0.99
    with pytest.raises(ValueError, match="not positive definite"):
        exploratory_factor_analysis(bad, 2, is_correlation=True)
    with pytest.raises(ValueError, match="unit diagonal"):
        exploratory_factor_analysis(corr * 0.9, 2, is_correlation=True)


def test_polychoric_matrix_smoothing_and_errors():
    from utils.methods.reliability import _smooth_correlation

    r = np.array([[1.0, 0.9, -0.9], [0.9, 1.0, 0.9], [-0.9, 0.9, 1.0]])  # not PD
    fixed, changed = _smooth_correlation(r)
    assert changed and np.linalg.eigvalsh(fixed).min() > 0 and np.allclose(np.diag(fixed), 1)
    with pytest.raises(ValueError, match="integer categories"):
        polychoric_matrix(pd.DataFrame({"a": [1.5, 2, 3], "b": [1, 2, 3]}))
    with pytest.raises(ValueError, match="fewer than 2 rows answered in common"):
        polychoric_matrix(pd.DataFrame({"a": [1, 2, np.nan, np.nan], "b": [np.nan, np.nan, 1, 2]}))
    with pytest.raises(ValueError, match="columns 'a' and 'b'"):
        polychoric_matrix(pd.DataFrame({"a": [1, 1, 1, 1], "b": [1, 2, 1, 2]}))


# ----------------------------------------------------------------------------------------------
# HTMT (Henseler, Ringle & Sarstedt 2015)
# ----------------------------------------------------------------------------------------------
def _tau_equivalent(lams, phi):
    """Population correlations of tau-equivalent items: r = lam_c^2 within, lam_a lam_b phi."""
    items, loads, groups = [], [], []
    for c, (lam, k) in enumerate(lams):
        for i in range(k):
            items.append(f"c{c}_{i}")
            loads.append(lam)
            groups.append(c)
    r = np.array(
        [
            [
                1.0 if i == j else loads[i] * loads[j] * (1 if groups[i] == groups[j] else phi)
                for j in range(len(items))
            ]
            for i in range(len(items))
        ]
    )
    return pd.DataFrame(r, index=items, columns=items), {
        it: f"C{g}" for it, g in zip(items, groups, strict=True)
    }


@FAST
@given(st.floats(0.4, 0.95), st.floats(0.4, 0.95), st.floats(-0.9, 0.9), st.integers(2, 5))
def test_htmt_recovers_construct_correlation_under_tau_equivalence(lam_a, lam_b, phi, k):
    # Henseler et al. (2015): HTMT is a consistent estimator of the construct correlation when
    # the items are tau-equivalent - with population correlations it equals |phi| exactly.
    corr, mapping = _tau_equivalent([(lam_a, k), (lam_b, 3)], phi)
    out = htmt(corr, mapping)
    assert out.loc["C0", "C1"] == pytest.approx(abs(phi), abs=1e-12)
    assert out.loc["C1", "C0"] == out.loc["C0", "C1"] and out.loc["C0", "C0"] == 1.0


def test_htmt_by_hand():
    items = ["a1", "a2", "b1", "b2"]
    r = pd.DataFrame(
        [[1, 0.6, 0.3, 0.2], [0.6, 1, 0.25, 0.35], [0.3, 0.25, 1, 0.5], [0.2, 0.35, 0.5, 1]],
        index=items,
        columns=items,
    )
    value = htmt(r, {"a1": "A", "a2": "A", "b1": "B", "b2": "B"}).loc["A", "B"]
    assert value == pytest.approx(((0.3 + 0.2 + 0.25 + 0.35) / 4) / np.sqrt(0.6 * 0.5))
    # absolute=False keeps signs: a negatively keyed cross-loading lowers the ratio
    r.loc["a1", "b1"] = r.loc["b1", "a1"] = -0.3
    signed = htmt(r, {"a1": "A", "a2": "A", "b1": "B", "b2": "B"}, absolute=False)
    assert signed.loc["A", "B"] == pytest.approx(((-0.3 + 0.2 + 0.25 + 0.35) / 4) / np.sqrt(0.3))


def test_htmt_errors():
    corr, mapping = _tau_equivalent([(0.7, 2), (0.7, 2)], 0.4)
    with pytest.raises(ValueError, match="expected a square correlation DataFrame"):
        htmt(corr.to_numpy(), mapping)
    with pytest.raises(ValueError, match="fewer than 2 items"):
        htmt(corr, {**mapping, "c1_1": "C2"})
    with pytest.raises(ValueError, match="not rows of corr"):
        htmt(corr, {**mapping, "zz": "C1"})
    with pytest.raises(ValueError, match="at least 2 constructs"):
        htmt(corr, {k: "C0" for k in mapping})
    with pytest.raises(ValueError, match="symmetric"):
        htmt(corr * 2, mapping)
    neg = corr.copy()
    neg.loc["c0_0", "c0_1"] = neg.loc["c0_1", "c0_0"] = -0.5
    with pytest.raises(ValueError, match="non-positive mean within-construct"):
        htmt(neg, mapping, absolute=False)
    with pytest.raises(ValueError, match="mapping: must be a dict"):
        htmt(corr, [("c0_0", "C0")])


# ----------------------------------------------------------------------------------------------
# EM correlation (model-based missing-data handling)
# ----------------------------------------------------------------------------------------------
from utils.methods.reliability import em_correlation  # noqa: E402


def test_em_matches_closed_form_monotone_bivariate_ml():
    # Monotone pattern (x always observed, y sometimes missing): the normal-model ML estimates
    # have a closed form (factored likelihood; Little & Rubin 1987): regress y on x in the
    # complete cases, then mu_y = a + b mean_x, s_xy = b s_xx, s_yy = s_res + b^2 s_xx, with
    # ML (divisor n) moments of x over all rows.
    rng = np.random.default_rng(11)
    x = rng.normal(size=80)
    y = 0.6 * x + rng.normal(scale=0.8, size=80)
    y[rng.random(80) < 0.35] = np.nan
    c = ~np.isnan(y)
    b, a = np.polyfit(x[c], y[c], 1)
    s_res = np.mean((y[c] - a - b * x[c]) ** 2)
    s_xx = np.var(x)
    r = b * s_xx / np.sqrt(s_xx * (s_res + b**2 * s_xx))
    res = em_correlation(pd.DataFrame({"x": x, "y": y}), tol=1e-12)
    assert res.corr.loc["x", "y"] == pytest.approx(r, abs=1e-8)
    assert res.method == "pearson-em" and res.nan_policy == "em"
    assert res.n_pairs.loc["x", "y"] == int(c.sum())


def test_em_recovers_correlations_under_mcar():
    rng = np.random.default_rng(4)
    full = pd.DataFrame(
        rng.multivariate_normal([0, 0, 0], [[1, 0.5, 0.3], [0.5, 1, 0.4], [0.3, 0.4, 1]], 3000),
        columns=list("abc"),
    )
    holes = full.mask(rng.random(full.shape) < 0.15)
    em = em_correlation(holes).corr
    assert np.allclose(em.to_numpy(), full.corr().to_numpy(), atol=0.03)
    # complete rows only would keep ~61% of the data; EM uses every answer
    assert holes.dropna().shape[0] < 0.65 * len(holes)


def test_em_errors():
    df = pd.DataFrame({"a": [1.0, 2, np.nan, 4, 5, 3], "b": [2.0, np.nan, 3, 3, 5, 1]})
    with pytest.raises(ValueError, match="did not converge"):
        em_correlation(df, max_iter=1, tol=1e-15)
    with pytest.raises(ValueError, match="max_iter: must be a positive integer"):
        em_correlation(df, max_iter=0)
    with pytest.raises(ValueError, match=r"columns \['b'\] have fewer than 2 answers"):
        em_correlation(pd.DataFrame({"a": [1.0, 2, 3], "b": [np.nan, np.nan, 1]}))


def test_htmt_reproduces_seminr_published_output():
    """Henseler, Ringle & Sarstedt (2015) HTMT against a reference implementation's published
    output: the R package seminr's test fixtures (tests/fixtures/V_3_6_0/item_cors.csv and
    htmt.csv, https://github.com/sem-in-r/seminr): the mobi data's item correlations and the HTMT
    of its Image (IMAG1-5), Expectation (CUEX1-3), Value (PERV1-2) and Satisfaction (CUSA1-3)
    constructs, reproduced to the fixture's digits."""
    from pathlib import Path

    fixtures = Path(__file__).parent / "fixtures" / "seminr"
    corr = pd.read_csv(fixtures / "item_cors.csv", index_col=0)
    published = pd.read_csv(fixtures / "htmt.csv", index_col=0)
    constructs = {
        "Image": [f"IMAG{i}" for i in range(1, 6)],
        "Expectation": [f"CUEX{i}" for i in range(1, 4)],
        "Value": ["PERV1", "PERV2"],
        "Satisfaction": [f"CUSA{i}" for i in range(1, 4)],
    }
    mapping = {item: c for c, items in constructs.items() for item in items}
    ours = htmt(corr, mapping)
    for a in published.index:
        for b in published.columns:
            if pd.notna(published.at[a, b]):
                assert ours.at[a, b] == pytest.approx(published.at[a, b], abs=1e-9), (a, b)


# ------------------------------------------------------------------ factor_correspondence
def test_factor_correspondence_hand_example():
    """Hand-made loadings: dimension a's items load on F2 (one cross-loads on F1 at 0.6 > 0.5)."""
    L = pd.DataFrame(
        {"F1": [0.1, 0.6, 0.2, 0.7, 0.8], "F2": [0.7, 0.5, 0.8, 0.1, -0.3]},
        index=["a1", "a2", "a3", "b1", "b2"],
    )
    out = factor_correspondence(L, {"a": ["a1", "a2", "a3"], "b": ["b1", "b2"]})
    assert out.loc["a", "factor"] == "F2" and out.loc["b", "factor"] == "F1"
    assert out.loc["a", "on target"] == 2 and out.loc["b", "on target"] == 2
    assert out.loc["a", "min loading"] == pytest.approx(0.5)
    assert out.loc["a", "max cross-loading"] == pytest.approx(0.6)
    assert out.loc["b", "max cross-loading"] == pytest.approx(0.3)
    with pytest.raises(ValueError, match="loadings: expected a DataFrame, got list"):
        factor_correspondence([[1]], {"a": ["a1"]})
    with pytest.raises(ValueError, match="items: expected a non-empty dict"):
        factor_correspondence(L, {})
    with pytest.raises(ValueError, match=r"items\['a'\]: \['zz'\] are not rows of loadings"):
        factor_correspondence(L, {"a": ["zz"]})
