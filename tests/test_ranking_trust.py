"""Rankings a reviewer can check: bootstrap by construction, one row per target, therapeutic
direction, disconnected graphs, multiple testing and the recovery benchmark (issue #12)."""

import json
import math

import networkx as nx
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from evgraph.analysis.arrays import graph_arrays
from evgraph.analysis.evaluate import evaluate_recovery, leave_out, mid_ranks, recovery_metrics
from evgraph.analysis.methods import run_method
from evgraph.analysis.modality import modalities
from evgraph.analysis.network import Network
from evgraph.analysis.projection import edge_weights, paper_term
from evgraph.analysis.ranking import rank_targets, round_sig
from evgraph.analysis.targets import target_groups, targets_of
from evgraph.analysis.uncertainty import bh_qvalues, bootstrap_ranks, draw_papers
from evgraph.errors import EvgraphError

# -- a tiny knowledge graph whose every number can be worked out by hand ----------------------------


def tiny():
    """Tumour cells release two records. EVC:0001 carries miR-21 (repressing PTEN) and promotes
    proliferation; EVC:0002 carries the CD274 protein, activating PDCD1, and promotes immune
    evasion. A drug inhibits CD274; RAB27A knockdown reduced metastasis."""
    G = nx.MultiDiGraph()
    nodes = [("CL:0001064", "CellType", "malignant cell"), ("CL:0000084", "CellType", "T cell"),
             ("EVC:0001", "CommunicationRecord", "r1"), ("EVC:0002", "CommunicationRecord", "r2"),
             ("hsa-miR-21-5p", "MiRNA", "hsa-miR-21-5p"), ("hsa-miR-21", "MiRNA", "hsa-miR-21"),
             ("hgnc.symbol:PTEN", "Gene", "PTEN"), ("protein:CD274", "Protein", "CD274 protein"),
             ("hgnc.symbol:CD274", "Gene", "CD274"), ("hgnc.symbol:PDCD1", "Gene", "PDCD1"),
             ("hgnc.symbol:RAB27A", "Gene", "RAB27A"), ("evgraph.drug:anti-pd-l1", "Drug", "anti-PD-L1"),
             ("GO:0008283", "Phenotype", "proliferation"), ("evgraph:immune_evasion", "Phenotype", "immune evasion"),
             ("evgraph:metastasis", "Phenotype", "metastasis")]
    for n, c, name in nodes:
        G.add_node(n, category=c, name=name)
    for n in ("GO:0008283", "evgraph:immune_evasion", "evgraph:metastasis"):
        G.nodes[n]["polarity"] = "pro_tumour"
    G.nodes["EVC:0001"].update(pmids=["1"], model_system=["in_vitro"])
    G.nodes["EVC:0002"].update(pmids=["2"], model_system=["in_vivo"])

    def e(u, v, k, pmids, level, **kw):
        G.add_edge(u, v, key=k, pmids=pmids, evidence_level=level, **kw)

    e("CL:0001064", "EVC:0001", "RELEASES", ["1"], "in_vitro")
    e("EVC:0001", "hsa-miR-21", "CARRIES", ["1"], "in_vitro")
    e("EVC:0001", "CL:0000084", "TAKEN_UP_BY", ["1"], "in_vitro")
    e("EVC:0001", "GO:0008283", "CAUSES", ["1"], "in_vitro", effect="promotes", records=["EVC:0001"])
    e("hsa-miR-21", "hgnc.symbol:PTEN", "REGULATES", ["1"], "in_vitro", effect="represses", records=["EVC:0001"])
    e("CL:0001064", "EVC:0002", "RELEASES", ["2"], "in_vivo")
    e("EVC:0002", "protein:CD274", "CARRIES", ["2"], "in_vivo")
    e("EVC:0002", "CL:0000084", "TAKEN_UP_BY", ["2"], "in_vivo")
    e("EVC:0002", "evgraph:immune_evasion", "CAUSES", ["2"], "in_vivo", effect="promotes", records=["EVC:0002"])
    e("protein:CD274", "hgnc.symbol:PDCD1", "REGULATES", ["2"], "in_vivo", effect="activates", records=["EVC:0002"])
    e("protein:CD274", "hgnc.symbol:CD274", "PRODUCT_OF", [], "unspecified")
    e("evgraph.drug:anti-pd-l1", "hgnc.symbol:CD274", "TARGETS", ["3"], "in_vivo", action="antibody")
    e("hgnc.symbol:RAB27A", "CL:0001064", "EV_MACHINERY_IN", ["4"], "in_vivo")
    e("hgnc.symbol:RAB27A", "evgraph:metastasis", "MACHINERY_DRIVES", ["4"], "in_vivo", effect="promotes")
    e("hsa-miR-21-5p", "hgnc.symbol:PTEN", "REGULATES", ["5"], "unspecified")  # a database reference
    return G


