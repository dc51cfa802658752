"""Strict TSV reading that remembers file, line and column for error messages."""

from __future__ import annotations

import csv
from pathlib import Path

from evgraph.errors import Problem, ValidationError

__all__ = ["Row", "read_tsv"]


class Row(dict):
    """A TSV row (column -> stripped string) that knows where it came from."""

    file: str
    line: int

    def origin(self) -> str:
        return f"{self.file}:{self.line}"

    def problem(self, column: str, reason: str) -> Problem:
        return Problem(self.file, self.line, column, reason)


def read_tsv(path: Path, required: tuple[str, ...], optional: tuple[str, ...] = ()) -> list[Row]:
    """Read a tab-separated file with a header naming at least ``required``.

    Raises :class:`ValidationError` naming the file and line for a missing
    column, an unknown column or a row with the wrong number of cells.
    """
    name = str(path)
    try:
        text = Path(path).read_text("utf-8")
    except UnicodeDecodeError as err:
        raise ValidationError([Problem(name, 0, "", f"not UTF-8 text ({err.reason} at byte {err.start})")]) from None
    except OSError as err:
        raise ValidationError([Problem(name, 0, "", f"cannot read: {err.strerror}")]) from None
    lines = text.splitlines()
    if not lines or not lines[0].strip():
        raise ValidationError([Problem(name, 1, "", "empty file: expected a header line")])
    header = next(csv.reader([lines[0]], delimiter="\t", quoting=csv.QUOTE_NONE))
    header = [h.strip() for h in header]
    problems = [Problem(name, 1, c, "required column is missing") for c in required if c not in header]
    known = set(required) | set(optional)
    problems += [Problem(name, 1, c, f"unknown column; expected {', '.join(required + optional)}")
                 for c in header if c not in known]
    if problems:
        raise ValidationError(problems)
    rows: list[Row] = []
    for lineno, line in enumerate(lines[1:], start=2):
        if not line.strip() or line.startswith("#"):
            continue
        cells = line.split("\t")
        if len(cells) != len(header):
            problems.append(Problem(name, lineno, "", f"expected {len(header)} tab-separated cells, found {len(cells)}"))
            continue
        row = Row((h, c.strip()) for h, c in zip(header, cells))
        row.file, row.line = name, lineno
        rows.append(row)
    if problems:
        raise ValidationError(problems)
    return rows
