"""Canonical node and edge tables: the one contract between loaders and the rest.

A loader returns a :class:`Tables`; :func:`validate` checks it against the
schema; only :mod:`evgraph.model` turns it into a networkx graph.

Nodes have the columns ``id``, ``category``, ``name`` and any property the
schema declares; edges have ``source``, ``target``, ``type``, the provenance
columns (``pmids``, ``knowledge_source``, ``source_version``, ``license``,
``evidence_level``) and the relationship's own properties. List-valued cells
hold Python lists of strings. An optional ``_origin`` column ("file:line")
lets errors point back to the input a row came from.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

import networkx as nx
import numpy as np
import pandas as pd

from evgraph.errors import Problem, ValidationError
from evgraph.schema import Schema, load_schema

__all__ = [
    "NODE_COLUMNS",
    "EDGE_COLUMNS",
    "Tables",
    "validate",
    "check",
    "merge",
    "strongest_evidence",
    "pmid_problem",
    "MAX_PMID",
]

NODE_COLUMNS = ("id", "category", "name")
EDGE_COLUMNS = (
    "source",
    "target",
    "type",
    "pmids",
    "knowledge_source",
    "source_version",
    "license",
    "evidence_level",
)
ORIGIN = "_origin"
# A DOI as Crossref registers them: the 10. prefix, a registrant code, a slash, a suffix.
DOI = re.compile(r"^10\.\d{4,9}/\S+$")
# Provenance that may be absent or empty on an edge (a paper cited only by DOI, or none).
OPTIONAL_PROVENANCE = frozenset({"dois"})
# PubMed ids are eight digits today; anything much larger is a typo, not a paper.
MAX_PMID = 99_999_999
# Biomarker metrics that are probabilities or proportions, and those that are ratios.
BOUNDED_METRICS = ("AUC", "sensitivity", "specificity", "accuracy", "p_value")
RATIO_METRICS = ("HR", "OR")
# Relationship types that form a hierarchy: no self-loops, no cycles.
ACYCLIC = ("PART_OF",)
# Characters no text value may hold: NUL ends a string in C (FalkorDB cuts it there), and a
# carriage return cannot be told from a line end in the CSV exchange format.
FORBIDDEN_TEXT = {"\0": "a NUL character", "\r": "a carriage return (CR)"}


@dataclass
class Tables:
    """A node table and an edge table, plus metadata about where they came from."""

    nodes: pd.DataFrame
    edges: pd.DataFrame
    meta: dict = field(default_factory=dict)

    def __post_init__(self):
        for col in NODE_COLUMNS:
            if col not in self.nodes.columns:
                self.nodes[col] = pd.Series(dtype=object)
        for col in EDGE_COLUMNS:
            if col not in self.edges.columns:
                self.edges[col] = pd.Series(dtype=object)

    def copy(self) -> "Tables":
        return Tables(self.nodes.copy(), self.edges.copy(), dict(self.meta))


def strongest_evidence(levels, schema: Schema | None = None) -> str:
    """The strongest evidence level among ``levels`` (patient samples > in vivo > in vitro)."""
    order = (schema or load_schema()).evidence_levels
    present = [lv for lv in order if lv in set(levels)]
    return present[0] if present else order[-1]


def _where(row, fallback_file: str) -> tuple[str, int]:
    origin = row.get(ORIGIN) if hasattr(row, "get") else None
    if isinstance(origin, str) and ":" in origin:
        file, _, line = origin.rpartition(":")
        if line.isdigit():
            return file, int(line)
    return fallback_file, 0


def _is_missing(value) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and value != value:
        return True
    return isinstance(value, str) and not value.strip()


def _allowed(prop: str, schema: Schema):
    """The enumeration a string property (or each item of a list property) must come from, if any."""
    special = {"ev_subtype": schema.ev_subtypes, "species": schema.species,
               "evidence_level": schema.evidence_levels, "model_system": schema.model_systems}
    return special.get(prop, schema.enums.get(prop))


def pmid_problem(pmid) -> str | None:
    """Why ``pmid`` is not a PubMed id (ASCII digits, no leading zero, 1 to 99,999,999), if it is not.

    Examples
    --------
    >>> pmid_problem("24735924") is None
    True
    >>> pmid_problem("2\u00b2"), pmid_problem("0123"), pmid_problem("123456789012")
    ('is not a positive whole number', 'is not a positive whole number', 'is larger than any PubMed id')
    """
    # str.isdigit() alone accepts superscripts and other scripts' digits
    if not (isinstance(pmid, str) and pmid.isascii() and pmid.isdigit()) or pmid.startswith("0"):
        return "is not a positive whole number"
    if len(pmid) > len(str(MAX_PMID)) or int(pmid) > MAX_PMID:
        return "is larger than any PubMed id"
    return None


def _bad_item(prop: str, item, schema: Schema) -> str | None:
    """Why one item of a list property is wrong, if it is."""
    if prop == "pmids":
        reason = pmid_problem(item)
        if reason:
            return f"PMID {item!r} {reason}" if reason.startswith("is larger") else \
                f"PMIDs must be positive whole numbers, got {item!r}"
    elif prop in ("dois", "disputed_by"):
        if not isinstance(item, str) or not (DOI.match(item) or (prop == "disputed_by" and item.isdigit())):
            what = "a PMID or a DOI" if prop == "disputed_by" else "a DOI"
            return f"{item!r} is not {what} like 10.1000/xyz123"
    else:
        allowed = _allowed(prop, schema)
        if allowed and item not in allowed:
            return f"{item!r} is not one of {', '.join(allowed)}"
    return None


def _check_value(prop: str, typ: str, value, schema: Schema) -> str | None:
    """Return a reason string if ``value`` breaks the declared type or enum."""
    if _is_missing(value):
        return None
    if typ == "list[str]":
        if not isinstance(value, (list, tuple)):
            return f"expected a list, got {type(value).__name__}"
        for item in value:
            reason = _bad_item(prop, item, schema)
            if reason:
                return reason
        return None
    if typ == "int":
        try:
            if int(value) != float(value):
                raise ValueError
        except (TypeError, ValueError):
            return f"expected an integer, got {value!r}"
        return None
    if typ == "float":
        try:
            number = float(value)
        except (TypeError, ValueError):
            return f"expected a number, got {value!r}"
        return None if math.isfinite(number) else f"expected a finite number, got {value!r}"
    allowed = _allowed(prop, schema)
    if allowed and value not in allowed:
        return f"{value!r} is not one of {', '.join(allowed)}"
    return None


def validate(tables: Tables, schema: Schema | None = None, *, file: str = "") -> list[Problem]:
    """Check canonical tables against the schema and return every problem found.

    Checks: known categories and relationship types, identifier patterns,
    unique node ids, required properties, property types (finite numbers) and
    enumerations, PMIDs in PubMed's range, no dangling references, allowed
    endpoint categories, no duplicate edges, complete provenance on every edge,
    no NUL or carriage return in text, biomarker values their metric can take,
    and no self-loop or cycle in a hierarchy (``PART_OF``).

    Examples
    --------
    >>> import pandas as pd
    >>> t = Tables(pd.DataFrame({"id": ["CL:0000057"], "category": ["CellType"],
    ...                          "name": ["fibroblast"]}), pd.DataFrame())
    >>> validate(t)
    []
    >>> t.nodes.loc[0, "id"] = "CL:57"
    >>> print(validate(t)[0])
    <table>: column 'id': 'CL:57' does not match the CellType pattern ^CL:\\d{7}$
    """
    schema = schema or load_schema()
    problems: list[Problem] = []
    nodes, edges = tables.nodes, tables.edges

    def add(row, column, reason, fb=file):
        f, ln = _where(row, fb)
        problems.append(Problem(f, ln, column, reason))

    # Every check is first run on whole columns; only rows that may break a rule are
    # then checked one by one, which words the messages. A million valid edges thus
    # cost a few vectorised passes instead of a Python loop over a million rows.
    node_ids = nodes["id"] if len(nodes) else pd.Series(dtype=object)
    missing_id = _missing_mask(node_ids)
    first = ~node_ids.duplicated() & ~missing_id
    known = nodes["category"].isin(list(schema.categories)) if len(nodes) else pd.Series(dtype=bool)
    cat_of: dict[str, str] = dict(zip(node_ids[first & known], nodes["category"][first & known]))
    suspect = ~first | ~known
    if len(nodes):
        suspect |= _missing_mask(nodes["name"])
        for cat, spec in schema.categories.items():
            mine = (nodes["category"] == cat).to_numpy()
            if not mine.any():
                continue
            ids = node_ids[mine].astype(str)
            bad = pd.Series(False, index=nodes.index)
            bad[mine] = ~ids.str.match(spec.id_pattern.pattern)
            for prop in spec.required:
                col = nodes[prop] if prop in nodes.columns else pd.Series(None, index=nodes.index, dtype=object)
                bad[mine] |= _missing_mask(col[mine]) | col[mine].map(lambda v: isinstance(v, list) and not v)
            for prop, typ in spec.properties.items():
                if prop in nodes.columns:
                    bad[mine] |= _suspect_values(nodes.loc[mine, prop], prop, typ, schema)
            suspect |= bad
    if suspect.any():
        flagged = nodes.loc[suspect].assign(__duplicate__=(~first & ~missing_id)[suspect])
        for row in flagged.to_dict("records"):
            _node_problems(row, schema, add)
    if len(edges):
        _edge_checks(edges, schema, cat_of, add)
        _hierarchy_problems(edges, add)
    _text_problems(nodes, schema, add)
    _text_problems(edges, schema, add)
    _undeclared_problems(nodes, "category", NODE_COLUMNS, {c: spec.properties for c, spec
                                                           in schema.categories.items()}, add)
    _undeclared_problems(edges, "type", EDGE_COLUMNS + ("dois",), {t: rel.properties for t, rel
                                                                   in schema.relationships.items()}, add)
    _biomarker_problems(nodes, add)
    return problems


def _undeclared_problems(frame: pd.DataFrame, kind: str, always: tuple[str, ...], declared: dict, add) -> None:
    """Values of properties the schema does not declare for the row's category or type: a typo in a
    property name, or a value no exchange format could give back with its type."""
    if not len(frame):
        return
    kinds = frame[kind]
    known = kinds.isin(list(declared))
    for col in frame.columns:
        if col in always or col in (ORIGIN, "id", "source", "target", kind):
            continue
        owners = [k for k, props in declared.items() if col in props]
        wrong = frame[col].notna() & known & ~kinds.isin(owners)
        if not wrong.any():
            continue
        for row in frame.loc[wrong].head(5).to_dict("records"):
            what = f"node {row['id']!r}" if kind == "category" else f"edge {row['source']!r} -> {row['target']!r}"
            props = ", ".join(declared[row[kind]]) or "none"
            add(row, col, f"unknown property {col!r} of the {row[kind]} {what}; its properties: {props}")


def _text_problems(frame: pd.DataFrame, schema: Schema, add) -> None:
    """Free-text cells holding a character no text value may hold (:data:`FORBIDDEN_TEXT`).

    Identifiers and enumerated values are checked against their patterns and choices already, so
    only free text is searched, all of a column's text at once."""
    for col in frame.columns:
        if col in (ORIGIN, "id", "category", "source", "target", "type") or \
                (schema.property_type(col) or "str") != "str" or _allowed(col, schema):
            continue
        values = frame[col]
        joined = "".join([v for v in values if type(v) is str])
        if not any(c in joined for c in FORBIDDEN_TEXT):
            continue
        hit = values.map(lambda v: isinstance(v, str) and any(c in v for c in FORBIDDEN_TEXT))
        for row in frame.loc[hit].head(20).to_dict("records"):
            char = next(c for c in FORBIDDEN_TEXT if c in row[col])
            what = f"node {row.get('id')!r}" if "id" in row else f"{row.get('type')} edge {row.get('source')!r} " \
                                                                    f"-> {row.get('target')!r}"
            add(row, col, f"{what}: the text holds {FORBIDDEN_TEXT[char]}, which no text value may hold")


