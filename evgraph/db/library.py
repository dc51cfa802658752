"""The ``cypher/`` query library: parse headers, type parameters, run read-only by default.

Each ``.cypher`` file starts with a header of ``//`` comment lines::

    // name: cargo_between_cells
    // description: EV cargo a donor cell type sends to a recipient cell type.
    // param donor: string = "CL:0001064"   the donor cell type (Cell Ontology id)
    // param cancer: string? = null          a cancer id, or null for all
    // example: evgraph db query cargo_between_cells --param donor=CL:0000057

Types: ``string``, ``int``, ``float``, ``bool``, ``list<string>``, and ``id<Category>`` (or
``id`` for a node of any category): a node id that the user may also give by name, synonym,
abbreviation or gene alias, resolved against the database's own nodes (:mod:`evgraph.names`);
a ``?`` makes ``null`` a valid value. A parameter without ``=`` is required.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from evgraph.db.connection import DbError
from evgraph.db.engine import Engine, MissingProcedure, StatementError, WriteRefused, open_engine
from evgraph.errors import UnknownChoiceError
from evgraph.schema import load_schema

__all__ = ["Param", "Query", "REQUIREMENTS", "library", "load_query", "parse_query", "parse_params", "run_query",
           "run_on", "resolve_ids", "node_names_query"]

TYPES = ("string", "int", "float", "bool", "list<string>")
# What a ``// requires:`` line asks of the engine, said when an engine lacks it.
REQUIREMENTS = {
    "gds": "it needs Neo4j's Graph Data Science plugin (set NEO4J_URI to a Neo4j server with GDS); the embedded "
           "FalkorDB engine cannot compute the same scores: its algo.pageRank and algo.betweenness take no edge "
           "weights and run on the stored graph, not on the undirected, evidence-weighted projection "
           "without biomarker claims that these queries rank",
}
_ID = re.compile(r"^id(?:<(?P<category>[A-Za-z]+)>)?$")
_PARAM = re.compile(r"^param\s+(?P<name>[A-Za-z_]\w*)\s*:\s*(?P<type>[A-Za-z<>]+)(?P<opt>\?)?"
                    r"(?:\s*=\s*(?P<default>(\"[^\"]*\"|\[[^\]]*\]|\S+)))?\s*(?P<doc>.*)$")


@dataclass(frozen=True)
class Param:
    name: str
    type: str
    optional: bool = False
    default: object = None
    required: bool = True
    doc: str = ""

    @property
    def is_id(self) -> bool:
        """A node id the user may give by name (type ``id`` or ``id<Category>``)."""
        return bool(_ID.match(self.type))

    @property
    def category(self) -> str | None:
        m = _ID.match(self.type)
        return m["category"] if m else None


@dataclass(frozen=True)
class Query:
    name: str
    description: str
    text: str
    params: tuple[Param, ...] = ()
    examples: tuple[str, ...] = ()
    requires: tuple[str, ...] = ()
    path: str = ""
    meta: dict = field(default_factory=dict)


def _convert(value: str, typ: str, optional: bool, what: str):
    if value in ("null", "None") and optional:
        return None
    try:
        if typ == "string" or _ID.match(typ):
            return json.loads(value) if value.startswith('"') else value
        if typ == "int":
            return int(value)
        if typ == "float":
            return float(value)
        if typ == "bool":
            if value.lower() in ("true", "1", "yes"):
                return True
            if value.lower() in ("false", "0", "no"):
                return False
            raise ValueError
        if typ == "list<string>":
            if value.startswith("["):
                return [str(x) for x in json.loads(value)]
            return [x for x in value.split(",") if x]
    except (ValueError, json.JSONDecodeError):
        pass
    raise DbError(f"{what}: {value!r} is not a valid {typ}")


def parse_query(text: str, path: str = "") -> Query:
    """Parse a library file's header and body."""
    meta: dict = {}
    params: list[Param] = []
    examples: list[str] = []
    for line in text.splitlines():
        if not line.startswith("//"):
            if line.strip():
                break
            continue
        body = line[2:].strip()
        if body.startswith("param "):
            m = _PARAM.match(body)
            if not m or not (m["type"] in TYPES or _ID.match(m["type"])):
                raise DbError(f"{path}: bad parameter line {body!r}; types: {', '.join(TYPES)}, id, id<Category>")
            cat = m["type"][3:-1] if m["type"].startswith("id<") else None
            if cat and cat not in load_schema().categories:
                raise DbError(f"{path}: parameter {m['name']!r}: {cat!r} is not a node category; "
                              f"categories: {', '.join(load_schema().categories)}")
            has_default = m["default"] is not None
            default = _convert(m["default"], m["type"], bool(m["opt"]), f"{path}: default of {m['name']}") \
                if has_default else None
            params.append(Param(m["name"], m["type"], bool(m["opt"]), default, not has_default, m["doc"].strip()))
        elif ":" in body:
            key, _, value = body.partition(":")
            key = key.strip().lower()
            if key == "example":
                examples.append(value.strip())
            elif key in ("name", "description", "requires"):
                meta[key] = (meta.get(key, "") + " " + value.strip()).strip()
    if "name" not in meta or "description" not in meta:
        raise DbError(f"{path}: the header needs '// name:' and '// description:' lines")
    requires = tuple(x.strip() for x in meta.get("requires", "").split(",") if x.strip())
    return Query(meta["name"], meta["description"], text, tuple(params), tuple(examples), requires, path)


