"""Tests for utils.survey (household-survey helpers of chapter 3)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from utils import survey as sv
from utils.data import DIMENSIONS as DATA_DIMENSIONS
from utils.data import load_codebook


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
