"""Tests for :mod:`utils.plots` (Agg backend, no image baselines).

What is checked, per figure function: it returns a ``matplotlib.figure.Figure`` with a non-empty
title and axis labels; the geometry that the method defines (published rule or closed form) is
what is drawn; categorical series are distinguishable in greyscale (CIE L* gap >= 10, or distinct
hatches / markers / line styles); every validation branch raises ``ValueError`` with a message
naming the problem; and nothing is left registered with pyplot.
"""

from __future__ import annotations

import itertools
import math

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from matplotlib.collections import PathCollection  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402
from matplotlib.patches import Rectangle  # noqa: E402

from utils import plots  # noqa: E402

MIN_GREY_GAP = 10.0  # CIE L* units


@pytest.fixture(autouse=True)
def _no_pyplot_figures():
    """Every function must build its Figure outside pyplot: nothing left open, nothing to leak."""
    plt.close("all")
    yield
    assert plt.get_fignums() == [], "a plots function registered a figure with pyplot"
    plt.close("all")


# --------------------------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------------------------
def _main_axes(fig: Figure):
    return fig.axes[0]


def _assert_titled(fig: Figure, *, xlabel: bool = True, ylabel: bool = True) -> None:
    assert isinstance(fig, Figure)
    ax = _main_axes(fig)
    title = (
        ax.get_title(loc="left") or ax.get_title() or (fig._suptitle and fig._suptitle.get_text())
    )
    assert title and title.strip()
    if xlabel:
        assert ax.get_xlabel().strip()
    if ylabel:
        assert ax.get_ylabel().strip()
    w, _ = fig.get_size_inches()
    assert 7.0 <= w <= 8.0, "figures are sized for a book column"


def _bar_patches(ax) -> list[Rectangle]:
    return [p for p in ax.patches if isinstance(p, Rectangle)]


def _series_distinct_in_grey(styles: list[tuple]) -> None:
    """styles: (rgb, hatch, marker, linestyle) per series. Pairwise distinct in greyscale."""
    for (c1, h1, m1, l1), (c2, h2, m2, l2) in itertools.combinations(styles, 2):
        grey_gap = abs(plots.lightness(c1) - plots.lightness(c2))
        assert grey_gap >= MIN_GREY_GAP or h1 != h2 or m1 != m2 or l1 != l2, (c1, c2)


def _close(fig: Figure) -> None:
    fig.clear()


# --------------------------------------------------------------------------------------------
# Greyscale helpers: published WCAG / CIE values
# --------------------------------------------------------------------------------------------
def test_contrast_ratio_matches_published_wcag_values():
    """W3C (2018) WCAG 2.1, "contrast ratio": black on white is 21:1, a colour on itself 1:1.

    WebAIM's contrast checker (webaim.org/resources/contrastchecker) gives #767676 on white as
    4.54:1 (the lightest grey passing WCAG AA for body text) and #777777 on white as 4.48:1.
    """
    assert plots.contrast_ratio("black", "white") == pytest.approx(21.0)
    assert plots.contrast_ratio("#123456", "#123456") == pytest.approx(1.0)
    assert plots.contrast_ratio("#767676", "#FFFFFF") == pytest.approx(4.54, abs=0.005)
    assert plots.contrast_ratio("#FFFFFF", "#777777") == pytest.approx(4.48, abs=0.005)


def test_relative_luminance_closed_form():
    """WCAG 2.1 coefficients: pure R, G, B have luminance 0.2126, 0.7152, 0.0722."""
    assert plots.relative_luminance("#FF0000") == pytest.approx(0.2126)
    assert plots.relative_luminance("#00FF00") == pytest.approx(0.7152)
    assert plots.relative_luminance("#0000FF") == pytest.approx(0.0722)
    assert plots.relative_luminance("white") == pytest.approx(1.0)
    assert plots.relative_luminance("black") == pytest.approx(0.0)


def test_lightness_of_18_percent_grey_is_49_5():
    """CIE 15:2004 L* = 116 Y^(1/3) - 16: an 18 % reflectance grey has L* = 49.50 (closed form).

    The sRGB channel value whose linearised value is 0.18 is 1.055 * 0.18^(1/2.4) - 0.055.
    """
    c = 1.055 * 0.18 ** (1 / 2.4) - 0.055
    assert plots.lightness((c, c, c)) == pytest.approx(116 * 0.18 ** (1 / 3) - 16, abs=1e-9)
    assert plots.lightness((c, c, c)) == pytest.approx(49.50, abs=0.01)
    assert plots.lightness("white") == pytest.approx(100.0)
    assert plots.lightness("black") == pytest.approx(0.0)


def test_relative_luminance_rejects_non_colour():
    with pytest.raises(ValueError, match="color: 'not-a-colour' is not a matplotlib colour"):
        plots.relative_luminance("not-a-colour")


@settings(max_examples=50, deadline=None)
@given(st.integers(0, 254))
def test_grey_lightness_is_monotone(g):
    lo, hi = (g / 255,) * 3, ((g + 1) / 255,) * 3
    assert plots.lightness(lo) < plots.lightness(hi)
    assert plots.relative_luminance(lo) < plots.relative_luminance(hi)
    assert 1.0 <= plots.contrast_ratio(lo, hi) <= 21.0


@settings(max_examples=50, deadline=None)
@given(st.integers(2, 7))
def test_house_palette_is_ordered_and_separated_in_grey(n):
    L = [plots.lightness(c) for c in plots.house_palette(n)]
    assert all(b - a >= MIN_GREY_GAP for a, b in itertools.pairwise(L))


@settings(max_examples=50, deadline=None)
@given(st.integers(1, 12))
def test_series_styles_are_distinct_in_greyscale(n):
    styles = plots.series_styles([f"s{k}" for k in range(n)])
    assert len(styles) == n
    _series_distinct_in_grey([(s.color, s.hatch, s.marker, s.linestyle) for s in styles[:6]])
    # within the first six every series also has its own hatch and marker
    assert len({s.hatch for s in styles[:6]}) == min(n, 6)
    assert len({s.marker for s in styles[:6]}) == min(n, 6)


@pytest.mark.parametrize("bad", [0, -1, 2.5, True])
def test_house_palette_rejects_bad_n(bad):
    with pytest.raises(ValueError, match="n: expected a positive integer"):
        plots.house_palette(bad)


