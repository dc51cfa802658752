"""The graph model: canonical tables <-> a networkx ``MultiDiGraph``.

This is the only module that builds graphs. Each node carries its table row
as attributes; each edge is keyed by its relationship type, so there is at
most one edge of a type between two nodes and its provenance is merged.
"""

from __future__ import annotations

import networkx as nx
import pandas as pd

from evgraph.tables import EDGE_COLUMNS, NODE_COLUMNS, ORIGIN, Tables

__all__ = ["to_graph", "from_graph", "communications", "cargo_of", "nodes_of"]


def _int_properties() -> frozenset[str]:
    from evgraph.schema import load_schema

    s = load_schema()
    props = [s.provenance] + [c.properties for c in s.categories.values()] + [r.properties for r in s.relationships.values()]
    return frozenset(k for p in props for k, t in p.items() if t == "int")


def _clean(row: dict, ints: frozenset[str]) -> dict:
    """Drop empty cells and restore schema types that pandas loses (an int column with
    gaps becomes float) so every consumer sees the declared type."""
    out = {}
    for k, v in row.items():
        if k == ORIGIN or v is None:
            continue
        if isinstance(v, float) and v != v:
            continue
        if hasattr(v, "item") and not isinstance(v, (list, tuple)):
            v = v.item()
        if isinstance(v, float) and k in ints and v.is_integer():
            v = int(v)
        out[k] = v
    return out


def to_graph(tables: Tables) -> nx.MultiDiGraph:
    """Build the knowledge graph from validated canonical tables.

    Examples
    --------
    >>> import pandas as pd
    >>> from evgraph.tables import Tables
    >>> nodes = pd.DataFrame({"id": ["CL:0000057", "MONDO:0007254"],
    ...                       "category": ["CellType", "Cancer"],
    ...                       "name": ["fibroblast", "breast cancer"]})
    >>> G = to_graph(Tables(nodes, pd.DataFrame()))
    >>> G.nodes["CL:0000057"]["category"]
    'CellType'
    """
    G = nx.MultiDiGraph()
    G.graph.update(tables.meta)
    ints = _int_properties()
    for row in tables.nodes.to_dict("records"):
        attrs = _clean(row, ints)
        G.add_node(attrs.pop("id"), **attrs)
    for row in tables.edges.to_dict("records"):
        attrs = _clean(row, ints)
        s, t, typ = attrs.pop("source"), attrs.pop("target"), attrs["type"]
        G.add_edge(s, t, key=typ, **attrs)
    return G


def from_graph(G: nx.MultiDiGraph) -> Tables:
    """Turn a graph built by :func:`to_graph` back into canonical tables."""
    nodes = pd.DataFrame([{"id": n, **d} for n, d in G.nodes(data=True)])
    edges = pd.DataFrame([{"source": u, "target": v, **d} for u, v, d in G.edges(data=True)])
    if nodes.empty:
        nodes = pd.DataFrame(columns=list(NODE_COLUMNS))
    if edges.empty:
        edges = pd.DataFrame(columns=list(EDGE_COLUMNS))
    return Tables(nodes, edges, dict(G.graph))


def _listed(value) -> list:
    if value is None:
        return []
    return [value] if isinstance(value, str) else list(value)


def nodes_of(G, category: str) -> list:
    """Nodes of one category, sorted by id."""
    return sorted(n for n, c in G.nodes(data="category") if c == category)


def cargo_of(G, record) -> list:
    return sorted(v for _, v, k in G.out_edges(record, keys=True) if k == "CARRIES")


def communications(G) -> pd.DataFrame:
    """One row per EV communication record, multi-valued cells as lists.

    Columns: id, donor_cell, cargo, cargo_type, recipient_cell, cancer,
    target_genes, sponged_mirnas, phenotypes, pmids, dois, species, model_system,
    patient_samples, ev_subtype, claim. A record whose paper resolves no single
    cargo molecule has cargo type ``whole_EV`` and no cargo.
    """
    rows = []
    # (record, cargo) -> genes the cargo regulates or sponges on that record's evidence, in one pass
    # over the edges: scanning every cargo's out-edges once per record carrying it is quadratic
    # for a cargo many records share
    cited: dict[tuple, tuple[set, set]] = {}
    odd: dict = {}  # cargo -> edges whose records are not a list (kept to the `in` test below)
    for c, g, k, data in G.edges(keys=True, data=True):
        if k not in ("REGULATES", "SPONGES"):
            continue
        recs = data.get("records", ())
        if not isinstance(recs, (list, tuple, set, frozenset)):
            odd.setdefault(c, []).append((g, k, recs))
            continue
        for r in recs:
            pair = cited.get((r, c))
            if pair is None:
                pair = cited[(r, c)] = (set(), set())
            pair[0 if k == "REGULATES" else 1].add(g)
    for rec in nodes_of(G, "CommunicationRecord"):
        d = G.nodes[rec]
        donors = sorted(u for u, _, k in G.in_edges(rec, keys=True) if k == "RELEASES")
        out = [(v, k, data) for _, v, k, data in G.out_edges(rec, keys=True, data=True)]
        cargo = sorted(v for v, k, _ in out if k == "CARRIES")
        targets, sponged = set(), set()
        for c in cargo:
            pair = cited.get((rec, c))
            if pair is not None:
                targets |= pair[0]
                sponged |= pair[1]
            for g, k, recs in odd.get(c, ()):
                if rec in recs:
                    (targets if k == "REGULATES" else sponged).add(g)
        phen = sorted(
            v if data.get("effect", "promotes") == "promotes" else f"{v}:{data['effect']}"
            for v, k, data in out
            if k == "CAUSES"
        )
        rows.append(
            {
                "id": rec,
                "donor_cell": ";".join(donors),
                "cargo": ";".join(cargo),
                "cargo_type": ";".join(G.nodes[c]["category"] for c in cargo) or d.get("cargo_type", ""),
                "recipient_cell": ";".join(sorted(v for v, k, _ in out if k == "TAKEN_UP_BY")),
                "cancer": ";".join(sorted(v for v, k, _ in out if k == "IN_CONTEXT_OF")),
                "target_genes": ";".join(sorted(targets)),
                "sponged_mirnas": ";".join(sorted(sponged)),
                "phenotypes": ";".join(phen),
                "pmids": ";".join(d.get("pmids", [])),
                "dois": ";".join(d.get("dois", [])),
                "species": ";".join(_listed(d.get("species"))),
                "model_system": ";".join(d.get("model_system", [])),
                "patient_samples": bool(d.get("patient_samples", False)),
                "ev_subtype": d.get("ev_subtype", ""),
                "claim": d.get("claim", ""),
            }
        )
    cols = ["id", "donor_cell", "cargo", "cargo_type", "recipient_cell", "cancer", "target_genes", "sponged_mirnas",
            "phenotypes", "pmids", "dois", "species", "model_system", "patient_samples", "ev_subtype", "claim"]
    return pd.DataFrame(rows, columns=cols)
