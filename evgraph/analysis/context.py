"""Context: restrict the knowledge graph before ranking, resolve names, pick candidates."""

from __future__ import annotations

import networkx as nx

from evgraph import names
from evgraph.errors import InputError, UnknownChoiceError

__all__ = [
    "CANDIDATE_SETS",
    "resolve_node",
    "cancer_ids",
    "restrict",
    "candidates",
    "context_seeds",
    "record_ids",
    "record_levels",
]

CANDIDATE_SETS = ("cargo", "targets", "machinery", "receptors", "genes", "drugs", "all", "cells")
CARGO = frozenset({"MiRNA", "Protein", "LncRNA", "CircRNA", "MRNA", "DNA", "Lipid", "Metabolite"})


def resolve_node(G, query: str, *, category=None) -> str:
    """The node ``query`` names: an id, a name or symbol, a synonym or abbreviation, a gene
    alias or a miRNA name (see :func:`evgraph.names.resolve`).

    Examples
    --------
    >>> G = nx.MultiDiGraph()
    >>> G.add_node("hgnc.symbol:PTEN", category="Gene", name="PTEN")
    >>> resolve_node(G, "pten")
    'hgnc.symbol:PTEN'
    """
    return names.resolve(G, query, category=category)


def cancer_ids(G, cancer, *, exact: bool = False):
    """The cancer ids a ``cancer`` argument stands for: ``None`` (no filter), the ids given, or,
    for a name or id, the cancer and its subtypes in ``G`` (:func:`evgraph.names.scope`)."""
    if cancer is None:
        return None
    if isinstance(cancer, str):
        return names.scope(G, cancer, category="Cancer", exact=exact).ids
    return frozenset(cancer)


def record_ids(G) -> list:
    return sorted(n for n, c in G.nodes(data="category") if c == "CommunicationRecord")


def _as_list(value) -> list:
    if value is None:
        return []
    return [value] if isinstance(value, str) else list(value)


def _papers(d: dict) -> set:
    return set(d.get("pmids") or ()) | set(d.get("dois") or ())


def record_levels(d: dict) -> set:
    """The evidence a record rests on: where its mechanism was shown (in vitro, in vivo), plus
    patient samples when the paper also associates the cargo with patients."""
    return set(_as_list(d.get("model_system"))) | ({"patient_samples"} if d.get("patient_samples") else set())


def _record_cancers(G, rec):
    return {v for _, v, k in G.out_edges(rec, keys=True) if k == "IN_CONTEXT_OF"}


# Relationship types loaded from public databases, which no communication record supports.
BACKGROUND = frozenset({"DETECTED_IN", "PREDICTED_TARGET", "PARTICIPATES_IN", "PART_OF", "IN_GENE_SET",
                        "INTERACTS_WITH"})


# Edges merged from machinery and drug rows, each row shown in one cancer (or, for a drug row, none).
CANCER_ROWS = frozenset({"EV_MACHINERY_IN", "MACHINERY_DRIVES", "TARGETS", "REDUCES"})


def _rows_in(d: dict, wanted) -> dict | None:
    """A machinery or drug edge as its rows in the ``wanted`` cancers show it: their papers only
    (``cancer_papers`` pairs each paper with its row's cancer); ``None`` when no row is in them.
    A drug row that names no cancer counts in every context."""
    if wanted is None:
        return d
    cancers = d.get("cancers") or []
    if cancers and not wanted.intersection(cancers):
        return None
    pairs = d.get("cancer_papers")
    if not pairs:
        return d
    keep = {p for pair in pairs for c, _, p in [pair.partition("|")] if c in wanted or c == ""}
    pmids = [p for p in d.get("pmids", []) if p in keep]
    dois = [x for x in d.get("dois", []) if x in keep]
    if not pmids and not dois:
        return None
    return {**d, "pmids": pmids, "dois": dois, "cancers": sorted(wanted.intersection(cancers))}


