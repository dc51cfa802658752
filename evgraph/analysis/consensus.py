"""Consensus across methods: robust rank aggregation, Borda, and method agreement."""

from __future__ import annotations

import heapq
import math

import numpy as np

__all__ = ["ranks_from_scores", "rra", "rra_matrix", "borda", "kendall_tau", "top_k_overlap", "agreement"]


def ranks_from_scores(scores: dict, candidates, *, higher_is_better=True) -> dict:
    """Rank ``candidates`` by score: 1 is best; ties share the best (minimum) rank.

    Candidates missing from ``scores`` score 0. Scores equal to 10 significant
    digits (relative to the largest) tie: floating-point noise from the order
    of summation must not decide a rank.

    Examples
    --------
    >>> ranks_from_scores({"a": 3, "b": 1, "c": 3}, ["a", "b", "c"])
    {'a': 1, 'b': 3, 'c': 1}
    """
    cands = list(candidates)
    if not cands:
        return {}
    v = np.array([float(scores.get(c, 0.0)) for c in cands])
    scale = float(np.abs(v).max())
    if scale > 0:
        v = np.round(v / scale, 10)
    if higher_is_better:
        v = -v
    ordered = np.sort(v)
    ranks = np.searchsorted(ordered, v, side="left") + 1
    return {c: int(r) for c, r in zip(cands, ranks)}


def _order_stat_p(x: np.ndarray, m: int) -> np.ndarray:
    """P(k-th smallest of m uniforms <= x[:, k-1]) = P(Binomial(m, x) >= k), for k = 1..m.

    This is the regularised incomplete beta function I_x(k, m - k + 1) for
    integer arguments, written as a binomial tail to avoid importing scipy.
    """
    out = np.zeros_like(x)
    for k in range(1, m + 1):
        xk = x[:, k - 1]
        tail = np.zeros_like(xk)
        for j in range(k, m + 1):
            tail += math.comb(m, j) * xk ** j * (1.0 - xk) ** (m - j)
        out[:, k - 1] = tail
    return np.clip(out, 0.0, 1.0)


def rra_matrix(ranks: np.ndarray, n: int | None = None) -> np.ndarray:
    """Robust rank aggregation on an ``items x methods`` array of ranks (1 = best).

    ``n`` is the number of ranked items (the rows, by default).
    """
    ranks = np.asarray(ranks, dtype=float)
    if ranks.size == 0:
        return np.zeros(len(ranks))
    n = n or ranks.shape[0]
    m = ranks.shape[1]
    norm = np.sort(ranks / n, axis=1)
    return np.minimum(_order_stat_p(norm, m).min(axis=1) * m, 1.0)


def rra(rank_table) -> "pd.Series":
    """Robust rank aggregation (Kolde et al. 2012, Bioinformatics 28:573).

    ``rank_table`` is a DataFrame with one row per item and one column per
    method, holding ranks (1 = best). Each item's normalised ranks ``r/n``
    are sorted; rho is the smallest beta-distribution p-value of the k-th
    order statistic, Bonferroni-corrected by the number of methods. Lower rho
    = more consistently top-ranked than expected by chance.

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"m1": [1, 2, 3], "m2": [1, 3, 2]}, index=["a", "b", "c"])
    >>> rho = rra(t)
    >>> rho.idxmin()
    'a'
    >>> round(float(rho["a"]), 4)
    0.2222
    """
    import pandas as pd

    return pd.Series(rra_matrix(rank_table.to_numpy(dtype=float)), index=rank_table.index, name="rho")


def borda(rank_table) -> "pd.Series":
    """Borda count as the mean rank across methods (lower is better).

    Examples
    --------
    >>> import pandas as pd
    >>> borda(pd.DataFrame({"m1": [1, 2], "m2": [2, 1]}, index=["a", "b"])).tolist()
    [1.5, 1.5]
    """
    return rank_table.mean(axis=1).rename("mean_rank")