def test_series_styles_rejects_empty():
    with pytest.raises(ValueError, match="labels: no series"):
        plots.series_styles([])


def test_theme_settings_and_set_theme():
    rc = plots.house_rc()
    assert rc["figure.dpi"] == 110
    assert rc["savefig.bbox"] == "tight"
    assert rc["image.cmap"] == "cividis"
    assert rc["figure.figsize"][0] == plots.BOOK_WIDTH
    old = dict(matplotlib.rcParams)
    try:
        plots.set_theme()
        assert matplotlib.rcParams["figure.dpi"] == 110
        assert matplotlib.rcParams["savefig.bbox"] == "tight"
        assert matplotlib.rcParams["axes.grid"] is True
    finally:
        matplotlib.rcParams.update(old)


def test_figures_use_house_theme_whatever_the_global_state():
    with matplotlib.rc_context({"figure.dpi": 50, "axes.titlesize": 30}):
        fig = plots.weights_bar(pd.Series([0.5, 0.5], index=["a", "b"]))
    assert fig.dpi == 110
    assert _main_axes(fig).title.get_fontsize() != 30


# --------------------------------------------------------------------------------------------
# Likert
# --------------------------------------------------------------------------------------------
def _neutral_offsets(ax, n_levels):
    """(left, width) of each bar, grouped by level (barh draws level by level)."""
    rects = _bar_patches(ax)
    n_items = len(rects) // n_levels
    return [
        [(r.get_x(), r.get_width()) for r in rects[k * n_items : (k + 1) * n_items]]
        for k in range(n_levels)
    ]


def test_likert_bars_centred_on_neutral_heiberger_robbins():
    """Heiberger & Robbins (2014, JSS 57(5), section 2): the neutral bar is split evenly across 0.

    Hand-derived example: answers 1..5 once each -> 20 % per level, so the bars start at -50 %
    (very dissatisfied), -30 %, -10 % (neutral, straddling zero), +10 %, +30 %.
    """
    resp = pd.DataFrame({"Q1": [1, 2, 3, 4, 5]}, dtype=float)
    fig = plots.likert_stacked_bars(resp)
    _assert_titled(fig)
    bars = _neutral_offsets(_main_axes(fig), 5)
    assert [b[0][0] for b in bars] == pytest.approx([-50, -30, -10, 10, 30])
    assert [b[0][1] for b in bars] == pytest.approx([20] * 5)
    _close(fig)


def test_likert_even_levels_centre_between_middle_levels():
    """Four levels, no neutral (Heiberger & Robbins 2014): the two lower levels lie left of 0.

    Answers (1, 1, 2, 3): 50 % / 25 % / 25 % / 0 % -> bars start at -75, -25, 0, 25.
    """
    resp = pd.DataFrame({"Q": [1, 1, 2, 3]}, dtype=float)
    fig = plots.likert_stacked_bars(resp, level_labels=("Poor", "Fair", "Good", "Excellent"))
    bars = _neutral_offsets(_main_axes(fig), 4)
    assert [b[0][0] for b in bars] == pytest.approx([-75, -25, 0, 25])
    _close(fig)


def test_likert_percentages_ignore_missing_answers():
    """Closed form: (1, 1, NaN, 5) -> 2/3 and 1/3 of the three valid answers, n = 3."""
    pct = plots.likert_percentages(pd.DataFrame({"Q": [1, 1, np.nan, 5]}))
    assert pct.loc["Q", "Very dissatisfied"] == pytest.approx(200 / 3)
    assert pct.loc["Q", "Very satisfied"] == pytest.approx(100 / 3)
    assert pct.loc["Q", "n"] == 3


def test_likert_sorting_labels_and_greyscale_levels():
    resp = pd.DataFrame({"low": [1, 1, 2, 3], "high": [5, 5, 4, 3]}, dtype=float)
    fig = plots.likert_stacked_bars(resp, labels={"high": "Housing safety", "other": "unused"})
    ax = _main_axes(fig)
    ticks = [t.get_text() for t in ax.get_yticklabels()]
    assert ticks == ["low (n=4)", "Housing safety (n=4)"]  # most positive on top (last)
    # the x axis reads as absolute percentages on both sides of zero
    assert ax.xaxis.get_major_formatter()(-40, 0) == "40%"
    level_colours = [ax.patches[k * 2].get_facecolor()[:3] for k in range(5)]
    _series_distinct_in_grey([(c, "", "", "") for c in level_colours])
    _close(fig)


@settings(max_examples=15, deadline=None)
@given(
    st.lists(
        st.lists(st.sampled_from([1.0, 2.0, 3.0, 4.0, 5.0, np.nan]), min_size=3, max_size=3),
        min_size=2,
        max_size=12,
    ).filter(lambda rows: all(any(not math.isnan(r[j]) for r in rows) for j in range(3)))
)
def test_likert_neutral_always_straddles_zero_and_rows_sum_to_100(rows):
    resp = pd.DataFrame(rows, columns=["A", "B", "C"])
    pct = plots.likert_percentages(resp)
    assert np.allclose(pct.drop(columns="n").sum(axis=1), 100)
    fig = plots.likert_stacked_bars(resp)
    for left, width in _neutral_offsets(_main_axes(fig), 5)[2]:
        assert left + width / 2 == pytest.approx(0, abs=1e-9)
    _close(fig)


@pytest.mark.parametrize(
    ("resp", "kwargs", "match"),
    [
        (pd.DataFrame(), {}, r"responses: is empty"),
        ([[1, 2]], {}, r"responses: expected a pandas DataFrame"),
        (
            pd.DataFrame({"Q": [1, 6]}),
            {},
            r"column 'Q' has value 6; answers must be integers 1\.\.5",
        ),
        (pd.DataFrame({"Q": [1, 2.5]}), {}, r"column 'Q' has value 2.5"),
        (pd.DataFrame({"Q": [np.nan, np.nan]}), {}, r"column 'Q' has no valid"),
        (pd.DataFrame({"Q": [1, np.inf]}), {}, r"column 'Q' has infinite values"),
        (pd.DataFrame({"Q": ["a", "b"]}), {}, r"column 'Q' is not numeric"),
        (
            pd.DataFrame({"Q": [1, 2]}),
            {"level_labels": ("only",)},
            r"level_labels: need at least 2",
        ),
        (
            pd.DataFrame({"Q": [1, 2]}),
            {"labels": {"Q": ""}},
            r"labels\['Q'\]: expected a non-empty",
        ),
        (pd.DataFrame({"Q": [1, 2]}), {"labels": ["x"]}, r"labels: expected a dict"),
        (pd.DataFrame({"Q": [1, 2]}), {"title": ""}, r"title: expected a non-empty string"),
        (pd.DataFrame({"Q": [1, 2]}), {"labels": {"Q": "满意度"}}, r"Chinese/Japanese/Korean"),
    ],
)
def test_likert_validation(resp, kwargs, match):
    with pytest.raises(ValueError, match=match):
        plots.likert_stacked_bars(resp, **kwargs)


