"""Tests for utils.study.simulate: reproducibility, planted structure, calibration, expert matrices.

All survey/expert/township data are SIMULATED; these tests check that the generator plants
the structure the chapters are meant to find (reliability, factor structure, weak dimensions,
one inconsistent expert) and that it regenerates the committed files byte for byte.
"""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import numpy as np
import pandas as pd
import pingouin as pg
import pytest
from factor_analyzer import FactorAnalyzer
from hypothesis import given, settings
from hypothesis import strategies as st

from utils.study import data as D
from utils.study import simulate as S

DATA = Path(__file__).resolve().parents[1] / "data"


@pytest.fixture(scope="module")
def survey() -> pd.DataFrame:
    return D.load_survey()


def test_regenerates_committed_files_byte_for_byte(tmp_path):
    written = S.write_dataset(tmp_path, seed=20201231, n_households=700)
    rels = sorted(str(p.relative_to(tmp_path)) for p in written)
    assert "survey/households.csv" in rels and "truth.json" in rels
    for rel in rels:
        if rel == S.MANIFEST:  # bookkeeping: lists the background copies only outside data/
            continue
        assert (tmp_path / rel).read_bytes() == (DATA / rel).read_bytes(), rel
    assert b"\r\n" not in (tmp_path / "survey/households.csv").read_bytes()


def test_second_dataset_validates_and_differs(tmp_path):
    S.main(["--seed", "7", "--households", "200", "--out", str(tmp_path)])
    s = D.load_survey(tmp_path)
    assert len(s) == 200
    assert len(D.load_expert_judgments(tmp_path)) == len(D.load_expert_judgments())
    assert len(D.load_township_panel(tmp_path)) == 125
    assert D.load_truth(tmp_path)["seed"] == 7
    assert not s["income_2016"].head(200).equals(D.load_survey()["income_2016"].head(200))
    # the planted structure does not depend on the shipped seed
    means = {d: s[D.likert_items(s, d)].astype(float).stack().mean() for d in D.DIMENSIONS}
    assert max(means[d] for d in ("gs", "in", "ss", "ed")) < means["lc"]
    for d in D.DIMENSIONS:
        alpha, _ = pg.cronbach_alpha(s[D.likert_items(s, d)].astype(float), nan_policy="pairwise")
        assert 0.7 <= alpha <= 0.9, (d, alpha)


@pytest.mark.parametrize("dim", D.DIMENSIONS)
def test_cronbach_alpha_in_range(survey, dim):
    items = survey[D.likert_items(survey, dim)].astype(float)
    alpha, _ = pg.cronbach_alpha(items, nan_policy="pairwise")
    assert 0.7 <= alpha <= 0.9, (dim, alpha)


@pytest.mark.filterwarnings("ignore::FutureWarning")  # factor_analyzer vs scikit-learn 1.7
def test_efa_recovers_five_dimensions(survey):
    cols = [c for d in D.DIMENSIONS for c in D.likert_items(survey, d)]
    X = survey[cols].astype(float).dropna()
    fa = FactorAnalyzer(n_factors=5, rotation="varimax", method="minres")
    fa.fit(X.to_numpy())
    top = pd.Series(np.abs(fa.loadings_).argmax(axis=1), index=cols)
    mapping = {d: top[D.likert_items(survey, d)].mode().iloc[0] for d in D.DIMENSIONS}
    assert len(set(mapping.values())) == 5  # each dimension has its own factor
    for d in D.DIMENSIONS:
        assert (top[D.likert_items(survey, d)] == mapping[d]).all(), d


def test_weak_dimensions_below_living_conditions(survey):
    means = {
        d: survey[D.likert_items(survey, d)].astype(float).stack().mean() for d in D.DIMENSIONS
    }
    for d in ("gs", "in", "ss", "ed"):
        assert means[d] < means["lc"] - 0.3, means


def test_item_nonresponse_is_a_few_percent(survey):
    cb = D.load_codebook()
    cols = list(cb.loc[cb["group"] == "likert", "column"])
    share = survey[cols].isna().to_numpy().mean()
    assert 0.01 <= share <= 0.06
    assert survey[[c for c in survey if c.startswith(("tb_", "dep_", "quiz"))]].notna().all().all()


