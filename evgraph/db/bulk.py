"""CSV files for ``neo4j-admin database import full`` (large graphs load far faster this way)."""

from __future__ import annotations

import csv
from collections import defaultdict
from pathlib import Path

from evgraph.db.cypher_gen import ENTITY
from evgraph.db.load import _props
from evgraph.schema import Schema, load_schema

__all__ = ["write_import_csvs", "IMPORT_TYPES"]

IMPORT_TYPES = {"str": "string", "int": "long", "float": "double", "bool": "boolean", "list[str]": "string[]"}
ARRAY_DELIMITER = ";"


def _column(name: str, schema: Schema) -> str:
    typ = schema.property_type(name) or "str"
    return f"{name}:{IMPORT_TYPES[typ]}"


def _cell(value, typ: str) -> str:
    if value is None:
        return ""
    if typ == "string[]":
        return ARRAY_DELIMITER.join(str(v).replace(ARRAY_DELIMITER, ",") for v in value)
    if typ == "boolean":
        return "true" if value else "false"
    return str(value)


def _write(path: Path, header: list[str], rows) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerows(rows)
    return path


def _typed_cells(row: dict, props: list[str], columns: list[str]) -> list[str]:
    return [_cell(row.get(p), c.split(":")[1]) for p, c in zip(props, columns)]


def write_import_csvs(G, folder, *, schema: Schema | None = None) -> dict:
    """Write one node file per label and one relationship file per type, with typed headers.

    Node ids share one ID space (evgraph ids are unique across categories).
    Returns ``{"nodes": [paths], "relationships": [paths], "command": [...]}``;
    the command is the ``neo4j-admin database import full`` arguments to use.
    """
    schema = schema or load_schema()
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    by_label = defaultdict(list)
    for n, d in G.nodes(data=True):
        by_label[schema.category(d["category"]).neo4j_label].append({**_props(d), "id": n})
    node_files = []
    for label in sorted(by_label):
        rows = sorted(by_label[label], key=lambda r: r["id"])
        props = sorted({k for r in rows for k in r} - {"id"})
        typed = [_column(p, schema) for p in props]
        labels = f"{label}{ARRAY_DELIMITER}{ENTITY}"
        node_files.append(_write(folder / f"nodes_{label}.csv", ["id:ID", *typed, ":LABEL"],
                                 ([r["id"], *_typed_cells(r, props, typed), labels] for r in rows)))
    by_type = defaultdict(list)
    for u, v, k, d in G.edges(keys=True, data=True):
        by_type[schema.relationship(k).name].append({**_props({a: b for a, b in d.items() if a != "type"}),
                                                     "_s": u, "_t": v})
    rel_files = []
    for rel in sorted(by_type):
        rows = sorted(by_type[rel], key=lambda r: (r["_s"], r["_t"]))
        props = sorted({k for r in rows for k in r} - {"_s", "_t"})
        typed = [_column(p, schema) for p in props]
        rel_files.append(_write(folder / f"rels_{rel}.csv", [":START_ID", *typed, ":END_ID", ":TYPE"],
                                ([r["_s"], *_typed_cells(r, props, typed), r["_t"], rel] for r in rows)))
    command = ["database", "import", "full", "DATABASE", f"--array-delimiter={ARRAY_DELIMITER}"]
    command += [f"--nodes={p.resolve()}" for p in node_files]
    command += [f"--relationships={p.resolve()}" for p in rel_files]
    return {"nodes": node_files, "relationships": rel_files, "command": command}
