"""Each method against networkx's own implementation or hand-computed tiny graphs,
and the igraph engine against the networkx reference on graphs of every shape."""

import math

import networkx as nx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from evgraph.analysis import centrality as c
from evgraph.analysis.methods import METHODS, run_method
from evgraph.analysis.network import Network
from evgraph.analysis.projection import edge_weight, project, to_distance


def weighted(G):
    D = nx.DiGraph()
    D.add_nodes_from(G.nodes)
    for u, v, d in G.edges(data=True):
        w = d.get("weight", 1.0)
        D.add_edge(u, v, weight=w, distance=to_distance(w))
    return D


def test_degree_hand_computed():
    D = weighted(nx.DiGraph([(1, 2, {"weight": 2.0}), (2, 3, {"weight": 0.5})]))
    assert c.degree(D) == {1: 2.0, 2: 2.5, 3: 0.5}
    assert c.in_degree(D) == {1: 0.0, 2: 2.0, 3: 0.5}
    assert c.out_degree(D) == {1: 2.0, 2: 0.5, 3: 0.0}


def test_undirected_sums_opposite_edges():
    D = weighted(nx.DiGraph([("a", "b", {"weight": 1.0}), ("b", "a", {"weight": 2.0})]))
    U = c.undirected(D)
    assert U["a"]["b"]["weight"] == 3.0
    assert U["a"]["b"]["distance"] == to_distance(3.0)


def test_betweenness_star_and_path():
    star = weighted(nx.DiGraph(nx.star_graph(4).edges()))
    b = c.betweenness(star)
    assert b[0] == 6.0 and all(b[i] == 0.0 for i in range(1, 5))  # C(4,2) pairs through the centre
    path = weighted(nx.DiGraph(nx.path_graph(4).edges()))
    assert c.betweenness(path) == {0: 0.0, 1: 2.0, 2: 2.0, 3: 0.0}


def test_weights_change_shortest_paths():
    # a-b-c is cheaper than a-c when a-b and b-c carry strong evidence
    D = weighted(nx.DiGraph([("a", "b", {"weight": 4.0}), ("b", "c", {"weight": 4.0}), ("a", "c", {"weight": 1.0})]))
    assert c.betweenness(D)["b"] == 1.0


@pytest.mark.parametrize("seed", range(5))
def test_against_networkx_reference(seed):
    G = nx.gnp_random_graph(30, 0.12, seed=seed, directed=True)
    for u, v in G.edges:
        G[u][v]["weight"] = 1.0 + (u * 7 + v * 3) % 5
    D = weighted(G)
    U = c.undirected(D)
    assert c.betweenness(D) == pytest.approx(nx.betweenness_centrality(U, weight="distance", normalized=False))
    assert c.closeness(D) == pytest.approx(nx.closeness_centrality(U, distance="distance", wf_improved=False))
    assert c.harmonic(D) == pytest.approx(nx.harmonic_centrality(U, distance="distance"))
    assert c.pagerank(D) == pytest.approx(nx.pagerank(U, weight="weight", tol=1e-12, max_iter=10_000), abs=1e-9)
    hubs, auth = nx.hits(nx.DiGraph(D), max_iter=10000, tol=1e-12)
    assert c.hits_hub(D) == pytest.approx(hubs, abs=1e-6)
    assert c.hits_authority(D) == pytest.approx(auth, abs=1e-6)


def test_katz_matches_networkx_with_the_same_alpha():
    G = nx.karate_club_graph()
    D = weighted(nx.DiGraph(G.edges()))
    ours = c.katz(D, alpha=0.5)
    dmax = max(dict(c.undirected(D).degree(weight="weight")).values())
    ref = nx.katz_centrality_numpy(c.undirected(D), alpha=0.5 / dmax, beta=1.0, weight="weight")
    # networkx includes the beta term; Katz walks of length >= 1 differ by a constant 1 before normalising
    assert max(ours, key=ours.get) == max(ref, key=ref.get)
    assert [n for n, _ in sorted(ours.items(), key=lambda t: -t[1])][:5] == \
        [n for n, _ in sorted(ref.items(), key=lambda t: -t[1])][:5]


def test_katz_and_eigenvector_on_disconnected_graph():
    D = weighted(nx.DiGraph([(0, 1), (1, 2), (3, 4)]))
    D.add_node(5)
    k = c.katz(D)
    assert k[5] == 0.0 and k[1] > k[0] > 0 and k[3] > 0
    e = c.eigenvector(D)
    assert e[5] == 0.0 and e[1] > e[0] > 0 and e[3] > 0
    assert math.isclose(sum(e.values()), (3 + 2) / 6)


def test_personalized_pagerank_prefers_seed_neighbourhood():
    D = weighted(nx.DiGraph(nx.path_graph(6).edges()))
    s = c.personalized_pagerank(D, [0])
    assert s[1] > s[2] > s[3] > s[4] and s[0] > s[5]
    with pytest.raises(ValueError):
        c.personalized_pagerank(D, ["nope"])


