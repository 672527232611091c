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
    from utils.run import run

    status = run(jobs=os.cpu_count())
    assert status == 0, "the book build failed: see the runner's output above"
    return REPO / "book" / "_build" / "html"
