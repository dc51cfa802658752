"""Project the knowledge graph onto the weighted network the centralities run on."""

from __future__ import annotations

import math
from collections.abc import Sequence

import networkx as nx
import numpy as np

from evgraph.analysis.arrays import graph_arrays

__all__ = ["paper_term", "to_distance", "to_distances", "project_arrays", "LinkTypes", "DEFAULT_LEVEL_WEIGHTS", "DEFAULT_TYPE_WEIGHTS",
           "SCORE_SCALED", "edge_weight", "edge_weights", "project", "record_weight", "symmetric_types", "unit_weights"]

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
# A fixed type weight multiplied by a 0..1 confidence: the edge's ``score`` over this scale.
SCORE_SCALED = {"INTERACTS_WITH": 1000.0}
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
    """Weight of one communication record from its papers and the level its mechanism was shown at."""
    from evgraph.tables import strongest_evidence

    d = G.nodes[record]
    papers = len(d.get("pmids") or []) or len(d.get("dois") or [])
    return edge_weight(papers, strongest_evidence(d.get("model_system", [])), level_weights=level_weights)


class LinkTypes(Sequence):
    """The relationship types of each projected link, materialised on access.

    Links are built from arrays; most callers never read their types, so the
    per-link lists are only made for those who do.
    """

    def __init__(self, codes, inverse, names, n_links):
        order = np.argsort(inverse, kind="stable")  # keeps each link's types in edge order
        self._codes = codes[order]
        self._starts = np.concatenate([[0], np.cumsum(np.bincount(inverse, minlength=n_links))])
        self._names = list(names)

    def __len__(self) -> int:
        return len(self._starts) - 1

    def __getitem__(self, i):
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        if i < 0:
            i += len(self)
        if not 0 <= i < len(self):
            raise IndexError(i)
        return [self._names[c] for c in self._codes[self._starts[i]:self._starts[i + 1]].tolist()]

    def __iter__(self):
        codes, starts, names = self._codes.tolist(), self._starts.tolist(), self._names
        for a, b in zip(starts[:-1], starts[1:]):
            yield [names[c] for c in codes[a:b]]


def unit_weights(A, paper_counts) -> np.ndarray:
    """Per-unit weights from how often each paper was drawn: ``paper_counts[A.unit_idx]``.

    ``paper_counts`` has one entry per paper of ``A.papers``; all ones give the
    point estimate, a bootstrap draw gives each paper its number of draws.
    """
    return np.asarray(paper_counts, dtype=float)[A.unit_idx]


def paper_term(count, alive=None) -> np.ndarray:
    """``1 + ln n`` for ``n >= 1`` papers, ``n`` itself below one (a bootstrap weight under one
    paper's worth of evidence counts in proportion; the two pieces meet smoothly at ``n = 1``).

    Whole counts take their logarithm from :func:`math.log` once per distinct count, so the
    point estimate equals :func:`edge_weight` to the last bit.

    Examples
    --------
    >>> paper_term(np.array([1.0, 2.0, 0.5])).round(4).tolist()
    [1.0, 1.6931, 0.5]
    """
    count = np.asarray(count, dtype=float)
    alive = np.ones(len(count), dtype=bool) if alive is None else alive
    out = np.ones(len(count))
    whole = alive & (count == np.round(count)) & (count >= 1)
    counts, inv = np.unique(count[whole], return_inverse=True)
    out[whole] = np.array([1.0 + math.log(c) for c in counts.tolist()] or [1.0])[inv]
    frac = alive & ~whole
    out[frac] = np.where(count[frac] >= 1, 1.0 + np.log(np.maximum(count[frac], 1.0)), count[frac])
    return out


def edge_weights(A, *, level_weights=None, type_weights=None, units=None):
    """The evidence weight of every knowledge edge, and which edges survive.

    An edge that cites papers weighs ``level * (1 + ln n)``, where ``n`` is
    the sum of its units' weights (each paper once for the point estimate;
    its bootstrap weight in a replicate; below one paper's worth the term is
    ``n`` itself, :func:`paper_term`) and ``level`` the strongest
    level among its units of non-zero weight; it is dropped when all its units
    weigh zero. An edge that cites none weighs its own level once. Fixed
    ``type_weights`` replace both (identifier mappings and database layers).

    Returns ``(weight, alive)``, arrays over ``A``'s edges. The point estimate
    and every replicate go through this one function, so a replicate that
    draws every paper exactly once reproduces the point estimate to the bit.
    """
    type_weights = DEFAULT_TYPE_WEIGHTS if type_weights is None else type_weights
    lw = DEFAULT_LEVEL_WEIGHTS if level_weights is None else level_weights
    n_edges = len(A.src)
    per_edge = np.diff(A.unit_ptr)
    cited = per_edge > 0
    w_units = np.ones(len(A.unit_idx)) if units is None else np.asarray(units, dtype=float)
    owner = np.repeat(np.arange(n_edges), per_edge)
    n = np.bincount(owner, weights=w_units, minlength=n_edges)
    alive = ~cited | (n > 0)
    # strongest level among the units still present: level codes follow the schema's order
    # (strongest first), so the strongest is the smallest code
    worst = np.iinfo(np.int16).max
    best = np.full(n_edges, worst, dtype=np.int64)
    np.minimum.at(best, owner, np.where(w_units > 0, A.unit_level, worst).astype(np.int64))
    level = np.where(cited & (best < worst), best, A.level).astype(np.int64)
    level_w = np.array([lw.get(x, lw.get("unspecified", 0.25)) for x in A.levels] or [0.0])[level]
    count = np.where(cited, n, 1.0)
    weight = level_w * paper_term(count, alive)
    for t, w in type_weights.items():
        if t in A.types:
            mine = A.etype == A.types.index(t)
            weight[mine] = w
            if t in SCORE_SCALED:
                scaled = mine & ~np.isnan(A.score)
                weight[scaled] = w * (A.score[scaled] / SCORE_SCALED[t])
    return weight, alive


