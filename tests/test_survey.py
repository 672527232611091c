"""Tests for utils.study.survey (household-survey helpers of chapter 3)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from utils.study import survey as sv
from utils.study.data import DIMENSIONS as DATA_DIMENSIONS
from utils.study.data import load_codebook


# ----------------------------------------------------------------------------------------------
# helpers
# ----------------------------------------------------------------------------------------------
def _items_frame(values: dict[str, list[float]], index=None) -> pd.DataFrame:
    return pd.DataFrame(values, index=index)


def _full_survey(rows: list[list[float]], index=None) -> pd.DataFrame:
    """Survey with 5 items per dimension; each row gives one value per dimension (all items)."""
    cols = {}
    for j, d in enumerate(DATA_DIMENSIONS):
        for i in range(1, 6):
            cols[f"{d}{i}"] = [r[j] for r in rows]
    return pd.DataFrame(cols, index=index)


# ----------------------------------------------------------------------------------------------
# DIMENSIONS
# ----------------------------------------------------------------------------------------------
def test_dimensions_order_and_labels_from_indicators():
    assert list(sv.DIMENSIONS) == list(DATA_DIMENSIONS)
    assert sv.DIMENSIONS["gs"] == "government services"
    assert sv.DIMENSIONS["lc"] == "living conditions and outcomes"


def test_dimension_labels_validation():
    with pytest.raises(ValueError, match=r"indicators: missing column\(s\) \['label_en'\]"):
        sv.dimension_labels(pd.DataFrame({"level": ["criterion"], "id": ["gs"]}))
    with pytest.raises(ValueError, match="indicators: no rows with level 'criterion'"):
        sv.dimension_labels(pd.DataFrame({"level": ["goal"], "id": ["G"], "label_en": ["x"]}))


# ----------------------------------------------------------------------------------------------
# dimension_scores
# ----------------------------------------------------------------------------------------------
def test_dimension_scores_hand_example_half_scale_rule():
    """Hand-derived example of the averaged Likert scale with the half-scale rule (Ware et al.
    1993, SF-36 manual: score = mean of answered items if at least half are answered).

    Row a: gs = (1+2+3+4+5)/5 = 3; row b: gs answers (5, 4, NaN, NaN, 3) -> 3 answered >= 3,
    mean = 12/3 = 4; row c: only 2 gs answers -> missing. On 0-100: 100 (3-1)/4 = 50,
    100 (4-1)/4 = 75.
    """
    df = _full_survey([[3, 3, 3, 3, 3], [4, 4, 4, 4, 4], [2, 2, 2, 2, 2]], index=["a", "b", "c"])
    df[["gs1", "gs2", "gs3", "gs4", "gs5"]] = [
        [1, 2, 3, 4, 5],
        [5, 4, np.nan, np.nan, 3],
        [1, np.nan, np.nan, np.nan, 5],
    ]
    out = sv.dimension_scores(df)
    assert list(out.columns) == list(DATA_DIMENSIONS)
    assert list(out.index) == ["a", "b", "c"]
    assert out.loc["a", "gs"] == 3.0
    assert out.loc["b", "gs"] == 4.0
    assert np.isnan(out.loc["c", "gs"])
    assert out.loc["c", "lc"] == 2.0
    assert out.attrs["min_items"]["gs"] == 3
    pct = sv.dimension_scores(df, scale="0-100")
    assert pct.loc["a", "gs"] == 50.0 and pct.loc["b", "gs"] == 75.0
    assert sv.dimension_scores(df, min_items=2).loc["c", "gs"] == 3.0


def test_dimension_scores_uses_codebook_items_and_nullable_ints():
    cb = load_codebook()
    df = _full_survey([[1, 2, 3, 4, 5], [5, 4, 3, 2, 1]]).astype("Int64")
    df.loc[0, "in2"] = pd.NA
    df["extra9"] = 1  # not an item: ignored
    out = sv.dimension_scores(df, cb, dimensions=["in", "lc"])
    assert list(out.columns) == ["in", "lc"]
    assert out.loc[0, "in"] == 2.0 and out.loc[1, "lc"] == 1.0
    assert out.attrs["items"]["in"] == ["in1", "in2", "in3", "in4", "in5"]


def test_dimension_scores_validation_messages():
    df = _full_survey([[3, 3, 3, 3, 3]])
    with pytest.raises(ValueError, match="survey: expected a pandas DataFrame, got list"):
        sv.dimension_scores([[1, 2]])
    with pytest.raises(ValueError, match=r"survey: is empty"):
        sv.dimension_scores(pd.DataFrame())
    with pytest.raises(ValueError, match=r"scale: '1-10' is not one of \['mean', '0-100'\]"):
        sv.dimension_scores(df, scale="1-10")
    with pytest.raises(ValueError, match="min_items: expected an integer, got 2.5"):
        sv.dimension_scores(df, min_items=2.5)
    with pytest.raises(ValueError, match="min_items: 6 must be between 1 and 5"):
        sv.dimension_scores(df, min_items=6)
    with pytest.raises(ValueError, match=r"dimensions: \['xx'\] not among"):
        sv.dimension_scores(df, dimensions=["xx"])
    with pytest.raises(ValueError, match="dimensions: duplicated codes"):
        sv.dimension_scores(df, dimensions=["gs", "gs"])
    with pytest.raises(ValueError, match="dimensions: is empty"):
        sv.dimension_scores(df, dimensions=[])
    bad = df.copy()
    bad.loc[0, "ss3"] = 7
    with pytest.raises(
        ValueError, match=r"column 'ss3' \(dimension 'ss'\), row 0: value 7 is not a Likert"
    ):
        sv.dimension_scores(bad)
    text = df.astype({"ed2": str})
    with pytest.raises(ValueError, match=r"column 'ed2' \(dimension 'ed'\) is not numeric"):
        sv.dimension_scores(text)
    with pytest.raises(
        ValueError, match=r"item column\(s\) \['lc5'\] of dimension 'lc' are missing"
    ):
        sv.dimension_scores(df.drop(columns="lc5"), load_codebook())


@settings(max_examples=50, deadline=None)
@given(
    st.lists(
        st.lists(st.one_of(st.none(), st.integers(1, 5)), min_size=5, max_size=5),
        min_size=1,
        max_size=12,
    )
)
def test_dimension_scores_properties(rows):
    """Bounds, the half-scale rule, and the 0-100 map being the affine image of the mean."""
    df = _full_survey([[3] * 5] * len(rows))
    df[[f"gs{i}" for i in range(1, 6)]] = np.array(
        [[np.nan if v is None else v for v in r] for r in rows], dtype=float
    )
    mean = sv.dimension_scores(df)["gs"]
    pct = sv.dimension_scores(df, scale="0-100")["gs"]
    answered = df[[f"gs{i}" for i in range(1, 6)]].notna().sum(axis=1)
    assert (mean.isna() == (answered < 3)).all()
    ok = mean.dropna()
    assert ((ok >= 1) & (ok <= 5)).all()
    np.testing.assert_allclose(pct.dropna(), 100 * (ok - 1) / 4)
    # a household's score lies between its lowest and highest answer
    block = df[[f"gs{i}" for i in range(1, 6)]]
    assert (ok >= block.min(axis=1)[ok.index] - 1e-12).all()
    assert (ok <= block.max(axis=1)[ok.index] + 1e-12).all()


# ----------------------------------------------------------------------------------------------
# codebook look-ups
# ----------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def codebook() -> pd.DataFrame:
    return load_codebook()


def test_poverty_lines_are_the_published_national_lines(codebook):
    """Published lines: 2,952 yuan in 2016 (NBS rural poverty monitoring report 2017, in
    data/background) and about 4,000 yuan in 2020 (SCIO white paper, 2021-04-06)."""
    lines = survey_lines = sv.poverty_lines(codebook)
    assert lines[2016] == 2952.0
    assert lines[2020] == 4000.0
    assert list(survey_lines.index) == sorted(survey_lines.index)
    assert lines.is_monotonic_increasing


def test_codebook_lookups(codebook):
    assert sv.group_columns(codebook, "quiz") == ["quiz1", "quiz2", "quiz3", "quiz4", "quiz5"]
    assert sv.category_order(codebook, "education")[:2] == ["none", "primary"]
    assert sv.column_labels(codebook, ["gs1"]) == {
        "gs1": "Identification of poor households in my village was fair and accurate"
    }
    assert "gs1" in sv.column_labels(codebook)


def test_codebook_lookup_validation(codebook):
    with pytest.raises(ValueError, match="codebook: expected a pandas DataFrame, got dict"):
        sv.group_columns({}, "quiz")
    with pytest.raises(ValueError, match=r"codebook: missing column\(s\) \['group'\]"):
        sv.group_columns(codebook.drop(columns="group"), "quiz")
    with pytest.raises(ValueError, match="group: no survey column has codebook group 'nope'"):
        sv.group_columns(codebook, "nope")
    with pytest.raises(ValueError, match="codebook: missing column 'label_en'"):
        sv.column_labels(codebook.drop(columns="label_en"))
    with pytest.raises(ValueError, match=r"columns: \['zz'\] are not survey columns"):
        sv.column_labels(codebook, ["zz"])
    with pytest.raises(ValueError, match="column: 'zz' is not a survey column of the codebook"):
        sv.category_order(codebook, "zz")
    with pytest.raises(ValueError, match="column: 'household_id' has no list of allowed values"):
        sv.category_order(codebook, "household_id")
    with pytest.raises(ValueError, match="codebook: missing column 'description'"):
        sv.poverty_lines(codebook.drop(columns="description"))
    with pytest.raises(ValueError, match="codebook: no survey column description states"):
        sv.poverty_lines(codebook.assign(description=""))


# ----------------------------------------------------------------------------------------------
# sample design, non-response
# ----------------------------------------------------------------------------------------------
def _design_frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "township": ["T01", "T01", "T01", "T02", "T02"],
            "village": ["T01-V01", "T01-V01", "T01-V02", "T02-V01", "T02-V01"],
            "registered_poor": pd.array([1, 0, 1, 0, 0], dtype="Int64"),
            "q": [1.0, np.nan, 0.0, np.nan, np.nan],
            "r": [1.0, 1.0, 0.0, 1.0, np.nan],
        },
        index=[f"H{i}" for i in range(5)],
    )


def test_sample_design_hand_counts():
    """Hand count: T01 has 2 villages (2 + 1 households), 2 of 3 poor; T02 1 village, 2 hh."""
    out = sv.sample_design(_design_frame())
    assert out.loc["T01", "villages"] == 2 and out.loc["T02", "villages"] == 1
    assert out.loc["T01", "households per village (min)"] == 1
    assert out.loc["T01", "households per village (max)"] == 2
    assert out.loc["Total", "households"] == 5 and out.loc["Total", "villages"] == 3
    assert out.loc["T01", "registered poor (%)"] == pytest.approx(200 / 3)
    assert out.loc["Total", "registered poor (%)"] == pytest.approx(40.0)


def test_sample_design_validation():
    df = _design_frame()
    with pytest.raises(ValueError, match=r"survey: missing column\(s\) \['village'\]"):
        sv.sample_design(df.drop(columns="village"))
    bad = df.copy()
    bad.loc["H2", "village"] = None
    with pytest.raises(ValueError, match="column 'village' has a missing value \\(row 'H2'\\)"):
        sv.sample_design(bad)
    bad = df.copy()
    bad["registered_poor"] = [1, 0, 2, 0, 0]
    with pytest.raises(ValueError, match="'registered_poor' must be 0/1 \\(row 'H2'\\)"):
        sv.sample_design(bad)


def test_item_nonresponse_hand_counts():
    out = sv.item_nonresponse(_design_frame(), ["q", "r"])
    assert out.loc["q", "missing"] == 3 and out.loc["r", "answered"] == 4
    assert out.loc["q", "missing (%)"] == pytest.approx(60.0)
    assert out.attrs["respondents_complete"] == 2
    assert out.attrs["max_missing"] == 2
    with pytest.raises(ValueError, match="columns: is empty"):
        sv.item_nonresponse(_design_frame(), [])
    with pytest.raises(ValueError, match=r"survey: missing column\(s\) \['zz'\]"):
        sv.item_nonresponse(_design_frame(), ["zz"])


# ----------------------------------------------------------------------------------------------
# bands and frequency tables
# ----------------------------------------------------------------------------------------------
def test_band_labels_and_cuts():
    ages = pd.Series([20, 39, 40, 49, 50, 88, np.nan], name="age")
    out = sv.band(ages, [-np.inf, 40, 50, np.inf])
    assert list(out.cat.categories) == ["<40", "40-49", "50+"]
    assert out.tolist()[:6] == ["<40", "<40", "40-49", "40-49", "50+", "50+"]
    assert pd.isna(out.iloc[6]) and out.name == "age"
    sizes = sv.band(pd.Series([1, 2, 5, 9]), [1, 2, 3, np.inf])
    assert sizes.tolist() == ["1", "2", "3+", "3+"]


def test_band_validation():
    s = pd.Series([1, 2, 3])
    with pytest.raises(ValueError, match="values: expected a pandas Series, got list"):
        sv.band([1, 2], [0, 5])
    with pytest.raises(ValueError, match="edges: need at least 2 edges, got 1"):
        sv.band(s, [0])
    with pytest.raises(ValueError, match="edges: must be strictly increasing"):
        sv.band(s, [0, 5, 5])
    with pytest.raises(ValueError, match="labels: expected 1 labels \\(one per band\\), got 2"):
        sv.band(s, [0, 5], labels=["a", "b"])
    with pytest.raises(ValueError, match=r"values: row 2 value 3 is outside the edges \[0, 3\)"):
        sv.band(s, [0, 3])


def test_frequency_table_hand_counts():
    sex = pd.Series(["m", "f", "m", "m", None], name="sex")
    grp = pd.Series(["a", "a", "b", "b", "b"])
    out = sv.frequency_table(sex, grp, order=["m", "f", "x"])
    assert out[("All", "n")].tolist() == [3, 1, 0]
    assert out[("All", "%")].tolist() == pytest.approx([75.0, 25.0, 0.0])
    assert out[("a", "%")].tolist() == pytest.approx([50.0, 50.0, 0.0])
    assert out[("b", "n")].tolist() == [2, 0, 0]
    assert out.attrs["missing"] == 1 and out.index.name == "sex"


def test_frequency_and_profile_validation():
    s = pd.Series(["a", "b"])
    with pytest.raises(ValueError, match="data: expected a pandas Series, got list"):
        sv.frequency_table(["a"])
    with pytest.raises(ValueError, match="by: expected a pandas Series, got list"):
        sv.frequency_table(s, ["x", "y"])
    with pytest.raises(ValueError, match="by: must have the same index as data"):
        sv.frequency_table(s, pd.Series(["x", "y"], index=[5, 6]))
    with pytest.raises(ValueError, match="by: has a missing value \\(row 1\\)"):
        sv.frequency_table(s, pd.Series(["x", None]))
    with pytest.raises(ValueError, match=r"order: categories \['b'\] of data are not listed"):
        sv.frequency_table(s, order=["a"])
    df = pd.DataFrame({"x": [1, 2]})
    with pytest.raises(ValueError, match="variables: expected a non-empty dict"):
        sv.profile_table(df, {})
    with pytest.raises(ValueError, match=r"variables\['Sex'\]: expected a pandas Series"):
        sv.profile_table(df, {"Sex": ["a", "b"]})
    with pytest.raises(ValueError, match=r"variables\['Sex'\]: index differs"):
        sv.profile_table(df, {"Sex": pd.Series(["a", "b"], index=[3, 4])})


def test_profile_table_stacks_variables():
    df = pd.DataFrame({"sex": ["m", "f", "m"], "edu": ["x", "x", "y"]})
    out = sv.profile_table(df, {"Sex": df["sex"], "Edu": df["edu"]})
    assert out.index.names == ["variable", "category"]
    assert out.loc[("Sex", "m"), ("All", "n")] == 2
    assert out.loc[("Edu", "y"), ("All", "%")] == pytest.approx(100 / 3)


@settings(max_examples=50, deadline=None)
@given(st.lists(st.sampled_from(["a", "b", "c"]), min_size=1, max_size=40), st.randoms())
def test_frequency_table_properties(values, rnd):
    """Counts add up to n, percentages to 100 in every column."""
    s = pd.Series(values)
    g = pd.Series([rnd.choice(["x", "y"]) for _ in values])
    out = sv.frequency_table(s, g)
    assert out[("All", "n")].sum() == len(values)
    for col in out.columns.get_level_values(0).unique():
        assert out[(col, "%")].sum() == pytest.approx(100.0)


# ----------------------------------------------------------------------------------------------
# Wilson intervals and proportion tables
# ----------------------------------------------------------------------------------------------
# Newcombe, R. G. (1998). Two-sided confidence intervals for the single proportion: comparison
# of seven methods. Statistics in Medicine 17, 857-872, Table I, method 3 (Wilson score, no
# continuity correction), 95% intervals, published to four decimals.
NEWCOMBE_1998 = [
    (81, 263, 0.2553, 0.3662),
    (15, 148, 0.0624, 0.1605),
    (0, 20, 0.0000, 0.1611),
    (1, 29, 0.0061, 0.1718),
]


@pytest.mark.parametrize(("x", "n", "lo", "hi"), NEWCOMBE_1998)
def test_wilson_interval_newcombe_table1(x, n, lo, hi):
    got = sv.wilson_interval(x, n, 0.95)
    assert got == pytest.approx((lo, hi), abs=5e-5)


def test_proportion_table_reproduces_newcombe_by_group():
    """Groups built to hold Newcombe's (1998, Table I) counts 81/263 and 15/148."""
    y = [1] * 81 + [0] * (263 - 81) + [1] * 15 + [0] * (148 - 15)
    g = ["a"] * 263 + ["b"] * 148
    df = pd.DataFrame({"y": y, "g": g})
    out = sv.proportion_table(df, ["y"], by="g", labels={"y": "outcome"})
    a = out[out["group"] == "a"].iloc[0]
    b = out[out["group"] == "b"].iloc[0]
    assert (a["n"], a["successes"], a["label"]) == (263, 81, "outcome")
    assert (a["ci_low"], a["ci_high"]) == pytest.approx((0.2553, 0.3662), abs=5e-5)
    assert (b["ci_low"], b["ci_high"]) == pytest.approx((0.0624, 0.1605), abs=5e-5)
    overall = sv.proportion_table(df, ["y"]).iloc[0]
    assert overall["group"] == "All" and overall["rate"] == pytest.approx(96 / 411)


