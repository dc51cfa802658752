"""Exceptions raised by evgraph; the CLI turns them into exit code 1 and a message."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "EvgraphError",
    "InputError",
    "Problem",
    "SchemaError",
    "ValidationError",
    "UnknownChoiceError",
]


class EvgraphError(Exception):
    """Base class of every error evgraph raises on purpose."""


class SchemaError(EvgraphError):
    """The schema file itself is inconsistent."""


@dataclass(frozen=True, order=True)
class Problem:
    """One problem found in input data, located as precisely as known."""

    file: str = ""
    line: int = 0
    column: str = ""
    reason: str = ""

    def __str__(self) -> str:
        where = self.file or "<table>"
        if self.line:
            where += f":{self.line}"
        if self.column:
            where += f": column '{self.column}'"
        return f"{where}: {self.reason}"


class ValidationError(EvgraphError):
    """Input data broke the schema; ``problems`` lists every problem found."""

    def __init__(self, problems: list[Problem], limit: int = 20):
        self.problems = sorted(problems)
        shown = "\n".join(f"  {p}" for p in self.problems[:limit])
        more = len(self.problems) - limit
        tail = f"\n  ... and {more} more" if more > 0 else ""
        super().__init__(f"{len(self.problems)} problem(s):\n{shown}{tail}")


class UnknownChoiceError(EvgraphError, ValueError):
    """A value is not one of the valid choices; the message lists them."""

    def __init__(self, what: str, value: object, choices, limit: int = 30):
        self.what, self.value, self.choices = what, value, sorted(map(str, choices))
        listed = ", ".join(self.choices[:limit])
        if len(self.choices) > limit:
            listed += f", ... ({len(self.choices)} in all)"
        super().__init__(f"unknown {what} {value!r}; valid choices: {listed}")


class InputError(EvgraphError, ValueError):
    """A bad option or argument value that is not a simple choice from a list."""