def restrict(G, *, cancer=None, species=None, evidence=None, model_system=None) -> nx.MultiDiGraph:
    """The part of the knowledge graph supported by matching communication records.

    Parameters
    ----------
    G : networkx.MultiDiGraph
    cancer : str or set of str, optional
        A cancer id or name, which keeps the records in that cancer and its subtypes
        (:func:`cancer_ids`), or the set of cancer ids to keep.
    species : str, optional
        ``human``, ``mouse`` or ``rat``.
    evidence : str, optional
        Minimum evidence level: ``in_vitro`` keeps all, ``in_vivo`` keeps
        records with animal or patient data, ``patient_samples`` only those
        with patient data (see :func:`record_levels`).
    model_system : str, optional
        Keep records that used this model system (``patient_samples``: the
        records that also associate their cargo with patients).

    Returns
    -------
    networkx.MultiDiGraph
        A new graph (``G`` itself when no filter is given). Edges that list supporting ``records`` keep only the
        kept ones; an edge left with none is dropped. EV-machinery edges are
        kept for the chosen cancer; drug edges when their target is kept.
    """
    if cancer is None and species is None and evidence is None and model_system is None:
        return G  # nothing to filter; callers never modify the graph they rank
    levels = ["in_vitro", "in_vivo", "patient_samples"]
    if evidence is not None and evidence not in levels:
        raise UnknownChoiceError("evidence level", evidence, levels)
    if species is not None and species not in ("human", "mouse", "rat"):
        raise UnknownChoiceError("species", species, ["human", "mouse", "rat"])
    if model_system is not None and model_system not in levels:
        raise UnknownChoiceError("model system", model_system, levels)
    wanted = cancer_ids(G, cancer)
    keep = set()
    for rec in record_ids(G):
        systems = record_levels(G.nodes[rec])
        if wanted is not None and not wanted & _record_cancers(G, rec):
            continue
        if species and species not in _as_list(G.nodes[rec].get("species")):
            continue
        if model_system and model_system not in systems:
            continue
        if evidence and not any(levels.index(s) >= levels.index(evidence) for s in systems):
            continue
        keep.add(rec)
    if not keep:
        raise InputError("no communication record matches this context")
    H = nx.MultiDiGraph()
    H.graph.update(G.graph)
    cat = nx.get_node_attributes(G, "category")
    for u, v, k, d in G.edges(keys=True, data=True):
        recs = d.get("records")
        if cat[u] == "CommunicationRecord" or cat[v] == "CommunicationRecord":
            rec = u if cat[u] == "CommunicationRecord" else v
            if rec not in keep:
                continue
            H.add_edge(u, v, key=k, **d)
        elif recs is not None:
            kept = [r for r in recs if r in keep]
            if kept:
                # the papers of the dropped records go; those of kept records and of no record (a
                # database reference merged into the edge) stay
                dropped = {p for r in recs if r not in keep and r in G for p in _papers(G.nodes[r])}
                dropped -= {p for r in kept if r in G for p in _papers(G.nodes[r])}
                pmids = [p for p in d.get("pmids", []) if p not in dropped]
                dois = [x for x in d.get("dois", []) if x not in dropped]
                H.add_edge(u, v, key=k, **{**d, "records": kept, "pmids": pmids,
                                           **({"dois": dois} if "dois" in d else {})})
    nodes_in = set(H)
    for u, v, k, d in G.edges(keys=True, data=True):
        if k in CANCER_ROWS:
            d = _rows_in(d, wanted)
            if d is None:
                continue
            if k == "EV_MACHINERY_IN" and v not in nodes_in:
                continue
            if k in ("TARGETS", "REDUCES") and u not in nodes_in and v not in nodes_in:
                continue
            H.add_edge(u, v, key=k, **d)
        elif k == "PRODUCT_OF" and (u in nodes_in or v in nodes_in):
            H.add_edge(u, v, key=k, **d)
        elif cat[u] == "BiomarkerClaim":
            claim_cancers = {t for _, t, kk in G.out_edges(u, keys=True) if kk == "IN_CONTEXT_OF"}
            if wanted is None or wanted & claim_cancers:
                H.add_edge(u, v, key=k, **d)
    # Database layers (evgraph build) have no records: keep the ones touching the context,
    # one hop out (detections in another cancer's EVs excepted).
    for u, v, k, d in G.edges(keys=True, data=True):
        if k in BACKGROUND or (k == "REGULATES" and d.get("records") is None):
            if u not in nodes_in and v not in nodes_in:
                continue
            if k == "DETECTED_IN" and cat[v] == "Cancer" and wanted is not None and v not in wanted:
                continue
            H.add_edge(u, v, key=k, **d)
    for n in H:
        H.nodes[n].update(G.nodes[n])
    return H