def project_arrays(
    G,
    *,
    level_weights=None,
    type_weights=None,
    include_biomarkers=False,
    units=None,
    groups=None,
    arrays=None,
):
    """The projection as arrays: ``(nodes, src, dst, weight, types)``.

    Parallel relationships between the same ordered pair are summed into one
    link whose ``types`` lists them. This is what the ranking engines read; it
    avoids building an intermediate networkx graph on large knowledge graphs.
    See :func:`project` for the parameters; ``arrays`` is
    :func:`~evgraph.analysis.arrays.graph_arrays` of ``G`` when already read
    (``G`` is then not touched). ``groups`` (node index -> the index of the
    node that stands for it, :func:`~evgraph.analysis.targets.target_groups`)
    contracts each group into one node; links inside a group are dropped.
    """
    A = graph_arrays(G) if arrays is None else arrays
    n = len(A.nodes)
    keep = ~A.category_mask(set() if include_biomarkers else EXCLUDED_CATEGORIES)
    weight, alive = edge_weights(A, level_weights=level_weights, type_weights=type_weights, units=units)
    edges = alive & keep[A.src] & keep[A.dst]
    src, dst = A.src, A.dst
    if groups is not None:
        groups = np.asarray(groups, dtype=np.int64)
        src, dst = groups[src], groups[dst]
        keep &= groups == np.arange(n)
        edges &= keep[src] & keep[dst]
        edges &= (src != dst) | (A.src == A.dst)  # a product and its gene are one target, not a loop
    weight, etype = weight[edges], A.etype[edges]
    new_index = np.cumsum(keep) - 1
    src, dst = new_index[src[edges]], new_index[dst[edges]]
    both = np.isin(etype, [A.types.index(t) for t in symmetric_types() if t in A.types])
    if both.any():
        # an undirected relationship is projected both ways, the reverse link right after the edge
        at = np.repeat(np.arange(len(src)), 1 + both)
        back = np.zeros(len(at), dtype=bool)
        back[1:] = at[1:] == at[:-1]
        src, dst = np.where(back, dst[at], src[at]), np.where(back, src[at], dst[at])
        weight, etype = weight[at], etype[at]
    nodes = [A.nodes[i] for i in np.flatnonzero(keep).tolist()]
    m = max(len(nodes), 1)
    uniq, inverse = np.unique(src * m + dst, return_inverse=True)
    summed = np.bincount(inverse, weights=weight, minlength=len(uniq))
    types = LinkTypes(etype, inverse, A.types, len(uniq))
    return nodes, uniq // m, uniq % m, summed, types


def to_distances(weight):
    """:func:`to_distance` of an array of weights (numpy rounds half to even, as Python does)."""
    return np.maximum(1.0, np.round(1e6 / np.asarray(weight, dtype=float)))


def project(
    G,
    *,
    level_weights=None,
    type_weights=None,
    include_biomarkers=False,
    units=None,
    groups=None,
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
    units : numpy.ndarray, optional
        A weight per evidence unit (``(edge, paper)`` pair of
        :class:`~evgraph.analysis.arrays.GraphArrays`): a paper's number of
        draws in a bootstrap replicate, 0 to leave it out (see :func:`edge_weights`).
        All ones (the default) is the point estimate.
    groups : numpy.ndarray, optional
        Merge nodes into the node that stands for them (see :func:`project_arrays`).

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
        units=units, groups=groups)
    P = nx.DiGraph()
    for n in nodes:
        P.add_node(n, category=G.nodes[n].get("category"))
    for i, j, w, t in zip(src.tolist(), dst.tolist(), weight.tolist(), types):
        P.add_edge(nodes[i], nodes[j], weight=w, types=t, distance=to_distance(w))
    return P
