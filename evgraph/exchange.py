"""Reading and writing canonical tables and graphs: CSV, node-link JSON, GraphML.

CSV is the canonical exchange format (``nodes.csv`` and ``edges.csv``, list
cells ``;``-joined, types restored from the schema on reading), so an export
can be read back with ``--kb`` and loses nothing.
"""

from __future__ import annotations

import json
from pathlib import Path

import networkx as nx
import pandas as pd

from evgraph.errors import Problem, ValidationError
from evgraph.model import communications, from_graph
from evgraph.schema import Schema, load_schema
from evgraph.tables import EDGE_COLUMNS, NODE_COLUMNS, ORIGIN, Tables

__all__ = [
    "write_csv",
    "read_csv_tables",
    "write_json",
    "read_json",
    "write_graphml",
    "write_tables",
    "FORMATS",
]

FORMATS = ("csv", "json", "graphml")
LIST_SEP = ";"


def _ordered(df: pd.DataFrame, first: tuple[str, ...]) -> pd.DataFrame:
    cols = [c for c in first if c in df.columns] + sorted(c for c in df.columns if c not in first and c != ORIGIN)
    return df[cols]


def _flatten(df: pd.DataFrame, lists: frozenset[str]) -> pd.DataFrame:
    out = df.copy()
    for col in out.columns:
        if out[col].dtype != object or (col not in lists and pd.api.types.infer_dtype(out[col], skipna=True)
                                        in ("string", "integer", "floating", "boolean", "empty")):
            continue
        is_list = out[col].map(type).isin([list, tuple])
        if col in lists or is_list.any():
            out[col] = [LIST_SEP.join(map(str, v)) if f else v for v, f in zip(out[col], is_list)]
    return out


def write_tables(tables: Tables, folder: str | Path, *, schema: Schema | None = None) -> list[Path]:
    """Write canonical tables as ``nodes.csv``, ``edges.csv`` and ``meta.json`` (no graph needed).

    Files are written next to the target and renamed into place, so a failed
    write never leaves half a knowledge base behind.
    """
    import os

    schema = schema or load_schema()
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    lists = schema.list_properties()
    paths = [folder / "nodes.csv", folder / "edges.csv", folder / "meta.json"]
    tmp = [p.with_name(f".{p.name}.{os.getpid()}.tmp") for p in paths]
    try:
        _flatten(_ordered(tables.nodes, NODE_COLUMNS), lists).to_csv(tmp[0], index=False)
        _flatten(_ordered(tables.edges, EDGE_COLUMNS), lists).to_csv(tmp[1], index=False)
        tmp[2].write_text(json.dumps(tables.meta, indent=1, sort_keys=True, default=str), "utf-8")
        for t, p in zip(tmp, paths):
            os.replace(t, p)
    finally:
        for t in tmp:
            t.unlink(missing_ok=True)
    return paths


def write_csv(G: nx.MultiDiGraph, folder: str | Path, *, schema: Schema | None = None) -> list[Path]:
    """Write ``nodes.csv``, ``edges.csv``, ``communications.csv`` and ``meta.json``."""
    schema = schema or load_schema()
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    t = from_graph(G)
    lists = schema.list_properties()
    paths = [folder / "nodes.csv", folder / "edges.csv", folder / "communications.csv", folder / "meta.json"]
    _flatten(_ordered(t.nodes, NODE_COLUMNS), lists).to_csv(paths[0], index=False)
    _flatten(_ordered(t.edges, EDGE_COLUMNS), lists).to_csv(paths[1], index=False)
    communications(G).to_csv(paths[2], index=False)
    paths[3].write_text(json.dumps(G.graph, indent=1, sort_keys=True, default=str), "utf-8")
    return paths


def _parse_column(series: pd.Series, typ: str | None, name: str, file: str, problems: list[Problem]) -> pd.Series:
    values = series.astype(object)
    empty = values.isna() | (values == "")
    if typ == "list[str]":
        return pd.Series([None if e else [x for x in v.split(LIST_SEP) if x] for v, e in zip(values, empty)],
                         index=series.index, dtype=object)
    if typ in ("int", "float"):
        num = pd.to_numeric(values.where(~empty, None), errors="coerce")
        wrong = num.isna() & ~empty
        if typ == "int":
            wrong |= num.notna() & (num != num.round())
        for i in wrong.to_numpy().nonzero()[0][:20]:
            what = "an integer" if typ == "int" else "a number"
            problems.append(Problem(file, int(i) + 2, name, f"{values.iloc[i]!r} is not {what}"))
        cast = int if typ == "int" else float
        return pd.Series([None if e or n != n else cast(n) for n, e in zip(num.tolist(), empty)],
                         index=series.index, dtype=object)
    if typ == "bool":
        return pd.Series([None if e else str(v).lower() in ("true", "1", "yes") for v, e in zip(values, empty)],
                         index=series.index, dtype=object)
    return values.where(~empty, None)


