"""DGIdb drug-gene interactions: ``interactions.tsv`` (one row per claim of a source database).

Two layouts are read by name (tab-separated, header line):

* DGIdb 5: ``gene_claim_name, gene_concept_id, gene_name, interaction_source_db_name,
  interaction_source_db_version, interaction_type, interaction_score, drug_claim_name,
  drug_concept_id, drug_name, approved, immunotherapy, anti_neoplastic``;
* DGIdb 4 (monthly TSVs to 2022): ``gene_name, gene_claim_name, entrez_id,
  interaction_claim_source, interaction_types, drug_claim_name, drug_claim_primary_name,
  drug_name, drug_concept_id, interaction_group_score, PMIDs``.

Claims are aggregated per (drug, gene) into one ``TARGETS`` edge with the interaction types,
the source databases that claim it, the highest interaction score and, in DGIdb 4, the PMIDs.
``action`` is set where the interaction types agree on a direction (inhibitor, antagonist,
blocker, antibody, agonist, activator, ...). Drugs with a ChEMBL concept id share the node of
the same molecule from Open Targets (``CHEMBL.COMPOUND:``); RxNorm, DrugBank and IUPHAR ids
keep their namespace; a drug with another id or none is named ``evgraph.drug:`` + its name,
as curated drug rows are. Genes are DGIdb's normalised names (HGNC symbols; the Entrez id
decides in DGIdb 4 when the HGNC file is given); the data are human.
DGIdb's licence: the interaction data inherit their source databases' terms.
"""

from __future__ import annotations

import re

import pandas as pd

from evgraph.loaders._read import LINE, bad, collect, read_table
from evgraph.loaders.normalise import Report
from evgraph.loaders.registry import (Context, FileRole, Result, SourceInfo, edge_frame, gene_nodes, node_frame,
                                      prefixed, register)
from evgraph.tables import Tables

__all__ = ["drug_id", "action_of_types", "load"]

LICENSE = "DGIdb: MIT (software), interaction data under each source database's terms"
REQUIRED = ("gene_name", "interaction_source_db_name", "drug_name")
ALIASES = {"interaction_source_db_name": ("interaction_claim_source",),
           "interaction_type": ("interaction_types",),
           "interaction_score": ("interaction_group_score",),
           "pmids": ("PMIDs",)}
_NAMESPACES = {"chembl": "CHEMBL.COMPOUND", "rxcui": "RXCUI", "drugbank": "DRUGBANK", "iuphar.ligand": "IUPHAR.LIGAND"}
_INHIBITING = {"inhibitor", "blocker", "channel blocker", "gating inhibitor", "negative modulator",
               "inverse agonist", "antisense oligonucleotide", "inhibitory allosteric modulator", "suppressor",
               "negative allosteric modulator"}
_ACTIVATING = {"agonist", "activator", "partial agonist", "positive modulator", "positive allosteric modulator",
               "inducer", "stimulator", "potentiator", "opener"}
_MISSING = {"", "NULL", "NA", "None", "nan"}


def drug_id(concept_id, name) -> str | None:
    """The Drug node id for a DGIdb drug.

    Examples
    --------
    >>> drug_id("chembl:CHEMBL941", "IMATINIB"), drug_id("rxcui:282388", "IMATINIB")
    ('CHEMBL.COMPOUND:CHEMBL941', 'RXCUI:282388')
    >>> drug_id("ncit:C1234", "Some Antibody"), drug_id(None, None)
    ('evgraph.drug:some-antibody', None)
    """
    if isinstance(concept_id, str) and ":" in concept_id:
        ns, _, local = concept_id.strip().partition(":")
        ns = ns.lower()
        if ns == "chembl" and re.fullmatch(r"CHEMBL\d+", local.upper()):
            return "CHEMBL.COMPOUND:" + local.upper()
        if ns in _NAMESPACES and re.fullmatch(r"(DB)?\d+", local.upper()):
            return f"{_NAMESPACES[ns]}:{local.upper()}"
    elif isinstance(concept_id, str) and re.fullmatch(r"CHEMBL\d+", concept_id.strip().upper()):
        return "CHEMBL.COMPOUND:" + concept_id.strip().upper()
    if isinstance(name, str) and name.strip():
        slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
        return "evgraph.drug:" + slug if slug else None
    return None


def action_of_types(types) -> str | None:
    """One action when the interaction types agree on a direction, else ``None``.

    Examples
    --------
    >>> action_of_types(["inhibitor", "blocker"]), action_of_types(["agonist"]), action_of_types(["antibody"])
    ('inhibitor', 'activator', 'antibody')
    >>> action_of_types(["inhibitor", "agonist"]) is None, action_of_types(["binder"]) is None
    (True, True)
    """
    found = set()
    for t in types:
        t = t.strip().lower()
        if t == "antagonist":
            found.add("antagonist")
        elif t == "antibody":
            found.add("antibody")
        elif t in _INHIBITING:
            found.add("inhibitor")
        elif t in _ACTIVATING:
            found.add("activator")
    if len(found) > 1 and "activator" not in found:
        # an antibody that inhibits, an antagonist that blocks: all say inhibit
        return "antibody" if "antibody" in found else "antagonist" if "antagonist" in found else "inhibitor"
    return found.pop() if len(found) == 1 else None


