"""Tests for utils.methods.attribution: the UCLA ordered-logit example (Stata and R MASS::polr output),
pingouin's published ANOVA / Kruskal-Wallis example, closed forms for dominance analysis,
Martilla & James quadrant logic, properties and every validation branch."""

from __future__ import annotations

import itertools
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pingouin as pg
import pytest
import statsmodels
import statsmodels.api as sm
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from utils.methods.attribution import (
    GroupDiffResult,
    OrderedLogitResult,
    dominance_analysis,
    eta_squared,
    group_differences,
    importance_performance,
    ordered_logit,
    predict_proba,
)

FAST = settings(max_examples=50, deadline=None)
UCLA_LEVELS = ["unlikely", "somewhat likely", "very likely"]


@pytest.fixture(scope="module")
def ucla() -> pd.DataFrame:
    """UCLA IDRE 'ologit' data (400 students: apply, pared, public, gpa), shipped with statsmodels'
    test suite as ``miscmodels/tests/results/ologit_ucla.csv``."""
    path = Path(statsmodels.__file__).parent / "miscmodels/tests/results/ologit_ucla.csv"
    df = pd.read_csv(path)
    df["apply"] = pd.Categorical(df["apply"], categories=UCLA_LEVELS, ordered=True)
    return df


@pytest.fixture(scope="module")
def ucla_logit(ucla) -> OrderedLogitResult:
    return ordered_logit(ucla, "apply", ["pared", "public", "gpa"])


def exact_orthogonal(n: int, p: int, seed: int) -> np.ndarray:
    """n x p columns with exactly zero sample correlation and unit sample variance."""
    z = np.random.default_rng(seed).standard_normal((n, p))
    z -= z.mean(axis=0)
    return z @ np.linalg.inv(np.linalg.cholesky(np.cov(z, rowvar=False))).T


# ----------------------------------------------------------------------------------------------
# ordered logit
# ----------------------------------------------------------------------------------------------
def test_ordered_logit_ucla_stata_output(ucla_logit):
    """UCLA IDRE, "Ordered logistic regression | Stata data analysis examples":
    ``ologit apply pared public gpa`` -> pared 1.047664, public -.0586828, gpa .6157458,
    /cut1 2.203323, /cut2 4.298767, Pseudo R2 = 0.0326, 400 observations."""
    np.testing.assert_allclose(
        ucla_logit.params["coef"], [1.047664, -0.0586828, 0.6157458], atol=2e-6
    )
    np.testing.assert_allclose(ucla_logit.thresholds, [2.203323, 4.298767], atol=2e-6)
    assert round(ucla_logit.pseudo_r2, 4) == 0.0326
    assert ucla_logit.n_obs == 400
    assert list(ucla_logit.thresholds.index) == [
        "unlikely|somewhat likely",
        "somewhat likely|very likely",
    ]


def test_ordered_logit_ucla_r_polr_output(ucla_logit):
    """R MASS::polr on the same data (UCLA IDRE R page; values stored in statsmodels'
    ``results_ordinal_model.py``): coef (1.04769, -0.05879, 0.61594), SE (0.2658, 0.2979,
    0.2606), t (3.9418, -0.1974, 2.3632), cut-points (2.203915, 4.299363). polr's optimiser stops
    up to ~2e-4 (coefficients) and ~6e-4 (cut-points) from the Stata/statsmodels optimum checked
    above to 6 decimals, hence the tolerances here."""
    p = ucla_logit.params
    np.testing.assert_allclose(p["coef"], [1.04769011, -0.05878572, 0.61594057], atol=3e-4)
    np.testing.assert_allclose(p["se"], [0.2658, 0.2979, 0.2606], atol=6e-5)
    np.testing.assert_allclose(p["z"], [3.9418, -0.1974, 2.3632], atol=2e-3)
    np.testing.assert_allclose(p["p"], [8.087070e-05, 8.435464e-01, 1.811594e-02], rtol=2e-3)
    np.testing.assert_allclose(ucla_logit.thresholds, [2.203915, 4.299363], atol=1e-3)
    np.testing.assert_allclose(p["odds_ratio"], np.exp(p["coef"]))
    assert (p["ci_low"] < p["coef"]).all() and (p["coef"] < p["ci_high"]).all()


def test_predict_proba_ucla_r_polr_predictions(ucla, ucla_logit):
    """R ``predict(polr, type="prob")`` for the first 7 students (statsmodels' stored R output)."""
    r_probs = np.array(
        [
            [0.5488310, 0.3593310, 0.09183798],
            [0.3055632, 0.4759496, 0.21848725],
            [0.2293835, 0.4781951, 0.29242138],
            [0.6161224, 0.3126888, 0.07118879],
            [0.6560149, 0.2833901, 0.06059505],
            [0.6609240, 0.2797117, 0.05936431],
            [0.6518332, 0.2865114, 0.06165547],
        ]
    )
    probs = predict_proba(ucla_logit, ucla.head(7))
    assert list(probs.columns) == UCLA_LEVELS
    np.testing.assert_allclose(probs.to_numpy(), r_probs, atol=5e-4)