def _number(value) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def _biomarker_problems(nodes: pd.DataFrame, add) -> None:
    """Values a biomarker claim's metric cannot take: a proportion outside [0, 1], a ratio that is
    not positive, a cohort of no one."""
    if not len(nodes) or not {"metric", "value", "cohort_size"} & set(nodes.columns):
        return
    for row in nodes.loc[nodes["category"] == "BiomarkerClaim"].to_dict("records"):
        metric, value, cohort = row.get("metric"), _number(row.get("value")), _number(row.get("cohort_size"))
        if value is not None and metric in BOUNDED_METRICS and not 0 <= value <= 1:
            add(row, "value", f"claim {row['id']!r}: a {metric} lies between 0 and 1, got {value:g}")
        if value is not None and metric in RATIO_METRICS and value <= 0:
            add(row, "value", f"claim {row['id']!r}: a {metric} is a positive ratio, got {value:g}")
        if cohort is not None and cohort <= 0:
            add(row, "cohort_size", f"claim {row['id']!r}: a cohort has at least one person, got {cohort:g}")


def _hierarchy_problems(edges: pd.DataFrame, add) -> None:
    """Self-loops and cycles among the edges of a hierarchy (:data:`ACYCLIC`), one problem per cycle."""
    for typ in ACYCLIC:
        mine = edges.loc[edges["type"] == typ]
        if not len(mine):
            continue
        rows = mine.to_dict("records")
        at: dict[tuple, dict] = {}
        D = nx.DiGraph()
        for row in rows:
            s, t = row["source"], row["target"]
            if s == t:
                add(row, "target", f"{typ} edge {s!r} -> {t!r} points at itself; a hierarchy has no self-loops")
                continue
            at.setdefault((s, t), row)
            D.add_edge(s, t)
        cyclic = [c for c in nx.strongly_connected_components(D) if len(c) > 1]
        for comp in sorted(cyclic, key=lambda c: min(map(str, c))):
            start = min(comp, key=str)
            cycle = nx.find_cycle(D.subgraph(comp), source=start)
            path = " -> ".join(repr(u) for u, _ in cycle) + f" -> {cycle[0][0]!r}"
            add(at[cycle[0]], "target", f"{typ} edges form a cycle {path}; a hierarchy has none")


