"""Every chapter executes on data with other planted truths (issue 10, "done when").

Generates the ``null`` and ``shuffled`` scenarios with a small household count and executes
the whole book on each (no HTML build), then reads the merged ``findings.json`` (issue 12): chapter
4's verdicts on the ratings and chapter 5's verdicts on the thesis' problems never call a
dimension a problem that the scenario did not plant weak (on ``null``: none at all), and no cause
is supported that the scenario did not make active. SIMULATED data; slow (minutes), so marked
``slow``.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tools.run import run
from utils.study.simulate import write_dataset

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("scenario", ["null", "shuffled"])
def test_every_chapter_executes_on_scenario(tmp_path: Path, scenario: str):
    data = tmp_path / "data"
    write_dataset(data, seed=7, n_households=200, scenario_name=scenario)
    status = run(data_dir=data, build_dir=tmp_path / "build", jobs=os.cpu_count(), build=False)
    summary = json.loads((tmp_path / "build" / "runner" / "summary.json").read_text())
    failed = {r["chapter"]: r["error"] for r in summary["results"] if r["status"] != "ok"}
    assert status == 0 and not failed, f"chapters failed on the {scenario} scenario: {failed}"
    found = json.loads((tmp_path / "build" / "findings.json").read_text())
    truth = json.loads((data / "truth.json").read_text())
    assert found["scenario"] == scenario
    weak, active = set(truth["weak_dimensions"]), set(truth["active_causes"])
    for d in found["dimensions"]:
        for field in ("problem", "problem_supported"):  # chapter 4 (ratings), chapter 5 (thesis)
            assert not d.get(field) or d["id"] in weak, f"{scenario}: {d['id']} {field} not planted"
        assert "problem_supported" in d, f"{scenario}: chapter 5 did not judge {d['id']}"
    for c in found["causes"]:
        assert c["verdict"] != "supported" or c["id"] in active, f"{scenario}: {c['id']} supported"
