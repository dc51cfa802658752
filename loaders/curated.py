"""The curated literature knowledge base: TSV files -> canonical tables.

The bundled knowledge base lives in ``evgraph/data/kb``; a user's own folder in
the same format (see its README) can replace or extend it. Files:

``communications.tsv`` (required), ``terms.tsv``, ``biomarkers.tsv``,
``machinery.tsv``, ``drugs.tsv``, ``references.tsv`` and ``kb.yaml``.
Every problem is reported with file, line and column; nothing is returned
unless the whole folder is valid.
"""

from __future__ import annotations

import math
import re
from importlib import resources
from pathlib import Path

import pandas as pd
import yaml

from evgraph.errors import Problem, ValidationError
from evgraph.exchange import read_text
from evgraph.loaders._tsv import Row, read_tsv
from evgraph.schema import Schema, load_schema
from evgraph.tables import (BOUNDED_METRICS, DOI, ORIGIN, RATIO_METRICS, Tables, pmid_problem, strongest_evidence,
                            validate)

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
# Columns added in knowledge-base format 2; a folder without them reads as before.
OPTIONAL_COLUMNS = {
    "communications.tsv": ("patient_samples", "dois"),
    "biomarkers.tsv": ("comparison", "validation", "disputed_by", "dois"),
    "machinery.tsv": ("species", "model_system", "status", "disputed_by", "dois"),
    "drugs.tsv": ("cancer", "species", "model_system", "phenotypes", "status", "disputed_by", "dois"),
    "terms.tsv": ("polarity",),
    "references.tsv": ("doi", "verified_by"),
}
WHOLE_EV = "whole_EV"
POLARITIES = ("pro_tumour", "anti_tumour", "context")
KB_KEYS = ("name", "version", "license", "curated_on")

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

    A variant is written ``GENE:variant`` and becomes a node of its own
    (a product of the gene, see :func:`cargo_gene`).

    Examples
    --------
    >>> cargo_node_id("protein", "CD274")
    ('protein:CD274', 'Protein', 'CD274 protein')
    >>> cargo_node_id("protein", "EGFR:EGFRvIII")
    ('protein:EGFRvIII', 'Protein', 'EGFRvIII protein')
    >>> cargo_node_id("lipid", "Prostaglandin E2")
    ('lipid:prostaglandin-e2', 'Lipid', 'Prostaglandin E2')
    """
    category, prefix, suffix = CARGO_TYPES[cargo_type]
    if cargo_type in ("lipid", "metabolite"):
        return prefix + _slug(cargo_id), category, cargo_id
    name = cargo_id.partition(":")[2] or cargo_id
    return prefix + name, category, name + suffix


def cargo_gene(cargo_type: str, cargo_id: str) -> str | None:
    """The HGNC symbol a protein, mRNA, lncRNA or DNA cargo is a product of, if it is one.

    Examples
    --------
    >>> cargo_gene("protein", "EGFR:EGFRvIII"), cargo_gene("DNA", "mtDNA"), cargo_gene("miRNA", "hsa-miR-21")
    ('EGFR', None, None)
    """
    if cargo_type not in ("protein", "mRNA", "lncRNA", "DNA"):
        return None
    symbol = cargo_id.partition(":")[0]
    return symbol if SYMBOL.match(symbol) else None


def _cancer_papers(cancer: str, pmids: list[str], dois: list[str]) -> list[str]:
    """``cancer|paper`` for each paper of a machinery or drug row, so that a context keeps the papers of
    its own cancer's rows once rows of several cancers merge into one edge (a DOI only where the row
    cites no PMID, as on the edge)."""
    return [f"{cancer}|{p}" for p in (pmids or dois)]


def _merge_scalar(key: str, a, b):
    """The value of a merged edge whose rows disagree on ``key``, or ``None`` when they may not.

    Rows of several records disagreeing on a direction make the shared edge ``mixed`` (each record's
    own CAUSES edge keeps its direction); a disputed row makes the edge disputed.
    """
    if key == "effect" and {a, b} <= {"promotes", "inhibits", "mixed"}:
        return "mixed"
    if key == "status" and {a, b} <= {"supported", "disputed"}:
        return "disputed"
    return None


def _split(value: str) -> list[str]:
    return [v.strip() for v in value.split(";") if v.strip()]


class _Builder:
    """Collects nodes and edges with their origins while rows are read."""

    def __init__(self, schema: Schema, terms: dict[str, tuple[str, str, str]], version: str,
                 clashing: set[str] = frozenset()):
        self.schema, self.terms, self.version, self.clashing = schema, terms, version, clashing
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
        if tid in self.clashing:
            return None  # reported once, at the definition's own line
        if tid not in self.terms:
            self.problems.append(row.problem(column, f"unknown {kind} term {tid!r}: add it to terms.tsv"))
            return None
        label, term_kind, polarity = self.terms[tid]
        if term_kind != kind:
            self.problems.append(row.problem(column, f"{tid!r} is a {term_kind} term, expected a {kind}"))
            return None
        props = {"polarity": polarity} if kind == "phenotype" and polarity else {}
        return tid if self.node(row, column, tid, category, label, **props) else None

    def gene(self, row: Row, column: str, symbol: str) -> str | None:
        nid = "hgnc.symbol:" + symbol
        return nid if self.node(row, column, nid, "Gene", symbol, symbol=symbol) else None

    def edge(self, row: Row, s: str, t: str, typ: str, pmids: list[str], level: str, *,
             source=SOURCE, license=LICENSE, dois=(), **props):
        key = (s, t, typ)
        have = self.edges.get(key)
        props = {k: v for k, v in props.items() if not (isinstance(v, list) and not v)}
        # an edge's dois are the papers it cites by DOI alone: a row citing a PMID and a DOI cites one
        # paper, which must count once when evidence is weighed
        dois = () if pmids else dois
        if have is None:
            self.edges[key] = {
                "source": s, "target": t, "type": typ, "pmids": sorted(set(pmids), key=int),
                "knowledge_source": source, "source_version": self.version,
                "license": license, "evidence_level": level, ORIGIN: row.origin(), **props,
            }
            if dois:  # an empty list would not survive a round trip through the CSV exchange format
                self.edges[key]["dois"] = sorted(set(dois))
            return
        have["pmids"] = sorted(set(have["pmids"]) | set(pmids), key=int)
        if dois:
            have["dois"] = sorted(set(have.get("dois") or []) | set(dois))
        have["evidence_level"] = strongest_evidence([have["evidence_level"], level], self.schema)
        for k, v in props.items():
            if isinstance(v, list):
                have[k] = sorted(set(have.get(k) or []) | set(v))
            elif have.get(k) in (None, ""):
                have[k] = v
            elif have[k] != v:
                merged = _merge_scalar(k, have[k], v)
                if merged is None:
                    self.problems.append(row.problem(k, f"{typ} {s!r} -> {t!r}: {k} {v!r} here, {have[k]!r} "
                                                        f"at {have[ORIGIN]}; one edge cannot hold both"))
                else:
                    have[k] = merged

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

    def cites(self, row: Row) -> tuple[list[str], list[str]]:
        """The row's PMIDs and DOIs; every row cites at least one of them."""
        pmids, dois = _split(row["pmids"]), _split(row.get("dois", ""))
        good = []
        for p in pmids:
            reason = pmid_problem(p)
            if reason:
                self.problems.append(row.problem("pmids", f"PMID {p!r} {reason}"))
            else:
                good.append(p)
        for d in dois:
            if not DOI.match(d):
                self.problems.append(row.problem("dois", f"{d!r} is not a DOI like 10.1000/xyz123 "
                                                         "(without https://doi.org/)"))
        if not pmids and not dois:
            self.problems.append(row.problem("pmids", "every row must cite a PMID or, in 'dois', a DOI"))
        return good, [d for d in dois if DOI.match(d)]

    def listed(self, row: Row, column: str, allowed, *, required=True) -> list[str]:
        """A ``;``-joined cell whose items come from ``allowed``."""
        values = _split(row.get(column, ""))
        bad = [v for v in values if v not in allowed]
        if bad or (required and not values):
            hint = ""
            if column == "model_system" and "patient_samples" in bad:
                hint = " (patient samples show an association, not the mechanism: put 'yes' in patient_samples)"
            self.problems.append(row.problem(column, f"{(bad or [''])[0]!r} is not one of {', '.join(allowed)}"
                                             + hint))
        return [v for v in values if v in allowed]

    def flag(self, row: Row, column: str) -> bool:
        value = row.get(column, "").lower()
        if value not in ("", "yes", "no"):
            self.problems.append(row.problem(column, f"{row[column]!r} is not yes, no or empty"))
        return value == "yes"

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
            kinds = (*CARGO_TYPES, WHOLE_EV)
            self.problems.append(row.problem("cargo_type", f"{ctype!r} is not one of {', '.join(kinds)}"))
            return []
        ids = _split(row["cargo_id"])
        if not ids:
            self.problems.append(row.problem("cargo_id", "empty cargo id"))
            return []
        out = []
        for cid in ids:
            nid, category, name = cargo_node_id(ctype, cid)
            symbol = cargo_gene(ctype, cid)
            props = {"symbol": symbol or cid} if ctype in ("protein", "mRNA", "lncRNA") else {}
            if not self.node(row, "cargo_id", nid, category, name, **props):
                return []
            out.append(nid)
            if symbol:
                gene = self.gene(row, "cargo_id", symbol)
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


