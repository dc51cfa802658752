"""A real Neo4j server for the tests: $NEO4J_URI if given, else scripts/neo4j-server.sh."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "neo4j-server.sh"
TEST_PORT = "7688"
TEST_PASSWORD = "evgraph-test-pw"


def require_neo4j() -> bool:
    return os.environ.get("EVGRAPH_REQUIRE_NEO4J", "") not in ("", "0", "false")


def server_env() -> dict:
    env = dict(os.environ)
    env.setdefault("EVGRAPH_NEO4J_HOME", str(Path.home() / ".cache" / "evgraph" / "neo4j-5.26-test"))
    env["NEO4J_BOLT_PORT"] = env.get("EVGRAPH_TEST_NEO4J_PORT", TEST_PORT)
    env["NEO4J_PASSWORD"] = TEST_PASSWORD
    env.pop("NEO4J_DEFAULT_DATABASE", None)
    return env


def script(*args, env=None, check=True) -> subprocess.CompletedProcess:
    return subprocess.run(["bash", str(SCRIPT), *args], env=env or server_env(), capture_output=True,
                          text=True, check=check, timeout=900)


class Server:
    """Connection settings plus, when the tests started the server, control over it."""

    def __init__(self, settings, managed: bool):
        self.settings = settings
        self.managed = managed

    def restart(self, default_database=None):
        env = server_env()
        if default_database:
            env["NEO4J_DEFAULT_DATABASE"] = default_database
        script("stop", env=env)
        script("start", env=env)

    def admin(self, *args):
        return script("admin", *args, check=False)


@pytest.fixture(scope="session")
def neo4j_server():
    from evgraph.db.connection import Settings

    if os.environ.get("NEO4J_URI"):
        yield Server(Settings.from_env(), managed=False)
        return
    missing = [tool for tool in ("java", "javac", "mvn") if shutil.which(tool) is None]
    if missing:
        reason = f"Neo4j tests need a server: set NEO4J_URI, or install {', '.join(missing)} to start one"
        if require_neo4j():
            pytest.fail(reason + " (EVGRAPH_REQUIRE_NEO4J=1)")
        pytest.skip(reason)
    try:
        started = script("start")
    except subprocess.CalledProcessError as err:
        message = f"could not start Neo4j with {SCRIPT.name}: {err.stderr[-2000:]}"
        if require_neo4j():
            pytest.fail(message)
        pytest.skip(message)
    uri = started.stdout.strip().splitlines()[-1]
    try:
        yield Server(Settings(uri=uri, user="neo4j", password=TEST_PASSWORD), managed=True)
    finally:
        script("stop", check=False)


@pytest.fixture(scope="module")
def neo4j_db(neo4j_server, bundled_graph):
    """The Neo4j server holding the bundled knowledge base, reloaded for each test module."""
    from evgraph.db.load import load_graph, wipe

    settings = neo4j_server.settings
    wipe(settings)
    load_graph(bundled_graph, settings)
    return settings