def test_ordered_probit_ucla_r_polr_output(ucla):
    """R MASS::polr(method="probit") on the UCLA data: coef (0.59811, 0.01016, 0.35815),
    SE (0.1579, 0.1728, 0.1568), cut-points (1.2968, 2.5028)."""
    res = ordered_logit(ucla, "apply", ["pared", "public", "gpa"], distr="probit")
    np.testing.assert_allclose(res.params["coef"], [0.59811, 0.01016, 0.35815], atol=2e-4)
    np.testing.assert_allclose(res.params["se"], [0.1579, 0.1728, 0.1568], atol=2e-4)
    np.testing.assert_allclose(res.thresholds, [1.2968, 2.5028], atol=1e-3)
    assert "odds_ratio" not in res.params.columns


def test_ame_rows_sum_to_zero_and_match_numerical_derivative(ucla, ucla_logit):
    """AMEs sum to zero over categories (probabilities sum to one), and equal the numerical
    derivative of the mean predicted probability computed through statsmodels' predict."""
    np.testing.assert_allclose(ucla_logit.ame.sum(axis=1), 0, atol=1e-12)
    h = 1e-5
    for x in ["pared", "public", "gpa"]:
        up, down = ucla.copy(), ucla.copy()
        up[x] = up[x] + h
        down[x] = down[x] - h
        deriv = (predict_proba(ucla_logit, up).mean() - predict_proba(ucla_logit, down).mean()) / (
            2 * h
        )
        np.testing.assert_allclose(ucla_logit.ame.loc[x], deriv, atol=1e-7)
    # positive coefficient: probability moves from the lowest to the highest category
    assert ucla_logit.ame.loc["gpa", "unlikely"] < 0 < ucla_logit.ame.loc["gpa", "very likely"]


def simulate_ordinal(n: int, beta, cuts, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, len(beta)))
    latent = X @ np.asarray(beta) + rng.logistic(size=n)
    y = np.searchsorted(np.asarray(cuts), latent) + 1  # categories 1..J
    return pd.DataFrame(X, columns=[f"x{j + 1}" for j in range(len(beta))]).assign(y=y)


def test_ordered_logit_recovers_simulation_parameters():
    """Simulated from the model itself (beta = (1, -0.5), cuts = (-1, 0.5, 2), logistic errors,
    n = 4000): every estimate lies within 4 standard errors of the truth."""
    df = simulate_ordinal(4000, [1.0, -0.5], [-1.0, 0.5, 2.0], seed=11)
    res = ordered_logit(df, "y", ["x1", "x2"])
    assert res.categories == [1, 2, 3, 4]
    assert (np.abs(res.params["coef"] - [1.0, -0.5]) < 4 * res.params["se"]).all()
    np.testing.assert_allclose(res.thresholds, [-1.0, 0.5, 2.0], atol=0.15)


@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 10_000), b=st.floats(-2, 2))
def test_ame_sum_to_zero_property(seed, b):
    df = simulate_ordinal(300, [b, 0.5], [-0.5, 0.7], seed=seed)
    if df["y"].nunique() < 3:
        return
    res = ordered_logit(df, "y", ["x1", "x2"])
    np.testing.assert_allclose(res.ame.sum(axis=1), 0, atol=1e-12)
    probs = predict_proba(res, df.head(20))
    np.testing.assert_allclose(probs.sum(axis=1), 1, atol=1e-12)
    # sign rule: AME on the top category has the sign of the coefficient
    assert np.all(np.sign(res.ame.iloc[:, -1]) == np.sign(res.params["coef"]))


def test_ordered_logit_rejects_non_frame():
    with pytest.raises(ValueError, match=r"df: expected a pandas DataFrame, got ndarray"):
        ordered_logit(np.zeros((5, 2)), "y", ["x"])


def test_ordered_logit_rejects_bad_distr(ucla):
    with pytest.raises(ValueError, match=r"distr: 'cloglog' is not one of"):
        ordered_logit(ucla, "apply", ["gpa"], distr="cloglog")


def test_ordered_logit_rejects_unknown_outcome(ucla):
    with pytest.raises(ValueError, match=r"outcome: 'satisfaction' is not a column of df"):
        ordered_logit(ucla, "satisfaction", ["gpa"])


def test_ordered_logit_rejects_unknown_or_duplicate_predictors(ucla):
    with pytest.raises(ValueError, match=r"predictors: columns \['income'\] are not in df"):
        ordered_logit(ucla, "apply", ["gpa", "income"])
    with pytest.raises(ValueError, match=r"predictors: columns \['gpa'\] are listed more than"):
        ordered_logit(ucla, "apply", ["gpa", "gpa"])
    with pytest.raises(ValueError, match=r"predictors: no columns given"):
        ordered_logit(ucla, "apply", [])
    with pytest.raises(ValueError, match=r"the outcome 'apply' cannot also be a predictor"):
        ordered_logit(ucla, "apply", ["gpa", "apply"])


def test_ordered_logit_rejects_missing_outcome(ucla):
    df = ucla.copy()
    df.loc[5, "apply"] = np.nan
    with pytest.raises(ValueError, match=r"outcome: has missing values \(first at row 5\)"):
        ordered_logit(df, "apply", ["gpa"])


def test_ordered_logit_rejects_unordered_or_text_outcome(ucla):
    df = ucla.copy()
    df["apply"] = pd.Categorical(df["apply"].astype(str), ordered=False)
    with pytest.raises(ValueError, match=r"outcome: is an unordered Categorical"):
        ordered_logit(df, "apply", ["gpa"])
    df["apply"] = df["apply"].astype(str)
    with pytest.raises(ValueError, match=r"outcome: must be numeric codes or an ordered"):
        ordered_logit(df, "apply", ["gpa"])