def test_likert_rejects_duplicated_items():
    resp = pd.DataFrame([[1, 2]], columns=["Q", "Q"])
    with pytest.raises(ValueError, match=r"responses \(columns\): index labels must be unique"):
        plots.likert_stacked_bars(resp)


# --------------------------------------------------------------------------------------------
# Scree plot
# --------------------------------------------------------------------------------------------
def test_scree_parallel_analysis_horn_rule_hand_example():
    """Horn (1965): retain factors while the observed eigenvalue exceeds the random one.

    Hand example: observed (3, 1.5, 0.8, 0.4, 0.3) vs random (1.3, 1.15, 1.0, 0.9, 0.8): the
    first two exceed, the third does not -> 2 factors.
    """
    fig = plots.scree_plot(pd.Series([3, 1.5, 0.8, 0.4, 0.3]), [1.3, 1.15, 1.0, 0.9, 0.8])
    _assert_titled(fig)
    ax = _main_axes(fig)
    assert any("retains 2 factors" in t.get_text() for t in ax.texts)
    lines = [ln for ln in ax.get_lines() if ln.get_label() in ("Observed data",)]
    assert list(lines[0].get_ydata()) == [3, 1.5, 0.8, 0.4, 0.3]
    kaiser = [ln for ln in ax.get_lines() if ln.get_label().startswith("Kaiser")]
    assert kaiser and list(kaiser[0].get_ydata()) == [1.0, 1.0]
    styles = [
        (ln.get_color(), "", ln.get_marker(), ln.get_linestyle())
        for ln in ax.get_lines()
        if not ln.get_label().startswith("_")
    ]
    _series_distinct_in_grey(styles)
    _close(fig)


def test_scree_horn_rule_is_sequential():
    """Observed (3, 1.2, 1.1) vs random (1.5, 1.3, 1.0): the 3rd exceeds but the 2nd does not,
    so Horn's sequential rule retains 1 factor (hand-derived)."""
    fig = plots.scree_plot([3, 1.2, 1.1], [1.5, 1.3, 1.0], kaiser=False)
    ax = _main_axes(fig)
    assert any(
        "retains 1 factor" in t.get_text() and "factors" not in t.get_text() for t in ax.texts
    )
    assert not [ln for ln in ax.get_lines() if ln.get_label().startswith("Kaiser")]
    _close(fig)


@pytest.mark.parametrize(
    ("ev", "rq", "match"),
    [
        ([1, 2, 0.5], None, r"eigenvalues: must be in decreasing order; position 2 \(2\)"),
        ([], None, r"eigenvalues: is empty"),
        ([2, np.nan], None, r"eigenvalues: contains NaN"),
        ([[2, 1]], None, r"eigenvalues: expected a 1-D"),
        ([2, 1], [1, 1, 1], r"random_quantile: expected 2 values"),
    ],
)
def test_scree_validation(ev, rq, match):
    with pytest.raises(ValueError, match=match):
        plots.scree_plot(ev, rq)


# --------------------------------------------------------------------------------------------
# Loadings heat map
# --------------------------------------------------------------------------------------------
def test_loadings_heatmap_annotations_colour_scale_and_salience():
    L = pd.DataFrame(
        {"F1": [0.81, -0.45, 0.12], "F2": [0.05, 0.39, -0.72]}, index=["q1", "q2", "q3"]
    )
    fig = plots.loadings_heatmap(L, threshold=0.4)
    _assert_titled(fig)
    ax = _main_axes(fig)
    texts = [t for t in ax.texts if t.get_text() not in ("",) and "bold" not in t.get_text()]
    assert [t.get_text() for t in texts] == ["0.81", "0.05", "-0.45", "0.39", "0.12", "-0.72"]
    bold = [t.get_text() for t in texts if t.get_fontweight() == "bold"]
    assert bold == ["0.81", "-0.45", "-0.72"]
    mesh = ax.collections[0]
    assert mesh.norm.vmin == -1 and mesh.norm.vmax == 1  # diverging, centred at 0
    _close(fig)


@pytest.mark.parametrize(
    ("L", "kw", "match"),
    [
        (pd.DataFrame(), {}, r"loadings: is empty"),
        (np.eye(2), {}, r"loadings: expected a pandas DataFrame"),
        (pd.DataFrame({"F1": [0.5, np.nan]}), {}, r"loadings: contains NaN"),
        (pd.DataFrame({"F1": ["x", "y"]}), {}, r"loadings: columns \['F1'\] are not numeric"),
        (
            pd.DataFrame({"F1": [0.5]}),
            {"threshold": 1.2},
            r"threshold: expected a number in \[0, 1\)",
        ),
        (
            pd.DataFrame({"F1": [0.5, 0.2]}, index=["a", "a"]),
            {},
            r"loadings: index labels must be unique",
        ),
    ],
)
def test_loadings_validation(L, kw, match):
    with pytest.raises(ValueError, match=match):
        plots.loadings_heatmap(L, **kw)


# --------------------------------------------------------------------------------------------
# Weights
# --------------------------------------------------------------------------------------------
def test_weights_bar_single_scheme_sorted_largest_on_top():
    w = pd.Series({"Income": 0.2, "Housing": 0.5, "Health": 0.3})
    fig = plots.weights_bar(w)
    _assert_titled(fig)
    ax = _main_axes(fig)
    assert [t.get_text() for t in ax.get_yticklabels()] == ["Income", "Health", "Housing"]
    assert [r.get_width() for r in _bar_patches(ax)] == pytest.approx([0.2, 0.3, 0.5])
    assert ax.get_xlabel() == "Weight"
    _close(fig)


