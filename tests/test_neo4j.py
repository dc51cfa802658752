"""Neo4j only: schema constraints, GDS queries and ranking, connection errors, the CLI on a server.

What both engines share (loads, the query library) is tested in ``test_db_engines.py``."""

import json

import pytest
from typer.testing import CliRunner

from evgraph.cli import app
from evgraph.db.connection import DbError, Settings, connect
from evgraph.db.gds import gds_scores
from evgraph.db.library import load_query, parse_params, run_query
from tests.neo4j_server import neo4j_db, neo4j_server  # noqa: F401  (fixtures)

pytestmark = pytest.mark.neo4j


@pytest.fixture(scope="module")
def db(neo4j_db):  # noqa: F811
    return neo4j_db


def rows(settings, name, **params):
    q = load_query(name)
    values = parse_params(q, [f"{k}={v}" for k, v in params.items()])
    return run_query(settings, q, values)[1]


def test_constraints_come_from_the_schema(db):
    with connect(db) as driver:
        names = {r["name"] for r in driver.execute_query("SHOW CONSTRAINTS YIELD name").records}
    assert {"entity_id", "celltype_id", "mirna_id", "communicationrecord_id"} <= names


def test_gds_queries(db):
    pr = rows(db, "gds_pagerank", limit=5)
    assert len(pr) == 5 and pr[0]["id"] == "CL:0001064"
    assert [x["score"] for x in pr] == sorted((x["score"] for x in pr), reverse=True)
    mirna = rows(db, "gds_pagerank", category="MiRNA", limit=3)
    assert all(x["category"] == "MiRNA" for x in mirna)
    bt = rows(db, "gds_betweenness", limit=3, sampling_size=100)
    assert len(bt) == 3


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
    a = rank_targets(bundled_graph, methods=methods, precomputed=scores, granularity="molecule").rows
    b = rank_targets(bundled_graph, methods=methods, engine="networkx", granularity="molecule").rows
    for m in methods:
        ra = {r["id"]: r[f"{m}_rank"] for r in a}
        rb = {r["id"]: r[f"{m}_rank"] for r in b}
        assert kendall_tau(ra, rb) > 0.99, m
    assert [r["id"] for r in a[:10]] == [r["id"] for r in b[:10]]
    r = CliRunner().invoke(app, ["rank", "--engine", "neo4j", "-f", "json", "--top", "3"])
    assert r.exit_code == 0, r.output
    assert [x["id"] for x in json.loads(r.stdout)["rows"]] == [x["id"] for x in b[:3]]
    assert "ranks molecules" in r.stderr  # GDS scores nodes as stored: the rows are per molecule
    r = CliRunner().invoke(app, ["rank", "--engine", "neo4j", "--method", "katz"])
    assert r.exit_code == 1 and "computes degree, pagerank, betweenness" in r.output
