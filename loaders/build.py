"""Compose a user's knowledge graph: public sources merged with the curated knowledge base.

:func:`build` runs the loaders of the requested sources (identifier-mapping
sources first, so HGNC and miRBase names apply to all), merges their tables
with the curated knowledge base (nodes deduplicated by id, evidence merged on
edges, provenance kept per source), validates the result and reports, per
source, what was added, merged into existing edges and rejected. A source that
adds nothing gets a warning naming the reason (the largest count of rejected
rows); the summary says what was merged, and which arm-less miRNA names stayed
apart from their arm forms.

Mouse and rat builds keep human data out: the curated knowledge base (human
genes) is merged only when asked (``curated=("bundled",)``), and sources keyed
by human genes reach them only through an ortholog file.
"""

from __future__ import annotations

import errno
import json
import os
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path

import re

import pandas as pd

from evgraph.errors import InputError, Problem, ValidationError
from evgraph.exchange import write_tables
from evgraph.loaders.kb import load_sources
from evgraph.loaders.normalise import SPECIES, CellLines, Orthologs, SampleMapper, SymbolMap
from evgraph.loaders.registry import Context, classify_files, detect_version, get_source
from evgraph.schema import Schema, load_schema
from evgraph.tables import Tables, check, merge

__all__ = ["SourceSpec", "BuildSummary", "build", "parse_source_arg", "parse_option_arg", "armless_pairs",
           "check_output", "write_output", "SUMMARY"]

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
    species: str = "human"
    merged: list = field(default_factory=list)      # what went into the graph, in words
    warnings: list = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"nodes": self.nodes, "edges": self.edges, "species": self.species, "merged": self.merged,
                "warnings": self.warnings, "sources": self.per_source}


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
    if opt.type is bool:
        word = value.strip().lower()
        if word not in _BOOL:
            raise InputError(f"--option {text!r}: {option} is true or false")
        return source, option, _BOOL[word]
    try:
        return source, option, opt.type(value.strip())
    except ValueError:
        raise InputError(f"--option {text!r}: {option} must be a {opt.type.__name__}") from None


_BOOL = {"true": True, "yes": True, "1": True, "on": True, "false": False, "no": False, "0": False, "off": False}


def _group(specs: list[SourceSpec]) -> list[SourceSpec]:
    merged: dict[str, SourceSpec] = {}
    for s in specs:
        have = merged.setdefault(s.name, SourceSpec(s.name, [], s.version))
        have.paths += s.paths
        have.version = have.version or s.version
    return sorted(merged.values(), key=lambda s: (get_source(s.name).order, s.name))


def _keys(edges: pd.DataFrame) -> pd.Series:
    return edges["source"].astype(str) + "\x1f" + edges["target"].astype(str) + "\x1f" + edges["type"].astype(str)


def _nothing_added(entry: dict) -> str | None:
    """Why a data source added no edge, in words (None when it added some)."""
    if entry.get("edges_added", 0) or entry.get("edges_merged", 0):
        return None
    rejected = entry.get("rejected", {})
    unmapped = entry.get("unmapped", {})
    if not entry.get("rows_read"):
        why = "its files hold no rows"
    elif rejected:
        reason, n = max(rejected.items(), key=lambda kv: kv[1])
        why = f"{n:,} of {entry['rows_read']:,} rows rejected: {reason}"
        if unmapped:
            kind, u = max(unmapped.items(), key=lambda kv: kv[1]["rows"])
            why += f"; most unmapped: {kind} ({u['rows']:,} rows)"
    else:
        why = "no row could be mapped"
    return f"{entry['source']} added nothing ({why})"


_ARM = re.compile(r"^(?P<base>[a-z]{3}-(?:miR|let)-\d+[a-z]{0,2}(?:-\d+)?)-[35]p$")


