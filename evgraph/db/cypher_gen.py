"""Cypher text generated from the schema: constraints, indexes and batched MERGE statements.

Labels and relationship types come only from :mod:`evgraph.schema` (checked to
be CamelCase / UPPER_SNAKE when the schema loads); every value is a parameter.
"""

from __future__ import annotations

from evgraph.schema import Schema, load_schema

__all__ = ["ENTITY", "constraints", "node_merge", "edge_merge", "label_of"]

ENTITY = "Entity"


def label_of(category: str, schema: Schema | None = None) -> str:
    return (schema or load_schema()).category(category).neo4j_label


def constraints(schema: Schema | None = None) -> list[str]:
    """One uniqueness constraint on ``id`` per node label, and a name index per label.

    Examples
    --------
    >>> constraints()[1]
    'CREATE CONSTRAINT celltype_id IF NOT EXISTS FOR (n:CellType) REQUIRE n.id IS UNIQUE'
    """
    schema = schema or load_schema()
    # Every node also carries the label Entity: ids are unique across categories,
    # so any node can be found by id through one index.
    out = [f"CREATE CONSTRAINT entity_id IF NOT EXISTS FOR (n:{ENTITY}) REQUIRE n.id IS UNIQUE"]
    for cat in schema.categories.values():
        label = cat.neo4j_label
        out.append(f"CREATE CONSTRAINT {label.lower()}_id IF NOT EXISTS FOR (n:{label}) REQUIRE n.id IS UNIQUE")
    for cat in schema.categories.values():
        label = cat.neo4j_label
        out.append(f"CREATE INDEX {label.lower()}_name IF NOT EXISTS FOR (n:{label}) ON (n.name)")
    return out


def node_merge(category: str, schema: Schema | None = None) -> str:
    """MERGE a batch of nodes of one category; ``SET n = row.props`` makes reloads identical.

    Returns the number of nodes created and of rows written.
    """
    label = label_of(category, schema)
    return (
        "UNWIND $rows AS row "
        f"OPTIONAL MATCH (old:{label} {{id: row.id}}) "
        "WITH row, old IS NULL AS is_new "
        f"MERGE (n:{label} {{id: row.id}}) "
        f"SET n = row.props, n:{ENTITY} "
        "RETURN sum(CASE WHEN is_new THEN 1 ELSE 0 END) AS created, count(*) AS written"
    )


def edge_merge(rel_type: str, source: str, target: str, schema: Schema | None = None) -> str:
    """MERGE a batch of relationships of one type between two node categories."""
    schema = schema or load_schema()
    rel = schema.relationship(rel_type).name
    a, b = label_of(source, schema), label_of(target, schema)
    return (
        "UNWIND $rows AS row "
        f"MATCH (a:{a} {{id: row.source}}) "
        f"MATCH (b:{b} {{id: row.target}}) "
        f"OPTIONAL MATCH (a)-[old:{rel}]->(b) "
        "WITH a, b, row, old IS NULL AS is_new "
        f"MERGE (a)-[r:{rel}]->(b) "
        "SET r = row.props "
        "RETURN sum(CASE WHEN is_new THEN 1 ELSE 0 END) AS created, count(*) AS written"
    )
