"""Compose a user's knowledge graph: public sources merged with the curated knowledge base.

:func:`build` runs the loaders of the requested sources (identifier-mapping
sources first, so HGNC and miRBase names apply to all), merges their tables
with the curated knowledge base (nodes deduplicated by id, evidence merged on
edges, provenance kept per source), validates the result and reports, per
source, what was added, merged into existing edges and rejected.
"""

from __future__ import annotations

import errno
import json
import os
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from evgraph.errors import InputError, Problem, ValidationError
from evgraph.exchange import write_tables
from evgraph.loaders.kb import load_sources
from evgraph.loaders.normalise import SPECIES, CellLines, SampleMapper, SymbolMap
from evgraph.loaders.registry import Context, classify_files, detect_version, get_source
from evgraph.schema import Schema, load_schema
from evgraph.tables import Tables, check, merge

__all__ = ["SourceSpec", "BuildSummary", "build", "parse_source_arg", "parse_option_arg", "check_output",
           "write_output", "SUMMARY"]

EV_DATABASES = ("exocarta", "vesiclepedia")  # the sources whose samples name cell lines


@dataclass
class SourceSpec:
    """One ``--source NAME[@VERSION]=PATH`` (the same name may be given several times)."""

    name: str
    paths: list[Path]
    version: str | None = None


@dataclass
class BuildSummary:
    per_source: list[dict] = field(default_factory=list)
    nodes: int = 0
    edges: int = 0

    def as_dict(self) -> dict:
        return {"nodes": self.nodes, "edges": self.edges, "sources": self.per_source}


def parse_source_arg(text: str) -> tuple[str, str | None, Path]:
    """``NAME[@VERSION]=PATH`` -> (name, version, path).

    Examples
    --------
    >>> parse_source_arg("string@12.0=links.txt.gz")
    ('string', '12.0', PosixPath('links.txt.gz'))
    """
    name, sep, path = text.partition("=")
    if not sep or not name.strip() or not path.strip():
        raise InputError(f"--source {text!r}: expected NAME=PATH or NAME@VERSION=PATH")
    name, _, version = name.strip().partition("@")
    return name, (version or None), Path(path.strip())


def parse_option_arg(text: str) -> tuple[str, str, object]:
    """``SOURCE.OPTION=VALUE`` -> (source, option, typed value)."""
    key, sep, value = text.partition("=")
    source, dot, option = key.strip().partition(".")
    if not sep or not dot:
        raise InputError(f"--option {text!r}: expected SOURCE.OPTION=VALUE, e.g. string.min_score=900")
    opt = get_source(source).option(option)
    try:
        return source, option, opt.type(value.strip())
    except ValueError:
        raise InputError(f"--option {text!r}: {option} must be a {opt.type.__name__}") from None


def _group(specs: list[SourceSpec]) -> list[SourceSpec]:
    merged: dict[str, SourceSpec] = {}
    for s in specs:
        have = merged.setdefault(s.name, SourceSpec(s.name, [], s.version))
        have.paths += s.paths
        have.version = have.version or s.version
    return sorted(merged.values(), key=lambda s: (get_source(s.name).order, s.name))


def _keys(edges: pd.DataFrame) -> pd.Series:
    return edges["source"].astype(str) + "\x1f" + edges["target"].astype(str) + "\x1f" + edges["type"].astype(str)


