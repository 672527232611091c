"""Tests for utils.study.background (chapter 1) and the content tables of ``book/content/``.

Expected values come from the policy documents the tables paraphrase: the 2015 Decision
(``cpc2015decision``: four links of the precision mechanism, the "five batches", the two
no-worries and three guarantees), the 2016 assessment measures (``gov2016assessment``: four
parts) and the 2016 exit opinions (``gov2016exit``: incidence below 2 % in central and eastern
provinces, error rates below 2 %, recognition above 90 %).
"""

from __future__ import annotations

import re

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from utils import plots
from utils.study import background as B

FAST = settings(max_examples=50, deadline=None)


@pytest.fixture(scope="module")
def content(repo):
    return repo / "book" / "content"


# --------------------------------------------------------------------------------------------
# Content tables
# --------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("name", "columns", "rows", "source"),
    [
        ("policy_mechanism.csv", ["link", "Chinese"], 4, "cpc2015decision"),
        ("policy_five_batches.csv", ["batch", "Chinese"], 5, "cpc2015decision"),
        ("policy_two_three.csv", ["standard", "Chinese", "kind"], 5, "cpc2015decision"),
        ("policy_assessment.csv", ["part", "Chinese"], 4, "gov2016assessment"),
        ("county_exit_criteria.csv", ["criterion", "direction", "threshold"], 4, "gov2016exit"),
    ],
)
def test_policy_tables_match_their_documents(content, name, columns, rows, source):
    df = B.content_table(content / name, columns)
    assert len(df) == rows
    assert set(df["source"]) == {source}
    assert list(df.index) == list(range(1, rows + 1))


def test_policy_sources_are_in_the_bibliography(content, repo):
    bib = (repo / "book" / "references.bib").read_text(encoding="utf-8")
    keys = set(re.findall(r"@\w+\{([^,]+),", bib))
    for name in ("policy_mechanism", "policy_five_batches", "policy_two_three", "policy_assessment",
                 "county_exit_criteria"):  # fmt: skip
        sources = set(B.content_table(content / f"{name}.csv")["source"])
        assert sources <= keys, f"{name}: sources {sources - keys} are not in references.bib"


def test_exit_criteria_thresholds(content):
    ex = B.content_table(content / "county_exit_criteria.csv", ["direction", "threshold"])
    assert ex["direction"].tolist() == ["below", "below", "below", "above"]
    assert ex["threshold"].astype(float).tolist() == [2.0, 2.0, 2.0, 90.0]


def test_every_content_file_names_its_sources(content):
    files = sorted(content.glob("*.csv"))
    assert len(files) >= 8
    for f in files:
        assert (B.content_table(f)["source"].str.strip() != "").all()


def test_content_table_validation(tmp_path):
    with pytest.raises(ValueError, match=r"missing\.csv: content file not found"):
        B.content_table(tmp_path / "missing.csv")
    f = tmp_path / "t.csv"
    f.write_text("link,source\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"t\.csv: has no rows"):
        B.content_table(f)
    f.write_text("link\nA\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"t\.csv: missing column\(s\) \['source'\]"):
        B.content_table(f)
    f.write_text("link,source\nA,x\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"t\.csv: missing column\(s\) \['Chinese'\]"):
        B.content_table(f, ["Chinese"])
    f.write_text("link,source\nA,x\nB,\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"t\.csv: row 3 has an empty 'source'"):
        B.content_table(f)


@FAST
@given(
    st.lists(
        st.tuples(
            st.text(st.characters(codec="utf-8", exclude_categories=["Cs", "Cc"]), min_size=1),
            st.text(st.characters(codec="ascii", categories=["L", "N"]), min_size=1),
        ),
        min_size=1,
        max_size=6,
    )
)
def test_content_table_round_trip(tmp_path_factory, rows):
    """Whatever text a row holds (commas, quotes, CJK), it comes back verbatim, numbered from 1."""
    f = tmp_path_factory.mktemp("content") / "t.csv"
    pd.DataFrame(rows, columns=["text", "source"]).to_csv(f, index=False)
    df = B.content_table(f, ["text"])
    assert list(zip(df["text"], df["source"], strict=True)) == rows
    assert list(df.index) == list(range(1, len(rows) + 1))


# --------------------------------------------------------------------------------------------
# Research design figure
# --------------------------------------------------------------------------------------------
def test_flow_diagram_draws_one_box_per_step(content):
    from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

    design = B.content_table(content / "research_design.csv", ["step", "detail"])
    steps = list(design[["step", "detail"]].itertuples(index=False, name=None))
    fig = plots.flow_diagram(steps, title="Design")
    ax = fig.axes[0]
    boxes = [p for p in ax.patches if isinstance(p, FancyBboxPatch)]
    arrows = [p for p in ax.patches if isinstance(p, FancyArrowPatch)]
    assert len(boxes) == len(steps) and len(arrows) == len(steps) - 1
    assert f"1. {steps[0][0]}" in [t.get_text() for t in ax.texts]
    assert ax.get_title(loc="left") == "Design"


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"steps": [("a", "b")]}, r"steps: need at least two \(title, detail\) steps, got 1"),
        ({"steps": [("a", "b"), ("c",)]}, r"steps\[1\]: expected a \(title, detail\) pair"),
        ({"steps": [("a", "b"), ("c", "d")], "ncols": 0}, r"ncols: expected a positive integer"),
    ],
)
def test_flow_diagram_validation(kwargs, match):
    with pytest.raises(ValueError, match=match):
        plots.flow_diagram(**kwargs)


