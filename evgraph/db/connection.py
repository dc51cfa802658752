"""Connection settings from options or environment, and clear errors for the usual failures."""

from __future__ import annotations

import os
from contextlib import contextmanager
from dataclasses import dataclass, field

from evgraph.errors import EvgraphError

__all__ = ["DbError", "Settings", "connect", "explain_error"]


class DbError(EvgraphError):
    """A database problem explained for the user (never contains the password)."""


@dataclass(frozen=True)
class Settings:
    """Where and how to connect. The password is kept out of ``repr`` and logs."""

    uri: str = "bolt://127.0.0.1:7687"
    user: str = "neo4j"
    password: str | None = field(default=None, repr=False)
    database: str | None = None

    @classmethod
    def from_env(cls, uri=None, user=None, password=None, database=None) -> "Settings":
        """Options win over ``NEO4J_URI``, ``NEO4J_USER``, ``NEO4J_PASSWORD``, ``NEO4J_DATABASE``."""
        return cls(
            uri=uri or os.environ.get("NEO4J_URI") or cls.uri,
            user=user or os.environ.get("NEO4J_USER") or os.environ.get("NEO4J_USERNAME") or cls.user,
            password=password if password is not None else os.environ.get("NEO4J_PASSWORD"),
            database=database or os.environ.get("NEO4J_DATABASE") or None,
        )


def explain_error(err: Exception, settings: Settings) -> DbError:
    """A :class:`DbError` that says what went wrong, for a driver exception."""
    from neo4j import exceptions as ex

    if isinstance(err, ex.AuthError):
        return DbError(f"Neo4j at {settings.uri} refused the credentials of user {settings.user!r} "
                       "(set NEO4J_USER / NEO4J_PASSWORD)")
    if isinstance(err, ex.ServiceUnavailable):
        return DbError(f"cannot reach Neo4j at {settings.uri}: is the server running? "
                       "(set NEO4J_URI or start one with scripts/neo4j-server.sh start)")
    code = getattr(err, "code", "") or ""
    if "DatabaseNotFound" in code:
        return DbError(f"database {settings.database!r} does not exist on {settings.uri}")
    if isinstance(err, ex.ConfigurationError) or "scheme" in str(err).lower():
        return DbError(f"invalid Neo4j URI {settings.uri!r}: {err}")
    return DbError(f"Neo4j error: {getattr(err, 'message', None) or err}")


@contextmanager
def connect(settings: Settings):
    """Yield a verified driver; translate connection failures into :class:`DbError`."""
    from neo4j import GraphDatabase
    from neo4j import exceptions as ex

    auth = (settings.user, settings.password) if settings.password is not None else None
    try:
        driver = GraphDatabase.driver(settings.uri, auth=auth)
    except (ex.ConfigurationError, ValueError) as err:
        raise DbError(f"invalid Neo4j URI {settings.uri!r}: {err}") from None
    try:
        try:
            driver.verify_connectivity()
            if settings.database:
                driver.execute_query("RETURN 1", database_=settings.database)
        except ex.Neo4jError as err:
            raise explain_error(err, settings) from None
        except ex.DriverError as err:
            raise explain_error(err, settings) from None
        yield driver
    finally:
        driver.close()

