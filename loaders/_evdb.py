"""Reading ExoCarta and Vesiclepedia downloads, which share one layout.

Files (tab-separated, header line, often Latin-1):

* protein/mRNA details: ``CONTENT ID, CONTENT TYPE, ENTREZ GENE ID, GENE SYMBOL, SPECIES,
  EXPERIMENT ID, METHODS``
* miRNA details: ``MIRNA ID, SPECIES, EXPERIMENT ID`` (+ ``CONTENT ID``, ``METHODS``);
  names usually lack the species prefix (``miR-21``)
* experiment details: ``EXPERIMENT ID, PUBMED ID, SPECIES, SAMPLE`` (+ more); ``PUBMED ID``
  0 means unpublished

Real downloads hold malformed lines (Vesiclepedia 5.1's protein file: lines with
more fields than the header, or too few to hold the required columns) and
placeholders such as ``-`` for a gene symbol. Malformed lines are skipped,
counted and listed with their line numbers in the build summary, and never stop
the build; the option ``strict`` (``--option vesiclepedia.strict=true``) makes
the first one an error instead. A placeholder symbol is counted as unmapped.
A comma-separated file is refused as such, not reported as missing columns.

Every cargo row is joined to its experiment; the experiment's sample name is
mapped to a cell type, body fluid and/or cancer (see
:class:`~evgraph.loaders.normalise.SampleMapper`). The result is one
``DETECTED_IN`` edge per (cargo, term) with the experiment ids, samples as
written, methods and PMIDs, plus ``PRODUCT_OF`` edges from protein and mRNA
cargo to their gene.
"""

from __future__ import annotations

from collections import Counter

import pandas as pd

from evgraph.loaders._read import LINE, bad, clean_ids, collect, read_table
from evgraph.loaders.normalise import UNMAPPED, Report, normalise_mirna
from evgraph.loaders.registry import (Context, FileRole, Option, Result, SourceInfo, edge_frame, node_frame,
                                      prefixed, register)
from evgraph.tables import Tables

__all__ = ["ev_file_roles", "load_ev_database", "register_ev_database", "PROTEIN_COLUMNS", "MIRNA_COLUMNS", "EXPERIMENT_COLUMNS"]

PROTEIN_COLUMNS = ("CONTENT TYPE", "GENE SYMBOL", "SPECIES", "EXPERIMENT ID")
MIRNA_COLUMNS = ("MIRNA ID", "SPECIES", "EXPERIMENT ID")
EXPERIMENT_COLUMNS = ("EXPERIMENT ID", "PUBMED ID", "SPECIES", "SAMPLE")
PROTEIN_LAYOUT = "CONTENT ID, CONTENT TYPE, ENTREZ GENE ID, GENE SYMBOL, SPECIES, EXPERIMENT ID, METHODS"
CARGO_KINDS = {"protein": ("Protein", "protein:", " protein"), "mrna": ("MRNA", "mrna:", " mRNA")}


def ev_file_roles(prefix: str) -> tuple[FileRole, ...]:
    return (
        FileRole("protein_mrna", (f"{prefix}_PROTEIN_MRNA_DETAILS*.txt*",), required=False,
                 description="protein and mRNA cargo"),
        FileRole("mirna", (f"{prefix}_MIRNA_DETAILS*.txt*",), required=False, description="miRNA cargo"),
        FileRole("experiments", (f"{prefix}_EXPERIMENT_DETAILS*.txt*",), description="experiments: PMID, sample"),
    )


def _species_ok(df: pd.DataFrame, ctx: Context, report: Report, what: str) -> pd.DataFrame:
    keep = df["SPECIES"].fillna("").str.lower() == ctx.sp.latin.lower()
    report.reject(f"{what}: species other than {ctx.sp.latin}", int((~keep).sum()))
    return df.loc[keep]


def _read(path, required, layout: str, ctx: Context, report: Report) -> pd.DataFrame:
    """A file of the shared layout; malformed lines skipped and counted (an error in strict mode)."""
    df = read_table(path, required, layout=layout, bad_lines="error" if ctx.options.get("strict") else "skip")
    report.skipped_lines(path, df.attrs.get("malformed", []))
    return df