def test_weights_bar_grouped_schemes_have_distinct_hatches():
    w = pd.DataFrame(
        {"AHP": [0.5, 0.3, 0.2], "Entropy": [0.2, 0.3, 0.5], "CRITIC": [0.3, 0.4, 0.3]},
        index=["A", "B", "C"],
    )
    fig = plots.weights_bar(w)
    ax = _main_axes(fig)
    rects = _bar_patches(ax)
    assert len(rects) == 9
    per_scheme = [
        (rects[3 * k].get_facecolor()[:3], rects[3 * k].get_hatch() or "") for k in range(3)
    ]
    assert len({h for _, h in per_scheme}) == 3
    _series_distinct_in_grey([(c, h, "", "") for c, h in per_scheme])
    assert [t.get_text() for t in fig.legends[0].get_texts()] == ["AHP", "Entropy", "CRITIC"]
    _close(fig)


@pytest.mark.parametrize(
    ("w", "match"),
    [
        (
            pd.Series([0.5, -0.1], index=["a", "b"]),
            r"weights: weights must be non-negative; row 'b'",
        ),
        (pd.Series([], dtype=float), r"weights: is empty"),
        ([0.5, 0.5], r"weights: expected a pandas Series or DataFrame"),
        (pd.Series([0.5, np.nan], index=["a", "b"]), r"weights: contains NaN"),
        (pd.Series([0.5, 0.5], index=["a", "a"]), r"weights: index labels must be unique"),
    ],
)
def test_weights_validation(w, match):
    with pytest.raises(ValueError, match=match):
        plots.weights_bar(w)


# --------------------------------------------------------------------------------------------
# Radar
# --------------------------------------------------------------------------------------------
def test_radar_polygons_closed_and_series_distinct():
    s = pd.DataFrame(
        {"2016": [60, 70, 80, 90], "2020": [80, 85, 90, 95]},
        index=["Income", "Education", "Health", "Housing"],
    )
    fig = plots.radar(s, max_value=100)
    ax = _main_axes(fig)
    assert ax.get_title(loc="left")
    lines = [ln for ln in ax.get_lines() if ln.get_label() in ("2016", "2020")]
    assert list(lines[0].get_ydata()) == [60, 70, 80, 90, 60]  # closed polygon
    assert np.allclose(lines[0].get_xdata()[:4], np.arange(4) * np.pi / 2)  # 2 pi j / J
    assert ax.get_ylim() == (0, 100)
    _series_distinct_in_grey(
        [(ln.get_color(), "", ln.get_marker(), ln.get_linestyle()) for ln in lines]
    )
    assert [t.get_text() for t in ax.get_xticklabels()] == list(s.index)
    _close(fig)


@pytest.mark.parametrize(
    ("s", "kw", "match"),
    [
        (pd.Series([1, 2], index=["a", "b"]), {}, r"at least 3 dimensions"),
        (pd.Series([1, 2, 120], index=list("abc")), {}, r"row 'c', column 'Score' is 120, outside"),
        (
            pd.Series([1, 2, 3], index=list("abc")),
            {"max_value": 0},
            r"max_value: expected a positive",
        ),
        (pd.DataFrame(), {}, r"scores: is empty"),
    ],
)
def test_radar_validation(s, kw, match):
    with pytest.raises(ValueError, match=match):
        plots.radar(s, **kw)


# --------------------------------------------------------------------------------------------
# IPA
# --------------------------------------------------------------------------------------------
def _ipa_table():
    return pd.DataFrame(
        {
            "importance": [4.6, 4.5, 3.2, 3.1],
            "performance": [3.0, 4.4, 3.1, 4.6],
            "quadrant": ["Concentrate here", "Keep up", "Low priority", "Overkill"],
        },
        index=["Services", "Housing", "Culture", "Roads"],
    )


def test_ipa_cuts_default_to_table_attrs():
    t = _ipa_table()
    t.attrs.update(importance_cut=3.5, performance_cut=4.2)
    fig = plots.ipa_grid(t)
    ax = _main_axes(fig)
    assert ax.get_lines()[0].get_xdata()[0] == 4.2 and ax.get_lines()[1].get_ydata()[0] == 3.5
    _close(fig)
    with pytest.raises(ValueError, match=r"importance_cut: not given, and table.attrs has no"):
        plots.ipa_grid(_ipa_table())


def test_ipa_quadrant_layout_martilla_james():
    """Martilla & James (1977, J. Marketing 41(1), Fig. 1): importance vertical, performance
    horizontal; A "Concentrate here" upper left, B "Keep up the good work" upper right,
    C "Low priority" lower left, D "Possible overkill" lower right."""
    fig = plots.ipa_grid(_ipa_table(), importance_cut=4.0, performance_cut=4.0)
    _assert_titled(fig)
    ax = _main_axes(fig)
    where = {
        t.get_text(): t.get_position() for t in ax.texts if (t.get_gid() or "").startswith("ipa-")
    }
    assert where["Concentrate here"][0] < 4.0 < where["Keep up the good work"][0]
    assert where["Concentrate here"][1] > 4.0 > where["Low priority"][1]
    assert where["Possible overkill"][0] > 4.0 > where["Possible overkill"][1]
    assert [ln.get_xdata()[0] for ln in ax.get_lines()][:1] == [4.0]  # vertical cut
    labels = {t.get_text() for t in ax.texts}
    assert {"Services", "Housing", "Culture", "Roads"} <= labels
    markers = [c for c in ax.collections if isinstance(c, PathCollection)]
    assert len(markers) == 4
    assert ax.get_xlabel().startswith("Performance") and ax.get_ylabel() == "Importance"
    _close(fig)


@pytest.mark.parametrize(
    ("mutate", "kw", "match"),
    [
        (
            lambda t: t.drop(columns="quadrant"),
            {},
            r"table: missing required column\(s\) \['quadrant'\]",
        ),
        (lambda t: t.iloc[0:0], {}, r"table: is empty"),
        (lambda t: t.assign(importance=["a"] * 4), {}, r"column 'importance' is not numeric"),
        (
            lambda t: t.assign(performance=[1, np.nan, 2, 3]),
            {},
            r"column 'performance' has NaN.*'Housing'",
        ),
        (lambda t: t, {"importance_cut": np.nan}, r"importance_cut: expected a finite number"),
        (lambda t: t, {"performance_cut": "mean"}, r"performance_cut: expected a finite number"),
        (lambda t: t.set_axis(["a", "a", "b", "c"]), {}, r"table: index labels must be unique"),
    ],
)
def test_ipa_validation(mutate, kw, match):
    args = {"importance_cut": 4.0, "performance_cut": 4.0, **kw}
    with pytest.raises(ValueError, match=match):
        plots.ipa_grid(mutate(_ipa_table()), **args)


