"""The scores stage: per-method scores and ranks of the candidates, and their consensus.

Shared by the point estimate, every bootstrap replicate and every permutation, so
all of them rank (and break ties) the same way.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from evgraph.analysis.consensus import ranks_from_scores, rra_matrix
from evgraph.analysis.methods import get_method, run_methods

__all__ = ["CONSENSUS", "Scored", "score_candidates", "final_ranks"]

CONSENSUS = ("rra", "borda")


@dataclass
class Scored:
    """Scores and ranks of one ranking run.

    ``scores[method][c]`` and ``ranks[method][c]`` per method; ``consensus[c]``
    is RRA's rho (or Borda's mean rank), lower being better; ``mean_rank[c]``
    the mean of the method ranks; ``final[c]`` the consensus rank, a
    permutation 1..n.
    """

    scores: dict
    ranks: dict
    consensus: dict
    mean_rank: dict
    final: dict

    def __iter__(self):  # (scores, ranks, consensus, final), as the stage used to return
        return iter((self.scores, self.ranks, self.consensus, self.final))


def final_ranks(cands, consensus: dict, mean_rank: dict) -> dict:
    """Consensus ranks 1..n: by consensus, ties broken by mean method rank, then by id.

    Examples
    --------
    >>> final_ranks(["b", "a", "c"], {"a": 0.1, "b": 0.1, "c": 0.5}, {"a": 2.0, "b": 2.0, "c": 1.0})
    {'a': 1, 'b': 2, 'c': 3}
    """
    order = sorted(cands, key=lambda c: (consensus[c], mean_rank[c], c))
    return {c: i + 1 for i, c in enumerate(order)}


def score_candidates(net, cands, methods, *, seeds=None, seed=None, consensus="rra", precomputed=None,
                     n_jobs=1) -> Scored:
    """Per-method scores and ranks of ``cands`` on ``net`` and their consensus.

    A candidate that is not in ``net`` scores 0 in every method. Method ties
    share the best rank; the consensus rank breaks ties by mean rank and id
    (:func:`final_ranks`).

    Examples
    --------
    >>> import networkx as nx
    >>> from evgraph.analysis.network import Network
    >>> net = Network(nx.DiGraph([("a", "b", {"weight": 1.0}), ("b", "c", {"weight": 1.0})]), "networkx")
    >>> score_candidates(net, ["a", "b", "c"], ["degree", "betweenness"]).final
    {'b': 1, 'a': 2, 'c': 3}
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
    return Scored(scores, ranks, cons, mean_rank, final_ranks(cands, cons, mean_rank))
