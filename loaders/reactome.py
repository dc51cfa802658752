"""Reactome pathways, their hierarchy and gene membership (CC0).

Files (tab-separated, no header, all species mixed):

* ``ReactomePathways.txt``: stable id, name, species
* ``ReactomePathwaysRelation.txt``: parent id, child id -> ``PART_OF`` (child -> parent)
* membership, one or more of: ``NCBI2Reactome.txt`` (NCBI Gene id, pathway, URL,
  name, evidence code, species), ``Ensembl2Reactome.txt`` (same columns, Ensembl
  ids) or ``ReactomePathways.gmt`` (name, stable id, gene symbols) ->
  ``PARTICIPATES_IN`` (gene -> pathway). The lowest-level files are used, not
  ``*_All_Levels``, which repeat each gene for every ancestor pathway.

NCBI Gene and Ensembl ids are mapped to symbols with the HGNC file (source
``hgnc``) and the (id, symbol) pairs that ExoCarta, Vesiclepedia and
miRTarBase carry; what cannot be mapped is reported.
"""

from __future__ import annotations

import pandas as pd

from evgraph.loaders._read import LINE, bad, collect, read_gmt, read_headerless
from evgraph.loaders.normalise import Report
from evgraph.loaders.registry import Context, FileRole, Result, SourceInfo, edge_frame, node_frame, register
from evgraph.tables import Tables

LICENSE = "CC0-1.0"
MEMBERSHIP = ["gene", "pathway", "url", "pathway_name", "evidence", "species"]


def _pathway_ids(df: pd.DataFrame, column: str, path, code: str) -> pd.Series:
    values = df[column]
    ok = values.str.fullmatch(r"R-[A-Z]{3}-\d+")
    if not ok.all():
        i = (~ok).to_numpy().nonzero()[0][0]
        raise bad(path, int(df[LINE].iloc[i]), column,
                  f"{values.iloc[i]!r} is not a Reactome stable id like R-{code}-1640170")
    return "REACT:" + values


def _membership(path, kind: str, ctx: Context, report: Report) -> pd.DataFrame:
    df = read_headerless(path, MEMBERSHIP)
    report.rows_read += len(df)
    same = df["species"] == ctx.sp.latin
    report.reject(f"{path.name}: rows of species other than {ctx.sp.latin}", int((~same).sum()))
    df = df.loc[same]
    if kind == "ensembl":
        genes_only = df["gene"].str.startswith("ENSG")
        report.reject(f"{path.name}: transcript or protein ids (only ENSG gene ids are used)",
                      int((~genes_only).sum()))
        df = df.loc[genes_only]
        table = ctx.symbols.ensembl
        what = "Ensembl gene id (no symbol known: give the HGNC file)"
    else:
        table = ctx.symbols.entrez
        what = "NCBI Gene id (no symbol known: give the HGNC file)"
    symbols = df["gene"].map(table)
    report.unmapped_values(what, df.loc[symbols.isna(), "gene"])
    report.reject(f"{path.name}: genes without a symbol", int(symbols.isna().sum()))
    df = df.assign(symbol=symbols, pathway=_pathway_ids(df, "pathway", path, ctx.sp.reactome))
    return df.loc[df["symbol"].notna(), ["symbol", "pathway", "pathway_name", "evidence"]]


def _gmt_membership(path, ctx: Context, report: Report) -> pd.DataFrame:
    df = read_gmt(path)
    report.rows_read += len(df)
    wrong = ~df["description"].str.fullmatch(r"R-[A-Z]{3}-\d+")
    if wrong.any():
        row = df.loc[wrong].iloc[0]
        raise bad(path, int(row[LINE]), "", f"the second field must be a Reactome stable id, found "
                  f"{row['description']!r}")
    same = df["description"].str.startswith(f"R-{ctx.sp.reactome}-")
    report.reject(f"{path.name}: pathways of other species", int((~same).sum()))
    df = df.loc[same]
    symbols = ctx.symbols.symbols(df["gene"], report)
    df = df.assign(symbol=symbols, pathway="REACT:" + df["description"], pathway_name=df["set"], evidence=None)
    report.reject(f"{path.name}: genes whose symbol could not be mapped", int(symbols.isna().sum()))
    return df.loc[df["symbol"].notna(), ["symbol", "pathway", "pathway_name", "evidence"]]


