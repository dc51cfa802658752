"""HGNC gene symbols (CC0): ``hgnc_complete_set.txt``, used to normalise identifiers.

Adds nothing to the graph by itself: every other source's gene symbols are
checked against the approved symbols, previous symbols and unique aliases are
renamed to the approved one, and NCBI Gene and Ensembl ids (Reactome) are
mapped to symbols. Without it, symbols are only case-normalised and NCBI Gene
ids are mapped with the pairs ExoCarta, Vesiclepedia and miRTarBase carry.
"""

from __future__ import annotations

from evgraph.loaders.normalise import SymbolMap
from evgraph.loaders.registry import FileRole, SourceInfo, register


def load(files, ctx) -> SymbolMap:
    ctx.tick("hgnc: symbols")
    m = SymbolMap.from_hgnc(files["hgnc"][0])
    m.species = ctx.species
    return m


INFO = register(SourceInfo(
    name="hgnc",
    title="HGNC approved human gene symbols, previous symbols, aliases and cross-references",
    homepage="https://www.genenames.org",
    download="https://www.genenames.org/download/archive/ : hgnc_complete_set.txt",
    license="CC0-1.0",
    citation="Braschi B, et al. Genenames.org: the HGNC and VGNC resources in 2019. Nucleic Acids Res. "
             "2019;47(D1):D786-D792. doi:10.1093/nar/gky930",
    files=(FileRole("hgnc", ("hgnc_complete_set*.txt", "hgnc_complete_set*.txt.gz", "hgnc_complete_set*.tsv")),),
    load=load,
    kind="mapping",
    order=0,
))