def test_wilson_and_proportion_validation():
    with pytest.raises(ValueError, match="successes: must be an integer, got 1.5"):
        sv.wilson_interval(1.5, 10)
    with pytest.raises(ValueError, match="n: must be at least 1, got 0"):
        sv.wilson_interval(0, 0)
    with pytest.raises(ValueError, match="successes: must be between 0 and n = 10, got 11"):
        sv.wilson_interval(11, 10)
    with pytest.raises(ValueError, match="level: must be a number strictly between 0 and 1"):
        sv.wilson_interval(1, 10, level=95)
    df = pd.DataFrame({"y": [0, 1, 2], "g": ["a", None, "b"]})
    with pytest.raises(ValueError, match="columns: is empty"):
        sv.proportion_table(df, [])
    with pytest.raises(ValueError, match=r"survey: column 'y', row 2: value 2 is not 0/1"):
        sv.proportion_table(df, ["y"])
    with pytest.raises(ValueError, match=r"by: column 'g' has a missing value \(row 1\)"):
        sv.proportion_table(df.iloc[:2], ["y"], by="g")


@settings(max_examples=50, deadline=None)
@given(st.integers(1, 500), st.data())
def test_wilson_interval_properties(n, data):
    """Inside [0, 1], contains x/n, and narrows when the same rate has 4x the sample."""
    x = data.draw(st.integers(0, n))
    lo, hi = sv.wilson_interval(x, n)
    assert 0 <= lo <= x / n <= hi <= 1
    lo4, hi4 = sv.wilson_interval(4 * x, 4 * n)
    assert hi4 - lo4 < hi - lo


