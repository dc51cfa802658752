"""The columnar path (graph_arrays, vectorised projection, parallel methods) against per-edge references."""

import math

import networkx as nx
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from evgraph.analysis.arrays import graph_arrays
from evgraph.analysis.context import CANDIDATE_SETS, candidates
from evgraph.analysis.methods import run_methods
from evgraph.analysis.network import Network
from evgraph.analysis.projection import (DEFAULT_LEVEL_WEIGHTS, DEFAULT_TYPE_WEIGHTS, EXCLUDED_CATEGORIES,
                                         SCORE_SCALED, LinkTypes, project_arrays, symmetric_types, to_distance,
                                         to_distances)
from evgraph.analysis.ranking import known_drugs, rank_targets


ORDER = ["patient_samples", "in_vivo", "in_vitro", "unspecified"]


def strongest(levels):
    found = [lv for lv in ORDER if lv in levels]
    return found[0] if found else None


def reference_units(G, u, v, d):
    """The papers of one edge with the level each showed it at (the definition of GraphArrays' units)."""
    papers = list(d.get("pmids", ())) + [x for x in d.get("dois", ()) if x not in d.get("pmids", ())]
    out = []
    for p in papers:
        level = None
        if d.get("records"):
            cited = [r for r in d["records"] if r in G and p in set(G.nodes[r].get("pmids", ())) | set(
                G.nodes[r].get("dois", ()))]
            level = strongest({strongest(set(G.nodes[r].get("model_system", ()))) for r in cited})
        out.append((p, level or d.get("evidence_level", "unspecified")))
    return out


def reference_projection(G, *, level_weights=None, include_biomarkers=False, weights=None, groups=None):
    """The projection edge by edge in plain Python (the definition the arrays must reproduce)."""
    lw = DEFAULT_LEVEL_WEIGHTS if level_weights is None else level_weights
    skip = set() if include_biomarkers else EXCLUDED_CATEGORIES
    cat = dict(G.nodes(data="category"))
    rep = {n: (groups or {}).get(n, n) for n in G}
    keep = [n for n, c in cat.items() if c not in skip and rep[n] == n]
    index = {n: i for i, n in enumerate(keep)}
    both_ways = symmetric_types()
    links: dict = {}

    def add(a, b, w, k):
        w0, types = links.get((index[a], index[b]), (0.0, []))
        links[(index[a], index[b])] = (w0 + w, types + [k])

    for u, v, k, d in G.edges(keys=True, data=True):
        if cat[u] in skip or cat[v] in skip:
            continue
        a, b = rep[u], rep[v]
        if a not in index or b not in index or (a == b and u != v):
            continue
        units = reference_units(G, u, v, d)
        if units:
            w_of = {p: (weights or {}).get(p, 1.0) for p, _ in units}
            n = sum(w_of[p] for p, _ in units)
            if n == 0:
                continue
            level = strongest({lv for p, lv in units if w_of[p] > 0}) or "unspecified"
            term = 1.0 + math.log(n) if n >= 1 else n
        else:
            level, term = d.get("evidence_level", "unspecified"), 1.0
        if k in DEFAULT_TYPE_WEIGHTS:
            w = DEFAULT_TYPE_WEIGHTS[k]
            if k in SCORE_SCALED and d.get("score") is not None:
                w *= float(d["score"]) / SCORE_SCALED[k]
        else:
            w = lw.get(level, lw["unspecified"]) * term
        add(a, b, w, k)
        if k in both_ways:
            add(b, a, w, k)
    return keep, links


def reference_n_pmids(G, node):
    return len({p for u, v, d in G.edges(data=True) if node in (u, v)
                for p in list(d.get("pmids", ())) + list(d.get("dois", ()))})


def assert_same_projection(G, weights=None, groups=None, **kw):
    A = graph_arrays(G)
    units = None if weights is None else np.array([weights.get(p, 1.0) for p in A.papers])[A.unit_idx]
    group = None if groups is None else np.array([A.index[groups.get(n, n)] for n in A.nodes])
    nodes, src, dst, weight, types = project_arrays(G, units=units, groups=group, **kw)
    keep, links = reference_projection(G, weights=weights, groups=groups, **kw)
    assert nodes == keep
    got = {(i, j): (w, t) for i, j, w, t in zip(src.tolist(), dst.tolist(), weight.tolist(), types)}
    assert got.keys() == links.keys()
    for key, (w, t) in links.items():
        assert got[key][0] == w  # exactly: the same sums in the same order
        assert got[key][1] == t


