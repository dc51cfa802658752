"""Shared CLI plumbing: error handling, the ``--kb`` option, output rendering."""

from __future__ import annotations

import functools
import json
import os
import sys
from pathlib import Path
from typing import Annotated, Callable

import typer

from evgraph.errors import EvgraphError

KbOption = Annotated[
    list[str],
    typer.Option(
        "--kb",
        "--graph",
        help="Knowledge source: 'bundled' (default), a curated folder, a folder with nodes.csv/edges.csv "
        "(e.g. made by 'evgraph build') or a node-link .json graph. Repeat to merge, e.g. --kb bundled "
        "--kb my_kb/.",
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


def cache_dir() -> Path:
    base = os.environ.get("EVGRAPH_CACHE_DIR") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "evgraph")
    return Path(base)


def _fingerprint(sources: list[str]) -> str | None:
    """Hash of everything a graph is built from: the source files, the schema, the code that
    reads them and the versions. ``None`` when a source is not a local file or folder."""
    import hashlib
    from importlib import resources
    from importlib.metadata import version
    from importlib.util import find_spec

    from evgraph import __version__

    h = hashlib.sha256(f"{__version__}|{version('networkx')}|{sys.version_info[:2]}".encode())
    root = resources.files("evgraph")
    for name in ("schema.yaml", "model.py", "tables.py", "schema.py", "exchange.py"):
        h.update(root.joinpath(name).read_bytes())
    loaders = find_spec("evgraph.loaders")  # imports only the parent package, not the loaders
    for folder in (loaders.submodule_search_locations or []) if loaders else []:
        for path in sorted(Path(folder).glob("*.py")):
            h.update(path.read_bytes())
    for source in sources:
        path = Path(str(root.joinpath("data", "kb"))) if source == "bundled" else Path(source)
        files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
        h.update(b"|source|" + str(source).encode())
        for f in files:
            if not f.exists():
                return None
            h.update(f.name.encode())
            h.update(f.read_bytes())
    return h.hexdigest()[:24]


def load_graph(kb: list[str] | None):
    """Load and merge the knowledge sources, then build the graph.

    The validated graph is cached as a pickle in the user's cache folder, keyed
    by a hash of the source files, the schema, the loading code and the
    versions: an unchanged knowledge base is parsed and validated once, and any
    change to it (or to evgraph) builds it afresh.
    """
    import pickle

    sources = kb or DEFAULT_KB
    key = _fingerprint(sources)
    cached = cache_dir() / f"graph-{key}.pickle" if key else None
    if cached is not None:
        try:
            with open(cached, "rb") as fh:
                return pickle.load(fh)
        except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ImportError):
            pass
    from evgraph.loaders import load_sources
    from evgraph.model import to_graph

    G = to_graph(load_sources(sources))
    if cached is not None:
        try:
            cached.parent.mkdir(parents=True, exist_ok=True)
            tmp = cached.with_suffix(f".{os.getpid()}.tmp")
            with open(tmp, "wb") as fh:
                pickle.dump(G, fh, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, cached)  # atomic: a concurrent reader never sees half a file
        except OSError:
            pass  # a read-only home only costs speed
    return G


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
