"""Neo4j against a real server: idempotent loads, rollback, the Cypher library, GDS ranking."""

import json

import networkx as nx
import pytest
from typer.testing import CliRunner

from evgraph.cli import app
from evgraph.db.connection import DbError, Settings, connect
from evgraph.db.gds import gds_scores
from evgraph.db.library import library, load_query, parse_params, run_query
from evgraph.db.load import load_graph, wipe
from tests.neo4j_server import neo4j_server  # noqa: F401  (fixture)

pytestmark = pytest.mark.neo4j


@pytest.fixture(scope="module")
def db(neo4j_server, bundled_graph):  # noqa: F811
    settings = neo4j_server.settings
    wipe(settings)
    load_graph(bundled_graph, settings)
    return settings


def snapshot(settings):
    with connect(settings) as driver:
        nodes = driver.execute_query(
            "MATCH (n) RETURN n.id AS id, labels(n) AS labels, properties(n) AS p ORDER BY id",
            database_=settings.database).records
        rels = driver.execute_query(
            "MATCH (a)-[r]->(b) RETURN a.id AS a, type(r) AS t, b.id AS b, properties(r) AS p ORDER BY a, t, b",
            database_=settings.database).records
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


def test_constraints_come_from_the_schema(db):
    with connect(db) as driver:
        names = {r["name"] for r in driver.execute_query("SHOW CONSTRAINTS YIELD name").records}
    assert {"entity_id", "celltype_id", "mirna_id", "communicationrecord_id"} <= names


def test_failing_batch_rolls_back_and_names_rows(db):
    G = nx.MultiDiGraph()
    # the id exists already as a CellType: as a Gene it breaks the Entity id constraint
    G.add_node("CL:0000057", category="Gene", name="clash", symbol="X")
    G.add_node("hgnc.symbol:NEWGENE1", category="Gene", name="NEWGENE1", symbol="NEWGENE1")
    with pytest.raises(DbError) as err:
        load_graph(G, db)
    message = str(err.value)
    assert "batch 1 of 1" in message and "rolled back" in message and "CL:0000057" in message
    with connect(db) as driver:
        n = driver.execute_query("MATCH (g:Gene {id: 'hgnc.symbol:NEWGENE1'}) RETURN count(g) AS n").records[0]["n"]
    assert n == 0  # the good row of the failed batch was rolled back too


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


def test_gds_queries(db):
    pr = rows(db, "gds_pagerank", limit=5)
    assert len(pr) == 5 and pr[0]["id"] == "CL:0001064"
    assert [x["score"] for x in pr] == sorted((x["score"] for x in pr), reverse=True)
    mirna = rows(db, "gds_pagerank", category="MiRNA", limit=3)
    assert all(x["category"] == "MiRNA" for x in mirna)
    bt = rows(db, "gds_betweenness", limit=3, sampling_size=100)
    assert len(bt) == 3


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
    with connect(db) as driver:
        driver.execute_query("MATCH (n:Scratch) DELETE n")
    bad = tmp_path / "bad.cypher"
    bad.write_text("// name: bad\n// description: broken\nMATCH (n RETURN n\n")
    with pytest.raises(DbError, match="query 'bad' failed"):
        run_query(db, load_query(str(bad)), {})


def test_connection_errors(db):
    with pytest.raises(DbError, match="cannot reach Neo4j at bolt://127.0.0.1:1"):
        with connect(Settings(uri="bolt://127.0.0.1:1", password="x")):
            pass
    wrong = Settings(uri=db.uri, user="neo4j", password="not-the-password")
    with pytest.raises(DbError, match="refused the credentials") as err:
        with connect(wrong):
            pass
    assert "not-the-password" not in str(err.value)
    assert "not-the-password" not in repr(wrong)
    with pytest.raises(DbError, match="database 'nosuchdb' does not exist"):
        with connect(Settings(uri=db.uri, user=db.user, password=db.password, database="nosuchdb")):
            pass


def test_cli_db_commands(db, monkeypatch, tmp_path):
    monkeypatch.setenv("NEO4J_URI", db.uri)
    monkeypatch.setenv("NEO4J_USER", db.user)
    monkeypatch.setenv("NEO4J_PASSWORD", db.password)
    runner = CliRunner()
    r = runner.invoke(app, ["db", "load", "--batch-size", "200"])
    assert r.exit_code == 0, r.output
    assert db.password not in r.output
    assert "CommunicationRecord\t0\t" in r.output  # nothing new: created 0
    r = runner.invoke(app, ["db", "query", "edge_evidence", "-f", "json"])
    assert r.exit_code == 0 and json.loads(r.output)[0]["type"] == "REGULATES"
    r = runner.invoke(app, ["db", "query", "no_such_query"])
    assert r.exit_code == 1 and "unknown query 'no_such_query'; valid choices:" in r.output
    r = runner.invoke(app, ["db", "query", "cargo_between_cells", "--param", "limit=3"])
    assert r.exit_code == 1 and "has no parameter 'limit'" in r.output
    r = runner.invoke(app, ["db", "load", "--wipe"], input="n\n")
    assert r.exit_code == 1 and "not confirmed" in r.output
    assert runner.invoke(app, ["db", "queries"]).exit_code == 0


def test_rank_engine_neo4j_agrees_with_networkx(db, monkeypatch, bundled_graph):
    from evgraph.analysis.consensus import kendall_tau
    from evgraph.analysis.ranking import rank_targets

    monkeypatch.setenv("NEO4J_URI", db.uri)
    monkeypatch.setenv("NEO4J_PASSWORD", db.password)
    methods = ["degree", "pagerank", "betweenness"]
    scores = gds_scores(db, methods)
    a = rank_targets(bundled_graph, methods=methods, precomputed=scores).rows
    b = rank_targets(bundled_graph, methods=methods, engine="networkx").rows
    for m in methods:
        ra = {r["id"]: r[f"{m}_rank"] for r in a}
        rb = {r["id"]: r[f"{m}_rank"] for r in b}
        assert kendall_tau(ra, rb) > 0.99, m
    assert [r["id"] for r in a[:10]] == [r["id"] for r in b[:10]]
    r = CliRunner().invoke(app, ["rank", "--engine", "neo4j", "-f", "json", "--top", "3"])
    assert r.exit_code == 0, r.output
    assert [x["id"] for x in json.loads(r.output)] == [x["id"] for x in b[:3]]
    r = CliRunner().invoke(app, ["rank", "--engine", "neo4j", "--method", "katz"])
    assert r.exit_code == 1 and "computes degree, pagerank, betweenness" in r.output
