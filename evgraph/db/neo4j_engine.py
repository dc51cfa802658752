"""The :class:`~evgraph.db.engine.Engine` for a Neo4j server, through the official driver."""

from __future__ import annotations

from contextlib import contextmanager

from evgraph.db.connection import Settings, connect, explain_error
from evgraph.db.cypher_gen import constraints
from evgraph.db.engine import Engine, MissingProcedure, StatementError, WriteRefused

__all__ = ["Neo4jEngine"]


def _message(err) -> str:
    return getattr(err, "message", None) or str(err)


class Neo4jEngine(Engine):
    """One driver session on the database ``settings`` name."""

    name = "neo4j"

    def __init__(self, session, settings: Settings):
        self.session = session
        self.settings = settings
        self.where = settings.uri

    @classmethod
    @contextmanager
    def open(cls, settings: Settings):
        from neo4j import exceptions as ex

        with connect(settings) as driver:
            with driver.session(database=settings.database) as session:
                try:
                    yield cls(session, settings)
                except ex.DriverError as err:
                    raise explain_error(err, settings) from None

    @property
    def provides(self) -> frozenset:
        return frozenset({"gds"})

    def _classify(self, err) -> Exception:
        from neo4j import exceptions as ex

        code = getattr(err, "code", "") or ""
        if "ProcedureNotFound" in code or "UnknownFunction" in code:
            return MissingProcedure(_message(err))
        if "DatabaseNotFound" in code or isinstance(err, ex.AuthError):
            return explain_error(err, self.settings)
        return StatementError(_message(err))

    def create_schema(self, schema) -> None:
        for stmt in constraints(schema):
            self.session.run(stmt).consume()

    def write(self, statements):
        from neo4j import exceptions as ex

        def work(tx):
            return [dict(tx.run(text, params).single().items()) for text, params in statements]

        try:
            return self.session.execute_write(work)
        except ex.Neo4jError as err:
            raise self._classify(err) from None

    def trial(self, statements):
        for text, params in statements:
            tx = self.session.begin_transaction()
            try:
                tx.run(text, params).consume()
                yield None
            except Exception as err:  # noqa: BLE001 - report whatever the server rejects
                yield _message(err)
            finally:
                tx.rollback()
                tx.close()

    def run(self, text, params, *, write=False):
        from neo4j import exceptions as ex

        try:
            plan = self.session.run("EXPLAIN " + text, params).consume()
            if plan.query_type in ("w", "rw", "s") and not write:
                raise WriteRefused("the query writes to the database")

            def work(tx):
                result = tx.run(text, params)
                return list(result.keys()), [dict(r.items()) for r in result]

            return self.session.execute_write(work) if write else self.session.execute_read(work)
        except ex.Neo4jError as err:
            raise self._classify(err) from None

    def wipe(self) -> int:
        n = self.session.run("MATCH (n) RETURN count(n) AS n").single()["n"]
        # relationships first: DETACH DELETE of a hub node would hold all its relationships in one
        # transaction and can exceed the server's transaction memory limit
        self.session.run("MATCH ()-[r]->() CALL (r) { DELETE r } IN TRANSACTIONS OF 10000 ROWS").consume()
        self.session.run("MATCH (n) CALL (n) { DELETE n } IN TRANSACTIONS OF 10000 ROWS").consume()
        return n
