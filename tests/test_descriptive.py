"""Tests for utils.methods.descriptive: Newcombe's (1998) published Wilson intervals, hand counts,
pandas.crosstab as a reference implementation of the frequency table, properties and every
validation branch."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from utils.methods import descriptive as ds

FAST = settings(max_examples=50, deadline=None)

# ----------------------------------------------------------------------------------------------
# Wilson intervals and proportion tables
# ----------------------------------------------------------------------------------------------
# Newcombe, R. G. (1998). Two-sided confidence intervals for the single proportion: comparison
# of seven methods. Statistics in Medicine 17(8), 857-872, Table I, method 3 (Wilson score, no
# continuity correction), 95% intervals, published to four decimals.
# https://doi.org/10.1002/(SICI)1097-0258(19980430)17:8<857::AID-SIM777>3.0.CO;2-E
# (full text: https://www.readkong.com/page/two-sided-confidence-intervals-for-the-single-proportion-2356736)
NEWCOMBE_1998 = [
    (81, 263, 0.2553, 0.3662),
    (15, 148, 0.0624, 0.1605),
    (0, 20, 0.0000, 0.1611),
    (1, 29, 0.0061, 0.1718),
]


@pytest.mark.parametrize(("x", "n", "lo", "hi"), NEWCOMBE_1998)
def test_wilson_interval_newcombe_table1(x, n, lo, hi):
    assert ds.wilson_interval(x, n, 0.95) == pytest.approx((lo, hi), abs=5e-5)


def test_wilson_interval_closed_form_by_hand():
    """Wilson's (1927) formula written out for x = 4, n = 700 at 90%: statsmodels agrees."""
    from scipy.stats import norm

    x, n, z = 4, 700, norm.ppf(0.95)
    p = x / n
    centre = (p + z**2 / (2 * n)) / (1 + z**2 / n)
    half = z * np.sqrt(p * (1 - p) / n + z**2 / (4 * n**2)) / (1 + z**2 / n)
    assert ds.wilson_interval(x, n, confidence=0.90) == pytest.approx(
        (centre - half, centre + half), rel=1e-12
    )


def test_proportion_table_reproduces_newcombe_by_group():
    """Groups built to hold Newcombe's (1998, Table I) counts 81/263 and 15/148."""
    y = [1] * 81 + [0] * (263 - 81) + [1] * 15 + [0] * (148 - 15)
    g = ["a"] * 263 + ["b"] * 148
    df = pd.DataFrame({"y": y, "g": g})
    out = ds.proportion_table(df, ["y"], by="g", labels={"y": "outcome"})
    a = out[out["group"] == "a"].iloc[0]
    b = out[out["group"] == "b"].iloc[0]
    assert (a["n"], a["successes"], a["label"]) == (263, 81, "outcome")
    assert (a["ci_low"], a["ci_high"]) == pytest.approx((0.2553, 0.3662), abs=5e-5)
    assert (b["ci_low"], b["ci_high"]) == pytest.approx((0.0624, 0.1605), abs=5e-5)
    overall = ds.proportion_table(df, ["y"])
    assert overall.attrs["confidence"] == 0.95
    row = overall.iloc[0]
    assert row["group"] == "All" and row["rate"] == pytest.approx(96 / 411)


def test_proportion_table_missing_answers_and_empty_group():
    df = pd.DataFrame({"y": [1.0, np.nan, 0.0, np.nan], "g": ["a", "a", "a", "b"]})
    out = ds.proportion_table(df, ["y"], by="g").set_index("group")
    assert (out.loc["a", "n"], out.loc["a", "successes"]) == (2, 1)
    assert out.loc["b", "n"] == 0 and np.isnan(out.loc["b", "rate"])
    assert np.isnan(out.loc["b", "ci_low"]) and np.isnan(out.loc["b", "ci_high"])


