"""Degree-preserving rewiring: the sequential XSwap on a networkx graph against the vectorised
rounds on edge arrays, and one permutation replicate, side by side in one run.

    python benchmarks/perm_bench.py [N_EDGES ...]     # default 1e5 1e6

Prints seconds per rewiring (sequential, vectorised, ratio), the share of edges moved, and
seconds per permutation replicate of the default methods.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from synthetic import synthetic_graph  # noqa: E402

from evgraph.analysis.network import Network  # noqa: E402
from evgraph.analysis.rewire import type_groups, xswap_arrays  # noqa: E402
from evgraph.analysis.uncertainty import permutation_pvalues  # noqa: E402


def sequential_xswap(src, dst, groups, seed, swaps_per_edge=10):
    """The sequential XSwap on Python lists and a set of pairs (the algorithm before the arrays)."""
    rng = np.random.default_rng(seed)
    dst = dst.tolist()
    src_l = src.tolist()
    existing = set(zip(src_l, dst))
    for g in np.unique(groups):
        slots = np.flatnonzero(groups == g).tolist()
        m = len(slots)
        for i, j in rng.integers(0, m, size=(swaps_per_edge * m, 2)).tolist():
            if i == j:
                continue
            si, sj = slots[i], slots[j]
            a, b, c, d = src_l[si], dst[si], src_l[sj], dst[sj]
            if a == d or c == b or (a, d) in existing or (c, b) in existing:
                continue
            existing -= {(a, b), (c, d)}
            existing |= {(a, d), (c, b)}
            dst[si], dst[sj] = d, b
    return np.array(dst)


def main(sizes):
    print(f"{'edges':>9} {'links':>9} {'seq s':>8} {'vec s':>7} {'ratio':>6} {'moved':>6} {'replicate s':>11}")
    for n_edges in sizes:
        G = synthetic_graph(int(n_edges), seed=1)
        net = Network.from_knowledge(G, "igraph")
        groups = type_groups(net.types)
        t = time.perf_counter()
        old = sequential_xswap(net.src, net.dst, groups, 1)
        seq = time.perf_counter() - t
        t = time.perf_counter()
        new = xswap_arrays(net.src, net.dst, groups, len(net), seed=1)
        vec = time.perf_counter() - t
        moved = float((new != net.dst).mean())
        cands = list(net.nodes[:200])
        methods = ["degree", "betweenness_sampled", "closeness_sampled", "pagerank", "katz"]
        t = time.perf_counter()
        permutation_pvalues(net, cands, methods, {c: 1 for c in cands}, n=2, seed=1)
        rep = (time.perf_counter() - t) / 2
        print(f"{int(n_edges):>9} {len(net.src):>9} {seq:>8.2f} {vec:>7.2f} {seq / vec:>6.1f} {moved:>6.2f} "
              f"{rep:>11.2f}   (sequential moved {float((old != net.dst).mean()):.2f})")


if __name__ == "__main__":
    main([float(a) for a in sys.argv[1:]] or [1e5, 1e6])
