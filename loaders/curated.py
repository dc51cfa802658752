"""The curated literature knowledge base: TSV files -> canonical tables.

The bundled knowledge base lives in ``evgraph/data/kb``; a user's own folder in
the same format (see its README) can replace or extend it. Files:

``communications.tsv`` (required), ``terms.tsv``, ``biomarkers.tsv``,
``machinery.tsv``, ``drugs.tsv``, ``references.tsv`` and ``kb.yaml``.
Every problem is reported with file, line and column; nothing is returned
unless the whole folder is valid.
"""

from __future__ import annotations

import re
from importlib import resources
from pathlib import Path

import pandas as pd
import yaml

from evgraph.errors import Problem, ValidationError
from evgraph.loaders._tsv import Row, read_tsv
from evgraph.schema import Schema, load_schema
from evgraph.tables import ORIGIN, Tables, strongest_evidence, validate

__all__ = ["BUNDLED", "bundled_path", "load_curated", "COMMUNICATION_COLUMNS", "cargo_node_id"]

SOURCE = "evgraph-curated"
LICENSE = "CC-BY-4.0"
BUNDLED = "bundled"

COMMUNICATION_COLUMNS = (
    "record_id", "cancer", "donor_cell", "donor_as_written", "cargo_type", "cargo_id",
    "cargo_as_written", "recipient_cells", "recipient_as_written", "ev_subtype", "species",
    "model_system", "targets", "pathways", "phenotypes", "pmids", "claim",
)
BIOMARKER_COLUMNS = (
    "biomarker_id", "cargo_type", "cargo_id", "cargo_as_written", "cancer", "body_fluid", "use",
    "direction", "metric", "value", "cohort_size", "status", "pmids", "claim",
)
MACHINERY_COLUMNS = ("gene", "role", "cancer", "cell_type", "intervention", "phenotypes", "pmids", "claim")
DRUG_COLUMNS = ("drug", "drug_id", "target", "target_kind", "action", "pmids", "claim")
TERM_COLUMNS = ("id", "label", "kind")
REFERENCE_COLUMNS = ("pmid", "first_author", "year", "journal", "title")

# cargo_type in the files -> (schema category, id prefix, name suffix)
CARGO_TYPES = {
    "miRNA": ("MiRNA", "", ""),
    "protein": ("Protein", "protein:", " protein"),
    "mRNA": ("MRNA", "mrna:", " mRNA"),
    "lncRNA": ("LncRNA", "lncrna:", ""),
    "circRNA": ("CircRNA", "circrna:", ""),
    "DNA": ("DNA", "dna:", " DNA"),
    "lipid": ("Lipid", "lipid:", ""),
    "metabolite": ("Metabolite", "metabolite:", ""),
}
TERM_KINDS = {"cell": "CellType", "cancer": "Cancer", "phenotype": "Phenotype",
              "pathway": "Pathway", "fluid": "BodyFluid"}
SYMBOL = re.compile(r"^[A-Z0-9][A-Z0-9-]*[A-Z0-9]?$")


def bundled_path() -> Path:
    """Folder of the knowledge base shipped with evgraph."""
    return Path(str(resources.files("evgraph").joinpath("data", "kb")))


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def cargo_node_id(cargo_type: str, cargo_id: str) -> tuple[str, str, str]:
    """Map a cargo as written in the files to (node id, category, display name).

    Examples
    --------
    >>> cargo_node_id("protein", "CD274")
    ('protein:CD274', 'Protein', 'CD274 protein')
    >>> cargo_node_id("lipid", "Prostaglandin E2")
    ('lipid:prostaglandin-e2', 'Lipid', 'Prostaglandin E2')
    """
    category, prefix, suffix = CARGO_TYPES[cargo_type]
    if cargo_type in ("lipid", "metabolite"):
        return prefix + _slug(cargo_id), category, cargo_id
    return prefix + cargo_id, category, cargo_id + suffix


def _split(value: str) -> list[str]:
    return [v.strip() for v in value.split(";") if v.strip()]