# ----------------------------------------------------------------------------------------------
# reliability and validity tables
# ----------------------------------------------------------------------------------------------
def _likert_sample(n: int = 300, seed: int = 1) -> pd.DataFrame:
    """Five items per dimension from a one-factor-per-dimension model, cut to 1..5."""
    rng = np.random.default_rng(seed)
    cols = {}
    for d in DATA_DIMENSIONS:
        f = rng.standard_normal(n)
        for i, lam in enumerate([0.8, 0.75, 0.7, 0.65, 0.6], start=1):
            z = lam * f + np.sqrt(1 - lam**2) * rng.standard_normal(n)
            cols[f"{d}{i}"] = np.digitize(z, [-1.5, -0.5, 0.5, 1.5]) + 1.0
    return pd.DataFrame(cols)


def test_reliability_table_parallel_items_alpha_one():
    """Closed form: k identical items give alpha = k/(k-1) (1 - k s^2 / (k^2 s^2)) = 1."""
    rows = [[1] * 5, [2] * 5, [4] * 5, [5] * 5, [3] * 5]
    df = _full_survey(rows)
    out = sv.reliability_table(df)
    assert out["alpha"].to_numpy() == pytest.approx(np.ones(5))
    assert list(out.index) == list(DATA_DIMENSIONS)
    assert out.loc["gs", "label"] == "government services"


