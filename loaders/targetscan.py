"""TargetScan predicted miRNA targets: ``Summary_Counts.default_predictions.txt``.

Columns used (by name): ``Gene Symbol``, ``Species ID``, ``Representative miRNA``,
``Cumulative weighted context++ score`` and, when present, ``Total num conserved
sites``, ``Total num nonconserved sites`` and ``Aggregate PCT``; ``NULL`` is a
missing value. Rows are filtered by NCBI taxon id and aggregated per (miRNA,
gene): the most negative (strongest) context++ score and the largest site
counts. These are predictions (``PREDICTED_TARGET``), never merged with the
validated ``REGULATES`` edges.
"""

from __future__ import annotations

import pandas as pd

from evgraph.loaders._read import LINE, numeric, read_table
from evgraph.loaders.normalise import Report, normalise_mirna
from evgraph.loaders.registry import (Context, FileRole, Option, Result, SourceInfo, edge_frame, mirna_gene_nodes,
                                      prefixed, register)
from evgraph.tables import Tables

REQUIRED = ("Gene Symbol", "Species ID", "Representative miRNA", "Cumulative weighted context++ score")
OPTIONAL_NUMERIC = {"Total num conserved sites": ("conserved_sites", True),
                    "Total num nonconserved sites": ("nonconserved_sites", True),
                    "Aggregate PCT": ("aggregate_pct", False)}
LICENSE = "TargetScan terms (free for academic use)"


def load(files, ctx: Context) -> Result:
    path = files["summary_counts"][0]
    report = Report("targetscan", files=[path])
    ctx.tick("targetscan: reading")
    df = read_table(path, REQUIRED, layout="Transcript ID, Gene Symbol, miRNA family, Species ID, ...")
    report.rows_read = len(df)
    same = df["Species ID"] == ctx.sp.taxon
    report.reject(f"rows of species other than taxon {ctx.sp.taxon}", int((~same).sum()))
    df = df.loc[same].reset_index(drop=True)
    score = numeric(df, "Cumulative weighted context++ score", path)
    cols = {"context_score": score}
    for col, (out, integer) in OPTIONAL_NUMERIC.items():
        if col in df.columns:
            cols[out] = numeric(df, col, path, integer=integer)
    df = df.assign(**cols)
    limit = ctx.options.get("max_context_score")
    if limit is not None:
        weak = ~(df["context_score"] <= float(limit))
        report.reject(f"predictions with context++ score above {limit} (or NULL)", int(weak.sum()))
        df = df.loc[~weak]
    names = {v: normalise_mirna(v, ctx.sp.mirbase, ctx.mirna_aliases)
             for v in pd.unique(df["Representative miRNA"].dropna())}
    df = df.assign(mirna=df["Representative miRNA"].map(names),
                   gene=ctx.symbols.symbols(df["Gene Symbol"], report, lines=df[LINE], path=path))
    no_name = df["mirna"].isna()
    report.unmapped_values("miRNA name", df.loc[no_name, "Representative miRNA"].fillna("(empty)"),
                           lines=df.loc[no_name, LINE], path=path)
    keep = df["mirna"].notna() & df["gene"].notna()
    report.reject("rows whose miRNA or gene could not be mapped", int((~keep).sum()))
    df = df.loc[keep]
    aggs = {"context_score": "min"}
    aggs.update({out: "max" for out, _ in OPTIONAL_NUMERIC.values() if out in df.columns})
    agg = df.groupby(["mirna", "gene"], sort=False).agg(aggs).reset_index()
    for out, integer in OPTIONAL_NUMERIC.values():
        if integer and out in agg.columns:
            agg[out] = agg[out].astype("Int64").astype(object).where(agg[out].notna(), None)
    gene_ids = prefixed(ctx.gene_prefix, agg["gene"])
    props = {c: agg[c] for c in aggs}
    edges = edge_frame(agg["mirna"], gene_ids, "PREDICTED_TARGET", knowledge_source="targetscan",
                       version=ctx.version, license=LICENSE, **props)
    nodes = mirna_gene_nodes(agg["mirna"], agg["gene"], ctx.gene_prefix)
    return Result(Tables(nodes, edges, {"source": "targetscan", "version": ctx.version}), report)


INFO = register(SourceInfo(
    name="targetscan",
    title="TargetScan: predicted miRNA target sites (summary counts)",
    homepage="https://www.targetscan.org",
    download="TargetScan Human 8.0 (or 7.2) download page: Summary_Counts.default_predictions.txt.zip (unzip)",
    license=LICENSE,
    citation="Agarwal V, Bell GW, Nam JW, Bartel DP. Predicting effective microRNA target sites in mammalian "
             "mRNAs. eLife. 2015;4:e05005.",
    files=(FileRole("summary_counts", ("Summary_Counts*.txt", "Summary_Counts*.txt.gz"),
                    description="one row per transcript and miRNA family"),),
    load=load,
    options=(Option("max_context_score", float, None,
                    "keep predictions with cumulative weighted context++ score <= this (e.g. -0.2)"),),
    order=40,
))