def test_ordered_logit_rejects_single_category():
    df = pd.DataFrame({"y": [1] * 10, "x": np.arange(10.0)})
    with pytest.raises(ValueError, match=r"outcome: needs at least 2 observed categories, got 1"):
        ordered_logit(df, "y", ["x"])


def test_ordered_logit_rejects_constant_and_collinear_predictors(ucla):
    with pytest.raises(ValueError, match=r"predictors: columns \['one'\] are constant"):
        ordered_logit(ucla.assign(one=1.0), "apply", ["gpa", "one"])
    with pytest.raises(ValueError, match=r"predictors: \['gpa', 'gpa2'\] are perfectly collinear"):
        ordered_logit(ucla.assign(gpa2=2 * ucla["gpa"] + 1), "apply", ["gpa", "gpa2"])


def test_ordered_logit_rejects_missing_predictor_values(ucla):
    df = ucla.copy()
    df.loc[7, "gpa"] = np.nan
    with pytest.raises(ValueError, match=r"contains NaN or infinite values \(first at row 7"):
        ordered_logit(df, "apply", ["gpa"])


def test_ordered_logit_rejects_too_few_rows():
    df = pd.DataFrame({"y": [1, 2, 3], "x": [0.1, 0.5, 0.2]})
    with pytest.raises(ValueError, match=r"df: 3 rows are too few for 3 parameters"):
        ordered_logit(df, "y", ["x"])


def test_predict_proba_validation(ucla, ucla_logit):
    with pytest.raises(ValueError, match=r"result: expected an OrderedLogitResult"):
        predict_proba("model", ucla)
    with pytest.raises(ValueError, match=r"newdata: predictor columns \['public'\] are missing"):
        predict_proba(ucla_logit, ucla[["pared", "gpa"]])
    with pytest.raises(ValueError, match=r"newdata: expected a pandas DataFrame"):
        predict_proba(ucla_logit, ucla.to_numpy())


# ----------------------------------------------------------------------------------------------
# importance-performance analysis
# ----------------------------------------------------------------------------------------------
def test_ipa_quadrants_martilla_james_with_mean_cuts():
    """Martilla & James (1977) grid, cross-hairs at the means (importance 3.5, performance 3.5;
    computed by hand): high importance & low performance -> 'Concentrate here', etc."""
    imp = pd.Series([4.5, 4.0, 2.5, 3.0], index=["housing", "medical", "roads", "culture"])
    perf = pd.Series([2.0, 4.5, 3.0, 4.5], index=["housing", "medical", "roads", "culture"])
    out = importance_performance(imp, perf)
    assert out.attrs["importance_cut"] == 3.5 and out.attrs["performance_cut"] == 3.5
    assert out["quadrant"].to_dict() == {
        "housing": "Concentrate here",
        "medical": "Keep up the good work",
        "roads": "Low priority",
        "culture": "Possible overkill",
    }
    assert list(out.columns) == ["importance", "performance", "quadrant"]


def test_ipa_median_and_fixed_cuts_and_ties():
    """Medians of (1, 2, 10) are 2 ('high' means >= cut, so the item at the cut is high); a fixed
    cut of 3 (scale midpoint) changes the assignment by hand."""
    imp = pd.Series([1.0, 2.0, 10.0], index=["a", "b", "c"])
    perf = pd.Series([10.0, 2.0, 1.0], index=["a", "b", "c"])
    med = importance_performance(imp, perf, "median", "median")
    assert med.attrs["importance_cut"] == 2.0
    assert med["quadrant"].to_dict() == {
        "a": "Possible overkill",
        "b": "Keep up the good work",
        "c": "Concentrate here",
    }
    fixed = importance_performance(imp, perf, 3, 3)
    assert fixed.loc["b", "quadrant"] == "Low priority"
    mean = importance_performance(imp, perf, "mean", None)
    assert mean.attrs["importance_cut"] == pytest.approx(13 / 3)


def test_ipa_aligns_by_label():
    imp = pd.Series([5.0, 1.0], index=["x", "y"])
    perf = pd.Series([1.0, 5.0], index=["y", "x"])  # other order
    out = importance_performance(imp, perf)
    assert out.loc["x", "performance"] == 5.0
    assert out.loc["x", "quadrant"] == "Keep up the good work"


@FAST
@given(
    st.lists(
        st.tuples(st.floats(1, 5), st.floats(1, 5)),
        min_size=2,
        max_size=15,
    )
)
def test_ipa_quadrants_follow_the_cuts(pairs):
    imp = pd.Series([a for a, _ in pairs])
    perf = pd.Series([b for _, b in pairs])
    out = importance_performance(imp, perf)
    hi_i = out["importance"] >= out.attrs["importance_cut"]
    hi_p = out["performance"] >= out.attrs["performance_cut"]
    assert ((out["quadrant"] == "Concentrate here") == (hi_i & ~hi_p)).all()
    assert ((out["quadrant"] == "Keep up the good work") == (hi_i & hi_p)).all()
    assert ((out["quadrant"] == "Low priority") == (~hi_i & ~hi_p)).all()
    assert ((out["quadrant"] == "Possible overkill") == (~hi_i & hi_p)).all()


def test_ipa_rejects_label_mismatch():
    with pytest.raises(ValueError, match=r"labels differ \(only in importance: \['b'\]; only in"):
        importance_performance(
            pd.Series([1.0, 2], index=["a", "b"]), pd.Series([1.0, 2], ["a", "c"])
        )


