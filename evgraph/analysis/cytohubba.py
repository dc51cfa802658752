"""The cytoHubba hub-ranking methods (Chin et al. 2014, BMC Syst Biol 8 Suppl 4:S11).

All run on the symmetrised, unweighted simple graph, as cytoHubba does.
Definitions follow the paper's Methods section; where it leaves a choice
open the docstring says what evgraph does.
"""

from __future__ import annotations

import math
from collections import deque

import networkx as nx

from evgraph.analysis.centrality import undirected

__all__ = ["mcc", "dmnc", "mnc", "epc", "bottleneck", "eccentricity", "radiality", "stress"]


def _simple(G) -> nx.Graph:
    U = nx.Graph(undirected(G))
    U.remove_edges_from(nx.selfloop_edges(U))
    return U


def mcc(G):
    """Maximal Clique Centrality: ``sum over maximal cliques C containing v of (|C|-1)!``.

    A node whose neighbours share no edge has only 2-cliques, so its MCC is
    its degree, as the paper states; an isolated node scores 0.

    Examples
    --------
    >>> mcc(nx.complete_graph(3))
    {0: 2.0, 1: 2.0, 2: 2.0}
    >>> mcc(nx.star_graph(3))[0]
    3.0
    """
    U = _simple(G)
    out = {n: 0.0 for n in U}
    for clique in nx.find_cliques(U):
        if len(clique) < 2:
            continue
        f = float(math.factorial(len(clique) - 1))
        for n in clique:
            out[n] += f
    return out


def _mnc_component(U, v):
    nbrs = U.subgraph(U[v])
    if len(nbrs) == 0:
        return None
    return max((nbrs.subgraph(c) for c in nx.connected_components(nbrs)),
               key=lambda h: (len(h), h.number_of_edges()))


def mnc(G):
    """Maximum Neighbourhood Component: nodes in the largest component of ``G[N(v)]``.

    Examples
    --------
    >>> mnc(nx.star_graph(3))[0]
    1.0
    """
    U = _simple(G)
    return {v: float(len(c)) if (c := _mnc_component(U, v)) is not None else 0.0 for v in U}


def dmnc(G, *, epsilon=1.7):
    """Density of MNC: ``|E(MNC)| / |V(MNC)|**epsilon`` (epsilon = 1.7 in cytoHubba).

    Examples
    --------
    >>> round(dmnc(nx.complete_graph(4))[0], 4)
    0.4635
    """
    U = _simple(G)
    out = {}
    for v in U:
        c = _mnc_component(U, v)
        out[v] = 0.0 if c is None else c.number_of_edges() / len(c) ** epsilon
    return out


def epc(G, *, n_iter=1000, p=0.5, seed=None):
    """Edge Percolated Component: mean share of nodes connected to ``v`` after each
    edge is kept with probability ``p`` (cytoHubba: 1000 draws, threshold 0.5).

    Counts ``v`` itself, so an isolated node scores ``1/|V|``.
    """
    import numpy as np

    U = _simple(G)
    nodes = list(U)
    n = len(nodes)
    if n == 0:
        return {}
    index = {x: i for i, x in enumerate(nodes)}
    edges = np.array([(index[a], index[b]) for a, b in U.edges()], dtype=np.int64).reshape(-1, 2)
    rng = np.random.default_rng(seed)
    total = np.zeros(n)
    import scipy.sparse as sp
    from scipy.sparse.csgraph import connected_components

    for _ in range(n_iter):
        keep = edges[rng.random(len(edges)) < p]
        A = sp.coo_matrix((np.ones(len(keep)), (keep[:, 0], keep[:, 1])), shape=(n, n))
        _, labels = connected_components(A, directed=False)
        sizes = np.bincount(labels)
        total += sizes[labels]
    return {x: float(total[i] / (n_iter * n)) for i, x in enumerate(nodes)}