@st.composite
def knowledge_graphs(draw):
    """Small knowledge graphs with records, parallel typed edges, self-loops and excluded categories."""
    cats = ["MiRNA", "Gene", "CommunicationRecord", "CellType", "Drug", "BiomarkerClaim", "Protein"]
    n = draw(st.integers(2, 9))
    G = nx.MultiDiGraph()
    for i in range(n):
        c = draw(st.sampled_from(cats))
        extra = {}
        if c == "CommunicationRecord":
            extra = {"pmids": draw(st.lists(st.sampled_from(["1", "2", "3"]), max_size=2, unique=True)),
                     "model_system": draw(st.lists(st.sampled_from(["in_vitro", "in_vivo"]), max_size=2,
                                                   unique=True))}
        G.add_node(f"n{i}", category=c, name=f"N{i}", **extra)
    types = ["CARRIES", "REGULATES", "TARGETS", "PRODUCT_OF", "RELEASES", "INTERACTS_WITH", "PART_OF"]
    for u, v, k, pm, lvl, recs, eff, score in draw(st.lists(st.tuples(
            st.integers(0, n - 1), st.integers(0, n - 1), st.sampled_from(types),
            st.lists(st.sampled_from(["1", "2", "3", "4", "5"]), max_size=4, unique=True),
            st.sampled_from(["in_vitro", "in_vivo", "patient_samples", "unspecified", None]),
            st.one_of(st.none(), st.lists(st.sampled_from([f"n{i}" for i in range(n)] + ["ghost"]), max_size=3)),
            st.sampled_from([None, "activates", "represses"]),
            st.one_of(st.none(), st.integers(150, 1000))), max_size=20)):
        d = {"pmids": pm}
        if "5" in pm:
            d["dois"] = ["10.1000/x"]  # a paper cited by DOI alone
        if score is not None:
            d["score"] = score
        if lvl is not None:
            d["evidence_level"] = lvl
        if recs is not None:
            d["records"] = recs
        if eff is not None:
            d["effect"] = eff
        G.add_edge(f"n{u}", f"n{v}", key=k, **d)
    return G


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(knowledge_graphs(), st.booleans(),
       st.dictionaries(st.sampled_from(["1", "2", "3", "4", "5", "10.1000/x"]),
                       st.sampled_from([0.0, 0.25, 1.0, 2.0, 3.0])), st.booleans(),
       st.dictionaries(st.sampled_from([f"n{i}" for i in range(9)]), st.sampled_from([f"n{i}" for i in range(3)])))
def test_projection_equals_the_per_edge_reference(G, include_biomarkers, weights, reweigh, merge):
    # a group is a set of nodes standing under one representative that stands for itself
    groups = {a: b for a, b in merge.items() if a in G and b in G and b not in merge}
    assert_same_projection(G, weights=weights if reweigh else None, groups=groups or None,
                           include_biomarkers=include_biomarkers)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(knowledge_graphs())
def test_columns_equal_the_graph_queries(G):
    A = graph_arrays(G)
    for which in CANDIDATE_SETS:
        assert A.candidates(which) == candidates(G, which)
    for node in G:
        assert int(A.node_pmids[A.index[node]]) == reference_n_pmids(G, node)
        assert A.drugs.get(node, []) == known_drugs(G, node)


def test_columns_on_the_bundled_graph(bundled_graph):
    G = bundled_graph
    A = graph_arrays(G)
    for which in CANDIDATE_SETS:
        assert A.candidates(which) == candidates(G, which)
    for node in G:
        assert A.drugs.get(node, []) == known_drugs(G, node)
    sample = list(G)[::7]
    assert [int(A.node_pmids[A.index[n]]) for n in sample] == [reference_n_pmids(G, n) for n in sample]
    assert_same_projection(G)
    A = graph_arrays(G)
    rng = np.random.default_rng(3)
    draws = rng.integers(0, len(A.papers), len(A.papers))
    assert_same_projection(G, weights={p: float((draws == i).sum()) for i, p in enumerate(A.papers)})
    assert_same_projection(G, weights=dict(zip(A.papers, rng.exponential(1.0, len(A.papers)).tolist())))


def test_link_types_behave_as_a_list():
    inverse = np.array([2, 0, 2, 1, 0])
    codes = np.array([0, 1, 2, 0, 0])
    t = LinkTypes(codes, inverse, ["A", "B", "C"], 3)
    assert list(t) == [["B", "A"], ["A"], ["A", "C"]]
    assert [t[i] for i in range(3)] == list(t) and t[-1] == ["A", "C"] and t[0:2] == list(t)[0:2]
    with pytest.raises(IndexError):
        t[3]


def test_vector_distances_round_like_python():
    w = np.array([0.5, 0.25, 3.0, 1 / 3, 2e6, 4e6 / 3, 1e-3, 0.75 * (1 + math.log(2))])
    assert to_distances(w).tolist() == [to_distance(x) for x in w.tolist()]


def test_methods_side_by_side_equal_one_process(bundled_graph):
    net = Network.from_knowledge(bundled_graph, "igraph")
    names = ["degree", "betweenness_sampled", "closeness_sampled", "pagerank", "katz"]
    one = run_methods(net, names, seed=4, n_jobs=1)
    assert run_methods(net, names, seed=4, n_jobs=2) == one
    assert run_methods(net, names, seed=4, n_jobs=1) == one  # bit for bit: no threaded sums


def test_rank_with_cached_columns_never_reads_the_graph(bundled_graph):
    class Untouchable:
        def __getattr__(self, name):
            raise AssertionError(f"the graph was read ({name})")

    A = graph_arrays(bundled_graph)
    fast = rank_targets(Untouchable(), arrays=A, seed=1, bootstrap=6, n_jobs=2)
    slow = rank_targets(bundled_graph, seed=1, bootstrap=6)
    assert fast.rows == slow.rows and fast.agreement == slow.agreement
