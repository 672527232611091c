"""Chapters 4-5's findings follow the planted truth (issue 12, items 8-9; "done when").

For each scenario of the simulator (``thesis``, ``null``, ``shuffled``; 300 households, the
simulator's default seed) the data are generated into a temporary folder, chapters 4 and 5 are
executed on them with ``tools.run`` (no HTML build), and chapter 5's findings record
``05_attribution.json`` and the merged ``findings.json`` are checked against the scenario's
``truth.json``:

- every cause, countermeasure and dimension id of the truth file is in the record, and each
  countermeasure's cause and verdict follow its cause (ids as in the truth file);
- the **supported causes match ``active_causes``**, with one documented tolerance: an active cause
  may come out "cannot tell" when it is *borderline*, i.e. its interval's lower end (the chapter's
  intervals are Bonferroni-simultaneous over the causes) lies within
  :data:`BORDERLINE` (SD of the measure per SD of the proxy) below zero (the planted effect is on a
  latent score and reaches the matched measure through a noisy proxy, and the proxies vary across
  only some twenty townships). An inactive cause must never be "supported", and an active cause
  never "not supported";
- the **problems found match ``weak_dimensions``**: a dimension that was not planted weak is never
  found a problem (its matched measure fails no standard and its ratings are not lower than the
  others'); a planted-weak dimension must be found a problem, with one documented tolerance: it
  may come out "not supported" when it *leans failing* (recomputed here from the record: the estimate of one of its components
  lies on the failing side of its standard, but the simultaneous interval does not settle it:
  the test runs on 300 households, where such near-threshold cases are expected). A problem that
  fails the absolute standard names the components that fail;
- chapter 4's verdicts on the ratings (``problem`` in ``findings.json``) never call a dimension
  a problem that was not planted weak, and the merged file carries chapter 5's verdicts
  (``problem_supported``) unchanged;
- on ``null`` no cause and no problem (dimension) is "supported".

SIMULATED data; slow (about a minute per scenario), so marked ``slow``.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SCENARIOS = ("thesis", "null", "shuffled")
#: How far below zero an active cause's lower interval end may lie and still count as borderline.
BORDERLINE = 0.05

pytestmark = pytest.mark.slow


def simulate(scenario: str, out: Path, households: int = 300) -> dict:
    """Write a scenario with the simulator's command line; return its truth file."""
    subprocess.run(
        [
            sys.executable,
            "-m",
            "utils.study.simulate",
            "--scenario",
            scenario,
            "--out",
            str(out),
            "--households",
            str(households),
        ],
        check=True,
        cwd=REPO,
        capture_output=True,
    )
    return json.loads((out / "truth.json").read_text(encoding="utf-8"))


def run_chapter(data: Path, work: Path, book_dir: Path = REPO / "book") -> dict:
    """Execute chapters 4 and 5 on ``data``; return chapter 5's record, with the merged
    ``findings.json`` under ``"merged"``."""
    from tools.run import run

    findings = work / "build" / "findings"  # the runner sets FINDINGS_DIR to BUILD_DIR/findings
    status = run(
        book_dir=book_dir,
        data_dir=data,
        build_dir=work / "build",
        only=["04_scoring", "05_attribution"],
        build=False,
        force=True,
    )
    summary = json.loads((work / "build" / "runner" / "summary.json").read_text())
    errors = {r["chapter"]: r.get("error") for r in summary["results"] if r["status"] != "ok"}
    assert status == 0 and not errors, f"chapters 4-5 failed on {data}: {errors}"
    record = json.loads((findings / "05_attribution.json").read_text(encoding="utf-8"))
    record["merged"] = json.loads((work / "build" / "findings.json").read_text(encoding="utf-8"))
    return record


def leans_failing(dimension: dict) -> bool:
    """Recomputed from the record's components (not the chapter's own flag): some component's
    estimate lies on the failing side of its standard."""
    return any(
        c["estimate"] < c["standard"]
        if c["fails_when"] == "below"
        else c["estimate"] > c["standard"]
        for c in dimension.get("matched_measure", [])
    )