def _load_terms(folder: Path, fallback: bool) -> tuple[dict, set[str], list[Problem]]:
    """Terms by id, the ids whose definitions clash (their uses are not reported again), problems.

    A term is defined once per file. A folder's own terms.tsv may relabel a bundled term but not
    change its kind.
    """
    terms: dict[str, tuple[str, str, str]] = {}
    where: dict[str, Row] = {}
    clashing: set[str] = set()
    problems: list[Problem] = []
    paths = []
    if fallback and folder.resolve() != bundled_path().resolve():
        paths.append(bundled_path() / "terms.tsv")
    if (folder / "terms.tsv").exists():
        paths.append(folder / "terms.tsv")
    for path in paths:
        try:
            rows = read_tsv(path, TERM_COLUMNS, OPTIONAL_COLUMNS["terms.tsv"])
        except ValidationError as err:
            problems += err.problems
            continue
        for row in rows:
            if row["kind"] not in TERM_KINDS:
                problems.append(row.problem("kind", f"{row['kind']!r} is not one of {', '.join(TERM_KINDS)}"))
                continue
            polarity = row.get("polarity", "")
            if polarity and polarity not in POLARITIES:
                problems.append(row.problem("polarity", f"{polarity!r} is not one of {', '.join(POLARITIES)}"))
            tid = row["id"]
            if row["kind"] == "pathway" and tid.startswith("R-"):
                tid = "REACT:" + tid
            if not tid:
                problems.append(row.problem("id", "empty term id"))
                continue
            have = where.get(tid)
            if have is not None and have.file == row.file:
                problems.append(row.problem("id", f"term {tid!r} is defined again (first at line {have.line}); "
                                                  "a terms file defines each term once"))
                clashing.add(tid)
                continue
            if have is not None and terms[tid][1] != row["kind"]:
                problems.append(row.problem("kind", f"{tid!r} is a {terms[tid][1]} term at {have.origin()}; "
                                                    f"it cannot be redefined as a {row['kind']}"))
                clashing.add(tid)
                continue
            terms[tid] = (row["label"], row["kind"], polarity)
            where[tid] = row
    return terms, clashing, problems