# -- 1. the bootstrap is right by construction ----------------------------------------------------------

def test_every_paper_drawn_once_reproduces_the_point_ranking(bundled_graph):
    A = graph_arrays(bundled_graph)
    point = rank_targets(bundled_graph, arrays=A)
    cands = [r["id"] for r in point.rows]
    groups = targets_of(A).group
    same = bootstrap_ranks(bundled_graph, cands, point.params["methods"], arrays=A, groups=groups,
                           counts=[np.ones(len(A.papers)), np.ones(len(A.papers))])
    assert same.runs.tolist() == [[r["rank"] for r in point.rows]] * 2
    assert same.low == same.high == {r["id"]: r["rank"] for r in point.rows}
    assert all(same.top_k[r["id"]] == (1.0 if r["rank"] <= 10 else 0.0) for r in point.rows)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.integers(0, 4), st.integers(0, 5), st.sampled_from(["1", "2", "3"])), min_size=1,
                max_size=12, unique_by=lambda t: t[:2]))
def test_identity_replicate_reproduces_ties_too(pairs):
    """Tiny graphs full of ties: the replicate that changes nothing breaks them as the point estimate does."""
    M = nx.MultiDiGraph()
    for i in range(5):
        M.add_node(f"hsa-miR-{i + 1}", category="MiRNA", name=f"m{i}")
    for j in range(6):
        M.add_node(f"hgnc.symbol:G{j}", category="Gene", name=f"G{j}")
    for i, j, p in pairs:
        M.add_edge(f"hsa-miR-{i + 1}", f"hgnc.symbol:G{j}", key="REGULATES", pmids=[p], evidence_level="in_vitro")
    methods = ["degree", "betweenness", "closeness"]
    point = rank_targets(M, methods=methods)
    A = graph_arrays(M)
    runs = bootstrap_ranks(M, [r["id"] for r in point.rows], methods, arrays=A, groups=targets_of(A).group,
                           counts=[np.ones(len(A.papers))]).runs
    assert runs[0].tolist() == [r["rank"] for r in point.rows]


def test_point_ranks_lie_inside_their_intervals(bundled_graph):
    res = rank_targets(bundled_graph, bootstrap=100, seed=7, n_jobs=2)
    inside = [r["rank_low"] <= r["rank"] <= r["rank_high"] for r in res.rows]
    assert np.mean(inside) >= 0.95, [(r["name"], r["rank"], r["rank_low"], r["rank_high"])
                                     for r, ok in zip(res.rows, inside) if not ok]
    for r in res.rows:
        assert 0.0 <= r["top_k_frequency"] <= 1.0
    assert res.params["bootstrap_papers"] > 100


def test_bayesian_bootstrap_weights_have_mean_one_and_fix_the_rest():
    rng = np.random.default_rng(0)
    w = draw_papers(np.array([0, 2, 3]), 5, rng)
    assert w[1] == w[4] == 1.0  # not resampled: fixed
    assert math.isclose(w[[0, 2, 3]].sum(), 3.0) and (w > 0).all()