# --------------------------------------------------------------------------------------------
# Ranking
# --------------------------------------------------------------------------------------------
def test_ranking_plot_rank_one_on_top():
    t = pd.DataFrame(
        {"closeness": [0.42, 0.77, 0.15], "rank": [2, 1, 3]}, index=["Town A", "Town B", "Town C"]
    )
    fig = plots.ranking_plot(t)
    _assert_titled(fig)
    ax = _main_axes(fig)
    # barh/dot plots draw bottom-up: the last tick label is the top row
    assert [x.get_text() for x in ax.get_yticklabels()] == ["3. Town C", "2. Town A", "1. Town B"]
    dots = [ln for ln in ax.get_lines() if ln.get_marker() == "o"][0]
    assert list(dots.get_xdata()) == [0.15, 0.42, 0.77]
    _close(fig)


@pytest.mark.parametrize(
    ("t", "kw", "match"),
    [
        (pd.DataFrame({"closeness": [0.5]}), {}, r"missing required column\(s\) \['rank'\]"),
        (
            pd.DataFrame({"score": [0.5], "rank": [1]}),
            {},
            r"missing required column\(s\) \['closeness'\]",
        ),
        (
            pd.DataFrame({"closeness": [0.5], "rank": [0]}, index=["x"]),
            {},
            r"'rank' must be >= 1; row 'x'",
        ),
        (
            pd.DataFrame({"closeness": [np.inf], "rank": [1]}),
            {},
            r"column 'closeness' has NaN or infinite",
        ),
    ],
)
def test_ranking_validation(t, kw, match):
    with pytest.raises(ValueError, match=match):
        plots.ranking_plot(t, **kw)


# --------------------------------------------------------------------------------------------
# Tornado
# --------------------------------------------------------------------------------------------
def test_tornado_sorted_by_swing_and_split_at_base():
    """Eschenbach (1992, Interfaces 22(6)): bars sorted by swing |high - low|, widest on top.

    Hand example, base 0.50: w1 (0.40, 0.60) swing 0.20; w2 (0.50, 0.52) swing 0.02;
    w3 (0.55, 0.45) swing 0.10 (output falls as the parameter rises).
    """
    t = pd.DataFrame(
        {"low": [0.40, 0.50, 0.55], "high": [0.60, 0.52, 0.45]}, index=["w1", "w2", "w3"]
    )
    fig = plots.tornado(t, base=0.5)
    _assert_titled(fig)
    ax = _main_axes(fig)
    assert [x.get_text() for x in ax.get_yticklabels()] == ["w2", "w3", "w1"]
    rects = _bar_patches(ax)
    low_bars, high_bars = rects[:3], rects[3:]
    assert [r.get_x() + r.get_width() for r in low_bars] == pytest.approx([0.50, 0.55, 0.40])
    assert [r.get_x() + r.get_width() for r in high_bars] == pytest.approx([0.52, 0.45, 0.60])
    assert all(r.get_x() == pytest.approx(0.5) for r in rects)
    assert low_bars[0].get_hatch() != (high_bars[0].get_hatch() or "")  # not by colour alone
    assert any(ln.get_xdata()[0] == 0.5 for ln in ax.get_lines())
    _close(fig)


def test_tornado_without_base_spans_low_high():
    t = pd.DataFrame({"low": [3.0, 1.0], "high": [1.0, 4.0]}, index=["a", "b"])
    fig = plots.tornado(t)
    rects = _bar_patches(_main_axes(fig))
    assert [(r.get_x(), r.get_width()) for r in rects] == pytest.approx([(1.0, 2.0), (1.0, 3.0)])
    _close(fig)


@pytest.mark.parametrize(
    ("t", "kw", "match"),
    [
        (pd.DataFrame({"low": [1.0]}), {}, r"missing required column\(s\) \['high'\]"),
        (pd.DataFrame({"low": [1.0], "high": [np.nan]}), {}, r"column 'high' has NaN"),
        (
            pd.DataFrame({"low": [1.0], "high": [2.0]}),
            {"base": "x"},
            r"base: expected a finite number",
        ),
        (pd.DataFrame(columns=["low", "high"]), {}, r"table: is empty"),
    ],
)
def test_tornado_validation(t, kw, match):
    with pytest.raises(ValueError, match=match):
        plots.tornado(t, **kw)


# --------------------------------------------------------------------------------------------
# Township small multiples
# --------------------------------------------------------------------------------------------
def _panel():
    rows = [
        ("North", 2018, 1.0),
        ("North", 2019, 2.0),
        ("South", 2018, 3.0),
        ("South", 2019, 6.0),
        ("East", 2018, 5.0),
        ("East", 2019, np.nan),
    ]
    return pd.DataFrame(rows, columns=["township", "year", "rate"])


def test_small_multiples_panels_shared_axes_and_county_mean():
    """County mean is the unweighted mean over townships observed that year (hand computed):
    2018: (1 + 3 + 5) / 3 = 3; 2019: (2 + 6) / 2 = 4."""
    fig = plots.township_small_multiples(_panel(), "rate", "Poverty rate (%)", ncols=2)
    body = fig.subfigs[0]
    assert fig._suptitle.get_text() and body._supylabel.get_text() == "Poverty rate (%)"
    assert body._supxlabel.get_text() == "Year"
    visible = [ax for ax in fig.axes if ax.get_visible()]
    assert [ax.get_title() for ax in visible] == ["North", "South", "East"]
    assert len(fig.axes) == 4 and not fig.axes[3].get_visible()
    mean_line = [ln for ln in visible[0].get_lines() if ln.get_linestyle() == "--"][0]
    assert list(mean_line.get_ydata()) == pytest.approx([3.0, 4.0])
    assert visible[0].get_shared_y_axes().joined(visible[0], visible[2])
    east = [ln for ln in visible[2].get_lines() if ln.get_linestyle() == "-"][0]
    assert np.isnan(east.get_ydata()[1])  # gap kept
    _close(fig)


