"""Open Targets Platform drugs (CC0): mechanisms of action, molecules and indications.

The Platform ships each dataset as a folder of partitioned files, Parquet (every release)
or JSON lines (releases up to 24.x), named by the dataset:

* ``mechanismOfAction/`` (``drug_mechanism_of_action/`` since 25.x): one row per mechanism,
  ``chemblIds`` (the drug and its salts), ``mechanismOfAction`` (text), ``actionType``
  (``INHIBITOR``, ``AGONIST``, ...), ``targetName``, ``targetType``, ``targets`` (Ensembl
  gene ids) and ``references`` (``{source, ids, urls}``; ``source`` ``PubMed`` gives PMIDs);
* ``molecule/`` (``drug_molecule/``): ``id`` (ChEMBL), ``name``, ``drugType``, ``parentId``
  and the maximum clinical phase, ``maximumClinicalTrialPhase`` (4, 3, 2, 1, 0.5) or, since
  the clinical-report rewrite, ``maximumClinicalStage`` (``APPROVAL``, ``PHASE_3``, ...);
* ``indication/`` (optional): ``id`` and ``indications`` (``{disease, efoName,
  maxPhaseForIndication}``).

Each (drug, target gene) becomes one ``TARGETS`` edge with its mechanisms, the action types
as written, ``action`` (inhibitor, antagonist, antibody or activator where the action type
says so; ``None`` for modulators, binders and the like), the drug's maximum clinical phase
and, where the indication dataset is given, its indications. Salts are folded into their
parent molecule (``parentId``). Targets are Ensembl gene ids, mapped to symbols with the
HGNC file (``--source hgnc=...``); the datasets are human, so they reach a mouse build only
through an ortholog file.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from evgraph.loaders._read import LINE, bad, read_records
from evgraph.loaders.normalise import Report
from evgraph.loaders.registry import (Context, FileRole, Result, SourceInfo, edge_frame, gene_nodes, node_frame,
                                      register)
from evgraph.tables import Tables

__all__ = ["DATASETS", "action_of", "phase_of", "load"]

LICENSE = "CC0-1.0"
DATASETS = {"moa": ("mechanismofaction", "drug_mechanism_of_action", "mechanism_of_action"),
            "molecule": ("molecule", "drug_molecule"),
            "indication": ("indication", "drug_indication")}
MOA_COLUMNS = ("chemblIds", "mechanismOfAction", "actionType", "targetName", "targetType", "targets", "references")
MOLECULE_COLUMNS = ("id", "name", "drugType", "parentId", "maximumClinicalTrialPhase", "maximumClinicalStage",
                    "isApproved")
INDICATION_COLUMNS = ("id", "indications")

# ChEMBL action types (as Open Targets writes them) -> the schema's drug actions; others say no direction
_INHIBITING = {"INHIBITOR", "NEGATIVE ALLOSTERIC MODULATOR", "BLOCKER", "ANTISENSE INHIBITOR", "RNAI INHIBITOR",
               "DEGRADER", "INVERSE AGONIST", "DISRUPTING AGENT", "NEGATIVE MODULATOR", "ALLOSTERIC ANTAGONIST"}
_ACTIVATING = {"AGONIST", "ACTIVATOR", "POSITIVE ALLOSTERIC MODULATOR", "PARTIAL AGONIST", "OPENER",
               "POSITIVE MODULATOR", "STABILISER", "RELEASING AGENT"}
# clinical stages (25.x and later) on ChEMBL's phase scale
_STAGES = {"APPROVAL": 4.0, "APPROVED": 4.0, "WITHDRAWAL": 4.0, "WITHDRAWN": 4.0, "POST_APPROVAL_WITHDRAWN": 4.0,
           "PHASE_4": 4.0, "PREAPPROVAL": 3.0, "REGULATORY_REVIEW": 3.0, "PHASE_3": 3.0, "PHASE_2_3": 2.0,
           "PHASE_2": 2.0, "PHASE_1_2": 1.0, "PHASE_1": 1.0, "EARLY_PHASE_1": 0.5, "IND": 0.0, "PRECLINICAL": 0.0}


def action_of(action_type) -> str | None:
    """The schema's drug action for a ChEMBL action type (``None``: no direction).

    Examples
    --------
    >>> action_of("INHIBITOR"), action_of("antagonist"), action_of("AGONIST"), action_of("MODULATOR")
    ('inhibitor', 'antagonist', 'activator', None)
    """
    if not isinstance(action_type, str):
        return None
    t = action_type.strip().upper()
    if t in ("ANTAGONIST", "ALLOSTERIC ANTAGONIST"):
        return "antagonist"
    if t in _INHIBITING:
        return "inhibitor"
    if t in _ACTIVATING:
        return "activator"
    return None


def phase_of(phase, stage) -> tuple[float | None, str | None]:
    """(maximum clinical phase on ChEMBL's 0.5-4 scale, the stage as written) from either layout.

    Examples
    --------
    >>> phase_of(4.0, None), phase_of(None, "PHASE_2_3"), phase_of(-1, None)
    ((4.0, None), (2.0, 'phase 2/3'), (None, None))
    """
    if isinstance(stage, str) and stage.strip():
        key = stage.strip().upper()
        words = key.lower().replace("_", " ").replace("phase 2 3", "phase 2/3").replace("phase 1 2", "phase 1/2")
        return _STAGES.get(key), words if key != "UNKNOWN" else None
    try:
        value = float(phase)
    except (TypeError, ValueError):
        return None, None
    return (value, None) if value == value and value >= 0 else (None, None)


def _dataset(path: Path) -> str | None:
    """Which dataset a part file belongs to: its folder's (or its own) name."""
    for part in [*reversed(path.parent.parts[-3:]), path.name.split(".")[0]]:
        key = part.lower().split("=")[0]
        for name, folders in DATASETS.items():
            if key in folders:
                return name
    return None


def _chembl(value) -> str | None:
    return value if isinstance(value, str) and re.fullmatch(r"CHEMBL\d+", value) else None


def _pmids(refs) -> list[str]:
    out = []
    for r in refs or ():
        if isinstance(r, dict) and str(r.get("source", "")).lower() in ("pubmed", "pmid"):
            out += [str(i) for i in r.get("ids") or () if str(i).isdigit() and int(i) > 0]
    return out


def load(files, ctx: Context) -> Result:
    parts = [Path(p) for p in files["parts"]]
    report = Report("opentargets", files=parts)
    groups: dict[str, list[Path]] = {}
    for p in parts:
        name = _dataset(p)
        if name is None:
            raise bad(p, 0, "", "not in a folder named after an Open Targets dataset (mechanismOfAction, "
                      "molecule, indication, or their drug_* names since 25.x)")
        groups.setdefault(name, []).append(p)
    if "moa" not in groups:
        raise bad(parts[0].parent, 0, "", "opentargets needs the mechanismOfAction (drug_mechanism_of_action) "
                  "dataset; the molecule and indication datasets are optional")
    ctx.tick("opentargets: mechanisms of action")
    moa = read_records(groups["moa"], MOA_COLUMNS, dataset="mechanismOfAction")
    report.rows_read += len(moa)
    molecules = read_records(groups.get("molecule", []), MOLECULE_COLUMNS, dataset="molecule")
    report.rows_read += len(molecules)
    parent = {i: p for i, p in zip(molecules["id"], molecules["parentId"]) if _chembl(i) and _chembl(p)}
    info = {parent.get(i, i): r for i, r in zip(molecules["id"], molecules.to_dict("records")) if _chembl(i)
            and i not in parent}
    indications = {}
    if "indication" in groups:
        ind = read_records(groups["indication"], INDICATION_COLUMNS, dataset="indication")
        report.rows_read += len(ind)
        for i, rows in zip(ind["id"], ind["indications"]):
            named = []
            for r in rows or ():
                if isinstance(r, dict) and r.get("disease"):
                    ph, _ = phase_of(r.get("maxPhaseForIndication"), r.get("maxClinicalStage"))
                    named.append(f"{r.get('efoName') or r['disease']} ({r['disease']}"
                                 + (f", phase {ph:g}" if ph is not None else "") + ")")
            if _chembl(i):
                indications.setdefault(parent.get(i, i), []).extend(named)
    # one row per (drug, target gene id, mechanism)
    rows = []
    no_target = 0
    for rec in moa.to_dict("records"):
        drugs = [parent.get(c, c) for c in (rec["chemblIds"] or []) if _chembl(c)]
        targets = [t for t in (rec["targets"] or []) if isinstance(t, str)]
        if not drugs:
            raise bad(rec["_file"], int(rec[LINE]), "chemblIds", f"expected ChEMBL ids, found {rec['chemblIds']!r}")
        if not targets:
            no_target += 1
            continue
        for d in dict.fromkeys(drugs):
            for t in dict.fromkeys(targets):
                rows.append((d, t, rec["mechanismOfAction"], rec["actionType"], _pmids(rec["references"]),
                             rec[LINE], rec["_file"]))
    report.reject("mechanisms naming no target gene (a target family or an organism)", no_target)
    df = pd.DataFrame(rows, columns=["drug", "ensembl", "mechanism", "action_type", "pmids", LINE, "_file"])
    ctx.tick("opentargets: mapping targets to genes")
    human = df["ensembl"].map(ctx.human.ensembl)
    lost = human.isna()
    places = df["_file"].map(lambda f: Path(f).parent.name + "/" + Path(f).name) + ":" + df[LINE].astype(str)
    report.unmapped_values("Ensembl gene id (no symbol known: give the HGNC file)" if not ctx.human.ensembl else
                           "Ensembl gene id not in the HGNC file", df.loc[lost, "ensembl"], places=places[lost])
    df = df.assign(gene=ctx.from_human(human, report, "drug target", places=places))
    keep = df["gene"].notna()
    report.reject("drug-target rows whose target gene could not be mapped", int((~keep).sum()))
    df = df.loc[keep]
    edges, drug_rows = [], []
    for (d, g), grp in df.groupby(["drug", "gene"], sort=True):
        types = sorted({t for t in grp["action_type"] if isinstance(t, str)})
        actions = {action_of(t) for t in types} - {None}
        m = info.get(d, {})
        phase, stage = phase_of(m.get("maximumClinicalTrialPhase"), m.get("maximumClinicalStage"))
        edges.append({"source": "CHEMBL.COMPOUND:" + d, "target": ctx.gene_prefix + g,
                      "pmids": sorted({p for ps in grp["pmids"] for p in ps}, key=int),
                      "action": actions.pop() if len(actions) == 1 else None,
                      "action_types": [t.lower() for t in types],
                      "mechanisms": sorted({x for x in grp["mechanism"] if isinstance(x, str)}),
                      "max_phase": phase, "clinical_stage": stage,
                      "indications": sorted(set(indications.get(d, []))) or None})
        drug_rows.append(("CHEMBL.COMPOUND:" + d, m.get("name") or d, phase))
    report.note("drugs without a molecule row (named by their ChEMBL id)",
                sum(1 for d in {r[0] for r in drug_rows} if d.split(":")[1] not in info))
    e = pd.DataFrame(edges, columns=["source", "target", "pmids", "action", "action_types", "mechanisms",
                                     "max_phase", "clinical_stage", "indications"])
    out = edge_frame(e["source"], e["target"], "TARGETS", knowledge_source="opentargets", version=ctx.version,
                     license=LICENSE, pmids=e["pmids"],
                     **{c: e[c] for c in ("action", "action_types", "mechanisms", "max_phase", "clinical_stage",
                                          "indications")})
    d = pd.DataFrame(drug_rows, columns=["id", "name", "max_phase"]).drop_duplicates("id")
    genes = e["target"].str.split(":", n=1).str[1].drop_duplicates()
    nodes = pd.concat([node_frame(d["id"], "Drug", names=d["name"]), gene_nodes(genes, ctx.gene_prefix)],
                      ignore_index=True)
    report.note("drug-target pairs (TARGETS edges)", len(out))
    return Result(Tables(nodes, out, {"source": "opentargets", "version": ctx.version}), report)


INFO = register(SourceInfo(
    name="opentargets",
    title="Open Targets Platform: drug mechanisms of action, molecules (clinical phase) and indications",
    homepage="https://platform.opentargets.org",
    download="https://platform.opentargets.org/downloads : the folders mechanismOfAction (drug_mechanism_of_action), "
             "molecule (drug_molecule) and optionally indication of a release, Parquet or JSON",
    license=LICENSE,
    citation="Ochoa D, et al. Open Targets Platform: supporting systematic drug-target identification and "
             "prioritisation. Nucleic Acids Res. 2021;49(D1):D1302-D1310. doi:10.1093/nar/gkaa1027",
    files=(FileRole("parts", ("*.parquet", "*.json", "*.json.gz", "*.jsonl", "*.jsonl.gz"), many=True,
                    description="the part files of the datasets, in folders named after them"),),
    load=load,
    recursive=True,
    order=80,
))
