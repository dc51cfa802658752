"""Resolve ``--kb`` arguments: the bundled knowledge base, a curated folder,
a folder of canonical ``nodes.csv``/``edges.csv``, or a node-link JSON graph."""

from __future__ import annotations

from pathlib import Path

from evgraph.errors import Problem, ValidationError
from evgraph.exchange import read_csv_tables, read_json
from evgraph.loaders.curated import BUNDLED, load_curated
from evgraph.schema import Schema, load_schema
from evgraph.tables import Tables, check, merge

__all__ = ["load_kb", "load_sources"]


def load_kb(source: str | Path | None = None, *, schema: Schema | None = None) -> Tables:
    """Load one knowledge source and return validated tables.

    ``None`` or ``"bundled"`` is the curated knowledge base shipped with evgraph.
    """
    schema = schema or load_schema()
    if source in (None, BUNDLED):
        return load_curated(None, schema=schema)
    path = Path(source)
    if path.is_dir():
        if (path / "communications.tsv").exists():
            return load_curated(path, schema=schema)
        if (path / "nodes.csv").exists():
            return check(read_csv_tables(path, schema=schema), schema, file=str(path / "nodes.csv"))
        raise ValidationError([Problem(str(path), 0, "", "folder has neither communications.tsv "
                                                         "(curated format) nor nodes.csv (canonical tables)")])
    if path.is_file() and path.suffix.lower() == ".json":
        return check(read_json(path), schema, file=str(path))
    if not path.exists():
        raise ValidationError([Problem(str(path), 0, "", "no such file or folder")])
    raise ValidationError([Problem(str(path), 0, "", "unsupported knowledge source; give a folder "
                                                     "or a node-link .json graph")])


def load_sources(sources=None, *, schema: Schema | None = None) -> Tables:
    """Load and merge several knowledge sources (``["bundled", "my_kb/"]`` extends the bundled one).

    Record and biomarker ids must be unique across sources.
    """
    schema = schema or load_schema()
    sources = list(sources or [BUNDLED])
    parts = [load_kb(s, schema=schema) for s in sources]
    if len(parts) > 1:
        owners: dict[str, str] = {}
        problems = []
        for src, part in zip(sources, parts):
            ids = part.nodes.loc[part.nodes["category"].isin(["CommunicationRecord", "BiomarkerClaim"]), "id"]
            for nid in ids:
                if nid in owners:
                    problems.append(Problem(str(src), 0, "record_id", f"record id {nid!r} is also used by {owners[nid]}"))
                owners.setdefault(nid, str(src))
        if problems:
            raise ValidationError(problems)
    return check(merge(parts, schema), schema)