def test_every_evidence_layer_is_resampled_and_fixed_layers_stay():
    """Records, machinery, drug and database edges all follow their papers; identifier mappings do not."""
    G = tiny()
    A = graph_arrays(G)
    code = {p: i for i, p in enumerate(A.papers)}
    for paper, edge in (("1", ("EVC:0001", "hsa-miR-21")), ("3", ("evgraph.drug:anti-pd-l1", "hgnc.symbol:CD274")),
                        ("4", ("hgnc.symbol:RAB27A", "CL:0001064")), ("5", ("hsa-miR-21-5p", "hgnc.symbol:PTEN"))):
        w = np.ones(len(A.papers))
        w[code[paper]] = 0.0
        _, alive = edge_weights(A, units=w[A.unit_idx])
        gone = {(A.nodes[s], A.nodes[t]) for s, t, a in zip(A.src, A.dst, alive) if not a}
        assert edge in gone
        assert ("protein:CD274", "hgnc.symbol:CD274") not in gone


def test_paper_term_is_continuous_at_one_paper():
    x = np.array([0.999999, 1.0, 1.000001, 2.0, 3.0])
    t = paper_term(x)
    assert abs(t[0] - t[1]) < 1e-5 and abs(t[2] - t[1]) < 1e-5
    assert t[3] == 1.0 + math.log(2) and t[4] == 1.0 + math.log(3)


# -- 2. one row per druggable target --------------------------------------------------------------------

def test_products_and_arm_less_names_merge_into_one_target():
    G = tiny()
    A = graph_arrays(G)
    group = target_groups(A)
    assert A.nodes[group[A.index["protein:CD274"]]] == "hgnc.symbol:CD274"
    assert A.nodes[group[A.index["hsa-miR-21"]]] == "hsa-miR-21-5p"
    G.add_node("hsa-miR-21-3p", category="MiRNA", name="hsa-miR-21-3p")  # both arms: the name is ambiguous
    A = graph_arrays(G)
    assert A.nodes[target_groups(A)[A.index["hsa-miR-21"]]] == "hsa-miR-21"
    assert (target_groups(A, "molecule") == np.arange(len(A.nodes))).all()


def test_default_ranking_has_one_row_per_gene_and_mirna(bundled_graph):
    res = rank_targets(bundled_graph)
    seen = {}
    for r in res.rows:
        for f in r["forms"]:
            assert f not in seen, (f, seen.get(f), r["id"])
            seen[f] = r["id"]
    ids = [r["id"] for r in res.rows]
    cd274 = next(r for r in res.rows if r["id"] == "hgnc.symbol:CD274")
    assert "protein:CD274" in cd274["forms"] and "protein:CD274" not in ids
    assert {"EV cargo", "drug target"} <= set(cd274["roles"])
    mir105 = next(r for r in res.rows if "hsa-miR-105-5p" in r["forms"])
    assert all(not i.startswith("hsa-miR-105") or i == mir105["id"] for i in ids)
    molecules = rank_targets(bundled_graph, granularity="molecule")
    assert "protein:CD274" in [r["id"] for r in molecules.rows]


def test_biomarker_only_molecules_are_not_candidates(bundled_graph):
    biomarker_only = "hgnc.symbol:GPC1"  # measured in serum EVs, carried by no record
    assert biomarker_only in bundled_graph
    assert biomarker_only not in [r["id"] for r in rank_targets(bundled_graph).rows]
    assert biomarker_only in [r["id"] for r in rank_targets(bundled_graph, include_biomarkers=True).rows]


# -- 3. therapeutic direction ---------------------------------------------------------------------------

def test_modality_by_hand():
    G = tiny()
    A = graph_arrays(G)
    m = modalities(A, target_groups(A))
    assert m["hsa-miR-21-5p"][0] == "inhibit"  # oncogenic cargo
    assert m["hgnc.symbol:PTEN"][0] == "restore"  # a suppressor the cargo represses
    assert m["hgnc.symbol:PDCD1"][0] == "inhibit"  # a receptor the cargo activates
    assert m["hgnc.symbol:CD274"][0] == "inhibit"  # cargo and antibody target
    assert m["hgnc.symbol:RAB27A"][0] == "inhibit"  # machinery whose knockdown reduced metastasis
    assert m["evgraph.drug:anti-pd-l1"][0] == "inhibit"
    assert any("EVC:0001" in line for line in m["hgnc.symbol:PTEN"][1])
    # a second record in which miR-21 cargo suppresses the tumour makes its direction unclear
    G.add_node("EVC:0003", category="CommunicationRecord", name="r3", pmids=["6"], model_system=["in_vitro"])
    G.add_edge("EVC:0003", "hsa-miR-21-5p", key="CARRIES", pmids=["6"], evidence_level="in_vitro")
    G.add_edge("EVC:0003", "GO:0008283", key="CAUSES", pmids=["6"], evidence_level="in_vitro", effect="inhibits",
               records=["EVC:0003"])
    A = graph_arrays(G)
    mod, why = modalities(A, target_groups(A))["hsa-miR-21-5p"]
    assert mod == "unclear" and any(w.startswith("inhibit") for w in why) and any(w.startswith("restore") for w in why)