class _Builder:
    """Collects nodes and edges with their origins while rows are read."""

    def __init__(self, schema: Schema, terms: dict[str, tuple[str, str]], version: str):
        self.schema, self.terms, self.version = schema, terms, version
        self.nodes: dict[str, dict] = {}
        self.edges: dict[tuple, dict] = {}
        self.problems: list[Problem] = []

    def node(self, row: Row, column: str, nid: str, category: str, name: str, **props) -> bool:
        spec = self.schema.categories[category]
        if not spec.id_pattern.match(nid):
            self.problems.append(row.problem(column, f"{nid!r} is not a valid {category} identifier "
                                                     f"(pattern {spec.id_pattern.pattern})"))
            return False
        have = self.nodes.get(nid)
        if have is None:
            self.nodes[nid] = {"id": nid, "category": category, "name": name, ORIGIN: row.origin(), **props}
        elif have["category"] != category:
            self.problems.append(row.problem(column, f"{nid!r} is used as {category} here but as "
                                                     f"{have['category']} at {have[ORIGIN]}"))
            return False
        return True

    def term(self, row: Row, column: str, tid: str, kind: str) -> str | None:
        category = TERM_KINDS[kind]
        if kind == "pathway" and tid.startswith("R-"):
            tid = "REACT:" + tid
        if tid not in self.terms:
            self.problems.append(row.problem(column, f"unknown {kind} term {tid!r}: add it to terms.tsv"))
            return None
        label, term_kind = self.terms[tid]
        if term_kind != kind:
            self.problems.append(row.problem(column, f"{tid!r} is a {term_kind} term, expected a {kind}"))
            return None
        return tid if self.node(row, column, tid, category, label) else None

    def gene(self, row: Row, column: str, symbol: str) -> str | None:
        nid = "hgnc.symbol:" + symbol
        return nid if self.node(row, column, nid, "Gene", symbol, symbol=symbol) else None

    def edge(self, row: Row, s: str, t: str, typ: str, pmids: list[str], level: str, *,
             source=SOURCE, license=LICENSE, **props):
        key = (s, t, typ)
        have = self.edges.get(key)
        if have is None:
            self.edges[key] = {
                "source": s, "target": t, "type": typ, "pmids": sorted(set(pmids), key=int),
                "knowledge_source": source, "source_version": self.version, "license": license,
                "evidence_level": level, ORIGIN: row.origin(), **props,
            }
            return
        have["pmids"] = sorted(set(have["pmids"]) | set(pmids), key=int)
        have["evidence_level"] = strongest_evidence([have["evidence_level"], level], self.schema)
        for k, v in props.items():
            if isinstance(v, list):
                have[k] = sorted(set(have.get(k) or []) | set(v))
            elif have.get(k) in (None, ""):
                have[k] = v

    def new_id(self, row: Row, column: str, category: str, example: str, seen: dict[str, str]) -> str | None:
        """The row's record or claim id if well formed and not seen before in this file."""
        nid = row[column]
        if not self.schema.categories[category].id_pattern.match(nid):
            self.problems.append(row.problem(column, f"{nid!r} is not an id like {example}"))
            return None
        if nid in seen:
            self.problems.append(row.problem(column, f"duplicate id {nid!r} (first at {seen[nid]})"))
            return None
        seen[nid] = row.origin()
        return nid

    def pmids(self, row: Row, column: str = "pmids") -> list[str]:
        values = _split(row[column])
        bad = [p for p in values if not p.isdigit()]
        if bad:
            self.problems.append(row.problem(column, f"PMID {bad[0]!r} is not numeric"))
        if not values:
            self.problems.append(row.problem(column, "every row must cite at least one PMID"))
        return [p for p in values if p.isdigit()]

    def choice(self, row: Row, column: str, allowed) -> str | None:
        value = row[column]
        if value not in allowed:
            self.problems.append(row.problem(column, f"{value!r} is not one of {', '.join(allowed)}"))
            return None
        return value

    def cargo(self, row: Row) -> list[str]:
        """Cargo node ids of a row; ``cargo_id`` may list several (a panel), ``;``-joined."""
        ctype = row["cargo_type"]
        if ctype not in CARGO_TYPES:
            self.problems.append(row.problem("cargo_type", f"{ctype!r} is not one of {', '.join(CARGO_TYPES)}"))
            return []
        ids = _split(row["cargo_id"])
        if not ids:
            self.problems.append(row.problem("cargo_id", "empty cargo id"))
            return []
        out = []
        for cid in ids:
            nid, category, name = cargo_node_id(ctype, cid)
            props = {"symbol": cid} if ctype in ("protein", "mRNA", "lncRNA") else {}
            if not self.node(row, "cargo_id", nid, category, name, **props):
                return []
            out.append(nid)
            if ctype in ("protein", "mRNA", "lncRNA", "DNA") and SYMBOL.match(cid):
                gene = self.gene(row, "cargo_id", cid)
                if gene:
                    self.edge(row, nid, gene, "PRODUCT_OF", [], "unspecified", source="HGNC symbol mapping",
                              license="CC0-1.0")
        return out

    def phenotypes(self, row: Row, column: str) -> list[tuple[str, str]]:
        out = []
        for item in _split(row[column]):
            tid, effect = item, "promotes"
            if item.endswith(":inhibits"):
                tid, effect = item[: -len(":inhibits")], "inhibits"
            node = self.term(row, column, tid, "phenotype")
            if node:
                out.append((node, effect))
        return out


