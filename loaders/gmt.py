"""Gene sets in GMT files (MSigDB, Enrichr libraries): ``IN_GENE_SET`` edges.

One gene set per line: name, description (MSigDB: a URL; Enrichr: empty), genes;
Enrichr's ``GENE,1.0`` weights are dropped. Each set becomes a ``GeneSet`` node
``geneset:<name>`` (characters other than letters, digits, ``_.+-`` become
``_``) whose ``collection`` is the file name. Licences differ by collection:
MSigDB is CC BY 4.0 except KEGG-derived sets; an Enrichr library carries the
licence of its source, so each edge records what the file name tells.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from evgraph.loaders._read import read_gmt
from evgraph.loaders.normalise import Report
from evgraph.loaders.registry import Context, FileRole, Result, SourceInfo, edge_frame, node_frame, register
from evgraph.tables import Tables

MSIGDB = re.compile(r"^(h|c[1-8])\.[\w.]*\.(symbols|entrez)\.gmt", re.IGNORECASE)


def licence_of(path: Path) -> str:
    """Licence stated for a GMT file from its name.

    Examples
    --------
    >>> licence_of(Path("h.all.v2024.1.Hs.symbols.gmt"))
    'CC-BY-4.0 (MSigDB)'
    >>> licence_of(Path("c2.cp.kegg_legacy.v2024.1.Hs.symbols.gmt"))
    'KEGG licence (academic use, not redistributed)'
    """
    name = path.name.lower()
    if "kegg" in name:
        return "KEGG licence (academic use, not redistributed)"
    if MSIGDB.match(path.name):
        return "CC-BY-4.0 (MSigDB)"
    return "licence of the gene-set library's source (see its documentation)"


def set_id(name: str) -> str:
    """``geneset:`` + the name with unsafe characters replaced.

    Examples
    --------
    >>> set_id("Steroid biosynthesis Homo sapiens hsa00100")
    'geneset:Steroid_biosynthesis_Homo_sapiens_hsa00100'
    """
    return "geneset:" + re.sub(r"[^A-Za-z0-9_.+-]+", "_", name).strip("_.+-")


def load(files, ctx: Context) -> Result:
    report = Report("gmt", files=list(files["gmt"]))
    nodes, edges = [], []
    for path in files["gmt"]:
        ctx.tick(f"gmt: {path.name}")
        df = read_gmt(path)
        report.rows_read += len(df)
        df = df.assign(symbol=ctx.symbols.symbols(df["gene"], report))
        report.reject(f"{path.name}: genes whose symbol could not be mapped", int(df["symbol"].isna().sum()))
        df = df.loc[df["symbol"].notna()].drop_duplicates(["set", "symbol"])
        ids = df["set"].map({s: set_id(s) for s in pd.unique(df["set"])})
        collection = path.name.removesuffix(".gz").removesuffix(".gmt")
        sets = df.assign(sid=ids).drop_duplicates("sid")
        desc = sets["description"].where(~sets["description"].str.match(r"^(https?://|$)"), None)
        nodes.append(node_frame(sets["sid"], "GeneSet", names=sets["set"], collection=collection, description=desc))
        gene_ids = "hgnc.symbol:" + df["symbol"]
        nodes.append(node_frame(gene_ids, "Gene", names=df["symbol"], symbol=df["symbol"]))
        edges.append(edge_frame(gene_ids, ids, "IN_GENE_SET", knowledge_source="gmt", version=ctx.version,
                                license=licence_of(path)))
    return Result(Tables(pd.concat(nodes, ignore_index=True).drop_duplicates("id"),
                         pd.concat(edges, ignore_index=True).drop_duplicates(["source", "target"]),
                         {"source": "gmt", "version": ctx.version}), report)


INFO = register(SourceInfo(
    name="gmt",
    title="Gene sets in GMT format (MSigDB collections, Enrichr libraries)",
    homepage="https://www.gsea-msigdb.org/gsea/msigdb ; https://maayanlab.cloud/Enrichr/#libraries",
    download="MSigDB: h.all.v<release>.Hs.symbols.gmt (hallmark, CC BY 4.0); Enrichr: library .txt saved as .gmt",
    license="per collection: MSigDB CC BY 4.0 except KEGG-derived sets; Enrichr: the library's source",
    citation="Liberzon A, et al. The Molecular Signatures Database Hallmark Gene Set Collection. Cell Syst. "
             "2015;1(6):417-425. Chen EY, et al. Enrichr: interactive and collaborative HTML5 gene list "
             "enrichment analysis tool. BMC Bioinformatics. 2013;14:128. doi:10.1186/1471-2105-14-128",
    files=(FileRole("gmt", ("*.gmt", "*.gmt.gz"), many=True, description="one gene set per line"),),
    load=load,
    order=50,
))
