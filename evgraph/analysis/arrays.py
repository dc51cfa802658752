"""The knowledge graph as columns: one pass over its edges, then numpy for everything ranking reads.

Projection, candidate sets, PMID counts and known drugs all come from these
arrays, so a ranking run touches each knowledge edge once in Python. The
object holds no per-edge Python objects, so it pickles and loads in a
fraction of the time the graph itself takes (the CLI caches it).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from evgraph.analysis.context import CANDIDATE_SETS, CARGO
from evgraph.errors import UnknownChoiceError

__all__ = ["GraphArrays", "graph_arrays"]

RECORD = "CommunicationRecord"


@dataclass
class GraphArrays:
    """Columns of a knowledge ``MultiDiGraph`` (see :func:`graph_arrays`).

    Edge ``e`` runs from ``nodes[src[e]]`` to ``nodes[dst[e]]`` with type
    ``types[etype[e]]``, evidence level ``levels[level[e]]``, ``n_pmids[e]``
    PMIDs, confidence ``score[e]`` (NaN when the edge has none), effect (or,
    for a drug, its action) ``effects[effect[e]]`` and the supporting
    communication records ``rec_idx[rec_ptr[e]:rec_ptr[e + 1]]`` (node
    indices; an index ``len(nodes) + j`` names ``foreign_records[j]``, a
    record the edge cites that is not a node of this graph).

    The evidence units of edge ``e`` are the papers it cites (PMIDs, and DOIs
    of papers without one): ``papers[unit_idx[k]]`` for ``k`` in
    ``unit_ptr[e]:unit_ptr[e + 1]``, each with the level at which *that* paper
    showed the edge, ``levels[unit_level[k]]`` (for an edge several records
    support, the level of the records that cite the paper). Edges that cite
    no paper (identifier mappings, database layers) have no units.
    ``polarity[i]`` is a phenotype's tumour polarity (``None`` elsewhere).
    """

    nodes: list
    categories: list
    names: list
    src: np.ndarray
    dst: np.ndarray
    etype: np.ndarray
    types: list
    level: np.ndarray
    levels: list
    effect: np.ndarray
    effects: list
    n_pmids: np.ndarray
    score: np.ndarray
    rec_ptr: np.ndarray
    rec_idx: np.ndarray
    node_pmids: np.ndarray
    foreign_records: list = field(default_factory=list)
    drugs: dict = field(default_factory=dict)
    unit_ptr: np.ndarray = field(default_factory=lambda: np.zeros(1, dtype=np.int64))
    unit_idx: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    unit_level: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int16))
    papers: list = field(default_factory=list)
    polarity: list = field(default_factory=list)
    index: dict = field(init=False, repr=False, compare=False)

    def __post_init__(self):
        self.index = {n: i for i, n in enumerate(self.nodes)}

    def __getstate__(self):
        state = dict(self.__dict__)
        state.pop("index")  # rebuilt on load: cheaper than pickling it
        return state

    def __setstate__(self, state):
        self.__dict__.update(state)
        self.__post_init__()

    def __len__(self) -> int:
        return len(self.nodes)

    def type_mask(self, *names) -> np.ndarray:
        codes = [self.types.index(t) for t in names if t in self.types]
        return np.isin(self.etype, codes)

    def category_mask(self, categories) -> np.ndarray:
        return np.fromiter((c in categories for c in self.categories), dtype=bool, count=len(self.nodes))

    def candidates(self, which="all", *, include_biomarkers=False) -> list:
        """The same sets as :func:`evgraph.analysis.context.candidates`, from the arrays."""
        if which not in CANDIDATE_SETS:
            raise UnknownChoiceError("candidate set", which, CANDIDATE_SETS)
        n = len(self.nodes)
        if which == "cargo":
            # molecules found in EVs: carried by a record or detected in EVs (databases); measured in
            # them (biomarker claims) only when biomarkers take part
            mask = np.zeros(n, dtype=bool)
            mask[self.dst[self.type_mask("CARRIES", *(("MEASURES",) if include_biomarkers else ()))]] = True
            mask[self.src[self.type_mask("DETECTED_IN")]] = True
            mask &= self.category_mask(CARGO)
        elif which in ("targets", "receptors"):
            sel = self.type_mask("REGULATES")
            if which == "receptors":
                code = self.effects.index("activates") if "activates" in self.effects else -1
                sel &= self.effect == code
            mask = np.zeros(n, dtype=bool)
            mask[self.dst[sel]] = True
        elif which == "machinery":
            mask = np.zeros(n, dtype=bool)
            mask[self.src[self.type_mask("EV_MACHINERY_IN", "MACHINERY_DRIVES")]] = True
        elif which == "genes":
            mask = self.category_mask({"Gene"})
        elif which == "drugs":
            mask = self.category_mask({"Drug"})
        elif which == "cells":
            mask = self.category_mask({"CellType"})
        else:
            mask = self.category_mask(CARGO | {"Gene", "Drug"})
        # a candidate must take part in the network
        mask &= (np.bincount(self.src, minlength=n) + np.bincount(self.dst, minlength=n)) > 0
        return sorted(self.nodes[i] for i in np.flatnonzero(mask).tolist())


def drug_label(name, knowledge_source, max_phase=None, clinical_stage=None) -> str:
    """A drug as ranking rows list it: the name, and for database drugs their phase and sources.

    Examples
    --------
    >>> drug_label("anti-miR-105", "evgraph-curated")
    'anti-miR-105'
    >>> drug_label("CAPMATINIB", "opentargets;dgidb", 4.0)
    'CAPMATINIB (phase 4; opentargets, dgidb)'
    """
    sources = [x for x in str(knowledge_source or "").split(";") if x]
    if not sources or sources == ["evgraph-curated"]:
        return str(name)
    phase = clinical_stage or (f"phase {max_phase:g}" if isinstance(max_phase, (int, float)) and max_phase == max_phase
                               else "")
    return f"{name} ({'; '.join(x for x in (phase, ', '.join(dict.fromkeys(sources))) if x)})"


def _drugs(nodes, names, src, dst, etype, types, labels=None) -> dict:
    """``{node: [drug labels]}`` for drugs that target the node or the gene it is a product of
    (``labels``: ``{(drug, target): label}`` for drugs from databases, with phase and source)."""
    code = {t: i for i, t in enumerate(types)}
    labels = labels or {}
    by_target: dict[int, set] = {}
    if "TARGETS" in code:
        sel = etype == code["TARGETS"]
        for u, v in zip(src[sel].tolist(), dst[sel].tolist()):
            by_target.setdefault(v, set()).add(labels.get((u, v), names[u]))
    if not by_target:
        return {}
    reach: dict[int, set] = {t: {t} for t in by_target}
    if "PRODUCT_OF" in code:
        sel = etype == code["PRODUCT_OF"]
        for u, v in zip(src[sel].tolist(), dst[sel].tolist()):
            if v in by_target:
                reach.setdefault(u, {u}).add(v)
    out = {}
    for node, targets in reach.items():
        found = set().union(*(by_target.get(t, ()) for t in targets))
        if found:
            out[nodes[node]] = sorted(found)
    return out


def _distinct_per_node(n, src, dst, unit_ptr, unit_idx, n_codes) -> np.ndarray:
    """Distinct papers on the edges of each node: unique (node, paper) pairs, counted."""
    if not len(unit_idx):
        return np.zeros(n, dtype=np.int64)
    edge = np.repeat(np.arange(len(src)), np.diff(unit_ptr))
    pairs = np.concatenate([src[edge] * n_codes + unit_idx, dst[edge] * n_codes + unit_idx])
    return np.bincount(np.unique(pairs) // n_codes, minlength=n)


def _strongest(levels, order) -> str | None:
    ranked = [lv for lv in order if lv in levels]
    return ranked[0] if ranked else None


def graph_arrays(G) -> GraphArrays:
    """Read a knowledge graph into :class:`GraphArrays` in one pass over its edges.

    Examples
    --------
    >>> import networkx as nx
    >>> G = nx.MultiDiGraph()
    >>> G.add_node("d", category="Drug", name="aspirin"); G.add_node("g", category="Gene", name="PTGS2")
    >>> G.add_edge("d", "g", key="TARGETS", pmids=["1", "2"], dois=["10.1/x"])
    'TARGETS'
    >>> A = graph_arrays(G)
    >>> A.candidates("genes"), A.drugs, A.node_pmids.tolist(), A.papers
    (['g'], {'g': ['aspirin']}, [3, 3], ['1', '2', '10.1/x'])
    """
    from evgraph.schema import load_schema

    order = load_schema().evidence_levels
    nodes = list(G)
    index = {n: i for i, n in enumerate(nodes)}
    categories, names, polarity = [], [], []
    # what each record cites, and at which level it showed its mechanism (see loaders.curated)
    rec_papers: dict = {}
    rec_level: dict = {}
    for n, d in G.nodes(data=True):
        categories.append(d.get("category"))
        names.append(str(d.get("name", n)))
        polarity.append(d.get("polarity"))
        if d.get("category") == RECORD:
            rec_papers[n] = set(d.get("pmids") or ()) | set(d.get("dois") or ())
            systems = d.get("model_system") or ()
            rec_level[n] = _strongest(set([systems] if isinstance(systems, str) else systems), order)
    is_record = [c == RECORD for c in categories]
    tcode: dict = {}
    lcode: dict = {lv: i for i, lv in enumerate(order)}
    ecode: dict = {}
    pcode: dict = {}
    src, dst, etype, level, effect, npm, nrec, recs, score = [], [], [], [], [], [], [], [], []
    drug_labels: dict = {}
    nunit, units, ulevel = [], [], []
    for u, nbrs in G.adjacency():
        iu = index[u]
        for v, keyed in nbrs.items():
            iv = index[v]
            for k, d in keyed.items():
                src.append(iu)
                dst.append(iv)
                etype.append(tcode.setdefault(k, len(tcode)))
                lv = d.get("evidence_level", "unspecified")
                lc = lcode.setdefault(lv, len(lcode))
                level.append(lc)
                effect.append(ecode.setdefault(d.get("effect", d.get("action")), len(ecode)))
                if k == "TARGETS" and d.get("knowledge_source", "evgraph-curated") != "evgraph-curated":
                    drug_labels[(iu, iv)] = drug_label(names[iu], d.get("knowledge_source"), d.get("max_phase"),
                                                       d.get("clinical_stage"))
                score.append(d.get("score"))
                p = list(d.get("pmids") or ())
                npm.append(len(p))
                p += [x for x in d.get("dois") or () if x not in p]
                explicit = d.get("records")
                r = explicit if explicit is not None else [x for x, i in ((u, iu), (v, iv)) if is_record[i]]
                nrec.append(len(r))
                recs.extend(r)
                nunit.append(len(p))
                for paper in p:
                    units.append(pcode.setdefault(paper, len(pcode)))
                    # a paper's level on an edge several records support: the records that cite it
                    best = _strongest({rec_level.get(x) for x in explicit if paper in rec_papers.get(x, ())},
                                      order) if explicit else None
                    ulevel.append(lcode[best] if best else lc)
    src_a = np.asarray(src, dtype=np.int64)
    dst_a = np.asarray(dst, dtype=np.int64)
    etype_a = np.asarray(etype, dtype=np.int16)
    types = list(tcode)
    npm_a = np.asarray(npm, dtype=np.int64)
    unit_ptr = np.concatenate([[0], np.cumsum(np.asarray(nunit, dtype=np.int64))]).astype(np.int64)
    unit_idx = np.asarray(units, dtype=np.int64)
    foreign: dict = {}
    rec_idx = np.fromiter((index[r] if r in index else len(nodes) + foreign.setdefault(r, len(foreign))
                           for r in recs), dtype=np.int64, count=len(recs))
    return GraphArrays(
        nodes=nodes, categories=categories, names=names, src=src_a, dst=dst_a, etype=etype_a, types=types,
        level=np.asarray(level, dtype=np.int16), levels=list(lcode),
        effect=np.asarray(effect, dtype=np.int16), effects=list(ecode), n_pmids=npm_a,
        score=np.array([np.nan if x is None else float(x) for x in score], dtype=float),
        rec_ptr=np.concatenate([[0], np.cumsum(np.asarray(nrec, dtype=np.int64))]), rec_idx=rec_idx,
        node_pmids=_distinct_per_node(len(nodes), src_a, dst_a, unit_ptr, unit_idx, max(len(pcode), 1)),
        foreign_records=list(foreign), drugs=_drugs(nodes, names, src_a, dst_a, etype_a, types, drug_labels),
        unit_ptr=unit_ptr, unit_idx=unit_idx, unit_level=np.asarray(ulevel, dtype=np.int16), papers=list(pcode),
        polarity=polarity,
    )
