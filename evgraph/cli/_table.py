"""Tables for a terminal of a given width: whole names, lists cut at an item, low-priority
columns left out first; never a value broken across lines."""

from __future__ import annotations

import os
import textwrap
from dataclasses import dataclass, field

GAP = 2  # spaces between columns


@dataclass
class Column:
    """One column: its header and cells, and how it may give way when the terminal is narrow.

    ``priority`` 0 is always shown; higher numbers are left out first. A column with ``items``
    (one list per cell) may be shortened down to ``min_width`` by cutting its lists at an item
    and saying how many were left out (``anti-miR-105 +1``); other cells are never cut.
    """

    header: str
    cells: list[str]
    priority: int = 0
    align: str = "left"
    items: list[list[str]] | None = None
    min_width: int = 12
    noun: str = ""
    width: int = field(init=False, default=0)

    def natural(self) -> int:
        return max([len(self.header)] + [len(c) for c in self.cells])

    def fitted(self, width: int) -> list[str]:
        if self.items is None or width >= self.natural():
            return self.cells
        return [shorten(items, width, self.noun) for items in self.items]


def shorten(items: list[str], width: int, noun: str = "") -> str:
    """As many of ``items`` as fit in ``width``, then ``+N`` for the rest; when not even the
    first fits, how many there are (``11 cancers``), or the first cut short.

    Examples
    --------
    >>> shorten(["anti-miR-105", "miR-105 sponge", "GW4869"], 18)
    'anti-miR-105 +2'
    >>> shorten(["EV cargo", "drug target"], 30)
    'EV cargo, drug target'
    >>> shorten(["breast cancer", "glioma", "lung cancer"], 12, "cancers")
    '3 cancers'
    >>> shorten(["a-very-long-drug-name"], 10)
    'a-very-lo…'
    """
    full = ", ".join(items)
    if len(full) <= width:
        return full
    for keep in range(len(items) - 1, 0, -1):
        text = f"{', '.join(items[:keep])} +{len(items) - keep}"
        if len(text) <= width:
            return text
    if noun and len(items) > 1 and len(f"{len(items)} {noun}") <= width:
        return f"{len(items)} {noun}"
    first = items[0] if items else ""
    rest = f" +{len(items) - 1}" if len(items) > 1 else ""
    room = width - len(rest) - 1
    return (first[:max(room, 1)] + "…" + rest)[:width] if room > 0 else first[: width - 1] + "…"


def layout(columns: list[Column], width: int) -> list[Column]:
    """The columns that fit in ``width``, each with its ``width`` set.

    List columns shrink first, from the lowest priority up; then the lowest-priority columns are
    left out, one at a time, until the rest fit (priority 0 columns always stay).
    """
    shown = [c for c in columns if c.cells or c.priority == 0]
    while True:
        for c in shown:
            c.width = c.natural()
        total = sum(c.width for c in shown) + GAP * (len(shown) - 1)
        for c in sorted((c for c in shown if c.items is not None), key=lambda c: -c.priority):
            if total <= width:
                break
            give = min(c.width - max(c.min_width, len(c.header)), total - width)
            if give > 0:
                c.width -= give
                total -= give
        droppable = [c for c in shown if c.priority > 0]
        if total <= width or not droppable:
            return shown
        worst = max(droppable, key=lambda c: (c.priority, shown.index(c)))
        shown = [c for c in shown if c is not worst]


def render(columns: list[Column], width: int, *, style: bool = False) -> list[str]:
    """The header, a rule and one line per row, no line longer than ``width`` (unless the
    always-shown columns alone are wider)."""
    shown = layout(columns, width)
    bold, dim, reset = ("\033[1m", "\033[2m", "\033[0m") if style else ("", "", "")
    cells = [c.fitted(c.width) for c in shown]

    def line(values):
        parts = [v.rjust(c.width) if c.align == "right" else v.ljust(c.width) for c, v in zip(shown, values)]
        return (" " * GAP).join(parts).rstrip()

    n = len(shown[0].cells) if shown else 0
    out = [bold + line([c.header for c in shown]) + reset,
           dim + (" " * GAP).join("─" * c.width for c in shown) + reset]
    out += [line([col[i] for col in cells]) for i in range(n)]
    return out


def wrap(text: str, width: int) -> list[str]:
    """Prose (captions) wrapped at words to ``width``; a word longer than the width stays whole."""
    return textwrap.wrap(text, width=width, break_long_words=False, break_on_hyphens=False) or [""]


def use_style() -> bool:
    """Bold headers and a dim caption, unless ``NO_COLOR`` is set (https://no-color.org)."""
    return not os.environ.get("NO_COLOR")
