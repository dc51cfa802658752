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


# Exit codes: 1 when the command line is right but the data are not (a file that does not parse
# or validate, a name the graph does not hold, a database that refuses a query); 2 when the command
# line itself is wrong (an unknown option or choice, a value of the wrong type or out of range,
# options that do not go together): Click's convention for usage errors.
EXIT_DATA = 1
EXIT_USAGE = 2


def fail(message: str) -> typer.Exit:
    """Bad data: the message on stderr, exit code 1 (raise the returned exception)."""
    typer.echo(f"Error: {message}", err=True)
    return typer.Exit(code=EXIT_DATA)


def usage(message: str, option: str | None = None) -> typer.BadParameter:
    """Bad usage: Click's usage message, exit code 2 (raise the returned exception)."""
    return typer.BadParameter(message, param_hint=f"'{option}'" if option else None)


def _os_message(err: OSError) -> str:
    what = f" {err.filename}" if err.filename else ""
    return f"cannot use{what}: {err.strerror or 'input/output error'}"


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
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            raise typer.Exit(code=0) from None
        except OSError as err:
            raise fail(_os_message(err)) from None
        except ValueError as err:  # a last resort: options are checked before the work starts
            raise fail(str(err)) from None

    return wrapper


# -- option values: parsed here so that a wrong one is a usage error with a plain message --------

class Choice:
    """A ``typer.Option`` parser for one of a few words, case-insensitive (``--format JSON``)."""

    def __init__(self, *values: str):
        self.values = values

    @property
    def metavar(self) -> str:
        return "[" + "|".join(self.values) + "]"

    def __call__(self, value):
        text = str(getattr(value, "value", value)).strip()
        for v in self.values:
            if text.lower() == v.lower():
                return v
        raise typer.BadParameter(f"{value!r} is not one of {', '.join(self.values)}")


class Integer:
    """A ``typer.Option`` parser for a whole number in ``[low, high]``."""

    def __init__(self, low: int | None = 0, high: int | None = None, what: str = ""):
        self.low, self.high, self.what = low, high, what

    def __call__(self, value):
        if isinstance(value, bool):
            raise typer.BadParameter(f"{value!r} is not a whole number")
        try:
            number = int(str(value).strip())
        except ValueError:
            raise typer.BadParameter(f"{value!r} is not a whole number") from None
        if (self.low is not None and number < self.low) or (self.high is not None and number > self.high):
            if self.high is None:
                bound = f"{self.low} or more"
            elif self.low is None:
                bound = f"{self.high} or less"
            else:
                bound = f"between {self.low} and {self.high}"
            raise typer.BadParameter(f"{number} is out of range: give {bound}{self.what}")
        return number


class Positive:
    """A ``typer.Option`` parser for a finite number above zero (sizes in inches)."""

    def __call__(self, value):
        import math

        try:
            number = float(str(value).strip())
        except ValueError:
            raise typer.BadParameter(f"{value!r} is not a number") from None
        if not math.isfinite(number) or number <= 0:
            raise typer.BadParameter(f"{value!r} is out of range: give a number above 0")
        return number


SEED_MAX = 2**32 - 1  # numpy's legacy seeding (layouts) takes at most 32 bits
SEED = Integer(0, SEED_MAX, " (a whole number)")
COUNT = Integer(0)
FORMATS = Choice("table", "csv", "json")
TABLE_OR_JSON = Choice("table", "json")


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


def terminal_width() -> int:
    """The width to fit: ``COLUMNS`` when set, else the terminal's, else 80."""
    import shutil

    return max(shutil.get_terminal_size((80, 24)).columns, 20)


# -- what produced an output -----------------------------------------------------------------------

def _source_version(source: str) -> str | None:
    """The version a knowledge source declares: ``kb.yaml`` of a curated folder, ``meta.json`` of a
    canonical one (as ``evgraph build`` and ``evgraph export`` write them); ``None`` otherwise."""
    from importlib import resources

    path = Path(str(resources.files("evgraph").joinpath("data", "kb"))) if source == "bundled" else Path(source)
    try:
        if (path / "kb.yaml").is_file():
            import yaml

            meta = yaml.safe_load((path / "kb.yaml").read_text("utf-8"))
            return str(meta.get("version")) if isinstance(meta, dict) and meta.get("version") else None
        if (path / "meta.json").is_file():
            meta = json.loads((path / "meta.json").read_text("utf-8"))
            if not isinstance(meta, dict):
                return None
            versions = [meta.get("kb", {}).get("version")] + [s.get("kb", {}).get("version")
                                                               for s in meta.get("sources", []) if isinstance(s, dict)]
            found = sorted({str(v) for v in versions if v})
            return ";".join(found) or None
    except (OSError, ValueError, AttributeError, ImportError):
        return None
    return None