def library() -> dict[str, Query]:
    """All queries shipped in ``evgraph.cypher``, by name."""
    out = {}
    for item in sorted(resources.files("evgraph.cypher").iterdir(), key=lambda p: p.name):
        if item.name.endswith(".cypher"):
            q = parse_query(item.read_text("utf-8"), item.name)
            out[q.name] = q
    return out


def load_query(name_or_file: str) -> Query:
    """A library query by name, or a ``.cypher`` file (a file without header gets no parameters)."""
    lib = library()
    if name_or_file in lib:
        return lib[name_or_file]
    path = Path(name_or_file)
    if path.suffix == ".cypher" or path.exists():
        try:
            text = path.read_text("utf-8")
        except OSError as err:
            raise DbError(f"cannot read {path}: {err.strerror}") from None
        if text.lstrip().startswith("// name:"):
            return parse_query(text, str(path))
        return Query(path.stem, "", text, path=str(path))
    raise UnknownChoiceError("query", name_or_file, lib)


def parse_params(query: Query, pairs: list[str]) -> dict:
    """Typed parameters from ``key=value`` strings, defaults filled in; unknown or missing ones named."""
    declared = {p.name: p for p in query.params}
    values = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep:
            raise DbError(f"parameter {pair!r} must be written key=value")
        if declared and key not in declared:
            raise DbError(f"query {query.name!r} has no parameter {key!r}; "
                          f"its parameters: {', '.join(declared) or 'none'}")
        p = declared.get(key)
        values[key] = _convert(value, p.type, p.optional, f"parameter {key!r}") if p else value
    missing = [p.name for p in query.params if p.required and p.name not in values]
    if missing:
        raise DbError(f"query {query.name!r} needs parameter(s) {', '.join(missing)}")
    for p in query.params:
        values.setdefault(p.name, p.default)
    return values


def node_names_query(category: str | None) -> str:
    """Cypher for the ``id``, ``category``, ``name`` and ``symbol`` of every node of a category
    (of every node for ``None``); the label is checked against the schema and backtick-quoted."""
    if category is None:
        return "MATCH (n:Entity) RETURN n.id AS id, n.category AS category, n.name AS name, n.symbol AS symbol"
    label = load_schema().category(category).neo4j_label
    return f"MATCH (n:`{label}`) RETURN n.id AS id, n.category AS category, n.name AS name, n.symbol AS symbol"


def resolve_ids(query: Query, params: dict, nodes) -> dict:
    """``params`` with each ``id`` parameter given by name replaced by the id it names.

    ``nodes(category)`` returns the ``(id, category, name, symbol)`` rows of the database's nodes
    of a category (``None``: all).
    Names are read as everywhere in evgraph (:mod:`evgraph.names`): ``fibroblast``, ``CAF``,
    ``NSCLC``, ``PD-L1``. Raises :class:`~evgraph.errors.EvgraphError` for a name that is unknown
    or ambiguous (naming the candidates).
    """
    from evgraph.names import NameIndex

    out = dict(params)
    for p in query.params:
        value = out.get(p.name)
        if p.is_id and isinstance(value, str):
            out[p.name] = NameIndex(nodes(p.category)).resolve(value, p.category)
    return out


def run_query(settings, query: Query, params: dict, *, write=False) -> tuple[list[str], list[dict]]:
    """Run a query on the database ``settings`` name (Neo4j or embedded); refuse one that
    writes unless ``write``, and one that needs what the engine lacks. Returns (columns, rows)."""
    with open_engine(settings, write=write) as engine:
        return run_on(engine, query, params, write=write)


def run_on(engine: Engine, query: Query, params: dict, *, write=False) -> tuple[list[str], list[dict]]:
    """:func:`run_query` on an open engine; every failure is a :class:`DbError` naming the query."""
    lacking = [r for r in query.requires if r not in engine.provides]
    if lacking:
        why = "; ".join(REQUIREMENTS.get(r, r) for r in lacking)
        raise DbError(f"query {query.name!r} cannot run on {engine.where}: {why}")

    def nodes(category):
        _, rows = engine.run(node_names_query(category), {})
        return [(r["id"], r["category"], r["name"], r.get("symbol")) for r in rows]

    params = resolve_ids(query, params, nodes)
    try:
        return engine.run(query.text, params, write=write)
    except WriteRefused:
        raise DbError(f"query {query.name!r} writes to the database; run it with --write") from None
    except MissingProcedure as err:
        raise DbError(f"query {query.name!r} needs a procedure this server lacks ({err}); "
                      f"requires: {', '.join(query.requires) or '-'}") from None
    except StatementError as err:
        raise DbError(f"query {query.name!r} failed: {err}") from None