def _missing_mask(values: pd.Series) -> pd.Series:
    """Vectorised :func:`_is_missing`: None, NaN or a blank string."""
    if not len(values):
        return pd.Series(False, index=values.index)
    obj = values.astype(object)
    if pd.api.types.infer_dtype(obj, skipna=True) == "string":
        # each distinct text is stripped once: a column of a million cells holds a few thousand
        codes, uniques = pd.factorize(obj, use_na_sentinel=True)
        blank_u = np.fromiter((not u.strip() for u in uniques), dtype=bool, count=len(uniques))
        blank = pd.Series(np.append(blank_u, False)[codes], index=obj.index)  # code -1 (missing) -> False
    else:
        blank = obj.map(lambda v: isinstance(v, str) and not v.strip())
    return obj.isna() | blank.fillna(False).astype(bool)


def _suspect_values(values: pd.Series, prop: str, typ: str, schema: Schema) -> pd.Series:
    """Rows whose value may break ``typ`` or the property's enumeration (a superset of the
    rows :func:`_check_value` rejects)."""
    present = ~_missing_mask(values)
    v = values[present]
    bad = pd.Series(False, index=values.index)
    if not len(v):
        return bad
    if typ == "list[str]":
        is_list = v.map(lambda x: isinstance(x, (list, tuple)))
        bad[present] = ~is_list
        if prop in ("pmids", "dois", "disputed_by") or _allowed(prop, schema):
            flat = v[is_list].explode().dropna()
            if prop == "pmids":  # each distinct PMID once: papers are cited by many edges
                wrong = flat.isin([x for x in pd.unique(flat) if pmid_problem(x) is not None])
            elif prop in ("dois", "disputed_by"):
                wrong = flat.map(lambda x: _bad_item(prop, x, schema) is not None)
            else:
                wrong = ~flat.isin(list(_allowed(prop, schema)))
            bad[wrong[wrong].index.unique()] = True
        return bad
    if typ in ("int", "float"):
        num = pd.to_numeric(v.astype(object), errors="coerce")
        wrong = num.isna() | ~np.isfinite(num.astype(float))
        if typ == "int":
            wrong |= num != num.round()
        bad[present] = wrong.to_numpy()
        return bad
    allowed = _allowed(prop, schema)
    if allowed:
        bad[present] = ~v.isin(list(allowed))
    return bad