def _tied_pairs(codes) -> int:
    """Pairs of items with equal ``codes``."""
    counts = np.unique(codes, return_counts=True)[1]
    return int((counts * (counts - 1) // 2).sum())


def _inversions(y) -> int:
    """Pairs ``i < j`` with ``y[i] > y[j]`` (``y``: dense ranks): a bottom-up merge sort with numpy, O(n log^2 n).

    At each level the two sorted halves of every block are compared with one
    global ``searchsorted`` (block number as the high digit), then merged by
    sorting on that key.
    """
    y = np.asarray(y, dtype=np.int64)  # dense ranks 0..n-1
    n, m = len(y), len(y) + 1
    pos = np.arange(n)
    total, width = 0, 1
    while width < n:
        block = pos // (2 * width)
        right = (pos % (2 * width)) >= width
        key = block * m + y
        left_keys = key[~right]  # sorted: blocks in order, each left half sorted
        ends = np.searchsorted(left_keys, (block[right] + 1) * m, side="left")
        total += int((ends - np.searchsorted(left_keys, key[right], side="right")).sum())
        y = np.sort(key) - block * m
        width *= 2
    return total


def kendall_tau(a: dict, b: dict) -> float:
    """Kendall's tau-b between two rankings of the same items (1.0 = identical order).

    Concordant and discordant pairs are counted in O(n log^2 n) with numpy
    (Knight 1966: sort by the first ranking, count inversions of the second);
    scipy.stats.kendalltau gives the same value but costs 1-2 s of import.

    Examples
    --------
    >>> kendall_tau({"x": 1, "y": 2, "z": 3}, {"x": 1, "y": 2, "z": 3})
    1.0
    >>> kendall_tau({"x": 1, "y": 2, "z": 3}, {"x": 3, "y": 2, "z": 1})
    -1.0
    """
    items = sorted(set(a) & set(b))
    if len(items) < 2:
        return float("nan")
    # dense ranks: equal values get equal small integers
    x = np.unique(np.array([a[i] for i in items], dtype=float), return_inverse=True)[1].astype(np.int64)
    y = np.unique(np.array([b[i] for i in items], dtype=float), return_inverse=True)[1].astype(np.int64)
    xy = x * (y.max() + 1) + y  # one code per (x, y) pair, ordered by x, then y
    n0 = len(items) * (len(items) - 1) // 2
    n1, n2, n3 = _tied_pairs(x), _tied_pairs(y), _tied_pairs(xy)
    discordant = _inversions(y[np.argsort(xy, kind="stable")])  # tied x never count as discordant
    concordant = n0 - n1 - n2 + n3 - discordant
    denom = float(n0 - n1) * float(n0 - n2)
    if denom <= 0:
        return float("nan")
    return float((concordant - discordant) / np.sqrt(denom))


def top_k_overlap(a: dict, b: dict, k: int) -> float:
    """Jaccard overlap of the top-``k`` items of two rankings.

    Examples
    --------
    >>> top_k_overlap({"x": 1, "y": 2, "z": 3}, {"x": 1, "z": 2, "y": 3}, 2)
    0.3333333333333333
    """
    return _jaccard(_top_k(a, k), _top_k(b, k))


def _jaccard(ta: set, tb: set) -> float:
    union = ta | tb
    return len(ta & tb) / len(union) if union else float("nan")


def _top_k(ranks: dict, k: int) -> set:
    """The ``k`` best items, ties broken by item (a partial sort: O(n log k))."""
    return {i for i, _ in heapq.nsmallest(k, ranks.items(), key=lambda t: (t[1], t[0]))}


def agreement(method_ranks: dict[str, dict], *, k=10) -> dict:
    """Pairwise Kendall tau and top-k Jaccard overlap between methods."""
    names = list(method_ranks)
    top = {m: _top_k(r, k) for m, r in method_ranks.items()}
    pairs = []
    for i, a in enumerate(names):
        for b in names[i + 1:]:
            pairs.append({
                "method_a": a,
                "method_b": b,
                "kendall_tau": _round(kendall_tau(method_ranks[a], method_ranks[b])),
                f"top{k}_jaccard": _round(_jaccard(top[a], top[b])),
            })
    taus = [p["kendall_tau"] for p in pairs if p["kendall_tau"] is not None]
    return {"pairs": pairs, "mean_kendall_tau": _round(float(np.mean(taus))) if taus else None, "k": k}


def _round(x, nd=6):
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return None
    return round(float(x), nd)