def test_every_row_has_a_modality_and_pten_reads_restore(bundled_graph):
    rows = rank_targets(bundled_graph).rows
    assert all(r["modality"] in ("inhibit", "restore", "unclear") for r in rows)
    pten = next(r for r in rows if r["id"] == "hgnc.symbol:PTEN")
    assert pten["modality"] == "restore" and pten["modality_evidence"]


# -- 4. centralities on disconnected graphs -------------------------------------------------------------

@pytest.mark.parametrize("method", ["closeness", "closeness_sampled", "eccentricity", "radiality"])
@pytest.mark.parametrize("engine", ["networkx", "igraph"])
def test_an_isolated_pair_does_not_outrank_the_hub(method, engine):
    P = nx.DiGraph()
    for leaf in "abcdef":
        P.add_edge("hub", leaf, weight=1.0)
    P.add_edge("x", "y", weight=1.0)
    scores = run_method(Network(P, engine), method, seed=0)
    assert scores["hub"] > scores["x"] == scores["y"] > 0
    if method == "closeness":  # by hand: 1 within the pair, times 1 of 8 other nodes reached
        assert scores["x"] == pytest.approx(1e6 / 1e6 * 1 / 8)


# -- 5. multiple testing, warnings, output hygiene -------------------------------------------------------

def test_benjamini_hochberg_by_hand_and_by_property():
    assert bh_qvalues({"a": 0.01, "b": 0.02, "c": 0.03}) == pytest.approx({"a": 0.03, "b": 0.03, "c": 0.03})
    assert bh_qvalues({"a": 0.5, "b": 0.5}) == {"a": 0.5, "b": 0.5}


@given(st.lists(st.floats(0.0, 1.0), min_size=1, max_size=40))
def test_qvalues_are_monotone_bounded_and_never_below_p(ps):
    p = {str(i): v for i, v in enumerate(ps)}
    q = bh_qvalues(p)
    order = sorted(p, key=lambda k: p[k])
    assert all(p[k] <= q[k] + 1e-15 and q[k] <= 1.0 for k in p)
    assert all(q[a] <= q[b] + 1e-15 for a, b in zip(order, order[1:]))


def test_permutation_rows_carry_q_values(bundled_graph):
    rows = rank_targets(bundled_graph, permutations=5, seed=1, cancer="breast cancer").rows
    assert all(r["q_value"] is not None and r["q_value"] >= r["p_value"] for r in rows)


def test_small_context_warns(bundled_graph):
    G = tiny()
    res = rank_targets(G, methods=["degree"])
    assert res.params["n_records"] == 2 and "too few to rank" in res.params["warnings"][0]
    assert not rank_targets(bundled_graph, methods=["degree"]).params["warnings"]


def test_numbers_round_to_significant_digits():
    assert round_sig(3.2e-12) == 3.2e-12 and str(round_sig(-0.0)) == "0.0"
    res = rank_targets(tiny(), methods=["degree"])
    text = json.dumps(res.records())
    assert "-0.0" not in text and '"consensus_rho": 0.0' not in text


# -- 6. the recovery benchmark ----------------------------------------------------------------------------

def test_mid_ranks_and_metrics_by_hand():
    assert mid_ranks([5, 5, 1, 9]).tolist() == [2.5, 2.5, 4.0, 1.0]
    assert recovery_metrics([1, 12], [3, 1.5], 3, ks=(10,)) == {"recall@10": 0.5, "auroc": 0.75, "median_rank": 6.5}