def _node_problems(row: dict, schema: Schema, add) -> None:
    nid, cat = row.get("id"), row.get("category")
    if _is_missing(nid):
        add(row, "id", "empty node id")
        return
    if row.get("__duplicate__"):
        add(row, "id", f"duplicate node id {nid!r}")
        return
    if cat not in schema.categories:
        add(row, "category", f"unknown category {cat!r}; valid: {', '.join(schema.categories)}")
        return
    spec = schema.categories[cat]
    if not spec.id_pattern.match(str(nid)):
        add(row, "id", f"{nid!r} does not match the {cat} pattern {spec.id_pattern.pattern}")
    if _is_missing(row.get("name")):
        add(row, "name", f"node {nid!r} has no name")
    for prop in spec.required:
        value = row.get(prop)
        if _is_missing(value) or (isinstance(value, list) and not value):
            add(row, prop, f"{cat} {nid!r} lacks required property {prop!r}")
    for prop, typ in spec.properties.items():
        reason = _check_value(prop, typ, row.get(prop), schema)
        if reason:
            add(row, prop, reason)


def _edge_checks(edges: pd.DataFrame, schema: Schema, cat_of: dict, add) -> None:
    typ = edges["type"]
    suspect = ~typ.isin(list(schema.relationships))
    scat, tcat = edges["source"].map(cat_of), edges["target"].map(cat_of)
    allowed_s = {(k, c) for k, r in schema.relationships.items() for c in r.sources}
    allowed_t = {(k, c) for k, r in schema.relationships.items() for c in r.targets}
    suspect |= ~pd.Series([p in allowed_s for p in zip(typ, scat)], index=edges.index)
    suspect |= ~pd.Series([p in allowed_t for p in zip(typ, tcat)], index=edges.index)
    dup = edges.duplicated(["source", "target", "type"])
    suspect |= dup
    for prop, ptype in schema.provenance.items():
        if prop in OPTIONAL_PROVENANCE and prop not in edges.columns:
            continue
        col = edges[prop]
        if prop == "pmids":
            is_list = col.map(lambda v: isinstance(v, (list, tuple)))
            suspect |= ~is_list
            empty = is_list & (col.map(lambda v: len(v) if isinstance(v, (list, tuple)) else 1) == 0)
            if "dois" in edges.columns:
                empty &= ~edges["dois"].map(lambda v: isinstance(v, (list, tuple)) and len(v) > 0)
            required = edges["knowledge_source"].map(
                {s: schema.pmids_required(s) for s in pd.unique(edges["knowledge_source"].dropna())})
            suspect |= empty & required.astype(object).fillna(True).astype(bool)
        elif prop in OPTIONAL_PROVENANCE:
            pass
        else:
            suspect |= _missing_mask(col)
        suspect |= _suspect_values(col, prop, ptype, schema)
    for name, rel in schema.relationships.items():
        mine = (typ == name).to_numpy()
        if not mine.any():
            continue
        for prop, ptype in rel.properties.items():
            if prop in edges.columns:
                suspect[mine] |= _suspect_values(edges.loc[mine, prop], prop, ptype, schema).to_numpy()
    if not suspect.any():
        return
    rows = edges.loc[suspect].assign(__duplicate__=dup[suspect]).to_dict("records")
    for row in rows:
        _edge_problems(row, schema, cat_of, add)