def test_income_calibration_to_published_figures(survey):
    """Targets from the background README: Hebei poor counties 10,922 yuan per person (2018);
    national poverty line 2,952 yuan (2016, NBS) and about 4,000 yuan (2020, SCIO white paper
    2021). The published figure is a POPULATION mean per person, and the survey oversamples
    the registered poor, so the comparison is the design-weighted, person-weighted mean
    (design_weight x household_size): that is what the generator calibrates (on a
    pseudo-population), and the unweighted sample mean must fall clearly below it."""
    assert S.OFFICIAL_POVERTY_LINE[2016] == 2952 and S.OFFICIAL_POVERTY_LINE[2020] == 4000
    assert all(S.OFFICIAL_POVERTY_LINE[y] is None for y in (2017, 2018, 2019))  # a gap
    pw = survey["design_weight"].astype(float) * survey["household_size"].astype(float)
    weighted = float((pw * survey["income_2018"].astype(float)).sum() / pw.sum())
    assert abs(weighted / 10922 - 1) < 0.10
    assert survey["income_2018"].astype(float).mean() < weighted  # oversampled poor pull it down
    # county path grows as the published poor-areas series: 10,371 (2018) -> 12,588 (2020)
    assert S.COUNTY_INCOME[2020] / S.COUNTY_INCOME[2018] == pytest.approx(12588 / 10371)
    assert (survey[[f"income_{y}" for y in S.YEARS]] >= 0).all().all()


def test_poverty_exits_and_relapses(survey):
    poor = survey[survey["registered_poor"] == 1]
    assert 0.15 < len(poor) / len(survey) < 0.5
    assert (
        poor["exit_year"].notna().all()
        and survey.loc[survey["registered_poor"] == 0, "exit_year"].isna().all()
    )
    for y in S.YEARS:
        line = S.POVERTY_LINE[y]
        before = poor[poor["exit_year"] > y]
        assert (before[f"income_{y}"] < line).all()
    relapse = D.load_truth()["survey"]["relapse_households"]
    assert relapse  # some returns to poverty (返贫)
    s = survey.set_index("household_id")
    for h, y in relapse.items():
        assert s.loc[h, "exit_year"] < y and s.loc[h, f"income_{y}"] < S.POVERTY_LINE[y]


def _lambda_max_3(a: float, b: float, c: float) -> float:
    """Closed form for a 3x3 reciprocal matrix [[1,a,b],[1/a,1,c],[1/b,1/c,1]]:
    lambda_max = 1 + t + 1/t with t = (b / (a c))^(1/3) (derived by hand from the
    characteristic polynomial lambda^3 - 3 lambda^2 - (t + 1/t - 2) = 0)."""
    t = (b / (a * c)) ** (1 / 3)
    return 1 + t + 1 / t


@pytest.mark.parametrize(("a", "b", "c"), [(2, 4, 2), (3, 1 / 2, 5), (1, 9, 1 / 9)])
def test_consistency_ratio_closed_form(a, b, c):
    M = np.array([[1, a, b], [1 / a, 1, c], [1 / b, 1 / c, 1]], dtype=float)
    expected = (_lambda_max_3(a, b, c) - 3) / 2 / 0.58  # Saaty (1980) RI(3) = 0.58
    assert S.consistency_ratio(M) == pytest.approx(expected, abs=1e-9)


def test_exactly_one_inconsistent_expert_matrix():
    mats = D.expert_matrices(D.load_expert_judgments())
    bad = {k for k, m in mats.items() if S.consistency_ratio(m.to_numpy()) > 0.10}
    assert bad == {("E07", "criteria")}
    roles = D.load_expert_judgments().groupby("expert_id")["role"].first()
    assert set(roles) == {"county_official", "township_cadre", "village_cadre", "scholar"}


def test_inconsistent_expert_cross_checked_with_project_ahp():
    """Independent implementation: the project's AHP module (utils.methods.weights.ahp, eigenvector
    method, Saaty RI) must flag the same single matrix."""
    W = pytest.importorskip("utils.methods.weights")
    mats = D.expert_matrices(D.load_expert_judgments())
    flagged = {k for k, m in mats.items() if not W.ahp(m).consistent}
    assert flagged == {("E07", "criteria")}


