"""Strict TSV reading that remembers file, line and column for error messages."""

from __future__ import annotations

from pathlib import Path

from evgraph.errors import Problem, ValidationError
from evgraph.exchange import read_records

__all__ = ["Row", "read_tsv"]

# Spaces around a cell are dropped (ids pasted with a trailing blank); every other character is
# kept, the line separators a claim may hold (U+2028, NEL, form feed) among them.
PADDING = " "


class Row(dict):
    """A TSV row (column -> cell without surrounding spaces) that knows where it came from."""

    file: str
    line: int

    def origin(self) -> str:
        return f"{self.file}:{self.line}"

    def problem(self, column: str, reason: str) -> Problem:
        return Problem(self.file, self.line, column, reason)


def read_tsv(path: Path, required: tuple[str, ...], optional: tuple[str, ...] = ()) -> list[Row]:
    """Read a tab-separated file with a header naming at least ``required``.

    The reading policy is :func:`evgraph.exchange.read_records`' (UTF-8,
    quoting, no comment lines, unique header names). Raises
    :class:`ValidationError` naming the file and line for a missing column, an
    unknown column or a row with the wrong number of cells.
    """
    name = str(path)
    header, cells, lines = read_records(path, delimiter="\t")
    header = [h.strip(PADDING) for h in header]
    problems = [Problem(name, 1, c, "required column is missing") for c in required if c not in header]
    known = set(required) | set(optional)
    problems += [Problem(name, 1, c, f"unknown column; expected {', '.join(required + optional)}")
                 for c in header if c not in known]
    if problems:
        raise ValidationError(problems)
    rows: list[Row] = []
    for lineno, values in zip(lines, cells):
        row = Row((h, c.strip(PADDING)) for h, c in zip(header, values))
        row.file, row.line = name, lineno
        rows.append(row)
    return rows
