"""A projected network prepared once per ranking run, with engine-specific copies.

The networkx graph is the reference; an igraph copy (C core, the same
definitions) is made once, on first use, and reused by every method,
bootstrap replicate and permutation of the run.
"""

from __future__ import annotations

from functools import cached_property

import networkx as nx

from evgraph.analysis.centrality import undirected
from evgraph.errors import UnknownChoiceError

__all__ = ["ENGINES", "Network", "choose_engine"]

ENGINES = ("auto", "networkx", "igraph")
# Below this size the C engine's conversion cost outweighs its speed.
AUTO_IGRAPH_MIN_NODES = 50


def _has_igraph() -> bool:
    try:
        import igraph  # noqa: F401
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
    """The weighted projected ``DiGraph`` plus lazily built views of it.

    Parameters
    ----------
    P : networkx.DiGraph
        Edges carry ``weight`` (evidence) and ``distance`` (``1/weight``).
    engine : {"auto", "networkx", "igraph"}
    """

    def __init__(self, P: nx.DiGraph, engine: str = "auto"):
        self.P = P
        self.engine = choose_engine(engine, P.number_of_nodes())

    @cached_property
    def U(self) -> nx.Graph:
        return undirected(self.P)

    @cached_property
    def nodes(self) -> list:
        return list(self.P)

    @cached_property
    def ig_undirected(self):
        return self._to_igraph(self.U, directed=False)

    @cached_property
    def ig_directed(self):
        return self._to_igraph(self.P, directed=True)

    def _to_igraph(self, H, directed):
        import igraph as ig

        index = {n: i for i, n in enumerate(self.nodes)}
        edges = [(index[u], index[v]) for u, v in H.edges()]
        g = ig.Graph(n=len(self.nodes), edges=edges, directed=directed)
        g.es["weight"] = [d["weight"] for _, _, d in H.edges(data=True)]
        g.es["distance"] = [d["distance"] for _, _, d in H.edges(data=True)]
        return g

    def as_dict(self, values) -> dict:
        out = {}
        for n, v in zip(self.nodes, values):
            v = float(v)
            out[n] = 0.0 if v != v else v
        return out
