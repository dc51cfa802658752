"""Ontology terms (Cell Ontology, MONDO, UBERON, Cellosaurus): labels, synonyms and hierarchy.

Terms come from the slim table shipped with evgraph (``evgraph/data/ontology.tsv.gz``, written
by ``curation/make_ontology.py`` from cellxgene-ontology-guide), which covers the bundled
knowledge base's terms, the cancer, immune, stromal and body-fluid subtrees and every ancestor.
When the ``evgraph[ontology]`` extra is installed, terms outside the table (a user's own
knowledge base, a built graph, a rarer name) are read from cellxgene-ontology-guide itself.
Without it, everything works from the slim table.

Examples
--------
>>> t = slim().get("MONDO:0005233")
>>> t.label, "NSCLC" in t.synonyms
('non-small cell lung carcinoma', True)
>>> "MONDO:0008903" in ancestors("MONDO:0005233")      # lung cancer
True
"""

from __future__ import annotations

import gzip
import logging
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Iterable

__all__ = ["Term", "TermTable", "slim", "guide", "term", "ancestors", "find", "versions", "ONTOLOGY_CATEGORIES",
           "name_key"]

logger = logging.getLogger(__name__)

# Which node category an ontology's terms are in the graph.
ONTOLOGY_CATEGORIES = {"CL": "CellType", "MONDO": "Cancer", "UBERON": "BodyFluid", "CVCL": "CellLine"}
_GUIDE_ONTOLOGIES = ("CL", "MONDO", "UBERON", "CVCL")
# British spellings the ontologies write the American way.
_SPELLINGS = (("tumour", "tumor"), ("leukaem", "leukem"), ("oesophag", "esophag"), ("haem", "hem"),
              ("oestrogen", "estrogen"), ("colour", "color"), ("polarisation", "polarization"))


def name_key(name: str) -> str:
    """How names are compared: lower case, hyphens, underscores, commas and runs of spaces as one
    space, British spellings American.

    Examples
    --------
    >>> name_key("Non-Small Cell  Lung Cancer")
    'non small cell lung cancer'
    >>> name_key("tumour-associated macrophage") == name_key("tumor associated macrophage")
    True
    """
    key = " ".join(str(name).lower().replace("-", " ").replace("_", " ").replace(",", " ").split())
    for british, american in _SPELLINGS:
        if british in key:
            key = key.replace(british, american)
    return key


@dataclass(frozen=True, slots=True)
class Term:
    """One ontology term: id, label, synonyms, curated names (abbreviations) and direct parents."""

    id: str
    label: str
    synonyms: tuple[str, ...] = ()
    curated_names: tuple[str, ...] = ()
    parents: tuple[str, ...] = ()

    @property
    def prefix(self) -> str:
        return self.id.split(":", 1)[0].split("_", 1)[0]


class TermTable:
    """Terms by id, with the is-a hierarchy and a name index.

    Examples
    --------
    >>> T = TermTable([Term("X:1", "cancer"), Term("X:2", "lung cancer", ("LC",), parents=("X:1",)),
    ...                Term("X:3", "NSCLC", parents=("X:2",))])
    >>> sorted(T.ancestors("X:3")), sorted(T.descendants("X:1"))
    (['X:1', 'X:2'], ['X:2', 'X:3'])
    >>> T.by_name("lc")
    [('X:2', 'synonym')]
    """

    def __init__(self, terms: Iterable[Term], meta: dict | None = None):
        self.terms = {t.id: t for t in terms}
        self.meta = dict(meta or {})
        self._children: dict[str, list[str]] | None = None
        self._names: dict[str, list[tuple[str, str]]] | None = None
        self._ancestors: dict[str, frozenset[str]] = {}

    def __contains__(self, tid: object) -> bool:
        return tid in self.terms

    def __len__(self) -> int:
        return len(self.terms)

    def get(self, tid: str) -> Term | None:
        return self.terms.get(tid)

    def ancestors(self, tid: str) -> frozenset[str]:
        """Every ancestor of ``tid`` up to the roots (not ``tid`` itself)."""
        if tid in self._ancestors:
            return self._ancestors[tid]
        out: set[str] = set()
        stack = list(self.terms[tid].parents) if tid in self.terms else []
        while stack:
            p = stack.pop()
            if p not in out:
                out.add(p)
                if p in self.terms:
                    stack.extend(self.terms[p].parents)
        self._ancestors[tid] = frozenset(out)
        return self._ancestors[tid]

    def descendants(self, tid: str) -> frozenset[str]:
        """Every term below ``tid`` (not ``tid`` itself)."""
        if self._children is None:
            self._children = {}
            for t in self.terms.values():
                for p in t.parents:
                    self._children.setdefault(p, []).append(t.id)
        out: set[str] = set()
        stack = list(self._children.get(tid, ()))
        while stack:
            c = stack.pop()
            if c not in out:
                out.add(c)
                stack.extend(self._children.get(c, ()))
        return frozenset(out)

    def by_name(self, name: str) -> list[tuple[str, str]]:
        """``(id, how)`` of the terms with this label (``how`` = ``label``), synonym or curated
        name, compared with :func:`name_key`."""
        if self._names is None:
            self._names = {}
            for t in self.terms.values():
                for how, names in (("label", (t.label,)), ("synonym", t.synonyms), ("curated name", t.curated_names)):
                    for n in names:
                        self._names.setdefault(name_key(n), []).append((t.id, how))
        return list(dict.fromkeys(self._names.get(name_key(name), [])))

    def names(self) -> dict[str, list[tuple[str, str]]]:
        """The whole name index: name key -> ``[(id, how)]``."""
        self.by_name("")
        return self._names or {}


