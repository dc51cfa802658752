"""Names as biologists write them: one resolver from what a user types to the graph's nodes.

Every place a user names a term (``--cancer``, ``--context``, ``--group-cells``, ``explain
NODE``, ``viz --around``, ``db query --param``) goes through :func:`resolve`, :func:`resolve_all`
or :func:`scope`. A name is tried, in order, as

1. a node id (``CL:0000057``, ``hsa-miR-21-5p``);
2. a node's name or symbol, an id without its prefix, or the ontology label of the node's id,
   case-insensitive (:func:`evgraph.ontology.name_key`: hyphens as spaces, British spellings);
3. an exact synonym of the node's ontology term, or an abbreviation of ``curation/abbreviations.tsv``
   (``NSCLC``, ``GBM``, ``pancreatic cancer``, ``PDAC``);
4. an HGNC previous symbol or alias of a gene (``PD-L1`` finds CD274; slim table of the bundled
   knowledge base's genes);
5. a miRNA name without species or arm (``miR-21`` finds every ``*-miR-21``, ``*-miR-21-5p``, ...);

and, when no node matches, as an ontology term (slim table, then cellxgene-ontology-guide when
installed) whose subtypes may be in the graph. The first step that matches decides: a name that
matches several nodes there is refused with every candidate's name and id; an unknown name gets
the closest names. A gene symbol shared by a gene and its products resolves to the gene.

:func:`scope` turns a cancer or cell-type term into the set of graph nodes it covers: the term
and its ontology descendants (``lung cancer`` covers ``non-small cell lung carcinoma``), or the
term alone with ``exact``; a term with no communication record in its subtree falls back to the
nearest broader terms that have records, and says so.
"""

from __future__ import annotations

import difflib
import gzip
import re
import weakref
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Iterable

from evgraph import ontology
from evgraph.errors import AmbiguousNameError, InputError, UnknownNameError
from evgraph.ontology import name_key

__all__ = ["MIRNA_NAME", "Match", "NameIndex", "Scope", "lookup", "resolve", "resolve_all", "scope", "cell_groups",
           "records_of", "gene_aliases", "what_of"]

# A miRNA name as written: optional species prefix, miR/mir/MIR/microRNA/let, number, letter,
# copy number and arm (shared with the loaders' normalisation).
MIRNA_NAME = re.compile(
    r"^(?:(?P<sp>[a-z]{3,4})-)?(?P<kind>mir|microrna|let)-?(?P<num>\d+)(?P<letter>[a-z]{0,2})"
    r"(?P<copy>-\d+)?(?P<arm>-[35]p)?$",
    re.IGNORECASE,
)
CATEGORY_WORDS = {"Cancer": "cancer", "CellType": "cell type", "BodyFluid": "body fluid",
                  "Phenotype": "phenotype", "CellLine": "cell line", "Gene": "gene", "MiRNA": "miRNA"}
PREFIXES = {"Cancer": ("MONDO",), "CellType": ("CL",), "BodyFluid": ("UBERON",), "CellLine": ("CVCL",)}
HIERARCHICAL = ("Cancer", "CellType", "BodyFluid")
PRODUCTS = ("Protein", "MRNA", "LncRNA", "DNA")


def what_of(category) -> str:
    """The word for a category in messages (``cancer``, ``cell type``, ``node``)."""
    if isinstance(category, str):
        return CATEGORY_WORDS.get(category, f"{category} node")
    return "node"


@dataclass(frozen=True, slots=True)
class Match:
    """A node (or, with ``in_graph`` false, an ontology term) a name denotes, and how."""

    id: str
    name: str
    category: str | None
    how: str  # id | name | synonym | curated name | previous symbol | alias | miRNA name | label
    in_graph: bool = True


