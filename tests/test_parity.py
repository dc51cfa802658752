"""Parity: every query of the ``cypher/`` library returns the same rows on Neo4j and on the
embedded FalkorDB engine for the bundled knowledge base, with its default parameters and with
the parameters of each of its documented examples.

Rows are compared as multisets and lists inside them as sorted lists, since neither engine
defines the order of ``collect()``; where a query orders its rows, the order must agree too.
"""

import json
import shlex

import pytest

from evgraph.db.connection import DbError
from evgraph.db.engine import open_engine
from evgraph.db.library import REQUIREMENTS, library, load_query, parse_params, run_on
from tests.embedded_server import embedded_or_skip, loaded_embedded
from tests.neo4j_server import neo4j_db, neo4j_server, require_neo4j  # noqa: F401  (fixtures)

pytestmark = [pytest.mark.neo4j, pytest.mark.embedded]

NEO4J_ONLY = {q.name for q in library().values() if set(q.requires) & set(REQUIREMENTS)}


def example_params(example: str) -> list[str]:
    words = shlex.split(example)
    return [words[i + 1] for i, w in enumerate(words[:-1]) if w in ("--param", "-p")]


CASES = [pytest.param(q.name, pairs, id=f"{q.name}[{label}]")
         for q in library().values() if q.name not in NEO4J_ONLY
         for label, pairs in [("defaults", [])] + [(f"example{i}", example_params(e))
                                                    for i, e in enumerate(q.examples, start=1)]]


@pytest.fixture(scope="module")
def embedded_engine(tmp_path_factory, bundled_graph):
    # CI sets EVGRAPH_REQUIRE_NEO4J: parity then fails, never skips, without either engine
    embedded_or_skip(required=require_neo4j())
    settings = loaded_embedded(tmp_path_factory.mktemp("parity"), bundled_graph)
    with open_engine(settings) as engine:
        yield engine


@pytest.fixture(scope="module")
def neo4j_engine(neo4j_db):  # noqa: F811
    with open_engine(neo4j_db) as engine:
        yield engine


def canonical(value):
    if isinstance(value, list):
        return sorted((canonical(v) for v in value), key=lambda v: json.dumps(v, sort_keys=True))
    if isinstance(value, dict):
        return {k: canonical(v) for k, v in value.items()}
    return value


def canonical_rows(rows):
    return [json.dumps({k: canonical(v) for k, v in r.items()}, sort_keys=True) for r in rows]


def test_every_query_has_a_case():
    assert {c.values[0] for c in CASES} | NEO4J_ONLY == set(library())
    assert NEO4J_ONLY == {"gds_pagerank", "gds_betweenness"}


@pytest.mark.parametrize("name,pairs", CASES)
def test_same_rows_on_both_engines(neo4j_engine, embedded_engine, name, pairs):
    q = load_query(name)
    params = parse_params(q, pairs)
    neo_columns, neo_rows = run_on(neo4j_engine, q, params)
    emb_columns, emb_rows = run_on(embedded_engine, q, params)
    assert emb_columns == neo_columns
    if not pairs:
        assert neo_rows, "the defaults should find something in the bundled knowledge base"
    a, b = canonical_rows(neo_rows), canonical_rows(emb_rows)
    assert sorted(b) == sorted(a)
    if "ORDER BY" in q.text:
        assert b == a


@pytest.mark.parametrize("name", sorted(NEO4J_ONLY))
def test_neo4j_only_queries_say_why_on_the_embedded_engine(embedded_engine, name):
    q = load_query(name)
    with pytest.raises(DbError, match=f"query '{name}' cannot run on the embedded FalkorDB database .*"
                                      "Graph Data Science"):
        run_on(embedded_engine, q, parse_params(q, []))