def read_csv_tables(folder: str | Path, *, schema: Schema | None = None) -> Tables:
    """Read ``nodes.csv`` and ``edges.csv`` written by :func:`write_csv` (or by a user)."""
    schema = schema or load_schema()
    folder = Path(folder)
    frames = {}
    problems: list[Problem] = []
    for name, required in (("nodes.csv", NODE_COLUMNS), ("edges.csv", ("source", "target", "type"))):
        path = folder / name
        try:
            df = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
        except FileNotFoundError:
            raise ValidationError([Problem(str(path), 0, "", "file not found")]) from None
        except (pd.errors.ParserError, UnicodeDecodeError, pd.errors.EmptyDataError) as err:
            raise ValidationError([Problem(str(path), 0, "", f"cannot parse CSV: {err}")]) from None
        missing = [c for c in required if c not in df.columns]
        if missing:
            raise ValidationError([Problem(str(path), 1, c, "required column is missing") for c in missing])
        df = df.astype(object)
        for col in df.columns:
            typ = schema.property_type(col)
            if col in ("id", "category", "source", "target", "type"):
                typ = "str"
            df[col] = _parse_column(df[col], typ, col, str(path), problems)
        if name == "edges.csv" and "pmids" in df.columns:
            # every edge has a PMID list, possibly empty (identifier mappings cite none)
            df["pmids"] = df["pmids"].map(lambda v: [] if v is None else v)
        df[ORIGIN] = [f"{path}:{i + 2}" for i in range(len(df))]
        frames[name] = df
    if problems:
        raise ValidationError(problems)
    meta = {}
    if (folder / "meta.json").exists():
        meta = json.loads((folder / "meta.json").read_text("utf-8"))
    return Tables(frames["nodes.csv"], frames["edges.csv"], meta)


def write_json(G: nx.MultiDiGraph, path: str | Path) -> Path:
    """Write node-link JSON (``nodes`` and ``edges`` keys)."""
    data = nx.node_link_data(G, edges="edges")
    Path(path).write_text(json.dumps(data, default=str), "utf-8")
    return Path(path)


def read_json(path: str | Path) -> Tables:
    """Read node-link JSON written by :func:`write_json` back into tables."""
    try:
        data = json.loads(Path(path).read_text("utf-8"))
        # networkx wrote the edges under "links" before 3.4 (and still does unless told otherwise)
        key = "links" if isinstance(data, dict) and "edges" not in data and "links" in data else "edges"
        G = nx.node_link_graph(data, edges=key, directed=True, multigraph=True)
    except (OSError, ValueError, KeyError, nx.NetworkXError) as err:
        why = f"it has no {err.args[0]!r} key (nodes, and edges or links)" if isinstance(err, KeyError) else err
        raise ValidationError([Problem(str(path), 0, "", f"not a node-link JSON graph: {why}")]) from None
    return from_graph(G)


def write_graphml(G: nx.MultiDiGraph, path: str | Path) -> Path:
    """Write GraphML for Cytoscape: lists become ``;``-joined strings, ``name`` is the label."""
    H = nx.MultiDiGraph()
    for n, d in G.nodes(data=True):
        H.add_node(n, **{k: _scalar(v) for k, v in d.items() if v is not None})
    for u, v, k, d in G.edges(keys=True, data=True):
        H.add_edge(u, v, key=k, **{a: _scalar(b) for a, b in d.items() if b is not None})
    if "export" in G.graph:  # what produced the file (evgraph export), as JSON text
        H.graph["evgraph_export"] = json.dumps(G.graph["export"], sort_keys=True, default=str)
    nx.write_graphml(H, path)
    return Path(path)


def _scalar(v):
    if isinstance(v, (list, tuple)):
        return LIST_SEP.join(map(str, v))
    if hasattr(v, "item"):
        return v.item()
    return v