def test_reliability_and_item_tables_match_pingouin():
    """Cross-check with pingouin (independent implementation of alpha, Feldt interval)."""
    pg = pytest.importorskip("pingouin")
    df = _likert_sample()
    rel = sv.reliability_table(df, dimensions=["gs", "lc"])
    for d in ("gs", "lc"):
        items = df[[f"{d}{i}" for i in range(1, 6)]]
        alpha, ci = pg.cronbach_alpha(items)
        assert rel.loc[d, "alpha"] == pytest.approx(alpha, abs=1e-10)
        assert (rel.loc[d, "ci_low"], rel.loc[d, "ci_high"]) == pytest.approx(tuple(ci), abs=6e-4)
    tab = sv.item_table(df, dimensions=["in"])
    for i in range(1, 6):
        rest = df[[f"in{j}" for j in range(1, 6) if j != i]]
        expected = pg.cronbach_alpha(rest)[0]
        assert tab.loc[("in", f"in{i}"), "alpha_if_deleted"] == pytest.approx(expected, abs=1e-10)


def test_convergent_validity_loadings_match_sklearn_ml():
    """One-factor ML loadings cross-checked with scikit-learn's FactorAnalysis (an independent
    ML implementation) on standardized items; CR/AVE follow Fornell & Larcker (1981)."""
    from sklearn.decomposition import FactorAnalysis

    df = _likert_sample(n=400, seed=3)
    out = sv.convergent_validity(df, method="ml", dimensions=["ss"])
    lam = out.attrs["loadings"]["ss"].to_numpy()
    x = df[[f"ss{i}" for i in range(1, 6)]].to_numpy()
    z = (x - x.mean(axis=0)) / x.std(axis=0)
    ref = np.abs(FactorAnalysis(n_components=1, tol=1e-8, max_iter=5000).fit(z).components_[0])
    np.testing.assert_allclose(lam, ref, atol=5e-3)
    s = lam.sum()
    assert out.loc["ss", "CR"] == pytest.approx(s**2 / (s**2 + (1 - lam**2).sum()))
    assert out.loc["ss", "AVE"] == pytest.approx(np.mean(lam**2))
    assert out.loc["ss", "sqrt AVE"] == pytest.approx(np.sqrt(np.mean(lam**2)))


