"""A projected network prepared once per ranking run, with engine-specific views.

The network is held as edge arrays (node index, weight); the networkx graphs
(the reference engine) and igraph graphs (C core, the same definitions) are
built from them on first use and reused by every method of the run.
"""

from __future__ import annotations

import os
import sys
from functools import cached_property

import networkx as nx
import numpy as np

from evgraph.analysis.arrays import graph_arrays
from evgraph.analysis.projection import project_arrays, to_distance, to_distances
from evgraph.errors import UnknownChoiceError

__all__ = ["ENGINES", "Network", "choose_engine"]

ENGINES = ("auto", "networkx", "igraph")
# Below this size the C engine's conversion cost outweighs its speed.
AUTO_IGRAPH_MIN_NODES = 50


def import_igraph():
    """Import igraph single-threaded and without its optional matplotlib drawing support.

    igraph imports matplotlib.pyplot at start-up when it is installed (1.5 s
    here), only for drawing, which evgraph never asks igraph to do. Its
    OpenMP code (PageRank) is held to one thread: parallel sums made scores
    differ in the last bits from run to run, and worker processes forked
    after the OpenMP runtime started deadlock in it. evgraph parallelises
    across processes instead (``n_jobs``).
    """
    if sys.modules.get("igraph") is not None:
        return sys.modules["igraph"]
    os.environ["OMP_NUM_THREADS"] = "1"  # read once, when igraph's C core loads
    blocked = [m for m in ("matplotlib", "matplotlib.pyplot") if m not in sys.modules]
    for m in blocked:
        sys.modules[m] = None  # makes `import matplotlib` fail inside igraph only
    try:
        import igraph
    finally:
        for m in blocked:
            sys.modules.pop(m, None)
    return igraph


def _has_igraph() -> bool:
    try:
        import_igraph()
    except ImportError:
        return False
    return True


def choose_engine(engine: str, n_nodes: int) -> str:
    """Resolve ``auto``: igraph when installed and the graph is not tiny, else networkx."""
    if engine not in ENGINES:
        raise UnknownChoiceError("engine", engine, ENGINES)
    if engine == "auto":
        return "igraph" if n_nodes >= AUTO_IGRAPH_MIN_NODES and _has_igraph() else "networkx"
    if engine == "igraph" and not _has_igraph():
        raise UnknownChoiceError("engine (python-igraph is not installed)", engine, ["networkx"])
    return engine


class Network:
    """A weighted directed network and its symmetrised (undirected) form.

    Build it from a projected ``DiGraph`` (``Network(P)``) or straight from the
    knowledge graph (:meth:`from_knowledge`, no intermediate graph).
    """

    def __init__(self, P: nx.DiGraph | None = None, engine: str = "auto", *, arrays=None):
        if arrays is None:
            nodes = list(P)
            index = {n: i for i, n in enumerate(nodes)}
            edges = list(P.edges(data=True))
            src = np.fromiter((index[u] for u, _, _ in edges), dtype=np.int64, count=len(edges))
            dst = np.fromiter((index[v] for _, v, _ in edges), dtype=np.int64, count=len(edges))
            w = np.fromiter((d.get("weight", 1.0) for _, _, d in edges), dtype=float, count=len(edges))
            types = [d.get("types", []) for _, _, d in edges]
            categories = [P.nodes[n].get("category") for n in nodes]
            arrays = (nodes, src, dst, w, types, categories)
            self._P = P
        else:
            self._P = None
        self.nodes, self.src, self.dst, self.weight, self.types, self.categories = arrays
        self.index = {n: i for i, n in enumerate(self.nodes)}
        self.engine = choose_engine(engine, len(self.nodes))

    @classmethod
    def from_knowledge(cls, G, engine="auto", *, arrays=None, **projection) -> "Network":
        """Project the knowledge graph (see :func:`~evgraph.analysis.projection.project`) into arrays.

        ``arrays``: :func:`~evgraph.analysis.arrays.graph_arrays` of ``G`` when already read.
        """
        A = graph_arrays(G) if arrays is None else arrays
        nodes, src, dst, w, types = project_arrays(G, arrays=A, **projection)
        cats = [A.categories[A.index[n]] for n in nodes]
        return cls(engine=engine, arrays=(nodes, src, dst, w, types, cats))

    def __contains__(self, node) -> bool:
        return node in self.index

    def __len__(self) -> int:
        return len(self.nodes)

    @cached_property
    def undirected_arrays(self):
        """Edges ``u < v`` with the weights of both directions summed; self-loops dropped."""
        keep = self.src != self.dst
        a, b, w = self.src[keep], self.dst[keep], self.weight[keep]
        lo, hi = np.minimum(a, b), np.maximum(a, b)
        n = max(len(self.nodes), 1)
        uniq, inverse = np.unique(lo * n + hi, return_inverse=True)
        return uniq // n, uniq % n, np.bincount(inverse, weights=w, minlength=len(uniq))

    @cached_property
    def P(self) -> nx.DiGraph:
        if self._P is not None:
            return self._P
        P = nx.DiGraph()
        P.add_nodes_from((n, {"category": c}) for n, c in zip(self.nodes, self.categories))
        for i, j, w, t in zip(self.src.tolist(), self.dst.tolist(), self.weight.tolist(), self.types):
            P.add_edge(self.nodes[i], self.nodes[j], weight=w, distance=to_distance(w), types=t)
        return P

    @cached_property
    def U(self) -> nx.Graph:
        U = nx.Graph()
        U.add_nodes_from((n, {"category": c}) for n, c in zip(self.nodes, self.categories))
        a, b, w = self.undirected_arrays
        U.add_edges_from((self.nodes[i], self.nodes[j], {"weight": x, "distance": to_distance(x)})
                         for i, j, x in zip(a.tolist(), b.tolist(), w.tolist()))
        return U

    @cached_property
    def ig_undirected(self):
        ig = import_igraph()

        a, b, w = self.undirected_arrays
        g = ig.Graph(n=len(self.nodes), edges=list(zip(a.tolist(), b.tolist())), directed=False)
        g.es["weight"] = w.tolist()
        g.es["distance"] = to_distances(w).tolist()
        return g

    @cached_property
    def ig_directed(self):
        ig = import_igraph()

        g = ig.Graph(n=len(self.nodes), edges=list(zip(self.src.tolist(), self.dst.tolist())), directed=True)
        g.es["weight"] = self.weight.tolist()
        return g

    def degree_arrays(self):
        """Weighted (in, out) degree as arrays."""
        n = len(self.nodes)
        return (np.bincount(self.dst, weights=self.weight, minlength=n),
                np.bincount(self.src, weights=self.weight, minlength=n))

    def as_dict(self, values) -> dict:
        out = {}
        for n, v in zip(self.nodes, values):
            v = float(v)
            out[n] = 0.0 if v != v else v
        return out