def candidates(G, which="all", *, include_biomarkers=False) -> list:
    """Candidate node ids of a kind (see :data:`CANDIDATE_SETS`), sorted.

    ``cargo``: EV cargo molecules (carried by a record or detected in EVs;
    measured in them too with ``include_biomarkers``). ``targets``: genes a cargo regulates.
    ``machinery``: EV biogenesis, loading, secretion and uptake genes.
    ``receptors``: genes that EV cargo *activates* (receptors such as TLR8
    and other effectors switched on by a cargo). ``genes``: all genes.
    ``drugs``: drugs and inhibitors. ``all``: cargo, genes and drugs.
    ``cells``: cell types.
    """
    if which not in CANDIDATE_SETS:
        raise UnknownChoiceError("candidate set", which, CANDIDATE_SETS)
    cat = nx.get_node_attributes(G, "category")
    edges = G.edges(keys=True, data=True)  # a view, read by at most one branch
    if which == "cargo":
        carried = ("CARRIES", "MEASURES") if include_biomarkers else ("CARRIES",)
        out = {v for u, v, k, _ in edges if k in carried and cat.get(v) in CARGO}
        out |= {u for u, v, k, _ in G.edges(keys=True, data=True) if k == "DETECTED_IN" and cat.get(u) in CARGO}
    elif which == "targets":
        out = {v for u, v, k, _ in edges if k == "REGULATES"}
    elif which == "machinery":
        out = {u for u, v, k, _ in edges if k in ("EV_MACHINERY_IN", "MACHINERY_DRIVES")}
    elif which == "receptors":
        out = {v for u, v, k, d in edges if k == "REGULATES" and d.get("effect") == "activates"}
    elif which == "genes":
        out = {n for n, c in cat.items() if c == "Gene"}
    elif which == "drugs":
        out = {n for n, c in cat.items() if c == "Drug"}
    elif which == "cells":
        out = {n for n, c in cat.items() if c == "CellType"}
    else:
        out = {n for n, c in cat.items() if c in CARGO or c in ("Gene", "Drug")}
    # a candidate must take part in the network
    return sorted(n for n in out if G.degree(n) > 0)


def context_seeds(G, context) -> list:
    """Seed nodes for personalised PageRank from a cancer, phenotype, cell type or node ids.

    A cancer or a cell type (with its subtypes, :func:`evgraph.names.scope`) seeds the
    communication records in that cancer or released by that cell type; any other node seeds
    itself (a miRNA name without arm, every form of it).
    """
    if isinstance(context, str):
        context = [context]
    seeds = []
    for item in context or []:
        nodes = sorted(names.scope(G, item).ids)
        records = []
        for node in nodes:
            category = G.nodes[node].get("category")
            if category == "Cancer":
                records += [u for u, _, k in G.in_edges(node, keys=True) if k == "IN_CONTEXT_OF"
                            and G.nodes[u].get("category") == "CommunicationRecord"]
            elif category == "CellType":
                records += [v for _, v, k in G.out_edges(node, keys=True) if k == "RELEASES"]
            else:
                seeds.append(node)
        # a cell type that releases nothing seeds itself
        seeds += records or [n for n in nodes if G.nodes[n].get("category") == "CellType"]
    return sorted(set(seeds))
