"""The :class:`~evgraph.db.engine.Engine` for the embedded FalkorDB database.

FalkorDB runs each query atomically (a failing query leaves no trace) but has no
multi-statement transactions, so a transaction here is one statement. Values are
sent as FalkorDB query parameters (the ``CYPHER name=value`` header that the
client builds), never pasted into the query text.
"""

from __future__ import annotations

from contextlib import contextmanager

from evgraph.db.connection import DbError
from evgraph.db.cypher_gen import ENTITY
from evgraph.db.embedded import EmbeddedSettings, require_installed, running
from evgraph.db.engine import Engine, MissingProcedure, StatementError, WriteRefused

__all__ = ["FalkorEngine", "GRAPH"]

GRAPH = "evgraph"
_READ_ONLY_REFUSAL = "is to be executed only on read-only queries"


def _plain(value):
    """Nodes, relationships and paths as plain values (properties), like the CLI prints them."""
    from falkordb import Edge, Node, Path

    if isinstance(value, (Node, Edge)):
        return dict(value.properties)
    if isinstance(value, Path):
        return [_plain(n) for n in value.nodes()]
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def _nul_in(value):
    """The first string in ``value`` (nested in lists and maps) holding a NUL character, or ``None``."""
    if isinstance(value, str):
        return value if "\0" in value else None
    items = value.values() if isinstance(value, dict) else value if isinstance(value, (list, tuple)) else ()
    for v in items:
        found = _nul_in(v)
        if found is not None:
            return found
    return None


class FalkorEngine(Engine):
    """A session on the graph ``evgraph`` of an embedded FalkorDB server."""

    name = "falkordb"
    statements_per_transaction = 1

    def __init__(self, server, settings: EmbeddedSettings):
        from falkordb import FalkorDB

        self.server = server
        self.where = settings.uri
        self.db = FalkorDB(unix_socket_path=str(server.socket))
        self.graph = self.db.select_graph(GRAPH)

    @classmethod
    @contextmanager
    def open(cls, settings: EmbeddedSettings, *, write: bool = False):
        require_installed()
        import redis

        with running(settings, write=write) as server:
            engine = cls(server, settings)
            try:
                yield engine
            except redis.exceptions.ConnectionError as err:
                raise DbError(f"lost the embedded database server ({err}); "
                                     f"{server.log_tail()}") from None
            finally:
                engine.db.connection.close()

    def _query(self, text, params, *, read_only=False):
        import redis

        bad = _nul_in(params)
        if bad is not None:
            # the parameter header is a C string: a NUL would cut it short
            raise StatementError(f"FalkorDB cannot take the NUL character, found in the value {bad!r}")
        try:
            return self.graph.ro_query(text, params) if read_only else self.graph.query(text, params)
        except redis.exceptions.ResponseError as err:
            message = str(err)
            if _READ_ONLY_REFUSAL in message:
                raise WriteRefused("the query writes to the database") from None
            if message.startswith(("Unknown function", "Procedure")) or "is not registered" in message:
                raise MissingProcedure(message) from None
            if "empty key" in message:
                raise StatementError(f"{self.where} holds no graph yet; load one with "
                                     "evgraph db load") from None
            raise StatementError(message) from None

    def _indexed(self) -> tuple[set, set]:
        """``{(label, property)}`` of the node indexes and of the unique constraints."""
        indexes = {(r[0], p) for r in self._query("CALL db.indexes()", None).result_set if r[6] == "NODE"
                   for p in r[1]}
        uniques = {(r[1], p) for r in self._query("CALL db.constraints()", None).result_set
                   if r[0] == "UNIQUE" and r[3] == "NODE" for p in r[2]}
        return indexes, uniques

    def create_schema(self, schema) -> None:
        """The schema of :func:`~evgraph.db.cypher_gen.constraints`: ``id`` unique on ``Entity``
        and on every label, ``name`` indexed (a FalkorDB unique constraint needs an index)."""
        import time

        labels = [ENTITY] + [c.neo4j_label for c in schema.categories.values()]
        indexes, uniques = self._indexed()
        wanted = [(label, "id") for label in labels] + [(label, "name") for label in labels[1:]]
        for label, prop in wanted:
            if (label, prop) not in indexes:
                # labels come from the schema (checked CamelCase), property names are ours
                self._query(f"CREATE INDEX FOR (n:{label}) ON (n.{prop})", None)
        for label in labels:
            if (label, "id") not in uniques:
                self.db.connection.execute_command("GRAPH.CONSTRAINT", "CREATE", GRAPH, "UNIQUE", "NODE",
                                                   label, "PROPERTIES", 1, "id")
        deadline = time.monotonic() + 600
        while True:  # constraints are built in the background; loads must wait for them
            status = {r[1]: r[4] for r in self._query("CALL db.constraints()", None).result_set}
            failed = [label for label, s in status.items() if s == "FAILED"]
            if failed:
                raise StatementError(f"ids are not unique on {', '.join(sorted(failed))}: "
                                     "the uniqueness constraint could not be created")
            if all(s == "OPERATIONAL" for s in status.values()):
                return
            if time.monotonic() > deadline:
                raise StatementError("the uniqueness constraints on id were still being built after 600 s")
            time.sleep(0.02)

    def write(self, statements):
        if len(statements) > 1:
            raise ValueError("FalkorDB runs one statement per transaction")
        out = []
        for text, params in statements:
            result = self._query(text, params)
            out.append(dict(zip((h[1] for h in result.header), result.result_set[0])) if result.result_set else {})
        return out

    def trial(self, statements):
        """Run each statement on a copy of the graph, thrown away afterwards."""
        import redis

        scratch = self.db.select_graph(f"{GRAPH}_trial")
        try:
            scratch.delete()
        except redis.exceptions.ResponseError:
            pass  # no leftover copy
        if GRAPH in self.db.list_graphs():
            self.graph.copy(scratch.name)
        try:
            for text, params in statements:
                try:
                    scratch.query(text, params)
                    yield None
                except redis.exceptions.ResponseError as err:
                    yield str(err)
        finally:
            try:
                scratch.delete()
            except redis.exceptions.ResponseError:
                pass

    def run(self, text, params, *, write=False):
        result = self._query(text, params, read_only=not write)
        columns = [h[1] for h in result.header]
        return columns, [dict(zip(columns, (_plain(v) for v in row))) for row in result.result_set]

    def wipe(self) -> int:
        if GRAPH not in self.db.list_graphs():
            return 0
        n = self.run("MATCH (n) RETURN count(n) AS n", {})[1][0]["n"]
        self._query("MATCH (n) DETACH DELETE n", None)
        return n

    def is_empty(self) -> bool:
        return GRAPH not in self.db.list_graphs() or super().is_empty()

