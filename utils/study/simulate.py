"""Seeded generator for the project's SIMULATED study data (survey, experts, townships).

The thesis' household survey, expert questionnaires and township statistics are not public.
This module writes stand-in data from a documented statistical model so that every chapter
runs, and so that an author can later drop in the real files with the same codebook.
Everything it writes is SIMULATED and says so; none of it is a fact about the real county.

The simulated county is kept consistent with what is publicly known about it (25 townships,
396 administrative villages, about 450,000 rural residents, a national key county approved to
exit poverty in the second 2017 batch, announced 2018-10-17): the county's poverty incidence
falls below the 2 % exit rule at the end of 2017, the year assessed for that batch. The
survey is drawn from the simulated population by a stated stratified two-stage cluster
design (villages as primary sampling units, drawn with probability proportional to their
number of households within four township strata; households drawn within each village
separately among registered-poor and other households, the registered poor oversampled), and
carries its design weights, strata and PSUs.

Several planted truths ("scenarios") can be generated, each with a ``truth.json`` naming the
weak dimensions and active causes it planted, so a reader can tell whether the book's
methods find what is there rather than what the book expects.

Command line (regenerates the committed files byte for byte)::

    python -m utils.study.simulate --scenario thesis --seed 20201231 --households 700 --out data/

``--out`` is required; the simulator refuses to overwrite files it did not write (or that
were changed since) unless ``--force`` is given, and then keeps a backup.

The model's equations and calibration targets are documented in ``data/README.md`` and
``book/appendix/simulation.md``; the constants below are the planted parameters, and all of
them are also written to ``truth.json`` so chapters can show how well each method recovers
them.

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
import hashlib
import io
import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from fractions import Fraction
from pathlib import Path

import numpy as np
import pandas as pd

REPO_DATA_DIR = Path(__file__).resolve().parents[2] / "data"
DEFAULT_SEED = 20201231
DEFAULT_HOUSEHOLDS = 700
DEFAULT_SCENARIO = "thesis"
SCENARIOS = ("thesis", "null", "shuffled", "mnar", "inconsistent-experts", "clustered")
YEARS = (2016, 2017, 2018, 2019, 2020)
EXIT_YEARS = (2015, 2016, 2017, 2018, 2019, 2020)
DIMENSIONS = ("gs", "in", "ss", "ed", "lc")
DIMENSION_LABELS = {
    "gs": ("government services", "政府服务"),
    "in": ("poverty-alleviation industries", "产业扶贫"),
    "ss": ("social security", "社会保障"),
    "ed": ("education and ideological knowledge", "扶志扶智（教育与思想观念）"),
    "lc": ("living conditions and outcomes", "生活条件与脱贫成效"),
}

# --- the county's public record (data/background/README.md, medium confidence) ---------------
N_TOWNSHIPS = 25
N_VILLAGES = 396
RURAL_POPULATION_2016 = 450_000
PERSONS_PER_HOUSEHOLD = 3.1  # frame assumption: rural persons per household
REGISTERED_PERSONS_PER_HOUSEHOLD = 2.8  # registered-poor households are smaller
TOWNSHIPS = tuple(f"T{k:02d}" for k in range(1, N_TOWNSHIPS + 1))
EXIT_RULE_PCT = 2.0  # county exit: incidence, wrongly exited and missed shares each below 2 %
COUNTY_RECORD = {
    "exit_batch": "second 2017 batch",
    "exit_announced": "2018-10-17",
    "assessed_year": 2017,  # year-end figures assessed for the 2017 batches
    "exit_rule_pct": EXIT_RULE_PCT,
    "source": "data/background/README.md (public context, medium confidence)",
}
#: County poverty incidence (registered poor not yet exited / rural population, percent) at
#: each year end; 2017 is below the 2 % rule (the assessed year of the second 2017 batch).
INCIDENCE_PATH_PCT = {2015: 9.0, 2016: 6.0, 2017: 1.5, 2018: 0.8, 2019: 0.3, 2020: 0.0}

# --- sampling design ---------------------------------------------------------------------------
N_STRATA = 4  # township strata by remoteness quartile (S1 plains ... S4 deep mountains)
PSUS_PER_STRATUM = 8  # villages drawn per stratum, PPS (households), systematic
REGISTERED_SAMPLE_SHARE = 0.35  # share of each village's sample drawn among registered poor
STRATUM_LABELS = {
    "S1": "plains townships (least remote quartile)",
    "S2": "hill townships (second quartile)",
    "S3": "mountain townships (third quartile)",
    "S4": "deep-mountain townships (most remote quartile)",
}

# --- calibration targets (sources in data/README.md) ---------------------------------------
#: OFFICIAL national poverty line at current prices, where a published figure was found:
#: 2,952 yuan in 2016 (NBS) and about 4,000 yuan in 2020 (SCIO white paper 2021). 2017-2019:
#: no NBS release with the current-price line was found (a gap, kept empty).
OFFICIAL_POVERTY_LINE = {2016: 2952, 2017: None, 2018: None, 2019: None, 2020: 4000}
#: Income threshold the SIMULATION uses each year to place registered households below or
#: above the line. 2017-2019 are a geometric interpolation between the two official values:
#: a modelling assumption, NOT an official poverty line.
SIMULATION_THRESHOLD = {y: round(2952 * (4000 / 2952) ** ((y - 2016) / 4)) for y in YEARS}
POVERTY_LINE = SIMULATION_THRESHOLD  # backward-compatible name (the generator's thresholds)
#: Rural per-capita disposable income in China's poor areas (NBS, current yuan).
POOR_AREAS_INCOME = {2016: 8452, 2017: 9377, 2018: 10371, 2019: 11567, 2020: 12588}
#: Rural per-capita disposable income in Hebei's poor counties, 2018 (Hebei reporting).
HEBEI_POOR_COUNTY_INCOME_2018 = 10922
#: County mean income path (per person): the Hebei 2018 level moved with the poor-areas growth.
COUNTY_INCOME = {
    y: HEBEI_POOR_COUNTY_INCOME_2018 * POOR_AREAS_INCOME[y] / POOR_AREAS_INCOME[2018] for y in YEARS
}
CALIBRATION_POPULATION = 20_000  # pseudo-population households used to calibrate income levels

# --- planted structure -----------------------------------------------------------------------
#: Latent dimension means on the item's latent-response scale (thesis scenario): four weak
#: dimensions, one strong (the thesis' finding), so that methods can *find* it.
DIM_MEANS = {"gs": -0.35, "in": -0.45, "ss": -0.30, "ed": -0.40, "lc": 0.45}
STRONG_MEAN = 0.45  # latent mean of a dimension that is not weak
WEAK_MEAN = -0.40  # latent mean of a weak dimension in the generated scenarios
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
#: Random effects on the latent scores (sd): township and village (PSU) level.
TOWNSHIP_SD, VILLAGE_SD = 0.10, 0.12
CLUSTERED_TOWNSHIP_SD, CLUSTERED_VILLAGE_SD = 0.80, 0.70

#: The thesis' four causes, the dimension each acts on, and its township-level proxy column
#: in the panel (sign +1: larger proxy = cause less present, i.e. better functioning).
CAUSE_IDS = ("gov_role", "industry_policy", "ss_foundation", "education_investment")
CAUSE_INFO = {
    "gov_role": ("gs", "cadre_visits_per_household", +1,
                 "government not playing its role fully", "政府职能作用发挥不充分"),
    "industry_policy": ("in", "industry_fund_delay_months", -1,
                        "industry support policy lags behind", "产业扶持政策滞后"),
    "ss_foundation": ("ss", "social_assistance_staff_per_10k", +1,
                      "weak social-security work foundation", "社会保障工作基础薄弱"),
    "education_investment": ("ed", "education_spending_yuan_per_pupil", +1,
                             "insufficient investment in education", "教育投入不足"),
}  # fmt: skip
#: Effect of an ACTIVE cause's township level (standardised, better = higher) on its
#: dimension's latent score and on the matched measures; an inactive cause has effect 0.
CAUSE_EFFECT = 0.45
#: Correlation of each cause level with remoteness: remote townships tend to have weaker
#: foundations, so a model of a cause without the remoteness control (the panel's
#: ``distance_to_county_km``, or the stratum) confounds the two.
CAUSE_REMOTENESS_CORR = -0.2

#: The measure of each dimension that matches the thesis' wording of its problem (survey or
#: panel columns), written to ``truth.json`` so later chapters need not hard-code them.
MATCHED_MEASURES = {
    "gs": {"survey": ["gs1", "gs2", "gs3", "gs4", "gs5"], "panel": ["cadre_visits_per_household"]},
    "in": {"survey": ["ind_participates", "ind_income_gain_yuan"],
           "panel": ["industry_efficiency", "projects_surviving_pct", "participant_income_gain_yuan"]},
    "ss": {"survey": ["cov_medical_insurance", "cov_pension", "cov_dibao", "cov_serious_illness_aid"],
           "panel": ["serious_illness_aid_pct", "dibao_coverage_pct", "medical_insurance_pct"]},
    "ed": {"survey": ["quiz1", "quiz2", "quiz3", "quiz4", "quiz5", "asp1", "asp2", "asp3", "asp4"],
           "panel": []},
    "lc": {"survey": ["lc1", "lc2", "lc3", "lc4", "lc5"], "panel": ["rural_income_yuan", "poverty_incidence_pct"]},
}  # fmt: skip
#: The thesis' countermeasures, the cause each answers and the column that monitors it; a
#: countermeasure is warranted (in the planted truth) when its cause is active.
COUNTERMEASURES = {
    "social_organisations": ("gov_role", "strengthen cooperation with social organisations", "social_org_partners"),
    "industry_policy_reform": ("industry_policy", "reform the policies that support industries", "industry_efficiency"),
    "social_security_mechanism": ("ss_foundation", "improve the social-security mechanism", "serious_illness_aid_pct"),
    "education_assistance": ("education_investment", "optimise the path of education assistance", "education_spending_yuan_per_pupil"),
}  # fmt: skip

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
INCONSISTENT_EXPERTS_MANY = ("E01", "E02", "E04", "E05", "E07", "E08", "E10")
EXPERT_SIGMA_VIEW = 0.20  # sd of an expert's log deviation from the planted weights
EXPERT_SIGMA_JUDGMENT = 0.25  # sd of the log noise on each pairwise ratio
SAATY_RI = {1: 0.0, 2: 0.0, 3: 0.58, 4: 0.90, 5: 1.12, 6: 1.24, 7: 1.32, 8: 1.41, 9: 1.45}
SAATY_VALUES = tuple(
    sorted({Fraction(1, k) for k in range(1, 10)} | {Fraction(k) for k in range(1, 10)})
)
MISSING_RATE = 0.03
MAX_MISSING_SHARE = 0.20
#: Exit assessment (third-party, 2018, of exits up to 2017): planted rates.
WRONGLY_EXITED_RATE = 0.008
MISSED_RATE = 0.006
#: Quasi-identifier coarsening of the published survey (see data/README.md, privacy).
#: age is published in five-year groups coded by the group's first year (16 for 16-19), top-coded
#: at 80 (80 = 80 or older); household size (and labour force) top-coded at 7 (7 = seven or more);
#: the village code is not published (the pseudonymous PSU code is the cluster id).
AGE_GROUP_YEARS = 5
AGE_TOP = 80
HOUSEHOLD_SIZE_TOP = 7


def release_age(age: np.ndarray) -> np.ndarray:
    """Age as published: five-year group's first year (16 for 16-19), 80 = 80 or older.

    Examples
    --------
    >>> release_age(np.array([16, 19, 20, 44, 45, 79, 80, 93])).tolist()
    [16, 16, 20, 40, 45, 75, 80, 80]
    """
    a = np.asarray(age, dtype=int)
    return np.clip(a // AGE_GROUP_YEARS * AGE_GROUP_YEARS, 16, AGE_TOP)


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
    ("IN4", "in", "Participants in industry projects", "产业项目参与人数", "benefit", "township", "industry_participants", 0.15),
    ("IN5", "in", "Industry efficiency: participants' income gain per yuan of industry funds", "产业资金带贫效率（每元产业资金带来的参与者增收）", "benefit", "township", "industry_efficiency", 0.10),
    ("SS1", "ss", "Adequacy of medical reimbursement", "医疗报销满意度", "benefit", "survey", "ss1", 0.30),
    ("SS2", "ss", "Fairness of minimum-living allowances", "低保评定公平性", "benefit", "survey", "ss2", 0.20),
    ("SS3", "ss", "Medical-insurance participation", "基本医疗保险参保率", "benefit", "township", "medical_insurance_pct", 0.30),
    ("SS4", "ss", "Timeliness of serious-illness assistance", "大病救助及时性", "benefit", "survey", "ss4", 0.10),
    ("SS5", "ss", "Serious-illness assistance reach", "大病救助覆盖率", "benefit", "township", "serious_illness_aid_pct", 0.10),
    ("ED1", "ed", "Education subsidies received", "教育资助到位情况", "benefit", "survey", "ed1", 0.30),
    ("ED2", "ed", "Usefulness of skills training", "技能培训实用性", "benefit", "survey", "ed2", 0.25),
    ("ED3", "ed", "Skills-training participants", "技能培训人数", "benefit", "township", "training_participants", 0.20),
    ("ED4", "ed", "Compulsory-school dropouts", "义务教育阶段辍学人数", "cost", "township", "school_dropouts", 0.15),
    ("ED5", "ed", "Self-reliance (aspiration) of households", "脱贫内生动力（志气）", "benefit", "survey", "asp1", 0.10),
    ("LC1", "lc", "Housing safety", "住房安全保障", "benefit", "survey", "lc1", 0.15),
    ("LC2", "lc", "Perceived income growth", "收入增长感受", "benefit", "survey", "lc4", 0.15),
    ("LC3", "lc", "Rural per-capita disposable income", "农村居民人均可支配收入", "benefit", "township", "rural_income_yuan", 0.30),
    ("LC4", "lc", "Poverty incidence", "贫困发生率", "cost", "township", "poverty_incidence_pct", 0.30),
    ("LC5", "lc", "Dilapidated houses renovated", "危房改造户数", "benefit", "township", "houses_renovated", 0.10),
)  # fmt: skip

#: Aspiration / mindset items (扶志; "ideological knowledge" in the thesis' words). asp4 is
#: reverse-keyed (agreement = waiting for help, 等靠要).
ASPIRATION_ITEMS = {
    "asp1": ("I would rather rely on my own work than wait for help", "我宁愿靠自己劳动致富，也不等靠要", False),
    "asp2": ("I plan to learn a new skill or start a new activity next year", "我计划明年学一门新技术或发展新产业", False),
    "asp3": ("I want my children to get more education than I did", "我希望孩子受到比我更多的教育", False),
    "asp4": ("Getting out of poverty is mainly the government's job", "脱贫主要靠政府，自己努力作用不大", True),
}  # fmt: skip
#: Social-security coverage items (household level, 0/1; empty where not applicable).
COVERAGE_ITEMS = {
    "cov_medical_insurance": ("All members enrolled in basic medical insurance", "全家参加基本医疗保险", ""),
    "cov_pension": ("Members aged 60+ receive the rural basic pension", "60岁以上成员领取城乡居民基础养老金", "has_elderly"),
    "cov_dibao": ("Receives the minimum living guarantee (dibao)", "享受农村最低生活保障（低保）", ""),
    "cov_serious_illness_aid": ("Serious-illness insurance or medical assistance received for the episode", "大病保险或医疗救助到位", "serious_illness"),
}  # fmt: skip
#: Social-security coverage targets used by the simulation (coverage of the eligible when the
#: dimension is not weak / when it is weak), on the logit scale.
COVERAGE_LOGIT = {
    "cov_medical_insurance": (3.4, 2.4),
    "cov_pension": (3.0, 1.8),
    "cov_dibao_need": (1.6, 0.2),
    "cov_serious_illness_aid": (2.2, 0.5),
}

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
    # added with the design and cause proxies (issue 10); older columns unchanged
    "stratum",
    "villages",
    "households",
    "registered_households",
    "industry_funds_10k_yuan",
    "participant_income_gain_yuan",
    "industry_efficiency",
    "projects_surviving_pct",
    "serious_illness_aid_pct",
    "dibao_coverage_pct",
    "social_org_partners",
    "cadre_visits_per_household",
    "industry_fund_delay_months",
    "social_assistance_staff_per_10k",
    "education_spending_yuan_per_pupil",
    "distance_to_county_km",
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
# Scenarios
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Scenario:
    """One planted truth: what is weak, which causes act, the weights and the nuisances.

    Attributes
    ----------
    name : str
        One of :data:`SCENARIOS`.
    dim_means : dict
        Latent mean of each dimension (weak dimensions lower).
    weak_dimensions : tuple of str
        Dimension ids planted weak (ids as in ``indicators.csv``).
    active_causes : tuple of str
        Cause ids (:data:`CAUSE_IDS`) whose township proxy acts on its dimension.
    importance_weights, expert_criteria_weights : dict
        Planted weights (overall satisfaction; AHP criteria).
    township_sd, village_sd : float
        Random-effect standard deviations of the latent scores.
    missingness : {"mcar", "mnar"}
    inconsistent_experts : tuple of str
        Experts whose criteria matrix is made inconsistent (CR > 0.10).
    description : str
    """

    name: str
    dim_means: dict
    weak_dimensions: tuple
    active_causes: tuple
    importance_weights: dict
    expert_criteria_weights: dict
    township_sd: float = TOWNSHIP_SD
    village_sd: float = VILLAGE_SD
    missingness: str = "mcar"
    inconsistent_experts: tuple = (INCONSISTENT_EXPERT,)
    description: str = ""


def scenario(name: str = DEFAULT_SCENARIO, seed: int = DEFAULT_SEED) -> Scenario:
    """The planted truth of a named scenario (``shuffled`` draws its truth from ``seed``).

    Parameters
    ----------
    name : {"thesis", "null", "shuffled", "mnar", "inconsistent-experts", "clustered"}
    seed : int
        Only ``shuffled`` uses it (a separate stream, ``default_rng([seed, 101])``).

    Returns
    -------
    Scenario

    Raises
    ------
    ValueError
        If ``name`` is not a known scenario.

    Examples
    --------
    >>> scenario("null").weak_dimensions
    ()
    >>> scenario("thesis").active_causes
    ('gov_role', 'industry_policy', 'ss_foundation', 'education_investment')
    """
    if name not in SCENARIOS:
        raise ValueError(f"scenario: must be one of {list(SCENARIOS)}, got {name!r}")
    thesis = Scenario(
        name="thesis",
        dim_means=dict(DIM_MEANS),
        weak_dimensions=("gs", "in", "ss", "ed"),
        active_causes=CAUSE_IDS,
        importance_weights=dict(IMPORTANCE_WEIGHTS),
        expert_criteria_weights=dict(EXPERT_CRITERIA_WEIGHTS),
        description="The thesis' story: government services, industries, social security and "
        "ideological knowledge weak, living conditions strong; all four causes act.",
    )
    if name == "thesis":
        return thesis
    if name == "null":
        equal = {d: 0.2 for d in DIMENSIONS}
        return Scenario(
            name="null",
            dim_means={d: STRONG_MEAN for d in DIMENSIONS},
            weak_dimensions=(),
            active_causes=(),
            importance_weights=equal,
            expert_criteria_weights=equal,
            description="No weak dimension (all latent means equal and above the neutral "
            "answer), no active cause, equal importance and expert weights.",
        )
    if name == "shuffled":
        rng = np.random.default_rng([int(seed), 101])
        while True:
            k = int(rng.integers(1, 4))
            chosen = set(rng.choice(DIMENSIONS, k, replace=False).tolist())
            weak = tuple(d for d in DIMENSIONS if d in chosen)
            if set(weak) != set(thesis.weak_dimensions):
                break
        kc = int(rng.integers(1, 4))
        chosen_causes = set(rng.choice(CAUSE_IDS, kc, replace=False).tolist())
        causes = tuple(c for c in CAUSE_IDS if c in chosen_causes)
        perm = rng.permutation(len(DIMENSIONS))
        imp = dict(
            zip(DIMENSIONS, np.array(list(IMPORTANCE_WEIGHTS.values()))[perm].tolist(), strict=True)
        )
        perm2 = rng.permutation(len(DIMENSIONS))
        exp_w = dict(
            zip(
                DIMENSIONS,
                np.array(list(EXPERT_CRITERIA_WEIGHTS.values()))[perm2].tolist(),
                strict=True,
            )
        )
        return Scenario(
            name="shuffled",
            dim_means={d: (WEAK_MEAN if d in weak else STRONG_MEAN) for d in DIMENSIONS},
            weak_dimensions=weak,
            active_causes=causes,
            importance_weights=imp,
            expert_criteria_weights=exp_w,
            description="A seed-chosen set of weak dimensions and active causes and permuted "
            "importance and expert weights, to show the book finds what is planted.",
        )
    base = {k: v for k, v in thesis.__dict__.items() if k not in ("name", "description")}
    if name == "mnar":
        base["missingness"] = "mnar"
        desc = ("The thesis' truth with non-response that depends on the answer: low ratings "
                "are more often left blank.")  # fmt: skip
    elif name == "inconsistent-experts":
        base["inconsistent_experts"] = INCONSISTENT_EXPERTS_MANY
        desc = "The thesis' truth, but most experts' criteria matrices fail Saaty's CR <= 0.10."
    else:  # clustered
        base["township_sd"], base["village_sd"] = CLUSTERED_TOWNSHIP_SD, CLUSTERED_VILLAGE_SD
        desc = "The thesis' truth with strong township and village effects on every dimension."
    return Scenario(name=name, description=desc, **base)


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
    """Township effects: remoteness, funding, cadre capacity (standard normal, correlated),
    the four cause levels (standard normal, better = higher, -0.3 correlated with remoteness)
    and the remoteness strata."""
    cov = np.array([[1.0, -0.3, -0.4], [-0.3, 1.0, 0.3], [-0.4, 0.3, 1.0]])
    eff = rng.multivariate_normal(np.zeros(3), cov, size=N_TOWNSHIPS, method="cholesky")
    rank = np.argsort(np.argsort(eff[:, 0], kind="stable"), kind="stable")
    out = pd.DataFrame(
        {
            "township": TOWNSHIPS,
            "township_name": [f"Township {k:02d}" for k in range(1, N_TOWNSHIPS + 1)],
            "remoteness": eff[:, 0],
            "funding": eff[:, 1],
            "cadre_capacity": eff[:, 2],
            "stratum": [f"S{1 + int(r) * N_STRATA // N_TOWNSHIPS}" for r in rank],
        }
    )
    z = rng.normal(0, 1, (N_TOWNSHIPS, len(CAUSE_IDS)))
    for k, c in enumerate(CAUSE_IDS):
        out[f"cause_{c}"] = (
            CAUSE_REMOTENESS_CORR * eff[:, 0] + np.sqrt(1 - CAUSE_REMOTENESS_CORR**2) * z[:, k]
        )
    return out


def _largest_remainder(total: int, shares: np.ndarray) -> np.ndarray:
    raw = total * shares / shares.sum()
    out = np.floor(raw).astype(int)
    rest = total - out.sum()
    order = np.argsort(-(raw - out), kind="stable")
    out[order[:rest]] += 1
    return out


def _frame(rng: np.random.Generator, tw: pd.DataFrame) -> pd.DataFrame:
    """The population frame: 396 villages with their households and registered households."""
    pop = _largest_remainder(RURAL_POPULATION_2016, np.exp(rng.normal(0, 0.35, N_TOWNSHIPS)))
    n_vill = np.full(N_TOWNSHIPS, 16)
    n_vill[np.sort(rng.choice(N_TOWNSHIPS, 16 * N_TOWNSHIPS - N_VILLAGES, replace=False))] = 15
    rho_t = _logistic(
        -1.9 + 0.6 * tw["remoteness"].to_numpy() + rng.normal(0, 0.2, N_TOWNSHIPS)
    ) * (PERSONS_PER_HOUSEHOLD / REGISTERED_PERSONS_PER_HOUSEHOLD)
    rows = []
    for t in range(N_TOWNSHIPS):
        hh_t = int(round(pop[t] / PERSONS_PER_HOUSEHOLD))
        m = _largest_remainder(hh_t, np.exp(rng.normal(0, 0.4, n_vill[t])))
        logit = np.log(rho_t[t] / (1 - rho_t[t])) + rng.normal(0, 0.3, n_vill[t])
        r = np.clip(np.round(m * _logistic(logit)).astype(int), 2, m - 2)
        for v in range(n_vill[t]):
            rows.append(
                {
                    "t": t,
                    "township": TOWNSHIPS[t],
                    "village": f"{TOWNSHIPS[t]}-V{v + 1:02d}",
                    "stratum": tw["stratum"][t],
                    "households": int(m[v]),
                    "registered": int(r[v]),
                    "township_population_2016": int(pop[t]),
                }
            )
    return pd.DataFrame(rows)


def _bisect(f, target: float, lo: float = 0.0, hi: float = 1.0) -> float:
    for _ in range(80):
        mid = (lo + hi) / 2
        if f(mid) < target:
            lo = mid
        else:
            hi = mid
    return (lo + hi) / 2


def _remaining_shares(tw: pd.DataFrame, frame: pd.DataFrame) -> tuple[np.ndarray, dict, np.ndarray]:
    """Share of each township's registered persons not yet exited at each year end.

    ``S_t(y) = r_y ** speed_t`` with ``speed_t = exp(0.3 cadre_t - 0.3 remoteness_t)``; ``r_y``
    solved so that the county incidence equals :data:`INCIDENCE_PATH_PCT` (exactly, before
    rounding to persons). Returns (initial registered persons per township, S by year, pops).
    """
    reg_hh = frame.groupby("t")["registered"].sum().to_numpy()
    init = np.round(reg_hh * REGISTERED_PERSONS_PER_HOUSEHOLD)
    pop2016 = frame.groupby("t")["township_population_2016"].first().to_numpy()
    speed = np.exp(0.3 * tw["cadre_capacity"].to_numpy() - 0.3 * tw["remoteness"].to_numpy())
    shares, prev = {2014: np.ones(N_TOWNSHIPS)}, init.sum()
    pops = {}
    for y in EXIT_YEARS:
        pops[y] = np.round(pop2016 * (1 - 0.005) ** (y - 2016))
        target = min(INCIDENCE_PATH_PCT[y] / 100 * pops[y].sum(), 0.95 * prev)
        if target <= 0:
            shares[y] = np.zeros(N_TOWNSHIPS)
            continue
        r = _bisect(lambda x: float((init * x**speed).sum()), target)
        shares[y] = r**speed
        prev = target
    return init, shares, pops


def _panel(
    rng: np.random.Generator, tw: pd.DataFrame, frame: pd.DataFrame, sc: Scenario
) -> tuple[pd.DataFrame, dict, dict]:
    rows = []
    init, shares, pops = _remaining_shares(tw, frame)
    fund_profile = {2016: 0.8, 2017: 1.0, 2018: 1.2, 2019: 0.9, 2020: 0.8}
    house_profile = {2016: 1.0, 2017: 1.2, 2018: 1.0, 2019: 0.4, 2020: 0.2}
    dropout_profile = {2016: 1.0, 2017: 0.7, 2018: 0.4, 2019: 0.2, 2020: 0.1}
    insurance_gap = {2016: 3.5, 2017: 2.5, 2018: 1.2, 2019: 0.6, 2020: 0.3}
    visit_profile = {2016: 0.8, 2017: 1.1, 2018: 1.2, 2019: 1.0, 2020: 0.9}
    rem, fund, cad = (tw[c].to_numpy() for c in ("remoteness", "funding", "cadre_capacity"))
    cz = {c: tw[f"cause_{c}"].to_numpy() for c in CAUSE_IDS}
    act = {c: float(c in sc.active_causes) for c in CAUSE_IDS}
    weak = {d: float(d in sc.weak_dimensions) for d in DIMENSIONS}
    inc_level = np.exp(-0.12 * rem + 0.05 * fund + rng.normal(0, 0.05, N_TOWNSHIPS))
    inc_growth = rng.normal(0, 0.01, N_TOWNSHIPS)
    hh = frame.groupby("t")["households"].sum().to_numpy()
    reg_hh = frame.groupby("t")["registered"].sum().to_numpy()
    nv = frame.groupby("t").size().to_numpy()
    dist = 25 * np.exp(0.45 * rem)  # road distance to the county seat: the remoteness control
    for t in range(N_TOWNSHIPS):
        for k, y in enumerate(YEARS):
            popy = int(pops[y][t])
            poor = round(init[t] * shares[y][t])
            income = COUNTY_INCOME[y] * inc_level[t] * np.exp(inc_growth[t] * k)
            funds = init[t] * 0.25 * fund_profile[y] * np.exp(0.2 * fund[t] + rng.normal(0, 0.1))
            cadres = rng.poisson(8 + 0.008 * init[t] + 2.5 * max(cad[t] + 1.5, 0))
            projects = rng.poisson(3 + 0.004 * funds * np.exp(0.2 * fund[t]))
            participants = int(sum(rng.poisson(40, projects))) if projects else 0
            training = rng.poisson(40 + 0.08 * init[t] * np.exp(0.2 * cad[t]))
            gap = insurance_gap[y] * np.exp(0.3 * rem[t] + rng.normal(0, 0.2))
            dropouts = rng.poisson((2.5 + 1.5 * max(rem[t], 0)) * dropout_profile[y])
            houses = rng.poisson(0.05 * init[t] * house_profile[y])
            ind_funds = funds * (0.40 + 0.05 * rng.normal())
            ci = CAUSE_EFFECT * act["industry_policy"] * cz["industry_policy"][t]
            gain = 1500 * 1.05**k * np.exp(-0.45 * weak["in"] + 0.5 * ci + rng.normal(0, 0.08))
            efficiency = participants * gain / (ind_funds * 1e4)
            surviving = 100 * _logistic(1.8 - 0.9 * weak["in"] + ci + rng.normal(0, 0.2))
            cs = CAUSE_EFFECT * act["ss_foundation"] * cz["ss_foundation"][t]
            lo_s, hi_s = COVERAGE_LOGIT["cov_serious_illness_aid"]
            aid = 100 * _logistic((hi_s if weak["ss"] else lo_s) + cs + rng.normal(0, 0.15))
            lo_d, hi_d = COVERAGE_LOGIT["cov_dibao_need"]
            dibao = 100 * _logistic((hi_d if weak["ss"] else lo_d) + cs + rng.normal(0, 0.15))
            partners = rng.poisson(2 + 1.5 * np.exp(0.3 * cz["gov_role"][t]))
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
                    "stratum": tw["stratum"][t],
                    "villages": _fmt_int(nv[t]),
                    "households": _fmt_int(hh[t]),
                    "registered_households": _fmt_int(reg_hh[t]),
                    "industry_funds_10k_yuan": f"{ind_funds:.1f}",
                    "participant_income_gain_yuan": _fmt_int(round(gain)),
                    "industry_efficiency": f"{efficiency:.3f}",
                    "projects_surviving_pct": f"{surviving:.1f}",
                    "serious_illness_aid_pct": f"{aid:.1f}",
                    "dibao_coverage_pct": f"{dibao:.1f}",
                    "social_org_partners": _fmt_int(partners),
                    "cadre_visits_per_household": f"{6 * visit_profile[y] * np.exp(0.25 * cz['gov_role'][t] + rng.normal(0, 0.05)):.2f}",
                    "industry_fund_delay_months": f"{max(0.5, 4.0 * np.exp(-0.3 * cz['industry_policy'][t] + rng.normal(0, 0.08))):.1f}",
                    "social_assistance_staff_per_10k": f"{3.0 * np.exp(0.3 * cz['ss_foundation'][t] + rng.normal(0, 0.05)):.2f}",
                    "education_spending_yuan_per_pupil": _fmt_int(round(9000 * 1.06**k * np.exp(0.2 * cz['education_investment'][t] + rng.normal(0, 0.03)))),
                    "distance_to_county_km": f"{dist[t]:.1f}",
                }
            )  # fmt: skip
    panel = pd.DataFrame(rows, columns=list(PANEL_COLUMNS))
    county = {}
    for y in YEARS:
        p = panel[panel["year"] == str(y)]
        county[str(y)] = (
            100 * p["registered_poor"].astype(int).sum() / p["rural_population"].astype(int).sum()
        )
    below = [int(y) for y, v in county.items() if v < EXIT_RULE_PCT]
    truth = {
        "initial_registered_poor": {tw["township"][t]: int(init[t]) for t in range(N_TOWNSHIPS)},
        "remaining_share": {
            str(y): {tw["township"][t]: float(shares[y][t]) for t in range(N_TOWNSHIPS)}
            for y in EXIT_YEARS
        },
        "income_level_factor": {tw["township"][t]: float(inc_level[t]) for t in range(N_TOWNSHIPS)},
        "county_incidence_pct": county,
    }
    record = {
        **COUNTY_RECORD,
        "incidence_path_target_pct": {str(y): v for y, v in INCIDENCE_PATH_PCT.items()},
        "county_incidence_pct": county,
        "incidence_at_assessment_pct": county[str(COUNTY_RECORD["assessed_year"])],
        "first_year_below_rule": min(below) if below else None,
    }
    return panel, truth, record


# --- households ---------------------------------------------------------------------------------
EDU_CENTRE, EDU_SCALE = 1.5, 1.0  # fixed standardisation of the education level (0..4)
INCOME_SIGMA, INCOME_RHO, INCOME_SIGMA_EPS = 0.50, 0.80, 0.15
REGISTERED_LOG_GAP = -0.55


def _people(rng: np.random.Generator, reg: np.ndarray, rem: np.ndarray) -> dict:
    """Respondent and household characteristics given registration status and remoteness."""
    n = len(reg)
    sex = np.where(rng.random(n) < 0.6, "male", "female")
    age = np.clip(np.round(rng.normal(56 + 3 * reg, 12)), 20, 88).astype(int)
    age_z = (age - 56) / 12
    edu = (
        _cut(-0.5 * age_z + rng.normal(0, 1, n) - 0.2 * rem - 0.5 * reg, (-1.1, 0.3, 1.4, 2.3)) - 1
    )
    edu_z = (edu - EDU_CENTRE) / EDU_SCALE
    size = np.clip(1 + rng.poisson(2.2 - 0.4 * reg), 1, 9)
    p_lab = np.clip(0.75 - 0.25 * (age >= 65) - 0.15 * reg, 0.05, 1)
    labour = np.minimum(rng.binomial(size, p_lab), size)
    return {"sex": sex, "age": age, "age_z": age_z, "edu": edu, "edu_z": edu_z, "size": size,
            "labour": labour}  # fmt: skip


def _exit_years(
    rng: np.random.Generator, reg: np.ndarray, t_idx: np.ndarray, shares: dict
) -> np.ndarray:
    """Exit year of each registered household from its township's remaining-share path."""
    n = len(reg)
    u = rng.random(n)
    out = np.zeros(n, dtype=int)
    for h in np.flatnonzero(reg == 1):
        # P(exit year <= y) = 1 - S_t(y); S_t(2020) = 0, so every household exits by 2020
        out[h] = next(y for y in EXIT_YEARS if u[h] >= shares[y][t_idx[h]] or y == EXIT_YEARS[-1])
    return out


