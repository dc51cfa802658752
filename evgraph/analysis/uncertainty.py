"""Uncertainty of ranks: a bootstrap over the evidence and a degree-preserving null.

Both are seeded through :class:`numpy.random.SeedSequence`: replicate ``i``
always gets the ``i``-th child seed, so results do not depend on how many
worker processes share the work.
"""

from __future__ import annotations

from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass

import networkx as nx
import numpy as np

from evgraph.analysis.rewire import type_groups, xswap_arrays

__all__ = ["Bootstrap", "bootstrap_papers", "bootstrap_ranks", "bh_qvalues", "draw_papers", "permutation_pvalues",
           "xswap"]

_STATE: dict = {}


def _child_seeds(seed, n) -> list[int]:
    return [int(s.generate_state(1)[0]) for s in np.random.SeedSequence(seed).spawn(n)]


def _map(func, jobs, n_jobs, state):
    """Run ``func`` over ``jobs`` in order, in ``n_jobs`` processes sharing ``state``."""
    if n_jobs is None or n_jobs <= 1 or len(jobs) < 2:
        _STATE.clear()
        _STATE.update(state)
        return [func(j) for j in jobs]
    with ProcessPoolExecutor(max_workers=n_jobs, initializer=_init, initargs=(state,)) as pool:
        return list(pool.map(func, jobs, chunksize=max(1, len(jobs) // (4 * n_jobs))))


def _init(state):
    _STATE.clear()
    _STATE.update(state)


def bootstrap_papers(A, *, include_biomarkers=False) -> np.ndarray:
    """The evidence units a bootstrap resamples: the papers cited by edges that enter the projection.

    Returns paper indices into ``A.papers``. Papers cited only by edges the
    projection leaves out (biomarker claims, by default) would be drawn to no
    effect, so they are not resampled.
    """
    from evgraph.analysis.projection import EXCLUDED_CATEGORIES

    keep = ~A.category_mask(set() if include_biomarkers else EXCLUDED_CATEGORIES)
    entering = keep[A.src] & keep[A.dst]
    owner = np.repeat(np.arange(len(A.src)), np.diff(A.unit_ptr))
    return np.unique(A.unit_idx[entering[owner]])


def draw_papers(papers, n_papers, rng) -> np.ndarray:
    """A Bayesian-bootstrap weight for each of ``n_papers`` papers (Rubin 1981).

    The resampled ``papers`` get weights ``m * Dirichlet(1, ..., 1)`` (``m`` of
    them: exponential draws scaled to sum to ``m``), the continuous version of
    counting how often each is drawn in ``m`` draws with replacement; every
    other paper keeps weight 1. Weights have mean 1 and are never exactly 0,
    so no candidate loses all its evidence in a replicate only because its one
    paper was not drawn, which with whole draws sends single-paper candidates
    to a tie at the bottom and lifts the lowest-ranked point estimates out of
    their own intervals.
    """
    weights = np.ones(n_papers)
    if len(papers):
        w = rng.exponential(1.0, size=len(papers))
        weights[papers] = w * (len(papers) / w.sum())
    return weights


def _replicate_ranks(counts):
    """Consensus ranks of the candidates when paper ``i`` counts ``counts[i]`` times."""
    from evgraph.analysis.network import Network
    from evgraph.analysis.projection import unit_weights
    from evgraph.analysis.scoring import score_candidates

    s = _STATE
    A = s["arrays"]
    net = Network.from_knowledge(None, s["engine"], arrays=A, units=unit_weights(A, counts), groups=s["groups"],
                                 level_weights=s["level_weights"], include_biomarkers=s["include_biomarkers"])
    # method randomness (sampled sources, EPC draws) is the point estimate's: only the evidence varies
    final = score_candidates(net, s["cands"], s["methods"], seeds=s["seeds"], seed=s["seed"],
                             consensus=s["consensus"]).final
    return [final[c] for c in s["cands"]]


def _bootstrap_one(child_seed):
    s = _STATE
    rng = np.random.default_rng(child_seed)
    return _replicate_ranks(draw_papers(s["papers"], len(s["arrays"].papers), rng))


@dataclass
class Bootstrap:
    """Rank intervals and top-k frequencies over bootstrap replicates (see :func:`bootstrap_ranks`)."""

    low: dict
    high: dict
    top_k: dict
    k: int
    n: int
    n_papers: int
    runs: np.ndarray


def bootstrap_ranks(H, cands, methods, *, n=100, seed=0, ci=0.95, seeds=None, consensus="rra",
                    engine="auto", level_weights=None, include_biomarkers=False, n_jobs=1, arrays=None,
                    groups=None, k=10, counts=None) -> Bootstrap:
    """Rank intervals from a Bayesian bootstrap over the papers behind the evidence.

    The evidence unit is the paper: every edge that cites papers (communication
    records, EV-machinery and drug rows, database references) is weighed from
    its papers (:func:`~evgraph.analysis.projection.edge_weights`). A replicate
    gives each paper a random weight (:func:`draw_papers`: mean 1, the smooth
    form of resampling papers with replacement); an edge sums its papers'
    weights in place of their count. Layers that cite no papers
    (identifier mappings, pathway membership, STRING) stay fixed. Candidates
    are ranked exactly as in the point estimate (same methods, method seed and
    tie-breaking), so a replicate that draws every paper once reproduces it.

    Parameters
    ----------
    H : networkx.MultiDiGraph
        The (restricted) knowledge graph; not read when ``arrays`` is given.
    cands, methods : list
        The candidates (network node ids) and the methods of the point estimate.
    n : int, optional (default=100)
        Replicates. ``counts`` (one array of paper counts per replicate)
        replaces the random draws, for tests and leave-one-out designs.
    seed : int, optional (default=0)
        Replicate ``i`` draws with the ``i``-th child of ``SeedSequence(seed)``;
        the methods use ``seed`` itself, as in the point estimate.
    ci : float, optional (default=0.95)
        Central interval of the replicate ranks.
    k : int, optional (default=10)
        ``top_k``: the share of replicates ranking a candidate in the top ``k``.

    Returns
    -------
    Bootstrap
        ``low``, ``high`` (the interval), ``top_k`` and the replicate ranks ``runs``.

    Examples
    --------
    >>> from evgraph.loaders import load_kb
    >>> from evgraph.model import to_graph
    >>> from evgraph.analysis.arrays import graph_arrays
    >>> from evgraph.analysis.ranking import rank_targets
    >>> G = to_graph(load_kb())
    >>> point = rank_targets(G, methods=["degree", "pagerank"], granularity="molecule")
    >>> cands = [r["id"] for r in point.rows]
    >>> A = graph_arrays(G)
    >>> same = bootstrap_ranks(G, cands, ["degree", "pagerank"], counts=[np.ones(len(A.papers))], arrays=A)
    >>> same.runs[0].tolist() == [r["rank"] for r in point.rows]
    True
    """
    from evgraph.analysis.arrays import graph_arrays

    A = graph_arrays(H) if arrays is None else arrays  # read once, shared by every replicate
    papers = bootstrap_papers(A, include_biomarkers=include_biomarkers)
    state = {"arrays": A, "papers": papers, "cands": list(cands), "methods": list(methods), "seeds": seeds,
             "consensus": consensus, "engine": engine, "level_weights": level_weights, "seed": seed,
             "include_biomarkers": include_biomarkers, "groups": groups}
    if counts is not None:
        runs = np.array(_map(_replicate_ranks, [np.asarray(c, dtype=float) for c in counts], n_jobs, state))
    else:
        runs = np.array(_map(_bootstrap_one, _child_seeds(seed, n), n_jobs, state))
    alpha = (1.0 - ci) / 2.0
    low = np.quantile(runs, alpha, axis=0, method="lower")
    high = np.quantile(runs, 1.0 - alpha, axis=0, method="higher")
    top = (runs <= k).mean(axis=0)
    return Bootstrap(low={c: int(v) for c, v in zip(cands, low)}, high={c: int(v) for c, v in zip(cands, high)},
                     top_k={c: float(v) for c, v in zip(cands, top)}, k=k, n=len(runs), n_papers=len(papers),
                     runs=runs)


def xswap(P, *, seed=None, swaps_per_edge=10) -> nx.DiGraph:
    """Degree-preserving rewiring within each edge type (XSwap; Hanhijärvi et al. 2009).

    Two edges ``a->b`` and ``c->d`` of the same type become ``a->d`` and
    ``c->b`` (each keeping its weight) unless that makes a self-loop or a
    duplicate. Every node keeps its in- and out-degree per edge type. Edges of
    the same type are those with the same ``types`` list. ``swaps_per_edge``
    swaps are proposed per edge, in vectorised rounds of independent swaps
    (:func:`~evgraph.analysis.rewire.xswap_arrays`): the same null as one
    swap at a time, drawn with a different random stream. A self-loop already
    present may be swapped away; none is created.

    Examples
    --------
    >>> D = nx.DiGraph([(0, 1), (2, 3), (4, 5), (6, 7)], )
    >>> R = xswap(D, seed=1)
    >>> sorted(d for _, d in R.out_degree()) == sorted(d for _, d in D.out_degree())
    True
    """
    nodes = list(P)
    index = {n: i for i, n in enumerate(nodes)}
    edges = list(P.edges(data=True))
    src = np.array([index[u] for u, _, _ in edges], dtype=np.int64)
    dst = np.array([index[v] for _, v, _ in edges], dtype=np.int64)
    groups = type_groups([d.get("types", ()) for _, _, d in edges])
    new = xswap_arrays(src, dst, groups, len(nodes), seed=seed, swaps_per_edge=swaps_per_edge)
    R = nx.DiGraph()
    R.add_nodes_from(P.nodes(data=True))
    R.add_edges_from((nodes[i], nodes[j], d) for i, j, (_, _, d) in zip(src.tolist(), new.tolist(), edges))
    return R


def _permutation_one(child_seed):
    from evgraph.analysis.network import Network
    from evgraph.analysis.scoring import score_candidates

    s = _STATE
    nodes, src, dst, weight, types, cats = s["arrays"]
    new = xswap_arrays(src, dst, s["groups"], len(nodes), seed=child_seed)
    # each edge keeps its slot: source, weight and types stay, only the target moves
    net = Network(engine=s["engine"], arrays=(nodes, src, new, weight, types, cats))
    final = score_candidates(net, s["cands"], s["methods"], seeds=s["seeds"], seed=s["seed"],
                             consensus=s["consensus"]).final
    return [final[c] for c in s["cands"]]


def permutation_pvalues(net, cands, methods, observed, *, n=100, seed=0, seeds=None, consensus="rra", n_jobs=1):
    """Empirical p-values of consensus ranks against degree-preserving rewirings.

    ``p = (1 + #{null rank <= observed rank}) / (1 + n)``: the chance that a
    network with the same degrees (per edge type) but random wiring puts the
    candidate at least as high. A small p means the rank comes from *where*
    the node is connected, not just from how many links it has. The rewiring
    runs on the network's edge arrays (:func:`~evgraph.analysis.rewire.xswap_arrays`);
    replicate ``i`` uses the ``i``-th child seed, whatever ``n_jobs``.
    """
    arrays = (net.nodes, net.src, net.dst, net.weight, net.types, net.categories)
    state = {"arrays": arrays, "groups": type_groups(net.types), "cands": list(cands), "methods": list(methods),
             "seeds": seeds, "consensus": consensus, "engine": net.engine, "seed": seed}
    runs = np.array(_map(_permutation_one, _child_seeds(seed, n), n_jobs, state))
    obs = np.array([observed[c] for c in cands])
    hits = (runs <= obs[None, :]).sum(axis=0)
    return {c: float((1 + h) / (1 + n)) for c, h in zip(cands, hits)}


def bh_qvalues(pvalues: dict) -> dict:
    """Benjamini-Hochberg adjusted p-values (q-values) of a family of tests.

    ``q_i = min_{j: p_j >= p_i} min(1, p_j * m / rank_j)``: the smallest false
    discovery rate at which test ``i`` would be called. Monotone in ``p``,
    never below it.

    Examples
    --------
    >>> bh_qvalues({"a": 0.01, "b": 0.04, "c": 0.03, "d": 0.5})
    {'a': 0.04, 'b': 0.05333333333333334, 'c': 0.05333333333333334, 'd': 0.5}
    """
    names = list(pvalues)
    p = np.array([pvalues[n] for n in names], dtype=float)
    m = len(p)
    if m == 0:
        return {}
    order = np.argsort(p, kind="stable")
    scaled = p[order] * m / np.arange(1, m + 1)
    q_sorted = np.minimum(1.0, np.minimum.accumulate(scaled[::-1])[::-1])
    q = np.empty(m)
    q[order] = q_sorted
    return {n: float(v) for n, v in zip(names, q)}