def _experiments(path, ctx: Context, report: Report) -> pd.DataFrame:
    """One row per (experiment, mapped term) with PMID and sample; unmapped samples reported."""
    df = _read(path, EXPERIMENT_COLUMNS, "EXPERIMENT ID, PUBMED ID, SPECIES, SAMPLE, ...", ctx, report)
    dup = df["EXPERIMENT ID"].duplicated()
    if dup.any():
        row = df.loc[dup].iloc[0]
        raise bad(path, int(row[LINE]), "EXPERIMENT ID", f"duplicate experiment id {row['EXPERIMENT ID']!r}")
    pmid = clean_ids(df["PUBMED ID"])
    wrong = pmid.notna() & ~pmid.fillna("0").str.fullmatch(r"\d+")
    if wrong.any():
        i = wrong.to_numpy().nonzero()[0][0]
        raise bad(path, int(df[LINE].iloc[i]), "PUBMED ID", f"PMID must be numeric, found {df['PUBMED ID'].iloc[i]!r}")
    df["pmid"] = pmid.where(pmid != "0", None)
    report.note("experiments without a PMID (PUBMED ID 0: unpublished)", int(df["pmid"].isna().sum()))
    rows = []
    reasons: Counter = Counter()
    for exp, sample in zip(df["EXPERIMENT ID"], df["SAMPLE"]):
        found, reason = ctx.samples.map_with_reason(sample)
        reasons[reason] += 1
        for category, term in found:
            rows.append((exp, category, term))
    for reason, n in sorted(reasons.items()):
        if reason != UNMAPPED:
            report.note(f"experiments whose sample mapped by {reason}", n)
    terms = pd.DataFrame(rows, columns=["EXPERIMENT ID", "term_category", "term"])
    mapped = df["EXPERIMENT ID"].isin(terms["EXPERIMENT ID"])
    report.unmapped_values("sample (no unambiguous Cell Ontology / UBERON / MONDO term or cell line)",
                           df.loc[~mapped, "SAMPLE"].fillna("(empty)"), lines=df.loc[~mapped, LINE], path=path)
    return df[["EXPERIMENT ID", "pmid", "SAMPLE"]].merge(terms, on="EXPERIMENT ID", how="left")


def _cargo_protein(path, ctx: Context, report: Report, name: str) -> pd.DataFrame:
    df = _read(path, PROTEIN_COLUMNS, PROTEIN_LAYOUT, ctx, report)
    report.rows_read += len(df)
    df = _species_ok(df, ctx, report, "protein/mRNA rows")
    kind = df["CONTENT TYPE"].fillna("").str.lower()
    known = kind.isin(list(CARGO_KINDS))
    report.reject("protein/mRNA rows: CONTENT TYPE not protein or mRNA", int((~known).sum()))
    df = df.loc[known].assign(kind=kind[known])
    if "ENTREZ GENE ID" in df.columns:
        df["entrez"] = clean_ids(df["ENTREZ GENE ID"])
    df["symbol"] = ctx.symbols.symbols(df["GENE SYMBOL"], report, lines=df[LINE], path=path)
    no_symbol = df["symbol"].isna()
    report.reject("protein/mRNA rows: gene symbol not mapped", int(no_symbol.sum()))
    df = df.loc[~no_symbol]
    if "entrez" in df.columns:
        ctx.symbols.learn_entrez(df["entrez"], df["symbol"])
    cat = df["kind"].map({k: v[0] for k, v in CARGO_KINDS.items()})
    df["cargo"] = df["kind"].map({k: v[1] for k, v in CARGO_KINDS.items()}) + df["symbol"]
    df["cargo_name"] = df["symbol"] + df["kind"].map({k: v[2] for k, v in CARGO_KINDS.items()})
    df["category"] = cat
    return df


def _cargo_mirna(path, ctx: Context, report: Report) -> pd.DataFrame:
    df = _read(path, MIRNA_COLUMNS, "CONTENT ID, CONTENT TYPE, MIRNA ID, SPECIES, EXPERIMENT ID, METHODS", ctx, report)
    report.rows_read += len(df)
    df = _species_ok(df, ctx, report, "miRNA rows")
    names = {v: normalise_mirna(v, ctx.sp.mirbase, ctx.mirna_aliases) for v in pd.unique(df["MIRNA ID"].dropna())}
    df = df.assign(cargo=df["MIRNA ID"].map(names))
    lost = df["cargo"].isna()
    report.unmapped_values("miRNA name", df.loc[lost, "MIRNA ID"].fillna("(empty)"), lines=df.loc[lost, LINE],
                           path=path)
    report.reject("miRNA rows: name not a miRBase-style name", int(df["cargo"].isna().sum()))
    df = df.loc[df["cargo"].notna()]
    return df.assign(category="MiRNA", cargo_name=df["cargo"], symbol=None)


