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

from dataclasses import dataclass, field
from pathlib import Path

import re

import pandas as pd

from evgraph.errors import InputError, Problem, ValidationError
from evgraph.loaders.kb import load_sources
from evgraph.loaders.normalise import SPECIES, CellLines, Orthologs, SampleMapper, SymbolMap
from evgraph.loaders.registry import Context, classify_files, detect_version, get_source
from evgraph.schema import Schema, load_schema
from evgraph.tables import Tables, check, merge

__all__ = ["SourceSpec", "BuildSummary", "build", "parse_source_arg", "parse_option_arg", "armless_pairs"]

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
