"""Write the knowledge graph into a graph database: idempotent, batched, one transaction per batch."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from evgraph.db.connection import DbError
from evgraph.db.cypher_gen import edge_merge, node_merge
from evgraph.db.engine import StatementError, open_engine
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


def _pack(work, batch_size, max_statements=None):
    """Group statements into transactions of at most ``batch_size`` rows (small groups share one,
    up to ``max_statements`` statements where the engine limits them)."""
    batch, size = [], 0
    for item in work:
        n = len(item[2])
        if batch and (size + n > batch_size or len(batch) == max_statements):
            yield batch
            batch, size = [], 0
        batch.append(item)
        size += n
    if batch:
        yield batch


def _offending(engine, batch, limit=5) -> list:
    """Replay a failed batch row by row, each undone afterwards; the rows the database rejects."""
    rows = [(row, query) for _, _, rs, query in batch for row in rs]
    bad = []
    for (row, _), error in zip(rows, engine.trial((query, {"rows": [row]}) for row, query in rows)):
        if error is not None:
            bad.append((row.get("id") or f"{row.get('source')}->{row.get('target')}", error))
            if len(bad) >= limit:
                break
    return bad


def load_graph(G, settings, *, batch_size=1000, progress=None) -> LoadSummary:
    """Create constraints, then MERGE every node and relationship in batches.

    ``settings`` names the database: a Neo4j :class:`~evgraph.db.connection.Settings`
    or an :class:`~evgraph.db.embedded.EmbeddedSettings`.

    Running it twice leaves the database identical: nodes and relationships
    are matched on ``id`` (and type and endpoints), and their properties are
    replaced, not added to. A batch holds at most ``batch_size`` rows (small
    groups of one label or type share a batch where the engine allows several
    statements in a transaction) and is one transaction: a failing batch is
    rolled back and :class:`DbError` names it and its offending rows. Nodes are
    written before relationships.

    ``progress(done, total)`` is called after each batch.
    """
    if batch_size < 1:
        raise DbError("--batch-size must be at least 1")
    schema = load_schema()
    node_work = [("node", c, r, node_merge(c, schema)) for c, r in node_batches(G, batch_size)]
    edge_work = [("rel", k, r, edge_merge(*k, schema=schema)) for k, r in edge_batches(G, batch_size)]
    summary = LoadSummary()
    with open_engine(settings, write=True) as engine:
        per_tx = engine.statements_per_transaction
        # relationships need their end nodes committed first, so the two never share a batch
        batches = list(_pack(node_work, batch_size, per_tx)) + list(_pack(edge_work, batch_size, per_tx))
        engine.create_schema(schema)
        for i, batch in enumerate(batches, start=1):
            try:
                results = engine.write([(query, {"rows": rows}) for _, _, rows, query in batch])
            except StatementError as err:
                bad = _offending(engine, batch)
                detail = "; ".join(f"{rid}: {msg}" for rid, msg in bad) or str(err)
                what = ", ".join(sorted({k if isinstance(k, str) else k[0] for _, k, _, _ in batch}))
                raise DbError(f"batch {i} of {len(batches)} ({what}; {sum(len(b[2]) for b in batch)} rows) "
                              f"failed and was rolled back: {detail}") from None
            for (kind, key, _, _), rec in zip(batch, results):
                name = key if isinstance(key, str) else key[0]
                created_d = summary.nodes_created if kind == "node" else summary.rels_created
                written_d = summary.nodes_written if kind == "node" else summary.rels_written
                # FalkorDB sums integers into floats
                created_d[name] = created_d.get(name, 0) + int(rec["created"])
                written_d[name] = written_d.get(name, 0) + int(rec["written"])
            summary.batches = i
            if progress:
                progress(i, len(batches))
    return summary


def wipe(settings) -> int:
    """Delete every node and relationship (in batches); return how many nodes were deleted."""
    with open_engine(settings, write=True) as engine:
        return engine.wipe()