def test_wilson_and_proportion_validation():
    with pytest.raises(ValueError, match="successes: must be an integer, got 1.5"):
        ds.wilson_interval(1.5, 10)
    with pytest.raises(ValueError, match="n: must be an integer, got True"):
        ds.wilson_interval(1, True)
    with pytest.raises(ValueError, match="n: must be at least 1, got 0"):
        ds.wilson_interval(0, 0)
    with pytest.raises(ValueError, match="successes: must be between 0 and n = 10, got 11"):
        ds.wilson_interval(11, 10)
    with pytest.raises(ValueError, match="confidence: must be a number strictly between 0 and 1"):
        ds.wilson_interval(1, 10, confidence=95)
    df = pd.DataFrame({"y": [0, 1, 2], "g": ["a", None, "b"]})
    with pytest.raises(ValueError, match="data: expected a pandas DataFrame, got list"):
        ds.proportion_table([1], ["y"])
    with pytest.raises(ValueError, match="data: is empty"):
        ds.proportion_table(pd.DataFrame(), ["y"])
    with pytest.raises(ValueError, match="columns: is empty"):
        ds.proportion_table(df, [])
    with pytest.raises(ValueError, match=r"data: missing column\(s\) \['zz'\]"):
        ds.proportion_table(df, ["zz"])
    with pytest.raises(ValueError, match=r"data: missing column\(s\) \['h'\]"):
        ds.proportion_table(df, ["y"], by="h")
    with pytest.raises(ValueError, match=r"data: column 'y', row 2: value 2 is not 0/1"):
        ds.proportion_table(df, ["y"])
    with pytest.raises(ValueError, match=r"by: column 'g' has a missing value \(row 1\)"):
        ds.proportion_table(df.iloc[:2], ["y"], by="g")
    with pytest.raises(ValueError, match="confidence: must be a number strictly between 0 and 1"):
        ds.proportion_table(df.iloc[:2], ["y"], confidence=1.0)


@FAST
@given(st.integers(1, 500), st.data(), st.floats(0.5, 0.995))
def test_wilson_interval_properties(n, data, confidence):
    """Inside [0, 1], contains x/n, symmetric under x -> n - x, narrows with 4x the sample and
    widens with the confidence level."""
    x = data.draw(st.integers(0, n))
    lo, hi = ds.wilson_interval(x, n, confidence)
    assert 0 <= lo <= x / n <= hi <= 1
    mlo, mhi = ds.wilson_interval(n - x, n, confidence)
    assert (mlo, mhi) == pytest.approx((1 - hi, 1 - lo), abs=1e-12)
    lo4, hi4 = ds.wilson_interval(4 * x, 4 * n, confidence)
    assert hi4 - lo4 < hi - lo
    wlo, whi = ds.wilson_interval(x, n, min(confidence + 0.004, 0.999))
    assert whi - wlo >= hi - lo - 1e-12


@FAST
@given(
    st.lists(st.tuples(st.sampled_from([0.0, 1.0, np.nan]), st.booleans()), min_size=1, max_size=40)
)
def test_proportion_table_counts_add_up(rows):
    """Per group n and successes add up to the overall ones; every rate is successes / n."""
    df = pd.DataFrame(rows, columns=["y", "g"])
    overall = ds.proportion_table(df, ["y"]).iloc[0]
    groups = ds.proportion_table(df, ["y"], by="g")
    assert groups["n"].sum() == overall["n"] == df["y"].notna().sum()
    assert groups["successes"].sum() == overall["successes"]
    ok = groups[groups["n"] > 0]
    np.testing.assert_allclose(ok["rate"], ok["successes"] / ok["n"])
    assert ((ok["ci_low"] <= ok["rate"]) & (ok["rate"] <= ok["ci_high"])).all()


# ----------------------------------------------------------------------------------------------
# frequency and profile tables
# ----------------------------------------------------------------------------------------------
def test_frequency_table_hand_counts():
    sex = pd.Series(["m", "f", "m", "m", None], name="sex")
    grp = pd.Series(["a", "a", "b", "b", "b"])
    out = ds.frequency_table(sex, grp, order=["m", "f", "x"])
    assert out[("All", "n")].tolist() == [3, 1, 0]
    assert out[("All", "%")].tolist() == pytest.approx([75.0, 25.0, 0.0])
    assert out[("a", "%")].tolist() == pytest.approx([50.0, 50.0, 0.0])
    assert out[("b", "n")].tolist() == [2, 0, 0]
    assert out.attrs["missing"] == 1 and out.index.name == "sex"


def test_frequency_table_matches_pandas_crosstab():
    """Reference implementation: ``pandas.crosstab(normalize="columns")`` (column percentages)."""
    rng = np.random.default_rng(5)
    s = pd.Series(rng.choice(["low", "mid", "high"], 200), name="edu")
    g = pd.Series(rng.choice(["p", "q"], 200))
    out = ds.frequency_table(s, g, order=["low", "mid", "high"])
    ref = pd.crosstab(s, g, normalize="columns").reindex(["low", "mid", "high"]) * 100
    for col in ("p", "q"):
        np.testing.assert_allclose(out[(col, "%")], ref[col])
    np.testing.assert_array_equal(
        out[("All", "n")], s.value_counts().reindex(["low", "mid", "high"]).to_numpy()
    )