@cache
def gene_aliases() -> dict[str, list[tuple[str, str]]]:
    """Upper-case HGNC previous symbol or alias -> ``[(approved symbol, kind)]`` for the genes of the
    bundled knowledge base (``evgraph/data/gene_aliases.tsv.gz``, from ``curation/make_gene_aliases.py``).

    Examples
    --------
    >>> gene_aliases()["PD-L1"]
    [('CD274', 'alias')]
    """
    raw = resources.files("evgraph").joinpath("data", "gene_aliases.tsv.gz").read_bytes()
    out: dict[str, list[tuple[str, str]]] = {}
    lines = [line for line in gzip.decompress(raw).decode("utf-8").splitlines() if not line.startswith("#")]
    for line in lines[1:]:
        alias, symbol, kind = line.split("\t")
        out.setdefault(alias.upper(), []).append((symbol, kind))
    return out


def _singular(key: str) -> str:
    # "macrophages" -> "macrophage", "CAFs" -> "caf"; never "ss" or short words
    head, _, last = key.rpartition(" ")
    if len(last) > 2 and last.endswith("s") and not last.endswith("ss"):
        return f"{head} {last[:-1]}".strip()
    return key


def _mirna_parts(text: str):
    m = MIRNA_NAME.match(text.strip().replace(" ", ""))
    if not m:
        return None
    kind = "let" if m["kind"].lower() == "let" else "miR"
    return (m["sp"].lower() if m["sp"] else None, kind, m["num"], m["letter"].lower(), m["copy"] or "",
            (m["arm"] or "").lower())