def test_to_saaty_known_values():
    assert S.to_saaty(3.0) == 3 and S.to_saaty(1 / 3) == Fraction(1, 3)
    assert S.to_saaty(2.4) == 2  # |ln 2.4 - ln 2| = 0.182 < |ln 3 - ln 2.4| = 0.223
    assert S.to_saaty(50) == 9 and S.to_saaty(1 / 50) == Fraction(1, 9)
    assert S.saaty_text(Fraction(1, 7)) == "1/7" and S.saaty_text(Fraction(5)) == "5"


@settings(max_examples=50, deadline=None)
@given(st.floats(min_value=1e-3, max_value=1e3, allow_nan=False))
def test_to_saaty_is_reciprocal_and_on_scale(r):
    v = S.to_saaty(r)
    assert v in S.SAATY_VALUES
    assert S.to_saaty(1 / r) == 1 / v


def test_input_errors():
    with pytest.raises(ValueError, match=r"ratio: must be a finite positive number"):
        S.to_saaty(0.0)
    with pytest.raises(ValueError, match=r"n_households: must be at least 64"):
        S.simulate(1, 10)
    with pytest.raises(ValueError, match=r"seed: must be a non-negative integer"):
        S.simulate(-1, 100)


@settings(max_examples=3, deadline=None)
@given(st.integers(0, 10_000))
def test_any_seed_gives_valid_data(tmp_path_factory, seed):
    out = tmp_path_factory.mktemp("sim")
    S.write_dataset(out, seed=seed, n_households=64)
    assert len(D.load_survey(out)) == 64
    D.load_expert_judgments(out)
    D.load_township_panel(out)


# --------------------------------------------------------------------------------------------
# Scenarios: each generates, validates and plants what its truth file says
# --------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def scenario_dirs(tmp_path_factory) -> dict[str, Path]:
    out = {}
    for name in S.SCENARIOS:
        d = tmp_path_factory.mktemp(name.replace("-", "_"))
        S.write_dataset(d, seed=11, n_households=320, scenario_name=name)
        out[name] = d
    return out


def _dimension_means(s: pd.DataFrame) -> dict[str, float]:
    return {d: float(s[D.likert_items(s, d)].astype(float).stack().mean()) for d in D.DIMENSIONS}


@pytest.mark.parametrize("name", S.SCENARIOS)
def test_each_scenario_generates_and_validates(scenario_dirs, name):
    d = scenario_dirs[name]
    s = D.load_survey(d)
    D.load_township_panel(d)
    D.load_indicators(d)
    D.expert_matrices(D.load_expert_judgments(d))
    t = D.load_truth(d)
    assert t["scenario"] == name
    assert set(t["weak_dimensions"]) <= set(D.DIMENSIONS)
    assert set(t["active_causes"]) <= set(S.CAUSE_IDS)
    assert [x["id"] for x in t["dimensions"]] == list(D.DIMENSIONS)
    assert {c for c, v in t["causes"].items() if v["active"]} == set(t["active_causes"])
    assert t["design"]["n_households"] == len(s) == 320
    for key in ("importance", "expert_criteria", "indicator_local"):
        assert key in t["true_weights"]
    # planted weak dimensions are the low ones and sit below the neutral answer (3)
    means = _dimension_means(s)
    weak = set(t["weak_dimensions"])
    for dim in weak:
        # under MNAR the observed means are biased upwards by design (blanks hide low answers)
        assert means[dim] < (3.1 if name == "mnar" else 3.0), (name, dim, means)
        for other in set(D.DIMENSIONS) - weak:
            assert means[dim] < means[other] - 0.4, (name, dim, other, means)
    for dim in set(D.DIMENSIONS) - weak:
        assert means[dim] > 3.3, (name, dim, means)


