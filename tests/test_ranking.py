"""Ranking: hand-computed tiny graphs and property tests (hypothesis)."""

import networkx as nx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from evgraph.analysis import rank_targets
from evgraph.analysis.context import candidates, context_seeds, resolve_node, restrict
from evgraph.analysis.explain import explain_node
from evgraph.analysis.ranking import score_candidates
from evgraph.analysis.network import Network
from evgraph.analysis.roles import cell_network, rank_cells
from evgraph.analysis.uncertainty import xswap
from evgraph.errors import EvgraphError, UnknownChoiceError


CARGO_CATEGORIES = {"MiRNA", "Protein", "LncRNA", "CircRNA", "MRNA", "DNA", "Lipid", "Metabolite"}


def test_rank_bundled_has_required_columns(bundled_graph):
    res = rank_targets(bundled_graph, candidates="cargo", granularity="molecule")
    cols = set(res.table.columns)
    assert {"rank", "id", "name", "category", "forms", "roles", "modality", "modality_evidence", "score",
            "rank_low", "rank_high", "top_k_frequency", "p_value", "q_value", "n_pmids", "n_records", "cancers",
            "drugs"} <= cols
    for m in res.params["methods"]:
        assert f"{m}_score" in cols and f"{m}_rank" in cols
    assert sorted(res.table["rank"]) == list(range(1, len(res.table) + 1))
    assert res.table["score"].is_monotonic_decreasing
    assert set(res.table["category"]) <= CARGO_CATEGORIES
    # by target, a protein cargo is ranked as its gene, and lists the protein among its forms
    targets = rank_targets(bundled_graph, candidates="cargo")
    cats = {n: d["category"] for n, d in bundled_graph.nodes(data=True)}
    for row in targets.rows:
        assert any(cats[f] in CARGO_CATEGORIES for f in row["forms"]), row
        assert "EV cargo" in row["roles"]


def test_candidate_sets(bundled_graph):
    G = bundled_graph
    assert all(G.nodes[n]["category"] == "Gene" for n in candidates(G, "targets"))
    assert "hgnc.symbol:RAB27A" in candidates(G, "machinery")
    receptors = candidates(G, "receptors")
    assert receptors and set(receptors) <= set(candidates(G, "targets"))
    assert all(G.nodes[n]["category"] == "CellType" for n in candidates(G, "cells"))
    with pytest.raises(UnknownChoiceError, match="valid choices"):
        candidates(G, "everything")


def test_cancer_context_keeps_only_its_records(bundled_graph):
    H = restrict(bundled_graph, cancer="breast cancer")
    recs = [n for n, c in H.nodes(data="category") if c == "CommunicationRecord"]
    assert recs
    for r in recs:
        assert "MONDO:0007254" in {v for _, v, k in H.out_edges(r, keys=True) if k == "IN_CONTEXT_OF"}
    for u, v, k, d in H.edges(keys=True, data=True):
        if "records" in d:
            assert set(d["records"]) <= set(recs)
    with pytest.raises(UnknownChoiceError, match=r"unknown cancer 'not a cancer'; closest names: .*\(MONDO:\d{7}\)"):
        restrict(bundled_graph, cancer="not a cancer")
    with pytest.raises(UnknownChoiceError, match="in_vivo"):
        restrict(bundled_graph, evidence="strong")


def test_evidence_filter(bundled_graph):
    H = restrict(bundled_graph, evidence="patient_samples")
    kept = [d for _, d in H.nodes(data=True) if d["category"] == "CommunicationRecord"]
    assert kept and all(d["patient_samples"] for d in kept)
    animal = restrict(bundled_graph, evidence="in_vivo")
    for _, d in animal.nodes(data=True):
        if d["category"] == "CommunicationRecord":
            assert "in_vivo" in d["model_system"] or d["patient_samples"]


def test_context_seeds_and_ppr(bundled_graph):
    seeds = context_seeds(bundled_graph, "breast cancer")
    assert seeds and all(s.startswith("EVC:") for s in seeds)
    res = rank_targets(bundled_graph, candidates="cargo", context="breast cancer", methods=["ppr"])
    assert res.params["context_seeds"] == seeds
    with pytest.raises(EvgraphError, match="needs a context"):
        rank_targets(bundled_graph, methods=["ppr"])


