"""Centrality methods on the projected network (thin, documented wrappers of networkx).

Every function takes the projected ``DiGraph`` first and returns ``{node: float}``.
Undirected methods symmetrise the graph, summing the weights of opposite edges.
"""

from __future__ import annotations

import networkx as nx
import numpy as np

from evgraph.analysis.projection import to_distance

__all__ = [
    "undirected",
    "degree",
    "in_degree",
    "out_degree",
    "betweenness",
    "closeness",
    "harmonic",
    "katz",
    "katz_arrays",
    "eigenvector",
    "pagerank",
    "personalized_pagerank",
    "hits_hub",
    "hits_authority",
]


def undirected(G) -> nx.Graph:
    """Symmetrise a weighted digraph: weights of ``u->v`` and ``v->u`` are summed.

    Self-loops are dropped: they lie on no path between two nodes, and
    engines disagree on how much a loop adds to a node's degree.

    Examples
    --------
    >>> D = nx.DiGraph([("a", "b", {"weight": 1.0}), ("b", "a", {"weight": 2.0})])
    >>> undirected(D)["a"]["b"]["weight"]
    3.0
    """
    if not G.is_directed() and nx.number_of_selfloops(G) == 0:
        return G
    U = nx.Graph()
    U.add_nodes_from(G.nodes(data=True))
    for u, v, d in G.edges(data=True):
        if u == v:
            continue
        w = d.get("weight", 1.0)
        if U.has_edge(u, v):
            U[u][v]["weight"] += w
        else:
            U.add_edge(u, v, weight=w)
    for _, _, d in U.edges(data=True):
        d["distance"] = to_distance(d["weight"])
    return U


def _floats(d) -> dict:
    return {n: float(v) for n, v in d.items()}


def degree(G, *, weight="weight"):
    """Total (in + out) weighted degree.

    Examples
    --------
    >>> degree(nx.DiGraph([(1, 2), (2, 3)]), weight=None)
    {1: 1.0, 2: 2.0, 3: 1.0}
    """
    return _floats(dict(G.degree(weight=weight)))


def in_degree(G, *, weight="weight"):
    """Weighted in-degree: how much evidence points at a node."""
    return _floats(dict(G.in_degree(weight=weight)))


def out_degree(G, *, weight="weight"):
    """Weighted out-degree: how much evidence leaves a node."""
    return _floats(dict(G.out_degree(weight=weight)))


def betweenness(G, *, k=None, seed=None, distance="distance", directed=False):
    """Shortest-path betweenness (Brandes 2001); sampled with ``k`` sources if given.

    Examples
    --------
    >>> betweenness(nx.path_graph(3), distance=None)
    {0: 0.0, 1: 1.0, 2: 0.0}
    """
    H = G if directed else undirected(G)
    if k is not None and k >= len(H):
        k = None
    return _floats(nx.betweenness_centrality(H, k=k, seed=seed, weight=distance, normalized=False))


def closeness(G, *, distance="distance"):
    """Closeness (Freeman) with the Wasserman-Faust correction for disconnected graphs.

    Within its component a node's closeness is ``(r - 1) / sum of distances``
    to the ``r - 1`` nodes it reaches; it is then scaled by the share of the
    other nodes it reaches, ``(r - 1) / (n - 1)`` (Wasserman & Faust 1994),
    so the two nodes of an isolated pair do not outrank the hubs of the main
    component. On a connected graph the scaling is 1.

    Examples
    --------
    >>> closeness(nx.path_graph(3), distance=None)[1]
    1.0
    >>> G = nx.path_graph(3); G.add_edge("x", "y")
    >>> closeness(G, distance=None)["x"], closeness(G, distance=None)[1]
    (0.25, 0.5)
    """
    return _floats(nx.closeness_centrality(undirected(G), distance=distance, wf_improved=True))


def harmonic(G, *, distance="distance"):
    """Harmonic centrality: the sum of inverse distances (works on disconnected graphs)."""
    return _floats(nx.harmonic_centrality(undirected(G), distance=distance))


def katz(G, *, alpha=0.5, weight="weight", tol=1e-12, max_iter=10_000):
    """Katz centrality on the symmetrised graph (Katz 1953).

    Katz counts walks of every length with attenuation, so unlike plain
    eigenvector centrality it is well defined on disconnected graphs and
    gives every component non-zero scores. The attenuation is
    ``alpha / d_max`` with ``d_max`` the largest weighted degree: ``d_max``
    bounds the spectral radius, so the series converges for any
    ``alpha < 1`` without an eigenvalue computation. It is summed by Jacobi
    iteration ``x <- a A x + 1`` on edge arrays (no sparse-matrix library
    needed), which converges geometrically with ratio at most ``alpha``.
    Scores (walks of length >= 1) are normalised to unit Euclidean length.

    Examples
    --------
    >>> s = katz(nx.path_graph(3))
    >>> s[1] > s[0] and round(s[0], 9) == round(s[2], 9)
    True
    """
    U = undirected(G)
    nodes = list(U)
    index = {v: i for i, v in enumerate(nodes)}
    src = np.fromiter((index[u] for u, _ in U.edges()), dtype=np.int64, count=U.number_of_edges())
    dst = np.fromiter((index[v] for _, v in U.edges()), dtype=np.int64, count=U.number_of_edges())
    w = np.fromiter((d.get(weight, 1.0) if weight else 1.0 for _, _, d in U.edges(data=True)), dtype=float,
                    count=U.number_of_edges())
    return katz_arrays(len(nodes), src, dst, w, nodes, alpha=alpha, tol=tol, max_iter=max_iter)


