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
def test_research_design_figure_draws_one_box_per_step(content):
    from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

    design = B.content_table(content / "research_design.csv", ["step", "detail"])
    steps = list(design[["step", "detail"]].itertuples(index=False, name=None))
    fig = B.research_design_figure(steps)
    ax = fig.axes[0]
    boxes = [p for p in ax.patches if isinstance(p, FancyBboxPatch)]
    arrows = [p for p in ax.patches if isinstance(p, FancyArrowPatch)]
    assert len(boxes) == len(steps) and len(arrows) == len(steps) - 1
    assert f"1. {steps[0][0]}" in [t.get_text() for t in ax.texts]


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"steps": [("a", "b")]}, r"steps: need at least two \(title, detail\) steps, got 1"),
        ({"steps": [("a", "b"), ("c",)]}, r"steps\[1\]: expected a \(title, detail\) pair"),
        ({"steps": [("a", "b"), ("c", "d")], "ncols": 0}, r"ncols: expected a positive integer"),
    ],
)
def test_research_design_figure_validation(kwargs, match):
    with pytest.raises(ValueError, match=match):
        B.research_design_figure(**kwargs)