def test_leave_out_removes_the_target_s_own_evidence_only():
    G = tiny()
    A = graph_arrays(G)
    t = targets_of(A)
    units = leave_out(A, t, "hgnc.symbol:CD274", ["2", "3"])
    owner = np.repeat(np.arange(len(A.src)), np.diff(A.unit_ptr))
    removed = {(A.nodes[A.src[e]], A.nodes[A.dst[e]]) for e in owner[units == 0]}
    # the antibody row and every edge of the record carrying CD274 go; miR-21's record stays
    assert ("evgraph.drug:anti-pd-l1", "hgnc.symbol:CD274") in removed
    assert ("EVC:0002", "evgraph:immune_evasion") in removed and ("CL:0001064", "EVC:0002") in removed
    assert not any("EVC:0001" in pair for pair in removed)


def test_evaluate_reports_every_ranking_and_baseline(bundled_graph):
    from evgraph.loaders.known_targets import load_known_targets

    out = evaluate_recovery(bundled_graph, load_known_targets(), n_random=10)
    assert out["evaluated"] >= 20
    for name in ("consensus", "degree", "betweenness", "closeness", "pagerank", "katz", "n_papers", "random"):
        m = out["metrics"][name]
        assert {"recall@10", "recall@25", "recall@50", "auroc", "median_rank"} <= set(m)
        assert 0.0 <= m["auroc"] <= 1.0
    assert 0.35 < out["metrics"]["random"]["auroc"] < 0.65
    with pytest.raises(EvgraphError, match="none of the known targets"):
        evaluate_recovery(bundled_graph, [{"target": "hgnc.symbol:NOTAGENE", "pmids": ["1"]}], n_random=2)


# -- contexts keep their own papers only ------------------------------------------------------------------

def test_a_cancer_context_keeps_the_papers_of_its_own_records_and_rows(bundled_graph):
    from evgraph.analysis.context import restrict

    breast = "MONDO:0007254"
    H = restrict(bundled_graph, cancer={breast})
    recs = {n for n, c in H.nodes(data="category") if c == "CommunicationRecord"}
    own = {p for r in recs for p in list(H.nodes[r].get("pmids", [])) + list(H.nodes[r].get("dois", []))}
    for u, v, k, d in H.edges(keys=True, data=True):
        papers = set(d.get("pmids", [])) | set(d.get("dois", []))
        if d.get("records") and d.get("knowledge_source") == "evgraph-curated":
            assert papers <= own, (u, v, k, papers - own)  # another cancer's DOI-only papers used to stay
        if d.get("cancer_papers"):  # machinery and drug rows: only the breast rows' papers
            mine = {pair.split("|", 1)[1] for pair in d["cancer_papers"] if pair.split("|", 1)[0] in ("", breast)}
            assert papers and papers <= mine, (u, v, k)
    full = [d for _, v, k, d in bundled_graph.out_edges("hgnc.symbol:RAB27A", keys=True, data=True)
            if k == "EV_MACHINERY_IN"]
    kept = [d for _, v, k, d in H.out_edges("hgnc.symbol:RAB27A", keys=True, data=True) if k == "EV_MACHINERY_IN"]
    assert sum(len(d["pmids"]) + len(d.get("dois", [])) for d in kept) < sum(
        len(d["pmids"]) + len(d.get("dois", [])) for d in full)
    assert any(k == "REDUCES" for _, _, k in H.edges(keys=True))  # drug rows survive a context


@pytest.mark.parametrize("pmid", ["0", "123456789012", "0123", "\u0661\u0662"])
def test_a_known_targets_file_refuses_what_is_not_a_pubmed_id(tmp_path, pmid):
    from evgraph.errors import ValidationError
    from evgraph.loaders.known_targets import KNOWN_TARGET_COLUMNS, load_known_targets

    path = tmp_path / "known.tsv"
    path.write_text("\t".join(KNOWN_TARGET_COLUMNS) + "\n" + "\t".join(
        ["RAB27A", "gene", "knockdown", "", "", "", "", pmid, "", "x"]) + "\n", "utf-8")
    with pytest.raises(ValidationError, match="is not a positive whole number|is larger than any PubMed id"):
        load_known_targets(path)