class NameIndex:
    """The names of a graph's nodes, looked up as described in the module docstring.

    Parameters
    ----------
    nodes
        ``(id, category, name, symbol)`` of every node (``symbol`` may be ``None``).

    Examples
    --------
    >>> ix = NameIndex([("MONDO:0005233", "Cancer", "non-small cell lung carcinoma", None),
    ...                 ("hgnc.symbol:CD274", "Gene", "CD274", "CD274"),
    ...                 ("protein:CD274", "Protein", "CD274 protein", "CD274")])
    >>> [(m.id, m.how) for m in ix.find("NSCLC")]
    [('MONDO:0005233', 'synonym')]
    >>> [(m.id, m.how) for m in ix.find("PD-L1")]
    [('hgnc.symbol:CD274', 'alias')]
    """

    def __init__(self, nodes: Iterable[tuple]):
        self.category: dict[str, str] = {}
        self.name: dict[str, str] = {}
        self.symbol: dict[str, str] = {}
        for nid, cat, name, symbol in nodes:
            self.category[nid] = cat
            self.name[nid] = str(name) if name is not None and name == name else str(nid)
            if isinstance(symbol, str) and symbol:
                self.symbol[nid] = symbol
        self._tiers: list[dict[str, list[tuple[str, str]]]] | None = None
        self._by_symbol: dict[str, list[str]] = {}
        self._mirnas: list[tuple[str, tuple]] = []

    @classmethod
    def of_graph(cls, G) -> "NameIndex":
        """The index of a graph's nodes (kept per graph object while its number of nodes is unchanged)."""
        try:
            ix = _INDEXES.get(G)
        except TypeError:  # not weak-referenceable: no cache
            ix = None
        if ix is not None and len(ix.category) == len(G):  # rebuilt when nodes were added or removed
            return ix
        ix = cls((n, d.get("category"), d.get("name"), d.get("symbol")) for n, d in G.nodes(data=True))
        try:
            _INDEXES[G] = ix
        except TypeError:
            pass
        return ix

    def _build(self) -> list[dict[str, list[tuple[str, str]]]]:
        if self._tiers is not None:
            return self._tiers
        names: dict[str, list[tuple[str, str]]] = {}
        synonyms: dict[str, list[tuple[str, str]]] = {}
        slim = ontology.slim()
        for nid, cat in self.category.items():
            keys = {name_key(self.name[nid]), name_key(nid)}
            if ":" in nid:
                keys.add(name_key(nid.split(":", 1)[1]))
            if nid in self.symbol:
                keys.add(name_key(self.symbol[nid]))
                self._by_symbol.setdefault(self.symbol[nid].upper(), []).append(nid)
            prefix = nid.split(":", 1)[0].split("_", 1)[0]
            if prefix in ontology.ONTOLOGY_CATEGORIES:
                term = slim.get(nid) or ontology.term(nid)  # the guide only for terms outside the slim table
                if term is not None:
                    keys.add(name_key(term.label))
                    for how, more in (("synonym", term.synonyms), ("curated name", term.curated_names)):
                        for s in more:
                            synonyms.setdefault(name_key(s), []).append((nid, how))
            for k in keys:
                names.setdefault(k, []).append((nid, "name"))
            if cat == "MiRNA" and (parts := _mirna_parts(nid)):
                self._mirnas.append((nid, parts))
        self._tiers = [names, synonyms]
        return self._tiers

    def _ok(self, nid: str, category) -> bool:
        if category is None:
            return True
        return self.category.get(nid) in ((category,) if isinstance(category, str) else tuple(category))

    def _match(self, nid: str, how: str) -> Match:
        return Match(nid, self.name[nid], self.category[nid], how)

    def find(self, query: str, category=None) -> list[Match]:
        """The nodes ``query`` denotes at the first step that matches any (see the module docstring)."""
        query = str(query).strip()
        if query in self.category and self._ok(query, category):
            return [self._match(query, "id")]
        tiers = self._build()
        for key in dict.fromkeys((name_key(query), _singular(name_key(query)))):
            for tier in tiers:
                hits = [self._match(n, how) for n, how in dict.fromkeys(tier.get(key, ())) if self._ok(n, category)]
                if hits:
                    return _prefer_gene(hits)
        hits = self._aliases(query, category)
        if hits:
            return hits
        return self._mirna_family(query, category)

    def _aliases(self, query: str, category) -> list[Match]:
        claims = gene_aliases().get(query.strip().upper(), [])
        hits: list[Match] = []
        for symbol, kind in claims:
            nodes = [n for n in self._by_symbol.get(symbol.upper(), ()) if self._ok(n, category)]
            if nodes:
                hits += _prefer_gene([self._match(n, kind) for n in nodes])
            elif len(claims) > 1:  # named in the refusal even when not in this graph
                hits.append(Match(f"hgnc.symbol:{symbol}", f"{symbol} (not in this graph)", "Gene", kind, False))
        return hits

    def _mirna_family(self, query: str, category) -> list[Match]:
        parts = _mirna_parts(query)
        if parts is None or not self._ok_category("MiRNA", category):
            return []
        sp, kind, num, letter, copy, arm = parts
        out = []
        for nid, (nsp, nkind, nnum, nletter, ncopy, narm) in self._mirnas:
            if (nkind, nnum, nletter) != (kind, num, letter) or (sp and nsp != sp):
                continue
            if (copy and ncopy != copy) or (arm and narm != arm):
                continue
            out.append(self._match(nid, "miRNA name"))
        return sorted(out, key=lambda m: m.id)

    @staticmethod
    def _ok_category(cat: str, category) -> bool:
        return category is None or cat in ((category,) if isinstance(category, str) else tuple(category))

    def suggestions(self, query: str, category=None, limit: int = 8) -> list[str]:
        """The names closest to ``query``, each with its id: the graph's names first, then the slim
        ontology table's; within each, names with a word starting with the query, then difflib's
        closest spellings."""
        q = name_key(query)
        graph: dict[str, str] = {}  # name key -> id
        for tier in self._build():
            for key, hits in tier.items():
                for nid, _ in hits:
                    if self._ok(nid, category):
                        graph.setdefault(key, nid)
        prefixes = PREFIXES.get(category) if isinstance(category, str) else ("CL", "MONDO", "UBERON")
        terms: dict[str, str] = {}
        for key, hits in ontology.slim().names().items():
            for tid, _ in hits:
                if prefixes and tid.split(":", 1)[0] in prefixes:
                    terms.setdefault(key, tid)
        out: list[str] = []
        seen: set[str] = set()
        for pool in (graph, terms):
            if not q:
                break
            starts = re.compile(r"(?:^| )" + re.escape(q))
            contains = sorted((k for k in pool if len(q) >= 3 and starts.search(k)), key=lambda k: (len(k), k))
            for key in dict.fromkeys(difflib.get_close_matches(q, list(pool), n=limit, cutoff=0.75) + contains):
                nid = pool[key]
                if nid not in seen:
                    seen.add(nid)
                    out.append(self._shown(key, nid))
        return out[:limit]

    def resolve(self, query: str, category=None) -> str:
        """The one indexed node ``query`` names; refused (with the candidates) when it names several,
        unknown (with the closest names, or the nodes under or above the ontology term it names)
        when none. Examples are in :func:`resolve`."""
        hits = [m for m in self.find(query, category) if m.in_graph]
        if len(hits) == 1:
            return hits[0].id
        if hits:
            _refuse(query, category, hits)
        _not_a_node(self, query, category)
        return ""  # not reached: _not_a_node raises

    def listing(self, category) -> list[str]:
        """Every node of ``category`` as ``name (id)``, by name."""
        nodes = sorted((n for n, c in self.category.items() if c == category), key=lambda n: self.name[n].lower())
        return [f"{self.name[n]} ({n})" for n in nodes]

    def _shown(self, key: str, nid: str) -> str:
        label = self.name.get(nid) or _label(nid)
        if key in (name_key(label), name_key(nid), name_key(nid.split(":", 1)[-1])):
            return f"{label} ({nid})"
        return f"{_display(key, nid)} = {label} ({nid})"


