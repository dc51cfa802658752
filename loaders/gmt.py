"""Gene sets in GMT files (MSigDB, Enrichr libraries): ``IN_GENE_SET`` edges.

One gene set per line: name, description (MSigDB: a URL; Enrichr: empty), genes;
Enrichr's ``GENE,1.0`` weights are dropped. Each set becomes a ``GeneSet`` node
``geneset:<name>`` (characters other than letters, digits, ``_.+-`` become
``_``) whose ``collection`` is the file name. Licences differ by collection:
MSigDB is CC BY 4.0 except KEGG-derived sets; an Enrichr library carries the
licence of its source, so each edge records what the file name tells.

MSigDB ships each collection keyed two ways: ``*.symbols.gmt`` and
``*.entrez.gmt`` (NCBI Gene ids). A file whose members are all numbers (or whose
name says ``entrez``) is read as NCBI Gene ids and mapped through the HGNC file's
``entrez_id`` column (or the pairs other sources taught), never as symbols.
Each file's species is read from its name (MSigDB ``.Hs.``/``.Mm.``, the mouse
collections ``mh.``/``m1.``-``m8.``, older MSigDB releases are human) or else
from how its symbols are written (``JUNB`` is human, ``Junb`` mouse): human sets
reach a mouse or rat build only through an ortholog file, and mouse-style sets
are not read into a human build; both are counted.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from evgraph.loaders._read import LINE, read_gmt
from evgraph.loaders.normalise import Report
from evgraph.loaders.registry import Context, FileRole, Result, SourceInfo, edge_frame, node_frame, prefixed, register
from evgraph.tables import Tables

MSIGDB = re.compile(r"^(h|c[1-8]|mh|m[1-8])\.[\w.]*\.(symbols|entrez)\.gmt", re.IGNORECASE)
_MOUSE_NAME = re.compile(r"(\.Mm\.|^(mh|m[1-8])\.)")
_HUMAN_NAME = re.compile(r"(\.Hs\.|^(h|c[1-8])\.)")


def keyed_by_entrez(path: Path, genes: pd.Series) -> bool:
    """Whether a GMT file lists NCBI Gene ids: its name says so, or every member is a number.

    Examples
    --------
    >>> keyed_by_entrez(Path("h.all.v7.4.entrez.gmt"), pd.Series(["2", "3091"]))
    True
    >>> keyed_by_entrez(Path("custom.gmt"), pd.Series(["2", "A2M"]))
    False
    """
    return ".entrez." in path.name.lower() or bool(len(genes)) and bool(genes.str.fullmatch(r"\d+").all())


def file_species(path: Path, genes: pd.Series) -> str:
    """``human`` or ``mouse``: from the file name, else from how most symbols are written.

    Examples
    --------
    >>> file_species(Path("mh.all.v2023.1.Mm.symbols.gmt"), pd.Series(["Junb"]))
    'mouse'
    >>> file_species(Path("my_sets.gmt"), pd.Series(["Junb", "Fos", "Egr1"]))
    'mouse'
    >>> file_species(Path("my_sets.gmt"), pd.Series(["JUNB", "FOS", "C1orf112"]))
    'human'
    """
    if _MOUSE_NAME.search(path.name):
        return "mouse"
    if _HUMAN_NAME.search(path.name):
        return "human"
    words = genes[genes.str.count(r"[A-Za-z]") >= 2]
    if not len(words):
        return "human"
    upper = words.str.replace(r"(?<=\d)orf(?=\d)", "ORF", regex=True).map(lambda w: w == w.upper())
    return "human" if upper.mean() >= 0.5 else "mouse"


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


def _symbols(path: Path, df: pd.DataFrame, ctx: Context, report: Report) -> pd.Series:
    """The build species' symbols for a file's members (NCBI Gene ids or symbols, of either species)."""
    lines = df[LINE]
    if keyed_by_entrez(path, df["gene"]):
        numeric = df["gene"].str.fullmatch(r"\d+")
        table = ctx.human.entrez if ctx.species != "human" else ctx.symbols.entrez
        human = df["gene"].where(numeric, None).map(table).astype(object)
        lost = human.isna()
        report.unmapped_values("NCBI Gene id (no symbol known: give the HGNC file)" if not table else
                               "NCBI Gene id not in the HGNC file", df.loc[lost, "gene"], lines=lines[lost], path=path)
        report.note(f"{path.name}: NCBI Gene ids mapped to symbols", int((~lost).sum()))
        return ctx.from_human(human, report, "human gene", lines=lines, path=path)
    species = file_species(path, df["gene"])
    if species == "human":
        if ctx.species == "human":
            return ctx.symbols.symbols(df["gene"], report, lines=lines, path=path)
        human = ctx.human.symbols(df["gene"], report, "human gene symbol", lines=lines, path=path) \
            if ctx.human.has_hgnc else df["gene"].map(lambda v: v.strip().upper() or None)
        return ctx.from_human(human, report, "human gene", lines=lines, path=path)
    if ctx.species == "human":
        report.unmapped_values("mouse-style symbol in a human build (a mouse gene set?)", df["gene"],
                               lines=lines, path=path)
        return pd.Series([None] * len(df), index=df.index, dtype=object)
    return ctx.symbols.symbols(df["gene"], report, lines=lines, path=path)


def load(files, ctx: Context) -> Result:
    report = Report("gmt", files=list(files["gmt"]))
    nodes, edges = [], []
    for path in files["gmt"]:
        ctx.tick(f"gmt: {path.name}")
        df = read_gmt(path)
        report.rows_read += len(df)
        df = df.assign(symbol=_symbols(path, df, ctx, report))
        report.reject(f"{path.name}: genes whose symbol could not be mapped", int(df["symbol"].isna().sum()))
        df = df.loc[df["symbol"].notna()].drop_duplicates(["set", "symbol"])
        ids = df["set"].map({s: set_id(s) for s in pd.unique(df["set"])})
        collection = path.name.removesuffix(".gz").removesuffix(".gmt")
        sets = df.assign(sid=ids).drop_duplicates("sid")
        desc = sets["description"].where(~sets["description"].str.match(r"^(https?://|$)"), None)
        nodes.append(node_frame(sets["sid"], "GeneSet", names=sets["set"], collection=collection, description=desc))
        gene_ids = prefixed(ctx.gene_prefix, df["symbol"])
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
