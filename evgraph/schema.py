"""Load ``schema.yaml``, the single source of truth for the graph's shape."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path

import yaml

from evgraph.errors import SchemaError, UnknownChoiceError

__all__ = ["KnowledgeSource", "NodeCategory", "RelationshipType", "Schema", "load_schema", "LIST_TYPES"]

LIST_TYPES = {"list[str]"}
SCALAR_TYPES = {"str", "int", "float", "bool"}


@dataclass(frozen=True)
class NodeCategory:
    name: str
    neo4j_label: str
    biolink: str
    id_pattern: re.Pattern
    properties: dict[str, str]
    required: tuple[str, ...] = ()
    cargo: bool = False


@dataclass(frozen=True)
class RelationshipType:
    name: str
    biolink: str
    sources: frozenset[str]
    targets: frozenset[str]
    properties: dict[str, str]
    description: str = ""
    symmetric: bool = False


@dataclass(frozen=True)
class KnowledgeSource:
    """What the schema demands of one knowledge source's edges."""

    name: str
    pmids: str = "required"  # required | optional | none
    knowledge_level: str = "not_provided"


PMID_RULES = ("required", "optional", "none")


@dataclass(frozen=True)
class Schema:
    version: str
    provenance: dict[str, str]
    categories: dict[str, NodeCategory]
    relationships: dict[str, RelationshipType]
    enums: dict[str, tuple[str, ...]]
    evidence_levels: tuple[str, ...]
    model_systems: tuple[str, ...]
    ev_subtypes: tuple[str, ...]
    species: tuple[str, ...]
    cargo_categories: tuple[str, ...] = field(default=())
    knowledge_sources: dict[str, KnowledgeSource] = field(default_factory=dict)

    def pmids_required(self, source: str) -> bool:
        """Whether an edge from ``source`` (``;``-joined when merged) must cite a PMID.

        An edge may cite none only if every source it comes from is declared
        ``optional`` or ``none`` in the schema; unknown sources must cite.
        """
        names = [s for s in str(source or "").split(";") if s]
        return not names or any(
            self.knowledge_sources.get(n, KnowledgeSource(n)).pmids == "required" for n in names)

    def category(self, name: str) -> NodeCategory:
        try:
            return self.categories[name]
        except KeyError:
            raise UnknownChoiceError("node category", name, self.categories) from None

    def relationship(self, name: str) -> RelationshipType:
        try:
            return self.relationships[name]
        except KeyError:
            raise UnknownChoiceError("relationship type", name, self.relationships) from None

    def property_type(self, name: str) -> str | None:
        """Type of a node or edge property wherever the schema declares it."""
        if name in self.provenance:
            return self.provenance[name]
        for cat in self.categories.values():
            if name in cat.properties:
                return cat.properties[name]
        for rel in self.relationships.values():
            if name in rel.properties:
                return rel.properties[name]
        return None

    def list_properties(self) -> frozenset[str]:
        names = {k for k, t in self.provenance.items() if t in LIST_TYPES}
        for cat in self.categories.values():
            names |= {k for k, t in cat.properties.items() if t in LIST_TYPES}
        for rel in self.relationships.values():
            names |= {k for k, t in rel.properties.items() if t in LIST_TYPES}
        return frozenset(names)


def _expand(names, cargo: tuple[str, ...], known, where: str) -> frozenset[str]:
    out: set[str] = set()
    for n in names:
        if n == "Cargo":
            out.update(cargo)
        elif n in known:
            out.add(n)
        else:
            raise SchemaError(f"{where}: unknown node category {n!r}")
    return frozenset(out)


def _check_types(props: dict, where: str) -> dict[str, str]:
    for key, typ in props.items():
        if typ not in SCALAR_TYPES | LIST_TYPES:
            raise SchemaError(f"{where}: property {key!r} has unknown type {typ!r}")
    return dict(props)


def parse_schema(raw: dict) -> Schema:
    """Build a :class:`Schema` from the parsed YAML mapping, checking it."""
    cats: dict[str, NodeCategory] = {}
    for name, spec in raw["node_categories"].items():
        props = _check_types(spec.get("properties", {}), f"category {name}")
        cats[name] = NodeCategory(
            name=name,
            neo4j_label=spec["neo4j_label"],
            biolink=spec["biolink"],
            id_pattern=re.compile(spec["id_pattern"]),
            properties=props,
            required=tuple(spec.get("required", ())),
            cargo=bool(spec.get("cargo", False)),
        )
    cargo = tuple(n for n, c in cats.items() if c.cargo)
    rels: dict[str, RelationshipType] = {}
    for name, spec in raw["relationships"].items():
        if not re.fullmatch(r"[A-Z][A-Z0-9_]*", name):
            raise SchemaError(f"relationship type {name!r} is not UPPER_SNAKE")
        rels[name] = RelationshipType(
            name=name,
            biolink=spec["biolink"],
            sources=_expand(spec["from"], cargo, cats, f"relationship {name}"),
            targets=_expand(spec["to"], cargo, cats, f"relationship {name}"),
            properties=_check_types(spec.get("properties", {}), f"relationship {name}"),
            description=spec.get("description", ""),
            symmetric=bool(spec.get("symmetric", False)),
        )
    for cat in cats.values():
        if not re.fullmatch(r"[A-Z][A-Za-z0-9]*", cat.neo4j_label):
            raise SchemaError(f"label {cat.neo4j_label!r} is not CamelCase")
    sources: dict[str, KnowledgeSource] = {}
    for name, spec in (raw.get("knowledge_sources") or {}).items():
        rule = spec.get("pmids", "required")
        if rule not in PMID_RULES:
            raise SchemaError(f"knowledge source {name!r}: pmids must be one of {', '.join(PMID_RULES)}")
        sources[name] = KnowledgeSource(name, rule, spec.get("knowledge_level", "not_provided"))
    return Schema(
        version=str(raw["version"]),
        provenance=_check_types(raw["provenance"], "provenance"),
        categories=cats,
        relationships=rels,
        enums={k: tuple(v) for k, v in raw.get("enums", {}).items()},
        evidence_levels=tuple(raw["evidence_levels"]),
        model_systems=tuple(raw["model_systems"]),
        ev_subtypes=tuple(raw["ev_subtypes"]),
        species=tuple(raw["species"]),
        cargo_categories=cargo,
        knowledge_sources=sources,
    )


@cache
def load_schema(path: str | Path | None = None) -> Schema:
    """Return the schema (the packaged one unless ``path`` is given).

    Examples
    --------
    >>> s = load_schema()
    >>> "MiRNA" in s.cargo_categories
    True
    >>> sorted(s.relationship("RELEASES").sources)
    ['CellType']
    """
    if path is None:
        text = resources.files("evgraph").joinpath("schema.yaml").read_text("utf-8")
    else:
        text = Path(path).read_text("utf-8")
    return parse_schema(yaml.safe_load(text))