def test_bad_options(bundled_graph):
    with pytest.raises(UnknownChoiceError, match="unknown method 'nope'; valid choices: betweenness"):
        rank_targets(bundled_graph, methods=["nope"])
    with pytest.raises(UnknownChoiceError, match="unknown consensus"):
        rank_targets(bundled_graph, consensus="median")
    with pytest.raises(UnknownChoiceError, match="unknown node 'NOTAGENE"):
        resolve_node(bundled_graph, "NOTAGENE_XYZ")
    with pytest.raises(UnknownChoiceError, match="engine"):
        rank_targets(bundled_graph, engine="gpu")


def test_same_seed_same_output_and_workers_do_not_matter(bundled_graph):
    kw = dict(candidates="cargo", methods=["degree", "pagerank"], bootstrap=6, permutations=5, seed=3)
    a = rank_targets(bundled_graph, **kw).records()
    b = rank_targets(bundled_graph, **kw).records()
    c = rank_targets(bundled_graph, n_jobs=2, **kw).records()
    assert a == b == c
    for r in a:
        assert r["rank_low"] <= r["rank_high"]
        assert 0 < r["p_value"] <= 1


def test_hand_computed_star_ranking():
    """A hub miRNA regulating three genes outranks a miRNA regulating one."""
    M = nx.MultiDiGraph()
    prov = {"pmids": ["1"], "evidence_level": "in_vitro"}
    for n, c in [("hsa-miR-1", "MiRNA"), ("hsa-miR-2", "MiRNA")] + [(f"hgnc.symbol:G{i}", "Gene") for i in range(4)]:
        M.add_node(n, category=c, name=n)
    for i in range(3):
        M.add_edge("hsa-miR-1", f"hgnc.symbol:G{i}", key="REGULATES", **prov)
    M.add_edge("hsa-miR-2", "hgnc.symbol:G3", key="REGULATES", **prov)
    M.add_edge("hsa-miR-2", "hgnc.symbol:G0", key="REGULATES", **prov)
    res = rank_targets(M, candidates="all", methods=["degree", "betweenness"])
    mirnas = res.table[res.table["category"] == "MiRNA"].reset_index()
    assert list(mirnas["id"]) == ["hsa-miR-1", "hsa-miR-2"]
    assert res.table.loc[0, "id"] == "hsa-miR-1"
    assert res.table.loc[0, "degree_score"] == 1.5  # three in-vitro edges of weight 0.5
    # no record carries them: they are not EV cargo
    with pytest.raises(EvgraphError, match="no cargo candidates"):
        rank_targets(M, candidates="cargo", methods=["degree"])


@st.composite
def tiny_graphs(draw):
    n_mir = draw(st.integers(2, 5))
    n_gene = draw(st.integers(2, 6))
    M = nx.MultiDiGraph()
    for i in range(n_mir):
        M.add_node(f"hsa-miR-{i + 1}", category="MiRNA", name=f"m{i}")
    for j in range(n_gene):
        M.add_node(f"hgnc.symbol:G{j}", category="Gene", name=f"G{j}")
    pairs = draw(st.lists(st.tuples(st.integers(0, n_mir - 1), st.integers(0, n_gene - 1),
                                    st.sampled_from(["in_vitro", "in_vivo", "patient_samples"]),
                                    st.integers(1, 3)), min_size=1, max_size=15, unique_by=lambda t: t[:2]))
    for i, j, level, k in pairs:
        M.add_edge(f"hsa-miR-{i + 1}", f"hgnc.symbol:G{j}", key="REGULATES",
                   pmids=[str(100 + x) for x in range(k)], evidence_level=level)
    return M


METHODS = ["degree", "betweenness", "closeness", "pagerank", "katz", "mcc", "stress"]


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tiny_graphs())
def test_ranks_are_a_permutation(M):
    res = rank_targets(M, candidates="all", methods=METHODS)
    n = len(res.table)
    assert sorted(res.table["rank"]) == list(range(1, n + 1))
    for m in METHODS:
        assert res.table[f"{m}_rank"].between(1, n).all()


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tiny_graphs())
def test_relabelling_nodes_does_not_change_scores(M):
    mapping = {n: (n.replace("G", "X") if n.startswith("hgnc") else n.replace("miR-", "miR-9")) for n in M}
    R = nx.relabel_nodes(M, mapping)
    a = rank_targets(M, candidates="all", methods=METHODS).table.set_index("id")
    b = rank_targets(R, candidates="all", methods=METHODS).table.set_index("id")
    for n, m in mapping.items():
        if n not in a.index:
            continue
        for meth in METHODS:
            assert b.loc[m, f"{meth}_score"] == pytest.approx(a.loc[n, f"{meth}_score"], rel=1e-9, abs=1e-12)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tiny_graphs())
