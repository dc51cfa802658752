"""The registry of ranking methods: name, score column, direction and reference."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from evgraph.analysis import centrality as c
from evgraph.analysis import cytohubba as h
from evgraph.errors import InputError, UnknownChoiceError

__all__ = ["Method", "METHODS", "DEFAULT_METHODS", "LARGE_GRAPH_WORK", "LARGE_SUBSTITUTES", "get_method",
           "run_method", "run_methods"]


@dataclass(frozen=True)
class Method:
    """A registered centrality method.

    ``func(net, seed=..., seeds=..., k=...)`` returns ``{node: score}`` for a
    prepared :class:`~evgraph.analysis.network.Network`; ``higher_is_better``
    gives the direction.
    """

    name: str
    column: str
    func: Callable
    reference: str
    description: str
    higher_is_better: bool = True
    random: bool = False
    needs_seeds: bool = False


def _m(name, func, reference, description, **kw) -> Method:
    return Method(name=name, column=f"{name}_score", func=func, reference=reference, description=description, **kw)


# distances are stored in millionths (see projection.to_distance); scale back for display
DISTANCE_UNIT = 1e6


def _ig(net):
    return net.engine == "igraph"


SAMPLED_SOURCES = 256


# When k is not given, fewer sources on very large graphs: k * edges stays near this budget.
SAMPLED_WORK = 3e7


def _sample(net, k, seed):
    import numpy as np

    n = len(net.nodes)
    if not k:
        k = int(min(SAMPLED_SOURCES, max(32, SAMPLED_WORK / max(len(net.src), 1))))
    k = min(k, n)
    return sorted(np.random.default_rng(seed).choice(n, size=k, replace=False).tolist()), k


# Sampled sources are processed in this many parts, always the same, so the parts can run
# side by side (run_methods) and still add up to the same bits whatever n_jobs is.
SOURCE_PARTS = 4


def _parts(sources) -> list[list[int]]:
    cut = [len(sources) * i // SOURCE_PARTS for i in range(SOURCE_PARTS + 1)]
    return [sources[a:b] for a, b in zip(cut[:-1], cut[1:])]


def _betweenness_part(net, sources):
    """Betweenness summed over paths from ``sources`` only (additive over disjoint sources)."""
    import numpy as np

    if _ig(net):
        return np.asarray(net.ig_undirected.betweenness(directed=False, weights="distance", sources=sources,
                                                        targets=None), dtype=float)
    import networkx as nx

    sub = nx.betweenness_centrality_subset(net.U, [net.nodes[i] for i in sources], list(net.U),
                                           normalized=False, weight="distance")
    return np.array([sub[x] for x in net.nodes], dtype=float)


def _betweenness(net, seed=None, k=None, sampled=False, parts=None, **_):
    if sampled:
        sources, k = _sample(net, k, seed)
        done = parts if parts is not None else [_betweenness_part(net, p) for p in _parts(sources)]
        vals = done[0]
        for part in done[1:]:
            vals = vals + part
        # Brandes & Pich: scale the k-source sum to all n sources (with every source it is exact)
        n = len(net.nodes)
        return {x: v * n / k for x, v in net.as_dict(vals).items()}
    if _ig(net):
        return net.as_dict(net.ig_undirected.betweenness(directed=False, weights="distance"))
    return c.betweenness(net.U)


def _reach_share(net):
    """``(r - 1) / (n - 1)`` per node, ``r`` the size of its component: the Wasserman-Faust scaling."""
    import numpy as np
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    n = len(net.nodes)
    a, b, _ = net.undirected_arrays
    _, label = connected_components(coo_matrix((np.ones(len(a)), (a, b)), shape=(n, n)), directed=False)
    size = np.bincount(label)[label]
    return (size - 1) / max(n - 1, 1)


def _closeness(net, **_):
    if _ig(net):
        import numpy as np

        g = net.ig_undirected
        # igraph averages over the nodes each node reaches; scale as networkx's wf_improved does
        vals = np.nan_to_num(np.asarray(g.closeness(weights="distance", normalized=True), dtype=float))
        return {n: v * DISTANCE_UNIT for n, v in net.as_dict(vals * _reach_share(net)).items()}
    return {n: v * DISTANCE_UNIT for n, v in c.closeness(net.U).items()}


def _distances_part(net, sources):
    """Shortest-path distances from ``sources`` (rows) to every node."""
    import numpy as np

    if _ig(net):
        return np.asarray(net.ig_undirected.distances(source=sources, weights="distance"), dtype=float).reshape(
            len(sources), len(net.nodes))
    import networkx as nx

    d = np.full((len(sources), len(net.nodes)), np.inf)
    for row, s in enumerate(sources):
        for node, dist in nx.single_source_dijkstra_path_length(net.U, net.nodes[s], weight="distance").items():
            d[row, net.index[node]] = dist
    return d


def _sampled_distances(net, k, seed, parts=None):
    import numpy as np

    sources, k = _sample(net, k, seed)
    d = np.vstack(parts if parts is not None else [_distances_part(net, p) for p in _parts(sources)])
    d[d == 0] = np.inf  # a source is not at distance 0 from itself for these averages
    return d / DISTANCE_UNIT, k


def _closeness_sampled(net, seed=None, k=None, parts=None, **_):
    """Closeness estimated from k sampled sources (Eppstein & Wang 2004): the inverse of the
    mean distance to the sampled sources that reach the node, scaled by the share of the other
    nodes it reaches (Wasserman-Faust, as :func:`_closeness`)."""
    import numpy as np

    d, _ = _sampled_distances(net, k, seed, parts)
    finite = np.isfinite(d)
    counts = finite.sum(axis=0)
    sums = np.where(finite, d, 0.0).sum(axis=0)
    vals = np.where(counts > 0, counts / np.where(sums > 0, sums, 1.0), 0.0)
    return net.as_dict(vals * _reach_share(net))


def _harmonic_sampled(net, seed=None, k=None, parts=None, **_):
    """Harmonic centrality estimated from k sampled sources, scaled to all n."""
    d, k = _sampled_distances(net, k, seed, parts)
    return net.as_dict((1.0 / d).sum(axis=0) * len(net.nodes) / k)


def _harmonic(net, **_):
    if _ig(net):
        vals = net.ig_undirected.harmonic_centrality(weights="distance", normalized=False)
        return {n: v * DISTANCE_UNIT for n, v in net.as_dict(vals).items()}
    return {n: v * DISTANCE_UNIT for n, v in c.harmonic(net.U).items()}


def _pagerank(net, seeds=None, **_):
    if seeds is not None:
        present = [s for s in seeds if s in net]
        if not present:
            raise InputError("none of the context seed nodes is in the (restricted) graph")
    if _ig(net):
        g = net.ig_undirected
        reset = None
        if seeds is not None:
            chosen = set(present)
            reset = [1.0 if n in chosen else 0.0 for n in net.nodes]
        return net.as_dict(g.personalized_pagerank(damping=0.85, weights="weight", reset=reset,
                                                   implementation="prpack"))
    if seeds is not None:
        return c.personalized_pagerank(net.U, present)
    return c.pagerank(net.U)


METHODS: dict[str, Method] = {
    m.name: m
    for m in [
        _m("degree", lambda net, **k: net.as_dict(sum(net.degree_arrays())), "Freeman 1978, Soc Networks 1:215",
           "weighted total degree: evidence-weighted number of links"),
        _m("in_degree", lambda net, **k: net.as_dict(net.degree_arrays()[0]), "Freeman 1978, Soc Networks 1:215",
           "weighted in-degree"),
        _m("out_degree", lambda net, **k: net.as_dict(net.degree_arrays()[1]), "Freeman 1978, Soc Networks 1:215",
           "weighted out-degree"),
        _m("betweenness", _betweenness, "Brandes 2001, J Math Sociol 25:163",
           "exact shortest-path betweenness, distances 1/weight"),
        _m("betweenness_sampled", lambda net, **k: _betweenness(net, sampled=True, **k),
           "Brandes & Pich 2007, Int J Bifurc Chaos 17:2303",
           f"betweenness estimated from k sampled sources ({SAMPLED_SOURCES}, fewer above 10^5 edges)",
           random=True),
        _m("closeness_sampled", _closeness_sampled, "Eppstein & Wang 2004, J Graph Algorithms Appl 8:39",
           f"closeness estimated from {SAMPLED_SOURCES} sampled sources, Wasserman-Faust scaled", random=True),
        _m("harmonic_sampled", _harmonic_sampled, "Eppstein & Wang 2004, J Graph Algorithms Appl 8:39",
           f"harmonic centrality estimated from {SAMPLED_SOURCES} sampled sources", random=True),
        _m("closeness", _closeness, "Freeman 1978, Soc Networks 1:215; Wasserman & Faust 1994, Social Network Analysis",
           "closeness, distances 1/weight, scaled by the share of nodes reached (Wasserman-Faust 1994)"),
        _m("harmonic", _harmonic, "Boldi & Vigna 2014, Internet Math 10:222",
           "sum of inverse distances"),
        _m("katz", lambda net, **k: c.katz_arrays(len(net.nodes), *net.undirected_arrays, net.nodes),
           "Katz 1953, Psychometrika 18:39",
           "Katz centrality, attenuation 0.5/max weighted degree (defined on disconnected graphs)"),
        _m("eigenvector", lambda net, **k: c.eigenvector(net.U), "Bonacich 1972, J Math Sociol 2:113",
           "eigenvector centrality per component, scaled by component size"),
        _m("pagerank", lambda net, **k: _pagerank(net), "Brin & Page 1998, Comput Netw ISDN Syst 30:107",
           "PageRank, damping 0.85, weighted"),
        _m("ppr", lambda net, seeds=None, **k: _pagerank(net, seeds=list(seeds or [])),
           "Haveliwala 2002, Proc WWW 11:517",
           "personalised PageRank restarting at the context seeds", needs_seeds=True),
        _m("hits_hub", lambda net, **k: c.hits_hub(net.P), "Kleinberg 1999, J ACM 46:604",
           "HITS hub score (directed)"),
        _m("hits_authority", lambda net, **k: c.hits_authority(net.P), "Kleinberg 1999, J ACM 46:604",
           "HITS authority score (directed)"),
        _m("mcc", lambda net, **k: h.mcc(net.U), "Chin et al. 2014, BMC Syst Biol 8(S4):S11",
           "Maximal Clique Centrality"),
        _m("dmnc", lambda net, **k: h.dmnc(net.U), "Lin et al. 2008, BMC Syst Biol 2:94; Chin et al. 2014",
           "Density of Maximum Neighborhood Component"),
        _m("mnc", lambda net, **k: h.mnc(net.U), "Lin et al. 2008, BMC Syst Biol 2:94",
           "Maximum Neighborhood Component"),
        _m("epc", lambda net, seed=None, **k: h.epc(net.U, seed=seed, n_iter=200),
           "Chin et al. 2014, BMC Syst Biol 8(S4):S11", "Edge Percolated Component (200 draws, p = 0.5)",
           random=True),
        _m("bottleneck", lambda net, **k: h.bottleneck(net.U), "Przulj et al. 2004, Bioinformatics 20:340",
           "BottleNeck"),
        _m("eccentricity", lambda net, **k: h.eccentricity(net.U), "Hage & Harary 1995, Soc Networks 17:57",
           "EcCentricity (1 / eccentricity), Wasserman-Faust scaled"),
        _m("radiality", lambda net, **k: h.radiality(net.U), "Valente & Foreman 1998, Soc Networks 20:89",
           "Radiality, divided by n - 1 for every node"),
        _m("stress", lambda net, **k: h.stress(net.U), "Shimbel 1953, Bull Math Biophys 15:501",
           "number of shortest paths through the node"),
    ]
}

DEFAULT_METHODS = ("degree", "betweenness", "closeness", "pagerank", "katz")
# Exact betweenness and closeness cost O(n m); above this n * m the defaults give way to estimates
# from sampled sources (2e7 is about 2 s of exact weighted betweenness with igraph on 2 cores).
LARGE_GRAPH_WORK = 2e7
LARGE_SUBSTITUTES = {"betweenness": "betweenness_sampled", "closeness": "closeness_sampled",
                     "harmonic": "harmonic_sampled"}


def get_method(name: str) -> Method:
    try:
        return METHODS[name]
    except KeyError:
        raise UnknownChoiceError("method", name, METHODS) from None


def run_method(net, name: str, *, seed=None, seeds=None, k=None, parts=None) -> dict:
    """Run one registered method on a prepared :class:`~evgraph.analysis.network.Network`.

    A plain projected ``DiGraph`` is accepted too (prepared with the auto engine).
    """
    from evgraph.analysis.network import Network

    if not isinstance(net, Network):
        net = Network(net)
    m = get_method(name)
    if m.needs_seeds and not seeds:
        raise InputError(f"method {name!r} needs context seeds: give a cancer, a phenotype, a cell type or node ids")
    if parts is not None:  # partial results computed elsewhere (run_methods)
        return m.func(net, seed=seed, seeds=seeds, k=k, parts=parts)
    return m.func(net, seed=seed, seeds=seeds, k=k)


_SHARED: dict = {}
# Methods whose sampled sources split into parts that run side by side: the part's function.
_SPLIT = {"betweenness_sampled": _betweenness_part, "closeness_sampled": _distances_part,
          "harmonic_sampled": _distances_part}


def _run_task(task):
    name, sources = task
    s = _SHARED
    if sources is None:
        return run_method(s["net"], name, seed=s["seed"], seeds=s["seeds"])
    return _SPLIT[name](s["net"], sources)


def run_methods(net, names, *, seed=None, seeds=None, n_jobs=1) -> dict:
    """``{name: scores}`` of several methods; with ``n_jobs > 1`` they run side by side.

    Sampled methods run as :data:`SOURCE_PARTS` tasks over parts of their
    sources. Worker processes are forked after the engine's graph is built,
    so they share it instead of copying it; each task gets the same arguments
    as in one process and parts are added up in a fixed order, so the scores
    do not depend on ``n_jobs``.
    """
    names = list(names)
    if n_jobs is None or n_jobs <= 1 or len(names) < 2:
        return {name: run_method(net, name, seed=seed, seeds=seeds) for name in names}
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    tasks = []
    for name in names:
        if name in _SPLIT:
            tasks += [(name, part) for part in _parts(_sample(net, None, seed)[0])]
        else:
            tasks.append((name, None))
    # the path-based parts cost most: start them first
    tasks.sort(key=lambda t: t[1] is None)
    if _ig(net):
        net.ig_undirected  # noqa: B018 -- built once here, inherited by every worker
    _SHARED.update(net=net, seed=seed, seeds=seeds)
    try:
        with ProcessPoolExecutor(max_workers=min(n_jobs, len(tasks)),
                                 mp_context=multiprocessing.get_context("fork")) as pool:
            results = list(pool.map(_run_task, tasks))
    finally:
        _SHARED.clear()
    out, parts = {}, {}
    for (name, sources), result in zip(tasks, results):
        if sources is None:
            out[name] = result
        else:
            parts.setdefault(name, []).append(result)  # tasks keep their part order within a name
    for name, done in parts.items():
        out[name] = run_method(net, name, seed=seed, seeds=seeds, parts=done)
    return {name: out[name] for name in names}
