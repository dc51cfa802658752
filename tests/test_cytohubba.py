"""cytoHubba methods on hand-computed cases and against brute force."""

import itertools
import math

import networkx as nx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from evgraph.analysis import cytohubba as h


def test_mcc_hand_computed():
    # triangle 0-1-2 plus pendant 3 on 2: cliques {0,1,2} (2! = 2) and {2,3} (1! = 1)
    G = nx.Graph([(0, 1), (1, 2), (0, 2), (2, 3)])
    assert h.mcc(G) == {0: 2.0, 1: 2.0, 2: 3.0, 3: 1.0}
    assert h.mcc(nx.star_graph(4))[0] == 4.0  # no edges among neighbours: MCC = degree


def test_mnc_and_dmnc_hand_computed():
    G = nx.Graph([(0, 1), (1, 2), (0, 2), (2, 3)])
    # N(2) = {0, 1, 3}; largest component of G[N(2)] is {0, 1} with 1 edge
    assert h.mnc(G)[2] == 2.0
    assert h.dmnc(G)[2] == pytest.approx(1 / 2 ** 1.7)
    assert h.mnc(G)[3] == 1.0 and h.dmnc(G)[3] == 0.0
    G.add_node(9)
    assert h.mnc(G)[9] == 0.0 and h.dmnc(G)[9] == 0.0


def test_eccentricity_and_radiality_path():
    P = nx.path_graph(4)  # diameter 3
    assert h.eccentricity(P) == {0: 1 / 3, 1: 0.5, 2: 0.5, 3: 1 / 3}
    # node 0: distances 1,2,3 -> (4-1 + 4-2 + 4-3)/3 = 2
    assert h.radiality(P)[0] == pytest.approx(2.0)
    assert h.radiality(P)[1] == pytest.approx((3 + 3 + 2) / 3)


def test_bottleneck_path_and_star():
    assert h.bottleneck(nx.path_graph(5)) == {0: 0.0, 1: 4.0, 2: 4.0, 3: 4.0, 4: 0.0}
    b = h.bottleneck(nx.star_graph(4))
    assert b[0] == 4.0 and all(b[i] == 0.0 for i in range(1, 5))


def test_epc_is_seeded_and_bounded():
    G = nx.path_graph(6)
    a, b = h.epc(G, seed=3, n_iter=100), h.epc(G, seed=3, n_iter=100)
    assert a == b
    assert all(1 / 6 <= v <= 1 for v in a.values())
    assert h.epc(nx.complete_graph(4), p=1.0, n_iter=5, seed=1) == {i: 1.0 for i in range(4)}
    # the middle of a path stays connected to more nodes than its ends
    assert a[2] > a[0]


@settings(max_examples=40, deadline=None)
@given(st.integers(2, 9), st.floats(0.1, 0.9), st.integers(0, 10_000))
def test_stress_equals_brute_force(n, p, seed):
    G = nx.gnp_random_graph(n, p, seed=seed)
    expected = {v: 0 for v in G}
    for a, b in itertools.combinations(G, 2):
        if nx.has_path(G, a, b):
            for path in nx.all_shortest_paths(G, a, b):
                for v in path[1:-1]:
                    expected[v] += 1
    assert h.stress(G) == {v: float(x) for v, x in expected.items()}


@settings(max_examples=30, deadline=None)
@given(st.integers(1, 9), st.floats(0.1, 0.9), st.integers(0, 10_000))
def test_mcc_equals_brute_force(n, p, seed):
    G = nx.gnp_random_graph(n, p, seed=seed)
    expected = {v: 0.0 for v in G}
    for clique in nx.find_cliques(G):
        if len(clique) > 1:
            for v in clique:
                expected[v] += math.factorial(len(clique) - 1)
    assert h.mcc(G) == expected
