"""One interface over the two graph databases: Neo4j through its driver, or FalkorDB embedded.

Loads (:mod:`evgraph.db.load`) and the query library (:mod:`evgraph.db.library`)
are written once against :class:`Engine`; only the session differs. An engine
classifies failures into the exceptions below and leaves the wording for the
user to its callers, which know the query or batch at hand.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from contextlib import contextmanager

from evgraph.db.connection import DbError, Settings
from evgraph.schema import Schema

__all__ = ["Engine", "StatementError", "WriteRefused", "MissingProcedure", "open_engine"]


class StatementError(DbError):
    """The database rejected a statement (syntax, constraint, runtime error); nothing of it was written."""


class WriteRefused(StatementError):
    """A statement run read-only would write."""


class MissingProcedure(StatementError):
    """A statement calls a procedure or function the database lacks."""


class Engine(ABC):
    """An open session on one graph database.

    Attributes
    ----------
    name : str
        ``"neo4j"`` or ``"falkordb"``.
    where : str
        Where the data lives, for messages (a URI or a folder).
    provides : frozenset of str
        Capabilities a library query may require (``// requires: gds``).
    statements_per_transaction : int or None
        How many statements one transaction may hold; ``None`` for no limit.
    """

    name: str = ""
    where: str = ""
    provides: frozenset = frozenset()
    statements_per_transaction: int | None = None

    @abstractmethod
    def create_schema(self, schema: Schema) -> None:
        """Create the uniqueness constraints on ``id`` and the ``name`` indexes, if missing."""

    @abstractmethod
    def write(self, statements: list[tuple[str, dict]]) -> list[dict]:
        """Run statements in one transaction; return the first row of each.

        Raises :class:`StatementError` after rolling the whole transaction back.
        """

    @abstractmethod
    def trial(self, statements):
        """Run each ``(text, params)`` and undo it; yield ``None`` or the error message of each."""

    @abstractmethod
    def run(self, text: str, params: dict, *, write: bool = False) -> tuple[list[str], list[dict]]:
        """Run one query and return ``(columns, rows)``; raise :class:`WriteRefused` for a
        query that writes unless ``write``."""

    @abstractmethod
    def wipe(self) -> int:
        """Delete every node and relationship; return how many nodes there were."""

    def is_empty(self) -> bool:
        """Whether the database holds no node."""
        return self.run("MATCH (n) RETURN count(n) AS n", {})[1][0]["n"] == 0


@contextmanager
def open_engine(settings, *, write: bool = False):
    """Open the engine that ``settings`` name: :class:`~evgraph.db.connection.Settings` for a
    Neo4j server, :class:`~evgraph.db.embedded.EmbeddedSettings` for the embedded database.

    ``write`` says that the session will change the database: an embedded database is
    then saved to disk when the session ends.
    """
    if isinstance(settings, Settings):
        from evgraph.db.neo4j_engine import Neo4jEngine

        with Neo4jEngine.open(settings) as engine:
            yield engine
        return
    from evgraph.db.embedded import EmbeddedSettings

    if isinstance(settings, EmbeddedSettings):
        from evgraph.db.falkor_engine import FalkorEngine

        with FalkorEngine.open(settings, write=write) as engine:
            yield engine
        return
    raise TypeError(f"not database settings: {settings!r}")
