"""Cytoscape Exchange format version 2 (CX2): the network format Cytoscape and NDEx read natively.

A CX2 document is one JSON array: a descriptor (``CXVersion`` 2.0), the aspect metadata,
``attributeDeclarations`` (the data type of every network, node and edge attribute), then the
``networkAttributes``, ``nodes`` and ``edges`` aspects, an optional ``visualProperties`` aspect and
a final ``status``. Written to the specification published by the Cytoscape consortium,
https://cytoscape.org/cx/cx2/specification/cytoscape-exchange-format-specification-(version-2)/
(revision of 2025-07-22).

What evgraph writes:

- every node with an integer ``id`` and, in ``v``, ``name`` (the label), ``represents`` (the
  evgraph identifier: a CURIE such as ``hgnc.symbol:PTEN`` or ``CL:0000057``), ``category`` and
  every other attribute of the node; every edge with ``s``, ``t`` and, in ``v``, ``interaction``
  (the relationship type) and its attributes (PMIDs, DOIs, evidence level, records, ...);
- one declared data type per attribute: lists as ``list_of_string`` (or of numbers), whole
  numbers as ``long``, other numbers as ``double``; a value that does not fit the attribute's type
  is written as text, and a missing or non-finite number is left out (CX2 has no ``NaN``);
- ``x`` and ``y`` for every node when positions are given, for none otherwise (CX2 requires all
  or none);
- a portable visual style when node colours are given: fill colour by category, label from the
  name, edge colour by relationship type.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

__all__ = ["CX_VERSION", "to_cx2", "write_cx2"]

CX_VERSION = "2.0"
# Attribute names CX2 keeps for itself inside an element's "v" (see the specification).
_NODE_RESERVED = {"name": "string", "represents": "string", "alias": "list_of_string"}


def _kind(value) -> str | None:
    """The CX2 data type of one value, ``None`` when there is no value."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "long"
    if isinstance(value, float):
        return "double" if math.isfinite(value) else None
    if isinstance(value, (list, tuple, set, frozenset)):
        inner = {_kind(v) for v in value} - {None}
        if inner <= {"long"} and inner:
            return "list_of_long"
        if inner <= {"long", "double"} and inner:
            return "list_of_double"
        if inner == {"boolean"}:
            return "list_of_boolean"
        return "list_of_string"
    return "string"


def _declare(elements: list[dict], reserved: dict) -> dict:
    """One data type per attribute: the values' common type, else text (``string`` or a list of it)."""
    seen: dict[str, set] = {}
    for attrs in elements:
        for k, v in attrs.items():
            kind = _kind(v)
            if kind is not None:
                seen.setdefault(k, set()).add(kind)
    types = {}
    for k, kinds in seen.items():
        if k in reserved:
            types[k] = reserved[k]
        elif len(kinds) == 1:
            types[k] = kinds.pop()
        elif kinds <= {"long", "double"}:
            types[k] = "double"
        elif kinds <= {"list_of_long", "list_of_double"}:
            types[k] = "list_of_double"
        elif all(x.startswith("list_of_") for x in kinds):
            types[k] = "list_of_string"
        else:
            types[k] = "string"
    return dict(sorted(types.items()))


def _cast(value, kind: str):
    """``value`` as the declared ``kind``, or ``None`` to leave it out."""
    if value is None:
        return None
    if kind == "string":
        if isinstance(value, (list, tuple, set, frozenset)):
            return ";".join(map(str, value))
        if isinstance(value, float) and not math.isfinite(value):
            return None
        return str(value)
    if kind.startswith("list_of_"):
        items = sorted(value) if isinstance(value, (set, frozenset)) else (
            list(value) if isinstance(value, (list, tuple)) else [value])
        inner = kind[len("list_of_"):]
        out = [_cast(x, inner) for x in items]
        return [x for x in out if x is not None]
    if kind == "double":
        number = float(value)
        return number if math.isfinite(number) else None
    if kind == "long":
        return int(value)
    if kind == "boolean":
        return bool(value)
    return value


def _plain(value):
    """Numpy scalars and tuples as plain JSON values."""
    if hasattr(value, "item") and not isinstance(value, (list, tuple, str)):
        value = value.item()
    if isinstance(value, tuple):
        return list(value)
    return value