def _read_meta(folder: Path) -> dict:
    """``kb.yaml``: a mapping of text values (every scalar read as written: version 2026.10 stays
    2026.10, not the number 2026.1)."""
    meta = {"name": folder.name, "version": "unversioned", "license": LICENSE}
    path = folder / "kb.yaml"
    if not path.exists():
        return meta
    text = read_text(path)
    try:
        node = yaml.compose(text, Loader=yaml.BaseLoader)
        loaded = yaml.load(text, Loader=yaml.BaseLoader)
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        reason = getattr(err, "problem", None) or str(err)
        raise ValidationError([Problem(str(path), mark.line + 1 if mark else 0, "", f"invalid YAML: {reason}")]) \
            from None
    if loaded is None:
        return meta
    if not isinstance(loaded, dict):
        kind = "a list" if isinstance(loaded, list) else f"the single value {loaded!r}"
        raise ValidationError([Problem(str(path), 1, "", f"must be a mapping of {', '.join(KB_KEYS)} "
                                                         f"(key: value lines), found {kind}")])
    problems = []
    first: dict[str, int] = {}
    for key, _ in node.value:
        if key.value in first:
            problems.append(Problem(str(path), key.start_mark.line + 1, key.value,
                                    f"given twice (first at line {first[key.value]})"))
        first.setdefault(key.value, key.start_mark.line + 1)
    for key, value in loaded.items():
        if not isinstance(value, str):
            problems.append(Problem(str(path), first[key], key, f"must be a single value, found a "
                                                                f"{'list' if isinstance(value, list) else 'mapping'}"))
        elif key in ("name", "version", "license") and not value.strip():
            problems.append(Problem(str(path), first[key], key, "is empty"))
    if problems:
        raise ValidationError(problems)
    meta.update(loaded)
    return meta