def test_frequency_table_categorical_order_and_empty_group():
    s = pd.Series(pd.Categorical(["b", "a"], categories=["b", "a", "c"]))
    assert list(ds.frequency_table(s).index) == ["b", "a", "c"]
    empty = pd.Series([None, None], dtype=object)
    out = ds.frequency_table(empty, order=["a"])
    assert out[("All", "n")].tolist() == [0] and np.isnan(out[("All", "%")].iloc[0])


def test_frequency_and_profile_validation():
    s = pd.Series(["a", "b"])
    with pytest.raises(ValueError, match="data: expected a pandas Series, got list"):
        ds.frequency_table(["a"])
    with pytest.raises(ValueError, match="by: expected a pandas Series, got list"):
        ds.frequency_table(s, ["x", "y"])
    with pytest.raises(ValueError, match="by: must have the same index as data"):
        ds.frequency_table(s, pd.Series(["x", "y"], index=[5, 6]))
    with pytest.raises(ValueError, match="by: has a missing value \\(row 1\\)"):
        ds.frequency_table(s, pd.Series(["x", None]))
    with pytest.raises(ValueError, match=r"order: categories \['b'\] of data are not listed"):
        ds.frequency_table(s, order=["a"])
    with pytest.raises(ValueError, match="variables: expected a non-empty dict"):
        ds.profile_table({})
    with pytest.raises(ValueError, match=r"variables\['Sex'\]: expected a pandas Series"):
        ds.profile_table({"Sex": ["a", "b"]})
    with pytest.raises(ValueError, match=r"variables\['Edu'\]: index differs"):
        ds.profile_table({"Sex": s, "Edu": pd.Series(["a", "b"], index=[3, 4])})


def test_profile_table_stacks_variables():
    df = pd.DataFrame({"sex": ["m", "f", "m"], "edu": ["x", "x", "y"], "g": ["p", "q", "q"]})
    out = ds.profile_table({"Sex": df["sex"], "Edu": df["edu"]}, by=df["g"])
    assert out.index.names == ["variable", "category"]
    assert out.loc[("Sex", "m"), ("All", "n")] == 2
    assert out.loc[("Edu", "y"), ("All", "%")] == pytest.approx(100 / 3)
    assert out.loc[("Edu", "x"), ("q", "%")] == pytest.approx(50.0)


@FAST
@given(st.lists(st.sampled_from(["a", "b", "c"]), min_size=1, max_size=40), st.randoms())
def test_frequency_table_properties(values, rnd):
    """Counts add up to n, percentages to 100 in every column."""
    s = pd.Series(values)
    g = pd.Series([rnd.choice(["x", "y"]) for _ in values])
    out = ds.frequency_table(s, g)
    assert out[("All", "n")].sum() == len(values)
    for col in out.columns.get_level_values(0).unique():
        assert out[(col, "%")].sum() == pytest.approx(100.0)


@FAST
@given(st.lists(st.tuples(st.sampled_from("mf"), st.sampled_from("xyz")), min_size=1, max_size=30))
def test_profile_table_properties(rows):
    """Each variable's block of the profile is its own frequency table: counts add up to n and
    percentages to 100 within every variable."""
    df = pd.DataFrame(rows, columns=["sex", "edu"])
    out = ds.profile_table({"Sex": df["sex"], "Edu": df["edu"]})
    for variable, column in (("Sex", "sex"), ("Edu", "edu")):
        block = out.loc[variable]
        assert block[("All", "n")].sum() == len(df)
        assert block[("All", "%")].sum() == pytest.approx(100.0)
        pd.testing.assert_frame_equal(
            block, ds.frequency_table(df[column]).rename_axis("category"), check_names=False
        )


# ----------------------------------------------------------------------------------------------
# item non-response and bands
# ----------------------------------------------------------------------------------------------
def _answers() -> pd.DataFrame:
    return pd.DataFrame(
        {"q": [1.0, np.nan, 0.0, np.nan, np.nan], "r": [1.0, 1.0, 0.0, 1.0, np.nan]},
        index=[f"H{i}" for i in range(5)],
    )