def to_cx2(G, *, name: str = "evgraph network", description: str = "", version: str = "",
           network_attributes: dict | None = None, node_attributes: dict | None = None,
           positions: dict | None = None, node_colors: dict | None = None,
           edge_colors: dict | None = None) -> list:
    """The graph as a CX2 document (a JSON-ready list).

    Parameters
    ----------
    G : networkx.MultiDiGraph
        Nodes with ``name`` and ``category``; edges keyed by relationship type.
    name, description, version
        The network's reserved attributes.
    network_attributes : dict, optional
        More network attributes (nested values are written as JSON text).
    node_attributes : dict, optional
        ``{node: {attribute: value}}`` added to the nodes' own attributes (a ranking's scores).
    positions : dict, optional
        ``{node: (x, y)}`` for every node.
    node_colors, edge_colors : dict, optional
        ``{category: "#RRGGBB"}`` and ``{relationship type: "#RRGGBB"}`` for the visual style.

    Examples
    --------
    >>> import networkx as nx
    >>> G = nx.MultiDiGraph()
    >>> G.add_node("hgnc.symbol:PTEN", name="PTEN", category="Gene")
    >>> G.add_node("hsa-miR-21-5p", name="hsa-miR-21-5p", category="MiRNA")
    >>> G.add_edge("hsa-miR-21-5p", "hgnc.symbol:PTEN", key="REGULATES", pmids=["1"])
    'REGULATES'
    >>> doc = to_cx2(G, name="toy")
    >>> doc[0], [next(iter(a)) for a in doc[1:]]
    ({'CXVersion': '2.0', 'hasFragments': False}, ['metaData', 'attributeDeclarations', \
'networkAttributes', 'nodes', 'edges', 'status'])
    >>> doc[5]["edges"]
    [{'id': 0, 's': 1, 't': 0, 'v': {'interaction': 'REGULATES', 'pmids': ['1']}}]
    """
    node_ids = sorted(G, key=str)
    index = {n: i for i, n in enumerate(node_ids)}
    extra = node_attributes or {}
    node_values = []
    for n in node_ids:
        d = G.nodes[n]
        attrs = {k: _plain(v) for k, v in d.items() if k not in ("id",)}
        if "id" in d:
            attrs["evgraph_id"] = _plain(d["id"])
        attrs.update({k: _plain(v) for k, v in extra.get(n, {}).items()})
        attrs["name"] = str(d.get("name", n))
        attrs["represents"] = str(n)
        node_values.append(attrs)
    edge_keys = sorted(G.edges(keys=True), key=lambda e: (index[e[0]], index[e[1]], str(e[2])))
    edge_values = []
    for u, v, k in edge_keys:
        d = G.edges[u, v, k]
        attrs = {a: _plain(b) for a, b in d.items() if a not in ("id", "interaction")}
        attrs["interaction"] = str(k)
        edge_values.append(attrs)
    net_attrs = {"name": name, "description": description, "version": version}
    for k, v in (network_attributes or {}).items():
        v = _plain(v)
        net_attrs[k] = v if isinstance(v, (str, int, float, bool)) else json.dumps(v, sort_keys=True, default=str)
    net_attrs = {k: v for k, v in net_attrs.items() if v is not None}

    node_types = _declare(node_values, _NODE_RESERVED)
    edge_types = _declare(edge_values, {"interaction": "string"})
    net_types = _declare([net_attrs], {"name": "string", "description": "string", "version": "string"})

    def values(attrs, types):
        out = {}
        for k in sorted(attrs):
            if k in types:
                cast = _cast(attrs[k], types[k])
                if cast is not None:
                    out[k] = cast
        return out

    nodes = []
    for i, (n, attrs) in enumerate(zip(node_ids, node_values)):
        element = {"id": i, "v": values(attrs, node_types)}
        if positions:
            x, y = positions[n]
            element["x"], element["y"] = round(float(x), 3), round(float(y), 3)
        nodes.append(element)
    edges = [{"id": i, "s": index[u], "t": index[v], "v": values(attrs, edge_types)}
             for i, ((u, v, _), attrs) in enumerate(zip(edge_keys, edge_values))]
    network = [values(net_attrs, net_types)]
    aspects = [("networkAttributes", network), ("nodes", nodes), ("edges", edges)]
    if node_colors or edge_colors:
        aspects.append(("visualProperties", [_style(node_colors or {}, edge_colors or {})]))
    doc = [{"CXVersion": CX_VERSION, "hasFragments": False},
           {"metaData": [{"name": "attributeDeclarations", "elementCount": 1}]
            + [{"name": a, "elementCount": len(e)} for a, e in aspects]},
           {"attributeDeclarations": [{"networkAttributes": {k: {"d": t} for k, t in net_types.items()},
                                       "nodes": {k: {"d": t} for k, t in node_types.items()},
                                       "edges": {k: {"d": t} for k, t in edge_types.items()}}]}]
    doc += [{a: e} for a, e in aspects]
    doc.append({"status": [{"error": "", "success": True}]})
    return doc


def _style(node_colors: dict, edge_colors: dict) -> dict:
    """A portable visual style: fill by category, label from the name, edge colour by type."""
    def discrete(attribute, mapping):
        return {"type": "DISCRETE", "definition": {"attribute": attribute, "type": "string",
                                                   "map": [{"v": k, "vp": c} for k, c in sorted(mapping.items())]}}

    style = {
        "default": {
            "network": {"NETWORK_BACKGROUND_COLOR": "#FFFFFF"},
            "node": {"NODE_BACKGROUND_COLOR": "#666666", "NODE_LABEL_FONT_SIZE": 10, "NODE_WIDTH": 30,
                     "NODE_HEIGHT": 30, "NODE_SHAPE": "ellipse"},
            "edge": {"EDGE_LINE_COLOR": "#888888", "EDGE_WIDTH": 1.0, "EDGE_TARGET_ARROW_SHAPE": "triangle"},
        },
        "nodeMapping": {"NODE_LABEL": {"type": "PASSTHROUGH", "definition": {"attribute": "name"}}},
        "edgeMapping": {},
    }
    if node_colors:
        style["nodeMapping"]["NODE_BACKGROUND_COLOR"] = discrete("category", node_colors)
    if edge_colors:
        style["edgeMapping"]["EDGE_LINE_COLOR"] = discrete("interaction", edge_colors)
        style["edgeMapping"]["EDGE_TARGET_ARROW_FILL_COLOR"] = discrete("interaction", edge_colors)
    return style


def write_cx2(G, path: str | Path, **kwargs) -> Path:
    """Write :func:`to_cx2` of ``G`` to ``path`` (UTF-8 JSON), renamed into place when complete."""
    import os

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "w", encoding="utf-8") as fh:
            json.dump(to_cx2(G, **kwargs), fh, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return path
