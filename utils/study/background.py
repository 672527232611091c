"""Chapter 1 helpers: policy tables, national series, relative lines, township exits, design diagram.

The policy tables are small documented constants paraphrasing China's central policy documents
(cited by their keys in ``book/references.bib``); they are not data about M County. The national
series come from ``data/background/`` (REAL, NBS as reported by the outlets in its ``source``
column); the township panel is SIMULATED (``utils.study.simulate``, see ``data/README.md``).

References
----------
CPC Central Committee & State Council (2015). *Decision on Winning the Tough Battle against
Poverty* (``cpc2015decision``).
General Offices of the CPC Central Committee & State Council (2016). *Opinions on Establishing a
Poverty Exit Mechanism* (``gov2016exit``) and *Measures for Assessing the Poverty-Alleviation
Results of Provincial Party Committees and Governments* (``gov2016assessment``).
Ravallion, M. (2016). *The Economics of Poverty*. Oxford University Press (relative lines).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import matplotlib as mpl
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

from utils.methods._validation import as_float_vector, check_in_range
from utils.plots import BOOK_WIDTH, BookFigure, house_palette, house_rc

__all__ = [
    "POLICY_TABLES",
    "COUNTY_EXIT_CRITERIA",
    "COUNTY_CONTEXT",
    "DESIGN_STEPS",
    "policy_table",
    "exit_criteria_table",
    "county_context_table",
    "relative_poverty_lines",
    "NationalSummary",
    "national_summary",
    "county_incidence",
    "township_exit_years",
    "townships_below",
    "research_design_figure",
]

# --------------------------------------------------------------------------------------------
# Policy tables (constants with their sources)
# --------------------------------------------------------------------------------------------
#: Each table: (columns, rows, source key in references.bib). Paraphrases, not quotations.
POLICY_TABLES: dict[str, tuple[tuple[str, ...], tuple[tuple[str, ...], ...], str]] = {
    # The four links of the precision mechanism (精准识别、精准帮扶、精准管理、精准考核), set out
    # in the 2014 work-mechanism plan and made national policy by the 2015 Decision.
    "mechanism": (
        ("link", "Chinese", "what it means in practice"),
        (
            (
                "Precise identification",
                "精准识别",
                "Register every poor household and village (建档立卡) by income and the "
                "two no-worries, three guarantees, through household application, village "
                "appraisal and public notice",
            ),
            (
                "Precise assistance",
                "精准帮扶",
                "A cause-specific plan per household, with assigned cadres and village work "
                "teams (驻村工作队) and a first secretary in each poor village",
            ),
            (
                "Precise management",
                "精准管理",
                "Dynamic updating of the register: households enter and exit as their "
                "situation changes; funds and projects tracked to the household",
            ),
            (
                "Precise assessment",
                "精准考核",
                "Results-based assessment of local Party committees and governments, with "
                "third-party evaluation and exit checks",
            ),
        ),
        "cpc2015decision",
    ),
    # 五个一批 (the "five batches"), 2015 Decision.
    "five_batches": (
        ("batch", "Chinese", "instrument"),
        (
            (
                "Developing production",
                "发展生产脱贫一批",
                "Local industries, cooperatives, e-commerce, employment and transfer of labour",
            ),
            (
                "Relocation",
                "易地搬迁脱贫一批",
                "Moving households out of places where living conditions cannot be fixed",
            ),
            (
                "Ecological compensation",
                "生态补偿脱贫一批",
                "Eco-compensation payments and forest-ranger jobs for poor residents",
            ),
            (
                "Education",
                "发展教育脱贫一批",
                "Education subsidies and vocational training to stop poverty passing on",
            ),
            (
                "Social security",
                "社会保障兜底一批",
                "Minimum-living allowance, medical insurance and assistance as the safety net",
            ),
        ),
        "cpc2015decision",
    ),
    # 两不愁三保障, the household exit standard of the 2015 Decision (with income above the line).
    "two_three": (
        ("standard", "Chinese", "kind"),
        (
            ("No worries about food", "不愁吃", "no worry"),
            ("No worries about clothing", "不愁穿", "no worry"),
            ("Compulsory education guaranteed", "义务教育有保障", "guarantee"),
            ("Basic medical care guaranteed", "基本医疗有保障", "guarantee"),
            ("Safe housing guaranteed", "住房安全有保障", "guarantee"),
        ),
        "cpc2015decision",
    ),
    # The four parts of the official assessment (2016 measures).
    "assessment": (
        ("part", "Chinese", "what was measured"),
        (
            (
                "Poverty-reduction results",
                "减贫成效",
                "Fall in the registered poor population, poor counties exited, income growth "
                "of rural residents in poor areas",
            ),
            (
                "Accuracy of identification",
                "精准识别",
                "Accuracy of identifying the poor and of exits (wrongly included, missed, "
                "wrongly exited)",
            ),
            (
                "Accuracy of assistance",
                "精准帮扶",
                "Satisfaction of the assisted households with the assistance they received",
            ),
            (
                "Use of poverty funds",
                "扶贫资金",
                "Performance of the use of poverty-alleviation funds",
            ),
        ),
        "gov2016assessment",
    ),
}

#: County exit test (threshold, direction, unit, note). Source: ``gov2016exit``; the error-rate
#: and recognition checks belong to the exit assessment it set up (public context of the book).
COUNTY_EXIT_CRITERIA: tuple[tuple[str, str, float, str, str], ...] = (
    (
        "Poverty incidence",
        "<",
        2.0,
        "% of the rural population",
        "central and eastern provinces, Hebei included (a looser threshold applied in the west)",
    ),
    ("Wrongly exited households", "<", 2.0, "% of exited households", "sample check"),
    ("Missed poor households", "<", 2.0, "% of households", "sample check"),
    ("Residents recognising the exit", ">", 90.0, "% of residents", "sample survey"),
)

#: Public context for the anonymised "M County" (medium confidence; from the project's shared
#: public-data README, Hebei provincial reporting and county-level public sources).
COUNTY_CONTEXT: tuple[tuple[str, str], ...] = (
    ("Location", "Qinhuangdao prefecture, northern Hebei (mountainous)"),
    ("Inhabitants", "about 541,000 (about 450,000 rural)"),
    ("Administrative units", "25 townships, 396 administrative villages"),
    ("Ethnic composition", "Manchu about 68.6 %"),
    ("Poverty status", "national key county for poverty alleviation since 2001"),
    ("Exit", "approved to exit in the second 2017 batch (announced 2018-10-17)"),
    ("Main poverty-alleviation industry", "chestnut growing (about 0.94-1.0 million mu)"),
    (
        "Province",
        "Hebei: 62 poor counties (45 national-level); incidence fell from 9.84 % (2014) to "
        "0.78 % (2019)",
    ),
)

#: Steps of the thesis' research design (drawn by :func:`research_design_figure`).
DESIGN_STEPS: tuple[tuple[str, str], ...] = (
    ("Literature and policy", "theory (4E, assessment),\npolicy documents"),
    ("Indicator system", "goal -> criteria ->\nindicators"),
    ("Field investigation", "household survey, experts,\ntownship statistics"),
    ("Weights", "AHP (experts),\nentropy / CRITIC"),
    ("Performance scores", "fuzzy evaluation,\nTOPSIS, grey relations"),
    ("Problems and causes", "weak dimensions,\nattribution models"),
    ("Countermeasures", "relative poverty and\nrural revitalization"),
)


def policy_table(name: str) -> pd.DataFrame:
    """One of the policy tables in :data:`POLICY_TABLES` as a DataFrame.

    Parameters
    ----------
    name : {"mechanism", "five_batches", "two_three", "assessment"}

    Returns
    -------
    pd.DataFrame
        The table's columns; ``attrs["source"]`` holds the references.bib key of the
        policy document it paraphrases.
    """
    if name not in POLICY_TABLES:
        raise ValueError(
            f"name: unknown policy table {name!r}; choose one of {list(POLICY_TABLES)}"
        )
    cols, rows, source = POLICY_TABLES[name]
    df = pd.DataFrame(list(rows), columns=list(cols))
    df.index = pd.RangeIndex(1, len(df) + 1)
    df.attrs["source"] = source
    return df


def exit_criteria_table() -> pd.DataFrame:
    """County exit criteria (:data:`COUNTY_EXIT_CRITERIA`) with a readable rule column.

    Returns
    -------
    pd.DataFrame
        Columns ``criterion, rule, threshold, unit, note``; ``attrs["source"] = "gov2016exit"``.
    """
    df = pd.DataFrame(
        list(COUNTY_EXIT_CRITERIA), columns=["criterion", "rule", "threshold", "unit", "note"]
    )
    df["rule"] = [
        f"{'below' if r == '<' else 'above'} {t:g} %"
        for r, t in zip(df["rule"], df["threshold"], strict=True)
    ]
    df.attrs["source"] = "gov2016exit"
    return df


def county_context_table() -> pd.DataFrame:
    """Public context of the anonymised M County (:data:`COUNTY_CONTEXT`; medium confidence)."""
    return pd.DataFrame(
        list(COUNTY_CONTEXT), columns=["item", "public context (medium confidence)"]
    )


# --------------------------------------------------------------------------------------------
# National series and relative lines
# --------------------------------------------------------------------------------------------
def relative_poverty_lines(
    median: pd.Series, shares: Sequence[float] = (0.4, 0.5, 0.6)
) -> pd.DataFrame:
    """Relative poverty lines as fixed shares of a published median income.

    ``z_s(t) = s * median(t)`` for each share ``s`` (the OECD/EU practice uses 40, 50 or 60 % of
    the median; Ravallion 2016, ch. 4; Haughton & Khandker 2009, ch. 3).
    :func:`utils.methods.poverty.relative_poverty_line` computes the median from microdata; this
    function is for a *published* median (e.g. NBS's rural median disposable income), so it is
    a plain multiplication. Missing medians stay missing.

    Parameters
    ----------
    median : pd.Series
        Median income per year (index = year), NaN allowed.
    shares : sequence of floats in (0, 1], default (0.4, 0.5, 0.6)

    Returns
    -------
    pd.DataFrame
        Index as ``median``; one column per share named ``"<100 s>% of median"``.

    References
    ----------
    Ravallion, M. (2016). *The Economics of Poverty*. Oxford University Press.
    Haughton, J. & Khandker, S. R. (2009). *Handbook on Poverty and Inequality*. World Bank.
    """
    if not isinstance(median, pd.Series):
        raise ValueError("median: expected a pandas Series indexed by year")
    m, _ = as_float_vector(median, "median", allow_nan=True)
    if np.any(m[~np.isnan(m)] <= 0) or np.any(np.isinf(m)):
        i = int(np.flatnonzero((m <= 0) | np.isinf(m))[0])
        raise ValueError(
            f"median: incomes must be positive and finite, got {m[i]:g} at {median.index[i]}"
        )
    s, _ = as_float_vector(list(shares), "shares")
    if s.size == 0 or np.any(~np.isfinite(s)) or np.any((s <= 0) | (s > 1)):
        raise ValueError(f"shares: every share must lie in (0, 1], got {list(shares)}")
    out = pd.DataFrame({f"{100 * k:g}% of median": m * k for k in s}, index=median.index.copy())
    return out


@dataclass(frozen=True)
class NationalSummary:
    """Headline facts computed from the national series (REAL, NBS via the sources named).

    Attributes
    ----------
    first_year, last_year : int
        First and last year with an observed number of rural poor.
    poor_first, poor_last : float
        Rural poor in those years (10,000 persons).
    incidence_first, incidence_last : float
        Poverty incidence (%) in those years.
    lifted : float
        ``poor_first - poor_last`` (10,000 persons).
    median_to_mean : pd.Series
        Rural median / mean disposable income, for years where both are published.
    poor_areas_to_mean : pd.Series
        Poor-areas' mean rural income / national rural mean income, where both are published.
    """

    first_year: int
    last_year: int
    poor_first: float
    poor_last: float
    incidence_first: float
    incidence_last: float
    lifted: float
    median_to_mean: pd.Series
    poor_areas_to_mean: pd.Series


_BG_COLS = (
    "year",
    "rural_poor_10k_persons",
    "poverty_incidence_pct",
    "rural_disposable_income_mean_yuan",
    "rural_disposable_income_median_yuan",
    "poor_areas_rural_disposable_income_mean_yuan",
)


def national_summary(background: pd.DataFrame) -> NationalSummary:
    """Headline facts of the national series (``utils.study.data.load_background``).

    Parameters
    ----------
    background : pd.DataFrame
        Columns ``year, rural_poor_10k_persons, poverty_incidence_pct,
        rural_disposable_income_mean_yuan, rural_disposable_income_median_yuan,
        poor_areas_rural_disposable_income_mean_yuan``; missing figures as NaN.

    Returns
    -------
    NationalSummary
    """
    if not isinstance(background, pd.DataFrame):
        raise ValueError("background: expected the DataFrame from utils.study.data.load_background")
    miss = [c for c in _BG_COLS if c not in background.columns]
    if miss:
        raise ValueError(f"background: missing column(s) {miss}")
    bg = background.copy()
    bg["year"] = pd.to_numeric(bg["year"]).astype(int)
    bg = bg.set_index("year").sort_index()
    num = bg[list(_BG_COLS[1:])].apply(pd.to_numeric, errors="coerce").astype(float)
    poor = num[["rural_poor_10k_persons", "poverty_incidence_pct"]].dropna()
    if len(poor) < 2:
        raise ValueError(
            "background: need at least two years with both rural_poor_10k_persons and "
            "poverty_incidence_pct observed"
        )
    y0, y1 = int(poor.index[0]), int(poor.index[-1])
    mean = num["rural_disposable_income_mean_yuan"]
    return NationalSummary(
        first_year=y0,
        last_year=y1,
        poor_first=float(poor.at[y0, "rural_poor_10k_persons"]),
        poor_last=float(poor.at[y1, "rural_poor_10k_persons"]),
        incidence_first=float(poor.at[y0, "poverty_incidence_pct"]),
        incidence_last=float(poor.at[y1, "poverty_incidence_pct"]),
        lifted=float(poor.at[y0, "rural_poor_10k_persons"] - poor.at[y1, "rural_poor_10k_persons"]),
        median_to_mean=(num["rural_disposable_income_median_yuan"] / mean).dropna(),
        poor_areas_to_mean=(num["poor_areas_rural_disposable_income_mean_yuan"] / mean).dropna(),
    )


# --------------------------------------------------------------------------------------------
# Township panel (SIMULATED)
# --------------------------------------------------------------------------------------------
def _check_panel(panel: pd.DataFrame, need: Sequence[str]) -> pd.DataFrame:
    if not isinstance(panel, pd.DataFrame):
        raise ValueError("panel: expected the DataFrame from utils.study.data.load_township_panel")
    miss = [c for c in need if c not in panel.columns]
    if miss:
        raise ValueError(f"panel: missing column(s) {miss}")
    if panel.empty:
        raise ValueError("panel: has no rows")
    return panel


def county_incidence(panel: pd.DataFrame) -> pd.Series:
    """County poverty incidence per year, population-weighted over townships.

    ``H_t = 100 * sum_i poor_it / sum_i pop_it`` (registered poor not yet exited over rural
    population), i.e. the county's own incidence, not the unweighted mean of township rates.

    Parameters
    ----------
    panel : pd.DataFrame
        Columns ``year, registered_poor, rural_population``.

    Returns
    -------
    pd.Series
        Percent, indexed by year, named ``"county_incidence_pct"``.
    """
    p = _check_panel(panel, ["year", "registered_poor", "rural_population"])
    pop = pd.to_numeric(p["rural_population"], errors="coerce")
    if (pop <= 0).any() or pop.isna().any():
        i = int(np.flatnonzero(((pop <= 0) | pop.isna()).to_numpy())[0])
        raise ValueError(
            f"panel: rural_population must be positive, got {p['rural_population'].iloc[i]} "
            f"in row {p.index[i]}"
        )
    g = p.assign(rural_population=pop).groupby("year")[["registered_poor", "rural_population"]]
    s = g.sum()
    out = 100 * s["registered_poor"].astype(float) / s["rural_population"].astype(float)
    out.index = out.index.astype(int)
    out.name = "county_incidence_pct"
    return out


def township_exit_years(panel: pd.DataFrame, threshold: float = 2.0) -> pd.DataFrame:
    """First year in which each township's poverty incidence fell below ``threshold`` percent.

    The county exit rule (:data:`COUNTY_EXIT_CRITERIA`) applied, as an illustration, to each
    township: ``exit_year_i = min{t : H_it < threshold}`` (NaN if never).

    Parameters
    ----------
    panel : pd.DataFrame
        Columns ``township, year, poverty_incidence_pct``.
    threshold : float in (0, 100], default 2.0

    Returns
    -------
    pd.DataFrame
        Index ``township``; columns ``first_year_incidence_pct`` (first panel year),
        ``peak_incidence_pct`` and ``below_threshold_from`` (year, ``Int64``, NA if never).
    """
    t = check_in_range(threshold, "threshold", 0, 100, low_open=True)
    p = _check_panel(panel, ["township", "year", "poverty_incidence_pct"]).copy()
    p["year"] = pd.to_numeric(p["year"]).astype(int)
    p = p.sort_values(["township", "year"])
    rows = {}
    for town, g in p.groupby("township", sort=True):
        h = pd.to_numeric(g["poverty_incidence_pct"], errors="coerce").to_numpy(float)
        yrs = g["year"].to_numpy()
        below = yrs[h < t]
        rows[town] = (h[0], np.nanmax(h), int(below.min()) if below.size else pd.NA)
    out = pd.DataFrame.from_dict(
        rows,
        orient="index",
        columns=["first_year_incidence_pct", "peak_incidence_pct", "below_threshold_from"],
    )
    out["below_threshold_from"] = out["below_threshold_from"].astype("Int64")
    out.index.name = "township"
    return out


def townships_below(panel: pd.DataFrame, threshold: float = 2.0) -> pd.Series:
    """Share of townships (in %) with poverty incidence below ``threshold`` percent, by year.

    Returns
    -------
    pd.Series
        Percent of townships observed that year, indexed by year.
    """
    t = check_in_range(threshold, "threshold", 0, 100, low_open=True)
    p = _check_panel(panel, ["township", "year", "poverty_incidence_pct"])
    h = pd.to_numeric(p["poverty_incidence_pct"], errors="coerce")
    out = 100 * (h < t).groupby(pd.to_numeric(p["year"]).astype(int)).mean()
    out.name = "townships_below_pct"
    return out


# --------------------------------------------------------------------------------------------
# Research design diagram
# --------------------------------------------------------------------------------------------
def research_design_figure(
    steps: Sequence[tuple[str, str]] = DESIGN_STEPS, ncols: int = 4
) -> Figure:
    """Flow diagram of the research design: boxes (title + detail) joined by arrows.

    Drawn with plain matplotlib patches (no Graphviz/Mermaid, no network); boxes run left to
    right in rows of ``ncols`` ("snake" order, so each arrow is short), coloured along the
    house cividis palette so that the order survives greyscale printing.

    Parameters
    ----------
    steps : sequence of (title, detail)
        At least two steps; ASCII/Latin text only (no CJK font is installed).
    ncols : int, default 4

    Returns
    -------
    matplotlib.figure.Figure (``utils.plots.BookFigure``)
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
        for k, ((title, detail), (x, y), col) in enumerate(zip(steps, pos, colors, strict=True)):
            light = np.dot(col[:3], [0.2126, 0.7152, 0.0722]) > 0.45
            ax.add_patch(
                FancyBboxPatch(
                    (x, y), w, h, boxstyle="round,pad=0.02,rounding_size=0.12",
                    facecolor=col, edgecolor="0.2", linewidth=0.8,
                )
            )  # fmt: skip
            tc = "0.05" if light else "white"
            ax.text(x + w / 2, y + h * 0.70, f"{k + 1}. {title}", ha="center", va="center",
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
        ax.set_title("Research design of the thesis (and of this book)", loc="left")
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
