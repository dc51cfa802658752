"""Bulk import: evgraph's neo4j-admin CSVs imported by the real neo4j-admin equal `db load`."""

from collections import Counter

import pytest
from typer.testing import CliRunner

from evgraph.cli import app
from evgraph.db.connection import Settings, connect
from tests.neo4j_server import neo4j_server  # noqa: F401  (fixture)

pytestmark = pytest.mark.neo4j


def counts(settings):
    with connect(settings) as driver:
        labels = driver.execute_query("MATCH (n) UNWIND labels(n) AS l RETURN l, count(*) AS n").records
        types = driver.execute_query("MATCH ()-[r]->() RETURN type(r) AS t, count(*) AS n").records
        sample = driver.execute_query(
            "MATCH (:MiRNA {id: 'hsa-miR-105-5p'})-[r:REGULATES]->(g) RETURN g.id AS g, r.pmids AS pmids, "
            "r.records AS records, r.effect AS effect ORDER BY g").records
        claim = driver.execute_query("MATCH (b:BiomarkerClaim {id: 'EVB:0001'}) RETURN b.value AS v, "
                                     "b.cohort_size AS c, b.pmids AS p").records
    return ({r["l"]: r["n"] for r in labels}, {r["t"]: r["n"] for r in types},
            [dict(r.items()) for r in sample], [dict(r.items()) for r in claim])


def test_admin_import_matches_db_load(neo4j_server, bundled_graph, tmp_path):  # noqa: F811
    if not neo4j_server.managed:
        pytest.skip("needs a server started by scripts/neo4j-server.sh (NEO4J_URI points elsewhere)")
    from evgraph.db.load import load_graph, wipe

    settings = neo4j_server.settings
    wipe(settings)
    load_graph(bundled_graph, settings)
    loaded = counts(settings)
    out = tmp_path / "import"
    r = CliRunner().invoke(app, ["db", "export-import", str(out)])
    assert r.exit_code == 0, r.output
    args = r.output.strip().splitlines()[-1].split()
    assert args[:4] == ["neo4j-admin", "database", "import", "full"]
    files = [a for a in args if a.startswith("--nodes=") or a.startswith("--relationships=")]
    done = neo4j_server.admin("database", "import", "full", "evgraphimport", "--overwrite-destination",
                              "--array-delimiter=;", *files)
    assert done.returncode == 0, done.stderr[-3000:]
    try:
        neo4j_server.restart(default_database="evgraphimport")
        imported = counts(Settings(uri=settings.uri, user=settings.user, password=settings.password))
    finally:
        neo4j_server.restart()
    assert imported[0] == loaded[0]
    assert imported[1] == loaded[1]
    assert imported[2] == loaded[2] and imported[2]  # typed arrays survive: pmids and records are lists
    assert imported[3] == loaded[3]
    expected_types = Counter(k for _, _, k in bundled_graph.edges(keys=True))
    assert imported[1] == dict(expected_types)
