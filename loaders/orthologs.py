"""Human-mouse (and human-rat) orthologs, so that human-keyed sources can enter a mouse or rat build.

Adds nothing to the graph by itself. Two layouts are read (tab-separated, header line):

* MGI ``HOM_MouseHumanSequence.rpt`` (or ``HOM_AllOrganism.rpt``): one row per gene of a
  homology class, ``DB Class Key, Common Organism Name, NCBI Taxon ID, Symbol, EntrezGene ID,
  Mouse MGI ID, HGNC ID, ...``; the human and mouse (or rat) rows of a class are orthologs.
* HGNC HCOP ``human_mouse_hcop_fifteen_column.txt`` (or ``human_rat_...``): one row per pair,
  ``human_entrez_gene, human_ensembl_gene, hgnc_id, human_name, human_symbol, ...,
  mouse_symbol, mouse_chr, mouse_assert_ids, support`` (``-`` for a missing value).

Only one-to-one pairs are used (:class:`~evgraph.loaders.normalise.Orthologs`): human gene
sets and drug targets then reach a mouse build as the mouse orthologs of their genes, and
what has no such ortholog is counted. Without this file a mouse build keeps human genes out.
"""

from __future__ import annotations

from evgraph.loaders._read import read_table
from evgraph.loaders.normalise import SPECIES, Orthologs
from evgraph.loaders.registry import FileRole, SourceInfo, register

MGI_COLUMNS = ("DB Class Key", "NCBI Taxon ID", "Symbol")
ORGANISMS = {"mouse": "mouse", "rat": "rat"}


def read_orthologs(path) -> Orthologs:
    """Read an MGI homology report or an HCOP file into 1:1 human -> mouse/rat symbol maps."""
    from evgraph.loaders._read import _first_line, bad, encoding_of

    first = _first_line(path, encoding_of(path))
    if "human_symbol" in first.split("\t"):
        other = next((sp for sp in ORGANISMS if f"{sp}_symbol" in first.split("\t")), None)
        if other is None:
            raise bad(path, 1, "", "an HCOP file needs human_symbol and mouse_symbol (or rat_symbol) columns")
        df = read_table(path, ["human_symbol", f"{other}_symbol"], layout="HCOP fifteen-column file")
        pairs = [(h, o) for h, o in zip(df["human_symbol"], df[f"{other}_symbol"]) if h != "-" and o != "-"]
        return Orthologs.from_pairs(other, pairs, source=path.name)
    df = read_table(path, MGI_COLUMNS, layout="MGI HOM_MouseHumanSequence.rpt (DB Class Key, Common Organism "
                    "Name, NCBI Taxon ID, Symbol, ...)")
    out = Orthologs(source=path.name)
    human = df.loc[df["NCBI Taxon ID"] == SPECIES["human"].taxon, ["DB Class Key", "Symbol"]]
    for sp in ORGANISMS:
        rows = df.loc[df["NCBI Taxon ID"] == SPECIES[sp].taxon, ["DB Class Key", "Symbol"]]
        if not len(rows):
            continue
        pairs = human.merge(rows, on="DB Class Key", suffixes=("_h", "_o"))
        out = out.merge(Orthologs.from_pairs(sp, zip(pairs["Symbol_h"], pairs["Symbol_o"]), source=path.name,
                                             symbols=rows["Symbol"].dropna()))
    if not out.human_to:
        raise bad(path, 0, "", "no human-mouse or human-rat homology class in the file (NCBI Taxon ID 9606 "
                  "with 10090 or 10116)")
    return out


def load(files, ctx) -> Orthologs:
    ctx.tick("orthologs: homology classes")
    out = Orthologs()
    for path in files["orthologs"]:
        out = out.merge(read_orthologs(path))
    return out


INFO = register(SourceInfo(
    name="orthologs",
    title="Human-mouse and human-rat orthologs (MGI homology classes or HGNC HCOP)",
    homepage="https://www.informatics.jax.org/downloads/reports/index.html ; https://www.genenames.org/tools/hcop/",
    download="MGI reports, Vertebrate homology: HOM_MouseHumanSequence.rpt (or HOM_AllOrganism.rpt); or HCOP: "
             "human_mouse_hcop_fifteen_column.txt.gz",
    license="MGI: free to use with citation (MGI copyright notice); HCOP: freely available (HGNC)",
    citation="Baldarelli RM, et al. Mouse Genome Informatics: an integrated knowledgebase system for the "
             "laboratory mouse. Genetics. 2024;227(1):iyae031. Yates B, et al. Genenames.org: the HGNC and VGNC "
             "resources in 2017 (HCOP). Nucleic Acids Res. 2017;45(D1):D619-D625.",
    files=(FileRole("orthologs", ("HOM_MouseHumanSequence*.rpt*", "HOM_AllOrganism*.rpt*",
                                  "human_mouse_hcop*.txt*", "human_rat_hcop*.txt*"), many=True,
                    description="homology classes or ortholog pairs"),),
    load=load,
    kind="mapping",
    order=2,
))
