"""Does the ranking recover known EV-related therapeutic targets? A leave-one-out benchmark.

For every known target (a molecule whose inhibition, knockdown or blockade in a
tumour model reduced growth, metastasis, immune evasion or drug resistance through
EVs), the evidence that reports its own intervention result is removed, the graph
is ranked again, and the target's rank is read off. The same is done for the
consensus, each single method, and simple baselines: weighted degree, the number of
papers behind a target (the literature-bias baseline) and random orders.
"""

from __future__ import annotations

import numpy as np

from evgraph.analysis.arrays import RECORD
from evgraph.analysis.context import restrict
from evgraph.analysis.methods import DEFAULT_METHODS, get_method
from evgraph.analysis.network import Network
from evgraph.analysis.ranking import candidate_targets, columns
from evgraph.analysis.scoring import score_candidates
from evgraph.analysis.targets import targets_of
from evgraph.errors import InputError

__all__ = ["KS", "evaluate_recovery", "leave_out", "mid_ranks", "recovery_metrics"]

KS = (10, 25, 50)


def mid_ranks(scores, *, higher_is_better=True) -> np.ndarray:
    """Ranks 1..n with ties sharing the mean of the ranks they span (fractional ranking).

    A tie neither helps nor hurts a known target: it gets the middle of its tie.

    Examples
    --------
    >>> mid_ranks([3.0, 1.0, 3.0]).tolist()
    [1.5, 3.0, 1.5]
    """
    v = -np.asarray(scores, dtype=float) if higher_is_better else np.asarray(scores, dtype=float)
    order = np.argsort(v, kind="stable")
    sorted_v = v[order]
    ranks = np.empty(len(v))
    start = 0
    while start < len(v):
        end = start
        while end + 1 < len(v) and sorted_v[end + 1] == sorted_v[start]:
            end += 1
        ranks[order[start:end + 1]] = (start + end) / 2 + 1
        start = end + 1
    return ranks


def leave_out(A, targets, target: str, papers) -> np.ndarray:
    """Unit weights with the evidence of ``papers`` about ``target`` removed (weight 0).

    Removed: every unit citing one of ``papers`` on an edge that touches a form
    of the target (its machinery, drug and regulation rows), and on every edge
    of a communication record that involves the target (carries it, or
    supports an edge that touches it). The same papers' evidence about other
    molecules stays.
    """
    n = len(A.nodes)
    rep = A.index[target]
    forms = targets.group == targets.group[rep]
    touching = forms[A.src] | forms[A.dst]
    rec_owner = np.repeat(np.arange(len(A.src)), np.diff(A.rec_ptr))
    involved = np.zeros(n + len(A.foreign_records), dtype=bool)
    involved[A.rec_idx[touching[rec_owner]]] = True
    involved[n:] = False
    of_record = np.zeros(len(A.src), dtype=bool)
    of_record[rec_owner[involved[A.rec_idx]]] = True
    code = {p: i for i, p in enumerate(A.papers)}
    removed = np.zeros(len(A.papers), dtype=bool)
    removed[[code[p] for p in papers if p in code]] = True
    owner = np.repeat(np.arange(len(A.src)), np.diff(A.unit_ptr))
    units = np.ones(len(A.unit_idx))
    units[(touching | of_record)[owner] & removed[A.unit_idx]] = 0.0
    return units


