"""The registry of ranking methods: name, score column, direction and reference."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from evgraph.analysis import centrality as c
from evgraph.analysis import cytohubba as h
from evgraph.errors import InputError, UnknownChoiceError

__all__ = ["Method", "METHODS", "DEFAULT_METHODS", "get_method", "run_method"]


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


def _betweenness(net, seed=None, k=None, sampled=False, **_):
    if sampled:
        return c.betweenness(net.U, k=k or 100, seed=seed)
    if _ig(net):
        return net.as_dict(net.ig_undirected.betweenness(directed=False, weights="distance"))
    return c.betweenness(net.U)


def _closeness(net, **_):
    if _ig(net):
        g = net.ig_undirected
        vals = g.closeness(weights="distance", normalized=True)
        return {n: v * DISTANCE_UNIT for n, v in net.as_dict(vals).items()}
    return {n: v * DISTANCE_UNIT for n, v in c.closeness(net.U).items()}


def _harmonic(net, **_):
    if _ig(net):
        vals = net.ig_undirected.harmonic_centrality(weights="distance", normalized=False)
        return {n: v * DISTANCE_UNIT for n, v in net.as_dict(vals).items()}
    return {n: v * DISTANCE_UNIT for n, v in c.harmonic(net.U).items()}


def _pagerank(net, seeds=None, **_):
    if seeds is not None:
        present = [s for s in seeds if s in net.P]
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
        _m("degree", lambda net, **k: c.degree(net.P), "Freeman 1978, Soc Networks 1:215",
           "weighted total degree: evidence-weighted number of links"),
        _m("in_degree", lambda net, **k: c.in_degree(net.P), "Freeman 1978, Soc Networks 1:215",
           "weighted in-degree"),
        _m("out_degree", lambda net, **k: c.out_degree(net.P), "Freeman 1978, Soc Networks 1:215",
           "weighted out-degree"),
        _m("betweenness", _betweenness, "Brandes 2001, J Math Sociol 25:163",
           "exact shortest-path betweenness, distances 1/weight"),
        _m("betweenness_sampled", lambda net, **k: _betweenness(net, sampled=True, **k),
           "Brandes & Pich 2007, Int J Bifurc Chaos 17:2303",
           "betweenness estimated from k sampled sources (default 100)", random=True),
        _m("closeness", _closeness, "Freeman 1978, Soc Networks 1:215",
           "closeness within the node's component, distances 1/weight"),
        _m("harmonic", _harmonic, "Boldi & Vigna 2014, Internet Math 10:222",
           "sum of inverse distances"),
        _m("katz", lambda net, **k: c.katz(net.U), "Katz 1953, Psychometrika 18:39",
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
           "EcCentricity (1 / eccentricity)"),
        _m("radiality", lambda net, **k: h.radiality(net.U), "Valente & Foreman 1998, Soc Networks 20:89",
           "Radiality"),
        _m("stress", lambda net, **k: h.stress(net.U), "Shimbel 1953, Bull Math Biophys 15:501",
           "number of shortest paths through the node"),
    ]
}

DEFAULT_METHODS = ("degree", "betweenness", "closeness", "pagerank", "katz")


def get_method(name: str) -> Method:
    try:
        return METHODS[name]
    except KeyError:
        raise UnknownChoiceError("method", name, METHODS) from None


def run_method(net, name: str, *, seed=None, seeds=None, k=None) -> dict:
    """Run one registered method on a prepared :class:`~evgraph.analysis.network.Network`.

    A plain projected ``DiGraph`` is accepted too (prepared with the auto engine).
    """
    from evgraph.analysis.network import Network

    if not isinstance(net, Network):
        net = Network(net)
    m = get_method(name)
    if m.needs_seeds and not seeds:
        raise InputError(f"method {name!r} needs context seeds: give a cancer, a phenotype, a cell type or node ids")
    return m.func(net, seed=seed, seeds=seeds, k=k)