def _load_terms(folder: Path, fallback: bool) -> tuple[dict, list[Problem]]:
    terms: dict[str, tuple[str, str]] = {}
    problems: list[Problem] = []
    paths = []
    if fallback and folder.resolve() != bundled_path().resolve():
        paths.append(bundled_path() / "terms.tsv")
    if (folder / "terms.tsv").exists():
        paths.append(folder / "terms.tsv")
    for path in paths:
        for row in read_tsv(path, TERM_COLUMNS):
            if row["kind"] not in TERM_KINDS:
                problems.append(row.problem("kind", f"{row['kind']!r} is not one of {', '.join(TERM_KINDS)}"))
                continue
            tid = row["id"]
            if row["kind"] == "pathway" and tid.startswith("R-"):
                tid = "REACT:" + tid
            terms[tid] = (row["label"], row["kind"])
    return terms, problems


def _read_meta(folder: Path) -> dict:
    meta = {"name": folder.name, "version": "unversioned", "license": LICENSE}
    path = folder / "kb.yaml"
    if path.exists():
        try:
            loaded = yaml.safe_load(path.read_text("utf-8")) or {}
        except yaml.YAMLError as err:
            raise ValidationError([Problem(str(path), 0, "", f"invalid YAML: {err}")]) from None
        meta.update({k: str(v) for k, v in loaded.items()})
    return meta


def _communications(b: _Builder, rows: list[Row]) -> None:
    s = b.schema
    seen_ids: dict[str, str] = {}
    seen_content: dict[tuple, str] = {}
    for row in rows:
        rid = b.new_id(row, "record_id", "CommunicationRecord", "EVC:0001", seen_ids)
        if rid is None:
            continue
        pmids = b.pmids(row)
        systems = _split(row["model_system"])
        bad = [m for m in systems if m not in s.model_systems]
        if bad or not systems:
            b.problems.append(row.problem("model_system", f"{(bad or [''])[0]!r} is not one of {', '.join(s.model_systems)}"))
        level = strongest_evidence(systems, s)
        subtype = b.choice(row, "ev_subtype", s.ev_subtypes)
        species = b.choice(row, "species", s.species)
        donor = b.term(row, "donor_cell", row["donor_cell"], "cell")
        cancer = b.term(row, "cancer", row["cancer"], "cancer")
        cargo = b.cargo(row)
        recipients = [r for r in (b.term(row, "recipient_cells", x, "cell") for x in _split(row["recipient_cells"])) if r]
        if not _split(row["recipient_cells"]):
            b.problems.append(row.problem("recipient_cells", "a record needs at least one recipient cell type"))
        phen = b.phenotypes(row, "phenotypes")
        if not _split(row["phenotypes"]):
            b.problems.append(row.problem("phenotypes", "a record needs at least one phenotype"))
        pathways = [p for p in (b.term(row, "pathways", x, "pathway") for x in _split(row["pathways"])) if p]
        targets = []
        for item in _split(row["targets"]):
            symbol, _, effect = item.partition(":")
            if effect not in ("represses", "activates"):
                b.problems.append(row.problem("targets", f"{item!r}: write SYMBOL:represses or SYMBOL:activates"))
                continue
            gene = b.gene(row, "targets", symbol)
            if gene:
                targets.append((gene, effect))
        if not (donor and cancer and cargo and subtype and species) or len(recipients) != len(_split(row["recipient_cells"])):
            continue
        content = (donor, tuple(cargo), tuple(sorted(recipients)), cancer, tuple(sorted(pmids)))
        if content in seen_content:
            b.problems.append(row.problem("record_id", f"duplicate of record {seen_content[content]}: same donor, "
                                                       "cargo, recipients, cancer and PMIDs"))
            continue
        seen_content[content] = rid
        name = f"{b.nodes[donor]['name']} EV " + "+".join(b.nodes[c]["name"] for c in cargo) + " -> " + ", ".join(
            b.nodes[r]["name"] for r in recipients)
        b.node(row, "record_id", rid, "CommunicationRecord", name, ev_subtype=subtype, species=species,
               model_system=systems, pmids=pmids, claim=row["claim"], donor_as_written=row["donor_as_written"],
               cargo_as_written=row["cargo_as_written"], recipient_as_written=row["recipient_as_written"])
        b.edge(row, donor, rid, "RELEASES", pmids, level)
        for c in cargo:
            b.edge(row, rid, c, "CARRIES", pmids, level)
        b.edge(row, rid, cancer, "IN_CONTEXT_OF", pmids, level)
        for r in recipients:
            b.edge(row, rid, r, "TAKEN_UP_BY", pmids, level)
        for p, effect in phen:
            b.edge(row, rid, p, "CAUSES", pmids, level, effect=effect, records=[rid])
        for gene, effect in targets:
            for c in cargo:
                b.edge(row, c, gene, "REGULATES", pmids, level, effect=effect, records=[rid],
                       recipient_cells=recipients)
            for pw in pathways:
                b.edge(row, gene, pw, "ALTERS", pmids, level, records=[rid])
        if not targets:
            for pw in pathways:
                b.edge(row, rid, pw, "ALTERS", pmids, level, records=[rid])
        for pw in pathways:
            for p, effect in phen:
                b.edge(row, pw, p, "CAUSES", pmids, level, effect=effect, records=[rid])


