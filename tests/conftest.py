"""Shared fixtures. The book build is expensive, so it runs once per session (and the runner's
cache makes a rebuild with unchanged inputs nearly free)."""

from __future__ import annotations

import os
from pathlib import Path

import matplotlib
import pytest

matplotlib.use("Agg")

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def repo() -> Path:
    return REPO


@pytest.fixture(scope="session")
def built_book() -> Path:
    """Execute every chapter and build the book (warnings are errors); return the html folder."""
    from tools.run import run

    status = run(jobs=os.cpu_count())
    assert status == 0, "the book build failed: see the runner's output above"
    return REPO / "book" / "_build" / "html"


# Hypothesis: random exploration on developers' machines; in CI (CI=true) the same examples every run,
# so that a submission's result does not depend on the draw. The examples database is off there.
from hypothesis import settings as _hyp_settings  # noqa: E402

_hyp_settings.register_profile("ci", derandomize=True, database=None, print_blob=True)
if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
    _hyp_settings.load_profile("ci")


def _data_hashes() -> dict[str, str]:
    import hashlib

    data = REPO / "data"
    return {
        str(p.relative_to(data)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(data.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module", autouse=True)
def raw_data_unchanged():
    """Raw data is never modified: every test module (loaders, simulation, chapters, book build)
    leaves the checksums of every file under data/ as they were."""
    before = _data_hashes()
    yield
    after = _data_hashes()
    changed = sorted(k for k in before.keys() | after.keys() if before.get(k) != after.get(k))
    assert not changed, f"a test modified raw data files: {changed}"
