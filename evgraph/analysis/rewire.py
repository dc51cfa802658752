"""Degree-preserving rewiring of edge arrays: XSwap in vectorised rounds.

The sequential XSwap (Hanhijärvi et al. 2009) proposes one swap at a time.
Here a round proposes ``m // 2`` swaps at once, a random perfect matching of
the ``m`` edges of one edge type, and accepts the ones that are valid and
independent of the others:

- a swap of ``a->b`` and ``c->d`` touches the four pairs ``{a, c} x {b, d}``,
  a set the swap itself leaves unchanged;
- a swap sharing a pair with any other swap of its round is rejected, with
  that other swap (pairs are compared through a hash salted afresh each
  round, so a chance collision rejects too: about one swap in four);
- the rest are independent, so they are checked against the graph before the
  round (no self-loop, no duplicate pair) and applied together, exactly as
  if they had been applied one after the other.

Because the rejection rule depends only on each round's pair sets, the same
round maps the rewired graph back to the original one: the chain is
symmetric, like the sequential one, and has the same uniform stationary
distribution over the graphs with the given degrees per edge type. It is the
same null with a different random stream, so results differ from the
sequential version seed for seed but not in distribution. Self-loops are
never created; a self-loop already present can be swapped away (as in the
sequential version) and never comes back.
"""

from __future__ import annotations

import numpy as np

__all__ = ["type_groups", "xswap_arrays"]

_HASH = np.uint64(0x9E3779B97F4A7C15)  # Fibonacci hashing; a random odd salt per round makes collisions random


def type_groups(types) -> np.ndarray:
    """An integer per edge: edges with the same list of types share it (first-seen order).

    ``types`` is a sequence of type lists, or a
    :class:`~evgraph.analysis.projection.LinkTypes` (read from its arrays).

    Examples
    --------
    >>> type_groups([["A"], ["B"], ["A"], ["A", "B"]]).tolist()
    [0, 1, 0, 2]
    """
    codes = getattr(types, "_codes", None)
    if codes is not None:
        starts = types._starts
        n = len(starts) - 1
        if n == 0:
            return np.zeros(0, dtype=np.int64)
        base = int(codes.max(initial=0)) + 2
        lengths = np.diff(starts)
        pos = np.arange(len(codes)) - np.repeat(starts[:-1], lengths)
        if lengths.min() > 0 and int(lengths.max()) * np.log2(base) < 62:
            parts = (codes.astype(np.int64) + 1) * base ** pos
            keys = np.add.reduceat(parts, starts[:-1])
            _, first, inverse = np.unique(keys, return_index=True, return_inverse=True)
            return np.argsort(np.argsort(first, kind="stable"), kind="stable")[inverse]
    seen: dict[tuple, int] = {}
    return np.array([seen.setdefault(tuple(t), len(seen)) for t in types], dtype=np.int64)


def xswap_arrays(src, dst, groups, n_nodes, *, seed=None, swaps_per_edge=10) -> np.ndarray:
    """Targets of the edges ``src -> dst`` after degree-preserving swaps within each group.

    Parameters
    ----------
    src, dst : array of int
        Edge endpoints (node indices below ``n_nodes``); pairs are unique.
    groups : array of int
        The edge type of each edge (:func:`type_groups`); swaps stay inside one.
    seed : int or numpy.random.Generator, optional
    swaps_per_edge : int, optional (default=10)
        Swaps proposed per edge of a group, as in the sequential XSwap:
        ``2 * swaps_per_edge`` rounds of ``m // 2`` proposals.

    Returns
    -------
    numpy.ndarray
        The new target of each edge. Edge ``i`` keeps its source (and whatever
        travels with it, such as its weight); every node keeps its in- and
        out-degree within each group.

    Examples
    --------
    >>> src, dst = np.array([0, 2, 4, 6]), np.array([1, 3, 5, 7])
    >>> new = xswap_arrays(src, dst, np.zeros(4, dtype=int), 8, seed=1)
    >>> sorted(new.tolist()) == [1, 3, 5, 7]
    True
    """
    rng = np.random.default_rng(seed)
    src = np.asarray(src, dtype=np.int64)
    dst = np.array(dst, dtype=np.int64)
    groups = np.asarray(groups, dtype=np.int64)
    n = np.int64(max(n_nodes, 1))
    if len(src) < 2:
        return dst
    _, first = np.unique(groups, return_index=True)
    for g in groups[np.sort(first)]:  # groups in first-seen order, so the stream is fixed for a seed
        slots = np.flatnonzero(groups == g)
        m = len(slots)
        if m < 2:
            continue
        s = src[slots]
        # pairs of other groups that a swap here could duplicate: those leaving this group's sources
        mine = np.zeros(int(n), dtype=bool)
        mine[s] = True
        other = (groups != g) & mine[src]
        fixed = np.sort(src[other] * n + dst[other])
        pairs_per_round = 4 * (m // 2)
        bits = max(int(np.ceil(np.log2(16 * pairs_per_round))), 6)  # 1 in 16 pairs meets another by chance
        last, first_seen = np.empty(1 << bits, dtype=np.int32), np.empty(1 << bits, dtype=np.int32)
        rank = np.arange(pairs_per_round, dtype=np.int32)
        for _ in range(2 * swaps_per_edge):
            order = rng.permutation(m)[: m - m % 2].reshape(-1, 2)
            i, j = order[:, 0], order[:, 1]
            a, c = s[i], s[j]
            b, d = dst[slots[i]], dst[slots[j]]
            pairs = np.concatenate([a * n + b, c * n + d, a * n + d, c * n + b])
            salt = np.uint64(rng.integers(1, 2**63, dtype=np.uint64)) * np.uint64(2) + np.uint64(1)
            h = ((pairs.astype(np.uint64) * salt * _HASH) >> np.uint64(64 - bits)).astype(np.int64)
            last[h] = rank  # the last pair written to each bucket wins
            first_seen[h[::-1]] = rank[::-1]  # ... and here the first
            alone = ((last[h] == rank) & (first_seen[h] == rank)).reshape(4, -1).all(axis=0)
            new = pairs[2 * len(i):].reshape(2, -1)
            own = np.sort(s * n + dst[slots])
            present = np.zeros(new.shape, dtype=bool)
            for keys in (own, fixed):
                if len(keys):
                    at = np.minimum(np.searchsorted(keys, new), len(keys) - 1)
                    present |= keys[at] == new
            ok = alone & ~present.any(axis=0) & (a != d) & (c != b)
            dst[slots[i[ok]]], dst[slots[j[ok]]] = d[ok], b[ok]
    return dst
