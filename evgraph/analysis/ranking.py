"""Rank candidate targets: per-method scores, consensus, rank intervals and p-values."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from evgraph.analysis.arrays import graph_arrays
from evgraph.analysis.consensus import agreement, ranks_from_scores, rra_matrix
from evgraph.analysis.context import context_seeds, restrict
from evgraph.analysis.methods import (DEFAULT_METHODS, LARGE_GRAPH_WORK, LARGE_SUBSTITUTES, METHODS, get_method,
                                      run_methods)
from evgraph.analysis.network import Network
from evgraph.analysis.uncertainty import bootstrap_ranks, permutation_pvalues
from evgraph.errors import InputError, UnknownChoiceError

__all__ = ["RankResult", "rank_targets", "score_candidates", "known_drugs", "CONSENSUS"]

CONSENSUS = ("rra", "borda")


@dataclass
class RankResult:
    """The ranked rows (best first), method agreement and the parameters that produced them."""

    rows: list[dict]
    agreement: dict
    params: dict = field(default_factory=dict)

    @property
    def table(self):
        """The rows as a pandas DataFrame (built on demand: pandas is slow to import)."""
        import pandas as pd

        return pd.DataFrame(self.rows)

    def records(self, top: int | None = None) -> list[dict]:
        """JSON-ready rows (lists kept, NaN as ``None``, floats to 6 decimals), best first."""
        rows = self.rows if top is None else self.rows[:top]
        out = []
        for row in rows:
            clean = {}
            for k, v in row.items():
                if isinstance(v, float):
                    v = None if v != v else round(v, 6)
                elif isinstance(v, np.integer):
                    v = int(v)
                clean[k] = v
            out.append(clean)
        return out


def score_candidates(net: Network, cands, methods, *, seeds=None, seed=None, consensus="rra", precomputed=None,
                     n_jobs=1):
    """Per-method scores and ranks of ``cands`` and their consensus.

    Returns ``(scores, ranks, consensus_series, final_rank)`` where the
    consensus is RRA's rho (or Borda's mean rank), lower being better, and
    ``final_rank`` is a permutation 1..n that breaks ties by mean rank and id.
    """
    given = dict(precomputed or {})
    given.update(run_methods(net, [m for m in methods if m not in given], seed=seed, seeds=seeds, n_jobs=n_jobs))
    scores, ranks = {}, {}
    for name in methods:
        s = given[name]
        scores[name] = {c: float(s.get(c, 0.0)) for c in cands}
        ranks[name] = ranks_from_scores(scores[name], cands, higher_is_better=get_method(name).higher_is_better)
    cands = list(cands)
    matrix = np.array([[ranks[m][c] for m in methods] for c in cands], dtype=float).reshape(len(cands), -1)
    mean_rank = dict(zip(cands, matrix.mean(axis=1).tolist()))
    cons = dict(zip(cands, rra_matrix(matrix).tolist())) if consensus == "rra" else mean_rank
    order = sorted(cands, key=lambda c: (cons[c], mean_rank[c], c))
    final = {c: i + 1 for i, c in enumerate(order)}
    return scores, ranks, cons, final


def known_drugs(G, node) -> list[str]:
    """Names of drugs or inhibitors that act on ``node`` or on the gene it is a product of."""
    targets = {node}
    targets |= {v for _, v, k in G.out_edges(node, keys=True) if k == "PRODUCT_OF"}
    names = set()
    for t in targets:
        for u, _, k in G.in_edges(t, keys=True):
            if k == "TARGETS":
                names.add(str(G.nodes[u].get("name", u)))
    return sorted(names)


def rank_targets(
    G,
    *,
    methods=None,
    candidates="all",
    cancer=None,
    species=None,
    evidence=None,
    model_system=None,
    context=None,
    consensus="rra",
    bootstrap=0,
    permutations=0,
    ci=0.95,
    seed=0,
    engine="auto",
    level_weights=None,
    include_biomarkers=False,
    n_jobs=1,
    precomputed=None,
    arrays=None,
):
    """Rank candidate therapeutic targets in the EV communication network.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        The knowledge graph (:func:`evgraph.model.to_graph`).
    methods : list of str, optional
        Registered method names (default :data:`~evgraph.analysis.methods.DEFAULT_METHODS`,
        plus ``ppr`` when a ``context`` is given).
    candidates : str, optional (default="all")
        One of :data:`~evgraph.analysis.context.CANDIDATE_SETS` except ``cells``
        (see :func:`evgraph.analysis.roles.rank_cells`).
    cancer, species, evidence, model_system : str, optional
        Restrict the graph first (:func:`~evgraph.analysis.context.restrict`).
    context : str or list of str, optional
        Seeds for personalised PageRank: a cancer, phenotype, cell type or node ids.
    consensus : {"rra", "borda"}
    bootstrap : int, optional (default=0)
        Replicates resampling the communication records with replacement;
        gives ``rank_low`` and ``rank_high`` (the central ``ci`` interval).
    permutations : int, optional (default=0)
        Degree-preserving rewirings for the empirical ``p_value``.
    ci : float, optional (default=0.95)
    seed : int, optional (default=0)
        Seeds every random step; the same seed gives the same result.
    engine : {"auto", "networkx", "igraph"}
    n_jobs : int, optional (default=1)
        Worker processes for the methods (on large graphs), the bootstrap and
        the permutations; results do not depend on it.
    precomputed : dict, optional
        ``{method: {node: score}}`` computed elsewhere (e.g. inside Neo4j with
        GDS); those methods are not recomputed. Not combinable with the
        bootstrap or permutations, which must recompute every replicate.
    arrays : GraphArrays, optional
        :func:`~evgraph.analysis.arrays.graph_arrays` of ``G``, read earlier
        (e.g. from a cache). Used when no filter applies; ``G`` itself is then
        only read for a context, the bootstrap or the permutations.

    Returns
    -------
    RankResult

    Examples
    --------
    >>> from evgraph.loaders import load_kb
    >>> from evgraph.model import to_graph
    >>> res = rank_targets(to_graph(load_kb()), candidates="cargo", methods=["degree", "pagerank"])
    >>> res.rows[0]["rank"], res.rows[0]["category"] in ("MiRNA", "Protein", "LncRNA", "CircRNA")
    (1, True)
    """
    defaults = not methods
    methods = list(methods or DEFAULT_METHODS)
    for name in methods:
        get_method(name)
    if consensus not in CONSENSUS:
        raise UnknownChoiceError("consensus", consensus, CONSENSUS)
    if candidates == "cells":
        raise InputError("use evgraph.analysis.roles.rank_cells for cell-type roles")
    if bootstrap < 0 or permutations < 0:
        raise InputError("--bootstrap and --permutations must be >= 0")
    if precomputed and (bootstrap or permutations):
        raise InputError("scores computed elsewhere cannot be bootstrapped or permuted; "
                         "use the networkx or igraph engine for --bootstrap and --permutations")
    if not 0 < ci < 1:
        raise InputError("ci must be between 0 and 1")
    H = restrict(G, cancer=cancer, species=species, evidence=evidence, model_system=model_system)
    A = arrays if arrays is not None and H is G else graph_arrays(H)
    seeds = context_seeds(H, context) if context else None
    if seeds and "ppr" not in methods:
        methods.append("ppr")
    if "ppr" in methods and not seeds:
        raise InputError("method 'ppr' needs a context: give --context (a cancer, phenotype, cell type or node id)")
    cands = A.candidates(candidates)
    if not cands:
        raise InputError(f"no {candidates} candidates in this context")
    net = Network.from_knowledge(H, engine, arrays=A, level_weights=level_weights,
                                 include_biomarkers=include_biomarkers)
    cands = [c for c in cands if c in net]
    substituted = {}
    if defaults and len(net) * len(net.src) > LARGE_GRAPH_WORK:
        # exact betweenness and closeness cost O(nm): estimate them from sampled sources instead
        substituted = {m: LARGE_SUBSTITUTES[m] for m in methods if m in LARGE_SUBSTITUTES}
        methods = [substituted.get(m, m) for m in methods]
    # methods run side by side only where that pays for the processes (large graphs)
    method_jobs = n_jobs if len(net) * len(net.src) > LARGE_GRAPH_WORK else 1
    scores, ranks, cons, final = score_candidates(net, cands, methods, seeds=seeds, seed=seed, consensus=consensus,
                                                  precomputed=precomputed, n_jobs=method_jobs)

    rows = []
    for c in cands:
        i = A.index[c]
        row = {
            "rank": final[c],
            "id": c,
            "name": A.names[i],
            "category": A.categories[i],
            "score": float(-np.log10(max(cons[c], 1e-300))) if consensus == "rra" else
            float(1.0 - (cons[c] - 1) / max(len(cands) - 1, 1)),
            "consensus_rho" if consensus == "rra" else "mean_rank": float(cons[c]),
        }
        for name in methods:
            row[METHODS[name].column] = scores[name][c]
            row[f"{name}_rank"] = ranks[name][c]
        rows.append(row)

    low = high = pv = {}
    if bootstrap:
        low, high = bootstrap_ranks(H, cands, methods, n=bootstrap, seed=seed, ci=ci, seeds=seeds,
                                    consensus=consensus, engine=net.engine, level_weights=level_weights,
                                    include_biomarkers=include_biomarkers, n_jobs=n_jobs, arrays=A)
    if permutations:
        pv = permutation_pvalues(net, cands, methods, final, n=permutations, seed=seed, seeds=seeds,
                                 consensus=consensus, n_jobs=n_jobs)
    # drugs as in the full graph: a filter keeps a drug edge only when its target is kept
    drugs = arrays.drugs if arrays is not None else (A.drugs if H is G else graph_arrays(G).drugs)
    for row in rows:
        c = row["id"]
        row["rank_low"], row["rank_high"], row["p_value"] = low.get(c), high.get(c), pv.get(c)
        row["n_pmids"] = int(A.node_pmids[A.index[c]])
        row["drugs"] = list(drugs.get(c, []))
    rows.sort(key=lambda r: r["rank"])
    method_ranks = {m: ranks[m] for m in methods}
    params = {
        "methods": methods, "candidates": candidates, "cancer": cancer, "species": species,
        "evidence": evidence, "model_system": model_system, "context": context, "context_seeds": seeds,
        "consensus": consensus, "bootstrap": bootstrap, "permutations": permutations, "ci": ci,
        "seed": seed, "engine": "precomputed+" + net.engine if precomputed else net.engine,
        "substituted": substituted,
        "n_candidates": len(cands),
        "graph": {"nodes": len(net), "edges": int(len(net.src))},
    }
    return RankResult(rows=rows, agreement=agreement(method_ranks, k=min(10, len(cands))), params=params)
