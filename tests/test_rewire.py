"""The vectorised XSwap (evgraph.analysis.rewire): degrees per type kept, no self-loop or duplicate
created, seeded, the same null as the sequential XSwap, and a chain that mixes."""

from collections import Counter

import networkx as nx
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from evgraph.analysis.rewire import type_groups, xswap_arrays
from evgraph.analysis.uncertainty import xswap


@st.composite
def typed_graphs(draw):
    n = draw(st.integers(2, 12))
    pairs = draw(st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)), min_size=0, max_size=40,
                          unique=True))
    groups = draw(st.lists(st.integers(0, 2), min_size=len(pairs), max_size=len(pairs)))
    src = np.array([p[0] for p in pairs], dtype=np.int64)
    dst = np.array([p[1] for p in pairs], dtype=np.int64)
    return n, src, dst, np.array(groups, dtype=np.int64)


def degrees(src, dst, groups):
    return Counter(zip(src.tolist(), groups.tolist())), Counter(zip(dst.tolist(), groups.tolist()))


@settings(max_examples=150, deadline=None)
@given(typed_graphs(), st.integers(0, 2**32 - 1))
def test_degrees_per_type_kept_and_no_loop_or_duplicate_created(graph, seed):
    n, src, dst, groups = graph
    new = xswap_arrays(src, dst, groups, n, seed=seed, swaps_per_edge=3)
    assert degrees(src, new, groups) == degrees(src, dst, groups)
    assert len(set(zip(src.tolist(), new.tolist()))) == len(src)  # no duplicate pair
    # self-loops are never created; one already present may be swapped away
    assert set(np.flatnonzero(src == new).tolist()) <= set(np.flatnonzero(src == dst).tolist())
    assert np.array_equal(new, xswap_arrays(src, dst, groups, n, seed=seed, swaps_per_edge=3))
    assert np.array_equal(dst, graph[2])  # the input is not modified


def test_two_edges_reach_both_wirings():
    # 0->1, 2->3 can only become 0->3, 2->1; the chain visits both, each about half the time
    src, dst = np.array([0, 2]), np.array([1, 3])
    seen = Counter(tuple(xswap_arrays(src, dst, np.zeros(2, dtype=int), 4, seed=s).tolist()) for s in range(200))
    assert set(seen) == {(1, 3), (3, 1)}
    assert 60 < seen[(3, 1)] < 140


def test_swap_that_would_duplicate_or_loop_is_refused():
    # 0->1 with 1->0: the swap gives 0->0 and 1->1, so nothing can move; 0->2 with 2->0 likewise
    src, dst = np.array([0, 1]), np.array([1, 0])
    assert xswap_arrays(src, dst, np.zeros(2, dtype=int), 2, seed=0).tolist() == [1, 0]
    # 0->1, 0->2 (same source) can only swap into themselves
    assert xswap_arrays(np.array([0, 0]), np.array([1, 2]), np.zeros(2, dtype=int), 3, seed=0).tolist() == [1, 2]


def test_edges_of_other_types_block_duplicates():
    # types X: 0->1, 2->3; type Y: 0->3 already there, so X may not make 0->3
    src, dst, groups = np.array([0, 2, 0]), np.array([1, 3, 3]), np.array([0, 0, 1])
    for s in range(20):
        assert xswap_arrays(src, dst, groups, 4, seed=s).tolist() == [1, 3, 3]


def test_type_groups_from_link_types_match_lists():
    from evgraph.analysis.projection import LinkTypes

    codes, inverse = np.array([1, 0, 1, 0, 2]), np.array([0, 1, 1, 2, 3])
    lt = LinkTypes(codes, inverse, ["A", "B", "C"], 4)
    assert type_groups(lt).tolist() == type_groups(list(lt)).tolist() == [0, 1, 2, 3]


def sequential_xswap(src, dst, seed, swaps_per_edge=10):
    """The sequential XSwap of one edge type, one proposal at a time (the algorithm before the arrays)."""
    rng = np.random.default_rng(seed)
    dst = dst.tolist()
    existing = set(zip(src.tolist(), dst))
    for i, j in rng.integers(0, len(dst), size=(swaps_per_edge * len(dst), 2)).tolist():
        a, b, c, d = src[i], dst[i], src[j], dst[j]
        if i == j or a == d or c == b or (a, d) in existing or (c, b) in existing:
            continue
        existing -= {(a, b), (c, d)}
        existing |= {(a, d), (c, b)}
        dst[i], dst[j] = d, b
    return tuple(dst)


def test_same_null_as_sequential_xswap():
    # a small graph whose 24 reachable wirings can be counted: both chains spread evenly over them.
    # On five edges a round holds two swaps that often share a pair, so the rounds mix more slowly
    # per proposal than one swap at a time: both run long enough here to forget the start.
    src, dst = np.array([0, 0, 1, 2, 3]), np.array([4, 5, 5, 6, 4])
    runs = 1500
    seq = Counter(sequential_xswap(src, dst, s, swaps_per_edge=30) for s in range(runs))
    vec = Counter(tuple(xswap_arrays(src, dst, np.zeros(5, dtype=int), 7, seed=s, swaps_per_edge=30).tolist())
                  for s in range(runs))
    assert set(vec) == set(seq)
    from scipy.stats import chi2_contingency, chisquare

    for counts in (seq, vec):  # uniform over the reachable wirings
        assert chisquare([counts[w] for w in seq]).pvalue > 1e-3
    assert chi2_contingency([[seq[w] for w in seq], [vec[w] for w in seq]]).pvalue > 1e-3  # one distribution


def test_chain_mixes_on_a_random_graph():
    rng = np.random.default_rng(0)
    n, m = 400, 4000
    keys = rng.choice(n * n, size=m, replace=False)
    src, dst = keys // n, keys % n
    keep = src != dst
    src, dst = src[keep], dst[keep]
    new = xswap_arrays(src, dst, np.zeros(len(src), dtype=int), n, seed=1)
    assert (new != dst).mean() > 0.9


def test_xswap_graph_keeps_weights_with_their_source():
    D = nx.DiGraph()
    for i in range(10):
        D.add_edge(f"a{i}", f"b{i}", weight=float(i), types=["X"])
    R = xswap(D, seed=2)
    assert sorted((u, d["weight"]) for u, _, d in R.edges(data=True)) == sorted(
        (u, d["weight"]) for u, _, d in D.edges(data=True))
    assert set(R.edges()) != set(D.edges())


@pytest.mark.parametrize("jobs", [2])
def test_permutation_pvalues_do_not_depend_on_jobs(bundled_graph, jobs):
    from evgraph.analysis.network import Network
    from evgraph.analysis.ranking import rank_targets
    from evgraph.analysis.uncertainty import permutation_pvalues

    net = Network.from_knowledge(bundled_graph)
    point = rank_targets(bundled_graph, methods=["degree", "pagerank"], granularity="molecule")
    cands = [r["id"] for r in point.rows]
    observed = {r["id"]: r["rank"] for r in point.rows}
    one = permutation_pvalues(net, cands, ["degree", "pagerank"], observed, n=4, seed=7, n_jobs=1)
    assert permutation_pvalues(net, cands, ["degree", "pagerank"], observed, n=4, seed=7, n_jobs=jobs) == one