def _income_draws(rng: np.random.Generator, n: int) -> dict:
    """All random draws of the income process (so levels can be calibrated on fixed draws)."""
    s2 = INCOME_SIGMA**2 - INCOME_SIGMA_EPS**2 / (1 - INCOME_RHO**2)
    return {
        "hh": rng.normal(0, np.sqrt(s2), n),
        "ar0": rng.normal(0, INCOME_SIGMA_EPS / np.sqrt(1 - INCOME_RHO**2), n),
        "eps": rng.normal(0, INCOME_SIGMA_EPS, (n, len(YEARS))),
        "below": rng.uniform(0.60, 0.97, (n, len(YEARS))),
        "above": rng.uniform(1.05, 1.60, (n, len(YEARS))),
    }


def _incomes(draws: dict, people: dict, reg, exit_year, rem, log_level: dict) -> dict:
    """``ln Y_hy = m_y + u_h + 0.25 edu_z - 0.12 rem + 0.15 ln(1 + labour) - 0.55 reg + a_hy``,
    ``a_hy = 0.8 a_h,y-1 + e``; registered households below the threshold before their exit
    year and at least 5 % above it from then on."""
    dev = (draws["hh"] + 0.25 * people["edu_z"] - 0.12 * rem + 0.15 * np.log1p(people["labour"])
           + REGISTERED_LOG_GAP * reg)  # fmt: skip
    ar, inc = draws["ar0"], {}
    for k, y in enumerate(YEARS):
        if k:
            ar = INCOME_RHO * ar + draws["eps"][:, k]
        x = np.exp(log_level[y] + dev + ar)
        line = SIMULATION_THRESHOLD[y]
        pre = (reg == 1) & (y < exit_year)
        post = (reg == 1) & (y >= exit_year)
        x = np.where(pre, np.minimum(x, line * draws["below"][:, k]), x)
        inc[y] = np.where(post, np.maximum(x, line * draws["above"][:, k]), x)
    return inc