def _communications(b: _Builder, rows: list[Row]) -> None:
    s = b.schema
    seen_ids: dict[str, str] = {}
    seen_content: dict[tuple, str] = {}
    for row in rows:
        rid = b.new_id(row, "record_id", "CommunicationRecord", "EVC:0001", seen_ids)
        if rid is None:
            continue
        pmids, dois = b.cites(row)
        systems = b.listed(row, "model_system", s.model_systems)
        patients = b.flag(row, "patient_samples")
        # the mechanistic steps weigh what the transfer and its effect were shown in; a patient
        # association strengthens only the record's link to its cancer
        level = strongest_evidence(systems, s)
        context_level = "patient_samples" if patients else level
        subtype = b.choice(row, "ev_subtype", s.ev_subtypes)
        species = b.listed(row, "species", s.species)
        donor = b.term(row, "donor_cell", row["donor_cell"], "cell")
        cancer = b.term(row, "cancer", row["cancer"], "cancer")
        whole = row["cargo_type"] == WHOLE_EV
        if whole and row["cargo_id"]:
            b.problems.append(row.problem("cargo_id", f"a {WHOLE_EV} record names no cargo molecule: leave "
                                                      "cargo_id empty"))
        cargo = [] if whole else b.cargo(row)
        recipients = [r for r in (b.term(row, "recipient_cells", x, "cell") for x in _split(row["recipient_cells"])) if r]
        if not _split(row["recipient_cells"]):
            b.problems.append(row.problem("recipient_cells", "a record needs at least one recipient cell type"))
        phen = b.phenotypes(row, "phenotypes")
        if not _split(row["phenotypes"]):
            b.problems.append(row.problem("phenotypes", "a record needs at least one phenotype"))
        pathways = [p for p in (b.term(row, "pathways", x, "pathway") for x in _split(row["pathways"])) if p]
        targets, sponged = [], []
        for item in _split(row["targets"]):
            name, _, effect = item.rpartition(":")
            if effect == "sponges":
                if row["cargo_type"] not in ("lncRNA", "circRNA", "mRNA"):
                    b.problems.append(row.problem("targets", f"{item!r}: only lncRNA, circRNA or mRNA cargo "
                                                             "sponges a miRNA"))
                elif b.node(row, "targets", name, "MiRNA", name):
                    sponged.append(name)
                continue
            if effect not in ("represses", "activates"):
                b.problems.append(row.problem("targets", f"{item!r}: write SYMBOL:represses, SYMBOL:activates "
                                                         "or miRNA:sponges"))
                continue
            gene = b.gene(row, "targets", name)
            if gene:
                targets.append((gene, effect))
        if not (donor and cancer and (cargo or whole) and subtype and species) or len(recipients) != len(
                _split(row["recipient_cells"])):
            continue
        content = (donor, tuple(cargo), tuple(sorted(recipients)), cancer, tuple(sorted(pmids + dois)))
        if content in seen_content:
            b.problems.append(row.problem("record_id", f"duplicate of record {seen_content[content]}: same donor, "
                                                       "cargo, recipients, cancer and citations"))
            continue
        seen_content[content] = rid
        carried = "+".join(b.nodes[c]["name"] for c in cargo) if cargo else "(cargo unresolved)"
        name = f"{b.nodes[donor]['name']} EV {carried} -> " + ", ".join(b.nodes[r]["name"] for r in recipients)
        b.node(row, "record_id", rid, "CommunicationRecord", name, cargo_type=row["cargo_type"], ev_subtype=subtype,
               species=species, model_system=systems, patient_samples=patients,
               **({"pmids": pmids} if pmids else {}), **({"dois": dois} if dois else {}), claim=row["claim"], donor_as_written=row["donor_as_written"],
               cargo_as_written=row["cargo_as_written"], recipient_as_written=row["recipient_as_written"])
        cite = {"dois": dois}
        b.edge(row, donor, rid, "RELEASES", pmids, level, **cite)
        for c in cargo:
            b.edge(row, rid, c, "CARRIES", pmids, level, **cite)
        b.edge(row, rid, cancer, "IN_CONTEXT_OF", pmids, context_level, **cite)
        for r in recipients:
            b.edge(row, rid, r, "TAKEN_UP_BY", pmids, level, **cite)
        for p, effect in phen:
            b.edge(row, rid, p, "CAUSES", pmids, level, effect=effect, records=[rid], **cite)
        for mirna in sponged:
            for c in cargo:
                b.edge(row, c, mirna, "SPONGES", pmids, level, records=[rid], recipient_cells=recipients, **cite)
        for gene, effect in targets:
            # the EVs of a whole-EV record act on the target themselves: no cargo molecule stands between
            for c in cargo or [rid]:
                b.edge(row, c, gene, "REGULATES", pmids, level, effect=effect, records=[rid],
                       recipient_cells=recipients, **cite)
            for pw in pathways:
                b.edge(row, gene, pw, "ALTERS", pmids, level, records=[rid], **cite)
        if not targets:
            for pw in pathways:
                b.edge(row, rid, pw, "ALTERS", pmids, level, records=[rid], **cite)
        for pw in pathways:
            for p, effect in phen:
                b.edge(row, pw, p, "CAUSES", pmids, level, effect=effect, records=[rid], **cite)