def load(files, ctx: Context) -> Result:
    report = Report("reactome", files=[p for ps in files.values() for p in ps])
    ctx.tick("reactome: pathways")
    pw_path = files["pathways"][0]
    pw = read_headerless(pw_path, ["id", "name", "species"])
    pw = pw.loc[pw["species"] == ctx.sp.latin]
    pw = pw.assign(id=_pathway_ids(pw, "id", pw_path, ctx.sp.reactome))
    names = dict(zip(pw["id"], pw["name"]))
    edges = []
    if "relations" in files:
        rel_path = files["relations"][0]
        rel = read_headerless(rel_path, ["parent", "child"])
        prefix = f"R-{ctx.sp.reactome}-"
        rel = rel.loc[rel["parent"].str.startswith(prefix) & rel["child"].str.startswith(prefix)]
        rel = rel.assign(parent=_pathway_ids(rel, "parent", rel_path, ctx.sp.reactome),
                         child=_pathway_ids(rel, "child", rel_path, ctx.sp.reactome))
        unknown = ~(rel["parent"].isin(names.keys()) & rel["child"].isin(names.keys()))
        report.unmapped_values("pathway in the hierarchy but not in ReactomePathways.txt",
                               pd.concat([rel.loc[unknown & ~rel["parent"].isin(names.keys()), "parent"],
                                          rel.loc[unknown & ~rel["child"].isin(names.keys()), "child"]]))
        report.reject("hierarchy rows naming an unknown pathway", int(unknown.sum()))
        rel = rel.loc[~unknown].drop_duplicates()
        edges.append(edge_frame(rel["child"], rel["parent"], "PART_OF", knowledge_source="reactome",
                                version=ctx.version, license=LICENSE))
    members = []
    for role, reader in (("ncbi", lambda p: _membership(p, "ncbi", ctx, report)),
                         ("ensembl", lambda p: _membership(p, "ensembl", ctx, report)),
                         ("gmt", lambda p: _gmt_membership(p, ctx, report))):
        for path in files.get(role, []):
            ctx.tick(f"reactome: {path.name}")
            members.append(reader(path))
    m = pd.concat(members, ignore_index=True)
    extra = m.loc[~m["pathway"].isin(names.keys())].drop_duplicates("pathway")
    names.update(zip(extra["pathway"], extra["pathway_name"]))
    m = m.assign(gene="hgnc.symbol:" + m["symbol"])
    codes = collect(m, ["gene", "pathway"], {"evidence": "evidence"})
    edges.append(edge_frame(codes["gene"], codes["pathway"], "PARTICIPATES_IN", knowledge_source="reactome",
                            version=ctx.version, license=LICENSE, evidence_codes=codes["evidence"]))
    genes = m.drop_duplicates("gene")
    used = pd.Series(sorted(set(codes["pathway"]) | set().union(*[set(e["source"]) | set(e["target"])
                                                                  for e in edges[:-1]])), dtype=object)
    nodes = pd.concat([node_frame(used, "Pathway", names=used.map(names)),
                       node_frame(genes["gene"], "Gene", names=genes["symbol"], symbol=genes["symbol"])],
                      ignore_index=True)
    return Result(Tables(nodes, pd.concat(edges, ignore_index=True), {"source": "reactome", "version": ctx.version}),
                  report)


INFO = register(SourceInfo(
    name="reactome",
    title="Reactome: pathways, hierarchy and gene membership",
    homepage="https://reactome.org",
    download="https://reactome.org/download-data: ReactomePathways.txt, ReactomePathwaysRelation.txt, "
             "NCBI2Reactome.txt or Ensembl2Reactome.txt (lowest level), or ReactomePathways.gmt",
    license=LICENSE,
    citation="Gillespie M, et al. The reactome pathway knowledgebase 2022. Nucleic Acids Res. 2022. "
             "doi:10.1093/nar/gkab1028",
    files=(FileRole("pathways", ("ReactomePathways.txt", "ReactomePathways.txt.gz")),
           FileRole("relations", ("ReactomePathwaysRelation.txt", "ReactomePathwaysRelation.txt.gz"),
                    required=False),
           FileRole("ncbi", ("NCBI2Reactome.txt", "NCBI2Reactome.txt.gz"), required=False),
           FileRole("ensembl", ("Ensembl2Reactome.txt", "Ensembl2Reactome.txt.gz"), required=False),
           FileRole("gmt", ("ReactomePathways.gmt", "ReactomePathways.gmt.gz"), required=False)),
    load=load,
    one_of=("ncbi", "ensembl", "gmt"),
    order=60,
))