def katz_arrays(n, src, dst, w, nodes, *, alpha=0.5, tol=1e-12, max_iter=10_000):
    """Katz centrality from undirected edge arrays (each edge once); see :func:`katz`."""
    if n == 0:
        return {}
    if not 0 < alpha < 1:
        raise ValueError("alpha must be in (0, 1)")
    s = np.concatenate([src, dst])
    t = np.concatenate([dst, src])
    ww = np.concatenate([w, w])
    dmax = float(np.bincount(t, weights=ww, minlength=n).max()) if len(ww) else 0.0
    att = alpha / dmax if dmax > 0 else alpha
    ones = np.ones(n)
    x = ones.copy()
    for _ in range(max_iter):
        new = att * np.bincount(t, weights=ww * x[s], minlength=n) + ones
        done = np.abs(new - x).max() < tol
        x = new
        if done:
            break
    x = x - 1.0
    x = np.where(np.abs(x) < 1e-15, 0.0, x)
    norm = np.linalg.norm(x)
    if norm > 0:
        x = x / norm
    return {v: float(val) for v, val in zip(nodes, x)}


def eigenvector(G, *, weight="weight"):
    """Eigenvector centrality per connected component, scaled by component size.

    Each component's principal eigenvector is computed separately (the
    plain method is undefined across components) and scaled by the
    component's share of nodes, so a hub of a tiny component cannot outrank
    a hub of the main one.
    """
    U = undirected(G)
    out = {}
    n = len(U)
    for comp in nx.connected_components(U):
        if len(comp) == 1:
            out.update({c: 0.0 for c in comp})
            continue
        H = U.subgraph(comp)
        nodes = list(H)
        A = nx.to_numpy_array(H, nodelist=nodes, weight=weight)
        vals, vecs = np.linalg.eigh(A)
        v = np.abs(vecs[:, -1])
        v = v / v.sum()
        out.update({c: float(x * len(comp) / n) for c, x in zip(nodes, v)})
    return out


def pagerank(G, *, alpha=0.85, weight="weight", personalization=None):
    """PageRank (Brin & Page 1998) on the symmetrised, weighted graph.

    Examples
    --------
    >>> s = pagerank(nx.star_graph(3))
    >>> max(s, key=s.get)
    0
    """
    U = undirected(G)
    if len(U) == 0:
        return {}
    # A tight tolerance makes the reference engine agree with igraph's exact solver.
    return _floats(nx.pagerank(U, alpha=alpha, weight=weight, personalization=personalization,
                               tol=1e-12, max_iter=10_000))


def personalized_pagerank(G, seeds, *, alpha=0.85, weight="weight"):
    """Random walk with restart from context ``seeds`` (Haveliwala 2002).

    Restart mass is spread evenly over the seeds that are in the graph.
    """
    present = [s for s in seeds if s in G]
    if not present:
        raise ValueError("none of the context seed nodes is in the graph")
    return pagerank(G, alpha=alpha, weight=weight, personalization={s: 1.0 for s in present})


def _hits(G):
    if G.number_of_edges() == 0:
        zero = {n: 0.0 for n in G}
        return zero, zero
    nodes = list(G)
    A = nx.to_scipy_sparse_array(G, nodelist=nodes, weight="weight", format="csr").astype(float)
    # Hubs are the principal eigenvector of A A^T, authorities of A^T A (Kleinberg 1999).
    import scipy.sparse.linalg as sla

    def principal(M):
        if M.shape[0] < 64:
            vals, vecs = np.linalg.eigh(M.toarray())
            v = vecs[:, -1]
        else:
            vals, vecs = sla.eigsh(M, k=1, which="LA", tol=1e-8, maxiter=10000)
            v = vecs[:, 0]
        v = np.abs(v)
        s = v.sum()
        return v / s if s > 0 else v

    hubs = principal((A @ A.T).tocsr())
    auth = principal((A.T @ A).tocsr())
    return ({n: float(x) for n, x in zip(nodes, hubs)}, {n: float(x) for n, x in zip(nodes, auth)})


def hits_hub(G):
    """HITS hub score on the directed graph: nodes that point at good authorities."""
    return _hits(G)[0]


def hits_authority(G):
    """HITS authority score on the directed graph: nodes pointed at by good hubs."""
    return _hits(G)[1]