def provenance(ctx: typer.Context | None, kb: list[str] | None, **extra) -> dict:
    """What produced an output, so that it can be reproduced: the evgraph version, the knowledge
    sources with their versions and fingerprint (:func:`_fingerprint`), the command and every one
    of its options as given or defaulted. Nothing in it depends on the time or the machine."""
    from evgraph import __version__

    sources = list(kb or DEFAULT_KB)
    out = {
        "evgraph_version": __version__,
        "command": ctx.command_path if ctx is not None else None,
        # every option as given or defaulted, but the output file: the same settings give the same bytes
        "options": {k: _plain_option(v) for k, v in sorted(ctx.params.items()) if k != "out"} if ctx else {},
        "knowledge_base": {"sources": sources, "versions": [_source_version(s) for s in sources],
                           "fingerprint": _fingerprint(sources)},
    }
    out.update(extra)
    return out


def _plain_option(value):
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, (list, tuple)):
        return [_plain_option(v) for v in value]
    return getattr(value, "value", value)


def csv_text(records: list[dict], header: dict | None = None, columns: list[str] | None = None) -> str:
    """Records as CSV, lists ``;``-joined; ``header`` first as ``# key: <JSON>`` comment lines.

    The comment lines are read past by ``pandas.read_csv(path, comment="#")`` and R's
    ``read.csv(path, comment.char="#")``; a field that holds ``#`` is quoted, so those readers
    keep it whole.
    """
    cols = columns or list(dict.fromkeys(k for r in records for k in r))
    lines = []
    if header:
        lines += [f"# {k}: {json.dumps(v, sort_keys=True, default=_default, ensure_ascii=False)}"
                  for k, v in header.items()]
    lines.append(",".join(_csv_field(c) for c in cols))
    for r in records:
        lines.append(",".join(_csv_field(r.get(c)) for c in cols))
    return "\n".join(lines) + "\n"


def _csv_field(value) -> str:
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        value = ";".join(map(str, value))
    elif isinstance(value, bool):
        value = str(value)
    elif isinstance(value, float):
        value = repr(value) if value == value else ""
    text = str(value)
    if any(c in text for c in ',"#\n\r') or text != text.strip():
        return '"' + text.replace('"', '""') + '"'
    return text


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
    """A table fitted to the terminal; tab-separated text when piped, the caption then on stderr.

    On a terminal, a column of single words (ids, numbers, symbols) is never broken; prose columns
    wrap at words.
    """
    cells = [["" if v is None else str(v) for v in row] for row in rows]
    if is_terminal():
        from rich.console import Console
        from rich.table import Table

        width = terminal_width()
        specs, used, left_out = [], 4, []
        for k, col in enumerate(columns):
            words = [c[k] for c in cells if k < len(c)]
            single = all(" " not in w for w in words)
            natural = max([len(col)] + [len(w) for w in words])
            longest = max([len(x) for w in words for x in w.split()] + [len(col.split()[0]) if col else 1])
            need = natural if single else min(natural, max(longest, 14))
            if specs and used + need + 3 > width:  # this and the columns after it do not fit
                left_out = columns[k:]
                break
            used += need + 3
            specs.append((col, single, need))
        table = Table(title=title, caption=(caption or "") + (
            f" Left out at this width: {', '.join(left_out)} (pipe the output for every column)." if left_out else ""))
        for col, single, need in specs:
            table.add_column(col, no_wrap=single, min_width=need, overflow="ellipsis" if single else "fold")
        for row in cells:
            table.add_row(*row[:len(specs)])
        Console(width=width).print(table)
    else:
        lines = ["\t".join(columns)] + ["\t".join(row) for row in cells]
        sys.stdout.write("\n".join(lines) + "\n")
        sys.stdout.flush()
        if caption:
            typer.echo(f"{title}. {caption}", err=True)