def test_convergent_validity_needs_three_items():
    df = pd.DataFrame({"gs1": [1, 2, 3, 4.0], "gs2": [2, 2, 3, 5.0]})
    with pytest.raises(ValueError, match="dimension 'gs': needs at least 3 items .* got 2"):
        sv.convergent_validity(df, dimensions=["gs"])


def test_factor_correspondence_hand_example():
    """Hand-made loadings: dimension a's items load on F2 (one cross-loads on F1 at 0.6 > 0.5)."""
    L = pd.DataFrame(
        {"F1": [0.1, 0.6, 0.2, 0.7, 0.8], "F2": [0.7, 0.5, 0.8, 0.1, -0.3]},
        index=["a1", "a2", "a3", "b1", "b2"],
    )
    out = sv.factor_correspondence(L, {"a": ["a1", "a2", "a3"], "b": ["b1", "b2"]})
    assert out.loc["a", "factor"] == "F2" and out.loc["b", "factor"] == "F1"
    assert out.loc["a", "on target"] == 2 and out.loc["b", "on target"] == 2
    assert out.loc["a", "min loading"] == pytest.approx(0.5)
    assert out.loc["a", "max cross-loading"] == pytest.approx(0.6)
    assert out.loc["b", "max cross-loading"] == pytest.approx(0.3)
    with pytest.raises(ValueError, match="loadings: expected a DataFrame, got list"):
        sv.factor_correspondence([[1]], {"a": ["a1"]})
    with pytest.raises(ValueError, match="items: expected a non-empty dict"):
        sv.factor_correspondence(L, {})
    with pytest.raises(ValueError, match=r"items\['a'\]: \['zz'\] are not rows of loadings"):
        sv.factor_correspondence(L, {"a": ["zz"]})