def _calibrate_income_levels(
    seed: int, tw: pd.DataFrame, frame: pd.DataFrame, shares: dict
) -> dict:
    """Log income level ``m_y`` so that the POPULATION person-weighted mean income equals the
    county path :data:`COUNTY_INCOME` in every year.

    Calibrated on a pseudo-population of :data:`CALIBRATION_POPULATION` households drawn from
    the frame (registered share and township mix of the population, not of the sample) with its
    own random stream ``default_rng([seed, 7])``, by fixed-point iteration
    ``m_y <- m_y + ln(C_y / mean_y)`` on fixed draws. The survey, which oversamples the
    registered poor, then reproduces the county figure only when weighted by its design.
    """
    rng = np.random.default_rng([int(seed), 7])
    n = CALIBRATION_POPULATION
    probs = frame["households"].to_numpy() / frame["households"].sum()
    v = rng.choice(len(frame), n, p=probs)
    t_idx = frame["t"].to_numpy()[v]
    reg = (
        rng.random(n) < frame["registered"].to_numpy()[v] / frame["households"].to_numpy()[v]
    ).astype(int)
    rem = tw["remoteness"].to_numpy()[t_idx]
    people = _people(rng, reg, rem)
    exit_year = _exit_years(rng, reg, t_idx, shares)
    draws = _income_draws(rng, n)
    level = {y: np.log(COUNTY_INCOME[y]) - INCOME_SIGMA**2 / 2 for y in YEARS}
    for _ in range(6):
        inc = _incomes(draws, people, reg, exit_year, rem, level)
        for y in YEARS:
            mean = float((inc[y] * people["size"]).sum() / people["size"].sum())
            level[y] += np.log(COUNTY_INCOME[y] / mean)
    return level


