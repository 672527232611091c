"""Load, validate and privacy-check the project's data files.

Every loader validates its file against ``data/codebook.csv``: the pandera schema is BUILT
FROM THE CODEBOOK (type, allowed values, min/max, required, unique, missing rule), then a few
cross-column rules that a codebook row cannot express are checked by hand (village prefix,
labour force <= household size, conditional missing values, complete and reciprocal AHP
matrices). All problems are collected and raised together as :class:`DataValidationError`,
each with file, line number AS IN THE FILE (header = line 1, first data row = line 2),
column, offending value (a bounded excerpt) and rule. Raw files are only read, never written.

Every way a file can fail to parse is such a problem too, never a raw exception: not UTF-8 (GBK
named), a row with more fields than the header, an Excel workbook or binary data saved as ``.csv``,
an empty file, broken JSON, an invalid pattern in the codebook, a number too large.
:func:`check_data_folder` checks a whole folder (every file, cross-file rules, the sizes the
chapters need, item non-response) without raising; ``python -m tools.check DIR`` prints it. The
privacy gate over every file lives in :mod:`utils.study.privacy`.

The survey, expert and township files shipped in ``data/`` are SIMULATED (see
``data/README.md``); the background file holds real public figures.

References
----------
Saaty, T. L. (1980). *The Analytic Hierarchy Process*. McGraw-Hill (1-9 scale, reciprocity).
Sweeney, L. (2002). k-anonymity: a model for protecting privacy. *International Journal of
Uncertainty, Fuzziness and Knowledge-Based Systems*, 10(5), 557-570.
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import numpy as np
import pandas as pd
import pandera.pandas as pa

from utils.escape import excerpt, one_line
from utils.methods._validation import check_choice
from utils.study.privacy import KINDS as _PRIVACY_KINDS
from utils.study.privacy import PrivacyError, column_identifier

DATA_DIR = Path(__file__).resolve().parents[2] / "data"
DIMENSIONS = ("gs", "in", "ss", "ed", "lc")
FILES = {
    "survey": "survey/households.csv",
    "experts": "experts/judgments.csv",
    "townships": "townships/panel.csv",
    "background": "background/china_rural_poverty_2012_2021.csv",
    "indicators": "indicators.csv",
    "codebook": "codebook.csv",
    "truth": "truth.json",
}
EXPECTED = {
    "survey/households.csv": "the household questionnaire, one row per household",
    "experts/judgments.csv": "expert pairwise judgments (expert_id, role, block, row, col, value)",
    "townships/panel.csv": "township statistics, one row per township and year",
    "background/china_rural_poverty_2012_2021.csv": "national rural poverty figures 2012-2021",
    "indicators.csv": "the indicator system (goal, criteria, indicators)",
    "codebook.csv": "the codebook, one row per column of every data file",
    "truth.json": "the planted parameters of the simulation model",
}
CODEBOOK_REQUIRED = ("file", "column", "type", "allowed", "min", "max", "required", "missing_rule")
MAX_LISTED = 200  # problems listed in one message; the rest are counted
LINE_NOTE = "line numbers as in the file: header = line 1, first data row = line 2"
SAATY_SCALE = {
    (str(k) if k >= 1 else f"1/{round(1 / k)}"): Fraction(k).limit_denominator(9)
    for k in [1 / j for j in range(9, 1, -1)] + list(range(1, 10))
}


class DataValidationError(ValueError):
    """Raised when a data file breaks the codebook; ``problems`` lists every finding."""

    def __init__(self, problems: list[Problem] | str):
        if isinstance(problems, str):
            self.problems: tuple[Problem, ...] = ()
            super().__init__(problems)
            return
        self.problems = tuple(problems)
        head = f"{len(self.problems)} data problem(s) found ({LINE_NOTE}):"
        lines = [f"  - {p}" for p in self.problems[:MAX_LISTED]]
        if len(self.problems) > MAX_LISTED:
            lines.append(f"  - ... and {len(self.problems) - MAX_LISTED} more (fix these first)")
        super().__init__("\n".join([head, *lines]))


class MissingDataFileError(DataValidationError, FileNotFoundError):
    """A data file is not where it was expected (both a ValueError and a FileNotFoundError)."""


@dataclass(frozen=True)
class Problem:
    """One validation finding: where (file, line, column), what (value) and which rule."""

    file: str
    line: int | None
    column: str
    value: str
    rule: str

    def __str__(self) -> str:
        where = f"{self.file}" + (f" line {self.line}" if self.line is not None else "")
        rule = one_line(self.rule, 400)  # a rule may quote ids from the data: bounded too
        return f"{where}, column {excerpt(self.column)}, value {excerpt(self.value)}: {rule}"


# --------------------------------------------------------------------------------------------
# Paths
# --------------------------------------------------------------------------------------------
def _resolve(path: str | Path | None, rel: str) -> tuple[Path, Path]:
    """Return ``(file, data_root)`` for a root directory, a file path or None."""
    if path is None:
        return DATA_DIR / rel, DATA_DIR
    p = Path(path)
    if p.is_dir():
        return p / rel, p
    parts = Path(rel).parts
    root = p.parents[len(parts) - 1] if len(p.parents) >= len(parts) else p.parent
    if len(parts) > 1 and p.parent.name != parts[0]:
        root = p.parent
    return p, root


def _codebook_for(root: Path) -> pd.DataFrame:
    cb = root / FILES["codebook"]
    return load_codebook(cb if cb.is_file() else None)


def _missing_file(p: Path, rel: str) -> MissingDataFileError:
    return MissingDataFileError(
        f"{rel}: file not found at '{p}'; expected {EXPECTED.get(rel, 'a data file')} "
        f"(see data/README.md and data/codebook.csv)"
    )


def _line_col(text: str, offset: int) -> tuple[int, int]:
    """1-based line and column of a character offset."""
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def read_text_file(p: Path, rel: str) -> str:
    """A data file's text (UTF-8, a byte-order mark allowed), or :class:`DataValidationError`.

    Refused with file, line, column and rule: a missing file, an empty file, a binary file (an
    Excel workbook saved as ``.csv``, anything with NUL bytes) and bytes that are not UTF-8 (the
    message says when they read as GBK/GB18030, the usual Chinese Excel export).
    """
    if not p.is_file():
        raise _missing_file(p, rel)
    raw = p.read_bytes()
    if raw[:4] == b"PK\x03\x04" or raw[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise DataValidationError(
            [
                Problem(
                    rel,
                    1,
                    "",
                    "",
                    "wrong file type: this is an Excel workbook, not CSV text; "
                    "save it as 'CSV UTF-8 (comma delimited)'",
                )
            ]  # fmt: skip
        )
    if b"\x00" in raw:
        text = raw.decode("latin-1")
        line, col = _line_col(text, raw.index(b"\x00"))
        raise DataValidationError(
            [Problem(rel, line, f"character {col}", "", "wrong file type: binary data (NUL byte)")]
        )
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        start = exc.start + (3 if raw.startswith(b"\xef\xbb\xbf") else 0)
        before = raw[: exc.start].decode("utf-8", errors="replace")
        line, col = _line_col(before + "?", len(before))
        try:
            raw.decode("gb18030")
            hint = "; it reads as GBK/GB18030: re-save the file as UTF-8"
        except UnicodeDecodeError:
            hint = "; re-save the file as UTF-8"
        del start
        raise DataValidationError(
            [
                Problem(
                    rel,
                    line,
                    f"character {col}",
                    repr(raw[exc.start : exc.start + 4]),
                    f"encoding: not UTF-8 text{hint}",
                )
            ]  # fmt: skip
        ) from None
    if not text.strip():
        raise DataValidationError(
            [Problem(rel, 1, "", "", "empty file: expected a header line and data rows")]
        )
    return text


def _read_raw(p: Path, rel: str) -> pd.DataFrame:
    """A CSV data file as strings ('' = empty), every tokenising problem reported with its line.

    Rows with more or fewer fields than the header, an unterminated quote and a duplicated or
    empty header name are :class:`DataValidationError` problems, all listed together.
    """
    text = read_text_file(p, rel)
    problems: list[Problem] = []
    rows: list[list[str]] = []
    csv.field_size_limit(
        max(csv.field_size_limit(), 1 << 30)
    )  # a huge cell is a value, not a crash
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader)
        for row in reader:
            if not row or (len(row) == 1 and row[0] == "" and len(header) > 1):
                continue  # a blank line
            if len(row) != len(header):
                problems.append(
                    Problem(
                        rel,
                        reader.line_num,
                        f"{len(row)} fields",
                        excerpt_row(row),
                        f"tokenising: this row has {len(row)} fields, the header has "
                        f"{len(header)} (an unquoted comma or a missing value?)",
                    )  # fmt: skip
                )
                continue
            rows.append(row)
    except csv.Error as exc:
        problems.append(
            Problem(rel, reader.line_num, "", "", f"tokenising: {exc} (an unclosed quote?)")
        )
    except StopIteration:
        header = []
    header = [h.strip() for h in header]
    for j, h in enumerate(header):
        if h == "":
            problems.append(Problem(rel, 1, f"column {j + 1}", "", "empty column name"))
        elif header.index(h) != j:
            problems.append(Problem(rel, 1, h, h, "duplicate column name"))
    if problems:
        raise DataValidationError(problems)
    return pd.DataFrame(rows, columns=header, dtype=str)


def excerpt_row(row: list[str]) -> str:
    """A short excerpt of a CSV row for a message."""
    return ",".join(row)


# --------------------------------------------------------------------------------------------
# Codebook-driven validation
# --------------------------------------------------------------------------------------------
def _is_float(s: str) -> bool:
    try:
        return math.isfinite(float(s))
    except ValueError:
        return False


def _num(s: str) -> float | None:
    return None if s is None or str(s).strip() == "" else float(s)


def _row_problems(
    rel: str, mask: pd.Series | np.ndarray, column: str, values: pd.Series, rule: str
) -> list[Problem]:
    """One :class:`Problem` per row where ``mask`` is true, quoting that row of ``values``.

    The line is the row label + 2 (the header is line 1; rows are labelled 0..n-1 as read).
    """
    rows = np.flatnonzero(np.asarray(mask, dtype=bool))
    return [Problem(rel, int(values.index[i]) + 2, column, values.iloc[i], rule) for i in rows]


def _schema_from_codebook(cb: pd.DataFrame) -> tuple[pa.DataFrameSchema, dict]:
    """Build a pandera schema (and human-readable rule texts) from codebook rows."""
    columns, rules = {}, {}
    for r in cb.itertuples(index=False):
        numeric = r.type in ("integer", "float", "boolean")
        checks, texts = [], []
        allowed = r.allowed or ""
        if allowed.startswith("regex:"):
            pattern = allowed[len("regex:") :]
            checks.append(pa.Check.str_matches(pattern))
            texts.append(f"must match the pattern {pattern}")
        elif allowed:
            vals = allowed.split("|")
            checks.append(pa.Check.isin([float(v) for v in vals] if numeric else vals))
            shown = allowed if len(vals) <= 12 else "|".join(vals[:12]) + "|..."
            texts.append(f"must be one of {shown} (codebook 'allowed')")
        lo, hi = _num(r.min), _num(r.max)
        if numeric and lo is not None:
            checks.append(pa.Check.ge(lo))
            texts.append(f"must be >= {r.min} (codebook 'min')")
        if numeric and hi is not None:
            checks.append(pa.Check.le(hi))
            texts.append(f"must be <= {r.max} (codebook 'max')")
        rule = (r.missing_rule or "").strip()
        nullable = rule != "not allowed"
        columns[r.column] = pa.Column(
            float if numeric else object,
            checks=checks,
            nullable=nullable,
            unique=(r.unique == "yes"),
            required=False,
        )
        for k, t in enumerate(texts):
            rules[(r.column, k)] = t
    return pa.DataFrameSchema(columns, strict=False), rules


def _validate(raw: pd.DataFrame, rel: str, cb: pd.DataFrame) -> tuple[pd.DataFrame, list[Problem]]:
    """Check ``raw`` (all strings, '' = missing) against the codebook; return typed frame."""
    spec = cb[cb["file"] == rel]
    if spec.empty:
        raise DataValidationError(f"{rel}: the codebook has no rows for this file")
    problems: list[Problem] = []
    known = set(spec["column"])
    for c in raw.columns:
        if c not in known:
            problems.append(Problem(rel, 1, c, c, "unknown column (not in the codebook)"))
    for r in spec.itertuples(index=False):
        if r.required == "yes" and r.column not in raw.columns:
            problems.append(Problem(rel, 1, r.column, "", "required column is missing"))
    spec = spec[spec["column"].isin(raw.columns)]
    cols: dict[str, pd.Series] = {}
    bad_cells: set[tuple[str, int]] = set()
    for r in spec.itertuples(index=False):
        s = raw[r.column].astype(str).str.strip()
        empty = s == ""
        if r.type in ("integer", "float", "boolean"):
            v = pd.to_numeric(s.where(~empty), errors="coerce")
            limit = 2.0**53 if r.type in ("integer", "boolean") else 1e300
            overflow = ~empty & (v.abs() > limit) | (
                ~empty & v.isna() & s.str.fullmatch(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")
            )
            v = v.where(~overflow)
            flagged = [
                (overflow, f"overflow: number too large for a {r.type} column"),
                (~empty & v.isna() & ~overflow, f"non-numeric text in a {r.type} column"),
            ]
            if r.type in ("integer", "boolean"):
                flagged.append((v.notna() & (v != np.round(v)), "must be a whole number"))
            for mask, rule in flagged:
                problems += _row_problems(rel, mask, r.column, s, rule)
                bad_cells.update((r.column, int(i)) for i in raw.index[mask.to_numpy()])
            cols[r.column] = v.astype(float)
        else:
            cols[r.column] = s.where(~empty, np.nan).astype(object)
    typed = pd.DataFrame(cols, index=raw.index)
    schema, rules = _schema_from_codebook(spec)
    try:
        schema.validate(typed, lazy=True)
    except pa.errors.SchemaErrors as exc:
        fc = exc.failure_cases
        for row in fc.itertuples(index=False):
            col, idx = row.column, row.index
            if idx is None or (isinstance(idx, float) and np.isnan(idx)):
                problems.append(Problem(rel, None, str(col), str(row.failure_case), str(row.check)))
                continue
            idx = int(idx)
            if (col, idx) in bad_cells:
                continue
            if row.check == "not_nullable":
                rule, value = "missing value not allowed (codebook missing_rule 'not allowed')", ""
            elif row.check == "field_uniqueness":
                rule, value = "duplicate value (codebook: unique)", raw.at[idx, col]
            else:
                k = int(row.check_number) if row.check_number is not None else -1
                rule, value = rules.get((col, k), str(row.check)), raw.at[idx, col]
            problems.append(Problem(rel, idx + 2, str(col), str(value), rule))
    problems += _missing_rules(raw, typed, spec, rel)
    # final dtypes: integer/boolean -> Int64 (fractions already reported become <NA>), text -> string
    out = {}
    for r in spec.itertuples(index=False):
        v = typed[r.column]
        if r.type in ("integer", "boolean"):
            out[r.column] = v.where(v == np.round(v)).astype("Int64")
        elif r.type in ("category", "string"):
            out[r.column] = v.astype("string")
        else:
            out[r.column] = v
    typed = pd.DataFrame(out, index=raw.index)
    return typed, problems


_MAX_RULE = re.compile(r"max\s+(\d+(?:\.\d+)?)%\s+per respondent across (.+)")
_COND_RULE = re.compile(r"required if (\w+)\s*=\s*(\S+), else empty")


def _missing_rules(
    raw: pd.DataFrame, typed: pd.DataFrame, spec: pd.DataFrame, rel: str
) -> list[Problem]:
    problems = []
    groups: dict[str, list[str]] = {}
    for r in spec.itertuples(index=False):
        rule = (r.missing_rule or "").strip()
        if _MAX_RULE.fullmatch(rule):
            groups.setdefault(rule, []).append(r.column)
        m = _COND_RULE.fullmatch(rule)
        if m and m.group(1) in raw.columns:
            cond = raw[m.group(1)].astype(str).str.strip() == m.group(2)
            empty = raw[r.column].astype(str).str.strip() == ""
            for i in np.flatnonzero((cond & empty).to_numpy()):
                problems.append(
                    Problem(rel, int(raw.index[i]) + 2, r.column, "", f"missing, but {rule}")
                )
            problems += _row_problems(
                rel, ~cond & ~empty, r.column, raw[r.column], f"must be empty: {rule}"
            )
    for rule, cols in groups.items():
        share = float(_MAX_RULE.fullmatch(rule).group(1)) / 100
        miss = (raw[cols].astype(str).apply(lambda s: s.str.strip()) == "").sum(axis=1)
        for i in np.flatnonzero((miss > share * len(cols)).to_numpy()):
            problems.append(
                Problem(
                    rel,
                    int(raw.index[i]) + 2,
                    f"{cols[0]}..{cols[-1]} ({len(cols)} items)",
                    f"{int(miss.iloc[i])} of {len(cols)} missing",
                    f"too many missing answers for this respondent: {rule}",
                )
            )
    return problems


def _load(path, key: str) -> tuple[pd.DataFrame, pd.DataFrame, list[Problem], Path]:
    rel = FILES[key]
    p, root = _resolve(path, rel)
    raw = _read_raw(p, rel)
    cb = _codebook_for(root)
    typed, problems = _validate(raw, rel, cb)
    return raw, typed, problems, root


# --------------------------------------------------------------------------------------------
# Public loaders
# --------------------------------------------------------------------------------------------
def load_codebook(path: str | Path | None = None) -> pd.DataFrame:
    """Load ``codebook.csv`` (one row per column of every data file).

    Parameters
    ----------
    path : str or Path, optional
        Data root directory or the codebook file; default the repository's ``data/``.

    Returns
    -------
    DataFrame
        All fields as strings ('' where empty). Checked for its own required fields,
        known types and duplicate (file, column) pairs.
    """
    p, _ = _resolve(path, FILES["codebook"])
    cb = _read_raw(p, FILES["codebook"])
    problems = []
    for c in CODEBOOK_REQUIRED:
        if c not in cb.columns:
            problems.append(Problem("codebook.csv", 1, c, "", "required codebook field is missing"))
    if problems:
        raise DataValidationError(problems)
    types = {"integer", "float", "string", "category", "boolean"}
    for i, r in enumerate(cb.itertuples(index=False)):
        if r.type not in types:
            problems.append(
                Problem("codebook.csv", i + 2, "type", r.type, f"must be one of {sorted(types)}")
            )
        if r.required not in ("yes", "no"):
            problems.append(
                Problem("codebook.csv", i + 2, "required", r.required, "must be yes or no")
            )
    for i, r in enumerate(cb.itertuples(index=False)):
        allowed = r.allowed or ""
        if allowed.startswith("regex:"):
            try:
                re.compile(allowed[len("regex:") :])
            except re.error as exc:
                problems.append(
                    Problem(
                        "codebook.csv",
                        i + 2,
                        "allowed",
                        allowed,
                        f"invalid regular expression: {exc}",
                    )  # fmt: skip
                )
        elif allowed and r.type in ("integer", "float", "boolean"):
            for v in allowed.split("|"):
                if not _is_float(v):
                    problems.append(
                        Problem(
                            "codebook.csv",
                            i + 2,
                            "allowed",
                            v,
                            f"not a number, but the column's type is {r.type}",
                        )  # fmt: skip
                    )
                    break
        for field_name in ("min", "max"):
            v = getattr(r, field_name)
            if v.strip() and not _is_float(v):
                problems.append(
                    Problem("codebook.csv", i + 2, field_name, v, "must be a number or empty")
                )
    dup = cb.duplicated(["file", "column"], keep="first")
    problems += _row_problems(
        "codebook.csv", dup, "column", cb["column"], "duplicate (file, column) entry"
    )
    if problems:
        raise DataValidationError(problems)
    return cb


def load_survey(path: str | Path | None = None) -> pd.DataFrame:
    """Load and validate the household survey (``survey/households.csv``; SIMULATED data).

    Parameters
    ----------
    path : str or Path, optional
        Data root directory (containing ``survey/``) or the CSV file; default ``data/``.
        The codebook is taken from the root (if it has one) else from the repository.

    Returns
    -------
    DataFrame
        One row per household, indexed 0..n-1; integer and 0/1 columns as ``Int64``
        (missing = ``<NA>``), text as ``string``. Column meanings: ``data/codebook.csv``.

    Raises
    ------
    DataValidationError
        Listing every problem: codebook rules (types, allowed values incl. Likert 1-5 and
        known townships, min/max e.g. negative income, unique household_id, missing values),
        too many missing Likert answers per respondent, exit_year/poverty_cause present iff
        registered poor, village prefix = township, labour_force <= household_size.
    """
    raw, typed, problems, _ = _load(path, "survey")
    rel = FILES["survey"]
    if {"village", "township"} <= set(raw.columns):
        for i, (v, t) in enumerate(zip(raw["village"], raw["township"], strict=True)):
            if v and t and not v.startswith(f"{t}-"):
                problems.append(
                    Problem(
                        rel, i + 2, "village", v, f"village id must start with its township '{t}-'"
                    )
                )
    if {"labour_force", "household_size"} <= set(typed.columns):
        over = (typed["labour_force"] > typed["household_size"]).fillna(False).to_numpy(dtype=bool)
        problems += _row_problems(
            rel, over, "labour_force", raw["labour_force"], "must not exceed household_size"
        )
    if problems:
        raise DataValidationError(problems)
    return typed


def load_township_panel(path: str | Path | None = None) -> pd.DataFrame:
    """Load and validate ``townships/panel.csv`` (25 townships x 2016-2020; SIMULATED).

    Beyond the codebook rules, each (township, year) pair must be unique.

    Raises
    ------
    DataValidationError
        Listing every problem found.
    """
    raw, typed, problems, _ = _load(path, "townships")
    rel = FILES["townships"]
    if {"township", "year"} <= set(raw.columns):
        dup = raw.duplicated(["township", "year"], keep="first")
        pairs = raw["township"] + ", " + raw["year"]
        problems += _row_problems(
            rel, dup, "township, year", pairs, "duplicate (township, year) row"
        )
    if problems:
        raise DataValidationError(problems)
    return typed


def load_background(path: str | Path | None = None) -> pd.DataFrame:
    """Load the REAL national rural-poverty figures 2012-2021 (empty cells stay missing).

    Source: NBS releases as reported by the outlets in the ``source`` column (see
    ``data/background/README.md``). Units: 10,000 persons; percent; yuan per person per year.
    """
    _, typed, problems, _ = _load(path, "background")
    if problems:
        raise DataValidationError(problems)
    return typed


def load_indicators(path: str | Path | None = None) -> pd.DataFrame:
    """Load the indicator system (goal -> five criteria -> indicators).

    Beyond the codebook, each indicator's parent must be a criterion id and its ``criterion``
    must equal its parent.
    """
    raw, typed, problems, _ = _load(path, "indicators")
    rel = FILES["indicators"]
    if {"id", "level", "parent"} <= set(raw.columns):
        crit = set(raw.loc[raw["level"] == "criterion", "id"])
        for i, r in enumerate(raw.itertuples(index=False)):
            if r.level == "indicator" and r.parent not in crit:
                problems.append(
                    Problem(
                        rel,
                        i + 2,
                        "parent",
                        r.parent,
                        "an indicator's parent must be a criterion id",
                    )
                )
            if r.level == "indicator" and "criterion" in raw.columns and r.criterion != r.parent:
                problems.append(
                    Problem(
                        rel, i + 2, "criterion", r.criterion, "must equal the indicator's parent"
                    )
                )
    if problems:
        raise DataValidationError(problems)
    return typed


def load_truth(path: str | Path | None = None) -> dict:
    """Load ``truth.json``: the planted parameters of the simulation model."""
    p, _ = _resolve(path, FILES["truth"])
    text = read_text_file(p, FILES["truth"])
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        raise DataValidationError(
            [
                Problem(
                    FILES["truth"], exc.lineno, f"character {exc.colno}", "", f"JSON: {exc.msg}"
                )
            ]  # fmt: skip
        ) from None
    except RecursionError:
        raise DataValidationError(
            [Problem(FILES["truth"], None, "", "", "JSON: nested too deeply")]
        ) from None
    if not isinstance(value, dict):
        raise DataValidationError(
            [Problem(FILES["truth"], 1, "", "", "JSON: the file must hold an object {...}")]
        )
    return value


def _block_members(indicators: pd.DataFrame) -> dict[str, list[str]]:
    members = {"criteria": list(indicators.loc[indicators["level"] == "criterion", "id"])}
    for d in members["criteria"]:
        members[d] = list(
            indicators.loc[(indicators["level"] == "indicator") & (indicators["parent"] == d), "id"]
        )
    return members


def load_expert_judgments(path: str | Path | None = None) -> pd.DataFrame:
    """Load and validate expert pairwise judgments (``experts/judgments.csv``; SIMULATED).

    Values are stored as text on Saaty's (1980) scale: ``1..9`` or ``1/2..1/9``. Each
    (expert, block) must be a FULL square matrix over the block's ids from
    ``indicators.csv`` (block ``criteria``: the criteria; block ``gs`` etc.: that criterion's
    indicators), with diagonal 1 and ``a[j, i] = 1 / a[i, j]`` exactly.

    Returns
    -------
    DataFrame
        Columns ``expert_id, role, block, row, col, value`` with ``value`` as float and the
        stored text in ``value_text``.

    Raises
    ------
    DataValidationError
        Listing every problem: off-scale values, unknown ids, missing or duplicate cells, a
        diagonal different from 1, non-reciprocal pairs (naming expert, block and cell).
    """
    raw, typed, problems, root = _load(path, "experts")
    rel = FILES["experts"]
    need = {"expert_id", "block", "row", "col", "value"}
    if need <= set(raw.columns):
        ind_path = root / FILES["indicators"]
        indicators = load_indicators(ind_path if ind_path.is_file() else None)
        members = _block_members(indicators)
        cells: dict[tuple, tuple[int, str]] = {}
        for i, r in enumerate(raw.itertuples(index=False)):
            line = i + 2
            ids = members.get(r.block)
            if ids is None:
                continue  # unknown block already reported by the codebook check
            for c, v in (("row", r.row), ("col", r.col)):
                if v not in ids:
                    problems.append(
                        Problem(
                            rel,
                            line,
                            c,
                            v,
                            f"not an element of block '{r.block}' (allowed: {', '.join(ids)})",
                        )
                    )
            key = (r.expert_id, r.block, r.row, r.col)
            if key in cells:
                problems.append(Problem(rel, line, "row, col", f"{r.row}, {r.col}",
                                        f"duplicate cell for expert {r.expert_id}, block {r.block} (first at line {cells[key][0]})"))  # fmt: skip
                continue
            cells[key] = (line, r.value)
        experts = sorted(set(raw["expert_id"]))
        for e in experts:
            for block, ids in members.items():
                present = [k for k in cells if k[0] == e and k[1] == block]
                if not present:
                    continue
                for a in ids:
                    for b in ids:
                        if (e, block, a, b) not in cells:
                            problems.append(Problem(rel, None, "row, col", f"{a}, {b}",
                                                    f"missing cell: expert {e}, block {block} must be a full {len(ids)}x{len(ids)} matrix"))  # fmt: skip
                for a in ids:
                    for b in ids:
                        ab, ba = cells.get((e, block, a, b)), cells.get((e, block, b, a))
                        if ab is None or ab[1] not in SAATY_SCALE:
                            continue
                        if a == b and SAATY_SCALE[ab[1]] != 1:
                            problems.append(
                                Problem(
                                    rel,
                                    ab[0],
                                    "value",
                                    ab[1],
                                    f"diagonal must be 1 (expert {e}, block {block}, cell {a},{a})",
                                )
                            )
                        elif a < b and ba is not None and ba[1] in SAATY_SCALE:
                            if SAATY_SCALE[ab[1]] * SAATY_SCALE[ba[1]] != 1:
                                problems.append(Problem(rel, ab[0], "value", ab[1],
                                                        f"not reciprocal: expert {e}, block {block}, cell ({a},{b}) = {ab[1]} "
                                                        f"but cell ({b},{a}) = {ba[1]} at line {ba[0]}; need a[{b},{a}] = 1/a[{a},{b}]"))  # fmt: skip
    if problems:
        raise DataValidationError(problems)
    out = typed.copy()
    out["value_text"] = out["value"]
    out["value"] = [float(SAATY_SCALE[v]) for v in raw["value"]]
    return out


# --------------------------------------------------------------------------------------------
# Helpers for chapters
# --------------------------------------------------------------------------------------------
def expert_matrices(judgments: pd.DataFrame) -> dict[tuple[str, str], pd.DataFrame]:
    """Square pairwise-comparison matrices, one per (expert_id, block).

    Parameters
    ----------
    judgments : DataFrame
        As returned by :func:`load_expert_judgments` (columns expert_id, block, row, col,
        value as numbers).

    Returns
    -------
    dict
        ``{(expert_id, block): DataFrame}``, rows and columns labelled by indicator ids in
        their order of first appearance in the file.

    Raises
    ------
    ValueError
        If a column is missing, ``value`` is not numeric, or a matrix has missing cells.
    """
    need = ["expert_id", "block", "row", "col", "value"]
    missing = [c for c in need if c not in judgments.columns]
    if missing:
        raise ValueError(f"judgments: missing column(s) {missing}; expected {need}")
    vals = pd.to_numeric(judgments["value"], errors="coerce")
    if vals.isna().any():
        i = int(np.flatnonzero(vals.isna().to_numpy())[0])
        raise ValueError(
            f"judgments: column 'value' must be numeric; row {judgments.index[i]!r} is {judgments['value'].iloc[i]!r}"
        )
    out = {}
    df = judgments.assign(value=vals.astype(float))
    for (e, b), g in df.groupby(["expert_id", "block"], sort=True):
        order = list(dict.fromkeys(list(g["row"]) + list(g["col"])))
        m = g.pivot_table(index="row", columns="col", values="value", aggfunc="first").reindex(
            index=order, columns=order
        )
        if m.isna().to_numpy().any():
            a, c = np.argwhere(m.isna().to_numpy())[0]
            raise ValueError(
                f"judgments: expert {e!r}, block {b!r}: cell ({order[a]}, {order[c]}) is missing"
            )
        m.index.name, m.columns.name = None, None
        out[(str(e), str(b))] = m
    return out


def likert_items(source: pd.DataFrame, dimension: str) -> list[str]:
    """Likert item columns of one performance dimension (so chapters never hard-code lists).

    Parameters
    ----------
    source : DataFrame
        The codebook (uses rows with group 'likert' and the given dimension for the survey
        file) or a survey DataFrame (uses columns named ``<dimension><number>``).
    dimension : {'gs', 'in', 'ss', 'ed', 'lc'}

    Returns
    -------
    list of str
        Item columns in numeric order, e.g. ``['gs1', ..., 'gs5']``.
    """
    check_choice(dimension, DIMENSIONS, "dimension")
    if {"file", "column", "dimension", "group"} <= set(source.columns):
        rows = source[
            (source["file"] == FILES["survey"])
            & (source["group"] == "likert")
            & (source["dimension"] == dimension)
        ]
        cols = list(rows["column"])
    else:
        cols = [c for c in source.columns if re.fullmatch(rf"{re.escape(dimension)}\d+", str(c))]
    if not cols:
        raise ValueError(f"source: no Likert items found for dimension {dimension!r}")
    return sorted(cols, key=lambda c: int(re.search(r"\d+$", c).group()))


# --------------------------------------------------------------------------------------------
# Privacy
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class PrivacyReport:
    """Result of :func:`privacy_report`.

    Attributes
    ----------
    direct_identifiers : tuple of (column, reason)
    k_min : int
        Smallest sample frequency ``fk`` of a key (k-anonymity: Sweeney, 2002).
    small_cells : DataFrame
        The risky keys, smallest first: one row per key with the key variables, ``n`` (= ``fk``,
        sample records) and, for a weighted file, ``Fk`` (estimated population units). A key is
        risky when its ``Fk < k_threshold`` (weighted file) or its ``fk < k_threshold``.
    n_rows : int
    quasi_identifiers : tuple of str
        The key variables.
    k_threshold : int
    weight : str or None
        The sampling-weight column used for ``Fk`` (None: unweighted, ``Fk = fk``).
    Fk_min : float
        Smallest estimated population frequency of a key (``= k_min`` without weights).
    n_sample_unique : int
        Records whose key is unique in the sample (``fk = 1``).
    risk_max : float
        Largest individual re-identification risk (Benedetti-Franconi,
        :func:`utils.study.privacy.individual_risk`; ``1 / fk`` without weights).
    expected_reidentifications : float
        Sum of the individual risks (the expected number of correct re-identifications).
    """

    direct_identifiers: tuple[tuple[str, str], ...]
    k_min: int
    small_cells: pd.DataFrame
    n_rows: int
    quasi_identifiers: tuple[str, ...] = ()
    k_threshold: int = 5
    weight: str | None = None
    Fk_min: float = float("nan")
    n_sample_unique: int = 0
    risk_max: float = float("nan")
    expected_reidentifications: float = float("nan")

    @property
    def rule(self) -> str:
        """The rule the warning applies: ``"Fk < k"`` (weighted file) or ``"fk < k"``."""
        return f"Fk < {self.k_threshold}" if self.weight else f"fk < {self.k_threshold}"

    def to_frame(self) -> pd.DataFrame:
        """One-row summary: rows, key variables, weight, k_min, Fk_min, uniques, risks, rule."""
        return pd.DataFrame(
            [
                {
                    "n_rows": self.n_rows,
                    "keys": ", ".join(self.quasi_identifiers),
                    "weight": self.weight or "",
                    "k_min": self.k_min,
                    "Fk_min": self.Fk_min,
                    "n_sample_unique": self.n_sample_unique,
                    "risk_max": self.risk_max,
                    "expected_reidentifications": self.expected_reidentifications,
                    "rule": self.rule,
                    "risky_keys": len(self.small_cells),
                }
            ]
        )

    def warning(self) -> str | None:
        """Text for the runner when a key is risky by :attr:`rule` (else None)."""
        if self.small_cells.empty:
            return None
        qi = self.quasi_identifiers
        if self.weight:
            head = (
                f"re-identification warning (rule {self.rule}, Fk = estimated population "
                f"frequency = sum of '{self.weight}' over the key): min Fk = {self.Fk_min:.1f} "
                f"< {self.k_threshold} over ({', '.join(qi)}); {len(self.small_cells)} key(s) "
                f"represent fewer than {self.k_threshold} population units (k_min = {self.k_min} "
                f"in the sample of {self.n_rows} rows). Riskiest keys:"
            )
        else:
            head = (
                f"k-anonymity warning (rule {self.rule}, no sampling weight declared): k_min = "
                f"{self.k_min} < {self.k_threshold} over ({', '.join(qi)}); "
                f"{len(self.small_cells)} cell(s) have fewer than {self.k_threshold} of "
                f"{self.n_rows} rows. Smallest cells:"
            )
        lines = [head]
        for r in self.small_cells.head(10).to_dict("records"):
            cell = ", ".join(f"{q}={r[q]}" for q in qi) + f": n={r['n']}"
            if self.weight:
                cell += f", Fk={r['Fk']:.1f}"
            lines.append("  " + cell)
        lines.append(
            "Coarsen or drop key variables (or suppress rare combinations) before sharing the data "
            "(data/README.md, 'How the survey was prepared for release')."
        )
        return "\n".join(lines)


_DEFAULT_QI = ("township", "village", "sex", "age_band", "household_size")


def header_like(name: str) -> bool:
    """True when a column header names a personal identifier (see :mod:`utils.study.privacy`)."""
    from utils.study.privacy import header_identifier

    return header_identifier(name)


def disclosure_roles(
    codebook: pd.DataFrame, rel: str = "survey/households.csv"
) -> tuple[tuple[str, ...], str | None] | None:
    """Key variables and sampling weight of file ``rel`` declared in the codebook.

    The codebook field ``disclosure`` marks a column ``key`` (a quasi-identifier) or ``weight``
    (the sampling weight). Returns ``(keys, weight)``, or None when the codebook has no such
    field or declares no key for the file (then the default quasi-identifiers are used).

    Examples
    --------
    >>> cb = pd.DataFrame({"file": ["f.csv"] * 3, "column": ["sex", "age", "w"],
    ...                    "disclosure": ["key", "key", "weight"]})
    >>> disclosure_roles(cb, "f.csv")
    (('sex', 'age'), 'w')
    """
    if "disclosure" not in codebook.columns:
        return None
    rows = codebook[codebook["file"] == rel]
    role = rows["disclosure"].fillna("").astype(str).str.strip().str.lower()
    keys = tuple(rows.loc[role == "key", "column"].astype(str))
    weights = list(rows.loc[role == "weight", "column"].astype(str))
    if not keys:
        return None
    if len(weights) > 1:
        raise ValueError(
            f"codebook.csv: {rel} declares {len(weights)} weight columns {weights}; at most one"
        )
    return keys, (weights[0] if weights else None)


def privacy_report(
    df: pd.DataFrame,
    quasi_identifiers: tuple[str, ...] = _DEFAULT_QI,
    k_threshold: int = 5,
    weight: str | None = None,
) -> PrivacyReport:
    """Find direct identifiers and measure the re-identification risk of the key variables.

    Direct identifiers: columns whose names look like names, phone or ID numbers (name,
    姓名, phone, mobile, id_card, 身份证, address, ...; place names such as ``village_name`` are
    quasi-identifiers, not direct ones), and any cell holding a resident ID or phone number
    (:mod:`utils.study.privacy`).

    Risk over the key variables ``c`` (``age_band`` is made from ``age`` in 10-year bands,
    ``"50-59"``, when asked for and only ``age`` exists):

    * ``fk`` = sample records sharing a record's key; ``k_min = min fk`` (k-anonymity, Sweeney,
      2002);
    * with a sampling ``weight``: ``Fk = sum of w over the key's records``, the estimated number
      of population units sharing the key (sdcMicro's ``freqCalc``; Templ, Kowarik and Meindl,
      2015), and the individual risk of Benedetti and Franconi
      (:func:`utils.study.privacy.individual_risk`).

    A key is risky when ``Fk < k_threshold`` (weighted: a sample-unique record whose key stands
    for many households is not at risk) or, without a weight, when ``fk < k_threshold``.

    Parameters
    ----------
    df : DataFrame
    quasi_identifiers : tuple of str, default (township, village, sex, age_band, household_size)
        The key variables.
    k_threshold : int, default 5
    weight : str, optional
        Column of sampling weights (households represented).

    Raises
    ------
    ValueError
        If ``df`` is empty, a key or the weight column is missing, a weight is not > 0, or
        k_threshold < 1.

    References
    ----------
    Templ, M., Kowarik, A. and Meindl, B. (2015). Statistical disclosure control for micro-data
    using the R package sdcMicro. *Journal of Statistical Software*, 67(4).
    https://doi.org/10.18637/jss.v067.i04

    Examples
    --------
    >>> df = pd.DataFrame({"sex": ["f", "f", "m"], "w": [10.0, 30.0, 25.0]})
    >>> rep = privacy_report(df, ("sex",), weight="w")
    >>> rep.k_min, rep.Fk_min, rep.warning() is None
    (1, 25.0, True)
    >>> privacy_report(df, ("sex",)).warning().splitlines()[0][:40]
    'k-anonymity warning (rule fk < 5, no sam'
    """
    from utils.study.privacy import individual_risk, key_frequencies

    if not isinstance(df, pd.DataFrame) or df.empty:
        raise ValueError("df: expected a non-empty DataFrame")
    if int(k_threshold) < 1:
        raise ValueError(f"k_threshold: must be >= 1, got {k_threshold}")
    found: list[tuple[str, str]] = []
    for c in df.columns:
        s = df[c]
        if pd.api.types.is_float_dtype(s) and not header_like(str(c)):
            continue
        values = ["" if pd.isna(v) else str(v) for v in s]
        hit = column_identifier(str(c), values)
        if hit:
            found.append((str(c), _PRIVACY_KINDS[hit[0]]))
    work = df
    qi = tuple(quasi_identifiers)
    if "age_band" in qi and "age_band" not in df.columns and "age" in df.columns:
        age = pd.to_numeric(df["age"], errors="coerce")
        lo = (age // 10 * 10).astype("Int64")
        work = df.assign(age_band=[f"{v}-{v + 9}" if pd.notna(v) else "unknown" for v in lo])
    missing = [q for q in qi if q not in work.columns]
    if missing:
        raise ValueError(
            f"quasi_identifiers: column(s) {missing} not in df (age_band can be derived from age)"
        )
    freq = key_frequencies(work, qi, weight)
    risk = individual_risk(freq["fk"], freq["Fk"]) if weight else 1 / freq["fk"].to_numpy()
    if qi:
        per_key = work[list(qi)].assign(n=freq["fk"], Fk=freq["Fk"]).drop_duplicates(list(qi))
    else:  # nothing to group by: the whole file is one key
        per_key = freq.head(1).rename(columns={"fk": "n"}).reset_index(drop=True)
    measure = "Fk" if weight else "n"
    small = (
        per_key[per_key[measure] < k_threshold]
        .sort_values([measure, *qi], kind="stable")
        .reset_index(drop=True)
    )
    if not weight:
        small = small.drop(columns="Fk")
    return PrivacyReport(
        direct_identifiers=tuple(found),
        k_min=int(freq["fk"].min()),
        small_cells=small,
        n_rows=int(len(df)),
        quasi_identifiers=qi,
        k_threshold=int(k_threshold),
        weight=weight,
        Fk_min=float(freq["Fk"].min()),
        n_sample_unique=int((freq["fk"] == 1).sum()),
        risk_max=float(np.max(risk)),
        expected_reidentifications=float(np.sum(risk)),
    )


def survey_risk_report(raw: pd.DataFrame, codebook: pd.DataFrame | None, **kwargs) -> PrivacyReport:
    """:func:`privacy_report` of a raw survey with the keys and weight its codebook declares.

    Keys come from the codebook field ``disclosure`` (:func:`disclosure_roles`); without it, the
    default quasi-identifiers the file has. The weight is used only when the file has it.
    """
    roles = disclosure_roles(codebook, FILES["survey"]) if codebook is not None else None
    if roles is not None and "quasi_identifiers" not in kwargs:
        keys, weight = roles
        kwargs["quasi_identifiers"] = tuple(k for k in keys if k in raw.columns)
        if weight is not None and weight in raw.columns and "weight" not in kwargs:
            kwargs["weight"] = weight
    elif "quasi_identifiers" not in kwargs:
        # a file without some of the default quasi-identifiers is still checked for direct
        # identifiers; k-anonymity is measured over the quasi-identifiers it has
        kwargs["quasi_identifiers"] = tuple(
            q for q in _DEFAULT_QI if q in raw.columns or (q == "age_band" and "age" in raw.columns)
        )
    return privacy_report(raw, **kwargs)


def privacy_gate(data_dir: str | Path | None = None, **kwargs) -> PrivacyReport:
    """Privacy check of a data folder (every file: :mod:`utils.study.privacy`) and of the survey.

    Loads ``survey/households.csv`` under ``data_dir`` (default the repository's ``data/``)
    as raw text, runs :func:`privacy_report` over the key variables and with the weight that the
    codebook declares (field ``disclosure``; see :func:`survey_risk_report`) and raises
    :class:`PrivacyError` naming the file and the column(s) if a direct identifier is present;
    otherwise returns the report (call ``report.warning()`` for the risk warning).
    """
    rel = FILES["survey"]
    p, root = _resolve(data_dir, rel)
    if data_dir is None or Path(data_dir).is_dir():  # a folder: every file, every text column
        from utils.study.privacy import refuse, scan_folder

        refuse(scan_folder(root))
    raw = _read_raw(p, rel)
    raw = raw.mask(raw == "")
    try:
        codebook = _codebook_for(Path(root))
    except (DataValidationError, ValueError):
        codebook = None
    report = survey_risk_report(raw, codebook, **kwargs)
    if report.direct_identifiers:
        cols = "; ".join(f"{excerpt(c)} ({why})" for c, why in report.direct_identifiers)
        raise PrivacyError(
            f"{rel}: direct identifier(s) found in column(s) {cols}; remove them before use "
            "(the values are not printed)"
        )
    return report


# --------------------------------------------------------------------------------------------
# The whole folder, checked before any chapter runs
# --------------------------------------------------------------------------------------------
#: item non-response (share of empty answers in one survey column): a warning above the first
#: threshold, an error above the second; a data folder may override them in ``checks.json``
NONRESPONSE_WARN = 0.20
NONRESPONSE_ERROR = 0.50
MIN_HOUSEHOLDS = 30
MIN_PER_TOWNSHIP = 2
MIN_PANEL_TOWNSHIPS = 3
MIN_PANEL_YEARS = 2
CHECKS_FILE = "checks.json"


@dataclass(frozen=True)
class FolderCheck:
    """Result of :func:`check_data_folder`: every error and every warning, each a :class:`Problem`."""

    errors: tuple[Problem, ...]
    warnings: tuple[Problem, ...]

    @property
    def ok(self) -> bool:
        return not self.errors


def _thresholds(root: Path, problems: list[Problem]) -> tuple[float, float]:
    warn, error = NONRESPONSE_WARN, NONRESPONSE_ERROR
    path = root / CHECKS_FILE
    if path.is_file():
        try:
            cfg = json.loads(read_text_file(path, CHECKS_FILE))
            warn = float(cfg.get("nonresponse_warn", warn))
            error = float(cfg.get("nonresponse_error", error))
            if not 0 <= warn <= error <= 1:
                raise ValueError("need 0 <= nonresponse_warn <= nonresponse_error <= 1")
        except (ValueError, TypeError, AttributeError, DataValidationError) as exc:
            problems.append(Problem(CHECKS_FILE, None, "", "", f"unreadable thresholds: {exc}"))
    return warn, error


def _attempt(fn, path, rel: str, problems: list[Problem]):
    """Call a loader; its problems (or any other failure, as a problem) go into ``problems``."""
    try:
        return fn(path)
    except DataValidationError as exc:
        problems.extend(exc.problems or [Problem(rel, None, "", "", str(exc))])
    except (ValueError, TypeError, KeyError, OverflowError, RecursionError, re.error) as exc:
        problems.append(
            Problem(
                rel, None, "", excerpt(str(exc), 200), f"could not be read ({type(exc).__name__})"
            )
        )
    return None


def check_data_folder(data_dir: str | Path) -> FolderCheck:
    """Check a whole data folder: every file, every cross-file rule, what the chapters need.

    Runs every loader of this module (so every codebook rule and every parse failure is reported
    as a :class:`Problem` with file, line, column and rule), then:

    * cross-file rules: each township has every panel year; each expert judged every block
      (the criteria and each criterion's indicators); each indicator's ``source_column`` is a
      column of its source file in the codebook and in the file; ``truth.json`` parses when present;
    * sizes and degeneracies the chapters need: at least ``MIN_HOUSEHOLDS`` households, two
      townships with ``MIN_PER_TOWNSHIP`` households each (comparisons between townships), no
      constant Likert item (reliability and factor analysis, chapter 3), ``MIN_PANEL_TOWNSHIPS``
      townships and ``MIN_PANEL_YEARS`` years in the panel with no constant indicator column
      (entropy/CRITIC weights and DEA, chapters 2 and 4), at least one expert;
    * item non-response per survey column: a warning above ``NONRESPONSE_WARN``, an error above
      ``NONRESPONSE_ERROR`` (override both in the folder's ``checks.json``).

    Never raises for bad data: every finding is in the returned :class:`FolderCheck`.
    """
    root = Path(data_dir)
    errors: list[Problem] = []
    warnings: list[Problem] = []
    warn_at, error_at = _thresholds(root, errors)
    if not (root / FILES["codebook"]).is_file():
        warnings.append(
            Problem(
                "codebook.csv", None, "", "", "not in the data folder: the repository's is used"
            )
        )
    codebook = _attempt(_codebook_for, root, FILES["codebook"], errors)
    if codebook is None:
        return FolderCheck(tuple(errors), tuple(warnings))
    loaded: dict[str, object] = {}
    loaders = {
        "indicators": load_indicators,
        "survey": load_survey,
        "townships": load_township_panel,
        "experts": load_expert_judgments,
        "background": load_background,
    }
    for key, loader in loaders.items():
        rel = FILES[key]
        if not (root / rel).is_file():
            errors.append(Problem(rel, None, "", "", f"file not found; expected {EXPECTED[rel]}"))
            continue
        if key == "experts" and "indicators" not in loaded:
            continue  # the expert blocks are defined by the indicators file, reported above
        loaded[key] = _attempt(loader, root, rel, errors)
    if (root / FILES["truth"]).is_file():
        _attempt(load_truth, root, FILES["truth"], errors)
    known = set(FILES.values())
    for f in sorted(set(codebook["file"]) - known):
        warnings.append(
            Problem("codebook.csv", None, "file", f, "describes a file the book does not read")
        )

    survey, panel = loaded.get("survey"), loaded.get("townships")
    indicators, experts = loaded.get("indicators"), loaded.get("experts")
    if isinstance(indicators, pd.DataFrame):
        files = {"survey": FILES["survey"], "township": FILES["townships"]}
        frames = {"survey": survey, "township": panel}
        for i, r in enumerate(indicators.itertuples(index=False)):
            src = getattr(r, "source", None)
            col = getattr(r, "source_column", None)
            if r.level != "indicator" or pd.isna(src) or src not in files:
                continue
            described = set(codebook.loc[codebook["file"] == files[src], "column"])
            frame = frames[src]
            if pd.isna(col) or col not in described:
                errors.append(Problem(FILES["indicators"], i + 2, "source_column", str(col),
                                      f"not a column of {files[src]} in the codebook"))  # fmt: skip
            elif isinstance(frame, pd.DataFrame) and col not in frame.columns:
                errors.append(Problem(FILES["indicators"], i + 2, "source_column", str(col),
                                      f"{files[src]} has no such column"))  # fmt: skip
    if isinstance(panel, pd.DataFrame) and {"township", "year"} <= set(panel.columns):
        rel = FILES["townships"]
        years = sorted(int(y) for y in panel["year"].dropna().unique())
        towns = sorted(panel["township"].dropna().unique())
        have = panel.groupby("township")["year"].apply(lambda s: set(s.dropna().astype(int)))
        for t in towns:
            missing = [y for y in years if y not in have.get(t, set())]
            if missing:
                errors.append(Problem(rel, None, "township, year", str(t),
                                      f"missing year(s) {', '.join(map(str, missing))}: every "
                                      f"township needs every panel year ({years[0]}-{years[-1]})"))  # fmt: skip
        if len(towns) < MIN_PANEL_TOWNSHIPS:
            errors.append(Problem(rel, None, "township", f"{len(towns)} township(s)",
                                  f"DEA, entropy and CRITIC weights (chapters 2 and 4) need at "
                                  f"least {MIN_PANEL_TOWNSHIPS} townships"))  # fmt: skip
        if len(years) < MIN_PANEL_YEARS:
            errors.append(Problem(rel, None, "year", f"{len(years)} year(s)",
                                  f"the panel chapters need at least {MIN_PANEL_YEARS} years"))  # fmt: skip
        if isinstance(indicators, pd.DataFrame) and "source_column" in indicators.columns:
            used = indicators.loc[indicators["source"] == "township", "source_column"].dropna()
            for col in used:
                if col in panel.columns and panel[col].dropna().nunique() < 2 and len(towns) > 1:
                    errors.append(Problem(rel, None, col, "constant",
                                          "an indicator that does not vary gives entropy/CRITIC "
                                          "weights no information (chapter 2): it must vary "
                                          "between townships"))  # fmt: skip
    if isinstance(experts, pd.DataFrame) and isinstance(indicators, pd.DataFrame):
        rel = FILES["experts"]
        blocks = set(_block_members(indicators.astype(object).where(indicators.notna(), "")))
        for e, g in experts.groupby("expert_id"):
            missing = sorted(blocks - set(g["block"]))
            if missing:
                errors.append(Problem(rel, None, "expert_id, block", str(e),
                                      f"missing block(s) {', '.join(missing)}: the group AHP "
                                      "(chapter 2) needs every block from every expert"))  # fmt: skip
        if experts["expert_id"].nunique() < 1:
            errors.append(Problem(rel, None, "expert_id", "", "no expert: chapter 2 needs one"))
    if survey is None and (root / FILES["survey"]).is_file():
        # the survey broke a rule (reported above): sizes and non-response are still checked on
        # the raw text, so one run reports them too
        raw = _attempt(lambda r: _read_raw(r / FILES["survey"], FILES["survey"]), root, "", [])
        if isinstance(raw, pd.DataFrame):
            survey = raw.apply(lambda s: s.str.strip()).replace("", np.nan)
    if isinstance(survey, pd.DataFrame):
        rel = FILES["survey"]
        n = len(survey)
        if n < MIN_HOUSEHOLDS:
            errors.append(Problem(rel, None, "household_id", f"{n} household(s)",
                                  f"the survey analyses (chapters 3-5) need at least "
                                  f"{MIN_HOUSEHOLDS} households"))  # fmt: skip
        if "township" in survey.columns:
            counts = survey["township"].value_counts()
            if len(counts) < 2:
                errors.append(Problem(rel, None, "township", f"{len(counts)} township(s)",
                                      "comparisons between townships (chapters 3-5) need at "
                                      "least 2 townships"))  # fmt: skip
            for t, k in counts.items():
                if k < MIN_PER_TOWNSHIP:
                    errors.append(Problem(rel, None, "township", str(t),
                                          f"{k} household(s): comparisons between townships "
                                          f"need at least {MIN_PER_TOWNSHIP} per township"))  # fmt: skip
        spec = codebook[codebook["file"] == rel]
        for r in spec.itertuples(index=False):
            if r.column not in survey.columns:
                continue
            col = survey[r.column]
            if getattr(r, "group", "") == "likert" and n >= 2 and col.dropna().nunique() < 2:
                errors.append(Problem(rel, None, r.column, "constant",
                                      "nobody varies on this item: reliability and factor "
                                      "analysis (chapter 3) need items that vary"))  # fmt: skip
            if (r.missing_rule or "").startswith("required if") or n == 0:
                continue
            share = float(col.isna().mean())
            where = f"{share:.0%} empty ({int(col.isna().sum())} of {n})"
            if share > error_at:
                errors.append(Problem(rel, None, r.column, where,
                                      f"item non-response above {error_at:.0%} (error threshold)"))  # fmt: skip
            elif share > warn_at:
                warnings.append(Problem(rel, None, r.column, where,
                                        f"item non-response above {warn_at:.0%} (warning threshold)"))  # fmt: skip
    return FolderCheck(tuple(errors), tuple(warnings))
