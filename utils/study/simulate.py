"""Seeded generator for the project's SIMULATED study data (survey, experts, townships).

The thesis' household survey, expert questionnaires and township statistics are not public.
This module writes stand-in data from a documented statistical model so that every chapter
runs, and so that an author can later drop in the real files with the same codebook.
Everything it writes is SIMULATED and says so; none of it is a fact about the real county.

Command line (regenerates the committed files byte for byte)::

    python -m utils.study.simulate --seed 20201231 --households 700 --out data/

The model's equations and calibration targets are documented in ``data/README.md``; the
constants below are the planted parameters, and all of them are also written to
``truth.json`` so chapters can show how well each method recovers them.

References
----------
Saaty, T. L. (1980). *The Analytic Hierarchy Process*. McGraw-Hill (1-9 scale, random index).
Alkire, S., & Foster, J. (2011). Counting and multidimensional poverty measurement.
*Journal of Public Economics*, 95(7-8), 476-487 (deprivation indicators).
McCullagh, P. (1980). Regression models for ordinal data. *Journal of the Royal Statistical
Society B*, 42(2), 109-142 (ordered logit for overall satisfaction).
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import shutil
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import numpy as np
import pandas as pd

REPO_DATA_DIR = Path(__file__).resolve().parents[2] / "data"
DEFAULT_SEED = 20201231
DEFAULT_HOUSEHOLDS = 700
YEARS = (2016, 2017, 2018, 2019, 2020)
DIMENSIONS = ("gs", "in", "ss", "ed", "lc")
DIMENSION_LABELS = {
    "gs": ("government services", "政府服务"),
    "in": ("poverty-alleviation industries", "产业扶贫"),
    "ss": ("social security", "社会保障"),
    "ed": ("education and ideological knowledge", "扶志扶智（教育与思想观念）"),
    "lc": ("living conditions and outcomes", "生活条件与脱贫成效"),
}
N_TOWNSHIPS = 25
N_SAMPLED_TOWNSHIPS = 8
VILLAGES_PER_TOWNSHIP = 16  # 396 administrative villages / 25 townships, rounded
SAMPLED_VILLAGES_PER_TOWNSHIP = 4
TOWNSHIPS = tuple(f"T{k:02d}" for k in range(1, N_TOWNSHIPS + 1))

# --- calibration targets (sources in data/README.md) ---------------------------------------
#: National poverty line at current prices: 2,952 yuan in 2016 (NBS) and about 4,000 yuan in
#: 2020 (SCIO white paper 2021); 2017-2019 are geometric interpolations used by the simulation.
POVERTY_LINE = {y: round(2952 * (4000 / 2952) ** ((y - 2016) / 4)) for y in YEARS}
#: Rural per-capita disposable income in China's poor areas (NBS, current yuan).
POOR_AREAS_INCOME = {2016: 8452, 2017: 9377, 2018: 10371, 2019: 11567, 2020: 12588}
#: Rural per-capita disposable income in Hebei's poor counties, 2018 (Hebei reporting).
HEBEI_POOR_COUNTY_INCOME_2018 = 10922
#: County mean income path: the Hebei 2018 level moved with the national poor-areas growth.
COUNTY_INCOME = {
    y: HEBEI_POOR_COUNTY_INCOME_2018 * POOR_AREAS_INCOME[y] / POOR_AREAS_INCOME[2018] for y in YEARS
}

# --- planted structure -----------------------------------------------------------------------
#: Latent dimension means on the item's latent-response scale: four weak dimensions, one strong.
DIM_MEANS = {"gs": -0.35, "in": -0.45, "ss": -0.30, "ed": -0.40, "lc": 0.45}
LATENT_CORRELATION = 0.30
ITEMS_PER_DIMENSION = 5
LOADING_RANGE = (0.62, 0.82)
ITEM_THRESHOLDS = (-1.6, -0.7, 0.2, 1.1)
#: Planted importance weights (drive overall satisfaction and the stated importance items).
IMPORTANCE_WEIGHTS = {"gs": 0.28, "in": 0.22, "ss": 0.20, "ed": 0.12, "lc": 0.18}
OVERALL_SCALE = 3.0  # ordered-logit coefficient beta_d = OVERALL_SCALE * w_d
OVERALL_THRESHOLDS = (-3.6, -1.8, 0.0, 1.8)
#: Effects of township characteristics (remoteness, funding, cadre capacity) on the latent
#: dimension scores (before within-sample standardisation).
TOWNSHIP_EFFECTS = {
    "gs": (-0.15, 0.05, 0.35),
    "in": (-0.20, 0.30, 0.10),
    "ss": (-0.25, 0.10, 0.10),
    "ed": (-0.20, 0.05, 0.15),
    "lc": (-0.30, 0.20, 0.05),
}
#: Household effects (education z-score, registered poor 0/1, age z-score).
HOUSEHOLD_EFFECTS = {
    "gs": (0.05, 0.25, 0.05),
    "in": (0.10, 0.10, -0.10),
    "ss": (0.00, 0.30, 0.15),
    "ed": (0.30, 0.00, -0.10),
    "lc": (0.05, 0.15, 0.00),
}
#: Expert (AHP) planted weights: criteria and local indicator weights.
EXPERT_CRITERIA_WEIGHTS = {"gs": 0.27, "in": 0.23, "ss": 0.20, "ed": 0.16, "lc": 0.14}
EXPERT_ROLES = (
    "county_official",
    "county_official",
    "county_official",
    "township_cadre",
    "township_cadre",
    "township_cadre",
    "village_cadre",
    "village_cadre",
    "scholar",
    "scholar",
)
INCONSISTENT_EXPERT = "E07"
EXPERT_SIGMA_VIEW = 0.20  # sd of an expert's log deviation from the planted weights
EXPERT_SIGMA_JUDGMENT = 0.25  # sd of the log noise on each pairwise ratio
SAATY_RI = {1: 0.0, 2: 0.0, 3: 0.58, 4: 0.90, 5: 1.12, 6: 1.24, 7: 1.32, 8: 1.41, 9: 1.45}
SAATY_VALUES = tuple(
    sorted({Fraction(1, k) for k in range(1, 10)} | {Fraction(k) for k in range(1, 10)})
)
MISSING_RATE = 0.03
#: Non-poor household level relative to the county path (tuned so the 2018 sample mean is
#: close to the Hebei poor-county figure despite the over-sampled registered-poor households).
INCOME_LEVEL_FACTOR = 0.97
MAX_MISSING_SHARE = 0.20

CAUSES = (
    "illness",
    "disability",
    "lack_of_labour",
    "lack_of_skills",
    "lack_of_funds",
    "education_costs",
    "other",
)
CAUSE_PROBS = (0.36, 0.12, 0.16, 0.11, 0.13, 0.06, 0.06)
EDUCATION = ("none", "primary", "junior_secondary", "senior_secondary", "tertiary")
TWO_THREE = ("food", "clothing", "schooling", "medical_insurance", "housing", "drinking_water")
DEPRIVATIONS = {
    # column: (AF dimension, English label, Chinese label, base log-odds)
    "dep_schooling": ("education", "No household member completed 6 years of schooling", "家庭成员均未完成6年学校教育", -1.6),
    "dep_attendance": ("education", "A school-age child is not attending school", "有学龄儿童失学辍学", -3.2),
    "dep_illness": ("health", "A member has a chronic illness that is not treated", "有慢性病成员未得到治疗", -2.2),
    "dep_insurance": ("health", "A member lacks basic medical insurance", "有成员未参加基本医疗保险", -3.0),
    "dep_cooking_fuel": ("living_standards", "Cooks mainly with wood, straw or coal", "主要使用柴草或煤炭做饭", -0.2),
    "dep_sanitation": ("living_standards", "No sanitary toilet", "无卫生厕所", -0.6),
    "dep_water": ("living_standards", "No safe piped drinking water", "无安全的自来水饮用水", -2.4),
    "dep_housing": ("living_standards", "Dilapidated or unsafe house", "住房为危房或不安全", -2.6),
    "dep_assets": ("living_standards", "Owns at most one of: TV, fridge, motorbike, phone", "电视、冰箱、摩托车、手机至多拥有一样", -1.8),
    "dep_employment": ("employment", "No working-age member in stable work or underemployed", "劳动年龄成员无稳定就业或就业不足", -1.0),
}  # fmt: skip
INCOME_SOURCES = {
    "src_wages": ("Wage income (local or migrant work)", "工资性收入（本地或外出务工）"),
    "src_agriculture": ("Farming, forestry or livestock", "种植、林果或养殖收入"),
    "src_business": ("Own business", "个体经营收入"),
    "src_transfers": (
        "Transfers (subsidies, allowances, pensions)",
        "转移性收入（补贴、低保、养老金等）",
    ),
    "src_property": ("Property income (land rent, dividends)", "财产性收入（土地流转、分红）"),
}
QUIZ = {
    "quiz1": ("Knows the two no-worries and three guarantees", "知道“两不愁三保障”的内容", 0.8),
    "quiz2": ("Knows the poverty-exit income standard", "知道脱贫的收入标准", -0.3),
    "quiz3": (
        "Knows who the village's stationed first secretary is",
        "知道本村驻村第一书记是谁",
        0.6,
    ),
    "quiz4": (
        "Knows the medical reimbursement rule for poor households",
        "知道贫困户医疗报销政策",
        -0.1,
    ),
    "quiz5": ("Knows the education subsidy for poor students", "知道贫困学生教育资助政策", 0.2),
}
LIKERT_ITEMS = {
    "gs1": ("Identification of poor households in my village was fair and accurate", "本村贫困户识别公平、精准"),
    "gs2": ("Assigned cadres visit and help my household regularly", "帮扶干部定期走访、帮扶我家"),
    "gs3": ("Poverty-alleviation policies and fund use are made public", "扶贫政策和资金使用公开透明"),
    "gs4": ("Government offices handle our matters efficiently", "政府部门为群众办事效率高"),
    "gs5": ("Villagers' opinions are heard in poverty-alleviation decisions", "扶贫决策中群众意见得到重视"),
    "in1": ("Industry projects in my village suit local conditions", "本村扶贫产业项目符合当地实际"),
    "in2": ("My household benefits from industry projects (dividends, jobs)", "我家从产业项目中获得收益（分红、就业）"),
    "in3": ("Technical guidance for farming and orchards is adequate", "种植养殖技术指导到位"),
    "in4": ("Selling our products is easy", "农产品销售渠道畅通"),
    "in5": ("Income from the supported industry is stable", "扶贫产业收入稳定"),
    "ss1": ("Medical expenses are reimbursed adequately", "医疗费用报销比例令人满意"),
    "ss2": ("Minimum-living allowances are allocated fairly", "低保评定公平公正"),
    "ss3": ("The rural pension is adequate", "城乡居民养老保险保障水平令人满意"),
    "ss4": ("Serious-illness assistance arrives in time", "大病救助及时到位"),
    "ss5": ("Care for disabled and elderly people is adequate", "残疾人和老年人照料服务到位"),
    "ed1": ("Education subsidies for our children arrive in full", "子女教育资助足额到位"),
    "ed2": ("Skills training offered is useful to me", "参加的技能培训实用"),
    "ed3": ("I understand the poverty-alleviation policies", "我了解扶贫相关政策"),
    "ed4": ("I am confident I can improve my life by my own work", "我有信心靠自己的劳动改善生活"),
    "ed5": ("Cultural and civic-education activities are useful", "文化和思想教育活动对我有帮助"),
    "lc1": ("My housing is safe", "我家住房安全有保障"),
    "lc2": ("Drinking water is safe and convenient", "饮水安全方便"),
    "lc3": ("Roads and transport have improved", "道路交通条件明显改善"),
    "lc4": ("My household income has clearly increased", "家庭收入明显增加"),
    "lc5": ("The village environment has improved", "村容村貌明显改善"),
}  # fmt: skip

#: Indicator system: (id, criterion, English label, Chinese label, direction, source, column,
#: planted local weight for the experts).
INDICATORS = (
    ("GS1", "gs", "Accuracy of identifying poor households", "贫困户识别精准度", "benefit", "survey", "gs1", 0.30),
    ("GS2", "gs", "Cadre assistance to households", "干部帮扶到户情况", "benefit", "survey", "gs2", 0.25),
    ("GS3", "gs", "Transparency of policies and funds", "政策与资金公开透明度", "benefit", "survey", "gs3", 0.15),
    ("GS4", "gs", "Cadres stationed in villages", "驻村帮扶干部人数", "benefit", "township", "stationed_cadres", 0.18),
    ("GS5", "gs", "Poverty-alleviation funds invested", "扶贫资金投入", "benefit", "township", "funds_10k_yuan", 0.12),
    ("IN1", "in", "Fit of industry projects to local conditions", "产业项目契合度", "benefit", "survey", "in1", 0.20),
    ("IN2", "in", "Household benefit from industry projects", "产业项目带贫受益", "benefit", "survey", "in2", 0.35),
    ("IN3", "in", "Industry projects", "扶贫产业项目数", "benefit", "township", "industry_projects", 0.20),
    ("IN4", "in", "Participants in industry projects", "产业项目参与人数", "benefit", "township", "industry_participants", 0.25),
    ("SS1", "ss", "Adequacy of medical reimbursement", "医疗报销满意度", "benefit", "survey", "ss1", 0.30),
    ("SS2", "ss", "Fairness of minimum-living allowances", "低保评定公平性", "benefit", "survey", "ss2", 0.20),
    ("SS3", "ss", "Medical-insurance participation", "基本医疗保险参保率", "benefit", "township", "medical_insurance_pct", 0.30),
    ("SS4", "ss", "Timeliness of serious-illness assistance", "大病救助及时性", "benefit", "survey", "ss4", 0.20),
    ("ED1", "ed", "Education subsidies received", "教育资助到位情况", "benefit", "survey", "ed1", 0.30),
    ("ED2", "ed", "Usefulness of skills training", "技能培训实用性", "benefit", "survey", "ed2", 0.25),
    ("ED3", "ed", "Skills-training participants", "技能培训人数", "benefit", "township", "training_participants", 0.20),
    ("ED4", "ed", "Compulsory-school dropouts", "义务教育阶段辍学人数", "cost", "township", "school_dropouts", 0.25),
    ("LC1", "lc", "Housing safety", "住房安全保障", "benefit", "survey", "lc1", 0.15),
    ("LC2", "lc", "Perceived income growth", "收入增长感受", "benefit", "survey", "lc4", 0.15),
    ("LC3", "lc", "Rural per-capita disposable income", "农村居民人均可支配收入", "benefit", "township", "rural_income_yuan", 0.30),
    ("LC4", "lc", "Poverty incidence", "贫困发生率", "cost", "township", "poverty_incidence_pct", 0.30),
    ("LC5", "lc", "Dilapidated houses renovated", "危房改造户数", "benefit", "township", "houses_renovated", 0.10),
)  # fmt: skip

PANEL_COLUMNS = (
    "township",
    "township_name",
    "year",
    "rural_population",
    "registered_poor",
    "poverty_incidence_pct",
    "rural_income_yuan",
    "funds_10k_yuan",
    "stationed_cadres",
    "industry_projects",
    "industry_participants",
    "training_participants",
    "medical_insurance_pct",
    "school_dropouts",
    "houses_renovated",
)


# --------------------------------------------------------------------------------------------
# Small helpers
# --------------------------------------------------------------------------------------------
def _logistic(x):
    return 1.0 / (1.0 + np.exp(-x))


def _cut(latent: np.ndarray, thresholds) -> np.ndarray:
    """Ordinal category 1..K+1 from a latent value and K increasing thresholds."""
    return 1 + np.searchsorted(np.asarray(thresholds), latent, side="right")


def to_saaty(ratio: float) -> Fraction:
    """Round a positive ratio to the nearest value of Saaty's scale in log space.

    The scale is ``1/9, 1/8, ..., 1/2, 1, 2, ..., 9`` (Saaty, 1980, *The Analytic Hierarchy
    Process*, McGraw-Hill, table 1.1). Rounding in log space makes the rule reciprocal:
    ``to_saaty(1/r) == 1/to_saaty(r)`` (ties are broken towards 1). Hand-written: no library
    offers this rounding.

    Raises
    ------
    ValueError
        If ``ratio`` is not a finite positive number.
    """
    if not np.isfinite(ratio) or ratio <= 0:
        raise ValueError(f"ratio: must be a finite positive number, got {ratio!r}")
    x = np.log(ratio)
    logs = np.array([np.log(float(v)) for v in SAATY_VALUES])
    dist = np.abs(logs - x)
    best = np.flatnonzero(np.isclose(dist, dist.min(), rtol=0, atol=1e-12))
    # tie: choose the value closest to 1 (symmetric)
    k = best[np.argmin(np.abs(logs[best]))]
    return SAATY_VALUES[int(k)]


def saaty_text(v: Fraction) -> str:
    """Format a Saaty-scale value as stored in ``judgments.csv`` ("3", "1/3", "1")."""
    return str(v.numerator) if v.denominator == 1 else f"1/{v.denominator}"


def consistency_ratio(matrix: np.ndarray) -> float:
    """Saaty's consistency ratio CR = CI / RI with CI = (lambda_max - n) / (n - 1).

    Used only by the generator to accept or reject simulated expert matrices (the analysis
    chapters use the project's AHP module). RI from Saaty (1980), table 1.3.
    """
    n = matrix.shape[0]
    if n <= 2:
        return 0.0
    lam = float(np.max(np.linalg.eigvals(matrix).real))
    # lambda_max >= n for a positive reciprocal matrix; clip rounding noise (its sign depends on the
    # BLAS kernel and would make "-0.0" in truth.json on some machines).
    return max(0.0, (lam - n) / (n - 1) / SAATY_RI[n])


def _fmt_int(x) -> str:
    return "" if x is None or (isinstance(x, float) and np.isnan(x)) else str(int(x))


def _write_csv(df: pd.DataFrame, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    buf = io.StringIO()
    df.to_csv(buf, index=False, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    path.write_bytes(buf.getvalue().encode("utf-8"))


def _round_floats(obj, ndigits: int = 6):
    if isinstance(obj, float):
        return round(obj, ndigits)
    if isinstance(obj, dict):
        return {k: _round_floats(v, ndigits) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_round_floats(v, ndigits) for v in obj]
    if isinstance(obj, np.generic):
        return _round_floats(obj.item(), ndigits)
    return obj


# --------------------------------------------------------------------------------------------
# Generators
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class SimulatedData:
    """Everything one run of the generator produces (CSV-ready string tables + truth)."""

    households: pd.DataFrame
    judgments: pd.DataFrame
    indicators: pd.DataFrame
    panel: pd.DataFrame
    codebook: pd.DataFrame
    truth: dict


def _townships(rng: np.random.Generator) -> pd.DataFrame:
    """Township effects: remoteness, funding, cadre capacity (standard normal, correlated)."""
    cov = np.array([[1.0, -0.3, -0.4], [-0.3, 1.0, 0.3], [-0.4, 0.3, 1.0]])
    eff = rng.multivariate_normal(np.zeros(3), cov, size=N_TOWNSHIPS, method="cholesky")
    return pd.DataFrame(
        {
            "township": TOWNSHIPS,
            "township_name": [f"Township {k:02d}" for k in range(1, N_TOWNSHIPS + 1)],
            "remoteness": eff[:, 0],
            "funding": eff[:, 1],
            "cadre_capacity": eff[:, 2],
        }
    )


def _panel(rng: np.random.Generator, tw: pd.DataFrame) -> tuple[pd.DataFrame, dict]:
    rows = []
    pop = np.round(18000 * np.exp(rng.normal(0, 0.35, N_TOWNSHIPS)))
    base_inc = _logistic(-2.0 + 0.6 * tw["remoteness"].to_numpy() + rng.normal(0, 0.2, N_TOWNSHIPS))
    initial_poor = np.round(pop * base_inc)
    remaining_share = {2016: 0.50, 2017: 0.25, 2018: 0.06, 2019: 0.02, 2020: 0.0}
    fund_profile = {2016: 0.8, 2017: 1.0, 2018: 1.2, 2019: 0.9, 2020: 0.8}
    house_profile = {2016: 1.0, 2017: 1.2, 2018: 1.0, 2019: 0.4, 2020: 0.2}
    dropout_profile = {2016: 1.0, 2017: 0.7, 2018: 0.4, 2019: 0.2, 2020: 0.1}
    insurance_gap = {2016: 3.5, 2017: 2.5, 2018: 1.2, 2019: 0.6, 2020: 0.3}
    rem, fund, cad = (tw[c].to_numpy() for c in ("remoteness", "funding", "cadre_capacity"))
    speed = np.exp(0.3 * cad - 0.3 * rem)  # >1: faster exits
    inc_level = np.exp(-0.12 * rem + 0.05 * fund + rng.normal(0, 0.05, N_TOWNSHIPS))
    inc_growth = rng.normal(0, 0.01, N_TOWNSHIPS)
    for t in range(N_TOWNSHIPS):
        for k, y in enumerate(YEARS):
            popy = round(pop[t] * (1 - 0.005) ** k)
            poor = round(initial_poor[t] * remaining_share[y] ** speed[t])
            income = COUNTY_INCOME[y] * inc_level[t] * np.exp(inc_growth[t] * k)
            funds = (
                initial_poor[t]
                * 0.25
                * fund_profile[y]
                * np.exp(0.2 * fund[t] + rng.normal(0, 0.1))
            )
            cadres = rng.poisson(8 + 0.008 * initial_poor[t] + 2.5 * max(cad[t] + 1.5, 0))
            projects = rng.poisson(3 + 0.004 * funds * np.exp(0.2 * fund[t]))
            participants = int(sum(rng.poisson(40, projects))) if projects else 0
            training = rng.poisson(40 + 0.08 * initial_poor[t] * np.exp(0.2 * cad[t]))
            gap = insurance_gap[y] * np.exp(0.3 * rem[t] + rng.normal(0, 0.2))
            dropouts = rng.poisson((2.5 + 1.5 * max(rem[t], 0)) * dropout_profile[y])
            houses = rng.poisson(0.05 * initial_poor[t] * house_profile[y])
            rows.append(
                {
                    "township": tw["township"][t],
                    "township_name": tw["township_name"][t],
                    "year": str(y),
                    "rural_population": _fmt_int(popy),
                    "registered_poor": _fmt_int(poor),
                    "poverty_incidence_pct": f"{100 * poor / popy:.2f}",
                    "rural_income_yuan": _fmt_int(round(income)),
                    "funds_10k_yuan": f"{funds:.1f}",
                    "stationed_cadres": _fmt_int(cadres),
                    "industry_projects": _fmt_int(projects),
                    "industry_participants": _fmt_int(participants),
                    "training_participants": _fmt_int(training),
                    "medical_insurance_pct": f"{max(100 - gap, 90.0):.1f}",
                    "school_dropouts": _fmt_int(dropouts),
                    "houses_renovated": _fmt_int(houses),
                }
            )
    truth = {
        "initial_registered_poor": {
            tw["township"][t]: int(initial_poor[t]) for t in range(N_TOWNSHIPS)
        },
        "remaining_share_profile": {str(k): v for k, v in remaining_share.items()},
        "income_level_factor": {tw["township"][t]: float(inc_level[t]) for t in range(N_TOWNSHIPS)},
    }
    return pd.DataFrame(rows, columns=list(PANEL_COLUMNS)), truth


def _households(rng: np.random.Generator, tw: pd.DataFrame, n: int) -> tuple[pd.DataFrame, dict]:
    # --- sampling design: 8 townships, 4 villages each, households spread evenly ---------------
    sampled = np.sort(rng.choice(N_TOWNSHIPS, N_SAMPLED_TOWNSHIPS, replace=False))
    villages = []
    for t in sampled:
        vs = np.sort(
            rng.choice(VILLAGES_PER_TOWNSHIP, SAMPLED_VILLAGES_PER_TOWNSHIP, replace=False)
        )
        villages += [(t, f"{TOWNSHIPS[t]}-V{v + 1:02d}") for v in vs]
    nv = len(villages)
    per_village = np.full(nv, n // nv)
    per_village[: n % nv] += 1
    t_idx = np.repeat([t for t, _ in villages], per_village)
    village = np.repeat([v for _, v in villages], per_village)
    T = tw[["remoteness", "funding", "cadre_capacity"]].to_numpy()[t_idx]

    # --- demographics -------------------------------------------------------------------------
    sex = np.where(rng.random(n) < 0.6, "male", "female")
    age = np.clip(np.round(rng.normal(56, 12, n)), 20, 88).astype(int)
    age_z = (age - 56) / 12
    edu_latent = -0.5 * age_z + rng.normal(0, 1, n) - 0.2 * T[:, 0]
    edu = _cut(edu_latent, (-1.1, 0.3, 1.4, 2.3)) - 1
    edu_z = (edu - edu.mean()) / edu.std()
    size = np.clip(1 + rng.poisson(2.2, n), 1, 9)
    labour = np.minimum(rng.binomial(size, np.clip(0.75 - 0.25 * (age >= 65), 0.05, 1)), size)
    poor_p = _logistic(-1.1 + 0.5 * T[:, 0] - 0.4 * edu_z + 0.6 * (labour == 0))
    poor = (rng.random(n) < poor_p).astype(int)
    cause = np.where(poor == 1, rng.choice(CAUSES, n, p=CAUSE_PROBS), "")
    exit_year = np.where(poor == 1, rng.choice(YEARS, n, p=(0.12, 0.30, 0.33, 0.17, 0.08)), 0)

    # --- incomes: persistent log-normal process (AR(1) in logs) -------------------------------
    sigma, rho, sigma_eps = 0.50, 0.80, 0.15
    log_level = np.log(COUNTY_INCOME[2016] * INCOME_LEVEL_FACTOR) - sigma**2 / 2
    hh_eff = rng.normal(0, np.sqrt(sigma**2 - sigma_eps**2 / (1 - rho**2)), n)
    dev = hh_eff + 0.25 * edu_z - 0.12 * T[:, 0] + 0.15 * np.log1p(labour)
    inc = {}
    ar = rng.normal(0, sigma_eps / np.sqrt(1 - rho**2), n)
    for k, y in enumerate(YEARS):
        if k:
            ar = rho * ar + rng.normal(0, sigma_eps, n)
        level = log_level + np.log(COUNTY_INCOME[y] / COUNTY_INCOME[2016])
        inc[y] = np.exp(level + dev + ar - 0.55 * poor)
    # poverty status rule for registered-poor households: below the line before exit, above
    # it from the exit year on; a few exited households fall back below the line (返贫).
    below = rng.uniform(0.60, 0.97, (n, len(YEARS)))
    above = rng.uniform(1.05, 1.60, (n, len(YEARS)))
    for k, y in enumerate(YEARS):
        line = POVERTY_LINE[y]
        pre = (poor == 1) & (y < exit_year)
        post = (poor == 1) & (y >= exit_year)
        inc[y] = np.where(pre, np.minimum(inc[y], line * below[:, k]), inc[y])
        inc[y] = np.where(post, np.maximum(inc[y], line * above[:, k]), inc[y])
    relapse_candidates = np.flatnonzero((poor == 1) & (exit_year <= 2018))
    n_relapse = max(1, round(0.05 * relapse_candidates.size))
    relapse = np.sort(rng.choice(relapse_candidates, n_relapse, replace=False))
    relapse_year = {}
    for h in relapse:
        y = int(rng.integers(exit_year[h] + 1, 2020))  # relapse year in (exit, 2019]
        inc[y][h] = POVERTY_LINE[y] * rng.uniform(0.75, 0.97)
        relapse_year[int(h)] = y
    income = {y: np.round(inc[y]).astype(int) for y in YEARS}

    # --- income sources ---------------------------------------------------------------------
    src = {
        "src_wages": rng.random(n) < np.where(labour > 0, 0.70, 0.05),
        "src_agriculture": rng.random(n) < 0.80,
        "src_business": rng.random(n) < _logistic(-2.2 + 0.5 * edu_z),
        "src_transfers": rng.random(n) < np.where(poor == 1, 0.95, 0.35 + 0.3 * (age >= 60)),
        "src_property": rng.random(n) < np.where(poor == 1, 0.45, 0.15),
    }

    # --- latent performance scores ---------------------------------------------------------
    D = len(DIMENSIONS)
    R = np.full((D, D), LATENT_CORRELATION)
    np.fill_diagonal(R, 1.0)
    v = rng.multivariate_normal(np.zeros(D), R, size=n, method="cholesky")
    X_h = np.column_stack([edu_z, poor, age_z])
    sys_part = np.column_stack(
        [
            T @ np.array(TOWNSHIP_EFFECTS[d]) + X_h @ np.array(HOUSEHOLD_EFFECTS[d])
            for d in DIMENSIONS
        ]
    )
    raw = sys_part + v
    s = (raw - raw.mean(axis=0)) / raw.std(axis=0)  # standardised within the sample
    mu = np.array([DIM_MEANS[d] for d in DIMENSIONS])
    loadings = rng.uniform(*LOADING_RANGE, size=(D, ITEMS_PER_DIMENSION))
    items = {}
    for j, d in enumerate(DIMENSIONS):
        for i in range(ITEMS_PER_DIMENSION):
            lam = loadings[j, i]
            ystar = mu[j] + lam * s[:, j] + np.sqrt(1 - lam**2) * rng.normal(0, 1, n)
            items[f"{d}{i + 1}"] = _cut(ystar, ITEM_THRESHOLDS)
    w = np.array([IMPORTANCE_WEIGHTS[d] for d in DIMENSIONS])
    beta = OVERALL_SCALE * w
    eta = mu + s
    u_overall = eta @ beta + rng.logistic(0, 1, n)
    overall = _cut(u_overall - (mu @ beta), OVERALL_THRESHOLDS)
    w_z = (w - w.mean()) / w.std()
    person = rng.normal(0, 0.4, n)
    imp = {
        f"imp_{d}": _cut(0.7 + 0.35 * w_z[j] + person + rng.normal(0, 0.8, n), ITEM_THRESHOLDS)
        for j, d in enumerate(DIMENSIONS)
    }

    # --- two no-worries three guarantees, deprivations, quiz ---------------------------------
    two_three = {}
    for k, name in enumerate(TWO_THREE):
        p = _logistic(3.6 - 0.2 * k + 0.6 * s[:, 4] - 0.4 * T[:, 0] + 0.5 * (exit_year > 0))
        two_three[f"tb_{name}"] = (rng.random(n) < p).astype(int)
    wealth = np.log(income[2020])
    wealth_z = (wealth - wealth.mean()) / wealth.std()
    dep = {}
    for col, (af_dim, _, _, base) in DEPRIVATIONS.items():
        extra = -0.6 * edu_z if af_dim == "education" else 0.0
        p = _logistic(base - 0.5 * wealth_z + 0.3 * T[:, 0] + 0.4 * poor + extra)
        dep[col] = (rng.random(n) < p).astype(int)
    quiz = {}
    for col, (_, _, easiness) in QUIZ.items():
        p = _logistic(easiness + 0.6 * edu_z + 0.5 * s[:, 3] + 0.4 * poor)
        quiz[col] = (rng.random(n) < p).astype(int)

    # --- item non-response (MCAR), capped per respondent -------------------------------------
    likert_cols = list(items) + ["overall_satisfaction"] + list(imp)
    answers = {**items, "overall_satisfaction": overall, **imp}
    miss = rng.random((n, len(likert_cols))) < MISSING_RATE
    cap = int(np.floor(MAX_MISSING_SHARE * len(likert_cols)))
    for h in np.flatnonzero(miss.sum(axis=1) > cap):
        idx = np.flatnonzero(miss[h])
        miss[h, idx[cap:]] = False
    likert_text = {
        c: np.where(miss[:, k], "", answers[c].astype(str)) for k, c in enumerate(likert_cols)
    }

    df = pd.DataFrame(
        {
            "household_id": [f"H{k + 1:04d}" for k in range(n)],
            "township": [TOWNSHIPS[t] for t in t_idx],
            "village": village,
            "sex": sex,
            "age": age.astype(str),
            "education": [EDUCATION[e] for e in edu],
            "household_size": size.astype(str),
            "labour_force": labour.astype(str),
            "registered_poor": poor.astype(str),
            "exit_year": np.where(exit_year > 0, exit_year.astype(str), ""),
            "poverty_cause": cause,
            **{c: v.astype(int).astype(str) for c, v in src.items()},
            **{f"income_{y}": income[y].astype(str) for y in YEARS},
            **{c: v.astype(str) for c, v in two_three.items()},
            **{c: v.astype(str) for c, v in dep.items()},
            **{c: v.astype(str) for c, v in quiz.items()},
            **{c: likert_text[c] for c in items},
            "overall_satisfaction": likert_text["overall_satisfaction"],
            **{c: likert_text[c] for c in imp},
        }
    )
    truth = {
        "sampled_townships": [TOWNSHIPS[t] for t in sampled],
        "sampled_villages": [v for _, v in villages],
        "dimension_latent_means": DIM_MEANS,
        "latent_correlation": LATENT_CORRELATION,
        "item_thresholds": list(ITEM_THRESHOLDS),
        "loadings": {
            f"{d}{i + 1}": float(loadings[j, i])
            for j, d in enumerate(DIMENSIONS)
            for i in range(ITEMS_PER_DIMENSION)
        },
        "township_effects_on_dimensions": {
            d: dict(
                zip(("remoteness", "funding", "cadre_capacity"), TOWNSHIP_EFFECTS[d], strict=True)
            )
            for d in DIMENSIONS
        },
        "household_effects_on_dimensions": {
            d: dict(
                zip(("education_z", "registered_poor", "age_z"), HOUSEHOLD_EFFECTS[d], strict=True)
            )
            for d in DIMENSIONS
        },
        "importance_weights": IMPORTANCE_WEIGHTS,
        "overall_logit_coefficients": {d: float(b) for d, b in zip(DIMENSIONS, beta, strict=True)},
        "overall_thresholds_centred": list(OVERALL_THRESHOLDS),
        "income_process": {
            "sigma_log": sigma,
            "rho": rho,
            "sigma_innovation": sigma_eps,
            "registered_poor_log_gap": -0.55,
            "education_effect": 0.25,
            "remoteness_effect": -0.12,
            "county_mean_income_path": {str(y): COUNTY_INCOME[y] for y in YEARS},
        },
        "relapse_households": {f"H{h + 1:04d}": y for h, y in relapse_year.items()},
        "missing_rate": MISSING_RATE,
    }
    return df, truth


def _indicators() -> pd.DataFrame:
    rows = [
        {
            "id": "G",
            "level": "goal",
            "parent": "",
            "criterion": "",
            "label_en": "Performance of precision poverty alleviation in M County",
            "label_zh": "M县精准扶贫绩效",
            "direction": "",
            "source": "",
            "source_column": "",
        }
    ]
    for d in DIMENSIONS:
        en, zh = DIMENSION_LABELS[d]
        rows.append(
            {
                "id": d,
                "level": "criterion",
                "parent": "G",
                "criterion": d,
                "label_en": en,
                "label_zh": zh,
                "direction": "",
                "source": "",
                "source_column": "",
            }
        )
        for ind in INDICATORS:
            if ind[1] != d:
                continue
            rows.append(
                {
                    "id": ind[0],
                    "level": "indicator",
                    "parent": d,
                    "criterion": d,
                    "label_en": ind[2],
                    "label_zh": ind[3],
                    "direction": ind[4],
                    "source": ind[5],
                    "source_column": ind[6],
                }
            )
    return pd.DataFrame(rows)


def _expert_matrix(
    rng: np.random.Generator, ids: list[str], w: np.ndarray, *, inconsistent: bool = False
) -> tuple[np.ndarray, list[list[Fraction]], float]:
    n = len(ids)
    for _attempt in range(200):
        view = w * np.exp(rng.normal(0, EXPERT_SIGMA_VIEW, n))
        view = view / view.sum()
        A = [[Fraction(1)] * n for _ in range(n)]
        for i in range(n):
            for j in range(i + 1, n):
                r = view[i] / view[j] * np.exp(rng.normal(0, EXPERT_SIGMA_JUDGMENT))
                A[i][j] = to_saaty(r)
                A[j][i] = 1 / A[i][j]
        if inconsistent:
            # an intransitive cycle: 1 >> 2 >> 3 >> 1
            A[0][1], A[1][2], A[2][0] = Fraction(5), Fraction(5), Fraction(5)
            A[1][0], A[2][1], A[0][2] = Fraction(1, 5), Fraction(1, 5), Fraction(1, 5)
        M = np.array([[float(x) for x in row] for row in A])
        cr = consistency_ratio(M)
        if (cr > 0.10) if inconsistent else (cr < 0.10):
            return view, A, cr
    raise RuntimeError("could not draw an expert matrix with the required consistency")


def _experts(rng: np.random.Generator) -> tuple[pd.DataFrame, dict]:
    blocks = {
        "criteria": (list(DIMENSIONS), np.array([EXPERT_CRITERIA_WEIGHTS[d] for d in DIMENSIONS]))
    }
    for d in DIMENSIONS:
        inds = [ind for ind in INDICATORS if ind[1] == d]
        blocks[d] = ([i[0] for i in inds], np.array([i[7] for i in inds]))
    rows, truth_views, truth_cr = [], {}, {}
    for e, role in enumerate(EXPERT_ROLES):
        eid = f"E{e + 1:02d}"
        for block, (ids, w) in blocks.items():
            bad = eid == INCONSISTENT_EXPERT and block == "criteria"
            view, A, cr = _expert_matrix(rng, ids, w, inconsistent=bad)
            truth_views[f"{eid}/{block}"] = dict(zip(ids, view.tolist(), strict=True))
            truth_cr[f"{eid}/{block}"] = cr
            for i, r in enumerate(ids):
                for j, c in enumerate(ids):
                    rows.append(
                        {
                            "expert_id": eid,
                            "role": role,
                            "block": block,
                            "row": r,
                            "col": c,
                            "value": saaty_text(A[i][j]),
                        }
                    )
    truth = {
        "criteria_weights": EXPERT_CRITERIA_WEIGHTS,
        "indicator_local_weights": {
            d: {i[0]: i[7] for i in INDICATORS if i[1] == d} for d in DIMENSIONS
        },
        "sigma_view": EXPERT_SIGMA_VIEW,
        "sigma_judgment": EXPERT_SIGMA_JUDGMENT,
        "inconsistent": {"expert_id": INCONSISTENT_EXPERT, "block": "criteria"},
        "expert_views": truth_views,
        "generator_consistency_ratio": truth_cr,
    }
    return pd.DataFrame(rows), truth


# --------------------------------------------------------------------------------------------
# Codebook
# --------------------------------------------------------------------------------------------
CODEBOOK_COLUMNS = (
    "file",
    "column",
    "label_en",
    "label_zh",
    "type",
    "unit",
    "allowed",
    "min",
    "max",
    "dimension",
    "group",
    "required",
    "unique",
    "missing_rule",
    "description",
)
LIKERT_RULE = f"max {int(MAX_MISSING_SHARE * 100)}% per respondent across Likert items"
SIMULATED = "SIMULATED (see data/README.md)."


def _entry(file, column, label_en, label_zh, type_, *, unit="", allowed="", min_="", max_="",
           dimension="", group="", required="yes", unique="no", missing_rule="not allowed",
           description="") -> dict:  # fmt: skip
    return {
        "file": file,
        "column": column,
        "label_en": label_en,
        "label_zh": label_zh,
        "type": type_,
        "unit": unit,
        "allowed": allowed,
        "min": "" if min_ == "" else str(min_),
        "max": "" if max_ == "" else str(max_),
        "dimension": dimension,
        "group": group,
        "required": required,
        "unique": unique,
        "missing_rule": missing_rule,
        "description": description,
    }


def build_codebook() -> pd.DataFrame:
    """The codebook: one row per column of every data file (the validation source of truth)."""
    E = _entry
    H, J, IND, P, B, C = (
        "survey/households.csv",
        "experts/judgments.csv",
        "indicators.csv",
        "townships/panel.csv",
        "background/china_rural_poverty_2012_2021.csv",
        "codebook.csv",
    )
    tw = "|".join(TOWNSHIPS)
    likert = "1|2|3|4|5"
    rows = [
        E(
            H,
            "household_id",
            "Household identifier (anonymous)",
            "住户编号（匿名）",
            "string",
            allowed=r"regex:^H\d{4,}$",
            unique="yes",
            group="id",
            description="Sequential anonymous code; never a name, phone or ID number. " + SIMULATED,
        ),
        E(
            H,
            "township",
            "Township (anonymised id)",
            "乡镇（匿名编号）",
            "category",
            allowed=tw,
            group="id",
            description="One of M County's 25 townships, anonymised as T01..T25.",
        ),
        E(
            H,
            "village",
            "Administrative village (anonymised id)",
            "行政村（匿名编号）",
            "string",
            allowed=r"regex:^T\d{2}-V\d{2}$",
            group="id",
            description="Village code '<township>-Vnn'; its prefix must equal the township column.",
        ),
        E(
            H,
            "sex",
            "Respondent's sex",
            "受访者性别",
            "category",
            allowed="male|female",
            group="demographics",
        ),
        E(
            H,
            "age",
            "Respondent's age",
            "受访者年龄",
            "integer",
            unit="years",
            min_=16,
            max_=100,
            group="demographics",
        ),
        E(
            H,
            "education",
            "Respondent's highest education",
            "受访者文化程度",
            "category",
            allowed="|".join(EDUCATION),
            group="demographics",
            description="Ordered: none < primary < junior_secondary < senior_secondary < tertiary.",
        ),
        E(
            H,
            "household_size",
            "Household size",
            "家庭人口数",
            "integer",
            unit="persons",
            min_=1,
            max_=20,
            group="demographics",
        ),
        E(
            H,
            "labour_force",
            "Household members able to work",
            "家庭劳动力人数",
            "integer",
            unit="persons",
            min_=0,
            max_=20,
            group="demographics",
            description="Must not exceed household_size.",
        ),
        E(
            H,
            "registered_poor",
            "Registered poor household (建档立卡)",
            "是否建档立卡贫困户",
            "boolean",
            allowed="0|1",
            group="poverty_status",
        ),
        E(
            H,
            "exit_year",
            "Year the household exited poverty",
            "脱贫年份",
            "integer",
            unit="year",
            min_=2016,
            max_=2020,
            group="poverty_status",
            missing_rule="required if registered_poor = 1, else empty",
        ),
        E(
            H,
            "poverty_cause",
            "Main cause of poverty",
            "主要致贫原因",
            "category",
            allowed="|".join(CAUSES),
            group="poverty_status",
            missing_rule="required if registered_poor = 1, else empty",
        ),
    ]
    for c, (en, zh) in INCOME_SOURCES.items():
        rows.append(E(H, c, f"Income source: {en}", f"收入来源：{zh}", "boolean", allowed="0|1",
                      group="income_source"))  # fmt: skip
    for y in YEARS:
        rows.append(
            E(H, f"income_{y}", f"Per-capita net income {y}", f"{y}年家庭人均纯收入", "integer",
              unit="yuan per person per year", min_=0, group="income",
              description=f"Current prices. Poverty line {y}: {POVERTY_LINE[y]} yuan. " + SIMULATED)
        )  # fmt: skip
    zh_tb = {"food": "不愁吃", "clothing": "不愁穿", "schooling": "义务教育有保障",
             "medical_insurance": "基本医疗有保障", "housing": "住房安全有保障",
             "drinking_water": "饮水安全有保障"}  # fmt: skip
    for name in TWO_THREE:
        rows.append(E(H, f"tb_{name}", f"Two no-worries three guarantees: {name.replace('_', ' ')} attained",
                      f"两不愁三保障：{zh_tb[name]}（是=1）", "boolean", allowed="0|1",
                      group="two_three"))  # fmt: skip
    for col, (af_dim, en, zh, _) in DEPRIVATIONS.items():
        rows.append(E(H, col, f"Deprived: {en}", f"剥夺：{zh}（是=1）", "boolean", allowed="0|1",
                      group=f"deprivation:{af_dim}",
                      description=f"Alkire-Foster indicator, dimension '{af_dim}'; 1 = deprived."))  # fmt: skip
    for col, (en, zh, _) in QUIZ.items():
        rows.append(E(H, col, f"Policy quiz: {en}", f"政策知晓：{zh}（答对=1）", "boolean",
                      allowed="0|1", group="quiz"))  # fmt: skip
    for col, (en, zh) in LIKERT_ITEMS.items():
        d = col[:2]
        rows.append(E(H, col, en, f"{zh}（1=非常不同意 … 5=非常同意）", "integer", allowed=likert,
                      min_=1, max_=5, dimension=d, group="likert", missing_rule=LIKERT_RULE,
                      description=f"Likert item of dimension '{d}' ({DIMENSION_LABELS[d][0]}). "
                      + SIMULATED))  # fmt: skip
    rows.append(E(H, "overall_satisfaction", "Overall satisfaction with poverty-alleviation work",
                  "对本地精准扶贫工作的总体满意度（1=非常不满意 … 5=非常满意）", "integer",
                  allowed=likert, min_=1, max_=5, group="overall", missing_rule=LIKERT_RULE,
                  description=SIMULATED))  # fmt: skip
    for d in DIMENSIONS:
        en, zh = DIMENSION_LABELS[d]
        rows.append(E(H, f"imp_{d}", f"Importance of {en}", f"您认为“{zh}”的重要程度（1=很不重要 … 5=非常重要）",
                      "integer", allowed=likert, min_=1, max_=5, dimension=d, group="importance",
                      missing_rule=LIKERT_RULE, description=SIMULATED))  # fmt: skip
    roles = "county_official|township_cadre|village_cadre|scholar"
    ind_ids = "|".join([d for d in DIMENSIONS] + [i[0] for i in INDICATORS])
    saaty = "|".join(saaty_text(v) for v in SAATY_VALUES)
    rows += [
        E(
            J,
            "expert_id",
            "Expert identifier (anonymous)",
            "专家编号（匿名）",
            "string",
            allowed=r"regex:^E\d{2,}$",
            description=SIMULATED,
        ),
        E(J, "role", "Expert's role", "专家身份", "category", allowed=roles),
        E(
            J,
            "block",
            "Comparison matrix",
            "判断矩阵",
            "category",
            allowed="criteria|" + "|".join(DIMENSIONS),
            description="'criteria' compares the five criteria; a criterion id compares its indicators.",
        ),
        E(
            J,
            "row",
            "Row element (indicator id)",
            "行元素（指标编号）",
            "category",
            allowed=ind_ids,
            description="An id from indicators.csv belonging to the block.",
        ),
        E(
            J,
            "col",
            "Column element (indicator id)",
            "列元素（指标编号）",
            "category",
            allowed=ind_ids,
        ),
        E(
            J,
            "value",
            "Saaty judgment: importance of row relative to column",
            "行元素相对列元素的重要性（Saaty 1-9 标度）",
            "string",
            allowed=saaty,
            description="Stored as text: integers 1..9 or reciprocals '1/2'..'1/9'. Full matrices: "
            "a[col,row] = 1/a[row,col], diagonal 1.",
        ),
        E(IND, "id", "Element id", "指标编号", "string", unique="yes"),
        E(IND, "level", "Hierarchy level", "层级", "category", allowed="goal|criterion|indicator"),
        E(IND, "parent", "Parent element id", "上级指标编号", "string", missing_rule="allowed"),
        E(
            IND,
            "criterion",
            "Criterion (dimension)",
            "准则层",
            "category",
            allowed="|".join(DIMENSIONS),
            missing_rule="allowed",
        ),
        E(IND, "label_en", "English label", "英文名称", "string"),
        E(IND, "label_zh", "Chinese label", "中文名称", "string"),
        E(
            IND,
            "direction",
            "Direction",
            "指标方向",
            "category",
            allowed="benefit|cost",
            missing_rule="allowed",
            description="benefit: larger is better; cost: smaller is better.",
        ),
        E(
            IND,
            "source",
            "Data source",
            "数据来源",
            "category",
            allowed="survey|township",
            missing_rule="allowed",
        ),
        E(
            IND,
            "source_column",
            "Column in the source file",
            "来源数据列",
            "string",
            missing_rule="allowed",
            description="Column of survey/households.csv or townships/panel.csv.",
        ),
    ]
    panel_spec = {
        "township": ("Township (anonymised id)", "乡镇（匿名编号）", "category", "", tw, "", ""),
        "township_name": ("Township name (neutral placeholder)", "乡镇名称（中性占位）", "string", "", "", "", ""),
        "year": ("Year", "年份", "integer", "year", "", 2016, 2020),
        "rural_population": ("Rural registered population", "农村户籍人口", "integer", "persons", "", 0, ""),
        "registered_poor": ("Registered poor not yet exited (year end)", "年末未脱贫建档立卡贫困人口", "integer", "persons", "", 0, ""),
        "poverty_incidence_pct": ("Poverty incidence", "贫困发生率", "float", "percent", "", 0, 100),
        "rural_income_yuan": ("Rural per-capita disposable income", "农村居民人均可支配收入", "integer", "yuan per person per year", "", 0, ""),
        "funds_10k_yuan": ("Poverty-alleviation funds", "扶贫资金投入", "float", "10,000 yuan", "", 0, ""),
        "stationed_cadres": ("Cadres stationed in villages", "驻村干部人数", "integer", "persons", "", 0, ""),
        "industry_projects": ("Poverty-alleviation industry projects", "扶贫产业项目数", "integer", "projects", "", 0, ""),
        "industry_participants": ("Poor people taking part in industry projects", "参与产业项目贫困人口", "integer", "persons", "", 0, ""),
        "training_participants": ("Skills-training participants", "技能培训人数", "integer", "persons", "", 0, ""),
        "medical_insurance_pct": ("Basic medical-insurance participation", "基本医疗保险参保率", "float", "percent", "", 0, 100),
        "school_dropouts": ("Compulsory-school dropouts", "义务教育阶段辍学人数", "integer", "persons", "", 0, ""),
        "houses_renovated": ("Dilapidated houses renovated", "危房改造户数", "integer", "households", "", 0, ""),
    }  # fmt: skip
    for col, (en, zh, typ, unit, allowed, lo, hi) in panel_spec.items():
        rows.append(E(P, col, en, zh, typ, unit=unit, allowed=allowed, min_=lo, max_=hi,
                      description=SIMULATED + " One row per township and year."))  # fmt: skip
    bg = {
        "year": ("Year", "年份", "integer", "year", "not allowed"),
        "rural_poor_10k_persons": ("Rural poor population", "农村贫困人口", "float", "10,000 persons", "allowed"),
        "poverty_incidence_pct": ("Rural poverty incidence", "农村贫困发生率", "float", "percent", "allowed"),
        "poverty_line_yuan_current_prices": ("Poverty line at current prices", "现价贫困标准", "float", "yuan per person per year", "allowed"),
        "rural_disposable_income_mean_yuan": ("Rural per-capita disposable income, mean", "农村居民人均可支配收入（平均数）", "float", "yuan per person per year", "allowed"),
        "rural_disposable_income_median_yuan": ("Rural per-capita disposable income, median", "农村居民人均可支配收入（中位数）", "float", "yuan per person per year", "allowed"),
        "poor_areas_rural_disposable_income_mean_yuan": ("Poor areas: rural per-capita disposable income, mean", "贫困地区农村居民人均可支配收入", "float", "yuan per person per year", "allowed"),
        "source": ("Source of the figures", "资料来源", "string", "", "not allowed"),
    }  # fmt: skip
    for col, (en, zh, typ, unit, rule) in bg.items():
        rows.append(E(B, col, en, zh, typ, unit=unit, min_=0 if typ != "string" else "",
                      missing_rule=rule,
                      description="REAL public figure (NBS releases); empty = not found in a "
                      "published release, keep empty."))  # fmt: skip
    for col in CODEBOOK_COLUMNS:
        rows.append(E(C, col, f"Codebook field '{col}'", f"编码本字段 {col}", "string",
                      missing_rule="not allowed" if col in ("file", "column", "type", "required")
                      else "allowed"))  # fmt: skip
    return pd.DataFrame(rows, columns=list(CODEBOOK_COLUMNS))


# --------------------------------------------------------------------------------------------
# Entry points
# --------------------------------------------------------------------------------------------
def simulate(seed: int = DEFAULT_SEED, n_households: int = DEFAULT_HOUSEHOLDS) -> SimulatedData:
    """Draw one complete SIMULATED dataset from the documented model.

    Parameters
    ----------
    seed : int, default 20201231
        Seed for ``numpy.random.default_rng``; the same seed gives identical output.
    n_households : int, default 700
        Survey sample size (at least 64 so each of the 32 sampled villages has a household).

    Returns
    -------
    SimulatedData
        String-formatted tables ready to write, the codebook and the planted ``truth``.

    Notes
    -----
    Equations (details and sources in ``data/README.md``): latent dimension score
    ``s_hd`` = standardised (``T_t' a_d + X_h' b_d + v_hd``), ``v_h ~ N(0, R)`` with
    ``R_dd' = 0.3``; item ``y*_hdi = mu_d + lambda_di s_hd + sqrt(1 - lambda_di^2) e``,
    ``Likert = 1 + #{tau_k < y*}``; overall satisfaction is an ordered logit in
    ``mu_d + s_hd`` with coefficients ``3 w_d``; log income is AR(1) around a calibrated path.

    Raises
    ------
    ValueError
        If ``n_households`` is below 64 or ``seed`` is negative.
    """
    nv = N_SAMPLED_TOWNSHIPS * SAMPLED_VILLAGES_PER_TOWNSHIP
    if int(n_households) < 2 * nv:
        raise ValueError(
            f"n_households: must be at least {2 * nv} (2 per sampled village), got {n_households}"
        )
    if int(seed) < 0:
        raise ValueError(f"seed: must be a non-negative integer, got {seed}")
    rng = np.random.default_rng(int(seed))
    tw = _townships(rng)
    panel, truth_panel = _panel(rng, tw)
    households, truth_hh = _households(rng, tw, int(n_households))
    judgments, truth_exp = _experts(rng)
    truth = {
        "_note": "SIMULATED data: planted parameters of the generating model (utils/study/simulate.py).",
        "seed": int(seed),
        "n_households": int(n_households),
        "poverty_line_yuan": {str(y): POVERTY_LINE[y] for y in YEARS},
        "townships": {
            r.township: {
                "remoteness": r.remoteness,
                "funding": r.funding,
                "cadre_capacity": r.cadre_capacity,
            }
            for r in tw.itertuples()
        },
        "panel": truth_panel,
        "survey": truth_hh,
        "experts": truth_exp,
    }
    return SimulatedData(
        households=households,
        judgments=judgments,
        indicators=_indicators(),
        panel=panel,
        codebook=build_codebook(),
        truth=_round_floats(truth),
    )


def write_dataset(
    out: str | Path, seed: int = DEFAULT_SEED, n_households: int = DEFAULT_HOUSEHOLDS
) -> list[Path]:
    """Simulate and write a complete data directory; return the paths written (sorted).

    Writes ``survey/households.csv``, ``experts/judgments.csv``, ``indicators.csv``,
    ``townships/panel.csv``, ``codebook.csv``, ``truth.json`` and copies the real
    ``background/`` files from the repository's ``data/`` (unless ``out`` *is* that folder).
    UTF-8, ``\\n`` line endings, fixed number formats: byte-for-byte reproducible.
    """
    out = Path(out)
    sim = simulate(seed, n_households)
    files = {
        "survey/households.csv": sim.households,
        "experts/judgments.csv": sim.judgments,
        "indicators.csv": sim.indicators,
        "townships/panel.csv": sim.panel,
        "codebook.csv": sim.codebook,
    }
    written = []
    for rel, df in files.items():
        _write_csv(df, out / rel)
        written.append(out / rel)
    truth_path = out / "truth.json"
    truth_path.write_bytes(
        (json.dumps(sim.truth, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode("utf-8")
    )
    written.append(truth_path)
    src_bg = REPO_DATA_DIR / "background"
    dst_bg = out / "background"
    if src_bg.is_dir() and src_bg.resolve() != dst_bg.resolve():
        dst_bg.mkdir(parents=True, exist_ok=True)
        for f in sorted(src_bg.iterdir()):
            if f.is_file():
                shutil.copyfile(f, dst_bg / f.name)
                written.append(dst_bg / f.name)
    return sorted(written)


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point: ``python -m utils.study.simulate --seed S --households N --out DIR``."""
    p = argparse.ArgumentParser(description="Write the SIMULATED M County study data.")
    p.add_argument("--seed", type=int, default=DEFAULT_SEED)
    p.add_argument("--households", type=int, default=DEFAULT_HOUSEHOLDS)
    p.add_argument("--out", type=Path, default=REPO_DATA_DIR)
    a = p.parse_args(argv)
    for path in write_dataset(a.out, a.seed, a.households):
        print(path)
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