def _sample_design(rng: np.random.Generator, frame: pd.DataFrame, n: int) -> pd.DataFrame:
    """Stage 1: villages drawn by systematic PPS (households) within each stratum; stage 2:
    per village ``m_r`` registered-poor and ``m_n`` other households by simple random sampling."""
    picked = []
    for h in sorted(frame["stratum"].unique()):
        f = frame[frame["stratum"] == h]
        size = f["households"].to_numpy()
        total = int(size.sum())
        step = total / PSUS_PER_STRATUM
        start = rng.uniform(0, step)
        cum = np.cumsum(size)
        for k in range(PSUS_PER_STRATUM):
            i = int(np.searchsorted(cum, start + k * step, side="right"))
            row = f.iloc[i]
            picked.append({**row.to_dict(), "psu_prob": PSUS_PER_STRATUM * row["households"] / total,
                           "stratum_households": total, "stratum_villages": len(f)})  # fmt: skip
    psu = pd.DataFrame(picked).reset_index(drop=True)
    nv = len(psu)
    m = np.full(nv, n // nv)
    m[: n % nv] += 1
    m_r = np.minimum(
        psu["registered"].to_numpy(), np.maximum(1, np.round(REGISTERED_SAMPLE_SHARE * m))
    )
    psu["m_registered"] = m_r.astype(int)
    psu["m_other"] = (m - m_r).astype(int)
    psu["psu"] = [f"P{k + 1:02d}" for k in range(nv)]
    return psu


def _households(
    rng: np.random.Generator, tw: pd.DataFrame, frame: pd.DataFrame, shares: dict, level: dict,
    n: int, sc: Scenario,
) -> tuple[pd.DataFrame, dict, dict]:  # fmt: skip
    psu = _sample_design(rng, frame, n)
    rep = psu["m_registered"] + psu["m_other"]
    k_psu = np.repeat(np.arange(len(psu)), rep)
    reg = np.concatenate([np.r_[np.ones(a, int), np.zeros(b, int)]
                          for a, b in zip(psu["m_registered"], psu["m_other"], strict=True)])  # fmt: skip
    t_idx = psu["t"].to_numpy()[k_psu]
    n = len(reg)
    p1 = psu["psu_prob"].to_numpy()[k_psu]
    p2 = np.where(reg == 1, psu["m_registered"].to_numpy()[k_psu] / psu["registered"].to_numpy()[k_psu],
                  psu["m_other"].to_numpy()[k_psu] / (psu["households"] - psu["registered"]).to_numpy()[k_psu])  # fmt: skip
    weight = 1 / (p1 * p2)
    T = tw[["remoteness", "funding", "cadre_capacity"]].to_numpy()[t_idx]
    rem = T[:, 0]

    # --- demographics, poverty status, incomes -----------------------------------------------
    pe = _people(rng, reg, rem)
    age, age_z, edu, edu_z, size, labour = (
        pe[k] for k in ("age", "age_z", "edu", "edu_z", "size", "labour")
    )
    cause = np.where(reg == 1, rng.choice(CAUSES, n, p=CAUSE_PROBS), "")
    exit_year = _exit_years(rng, reg, t_idx, shares)
    draws = _income_draws(rng, n)
    inc = _incomes(draws, pe, reg, exit_year, rem, level)
    # exit assessment (2018, of exits up to 2017, on 2017 incomes)
    exited = (reg == 1) & (exit_year <= COUNTY_RECORD["assessed_year"])
    thr = SIMULATION_THRESHOLD[COUNTY_RECORD["assessed_year"]]
    wrong = exited & (rng.random(n) < WRONGLY_EXITED_RATE)
    missed = (reg == 0) & (rng.random(n) < MISSED_RATE)
    low = thr * rng.uniform(0.70, 0.97, n)
    inc[COUNTY_RECORD["assessed_year"]] = np.where(
        wrong | missed, low, inc[COUNTY_RECORD["assessed_year"]]
    )
    relapse_candidates = np.flatnonzero(exited & ~wrong & (exit_year >= 2016))
    n_relapse = max(1, round(0.05 * relapse_candidates.size))
    relapse = np.sort(rng.choice(relapse_candidates, n_relapse, replace=False))
    relapse_year = {}
    for h in relapse:
        y = int(rng.integers(max(exit_year[h] + 1, 2018), 2020))  # relapse year in (exit, 2019]
        inc[y][h] = SIMULATION_THRESHOLD[y] * rng.uniform(0.75, 0.97)
        relapse_year[int(h)] = y
    income = {y: np.round(inc[y]).astype(int) for y in YEARS}

    # --- income sources -----------------------------------------------------------------------
    src = {
        "src_wages": rng.random(n) < np.where(labour > 0, 0.70, 0.05),
        "src_agriculture": rng.random(n) < 0.80,
        "src_business": rng.random(n) < _logistic(-2.2 + 0.5 * edu_z),
        "src_transfers": rng.random(n) < np.where(reg == 1, 0.95, 0.35 + 0.3 * (age >= 60)),
        "src_property": rng.random(n) < np.where(reg == 1, 0.45, 0.15),
    }

    # --- latent performance scores ---------------------------------------------------------
    D = len(DIMENSIONS)
    R = np.full((D, D), LATENT_CORRELATION)
    np.fill_diagonal(R, 1.0)
    v = rng.multivariate_normal(np.zeros(D), R, size=n, method="cholesky")
    u_town = rng.normal(0, sc.township_sd, (N_TOWNSHIPS, D))
    u_vill = rng.normal(0, sc.village_sd, (len(psu), D))
    cz = np.column_stack([tw[f"cause_{c}"].to_numpy() for c in CAUSE_IDS])[t_idx]
    cause_part = np.zeros((n, D))
    for k, c in enumerate(CAUSE_IDS):
        if c in sc.active_causes:
            cause_part[:, DIMENSIONS.index(CAUSE_INFO[c][0])] += CAUSE_EFFECT * cz[:, k]
    X_h = np.column_stack([edu_z, reg, age_z])
    sys_part = np.column_stack(
        [
            T @ np.array(TOWNSHIP_EFFECTS[d]) + X_h @ np.array(HOUSEHOLD_EFFECTS[d])
            for d in DIMENSIONS
        ]
    )
    raw = sys_part + cause_part + u_town[t_idx] + u_vill[k_psu] + v
    s = (raw - raw.mean(axis=0)) / raw.std(axis=0)  # standardised within the sample
    mu = np.array([sc.dim_means[d] for d in DIMENSIONS])
    loadings = rng.uniform(*LOADING_RANGE, size=(D, ITEMS_PER_DIMENSION))
    items = {}
    for j, d in enumerate(DIMENSIONS):
        for i in range(ITEMS_PER_DIMENSION):
            lam = loadings[j, i]
            ystar = mu[j] + lam * s[:, j] + np.sqrt(1 - lam**2) * rng.normal(0, 1, n)
            items[f"{d}{i + 1}"] = _cut(ystar, ITEM_THRESHOLDS)
    w = np.array([sc.importance_weights[d] for d in DIMENSIONS])
    beta = OVERALL_SCALE * w
    u_overall = (mu + s) @ beta + rng.logistic(0, 1, n)
    overall = _cut(u_overall - (mu @ beta), OVERALL_THRESHOLDS)
    w_z = (w - w.mean()) / w.std() if w.std() > 0 else np.zeros(D)
    person = rng.normal(0, 0.4, n)
    imp = {
        f"imp_{d}": _cut(0.7 + 0.35 * w_z[j] + person + rng.normal(0, 0.8, n), ITEM_THRESHOLDS)
        for j, d in enumerate(DIMENSIONS)
    }
    weak = {d: float(d in sc.weak_dimensions) for d in DIMENSIONS}
    act = {c: float(c in sc.active_causes) for c in CAUSE_IDS}
    ccol = {c: cz[:, k] for k, c in enumerate(CAUSE_IDS)}

    # --- two no-worries three guarantees, deprivations, quiz, aspiration ---------------------
    two_three = {}
    for k, name in enumerate(TWO_THREE):
        p = _logistic(6.3 - 0.2 * k + 0.6 * s[:, 4] - 0.4 * rem + 0.5 * (exit_year > 0))
        two_three[f"tb_{name}"] = (rng.random(n) < p).astype(int)
    wealth = np.log(income[2020])
    wealth_z = (wealth - wealth.mean()) / wealth.std()
    dep = {}
    cs = CAUSE_EFFECT * act["ss_foundation"] * ccol["ss_foundation"]
    for col, (af_dim, _, _, base) in DEPRIVATIONS.items():
        extra = -0.6 * edu_z if af_dim == "education" else 0.0
        if col == "dep_insurance":
            extra = 0.5 * weak["ss"] - cs
        p = _logistic(base - 0.5 * wealth_z + 0.3 * rem + 0.4 * reg + extra)
        dep[col] = (rng.random(n) < p).astype(int)
    quiz = {}
    for col, (_, _, easiness) in QUIZ.items():
        p = _logistic(easiness + 0.6 * edu_z + 0.5 * s[:, 3] + 0.4 * reg - 0.6 * weak["ed"])
        quiz[col] = (rng.random(n) < p).astype(int)
    asp_mu = WEAK_MEAN if weak["ed"] else STRONG_MEAN
    asp = {}
    for col, (_, _, reverse) in ASPIRATION_ITEMS.items():
        ystar = asp_mu + 0.6 * s[:, 3] + 0.2 * edu_z + rng.normal(0, 0.8, n)
        asp[col] = _cut(-ystar if reverse else ystar, ITEM_THRESHOLDS)

    # --- social-security coverage --------------------------------------------------------------
    def pick(key):
        lo, hi = COVERAGE_LOGIT[key]
        return hi if weak["ss"] else lo

    has_elderly = ((age >= 60) | (rng.random(n) < 0.30)).astype(int)
    serious = (rng.random(n) < 0.18 + 0.12 * (cause == "illness")).astype(int)
    need = (labour == 0) | (
        (reg == 1) & np.isin(cause, ["illness", "disability", "lack_of_labour"])
    )
    cov = {
        "cov_medical_insurance": 1 - dep["dep_insurance"],
        "cov_pension": (rng.random(n) < _logistic(pick("cov_pension") + cs)).astype(int),
        "cov_dibao": (rng.random(n) < np.where(need, _logistic(pick("cov_dibao_need") + cs), 0.04)).astype(int),
        "cov_serious_illness_aid": (rng.random(n) < _logistic(pick("cov_serious_illness_aid") + cs + 0.5 * reg)).astype(int),
    }  # fmt: skip

    # --- industry participation and income gain ----------------------------------------------
    ci = CAUSE_EFFECT * act["industry_policy"] * ccol["industry_policy"]
    part = (rng.random(n) < np.where(reg == 1, 0.55, 0.22)).astype(int)
    gain = np.round(1500 * np.exp(-0.45 * weak["in"] + 0.5 * ci + rng.normal(0, 0.5, n) - 0.125))

    # --- item non-response, capped per respondent ---------------------------------------------
    likert_cols = list(items) + ["overall_satisfaction"] + list(imp)
    answers = {**items, "overall_satisfaction": overall, **imp}
    if sc.missingness == "mnar":
        A = np.column_stack([answers[c] for c in likert_cols])
        miss = rng.random((n, len(likert_cols))) < _logistic(-3.4 + 1.0 * (3 - A))
    else:
        miss = rng.random((n, len(likert_cols))) < MISSING_RATE
    cap = int(np.floor(MAX_MISSING_SHARE * len(likert_cols)))
    for h in np.flatnonzero(miss.sum(axis=1) > cap):
        idx = np.flatnonzero(miss[h])
        miss[h, idx[cap:]] = False
    likert_text = {
        c: np.where(miss[:, k], "", answers[c].astype(str)) for k, c in enumerate(likert_cols)
    }
    asp_miss = rng.random((n, len(asp))) < MISSING_RATE

    def opt(values, applies):
        return np.where(applies, np.asarray(values).astype(int).astype(str), "")

    df = pd.DataFrame(
        {
            "household_id": [f"H{k + 1:04d}" for k in range(n)],
            "township": [TOWNSHIPS[t] for t in t_idx],
            "stratum": psu["stratum"].to_numpy()[k_psu],
            "psu": psu["psu"].to_numpy()[k_psu],
            "design_weight": [f"{x:.6f}" for x in weight],
            "psu_inclusion_prob": [f"{x:.8f}" for x in p1],
            "household_inclusion_prob": [f"{x:.8f}" for x in p2],
            "village_households": psu["households"].to_numpy()[k_psu].astype(str),
            "village_registered_households": psu["registered"].to_numpy()[k_psu].astype(str),
            "sex": pe["sex"],
            "age": release_age(age).astype(str),
            "education": [EDUCATION[e] for e in edu],
            "household_size": np.minimum(size, HOUSEHOLD_SIZE_TOP).astype(str),
            "labour_force": np.minimum(labour, HOUSEHOLD_SIZE_TOP).astype(str),
            "registered_poor": reg.astype(str),
            "exit_year": np.where(exit_year > 0, exit_year.astype(str), ""),
            "poverty_cause": cause,
            **{c: v.astype(int).astype(str) for c, v in src.items()},
            **{f"income_{y}": income[y].astype(str) for y in YEARS},
            "assess_wrongly_exited": opt(wrong, exited),
            "assess_missed": opt(missed, reg == 0),
            **{c: v.astype(str) for c, v in two_three.items()},
            **{c: v.astype(str) for c, v in dep.items()},
            **{c: v.astype(str) for c, v in quiz.items()},
            **{c: np.where(asp_miss[:, k], "", asp[c].astype(str)) for k, c in enumerate(asp)},
            "has_elderly": has_elderly.astype(str),
            "serious_illness": serious.astype(str),
            "cov_medical_insurance": cov["cov_medical_insurance"].astype(str),
            "cov_pension": opt(cov["cov_pension"], has_elderly == 1),
            "cov_dibao": cov["cov_dibao"].astype(str),
            "cov_serious_illness_aid": opt(cov["cov_serious_illness_aid"], serious == 1),
            "ind_participates": part.astype(str),
            "ind_income_gain_yuan": opt(gain, part == 1),
            **{c: likert_text[c] for c in items},
            "overall_satisfaction": likert_text["overall_satisfaction"],
            **{c: likert_text[c] for c in imp},
        }
    )
    strata = {}
    for h, g in frame.groupby("stratum"):
        strata[h] = {
            "label": STRATUM_LABELS[h],
            "townships": sorted(g["township"].unique().tolist()),
            "villages": int(len(g)),
            "households": int(g["households"].sum()),
            "registered_households": int(g["registered"].sum()),
            "psus_sampled": int((psu["stratum"] == h).sum()),
        }
    design = {
        "type": "stratified two-stage cluster sample",
        "strata": "4 township strata by remoteness quartile (column 'stratum')",
        "stage_1": "villages (PSUs, column 'psu') drawn by systematic PPS sampling, size = households, "
        f"{PSUS_PER_STRATUM} per stratum, random start",
        "stage_2": "households drawn by simple random sampling without replacement within each "
        f"village, separately among registered-poor households (about {REGISTERED_SAMPLE_SHARE:.0%} "
        "of each village's sample: oversampled) and other households",
        "weight": "design_weight = 1 / (psu_inclusion_prob * household_inclusion_prob); sums to the "
        "households of the population (exactly per stratum, by the PPS construction)",
        "variance_note": "with-replacement (ultimate cluster) approximation at stage 1 is standard; "
        "stage-2 fpc from village_households / village_registered_households",
        "strata_detail": strata,
        "sampled_psus": {r.psu: {"village": r.village, "township": r.township, "stratum": r.stratum,
                                 "psu_inclusion_prob": float(r.psu_prob), "households": int(r.households),
                                 "registered_households": int(r.registered),
                                 "sampled_registered": int(r.m_registered), "sampled_other": int(r.m_other)}
                         for r in psu.itertuples()},
        "n_households": int(n),
    }  # fmt: skip
    truth = {
        "sampled_townships": sorted(set(psu["township"])),
        "sampled_villages": psu["village"].tolist(),
        "dimension_latent_means": dict(sc.dim_means),
        "latent_correlation": LATENT_CORRELATION,
        "item_thresholds": list(ITEM_THRESHOLDS),
        "loadings": {
            f"{d}{i + 1}": float(loadings[j, i])
            for j, d in enumerate(DIMENSIONS)
            for i in range(ITEMS_PER_DIMENSION)
        },  # fmt: skip
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
        "random_effects_sd": {"township": sc.township_sd, "village": sc.village_sd},
        "importance_weights": dict(sc.importance_weights),
        "overall_logit_coefficients": {d: float(b) for d, b in zip(DIMENSIONS, beta, strict=True)},
        "overall_thresholds_centred": list(OVERALL_THRESHOLDS),
        "income_process": {
            "sigma_log": INCOME_SIGMA,
            "rho": INCOME_RHO,
            "sigma_innovation": INCOME_SIGMA_EPS,
            "registered_poor_log_gap": REGISTERED_LOG_GAP,
            "education_effect": 0.25,
            "remoteness_effect": -0.12,
            "county_mean_income_path": {str(y): COUNTY_INCOME[y] for y in YEARS},
            "calibrated_log_level": {str(y): float(level[y]) for y in YEARS},
            "calibration": "population person-weighted mean = county path (pseudo-population)",
        },
        "relapse_households": {f"H{h + 1:04d}": y for h, y in relapse_year.items()},
        "missing_rate": MISSING_RATE,
        "missingness": sc.missingness,
        "exit_assessment": {
            "assessed_exits_up_to": COUNTY_RECORD["assessed_year"],
            "wrongly_exited_rate_planted": WRONGLY_EXITED_RATE,
            "missed_rate_planted": MISSED_RATE,
            "income_threshold_used": thr,
        },
    }
    return df, truth, design


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


def _experts(rng: np.random.Generator, sc: Scenario) -> tuple[pd.DataFrame, dict]:
    crit_w = np.array([sc.expert_criteria_weights[d] for d in DIMENSIONS])
    blocks = {"criteria": (list(DIMENSIONS), crit_w)}
    for d in DIMENSIONS:
        inds = [ind for ind in INDICATORS if ind[1] == d]
        blocks[d] = ([i[0] for i in inds], np.array([i[7] for i in inds]))
    rows, truth_views, truth_cr = [], {}, {}
    for e, role in enumerate(EXPERT_ROLES):
        eid = f"E{e + 1:02d}"
        for block, (ids, w) in blocks.items():
            bad = eid in sc.inconsistent_experts and block == "criteria"
            view, A, cr = _expert_matrix(rng, ids, w, inconsistent=bad)
            truth_views[f"{eid}/{block}"] = dict(zip(ids, view.tolist(), strict=True))
            truth_cr[f"{eid}/{block}"] = cr
            for i, r in enumerate(ids):
                for j, c in enumerate(ids):
                    rows.append({"expert_id": eid, "role": role, "block": block, "row": r,
                                 "col": c, "value": saaty_text(A[i][j])})  # fmt: skip
    truth = {
        "criteria_weights": dict(sc.expert_criteria_weights),
        "indicator_local_weights": {
            d: {i[0]: i[7] for i in INDICATORS if i[1] == d} for d in DIMENSIONS
        },
        "sigma_view": EXPERT_SIGMA_VIEW,
        "sigma_judgment": EXPERT_SIGMA_JUDGMENT,
        "inconsistent": {"expert_id": sc.inconsistent_experts[0], "block": "criteria"},
        "inconsistent_matrices": [
            {"expert_id": e, "block": "criteria"} for e in sc.inconsistent_experts
        ],
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
    "disclosure",
)
#: statistical-disclosure-control role of a survey column (codebook field ``disclosure``): ``key``
#: = quasi-identifier an intruder could know from outside (k-anonymity and Fk are measured over
#: them), ``weight`` = the sampling weight used to estimate population frequencies
DISCLOSURE_ROLES = {
    "township": "key",
    "sex": "key",
    "age": "key",
    "household_size": "key",
    "design_weight": "weight",
}
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
        "disclosure": DISCLOSURE_ROLES.get(column, "") if file == "survey/households.csv" else "",
    }