def load_ev_database(files: dict, ctx: Context, *, name: str, license: str) -> Result:
    """Read one EV database's files (roles as in :func:`ev_file_roles`) into canonical tables."""
    report = Report(name, files=[p for ps in files.values() for p in ps])
    version = ctx.version
    ctx.tick(f"{name}: experiments")
    exps = _experiments(files["experiments"][0], ctx, report)
    parts = []
    if "protein_mrna" in files:
        ctx.tick(f"{name}: protein and mRNA cargo")
        parts.append(_cargo_protein(files["protein_mrna"][0], ctx, report, name))
    if "mirna" in files:
        ctx.tick(f"{name}: miRNA cargo")
        parts.append(_cargo_mirna(files["mirna"][0], ctx, report))
    cargo = pd.concat(parts, ignore_index=True)
    if "METHODS" not in cargo.columns:
        cargo["METHODS"] = None
    known_exp = cargo["EXPERIMENT ID"].isin(exps["EXPERIMENT ID"])
    report.unmapped_values("experiment id (not in the experiment details file)",
                           cargo.loc[~known_exp, "EXPERIMENT ID"].fillna("(empty)"))  # rows of two files: no line
    report.reject("cargo rows: experiment id not in the experiment details file", int((~known_exp).sum()))
    cargo = cargo.loc[known_exp]
    joined = cargo[["cargo", "EXPERIMENT ID", "METHODS"]].merge(exps, on="EXPERIMENT ID")
    unplaced = joined.groupby("cargo")["term"].count()
    report.note("cargo found only in experiments whose sample could not be mapped (kept as nodes "
                "with their gene link, no DETECTED_IN edge)", int((unplaced == 0).sum()))
    joined = joined.loc[joined["term"].notna()]
    joined = joined.assign(experiment=name + ":" + joined["EXPERIMENT ID"])
    agg = collect(joined, ["cargo", "term"], {"experiments": "experiment", "samples": "SAMPLE",
                                                "methods": "METHODS", "pmids": "pmid"}, numeric_sort=("pmids",))
    detected = edge_frame(agg["cargo"], agg["term"], "DETECTED_IN", knowledge_source=name, version=version,
                          license=license, pmids=agg["pmids"], experiments=agg["experiments"],
                          samples=agg["samples"], methods=agg["methods"])
    term_nodes = joined.drop_duplicates("term")
    nodes = [node_frame(term_nodes["term"], "", names=term_nodes["term"].map(ctx.samples.names))
             .assign(category=term_nodes["term_category"].to_numpy())]
    cargo_nodes = cargo.drop_duplicates("cargo")
    nodes.append(pd.DataFrame({"id": cargo_nodes["cargo"].to_numpy(), "category": cargo_nodes["category"].to_numpy(),
                               "name": cargo_nodes["cargo_name"].to_numpy(),
                               "symbol": cargo_nodes["symbol"].to_numpy()}))
    edges = [detected]
    genes = cargo_nodes.loc[cargo_nodes["category"] != "MiRNA"]
    if len(genes):
        gene_ids = prefixed(ctx.gene_prefix, genes["symbol"])
        nodes.append(node_frame(gene_ids, "Gene", names=genes["symbol"], symbol=genes["symbol"]))
        edges.append(edge_frame(genes["cargo"], gene_ids, "PRODUCT_OF", knowledge_source=name,
                                version=version, license=license))
    nodes_df = pd.concat(nodes, ignore_index=True).drop_duplicates("id").reset_index(drop=True)
    return Result(Tables(nodes_df, pd.concat(edges, ignore_index=True), {"source": name, "version": version}),
                  report)


def register_ev_database(name: str, prefix: str, *, license: str, **info) -> SourceInfo:
    """Register an EV database in the shared layout (files ``<PREFIX>_*_DETAILS_<release>.txt``)."""
    return register(SourceInfo(name=name, license=license, files=ev_file_roles(prefix),
                               load=lambda files, ctx: load_ev_database(files, ctx, name=name, license=license),
                               one_of=("protein_mrna", "mirna"),
                               options=(Option("strict", bool, False, "stop at the first malformed line instead of "
                                               "skipping and counting it"),), **info))
