"""The registry of public-resource loaders: what each reads, where to get it, its licence.

Each loader module describes itself with a :class:`SourceInfo` and calls
:func:`register`; ``evgraph sources`` lists them and ``evgraph build`` looks
them up by name. The files of a source are recognised by their names
(:class:`FileRole` patterns), so a user can pass a folder or the files in any
order.
"""

from __future__ import annotations

import fnmatch
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import pandas as pd

from evgraph.errors import Problem, UnknownChoiceError, ValidationError
from evgraph.loaders.normalise import SPECIES, Report, SampleMapper, SymbolMap
from evgraph.tables import Tables

__all__ = ["FileRole", "Option", "SourceInfo", "Context", "Result", "register", "sources", "get_source",
           "classify_files", "detect_version", "edge_frame", "node_frame", "gene_nodes", "mirna_gene_nodes",
           "prefixed"]


@dataclass(frozen=True)
class FileRole:
    """One kind of file a source reads, recognised by (case-insensitive) name patterns."""

    role: str
    patterns: tuple[str, ...]
    required: bool = True
    description: str = ""
    many: bool = False  # several files may take this role (GMT libraries)


@dataclass(frozen=True)
class Option:
    name: str
    type: type
    default: object
    help: str


@dataclass(frozen=True)
class SourceInfo:
    """A registered loader: identity, licence, citation, expected files and the reading function."""

    name: str
    title: str
    homepage: str
    download: str
    license: str
    citation: str
    files: tuple[FileRole, ...]
    load: Callable
    kind: str = "data"            # "data" adds to the graph; "mapping" only helps normalise identifiers
    default_version: str = "unknown"
    options: tuple[Option, ...] = ()
    order: int = 50               # mapping sources and sources that teach identifiers come first
    one_of: tuple[str, ...] = ()  # at least one of these roles must be present
    recursive: bool = False       # a folder is searched with its subfolders (datasets of part files)

    def option(self, name: str) -> Option:
        for o in self.options:
            if o.name == name:
                return o
        raise UnknownChoiceError(f"option of source {self.name!r}", name, [o.name for o in self.options])


@dataclass
class Context:
    """What a loader needs beyond its files: species, identifier maps, options, version.

    ``symbols`` checks the build species' gene symbols; ``human`` is the HGNC map for sources
    keyed by human genes (gene sets, drug targets), which reach a mouse or rat build only
    through ``orthologs`` (human symbol -> that species' symbol, 1:1 pairs only).
    """

    species: str = "human"
    symbols: SymbolMap = field(default_factory=SymbolMap)
    mirna_aliases: dict = field(default_factory=dict)
    samples: SampleMapper | None = None
    options: dict = field(default_factory=dict)
    version: str | None = None
    progress: Callable | None = None
    human_map: SymbolMap | None = None   # the HGNC map in a mouse or rat build
    orthologs: dict | None = None
    ortholog_source: str = ""

    @property
    def human(self) -> SymbolMap:
        """The HGNC map (in a human build, the build's own)."""
        if self.species == "human":
            return self.symbols
        if self.human_map is None:
            self.human_map = SymbolMap()
        return self.human_map

    @property
    def sp(self):
        return SPECIES[self.species]

    @property
    def gene_prefix(self) -> str:
        return self.sp.gene_prefix

    def from_human(self, symbols: pd.Series, report: Report, what: str = "human gene", *, lines=None,
                   path=None, places=None) -> pd.Series:
        """This build's gene symbols for human ones: the same in a human build, the 1:1 ortholog
        otherwise; what has none is counted (never re-cased into a look-alike)."""
        if self.species == "human":
            return symbols
        if not self.orthologs:
            report.unmapped_values(f"{what} in a {self.species} build (give an ortholog file: "
                                   f"--source orthologs=HOM_MouseHumanSequence.rpt)", symbols,
                                   lines=lines, path=path, places=places)
            return pd.Series([None] * len(symbols), index=symbols.index, dtype=object)
        out = symbols.map(self.orthologs)
        lost = symbols.notna() & out.isna()
        report.unmapped_values(f"{what} without a 1:1 {self.species} ortholog", symbols[lost],
                               lines=None if lines is None else lines[lost], path=path,
                               places=None if places is None else pd.Series(list(places), index=symbols.index)[lost])
        report.note(f"{what}s mapped to their {self.species} ortholog ({self.ortholog_source})",
                    int((symbols.notna() & out.notna()).sum()))
        return out

    def tick(self, message: str) -> None:
        if self.progress is not None:
            self.progress(message)


@dataclass
class Result:
    tables: Tables
    report: Report


_REGISTRY: dict[str, SourceInfo] = {}


def register(info: SourceInfo) -> SourceInfo:
    _REGISTRY[info.name] = info
    return info


def _load_all() -> None:
    # Importing the modules registers them; the list is the set of shipped loaders.
    from evgraph.loaders import (cellosaurus, dgidb, exocarta, gmt, hgnc, mirbase, mirtarbase,  # noqa: F401
                                 opentargets, orthologs, reactome, stringdb, targetscan, vesiclepedia)


def sources() -> dict[str, SourceInfo]:
    """Every registered source by name, in loading order."""
    _load_all()
    return dict(sorted(_REGISTRY.items(), key=lambda kv: (kv[1].order, kv[0])))


def get_source(name: str) -> SourceInfo:
    all_ = sources()
    if name not in all_:
        raise UnknownChoiceError("source", name, all_)
    return all_[name]