# ----------------------------------------------------------------------------------------------
# quiz score and group differences
# ----------------------------------------------------------------------------------------------
def test_count_score_hand_example():
    df = pd.DataFrame({"q1": [1, 0, 1], "q2": [1, 0, np.nan], "q3": [1, 1, 0]})
    out = sv.count_score(df, ["q1", "q2", "q3"], name="quiz")
    assert out.iloc[0] == 3 and out.iloc[1] == 1 and np.isnan(out.iloc[2])
    assert out.name == "quiz"
    with pytest.raises(ValueError, match="columns: is empty"):
        sv.count_score(df, [])
    with pytest.raises(ValueError, match=r"column 'q3', row 1: value 2 is not 0/1"):
        sv.count_score(df.assign(q3=[1, 2, 0]), ["q1", "q3"])


def test_group_difference_table_matches_scipy_and_drops_small_groups():
    """Cross-check with scipy.stats (f_oneway, kruskal) and eta^2 = SS_B / SS_T by hand."""
    from scipy import stats

    y = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 9.0]
    g = ["a", "a", "a", "b", "b", "b", "c"]
    df = pd.DataFrame({"y": y, "g": g})
    out = sv.group_difference_table(df, ["y"], ["g"], method="anova").iloc[0]
    assert out["dropped"] == "c" and out["n"] == 6 and out["groups"] == 2
    assert out["statistic"] == pytest.approx(stats.f_oneway(y[:3], y[3:6]).statistic)
    # SS_B = 3 (2-3.5)^2 + 3 (5-3.5)^2 = 13.5, SS_T = 17.5
    assert out["effect_size"] == pytest.approx(13.5 / 17.5)
    assert (out["highest"], out["lowest"], out["df"]) == ("b", "a", "1, 4")
    kw = sv.group_difference_table(df, ["y"], ["g"], method="kruskal", min_group_size=1 + 1)
    assert kw.iloc[0]["statistic"] == pytest.approx(stats.kruskal(y[:3], y[3:6]).statistic)


def test_group_difference_table_validation():
    df = pd.DataFrame({"y": [1.0, 2, 3, 4], "g": ["a", "a", "b", "b"]})
    with pytest.raises(ValueError, match="data: expected a pandas DataFrame, got list"):
        sv.group_difference_table([1], ["y"], ["g"])
    with pytest.raises(ValueError, match="values/groups: give at least one outcome"):
        sv.group_difference_table(df, [], ["g"])
    with pytest.raises(ValueError, match=r"data: missing column\(s\) \['h'\]"):
        sv.group_difference_table(df, ["y"], ["h"])
    with pytest.raises(ValueError, match="min_group_size: must be an integer, got 2.0"):
        sv.group_difference_table(df, ["y"], ["g"], min_group_size=2.0)
    with pytest.raises(ValueError, match="min_group_size: must be at least 2, got 1"):
        sv.group_difference_table(df, ["y"], ["g"], min_group_size=1)


# ----------------------------------------------------------------------------------------------
# chapter summaries: dimension_summary, attainment_summary, quiz_summary, overview, labels
# ----------------------------------------------------------------------------------------------
def test_short_labels_strip_group_prefix(codebook):
    """Codebook labels "Two no-worries three guarantees: food attained" and "Policy quiz: Knows
    ..." (data/codebook.csv) lose the text up to the first ': ' and the ``drop`` text."""
    assert sv.short_labels(codebook, ["tb_food", "tb_drinking_water"], drop=" attained") == {
        "tb_food": "food",
        "tb_drinking_water": "drinking water",
    }
    assert sv.short_labels(codebook, ["quiz2"]) == {
        "quiz2": "Knows the poverty-exit income standard"
    }
    with pytest.raises(ValueError, match="drop: expected a string, got int"):
        sv.short_labels(codebook, ["quiz2"], drop=1)


def test_dimension_summary_hand_example():
    """Hand-derived. Two households, every item of a dimension equal except two gaps:
    d0: answers 1 and 3 -> mean 2 (1-5); 0-100 scores 0 and 50 -> mean 25, sd 25 sqrt(2);
    no answer >= 4 -> 0 %.  d1: 2, 4 -> 50 on 0-100, agree 5 of 10 answers = 50 %.
    d2: 3, 5 -> 75.  d3: 4, 4 with one item missing -> 75, agree 9 of 9 answered = 100 %.
    d4: 5, 2 with one item missing in row 2 -> 62.5; agree 5 of 9 answered = 55.6 %.
    Weakest d0 (25); strongest the first of the tie d2 = d3 = 75; below 50: d0 only."""
    dims = list(DATA_DIMENSIONS)
    df = _full_survey([[1, 2, 3, 4, 5], [3, 4, 5, 4, 2]])
    df.loc[0, f"{dims[3]}5"] = np.nan
    df.loc[1, f"{dims[4]}5"] = np.nan
    out = sv.dimension_summary(df)
    t = out.table
    assert list(t.index) == dims and t.index.name == "code"
    assert list(t["dimension"]) == [sv.DIMENSIONS[d] for d in dims]
    assert t["mean score (1-5)"].tolist() == pytest.approx([2.0, 3.0, 4.0, 4.0, 3.5])
    assert t["mean score (0-100)"].tolist() == pytest.approx([25.0, 50.0, 75.0, 75.0, 62.5])
    assert t["sd (0-100)"].tolist() == pytest.approx(
        [25 * np.sqrt(2), 25 * np.sqrt(2), 25 * np.sqrt(2), 0.0, 75 / np.sqrt(2)]
    )
    assert t["agree or strongly agree (%)"].tolist() == pytest.approx(
        [0.0, 50.0, 50.0, 100.0, 500 / 9]
    )
    assert (out.weakest, out.strongest, out.below_midpoint) == (dims[0], dims[2], (dims[0],))
    assert sv.dimension_summary(df, agree_from=5).table["agree or strongly agree (%)"].tolist() == (
        pytest.approx([0.0, 0.0, 50.0, 0.0, 500 / 9])
    )


