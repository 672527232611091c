"""The whole book: every chapter executes through papermill and the site builds with warnings as errors;
and the chapters are not tied to the shipped data (they run on a second simulated dataset)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tools.run import read_toc, run, toc_entries

REPO = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.slow


def test_every_toc_entry_has_a_page(built_book: Path):
    entries = toc_entries(REPO / "book")
    assert len(entries) >= 7
    for entry in entries:
        assert (built_book / f"{entry}.html").is_file(), f"no page for toc entry {entry}"
    assert (built_book / "index.html").is_file()
    summary = json.loads((REPO / "book" / "_build" / "runner" / "summary.json").read_text())
    assert summary["book"] in {"built", "current"}
    assert {r["status"] for r in summary["results"]} <= {"ok", "cached"}


def test_chapters_run_on_a_second_dataset(tmp_path: Path):
    """Another seed and 200 households: every chapter must execute without error."""
    from utils.study.simulate import write_dataset

    data = tmp_path / "data"
    write_dataset(data, seed=7, n_households=200)
    status = run(data_dir=data, build_dir=tmp_path / "build", jobs=os.cpu_count(), build=False)
    summary = json.loads((tmp_path / "build" / "runner" / "summary.json").read_text())
    failed = {r["chapter"]: r["error"] for r in summary["results"] if r["status"] != "ok"}
    assert status == 0 and not failed, f"chapters failed on the seed-7 dataset: {failed}"
    assert len(summary["results"]) == len(read_toc(REPO / "book"))
    executed = json.loads(
        (tmp_path / "build" / "executed" / "chapters" / "03_survey.ipynb").read_text()
    )
    params = next(
        c for c in executed["cells"] if "injected-parameters" in c["metadata"].get("tags", [])
    )
    assert str(data) in "".join(params["source"])


def _glued(notebook: Path) -> dict[str, str]:
    """The text/plain value of every glued key in an executed notebook."""
    nb = json.loads(notebook.read_text(encoding="utf-8"))
    values = {}
    for cell in nb["cells"]:
        for out in cell.get("outputs", []):
            name = out.get("metadata", {}).get("scrapbook", {}).get("name")
            text = out.get("data", {}).get("application/papermill.record/text/plain")
            if name and text is not None:
                values[name] = text
    return values


def test_chapter_4_follows_its_weighting_parameter(built_book: Path, tmp_path: Path):
    """`-p WEIGHTS entropy` changes the scores, and the prose (all glued) follows with no edit."""
    default = _glued(REPO / "book" / "_build" / "executed" / "chapters" / "04_scoring.ipynb")
    status = run(
        only=["04_scoring"], parameters={"WEIGHTS": "entropy"}, build_dir=tmp_path, build=False
    )
    assert status == 0
    entropy = _glued(tmp_path / "executed" / "chapters" / "04_scoring.ipynb")
    assert default["ch4_scheme"] == "'combined'" and entropy["ch4_scheme"] == "'entropy'"
    assert float(entropy["ch4_overall_score"]) != pytest.approx(
        float(default["ch4_overall_score"]), abs=1e-6
    )
