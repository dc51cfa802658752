"""miRTarBase miRNA-target interactions (MTIs): ``hsa_MTI.xlsx`` or ``hsa_MTI.csv``.

Columns (by name): ``miRTarBase ID, miRNA, Species (miRNA), Target Gene,
Target Gene (Entrez Gene ID), Species (Target Gene), Experiments, Support Type,
References (PMID)``; releases since 2022 (and their documentation) write
``Target Gene (Entrez ID)``, and names are compared without case and spaces. The
CSV is read as CSV: a quoted field may hold commas (``"Western blot, luciferase
assay"``) and doubled quotes, and a row of the wrong length is an error naming its
line. When a row carries an NCBI Gene id, the id decides the gene (with the HGNC
file): ``HCC`` with a id HGNC does not list is not renamed through an alias, and a
zebrafish gene labelled *Homo sapiens* is not made human. The file has one row per (interaction, reference); rows
are aggregated per (miRNA, gene) into one ``REGULATES`` edge with every PMID,
experiment and MIRT id. ``Support Type`` "Functional MTI" is strong support,
"... (Weak)" weak; an edge is strong if any reference gives strong support,
and it represses its target if any reference shows a functional MTI.
miRTarBase is free for academic use only: never bundled.
"""

from __future__ import annotations


import pandas as pd

from evgraph.loaders._read import LINE, bad, clean_ids, collect, read_excel, read_table
from evgraph.loaders.normalise import Report, normalise_mirna
from evgraph.loaders.registry import (Context, FileRole, Result, SourceInfo, edge_frame, mirna_gene_nodes, prefixed,
                                      register)
from evgraph.tables import Tables

COLUMNS = ("miRTarBase ID", "miRNA", "Species (miRNA)", "Target Gene", "Target Gene (Entrez Gene ID)",
           "Species (Target Gene)", "Experiments", "Support Type", "References (PMID)")
ENTREZ = "Target Gene (Entrez Gene ID)"
# header names of other releases: 2022 and later (and the download page) write "(Entrez ID)"
ALIASES = {ENTREZ: ("Target Gene (Entrez ID)", "Target Gene(Entrez ID)", "Target Gene (EntrezGene ID)"),
           "References (PMID)": ("References(PMID)", "Reference (PMID)", "PMID"),
           "Species (Target Gene)": ("Species(Target Gene)",), "Species (miRNA)": ("Species(miRNA)",)}
LICENSE = "miRTarBase licence (academic non-commercial, not redistributed)"
SUPPORT_TYPES = ("Functional MTI", "Functional MTI (Weak)", "Non-Functional MTI", "Non-Functional MTI (Weak)")


def _read(path) -> pd.DataFrame:
    layout = ", ".join(COLUMNS)
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        return read_excel(path, COLUMNS, layout=layout, aliases=ALIASES)
    return read_table(path, COLUMNS, sep=",", layout=layout, aliases=ALIASES)


