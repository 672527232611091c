"""Check a data folder before any chapter runs: privacy gate, every file, every cross-file rule.

Usage::

    python -m tools.check data/            # exit 0: the folder passes (warnings may be printed)
    python -m tools.check path/to/my_data  # exit 2: every problem listed, in one report

The runner (``python -m tools.run``, ``make book``) runs the same check first and starts no
chapter when it finds an error. What is checked:

1. the privacy gate over every file and every text column (:mod:`utils.study.privacy`): resident
   ID numbers, phone numbers, personal names; the report names file, column, line and kind of
   identifier, never the identifier;
2. every data file against the codebook, every parse failure (encoding, tokenising, JSON, regular
   expression, overflow, empty file, wrong file type) and every cross-file rule, sizes and
   degeneracies the chapters need and item non-response
   (:func:`utils.study.data.check_data_folder`).

Line numbers are as in the file (header = line 1). Values are quoted as bounded excerpts.
A folder that holds none of the book's data files (and no codebook) is checked for privacy only.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from utils.escape import one_line

__all__ = ["CheckReport", "check_folder", "main"]

MAX_LISTED = 200  # problems printed; the rest are counted


@dataclass
class CheckReport:
    """Everything found in a data folder: errors (stop the run) and warnings, one line each."""

    folder: str
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    privacy: int = 0  # how many of the errors are identifiers found by the privacy gate

    def error_text(self) -> str:
        """The whole report, as the runner and ``tools.check`` print it."""
        head = f"the data folder {self.folder} was refused: {len(self.errors)} problem(s)"
        if self.privacy:
            head += f"; privacy gate refused the data ({self.privacy} identifier(s); values not printed)"
        lines = [head + " (line numbers as in the file: header = line 1)"]
        lines += [f"  - {e}" for e in self.errors[:MAX_LISTED]]
        if len(self.errors) > MAX_LISTED:
            lines.append(f"  - ... and {len(self.errors) - MAX_LISTED} more (fix these first)")
        return "\n".join(lines)


def _has_book_files(root: Path) -> bool:
    from utils.study.data import FILES

    return any((root / rel).exists() for rel in FILES.values())


def check_folder(data_dir: str | Path, name: str | None = None) -> CheckReport:
    """Run the privacy gate and the data validation on ``data_dir``; return the report."""
    from utils.study.data import check_data_folder
    from utils.study.privacy import scan_folder

    root = Path(data_dir)
    report = CheckReport(name or root.name)
    if not root.is_dir():
        report.errors.append(f"{report.folder}: not a folder")
        return report
    findings = scan_folder(root)
    report.errors += [f"privacy: {f}" for f in findings]
    report.privacy = len(findings)
    if not findings and (root / "survey" / "households.csv").is_file():
        from utils.study.privacy import privacy_gate_folder

        k = privacy_gate_folder(root)
        warning = k.warning() if k is not None else None
        if warning:
            report.warnings.append(warning)
    if _has_book_files(root):
        result = check_data_folder(root)
        report.errors += [one_line(p, 2000) for p in result.errors]
        report.warnings += [one_line(p, 2000) for p in result.warnings]
    return report


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point: exit 0 when the folder passes, 2 when it is refused."""
    parser = argparse.ArgumentParser(
        prog="python -m tools.check", description=__doc__.split("\n")[0]
    )
    parser.add_argument("data_dir", type=Path, help="the data folder (layout of data/)")
    args = parser.parse_args(argv)
    report = check_folder(args.data_dir, str(args.data_dir))
    for w in report.warnings:
        print(f"warning: {w}")
    if report.errors:
        print(f"error: {report.error_text()}")
        print("No chapter was started.")
        return 2
    print(f"{args.data_dir}: passed (privacy gate, every file, every cross-file rule)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