def test_null_plants_nothing(scenario_dirs):
    t = D.load_truth(scenario_dirs["null"])
    assert t["weak_dimensions"] == [] and t["active_causes"] == []
    assert len(set(t["true_weights"]["importance"].values())) == 1
    means = _dimension_means(D.load_survey(scenario_dirs["null"]))
    assert max(means.values()) - min(means.values()) < 0.15, means


def test_shuffled_differs_from_thesis_and_follows_its_seed():
    a, b = S.scenario("shuffled", 11), S.scenario("shuffled", 11)
    assert a == b
    assert set(a.weak_dimensions) != set(S.scenario("thesis").weak_dimensions)
    draws = {S.scenario("shuffled", k).weak_dimensions for k in range(12)}
    assert len(draws) > 3  # the seed chooses the truth


def test_mnar_leaves_low_answers_blank():
    """Under MNAR the blanks hide low answers: the same seed's answers are generated in both
    scenarios, so the observed means rise and the missing share grows."""
    th, mn = S.simulate(5, 320, "thesis").households, S.simulate(5, 320, "mnar").households
    cols = [f"{d}{i}" for d in D.DIMENSIONS for i in range(1, 6)]

    def blank(df):
        return float((df[cols] == "").to_numpy().mean())

    def mean(df):
        return float(df[cols].replace("", np.nan).astype(float).stack().mean())

    assert blank(mn) > blank(th)
    assert mean(mn) > mean(th) + 0.03


def test_inconsistent_experts_scenario(scenario_dirs):
    mats = D.expert_matrices(D.load_expert_judgments(scenario_dirs["inconsistent-experts"]))
    bad = {k for k, m in mats.items() if S.consistency_ratio(m.to_numpy()) > 0.10}
    planted = {
        (x["expert_id"], x["block"])
        for x in D.load_truth(scenario_dirs["inconsistent-experts"])["experts"][
            "inconsistent_matrices"
        ]
    }
    assert bad == planted and len({e for e, _ in bad}) > len(S.EXPERT_ROLES) / 2


def _village_icc(s: pd.DataFrame, dim: str) -> float:
    """One-way ANOVA ICC of the household dimension mean between villages."""
    y = s[D.likert_items(s, dim)].astype(float).mean(axis=1)
    g = s["psu"].astype(str)  # the village (PSU) of each household
    k = y.groupby(g).size().mean()
    msb = (y.groupby(g).mean() - y.mean()).pow(2).mul(y.groupby(g).size()).sum() / (g.nunique() - 1)
    msw = (y - y.groupby(g).transform("mean")).pow(2).sum() / (len(y) - g.nunique())
    return float((msb - msw) / (msb + (k - 1) * msw))


def test_clustered_scenario_has_stronger_cluster_effects(scenario_dirs):
    th = D.load_survey(scenario_dirs["thesis"])
    cl = D.load_survey(scenario_dirs["clustered"])
    icc_th = np.mean([_village_icc(th, d) for d in D.DIMENSIONS])
    icc_cl = np.mean([_village_icc(cl, d) for d in D.DIMENSIONS])
    assert icc_cl > icc_th + 0.15 and icc_cl > 0.35, (icc_th, icc_cl)


def test_unknown_scenario_is_refused():
    with pytest.raises(ValueError, match=r"scenario: must be one of"):
        S.scenario("nope")


# --------------------------------------------------------------------------------------------
# Writing safely (issue 17, item 5)
# --------------------------------------------------------------------------------------------
def test_refuses_a_folder_with_foreign_files(tmp_path):
    (tmp_path / "survey").mkdir()
    real = tmp_path / "survey" / "households.csv"
    real.write_text("household_id\nH0001\n", encoding="utf-8")
    with pytest.raises(S.DataFolderConflictError, match=r"survey/households.csv"):
        S.write_dataset(tmp_path, seed=3, n_households=64)
    assert real.read_text(encoding="utf-8") == "household_id\nH0001\n"  # untouched
    assert not (tmp_path / "truth.json").exists()  # nothing written
    assert S.main(["--out", str(tmp_path), "--households", "64"]) == 2