def test_item_nonresponse_hand_counts():
    out = ds.item_nonresponse(_answers(), ["q", "r"])
    assert out.loc["q", "missing"] == 3 and out.loc["r", "answered"] == 4
    assert out.loc["q", "missing (%)"] == pytest.approx(60.0)
    assert out.attrs["respondents_complete"] == 2
    assert out.attrs["max_missing"] == 2
    with pytest.raises(ValueError, match="columns: is empty"):
        ds.item_nonresponse(_answers(), [])
    with pytest.raises(ValueError, match=r"data: missing column\(s\) \['zz'\]"):
        ds.item_nonresponse(_answers(), ["zz"])
    with pytest.raises(ValueError, match="data: expected a pandas DataFrame, got dict"):
        ds.item_nonresponse({}, ["q"])


@FAST
@given(st.lists(st.lists(st.booleans(), min_size=3, max_size=3), min_size=1, max_size=30))
def test_item_nonresponse_properties(mask):
    """answered + missing = n per item; complete respondents and the per-row maximum agree with
    the missing pattern."""
    miss = np.array(mask)
    df = pd.DataFrame(np.where(miss, np.nan, 1.0), columns=["a", "b", "c"])
    out = ds.item_nonresponse(df, ["a", "b", "c"])
    assert ((out["answered"] + out["missing"]) == len(df)).all()
    assert out.attrs["respondents_complete"] == int((~miss.any(axis=1)).sum())
    assert out.attrs["max_missing"] == int(miss.sum(axis=1).max())
    assert out["missing"].sum() == miss.sum()


def test_band_labels_and_cuts():
    ages = pd.Series([20, 39, 40, 49, 50, 88, np.nan], name="age")
    out = ds.band(ages, [-np.inf, 40, 50, np.inf])
    assert list(out.cat.categories) == ["<40", "40-49", "50+"]
    assert out.cat.ordered
    assert out.tolist()[:6] == ["<40", "<40", "40-49", "40-49", "50+", "50+"]
    assert pd.isna(out.iloc[6]) and out.name == "age"
    sizes = ds.band(pd.Series([1, 2, 5, 9]), [1, 2, 3, np.inf])
    assert sizes.tolist() == ["1", "2", "3+", "3+"]
    named = ds.band(pd.Series([1, 7]), [0, 5, 10], labels=["low", "high"])
    assert named.tolist() == ["low", "high"]


def test_band_validation():
    s = pd.Series([1, 2, 3])
    with pytest.raises(ValueError, match="values: expected a pandas Series, got list"):
        ds.band([1, 2], [0, 5])
    with pytest.raises(ValueError, match="edges: need at least 2 edges, got 1"):
        ds.band(s, [0])
    with pytest.raises(ValueError, match="edges: must be strictly increasing"):
        ds.band(s, [0, 5, 5])
    with pytest.raises(ValueError, match="labels: expected 1 labels \\(one per band\\), got 2"):
        ds.band(s, [0, 5], labels=["a", "b"])
    with pytest.raises(ValueError, match=r"values: row 2 value 3 is outside the edges \[0, 3\)"):
        ds.band(s, [0, 3])


@FAST
@given(st.lists(st.integers(0, 99), min_size=1, max_size=40))
def test_band_properties(values):
    """Every value falls in the band whose edges enclose it (left-closed)."""
    edges = [0, 18, 40, 65, 100]
    out = ds.band(pd.Series(values), edges)
    cats = list(out.cat.categories)
    for v, lab in zip(values, out, strict=True):
        i = cats.index(lab)
        assert edges[i] <= v < edges[i + 1]


# ----------------------------------------------------------------------------------------------
# tables for readers
# ----------------------------------------------------------------------------------------------
def test_format_p_value_follows_apa_examples():
    """APA Publication Manual (7th ed., section 6.36): exact p to three decimals, "p < .001"
    below that; here with the leading zero of the book's style."""
    from utils.methods.descriptive import format_p_value

    assert format_p_value(0.0281) == "0.028"
    assert format_p_value(0.0004) == "< 0.001"
    assert format_p_value(7.062e-04) == "< 0.001"
    assert format_p_value(1.0) == "1.000"
    assert format_p_value(0.05, digits=2) == "0.05"
    assert format_p_value(float("nan")) == "n/a"
    with pytest.raises(ValueError, match="p: must be a probability"):
        format_p_value(1.5)
    with pytest.raises(ValueError, match="digits"):
        format_p_value(0.5, digits=0)


@settings(max_examples=100, deadline=None)
@given(p=st.floats(0, 1))
def test_format_p_value_never_scientific_and_close(p):
    from utils.methods.descriptive import format_p_value

    text = format_p_value(p)
    assert "e" not in text
    if text.startswith("<"):
        assert p < 0.001
    else:
        assert abs(float(text) - p) <= 0.0005 + 1e-12


