"""Tests for utils.study.survey (M County's questionnaire: dimensions, dimension scores, codebook
look-ups) and for chapter 3 following the data folder it is given."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from utils.study import survey as sv
from utils.study.data import DIMENSIONS as DATA_DIMENSIONS
from utils.study.data import load_codebook, load_indicators

REPO = Path(__file__).resolve().parents[1]


# ----------------------------------------------------------------------------------------------
# helpers
# ----------------------------------------------------------------------------------------------
def _full_survey(rows: list[list[float]], index=None) -> pd.DataFrame:
    """Survey with 5 items per dimension; each row gives one value per dimension (all items)."""
    cols = {}
    for j, d in enumerate(DATA_DIMENSIONS):
        for i in range(1, 6):
            cols[f"{d}{i}"] = [r[j] for r in rows]
    return pd.DataFrame(cols, index=index)


# ----------------------------------------------------------------------------------------------
# dimensions: read from the data passed in, never at import
# ----------------------------------------------------------------------------------------------
def test_importing_survey_reads_no_file():
    """With every file reader disabled, the module still imports (nothing is read at import) and
    it keeps no module-level copy of the dimension labels."""
    code = (
        "import builtins, pandas as pd\n"
        "def refuse(*a, **k):\n"
        "    raise AssertionError(f'file read at import time: {a[:1]}')\n"
        "pd.read_csv = refuse\n"
        "builtins.open = refuse\n"
        "import utils.study.survey as sv\n"
        "assert not hasattr(sv, 'DIMENSIONS')\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr


def test_dimension_labels_from_the_indicator_file():
    labels = sv.dimension_labels(load_indicators())
    assert list(labels) == list(DATA_DIMENSIONS)
    assert labels["gs"] == "government services"
    assert labels["lc"] == "living conditions and outcomes"
    assert sv.dimension_labels(REPO / "data") == labels


def test_dimension_labels_follow_a_changed_data_folder(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(REPO / "data", data)
    table = pd.read_csv(data / "indicators.csv", dtype=str, keep_default_na=False)
    table.loc[table["id"] == "gs", "label_en"] = "public services"
    table.to_csv(data / "indicators.csv", index=False)
    assert sv.dimension_labels(data)["gs"] == "public services"
    assert sv.dimension_labels(load_indicators(data))["gs"] == "public services"


def test_dimension_codes_from_the_codebook():
    cb = load_codebook()
    assert sv.dimension_codes(cb) == list(DATA_DIMENSIONS)
    with pytest.raises(ValueError, match="codebook: missing column 'dimension'"):
        sv.dimension_codes(cb.drop(columns="dimension"))
    with pytest.raises(ValueError, match="codebook: no survey column has group 'likert'"):
        sv.dimension_codes(cb[cb["group"] != "likert"])
    with pytest.raises(ValueError, match="codebook: expected a pandas DataFrame, got list"):
        sv.dimension_codes([])


def test_dimension_scores_take_the_dimensions_of_the_codebook():
    """A codebook listing only two dimensions scores those two, in its order."""
    cb = load_codebook()
    keep = cb["dimension"].isna() | cb["dimension"].isin(["lc", "ss"])
    df = _full_survey([[1, 2, 3, 4, 5]])
    out = sv.dimension_scores(df, cb[keep])
    assert list(out.columns) == ["ss", "lc"]
    with pytest.raises(ValueError, match=r"dimensions: \['gs'\] not among \['ss', 'lc'\]"):
        sv.dimension_scores(df, cb[keep], dimensions=["gs"])


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


# ----------------------------------------------------------------------------------------------
# chapter 3 follows its DATA_DIR
# ----------------------------------------------------------------------------------------------
@pytest.mark.slow
def test_chapter_3_shows_the_dimension_labels_of_its_data_folder(tmp_path):
    """Relabel the criteria in a copy of data/ without its truth file and run chapter 3 on it:
    the executed notebook shows the new labels (tables and glued prose) and none of the shipped
    ones, and skips the planted-vs-found ledgers with a note."""
    from tools.run import run

    data = tmp_path / "data"
    shutil.copytree(REPO / "data", data)
    table = pd.read_csv(data / "indicators.csv", dtype=str, keep_default_na=False)
    criteria = table["level"] == "criterion"
    shipped = list(table.loc[criteria, "label_en"])
    new = [f"relabelled dimension {code}" for code in table.loc[criteria, "id"]]
    table.loc[criteria, "label_en"] = new
    table.to_csv(data / "indicators.csv", index=False)
    (data / "truth.json").unlink()  # as with real data: the ledgers must be skipped, with a note

    status = run(only=["03_survey"], data_dir=data, build_dir=tmp_path / "build", build=False)
    assert status == 0
    executed = json.loads(
        (tmp_path / "build" / "executed" / "chapters" / "03_survey.ipynb").read_text()
    )
    texts, glued = [], {}
    for cell in executed["cells"]:
        for out in cell.get("outputs", []):
            values = out.get("data", {})
            text = values.get("text/plain") or values.get("application/papermill.record/text/plain")
            html = values.get("text/html") or ""  # tables for readers are styled HTML
            text = "".join(out.get("text", "")) + "".join(text or "") + "".join(html)
            texts.append(text)
            name = out.get("metadata", {}).get("scrapbook", {}).get("name")
            if name:
                glued[name] = text
    shown = "\n".join(texts)
    for label in new:
        assert label in shown, f"new dimension label {label!r} not shown by chapter 3"
    for label in shipped:
        assert label not in shown, f"shipped label {label!r} still shown by chapter 3"
    assert glued["ch3_weakest"].strip("'") in new
    # no truth file: no planted values, no verdict check, and the prose says so
    assert "no truth file" in glued["ch3_ledger_summary"]
    assert "no truth file" in glued["ch3_verdict_summary"]
    assert "no truth file" in glued["ch3_verdict_check"]
    assert glued["ch3_strongest"].strip("'") in new
    # tables for readers (issue 15): no NaN and no scientific notation in any HTML table
    tables = "\n".join(t for t in texts if "<table" in t)
    assert tables, "chapter 3 shows no HTML table"
    assert "NaN" not in tables and ">nan<" not in tables
    assert "e-0" not in tables
    # every glued figure carries the in-image "Simulated data" mark (glue_figure)
    code = "\n".join("".join(c["source"]) for c in executed["cells"] if c["cell_type"] == "code")
    assert code.count("glue_figure(") >= 3 and "simulated=True" in code


# ----------------------------------------------------------------------------------------------
# planted dimension scores (the ledger's "planted" column)
# ----------------------------------------------------------------------------------------------
def _truth(means, thresholds=(-1.6, -0.7, 0.2, 1.1)):
    return {
        "survey": {"item_thresholds": list(thresholds)},
        "dimensions": [
            {"id": f"d{i}", "latent_mean": m, "weak": m < 0} for i, m in enumerate(means)
        ],
    }


def test_planted_scores_hand_example():
    """mu = 0 with the simulator's thresholds: E[a] - 1 = Phi(1.6) + Phi(0.7) + Phi(-0.2)
    + Phi(-1.1) = 0.945201 + 0.758036 + 0.420740 + 0.135666 (normal table values), times 25."""
    out = sv.planted_dimension_scores(_truth([0.0]))
    by_hand = 25 * (0.945201 + 0.758036 + 0.420740 + 0.135666)
    assert out.loc["d0", "planted_score"] == pytest.approx(by_hand, abs=1e-4)
    # symmetric thresholds around 0 and mu = 0: the neutral answer, 50
    sym = sv.planted_dimension_scores(_truth([0.0], thresholds=(-1.5, -0.5, 0.5, 1.5)))
    assert sym.loc["d0", "planted_score"] == pytest.approx(50.0)
    assert list(out.columns) == ["label", "latent_mean", "planted_score", "weak"]


@settings(max_examples=25, deadline=None)
@given(mu=st.floats(-1.5, 1.5))
def test_planted_scores_match_the_simulators_cutting_rule(mu):
    """Monte Carlo of the simulator's rule (y* ~ N(mu, 1) cut at the thresholds): the mean
    answer on the 0-100 scale agrees with the closed form within 4 Monte Carlo SEs."""
    thresholds = np.array([-1.6, -0.7, 0.2, 1.1])
    rng = np.random.default_rng(1)
    answers = 1 + (rng.normal(mu, 1, 40_000)[:, None] > thresholds).sum(axis=1)
    score = 25 * (answers - 1)
    planted = sv.planted_dimension_scores(_truth([mu])).loc["d0", "planted_score"]
    assert abs(score.mean() - planted) < 4 * score.std() / np.sqrt(score.size)
    assert 0 <= planted <= 100


@settings(max_examples=25, deadline=None)
@given(a=st.floats(-2, 2), b=st.floats(-2, 2))
def test_planted_scores_increase_with_the_latent_mean(a, b):
    out = sv.planted_dimension_scores(_truth([a, b]))["planted_score"]
    if a < b:
        assert out["d0"] <= out["d1"]


def test_planted_scores_validation():
    with pytest.raises(ValueError, match="truth: needs 'dimensions'"):
        sv.planted_dimension_scores({"dimensions": []})
    with pytest.raises(ValueError, match="increasing"):
        sv.planted_dimension_scores(_truth([0.0], thresholds=(1.0, 0.0)))
    with pytest.raises(ValueError, match=r"dimensions\[0\] needs 'id'"):
        sv.planted_dimension_scores({"survey": {"item_thresholds": [0.0]}, "dimensions": [{}]})


def test_planted_scores_of_the_shipped_truth_file():
    """The shipped truth.json: weak dimensions are planted below the strong one."""
    from utils.study.data import load_truth

    truth = load_truth(REPO / "data")
    out = sv.planted_dimension_scores(truth)
    assert set(out.index) == {d["id"] for d in truth["dimensions"]}
    weak, strong = out[out["weak"]], out[~out["weak"]]
    if len(weak) and len(strong):
        assert weak["planted_score"].max() < strong["planted_score"].min()


# ----------------------------------------------------------------------------------------------
# planted county scores (the ledger compares like with like: weighted planted vs weighted estimate)
# ----------------------------------------------------------------------------------------------
def _county_truth(mu=0.0, reg_effect=0.0, loadings=(0.7, 0.75)):
    return {
        "dimensions": [{"id": "gs", "latent_mean": mu, "weak": mu < 0}],
        "townships": {"T01": {"remoteness": 0.5, "funding": 0.0, "cadre_capacity": 0.0}},
        "causes": {},
        "survey": {
            "item_thresholds": [-1.6, -0.7, 0.2, 1.1],
            "loadings": {f"gs{i + 1}": lam for i, lam in enumerate(loadings)},
            "random_effects_sd": {"township": 0.1, "village": 0.12},
            "township_effects_on_dimensions": {"gs": {"remoteness": -0.15}},
            "household_effects_on_dimensions": {"gs": {"registered_poor": reg_effect}},
        },
    }


def _county_survey(weights, registered):
    n = len(weights)
    return pd.DataFrame(
        {
            "township": ["T01"] * n,
            "education": ["none"] * n,
            "age": [56] * n,
            "registered_poor": registered,
            "design_weight": weights,
        }
    )


_EDU_CB = pd.DataFrame(
    {
        "file": ["survey/households.csv"],
        "column": ["education"],
        "group": ["demographics"],
        "allowed": ["none|primary"],
    }
)


def test_county_constants_are_the_simulators():
    from utils.study import simulate

    assert (sv.EDU_CENTRE, sv.EDU_SCALE) == (simulate.EDU_CENTRE, simulate.EDU_SCALE)
    src = Path(simulate.__file__).read_text()
    assert f"age_z = (age - {sv.AGE_CENTRE:g}) / {sv.AGE_SCALE:g}" in src


@settings(max_examples=25, deadline=None)
@given(
    mu=st.floats(-1.5, 1.5),
    weights=st.lists(st.floats(0.5, 50), min_size=4, max_size=4),
)
def test_county_scores_without_effects_equal_the_closed_form(mu, weights):
    """No systematic part: every household has the same expectation, so sample = county =
    25 sum_k Phi(mu - t_k) whatever the weights and loadings."""
    out = sv.planted_county_scores(
        _county_truth(mu), _county_survey(weights, [0, 1, 0, 1]), _EDU_CB
    ).loc["gs"]
    closed = sv.planted_dimension_scores(_truth([mu])).loc["d0", "planted_score"]
    assert out["planted_sample"] == pytest.approx(closed, abs=1e-9)
    assert out["planted_county"] == pytest.approx(closed, abs=1e-9)


@settings(max_examples=25, deadline=None)
@given(scale=st.floats(0.01, 100), effect=st.floats(0.05, 1.0))
def test_county_scores_follow_the_weights(scale, effect):
    """A positive registered effect and weights that down-weight registered households put the
    county below the sample; multiplying every weight by a constant changes nothing."""
    hh = _county_survey([10.0, 10.0, 1.0, 1.0], [0, 0, 1, 1])
    out = sv.planted_county_scores(_county_truth(-0.3, effect), hh, _EDU_CB).loc["gs"]
    assert out["planted_county"] < out["planted_sample"]
    hh2 = hh.assign(design_weight=hh["design_weight"] * scale)
    out2 = sv.planted_county_scores(_county_truth(-0.3, effect), hh2, _EDU_CB).loc["gs"]
    assert out2["planted_county"] == pytest.approx(out["planted_county"], rel=1e-12)


def test_county_scores_monte_carlo():
    """Monte Carlo of the data model (systematic part, random noise, standardisation, cutting):
    the weighted mean answer on the 0-100 scale agrees with the closed form within 0.3 points."""
    rng = np.random.default_rng(5)
    n, lam, mu, effect = 200_000, 0.75, -0.3, 0.8
    reg = (rng.random(n) < 0.4).astype(float)
    raw = effect * reg - 0.15 * 0.5 + rng.normal(0, np.sqrt(1 + 0.1**2 + 0.12**2), n)
    s = (raw - raw.mean()) / raw.std()
    ystar = mu + lam * s + np.sqrt(1 - lam**2) * rng.normal(0, 1, n)
    score = 25 * (ystar[:, None] > np.array([-1.6, -0.7, 0.2, 1.1])).sum(axis=1)
    w = np.where(reg == 1, 1.0, 6.0)
    hh = _county_survey(w, reg.astype(int))
    out = sv.planted_county_scores(_county_truth(mu, effect, (lam,)), hh, _EDU_CB).loc["gs"]
    assert out["planted_county"] == pytest.approx((w * score).sum() / w.sum(), abs=0.3)
    assert out["planted_sample"] == pytest.approx(score.mean(), abs=0.3)


def test_county_scores_of_the_shipped_data():
    """Unweighted, the conditional form reproduces the closed form of the sample's planted score
    (within 0.1 points); weighting moves it by the composition effect (less than 2 points)."""
    from utils.study.data import load_survey, load_truth

    truth = load_truth(REPO / "data")
    out = sv.planted_county_scores(truth, load_survey(REPO / "data"), load_codebook(REPO / "data"))
    closed = sv.planted_dimension_scores(truth)["planted_score"]
    assert (out["planted_sample"] - closed).abs().max() < 0.1
    assert (out["planted_county"] - out["planted_sample"]).abs().max() < 2.0
    assert list(out.columns) == ["label", "weak", "planted_sample", "planted_county"]


def test_county_scores_validation():
    hh = _county_survey([1.0, 2.0], [0, 1])
    with pytest.raises(ValueError, match="missing column"):
        sv.planted_county_scores(_county_truth(), hh.drop(columns="age"), _EDU_CB)
    with pytest.raises(ValueError, match="positive weights"):
        sv.planted_county_scores(_county_truth(), hh.assign(design_weight=[0.0, 1.0]), _EDU_CB)
    with pytest.raises(ValueError, match="not in truth.json"):
        sv.planted_county_scores(_county_truth(), hh.assign(township=["T09", "T01"]), _EDU_CB)
    with pytest.raises(ValueError, match="row 1 has 'college'"):
        sv.planted_county_scores(_county_truth(), hh.assign(education=["none", "college"]), _EDU_CB)
    with pytest.raises(ValueError, match="need key"):
        sv.planted_county_scores({"dimensions": []}, hh, _EDU_CB)