# --------------------------------------------------------------------------------------------
# Policy timeline 2013-2021 (issue 14, item 6)
# --------------------------------------------------------------------------------------------
def _bib_entries(repo) -> dict[str, str]:
    """Entry key -> entry text, from references.bib and the chapter-1 entries awaiting merge."""
    text = ""
    for name in ("references.bib", "references_ch1.bib.txt"):
        f = repo / "book" / name
        if f.is_file():
            text += f.read_text(encoding="utf-8") + "\n"
    return {m[1]: m[2] for m in re.finditer(r"@\w+\{([^,\s]+),(.*?)\n\}", text, re.S)}


def test_policy_timeline_covers_the_institutions(content):
    tl = B.policy_timeline(content / "policy_timeline.csv")
    chinese = " ".join(tl["Chinese"])
    for term in ("精准扶贫", "建档立卡", "打赢脱贫攻坚战的决定", "扶贫开发工作成效考核办法",
                 "贫困退出机制", "解决相对贫困的长效机制", "过渡期", "四个不摘", "防止返贫动态监测",
                 "脱贫不稳定户", "边缘易致贫户", "国家乡村振兴局"):  # fmt: skip
        assert term in chinese, f"the timeline has no event for {term}"
    assert tl["year"].min() == 2013 and tl["year"].max() == 2021
    assert tl["url"].is_unique


def test_policy_timeline_sources_are_bib_entries_with_the_same_url(content, repo):
    """Every event's key is a BibTeX entry (here or awaiting merge) whose url is the row's url."""
    entries = _bib_entries(repo)
    tl = B.policy_timeline(content / "policy_timeline.csv")
    for _, row in tl.iterrows():
        assert row["source"] in entries, f"{row['source']}: no BibTeX entry"
        m = re.search(r"url\s*=\s*\{([^}]*)\}", entries[row["source"]])
        assert m and m[1] == row["url"], f"{row['source']}: bib url differs from the timeline's"


_ROW = "2016-04,Exit rules,关于建立贫困退出机制的意见,https://example.org/x,k\n"


@pytest.mark.parametrize(
    ("row", "match"),
    [
        ("2016-13,E,中,https://example.org/x,k\n", r"row 3, column 'date': '2016-13' is not YYYY"),
        ("1899,E,中,https://example.org/x,k\n", r"row 3, column 'date': '1899' is outside"),
        ("2020-2017,E,中,https://example.org/x,k\n", r"row 3, column 'date': range '2020-2017'"),
        ("2017, ,中,https://example.org/x,k\n", r"row 3, column 'event': empty"),
        ("2017,E, ,https://example.org/x,k\n", r"row 3, column 'Chinese': empty"),
        ("2017,E,中,www.gov.cn/x,k\n", r"row 3, column 'url': 'www.gov.cn/x' is not an absolute"),
        ("2015,E,中,https://example.org/x,k\n", r"row 3, column 'date': '2015' comes before"),
    ],
)
def test_policy_timeline_validation(tmp_path, row, match):
    f = tmp_path / "timeline.csv"
    f.write_text("date,event,Chinese,url,source\n" + _ROW + row, encoding="utf-8")
    with pytest.raises(ValueError, match=r"timeline\.csv: " + match):
        B.policy_timeline(f)


@FAST
@given(
    st.lists(
        st.tuples(st.integers(1900, 2099), st.sampled_from(["", "-01", "-12", "-06", "range"])),
        min_size=1,
        max_size=8,
    )
)
def test_policy_timeline_accepts_sorted_dates_and_rejects_disorder(tmp_path_factory, dates):
    texts = [f"{y}-{min(y + 1, 2099)}" if s == "range" and y < 2099 else f"{y}{s if s != 'range' else ''}"
             for y, s in dates]  # fmt: skip
    rows = [f"{d},E,中,https://example.org/{k},k{k}\n" for k, d in enumerate(texts)]
    f = tmp_path_factory.mktemp("tl") / "timeline.csv"
    f.write_text("date,event,Chinese,url,source\n" + "".join(rows), encoding="utf-8")
    starts = [y for y, _ in dates]
    if starts == sorted(starts):
        assert B.policy_timeline(f)["year"].tolist() == starts
    else:
        with pytest.raises(ValueError, match="chronological order"):
            B.policy_timeline(f)
