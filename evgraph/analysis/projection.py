"""Project the knowledge graph onto the weighted network the centralities run on."""

from __future__ import annotations

import math

import networkx as nx

__all__ = ["to_distance", "project_arrays", "DEFAULT_LEVEL_WEIGHTS", "DEFAULT_TYPE_WEIGHTS", "SCORE_SCALED",
           "edge_weight", "project", "record_weight", "symmetric_types"]

# Evidence from patients outweighs animal models, which outweigh cell culture.
DEFAULT_LEVEL_WEIGHTS = {"patient_samples": 1.0, "in_vivo": 0.75, "in_vitro": 0.5, "unspecified": 0.25}
# Identity mappings (a protein cargo is the product of its gene) are not evidence
# to be weighed: they get full weight so the two nodes act as one.
# Layers from public databases (evgraph build) that cite no papers per edge get
# fixed weights below any evidence-weighted edge: predictions and gene-set
# membership least, pathway membership and hierarchy like unspecified evidence.
# Database edges that do cite papers (miRTarBase targets, ExoCarta/Vesiclepedia
# detections) are weighed like curated edges, from their level and PMIDs.
DEFAULT_TYPE_WEIGHTS = {"PRODUCT_OF": 1.0, "PARTICIPATES_IN": 0.25, "PART_OF": 0.25, "INTERACTS_WITH": 0.25,
                        "PREDICTED_TARGET": 0.1, "IN_GENE_SET": 0.1}
# A fixed type weight multiplied by a 0..1 confidence read from an edge property.
SCORE_SCALED = {"INTERACTS_WITH": ("score", 1000.0)}
EXCLUDED_CATEGORIES = frozenset({"BiomarkerClaim", "BodyFluid"})


def symmetric_types() -> frozenset[str]:
    """Relationship types the schema declares undirected (stored once, projected both ways)."""
    from evgraph.schema import load_schema

    return frozenset(name for name, rel in load_schema().relationships.items() if rel.symmetric)


def to_distance(weight: float) -> float:
    """Path length of an edge: ``1 / weight`` rounded to a whole number of millionths.

    Whole numbers add up exactly, so two equally long paths tie exactly and
    every engine counts the same shortest paths (float sums would break ties
    at random, changing betweenness between engines).

    Examples
    --------
    >>> to_distance(0.5)
    2000000.0
    """
    return float(max(1, round(1e6 / weight)))


def edge_weight(n_pmids: int, level: str, *, level_weights=None) -> float:
    """Evidence weight of one edge: ``level_weight * (1 + ln(n_pmids))``.

    Independent papers add weight with diminishing returns; an edge cited by
    no paper counts as one.

    Examples
    --------
    >>> edge_weight(1, "in_vivo")
    0.75
    >>> round(edge_weight(3, "patient_samples"), 3)
    2.099
    """
    weights = DEFAULT_LEVEL_WEIGHTS if level_weights is None else level_weights
    return weights.get(level, weights.get("unspecified", 0.25)) * (1.0 + math.log(max(n_pmids, 1)))


def record_weight(G, record, *, level_weights=None) -> float:
    """Weight of one communication record from its PMIDs and strongest model system."""
    from evgraph.tables import strongest_evidence

    d = G.nodes[record]
    return edge_weight(len(d.get("pmids", [])), strongest_evidence(d.get("model_system", [])),
                       level_weights=level_weights)