def _bfs(U, s):
    """BFS from ``s``: distances, path counts, predecessor lists and visiting order."""
    dist = {s: 0}
    sigma = {s: 1}
    preds = {s: []}
    order = []
    q = deque([s])
    while q:
        v = q.popleft()
        order.append(v)
        for w in U[v]:
            if w not in dist:
                dist[w] = dist[v] + 1
                sigma[w] = 0
                preds[w] = []
                q.append(w)
            if dist[w] == dist[v] + 1:
                sigma[w] += sigma[v]
                preds[w].append(v)
    return dist, sigma, preds, order


def bottleneck(G):
    """BottleNeck: the number of sources ``s`` for which more than a quarter of the
    nodes of the shortest-path tree ``T_s`` lie in the subtree under ``v``.

    ``T_s`` is the BFS tree in which each node hangs under its first-discovered
    predecessor (cytoHubba does not say how ties are broken). The subtree size
    counts ``v`` itself; ``v = s`` is not counted.

    Examples
    --------
    >>> bottleneck(nx.path_graph(5))
    {0: 0.0, 1: 4.0, 2: 4.0, 3: 4.0, 4: 0.0}
    """
    U = _simple(G)
    out = {n: 0.0 for n in U}
    for s in U:
        dist, _, preds, order = _bfs(U, s)
        size = {v: 1 for v in order}
        for v in reversed(order[1:]):
            size[preds[v][0]] += size[v]
        limit = len(order) / 4.0
        for v in order[1:]:
            if size[v] > limit:
                out[v] += 1.0
    return out


def eccentricity(G):
    """EcCentricity: ``1 / max distance from v`` within v's component, scaled by the share of the
    other nodes v reaches (Wasserman & Faust): ``(n_v - 1) / (n - 1)``; 0 when isolated.

    Without the scaling a node of a two-node component (eccentricity 1) would
    outrank every hub of the main component.

    Examples
    --------
    >>> eccentricity(nx.path_graph(3))
    {0: 0.5, 1: 1.0, 2: 0.5}
    >>> G = nx.path_graph(3); G.add_edge("x", "y")
    >>> eccentricity(G)["x"] < eccentricity(G)[1]
    True
    """
    U = _simple(G)
    n = len(U)
    out = {}
    for v in U:
        reach = nx.single_source_shortest_path_length(U, v)
        ecc = max(reach.values())
        out[v] = (1.0 / ecc) * (len(reach) - 1) / (n - 1) if ecc > 0 else 0.0
    return out


def radiality(G):
    """Radiality: ``sum over reachable w of (D + 1 - d(v, w)) / (n - 1)``, with ``D`` the
    largest component diameter (Valente & Foreman 1998).

    Dividing by ``n - 1`` for every node, not by the size of its own component,
    keeps nodes of tiny components (which reach few others) from ranking at
    the top; within a connected graph the two are the same.

    Examples
    --------
    >>> radiality(nx.path_graph(3))
    {0: 1.5, 1: 2.0, 2: 1.5}
    """
    U = _simple(G)
    n = len(U)
    lengths = {v: nx.single_source_shortest_path_length(U, v) for v in U}
    diameter = max((max(d.values()) for d in lengths.values()), default=0)
    out = {}
    for v, d in lengths.items():
        if len(d) <= 1:
            out[v] = 0.0
            continue
        out[v] = float(sum(diameter + 1 - x for w, x in d.items() if w != v) / (n - 1))
    return out


def stress(G):
    """Stress (Shimbel 1953): the number of shortest paths that pass through ``v``.

    Counts unordered pairs ``{s, t}`` with ``s != v != t``.

    Examples
    --------
    >>> stress(nx.cycle_graph(4))
    {0: 1.0, 1: 1.0, 2: 1.0, 3: 1.0}
    """
    U = _simple(G)
    out = {n: 0.0 for n in U}
    for s in U:
        dist, sigma, preds, order = _bfs(U, s)
        # below[v]: number of shortest-path-DAG paths from v to nodes after it
        below = {v: 0 for v in order}
        for w in reversed(order):
            for v in preds[w]:
                below[v] += 1 + below[w]
        for v in order[1:]:
            out[v] += sigma[v] * below[v]
    return {n: x / 2.0 for n, x in out.items()}