def test_ipa_rejects_duplicate_labels():
    with pytest.raises(ValueError, match=r"importance: attribute labels are not unique"):
        importance_performance(pd.Series([1.0, 2], index=["a", "a"]), pd.Series([1.0], ["a"]))
    with pytest.raises(ValueError, match=r"performance: attribute labels are not unique"):
        importance_performance(pd.Series([1.0], index=["a"]), pd.Series([1.0, 2], ["a", "a"]))


def test_ipa_rejects_bad_cuts():
    imp = pd.Series([1.0, 2.0])
    with pytest.raises(ValueError, match=r"importance_cut: 'mode' is not 'mean', 'median'"):
        importance_performance(imp, imp, importance_cut="mode")
    with pytest.raises(ValueError, match=r"performance_cut: must be finite"):
        importance_performance(imp, imp, performance_cut=float("nan"))
    with pytest.raises(ValueError, match=r"performance_cut: \[1\] is not 'mean', 'median'"):
        importance_performance(imp, imp, performance_cut=[1])


def test_ipa_rejects_missing_values():
    with pytest.raises(ValueError, match=r"performance: contains NaN or infinite values"):
        importance_performance(pd.Series([1.0, 2.0]), pd.Series([1.0, np.nan]))


# ----------------------------------------------------------------------------------------------
# dominance analysis
# ----------------------------------------------------------------------------------------------
def brute_force_shapley(df: pd.DataFrame, y: str, xs: list) -> dict:
    """Shapley values of OLS R^2 by averaging marginal contributions over all orderings, each
    R^2 from a statsmodels OLS fit (independent of the module's normal-equation code)."""

    def r2(subset) -> float:
        if not subset:
            return 0.0
        exog = sm.add_constant(df[sorted(subset)])
        return sm.OLS(df[y], exog).fit().rsquared

    cache: dict = {}
    out = dict.fromkeys(xs, 0.0)
    perms = list(itertools.permutations(xs))
    for perm in perms:
        seen: list = []
        for x in perm:
            a = frozenset(seen)
            b = frozenset([*seen, x])
            for s in (a, b):
                if s not in cache:
                    cache[s] = r2(list(s))
            out[x] += (cache[b] - cache[a]) / len(perms)
            seen.append(x)
    return out


def test_dominance_orthogonal_predictors_equal_squared_correlations():
    """Closed form: with exactly uncorrelated predictors, R^2 of any subset is the sum of the
    r^2_i, so general dominance = r^2_i (squared correlation of each predictor with y)."""
    X = exact_orthogonal(120, 3, seed=4)
    y = X @ [0.6, 0.3, 0.1] + np.random.default_rng(4).standard_normal(120) * 0.5
    df = pd.DataFrame(X, columns=["a", "b", "c"]).assign(y=y)
    out = dominance_analysis(df, "y", ["a", "b", "c"])
    r2 = df[["a", "b", "c"]].corrwith(df["y"]) ** 2
    np.testing.assert_allclose(out["general_dominance"], r2, atol=1e-12)
    assert list(out["rank"]) == [1, 2, 3]


def test_dominance_two_predictor_closed_form():
    """Closed form for p = 2 (Budescu 1993): GD_1 = [r_1^2 + (R^2 - r_2^2)] / 2, with
    R^2 = (r1^2 + r2^2 - 2 r1 r2 r12) / (1 - r12^2)."""
    rng = np.random.default_rng(2)
    x1 = rng.standard_normal(200)
    x2 = 0.5 * x1 + rng.standard_normal(200)
    y = x1 + 0.7 * x2 + rng.standard_normal(200)
    df = pd.DataFrame({"x1": x1, "x2": x2, "y": y})
    c = df.corr()
    r1, r2, r12 = c.loc["x1", "y"], c.loc["x2", "y"], c.loc["x1", "x2"]
    R2 = (r1**2 + r2**2 - 2 * r1 * r2 * r12) / (1 - r12**2)
    out = dominance_analysis(df, "y", ["x1", "x2"])
    assert out.loc["x1", "general_dominance"] == pytest.approx((r1**2 + R2 - r2**2) / 2, abs=1e-12)
    assert out.loc["x2", "general_dominance"] == pytest.approx((r2**2 + R2 - r1**2) / 2, abs=1e-12)
    assert out.attrs["r2"] == pytest.approx(R2, abs=1e-12)


def test_dominance_equals_brute_force_shapley():
    rng = np.random.default_rng(8)
    X = rng.standard_normal((150, 4)) @ np.array(
        [[1, 0.4, 0.2, 0], [0, 1, 0.5, 0.3], [0, 0, 1, 0.2], [0, 0, 0, 1]]
    )
    df = pd.DataFrame(X, columns=list("abcd"))
    df["y"] = X @ [0.5, -0.4, 0.3, 0.1] + rng.standard_normal(150)
    out = dominance_analysis(df, "y", list("abcd"))
    expected = brute_force_shapley(df, "y", list("abcd"))
    np.testing.assert_allclose(out["general_dominance"], [expected[k] for k in "abcd"], atol=1e-10)


@FAST
@given(seed=st.integers(0, 10_000), p=st.integers(2, 7))
def test_dominance_sums_to_full_r2(seed, p):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((60, p)) + rng.standard_normal((60, 1))
    y = X @ rng.uniform(-1, 1, p) + rng.standard_normal(60)
    df = pd.DataFrame(X, columns=[f"x{j}" for j in range(p)]).assign(y=y)
    out = dominance_analysis(df, "y", [f"x{j}" for j in range(p)])
    full = sm.OLS(y, sm.add_constant(X)).fit().rsquared
    assert out["general_dominance"].sum() == pytest.approx(full, abs=1e-10)
    assert out["share"].sum() == pytest.approx(1, abs=1e-10)
    assert (out["general_dominance"] >= -1e-12).all()  # Shapley values of R^2 are >= 0
    gd, rank = out["general_dominance"].to_numpy(), out["rank"].to_numpy()
    for i in range(p):  # rank 1 = largest general dominance
        assert rank[i] == 1 + np.sum(gd > gd[i])


