"""STRING functional protein associations (CC BY 4.0): ``INTERACTS_WITH`` between genes.

Files: ``<taxon>.protein.links.v<release>.txt.gz`` (space-separated, header
``protein1 protein2 combined_score``; the detailed and physical variants work
too) and, to turn ``9606.ENSP…`` ids into gene symbols,
``<taxon>.protein.info.v<release>.txt.gz`` (``#string_protein_id
preferred_name …``) or ``<taxon>.protein.aliases.v<release>.txt.gz``
(``#string_protein_id alias source``; aliases from a source naming HGNC or
``UniProt_GN`` are used). Links below ``min_score`` (default 700, STRING's "high
confidence") are dropped while reading, in chunks, so the 10^7-line human file
fits in memory. Each pair is listed twice (A-B, B-A); one edge is kept per
unordered pair of symbols, source < target, with the highest score.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from evgraph.loaders._read import LINE, bad, iter_chunks, read_table
from evgraph.loaders.normalise import Report
from evgraph.loaders.registry import (Context, FileRole, Option, Result, SourceInfo, edge_frame, node_frame,
                                      prefixed, register)
from evgraph.tables import Tables

LICENSE = "CC-BY-4.0"


def _names(files, ctx: Context, report: Report) -> dict:
    """STRING protein id -> gene symbol as STRING names it (normalised afterwards)."""
    if "info" in files:
        info = read_table(files["info"][0], ["string_protein_id", "preferred_name"], comment_prefix="#",
                          usecols=["string_protein_id", "preferred_name"])
        return dict(zip(info["string_protein_id"], info["preferred_name"]))
    if "aliases" in files:
        al = read_table(files["aliases"][0], ["string_protein_id", "alias", "source"], comment_prefix="#")
        src = al["source"].fillna("")
        pick = al.loc[src.str.contains("HGNC") | src.str.contains("UniProt_GN_Name")]
        pick = pick.assign(hgnc=pick["source"].str.contains("HGNC")).sort_values("hgnc", ascending=False)
        pick = pick.drop_duplicates("string_protein_id")
        return dict(zip(pick["string_protein_id"], pick["alias"]))
    raise bad(files["links"][0], 0, "", "STRING needs protein.info or protein.aliases to map protein ids to "
              "gene symbols; pass it with the links file")


def load(files, ctx: Context) -> Result:
    path = files["links"][0]
    report = Report("string", files=[p for ps in files.values() for p in ps])
    min_score = int(ctx.options.get("min_score", 700))
    ctx.tick("string: protein names")
    names = _names(files, ctx, report)
    prefix = ctx.sp.taxon + "."
    symbol_of = pd.Series(names, dtype=object)
    ours = symbol_of.index.str.startswith(prefix)
    if len(symbol_of) and not ours.any():
        report.warnings.append(f"the protein names file holds no {ctx.sp.latin} protein (ids {prefix}...): "
                               f"files of another species? (--species)")
    symbol_of = symbol_of[ours]
    symbol_of = pd.Series(ctx.symbols.symbols(symbol_of, report, "STRING preferred name").to_numpy(),
                          index=symbol_of.index)
    kept = []
    for chunk in iter_chunks(path, ["protein1", "protein2", "combined_score"], sep=" ",
                             usecols=["protein1", "protein2", "combined_score"]):
        ctx.tick(f"string: links to line {int(chunk[LINE].iloc[-1]):,}")
        report.rows_read += len(chunk)
        score = pd.to_numeric(chunk["combined_score"], errors="coerce")
        wrong = score.isna() | (score < 0) | (score > 1000) | (score != score.round())
        if wrong.any():
            i = wrong.to_numpy().nonzero()[0][0]
            raise bad(path, int(chunk[LINE].iloc[i]), "combined_score",
                      f"expected an integer score 0-1000, found {chunk['combined_score'].iloc[i]!r}")
        # species first: a file of another organism is counted as such, not as low scores
        same = (chunk["protein1"].str.startswith(prefix) & chunk["protein2"].str.startswith(prefix)).to_numpy()
        report.reject(f"links of species other than taxon {ctx.sp.taxon} ({ctx.sp.latin})", int((~same).sum()))
        strong = score.to_numpy() >= min_score
        report.reject(f"links with combined_score < {min_score}", int((same & ~strong).sum()))
        keep = same & strong
        kept.append(chunk.loc[keep, ["protein1", "protein2"]].assign(score=score[keep].astype(np.int32)))
    links = pd.concat(kept, ignore_index=True)
    ctx.tick("string: mapping proteins to genes")
    a, b = links["protein1"].map(symbol_of), links["protein2"].map(symbol_of)
    lost = a.isna() | b.isna()
    report.unmapped_values("STRING protein id (no gene symbol)",
                           pd.concat([links.loc[a.isna(), "protein1"], links.loc[b.isna(), "protein2"]]))
    report.reject("links with a protein that has no gene symbol", int(lost.sum()))
    a, b, s = a[~lost].to_numpy(dtype=object), b[~lost].to_numpy(dtype=object), links.loc[~lost, "score"].to_numpy()
    self_loop = a == b
    report.reject("links between two proteins of the same gene", int(self_loop.sum()))
    a, b, s = a[~self_loop], b[~self_loop], s[~self_loop]
    lo, hi = np.where(a < b, a, b), np.where(a < b, b, a)
    pairs = pd.DataFrame({"a": lo, "b": hi, "score": s}).sort_values("score", ascending=False, kind="stable")
    pairs = pairs.drop_duplicates(["a", "b"]).sort_values(["a", "b"]).reset_index(drop=True)
    ga, gb = prefixed(ctx.gene_prefix, pairs["a"]), prefixed(ctx.gene_prefix, pairs["b"])
    edges = edge_frame(ga, gb, "INTERACTS_WITH", knowledge_source="string", version=ctx.version, license=LICENSE,
                       score=pairs["score"].astype(int).astype(object))
    genes = pd.concat([pairs["a"], pairs["b"]]).drop_duplicates()
    nodes = node_frame(prefixed(ctx.gene_prefix, genes), "Gene", names=genes, symbol=genes)
    return Result(Tables(nodes, edges, {"source": "string", "version": ctx.version}), report)


INFO = register(SourceInfo(
    name="string",
    title="STRING functional protein association network",
    homepage="https://string-db.org",
    download="https://string-db.org/cgi/download (choose the organism): <taxon>.protein.links.v12.0.txt.gz and "
             "<taxon>.protein.info.v12.0.txt.gz",
    license=LICENSE,
    citation="Szklarczyk D, et al. The STRING database in 2023: protein-protein association networks and "
             "functional enrichment analyses for any sequenced genome of interest. Nucleic Acids Res. "
             "2023;51(D1):D638-D646.",
    files=(FileRole("links", ("*.protein.links.*txt*", "*.protein.physical.links.*txt*"),
                    description="space-separated protein1 protein2 combined_score"),
           FileRole("info", ("*.protein.info.*txt*",), required=False, description="id -> preferred name"),
           FileRole("aliases", ("*.protein.aliases.*txt*",), required=False, description="id -> aliases")),
    load=load,
    options=(Option("min_score", int, 700, "keep links with combined_score >= this (700 = high confidence)"),),
    order=70,
))