_INDEXES: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()


def _display(key: str, nid: str) -> str:
    """The name as the ontology or graph spells it, for a name key."""
    t = ontology.term(nid) if ":" in nid else None
    for name in ((t.label, *t.synonyms, *t.curated_names) if t else ()):
        if name_key(name) == key:
            return name
    return key


def _label(tid: str) -> str:
    t = ontology.term(tid)
    return t.label if t else tid


def _prefer_gene(hits: list[Match]) -> list[Match]:
    """A symbol shared by a gene and its products (protein:CD274, hgnc.symbol:CD274) names the gene."""
    genes = [m for m in hits if m.category == "Gene"]
    if len(genes) == 1 and len(hits) > 1 and all(m.category in PRODUCTS or m is genes[0] for m in hits):
        return genes
    return hits


def _ontology_matches(query: str, category) -> list[Match]:
    prefixes = PREFIXES.get(category) if isinstance(category, str) else None
    if isinstance(category, str) and prefixes is None:
        return []
    hits = ontology.find(query, prefixes)
    if not hits and _singular(name_key(query)) != name_key(query):
        hits = ontology.find(_singular(name_key(query)), prefixes)
    out = []
    for tid, how in dict.fromkeys(hits):
        t = ontology.term(tid)
        cat = ontology.ONTOLOGY_CATEGORIES.get(t.prefix) if t else None
        out.append(Match(tid, t.label if t else tid, cat, how, False))
    return out


def _refuse(query: str, category, hits: list[Match]):
    what = what_of(category if category is not None else (hits[0].category if len({m.category for m in hits}) == 1
                                                            else None))
    raise AmbiguousNameError(what, query, [(m.id, m.name) for m in hits])


def _unknown(ix: NameIndex, query: str, category, note: str = ""):
    if category is not None and not note:
        other = [m for m in ix.find(query) if m.in_graph]
        if other:  # "--cancer macrophage": say what it is instead
            note = "; " + ", ".join(f"{m.name} ({m.id}) is a {what_of(m.category)}" for m in other[:3])
            raise UnknownNameError(what_of(category), query, [], note=note, heading="")
    close = ix.suggestions(query, category)
    if not close and isinstance(category, str) and (every := ix.listing(category)):
        raise UnknownNameError(what_of(category), query, every, heading="names in this graph", note=note)
    raise UnknownNameError(what_of(category), query, close, note=note)


def lookup(G, query: str, *, category=None) -> list[Match]:
    """The nodes ``query`` names and how (one :class:`Match`, or one per form of a miRNA written
    without species or arm).

    Raises :class:`~evgraph.errors.AmbiguousNameError` when a name matches several distinct nodes,
    :class:`~evgraph.errors.UnknownNameError` (with the closest names) when it matches none, and
    :class:`~evgraph.errors.InputError` for an ontology term that is not a node but has some below it.

    Examples
    --------
    >>> import networkx as nx
    >>> G = nx.MultiDiGraph()
    >>> for n in ("hsa-miR-21", "hsa-miR-21-5p", "hsa-miR-210"):
    ...     G.add_node(n, category="MiRNA", name=n)
    >>> [m.id for m in lookup(G, "miR-21")]
    ['hsa-miR-21', 'hsa-miR-21-5p']
    """
    ix = NameIndex.of_graph(G)
    hits = ix.find(query, category)
    if hits and all(m.how == "miRNA name" for m in hits):
        return hits
    if len(hits) == 1 and hits[0].in_graph:
        return hits
    if hits:
        _refuse(query, category, hits)
    _not_a_node(ix, query, category)
    return []  # not reached: _not_a_node raises