def test_refuses_a_file_edited_since_written_and_force_keeps_a_backup(tmp_path):
    S.write_dataset(tmp_path, seed=3, n_households=64)
    S.write_dataset(tmp_path, seed=4, n_households=64)  # its own files: overwritten freely
    assert D.load_truth(tmp_path)["seed"] == 4
    panel = tmp_path / "townships" / "panel.csv"
    edited = panel.read_bytes().replace(b"T01,", b"T02,", 1)
    panel.write_bytes(edited)
    with pytest.raises(S.DataFolderConflictError, match=r"townships/panel.csv"):
        S.write_dataset(tmp_path, seed=4, n_households=64)
    assert panel.read_bytes() == edited
    S.write_dataset(tmp_path, seed=4, n_households=64, force=True)
    backups = list((tmp_path / S.BACKUP_DIR).rglob("panel.csv"))
    assert len(backups) == 1 and backups[0].read_bytes() == edited
    assert panel.read_bytes() != edited
    assert not list(tmp_path.rglob("*.tmp"))  # atomic writes leave no temporary files


def test_stray_file_is_refused_but_project_docs_are_not(tmp_path):
    (tmp_path / "README.md").write_text("notes", encoding="utf-8")
    S.write_dataset(tmp_path, seed=3, n_households=64)  # README.md is allowed
    (tmp_path / "mine.csv").write_text("x\n1\n", encoding="utf-8")
    with pytest.raises(S.DataFolderConflictError, match=r"mine.csv"):
        S.write_dataset(tmp_path, seed=3, n_households=64)


def test_out_is_required_on_the_command_line(capsys):
    with pytest.raises(SystemExit) as exc:
        S.main(["--seed", "3"])
    assert exc.value.code == 2
    assert "--out" in capsys.readouterr().err


def test_atomic_write_keeps_the_old_file_when_writing_fails(tmp_path, monkeypatch):
    target = tmp_path / "a.csv"
    target.write_bytes(b"old\n")

    def boom(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(S.os, "replace", boom)
    with pytest.raises(OSError, match="disk full"):
        S._atomic_write(target, b"new\n")
    assert target.read_bytes() == b"old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["a.csv"]


# --------------------------------------------------------------------------------------------
# Causes: the township proxies carry the planted effect, and only for active causes
# --------------------------------------------------------------------------------------------
def _cause_t_stats(s: pd.DataFrame, panel: pd.DataFrame) -> dict[str, float]:
    """t statistic of the (sign-adjusted, standardised) proxy in an OLS of the township mean
    of the cause's dimension on the proxy and log distance to the county seat (the remoteness
    control), 2018 panel values; one row per sampled township."""
    p = panel[panel["year"].astype(int) == 2018].set_index("township")
    out = {}
    for c in S.CAUSE_IDS:
        d, col, sign, _, _ = S.CAUSE_INFO[c]
        y = (
            s[D.likert_items(s, d)]
            .astype(float)
            .mean(axis=1)
            .groupby(s["township"].astype(str))
            .mean()
        )
        x = sign * p.loc[y.index, col].astype(float)
        x = (x - x.mean()) / x.std()
        X = np.column_stack(
            [np.ones(len(y)), x, np.log(p.loc[y.index, "distance_to_county_km"].astype(float))]
        )
        b = np.linalg.lstsq(X, y.to_numpy(), rcond=None)[0]
        e = y.to_numpy() - X @ b
        se = np.sqrt(e @ e / (len(y) - 3) * np.linalg.inv(X.T @ X)[1, 1])
        out[c] = float(b[1] / se)
    return out


def test_active_causes_show_in_the_township_proxies(survey):
    t = _cause_t_stats(survey, D.load_township_panel())
    assert all(t[c] > 2 for c in D.load_truth()["active_causes"]), t


def test_only_the_shuffled_active_causes_show(tmp_path):
    S.write_dataset(tmp_path, seed=20201231, n_households=700, scenario_name="shuffled")
    truth = D.load_truth(tmp_path)
    t = _cause_t_stats(D.load_survey(tmp_path), D.load_township_panel(tmp_path))
    active = set(truth["active_causes"])
    assert active and active != set(S.CAUSE_IDS)
    for c in S.CAUSE_IDS:
        assert (t[c] > 2) if c in active else (abs(t[c]) < 2), (c, t)
