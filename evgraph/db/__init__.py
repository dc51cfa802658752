"""The Neo4j layer: connection settings, schema-driven constraints, idempotent batched loads,
bulk-import CSVs, the ``cypher/`` query library and in-database ranking with GDS.

The only package that imports the ``neo4j`` driver. Values reach Cypher only as
parameters; labels and relationship types only from the schema.
"""
