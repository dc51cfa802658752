"""Compose a user's knowledge graph: public sources merged with the curated knowledge base.

:func:`build` runs the loaders of the requested sources (identifier-mapping
sources first, so HGNC and miRBase names apply to all), merges their tables
with the curated knowledge base (nodes deduplicated by id, evidence merged on
edges, provenance kept per source), validates the result and reports, per
source, what was added, merged into existing edges and rejected.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from evgraph.errors import InputError, Problem, ValidationError
from evgraph.loaders.kb import load_sources
from evgraph.loaders.normalise import SPECIES, CellLines, SampleMapper, SymbolMap
from evgraph.loaders.registry import Context, classify_files, detect_version, get_source
from evgraph.schema import Schema, load_schema
from evgraph.tables import Tables, check, merge

__all__ = ["SourceSpec", "BuildSummary", "build", "parse_source_arg", "parse_option_arg"]

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