def load(files, ctx: Context) -> Result:
    path = files["mti"][0]
    report = Report("mirtarbase", files=[path])
    ctx.tick("mirtarbase: reading")
    df = _read(path)
    report.rows_read = len(df)
    latin = ctx.sp.latin.lower()
    same = (df["Species (miRNA)"].fillna("").str.lower() == latin) & (
        df["Species (Target Gene)"].fillna("").str.lower() == latin)
    report.reject(f"rows of species other than {ctx.sp.latin}", int((~same).sum()))
    df = df.loc[same].reset_index(drop=True)
    support = df["Support Type"].fillna("")
    wrong = ~support.isin(SUPPORT_TYPES)
    if wrong.any():
        row = df.loc[wrong].iloc[0]
        raise bad(path, int(row[LINE]), "Support Type",
                  f"{row['Support Type']!r} is not one of {', '.join(SUPPORT_TYPES)}")
    pmid = clean_ids(df["References (PMID)"])
    not_numeric = pmid.notna() & ~pmid.fillna("").str.fullmatch(r"\d+")
    if not_numeric.any():
        i = not_numeric.to_numpy().nonzero()[0][0]
        raise bad(path, int(df[LINE].iloc[i]), "References (PMID)",
                  f"PMID must be numeric, found {df['References (PMID)'].iloc[i]!r}")
    entrez = clean_ids(df[ENTREZ])
    wrong = entrez.notna() & ~entrez.fillna("0").str.fullmatch(r"\d+")
    if wrong.any():
        i = wrong.to_numpy().nonzero()[0][0]
        raise bad(path, int(df[LINE].iloc[i]), ENTREZ, f"an NCBI Gene id is a number, found {df[ENTREZ].iloc[i]!r}")
    ctx.tick("mirtarbase: normalising names")
    names = {v: normalise_mirna(v, ctx.sp.mirbase, ctx.mirna_aliases) for v in pd.unique(df["miRNA"].dropna())}
    gene = ctx.symbols.by_entrez(entrez, df["Target Gene"], report, lines=df[LINE], path=path)
    df = df.assign(mirna=df["miRNA"].map(names), gene=gene, pmid=pmid, entrez=entrez,
                   strong=~support.str.contains("(Weak)", regex=False),
                   functional=support.str.startswith("Functional"))
    no_name = df["mirna"].isna()
    report.unmapped_values("miRNA name", df.loc[no_name, "miRNA"].fillna("(empty)"), lines=df.loc[no_name, LINE],
                           path=path)
    keep = df["mirna"].notna() & df["gene"].notna()
    report.reject("rows whose miRNA or target gene could not be mapped", int((~keep).sum()))
    df = df.loc[keep]
    ctx.symbols.learn_entrez(df["entrez"], df["gene"])
    # Experiments are '//'-separated (sometimes ';'): one row per experiment for collecting.
    exp = df[["mirna", "gene", "Experiments"]].dropna()
    exp = exp.assign(experiment=exp["Experiments"].str.split(r"//|;", regex=True)).explode("experiment")
    exp["experiment"] = exp["experiment"].str.strip()
    exp = exp.loc[exp["experiment"] != ""]
    ctx.tick("mirtarbase: aggregating references per interaction")
    agg = collect(df, ["mirna", "gene"], {"pmids": "pmid", "interaction_ids": "miRTarBase ID"},
                  numeric_sort=("pmids",))
    exps = collect(exp, ["mirna", "gene"], {"experiments": "experiment"})
    flags = df.groupby(["mirna", "gene"], sort=False)[["strong", "functional"]].any().reset_index()
    agg = agg.merge(exps, on=["mirna", "gene"], how="left").merge(flags, on=["mirna", "gene"])
    agg["experiments"] = [v if isinstance(v, list) else [] for v in agg["experiments"]]
    no_pmid = agg["pmids"].map(len) == 0
    report.reject("interactions citing no PMID", int(no_pmid.sum()))
    agg = agg.loc[~no_pmid]
    gene_ids = prefixed(ctx.gene_prefix, agg["gene"])
    edges = edge_frame(agg["mirna"], gene_ids, "REGULATES", knowledge_source="mirtarbase", version=ctx.version,
                       license=LICENSE, pmids=agg["pmids"],
                       effect=agg["functional"].map({True: "represses", False: None}),
                       support=agg["strong"].map({True: "strong", False: "weak"}),
                       experiments=agg["experiments"], interaction_ids=agg["interaction_ids"])
    nodes = mirna_gene_nodes(agg["mirna"], agg["gene"], ctx.gene_prefix)
    report.note("interactions (miRNA, gene) after aggregating references", len(edges))
    return Result(Tables(nodes, edges, {"source": "mirtarbase", "version": ctx.version}), report)


INFO = register(SourceInfo(
    name="mirtarbase",
    title="miRTarBase: experimentally validated miRNA-target interactions",
    homepage="https://mirtarbase.cuhk.edu.cn",
    download="miRTarBase download page: <species>_MTI.xlsx (releases <= 9) or <species>_MTI.csv (release 10)",
    license=LICENSE,
    citation="Huang HY, et al. miRTarBase update 2022: an informative resource for experimentally validated "
             "miRNA-target interactions. Nucleic Acids Res. 2022;50(D1):D222-D230. doi:10.1093/nar/gkab1079",
    files=(FileRole("mti", ("*_MTI.xlsx", "*_MTI.csv", "*_MTI.csv.gz", "miRTarBase_*.csv", "miRTarBase_*.xlsx"),
                    description="one row per interaction and reference"),),
    load=load,
    order=30,
))