def build(
    specs: list[SourceSpec],
    *,
    curated=("bundled",),
    species: str = "human",
    options: dict | None = None,
    progress=None,
    schema: Schema | None = None,
) -> tuple[Tables, BuildSummary]:
    """Load the sources, merge them with the curated knowledge base and validate the result.

    Parameters
    ----------
    specs : list of SourceSpec
        The sources and their files or folders.
    curated : sequence of str
        Curated knowledge sources merged first (``()`` for none).
    species : str
        ``human``, ``mouse`` or ``rat``: rows of other species are rejected (and counted).
    options : dict, optional
        ``{source: {option: value}}``, e.g. ``{"string": {"min_score": 900}}``.
    progress : callable, optional
        Called with a short message as each step starts (the CLI draws a progress bar).

    Returns
    -------
    (Tables, BuildSummary)
        Validated merged tables and the per-source summary.

    Raises
    ------
    ValidationError
        A file is missing, malformed (with file, line and column) or the merged tables break the schema.
    """
    schema = schema or load_schema()
    if species not in SPECIES:
        raise InputError(f"unknown species {species!r}; valid choices: {', '.join(SPECIES)}")
    options = options or {}
    tick = progress or (lambda message: None)
    ctx = Context(species=species, symbols=SymbolMap(species=species), samples=SampleMapper.bundled(),
                  progress=progress)
    summary = BuildSummary()
    if any(s.name in EV_DATABASES for s in specs) and not any(s.name == "cellosaurus" for s in specs):
        # without cellosaurus.txt, the line names cellxgene-ontology-guide ships (if installed)
        # still turn samples that name a cell line into CellLine nodes
        ctx.samples.cell_lines = CellLines.from_guide()
        if ctx.samples.cell_lines is not None:
            summary.per_source.append({"source": "cellosaurus names (cellxgene-ontology-guide)",
                                       "version": ctx.samples.cell_lines.version, "kind": "identifier mapping",
                                       "entries": len(ctx.samples.cell_lines)})
    parts: list[Tables] = []
    names: list[str] = []
    if curated:
        tick("curated knowledge base")
        parts.append(load_sources(list(curated), schema=schema))
        names.append("curated: " + ", ".join(curated))
        summary.per_source.append({"source": names[-1], "nodes_added": len(parts[0].nodes),
                                   "edges_added": len(parts[0].edges), "edges_merged": 0, "rejected": {},
                                   "unmapped": {}})
    problems: list[Problem] = []
    grouped = _group(specs)
    located = {}
    for spec in grouped:
        info = get_source(spec.name)
        try:
            located[spec.name] = classify_files(info, spec.paths)
        except ValidationError as err:
            problems += err.problems
    if problems:
        raise ValidationError(problems)  # every file problem at once, before any slow reading
    seen_nodes: set = set(parts[0].nodes["id"]) if parts else set()
    seen_edges = set(_keys(parts[0].edges)) if parts else set()
    for spec in grouped:
        info = get_source(spec.name)
        files = located[spec.name]
        ctx.version = spec.version or detect_version([p for ps in files.values() for p in ps], info.default_version)
        ctx.options = dict(options.get(spec.name, {}))
        tick(f"{spec.name}: reading")
        if info.kind == "mapping":
            loaded = info.load(files, ctx)
            if isinstance(loaded, SymbolMap):
                learned = ctx.symbols.entrez
                ctx.symbols = loaded
                for k, v in learned.items():
                    ctx.symbols.entrez.setdefault(k, v)
                count = len(loaded.approved)
            elif isinstance(loaded, CellLines):
                ctx.samples.cell_lines = loaded
                ctx.version = spec.version or loaded.version or ctx.version  # the file says its release
                count = len(loaded)
            else:
                ctx.mirna_aliases = loaded
                count = len(loaded)
            summary.per_source.append({"source": spec.name, "version": ctx.version, "kind": "identifier mapping",
                                       "entries": count})
            continue
        result = info.load(files, ctx)
        t = result.tables
        keys = _keys(t.edges)
        merged_edges = int(keys.isin(seen_edges).sum())
        new_nodes = int((~t.nodes["id"].isin(seen_nodes)).sum())
        seen_edges.update(keys)
        seen_nodes.update(t.nodes["id"])
        parts.append(t)
        entry = result.report.as_dict()
        entry.update({"version": ctx.version, "nodes_added": new_nodes, "nodes_shared": len(t.nodes) - new_nodes,
                      "edges_added": len(t.edges) - merged_edges, "edges_merged": merged_edges})
        summary.per_source.append(entry)
    if not parts:
        raise InputError("nothing to build: give at least one --source or keep the curated knowledge base")
    tick("merging")
    tables = merge(parts, schema) if len(parts) > 1 else parts[0]
    tables.meta = {**tables.meta, "species": species,
                   "built_from": [{k: v for k, v in e.items() if k in ("source", "version", "files")}
                                  for e in summary.per_source]}
    tick("validating")
    check(tables, schema)
    summary.nodes, summary.edges = len(tables.nodes), len(tables.edges)
    return tables, summary


# ---- the output folder -----------------------------------------------------------------------------
#
# A build is written into a hidden sibling of the output folder and switched in with one rename
# (an atomic exchange where the old folder exists), so a kill leaves the old graph or the whole new
# one, never a new nodes.csv beside an old edges.csv. What a killed build left is cleaned up by the
# next one.

SUMMARY = "build-summary.json"
# the files a graph folder holds (communications.csv when 'evgraph export' wrote it)
GRAPH_FILES = frozenset({"nodes.csv", "edges.csv", "meta.json", SUMMARY, "communications.csv"})


