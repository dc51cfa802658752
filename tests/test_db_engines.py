"""What both graph databases share, run on each: idempotent batched loads, rollback of a failing
batch, and the ``cypher/`` library checked against hand-computed answers on the bundled KB."""

import json

import networkx as nx
import pytest

from evgraph.db.connection import DbError
from evgraph.db.engine import open_engine
from evgraph.db.library import library, load_query, parse_params, run_query
from evgraph.db.load import load_graph
from tests.embedded_server import embedded_db  # noqa: F401  (fixture)
from tests.neo4j_server import neo4j_db, neo4j_server  # noqa: F401  (fixtures)


@pytest.fixture(scope="module", params=[pytest.param("neo4j_db", marks=pytest.mark.neo4j, id="neo4j"),
                                        pytest.param("embedded_db", marks=pytest.mark.embedded, id="embedded")])
def db(request):
    return request.getfixturevalue(request.param)


def read(settings, text, **params):
    with open_engine(settings) as engine:
        return engine.run(text, params)[1]


def snapshot(settings):
    nodes = read(settings, "MATCH (n) RETURN n.id AS id, labels(n) AS labels, properties(n) AS p ORDER BY id")
    rels = read(settings, "MATCH (a)-[r]->(b) RETURN a.id AS a, type(r) AS t, b.id AS b, properties(r) AS p "
                          "ORDER BY a, t, b")
    return ([(r["id"], sorted(r["labels"]), json.dumps(r["p"], sort_keys=True, default=str)) for r in nodes],
            [(r["a"], r["t"], r["b"], json.dumps(r["p"], sort_keys=True, default=str)) for r in rels])


def rows(settings, name, **params):
    q = load_query(name)
    values = parse_params(q, [f"{k}={v}" for k, v in params.items()])
    return run_query(settings, q, values)[1]


def test_load_is_idempotent(db, bundled_graph):
    before = snapshot(db)
    assert len(before[0]) == bundled_graph.number_of_nodes()
    assert len(before[1]) == bundled_graph.number_of_edges()
    summary = load_graph(bundled_graph, db, batch_size=50).as_dict()
    assert all(v["created"] == 0 for v in summary["nodes"].values())
    assert all(v["created"] == 0 for v in summary["relationships"].values())
    assert snapshot(db) == before


def test_failing_batch_rolls_back_and_names_rows(db):
    G = nx.MultiDiGraph()
    # the id exists already as a CellType: as a Gene it breaks the Entity id constraint
    G.add_node("CL:0000057", category="Gene", name="clash", symbol="X")
    G.add_node("hgnc.symbol:NEWGENE1", category="Gene", name="NEWGENE1", symbol="NEWGENE1")
    with pytest.raises(DbError) as err:
        load_graph(G, db)
    message = str(err.value)
    assert "batch 1 of 1" in message and "rolled back" in message and "CL:0000057" in message
    # the good row of the failed batch was rolled back too
    assert read(db, "MATCH (g:Gene {id: 'hgnc.symbol:NEWGENE1'}) RETURN count(g) AS n")[0]["n"] == 0


def test_library_has_documented_queries():
    lib = library()
    assert len(lib) >= 12
    for q in lib.values():
        assert q.description and q.examples, q.name
        for p in q.params:
            assert p.doc, (q.name, p.name)


def test_cargo_between_cells(db):
    r = rows(db, "cargo_between_cells", donor="CL:0001064", recipient="CL:0000115", cancer="MONDO:0007254")
    assert {"hsa-miR-105-5p"} <= {x["cargo"] for x in r}
    assert all(x["cancer"] == "breast cancer" for x in r)
    assert r[0]["pmids"]


def test_paths_cargo_to_phenotype(db):
    r = rows(db, "paths_cargo_to_phenotype", cargo="hsa-miR-122")
    steps = {tuple(x["steps"]) for x in r}
    assert ("REGULATES", "ALTERS", "CAUSES") in steps
    assert any("PKM" in x["path"] for x in r)
    only = rows(db, "paths_cargo_to_phenotype", cargo="hsa-miR-122", phenotype="evgraph:metastasis")
    assert only and all(x["path"][-1] == "metastasis" for x in only)


def test_shared_cargo_between_cancers(db, bundled_graph):
    G = bundled_graph

    def cargo_in(cancer):  # reference answer computed on the in-memory graph
        recs = [u for u, _, k in G.in_edges(cancer, keys=True) if k == "IN_CONTEXT_OF"]
        return {v for r in recs for _, v, k in G.out_edges(r, keys=True) if k == "CARRIES"}

    r = rows(db, "shared_cargo_between_cancers", cancer_a="MONDO:0007254", cancer_b="MONDO:0005233")
    expected = cargo_in("MONDO:0007254") & cargo_in("MONDO:0005233")
    assert expected and {x["cargo"] for x in r} == expected
    for x in r:
        assert x["records_a"] and x["records_b"]


def test_most_reprogrammed_recipients(db):
    r = rows(db, "most_reprogrammed_recipients", limit=3)
    assert len(r) == 3
    assert r[0]["cell_type"] == "CL:0001064"
    assert r[0]["records"] >= r[1]["records"] >= r[2]["records"]