def detect_version(paths, default: str) -> str:
    """A release number from file names (``_5.1.txt``, ``v12.0``, ``v2024.1``), else ``default``.

    Examples
    --------
    >>> detect_version([Path("VESICLEPEDIA_MIRNA_DETAILS_5.1.txt")], "unknown")
    '5.1'
    >>> detect_version([Path("9606.protein.links.v12.0.txt.gz")], "unknown")
    '12.0'
    """
    for p in paths:
        m = re.search(r"(?:[_.]v|_)(\d+(?:\.\d+)*)(?=\.(?:txt|csv|tsv|gmt|xlsx)|\.[a-zA-Z])", Path(p).name)
        if m:
            return m.group(1)
    return default


def _matches(role: FileRole, name: str) -> bool:
    return any(fnmatch.fnmatch(name.lower(), p.lower()) for p in role.patterns)


def classify_files(info: SourceInfo, paths) -> dict[str, list[Path]]:
    """Assign each given file (or each file of a given folder) to one of the source's roles.

    A file given by name that matches no role is an error naming the expected
    files; files in a folder that match no role are ignored. A missing
    required role is an error too.
    """
    found: dict[str, list[Path]] = {}
    problems: list[Problem] = []
    expected = "; ".join(f"{r.role}: {' or '.join(r.patterns)}" for r in info.files)
    for path in map(Path, paths):
        if path.is_dir():
            found_in = path.rglob("*") if info.recursive else path.iterdir()
            candidates, explicit = sorted(p for p in found_in if p.is_file()), False
        elif path.is_file():
            candidates, explicit = [path], True
        else:
            problems.append(Problem(str(path), 0, "", f"no such file or folder (source {info.name})"))
            continue
        for f in candidates:
            roles = [r for r in info.files if _matches(r, f.name)]
            if not roles:
                if explicit:
                    problems.append(Problem(str(f), 0, "", f"not a file {info.name} reads; expected {expected}"))
                continue
            role = roles[0]
            if found.get(role.role) and not role.many:
                problems.append(Problem(str(f), 0, "", f"a second {role.role} file for {info.name} "
                                                      f"(first: {found[role.role][0]})"))
                continue
            found.setdefault(role.role, []).append(f)
    for role in info.files:
        if role.required and role.role not in found:
            article = "an" if role.role[:1].lower() in "aeiou" else "a"
            problems.append(Problem(", ".join(map(str, paths)), 0, "",
                                    f"{info.name} needs {article} {role.role} file ({' or '.join(role.patterns)})"))
    if info.one_of and not any(r in found for r in info.one_of):
        problems.append(Problem(", ".join(map(str, paths)), 0, "",
                                f"{info.name} needs at least one of: " + "; ".join(
                                    f"{r.role} ({' or '.join(r.patterns)})" for r in info.files
                                    if r.role in info.one_of)))
    if problems:
        raise ValidationError(problems)
    return found


def node_frame(ids: pd.Series, category: str, names=None, **props) -> pd.DataFrame:
    """Distinct nodes of one category (``names`` defaults to the id)."""
    df = pd.DataFrame({"id": ids.to_numpy(), "category": category,
                       "name": (ids if names is None else names).to_numpy()})
    for k, v in props.items():
        df[k] = v.to_numpy() if isinstance(v, pd.Series) else v
    return df.drop_duplicates("id").reset_index(drop=True)


def prefixed(prefix: str, values) -> pd.Series:
    """``prefix + value`` for each value, as strings whatever the column's dtype (an empty column
    of floats included).

    Examples
    --------
    >>> prefixed("mgi.symbol:", pd.Series(["Gnai3"])).tolist(), prefixed("x:", pd.Series([], dtype=float)).tolist()
    (['mgi.symbol:Gnai3'], [])
    """
    values = pd.Series(values)
    return pd.Series([prefix + str(v) for v in values.tolist()], index=values.index, dtype=object)


def gene_nodes(genes: pd.Series, prefix: str = "hgnc.symbol:") -> pd.DataFrame:
    """Gene nodes for symbols, ids in the species' namespace (``hgnc.symbol:``, ``mgi.symbol:``)."""
    genes = pd.Series(genes).astype(object)
    return node_frame(prefixed(prefix, genes), "Gene", names=genes, symbol=genes)


def mirna_gene_nodes(mirnas: pd.Series, genes: pd.Series, prefix: str = "hgnc.symbol:") -> pd.DataFrame:
    """MiRNA nodes and Gene nodes for the endpoints of miRNA -> gene edges."""
    return pd.concat([node_frame(mirnas, "MiRNA"), gene_nodes(genes, prefix)], ignore_index=True)


def edge_frame(source, target, typ: str, *, knowledge_source: str, version: str, license: str,
               pmids=None, evidence_level: str = "unspecified", **props) -> pd.DataFrame:
    """Edges of one type with their provenance; ``pmids`` a column of lists (empty by default)."""
    for what, value in (("knowledge source", knowledge_source), ("version", version), ("licence", license)):
        if ";" in str(value):
            raise ValueError(f"{what} {value!r} must not contain ';' (it separates merged sources)")
    n = len(source)
    df = pd.DataFrame({"source": pd.Series(source).to_numpy(), "target": pd.Series(target).to_numpy()})
    df["type"] = typ
    df["pmids"] = pmids.to_numpy() if isinstance(pmids, pd.Series) else (pmids if pmids is not None
                                                                        else [[] for _ in range(n)])
    df["knowledge_source"] = knowledge_source
    df["source_version"] = version
    df["license"] = license
    df["evidence_level"] = evidence_level
    for k, v in props.items():
        df[k] = v.to_numpy() if isinstance(v, pd.Series) else v
    return df