def test_dimension_summary_validation():
    df = _full_survey([[1, 2, 3, 4, 5]])
    with pytest.raises(ValueError, match=r"agree_from: 6 is not a Likert answer \[1, 2, 3, 4, 5\]"):
        sv.dimension_summary(df, agree_from=6)
    with pytest.raises(ValueError, match="agree_from: expected an integer answer 1..5, got 4.0"):
        sv.dimension_summary(df, agree_from=4.0)
    with pytest.raises(ValueError, match="survey: expected a pandas DataFrame, got list"):
        sv.dimension_summary([1])


def _attainment_frame() -> pd.DataFrame:
    return pd.DataFrame(
        {"c1": [1, 1, 1, 0], "c2": [1, 0, 0, 1], "g": ["p", "p", "n", "n"]},
        index=[10, 11, 12, 13],
    )


def test_attainment_summary_hand_example():
    """Hand-derived: c1 attained by 3 of 4, c2 by 2 of 4 (lowest); both only by row 10 -> 1/4.
    Group p: c1 2/2, c2 1/2; group n: c1 1/2, c2 1/2; gap p - n = 50 and 0 points."""
    out = sv.attainment_summary(
        _attainment_frame(),
        ["c1", "c2"],
        by="g",
        labels={"c1": "first", "c2": "second"},
        contrast=("p", "n"),
        group_name="Status",
    )
    assert out.overall["rate"].tolist() == [0.75, 0.5]
    assert out.lowest["label"] == "second"
    assert (out.joint["n"], out.joint["successes"], out.joint["rate"]) == (4, 1, 0.25)
    assert (out.joint["ci_low"], out.joint["ci_high"]) == pytest.approx(sv.wilson_interval(1, 4))
    assert list(out.wide.index) == ["first", "second"] and out.wide.columns.name == "Status"
    assert out.wide.loc["first"].to_dict() == {"n": 0.5, "p": 1.0}
    assert out.gap.tolist() == [50.0, 0.0]
    assert (out.gap_max, out.n_at_least) == (50.0, 2)
    assert list(out.table.columns.get_level_values(0).unique()) == ["All", "n", "p"]
    assert out.table.index.name == "requirement"
    assert out.table.loc["first", ("p", "rate (%)")] == 100.0
    assert out.table.loc["second", ("All", "rate (%)")] == 50.0
    # a contrast group that is absent: no gap
    none = sv.attainment_summary(_attainment_frame(), ["c1", "c2"], by="g", contrast=("p", "x"))
    assert none.gap.empty and (none.gap_max, none.n_at_least) == (0.0, 0)


def test_attainment_summary_validation():
    df = _attainment_frame()
    with pytest.raises(ValueError, match=r"contrast: expected a pair of group names \(a, b\)"):
        sv.attainment_summary(df, ["c1"], by="g", contrast=("p",))
    with pytest.raises(ValueError, match=r"survey: missing column\(s\) \['h'\]"):
        sv.attainment_summary(df, ["c1"], by="h")
    with pytest.raises(ValueError, match=r"column 'c1', row 11: value 2 is not 0/1"):
        sv.attainment_summary(df.assign(c1=[1, 2, 1, 0]), ["c1"], by="g")


@settings(max_examples=50, deadline=None)
@given(st.lists(st.tuples(st.booleans(), st.booleans(), st.booleans()), min_size=2, max_size=30))
def test_attainment_summary_joint_rate_at_most_every_single_rate(rows):
    """Attaining all requirements implies attaining each: joint rate <= min single rate."""
    df = pd.DataFrame(rows, columns=["a", "b", "g"]).astype(int)
    out = sv.attainment_summary(df, ["a", "b"], by="g")
    assert out.joint["rate"] <= out.overall["rate"].min() + 1e-12
    rates = out.table.xs("rate (%)", axis=1, level=1).to_numpy()
    assert ((rates >= 0) & (rates <= 100)).all()


def _quiz_frame():
    df = pd.DataFrame({"q1": [1, 1, 0, 1], "q2": [1, 0, 0, 1]}, index=list("abcd"))
    edu = pd.Series(
        pd.Categorical(
            ["low_school", "low_school", "high", "high"],
            categories=["low_school", "mid", "high"],
            ordered=True,
        ),
        index=df.index,
    )
    return df, edu


