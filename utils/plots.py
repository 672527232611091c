"""The house theme and the book's figures.

Every public figure function

- takes tidy pandas input (labels come from the index / columns),
- validates it and raises :class:`ValueError` saying what is wrong and where,
- builds a :class:`matplotlib.figure.Figure` directly (not through ``pyplot``), so nothing is
  registered with the pyplot figure manager: no ``plt.show``, no figures left open, no
  "more than 20 figures" warnings, and the code is safe under the non-interactive ``Agg`` backend,
- returns that ``Figure`` (a :class:`BookFigure`, which renders itself as PNG in Jupyter even when
  pyplot's inline backend was never loaded: make it the cell's last expression or call
  ``IPython.display.display(fig)``; save it with ``fig.savefig``),
- draws inside the house theme (:func:`house_rc`), whatever the global rcParams are.

Greyscale readability: ordered data use the "cividis" colormap (Nunez, Anderton & Renslow 2018),
whose lightness increases monotonically, so order survives greyscale printing. Categorical series
get colours sampled from cividis at well-separated lightness *and* a distinct hatch (bars) or
marker / line style (lines), so no figure relies on hue alone. :func:`relative_luminance` and
:func:`lightness` make the claim testable.

No CJK font is installed, so any Chinese/Japanese/Korean character in a figure's text would render
as empty boxes; every figure is checked and a :class:`ValueError` names the offending text.

References
----------
Nunez, J. R., Anderton, C. R. & Renslow, R. S. (2018). Optimizing colormaps with consideration for
color vision deficiency to enable accurate interpretation of scientific data. *PLoS ONE* 13(7),
e0199239.
W3C (2018). *Web Content Accessibility Guidelines (WCAG) 2.1*, definitions of "relative luminance"
and "contrast ratio".
"""

from __future__ import annotations

import io
import math
import re
import textwrap
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

import matplotlib as mpl
import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.axes import Axes
from matplotlib.colors import to_rgb
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch, Patch
from matplotlib.text import Text
from matplotlib.ticker import (
    FuncFormatter,
    LogLocator,
    MaxNLocator,
    NullFormatter,
    PercentFormatter,
)
from scipy.stats import spearmanr

from utils.methods._validation import as_float_matrix, as_float_vector

__all__ = [
    "BOOK_WIDTH",
    "BookFigure",
    "HATCHES",
    "LINESTYLES",
    "MARKERS",
    "SeriesStyle",
    "contrast_ratio",
    "grouped_bars",
    "efficiency_figure",
    "flow_diagram",
    "heatmap",
    "histogram",
    "interval_figure",
    "house_palette",
    "house_rc",
    "ipa_grid",
    "lightness",
    "likert_percentages",
    "mark_simulated",
    "likert_stacked_bars",
    "loadings_heatmap",
    "radar",
    "ranking_plot",
    "relative_luminance",
    "scatter_panels",
    "scree_plot",
    "series_styles",
    "series_with_gaps",
    "set_theme",
    "SIMULATED_MARK_COLOR",
    "has_simulated_mark",
    "tornado",
    "township_small_multiples",
    "verdict_figure",
    "weights_bar",
]

#: Width of a book column in inches; every figure is this wide.
BOOK_WIDTH: float = 7.5

#: Hatches for categorical bar series (first is solid), distinct in greyscale print.
HATCHES: tuple[str, ...] = ("", "///", "...", "xxx", "\\\\\\", "ooo", "---", "+++")
#: Markers for categorical line / point series.
MARKERS: tuple[str, ...] = ("o", "s", "^", "D", "v", "P", "X", "*")
#: Line styles for categorical line series.
LINESTYLES: tuple[str, ...] = ("-", "--", "-.", ":", (0, (5, 1, 1, 1)), (0, (1, 3)))

_DEFAULT_LIKERT_LEVELS: tuple[str, ...] = (
    "Very dissatisfied",
    "Dissatisfied",
    "Neutral",
    "Satisfied",
    "Very satisfied",
)
#: A matplotlib colour: name, hex string or RGB(A) tuple of floats in [0, 1].
ColorLike = str | tuple[float, ...]

_IPA_QUADRANTS: dict[str, str] = {
    "upper_left": "Concentrate here",
    "upper_right": "Keep up the good work",
    "lower_left": "Low priority",
    "lower_right": "Possible overkill",
}
_CJK = re.compile(
    "[\u2e80-\u2fdf\u3000-\u303f\u3040-\u30ff\u3100-\u312f\u3200-\u9fff"
    "\uac00-\ud7af\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef\U00020000-\U0002fa1f]"
)


# --------------------------------------------------------------------------------------------
# Theme, palette and greyscale helpers
# --------------------------------------------------------------------------------------------
def house_rc() -> dict[str, object]:
    """Return the house matplotlib rcParams (seaborn "whitegrid" plus book settings).

    Defaults: seaborn ``whitegrid`` style in the ``notebook`` context, DejaVu Sans (bundled with
    matplotlib, so no font download and no CJK), title 12 pt, labels 10.5 pt, ticks 9.5 pt,
    figure 7.5 x 4.5 in at 110 dpi, ``savefig.bbox = "tight"`` at 200 dpi, top/right spines off,
    ``image.cmap = "cividis"`` and the cividis-sampled categorical colour cycle
    (:func:`house_palette`).

    Returns
    -------
    dict
        rcParams suitable for ``matplotlib.rc_context`` or ``matplotlib.rcParams.update``.

    References
    ----------
    Waskom, M. L. (2021). seaborn: statistical data visualization. *Journal of Open Source
    Software* 6(60), 3021.
    """
    rc: dict[str, object] = {}
    rc.update(sns.axes_style("whitegrid"))
    rc.update(sns.plotting_context("notebook"))
    rc.update(
        {
            "font.family": "sans-serif",
            "font.sans-serif": ["DejaVu Sans"],
            "axes.titlesize": 12,
            "axes.titleweight": "bold",
            "axes.titlelocation": "left",
            "axes.labelsize": 10.5,
            "xtick.labelsize": 9.5,
            "ytick.labelsize": 9.5,
            "legend.fontsize": 9,
            "legend.title_fontsize": 9.5,
            "legend.frameon": False,
            "figure.titlesize": 12.5,
            "figure.titleweight": "bold",
            "figure.labelsize": 10.5,
            "figure.figsize": (BOOK_WIDTH, 4.5),
            "figure.dpi": 110,
            "savefig.dpi": 200,
            "savefig.bbox": "tight",
            "axes.spines.top": False,
            "axes.spines.right": False,
            "axes.prop_cycle": mpl.cycler(color=house_palette(6)),
            "image.cmap": "cividis",
            "hatch.linewidth": 0.7,
            "lines.linewidth": 1.6,
            "lines.markersize": 5.5,
            "pdf.fonttype": 42,
            "svg.fonttype": "none",
        }
    )
    return rc


def set_theme() -> None:
    """Apply the house theme globally (for ad-hoc figures made in the chapters).

    The figure functions in this module apply the same settings locally, so calling this is only
    needed for figures drawn directly with matplotlib / seaborn. See :func:`house_rc` for the
    settings.

    References
    ----------
    Waskom, M. L. (2021). seaborn: statistical data visualization. *Journal of Open Source
    Software* 6(60), 3021.
    """
    sns.set_theme(style="whitegrid", context="notebook")
    mpl.rcParams.update(house_rc())


@contextmanager
def _themed() -> Iterator[None]:
    with mpl.rc_context(house_rc()):
        yield


def house_palette(n: int) -> list[tuple[float, float, float]]:
    """Return ``n`` colours sampled evenly from "cividis", dark to light.

    Colour ``k`` is ``cividis(0.05 + 0.85 k / (n - 1))`` (``n = 1``: ``cividis(0.05)``). Cividis is
    built to be linear in lightness and readable with colour-vision deficiency, so the colours are
    ordered and separated in greyscale; for many categories add hatches/markers
    (:func:`series_styles`).

    Parameters
    ----------
    n : int
        Number of colours, at least 1.

    References
    ----------
    Nunez, J. R., Anderton, C. R. & Renslow, R. S. (2018). Optimizing colormaps with consideration
    for color vision deficiency to enable accurate interpretation of scientific data. *PLoS ONE*
    13(7), e0199239.
    """
    if not isinstance(n, (int, np.integer)) or isinstance(n, bool) or n < 1:
        raise ValueError(f"n: expected a positive integer number of colours, got {n!r}")
    cmap = mpl.colormaps["cividis"]
    if n == 1:
        return [tuple(cmap(0.05)[:3])]
    return [tuple(cmap(0.05 + 0.85 * k / (n - 1))[:3]) for k in range(n)]


def relative_luminance(color: ColorLike) -> float:
    """WCAG relative luminance of an sRGB colour (0 = black, 1 = white).

    ``L = 0.2126 R + 0.7152 G + 0.0722 B`` with each channel linearised as
    ``c / 12.92`` if ``c <= 0.04045`` else ``((c + 0.055) / 1.055) ** 2.4``.

    Parameters
    ----------
    color : matplotlib colour
        Anything :func:`matplotlib.colors.to_rgb` accepts (name, hex string, RGB(A) tuple).

    References
    ----------
    W3C (2018). *Web Content Accessibility Guidelines (WCAG) 2.1*, definition of "relative
    luminance".
    """
    try:
        rgb = np.asarray(to_rgb(color), dtype=float)
    except ValueError as exc:
        raise ValueError(f"color: {color!r} is not a matplotlib colour") from exc
    lin = np.where(rgb <= 0.04045, rgb / 12.92, ((rgb + 0.055) / 1.055) ** 2.4)
    return float(lin @ np.array([0.2126, 0.7152, 0.0722]))


def contrast_ratio(color1: ColorLike, color2: ColorLike) -> float:
    """WCAG contrast ratio ``(L1 + 0.05) / (L2 + 0.05)`` with ``L1 >= L2`` (range 1 to 21).

    References
    ----------
    W3C (2018). *Web Content Accessibility Guidelines (WCAG) 2.1*, definition of "contrast ratio".
    """
    a, b = sorted((relative_luminance(color1), relative_luminance(color2)), reverse=True)
    return (a + 0.05) / (b + 0.05)


def lightness(color: ColorLike) -> float:
    """CIE 1976 lightness ``L*`` (0 to 100) of an sRGB colour: how light it prints in greyscale.

    ``L* = 116 f(Y) - 16`` with ``Y`` the relative luminance (:func:`relative_luminance`, D65
    white ``Y_n = 1``) and ``f(t) = t ** (1/3)`` if ``t > (6/29) ** 3`` else
    ``t / (3 (6/29) ** 2) + 4/29``. Differences in ``L*`` are roughly perceptually uniform, so a
    pairwise gap of ~10 or more keeps greys distinguishable.

    References
    ----------
    CIE (2004). *Colorimetry*, 3rd ed., CIE Publication 15:2004, section 8.2.1 (CIELAB).
    """
    y = relative_luminance(color)
    d = 6 / 29
    f = y ** (1 / 3) if y > d**3 else y / (3 * d**2) + 4 / 29
    return 116 * f - 16


@dataclass(frozen=True)
class SeriesStyle:
    """How one categorical series is drawn: colour plus a non-colour cue."""

    label: str
    color: tuple[float, float, float]
    hatch: str
    marker: str
    linestyle: object


def _line_kwargs(st: SeriesStyle) -> dict[str, object]:
    """``Axes.plot`` keywords of a series drawn as a line with outlined markers."""
    return {
        "color": st.color,
        "marker": st.marker,
        "linestyle": st.linestyle,
        "label": st.label,
        "markeredgecolor": "0.15",
        "markeredgewidth": 0.6,
    }