def load(files, ctx: Context) -> Result:
    path = files["interactions"][0]
    report = Report("dgidb", files=[path])
    ctx.tick("dgidb: reading")
    df = read_table(path, REQUIRED, aliases=ALIASES, layout="gene_claim_name, gene_concept_id, gene_name, "
                    "interaction_source_db_name, ..., interaction_type, interaction_score, ..., drug_concept_id, "
                    "drug_name (DGIdb 5) or gene_name, ..., interaction_claim_source, interaction_types, ... (DGIdb 4)")
    report.rows_read = len(df)
    for col in ("gene_name", "drug_name", "drug_concept_id", "interaction_type", "pmids", "entrez_id",
                "interaction_score", "drug_claim_name"):
        if col in df.columns:
            df[col] = df[col].where(~df[col].isin(_MISSING), None)
        else:
            df[col] = None
    score = pd.to_numeric(df["interaction_score"], errors="coerce")
    wrong = score.isna() & df["interaction_score"].notna()
    if wrong.any():
        i = wrong.to_numpy().nonzero()[0][0]
        raise bad(path, int(df[LINE].iloc[i]), "interaction_score",
                  f"expected a number, found {df['interaction_score'].iloc[i]!r}")
    df["score"] = score
    ctx.tick("dgidb: mapping genes")
    ids = df["entrez_id"].where(df["entrez_id"].fillna("").str.fullmatch(r"\d+"), None)
    human = ctx.human.by_entrez(ids, df["gene_name"], report, lines=df[LINE], path=path) if ctx.human.has_hgnc \
        else ctx.human.symbols(df["gene_name"], report, lines=df[LINE], path=path)
    df["gene"] = ctx.from_human(human, report, "drug target", lines=df[LINE], path=path)
    names = df["drug_name"].where(df["drug_name"].notna(), df["drug_claim_name"])
    df["drug"] = [drug_id(c, n) for c, n in zip(df["drug_concept_id"], names)]
    df["drug_label"] = names
    no_drug = df["drug"].isna()
    report.reject("claims naming no drug", int(no_drug.sum()))
    no_gene = df["gene"].isna() & ~no_drug
    report.reject("claims whose gene could not be mapped", int(no_gene.sum()))
    df = df.loc[~no_drug & ~no_gene]
    types = df[["drug", "gene", "interaction_type"]].dropna()
    types = types.assign(t=types["interaction_type"].str.lower().str.split(",")).explode("t")
    types["t"] = types["t"].str.strip()
    types = types.loc[types["t"] != ""]
    pm = df[["drug", "gene", "pmids"]].dropna()
    pm = pm.assign(p=pm["pmids"].str.split(r"[,;|]", regex=True)).explode("p")
    pm["p"] = pm["p"].str.strip()
    pm = pm.loc[pm["p"].str.fullmatch(r"[1-9]\d*")]
    ctx.tick("dgidb: aggregating claims per drug and gene")
    agg = collect(df, ["drug", "gene"], {"source_databases": "interaction_source_db_name"})
    agg = agg.merge(collect(types, ["drug", "gene"], {"interaction_types": "t"}), on=["drug", "gene"], how="left")
    agg = agg.merge(collect(pm, ["drug", "gene"], {"pmids": "p"}, numeric_sort=("pmids",)), on=["drug", "gene"],
                    how="left")
    best = df.groupby(["drug", "gene"], sort=False)["score"].max().reset_index()
    agg = agg.merge(best, on=["drug", "gene"], how="left")
    for col in ("interaction_types", "pmids"):
        agg[col] = [v if isinstance(v, list) else [] for v in agg[col]]
    edges = edge_frame(agg["drug"], prefixed(ctx.gene_prefix, agg["gene"]), "TARGETS", knowledge_source="dgidb",
                       version=ctx.version, license=LICENSE, pmids=agg["pmids"],
                       action=agg["interaction_types"].map(action_of_types),
                       interaction_types=agg["interaction_types"], source_databases=agg["source_databases"],
                       interaction_score=agg["score"].astype(object).where(agg["score"].notna(), None))
    drugs = df.drop_duplicates("drug")
    nodes = pd.concat([node_frame(drugs["drug"], "Drug", names=drugs["drug_label"]),
                       gene_nodes(agg["gene"].drop_duplicates(), ctx.gene_prefix)], ignore_index=True)
    report.note("drug-gene pairs (TARGETS edges) after aggregating claims", len(edges))
    return Result(Tables(nodes, edges, {"source": "dgidb", "version": ctx.version}), report)


INFO = register(SourceInfo(
    name="dgidb",
    title="DGIdb: drug-gene interactions aggregated from source databases",
    homepage="https://dgidb.org",
    download="https://dgidb.org/downloads : interactions.tsv (DGIdb 5; older monthly releases work too)",
    license=LICENSE,
    citation="Cannon M, et al. DGIdb 5.0: rebuilding the drug-gene interaction database for precision medicine "
             "and drug discovery platforms. Nucleic Acids Res. 2024;52(D1):D1227-D1235. doi:10.1093/nar/gkad1040",
    files=(FileRole("interactions", ("interactions.tsv", "interactions.tsv.gz", "*interactions*.tsv",
                                     "*interactions*.tsv.gz"), description="one row per interaction claim"),),
    load=load,
    order=81,
))
