"""Graph invariants of the bundled knowledge graph and the table <-> graph round trip."""

from collections import Counter

from evgraph.model import communications, from_graph, to_graph
from evgraph.tables import validate


def test_each_record_has_one_donor_cargo_recipient_and_cancer(bundled_graph):
    G = bundled_graph
    for rec, cat in G.nodes(data="category"):
        if cat != "CommunicationRecord":
            continue
        kinds_in = Counter(k for _, _, k in G.in_edges(rec, keys=True))
        kinds_out = Counter(k for _, _, k in G.out_edges(rec, keys=True))
        assert kinds_in["RELEASES"] == 1, rec
        # a whole-EV record resolves no cargo molecule; every other record carries one
        assert (kinds_out["CARRIES"] >= 1) == (G.nodes[rec]["cargo_type"] != "whole_EV"), rec
        assert kinds_out["TAKEN_UP_BY"] >= 1, rec
        assert kinds_out["IN_CONTEXT_OF"] == 1, rec
        assert kinds_out["CAUSES"] >= 1, rec
        assert G.nodes[rec].get("pmids") or G.nodes[rec].get("dois"), rec


def test_every_edge_has_provenance(bundled_graph):
    for u, v, k, d in bundled_graph.edges(keys=True, data=True):
        assert isinstance(d["pmids"], list)
        assert d["knowledge_source"] and d["source_version"] and d["license"] and d["evidence_level"]
        if d["knowledge_source"] == "evgraph-curated":
            assert d["pmids"] or d.get("dois"), (u, v, k)
            assert all(p.isdigit() for p in d["pmids"]), (u, v, k)


def test_every_pmid_and_doi_is_in_the_reference_list(bundled_graph):
    refs = {r["pmid"] for r in bundled_graph.graph["kb"]["references"]}
    refs |= {r["doi"] for r in bundled_graph.graph["kb"]["references"]}
    cited = {p for _, _, d in bundled_graph.edges(data=True) for p in d["pmids"] + d.get("dois", [])}
    assert cited <= refs, sorted(cited - refs)


def test_round_trip_loses_nothing(bundled_graph):
    t = from_graph(bundled_graph)
    assert validate(t) == []
    H = to_graph(t)
    assert set(H.nodes) == set(bundled_graph.nodes)
    assert set(H.edges(keys=True)) == set(bundled_graph.edges(keys=True))
    for n in list(H)[:50]:
        assert H.nodes[n] == bundled_graph.nodes[n]


def test_communications_view(bundled_graph):
    df = communications(bundled_graph)
    n = sum(1 for _, c in bundled_graph.nodes(data="category") if c == "CommunicationRecord")
    assert len(df) == n
    assert df["donor_cell"].str.count(";").eq(0).all()
    assert (df["recipient_cell"] != "").all()
    assert ((df["cargo"] != "") | (df["cargo_type"] == "whole_EV")).all()