def _biomarkers(b: _Builder, rows: list[Row]) -> None:
    s = b.schema
    seen: dict[str, str] = {}
    for row in rows:
        bid = b.new_id(row, "biomarker_id", "BiomarkerClaim", "EVB:0001", seen)
        if bid is None:
            continue
        pmids = b.pmids(row)
        use = b.choice(row, "use", s.enums["use"])
        direction = b.choice(row, "direction", s.enums["direction"])
        status = b.choice(row, "status", s.enums["status"])
        value = cohort = None
        try:
            value = float(row["value"]) if row["value"] else None
        except ValueError:
            b.problems.append(row.problem("value", f"{row['value']!r} is not a number"))
        try:
            cohort = int(row["cohort_size"]) if row["cohort_size"] else None
        except ValueError:
            b.problems.append(row.problem("cohort_size", f"{row['cohort_size']!r} is not an integer"))
        cargo = b.cargo(row)
        cancer = b.term(row, "cancer", row["cancer"], "cancer")
        fluid = b.term(row, "body_fluid", row["body_fluid"], "fluid")
        if not row["metric"]:
            b.problems.append(row.problem("metric", "empty metric"))
        if not (cargo and cancer and fluid and use and status and direction):
            continue
        panel = "+".join(b.nodes[c]["name"] for c in cargo)
        name = f"{panel} in {b.nodes[fluid]['name']}: {use} of {b.nodes[cancer]['name']}"
        b.node(row, "biomarker_id", bid, "BiomarkerClaim", name, use=use, direction=direction,
               metric=row["metric"], value=value, cohort_size=cohort, status=status, pmids=pmids,
               claim=row["claim"], cargo_as_written=row["cargo_as_written"])
        for c in cargo:
            b.edge(row, bid, c, "MEASURES", pmids, "patient_samples")
        b.edge(row, bid, cancer, "IN_CONTEXT_OF", pmids, "patient_samples")
        b.edge(row, bid, fluid, "IN_FLUID", pmids, "patient_samples")