def _not_a_node(ix: NameIndex, query: str, category) -> None:
    """Raise the error for a name that matches no node: an ontology term that is not a node (naming
    the nodes under it, or else the nearest broader ones), several terms, or an unknown name."""
    terms = _ontology_matches(query, category)
    if len(terms) > 1:
        _refuse(query, category, terms)
    if not terms:
        _unknown(ix, query, category)
    t = terms[0]
    where = f"{query!r} is {t.name} ({t.id}), which is not a node of this graph"
    if t.category in HIERARCHICAL:
        below = _subtree_nodes(ix, t.id, t.category)
        if below:
            raise InputError(f"{where}; nodes under it: {_listed_nodes(ix, below)}; give one of them")
        dist = {a: d for a, d in _distances(t.id).items() if ix.category.get(a) == t.category}
        if dist:
            nearest = sorted(a for a, d in dist.items() if d == min(dist.values()))
            raise InputError(f"{where}; the nearest broader term in it: {_listed_nodes(ix, nearest)}")
    raise UnknownNameError(what_of(category), query, ix.suggestions(query, category), note=f" ({where})")


def resolve_all(G, query: str, *, category=None) -> list[str]:
    """Every node ``query`` names: one node, or all forms of a miRNA written without species or
    arm (:func:`lookup`).

    Examples
    --------
    >>> import networkx as nx
    >>> G = nx.MultiDiGraph()
    >>> for n in ("hsa-miR-21", "hsa-miR-21-5p", "mmu-miR-21a"):
    ...     G.add_node(n, category="MiRNA", name=n)
    >>> resolve_all(G, "miR-21")
    ['hsa-miR-21', 'hsa-miR-21-5p']
    """
    return [m.id for m in lookup(G, query, category=category)]


def _listed_nodes(ix: NameIndex, nodes, limit: int = 8) -> str:
    shown = ", ".join(f"{ix.name[n]} ({n})" for n in nodes[:limit])
    return shown + (f", ... ({len(nodes)} in all)" if len(nodes) > limit else "")


def resolve(G, query: str, *, category=None) -> str:
    """The one node ``query`` names (see the module docstring).

    Examples
    --------
    >>> import networkx as nx
    >>> G = nx.MultiDiGraph()
    >>> G.add_node("MONDO:0009831", category="Cancer", name="malignant pancreatic neoplasm")
    >>> G.add_node("hgnc.symbol:PTEN", category="Gene", name="PTEN", symbol="PTEN")
    >>> resolve(G, "Pancreatic Cancer"), resolve(G, "pten")
    ('MONDO:0009831', 'hgnc.symbol:PTEN')
    """
    found = resolve_all(G, query, category=category)
    if len(found) > 1:
        ix = NameIndex.of_graph(G)
        raise AmbiguousNameError(what_of(category), query, [(n, ix.name[n]) for n in found])
    return found[0]


def records_of(G, node) -> set:
    """The communication records (biomarker claims for a body fluid) that name ``node``: a cancer's
    records, the records a cell type releases or takes up, a phenotype's records."""
    cat = G.nodes[node].get("category")
    if cat == "CellType":
        out = {v for _, v, k in G.out_edges(node, keys=True) if k == "RELEASES"}
        return out | {u for u, _, k in G.in_edges(node, keys=True) if k == "TAKEN_UP_BY"}
    if cat == "BodyFluid":
        return {u for u, _, k in G.in_edges(node, keys=True) if k == "IN_FLUID"}
    wanted = {"Cancer": "IN_CONTEXT_OF", "Phenotype": "CAUSES"}.get(cat)
    return {u for u, _, k in G.in_edges(node, keys=True)
            if k == wanted and G.nodes[u].get("category") == "CommunicationRecord"}