def test_quiz_summary_hand_example():
    """Hand-derived: scores 2, 1, 0, 2 -> mean 1.25, all correct 2 of 4 = 50 %; q2 is the
    hardest (2 of 4). Mean by level: low 1.5, high 1.0 (empty level 'mid' left out). Spearman:
    ranks of codes (1.5, 1.5, 3.5, 3.5) and scores (3.5, 2, 1, 3.5) give
    r = -1 / sqrt(4 * 4.5) = -0.2357, cross-checked with scipy.stats.spearmanr."""
    from scipy import stats

    df, edu = _quiz_frame()
    out = sv.quiz_summary(df, ["q1", "q2"], edu, labels={"q1": "one", "q2": "two"})
    assert out.score.tolist() == [2, 1, 0, 2] and out.n_questions == 2
    assert (out.mean, out.all_correct_pct) == (1.25, 50.0)
    assert out.hardest["label"] == "two" and out.hardest["rate"] == 0.5
    assert out.by_group.to_dict() == {"low school": 1.5, "high": 1.0}
    assert list(out.distribution.index) == ["low school", "high"]
    assert out.distribution.index.name == "Education"
    assert out.distribution.columns.name == "Correct answers"
    assert out.distribution.loc["low school"].tolist() == [0.0, 0.5, 0.5]
    assert out.distribution.loc["high"].tolist() == [0.5, 0.0, 0.5]
    assert out.rho == pytest.approx(-1 / np.sqrt(18))
    assert out.rho == pytest.approx(stats.spearmanr([0, 0, 2, 2], [2, 1, 0, 2]).statistic)
    assert list(out.table.columns) == ["n", "correct (%)", "CI low (%)", "CI high (%)"]
    assert out.table.loc["one", "correct (%)"] == 75.0 and out.table.loc["one", "n"] == 4


def test_quiz_summary_validation():
    df, edu = _quiz_frame()
    with pytest.raises(ValueError, match="group: expected an ordered categorical pandas Series"):
        sv.quiz_summary(df, ["q1"], edu.astype(str))
    with pytest.raises(ValueError, match="group: the categorical must be ordered"):
        sv.quiz_summary(df, ["q1"], edu.cat.as_unordered())
    with pytest.raises(ValueError, match="group: its index must be the survey's index"):
        sv.quiz_summary(df, ["q1"], edu.reset_index(drop=True))
    with pytest.raises(ValueError, match="columns: is empty"):
        sv.quiz_summary(df, [], edu)


def _overview_frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "y": [1.0, 2, 3, 4, 5, 6],
            "z": [1.0, 1, 2, 2, 3, 3],
            "g": list("aaabbb"),
            "h": list("ababab"),
        }
    )


def test_group_difference_overview_hand_example():
    """Hand-derived eta^2 = SS_B / SS_T: y by g 13.5 / 17.5, y by h 1.5 / 17.5, z by g
    (8/3) / 4, z by h 0. F(1, 4) for g: 13.5 and 8, p-values from scipy.stats.f.sf below 0.05."""
    from scipy import stats

    out = sv.group_difference_overview(
        _overview_frame(),
        ["y", "z"],
        ["g", "h"],
        focus="g",
        focus_outcomes=["y", "z"],
        method="anova",
    )
    assert out.effects.loc["y"].tolist() == pytest.approx([13.5 / 17.5, 1.5 / 17.5])
    assert out.effects.loc["z"].tolist() == pytest.approx([2 / 3, 0.0], abs=1e-12)
    assert (out.effects.index.name, out.effects.columns.name) == ("Outcome", "Grouping")
    assert (out.top["outcome"], out.top["grouping"]) == ("y", "g")
    assert out.mean_effect["g"] == pytest.approx((13.5 / 17.5 + 2 / 3) / 2)
    assert stats.f.sf(13.5, 1, 4) < 0.05 and stats.f.sf(8.0, 1, 4) < 0.05
    assert out.focus_n_significant == 2
    assert out.focus_max_effect == pytest.approx(13.5 / 17.5)
    only_y = sv.group_difference_overview(
        _overview_frame(), ["y", "z"], ["g", "h"], focus="h", focus_outcomes=["y"], method="anova"
    )
    assert only_y.mean_effect.to_dict() == pytest.approx({"g": 13.5 / 17.5, "h": 1.5 / 17.5})
    assert (only_y.focus_n_significant, only_y.focus_max_effect) == (0, pytest.approx(1.5 / 17.5))


def test_group_difference_overview_validation():
    df = _overview_frame()
    with pytest.raises(ValueError, match=r"focus: 'x' is not one of the groupings \['g'\]"):
        sv.group_difference_overview(df, ["y"], ["g"], focus="x")
    with pytest.raises(ValueError, match=r"focus_outcomes: \['w'\] are not among the outcomes"):
        sv.group_difference_overview(df, ["y"], ["g"], focus="g", focus_outcomes=["w"])
    with pytest.raises(ValueError, match="alpha: must be a number strictly between 0 and 1, got 1"):
        sv.group_difference_overview(df, ["y"], ["g"], focus="g", alpha=1)