def _paper_counts(A, group, units) -> np.ndarray:
    """Distinct papers of non-zero weight on the edges of each target."""
    owner = np.repeat(np.arange(len(A.src)), np.diff(A.unit_ptr))
    live = units > 0
    m = max(len(A.papers), 1)
    pairs = np.concatenate([group[A.src[owner[live]]] * m + A.unit_idx[live],
                            group[A.dst[owner[live]]] * m + A.unit_idx[live]])
    return np.bincount(np.unique(pairs) // m, minlength=len(A.nodes))


def recovery_metrics(ranks, n_negatives_below, n_negatives, *, ks=KS) -> dict:
    """recall@k, AUROC and median rank of the positives from their ranks.

    ``n_negatives_below[i]``: the negatives ranked below positive ``i`` (ties
    counted half); AUROC is the mean over positives of that share.

    Examples
    --------
    >>> recovery_metrics([1, 30], [9.0, 4.5], 10)
    {'recall@10': 0.5, 'recall@25': 0.5, 'recall@50': 1.0, 'auroc': 0.675, 'median_rank': 15.5}
    """
    ranks = np.asarray(ranks, dtype=float)
    out = {f"recall@{k}": float(np.mean(ranks <= k)) for k in ks}
    out["auroc"] = float(np.mean(np.asarray(n_negatives_below, dtype=float) / max(n_negatives, 1)))
    out["median_rank"] = float(np.median(ranks))
    return out


def _below(score_of, positive, negatives, higher_is_better=True) -> float:
    s = score_of[positive]
    neg = np.array([score_of[c] for c in negatives], dtype=float)
    worse = (neg < s) if higher_is_better else (neg > s)
    return float(worse.sum() + 0.5 * (neg == s).sum())


def evaluate_recovery(G, known, *, methods=None, cancer=None, n_random=100, seed=0, engine="auto",
                      level_weights=None, arrays=None, ks=KS) -> dict:
    """Leave-one-out recovery of known therapeutic targets by the consensus, each method and baselines.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        The knowledge graph.
    known : list of dict
        Known targets: ``{"target": node id, "pmids": [...], "dois": [...]}``
        (several entries may name one target; their papers are pooled).
    methods : list of str, optional
        The methods of the consensus (default :data:`~evgraph.analysis.methods.DEFAULT_METHODS`).
    cancer : str, optional
        Rank within one cancer (:func:`~evgraph.analysis.context.restrict`).
    n_random : int, optional (default=100)
        Random orders for the random baseline (seeds ``seed .. seed + n_random - 1``).

    Returns
    -------
    dict
        ``n_candidates``, ``n_known``, ``evaluated`` (known targets among the
        candidates), ``missing`` (known targets not in the graph's candidates),
        ``metrics`` (``{name: {recall@k, auroc, median_rank}}`` for
        ``consensus``, each method, ``degree``, ``n_papers`` and ``random``,
        the last as mean and standard deviation over the random orders) and
        ``targets`` (each target's leave-one-out rank under every ranking).

    Examples
    --------
    >>> from evgraph.loaders import load_kb
    >>> from evgraph.model import to_graph
    >>> G = to_graph(load_kb())
    >>> out = evaluate_recovery(G, [{"target": "hgnc.symbol:RAB27A", "pmids": ["22635005"]}], n_random=5)
    >>> out["evaluated"], sorted(out["metrics"])[:3]
    (1, ['betweenness', 'closeness', 'consensus'])
    """
    methods = list(methods or DEFAULT_METHODS)
    for m in methods:
        get_method(m)
    H = restrict(G, cancer=cancer) if cancer else G
    A = columns(G, H, arrays)
    targets = targets_of(A)
    universe = candidate_targets(A, targets, "all")
    in_universe = set(universe)
    pooled: dict[str, set] = {}
    missing = []
    for entry in known:
        node = entry["target"]
        rep = A.nodes[targets.group[A.index[node]]] if node in A.index else None
        if rep is None or rep not in in_universe:
            missing.append(node)
            continue
        pooled.setdefault(rep, set()).update(entry.get("pmids") or [])
        pooled[rep].update(entry.get("dois") or [])
    if not pooled:
        raise InputError("none of the known targets is a candidate in this graph")
    positives = sorted(pooled)
    negatives = [c for c in universe if c not in pooled]
    names = ["consensus", *methods, "n_papers"]
    if "degree" not in methods:
        names.insert(len(methods) + 1, "degree")
    ranks = {k: [] for k in names}
    below = {k: [] for k in names}
    per_target = []
    for t in positives:
        units = leave_out(A, targets, t, pooled[t])
        net = Network.from_knowledge(None, engine, arrays=A, units=units, groups=targets.group,
                                     level_weights=level_weights)
        scored = score_candidates(net, universe, list(dict.fromkeys(methods + ["degree"])), seed=seed)
        score_of = {"consensus": {c: -scored.consensus[c] for c in universe}}
        for m in dict.fromkeys(methods + ["degree"]):
            sign = 1.0 if get_method(m).higher_is_better else -1.0
            score_of[m] = {c: sign * scored.scores[m][c] for c in universe}
        counts = _paper_counts(A, targets.group, units)
        score_of["n_papers"] = {c: float(counts[A.index[c]]) for c in universe}
        row = {"target": t, "name": A.names[A.index[t]], "papers_left_out": sorted(pooled[t]),
               "other_evidence": _has_evidence(A, targets, t, units), "ranks": {}}
        for k in names:
            r = mid_ranks([score_of[k][c] for c in universe])[universe.index(t)]
            ranks[k].append(r)
            below[k].append(_below(score_of[k], t, negatives))
            row["ranks"][k] = float(r)
        per_target.append(row)
    metrics = {k: recovery_metrics(ranks[k], below[k], len(negatives), ks=ks) for k in names}
    metrics["random"] = _random_baseline(universe, positives, negatives, n_random, seed, ks)
    # the targets whose only evidence was the left-out paper cannot be recovered by any network
    # measure; the same figures on the others say whether the network adds to what is left
    kept = [i for i, row in enumerate(per_target) if row["other_evidence"]]
    with_other = {k: recovery_metrics([ranks[k][i] for i in kept], [below[k][i] for i in kept], len(negatives),
                                      ks=ks) for k in names} if kept else {}
    if kept:
        with_other["random"] = _random_baseline(universe, [positives[i] for i in kept], negatives, n_random, seed,
                                                ks)
    n_records = sum(1 for c in A.categories if c == RECORD)
    return {"n_candidates": len(universe), "n_records": n_records, "n_known": len(known),
            "evaluated": len(positives), "with_other_evidence": len(kept), "missing": sorted(set(missing)),
            "methods": methods, "cancer": cancer, "metrics": metrics, "metrics_with_other_evidence": with_other,
            "targets": per_target}


def _has_evidence(A, targets, target, units) -> bool:
    """Whether a form of ``target`` keeps an edge of evidence once ``units`` are applied."""
    from evgraph.analysis.projection import EXCLUDED_CATEGORIES, edge_weights

    _, alive = edge_weights(A, units=units)
    forms = targets.group == targets.group[A.index[target]]
    keep = ~A.category_mask(EXCLUDED_CATEGORIES)
    real = alive & keep[A.src] & keep[A.dst] & ~A.type_mask("PRODUCT_OF")
    return bool((real & (forms[A.src] | forms[A.dst])).any())


def _random_baseline(universe, positives, negatives, n_random, seed, ks) -> dict:
    runs = []
    for s in range(seed, seed + n_random):
        score = np.random.default_rng(s).random(len(universe))
        score_of = dict(zip(universe, score.tolist()))
        r = mid_ranks(score)
        pos = [r[universe.index(t)] for t in positives]
        runs.append(recovery_metrics(pos, [_below(score_of, t, negatives) for t in positives], len(negatives),
                                     ks=ks))
    keys = list(runs[0]) if runs else []
    return {k: float(np.mean([x[k] for x in runs])) for k in keys} | {
        f"{k}_sd": float(np.std([x[k] for x in runs], ddof=1)) if len(runs) > 1 else 0.0 for k in keys} | {
        "n_orders": len(runs)}
