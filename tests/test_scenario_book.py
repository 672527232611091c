"""Every chapter executes on data with other planted truths (issue 10, "done when").

Generates the ``null`` and ``shuffled`` scenarios with a small household count and executes
the whole book on each (no HTML build). SIMULATED data; slow (minutes), so marked ``slow``.
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