@pytest.mark.parametrize(
    ("mutate", "kw", "match"),
    [
        (lambda p: p.drop(columns="year"), {}, r"panel: missing required column\(s\) \['year'\]"),
        (lambda p: pd.concat([p, p.iloc[:1]]), {}, r"\('North', 2018\) appears more than once"),
        (lambda p: p.assign(rate=np.nan), {}, r"column 'rate' has no observed"),
        (lambda p: p.assign(year=["x"] * 6), {}, r"column 'year' is not numeric"),
        (lambda p: p, {"ncols": 0}, r"ncols: expected a positive integer"),
        (lambda p: p, {"ylabel": ""}, r"ylabel: expected a non-empty string"),
    ],
)
def test_small_multiples_validation(mutate, kw, match):
    args = {"value": "rate", "ylabel": "Rate (%)", **kw}
    with pytest.raises(ValueError, match=match):
        plots.township_small_multiples(mutate(_panel()), **args)


# --------------------------------------------------------------------------------------------
# Series with gaps
# --------------------------------------------------------------------------------------------
def test_series_with_gaps_keeps_nan_and_marks_observed_points():
    df = pd.DataFrame(
        {"Official": [5.0, 3.0, np.nan, 1.0], "Survey": [6.0, np.nan, np.nan, 2.0]},
        index=[2017, 2018, 2019, 2020],
    )
    fig = plots.series_with_gaps(df, ylabel="Poverty incidence (%)")
    _assert_titled(fig)
    ax = _main_axes(fig)
    lines = [ln for ln in ax.get_lines() if ln.get_label() in df.columns]
    assert np.isnan(lines[0].get_ydata()[2]) and np.isnan(lines[1].get_ydata()[1])
    assert all(ln.get_marker() not in (None, "None", "") for ln in lines)
    _series_distinct_in_grey(
        [(ln.get_color(), "", ln.get_marker(), ln.get_linestyle()) for ln in lines]
    )
    assert {"Official", "Survey"} <= {t.get_text() for t in ax.texts}  # direct labels
    _close(fig)


@pytest.mark.parametrize(
    ("df", "match"),
    [
        (pd.DataFrame({"a": [1.0]}, index=["2019"]), r"df: index must be numeric years"),
        (pd.DataFrame({"a": [np.nan, np.nan]}, index=[1, 2]), r"column 'a' has no observed"),
        (pd.DataFrame({"a": [1.0, np.inf]}, index=[1, 2]), r"column 'a' has infinite values"),
        (pd.DataFrame({"a": [1.0, 2.0]}, index=[1, 1]), r"df: index labels must be unique"),
        (pd.DataFrame(), r"df: is empty"),
    ],
)
def test_series_with_gaps_validation(df, match):
    with pytest.raises(ValueError, match=match):
        plots.series_with_gaps(df, ylabel="y")


# --------------------------------------------------------------------------------------------
# Histogram
# --------------------------------------------------------------------------------------------
def test_histogram_counts_and_labelled_lines():
    """Closed form: values 0.5, 1.5, 1.5, 2.5 with edges (0, 1, 2, 3) -> counts (1, 2, 1)."""
    v = pd.Series([0.5, 1.5, 1.5, 2.5, np.nan])
    fig = plots.histogram(
        v, bins=[0, 1, 2, 3], lines={"Line A": 1.0, "Line B": 2.0}, xlabel="x (CNY)"
    )
    _assert_titled(fig)
    ax = _main_axes(fig)
    assert [r.get_height() for r in _bar_patches(ax)] == [1, 2, 1]
    vlines = [ln for ln in ax.get_lines()]
    assert [ln.get_xdata()[0] for ln in vlines] == [1.0, 2.0]
    assert vlines[0].get_linestyle() != vlines[1].get_linestyle()
    assert {"Line A", "Line B", "n = 4"} <= {t.get_text() for t in ax.texts}
    _close(fig)


def test_histogram_log_x_bins_are_equal_in_log():
    """log_x with integer bins: edges 10^0, 10^1, 10^2 for values spanning 1..100 (closed form)."""
    fig = plots.histogram(pd.Series([1.0, 10.0, 100.0]), bins=2, log_x=True)
    ax = _main_axes(fig)
    assert ax.get_xscale() == "log"
    edges = sorted({r.get_x() for r in _bar_patches(ax)})
    assert edges == pytest.approx([1.0, 10.0])
    _close(fig)


@pytest.mark.parametrize(
    ("v", "kw", "match"),
    [
        ([1, 2], {}, r"values: expected a pandas Series"),
        (pd.Series([np.nan]), {}, r"values: has no observed"),
        (pd.Series([1.0, np.inf]), {}, r"values: contains infinite"),
        (pd.Series([0.0, 1.0]), {"log_x": True}, r"log_x=True needs positive values; 1 value"),
        (pd.Series([1.0]), {"bins": 0}, r"bins: expected a positive integer"),
        (pd.Series([1.0]), {"bins": "nonsense"}, r"bins: 'nonsense' is not valid"),
        (pd.Series([1.0]), {"lines": {"L": "x"}}, r"lines: value for 'L' must be a finite number"),
        (pd.Series([1.0]), {"lines": {"L": -1.0}, "log_x": True}, r"lines: value for 'L' is -1"),
        (pd.Series([1.0]), {"lines": {"": 1.0}}, r"lines \(label\): expected a non-empty string"),
        (pd.Series(["a"]), {}, r"values: could not be read as numbers"),
    ],
)
def test_histogram_validation(v, kw, match):
    with pytest.raises(ValueError, match=match):
        plots.histogram(v, **kw)


# --------------------------------------------------------------------------------------------
# Grouped bars
# --------------------------------------------------------------------------------------------
def test_grouped_bars_percent_hatches_and_labels():
    t = pd.DataFrame(
        {"2019": [0.90, 0.80], "2020": [0.95, 0.97]},
        index=pd.Index(["Poor households", "Others"], name="Group"),
    )
    fig = plots.grouped_bars(t, percent=True, ylabel="Attainment rate (%)")
    _assert_titled(fig)
    ax = _main_axes(fig)
    rects = _bar_patches(ax)
    assert [r.get_height() for r in rects] == pytest.approx([0.90, 0.80, 0.95, 0.97])
    assert ax.yaxis.get_major_formatter()(0.5, 0) == "50%"
    assert {"90%", "80%", "95%", "97%"} <= {t.get_text() for t in ax.texts}
    assert ax.get_xlabel() == "Group"
    series = [
        (rects[0].get_facecolor()[:3], rects[0].get_hatch() or ""),
        (rects[2].get_facecolor()[:3], rects[2].get_hatch() or ""),
    ]
    assert series[0][1] != series[1][1]
    _series_distinct_in_grey([(c, h, "", "") for c, h in series])
    _close(fig)