def _subtree_nodes(ix: NameIndex, tid: str, category) -> list[str]:
    """Graph nodes of ``category`` strictly below the ontology term ``tid``."""
    return sorted(n for n, c in ix.category.items() if c == category and n != tid and tid in ontology.ancestors(n))


def _distances(tid: str) -> dict[str, int]:
    """Ontology distance from ``tid`` to each of its ancestors (breadth-first over parents)."""
    dist, frontier = {}, [tid]
    d = 0
    while frontier:
        d += 1
        nxt = []
        for t in frontier:
            term = ontology.term(t)
            for p in term.parents if term else ():
                if p not in dist:
                    dist[p] = d
                    nxt.append(p)
        frontier = nxt
    return dist


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


def _names(pairs, limit: int = 8) -> str:
    names = [name for _, name in pairs]
    return ", ".join(names[:limit]) + (f" and {len(names) - limit} more" if len(names) > limit else "")


@dataclass(frozen=True)
class Scope:
    """The graph nodes a term covers: itself, its subtypes, or (no records below it) broader terms."""

    query: str
    id: str
    name: str
    category: str | None
    ids: frozenset
    in_graph: bool = True
    subtypes: tuple = ()          # (id, name) of graph nodes below the term, with records
    left_out: tuple = ()          # subtypes ``exact`` left out
    broader: tuple = ()           # (id, name) of the broader terms used instead
    how: str = "name"
    exact: bool = False
    members: tuple = field(default=(), repr=False)  # (id, name) of every node in ids

    @property
    def description(self) -> str:
        """What the scope includes, e.g. ``lung cancer (MONDO:0008903) and 1 subtype: non-small
        cell lung carcinoma``."""
        if self.how == "miRNA name":
            return f"{self.query}: {_names(self.members)}"
        named = "" if self.how in ("id", "name", "label") else f", {self.how} {self.query!r}"
        head = f"{self.name} ({self.id}{named})"
        if self.broader:
            return (f"{head}: no records of its own or of a subtype; using those of the broader "
                    + "; ".join(f"{n} ({i})" for i, n in self.broader))
        if self.left_out:
            return f"{head} only; left out {_plural(len(self.left_out), 'subtype')}: {_names(self.left_out)}"
        if self.subtypes:
            word = "and" if self.in_graph else "as"
            return f"{head} {word} {_plural(len(self.subtypes), 'subtype')}: {_names(self.subtypes)}"
        if len(self.members) > 1:
            return f"{head}: {_names(self.members)}"
        return head

    def as_dict(self) -> dict:
        """JSON-ready: the query, the term, what was included and the description."""
        return {"query": self.query, "id": self.id, "name": self.name, "how": self.how, "exact": self.exact,
                "subtypes": [{"id": i, "name": n} for i, n in self.subtypes],
                "left_out": [{"id": i, "name": n} for i, n in self.left_out],
                "broader": [{"id": i, "name": n} for i, n in self.broader],
                "ids": sorted(self.ids), "description": self.description}