def test_mirna_targets_of_cell_type(db):
    r = rows(db, "mirna_targets_of_cell_type", donor="CL:0000057")
    assert {"mirna": "hsa-miR-148b-3p", "target": "PTEN", "effect": "represses"}.items() <= \
        next(x for x in r if x["mirna"] == "hsa-miR-148b-3p").items()


def test_biomarkers_for_cancer(db):
    r = rows(db, "biomarkers_for_cancer", cancer="MONDO:0009831")
    statuses = [x["status"] for x in r]
    assert "negative" in statuses and "disputed" in statuses
    assert statuses.index("supported") < statuses.index("negative")
    auc = rows(db, "biomarkers_for_cancer", cancer="MONDO:0005233", metric="AUC")
    values = [x["value"] for x in auc if x["status"] == "supported"]
    known = [v for v in values if v is not None]
    assert known and known == sorted(known, reverse=True)
    assert values == known + [None] * (len(values) - len(known))  # unreported values last


def test_biomarkers_for_cancer_sorts_within_each_metric_best_first(db):
    r = rows(db, "biomarkers_for_cancer", cancer="MONDO:0009831")
    supported = [x for x in r if x["status"] == "supported"]
    order = ["AUC", "sensitivity", "specificity", "accuracy", "HR", "p_value"]
    metrics = [x["metric"] for x in supported]
    assert metrics == sorted(metrics, key=lambda m: order.index(m) if m in order else len(order))  # grouped
    for metric in set(metrics):
        values = [x["value"] for x in supported if x["metric"] == metric and x["value"] is not None]
        if metric == "p_value":
            assert values == sorted(values)  # the smallest p-value is the best
        elif metric == "HR":
            assert values == sorted(values, key=lambda v: -max(v, 1 / v))  # furthest from 1 first
        else:
            assert values == sorted(values, reverse=True)
    assert {"AUC", "p_value"} <= set(metrics)


def test_machinery_with_inhibitors(db):
    r = rows(db, "machinery_with_inhibitors")
    genes = {x["gene"] for x in r}
    assert {"RAB27A", "SMPD3"} <= genes


def test_edge_evidence(db):
    r = rows(db, "edge_evidence", source="hsa-miR-105-5p", target="hgnc.symbol:TJP1")
    assert r[0]["type"] == "REGULATES" and r[0]["pmids"] == ["24735924"] and r[0]["effect"] == "represses"
    assert "ZO-1" in r[0]["claims"][0]


def test_summary_counts(db, bundled_graph):
    r = rows(db, "summary_counts")
    nodes = {x["kind"]: x["n"] for x in r if x["element"] == "node"}
    assert sum(nodes.values()) == bundled_graph.number_of_nodes()
    assert nodes["CommunicationRecord"] == sum(1 for _, c in bundled_graph.nodes(data="category")
                                               if c == "CommunicationRecord")


def test_phenotype_drivers(db):
    r = rows(db, "phenotype_drivers", phenotype="GO:0001525")
    assert r and r[0]["n_pmids"] >= r[-1]["n_pmids"]
    assert any(x["cargo"] == "hsa-miR-221-3p" for x in r)


def test_stroma_to_tumour(db):
    r = rows(db, "stroma_to_tumour")
    assert r and all(x["donor"] != "malignant cell" for x in r)
    assert {"M2 macrophage", "fibroblast"} <= {x["donor"] for x in r}


def test_drugs_on_ev_network(db):
    r = rows(db, "drugs_on_ev_network")
    pdl1 = next(x for x in r if x["drug"] == "anti-PD-L1 antibody")
    assert pdl1["target"] == "CD274" and "melanoma" in pdl1["cancers"]


def test_query_parameters_and_write_refusal(db, tmp_path):
    q = load_query("cargo_between_cells")
    with pytest.raises(DbError, match="has no parameter 'donr'; its parameters: donor, recipient, cancer"):
        parse_params(q, ["donr=CL:0000057"])
    with pytest.raises(DbError, match="'ten' is not a valid int"):
        parse_params(load_query("most_reprogrammed_recipients"), ["limit=ten"])
    writer = tmp_path / "w.cypher"
    writer.write_text("// name: w\n// description: writes\n// param x: string\nCREATE (n:Scratch {x: $x}) RETURN n.x AS x\n")
    with pytest.raises(DbError, match="needs parameter"):
        parse_params(load_query(str(writer)), [])
    with pytest.raises(DbError, match="writes to the database; run it with --write"):
        run_query(db, load_query(str(writer)), {"x": "a"})
    _, out = run_query(db, load_query(str(writer)), {"x": "a"}, write=True)
    assert out == [{"x": "a"}]
    assert read(db, "MATCH (n:Scratch) RETURN n.x AS x") == [{"x": "a"}]  # kept (saved, when embedded)
    with open_engine(db, write=True) as engine:
        engine.run("MATCH (n:Scratch) DELETE n", {}, write=True)
    assert read(db, "MATCH (n:Scratch) RETURN count(n) AS n") == [{"n": 0}]
    bad = tmp_path / "bad.cypher"
    bad.write_text("// name: bad\n// description: broken\nMATCH (n RETURN n\n")
    with pytest.raises(DbError, match="query 'bad' failed"):
        run_query(db, load_query(str(bad)), {})