def _machinery(b: _Builder, rows: list[Row]) -> None:
    s = b.schema
    for row in rows:
        pmids = b.pmids(row)
        role = b.choice(row, "role", s.enums["role"])
        intervention = b.choice(row, "intervention", s.enums["intervention"])
        if not SYMBOL.match(row["gene"]):
            b.problems.append(row.problem("gene", f"{row['gene']!r} is not an HGNC symbol"))
            continue
        gene = b.gene(row, "gene", row["gene"])
        cell = b.term(row, "cell_type", row["cell_type"], "cell")
        cancer = b.term(row, "cancer", row["cancer"], "cancer")
        phen = b.phenotypes(row, "phenotypes")
        if not (gene and cell and cancer and role and intervention):
            continue
        level = "in_vivo" if "in vivo" in row["claim"].lower() else "in_vitro"
        b.edge(row, gene, cell, "EV_MACHINERY_IN", pmids, level, roles=[role],
               interventions=[intervention], cancers=[cancer])
        for p, _ in phen:
            b.edge(row, gene, p, "MACHINERY_DRIVES", pmids, level, roles=[role], cancers=[cancer])


def _drugs(b: _Builder, rows: list[Row]) -> None:
    for row in rows:
        pmids = b.pmids(row)
        action = b.choice(row, "action", b.schema.enums["action"])
        did = row["drug_id"] or "evgraph.drug:" + _slug(row["drug"])
        if not row["drug"]:
            b.problems.append(row.problem("drug", "empty drug name"))
            continue
        drug = did if b.node(row, "drug_id" if row["drug_id"] else "drug", did, "Drug", row["drug"]) else None
        kind = b.choice(row, "target_kind", ("gene", "miRNA"))
        if kind == "gene":
            target = b.gene(row, "target", row["target"])
        elif kind == "miRNA":
            target = row["target"] if b.node(row, "target", row["target"], "MiRNA", row["target"]) else None
        else:
            target = None
        if drug and target and action:
            b.edge(row, drug, target, "TARGETS", pmids, "in_vitro", action=action)


def _references(folder: Path) -> pd.DataFrame:
    path = folder / "references.tsv"
    if not path.exists():
        return pd.DataFrame(columns=list(REFERENCE_COLUMNS))
    rows = read_tsv(path, REFERENCE_COLUMNS, ("verified_by",))
    return pd.DataFrame([dict(r) for r in rows])


def load_curated(path: str | Path | None = None, *, schema: Schema | None = None) -> Tables:
    """Read a curated knowledge-base folder (the bundled one by default).

    Parameters
    ----------
    path : str or Path, optional (default: the bundled knowledge base)
        A folder with ``communications.tsv`` and optionally the other files.
    schema : Schema, optional
        The schema to validate against (the packaged one by default).

    Returns
    -------
    Tables
        Validated canonical tables. ``meta`` holds the name, version and
        licence of the knowledge base and its reference list.

    Raises
    ------
    ValidationError
        Listing every problem with file, line, column and reason.

    Examples
    --------
    >>> t = load_curated()
    >>> sorted(t.nodes.loc[t.nodes["id"] == "EVC:0001", "category"])
    ['CommunicationRecord']
    """
    schema = schema or load_schema()
    folder = bundled_path() if path in (None, BUNDLED) else Path(path)
    if not folder.is_dir():
        raise ValidationError([Problem(str(folder), 0, "", "not a knowledge-base folder")])
    if not (folder / "communications.tsv").exists():
        raise ValidationError([Problem(str(folder), 0, "", "no communications.tsv in this folder")])
    meta = _read_meta(folder)
    terms, problems = _load_terms(folder, fallback=True)
    b = _Builder(schema, terms, meta["version"])
    b.problems.extend(problems)
    readers = (
        ("communications.tsv", COMMUNICATION_COLUMNS, _communications),
        ("biomarkers.tsv", BIOMARKER_COLUMNS, _biomarkers),
        ("machinery.tsv", MACHINERY_COLUMNS, _machinery),
        ("drugs.tsv", DRUG_COLUMNS, _drugs),
    )
    for name, columns, handler in readers:
        file = folder / name
        if file.exists():
            try:
                handler(b, read_tsv(file, columns))
            except ValidationError as err:
                b.problems.extend(err.problems)
    refs = _references(folder)
    if b.problems:
        raise ValidationError(b.problems)
    nodes = pd.DataFrame(list(b.nodes.values()))
    edges = pd.DataFrame(list(b.edges.values()))
    meta["references"] = refs.to_dict("records")
    tables = Tables(nodes, edges, {"kb": meta})
    problems = validate(tables, schema)
    if problems:
        raise ValidationError(problems)
    return tables