def scope(G, query: str, *, category=None, exact: bool = False, broaden: bool = True) -> Scope:
    """The graph nodes a user's term covers.

    For a cancer, cell type or body fluid: the term and every graph node below it in its
    ontology (``exact``: the term alone). When no communication record is in that set
    (``pancreatic ductal adenocarcinoma`` in a graph whose pancreatic records say "pancreatic
    cancer"), the nearest broader terms with records of their own are used instead, unless
    ``exact`` or not ``broaden``. Any other name covers the nodes :func:`resolve_all` gives.

    Examples
    --------
    >>> import networkx as nx
    >>> G = nx.MultiDiGraph()
    >>> G.add_node("MONDO:0008903", category="Cancer", name="lung cancer")
    >>> G.add_node("MONDO:0005233", category="Cancer", name="non-small cell lung carcinoma")
    >>> G.add_node("EVC:0001", category="CommunicationRecord")
    >>> _ = G.add_edge("EVC:0001", "MONDO:0005233", key="IN_CONTEXT_OF")
    >>> s = scope(G, "lung cancer", category="Cancer")
    >>> sorted(s.ids), s.description
    (['MONDO:0005233', 'MONDO:0008903'], 'lung cancer (MONDO:0008903) and 1 subtype: non-small cell lung carcinoma')
    >>> sorted(scope(G, "lung cancer", category="Cancer", exact=True).ids)
    ['MONDO:0008903']
    """
    ix = NameIndex.of_graph(G)
    hits = ix.find(query, category)
    if hits and all(m.how == "miRNA name" for m in hits):
        members = tuple((m.id, m.name) for m in hits)
        return Scope(query, query, query, "MiRNA", frozenset(m.id for m in hits), how="miRNA name",
                     members=members)
    if len(hits) > 1:
        _refuse(query, category, hits)
    if hits and not hits[0].in_graph:
        _refuse(query, category, hits)
    if hits:
        term = hits[0]
    else:
        terms = _ontology_matches(query, category)
        if len(terms) > 1:
            _refuse(query, category, terms)
        if not terms:
            _unknown(ix, query, category)
        term = terms[0]
    cat = term.category
    if cat not in HIERARCHICAL:
        return Scope(query, term.id, term.name, cat, frozenset({term.id}), how=term.how, exact=exact,
                     members=((term.id, term.name),))
    below = _subtree_nodes(ix, term.id, cat)
    with_records = tuple(sorted(((n, ix.name[n]) for n in below if records_of(G, n)), key=lambda p: p[1].lower()))
    if exact:
        if not term.in_graph:
            listed = f": {_names([(n, ix.name[n]) for n in below])}" if below else ""
            raise InputError(f"{term.name} ({term.id}) is not a {what_of(cat)} of this graph, only "
                             f"{_plural(len(below), 'subtype')} of it{listed}; ask without exact to include them")
        return Scope(query, term.id, term.name, cat, frozenset({term.id}), how=term.how, exact=True,
                     left_out=with_records, members=((term.id, term.name),))
    ids = ([term.id] if term.in_graph else []) + below
    own = term.in_graph and bool(records_of(G, term.id))
    if broaden and not own and not with_records:
        dist = _distances(term.id)
        candidates = [(d, a) for a, d in dist.items()
                      if a in ix.category and ix.category[a] == cat and records_of(G, a)]
        if candidates:
            nearest = min(d for d, _ in candidates)
            broader = tuple(sorted((a, ix.name[a]) for d, a in candidates if d == nearest))
            return Scope(query, term.id, term.name, cat, frozenset(ids + [a for a, _ in broader]),
                         in_graph=term.in_graph, broader=broader, how=term.how,
                         members=tuple((n, ix.name.get(n, n)) for n in ids) + broader)
    if not ids:
        raise InputError(f"no {what_of(cat)} of this graph is {term.name} ({term.id}) or under it, and none above "
                         f"it has records")
    return Scope(query, term.id, term.name, cat, frozenset(ids), in_graph=term.in_graph, subtypes=with_records,
                 how=term.how, members=tuple((n, ix.name[n]) for n in ids))


def cell_groups(G, terms: Iterable[str]) -> dict[str, tuple[str, str]]:
    """Cell type -> ``(group id, group name)`` for grouping cell types at chosen terms.

    Every cell type of the graph under a chosen term (``macrophage``) joins its group; one under
    two chosen terms joins the narrower group (the one with fewer members). Cell types under no
    chosen term are left out of the mapping (they stay themselves).

    Examples
    --------
    >>> import networkx as nx
    >>> G = nx.MultiDiGraph()
    >>> G.add_node("CL:0000235", category="CellType", name="macrophage")
    >>> G.add_node("CL:0000890", category="CellType", name="M2 macrophage")
    >>> cell_groups(G, ["macrophage"])["CL:0000890"]
    ('CL:0000235', 'macrophage')
    """
    groups = []
    for t in terms:
        s = scope(G, t, category="CellType", broaden=False)
        groups.append(s)
    out: dict[str, tuple[str, str]] = {}
    for s in sorted(groups, key=lambda s: (-len(s.ids), s.id)):  # narrower groups overwrite wider ones
        for n in s.ids:
            out[n] = (s.id, s.name)
    return out