def _edge_problems(row: dict, schema: Schema, cat_of: dict, add) -> None:
    s, t, typ = row.get("source"), row.get("target"), row.get("type")
    if typ not in schema.relationships:
        add(row, "type", f"unknown relationship type {typ!r}; valid: {', '.join(schema.relationships)}")
        return
    rel = schema.relationships[typ]
    ok = True
    for col, nid, allowed in (("source", s, rel.sources), ("target", t, rel.targets)):
        if nid not in cat_of:
            add(row, col, f"{typ} edge refers to unknown node {nid!r}")
            ok = False
        elif cat_of[nid] not in allowed:
            add(row, col, f"{typ} cannot {'start' if col == 'source' else 'end'} at a "
                f"{cat_of[nid]} ({nid!r}); allowed: {', '.join(sorted(allowed))}")
            ok = False
    if ok and row.get("__duplicate__"):
        add(row, "type", f"duplicate {typ} edge {s!r} -> {t!r}")
    for prop, ptype in schema.provenance.items():
        value = row.get(prop)
        if prop == "pmids":
            if not isinstance(value, (list, tuple)):
                add(row, prop, f"{typ} edge {s!r} -> {t!r} has no PMID list")
                continue
            source = row.get("knowledge_source")
            if not value and isinstance(row.get("dois"), (list, tuple)) and row.get("dois"):
                pass  # cited by DOI: a paper whose PMID no page showed
            elif not value and source == "evgraph-curated":
                add(row, prop, f"curated {typ} edge {s!r} -> {t!r} cites no PMID")
            elif not value and schema.pmids_required(source):
                add(row, prop, f"{typ} edge {s!r} -> {t!r} cites no PMID; the schema requires "
                    f"PMIDs for source {source!r}")
        elif _is_missing(value):
            if prop not in OPTIONAL_PROVENANCE:
                add(row, prop, f"{typ} edge {s!r} -> {t!r} lacks provenance {prop!r}")
            continue
        reason = _check_value(prop, ptype, value, schema)
        if reason:
            add(row, prop, reason)
    for prop, ptype in rel.properties.items():
        reason = _check_value(prop, ptype, row.get(prop), schema)
        if reason:
            add(row, prop, reason)