def _number(b: _Builder, row: Row, column: str, kind):
    """A numeric cell as ``kind`` (float or int), ``None`` when empty; NaN and infinities are refused."""
    text = row.get(column, "")
    if not text:
        return None
    try:
        value = kind(text)
    except ValueError:
        b.problems.append(row.problem(column, f"{text!r} is not {'an integer' if kind is int else 'a number'}"))
        return None
    if kind is float and not math.isfinite(value):
        b.problems.append(row.problem(column, f"{text!r} is not a finite number"))
        return None
    return value


def _biomarkers(b: _Builder, rows: list[Row]) -> None:
    s = b.schema
    seen: dict[str, str] = {}
    for row in rows:
        bid = b.new_id(row, "biomarker_id", "BiomarkerClaim", "EVB:0001", seen)
        if bid is None:
            continue
        pmids, dois = b.cites(row)
        use = b.choice(row, "use", s.enums["use"])
        direction = b.choice(row, "direction", s.enums["direction"])
        status = b.choice(row, "status", s.enums["status"])
        comparison = row.get("comparison") or "unreported"
        validation = row.get("validation") or "unreported"
        for column, value in (("comparison", comparison), ("validation", validation)):
            if value not in s.enums[column]:
                b.problems.append(row.problem(column, f"{value!r} is not one of {', '.join(s.enums[column])}"))
        disputed_by = _split(row.get("disputed_by", ""))
        value = _number(b, row, "value", float)
        cohort = _number(b, row, "cohort_size", int)
        metric = row["metric"]
        if value is not None and metric in BOUNDED_METRICS and not 0 <= value <= 1:
            b.problems.append(row.problem("value", f"a {metric} lies between 0 and 1, got {value}"))
        if value is not None and metric in RATIO_METRICS and value <= 0:
            b.problems.append(row.problem("value", f"a {metric} is a positive ratio, got {value}"))
        if cohort is not None and cohort <= 0:
            b.problems.append(row.problem("cohort_size", f"a cohort has at least one person, got {cohort}"))
        whole = row["cargo_type"] == WHOLE_EV  # EV counts or EV-wide signals: no single molecule measured
        if whole and row["cargo_id"]:
            b.problems.append(row.problem("cargo_id", f"a {WHOLE_EV} claim names no cargo molecule: leave "
                                                      "cargo_id empty"))
        cargo = [] if whole else b.cargo(row)
        cancer = b.term(row, "cancer", row["cancer"], "cancer")
        fluid = b.term(row, "body_fluid", row["body_fluid"], "fluid")
        if not metric:
            b.problems.append(row.problem("metric", "empty metric"))
        if not ((cargo or whole) and cancer and fluid and use and status and direction):
            continue
        panel = "+".join(b.nodes[c]["name"] for c in cargo) if cargo else "EVs"
        name = f"{panel} in {b.nodes[fluid]['name']}: {use} of {b.nodes[cancer]['name']}"
        b.node(row, "biomarker_id", bid, "BiomarkerClaim", name, use=use, direction=direction,
               comparison=comparison, validation=validation, metric=metric, value=value, cohort_size=cohort,
               status=status, **({"pmids": pmids} if pmids else {}), **({"dois": dois} if dois else {}),
               **({"disputed_by": disputed_by} if disputed_by else {}), claim=row["claim"],
               cargo_as_written=row["cargo_as_written"])
        for c in cargo:
            b.edge(row, bid, c, "MEASURES", pmids, "patient_samples", dois=dois)
        b.edge(row, bid, cancer, "IN_CONTEXT_OF", pmids, "patient_samples", dois=dois)
        b.edge(row, bid, fluid, "IN_FLUID", pmids, "patient_samples", dois=dois)


