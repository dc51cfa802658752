"""Uncertainty of ranks: a bootstrap over the evidence and a degree-preserving null.

Both are seeded through :class:`numpy.random.SeedSequence`: replicate ``i``
always gets the ``i``-th child seed, so results do not depend on how many
worker processes share the work.
"""

from __future__ import annotations

from collections import Counter
from concurrent.futures import ProcessPoolExecutor

import networkx as nx
import numpy as np

__all__ = ["bootstrap_ranks", "permutation_pvalues", "xswap"]

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


def _bootstrap_one(child_seed):
    from evgraph.analysis.network import Network
    from evgraph.analysis.ranking import score_candidates

    s = _STATE
    rng = np.random.default_rng(child_seed)
    records = s["records"]
    drawn = rng.integers(0, len(records), size=len(records))
    multiplicity = Counter(records[i] for i in drawn)
    net = Network.from_knowledge(None, s["engine"], arrays=s["arrays"], multiplicity=multiplicity,
                                 level_weights=s["level_weights"], include_biomarkers=s["include_biomarkers"])
    present = [c for c in s["cands"] if c in net]
    worst = len(s["cands"])
    methods = list(s["methods"])
    seeds = None
    if s["seeds"]:
        seeds = [x for x in s["seeds"] if x in net]
        if not seeds:
            methods = [m for m in methods if m != "ppr"]
    out = {c: worst for c in s["cands"]}
    if present and methods:
        _, _, _, final = score_candidates(net, present, methods, seeds=seeds, seed=child_seed,
                                          consensus=s["consensus"])
        out.update(final)
    return [out[c] for c in s["cands"]]


def bootstrap_ranks(H, cands, methods, *, n=100, seed=0, ci=0.95, seeds=None, consensus="rra",
                    engine="auto", level_weights=None, include_biomarkers=False, n_jobs=1, arrays=None):
    """Rank intervals from resampling communication records with replacement.

    Each replicate draws as many records as there are, with replacement; an
    edge supported by drawn records keeps a PMID count scaled by how often its
    records were drawn, an edge with none of its records drawn disappears.
    Edges that belong to no record (EV machinery, drugs) are kept as they are.
    A candidate missing from a replicate gets the worst rank.

    Returns
    -------
    (dict, dict)
        ``rank_low`` and ``rank_high``: the central ``ci`` interval of each
        candidate's consensus rank over the replicates.

    ``arrays``: :func:`~evgraph.analysis.arrays.graph_arrays` of ``H`` when
    already read (``H`` is then not touched).
    """
    from evgraph.analysis.arrays import RECORD, graph_arrays

    A = graph_arrays(H) if arrays is None else arrays  # read once, shared by every replicate
    records = sorted(n for n, c in zip(A.nodes, A.categories) if c == RECORD)
    state = {"arrays": A, "records": records, "cands": list(cands), "methods": list(methods), "seeds": seeds,
             "consensus": consensus, "engine": engine, "level_weights": level_weights,
             "include_biomarkers": include_biomarkers}
    runs = np.array(_map(_bootstrap_one, _child_seeds(seed, n), n_jobs, state))
    alpha = (1.0 - ci) / 2.0
    low = np.quantile(runs, alpha, axis=0, method="lower")
    high = np.quantile(runs, 1.0 - alpha, axis=0, method="higher")
    return ({c: int(v) for c, v in zip(cands, low)}, {c: int(v) for c, v in zip(cands, high)})


def xswap(P, *, seed=None, swaps_per_edge=10) -> nx.DiGraph:
    """Degree-preserving rewiring within each edge type (XSwap; Hanhijärvi et al. 2009).

    Two edges ``a->b`` and ``c->d`` of the same type become ``a->d`` and
    ``c->b`` (each keeping its weight) unless that makes a self-loop or a
    duplicate. Every node keeps its in- and out-degree per edge type.

    Examples
    --------
    >>> D = nx.DiGraph([(0, 1), (2, 3), (4, 5), (6, 7)], )
    >>> R = xswap(D, seed=1)
    >>> sorted(d for _, d in R.out_degree()) == sorted(d for _, d in D.out_degree())
    True
    """
    rng = np.random.default_rng(seed)
    groups: dict[tuple, list] = {}
    for u, v, d in P.edges(data=True):
        groups.setdefault(tuple(d.get("types", ())), []).append([u, v, d])
    existing = set(P.edges())
    for edges in groups.values():
        m = len(edges)
        if m < 2:
            continue
        picks = rng.integers(0, m, size=(swaps_per_edge * m, 2))
        for i, j in picks:
            if i == j:
                continue
            a, b, _ = edges[i]
            c, d, _ = edges[j]
            if a == d or c == b or (a, d) in existing or (c, b) in existing:
                continue
            existing.discard((a, b))
            existing.discard((c, d))
            existing.add((a, d))
            existing.add((c, b))
            edges[i][1], edges[j][1] = d, b
    R = nx.DiGraph()
    R.add_nodes_from(P.nodes(data=True))
    for edges in groups.values():
        for u, v, d in edges:
            R.add_edge(u, v, **d)
    return R


def _permutation_one(child_seed):
    from evgraph.analysis.network import Network
    from evgraph.analysis.ranking import score_candidates

    s = _STATE
    R = xswap(s["P"], seed=child_seed)
    _, _, _, final = score_candidates(Network(R, s["engine"]), s["cands"], s["methods"], seeds=s["seeds"],
                                      seed=child_seed, consensus=s["consensus"])
    return [final[c] for c in s["cands"]]


def permutation_pvalues(net, cands, methods, observed, *, n=100, seed=0, seeds=None, consensus="rra", n_jobs=1):
    """Empirical p-values of consensus ranks against degree-preserving rewirings.

    ``p = (1 + #{null rank <= observed rank}) / (1 + n)``: the chance that a
    network with the same degrees (per edge type) but random wiring puts the
    candidate at least as high. A small p means the rank comes from *where*
    the node is connected, not just from how many links it has.
    """
    state = {"P": net.P, "cands": list(cands), "methods": list(methods), "seeds": seeds,
             "consensus": consensus, "engine": net.engine}
    runs = np.array(_map(_permutation_one, _child_seeds(seed, n), n_jobs, state))
    obs = np.array([observed[c] for c in cands])
    hits = (runs <= obs[None, :]).sum(axis=0)
    return {c: float((1 + h) / (1 + n)) for c, h in zip(cands, hits)}