def check(tables: Tables, schema: Schema | None = None, *, file: str = "") -> Tables:
    """Validate and return ``tables``, or raise :class:`ValidationError`."""
    problems = validate(tables, schema, file=file)
    if problems:
        raise ValidationError(problems)
    return tables


def _union(values) -> list[str]:
    out: set[str] = set()
    for v in values:
        if isinstance(v, (list, tuple)):
            out.update(map(str, v))
    return sorted(out, key=lambda x: (len(x), x))


def _first(values):
    for v in values:
        if not _is_missing(v):
            return v
    return None


PROVENANCE_TEXT = ("knowledge_source", "source_version", "license")


def _aligned_provenance(rows: list[dict]) -> dict:
    """Distinct (source, version, licence) triples of merged rows, ``;``-joined position by
    position, so the i-th version and licence belong to the i-th source."""
    triples: list[tuple] = []
    for row in rows:
        cells = [[] if _is_missing(row.get(c)) else str(row.get(c)).split(";") for c in PROVENANCE_TEXT]
        width = max(map(len, cells))
        cells = [c if len(c) == width else [";".join(c)] * width for c in cells]
        for triple in zip(*cells):
            if triple not in triples:
                triples.append(triple)
    return {c: ";".join(t[i] for t in triples) or None for i, c in enumerate(PROVENANCE_TEXT)}


def _merge_rows(rows: list[dict], lists: frozenset[str], schema: Schema) -> dict:
    out = dict(rows[0])
    for col in out:
        if col in ("source", "target", "type", "id", "category") or col in PROVENANCE_TEXT:
            continue
        values = [r.get(col) for r in rows]
        if col in lists:
            # a list nobody gave stays absent (pmids are always a list)
            has = col == "pmids" or any(isinstance(v, (list, tuple)) for v in values)
            out[col] = _union(values) if has else None
        elif col == "evidence_level":
            out[col] = strongest_evidence(values, schema)
        else:
            out[col] = _first(values)
    if "knowledge_source" in out:
        out.update(_aligned_provenance(rows))
    return out


def _dedupe(frame: pd.DataFrame, keys: list[str], merge_rows) -> pd.DataFrame:
    """Rows with a unique key pass through untouched (vectorised); only rows sharing a key
    are merged in Python, each group at the place of its first row."""
    dup = frame.duplicated(keys, keep=False)
    if not dup.any():
        return frame.reset_index(drop=True)
    shared = frame.loc[dup]
    groups: dict[tuple, list] = {}
    first: dict[tuple, int] = {}
    for idx, row in zip(shared.index, shared.to_dict("records")):
        key = tuple(row[k] for k in keys)
        groups.setdefault(key, []).append(row)
        first.setdefault(key, idx)
    merged = pd.DataFrame([merge_rows(rows) for rows in groups.values()], index=list(first.values()),
                          columns=frame.columns)
    return pd.concat([frame.loc[~dup], merged]).sort_index(kind="stable").reset_index(drop=True)


def merge(parts: list[Tables], schema: Schema | None = None) -> Tables:
    """Merge tables from several sources into one.

    Nodes are deduplicated by id (the first non-empty value of each property
    wins; a category conflict is an error). Edges with the same source, target
    and type are merged: list properties (PMIDs, records, ...) are united, the
    strongest evidence level is kept and the distinct (knowledge source,
    version, licence) triples are kept ``;``-joined position by position, so
    provenance per source survives. Rows whose key is unique are not touched
    row by row, which keeps merging a million edges fast.
    """
    schema = schema or load_schema()
    if len(parts) == 1:
        return parts[0].copy()
    nodes = pd.concat([p.nodes for p in parts], ignore_index=True)
    shared = nodes.loc[nodes["id"].duplicated(keep=False)]
    cats = shared.groupby("id")["category"].nunique()
    clash = cats[cats > 1]
    if len(clash):
        nid = clash.index[0]
        found = sorted(nodes.loc[nodes["id"] == nid, "category"].unique())
        raise ValidationError([Problem("", 0, "category", f"node {nid!r} has conflicting categories {found}")])
    lists = schema.list_properties()
    nodes = _dedupe(nodes, ["id"], lambda rows: {c: _first([r.get(c) for r in rows]) for c in rows[0]})
    edges = pd.concat([p.edges for p in parts], ignore_index=True)
    edges = _dedupe(edges, ["source", "target", "type"], lambda rows: _merge_rows(rows, lists, schema))
    meta = {"sources": [p.meta for p in parts]}
    return Tables(nodes, edges, meta)