def _status(b: _Builder, row: Row) -> tuple[str | None, list[str]]:
    status = row.get("status") or "supported"
    if status not in ("supported", "disputed"):
        b.problems.append(row.problem("status", f"{status!r} is not one of supported, disputed"))
        return None, []
    return status, _split(row.get("disputed_by", ""))


def _machinery(b: _Builder, rows: list[Row]) -> None:
    s = b.schema
    for row in rows:
        pmids, dois = b.cites(row)
        role = b.choice(row, "role", s.enums["role"])
        intervention = b.choice(row, "intervention", s.enums["intervention"])
        b.listed(row, "species", s.species, required=False)
        systems = b.listed(row, "model_system", s.model_systems, required=False)
        status, disputed_by = _status(b, row)
        if not SYMBOL.match(row["gene"]):
            b.problems.append(row.problem("gene", f"{row['gene']!r} is not an HGNC symbol"))
            continue
        gene = b.gene(row, "gene", row["gene"])
        cell = b.term(row, "cell_type", row["cell_type"], "cell")
        cancer = b.term(row, "cancer", row["cancer"], "cancer")
        phen = b.phenotypes(row, "phenotypes")
        if not (gene and cell and cancer and role and intervention and status):
            continue
        level = strongest_evidence(systems, s)  # unspecified when the row does not say
        papers = _cancer_papers(cancer, pmids, dois)
        b.edge(row, gene, cell, "EV_MACHINERY_IN", pmids, level, dois=dois, roles=[role],
               interventions=[intervention], cancers=[cancer], status=status, disputed_by=disputed_by,
               cancer_papers=papers)
        for p, effect in phen:
            b.edge(row, gene, p, "MACHINERY_DRIVES", pmids, level, dois=dois, roles=[role], cancers=[cancer],
                   effect=effect, status=status, disputed_by=disputed_by, cancer_papers=papers)


