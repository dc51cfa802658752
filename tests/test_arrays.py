"""The columnar path (graph_arrays, vectorised projection, parallel methods) against per-edge references."""

import math
from collections import Counter

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


def reference_projection(G, *, level_weights=None, include_biomarkers=False, multiplicity=None):
    """The projection edge by edge in plain Python (the definition the arrays must reproduce)."""
    lw = DEFAULT_LEVEL_WEIGHTS if level_weights is None else level_weights
    skip = set() if include_biomarkers else EXCLUDED_CATEGORIES
    cat = dict(G.nodes(data="category"))
    keep = [n for n, c in cat.items() if c not in skip]
    if multiplicity is not None:
        keep = [n for n in keep if cat[n] != "CommunicationRecord" or n in multiplicity]
    index = {n: i for i, n in enumerate(keep)}
    both_ways = symmetric_types()
    links: dict = {}

    def add(a, b, w, k):
        w0, types = links.get((index[a], index[b]), (0.0, []))
        links[(index[a], index[b])] = (w0 + w, types + [k])

    for u, v, k, d in G.edges(keys=True, data=True):
        if u not in index or v not in index:
            continue
        n_pmids = len(d.get("pmids", ()))
        if multiplicity is not None:
            recs = d.get("records")
            if recs is None:
                recs = [x for x in (u, v) if cat[x] == "CommunicationRecord"]
            if recs:
                kept = [multiplicity.get(r, 0) for r in recs]
                if not any(kept):
                    continue
                n_pmids = max(1, round(n_pmids * sum(kept) / len(recs)))
        if k in DEFAULT_TYPE_WEIGHTS:
            w = DEFAULT_TYPE_WEIGHTS[k]
            if k in SCORE_SCALED and d.get("score") is not None:
                w *= float(d["score"]) / SCORE_SCALED[k]
        else:
            w = lw.get(d.get("evidence_level", "unspecified"), lw["unspecified"]) * (1.0 + math.log(max(n_pmids, 1)))
        add(u, v, w, k)
        if k in both_ways:
            add(v, u, w, k)
    return keep, links


def reference_n_pmids(G, node):
    return len({p for u, v, d in G.edges(data=True) if node in (u, v) for p in d.get("pmids", ())})


def assert_same_projection(G, **kw):
    nodes, src, dst, weight, types = project_arrays(G, **kw)
    keep, links = reference_projection(G, **kw)
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
        G.add_node(f"n{i}", category=draw(st.sampled_from(cats)), name=f"N{i}")
    types = ["CARRIES", "REGULATES", "TARGETS", "PRODUCT_OF", "RELEASES", "INTERACTS_WITH", "PART_OF"]
    for u, v, k, pm, lvl, recs, eff, score in draw(st.lists(st.tuples(
            st.integers(0, n - 1), st.integers(0, n - 1), st.sampled_from(types),
            st.lists(st.sampled_from(["1", "2", "3", "4", "5"]), max_size=4, unique=True),
            st.sampled_from(["in_vitro", "in_vivo", "patient_samples", "unspecified", None]),
            st.one_of(st.none(), st.lists(st.sampled_from([f"n{i}" for i in range(n)] + ["ghost"]), max_size=3)),
            st.sampled_from([None, "activates", "represses"]),
            st.one_of(st.none(), st.integers(150, 1000))), max_size=20)):
        d = {"pmids": pm}
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


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(knowledge_graphs(), st.booleans(), st.dictionaries(st.sampled_from([f"n{i}" for i in range(9)] + ["ghost"]),
                                                         st.integers(0, 3)), st.booleans())
def test_projection_equals_the_per_edge_reference(G, include_biomarkers, multiplicity, resample):
    kw = {"include_biomarkers": include_biomarkers, "multiplicity": Counter(multiplicity) if resample else None}
    assert_same_projection(G, **kw)


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
    records = sorted(n for n, c in G.nodes(data="category") if c == "CommunicationRecord")
    rng = np.random.default_rng(3)
    assert_same_projection(G, multiplicity=Counter(records[i] for i in rng.integers(0, len(records), len(records))))


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