def test_grouped_bars_horizontal():
    fig = plots.grouped_bars(pd.DataFrame({"v": [1.0, 2.0]}, index=["a", "b"]), horizontal=True)
    ax = _main_axes(fig)
    assert [r.get_width() for r in _bar_patches(ax)] == [1.0, 2.0]
    assert ax.get_xlabel() == "Value" and ax.get_ylabel() == "Group"
    _close(fig)


@pytest.mark.parametrize(
    ("t", "kw", "match"),
    [
        (
            pd.DataFrame({"a": [0.5, 1.2]}, index=["x", "y"]),
            {"percent": True},
            r"proportions in \[0, 1\]; row 'y'",
        ),
        (pd.DataFrame(), {}, r"table: is empty"),
        (pd.DataFrame({"a": ["x"]}), {}, r"table: columns \['a'\] are not numeric"),
        (pd.DataFrame({"a": [1.0]}), {"ylabel": "  "}, r"ylabel: expected a non-empty string"),
    ],
)
def test_grouped_bars_validation(t, kw, match):
    with pytest.raises(ValueError, match=match):
        plots.grouped_bars(t, **kw)


# --------------------------------------------------------------------------------------------
# Heat map
# --------------------------------------------------------------------------------------------
def test_heatmap_transition_matrix_annotations_and_axis_names():
    P = pd.DataFrame(
        [[0.8, 0.2], [0.1, 0.9]],
        index=pd.Index(["Poor", "Non-poor"], name="Status in t"),
        columns=pd.Index(["Poor", "Non-poor"], name="Status in t+1"),
    )
    fig = plots.heatmap(P, fmt=".0%", title="Poverty transitions")
    _assert_titled(fig)
    ax = _main_axes(fig)
    assert [t.get_text() for t in ax.texts] == ["80%", "20%", "10%", "90%"]
    assert ax.get_xlabel() == "Status in t+1" and ax.get_ylabel() == "Status in t"
    assert ax.collections[0].get_cmap().name == "cividis"
    _close(fig)


@pytest.mark.parametrize(
    ("t", "kw", "match"),
    [
        (pd.DataFrame({"a": [np.nan]}), {}, r"table: all values are NaN"),
        (pd.DataFrame({"a": [np.inf]}, index=["r"]), {}, r"infinite value at row 'r', column 'a'"),
        (pd.DataFrame({"a": [1.0]}), {"fmt": "%q"}, r"fmt: '%q' is not a valid format spec"),
        (
            pd.DataFrame({"a": [1.0]}),
            {"cmap": "no_such_map"},
            r"cmap: 'no_such_map' is not a registered",
        ),
        (pd.DataFrame(), {}, r"table: is empty"),
        ({"a": [1]}, {}, r"table: expected a pandas DataFrame"),
    ],
)
def test_heatmap_validation(t, kw, match):
    with pytest.raises(ValueError, match=match):
        plots.heatmap(t, **kw)


# --------------------------------------------------------------------------------------------
# Cross-cutting
# --------------------------------------------------------------------------------------------
def test_cjk_text_anywhere_is_refused():
    with pytest.raises(ValueError, match=r"figure text '乡镇排名' contains Chinese"):
        plots.ranking_plot(pd.DataFrame({"closeness": [0.5], "rank": [1]}), title="乡镇排名")
    with pytest.raises(ValueError, match=r"contains Chinese/Japanese/Korean"):
        plots.weights_bar(pd.Series([1.0], index=["收入"]))


def test_no_function_calls_show(monkeypatch):
    def boom(*a, **k):  # pragma: no cover - must never run
        raise AssertionError("plt.show called")

    monkeypatch.setattr(plt, "show", boom)
    monkeypatch.setattr(Figure, "show", boom)
    fig = plots.scree_plot([2.0, 1.0])
    _close(fig)


def test_figures_render_with_agg(tmp_path):
    fig = plots.series_with_gaps(pd.DataFrame({"a": [1.0, np.nan, 3.0]}, index=[1, 2, 3]), "y (%)")
    out = tmp_path / "f.png"
    fig.savefig(out)
    assert out.stat().st_size > 1000
    assert isinstance(fig.axes[0].get_lines()[0], Line2D)


def test_returned_figures_display_once_in_jupyter_without_pyplot():
    """A pyplot-free figure still renders as PNG through IPython's display formatter."""
    from IPython.core.formatters import PNGFormatter

    fig = plots.scree_plot([2.0, 1.0])
    png = PNGFormatter()(fig)
    assert isinstance(png, bytes) and png.startswith(b"\x89PNG\r\n\x1a\n")
    assert isinstance(fig, plots.BookFigure) and isinstance(fig, Figure)


@settings(max_examples=25, deadline=None)
@given(
    st.dictionaries(
        st.text("abcdefghij", min_size=1, max_size=6),
        st.floats(0, 1, allow_nan=False),
        min_size=1,
        max_size=8,
    )
)
def test_weights_bar_always_sorted_largest_on_top(d):
    w = pd.Series(d, dtype=float)
    fig = plots.weights_bar(w, annotate=False)
    widths = [r.get_width() for r in _bar_patches(_main_axes(fig))]
    assert widths == sorted(widths)  # bottom-up ascending = largest on top
    assert sorted(widths) == sorted(w.tolist())
    _close(fig)