def _drugs(b: _Builder, rows: list[Row]) -> None:
    s = b.schema
    for row in rows:
        pmids, dois = b.cites(row)
        action = b.choice(row, "action", s.enums["action"])
        b.listed(row, "species", s.species, required=False)
        systems = b.listed(row, "model_system", s.model_systems, required=False)
        status, disputed_by = _status(b, row)
        cancer = b.term(row, "cancer", row["cancer"], "cancer") if row.get("cancer") else None
        phen = [p for p, _ in b.phenotypes(row, "phenotypes")] if row.get("phenotypes") else []
        did = row["drug_id"] or "evgraph.drug:" + _slug(row["drug"])
        if not row["drug"]:
            b.problems.append(row.problem("drug", "empty drug name"))
            continue
        drug = did if b.node(row, "drug_id" if row["drug_id"] else "drug", did, "Drug", row["drug"]) else None
        # a drug whose molecular target the paper does not name (an EV-release inhibitor found in a
        # screen) has no target, and joins the graph through the phenotypes it reduced
        target, kind = None, None
        if row["target"] or row["target_kind"]:
            kind = b.choice(row, "target_kind", ("gene", "miRNA"))
            if kind == "gene":
                target = b.gene(row, "target", row["target"])
            elif kind == "miRNA":
                target = row["target"] if b.node(row, "target", row["target"], "MiRNA", row["target"]) else None
        elif not phen:
            b.problems.append(row.problem("target", "a drug row names a target or, in phenotypes, what it reduced"))
        if not (drug and action and status) or (row.get("cancer") and not cancer) or (kind and not target):
            continue
        level = strongest_evidence(systems, s)
        context = {"cancers": [cancer] if cancer else [], "status": status, "disputed_by": disputed_by,
                   "cancer_papers": _cancer_papers(cancer or "", pmids, dois)}
        if target:
            b.edge(row, drug, target, "TARGETS", pmids, level, dois=dois, action=action, phenotypes=phen, **context)
        for p in phen:
            b.edge(row, drug, p, "REDUCES", pmids, level, dois=dois, action=action, **context)


def _references(folder: Path) -> tuple[pd.DataFrame, list[Problem]]:
    """``references.tsv``: one row per paper, keyed by PMID, or by DOI where no page showed one."""
    path = folder / "references.tsv"
    if not path.exists():
        return pd.DataFrame(columns=list(REFERENCE_COLUMNS)), []
    try:
        rows = read_tsv(path, REFERENCE_COLUMNS, OPTIONAL_COLUMNS["references.tsv"])
    except ValidationError as err:
        return pd.DataFrame(columns=list(REFERENCE_COLUMNS)), err.problems
    problems = []
    seen: dict[tuple[str, str], Row] = {}
    for row in rows:
        pmid, doi = row["pmid"], row.get("doi", "")
        reason = pmid_problem(pmid) if pmid else None
        if reason:
            problems.append(row.problem("pmid", f"PMID {pmid!r} {reason}"))
        if doi and not DOI.match(doi):
            problems.append(row.problem("doi", f"{doi!r} is not a DOI like 10.1000/xyz123 (without "
                                               "https://doi.org/)"))
        if not pmid and not doi:
            problems.append(row.problem("pmid", "a reference needs a PMID or, in 'doi', a DOI"))
        for key in (("pmid", pmid), ("doi", doi.lower())):
            if not key[1]:
                continue
            first = seen.setdefault(key, row)
            if first is not row:
                same = "" if dict(first) == dict(row) else " with other details"
                problems.append(row.problem(key[0], f"{key[0].upper()} {row[key[0]]!r} is listed again{same} "
                                                    f"(first at line {first.line}); one row per paper"))
                break
    return pd.DataFrame([{"doi": "", **dict(r)} for r in rows]), problems


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
    terms, clashing, problems = _load_terms(folder, fallback=True)
    b = _Builder(schema, terms, meta["version"], clashing)
    b.problems.extend(problems)
    readers = (
        ("communications.tsv", COMMUNICATION_COLUMNS, _communications),
        ("biomarkers.tsv", BIOMARKER_COLUMNS, _biomarkers),
        ("machinery.tsv", MACHINERY_COLUMNS, _machinery),
        ("drugs.tsv", DRUG_COLUMNS, _drugs),
    )
    counts = {}
    for name, columns, handler in readers:
        file = folder / name
        if file.exists():
            try:
                rows = read_tsv(file, columns, OPTIONAL_COLUMNS[name])
                counts[name.removesuffix(".tsv")] = len(rows)
                handler(b, rows)
            except ValidationError as err:
                b.problems.extend(err.problems)
    refs, problems = _references(folder)
    b.problems.extend(problems)
    if b.problems:
        raise ValidationError(b.problems)
    nodes = pd.DataFrame(list(b.nodes.values()))
    edges = pd.DataFrame(list(b.edges.values()))
    meta["references"] = refs.to_dict("records")
    meta["rows"] = counts  # rows per file: machinery and drug rows merge into edges in the graph
    tables = Tables(nodes, edges, {"kb": meta})
    problems = validate(tables, schema)
    if problems:
        raise ValidationError(problems)
    return tables