def armless_pairs(node_ids) -> list[tuple[str, list[str]]]:
    """Arm-less miRNA names that stand beside their arm forms: ``[(hsa-miR-21, [hsa-miR-21-5p]), ...]``.

    Examples
    --------
    >>> armless_pairs(["hsa-miR-21", "hsa-miR-21-5p", "hsa-miR-105-5p", "hsa-miR-221-3p"])
    [('hsa-miR-21', ['hsa-miR-21-5p'])]
    """
    ids = set(node_ids)
    arms: dict[str, list[str]] = {}
    for n in ids:
        m = _ARM.match(str(n))
        if m and m.group("base") in ids:
            arms.setdefault(m.group("base"), []).append(n)
    return sorted((b, sorted(a)) for b, a in arms.items())


def build(
    specs: list[SourceSpec],
    *,
    curated=None,
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
    curated : sequence of str, optional
        Curated knowledge sources merged first (``()`` for none). By default the bundled
        knowledge base in a human build and none in a mouse or rat build (its genes are human).
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
    summary = BuildSummary(species=species)
    asked = curated is not None
    if curated is None:
        curated = ("bundled",) if species == "human" else ()
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
        summary.merged.append(f"curated knowledge base ({', '.join(curated)}): {len(parts[0].nodes):,} nodes, "
                              f"{len(parts[0].edges):,} edges"
                              + (f"; its genes are human (hgnc.symbol), kept apart from {species} genes "
                                 f"({SPECIES[species].genes})" if species != "human" else ""))
    elif species != "human" and not asked:
        summary.merged.append(f"curated knowledge base not merged: its genes are human; a {species} build "
                              f"keeps them apart unless asked (--kb bundled)")
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
                if species == "human":
                    learned = ctx.symbols.entrez
                    ctx.symbols = loaded
                    for k, v in learned.items():
                        ctx.symbols.entrez.setdefault(k, v)
                else:  # HGNC names human genes: used for human-keyed sources, through orthologs
                    loaded.species = "human"
                    ctx.human_map = loaded
                count = len(loaded.approved)
            elif isinstance(loaded, CellLines):
                ctx.samples.cell_lines = loaded
                ctx.version = spec.version or loaded.version or ctx.version  # the file says its release
                count = len(loaded)
            elif isinstance(loaded, Orthologs):
                ctx.orthologs = loaded.human_to.get(species) if species != "human" else None
                ctx.ortholog_source = loaded.source
                count = len(ctx.orthologs or {})
                if species == "human":
                    summary.warnings.append("orthologs: not used in a human build")
                elif loaded.symbols.get(species):
                    # the file's own symbols: a row writing CD63 for a mouse gene finds MGI's Cd63
                    ctx.symbols = SymbolMap.known(species, loaded.symbols[species])
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
        summary.warnings += [f"{spec.name}: {w}" for w in result.report.warnings]
        why = _nothing_added(entry)
        if why:
            summary.warnings.append(why)
        else:
            summary.merged.append(f"{spec.name} {ctx.version}: {entry['edges_added']:,} edges added, "
                                  f"{merged_edges:,} merged into existing ones")
    if not parts:
        raise InputError("nothing to build: give at least one --source or keep the curated knowledge base")
    tick("merging")
    tables = merge(parts, schema) if len(parts) > 1 else parts[0]
    pairs = armless_pairs(tables.nodes.loc[tables.nodes["category"] == "MiRNA", "id"])
    if pairs:
        have_aliases = any(s.name == "mirbase" for s in specs)
        summary.warnings.append(
            f"{len(pairs)} arm-less miRNA names stay apart from their arm forms (e.g. "
            + ", ".join(f"{b} / {'/'.join(a)}" for b, a in pairs[:3]) + "): the arm cannot be told from the name"
            + (" and miRBase aliases.txt does not resolve them" if have_aliases else
               " without miRBase aliases.txt (--source mirbase=aliases.txt)")
            + "; rank pools such a pair into one target when only one arm is in the graph")
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