def test_dominance_ten_predictors_is_fast():
    import time

    rng = np.random.default_rng(0)
    df = pd.DataFrame(rng.standard_normal((500, 11)), columns=[f"x{j}" for j in range(11)])
    t0 = time.perf_counter()
    out = dominance_analysis(df, "x10", [f"x{j}" for j in range(10)])
    assert time.perf_counter() - t0 < 2.0
    assert math.isclose(out["share"].sum(), 1.0, abs_tol=1e-10)


def test_dominance_validation():
    rng = np.random.default_rng(0)
    df = pd.DataFrame(rng.standard_normal((30, 4)), columns=["a", "b", "c", "y"])
    with pytest.raises(ValueError, match=r"df: expected a pandas DataFrame"):
        dominance_analysis(df.to_numpy(), "y", ["a", "b"])
    with pytest.raises(ValueError, match=r"outcome: 'z' is not a column of df"):
        dominance_analysis(df, "z", ["a", "b"])
    with pytest.raises(ValueError, match=r"needs 2 to 12 predictors \(2\^p subset models\), got 1"):
        dominance_analysis(df, "y", ["a"])
    with pytest.raises(ValueError, match=r"the outcome 'y' cannot also be a predictor"):
        dominance_analysis(df, "y", ["a", "y"])
    with pytest.raises(ValueError, match=r"df: columns \['c'\] are constant"):
        dominance_analysis(df.assign(c=2.0), "y", ["a", "b", "c"])
    with pytest.raises(ValueError, match=r"predictors: \['a', 'b', 'c'\] are perfectly collinear"):
        dominance_analysis(df.assign(c=df["a"] - df["b"]), "y", ["a", "b", "c"])
    with pytest.raises(ValueError, match=r"df: 3 rows are too few for 2 predictors"):
        dominance_analysis(df.head(3), "y", ["a", "b"])
    with pytest.raises(ValueError, match=r"df: is empty"):
        dominance_analysis(df.head(0), "y", ["a", "b"])
    wide = pd.DataFrame(rng.standard_normal((40, 14)), columns=[f"x{j}" for j in range(14)])
    with pytest.raises(ValueError, match=r"got 13"):
        dominance_analysis(wide, "x13", [f"x{j}" for j in range(13)])


# ----------------------------------------------------------------------------------------------
# group differences
# ----------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def hair() -> pd.DataFrame:
    """pingouin's 'anova' dataset: pain threshold by hair colour (McClave & Dietrich), 19 rows."""
    return pg.read_dataset("anova")


def test_anova_matches_published_pingouin_example(hair):
    """pingouin docs, ``anova`` example: F(3, 15) = 6.791407, p-unc = 0.004114,
    eta^2 ('n2') = 0.575962; SS between 1360.726, within 1001.800."""
    res = group_differences(hair, "Pain threshold", "Hair color", method="anova")
    assert isinstance(res, GroupDiffResult)
    assert res.test == "anova" and res.effect_name == "eta_squared"
    assert res.statistic == pytest.approx(6.791407, abs=1e-6)
    assert res.p_value == pytest.approx(0.004114, abs=1e-6)
    assert res.effect_size == pytest.approx(0.575962, abs=1e-6)
    assert res.effect_size == pytest.approx(1360.726 / (1360.726 + 1001.800), abs=1e-6)
    assert res.dof == (3, 15)
    # table by hand: Light Blond = 62, 60, 71, 55, 48
    assert res.table.loc["Light Blond", "n"] == 5
    assert res.table.loc["Light Blond", "mean"] == pytest.approx((62 + 60 + 71 + 55 + 48) / 5)
    assert res.table.loc["Light Blond", "median"] == 60
    assert list(res.table.columns) == ["n", "mean", "sd", "median"]


def test_kruskal_matches_published_pingouin_example(hair):
    """pingouin docs, ``kruskal`` example: H = 10.58863, p-unc = 0.014172 (3 df); epsilon^2 =
    H / (n - 1) = 10.58863 / 18 by hand (Tomczak & Tomczak 2014)."""
    res = group_differences(hair, "Pain threshold", "Hair color", method="kruskal")
    assert res.statistic == pytest.approx(10.58863, abs=1e-5)
    assert res.p_value == pytest.approx(0.014172, abs=1e-6)
    assert res.effect_size == pytest.approx(10.58863 / 18, abs=1e-6)
    assert res.effect_name == "epsilon_squared" and res.dof == (3,)


def test_auto_rule_follows_pingouin_assumption_checks(hair):
    """The auto rule picks ANOVA iff pingouin's Shapiro-Wilk (on residuals) and Levene
    (median-centred) tests both fail to reject at 5 %."""
    resid = hair["Pain threshold"] - hair.groupby("Hair color")["Pain threshold"].transform("mean")
    p_norm = pg.normality(resid.to_numpy())["pval"].iloc[0]
    p_lev = pg.homoscedasticity(
        hair, dv="Pain threshold", group="Hair color", method="levene", center="median"
    )["pval"].iloc[0]
    res = group_differences(hair, "Pain threshold", "Hair color")
    expected = "anova" if (p_norm >= 0.05 and p_lev >= 0.05) else "kruskal"
    assert res.test == expected
    assert res.reason.startswith("auto:")


