"""Shared CLI plumbing: error handling, the ``--kb`` option, output rendering."""

from __future__ import annotations

import functools
import json
import sys
from pathlib import Path
from typing import Annotated, Callable

import typer

from evgraph.errors import EvgraphError

KbOption = Annotated[
    list[str],
    typer.Option(
        "--kb",
        help="Knowledge source: 'bundled' (default), a curated folder, a folder with nodes.csv/edges.csv "
        "or a node-link .json graph. Repeat to merge, e.g. --kb bundled --kb my_kb/.",
    ),
]
DEFAULT_KB = ["bundled"]


def fail(message: str) -> typer.Exit:
    typer.echo(f"Error: {message}", err=True)
    return typer.Exit(code=1)


def handle_errors(func: Callable) -> Callable:
    """Turn evgraph's own errors and bad files into a message and exit code 1."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except EvgraphError as err:
            raise fail(str(err)) from None
        except BrokenPipeError:
            # the reader (e.g. `head`) closed the pipe: stop quietly, as Unix tools do
            import os

            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            raise typer.Exit(code=0) from None
        except (OSError, ValueError) as err:
            raise fail(f"{type(err).__name__}: {err}") from None

    return wrapper


def load_graph(kb: list[str] | None):
    """Load and merge the knowledge sources, then build the graph."""
    from evgraph.loaders import load_sources
    from evgraph.model import to_graph

    return to_graph(load_sources(kb or DEFAULT_KB))


def is_terminal() -> bool:
    return sys.stdout.isatty()


def emit(text: str, out: Path | None) -> None:
    if out is None:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
    else:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(text, "utf-8")
        typer.echo(f"wrote {out}", err=True)


def to_json(data) -> str:
    return json.dumps(data, indent=2, sort_keys=False, default=_default) + "\n"


def _default(o):
    if hasattr(o, "item"):
        return o.item()
    if isinstance(o, (set, frozenset)):
        return sorted(o)
    raise TypeError(f"not JSON serialisable: {type(o).__name__}")


def print_table(title: str, columns: list[str], rows: list[list], *, caption: str | None = None) -> None:
    """A rich table in a terminal, tab-separated text when piped."""
    if is_terminal():
        from rich.console import Console
        from rich.table import Table

        table = Table(title=title, caption=caption)
        for col in columns:
            table.add_column(col, overflow="fold")
        for row in rows:
            table.add_row(*("" if v is None else str(v) for v in row))
        Console().print(table)
    else:
        lines = ["\t".join(columns)] + ["\t".join("" if v is None else str(v) for v in row) for row in rows]
        sys.stdout.write("\n".join(lines) + "\n")