def _income_description(y: int) -> str:
    """Codebook text of ``income_<y>``: the official line if one was found, else the gap."""
    if OFFICIAL_POVERTY_LINE[y] is not None:
        return f"Current prices. Official poverty line {y}: {OFFICIAL_POVERTY_LINE[y]} yuan."
    return (f"Current prices. Official poverty line {y}: not found in a published NBS release "
            f"(a gap). Simulation income threshold {y}: {SIMULATION_THRESHOLD[y]} yuan "
            "(geometric interpolation between 2016 and 2020; a modelling assumption, NOT an "
            "official line).")  # fmt: skip


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
            "stratum",
            "Design stratum (township remoteness quartile)",
            "抽样层（乡镇偏远程度四分位）",
            "category",
            allowed="|".join(STRATUM_LABELS),
            group="design",
            description="Stage-0 stratification: "
            + "; ".join(f"{k} = {v}" for k, v in STRATUM_LABELS.items())
            + ".",
        ),
        E(
            H,
            "psu",
            "Primary sampling unit (sampled village, pseudonymous code)",
            "初级抽样单元（样本村，匿名编号）",
            "string",
            allowed=r"regex:^P\d{2,}$",
            group="design",
            description="Villages drawn by systematic PPS (households) within each stratum.",
        ),
        E(
            H,
            "design_weight",
            "Design weight (households represented)",
            "设计权数（代表的户数）",
            "float",
            unit="households",
            min_=0,
            group="design",
            description="1 / (psu_inclusion_prob x household_inclusion_prob). Sums to the county's households "
            "(truth.json population_totals). Person-level estimates: design_weight x household_size.",
        ),
        E(
            H,
            "psu_inclusion_prob",
            "First-stage inclusion probability of the village",
            "样本村入样概率",
            "float",
            min_=0,
            max_=1,
            group="design",
        ),
        E(
            H,
            "household_inclusion_prob",
            "Second-stage inclusion probability of the household in its village",
            "户在村内的入样概率",
            "float",
            min_=0,
            max_=1,
            group="design",
            description="m / M within the household's registration group (registered poor oversampled).",
        ),
        E(
            H,
            "village_households",
            "Households in the sampled village (frame)",
            "样本村总户数（抽样框）",
            "integer",
            unit="households",
            min_=1,
            group="design",
            description="Stage-2 population size for the finite-population correction.",
        ),
        E(
            H,
            "village_registered_households",
            "Registered-poor households in the sampled village (frame)",
            "样本村建档立卡户数（抽样框）",
            "integer",
            unit="households",
            min_=0,
            group="design",
            description="Stage-2 population size of the oversampled group.",
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
            description=f"Published in {AGE_GROUP_YEARS}-year groups coded by the group's first year "
            f"(16 = 16-19, 20 = 20-24, ...), top-coded: {AGE_TOP} = {AGE_TOP} or older (release, "
            "data/README.md).",
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
            description=f"Top-coded: {HOUSEHOLD_SIZE_TOP} = {HOUSEHOLD_SIZE_TOP} or more persons "
            "(release, data/README.md).",
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
            description=f"Must not exceed household_size. Top-coded: {HOUSEHOLD_SIZE_TOP} = "
            f"{HOUSEHOLD_SIZE_TOP} or more.",
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
            min_=2015,
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
              description=_income_description(y) + " " + SIMULATED)
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
    rows += [
        E(
            H,
            "assess_wrongly_exited",
            "Exit assessment: exited household found not meeting the exit standard (wrongly exited)",
            "退出评估：错退（已脱贫户不符合退出标准）",
            "boolean",
            allowed="0|1",
            group="exit_assessment",
            # structurally empty for households not assessed (not item non-response); the
            # loader's conditional check reads single-condition rules only, so this one is text
            missing_rule="required if registered_poor = 1 and exit_year <= 2017, else empty",
            description="Third-party assessment (2018) of households exited up to 2017 (registered_poor = 1 and "
            "exit_year <= 2017; empty otherwise). The exit rule allows under 2 % wrongly exited. "
            + SIMULATED,
        ),
        E(
            H,
            "assess_missed",
            "Exit assessment: non-registered household found eligible (missed)",
            "退出评估：漏评（符合条件未纳入）",
            "boolean",
            allowed="0|1",
            group="exit_assessment",
            missing_rule="required if registered_poor = 0, else empty",
            description="Assessed on 2017 incomes; the exit rule allows under 2 % missed. "
            + SIMULATED,
        ),
    ]
    for col, (en, zh, reverse) in ASPIRATION_ITEMS.items():
        rows.append(E(H, col, en, f"{zh}（1=非常不同意 … 5=非常同意）", "integer", allowed=likert, min_=1,
                      max_=5, dimension="ed", group="aspiration", missing_rule="allowed",
                      description=("REVERSE-keyed (agreement = waiting for help, 等靠要). " if reverse else "")
                      + "Aspiration / mindset item (扶志: the thesis' 'ideological knowledge'). " + SIMULATED))  # fmt: skip
    rows += [
        E(
            H,
            "has_elderly",
            "Household has a member aged 60 or over",
            "家中有60岁及以上成员",
            "boolean",
            allowed="0|1",
            group="coverage_eligibility",
        ),
        E(
            H,
            "serious_illness",
            "A member had a serious illness in the last 12 months",
            "近12个月有成员患大病",
            "boolean",
            allowed="0|1",
            group="coverage_eligibility",
        ),
    ]
    for col, (en, zh, cond) in COVERAGE_ITEMS.items():
        rule = f"required if {cond} = 1, else empty" if cond else "not allowed"
        rows.append(E(H, col, f"Coverage: {en}", f"保障覆盖：{zh}（是=1）", "boolean", allowed="0|1",
                      dimension="ss", group="coverage", missing_rule=rule,
                      description="Social-security coverage (reach), not satisfaction. "
                      + ("Coverage rate of need: among households with labour_force = 0 or a registered "
                         "household whose cause is illness, disability or lack_of_labour. "
                         if col == "cov_dibao" else "") + SIMULATED))  # fmt: skip
    rows += [
        E(
            H,
            "ind_participates",
            "Household takes part in a poverty-alleviation industry project",
            "参与扶贫产业项目",
            "boolean",
            allowed="0|1",
            dimension="in",
            group="industry",
        ),
        E(
            H,
            "ind_income_gain_yuan",
            "Income gain from the industry project",
            "产业项目带来的增收",
            "integer",
            unit="yuan per person per year",
            min_=0,
            dimension="in",
            group="industry",
            missing_rule="required if ind_participates = 1, else empty",
            description=SIMULATED,
        ),
    ]
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
        "stratum": ("Design stratum of the township", "乡镇所属抽样层", "category", "", "|".join(STRATUM_LABELS), "", ""),
        "villages": ("Administrative villages", "行政村数", "integer", "villages", "", 1, ""),
        "households": ("Rural households (sampling frame)", "农村户数（抽样框）", "integer", "households", "", 1, ""),
        "registered_households": ("Registered-poor households ever registered (建档立卡, incl. exited)", "建档立卡户数（含已脱贫）", "integer", "households", "", 0, ""),
        "industry_funds_10k_yuan": ("Poverty funds spent on industry projects", "产业扶贫资金", "float", "10,000 yuan", "", 0, ""),
        "participant_income_gain_yuan": ("Mean income gain of industry-project participants", "产业项目参与者人均增收", "integer", "yuan per person per year", "", 0, ""),
        "industry_efficiency": ("Industry efficiency: participants' income gain per yuan of industry funds", "产业资金带贫效率", "float", "yuan per yuan", "", 0, ""),
        "projects_surviving_pct": ("Industry projects still operating two years after start", "产业项目两年存续率", "float", "percent", "", 0, 100),
        "serious_illness_aid_pct": ("Serious-illness assistance reach (of episodes)", "大病救助覆盖率", "float", "percent", "", 0, 100),
        "dibao_coverage_pct": ("Minimum living guarantee coverage of households in need", "低保应保尽保率", "float", "percent", "", 0, 100),
        "social_org_partners": ("Enterprises and social organisations paired with villages (社会扶贫)", "结对帮扶企业和社会组织数", "integer", "partners", "", 0, ""),
        "cadre_visits_per_household": ("Cause proxy (government role): cadre visits per registered household", "原因代理（政府作用）：干部户均走访次数", "float", "visits per household per year", "", 0, ""),
        "industry_fund_delay_months": ("Cause proxy (industry policy lag): months from fund arrival to project start", "原因代理（产业政策滞后）：资金到位至项目开工月数", "float", "months", "", 0, ""),
        "social_assistance_staff_per_10k": ("Cause proxy (social-security foundation): social-assistance staff per 10,000 rural residents", "原因代理（社保基础）：每万农村人口社会救助经办人员", "float", "staff per 10,000 persons", "", 0, ""),
        "distance_to_county_km": ("Road distance from the township seat to the county seat (remoteness control)", "乡镇驻地到县城道路距离（偏远程度控制变量）", "float", "km", "", 0, ""),
        "education_spending_yuan_per_pupil": ("Cause proxy (education investment): education spending per compulsory-school pupil", "原因代理（教育投入）：义务教育生均教育经费", "integer", "yuan per pupil per year", "", 0, ""),
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
def simulate(
    seed: int = DEFAULT_SEED,
    n_households: int = DEFAULT_HOUSEHOLDS,
    scenario_name: str = DEFAULT_SCENARIO,
) -> SimulatedData:
    """Draw one complete SIMULATED dataset from the documented model.

    Parameters
    ----------
    seed : int, default 20201231
        Seed for ``numpy.random.default_rng``; the same seed and scenario give identical output.
    n_households : int, default 700
        Survey sample size (at least 64 so each of the 32 sampled villages has two households).
    scenario_name : str, default "thesis"
        Planted truth, one of :data:`SCENARIOS` (see :func:`scenario`).

    Returns
    -------
    SimulatedData
        String-formatted tables ready to write, the codebook and the planted ``truth``.

    Notes
    -----
    Equations (details and sources in ``data/README.md``): latent dimension score
    ``s_hd`` = standardised (``T_t' a_d + X_h' b_d + gamma c_t,k(d) + u_t + u_v + v_hd``),
    ``v_h ~ N(0, R)`` with ``R_dd' = 0.3``; item ``y*_hdi = mu_d + lambda_di s_hd +
    sqrt(1 - lambda_di^2) e``, ``Likert = 1 + #{tau_k < y*}``; overall satisfaction is an
    ordered logit in ``mu_d + s_hd`` with coefficients ``3 w_d``; log income is AR(1) around a
    level calibrated so that the population's person-weighted mean follows the county path.

    Raises
    ------
    ValueError
        If ``n_households`` is below 64, ``seed`` is negative or the scenario is unknown.

    Examples
    --------
    >>> sim = simulate(seed=1, n_households=64, scenario_name="null")
    >>> sim.truth["weak_dimensions"], len(sim.households)
    ([], 64)
    """
    nv = N_STRATA * PSUS_PER_STRATUM
    if int(n_households) < 2 * nv:
        raise ValueError(
            f"n_households: must be at least {2 * nv} (2 per sampled village), got {n_households}"
        )
    if int(seed) < 0:
        raise ValueError(f"seed: must be a non-negative integer, got {seed}")
    sc = scenario(scenario_name, int(seed))
    rng = np.random.default_rng(int(seed))
    tw = _townships(rng)
    frame = _frame(rng, tw)
    panel, truth_panel, record = _panel(rng, tw, frame, sc)
    _, shares, _ = _remaining_shares(tw, frame)
    level = _calibrate_income_levels(int(seed), tw, frame, shares)
    households, truth_hh, design = _households(rng, tw, frame, shares, level, int(n_households), sc)
    judgments, truth_exp = _experts(rng, sc)
    totals = {
        "households": int(frame["households"].sum()),
        "registered_households": int(frame["registered"].sum()),
        "villages": int(len(frame)),
        "townships": N_TOWNSHIPS,
        "rural_population_2016": int(frame.groupby("t")["township_population_2016"].first().sum()),
        "households_by_stratum": {h: v["households"] for h, v in design["strata_detail"].items()},
        "registered_households_by_stratum": {
            h: v["registered_households"] for h, v in design["strata_detail"].items()
        },
        "note": "sum(design_weight) reproduces 'households' (and each stratum's households); "
        "the weighted registered share estimates registered_households / households.",
    }
    causes = {}
    for c in CAUSE_IDS:
        d, col, sign, en, zh = CAUSE_INFO[c]
        causes[c] = {
            "dimension": d,
            "proxy_column": col,
            "proxy_sign": sign,
            "label_en": en,
            "label_zh": zh,
            "active": c in sc.active_causes,
            "effect_on_latent_score": CAUSE_EFFECT if c in sc.active_causes else 0.0,
            "township_level": {
                r.township: float(getattr(r, f"cause_{c}")) for r in tw.itertuples()
            },
        }
    truth = {
        "_note": "SIMULATED data: planted parameters of the generating model (utils/study/simulate.py).",
        "scenario": sc.name,
        "scenario_description": sc.description,
        "seed": int(seed),
        "n_households": int(n_households),
        "weak_dimensions": list(sc.weak_dimensions),
        "active_causes": list(sc.active_causes),
        "dimensions": [
            {
                "id": d,
                "label": DIMENSION_LABELS[d][0],
                "weak": d in sc.weak_dimensions,
                "latent_mean": sc.dim_means[d],
                "importance_weight": sc.importance_weights[d],
                "expert_criteria_weight": sc.expert_criteria_weights[d],
            }
            for d in DIMENSIONS
        ],  # fmt: skip
        "causes": causes,
        "matched_measures": MATCHED_MEASURES,
        "countermeasures": {
            k: {
                "cause": c,
                "label_en": en,
                "monitor_column": col,
                "warranted": c in sc.active_causes,
            }
            for k, (c, en, col) in COUNTERMEASURES.items()
        },
        "true_weights": {
            "importance": dict(sc.importance_weights),
            "expert_criteria": dict(sc.expert_criteria_weights),
            "indicator_local": truth_exp["indicator_local_weights"],
        },
        "design": design,
        "population_totals": totals,
        "county_record": record,
        "poverty_line_yuan": {str(y): OFFICIAL_POVERTY_LINE[y] for y in YEARS},
        "poverty_line_note": "official current-price lines where a published figure was found "
        "(2016 NBS; 2020 SCIO); null = no published NBS figure found (a gap)",
        "simulation_income_threshold_yuan": {str(y): SIMULATION_THRESHOLD[y] for y in YEARS},
        "simulation_income_threshold_note": "the generator's income threshold; 2017-2019 are a "
        "geometric interpolation (a modelling assumption, NOT an official poverty line)",
        "townships": {
            r.township: {
                "remoteness": r.remoteness,
                "funding": r.funding,
                "cadre_capacity": r.cadre_capacity,
                "stratum": r.stratum,
            }
            for r in tw.itertuples()
        },  # fmt: skip
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


MANIFEST = ".simulate-manifest.json"
BACKUP_DIR = ".simulate-backup"
#: Files a data folder may hold that the simulator did not write (project documentation and
#: the real background figures).
FOREIGN_ALLOWED = ("README.md", "background/")


def _sha256(b: bytes) -> str:
    return hashlib.sha256(b).hexdigest()


def _csv_bytes(df: pd.DataFrame) -> bytes:
    buf = io.StringIO()
    df.to_csv(buf, index=False, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    return buf.getvalue().encode("utf-8")


def _atomic_write(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder and a rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


class DataFolderConflictError(FileExistsError):
    """The output folder holds files the simulator did not write, or that changed since."""


def _conflicts(out: Path, new: dict[str, bytes]) -> list[str]:
    """Files under ``out`` the simulator may not overwrite or leave beside its own output."""
    manifest = {}
    mp = out / MANIFEST
    if mp.is_file():
        try:
            manifest = json.loads(mp.read_text(encoding="utf-8")).get("files", {})
        except (ValueError, AttributeError):
            manifest = {}
    found = []
    if not out.is_dir():
        return found
    for p in sorted(out.rglob("*")):
        if not p.is_file():
            continue
        rel = p.relative_to(out).as_posix()
        if rel == MANIFEST or rel.startswith(BACKUP_DIR + "/") or rel.endswith(".tmp"):
            continue
        data = p.read_bytes()
        ours = manifest.get(rel) == _sha256(data)
        if rel in new:
            if data != new[rel] and not ours:
                found.append(rel)
        elif not ours and not rel.startswith(FOREIGN_ALLOWED):
            found.append(rel)
    return found


def write_dataset(
    out: str | Path,
    seed: int = DEFAULT_SEED,
    n_households: int = DEFAULT_HOUSEHOLDS,
    scenario_name: str = DEFAULT_SCENARIO,
    *,
    force: bool = False,
) -> list[Path]:
    """Simulate and write a complete data directory; return the paths written (sorted).

    Writes ``survey/households.csv``, ``experts/judgments.csv``, ``indicators.csv``,
    ``townships/panel.csv``, ``codebook.csv``, ``truth.json``, copies the real ``background/``
    files from the repository's ``data/`` (unless ``out`` *is* that folder) and records what it
    wrote (SHA-256 per file) in ``.simulate-manifest.json``. UTF-8, ``\\n`` line endings,
    fixed number formats: byte-for-byte reproducible. Every file is written to a temporary
    file in its folder and renamed into place.

    Parameters
    ----------
    out : str or Path
        Output folder (created if needed).
    seed, n_households, scenario_name
        As in :func:`simulate`.
    force : bool, default False
        Overwrite files the simulator did not write (or that changed since it wrote them);
        they are first copied to ``<out>/.simulate-backup/<UTC time>/``.

    Raises
    ------
    DataFolderConflictError
        If ``out`` holds such files and ``force`` is False (nothing is written).
    """
    out = Path(out)
    sim = simulate(seed, n_households, scenario_name)
    new = {
        "survey/households.csv": _csv_bytes(sim.households),
        "experts/judgments.csv": _csv_bytes(sim.judgments),
        "indicators.csv": _csv_bytes(sim.indicators),
        "townships/panel.csv": _csv_bytes(sim.panel),
        "codebook.csv": _csv_bytes(sim.codebook),
        "truth.json": (json.dumps(sim.truth, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode("utf-8"),
    }  # fmt: skip
    src_bg = REPO_DATA_DIR / "background"
    if src_bg.is_dir() and src_bg.resolve() != (out / "background").resolve():
        for f in sorted(src_bg.iterdir()):
            if f.is_file():
                new[f"background/{f.name}"] = f.read_bytes()
    conflicts = _conflicts(out, new)
    if conflicts and not force:
        raise DataFolderConflictError(
            f"out: '{out}' holds {len(conflicts)} file(s) the simulator did not write or that "
            f"changed since it wrote them: {', '.join(conflicts[:10])}"
            f"{' ...' if len(conflicts) > 10 else ''}; nothing was written. Choose an empty "
            "folder, or pass --force (force=True) to overwrite after a backup."
        )
    if conflicts:
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
        backup = out / BACKUP_DIR / stamp
        for rel in conflicts:
            dst = backup / rel
            dst.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(out / rel, dst)
    written = []
    for rel, data in new.items():
        _atomic_write(out / rel, data)
        written.append(out / rel)
    manifest = {"written_by": "utils.study.simulate", "scenario": scenario_name, "seed": int(seed),
                "n_households": int(n_households),
                "files": {rel: _sha256(data) for rel, data in sorted(new.items())}}  # fmt: skip
    _atomic_write(out / MANIFEST, (json.dumps(manifest, indent=2, sort_keys=True) + "\n").encode())
    written.append(out / MANIFEST)
    return sorted(written)


def main(argv: list[str] | None = None) -> int:
    """Command line: ``python -m utils.study.simulate --out DIR [--scenario S] [--seed N]
    [--households N] [--force]``. Exit status 2 when the folder holds files it may not overwrite."""
    p = argparse.ArgumentParser(description="Write the SIMULATED M County study data.")
    p.add_argument("--scenario", choices=SCENARIOS, default=DEFAULT_SCENARIO)
    p.add_argument("--seed", type=int, default=DEFAULT_SEED)
    p.add_argument("--households", type=int, default=DEFAULT_HOUSEHOLDS)
    p.add_argument(
        "--out",
        type=Path,
        required=True,
        help="output folder (required; to regenerate the shipped data say --out data/)",
    )
    p.add_argument("--force", action="store_true",
                   help="overwrite files the simulator did not write, after a backup")  # fmt: skip
    a = p.parse_args(argv)
    try:
        paths = write_dataset(a.out, a.seed, a.households, a.scenario, force=a.force)
    except DataFolderConflictError as exc:
        print(f"error: {exc}")
        return 2
    for path in paths:
        print(path)
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