def test_isolated_node_changes_nothing_for_the_others(M):
    N = M.copy()
    N.add_node("hsa-miR-999", category="MiRNA", name="lonely")
    pure = ["degree", "betweenness", "closeness", "harmonic", "katz", "mcc", "stress", "radiality"]
    ra = rank_targets(M, candidates="all", methods=pure)
    rb = rank_targets(N, candidates="all", methods=pure)
    a, b = ra.table.set_index("id"), rb.table.set_index("id")
    assert "hsa-miR-999" not in b.index  # candidates must take part in the network
    # closeness and radiality are scaled by the share of the other n - 1 nodes reached
    # (Wasserman-Faust), so one more node scales them all alike and keeps their order
    share = (ra.params["graph"]["nodes"] - 1) / (rb.params["graph"]["nodes"] - 1)
    for n in a.index:
        for meth in pure:
            expect = a.loc[n, f"{meth}_score"] * (share if meth in ("closeness", "radiality") else 1.0)
            assert b.loc[n, f"{meth}_score"] == pytest.approx(expect, rel=1e-9, abs=1e-12)
            assert b.loc[n, f"{meth}_rank"] == a.loc[n, f"{meth}_rank"]
    # PageRank rescales (teleport mass spreads over one more node) but keeps the order
    pa = rank_targets(M, candidates="all", methods=["pagerank"]).table.set_index("id")["pagerank_rank"]
    pb = rank_targets(N, candidates="all", methods=["pagerank"]).table.set_index("id")["pagerank_rank"]
    assert (pa == pb.loc[pa.index]).all()


def test_xswap_preserves_degrees_per_type():
    D = nx.DiGraph()
    for i in range(20):
        D.add_edge(f"a{i}", f"b{(i * 7) % 20}", weight=1.0, types=["X"])
        D.add_edge(f"b{i}", f"c{(i * 3) % 20}", weight=2.0, types=["Y"])
    R = xswap(D, seed=5)
    for t in ("X", "Y"):
        def degs(G, t=t):
            out = {}
            for u, v, d in G.edges(data=True):
                if d["types"] == [t]:
                    out[("o", u)] = out.get(("o", u), 0) + 1
                    out[("i", v)] = out.get(("i", v), 0) + 1
            return out
        assert degs(R) == degs(D)
    assert set(R.edges()) != set(D.edges())
    assert xswap(D, seed=5).edges() == R.edges()


def test_score_candidates_final_rank_is_permutation(bundled_graph):
    from evgraph.analysis.projection import project

    P = project(bundled_graph)
    cands = candidates(bundled_graph, "cargo")
    _, _, _, final = score_candidates(Network(P), cands, ["degree", "katz"])
    assert sorted(final.values()) == list(range(1, len(cands) + 1))


def test_cell_roles(bundled_graph):
    C = cell_network(bundled_graph)
    assert C.number_of_edges() > 10
    df = rank_cells(bundled_graph)
    assert sorted(df["rank"]) == list(range(1, len(df) + 1))
    top = df.iloc[0]
    assert top["id"] == "CL:0001064" and top["sender_rank"] == 1  # tumour cells send most
    assert set(df["main_role"]) <= {"sender", "receiver", "mediator", "influencer", ""}


def test_explain_chains_cite_every_step(bundled_graph):
    out = explain_node(bundled_graph, "hsa-miR-105-5p")
    assert out["n_chains"] >= 1
    chain = out["chains"][0]["steps"]
    assert chain[0]["type"] == "RELEASES" and chain[1]["type"] == "CARRIES"
    assert all(step["pmids"] for step in chain)
    assert "24735924" in chain[0]["pmids"]
    m = explain_node(bundled_graph, "RAB27A")
    assert m["chains"][0]["steps"][0]["type"] == "EV_MACHINERY_IN"