def _split(cell: str) -> tuple[str, ...]:
    return tuple(x for x in cell.split("|") if x)


@cache
def slim() -> TermTable:
    """The slim ontology table shipped with evgraph (read once)."""
    raw = resources.files("evgraph").joinpath("data", "ontology.tsv.gz").read_bytes()
    meta: dict[str, str] = {}
    terms = []
    header = None
    for line in gzip.decompress(raw).decode("utf-8").splitlines():
        if line.startswith("#"):
            key, sep, value = line[1:].partition(":")
            if sep:
                meta[key.strip()] = value.strip()
            continue
        cells = line.split("\t")
        if header is None:
            header = cells
            continue
        row = dict(zip(header, cells))
        terms.append(Term(row["id"], row["label"], _split(row["synonyms"]), _split(row["curated_names"]),
                          _split(row["parents"])))
    return TermTable(terms, meta)


def versions() -> dict[str, str]:
    """The releases the slim table was made from (``source``, ``CL``, ``MONDO``, ``UBERON``)."""
    return {k: v for k, v in slim().meta.items() if k in ("source", "CL", "MONDO", "UBERON")}


class GuideTerms:
    """Terms read from cellxgene-ontology-guide on demand, with the interface of :class:`TermTable`."""

    def __init__(self, schema):
        self._schema = schema
        self._data: dict[str, dict] = {}
        self._tables: dict[str, TermTable] = {}

    def _ontology(self, prefix: str) -> dict:
        if prefix not in self._data:
            self._data[prefix] = self._schema.ontology(prefix) if prefix in _GUIDE_ONTOLOGIES else {}
        return self._data[prefix]

    @staticmethod
    def _prefix(tid: str) -> str:
        return tid.split(":", 1)[0].split("_", 1)[0]

    def _raw(self, tid: str) -> dict | None:
        t = self._ontology(self._prefix(tid)).get(tid)
        return None if t is None or t.get("deprecated") else t

    def __contains__(self, tid: object) -> bool:
        return isinstance(tid, str) and self._raw(tid) is not None

    def get(self, tid: str) -> Term | None:
        t = self._raw(tid)
        if t is None:
            return None
        parents = tuple(sorted(a for a, d in t.get("ancestors", {}).items() if d == 1))
        synonyms = tuple(s for s in t.get("synonyms", []) if s != t["label"])
        return Term(tid, t["label"], synonyms, (), parents)

    def ancestors(self, tid: str) -> frozenset[str]:
        t = self._raw(tid)
        return frozenset(t.get("ancestors", {})) if t else frozenset()

    def labels(self, prefix: str) -> dict[str, str]:
        """Id -> label of every current term of one ontology (``CVCL``: Cellosaurus cell lines)."""
        return {tid: t["label"] for tid, t in self._ontology(prefix).items() if not t.get("deprecated")}

    def version(self, prefix: str) -> str:
        """The release of one ontology the guide ships (``v2026-05-05``, ``55.0``)."""
        return str(self._schema.supported_ontologies.get(prefix, {}).get("version", ""))

    def table(self, prefix: str) -> TermTable:
        """One whole ontology as a :class:`TermTable` (for names and descendants)."""
        if prefix not in self._tables:
            data = self._ontology(prefix)
            self._tables[prefix] = TermTable(self.get(tid) for tid, t in data.items() if not t.get("deprecated"))
        return self._tables[prefix]


@cache
def _load_guide() -> GuideTerms | None:
    try:
        from cellxgene_ontology_guide.supported_versions import CXGSchema

        return GuideTerms(CXGSchema())
    except Exception as err:  # not installed, or broken: the slim table still works
        logger.debug("cellxgene-ontology-guide not available: %s", err)
        return None


def guide() -> GuideTerms | None:
    """cellxgene-ontology-guide's terms, or ``None`` when the ``evgraph[ontology]`` extra is not installed."""
    return _load_guide()


def term(tid: str) -> Term | None:
    """The term ``tid`` from the slim table, else from the guide when installed."""
    found = slim().get(tid)
    if found is None and tid.split(":", 1)[0].split("_", 1)[0] in _GUIDE_ONTOLOGIES and (g := guide()):
        found = g.get(tid)
    return found


def ancestors(tid: str) -> frozenset[str]:
    """Every ancestor of ``tid`` (slim table, else the guide), empty for an unknown term."""
    table = slim()
    if tid in table:
        return table.ancestors(tid)
    g = guide() if tid.split(":", 1)[0].split("_", 1)[0] in _GUIDE_ONTOLOGIES else None
    return g.ancestors(tid) if g else frozenset()


def find(name: str, prefixes: Iterable[str] | None = None) -> list[tuple[str, str]]:
    """``(id, how)`` of the terms a name denotes: slim table first, then the guide's ontologies.

    ``prefixes`` limits the search to some ontologies (default CL, MONDO and UBERON; Cellosaurus
    cell lines only when asked for with ``["CVCL"]``).
    """
    wanted = tuple(prefixes) if prefixes is not None else ("CL", "MONDO", "UBERON")

    def keep(hits):
        return [(tid, how) for tid, how in hits if tid.split(":", 1)[0].split("_", 1)[0] in wanted]

    hits = keep(slim().by_name(name))
    if hits:
        return hits
    g = guide()
    if g is None:
        return []
    for prefix in wanted:
        hits += g.table(prefix).by_name(name)
    return list(dict.fromkeys(hits))