def test_auto_rule_switches_to_kruskal_on_unequal_spread():
    """Group sds 1 vs 30 with 60 rows each: Levene rejects, so Kruskal-Wallis is used."""
    rng = np.random.default_rng(3)
    df = pd.DataFrame(
        {"v": np.r_[rng.normal(0, 1, 60), rng.normal(0, 30, 60)], "g": ["a"] * 60 + ["b"] * 60}
    )
    res = group_differences(df, "v", "g")
    assert res.test == "kruskal"
    assert "Kruskal-Wallis" in res.reason


@FAST
@given(seed=st.integers(0, 10_000), a=st.floats(0.1, 10), b=st.floats(-100, 100))
def test_group_differences_invariances(seed, a, b):
    rng = np.random.default_rng(seed)
    df = pd.DataFrame({"v": rng.normal(size=30), "g": np.repeat(["x", "y", "z"], 10)})
    base_a = group_differences(df, "v", "g", method="anova")
    base_k = group_differences(df, "v", "g", method="kruskal")
    moved = df.assign(v=a * df["v"] + b)
    assert group_differences(moved, "v", "g", "anova").statistic == pytest.approx(
        base_a.statistic, rel=1e-6
    )
    # Kruskal-Wallis is rank based: any strictly increasing transform leaves H unchanged
    assert group_differences(df.assign(v=np.exp(df["v"])), "v", "g", "kruskal").statistic == (
        pytest.approx(base_k.statistic, rel=1e-12)
    )
    assert 0 <= base_a.effect_size <= 1
    assert base_a.p_value == pytest.approx(stats.f.sf(base_a.statistic, 2, 27), rel=1e-9)


def test_group_differences_validation(hair):
    v, g = "Pain threshold", "Hair color"
    with pytest.raises(ValueError, match=r"method: 'welch' is not one of"):
        group_differences(hair, v, g, method="welch")
    for bad_alpha in (1.5, 0, "5%"):
        with pytest.raises(ValueError, match=r"alpha: must be a number strictly between 0 and 1"):
            group_differences(hair, v, g, alpha=bad_alpha)
    with pytest.raises(ValueError, match=r"value: 'pain' is not a column of df"):
        group_differences(hair, "pain", g)
    with pytest.raises(ValueError, match=r"group: 'hair' is not a column of df"):
        group_differences(hair, v, "hair")
    with pytest.raises(ValueError, match=r"value/group: must be different columns"):
        group_differences(hair, v, v)
    bad = hair.copy()
    bad.loc[2, v] = np.nan
    with pytest.raises(ValueError, match=r"value: contains NaN or infinite values \(first at 2\)"):
        group_differences(bad, v, g)
    bad = hair.copy()
    bad.loc[4, g] = None
    with pytest.raises(ValueError, match=r"group: has missing values \(first at row 4\)"):
        group_differences(bad, v, g)
    with pytest.raises(ValueError, match=r"group: needs at least 2 groups, got 1"):
        group_differences(hair.assign(one="x"), v, "one")
    solo = pd.concat([hair, pd.DataFrame({v: [50], g: ["Red"]})], ignore_index=True)
    with pytest.raises(ValueError, match=r"group: groups \['Red'\] have fewer than 2 observations"):
        group_differences(solo, v, g)
    const = hair.assign(**{v: 5.0})
    with pytest.raises(ValueError, match=r"value: no variation within groups"):
        group_differences(const, v, g)
    with pytest.raises(ValueError, match=r"value: is constant"):
        group_differences(const, v, g, method="anova")
    with pytest.raises(ValueError, match=r"value: is constant"):
        group_differences(const, v, g, method="kruskal")
    with pytest.raises(ValueError, match=r"df: expected a pandas DataFrame"):
        group_differences([1, 2], v, g)
    with pytest.raises(ValueError, match=r"value: could not be read as numbers"):
        group_differences(hair.assign(txt="high"), "txt", g)


def test_ame_on_p_at_least_c_closed_form():
    """P(y >= c) = 1 - F(tau_{c-1} - x'b), so dP/dx_k = b_k f(tau_{c-1} - x'b) (McCullagh 1980);
    its sample mean (Long & Freese 2014) must equal the category AMEs summed from c up, which is
    how chapter 5 reads "the AME on the probability of being satisfied". Evaluated with scipy."""
    rng = np.random.default_rng(1)
    n = 400
    df = pd.DataFrame(
        {"gs": rng.uniform(1, 5, n), "in": rng.uniform(1, 5, n), "c": rng.normal(size=n)}
    )
    latent = 1.0 * df["gs"] + 0.5 * df["in"] + 0.3 * df["c"] + rng.logistic(size=n)
    df["y"] = np.digitize(latent, [3.0, 4.0, 5.0, 6.0]) + 1
    res = ordered_logit(df, "y", ["gs", "in", "c"])
    beta = res.params["coef"].to_numpy()
    xb = df[res.predictors].to_numpy() @ beta
    tau = res.thresholds.iloc[2]  # between categories 3 and 4
    expected = beta * stats.logistic.pdf(tau - xb).mean()
    np.testing.assert_allclose(res.ame[[4, 5]].sum(axis=1).to_numpy(), expected, rtol=1e-8)


