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
    "AmbiguousNameError",
    "UnknownNameError",
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


def _listed(pairs, limit: int) -> str:
    shown = ", ".join(pairs[:limit])
    return shown + (f", ... ({len(pairs)} in all)" if len(pairs) > limit else "")


class AmbiguousNameError(EvgraphError, ValueError):
    """A name denotes several nodes or terms; the message lists each with its name and id."""

    def __init__(self, what: str, value: str, candidates: list[tuple[str, str]], limit: int = 12):
        self.what, self.value, self.candidates = what, value, list(candidates)
        listed = _listed([f"{name} ({cid})" for cid, name in self.candidates], limit)
        super().__init__(f"ambiguous {what} {value!r}: it names {listed}; give one of these ids")


class UnknownNameError(UnknownChoiceError):
    """A name matches no node or term; the message gives the closest names, each with its id."""

    def __init__(self, what: str, value: str, suggestions: list[str], *, heading: str = "closest names",
                 note: str = "", limit: int = 30):
        self.what, self.value, self.choices = what, value, list(suggestions)
        if suggestions:
            tail = f"; {heading}: {_listed(self.choices, limit)}"
        elif note:
            tail = ""
        else:
            tail = "; no node or term has a similar name"
        EvgraphError.__init__(self, f"unknown {what} {value!r}{tail}{note}")
