"""Shared CLI plumbing: error handling, the ``--kb`` option, output rendering."""

from __future__ import annotations

import contextlib
import functools
import gc
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
CANCER_HELP = ("Restrict to a cancer and its subtypes: an id, a name, a synonym or an abbreviation "
               "(\"pancreatic cancer\", PDAC, NSCLC, GBM).")
EXACT_HELP = "With --cancer: that cancer's own records only, not its subtypes'."


def cancer_scope(G, cancer: str, exact: bool = False):
    """The cancers ``--cancer`` covers (:func:`evgraph.names.scope`), said on stderr."""
    from evgraph.names import scope

    s = scope(G, cancer, category="Cancer", exact=exact)
    typer.echo(f"cancer: {s.description}", err=True)
    return s


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


def _source_files(sources: list[str]) -> list[tuple[str, list[Path]]] | None:
    from importlib import resources

    root = resources.files("evgraph")
    out = []
    for source in sources:
        path = Path(str(root.joinpath("data", "kb"))) if source == "bundled" else Path(source)
        files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
        if not all(f.exists() for f in files):
            return None
        out.append((str(source), files))
    return out


def _fingerprint(sources: list[str]) -> str | None:
    """Hash of everything a graph is built from: the source files, the schema, the code that
    reads them and the versions. ``None`` when a source is not a local file or folder.

    One command may ask twice (the ranking columns, then the graph); a large knowledge base
    takes a while to hash, so the hash is remembered while no source file changes."""
    found = _source_files(sources)
    if found is None:
        return None
    stamp = tuple((str(f), f.stat().st_size, f.stat().st_mtime_ns) for _, files in found for f in files)
    if _LAST_FINGERPRINT.get("stamp") != (tuple(sources), stamp):
        _LAST_FINGERPRINT.update(stamp=(tuple(sources), stamp), key=_hash(found))
    return _LAST_FINGERPRINT["key"]


_LAST_FINGERPRINT: dict = {}


def _hash(found) -> str:
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
    for source, files in found:
        h.update(b"|source|" + source.encode())
        for f in files:
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
    def build():
        from evgraph.loaders import load_sources
        from evgraph.model import to_graph

        return to_graph(load_sources(kb or DEFAULT_KB))

    key = _fingerprint(kb or DEFAULT_KB)
    if key is None:
        return build()
    if _LAST_GRAPH.get("key") != key:  # one command may ask twice (its columns, then the graph)
        _LAST_GRAPH.update(key=key, graph=_cached(f"graph-{key}", build))
    return _LAST_GRAPH["graph"]


_LAST_GRAPH: dict = {}


def load_arrays(kb: list[str] | None):
    """The graph's columns for ranking (:func:`evgraph.analysis.arrays.graph_arrays`), cached
    beside the graph: loading them takes milliseconds where the graph of a large knowledge base
    takes seconds, so a ranking that needs nothing else never loads the graph."""
    import hashlib
    from importlib import resources

    def build():
        from evgraph.analysis.arrays import graph_arrays

        return graph_arrays(load_graph(kb))

    key = _fingerprint(kb or DEFAULT_KB)
    if key:
        code = resources.files("evgraph").joinpath("analysis", "arrays.py").read_bytes()
        key = f"{key}-{hashlib.sha256(code).hexdigest()[:12]}"
    return _cached(f"arrays-{key}", build) if key else build()


class LazyGraph:
    """A stand-in for the knowledge graph that loads it on first use."""

    def __init__(self, kb: list[str] | None):
        self._kb = kb
        self._graph = None

    @property
    def graph(self):
        if self._graph is None:
            self._graph = load_graph(self._kb)
        return self._graph

    def __getattr__(self, name):
        return getattr(self.graph, name)

    def __contains__(self, node) -> bool:
        return node in self.graph

    def __iter__(self):
        return iter(self.graph)

    def __len__(self) -> int:
        return len(self.graph)

    def __getitem__(self, node):
        return self.graph[node]


@contextlib.contextmanager
def _long_lived():
    """Build long-lived objects without the cyclic garbage collector.

    A large graph is millions of dicts and lists; each allocation burst would
    trigger full collections that traverse all of them (about half the load
    time of a 10^6-edge graph). The graph holds no cycles to collect, so the
    collector is off while it is built and its objects are then frozen out of
    later collections.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if enabled:
            gc.enable()


def _cached(name: str, build: Callable):
    """``build()``, or its pickle from the cache folder when there is one named ``name``."""
    import pickle

    with _long_lived():
        path = cache_dir() / f"{name}.pickle"
        try:
            with open(path, "rb") as fh:
                return pickle.load(fh)
        except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ImportError):
            pass
        value = build()
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(f".{os.getpid()}.tmp")
            with open(tmp, "wb") as fh:
                pickle.dump(value, fh, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, path)  # atomic: a concurrent reader never sees half a file
        except OSError:
            pass  # a read-only home only costs speed
        return value


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