def test_many_figures_raise_no_too_many_figures_warning():
    """pyplot warns after 20 open figures; pyplot-free figures never trigger it."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        figs = [plots.scree_plot([2.0, 1.0], kaiser=False) for _ in range(22)]
    assert len(figs) == 22 and plt.get_fignums() == []


# --------------------------------------------------------------------------------------------
# Layout: what a reader would notice (overlaps, padding, orientation); checked after drawing
# --------------------------------------------------------------------------------------------
def _boxes(fig, artists):
    r = fig._get_renderer()
    fig.draw_without_rendering()
    return [a.get_window_extent(r) for a in artists]


def test_small_multiples_title_and_legend_do_not_overlap():
    rows = [(f"T{i:02d}", y, float(i + y - 2016)) for i in range(1, 26) for y in range(2016, 2021)]
    panel = pd.DataFrame(rows, columns=["township", "year", "rate"])
    fig = plots.township_small_multiples(
        panel, "rate", "Poverty incidence (%)", title="Poverty incidence by township (SIMULATED)"
    )
    legend = fig.subfigs[1].legends[0]
    title_bb, legend_bb, xlab_bb = _boxes(fig, [fig._suptitle, legend, fig.subfigs[0]._supxlabel])
    assert not title_bb.overlaps(legend_bb) and not xlab_bb.overlaps(legend_bb)
    assert legend_bb.y1 < min(ax.get_window_extent().y0 for ax in fig.axes)  # below the panels
    _close(fig)


@pytest.mark.parametrize("index", [np.arange(0, 101, 10), np.array([2017, 2018, 2019, 2020])])
def test_series_with_gaps_pads_x_relative_to_the_span(index):
    """Left padding is 2 % of the data span whatever the unit (percent scale or years)."""
    df = pd.DataFrame({"a": np.linspace(1, 2, index.size)}, index=index)
    fig = plots.series_with_gaps(df, ylabel="y")
    lo, hi = fig.axes[0].get_xlim()
    span = index.max() - index.min()
    assert lo == pytest.approx(index.min() - 0.02 * span)
    assert hi > index.max() and (hi - index.max()) / span < 1.0
    _close(fig)


def test_series_with_gaps_direct_labels_inside_axes_and_apart():
    df = pd.DataFrame(
        {
            "education and ideological knowledge": np.linspace(0.22, 0.160, 11),
            "living conditions and outcomes": np.linspace(0.18, 0.155, 11),
            "government services": np.linspace(0.25, 0.28, 11),
        },
        index=np.arange(0, 101, 10),
    )
    fig = plots.series_with_gaps(df, ylabel="Weight")
    ax = fig.axes[0]
    labels = [t for t in ax.texts if t.get_gid() == "direct-label"]
    boxes = _boxes(fig, [ax, *labels])
    ax_bb, lab_bb = boxes[0], boxes[1:]
    assert all(b.x1 <= ax_bb.x1 + 0.5 for b in lab_bb)
    assert not any(a.overlaps(b) for a, b in itertools.combinations(lab_bb, 2))
    assert ax.get_legend() is None  # the direct labels are the legend
    assert plots.series_with_gaps(df, ylabel="w", legend=True).axes[0].get_legend() is not None
    _close(fig)


def test_grouped_bars_many_groups_go_horizontal_and_labels_never_overlap():
    idx = [f"Township {k:02d}" for k in range(25)]
    t = pd.DataFrame({"a": np.linspace(0.1, 0.9, 25), "b": 0.5}, index=idx)
    fig = plots.grouped_bars(t, percent=True, ylabel="Share (%)")
    ax = fig.axes[0]
    assert [lab.get_text() for lab in ax.get_yticklabels()][0] == "Township 00"
    assert ax.yaxis_inverted()  # table order, first group on top
    _close(fig)
    fig = plots.grouped_bars(t, percent=True, ylabel="Share (%)", horizontal=False)
    ticks = fig.axes[0].get_xticklabels()
    bbs = _boxes(fig, ticks)
    assert not any(a.overlaps(b) for a, b in itertools.pairwise(bbs))
    _close(fig)
    fig = plots.grouped_bars(t.iloc[:4], ylabel="Share")  # few short labels stay vertical
    assert fig.axes[0].get_xticklabels()[0].get_rotation() == 0
    _close(fig)


def test_grouped_bars_horizontal_flag_validation():
    with pytest.raises(ValueError, match=r"horizontal: expected True, False or None, got 'yes'"):
        plots.grouped_bars(pd.DataFrame({"a": [1.0]}, index=["x"]), horizontal="yes")


def test_histogram_crowded_reference_lines_move_to_a_legend():
    v = pd.Series(np.linspace(1, 100, 50))
    fig = plots.histogram(v, lines={"A": 40.0, "B": 45.0, "C": 50.0})
    assert [t.get_text() for t in fig.legends[0].get_texts()] == ["A", "B", "C"]
    assert not {"A", "B", "C"} & {t.get_text() for t in fig.axes[0].texts}
    _close(fig)


def test_heatmap_percent_cells_get_a_percent_colour_bar_and_wrapped_columns():
    t = pd.DataFrame(
        [[0.2, 0.8], [0.5, 0.5]],
        index=["poor", "non-poor"],
        columns=["poor in 2020 under the relative line", "non-poor in 2020"],
    )
    fig = plots.heatmap(t, fmt=".0%", cbar_label="Share of the row")
    cbar_ax = fig.axes[1]
    assert cbar_ax.yaxis.get_major_formatter()(0.5, 0) == "50%"
    labels = [lab.get_text() for lab in fig.axes[0].get_xticklabels()]
    assert "\n" in labels[0] and labels[0].replace("\n", " ") == t.columns[0]
    assert all(lab.get_rotation() == 0 for lab in fig.axes[0].get_xticklabels())
    _close(fig)


def test_bar_charts_have_no_empty_band_above_or_below_the_rows():
    w = pd.Series(np.linspace(0.01, 0.1, 22), index=[f"I{k}" for k in range(22)])
    fig = plots.weights_bar(w)
    assert fig.axes[0].get_ylim() == pytest.approx((-0.6, 21.6))
    assert fig.get_size_inches()[1] <= 9.5  # fits a page
    _close(fig)


# --- the "simulated data" mark (issue 15: a figure copied without its caption keeps the warning) --


def _png(fig) -> bytes:
    return fig._repr_png_()


def test_simulated_mark_is_found_in_the_image_and_only_there():
    from tests.mark_pixels import mark_pixels
    from utils.plots import has_simulated_mark, mark_simulated

    data = pd.DataFrame({"a": [1.0, 2.0, 3.0], "b": [2.0, 1.0, 0.5]}, index=["x", "y", "z"])
    for make in (
        lambda: plots.grouped_bars(data, title="t"),
        lambda: plots.heatmap(data, title="t"),
        lambda: plots.weights_bar(data["a"], title="t"),
    ):
        fig = make()
        assert not has_simulated_mark(fig)
        assert mark_pixels(_png(fig)) < 10  # the house style does not use the mark's hue
        marked = mark_simulated(fig)
        assert has_simulated_mark(marked)
        assert mark_pixels(_png(marked)) >= 30


def test_mark_simulated_refuses_non_figures():
    from utils.plots import mark_simulated

    with pytest.raises(ValueError, match="Figure"):
        mark_simulated("not a figure")