def test_projection_weights():
    assert edge_weight(1, "in_vitro") == 0.5
    assert edge_weight(1, "patient_samples") == 1.0
    assert edge_weight(2, "in_vivo") == pytest.approx(0.75 * (1 + math.log(2)))
    assert edge_weight(1, "in_vivo", level_weights={"in_vivo": 2.0}) == 2.0


def test_projection_sums_parallel_types_and_drops_biomarkers():
    M = nx.MultiDiGraph()
    M.add_node("g", category="Gene")
    M.add_node("p", category="Protein")
    M.add_node("b", category="BiomarkerClaim")
    M.add_edge("p", "g", key="PRODUCT_OF", pmids=[], evidence_level="unspecified")
    M.add_edge("p", "g", key="REGULATES", pmids=["1"], evidence_level="in_vitro")
    M.add_edge("b", "p", key="MEASURES", pmids=["2"], evidence_level="patient_samples")
    P = project(M)
    assert "b" not in P
    assert P["p"]["g"]["weight"] == 1.5 and sorted(P["p"]["g"]["types"]) == ["PRODUCT_OF", "REGULATES"]
    assert "b" in project(M, include_biomarkers=True)


# --- engines: igraph equals networkx on every shape -------------------------------

ENGINE_METHODS = ["degree", "betweenness", "closeness", "harmonic", "pagerank", "katz"]


@st.composite
def graphs(draw):
    n = draw(st.integers(1, 14))
    edges = draw(st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1),
                                    st.sampled_from([0.25, 0.5, 0.75, 1.0, 1.5])), max_size=40))
    D = nx.DiGraph()
    D.add_nodes_from(range(n))
    for u, v, w in edges:  # repeated pairs act as multi-edges: weights add up
        if D.has_edge(u, v):
            D[u][v]["weight"] += w
        else:
            D.add_edge(u, v, weight=w)
    for _, _, d in D.edges(data=True):
        d["distance"] = to_distance(d["weight"])
    return D


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(graphs())
def test_igraph_engine_equals_networkx(D):
    ref, fast = Network(D, "networkx"), Network(D, "igraph")
    for m in ENGINE_METHODS:
        a, b = run_method(ref, m), run_method(fast, m)
        assert set(a) == set(b)
        for n in a:
            assert b[n] == pytest.approx(a[n], rel=1e-6, abs=1e-6), (m, n)
    seeds = [0]
    a = run_method(ref, "ppr", seeds=seeds)
    b = run_method(fast, "ppr", seeds=seeds)
    for n in a:
        assert b[n] == pytest.approx(a[n], rel=1e-4, abs=1e-6)


def test_every_registered_method_runs_and_is_documented(bundled_graph):
    P = project(bundled_graph)
    net = Network(P)
    seeds = [next(iter(P))]
    for name, m in METHODS.items():
        assert m.reference and m.description
        s = run_method(net, name, seed=1, seeds=seeds)
        assert set(s) == set(P) and all(isinstance(v, float) for v in s.values()), name


@pytest.mark.parametrize("engine", ["igraph", "networkx"])
def test_sampled_estimates_are_exact_with_every_source(bundled_graph, engine):
    net = Network(project(bundled_graph), engine)
    n = len(net.nodes)
    for sampled, exact in (("betweenness_sampled", "betweenness"), ("closeness_sampled", "closeness"),
                           ("harmonic_sampled", "harmonic")):
        a = run_method(net, sampled, k=n, seed=3)
        b = run_method(net, exact)
        for node in b:
            assert a[node] == pytest.approx(b[node], rel=1e-9, abs=1e-9), (sampled, node)
    few = run_method(net, "betweenness_sampled", k=50, seed=3)
    assert few == run_method(net, "betweenness_sampled", k=50, seed=3)  # seeded


def test_large_graphs_switch_default_path_methods_to_estimates(bundled_graph, monkeypatch):
    from evgraph.analysis import ranking

    monkeypatch.setattr(ranking, "LARGE_GRAPH_WORK", 1000)
    res = ranking.rank_targets(bundled_graph, candidates="cargo")
    assert res.params["substituted"] == {"betweenness": "betweenness_sampled", "closeness": "closeness_sampled"}
    assert "betweenness_sampled_rank" in res.rows[0]
    explicit = ranking.rank_targets(bundled_graph, candidates="cargo", methods=["betweenness"])
    assert explicit.params["substituted"] == {}


def test_sampled_estimates_agree_across_engines(bundled_graph):
    P = project(bundled_graph)
    for m in ("betweenness_sampled", "closeness_sampled", "harmonic_sampled"):
        a = run_method(Network(P, "networkx"), m, k=40, seed=5)
        b = run_method(Network(P, "igraph"), m, k=40, seed=5)
        for node in a:
            assert b[node] == pytest.approx(a[node], rel=1e-9, abs=1e-12), (m, node)
