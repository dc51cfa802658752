"""Write the knowledge graph into Neo4j: idempotent, batched, one transaction per batch."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from evgraph.db.connection import DbError, Settings, connect, explain_error
from evgraph.db.cypher_gen import constraints, edge_merge, node_merge
from evgraph.schema import load_schema

__all__ = ["LoadSummary", "node_batches", "edge_batches", "load_graph", "wipe"]


@dataclass
class LoadSummary:
    """Created and written counts per label and per relationship type."""

    nodes_created: dict = field(default_factory=dict)
    nodes_written: dict = field(default_factory=dict)
    rels_created: dict = field(default_factory=dict)
    rels_written: dict = field(default_factory=dict)
    batches: int = 0

    def as_dict(self) -> dict:
        return {
            "nodes": {k: {"created": self.nodes_created.get(k, 0), "updated": v - self.nodes_created.get(k, 0)}
                      for k, v in sorted(self.nodes_written.items())},
            "relationships": {k: {"created": self.rels_created.get(k, 0), "updated": v - self.rels_created.get(k, 0)}
                              for k, v in sorted(self.rels_written.items())},
            "batches": self.batches,
        }


def _props(d: dict) -> dict:
    """Neo4j stores no nulls and no nested maps: drop empty values, keep scalars and lists."""
    out = {}
    for k, v in d.items():
        if v is None or (isinstance(v, float) and v != v):
            continue
        if isinstance(v, (list, tuple)):
            v = [str(x) for x in v]
        elif hasattr(v, "item"):
            v = v.item()
        elif not isinstance(v, (str, int, float, bool)):
            v = str(v)
        out[k] = v
    return out


def _chunks(rows, size):
    for i in range(0, len(rows), size):
        yield rows[i:i + size]


def node_batches(G, batch_size=1000):
    """``(category, rows)`` batches; each row is ``{"id", "props"}``, sorted for stable loads."""
    by_cat = defaultdict(list)
    for n, d in G.nodes(data=True):
        props = _props({k: v for k, v in d.items()})
        props["id"] = n
        by_cat[d["category"]].append({"id": n, "props": props})
    for cat in sorted(by_cat):
        rows = sorted(by_cat[cat], key=lambda r: r["id"])
        for chunk in _chunks(rows, batch_size):
            yield cat, chunk


def edge_batches(G, batch_size=1000):
    """``((type, source category, target category), rows)`` batches of relationships."""
    groups = defaultdict(list)
    cat = dict(G.nodes(data="category"))
    for u, v, k, d in G.edges(keys=True, data=True):
        props = _props({a: b for a, b in d.items() if a != "type"})
        groups[(k, cat[u], cat[v])].append({"source": u, "target": v, "props": props})
    for key in sorted(groups):
        rows = sorted(groups[key], key=lambda r: (r["source"], r["target"]))
        for chunk in _chunks(rows, batch_size):
            yield key, chunk


def _run_batch(session, query, rows):
    def work(tx):
        rec = tx.run(query, rows=rows).single()
        return rec["created"], rec["written"]

    return session.execute_write(work)


def _offending(session, query, rows, limit=5) -> list:
    """Replay a failed batch row by row, each in a transaction that is rolled back."""
    bad = []
    for row in rows:
        tx = session.begin_transaction()
        try:
            tx.run(query, rows=[row]).consume()
        except Exception as err:  # noqa: BLE001 - report any row the server rejects
            bad.append((row.get("id") or f"{row.get('source')}->{row.get('target')}",
                        getattr(err, "message", str(err))))
        finally:
            tx.rollback()
            tx.close()
        if len(bad) >= limit:
            break
    return bad


def load_graph(G, settings: Settings, *, batch_size=1000, progress=None) -> LoadSummary:
    """Create constraints, then MERGE every node and relationship in batches.

    Running it twice leaves the database identical: nodes and relationships
    are matched on ``id`` (and type and endpoints), and their properties are
    replaced, not added to. Each batch is its own transaction: a failing batch
    is rolled back and :class:`DbError` names it and its offending rows.

    ``progress(done, total)`` is called after each batch.
    """
    from neo4j import exceptions as ex

    if batch_size < 1:
        raise DbError("--batch-size must be at least 1")
    schema = load_schema()
    nodes = list(node_batches(G, batch_size))
    edges = list(edge_batches(G, batch_size))
    total = len(nodes) + len(edges)
    summary = LoadSummary()
    with connect(settings) as driver:
        with driver.session(database=settings.database) as session:
            for stmt in constraints(schema):
                session.run(stmt).consume()
            done = 0
            work = [("node", c, r, node_merge(c, schema)) for c, r in nodes]
            work += [("rel", k, r, edge_merge(*k, schema=schema)) for k, r in edges]
            for kind, key, rows, query in work:
                try:
                    created, written = _run_batch(session, query, rows)
                except ex.Neo4jError as err:
                    bad = _offending(session, query, rows)
                    detail = "; ".join(f"{rid}: {msg}" for rid, msg in bad) or getattr(err, "message", str(err))
                    raise DbError(f"batch {done + 1} of {total} ({kind} {key if isinstance(key, str) else key[0]}, "
                                  f"{len(rows)} rows) failed and was rolled back: {detail}") from None
                except ex.DriverError as err:
                    raise explain_error(err, settings) from None
                name = key if isinstance(key, str) else key[0]
                created_d = summary.nodes_created if kind == "node" else summary.rels_created
                written_d = summary.nodes_written if kind == "node" else summary.rels_written
                created_d[name] = created_d.get(name, 0) + created
                written_d[name] = written_d.get(name, 0) + written
                done += 1
                summary.batches = done
                if progress:
                    progress(done, total)
    return summary


def wipe(settings: Settings) -> int:
    """Delete every node and relationship (in batches); return how many nodes were deleted."""
    with connect(settings) as driver:
        with driver.session(database=settings.database) as session:
            rec = session.run("MATCH (n) RETURN count(n) AS n").single()
            session.run("MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS").consume()
            return rec["n"]