def series_styles(labels: Sequence) -> list[SeriesStyle]:
    """Assign each categorical series a colour, hatch, marker and line style.

    Colours come from :func:`house_palette` (separated in lightness); hatches, markers and line
    styles cycle through :data:`HATCHES`, :data:`MARKERS` and :data:`LINESTYLES`, so each of up to
    six series has a unique combination even in greyscale.
    """
    labels = [str(x) for x in labels]
    if not labels:
        raise ValueError("labels: no series to style")
    colors = house_palette(len(labels))
    return [
        SeriesStyle(
            label=lab,
            color=colors[k],
            hatch=HATCHES[k % len(HATCHES)],
            marker=MARKERS[k % len(MARKERS)],
            linestyle=LINESTYLES[k % len(LINESTYLES)],
        )
        for k, lab in enumerate(labels)
    ]


# --------------------------------------------------------------------------------------------
# Internal checks
# --------------------------------------------------------------------------------------------
def _lab(v: object) -> object:
    """Plain Python scalar for messages (``2018``, not ``np.int64(2018)``)."""
    return v.item() if isinstance(v, np.generic) else v


def _check_text(value, name: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{name}: expected a non-empty string, got {value!r}")
    return value


def _check_frame(df, name: str, required: Sequence[str] = ()) -> pd.DataFrame:
    if not isinstance(df, pd.DataFrame):
        raise ValueError(f"{name}: expected a pandas DataFrame, got {type(df).__name__}")
    if df.empty:
        raise ValueError(f"{name}: is empty (shape {df.shape})")
    missing = [c for c in required if c not in df.columns]
    if missing:
        raise ValueError(
            f"{name}: missing required column(s) {missing}; it has columns {list(df.columns)}"
        )
    return df


def _check_numeric_columns(df: pd.DataFrame, cols: Sequence[str], name: str, *, allow_nan=False):
    for c in cols:
        if not pd.api.types.is_numeric_dtype(df[c]) or pd.api.types.is_bool_dtype(df[c]):
            raise ValueError(f"{name}: column {_lab(c)!r} is not numeric (dtype {df[c].dtype})")
        bad = ~np.isfinite(df[c].to_numpy(dtype=float))
        if not allow_nan and bad.any():
            raise ValueError(
                f"{name}: column {_lab(c)!r} has NaN or infinite values "
                f"(first at row {_lab(df.index[np.argmax(bad)])!r})"
            )


def _check_unique_index(index: pd.Index, name: str) -> None:
    dup = index[index.duplicated()]
    if len(dup):
        raise ValueError(f"{name}: index labels must be unique; duplicated: {list(dup[:5])}")


def _frame_from_series_or_frame(data, name: str, default_col: str) -> pd.DataFrame:
    if isinstance(data, pd.Series):
        col = data.name if data.name is not None else default_col
        data = data.to_frame(name=col)
    if not isinstance(data, pd.DataFrame):
        raise ValueError(
            f"{name}: expected a pandas Series or DataFrame, got {type(data).__name__}"
        )
    if data.empty:
        raise ValueError(f"{name}: is empty (shape {data.shape})")
    as_float_matrix(data, name)  # numeric and finite
    _check_unique_index(data.index, name)
    return data.astype(float)


class BookFigure(Figure):
    """A :class:`matplotlib.figure.Figure` that renders itself as PNG in Jupyter.

    The figure functions build figures outside pyplot (no global state, nothing to close), but
    then matplotlib's inline backend, which is loaded lazily by pyplot, may never register its
    display hook in a notebook kernel, and a returned figure would show as plain text. IPython
    calls ``_repr_png_`` only when no formatter is registered for the type, so a figure is shown
    exactly once either way.
    """

    def _repr_png_(self) -> bytes:
        buf = io.BytesIO()
        self.savefig(buf, format="png", bbox_inches="tight", dpi=self.dpi)
        return buf.getvalue()


#: Colour of the "simulated data" mark: a muted violet-grey used by nothing else in the house
#: palette, so that a test can find the mark's pixels in a rendered image.
SIMULATED_MARK_COLOR: tuple[float, float, float] = (0.55, 0.35, 0.55)
_MARK_GID = "simulated-data-mark"


def mark_simulated(fig: Figure, text: str = "Simulated data") -> Figure:
    """Stamp a discreet "Simulated data" mark inside the figure (bottom-right corner).

    Figures of simulated data keep the warning when they are copied out of the book (into
    slides, a report) without their caption. The mark is a small text in
    :data:`SIMULATED_MARK_COLOR`, outside the axes; calling it twice leaves one mark.

    Examples
    --------
    >>> fig, ax = _new_figure(2.0)
    >>> _ = ax.plot([0, 1], [0, 1])
    >>> has_simulated_mark(mark_simulated(mark_simulated(fig)))
    True
    >>> sum(t.get_gid() == _MARK_GID for t in fig.texts)
    1
    """
    if not isinstance(fig, Figure):
        raise ValueError(f"fig: expected a matplotlib Figure, got {type(fig).__name__}")
    if not has_simulated_mark(fig):
        fig.text(
            0.995,
            0.004,
            _check_text(text, "text"),
            ha="right",
            va="bottom",
            fontsize=7.5,
            fontstyle="italic",
            color=SIMULATED_MARK_COLOR,
            gid=_MARK_GID,
        )
    return fig


def has_simulated_mark(fig: Figure) -> bool:
    """Whether :func:`mark_simulated` has stamped the figure."""
    return any(t.get_gid() == _MARK_GID for t in fig.texts)


def _new_figure(height: float, *, polar: bool = False, nrows=1, ncols=1, **kw):
    fig = BookFigure(figsize=(BOOK_WIDTH, height), layout="constrained")
    if polar:
        ax = fig.add_subplot(projection="polar")
        return fig, ax
    axes = fig.subplots(nrows, ncols, squeeze=nrows == 1 and ncols == 1, **kw)
    return fig, axes


def _finish(fig: Figure) -> Figure:
    """Refuse figures with CJK text (no CJK font installed: it would render as boxes)."""
    for t in fig.findobj(Text):
        s = t.get_text()
        if s and _CJK.search(s):
            raise ValueError(
                f"figure text {s!r} contains Chinese/Japanese/Korean characters, but no CJK "
                "font is installed; pass English (or pinyin) labels"
            )
    return fig


def _title(ax: Axes, title: str) -> None:
    ax.set_title(_check_text(title, "title"))


def _axis_labels(ax: Axes, xlabel: str, ylabel: str) -> None:
    """Set both axis labels, each checked to be a non-empty string."""
    ax.set_xlabel(_check_text(xlabel, "xlabel"))
    ax.set_ylabel(_check_text(ylabel, "ylabel"))


def _category_rows(ax: Axes, y: np.ndarray, labels: Sequence[str], xlabel, ylabel) -> None:
    """A horizontal category axis: one labelled row per ``y``, axis labels, no grid along the
    rows, limits fitted to the rows (:func:`_tight_categories`)."""
    ax.set_yticks(y, labels)
    _axis_labels(ax, xlabel, ylabel)
    ax.grid(axis="y", visible=False)
    _tight_categories(ax, len(y))


def _wrap(label: object, width: int) -> str:
    """Wrap a tick label onto several lines of at most ``width`` characters (words kept)."""
    return "\n".join(textwrap.wrap(str(label), width, break_long_words=False)) or str(label)


def _tight_categories(ax: Axes, n: int, *, axis: str = "y", pad: float = 0.6) -> None:
    """Category axis limits ``(-pad, n - 1 + pad)``: no empty band that grows with ``n``."""
    (ax.set_ylim if axis == "y" else ax.set_xlim)(-pad, n - 1 + pad)


def _bottom_legend(fig: Figure, handles, ncols: int | None = None, title: str | None = None):
    """House legend position: below the plot, centred, outside the axes (never covers data)."""
    n = len(handles)
    if ncols is None:
        width = sum(len(h.get_label()) + 6 for h in handles)
        ncols = n if width <= 90 else max(1, min(n, math.ceil(n / math.ceil(width / 90))))
    return fig.legend(
        handles=handles, loc="outside lower center", ncols=ncols, frameon=False, title=title
    )


def _row_height(n: int, per_row: float, max_total: float = 9.0, base: float = 1.2) -> float:
    """Figure height ``base + per_row n``, shrunk so a long list stays under ``max_total`` in."""
    return base + min(per_row * n, max_total - base)


# --------------------------------------------------------------------------------------------
# Survey figures
# --------------------------------------------------------------------------------------------
def likert_percentages(
    responses: pd.DataFrame, level_labels: Sequence[str] = _DEFAULT_LIKERT_LEVELS
) -> pd.DataFrame:
    """Percentage of valid answers at each level, per item (rows = items, columns = levels).

    ``p_{jk} = 100 n_{jk} / sum_k n_{jk}`` where ``n_{jk}`` counts respondents answering level
    ``k`` (coded ``1..K``) on item ``j``; missing answers (NaN) are excluded item by item. An extra
    column ``n`` holds the number of valid answers.

    Parameters
    ----------
    responses : DataFrame
        Rows = respondents, columns = items, values in ``1..K`` (``K = len(level_labels)``) or NaN.
    level_labels : sequence of str
        Names of the levels, lowest first.

    Raises
    ------
    ValueError
        Empty input, non-numeric column, a value outside ``1..K`` or non-integer, or an item
        without any valid answer.
    """
    responses = _check_frame(responses, "responses")
    levels = [str(x) for x in level_labels]
    if len(levels) < 2:
        raise ValueError(f"level_labels: need at least 2 levels, got {len(levels)}")
    _check_unique_index(pd.Index(responses.columns), "responses (columns)")
    _check_numeric_columns(responses, list(responses.columns), "responses", allow_nan=True)
    K = len(levels)
    rows = {}
    for item in responses.columns:
        x = responses[item].to_numpy(dtype=float)
        if np.isinf(x).any():
            raise ValueError(f"responses: column {_lab(item)!r} has infinite values")
        x = x[~np.isnan(x)]
        if x.size == 0:
            raise ValueError(f"responses: column {_lab(item)!r} has no valid (non-NaN) answers")
        bad = (x != np.round(x)) | (x < 1) | (x > K)
        if bad.any():
            raise ValueError(
                f"responses: column {_lab(item)!r} has value {x[bad][0]:g}; answers must be "
                f"integers 1..{K} (one per level label) or NaN"
            )
        counts = np.bincount(x.astype(int), minlength=K + 1)[1:]
        rows[item] = list(100 * counts / x.size) + [int(x.size)]
    out = pd.DataFrame.from_dict(rows, orient="index", columns=[*levels, "n"])
    out.index.name = responses.columns.name or "item"
    out["n"] = out["n"].astype(int)
    return out


def likert_stacked_bars(
    responses: pd.DataFrame,
    labels: Mapping | None = None,
    title: str = "Satisfaction by item (share of valid answers)",
    level_labels: Sequence[str] = _DEFAULT_LIKERT_LEVELS,
    *,
    sort: bool = True,
    xlabel: str = "Share of respondents (%)",
) -> Figure:
    """Diverging stacked bar chart of Likert items, centred on the neutral level.

    For item ``j`` with level percentages ``p_{j1..jK}`` (:func:`likert_percentages`) the bars
    start at ``-(sum_{k < m} p_{jk} + p_{jm} / 2)`` where ``m = (K + 1) / 2`` is the neutral
    level (odd ``K``; for even ``K`` the centre lies between levels ``K/2`` and ``K/2 + 1``), so
    the neutral bar straddles zero, negative levels extend left and positive levels right.
    Defaults: items sorted by the share of positive answers (most positive on top), item labels
    suffixed with the number of valid answers and wrapped at 42 characters (long questionnaire
    wordings would otherwise squeeze the bars into a sliver), x axis in percent of valid answers (absolute
    values on both sides), level colours from cividis (dark = lowest level) so the order survives
    greyscale printing.

    Parameters
    ----------
    responses : DataFrame
        Rows = respondents, columns = items, values ``1..K`` or NaN.
    labels : dict, optional
        Display label for each item (column name -> label), e.g. a codebook's full mapping;
        items without an entry keep their name, entries for other items are ignored.
    title, xlabel : str
        Figure title and x-axis label.
    level_labels : sequence of str
        Names of the ``K`` levels, lowest first.
    sort : bool
        Sort items by share of positive answers.

    References
    ----------
    Heiberger, R. M. & Robbins, N. B. (2014). Design of diverging stacked bar charts for Likert
    scales and other applications. *Journal of Statistical Software* 57(5), 1-32.
    """
    pct = likert_percentages(responses, level_labels)
    levels = [str(x) for x in level_labels]
    K = len(levels)
    if labels is not None:
        if not isinstance(labels, Mapping):
            raise ValueError(f"labels: expected a dict item -> label, got {type(labels).__name__}")
        for k in pct.index:
            if k in labels:
                _check_text(labels[k], f"labels[{k!r}]")
    labels = dict(labels or {})
    p = pct[levels].to_numpy()
    half = K // 2
    neg = p[:, :half].sum(axis=1) + (p[:, half] / 2 if K % 2 else 0.0)
    posshare = p[:, K - half :].sum(axis=1)
    order = np.argsort(-posshare, kind="stable") if sort else np.arange(len(pct))
    order = order[::-1]  # barh draws bottom-up: most positive at the top
    colors = house_palette(K)
    with _themed():
        ticklabels = [
            _wrap(f"{labels.get(i, i)} (n={pct.loc[i, 'n']})", 42) for i in pct.index[order]
        ]
        lines = sum(t.count("\n") + 1 for t in ticklabels)
        fig, ax = _new_figure(1.5 + 0.3 * len(pct) + 0.14 * lines)
        y = np.arange(len(pct))
        for k in range(K):
            left = -neg[order] + p[order, :k].sum(axis=1)
            ax.barh(
                y,
                p[order, k],
                left=left,
                color=colors[k],
                edgecolor="white",
                linewidth=0.6,
                label=levels[k],
                height=0.7,
            )
        ax.axvline(0, color="0.2", linewidth=0.9)
        ax.set_yticks(y, ticklabels)
        ax.tick_params(axis="y", labelsize=8.5)
        _tight_categories(ax, len(pct), pad=0.55)
        lim = max(np.max(neg), np.max(100 - neg)) * 1.05
        ax.set_xlim(-lim, lim)
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{abs(v):.0f}%"))
        ax.set_xlabel(_check_text(xlabel, "xlabel"))
        ax.set_ylabel("Item")
        ax.grid(axis="y", visible=False)
        fig.legend(
            handles=[Patch(facecolor=colors[k], label=levels[k]) for k in range(K)],
            loc="outside lower center",
            ncols=K if sum(len(lv) for lv in levels) <= 60 else math.ceil(K / 2),
            frameon=False,
        )
        _title(ax, title)
    return _finish(fig)


# --------------------------------------------------------------------------------------------
# Factor-analysis figures
# --------------------------------------------------------------------------------------------
def scree_plot(
    eigenvalues: pd.Series | Sequence[float] | np.ndarray,
    random_quantile: pd.Series | Sequence[float] | np.ndarray | None = None,
    title: str = "Scree plot with parallel analysis",
    *,
    kaiser: bool = True,
    xlabel: str = "Factor number",
    ylabel: str = "Eigenvalue",
) -> Figure:
    """Scree plot of observed eigenvalues, with the parallel-analysis line and the Kaiser line.

    Observed eigenvalues ``lambda_1 >= lambda_2 >= ...`` are drawn against their rank (solid line,
    circles). If ``random_quantile`` is given (the eigenvalues of random data of the same size at
    a chosen quantile, e.g. the 95th) it is drawn dashed with triangles, and the number of factors
    retained by Horn's rule, ``k = max{j : lambda_i > q_i for all i <= j}``, is annotated.
    ``kaiser=True`` (default) adds the eigenvalue-one line of the Kaiser criterion (dotted).

    Parameters
    ----------
    eigenvalues : Series or 1-D array
        Observed eigenvalues in decreasing order.
    random_quantile : Series or 1-D array, optional
        Parallel-analysis eigenvalues, same length.
    title, xlabel, ylabel : str
    kaiser : bool
        Draw the line at eigenvalue 1.

    References
    ----------
    Cattell, R. B. (1966). The scree test for the number of factors. *Multivariate Behavioral
    Research* 1(2), 245-276.
    Horn, J. L. (1965). A rationale and test for the number of factors in factor analysis.
    *Psychometrika* 30(2), 179-185.
    Kaiser, H. F. (1960). The application of electronic computers to factor analysis.
    *Educational and Psychological Measurement* 20(1), 141-151.
    """
    ev, _ = as_float_vector(eigenvalues, "eigenvalues")
    if np.any(np.diff(ev) > 1e-9):
        i = int(np.argmax(np.diff(ev) > 1e-9))
        raise ValueError(
            f"eigenvalues: must be in decreasing order; position {i + 2} ({ev[i + 1]:g}) "
            f"exceeds position {i + 1} ({ev[i]:g})"
        )
    rq = None
    if random_quantile is not None:
        rq, _ = as_float_vector(random_quantile, "random_quantile")
        if rq.size != ev.size:
            raise ValueError(
                f"random_quantile: expected {ev.size} values (one per eigenvalue), got {rq.size}"
            )
    x = np.arange(1, ev.size + 1)
    styles = series_styles(["Observed", "Random (parallel analysis)"])
    with _themed():
        fig, ax = _new_figure(4.2)
        ax.plot(x, ev, marker="o", linestyle="-", color=styles[0].color, label="Observed data")
        if rq is not None:
            ax.plot(
                x,
                rq,
                marker="^",
                linestyle="--",
                color=styles[1].color,
                label="Random data (parallel analysis)",
            )
            above = ev > rq
            k = int(np.argmin(above)) if not above.all() else int(ev.size)
            ax.annotate(
                f"Parallel analysis retains {k} factor{'s' if k != 1 else ''}",
                xy=(0.98, 0.95),
                xycoords="axes fraction",
                ha="right",
                va="top",
                fontsize=9.5,
            )
        if kaiser:
            ax.axhline(
                1.0, color="0.35", linestyle=":", linewidth=1.2, label="Kaiser criterion (1)"
            )
        ax.set_xticks(x if ev.size <= 30 else x[:: max(1, ev.size // 15)])
        _axis_labels(ax, xlabel, ylabel)
        ax.set_ylim(bottom=min(0.0, float(np.min(ev)) * 1.1))
        ax.legend(loc="center right")
        _title(ax, title)
    return _finish(fig)


def loadings_heatmap(
    loadings: pd.DataFrame,
    threshold: float = 0.4,
    title: str = "Factor loadings",
    *,
    xlabel: str = "Factor",
    ylabel: str = "Item",
) -> Figure:
    """Annotated heat map of a loading matrix, diverging colormap centred at 0.

    Colour: "RdBu_r" from ``-m`` to ``m`` with ``m = max(1, max |loading|)`` (centre 0). Every
    cell is annotated with its signed value (two decimals), so sign and size stay readable in
    greyscale; loadings with ``|l| >= threshold`` (default 0.4, a common salience cut-off,
    Hair et al. 2019) are bold, smaller ones grey.

    Parameters
    ----------
    loadings : DataFrame
        Items (rows) x factors (columns), finite numbers.
    threshold : float
        Salience cut-off in ``[0, 1)``.
    title, xlabel, ylabel : str

    References
    ----------
    Hair, J. F., Black, W. C., Babin, B. J. & Anderson, R. E. (2019). *Multivariate Data
    Analysis*, 8th ed. Cengage, ch. 3 (significance of factor loadings).
    """
    loadings = _check_frame(loadings, "loadings")
    values, rows, cols = as_float_matrix(loadings, "loadings")
    _check_unique_index(loadings.index, "loadings")
    if not (isinstance(threshold, (int, float)) and 0 <= threshold < 1):
        raise ValueError(f"threshold: expected a number in [0, 1), got {threshold!r}")
    m = max(1.0, float(np.max(np.abs(values))))
    with _themed():
        fig, ax = _new_figure(1.4 + 0.32 * len(rows))
        sns.heatmap(
            pd.DataFrame(values, index=[str(r) for r in rows], columns=[str(c) for c in cols]),
            ax=ax,
            cmap="RdBu_r",
            vmin=-m,
            vmax=m,
            annot=True,
            fmt=".2f",
            linewidths=0.5,
            linecolor="white",
            cbar_kws={"label": "Loading"},
            annot_kws={"fontsize": 9},
        )
        for text, v in zip(ax.texts, values.ravel(), strict=True):
            if abs(v) >= threshold:
                text.set_fontweight("bold")
            else:
                text.set_alpha(0.55)
        _axis_labels(ax, xlabel, ylabel)
        ax.tick_params(axis="y", rotation=0)
        ax.tick_params(axis="x", rotation=0)
        ax.text(
            1.0,
            1.01,
            f"bold: |loading| >= {threshold:g}",
            transform=ax.transAxes,
            ha="right",
            va="bottom",
            fontsize=8.5,
        )
        _title(ax, title)
    return _finish(fig)


# --------------------------------------------------------------------------------------------
# Weights, scores, rankings
# --------------------------------------------------------------------------------------------
def weights_bar(
    weights: pd.Series | pd.DataFrame,
    title: str = "Indicator weights",
    xlabel: str = "Weight",
    *,
    ylabel: str = "Indicator",
    annotate: bool = True,
) -> Figure:
    """Horizontal bars of indicator weights, sorted; grouped and hatched for several schemes.

    A Series is drawn as one bar per indicator, largest on top, with the value printed at the
    bar end. A DataFrame (indicators x weighting schemes, e.g. AHP, entropy, CRITIC, combined) is
    drawn as grouped bars, sorted by the first column, each scheme with its own cividis shade
    *and* hatch, the first scheme on top of each group and the legend below the plot. Weights
    must be finite and non-negative (they need not sum to one). The height grows with the
    number of rows up to 9.5 in (a printed page).

    Parameters
    ----------
    weights : Series or DataFrame
    title, xlabel, ylabel : str
    annotate : bool
        Print the values next to the bars (single scheme only).

    References
    ----------
    Cleveland, W. S. & McGill, R. (1984). Graphical perception: theory, experimentation, and
    application to the development of graphical methods. *Journal of the American Statistical
    Association* 79(387), 531-554 (position along a common scale reads most accurately).
    """
    df = _frame_from_series_or_frame(weights, "weights", "Weight")
    neg = df.lt(0).to_numpy()
    if neg.any():
        i, j = np.argwhere(neg)[0]
        raise ValueError(
            f"weights: weights must be non-negative; row {_lab(df.index[i])!r}, column "
            f"{_lab(df.columns[j])!r} is {df.iat[i, j]:g}"
        )
    df = df.sort_values(df.columns[0], ascending=True, kind="stable")
    n, s = df.shape
    styles = series_styles(df.columns)
    with _themed():
        fig, ax = _new_figure(_row_height(n, 0.3 if s == 1 else 0.22 * s + 0.1, 9.5))
        y = np.arange(n)
        h = 0.8 / s
        for k, st in enumerate(styles):
            pos = y + ((s - 1) / 2 - k) * h if s > 1 else y  # first scheme on top
            bars = ax.barh(
                pos,
                df.iloc[:, k],
                height=h * 0.95 if s > 1 else 0.65,
                color=st.color,
                hatch=st.hatch,
                edgecolor="white" if not st.hatch else "0.15",
                linewidth=0.5,
                label=st.label,
            )
            if annotate and s == 1:
                ax.bar_label(bars, fmt="%.3f", padding=3, fontsize=8.5)
        _category_rows(ax, y, [str(i) for i in df.index], xlabel, ylabel)
        ax.set_xlim(0, float(df.to_numpy().max()) * 1.15 or 1.0)
        if s > 1:
            _bottom_legend(
                fig,
                [
                    Patch(
                        facecolor=st.color,
                        hatch=st.hatch,
                        edgecolor="white" if not st.hatch else "0.15",
                        label=st.label,
                    )
                    for st in styles
                ],
                title="Scheme",
            )
        _title(ax, title)
    return _finish(fig)


def radar(
    scores: pd.Series | pd.DataFrame,
    max_value: float = 100,
    title: str = "Scores by dimension",
) -> Figure:
    """Radar (star) chart of scores by dimension, one closed polygon per series.

    Dimension ``j`` of ``J`` sits at angle ``theta_j = 2 pi j / J`` (first at the top, clockwise),
    the radius is the score on a common ``0..max_value`` scale. Each series has its own cividis
    shade, marker and line style (greyscale-safe); a single series is lightly filled.

    Parameters
    ----------
    scores : Series or DataFrame
        Dimensions (index, at least 3) x series (columns), values in ``[0, max_value]``.
    max_value : float
        Outer ring of the chart (default 100 for 0-100 scores).
    title : str

    References
    ----------
    Chambers, J. M., Cleveland, W. S., Kleiner, B. & Tukey, P. A. (1983). *Graphical Methods for
    Data Analysis*. Wadsworth, section 5.4 (star plots).
    """
    df = _frame_from_series_or_frame(scores, "scores", "Score")
    if len(df) < 3:
        raise ValueError(f"scores: a radar chart needs at least 3 dimensions (rows), got {len(df)}")
    if not (isinstance(max_value, (int, float)) and np.isfinite(max_value) and max_value > 0):
        raise ValueError(f"max_value: expected a positive finite number, got {max_value!r}")
    v = df.to_numpy()
    if v.min() < 0 or v.max() > max_value:
        i, j = np.argwhere((v < 0) | (v > max_value))[0]
        raise ValueError(
            f"scores: row {_lab(df.index[i])!r}, column {_lab(df.columns[j])!r} is {v[i, j]:g}, outside "
            f"[0, max_value={max_value:g}]"
        )
    J = len(df)
    theta = 2 * np.pi * np.arange(J) / J
    styles = series_styles(df.columns)
    with _themed():
        fig, ax = _new_figure(6.0, polar=True)
        ax.set_theta_offset(np.pi / 2)
        ax.set_theta_direction(-1)
        for k, st in enumerate(styles):
            r = np.r_[v[:, k], v[0, k]]
            t = np.r_[theta, theta[0]]
            ax.plot(t, r, **_line_kwargs(st))
            if df.shape[1] == 1:
                ax.fill(t, r, color=st.color, alpha=0.15)
        ax.set_xticks(theta, [str(i) for i in df.index])
        ax.set_ylim(0, max_value)
        ax.set_rlabel_position(180 / J)
        ax.tick_params(axis="y", labelsize=8)
        if df.shape[1] > 1:  # below the chart: the corners hold the axis labels
            _bottom_legend(fig, ax.get_lines()[: df.shape[1]])
        ax.set_xticks(theta, [_wrap(i, 22) for i in df.index])
        ax.tick_params(axis="x", pad=10)
        _title(ax, title)
    return _finish(fig)


def ipa_grid(
    table: pd.DataFrame,
    importance_cut: float | None = None,
    performance_cut: float | None = None,
    title: str = "Importance-performance analysis",
    *,
    xlabel: str = "Performance (mean satisfaction score)",
    ylabel: str = "Importance",
) -> Figure:
    """Importance-performance grid with quadrant lines, quadrant names and labelled points.

    Performance on the x axis, importance on the y axis, split at ``performance_cut`` and
    ``importance_cut`` (e.g. the means). Quadrants as in Martilla & James (1977): high importance
    / low performance "Concentrate here" (upper left), high / high "Keep up the good work" (upper
    right), low / low "Low priority" (lower left), low importance / high performance "Possible
    overkill" (lower right). Points carry their index label; the ``quadrant`` column (whatever
    its coding) selects each point's marker and shade, listed in the legend.

    Parameters
    ----------
    table : DataFrame
        Index = attribute labels; columns ``importance``, ``performance`` (finite numbers) and
        ``quadrant``.
    importance_cut, performance_cut : float, optional
        Where the quadrant lines cross. ``None`` (default) takes the cut stored in
        ``table.attrs`` (as :func:`utils.methods.attribution.importance_performance` records it).
    title, xlabel, ylabel : str

    References
    ----------
    Martilla, J. A. & James, J. C. (1977). Importance-performance analysis. *Journal of
    Marketing* 41(1), 77-79.
    """
    table = _check_frame(table, "table", ["importance", "performance", "quadrant"])
    _check_numeric_columns(table, ["importance", "performance"], "table")
    _check_unique_index(table.index, "table")
    cuts = {"importance_cut": importance_cut, "performance_cut": performance_cut}
    for name, cut in cuts.items():
        if cut is None:
            if name not in table.attrs:
                raise ValueError(f"{name}: not given, and table.attrs has no {name!r} to use")
            cut = cuts[name] = table.attrs[name]
        if not isinstance(cut, (int, float, np.floating, np.integer)) or not np.isfinite(cut):
            raise ValueError(f"{name}: expected a finite number, got {cut!r}")
    importance_cut, performance_cut = cuts["importance_cut"], cuts["performance_cut"]
    x = table["performance"].to_numpy(dtype=float)
    y = table["importance"].to_numpy(dtype=float)
    pad_x = 0.08 * max(np.ptp(np.r_[x, performance_cut]), 1e-9)
    pad_y = 0.08 * max(np.ptp(np.r_[y, importance_cut]), 1e-9)
    x0, x1 = min(x.min(), performance_cut) - pad_x, max(x.max(), performance_cut) + pad_x
    y0, y1 = min(y.min(), importance_cut) - pad_y, max(y.max(), importance_cut) + 2.5 * pad_y
    groups = list(dict.fromkeys(table["quadrant"].astype(str)))
    canonical = list(_IPA_QUADRANTS.values())
    if set(groups) <= set(canonical):
        groups = [g for g in canonical if g in groups]
    styles = dict(zip(groups, series_styles(groups), strict=True))
    with _themed():
        fig, ax = _new_figure(5.6)
        ax.axvline(performance_cut, color="0.3", linewidth=1, linestyle="--")
        ax.axhline(importance_cut, color="0.3", linewidth=1, linestyle="--")
        for g in groups:
            sel = (table["quadrant"].astype(str) == g).to_numpy()
            st = styles[g]
            ax.scatter(
                x[sel],
                y[sel],
                marker=st.marker,
                color=st.color,
                edgecolor="0.1",
                linewidth=0.5,
                s=45,
                label=g,
                zorder=3,
            )
        for lab, xi, yi in zip(table.index, x, y, strict=True):
            right = (xi - x0) / (x1 - x0) > 0.6  # label towards the centre, never off the axes
            ax.annotate(
                str(lab),
                (xi, yi),
                xytext=(-5, 3) if right else (5, 3),
                textcoords="offset points",
                ha="right" if right else "left",
                fontsize=8.5,
                gid="ipa-point-label",
            )
        corners = {
            "upper_left": (x0, y1, "left", "top"),
            "upper_right": (x1, y1, "right", "top"),
            "lower_left": (x0, y0, "left", "bottom"),
            "lower_right": (x1, y0, "right", "bottom"),
        }
        for key, (cx, cy, ha, va) in corners.items():
            ax.text(
                cx,
                cy,
                _IPA_QUADRANTS[key],
                ha=ha,
                va=va,
                fontsize=9.5,
                fontstyle="italic",
                color="0.25",
                gid=f"ipa-{key}",
                bbox={"boxstyle": "round,pad=0.25", "fc": "white", "ec": "none", "alpha": 0.8},
            )
        ax.set_xlim(x0, x1)
        ax.set_ylim(y0, y1)
        _axis_labels(ax, xlabel, ylabel)
        handles, _ = ax.get_legend_handles_labels()
        _bottom_legend(fig, handles, title="Quadrant")
        _title(ax, title)
    return _finish(fig)


def ranking_plot(
    table: pd.DataFrame,
    score_col: str = "closeness",
    title: str = "Ranking of units",
    xlabel: str = "Relative closeness to the ideal solution",
    *,
    ylabel: str = "Unit (rank)",
    annotate: bool = True,
) -> Figure:
    """Cleveland dot plot of units ordered by rank (rank 1 on top), with values printed.

    Each unit is a dot at its score on a common horizontal scale, joined to the axis origin
    side by a thin guide line; the y labels read ``"<rank>. <unit>"``. Ties in rank keep the
    table order.

    Parameters
    ----------
    table : DataFrame
        Index = units; a numeric ``score_col`` and a ``rank`` column (positive numbers, 1 = best).
    score_col : str
        Column holding the score (default ``"closeness"``, TOPSIS).
    title, xlabel, ylabel : str
    annotate : bool
        Print the score next to each dot.

    References
    ----------
    Cleveland, W. S. (1984). Graphical methods for data presentation: full scale breaks, dot
    charts, and multibased logging. *The American Statistician* 38(4), 270-280.
    """
    table = _check_frame(table, "table", [score_col, "rank"])
    _check_numeric_columns(table, [score_col, "rank"], "table")
    _check_unique_index(table.index, "table")
    if (table["rank"] < 1).any():
        bad = table.index[(table["rank"] < 1).to_numpy()][0]
        raise ValueError(
            f"table: column 'rank' must be >= 1; row {_lab(bad)!r} has {_lab(table.loc[bad, 'rank'])}"
        )
    t = table.sort_values("rank", kind="stable").iloc[::-1]
    s = t[score_col].to_numpy(dtype=float)
    color = house_palette(1)[0]
    with _themed():
        fig, ax = _new_figure(_row_height(len(t), 0.3 if len(t) <= 15 else 0.26))
        y = np.arange(len(t))
        lo = min(0.0, float(s.min()))
        ax.hlines(y, lo, s, color="0.75", linewidth=0.8)
        ax.plot(s, y, "o", color=color, markersize=6)
        if annotate:
            for yi, si in zip(y, s, strict=True):
                ax.annotate(
                    f"{si:.3f}",
                    (si, yi),
                    xytext=(5, 0),
                    textcoords="offset points",
                    va="center",
                    fontsize=8.5,
                )
        span = float(s.max()) - lo
        ax.set_xlim(lo, float(s.max()) + 0.15 * (span or 1.0))
        ranks = [f"{r:g}. {i}" for r, i in zip(t["rank"], t.index, strict=True)]
        _category_rows(ax, y, ranks, xlabel, ylabel)
        _title(ax, title)
    return _finish(fig)


def tornado(
    table: pd.DataFrame,
    base: float | None = None,
    title: str = "Sensitivity of the result (tornado diagram)",
    *,
    xlabel: str = "Result",
    ylabel: str = "Parameter",
) -> Figure:
    """Tornado diagram: one horizontal bar per parameter spanning its low-high output range.

    Bars are sorted by swing ``|high - low|``, widest on top. With ``base`` (the result at base
    settings) each bar is split at ``base``: the part reaching the output at the parameter's low
    setting is hatched ``///``, the part at the high setting solid, and ``base`` is a vertical
    line. Without ``base`` each bar simply spans ``[min(low, high), max(low, high)]``.

    Parameters
    ----------
    table : DataFrame
        Index = parameters (or units); numeric columns ``low`` and ``high`` (the result with the
        parameter at its low / high setting).
    base : float, optional
        Result at the base setting.
    title, xlabel, ylabel : str

    References
    ----------
    Eschenbach, T. G. (1992). Spiderplots versus tornado diagrams for sensitivity analysis.
    *Interfaces* 22(6), 40-46.
    """
    table = _check_frame(table, "table", ["low", "high"])
    _check_numeric_columns(table, ["low", "high"], "table")
    _check_unique_index(table.index, "table")
    if base is not None and (
        not isinstance(base, (int, float, np.floating, np.integer)) or not np.isfinite(base)
    ):
        raise ValueError(f"base: expected a finite number or None, got {base!r}")
    swing = (table["high"] - table["low"]).abs()
    t = table.assign(_swing=swing).sort_values("_swing", ascending=True, kind="stable")
    lo, hi = t["low"].to_numpy(dtype=float), t["high"].to_numpy(dtype=float)
    dark, light = house_palette(2)
    with _themed():
        fig, ax = _new_figure(_row_height(len(t), 0.35 if len(t) <= 15 else 0.27))
        y = np.arange(len(t))
        if base is None:
            ax.barh(y, np.abs(hi - lo), left=np.minimum(lo, hi), color=dark, height=0.6)
        else:
            ax.barh(
                y,
                lo - base,
                left=base,
                color=light,
                hatch="///",
                edgecolor="0.15",
                linewidth=0.5,
                height=0.6,
                label="Parameter at low setting",
            )
            ax.barh(
                y,
                hi - base,
                left=base,
                color=dark,
                edgecolor="0.15",
                linewidth=0.5,
                height=0.6,
                label="Parameter at high setting",
            )
            ax.axvline(base, color="0.1", linewidth=1)
            fig.legend(loc="outside lower center", ncols=2, frameon=False)
        _category_rows(ax, y, [str(i) for i in t.index], xlabel, ylabel)
        _title(ax, title)
    return _finish(fig)


# --------------------------------------------------------------------------------------------
# Panels and time series
# --------------------------------------------------------------------------------------------
def township_small_multiples(
    panel: pd.DataFrame,
    value: str,
    ylabel: str,
    title: str = "By township",
    ncols: int = 5,
    *,
    township_col: str = "township",
    year_col: str = "year",
    xlabel: str = "Year",
) -> Figure:
    """Small multiples: one panel per township on shared axes, county mean as reference.

    Each panel shows the township's series (solid, circles) and the county mean
    ``m_t = (1/T) sum_i y_{it}`` over the townships observed in year ``t`` (unweighted, dashed
    grey), so every township is read against the same reference. Missing years stay gaps.

    Parameters
    ----------
    panel : DataFrame
        Long format: one row per (township, year) with columns ``township_col``, ``year_col``
        (numeric) and ``value`` (numeric, NaN allowed).
    value : str
        Column to plot.
    ylabel : str
        Label (with units) of ``value``.
    title : str
    ncols : int
        Panels per row (default 5).

    References
    ----------
    Tufte, E. R. (1983). *The Visual Display of Quantitative Information*. Graphics Press,
    Cheshire, CT (small multiples, pp. 170-175).
    """
    panel = _check_frame(panel, "panel", [township_col, year_col, value])
    _check_numeric_columns(panel, [year_col], "panel")
    _check_numeric_columns(panel, [value], "panel", allow_nan=True)
    if not isinstance(ncols, (int, np.integer)) or isinstance(ncols, bool) or ncols < 1:
        raise ValueError(f"ncols: expected a positive integer, got {ncols!r}")
    dup = panel.duplicated([township_col, year_col])
    if dup.any():
        r = panel.loc[dup].iloc[0]
        raise ValueError(
            f"panel: (township, year) must be unique; ({_lab(r[township_col])!r}, {_lab(r[year_col])!r}) "
            "appears more than once"
        )
    wide = panel.pivot(index=year_col, columns=township_col, values=value).sort_index()
    wide = wide[list(dict.fromkeys(panel[township_col]))]  # keep the caller's township order
    if wide.isna().all().all():
        raise ValueError(f"panel: column {value!r} has no observed (non-NaN) values")
    mean = wide.mean(axis=1)
    towns = list(wide.columns)
    ncols = min(ncols, len(towns))
    nrows = math.ceil(len(towns) / ncols)
    color = house_palette(1)[0]
    with _themed():
        # Panels and legend live in two stacked subfigures: constrained layout does not stack
        # an "outside" figure legend with the suptitle or the supxlabel, so a figure-level
        # legend would overlap one of them (it used to cover the end of the title).
        fig = BookFigure(figsize=(BOOK_WIDTH, 1.25 + 1.5 * nrows), layout="constrained")
        body, foot = fig.subfigures(2, 1, height_ratios=[0.85 + 1.5 * nrows, 0.4])
        axes = body.subplots(nrows, ncols, squeeze=False, sharex=True, sharey=True)
        flat = axes.ravel()
        for ax, town in zip(flat, towns, strict=False):
            ax.plot(mean.index, mean.to_numpy(), color="0.55", linestyle="--", linewidth=1.1)
            ax.plot(wide.index, wide[town].to_numpy(), color=color, marker="o", markersize=3)
            ax.set_title(str(town), fontsize=9.5, fontweight="normal", loc="center")
            ax.tick_params(labelsize=8)
        for k, ax in enumerate(flat[len(towns) :], start=len(towns)):
            ax.set_visible(False)
            if k - ncols >= 0:  # the panel above an empty slot shows the year labels
                flat[k - ncols].xaxis.set_tick_params(labelbottom=True)
        handles = [
            Line2D([], [], color=color, marker="o", markersize=3, label="Township"),
            Line2D([], [], color="0.55", linestyle="--", label="County mean (unweighted)"),
        ]
        fig.suptitle(_check_text(title, "title"), x=0.02, ha="left")
        foot.legend(handles=handles, loc="center", ncols=2, frameon=False)
        body.supxlabel(_check_text(xlabel, "xlabel"))
        body.supylabel(_check_text(ylabel, "ylabel"))
        flat[0].xaxis.set_major_locator(MaxNLocator(nbins=3 if ncols >= 4 else 5, integer=True))
        flat[0].xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:.0f}"))
        flat[0].margins(x=0.08)  # end markers not cut by the panel edge
    return _finish(fig)


def series_with_gaps(
    df: pd.DataFrame,
    ylabel: str,
    title: str = "Series over time",
    *,
    xlabel: str = "Year",
    legend: bool = False,
) -> Figure:
    """Line chart in which missing values stay visible gaps; observed points carry markers.

    Lines are drawn only between consecutive observed years (matplotlib breaks a line at NaN);
    an isolated observation shows as a lone marker. Each series has its own cividis shade, marker
    (dark-edged, so light shades stay visible in greyscale) and line style, and the last observed
    point is labelled with the series name (direct labelling, no reliance on hue). End labels
    that would overlap are pushed apart vertically (at least one label height between centres)
    and the x axis is extended just enough, measured on the rendered text, for the longest label
    to fit inside the axes. The x padding is relative to the data span (2 % on the left), so the
    index may be years, percentages or any other numeric scale. Values of 1,000 or more get
    thousands separators.

    Parameters
    ----------
    df : DataFrame
        Index = year (numeric, unique), columns = series (numeric, NaN allowed).
    ylabel : str
        Y-axis label with units.
    title, xlabel : str
    legend : bool
        Also draw a legend (default ``False``: the direct labels already name every line, and a
        legend inside the axes can cover data).

    References
    ----------
    Tufte, E. R. (1983). *The Visual Display of Quantitative Information*. Graphics Press
    (direct labelling of data lines).
    """
    df = _check_frame(df, "df")
    if not pd.api.types.is_numeric_dtype(df.index):
        raise ValueError(f"df: index must be numeric years, got dtype {df.index.dtype}")
    _check_unique_index(df.index, "df")
    _check_numeric_columns(df, list(df.columns), "df", allow_nan=True)
    for c in df.columns:
        if df[c].isna().all():
            raise ValueError(f"df: column {_lab(c)!r} has no observed (non-NaN) values")
        if np.isinf(df[c].to_numpy(dtype=float)).any():
            raise ValueError(f"df: column {_lab(c)!r} has infinite values")
    df = df.sort_index()
    styles = series_styles(df.columns)
    x = df.index.to_numpy(dtype=float)
    span = float(np.ptp(x)) or 1.0
    with _themed():
        fig, ax = _new_figure(4.5)
        ends = []
        for c, st in zip(df.columns, styles, strict=True):
            yv = df[c].to_numpy(dtype=float)
            ax.plot(x, yv, **_line_kwargs(st))
            last = int(np.flatnonzero(~np.isnan(yv))[-1])
            ends.append((st.label, x[last], yv[last]))
        if len(x) <= 15:
            ax.set_xticks(x)
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
        if np.nanmax(np.abs(df.to_numpy(dtype=float))) >= 1000:
            ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.0f}"))
        ax.set_xlim(x.min() - 0.02 * span, x.max() + 0.02 * span)
        _axis_labels(ax, xlabel, ylabel)
        if legend:
            ax.legend(loc="best")
        _title(ax, title)
        _direct_labels(fig, ax, ends, x_max=x.max() + 0.02 * span)
    return _finish(fig)


def _direct_labels(fig: Figure, ax: Axes, ends, *, x_max: float, fontsize: float = 8.5) -> None:
    """Label line ends without overlaps and widen the x axis so every label fits inside it.

    ``ends`` holds ``(label, x, y)``. Labels are placed 6 pt right of their point; their centres
    are spread (in display space) to at least one text height apart, keeping the order of the
    y values, and the right x limit grows until the widest label ends inside the axes.
    """
    texts = [
        ax.annotate(
            lab,
            (xe, ye),
            xytext=(6, 0),
            textcoords="offset points",
            va="center",
            fontsize=fontsize,
            color="0.15",
            gid="direct-label",
        )
        for lab, xe, ye in ends
    ]
    renderer = fig._get_renderer()
    for _ in range(2):  # the layout settles after the first pass
        fig.draw_without_rendering()
        width = ax.get_window_extent(renderer).width
        x0 = ax.get_xlim()[0]
        right = x_max
        for t, (_, xe, _) in zip(texts, ends, strict=True):
            need = t.get_window_extent(renderer).width + 6 * fig.dpi / 72 + 0.02 * width
            if need < 0.6 * width:
                right = max(right, x0 + (xe - x0) * width / (width - need))
        ax.set_xlim(x0, right)
    # vertical de-overlap in display coordinates
    fig.draw_without_rendering()
    h = max(t.get_window_extent(renderer).height for t in texts) * 1.05
    pts = [ax.transData.transform((xe, ye)) for _, xe, ye in ends]
    order = np.argsort([p[1] for p in pts], kind="stable")
    ys = np.array([pts[k][1] for k in order], dtype=float)
    for _ in range(50):
        moved = False
        for a in range(len(ys) - 1):
            gap = ys[a + 1] - ys[a]
            if gap < h:
                shift = (h - gap) / 2
                ys[a] -= shift
                ys[a + 1] += shift
                moved = True
        if not moved:
            break
    to_pt = 72 / fig.dpi
    for k, yk in zip(order, ys, strict=True):
        texts[k].xyann = (6, (yk - pts[k][1]) * to_pt)


# --------------------------------------------------------------------------------------------
# Distributions and comparisons
# --------------------------------------------------------------------------------------------
def histogram(
    values: pd.Series,
    bins: int | Sequence[float] | str = 30,
    lines: Mapping[str, float] | None = None,
    xlabel: str = "Value",
    title: str = "Distribution",
    *,
    log_x: bool = False,
    ylabel: str = "Count",
) -> Figure:
    """Histogram with optional labelled vertical reference lines (e.g. poverty lines).

    NaN values are dropped (the count ``n`` is shown in the corner). With ``log_x=True`` the
    x axis is logarithmic and an integer ``bins`` gives ``bins`` equal-width bins in ``log10 x``
    (all values must then be positive). Reference lines get distinct line styles and a direct
    text label, so they do not rely on colour; when two lines are closer than a quarter of the
    axis width the labels move to a legend below the plot (keyed by line style) instead of
    piling up over the bars.

    Parameters
    ----------
    values : Series
        Numbers (NaN allowed and dropped).
    bins : int, sequence or str
        As :func:`numpy.histogram_bin_edges` (default 30).
    lines : dict label -> x, optional
        Reference lines, e.g. ``{"National poverty line (2,300 CNY, 2010 prices)": 2300}``.
    xlabel, title, ylabel : str
    log_x : bool

    References
    ----------
    Cowell, F. A. (2011). *Measuring Inequality*, 3rd ed. Oxford University Press, ch. 2
    (income distributions on a log scale).
    """
    if not isinstance(values, pd.Series):
        raise ValueError(f"values: expected a pandas Series, got {type(values).__name__}")
    v, _ = as_float_vector(values, "values", allow_nan=True)
    if np.isinf(v).any():
        raise ValueError("values: contains infinite values")
    v = v[~np.isnan(v)]
    if v.size == 0:
        raise ValueError("values: has no observed (non-NaN) values")
    if log_x and np.any(v <= 0):
        raise ValueError(
            f"values: log_x=True needs positive values; {int(np.sum(v <= 0))} value(s) are <= 0"
        )
    if isinstance(bins, bool) or (isinstance(bins, (int, np.integer)) and bins < 1):
        raise ValueError(
            f"bins: expected a positive integer, a sequence of edges or a rule, got {bins!r}"
        )
    lines = dict(lines or {})
    for lab, xv in lines.items():
        _check_text(lab, "lines (label)")
        if not isinstance(xv, (int, float, np.floating, np.integer)) or not np.isfinite(xv):
            raise ValueError(f"lines: value for {lab!r} must be a finite number, got {xv!r}")
        if log_x and xv <= 0:
            raise ValueError(f"lines: value for {lab!r} is {xv:g}; log_x=True needs positive x")
    if log_x and isinstance(bins, (int, np.integer)):
        lo, hi = np.log10(v.min()), np.log10(v.max())
        edges = np.logspace(lo, hi if hi > lo else lo + 1, int(bins) + 1)
    else:
        try:
            edges = np.histogram_bin_edges(v, bins=bins)
        except (ValueError, TypeError) as exc:
            raise ValueError(f"bins: {bins!r} is not valid ({exc})") from exc
    color = house_palette(3)[1]
    with _themed():
        fig, ax = _new_figure(4.3)
        ax.hist(v, bins=edges, color=color, edgecolor="white", linewidth=0.4)
        if log_x:
            ax.set_xscale("log")
            ax.xaxis.set_major_locator(LogLocator(subs=(1.0, 2.0, 5.0)))
            ax.xaxis.set_major_formatter(FuncFormatter(lambda q, _: f"{q:,.6g}"))
            ax.xaxis.set_minor_formatter(NullFormatter())
        handles = [
            ax.axvline(
                xv,
                color="0.1",
                linestyle=LINESTYLES[k % len(LINESTYLES)],
                linewidth=1.3,
                label=lab,
            )
            for k, (lab, xv) in enumerate(lines.items())
        ]
        lo_x, hi_x = ax.get_xlim()
        tr = np.log10 if log_x else (lambda q: q)
        frac = sorted((tr(xv) - tr(lo_x)) / (tr(hi_x) - tr(lo_x)) for xv in lines.values())
        if len(lines) > 1 and min(np.diff(frac)) < 0.25:
            # crowded lines: direct labels would pile up on each other and on the bars
            _bottom_legend(fig, handles, title="Reference lines")
        else:
            for k, (lab, xv) in enumerate(lines.items()):
                ax.annotate(
                    lab,
                    (xv, 1.0),
                    xycoords=("data", "axes fraction"),
                    xytext=(3, -4 - 12 * k),
                    textcoords="offset points",
                    ha="left",
                    va="top",
                    fontsize=8.5,
                    bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.85},
                )
        ax.text(
            0.99,
            0.98,
            f"n = {v.size:,}",
            transform=ax.transAxes,
            ha="right",
            va="top",
            fontsize=8.5,
        )
        _axis_labels(ax, xlabel, ylabel)
        _title(ax, title)
    return _finish(fig)


def grouped_bars(
    table: pd.DataFrame,
    title: str = "Comparison by group",
    ylabel: str = "Value",
    xlabel: str | None = None,
    *,
    percent: bool = False,
    annotate: bool = True,
    horizontal: bool | None = None,
) -> Figure:
    """Grouped bar chart: groups on the category axis (index), one hatched bar per column.

    Each column (series) gets a cividis shade *and* a hatch and is listed in the legend (below
    the plot, so it never covers bars or squeezes the axes); with a single column no legend is
    drawn. ``percent=True`` reads the values as proportions in ``[0, 1]`` and formats the value
    axis and the bar labels as percentages. Horizontal bars list the first series on top of each
    group, in legend order.

    Orientation: ``horizontal=None`` (default) chooses horizontal bars when the group labels
    would not fit side by side under vertical bars (estimated width ``0.6 x 9.5 pt`` per
    character against ``6.3 in / n_groups``) or when there are more than 12 groups, and then
    lists the groups top-down in table order; with ``horizontal=True`` the first group is at the
    bottom (sort ascending to put the largest on top); with ``horizontal=False`` over-long
    labels are rotated (30 or 90 degrees) instead.

    Parameters
    ----------
    table : DataFrame
        Index = groups, columns = series, finite numbers.
    title, ylabel : str
        Title and value-axis label (give units, e.g. "Attainment rate (%)").
    xlabel : str, optional
        Category-axis label (default: the index name, else "Group").
    percent, annotate : bool
    horizontal : bool, optional
        ``None`` (default) = automatic, see above.

    References
    ----------
    Cleveland, W. S. & McGill, R. (1984). Graphical perception: theory, experimentation, and
    application to the development of graphical methods. *Journal of the American Statistical
    Association* 79(387), 531-554.
    """
    df = _frame_from_series_or_frame(table, "table", "Value")
    if percent:
        v = df.to_numpy()
        if v.min() < 0 or v.max() > 1:
            i, j = np.argwhere((v < 0) | (v > 1))[0]
            raise ValueError(
                f"table: percent=True expects proportions in [0, 1]; row {_lab(df.index[i])!r}, "
                f"column {_lab(df.columns[j])!r} is {v[i, j]:g}"
            )
    xlabel = xlabel if xlabel is not None else (str(df.index.name) if df.index.name else "Group")
    n, s = df.shape
    if horizontal is not None and not isinstance(horizontal, (bool, np.bool_)):
        raise ValueError(f"horizontal: expected True, False or None, got {horizontal!r}")
    fit = _label_fit(df.index, n)
    auto = horizontal is None
    if auto:
        horizontal = n > 12 or fit > 1.0
    styles = series_styles(df.columns)
    w = 0.8 / s
    with _themed():
        fig, ax = _new_figure(
            _row_height(n, 0.3 * (1 if s == 1 else 0.6 * s), base=1.6) if horizontal else 4.5
        )
        pos0 = np.arange(n)
        draw = ax.barh if horizontal else ax.bar
        for k, st in enumerate(styles):
            # horizontal: first series on top of its group (reads in legend order)
            up = -1 if (horizontal and not auto) else 1  # y grows upwards unless inverted
            pos = pos0 + up * (k - (s - 1) / 2) * w
            kw = {"height": w * 0.95} if horizontal else {"width": w * 0.95}
            bars = draw(
                pos,
                df.iloc[:, k].to_numpy(),
                color=st.color,
                hatch=st.hatch,
                edgecolor="0.15" if st.hatch else "white",
                linewidth=0.5,
                label=st.label,
                **kw,
            )
            if annotate:
                fmt = (lambda q: f"{100 * q:.0f}%") if percent else (lambda q: f"{q:.3g}")
                ax.bar_label(bars, labels=[fmt(q) for q in df.iloc[:, k]], padding=2, fontsize=8)
        val_axis = ax.xaxis if horizontal else ax.yaxis
        if percent:
            val_axis.set_major_formatter(PercentFormatter(xmax=1, decimals=0))
        if horizontal:
            ax.set_yticks(pos0, [str(i) for i in df.index])
            ax.set_xlabel(_check_text(ylabel, "ylabel"))
            ax.set_ylabel(_check_text(xlabel, "xlabel"))
            ax.grid(axis="y", visible=False)
            ax.margins(x=0.1)
            _tight_categories(ax, n)
            if auto:  # switched automatically: keep the table's reading order, first on top
                ax.invert_yaxis()
        else:
            rot = 0 if fit <= 1.0 else (30 if fit <= 2.5 else 90)
            ax.set_xticks(
                pos0,
                [str(i) for i in df.index],
                rotation=rot,
                ha="right" if rot == 30 else "center",
                rotation_mode="anchor" if rot == 30 else "default",
            )
            _axis_labels(ax, xlabel, ylabel)
            ax.grid(axis="x", visible=False)
            ax.margins(y=0.1)
        if s > 1:
            _bottom_legend(
                fig,
                [
                    Patch(facecolor=st.color, hatch=st.hatch, edgecolor="0.15", label=st.label)
                    for st in styles
                ],
                title=str(df.columns.name) if df.columns.name else None,
            )
        _title(ax, title)
    return _finish(fig)


def _label_fit(labels, n: int, *, axes_width: float = 6.3, fontsize: float = 9.5) -> float:
    """Estimated width of the longest label over the room per group under vertical bars.

    A DejaVu Sans character is about 0.6 em wide, so a label of ``c`` characters at ``f`` pt
    needs ``0.6 c f / 72`` in; each group has ``axes_width / n`` in. Values above 1 overlap.
    """
    longest = max(len(str(i)) for i in labels)
    return (0.6 * longest * fontsize / 72) / (axes_width / max(n, 1) * 0.9)


def heatmap(
    table: pd.DataFrame,
    fmt: str = ".2f",
    title: str = "Heat map",
    cmap: str = "cividis",
    *,
    xlabel: str | None = None,
    ylabel: str | None = None,
    cbar_label: str = "Value",
    vmin: float | None = None,
    vmax: float | None = None,
) -> Figure:
    """Annotated heat map of a numeric table (e.g. a poverty-status transition matrix).

    Thin wrapper of :func:`seaborn.heatmap` with the house defaults: sequential "cividis"
    colormap (monotone lightness, so greyscale keeps the order), each cell annotated with its
    value formatted by ``fmt`` (text colour chosen for contrast by seaborn), white cell borders.
    Axis labels default to the index / columns names (e.g. "Status in t" / "Status in t+1").
    NaN cells are left blank. Long column labels are wrapped (not rotated); with a percent
    ``fmt`` (e.g. ``".0%"``) the colour bar is labelled in percent too; rows are 0.42 in high
    (0.32 in above 12 rows) and the figure stays under 9 in.

    Parameters
    ----------
    table : DataFrame
        Numeric table (NaN allowed, not all NaN).
    fmt : str
        Format spec for the annotations (default ``".2f"``; ``".0%"`` for shares).
    title : str
    cmap : str
        Any matplotlib colormap name (default "cividis").
    xlabel, ylabel, cbar_label : str
    vmin, vmax : float, optional
        Colour-scale limits.

    References
    ----------
    Waskom, M. L. (2021). seaborn: statistical data visualization. *Journal of Open Source
    Software* 6(60), 3021.
    """
    table = _check_frame(table, "table")
    values, rows, cols = as_float_matrix(table, "table", allow_nan=True)
    if np.isinf(values).any():
        i, j = np.argwhere(np.isinf(values))[0]
        raise ValueError(
            f"table: infinite value at row {_lab(rows[i])!r}, column {_lab(cols[j])!r}"
        )
    if np.isnan(values).all():
        raise ValueError("table: all values are NaN")
    try:
        format(1.5, fmt)
    except (ValueError, TypeError) as exc:
        raise ValueError(f"fmt: {fmt!r} is not a valid format spec ({exc})") from exc
    if cmap not in mpl.colormaps:
        raise ValueError(f"cmap: {cmap!r} is not a registered matplotlib colormap")
    xlabel = xlabel if xlabel is not None else (str(table.columns.name or "Column"))
    ylabel = ylabel if ylabel is not None else (str(table.index.name or "Row"))
    wrap_at = max(8, int(60 / max(len(cols), 1)))  # ~60 characters across the plot
    col_labels = [_wrap(c, wrap_at) for c in cols]
    col_lines = max(lab.count("\n") + 1 for lab in col_labels)
    with _themed():
        fig, ax = _new_figure(
            _row_height(len(rows), 0.42 if len(rows) <= 12 else 0.32, base=1.5 + 0.15 * col_lines)
        )
        sns.heatmap(
            pd.DataFrame(values, index=[str(r) for r in rows], columns=col_labels),
            ax=ax,
            cmap=cmap,
            annot=True,
            fmt=fmt,
            vmin=vmin,
            vmax=vmax,
            linewidths=0.5,
            linecolor="white",
            cbar_kws={"label": _check_text(cbar_label, "cbar_label")},
            annot_kws={"fontsize": 9},
        )
        ax.tick_params(axis="y", rotation=0)
        ax.tick_params(axis="x", rotation=0)
        if fmt.endswith("%"):  # colour bar in the same unit as the cells
            ax.collections[0].colorbar.ax.yaxis.set_major_formatter(
                PercentFormatter(xmax=1, decimals=0)
            )
        _axis_labels(ax, xlabel, ylabel)
        _title(ax, title)
    return _finish(fig)


# --------------------------------------------------------------------------------------------
# Chart types of the method chapters: verdicts, DEA decomposition, scatter panels, intervals,
# flow diagram
# --------------------------------------------------------------------------------------------
def verdict_figure(
    verdicts: pd.DataFrame,
    labels: dict | None = None,
    *,
    neutral: float = 50.0,
    low_share_threshold: float = 0.25,
    title: str = "",
):
    """Three panels, one row per dimension: the score against the neutral answer, the share of
    low ratings against its threshold, and the leave-one-out gap against 0, each with its
    simultaneous interval.

    A filled square marks an interval wholly on the failing side of the dashed line (below the
    neutral score, above the low-ratings threshold, below a zero gap). Drawn in the house theme;
    greyscale-safe.

    Parameters
    ----------
    verdicts : DataFrame
        From :func:`utils.methods.scoring.dimension_verdicts` (columns ``score, score_low, score_high, low_share,
        low_share_low, low_share_high, gap, gap_low, gap_high``).
    labels : dict, optional
        Dimension id -> label for the axis.
    neutral : float, default 50
    low_share_threshold : float, default 0.25
    title : str

    Returns
    -------
    BookFigure

    Examples
    --------
    >>> v = pd.DataFrame({"score": [46.0, 67.0], "score_low": [43.0, 64.0],
    ...                   "score_high": [49.0, 70.0], "low_share": [0.4, 0.1],
    ...                   "low_share_low": [0.3, 0.05], "low_share_high": [0.5, 0.15],
    ...                   "gap": [-5.0, 15.0], "gap_low": [-8.0, 12.0],
    ...                   "gap_high": [-2.0, 18.0]}, index=["gs", "lc"])
    >>> len(verdict_figure(v).axes)
    3
    """
    need = ["score", "score_low", "score_high", "low_share", "low_share_low", "low_share_high",
            "gap", "gap_low", "gap_high"]  # fmt: skip
    if not isinstance(verdicts, pd.DataFrame) or any(c not in verdicts.columns for c in need):
        raise ValueError(f"verdicts: expected a table with columns {need}")
    if verdicts.empty:
        raise ValueError("verdicts: has no rows")
    labels = labels or {}
    order = verdicts.sort_values("score").index  # lowest at the bottom
    names = [textwrap.fill(str(labels.get(c, c)), 22) for c in order]
    y = np.arange(len(order))
    v = verdicts.loc[order]
    panels = (
        ("score", 1.0, float(neutral), -1, "Score (0-100)\ndashed: neutral answer"),
        ("low_share", 100.0, 100 * float(low_share_threshold), 1,
         "Low ratings (%)\ndashed: threshold"),
        ("gap", 1.0, 0.0, -1, "Gap to the other\ndimensions (points)"),
    )  # fmt: skip
    with mpl.rc_context(house_rc()):
        fig = BookFigure(figsize=(BOOK_WIDTH, 1.9 + 0.55 * len(order)), layout="constrained")
        axes = fig.subplots(1, 3, sharey=True)
        for ax, (col, scale, ref, side, xlabel) in zip(axes, panels, strict=True):
            lo, hi, est = (v[f"{col}_low"] * scale, v[f"{col}_high"] * scale, v[col] * scale)
            fails = ((hi < ref) if side < 0 else (lo > ref)).to_numpy()
            ax.hlines(y, lo, hi, color="0.25", linewidth=2.5)
            ax.scatter(
                est[~fails],
                y[~fails],
                marker="o",
                s=40,
                color="white",
                edgecolor="0.1",
                zorder=3,
                label="interval crosses the line or passes",
            )
            ax.scatter(est[fails], y[fails], marker="s", s=40, color="0.1", zorder=3,
                       label="interval wholly on the failing side")  # fmt: skip
            ax.axvline(ref, color="0.35", linestyle="--", linewidth=1.2)
            ax.set_xlabel(xlabel, fontsize=9)
        axes[0].set_yticks(y, names, fontsize=8.5)
        axes[0].set_ylim(-0.6, len(order) - 0.4)
        seen: dict = {}
        for ax in axes:
            for h, lab in zip(*ax.get_legend_handles_labels(), strict=True):
                seen.setdefault(lab, h)
        fig.legend(list(seen.values()), list(seen), loc="outside lower center", ncols=2,
                   frameon=False, fontsize=8.5)  # fmt: skip
        fig.suptitle(title or "Dimensions against the two standards")
    return fig


def efficiency_figure(table: pd.DataFrame, title: str = ""):
    """Decomposition plot of DEA efficiency: pure technical (x) against scale efficiency (y).

    One labelled point per decision-making unit at ``(BCC, scale)``; since CCR = BCC x scale, the dashed
    curves ``y = c / x`` are iso-CCR lines (c = 0.6, 0.8, 1.0 by default range), so a point's
    position shows both components and the overall score at once. Marker shape by returns to
    scale (greyscale-safe). Drawn in the house theme (:func:`house_rc`).

    Parameters
    ----------
    table : DataFrame
        Index = unit label; columns ``bcc``, ``scale``, ``returns_to_scale`` (from
        :func:`utils.methods.dea.dea`'s ``vrste``, ``scale``, ``returns_to_scale``).
    title : str

    Returns
    -------
    BookFigure

    Examples
    --------
    >>> table = pd.DataFrame({"bcc": [1.0, 0.8, 0.9], "scale": [1.0, 0.9, 0.7],
    ...                       "returns_to_scale": ["constant", "increasing", "decreasing"]},
    ...                      index=["T1", "T2", "T3"])
    >>> len(efficiency_figure(table).axes)
    1
    """
    need = ["bcc", "scale", "returns_to_scale"]
    if not isinstance(table, pd.DataFrame) or any(c not in table.columns for c in need):
        raise ValueError(f"table: expected a table with columns {need}")
    if table.empty:
        raise ValueError("table: has no rows")
    x = table["bcc"].to_numpy(float)
    y = table["scale"].to_numpy(float)

    def _floor(v: np.ndarray) -> float:
        return max(0.0, min(0.9, float(np.floor(v.min() * 20) / 20) - 0.03))

    fx, fy = _floor(x), _floor(y)
    kinds = [k for k in ("constant", "increasing", "decreasing") if k in set(table[need[2]])]
    styles = dict(zip(kinds, series_styles(kinds), strict=True))
    with mpl.rc_context(house_rc()):
        fig = BookFigure(figsize=(BOOK_WIDTH, 5.4), layout="constrained")
        ax = fig.subplots()
        grid = np.linspace(max(fx, 1e-3), 1.0, 400)
        # axes-fraction coordinates of the points, to keep curve labels away from them
        px, py = (x - fx) / (1.02 - fx), (y - fy) / (1.02 - fy)
        for c in np.arange(0.1, 0.999, 0.1):  # CCR 1 is the single point (1, 1)
            ys = c / grid
            keep = (ys >= fy) & (ys <= 1.0)
            if keep.sum() > 1:
                ax.plot(grid[keep], ys[keep], color="0.6", linestyle="--", linewidth=0.8)
                gx_, gy_ = grid[keep], ys[keep]
                fx_, fy_ = (gx_ - fx) / (1.02 - fx), (gy_ - fy) / (1.02 - fy)
                inner = (fx_ > 0.03) & (fx_ < 0.93) & (fy_ > 0.03) & (fy_ < 0.95)
                if not inner.any():
                    continue
                d = np.min(np.hypot(fx_[:, None] - px, fy_[:, None] - py), axis=1)
                i = int(np.argmax(np.where(inner, d, -1.0)))  # emptiest spot on the curve
                ax.annotate(
                    f"CCR {c:.1f}", (gx_[i], gy_[i]), fontsize=7.5, color="0.35",
                    xytext=(3, 3), textcoords="offset points", ha="left",
                    bbox={"boxstyle": "round,pad=0.1", "fc": "white", "ec": "none", "alpha": 0.8},
                )  # fmt: skip
        for k in kinds:
            sel = (table[need[2]] == k).to_numpy()
            st_ = styles[k]
            ax.scatter(
                x[sel], y[sel], marker=st_.marker, color=st_.color, edgecolor="0.1",
                linewidth=0.5, s=40, label=f"{k} returns to scale", zorder=3,
            )  # fmt: skip
        # one label per cluster of (nearly) coincident points: within 1.2 % of both axis spans
        spots: list[tuple[float, float, list[str]]] = []
        for lab, xi, yi in zip(table.index, x, y, strict=True):
            for sx, sy, labs in spots:
                if abs(sx - xi) < 0.012 * (1.02 - fx) and abs(sy - yi) < 0.012 * (1.02 - fy):
                    labs.append(str(lab))
                    break
            else:
                spots.append((xi, yi, [str(lab)]))
        ax.set_xlim(fx, 1.02)
        ax.set_ylim(fy, 1.02)
        fig.legend(loc="outside lower center", ncols=3, frameon=False)
        ax.set_title(title or "Efficiency decomposition")
        ax.set_xlabel("Pure technical efficiency (BCC, 0-1)")
        ax.set_ylabel("Scale efficiency (CCR / BCC, 0-1)")
        _place_labels(fig, ax, spots)
    return fig


def scatter_panels(
    x: pd.DataFrame, y: pd.Series, title: str = "", ylabel: str = "", n_labels: int = 3
):
    """Side-by-side scatter plots of one measure (y) against each column of ``x``, by unit.

    One panel per column of ``x`` (its name is the x-axis label), every unit (row) a point, the
    ``n_labels`` highest and lowest units on y labelled, and as each panel's title Spearman's
    rank correlation :math:`r_s` (a description of the units, e.g. every township of a county,
    a census rather than a sample: no p-value). Drawn in the house theme.

    Parameters
    ----------
    x : DataFrame
        Index = unit label; one numeric column per panel (1 to 3 columns).
    y : Series
        The measure on the vertical axis, same index as ``x``.
    title, ylabel : str
    n_labels : int
        How many units to label at each end of ``y``.

    Returns
    -------
    BookFigure

    Examples
    --------
    >>> x = pd.DataFrame({"funds": [1.0, 2, 3, 4]}, index=["T1", "T2", "T3", "T4"])
    >>> fig = scatter_panels(x, pd.Series([4.0, 3, 2, 1], index=x.index), n_labels=1)
    >>> fig.axes[0].get_title(loc="center")
    'r_s = -1.00'

    """
    if not isinstance(x, pd.DataFrame) or not 1 <= x.shape[1] <= 3:
        raise ValueError("x: expected a DataFrame with 1 to 3 columns (one per panel)")
    if not isinstance(y, pd.Series) or not y.index.equals(x.index):
        raise ValueError("y: expected a Series with the same index as x")
    if len(y) < 3 or not np.isfinite(x.to_numpy(float)).all() or not np.isfinite(y).all():
        raise ValueError("x, y: need at least 3 units (rows) and finite values")
    order = y.sort_values()
    ends = set(order.index[:n_labels]) | set(order.index[len(order) - n_labels :])
    labelled = [t for t in order.index if t in ends]  # a fixed order: reproducible figures
    color = house_palette(1)[0]
    with mpl.rc_context(house_rc()):
        fig = BookFigure(figsize=(BOOK_WIDTH, 3.8), layout="constrained")
        axes = np.atleast_1d(fig.subplots(1, x.shape[1], sharey=True))
        for ax, col in zip(axes, x.columns, strict=True):
            ax.scatter(x[col], y, color=color, edgecolor="0.1", linewidth=0.5, s=30, zorder=3)
            for t in labelled:
                ax.annotate(
                    str(t), (x.loc[t, col], y[t]), fontsize=7.5, xytext=(3, 3),
                    textcoords="offset points",
                )  # fmt: skip
            r = spearmanr(x[col], y).statistic
            ax.set_title(f"r_s = {r:.2f}", fontsize=9.5, fontweight="normal", loc="center")
            ax.set_xlabel("\n".join(textwrap.wrap(str(col), 28)))
            ax.margins(x=0.12, y=0.1)
        axes[0].set_ylabel(ylabel or str(y.name))
        fig.suptitle(title or "Units")
    return fig


def interval_figure(
    table: pd.DataFrame, estimate: str, title: str = "", xlabel: str = "", point: str | None = None
):
    """Dot plot of units ranked by an estimate with its interval (``ci_low``, ``ci_high``).

    Rank 1 (largest estimate) on top; a hollow marker shows a second value per unit
    (``point``, e.g. the uncorrected score next to the bias-corrected one).

    Parameters
    ----------
    table : DataFrame
        Index = unit label; columns ``estimate``, ``ci_low``, ``ci_high`` (and ``point``).
    estimate : str
        Column drawn as the filled dot and used for the order.
    title, xlabel : str
    point : str, optional
        Column drawn as a hollow marker.

    Returns
    -------
    BookFigure

    Examples
    --------
    >>> t = pd.DataFrame({"bc": [0.9, 0.7], "ci_low": [0.8, 0.6], "ci_high": [1.0, 0.8]},
    ...                  index=["T1", "T2"])
    >>> [tick.get_text() for tick in interval_figure(t, "bc").axes[0].get_yticklabels()]
    ['T2', 'T1']
    """
    need = [estimate, "ci_low", "ci_high"] + ([point] if point else [])
    if not isinstance(table, pd.DataFrame) or any(c not in table.columns for c in need):
        raise ValueError(f"table: expected a table with columns {need}")
    if table.empty:
        raise ValueError("table: has no rows")
    t = table.sort_values(estimate, kind="stable")
    pos = np.arange(len(t))
    color = house_palette(1)[0]
    with mpl.rc_context(house_rc()):
        fig = BookFigure(figsize=(BOOK_WIDTH, 1.2 + min(0.24 * len(t), 7.8)), layout="constrained")
        ax = fig.subplots()
        ax.hlines(pos, t["ci_low"], t["ci_high"], color="0.45", linewidth=1.6)
        ax.scatter(t[estimate], pos, color=color, edgecolor="0.1", s=30, zorder=3,
                   label=estimate)  # fmt: skip
        if point:
            ax.scatter(t[point], pos, facecolor="white", edgecolor="0.1", marker="D", s=22,
                       zorder=4, label=point)  # fmt: skip
            fig.legend(loc="outside lower center", ncols=2, frameon=False)
        ax.set_yticks(pos, [str(i) for i in t.index])
        ax.set_ylim(-0.6, len(t) - 0.4)
        ax.set_title(title or "Estimates with intervals")
        ax.set_xlabel(xlabel or estimate)
    return fig


def _place_labels(fig, ax, spots) -> None:
    """Greedy point labelling: try eight offsets per label, keep the first free one.

    Labels are placed longest first.
    A candidate is free when its box stays inside the axes and overlaps neither an already
    placed label nor any plotted point (a 4-px square around each marker centre); when no
    candidate is free the least-overlapping one is used. Hand-written because no maintained
    dependency of the project does label placement (adjustText is not installed).
    """
    renderer = fig._get_renderer()
    fig.draw_without_rendering()
    ax_bb = ax.get_window_extent(renderer)
    pts = ax.transData.transform(np.array([(sx, sy) for sx, sy, _ in spots]))
    marks = [(px - 5, py - 5, px + 5, py + 5) for px, py in pts]
    placed: list[tuple[float, float, float, float]] = []
    cands = [(4, 3, "left", "bottom"), (4, -3, "left", "top"), (-4, 3, "right", "bottom"),
             (-4, -3, "right", "top"), (0, 6, "center", "bottom"), (0, -6, "center", "top"),
             (7, 0, "left", "center"), (-7, 0, "right", "center")]  # fmt: skip

    def overlap(a, b) -> float:
        w = min(a[2], b[2]) - max(a[0], b[0])
        h = min(a[3], b[3]) - max(a[1], b[1])
        return max(w, 0) * max(h, 0)

    longest_first = sorted(range(len(spots)), key=lambda j: -len(", ".join(spots[j][2])))
    for k in longest_first:  # long cluster labels have the fewest free spots: place them first
        sx, sy, labs = spots[k]
        best, best_cost = None, np.inf
        for dx, dy, ha, va in cands:
            t = ax.annotate(", ".join(labs), (sx, sy), xytext=(dx, dy), textcoords="offset points",
                            fontsize=7.5, ha=ha, va=va, gid="efficiency-point-label")  # fmt: skip
            bb = t.get_window_extent(renderer)
            box = (bb.x0, bb.y0, bb.x1, bb.y1)
            outside = (max(ax_bb.x0 - box[0], 0) + max(box[2] - ax_bb.x1, 0)
                       + max(ax_bb.y0 - box[1], 0) + max(box[3] - ax_bb.y1, 0))  # fmt: skip
            cost = (1e3 * outside + sum(overlap(box, p) for p in placed)
                    + sum(overlap(box, m) for j, m in enumerate(marks) if j != k))  # fmt: skip
            if cost < best_cost:
                if best is not None:
                    best.remove()
                best, best_cost = t, cost
            else:
                t.remove()
            if cost == 0:
                break
        bb = best.get_window_extent(renderer)
        placed.append((bb.x0, bb.y0, bb.x1, bb.y1))


def flow_diagram(steps: Sequence[tuple[str, str]], ncols: int = 4, title: str = "") -> Figure:
    """Flow diagram: numbered boxes (title + detail) joined by arrows, e.g. a research design.

    Drawn with plain matplotlib patches (no Graphviz/Mermaid, no network); boxes run left to
    right in rows of ``ncols`` ("snake" order, so each arrow is short), coloured along the
    house cividis palette so that the order survives greyscale printing.

    Parameters
    ----------
    steps : sequence of (title, detail)
        At least two steps; ASCII/Latin text only (no CJK font is installed).
    ncols : int, default 4
    title : str
        Figure title (left-aligned).

    Returns
    -------
    BookFigure

    Examples
    --------
    >>> fig = flow_diagram([("Data", "survey"), ("Model", "logit"), ("Findings", "")])
    >>> len([t for t in fig.axes[0].texts if t.get_gid() == "design-box-text"])
    6
    """
    steps = list(steps)
    if len(steps) < 2:
        raise ValueError(f"steps: need at least two (title, detail) steps, got {len(steps)}")
    for k, s in enumerate(steps):
        if not (isinstance(s, tuple | list) and len(s) == 2 and all(isinstance(x, str) for x in s)):
            raise ValueError(f"steps[{k}]: expected a (title, detail) pair of strings, got {s!r}")
    if isinstance(ncols, bool) or not isinstance(ncols, int) or ncols < 1:
        raise ValueError(f"ncols: expected a positive integer, got {ncols!r}")
    n = len(steps)
    ncols = min(ncols, n)
    nrows = int(np.ceil(n / ncols))
    w, h, gx, gy = 2.3, 1.45, 0.5, 0.6
    pos = []
    for k in range(n):
        r, c = divmod(k, ncols)
        if r % 2 == 1:
            c = ncols - 1 - c
        pos.append((c * (w + gx), -r * (h + gy)))
    colors = house_palette(n)
    with mpl.rc_context(house_rc()):
        # book-column width like every other figure; titles wrap inside their boxes
        data_w = ncols * w + (ncols - 1) * gx + 0.4
        data_h = nrows * h + (nrows - 1) * gy + 0.4
        fig = BookFigure(
            figsize=(BOOK_WIDTH, 0.45 + 0.96 * BOOK_WIDTH * data_h / data_w), layout="constrained"
        )
        ax = fig.add_subplot()
        for k, ((step, detail), (x, y), col) in enumerate(zip(steps, pos, colors, strict=True)):
            light = np.dot(col[:3], [0.2126, 0.7152, 0.0722]) > 0.45
            ax.add_patch(
                FancyBboxPatch(
                    (x, y), w, h, boxstyle="round,pad=0.02,rounding_size=0.12",
                    facecolor=col, edgecolor="0.2", linewidth=0.8,
                )
            )  # fmt: skip
            tc = "0.05" if light else "white"
            ax.text(x + w / 2, y + h * 0.70, f"{k + 1}. {step}", ha="center", va="center",
                    fontsize=9, fontweight="bold", color=tc, gid="design-box-text")  # fmt: skip
            ax.text(x + w / 2, y + h * 0.36, detail, ha="center", va="center", fontsize=7.5,
                    color=tc, gid="design-box-text")  # fmt: skip
        for (x0, y0), (x1, y1) in zip(pos[:-1], pos[1:], strict=True):
            if abs(y0 - y1) < 1e-9:  # same row
                a = (x0 + w, y0 + h / 2) if x1 > x0 else (x0, y0 + h / 2)
                b = (x1, y1 + h / 2) if x1 > x0 else (x1 + w, y1 + h / 2)
            else:
                a, b = (x0 + w / 2, y0), (x1 + w / 2, y1 + h)
            ax.add_patch(
                FancyArrowPatch(a, b, arrowstyle="-|>", mutation_scale=14, color="0.25", lw=1.2)
            )
        xs = [p[0] for p in pos]
        ys = [p[1] for p in pos]
        ax.set_xlim(min(xs) - 0.2, max(xs) + w + 0.2)
        ax.set_ylim(min(ys) - 0.2, max(ys) + h + 0.2)
        ax.set_aspect("equal")
        ax.axis("off")
        ax.set_title(title, loc="left")
        _shrink_to_boxes(fig, ax, w)
    return fig


def _shrink_to_boxes(fig: Figure, ax, box_width: float, min_size: float = 6.5) -> None:
    """Reduce the font of the box texts until the widest fits its box (minus a margin).

    Titles shrink together and details shrink together, so all boxes keep one type size.
    """
    renderer = fig._get_renderer()
    fig.draw_without_rendering()
    room = (ax.transData.transform((box_width, 0)) - ax.transData.transform((0, 0)))[0] * 0.92
    texts = [t for t in ax.texts if t.get_gid() == "design-box-text"]
    for group in (texts[0::2], texts[1::2]):  # titles, details
        while (
            max(t.get_window_extent(renderer).width for t in group) > room
            and group[0].get_fontsize() > min_size
        ):
            for t in group:
                t.set_fontsize(t.get_fontsize() - 0.25)