def project_arrays(
    G,
    *,
    level_weights=None,
    type_weights=None,
    include_biomarkers=False,
    multiplicity=None,
):
    """The projection as arrays: ``(nodes, src, dst, weight, types)``.

    One pass over the edges of ``G`` in Python, then numpy: parallel
    relationships between the same ordered pair are summed into one link whose
    ``types`` lists them. This is what the ranking engines read; it avoids
    building an intermediate networkx graph on large knowledge graphs.
    See :func:`project` for the parameters.
    """
    import numpy as np

    type_weights = DEFAULT_TYPE_WEIGHTS if type_weights is None else type_weights
    lw = DEFAULT_LEVEL_WEIGHTS if level_weights is None else level_weights
    skip = set() if include_biomarkers else EXCLUDED_CATEGORIES
    cat = dict(G.nodes(data="category"))
    keep = [n for n, c in cat.items() if c not in skip]
    if multiplicity is not None:
        keep = [n for n in keep if cat[n] != "CommunicationRecord" or n in multiplicity]
    index = {n: i for i, n in enumerate(keep)}
    both_ways = symmetric_types()
    us, vs, ws, ks = [], [], [], []
    for u, v, k, d in G.edges(keys=True, data=True):
        iu, iv = index.get(u), index.get(v)
        if iu is None or iv is None:
            continue
        n_pmids = len(d.get("pmids", ()))
        if multiplicity is not None:
            recs = d.get("records")
            if recs is None:
                recs = [x for x in (u, v) if cat[x] == "CommunicationRecord"]
            if recs:
                kept = [multiplicity.get(r, 0) for r in recs]
                if not any(kept):
                    continue
                n_pmids = max(1, round(n_pmids * sum(kept) / len(recs)))
        if k in type_weights:
            w = type_weights[k]
            if k in SCORE_SCALED and d.get(SCORE_SCALED[k][0]) is not None:
                w *= float(d[SCORE_SCALED[k][0]]) / SCORE_SCALED[k][1]
        else:
            w = lw.get(d.get("evidence_level", "unspecified"), lw.get("unspecified", 0.25)) * (
                1.0 + math.log(max(n_pmids, 1)))
        us.append(iu)
        vs.append(iv)
        ws.append(w)
        ks.append(k)
        if k in both_ways:
            us.append(iv)
            vs.append(iu)
            ws.append(w)
            ks.append(k)
    src = np.asarray(us, dtype=np.int64)
    dst = np.asarray(vs, dtype=np.int64)
    weight = np.asarray(ws, dtype=float)
    n = len(keep)
    if len(src):
        code = src * max(n, 1) + dst
        uniq, inverse = np.unique(code, return_inverse=True)
        summed = np.bincount(inverse, weights=weight, minlength=len(uniq))
        types = [[] for _ in range(len(uniq))]
        for j, k in zip(inverse.tolist(), ks):
            types[j].append(k)
        src, dst, weight = uniq // max(n, 1), uniq % max(n, 1), summed
    else:
        types = []
    return keep, src, dst, weight, types


def project(
    G,
    *,
    level_weights=None,
    type_weights=None,
    include_biomarkers=False,
    multiplicity=None,
) -> nx.DiGraph:
    """Collapse the knowledge ``MultiDiGraph`` into a weighted simple ``DiGraph``.

    Parallel edges of different types between two nodes are summed. Each
    edge gets ``weight`` (evidence, higher is stronger) and ``distance``
    (``1 / weight`` in millionths, see :func:`to_distance`).

    Parameters
    ----------
    G : networkx.MultiDiGraph
        The knowledge graph from :func:`evgraph.model.to_graph`.
    level_weights : dict, optional
        Weight per evidence level (default :data:`DEFAULT_LEVEL_WEIGHTS`).
    type_weights : dict, optional
        Fixed weights for relationship types (default :data:`DEFAULT_TYPE_WEIGHTS`).
    include_biomarkers : bool, optional (default=False)
        Keep biomarker claims and body fluids; they describe measurement, not
        communication, so they are left out of ranking by default.
    multiplicity : dict, optional
        ``{record: k}``: count each PMID of an edge supported by ``record`` k
        times (used by the bootstrap); records absent from it are dropped.

    Examples
    --------
    >>> M = nx.MultiDiGraph()
    >>> M.add_node("a", category="CellType"); M.add_node("b", category="CommunicationRecord")
    >>> M.add_edge("a", "b", key="RELEASES", pmids=["1", "2"], evidence_level="in_vitro")
    'RELEASES'
    >>> P = project(M)
    >>> round(P["a"]["b"]["weight"], 3)
    0.847
    """
    nodes, src, dst, weight, types = project_arrays(
        G, level_weights=level_weights, type_weights=type_weights, include_biomarkers=include_biomarkers,
        multiplicity=multiplicity)
    P = nx.DiGraph()
    for n in nodes:
        P.add_node(n, category=G.nodes[n].get("category"))
    for i, j, w, t in zip(src.tolist(), dst.tolist(), weight.tolist(), types):
        P.add_edge(nodes[i], nodes[j], weight=w, types=t, distance=to_distance(w))
    return P
