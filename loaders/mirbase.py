"""miRBase ``aliases.txt``: historical mature miRNA names -> current names.

Adds nothing to the graph: with it, ``hsa-miR-21`` (an old name kept by EV
databases) becomes ``hsa-miR-21-5p`` in every source.
"""

from __future__ import annotations

from evgraph.loaders.normalise import read_mirbase_aliases
from evgraph.loaders.registry import FileRole, SourceInfo, register


def load(files, ctx) -> dict:
    ctx.tick("mirbase: aliases")
    return read_mirbase_aliases(files["aliases"][0], ctx.sp.mirbase)


INFO = register(SourceInfo(
    name="mirbase",
    title="miRBase name history (aliases.txt)",
    homepage="https://www.mirbase.org",
    download="https://www.mirbase.org/download/ : aliases.txt",
    license="miRBase terms (freely available)",
    citation="Kozomara A, Birgaoanu M, Griffiths-Jones S. miRBase: from microRNA sequences to function. "
             "Nucleic Acids Res. 2019;47(D1):D155-D162.",
    files=(FileRole("aliases", ("aliases.txt", "aliases.txt.gz")),),
    load=load,
    kind="mapping",
    order=1,
))