def test_reader_table_shows_fixed_decimals_and_no_nan():
    from utils.methods.descriptive import reader_table

    t = pd.DataFrame(
        {
            "Dimension": ["government services", None],
            "Score (0-100)": [46.01659, np.nan],
            "Households": pd.array([1200, 7], dtype="int64"),
            "Met": [True, False],
        },
        index=pd.Index([1, 2], name="Row"),
    )
    html = reader_table(t, decimals={"Score (0-100)": 2}).to_html()
    assert "46.02" in html and "46.0166" not in html
    assert "1,200" in html and "n/a" in html and "NaN" not in html and "nan" not in html
    assert "yes" in html and "text-align: left" in html
    assert "Row" in html
    hidden = reader_table(t, hide_index=True, caption="A caption").to_html()
    assert "A caption" in hidden
    with pytest.raises(ValueError, match=r"decimals: columns \['zz'\]"):
        reader_table(t, decimals={"zz": 1})
    with pytest.raises(ValueError, match="table: expected a pandas DataFrame"):
        reader_table([1, 2])


# --------------------------------------------------------------------------------------------
# recovery_ledger
# --------------------------------------------------------------------------------------------
def test_recovery_ledger_by_hand():
    """a: error -0.01 within 0.02 (recovered), planted 0.6 in [0.55, 0.62]; b: error +0.05
    (not recovered), planted 0.4 outside [0.42, 0.48]; c: no interval (missing)."""
    planted = pd.Series({"a": 0.6, "b": 0.4, "c": 0.0}, name="planted")
    estimate = pd.Series({"c": 0.0, "b": 0.45, "a": 0.59})
    lo = pd.Series({"a": 0.55, "b": 0.42})
    hi = pd.Series({"a": 0.62, "b": 0.48})
    led = ds.recovery_ledger(planted, estimate, 0.02, lo, hi)
    assert list(led.index) == ["a", "b", "c"]
    assert list(led.columns) == [
        "planted",
        "estimate",
        "error",
        "ci_low",
        "ci_high",
        "planted_in_interval",
        "recovered",
    ]
    np.testing.assert_allclose(led["error"], [-0.01, 0.05, 0.0], atol=1e-12)
    assert led["recovered"].tolist() == [True, False, True]
    assert led.loc["a", "planted_in_interval"]
    assert not led.loc["b", "planted_in_interval"]
    assert pd.isna(led.loc["c", "planted_in_interval"])
    no_ci = ds.recovery_ledger(planted, estimate, 0.02)
    assert no_ci["planted_in_interval"].isna().all() and no_ci["ci_low"].isna().all()


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"tolerance": 0}, r"tolerance: must be a number in \(0, inf\)"),
        ({"tolerance": -1}, r"tolerance: must be a number"),
        ({"estimate": pd.Series({"a": 0.5})}, r"estimate: ids \['a'\] differ from planted"),
        ({"estimate": pd.Series({"a": np.nan, "b": 0.5})}, r"estimate: value for 'a' is not"),
        ({"ci_low": pd.Series({"a": 0.1, "b": 0.1})}, r"ci_low, ci_high: give both"),
        ({"planted": [0.5, 0.5]}, r"planted: expected a pandas Series"),
    ],
)
def test_recovery_ledger_validation(kwargs, message):
    args = {
        "planted": pd.Series({"a": 0.5, "b": 0.5}),
        "estimate": pd.Series({"a": 0.4, "b": 0.6}),
        "tolerance": 0.05,
    } | kwargs
    with pytest.raises(ValueError, match=message):
        ds.recovery_ledger(**args)


@FAST
@given(
    st.lists(st.floats(0, 1), min_size=1, max_size=8),
    st.lists(st.floats(-0.2, 0.2), min_size=8, max_size=8),
    st.floats(0.001, 0.3),
)
def test_recovery_ledger_verdict_is_the_tolerance_rule(planted, shifts, tol):
    """Property: recovered exactly when |estimate - planted| <= tolerance; an estimate equal
    to the planted value is always recovered, one shifted by more than tol never is."""
    ids = [f"x{k}" for k in range(len(planted))]
    p = pd.Series(planted, index=ids)
    e = p + np.array(shifts[: len(ids)])
    led = ds.recovery_ledger(p, e, tol)
    assert (led["recovered"] == ((e - p).abs() <= tol)).all()
    assert ds.recovery_ledger(p, p, tol)["recovered"].all()
    assert not ds.recovery_ledger(p, p + 2 * tol, tol)["recovered"].any()
