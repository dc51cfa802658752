"""A checker for CX2 documents, written from the published specification:

Cytoscape Exchange Format Specification (Version 2), revision of 2025-07-22,
https://cytoscape.org/cx/cx2/specification/cytoscape-exchange-format-specification-(version-2)/

Each rule below cites the section it comes from. ``problems(doc)`` returns every violation found
(an empty list for a valid document); it checks the core aspects evgraph writes and the general
rules for any other (opaque) aspect.
"""

from __future__ import annotations

import math
import re

TYPES = {"string", "long", "integer", "double", "boolean", "list_of_string", "list_of_long", "list_of_integer",
         "list_of_double", "list_of_boolean"}
CORE = {"attributeDeclarations", "networkAttributes", "nodes", "edges", "visualProperties", "nodeBypasses",
        "edgeBypasses", "visualEditorProperties"}
META = {"metaData", "status"}
RESERVED_NODE = {"name": "string", "represents": "string", "alias": "list_of_string"}
RESERVED_NETWORK = {"name": "string", "description": "string", "version": "string"}
MAPPING_TYPES = {"DISCRETE", "PASSTHROUGH", "CONTINUOUS"}


def _fits(value, kind: str) -> bool:
    """'All values of an attribute must have the same data type' (attributeDeclarations)."""
    if kind.startswith("list_of_"):
        return isinstance(value, list) and all(_fits(v, kind[len("list_of_"):]) for v in value)
    if kind == "string":
        return isinstance(value, str)
    if kind == "boolean":
        return isinstance(value, bool)
    if kind in ("long", "integer"):
        return isinstance(value, int) and not isinstance(value, bool) and (
            kind == "long" or -2**31 <= value < 2**31)
    if kind == "double":
        # 'Numeric values in this version of CX': NaN and infinities are not JSON numbers
        return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)
    return False