# ----------------------------------------------------------------------------------------------
# eta squared (weighted)
# ----------------------------------------------------------------------------------------------
def test_eta_squared_matches_published_pingouin_example(hair):
    """pingouin docs, ``anova`` example on the hair-colour data: eta^2 ('n2') = 0.575962."""
    assert eta_squared(hair["Pain threshold"], hair["Hair color"]) == pytest.approx(
        0.575962, abs=1e-6
    )


@FAST
@given(seed=st.integers(0, 10_000), c=st.floats(0.01, 100))
def test_eta_squared_weights_are_frequency_weights_and_scale_free(seed, c):
    rng = np.random.default_rng(seed)
    y = rng.normal(size=24)
    g = np.repeat(["x", "y", "z"], 8)
    k = rng.integers(1, 4, size=24)  # integer weights = repeated rows
    weighted = eta_squared(y, g, weights=k)
    assert weighted == pytest.approx(eta_squared(np.repeat(y, k), np.repeat(g, k)), rel=1e-9)
    assert eta_squared(y, g, weights=c * k) == pytest.approx(weighted, rel=1e-9)
    unweighted = eta_squared(y, g)
    df = pd.DataFrame({"v": y, "g": g})
    assert unweighted == pytest.approx(group_differences(df, "v", "g", "anova").effect_size)
    assert 0 <= weighted <= 1


def test_eta_squared_zero_weight_rows_drop_out_and_bad_input_is_named():
    y, g = [1.0, 2, 3, 4, 100], ["a", "a", "b", "b", "c"]
    assert eta_squared(y, g, weights=[1, 1, 1, 1, 0]) == pytest.approx(eta_squared(y[:4], g[:4]))
    with pytest.raises(ValueError, match="weights: must be non-negative"):
        eta_squared(y, g, weights=[1, 1, 1, 1, -1])
    with pytest.raises(ValueError, match="at least 2 groups"):
        eta_squared(y, ["a"] * 5)
    with pytest.raises(ValueError, match="groups: has 2 labels"):
        eta_squared(y, ["a", "b"])
    with pytest.raises(ValueError, match="no variation"):
        eta_squared([1.0, 1, 1, 1], list("aabb"))


# weighted ordered logit, AME on P(y >= m), Brant test, ordered dominance (issue 12, item 6)
# ----------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def smoke() -> pd.DataFrame:
    """MASS::survey (Venables & Ripley), columns Sex, Smoke, Height, as published in
    vincentarelbundock/Rdatasets ``csv/MASS/survey.csv``; complete cases (208 of 237, polr drops
    29, as its printed output says)."""
    df = pd.read_csv(Path(__file__).parent / "fixtures" / "mass_survey_smoke.csv").dropna()
    df["male"] = (df["Sex"] == "Male").astype(float)
    df["y"] = df["Smoke"].map({"Never": 1, "Occas": 2, "Regul": 3, "Heavy": 4})
    return df


def test_weighted_ordered_logit_reproduces_polr_output(smoke):
    """R ``MASS::polr(Smoke ~ Sex + Height)``, printed in the example of the R package ``brant``
    (Schlegel, https://rdrr.io/cran/brant/man/brant.html): SexMale 0.09478, Height 0.02785,
    intercepts 6.3113 / 6.9224 / 7.8802, residual deviance 287.0276."""
    beta, cuts, ll = attribution_wol(smoke)
    # polr's BFGS stops at a relative deviance change of 1e-8: its SexMale is 1e-4 from the
    # optimum (statsmodels' OrderedModel, in ordered_logit, agrees with us to 1e-6)
    assert beta == pytest.approx([0.09478, 0.02785], abs=2e-4)
    ref = ordered_logit(smoke, "y", ["male", "Height"]).params["coef"].to_numpy()
    assert beta == pytest.approx(ref, abs=1e-5)
    assert cuts == pytest.approx([6.3113, 6.9224, 7.8802], abs=2e-3)  # cuts move with Height x beta
    assert -2 * ll == pytest.approx(287.0276, abs=1e-3)


def attribution_wol(df, w=None):
    from utils.methods.attribution import weighted_ordered_logit

    w = np.ones(len(df)) if w is None else w
    return weighted_ordered_logit(df["y"].to_numpy(), df[["male", "Height"]].to_numpy(), w)


def test_brant_reproduces_r_brant_package(smoke):
    """R ``brant(model1)`` on the same model (https://rdrr.io/cran/brant/man/brant.html, example
    output): Omnibus X2 3.28 df 4 p 0.51; SexMale 1.58 df 2 p 0.45; Height 0.02 df 2 p 0.99."""
    from utils.methods.attribution import brant_test

    res = brant_test(smoke, "y", ["male", "Height"])
    assert res.loc["omnibus", "chi2"] == pytest.approx(3.28, abs=0.005)
    assert res.loc["male", "chi2"] == pytest.approx(1.58, abs=0.005)
    assert res.loc["Height", "chi2"] == pytest.approx(0.02, abs=0.005)
    assert res["df"].tolist() == [4, 2, 2]
    assert res["p"].round(2).tolist() == [0.51, 0.45, 0.99]