def _sibling(out: Path, kind: str, pid: int | None = None) -> Path:
    return out.parent / f".{out.name}.{kind}-{os.getpid() if pid is None else pid}"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _stale(out: Path, kind: str) -> list[Path]:
    """Siblings of ``out`` of this kind left by builds that are no longer running."""
    found = []
    prefix = f".{out.name}.{kind}-"
    for path in out.parent.glob(f".{out.name}.{kind}-*") if out.parent.is_dir() else []:
        pid = path.name[len(prefix):]
        if pid.isdigit() and int(pid) != os.getpid() and not _alive(int(pid)):
            found.append(path)
    return sorted(found)


def _clean_stale(out: Path) -> None:
    """Undo what a killed build left: the old graph moved aside (put back if the new one never
    arrived) and half-written new folders."""
    for old in _stale(out, "old"):
        if not out.exists():
            os.rename(old, out)
        else:
            shutil.rmtree(old)
    for tmp in _stale(out, "new"):
        shutil.rmtree(tmp)


def check_output(out: str | Path, *, force: bool = False) -> None:
    """Refuse an output folder a build may not replace: a file, a folder holding a graph (unless
    ``force``) or a folder holding anything else (a build replaces its folder whole).

    What a killed build left beside ``out`` is cleaned up first (the old graph put back if it
    had been moved aside)."""
    out = Path(os.path.abspath(out))  # "." or "graph/" still name the folder and its siblings
    _clean_stale(out)
    if out.exists() and not out.is_dir():
        raise InputError(f"{out} exists and is not a folder")
    if not out.is_dir():
        return
    names = set(os.listdir(out))
    foreign = sorted(n for n in names if n not in GRAPH_FILES and not (n.startswith(".") and n.endswith(".tmp")))
    if foreign:
        shown = ", ".join(foreign[:5]) + (f", ... ({len(foreign)} in all)" if len(foreign) > 5 else "")
        raise InputError(f"{out} holds files a build did not write ({shown}); a build replaces its output folder "
                         "whole: give a new or empty folder")
    if "nodes.csv" in names and not force:
        raise InputError(f"{out} already holds a graph; use --force to overwrite it")


def _exchange(a: Path, b: Path) -> bool:
    """Swap two existing paths in one step (Linux ``renameat2`` with ``RENAME_EXCHANGE``);
    ``False`` where the system or the file system cannot."""
    if not sys.platform.startswith("linux"):
        return False
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)
    renameat2 = getattr(libc, "renameat2", None)
    if renameat2 is None:
        return False
    at_fdcwd, rename_exchange = -100, 2
    if renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.ENOSYS, errno.EINVAL, errno.EOPNOTSUPP):
        return False
    raise OSError(err, os.strerror(err), str(b))


def _switch_in(new: Path, out: Path) -> None:
    """Put the folder ``new`` at ``out``, replacing what is there whole."""
    if not out.exists() or not any(out.iterdir()):
        os.replace(new, out)  # rename(2) replaces an empty folder in one step
        return
    if _exchange(new, out):
        shutil.rmtree(new)  # now the old graph
        return
    # two renames: a kill between them leaves the old graph beside, and the next build puts it back
    old = _sibling(out, "old")
    os.rename(out, old)
    os.rename(new, out)
    shutil.rmtree(old)


def write_output(tables: Tables, summary: BuildSummary, out: str | Path, *, force: bool = False,
                 schema: Schema | None = None) -> list[Path]:
    """Write a built graph to the folder ``out`` (``nodes.csv``, ``edges.csv``, ``meta.json`` and
    ``build-summary.json``), replacing a graph folder there whole.

    The files are written into a hidden sibling folder, which then takes the place of ``out`` in
    one rename: readers and a killed build see the old graph or the new one, never a mix.
    Leftovers of an earlier killed build are removed first.

    Returns
    -------
    list of Path
        The files written, at their final place.
    """
    out = Path(os.path.abspath(out))
    out.parent.mkdir(parents=True, exist_ok=True)
    check_output(out, force=force)
    new = _sibling(out, "new")
    shutil.rmtree(new, ignore_errors=True)
    new.mkdir()
    try:
        names = [p.name for p in write_tables(tables, new, schema=schema)]
        (new / SUMMARY).write_text(json.dumps(summary.as_dict(), indent=1, default=str), "utf-8")
        _switch_in(new, out)
    except BaseException:
        shutil.rmtree(new, ignore_errors=True)
        raise
    return [out / n for n in names + [SUMMARY]]

