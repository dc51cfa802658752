"""Choose the part of the knowledge graph to show: a neighbourhood, the evidence of the
top-ranked candidates, some categories, at most N nodes."""

from __future__ import annotations

import networkx as nx

from evgraph import names
from evgraph.analysis.explain import evidence_chains
from evgraph.errors import UnknownChoiceError

__all__ = ["neighbourhood", "evidence_subgraph", "keep_categories", "cap_nodes"]


def neighbourhood(G, node, *, depth=1) -> nx.MultiDiGraph:
    """Nodes within ``depth`` links of ``node`` (either direction) and the edges among them.

    ``node`` is resolved by :func:`evgraph.names.resolve_all`: a miRNA written without species
    or arm (``miR-21``) centres the neighbourhood on every form of it in the graph.

    Examples
    --------
    >>> G = nx.MultiDiGraph([("a", "b"), ("b", "c"), ("c", "d")])
    >>> for n in G: G.nodes[n]["category"] = "Gene"
    >>> sorted(neighbourhood(G, "b", depth=1))
    ['a', 'b', 'c']
    """
    U = G.to_undirected(as_view=True)
    seen: set = set()
    for source in names.resolve_all(G, node):  # a miRNA name without arm: all its forms
        seen.update(nx.single_source_shortest_path_length(U, source, cutoff=depth))
    return G.subgraph(seen).copy()


def evidence_subgraph(G, nodes, *, max_chains=10) -> nx.MultiDiGraph:
    """The nodes and the evidence chains (donor -> record -> cargo -> target -> pathway ->
    phenotype) of each node in ``nodes``, at most ``max_chains`` per node."""
    wanted = set(nodes)
    keep = set(wanted)
    per_node = {n: 0 for n in wanted}
    for chain in evidence_chains(G):
        members = {chain[0][0]} | {v for _, _, v in chain}
        hits = [n for n in members & wanted if per_node[n] < max_chains]
        if hits:
            keep |= members
            for n in hits:
                per_node[n] += 1
    for n in list(wanted):  # genes and drugs reach chains through their cargo or target
        for u, v, k in list(G.in_edges(n, keys=True)) + list(G.out_edges(n, keys=True)):
            if k in ("PRODUCT_OF", "TARGETS", "EV_MACHINERY_IN"):
                keep |= {u, v}
    return G.subgraph(keep).copy()


def keep_categories(G, categories) -> nx.MultiDiGraph:
    """Only nodes of the given categories."""
    cats = {c for n, c in G.nodes(data="category")}
    unknown = [c for c in categories if c not in cats]
    if unknown:
        raise UnknownChoiceError("category", unknown[0], cats)
    return G.subgraph([n for n, c in G.nodes(data="category") if c in set(categories)]).copy()


def cap_nodes(G, max_nodes, *, priority=None) -> nx.MultiDiGraph:
    """At most ``max_nodes`` nodes, the highest ``priority`` first (default: degree), ties by id."""
    if max_nodes is None or len(G) <= max_nodes:
        return G
    prio = priority or {}
    order = sorted(G, key=lambda n: (-prio.get(n, 0.0), -G.degree(n), str(n)))
    return G.subgraph(order[:max_nodes]).copy()