def test_brant_rejects_non_parallel_slopes():
    """Slopes that differ across cut-points (a generalised ordered logit) must be detected."""
    from utils.methods.attribution import brant_test

    rng = np.random.default_rng(3)
    n = 3000
    x = rng.normal(size=n)
    # P(y > j) = F(a_j + b_j x) with b = (0.2, 1.0, 2.0): not proportional odds
    u = rng.uniform(size=n)
    a, b = np.array([1.0, 0.0, -1.0]), np.array([0.2, 1.0, 2.0])
    p_above = 1 / (1 + np.exp(-(a[None, :] + b[None, :] * x[:, None])))
    p_above = np.minimum.accumulate(p_above, axis=1)  # keep the cumulative probabilities ordered
    y = (u[:, None] < p_above).sum(axis=1)
    res = brant_test(pd.DataFrame({"x": x, "y": y}), "y", ["x"])
    assert res.loc["omnibus", "p"] < 1e-6


def test_brant_validation():
    from utils.methods.attribution import brant_test

    df = pd.DataFrame({"x": [0.1, 0.5, 0.9, 1.3], "y": [0, 1, 0, 1]})
    with pytest.raises(ValueError, match="3 or more categories"):
        brant_test(df, "y", ["x"])
    with pytest.raises(ValueError, match="outcome"):
        brant_test(df, "z", ["x"])


@FAST
@given(st.integers(1, 4), st.floats(0.1, 50))
def test_weighted_fit_integer_weights_equal_duplicated_rows(k, scale):
    """Weight k on every row of a subset equals repeating those rows k times; a constant factor
    on all weights leaves the estimates unchanged."""
    from utils.methods.attribution import weighted_ordered_logit

    rng = np.random.default_rng(k)
    n = 200
    x = rng.normal(size=(n, 1))
    y = np.digitize(x[:, 0] + rng.logistic(size=n), [-1, 0, 1])
    w = np.ones(n)
    w[:50] = k
    b_w, c_w, _ = weighted_ordered_logit(y, x, w * scale)
    rows = np.r_[np.arange(n), np.repeat(np.arange(50), k - 1)]
    b_d, c_d, _ = weighted_ordered_logit(y[rows], x[rows], np.ones(rows.size))
    assert b_w == pytest.approx(b_d, abs=1e-4)
    assert c_w == pytest.approx(c_d, abs=1e-4)


def test_weighted_fit_validation():
    from utils.methods.attribution import weighted_ordered_logit

    with pytest.raises(ValueError, match="weights"):
        weighted_ordered_logit(np.array([1, 2, 3]), np.ones((3, 1)), np.array([1.0, -1.0, 1.0]))
    with pytest.raises(ValueError, match="same number of rows"):
        weighted_ordered_logit(np.array([1, 2, 3]), np.ones((3, 1)), np.ones(2))


def test_ame_probability_is_the_derivative_of_the_weighted_mean_probability():
    """Closed form against a central finite difference of mean_w F(x'b - tau_m)."""
    from utils.methods.attribution import ame_probability

    rng = np.random.default_rng(5)
    X = rng.normal(size=(100, 2))
    w = rng.uniform(0.5, 2, 100)
    beta, cuts = np.array([0.7, -0.4]), np.array([-1.0, 0.2, 1.5])
    got = ame_probability(beta, cuts, X, w, from_category=2)
    h = 1e-6
    for k in range(2):
        dx = np.zeros(2)
        dx[k] = h
        up = w @ stats.logistic.cdf((X + dx) @ beta - cuts[1]) / w.sum()
        dn = w @ stats.logistic.cdf((X - dx) @ beta - cuts[1]) / w.sum()
        assert got[k] == pytest.approx((up - dn) / (2 * h), rel=1e-6)
    with pytest.raises(ValueError, match="from_category"):
        ame_probability(beta, cuts, X, w, from_category=4)


def test_ordered_dominance_decomposes_the_added_pseudo_r2():
    """General dominance sums to R2_M(all) - R2_M(covariates); a pure-noise predictor ranks last;
    with two predictors GD_a = (R2(a) + R2(a,b) - R2(b)) / 2 (Shapley, by hand)."""
    from utils.methods.attribution import ordered_dominance, weighted_ordered_logit

    rng = np.random.default_rng(2)
    n = 600
    d = pd.DataFrame({"a": rng.normal(size=n), "b": rng.normal(size=n), "c": rng.normal(size=n)})
    d["noise"] = rng.normal(size=n)
    d["y"] = np.digitize(d["a"] + 0.5 * d["b"] + 0.5 * d["c"] + rng.logistic(size=n), [-1, 0, 1])
    dom = ordered_dominance(d, "y", ["a", "b", "noise"], covariates=["c"])
    added = dom.attrs["r2"] - dom.attrs["r2_covariates"]
    assert dom["general_dominance"].sum() == pytest.approx(added, abs=1e-10)
    assert dom["rank"].tolist() == [1, 2, 3]

    two = ordered_dominance(d, "y", ["a", "b"])
    y = d["y"].to_numpy()
    counts = np.bincount(y)
    ll0 = float(counts @ np.log(counts / n))

    def r2(cols):
        return 1 - weighted_ordered_logit(y, d[cols].to_numpy(), np.ones(n))[2] / ll0

    by_hand = (r2(["a"]) + r2(["a", "b"]) - r2(["b"])) / 2
    assert two.loc["a", "general_dominance"] == pytest.approx(by_hand, abs=1e-8)


def test_ordered_dominance_validation():
    from utils.methods.attribution import ordered_dominance

    d = pd.DataFrame({"a": [0.1, 0.4, 0.2, 0.9], "y": [1, 2, 1, 2]})
    with pytest.raises(ValueError, match="2 to 10"):
        ordered_dominance(d, "y", ["a"])