def check_against_truth(record: dict, truth: dict) -> list[str]:
    """Every way the record disagrees with the truth file beyond the tolerance (empty = agrees)."""
    problems = []
    causes = {c["id"]: c for c in record["causes"]}
    if set(causes) != set(truth["causes"]):
        problems.append(f"cause ids {sorted(causes)} != truth {sorted(truth['causes'])}")
    active = set(truth["active_causes"])
    for cid, c in causes.items():
        if c["verdict"] not in {"supported", "not supported", "cannot tell"}:
            problems.append(f"{cid}: unknown verdict {c['verdict']!r}")
        if not c["ci_low"] <= c["effect"] <= c["ci_high"]:
            problems.append(f"{cid}: effect outside its interval")
        if cid in active:
            borderline = c["verdict"] == "cannot tell" and c["ci_low"] > -BORDERLINE
            if c["verdict"] != "supported" and not borderline:
                problems.append(f"{cid}: planted active, found {c['verdict']} {c}")
        elif c["verdict"] == "supported":
            problems.append(f"{cid}: not planted, found supported {c}")
    cms = {m["id"]: m for m in record["countermeasures"]}
    if set(cms) != set(truth["countermeasures"]):
        problems.append(
            f"countermeasure ids {sorted(cms)} != truth {sorted(truth['countermeasures'])}"
        )
    for mid, m in cms.items():
        planted = truth["countermeasures"].get(mid, {})
        if m["cause"] != planted.get("cause"):
            problems.append(f"{mid}: answers {m['cause']}, truth says {planted.get('cause')}")
        if m["cause"] in causes and m["verdict"] != causes[m["cause"]]["verdict"]:
            problems.append(f"{mid}: verdict {m['verdict']} differs from its cause's")
    dims = {d["id"] for d in record["dimensions"]}
    if dims != {d["id"] for d in truth["dimensions"]}:
        problems.append(f"dimension ids {sorted(dims)} differ from the truth file's")
    weak = set(truth["weak_dimensions"])
    for d in record["dimensions"]:
        if d["problem"] and d["id"] not in weak:
            problems.append(f"{d['id']}: not planted weak, found a problem ({d.get('verdict')})")
        if d["id"] in weak and not d["problem"] and not leans_failing(d):
            problems.append(f"{d['id']}: planted weak, found no problem and does not lean failing")
        if d.get("matched_standard") == "fails" and not d.get("fails_on"):
            problems.append(f"{d['id']}: fails the absolute standard without naming a component")
    for d in record.get("merged", {}).get("dimensions", []):  # chapter 4's verdict on the ratings
        if d.get("problem") and d["id"] not in weak:
            problems.append(f"{d['id']}: chapter 4 calls it a problem, not planted weak")
        if d.get("problem_supported") != next(
            (x["problem"] for x in record["dimensions"] if x["id"] == d["id"]), None
        ):
            problems.append(f"{d['id']}: findings.json and chapter 5's record disagree")
    if truth["scenario"] == "null":
        problems += [
            f"null: cause {c} supported" for c in causes if causes[c]["verdict"] == "supported"
        ]
        problems += [
            f"null: problem {d['id']} supported" for d in record["dimensions"] if d["problem"]
        ]
    return problems


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_chapter_5_findings_follow_the_planted_truth(tmp_path: Path, scenario: str):
    truth = simulate(scenario, tmp_path / "data")
    record = run_chapter(tmp_path / "data", tmp_path)
    assert record["chapter"] == "05_attribution"
    assert Path(record["data_dir"]) == (tmp_path / "data").resolve()
    assert {"CONFIDENCE", "N_RESAMPLES", "SEED", "SMALLEST_EFFECT"} <= set(record["parameters"])
    mismatches = check_against_truth(record, truth)
    assert not mismatches, f"{scenario}: " + "; ".join(mismatches)


def test_check_against_truth_can_fail():
    """The checker itself: a supported inactive cause and a supported null problem are caught."""
    truth = {
        "scenario": "null",
        "active_causes": [],
        "causes": {"a": {}},
        "countermeasures": {"m": {"cause": "a"}},
        "dimensions": [{"id": "gs"}],
        "weak_dimensions": [],
    }
    record = {
        "causes": [
            {"id": "a", "effect": 0.3, "ci_low": 0.1, "ci_high": 0.5, "verdict": "supported"}
        ],
        "countermeasures": [{"id": "m", "cause": "a", "verdict": "supported"}],
        "dimensions": [{"id": "gs", "problem": True}],
    }
    found = check_against_truth(record, truth)
    assert any("not planted" in f for f in found)
    assert any("null: cause a" in f for f in found) and any("null: problem gs" in f for f in found)
    assert any("gs: not planted weak" in f for f in found)
    # a planted-weak dimension found no problem is caught unless it leans failing
    truth2 = {**truth, "scenario": "thesis", "weak_dimensions": ["gs"]}
    comp = {"estimate": 96.0, "standard": 95.0, "fails_when": "below"}
    miss = {**record, "dimensions": [{"id": "gs", "problem": False, "matched_measure": [comp]}]}
    assert any("gs: planted weak" in f for f in check_against_truth(miss, truth2))
    lean = {**comp, "estimate": 94.0}
    near = {**record, "dimensions": [{"id": "gs", "problem": False, "matched_measure": [lean]}]}
    assert not any("gs: planted weak" in f for f in check_against_truth(near, truth2))
    unnamed = {
        **record,
        "dimensions": [{"id": "gs", "problem": True, "matched_standard": "fails"}],
    }
    assert any("without naming" in f for f in check_against_truth(unnamed, truth2))
    record["causes"][0].update(verdict="cannot tell", ci_low=-0.2)
    record["countermeasures"][0]["verdict"] = "cannot tell"
    record["dimensions"][0]["problem"] = False
    assert check_against_truth(record, truth) == []