def problems(doc) -> list[str]:
    out: list[str] = []
    # 'Top-Level Structure of CX': one JSON array, the descriptor first, the status last
    if not isinstance(doc, list) or not doc:
        return ["a CX2 document is a non-empty JSON array"]
    first = doc[0]
    if not isinstance(first, dict) or "CXVersion" not in first:
        return ["the first element must be the CX descriptor with CXVersion"]
    # 'CX Descriptor': CXVersion "major.minor" (required), hasFragments boolean
    if not (isinstance(first["CXVersion"], str) and re.fullmatch(r"\d+\.\d+", first["CXVersion"])):
        out.append(f"CXVersion {first['CXVersion']!r} is not 'major.minor'")
    elif not first["CXVersion"].startswith("2."):
        out.append(f"CXVersion {first['CXVersion']!r} is not a version 2 document")
    if "hasFragments" in first and not isinstance(first["hasFragments"], bool):
        out.append("hasFragments must be a boolean")
    fragments = first.get("hasFragments", False) is True
    blocks = doc[1:]
    # 'Aspect Data Blocks': each a JSON object with a single attribute, the aspect name, whose value is a list
    names = []
    for i, block in enumerate(blocks, 1):
        if not isinstance(block, dict) or len(block) != 1:
            out.append(f"element {i} is not an object with exactly one aspect")
            names.append(None)
            continue
        (name, value), = block.items()
        if not isinstance(value, list):
            out.append(f"aspect {name!r} (element {i}) is not a list")
        names.append(name)
    # 'Status Aspect': exactly one status aspect, last, with one element holding a boolean success
    if names.count("status") != 1 or names[-1] != "status":
        out.append("a CX2 document ends with exactly one status aspect")
    else:
        status = blocks[-1]["status"]
        if len(status) != 1 or not isinstance(status[0], dict) or not isinstance(status[0].get("success"), bool):
            out.append("status must hold one element with a boolean 'success'")
        elif "error" in status[0] and not isinstance(status[0]["error"], str):
            out.append("status 'error' must be a string")
    if not fragments:
        for name in set(names) - {None, "metaData"}:
            if names.count(name) > 1:
                out.append(f"aspect {name!r} appears more than once in a document without fragments")
    aspects = {}
    for name, block in zip(names, blocks):
        if name is not None and isinstance(block[name], list):
            aspects.setdefault(name, []).extend(block[name])
    # 'Pre and Post Metadata': name required (string), elementCount optional (long)
    for m in aspects.get("metaData", []):
        if not isinstance(m, dict) or not isinstance(m.get("name"), str):
            out.append("every metaData element needs a string 'name'")
        elif "elementCount" in m and not _fits(m["elementCount"], "long"):
            out.append(f"metaData elementCount of {m['name']!r} is not a whole number")
        elif "elementCount" in m and m["name"] in aspects and m["elementCount"] != len(aspects[m["name"]]):
            out.append(f"metaData says {m['elementCount']} elements of {m['name']!r}, the document has "
                       f"{len(aspects[m['name']])}")
    # 'Aspect Data Blocks' note: all aspect data blocks come after attributeDeclarations
    if "attributeDeclarations" in names:
        at = names.index("attributeDeclarations")
        for name in names[:at]:
            if name not in META:
                out.append(f"aspect {name!r} comes before attributeDeclarations")
    declared = {"networkAttributes": {}, "nodes": {}, "edges": {}}
    aliases = {"nodes": {}, "edges": {}}
    decl = aspects.get("attributeDeclarations", [])
    if not fragments and len(decl) > 1:
        out.append("attributeDeclarations holds exactly one object in a non-fragmented network")
    for d in decl:
        if not isinstance(d, dict):
            out.append("an attributeDeclarations element is not an object")
            continue
        for aspect, attrs in d.items():
            if not isinstance(attrs, dict):
                out.append(f"declarations of {aspect!r} are not an object")
                continue
            for attr, spec in attrs.items():
                # 'Declaration Properties': d required and one of the types; a optional; v optional
                if not isinstance(spec, dict) or spec.get("d") not in TYPES:
                    out.append(f"{aspect}.{attr}: 'd' must be one of {sorted(TYPES)}")
                    continue
                if "a" in spec and aspect == "networkAttributes":
                    out.append(f"networkAttributes.{attr}: aliases are not permitted for networkAttributes")
                if "v" in spec and not _fits(spec["v"], spec["d"]):
                    out.append(f"{aspect}.{attr}: default value does not fit type {spec['d']}")
                declared.setdefault(aspect, {})[attr] = spec["d"]
                if "a" in spec:
                    aliases.setdefault(aspect, {})[spec["a"]] = attr
    for aspect, reserved in (("nodes", RESERVED_NODE), ("networkAttributes", RESERVED_NETWORK)):
        for attr, kind in reserved.items():
            if attr in declared.get(aspect, {}) and declared[aspect][attr] != kind:
                out.append(f"{aspect}.{attr} is reserved as {kind}, declared {declared[aspect][attr]}")

    def check_values(where, values, aspect):
        if not isinstance(values, dict):
            out.append(f"{where}: 'v' must be an object")
            return
        names_used = set()
        for key, value in values.items():
            attr = aliases.get(aspect, {}).get(key, key)
            if attr != key:
                names_used.add(attr)
            elif attr in aliases.get(aspect, {}).values():
                out.append(f"{where}: {attr!r} has an alias; the full name can no longer be used")
            if aspect in ("nodes", "edges") and attr == "id":
                out.append(f"{where}: the attribute name 'id' is not allowed in 'v'")
            kind = declared.get(aspect, {}).get(attr)
            if kind is None:
                out.append(f"{where}: attribute {attr!r} is not declared in attributeDeclarations.{aspect}")
            elif not _fits(value, kind):
                out.append(f"{where}: attribute {attr!r} = {value!r} is not a {kind}")

    # 'networkAttributes': exactly one object for a single network, every key declared
    net = aspects.get("networkAttributes", [])
    if "networkAttributes" in aspects and len(net) != 1:
        out.append("networkAttributes must hold exactly one object")
    for element in net:
        check_values("networkAttributes", element, "networkAttributes")
    # 'nodes': id (long, unique), v (object), x/y (double) for all nodes or none, z only with x and y
    node_ids = set()
    nodes = aspects.get("nodes", [])
    with_xy = 0
    with_z = 0
    for k, n in enumerate(nodes):
        where = f"node {k}"
        if not isinstance(n, dict) or not _fits(n.get("id"), "long"):
            out.append(f"{where}: 'id' must be a whole number")
            continue
        if n["id"] in node_ids:
            out.append(f"{where}: id {n['id']} is not unique")
        node_ids.add(n["id"])
        extra = set(n) - {"id", "v", "x", "y", "z"}
        if extra:
            out.append(f"{where}: unknown keys {sorted(extra)}")
        if "v" in n:
            check_values(f"{where}", n["v"], "nodes")
        if ("x" in n) != ("y" in n):
            out.append(f"{where}: a node with an x must have a y, and the other way round")
        for c in ("x", "y", "z"):
            if c in n and not _fits(n[c], "double"):
                out.append(f"{where}: {c} must be a finite number")
        if "z" in n and "x" not in n:
            out.append(f"{where}: a node with a z must have x and y")
        with_xy += "x" in n and "y" in n
        with_z += "z" in n
    if with_xy not in (0, len(nodes)):
        out.append(f"{with_xy} of {len(nodes)} nodes have x and y: all nodes must, or none")
    if with_z not in (0, len(nodes)):
        out.append(f"{with_z} of {len(nodes)} nodes have z: all nodes should, or none")
    # 'edges': id (long, unique), s and t (required, node ids), v (object)
    edge_ids = set()
    for k, e in enumerate(aspects.get("edges", [])):
        where = f"edge {k}"
        if not isinstance(e, dict) or not _fits(e.get("id"), "long"):
            out.append(f"{where}: 'id' must be a whole number")
            continue
        if e["id"] in edge_ids:
            out.append(f"{where}: id {e['id']} is not unique")
        edge_ids.add(e["id"])
        for end in ("s", "t"):
            if end not in e:
                out.append(f"{where}: '{end}' is required")
            elif e[end] not in node_ids:
                out.append(f"{where}: '{end}' = {e[end]!r} is not a node id")
        extra = set(e) - {"id", "s", "t", "v"}
        if extra:
            out.append(f"{where}: unknown keys {sorted(extra)}")
        if "v" in e:
            check_values(where, e["v"], "edges")
    # 'visualProperties': one element; mappings of a known type over a (non-alias) attribute name
    vp = aspects.get("visualProperties", [])
    if "visualProperties" in aspects and len(vp) != 1:
        out.append("visualProperties holds exactly one element")
    for style in vp:
        if not isinstance(style, dict):
            out.append("the visualProperties element is not an object")
            continue
        for part in ("network", "node", "edge"):
            if not isinstance(style.get("default", {}).get(part, {}), dict):
                out.append(f"visualProperties default.{part} must be an object")
        for mapping_key, aspect in (("nodeMapping", "nodes"), ("edgeMapping", "edges")):
            for prop, mapping in (style.get(mapping_key) or {}).items():
                if not isinstance(mapping, dict) or mapping.get("type") not in MAPPING_TYPES:
                    out.append(f"{mapping_key}.{prop}: type must be one of {sorted(MAPPING_TYPES)}")
                    continue
                definition = mapping.get("definition") or {}
                attr = definition.get("attribute")
                if attr in aliases.get(aspect, {}):
                    out.append(f"{mapping_key}.{prop}: an alias cannot name the attribute")
                elif attr not in declared.get(aspect, {}) and "type" not in definition:
                    out.append(f"{mapping_key}.{prop}: attribute {attr!r} is neither declared nor typed")
                if mapping["type"] == "DISCRETE":
                    entries = definition.get("map")
                    if not isinstance(entries, list) or not all(isinstance(x, dict) and {"v", "vp"} <= set(x)
                                                                for x in entries):
                        out.append(f"{mapping_key}.{prop}: a DISCRETE map is a list of {{v, vp}}")
    # 'nodeBypasses' / 'edgeBypasses': ids of existing elements, v an object
    for aspect, ids in (("nodeBypasses", node_ids), ("edgeBypasses", edge_ids)):
        for b in aspects.get(aspect, []):
            if not isinstance(b, dict) or b.get("id") not in ids or not isinstance(b.get("v"), dict):
                out.append(f"{aspect}: every element needs the id of an existing element and an object v")
    # 'Opaque aspects': elements are JSON objects
    for name, elements in aspects.items():
        if name not in CORE | META and not all(isinstance(x, dict) for x in elements):
            out.append(f"opaque aspect {name!r}: elements must be JSON objects")
    return out
